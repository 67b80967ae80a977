//! Suggests replies for buyer messages, and shows what the engine read in them: intents and
//! traits with their evidence, order notes, objections, quantities, and the top replies with
//! the reasons they ranked. (`examples/conversation.rs` plays whole conversations.)
//!
//! ```text
//! cargo run --release --example suggest -- "亲，我165cm 110斤穿什么码？"
//! cargo run --release --example suggest -- --product shoes-01 "平时穿37码，这双拿多大"
//! cargo run --release --example suggest -- --json "亲，我165cm 110斤穿什么码？"
//! cargo run --release --example suggest
//! ```
//!
//! Each argument is one message, about a product of the built-in demo catalog
//! (`kefu::facts::demo`: `dress-01` by default, `dress-02`, `tee-01`, `down-01`, `shoes-01`) in the demo
//! shop. With no message, a few demo messages are used. With `--json`, the suggestions are
//! printed as pretty JSON (one object per message) instead.

use std::process::ExitCode;

use kefu::facts::demo;
use kefu::{Analysis, Engine, Evidence, Quantity, QuantityKind, Request, Source, Suggestions};
use serde::Serialize;

/// Demo messages, written for this example.
const DEMO: &[&str] = &[
    // Size, with a height and a weight in 斤.
    "亲，我165cm 110斤穿什么码？",
    // Stock, in traditional characters.
    "請問這件黑色的還有貨嗎？",
    // A return, with a negated size term.
    "不是尺码问题，质量太差了，我要退货",
];

const USAGE: &str = "usage: suggest [--json] [--product ID] [MESSAGE …]";

fn main() -> ExitCode {
    let mut json = false;
    let mut product_id = "dress-01".to_owned();
    let mut messages = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--product" => match args.next() {
                Some(id) => product_id = id,
                None => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with("--") => {
                eprintln!("unknown option {flag}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => messages.push(arg),
        }
    }
    let catalog = demo::catalog();
    let shop = demo::shop();
    let Some(product) = catalog.product(&product_id) else {
        eprintln!("no product `{product_id}` in the demo catalog");
        return ExitCode::from(2);
    };
    if messages.is_empty() {
        messages = DEMO.iter().map(|&m| m.to_owned()).collect();
    }

    let engine = Engine::builtin();
    for (k, message) in messages.iter().enumerate() {
        let request = Request::new(message).product(product).shop(&shop);
        let suggestions = engine.suggest(&request);
        if json {
            match serde_json::to_string_pretty(&suggestions) {
                Ok(text) => println!("{text}"),
                Err(e) => {
                    eprintln!("cannot write the analysis as JSON: {e}");
                    return ExitCode::FAILURE;
                }
            }
        } else {
            if k > 0 {
                println!();
            }
            println!("product     {} ({})", product.name, product.id);
            print_analysis(message, &suggestions.analysis);
            print_replies(&suggestions);
        }
    }
    ExitCode::SUCCESS
}

fn print_replies(suggestions: &Suggestions) {
    println!("replies (stage {})", name(&suggestions.stage));
    if suggestions.replies.is_empty() {
        println!("  (no template fits)");
    }
    for (k, reply) in suggestions.replies.iter().enumerate() {
        println!(
            "  {}. [{} · {} · {:.2}] {}",
            k + 1,
            reply.template,
            name(&reply.board),
            reply.score,
            reply.text
        );
        let why: Vec<String> = reply
            .reasons
            .iter()
            .map(|r| format!("{} {} {:+.2}", r.kind, r.detail, r.weight))
            .collect();
        println!("       because: {}", why.join("; "));
    }
}

/// The name serde gives a unit enum value (`simplified`, `lexicon`), for readable output.
fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".to_owned(),
    }
}

