//! Stage 4, choose: candidate templates for the message's intents and stage, filled from the
//! shop's facts, ranked with their reasons.
//!
//! Ranking weighs, and every weight shows in the reply's [`Reason`]s:
//! - **intent fit**: the score of the intent the template answers;
//! - **facts**: each slot filled from the catalog or the shop's context (a specific answer
//!   beats a general one);
//! - **stage**: the template's stage matches where the buyer is;
//! - **risk**: for complex, expensive or customised products, a reply that removes the buyer's
//!   risk ranks higher when the shop's policy allows it (S14);
//! - **cues**: a template's cue words found in the message (多少钱 for a price, 便宜 for
//!   bargaining) show it answers the question asked (S10);
//! - **rotation**: a template the caller says was sent recently ranks lower, so wordings vary
//!   (S10).
//!
//! Templates of the payment-reminder board are not offered in answer to a message: they go out
//! on the desk's schedule; [`Engine::render`](crate::Engine::render) fills them.
//!
//! A message with two intents gets replies that answer both: the best reply for each present
//! intent comes first, then the rest by score. Ties break by template id, so the order is
//! deterministic. A template whose slot cannot be filled is never offered.

pub mod size;
mod slots;

pub use slots::SLOTS;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::error::PackError;
use crate::facts::{Catalog, Product, ShopContext};
use crate::guard::{Finding, Linter};
use crate::intent::Intent;
use crate::lexicon::parse_intent;
use crate::pack::{Board, Level, Stage, Template};
use slots::{Facts, render, slots_in};

/// Weights of the ranking, in one place so the reasons and the docs agree.
const FACT_WEIGHT: f32 = 0.05;
const STAGE_WEIGHT: f32 = 0.1;
const RISK_WEIGHT: f32 = 0.15;
const ROTATION_PENALTY: f32 = 0.5;
const STAGE_MISMATCH: f32 = 0.3;
const CUE_WEIGHT: f32 = 0.3;
const NO_CUE: f32 = 0.1;

/// A request for replies: the buyer's message and what the shop knows.
///
/// ```
/// use kefu::{Engine, Request};
/// use kefu::facts::demo;
///
/// let engine = Engine::builtin();
/// let catalog = demo::catalog();
/// let shop = demo::shop();
/// let request = Request::new("亲，我165cm 110斤穿什么码？")
///     .product(catalog.product("dress-01").unwrap())
///     .shop(&shop);
/// let suggestions = engine.suggest(&request);
/// assert!(suggestions.replies[0].text.contains("建议"));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Request<'a> {
    /// The buyer's message.
    pub message: &'a str,
    /// The product the conversation is about.
    pub product: Option<&'a Product>,
    /// The shop's catalog (used to find the product by id in policy cases).
    pub catalog: Option<&'a Catalog>,
    /// The shop's context.
    pub shop: Option<&'a ShopContext>,
    /// Template ids sent recently in this conversation; they rank lower.
    pub recently_sent: &'a [String],
    /// Where the buyer is; inferred from the intents when not given.
    pub stage: Option<Stage>,
    /// How many replies to return (default 3).
    pub limit: usize,
}

impl<'a> Request<'a> {
    /// A request for a message, with no facts yet.
    pub fn new(message: &'a str) -> Request<'a> {
        Request {
            message,
            limit: 3,
            ..Request::default()
        }
    }

    /// The product the conversation is about.
    pub fn product(mut self, product: &'a Product) -> Self {
        self.product = Some(product);
        self
    }

    /// The shop's catalog.
    pub fn catalog(mut self, catalog: &'a Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// The shop's context.
    pub fn shop(mut self, shop: &'a ShopContext) -> Self {
        self.shop = Some(shop);
        self
    }

    /// Template ids sent recently in this conversation.
    pub fn recently_sent(mut self, ids: &'a [String]) -> Self {
        self.recently_sent = ids;
        self
    }

    /// Where the buyer is.
    pub fn stage(mut self, stage: Stage) -> Self {
        self.stage = Some(stage);
        self
    }

    /// How many replies to return.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }
}

/// Why a reply ranked where it did: what moved its score, and by how much.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// `intent`, `facts`, `stage`, `risk` or `rotation`.
    pub kind: String,
    /// What it was about: the intent, the slots, the stage, the tag.
    pub detail: String,
    /// How much it added (negative: took away).
    pub weight: f32,
}

/// A ready-to-send reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reply {
    /// The template's id.
    pub template: String,
    /// The board it came from.
    pub board: Board,
    /// The text, every slot filled.
    pub text: String,
    /// Its score: the sum of its reasons' weights.
    pub score: f32,
    /// Why it ranked here.
    pub reasons: Vec<Reason>,
}

