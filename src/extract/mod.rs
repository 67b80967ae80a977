//! Stage 3a, quantities: heights, weights, clothing and shoe sizes, money, order numbers and
//! phone numbers, each with its normalised value and its span in the original message.
//!
//! A hand-written scanner over the normalised text rather than a regex set: it reads each
//! number once (Arabic or Chinese numerals), looks at the unit after it, and uses cue words
//! (身高 / 体重) for bare numbers. A bare number is never guessed into a height or weight
//! unless the context makes it plain: after 身高 / 体重 / 身高体重, or right beside a height or
//! weight that has its unit (`165 110斤`).

mod numeral;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::analysis::Span;
use crate::normalize::Normalized;

/// A clothing size label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ClothingSize {
    /// XS.
    #[serde(rename = "XS")]
    Xs,
    /// S.
    #[serde(rename = "S")]
    S,
    /// M.
    #[serde(rename = "M")]
    M,
    /// L.
    #[serde(rename = "L")]
    L,
    /// XL.
    #[serde(rename = "XL")]
    Xl,
    /// XXL, also written 2XL.
    #[serde(rename = "2XL")]
    Xl2,
    /// XXXL, also written 3XL.
    #[serde(rename = "3XL")]
    Xl3,
    /// 4XL.
    #[serde(rename = "4XL")]
    Xl4,
    /// 5XL.
    #[serde(rename = "5XL")]
    Xl5,
    /// One size fits all: 均码, free size.
    #[serde(rename = "FREE")]
    Free,
}

impl ClothingSize {
    /// Every size from small to large, then `Free`.
    pub const ALL: [ClothingSize; 10] = [
        ClothingSize::Xs,
        ClothingSize::S,
        ClothingSize::M,
        ClothingSize::L,
        ClothingSize::Xl,
        ClothingSize::Xl2,
        ClothingSize::Xl3,
        ClothingSize::Xl4,
        ClothingSize::Xl5,
        ClothingSize::Free,
    ];

    /// The canonical label: `XS` … `5XL`, `FREE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ClothingSize::Xs => "XS",
            ClothingSize::S => "S",
            ClothingSize::M => "M",
            ClothingSize::L => "L",
            ClothingSize::Xl => "XL",
            ClothingSize::Xl2 => "2XL",
            ClothingSize::Xl3 => "3XL",
            ClothingSize::Xl4 => "4XL",
            ClothingSize::Xl5 => "5XL",
            ClothingSize::Free => "FREE",
        }
    }

    /// Reads a lowercase label as buyers write it (`xxl`, `2xl`, `m`).
    fn from_lowercase(s: &[u8]) -> Option<ClothingSize> {
        Some(match s {
            b"xs" => ClothingSize::Xs,
            b"s" => ClothingSize::S,
            b"m" => ClothingSize::M,
            b"l" => ClothingSize::L,
            b"xl" => ClothingSize::Xl,
            b"xxl" | b"2xl" => ClothingSize::Xl2,
            b"xxxl" | b"3xl" => ClothingSize::Xl3,
            b"xxxxl" | b"4xl" => ClothingSize::Xl4,
            b"xxxxxl" | b"5xl" => ClothingSize::Xl5,
            _ => return None,
        })
    }
}

