use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a buyer wants: the twelve labels of requirement S1.
///
/// `Other` is never scored; an analysis reports it when no other intent reaches the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Intent {
    /// Clothing or shoe fit: 尺码, 身高体重, 偏大偏小.
    Size,
    /// Amounts, bargaining, price mistakes, price protection.
    Price,
    /// Shipping time, courier, delivery, tracking, the shipping fee of a purchase.
    Logistics,
    /// Returns, exchanges, refunds, quality complaints, warranty, escalation.
    AfterSales,
    /// 有货吗 / 没货 / 补货.
    Stock,
    /// Attributes, material, usage, installation, authenticity, recommendations.
    ProductInfo,
    /// Coupons, campaigns, gifts, free shipping offers.
    Promotion,
    /// How and when to pay, payment methods, deposits.
    Payment,
    /// Address, phone or recipient changes, cancelling, remarks for the order.
    OrderChange,
    /// Invoices: 发票, 抬头, 税号.
    Invoice,
    /// Hello, 在吗, thanks, bye.
    Greeting,
    /// None of the above.
    Other,
}

impl Intent {
    /// Every label, in this order; [`Intent::index`] is the position here.
    pub const ALL: [Intent; 12] = [
        Intent::Size,
        Intent::Price,
        Intent::Logistics,
        Intent::AfterSales,
        Intent::Stock,
        Intent::ProductInfo,
        Intent::Promotion,
        Intent::Payment,
        Intent::OrderChange,
        Intent::Invoice,
        Intent::Greeting,
        Intent::Other,
    ];

    /// The label as packs and the eval files write it (`after_sales`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Intent::Size => "size",
            Intent::Price => "price",
            Intent::Logistics => "logistics",
            Intent::AfterSales => "after_sales",
            Intent::Stock => "stock",
            Intent::ProductInfo => "product_info",
            Intent::Promotion => "promotion",
            Intent::Payment => "payment",
            Intent::OrderChange => "order_change",
            Intent::Invoice => "invoice",
            Intent::Greeting => "greeting",
            Intent::Other => "other",
        }
    }

    /// The position of this label in [`Intent::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown intent label.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown intent `{0}`")]
pub struct UnknownIntent(pub String);

impl FromStr for Intent {
    type Err = UnknownIntent;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| UnknownIntent(s.to_owned()))
    }
}
