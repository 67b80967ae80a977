//! Data-driven lint cases: `tests/data/lint.toml`. Each case names the exact set of rules
//! that must fire on a reply (empty for a clean one); every failing case is reported at once.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use kefu::Engine;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    text: String,
    fires: Vec<String>,
    #[serde(default)]
    waited_secs: Option<u64>,
    #[serde(default)]
    why: Option<String>,
}

impl crate::Named for Case {
    fn name(&self) -> &str {
        &self.name
    }
}

#[test]
fn lint_cases() {
    let cases: Vec<Case> = crate::load_cases("lint.toml");
    let engine = Engine::builtin();
    let known: BTreeSet<&str> = engine.lint_rules().into_iter().collect();
    let mut failures = String::new();
    let mut failed = 0;
    for case in &cases {
        for rule in &case.fires {
            assert!(
                known.contains(rule.as_str()),
                "{}: unknown rule `{rule}`",
                case.name
            );
        }
        let findings = match case.waited_secs {
            Some(w) => engine.lint_after_wait(&case.text, w),
            None => engine.lint(&case.text),
        };
        for f in &findings {
            assert!(
                case.text.is_char_boundary(f.span.start) && case.text.is_char_boundary(f.span.end)
            );
        }
        let got: BTreeSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        let want: BTreeSet<&str> = case.fires.iter().map(String::as_str).collect();
        if got != want {
            failed += 1;
            let _ = writeln!(failures, "  {} — {:?}", case.name, case.text);
            let _ = writeln!(failures, "    expected {want:?}, got {got:?}");
            if let Some(why) = &case.why {
                let _ = writeln!(failures, "    why: {why}");
            }
            for f in &findings {
                let _ = writeln!(failures, "      {} {:?}", f.rule, f.span.text(&case.text));
            }
        }
    }
    println!("lint cases: {}/{} pass", cases.len() - failed, cases.len());
    assert!(failed == 0, "{failed} lint cases fail:\n{failures}");
}

#[test]
fn every_rule_has_violating_and_clean_cases() {
    let cases: Vec<Case> = crate::load_cases("lint.toml");
    let engine = Engine::builtin();
    for rule in engine.lint_rules() {
        let violating = cases
            .iter()
            .filter(|c| c.fires.iter().any(|r| r == rule))
            .count();
        assert!(
            violating >= 10,
            "`{rule}` has only {violating} violating cases"
        );
    }
    let clean = cases.iter().filter(|c| c.fires.is_empty()).count();
    assert!(clean >= 100, "only {clean} clean cases");
}
