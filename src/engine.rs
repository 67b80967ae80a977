//! The engine: a pack compiled once, then asked about any number of messages.

use std::sync::{Arc, LazyLock};

use crate::analysis::{Analysis, Span};
use crate::error::PackError;
use crate::extract::{self, QuantityKind};
use crate::facts::{Catalog, ShopContext};
use crate::guard::{Finding, Linter};
use crate::intent::fallback::{Fallback, Tally};
use crate::intent::{Alone, Board, Cues, Intent};
use crate::lexicon::rules::Rules;
use crate::lexicon::segment::Segmenter;
use crate::lexicon::{Lexicon, check_weight, parse_intent};
use crate::normalize::{Normalized, normalize};
use crate::pack::Pack;
use crate::policy::PolicyFailure;
use crate::reply::{Replies, Request, Suggestions};
use crate::session::{self, Advice, Event, Session};
use crate::signals;
use crate::traits::purchase;

/// A compiled rule pack: immutable, `Send + Sync`, and cheap to clone (an `Arc` inside).
///
/// Build it once at start-up, share it across threads, and call [`Engine::analyze`] per
/// message. All the work that does not depend on the message (the automaton, the regexes, the
/// segmenter, the trained fallback) is done when it is built.
///
/// ```
/// use kefu::{Engine, Intent};
///
/// let engine = Engine::builtin();
/// let analysis = engine.analyze("亲，我165cm 110斤穿什么码？");
/// assert_eq!(analysis.primary(), Intent::Size);
/// ```
#[derive(Clone, Debug)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pack: Pack,
    lexicon: Lexicon,
    rules: Rules,
    segmenter: Segmenter,
    fallback: Option<Fallback>,
    /// The intents the fallback may name; empty for all.
    fallback_intents: Vec<Intent>,
    /// Per quantity kind, the intents it hints at.
    quantity_cues: Vec<Vec<(Intent, f32)>>,
    threshold: f32,
    window: usize,
    only_alone: Alone,
    linter: Linter,
    replies: Replies,
    /// Where the lexicon's walk marks the template cues in its row of bits, and in how many
    /// words, when it does: the replies then read them there rather than search the message
    /// again (see [`cue_list`](crate::reply::cue_list)).
    cues_in_row: Option<(usize, usize)>,
}

static BUILTIN: LazyLock<Result<Engine, PackError>> =
    LazyLock::new(|| Pack::builtin().and_then(|p| Engine::from_pack(&p)));

impl Engine {
    /// The engine of the built-in clothing-shop pack, built on first use and shared after.
    ///
    /// # Panics
    ///
    /// Never in a released crate: the embedded pack is a constant, and the test suite builds
    /// it. A panic here would mean the crate itself was built broken, not bad input.
    #[allow(clippy::expect_used)]
    pub fn builtin() -> Engine {
        BUILTIN
            .as_ref()
            .map(Engine::clone)
            .expect("the built-in pack is valid (checked by the test suite)")
    }

