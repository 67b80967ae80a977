//! Ranking: which templates fit a request, their scores and reasons, their order, and the
//! final wording (the apology for a wait, the buyer's script).
//!
//! Only the templates indexed under the message's intents, and the few that answer a buyer
//! rather than a question (reminders, objections, trait wordings, wrap-ups), are looked at.
//! Each is scored without building any text; reasons and texts are written only for the
//! replies returned. Slot values are worked out on first use and kept for the request.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::cmp::Ordering;
use std::mem::ManuallyDrop;

use aho_corasick::Anchored;
use aho_corasick::automaton::Automaton;

use super::slots::{self, Facts, PRODUCT_SLOTS, Piece, SHOP_SLOTS};
use super::{
    CUE_WEIGHT, Compiled, EXTRA_RISK, EXTRA_TONE, EXTRA_TRAITS, NO_CUE, OBJECTION_FIT,
    REMINDER_FIT, RISK_WEIGHT, ROTATION_PENALTY, Reason, ReasonKind, Replies, Reply, Request,
    SLOTS, STAGE_MISMATCH, STAGE_WEIGHT, Suggestions, TONE_WEIGHT, TRAIT_FIT, TRAIT_WEIGHT,
    WRAP_UP_FIT,
};
use crate::analysis::Analysis;
use crate::bits::Bits;
use crate::intent::Intent;
use crate::label::Label;
use crate::normalize::{Script, joins_phrase, push_traditional, to_traditional};
use crate::objection::ObjectionKind;
use crate::pack::{Board, Stage};
use crate::session::{ActionKind, Advice, ReminderKind, Session};
use crate::traits::TraitName;

/// Adds up a template's score, and writes its reasons where `R` keeps them.
struct Tally<R> {
    score: f32,
    reasons: R,
}

/// Where a tally's reasons go: nowhere (`()`) while the candidates are scored, into the reply
/// for the few returned. Two types rather than a flag, so that scoring compiles to bare
/// additions, with none of the reasons' code in the way.
trait Reasons {
    fn note(&mut self, reason: impl FnOnce() -> Reason);
}

impl Reasons for () {
    #[inline(always)]
    fn note(&mut self, _: impl FnOnce() -> Reason) {}
}

impl Reasons for &mut Vec<Reason> {
    #[inline(always)]
    fn note(&mut self, reason: impl FnOnce() -> Reason) {
        self.push(reason());
    }
}

impl<R: Reasons> Tally<R> {
    #[inline(always)]
    fn add<D: Into<Label>>(&mut self, kind: ReasonKind, weight: f32, detail: impl FnOnce() -> D) {
        self.score += weight;
        self.reasons.note(|| Reason {
            kind,
            detail: detail().into(),
            weight,
        });
    }
}

/// Everything a request offers that scoring reads, worked out once.
struct Context<'a, 'v> {
    analysis: &'a Analysis,
    advice: &'a Advice,
    request: &'a Request<'a>,
    /// The intents the message holds, each once, with their scores.
    present: &'a [(Intent, f32)],
    /// The score of each present intent, by [`Intent::index`].
    score_of: [Option<f32>; Intent::ALL.len()],
    stage: Stage,
    sent: &'a [String],
    /// Whether anything was sent already, so that rotation has something to look up.
    rotating: bool,
    wrap_up: bool,
    facts: Facts<'a>,
    values: &'v Values<'a>,
    /// The slots (a bit each, by position in [`SLOTS`]) whether they can be filled is known
    /// of, and those of them that can be.
    known: Cell<u32>,
    fillable: Cell<u32>,
    /// The template cues (a bit each, by id) the message holds.
    said: &'a [u64],
    /// Whether any trait shows: most messages show none, and then no template's traits
    /// need looking up.
    any_shown: bool,
    /// The tone used with this buyer before, looked up once rather than for every template.
    tone: Option<&'a str>,
    /// What makes a `risk_free` template weigh more, looked up once.
    worry: Option<&'static str>,
    /// Which of the rarely-used score terms (the `EXTRA_*` bits) can count for this
    /// request: a template with none of them in [`Compiled::extras`] skips all three.
    extras: u8,
}

const _: () = assert!(SLOTS.len() <= 32, "a slot is a bit of a u32");

/// The slot values worked out so far, by position in [`SLOTS`], and a bit for each cell
/// written. A request writes a few of the cells, so dropping visits those alone rather than
/// every cell.
struct Values<'a> {
    cells: ManuallyDrop<[OnceCell<Option<Cow<'a, str>>>; SLOTS.len()]>,
    written: Cell<u32>,
}

impl Values<'_> {
    fn new() -> Self {
        Values {
            cells: ManuallyDrop::new(std::array::from_fn(|_| OnceCell::new())),
            written: Cell::new(0),
        }
    }
}

impl Drop for Values<'_> {
    fn drop(&mut self) {
        // A cell never written holds nothing to free, so leaving it undropped leaks nothing.
        let mut written = self.written.get();
        while written != 0 {
            let slot = written.trailing_zeros() as usize;
            written &= written - 1;
            if let Some(cell) = self.cells.get_mut(slot) {
                drop(cell.take());
            }
        }
    }
}

impl Context<'_, '_> {
    fn value(&self, slot: usize) -> Option<&str> {
        let cell = self.values.cells.get(slot)?;
        cell.get_or_init(|| {
            let written = &self.values.written;
            written.set(written.get() | 1 << slot);
            self.facts.value(slot)
        })
        .as_deref()
    }

    /// Of the slots in `slots` (bits, as [`Compiled::needs`]), those that can be filled. Each
    /// slot is looked at once a request, without writing its value when that is cheap to tell.
    #[inline]
    fn fillable(&self, slots: u32) -> u32 {
        if slots & !self.known.get() != 0 {
            self.learn(slots);
        }
        self.fillable.get() & slots
    }

