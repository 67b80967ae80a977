//! The literal anchors of a rule pattern: for each alternative, sets of words, a word of each
//! of which every match of that alternative contains. A small class such as `[0-9]` is a set
//! of one-character words, and pieces that stand side by side are joined into the words they
//! can spell together (`(发|寄)了?吗` gives `发吗`, `发了吗`, `寄吗`, `寄了吗`), so that a
//! message with the pieces apart (`发货了吗`) does not run the rule.
//!
//! A rule whose anchors are all absent from a message cannot match it, so its regex is not
//! run. This matters less for text seen before than for new text: one `RegexSet` over every
//! rule has a lazy DFA that must track every rule's gaps (`.{0,6}`) at once, and new text
//! keeps building states for it, tens of microseconds per message. A rule's own regex, run
//! only when an anchor is present, has few states and settles quickly.
//!
//! The reading is deliberately small and conservative: literals, groups with alternatives,
//! quantifiers, classes, `.`, the common escapes and the zero-width `^` and `$`. Anything else
//! (flags, look-around, an unknown escape) gives no anchors, and such a rule is simply run on
//! every message.

/// One piece of a concatenation.
enum Atom {
    /// A literal character.
    Lit(char),
    /// A group: the alternatives inside.
    Group(Vec<Vec<Piece>>),
    /// A bracketed class of a few characters, one of which stands here.
    Class(Vec<char>),
    /// Anything else: a negated or large class, `.`, `\d`, `^`, `$`, …
    Other,
}

/// An atom, whether a match must contain it at least once, and whether it can stand more
/// than once in a row (a quantifier such as `+` or `{2,}` repeats it).
struct Piece {
    atom: Atom,
    required: bool,
    repeated: bool,
}

/// What every match of a pattern contains: for one of the alternatives, a word from each of
/// its sets (the required parts of the alternative, most selective first).
pub(crate) type Anchors = Vec<Vec<Vec<String>>>;

/// The anchors of `pattern`, or `None` when the pattern cannot be read simply enough to be
/// sure.
pub(crate) fn anchors(pattern: &str) -> Option<Anchors> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    let alternatives = parse_alternation(&chars, &mut at)?;
    if at != chars.len() {
        return None;
    }
    alternatives
        .iter()
        .map(|concat| {
            let sets = required_parts(concat);
            (!sets.is_empty()).then_some(sets)
        })
        .collect()
}

/// Whether `text` holds what `anchors` asks for.
#[cfg(test)]
fn satisfied(anchors: &Anchors, text: &str) -> bool {
    anchors.iter().any(|sets| {
        sets.iter()
            .all(|set| set.iter().any(|w| text.contains(w.as_str())))
    })
}

fn parse_alternation(chars: &[char], at: &mut usize) -> Option<Vec<Vec<Piece>>> {
    let mut alternatives = vec![parse_concat(chars, at)?];
    while chars.get(*at) == Some(&'|') {
        *at += 1;
        alternatives.push(parse_concat(chars, at)?);
    }
    Some(alternatives)
}

fn parse_concat(chars: &[char], at: &mut usize) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    while let Some(&c) = chars.get(*at) {
        let atom = match c {
            '|' | ')' => break,
            '(' => {
                *at += 1;
                if chars.get(*at) == Some(&'?') {
                    // Only a plain non-capturing group is read; flags may change matching.
                    if chars.get(*at + 1) != Some(&':') {
                        return None;
                    }
                    *at += 2;
                }
                let inner = parse_alternation(chars, at)?;
                if chars.get(*at) != Some(&')') {
                    return None;
                }
                *at += 1;
                Atom::Group(inner)
            }
            '[' => match read_class(chars, at)? {
                Some(members) => Atom::Class(members),
                None => Atom::Other,
            },
            '\\' => {
                let next = *chars.get(*at + 1)?;
                *at += 2;
                match next {
                    // `\<` and `\>` are word boundaries in the regex crate, not marks.
                    'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'b' | 'B' | '<' | '>' => Atom::Other,
                    'p' | 'P' => {
                        if chars.get(*at) == Some(&'{') {
                            while chars.get(*at)? != &'}' {
                                *at += 1;
                            }
                        }
                        *at += 1;
                        Atom::Other
                    }
                    c if c.is_ascii_punctuation() => Atom::Lit(c),
                    _ => return None,
                }
            }
            '.' | '^' | '$' => {
                *at += 1;
                Atom::Other
            }
            '*' | '+' | '?' | '{' | '}' | ']' => return None,
            c => {
                *at += 1;
                Atom::Lit(c)
            }
        };
        let (required, repeated) = quantifier(chars, at)?;
        pieces.push(Piece {
            atom,
            required,
            repeated,
        });
    }
    Some(pieces)
}