    /// Builds an engine from a pack, checking every part of it.
    ///
    /// The independent parts (the rule regexes; the courtesy rules and the templates they
    /// check; the lexicon with the segmenter and the fallback trained over it) are built on
    /// the calling thread and two short-lived helper threads, which end before this returns.
    /// Where no thread can be started everything is built on the calling thread. Either way a
    /// pack with several mistakes is refused for the first one in build order: lexicon,
    /// courtesy rules, templates, rules, quantity cues, examples.
    pub fn from_pack(pack: &Pack) -> Result<Engine, PackError> {
        let settings = &pack.settings;
        if !(settings.threshold > 0.0 && settings.threshold <= 1.0) {
            return Err(PackError::OutOfRange {
                item: "`settings.threshold`".to_owned(),
                value: settings.threshold.to_string(),
                range: "greater than 0 and at most 1",
            });
        }
        if !(1.0..=50.0).contains(&settings.fallback_temperature) {
            return Err(PackError::OutOfRange {
                item: "`settings.fallback_temperature`".to_owned(),
                value: settings.fallback_temperature.to_string(),
                range: "between 1 and 50",
            });
        }
        if pack.negation.window > 16 {
            return Err(PackError::OutOfRange {
                item: "`negation.window`".to_owned(),
                value: pack.negation.window.to_string(),
                range: "at most 16 characters",
            });
        }
        check_session(&pack.session)?;
        let fallback_intents = settings
            .fallback_intents
            .iter()
            .map(|label| parse_intent(label, "`settings.fallback_intents`", false))
            .collect::<Result<Vec<_>, _>>()?;
        let only_alone = Alone {
            intents: settings
                .only_alone
                .iter()
                .map(|label| parse_intent(label, "`settings.only_alone`", false))
                .collect::<Result<Vec<_>, _>>()?,
            rest: settings.alone_rest,
            fillers: settings.alone_fillers.chars().collect(),
        };
        // Read once, for the replies to number and the lexicon to mark.
        let cues = crate::reply::cue_list(&pack.templates);
        // The three costly parts are independent: the rule regexes, the courtesy linter with
        // the templates it checks, and the lexicon with the segmenter and fallback trained on
        // it. They are built side by side, and their errors are reported in the order a
        // one-thread build would meet them, so a bad pack is refused the same way either way.
        let (rules, (checked, lexical)) = side_by_side(
            || Rules::build(&pack.rules, &pack.cue_rules),
            || {
                side_by_side(
                    || {
                        let linter = Linter::build(&pack.courtesy)?;
                        // The templates are checked with a copy, so that the linter's
                        // regexes keep their fast cache for the first thread that lints
                        // with the engine rather than for this build thread.
                        let replies = Replies::build(&pack.templates, &linter.clone(), &cues)?;
                        Ok((linter, replies))
                    },
                    || Lexicon::build(pack, &cues).map(|lexicon| (learn(pack, &lexicon), lexicon)),
                )
            },
        );
        let (learned, lexicon) = lexical?;
        let (linter, mut replies) = checked?;
        let mut rules = rules?;
        if !lexicon.marks_anchors() {
            rules.walk_anchors_alone()?;
        }
        let mut quantity_cues = vec![Vec::new(); QuantityKind::ALL.len()];
        for cue in &pack.quantity_cues {
            let item = format!("quantity cue `{}`", cue.kind);
            let kind: QuantityKind = cue.kind.parse().map_err(|()| PackError::OutOfRange {
                item: "the kind of a quantity cue".to_owned(),
                value: format!("`{}`", cue.kind),
                range: "one of height, weight, clothing_size, shoe_size, money, order_number, phone",
            })?;
            let intent = parse_intent(&cue.intent, &item, false)?;
            check_weight(cue.weight, &format!("the weight of {item}"))?;
            if let Some(list) = quantity_cues.get_mut(kind.index()) {
                list.push((intent, cue.weight));
            }
        }
        let (segmenter, fallback) = learned?;
        // The cues' region follows the rules' own, so the two must agree on where that ends.
        let cues_in_row = lexicon
            .cue_slot()
            .filter(|&slot| slot == rules.row_len())
            .map(|slot| (slot, cues.len().div_ceil(64)));
        if cues_in_row.is_some() {
            // The walk marks every cue, so the replies never search for them.
            replies.forget_cue_search();
        }
        Ok(Engine {
            inner: Arc::new(Inner {
                pack: pack.clone(),
                lexicon,
                rules,
                segmenter,
                fallback,
                fallback_intents,
                quantity_cues,
                threshold: settings.threshold,
                window: pack.negation.window,
                only_alone,
                linter,
                replies,
                cues_in_row,
            }),
        })
    }

    /// Reads a pack from TOML and builds an engine from it.
    pub fn from_toml(text: &str) -> Result<Engine, PackError> {
        Engine::from_pack(&Pack::from_toml(text)?)
    }

    /// Reads a pack from JSON and builds an engine from it.
    pub fn from_json(text: &str) -> Result<Engine, PackError> {
        Engine::from_pack(&Pack::from_json(text)?)
    }

    /// The pack this engine was built from.
    pub fn pack(&self) -> &Pack {
        &self.inner.pack
    }

    /// The score at which an intent counts as present (`settings.threshold` of the pack).
    pub fn threshold(&self) -> f32 {
        self.inner.threshold
    }

    /// The normalised forms of every word in the pack's lexicon (terms, negation cues and
    /// blockers), as the automaton matches them. Useful for benchmarks and for tooling.
    pub fn lexicon_words(&self) -> &[String] {
        self.inner.lexicon.patterns()
    }

