//! Slots: the `{name}`s a template's text may hold, and how each is filled from the facts.

use std::fmt::Write as _;

use crate::analysis::Analysis;
use crate::extract::Quantity;
use crate::facts::{Product, ShopContext};
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
    "promotion",
    "coupon",
    "carriers",
    "dispatch_cutoff",
    "delivery_days",
    "return_policy",
    "service_hours",
    "brand",
    "order_number",
];

/// The facts one request offers.
pub(crate) struct Facts<'a> {
    pub analysis: &'a Analysis,
    pub product: Option<&'a Product>,
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
            "in_stock" => product.and_then(in_stock),
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
            "order_number" => self.analysis.quantities.iter().find_map(|q| match q {
                Quantity::OrderNumber { digits, .. } => Some(digits.clone()),
                _ => None,
            }),
            _ => None,
        }
    }
}

fn offer(o: &crate::facts::Offer) -> String {
    if o.condition.trim().is_empty() {
        o.title.clone()
    } else {
        format!("{}（{}）", o.title, o.condition)
    }
}

fn in_stock(p: &Product) -> Option<String> {
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
    variants.sort_by_key(|v| (rank(v), (*v).clone()));
    let sizes: Vec<String> = variants.into_iter().map(|v| size::label(v)).collect();
    match sizes.len() {
        0 => None,
        1 => sizes.first().map(|s| format!("{s}有现货")),
        _ => Some(format!("{}都有现货", sizes.join("、"))),
    }
}

/// The slot names in a template's text, in order, each once.
pub(crate) fn slots_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        let name = after.get(..close).unwrap_or("");
        if !out.contains(&name) {
            out.push(name);
        }
        rest = after.get(close + 1..).unwrap_or("");
    }
    out
}

/// The text with every slot filled, or `None` when one cannot be.
pub(crate) fn render(text: &str, fill: &mut dyn FnMut(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or(""));
        let after = rest.get(open + 1..).unwrap_or("");
        let close = after.find('}')?;
        let value = fill(after.get(..close).unwrap_or(""))?;
        let _ = write!(out, "{value}");
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Some(out)
}
