//! Slots: the `{name}`s a template's text may hold, and how each is filled from the facts.

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

/// The facts one request offers.
pub(crate) struct Facts<'a> {
    pub analysis: &'a Analysis,
    pub product: Option<&'a Product>,
    pub catalog: Option<&'a Catalog>,
    pub shop: Option<&'a ShopContext>,
}

impl Facts<'_> {
    /// The value of a slot, or `None` when the facts do not say.
    pub(crate) fn fill(&self, slot: &str) -> Option<String> {
        let product = self.product;
        let shop = self.shop;
        let attribute = |name: &str| {
            product
                .and_then(|p| p.attributes.get(name))
                .filter(|v| !v.trim().is_empty())
                .cloned()
        };
        let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        match slot {
            "product" => product.map(|p| p.name.clone()).filter(|n| !n.is_empty()),
            "material" | "style" | "colors" | "season" => attribute(slot),
            "selling_point" => product.and_then(|p| p.selling_points.first().cloned()),
            "price" => product
                .and_then(|p| p.price)
                .map(|y| format!("{}元", crate::extract::format_number(y))),
            "size_advice" => product.and_then(|p| size::advice(self.analysis, p)),
            "size_chart" => product.and_then(size::chart_summary),
            "in_stock" => product.and_then(|p| in_stock(p, self.asked_size().as_deref())),
            "sold_out" => product.and_then(|p| sold_out(p, self.asked_size().as_deref())),
            "promotion" => shop.and_then(|s| s.promotions.first()).map(offer),
            "coupon" => shop.and_then(|s| s.coupons.first()).map(offer),
            "carriers" => shop
                .filter(|s| !s.carriers.is_empty())
                .map(|s| s.carriers.join("、")),
            "dispatch_cutoff" => shop.and_then(|s| nonempty(&s.dispatch_cutoff)),
            "delivery_days" => shop.and_then(|s| nonempty(&s.delivery_days)),
            "return_policy" => shop.and_then(|s| nonempty(&s.return_policy)),
            "service_hours" => shop.and_then(|s| nonempty(&s.service_hours)),
            "brand" => shop.and_then(|s| nonempty(&s.brand)),
            "cheaper" => cheaper(product?, self.catalog?),
            "new_address" => self.noted(NoteKind::Address),
            "new_recipient" => self.noted(NoteKind::Recipient),
            "instalments" => shop.and_then(|s| nonempty(&s.instalments)),
            "order_number" => self.analysis.quantities.iter().find_map(|q| match q {
                Quantity::OrderNumber { digits, .. } => Some(digits.clone()),
                _ => None,
            }),
            _ => None,
        }
    }
}

impl Facts<'_> {
    /// Whether [`Facts::fill`] would give a value, when that is cheap to tell without
    /// writing the value; `None` when only filling can tell.
    pub(crate) fn can_fill(&self, slot: &str) -> Option<bool> {
        let product = self.product;
        let shop = self.shop;
        let filled = |s: &str| !s.trim().is_empty();
        let shop_says = |f: fn(&ShopContext) -> &str| shop.is_some_and(|s| filled(f(s)));
        Some(match slot {
            "product" => product.is_some_and(|p| !p.name.is_empty()),
            "material" | "style" | "colors" | "season" => {
                product.is_some_and(|p| p.attributes.get(slot).is_some_and(|v| filled(v)))
            }
            "selling_point" => product.is_some_and(|p| !p.selling_points.is_empty()),
            "price" => product.is_some_and(|p| p.price.is_some()),
            "size_chart" => product.is_some_and(size::has_chart),
            "size_advice" => product.is_some_and(|p| size::can_advise(self.analysis, p)),
            // The size asked about is only in stock when some variant is.
            "in_stock" => product.is_some_and(|p| p.stock.values().any(|&n| n > 0)),
            "sold_out" => product.is_some_and(|p| match self.asked_size() {
                Some(size) => stock_of(p, &size) == Some(0),
                None => p.size_chart.iter().any(|r| stock_of(p, &r.size) == Some(0)),
            }),
            "promotion" => shop.is_some_and(|s| !s.promotions.is_empty()),
            "coupon" => shop.is_some_and(|s| !s.coupons.is_empty()),
            "carriers" => shop.is_some_and(|s| !s.carriers.is_empty()),
            "dispatch_cutoff" => shop_says(|s| &s.dispatch_cutoff),
            "delivery_days" => shop_says(|s| &s.delivery_days),
            "return_policy" => shop_says(|s| &s.return_policy),
            "service_hours" => shop_says(|s| &s.service_hours),
            "brand" => shop_says(|s| &s.brand),
            "instalments" => shop_says(|s| &s.instalments),
            "new_address" => self.has_noted(NoteKind::Address),
            "new_recipient" => self.has_noted(NoteKind::Recipient),
            "order_number" => self
                .analysis
                .quantities
                .iter()
                .any(|q| matches!(q, Quantity::OrderNumber { .. })),
            _ => return None,
        })
    }

    fn has_noted(&self, kind: NoteKind) -> bool {
        self.analysis
            .notes
            .iter()
            .find(|n| n.kind == kind)
            .is_some_and(|n| n.value.is_some())
    }

    /// The new value the buyer gave for an order note of `kind` (地址改成 …).
    fn noted(&self, kind: NoteKind) -> Option<String> {
        self.analysis
            .notes
            .iter()
            .find(|n| n.kind == kind)
            .and_then(|n| n.value.clone())
    }

    /// The size the buyer asked about, as the shop's size charts write it (`M`, `38`).
    fn asked_size(&self) -> Option<String> {
        self.analysis.quantities.iter().find_map(|q| match q {
            Quantity::ClothingSize { size, .. } => Some(size.as_str().to_owned()),
            Quantity::ShoeSize { size, .. } => {
                Some(crate::extract::format_number(f64::from(*size)))
            }
            _ => None,
        })
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
        .map(|(p, q)| format!("{}（{}元）", p.name, crate::extract::format_number(q)))
}

