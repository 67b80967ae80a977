//! Slots: the `{name}`s a template's text may hold, and how each is filled from the facts.

use std::borrow::Cow;

use crate::analysis::Analysis;
use crate::extract::Quantity;
use crate::facts::{Catalog, Product, ShopContext};
use crate::notes::NoteKind;
use crate::reply::size;

/// The slots a template may use.
pub const SLOTS: &[&str] = &[
    "product",
    "material",
    "style",
    "colors",
    "season",
    "selling_point",
    "price",
    "size_advice",
    "size_chart",
    "in_stock",
    "sold_out",
    "promotion",
    "coupon",
    "carriers",
    "dispatch_cutoff",
    "delivery_days",
    "return_policy",
    "service_hours",
    "brand",
    "order_number",
    "cheaper",
    "instalments",
    "new_address",
    "new_recipient",
];

/// A slot by its place in [`SLOTS`], so that filling one dispatches on a number rather than
/// comparing its name with every name in turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Product,
    Material,
    Style,
    Colors,
    Season,
    SellingPoint,
    Price,
    SizeAdvice,
    SizeChart,
    InStock,
    SoldOut,
    Promotion,
    Coupon,
    Carriers,
    DispatchCutoff,
    DeliveryDays,
    ReturnPolicy,
    ServiceHours,
    Brand,
    OrderNumber,
    Cheaper,
    Instalments,
    NewAddress,
    NewRecipient,
}

impl Slot {
    /// In the order of [`SLOTS`].
    const ALL: [Slot; SLOTS.len()] = [
        Slot::Product,
        Slot::Material,
        Slot::Style,
        Slot::Colors,
        Slot::Season,
        Slot::SellingPoint,
        Slot::Price,
        Slot::SizeAdvice,
        Slot::SizeChart,
        Slot::InStock,
        Slot::SoldOut,
        Slot::Promotion,
        Slot::Coupon,
        Slot::Carriers,
        Slot::DispatchCutoff,
        Slot::DeliveryDays,
        Slot::ReturnPolicy,
        Slot::ServiceHours,
        Slot::Brand,
        Slot::OrderNumber,
        Slot::Cheaper,
        Slot::Instalments,
        Slot::NewAddress,
        Slot::NewRecipient,
    ];

    fn at(k: usize) -> Option<Slot> {
        Slot::ALL.get(k).copied()
    }
}

/// Slots as bits of a mask, by their place in [`SLOTS`].
const fn mask(mut slots: &[Slot]) -> u32 {
    let mut bits = 0;
    while let [first, rest @ ..] = slots {
        bits |= 1 << *first as u32;
        slots = rest;
    }
    bits
}

/// The slots whether they can be filled reads from the shop alone.
pub(crate) const SHOP_SLOTS: u32 = mask(&[
    Slot::Promotion,
    Slot::Coupon,
    Slot::Carriers,
    Slot::DispatchCutoff,
    Slot::DeliveryDays,
    Slot::ReturnPolicy,
    Slot::ServiceHours,
    Slot::Brand,
    Slot::Instalments,
]);

/// The product's attributes, as slots.
const ATTRIBUTE_SLOTS: u32 = mask(&[Slot::Material, Slot::Style, Slot::Colors, Slot::Season]);

/// The slots whether they can be filled reads from the product alone.
pub(crate) const PRODUCT_SLOTS: u32 = ATTRIBUTE_SLOTS
    | mask(&[
        Slot::Product,
        Slot::SellingPoint,
        Slot::Price,
        Slot::SizeChart,
    ]);

/// The facts one request offers.
pub(crate) struct Facts<'a> {
    pub analysis: &'a Analysis,
    pub product: Option<&'a Product>,
    pub catalog: Option<&'a Catalog>,
    pub shop: Option<&'a ShopContext>,
}

impl<'a> Facts<'a> {
    /// The value of a slot, or `None` when the facts do not say.
    pub(crate) fn fill(&self, k: usize) -> Option<String> {
        self.value(k).map(Cow::into_owned)
    }

