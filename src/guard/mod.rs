//! Stage 5, guard: the courtesy and compliance linter.
//!
//! Every reply a desk sends, whether a template or what a human agent typed, can be checked
//! against the rules of requirement S9 (warm, apologise when refusing, suggest rather than
//! assert, no commands, no rhetorical questions), S12 (explain links), S13 (apologise for a
//! slow reply) and the platform and advertising rules shops are punished for. The rules are
//! pack data ([`Courtesy`]); the built-in ones live in
//! `src/pack/builtin/courtesy.toml`. Each finding carries its rule id, level, the span of the
//! reply as written, a message and, where one exists, a suggested rewrite.

use std::collections::HashSet;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::analysis::Span;
use crate::error::PackError;
use crate::normalize::{Normalized, is_han, normalize};
use crate::pack::{BUILTIN_COURTESY, Courtesy, Level, LintKind, LintRule, LintScope};

/// One problem found in a reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// The rule id, `family/name` (`courtesy/assertive`, `compliance/off-platform`, …).
    pub rule: String,
    /// How serious it is.
    pub level: Level,
    /// What triggered it, as a byte range of the reply as written.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// The whole reply rewritten to fix this finding, where the rule knows how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<String>,
}

/// A compiled rule.
#[derive(Clone, Debug)]
struct Compiled {
    id: String,
    level: Level,
    kind: LintKind,
    scope: LintScope,
    patterns: Option<Regex>,
    except: Option<Regex>,
    unless: Option<Regex>,
    only_if: Option<Regex>,
    requires: Option<Regex>,
    max_han: usize,
    message: String,
    replace: Vec<[String; 2]>,
    rewrite: Option<String>,
}

/// Every rule of a pack, compiled.
#[derive(Clone, Debug)]
pub(crate) struct Linter {
    rules: Vec<Compiled>,
    late_reply_seconds: u64,
}

impl Linter {
    pub(crate) fn build(courtesy: &Courtesy) -> Result<Linter, PackError> {
        let mut rules: Vec<LintRule> = if courtesy.defaults {
            toml::from_str::<Courtesy>(BUILTIN_COURTESY)
                .map_err(|e| PackError::Syntax {
                    format: "toml",
                    message: format!("built-in courtesy rules: {e}"),
                })?
                .rules
        } else {
            Vec::new()
        };
        let mut seen = HashSet::new();
        for rule in &courtesy.rules {
            if !seen.insert(rule.id.as_str()) {
                return Err(PackError::Duplicate {
                    kind: "lint rule id",
                    id: rule.id.clone(),
                });
            }
            match rules.iter_mut().find(|r| r.id == rule.id) {
                Some(slot) => *slot = rule.clone(),
                None => rules.push(rule.clone()),
            }
        }
        for id in &courtesy.disable {
            if !rules.iter().any(|r| &r.id == id) {
                return Err(PackError::UnknownIntent {
                    intent: id.clone(),
                    item: "`courtesy.disable` (no lint rule has this id)".to_owned(),
                });
            }
        }
        rules.retain(|r| !courtesy.disable.contains(&r.id));
        let rules = rules.iter().map(compile).collect::<Result<Vec<_>, _>>()?;
        Ok(Linter {
            rules,
            late_reply_seconds: courtesy.late_reply_seconds,
        })
    }

