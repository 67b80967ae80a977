//! Stage 3e, purchase objections (S16): need, product, price, budget, missing information.
//!
//! A budget objection brings cheaper-alternative or instalment replies where the catalog and
//! the shop allow them. An objection caused by missing information is something the product
//! page should have said: [`CopyLog`] gathers them per product for the shop's copywriters.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, Span};
use crate::label::Label;

/// Why a buyer hesitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ObjectionKind {
    /// Does not need it (yet): 用不上, 再考虑.
    Need,
    /// Doubts the product: 怕质量不好, 担心掉色.
    Product,
    /// Finds it too dear for what it is: 太贵了, 别家便宜.
    Price,
    /// Cannot afford it now: 预算不够, 手头紧.
    Budget,
    /// The page does not say what the buyer needs to know: 详情页没写.
    MissingInfo,
}

impl ObjectionKind {
    /// Every kind.
    pub const ALL: [ObjectionKind; 5] = [
        ObjectionKind::Need,
        ObjectionKind::Product,
        ObjectionKind::Price,
        ObjectionKind::Budget,
        ObjectionKind::MissingInfo,
    ];

    /// The name used in packs and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectionKind::Need => "need",
            ObjectionKind::Product => "product",
            ObjectionKind::Price => "price",
            ObjectionKind::Budget => "budget",
            ObjectionKind::MissingInfo => "missing_info",
        }
    }
}

impl fmt::Display for ObjectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One objection in a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Objection {
    /// What kind.
    pub kind: ObjectionKind,
    /// The cue word or rule, as `kind/word` or the rule id.
    pub source: Label,
    /// Where in the original message.
    pub span: Span,
}

/// What buyers missed on each product's page, for the copywriters (S16, S17). The host keeps
/// it (it is a serde value) and adds each analysed message about a product.
///
/// ```
/// use kefu::{Engine, objection::CopyLog};
///
/// let engine = Engine::builtin();
/// let mut log = CopyLog::default();
/// let message = "详情页没写面料成分，不敢拍";
/// log.add("dress-01", message, &engine.analyze(message));
/// assert_eq!(log.products["dress-01"].len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CopyLog {
    /// Per product id, the buyers' words that show what the page did not say.
    pub products: BTreeMap<String, Vec<String>>,
}

impl CopyLog {
    /// Records the missing-information objections of `analysis` (of `message`) against
    /// `product`. Returns how many it recorded.
    pub fn add(&mut self, product: &str, message: &str, analysis: &Analysis) -> usize {
        let quotes: Vec<String> = analysis
            .objections
            .iter()
            .filter(|o| o.kind == ObjectionKind::MissingInfo)
            .map(|_| message.trim().to_owned())
            .take(1)
            .collect();
        let n = quotes.len();
        if n > 0 {
            self.products
                .entry(product.to_owned())
                .or_default()
                .extend(quotes);
        }
        n
    }
}
