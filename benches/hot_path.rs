//! The hot path, measured over a corpus of distinct buyer messages.
//!
//! Every measured iteration walks the whole corpus (never one message repeated), so the
//! reported throughput is per message. `raw_scan` is the floor: one Aho-Corasick DFA over the
//! engine's own lexicon words, scanning text that was normalised beforehand. `analyze` can
//! never beat it; the gap between the two is what normalisation, rules, quantities, negation
//! and scoring cost.
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
use kefu::{Analysis, Engine, Pack};

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

fn raw_scan(c: &mut Criterion) {
    let engine = Engine::builtin();
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(engine.lexicon_words())
        .expect("the lexicon words build a DFA");
    // Normalised outside the timing: the floor measures the scan alone.
    let texts: Vec<String> = corpus::messages(N)
        .iter()
        .map(|m| kefu::normalize(m).into_string())
        .collect();
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

criterion_group!(benches, build, normalize, analyze, raw_scan, analyze_long);
criterion_main!(benches);
