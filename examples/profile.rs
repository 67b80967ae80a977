//! Runs the hot path in shapes a profiler can read, for finding where the time goes.
//!
//! ```text
//! cargo run --release --example profile -- analyze [PASSES]   # analyze the corpus PASSES times
//! cargo run --release --example profile -- suggest [PASSES]   # suggest, three replies rendered
//! cargo run --release --example profile -- scan [PASSES]      # the floor: the raw lexicon scan
//! cargo run --release --example profile -- stages             # wall time added by each stage
//! cargo run --release --example profile -- slowest            # the slowest messages to suggest for
//! ```
//!
//! A JSON Lines file (`{"text": …}` per line) after the passes, or after `stages` or `slowest`,
//! replaces the corpus, so real messages can be profiled too. Otherwise the corpus is the
//! built-in one of the benches (2,000 messages of our own). Wall-clock times
//! on a shared machine vary by a third from run to run; instruction counts do not. To compare
//! two versions of the code, count the instructions of one stage, for example:
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release --example profile
//! valgrind --tool=callgrind --toggle-collect='kefu::engine::Engine::analyze' \
//!     target/release/examples/profile analyze 10
//! ```
//!
//! (`--toggle-collect='profile::scan'` with `scan` counts the floor).
//!
//! and subtract a run of 2 passes from a run of 12 to leave out the warm-up.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use kefu::facts::demo;
use kefu::{Engine, Request};

#[path = "../benches/common/corpus.rs"]
mod corpus;
#[path = "common/jsonl.rs"]
mod jsonl;

#[derive(serde::Deserialize)]
struct Line {
    text: String,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_default();
    let mut passes = 3;
    let mut file = None;
    for arg in args {
        match arg.parse() {
            Ok(n) => passes = n,
            Err(_) => file = Some(arg),
        }
    }
    let messages: Vec<String> = match file {
        Some(path) => match jsonl::read::<Line>(&path) {
            Ok(lines) => lines.into_iter().map(|l| l.text).collect(),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
        None => corpus::messages(2_000),
    };
    let engine = Engine::builtin();
    let catalog = demo::catalog();
    let shop = demo::shop();
    let Some(product) = catalog.product("dress-01") else {
        return ExitCode::FAILURE;
    };
    let suggest = |m: &str| {
        engine
            .suggest(
                &Request::new(m)
                    .product(product)
                    .catalog(&catalog)
                    .shop(&shop),
            )
            .replies
            .len()
    };
    match what.as_str() {
        "analyze" => {
            for _ in 0..passes {
                for m in &messages {
                    black_box(engine.analyze(black_box(m)));
                }
            }
        }
        "scan" => {
            // The floor of the throughput example: a DFA over every word of the lexicon.
            let Ok(automaton) = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(engine.lexicon_words())
            else {
                return ExitCode::FAILURE;
            };
            for _ in 0..passes {
                for m in &messages {
                    black_box(scan(&automaton, black_box(m)));
                }
            }
        }
        "suggest" => {
            for _ in 0..passes {
                for m in &messages {
                    black_box(suggest(black_box(m)));
                }
            }
        }
        "stages" => {
            let mut before = 0.0;
            // Stage 5 is the match without the rules' regexes: what the walk over the
            // words and anchors adds, then what the regexes add.
            for (name, stage) in [
                ("normalise", 0u8),
                ("match: words and anchors", 5),
                ("match: the rules' regexes", 1),
                ("quantities", 2),
                ("intents", 3),
                ("traits, notes, objections", 4),
            ] {
                let t = median_ns(&messages, |m| engine.__analyze_upto(m, stage));
                println!("{name:<26} {t:>6.0} ns/message (+{:.0})", t - before);
                before = t;
            }
            let t = median_ns(&messages, |m| suggest(m));
            println!(
                "suggest: {t:>6.0} ns/message (+{:.0} after analyze)",
                t - before
            );
        }
        "slowest" => {
            let mut times: Vec<(u128, &String)> = messages
                .iter()
                .map(|m| {
                    let best = (0..7)
                        .map(|_| {
                            let start = Instant::now();
                            black_box(suggest(black_box(m)));
                            start.elapsed().as_nanos()
                        })
                        .min()
                        .unwrap_or_default();
                    (best, m)
                })
                .collect();
            times.sort_unstable();
            let at = |q: usize| times.get(times.len() * q / 100).map_or(0, |t| t.0);
            println!("p50 {} ns, p90 {} ns, p99 {} ns", at(50), at(90), at(99));
            for (t, m) in times.iter().rev().take(20) {
                println!("{t:>7} ns  {m}");
            }
        }
        _ => {
            eprintln!(
                "usage: profile analyze|suggest [PASSES] [FILE] | stages [FILE] | slowest [FILE]"
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// The raw scan of one message, a function of its own so that a profiler can count it.
#[inline(never)]
fn scan(automaton: &aho_corasick::AhoCorasick, message: &str) -> usize {
    automaton.find_iter(message).count()
}

/// The median over 15 passes of the time per message of `f`, in nanoseconds.
fn median_ns(messages: &[String], f: impl Fn(&str) -> usize) -> f64 {
    let mut passes: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            let mut work = 0;
            for m in messages {
                work += f(black_box(m));
            }
            black_box(work);
            start.elapsed().as_nanos() as f64 / messages.len().max(1) as f64
        })
        .collect();
    passes.sort_by(f64::total_cmp);
    passes.get(passes.len() / 2).copied().unwrap_or_default()
}
