//! The public API: engines across threads, packs built in code, evidence spans, decisions.

use kefu::{
    Analysis, DEFAULT_THRESHOLD, Decision, Engine, Intent, Pack, Quantity, QuantityKind, Script,
    Source,
};

/// Messages covering every path: terms, rules, quantities, negation, blockers, fallback,
/// traditional and full-width text, and nothing at all.
const MESSAGES: &[&str] = &[
    "亲，我165cm 110斤穿什么码？",
    "請問ＸＬ碼有貨嗎",
    "不是尺码问题 是质量问题",
    "扫二维码领券",
    "什么时候发货 能开发票吗",
    "这件８０元可以吗？",
    "你好",
    "。。。",
    "",
    "订单号123456789012 手机13812345678改地址",
];

fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

#[test]
fn engine_is_clone_send_sync() {
    assert_send_sync_clone::<Engine>();
    assert_send_sync_clone::<Pack>();
    assert_send_sync_clone::<Analysis>();
    assert_send_sync_clone::<kefu::PackError>();
}

#[test]
fn two_threads_give_identical_analyses() {
    let engine = Engine::builtin();
    let expected: Vec<Analysis> = MESSAGES.iter().map(|m| engine.analyze(m)).collect();
    let clone = engine.clone();
    let (a, b) = std::thread::scope(|s| {
        let shared = &engine;
        let first = s.spawn(move || {
            (0..20)
                .flat_map(|_| MESSAGES.iter().map(|m| shared.analyze(m)))
                .collect::<Vec<_>>()
        });
        let second = s.spawn(move || {
            (0..20)
                .flat_map(|_| MESSAGES.iter().rev().map(|m| clone.analyze(m)))
                .collect::<Vec<_>>()
        });
        (first.join().unwrap(), second.join().unwrap())
    });
    for round in a.chunks(MESSAGES.len()) {
        assert_eq!(round, expected.as_slice());
    }
    let mut reversed = expected.clone();
    reversed.reverse();
    for round in b.chunks(MESSAGES.len()) {
        assert_eq!(round, reversed.as_slice());
    }
}

#[test]
fn default_engine_is_the_builtin_one() {
    let default = Engine::default();
    let builtin = Engine::builtin();
    assert_eq!(default.pack(), builtin.pack());
    assert_eq!(default.threshold(), builtin.threshold());
    for m in MESSAGES {
        assert_eq!(default.analyze(m), builtin.analyze(m), "{m:?}");
    }
}

#[test]
fn builtin_pack_builds_and_matches_builtin_engine() {
    let pack = Pack::builtin().unwrap();
    let engine = Engine::from_pack(&pack).unwrap();
    assert_eq!(engine.pack(), &pack);
    let builtin = Engine::builtin();
    assert_eq!(engine.lexicon_words(), builtin.lexicon_words());
    for m in MESSAGES {
        assert_eq!(engine.analyze(m), builtin.analyze(m), "{m:?}");
    }
}

#[test]
fn builtin_pack_round_trips_through_toml() {
    let pack = Pack::builtin().unwrap();
    let text = pack.to_toml().unwrap();
    let again = Pack::from_toml(&text).unwrap();
    assert_eq!(again, pack);
    // And the TOML it writes is itself stable.
    assert_eq!(again.to_toml().unwrap(), text);
}

#[test]
fn builtin_threshold_is_the_default() {
    let engine = Engine::builtin();
    assert_eq!(engine.threshold(), DEFAULT_THRESHOLD);
    assert_eq!(engine.analyze("尺码").threshold, DEFAULT_THRESHOLD);
}

#[test]
fn pack_built_in_code_works() {
    let mut pack = Pack::default();
    pack.add_terms("invoice", 0.9, ["发票", "抬头"])
        .add_terms("size", 0.9, ["尺码", "码"])
        .add_rule("size.wear-what", "size", 0.7, "穿.{0,3}(多大|什么)号")
        .add_negation_cues(["不是"])
        .add_blockers(["二维码"])
        .add_quantity_cue("height", "size", 0.55)
        .add_examples("logistics", ["什么时候能到", "几天能到", "到哪了"])
        .add_examples("greeting", ["你好", "在吗"]);
    let engine = Engine::from_pack(&pack).unwrap();
    assert_eq!(engine.pack(), &pack);

    let a = engine.analyze("可以开發票吗");
    assert_eq!(a.present_intents(), [Intent::Invoice]);
    assert_eq!(a.decided_by, Decision::Lexicon);

    // A rule alone.
    let a = engine.analyze("我穿多大号");
    assert_eq!(a.present_intents(), [Intent::Size]);
    assert!(a.intents[0].evidence.iter().any(|e| e.source
        == Source::Rule {
            id: "size.wear-what".into()
        }));

    // A quantity cue alone.
    let a = engine.analyze("我身高170");
    assert_eq!(a.present_intents(), [Intent::Size]);
    assert!(a.intents[0].evidence.iter().any(|e| e.source
        == Source::Quantity {
            id: "height".into()
        }));

    // Negation and blockers.
    assert_eq!(
        engine.analyze("不是尺码").present_intents(),
        [Intent::Other]
    );
    assert_eq!(engine.analyze("二维码").present_intents(), [Intent::Other]);
    assert!(engine.analyze("二维码").intents.is_empty());

    // Nothing in the lexicon: the fallback trained on the examples speaks.
    let a = engine.analyze("几天能到");
    assert_eq!(a.decided_by, Decision::Fallback, "{a:#?}");
    assert_eq!(a.primary(), Intent::Logistics);
}

