//! Stage 4, choose: candidate templates for the message's intents and stage, filled from the
//! shop's facts, ranked with their reasons.
//!
//! Ranking weighs, and every weight shows in the reply's [`Reason`]s:
//! - **intent fit**: the score of the intent the template answers;
//! - **facts**: each slot filled from the catalog or the shop's context (a specific answer
//!   beats a general one);
//! - **stage**: the template's stage matches where the buyer is;
//! - **risk**: for complex, expensive or customised products, a reply that removes the buyer's
//!   risk ranks higher when the shop's policy allows it (S14);
//! - **cues**: a template's cue words found in the message (多少钱 for a price, 便宜 for
//!   bargaining) show it answers the question asked (S10);
//! - **rotation**: a template sent already in this conversation (the session's `sent`, or the
//!   request's `recently_sent`) ranks lower, so wordings vary (S10);
//! - **trait**: a template written for a kind of buyer (`traits`) is offered only to such a
//!   buyer and ranks higher by the trait's score; `avoid_traits` ranks it lower (S5, S19);
//! - **tone**: a template tagged with the tone of the buyer's profile ranks higher;
//! - **objection**: a template for an objection (`objections`) is offered when the buyer
//!   voices it (S16);
//! - **reminder** and **advice**: payment-reminder templates are offered only when the
//!   session's schedule says one is due (S11), never in answer to a message; when the session
//!   calls for wrapping up, the best wrap-up reply takes the last place.
//!
//! A message with two intents gets replies that answer both: the best reply for each present
//! intent comes first, then the rest by score. Ties break by template id, so the order is
//! deterministic. A template whose slot cannot be filled is never offered.
//!
//! Then the session shapes the words: past the pack's `courtesy.late_reply_seconds` every reply
//! opens with an apology for the wait (S13), and a buyer who writes traditional characters gets
//! replies in traditional characters. Both show in the reasons with weight 0.

mod rank;
pub mod size;
mod slots;

pub use slots::SLOTS;

use aho_corasick::dfa::DFA;
use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::error::PackError;
use crate::facts::{Catalog, Product, ShopContext};
use crate::guard::{Finding, Linter};
use crate::intent::Intent;
use crate::label::Label;
use crate::lexicon::parse_intent;
use crate::normalize::to_traditional;
use crate::objection::ObjectionKind;
use crate::pack::{Board, Level, Stage, Template};
use crate::session::{Advice, Profile, ReminderKind, Session};
use crate::traits::TraitName;
use slots::{Facts, Piece, pieces};

/// Weights of the ranking, in one place so the reasons and the docs agree.
const TRAIT_WEIGHT: f32 = 0.3;
const TONE_WEIGHT: f32 = 0.1;
const OBJECTION_FIT: f32 = 0.9;
const REMINDER_FIT: f32 = 1.0;
const TRAIT_FIT: f32 = 0.6;
const WRAP_UP_FIT: f32 = 0.7;
const FACT_WEIGHT: f32 = 0.05;
const STAGE_WEIGHT: f32 = 0.1;
const RISK_WEIGHT: f32 = 0.15;
const ROTATION_PENALTY: f32 = 0.5;
const STAGE_MISMATCH: f32 = 0.3;
const CUE_WEIGHT: f32 = 0.3;
const NO_CUE: f32 = 0.1;

/// A request for replies: the buyer's message and what the shop knows.
///
/// ```
/// use kefu::{Engine, Request};
/// use kefu::facts::demo;
///
/// let engine = Engine::builtin();
/// let catalog = demo::catalog();
/// let shop = demo::shop();
/// let request = Request::new("亲，我165cm 110斤穿什么码？")
///     .product(catalog.product("dress-01").unwrap())
///     .shop(&shop);
/// let suggestions = engine.suggest(&request);
/// assert!(suggestions.replies[0].text.contains("建议"));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Request<'a> {
    /// The buyer's message.
    pub message: &'a str,
    /// The product the conversation is about.
    pub product: Option<&'a Product>,
    /// The shop's catalog (used to find the product by id in policy cases).
    pub catalog: Option<&'a Catalog>,
    /// The shop's context.
    pub shop: Option<&'a ShopContext>,
    /// Template ids sent recently in this conversation; they rank lower.
    pub recently_sent: &'a [String],
    /// Where the buyer is; inferred from the intents when not given.
    pub stage: Option<Stage>,
    /// How many replies to return (default 3).
    pub limit: usize,
    /// The conversation so far.
    pub session: Option<&'a Session>,
    /// What the shop knows about the buyer.
    pub profile: Option<&'a Profile>,
    /// The time now, in the host's seconds (the same clock as the session's).
    pub now: Option<u64>,
}

