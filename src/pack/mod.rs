//! The rule pack: the shop's policy as plain data.
//!
//! A pack is a serde value, read from TOML or JSON or built in code, and turned into an
//! [`Engine`](crate::Engine) once. Nothing here is compiled yet: the engine checks the pack and
//! refuses a bad one with a [`PackError`] that names the item at fault.
//!
//! # Format
//!
//! ```toml
//! [pack]
//! name = "my-shop"
//! version = "1.0.0"
//!
//! [settings]
//! threshold = 0.5              # one score decides which intents count as present
//! fallback_intents = ["size"]  # the only intents the fallback may name (all when left out)
//! alone_rest = 10              # a greeting counts only when the message says little else
//!
//! [negation]
//! window = 2                   # at most this many characters between a cue and its term
//! cues = ["不是", "不用"]        # cancel the term after them
//! after = ["没问题"]            # cancel the term before them
//! denials = ["没有"]            # cancel the term after them when it names a problem
//! problems = ["问题"]           # what makes it one: 没有质量问题, but not 没有退款
//!
//! [blockers]                   # longer words that shadow a term inside them (号码 hides 码)
//! words = ["号码", "密码"]
//!
//! [[terms]]                    # words that point at an intent, with one weight per group
//! intent = "size"
//! weight = 0.9
//! words = ["尺码", "码数", "穿多大"]
//!
//! [[terms]]
//! intent = "logistics"
//! weight = 0.8
//! negatable = false            # 还没发货 still asks about shipping
//! words = ["发货"]
//!
//! [[rules]]                    # regexes for what a word list cannot say
//! id = "size.wear-what"
//! intent = "size"
//! weight = 0.7
//! pattern = "穿.{0,3}(多大|什么)码"
//!
//! [[rules]]
//! id = "price.protection-refund"
//! intent = "price"
//! weight = 0.9
//! absorbs = ["after_sales"]    # the 退款 inside the match counts for price, not after-sales
//! pattern = "(价保|差价).{0,12}退款"
//!
//! [[quantity_cues]]            # a height or weight in the message hints at an intent
//! kind = "height"
//! intent = "size"
//! weight = 0.5
//!
//! [[examples]]                 # utterances that train the statistical fallback
//! intent = "size"
//! texts = ["这条裙子我能穿吗", "平时穿中号"]
//!
//! [[cues]]                     # words for a trait, an order note or an objection
//! trait = "urgent"             # or note = "gift", or objection = "budget"
//! weight = 0.9
//! words = ["着急", "急用"]
//!
//! [[cue_rules]]                # regexes for the same
//! id = "urgent.soon"
//! trait = "urgent"
//! weight = 0.6
//! pattern = "[0-9]+天后要用"
//!
//! [session]                    # phases, trait memory, slow replies, reminders
//! wait_openers = ["抱歉让您久等了，"]
//! ```
//!
//! Templates (`[[templates]]`), courtesy rules (`[courtesy]`) and policy cases (`[[cases]]`)
//! are described on [`Template`], [`Courtesy`] and [`PolicyCase`]; cues and the session on
//! [`CueGroup`], [`CueRule`] and [`SessionPolicy`].
//!
//! Terms, cues and patterns are matched against the *normalised* message (lowercase ASCII,
//! half-width, simplified characters), and terms are normalised the same way when the engine is
//! built, so a pack may be written in either script.

mod builtin;
mod conversation;

pub use builtin::BUILTIN_SOURCES;
pub use conversation::{CueGroup, CueRule, ReminderPolicy, SessionPolicy};

use serde::{Deserialize, Serialize};

use crate::error::PackError;