    #[inline(never)]
    fn learn(&self, slots: u32) {
        let mut new = slots & !self.known.get();
        // Those read from the shop or the product alone are told in one go.
        let fixed = new & (SHOP_SLOTS | PRODUCT_SLOTS);
        let mut fillable = self.fillable.get();
        if fixed != 0 {
            fillable |= self.facts.fixed_fillable(fixed);
            new &= !fixed;
        }
        while new != 0 {
            let slot = new.trailing_zeros() as usize;
            let bit = new & new.wrapping_neg();
            new &= new - 1;
            let has = match self.values.cells.get(slot).and_then(OnceCell::get) {
                Some(value) => value.is_some(),
                None => self
                    .facts
                    .can_fill(slot)
                    .unwrap_or_else(|| self.value(slot).is_some()),
            };
            if has {
                fillable |= bit;
            }
        }
        self.known.set(self.known.get() | slots);
        self.fillable.set(fillable);
    }

    /// Whether the message holds the cue of this id.
    fn said(&self, id: usize) -> bool {
        self.said
            .get(id / 64)
            .is_some_and(|word| word & (1 << (id % 64)) != 0)
    }

    fn shown(&self, name: &TraitName) -> Option<f32> {
        if !self.any_shown {
            return None;
        }
        self.analysis
            .traits
            .iter()
            .find(|s| s.present && s.is(name))
            .map(|s| s.score)
    }
}

/// What weighing a template says: `None` when it does not fit, else the intent it answers
/// (none for a reminder, a wrap-up, …) and its score.
type Weighed = Option<(Option<Intent>, f32)>;

/// A template that fits the request, with what choosing among them reads.
#[derive(Clone, Copy)]
struct Candidate {
    /// The template, by its place in the pack.
    k: usize,
    /// Its score and its place in id order, for ties, as one number that is lower for the
    /// better candidate: comparing two is then one comparison.
    order: u64,
}

/// Per intent (by [`Intent::index`]), the best candidate answering it: kept while they are
/// scored, so choosing needs no search per intent.
type BestOf = [Option<Candidate>; Intent::ALL.len()];

/// The best candidates seen so far, at most `cap` of them, best first. Choosing reads only the
/// few best of all (and of the wrap-ups), so the rest is never kept: most candidates lose
/// to the last kept at once.
struct Shortlist {
    list: Vec<Candidate>,
    cap: usize,
    /// The key a candidate must beat to get in: the last kept once there are `cap`.
    bar: u64,
}

impl Shortlist {
    /// Room for `cap`, allocated for no more than the `most` candidates there can be.
    fn new(cap: usize, most: usize) -> Shortlist {
        Shortlist {
            list: Vec::with_capacity(cap.min(most)),
            cap,
            bar: if cap == 0 { 0 } else { u64::MAX },
        }
    }

    #[inline]
    fn offer(&mut self, c: Candidate) {
        if c.order >= self.bar {
            return;
        }
        if self.list.len() >= self.cap {
            self.list.pop();
        }
        // From the end: a candidate that gets in mostly gets in near the end.
        let at = self
            .list
            .iter()
            .rposition(|r| r.order < c.order)
            .map_or(0, |p| p + 1);
        self.list.insert(at, c);
        if self.list.len() >= self.cap {
            self.bar = self.list.last().map_or(0, |last| last.order);
        }
    }
}

impl Candidate {
    /// Best first: higher score (by [`f32::total_cmp`]), then id order. Template ids are
    /// unique, so the order is total, and unstable sorts and one-pass selections are exact.
    fn before(&self, other: &Candidate) -> Ordering {
        self.order.cmp(&other.order)
    }

    /// The key [`before`](Self::before) compares: the score's bits turned so that unsigned
    /// order is `total_cmp`'s, then inverted so that higher scores come first, above the
    /// rank.
    fn order(score: f32, rank: u32) -> u64 {
        let bits = score.to_bits();
        // As `total_cmp`: negative numbers have their other bits flipped, so that they order
        // backwards; the sign bit flipped puts them all below the positive ones.
        let total = if bits >> 31 == 1 {
            !bits
        } else {
            bits | 1 << 31
        };
        (u64::from(!total) << 32) | u64::from(rank)
    }
}

/// Why a template is a candidate at all.
enum Fit {
    Reminder,
    Objection(ObjectionKind),
    Trait(crate::traits::Trait, f32),
    Intent(Intent, f32),
    WrapUp,
}

impl Replies {
    /// The suggestions for `analysis`. `said` is the set of cues the message holds, by cue id,
    /// when the lexicon's walk marked them (see [`cue_list`](super::cue_list)); without it
    /// the message is searched for them here.
    // Kept out of line: it runs once a message, and a profile then shows it apart from the
    // analysis.
    #[inline(never)]
    pub(crate) fn suggest(
        &self,
        analysis: Analysis,
        advice: Advice,
        request: &Request<'_>,
        openers: &[String],
        said: Option<&[u64]>,
    ) -> Suggestions {
        let (stage, replies) = self.answer(&analysis, &advice, request, openers, said);
        Suggestions {
            analysis,
            stage,
            advice,
            replies,
        }
    }

