//! A snapshot of what the built-in engine makes of 600 messages of the benches' corpus: the
//! present intents with their scores, the quantities, the traits, and the replies suggested
//! for a dress. It exists for work that must not change behaviour (speeding up the hot
//! path): any difference fails, and lists the messages whose line changed.
//!
//! When a change is meant to change behaviour, regenerate the file and review its diff:
//! `KEFU_BLESS=1 cargo test --test integration snapshot`.

use std::fmt::Write as _;

use kefu::facts::demo;
use kefu::{Engine, Request};

#[path = "../../benches/common/corpus.rs"]
mod corpus;

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/snapshot.tsv");
const MESSAGES: usize = 600;

/// One line per message: the message, then what came of it, tab-separated.
fn line(engine: &Engine, message: &str) -> String {
    let catalog = demo::catalog();
    let shop = demo::shop();
    let product = catalog.product("dress-01");
    let mut request = Request::new(message).catalog(&catalog).shop(&shop);
    if let Some(p) = product {
        request = request.product(p);
    }
    let s = engine.suggest(&request);
    let a = &s.analysis;
    let mut out = String::new();
    let _ = write!(out, "{message}\t");
    for i in a.intents.iter().filter(|i| i.present) {
        let _ = write!(out, "{}={:.3} ", i.intent, i.score);
    }
    out.push('\t');
    for q in &a.quantities {
        let _ = write!(out, "{}={} ", q.kind().as_str(), q.value_string());
    }
    out.push('\t');
    for t in a.traits.iter().filter(|t| t.present) {
        let _ = write!(out, "{} ", t.name);
    }
    out.push('\t');
    for r in &s.replies {
        let _ = write!(out, "{} ", r.template);
    }
    out.trim_end().to_owned()
}

#[test]
fn snapshot_of_the_builtin_engine() {
    let engine = Engine::builtin();
    let now: Vec<String> = corpus::messages(MESSAGES)
        .iter()
        .map(|m| line(&engine, m))
        .collect();
    if std::env::var_os("KEFU_BLESS").is_some() {
        let mut text = now.join("\n");
        text.push('\n');
        std::fs::write(FILE, text).unwrap_or_else(|e| panic!("writing {FILE}: {e}"));
        return;
    }
    let kept = std::fs::read_to_string(FILE).unwrap_or_else(|e| panic!("reading {FILE}: {e}"));
    let kept: Vec<&str> = kept.lines().collect();
    let changed: Vec<String> = now
        .iter()
        .zip(&kept)
        .filter(|(n, k)| n.as_str() != **k)
        .take(10)
        .map(|(n, k)| format!("  was: {k}\n  now: {n}"))
        .collect();
    assert!(
        changed.is_empty() && now.len() == kept.len(),
        "{} lines differ from {FILE} (the first ten below); if the change is meant, \
         regenerate it with KEFU_BLESS=1 and review the diff\n{}",
        now.iter()
            .zip(&kept)
            .filter(|(n, k)| n.as_str() != **k)
            .count()
            + now.len().abs_diff(kept.len()),
        changed.join("\n")
    );
}