/// What [`Engine::suggest`](crate::Engine::suggest) returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Suggestions {
    /// The analysis of the message.
    pub analysis: Analysis,
    /// The stage the replies were chosen for.
    pub stage: Stage,
    /// The replies, best first.
    pub replies: Vec<Reply>,
}

/// A compiled template.
#[derive(Debug)]
struct Compiled {
    template: Template,
    intents: Vec<Intent>,
    slots: Vec<String>,
    /// The cues, normalised like messages.
    cues: Vec<String>,
}

/// The pack's templates, compiled and linted.
#[derive(Debug)]
pub(crate) struct Replies {
    templates: Vec<Compiled>,
    warnings: Vec<(String, Finding)>,
}

impl Replies {
    /// Checks and compiles the templates: ids unique, intents and slots known, and every text
    /// linted; an error-level finding refuses the pack.
    pub(crate) fn build(templates: &[Template], linter: &Linter) -> Result<Replies, PackError> {
        let mut seen = std::collections::HashSet::new();
        let mut compiled = Vec::with_capacity(templates.len());
        let mut warnings = Vec::new();
        for t in templates {
            if t.id.trim().is_empty() {
                return Err(PackError::Empty {
                    what: "template id",
                    item: format!("the template `{}`", t.text),
                });
            }
            if !seen.insert(t.id.as_str()) {
                return Err(PackError::Duplicate {
                    kind: "template id",
                    id: t.id.clone(),
                });
            }
            if t.text.trim().is_empty() {
                return Err(PackError::Empty {
                    what: "text",
                    item: format!("template `{}`", t.id),
                });
            }
            let item = format!("template `{}`", t.id);
            let intents = t
                .intents
                .iter()
                .map(|i| parse_intent(i, &item, false))
                .collect::<Result<Vec<_>, _>>()?;
            let slots: Vec<String> = slots_in(&t.text).into_iter().map(str::to_owned).collect();
            for slot in slots.iter().chain(&t.when_missing) {
                if !SLOTS.contains(&slot.as_str()) {
                    return Err(PackError::UnknownSlot {
                        slot: slot.clone(),
                        template: t.id.clone(),
                    });
                }
            }
            // Lint the text with each slot standing in as a neutral word.
            let sample = render(&t.text, &mut |_| Some("这款".to_owned())).unwrap_or_default();
            for finding in linter.lint(&sample, None) {
                if finding.level == Level::Error {
                    return Err(PackError::TemplateLint {
                        template: t.id.clone(),
                        rule: finding.rule,
                        message: finding.message,
                    });
                }
                warnings.push((t.id.clone(), finding));
            }
            let cues = t
                .cues
                .iter()
                .map(|c| crate::normalize::normalize(c).into_string())
                .filter(|c| !c.is_empty())
                .collect();
            compiled.push(Compiled {
                template: t.clone(),
                intents,
                slots,
                cues,
            });
        }
        Ok(Replies {
            templates: compiled,
            warnings,
        })
    }

    pub(crate) fn warnings(&self) -> &[(String, Finding)] {
        &self.warnings
    }

    /// One template, filled from the request's facts; `None` when there is no such template
    /// or one of its slots cannot be filled.
    pub(crate) fn render(
        &self,
        id: &str,
        analysis: &Analysis,
        request: &Request<'_>,
    ) -> Option<String> {
        let c = self.templates.iter().find(|c| c.template.id == id)?;
        let facts = Facts {
            analysis,
            product: request.product,
            shop: request.shop,
        };
        render(&c.template.text, &mut |slot| facts.fill(slot))
    }

