//! Stage 3b, intents: every term, rule and quantity hit becomes evidence for an intent;
//! negation cues cancel the terms they stand before; each intent's score is the noisy-OR of its
//! evidence; the fallback speaks only when nothing else reached the threshold.
//!
//! Noisy-OR (`1 − Π(1 − wᵢ)`) keeps scores in `[0, 1]`, lets two weak hints add up to more than
//! either, and never lets many weak hints pass for certainty.

pub(crate) mod fallback;
mod label;
mod negation;

pub use label::{Intent, UnknownIntent};
pub(crate) use negation::Cues;

use crate::analysis::{Decision, Evidence, IntentScore, Source, Span};
use crate::extract::Quantity;
use crate::label::Label;
use crate::lexicon::rules::{RuleHit, Rules, Target};
use crate::lexicon::{Hit, Lexicon};
use crate::normalize::Normalized;

const SCORED: usize = Intent::ALL.len() - 1;

/// When backup evidence decided, intents scoring more than this below the best are not
/// present.
const BACKUP_MARGIN: f32 = 0.2;

/// The intents that count only alone (`settings.only_alone`), and how much else a message
/// may say around them.
#[derive(Debug)]
pub(crate) struct Alone {
    pub(crate) intents: Vec<Intent>,
    /// At most this many letters, digits and Han characters outside the intent's evidence.
    pub(crate) rest: Option<usize>,
    /// Characters `rest` does not count.
    pub(crate) fillers: Vec<char>,
}

impl Alone {
    /// True when more than `rest` characters that say something lie outside `evidence`.
    fn says_more(&self, norm: &Normalized, evidence: &[Evidence]) -> bool {
        let Some(rest) = self.rest else {
            return false;
        };
        // The fallback's verdict spans the whole message, but it is a guess about the message,
        // not a reading of its words.
        let covered = |span: Span| {
            evidence.iter().any(|e| {
                e.counts()
                    && matches!(e.source, Source::Term { .. } | Source::Rule { .. })
                    && e.span.start <= span.start
                    && span.end <= e.span.end
            })
        };
        let text = norm.as_str();
        let mut said = 0;
        // What the run of letters and digits so far says; it counts once the run ends, unless
        // a colon ends it.
        let mut in_run = 0;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            // Nearly every character is a common Han ideograph: one range check before the
            // general test.
            if matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric() {
                if !self.fillers.contains(&c) && !covered(norm.original_span(i, i + c.len_utf8())) {
                    in_run += 1;
                }
                continue;
            }
            // A run just before a colon names a field of an order card pasted in by the
            // platform (订单金额:), not something the buyer said.
            if c != ':' {
                said += in_run;
                // The count only grows: once past `rest`, the rest of the text cannot
                // change the answer.
                if said > rest {
                    return true;
                }
            }
            in_run = 0;
        }
        false
    }
}

/// Evidence gathered per intent while a message is analysed.
#[derive(Debug, Default)]
pub(crate) struct Board {
    evidence: [Vec<Evidence>; SCORED],
    /// True when some evidence is a backup term, so that `decides` need not look for one.
    has_backup: bool,
    /// True once backup evidence had to be brought back to explain the message.
    backup_stage: bool,
    /// True when a rule for `other` matched: part of the message is about none of the
    /// intents, so it is more than a greeting.
    elsewhere: bool,
    /// Per `only_alone` intent, whether the message says more than it (`Alone::says_more`),
    /// once `decides` has asked, so that `finish` does not count again.
    said_more: [Option<bool>; SCORED],
    /// Bit `i` set when intent `i` has evidence: a message has one or two, and the passes
    /// over the board visit only those rather than all twelve lists.
    filled: u16,
    /// True once the fallback gave evidence.
    guessed: bool,
}

