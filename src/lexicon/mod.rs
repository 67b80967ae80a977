//! Stage 2, match: one automaton over every word of the pack (intent terms, negation cues,
//! blockers) and the anchor words of its regex rules (see [`table`]), the rules, and the
//! fallback's word segmenter.
//!
//! The words are read leftmost-longest, so at each position the longest word wins: a blocker
//! such as 二维码 hides the 码 inside it, and 质量问题 is read as one term rather than two.

pub(crate) mod anchors;
pub(crate) mod cut;
pub(crate) mod rules;
pub(crate) mod segment;
pub(crate) mod table;

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::error::PackError;
use crate::intent::Intent;
use crate::label::Label;
use crate::normalize::normalize;
use crate::notes::NoteKind;
use crate::objection::ObjectionKind;
use crate::pack::Pack;
use crate::traits::TraitName;
use rules::{Plan, Row};
use table::Table;

/// What one word of the automaton means. A word can be several things at once (a term of two
/// intents, or a term and a negation cue).
#[derive(Clone, Debug, Default)]
pub(crate) struct Word {
    pub terms: Vec<TermRole>,
    /// The traits, notes and objections it shows.
    pub cues: Vec<CueRole>,
    /// A cue that cancels the term after it.
    pub negation: bool,
    /// A cue that cancels the term before it.
    pub negation_after: bool,
    /// A cue that cancels the term after it when the term names a problem.
    pub denial: bool,
    /// A blocker: it hides the words inside it and means nothing itself.
    pub blocker: bool,
}

/// Which way a negation cue reaches.
#[derive(Clone, Copy, Debug)]
enum CueKind {
    /// It cancels the term after it.
    Before,
    /// It cancels the term before it.
    After,
    /// It cancels the term after it when the term names a problem.
    Denial,
}

/// One intent a word points at.
#[derive(Clone, Debug)]
pub(crate) struct TermRole {
    pub intent: Intent,
    pub weight: f32,
    pub negatable: bool,
    pub backup: bool,
    /// `intent/word`, as shown in evidence.
    pub id: Label,
    /// Where the term lies inside a longer word that took it over (see [`inherit`]), as a
    /// byte range of that word; `None` for the word itself.
    pub inner: Option<(usize, usize)>,
}

/// What a cue word or cue rule points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cue {
    Trait(TraitName),
    Note(NoteKind),
    Objection(ObjectionKind),
}

impl Cue {
    /// Reads the `trait` / `note` / `objection` fields of a cue group or rule: exactly one
    /// must be set, to a name the crate knows.
    pub(crate) fn parse(
        trait_: Option<&str>,
        note: Option<&str>,
        objection: Option<&str>,
        item: &str,
    ) -> Result<Cue, PackError> {
        let unknown = |kind: &'static str, name: &str, known: String| PackError::Unknown {
            kind,
            name: name.to_owned(),
            item: item.to_owned(),
            known,
        };
        match (trait_, note, objection) {
            (Some(t), None, None) => t.parse::<TraitName>().map(Cue::Trait).map_err(|()| {
                unknown(
                    "trait",
                    t,
                    "angry, impatient, urgent, price_sensitive, quality_focus, style_focus, \
                     haggling, returning, purchase, gender=female|male, \
                     age_band=young|middle|older"
                        .to_owned(),
                )
            }),
            (None, Some(n), None) => NoteKind::ALL
                .into_iter()
                .find(|k| k.as_str() == n.trim())
                .map(Cue::Note)
                .ok_or_else(|| unknown("note", n, names(NoteKind::ALL.map(NoteKind::as_str)))),
            (None, None, Some(o)) => ObjectionKind::ALL
                .into_iter()
                .find(|k| k.as_str() == o.trim())
                .map(Cue::Objection)
                .ok_or_else(|| {
                    unknown(
                        "objection",
                        o,
                        names(ObjectionKind::ALL.map(ObjectionKind::as_str)),
                    )
                }),
            _ => Err(PackError::Target {
                item: item.to_owned(),
            }),
        }
    }

    /// The name shown in evidence ids.
    pub(crate) fn name(self) -> String {
        match self {
            Cue::Trait(t) => t.to_string(),
            Cue::Note(n) => n.as_str().to_owned(),
            Cue::Objection(o) => o.as_str().to_owned(),
        }
    }
}

