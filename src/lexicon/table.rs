//! A compact DFA over a list of words, for the lexicon's scan of every message.
//!
//! `aho_corasick`'s own DFA over the lexicon holds 5.3 MiB: a row of `u32`s per state over
//! every byte class, rounded up to a power of two, and the words' bytes fall into about a
//! hundred classes. Text and words are UTF-8, which allows much less. A state inside a
//! character only ever meets a byte that continues it, and a state between characters never
//! does, so the two kinds can share columns: the 64 continuation bytes by their low six bits,
//! the other bytes by class. Where no word goes on, the walk does not fall back to the start
//! state in the middle of a character but to one of three states that wait for the
//! character's last bytes, so the start state too only meets bytes that begin a character.
//! A row is then 64 `u16`s, 1.3 MiB for the built-in lexicon, and a byte costs two loads and
//! a compare.

/// Columns per row: the continuation bytes, or the classes of the others.
const WIDTH: usize = 64;
const SHIFT: u32 = WIDTH.trailing_zeros();
/// The first class of a byte that is in a word; below it, the bytes of none, by how many
/// continuation bytes follow them.
const FIRST_CLASS: usize = 4;

/// The automaton. State 0 is the start; the states where words end come last.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// The next state, by state and column.
    rows: Box<[u16]>,
    /// The column of each byte: its low six bits for a continuation byte, else its class.
    classes: [u8; 256],
    /// The first state where a word ends.
    first_match: usize,
    /// For each state from `first_match` on, its words and steps.
    outs: Box<[Out]>,
    /// The words that end at each match state, as (word, byte length), longest first.
    words: Box<[(u32, u32)]>,
    /// What each match state does in a walk: the bits it sets in a row of the caller's (see
    /// [`set_marks`](Table::set_marks)) and its words' starts, in one run, so that a match
    /// state costs the walk one look-up.
    steps: Box<[Step]>,
    /// The byte length of each word.
    lens: Box<[u32]>,
    /// As `ends`, for `others`.
    other_ends: Box<[u32]>,
    /// The words of the second list that end at each match state.
    others: Box<[u32]>,
}

/// Where the words and the steps of a match state lie in `Table::words` and `Table::steps`.
#[derive(Clone, Copy, Debug, Default)]
struct Out {
    words: (u32, u32),
    steps: (u32, u32),
}

/// One step of a match state: `row[slot] |= bits`, or, where `slot` is [`WORD`], a word
/// `bits` of byte length `len` ends here.
#[derive(Clone, Copy, Debug)]
struct Step {
    slot: u32,
    len: u32,
    bits: u64,
}

/// The `slot` of a step that is a word: past the end of any row.
const WORD: u32 = u32::MAX;

impl Step {
    fn word(word: u32, len: u32) -> Step {
        Step {
            slot: WORD,
            len,
            bits: u64::from(word),
        }
    }
}

/// A state of the trie the table is built from.
#[derive(Clone, Default)]
struct Node {
    children: Vec<(u8, u32)>,
    word: Option<u32>,
    /// The word of the second list it ends.
    other: Option<u32>,
    /// How many bytes of its last character the node's text still lacks.
    pending: u8,
}

impl Node {
    fn child(&self, byte: u8) -> Option<usize> {
        self.children
            .iter()
            .find(|&&(b, _)| b == byte)
            .map(|&(_, n)| n as usize)
    }
}

/// How many continuation bytes follow `byte`, where it begins a character.
fn follow(byte: u8) -> u8 {
    match byte {
        0xC0..=0xDF => 1,
        0xE0..=0xEF => 2,
        0xF0..=0xFF => 3,
        _ => 0,
    }
}

fn continues(byte: u8) -> bool {
    matches!(byte, 0x80..=0xBF)
}

