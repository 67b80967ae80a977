//! What the conversation calls for right now: the chat-time phase (S6), an apology for a slow
//! reply (S13), the next reminder (S11), wrapping up a long haggle (S8), calming an angry
//! buyer.

use serde::{Deserialize, Serialize};

use super::{ReminderDue, ReminderKind, Session, next_reminder};
use crate::analysis::Analysis;
use crate::pack::SessionPolicy;
use crate::traits::Trait;

/// Where the chat stands in time, by the pack's `session.phases`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Phase {
    /// The first minute: in the articles' shop no sale closed this early. Keep answering.
    Opening,
    /// Up to five minutes: keep answering, fully.
    Consulting,
    /// Five to seven minutes, when most sales closed: nudge to order.
    Closing,
    /// Beyond: long chats lose buyers. Wrap up.
    Overtime,
}

/// What an [`Action`] suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActionKind {
    /// Answer fully; it is too early to push.
    KeepAnswering,
    /// Suggest ordering now.
    NudgeToOrder,
    /// Close the chat politely.
    WrapUp,
    /// Open with an apology for the wait.
    ApologiseForWait,
    /// Send the reminder that is due.
    SendReminder,
    /// Calm the buyer: apologise first, then solve.
    Calm,
}

/// One piece of advice, with its reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Action {
    /// What to do.
    pub kind: ActionKind,
    /// Why, in words a desk agent reads.
    pub reason: String,
}

/// The session advice for one moment of a conversation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Advice {
    /// The chat-time phase, when the request carried a session and a time.
    pub phase: Option<Phase>,
    /// Seconds since the chat began.
    pub chat_seconds: Option<u64>,
    /// Seconds the buyer has waited for a reply.
    pub waited_seconds: Option<u64>,
    /// True when the buyer waited past the pack's `courtesy.late_reply_seconds`: replies open
    /// with an apology for the wait.
    pub late: bool,
    /// The next reminder the schedule allows, if any.
    pub next_reminder: Option<ReminderDue>,
    /// The reminder due right now, if one is.
    pub reminder_now: Option<ReminderKind>,
    /// What to do, most pressing first.
    pub actions: Vec<Action>,
}

impl Advice {
    /// True when the advice includes `kind`.
    pub fn says(&self, kind: ActionKind) -> bool {
        self.actions.iter().any(|a| a.kind == kind)
    }

    /// The advice for `session` at `now`; `answering` when a buyer message is being answered.
    pub(crate) fn build(
        policy: &SessionPolicy,
        late_after: u64,
        session: &Session,
        now: u64,
        answering: bool,
    ) -> Advice {
        let mut advice = Advice::default();
        let chat = session.started_at.map(|t| now.saturating_sub(t));
        advice.chat_seconds = chat;
        if let Some(secs) = chat {
            let [opening, consulting, closing] = policy.phases;
            advice.phase = Some(if secs < opening {
                Phase::Opening
            } else if secs <= consulting {
                Phase::Consulting
            } else if secs <= closing {
                Phase::Closing
            } else {
                Phase::Overtime
            });
        }
        // A buyer message being answered now waits from when it arrived; unanswered earlier
        // messages make the wait longer.
        let since = session.waiting_since().or(answering.then_some(now));
        if let Some(since) = since {
            let waited = now.saturating_sub(since);
            advice.waited_seconds = Some(waited);
            advice.late = waited > late_after;
        }
        if advice.late {
            advice.actions.push(Action {
                kind: ActionKind::ApologiseForWait,
                reason: format!(
                    "the buyer has waited {} s, longer than {} s",
                    advice.waited_seconds.unwrap_or(0),
                    late_after
                ),
            });
        }
        advice.next_reminder = next_reminder(&policy.reminders, session, now);
        advice.reminder_now = advice
            .next_reminder
            .filter(|due| due.is_due(now))
            .map(|due| due.kind);
        if let Some(kind) = advice.reminder_now {
            advice.actions.push(Action {
                kind: ActionKind::SendReminder,
                reason: match kind {
                    ReminderKind::Nudge => {
                        "the buyer asked but did not order: a gentle nudge is due".to_owned()
                    }
                    ReminderKind::Pay => "the order is not paid yet: a reminder is due".to_owned(),
                    ReminderKind::Last => {
                        "the order is still unpaid: the last reminder is due".to_owned()
                    }
                },
            });
        }
        let rounds = session.haggling_rounds;
        if rounds >= policy.haggling_rounds && session.ordered_at.is_none() {
            advice.actions.push(Action {
                kind: ActionKind::WrapUp,
                reason: format!(
                    "{rounds} rounds of bargaining: such buyers seldom order and leave little \
                     margin; close politely and serve others"
                ),
            });
        }
        // Wrapping up a haggle outweighs the phase's advice to keep answering.
        let wrapping = advice.says(ActionKind::WrapUp);
        match advice.phase {
            Some(Phase::Opening | Phase::Consulting) if wrapping => {}
            Some(Phase::Opening) => advice.actions.push(Action {
                kind: ActionKind::KeepAnswering,
                reason: "the first minute, when no sale closes: answer fully, it is too soon to \
                         push"
                    .to_owned(),
            }),
            Some(Phase::Consulting) => advice.actions.push(Action {
                kind: ActionKind::KeepAnswering,
                reason: "the buyer is still deciding: answer each question with a useful detail"
                    .to_owned(),
            }),
            Some(Phase::Closing) if session.ordered_at.is_none() => advice.actions.push(Action {
                kind: ActionKind::NudgeToOrder,
                reason: "five to seven minutes in, when most sales close: suggest ordering"
                    .to_owned(),
            }),
            Some(Phase::Overtime) if !advice.says(ActionKind::WrapUp) => {
                advice.actions.push(Action {
                    kind: ActionKind::WrapUp,
                    reason: "a long chat loses buyers: sum up and close politely".to_owned(),
                })
            }
            _ => {}
        }
        advice
    }

    /// Adds what the buyer's traits call for, once the analysis has them.
    pub(crate) fn heed(&mut self, analysis: &Analysis) {
        if analysis.has_trait(Trait::Angry) && !self.says(ActionKind::Calm) {
            let at = usize::from(self.says(ActionKind::ApologiseForWait));
            self.actions.insert(
                at.min(self.actions.len()),
                Action {
                    kind: ActionKind::Calm,
                    reason: "the buyer is upset: apologise first, then solve".to_owned(),
                },
            );
        }
    }
}
