//! Replies: templates filled from the shop's facts, size advice, ranking and rotation, lint
//! at load, and the policy cases the built-in pack ships.

use kefu::facts::{Catalog, ShopContext, demo};
use kefu::{Board, Engine, Intent, Level, PackError, Request};

fn demo_facts() -> (Catalog, ShopContext) {
    (demo::catalog(), demo::shop())
}

#[test]
fn readme_size_question_gets_a_hedged_recommendation_from_the_chart() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let dress = catalog.product("dress-01").unwrap();
    let s = engine.suggest(
        &Request::new("亲，我165cm 110斤穿什么码？")
            .product(dress)
            .shop(&shop),
    );
    let top = &s.replies[0];
    assert!(top.text.contains("建议"), "{top:?}");
    // 165 cm is on the M/L boundary and 55 kg too: the chart offers both by fit preference.
    assert!(
        top.text.contains("M码") && top.text.contains("L码"),
        "{top:?}"
    );
    assert!(
        top.reasons
            .iter()
            .any(|r| r.kind == "facts" && r.detail.contains("size_advice"))
    );
    assert!(
        engine.lint(&top.text).is_empty(),
        "{:?}",
        engine.lint(&top.text)
    );
}

#[test]
fn size_advice_covers_one_size_outside_the_chart_and_missing_measurements() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let dress = catalog.product("dress-01").unwrap();
    let one = engine.suggest(
        &Request::new("我160cm 50kg穿哪个码")
            .product(dress)
            .shop(&shop),
    );
    assert!(one.replies[0].text.contains("M码") && !one.replies[0].text.contains("L码"));
    let outside = engine.suggest(
        &Request::new("身高185体重90kg能穿吗")
            .product(dress)
            .shop(&shop),
    );
    assert!(
        outside.replies[0].text.contains("尺码表"),
        "{:?}",
        outside.replies[0]
    );
    let missing = engine.suggest(
        &Request::new("这条裙子我穿什么码合适")
            .product(dress)
            .shop(&shop),
    );
    let top = &missing.replies[0];
    assert!(
        top.text.contains("身高") && top.text.contains("体重"),
        "asks for them: {top:?}"
    );
}

#[test]
fn shoes_get_advice_from_the_usual_shoe_size() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let shoes = catalog.product("shoes-01").unwrap();
    let s = engine.suggest(
        &Request::new("我平时穿37码，这双拿几码")
            .product(shoes)
            .shop(&shop),
    );
    assert!(
        s.replies.iter().any(|r| r.text.contains("37码")),
        "{:?}",
        s.replies
    );
}

#[test]
fn two_intents_get_replies_that_answer_both() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let tee = catalog.product("tee-01").unwrap();
    let s = engine.suggest(
        &Request::new("有优惠券吗？今天能发货吗")
            .product(tee)
            .shop(&shop),
    );
    assert!(s.analysis.has(Intent::Promotion) && s.analysis.has(Intent::Logistics));
    let answered: Vec<&str> = s
        .replies
        .iter()
        .flat_map(|r| {
            r.reasons
                .iter()
                .filter(|x| x.kind == "intent")
                .map(|x| x.detail.as_ref())
        })
        .collect();
    assert!(
        answered.contains(&"promotion") && answered.contains(&"logistics"),
        "{answered:?}"
    );
}

#[test]
fn a_recently_sent_template_ranks_lower() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let tee = catalog.product("tee-01").unwrap();
    let first = engine.suggest(&Request::new("什么时候发货").product(tee).shop(&shop));
    let sent = vec![first.replies[0].template.to_string()];
    let again = engine.suggest(
        &Request::new("什么时候发货")
            .product(tee)
            .shop(&shop)
            .recently_sent(&sent),
    );
    assert_ne!(again.replies[0].template, sent[0]);
    if let Some(moved) = again.replies.iter().find(|r| r.template == sent[0]) {
        assert!(moved.reasons.iter().any(|r| r.kind == "rotation"));
    }
}

#[test]
fn a_template_whose_slot_cannot_be_filled_is_never_offered() {
    let engine = Engine::builtin();
    // No shop context and no product: nothing that needs facts can be offered.
    for message in [
        "有优惠券吗",
        "什么时候发货",
        "这件什么面料",
        "我165cm 55kg穿什么码",
        "可以退货吗",
    ] {
        for reply in engine.suggest(&Request::new(message)).replies {
            assert!(!reply.text.contains('{'), "{reply:?}");
            assert!(
                !reply.reasons.iter().any(|r| r.kind == "facts"),
                "{reply:?}"
            );
        }
    }
}

#[test]
fn risky_products_rank_risk_removing_replies_higher() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let coat = catalog.product("down-01").unwrap();
    let s = engine.suggest(
        &Request::new("这么贵，穿着不合适可以退吗")
            .product(coat)
            .shop(&shop)
            .limit(5),
    );
    assert!(
        s.replies
            .iter()
            .any(|r| r.reasons.iter().any(|x| x.kind == "risk")),
        "{:?}",
        s.replies
    );
}

#[test]
fn ties_break_deterministically() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let tee = catalog.product("tee-01").unwrap();
    let a = engine.suggest(&Request::new("在吗").product(tee).shop(&shop));
    let b = engine.suggest(&Request::new("在吗").product(tee).shop(&shop));
    assert_eq!(a, b);
    assert!(
        a.replies
            .iter()
            .all(|r| r.board == Board::Greeting || r.board == Board::WrapUp)
    );
}

