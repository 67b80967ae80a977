//! Stage 3b, intents: every term, rule and quantity hit becomes evidence for an intent;
//! negation cues cancel the terms they stand before; each intent's score is the noisy-OR of its
//! evidence; the fallback speaks only when nothing else reached the threshold.
//!
//! Noisy-OR (`1 − Π(1 − wᵢ)`) keeps scores in `[0, 1]`, lets two weak hints add up to more than
//! either, and never lets many weak hints pass for certainty.

pub(crate) mod fallback;
mod label;

pub use label::{Intent, UnknownIntent};

use crate::analysis::{Decision, Evidence, IntentScore, Source, Span};
use crate::extract::Quantity;
use crate::lexicon::rules::{RuleHit, Rules};
use crate::lexicon::segment::Feature;
use crate::lexicon::{Hit, Lexicon};
use crate::normalize::{Normalized, is_punctuation};

const SCORED: usize = Intent::ALL.len() - 1;

/// True when the clause that `rest` starts in ends as a yes/no question (吗 / 么 / 嘛 /
/// 不), which turns a negation into a question or an affirmation.
fn clause_is_question(rest: &str) -> bool {
    let clause_end = rest
        .char_indices()
        .find(|&(_, c)| c == ' ' || (is_punctuation(c) && c != '?'))
        .map_or(rest.len(), |(i, _)| i);
    let clause = rest.get(..clause_end).unwrap_or(rest);
    let clause = clause.trim_end_matches(['?', '啊', '呀', '呢']);
    clause.ends_with(['吗', '么', '嘛'])
}

/// Evidence gathered per intent while a message is analysed.
#[derive(Debug, Default)]
pub(crate) struct Board {
    evidence: [Vec<Evidence>; SCORED],
}

impl Board {
    fn add(&mut self, intent: Intent, evidence: Evidence) {
        if let Some(list) = self.evidence.get_mut(intent.index()) {
            list.push(evidence);
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

    /// True when some intent other than the `only_alone` ones already reaches `threshold`.
    /// Backup terms count only when nothing else does: they are set aside first, and brought
    /// back if no intent is present without them.
    pub(crate) fn decides(&mut self, threshold: f32, only_alone: &[Intent]) -> bool {
        let mut backups = self
            .evidence
            .iter_mut()
            .flatten()
            .filter(|e| e.backup)
            .peekable();
        if backups.peek().is_none() {
            return self.present(threshold, only_alone);
        }
        for e in backups {
            e.counted = false;
        }
        if self.present(threshold, only_alone) {
            return true;
        }
        for e in self.evidence.iter_mut().flatten() {
            if e.backup && e.negated_by.is_none() {
                e.counted = true;
            }
        }
        self.present(threshold, only_alone)
    }

    fn present(&self, threshold: f32, only_alone: &[Intent]) -> bool {
        Intent::ALL
            .iter()
            .zip(&self.evidence)
            .any(|(i, list)| !only_alone.contains(i) && Board::score(list) >= threshold)
    }

    /// Term hits, with negation.
    pub(crate) fn terms(
        &mut self,
        lexicon: &Lexicon,
        norm: &Normalized,
        hits: &[Hit],
        window: usize,
    ) {
        let text = norm.as_str();
        let mut last_cue: Option<(usize, Span)> = None;
        for hit in hits {
            let Some(word) = lexicon.word(hit.word) else {
                continue;
            };
            let span = norm.original_span(hit.start, hit.end);
            let negated_by = last_cue.and_then(|(cue_end, cue_span)| {
                let between = text.get(cue_end..hit.start)?;
                let close = between.chars().count() <= window
                    && !between.chars().any(|c| c == ' ' || is_punctuation(c));
                // 没有蓝色的吗 / 不是纯棉的吗 ask or affirm rather than deny.
                let asked = text.get(hit.end..).is_some_and(clause_is_question);
                (close && !asked).then_some(cue_span)
            });
            for role in &word.terms {
                self.add(
                    role.intent,
                    Evidence {
                        source: Source::Term {
                            id: role.id.clone(),
                        },
                        span,
                        weight: role.weight,
                        negated_by: if role.negatable { negated_by } else { None },
                        backup: role.backup,
                        counted: !role.negatable || negated_by.is_none(),
                    },
                );
            }
            if word.negation {
                last_cue = Some((hit.end, span));
            }
        }
    }

    /// Regex rule hits.
    pub(crate) fn rules(&mut self, rules: &Rules, norm: &Normalized, hits: &[RuleHit]) {
        for hit in hits {
            if let Some(rule) = rules.rule(hit.rule) {
                self.add(
                    rule.intent,
                    Evidence {
                        source: Source::Rule {
                            id: rule.id.clone(),
                        },
                        span: norm.original_span(hit.start, hit.end),
                        weight: rule.weight,
                        negated_by: None,
                        backup: rule.backup,
                        counted: true,
                    },
                );
            }
        }
    }

    /// Quantities the pack ties to an intent; one piece of evidence per kind.
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
                            id: kind.as_str().to_owned(),
                        },
                        span: q.span(),
                        weight,
                        negated_by: None,
                        backup: false,
                        counted: true,
                    },
                );
            }
        }
    }

    /// The fallback's verdict, when it names a real intent.
    pub(crate) fn fallback(
        &mut self,
        model: &fallback::Fallback,
        features: &[Feature<'_>],
        whole: Span,
    ) {
        let Some(verdict) = model.predict(features) else {
            return;
        };
        if verdict.intent == Intent::Other {
            return;
        }
        self.add(
            verdict.intent,
            Evidence {
                source: Source::Fallback {
                    tokens: verdict.tokens.iter().map(|t| (*t).to_owned()).collect(),
                },
                span: whole,
                weight: verdict.probability,
                negated_by: None,
                backup: false,
                counted: true,
            },
        );
    }

    /// The final scores, strongest first, and which path decided.
    pub(crate) fn finish(
        self,
        threshold: f32,
        only_alone: &[Intent],
    ) -> (Vec<IntentScore>, Decision) {
        let mut scores: Vec<IntentScore> = Intent::ALL
            .iter()
            .zip(self.evidence)
            .filter(|(_, list)| !list.is_empty())
            .map(|(&intent, mut evidence)| {
                evidence.sort_by_key(|e| (e.span.start, e.span.end));
                let score = Board::score(&evidence);
                IntentScore {
                    intent,
                    score,
                    present: score >= threshold,
                    evidence,
                }
            })
            .collect();
        let others_present = scores
            .iter()
            .any(|s| s.present && !only_alone.contains(&s.intent));
        if others_present {
            for s in scores.iter_mut().filter(|s| only_alone.contains(&s.intent)) {
                s.present = false;
            }
        }
        scores.sort_by(|a, b| {
            b.present
                .cmp(&a.present)
                .then(b.score.total_cmp(&a.score))
                .then(a.intent.cmp(&b.intent))
        });
        let by_fallback = |s: &IntentScore| {
            let without: Vec<Evidence> = s
                .evidence
                .iter()
                .filter(|e| !matches!(e.source, Source::Fallback { .. }))
                .cloned()
                .collect();
            Board::score(&without) < threshold
        };
        let present: Vec<&IntentScore> = scores.iter().filter(|s| s.present).collect();
        let decision = if present.is_empty() {
            Decision::Nothing
        } else if present.iter().all(|s| by_fallback(s)) {
            Decision::Fallback
        } else {
            Decision::Lexicon
        };
        (scores, decision)
    }
}