fn names<const N: usize>(list: [&str; N]) -> String {
    list.join(", ")
}

/// One trait, note or objection a word points at.
#[derive(Clone, Debug)]
pub(crate) struct CueRole {
    pub cue: Cue,
    pub weight: f32,
    pub negatable: bool,
    /// `name/word`, as shown in evidence.
    pub id: Label,
    /// As for [`TermRole::inner`].
    pub inner: Option<(usize, usize)>,
}

/// A word found in a normalised message, by byte range of the normalised text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Hit {
    pub word: usize,
    pub start: usize,
    pub end: usize,
}

/// The words found in one message. A buyer's message rarely holds more than sixteen: they
/// are kept on the stack, and only a longer message's go to the heap, so that most messages
/// neither allocate nor free a list (a free alone costs some ninety instructions).
pub(crate) type Hits = crate::inline::Inline<Hit, 16>;

/// The compiled word list.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    finder: Finder,
    words: Vec<Word>,
    /// The normalised form of each word, index-aligned with `words`.
    patterns: Vec<String>,
    /// Per word, whether it starts and ends with an ASCII letter or digit (and so must stand
    /// apart from ASCII neighbours), index-aligned with `words`.
    ascii_edges: Vec<(bool, bool)>,
    /// The words that make a term a problem for a denial cue, normalised.
    problems: Vec<String>,
    /// Per word, whether it ends with one of `problems` (质量问题), index-aligned with `words`.
    ends_in_problem: Vec<bool>,
}