impl Table {
    /// The table of `words` and `others`, two lists of distinct, non-empty words that may
    /// share some, or `None` when they need more states than a `u16` numbers or more byte
    /// classes than a row has columns. Only `words` are reported with their lengths; of
    /// `others`, see [`others_at`](Self::others_at).
    pub(crate) fn build<S: AsRef<str>, T: AsRef<str>>(words: &[S], others: &[T]) -> Option<Table> {
        let mut nodes = vec![Node::default()];
        let mut classes = [0u8; 256];
        for (byte, class) in (0u8..=255).zip(classes.iter_mut()) {
            *class = if continues(byte) {
                byte & 0x3F
            } else {
                follow(byte)
            };
        }
        let mut width = FIRST_CLASS;
        let all = words
            .iter()
            .map(AsRef::as_ref)
            .enumerate()
            .map(|(k, w)| (k, w, false))
            .chain(
                others
                    .iter()
                    .map(AsRef::as_ref)
                    .enumerate()
                    .map(|(k, w)| (k, w, true)),
            );
        for (k, word, other) in all {
            let mut at = 0usize;
            for &byte in word.as_bytes() {
                let node = nodes.get(at)?;
                let next = match node.child(byte) {
                    Some(n) => n,
                    None => {
                        let pending = if continues(byte) {
                            node.pending.saturating_sub(1)
                        } else {
                            follow(byte)
                        };
                        let n = nodes.len();
                        nodes
                            .get_mut(at)?
                            .children
                            .push((byte, u32::try_from(n).ok()?));
                        nodes.push(Node {
                            pending,
                            ..Node::default()
                        });
                        n
                    }
                };
                if !continues(byte) {
                    let class = classes.get_mut(usize::from(byte))?;
                    if usize::from(*class) < FIRST_CLASS {
                        *class = u8::try_from(width).ok()?;
                        width += 1;
                    }
                }
                at = next;
            }
            let node = nodes.get_mut(at)?;
            let slot = if other {
                &mut node.other
            } else {
                &mut node.word
            };
            if slot.is_none() {
                *slot = Some(u32::try_from(k).ok()?);
            }
        }
        // The states that wait for the last one, two or three bytes of a character.
        let trie = nodes.len();
        for pending in 1..=3 {
            nodes.push(Node {
                pending,
                ..Node::default()
            });
        }
        let waiting = |pending: u8| match pending {
            0 => 0,
            p => trie + usize::from(p) - 1,
        };
        if width > WIDTH || nodes.len() > usize::from(u16::MAX) + 1 {
            return None;
        }
        // Breadth first, so that a state's failure, which is shorter, comes before it.
        let mut order: Vec<usize> = Vec::with_capacity(trie);
        let mut fail: Vec<usize> = (0..nodes.len()).collect();
        order.push(0);
        let mut i = 0;
        while let Some(&u) = order.get(i) {
            i += 1;
            for &(byte, v) in &nodes.get(u)?.children {
                let v = v as usize;
                let mut f = u;
                let target = loop {
                    if f != u {
                        if let Some(x) = nodes.get(f)?.child(byte) {
                            break x;
                        }
                    }
                    if f == 0 || f >= trie {
                        break waiting(nodes.get(v)?.pending);
                    }
                    f = *fail.get(f)?;
                };
                *fail.get_mut(v)? = target;
                order.push(v);
            }
        }
        let mut matches = vec![false; nodes.len()];
        for &u in &order {
            let node = nodes.get(u)?;
            let own = node.word.is_some() || node.other.is_some();
            let inherited = u != 0 && matches.get(*fail.get(u)?).copied()?;
            *matches.get_mut(u)? = own || inherited;
        }
        // Numbering: the start, the states where no word ends, then those where words do.
        let mut ids = vec![0usize; nodes.len()];
        let mut by_id = Vec::with_capacity(nodes.len());
        let mut first_match = 0;
        for pass in [false, true] {
            if pass {
                first_match = by_id.len();
            }
            for (u, &m) in matches.iter().enumerate() {
                if m == pass {
                    *ids.get_mut(u)? = by_id.len();
                    by_id.push(u);
                }
            }
        }
        let id16 = |u: usize| ids.get(u).and_then(|&id| u16::try_from(id).ok());
        let mut rows = vec![0u16; nodes.len() * WIDTH].into_boxed_slice();
        let row_of = |u: usize| ids.get(u).map(|&id| id * WIDTH);
        // The start state, and bytes of no word from it.
        let start = row_of(0)?;
        for byte in (0u8..=255).filter(|&b| !continues(b)) {
            let column = usize::from(*classes.get(usize::from(byte))?);
            let next = nodes.first()?.child(byte).unwrap_or(waiting(follow(byte)));
            *rows.get_mut(start + column)? = id16(next)?;
        }
        for pending in 1..=3 {
            let next = id16(waiting(pending - 1))?;
            let row = row_of(waiting(pending))?;
            rows.get_mut(row..row + WIDTH)?.fill(next);
        }
        for &u in order.iter().skip(1) {
            let row = row_of(u)?;
            let from = row_of(*fail.get(u)?)?;
            // A state goes where its failure goes, but where it has a child of its own.
            if from + WIDTH <= rows.len() && row + WIDTH <= rows.len() {
                rows.copy_within(from..from + WIDTH, row);
            }
            for &(byte, v) in &nodes.get(u)?.children {
                let column = usize::from(*classes.get(usize::from(byte))?);
                *rows.get_mut(row + column)? = id16(v as usize)?;
            }
        }
        let mut outs = Vec::with_capacity(by_id.len() - first_match);
        let mut found = Vec::new();
        let mut other_ends = Vec::with_capacity(by_id.len() - first_match + 1);
        let mut others_found = Vec::new();
        for &u in by_id.get(first_match..)? {
            let from = u32::try_from(found.len()).ok()?;
            other_ends.push(u32::try_from(others_found.len()).ok()?);
            let mut at = u;
            while at != 0 && at < trie {
                let node = nodes.get(at)?;
                if let Some(word) = node.word {
                    let len = words.get(word as usize)?.as_ref().len();
                    found.push((word, u32::try_from(len).ok()?));
                }
                others_found.extend(node.other);
                at = *fail.get(at)?;
            }
            let to = u32::try_from(found.len()).ok()?;
            outs.push(Out {
                words: (from, to),
                steps: (from, to),
            });
        }
        other_ends.push(u32::try_from(others_found.len()).ok()?);
        let lens = words
            .iter()
            .map(|w| u32::try_from(w.as_ref().len()).ok())
            .collect::<Option<_>>()?;
        let steps = found.iter().map(|&(w, len)| Step::word(w, len)).collect();
        Some(Table {
            lens,
            rows,
            classes,
            first_match,
            outs: outs.into_boxed_slice(),
            words: found.into_boxed_slice(),
            steps,
            other_ends: other_ends.into_boxed_slice(),
            others: others_found.into_boxed_slice(),
        })
    }

