//! Lints replies against the built-in courtesy and compliance rules.
//!
//! ```text
//! cargo run --release --example lint -- "你自己看详情页"
//! cargo run --release --example lint -- --wait 300 "有货的"
//! cargo run --release --example lint -- --jsonl FILE
//! ```
//!
//! With `--jsonl FILE` it reads lines `{"id": …, "text": …}` (and an optional `"waited_secs"`)
//! and writes one JSON line per input: `{"id": …, "findings": [{"rule": …, "level": …,
//! "start": …, "end": …}]}`. Otherwise it prints the findings of the reply given, readably.

use std::process::ExitCode;

use kefu::{Engine, Finding};
use serde::Deserialize;
use serde_json::json;

#[path = "common/jsonl.rs"]
mod jsonl;

#[derive(Deserialize)]
struct Line {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    waited_secs: Option<u64>,
}

fn lint(engine: &Engine, text: &str, waited: Option<u64>) -> Vec<Finding> {
    match waited {
        Some(w) => engine.lint_after_wait(text, w),
        None => engine.lint(text),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let engine = Engine::builtin();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    if let Some(path) = flag("--jsonl") {
        let lines: Vec<Line> = match jsonl::read(path) {
            Ok(lines) => lines,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        for line in lines {
            let findings: Vec<_> = lint(&engine, &line.text, line.waited_secs)
                .iter()
                .map(|f| json!({"rule": f.rule, "level": f.level, "start": f.span.start, "end": f.span.end}))
                .collect();
            println!("{}", json!({"id": line.id, "findings": findings}));
        }
        return ExitCode::SUCCESS;
    }
    let waited = flag("--wait").and_then(|w| w.parse().ok());
    let mut skip = false;
    let mut replies = Vec::new();
    for a in &args {
        if skip {
            skip = false;
        } else if a == "--wait" {
            skip = true;
        } else {
            replies.push(a.as_str());
        }
    }
    if replies.is_empty() {
        eprintln!("usage: lint [--wait SECONDS] REPLY… | lint --jsonl FILE");
        return ExitCode::from(2);
    }
    for reply in replies {
        println!("reply  {reply}");
        let findings = lint(&engine, reply, waited);
        if findings.is_empty() {
            println!("  clean");
        }
        for f in findings {
            println!(
                "  {:?} {} \"{}\": {}",
                f.level,
                f.rule,
                f.span.text(reply),
                f.message
            );
            if let Some(rewrite) = &f.rewrite {
                println!("      suggest: {rewrite}");
            }
        }
    }
    ExitCode::SUCCESS
}