    /// [`fill`](Self::fill), borrowing the value when the facts hold it as it is written: most
    /// slots are a field of the product or the shop, and copying them for every request
    /// cost more than filling the text.
    pub(crate) fn value(&self, k: usize) -> Option<Cow<'a, str>> {
        let slot = Slot::at(k)?;
        let product = self.product;
        let shop = self.shop;
        let attribute = || {
            product
                .and_then(|p| p.attributes.get(*SLOTS.get(k)?))
                .filter(|v| has_text(v))
                .map(|v| Cow::Borrowed(v.as_str()))
        };
        let nonempty = |s: &'a str| has_text(s).then_some(Cow::Borrowed(s));
        match slot {
            Slot::Product => product
                .map(|p| Cow::Borrowed(p.name.as_str()))
                .filter(|n| !n.is_empty()),
            Slot::Material | Slot::Style | Slot::Colors | Slot::Season => attribute(),
            Slot::SellingPoint => product
                .and_then(|p| p.selling_points.first())
                .map(|s| Cow::Borrowed(s.as_str())),
            Slot::Price => product.and_then(|p| p.price).map(|y| {
                let mut out = String::with_capacity(16);
                crate::extract::push_number(&mut out, y);
                out.push('元');
                Cow::Owned(out)
            }),
            Slot::SizeAdvice => product
                .and_then(|p| size::advice(self.analysis, p))
                .map(Cow::Owned),
            Slot::SizeChart => product.and_then(size::chart_summary).map(Cow::Owned),
            Slot::InStock => product
                .and_then(|p| in_stock(p, self.asked_size().as_deref()))
                .map(Cow::Owned),
            Slot::SoldOut => product
                .and_then(|p| sold_out(p, self.asked_size().as_deref()))
                .map(Cow::Owned),
            Slot::Promotion => shop.and_then(|s| s.promotions.first()).map(offer),
            Slot::Coupon => shop.and_then(|s| s.coupons.first()).map(offer),
            Slot::Carriers => shop
                .filter(|s| !s.carriers.is_empty())
                .map(|s| Cow::Owned(s.carriers.join("、"))),
            Slot::DispatchCutoff => shop.and_then(|s| nonempty(&s.dispatch_cutoff)),
            Slot::DeliveryDays => shop.and_then(|s| nonempty(&s.delivery_days)),
            Slot::ReturnPolicy => shop.and_then(|s| nonempty(&s.return_policy)),
            Slot::ServiceHours => shop.and_then(|s| nonempty(&s.service_hours)),
            Slot::Brand => shop.and_then(|s| nonempty(&s.brand)),
            Slot::Cheaper => cheaper(product?, self.catalog?).map(Cow::Owned),
            Slot::NewAddress => self.noted(NoteKind::Address),
            Slot::NewRecipient => self.noted(NoteKind::Recipient),
            Slot::Instalments => shop.and_then(|s| nonempty(&s.instalments)),
            Slot::OrderNumber => self.analysis.quantities.iter().find_map(|q| match q {
                Quantity::OrderNumber { digits, .. } => Some(Cow::Borrowed(digits.as_str())),
                _ => None,
            }),
        }
    }

    /// The new value the buyer gave for an order note of `kind` (地址改成 …).
    fn noted(&self, kind: NoteKind) -> Option<Cow<'a, str>> {
        self.analysis
            .notes
            .iter()
            .find(|n| n.kind == kind)
            .and_then(|n| n.value.as_deref())
            .map(Cow::Borrowed)
    }
}