#[test]
fn analysis_serializes_to_json() {
    let engine = Engine::builtin();
    for m in MESSAGES {
        let a = engine.analyze(m);
        let json = serde_json::to_string(&a).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(
            value
                .get("intents")
                .is_some_and(serde_json::Value::is_array)
        );
        assert!(
            value
                .get("quantities")
                .is_some_and(serde_json::Value::is_array)
        );
        let back: Analysis = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a, "{m:?}");
    }
    let a = engine.analyze("請問ＸＬ碼有貨嗎");
    let value = serde_json::to_value(&a).unwrap();
    assert_eq!(value["script"], "traditional");
    assert_eq!(value["decided_by"], "lexicon");
    assert_eq!(value["quantities"][0]["kind"], "clothing_size");
    assert_eq!(value["quantities"][0]["size"], "XL");
}

/// The evidence for `intent` in `analysis`, as (source id, original text) pairs.
fn evidence_texts<'m>(
    analysis: &Analysis,
    intent: Intent,
    message: &'m str,
) -> Vec<(String, &'m str)> {
    analysis
        .intents
        .iter()
        .filter(|s| s.intent == intent)
        .flat_map(|s| &s.evidence)
        .map(|e| {
            let id = match &e.source {
                Source::Term { id } | Source::Rule { id } | Source::Quantity { id } => {
                    id.to_string()
                }
                Source::Fallback { .. } => "fallback".to_owned(),
                other => format!("{other:?}"),
            };
            (id, e.span.text(message))
        })
        .collect()
}

#[test]
fn evidence_points_into_traditional_full_width_original() {
    let engine = Engine::builtin();
    let message = "請問ＸＬ碼有貨嗎";
    let a = engine.analyze(message);
    assert_eq!(a.script, Script::Traditional);
    assert_eq!(a.normalized, "请问xl码有货吗");
    assert!(a.has(Intent::Stock), "{a:#?}");
    let stock = evidence_texts(&a, Intent::Stock, message);
    assert!(stock.iter().any(|(_, text)| *text == "有貨"), "{stock:?}");
    // The size quantity covers the full-width letters and the traditional 碼.
    let q: Vec<(QuantityKind, &str)> = a
        .quantities
        .iter()
        .map(|q| (q.kind(), q.span().text(message)))
        .collect();
    assert_eq!(q, [(QuantityKind::ClothingSize, "ＸＬ碼")]);
    // Every span is a slice of the original message.
    for s in &a.intents {
        for e in &s.evidence {
            assert!(message.get(e.span.range()).is_some(), "{e:?}");
            assert!(!e.span.is_empty(), "{e:?}");
        }
    }
}

/// Every piece of evidence of every intent, in intent order.
fn all_evidence(a: &Analysis) -> impl Iterator<Item = &kefu::Evidence> {
    a.intents.iter().flat_map(|s| &s.evidence)
}

#[test]
fn log_placeholders_are_not_read_as_words() {
    let engine = Engine::builtin();
    // De-identified chat logs put a placeholder where the address or name was; its name
    // (地址) is not the buyer asking to change an address.
    let message = "[姓名x]，[地址x] [ORDERID_10267489] 谢谢";
    let a = engine.analyze(message);
    assert_eq!(a.normalized, ", 谢谢");
    assert!(!a.has(Intent::OrderChange), "{a:#?}");
    assert!(a.has(Intent::Greeting), "{a:#?}");
    assert_eq!(kefu::normalize("S太小了#E-s11").as_str(), "s太小了");
    // Lower-case or unfinished codes are text, as a buyer wrote them.
    assert_eq!(kefu::normalize("[abc_1]").as_str(), "[abc_1]");
    assert_eq!(kefu::normalize("[地址x").as_str(), "[地址x");
}

