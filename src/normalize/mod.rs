//! Stage 1, normalise: fold the buyer's text into one canonical form and keep a map back.
//!
//! The steps, in order (each lossy step says what it loses):
//!
//! 1. **Fold each character**: full-width ASCII to ASCII (`ＸＬ` → `xl`), the ideographic
//!    space and every other white space to a space, ASCII to lowercase, traditional characters
//!    to simplified (`貨` → `货`, a character table generated from OpenCC's data), `。` → `.`,
//!    `、` → `,`, `～` → `~`, `￥` → `¥`. *Lossy:* case and script are gone; the script is
//!    recorded in [`Normalized::script`] first.
//! 2. **Drop platform codes**: emoticon codes such as `[微笑]` (an ASCII `[`, one to four Han
//!    characters, `]`), and the placeholders that de-identified chat logs put where a name,
//!    number or link was (`[姓名x]`, `[数字x]`, `[ORDERID_1234]`), and emoticon codes of the
//!    `#E-s12` form: each becomes one space, so the name of a placeholder (地址, 日期) is not
//!    read as the buyer's word. A de-identified number (`[数字x]`, `[金额x]`) becomes the digit
//!    `0` instead, so `满[数字x]减[数字x]` still reads as an offer; a quantity read from it has
//!    the value 0, which stands for "some number". *Lossy:* the code.
//! 3. **Collapse runs**: a run of one punctuation mark (`？？？`, `!!!`) becomes one; a run of
//!    spaces becomes one; spaces at either end go. *Lossy:* how many there were.
//!
//! Every character of the output remembers the byte range of the original text it came from,
//! so a match in the normalised text maps back to a [`Span`] of the caller's message on `char`
//! boundaries. Normalising twice gives the same text as normalising once.
//!
//! Traditional→simplified works character by character. Phrase-level conversions that need
//! context (a few characters map to different simplified forms in different words) take the
//! commonest reading; for keyword matching that is enough, and packs may list both forms.

mod s2t_table;
mod t2s_table;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::analysis::Span;
use crate::extract;

/// The script a buyer wrote in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Script {
    /// Simplified characters (发货, 尺码), or at least more of them than traditional ones.
    Simplified,
    /// Traditional characters (發貨, 尺碼).
    Traditional,
    /// Nothing in the text tells the scripts apart (ASCII, digits, or characters both share).
    #[default]
    Unmarked,
}

/// A normalised message and the map back to the original.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// The map back, in pieces that start where it changes (see [`Segment`]), ordered by
    /// `norm`. Most characters keep their length, so a message usually needs few pieces.
    /// An empty map is one linear piece from 0: the text is the original, as most messages
    /// are, and needs no map allocated.
    segments: Vec<Segment>,
    script: Script,
    traditional: u32,
    simplified: u32,
    /// The kinds of character the text holds that a quantity can be read from (the bits of
    /// [`extract::class`]), so that finding quantities in a text without any costs nothing.
    kinds: u8,
}

/// A piece of the map from the normalised text back to the original.
///
/// A *linear* piece (`atomic == 0`) maps the normalised bytes from `norm` up to the next
/// piece one for one onto the original from `orig`: its characters kept their byte length
/// (ASCII, Han in either script, case folding). An *atomic* piece is one normalised
/// character that stands for the `atomic` original bytes from `orig` (a full-width letter,
/// an emoticon code, a collapsed run of marks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Segment {
    norm: u32,
    orig: u32,
    atomic: u32,
}

impl Normalized {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The normalised text, by value.
    pub fn into_string(self) -> String {
        self.text
    }

    /// The script the original was written in.
    pub fn script(&self) -> Script {
        self.script
    }

    /// How many characters of the original were traditional-only and simplified-only.
    pub fn script_counts(&self) -> (u32, u32) {
        (self.traditional, self.simplified)
    }

    /// The union of [`extract::class`] over the characters of the text.
    pub(crate) fn kinds(&self) -> u8 {
        self.kinds
    }

    /// Maps the byte range `start..end` of the normalised text to a span of the original.
    ///
    /// Out-of-range or empty ranges give an empty span at the nearest known position; the
    /// result is always on `char` boundaries of the original.
    pub fn original_span(&self, start: usize, end: usize) -> Span {
        self.linear_span(start, end)
            .unwrap_or_else(|| self.span_across(start, end))
    }

