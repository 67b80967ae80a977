//! Properties over arbitrary and adversarial Unicode input (proptest, at most 256 cases each).

use std::sync::LazyLock;

use kefu::{Analysis, Engine, Source, Span, normalize};
use proptest::prelude::*;
use proptest::sample::select;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::builtin);

/// 256 cases each, so CI stays fast; set `PROPTEST_CASES` to hunt longer.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        default.cases
    } else {
        256
    };
    ProptestConfig { cases, ..default }
}

/// One piece of a buyer-like message; messages are runs of pieces.
fn piece() -> impl Strategy<Value = String> {
    let words: Vec<String> = ENGINE.lexicon_words().to_vec();
    prop_oneof![
        // Common CJK and extension A.
        "[\u{4e00}-\u{9fff}]{1,4}",
        "[\u{3400}-\u{4dbf}]",
        // Traditional spellings of shop words.
        select(vec![
            "發貨", "尺碼", "請問", "謝謝", "貨", "碼", "麼", "們", "價格", "退貨", "還有", "顏色",
            "號", "運費", "優惠", "發票", "換貨", "質量", "體重", "個子", "賣", "錢", "塊",
        ])
        .prop_map(str::to_owned),
        // The built-in lexicon's own words, so terms, cues and blockers fire.
        select(words).prop_map(|w| w),
        // Full-width ASCII and the ideographic space.
        "[\u{ff01}-\u{ff5e}]{1,4}",
        Just("\u{3000}".to_owned()),
        // Platform emoticon codes, whole and broken.
        "\\[[\u{4e00}-\u{9fa5}]{1,4}\\]",
        select(vec![
            "[微笑]",
            "[微笑",
            "微笑]",
            "[[微笑]]",
            "[微[笑]]",
            "[]",
            "[哈哈哈哈哈]",
            "[数字x]",
            "[姓名x]x]",
            "[ORDERID_10267489]",
            "[ORDERID_]",
            "[_1]",
            "[组织机构x",
            "#E-s12",
            "#Ｅ-s1",
            "#e-s1",
            "#E-ｓ1",
            "[数字ｘ]",
            "[ＯＲＤ_1]"
        ])
        .prop_map(str::to_owned),
        // Numbers, Arabic, full-width and Chinese.
        "[0-9]{1,14}",
        "[0-9]{1,3}\\.[0-9]{1,2}",
        "[\u{ff10}-\u{ff19}]{1,4}",
        "[一二两三四五六七八九十百千万零〇半]{1,9}",
        // Units, cues and size labels.
        select(vec![
            "斤",
            "米",
            "码",
            "号",
            "元",
            "块",
            "块钱",
            "cm",
            "CM",
            "kg",
            "公斤",
            "公分",
            "厘米",
            "m",
            "¥",
            "￥",
            "rmb",
            "均码",
            "XL",
            "xxl",
            "2XL",
            "S",
            "M",
            "L",
            "free size",
            "身高",
            "体重",
            "身高体重",
            "个子",
            "穿",
            "要",
        ])
        .prop_map(str::to_owned),
        // Emoji: plain, with a variation selector, ZWJ sequences, flags, skin tones.
        "[\u{1F300}-\u{1FAFF}]",
        select(vec![
            "❤\u{FE0F}",
            "👨\u{200D}👩\u{200D}👧",
            "🇨🇳",
            "👍🏽",
            "\u{200B}",
            "\u{FEFF}"
        ])
        .prop_map(str::to_owned),
        // Combining marks, alone or on a letter or a Han character.
        "[\u{0300}-\u{036f}]{1,3}",
        "[a-z\u{4e00}-\u{4e10}][\u{0300}-\u{036f}]{1,2}",
        // Lone brackets, punctuation runs and white space.
        select(vec![
            "[",
            "]",
            "【",
            "】",
            "(",
            ")",
            "「",
            "」",
            "。。。",
            "？？",
            "!!",
            "、",
            "，",
            "…",
            " ",
            "  ",
            "\t",
            "\n",
            "～",
            "〜",
            "·",
        ])
        .prop_map(str::to_owned),
        // Anything at all.
        any::<char>().prop_map(String::from),
    ]
}