impl Board {
    /// Keeps each list in message order as it grows, ties in the order they came: what a
    /// stable sort at the end would give, without the sort. Evidence mostly comes in order
    /// (terms, then rules, each by position), so the place is nearly always the end.
    /// Always inlined: the compiler would not, and a call copied each piece of evidence
    /// (104 bytes) once more.
    #[inline(always)]
    fn add(&mut self, intent: Intent, evidence: Evidence) {
        if let Some(list) = self.evidence.get_mut(intent.index()) {
            self.has_backup |= evidence.backup;
            self.filled |= 1 << intent.index();
            let key = (evidence.span.start, evidence.span.end);
            match list.last() {
                None => {
                    // Asking for the block directly is cheaper than growing an empty list.
                    *list = Vec::with_capacity(4);
                    list.push(evidence);
                }
                Some(last) if (last.span.start, last.span.end) <= key => list.push(evidence),
                Some(_) => {
                    let at = list.partition_point(|e| (e.span.start, e.span.end) <= key);
                    list.insert(at, evidence);
                }
            }
        }
    }

    /// The intents with evidence, in `Intent::ALL` order.
    fn filled(&self) -> impl Iterator<Item = Intent> + use<> {
        let mut bits = self.filled;
        std::iter::from_fn(move || {
            let i = bits.trailing_zeros() as usize;
            bits &= bits.wrapping_sub(1);
            Intent::ALL.get(i).copied()
        })
    }

    /// Every piece of evidence, passed to `f`.
    fn each(&mut self, mut f: impl FnMut(&mut Evidence)) {
        for i in self.filled() {
            for e in self.evidence.get_mut(i.index()).into_iter().flatten() {
                f(e);
            }
        }
    }

    fn score(list: &[Evidence]) -> f32 {
        let miss: f32 = list
            .iter()
            .filter(|e| e.counts())
            .map(|e| 1.0 - e.weight.clamp(0.0, 1.0))
            .product();
        (1.0 - miss).clamp(0.0, 1.0)
    }

    /// True when the terms, rules and quantities explain the message, so the fallback need
    /// not guess: some intent other than the `only_alone` ones reaches `threshold`, a rule for
    /// `other` matched, or an `only_alone` one reaches it and the message says little else
    /// (`alone_rest`).
    /// Backup terms count only when nothing else does: they are set aside first, and brought
    /// back if no intent is present without them.
    // This and the board's other stages are called once each, from `Engine::intents`. The
    // hint keeps them inlined there however the crate falls into codegen units: without it,
    // a change elsewhere once left them out of line, at some hundred instructions a message.
    #[inline]
    pub(crate) fn decides(&mut self, threshold: f32, alone: &Alone, norm: &Normalized) -> bool {
        let only_alone = alone.intents.as_slice();
        if self.has_backup {
            self.each(|e| {
                if e.backup {
                    e.counted = false;
                }
            });
            if self.present(threshold, only_alone) {
                return true;
            }
            self.each(|e| {
                if e.backup && e.negated_by.is_none() && e.absorbed_by.is_none() {
                    e.counted = true;
                }
            });
            self.backup_stage = true;
        }
        // A rule for `other` matched and nothing else did: the message is about none of the
        // intents, and the fallback is not asked to guess one.
        if self.present(threshold, only_alone) || self.elsewhere {
            return true;
        }
        if alone.rest.is_none() {
            return false;
        }
        let mut decided = false;
        for i in self.filled() {
            let (Some(list), Some(said)) = (
                self.evidence.get(i.index()),
                self.said_more.get_mut(i.index()),
            ) else {
                continue;
            };
            if only_alone.contains(&i) && Board::score(list) >= threshold {
                let more = alone.says_more(norm, list);
                *said = Some(more);
                decided |= !more;
            }
        }
        decided
    }

    fn present(&self, threshold: f32, only_alone: &[Intent]) -> bool {
        // An intent without evidence scores 0, below any threshold.
        self.filled().any(|i| {
            !only_alone.contains(&i)
                && self
                    .evidence
                    .get(i.index())
                    .is_some_and(|list| Board::score(list) >= threshold)
        })
    }

    /// Term hits, with negation.
    #[inline]
    pub(crate) fn terms(
        &mut self,
        lexicon: &Lexicon,
        norm: &Normalized,
        hits: &[Hit],
        cues: &Cues,
    ) {
        for hit in hits {
            let Some(word) = lexicon.word(hit.word) else {
                continue;
            };
            for role in &word.terms {
                let (start, end) = role.inner.map_or((hit.start, hit.end), |(s, e)| {
                    (hit.start + s, hit.start + e)
                });
                let span = norm.original_span(start, end);
                let negated_by = role
                    .negatable
                    .then(|| cues.negation(norm, start, end))
                    .flatten();
                self.add(
                    role.intent,
                    Evidence {
                        source: Source::Term {
                            id: role.id.clone(),
                        },
                        span,
                        weight: role.weight,
                        negated_by,
                        backup: role.backup,
                        absorbed_by: None,
                        counted: negated_by.is_none(),
                    },
                );
            }
        }
    }

