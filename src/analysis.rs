//! What [`Engine::analyze`](crate::Engine::analyze) returns: intents with their evidence,
//! quantities, the script the buyer wrote in, traits, order notes and objections.
//!
//! Every span here is a byte range of the caller's *original* message and always falls on
//! `char` boundaries, so `&message[span.range()]` never panics. Evidence that comes from
//! outside the message (the session, the profile) carries an empty span.

use serde::{Deserialize, Serialize};

use crate::extract::Quantity;
use crate::intent::Intent;
use crate::label::Label;
use crate::normalize::Script;
use crate::notes::Note;
use crate::objection::Objection;
use crate::traits::TraitScore;

/// A byte range `start..end` of the caller's original message, on `char` boundaries.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a range, for slicing the original message.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The text this span covers in `message`, or `""` if `message` is not the one analysed.
    pub fn text(self, message: &str) -> &str {
        message.get(self.range()).unwrap_or("")
    }

    /// True when the span covers nothing.
    pub const fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

/// Where a piece of evidence came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// A pack term matched; `id` is `intent/term`, the term as written in the pack.
    Term {
        /// `intent/term`.
        id: Label,
    },
    /// A pack regex rule matched.
    Rule {
        /// The rule's id.
        id: Label,
    },
    /// A quantity the pack ties to this intent (a height or weight hints at `size`).
    Quantity {
        /// The quantity kind, e.g. `height`.
        id: Label,
    },
    /// The statistical fallback, trained on the pack's example utterances.
    Fallback {
        /// The tokens that weighed most for this intent, strongest first.
        tokens: Vec<String>,
    },
    /// Something earlier in the conversation (a trait shown in earlier turns, a wait, rounds
    /// of bargaining); the span is empty.
    Session {
        /// What, in words.
        fact: Label,
    },
    /// The buyer's profile (earlier orders, member level, the shop's tags); the span is empty.
    Profile {
        /// What, in words.
        fact: Label,
    },
    /// Another part of the analysis (an intent, a trait, an objection) that bears on a
    /// trait's score, as for the purchase estimate; the span is empty.
    Derived {
        /// What, in words.
        from: Label,
    },
}

/// One reason an intent scored: what matched, where, and how much it weighed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evidence {
    /// The term, rule, quantity or model behind it.
    pub source: Source,
    /// Where in the original message. The fallback's span is the whole message.
    pub span: Span,
    /// Its weight in `[0, 1]`; a negated term keeps its pack weight but adds nothing.
    pub weight: f32,
    /// The negation cue that cancelled this evidence (不是 / 不用 / 没有 …), if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negated_by: Option<Span>,
    /// A backup term: it counts only when nothing more specific put an intent over the
    /// threshold (see `TermGroup::backup` in the pack).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backup: bool,
    /// The rule match that took this evidence over, if one did: a rule can absorb the terms
    /// of other intents inside its match (a price-protection refund, 价保…退款, is a price
    /// matter, so its 退款 does not make the message after-sales; see `Rule::absorbs` in the
    /// pack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absorbed_by: Option<Span>,
    /// False when the evidence was set aside: negated, absorbed by a rule, or a backup term
    /// in a message that more specific evidence already explains.
    pub counted: bool,
}

impl Evidence {
    /// True when the evidence counts towards its intent's score.
    pub fn counts(&self) -> bool {
        self.counted
    }

    /// Counted evidence from outside the message (the session, the profile, another part of
    /// the analysis): its span is empty.
    pub(crate) fn fact(source: Source, weight: f32) -> Evidence {
        Evidence {
            source,
            span: Span::default(),
            weight,
            negated_by: None,
            backup: false,
            absorbed_by: None,
            counted: true,
        }
    }
}

/// One intent's score and the evidence behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IntentScore {
    /// The intent.
    pub intent: Intent,
    /// The score in `[0, 1]`: the noisy-OR of the weights of the evidence that counts.
    pub score: f32,
    /// True when `score` reaches the engine's threshold. An intent of the pack's
    /// `only_alone` (the greeting) also needs no other intent present, no match of a rule for
    /// `other` and, with `alone_rest`, a message that says little besides its evidence.
    pub present: bool,
    /// Every piece of evidence, negated ones included, in message order.
    pub evidence: Vec<Evidence>,
}

/// Which path decided the intents of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// Pack terms, rules and quantities alone put at least one intent over the threshold.
    Lexicon,
    /// Nothing in the lexicon reached the threshold; the statistical fallback did.
    Fallback,
    /// No intent reached the threshold: the message is `other`.
    Nothing,
}

/// The analysis of one buyer message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Analysis {
    /// The message after normalisation (what the matchers saw).
    pub normalized: String,
    /// The script the buyer wrote in.
    pub script: Script,
    /// Every intent with a score above zero, highest first (ties in label order).
    pub intents: Vec<IntentScore>,
    /// Heights, weights, sizes, money, order and phone numbers, in message order.
    pub quantities: Vec<Quantity>,
    /// Which path decided.
    pub decided_by: Decision,
    /// The threshold `present` was judged against.
    pub threshold: f32,
    /// The buyer's traits, strongest first: from this message alone in
    /// [`Engine::analyze`](crate::Engine::analyze); with the session and the profile in
    /// [`Engine::suggest`](crate::Engine::suggest).
    pub traits: Vec<TraitScore>,
    /// Order notes for the warehouse, most urgent first.
    pub notes: Vec<Note>,
    /// Purchase objections, in message order.
    pub objections: Vec<Objection>,
}

impl Analysis {
    /// The intents that reach the threshold, highest first; `[Intent::Other]` when none does.
    pub fn present_intents(&self) -> Vec<Intent> {
        let present: Vec<Intent> = self
            .intents
            .iter()
            .filter(|s| s.present)
            .map(|s| s.intent)
            .collect();
        if present.is_empty() {
            vec![Intent::Other]
        } else {
            present
        }
    }

    /// The strongest intent, or [`Intent::Other`] when none reaches the threshold.
    pub fn primary(&self) -> Intent {
        self.intents
            .first()
            .filter(|s| s.present)
            .map_or(Intent::Other, |s| s.intent)
    }

    /// The score of `intent`, or 0 when nothing pointed at it.
    pub fn score(&self, intent: Intent) -> f32 {
        self.intents
            .iter()
            .find(|s| s.intent == intent)
            .map_or(0.0, |s| s.score)
    }

    /// True when `intent` reaches the threshold.
    pub fn has(&self, intent: Intent) -> bool {
        self.intents.iter().any(|s| s.intent == intent && s.present)
    }
}