/// A complete rule pack.
///
/// Build one from text with [`Pack::from_toml`] / [`Pack::from_json`], or in code from
/// [`Pack::default`] and the `add_*` methods:
///
/// ```
/// use kefu::{Engine, Intent, Pack};
///
/// let mut pack = Pack::default();
/// pack.add_terms("invoice", 0.9, ["发票", "抬头"]);
/// pack.add_examples("invoice", ["能开票吗", "公司报销要票"]);
/// let engine = Engine::from_pack(&pack)?;
/// assert!(engine.analyze("可以开发票吗").has(Intent::Invoice));
/// # Ok::<(), kefu::PackError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Pack {
    /// Name, version and description.
    #[serde(default)]
    pub pack: PackInfo,
    /// Thresholds and switches.
    #[serde(default)]
    pub settings: Settings,
    /// How the fallback cuts messages into words.
    #[serde(default)]
    pub segmenter: Segmenter,
    /// Negation cues (不是 / 不用 / 没有 …).
    #[serde(default)]
    pub negation: Negation,
    /// Words that shadow shorter terms inside them.
    #[serde(default)]
    pub blockers: Blockers,
    /// Groups of intent words.
    #[serde(default)]
    pub terms: Vec<TermGroup>,
    /// Regex rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Quantities that hint at an intent.
    #[serde(default)]
    pub quantity_cues: Vec<QuantityCue>,
    /// Words for traits, order notes and objections.
    #[serde(default)]
    pub cues: Vec<CueGroup>,
    /// Regexes for traits, order notes and objections.
    #[serde(default)]
    pub cue_rules: Vec<CueRule>,
    /// The session policy: phases, reminders, slow replies.
    #[serde(default)]
    pub session: SessionPolicy,
    /// Example utterances for the fallback.
    #[serde(default)]
    pub examples: Vec<ExampleGroup>,
    /// The courtesy and compliance rules replies are linted against.
    #[serde(default)]
    pub courtesy: Courtesy,
    /// Prepared replies (快捷短语).
    #[serde(default)]
    pub templates: Vec<Template>,
    /// Policy cases the host's tests run against the pack ([`Engine::check_policy`](crate::Engine::check_policy)).
    #[serde(default)]
    pub cases: Vec<PolicyCase>,
}

/// Who wrote the pack and which version it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PackInfo {
    /// A short name.
    #[serde(default)]
    pub name: String,
    /// The pack's own version.
    #[serde(default)]
    pub version: String,
    /// What the pack is for.
    #[serde(default)]
    pub description: String,
}

/// The default intent threshold: an intent is present when its score reaches this.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// Thresholds and switches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Settings {
    /// An intent is present when its score reaches this; in `(0, 1]`. Default
    /// [`DEFAULT_THRESHOLD`].
    pub threshold: f32,
    /// Whether the statistical fallback runs when no term or rule decides. Default `true`.
    pub fallback: bool,
    /// How far the fallback's probabilities are flattened before they become scores, in
    /// `[1, 50]`: higher is more cautious. Default 4.
    pub fallback_temperature: f32,
    /// The intents the fallback may name. When its best guess is another, it says nothing and
    /// the message stays `other`: some intents are asked with their own words (改地址, 付款,
    /// 多少钱), and a guess for them without those words is seldom right. Empty, the default,
    /// lets it name any intent.
    pub fallback_intents: Vec<String>,
    /// Intents that count only when no other intent is present: `你好，这件有货吗` asks about
    /// stock, and the greeting is politeness. Their evidence stays in the analysis, marked not
    /// present. Default `["greeting"]`.
    pub only_alone: Vec<String>,
    /// An `only_alone` intent also needs the message to be little else: it counts only when
    /// at most this many letters, digits and Han characters, besides `alone_fillers`, lie
    /// outside its evidence. `谢谢，没有了` is a thanks; `你好 我是隔壁店的老板娘` is a
    /// statement that opens with a greeting, and is `other` when nothing else explains it.
    /// Default `None`: no limit.
    pub alone_rest: Option<usize>,
    /// Characters that say nothing on their own (嗯, 哦, 啊, 哈 …), not counted by
    /// `alone_rest`. Default empty.
    pub alone_fillers: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: DEFAULT_THRESHOLD,
            fallback: true,
            fallback_temperature: 4.0,
            fallback_intents: Vec::new(),
            only_alone: vec!["greeting".to_owned()],
            alone_rest: None,
            alone_fillers: String::new(),
        }
    }
}

/// Which dictionary the fallback's word segmenter uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Dictionary {
    /// Only the pack's own words (terms, cues, segmenter words): loads in well under a
    /// millisecond, and unknown text falls apart into single characters.
    #[default]
    Pack,
    /// jieba's large default dictionary (about 350,000 words) plus the pack's words: about
    /// 120 ms and 33 MB once per engine. Needs the `jieba-default-dict` feature.
    JiebaDefault,
}

