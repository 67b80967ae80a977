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

pub mod size;
mod slots;

pub use slots::SLOTS;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::error::PackError;
use crate::facts::{Catalog, Product, ShopContext};
use crate::guard::{Finding, Linter};
use crate::intent::Intent;
use crate::lexicon::parse_intent;
use crate::normalize::{Script, to_traditional};
use crate::objection::ObjectionKind;
use crate::pack::{Board, Level, Stage, Template};
use crate::session::{ActionKind, Advice, Profile, ReminderKind, Session};
use crate::traits::TraitName;
use slots::{Facts, render, slots_in};

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

/// Why a reply ranked where it did: what moved its score, and by how much.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// `intent`, `facts`, `stage`, `risk` or `rotation`.
    pub kind: String,
    /// What it was about: the intent, the slots, the stage, the tag.
    pub detail: String,
    /// How much it added (negative: took away).
    pub weight: f32,
}

/// A ready-to-send reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reply {
    /// The template's id.
    pub template: String,
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

/// A compiled template.
#[derive(Debug)]
struct Compiled {
    template: Template,
    intents: Vec<Intent>,
    slots: Vec<String>,
    /// The cues, normalised like messages.
    cues: Vec<String>,
    traits: Vec<TraitName>,
    avoid: Vec<TraitName>,
    objections: Vec<ObjectionKind>,
    /// For a payment-reminder template: which reminder it is.
    reminder: Option<ReminderKind>,
}

/// The pack's templates, compiled and linted.
#[derive(Debug)]
pub(crate) struct Replies {
    templates: Vec<Compiled>,
    warnings: Vec<(String, Finding)>,
}

impl Replies {
    /// Checks and compiles the templates: ids unique, intents and slots known, and every text
    /// linted; an error-level finding refuses the pack.
    pub(crate) fn build(templates: &[Template], linter: &Linter) -> Result<Replies, PackError> {
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
            let slots: Vec<String> = slots_in(&t.text).into_iter().map(str::to_owned).collect();
            for slot in slots.iter().chain(&t.when_missing) {
                if !SLOTS.contains(&slot.as_str()) {
                    return Err(PackError::UnknownSlot {
                        slot: slot.clone(),
                        template: t.id.clone(),
                    });
                }
            }
            // Lint the text with each slot standing in as a neutral word.
            let sample = render(&t.text, &mut |_| Some("这款".to_owned())).unwrap_or_default();
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
            let cues = t
                .cues
                .iter()
                .map(|c| crate::normalize::normalize(c).into_string())
                .filter(|c| !c.is_empty())
                .collect();
            compiled.push(Compiled {
                template: t.clone(),
                intents,
                slots,
                cues,
                traits,
                avoid,
                objections,
                reminder,
            });
        }
        Ok(Replies {
            templates: compiled,
            warnings,
        })
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
        render(&c.template.text, &mut |slot| facts.fill(slot))
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

