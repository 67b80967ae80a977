//! The purchase estimate: how likely the buyer is to order in this conversation.
//!
//! Signs of buying add up by noisy-OR: the pack's purchase cues (拍了, 怎么下单), questions
//! that come right before an order (fit, stock, payment, shipping, deals), a returning buyer,
//! the closing phase of the chat, and an order placed. Signs against it each scale the result
//! down: long haggling (S8), an objection of need or budget (S16), anger, an overlong chat. An
//! already paid order is certain. Every step is one piece of evidence, the ones against with a
//! negative weight.

use crate::analysis::{Evidence, IntentScore, Source};
use crate::intent::Intent;
use crate::label::Label;
use crate::objection::{Objection, ObjectionKind};
use crate::session::{Phase, Session};
use crate::traits::{Trait, TraitScore, noisy_or, order};

/// What the intents of the message say about buying, with the evidence's wording (a test
/// checks it against the labels), so that no piece of evidence has to be put together.
const ASKS: [(Intent, f32, &str); 5] = [
    (Intent::Size, 0.35, "asks about size"),
    (Intent::Stock, 0.35, "asks about stock"),
    (Intent::Payment, 0.4, "asks about payment"),
    (Intent::Promotion, 0.25, "asks about promotion"),
    (Intent::Logistics, 0.2, "asks about logistics"),
];
/// Any real question at all: a buyer who asks is more likely to buy than one who does not.
const ASKED: f32 = 0.2;
const RETURNING: f32 = 0.3;
const CLOSING: f32 = 0.2;
const ORDERED: f32 = 0.9;

// The present intents are kept as the bits of a `u32`.
const _: () = assert!(Intent::ALL.len() <= 32);

/// How much an objection scales the estimate down, and the evidence's wording.
const fn objects(kind: ObjectionKind) -> (&'static str, f32) {
    match kind {
        ObjectionKind::Need => ("objects: need", 0.4),
        ObjectionKind::Budget => ("objects: budget", 0.4),
        ObjectionKind::Product => ("objects: product", 0.2),
        ObjectionKind::Price => ("objects: price", 0.2),
        ObjectionKind::MissingInfo => ("objects: missing_info", 0.2),
    }
}

/// Replaces the purchase score in `traits` (keeping its cue evidence) with the estimate.
pub(crate) fn estimate(
    traits: &mut Vec<TraitScore>,
    intents: &[IntentScore],
    objections: &[Objection],
    session: Option<(&Session, Option<Phase>)>,
    threshold: f32,
) {
    let mut evidence: Vec<Evidence> = traits
        .iter()
        .position(|t| t.name == Trait::Purchase)
        .map(|k| traits.remove(k).evidence)
        .unwrap_or_default();
    evidence.retain(|e| matches!(e.source, Source::Term { .. } | Source::Rule { .. }));
    // The present intents as bits, read in one pass rather than one per question asked.
    let shown = intents
        .iter()
        .filter(|s| s.present)
        .fold(0u32, |bits, s| bits | 1 << s.intent.index());
    let present = |i: Intent| shown & 1 << i.index() != 0;
    let score_of = |name: Trait| {
        traits
            .iter()
            .find(|t| t.name == name)
            .map_or(0.0, |t| if t.present { t.score } else { 0.0 })
    };
    // The signs are gathered on the stack and written out once counted, so that a message
    // with none of them allocates nothing and one with some allocates once.
    let mut signs = [("", 0.0); ASKS.len() + 5];
    let mut count = 0;
    let mut sign = |from: &'static str, weight: f32| {
        if let Some(slot) = signs.get_mut(count) {
            *slot = (from, weight);
            count += 1;
        }
    };
    let mut asked = false;
    for (intent, weight, from) in ASKS {
        if present(intent) {
            sign(from, weight);
            asked = true;
        }
    }
    if !asked && shown & !(1 << Intent::Greeting.index()) != 0 {
        sign("asks about the goods", ASKED);
    }
    let returning = score_of(Trait::Returning);
    if returning > 0.0 {
        sign("a returning buyer", RETURNING * returning);
    }
    let mut paid = false;
    if let Some((session, phase)) = session {
        if phase == Some(Phase::Closing) {
            sign("the closing minutes of the chat", CLOSING);
        }
        if session.ordered_at.is_some() {
            sign("ordered in this chat", ORDERED);
        }
        paid = session.paid_at.is_some();
        if paid {
            sign("paid in this chat", 1.0);
        }
    }
    let signs = signs.get(..count).unwrap_or_default();
    if evidence.is_empty() && signs.is_empty() {
        return;
    }
    // Against: each scales what is left.
    let haggling = score_of(Trait::Haggling);
    let angry = score_of(Trait::Angry);
    let overtime = matches!(session, Some((_, Some(Phase::Overtime))));
    let against = if paid {
        0
    } else {
        usize::from(haggling > 0.0)
            + usize::from(angry > 0.0)
            + objections.len()
            + usize::from(overtime)
    };
    // An empty list is given its room by a fresh allocation, cheaper than growing it.
    if evidence.capacity() == 0 {
        evidence = Vec::with_capacity(signs.len() + against);
    } else {
        evidence.reserve_exact(signs.len() + against);
    }
    let fact = |from: &'static str, weight: f32| {
        Evidence::fact(
            Source::Derived {
                from: Label::from_static(from),
            },
            weight,
        )
    };
    for &(from, weight) in signs {
        evidence.push(fact(from, weight));
    }
    let mut score = noisy_or(&evidence);
    if !paid {
        let mut cut = |from: &'static str, cut: f32| {
            score *= 1.0 - cut.clamp(0.0, 1.0);
            evidence.push(fact(from, -cut));
        };
        if haggling > 0.0 {
            cut("bargains round after round", 0.5 * haggling);
        }
        if angry > 0.0 {
            cut("is upset", 0.4 * angry);
        }
        for o in objections {
            let (from, weight) = objects(o.kind);
            cut(from, weight);
        }
        if overtime {
            cut("the chat has run long", 0.2);
        }
    }
    let purchase = TraitScore {
        name: Trait::Purchase,
        value: None,
        score,
        present: score >= threshold,
        evidence,
    };
    // The other scores come sorted from the board, so the estimate is put in its place
    // rather than the whole list sorted again.
    debug_assert!(traits.is_sorted_by(|a, b| order(a, b).is_le()));
    let at = traits.partition_point(|t| order(t, &purchase).is_lt());
    // Room for this one only: a board with no scores hands over a list with none, which
    // a fresh allocation fills cheaper than growing it.
    if traits.capacity() == 0 {
        *traits = vec![purchase];
        return;
    }
    traits.reserve_exact(1);
    traits.insert(at, purchase);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings_name_the_labels() {
        for (intent, _, from) in ASKS {
            assert_eq!(from, ["asks about ", intent.as_str()].concat());
        }
        for kind in ObjectionKind::ALL {
            assert_eq!(objects(kind).0, ["objects: ", kind.as_str()].concat());
        }
    }
}
