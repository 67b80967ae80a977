//! The payment-reminder schedule (S11): a nudge to order after a consultation that did not
//! order, a reminder to pay an unpaid order, and one last reminder; never more, each at most
//! once, and none to a buyer who stayed silent after the previous one.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Session, Who};
use crate::pack::ReminderPolicy;

/// Which reminder. Payment-reminder templates carry the name as a tag, so the engine knows
/// which to offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReminderKind {
    /// A nudge to order, after a consultation with no order (催拍).
    Nudge,
    /// A reminder to pay an unpaid order (催付).
    Pay,
    /// The last reminder to pay.
    Last,
}

impl ReminderKind {
    /// Every kind, in schedule order.
    pub const ALL: [ReminderKind; 3] = [ReminderKind::Nudge, ReminderKind::Pay, ReminderKind::Last];

    /// The name, also the template tag.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReminderKind::Nudge => "nudge",
            ReminderKind::Pay => "pay",
            ReminderKind::Last => "last",
        }
    }
}

impl fmt::Display for ReminderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The next reminder the schedule allows, and its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReminderDue {
    /// Which one.
    pub kind: ReminderKind,
    /// Not before this time.
    pub from: u64,
    /// Not after this time: once it passes, the reminder is skipped.
    pub until: u64,
}

impl ReminderDue {
    /// True when `now` falls in the window.
    pub fn is_due(&self, now: u64) -> bool {
        (self.from..=self.until).contains(&now)
    }
}

/// The next reminder whose window has not closed by `now`; `None` when the schedule allows
/// no more.
pub(crate) fn next_reminder(
    policy: &ReminderPolicy,
    session: &Session,
    now: u64,
) -> Option<ReminderDue> {
    if session.paid_at.is_some() || session.reminders.len() >= ReminderKind::ALL.len() {
        return None;
    }
    if let Some(last) = session.reminders.last() {
        let spoke_since = session
            .turns
            .iter()
            .any(|t| t.who == Who::Buyer && t.at > last.at);
        let ordered_since = session.ordered_at.is_some_and(|t| t > last.at);
        if !spoke_since && !ordered_since {
            return None;
        }
    }
    let sent = |kind: ReminderKind| session.reminders.iter().any(|r| r.kind == kind);
    let window = |kind, anchor: u64, after: u64, until: u64| ReminderDue {
        kind,
        from: anchor.saturating_add(after),
        until: anchor.saturating_add(until),
    };
    let candidates: Vec<ReminderDue> = match session.ordered_at {
        None => {
            let asked = session.last_buyer_at?;
            vec![window(
                ReminderKind::Nudge,
                asked,
                policy.nudge_after,
                policy.nudge_until,
            )]
        }
        Some(ordered) => vec![
            window(
                ReminderKind::Pay,
                ordered,
                policy.pay_after,
                policy.pay_until,
            ),
            window(
                ReminderKind::Last,
                ordered,
                policy.last_after,
                policy.last_until,
            ),
        ],
    };
    candidates
        .into_iter()
        .filter(|due| !sent(due.kind))
        .find(|due| due.until >= now)
}