impl Lexicon {
    /// The lexicon of `pack`. Its walk also marks the template cues `cues` (as
    /// [`cue_list`](crate::reply::cue_list) reads them) when its table can hold them; see
    /// [`cue_slot`](Self::cue_slot).
    pub(crate) fn build(pack: &Pack, cues: &[String]) -> Result<Lexicon, PackError> {
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
        // (word, the term it is, the negation cue it is)
        let mut found: Vec<(usize, Option<TermRole>, Option<CueKind>)> = Vec::new();
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
                    id: format!("{}/{}", intent, w.trim()).into(),
                    inner: None,
                };
                found.push((k, Some(role), None));
            }
        }
        let mut cue_roles: Vec<(usize, CueRole)> = Vec::new();
        for (g, group) in pack.cues.iter().enumerate() {
            let item = format!("cues group {}", g + 1);
            let cue = Cue::parse(
                group.trait_.as_deref(),
                group.note.as_deref(),
                group.objection.as_deref(),
                &item,
            )?;
            let item = format!("cues group {} (`{}`)", g + 1, cue.name());
            check_weight(group.weight, &format!("the weight of {item}"))?;
            for w in &group.words {
                let k = slot(w, "cue word", &item)?;
                cue_roles.push((
                    k,
                    CueRole {
                        cue,
                        weight: group.weight,
                        negatable: group.negatable,
                        id: format!("{}/{}", cue.name(), w.trim()).into(),
                        inner: None,
                    },
                ));
            }
        }
        let cue_lists = [
            (&pack.negation.cues, "`negation.cues`", CueKind::Before),
            (&pack.negation.after, "`negation.after`", CueKind::After),
            (
                &pack.negation.denials,
                "`negation.denials`",
                CueKind::Denial,
            ),
        ];
        for (list, item, kind) in cue_lists {
            for cue in list {
                let k = slot(cue, "negation cue", item)?;
                found.push((k, None, Some(kind)));
            }
        }
        let mut blockers = Vec::new();
        for w in &pack.blockers.words {
            let k = slot(w, "blocker", "`blockers.words`")?;
            found.push((k, None, None));
            blockers.push(k);
        }
        for &k in &blockers {
            if let Some(word) = words.get_mut(k) {
                word.blocker = true;
            }
        }
        for (k, role, cue) in found {
            let Some(word) = words.get_mut(k) else {
                continue;
            };
            match cue {
                Some(CueKind::Before) => word.negation = true,
                Some(CueKind::After) => word.negation_after = true,
                Some(CueKind::Denial) => word.denial = true,
                None => {}
            }
            if let Some(role) = role {
                if word.terms.iter().any(|t| t.intent == role.intent) {
                    return Err(PackError::Duplicate {
                        kind: "term",
                        id: role.id.into(),
                    });
                }
                word.terms.push(role);
            }
        }
        for (k, role) in cue_roles {
            let Some(word) = words.get_mut(k) else {
                continue;
            };
            if word.cues.iter().any(|c| c.cue == role.cue) {
                return Err(PackError::Duplicate {
                    kind: "cue word",
                    id: role.id.into(),
                });
            }
            word.cues.push(role);
        }
        inherit(&mut words, &patterns)?;
        let finder = Finder::build(&patterns, &Plan::of_pack(pack), cues)?;
        let ascii_edges = patterns
            .iter()
            .map(|p| {
                let alnum = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
                (alnum(p.bytes().next()), alnum(p.bytes().last()))
            })
            .collect();
        let mut problems = Vec::with_capacity(pack.negation.problems.len());
        for p in &pack.negation.problems {
            let p = normalize(p).into_string();
            if p.is_empty() {
                return Err(PackError::Empty {
                    what: "problem word",
                    item: "`negation.problems`".to_owned(),
                });
            }
            problems.push(p);
        }
        if problems.is_empty() && !pack.negation.denials.is_empty() {
            // Without problem words a denial cue could never cancel anything.
            return Err(PackError::Unsupported {
                item: "`negation.denials`".to_owned(),
                needs: "at least one word in `negation.problems`".to_owned(),
            });
        }
        let ends_in_problem = patterns
            .iter()
            .map(|w| problems.iter().any(|p| w.ends_with(p.as_str())))
            .collect();
        Ok(Lexicon {
            finder,
            words,
            patterns,
            ascii_edges,
            problems,
            ends_in_problem,
        })
    }

    /// Finds every word in a normalised message, leftmost-longest, into `out`, and marks the
    /// rules' anchor words in `row` when the lexicon's table holds them too, which spares the
    /// rules a walk of their own; likewise the template cues, from [`cue_slot`](Self::cue_slot)
    /// on, when the row reaches that far.
    ///
    /// An ASCII word only counts where it stands alone among ASCII letters and digits, so
    /// `size` matches in `size多大` but not in `sizes`, and `m` never matches inside `cm`.
    pub(crate) fn scan_and_mark(&self, text: &str, out: &mut Hits, row: &mut Row) {
        self.find(text, out, Some(row));
    }

    /// As [`scan_and_mark`](Self::scan_and_mark), without a row.
    #[cfg(test)]
    pub(crate) fn scan(&self, text: &str, out: &mut Hits) {
        self.find(text, out, None);
    }

    fn find(&self, text: &str, out: &mut Hits, row: Option<&mut Row>) {
        let mut keep = |word: usize, start: usize, end: usize| {
            let bytes = text.as_bytes();
            let (ascii_start, ascii_end) = self.ascii_edges.get(word).copied().unwrap_or_default();
            let alnum = |at: Option<usize>| {
                at.and_then(|i| bytes.get(i))
                    .is_some_and(|b| b.is_ascii_alphanumeric())
            };
            let glued_before = ascii_start && alnum(start.checked_sub(1));
            let glued_after = ascii_end && alnum(Some(end));
            if !(glued_before || glued_after) {
                out.push(Hit { word, start, end });
            }
        };
        match (&self.finder, row) {
            // A table without marks leaves the row as it is.
            (Finder::Table(table, anchors, _), Some(row)) => {
                table.leftmost_longest(text, keep, row.bits());
                row.marked = *anchors;
            }
            (Finder::Table(table, ..), None) => table.leftmost_longest(text, keep, &mut []),
            (Finder::Nfa(automaton), _) => {
                for m in automaton.find_iter(text) {
                    keep(m.pattern().as_usize(), m.start(), m.end());
                }
            }
        }
    }

    /// Whether the walk marks the rules' anchor words too (see [`scan_and_mark`](Self::scan_and_mark)).
    pub(crate) fn marks_anchors(&self) -> bool {
        matches!(self.finder, Finder::Table(_, true, _))
    }

    /// Where in a row the walk marks the template cues, a bit per cue id, when its table
    /// holds them: right after the rules' own words ([`Plan::row_len`]).
    pub(crate) fn cue_slot(&self) -> Option<usize> {
        match self.finder {
            Finder::Table(_, _, slot) => slot,
            Finder::Nfa(_) => None,
        }
    }

    /// The lexicon's table, when it has one, for the fallback's cut to walk as well (its
    /// words are [`patterns`](Self::patterns), by number).
    pub(crate) fn table(&self) -> Option<&Arc<Table>> {
        match &self.finder {
            Finder::Table(table, ..) => Some(table),
            Finder::Nfa(_) => None,
        }
    }

    pub(crate) fn word(&self, k: usize) -> Option<&Word> {
        self.words.get(k)
    }

    /// The normalised patterns, for benchmarks and tooling.
    pub(crate) fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether the word `hit` names a problem: a problem word ends it or comes right after
    /// it in `text`.
    pub(crate) fn names_problem(&self, text: &str, hit: &Hit) -> bool {
        let rest = text.get(hit.end..).unwrap_or_default();
        self.ends_in_problem.get(hit.word).copied().unwrap_or(false)
            || self.problems.iter().any(|p| rest.starts_with(p.as_str()))
    }

    /// The words the fallback's segmenter keeps whole: intent terms, negation cues and
    /// blockers. Trait, note and objection cues are left out, so adding them to a pack does
    /// not change how the fallback reads intents.
    pub(crate) fn segmenter_words(&self) -> impl Iterator<Item = &String> {
        self.patterns
            .iter()
            .zip(&self.words)
            .filter(|(_, w)| {
                w.terms.iter().any(|t| t.inner.is_none())
                    || w.blocker
                    || w.negation
                    || w.negation_after
                    || w.denial
            })
            .map(|(p, _)| p)
    }
}