    /// The common case of [`original_span`](Self::original_span): a word on character
    /// boundaries inside one linear piece. Kept apart from the rest so the lookup, asked for
    /// every word found, stays small.
    #[inline]
    fn linear_span(&self, start: usize, end: usize) -> Option<Span> {
        if start >= end || !self.text.is_char_boundary(start) || !self.text.is_char_boundary(end) {
            return None;
        }
        let (seg, next) = self.piece(start)?;
        if seg.atomic != 0 || end > next {
            return None;
        }
        let shift = |at: usize| seg.orig as usize + at - seg.norm as usize;
        Some(Span::new(shift(start), shift(end)))
    }

    /// The piece of the map that byte `at` of the normalised text is in, and where the next
    /// one starts.
    #[inline]
    fn piece(&self, at: usize) -> Option<(Segment, usize)> {
        let k = self.segments.partition_point(|s| s.norm as usize <= at);
        let next = self.segments.get(k).map_or(usize::MAX, |s| s.norm as usize);
        match k.checked_sub(1) {
            Some(before) => Some((*self.segments.get(before)?, next)),
            None if self.segments.is_empty() => Some((Segment::default(), next)),
            None => None,
        }
    }

    /// [`original_span`](Self::original_span) of a range that is not within one linear piece.
    #[cold]
    #[inline(never)]
    fn span_across(&self, start: usize, end: usize) -> Span {
        let first = self.origin(start).map(|(s, _)| s);
        let last = end
            .checked_sub(1)
            .and_then(|i| self.origin(i))
            .map(|(_, e)| e);
        match (first, last) {
            (Some(s), Some(e)) if end > start && e >= s => Span::new(s, e),
            (Some(s), _) => Span::new(s, s),
            (None, _) => {
                let tail = self
                    .text
                    .len()
                    .checked_sub(1)
                    .and_then(|i| self.origin(i))
                    .map_or(0, |(_, e)| e);
                Span::new(tail, tail)
            }
        }
    }

    /// The original byte range of the character that byte `at` of the normalised text came
    /// from, or `None` past the end.
    fn origin(&self, at: usize) -> Option<(usize, usize)> {
        if at >= self.text.len() {
            return None;
        }
        let (seg, _) = self.piece(at)?;
        let (norm, orig) = (seg.norm as usize, seg.orig as usize);
        if seg.atomic > 0 {
            return Some((orig, orig + seg.atomic as usize));
        }
        // A linear piece keeps the characters' layout, so the normalised character around
        // `at` has the same length as the original one.
        let from = (norm..=at).rev().find(|&i| self.text.is_char_boundary(i))?;
        let width = self.text.get(from..)?.chars().next()?.len_utf8();
        Some((orig + from - norm, orig + from - norm + width))
    }
}

/// Normalises a buyer message. See the [module docs](self) for the steps.
///
/// ```
/// let n = kefu::normalize("請問ＸＬ碼有貨嗎？？[微笑]");
/// assert_eq!(n.as_str(), "请问xl码有货吗?");
/// assert_eq!(n.script(), kefu::Script::Traditional);
/// ```
pub fn normalize(original: &str) -> Normalized {
    let han = &*HAN;
    let mut tally = Tally::default();
    let mut text = String::with_capacity(original.len());
    let mut map = MapBuilder::default();
    let mut last: Option<char> = None;
    // Where the run of characters that pass through unchanged began; they are copied in one
    // piece when something else comes.
    let mut run: Option<usize> = None;
    // One pass: fold each character; an emoticon code becomes one space; runs of one
    // punctuation mark and of spaces collapse; leading spaces go.
    let mut at = 0;
    while at < original.len() {
        // Most characters need no step at all: skip over them without the general case.
        let (plain_end, plain_last) = han.plain_run(original, at, &mut tally);
        if plain_end > at {
            run.get_or_insert(at);
            last = plain_last;
            at = plain_end;
        }
        let Some(raw) = original.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let (folded, mark) = han.fold(raw);
        tally.add(mark);
        // A character that is dropped (a repeat, a space, a code's `[` or `#`) is of no kind
        // or of one already counted, so counting the folded one counts what is written.
        tally.kinds |= extract::class(folded);
        let mut end = at + raw.len_utf8();
        let repeat = last == Some(folded) && (folded == ' ' || is_punctuation(folded));
        if folded == raw && raw != '[' && raw != '#' && !repeat && !(raw == ' ' && last.is_none()) {
            run.get_or_insert(at);
            last = Some(raw);
            at = end;
            continue;
        }
        if let Some(from) = run.take() {
            map.copy(&mut text, original, from, at);
        }
        let mut c = folded;
        let rest = original.get(end..).unwrap_or_default();
        if let Some(len) = code_after(c, rest) {
            // The code's Han characters still count towards the script.
            for inner in rest.chars().take(len) {
                tally.add(han.fold(inner).1);
                end += inner.len_utf8();
            }
            c = code_char(original.get(at..end).unwrap_or_default());
            tally.kinds |= extract::class(c);
        }
        let start = at;
        at = end;
        // A repeat is rare, so only a repeat asks whether the character collapses.
        if last == Some(c) && (c == ' ' || is_punctuation(c)) {
            // The previous character now stands for the whole run.
            map.widen_last(&text, end as u32);
            continue;
        }
        if c == ' ' && last.is_none() {
            continue;
        }
        map.push(
            text.len() as u32,
            start as u32,
            end as u32,
            c.len_utf8() as u32,
        );
        text.push(c);
        last = Some(c);
    }
    if let Some(from) = run {
        map.copy(&mut text, original, from, original.len());
    }
    if text.ends_with(' ') {
        text.pop();
    }
    let mut segments = map.segments;
    // Pieces go in at rising positions, so only the last can begin past a trailing space
    // dropped.
    while segments
        .last()
        .is_some_and(|s| s.norm as usize >= text.len())
    {
        segments.pop();
    }
    let (traditional, simplified) = (tally.count(MARK_TRADITIONAL), tally.count(MARK_SIMPLIFIED));
    let kinds = tally.kinds;
    let script = if traditional > 0 && traditional >= simplified {
        Script::Traditional
    } else if simplified > 0 {
        Script::Simplified
    } else {
        Script::Unmarked
    };
    Normalized {
        text,
        segments,
        script,
        traditional,
        simplified,
        kinds,
    }
}

