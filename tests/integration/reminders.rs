//! The reminder schedule over arbitrary timelines (proptest): a desk that sends every
//! reminder the engine calls due never sends a fourth, never the same one twice, never one
//! after payment, and never one to a buyer who stayed silent since the previous one.

use std::sync::LazyLock;

use kefu::Engine;
use kefu::session::{Event, ReminderKind, Session, Who};
use proptest::prelude::*;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::builtin);

const MESSAGES: [&str; 4] = ["这件有M码吗", "好的", "能便宜点吗", "什么时候发货"];

fn template(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::Nudge => "payment.nudge.1",
        ReminderKind::Pay => "payment.unpaid.1",
        _ => "payment.last.1",
    }
}

/// What happens next: wait `delay` seconds, then `action` (0–3 buyer, 4 agent, 5 order,
/// 6 pay, anything else nothing), and let the desk's timer look.
fn timeline() -> impl Strategy<Value = Vec<(u16, u8)>> {
    prop::collection::vec((0u16..700, 0u8..10), 1..40)
}

fn play(steps: &[(u16, u8)]) -> Session {
    let engine = &*ENGINE;
    let mut session = Session::default();
    let mut now = 0u64;
    for &(delay, action) in steps {
        now += u64::from(delay);
        let event = match action {
            0..=3 => Some(Event::buyer(now, MESSAGES[usize::from(action)])),
            4 => Some(Event::agent_text(now, "亲，在的～")),
            5 => Some(Event::Ordered { at: now }),
            6 => Some(Event::Paid { at: now }),
            _ => None,
        };
        if let Some(e) = event {
            session = engine.record(&session, &e);
        }
        if let Some(kind) = engine.advise(&session, now).reminder_now {
            session = engine.record(&session, &Event::agent_template(now, template(kind)));
        }
    }
    session
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reminders_keep_to_the_schedule(steps in timeline()) {
        let s = play(&steps);
        prop_assert!(s.reminders.len() <= 3, "{:?}", s.reminders);
        for (k, r) in s.reminders.iter().enumerate() {
            prop_assert!(
                s.reminders.iter().skip(k + 1).all(|other| other.kind != r.kind),
                "{:?}", s.reminders
            );
            // In the same second a reminder can only have gone out before the payment: `play`
            // records an event before the timer looks.
            prop_assert!(s.paid_at.is_none_or(|paid| r.at <= paid), "{:?} paid {:?}", r, s.paid_at);
            if let Some(next) = s.reminders.get(k + 1) {
                let spoke = s.turns.iter().any(|t| t.who == Who::Buyer && t.at > r.at && t.at <= next.at);
                let ordered = s.ordered_at.is_some_and(|o| o > r.at && o <= next.at);
                prop_assert!(spoke || ordered, "reminder {:?} to a silent buyer after {:?}", next, r);
            }
        }
    }
}