    /// Checks a reply (a template, or what a human agent typed) against the pack's courtesy
    /// and compliance rules. Findings come in reply order; an empty list means the reply is
    /// clean.
    ///
    /// ```
    /// let engine = kefu::Engine::builtin();
    /// let findings = engine.lint("你自己看详情页");
    /// assert_eq!(findings[0].rule, "courtesy/imperative");
    /// assert!(engine.lint("亲，详情页第三张图有尺码表哦，您可以参考一下～").is_empty());
    /// ```
    pub fn lint(&self, reply: &str) -> Vec<Finding> {
        self.inner.linter.lint(reply, None)
    }

    /// Like [`Engine::lint`], for a reply to a buyer who has waited `waited_secs` seconds: past
    /// the pack's `courtesy.late_reply_seconds` the reply must open with an apology for the
    /// wait (S13).
    pub fn lint_after_wait(&self, reply: &str, waited_secs: u64) -> Vec<Finding> {
        self.inner.linter.lint(reply, Some(waited_secs))
    }

    /// Suggests replies for a buyer's message: the analysis, and the pack's templates that fit,
    /// filled from the facts in the request, ranked with their reasons. See
    /// [`reply`](crate::reply) for how they are ranked.
    ///
    /// With a [`Session`](crate::session::Session) and the time
    /// ([`Request::session`], [`Request::at`]) the replies also follow the conversation: the
    /// traits of earlier turns, the chat phase, the reminder schedule, the apology for a slow
    /// reply, rotation of wordings and the buyer's script; see [`session`](crate::session).
    pub fn suggest(&self, request: &Request<'_>) -> Suggestions {
        let inner = &*self.inner;
        let words = inner.cues_in_row.map_or(0, |(_, words)| words);
        let mut said = crate::bits::Bits::new(words);
        let mut analysis = self.analysis(request.message, said.words_mut());
        let policy = &inner.pack.session;
        let late_after = inner.pack.courtesy.late_reply_seconds;
        let mut advice = match (request.session, request.now) {
            (Some(session), Some(now)) => Advice::build(
                policy,
                late_after,
                session,
                now,
                !request.message.trim().is_empty(),
            ),
            _ => Advice::default(),
        };
        if request.session.is_some() || request.profile.is_some() {
            session::merge(
                &mut analysis,
                &session::Context {
                    message: request.message,
                    session: request.session,
                    profile: request.profile,
                    phase: advice.phase,
                    waited: advice.waited_seconds.map(|w| (w, late_after)),
                    mood_decay: policy.mood_decay,
                    threshold: inner.threshold,
                },
            );
        }
        advice.heed(&analysis);
        let said = inner.cues_in_row.map(|_| said.words());
        inner
            .replies
            .suggest(analysis, advice, request, &policy.wait_openers, said)
    }

    /// Records what happened in a conversation and returns the updated session; the session
    /// passed in is not changed. A buyer message is analysed for the traits it shows (kept in
    /// its turn, so later turns build on them), its script, and whether it bargains; a
    /// template sent from the payment-reminder board counts as that reminder.
    ///
    /// ```
    /// use kefu::Engine;
    /// use kefu::session::{Event, Session};
    ///
    /// let engine = Engine::builtin();
    /// let s = engine.record(&Session::default(), &Event::buyer(0, "能便宜点吗"));
    /// assert_eq!(s.haggling_rounds, 1);
    /// assert_eq!(s.started_at, Some(0));
    /// ```
    pub fn record(&self, session: &Session, event: &Event) -> Session {
        match event {
            Event::Buyer { text, .. } => {
                let analysis = self.analyze(text);
                session::apply(session, event, Some(&analysis), None)
            }
            Event::Agent {
                template: Some(id), ..
            } => session::apply(session, event, None, self.inner.replies.reminder_kind(id)),
            _ => session::apply(session, event, None, None),
        }
    }

    /// The session advice at `now` with no new buyer message: the phase, the wait, and the
    /// next reminder and whether it is due. A desk's timer calls this to know when to send a
    /// reminder; [`Engine::suggest`] with an empty message and the same session offers the
    /// reminder's templates.
    ///
    /// ```
    /// use kefu::Engine;
    /// use kefu::session::{Event, ReminderKind, Session};
    ///
    /// let engine = Engine::builtin();
    /// let s = engine.record(&Session::default(), &Event::buyer(0, "这件有M码吗"));
    /// let s = engine.record(&s, &Event::agent_text(20, "亲，M码有货哦～"));
    /// let advice = engine.advise(&s, 400);
    /// assert_eq!(advice.reminder_now, Some(ReminderKind::Nudge));
    /// ```
    pub fn advise(&self, session: &Session, now: u64) -> Advice {
        let inner = &*self.inner;
        Advice::build(
            &inner.pack.session,
            inner.pack.courtesy.late_reply_seconds,
            session,
            now,
            false,
        )
    }

