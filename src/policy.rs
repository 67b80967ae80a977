//! Policy cases: a pack's own tests of its reply policy (the design card's "unit-tested reply
//! policy"). A host runs them from its `cargo test` with
//! [`Engine::check_policy`](crate::Engine::check_policy), so a change to the pack that breaks
//! an agreed answer fails the build, with every failing case named.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::facts::{Catalog, ShopContext};
use crate::intent::Intent;
use crate::pack::PolicyCase;
use crate::reply::Request;

/// A policy case that failed, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyFailure {
    /// The case's name.
    pub case: String,
    /// What went wrong, in a sentence.
    pub problem: String,
}

impl fmt::Display for PolicyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.case, self.problem)
    }
}

pub(crate) fn check(
    engine: &Engine,
    cases: &[PolicyCase],
    catalog: Option<&Catalog>,
    shop: Option<&ShopContext>,
) -> Vec<PolicyFailure> {
    let mut failures = Vec::new();
    for case in cases {
        let mut fail = |problem: String| {
            failures.push(PolicyFailure {
                case: case.name.clone(),
                problem,
            });
        };
        let mut request = Request::new(&case.message).limit(5);
        if let Some(shop) = shop {
            request = request.shop(shop);
        }
        if let Some(id) = &case.product {
            match catalog.and_then(|c| c.product(id)) {
                Some(p) => request = request.product(p),
                None => {
                    fail(format!("product `{id}` is not in the catalog"));
                    continue;
                }
            }
        }
        let suggestions = engine.suggest(&request);
        if let Some(want) = &case.intents {
            let mut want: Vec<&str> = want.iter().map(String::as_str).collect();
            want.sort_unstable();
            let mut got: Vec<&str> = suggestions
                .analysis
                .present_intents()
                .into_iter()
                .map(Intent::as_str)
                .collect();
            got.sort_unstable();
            if want != got {
                fail(format!("intents are {got:?}, expected {want:?}"));
            }
        }
        let top = suggestions.replies.first();
        if let Some(want) = &case.top_template {
            let got = top.map_or("(no reply)", |r| r.template.as_str());
            if got != want {
                fail(format!("the top reply is `{got}`, expected `{want}`"));
            }
        }
        if let Some(want) = case.top_board {
            match top {
                Some(r) if r.board == want => {}
                Some(r) => fail(format!(
                    "the top reply `{}` is on the {:?} board, expected {want:?}",
                    r.template, r.board
                )),
                None => fail(format!("no reply, expected one from the {want:?} board")),
            }
        }
        for never in &case.never {
            if suggestions.replies.iter().any(|r| &r.template == never) {
                fail(format!("`{never}` was offered"));
            }
        }
    }
    failures
}