/// How the fallback cuts messages into words.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Segmenter {
    /// The base dictionary.
    pub dictionary: Dictionary,
    /// Extra words for the segmenter, beyond the pack's terms.
    pub words: Vec<String>,
}

/// Negation cues: a cue shortly before a negatable term or rule match cancels it
/// (不是尺码问题, 不用退了), and so does an `after` cue shortly after it (尺码没问题,
/// 发票不用开了); a `denials` cue before it cancels it only when it names a problem (没有质量问题,
/// but not 没退款). A clause that ends as a yes/no question (没有蓝色的吗) is not negated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Negation {
    /// At most this many characters may stand between a cue and the term it cancels; a
    /// punctuation mark or space in between always ends the cue's reach. Default 2.
    pub window: usize,
    /// Cues that cancel the term after them.
    pub cues: Vec<String>,
    /// Cues that cancel the term before them.
    pub after: Vec<String>,
    /// Cues that cancel the term after them only when it names a problem, that is when one of
    /// [`problems`](Self::problems) ends the term or follows it: 没有质量问题, 没尺码问题.
    /// Anywhere else such a cue says that something has not happened (没退款, 没取消订单), and
    /// the topic stands.
    pub denials: Vec<String>,
    /// The words that make a term a problem, for [`denials`](Self::denials).
    pub problems: Vec<String>,
}

impl Default for Negation {
    fn default() -> Self {
        Negation {
            window: 2,
            cues: Vec::new(),
            after: Vec::new(),
            denials: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// Longer words that contain a term but mean something else (号码 / 密码 / 二维码 contain 码).
///
/// The matcher prefers the longest word at each position, so a blocker hides the term inside
/// it; a blocker itself points at no intent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Blockers {
    /// The words.
    pub words: Vec<String>,
}

pub(crate) fn default_true() -> bool {
    true
}

/// Words that point at one intent with one weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TermGroup {
    /// The intent label (`size`, `after_sales`, …).
    pub intent: String,
    /// How much one of these words says, in `(0, 1]`.
    pub weight: f32,
    /// Whether a negation cue next to a word cancels it. Default `true`; set `false` for words
    /// a negation does not turn away from the topic (还没发货 still asks about shipping).
    #[serde(default = "default_true")]
    pub negatable: bool,
    /// Whether these words only back up a message nothing more specific explains. Default
    /// `false`. Generic words (这款, 颜色, 怎么样) say "product question" when the message
    /// says nothing else, but beside 退货 or 发货 they are context, not a second request.
    #[serde(default)]
    pub backup: bool,
    /// The words.
    pub words: Vec<String>,
}

/// A regex that points at an intent.
///
/// Patterns run on the normalised message with the `regex` crate's syntax. Write ASCII word
/// boundaries as `(?-u:\b)`: a Unicode `\b` treats Chinese characters as word characters (so
/// `\bXL\b` misses `穿XL码`) and is refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// A unique id, shown in evidence.
    pub id: String,
    /// The intent label. `other` is allowed for a rule that `absorbs`: it marks text about
    /// none of the shop's topics (a password, the buyer's account, asking for a human agent),
    /// takes over the listed intents' words inside its match, and adds no evidence of its
    /// own. When it matches, a greeting (`only_alone`) beside it stands aside, and if nothing
    /// else is present the fallback is not asked: the message is `other`.
    pub intent: String,
    /// The weight of a match, in `(0, 1]`.
    pub weight: f32,
    /// Whether a negation cue next to the match cancels it, as for terms. Default `true`.
    #[serde(default = "default_true")]
    pub negatable: bool,
    /// Whether a match only backs up a message nothing more specific explains, as for
    /// [`TermGroup::backup`]. Default `false`.
    #[serde(default)]
    pub backup: bool,
    /// Other intents whose terms and rules inside this rule's match count for this rule
    /// instead of for themselves. Default none. A price-protection refund (价保…退款) is a
    /// price matter: with `absorbs = ["after_sales"]` the 退款 inside the match is set aside,
    /// and the evidence says which match took it.
    #[serde(default)]
    pub absorbs: Vec<String>,
    /// The pattern.
    pub pattern: String,
}