    /// Fills one template by id from the request's facts (and the quantities in its message),
    /// for a desk where the agent picks a phrase from the board. `None` when the pack has no
    /// such template or one of its slots cannot be filled.
    ///
    /// ```
    /// use kefu::facts::demo;
    /// use kefu::{Engine, Request};
    ///
    /// let engine = Engine::builtin();
    /// let shop = demo::shop();
    /// let id = engine.template_ids().find(|id| id.starts_with("logistics.")).unwrap();
    /// let text = engine.render(id, &Request::new("什么时候发货").shop(&shop));
    /// assert!(text.is_some_and(|t| !t.contains('{')));
    /// ```
    pub fn render(&self, template: &str, request: &Request<'_>) -> Option<String> {
        let analysis = self.analyze(request.message);
        self.inner.replies.render(template, &analysis, request)
    }

    /// The ids of the pack's templates, in pack order.
    pub fn template_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.replies.ids()
    }

    /// Warning-level findings on the pack's templates, by template id. (Error-level findings
    /// refuse the pack when the engine is built.)
    pub fn template_warnings(&self) -> &[(String, Finding)] {
        self.inner.replies.warnings()
    }

    /// Runs the pack's policy cases (`[[cases]]`) against this engine with the given facts,
    /// and returns every failure; empty means the policy holds.
    ///
    /// ```
    /// use kefu::Engine;
    /// use kefu::facts::demo;
    ///
    /// let engine = Engine::builtin();
    /// let failures = engine.check_policy(Some(&demo::catalog()), Some(&demo::shop()));
    /// assert!(failures.is_empty(), "{failures:#?}");
    /// ```
    pub fn check_policy(
        &self,
        catalog: Option<&Catalog>,
        shop: Option<&ShopContext>,
    ) -> Vec<PolicyFailure> {
        crate::policy::check(self, &self.inner.pack.cases, catalog, shop)
    }

    /// The ids of the lint rules in force.
    pub fn lint_rules(&self) -> Vec<&str> {
        self.inner.linter.rule_ids().collect()
    }

    /// Analyses one buyer message: intents with evidence, quantities, script, and the traits,
    /// order notes and objections the message alone shows.
    ///
    /// Never fails and never panics, whatever the input; every span in the result is a byte
    /// range of `message` on `char` boundaries.
    pub fn analyze(&self, message: &str) -> Analysis {
        self.analysis(message, &mut [])
    }

    /// As [`analyze`](Self::analyze), and the template cues the message holds into `said`, by
    /// cue id, when the lexicon's walk marks them and `said` has room (see
    /// [`suggest`](Self::suggest)). Out of line: the two share one copy of the stages, as
    /// they did when [`suggest`](Self::suggest) called [`analyze`](Self::analyze).
    #[inline(never)]
    fn analysis(&self, message: &str, said: &mut [u64]) -> Analysis {
        let norm = normalize(message);
        let mut matched = Matched::new();
        self.match_words(&norm, true, &mut matched, said);
        let quantities = extract::quantities(&norm);
        let intents = self.intents(message, &norm, &matched, &quantities);
        self.finish(message, norm, &matched, quantities, intents)
    }

    /// Not part of the API: runs the analysis of `message` up to and including a stage, for
    /// the benches that time each stage (`benches/hot_path.rs`). Stages: 0 normalise, 1 match
    /// (terms and rules), 2 quantities, 3 intents; anything else the whole analysis. Stage
    /// 5 is stage 1 without the rules' regexes (the words and the anchors alone), so that
    /// `profile stages` can tell the walk from the regexes. Returns a number that depends on
    /// the work done, so it cannot be optimised away.
    #[doc(hidden)]
    pub fn __analyze_upto(&self, message: &str, stage: u8) -> usize {
        let norm = normalize(message);
        if stage == 0 {
            return norm.as_str().len();
        }
        if stage == 5 {
            let mut matched = Matched::new();
            self.match_words(&norm, false, &mut matched, &mut []);
            return matched.hits.len();
        }
        let mut matched = Matched::new();
        self.match_words(&norm, true, &mut matched, &mut []);
        if stage == 1 {
            return matched.hits.len() + matched.rule_hits.len();
        }
        let quantities = extract::quantities(&norm);
        if stage == 2 {
            return quantities.len();
        }
        let intents = self.intents(message, &norm, &matched, &quantities);
        if stage == 3 {
            return intents.scores.len();
        }
        let a = self.finish(message, norm, &matched, quantities, intents);
        a.intents.len() + a.traits.len() + a.notes.len()
    }

    /// Stage 2: the lexicon's words and the pack's rules in the normalised message; the
    /// rules' regexes only with `rules` (false only for profiling). Filled in place: the
    /// words are kept inline, and moving them out of a return would copy some 400 bytes.
    /// The template cues the walk marks go to `said` (none when it is empty).
    fn match_words(&self, norm: &Normalized, rules: bool, matched: &mut Matched, said: &mut [u64]) {
        let inner = &*self.inner;
        // The row reaches the cues' region only when they are wanted: the walk drops the marks
        // that fall beyond it.
        let mut anchors = inner.rules.row(said.len());
        inner
            .lexicon
            .scan_and_mark(norm.as_str(), &mut matched.hits, &mut anchors);
        if let Some((slot, _)) = inner.cues_in_row.filter(|_| !said.is_empty()) {
            let marked = anchors.bits().get(slot..).unwrap_or_default();
            for (to, &from) in said.iter_mut().zip(marked) {
                *to = from;
            }
        }
        if rules {
            inner
                .rules
                .scan_row(norm.as_str(), &mut anchors, &mut matched.rule_hits);
        }
        matched.cues = Cues::collect(&inner.lexicon, norm.as_str(), &matched.hits, inner.window);
    }

    /// The template cues the lexicon's walk marks in `message`, by cue id, when it marks them.
    #[cfg(test)]
    pub(crate) fn cues_walked(&self, message: &str) -> Option<Vec<u64>> {
        let (_, words) = self.inner.cues_in_row?;
        let mut said = vec![0; words];
        self.analysis(message, &mut said);
        Some(said)
    }

    #[cfg(test)]
    pub(crate) fn replies(&self) -> &Replies {
        &self.inner.replies
    }

    #[cfg(test)]
    pub(crate) fn lexicon(&self) -> &Lexicon {
        &self.inner.lexicon
    }

    /// Stage 3b: the intents, from the lexicon, the rules, the quantities and, when they do
    /// not decide, the fallback.
    fn intents(
        &self,
        message: &str,
        norm: &Normalized,
        matched: &Matched,
        quantities: &[crate::extract::Quantity],
    ) -> Intents {
        let inner = &*self.inner;
        let mut board = Board::default();
        board.terms(&inner.lexicon, norm, &matched.hits, &matched.cues);
        board.rules(&inner.rules, norm, &matched.rule_hits, &matched.cues);
        board.quantities(&inner.quantity_cues, quantities);
        let decided = board.decides(inner.threshold, &inner.only_alone, norm);
        if !decided {
            if let Some(model) = &inner.fallback {
                // The features (words and character pairs) go straight into the model's
                // sums as they are found: never collected, they need no list.
                let mut tally = Tally::new(model);
                inner.segmenter.features(norm.as_str(), &mut tally);
                board.fallback(
                    model,
                    tally,
                    norm.as_str(),
                    Span::new(0, message.len()),
                    &inner.fallback_intents,
                );
            }
        }
        let (scores, decided_by) = board.finish(inner.threshold, &inner.only_alone, norm);
        board.discard();
        Intents { scores, decided_by }
    }

    /// Stages 3c–3e and the result: traits, notes and objections from the cue words.
    fn finish(
        &self,
        message: &str,
        norm: Normalized,
        matched: &Matched,
        quantities: Vec<crate::extract::Quantity>,
        intents: Intents,
    ) -> Analysis {
        let inner = &*self.inner;
        let signals = signals::read(
            &inner.lexicon,
            &inner.rules,
            message,
            &norm,
            matched,
            &quantities,
            &inner.pack.session.review_words,
        );
        let mut traits = signals.traits.finish(inner.threshold);
        purchase::estimate(
            &mut traits,
            &intents.scores,
            &signals.objections,
            None,
            inner.threshold,
        );
        Analysis {
            script: norm.script(),
            normalized: norm.into_string(),
            intents: intents.scores,
            quantities,
            decided_by: intents.decided_by,
            threshold: inner.threshold,
            traits,
            notes: signals.notes,
            objections: signals.objections,
        }
    }
}

