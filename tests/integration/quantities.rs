//! Data-driven quantity cases: `tests/data/quantities.toml`. Every case must pass.

use std::fmt::Write as _;

use kefu::{Engine, QuantityKind};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    message: String,
    expect: Vec<Expect>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    kind: String,
    value: String,
    text: String,
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {:?}", self.kind, self.value, self.text)
    }
}

fn list(items: &[Expect]) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn quantity_cases() {
    let cases: Vec<Case> = crate::load_cases("quantities.toml");
    let engine = Engine::builtin();
    let mut failures = Vec::new();
    for case in &cases {
        for e in &case.expect {
            assert!(
                e.kind.parse::<QuantityKind>().is_ok(),
                "case `{}`: unknown quantity kind `{}`",
                case.name,
                e.kind
            );
            assert!(
                case.message.contains(&e.text),
                "case `{}`: expected text {:?} is not in the message",
                case.name,
                e.text
            );
        }
        let analysis = engine.analyze(&case.message);
        let got: Vec<Expect> = analysis
            .quantities
            .iter()
            .map(|q| Expect {
                kind: q.kind().as_str().to_owned(),
                value: q.value_string(),
                text: q.span().text(&case.message).to_owned(),
            })
            .collect();
        if got != case.expect {
            let mut report = format!("  {} — {:?}\n", case.name, case.message);
            let _ = writeln!(report, "    expected: {}", list(&case.expect));
            let _ = writeln!(report, "    got:      {}", list(&got));
            failures.push(report);
        }
    }
    let total = cases.len();
    println!(
        "quantity cases: {}/{total} pass, {} fail",
        total - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} quantity cases fail:\n{}",
        failures.len(),
        failures.concat()
    );
}

impl crate::Named for Case {
    fn name(&self) -> &str {
        &self.name
    }
}
