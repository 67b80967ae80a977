//! The built-in clothing-shop pack, kept as reviewable TOML beside this file and embedded at
//! compile time.

/// The TOML documents that make up the built-in pack, merged in this order by
/// [`Pack::builtin`](super::Pack::builtin).
pub const BUILTIN_SOURCES: &[&str] = &[
    include_str!("builtin/lexicon.toml"),
    include_str!("builtin/examples.toml"),
    include_str!("builtin/examples_shops.toml"),
    include_str!("builtin/buyer.toml"),
    include_str!("builtin/templates.toml"),
    include_str!("builtin/templates_buyer.toml"),
    include_str!("builtin/cases.toml"),
];