    /// The stage and the replies. A function of its own so that the request's context is
    /// dropped where it lies, rather than moved out of the way of the analysis it borrows.
    fn answer(
        &self,
        analysis: &Analysis,
        advice: &Advice,
        request: &Request<'_>,
        openers: &[String],
        said: Option<&[u64]>,
    ) -> (Stage, Vec<Reply>) {
        // The present intents, each once (its first listing counts), in the order listed: on
        // the stack, as there are at most as many as intents.
        let mut present = [(Intent::Size, 0.0f32); Intent::ALL.len()];
        let mut n = 0;
        let mut score_of = [None; Intent::ALL.len()];
        for s in analysis.intents.iter().filter(|s| s.present) {
            if let Some(slot @ None) = score_of.get_mut(s.intent.index()) {
                *slot = Some(s.score);
                if let Some(place) = present.get_mut(n) {
                    *place = (s.intent, s.score);
                    n += 1;
                }
            }
        }
        let present = present.get(..n).unwrap_or_default();
        let stage = request
            .stage
            .unwrap_or_else(|| infer_stage(present, request.session));
        let sent = request.session.map_or(&[][..], |s| s.sent.as_slice());
        // Beside the context rather than in it, so that the context is small to set up.
        let searched;
        // After what the values may borrow, so that they are dropped first.
        let values = Values::new();
        let said = match said {
            Some(said) => said,
            None => {
                searched = self.cues_said(&analysis.normalized);
                searched.words()
            }
        };
        let any_shown = analysis.traits.iter().any(|t| t.present);
        let tone = request.profile.and_then(|p| p.tone.as_deref());
        let worry = risky(request);
        let extras = if worry.is_some() { EXTRA_RISK } else { 0 }
            | if any_shown { EXTRA_TRAITS } else { 0 }
            | if tone.is_some() { EXTRA_TONE } else { 0 };
        let ctx = Context {
            analysis,
            advice,
            request,
            stage,
            sent,
            rotating: !sent.is_empty() || !request.recently_sent.is_empty(),
            score_of,
            wrap_up: advice.says(ActionKind::WrapUp),
            facts: Facts {
                analysis,
                product: request.product,
                catalog: request.catalog,
                shop: request.shop,
            },
            values: &values,
            known: Cell::new(0),
            fillable: Cell::new(0),
            said,
            any_shown,
            tone,
            worry,
            extras,
            present,
        };

        // The templates worth a look, each once, in pack order: a bit per template.
        let mut look = Bits::new(self.templates.len().div_ceil(64));
        let mut mark = |set: &[u64]| {
            for (word, bits) in look.words_mut().iter_mut().zip(set) {
                *word |= bits;
            }
        };
        if advice.reminder_now.is_some() {
            mark(&self.reminders);
        }
        if !analysis.objections.is_empty() {
            mark(&self.for_objections);
        }
        if ctx.any_shown {
            mark(&self.for_traits);
        }
        if ctx.wrap_up {
            mark(&self.wrap_ups);
        }
        let mut slots = 0;
        for (intent, _) in ctx.present {
            if let Some(set) = self.by_intent.get(intent.index()) {
                mark(set);
            }
            slots |= self.intent_slots.get(intent.index()).copied().unwrap_or(0);
        }
        // The slots the plain templates of the present intents look up, learned in one go
        // rather than a few at a time: each of those templates gets to the facts anyway.
        if slots != 0 {
            ctx.learn(slots);
        }

        // What choosing can return: the best for each present intent, the wrap-up, and the
        // best of the rest; all are among the best `limit` of all and the wrap-up, and the
        // wrap-up among the best `present + 1` wrap-ups (see `choose`).
        let present = ctx.present.len();
        let most = self.templates.len();
        let mut top = Shortlist::new(request.limit.saturating_add(usize::from(ctx.wrap_up)), most);
        let mut wraps = Shortlist::new(if ctx.wrap_up { present + 1 } else { 0 }, most);
        let mut best_of: BestOf = [None; Intent::ALL.len()];
        // The last group weighed (none is `usize::MAX`) and what it weighed.
        let mut last_group = usize::MAX;
        let mut last: Weighed = None;
        for (w, &word) in look.words().iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let k = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let Some(c) = self.templates.get(k) else {
                    continue;
                };
                // Variants of one reply sit next to each other in a pack and score alike, so
                // the last group's score is kept.
                if c.group != last_group {
                    let mut tally = Tally {
                        score: 0.0,
                        reasons: (),
                    };
                    last = self
                        .weigh_shared(c, &ctx, &mut tally)
                        .map(|intent| (intent, tally.score));
                    last_group = c.group;
                }
                if let Some((intent, score)) = last {
                    let mut tally = Tally { score, reasons: () };
                    rotation(c, &ctx, &mut tally);
                    let rank = self.id_rank.get(k).copied().unwrap_or(u32::MAX);
                    let candidate = Candidate {
                        k,
                        order: Candidate::order(tally.score, rank),
                    };
                    if let Some(best) = intent.and_then(|i| best_of.get_mut(i.index())) {
                        if best.is_none_or(|b| candidate.before(&b).is_lt()) {
                            *best = Some(candidate);
                        }
                    }
                    top.offer(candidate);
                    if ctx.wrap_up && c.template.board == Board::WrapUp {
                        wraps.offer(candidate);
                    }
                }
            }
        }
        let chosen = self.choose(top.list, &wraps.list, &best_of, &ctx);

        let turn = request.session.map_or(0, |s| s.turns.len());
        let script = match analysis.script {
            Script::Unmarked => request.session.map_or(Script::Unmarked, |s| s.script),
            script => script,
        };
        let traditional = script == Script::Traditional;
        let mut replies = Vec::with_capacity(chosen.len());
        for Candidate { k, .. } in chosen {
            let Some(c) = self.templates.get(k) else {
                continue;
            };
            let mut reasons = Vec::with_capacity(8);
            let Some((_, score)) = self.weigh(c, &ctx, &mut reasons) else {
                continue;
            };
            // An apology is chosen by, and put in front of, the simplified text, so a late reply
            // is converted whole, after it.
            let text = if traditional && !advice.late {
                fill_traditional(c, &ctx)
            } else {
                fill(c, &ctx)
            };
            let Some(text) = text else {
                continue;
            };
            let mut reply = Reply {
                template: c.id.clone(),
                board: c.template.board,
                text,
                score,
                reasons,
            };
            if advice.late {
                apologise(&mut reply, openers, turn);
            }
            if traditional {
                if advice.late {
                    reply.text = to_traditional(&reply.text);
                }
                reply.reasons.push(Reason {
                    kind: ReasonKind::Script,
                    detail: Label::from_static("the buyer writes traditional characters"),
                    weight: 0.0,
                });
            }
            replies.push(reply);
        }
        (stage, replies)
    }

    /// Which template cues the normalised message holds, by cue id. Out of line: inlined
    /// into [`answer`](Self::answer), its walk cost the scoring loop there more than the call.
    #[inline(never)]
    fn cues_said(&self, normalized: &str) -> Bits {
        let Some(words) = &self.cue_words else {
            return Bits::new(0);
        };
        let mut said = Bits::new(words.patterns_len().div_ceil(64));
        let Ok(mut state) = words.start_state(Anchored::No) else {
            return said;
        };
        // Every state of the DFA knows all the cues that end where it is reached, so one
        // walk over the bytes finds every cue, overlapping ones too.
        for &byte in normalized.as_bytes() {
            state = words.next_state(Anchored::No, state, byte);
            if words.is_special(state) && words.is_match(state) {
                for k in 0..words.match_len(state) {
                    let id = words.match_pattern(state, k).as_usize();
                    if let Some(s) = said.words_mut().get_mut(id / 64) {
                        *s |= 1 << (id % 64);
                    }
                }
            }
        }
        said
    }

    /// The replies to return, from the best candidates (`top`, best first) and the best
    /// wrap-ups (`wraps`): the best reply for each present intent first (the best of them
    /// first), so two questions get two answers; then the rest by score; and when the
    /// session calls for wrapping up, the best wrap-up takes the last place.
    ///
    /// The best for each intent (`taken`, at most `present` of them) are taken even when
    /// there is no room for them all, and the wrap-up is the best one not taken; the rest are
    /// the best `room` of what is left, where `room` is what the taken leave of `limit`, none
    /// when they fill it. So the rest are among the best `room + taken + 1` of all, at most
    /// `limit + 1` (the 1 for the wrap-up), and the wrap-up among the best `present + 1`
    /// wrap-ups: those are all that need keeping.
    fn choose(
        &self,
        mut top: Vec<Candidate>,
        wraps: &[Candidate],
        best_of: &BestOf,
        ctx: &Context<'_, '_>,
    ) -> Vec<Candidate> {
        let limit = ctx.request.limit;
        // The best for each present intent, each template once: the first `n` of `taken`.
        let mut taken = [Candidate {
            k: usize::MAX,
            order: u64::MAX,
        }; Intent::ALL.len()];
        let mut n = 0;
        for (intent, _) in ctx.present {
            let Some(c) = best_of.get(intent.index()).copied().flatten() else {
                continue;
            };
            let seen = taken.get(..n).unwrap_or_default();
            if seen.iter().all(|t| t.k != c.k) {
                if let Some(slot) = taken.get_mut(n) {
                    *slot = c;
                    n += 1;
                }
            }
        }
        let taken = taken.get_mut(..n).unwrap_or_default();
        let is_taken = |taken: &[Candidate], c: &Candidate| taken.iter().any(|t| t.k == c.k);
        let wrap = if ctx.wrap_up {
            wraps.iter().find(|c| !is_taken(taken, c)).copied()
        } else {
            None
        };
        let is_wrap = |k: usize| {
            self.templates
                .get(k)
                .is_some_and(|c| c.template.board == Board::WrapUp)
        };
        // The rest: the best of those neither taken nor the wrap-up, behind the picked ones.
        taken.sort_unstable_by(Candidate::before);
        let picked = taken.len().min(limit);
        let room = limit - picked;
        top.retain(|c| !is_taken(taken, c) && wrap.is_none_or(|w| w.k != c.k));
        top.truncate(room);
        let mut out = top;
        // Inserted one by one: there are as few as the intents, mostly one, and the room they
        // take was left free by the truncation.
        for (at, &c) in taken.iter().take(picked).enumerate() {
            out.insert(at, c);
        }
        if let Some(wrap) = wrap.filter(|_| limit > 0) {
            if !out.iter().any(|c| is_wrap(c.k)) {
                if out.len() >= limit {
                    out.pop();
                }
                out.push(wrap);
            }
        }
        out
    }

    /// Whether `c` is a candidate, and its score, with the reasons written to `reasons`.
    /// `None` when it does not fit, its product category or missing facts rule it out, or a
    /// slot cannot be filled.
    fn weigh(&self, c: &Compiled, ctx: &Context<'_, '_>, reasons: &mut Vec<Reason>) -> Weighed {
        let mut tally = Tally {
            score: 0.0,
            reasons,
        };
        let intent = self.weigh_shared(c, ctx, &mut tally)?;
        rotation(c, ctx, &mut tally);
        Some((intent, tally.score))
    }

    /// What [`weigh`](Self::weigh) says of every template of `c`'s group: all of it but the
    /// rotation. `None` when the template does not fit; else the intent it answers.
    fn weigh_shared<R: Reasons>(
        &self,
        c: &Compiled,
        ctx: &Context<'_, '_>,
        tally: &mut Tally<R>,
    ) -> Option<Option<Intent>> {
        let t = &c.template;
        let intent = if c.plain {
            // The common template, which fits by its intents alone: no reason to go through
            // what else could let it fit.
            let (intent, score) = best_intent(c, ctx)?;
            if !fits_facts(c, ctx) {
                return None;
            }
            tally.add(ReasonKind::Intent, score, || intent.as_str());
            Some(intent)
        } else {
            self.weigh_fit(c, ctx, tally)?
        };
        if !c.slot_ids.is_empty() {
            tally.add(ReasonKind::Facts, c.facts_weight, || c.slots_listed.clone());
        }
        if !c.cues.is_empty() {
            let said_in =
                |&(word, bits): &(usize, u64)| ctx.said.get(word).is_some_and(|w| w & bits != 0);
            // Most templates' cues sit in one word of the set.
            let said = said_in(&c.cue_first)
                || c.cue_bits.len() > 1 && c.cue_bits.iter().skip(1).any(said_in);
            if said {
                // The first of its cues in the message, looked for only to explain a reply.
                tally.add(ReasonKind::Cue, CUE_WEIGHT, || {
                    c.cue_ids
                        .iter()
                        .position(|&id| ctx.said(id))
                        .and_then(|k| c.cues.get(k))
                        .cloned()
                        .unwrap_or_default()
                });
            } else {
                tally.add(
                    ReasonKind::Cue,
                    -NO_CUE,
                    || "none of its cues in the message",
                );
            }
        }
        if t.stage != Stage::Any {
            let stage = ctx.stage;
            let weight = if t.stage == stage {
                STAGE_WEIGHT
            } else {
                -STAGE_MISMATCH
            };
            tally.add(ReasonKind::Stage, weight, || stage_reason(t.stage, stage));
        }
        // Most templates and requests have none of these terms: one test skips them all.
        if c.extras & ctx.extras != 0 {
            if c.risk_free {
                if let Some(worry) = ctx.worry {
                    tally.add(ReasonKind::Risk, RISK_WEIGHT, || {
                        [worry, " product, and the shop allows free returns"].concat()
                    });
                }
            }
            // Most messages show no trait: then no template's traits need a look.
            if ctx.any_shown {
                let lists = [(&c.traits, 1.0, "suits"), (&c.avoid, -1.0, "does not suit")];
                for (names, sign, how) in lists {
                    for name in names {
                        if let Some(score) = ctx.shown(name) {
                            tally.add(ReasonKind::Trait, sign * TRAIT_WEIGHT * score, || {
                                let len = how.len()
                                    + " a buyer who is ".len()
                                    + name.name.as_str().len()
                                    + name.value.map_or(0, |v| 1 + v.as_str().len())
                                    + " ()".len()
                                    + hundredths_len(score);
                                let mut out = String::with_capacity(len);
                                out.push_str(how);
                                out.push_str(" a buyer who is ");
                                push_trait(&mut out, *name);
                                out.push_str(" (");
                                push_hundredths(&mut out, score);
                                out.push(')');
                                out
                            });
                        }
                    }
                }
            }
            if let Some(tone) = ctx.tone.filter(|tone| t.tags.iter().any(|tag| tag == tone)) {
                tally.add(ReasonKind::Tone, TONE_WEIGHT, || {
                    ["the ", tone, " tone used with this buyer before"].concat()
                });
            }
        }
        Some(intent)
    }

    /// [`weigh_shared`](Self::weigh_shared)'s fit for a template that is not
    /// [`plain`](Compiled::plain): its categories, why it fits and the facts it needs, with
    /// the reason it fits. `None` when it does not; else the intent it answers.
    #[inline(always)]
    fn weigh_fit<R: Reasons>(
        &self,
        c: &Compiled,
        ctx: &Context<'_, '_>,
        tally: &mut Tally<R>,
    ) -> Option<Option<Intent>> {
        let t = &c.template;
        // The cheapest refusal first.
        if !t.categories.is_empty()
            && !ctx
                .request
                .product
                .is_some_and(|p| t.categories.contains(&p.category))
        {
            return None;
        }
        let fit = self.fit(c, ctx)?;
        if !fits_facts(c, ctx) {
            return None;
        }
        Some(match fit {
            Fit::Reminder => {
                let kind = c.reminder;
                tally.add(ReasonKind::Reminder, REMINDER_FIT, || reminder_reason(kind));
                Some(Intent::Payment)
            }
            Fit::Objection(kind) => {
                tally.add(ReasonKind::Objection, OBJECTION_FIT, || {
                    objection_reason(kind)
                });
                None
            }
            Fit::Trait(name, score) => {
                tally.add(ReasonKind::Trait, TRAIT_FIT * score, || {
                    ["written for a buyer who is ", name.as_str()].concat()
                });
                None
            }
            Fit::Intent(intent, score) => {
                tally.add(ReasonKind::Intent, score, || intent.as_str());
                Some(intent)
            }
            Fit::WrapUp => {
                tally.add(
                    ReasonKind::Advice,
                    WRAP_UP_FIT,
                    || "the session calls for wrapping up",
                );
                None
            }
        })
    }

    /// Why a template is a candidate at all: a reminder that is due, an objection it answers,
    /// a trait it is written for, an intent of the message, or the wrap-up the advice calls
    /// for. Inlined: it runs for every template looked at, and its answer is mostly
    /// matched on at once.
    #[inline(always)]
    fn fit(&self, c: &Compiled, ctx: &Context<'_, '_>) -> Option<Fit> {
        if let Some(kind) = c.reminder {
            // Reminders go out on the schedule, never in answer to a message.
            return (ctx.advice.reminder_now == Some(kind)).then_some(Fit::Reminder);
        }
        if !c.objections.is_empty() {
            let voiced = ctx
                .analysis
                .objections
                .iter()
                .find(|o| c.objections.contains(&o.kind))?;
            return Some(Fit::Objection(voiced.kind));
        }
        if !c.traits.is_empty() && !c.traits.iter().any(|name| ctx.shown(name).is_some()) {
            // Written for a kind of buyer (angry, impatient, …): not for anyone else.
            return None;
        }
        if c.intents.is_empty() && !c.traits.is_empty() {
            // A template for a buyer, not a question: offered when one of its traits shows.
            let shown = ctx
                .analysis
                .traits
                .iter()
                .filter(|s| s.present && c.traits.iter().any(|name| s.is(name)))
                .max_by(|a, b| a.score.total_cmp(&b.score))?;
            return Some(Fit::Trait(shown.name, shown.score));
        }
        let by_intent = best_intent(c, ctx);
        if c.template.board == Board::WrapUp && ctx.wrap_up {
            return match by_intent {
                Some((i, score)) if score > WRAP_UP_FIT => Some(Fit::Intent(i, score)),
                _ => Some(Fit::WrapUp),
            };
        }
        by_intent.map(|(i, score)| Fit::Intent(i, score))
    }
}