    /// Calls `each` at every byte of `text` where words end, with the end and the words, as
    /// (word, byte length): every word, overlapping ones included.
    #[cfg(test)]
    pub(crate) fn each(&self, text: &str, mut each: impl FnMut(usize, &[(u32, u32)])) {
        self.each_state(text, |end, k| each(end, self.words_at(k)));
    }

    /// Calls `each` at every byte of `text` where words end, with the end and the state
    /// reached, numbered among the states where words end (see [`words_at`](Self::words_at)).
    #[inline]
    pub(crate) fn each_state(&self, text: &str, mut each: impl FnMut(usize, usize)) {
        let mut state = 0;
        // Where a byte lies is worked out from what is left only at a match, so the loop
        // keeps no count of its own.
        let mut bytes = text.as_bytes().iter();
        while let Some(&byte) = bytes.next() {
            let column = self.classes.get(usize::from(byte)).copied().unwrap_or(0);
            // The text is UTF-8, so the row always has the column; the start state is only
            // a fallback that is never taken.
            state = self
                .rows
                .get((state << SHIFT) | usize::from(column))
                .map_or(0, |&s| usize::from(s));
            if state >= self.first_match {
                each(text.len() - bytes.len(), state - self.first_match);
            }
        }
    }

    /// How many states words end at.
    pub(crate) fn match_states(&self) -> usize {
        self.outs.len()
    }

    /// The words that end at the `k`th state where words end, as (word, byte length),
    /// longest first.
    pub(crate) fn words_at(&self, k: usize) -> &[(u32, u32)] {
        self.outs.get(k).map_or(&[], |out| {
            let (from, to) = out.words;
            self.words
                .get(from as usize..to as usize)
                .unwrap_or_default()
        })
    }

    /// Gives each state where words end the bits it sets in a row of the caller's, by
    /// [`mark`](Self::mark) or [`leftmost_longest`](Self::leftmost_longest): `marks[k]`, as
    /// (slot, bits), for the `k`th.
    pub(crate) fn set_marks(&mut self, marks: Vec<Vec<(usize, u64)>>) {
        let mut steps = Vec::new();
        for (out, list) in self.outs.iter_mut().zip(marks) {
            let from = u32::try_from(steps.len()).unwrap_or(u32::MAX);
            // A slot no row reaches is dropped, as a walk would drop its bits.
            for (slot, bits) in list {
                if let Ok(slot) = u32::try_from(slot).map(|s| s.min(WORD - 1)) {
                    steps.push(Step { slot, len: 0, bits });
                }
            }
            let (words_from, words_to) = out.words;
            let words = self.words.get(words_from as usize..words_to as usize);
            for &(w, len) in words.unwrap_or_default() {
                steps.push(Step::word(w, len));
            }
            out.steps = (from, u32::try_from(steps.len()).unwrap_or(u32::MAX));
        }
        self.steps = steps.into_boxed_slice();
    }

