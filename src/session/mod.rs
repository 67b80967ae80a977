//! The conversation, as plain values the host keeps: the [`Session`] (turns, times, reminders,
//! what was sent), the buyer's [`Profile`], and the [`Advice`] the engine draws from them
//! (S6, S10, S11, S13, S19).
//!
//! The engine never stores anything and never reads a clock. The host passes the time with
//! every call (seconds, on any clock it likes, as long as it is the same one throughout), and
//! records what happened with [`Engine::record`](crate::Engine::record), which returns the
//! updated session:
//!
//! ```
//! use kefu::session::{Event, Session};
//! use kefu::{Engine, Request};
//!
//! let engine = Engine::builtin();
//! let mut session = Session::default();
//! session = engine.record(&session, &Event::buyer(1_000, "这件有M码吗"));
//! let suggestions = engine.suggest(&Request::new("这件有M码吗").session(&session).at(1_010));
//! let first = &suggestions.replies[0];
//! session = engine.record(&session, &Event::agent_template(1_010, &first.template));
//! assert_eq!(session.turns.len(), 2);
//! assert_eq!(session.sent, vec![first.template.clone()]);
//! ```
//!
//! A buyer message may be recorded before or after asking for replies to it: when the last
//! turn of the session is the buyer's and says the same as the request, it is the request
//! itself and is not counted twice.

mod advice;
mod context;
mod schedule;

pub use advice::{Action, ActionKind, Advice, Phase};
pub(crate) use context::{Context, apply, merge};
pub(crate) use schedule::next_reminder;
pub use schedule::{ReminderDue, ReminderKind};

use serde::{Deserialize, Serialize};

use crate::normalize::Script;
use crate::traits::{Trait, TraitValue};

/// Who spoke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Who {
    /// The buyer.
    Buyer,
    /// The desk: a human agent or the bot.
    Agent,
}

/// A trait as one buyer turn showed it, kept so later turns can build on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TurnTrait {
    /// The trait.
    #[serde(rename = "trait")]
    pub name: Trait,
    /// Its value, for gender and age band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<TraitValue>,
    /// Its score in that turn.
    pub score: f32,
}

/// One turn of the conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Turn {
    /// Who spoke.
    pub who: Who,
    /// When, in the host's seconds.
    pub at: u64,
    /// What was said, when the host recorded the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The template the agent sent, when it was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// For a buyer turn: the traits it showed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traits: Vec<TurnTrait>,
}

/// A reminder that went out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SentReminder {
    /// Which one.
    pub kind: ReminderKind,
    /// When.
    pub at: u64,
}

/// The state of one conversation, kept by the host between messages (in memory, Redis, a
/// database: it is a serde value). Build it with [`Session::default`] and
/// [`Engine::record`](crate::Engine::record).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Session {
    /// When the chat began: the first recorded event.
    #[serde(default)]
    pub started_at: Option<u64>,
    /// Every turn, in order.
    #[serde(default)]
    pub turns: Vec<Turn>,
    /// When the buyer last wrote.
    #[serde(default)]
    pub last_buyer_at: Option<u64>,
    /// When the desk last replied.
    #[serde(default)]
    pub last_agent_at: Option<u64>,
    /// When the buyer placed an order in this conversation.
    #[serde(default)]
    pub ordered_at: Option<u64>,
    /// When that order was paid.
    #[serde(default)]
    pub paid_at: Option<u64>,
    /// When the parcel left the warehouse.
    #[serde(default)]
    pub shipped_at: Option<u64>,
    /// The reminders sent.
    #[serde(default)]
    pub reminders: Vec<SentReminder>,
    /// How many buyer turns bargained over the price.
    #[serde(default)]
    pub haggling_rounds: u32,
    /// The script the buyer writes in (the latest turn that showed one).
    #[serde(default)]
    pub script: Script,
    /// Template ids sent in this conversation, oldest first.
    #[serde(default)]
    pub sent: Vec<String>,
}

impl Session {
    /// The buyer turns that came before `message`: all of them, except a last buyer turn that
    /// says the same as `message` (the host recorded the message before asking about it).
    pub(crate) fn earlier_buyer_turns<'s>(&'s self, message: &str) -> &'s [Turn] {
        let turns = self.turns.as_slice();
        match turns.split_last() {
            Some((last, rest))
                if last.who == Who::Buyer
                    && last.text.as_deref().map(str::trim) == Some(message.trim()) =>
            {
                rest
            }
            _ => turns,
        }
    }

    /// When the oldest buyer message still without a reply was written.
    pub fn waiting_since(&self) -> Option<u64> {
        self.turns
            .iter()
            .rev()
            .take_while(|t| t.who == Who::Buyer)
            .last()
            .map(|t| t.at)
    }

    /// How many buyer messages in a row are still without a reply.
    pub fn unanswered(&self) -> usize {
        self.turns
            .iter()
            .rev()
            .take_while(|t| t.who == Who::Buyer)
            .count()
    }
}

/// Something that happened in the conversation, for
/// [`Engine::record`](crate::Engine::record).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// The buyer wrote.
    Buyer {
        /// When.
        at: u64,
        /// What.
        text: String,
    },
    /// The desk replied, with a template or with its own words.
    Agent {
        /// When.
        at: u64,
        /// The template sent, if it was one.
        #[serde(default)]
        template: Option<String>,
        /// The text sent, if the host keeps it.
        #[serde(default)]
        text: Option<String>,
    },
    /// The buyer placed an order.
    Ordered {
        /// When.
        at: u64,
    },
    /// The buyer paid for it.
    Paid {
        /// When.
        at: u64,
    },
    /// The parcel left the warehouse.
    Shipped {
        /// When.
        at: u64,
    },
}

impl Event {
    /// The buyer wrote `text` at `at`.
    pub fn buyer(at: u64, text: &str) -> Event {
        Event::Buyer {
            at,
            text: text.to_owned(),
        }
    }

    /// The desk sent template `id` at `at`.
    pub fn agent_template(at: u64, id: &str) -> Event {
        Event::Agent {
            at,
            template: Some(id.to_owned()),
            text: None,
        }
    }

    /// The desk wrote `text` at `at` (not from a template).
    pub fn agent_text(at: u64, text: &str) -> Event {
        Event::Agent {
            at,
            template: None,
            text: Some(text.to_owned()),
        }
    }

    /// When it happened.
    pub fn at(&self) -> u64 {
        match *self {
            Event::Buyer { at, .. }
            | Event::Agent { at, .. }
            | Event::Ordered { at }
            | Event::Paid { at }
            | Event::Shipped { at } => at,
        }
    }
}

/// What the shop knows about the buyer from before this conversation (S19). The host fills
/// what it has; everything is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The platform or shop membership level; 0 for none.
    #[serde(default)]
    pub member_level: u8,
    /// Orders placed in this shop before.
    #[serde(default)]
    pub orders: u32,
    /// Money spent in this shop before, in yuan.
    #[serde(default)]
    pub total_spent: f64,
    /// The shop's tags for this buyer. `vip` marks a VIP; a trait name (`price_sensitive`,
    /// `gender=female`) counts as evidence for that trait.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The tone used with this buyer before (a template tag such as `brief` or `warm`):
    /// templates with that tag rank higher, so the tone stays the same.
    #[serde(default)]
    pub tone: Option<String>,
}

impl Profile {
    /// A profile with `orders` earlier orders.
    pub fn with_orders(orders: u32) -> Profile {
        Profile {
            orders,
            ..Profile::default()
        }
    }
}
