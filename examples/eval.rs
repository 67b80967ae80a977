//! Measures intent accuracy on a labeled JSON Lines file.
//!
//! ```text
//! cargo run --release --example eval -- FILE.jsonl [--misses]
//! ```
//!
//! Each line is `{"text": …, "intents": ["logistics", …], …}` (other fields are ignored). A
//! message's predicted set is the intents that reach the engine's threshold, or `other` when
//! none does. The last line printed is one JSON object:
//! `{"n": …, "micro_f1": …, "macro_f1": …, "per_intent": {"size": {"p": …, "r": …, "f1": …, "support": …}, …}}`.
//! Micro and macro F1 are over all twelve labels.
//!
//! Lines may also carry `"traits": {"angry": true, "gender_hint": "female", …}`. For the labeled
//! traits (`angry`, `price_sensitive`, `urgent`, `returning_customer`, `gender_hint`) the summary
//! adds `"traits": {"angry": {"p": …, "r": …, "support": …}, …}`: a trait counts as detected when
//! the engine marks it present (the same threshold as intents); a gender hint counts as right
//! only when its value matches. `"decided_by": {"lexicon": {"n": …, "exact": …}, …}` says how
//! many messages each path of [`kefu::Decision`] decided, and the share of them whose predicted
//! set is exactly right.
//!
//! `--misses` first prints every message whose predicted set differs from its labels, with the
//! evidence; `--trait-misses` prints the trait misses the same way.
//!
//! `--require PATH>=NUMBER` (repeatable) makes the run fail, after printing the summary, when a
//! number of the summary falls short: `--require micro_f1>=0.84 --require traits.angry.p>=0.8`.
//! CI uses it as its gate.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use kefu::{Engine, Intent, Trait};
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[path = "common/jsonl.rs"]
mod jsonl;

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    id: String,
    text: String,
    intents: Vec<String>,
    #[serde(default)]
    traits: Map<String, Value>,
}

