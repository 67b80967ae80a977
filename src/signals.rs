//! Stage 3c–3e, from the message alone: the pack's cue words and cue rules become trait
//! evidence, order notes and objections, with the same negation as intent terms (不着急 is
//! not urgent). What the session and the profile add comes later, in
//! [`session`](crate::session).

use crate::analysis::{Evidence, Source};
use crate::engine::Matched;
use crate::extract::Quantity;
use crate::label::Label;
use crate::lexicon::rules::{Rules, Target};
use crate::lexicon::{Cue, Lexicon};
use crate::normalize::{Normalized, is_punctuation};
use crate::notes::{Note, NoteKind, Priority};
use crate::objection::Objection;
use crate::traits::TraitBoard;

/// What the cue words and rules of one message say.
#[derive(Debug, Default)]
pub(crate) struct Signals {
    pub traits: TraitBoard,
    pub notes: Vec<Note>,
    pub objections: Vec<Objection>,
}

/// One cue found in the message: normalised byte range, and the rest as evidence.
struct Found<'a> {
    cue: Cue,
    id: &'a Label,
    weight: f32,
    negatable: bool,
    start: usize,
    end: usize,
}

// Read once per message, from one place: inlined there, its result is built where it is
// used rather than returned and moved.
#[inline]
pub(crate) fn read(
    lexicon: &Lexicon,
    rules: &Rules,
    message: &str,
    norm: &Normalized,
    matched: &Matched,
    quantities: &[Quantity],
    review_words: &[String],
) -> Signals {
    let Matched {
        hits,
        rule_hits,
        cues,
    } = matched;
    let mut signals = Signals::default();
    // Each cue is taken as it is found, terms then rules, rather than gathered first.
    let mut take = |f: Found<'_>| {
        let negated_by = cues.negation(norm, f.start, f.end).filter(|_| f.negatable);
        let span = norm.original_span(f.start, f.end);
        match f.cue {
            Cue::Trait(name) => signals.traits.add(
                name,
                Evidence {
                    source: Source::Term { id: f.id.clone() },
                    span,
                    weight: f.weight,
                    negated_by,
                    backup: false,
                    absorbed_by: None,
                    counted: negated_by.is_none(),
                },
            ),
            _ if negated_by.is_some() => {}
            Cue::Note(kind) => {
                if signals.notes.iter().any(|n| n.kind == kind) {
                    return;
                }
                let value = match kind {
                    NoteKind::Phone => quantities.iter().find_map(|q| match q {
                        Quantity::Phone { digits, .. } => Some(digits.clone()),
                        _ => None,
                    }),
                    NoteKind::Address | NoteKind::Recipient => {
                        new_value(message, norm, f.end).filter(|v| looks_like(kind, v))
                    }
                    _ => None,
                };
                let tied_to_review = kind == NoteKind::CashBack
                    && review_words
                        .iter()
                        .any(|w| !w.is_empty() && norm.as_str().contains(w.as_str()));
                signals.notes.push(Note {
                    kind,
                    priority: match kind {
                        NoteKind::Urgent => Priority::Urgent,
                        NoteKind::Gift => Priority::Normal,
                        _ => Priority::High,
                    },
                    value,
                    source: f.id.clone(),
                    span,
                    risk: tied_to_review.then_some(Label::from_static(
                        "cash back tied to a review: platforms punish paying for reviews",
                    )),
                    after_dispatch: false,
                });
            }
            Cue::Objection(kind) => {
                if !signals.objections.iter().any(|o| o.kind == kind) {
                    signals.objections.push(Objection {
                        kind,
                        source: f.id.clone(),
                        span,
                    });
                }
            }
        }
    };
    // Most words are no cue: a plain loop over each word's (usually empty) list is cheaper
    // than one flattened iterator over all of them.
    for hit in hits.iter() {
        let Some(word) = lexicon.word(hit.word) else {
            continue;
        };
        for role in &word.cues {
            let (start, end) = role.inner.map_or((hit.start, hit.end), |(s, e)| {
                (hit.start + s, hit.start + e)
            });
            take(Found {
                cue: role.cue,
                id: &role.id,
                weight: role.weight,
                negatable: role.negatable,
                start,
                end,
            });
        }
    }
    for hit in rule_hits.iter() {
        if let Some(rule) = rules.rule(hit.rule) {
            if let Target::Cue(cue) = rule.target {
                take(Found {
                    cue,
                    id: &rule.id,
                    weight: rule.weight,
                    negatable: rule.negatable,
                    start: hit.start,
                    end: hit.end,
                });
            }
        }
    }
    signals.notes.sort_by_key(|n| (n.priority, n.span.start));
    signals
}

/// The new address or name the buyer wrote after the cue (地址改成 …), up to the end of
/// the clause, in the buyer's own characters; `None` when nothing is there.
fn new_value(message: &str, norm: &Normalized, from: usize) -> Option<String> {
    let text = norm.as_str();
    let rest = text.get(from..)?;
    let rest_trimmed = rest.strip_prefix("一下").unwrap_or(rest);
    let from = from + (rest.len() - rest_trimmed.len());
    let rest = rest_trimmed;
    let lead = rest
        .char_indices()
        .find(|&(_, c)| !matches!(c, '成' | '为' | '到' | ':' | ' ' | '是' | '下'))
        .map_or(rest.len(), |(i, _)| i);
    let body = rest.get(lead..)?;
    let len = body
        .char_indices()
        .find(|&(_, c)| is_punctuation(c) && c != '-' && c != '#')
        .map_or(body.len(), |(i, _)| i);
    let (start, end) = (from + lead, from + lead + len);
    if text.get(start..end)?.chars().count() < 2 {
        return None;
    }
    let span = norm.original_span(start, end);
    message
        .get(span.range())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Whether what follows the cue reads as the new value rather than the rest of a request
/// (地址改一下可以吗): an address names a place or a number, a recipient is a short name, and
/// neither is a question.
fn looks_like(kind: NoteKind, value: &str) -> bool {
    const ASKING: [&str; 8] = ["吗", "么", "嘛", "呢", "可以", "能不能", "怎么", "一下"];
    if ASKING.iter().any(|a| value.contains(a)) {
        return false;
    }
    match kind {
        NoteKind::Address => value.chars().any(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '省' | '市'
                        | '区'
                        | '县'
                        | '镇'
                        | '乡'
                        | '村'
                        | '路'
                        | '街'
                        | '道'
                        | '号'
                        | '楼'
                        | '栋'
                        | '室'
                        | '小'
                        | '苑'
                        | '园'
                )
        }),
        _ => (2..=8).contains(&value.chars().count()),
    }
}