/// What finds the words in a message.
#[derive(Clone, Debug)]
enum Finder {
    /// With whether the table holds the rules' anchor words too, and marks them, and where
    /// in the row it marks the template cues, when it holds those too.
    Table(Arc<Table>, bool, Option<usize>),
    /// For a lexicon too large for the table. A contiguous NFA, not a DFA: the engine builds
    /// faster and holds much less (README, Performance).
    Nfa(AhoCorasick),
}

impl Finder {
    /// The finder of `patterns`, whose table, as far as it can hold them, also marks the
    /// anchor words of `plan` and the template cues `cues`: both, else the anchor words
    /// alone, else nothing.
    fn build(patterns: &[String], plan: &Plan, cues: &[String]) -> Result<Finder, PackError> {
        if !cues.is_empty() {
            if let Some(finder) = Finder::with_cues(patterns, plan, cues) {
                return Ok(finder);
            }
        }
        if !plan.words.is_empty() {
            if let Some(mut table) = Table::build(patterns, &plan.words) {
                table.set_marks(plan.marks(&table, |k| table.others_at(k).iter().copied()));
                return Ok(Finder::Table(Arc::new(table), true, None));
            }
        }
        if let Some(table) = Table::build(patterns, &[] as &[&str]) {
            return Ok(Finder::Table(Arc::new(table), false, None));
        }
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(patterns)
            .map(Finder::Nfa)
            .map_err(|e| PackError::Automaton {
                message: e.to_string(),
            })
    }