#[test]
fn a_log_placeholder_for_a_number_reads_as_a_number() {
    let engine = Engine::builtin();
    // 满[数字x]减[数字x] is an offer whatever the numbers were; a space in their place would
    // leave 满 减 and nothing to read.
    let message = "今天是满[数字x]减[数字x]吗";
    let a = engine.analyze(message);
    assert_eq!(a.normalized, "今天是满0减0吗");
    assert!(a.has(Intent::Promotion), "{a:#?}");
    let rule = all_evidence(&a)
        .find(|e| matches!(&e.source, Source::Rule { id } if id == "promotion.spend-and-save"))
        .expect("the spend-and-save rule reads the placeholders as numbers");
    assert_eq!(rule.span.text(message), "满[数字x]减");
    // An amount keeps its unit: [金额x]元 is money, with the value 0 for "some amount".
    let b = engine.analyze("刚才还是[金额x]元");
    let money: Vec<&str> = b
        .quantities
        .iter()
        .filter(|q| q.kind() == QuantityKind::Money)
        .map(|q| q.span().text("刚才还是[金额x]元"))
        .collect();
    assert_eq!(money, ["[金额x]元"]);
    // Any other placeholder is still a space.
    assert_eq!(kefu::normalize("[日期x]发货").as_str(), "发货");
}

#[test]
fn evidence_spans_cover_emoticons_and_punctuation_runs() {
    let engine = Engine::builtin();
    let message = "[微笑]   什麼時候發貨？？？";
    let a = engine.analyze(message);
    assert_eq!(a.normalized, "什么时候发货?");
    assert!(a.has(Intent::Logistics), "{a:#?}");
    let terms: Vec<(&str, &str)> = all_evidence(&a)
        .filter_map(|e| match &e.source {
            Source::Term { id } => Some((id.as_str(), e.span.text(message))),
            _ => None,
        })
        .collect();
    assert!(!terms.is_empty(), "{a:#?}");
    for (id, text) in terms {
        // The span is exactly the traditional spelling of the simplified term.
        let (_, word) = id.split_once('/').unwrap();
        assert_eq!(
            kefu::normalize(text).as_str(),
            kefu::normalize(word).as_str(),
            "{id}"
        );
        assert!(
            !text.starts_with(['[', ' ']) && !text.ends_with(' '),
            "{id}: {text:?}"
        );
        assert!(message.contains(text));
    }
}

#[test]
fn negated_evidence_names_its_cue() {
    let engine = Engine::builtin();
    let message = "不是尺码问题";
    let a = engine.analyze(message);
    assert!(!a.has(Intent::Size), "{a:#?}");
    let size = a
        .intents
        .iter()
        .find(|s| s.intent == Intent::Size)
        .unwrap_or_else(|| panic!("no size evidence at all: {a:#?}"));
    let negated: Vec<_> = size
        .evidence
        .iter()
        .filter(|e| e.negated_by.is_some())
        .collect();
    assert!(!negated.is_empty(), "{size:#?}");
    for e in negated {
        assert_eq!(e.negated_by.unwrap().text(message), "不是");
        assert_eq!(e.span.text(message), "尺码");
        assert!(!e.counts());
    }
    // The negated term adds nothing; whatever else scored stays below the threshold.
    assert!(size.score < a.threshold, "{size:#?}");
    assert!(
        size.evidence
            .iter()
            .filter(|e| matches!(e.source, Source::Term { .. }))
            .all(|e| !e.counts()),
        "{a:#?}"
    );
}

#[test]
fn blocker_hides_the_term_inside_it() {
    let engine = Engine::builtin();
    let message = "二维码";
    let a = engine.analyze(message);
    assert!(
        a.intents.iter().all(|s| s.intent != Intent::Size
            || s.evidence
                .iter()
                .all(|e| !matches!(e.source, Source::Term { .. }))),
        "{a:#?}"
    );
    assert!(!a.has(Intent::Size));
    // The term is still found where no blocker covers it.
    assert!(engine.analyze("二维码 尺码").has(Intent::Size));
}

#[test]
fn fallback_decides_when_the_lexicon_is_silent() {
    let engine = Engine::builtin();
    let pack = engine.pack();
    // An example utterance with no word of the lexicon, which the fallback was trained on.
    let found = pack
        .examples
        .iter()
        .filter(|g| g.intent != "other")
        .flat_map(|g| g.texts.iter().map(move |t| (g.intent.as_str(), t.as_str())))
        .find_map(|(label, text)| {
            let a = engine.analyze(text);
            let only_fallback = !a.intents.is_empty()
                && all_evidence(&a).all(|e| matches!(e.source, Source::Fallback { .. }));
            (only_fallback && a.decided_by == Decision::Fallback).then_some((label, text, a))
        });
    let (label, text, a) =
        found.unwrap_or_else(|| panic!("no example is decided by the fallback alone"));
    assert_eq!(a.primary().as_str(), label, "{text:?}: {a:#?}");
    let evidence = &a.intents[0].evidence;
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].span.text(text), text);
}