/// A kind of quantity that hints at an intent when a message contains one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct QuantityCue {
    /// `height`, `weight`, `clothing_size`, `shoe_size`, `money`, `order_number` or `phone`.
    pub kind: String,
    /// The intent label.
    pub intent: String,
    /// The weight, in `(0, 1]`.
    pub weight: f32,
}

/// Example utterances of one intent, for the fallback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ExampleGroup {
    /// The intent label; `other` teaches the fallback what to leave alone.
    pub intent: String,
    /// The utterances.
    pub texts: Vec<String>,
}

impl Pack {
    /// Reads a pack from TOML.
    ///
    /// This only parses; [`Engine::from_pack`](crate::Engine::from_pack) checks the contents.
    pub fn from_toml(text: &str) -> Result<Pack, PackError> {
        toml::from_str(text).map_err(|e| PackError::Syntax {
            format: "toml",
            message: e.to_string().trim_end().to_owned(),
        })
    }

    /// Reads a pack from JSON, with the same fields as the TOML form.
    pub fn from_json(text: &str) -> Result<Pack, PackError> {
        serde_json::from_str(text).map_err(|e| PackError::Syntax {
            format: "json",
            message: e.to_string(),
        })
    }

    /// Writes the pack as TOML.
    pub fn to_toml(&self) -> Result<String, PackError> {
        toml::to_string(self).map_err(|e| PackError::Syntax {
            format: "toml",
            message: e.to_string(),
        })
    }

    /// The built-in clothing-shop pack, parsed from the text embedded in the crate.
    ///
    /// Use it as a starting point for a shop's own pack: change it, then build with
    /// [`Engine::from_pack`](crate::Engine::from_pack).
    pub fn builtin() -> Result<Pack, PackError> {
        let mut pack = Pack::default();
        for source in BUILTIN_SOURCES {
            pack.merge(Pack::from_toml(source)?);
        }
        Ok(pack)
    }

    /// Appends everything in `other` to this pack. Lists are concatenated; `other`'s info,
    /// settings, segmenter choice and negation window win where they differ from the defaults.
    pub fn merge(&mut self, other: Pack) {
        if other.pack != PackInfo::default() {
            self.pack = other.pack;
        }
        if other.settings != Settings::default() {
            self.settings = other.settings;
        }
        if other.segmenter.dictionary != Dictionary::default() {
            self.segmenter.dictionary = other.segmenter.dictionary;
        }
        self.segmenter.words.extend(other.segmenter.words);
        if other.negation.window != Negation::default().window {
            self.negation.window = other.negation.window;
        }
        self.negation.cues.extend(other.negation.cues);
        self.negation.after.extend(other.negation.after);
        self.negation.denials.extend(other.negation.denials);
        self.negation.problems.extend(other.negation.problems);
        self.blockers.words.extend(other.blockers.words);
        self.terms.extend(other.terms);
        self.rules.extend(other.rules);
        self.quantity_cues.extend(other.quantity_cues);
        self.cues.extend(other.cues);
        self.cue_rules.extend(other.cue_rules);
        if other.session != SessionPolicy::default() {
            let mut session = other.session;
            session
                .wait_openers
                .splice(0..0, self.session.wait_openers.drain(..));
            session
                .review_words
                .splice(0..0, self.session.review_words.drain(..));
            self.session = session;
        }
        self.examples.extend(other.examples);
        if other.courtesy.late_reply_seconds != Courtesy::default().late_reply_seconds {
            self.courtesy.late_reply_seconds = other.courtesy.late_reply_seconds;
        }
        self.courtesy.defaults &= other.courtesy.defaults;
        self.courtesy.disable.extend(other.courtesy.disable);
        self.courtesy.rules.extend(other.courtesy.rules);
        self.templates.extend(other.templates);
        self.cases.extend(other.cases);
    }