/// The best present intent `c` answers, with its score; the last of equals, as `max_by`
/// keeps.
#[inline(always)]
fn best_intent(c: &Compiled, ctx: &Context<'_, '_>) -> Option<(Intent, f32)> {
    if let Some(i) = c.only_intent {
        // Most templates answer one intent: no comparing.
        return ctx
            .score_of
            .get(i.index())
            .copied()
            .flatten()
            .map(|s| (i, s));
    }
    let mut best: Option<(Intent, f32)> = None;
    for &i in &c.intents {
        if let Some(&Some(score)) = ctx.score_of.get(i.index()) {
            if best.is_none_or(|(_, b)| score.total_cmp(&b).is_ge()) {
                best = Some((i, score));
            }
        }
    }
    best
}

/// Whether the facts let `c` be sent: no slot of its `when_missing` can be filled (it is
/// for when they are missing), and every slot of its text can.
#[inline(always)]
fn fits_facts(c: &Compiled, ctx: &Context<'_, '_>) -> bool {
    // Both at once: learning the text's slots when a `when_missing` one rules the template
    // out already costs less than a second look at what is known.
    u64::from(ctx.fillable(c.facts_mask)) == c.facts_want
}

/// Appends a trait's name as its `Display` writes it (`angry`, `gender=male`), without the
/// formatting machinery: trait reasons are written for most replies to a buyer who shows one.
fn push_trait(out: &mut String, name: TraitName) {
    out.push_str(name.name.as_str());
    if let Some(value) = name.value {
        out.push('=');
        out.push_str(value.as_str());
    }
}

