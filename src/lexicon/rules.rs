//! The pack's regex rules. Each rule's literal anchors (see [`anchors`](super::anchors)) are
//! found in the same walk as the lexicon's words (see [`Row`]), or by an automaton of their own
//! when the lexicon's table cannot hold them; only the rules whose anchors a message holds run
//! their regexes.
//!
//! Two settings matter on Chinese text (measured in `../shared/research/perf-baselines.md`): a
//! Unicode `\b` sends every non-ASCII message to the slow engine, so it is refused; and the
//! lazy DFA's cache is raised well above the default so it does not thrash across varied
//! messages.

use std::collections::HashSet;

use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, MatchKind, dfa, nfa};
use regex::{Regex, RegexBuilder};

use crate::bits::Bits;
use crate::error::PackError;
use crate::intent::Intent;
use crate::label::Label;
use crate::lexicon::anchors::anchors;
use crate::lexicon::table::Table;
use crate::lexicon::{Cue, check_weight, parse_intent};
use crate::pack::{CueRule, Pack, Rule};

const DFA_CACHE: usize = 16 << 20;
const SIZE_LIMIT: usize = 16 << 20;

/// One compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct CompiledRule {
    pub id: Label,
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
    /// The walk of the anchor words alone, built only for an engine whose lexicon's walk does
    /// not mark them (see [`walk_anchors_alone`](Self::walk_anchors_alone)); none until then,
    /// and none when no rule has anchors.
    anchors: Option<AnchorWords>,
    /// The anchor words, for each the rules it is a first or second anchor of, and the rules
    /// without anchors; its `needs` were flattened into `needs` below and taken out.
    plan: Plan,
    /// The scan keeps one row of bits: the anchor words present that [`holds`](Self::holds)
    /// looks for, in this many `u64`s, then the rules by their first anchors present, then by
    /// their second.
    word_slots: usize,
    /// For each rule, where its needs begin in `needs`; one more at the end.
    need_ends: Vec<usize>,
    /// For each rule, where [`holds`](Self::holds) begins to check its needs: past the first
    /// set of a rule with one alternative, which a rule worth a look holds already.
    need_starts: Vec<usize>,
    /// For each rule, what a message must hold for it to be run, by anchor word: for one of
    /// the alternatives, a word of each set. None for a rule without anchors.
    needs: Vec<Need>,
}

/// One check of a rule's needs: whether a message holds any of the anchor words `bits` in
/// the `slot`th `u64` of the words present. A set is a run of checks, any of which holds it,
/// and an alternative a run of sets; `set_end` and `alternative_end` are where the runs end
/// in `Rules::needs`.
#[derive(Clone, Copy, Debug)]
struct Need {
    slot: usize,
    bits: u64,
    set_end: usize,
    alternative_end: usize,
}

/// The automaton of the anchor words alone, for when the lexicon's walk does not mark them.
/// It is walked byte by byte rather than through `AhoCorasick`'s overlapping iterator, whose
/// bookkeeping per match cost more than the walk itself on short messages with many
/// one-character anchors.
#[derive(Clone, Debug)]
enum AnchorWords {
    /// The usual case: with, for each state where anchor words end, the bits those words
    /// set in the scan's row, the words' own and those of the rules they are first or second
    /// anchors of, as (slot, bits).
    Table(Box<Table>),
    /// For a pack whose anchor words are too many for the table.
    Dfa(dfa::DFA),
    /// For a pack whose anchor words are too many for a DFA.
    Nfa(nfa::noncontiguous::NFA),
}

