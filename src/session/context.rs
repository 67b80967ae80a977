//! Recording events into a session, and bringing the session and the profile into the
//! analysis of a message.

use super::{Event, Phase, Profile, ReminderKind, SentReminder, Session, Turn, TurnTrait, Who};
use crate::analysis::{Analysis, Source};
use crate::normalize::Script;
use crate::traits::{Trait, TraitBoard, TraitName, purchase};

/// A trait the shop tagged the buyer with.
const PROFILE_TAG: f32 = 0.7;
const IMPATIENT_WAIT: f32 = 0.5;
const IMPATIENT_REPEAT: f32 = 0.35;
/// Each earlier round of bargaining, as haggling evidence.
const HAGGLING_ROUND: f32 = 0.3;

/// The session after `event`. `analysis` is the analysis of a buyer event's text; `reminder`
/// says which reminder an agent event's template is, if it is one.
pub(crate) fn apply(
    session: &Session,
    event: &Event,
    analysis: Option<&Analysis>,
    reminder: Option<ReminderKind>,
) -> Session {
    let mut next = session.clone();
    let at = event.at();
    next.started_at.get_or_insert(at);
    match event {
        Event::Buyer { text, .. } => {
            let traits = analysis
                .map(|a| {
                    a.traits
                        .iter()
                        .filter(|t| t.name != Trait::Purchase && t.score > 0.0)
                        .map(|t| TurnTrait {
                            name: t.name,
                            value: t.value,
                            score: t.score,
                        })
                        .collect()
                })
                .unwrap_or_default();
            if let Some(a) = analysis {
                if a.script != Script::Unmarked {
                    next.script = a.script;
                }
                if bargains(a) {
                    next.haggling_rounds = next.haggling_rounds.saturating_add(1);
                }
            }
            next.last_buyer_at = Some(at);
            next.turns.push(Turn {
                who: Who::Buyer,
                at,
                text: Some(text.clone()),
                template: None,
                traits,
            });
        }
        Event::Agent { template, text, .. } => {
            next.last_agent_at = Some(at);
            if let Some(id) = template {
                next.sent.push(id.clone());
            }
            if let Some(kind) = reminder {
                next.reminders.push(SentReminder { kind, at });
            }
            next.turns.push(Turn {
                who: Who::Agent,
                at,
                text: text.clone(),
                template: template.clone(),
                traits: Vec::new(),
            });
        }
        Event::Ordered { .. } => {
            next.ordered_at.get_or_insert(at);
        }
        Event::Paid { .. } => {
            next.paid_at.get_or_insert(at);
        }
        Event::Shipped { .. } => {
            next.shipped_at.get_or_insert(at);
        }
    }
    next
}

/// True when the message bargains: the haggling trait has counted evidence in it.
fn bargains(analysis: &Analysis) -> bool {
    analysis.traits.iter().any(|t| {
        t.name == Trait::Haggling
            && t.evidence.iter().any(|e| {
                e.counts() && matches!(e.source, Source::Term { .. } | Source::Rule { .. })
            })
    })
}

/// What a request brings besides its message.
pub(crate) struct Context<'a> {
    pub message: &'a str,
    pub session: Option<&'a Session>,
    pub profile: Option<&'a Profile>,
    pub phase: Option<Phase>,
    /// Seconds the buyer has waited, and the pack's limit.
    pub waited: Option<(u64, u64)>,
    pub mood_decay: f32,
    pub threshold: f32,
}

/// Adds the session's and the profile's evidence to the traits of `analysis`, redoes the
/// purchase estimate, and flags address changes asked after dispatch.
pub(crate) fn merge(analysis: &mut Analysis, ctx: &Context<'_>) {
    let mut board = TraitBoard::default();
    for score in std::mem::take(&mut analysis.traits) {
        let name = TraitName {
            name: score.name,
            value: score.value,
        };
        for e in score.evidence {
            if score.name != Trait::Purchase
                || matches!(e.source, Source::Term { .. } | Source::Rule { .. })
            {
                board.add(name, e);
            }
        }
    }
    if let Some(session) = ctx.session {
        earlier_turns(&mut board, session, ctx);
        if let Some((waited, limit)) = ctx.waited {
            if waited > limit {
                board.add_fact(
                    TraitName {
                        name: Trait::Impatient,
                        value: None,
                    },
                    Source::Session {
                        fact: format!("waited {waited} s for a reply").into(),
                    },
                    IMPATIENT_WAIT,
                );
            }
        }
        let unanswered = session.unanswered();
        if unanswered >= 2 {
            board.add_fact(
                TraitName {
                    name: Trait::Impatient,
                    value: None,
                },
                Source::Session {
                    fact: format!("{unanswered} messages in a row without a reply").into(),
                },
                IMPATIENT_REPEAT,
            );
        }
        if session.shipped_at.is_some() {
            for note in analysis.notes.iter_mut().filter(|n| n.kind.is_change()) {
                note.after_dispatch = true;
                note.priority = crate::notes::Priority::Urgent;
            }
            analysis.notes.sort_by_key(|n| (n.priority, n.span.start));
        }
    }
    if let Some(profile) = ctx.profile {
        from_profile(&mut board, profile);
    }
    analysis.traits = board.finish(ctx.threshold);
    purchase::estimate(
        &mut analysis.traits,
        &analysis.intents,
        &analysis.objections,
        ctx.session.map(|s| (s, ctx.phase)),
        ctx.threshold,
    );
}

