//! Stage 3c, traits: who the buyer is and what they care about (S4, S8, S19).
//!
//! A trait's score is the noisy-OR of its evidence, like an intent's: the pack's cue words and
//! rules in this message, what earlier turns of the conversation showed, and the facts of the
//! host's [`Profile`](crate::session::Profile). A trait is present at the pack's threshold, the
//! same one intents use.
//!
//! Moods (anger, impatience, urgency) fade from turn to turn by the pack's
//! `session.mood_decay`; who the buyer is (gender, age, price sensitivity, a returning buyer)
//! does not fade. Haggling counts the rounds of bargaining in the conversation, and
//! [`Trait::Purchase`] is an estimate built from everything else: signs of buying add up, and
//! long haggling, objections, anger and an overlong chat scale them down, each a piece of
//! evidence.

pub(crate) mod purchase;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::analysis::{Evidence, Source};

/// A buyer trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Trait {
    /// A hint at the buyer's gender; the value says which.
    Gender,
    /// A hint at the buyer's age band; the value says which.
    AgeBand,
    /// Watches the price: asks for discounts, compares, minds the shipping fee.
    PriceSensitive,
    /// Cares most about quality and authenticity.
    QualityFocus,
    /// Cares most about looks and style.
    StyleFocus,
    /// Needs the goods soon.
    Urgent,
    /// Bargains, round after round (S8).
    Haggling,
    /// Angry or complaining.
    Angry,
    /// Impatient with the desk: chases, repeats, waits.
    Impatient,
    /// Has bought here before, or is a member / VIP.
    Returning,
    /// How likely the buyer is to order in this conversation: an estimate, not a cue.
    Purchase,
}

impl Trait {
    /// Every trait, in the order used for ties.
    pub const ALL: [Trait; 11] = [
        Trait::Gender,
        Trait::AgeBand,
        Trait::PriceSensitive,
        Trait::QualityFocus,
        Trait::StyleFocus,
        Trait::Urgent,
        Trait::Haggling,
        Trait::Angry,
        Trait::Impatient,
        Trait::Returning,
        Trait::Purchase,
    ];

    /// The name used in packs and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Trait::Gender => "gender",
            Trait::AgeBand => "age_band",
            Trait::PriceSensitive => "price_sensitive",
            Trait::QualityFocus => "quality_focus",
            Trait::StyleFocus => "style_focus",
            Trait::Urgent => "urgent",
            Trait::Haggling => "haggling",
            Trait::Angry => "angry",
            Trait::Impatient => "impatient",
            Trait::Returning => "returning",
            Trait::Purchase => "purchase",
        }
    }

    /// True for moods, which fade over the turns of a conversation.
    pub const fn is_mood(self) -> bool {
        matches!(self, Trait::Angry | Trait::Impatient | Trait::Urgent)
    }

    /// True when the trait needs a [`TraitValue`] (gender, age band).
    pub const fn has_value(self) -> bool {
        matches!(self, Trait::Gender | Trait::AgeBand)
    }
}

impl fmt::Display for Trait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of a trait that has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TraitValue {
    /// Gender: female.
    Female,
    /// Gender: male.
    Male,
    /// Age band: young; fashionable wording suits (S5).
    Young,
    /// Age band: middle-aged; elegant wording suits.
    Middle,
    /// Age band: older; practical, convenient wording suits.
    Older,
}

impl TraitValue {
    /// The name used in packs and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            TraitValue::Female => "female",
            TraitValue::Male => "male",
            TraitValue::Young => "young",
            TraitValue::Middle => "middle",
            TraitValue::Older => "older",
        }
    }

    /// The trait this is a value of.
    pub const fn of(self) -> Trait {
        match self {
            TraitValue::Female | TraitValue::Male => Trait::Gender,
            TraitValue::Young | TraitValue::Middle | TraitValue::Older => Trait::AgeBand,
        }
    }
}

/// A trait name as packs write it: `angry`, or `gender=female` for a trait with a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraitName {
    /// The trait.
    pub name: Trait,
    /// Its value, for gender and age band.
    pub value: Option<TraitValue>,
}

impl fmt::Display for TraitName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            Some(v) => write!(f, "{}={}", self.name, v.as_str()),
            None => f.write_str(self.name.as_str()),
        }
    }
}

impl FromStr for TraitName {
    type Err = ();

    /// Reads `angry`, `gender=female`, `age_band=older`. A trait with values needs one; the
    /// others take none.
    fn from_str(s: &str) -> Result<TraitName, ()> {
        let (name, value) = match s.trim().split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (s.trim(), None),
        };
        let name = Trait::ALL
            .into_iter()
            .find(|t| t.as_str() == name)
            .ok_or(())?;
        let value = match value {
            None => None,
            Some(v) => Some(
                [
                    TraitValue::Female,
                    TraitValue::Male,
                    TraitValue::Young,
                    TraitValue::Middle,
                    TraitValue::Older,
                ]
                .into_iter()
                .find(|x| x.as_str() == v && x.of() == name)
                .ok_or(())?,
            ),
        };
        if name.has_value() != value.is_some() {
            return Err(());
        }
        Ok(TraitName { name, value })
    }
}

