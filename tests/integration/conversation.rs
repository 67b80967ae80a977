//! The buyer and the conversation: trait cases, order-note cases and session timelines from
//! `tests/data/{traits,notes,sessions}.toml`, how traits and the session steer replies, and
//! the serde round trip of what the host stores.

use kefu::notes::{NoteKind, Priority};
use kefu::objection::{CopyLog, ObjectionKind};
use kefu::session::{ActionKind, Event, Phase, Profile, ReminderKind, Session};
use kefu::traits::TraitName;
use kefu::{Engine, Request, Script, Trait};
use serde::Deserialize;

use crate::{Named, load_cases};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TraitCase {
    name: String,
    message: String,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
}

impl Named for TraitCase {
    fn name(&self) -> &str {
        &self.name
    }
}

#[test]
fn trait_cases() {
    let engine = Engine::builtin();
    let mut failures = Vec::new();
    let cases: Vec<TraitCase> = load_cases("traits.toml");
    for case in &cases {
        let analysis = engine.analyze(&case.message);
        let shown = |name: &str| {
            let name: TraitName = name
                .parse()
                .unwrap_or_else(|()| panic!("{}: unknown trait `{name}`", case.name));
            analysis.traits.iter().any(|t| t.present && t.is(&name))
        };
        for name in &case.present {
            if !shown(name) {
                failures.push(format!(
                    "{}: `{name}` not present in {:?}: {:#?}",
                    case.name, case.message, analysis.traits
                ));
            }
        }
        for name in &case.absent {
            if shown(name) {
                failures.push(format!(
                    "{}: `{name}` present in {:?}: {:#?}",
                    case.name, case.message, analysis.traits
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} trait cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteCase {
    name: String,
    message: String,
    #[serde(default)]
    shipped: bool,
    notes: Vec<ExpectedNote>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct ExpectedNote {
    kind: NoteKind,
    priority: Priority,
    #[serde(default)]
    value: Option<String>,
    /// The note must carry no value.
    #[serde(default)]
    no_value: bool,
    #[serde(default)]
    risk: Option<bool>,
    #[serde(default)]
    after_dispatch: bool,
}

impl Named for NoteCase {
    fn name(&self) -> &str {
        &self.name
    }
}

#[test]
fn note_cases() {
    let engine = Engine::builtin();
    let mut failures = Vec::new();
    let cases: Vec<NoteCase> = load_cases("notes.toml");
    for case in &cases {
        let mut session = Session::default();
        if case.shipped {
            session = engine.record(&session, &Event::buyer(0, "这件有M码吗"));
            session = engine.record(&session, &Event::Ordered { at: 10 });
            session = engine.record(&session, &Event::Paid { at: 20 });
            session = engine.record(&session, &Event::Shipped { at: 30 });
        }
        let s = engine.suggest(&Request::new(&case.message).session(&session).at(100));
        let got = &s.analysis.notes;
        let ok = got.len() == case.notes.len()
            && got.iter().zip(&case.notes).all(|(g, e)| {
                g.kind == e.kind
                    && g.priority == e.priority
                    && (e.value.is_none() || g.value == e.value)
                    && (!e.no_value || g.value.is_none())
                    && e.risk.is_none_or(|r| g.risk.is_some() == r)
                    && g.after_dispatch == e.after_dispatch
            });
        if !ok {
            failures.push(format!(
                "{}: {:?}\n  expected {:?}\n  got {:#?}",
                case.name, case.message, case.notes, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} note cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionCase {
    name: String,
    events: Vec<Event>,
    checks: Vec<Check>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Check {
    at: u64,
    #[serde(default)]
    phase: Option<Phase>,
    /// `none` or a reminder kind.
    #[serde(default)]
    reminder_now: Option<String>,
    #[serde(default)]
    next_reminder: Option<String>,
    #[serde(default)]
    next_from: Option<u64>,
    #[serde(default)]
    next_until: Option<u64>,
    #[serde(default)]
    late: Option<bool>,
    #[serde(default)]
    waited: Option<u64>,
    #[serde(default)]
    actions: Vec<ActionKind>,
    #[serde(default)]
    no_actions: Vec<ActionKind>,
    #[serde(default)]
    haggling_rounds: Option<u32>,
}

impl Named for SessionCase {
    fn name(&self) -> &str {
        &self.name
    }
}

fn kind_name(kind: Option<ReminderKind>) -> String {
    kind.map_or("none".to_owned(), |k| k.as_str().to_owned())
}

#[test]
fn session_timelines() {
    let engine = Engine::builtin();
    let mut failures = Vec::new();
    let cases: Vec<SessionCase> = load_cases("sessions.toml");
    for case in &cases {
        for check in &case.checks {
            let session = case
                .events
                .iter()
                .filter(|e| e.at() <= check.at)
                .fold(Session::default(), |s, e| engine.record(&s, e));
            let advice = engine.advise(&session, check.at);
            let mut wrong = Vec::new();
            if check.phase.is_some() && advice.phase != check.phase {
                wrong.push(format!("phase {:?}", advice.phase));
            }
            if let Some(want) = &check.reminder_now {
                if &kind_name(advice.reminder_now) != want {
                    wrong.push(format!("reminder_now {:?}", advice.reminder_now));
                }
            }
            let next = advice.next_reminder;
            if let Some(want) = &check.next_reminder {
                if &kind_name(next.map(|n| n.kind)) != want {
                    wrong.push(format!("next_reminder {next:?}"));
                }
            }
            if check.next_from.is_some() && next.map(|n| n.from) != check.next_from {
                wrong.push(format!("next_reminder {next:?}"));
            }
            if check.next_until.is_some() && next.map(|n| n.until) != check.next_until {
                wrong.push(format!("next_reminder {next:?}"));
            }
            if check.late.is_some_and(|l| l != advice.late) {
                wrong.push(format!("late {}", advice.late));
            }
            if check.waited.is_some() && advice.waited_seconds != check.waited {
                wrong.push(format!("waited {:?}", advice.waited_seconds));
            }
            for a in &check.actions {
                if !advice.says(*a) {
                    wrong.push(format!("missing action {a:?}"));
                }
            }
            for a in &check.no_actions {
                if advice.says(*a) {
                    wrong.push(format!("unwanted action {a:?}"));
                }
            }
            if check
                .haggling_rounds
                .is_some_and(|r| r != session.haggling_rounds)
            {
                wrong.push(format!("haggling_rounds {}", session.haggling_rounds));
            }
            if !wrong.is_empty() {
                failures.push(format!(
                    "{} at {}: {}\n  {:#?}",
                    case.name,
                    check.at,
                    wrong.join("; "),
                    advice.actions
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} session checks fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The reminder templates are offered exactly when a reminder is due, and never otherwise.
#[test]
fn reminder_templates_only_when_due() {
    let engine = Engine::builtin();
    let shop = kefu::facts::demo::shop();
    let mut s = engine.record(&Session::default(), &Event::buyer(0, "这件有M码吗"));
    s = engine.record(&s, &Event::agent_text(10, "亲，M码有货哦～"));
    let at = |now| engine.suggest(&Request::new("").session(&s).shop(&shop).at(now));
    let early = at(100);
    assert!(
        early
            .replies
            .iter()
            .all(|r| r.board != kefu::Board::PaymentReminder),
        "{early:#?}"
    );
    let due = at(320);
    assert_eq!(due.advice.reminder_now, Some(ReminderKind::Nudge));
    let first = &due.replies[0];
    assert!(first.template.starts_with("payment.nudge."), "{first:#?}");
    assert!(first.reasons.iter().any(|r| r.kind == "reminder"));
    // A buyer message in the nudge window is answered, not nudged.
    let answered = engine.suggest(&Request::new("有L码吗").session(&s).shop(&shop).at(330));
    assert!(
        !answered.replies[0].template.starts_with("payment."),
        "{:#?}",
        answered.replies[0]
    );
}

#[test]
fn traits_accumulate_across_turns_and_moods_fade() {
    let engine = Engine::builtin();
    let mut s = Session::default();
    s = engine.record(&s, &Event::buyer(0, "给我老公买的"));
    s = engine.record(&s, &Event::agent_text(5, "好的亲～"));
    s = engine.record(&s, &Event::buyer(10, "你们这是骗人吧"));
    s = engine.record(&s, &Event::agent_text(15, "非常抱歉亲～"));
    let next = engine.suggest(&Request::new("这件多少钱").session(&s).at(20));
    let a = &next.analysis;
    // Who the buyer is carries in full; anger carries, faded.
    assert!(
        a.traits
            .iter()
            .any(|t| t.name == Trait::Gender && t.present),
        "{:#?}",
        a.traits
    );
    let angry = a.trait_score(Trait::Angry, None);
    assert!(angry > 0.0 && angry < 0.9, "{angry}");
    assert!(
        a.traits
            .iter()
            .flat_map(|t| &t.evidence)
            .any(|e| matches!(e.source, kefu::Source::Session { .. }))
    );
    // Recording the message first does not count it twice.
    let recorded = engine.record(&s, &Event::buyer(20, "你们这是骗人吧"));
    let once = engine.suggest(&Request::new("你们这是骗人吧").session(&recorded).at(21));
    let twice = engine.suggest(
        &Request::new("你们这是骗人吧")
            .session(&engine.record(&recorded, &Event::buyer(21, "你们这是骗人吧")))
            .at(22),
    );
    assert!(
        once.analysis.trait_score(Trait::Angry, None)
            < twice.analysis.trait_score(Trait::Angry, None)
    );
}

#[test]
fn profile_makes_a_returning_buyer_and_keeps_the_tone() {
    let engine = Engine::builtin();
    let mut profile = Profile::with_orders(3);
    profile.tags.push("price_sensitive".to_owned());
    let s = engine.suggest(&Request::new("你好").profile(&profile));
    let returning = s
        .analysis
        .traits
        .iter()
        .find(|t| t.name == Trait::Returning)
        .unwrap();
    assert!(returning.present);
    assert!(
        matches!(&returning.evidence[0].source, kefu::Source::Profile { fact } if fact.contains('3'))
    );
    assert!(s.analysis.has_trait(Trait::PriceSensitive));
}

#[test]
fn impatient_buyer_gets_a_short_reply_first_with_the_trait_as_reason() {
    let engine = Engine::builtin();
    let shop = kefu::facts::demo::shop();
    let calm = engine.suggest(&Request::new("什么时候发货").shop(&shop));
    let hurried = engine.suggest(&Request::new("什么时候发货 人呢 快点").shop(&shop));
    let top = &hurried.replies[0];
    assert!(
        top.reasons
            .iter()
            .any(|r| r.kind == "trait" && r.detail.contains("impatient")),
        "{top:#?}"
    );
    assert!(
        top.text.chars().count() < calm.replies[0].text.chars().count(),
        "{top:#?}"
    );
}

#[test]
fn angry_buyer_gets_an_apology_first() {
    let engine = Engine::builtin();
    let shop = kefu::facts::demo::shop();
    let s = engine.suggest(&Request::new("都五天了还没收到货，什么破快递").shop(&shop));
    assert!(s.advice.says(ActionKind::Calm) || s.analysis.has_trait(Trait::Angry));
    let top = &s.replies[0];
    assert!(
        top.text.contains("抱歉") || top.text.contains("不好意思"),
        "{top:#?}"
    );
    assert!(
        top.reasons
            .iter()
            .any(|r| r.kind == "trait" && r.detail.contains("angry")),
        "{top:#?}"
    );
}

#[test]
fn price_sensitive_buyer_hears_about_the_coupon() {
    let engine = Engine::builtin();
    let shop = kefu::facts::demo::shop();
    let s = engine.suggest(&Request::new("能便宜点吗").shop(&shop));
    let top = &s.replies[0];
    assert!(
        top.text.contains(&shop.coupons[0].title) || top.text.contains(&shop.promotions[0].title),
        "{top:#?}"
    );
    assert!(
        top.reasons
            .iter()
            .any(|r| r.kind == "trait" && r.detail.contains("price_sensitive")),
        "{top:#?}"
    );
}

#[test]
fn budget_objection_brings_a_cheaper_product_or_instalments() {
    let engine = Engine::builtin();
    let catalog = kefu::facts::demo::catalog();
    let shop = kefu::facts::demo::shop();
    let dress = catalog.product("dress-01").unwrap();
    let s = engine.suggest(
        &Request::new("好看是好看，就是预算不够")
            .product(dress)
            .catalog(&catalog)
            .shop(&shop),
    );
    assert!(
        s.analysis
            .objections
            .iter()
            .any(|o| o.kind == ObjectionKind::Budget)
    );
    assert!(
        s.replies
            .iter()
            .any(|r| r.text.contains("纯棉基础款连衣裙") || r.text.contains(&shop.instalments)),
        "{:#?}",
        s.replies
    );
    // Without a catalog or instalments, no objection reply can be filled, and none is offered
    // with a hole.
    let bare = engine.suggest(&Request::new("预算不够").product(dress));
    assert!(bare.replies.iter().all(|r| !r.text.contains('{')));
}

#[test]
fn missing_information_is_collected_per_product() {
    let engine = Engine::builtin();
    let mut log = CopyLog::default();
    for m in ["详情页没写面料", "这件多少钱", "尺码表看不到参数"] {
        log.add("dress-01", m, &engine.analyze(m));
    }
    assert_eq!(
        log.products["dress-01"],
        vec!["详情页没写面料".to_owned(), "尺码表看不到参数".to_owned()]
    );
}

#[test]
fn slow_reply_opens_with_an_apology_that_passes_the_wait_rule() {
    let engine = Engine::builtin();
    let shop = kefu::facts::demo::shop();
    let s = engine.record(&Session::default(), &Event::buyer(0, "什么时候发货"));
    let late = engine.suggest(&Request::new("什么时候发货").session(&s).shop(&shop).at(200));
    assert!(late.advice.late);
    for r in &late.replies {
        assert!(
            engine.lint_after_wait(&r.text, 200).is_empty(),
            "{r:#?}: {:?}",
            engine.lint_after_wait(&r.text, 200)
        );
    }
    let on_time = engine.suggest(&Request::new("什么时候发货").session(&s).shop(&shop).at(30));
    assert!(!on_time.advice.late);
}

#[test]
fn sent_templates_rank_lower_so_wordings_rotate() {
    let engine = Engine::builtin();
    let shop = kefu::facts::demo::shop();
    let s = engine.record(&Session::default(), &Event::buyer(0, "什么时候发货"));
    let first = engine.suggest(&Request::new("什么时候发货").session(&s).shop(&shop).at(5));
    let sent = engine.record(&s, &Event::agent_template(5, &first.replies[0].template));
    let again = engine.record(&sent, &Event::buyer(60, "什么时候发货"));
    let second = engine.suggest(
        &Request::new("什么时候发货")
            .session(&again)
            .shop(&shop)
            .at(65),
    );
    assert_ne!(first.replies[0].template, second.replies[0].template);
}

#[test]
fn traditional_script_buyer_gets_traditional_replies() {
    let engine = Engine::builtin();
    let shop = kefu::facts::demo::shop();
    let s = engine.suggest(&Request::new("請問什麼時候發貨").shop(&shop));
    assert_eq!(s.analysis.script, Script::Traditional);
    assert!(
        s.replies[0].text.contains('親') || s.replies[0].text.contains('發'),
        "{:#?}",
        s.replies[0]
    );
    // The session remembers the script for a turn that shows none.
    let session = engine.record(&Session::default(), &Event::buyer(0, "請問什麼時候發貨"));
    assert_eq!(session.script, Script::Traditional);
    let next = engine.suggest(&Request::new("ok").session(&session).shop(&shop).at(10));
    assert!(
        next.replies.iter().all(|r| !r.text.contains('发')),
        "{:#?}",
        next.replies
    );
}

#[test]
fn session_and_profile_survive_a_serde_round_trip() {
    let engine = Engine::builtin();
    let mut s = Session::default();
    for e in [
        Event::buyer(0, "給我老公買 能便宜點嗎"),
        Event::agent_template(10, "payment.nudge.1"),
        Event::buyer(20, "好的"),
        Event::Ordered { at: 30 },
        Event::Paid { at: 40 },
        Event::Shipped { at: 50 },
    ] {
        s = engine.record(&s, &e);
    }
    let json = serde_json::to_string(&s).unwrap();
    let back: Session = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    let toml_text = toml::to_string(&s).unwrap();
    assert_eq!(toml::from_str::<Session>(&toml_text).unwrap(), s);
    let mut profile = Profile::with_orders(2);
    profile.member_level = 3;
    profile.total_spent = 1288.5;
    profile.tags = vec!["vip".to_owned(), "gender=female".to_owned()];
    profile.tone = Some("brief".to_owned());
    let back: Profile = serde_json::from_str(&serde_json::to_string(&profile).unwrap()).unwrap();
    assert_eq!(back, profile);
    assert_eq!(s.reminders.len(), 1);
    assert_eq!(s.script, Script::Traditional);
}
