//! Stage 3d, order notes (备注, S7): what the warehouse must know, read from buyer messages.
//!
//! A note says what kind of request it is, how urgent it is, the new value where the buyer
//! gave one (a new phone number, address or recipient), and where in the message it was
//! asked. A cash-back request tied to a review is flagged as a compliance risk: platforms
//! punish paying for good reviews. A change of address, phone or recipient asked after the
//! parcel left is flagged too, and becomes urgent.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::analysis::Span;
use crate::label::Label;

/// What a note asks of the warehouse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoteKind {
    /// The order is a gift: no invoice or price in the box, gift wrapping, a card.
    Gift,
    /// A different recipient.
    Recipient,
    /// A different address.
    Address,
    /// A different phone number.
    Phone,
    /// The buyer asks for money back outside the order (返现).
    CashBack,
    /// The buyer needs it fast.
    Urgent,
}

impl NoteKind {
    /// Every kind.
    pub const ALL: [NoteKind; 6] = [
        NoteKind::Gift,
        NoteKind::Recipient,
        NoteKind::Address,
        NoteKind::Phone,
        NoteKind::CashBack,
        NoteKind::Urgent,
    ];

    /// The name used in packs and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            NoteKind::Gift => "gift",
            NoteKind::Recipient => "recipient",
            NoteKind::Address => "address",
            NoteKind::Phone => "phone",
            NoteKind::CashBack => "cash_back",
            NoteKind::Urgent => "urgent",
        }
    }

    /// True for changes to where the parcel goes.
    pub const fn is_change(self) -> bool {
        matches!(
            self,
            NoteKind::Recipient | NoteKind::Address | NoteKind::Phone
        )
    }
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How soon the warehouse must act; notes come most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Priority {
    /// Before the parcel is packed: urgent delivery, or a change after dispatch.
    Urgent,
    /// Before dispatch: address, phone, recipient; anything with a compliance risk.
    High,
    /// With the order: gift wrapping and the like.
    Normal,
}

/// One note for the warehouse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Note {
    /// What it asks.
    pub kind: NoteKind,
    /// How soon.
    pub priority: Priority,
    /// The new value the buyer gave (a phone number, an address, a name), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The cue word or rule that raised it, as `kind/word` or the rule id.
    pub source: Label,
    /// Where in the original message.
    pub span: Span,
    /// Why this note is a compliance risk, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Label>,
    /// True for a change of address, phone or recipient asked after the parcel left.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_dispatch: bool,
}