    /// Regex rule hits, with negation.
    #[inline]
    pub(crate) fn rules(
        &mut self,
        rules: &Rules,
        norm: &Normalized,
        hits: &[RuleHit],
        cues: &Cues,
    ) {
        for hit in hits {
            if let Some(rule) = rules.rule(hit.rule) {
                let Target::Intent(intent) = rule.target else {
                    continue;
                };
                let negated_by = cues
                    .negation(norm, hit.start, hit.end)
                    .filter(|_| rule.negatable);
                if intent == Intent::Other {
                    self.elsewhere |= negated_by.is_none();
                    continue;
                }
                self.add(
                    intent,
                    Evidence {
                        source: Source::Rule {
                            id: rule.id.clone(),
                        },
                        span: norm.original_span(hit.start, hit.end),
                        weight: rule.weight,
                        negated_by,
                        backup: rule.backup,
                        absorbed_by: None,
                        counted: negated_by.is_none(),
                    },
                );
            }
        }
        // After every rule is in, so that a rule can take over another rule's match too; and
        // over every match of the rule, not only the first one a hit records.
        for hit in hits {
            // A rule that would take over only intents without evidence changes nothing, and
            // its matches need not be found again.
            let Some(rule) = rules.rule(hit.rule).filter(|r| {
                r.absorbs
                    .iter()
                    .any(|i| self.filled & (1 << i.index()) != 0)
            }) else {
                continue;
            };
            for m in rule.regex.find_iter(norm.as_str()) {
                if rule.negatable && cues.negation(norm, m.start(), m.end()).is_some() {
                    continue;
                }
                self.absorb(&rule.absorbs, norm.original_span(m.start(), m.end()));
            }
        }
    }

    /// Sets aside the evidence of `intents` that lies inside `within`, a rule's match that
    /// takes it over. Terms and rules only: a quantity or the fallback speaks for the whole
    /// message.
    fn absorb(&mut self, intents: &[Intent], within: Span) {
        for intent in intents {
            let Some(list) = self.evidence.get_mut(intent.index()) else {
                continue;
            };
            for e in list.iter_mut() {
                let inside = e.span.start >= within.start && e.span.end <= within.end;
                let word = matches!(e.source, Source::Term { .. } | Source::Rule { .. });
                if inside && word {
                    e.absorbed_by = Some(within);
                    e.counted = false;
                }
            }
        }
    }

    /// Quantities the pack ties to an intent; one piece of evidence per kind.
    #[inline]
    pub(crate) fn quantities(&mut self, cues: &[Vec<(Intent, f32)>], quantities: &[Quantity]) {
        let mut seen = [false; crate::extract::QuantityKind::ALL.len()];
        for q in quantities {
            let kind = q.kind();
            let Some(done) = seen.get_mut(kind.index()) else {
                continue;
            };
            if *done {
                continue;
            }
            *done = true;
            for &(intent, weight) in cues.get(kind.index()).into_iter().flatten() {
                self.add(
                    intent,
                    Evidence {
                        source: Source::Quantity {
                            id: Label::from_static(kind.as_str()),
                        },
                        span: q.span(),
                        weight,
                        negated_by: None,
                        backup: false,
                        absorbed_by: None,
                        counted: true,
                    },
                );
            }
        }
    }

    /// The fallback's verdict, when it names a real intent the pack lets it name (`allowed`,
    /// every intent when empty).
    /// `tally` holds the features of `message`, the normalised text.
    pub(crate) fn fallback(
        &mut self,
        model: &fallback::Fallback,
        tally: fallback::Tally<'_>,
        message: &str,
        whole: Span,
        allowed: &[Intent],
    ) {
        let wanted = |i: Intent| i != Intent::Other && (allowed.is_empty() || allowed.contains(&i));
        let Some(verdict) = model.predict(tally, message, wanted) else {
            return;
        };
        self.guessed = true;
        self.add(
            verdict.intent,
            Evidence {
                source: Source::Fallback {
                    tokens: verdict.tokens().iter().map(|t| (*t).to_owned()).collect(),
                },
                span: whole,
                weight: verdict.probability,
                negated_by: None,
                backup: false,
                absorbed_by: None,
                counted: true,
            },
        );
    }

