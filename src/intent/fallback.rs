//! The statistical fallback: multinomial naive Bayes over jieba tokens and character pairs,
//! trained from the pack's example utterances when the engine is built.
//!
//! It runs only when no term, rule or quantity puts an intent over the threshold. Its raw
//! probabilities are overconfident (naive Bayes multiplies many small pieces of evidence), so
//! the log-probabilities are divided by the pack's `fallback_temperature` before they become a
//! score: the shop can make the fallback bolder or more cautious with one number.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::inline::Inline;
use crate::intent::Intent;
use crate::lexicon::segment::{Feature, Features};

const CLASSES: usize = Intent::ALL.len();
/// Laplace smoothing.
const ALPHA: f32 = 0.5;
const MIN_COUNT: f32 = 3.0;
/// How many of the strongest features a verdict names.
const SHOWN: usize = 3;
/// Known features of a message kept on the stack; a message with more (rare) spills them.
const KNOWN: usize = 32;

/// Features are 64-bit FNV hashes already; the map only spreads them, which costs a
/// multiplication instead of a SipHash per lookup.
#[derive(Clone, Copy, Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        (self.0 ^ (self.0 >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Vocab = HashMap<u64, usize, BuildHasherDefault<Prehashed>>;

/// The known features' rows by hash, for prediction: open addressing with linear probing in
/// a table at most half full, so that a look-up (most miss) is a multiplication and a compare
/// or two, where the hash map's group probing took some forty instructions.
#[derive(Clone, Debug)]
struct Rows {
    /// Each slot's hash, [`FREE`] for none.
    keys: Vec<u64>,
    /// The row of the hash in the same slot.
    rows: Vec<u32>,
    /// The row of the hash [`FREE`] itself, should a feature have it.
    free_row: Option<u32>,
    /// 64 less the table's size in bits: a hash's slot is its spread's top bits.
    shift: u32,
}

/// A slot no feature holds.
const FREE: u64 = 0;

impl Rows {
    fn build(vocab: &Vocab) -> Rows {
        let size = (2 * vocab.len()).next_power_of_two().max(2);
        let mut table = Rows {
            keys: vec![FREE; size],
            rows: vec![0; size],
            free_row: None,
            shift: 64 - size.trailing_zeros(),
        };
        for (&hash, &row) in vocab {
            let Ok(row) = u32::try_from(row) else {
                continue;
            };
            if hash == FREE {
                table.free_row = Some(row);
                continue;
            }
            let mut at = table.slot(hash);
            while let Some(key) = table.keys.get_mut(at) {
                if *key == FREE {
                    *key = hash;
                    if let Some(slot) = table.rows.get_mut(at) {
                        *slot = row;
                    }
                    break;
                }
                at = (at + 1) & (size - 1);
            }
        }
        table
    }

    #[inline]
    fn slot(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The row of the feature `hash`, if it is known.
    #[inline]
    fn get(&self, hash: u64) -> Option<usize> {
        if hash == FREE {
            return self.free_row.map(|row| row as usize);
        }
        let mask = self.keys.len() - 1;
        let mut at = self.slot(hash);
        // The table is at most half full, so a free slot ends every probe.
        loop {
            let key = *self.keys.get(at)?;
            if key == hash {
                return self.rows.get(at).map(|&row| row as usize);
            }
            if key == FREE {
                return None;
            }
            at = (at + 1) & mask;
        }
    }
}

/// A trained model.
#[derive(Clone, Debug)]
pub(crate) struct Fallback {
    vocab: Rows,
    /// Per feature, the log-probability of it in each class.
    loglik: Vec<[f32; CLASSES]>,
    /// Per feature, its strongest trained class and the two largest log-probabilities over
    /// trained classes, so a feature's margin for any class is one comparison away.
    leaders: Vec<Leaders>,
    prior: [f32; CLASSES],
    trained: [bool; CLASSES],
    temperature: f32,
}

/// A feature's largest log-probability over the trained classes, the class it belongs to,
/// and the largest over the other trained classes.
#[derive(Clone, Copy, Debug)]
struct Leaders {
    class: usize,
    first: f32,
    second: f32,
}

impl Leaders {
    fn of(row: &[f32; CLASSES], trained: &[bool; CLASSES]) -> Leaders {
        let mut leaders = Leaders {
            class: CLASSES,
            first: f32::NEG_INFINITY,
            second: f32::NEG_INFINITY,
        };
        for (c, (&x, _)) in row
            .iter()
            .zip(trained)
            .enumerate()
            .filter(|(_, (_, t))| **t)
        {
            if leaders.class == CLASSES || x > leaders.first {
                leaders.second = leaders.first;
                leaders.first = x;
                leaders.class = c;
            } else {
                leaders.second = leaders.second.max(x);
            }
        }
        leaders
    }

