//! The fallback's word segmenter: jieba's cut (without its HMM) over the pack's own words,
//! done by [`PackCut`] for jieba's per-call cost, or jieba-rs itself over its large default
//! dictionary when a pack asks for it.
//!
//! Messages become *features*: each jieba token and each pair of neighbouring characters,
//! hashed to a `u64` so the per-message path builds no strings.

use jieba_rs::Jieba;

use super::Lexicon;
use super::cut::{PackCut, Tokens};
use crate::error::PackError;
use crate::inline::Inline;
use crate::normalize::is_punctuation;
use crate::pack::{Dictionary, Pack};

/// One feature of a message: its hash and where the text it came from lies in the
/// normalised message (start and end byte), so that a list of them is all zeros to clear.
pub(crate) type Feature = (u64, usize, usize);

/// Where a message's features go: a vector, or a short list on the stack.
pub(crate) trait Features {
    /// Takes the next feature.
    fn push(&mut self, feature: Feature);
}

impl Features for Vec<Feature> {
    #[inline]
    fn push(&mut self, feature: Feature) {
        Vec::push(self, feature);
    }
}

impl<const N: usize> Features for Inline<Feature, N> {
    #[inline]
    fn push(&mut self, feature: Feature) {
        Inline::push(self, feature);
    }
}

/// A built segmenter.
pub(crate) struct Segmenter {
    cut: Cut,
}

/// What cuts a message into words.
enum Cut {
    /// The pack's own dictionary, cut as jieba would.
    Pack(Box<PackCut>),
    /// jieba itself: its default dictionary, or the pack's when [`PackCut`] cannot hold it.
    Jieba(Box<Jieba>),
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").finish_non_exhaustive()
    }
}

impl Segmenter {
    /// Builds the segmenter from the pack's dictionary choice, its segmenter words and the
    /// lexicon's segmenter words ([`Lexicon::segmenter_words`]).
    pub(crate) fn build(pack: &Pack, lexicon: &Lexicon) -> Result<Segmenter, PackError> {
        let extra = pack
            .segmenter
            .words
            .iter()
            .map(|w| crate::normalize::normalize(w).as_str().to_owned());
        let words = dictionary_words(lexicon.segmenter_words().cloned().chain(extra));
        let shared = lexicon.table().map(|table| (table, lexicon.patterns()));
        let cut = match pack.segmenter.dictionary {
            Dictionary::Pack => match PackCut::build(&words, shared) {
                Some(cut) => Cut::Pack(Box::new(cut)),
                None => Cut::Jieba(Box::new(jieba_over(Jieba::empty(), &words))),
            },
            Dictionary::JiebaDefault => {
                Cut::Jieba(Box::new(jieba_over(default_dictionary()?, &words)))
            }
        };
        Ok(Segmenter { cut })
    }

    /// Appends the features of a normalised message to `out`.
    pub(crate) fn features(&self, text: &str, out: &mut impl Features) {
        let mut words = Words { out, text };
        match &self.cut {
            Cut::Pack(cut) => cut.cut(text, words),
            Cut::Jieba(jieba) => {
                for token in jieba.cut(text, false) {
                    words.token(token.word);
                }
            }
        }
        let mut prev: Option<(usize, char)> = None;
        for (at, c) in text.char_indices() {
            let usable = usable(c);
            if let Some((from, p)) = prev {
                if usable && !(p.is_ascii_digit() && c.is_ascii_digit()) {
                    out.push((pair_hash(p, c), from, at + c.len_utf8()));
                }
            }
            prev = usable.then_some((at, c));
        }
    }
}

/// Takes the cut's tokens, slices of `text`, as features.
struct Words<'t, 'o, O> {
    out: &'o mut O,
    /// The text cut: a token's offset in it is its address less the text's, which spares
    /// the cut handing offsets through (jieba's tokens are slices, without offsets).
    text: &'t str,
}

impl<'t, O: Features> Tokens<'t> for Words<'t, '_, O> {
    #[inline(always)]
    fn token(&mut self, word: &'t str) {
        // Most tokens begin with a common Han ideograph (a lead byte of U+5000 to U+9FFF),
        // which is usable: deciding them by the byte spares decoding the character.
        let han = word
            .as_bytes()
            .first()
            .is_some_and(|b| (0xE5..=0xE9).contains(b));
        if han || word.chars().any(usable) {
            let start = (word.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
            let end = start.wrapping_add(word.len());
            debug_assert_eq!(
                self.text.get(start..end),
                Some(word),
                "a token not of the text"
            );
            self.out.push((word_hash(word), start, end));
        }
    }
}

/// The words the segmenter adds to its dictionary, each once, in order: those of two or more
/// characters and no space.
fn dictionary_words(words: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    words
        .filter(|w| w.chars().count() >= 2 && !w.contains(' '))
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// `jieba` with `words` added, each at frequency 1000.
fn jieba_over(mut jieba: Jieba, words: &[String]) -> Jieba {
    for word in words {
        jieba.add_word(word, Some(1000), None);
    }
    jieba
}

impl Segmenter {
    /// How many bytes [`PackCut`]'s table holds, if the segmenter uses one.
    #[cfg(test)]
    pub(crate) fn memory_usage(&self) -> Option<usize> {
        match &self.cut {
            Cut::Pack(cut) => Some(cut.memory_usage()),
            Cut::Jieba(_) => None,
        }
    }
}

#[cfg(feature = "jieba-default-dict")]
fn default_dictionary() -> Result<Jieba, PackError> {
    Ok(Jieba::new())
}

#[cfg(not(feature = "jieba-default-dict"))]
fn default_dictionary() -> Result<Jieba, PackError> {
    Err(PackError::Unsupported {
        item: "`segmenter.dictionary = \"jieba-default\"`".to_owned(),
        needs: "the crate feature `jieba-default-dict`".to_owned(),
    })
}

/// Whether a character can be part of a feature: neither a space nor punctuation.
#[inline]
fn usable(c: char) -> bool {
    // Nearly every character of a message is a common Han ideograph, and none of those is
    // punctuation: deciding them by one range check spares a call per character.
    matches!(c, '\u{4E00}'..='\u{9FFF}') || !(c == ' ' || is_punctuation(c))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
/// Odd, with its bits spread (the 64-bit golden ratio).
const PAIR_MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// FNV-1a over the word: stable across runs and platforms.
fn word_hash(word: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in word.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// A pair of characters as one number (a character fits in 21 bits), spread by one
/// multiplication instead of FNV's one per byte (six for a pair of Han characters), for half
/// of the features. Distinct pairs keep distinct hashes (the multiplier is odd); a pair and a
/// word can share one only by chance, as two words can.
fn pair_hash(a: char, b: char) -> u64 {
    ((u64::from(a) << 32 | u64::from(b)) ^ FNV_OFFSET).wrapping_mul(PAIR_MULTIPLIER)
}