    /// The final scores, strongest first, and which path decided.
    /// The evidence is taken out of the board, which is then only fit for
    /// [`discard`](Self::discard).
    #[inline]
    pub(crate) fn finish(
        &mut self,
        threshold: f32,
        alone: &Alone,
        norm: &Normalized,
    ) -> (Vec<IntentScore>, Decision) {
        let only_alone = alone.intents.as_slice();
        let elsewhere = self.elsewhere;
        let said_more = self.said_more;
        let mut scores: Vec<IntentScore> = Vec::with_capacity(self.filled.count_ones() as usize);
        for intent in self.filled() {
            let Some(list) = self.evidence.get_mut(intent.index()) else {
                continue;
            };
            // `add` kept the list in message order.
            let evidence = std::mem::take(list);
            debug_assert!(evidence.is_sorted_by_key(|e| (e.span.start, e.span.end)));
            let score = Board::score(&evidence);
            scores.push(IntentScore {
                intent,
                score,
                present: score >= threshold,
                evidence,
            });
        }
        self.filled = 0;
        // Generic words explain a message only as a whole: when backups decided, an intent
        // far behind the best one is an echo of the same words, not a second request.
        if self.backup_stage {
            let best = scores
                .iter()
                .filter(|s| !only_alone.contains(&s.intent))
                .map(|s| s.score)
                .fold(0.0, f32::max);
            for s in scores.iter_mut() {
                if s.score < best - BACKUP_MARGIN {
                    s.present = false;
                }
            }
        }
        let others_present = scores
            .iter()
            .any(|s| s.present && !only_alone.contains(&s.intent));
        for s in scores.iter_mut().filter(|s| only_alone.contains(&s.intent)) {
            let says_more = || {
                said_more
                    .get(s.intent.index())
                    .copied()
                    .flatten()
                    .unwrap_or_else(|| alone.says_more(norm, &s.evidence))
            };
            if others_present || (s.present && (elsewhere || says_more())) {
                s.present = false;
            }
        }
        let order = |a: &IntentScore, b: &IntentScore| {
            b.present
                .cmp(&a.present)
                .then(b.score.total_cmp(&a.score))
                .then(a.intent.cmp(&b.intent))
        };
        // Most messages have one intent, or their intents in order already.
        if !scores.is_sorted_by(|a, b| order(a, b).is_le()) {
            // Two out of order are swapped, as the stable sort would, without its setup.
            if scores.len() == 2 {
                scores.swap(0, 1);
            } else {
                scores.sort_by(order);
            }
        }
        let by_fallback = |s: &IntentScore| {
            let miss: f32 = s
                .evidence
                .iter()
                .filter(|e| e.counts() && !matches!(e.source, Source::Fallback { .. }))
                .map(|e| 1.0 - e.weight.clamp(0.0, 1.0))
                .product();
            1.0 - miss < threshold
        };
        let mut present = scores.iter().filter(|s| s.present).peekable();
        // Without a guess among the evidence, a present intent's score is what `by_fallback`
        // counts, so at least the threshold: the lists need not be read again.
        let decision = if present.peek().is_none() {
            Decision::Nothing
        } else if self.guessed && present.all(by_fallback) {
            Decision::Fallback
        } else {
            Decision::Lexicon
        };
        (scores, decision)
    }

    /// Ends a board that [`finish`](Self::finish) emptied.
    ///
    /// Every list that ever held evidence has its bit in `filled` and was taken by `finish`,
    /// so the lists own no memory any more: forgetting them leaks nothing and spares their
    /// drop, which would look at all twelve. Inlined, so that the board is not copied to be
    /// passed.
    #[inline(always)]
    pub(crate) fn discard(self) {
        let Board { evidence, .. } = self;
        debug_assert!(evidence.iter().all(|l| l.capacity() == 0));
        std::mem::forget(evidence);
    }
}