/// Appends `x` as `format!("{x:.2}")` writes it, by hand for the scores of reasons (in
/// `0..1`, so the formatter is left only what is out of the common range).
fn push_hundredths(out: &mut String, x: f32) {
    use std::fmt::Write as _;
    let Some(cents) = hundredths(x) else {
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{x:.2}");
        return;
    };
    crate::extract::push_digits(out, cents / 100);
    out.push('.');
    let frac = cents % 100;
    crate::extract::push_digits(out, frac / 10);
    crate::extract::push_digits(out, frac % 10);
}

/// `x` in hundredths, rounded as the formatter rounds them; `None` outside the common range
/// (negative, or from 1e7 up), left to the formatter.
fn hundredths(x: f32) -> Option<u64> {
    if !(0.0..1e7).contains(&x) || x.is_sign_negative() {
        return None;
    }
    // Exact: an f32 times 100 needs at most 29 bits of an f64's 53, and the fraction left
    // after truncation is exact too.
    let hundredths = f64::from(x) * 100.0;
    // In range: below 1e9, so the truncation is exact.
    let whole = hundredths as u64;
    let frac = hundredths - whole as f64;
    // The formatter rounds the exact value, a tie to even.
    Some(if frac > 0.5 || (frac == 0.5 && whole % 2 == 1) {
        whole + 1
    } else {
        whole
    })
}