/// Reads an optional quantifier after an atom (and a lazy `?` after it); says whether the atom
/// must still occur at least once, and whether it may occur more than once.
fn quantifier(chars: &[char], at: &mut usize) -> Option<(bool, bool)> {
    let counts = match chars.get(*at) {
        Some('?') => {
            *at += 1;
            (false, false)
        }
        Some('*') => {
            *at += 1;
            (false, true)
        }
        Some('+') => {
            *at += 1;
            (true, true)
        }
        Some('{') => {
            let close = chars.get(*at..)?.iter().position(|&c| c == '}')? + *at;
            let inside: String = chars.get(*at + 1..close)?.iter().collect();
            let mut bounds = inside.split(',').map(str::trim);
            let min: usize = bounds.next()?.parse().ok()?;
            // `{m}` repeats exactly m times, `{m,}` without end, `{m,n}` up to n.
            let max = match bounds.next() {
                None => Some(min),
                Some("") => None,
                Some(n) => Some(n.parse::<usize>().ok()?),
            };
            *at = close + 1;
            (min > 0, max.is_none_or(|n| n > 1))
        }
        _ => (true, false),
    };
    if chars.get(*at) == Some(&'?') {
        *at += 1;
    }
    Some(counts)
}

/// A class of more characters than this is not worth listing as anchor words.
const CLASS_LIMIT: usize = 32;

/// Reads a bracketed class: its characters when it is a plain list of at most
/// [`CLASS_LIMIT`] characters and ranges, `Some(None)` for any other class (negated, large,
/// with escapes such as `\d`, or set operations), `None` for a nested or unclosed one.
fn read_class(chars: &[char], at: &mut usize) -> Option<Option<Vec<char>>> {
    *at += 1;
    let negated = chars.get(*at) == Some(&'^');
    if negated {
        *at += 1;
    }
    let mut members = Vec::new();
    let mut plain = !negated;
    // A `]` first in a class is a literal.
    if chars.get(*at) == Some(&']') {
        members.push(']');
        *at += 1;
    }
    loop {
        let c = *chars.get(*at)?;
        match c {
            ']' => {
                *at += 1;
                break;
            }
            '[' => return None,
            // `&&`, `--` and `~~` are set operations.
            '&' | '-' | '~' if chars.get(*at + 1) == Some(&c) => {
                plain = false;
                *at += 2;
            }
            _ => {
                let first = if c == '\\' {
                    let e = *chars.get(*at + 1)?;
                    *at += 2;
                    if !e.is_ascii_punctuation() {
                        plain = false;
                        continue;
                    }
                    e
                } else {
                    *at += 1;
                    c
                };
                let last = chars.get(*at + 1).filter(|&&e| e != ']');
                match (chars.get(*at), last) {
                    // A range to an escape or a nested class: not read.
                    (Some('-'), Some('\\' | '[')) => {
                        plain = false;
                        *at += 1;
                    }
                    (Some('-'), Some(&e)) => {
                        // A range: listed when small, else the class is too large.
                        match (first..=e).take(CLASS_LIMIT + 1).collect::<Vec<char>>() {
                            range if range.len() <= CLASS_LIMIT => members.extend(range),
                            _ => plain = false,
                        }
                        *at += 2;
                    }
                    _ => members.push(first),
                }
            }
        }
    }
    members.sort_unstable();
    members.dedup();
    Some((plain && !members.is_empty() && members.len() <= CLASS_LIMIT).then_some(members))
}

