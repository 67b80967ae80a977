//! jieba's cut without its HMM (`Jieba::cut(text, false)`), over the pack's own dictionary,
//! done without jieba.
//!
//! On a short message `Jieba::cut` costs about 3,100 instructions, most of them fixed: it
//! borrows a thread-local scratch, splits the text by character class into a recorded list
//! of characters, probes its hash trie from every character, builds a sparse graph of the
//! words, and returns a vector of tokens. With the pack's dictionary every word has the same
//! frequency and at least two characters, so the route needs no more than where words start
//! and end: one walk of a [`Table`] gives every word that ends at each byte, and the route is
//! computed over the bytes of each run with jieba's `f64` arithmetic, in jieba's order, so
//! that rounding and ties fall the same way. The tokens are jieba's exactly; the tests
//! compare the two on generated texts.

use std::collections::HashMap;
use std::sync::Arc;

use super::rules::{has_bit, set_bit};
use super::table::Table;

/// How many bytes of a run the route on the stack covers; a longer run gets its own.
const SMALL: usize = 128;

/// How many bytes of a run the shorter route on the stack covers.
const SHORT: usize = 32;

/// Stored matches before a run's walk is repeated into the route instead.
const LISTED: usize = 32;

/// What takes a cut's tokens, in order: a closure, or a type of the caller's whose method is
/// inlined into the cut (a closure called from several places is left out of line).
pub(crate) trait Tokens<'t> {
    /// Takes the next token.
    fn token(&mut self, token: &'t str);
}

impl<'t, F: FnMut(&'t str)> Tokens<'t> for F {
    #[inline]
    fn token(&mut self, token: &'t str) {
        self(token);
    }
}

/// The segmenter over the pack's dictionary.
#[derive(Clone, Debug)]
pub(crate) struct PackCut {
    /// A table that holds the dictionary's words that a run can hold (those of
    /// `is_han_default` characters): the lexicon's own when they are all lexicon words, which
    /// spares a second table (about 1 MiB for the built-in pack), else one of their own.
    table: Arc<Table>,
    /// For a shared table: which of its words, and which of its match states, are the
    /// dictionary's, a bit each. `None` when the table is the cut's own and all of them are.
    shared: Option<Shared>,
    /// `ln(1000) - ln(total)`: what a word adds to the log-probability of the rest of a run.
    word: f64,
    /// `0 - ln(total)`: what a character that begins no word adds.
    single: f64,
}

/// What of a shared table is the cut's.
#[derive(Clone, Debug)]
struct Shared {
    /// A bit per word of the table.
    words: Box<[u64]>,
    /// A bit per match state: whether a word of the dictionary ends there.
    states: Box<[u64]>,
}

/// One step of a run's best route, by the byte it starts at.
#[derive(Clone, Copy, Default)]
struct Step {
    /// Log-probability of the rest of the run from here.
    prob: f64,
    /// Byte length of the step; 0 while it is not known.
    len: u32,
    /// One more than the match state a walk of the run reaches at this byte, 0 for none.
    state: u32,
}

impl PackCut {
    /// The segmenter over `words`, the distinct words jieba was given (each of two or more
    /// characters and frequency 1000), or `None` when no table can hold them. `lexicon` is
    /// the lexicon's table with its words, by number: when it holds every word a run can, the
    /// cut walks it too.
    pub(crate) fn build(
        words: &[String],
        lexicon: Option<(&Arc<Table>, &[String])>,
    ) -> Option<PackCut> {
        let runs: Vec<&str> = words
            .iter()
            .map(String::as_str)
            // A word with another character can never lie inside a run.
            .filter(|w| w.chars().all(is_han_default))
            .collect();
        let (table, shared) = match lexicon.and_then(|(table, all)| Self::share(table, all, &runs))
        {
            Some((table, shared)) => (table, Some(shared)),
            None => (Arc::new(Table::build(&runs, &[] as &[&str])?), None),
        };
        // As jieba: the total is the sum of the distinct words' frequencies.
        let total = words.len().checked_mul(1000)?;
        let log_total = (total as f64).ln();
        let log_freq = 1000_f64.ln();
        Some(PackCut {
            table,
            shared,
            word: log_freq - log_total,
            single: 0.0f64 - log_total,
        })
    }