impl AnchorWords {
    fn build(plan: &Plan) -> Result<AnchorWords, PackError> {
        let words = &plan.words;
        if let Some(mut table) = Table::build(words, &[] as &[&str]) {
            table.set_marks(plan.marks(&table, |k| table.words_at(k).iter().map(|&(w, _)| w)));
            return Ok(AnchorWords::Table(Box::new(table)));
        }
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

    /// Sets in `row` the bits of every anchor word in `text`, overlapping ones included,
    /// and of the rules they are first or second anchors of.
    fn mark(&self, text: &str, row: &mut [u64], plan: &Plan) {
        let (first, second) = (plan.word_slots() * 64, plan.second_rules() * 64);
        let each = |p: usize| {
            if plan.checked.get(p).copied().unwrap_or(true) {
                set_bit(row, p);
            }
            for &k in plan.owners.get(p).into_iter().flatten() {
                set_bit(row, first + k);
            }
            for &k in plan.seconds.get(p).into_iter().flatten() {
                set_bit(row, second + k);
            }
        };
        match self {
            AnchorWords::Table(table) => table.mark(text, row),
            AnchorWords::Dfa(dfa) => walk(dfa, text, each),
            AnchorWords::Nfa(nfa) => walk(nfa, text, each),
        }
    }
}

/// The rules' anchor words, numbered in the order the rules first name them, and what each
/// rule needs of them. The lexicon reads it too, to find the anchor words in the same walk as
/// its own (see [`Row`]).
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) words: Vec<String>,
    /// For each anchor word, the rules it is a first anchor of: a word of the first set of
    /// one of their alternatives.
    owners: Vec<Vec<usize>>,
    /// For each anchor word, the rules it is a second anchor of: a word of the second set of
    /// one of their alternatives, or of the only set of an alternative that has one.
    seconds: Vec<Vec<usize>>,
    /// For each anchor word, whether a row marks it: whether [`Rules::holds`] ever looks for
    /// it, as a word of a rule with more than one alternative or of a set after the second.
    /// The first two sets of a rule with one alternative are told by the rule's own bits.
    checked: Vec<bool>,
    /// For each rule, by anchor word: for one of the alternatives, a word of each set. Empty
    /// for a rule without anchors.
    needs: Vec<Vec<Vec<Vec<usize>>>>,
    /// The rules without anchors.
    always: Vec<usize>,
    /// How many rules there are.
    rules: usize,
}

impl Plan {
    /// The plan for the rules of `patterns`, in the order the rules are compiled.
    pub(crate) fn of<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Plan {
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut seconds: Vec<Vec<usize>> = Vec::new();
        let mut checked: Vec<bool> = Vec::new();
        let mut needs = Vec::new();
        let mut always = Vec::new();
        for (k, pattern) in patterns.into_iter().enumerate() {
            let Some(found) = anchors(pattern) else {
                always.push(k);
                needs.push(Vec::new());
                continue;
            };
            // A rule is looked at when a word of an alternative's first (most selective) set
            // and one of an alternative's second set are present (two bits the walk sets, an
            // AND apart); the other sets are checked then.
            let alone = found.len() == 1;
            let mut id = |word: String, first: bool, second: bool, looked: bool| {
                let p = match words.iter().position(|w| *w == word) {
                    Some(p) => p,
                    None => {
                        words.push(word);
                        owners.push(Vec::new());
                        seconds.push(Vec::new());
                        checked.push(false);
                        words.len() - 1
                    }
                };
                if let Some(c) = checked.get_mut(p) {
                    *c |= looked;
                }
                for (lists, role) in [(&mut owners, first), (&mut seconds, second)] {
                    if let Some(list) = lists.get_mut(p).filter(|_| role) {
                        if list.last() != Some(&k) {
                            list.push(k);
                        }
                    }
                }
                p
            };
            let by_id: Vec<Vec<Vec<usize>>> = found
                .into_iter()
                .map(|sets| {
                    let only = sets.len() == 1;
                    sets.into_iter()
                        .enumerate()
                        .map(|(j, set)| {
                            set.into_iter()
                                .map(|w| id(w, j == 0, j == 1 || only, !alone || j >= 2))
                                .collect()
                        })
                        .collect()
                })
                .collect();
            needs.push(by_id);
        }
        Plan {
            rules: needs.len(),
            words,
            owners,
            seconds,
            checked,
            needs,
            always,
        }
    }