impl Facts<'_> {
    /// Whether [`Facts::fill`] would give a value, when that is cheap to tell without
    /// writing the value; `None` when only filling can tell.
    #[inline]
    pub(crate) fn can_fill(&self, k: usize) -> Option<bool> {
        let slot = Slot::at(k)?;
        let product = self.product;
        let shop = self.shop;
        let filled = has_text;
        let shop_says = |f: fn(&ShopContext) -> &str| shop.is_some_and(|s| filled(f(s)));
        Some(match slot {
            Slot::Product => product.is_some_and(|p| !p.name.is_empty()),
            Slot::Material | Slot::Style | Slot::Colors | Slot::Season => {
                let name = SLOTS.get(k)?;
                product.is_some_and(|p| p.attributes.get(*name).is_some_and(|v| filled(v)))
            }
            Slot::SellingPoint => product.is_some_and(|p| !p.selling_points.is_empty()),
            Slot::Price => product.is_some_and(|p| p.price.is_some()),
            Slot::SizeChart => product.is_some_and(size::has_chart),
            Slot::SizeAdvice => product.is_some_and(|p| size::can_advise(self.analysis, p)),
            // The size asked about is only in stock when some variant is.
            Slot::InStock => product.is_some_and(|p| p.stock.values().any(|&n| n > 0)),
            Slot::SoldOut => product.is_some_and(|p| match self.asked_size() {
                Some(size) => stock_of(p, &size) == Some(0),
                None => p.size_chart.iter().any(|r| stock_of(p, &r.size) == Some(0)),
            }),
            Slot::Promotion => shop.is_some_and(|s| !s.promotions.is_empty()),
            Slot::Coupon => shop.is_some_and(|s| !s.coupons.is_empty()),
            Slot::Carriers => shop.is_some_and(|s| !s.carriers.is_empty()),
            Slot::DispatchCutoff => shop_says(|s| &s.dispatch_cutoff),
            Slot::DeliveryDays => shop_says(|s| &s.delivery_days),
            Slot::ReturnPolicy => shop_says(|s| &s.return_policy),
            Slot::ServiceHours => shop_says(|s| &s.service_hours),
            Slot::Brand => shop_says(|s| &s.brand),
            Slot::Instalments => shop_says(|s| &s.instalments),
            Slot::NewAddress => self.has_noted(NoteKind::Address),
            Slot::NewRecipient => self.has_noted(NoteKind::Recipient),
            Slot::OrderNumber => self
                .analysis
                .quantities
                .iter()
                .any(|q| matches!(q, Quantity::OrderNumber { .. })),
            Slot::Cheaper => return None,
        })
    }

    /// Of the slots in `wanted` that read only the shop or the product ([`SHOP_SLOTS`],
    /// [`PRODUCT_SLOTS`]), those [`can_fill`](Self::can_fill) says can be filled, told in
    /// one go: straight-line checks of a few fields cost less than a look-up per slot, and
    /// the product's attributes are read in one pass rather than searched for each.
    pub(crate) fn fixed_fillable(&self, wanted: u32) -> u32 {
        let bit = |slot: Slot, yes: bool| u32::from(yes) << slot as u32;
        let mut bits = 0;
        if let Some(s) = self.shop.filter(|_| wanted & SHOP_SLOTS != 0) {
            bits |= bit(Slot::Promotion, !s.promotions.is_empty())
                | bit(Slot::Coupon, !s.coupons.is_empty())
                | bit(Slot::Carriers, !s.carriers.is_empty())
                | bit(Slot::DispatchCutoff, has_text(&s.dispatch_cutoff))
                | bit(Slot::DeliveryDays, has_text(&s.delivery_days))
                | bit(Slot::ReturnPolicy, has_text(&s.return_policy))
                | bit(Slot::ServiceHours, has_text(&s.service_hours))
                | bit(Slot::Brand, has_text(&s.brand))
                | bit(Slot::Instalments, has_text(&s.instalments));
        }
        if let Some(p) = self.product.filter(|_| wanted & PRODUCT_SLOTS != 0) {
            bits |= bit(Slot::Product, !p.name.is_empty())
                | bit(Slot::SellingPoint, !p.selling_points.is_empty())
                | bit(Slot::Price, p.price.is_some());
            if wanted & 1 << Slot::SizeChart as u32 != 0 {
                bits |= bit(Slot::SizeChart, size::has_chart(p));
            }
            if wanted & ATTRIBUTE_SLOTS != 0 {
                for (name, value) in &p.attributes {
                    let slot = match name.as_str() {
                        "material" => Slot::Material,
                        "style" => Slot::Style,
                        "colors" => Slot::Colors,
                        "season" => Slot::Season,
                        _ => continue,
                    };
                    bits |= bit(slot, has_text(value));
                }
            }
        }
        bits & wanted
    }

    fn has_noted(&self, kind: NoteKind) -> bool {
        self.analysis
            .notes
            .iter()
            .find(|n| n.kind == kind)
            .is_some_and(|n| n.value.is_some())
    }

    /// The size the buyer asked about, as the shop's size charts write it (`M`, `38`).
    // Borrowed when the size is written as it is kept, so that asking costs no allocation.
    fn asked_size(&self) -> Option<Cow<'_, str>> {
        self.analysis.quantities.iter().find_map(|q| match q {
            Quantity::ClothingSize { size, .. } => Some(Cow::Borrowed(size.as_str())),
            Quantity::ShoeSize { size, .. } => {
                Some(Cow::Owned(crate::extract::format_number(f64::from(*size))))
            }
            _ => None,
        })
    }
}

/// Whether `s` holds more than whitespace: what `!s.trim().is_empty()` says, read from the
/// front only, so a value that opens with a word is told at its first character.
fn has_text(s: &str) -> bool {
    match s.as_bytes().first() {
        // A letter or digit, or a character from U+4000 up (lead bytes 0xE4 and above, so
        // every Chinese value): no whitespace there, the highest being U+3000. Told without
        // decoding it or looking it up in the Unicode tables, as this runs for every slot a
        // template needs.
        Some(&b) if b.is_ascii_alphanumeric() || b >= 0xE4 => true,
        _ => s.chars().any(|c| !c.is_whitespace()),
    }
}