    /// The lexicon's `table`, whose words are `all`, with the bits that pick out `runs`, or
    /// `None` when one of `runs` is not among them.
    fn share(table: &Arc<Table>, all: &[String], runs: &[&str]) -> Option<(Arc<Table>, Shared)> {
        let index: HashMap<&str, usize> = all
            .iter()
            .enumerate()
            .map(|(k, w)| (w.as_str(), k))
            .collect();
        let mut words = vec![0u64; all.len().div_ceil(64)].into_boxed_slice();
        for run in runs {
            set_bit(&mut words, *index.get(run)?);
        }
        let mut states = vec![0u64; table.match_states().div_ceil(64)].into_boxed_slice();
        for k in 0..table.match_states() {
            if table
                .words_at(k)
                .iter()
                .any(|&(w, _)| has_bit(&words, w as usize))
            {
                set_bit(&mut states, k);
            }
        }
        Some((Arc::clone(table), Shared { words, states }))
    }

    /// Whether a word of the dictionary ends at the `k`th match state.
    #[inline]
    fn ends_word(&self, k: usize) -> bool {
        self.shared.as_ref().is_none_or(|s| has_bit(&s.states, k))
    }

    /// Whether the table's word `w` is the dictionary's.
    #[inline]
    fn is_word(&self, w: u32) -> bool {
        self.shared
            .as_ref()
            .is_none_or(|s| has_bit(&s.words, w as usize))
    }