    /// The plan of a pack's rules and cue rules.
    pub(crate) fn of_pack(pack: &Pack) -> Plan {
        let rules = pack.rules.iter().map(|r| r.pattern.as_str());
        Plan::of(rules.chain(pack.cue_rules.iter().map(|c| c.pattern.as_str())))
    }

    /// How many `u64`s of a [`Row`] the anchor words take.
    fn word_slots(&self) -> usize {
        self.words.len().div_ceil(64)
    }

    /// How many `u64`s a [`Row`] of the rules takes: the anchor words, then the rules by
    /// their first anchors, then by their second. Whatever a walk marks beyond it (the
    /// template cues, see [`cue_list`](crate::reply::cue_list)) is the caller's.
    pub(crate) fn row_len(&self) -> usize {
        self.word_slots() + 2 * self.rules.div_ceil(64)
    }

    /// Where in a [`Row`] the rules by their second anchors begin, in `u64`s.
    fn second_rules(&self) -> usize {
        self.word_slots() + self.rules.div_ceil(64)
    }

    /// For each state of `table` where words end, the bits its anchor words set in a
    /// [`Row`]: their own and those of the rules they are first or second anchors of.
    pub(crate) fn marks<I: Iterator<Item = u32>>(
        &self,
        table: &Table,
        words_at: impl Fn(usize) -> I,
    ) -> Vec<Vec<(usize, u64)>> {
        let rules = self.word_slots() * 64;
        let second = self.second_rules() * 64;
        let mut all = Vec::with_capacity(table.match_states());
        for k in 0..table.match_states() {
            let mut marks: Vec<(usize, u64)> = Vec::new();
            for word in words_at(k) {
                let word = word as usize;
                let owners = self.owners.get(word).into_iter().flatten();
                let seconds = self.seconds.get(word).into_iter().flatten();
                let own = self.checked.get(word).copied().unwrap_or(true);
                let bits = std::iter::once(word)
                    .filter(|_| own)
                    .chain(owners.map(|r| rules + r))
                    .chain(seconds.map(|r| second + r));
                for bit in bits {
                    add_mark(&mut marks, bit);
                }
            }
            all.push(marks);
        }
        all
    }
}

/// Adds bit `bit` of a row to `marks`, as (slot, bits), a slot once.
pub(crate) fn add_mark(marks: &mut Vec<(usize, u64)>, bit: usize) {
    match marks.iter_mut().find(|(slot, _)| *slot == bit / 64) {
        Some((_, bits)) => *bits |= 1 << (bit % 64),
        None => marks.push((bit / 64, 1 << (bit % 64))),
    }
}

/// The bits a message's anchor words set: the words present, then the rules by their first
/// anchors present, then by their second; a rule with both bits is worth a look.
/// The lexicon's scan fills it when its table holds the anchor words too, which spares the
/// rules a walk of their own.
pub(crate) struct Row {
    bits: Bits,
    /// Whether the anchor words are marked.
    pub(crate) marked: bool,
}

