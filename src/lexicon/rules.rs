//! The pack's regex rules. Each rule's literal anchors (see [`anchors`](super::anchors)) go
//! into one automaton; a message is scanned for them once, and only the rules whose anchors it
//! holds run their regexes.
//!
//! Two settings matter on Chinese text (measured in `../shared/research/perf-baselines.md`): a
//! Unicode `\b` sends every non-ASCII message to the slow engine, so it is refused; and the
//! lazy DFA's cache is raised well above the default so it does not thrash across varied
//! messages.

use std::collections::HashSet;

use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, MatchKind, dfa, nfa};
use regex::{Regex, RegexBuilder};

use crate::error::PackError;
use crate::intent::Intent;
use crate::lexicon::anchors::anchors;
use crate::lexicon::{Cue, check_weight, parse_intent};
use crate::pack::{CueRule, Rule};

const DFA_CACHE: usize = 16 << 20;
const SIZE_LIMIT: usize = 16 << 20;

/// One compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct CompiledRule {
    pub id: String,
    pub target: Target,
    pub weight: f32,
    pub negatable: bool,
    pub backup: bool,
    /// The intents whose evidence inside a match this rule takes over.
    pub absorbs: Vec<Intent>,
    pub regex: Regex,
}

/// What a rule points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Intent(Intent),
    Cue(Cue),
}

/// Every rule of a pack.
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    rules: Vec<CompiledRule>,
    /// Every anchor word of every rule that has them; none when no rule has.
    anchors: Option<AnchorWords>,
    /// For each anchor word, the rules it is a first anchor of.
    owners: Vec<Vec<usize>>,
    /// For each rule, what a message must hold for it to be run, by anchor word: for one of
    /// the alternatives, a word of each set. Empty for a rule without anchors.
    needs: Vec<Vec<Vec<Mask>>>,
    /// The rules without anchors, tried on every message.
    always: Vec<usize>,
}

/// The automaton of the anchor words. It is walked byte by byte rather than through
/// `AhoCorasick`'s overlapping iterator, whose bookkeeping per match cost more than the walk
/// itself on short messages with many one-character anchors.
#[derive(Clone, Debug)]
enum AnchorWords {
    Dfa(dfa::DFA),
    /// For a pack whose anchor words are too many for a DFA.
    Nfa(nfa::noncontiguous::NFA),
}

impl AnchorWords {
    fn build(words: &[String]) -> Result<AnchorWords, PackError> {
        let error = |e: aho_corasick::BuildError| PackError::Automaton {
            message: e.to_string(),
        };
        // No prefilter: the walk looks at every byte anyway, and without one the start
        // states are not special, so the walk only stops at matches.
        let dfa = dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(words);
        match dfa {
            Ok(dfa) => Ok(AnchorWords::Dfa(dfa)),
            Err(_) => nfa::noncontiguous::Builder::new()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(words)
                .map(AnchorWords::Nfa)
                .map_err(error),
        }
    }

    /// Calls `each` with every anchor word in `text`, overlapping ones included.
    fn each(&self, text: &str, each: impl FnMut(usize)) {
        match self {
            AnchorWords::Dfa(dfa) => walk(dfa, text, each),
            AnchorWords::Nfa(nfa) => walk(nfa, text, each),
        }
    }
}

/// An overlapping search: with standard match semantics each match state lists every word
/// that ends at its position.
fn walk(automaton: &impl Automaton, text: &str, mut each: impl FnMut(usize)) {
    let Ok(mut state) = automaton.start_state(Anchored::No) else {
        return;
    };
    for &byte in text.as_bytes() {
        state = automaton.next_state(Anchored::No, state, byte);
        if automaton.is_special(state) && automaton.is_match(state) {
            for i in 0..automaton.match_len(state) {
                each(automaton.match_pattern(state, i).as_usize());
            }
        }
    }
}

/// A set of anchor words as bits: the words of the bit set that are not zero, with their
/// index.
type Mask = Box<[(usize, u64)]>;

/// A rule match, by byte range of the normalised text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RuleHit {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
}

