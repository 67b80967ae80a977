//! The pack's regex rules. Each rule's literal anchors (see [`anchors`](super::anchors)) go
//! into one automaton; a message is scanned for them once, and only the rules whose anchors it
//! holds run their regexes.
//!
//! Two settings matter on Chinese text (measured in `../shared/research/perf-baselines.md`): a
//! Unicode `\b` sends every non-ASCII message to the slow engine, so it is refused; and the
//! lazy DFA's cache is raised well above the default so it does not thrash across varied
//! messages.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};
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
    /// Every anchor of every rule that has them; none when no rule has.
    anchors: Option<AhoCorasick>,
    /// For each anchor, the rules it belongs to.
    owners: Vec<Vec<usize>>,
    /// The rules without anchors, tried on every message.
    always: Vec<usize>,
}

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
        let mut always = Vec::new();
        for (k, rule) in compiled.iter().enumerate() {
            let Some(found) = anchors(rule.regex.as_str()) else {
                always.push(k);
                continue;
            };
            for word in found {
                match words.iter().position(|w| *w == word) {
                    Some(p) => {
                        if let Some(list) = owners.get_mut(p) {
                            list.push(k);
                        }
                    }
                    None => {
                        words.push(word);
                        owners.push(vec![k]);
                    }
                }
            }
        }
        let anchors = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&words)
                    .map_err(|e| PackError::Automaton {
                        message: e.to_string(),
                    })?,
            )
        };
        Ok(Rules {
            rules: compiled,
            anchors,
            owners,
            always,
        })
    }

    /// Every rule that matches, with the span of its first match.
    pub(crate) fn scan(&self, text: &str, out: &mut Vec<RuleHit>) {
        // The rules worth running, a bit each; packs seldom have more than 256 rules, and
        // those bits fit on the stack.
        let words = self.rules.len().div_ceil(64);
        let mut small = [0u64; 4];
        let mut large = Vec::new();
        let wanted: &mut [u64] = if words <= small.len() {
            small.get_mut(..words).unwrap_or_default()
        } else {
            large.resize(words, 0);
            &mut large
        };
        let mut want = |k: usize| {
            if let Some(word) = wanted.get_mut(k / 64) {
                *word |= 1 << (k % 64);
            }
        };
        for &k in &self.always {
            want(k);
        }
        if let Some(automaton) = &self.anchors {
            for m in automaton.find_overlapping_iter(text) {
                for &k in self.owners.get(m.pattern().as_usize()).into_iter().flatten() {
                    want(k);
                }
            }
        }
        for (w, &word) in wanted.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let k = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
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