    /// The table that marks the anchor words and, after the rules' part of the row, the
    /// template cues by id, every occurrence (overlapping ones too), as the replies' own
    /// search would find them; `None` when the table cannot hold them all.
    fn with_cues(patterns: &[String], plan: &Plan, cues: &[String]) -> Option<Finder> {
        // The table's second list holds each word once: the anchor words, then the cues that
        // are not anchor words too, with the cue each one is.
        let mut others: Vec<&str> = plan.words.iter().map(String::as_str).collect();
        let mut cue_of: Vec<Option<usize>> = vec![None; others.len()];
        for (id, cue) in cues.iter().enumerate() {
            match others.iter().position(|w| w == cue) {
                Some(k) => *cue_of.get_mut(k)? = Some(id),
                None => {
                    others.push(cue);
                    cue_of.push(Some(id));
                }
            }
        }
        let mut table = Table::build(patterns, &others)?;
        let anchors = plan.words.len();
        let mut marks = plan.marks(&table, |k| {
            let at = table.others_at(k).iter().copied();
            at.filter(move |&w| (w as usize) < anchors)
        });
        let slot = plan.row_len();
        for (k, marks) in marks.iter_mut().enumerate() {
            for &w in table.others_at(k) {
                if let Some(&Some(id)) = cue_of.get(w as usize) {
                    rules::add_mark(marks, slot * 64 + id);
                }
            }
        }
        table.set_marks(marks);
        Some(Finder::Table(Arc::new(table), anchors > 0, Some(slot)))
    }
}

/// Lets a longer word keep the meaning of the other kind of word inside it.
///
/// The automaton reports one word per position, the longest. Within one kind that is the
/// point (质量问题 is read as one term, not as 质量 and 问题), but a trait, note or objection
/// cue must not hide an intent term (包邮吗 is a trait cue and still asks about 包邮), nor an
/// intent term a cue (尽快发货 asks about shipping and shows urgency). So a word with cues only
/// takes over the intent terms inside it, and a word with intent terms takes over the cues
/// inside it that it does not already have, each found leftmost-longest and kept with its
/// place in the word. Blockers and negation cues take over nothing: hiding is what they are
/// for. A pack that does not want a cue inside a longer term (划算 in 聚划算) gives the cue a
/// hint's weight, or lists the longer word as a cue of its own.
fn inherit(words: &mut [Word], patterns: &[String]) -> Result<(), PackError> {
    let terms = Inside::build(words, patterns, |w| !w.terms.is_empty())?;
    let cues = Inside::build(words, patterns, |w| !w.cues.is_empty())?;
    let mut taken: Vec<(usize, Vec<TermRole>, Vec<CueRole>)> = Vec::new();
    for (k, word) in words.iter().enumerate() {
        if word.blocker || word.negation || word.negation_after || word.denial {
            continue;
        }
        let Some(pattern) = patterns.get(k) else {
            continue;
        };
        let mut new_terms = Vec::new();
        let mut new_cues = Vec::new();
        if word.terms.is_empty() && !word.cues.is_empty() {
            for (j, start, end) in terms.find(pattern) {
                for role in words.get(j).into_iter().flat_map(|w| &w.terms) {
                    new_terms.push(TermRole {
                        inner: Some((start, end)),
                        ..role.clone()
                    });
                }
            }
        }
        if !word.terms.is_empty() {
            for (j, start, end) in cues.find(pattern) {
                for role in words.get(j).into_iter().flat_map(|w| &w.cues) {
                    new_cues.push(CueRole {
                        inner: Some((start, end)),
                        ..role.clone()
                    });
                }
            }
        }
        if !new_terms.is_empty() || !new_cues.is_empty() {
            taken.push((k, new_terms, new_cues));
        }
    }
    for (k, new_terms, new_cues) in taken {
        if let Some(word) = words.get_mut(k) {
            for t in new_terms {
                if !word.terms.iter().any(|x| x.intent == t.intent) {
                    word.terms.push(t);
                }
            }
            for c in new_cues {
                if !word.cues.iter().any(|x| x.cue == c.cue) {
                    word.cues.push(c);
                }
            }
        }
    }
    Ok(())
}

