//! Errors raised when a rule pack is loaded.
//!
//! Queries on a built [`Engine`](crate::Engine) never fail; only building one can. Every message
//! names the item at fault in backticks and says what is wrong, in lowercase, with no Rust type
//! names, so a shop owner can act on it.

/// Why a rule pack was refused.
///
/// The variants are stable categories a host can match on; the [`Display`](std::fmt::Display)
/// text is the sentence to show a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// The TOML or JSON text could not be read as a pack.
    #[error("the pack is not valid {format}: {message}")]
    Syntax {
        /// `"toml"` or `"json"`.
        format: &'static str,
        /// What the parser said, with its line and column where it gave them.
        message: String,
    },
    /// An item names an intent the crate does not know.
    #[error("unknown intent `{intent}` in {item}")]
    UnknownIntent {
        /// The label as written.
        intent: String,
        /// Where it was written, e.g. ``rule `size.chart` ``.
        item: String,
    },
    /// Two items of one kind share an id, or one term is listed twice for the same intent.
    #[error("duplicate {kind} `{id}`")]
    Duplicate {
        /// `"rule id"`, `"term"`, …
        kind: &'static str,
        /// The repeated id or word.
        id: String,
    },
    /// A word list holds an empty (or all-blank) entry.
    #[error("empty {what} in {item}")]
    Empty {
        /// What is empty: `"term"`, `"negation cue"`, `"example"`, …
        what: &'static str,
        /// The list it was found in.
        item: String,
    },
    /// A regular expression did not compile or uses a construct that misbehaves on Chinese text.
    #[error("rule `{id}` has a bad pattern: {message}")]
    BadPattern {
        /// The rule id.
        id: String,
        /// What is wrong with it.
        message: String,
    },
    /// A number lies outside its allowed range.
    #[error("{item} is {value}, but it must be {range}")]
    OutOfRange {
        /// The setting or item, e.g. ```settings.threshold` ``.
        item: String,
        /// The value found.
        value: String,
        /// The allowed range in words.
        range: &'static str,
    },
    /// A pack asks for something this build of the crate cannot provide.
    #[error("{item} needs {needs}")]
    Unsupported {
        /// The setting at fault.
        item: String,
        /// What would make it work.
        needs: String,
    },
    /// An item names a trait, note or objection the crate does not know.
    #[error("unknown {kind} `{name}` in {item} (known: {known})")]
    Unknown {
        /// `"trait"`, `"note"` or `"objection"`.
        kind: &'static str,
        /// The name as written.
        name: String,
        /// Where it was written.
        item: String,
        /// The names the crate knows.
        known: String,
    },
    /// A cue group or cue rule names none, or more than one, of `trait`, `note` and
    /// `objection`.
    #[error("{item} must name exactly one of `trait`, `note` or `objection`")]
    Target {
        /// The group or rule.
        item: String,
    },
    /// A template names a slot the crate cannot fill.
    #[error("unknown slot `{{{slot}}}` in template `{template}`")]
    UnknownSlot {
        /// The slot as written.
        slot: String,
        /// The template's id.
        template: String,
    },
    /// A template breaks an error-level courtesy or compliance rule.
    #[error("template `{template}` breaks `{rule}`: {message}")]
    TemplateLint {
        /// The template's id.
        template: String,
        /// The rule id.
        rule: String,
        /// The rule's message.
        message: String,
    },
    /// The matcher could not be built from the pack's terms (for example, too many of them).
    #[error("the term automaton could not be built: {message}")]
    Automaton {
        /// What the automaton builder said.
        message: String,
    },
}
