//! Bad packs are refused with a message that says what is wrong:
//! `tests/data/pack_errors.toml`, plus the JSON form.

use std::fmt::Write as _;

use kefu::{Engine, Intent, Pack, PackError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// A whole pack, as TOML text.
    pack: String,
    /// A substring the error's `Display` must contain.
    error: String,
    #[serde(default)]
    #[allow(dead_code)]
    why: Option<String>,
}

#[test]
fn pack_error_cases() {
    let cases: Vec<Case> = crate::load_cases("pack_errors.toml");
    let mut failures = String::new();
    for case in &cases {
        match Engine::from_toml(&case.pack) {
            Ok(_) => {
                let _ = writeln!(
                    failures,
                    "  {}: the pack was accepted; expected an error containing {:?}",
                    case.name, case.error
                );
            }
            Err(err) => {
                let shown = err.to_string();
                println!("  {}: {shown}", case.name);
                if !shown.contains(&case.error) {
                    let _ = writeln!(
                        failures,
                        "  {}: expected an error containing {:?}\n    got: {shown:?} ({err:?})",
                        case.name, case.error
                    );
                }
                // The message is for a person: no Rust type names, no trailing new line.
                if shown.ends_with('\n') || shown.contains("PackError") {
                    let _ = writeln!(failures, "  {}: unpolished message {shown:?}", case.name);
                }
            }
        }
    }
    println!("pack error cases: {}", cases.len());
    assert!(failures.is_empty(), "pack error cases failed:\n{failures}");
}

/// A small pack with every section, written in TOML and in JSON.
const SMALL_TOML: &str = r#"
[pack]
name = "small"
version = "1.0.0"

[settings]
threshold = 0.5
only_alone = ["greeting"]

[negation]
window = 2
cues = ["不是"]

[blockers]
words = ["二维码"]

[[terms]]
intent = "size"
weight = 0.9
words = ["尺码", "码"]

[[terms]]
intent = "logistics"
weight = 0.8
negatable = false
words = ["发货"]

[[rules]]
id = "size.wear-what"
intent = "size"
weight = 0.7
pattern = "穿.{0,3}(多大|什么)码"

[[quantity_cues]]
kind = "height"
intent = "size"
weight = 0.5

[[examples]]
intent = "size"
texts = ["这条裙子我能穿吗", "平时穿中号"]

[[examples]]
intent = "logistics"
texts = ["什么时候能到", "几天到"]
"#;

const SMALL_JSON: &str = r#"{
  "pack": { "name": "small", "version": "1.0.0" },
  "settings": { "threshold": 0.5, "only_alone": ["greeting"] },
  "negation": { "window": 2, "cues": ["不是"] },
  "blockers": { "words": ["二维码"] },
  "terms": [
    { "intent": "size", "weight": 0.9, "words": ["尺码", "码"] },
    { "intent": "logistics", "weight": 0.8, "negatable": false, "words": ["发货"] }
  ],
  "rules": [
    { "id": "size.wear-what", "intent": "size", "weight": 0.7, "pattern": "穿.{0,3}(多大|什么)码" }
  ],
  "quantity_cues": [ { "kind": "height", "intent": "size", "weight": 0.5 } ],
  "examples": [
    { "intent": "size", "texts": ["这条裙子我能穿吗", "平时穿中号"] },
    { "intent": "logistics", "texts": ["什么时候能到", "几天到"] }
  ]
}"#;

#[test]
fn small_pack_builds_from_toml() {
    let engine = Engine::from_toml(SMALL_TOML).unwrap();
    assert_eq!(engine.analyze("穿什么码").present_intents(), [Intent::Size]);
    assert_eq!(
        engine.analyze("不是尺码问题").present_intents(),
        [Intent::Other]
    );
    assert_eq!(
        engine.analyze("扫二维码").present_intents(),
        [Intent::Other]
    );
}

#[test]
fn json_pack_builds_and_equals_toml() {
    let from_json = Pack::from_json(SMALL_JSON).unwrap();
    let from_toml = Pack::from_toml(SMALL_TOML).unwrap();
    assert_eq!(from_json, from_toml);
    let engine = Engine::from_json(SMALL_JSON).unwrap();
    assert_eq!(
        engine.analyze("什么时候发货").present_intents(),
        [Intent::Logistics]
    );
    assert_eq!(
        engine.analyze("尺码偏大吗").present_intents(),
        [Intent::Size]
    );
}

#[test]
fn invalid_json_is_refused() {
    let err = Engine::from_json(
        r#"{ "terms": [ { "intent": "size", "weight": 0.9, "words": ["尺码"] } "#,
    )
    .unwrap_err();
    assert!(
        matches!(err, PackError::Syntax { format: "json", .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("the pack is not valid json: "),
        "{err}"
    );

    let err = Engine::from_json(r#"{ "term": [] }"#).unwrap_err();
    assert!(
        matches!(err, PackError::Syntax { format: "json", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("unknown field `term`"), "{err}");
}

#[test]
fn json_pack_errors_are_checked_like_toml() {
    let err = Engine::from_json(
        r#"{ "terms": [ { "intent": "refund", "weight": 0.9, "words": ["退款"] } ] }"#,
    )
    .unwrap_err();
    assert_eq!(
        err,
        PackError::UnknownIntent {
            intent: "refund".to_owned(),
            item: "terms group 1 (intent `refund`)".to_owned(),
        }
    );
}

#[test]
fn error_variants_match_their_messages() {
    type Check = fn(&PackError) -> bool;
    let cases: [(&str, Check); 5] = [
        ("[[terms]\n", |e| {
            matches!(e, PackError::Syntax { format: "toml", .. })
        }),
        (
            "[[terms]]\nintent = \"refund\"\nweight = 0.9\nwords = [\"退款\"]\n",
            |e| matches!(e, PackError::UnknownIntent { .. }),
        ),
        (
            "[[terms]]\nintent = \"size\"\nweight = 0.9\nwords = [\"尺碼\", \"尺码\"]\n",
            |e| matches!(e, PackError::Duplicate { kind: "term", .. }),
        ),
        (
            "[[rules]]\nid = \"r\"\nintent = \"size\"\nweight = 0.9\npattern = \"(\"\n",
            |e| matches!(e, PackError::BadPattern { .. }),
        ),
        ("[settings]\nthreshold = 2.0\n", |e| {
            matches!(e, PackError::OutOfRange { .. })
        }),
    ];
    for (pack, check) in cases {
        let err = Engine::from_toml(pack).unwrap_err();
        assert!(check(&err), "{pack:?} gave {err:?}");
    }
}

impl crate::Named for Case {
    fn name(&self) -> &str {
        &self.name
    }
}
