//! The purchase estimate: how likely the buyer is to order in this conversation.
//!
//! Signs of buying add up by noisy-OR: the pack's purchase cues (拍了, 怎么下单), questions
//! that come right before an order (fit, stock, payment, shipping, deals), a returning buyer,
//! the closing phase of the chat, and an order placed. Signs against it each scale the result
//! down: long haggling (S8), an objection of need or budget (S16), anger, an overlong chat. An
//! already paid order is certain. Every step is one piece of evidence, the ones against with a
//! negative weight.

use crate::analysis::{Evidence, IntentScore, Source, Span};
use crate::intent::Intent;
use crate::objection::{Objection, ObjectionKind};
use crate::session::{Phase, Session};
use crate::traits::{Trait, TraitScore, noisy_or, sort};

/// What the intents of the message say about buying.
const ASKS: [(Intent, f32); 5] = [
    (Intent::Size, 0.35),
    (Intent::Stock, 0.35),
    (Intent::Payment, 0.4),
    (Intent::Promotion, 0.25),
    (Intent::Logistics, 0.2),
];
/// Any real question at all: a buyer who asks is more likely to buy than one who does not.
const ASKED: f32 = 0.2;
const RETURNING: f32 = 0.3;
const CLOSING: f32 = 0.2;
const ORDERED: f32 = 0.9;

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
    // The signs below add at most a handful of entries.
    evidence.reserve(8);
    let fact = |from: String, weight: f32| Evidence {
        source: Source::Derived { from },
        span: Span::default(),
        weight,
        negated_by: None,
        backup: false,
        absorbed_by: None,
        counted: true,
    };
    let present = |i: Intent| intents.iter().any(|s| s.intent == i && s.present);
    let mut asked = false;
    for (intent, weight) in ASKS {
        if present(intent) {
            evidence.push(fact(["asks about ", intent.as_str()].concat(), weight));
            asked = true;
        }
    }
    if !asked
        && intents
            .iter()
            .any(|s| s.present && s.intent != Intent::Greeting)
    {
        evidence.push(fact("asks about the goods".to_owned(), ASKED));
    }
    let score_of = |name: Trait| {
        traits
            .iter()
            .find(|t| t.name == name)
            .map_or(0.0, |t| if t.present { t.score } else { 0.0 })
    };
    let returning = score_of(Trait::Returning);
    if returning > 0.0 {
        evidence.push(fact("a returning buyer".to_owned(), RETURNING * returning));
    }
    let mut paid = false;
    if let Some((session, phase)) = session {
        if phase == Some(Phase::Closing) {
            evidence.push(fact("the closing minutes of the chat".to_owned(), CLOSING));
        }
        if session.ordered_at.is_some() {
            evidence.push(fact("ordered in this chat".to_owned(), ORDERED));
        }
        paid = session.paid_at.is_some();
        if paid {
            evidence.push(fact("paid in this chat".to_owned(), 1.0));
        }
    }
    // Against: each scales what is left.
    let mut against: Vec<(String, f32)> = Vec::new();
    let haggling = score_of(Trait::Haggling);
    if haggling > 0.0 {
        against.push(("bargains round after round".to_owned(), 0.5 * haggling));
    }
    let angry = score_of(Trait::Angry);
    if angry > 0.0 {
        against.push(("is upset".to_owned(), 0.4 * angry));
    }
    for o in objections {
        let cut = match o.kind {
            ObjectionKind::Need | ObjectionKind::Budget => 0.4,
            _ => 0.2,
        };
        against.push((["objects: ", o.kind.as_str()].concat(), cut));
    }
    if let Some((_, Some(Phase::Overtime))) = session {
        against.push(("the chat has run long".to_owned(), 0.2));
    }
    if evidence.is_empty() {
        return;
    }
    let mut score = noisy_or(&evidence);
    if !paid {
        for (from, cut) in against {
            score *= 1.0 - cut.clamp(0.0, 1.0);
            evidence.push(fact(from, -cut));
        }
    }
    traits.push(TraitScore {
        name: Trait::Purchase,
        value: None,
        score,
        present: score >= threshold,
        evidence,
    });
    sort(traits);
}
