//! # kefu (客服)
//!
//! The customer-service brain for Chinese online shops, as a library a host service links in.
//! For every buyer message it says what the buyer wants (intents, several at once, each with
//! a score and the evidence behind it), reads the quantities a shop needs (heights, weights,
//! clothing and shoe sizes, money, order and phone numbers), says who the buyer is (traits),
//! what the warehouse must know (order notes) and what holds the buyer back (objections), and
//! suggests ranked, courteous replies filled from the shop's facts. With the conversation so
//! far (a [`Session`] the host keeps) it also says where the chat stands: the phase, a late
//! reply, the reminder due. Offline, deterministic, and microseconds per message.
//!
//! ```
//! use kefu::{Engine, Intent, Quantity};
//!
//! let engine = Engine::builtin();
//! let message = "亲，我165cm 110斤穿什么码？";
//! let analysis = engine.analyze(message);
//!
//! assert_eq!(analysis.present_intents(), vec![Intent::Size]);
//! // Every piece of evidence points into the buyer's own text.
//! let why = &analysis.intents[0].evidence[0];
//! assert!(!why.span.text(message).is_empty());
//! // 110 斤 is 55 kg.
//! assert!(analysis.quantities.iter().any(|q| matches!(q, Quantity::Weight { kg, .. } if *kg == 55.0)));
//! ```
//!
//! # The pipeline
//!
//! Data flows one way, one module per stage:
//!
//! 1. [`normalize`](mod@normalize): full-width → ASCII, lowercase, traditional → simplified,
//!    emoticon codes and punctuation runs, with a map back to the original offsets.
//! 2. `lexicon`: one Aho-Corasick automaton over every word of the pack, the pack's regexes,
//!    and the word segmenter for the fallback.
//! 3. Analyse: [`extract`] (quantities), [`intent`] (scores with evidence, negation,
//!    fallback), then [`traits`], [`notes`] and [`objection`] from the pack's cue words, and
//!    the [`session`] and the buyer's [`Profile`] brought in ([`Engine::record`],
//!    [`Engine::advise`]).
//! 4. [`reply`]: templates filled from the shop's [`facts`], ranked with their reasons
//!    ([`Engine::suggest`]), steered by the traits and the session advice.
//! 5. [`guard`]: the courtesy and compliance linter for replies ([`Engine::lint`]), also run
//!    over every template when the engine is built.
//!
//! # Bringing your own pack
//!
//! The policy is data: a [`Pack`] read from TOML or JSON, or built in code. The format is
//! documented on the [`pack`] module. A bad pack is refused when the engine is built, with a
//! [`PackError`] that names the item at fault:
//!
//! ```
//! use kefu::{Engine, PackError};
//!
//! let err = Engine::from_toml(r#"
//!     [[terms]]
//!     intent = "refund"
//!     weight = 0.9
//!     words = ["退款"]
//! "#).unwrap_err();
//! assert!(matches!(err, PackError::UnknownIntent { .. }));
//! assert_eq!(err.to_string(), "unknown intent `refund` in terms group 1 (intent `refund`)");
//! ```
//!
//! # The threshold
//!
//! Each intent's score is the noisy-OR of its evidence weights, in `[0, 1]`. An intent is
//! *present* when its score reaches the pack's `settings.threshold`
//! ([`DEFAULT_THRESHOLD`], 0.5); a message with no present intent is [`Intent::Other`].
//!
//! # Crate features
//!
//! - `jieba-default-dict` (on by default): lets a pack ask for jieba's large default dictionary
//!   with `segmenter.dictionary = "jieba-default"`. The built-in pack does not, so the
//!   dictionary is never loaded unless a host's pack asks for it.
//!
//! # Untrusted input and panics
//!
//! [`Engine::analyze`] and [`Engine::suggest`] accept any `&str`, never panic, do no I/O, read
//! no clock and use no randomness: the same pack, message, session and time always give the
//! same answer. The time is always the host's, passed in. Building an
//! engine from an untrusted pack is safe too: a bad one is an error, not a panic. Regexes use
//! the `regex` crate, whose matching time is linear in the message length.

pub mod analysis;
mod bits;
mod engine;
mod error;
pub mod extract;
pub mod facts;
pub mod guard;
mod inline;
pub mod intent;
mod label;
mod lexicon;
pub mod normalize;
pub mod notes;
pub mod objection;
pub mod pack;
mod policy;
pub mod reply;
pub mod session;
mod signals;
pub mod traits;

pub use analysis::{Analysis, Decision, Evidence, IntentScore, Source, Span};
pub use engine::Engine;
pub use error::PackError;
pub use extract::{ClothingSize, Quantity, QuantityKind};
pub use guard::Finding;
pub use intent::Intent;
pub use label::Label;
pub use normalize::{Normalized, Script, normalize};
pub use pack::{Board, DEFAULT_THRESHOLD, Level, Pack, Stage};
pub use policy::PolicyFailure;
pub use reply::{Reason, ReasonKind, Reply, Request, Suggestions};
pub use session::{Advice, Event, Profile, Session};
pub use traits::{Trait, TraitScore, TraitValue};

/// The README's examples, run as doctests so the README cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
