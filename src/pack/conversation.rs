//! The parts of a pack about the buyer and the conversation: cue words for traits, order notes
//! and objections, and the session policy (chat phases, the reminder schedule, the apology for
//! a slow reply).

use serde::{Deserialize, Serialize};

use super::default_true;

/// Words that point at a buyer trait, an order note or a purchase objection.
///
/// A group names exactly one of `trait`, `note` or `objection`:
///
/// ```toml
/// [[cues]]
/// trait = "angry"            # angry, impatient, urgent, price_sensitive, quality_focus,
/// weight = 0.6               # style_focus, haggling, returning, purchase,
/// words = ["骗人", "坑人"]     # gender=female|male, age_band=young|middle|older
///
/// [[cues]]
/// note = "gift"              # gift, recipient, address, phone, cash_back, urgent
/// words = ["送人的", "礼物"]
///
/// [[cues]]
/// objection = "budget"       # need, product, price, budget, missing_info
/// words = ["没预算", "手头紧"]
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CueGroup {
    /// The trait these words show, with its value for `gender` and `age_band`
    /// (`gender=female`).
    #[serde(default, rename = "trait", skip_serializing_if = "Option::is_none")]
    pub trait_: Option<String>,
    /// The order note these words ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The purchase objection these words voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objection: Option<String>,
    /// How much one of these words says, in `(0, 1]`. Default 0.9.
    #[serde(default = "default_cue_weight")]
    pub weight: f32,
    /// Whether a negation cue next to a word cancels it (不着急 is not urgent). Default
    /// `true`.
    #[serde(default = "default_true")]
    pub negatable: bool,
    /// The words.
    pub words: Vec<String>,
}

/// A regex that points at a trait, a note or an objection; like [`Rule`](super::Rule), with
/// `trait`, `note` or `objection` in place of `intent`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CueRule {
    /// A unique id among rules and cue rules, shown in evidence.
    pub id: String,
    /// The trait, as for [`CueGroup::trait_`].
    #[serde(default, rename = "trait", skip_serializing_if = "Option::is_none")]
    pub trait_: Option<String>,
    /// The order note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The objection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objection: Option<String>,
    /// The weight of a match, in `(0, 1]`. Default 0.9.
    #[serde(default = "default_cue_weight")]
    pub weight: f32,
    /// Whether a negation cue next to the match cancels it. Default `true`.
    #[serde(default = "default_true")]
    pub negatable: bool,
    /// The pattern, on the normalised message.
    pub pattern: String,
}

fn default_cue_weight() -> f32 {
    0.9
}

/// The session policy: chat phases, trait memory, the reply-delay apology and the reminder
/// schedule (S6, S11, S13). Times are seconds.
///
/// ```toml
/// [session]
/// phases = [60, 300, 420]
/// mood_decay = 0.5
/// wait_openers = ["抱歉让您久等了，"]
///
/// [session.reminders]
/// nudge_after = 300
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct SessionPolicy {
    /// Where the chat-time phases end: opening, consulting, closing; beyond the last is
    /// overtime. Increasing. Default `[60, 300, 420]`: in the articles' shop no sale closed
    /// in the first minute and most closed between 300 and 420 seconds.
    pub phases: [u64; 3],
    /// How much of a mood (angry, impatient, urgent) carries into the next buyer turn, in
    /// `[0, 1]`: moods fade, while who the buyer is (gender, age, price sensitivity, a
    /// returning buyer) does not. Default 0.5.
    pub mood_decay: f32,
    /// Haggling rounds after which the desk is advised to wrap up politely (S8). Default 3.
    pub haggling_rounds: u32,
    /// Openings put before every reply to a buyer who waited past
    /// `courtesy.late_reply_seconds`; the turn count picks one, so they rotate. Empty: slow
    /// replies are not changed.
    pub wait_openers: Vec<String>,
    /// Words that tie a cash-back request to a review, which platforms punish (S7).
    pub review_words: Vec<String>,
    /// The payment-reminder schedule.
    pub reminders: ReminderPolicy,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            phases: [60, 300, 420],
            mood_decay: 0.5,
            haggling_rounds: 3,
            wait_openers: Vec::new(),
            review_words: Vec::new(),
            reminders: ReminderPolicy::default(),
        }
    }
}

/// When reminders may go out (S11): each one has a window, in seconds after its anchor.
///
/// - the **nudge** to order, after the buyer's last message of a consultation with no order;
/// - the **pay** reminder, after an order that is not paid;
/// - the **last** reminder to pay, after the same order.
///
/// At most these three go out in one conversation, each at most once, and none after a
/// reminder the buyer did not answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ReminderPolicy {
    /// Default 300 (five minutes).
    pub nudge_after: u64,
    /// Default 900.
    pub nudge_until: u64,
    /// Default 300.
    pub pay_after: u64,
    /// Default 900: within fifteen minutes of the order.
    pub pay_until: u64,
    /// Default 1200.
    pub last_after: u64,
    /// Default 1800: within thirty minutes of the order.
    pub last_until: u64,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        ReminderPolicy {
            nudge_after: 300,
            nudge_until: 900,
            pay_after: 300,
            pay_until: 900,
            last_after: 1200,
            last_until: 1800,
        }
    }
}