/// What stage 2 found in a message.
pub(crate) struct Matched {
    pub hits: crate::lexicon::Hits,
    pub rule_hits: crate::lexicon::rules::RuleHits,
    /// The negation cues among the hits.
    pub cues: Cues,
}

impl Matched {
    fn new() -> Matched {
        Matched {
            hits: crate::lexicon::Hits::new(),
            rule_hits: crate::lexicon::rules::RuleHits::new(),
            cues: Cues::default(),
        }
    }
}

/// What stage 3b decided.
struct Intents {
    scores: Vec<crate::analysis::IntentScore>,
    decided_by: crate::analysis::Decision,
}

/// The segmenter over the lexicon's words, and the fallback trained on the pack's examples
/// (none when the pack turns it off or gives too few).
fn learn(pack: &Pack, lexicon: &Lexicon) -> Result<(Segmenter, Option<Fallback>), PackError> {
    let segmenter = Segmenter::build(pack, lexicon)?;
    let mut training = Vec::new();
    for group in &pack.examples {
        let item = format!("examples of `{}`", group.intent);
        let intent = parse_intent(&group.intent, &item, true)?;
        for text in &group.texts {
            let norm = normalize(text);
            if norm.as_str().is_empty() {
                return Err(PackError::Empty {
                    what: "example (nothing is left after normalisation)",
                    item: format!("{item}: `{text}`"),
                });
            }
            let mut features = Vec::new();
            segmenter.features(norm.as_str(), &mut features);
            training.push((intent, features.iter().map(|f| f.0).collect()));
        }
    }
    let settings = &pack.settings;
    let fallback = if settings.fallback {
        Fallback::train(&training, settings.fallback_temperature)
    } else {
        None
    };
    Ok((segmenter, fallback))
}

