//! Measures the hot path against its floor, in one run, and prints the numbers.
//!
//! ```text
//! cargo run --release --example throughput                  # the built-in corpus
//! cargo run --release --example throughput -- FILE.jsonl    # `{"text": …}` per line
//! ```
//!
//! The floor is a raw Aho-Corasick scan (leftmost-longest DFA) of each message over every word
//! of the built-in pack's lexicon. Then `analyze`, and `suggest` with a product, the shop's
//! facts and three rendered replies, over the same distinct messages. Each is timed over
//! whole passes of the messages (never one message repeated), several passes, and the median
//! pass is reported per message. `suggest_p99_ns` times every `suggest` call of the passes on
//! its own. `threads2_speedup` is the throughput of two threads sharing one engine, each
//! running `analyze` over all the messages, against one thread doing the same (a short input
//! is repeated so that each pass lasts about 20 ms). `analyze_first_ns` is the first pass, on
//! the freshly built engine: what unseen text costs (see the README's Performance section).
//!
//! The last line printed is one JSON object:
//! `{"n": …, "raw_scan_ns": …, "analyze_ns": …, "suggest_ns": …, "analyze_ratio": …,
//! "suggest_ratio": …, "suggest_p99_ns": …, "build_ms": …, "threads2_speedup": …, …}`.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use kefu::facts::demo;
use kefu::{Engine, Pack, Request};
use serde::Deserialize;
use serde_json::json;

#[path = "../benches/common/corpus.rs"]
mod corpus;
#[path = "common/jsonl.rs"]
mod jsonl;

/// Messages from the built-in corpus when no file is given.
const CORPUS: usize = 2_000;
/// Timed rounds over the messages; the median is reported.
const PASSES: usize = 15;
/// Passes of `suggest` whose every call is timed, for the tail.
const TAIL_PASSES: usize = 5;

#[derive(Deserialize)]
struct Line {
    text: String,
}