fn message() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..16).prop_map(|pieces| pieces.concat())
}

fn check_span(message: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        span.start <= span.end && span.end <= message.len(),
        "{what}: span {span:?} outside {} bytes of {message:?}",
        message.len()
    );
    prop_assert!(
        message.is_char_boundary(span.start) && message.is_char_boundary(span.end),
        "{what}: span {span:?} not on char boundaries of {message:?}"
    );
    Ok(())
}

/// Every invariant of one analysis.
fn check_analysis(message: &str) -> Result<(), TestCaseError> {
    let engine = &*ENGINE;
    let a: Analysis = engine.analyze(message);
    let norm = normalize(message);
    prop_assert_eq!(a.normalized.as_str(), norm.as_str());
    prop_assert_eq!(a.script, norm.script());
    for s in &a.intents {
        prop_assert!((0.0..=1.0).contains(&s.score), "score {s:?}");
        prop_assert!(
            !s.present || s.score >= a.threshold,
            "present below threshold: {s:?}"
        );
        prop_assert!(!s.evidence.is_empty(), "scored with no evidence: {s:?}");
        for e in &s.evidence {
            check_span(message, e.span, "evidence")?;
            if let Some(cue) = e.negated_by {
                check_span(message, cue, "negation cue")?;
                prop_assert!(!e.counts(), "negated evidence still counts: {e:?}");
                // A cue stands before the word (不用退) or, for `after` cues, behind it
                // (退货不用); it never overlaps the word it cancels.
                prop_assert!(
                    cue.end <= e.span.start || e.span.end <= cue.start,
                    "cue {cue:?} overlaps the term {e:?}"
                );
            }
            match &e.source {
                Source::Term { id } => {
                    // Naive oracle for the automaton: the term really is in the normalised text,
                    // and the span is exactly where it was written.
                    let (label, word) = id
                        .split_once('/')
                        .ok_or_else(|| TestCaseError::fail(format!("term id {id:?}")))?;
                    prop_assert_eq!(label, s.intent.as_str());
                    let word = normalize(word);
                    prop_assert!(!word.as_str().is_empty(), "empty term {id:?}");
                    prop_assert!(
                        a.normalized.contains(word.as_str()),
                        "term {id:?} reported but {:?} is not in {:?}",
                        word.as_str(),
                        a.normalized
                    );
                    let written = e.span.text(message);
                    let written_norm = normalize(written);
                    prop_assert_eq!(
                        written_norm.as_str(),
                        word.as_str(),
                        "term {} has span {:?} = {:?} in {:?}",
                        id,
                        e.span,
                        written,
                        message
                    );
                }
                Source::Fallback { .. } => {
                    prop_assert_eq!(e.span, Span::new(0, message.len()));
                }
                _ => {}
            }
        }
    }
    for q in &a.quantities {
        let span = q.span();
        check_span(message, span, "quantity")?;
        prop_assert!(!span.is_empty(), "empty quantity span {q:?} in {message:?}");
    }
    for pair in a.quantities.windows(2) {
        prop_assert!(
            pair[0].span().end <= pair[1].span().start,
            "quantities overlap or are out of order: {:?}",
            a.quantities
        );
    }
    // Deterministic: the same message gives the same analysis.
    prop_assert_eq!(&engine.analyze(message), &a);
    Ok(())
}

