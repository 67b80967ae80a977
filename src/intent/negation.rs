//! Negation: a cue before a term (不是尺码问题, 不用退了) or right after it (尺码没问题,
//! 发票不用开了) cancels it. A denial cue before a term (没有) cancels it only when the term
//! names a problem (没有质量问题); 没退款 and 没取消订单 still talk about refunds and orders.
//! A cue reaches only a few characters, never across a punctuation mark or a space, and a
//! clause that ends as a yes/no question (没有蓝色的吗) asks rather than denies.

use crate::analysis::Span;
use crate::lexicon::{Hit, Lexicon};
use crate::normalize::{Normalized, is_punctuation};

/// The negation cues found in one message, by byte range of the normalised text.
#[derive(Debug, Default)]
pub(crate) struct Cues {
    before: Vec<(usize, usize)>,
    after: Vec<(usize, usize)>,
    /// Cues that cancel only a term that names a problem.
    denials: Vec<(usize, usize)>,
    /// The terms that name a problem, collected only when a denial cue is present.
    problem_terms: Vec<(usize, usize)>,
    window: usize,
}

impl Cues {
    pub(crate) fn collect(lexicon: &Lexicon, text: &str, hits: &[Hit], window: usize) -> Cues {
        let mut cues = Cues {
            window,
            ..Cues::default()
        };
        for hit in hits {
            if let Some(word) = lexicon.word(hit.word) {
                if word.negation {
                    cues.before.push((hit.start, hit.end));
                }
                if word.negation_after {
                    cues.after.push((hit.start, hit.end));
                }
                if word.denial {
                    cues.denials.push((hit.start, hit.end));
                }
            }
        }
        if !cues.denials.is_empty() {
            for hit in hits {
                let is_term = lexicon.word(hit.word).is_some_and(|w| !w.terms.is_empty());
                if is_term && lexicon.names_problem(text, hit) {
                    cues.problem_terms.push((hit.start, hit.end));
                }
            }
        }
        cues
    }

    /// The cue that cancels the word at `start..end` of the normalised text, if any, as a
    /// span of the original message.
    ///
    /// Inlined for its first test: most messages have no cue, and their terms then need no
    /// call.
    #[inline]
    pub(crate) fn negation(&self, norm: &Normalized, start: usize, end: usize) -> Option<Span> {
        if self.before.is_empty() && self.after.is_empty() && self.denials.is_empty() {
            return None;
        }
        self.find(norm, start, end)
    }

    /// [`negation`](Self::negation) when the message has some cue.
    #[inline(never)]
    fn find(&self, norm: &Normalized, start: usize, end: usize) -> Option<Span> {
        let text = norm.as_str();
        let close = |from: usize, to: usize| {
            text.get(from..to).is_some_and(|between| {
                between.chars().count() <= self.window
                    && !between.chars().any(|c| c == ' ' || is_punctuation(c))
            })
        };
        let problem = self.problem_terms.contains(&(start, end));
        let before = self
            .before
            .iter()
            .chain(self.denials.iter().filter(|_| problem))
            .filter(|&&(_, e)| e <= start)
            .max_by_key(|&&(_, e)| e)
            .filter(|&&(_, e)| close(e, start))
            .filter(|_| !text.get(end..).is_some_and(clause_is_question));
        let after = self
            .after
            .iter()
            .find(|&&(s, _)| s >= end)
            .filter(|&&(s, _)| close(end, s));
        before.or(after).map(|&(s, e)| norm.original_span(s, e))
    }
}

/// True when a yes/no question particle (吗 / 么 / 嘛) follows within a few characters or
/// ends the clause that `rest` starts in: 没有蓝色包装吗 and 不是不等618吗 ask or affirm
/// rather than deny.
fn clause_is_question(rest: &str) -> bool {
    const PARTICLES: [char; 3] = ['吗', '么', '嘛'];
    let clause_end = rest
        .char_indices()
        .find(|&(_, c)| c == ' ' || (is_punctuation(c) && c != '?'))
        .map_or(rest.len(), |(i, _)| i);
    let clause = rest.get(..clause_end).unwrap_or(rest);
    let soon = clause.chars().take(4).any(|c| PARTICLES.contains(&c));
    soon || clause
        .trim_end_matches(['?', '啊', '呀', '呢'])
        .ends_with(PARTICLES)
}