impl<'a> Request<'a> {
    /// A request for a message, with no facts yet.
    pub fn new(message: &'a str) -> Request<'a> {
        Request {
            message,
            limit: 3,
            ..Request::default()
        }
    }

    /// The product the conversation is about.
    pub fn product(mut self, product: &'a Product) -> Self {
        self.product = Some(product);
        self
    }

    /// The shop's catalog.
    pub fn catalog(mut self, catalog: &'a Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// The shop's context.
    pub fn shop(mut self, shop: &'a ShopContext) -> Self {
        self.shop = Some(shop);
        self
    }

    /// Template ids sent recently in this conversation.
    pub fn recently_sent(mut self, ids: &'a [String]) -> Self {
        self.recently_sent = ids;
        self
    }

    /// Where the buyer is.
    pub fn stage(mut self, stage: Stage) -> Self {
        self.stage = Some(stage);
        self
    }

    /// How many replies to return.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// The conversation so far (see [`session`](crate::session)).
    pub fn session(mut self, session: &'a Session) -> Self {
        self.session = Some(session);
        self
    }

    /// What the shop knows about the buyer.
    pub fn profile(mut self, profile: &'a Profile) -> Self {
        self.profile = Some(profile);
        self
    }

    /// The time now, in the host's seconds.
    pub fn at(mut self, now: u64) -> Self {
        self.now = Some(now);
        self
    }
}

/// What moved a reply's score, or changed its wording. Compares equal to its name
/// (`kind == "trait"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonKind {
    /// How strongly the message asks what the template answers.
    Intent,
    /// The slots filled from the shop's facts.
    Facts,
    /// One of the template's cue words is in the message, or none is.
    Cue,
    /// The template's stage against the buyer's.
    Stage,
    /// A risk-removing reply for a complex, expensive or customised product.
    Risk,
    /// A trait the template is written for, suits, or does not suit.
    Trait,
    /// The tone used with this buyer before.
    Tone,
    /// An objection the template answers.
    Objection,
    /// A reminder that is due.
    Reminder,
    /// The session's advice (wrap up).
    Advice,
    /// Sent already in this conversation.
    Rotation,
    /// Weight 0: the reply opens with an apology for the wait.
    Wait,
    /// Weight 0: the reply is in traditional characters.
    Script,
}

impl ReasonKind {
    /// The name, as serialised.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Intent => "intent",
            ReasonKind::Facts => "facts",
            ReasonKind::Cue => "cue",
            ReasonKind::Stage => "stage",
            ReasonKind::Risk => "risk",
            ReasonKind::Trait => "trait",
            ReasonKind::Tone => "tone",
            ReasonKind::Objection => "objection",
            ReasonKind::Reminder => "reminder",
            ReasonKind::Advice => "advice",
            ReasonKind::Rotation => "rotation",
            ReasonKind::Wait => "wait",
            ReasonKind::Script => "script",
        }
    }
}

impl std::fmt::Display for ReasonKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ReasonKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why a reply ranked where it did: what moved its score, and by how much.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// What moved the score, or changed the wording.
    pub kind: ReasonKind,
    /// What it was about: the intent, the slots, the stage, the tag. A [`Label`]: a fixed
    /// wording is borrowed and a short one (a cue, most slot lists) kept in place, so
    /// explaining a reply allocates little.
    pub detail: Label,
    /// How much it added (negative: took away).
    pub weight: f32,
}

/// A ready-to-send reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reply {
    /// The template's id.
    pub template: Label,
    /// The board it came from.
    pub board: Board,
    /// The text, every slot filled.
    pub text: String,
    /// Its score: the sum of its reasons' weights.
    pub score: f32,
    /// Why it ranked here.
    pub reasons: Vec<Reason>,
}