/// How many bytes [`push_hundredths`] writes for `x` (a guess outside the common range), so
/// that a reason can be written into a text of its exact size: a label takes it without
/// shrinking it.
fn hundredths_len(x: f32) -> usize {
    hundredths(x).map_or(16, |cents| {
        (cents / 100).checked_ilog10().map_or(1, |d| d as usize + 1) + 3
    })
}

/// The penalty for a template sent already in this conversation, so the replies rotate.
#[inline]
fn rotation<R: Reasons>(c: &Compiled, ctx: &Context<'_, '_>, tally: &mut Tally<R>) {
    if !ctx.rotating {
        return;
    }
    let id = &c.template.id;
    if ctx.request.recently_sent.contains(id) || ctx.sent.contains(id) {
        tally.add(
            ReasonKind::Rotation,
            -ROTATION_PENALTY,
            || "sent already in this conversation",
        );
    }
}

/// The length of a template's text with its slots filled, or `None` when one cannot be. The
/// values are kept for the request, so sizing the text first costs little and spares growing
/// it while it is written.
fn filled_len(pieces: &[Piece], ctx: &Context<'_, '_>) -> Option<usize> {
    let mut len = 0;
    for piece in pieces {
        len += match piece {
            Piece::Text(words) => words.len(),
            Piece::Slot(k) => ctx.value(*k)?.len(),
        };
    }
    Some(len)
}

/// The template's text with its slots filled, or `None` when one cannot be.
fn fill(c: &Compiled, ctx: &Context<'_, '_>) -> Option<String> {
    let pieces = c.pieces.as_deref()?;
    let len = filled_len(pieces, ctx)?;
    slots::fill(pieces, len, |k, out| {
        ctx.value(k).map(|v| out.push_str(v)).is_some()
    })
}