/// What the characters written tell about the text: how many marked each script, and the
/// kinds of them a quantity can be read from ([`Normalized::kinds`]).
#[derive(Default)]
struct Tally {
    /// How many characters carried each script mark, by mark: one add per character, where
    /// a counter per script cost a compare and an add each.
    marks: [u32; 4],
    kinds: u8,
}

impl Tally {
    #[inline]
    fn add(&mut self, mark: u8) {
        if let Some(count) = self.marks.get_mut(usize::from(mark & 3)) {
            *count += 1;
        }
    }

    fn count(&self, mark: u8) -> u32 {
        self.marks.get(usize::from(mark)).copied().unwrap_or(0)
    }
}

/// Builds the map back as characters are written.
#[derive(Default)]
struct MapBuilder {
    segments: Vec<Segment>,
    last: Last,
}

/// Where the last character written came from, for a run that then collapses into it.
#[derive(Clone, Copy, Default)]
enum Last {
    #[default]
    Nothing,
    /// Written on its own: its normalised offset and original start.
    Pushed { norm: u32, start: u32 },
    /// The end of a piece copied as it was, up to this original offset; the character's
    /// width is read back only in the rare case it is needed.
    Copied { end: u32 },
}

/// Room for the pieces of most messages, so the map is allocated once.
const SEGMENTS: usize = 8;

impl MapBuilder {
    /// Records a character written at `norm` (`width` bytes) from the original `start..end`.
    fn push(&mut self, norm: u32, start: u32, end: u32, width: u32) {
        if end - start == width {
            self.linear(norm, start);
        } else {
            self.add(Segment {
                norm,
                orig: start,
                atomic: end - start,
            });
        }
        self.last = Last::Pushed { norm, start };
    }

    /// Copies `original[from..to]`, characters that pass through unchanged, to `text`.
    #[inline]
    fn copy(&mut self, text: &mut String, original: &str, from: usize, to: usize) {
        let Some(piece) = original.get(from..to) else {
            return;
        };
        self.linear(text.len() as u32, from as u32);
        text.push_str(piece);
        self.last = Last::Copied { end: to as u32 };
    }

    fn add(&mut self, segment: Segment) {
        if self.segments.capacity() == 0 {
            self.segments = Vec::with_capacity(SEGMENTS);
        }
        // The empty map stood for one linear piece from 0: what was written before this
        // piece kept its place, and now needs that piece written out.
        if self.segments.is_empty() && segment.norm > 0 {
            self.segments.push(Segment::default());
        }
        self.segments.push(segment);
    }

    /// Maps the bytes from `norm` on one for one onto the original from `orig`: the last
    /// piece goes on when it is linear with the same shift, else a new piece starts.
    fn linear(&mut self, norm: u32, orig: u32) {
        let continues = match self.segments.last() {
            Some(s) => s.atomic == 0 && s.orig.wrapping_sub(s.norm) == orig.wrapping_sub(norm),
            // All written so far kept its place (the empty map): so does this, if it does.
            None => norm == orig,
        };
        if !continues {
            self.add(Segment {
                norm,
                orig,
                atomic: 0,
            });
        }
    }