/// What [`Engine::suggest`](crate::Engine::suggest) returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Suggestions {
    /// The analysis of the message.
    pub analysis: Analysis,
    /// The stage the replies were chosen for.
    pub stage: Stage,
    /// What the conversation calls for now (empty without a session and a time).
    pub advice: Advice,
    /// The replies, best first.
    pub replies: Vec<Reply>,
}

/// A template's risk term can count (see [`Compiled::extras`]).
const EXTRA_RISK: u8 = 1;
/// A template's trait terms can count.
const EXTRA_TRAITS: u8 = 2;
/// A template's tone term can count.
const EXTRA_TONE: u8 = 4;

/// [`Compiled::extras`] for a template, `risk_free` or not, with these traits to suit and
/// avoid.
fn extras_of(t: &Template, risk_free: bool, traits: &[TraitName], avoid: &[TraitName]) -> u8 {
    let mut extras = 0;
    if risk_free {
        extras |= EXTRA_RISK;
    }
    if !traits.is_empty() || !avoid.is_empty() {
        extras |= EXTRA_TRAITS;
    }
    if !t.tags.is_empty() {
        extras |= EXTRA_TONE;
    }
    extras
}

/// A compiled template.
#[derive(Debug)]
struct Compiled {
    template: Template,
    /// The template's id, as replies carry it.
    id: Label,
    intents: Vec<Intent>,
    /// The intent when `intents` holds just one, as most do, kept in place so that the
    /// common case reads no list.
    only_intent: Option<Intent>,
    /// The slots as positions in [`SLOTS`].
    slot_ids: Vec<usize>,
    /// What the facts term adds to its score (`FACT_WEIGHT` a slot), worked out once.
    facts_weight: f32,
    /// `when_missing`, as positions in [`SLOTS`].
    missing: Vec<usize>,
    /// The cues, normalised like messages, as the reasons name them.
    cues: Vec<Label>,
    /// The cues, as pattern ids of [`Replies::cue_words`].
    cue_ids: Vec<usize>,
    /// The same ids as bits, by word of a message's set of cues said: whether any cue is in
    /// the message is then a few masks, not a look-up per cue.
    cue_bits: Vec<(usize, u64)>,
    /// The first entry of `cue_bits` (none: a mask of 0), kept in place: most templates'
    /// cues sit in one word, so most checks read no further.
    cue_first: (usize, u64),
    /// The facts check in one comparison. `facts_mask` holds the slots of the text
    /// (`slot_ids`) and of `when_missing` (`missing`) as bits; the template can be sent when
    /// what can be filled of them is `facts_want`: the text's slots, or a value out of a
    /// `u32`'s reach for a template whose text needs a slot `when_missing` wants unfilled.
    facts_mask: u32,
    facts_want: u64,
    traits: Vec<TraitName>,
    avoid: Vec<TraitName>,
    objections: Vec<ObjectionKind>,
    /// For a payment-reminder template: which reminder it is.
    reminder: Option<ReminderKind>,
    /// Tagged `risk_free`: offered with more weight when the product is a risky buy.
    risk_free: bool,
    /// Which of the rarely-used score terms (risk, traits, tone: the `EXTRA_*` bits) can
    /// add anything for this template, so that scoring skips all three with one test
    /// against the request's.
    extras: u8,
    /// Fits by its intents only: no categories, reminder, objections or traits to check,
    /// and not a wrap-up, so that the common template skips those checks with one test.
    plain: bool,
    /// The text cut at its slots, so filling it needs no parsing; `None` for a text with a
    /// brace left open, which never renders.
    pieces: Option<Vec<Piece>>,
    /// The text pieces in traditional characters, one entry per piece (empty for a slot),
    /// converted once so that a reply for a buyer who writes them converts only its values.
    traditional: Vec<String>,
    /// The slots, listed for the reasons: borrowed for the common single slot and kept in
    /// place for most pairs, so that a reason naming them mostly costs no allocation.
    slots_listed: Label,
    /// Templates with the same group score the same for every request, except that one may
    /// have been sent already: they differ in wording only. Ranking scores a group once.
    group: usize,
}

const _: () = assert!(SLOTS.len() <= 32, "slot masks are u32");

/// Slots (positions in [`SLOTS`]) as bits of a mask; [`SLOTS`] has fewer than 32.
fn slot_bits(slots: &[usize]) -> u32 {
    slots
        .iter()
        .filter_map(|&k| 1u32.checked_shl(u32::try_from(k).ok()?))
        .fold(0, |bits, bit| bits | bit)
}