#[test]
fn punctuation_only_is_nothing() {
    let engine = Engine::builtin();
    for message in ["。。。", "", "   ", "？？？", "[微笑]"] {
        let a = engine.analyze(message);
        assert_eq!(a.decided_by, Decision::Nothing, "{message:?}: {a:#?}");
        assert_eq!(a.present_intents(), [Intent::Other], "{message:?}");
        assert_eq!(a.primary(), Intent::Other);
        assert!(a.quantities.is_empty());
    }
}

#[test]
fn analysis_helpers_agree() {
    let engine = Engine::builtin();
    let a = engine.analyze("你好 什么时候发货 能开发票吗");
    let present = a.present_intents();
    assert!(present.contains(&Intent::Logistics), "{a:#?}");
    assert!(present.contains(&Intent::Invoice), "{a:#?}");
    assert_eq!(a.primary(), present[0]);
    for s in &a.intents {
        assert_eq!(a.score(s.intent), s.score);
        assert_eq!(a.has(s.intent), s.present);
        // Present needs the threshold; greeting may reach it and still stand aside.
        assert!(!s.present || s.score >= a.threshold, "{s:#?}");
    }
    assert_eq!(a.score(Intent::Other), 0.0);
    // The greeting is politeness beside real requests (`settings.only_alone`).
    assert!(!a.has(Intent::Greeting), "{a:#?}");
    assert!(engine.analyze("你好").has(Intent::Greeting));
}

#[test]
fn a_greeting_counts_only_when_the_message_is_little_else() {
    let statement = "你好 我是隔壁小区开水果店的老板娘";
    let thanks = "好的 谢谢 没有了";
    let builtin = Engine::builtin();
    assert!(!builtin.analyze(statement).has(Intent::Greeting));
    assert_eq!(
        builtin.analyze(statement).present_intents(),
        [Intent::Other]
    );
    assert!(builtin.analyze(thanks).has(Intent::Greeting));

    // Without `alone_rest` the greeting speaks for any message nothing else explains.
    let mut pack = Pack::builtin().expect("the built-in pack parses");
    pack.settings.alone_rest = None;
    let unlimited = Engine::from_pack(&pack).expect("the pack builds");
    assert!(unlimited.analyze(statement).has(Intent::Greeting));

    // A tight limit still lets a bare greeting through; fillers are not counted.
    pack.settings.alone_rest = Some(0);
    let tight = Engine::from_pack(&pack).expect("the pack builds");
    assert!(tight.analyze("嗯嗯 谢谢啦").has(Intent::Greeting));
    assert!(!tight.analyze("谢谢 没有了").has(Intent::Greeting));
}

#[test]
fn the_fallback_names_only_the_intents_the_pack_lets_it() {
    let pack = |allowed: &str| {
        format!(
            r#"
[pack]
name = "tiny"
version = "1.0.0"

[settings]
fallback_intents = [{allowed}]

[[examples]]
intent = "logistics"
texts = ["快递到哪了", "快递怎么还没到", "快递几天能到", "快递发了吗"]

[[examples]]
intent = "price"
texts = ["价钱能少吗", "价钱多少", "价钱贵了", "价钱还能谈吗"]
"#
        )
    };
    let every = Engine::from_toml(&pack("")).expect("the pack builds");
    let a = every.analyze("价钱呢");
    assert_eq!(a.decided_by, Decision::Fallback, "{a:#?}");
    assert!(a.has(Intent::Price), "{a:#?}");

    let some = Engine::from_toml(&pack(r#""logistics""#)).expect("the pack builds");
    let b = some.analyze("价钱呢");
    assert_eq!(b.decided_by, Decision::Nothing, "{b:#?}");
    assert_eq!(b.present_intents(), [Intent::Other]);
    let c = some.analyze("快递呢");
    assert_eq!(c.decided_by, Decision::Fallback, "{c:#?}");
    assert!(c.has(Intent::Logistics), "{c:#?}");
}

#[test]
fn quantities_have_values_and_spans() {
    let engine = Engine::builtin();
    let message = "订单号123456789012 手机13812345678 身高一米六五 一百二十斤 ¥80";
    let a = engine.analyze(message);
    let got: Vec<(&str, String, &str)> = a
        .quantities
        .iter()
        .map(|q| (q.kind().as_str(), q.value_string(), q.span().text(message)))
        .collect();
    assert_eq!(
        got,
        [
            ("order_number", "123456789012".to_owned(), "123456789012"),
            ("phone", "13812345678".to_owned(), "13812345678"),
            ("height", "165".to_owned(), "一米六五"),
            ("weight", "60".to_owned(), "一百二十斤"),
            ("money", "80".to_owned(), "¥80"),
        ]
    );
    assert!(matches!(a.quantities[4], Quantity::Money { yuan, .. } if yuan == 80.0));
}