    /// The largest log-probability over the trained classes other than `class`.
    fn besides(self, class: usize) -> f32 {
        if class == self.class {
            self.second
        } else {
            self.first
        }
    }
}

/// The fallback's verdict on one message.
#[derive(Clone, Debug)]
pub(crate) struct Verdict<'t> {
    pub intent: Intent,
    pub probability: f32,
    /// The features that weighed most for `intent`, strongest first: the first `shown`.
    tokens: [&'t str; SHOWN],
    shown: usize,
}

impl<'t> Verdict<'t> {
    /// The features that weighed most for `intent`, strongest first.
    pub(crate) fn tokens(&self) -> &[&'t str] {
        self.tokens.get(..self.shown).unwrap_or_default()
    }
}

impl Fallback {
    /// Trains on `(intent, features)` pairs. Returns `None` when fewer than two intents have
    /// examples, since there is nothing to choose between.
    pub(crate) fn train(examples: &[(Intent, Vec<u64>)], temperature: f32) -> Option<Fallback> {
        let mut trained = [false; CLASSES];
        let mut docs = [0f32; CLASSES];
        let mut vocab = Vocab::default();
        let mut counts: Vec<[f32; CLASSES]> = Vec::new();
        for (intent, features) in examples {
            let c = intent.index();
            if let Some(t) = trained.get_mut(c) {
                *t = true;
            }
            if let Some(d) = docs.get_mut(c) {
                *d += 1.0;
            }
            for &f in features {
                let k = *vocab.entry(f).or_insert_with(|| {
                    counts.push([0.0; CLASSES]);
                    counts.len() - 1
                });
                if let Some(slot) = counts.get_mut(k).and_then(|row| row.get_mut(c)) {
                    *slot += 1.0;
                }
            }
        }
        if trained.iter().filter(|&&t| t).count() < 2 {
            return None;
        }
        // A feature seen once says more about that one sentence than about its intent.
        let mut kept = Vocab::default();
        let mut kept_counts: Vec<[f32; CLASSES]> = Vec::new();
        for (hash, k) in vocab {
            if let Some(row) = counts
                .get(k)
                .filter(|row| row.iter().sum::<f32>() >= MIN_COUNT)
            {
                kept.insert(hash, kept_counts.len());
                kept_counts.push(*row);
            }
        }
        let (vocab, counts) = (kept, kept_counts);
        let v = vocab.len() as f32;
        let mut totals = [0f32; CLASSES];
        for row in &counts {
            for (t, n) in totals.iter_mut().zip(row) {
                *t += n;
            }
        }
        let loglik = counts
            .iter()
            .map(|row| {
                let mut out = [0f32; CLASSES];
                for c in 0..CLASSES {
                    let n = row.get(c).copied().unwrap_or(0.0);
                    let t = totals.get(c).copied().unwrap_or(0.0);
                    if let Some(o) = out.get_mut(c) {
                        *o = ((n + ALPHA) / (t + ALPHA * v)).ln();
                    }
                }
                out
            })
            .collect::<Vec<_>>();
        let leaders = loglik
            .iter()
            .map(|row| Leaders::of(row, &trained))
            .collect();
        let all_docs: f32 = docs.iter().sum();
        let mut prior = [f32::NEG_INFINITY; CLASSES];
        for c in 0..CLASSES {
            if let (Some(p), Some(d)) = (prior.get_mut(c), docs.get(c)) {
                if *d > 0.0 {
                    *p = (d / all_docs).ln();
                }
            }
        }
        Some(Fallback {
            vocab: Rows::build(&vocab),
            loglik,
            leaders,
            prior,
            trained,
            temperature,
        })
    }