/// A template's cues, normalised like messages; empty ones dropped.
fn normalized_cues(t: &Template) -> impl Iterator<Item = String> {
    t.cues
        .iter()
        .map(|c| crate::normalize::normalize(c).into_string())
        .filter(|c| !c.is_empty())
}

/// Every template cue, normalised like messages, once each, in the order the templates first
/// name them: a cue's id is its place in this list.
///
/// The one seam between the lexicon and the replies: the engine reads the list once and hands
/// it to both, [`Replies::build`] to number the cues and the lexicon to mark them in its walk
/// of every message (a region of its row of bits), so the replies need no walk of their own.
pub(crate) fn cue_list(templates: &[Template]) -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    for cue in templates.iter().flat_map(normalized_cues) {
        if !list.contains(&cue) {
            list.push(cue);
        }
    }
    list
}

/// The pack's templates, compiled and linted.
#[derive(Debug)]
pub(crate) struct Replies {
    templates: Vec<Compiled>,
    /// Per intent (by [`Intent::index`]), the templates that answer it. Each set of
    /// templates here is a bit per template, by its place in the pack, so that a request's
    /// templates worth a look are gathered a word of 64 at a time.
    by_intent: Vec<Vec<u64>>,
    /// Per intent, the slots (as [`Compiled::needs`]) that its [`plain`](Compiled::plain)
    /// templates check against the facts: all of them do once the intent is present.
    intent_slots: Vec<u32>,
    /// Templates that may fit with no intent, by what lets them: a reminder due, an
    /// objection voiced, a trait shown, the advice to wrap up.
    reminders: Vec<u64>,
    for_objections: Vec<u64>,
    for_traits: Vec<u64>,
    wrap_ups: Vec<u64>,
    /// Each template's place in id order, for ties.
    id_rank: Vec<u32>,
    /// Every template cue, once, so a message is searched for all of them in one pass. The
    /// bare DFA rather than an `AhoCorasick`: walking it byte by byte to list every cue
    /// (overlapping or not) costs a fraction of the searcher's overlapping iterator.
    cue_words: Option<DFA>,
    warnings: Vec<(String, Finding)>,
}