    /// Makes the last character written, the last of `text`, stand for the original up to
    /// `end`.
    fn widen_last(&mut self, text: &str, end: u32) {
        let (norm, start) = match self.last {
            Last::Nothing => return,
            Last::Pushed { norm, start } => (norm, start),
            Last::Copied { end: copied } => {
                // A copied character kept its bytes, so its width is the same on both sides.
                let width = text.chars().next_back().map_or(0, char::len_utf8) as u32;
                (text.len() as u32 - width, copied - width)
            }
        };
        match self.segments.last_mut() {
            Some(s) if s.norm == norm => {
                s.orig = start;
                s.atomic = end - start;
            }
            _ => self.add(Segment {
                norm,
                orig: start,
                atomic: end - start,
            }),
        }
    }
}

/// The number of characters after a `[` that close a platform code, `]` included: an
/// emoticon (one to four Han characters), a log placeholder (one to six Han characters and an
/// `x`), or an upper-case placeholder with an underscore (`ORDERID_1234`). Full-width forms
/// of the Han codes fold to the same.
fn code_len(after: &str) -> Option<usize> {
    han_code_len(after).or_else(|| upper_code_len(after))
}

/// What a platform code leaves in the text: a de-identified number (`[数字x]`, `[金额x]`)
/// still reads as a number, the digit 0, so `满[数字x]减[数字x]` stays an offer and
/// `[数字x]块` an amount; any other code becomes a space.
fn code_char(code: &str) -> char {
    // One pass over the name, which stops at its first Han character for any other code.
    let mut name = code.chars().map(fold_char).filter(|&c| is_han(c));
    let second = match name.next() {
        Some('数') => '字',
        Some('金') => '额',
        _ => return ' ',
    };
    if name.next() == Some(second) && name.next().is_none() {
        '0'
    } else {
        ' '
    }
}

/// The number of characters after `c` that make it the start of a platform code (an
/// emoticon or a log placeholder), when it starts one.
fn code_after(c: char, rest: &str) -> Option<usize> {
    match c {
        '[' => code_len(rest),
        '#' => hash_code_len(rest),
        _ => None,
    }
}

/// The number of characters after a `#` that make an emoticon code of the `#E-s12` form
/// (`E-`, one to three ASCII letters, up to four digits).
fn hash_code_len(after: &str) -> Option<usize> {
    let bytes = after.as_bytes();
    // Only the upper-case E: normalising writes `#e-…`, which must then stay text, or
    // normalising twice would differ from normalising once.
    if bytes.get(..2) != Some(b"E-") {
        return None;
    }
    let letters = bytes
        .iter()
        .skip(2)
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let digits = bytes
        .iter()
        .skip(2 + letters)
        .take_while(|b| b.is_ascii_digit())
        .count();
    // Every byte counted is ASCII, so bytes and characters agree.
    Some(2 + letters + digits.min(4))
}

fn han_code_len(after: &str) -> Option<usize> {
    let mut han = 0;
    let mut x = false;
    for (n, c) in after.chars().take(8).enumerate() {
        let c = fold_char(c);
        if c == ']' {
            let emoticon = (1..=4).contains(&han) && !x;
            let placeholder = (1..=6).contains(&han) && x;
            return (emoticon || placeholder).then_some(n + 1);
        }
        if x {
            return None;
        }
        if is_han(c) {
            han += 1;
        } else if c == 'x' && han > 0 {
            x = true;
        } else {
            return None;
        }
    }
    None
}

fn upper_code_len(after: &str) -> Option<usize> {
    let mut underscore = false;
    for (n, c) in after.chars().take(33).enumerate() {
        match c {
            ']' => return (n > 1 && underscore).then_some(n + 1),
            '_' if n > 0 => underscore = true,
            'A'..='Z' if !underscore => {}
            '0'..='9' | 'A'..='Z' if underscore => {}
            _ => return None,
        }
    }
    None
}

/// Writes simplified characters in their traditional form, for a buyer who writes
/// traditional characters (the script is in [`Analysis::script`](crate::Analysis::script)).
///
/// Character by character, with OpenCC's default for each character, except a few words of
/// shop replies whose characters convert differently (没关系 沒關係, 干洗 乾洗). A lone 干,
/// whose readings need different traditional forms (乾 / 幹), is left as it is: a missed
/// conversion reads better than a wrong one.
///
/// ```
/// use kefu::normalize::to_traditional;
///
/// assert_eq!(to_traditional("亲，这款价格以后发货"), "親，這款價格以後發貨");
/// assert_eq!(to_traditional("没关系，可以干洗"), "沒關係，可以乾洗");
/// ```
pub fn to_traditional(simplified: &str) -> String {
    // The pairs keep their UTF-8 length, so the output is as long as the input.
    let mut out = String::with_capacity(simplified.len());
    push_traditional(simplified, &mut out);
    out
}