/// The words of one kind (and the blockers), for finding them inside longer words.
struct Inside {
    automaton: AhoCorasick,
    ids: Vec<usize>,
}

impl Inside {
    fn build(
        words: &[Word],
        patterns: &[String],
        keep: fn(&Word) -> bool,
    ) -> Result<Inside, PackError> {
        let ids: Vec<usize> = (0..words.len())
            .filter(|&k| words.get(k).is_some_and(|w| keep(w) || w.blocker))
            .collect();
        // Searched only here, over the pack's own short words: the automaton that is
        // quickest to build does.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(ids.iter().filter_map(|&k| patterns.get(k)))
            .map_err(|e| PackError::Automaton {
                message: e.to_string(),
            })?;
        Ok(Inside { automaton, ids })
    }

    /// The words strictly inside `pattern` that no other word found there contains, as
    /// (word, start, end). A blocker among them hides what it contains, as it does in
    /// messages.
    fn find(&self, pattern: &str) -> Vec<(usize, usize, usize)> {
        let found: Vec<(usize, usize, usize)> = self
            .automaton
            .find_overlapping_iter(pattern)
            .filter(|m| !(m.start() == 0 && m.end() == pattern.len()))
            .filter_map(|m| Some((*self.ids.get(m.pattern().as_usize())?, m.start(), m.end())))
            .collect();
        found
            .iter()
            .filter(|&&(_, s, e)| {
                !found
                    .iter()
                    .any(|&(_, s2, e2)| s2 <= s && e <= e2 && (s2, e2) != (s, e))
            })
            .copied()
            .collect()
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
                "{item} (`other` is what no intent matched, so only examples, and rules that absorb \
                 other intents, may use it)"
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

#[cfg(test)]
mod tests {
    use super::{Finder, Hit, Hits, Lexicon};

    use crate::normalize::normalize;
    use crate::pack::Pack;
    use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

    fn builtin() -> Lexicon {
        let pack = Pack::builtin().unwrap();
        Lexicon::build(&pack, &crate::reply::cue_list(&pack.templates)).unwrap()
    }

    #[test]
    fn the_table_holds_the_builtin_lexicon_in_little_memory() {
        let lexicon = builtin();
        let Finder::Table(table, true, Some(_)) = &lexicon.finder else {
            panic!("the built-in lexicon fell back to the NFA");
        };
        // 1.76 MB: the words, the rules' anchor words with the joined ones (`天还没`), and the
        // template cues.
        assert!(table.memory_usage() < 2 << 20, "{}", table.memory_usage());
    }

    #[test]
    fn the_table_finds_what_the_nfa_finds() {
        let mut lexicon = builtin();
        let texts = [
            "质量问题怎么退货啊，二维码扫不了",
            "size多大 sizes m码 cm 175cm/65kg",
            "不是尺码问题，发票不用开了😀😀",
            "这个裙子有没有蓝色的吗？包邮吗亲",
            "尽快发货！！！聚划算的价格可以吗",
        ];
        let scan = |lexicon: &Lexicon| -> Vec<Vec<Hit>> {
            texts
                .iter()
                .map(|t| {
                    let mut hits = Hits::new();
                    lexicon.scan(normalize(t).as_str(), &mut hits);
                    hits.to_vec()
                })
                .collect()
        };
        let ours = scan(&lexicon);
        assert!(ours.iter().all(|hits| !hits.is_empty()));
        let nfa = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(lexicon.patterns())
            .unwrap();
        lexicon.finder = Finder::Nfa(nfa);
        assert_eq!(ours, scan(&lexicon));
    }
}
