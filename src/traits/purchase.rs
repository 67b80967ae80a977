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
use crate::traits::{Trait, TraitScore, miss_of, order};

/// The questions that come right before an order, in the order their signs are written.
const ASKS: [Intent; 5] = [
    Intent::Size,
    Intent::Stock,
    Intent::Payment,
    Intent::Promotion,
    Intent::Logistics,
];
/// Any real question at all: a buyer who asks is more likely to buy than one who does not.
const ASKED: f32 = 0.2;
const RETURNING: f32 = 0.3;
const CLOSING: f32 = 0.2;
const ORDERED: f32 = 0.9;

/// Every sign of buying with its evidence's wording (a test checks it against the labels,
/// so that no piece of evidence has to be put together) and weight, in the order they are
/// written: the questions of `ASKS`, any question, a returning buyer (its weight scaled by
/// the trait's score), the closing phase, an order, a payment.
const SIGNS: [(&str, f32); ASKS.len() + 5] = [
    ("asks about size", 0.35),
    ("asks about stock", 0.35),
    ("asks about payment", 0.4),
    ("asks about promotion", 0.25),
    ("asks about logistics", 0.2),
    ("asks about the goods", ASKED),
    ("a returning buyer", RETURNING),
    ("the closing minutes of the chat", CLOSING),
    ("ordered in this chat", ORDERED),
    ("paid in this chat", 1.0),
];
const ASKED_BIT: u32 = ASKS.len() as u32;
const RETURNING_BIT: u32 = ASKED_BIT + 1;
const CLOSING_BIT: u32 = ASKED_BIT + 2;
const ORDERED_BIT: u32 = ASKED_BIT + 3;
const PAID_BIT: u32 = ASKED_BIT + 4;

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
    // The purchase score's place and the scores it is weighed with, read in one pass
    // rather than one search each; each is the first of its name, as a search finds.
    let mut at = None;
    let (mut returning, mut haggling, mut angry) = (None, None, None);
    for (k, t) in traits.iter().enumerate() {
        let score = if t.present { t.score } else { 0.0 };
        match t.name {
            Trait::Purchase => {
                at.get_or_insert(k);
            }
            Trait::Returning => {
                returning.get_or_insert(score);
            }
            Trait::Haggling => {
                haggling.get_or_insert(score);
            }
            Trait::Angry => {
                angry.get_or_insert(score);
            }
            _ => {}
        }
    }
    let (returning, haggling, angry) = (
        returning.unwrap_or(0.0),
        haggling.unwrap_or(0.0),
        angry.unwrap_or(0.0),
    );
    let mut evidence: Vec<Evidence> = at.map(|k| traits.remove(k).evidence).unwrap_or_default();
    evidence.retain(|e| matches!(e.source, Source::Term { .. } | Source::Rule { .. }));
    // The present intents as bits, read in one pass rather than one per question asked.
    let shown = intents
        .iter()
        .filter(|s| s.present)
        .fold(0u32, |bits, s| bits | 1 << s.intent.index());
    let present = |i: Intent| shown & 1 << i.index() != 0;
    // The signs are noted as bits (in `SIGNS`' order, the order they are written in) and
    // counted before the list is given its room, so that a message with none of them
    // allocates nothing, one with some allocates once, and no list of them is set up first.
    let mut signs = 0u32;
    for (k, intent) in ASKS.into_iter().enumerate() {
        if present(intent) {
            signs |= 1 << k;
        }
    }
    if signs == 0 && shown & !(1 << Intent::Greeting.index()) != 0 {
        signs |= 1 << ASKED_BIT;
    }
    if returning > 0.0 {
        signs |= 1 << RETURNING_BIT;
    }
    let mut paid = false;
    if let Some((session, phase)) = session {
        if phase == Some(Phase::Closing) {
            signs |= 1 << CLOSING_BIT;
        }
        if session.ordered_at.is_some() {
            signs |= 1 << ORDERED_BIT;
        }
        paid = session.paid_at.is_some();
        if paid {
            signs |= 1 << PAID_BIT;
        }
    }
    if evidence.is_empty() && signs == 0 {
        return;
    }
    // Against: each scales what is left.
    let overtime = matches!(session, Some((_, Some(Phase::Overtime))));
    let against = if paid {
        0
    } else {
        usize::from(haggling > 0.0)
            + usize::from(angry > 0.0)
            + objections.len()
            + usize::from(overtime)
    };
    let count = signs.count_ones() as usize;
    // An empty list is given its room by a fresh allocation, cheaper than growing it.
    if evidence.capacity() == 0 {
        evidence = Vec::with_capacity(count + against);
    } else {
        evidence.reserve_exact(count + against);
    }
    let fact = |from: &'static str, weight: f32| {
        Evidence::fact(
            Source::Derived {
                from: Label::from_static(from),
            },
            weight,
        )
    };
    // The noisy-OR of the cue evidence, then of each sign as it is written: the same
    // products in the same order as over the finished list.
    let mut miss = miss_of(&evidence);
    let mut rest = signs;
    while rest != 0 {
        let k = rest.trailing_zeros();
        rest &= rest - 1;
        let Some(&(from, weight)) = SIGNS.get(k as usize) else {
            continue;
        };
        let weight = if k == RETURNING_BIT {
            weight * returning
        } else {
            weight
        };
        miss *= 1.0 - weight.clamp(0.0, 1.0);
        evidence.push(fact(from, weight));
    }
    let mut score = (1.0 - miss).clamp(0.0, 1.0);
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
    // Room for this one only: a board with no scores hands over a list with none, which
    // a fresh allocation fills cheaper than growing it.
    if traits.capacity() == 0 {
        *traits = vec![purchase];
        return;
    }
    let at = traits.partition_point(|t| order(t, &purchase).is_lt());
    traits.reserve_exact(1);
    traits.insert(at, purchase);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings_name_the_labels() {
        for (intent, (from, _)) in ASKS.into_iter().zip(SIGNS) {
            assert_eq!(from, ["asks about ", intent.as_str()].concat());
        }
        for kind in ObjectionKind::ALL {
            assert_eq!(objects(kind).0, ["objects: ", kind.as_str()].concat());
        }
    }
}
