//! Plays two whole conversations of our own writing, with timestamps, and prints per turn what
//! the engine read (intents, traits, order notes, objections), what the session calls for
//! (phase, wait, reminders, wrap-up) and the top replies with their reasons. The desk sends
//! the first reply each time, so later turns show rotation and the reminder schedule.
//!
//! ```text
//! cargo run --release --example conversation
//! ```
//!
//! The host keeps the [`Session`]: it records every event with [`Engine::record`] and passes
//! the session and the time with each [`Request`]. The engine itself stores nothing.

use kefu::facts::{Catalog, Product, ShopContext, demo};
use kefu::session::{Event, Profile, Session};
use kefu::{Engine, Request, Suggestions};

/// One step of a scripted chat.
enum Step {
    /// The buyer writes; the desk answers with the top reply `reply_after` seconds later.
    Buyer {
        at: u64,
        text: &'static str,
        reply_after: u64,
    },
    /// The buyer places the order.
    Ordered { at: u64 },
    /// The desk's timer looks at the session with no new message, and sends a reminder if
    /// one is due.
    Timer { at: u64 },
}

struct Story {
    title: &'static str,
    product: &'static str,
    profile: Option<Profile>,
    steps: Vec<Step>,
}

fn stories() -> Vec<Story> {
    let returning = Profile::with_orders(2);
    vec![
        Story {
            title: "A returning buyer picks a dress, bargains, orders as a gift, and does not pay",
            product: "dress-01",
            profile: Some(returning),
            steps: vec![
                Step::Buyer {
                    at: 0,
                    text: "亲，在吗？我165 110斤，这条裙子穿什么码",
                    reply_after: 20,
                },
                Step::Buyer {
                    at: 60,
                    text: "有点贵，能便宜点吗",
                    reply_after: 15,
                },
                Step::Buyer {
                    at: 110,
                    text: "170元吧，行的话我就拍",
                    reply_after: 15,
                },
                Step::Buyer {
                    at: 160,
                    text: "再少一点嘛，我都买过好几次了",
                    reply_after: 20,
                },
                Step::Buyer {
                    at: 240,
                    text: "好吧，我拍了。是送人的，麻烦别放价格单，地址改成杭州市西湖区文三路100号",
                    reply_after: 20,
                },
                Step::Ordered { at: 270 },
                Step::Timer { at: 400 },
                Step::Timer { at: 560 },
                Step::Timer { at: 1500 },
            ],
        },
        Story {
            title: "A buyer writing traditional characters waits too long, loses patience, and has no budget",
            product: "down-01",
            profile: None,
            steps: vec![
                Step::Buyer {
                    at: 0,
                    text: "請問這件羽絨服黑色還有貨嗎",
                    reply_after: 150,
                },
                Step::Buyer {
                    at: 200,
                    text: "人呢？快點回",
                    reply_after: 10,
                },
                Step::Buyer {
                    at: 260,
                    text: "好看是好看，就是太貴了，預算不夠",
                    reply_after: 15,
                },
                Step::Buyer {
                    at: 330,
                    text: "那我再考慮一下",
                    reply_after: 15,
                },
                Step::Timer { at: 700 },
            ],
        },
    ]
}

fn main() {
    let engine = Engine::builtin();
    let catalog = demo::catalog();
    let shop = demo::shop();
    for (k, story) in stories().iter().enumerate() {
        if k > 0 {
            println!();
        }
        play(&engine, &catalog, &shop, story);
    }
}

