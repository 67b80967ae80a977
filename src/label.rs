//! [`Label`]: the short texts that analyses and replies carry, pack ids and the crate's own
//! wordings, made without a heap allocation.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most bytes a label keeps in place: with the tag and the length, a label is as big as a
/// `String`. About 95% of the ids that evidence and replies cite from the built-in pack fit
/// (`size/码` does, `promotion.spend-and-save` is two bytes over).
const INLINE: usize = 22;

/// A short text in an analysis or a reply: the id of the pack's term, rule or template behind
/// a decision (`size/码`, `size.garment-fit`), or one of the crate's own wordings (`asks about
/// size`).
///
/// Every message's evidence and replies name the pack items behind them, so a busy engine
/// makes labels by the million. A `String` would allocate for each; a label of up to 22 bytes
/// is kept in place and one of the crate's wordings is borrowed, so making or cloning one
/// allocates nothing, and no two threads share a count that one of them has to update. A longer
/// label is kept on the heap.
///
/// A label reads as a `str` (it derefs to one, and has [`as_str`](Label::as_str),
/// `AsRef<str>` and `Display`), compares and hashes by its text, also with `str`, `&str` and
/// `String`, and serialises as a plain string.
///
/// ```
/// use kefu::Label;
///
/// let id = Label::new("size/码");
/// assert_eq!(id, "size/码");
/// assert!(id.starts_with("size/"));
/// assert_eq!(id.len(), "size/码".len());
/// assert_eq!(String::from(id.clone()), "size/码");
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""size/码""#);
/// assert_eq!(format!("{id} {id:?}"), r#"size/码 "size/码""#);
/// ```
#[derive(Clone)]
pub struct Label(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    /// The first `len` bytes of `bytes`, which always hold a whole `str`.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

impl Label {
    /// A label for text that lives for the whole program, borrowed rather than copied.
    pub const fn from_static(text: &'static str) -> Label {
        Label(Repr::Static(text))
    }

    /// A label with a copy of `text`: in place when it is short, on the heap when not.
    pub fn new(text: &str) -> Label {
        Label::inline(text).unwrap_or_else(|| Label(Repr::Heap(Box::from(text))))
    }

    fn inline(text: &str) -> Option<Label> {
        let len = u8::try_from(text.len())
            .ok()
            .filter(|&n| usize::from(n) <= INLINE)?;
        let mut bytes = [0; INLINE];
        bytes
            .get_mut(..text.len())?
            .copy_from_slice(text.as_bytes());
        Some(Label(Repr::Inline { len, bytes }))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            // The bytes were copied from a `str` whole, so they are always UTF-8.
            Repr::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Repr::Heap(text) => text,
        }
    }
}

impl Label {
    /// The text's bytes, read without checking them again: what comparing needs.
    fn bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Static(text) => text.as_bytes(),
            Repr::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Heap(text) => text.as_bytes(),
        }
    }
}

impl Default for Label {
    /// The empty label.
    fn default() -> Label {
        Label::from_static("")
    }
}

impl Deref for Label {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Label {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Label {
    /// As a `str`'s: quoted and escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&'static str> for Label {
    fn from(text: &'static str) -> Label {
        Label::from_static(text)
    }
}

impl From<String> for Label {
    fn from(text: String) -> Label {
        Label::inline(&text).unwrap_or_else(|| Label(Repr::Heap(text.into_boxed_str())))
    }
}

impl From<Label> for String {
    fn from(label: Label) -> String {
        match label.0 {
            Repr::Heap(text) => text.into_string(),
            _ => label.as_str().to_owned(),
        }
    }
}

/// Labels compare by their bytes, which is how their texts compare (UTF-8 keeps the order of
/// the characters), without reading a label kept in place as a `str` first.
impl PartialEq for Label {
    fn eq(&self, other: &Label) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for Label {}

impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Label) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Label {
    fn cmp(&self, other: &Label) -> Ordering {
        self.bytes().cmp(other.bytes())
    }
}

impl Hash for Label {
    /// As its text hashes, so that a map keyed by labels can be looked up by `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

/// `Label == str`, `Label == &str`, `Label == String`, and each the other way round.
macro_rules! eq_text {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Label {
            fn eq(&self, other: &$other) -> bool {
                self.bytes() == AsRef::<str>::as_ref(other).as_bytes()
            }
        }

        impl PartialEq<Label> for $other {
            fn eq(&self, other: &Label) -> bool {
                AsRef::<str>::as_ref(self).as_bytes() == other.bytes()
            }
        }
    )*};
}

eq_text!(str, &str, String);

impl Serialize for Label {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Label, D::Error> {
        deserializer.deserialize_str(LabelVisitor)
    }
}

struct LabelVisitor;

impl Visitor<'_> for LabelVisitor {
    type Value = Label;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Label, E> {
        Ok(Label::new(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Label, E> {
        Ok(Label::from(text))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    use super::{INLINE, Label, Repr};

    fn fail(e: serde_json::Error) -> TestCaseError {
        TestCaseError::fail(e.to_string())
    }

    #[test]
    fn short_text_stays_in_place_and_long_text_goes_to_the_heap() {
        let short = "promotion/满减".to_owned();
        assert!(short.len() <= INLINE);
        assert!(matches!(Label::new(&short).0, Repr::Inline { .. }));
        assert!(matches!(Label::from(short).0, Repr::Inline { .. }));
        let long = "x".repeat(INLINE + 1);
        assert!(matches!(Label::new(&long).0, Repr::Heap(_)));
        assert!(matches!(Label::from(long).0, Repr::Heap(_)));
        assert!(matches!(Label::from("asks about size").0, Repr::Static(_)));
    }

    #[test]
    fn a_label_is_as_big_as_a_string() {
        assert_eq!(size_of::<Label>(), size_of::<String>());
    }

    #[test]
    fn a_set_of_labels_is_looked_up_by_str() {
        let set: HashSet<Label> = [Label::new("size/码"), Label::from("a".repeat(40))].into();
        assert!(set.contains("size/码"));
        assert!(set.contains("a".repeat(40).as_str()));
        assert!(!set.contains("size"));
    }

    proptest! {
        #[test]
        fn every_way_of_making_a_label_keeps_its_text(text in "\\PC{0,30}") {
            for label in [Label::new(&text), Label::from(text.clone())] {
                prop_assert_eq!(label.as_str(), text.as_str());
                prop_assert_eq!(&label, &text);
                prop_assert_eq!(String::from(label.clone()), text.clone());
                prop_assert_eq!(format!("{label:?}"), format!("{text:?}"));
                let json = serde_json::to_string(&label).map_err(fail)?;
                prop_assert_eq!(&json, &serde_json::to_string(&text).map_err(fail)?);
                let back: Label = serde_json::from_str(&json).map_err(fail)?;
                prop_assert_eq!(back, label);
            }
        }

        #[test]
        fn labels_order_as_their_texts(a in "\\PC{0,25}", b in "\\PC{0,25}") {
            prop_assert_eq!(Label::new(&a).cmp(&Label::new(&b)), a.cmp(&b));
            let (left, right) = (Label::new(&a), Label::from(b.clone()));
            prop_assert_eq!(left == right, a == b);
        }
    }
}
