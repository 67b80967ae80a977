//! The hot path, measured over a corpus of distinct buyer messages.
//!
//! Every measured iteration walks the whole corpus (never one message repeated), so the
//! reported throughput is per message. `raw_scan` is the floor: one Aho-Corasick DFA over the
//! engine's own lexicon words, scanning the messages as they come. Then:
//!
//! - `build`: the built-in engine from its parsed pack;
//! - `stages`: the analysis cut after each stage (normalise, then matching, quantities,
//!   intents, and traits with notes and objections, which is all of `analyze`), so each
//!   stage costs the difference from the one before;
//! - `suggest`: ranking only (`limit(0)`), and the top three replies rendered; rendering
//!   costs the difference;
//! - `threads`: two threads sharing one engine, against one;
//! - `lexicon_10x`: `analyze` with ten times the built-in lexicon;
//! - `analyze_long`: messages ten times as long.
//!
//! The `throughput` example prints the same ratios in one run.
//!
//! ```text
//! cargo bench --bench hot_path
//! cargo bench --bench hot_path -- --quick
//! ```

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[path = "common/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use kefu::facts::demo;
use kefu::{Analysis, Engine, Pack, Request};

/// Distinct messages per measured iteration.
const N: usize = 2_000;
/// Messages in the long-message bench, and how many times each is repeated inside itself.
const LONG_N: usize = 200;
const LONG_TIMES: usize = 10;

/// A group with short timings, so a full run takes a couple of minutes.
fn short_group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(20);
    group
}

/// What the analysis found, folded into one number: present intents and quantities.
fn found(analysis: &Analysis) -> usize {
    analysis.intents.iter().filter(|s| s.present).count() + analysis.quantities.len()
}

fn build(c: &mut Criterion) {
    let pack = Pack::builtin().expect("the built-in pack parses");
    let words = Engine::from_pack(&pack)
        .expect("the built-in pack builds")
        .lexicon_words()
        .len();
    let mut group = short_group(c, "build");
    group.bench_function("builtin", |b| {
        b.iter(|| {
            let engine = Engine::from_pack(black_box(&pack)).expect("the built-in pack builds");
            assert_eq!(engine.lexicon_words().len(), words);
            black_box(engine)
        });
    });
    group.finish();
}

fn normalize(c: &mut Criterion) {
    let messages = corpus::messages(N);
    let expected: usize = messages
        .iter()
        .map(|m| kefu::normalize(m).as_str().len())
        .sum();
    let mut group = short_group(c, "normalize");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(BenchmarkId::from_parameter(N), |b| {
        b.iter(|| {
            let mut bytes = 0;
            for message in &messages {
                bytes += kefu::normalize(black_box(message)).as_str().len();
            }
            assert_eq!(bytes, expected);
            black_box(bytes)
        });
    });
    group.finish();
}

fn analyze(c: &mut Criterion) {
    bench_analyze(c, "analyze", N.to_string(), corpus::messages(N));
}

/// Times `analyze` over every message of `messages`, checking the answer each pass.
fn bench_analyze(c: &mut Criterion, name: &str, id: String, messages: Vec<String>) {
    let engine = Engine::builtin();
    let expected: usize = messages.iter().map(|m| found(&engine.analyze(m))).sum();
    assert!(
        expected > 0,
        "the corpus should hold intents and quantities"
    );
    let mut group = short_group(c, name);
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function(BenchmarkId::from_parameter(id), |b| {
        b.iter(|| {
            let mut total = 0;
            for message in &messages {
                total += found(&engine.analyze(black_box(message)));
            }
            assert_eq!(total, expected);
            black_box(total)
        });
    });
    group.finish();
}

fn stages(c: &mut Criterion) {
    let engine = Engine::builtin();
    let messages = corpus::messages(N);
    let mut group = short_group(c, "stages");
    group.throughput(Throughput::Elements(N as u64));
    for (stage, name) in [
        (0u8, "1_normalize"),
        (1, "2_match"),
        (2, "3_quantities"),
        (3, "4_intents"),
        (4, "5_traits"),
    ] {
        let expected: usize = messages
            .iter()
            .map(|m| engine.__analyze_upto(m, stage))
            .sum();
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut total = 0;
                for message in &messages {
                    total += engine.__analyze_upto(black_box(message), stage);
                }
                assert_eq!(total, expected);
                black_box(total)
            });
        });
    }
    group.finish();
}