/// [`to_traditional`], appending to `out`, so a text written in pieces needs one buffer.
pub(crate) fn push_traditional(simplified: &str, out: &mut String) {
    let han = &*HAN;
    // Characters that stay as they are go out in runs: `copied` is where the pending run starts.
    let mut copied = 0;
    // The end of a phrase already written, whose second character must not be written again.
    let mut skip_to = 0;
    for (at, c) in simplified.char_indices() {
        if c.is_ascii() || at < skip_to {
            continue;
        }
        let entry = match han_slot(c) {
            Some(k) => han.s2t.get(k).copied().unwrap_or(0),
            None => han
                .s2t_other
                .binary_search_by_key(&c, |&(from, _)| from)
                .ok()
                .and_then(|k| han.s2t_other.get(k))
                .map_or(0, |&(_, to)| to as u32),
        };
        if entry == 0 {
            continue;
        }
        out.push_str(simplified.get(copied..at).unwrap_or(""));
        copied = at;
        if entry & PHRASE_HEAD != 0 {
            let rest = simplified.get(at..).unwrap_or("");
            if let Some((from, to)) = S2T_PHRASES.iter().find(|(from, _)| rest.starts_with(from)) {
                out.push_str(to);
                skip_to = at + from.len();
                copied = skip_to;
                continue;
            }
        }
        // A phrase head that converts only within its phrases (干, 系) has no pair of its own.
        if let Some(to) = char::from_u32(entry & !PHRASE_HEAD).filter(|&to| to != '\0') {
            out.push(to);
            copied = at + c.len_utf8();
        }
    }
    out.push_str(simplified.get(copied..).unwrap_or(""));
}

/// Whether `first` followed by `second` is one of [`S2T_PHRASES`]. Where no phrase spans the
/// seam, converting two texts one after the other gives what converting them joined gives.
pub(crate) fn joins_phrase(first: char, second: char) -> bool {
    let head = han_slot(first).and_then(|k| HAN.s2t.get(k)).copied();
    head.is_some_and(|entry| entry & PHRASE_HEAD != 0)
        && S2T_PHRASES.iter().any(|(from, _)| {
            let mut chars = from.chars();
            chars.next() == Some(first) && chars.next() == Some(second) && chars.next().is_none()
        })
}

/// Words of shop replies whose characters convert differently from their defaults.
const S2T_PHRASES: [(&str, &str); 8] = [
    ("关系", "關係"),
    ("联系", "聯繫"),
    ("干净", "乾淨"),
    ("干燥", "乾燥"),
    ("晒干", "曬乾"),
    ("干洗", "乾洗"),
    ("烘干", "烘乾"),
    ("系统", "系統"),
];

/// True for the CJK unified ideographs (the basic block and extension A).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// True for punctuation after folding: ASCII punctuation and the CJK marks folding keeps.
pub(crate) fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '“' | '”'
                | '‘'
                | '’'
                | '《'
                | '》'
                | '【'
                | '】'
                | '「'
                | '」'
                | '…'
                | '—'
                | '·'
        )
}

const HAN_BASE: u32 = 0x3400;
const HAN_END: u32 = 0xA000;

/// Dense tables over U+3400..U+A000: the simplified form of each traditional character and
/// the script each character marks, packed (see [`FOLD_CHAR`]), and the traditional form of
/// each simplified one (0 = unchanged).
struct HanTables {
    /// One entry per character, so folding a Han character is one load: the simplified form
    /// in the low bits (0 = unchanged), the character's kind for quantities above
    /// [`KIND_SHIFT`], the script mark above [`MARK_SHIFT`].
    fold: Vec<u32>,
    /// The traditional form, or [`PHRASE_HEAD`] alone or added to it for the first characters
    /// of [`S2T_PHRASES`], so one lookup tells [`to_traditional`] both whether a character
    /// changes and whether a phrase may start there.
    s2t: Vec<u32>,
    /// The simplified→traditional pairs outside the dense range, sorted.
    s2t_other: Vec<(char, char)>,
}

/// Marks a phrase head in [`HanTables::s2t`]: above every `char`, so it never hides one.
const PHRASE_HEAD: u32 = 1 << 31;