    pub(crate) fn suggest(
        &self,
        analysis: Analysis,
        advice: Advice,
        request: &Request<'_>,
        openers: &[String],
    ) -> Suggestions {
        let present: Vec<(Intent, f32)> = analysis
            .intents
            .iter()
            .filter(|s| s.present)
            .map(|s| (s.intent, s.score))
            .collect();
        let stage = request
            .stage
            .unwrap_or_else(|| infer_stage(&present, request.session));
        let facts = Facts {
            analysis: &analysis,
            product: request.product,
            catalog: request.catalog,
            shop: request.shop,
        };
        // Each slot is worked out once per request, not once per template that uses it.
        let values: Vec<Option<String>> = SLOTS.iter().map(|slot| facts.fill(slot)).collect();
        let value = |slot: &str| {
            SLOTS
                .iter()
                .position(|s| *s == slot)
                .and_then(|k| values.get(k))
                .cloned()
                .flatten()
        };
        let sent: &[String] = request.session.map_or(&[], |s| s.sent.as_slice());
        let tone = request.profile.and_then(|p| p.tone.as_deref());
        let wrap_up = advice.says(ActionKind::WrapUp);
        let mut candidates: Vec<(Option<Intent>, Reply)> = Vec::new();
        for c in &self.templates {
            let t = &c.template;
            let Some((intent, first)) = self.fit(c, &present, &analysis, &advice, wrap_up) else {
                continue;
            };
            if !t.categories.is_empty()
                && !request
                    .product
                    .is_some_and(|p| t.categories.contains(&p.category))
            {
                continue;
            }
            if t.when_missing.iter().any(|slot| value(slot).is_some()) {
                continue;
            }
            let Some(text) = render(&t.text, &mut |slot| value(slot)) else {
                continue;
            };
            let mut reasons = vec![first];
            if !c.slots.is_empty() {
                reasons.push(reason(
                    "facts",
                    c.slots.join(", "),
                    FACT_WEIGHT * c.slots.len() as f32,
                ));
            }
            if !c.cues.is_empty() {
                let said = &analysis.normalized;
                reasons.push(
                    match c.cues.iter().find(|cue| said.contains(cue.as_str())) {
                        Some(cue) => reason("cue", cue.clone(), CUE_WEIGHT),
                        None => {
                            reason("cue", "none of its cues in the message".to_owned(), -NO_CUE)
                        }
                    },
                );
            }
            if t.stage != Stage::Any {
                let matches = t.stage == stage;
                reasons.push(reason(
                    "stage",
                    format!("{:?} for {:?}", t.stage, stage),
                    if matches {
                        STAGE_WEIGHT
                    } else {
                        -STAGE_MISMATCH
                    },
                ));
            }
            if t.tags.iter().any(|tag| tag == "risk_free") {
                if let Some(worry) = risky(request) {
                    reasons.push(reason(
                        "risk",
                        format!("{worry} product, and the shop allows free returns"),
                        RISK_WEIGHT,
                    ));
                }
            }
            for (names, sign, how) in [(&c.traits, 1.0, "suits"), (&c.avoid, -1.0, "does not suit")]
            {
                for name in names {
                    if let Some(score) = analysis
                        .traits
                        .iter()
                        .find(|s| s.present && s.is(name))
                        .map(|s| s.score)
                    {
                        reasons.push(reason(
                            "trait",
                            format!("{how} a buyer who is {name} ({score:.2})"),
                            sign * TRAIT_WEIGHT * score,
                        ));
                    }
                }
            }
            if let Some(tone) = tone.filter(|tone| t.tags.iter().any(|tag| tag == tone)) {
                reasons.push(reason(
                    "tone",
                    format!("the {tone} tone used with this buyer before"),
                    TONE_WEIGHT,
                ));
            }
            if request.recently_sent.contains(&t.id) || sent.contains(&t.id) {
                reasons.push(reason(
                    "rotation",
                    "sent already in this conversation".to_owned(),
                    -ROTATION_PENALTY,
                ));
            }
            let score = reasons.iter().map(|r| r.weight).sum();
            candidates.push((
                intent,
                Reply {
                    template: t.id.clone(),
                    board: t.board,
                    text,
                    score,
                    reasons,
                },
            ));
        }
        candidates.sort_by(|a, b| {
            b.1.score
                .total_cmp(&a.1.score)
                .then_with(|| a.1.template.cmp(&b.1.template))
        });
        // The best reply for each present intent first (the best of them first), so two
        // questions get two answers; then the rest by score; and when the session calls for
        // wrapping up, the best wrap-up takes the last place.
        let mut replies: Vec<Reply> = Vec::new();
        for (intent, _) in &present {
            if let Some(k) = candidates.iter().position(|(i, _)| i == &Some(*intent)) {
                let (_, reply) = candidates.remove(k);
                replies.push(reply);
            }
        }
        replies.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.template.cmp(&b.template))
        });
        replies.truncate(request.limit);
        let wrap = if wrap_up {
            candidates
                .iter()
                .position(|(_, r)| r.board == Board::WrapUp)
                .map(|k| candidates.remove(k).1)
        } else {
            None
        };
        for (_, reply) in candidates {
            if replies.len() >= request.limit {
                break;
            }
            replies.push(reply);
        }
        if let Some(reply) = wrap.filter(|_| request.limit > 0) {
            if !replies.iter().any(|r| r.board == Board::WrapUp) {
                if replies.len() >= request.limit {
                    replies.pop();
                }
                replies.push(reply);
            }
        }
        let turn = request.session.map_or(0, |s| s.turns.len());
        let script = match analysis.script {
            Script::Unmarked => request.session.map_or(Script::Unmarked, |s| s.script),
            script => script,
        };
        for reply in &mut replies {
            if advice.late {
                apologise(reply, openers, turn);
            }
            if script == Script::Traditional {
                reply.text = to_traditional(&reply.text);
                reply.reasons.push(reason(
                    "script",
                    "the buyer writes traditional characters".to_owned(),
                    0.0,
                ));
            }
        }
        Suggestions {
            analysis,
            stage,
            advice,
            replies,
        }
    }

    /// Why a template is a candidate at all, and its first reason: a reminder that is due, an
    /// objection it answers, the wrap-up the advice calls for, or an intent of the message.
    fn fit(
        &self,
        c: &Compiled,
        present: &[(Intent, f32)],
        analysis: &Analysis,
        advice: &Advice,
        wrap_up: bool,
    ) -> Option<(Option<Intent>, Reason)> {
        let t = &c.template;
        if let Some(kind) = c.reminder {
            // Reminders go out on the schedule, never in answer to a message.
            return (advice.reminder_now == Some(kind)).then(|| {
                (
                    Some(Intent::Payment),
                    reason(
                        "reminder",
                        format!("the {kind} reminder is due"),
                        REMINDER_FIT,
                    ),
                )
            });
        }
        if !c.objections.is_empty() {
            let voiced = analysis
                .objections
                .iter()
                .find(|o| c.objections.contains(&o.kind))?;
            return Some((
                None,
                reason(
                    "objection",
                    format!("answers a {} objection", voiced.kind),
                    OBJECTION_FIT,
                ),
            ));
        }
        let shown = |name: &TraitName| analysis.traits.iter().any(|s| s.present && s.is(name));
        if !c.traits.is_empty() && !c.traits.iter().any(shown) {
            // Written for a kind of buyer (angry, impatient, …): not for anyone else.
            return None;
        }
        if c.intents.is_empty() && !c.traits.is_empty() {
            // A template for a buyer, not a question: offered when one of its traits shows.
            let shown = analysis
                .traits
                .iter()
                .filter(|s| s.present && c.traits.iter().any(|name| s.is(name)))
                .max_by(|a, b| a.score.total_cmp(&b.score))?;
            return Some((
                None,
                reason(
                    "trait",
                    format!("written for a buyer who is {}", shown.name),
                    TRAIT_FIT * shown.score,
                ),
            ));
        }
        let by_intent = c
            .intents
            .iter()
            .filter_map(|i| present.iter().find(|(p, _)| p == i).copied())
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(intent, fit)| {
                (
                    Some(intent),
                    reason("intent", intent.as_str().to_owned(), fit),
                )
            });
        if t.board == Board::WrapUp && wrap_up {
            let advised = reason(
                "advice",
                "the session calls for wrapping up".to_owned(),
                WRAP_UP_FIT,
            );
            return match by_intent {
                Some((i, r)) if r.weight > WRAP_UP_FIT => Some((i, r)),
                _ => Some((None, advised)),
            };
        }
        by_intent
    }
}

