//! Data-driven intent cases: `tests/data/intents.toml`.
//!
//! Every case must pass. The test prints the pass rate and every failing case with its
//! evidence; a change that makes a case fail must fix the engine or, when the case itself was
//! wrong, say why in the case.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use kefu::{Analysis, Decision, Engine, Intent, Script, Source};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    message: String,
    intents: Vec<String>,
    #[serde(default)]
    script: Option<Script>,
    /// The path that must decide, when the case is about that path (a term that must fire,
    /// not the fallback guessing the same label).
    #[serde(default)]
    decided_by: Option<Decision>,
    #[serde(default)]
    why: Option<String>,
}

fn load() -> Vec<Case> {
    crate::load_cases("intents.toml")
}

fn script_name(script: Script) -> &'static str {
    match script {
        Script::Simplified => "simplified",
        Script::Traditional => "traditional",
        Script::Unmarked => "unmarked",
        _ => "(new script)",
    }
}

/// One line per scored intent: its score, whether it is present, and what fired.
pub(crate) fn describe_evidence(analysis: &Analysis, message: &str) -> String {
    let mut out = String::new();
    if analysis.intents.is_empty() {
        out.push_str("      (no evidence at all)\n");
    }
    for score in &analysis.intents {
        let _ = write!(
            out,
            "      {} {:.3}{}:",
            score.intent,
            score.score,
            if score.present { " present" } else { "" }
        );
        for e in &score.evidence {
            let what = match &e.source {
                Source::Term { id } => format!("term {id}"),
                Source::Rule { id } => format!("rule {id}"),
                Source::Quantity { id } => format!("quantity {id}"),
                Source::Fallback { tokens } => format!("fallback {tokens:?}"),
                other => format!("{other:?}"),
            };
            let _ = write!(out, " [{what} {:?} w={}", e.span.text(message), e.weight);
            if let Some(cue) = e.negated_by {
                let _ = write!(out, " negated by {:?}", cue.text(message));
            }
            if let Some(rule) = e.absorbed_by {
                let _ = write!(out, " taken over by {:?}", rule.text(message));
            }
            if e.backup {
                out.push_str(" backup");
            }
            if !e.counted {
                out.push_str(" not counted");
            }
            out.push(']');
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "      decided by {:?}; normalised {:?}",
        analysis.decided_by, analysis.normalized
    );
    out
}

#[test]
fn intent_cases() {
    let cases = load();
    let engine = Engine::builtin();
    let mut failures: Vec<String> = Vec::new();
    let mut failed_names: Vec<&str> = Vec::new();
    for case in &cases {
        // A label the crate does not know is a mistake in the data file, not an engine miss.
        let expected: BTreeSet<&str> = case
            .intents
            .iter()
            .map(|label| {
                label
                    .parse::<Intent>()
                    .unwrap_or_else(|e| panic!("case `{}`: {e}", case.name))
                    .as_str()
            })
            .collect();
        assert!(
            !expected.is_empty(),
            "case `{}`: `intents` is empty; write [\"other\"] for none",
            case.name
        );
        assert!(
            !(expected.contains("other") && expected.len() > 1),
            "case `{}`: `other` cannot be combined with another intent",
            case.name
        );
        let analysis = engine.analyze(&case.message);
        let got: BTreeSet<&str> = analysis
            .present_intents()
            .into_iter()
            .map(Intent::as_str)
            .collect();
        let mut problems = Vec::new();
        if got != expected {
            problems.push(format!("intents: expected {expected:?}, got {got:?}"));
        }
        if let Some(path) = case.decided_by {
            if analysis.decided_by != path {
                problems.push(format!(
                    "decided by: expected {path:?}, got {:?}",
                    analysis.decided_by
                ));
            }
        }
        if let Some(script) = case.script {
            if analysis.script != script {
                problems.push(format!(
                    "script: expected {}, got {}",
                    script_name(script),
                    script_name(analysis.script)
                ));
            }
        }
        if !problems.is_empty() {
            let mut report = format!("  {} — {:?}\n", case.name, case.message);
            for p in problems {
                let _ = writeln!(report, "    {p}");
            }
            if let Some(why) = &case.why {
                let _ = writeln!(report, "    why: {why}");
            }
            report.push_str(&describe_evidence(&analysis, &case.message));
            failures.push(report);
            failed_names.push(&case.name);
        }
    }
    let total = cases.len();
    let passed = total - failures.len();
    println!(
        "intent cases: {passed}/{total} pass ({:.1}%), {} fail",
        100.0 * passed as f64 / total.max(1) as f64,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} intent cases fail: {}\n{}",
        failures.len(),
        failed_names.join(", "),
        failures.concat()
    );
}

impl crate::Named for Case {
    fn name(&self) -> &str {
        &self.name
    }
}