    /// Adds a group of words pointing at `intent` with `weight`.
    pub fn add_terms<I, S>(&mut self, intent: &str, weight: f32, words: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.terms.push(TermGroup {
            intent: intent.to_owned(),
            weight,
            negatable: true,
            backup: false,
            words: words.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Adds a regex rule.
    pub fn add_rule(&mut self, id: &str, intent: &str, weight: f32, pattern: &str) -> &mut Self {
        self.rules.push(Rule {
            id: id.to_owned(),
            intent: intent.to_owned(),
            weight,
            negatable: true,
            backup: false,
            absorbs: Vec::new(),
            pattern: pattern.to_owned(),
        });
        self
    }

    /// Adds negation cues.
    pub fn add_negation_cues<I, S>(&mut self, cues: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.negation.cues.extend(cues.into_iter().map(Into::into));
        self
    }

    /// Adds blocker words.
    pub fn add_blockers<I, S>(&mut self, words: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.blockers
            .words
            .extend(words.into_iter().map(Into::into));
        self
    }

    /// Adds a quantity cue: a quantity of `kind` hints at `intent` with `weight`.
    pub fn add_quantity_cue(&mut self, kind: &str, intent: &str, weight: f32) -> &mut Self {
        self.quantity_cues.push(QuantityCue {
            kind: kind.to_owned(),
            intent: intent.to_owned(),
            weight,
        });
        self
    }

    /// Adds example utterances of `intent` for the fallback.
    pub fn add_examples<I, S>(&mut self, intent: &str, texts: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.examples.push(ExampleGroup {
            intent: intent.to_owned(),
            texts: texts.into_iter().map(Into::into).collect(),
        });
        self
    }
}

/// The built-in courtesy and compliance rules, kept as reviewable TOML beside this file.
pub const BUILTIN_COURTESY: &str = include_str!("builtin/courtesy.toml");

/// The courtesy and compliance rules that replies are linted against (requirement S9, S12,
/// S13, and the platform rules shops are punished for).
///
/// The built-in rules apply unless `defaults = false`; a pack's rule with the id of a built-in
/// one replaces it, `disable` switches rules off, and further rules are added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Courtesy {
    /// Whether the built-in rules apply. Default `true`.
    pub defaults: bool,
    /// A reply to a buyer who waited longer than this many seconds must open with an apology
    /// for the wait. Default 90.
    pub late_reply_seconds: u64,
    /// Rule ids to switch off.
    pub disable: Vec<String>,
    /// Rules added to (or replacing) the built-in ones.
    pub rules: Vec<LintRule>,
}

impl Default for Courtesy {
    fn default() -> Self {
        Courtesy {
            defaults: true,
            late_reply_seconds: 90,
            disable: Vec::new(),
            rules: Vec::new(),
        }
    }
}

/// How serious a finding is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Level {
    /// A courtesy breach: rewrite before sending.
    #[default]
    Warning,
    /// What a platform or regulator punishes: never send.
    Error,
}

/// How a lint rule decides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LintKind {
    /// Every trigger match is a finding (unless an exception applies).
    #[default]
    Existence,
    /// A trigger match is a finding only when none of `requires` appears in the whole reply
    /// (a refusal with no apology).
    Missing,
    /// Trigger matches are findings, and so is a whole reply of at most `max_han` Han
    /// characters that contains none of `requires` (a curt reply with nothing warm).
    Short,
    /// A trigger match (a link, a code) is a finding when fewer than `max_han` Han characters
    /// stand around it.
    Bare,
    /// Only when the buyer waited longer than `late_reply_seconds`: the reply's first
    /// `max_han` characters must contain one of `requires`.
    Late,
}

/// Whether a rule looks at each sentence or at the whole reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LintScope {
    /// Each sentence on its own (split at 。！？；!?; and line breaks).
    #[default]
    Sentence,
    /// The whole reply.
    Message,
}

/// One courtesy or compliance rule, as data. Patterns use the `regex` crate's syntax and run
/// on the normalised reply (lowercase ASCII, half-width, simplified characters).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LintRule {
    /// The id findings carry, `family/name`.
    pub id: String,
    /// How serious a finding is.
    #[serde(default)]
    pub level: Level,
    /// How the rule decides.
    #[serde(default)]
    pub kind: LintKind,
    /// What the exceptions look at.
    #[serde(default)]
    pub scope: LintScope,
    /// What triggers the rule.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// A trigger match overlapped by a match of one of these is not a finding (100%棉 for 100%,
    /// 第一次 for 第一, 我们一定 for 一定).
    #[serde(default)]
    pub except: Vec<String>,
    /// If one of these matches anywhere in the scope, the rule is silent there (a polite
    /// request form, a hedge).
    #[serde(default)]
    pub unless: Vec<String>,
    /// The rule fires only where one of these matches in the scope (advice about fit or
    /// effect, for assertive claims). Empty means everywhere.
    #[serde(default)]
    pub only_if: Vec<String>,
    /// What the reply must contain, for the `missing`, `short` and `late` kinds.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The Han-character bound of the `short`, `bare` and `late` kinds.
    #[serde(default)]
    pub max_han: usize,
    /// What is wrong, in a sentence an agent can act on.
    pub message: String,
    /// Replacements for a suggested rewrite: each `[from, to]` is applied to the matched text.
    #[serde(default)]
    pub replace: Vec<[String; 2]>,
    /// A suggested rewrite of the whole reply, with `{text}` for the reply as written.
    #[serde(default)]
    pub rewrite: Option<String>,
}