impl Row {
    pub(crate) fn bits(&mut self) -> &mut [u64] {
        self.bits.words_mut()
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

/// The rules matched in one message: rarely more than a few, kept on the stack.
pub(crate) type RuleHits = crate::inline::Inline<RuleHit, 8>;

/// A rule match, by byte range of the normalised text.
#[derive(Clone, Copy, Debug, Default)]
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
                id: Label::new(&rule.id),
                target,
                weight: rule.weight,
                negatable: rule.negatable,
                backup,
                absorbs,
                regex,
            });
        }
        let mut plan = Plan::of(compiled.iter().map(|r| r.regex.as_str()));
        // Each set as a mask over the anchor words, so that a message holds a set when the
        // mask meets the words it holds: an AND or two, however long the set. The nested
        // lists are taken out of the plan, which the rules keep only for its words and owners.
        let needs = std::mem::take(&mut plan.needs);
        let mut flat = Vec::new();
        let mut need_ends = Vec::with_capacity(needs.len() + 1);
        for alternatives in &needs {
            let rule = flat.len();
            need_ends.push(rule);
            for sets in alternatives {
                if sets.is_empty() {
                    // An alternative that needs nothing: neither does the rule.
                    flat.truncate(rule);
                    break;
                }
                let alternative = flat.len();
                for set in sets {
                    let from = flat.len();
                    for &p in set {
                        let mask = flat.get_mut(from..).unwrap_or_default();
                        match mask.iter_mut().find(|n: &&mut Need| n.slot == p / 64) {
                            Some(need) => need.bits |= 1 << (p % 64),
                            None => flat.push(Need {
                                slot: p / 64,
                                bits: 1 << (p % 64),
                                set_end: 0,
                                alternative_end: 0,
                            }),
                        }
                    }
                    if flat.len() == from {
                        // An empty set, never held.
                        flat.push(Need {
                            slot: 0,
                            bits: 0,
                            set_end: 0,
                            alternative_end: 0,
                        });
                    }
                    let end = flat.len();
                    for need in flat.get_mut(from..).unwrap_or_default() {
                        need.set_end = end;
                    }
                }
                let end = flat.len();
                for need in flat.get_mut(alternative..).unwrap_or_default() {
                    need.alternative_end = end;
                }
            }
        }
        need_ends.push(flat.len());
        let need_starts = need_ends
            .windows(2)
            .map(|w| {
                let &[from, to] = w else { return 0 };
                let Some(first) = flat.get(from..to).and_then(|needs| needs.first()) else {
                    return from;
                };
                if first.alternative_end != to {
                    return from;
                }
                // One alternative: its first two sets are held already.
                match flat.get(first.set_end..to).and_then(|needs| needs.first()) {
                    Some(second) => second.set_end,
                    None => first.set_end,
                }
            })
            .collect();
        Ok(Rules {
            need_starts,
            rules: compiled,
            anchors: None,
            word_slots: plan.word_slots(),
            plan,
            need_ends,
            needs: flat,
        })
    }

    /// Builds the walk that finds the anchor words alone, for an engine whose lexicon's
    /// walk cannot mark them too. Most engines never need it: their lexicon marks the
    /// anchors in the walk it makes anyway, and this walk's table would only take memory
    /// and build time.
    pub(crate) fn walk_anchors_alone(&mut self) -> Result<(), PackError> {
        if self.anchors.is_none() && !self.plan.words.is_empty() {
            self.anchors = Some(AnchorWords::build(&self.plan)?);
        }
        Ok(())
    }

    /// How many `u64`s of a [`Row`] the rules use: the anchor words, then the rules twice; as
    /// [`Plan::row_len`] of the plan the lexicon's walk marks by.
    pub(crate) fn row_len(&self) -> usize {
        self.word_slots + 2 * self.rules.len().div_ceil(64)
    }

    /// A row of bits for [`scan_row`](Self::scan_row), zeroed and unmarked, with `more` words
    /// after the rules' own for the lexicon's walk to mark the template cues in.
    pub(crate) fn row(&self, more: usize) -> Row {
        Row {
            bits: Bits::new(self.row_len() + more),
            marked: false,
        }
    }

    /// Every rule that matches `text`, with the span of its first match. The anchor words of
    /// `text` are marked in `row` already if its `marked` says so.
    pub(crate) fn scan_row(&self, text: &str, row: &mut Row, out: &mut RuleHits) {
        let marked = row.marked;
        let row = row.bits();
        // The words after the rules' own are the template cues'.
        let own = self.row_len().min(row.len());
        let row = row.get_mut(..own).unwrap_or_default();
        // Without anchors marked and without a walk to mark them, every rule is tried.
        let unfiltered = !marked && self.anchors.is_none();
        if let Some(automaton) = self.anchors.as_ref().filter(|_| !marked) {
            automaton.mark(text, row, &self.plan);
        }
        let Some((present, rules)) = row.split_at_mut_checked(self.word_slots) else {
            return;
        };
        let (firsts, seconds) = rules.split_at_mut(rules.len() / 2);
        if unfiltered {
            firsts.fill(u64::MAX);
            seconds.fill(u64::MAX);
        }
        for &k in &self.plan.always {
            set_bit(firsts, k);
            set_bit(seconds, k);
        }
        for (w, (&first, &second)) in firsts.iter().zip(seconds.iter()).enumerate() {
            // A rule is worth a look when words of a first and of a second set are present.
            let mut left = first & second;
            while left != 0 {
                let k = w * 64 + left.trailing_zeros() as usize;
                left &= left - 1;
                if !unfiltered && !self.holds(k, present) {
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

    /// Whether the anchor words `present` hold what rule `k` needs: for an alternative, a
    /// word of each set. A rule without anchors needs nothing. Only asked of a rule whose
    /// bits a first-set and a second-set word set (see [`Plan::owners`]), so the first two
    /// sets of a rule with one alternative are held already and are not checked again.
    fn holds(&self, k: usize, present: &[u64]) -> bool {
        let (Some(&from), Some(&to)) = (self.need_starts.get(k), self.need_ends.get(k + 1)) else {
            return true;
        };
        let Some(needs) = self.needs.get(from..to) else {
            return true;
        };
        let mut i = 0;
        while let Some(need) = needs.get(i) {
            if present.get(need.slot).is_some_and(|p| p & need.bits != 0) {
                // The set is held: on to the next, unless that was the alternative's last.
                if need.set_end == need.alternative_end {
                    return true;
                }
                i = need.set_end - from;
            } else if i + from + 1 == need.set_end {
                // The set is not: on to the next alternative.
                i = need.alternative_end - from;
            } else {
                i += 1;
            }
        }
        needs.is_empty()
    }

    pub(crate) fn rule(&self, k: usize) -> Option<&CompiledRule> {
        self.rules.get(k)
    }
}

/// Sets bit `k` of a list of bits, if the list reaches it.
pub(crate) fn set_bit(bits: &mut [u64], k: usize) {
    if let Some(word) = bits.get_mut(k / 64) {
        *word |= 1 << (k % 64);
    }
}

/// Whether bit `k` of a list of bits is set.
#[inline]
pub(crate) fn has_bit(bits: &[u64], k: usize) -> bool {
    bits.get(k / 64)
        .is_some_and(|word| word >> (k % 64) & 1 == 1)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Plan, Rules};
    use crate::lexicon::anchors::anchors;
    use crate::pack::Pack;

    fn builtin() -> Rules {
        let pack = Pack::builtin().unwrap();
        let mut rules = Rules::build(&pack.rules, &pack.cue_rules).unwrap();
        rules.walk_anchors_alone().unwrap();
        rules
    }

    /// The anchor words by index, as the rules were built.
    fn words(rules: &Rules) -> Vec<String> {
        let mut words = Vec::new();
        for rule in &rules.rules {
            for sets in anchors(rule.regex.as_str()).into_iter().flatten() {
                for word in sets.into_iter().flatten() {
                    if !words.contains(&word) {
                        words.push(word);
                    }
                }
            }
        }
        words
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_flat_needs_read_as_the_anchors(seed in prop::collection::vec(any::<u64>(), 8)) {
            let rules = builtin();
            let words = words(&rules);
            // Sparse sets of words present, as in messages.
            let present: Vec<u64> = seed
                .iter()
                .map(|s| s & s.rotate_left(17) & s.rotate_left(29))
                .take(rules.word_slots)
                .collect();
            let has = |w: &String| {
                words.iter().position(|x| x == w).is_some_and(|p| {
                    present.get(p / 64).is_some_and(|bits| bits >> (p % 64) & 1 == 1)
                })
            };
            for (k, rule) in rules.rules.iter().enumerate() {
                // A rule with one alternative is asked only once its bits say that its first
                // two sets are held, and holds looks at the others.
                let expected = anchors(rule.regex.as_str()).is_none_or(|alternatives| {
                    let skip = if alternatives.len() == 1 { 2 } else { 0 };
                    alternatives
                        .iter()
                        .any(|sets| sets.iter().skip(skip).all(|set| set.iter().any(has)))
                });
                prop_assert_eq!(rules.holds(k, &present), expected, "{}", rule.id);
            }
        }
    }

    #[test]
    fn a_message_marks_its_anchor_words() {
        let rules = builtin();
        let words = words(&rules);
        let text = "什么时候发货,3天能到吗";
        let mut row = rules.row(0);
        if let Some(anchors) = &rules.anchors {
            anchors.mark(text, row.bits(), &rules.plan);
        }
        for (p, word) in words.iter().enumerate() {
            let marked = row.bits()[p / 64] >> (p % 64) & 1 == 1;
            let checked = rules.plan.checked[p];
            assert_eq!(marked, checked && text.contains(word.as_str()), "{word}");
        }
        // The lexicon's walk marks the same bits, of the words and of the rules.
        let pack = Pack::builtin().unwrap();
        let walkless = Rules::build(&pack.rules, &pack.cue_rules).unwrap();
        assert!(walkless.anchors.is_none());
        // With the template cues in the walk too: their marks fall beyond the rules' row.
        let cues = crate::reply::cue_list(&pack.templates);
        let lexicon = crate::lexicon::Lexicon::build(&pack, &cues).unwrap();
        assert!(lexicon.cue_slot().is_some());
        // The cues' marks leave the rules' row as a walk without them does.
        let without = crate::lexicon::Lexicon::build(&pack, &[]).unwrap();
        assert!(without.cue_slot().is_none());
        for line in include_str!("../../tests/data/snapshot.tsv").lines() {
            let message = line.split('\t').next().unwrap_or_default();
            let text = crate::normalize::normalize(message).into_string();
            let mut with_cues = rules.row(0);
            lexicon.scan_and_mark(&text, &mut crate::lexicon::Hits::new(), &mut with_cues);
            let mut own = rules.row(0);
            without.scan_and_mark(&text, &mut crate::lexicon::Hits::new(), &mut own);
            assert_eq!(with_cues.bits(), own.bits(), "{text}");
            // The rules the row lets through find what trying every rule finds.
            let mut found = super::RuleHits::new();
            rules.scan_row(&text, &mut own, &mut found);
            let mut every = super::RuleHits::new();
            walkless.scan_row(&text, &mut walkless.row(0), &mut every);
            let spans = |hits: &super::RuleHits| {
                hits.iter()
                    .map(|h| (h.rule, h.start, h.end))
                    .collect::<Vec<_>>()
            };
            assert_eq!(spans(&found), spans(&every), "{text}");
        }
        for text in [
            text,
            "",
            "在吗",
            "3天能到吗?160斤穿什么码,发票补寄一下",
            "aBc 12kg~!",
        ] {
            let mut own = rules.row(0);
            if let Some(anchors) = &rules.anchors {
                anchors.mark(text, own.bits(), &rules.plan);
            }
            let mut shared = rules.row(0);
            lexicon.scan_and_mark(text, &mut crate::lexicon::Hits::new(), &mut shared);
            assert!(shared.marked);
            assert_eq!(own.bits(), shared.bits(), "{text}");
            // And the rules find the same, marked by the lexicon or by themselves.
            let spans = |row: &mut super::Row| {
                let mut out = super::RuleHits::new();
                rules.scan_row(text, row, &mut out);
                out.iter()
                    .map(|h| (h.rule, h.start, h.end))
                    .collect::<Vec<_>>()
            };
            assert_eq!(spans(&mut shared), spans(&mut rules.row(0)), "{text}");
            // Rules with no walk of their own, given an unmarked row, try every rule.
            let mut unfiltered = super::RuleHits::new();
            walkless.scan_row(text, &mut walkless.row(0), &mut unfiltered);
            let unfiltered: Vec<_> = unfiltered
                .iter()
                .map(|h| (h.rule, h.start, h.end))
                .collect();
            assert_eq!(spans(&mut rules.row(0)), unfiltered, "{text}");
        }
        assert_eq!(Plan::of_pack(&pack).words, words);
    }
}
