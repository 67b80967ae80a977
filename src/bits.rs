//! A set of bits, 64 to a word, for the per-message sets of the hot path (anchor words and
//! rules present, templates worth a look, cues said).

/// Words held on the stack: the sets of a common pack (the built-in pack's 800 anchor words
/// and its rules twice, with its 240 template cues; up to 1,400 templates or cues) fit, and a
/// zeroed allocation per message cost more than the work the set is for.
const INLINE: usize = 22;

/// `words` zeroed `u64`s, on the stack when they fit.
pub(crate) enum Bits {
    Inline([u64; INLINE], usize),
    Heap(Vec<u64>),
}

impl Bits {
    /// A set of `words` zeroed words.
    pub(crate) fn new(words: usize) -> Bits {
        if words <= INLINE {
            Bits::Inline([0; INLINE], words)
        } else {
            Bits::Heap(vec![0; words])
        }
    }

    pub(crate) fn words(&self) -> &[u64] {
        match self {
            Bits::Inline(words, n) => words.get(..*n).unwrap_or(words),
            Bits::Heap(words) => words,
        }
    }

    pub(crate) fn words_mut(&mut self) -> &mut [u64] {
        match self {
            Bits::Inline(words, n) => {
                let n = (*n).min(words.len());
                words.get_mut(..n).unwrap_or_default()
            }
            Bits::Heap(words) => words,
        }
    }
}