/// [`fill`] in traditional characters: the template's text converted when the pack was
/// compiled, the slot values now. Converting piece by piece gives what converting the whole
/// text gives unless a phrase spans a seam between pieces; then the whole text is converted.
fn fill_traditional(c: &Compiled, ctx: &Context<'_, '_>) -> Option<String> {
    let pieces = c.pieces.as_deref()?;
    let mut out = String::with_capacity(filled_len(pieces, ctx)?);
    let mut last = None;
    for (piece, converted) in pieces.iter().zip(&c.traditional) {
        let simplified = match piece {
            Piece::Text(words) => words,
            Piece::Slot(k) => ctx.value(*k)?,
        };
        if let (Some(first), Some(second)) = (last, simplified.chars().next())
            && joins_phrase(first, second)
        {
            return fill(c, ctx).map(|text| to_traditional(&text));
        }
        match piece {
            Piece::Text(_) => out.push_str(converted),
            Piece::Slot(_) => push_traditional(simplified, &mut out),
        }
        last = simplified.chars().next_back().or(last);
    }
    Some(out)
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
    reply.text = [opener.as_str(), body].concat();
    reply.reasons.push(Reason {
        kind: ReasonKind::Wait,
        detail: Label::from_static("the buyer waited: the reply opens with an apology"),
        weight: 0.0,
    });
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

/// `the {kind} reminder is due`, as a fixed text, so that the reason costs no allocation.
fn reminder_reason(kind: Option<ReminderKind>) -> &'static str {
    match kind {
        Some(ReminderKind::Nudge) => "the nudge reminder is due",
        Some(ReminderKind::Pay) => "the pay reminder is due",
        Some(ReminderKind::Last) => "the last reminder is due",
        None => "the  reminder is due",
    }
}

/// `answers a {kind} objection`, as a fixed text, so that the reason costs no allocation.
fn objection_reason(kind: ObjectionKind) -> &'static str {
    match kind {
        ObjectionKind::Need => "answers a need objection",
        ObjectionKind::Product => "answers a product objection",
        ObjectionKind::Price => "answers a price objection",
        ObjectionKind::Budget => "answers a budget objection",
        ObjectionKind::MissingInfo => "answers a missing_info objection",
    }
}

/// `written for {written}, the buyer is at {at}`, as a fixed text: the stages are few, and a
/// reason that borrows its detail costs no allocation.
fn stage_reason(written: Stage, at: Stage) -> &'static str {
    macro_rules! table {
        ($($w:ident $ws:literal),* ; $($a:ident $as:literal),*) => {
            table!(@rows [$($w $ws),*] [$($a $as),*])
        };
        (@rows [$($w:ident $ws:literal),*] $at:tt) => {
            match written {
                $(Stage::$w => table!(@cols $ws $at),)*
            }
        };
        (@cols $ws:literal [$($a:ident $as:literal),*]) => {
            match at {
                $(Stage::$a => concat!("written for ", $ws, ", the buyer is at ", $as),)*
            }
        };
    }
    table!(
        PreSale "pre_sale", InSale "in_sale", AfterSale "after_sale", Any "any";
        PreSale "pre_sale", InSale "in_sale", AfterSale "after_sale", Any "any"
    )
}

#[cfg(test)]
mod tests {
    use super::{
        ObjectionKind, ReminderKind, Stage, hundredths, hundredths_len, objection_reason,
        push_hundredths, reminder_reason, stage_reason,
    };

    /// The hand-written hundredths are the formatter's, ties (to even) included.
    #[test]
    fn hundredths_as_the_formatter_writes_them() {
        let mut values = vec![
            0.0f32,
            -0.0,
            0.005,
            0.015,
            0.025,
            0.125,
            0.375,
            0.625,
            0.875,
            1.125,
            2.625,
            0.5,
            0.995,
            0.9949999,
            0.99500006,
            1.0,
            -0.001,
            -0.5,
            1e7,
            9_999_999.0,
            1e30,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            f32::MAX,
        ];
        values.extend((0..200_000).map(|k| k as f32 * 0.000_013_7));
        values.extend((0..2_000).map(|k| k as f32 * 0.125));
        values.extend((0..20_000).map(|k| f32::from_bits(0x3c00_0000 + k * 997)));
        for x in values {
            let mut out = String::new();
            push_hundredths(&mut out, x);
            assert_eq!(out, format!("{x:.2}"), "{x:?}");
            if hundredths(x).is_some() {
                assert_eq!(hundredths_len(x), out.len(), "{x:?}");
            }
        }
    }

    #[test]
    fn fixed_reasons_name_their_kinds() {
        for kind in ReminderKind::ALL {
            let expected = ["the ", kind.as_str(), " reminder is due"].concat();
            assert_eq!(reminder_reason(Some(kind)), expected);
        }
        for kind in ObjectionKind::ALL {
            let expected = ["answers a ", kind.as_str(), " objection"].concat();
            assert_eq!(objection_reason(kind), expected);
        }
    }

    #[test]
    fn stage_reasons_name_the_stages() {
        let all = [Stage::PreSale, Stage::InSale, Stage::AfterSale, Stage::Any];
        for written in all {
            for at in all {
                let expected = format!(
                    "written for {}, the buyer is at {}",
                    written.as_str(),
                    at.as_str()
                );
                assert_eq!(stage_reason(written, at), expected);
            }
        }
    }

    mod cues {
        use proptest::prelude::*;

        use crate::Engine;
        use crate::guard::Linter;
        use crate::pack::Pack;
        use crate::reply::{ReasonKind, Replies};