    /// The steps of the `k`th state where words end.
    #[inline]
    fn steps_at(&self, k: usize) -> &[Step] {
        self.outs.get(k).map_or(&[], |out| {
            let (from, to) = out.steps;
            self.steps
                .get(from as usize..to as usize)
                .unwrap_or_default()
        })
    }

    /// Sets in `row` the bits of every state where words end that a walk of `text` reaches.
    pub(crate) fn mark(&self, text: &str, row: &mut [u64]) {
        self.each_state(text, |_, k| {
            for step in self.steps_at(k) {
                if let Some(row) = row.get_mut(step.slot as usize) {
                    *row |= step.bits;
                }
            }
        });
    }

    /// The words of the second list that end at the `k`th state where words end.
    pub(crate) fn others_at(&self, k: usize) -> &[u32] {
        match (self.other_ends.get(k), self.other_ends.get(k + 1)) {
            (Some(&from), Some(&to)) => self
                .others
                .get(from as usize..to as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// Calls `keep` with each word of `text` as `AhoCorasick`'s leftmost-longest search reads
    /// them, as (word, start, end): from where the last word ended, the word that starts
    /// first, and of those the longest. [`each`](Self::each) reports every word by where it
    /// ends; each is noted at its start (a later one that starts there is longer), and the
    /// words are then read off from the left.
    ///
    /// It also marks `row` as [`mark`](Self::mark) does.
    pub(crate) fn leftmost_longest(
        &self,
        text: &str,
        keep: impl FnMut(usize, usize, usize),
        row: &mut [u64],
    ) {
        // Most messages are short enough for one word of bits and a list on the stack, and
        // nearly all for four.
        if text.len() <= 64 {
            let mut small = Fixed::<1, 64>::new();
            self.walk(text, &mut small, row);
            small.read(&self.lens, keep);
        } else if text.len() <= 256 {
            let mut medium = Fixed::<4, 256>::new();
            self.walk(text, &mut medium, row);
            medium.read(&self.lens, keep);
        } else {
            let mut large = Large {
                longest: vec![0; text.len()],
                starts: vec![0; text.len().div_ceil(64)],
            };
            self.walk(text, &mut large, row);
            large.read(&self.lens, keep);
        }
    }

    /// Walks `text`, setting the marks of the match states in `row` and noting each word's
    /// start in `starts`.
    #[inline(always)]
    fn walk<S: Starts>(&self, text: &str, starts: &mut S, row: &mut [u64]) {
        self.each_state(text, |end, k| {
            for step in self.steps_at(k) {
                if let Some(row) = row.get_mut(step.slot as usize) {
                    *row |= step.bits;
                } else if step.slot == WORD {
                    if let Some(start) = end.checked_sub(step.len as usize) {
                        starts.note(start, step.bits as u32);
                    }
                }
            }
        });
    }

    /// How many bytes the table holds.
    #[cfg(test)]
    pub(crate) fn memory_usage(&self) -> usize {
        self.rows.len() * 2 + self.outs.len() * 16 + self.words.len() * 8 + self.steps.len() * 16
    }
}

/// Where words start, with the word that starts there (the longest: a later one that starts
/// at the same place is longer).
trait Starts {
    fn note(&mut self, start: usize, word: u32);
}

/// The starts of a text of `B` bytes or fewer, in `W` words of bits (`B` is `64 * W`).
struct Fixed<const W: usize, const B: usize> {
    longest: [u32; B],
    starts: [u64; W],
}

impl<const W: usize, const B: usize> Fixed<W, B> {
    #[inline(always)]
    fn new() -> Self {
        Fixed {
            longest: [0; B],
            starts: [0; W],
        }
    }

    /// Reads the words off from the left, as (word, start, end).
    #[inline(always)]
    fn read(&self, lens: &[u32], keep: impl FnMut(usize, usize, usize)) {
        // The text is `B` bytes at most, so the start is below `B`.
        let longest = |start: usize| self.longest.get(start % B).copied().unwrap_or(0);
        read_starts(&self.starts, longest, lens, keep);
    }
}

impl<const W: usize, const B: usize> Starts for Fixed<W, B> {
    #[inline(always)]
    fn note(&mut self, start: usize, word: u32) {
        // The text is `B` bytes at most, so the start is below `B`.
        if let Some(slot) = self.longest.get_mut(start % B) {
            *slot = word;
        }
        if let Some(bits) = self.starts.get_mut(start / 64 % W) {
            *bits |= 1 << (start % 64);
        }
    }
}

/// The starts of a longer text.
struct Large {
    longest: Vec<u32>,
    starts: Vec<u64>,
}

impl Starts for Large {
    #[inline(always)]
    fn note(&mut self, start: usize, word: u32) {
        if let Some(slot) = self.longest.get_mut(start) {
            *slot = word;
        }
        if let Some(bits) = self.starts.get_mut(start / 64) {
            *bits |= 1 << (start % 64);
        }
    }
}

impl Large {
    /// Reads the words off from the left, as (word, start, end).
    fn read(&self, lens: &[u32], keep: impl FnMut(usize, usize, usize)) {
        let longest = |start: usize| self.longest.get(start).copied().unwrap_or(0);
        read_starts(&self.starts, longest, lens, keep);
    }
}

/// Reads the words off from the left, as (word, start, end), given the bits of where words
/// start and the longest word at each start: a word that starts inside the last one read
/// is passed over.
#[inline(always)]
fn read_starts(
    starts: &[u64],
    longest: impl Fn(usize) -> u32,
    lens: &[u32],
    mut keep: impl FnMut(usize, usize, usize),
) {
    let mut from = 0;
    for (w, &bits) in starts.iter().enumerate() {
        let mut left = bits;
        while left != 0 {
            let start = w * 64 + left.trailing_zeros() as usize;
            left &= left - 1;
            if start < from {
                continue;
            }
            let word = longest(start);
            let end = start + lens.get(word as usize).map_or(1, |&len| len as usize);
            keep(word as usize, start, end);
            from = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Table;
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    type Found = Vec<(usize, usize, usize)>;
    type Ends = Vec<(usize, usize)>;

    fn both(words: &[String], text: &str) -> (Found, Found) {
        let table = Table::build(words, &[] as &[&str]).unwrap();
        let mut ours = Vec::new();
        table.leftmost_longest(text, |w, s, e| ours.push((w, s, e)), &mut []);
        let theirs = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(words)
            .unwrap()
            .find_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        (ours, theirs)
    }

    fn overlapping(words: &[String], text: &str) -> (Ends, Ends) {
        let table = Table::build(words, &[] as &[&str]).unwrap();
        let mut ours = Vec::new();
        table.each(text, |end, found| {
            ours.extend(found.iter().map(|&(w, _)| (w as usize, end)));
        });
        ours.sort_unstable();
        let mut theirs: Vec<(usize, usize)> = AhoCorasick::new(words)
            .unwrap()
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.end()))
            .collect();
        theirs.sort_unstable();
        (ours, theirs)
    }

    #[test]
    fn reads_words_as_leftmost_longest() {
        let words: Vec<String> = [
            "质量",
            "质量问题",
            "问题",
            "二维码",
            "码",
            "size",
            "s",
            "é",
            "😀好",
            "好",
        ]
        .map(str::to_owned)
        .to_vec();
        for text in [
            "",
            "质量问题",
            "质量问",
            "二维码和码",
            "sizes s size",
            "😀好好😀😀好",
            "café é",
            "质量质量问题问题",
            "尺码偏大",
        ] {
            let (ours, theirs) = both(&words, text);
            assert_eq!(ours, theirs, "{text}");
        }
        // The three sizes of starts: on the stack in one word of bits, in four, on the heap.
        for n in [3, 12, 40] {
            let long = "质量问题二维码".repeat(n);
            let (ours, theirs) = both(&words, &long);
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn refuses_too_many_classes() {
        let words: Vec<String> = (0x21u8..0x7F).map(|b| char::from(b).to_string()).collect();
        assert!(Table::build(&words, &[] as &[&str]).is_none());
    }

    proptest! {
        #[test]
        fn agrees_with_aho_corasick(
            words in prop::collection::hash_set("[ab码质量é😀]{1,4}", 1..12),
            text in "[ab码质量é😀 ]{0,90}",
        ) {
            let words: Vec<String> = words.into_iter().collect();
            let (ours, theirs) = both(&words, &text);
            prop_assert_eq!(ours, theirs);
            let (ours, theirs) = overlapping(&words, &text);
            prop_assert_eq!(ours, theirs);
        }
    }
}