/// The cheapest product of the same category that costs less than this one, with its price:
/// the answer to a budget objection (S16).
fn cheaper(product: &Product, catalog: &Catalog) -> Option<String> {
    let price = product.price?;
    catalog
        .products
        .iter()
        .filter(|p| p.id != product.id && p.category == product.category && !p.name.is_empty())
        .filter_map(|p| Some((p, p.price.filter(|&q| q < price)?)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.id.cmp(&b.0.id)))
        .map(|(p, q)| {
            let mut out = String::with_capacity(p.name.len() + 20);
            out.push_str(&p.name);
            out.push('（');
            crate::extract::push_number(&mut out, q);
            out.push_str("元）");
            out
        })
}

/// The stock of one size, summed over its variants (`M`, `M/白色`, …).
fn stock_of(p: &Product, size: &str) -> Option<u32> {
    let mut found = None;
    for (variant, &n) in &p.stock {
        // `/` is ASCII, so the byte it is at is a char boundary.
        let head = match variant.bytes().position(|b| b == b'/') {
            Some(end) => variant.get(..end).unwrap_or(variant),
            None => variant,
        };
        if head.eq_ignore_ascii_case(size) {
            found = Some(found.unwrap_or(0) + n);
        }
    }
    found
}

fn offer(o: &crate::facts::Offer) -> Cow<'_, str> {
    if !has_text(&o.condition) {
        Cow::Borrowed(&o.title)
    } else {
        Cow::Owned([o.title.as_str(), "（", o.condition.as_str(), "）"].concat())
    }
}

/// The sizes sold out: the one the buyer asked about, or every one when they named none.
fn sold_out(p: &Product, asked: Option<&str>) -> Option<String> {
    if let Some(size) = asked {
        return (stock_of(p, size)? == 0).then(|| size::label(size));
    }
    let mut out = String::new();
    for r in p
        .size_chart
        .iter()
        .filter(|r| stock_of(p, &r.size) == Some(0))
    {
        push_label(&mut out, &r.size);
    }
    (!out.is_empty()).then_some(out)
}

/// What is in stock: the size the buyer asked about when it is, otherwise every size that is.
fn in_stock(p: &Product, asked: Option<&str>) -> Option<String> {
    if let Some(size) = asked {
        if stock_of(p, size).is_some_and(|n| n > 0) {
            return Some([size, "码有现货"].concat());
        }
    }
    // In the size chart's order (S, M, L…), not the alphabet's. Variants are unique, so
    // an unstable sort by (place, name) gives the one order there is.
    let place = |v: &str| {
        p.size_chart
            .iter()
            .position(|r| r.size == v)
            .unwrap_or(usize::MAX)
    };
    let mut variants: Vec<(usize, &str)> = p
        .stock
        .iter()
        .filter(|&(_, &n)| n > 0)
        .map(|(v, _)| (place(v), v.as_str()))
        .collect();
    variants.sort_unstable();
    let mut out = String::with_capacity(variants.len() * 8 + 16);
    for (_, v) in &variants {
        push_label(&mut out, v);
    }
    match variants.len() {
        0 => None,
        1 => Some(out + "有现货"),
        _ => Some(out + "都有现货"),
    }
}

/// Appends a size label ([`size::label`]) to a list of them joined with `、`.
fn push_label(out: &mut String, size: &str) {
    if !out.is_empty() {
        out.push('、');
    }
    out.push_str(size);
    out.push('码');
}

/// A piece of a template's text: words as written, or a slot by its position in [`SLOTS`].
/// The words are kept apart, cut once, so that filling a text copies them without finding
/// them in the text again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(Box<str>),
    Slot(usize),
}

/// Cuts a template's text at its `{slot}`s, once, when the pack is compiled. `Err` names a
/// slot that is not one of [`SLOTS`]; `Ok(None)` means a brace is left open, and such a text
/// never renders.
pub(crate) fn pieces(text: &str) -> Result<Option<Vec<Piece>>, &str> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = text
        .get(at..)
        .and_then(|rest| rest.find('{'))
        .map(|k| at + k)
    {
        if let Some(words) = text.get(at..open).filter(|w| !w.is_empty()) {
            out.push(Piece::Text(words.into()));
        }
        let Some(close) = text
            .get(open..)
            .and_then(|rest| rest.find('}'))
            .map(|k| open + k)
        else {
            return Ok(None);
        };
        let name = text.get(open + 1..close).unwrap_or("");
        let slot = SLOTS.iter().position(|s| *s == name).ok_or(name)?;
        out.push(Piece::Slot(slot));
        at = close + 1;
    }
    if let Some(words) = text.get(at..).filter(|w| !w.is_empty()) {
        out.push(Piece::Text(words.into()));
    }
    Ok(Some(out))
}