        fn builtin() -> Replies {
            let pack = Pack::builtin().unwrap();
            let cues = crate::reply::cue_list(&pack.templates);
            Replies::build(
                &pack.templates,
                &Linter::build(&pack.courtesy).unwrap(),
                &cues,
            )
            .unwrap()
        }

        /// The cues by id, as the templates were compiled.
        fn cues(replies: &Replies) -> Vec<String> {
            let mut cues: Vec<String> = Vec::new();
            for c in &replies.templates {
                for (&id, cue) in c.cue_ids.iter().zip(&c.cues) {
                    if cues.len() <= id {
                        cues.resize(id + 1, String::new());
                    }
                    cues[id] = cue.to_string();
                }
            }
            assert!(cues.iter().all(|c| !c.is_empty()));
            cues
        }

        /// Every cue in the normalised text sets its bit, overlapping ones too, and no other.
        fn check(replies: &Replies, cues: &[String], text: &str) {
            let normalized = crate::normalize::normalize(text).into_string();
            let said = replies.cues_said(&normalized);
            let said = said.words();
            for (id, cue) in cues.iter().enumerate() {
                let found = said[id / 64] >> (id % 64) & 1 == 1;
                assert_eq!(found, normalized.contains(cue.as_str()), "{cue} in {text}");
            }
        }

        #[test]
        fn every_cue_in_a_message_is_said() {
            let replies = builtin();
            let cues = cues(&replies);
            assert!(cues.len() > 20);
            let snapshot = include_str!("../../tests/data/snapshot.tsv");
            for line in snapshot.lines() {
                check(&replies, &cues, line.split('\t').next().unwrap_or_default());
            }
            // Cues overlapping and side by side.
            check(&replies, &cues, &cues.concat());
            check(&replies, &cues, &cues.join("x"));
            check(&replies, &cues, "");
        }

        /// The lexicon's walk marks just the cues the replies' own search finds.
        fn check_walk(engine: &Engine, replies: &Replies, text: &str) {
            let normalized = crate::normalize::normalize(text).into_string();
            let searched = replies.cues_said(&normalized);
            let walked = engine.cues_walked(text);
            assert_eq!(walked.as_deref(), Some(searched.words()), "{text}");
        }

        #[test]
        fn the_walk_marks_the_cues_the_search_finds() {
            let engine = Engine::builtin();
            // The engine's replies drop their own search when the walk marks the cues.
            assert!(engine.replies().cue_words.is_none());
            let replies = builtin();
            let cues = cues(&replies);
            let snapshot = include_str!("../../tests/data/snapshot.tsv");
            for line in snapshot.lines() {
                check_walk(
                    &engine,
                    &replies,
                    line.split('\t').next().unwrap_or_default(),
                );
            }
            check_walk(&engine, &replies, &cues.concat());
            check_walk(&engine, &replies, &cues.join("x"));
            check_walk(&engine, &replies, "");
        }

        #[test]
        fn an_engine_whose_walk_cannot_hold_the_cues_searches_for_them() {
            let mut pack = Pack::builtin().unwrap();
            // A cue of each printable ASCII character: more kinds of byte than the walk's
            // table has columns for.
            let template = pack.templates.iter_mut().find(|t| !t.cues.is_empty());
            let template = template.unwrap();
            let extra = (0x21u8..0x7F).map(|b| char::from(b).to_string());
            template.cues.extend(extra);
            let engine = Engine::from_pack(&pack).unwrap();
            assert!(engine.cues_walked("").is_none());
            assert!(engine.lexicon().marks_anchors());
            let cues = cues(engine.replies());
            let mut named = 0;
            let snapshot = include_str!("../../tests/data/snapshot.tsv");
            for line in snapshot.lines() {
                let text = line.split('\t').next().unwrap_or_default();
                check(engine.replies(), &cues, text);
                let normalized = crate::normalize::normalize(text).into_string();
                let suggestions = engine.suggest(&crate::reply::Request::new(text));
                for reason in suggestions.replies.iter().flat_map(|r| &r.reasons) {
                    if reason.kind == ReasonKind::Cue && reason.weight > 0.0 {
                        assert!(normalized.contains(reason.detail.as_str()), "{text}");
                        named += 1;
                    }
                }
            }
            assert!(named > 0);
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn any_text_of_cues_words_and_characters(
                picks in prop::collection::vec(
                    (any::<usize>(), any::<bool>(), "[a-z0-9 多少钱便宜吗?，发货了]{0,3}"),
                    0..12,
                )
            ) {
                let engine = Engine::builtin();
                let replies = builtin();
                let cues = cues(&replies);
                let words = engine.lexicon().patterns();
                let mut text = String::new();
                for (k, word, filler) in &picks {
                    let list = if *word { words } else { &cues[..] };
                    if let Some(pick) = list.get(k % list.len()) {
                        // Cut some short, so that partial ones come up too.
                        let chars = pick.chars().count();
                        text.extend(pick.chars().take(chars - k / list.len() % 2));
                    }
                    text.push_str(filler);
                }
                check_walk(&engine, &replies, &text);
            }

            #[test]
            fn any_text_of_cues_and_characters(
                picks in prop::collection::vec((any::<usize>(), "[a-z0-9 多少钱便宜吗?，发货了]{0,3}"), 0..12)
            ) {
                let replies = builtin();
                let cues = cues(&replies);
                let mut text = String::new();
                for (k, filler) in &picks {
                    if let Some(cue) = cues.get(k % cues.len()) {
                        // Cut some cues short, so that partial ones come up too.
                        let chars = cue.chars().count();
                        text.extend(cue.chars().take(chars - k / cues.len() % 2));
                    }
                    text.push_str(filler);
                }
                check(&replies, &cues, &text);
            }
        }
    }
}
