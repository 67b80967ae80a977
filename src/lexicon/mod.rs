//! Stage 2, match: one Aho-Corasick automaton over every word of the pack (intent terms,
//! negation cues, blockers), the pack's regex rules, and the fallback's word segmenter.
//!
//! The automaton runs leftmost-longest, so at each position the longest word wins: a blocker
//! such as 二维码 hides the 码 inside it, and 质量问题 is read as one term rather than two.

pub(crate) mod rules;
pub(crate) mod segment;

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::error::PackError;
use crate::intent::Intent;
use crate::normalize::normalize;
use crate::pack::Pack;

/// What one word of the automaton means. A word can be several things at once (a term of two
/// intents, or a term and a negation cue).
#[derive(Clone, Debug, Default)]
pub(crate) struct Word {
    pub terms: Vec<TermRole>,
    /// A cue that cancels the term after it.
    pub negation: bool,
    /// A cue that cancels the term before it.
    pub negation_after: bool,
}

/// One intent a word points at.
#[derive(Clone, Debug)]
pub(crate) struct TermRole {
    pub intent: Intent,
    pub weight: f32,
    pub negatable: bool,
    pub backup: bool,
    /// `intent/word`, as shown in evidence.
    pub id: String,
}

/// A word found in a normalised message, by byte range of the normalised text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub word: usize,
    pub start: usize,
    pub end: usize,
}

/// The compiled word list.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    automaton: AhoCorasick,
    words: Vec<Word>,
    /// The normalised form of each word, index-aligned with `words`.
    patterns: Vec<String>,
}

impl Lexicon {
    pub(crate) fn build(pack: &Pack) -> Result<Lexicon, PackError> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut words: Vec<Word> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut slot = |written: &str, what: &'static str, item: &str| {
            let pattern = normalize(written).as_str().to_owned();
            if pattern.is_empty() {
                return Err(PackError::Empty {
                    what,
                    item: item.to_owned(),
                });
            }
            let k = *index.entry(pattern.clone()).or_insert_with(|| {
                words.push(Word::default());
                patterns.push(pattern);
                words.len() - 1
            });
            Ok(k)
        };
        // (word, the term it is, whether it is a cue before / after a term)
        let mut found: Vec<(usize, Option<TermRole>, bool, bool)> = Vec::new();
        for (g, group) in pack.terms.iter().enumerate() {
            let item = format!("terms group {} (intent `{}`)", g + 1, group.intent);
            let intent = parse_intent(&group.intent, &item, false)?;
            check_weight(group.weight, &format!("the weight of {item}"))?;
            for w in &group.words {
                let k = slot(w, "term", &item)?;
                let role = TermRole {
                    intent,
                    weight: group.weight,
                    negatable: group.negatable,
                    backup: group.backup,
                    id: format!("{}/{}", intent, w.trim()),
                };
                found.push((k, Some(role), false, false));
            }
        }
        for cue in &pack.negation.cues {
            let k = slot(cue, "negation cue", "`negation.cues`")?;
            found.push((k, None, true, false));
        }
        for cue in &pack.negation.after {
            let k = slot(cue, "negation cue", "`negation.after`")?;
            found.push((k, None, false, true));
        }
        for w in &pack.blockers.words {
            let k = slot(w, "blocker", "`blockers.words`")?;
            found.push((k, None, false, false));
        }
        for (k, role, negation, negation_after) in found {
            let Some(word) = words.get_mut(k) else {
                continue;
            };
            word.negation |= negation;
            word.negation_after |= negation_after;
            if let Some(role) = role {
                if word.terms.iter().any(|t| t.intent == role.intent) {
                    return Err(PackError::Duplicate {
                        kind: "term",
                        id: role.id,
                    });
                }
                word.terms.push(role);
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| PackError::Automaton {
                message: e.to_string(),
            })?;
        Ok(Lexicon {
            automaton,
            words,
            patterns,
        })
    }

    /// Finds every word in a normalised message, leftmost-longest, into `out`.
    ///
    /// An ASCII word only counts where it stands alone among ASCII letters and digits, so
    /// `size` matches in `size多大` but not in `sizes`, and `m` never matches inside `cm`.
    pub(crate) fn scan(&self, text: &str, out: &mut Vec<Hit>) {
        let bytes = text.as_bytes();
        for m in self.automaton.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            let word = m.pattern().as_usize();
            let ascii_word = self
                .patterns
                .get(word)
                .is_some_and(|p| p.bytes().any(|b| b.is_ascii_alphanumeric()));
            if ascii_word {
                let glued_before = start
                    .checked_sub(1)
                    .and_then(|i| bytes.get(i))
                    .is_some_and(|b| b.is_ascii_alphanumeric())
                    && self
                        .patterns
                        .get(word)
                        .and_then(|p| p.bytes().next())
                        .is_some_and(|b| b.is_ascii_alphanumeric());
                let glued_after = bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric())
                    && self
                        .patterns
                        .get(word)
                        .and_then(|p| p.bytes().last())
                        .is_some_and(|b| b.is_ascii_alphanumeric());
                if glued_before || glued_after {
                    continue;
                }
            }
            out.push(Hit { word, start, end });
        }
    }

    pub(crate) fn word(&self, k: usize) -> Option<&Word> {
        self.words.get(k)
    }

    /// The normalised patterns, for the segmenter's dictionary and for benchmarks.
    pub(crate) fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

/// Reads an intent label. `other` means "none of the intents", so only example groups may
/// name it (`allow_other`).
pub(crate) fn parse_intent(
    label: &str,
    item: &str,
    allow_other: bool,
) -> Result<Intent, PackError> {
    match label.parse::<Intent>() {
        Ok(Intent::Other) if !allow_other => Err(PackError::UnknownIntent {
            intent: label.to_owned(),
            item: format!(
                "{item} (`other` is what no intent matched, so only examples may use it)"
            ),
        }),
        Ok(intent) => Ok(intent),
        Err(_) => Err(PackError::UnknownIntent {
            intent: label.to_owned(),
            item: item.to_owned(),
        }),
    }
}

pub(crate) fn check_weight(weight: f32, item: &str) -> Result<(), PackError> {
    if weight > 0.0 && weight <= 1.0 {
        Ok(())
    } else {
        Err(PackError::OutOfRange {
            item: item.to_owned(),
            value: weight.to_string(),
            range: "greater than 0 and at most 1",
        })
    }
}