fn play(engine: &Engine, catalog: &Catalog, shop: &ShopContext, story: &Story) {
    println!("══ {} ══", story.title);
    let Some(product) = catalog.product(story.product) else {
        println!("(no product {} in the demo catalog)", story.product);
        return;
    };
    println!(
        "product: {} ({}元)",
        product.name,
        product.price.unwrap_or(0.0)
    );
    if let Some(p) = &story.profile {
        println!("profile: {} earlier orders", p.orders);
    }
    let mut session = Session::default();
    for step in &story.steps {
        match *step {
            Step::Buyer {
                at,
                text,
                reply_after,
            } => {
                println!("\n[{}] buyer: {text}", clock(at));
                session = engine.record(&session, &Event::buyer(at, text));
                let reply_at = at + reply_after;
                let s = engine.suggest(&request(
                    text, product, catalog, shop, story, &session, reply_at,
                ));
                show(&s, reply_at);
                session = send(engine, session, &s, reply_at);
            }
            Step::Ordered { at } => {
                println!("\n[{}] (the buyer places the order)", clock(at));
                session = engine.record(&session, &Event::Ordered { at });
            }
            Step::Timer { at } => {
                let s = engine.suggest(&request("", product, catalog, shop, story, &session, at));
                match s.advice.reminder_now {
                    Some(kind) => {
                        println!("\n[{}] timer: the {kind} reminder is due", clock(at));
                        show(&s, at);
                        session = send(engine, session, &s, at);
                    }
                    None => {
                        let next = s.advice.next_reminder.map_or_else(
                            || "no more reminders".to_owned(),
                            |due| {
                                format!(
                                    "next: {} from {} to {}",
                                    due.kind,
                                    clock(due.from),
                                    clock(due.until)
                                )
                            },
                        );
                        println!("\n[{}] timer: nothing to send ({next})", clock(at));
                    }
                }
            }
        }
    }
}

fn request<'a>(
    message: &'a str,
    product: &'a Product,
    catalog: &'a Catalog,
    shop: &'a ShopContext,
    story: &'a Story,
    session: &'a Session,
    now: u64,
) -> Request<'a> {
    let r = Request::new(message)
        .product(product)
        .catalog(catalog)
        .shop(shop)
        .session(session)
        .at(now);
    match &story.profile {
        Some(p) => r.profile(p),
        None => r,
    }
}

/// The desk sends the top reply.
fn send(engine: &Engine, session: Session, s: &Suggestions, at: u64) -> Session {
    match s.replies.first() {
        Some(reply) => {
            println!("  → sent at {}: {}", clock(at), reply.template);
            engine.record(&session, &Event::agent_template(at, &reply.template))
        }
        None => session,
    }
}

fn show(s: &Suggestions, now: u64) {
    let a = &s.analysis;
    if !a.normalized.is_empty() {
        let intents: Vec<String> = a
            .intents
            .iter()
            .filter(|i| i.present)
            .map(|i| format!("{} {:.2}", i.intent, i.score))
            .collect();
        println!("  intents:    {}", or_none(&intents));
        let traits: Vec<String> = a
            .traits
            .iter()
            .filter(|t| t.present)
            .map(|t| match t.value {
                Some(v) => format!("{}={} {:.2}", t.name, v.as_str(), t.score),
                None => format!("{} {:.2}", t.name, t.score),
            })
            .collect();
        println!("  traits:     {}", or_none(&traits));
        let notes: Vec<String> = a
            .notes
            .iter()
            .map(|n| {
                let value = n
                    .value
                    .as_deref()
                    .map(|v| format!(" → {v}"))
                    .unwrap_or_default();
                format!("[{:?}] {}{value}", n.priority, n.kind)
            })
            .collect();
        if !notes.is_empty() {
            println!("  notes:      {}", notes.join("; "));
        }
        let objections: Vec<String> = a.objections.iter().map(|o| o.kind.to_string()).collect();
        if !objections.is_empty() {
            println!("  objections: {}", objections.join(", "));
        }
    }
    let advice = &s.advice;
    let phase = advice
        .phase
        .map_or("-".to_owned(), |p| format!("{p:?}").to_lowercase());
    let waited = advice
        .waited_seconds
        .map_or(String::new(), |w| format!(", buyer waited {w} s"));
    println!(
        "  session:    {} into the chat ({phase}){waited}",
        clock(advice.chat_seconds.unwrap_or(now))
    );
    for action in &advice.actions {
        println!("  advice:     {:?}: {}", action.kind, action.reason);
    }
    for (k, reply) in s.replies.iter().take(3).enumerate() {
        println!("  {}. {}", k + 1, reply.text);
        let why: Vec<String> = reply
            .reasons
            .iter()
            .filter(|r| r.weight != 0.0 || r.kind == "wait" || r.kind == "script")
            .map(|r| format!("{} {}", r.kind, r.detail))
            .collect();
        println!(
            "     ({} · {:.2}: {})",
            reply.template,
            reply.score,
            why.join("; ")
        );
    }
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

/// Seconds as m:ss.
fn clock(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}