fn print_analysis(message: &str, analysis: &Analysis) {
    println!("message     {message}");
    println!("normalised  {}", analysis.normalized);
    println!("script      {}", name(&analysis.script));
    println!(
        "decided by  {} (threshold {:.2})",
        name(&analysis.decided_by),
        analysis.threshold
    );
    let present: Vec<&str> = analysis
        .present_intents()
        .iter()
        .map(|i| i.as_str())
        .collect();
    println!("present     {}", present.join(", "));

    println!("intents");
    if analysis.intents.is_empty() {
        println!("  (none scored)");
    }
    for score in &analysis.intents {
        println!(
            "  {:<13} {:.3}  {}",
            score.intent.as_str(),
            score.score,
            if score.present {
                "present"
            } else {
                "not present"
            }
        );
        for evidence in &score.evidence {
            println!("      {}", describe(message, evidence));
        }
    }

    println!("traits");
    if analysis.traits.is_empty() {
        println!("  (none)");
    }
    for t in &analysis.traits {
        let name = match t.value {
            Some(v) => format!("{}={}", t.name, v.as_str()),
            None => t.name.to_string(),
        };
        println!(
            "  {:<13} {:.3}  {}",
            name,
            t.score,
            if t.present { "present" } else { "not present" }
        );
        for evidence in &t.evidence {
            println!("      {}", describe(message, evidence));
        }
    }
    for note in &analysis.notes {
        let value = note
            .value
            .as_deref()
            .map(|v| format!(" → {v}"))
            .unwrap_or_default();
        let risk = note
            .risk
            .as_deref()
            .map(|r| format!("  RISK: {r}"))
            .unwrap_or_default();
        println!(
            "note        [{}] {}{value} (from {}){risk}",
            name(&note.priority),
            note.kind,
            note.source
        );
    }
    for o in &analysis.objections {
        println!("objection   {} (from {})", o.kind, o.source);
    }

    println!("quantities");
    if analysis.quantities.is_empty() {
        println!("  (none)");
    }
    for quantity in &analysis.quantities {
        let value = quantity.value_string();
        let value = match unit(quantity) {
            Some(unit) => format!("{value} {unit}"),
            None => value,
        };
        println!(
            "  {:<13} {:<18} from \"{}\"",
            quantity.kind().as_str(),
            value,
            quantity.span().text(message)
        );
    }
}

/// One line for a piece of evidence: where it came from, the buyer's text under it, its weight
/// and whether it counted.
fn describe(message: &str, evidence: &Evidence) -> String {
    let source = match &evidence.source {
        Source::Term { id } => format!("term {id}"),
        Source::Rule { id } => format!("rule {id}"),
        Source::Quantity { id } => format!("quantity {id}"),
        Source::Fallback { tokens } => format!("fallback [{}]", tokens.join(" ")),
        Source::Session { fact } => format!("session: {fact}"),
        Source::Profile { fact } => format!("profile: {fact}"),
        Source::Derived { from } => format!("from the analysis: {from}"),
        other => format!("{other:?}"),
    };
    let text = match &evidence.source {
        // The fallback's span is the whole message; repeating it says nothing.
        Source::Fallback { .. } => String::new(),
        _ => format!(" \"{}\"", evidence.span.text(message)),
    };
    let mut line = format!("{source}{text}  weight {:.2}", evidence.weight);
    if evidence.backup {
        line.push_str("  backup");
    }
    if let Some(cue) = evidence.negated_by {
        line.push_str(&format!("  negated by \"{}\"", cue.text(message)));
    } else if let Some(rule) = evidence.absorbed_by {
        line.push_str(&format!("  taken over by \"{}\"", rule.text(message)));
    } else if !evidence.counts() {
        line.push_str("  set aside");
    }
    line
}

/// The canonical unit of a quantity's value, where it has one.
fn unit(quantity: &Quantity) -> Option<&'static str> {
    match quantity.kind() {
        QuantityKind::Height => Some("cm"),
        QuantityKind::Weight => Some("kg"),
        QuantityKind::Money => Some("yuan"),
        _ => None,
    }
}