    /// The rule ids in force.
    pub(crate) fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// Lints a reply; `waited` is how long the buyer had waited for it, in seconds.
    pub(crate) fn lint(&self, reply: &str, waited: Option<u64>) -> Vec<Finding> {
        let norm = normalize(reply);
        let text = norm.as_str();
        let sentences = sentences(text);
        let whole = [(0, text.len())];
        let mut out = Vec::new();
        for rule in &self.rules {
            let units: &[(usize, usize)] = match rule.scope {
                LintScope::Sentence => &sentences,
                LintScope::Message => &whole,
            };
            let before = out.len();
            match rule.kind {
                LintKind::Existence | LintKind::Short => {
                    rule.triggers(&norm, reply, units, &mut out);
                    if rule.kind == LintKind::Short && out.len() == before {
                        rule.short(&norm, reply, &mut out);
                    }
                }
                LintKind::Missing => {
                    let satisfied = rule.requires.as_ref().is_some_and(|r| r.is_match(text));
                    if !satisfied {
                        rule.triggers(&norm, reply, units, &mut out);
                    }
                }
                LintKind::Bare => rule.bare(&norm, reply, &mut out),
                LintKind::Late => {
                    if waited.is_some_and(|w| w > self.late_reply_seconds) {
                        rule.late(&norm, reply, &sentences, &mut out);
                    }
                }
            }
        }
        out.sort_by(|a, b| (a.span, &a.rule).cmp(&(b.span, &b.rule)));
        out
    }
}

impl Compiled {
    fn finding(&self, reply: &str, span: Span) -> Finding {
        Finding {
            rule: self.id.clone(),
            level: self.level,
            span,
            message: self.message.clone(),
            rewrite: self.rewritten(reply, span),
        }
    }

    /// The reply with this finding fixed: the span's text put through `replace`, or the
    /// whole reply put into `rewrite`.
    fn rewritten(&self, reply: &str, span: Span) -> Option<String> {
        if let Some(template) = &self.rewrite {
            return Some(template.replace("{text}", reply.trim()));
        }
        let matched = reply.get(span.range())?;
        let normalised = normalize(matched);
        let fixed = self
            .replace
            .iter()
            .find(|[from, _]| normalised.as_str().contains(from.as_str()))
            .map(|[from, to]| normalised.as_str().replacen(from.as_str(), to, 1))?;
        let head = reply.get(..span.start)?;
        let tail = reply.get(span.end..)?;
        Some(format!("{head}{fixed}{tail}"))
    }

    fn triggers(
        &self,
        norm: &Normalized,
        reply: &str,
        units: &[(usize, usize)],
        out: &mut Vec<Finding>,
    ) {
        let Some(patterns) = &self.patterns else {
            return;
        };
        let text = norm.as_str();
        for &(start, end) in units {
            let Some(unit) = text.get(start..end) else {
                continue;
            };
            if self.only_if.as_ref().is_some_and(|r| !r.is_match(unit)) {
                continue;
            }
            if self.unless.as_ref().is_some_and(|r| r.is_match(unit)) {
                continue;
            }
            let excepted: Vec<(usize, usize)> = self
                .except
                .as_ref()
                .map(|r| r.find_iter(unit).map(|m| (m.start(), m.end())).collect())
                .unwrap_or_default();
            for m in patterns.find_iter(unit) {
                let (s, e) = (m.start(), m.end());
                if s >= e || excepted.iter().any(|&(xs, xe)| xs < e && s < xe) {
                    continue;
                }
                let span = norm.original_span(start + s, start + e);
                out.push(self.finding(reply, span));
            }
        }
    }

    fn short(&self, norm: &Normalized, reply: &str, out: &mut Vec<Finding>) {
        let text = norm.as_str();
        if text.is_empty() {
            return;
        }
        if self.unless.as_ref().is_some_and(|r| r.is_match(text)) {
            return;
        }
        let han = text.chars().filter(|&c| is_han(c)).count();
        let warm = self.requires.as_ref().is_some_and(|r| r.is_match(text));
        if han <= self.max_han && !warm {
            out.push(self.finding(reply, norm.original_span(0, text.len())));
        }
    }

    fn bare(&self, norm: &Normalized, reply: &str, out: &mut Vec<Finding>) {
        let Some(patterns) = &self.patterns else {
            return;
        };
        let text = norm.as_str();
        let found: Vec<(usize, usize)> = patterns
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        if found.is_empty() {
            return;
        }
        let han_outside = text
            .char_indices()
            .filter(|&(i, c)| is_han(c) && !found.iter().any(|&(s, e)| s <= i && i < e))
            .count();
        if han_outside < self.max_han {
            for (s, e) in found {
                out.push(self.finding(reply, norm.original_span(s, e)));
            }
        }
    }