fn main() -> ExitCode {
    let messages: Vec<String> = match std::env::args().nth(1) {
        Some(path) => match jsonl::read::<Line>(&path) {
            Ok(lines) => lines.into_iter().map(|l| l.text).collect(),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
        None => corpus::messages(CORPUS),
    };
    if messages.is_empty() {
        eprintln!("no messages");
        return ExitCode::from(2);
    }
    let n = messages.len();

    // Build: the median of several builds from the parsed pack, and the memory one engine
    // adds (Linux only).
    let pack = match Pack::builtin() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let rss_before = rss_kib();
    let mut builds = Vec::new();
    let mut engine = None;
    let mut build_rss_mib = None;
    for _ in 0..7 {
        let start = Instant::now();
        match Engine::from_pack(&pack) {
            Ok(e) => engine = Some(e),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
        builds.push(start.elapsed().as_secs_f64());
        // What the first engine added, before later builds reuse freed memory.
        if build_rss_mib.is_none() {
            build_rss_mib = match (rss_before, rss_kib()) {
                (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / 1024.0),
                _ => Some(f64::NAN),
            };
        }
    }
    let Some(engine) = engine else {
        return ExitCode::FAILURE;
    };
    let build_rss_mib = build_rss_mib.filter(|m| m.is_finite());
    let build_ms = median(&mut builds) * 1e3;

    let automaton = match AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(engine.lexicon_words())
    {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let catalog = demo::catalog();
    let shop = demo::shop();
    let Some(product) = catalog.product("dress-01") else {
        return ExitCode::FAILURE;
    };

    let scan_pass = || {
        let mut hits = 0usize;
        for m in &messages {
            hits += automaton.find_iter(black_box(m.as_str())).count();
        }
        black_box(hits);
    };
    let analyze_pass = || {
        for m in &messages {
            black_box(engine.analyze(black_box(m)));
        }
    };
    let suggest_one = |m: &str| {
        engine.suggest(
            &Request::new(black_box(m))
                .product(product)
                .catalog(&catalog)
                .shop(&shop),
        )
    };
    let suggest_pass = || {
        for m in &messages {
            black_box(suggest_one(m));
        }
    };
    // The first sight of the messages, on the fresh engine: the rule regexes' lazy DFAs
    // build their states as text needs them, so unseen text costs more than text seen before.
    let analyze_first = {
        let start = Instant::now();
        analyze_pass();
        start.elapsed().as_secs_f64() * 1e9 / n as f64
    };
    // The three are timed in rounds, a pass of each per round, so that each ratio compares
    // passes run moments apart: on a shared machine the speed drifts by a third over
    // seconds, which would otherwise land on whichever was timed in a slow stretch.
    let rounds = in_rounds(&[&scan_pass, &analyze_pass, &suggest_pass]);
    let per_message = |k: usize| {
        let mut times: Vec<f64> = rounds.iter().filter_map(|r| r.get(k).copied()).collect();
        median(&mut times) * 1e9 / n as f64
    };
    let ratio = |k: usize| {
        let mut ratios: Vec<f64> = rounds
            .iter()
            .filter_map(|r| Some(r.get(k)? / r.first()?.max(1e-12)))
            .collect();
        median(&mut ratios)
    };
    let (raw_scan, analyze, suggest) = (per_message(0), per_message(1), per_message(2));
    let (analyze_ratio, suggest_ratio) = (ratio(1), ratio(2));
    // The tail: every `suggest` call of further passes timed on its own (apart from the
    // rounds, whose passes would pay for the clock reads).
    let mut calls = Vec::with_capacity(n * TAIL_PASSES);
    for _ in 0..TAIL_PASSES {
        for m in &messages {
            let start = Instant::now();
            let s = suggest_one(m);
            calls.push(start.elapsed());
            black_box(s);
        }
    }
    calls.sort_unstable();
    let p99 = calls
        .get(calls.len().saturating_sub(1) * 99 / 100)
        .copied()
        .unwrap_or_default();

    // Two threads sharing one engine against one thread, each doing every message. The
    // workers live through all the passes, as a service's worker threads do.
    let speedup = on_workers(&engine, &messages);

    let round = |x: f64| (x * 100.0).round() / 100.0;
    println!("messages              {n}");
    println!("engine build          {build_ms:.1} ms");
    if let Some(mib) = build_rss_mib {
        println!("engine memory         {mib:.1} MiB resident");
    }
    println!("raw scan              {raw_scan:.0} ns/message (the floor)");
    println!("analyze               {analyze:.0} ns/message ({analyze_ratio:.2}x)");
    println!("analyze, first sight  {analyze_first:.0} ns/message");
    println!(
        "suggest (3 replies)   {suggest:.0} ns/message ({suggest_ratio:.2}x), p99 {} ns",
        p99.as_nanos()
    );
    println!("2 threads             {speedup:.2}x the throughput of one");
    let mut summary = json!({
        "n": n,
        "raw_scan_ns": round(raw_scan),
        "analyze_ns": round(analyze),
        "suggest_ns": round(suggest),
        "analyze_ratio": round(analyze_ratio),
        "suggest_ratio": round(suggest_ratio),
        "suggest_p99_ns": p99.as_nanos() as u64,
        "build_ms": round(build_ms),
        "threads2_speedup": round(speedup),
        "analyze_first_ns": round(analyze_first),
    });
    if let (Some(mib), Some(map)) = (build_rss_mib, summary.as_object_mut()) {
        map.insert("build_rss_mib".to_owned(), json!(round(mib)));
    }
    println!("{summary}");
    ExitCode::SUCCESS
}

fn analyze_all(engine: &Engine, messages: &[String]) {
    for m in messages {
        black_box(engine.analyze(black_box(m)));
    }
}

/// How much more two threads sharing the engine get done than one: passes in which one worker
/// thread analyses every message alternate with passes in which two do at once, each every
/// message; each pair of neighbouring passes gives a ratio, and the median ratio is returned.
/// The two workers are started once and kept for all the passes, as a service's are.
fn on_workers(engine: &Engine, messages: &[String]) -> f64 {
    use std::sync::Barrier;
    // Each pass runs long enough (about 20 ms) that the scheduler's jitter on this 2-core
    // machine, a millisecond or so, cannot decide the ratio: short inputs are repeated.
    let once = {
        let start = Instant::now();
        analyze_all(engine, messages);
        start.elapsed()
    };
    let repeats = (Duration::from_millis(20).as_secs_f64() / once.as_secs_f64().max(1e-9))
        .ceil()
        .clamp(1.0, 1000.0) as usize;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let start = Barrier::new(3);
    let done = Barrier::new(3);
    let active = AtomicUsize::new(0);
    let (mut one, mut two) = (Vec::with_capacity(PASSES), Vec::with_capacity(PASSES));
    std::thread::scope(|scope| {
        for worker in 0..2 {
            let (start, done, active) = (&start, &done, &active);
            scope.spawn(move || {
                for _ in 0..=2 * PASSES {
                    start.wait();
                    if worker < active.load(Ordering::SeqCst) {
                        for _ in 0..repeats {
                            analyze_all(engine, messages);
                        }
                    }
                    done.wait();
                }
            });
        }
        for pass in 0..=2 * PASSES {
            let workers = 1 + pass % 2;
            active.store(workers, Ordering::SeqCst);
            // The clock starts before the release: with two busy workers on two cores, this
            // thread may not run again until they are done, so a clock read after the
            // barrier could miss the whole pass.
            let t = Instant::now();
            start.wait();
            done.wait();
            let took = t.elapsed();
            // The first pass warms up.
            if pass > 0 {
                if workers == 1 {
                    one.push(took)
                } else {
                    two.push(took)
                }
            }
        }
    });
    let mut ratios: Vec<f64> = one
        .iter()
        .zip(&two)
        .map(|(a, b)| 2.0 * a.as_secs_f64() / b.as_secs_f64().max(1e-12))
        .collect();
    median(&mut ratios)
}

/// Times `PASSES` rounds (after one warm-up round) in which each pass runs in order, twice,
/// the second time timed: the seconds of each pass, per round.
fn in_rounds(passes: &[&dyn Fn()]) -> Vec<Vec<f64>> {
    for pass in passes {
        pass();
    }
    (0..PASSES)
        .map(|_| {
            passes
                .iter()
                .map(|pass| {
                    // Untimed first, so that each pass is timed with its own data in the
                    // caches, as when it runs alone, not with what the pass before left.
                    pass();
                    let start = Instant::now();
                    pass();
                    start.elapsed().as_secs_f64()
                })
                .collect()
        })
        .collect()
}

/// The median; 0 for none.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Resident memory of this process in KiB, from `/proc/self/statm` (Linux).
fn rss_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}