fn suggest(c: &mut Criterion) {
    let engine = Engine::builtin();
    let messages = corpus::messages(N);
    let catalog = demo::catalog();
    let shop = demo::shop();
    let product = catalog.product("dress-01").unwrap();
    let mut group = short_group(c, "suggest");
    group.throughput(Throughput::Elements(N as u64));
    for (limit, name) in [(0usize, "rank_only"), (3, "top_3_rendered")] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut replies = 0;
                for message in &messages {
                    let request = Request::new(black_box(message))
                        .product(product)
                        .catalog(&catalog)
                        .shop(&shop)
                        .limit(limit);
                    replies += engine.suggest(&request).replies.len();
                }
                black_box(replies)
            });
        });
    }
    group.finish();
}

fn threads(c: &mut Criterion) {
    let engine = Engine::builtin();
    let messages = corpus::messages(N);
    let run = |engine: &Engine| {
        let mut total = 0;
        for message in &messages {
            total += found(&engine.analyze(black_box(message)));
        }
        total
    };
    let mut group = short_group(c, "threads");
    // Per element: one message analysed. With two threads each iteration analyses the corpus
    // twice, once on each, so the time per element halves when the threads scale perfectly.
    for workers in [1usize, 2] {
        group.throughput(Throughput::Elements((workers * N) as u64));
        group.bench_function(format!("{workers}_thread"), |b| {
            // The workers live through all the iterations of a measurement, as a service's
            // worker threads do: threads started per iteration would time thread start-up
            // and cold caches instead.
            b.iter_custom(|iters| {
                let start = std::sync::Barrier::new(workers);
                std::thread::scope(|scope| {
                    let handles: Vec<_> = (0..workers)
                        .map(|_| {
                            scope.spawn(|| {
                                start.wait();
                                let t = std::time::Instant::now();
                                for _ in 0..iters {
                                    black_box(run(&engine));
                                }
                                t.elapsed()
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap())
                        .max()
                        .unwrap_or_default()
                })
            });
        });
    }
    group.finish();
}

/// Ten times the built-in lexicon: the built-in words, and nine generated words of two to
/// four characters for each, spread over the intents. Matching cost should grow far less than
/// the lexicon.
fn lexicon_10x(c: &mut Criterion) {
    let mut pack = Pack::builtin().unwrap();
    let base = Engine::from_pack(&pack).unwrap();
    let words = base.lexicon_words().len();
    let intents = [
        "size",
        "price",
        "logistics",
        "after_sales",
        "stock",
        "product_info",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut extra: Vec<Vec<String>> = vec![Vec::new(); intents.len()];
    let mut seen: std::collections::HashSet<String> =
        base.lexicon_words().iter().cloned().collect();
    let mut k = 0;
    while k < 9 * words {
        let len = 2 + (next() % 3) as usize;
        let word: String = (0..len)
            .map(|_| char::from_u32(0x4e00 + (next() % 0x5000) as u32).unwrap_or('一'))
            .collect();
        if seen.insert(word.clone()) {
            extra[k % intents.len()].push(word);
            k += 1;
        }
    }
    for (intent, list) in intents.iter().zip(extra) {
        pack.add_terms(intent, 0.6, list);
    }
    let big = Engine::from_pack(&pack).unwrap();
    assert!(big.lexicon_words().len() >= 10 * words);
    let messages = corpus::messages(N);
    let mut group = short_group(c, "lexicon_10x");
    group.throughput(Throughput::Elements(N as u64));
    for (name, engine) in [("builtin", &base), ("10x", &big)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut total = 0;
                for message in &messages {
                    total += found(&engine.analyze(black_box(message)));
                }
                black_box(total)
            });
        });
    }
    group.finish();
}

fn raw_scan(c: &mut Criterion) {
    let engine = Engine::builtin();
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(engine.lexicon_words())
        .expect("the lexicon words build a DFA");
    // The messages as they come, as the throughput example scans them.
    let texts: Vec<String> = corpus::messages(N);
    let scan = |texts: &[String]| -> usize {
        let mut sum = 0;
        for text in texts {
            for m in automaton.find_iter(black_box(text.as_str())) {
                sum += m.pattern().as_usize();
            }
        }
        sum
    };
    let expected = scan(&texts);
    assert!(expected > 0, "the corpus should hit the lexicon");
    let mut group = short_group(c, "raw_scan");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(BenchmarkId::from_parameter(N), |b| {
        b.iter(|| {
            let sum = scan(&texts);
            assert_eq!(sum, expected);
            black_box(sum)
        });
    });
    group.finish();
}

fn analyze_long(c: &mut Criterion) {
    let messages = corpus::long_messages(LONG_N, LONG_TIMES);
    bench_analyze(
        c,
        "analyze_long",
        format!("{LONG_N}x{LONG_TIMES}"),
        messages,
    );
}

criterion_group!(
    benches,
    build,
    raw_scan,
    normalize,
    stages,
    analyze,
    suggest,
    threads,
    lexicon_10x,
    analyze_long
);
criterion_main!(benches);