/// The quick-phrase board a template belongs to (S10).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Board {
    /// Everyday questions: shipping, chasing a parcel.
    #[default]
    Common,
    /// The product: function, advantages, usage, promotions.
    Product,
    /// Nudges to order and reminders to pay (催拍 / 催付).
    PaymentReminder,
    /// Returns, exchanges, refunds, complaints.
    AfterSales,
    /// Hello, thanks, goodbye.
    Greeting,
    /// Closing a conversation.
    WrapUp,
}

/// Where the buyer is in the purchase.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// Before ordering: consulting.
    PreSale,
    /// Ordered, not yet received: paying, changing the order.
    InSale,
    /// After delivery: returns, complaints.
    AfterSale,
    /// Any stage.
    #[default]
    Any,
}

impl Stage {
    /// The stage's name as packs write it: `pre_sale`, `in_sale`, `after_sale`, `any`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::PreSale => "pre_sale",
            Stage::InSale => "in_sale",
            Stage::AfterSale => "after_sale",
            Stage::Any => "any",
        }
    }
}

/// A prepared reply.
///
/// Its text may hold `{slot}`s filled from the shop's facts when it is offered (see
/// [`SLOTS`](crate::reply::SLOTS) for the names); a template whose slot cannot be filled is never
/// offered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Template {
    /// A unique id.
    pub id: String,
    /// The board it belongs to.
    #[serde(default)]
    pub board: Board,
    /// The intents it answers.
    #[serde(default)]
    pub intents: Vec<String>,
    /// The stage it fits.
    #[serde(default)]
    pub stage: Stage,
    /// Only for products of these categories (empty: any product, or none).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Only when these slots cannot be filled (a template that asks for what is missing).
    #[serde(default)]
    pub when_missing: Vec<String>,
    /// Free tags; `risk_free` marks a reply that removes the buyer's risk (S14).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Words that show the situation this template answers (多少钱 for a price, 便宜 for
    /// bargaining): a message holding one ranks it higher, a message holding none lower, so a
    /// reply answers the question asked rather than one beside it (S10).
    #[serde(default)]
    pub cues: Vec<String>,
    /// Traits this wording is written for (`impatient`, `gender=male`, `age_band=older`, …):
    /// it is offered only to a buyer who shows one of them, and then ranks higher by the
    /// trait's score (S5, S19). With no `intents`, it answers the buyer rather than a
    /// question (an impatient 人呢？).
    #[serde(default)]
    pub traits: Vec<String>,
    /// Traits this wording does not suit (a playful line to an angry buyer): it ranks lower by
    /// the trait's score.
    #[serde(default)]
    pub avoid_traits: Vec<String>,
    /// Objections this reply answers (`budget`, `price`, …); a template that lists some is
    /// offered only when the message voices one of them (S16).
    #[serde(default)]
    pub objections: Vec<String>,
    /// The text, with `{slot}`s.
    pub text: String,
}

/// A policy case: a message and what the pack must answer to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicyCase {
    /// A unique name, reported when the case fails.
    pub name: String,
    /// The buyer's message.
    pub message: String,
    /// The id of a product of the demo catalog or the host's catalog the message is about.
    #[serde(default)]
    pub product: Option<String>,
    /// The intents that must be present (exactly).
    #[serde(default)]
    pub intents: Option<Vec<String>>,
    /// The template that must rank first.
    #[serde(default)]
    pub top_template: Option<String>,
    /// The board the first reply must come from.
    #[serde(default)]
    pub top_board: Option<Board>,
    /// Templates that must not be offered.
    #[serde(default)]
    pub never: Vec<String>,
}