    /// Hands each token of `text` to `emit`, in order: jieba's tokens exactly.
    pub(crate) fn cut<'t>(&self, text: &'t str, mut emit: impl Tokens<'t>) {
        // Most messages hold no word of the dictionary at all, and then every step of every
        // run is one character: one pass, with no runs to split, cuts them. The pass lists
        // where words end, which the runs then share out instead of walking again.
        let mut listed = [(0u32, 0u32); LISTED];
        let mut matches = 0usize;
        self.table.each_state(text, |end, k| {
            if self.ends_word(k) {
                list(&mut listed, &mut matches, end, k);
            }
        });
        if matches == 0 {
            singles(text, &mut emit);
            return;
        }
        // A run's matches are those the whole text's walk gives at its bytes: a word of the
        // dictionary holds only runs' characters, so it never crosses a run's edge, and the
        // walk's state, if it differs from a walk of the run alone, does so only by the
        // longer words it is in, which end at the same byte with the same words of the run
        // among theirs (the table lists every word that ends at a state). `None` once the
        // list is full: each run then walks itself.
        let mut listed = (matches <= LISTED).then(|| listed.get(..matches).unwrap_or_default());
        let mut start = 0;
        let mut han = None;
        for (at, c) in text.char_indices() {
            let h = is_han_default(c);
            if han != Some(h) {
                if let Some(prev) = han {
                    let run = text.get(start..at).unwrap_or_default();
                    self.run(run, start, prev, &mut listed, &mut emit);
                }
                start = at;
                han = Some(h);
            }
        }
        if let Some(prev) = han {
            let run = text.get(start..).unwrap_or_default();
            self.run(run, start, prev, &mut listed, &mut emit);
        }
    }

    /// Cuts the run that starts at byte `start` of the text, taking its matches off the
    /// front of `listed`.
    #[inline]
    fn run<'t>(
        &self,
        run: &'t str,
        start: usize,
        han: bool,
        listed: &mut Option<&[(u32, u32)]>,
        emit: &mut impl Tokens<'t>,
    ) {
        let mine = listed.as_mut().map(|rest| {
            let end = start + run.len();
            let k = rest.partition_point(|&(e, _)| e as usize <= end);
            let (mine, after) = rest.split_at(k.min(rest.len()));
            *rest = after;
            mine
        });
        if han {
            match mine {
                // No word ends in the run: every step is one character.
                Some([]) => singles(run, emit),
                _ => self.han(run, start, mine, emit),
            }
        } else {
            // Each character is a token, `\r\n` one together: what `singles` gives a run
            // without ASCII letters or digits.
            singles(run, emit);
        }
    }

    /// Cuts a run of `is_han_default` characters that starts at byte `start` of the text,
    /// given the (end, state) of the text's walk where its words end, or walking it itself.
    fn han<'t>(
        &self,
        run: &'t str,
        start: usize,
        mine: Option<&[(u32, u32)]>,
        emit: &mut impl Tokens<'t>,
    ) {
        let mut own = [(0u32, 0u32); LISTED];
        let mut matches = 0usize;
        let (listed, start) = match mine {
            Some(mine) => (mine, start),
            None => {
                self.table.each_state(run, |end, k| {
                    if self.ends_word(k) {
                        list(&mut own, &mut matches, end, k);
                    }
                });
                if matches == 0 {
                    // No word: every step is one character.
                    singles(run, emit);
                    return;
                }
                (own.get(..matches).unwrap_or_default(), 0)
            }
        };
        let n = run.len();
        // The route on the stack is only as long as short runs need, so that it costs
        // little to clear.
        let mut short;
        let mut small;
        let mut large = Vec::new();
        let route: &mut [Step] = if n < SHORT {
            short = [Step::default(); SHORT];
            &mut short
        } else if n < SMALL {
            small = [Step::default(); SMALL];
            &mut small
        } else {
            large.resize(n + 1, Step::default());
            &mut large
        };
        if matches <= LISTED {
            for &(end, k) in listed {
                if let Some(step) = (end as usize)
                    .checked_sub(start)
                    .and_then(|end| route.get_mut(end))
                {
                    step.state = k.saturating_add(1);
                }
            }
        } else {
            self.table.each_state(run, |end, k| {
                if !self.ends_word(k) {
                    return;
                }
                if let Some(step) = route.get_mut(end) {
                    step.state = u32::try_from(k).map_or(u32::MAX, |k| k.saturating_add(1));
                }
            });
        }
        // From the end, as jieba's `calc`: a byte's step is final once every word that starts
        // there has been offered, which happens at the word's end, further on. Words are
        // offered by descending end, so of two with the same log-probability the longer one,
        // offered first, stays, as jieba's tie-break keeps the larger end.
        if let Some(last) = route.get_mut(n) {
            last.prob = 0.0;
        }
        self.offer(route, n);
        let mut next = n;
        for (at, c) in run.char_indices().rev() {
            let after = route.get(next).map_or(0.0, |s| s.prob);
            if let Some(step) = route.get_mut(at) {
                if step.len == 0 {
                    step.prob = self.single + after;
                    step.len = c.len_utf8() as u32;
                }
            }
            self.offer(route, at);
            next = at;
        }
        // Single characters the route leaves alone are tokens, but runs of ASCII letters
        // and digits are joined. A word has two characters, so a step of one byte is a
        // single ASCII character.
        let bytes = run.as_bytes();
        let mut at = 0;
        let mut ascii: Option<usize> = None;
        while at < n {
            let len = route.get(at).map_or(1, |s| (s.len as usize).max(1));
            let end = at + len;
            if len == 1 && bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
                ascii.get_or_insert(at);
            } else {
                if let Some(from) = ascii.take() {
                    emit.token(run.get(from..at).unwrap_or_default());
                }
                emit.token(run.get(at..end).unwrap_or_default());
            }
            at = end;
        }
        if let Some(from) = ascii {
            emit.token(run.get(from..).unwrap_or_default());
        }
    }

    /// Offers the words that end at byte `end` to the steps where they start.
    #[inline]
    fn offer(&self, route: &mut [Step], end: usize) {
        let Some(&Step { prob, state, .. }) = route.get(end) else {
            return;
        };
        if state == 0 {
            return;
        }
        // jieba's `log_freq - logtotal + route[end].prob`.
        let prob = self.word + prob;
        for &(w, len) in self.table.words_at(state as usize - 1) {
            if !self.is_word(w) {
                continue;
            }
            let Some(step) = end
                .checked_sub(len as usize)
                .and_then(|start| route.get_mut(start))
            else {
                continue;
            };
            if step.len == 0 || prob > step.prob {
                step.prob = prob;
                step.len = len;
            }
        }
    }

    /// How many bytes the cut holds of its own: its table, or its bits over the lexicon's.
    #[cfg(test)]
    pub(crate) fn memory_usage(&self) -> usize {
        match &self.shared {
            Some(shared) => (shared.words.len() + shared.states.len()) * 8,
            None => self.table.memory_usage(),
        }
    }
}

/// Lists a match: where it ends and its state, counting those past the list's end, or all
/// of them when one of the two does not fit a `u32` (so that the list counts as full).
#[inline]
fn list(listed: &mut [(u32, u32)], matches: &mut usize, end: usize, k: usize) {
    match (u32::try_from(end), u32::try_from(k)) {
        (Ok(end), Ok(k)) => {
            if let Some(slot) = listed.get_mut(*matches) {
                *slot = (end, k);
            }
            *matches = matches.saturating_add(1);
        }
        _ => *matches = usize::MAX,
    }
}

