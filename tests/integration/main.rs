//! Integration tests of kefu, in one binary (`cargo test --test integration`).
//!
//! - `intents` and `quantities` run every case of `tests/data/*.toml` through the built-in
//!   engine and report every failure at once.
//! - `pack_errors` checks that each kind of bad pack is refused with a clear message
//!   (`tests/data/pack_errors.toml`).
//! - `api` checks the public API: threads, packs built in code, evidence spans, decisions.
//! - `properties` are proptest properties over arbitrary and adversarial Unicode input.
//! - `snapshot` compares what the built-in engine makes of 600 corpus messages with
//!   `tests/data/snapshot.tsv`, so work meant to keep behaviour cannot change it unseen.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]
#![allow(missing_docs)]

mod api;
mod conversation;
mod intents;
mod lint;
mod pack_errors;
mod properties;
mod quantities;
mod reminders;
mod replies;
mod snapshot;

use std::path::PathBuf;

/// Reads `tests/data/<name>` from the crate root.
pub(crate) fn read_data(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A case that has a name.
pub(crate) trait Named {
    fn name(&self) -> &str;
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile<C> {
    case: Vec<C>,
}

/// Reads the `[[case]]` tables of `tests/data/<name>`, failing on unknown fields and on two
/// cases with one name.
pub(crate) fn load_cases<C: serde::de::DeserializeOwned + Named>(name: &str) -> Vec<C> {
    let text = read_data(name);
    let file: CaseFile<C> =
        toml::from_str(&text).unwrap_or_else(|e| panic!("tests/data/{name}: {e}"));
    let mut seen = std::collections::BTreeSet::new();
    let dups: Vec<&str> = file
        .case
        .iter()
        .map(Named::name)
        .filter(|n| !seen.insert(*n))
        .collect();
    assert!(dups.is_empty(), "{name}: duplicate case names: {dups:?}");
    file.case
}