/// Traits shown in earlier buyer turns: moods fade by `mood_decay` per later buyer turn, the
/// rest carry in full; haggling counts the rounds.
fn earlier_turns(board: &mut TraitBoard, session: &Session, ctx: &Context<'_>) {
    let earlier = session.earlier_buyer_turns(ctx.message);
    let buyer_turns: Vec<&Turn> = earlier.iter().filter(|t| t.who == Who::Buyer).collect();
    let n = buyer_turns.len();
    // Per trait and value: the chance that no earlier turn showed it, and in how many turns.
    let mut carried: Vec<(TraitName, f32, usize)> = Vec::new();
    for (k, turn) in buyer_turns.iter().enumerate() {
        let later = (n - k) as i32;
        for t in &turn.traits {
            if matches!(t.name, Trait::Haggling | Trait::Purchase) {
                continue;
            }
            let weight = if t.name.is_mood() {
                t.score * ctx.mood_decay.clamp(0.0, 1.0).powi(later)
            } else {
                t.score
            };
            let name = TraitName {
                name: t.name,
                value: t.value,
            };
            match carried.iter_mut().find(|(n, _, _)| *n == name) {
                Some((_, miss, count)) => {
                    *miss *= 1.0 - weight.clamp(0.0, 1.0);
                    *count += 1;
                }
                None => carried.push((name, 1.0 - weight.clamp(0.0, 1.0), 1)),
            }
        }
    }
    for (name, miss, count) in carried {
        let weight = 1.0 - miss;
        if weight > 0.01 {
            let turns = if count == 1 { "turn" } else { "turns" };
            board.add_fact(
                name,
                Source::Session {
                    fact: format!("{name} in {count} earlier {turns}").into(),
                },
                weight,
            );
        }
    }
    let last_is_message = earlier.len() < session.turns.len();
    let rounds = session
        .haggling_rounds
        .saturating_sub(u32::from(last_is_message && last_bargained(session)));
    if rounds > 0 {
        let weight = 1.0 - (1.0 - HAGGLING_ROUND).powi(rounds as i32);
        for name in [Trait::Haggling, Trait::PriceSensitive] {
            board.add_fact(
                TraitName { name, value: None },
                Source::Session {
                    fact: format!("{rounds} earlier rounds of bargaining").into(),
                },
                weight,
            );
        }
    }
}

/// True when the last turn was a buyer turn that bargained.
fn last_bargained(session: &Session) -> bool {
    session
        .turns
        .last()
        .is_some_and(|t| t.traits.iter().any(|x| x.name == Trait::Haggling))
}

fn from_profile(board: &mut TraitBoard, profile: &Profile) {
    let returning = TraitName {
        name: Trait::Returning,
        value: None,
    };
    if profile.orders > 0 {
        let weight = if profile.orders > 1 { 0.95 } else { 0.8 };
        board.add_fact(
            returning,
            Source::Profile {
                fact: format!("{} earlier orders", profile.orders).into(),
            },
            weight,
        );
    }
    if profile.member_level > 0 {
        board.add_fact(
            returning,
            Source::Profile {
                fact: format!("member level {}", profile.member_level).into(),
            },
            0.6,
        );
    }
    for tag in &profile.tags {
        if tag.eq_ignore_ascii_case("vip") {
            board.add_fact(
                returning,
                Source::Profile {
                    fact: "tagged VIP".into(),
                },
                0.95,
            );
        } else if let Ok(name) = tag.parse::<TraitName>() {
            board.add_fact(
                name,
                Source::Profile {
                    fact: format!("tagged {name}").into(),
                },
                PROFILE_TAG,
            );
        }
    }
}