/// Cuts a text in which no word lies: each character is a token, but runs of ASCII letters
/// and digits are joined (they are runs' characters, and every step over them is a single
/// one) and so is `\r\n` (outside the runs).
#[inline(always)]
fn singles<'t>(text: &'t str, emit: &mut impl Tokens<'t>) {
    // By bytes: a token's extent is told by its lead byte and its value is never needed,
    // which spares decoding each character (the text is valid UTF-8, so every step lands on
    // the next character's lead byte). One call of `emit`, so that it can be inlined.
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&lead) = bytes.get(at) {
        let len = match lead {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => bytes
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count(),
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => 2,
            0..0x80 => 1,
            0x80..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
        emit.token(text.get(at..at + len).unwrap_or_default());
        at += len;
    }
}

/// jieba's `is_han_default`: the characters its cut groups into runs to segment (CJK
/// ideographs, ASCII letters and digits, and `+#&._%-`).
#[inline]
fn is_han_default(c: char) -> bool {
    if matches!(c, '\u{4E00}'..='\u{9FFF}') {
        true
    } else if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
    } else {
        matches!(c,
            '\u{3400}'..='\u{4DBF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{2A6DF}'
            | '\u{2A700}'..='\u{2B73F}'
            | '\u{2B740}'..='\u{2B81F}'
            | '\u{2B820}'..='\u{2CEAF}'
            | '\u{2CEB0}'..='\u{2EBEF}'
            | '\u{2F800}'..='\u{2FA1F}'
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{Arc, PackCut, Table};
    use jieba_rs::Jieba;
    use proptest::prelude::*;

    /// Words that overlap, nest, mix Han with ASCII, hold characters outside the runs (and so
    /// never match), or come from an extension block.
    const WORDS: &[&str] = &[
        "质量",
        "质量问题",
        "问题",
        "题目",
        "量问",
        "二维码",
        "维码",
        "t恤",
        "iphone",
        "c#",
        "a+b",
        "尺码",
        "码数",
        "尺码数",
        "好的",
        "的话",
        "发货",
        "货了",
        "发货了",
        "，好",
        "好😀",
        "㐀㐁",
        "𠀀好",
        "x.y",
        "退款",
        "款式",
    ];

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    /// Words of a lexicon that are not the dictionary's: they overlap, extend and nest its
    /// words, so a cut that walks a table holding them too must pass over them.
    const LEXICON_ONLY: &[&str] = &[
        "量问题目",
        "发货了吗",
        "好的话",
        "问",
        "码",
        "维码扫",
        "题目好",
        "phone",
        "款式新",
    ];

    /// The words of a shared table: the lexicon's only, with the dictionary's in between, so
    /// that the numbers of the two differ.
    fn lexicon_words(list: &[String]) -> Vec<String> {
        let mut all: Vec<String> = LEXICON_ONLY.iter().map(|w| (*w).to_owned()).collect();
        for word in list {
            if !all.contains(word) {
                all.insert(all.len() / 2, word.clone());
            }
        }
        all
    }

    /// The tokens of the cut over a table of its own, over the lexicon's table shared (whose
    /// second list holds words too), and jieba's.
    fn all_three(list: &[String], text: &str) -> [Vec<String>; 3] {
        let own = PackCut::build(list, None).unwrap();
        assert!(own.shared.is_none());
        let all = lexicon_words(list);
        let table = Arc::new(Table::build(&all, &["问题", "货", "量问题目"]).unwrap());
        let shared = PackCut::build(list, Some((&table, &all))).unwrap();
        assert!(shared.shared.is_some());
        let mut jieba = Jieba::empty();
        for word in list {
            jieba.add_word(word, Some(1000), None);
        }
        let tokens = |cut: &PackCut| {
            let mut out = Vec::new();
            cut.cut(text, |t: &str| out.push(t.to_owned()));
            out
        };
        let theirs = jieba
            .cut(text, false)
            .into_iter()
            .map(|t| t.word.to_owned())
            .collect();
        [tokens(&own), tokens(&shared), theirs]
    }

    fn both(list: &[String], text: &str) -> (Vec<String>, Vec<String>) {
        let [own, shared, theirs] = all_three(list, text);
        assert_eq!(own, shared, "{text:?}");
        (own, theirs)
    }

    fn check(list: &[String], text: &str) {
        let (ours, theirs) = both(list, text);
        assert_eq!(ours, theirs, "{text:?}");
    }

    #[test]
    fn cuts_as_jieba() {
        let list = words(WORDS);
        for text in [
            "",
            "质量问题目",
            "质量问题，二维码扫不了",
            "t恤iphone12 c#a+b x.y.z",
            "abc123尺码数发货了吗",
            "好的话😀好😀，好",
            "\r\n\r\r\n\n",
            "㐀㐁𠀀好的",
            "＃１２３　全角！？",
            "a-b_c%d&e.f+g#h",
            // Lexicon words that cross runs' edges, so that the text's walk is in another
            // state than a run's own would be.
            "好😀好的话，好的",
            "量问题目好的话发货了吗",
        ] {
            check(&list, text);
        }
    }

    #[test]
    fn ties_go_to_the_longer_word() {
        // `ab|cd` and `abc|d` and `a|bcd`: two words either way, the same probability.
        let list = words(&["甲乙", "丙丁", "甲乙丙", "乙丙丁"]);
        for text in ["甲乙丙丁", "甲乙丙丁甲乙丙丁", "戊甲乙丙丁戊"] {
            check(&list, text);
        }
        let list = words(&["甲乙", "乙丙"]);
        check(&list, "甲乙丙");
    }

    #[test]
    fn joins_ascii_runs() {
        let list = words(&["ab", "b1", "好a", "c好"]);
        for text in [
            "ab1", "xab1y", "zab", "b12好a3", "ac好a+b", "abc好", "a b  c",
        ] {
            check(&list, text);
        }
    }

    #[test]
    fn words_at_the_edges_of_runs() {
        let list = words(&["好的", "的好", "ab", "好a"]);
        for text in ["好的!好的", "!好的!", "好的", "ab好a,ab", "的好 好的"] {
            check(&list, text);
        }
    }

    #[test]
    fn a_long_text() {
        let list = words(WORDS);
        let text = "质量问题二维码t恤iphone尺码数发货了，好的😀".repeat(400);
        check(&list, &text);
        let han = "质量问题目".repeat(2000);
        check(&list, &han);
    }

    #[test]
    fn the_builtin_dictionary_shares_the_lexicons_table() {
        let pack = crate::pack::Pack::builtin().unwrap();
        let lexicon =
            crate::lexicon::Lexicon::build(&pack, &crate::reply::cue_list(&pack.templates))
                .unwrap();
        let segmenter = crate::lexicon::segment::Segmenter::build(&pack, &lexicon).unwrap();
        // Its bits over the lexicon's table, where a table of its own held 1.04 MiB (against
        // jieba's 512 KiB root table and hash trie, which it replaces).
        let memory = segmenter.memory_usage().unwrap();
        assert!(memory < 16 << 10, "{memory}");
    }

    #[test]
    fn a_word_outside_the_lexicon_gets_a_table_of_its_own() {
        let mut pack = crate::pack::Pack::builtin().unwrap();
        pack.segmenter.words.push("甲乙丙丁".to_owned());
        let lexicon = crate::lexicon::Lexicon::build(&pack, &[]).unwrap();
        assert!(lexicon.table().is_some());
        assert!(!lexicon.patterns().iter().any(|p| p == "甲乙丙丁"));
        let segmenter = crate::lexicon::segment::Segmenter::build(&pack, &lexicon).unwrap();
        let memory = segmenter.memory_usage().unwrap();
        assert!(memory > 256 << 10, "{memory}");
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_owned),
            2 => prop::sample::select(WORDS).prop_map(|w| {
                let n = w.chars().count();
                w.chars().take(n - 1).collect()
            }),
            2 => prop::sample::select(WORDS).prop_map(|w| w.chars().skip(1).collect()),
            10 => other(),
        ]
    }

    /// Pieces of no particular word, so that some texts hold none.
    fn other() -> impl Strategy<Value = String> {
        prop_oneof![
            2 => "[质量问题目二维码尺数好的话发货了退款式一-龥]{1,4}",
            2 => "[a-zA-Z0-9]{1,4}",
            1 => "[+#&._%-]{1,2}",
            1 => "[ \r\n]{1,2}",
            1 => "[，。！？、；：（）,.!?]",
            1 => "[＃１２Ａ　！]",
            1 => "[😀🎉❤]",
        ]
    }

    proptest! {
        #[test]
        fn agrees_with_jieba(pieces in prop::collection::vec(piece(), 0..16)) {
            let text: String = pieces.concat();
            let (ours, theirs) = both(&words(WORDS), &text);
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn agrees_with_jieba_on_other_text(pieces in prop::collection::vec(other(), 0..16)) {
            let text: String = pieces.concat();
            let (ours, theirs) = both(&words(WORDS), &text);
            prop_assert_eq!(ours, theirs);
        }
    }
}