static HAN: LazyLock<HanTables> = LazyLock::new(|| {
    let size = (HAN_END - HAN_BASE) as usize;
    let mut tables = HanTables {
        fold: vec![0; size],
        s2t: vec![0; size],
        s2t_other: s2t_table::S2T
            .iter()
            .copied()
            .filter(|&(from, _)| han_slot(from).is_none())
            .collect(),
    };
    for &(from, to) in s2t_table::S2T {
        if let Some(slot) = han_slot(from).and_then(|k| tables.s2t.get_mut(k)) {
            *slot = to as u32;
        }
    }
    for head in S2T_PHRASES
        .iter()
        .filter_map(|(from, _)| from.chars().next())
    {
        if let Some(slot) = han_slot(head).and_then(|k| tables.s2t.get_mut(k)) {
            *slot |= PHRASE_HEAD;
        }
    }
    for &(from, to) in t2s_table::T2S {
        if let Some(slot) = han_slot(from).and_then(|k| tables.fold.get_mut(k)) {
            *slot = (*slot & !FOLD_CHAR) | to as u32;
        }
        if let Some(slot) = han_slot(to).and_then(|k| tables.fold.get_mut(k)) {
            *slot = (*slot & FOLD_CHAR) | u32::from(MARK_SIMPLIFIED) << MARK_SHIFT;
        }
    }
    for &c in t2s_table::TRADITIONAL_ONLY {
        if let Some(slot) = han_slot(c).and_then(|k| tables.fold.get_mut(k)) {
            *slot = (*slot & FOLD_CHAR) | u32::from(MARK_TRADITIONAL) << MARK_SHIFT;
        }
    }
    for (c, slot) in (HAN_BASE..HAN_END).zip(tables.fold.iter_mut()) {
        let kind = char::from_u32(c).map_or(0, extract::class) & extract::HAN_KINDS;
        *slot |= u32::from(kind) << KIND_SHIFT;
    }
    tables
});

fn han_slot(c: char) -> Option<usize> {
    let c = c as u32;
    (HAN_BASE..HAN_END)
        .contains(&c)
        .then(|| (c - HAN_BASE) as usize)
}

const MARK_TRADITIONAL: u8 = 1;
const MARK_SIMPLIFIED: u8 = 2;
/// Where the script mark sits in an entry of [`HanTables::fold`]: above every `char`.
const MARK_SHIFT: u32 = 25;
/// Where an entry of [`HanTables::fold`] keeps the character's [`extract::class`], between
/// the simplified form (below U+110000) and the mark, so a run of characters kept as they
/// are gathers their kinds by one `or` each.
const KIND_SHIFT: u32 = 21;
/// The bits of an entry of [`HanTables::fold`] that hold the simplified form.
const FOLD_CHAR: u32 = (1 << KIND_SHIFT) - 1;