impl fmt::Display for ClothingSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of [`Quantity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuantityKind {
    /// A body height.
    Height,
    /// A body weight.
    Weight,
    /// A clothing size label.
    ClothingSize,
    /// A shoe size (Chinese/EU numbering, 35–46).
    ShoeSize,
    /// An amount of money.
    Money,
    /// An order number (12 or more digits).
    OrderNumber,
    /// A mainland mobile number.
    Phone,
}

impl QuantityKind {
    /// Every kind.
    pub const ALL: [QuantityKind; 7] = [
        QuantityKind::Height,
        QuantityKind::Weight,
        QuantityKind::ClothingSize,
        QuantityKind::ShoeSize,
        QuantityKind::Money,
        QuantityKind::OrderNumber,
        QuantityKind::Phone,
    ];

    /// The name packs use: `height`, `clothing_size`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            QuantityKind::Height => "height",
            QuantityKind::Weight => "weight",
            QuantityKind::ClothingSize => "clothing_size",
            QuantityKind::ShoeSize => "shoe_size",
            QuantityKind::Money => "money",
            QuantityKind::OrderNumber => "order_number",
            QuantityKind::Phone => "phone",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl FromStr for QuantityKind {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        QuantityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// A quantity found in a message, with its normalised value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Quantity {
    /// A body height in centimetres (`165cm`, `1米65`, `一米六五`, `1.65m`, `165公分`).
    Height {
        /// Centimetres.
        cm: f32,
        /// Where it was written.
        span: Span,
    },
    /// A body weight in kilograms (`55kg`, `55公斤`, `110斤` = 55 kg, `一百二十斤`).
    Weight {
        /// Kilograms; 斤 are halved.
        kg: f32,
        /// Where it was written.
        span: Span,
    },
    /// A clothing size (`XL`, `XXL` = `2XL`, `M码`, `均码`).
    ClothingSize {
        /// The size.
        size: ClothingSize,
        /// Where it was written.
        span: Span,
    },
    /// A shoe size (`38码`, `39号`, `三十八码`).
    ShoeSize {
        /// The size, halves allowed.
        size: f32,
        /// Where it was written.
        span: Span,
    },
    /// Money in yuan (`80元`, `80块`, `¥80`, `八十块`).
    Money {
        /// Yuan.
        yuan: f64,
        /// Where it was written.
        span: Span,
    },
    /// An order number.
    OrderNumber {
        /// The digits.
        digits: String,
        /// Where it was written.
        span: Span,
    },
    /// A mobile phone number.
    Phone {
        /// The digits.
        digits: String,
        /// Where it was written.
        span: Span,
    },
}

impl Quantity {
    /// The kind.
    pub fn kind(&self) -> QuantityKind {
        match self {
            Quantity::Height { .. } => QuantityKind::Height,
            Quantity::Weight { .. } => QuantityKind::Weight,
            Quantity::ClothingSize { .. } => QuantityKind::ClothingSize,
            Quantity::ShoeSize { .. } => QuantityKind::ShoeSize,
            Quantity::Money { .. } => QuantityKind::Money,
            Quantity::OrderNumber { .. } => QuantityKind::OrderNumber,
            Quantity::Phone { .. } => QuantityKind::Phone,
        }
    }

    /// Where it was written in the original message.
    pub fn span(&self) -> Span {
        match self {
            Quantity::Height { span, .. }
            | Quantity::Weight { span, .. }
            | Quantity::ClothingSize { span, .. }
            | Quantity::ShoeSize { span, .. }
            | Quantity::Money { span, .. }
            | Quantity::OrderNumber { span, .. }
            | Quantity::Phone { span, .. } => *span,
        }
    }

    /// The value in canonical form: `165`, `55`, `27.5`, `2XL`, `38.5`, digits.
    pub fn value_string(&self) -> String {
        match self {
            Quantity::Height { cm, .. } => format_number(f64::from(*cm)),
            Quantity::Weight { kg, .. } => format_number(f64::from(*kg)),
            Quantity::ClothingSize { size, .. } => size.as_str().to_owned(),
            Quantity::ShoeSize { size, .. } => format_number(f64::from(*size)),
            Quantity::Money { yuan, .. } => format_number(*yuan),
            Quantity::OrderNumber { digits, .. } | Quantity::Phone { digits, .. } => digits.clone(),
        }
    }
}

/// A number without trailing zeros: `165`, `27.5`.
pub(crate) fn format_number(v: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, v);
    out
}

/// Appends `v` as [`format_number`] writes it, without a new allocation. The digits are
/// written by hand: size charts and prices are written for every size or price question, and
/// the formatting machinery cost more than the rest of the text.
pub(crate) fn push_number(out: &mut String, v: f64) {
    // Whole numbers (heights, weights, sizes, most prices) need no rounding. Below 2^46 their
    // cents are exact, so the general way below writes the same digits.
    let whole = v as i64;
    if whole as f64 == v && whole.unsigned_abs() < 1 << 46 {
        if whole < 0 {
            out.push('-');
        }
        push_digits(out, whole.unsigned_abs());
        return;
    }
    let cents = (v * 100.0).round();
    if !cents.is_finite() || cents.abs() >= 1e17 {
        use std::fmt::Write as _;
        // Beyond what an i64 of cents holds: left to the float formatter. `write!` into a
        // `String` cannot fail.
        let _ = write!(out, "{:.0}", cents / 100.0);
        return;
    }
    // Exact: the cents are a whole number below 1e17.
    let cents = cents as i64;
    let (whole, frac) = (cents / 100, (cents % 100).unsigned_abs());
    if cents < 0 {
        // `-0.5` has a whole part of 0, which carries no sign of its own.
        out.push('-');
    }
    push_digits(out, whole.unsigned_abs());
    if frac != 0 {
        out.push('.');
        push_digits(out, frac / 10);
        if frac % 10 != 0 {
            push_digits(out, frac % 10);
        }
    }
}

/// Appends the decimal digits of `n`.
pub(crate) fn push_digits(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            // `n % 10` is below 10.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for &d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// The numbers of a message: a few, kept on the stack.
type Nums = crate::inline::Inline<Num, 8>;

/// A number read from the text: its char positions (`from..to`) and value.
#[derive(Clone, Copy, Debug, Default)]
struct Num {
    from: usize,
    to: usize,
    value: f64,
    /// Digits before the decimal point (Arabic numerals only; 0 for Chinese numerals).
    int_digits: usize,
    decimal: bool,
    chinese: bool,
}

/// The scanner's view of the normalised text.
struct Scan<'a> {
    norm: &'a Normalized,
    /// Where each character starts in the normalised text.
    starts: &'a [usize],
    /// The characters, in slices the numeral parser can take.
    chars: &'a [char],
    len: usize,
    used: &'a mut [bool],
    out: Vec<Quantity>,
    /// The heights and weights found, by char range, for the numbers beside them.
    placed: Vec<(QuantityKind, usize, usize)>,
}

const HEIGHT_CUES: &[&str] = &["身高", "个子", "个头"];
const WEIGHT_CUES: &[&str] = &["体重"];
const BOTH_CUES: &[&str] = &["身高体重"];

/// Finds the quantities in a normalised message.
pub(crate) fn quantities(norm: &Normalized) -> Vec<Quantity> {
    // Normalising learnt what kinds of character the text holds: most messages hold nothing
    // a quantity is made of, and the scans below that could find nothing are skipped. A
    // Chinese numeral (一 is in many words) is read only with a unit or after a cue, and ¥
    // only before digits.
    let seen = norm.kinds();
    let chinese = seen & NUMERAL != 0 && seen & (UNIT | CUE) != 0;
    if seen & (DIGIT | LETTER | JUN) == 0 && !chinese {
        return Vec::new();
    }
    // Buyer messages are short: their characters fit in buffers on the stack, most in a
    // small one, whose clearing costs less than that of one for all but the longest. A text
    // of more bytes than three a character (a Han character's) is not tried in it.
    const SMALL: usize = 32;
    if norm.as_str().len() > 3 * SMALL {
        return longer(norm, seen);
    }
    let mut starts = [0; SMALL];
    let mut chars = ['\0'; SMALL];
    match fill(norm.as_str(), &mut starts, &mut chars) {
        Some(count) => {
            let mut used = [false; SMALL];
            scan(norm, seen, &starts, &chars, &mut used, count)
        }
        None => longer(norm, seen),
    }
}

/// Writes where each character of `text` starts and the character into `starts` and
/// `chars`, and returns how many there are, or `None` when they do not all fit.
#[inline]
fn fill(text: &str, starts: &mut [usize], chars: &mut [char]) -> Option<usize> {
    let mut all = text.char_indices();
    let mut count = 0;
    for ((start, slot), (at, c)) in starts.iter_mut().zip(chars.iter_mut()).zip(&mut all) {
        *start = at;
        *slot = c;
        count += 1;
    }
    all.next().is_none().then_some(count)
}

/// [`quantities`] for a text of more characters than its small buffers hold: out of line,
/// so that the common case clears only those.
#[inline(never)]
fn longer(norm: &Normalized, seen: u8) -> Vec<Quantity> {
    let text = norm.as_str();
    // A text of no more bytes than that has no more characters, so most need no count first.
    const SHORT: usize = 96;
    let mut starts_buf = [0; SHORT];
    let mut chars_buf = ['\0'; SHORT];
    let mut used_buf = [false; SHORT];
    let (mut starts_heap, mut chars_heap, mut used_heap) = (Vec::new(), Vec::new(), Vec::new());
    let short = text.len() <= SHORT || text.chars().count() <= SHORT;
    let (starts, chars, used): (&mut [usize], &mut [char], &mut [bool]) = if short {
        (&mut starts_buf, &mut chars_buf, &mut used_buf)
    } else {
        let count = text.chars().count();
        starts_heap.resize(count, 0);
        chars_heap.resize(count, '\0');
        used_heap.resize(count, false);
        (&mut starts_heap, &mut chars_heap, &mut used_heap)
    };
    let count = fill(text, starts, chars).unwrap_or(0);
    scan(norm, seen, starts, chars, used, count)
}

/// The scans of [`quantities`] over the first `count` characters and their starts.
#[inline]
fn scan(
    norm: &Normalized,
    seen: u8,
    starts: &[usize],
    chars: &[char],
    used: &mut [bool],
    count: usize,
) -> Vec<Quantity> {
    let mut scan = Scan {
        norm,
        len: norm.as_str().len(),
        starts: starts.get(..count).unwrap_or_default(),
        chars: chars.get(..count).unwrap_or_default(),
        used: used.get_mut(..count).unwrap_or_default(),
        out: Vec::new(),
        placed: Vec::new(),
    };
    // A size is letters or 均码; every other quantity has a number in it.
    if seen & (LETTER | JUN) != 0 {
        scan.sizes();
    }
    // Filled in place: returned, the list (some 400 bytes) was copied.
    let mut nums = Nums::new();
    if seen & (DIGIT | NUMERAL) != 0 {
        scan.numbers(&mut nums);
    }
    if !nums.is_empty() {
        scan.long_digit_runs(&nums);
        scan.units(&nums);
        if seen & CUE != 0 {
            scan.cued(&nums);
        }
        scan.beside(&nums);
    }
    let mut out = scan.out;
    out.sort_by_key(|q| q.span().start);
    out
}

/// The kinds of character [`class`] tells apart, one bit each. The Han ones come first.
const NUMERAL: u8 = 1;
const JUN: u8 = 2;
/// The first character of a cue word (see [`Scan::cued`]).
const CUE: u8 = 4;
/// A character of a Han unit (see [`Scan::unit_at`]).
const UNIT: u8 = 8;
pub(crate) const DIGIT: u8 = 16;
pub(crate) const LETTER: u8 = 32;
const YEN: u8 = 64;
/// The kinds a Han character can be of: four bits, which fit beside its fold in the
/// normaliser's table.
pub(crate) const HAN_KINDS: u8 = NUMERAL | JUN | CUE | UNIT;

/// The Han characters units are written with: every Han unit holds one.
const UNIT_CHARS: [char; 9] = ['厘', '公', '米', '克', '斤', '块', '元', '码', '号'];

/// Which kind of character, if any, a quantity or a cue may be made of. Normalising gathers
/// these for the whole text ([`Normalized::kinds`]).
pub(crate) fn class(c: char) -> u8 {
    if c.is_ascii() {
        if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else {
            0
        }
    } else {
        match c {
            '¥' => YEN,
            '均' => JUN,
            '身' | '个' | '体' => CUE,
            _ if UNIT_CHARS.contains(&c) => UNIT,
            _ if numeral::is_numeral_char(c) => NUMERAL,
            _ => 0,
        }
    }
}

impl Scan<'_> {
    fn ch(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn byte(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.len)
    }

    fn span(&self, from: usize, to: usize) -> Span {
        self.norm.original_span(self.byte(from), self.byte(to))
    }

    fn free(&self, from: usize, to: usize) -> bool {
        self.used
            .get(from..to)
            .is_some_and(|u| !u.iter().any(|&x| x))
    }

    fn take(&mut self, from: usize, to: usize) {
        for u in self.used.get_mut(from..to).into_iter().flatten() {
            *u = true;
        }
    }

    /// True when the text at char `i` starts with `word`.
    fn starts(&self, i: usize, word: &str) -> bool {
        let b = self.byte(i);
        self.norm
            .as_str()
            .get(b..)
            .is_some_and(|rest| rest.starts_with(word))
    }

    fn push(&mut self, from: usize, to: usize, make: impl FnOnce(Span) -> Quantity) {
        if to > from && self.free(from, to) {
            let q = make(self.span(from, to));
            self.take(from, to);
            let kind = q.kind();
            // Only a height or a weight has numbers beside it read (see `beside`).
            if matches!(kind, QuantityKind::Height | QuantityKind::Weight) {
                self.placed.push((kind, from, to));
            }
            // The first quantity gets room for a few by a fresh allocation, cheaper than
            // the growth a first push goes through.
            if self.out.capacity() == 0 {
                self.out = Vec::with_capacity(4);
            }
            self.out.push(q);
        }
    }

    /// Letter sizes (`xl`, `m码`) and one-size (`均码`, `free size`).
    fn sizes(&mut self) {
        let mut i = 0;
        while i < self.chars.len() {
            let Some(c) = self.ch(i) else { break };
            if c == '均' && self.ch(i + 1) == Some('码') {
                self.push(i, i + 2, |span| Quantity::ClothingSize {
                    size: ClothingSize::Free,
                    span,
                });
                i += 2;
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while self.ch(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
                i += 1;
            }
            // Size words are short: a longer ASCII word is not one.
            if i - start > 8 {
                continue;
            }
            let mut buf = [0u8; 8];
            for (b, c) in buf.iter_mut().zip(self.chars.get(start..i).unwrap_or(&[])) {
                *b = *c as u8;
            }
            let word = buf.get(..i - start).unwrap_or(&[]);
            if word == b"free" && self.starts(i, " size") {
                self.push(start, i + 5, |span| Quantity::ClothingSize {
                    size: ClothingSize::Free,
                    span,
                });
                continue;
            }
            if word == b"freesize" {
                self.push(start, i, |span| Quantity::ClothingSize {
                    size: ClothingSize::Free,
                    span,
                });
                continue;
            }
            let Some(size) = ClothingSize::from_lowercase(word) else {
                continue;
            };
            let unit_after = matches!(self.ch(i), Some('码' | '号'));
            if word.len() == 1 {
                let before = start.checked_sub(1).and_then(|k| self.ch(k));
                let verb_before = matches!(
                    before,
                    Some(
                        '穿' | '要' | '拿' | '选' | '买' | '换' | '发' | '是' | '码' | '个' | '拍'
                    )
                );
                if !unit_after && !verb_before {
                    continue;
                }
            }
            let end = if unit_after { i + 1 } else { i };
            self.push(start, end, |span| Quantity::ClothingSize { size, span });
            i = end;
        }
    }

    /// Every number in the text, Arabic or Chinese, in order, into `nums`.
    fn numbers(&self, nums: &mut Nums) {
        let mut i = 0;
        while let Some(c) = self.ch(i) {
            if c.is_ascii_digit() {
                let from = i;
                let mut value: f64 = 0.0;
                while let Some(d) = self.ch(i).and_then(|c| c.to_digit(10)) {
                    value = value * 10.0 + f64::from(d);
                    i += 1;
                }
                let int_digits = i - from;
                let mut decimal = false;
                if self.ch(i) == Some('.') && self.ch(i + 1).is_some_and(|c| c.is_ascii_digit()) {
                    decimal = true;
                    i += 1;
                    let mut scale = 0.1;
                    while let Some(d) = self.ch(i).and_then(|c| c.to_digit(10)) {
                        value += f64::from(d) * scale;
                        scale /= 10.0;
                        i += 1;
                    }
                }
                let glued = from
                    .checked_sub(1)
                    .and_then(|k| self.ch(k))
                    .is_some_and(|c| c.is_ascii_alphabetic());
                if !glued {
                    nums.push(Num {
                        from,
                        to: i,
                        value,
                        int_digits,
                        decimal,
                        chinese: false,
                    });
                }
            } else if numeral::is_numeral_char(c) {
                let from = i;
                while self.ch(i).is_some_and(numeral::is_numeral_char) {
                    i += 1;
                }
                let run = self.chars.get(from..i).unwrap_or(&[]);
                if let Some(v) = numeral::parse(run) {
                    nums.push(Num {
                        from,
                        to: i,
                        value: f64::from(v),
                        int_digits: 0,
                        decimal: false,
                        chinese: true,
                    });
                }
            } else {
                i += 1;
            }
        }
    }

    /// Runs of 12+ digits are order numbers; 11 digits starting 13–19 are phone numbers.
    fn long_digit_runs(&mut self, nums: &[Num]) {
        for n in nums
            .iter()
            .filter(|n| !n.chinese && !n.decimal && n.int_digits >= 11)
        {
            // The number's characters are ASCII digits, so its bytes are its text.
            let digits = self
                .norm
                .as_str()
                .get(self.byte(n.from)..self.byte(n.to))
                .unwrap_or_default()
                .to_owned();
            if n.int_digits >= 12 {
                self.push(n.from, n.to, |span| Quantity::OrderNumber { digits, span });
            } else if n.int_digits == 11
                && digits.starts_with('1')
                && digits
                    .chars()
                    .nth(1)
                    .is_some_and(|c| ('3'..='9').contains(&c))
            {
                self.push(n.from, n.to, |span| Quantity::Phone { digits, span });
            }
        }
    }

    /// The unit right after char `i` (one space allowed before it): its kind and end.
    ///
    /// The units: 厘米 公分 cm, 米 m, 公斤 千克 kg, 斤, 块钱 块, 元 rmb, 码, 号. A Han unit
    /// must hold one of [`UNIT_CHARS`], or `quantities` passes over a text that has it.
    fn unit_at(&self, i: usize) -> Option<(Unit, usize)> {
        let i = if self.ch(i) == Some(' ') { i + 1 } else { i };
        let first = self.ch(i)?;
        let (unit, len) = match (first, self.ch(i + 1)) {
            ('厘', Some('米')) | ('公', Some('分')) | ('c', Some('m')) => (Unit::Cm, 2),
            ('米' | 'm', _) => (Unit::Metre, 1),
            ('公', Some('斤')) | ('千', Some('克')) | ('k', Some('g')) => (Unit::Kg, 2),
            ('斤', _) => (Unit::Jin, 1),
            ('块', Some('钱')) => (Unit::Kuai, 2),
            ('块', _) => (Unit::Kuai, 1),
            ('元', _) => (Unit::Yuan, 1),
            ('r', Some('m')) if self.ch(i + 2) == Some('b') => (Unit::Yuan, 3),
            ('码', _) => (Unit::Ma, 1),
            ('号', _) => (Unit::Hao, 1),
            _ => return None,
        };
        let end = i + len;
        // An ASCII unit must end the ASCII word: `cm` yes, `cmx` no.
        if first.is_ascii() && self.ch(end).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        Some((unit, end))
    }

    /// Numbers with a unit after them, and money after ¥.
    fn units(&mut self, nums: &[Num]) {
        for (k, n) in nums.iter().enumerate() {
            let v = n.value;
            let sign = match (n.from.checked_sub(1), n.from.checked_sub(2)) {
                (Some(a), _) if self.ch(a) == Some('¥') => Some(a),
                (Some(a), Some(b)) if self.ch(a) == Some(' ') && self.ch(b) == Some('¥') => {
                    Some(b)
                }
                _ => None,
            };
            if let Some(at) = sign.filter(|_| !n.chinese) {
                self.push(at, n.to, |span| Quantity::Money { yuan: v, span });
                continue;
            }
            let Some((unit, end)) = self.unit_at(n.to) else {
                continue;
            };
            match unit {
                Unit::Cm if (50.0..=250.0).contains(&v) => {
                    self.push(n.from, end, |span| Quantity::Height { cm: v as f32, span });
                }
                Unit::Metre => {
                    if n.decimal && (1.0..2.5).contains(&v) {
                        let cm = (v * 100.0).round() as f32;
                        self.push(n.from, end, |span| Quantity::Height { cm, span });
                    } else if !n.decimal && (v == 1.0 || v == 2.0) {
                        // 1米65 / 一米六五 / 1米6: the part after 米 is centimetres.
                        let Some(rest) = nums.get(k + 1).filter(|m| m.from == end) else {
                            continue;
                        };
                        if rest.decimal || rest.value >= 100.0 {
                            continue;
                        }
                        let tail = if rest.value < 10.0 && (rest.to - rest.from) == 1 {
                            rest.value * 10.0
                        } else {
                            rest.value
                        };
                        let cm = (v * 100.0 + tail) as f32;
                        if (100.0..=250.0).contains(&cm) {
                            self.push(n.from, rest.to, |span| Quantity::Height { cm, span });
                        }
                    }
                }
                Unit::Kg if (15.0..=250.0).contains(&v) => {
                    self.push(n.from, end, |span| Quantity::Weight { kg: v as f32, span });
                }
                Unit::Jin if (30.0..=500.0).contains(&v) => {
                    let kg = (v / 2.0) as f32;
                    self.push(n.from, end, |span| Quantity::Weight { kg, span });
                }
                Unit::Yuan | Unit::Kuai => {
                    // 一块 is as often "together" (一块发) as one yuan.
                    if unit == Unit::Kuai && n.chinese && v == 1.0 {
                        continue;
                    }
                    self.push(n.from, end, |span| Quantity::Money { yuan: v, span });
                }
                Unit::Ma | Unit::Hao if (35.0..=46.0).contains(&v) && (v * 2.0).fract() == 0.0 => {
                    self.push(n.from, end, |span| Quantity::ShoeSize {
                        size: v as f32,
                        span,
                    });
                }
                _ => {}
            }
        }
    }

    /// The index in `nums` of the first free number starting within a short gap after char
    /// `at`, where the gap holds only separators.
    fn next_number(&self, nums: &[Num], at: usize) -> Option<usize> {
        let k = nums.iter().position(|n| n.from >= at)?;
        let n = nums.get(k)?;
        let gap_ok = (at..n.from).all(|i| {
            matches!(
                self.ch(i),
                Some(' ' | ':' | ',' | '/' | '是' | '约' | '大' | '概' | '有' | '在' | '+' | '-')
            )
        });
        (gap_ok && n.from - at <= 3 && self.free(n.from, n.to)).then_some(k)
    }

    /// Bare numbers after 身高 / 体重 / 身高体重.
    fn cued(&mut self, nums: &[Num]) {
        for i in 0..self.chars.len() {
            // Every cue starts with one of these: most characters are passed over at once.
            if !matches!(self.ch(i), Some('身' | '个' | '体')) {
                continue;
            }
            let (at, cue) = if BOTH_CUES.iter().any(|w| self.starts(i, w)) {
                (i + 4, Cue::Both)
            } else if HEIGHT_CUES.iter().any(|w| self.starts(i, w)) {
                (i + 2, Cue::Height)
            } else if WEIGHT_CUES.iter().any(|w| self.starts(i, w)) {
                (i + 2, Cue::Weight)
            } else {
                continue;
            };
            let Some(k) = self.next_number(nums, at) else {
                continue;
            };
            let Some(&first) = nums.get(k) else { continue };
            match cue {
                Cue::Height => self.bare_height(first),
                Cue::Weight => self.bare_weight(first),
                Cue::Both => {
                    self.bare_height(first);
                    if let Some(second) = self.next_number(nums, first.to).and_then(|j| nums.get(j))
                    {
                        self.bare_weight(*second);
                    }
                }
            }
        }
    }

    fn bare_height(&mut self, n: Num) {
        let cm = if n.decimal && (1.0..2.5).contains(&n.value) {
            n.value * 100.0
        } else {
            n.value
        };
        if (100.0..=230.0).contains(&cm) && (n.int_digits == 3 || n.decimal || n.chinese) {
            let cm = cm.round() as f32;
            self.push(n.from, n.to, |span| Quantity::Height { cm, span });
        }
    }

    fn bare_weight(&mut self, n: Num) {
        if n.decimal && n.value >= 80.0 {
            return;
        }
        let kg = if n.value >= 80.0 {
            n.value / 2.0
        } else {
            n.value
        };
        if (25.0..=150.0).contains(&kg) {
            let kg = kg as f32;
            self.push(n.from, n.to, |span| Quantity::Weight { kg, span });
        }
    }

    /// A bare number right beside a height or weight with a unit (`165 110斤`, `165cm 110`).
    fn beside(&mut self, nums: &[Num]) {
        let separators = |scan: &Self, from: usize, to: usize| {
            to >= from
                && to - from <= 2
                && (from..to).all(|i| matches!(scan.ch(i), Some(' ' | ',' | '/')))
        };
        // Only what was placed before: a number read here is not itself looked beside.
        for k in 0..self.placed.len() {
            let Some(&(kind, from, to)) = self.placed.get(k) else {
                break;
            };
            match kind {
                QuantityKind::Weight => {
                    // A bare three-digit number just before or just after the weight: the
                    // height.
                    let prev = nums.iter().rev().find(|n| n.to <= from);
                    let next = nums.iter().find(|n| n.from >= to);
                    let candidates = [
                        prev.filter(|p| separators(self, p.to, from)),
                        next.filter(|n| {
                            separators(self, to, n.from) && self.unit_at(n.to).is_none()
                        }),
                    ];
                    for &n in candidates.into_iter().flatten() {
                        if !n.chinese && n.int_digits == 3 {
                            self.bare_height(n);
                        }
                    }
                }
                QuantityKind::Height => {
                    let next = nums.iter().find(|n| n.from >= to);
                    if let Some(&next) = next.filter(|n| separators(self, to, n.from)) {
                        if !next.chinese && self.unit_at(next.to).is_none() {
                            self.bare_weight(next);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Cm,
    Metre,
    Kg,
    Jin,
    Yuan,
    Kuai,
    Ma,
    Hao,
}

#[derive(Clone, Copy, Debug)]
enum Cue {
    Height,
    Weight,
    Both,
}

#[cfg(test)]
mod tests {
    use super::{BOTH_CUES, HEIGHT_CUES, UNIT, WEIGHT_CUES, class, format_number};

    /// `quantities` skips a text of Chinese numerals without a unit character: every Han unit
    /// `Scan::unit_at` reads must hold one.
    #[test]
    fn every_han_unit_holds_a_unit_character() {
        for unit in [
            "厘米", "公分", "米", "公斤", "千克", "斤", "块钱", "块", "元", "码", "号",
        ] {
            assert!(unit.chars().any(|c| class(c) == UNIT), "{unit}");
        }
    }

    /// `Scan::cued` passes over every character that cannot start a cue.
    #[test]
    fn every_cue_starts_with_a_character_the_scan_stops_at() {
        for cue in BOTH_CUES.iter().chain(HEIGHT_CUES).chain(WEIGHT_CUES) {
            assert!(
                matches!(cue.chars().next(), Some('身' | '个' | '体')),
                "{cue}"
            );
        }
    }

    /// What `push_number` wrote when it went through the formatter: the hand-written digits
    /// must give the same text.
    fn formatted(v: f64) -> String {
        let cents = (v * 100.0).round();
        if !cents.is_finite() || cents.abs() >= 1e17 {
            return format!("{:.0}", cents / 100.0);
        }
        let cents = cents as i64;
        let (whole, frac) = (cents / 100, (cents % 100).abs());
        let sign = if cents < 0 && whole == 0 { "-" } else { "" };
        match frac {
            0 => format!("{sign}{whole}"),
            f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
            f => format!("{sign}{whole}.{f:02}"),
        }
    }

    #[test]
    fn numbers_written_by_hand_as_the_formatter_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            0.004,
            0.005,
            0.006,
            0.05,
            -0.05,
            -0.5,
            -1.0,
            -1.25,
            1.5,
            9.99,
            9.995,
            10.0,
            165.0,
            158.5,
            1e15,
            -1e15,
            1e16,
            1e17,
            1e18,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
            123_456_789.123,
            // The edge of the whole numbers written without rounding.
            70_368_744_177_663.0,
            70_368_744_177_664.0,
            -70_368_744_177_663.0,
            -70_368_744_177_664.0,
        ];
        values.extend((-3000..3000).map(|k| f64::from(k) * 0.001));
        values.extend((0..2000).map(|k| f64::from(k) * 0.37 + 0.125));
        values.extend((0..400).map(|k| f64::from(f32::from(k as u16) * 0.25)));
        for v in values {
            assert_eq!(format_number(v), formatted(v), "{v:?}");
        }
    }
}