impl Replies {
    /// Checks and compiles the templates: ids unique, intents and slots known, and every text
    /// linted; an error-level finding refuses the pack. `cues` is [`cue_list`] of the same
    /// templates: a cue's id is its place there.
    pub(crate) fn build(
        templates: &[Template],
        linter: &Linter,
        cues: &[String],
    ) -> Result<Replies, PackError> {
        let mut seen = std::collections::HashSet::new();
        let mut compiled = Vec::with_capacity(templates.len());
        let mut warnings = Vec::new();
        for t in templates {
            if t.id.trim().is_empty() {
                return Err(PackError::Empty {
                    what: "template id",
                    item: format!("the template `{}`", t.text),
                });
            }
            if !seen.insert(t.id.as_str()) {
                return Err(PackError::Duplicate {
                    kind: "template id",
                    id: t.id.clone(),
                });
            }
            if t.text.trim().is_empty() {
                return Err(PackError::Empty {
                    what: "text",
                    item: format!("template `{}`", t.id),
                });
            }
            let item = format!("template `{}`", t.id);
            let intents = t
                .intents
                .iter()
                .map(|i| parse_intent(i, &item, false))
                .collect::<Result<Vec<_>, _>>()?;
            let unknown = |slot: &str| PackError::UnknownSlot {
                slot: slot.to_owned(),
                template: t.id.clone(),
            };
            let pieces = pieces(&t.text).map_err(unknown)?;
            if let Some(slot) = t.when_missing.iter().find(|s| !SLOTS.contains(&s.as_str())) {
                return Err(unknown(slot));
            }
            // Lint the text with each slot standing in as a neutral word.
            let sample = pieces
                .as_deref()
                .and_then(|p| {
                    slots::fill(p, t.text.len() + 48, |_, out| {
                        out.push_str("这款");
                        true
                    })
                })
                .unwrap_or_default();
            for finding in linter.lint(&sample, None) {
                if finding.level == Level::Error {
                    return Err(PackError::TemplateLint {
                        template: t.id.clone(),
                        rule: finding.rule,
                        message: finding.message,
                    });
                }
                warnings.push((t.id.clone(), finding));
            }
            let trait_list = |list: &[String]| {
                list.iter()
                    .map(|name| {
                        name.parse::<TraitName>().map_err(|()| PackError::Unknown {
                            kind: "trait",
                            name: name.clone(),
                            item: item.clone(),
                            known: "the trait names of `[[cues]]`".to_owned(),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            };
            let traits = trait_list(&t.traits)?;
            let avoid = trait_list(&t.avoid_traits)?;
            let objections = t
                .objections
                .iter()
                .map(|name| {
                    ObjectionKind::ALL
                        .into_iter()
                        .find(|k| k.as_str() == name)
                        .ok_or_else(|| PackError::Unknown {
                            kind: "objection",
                            name: name.clone(),
                            item: item.clone(),
                            known: "need, product, price, budget, missing_info".to_owned(),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let reminder = if t.board == Board::PaymentReminder {
                let kinds: Vec<ReminderKind> = ReminderKind::ALL
                    .into_iter()
                    .filter(|k| t.tags.iter().any(|tag| tag == k.as_str()))
                    .collect();
                match kinds.as_slice() {
                    [one] => Some(*one),
                    _ => {
                        return Err(PackError::Unsupported {
                            item: format!("{item} on the payment_reminder board"),
                            needs: "exactly one of the tags `nudge`, `pay` or `last`, saying \
                                    which reminder it is"
                                .to_owned(),
                        });
                    }
                }
            } else {
                None
            };
            let cues = normalized_cues(t).map(Label::from).collect::<Vec<_>>();
            let position = |slot: &String| SLOTS.iter().position(|s| s == slot);
            let missing: Vec<usize> = t.when_missing.iter().filter_map(position).collect();
            // The slots of the text, in order, each once.
            let mut slot_ids: Vec<usize> = Vec::new();
            for piece in pieces.iter().flatten() {
                if let Piece::Slot(k) = piece {
                    if !slot_ids.contains(k) {
                        slot_ids.push(*k);
                    }
                }
            }
            let slots_listed = match slot_ids.as_slice() {
                [one] => Label::from_static(SLOTS.get(*one).copied().unwrap_or_default()),
                _ => Label::from(
                    slot_ids
                        .iter()
                        .filter_map(|&k| SLOTS.get(k).copied())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            };
            let risk_free = t.tags.iter().any(|tag| tag == "risk_free");
            let extras = extras_of(t, risk_free, &traits, &avoid);
            let plain = t.board != Board::WrapUp
                && t.categories.is_empty()
                && reminder.is_none()
                && objections.is_empty()
                && traits.is_empty();
            let (needs, missing_bits) = (slot_bits(&slot_ids), slot_bits(&missing));
            compiled.push(Compiled {
                template: t.clone(),
                id: Label::new(&t.id),
                only_intent: match intents.as_slice() {
                    &[i] => Some(i),
                    _ => None,
                },
                intents,
                facts_mask: needs | missing_bits,
                facts_want: if needs & missing_bits == 0 {
                    u64::from(needs)
                } else {
                    1 << 32
                },
                facts_weight: FACT_WEIGHT * slot_ids.len() as f32,
                slot_ids,
                missing,
                cue_ids: Vec::new(),
                cue_bits: Vec::new(),
                cue_first: (0, 0),
                cues,
                traits,
                avoid,
                objections,
                reminder,
                risk_free,
                extras,
                plain,
                traditional: pieces
                    .iter()
                    .flatten()
                    .map(|piece| match piece {
                        Piece::Text(words) => Some(to_traditional(words)),
                        Piece::Slot(_) => None,
                    })
                    .map(Option::unwrap_or_default)
                    .collect(),
                pieces,
                slots_listed,
                group: 0,
            });
        }
        for c in &mut compiled {
            for cue in &c.cues {
                // Every cue is in the list, which was read off the same templates.
                let Some(id) = cues.iter().position(|x| x == cue) else {
                    continue;
                };
                c.cue_ids.push(id);
                let (word, bit) = (id / 64, 1u64 << (id % 64));
                match c.cue_bits.iter_mut().find(|(w, _)| *w == word) {
                    Some((_, mask)) => *mask |= bit,
                    None => c.cue_bits.push((word, bit)),
                }
            }
            c.cue_first = c.cue_bits.first().copied().unwrap_or((0, 0));
        }
        // Everything scoring reads except the id (rotation) and the wording.
        let mut groups: std::collections::HashMap<String, usize> = Default::default();
        for c in &mut compiled {
            let t = &c.template;
            let key = format!(
                "{:?}",
                (
                    (t.board, &t.stage, &t.categories, &t.tags),
                    (&c.intents, &c.slot_ids, &c.missing, &c.cue_ids),
                    (&c.traits, &c.avoid, &c.objections, &c.reminder, c.risk_free),
                )
            );
            let next = groups.len();
            c.group = *groups.entry(key).or_insert(next);
        }
        let cue_words = if cues.is_empty() {
            None
        } else {
            Some(aho_corasick::dfa::Builder::new().build(cues).map_err(|e| {
                PackError::Automaton {
                    message: e.to_string(),
                }
            })?)
        };
        let none = vec![0u64; compiled.len().div_ceil(64)];
        let mut by_intent = vec![none.clone(); Intent::ALL.len()];
        let mut intent_slots = vec![0; Intent::ALL.len()];
        let (mut reminders, mut for_objections, mut for_traits, mut wrap_ups) =
            (none.clone(), none.clone(), none.clone(), none);
        for (k, c) in compiled.iter().enumerate() {
            let mark = |set: &mut Vec<u64>| {
                if let Some(word) = set.get_mut(k / 64) {
                    *word |= 1 << (k % 64);
                }
            };
            for intent in &c.intents {
                if let Some(set) = by_intent.get_mut(intent.index()) {
                    mark(set);
                }
                if let Some(slots) = intent_slots.get_mut(intent.index()).filter(|_| c.plain) {
                    *slots |= c.facts_mask;
                }
            }
            if c.reminder.is_some() {
                mark(&mut reminders);
            }
            if !c.objections.is_empty() {
                mark(&mut for_objections);
            }
            if c.intents.is_empty() && !c.traits.is_empty() {
                mark(&mut for_traits);
            }
            if c.template.board == Board::WrapUp {
                mark(&mut wrap_ups);
            }
        }
        let mut by_id: Vec<usize> = (0..compiled.len()).collect();
        by_id.sort_by(|&a, &b| {
            let id = |k: usize| compiled.get(k).map(|c| c.template.id.as_str());
            id(a).cmp(&id(b))
        });
        let mut id_rank = vec![0; compiled.len()];
        for (rank, k) in by_id.into_iter().enumerate() {
            if let Some(r) = id_rank.get_mut(k) {
                // A pack of more than 4 billion templates would not load in the first place.
                *r = u32::try_from(rank).unwrap_or(u32::MAX);
            }
        }
        Ok(Replies {
            templates: compiled,
            by_intent,
            intent_slots,
            reminders,
            for_objections,
            for_traits,
            wrap_ups,
            id_rank,
            cue_words,
            warnings,
        })
    }

    /// Drops the replies' own search for the template cues (512 KiB for the built-in pack),
    /// for an engine whose lexicon walk marks them: the cues said are then always handed in.
    pub(crate) fn forget_cue_search(&mut self) {
        self.cue_words = None;
    }

    pub(crate) fn warnings(&self) -> &[(String, Finding)] {
        &self.warnings
    }

    /// One template, filled from the request's facts; `None` when there is no such template
    /// or one of its slots cannot be filled.
    pub(crate) fn render(
        &self,
        id: &str,
        analysis: &Analysis,
        request: &Request<'_>,
    ) -> Option<String> {
        let c = self.templates.iter().find(|c| c.template.id == id)?;
        let facts = Facts {
            analysis,
            product: request.product,
            catalog: request.catalog,
            shop: request.shop,
        };
        let text = &c.template.text;
        slots::fill(c.pieces.as_deref()?, text.len() + 48, |k, out| {
            facts.fill(k).map(|v| out.push_str(&v)).is_some()
        })
    }

    /// Which reminder a template is, when it is on the payment-reminder board.
    pub(crate) fn reminder_kind(&self, id: &str) -> Option<ReminderKind> {
        self.templates
            .iter()
            .find(|c| c.template.id == id)
            .and_then(|c| c.reminder)
    }

    /// Every template id, in pack order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|c| c.template.id.as_str())
    }
}