impl HanTables {
    /// The end of the run of characters from byte `from` that normalising keeps as they are
    /// and that can neither collapse nor start a code (lowercase ASCII letters and digits, Han
    /// characters without a simplified form, and a space or an ASCII mark other than `[` and
    /// `#` after a different character of the run), and the last of them; counts the scripts they
    /// mark. Reading the bytes keeps these, most of a message, cheap; the caller takes any
    /// other character through every step.
    fn plain_run(&self, text: &str, from: usize, tally: &mut Tally) -> (usize, Option<char>) {
        let bytes = text.as_bytes();
        let mut at = from;
        let mut last_at = from;
        let mut han_kinds = 0;
        while let Some(&b) = bytes.get(at) {
            // A lead byte of three, U+3000..U+9FFF, which holds the table's range.
            if (0xE3..=0xE9).contains(&b) {
                let Some(&[_, b1, b2]) = bytes.get(at..at + 3) else {
                    break;
                };
                let c =
                    u32::from(b & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
                let entry = c
                    .checked_sub(HAN_BASE)
                    .and_then(|k| self.fold.get(k as usize));
                let Some(&entry) = entry.filter(|&&e| e & FOLD_CHAR == 0) else {
                    break;
                };
                tally.add((entry >> MARK_SHIFT) as u8);
                han_kinds |= entry;
                last_at = at;
                at += 3;
            } else if b.is_ascii_lowercase() {
                tally.kinds |= extract::LETTER;
                last_at = at;
                at += 1;
            } else if b.is_ascii_digit() {
                tally.kinds |= extract::DIGIT;
                last_at = at;
                at += 1;
            } else if (b == b' ' || b.is_ascii_punctuation() && b != b'[' && b != b'#')
                && at > from
                && bytes.get(at - 1) != Some(&b)
            {
                // A space or an ASCII mark after a different character of the run: it
                // neither collapses nor starts a code, and is of no kind.
                last_at = at;
                at += 1;
            } else {
                break;
            }
        }
        tally.kinds |= ((han_kinds >> KIND_SHIFT) & u32::from(extract::HAN_KINDS)) as u8;
        if at == from {
            return (at, None);
        }
        let last = text.get(last_at..).and_then(|rest| rest.chars().next());
        (at, last)
    }

    /// Folds one character and says which script it marks, with one table lookup for Han.
    #[inline]
    fn fold(&self, c: char) -> (char, u8) {
        match han_slot(c).and_then(|k| self.fold.get(k)) {
            Some(&entry) => {
                let to = entry & FOLD_CHAR;
                let folded = if to == 0 {
                    c
                } else {
                    char::from_u32(to).unwrap_or(c)
                };
                (folded, (entry >> MARK_SHIFT) as u8)
            }
            None => (fold_other(c), 0),
        }
    }
}

/// Folds one character: width, case, script and a few CJK marks.
pub(crate) fn fold_char(c: char) -> char {
    HAN.fold(c).0
}

/// Folds a character outside the Han table's range.
fn fold_other(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\u{0}'..='\u{7F}' if c.is_ascii_whitespace() => ' ',
        '\u{0}'..='\u{7F}' => c,
        // Full-width ASCII forms, then lowercase.
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).map_or(c, |a| a.to_ascii_lowercase())
        }
        '\u{3000}' => ' ',
        '。' | '｡' => '.',
        '、' | '､' => ',',
        '〜' => '~',
        '￥' => '¥',
        _ if c.is_whitespace() => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::extract;

    use super::{
        HAN, PHRASE_HEAD, S2T_PHRASES, code_after, code_char, han_slot, is_punctuation, normalize,
        s2t_table, to_traditional,
    };

    /// The map back written out byte by byte, the plain way: for each byte of the normalised
    /// text, the original range of the character it came from. `normalize` keeps the same map
    /// in pieces; this is the model it must agree with.
    fn model(original: &str) -> (String, Vec<(usize, usize)>) {
        let mut text = String::new();
        let mut origin: Vec<(usize, usize)> = Vec::new();
        let mut last: Option<char> = None;
        let mut chars = original.char_indices();
        while let Some((at, raw)) = chars.next() {
            let mut c = HAN.fold(raw).0;
            let mut end = at + raw.len_utf8();
            if let Some(len) = code_after(c, chars.as_str()) {
                end += chars
                    .by_ref()
                    .take(len)
                    .map(|(_, x)| x.len_utf8())
                    .sum::<usize>();
                c = code_char(original.get(at..end).unwrap_or_default());
            }
            if last == Some(c) && (c == ' ' || is_punctuation(c)) {
                let from = origin.len() - c.len_utf8();
                for o in &mut origin[from..] {
                    o.1 = end;
                }
                continue;
            }
            if c == ' ' && last.is_none() {
                continue;
            }
            text.push(c);
            origin.extend(std::iter::repeat_n((at, end), c.len_utf8()));
            last = Some(c);
        }
        if text.ends_with(' ') {
            text.pop();
            origin.pop();
        }
        (text, origin)
    }

    /// What [`Normalized::kinds`](super::Normalized::kinds) must be: the kinds of the text's
    /// characters, gathered one by one.
    fn kinds_of(text: &str) -> u8 {
        text.chars().fold(0, |kinds, c| kinds | extract::class(c))
    }

    /// The kinds gathered while normalising agree with the text's, for characters of every
    /// kind reached by every path (kept in a run, folded, written by a code).
    #[test]
    fn the_kinds_are_the_texts() {
        for text in [
            "",
            "身高165体重110斤",
            "一米六五穿均码吗",
            "XL码 ¥80 [数字x]块",
            "两百個 Free size",
            "貨號12 ３８碼",
            "[微笑]",
        ] {
            assert_eq!(
                normalize(text).kinds(),
                kinds_of(normalize(text).as_str()),
                "{text}"
            );
        }
    }

    /// A text that normalising keeps as it is has the empty map, which allocates nothing; one
    /// that changes has its pieces from 0 on.
    #[test]
    fn a_text_kept_as_it_is_needs_no_map() {
        let n = normalize("粉色什么时候补货,xl有吗?");
        assert!(n.segments.is_empty());
        assert_eq!(n.original_span(6, 9), crate::analysis::Span::new(6, 9));
        let n = normalize("粉色有吗？？");
        assert_eq!(n.segments.first().map(|s| (s.norm, s.orig)), Some((0, 0)));
        assert_eq!(n.original_span(12, 13), crate::analysis::Span::new(12, 18));
    }

    /// Every Han character's kind fits in the bits the fold table keeps for it.
    #[test]
    fn every_han_kind_fits_the_table() {
        for c in (0x3400..0xA000).filter_map(char::from_u32) {
            assert_eq!(extract::class(c) & !extract::HAN_KINDS, 0, "{c}");
        }
    }

    fn pieces() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("貨"),
            Just("货"),
            Just("Ｘ"),
            Just("L"),
            Just("ab"),
            Just("7"),
            Just(" "),
            Just("\u{3000}"),
            Just("？"),
            Just("?"),
            Just("!"),
            Just(","),
            Just("."),
            Just("。"),
            Just("[微笑]"),
            Just("[数字x]"),
            Just("[ORDERID_12]"),
            Just("["),
            Just("]"),
            Just("尺碼"),
            Just("é"),
            Just("😂"),
            Just("～"),
            Just("\t"),
            Just("#E-s12"),
            Just("#"),
            Just("#E-"),
            Just("E"),
            Just("身"),
            Just("一"),
            Just("兩"),
            Just("均"),
            Just("¥"),
            Just("￥"),
            Just("３"),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn the_map_back_agrees_with_the_byte_by_byte_model(original in pieces()) {
            let n = normalize(&original);
            let (text, origin) = model(&original);
            prop_assert_eq!(n.as_str(), text.as_str());
            prop_assert_eq!(n.kinds(), kinds_of(&text));
            for start in 0..=text.len() + 1 {
                for end in 0..=text.len() + 1 {
                    let first = origin.get(start).map(|&(s, _)| s);
                    let last = end.checked_sub(1).and_then(|i| origin.get(i)).map(|&(_, e)| e);
                    let want = match (first, last) {
                        (Some(s), Some(e)) if end > start && e >= s => (s, e),
                        (Some(s), _) => (s, s),
                        (None, _) => {
                            let tail = origin.last().map_or(0, |&(_, e)| e);
                            (tail, tail)
                        }
                    };
                    let got = n.original_span(start, end);
                    prop_assert_eq!((got.start, got.end), want, "{}..{} of {:?}", start, end, text);
                }
            }
        }
    }

    /// The dense table and the generated pairs agree on every character, inside the table's
    /// range and outside it.
    #[test]
    fn every_pair_converts() {
        for &(from, to) in s2t_table::S2T {
            assert_eq!(to_traditional(&from.to_string()), to.to_string(), "{from}");
        }
    }

    /// `to_traditional` written the plain way: phrases first, then each character's pair.
    fn to_traditional_model(simplified: &str) -> String {
        let mut out = String::new();
        let mut chars = simplified.chars();
        while let Some(c) = chars.next() {
            let rest = [c.to_string().as_str(), chars.as_str()].concat();
            if let Some((from, to)) = S2T_PHRASES.iter().find(|(from, _)| rest.starts_with(from)) {
                out.push_str(to);
                for _ in 1..from.chars().count() {
                    chars.next();
                }
                continue;
            }
            match s2t_table::S2T.binary_search_by_key(&c, |&(from, _)| from) {
                Ok(k) => out.push(s2t_table::S2T[k].1),
                Err(_) => out.push(c),
            }
        }
        out
    }

    proptest! {
        #[test]
        fn to_traditional_agrees_with_the_plain_model(
            pieces in prop::collection::vec(
                prop_oneof![
                    Just("关"), Just("系"), Just("联"), Just("干"), Just("净"), Just("晒"),
                    Just("烘"), Just("统"), Just("洗"), Just("燥"), Just("货"), Just("貨"),
                    Just("的"), Just("a1 "), Just("，"), Just("é"), Just("😂"), Just("㐷"),
                ],
                0..16,
            )
        ) {
            let text = pieces.concat();
            prop_assert_eq!(to_traditional(&text), to_traditional_model(&text));
        }
    }

    /// The phrase heads live in the dense table, the only place `to_traditional` looks for them.
    #[test]
    fn every_phrase_head_is_in_the_dense_table() {
        for (from, _) in S2T_PHRASES {
            let head = from.chars().next().unwrap_or_default();
            let entry = han_slot(head).and_then(|k| HAN.s2t.get(k)).copied();
            assert_eq!(entry.map(|e| e & PHRASE_HEAD), Some(PHRASE_HEAD), "{from}");
        }
    }
}