/// The labeled traits: the JSONL name and the engine's trait.
const TRAITS: [(&str, Trait); 5] = [
    ("angry", Trait::Angry),
    ("price_sensitive", Trait::PriceSensitive),
    ("urgent", Trait::Urgent),
    ("returning_customer", Trait::Returning),
    ("gender_hint", Trait::Gender),
];

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let misses = args.iter().any(|a| a == "--misses");
    let trait_misses = args.iter().any(|a| a == "--trait-misses");
    let mut requirements = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--require" {
            match rest.next().and_then(|r| parse_requirement(r)) {
                Some(r) => requirements.push(r),
                None => {
                    eprintln!("--require takes PATH>=NUMBER, e.g. micro_f1>=0.84");
                    return ExitCode::from(2);
                }
            }
        }
    }
    let Some(path) = args
        .iter()
        .enumerate()
        .find(|(k, a)| {
            !a.starts_with("--") && (*k == 0 || args.get(k - 1).is_none_or(|p| p != "--require"))
        })
        .map(|(_, a)| a)
    else {
        eprintln!("usage: eval FILE.jsonl [--misses]");
        return ExitCode::from(2);
    };
    let lines: Vec<Line> = match jsonl::read(path) {
        Ok(lines) => lines,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let engine = Engine::builtin();
    let mut counts = [Counts::default(); Intent::ALL.len()];
    let mut trait_counts = [Counts::default(); TRAITS.len()];
    let mut n = 0u32;
    // Per decision path: messages, and messages whose predicted set is exactly right.
    let mut paths: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for line in lines {
        n += 1;
        let gold: BTreeSet<Intent> = line.intents.iter().filter_map(|s| s.parse().ok()).collect();
        let analysis = engine.analyze(&line.text);
        let predicted: BTreeSet<Intent> = analysis.present_intents().into_iter().collect();
        let path = serde_json::to_value(analysis.decided_by)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let entry = paths.entry(path).or_default();
        entry.0 += 1;
        entry.1 += u32::from(predicted == gold);
        // `Intent::index` is the position in `Intent::ALL`, so the zip pairs each with its counts.
        for (intent, c) in Intent::ALL.into_iter().zip(counts.iter_mut()) {
            match (predicted.contains(&intent), gold.contains(&intent)) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, true) => c.fn_ += 1,
                (false, false) => {}
            }
        }
        for ((label, name), c) in TRAITS.iter().zip(trait_counts.iter_mut()) {
            let gold = line
                .traits
                .get(*label)
                .filter(|v| **v != Value::Bool(false));
            let found = analysis
                .traits
                .iter()
                .find(|t| t.name == *name && t.present);
            let right = match (found, gold) {
                (Some(t), Some(Value::String(v))) => t.value.is_some_and(|x| x.as_str() == v),
                (Some(_), Some(_)) => true,
                _ => false,
            };
            match (found.is_some(), gold.is_some()) {
                (true, true) if right => c.tp += 1,
                (true, true) => {
                    c.fp += 1;
                    c.fn_ += 1;
                }
                (true, false) => c.fp += 1,
                (false, true) => c.fn_ += 1,
                (false, false) => {}
            }
            if trait_misses && (found.is_some() != gold.is_some() || (gold.is_some() && !right)) {
                let why: Vec<String> = found
                    .map(|t| {
                        t.evidence
                            .iter()
                            .map(|e| format!("{:?}={:.2}", e.source, e.weight))
                            .collect()
                    })
                    .unwrap_or_default();
                println!(
                    "TRAIT-MISS {} {label} gold={} got={}: {}  {}",
                    line.id,
                    gold.is_some(),
                    found.is_some(),
                    line.text,
                    why.join(" ")
                );
            }
        }
        if misses && predicted != gold {
            let names =
                |s: &BTreeSet<Intent>| s.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",");
            println!(
                "MISS {} gold=[{}] got=[{}] via {:?}: {}",
                line.id,
                names(&gold),
                names(&predicted),
                analysis.decided_by,
                line.text
            );
            for score in &analysis.intents {
                let why: Vec<String> = score
                    .evidence
                    .iter()
                    .map(|e| {
                        let what = match &e.source {
                            kefu::Source::Term { id } | kefu::Source::Rule { id } => id.to_string(),
                            kefu::Source::Quantity { id } => format!("quantity:{id}"),
                            kefu::Source::Fallback { tokens } => {
                                format!("fallback[{}]", tokens.join(" "))
                            }
                            _ => "?".to_owned(),
                        };
                        let neg = match (e.counts(), e.negated_by, e.absorbed_by) {
                            (true, _, _) => "",
                            (false, Some(_), _) => " (negated)",
                            (false, None, Some(_)) => " (taken over)",
                            (false, None, None) => " (set aside)",
                        };
                        format!("{what}={:.2}{neg}", e.weight)
                    })
                    .collect();
                println!(
                    "    {:<13} {:.2}  {}",
                    score.intent.as_str(),
                    score.score,
                    why.join("  ")
                );
            }
        }
    }
    let mut per_intent = Map::new();
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut f1_sum = 0.0;
    for (intent, c) in Intent::ALL.into_iter().zip(counts) {
        tp += c.tp;
        fp += c.fp;
        fn_ += c.fn_;
        let p = ratio(c.tp, c.tp + c.fp);
        let r = ratio(c.tp, c.tp + c.fn_);
        let f = f1(p, r);
        f1_sum += f;
        per_intent.insert(
            intent.as_str().to_owned(),
            json!({"p": round(p), "r": round(r), "f1": round(f), "support": c.tp + c.fn_}),
        );
    }
    let mut traits = Map::new();
    for ((label, _), c) in TRAITS.iter().zip(trait_counts) {
        traits.insert(
            (*label).to_owned(),
            json!({
                "p": round(ratio(c.tp, c.tp + c.fp)),
                "r": round(ratio(c.tp, c.tp + c.fn_)),
                "support": c.tp + c.fn_,
            }),
        );
    }
    let micro = f1(ratio(tp, tp + fp), ratio(tp, tp + fn_));
    let macro_ = f1_sum / Intent::ALL.len() as f64;
    let summary = json!({
        "n": n,
        "micro_f1": round(micro),
        "macro_f1": round(macro_),
        "per_intent": Value::Object(per_intent),
        "traits": Value::Object(traits),
        "decided_by": paths
            .iter()
            .map(|(path, (n, exact))| (path.clone(), json!({"n": n, "exact": round(ratio(*exact, *n))})))
            .collect::<Map<String, Value>>(),
    });
    println!("{summary}");
    let mut ok = true;
    for (path, min) in &requirements {
        let got = path
            .split('.')
            .try_fold(&summary, |v, key| v.get(key))
            .and_then(Value::as_f64);
        match got {
            Some(got) if got >= *min => eprintln!("{path} {got} >= {min}: ok"),
            Some(got) => {
                eprintln!("error: {path} {got} is below {min}");
                ok = false;
            }
            None => {
                eprintln!("error: no number at {path} in the summary");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `traits.angry.p>=0.8` → (`traits.angry.p`, 0.8).
fn parse_requirement(text: &str) -> Option<(String, f64)> {
    let (path, min) = text.split_once(">=")?;
    Some((path.trim().to_owned(), min.trim().parse().ok()?))
}