fn check_normalized(message: &str) -> Result<(), TestCaseError> {
    let once = normalize(message);
    let twice = normalize(once.as_str());
    prop_assert_eq!(
        twice.as_str(),
        once.as_str(),
        "not idempotent on {:?}",
        message
    );
    let n = once.as_str().len();
    for start in 0..=n + 1 {
        for end in start..=n + 1 {
            let span = once.original_span(start, end);
            check_span(message, span, "original_span")?;
        }
        // Reversed ranges too.
        check_span(message, once.original_span(start, 0), "original_span")?;
    }
    // Whole-text mapping covers the text from its first kept character to its last.
    if n > 0 {
        let whole = once.original_span(0, n);
        prop_assert!(!whole.is_empty(), "{whole:?} for {message:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn analyze_holds_on_buyer_like_text(message in message()) {
        check_analysis(&message)?;
    }

    #[test]
    fn analyze_holds_on_any_string(message in any::<String>()) {
        check_analysis(&message)?;
    }

    /// A whole conversation of arbitrary buyer-like turns: recording and suggesting never
    /// panic, every reply is filled, and the analysis inside holds as for `analyze`.
    #[test]
    fn conversations_hold(turns in prop::collection::vec((message(), 0u64..400), 1..5)) {
        let catalog = kefu::facts::demo::catalog();
        let shop = kefu::facts::demo::shop();
        let product = catalog.product("dress-01");
        let mut session = kefu::Session::default();
        let mut now = 0u64;
        for (text, wait) in &turns {
            now += wait;
            session = ENGINE.record(&session, &kefu::Event::buyer(now, text));
            let mut request = kefu::Request::new(text)
                .session(&session)
                .catalog(&catalog)
                .shop(&shop)
                .at(now + 5);
            if let Some(p) = product {
                request = request.product(p);
            }
            let s = ENGINE.suggest(&request);
            for r in &s.replies {
                prop_assert!(!r.text.contains('{') && !r.text.is_empty(), "{:?}", r);
            }
            for e in s.analysis.traits.iter().flat_map(|t| &t.evidence) {
                if matches!(e.source, Source::Term { .. } | Source::Rule { .. }) {
                    prop_assert!(text.get(e.span.range()).is_some(), "{:?} in {:?}", e, text);
                }
            }
            for n in &s.analysis.notes {
                prop_assert!(text.get(n.span.range()).is_some(), "{:?} in {:?}", n, text);
            }
            if let Some(first) = s.replies.first() {
                session = ENGINE.record(&session, &kefu::Event::agent_template(now + 5, &first.template));
            }
        }
        prop_assert!(session.reminders.len() <= 3);
    }

    #[test]
    fn normalize_is_idempotent_and_maps_back(message in message()) {
        check_normalized(&message)?;
    }

    #[test]
    fn normalize_holds_on_any_string(message in any::<String>()) {
        check_normalized(&message)?;
    }

    #[test]
    fn lint_holds_on_any_reply(reply in message(), waited in 0u64..1_000) {
        check_lint(&reply, waited)?;
    }

    #[test]
    fn lint_holds_on_any_string(reply in any::<String>(), waited in 0u64..1_000) {
        check_lint(&reply, waited)?;
    }
}

/// The linter never panics, its spans lie on char boundaries of the reply, and a rewrite,
/// when offered, is not the reply unchanged.
fn check_lint(reply: &str, waited: u64) -> Result<(), TestCaseError> {
    for f in ENGINE.lint_after_wait(reply, waited) {
        check_span(reply, f.span, &f.rule)?;
        if let Some(rewrite) = &f.rewrite {
            prop_assert_ne!(rewrite.as_str(), reply, "rule {} rewrote nothing", f.rule);
        }
    }
    Ok(())
}

/// Every single character, exhaustively: normalising is idempotent, alone and doubled (the
/// doubled form exercises the run collapsing).
#[test]
fn normalize_is_idempotent_on_every_char() {
    let mut bad = Vec::new();
    let mut buf = String::new();
    for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
        for n in [1, 2] {
            buf.clear();
            for _ in 0..n {
                buf.push(c);
            }
            let once = normalize(&buf);
            let twice = normalize(once.as_str());
            if once.as_str() != twice.as_str() {
                bad.push(format!(
                    "U+{:04X} x{n}: {:?} -> {:?} -> {:?}",
                    c as u32,
                    buf,
                    once.as_str(),
                    twice.as_str()
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "normalize is not idempotent on {} inputs:\n{}",
        bad.len(),
        bad.iter().take(50).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Found by proptest: a cue behind the word it cancels (退货不用) is a legitimate negation.
#[test]
fn a_cue_behind_the_word_negates_it() {
    check_analysis("退货不用").unwrap();
    let a = ENGINE.analyze("退货不用");
    assert!(!a.has(kefu::Intent::AfterSales));
}