fn reason(kind: &str, detail: String, weight: f32) -> Reason {
    Reason {
        kind: kind.to_owned(),
        detail,
        weight,
    }
}

/// Opens a reply with an apology for the wait (S13), unless it already opens with one. The
/// turn count picks the opener, so the openers rotate.
fn apologise(reply: &mut Reply, openers: &[String], turn: usize) {
    const APOLOGY: [&str; 4] = ["抱歉", "不好意思", "久等", "对不起"];
    let opening: String = reply.text.chars().take(8).collect();
    if APOLOGY.iter().any(|a| opening.contains(a)) || openers.is_empty() {
        return;
    }
    let Some(opener) = openers.get(turn % openers.len()) else {
        return;
    };
    let body = reply.text.strip_prefix("亲，").unwrap_or(&reply.text);
    reply.text = format!("{opener}{body}");
    reply.reasons.push(reason(
        "wait",
        "the buyer waited: the reply opens with an apology".to_owned(),
        0.0,
    ));
}

/// The buyer's stage from the intents and the session: after-sales questions come after
/// delivery; payment and order changes, or an order placed in the session, come between
/// ordering and delivery; everything else is consulting.
fn infer_stage(present: &[(Intent, f32)], session: Option<&Session>) -> Stage {
    let has = |i: Intent| present.iter().any(|(p, _)| *p == i);
    if has(Intent::AfterSales) {
        Stage::AfterSale
    } else if has(Intent::Payment)
        || has(Intent::OrderChange)
        || session.is_some_and(|s| s.ordered_at.is_some())
    {
        Stage::InSale
    } else {
        Stage::PreSale
    }
}

/// What worries the buyer of this product most, when the shop can take the risk away.
fn risky(request: &Request<'_>) -> Option<&'static str> {
    if !request.shop.is_some_and(|s| s.free_returns) {
        return None;
    }
    let tags = &request.product?.tags;
    ["complex", "expensive", "customised"]
        .into_iter()
        .find(|t| tags.iter().any(|tag| tag == t))
}