    /// Every template id, in pack order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|c| c.template.id.as_str())
    }

    pub(crate) fn suggest(&self, analysis: Analysis, request: &Request<'_>) -> Suggestions {
        let present: Vec<(Intent, f32)> = analysis
            .intents
            .iter()
            .filter(|s| s.present)
            .map(|s| (s.intent, s.score))
            .collect();
        let stage = request.stage.unwrap_or_else(|| infer_stage(&present));
        let facts = Facts {
            analysis: &analysis,
            product: request.product,
            shop: request.shop,
        };
        // Each slot is worked out once per request, not once per template that uses it.
        let values: Vec<Option<String>> = SLOTS.iter().map(|slot| facts.fill(slot)).collect();
        let value = |slot: &str| {
            SLOTS
                .iter()
                .position(|s| *s == slot)
                .and_then(|k| values.get(k))
                .cloned()
                .flatten()
        };
        let mut candidates: Vec<(Option<Intent>, Reply)> = Vec::new();
        for c in &self.templates {
            let Some((intent, fit)) = c
                .intents
                .iter()
                .filter_map(|i| present.iter().find(|(p, _)| p == i).copied())
                .max_by(|a, b| a.1.total_cmp(&b.1))
            else {
                continue;
            };
            let t = &c.template;
            // Reminders go out on the desk's schedule, not in answer to a message.
            if t.board == Board::PaymentReminder {
                continue;
            }
            if !t.categories.is_empty()
                && !request
                    .product
                    .is_some_and(|p| t.categories.contains(&p.category))
            {
                continue;
            }
            if t.when_missing.iter().any(|slot| value(slot).is_some()) {
                continue;
            }
            let Some(text) = render(&t.text, &mut |slot| value(slot)) else {
                continue;
            };
            let mut reasons = vec![Reason {
                kind: "intent".to_owned(),
                detail: intent.as_str().to_owned(),
                weight: fit,
            }];
            if !c.slots.is_empty() {
                reasons.push(Reason {
                    kind: "facts".to_owned(),
                    detail: c.slots.join(", "),
                    weight: FACT_WEIGHT * c.slots.len() as f32,
                });
            }
            if !c.cues.is_empty() {
                let said = &analysis.normalized;
                reasons.push(
                    match c.cues.iter().find(|cue| said.contains(cue.as_str())) {
                        Some(cue) => Reason {
                            kind: "cue".to_owned(),
                            detail: cue.clone(),
                            weight: CUE_WEIGHT,
                        },
                        None => Reason {
                            kind: "cue".to_owned(),
                            detail: "none of its cues in the message".to_owned(),
                            weight: -NO_CUE,
                        },
                    },
                );
            }
            if t.stage != Stage::Any {
                let matches = t.stage == stage;
                reasons.push(Reason {
                    kind: "stage".to_owned(),
                    detail: format!("{:?} for {:?}", t.stage, stage),
                    weight: if matches {
                        STAGE_WEIGHT
                    } else {
                        -STAGE_MISMATCH
                    },
                });
            }
            if t.tags.iter().any(|tag| tag == "risk_free") {
                if let Some(worry) = risky(request) {
                    reasons.push(Reason {
                        kind: "risk".to_owned(),
                        detail: format!("{worry} product, and the shop allows free returns"),
                        weight: RISK_WEIGHT,
                    });
                }
            }
            if request.recently_sent.contains(&t.id) {
                reasons.push(Reason {
                    kind: "rotation".to_owned(),
                    detail: "sent recently in this conversation".to_owned(),
                    weight: -ROTATION_PENALTY,
                });
            }
            let score = reasons.iter().map(|r| r.weight).sum();
            candidates.push((
                Some(intent),
                Reply {
                    template: t.id.clone(),
                    board: t.board,
                    text,
                    score,
                    reasons,
                },
            ));
        }
        candidates.sort_by(|a, b| {
            b.1.score
                .total_cmp(&a.1.score)
                .then_with(|| a.1.template.cmp(&b.1.template))
        });
        // The best reply for each present intent first, so two questions get two answers.
        let mut replies: Vec<Reply> = Vec::new();
        for (intent, _) in &present {
            if replies.len() >= request.limit {
                break;
            }
            if let Some(k) = candidates.iter().position(|(i, _)| i == &Some(*intent)) {
                let (_, reply) = candidates.remove(k);
                replies.push(reply);
            }
        }
        for (_, reply) in candidates {
            if replies.len() >= request.limit {
                break;
            }
            replies.push(reply);
        }
        Suggestions {
            analysis,
            stage,
            replies,
        }
    }
}

/// The buyer's stage from the intents: after-sales questions come after delivery; payment
/// and order changes come between ordering and delivery; everything else is consulting.
fn infer_stage(present: &[(Intent, f32)]) -> Stage {
    let has = |i: Intent| present.iter().any(|(p, _)| *p == i);
    if has(Intent::AfterSales) {
        Stage::AfterSale
    } else if has(Intent::Payment) || has(Intent::OrderChange) {
        Stage::InSale
    } else {
        Stage::PreSale
    }
}

/// What worries the buyer of this product most, when the shop can take the risk away.
fn risky(request: &Request<'_>) -> Option<&'static str> {
    if !request.shop.is_some_and(|s| s.free_returns) {
        return None;
    }
    let tags = &request.product?.tags;
    ["complex", "expensive", "customised"]
        .into_iter()
        .find(|t| tags.iter().any(|tag| tag == t))
}