/// Every template of the built-in pack, rendered against every demo product and the demo
/// shop for a spread of messages, has no hole and no finding at all.
#[test]
fn every_rendered_builtin_reply_is_complete_and_clean() {
    let engine = Engine::builtin();
    assert!(
        engine.template_warnings().is_empty(),
        "{:#?}",
        engine.template_warnings()
    );
    assert!(engine.pack().templates.len() >= 150);
    let (catalog, shop) = demo_facts();
    let messages = [
        "亲，我165cm 110斤穿什么码？",
        "我平时穿37码",
        "能便宜点吗",
        "有优惠券吗",
        "什么时候发货 单号123456789012345",
        "可以退货吗",
        "有货吗",
        "这件什么面料",
        "可以用花呗吗",
        "地址填错了",
        "能开发票吗",
        "你好",
        "谢谢",
        "发什么快递",
        "收到的衣服有线头",
    ];
    let mut seen = std::collections::BTreeSet::new();
    for product in &catalog.products {
        for message in messages {
            let s = engine.suggest(&Request::new(message).product(product).shop(&shop).limit(50));
            for reply in s.replies {
                assert!(
                    !reply.text.contains('{') && !reply.text.contains('}'),
                    "{reply:?}"
                );
                let findings = engine.lint(&reply.text);
                assert!(
                    findings.is_empty(),
                    "{}: {:?} {findings:?}",
                    reply.template,
                    reply.text
                );
                seen.insert(reply.template);
            }
        }
    }
    assert!(
        seen.len() >= 60,
        "only {} templates were ever offered",
        seen.len()
    );
}

#[test]
fn the_builtin_policy_cases_hold() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    assert!(engine.pack().cases.len() >= 10);
    let failures = engine.check_policy(Some(&catalog), Some(&shop));
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_failing_policy_case_is_reported_by_name() {
    let mut pack = kefu::Pack::builtin().unwrap();
    pack.merge(
        kefu::Pack::from_toml(
            r#"
            [[cases]]
            name = "wrong-on-purpose"
            message = "什么时候发货"
            intents = ["invoice"]
            "#,
        )
        .unwrap(),
    );
    let engine = Engine::from_pack(&pack).unwrap();
    let failures = engine.check_policy(None, None);
    assert!(
        failures.iter().any(|f| f.case == "wrong-on-purpose"),
        "{failures:?}"
    );
}

#[test]
fn templates_are_checked_when_the_engine_is_built() {
    let bad_slot = Engine::from_toml(
        r#"
        [[templates]]
        id = "t1"
        intents = ["logistics"]
        text = "亲，{warehouse}今天发出哦～"
        "#,
    )
    .unwrap_err();
    assert_eq!(
        bad_slot.to_string(),
        "unknown slot `{warehouse}` in template `t1`"
    );
    let illegal = Engine::from_toml(
        r#"
        [[templates]]
        id = "t2"
        intents = ["product_info"]
        text = "亲，这是全网最好的面料哦～"
        "#,
    )
    .unwrap_err();
    assert!(
        matches!(illegal, PackError::TemplateLint { .. }),
        "{illegal}"
    );
    assert!(illegal.to_string().contains("`compliance/ad-law-absolute`"));
    let twice = Engine::from_toml(
        r#"
        [[templates]]
        id = "t3"
        intents = ["greeting"]
        text = "亲，您好呀～"
        [[templates]]
        id = "t3"
        intents = ["greeting"]
        text = "亲，在的哦～"
        "#,
    )
    .unwrap_err();
    assert_eq!(twice.to_string(), "duplicate template id `t3`");
    let warning = Engine::from_toml(
        r#"
        [[templates]]
        id = "t4"
        intents = ["size"]
        text = "亲，穿M码肯定合适的哦～"
        "#,
    )
    .unwrap();
    assert_eq!(warning.template_warnings()[0].1.level, Level::Warning);
}

/// Every template of the built-in pack, filled for every demo product from the demo shop and
/// a message with every quantity, is complete and raises no finding; and each template can be
/// filled for at least one product.
#[test]
fn every_builtin_template_renders_complete_and_clean() {
    let engine = Engine::builtin();
    let (catalog, shop) = demo_facts();
    let messages = [
        "我165cm 55kg平时穿37码，订单号123456789012345",
        "你好",
        "地址改成杭州市西湖区文三路100号，收件人改成李女士",
    ];
    let mut never_filled = Vec::new();
    for id in engine.template_ids() {
        let mut filled = false;
        for product in &catalog.products {
            for message in messages {
                let request = Request::new(message)
                    .product(product)
                    .catalog(&catalog)
                    .shop(&shop);
                if let Some(text) = engine.render(id, &request) {
                    filled = true;
                    assert!(!text.contains('{') && !text.contains('}'), "{id}: {text}");
                    let findings = engine.lint(&text);
                    assert!(findings.is_empty(), "{id}: {text} {findings:?}");
                }
            }
        }
        if !filled {
            never_filled.push(id);
        }
    }
    assert!(never_filled.is_empty(), "never filled: {never_filled:?}");
    assert_eq!(
        engine.render("no.such.template", &Request::new("你好")),
        None
    );
}

/// A reply for a buyer who writes traditional characters is converted as a whole, even where
/// the template's text and a slot's value meet inside a word that converts as one (关系).
#[test]
fn traditional_replies_convert_words_across_a_slot() {
    let engine = Engine::from_toml(
        r#"
        [[terms]]
        intent = "logistics"
        weight = 0.9
        words = ["发货"]
        [[templates]]
        id = "t1"
        intents = ["logistics"]
        text = "亲，请关{brand}哦～"
        "#,
    )
    .unwrap();
    let mut shop = demo::shop();
    for (brand, want) in [("系统", "親，請關係統哦～"), ("统发", "親，請關統發哦～")]
    {
        shop.brand = brand.to_owned();
        let s = engine.suggest(&Request::new("發貨了嗎").shop(&shop));
        let texts: Vec<&str> = s.replies.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, [want], "{brand}");
    }
}