/// The stock of one size, summed over its variants (`M`, `M/白色`, …).
fn stock_of(p: &Product, size: &str) -> Option<u32> {
    let mut found = None;
    for (variant, &n) in &p.stock {
        let head = variant.split('/').next().unwrap_or(variant);
        if head.eq_ignore_ascii_case(size) {
            found = Some(found.unwrap_or(0) + n);
        }
    }
    found
}

fn offer(o: &crate::facts::Offer) -> String {
    if o.condition.trim().is_empty() {
        o.title.clone()
    } else {
        [o.title.as_str(), "（", o.condition.as_str(), "）"].concat()
    }
}

/// The sizes sold out: the one the buyer asked about, or every one when they named none.
fn sold_out(p: &Product, asked: Option<&str>) -> Option<String> {
    if let Some(size) = asked {
        return (stock_of(p, size)? == 0).then(|| size::label(size));
    }
    let sizes: Vec<String> = p
        .size_chart
        .iter()
        .filter(|r| stock_of(p, &r.size) == Some(0))
        .map(|r| size::label(&r.size))
        .collect();
    (!sizes.is_empty()).then(|| sizes.join("、"))
}

/// What is in stock: the size the buyer asked about when it is, otherwise every size that is.
fn in_stock(p: &Product, asked: Option<&str>) -> Option<String> {
    if let Some(size) = asked {
        if stock_of(p, size).is_some_and(|n| n > 0) {
            return Some(format!("{}有现货", size::label(size)));
        }
    }
    // In the size chart's order (S, M, L…), not the alphabet's.
    let rank = |v: &str| {
        p.size_chart
            .iter()
            .position(|r| r.size == v)
            .unwrap_or(usize::MAX)
    };
    let mut variants: Vec<&String> = p
        .stock
        .iter()
        .filter(|&(_, &n)| n > 0)
        .map(|(v, _)| v)
        .collect();
    variants.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    let sizes: Vec<String> = variants.into_iter().map(|v| size::label(v)).collect();
    match sizes.len() {
        0 => None,
        1 => sizes.first().map(|s| format!("{s}有现货")),
        _ => Some(format!("{}都有现货", sizes.join("、"))),
    }
}

/// A piece of a template's text: words as written (a byte range of the text), or a slot by
/// its position in [`SLOTS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(std::ops::Range<usize>),
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
        if open > at {
            out.push(Piece::Text(at..open));
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
    if at < text.len() {
        out.push(Piece::Text(at..text.len()));
    }
    Ok(Some(out))
}

/// The text with every slot filled, or `None` when one cannot be. `value` appends the value
/// of the slot it is given to the text so far, and says whether it could. `capacity` is
/// the room to allocate for the text.
pub(crate) fn fill(
    text: &str,
    pieces: &[Piece],
    capacity: usize,
    mut value: impl FnMut(usize, &mut String) -> bool,
) -> Option<String> {
    let mut out = String::with_capacity(capacity);
    for piece in pieces {
        match piece {
            Piece::Text(range) => out.push_str(text.get(range.clone())?),
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
    use super::{Facts, SLOTS};
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
                    for slot in SLOTS {
                        if let Some(can) = facts.can_fill(slot) {
                            assert_eq!(
                                can,
                                facts.fill(slot).is_some(),
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