impl Rules {
    pub(crate) fn build(rules: &[Rule], cue_rules: &[CueRule]) -> Result<Rules, PackError> {
        // (id, target, weight, negatable, backup, pattern) for both kinds of rule.
        let mut all = Vec::with_capacity(rules.len() + cue_rules.len());
        for rule in rules {
            let item = format!("rule `{}`", rule.id);
            let target = if rule.id.trim().is_empty() {
                None
            } else {
                // A rule for `other` only takes over: it marks text about none of the shop's
                // topics (the buyer's account, a password), and adds no evidence of its own.
                let allow_other = !rule.absorbs.is_empty();
                Some(Target::Intent(parse_intent(
                    &rule.intent,
                    &item,
                    allow_other,
                )?))
            };
            all.push((rule, target, rule.backup));
        }
        let cue_as_rule: Vec<(Rule, Option<Target>)> = cue_rules
            .iter()
            .map(|c| {
                let item = format!("cue rule `{}`", c.id);
                let target = if c.id.trim().is_empty() {
                    None
                } else {
                    Some(Target::Cue(Cue::parse(
                        c.trait_.as_deref(),
                        c.note.as_deref(),
                        c.objection.as_deref(),
                        &item,
                    )?))
                };
                Ok((
                    Rule {
                        id: c.id.clone(),
                        intent: String::new(),
                        weight: c.weight,
                        negatable: c.negatable,
                        backup: false,
                        absorbs: Vec::new(),
                        pattern: c.pattern.clone(),
                    },
                    target,
                ))
            })
            .collect::<Result<_, PackError>>()?;
        for (rule, target) in &cue_as_rule {
            all.push((rule, *target, false));
        }
        let mut seen = HashSet::new();
        let mut compiled = Vec::with_capacity(all.len());
        for (rule, target, backup) in all {
            let Some(target) = target else {
                return Err(PackError::Empty {
                    what: "rule id",
                    item: format!("the rule with pattern `{}`", rule.pattern),
                });
            };
            if !seen.insert(rule.id.as_str()) {
                return Err(PackError::Duplicate {
                    kind: "rule id",
                    id: rule.id.clone(),
                });
            }
            let item = format!("rule `{}`", rule.id);
            check_weight(rule.weight, &format!("the weight of {item}"))?;
            if rule.pattern.is_empty() {
                return Err(PackError::Empty {
                    what: "pattern",
                    item,
                });
            }
            check_pattern(&rule.id, &rule.pattern)?;
            let regex = RegexBuilder::new(&rule.pattern)
                .size_limit(SIZE_LIMIT)
                .dfa_size_limit(DFA_CACHE)
                .build()
                .map_err(|e| PackError::BadPattern {
                    id: rule.id.clone(),
                    message: first_line(&e.to_string()),
                })?;
            // Asked of a copy: a regex's first user keeps a fast cache for good, and that
            // should be a thread that analyses messages, not this build thread.
            if regex.clone().is_match("") {
                return Err(PackError::BadPattern {
                    id: rule.id.clone(),
                    message: "it matches the empty message, so it would fire on everything"
                        .to_owned(),
                });
            }
            let mut absorbs = Vec::with_capacity(rule.absorbs.len());
            for name in &rule.absorbs {
                let intent = parse_intent(name, &format!("`absorbs` of {item}"), false)?;
                if target == Target::Intent(intent) {
                    return Err(PackError::Unsupported {
                        item: format!("`absorbs` of {item}"),
                        needs: "intents other than the rule's own".to_owned(),
                    });
                }
                absorbs.push(intent);
            }
            compiled.push(CompiledRule {
                id: rule.id.clone(),
                target,
                weight: rule.weight,
                negatable: rule.negatable,
                backup,
                absorbs,
                regex,
            });
        }
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut needs = Vec::with_capacity(compiled.len());
        let mut always = Vec::new();
        for (k, rule) in compiled.iter().enumerate() {
            let Some(found) = anchors(rule.regex.as_str()) else {
                always.push(k);
                needs.push(Vec::new());
                continue;
            };
            // A rule is looked at when a word of an alternative's first (most selective) set
            // is present; the other sets are checked then.
            let mut id = |word: String, first: bool| {
                let p = match words.iter().position(|w| *w == word) {
                    Some(p) => p,
                    None => {
                        words.push(word);
                        owners.push(Vec::new());
                        words.len() - 1
                    }
                };
                if let Some(list) = owners.get_mut(p).filter(|_| first) {
                    if list.last() != Some(&k) {
                        list.push(k);
                    }
                }
                p
            };
            let by_id: Vec<Vec<Vec<usize>>> = found
                .into_iter()
                .map(|sets| {
                    sets.into_iter()
                        .enumerate()
                        .map(|(j, set)| set.into_iter().map(|w| id(w, j == 0)).collect())
                        .collect()
                })
                .collect();
            needs.push(by_id);
        }
        // Each set as a mask over the anchor words, so that a message holds a set when the
        // mask meets the words it holds: an AND or two, however long the set.
        let needs = needs
            .into_iter()
            .map(|alternatives: Vec<Vec<Vec<usize>>>| {
                alternatives
                    .into_iter()
                    .map(|sets| {
                        sets.into_iter()
                            .map(|set| {
                                let mut mask: Vec<(usize, u64)> = Vec::new();
                                for p in set {
                                    match mask.iter_mut().find(|(w, _)| *w == p / 64) {
                                        Some((_, bits)) => *bits |= 1 << (p % 64),
                                        None => mask.push((p / 64, 1 << (p % 64))),
                                    }
                                }
                                mask.into_boxed_slice()
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let anchors = if words.is_empty() {
            None
        } else {
            Some(AnchorWords::build(&words)?)
        };
        Ok(Rules {
            rules: compiled,
            anchors,
            owners,
            needs,
            always,
        })
    }

    /// Every rule that matches, with the span of its first match.
    pub(crate) fn scan(&self, text: &str, out: &mut Vec<RuleHit>) {
        // Bits for the anchor words present and for the rules worth a look; a few hundred
        // words and rules fit on the stack.
        let mut small_words = [0u64; 8];
        let mut small_rules = [0u64; 4];
        let (mut large_words, mut large_rules) = (Vec::new(), Vec::new());
        let present = bits(&mut small_words, &mut large_words, self.owners.len());
        let candidates = bits(&mut small_rules, &mut large_rules, self.rules.len());
        for &k in &self.always {
            set_bit(candidates, k);
        }
        if let Some(automaton) = &self.anchors {
            automaton.each(text, |p| {
                set_bit(present, p);
                for &k in self.owners.get(p).into_iter().flatten() {
                    set_bit(candidates, k);
                }
            });
        }
        let holds = |mask: &Mask| {
            mask.iter()
                .any(|&(w, bits)| present.get(w).is_some_and(|p| p & bits != 0))
        };
        for (w, &word) in candidates.iter().enumerate() {
            let mut left = word;
            while left != 0 {
                let k = w * 64 + left.trailing_zeros() as usize;
                left &= left - 1;
                let needs = self.needs.get(k).map_or(&[][..], Vec::as_slice);
                if !needs.is_empty() && !needs.iter().any(|sets| sets.iter().all(holds)) {
                    continue;
                }
                if let Some(m) = self.rules.get(k).and_then(|r| r.regex.find(text)) {
                    out.push(RuleHit {
                        rule: k,
                        start: m.start(),
                        end: m.end(),
                    });
                }
            }
        }
    }

    pub(crate) fn rule(&self, k: usize) -> Option<&CompiledRule> {
        self.rules.get(k)
    }
}

/// `n` bits, zeroed: in `small` when they fit, else in `large`.
fn bits<'a>(small: &'a mut [u64], large: &'a mut Vec<u64>, n: usize) -> &'a mut [u64] {
    let words = n.div_ceil(64);
    if words <= small.len() {
        small.get_mut(..words).unwrap_or_default()
    } else {
        large.resize(words, 0);
        large
    }
}

fn set_bit(bits: &mut [u64], k: usize) {
    if let Some(word) = bits.get_mut(k / 64) {
        *word |= 1 << (k % 64);
    }
}

/// Refuses what misbehaves on Chinese text: a Unicode word boundary.
pub(crate) fn check_pattern(id: &str, pattern: &str) -> Result<(), PackError> {
    if has_unicode_word_boundary(pattern) {
        return Err(PackError::BadPattern {
            id: id.to_owned(),
            message: "a Unicode `\\b` treats Chinese characters as letters and is very slow on \
                      them; write `(?-u:\\b)` for an ASCII word boundary"
                .to_owned(),
        });
    }
    Ok(())
}

/// True when the pattern has a `\b` or `\B` outside an ASCII-only group `(?-u:…)`.
fn has_unicode_word_boundary(pattern: &str) -> bool {
    let cleaned = pattern
        .replace("\\\\", "")
        .replace("(?-u:\\b)", "")
        .replace("(?-u:\\B)", "");
    cleaned.contains("\\b") || cleaned.contains("\\B")
}

/// The regex crate's last, most specific line, without its `error:` prefix.
fn first_line(s: &str) -> String {
    let line = s
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim();
    line.strip_prefix("error:")
        .unwrap_or(line)
        .trim()
        .to_owned()
}