    fn late(
        &self,
        norm: &Normalized,
        reply: &str,
        sentences: &[(usize, usize)],
        out: &mut Vec<Finding>,
    ) {
        let text = norm.as_str();
        let opening_end = text
            .char_indices()
            .nth(self.max_han)
            .map_or(text.len(), |(i, _)| i);
        let opening = text.get(..opening_end).unwrap_or(text);
        if self.requires.as_ref().is_some_and(|r| r.is_match(opening)) {
            return;
        }
        let (s, e) = sentences.first().copied().unwrap_or((0, text.len()));
        out.push(self.finding(reply, norm.original_span(s, e)));
    }
}

/// The sentences of a normalised reply, as byte ranges that keep their closing mark.
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?' | ';' | ' ' | '~') {
            let end = i + c.len_utf8();
            if text.get(start..i).is_some_and(|s| !s.trim().is_empty()) {
                out.push((start, end));
            }
            start = end;
        }
    }
    if text.get(start..).is_some_and(|s| !s.trim().is_empty()) {
        out.push((start, text.len()));
    }
    out
}

fn compile(rule: &LintRule) -> Result<Compiled, PackError> {
    if rule.id.trim().is_empty() {
        return Err(PackError::Empty {
            what: "lint rule id",
            item: format!("the lint rule with message `{}`", rule.message),
        });
    }
    if rule.message.trim().is_empty() {
        return Err(PackError::Empty {
            what: "message",
            item: format!("lint rule `{}`", rule.id),
        });
    }
    let needs_patterns = matches!(
        rule.kind,
        LintKind::Existence | LintKind::Missing | LintKind::Bare
    );
    if needs_patterns && rule.patterns.is_empty() {
        return Err(PackError::Empty {
            what: "pattern list",
            item: format!("lint rule `{}`", rule.id),
        });
    }
    let needs_requires = matches!(
        rule.kind,
        LintKind::Missing | LintKind::Short | LintKind::Late
    );
    if needs_requires && rule.requires.is_empty() {
        return Err(PackError::Empty {
            what: "`requires` list",
            item: format!("lint rule `{}`", rule.id),
        });
    }
    let needs_bound = matches!(rule.kind, LintKind::Short | LintKind::Bare | LintKind::Late);
    if needs_bound && rule.max_han == 0 {
        return Err(PackError::OutOfRange {
            item: format!("`max_han` of lint rule `{}`", rule.id),
            value: "0".to_owned(),
            range: "at least 1",
        });
    }
    let one = |list: &[String]| alternation(&rule.id, list);
    Ok(Compiled {
        id: rule.id.clone(),
        level: rule.level,
        kind: rule.kind,
        scope: rule.scope,
        patterns: one(&rule.patterns)?,
        except: one(&rule.except)?,
        unless: one(&rule.unless)?,
        only_if: one(&rule.only_if)?,
        requires: one(&rule.requires)?,
        max_han: rule.max_han,
        message: rule.message.clone(),
        replace: rule.replace.clone(),
        rewrite: rule.rewrite.clone(),
    })
}

/// One regex matching any pattern of the list, or `None` for an empty list.
fn alternation(id: &str, list: &[String]) -> Result<Option<Regex>, PackError> {
    if list.is_empty() {
        return Ok(None);
    }
    for p in list {
        crate::lexicon::rules::check_pattern(id, p)?;
    }
    let joined = list
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    RegexBuilder::new(&joined)
        .size_limit(16 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .map(Some)
        .map_err(|e| PackError::BadPattern {
            id: id.to_owned(),
            message: e.to_string().lines().last().unwrap_or("").trim().to_owned(),
        })
}