/// The words one of which every match of a group contains: for each alternative, its most
/// selective part; `None` when an alternative has none.
fn required_of_alternation(alternatives: &[Vec<Piece>]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for concat in alternatives {
        out.extend(required_parts(concat).into_iter().next()?);
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// At most this many words stand for a run of pieces (see [`required_parts`]); a longer
/// product is cut where it would grow past it.
const PRODUCT_LIMIT: usize = 16;

/// The texts a piece can stand for, once, when they are few: a literal, a small class, a
/// group whose every alternative is made of such pieces; with `""` when the piece is
/// optional. `None` for anything else.
fn texts_of(piece: &Piece) -> Option<Vec<String>> {
    let mut texts = match &piece.atom {
        Atom::Lit(c) => vec![c.to_string()],
        Atom::Class(members) => members.iter().map(char::to_string).collect(),
        Atom::Group(alternatives) => {
            let mut texts = Vec::new();
            for concat in alternatives {
                let mut product = vec![String::new()];
                for inner in concat {
                    if inner.repeated {
                        return None;
                    }
                    product = times(&product, &texts_of(inner)?)?;
                }
                texts.extend(product);
            }
            texts
        }
        Atom::Other => return None,
    };
    if !piece.required {
        texts.push(String::new());
    }
    texts.sort();
    texts.dedup();
    (texts.len() <= PRODUCT_LIMIT).then_some(texts)
}

/// Every text of `left` followed by every text of `right`, or `None` past
/// [`PRODUCT_LIMIT`].
fn times(left: &[String], right: &[String]) -> Option<Vec<String>> {
    if left.len().saturating_mul(right.len()) > PRODUCT_LIMIT {
        return None;
    }
    let mut out: Vec<String> = left
        .iter()
        .flat_map(|l| right.iter().map(move |r| [l.as_str(), r.as_str()].concat()))
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// The shortest word of a set, in bytes: how selective the set is.
fn shortest(set: &[String]) -> usize {
    set.iter().map(String::len).min().unwrap_or(0)
}

/// A run of pieces that stand side by side in every match, as the texts the run can stand
/// for, and how selective the most selective of the parts its pieces give on their own is.
struct Run {
    texts: Vec<String>,
    best_piece: usize,
}

impl Run {
    fn new() -> Run {
        Run {
            texts: vec![String::new()],
            best_piece: 0,
        }
    }

    /// Appends a piece's texts, and the shortest word of the part the piece gives on its own
    /// (0 for none); when the product would grow too large, the run so far is closed into
    /// `parts` and a new one starts with the piece.
    fn push(&mut self, texts: &[String], own: usize, parts: &mut Vec<Vec<String>>) {
        match times(&self.texts, texts) {
            Some(product) => self.texts = product,
            None => {
                self.close(parts);
                self.texts = texts.to_vec();
            }
        }
        self.best_piece = self.best_piece.max(own);
    }

    /// Adds the run to `parts` when it is more selective than its pieces alone (a match holds
    /// one of its texts, so it says more than each of them), and starts a new one.
    fn close(&mut self, parts: &mut Vec<Vec<String>>) {
        let run = std::mem::replace(self, Run::new());
        if shortest(&run.texts) > run.best_piece {
            parts.push(run.texts);
        }
    }
}

/// The required parts of a concatenation, most selective first. They are the small classes,
/// the required groups whose every alternative has anchors, and the runs of pieces that
/// stand side by side, each as all the texts it can stand for: `天(了)?(还|都)(没|不)`
/// gives `天还没`, `天了还没`, … (at most [`PRODUCT_LIMIT`] of them), far rarer than `天`,
/// `还` or `没` on their own, which is what lets a rule's regex be skipped when its words are
/// all in a message but not together. A repeated piece ends a run and starts the next (in
/// `ab+c` a match holds `ab` and `bc`, not `abc`). Selective means the shortest word is as
/// long as possible in bytes (a Han character is rarer than an ASCII mark), then as few words
/// as possible.
fn required_parts(pieces: &[Piece]) -> Vec<Vec<String>> {
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut run = Run::new();
    for piece in pieces {
        let own = match (&piece.atom, piece.required) {
            (Atom::Group(inner), true) => required_of_alternation(inner),
            (Atom::Class(members), true) => Some(members.iter().map(char::to_string).collect()),
            _ => None,
        };
        let own_shortest = own.as_deref().map_or(0, shortest);
        parts.extend(own);
        match texts_of(piece) {
            Some(texts) if piece.repeated && piece.required => {
                // The last of the repeats stands right before what follows.
                run.push(&texts, own_shortest, &mut parts);
                run.close(&mut parts);
                run.push(&texts, own_shortest, &mut parts);
            }
            Some(texts) if !piece.repeated => run.push(&texts, own_shortest, &mut parts),
            _ => run.close(&mut parts),
        }
    }
    run.close(&mut parts);
    parts.retain(|set| !set.is_empty() && set.iter().all(|w| !w.is_empty()));
    // Stable: among equals the earlier part stays first.
    parts.sort_by_key(|set| (std::cmp::Reverse(shortest(set)), set.len()));
    // A part that a more selective one implies (each of whose words contains one of its own,
    // as `天还没` contains `还`) tells nothing more, and would only be more words to find.
    let mut kept: Vec<Vec<String>> = Vec::with_capacity(parts.len());
    for set in parts {
        let implied = kept
            .iter()
            .any(|k| k.iter().all(|w| set.iter().any(|s| w.contains(s.as_str()))));
        if !implied {
            kept.push(set);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{anchors, satisfied};
    use crate::pack::Pack;

    /// The first set of each alternative, all together, sorted.
    fn a(pattern: &str) -> Option<Vec<String>> {
        let found = anchors(pattern)?;
        let mut out: Vec<String> = found
            .into_iter()
            .flat_map(|sets| sets.into_iter().next())
            .flatten()
            .collect();
        out.sort();
        Some(out)
    }

    fn v(words: &[&str]) -> Option<Vec<String>> {
        let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        out.sort();
        Some(out)
    }

    #[test]
    fn joins_the_parts_that_stand_side_by_side() {
        let found = anchors("(发|寄)了?(吗|么|没有)").unwrap_or_default();
        let joined: Vec<String> = ["发", "寄"]
            .iter()
            .flat_map(|a| ["", "了"].map(move |b| (a, b)))
            .flat_map(|(a, b)| ["吗", "么", "没有"].map(move |c| [*a, b, c].concat()))
            .collect();
        let mut expected = joined.clone();
        expected.sort();
        // The parts on their own (发, 吗 …) say less than the joined words, which hold them.
        assert_eq!(found, vec![vec![expected]]);
        assert!(satisfied(&found, "发了吗"));
        assert!(!satisfied(&found, "发了"));
        assert!(!satisfied(&found, "好吗"));
        // Both parts are there, but not together: the rule's regex need not run.
        assert!(!satisfied(&found, "发货了吗"));
        // A gap between parts keeps them apart.
        let found = anchors("(发|寄)[^,.?!]{0,4}(吗|么)").unwrap_or_default();
        assert_eq!(found.first().map(Vec::len), Some(2));
        assert!(satisfied(&found, "发货了吗"));
    }

    #[test]
    fn a_joined_part_has_few_words() {
        // 9 × 10 words would be too many: the run is cut before the second class.
        let found = anchors("[1-9][0-9]折").unwrap_or_default();
        let tens: Vec<String> = (0..10).map(|d| format!("{d}折")).collect();
        let first: Vec<String> = (1..10).map(|d| d.to_string()).collect();
        assert_eq!(found, vec![vec![tens, first]]);
        // A repeated part ends a run and starts the next: 包邮 and 邮吗, never 包邮吗.
        let found = anchors("包邮+吗").unwrap_or_default();
        let words: Vec<Vec<String>> = vec![vec!["包邮".to_owned()], vec!["邮吗".to_owned()]];
        assert_eq!(found, vec![words]);
        assert!(satisfied(&found, "包邮邮吗"));
        assert!(satisfied(&found, "包邮吗"));
        assert!(!satisfied(&found, "包邮 吗"));
    }

    #[test]
    fn reads_the_patterns_rules_use() {
        assert_eq!(a("人工客服"), v(&["人工客服"]));
        // Escaped marks are literals, but `\<` and `\>` match between characters.
        assert_eq!(a("\\?吗"), v(&["?吗"]));
        assert_eq!(a("\\<发货\\>"), v(&["发货"]));
        assert_eq!(
            a("(转|找)(个)?人工"),
            v(&["找个人工", "找人工", "转个人工", "转人工"])
        );
        assert_eq!(a("[0-9]+(元|块)?算"), v(&["元算", "块算", "算"]));
        assert_eq!(a("(发|寄)[^,.?!]{0,4}(吗|么)"), v(&["发", "寄"]));
        assert_eq!(
            a("登不上|不能(登录|登陆)"),
            v(&["不能登录", "不能登陆", "登不上"])
        );
        let tens: Vec<String> = (0..10).map(|d| format!("{d}折")).collect();
        let tens: Vec<&str> = tens.iter().map(String::as_str).collect();
        assert_eq!(a("[1-9]\\.[0-9]折"), v(&tens));
        assert_eq!(a("(?:快递|物流)费"), v(&["快递费", "物流费"]));
        assert_eq!(a("(怎么|却)+[0-9]{2,}"), v(&["却", "怎么"]));
        assert_eq!(a("包{1}邮吗"), v(&["包邮吗"]));
    }

    #[test]
    fn lists_small_classes() {
        let digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
        assert_eq!(a("[0-9]+|京豆"), v(&[&digits[..], &["京豆"]].concat()));
        assert_eq!(a("[?!.]"), v(&["!", ".", "?"]));
        assert_eq!(a("[-a]"), v(&["-", "a"]));
        assert_eq!(a("[\\]x]"), v(&["]", "x"]));
        // The last of a repeated class stands right before what follows (有 then a digit);
        // the class on its own is then implied and not kept.
        let found = anchors("有[0-9]+(个|件)").unwrap_or_default();
        let sets = found.first().cloned().unwrap_or_default();
        let after: Vec<String> = digits.iter().map(|d| format!("有{d}")).collect();
        assert_eq!(sets, vec![after, vec!["个".to_owned(), "件".to_owned()]]);
    }

    #[test]
    fn gives_up_when_it_cannot_be_sure() {
        // An alternative with no literal at all.
        assert_eq!(a("[^0-9]+|京豆"), None);
        assert_eq!(a(".{2}|京豆"), None);
        // Classes too large to list, or with escapes or set operations.
        assert_eq!(a("[一-龥]+"), None);
        assert_eq!(a("[\\d]+"), None);
        assert_eq!(a("[0-9--5]"), None);
        // Ranges from or to an escaped mark span more than their ends.
        assert_eq!(a("[\\--z]"), None);
        assert_eq!(a("[!-\\]]"), None);
        // Optional pieces only.
        assert_eq!(a("(快递)?[0-9]*"), None);
        // Flags, unknown syntax and broken patterns.
        assert_eq!(a("(?i)abc"), None);
        assert_eq!(a("a\\x41"), None);
        assert_eq!(a("(abc"), None);
        assert_eq!(a("abc)"), None);
        assert_eq!(a("[[:alpha:]]x"), None);
    }

    /// Pieces of every built-in rule pattern, with other text around them.
    fn built_in_patterns() -> Vec<String> {
        let pack = Pack::builtin().unwrap_or_default();
        pack.rules
            .iter()
            .map(|r| r.pattern.clone())
            .chain(pack.cue_rules.iter().map(|r| r.pattern.clone()))
            .collect()
    }

    #[test]
    fn every_built_in_rule_has_anchors() {
        let patterns = built_in_patterns();
        assert!(!patterns.is_empty());
        let unread: Vec<&String> = patterns.iter().filter(|p| anchors(p).is_none()).collect();
        assert!(unread.is_empty(), "no anchors for {unread:?}");
    }

    /// Words to build test texts from: the pattern's literal runs, each of their
    /// characters, digits and punctuation.
    fn pieces_of(pattern: &str) -> Vec<String> {
        let meta = "()[]{}|?*+^$\\.";
        let mut out: Vec<String> = pattern
            .split(|c: char| meta.contains(c))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let singles: Vec<String> = out
            .iter()
            .flat_map(|w| w.chars().map(String::from).collect::<Vec<_>>())
            .collect();
        out.extend(singles);
        out.extend(["0", "12", "365", " ", ",", "?", "的", "了"].map(str::to_owned));
        out
    }

    /// Each built-in pattern compiled, with its anchors and the pieces to build texts from;
    /// built once for all the cases.
    /// A built-in rule's regex, its anchors, and pieces of its pattern.
    type Case = (regex::Regex, Option<super::Anchors>, Vec<String>);

    static RULES: std::sync::LazyLock<Vec<Case>> = std::sync::LazyLock::new(|| {
        built_in_patterns()
            .iter()
            .map(|p| (regex::Regex::new(p).unwrap(), anchors(p), pieces_of(p)))
            .collect()
    });

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The promise: a text a rule matches contains its anchors. Texts are made of pieces
        /// of the pattern itself, so that matches are frequent.
        #[test]
        fn a_match_contains_an_anchor(
            k in 0usize..1000,
            picks in proptest::collection::vec(0usize..1000, 0..10),
        ) {
            let (regex, found, pieces) = &RULES[k % RULES.len()];
            let Some(found) = found else { return Ok(()) };
            let text: String = picks.iter().map(|&p| pieces[p % pieces.len()].as_str()).collect();
            if regex.is_match(&text) {
                prop_assert!(
                    satisfied(found, &text),
                    "{regex} matches {text:?} without its anchors {found:?}"
                );
            }
        }
    }
}