/// One trait's score and the evidence behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TraitScore {
    /// The trait.
    #[serde(rename = "trait")]
    pub name: Trait,
    /// Its value, for gender and age band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<TraitValue>,
    /// The score in `[0, 1]`.
    pub score: f32,
    /// True when `score` reaches the engine's threshold.
    pub present: bool,
    /// Cue words and rules in this message (with their spans), and facts from the session
    /// and the profile (with an empty span). For [`Trait::Purchase`], evidence against buying
    /// carries a negative weight.
    pub evidence: Vec<Evidence>,
}

impl TraitScore {
    /// True when this is `name` (with `value`, if given) and present.
    pub fn is(&self, name: &TraitName) -> bool {
        self.name == name.name && (name.value.is_none() || self.value == name.value)
    }
}

/// Evidence gathered per trait and value while a message is read.
///
/// Each trait and value is kept as the score it becomes, filled in by
/// [`finish`](Self::finish), so that finishing needs neither a new list nor the old one freed.
#[derive(Debug, Default)]
pub(crate) struct TraitBoard {
    entries: Vec<TraitScore>,
}

impl TraitBoard {
    /// Adds evidence. The same cue said twice is one hint, not two: a repeat stays in the
    /// evidence but does not count.
    pub(crate) fn add(&mut self, name: TraitName, mut evidence: Evidence) {
        match self
            .entries
            .iter_mut()
            .find(|s| s.name == name.name && s.value == name.value)
        {
            Some(entry) => {
                let list = &mut entry.evidence;
                if list
                    .iter()
                    .any(|e| e.counts() && e.source == evidence.source)
                {
                    evidence.counted = false;
                }
                list.push(evidence);
            }
            None => {
                // Room for a few more cues of the same trait from the start, as a first push
                // would have made, rather than one and a reallocation at the second.
                let mut list = Vec::with_capacity(4);
                list.push(evidence);
                // As for the evidence: a fresh allocation is cheaper than a first growth.
                if self.entries.capacity() == 0 {
                    self.entries = Vec::with_capacity(4);
                }
                self.entries.push(TraitScore {
                    name: name.name,
                    value: name.value,
                    score: 0.0,
                    present: false,
                    evidence: list,
                });
            }
        }
    }

    /// Adds a fact that is not in the message (session or profile), with an empty span.
    pub(crate) fn add_fact(&mut self, name: TraitName, source: Source, weight: f32) {
        self.add(name, Evidence::fact(source, weight));
    }

    /// The scores: for gender and age band only the strongest value; strongest first.
    #[inline]
    pub(crate) fn finish(self, threshold: f32) -> Vec<TraitScore> {
        // Most messages show no trait: their empty list is handed over without a call.
        if self.entries.is_empty() {
            return self.entries;
        }
        Self::scores(self.entries, threshold)
    }

    /// [`finish`](Self::finish) for a board with entries.
    #[inline(never)]
    fn scores(mut scores: Vec<TraitScore>, threshold: f32) -> Vec<TraitScore> {
        for s in &mut scores {
            // Cues come in message order, terms before rules: checking is cheaper than sorting.
            if !s.evidence.is_sorted_by_key(|e| (e.span.start, e.span.end)) {
                s.evidence.sort_by_key(|e| (e.span.start, e.span.end));
            }
            s.score = noisy_or(&s.evidence);
            s.present = s.score >= threshold;
        }
        // Gender and age band keep their strongest value, the first one of equals: the stable
        // sort puts it first among its trait's values, where deduplication keeps it. Rare, as
        // it needs two values said.
        if scores
            .iter()
            .filter(|s| s.name.has_value())
            .nth(1)
            .is_some()
        {
            scores.sort_by(|a, b| a.name.cmp(&b.name).then(b.score.total_cmp(&a.score)));
            scores.dedup_by(|later, first| later.name == first.name);
        }
        scores.sort_by(order);
        scores
    }
}

/// The order of trait scores: strongest first, ties by name and value.
pub(crate) fn order(a: &TraitScore, b: &TraitScore) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.name.cmp(&b.name))
        .then(a.value.cmp(&b.value))
}

/// `1 − Π(1 − wᵢ)` over the evidence that counts.
pub(crate) fn noisy_or(evidence: &[Evidence]) -> f32 {
    (1.0 - miss_of(evidence)).clamp(0.0, 1.0)
}

/// `Π(1 − wᵢ)` over the evidence that counts: the chance that none of it is right.
pub(crate) fn miss_of(evidence: &[Evidence]) -> f32 {
    evidence
        .iter()
        .filter(|e| e.counts() && e.weight > 0.0)
        .map(|e| 1.0 - e.weight.clamp(0.0, 1.0))
        .product()
}

impl crate::analysis::Analysis {
    /// The trait's score (for gender and age band, of the value given, or of the strongest
    /// value when none is given); 0 when nothing showed it.
    pub fn trait_score(&self, name: Trait, value: Option<TraitValue>) -> f32 {
        self.traits
            .iter()
            .find(|s| s.name == name && (value.is_none() || s.value == value))
            .map_or(0.0, |s| s.score)
    }

    /// True when the trait reaches the threshold.
    pub fn has_trait(&self, name: Trait) -> bool {
        self.traits.iter().any(|s| s.name == name && s.present)
    }
}