/// The text with every slot filled, or `None` when one cannot be. `value` appends the value
/// of the slot it is given to the text so far, and says whether it could. `capacity` is
/// the room to allocate for the text.
pub(crate) fn fill(
    pieces: &[Piece],
    capacity: usize,
    mut value: impl FnMut(usize, &mut String) -> bool,
) -> Option<String> {
    let mut out = String::with_capacity(capacity);
    for piece in pieces {
        match piece {
            Piece::Text(words) => out.push_str(words),
            Piece::Slot(k) => {
                if !value(*k, &mut out) {
                    return None;
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{Facts, PRODUCT_SLOTS, SHOP_SLOTS, SLOTS, Slot, has_text};

    /// The shortcut of `has_text` says what the whole check says.
    #[test]
    fn has_text_is_trim_not_empty() {
        let mut texts: Vec<String> = [
            "",
            " ",
            "\u{3000}",
            "\u{3000}x",
            "\u{0B}",
            "\u{85}",
            "\u{A0}a",
            "\u{2029}",
            "a",
            "满",
            "7天",
            "😀",
            " 满",
            "\u{3001}",
            "\u{FEFF}",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        texts.extend((0..0x11_0000).filter_map(char::from_u32).map(String::from));
        for text in texts {
            assert_eq!(has_text(&text), !text.trim().is_empty(), "{text:?}");
        }
    }

    /// Each slot's variant sits at the place of its name in `SLOTS`.
    #[test]
    fn slots_are_in_the_order_of_their_names() {
        assert_eq!(Slot::ALL.len(), SLOTS.len());
        for (k, (slot, name)) in Slot::ALL.iter().zip(SLOTS).enumerate() {
            assert_eq!(*slot as usize, k);
            let camel: String = name
                .split('_')
                .flat_map(|word| {
                    let mut chars = word.chars();
                    chars
                        .next()
                        .map(|c| c.to_ascii_uppercase())
                        .into_iter()
                        .chain(chars)
                })
                .collect();
            assert_eq!(format!("{slot:?}"), camel);
        }
    }
    use crate::facts::{Product, ShopContext, demo};

    /// `can_fill` is a shortcut for `fill(..).is_some()`: the two must never disagree, or a
    /// template would be offered with a slot it cannot fill (or hidden when it could be).
    #[test]
    fn can_fill_agrees_with_fill() {
        let engine = crate::Engine::builtin();
        let catalog = demo::catalog();
        let mut bare = Product {
            name: "新品".to_owned(),
            ..Product::default()
        };
        bare.attributes
            .insert("material".to_owned(), "  ".to_owned());
        let mut products: Vec<Option<&Product>> = catalog.products.iter().map(Some).collect();
        products.push(Some(&bare));
        products.push(None);
        let shop = demo::shop();
        let blank = ShopContext {
            brand: " ".to_owned(),
            ..ShopContext::default()
        };
        let messages = [
            "你好",
            "地址改成上海市浦东新区世纪大道100号",
            "收件人改成张三",
            "订单号1234567890123查一下",
            "165cm 50kg穿什么码？",
            "M码还有吗",
            "L码还有吗",
            "体重50kg",
            "身高170能穿吗",
            "平时穿38码的鞋",
            "37码有吗",
        ];
        for message in messages {
            let analysis = engine.analyze(message);
            for &product in &products {
                for shop in [Some(&shop), Some(&blank), None] {
                    let facts = Facts {
                        analysis: &analysis,
                        product,
                        catalog: Some(&catalog),
                        shop,
                    };
                    let all = facts.fixed_fillable(u32::MAX);
                    assert_eq!(all & !(SHOP_SLOTS | PRODUCT_SLOTS), 0);
                    for (k, slot) in SLOTS.iter().enumerate() {
                        if (SHOP_SLOTS | PRODUCT_SLOTS) & 1 << k != 0 {
                            let can = facts.can_fill(k);
                            assert_eq!(can, Some(all & 1 << k != 0), "slot {slot}");
                            let alone = facts.fixed_fillable(1 << k) != 0;
                            assert_eq!(can, Some(alone), "slot {slot} alone");
                        }
                        if let Some(can) = facts.can_fill(k) {
                            assert_eq!(
                                can,
                                facts.fill(k).is_some(),
                                "slot {slot}, message {message}, product {:?}",
                                product.map(|p| &p.id)
                            );
                        }
                    }
                }
            }
        }
    }
}