    /// The most probable intent for the features of `message` (the normalised text they
    /// give byte ranges of) summed in `tally`, with its tempered probability.
    /// `None` when no feature is known to the model or when `wanted` turns the most probable
    /// intent down.
    pub(crate) fn predict<'t>(
        &self,
        tally: Tally<'_>,
        message: &'t str,
        wanted: impl Fn(Intent) -> bool,
    ) -> Option<Verdict<'t>> {
        let Tally { logits, known, .. } = tally;
        let known_count = known.len();
        if known_count == 0 {
            return None;
        }
        let best = (0..CLASSES)
            .filter(|&c| self.trained.get(c).copied().unwrap_or(false))
            .max_by(|&a, &b| {
                let la = logits.get(a).copied().unwrap_or(f32::NEG_INFINITY);
                let lb = logits.get(b).copied().unwrap_or(f32::NEG_INFINITY);
                la.total_cmp(&lb).then(b.cmp(&a))
            })?;
        // Most verdicts are turned down (`other`, or an intent the pack keeps the fallback
        // from naming): they need neither a probability nor their strongest features.
        let intent = Intent::ALL.get(best).copied().filter(|&i| wanted(i))?;
        let top = logits.get(best).copied()?;
        // Fewer known features, less to go on: flatten short messages more.
        let temperature = self.temperature * (1.0 + 1.0 / known_count as f32);
        let mut norm = 0f32;
        for (c, l) in logits.iter().enumerate() {
            if c == best {
                // exp(0) is exactly 1.
                norm += 1.0;
            } else if self.trained.get(c).copied().unwrap_or(false) {
                norm += ((l - top) / temperature).exp();
            }
        }
        let probability = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        // The strongest features for the winner: largest margin over the runner-up classes,
        // the three best kept in order (margin, then text), each text once.
        // One slot more than is shown, for the one a new feature pushes out.
        let mut strongest = [(0f32, ""); SHOWN + 1];
        let mut shown = 0;
        for &(k, from, to) in known.iter() {
            let k = k as usize;
            let Some(text) = message.get(from..to) else {
                continue;
            };
            let (Some(own), Some(leaders)) = (
                self.loglik.get(k).and_then(|row| row.get(best)).copied(),
                self.leaders.get(k),
            ) else {
                continue;
            };
            let others = leaders.besides(best);
            let margin = own - others;
            if margin <= 0.0 {
                continue;
            }
            let kept = strongest.get(..shown).unwrap_or_default();
            let at = kept
                .iter()
                .position(|(m, t)| margin.total_cmp(m).then_with(|| t.cmp(&text)).is_gt())
                .unwrap_or(shown);
            // A feature that would not make the top three is dropped whether or not its text
            // is already there, so the texts are compared only for one that would.
            if at < SHOWN && !kept.iter().any(|(_, t)| *t == text) {
                // The slot past the kept ones comes to `at`, the ones from `at` move up.
                if let Some(moved) = strongest.get_mut(at..=shown) {
                    moved.rotate_right(1);
                    if let Some(slot) = moved.first_mut() {
                        *slot = (margin, text);
                    }
                }
                shown = (shown + 1).min(SHOWN);
            }
        }
        let mut tokens = [""; SHOWN];
        for (token, (_, text)) in tokens.iter_mut().zip(strongest) {
            *token = text;
        }
        Some(Verdict {
            intent,
            probability,
            tokens,
            shown,
        })
    }
}

/// A message's features summed into the fallback's prior as the segmenter hands them over,
/// in the order it does (the `f32` sums depend on it), so that they are never collected.
pub(crate) struct Tally<'m> {
    model: &'m Fallback,
    logits: [f32; CLASSES],
    /// The rows of the known features and the text they cover, for the strongest features
    /// of the verdict; kept on the stack (an allocation and a free cost more than the rest of
    /// a short message's lookups).
    known: Inline<(u32, usize, usize), KNOWN>,
}

impl<'m> Tally<'m> {
    /// An empty tally: the model's prior alone.
    pub(crate) fn new(model: &'m Fallback) -> Tally<'m> {
        Tally {
            model,
            logits: model.prior,
            known: Inline::new(),
        }
    }
}

impl Features for Tally<'_> {
    // Called for every feature from deep in the cut: a call each cost more than the list.
    #[inline(always)]
    fn push(&mut self, (hash, from, to): Feature) {
        let Some(k) = self.model.vocab.get(hash) else {
            return;
        };
        if let (Some(row), Ok(k32)) = (self.model.loglik.get(k), u32::try_from(k)) {
            self.known.push((k32, from, to));
            add(&mut self.logits, row);
        }
    }
}

/// Adds `row` to `sums` class by class.
// Out of line on purpose: inlined into `predict`, the compiler kept the twelve sums in
// separate scalars (some 45 instructions per feature); alone, they are three vector adds.
#[inline(never)]
fn add(sums: &mut [f32; CLASSES], row: &[f32; CLASSES]) {
    for (l, x) in sums.iter_mut().zip(row) {
        *l += x;
    }
}

#[cfg(test)]
mod tests {
    use super::{Rows, Vocab};

    #[test]
    fn rows_find_every_known_hash_and_no_other() {
        let mut vocab = Vocab::default();
        // Hashes that share their slots' top bits, and the free key itself.
        let hashes: Vec<u64> = (0..500u64)
            .map(|k| k.wrapping_mul(0x0123_4567_89AB_CDEF) | (k << 56))
            .chain([0, u64::MAX, 1 << 63])
            .collect();
        for (row, &hash) in hashes.iter().enumerate() {
            vocab.insert(hash, row);
        }
        let rows = Rows::build(&vocab);
        for (&hash, &row) in &vocab {
            assert_eq!(rows.get(hash), Some(row), "{hash:#x}");
        }
        for miss in (1..2000u64).map(|k| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5555) {
            assert_eq!(rows.get(miss), vocab.get(&miss).copied(), "{miss:#x}");
        }
        let empty = Rows::build(&Vocab::default());
        assert_eq!(empty.get(0), None);
        assert_eq!(empty.get(42), None);
    }
}