/// Runs `side` on a thread of its own while `here` runs on this one, and returns both results.
/// Where no thread can be started (a platform without threads, a process at its limit) both
/// run here, one after the other: the results are the same, only slower to come.
fn side_by_side<A: Send, B>(side: impl Fn() -> A + Sync, here: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        let job = &side;
        let thread = std::thread::Builder::new()
            .name("kefu-build".to_owned())
            .spawn_scoped(scope, job);
        match thread {
            Ok(thread) => {
                let b = here();
                match thread.join() {
                    Ok(a) => (a, b),
                    // A panic in a build step is a bug; it reaches the caller as it would
                    // have without the thread.
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            Err(_) => (side(), here()),
        }
    })
}

/// Refuses a session policy that cannot work: phases out of order, a decay outside `[0, 1]`,
/// a reminder window that closes before it opens.
fn check_session(policy: &crate::pack::SessionPolicy) -> Result<(), PackError> {
    let [a, b, c] = policy.phases;
    if !(a < b && b < c) {
        return Err(PackError::OutOfRange {
            item: "`session.phases`".to_owned(),
            value: format!("{:?}", policy.phases),
            range: "three increasing numbers of seconds",
        });
    }
    if !(0.0..=1.0).contains(&policy.mood_decay) {
        return Err(PackError::OutOfRange {
            item: "`session.mood_decay`".to_owned(),
            value: policy.mood_decay.to_string(),
            range: "between 0 and 1",
        });
    }
    let r = &policy.reminders;
    for (name, after, until) in [
        ("nudge", r.nudge_after, r.nudge_until),
        ("pay", r.pay_after, r.pay_until),
        ("last", r.last_after, r.last_until),
    ] {
        if after > until {
            return Err(PackError::OutOfRange {
                item: format!("`session.reminders.{name}_until`"),
                value: until.to_string(),
                range: "at least its `_after`",
            });
        }
    }
    if r.last_after < r.pay_until {
        return Err(PackError::OutOfRange {
            item: "`session.reminders.last_after`".to_owned(),
            value: r.last_after.to_string(),
            range: "at least `pay_until`, so the last reminder comes after the first",
        });
    }
    Ok(())
}

impl Default for Engine {
    /// The same as [`Engine::builtin`].
    fn default() -> Self {
        Engine::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_all<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

    #[test]
    fn public_types_are_thread_safe() {
        assert_all::<Engine>();
        assert_all::<Pack>();
        assert_all::<Analysis>();
        assert_all::<PackError>();
    }
}
