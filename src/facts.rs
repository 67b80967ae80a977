//! The shop's facts, passed by the host with a request: the catalog and the shop's context
//! (requirements S2 and S20). Plain serde values; the engine reads them and never keeps them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One row of a size chart: the size and the body it fits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SizeRow {
    /// The size label as the shop writes it (`M`, `L`, `38`).
    pub size: String,
    /// The heights it fits, in cm, `[from, to]`.
    #[serde(default)]
    pub height_cm: Option<[f32; 2]>,
    /// The weights it fits, in kg, `[from, to]`.
    #[serde(default)]
    pub weight_kg: Option<[f32; 2]>,
    /// For shoes: the foot lengths it fits, in mm, `[from, to]`.
    #[serde(default)]
    pub foot_mm: Option<[f32; 2]>,
}

impl SizeRow {
    /// A row for a height and weight range.
    pub fn new(size: &str, height_cm: [f32; 2], weight_kg: [f32; 2]) -> SizeRow {
        SizeRow {
            size: size.to_owned(),
            height_cm: Some(height_cm),
            weight_kg: Some(weight_kg),
            foot_mm: None,
        }
    }
}

/// A product of the catalog.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Product {
    /// The shop's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its category (`dress`, `shoes`, `coat`, …), matched against templates' `categories`.
    #[serde(default)]
    pub category: String,
    /// Attributes by name: `material`, `style`, `colors`, `season`, or any the shop uses.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Selling points, strongest first.
    #[serde(default)]
    pub selling_points: Vec<String>,
    /// The price in yuan.
    #[serde(default)]
    pub price: Option<f64>,
    /// The size chart, smallest size first.
    #[serde(default)]
    pub size_chart: Vec<SizeRow>,
    /// Stock per variant (`M`, `M/白色`, …).
    #[serde(default)]
    pub stock: BTreeMap<String, u32>,
    /// Tags: `complex`, `expensive` or `customised` make the buyer's risk the first worry (S14).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The products a shop sells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Catalog {
    /// The products.
    pub products: Vec<Product>,
}

impl Catalog {
    /// The product with this id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }
}

/// A promotion or coupon and its conditions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Offer {
    /// What it is, e.g. `全店满299减30`.
    pub title: String,
    /// When it applies and how to use it, e.g. `满199可用，领取后下单自动抵扣`.
    #[serde(default)]
    pub condition: String,
}

/// What the shop knows about itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ShopContext {
    /// The shop's brand line.
    #[serde(default)]
    pub brand: String,
    /// The return and exchange policy in a sentence, e.g. `支持7天无理由退换，还送运费险`.
    #[serde(default)]
    pub return_policy: String,
    /// Whether returns are free for the buyer (lets risk-removing replies rank higher, S14).
    #[serde(default)]
    pub free_returns: bool,
    /// The carriers the shop ships with.
    #[serde(default)]
    pub carriers: Vec<String>,
    /// Orders paid before this time ship the same day, e.g. `16:00`.
    #[serde(default)]
    pub dispatch_cutoff: String,
    /// Usual delivery time, e.g. `2-4天`.
    #[serde(default)]
    pub delivery_days: String,
    /// Current promotions.
    #[serde(default)]
    pub promotions: Vec<Offer>,
    /// Current coupons.
    #[serde(default)]
    pub coupons: Vec<Offer>,
    /// Service hours, e.g. `9:00-23:00`.
    #[serde(default)]
    pub service_hours: String,
    /// How buyers can pay in instalments, e.g. `花呗3期免息`; empty when they cannot. Lets a
    /// budget objection get an instalment reply (S16).
    #[serde(default)]
    pub instalments: String,
}

/// A small demo catalog and shop context of our own, for examples, tests and trying the crate.
pub mod demo {
    use super::{Catalog, Offer, Product, ShopContext, SizeRow};

    fn attrs(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn stock(pairs: &[(&str, u32)]) -> std::collections::BTreeMap<String, u32> {
        pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
    }

    /// Five products: two dresses (the second a cheaper choice for a buyer on a budget), a
    /// T-shirt, a down jacket and a pair of shoes, with size charts.
    pub fn catalog() -> Catalog {
        let clothing_chart = vec![
            SizeRow::new("S", [150.0, 158.0], [40.0, 47.5]),
            SizeRow::new("M", [158.0, 165.0], [47.5, 55.0]),
            SizeRow::new("L", [165.0, 172.0], [55.0, 62.5]),
            SizeRow::new("XL", [172.0, 178.0], [62.5, 70.0]),
        ];
        let shoe_chart = (35..=40)
            .map(|s| SizeRow {
                size: s.to_string(),
                height_cm: None,
                weight_kg: None,
                foot_mm: Some([
                    (s as f32 - 35.0) * 5.0 + 225.0,
                    (s as f32 - 35.0) * 5.0 + 230.0,
                ]),
            })
            .collect();
        Catalog {
            products: vec![
                Product {
                    id: "dress-01".to_owned(),
                    name: "法式碎花连衣裙".to_owned(),
                    category: "dress".to_owned(),
                    attributes: attrs(&[
                        ("material", "棉麻混纺"),
                        ("style", "法式复古"),
                        ("colors", "米白、雾蓝"),
                        ("season", "春夏"),
                    ]),
                    selling_points: vec!["腰线收得高，显腿长".to_owned()],
                    price: Some(189.0),
                    size_chart: clothing_chart.clone(),
                    stock: stock(&[("S", 12), ("M", 30), ("L", 0), ("XL", 6)]),
                    tags: Vec::new(),
                },
                Product {
                    id: "dress-02".to_owned(),
                    name: "纯棉基础款连衣裙".to_owned(),
                    category: "dress".to_owned(),
                    attributes: attrs(&[
                        ("material", "纯棉"),
                        ("style", "简约日常"),
                        ("colors", "藏青、燕麦色"),
                        ("season", "春夏"),
                    ]),
                    selling_points: vec!["版型宽松，日常好搭".to_owned()],
                    price: Some(129.0),
                    size_chart: clothing_chart.clone(),
                    stock: stock(&[("S", 20), ("M", 25), ("L", 18), ("XL", 9)]),
                    tags: Vec::new(),
                },
                Product {
                    id: "tee-01".to_owned(),
                    name: "纯棉圆领短袖T恤".to_owned(),
                    category: "tshirt".to_owned(),
                    attributes: attrs(&[
                        ("material", "100%棉"),
                        ("style", "简约百搭"),
                        ("colors", "白色、黑色、灰色"),
                        ("season", "夏季"),
                    ]),
                    selling_points: vec!["领口加厚不易变形".to_owned()],
                    price: Some(59.0),
                    size_chart: clothing_chart,
                    stock: stock(&[("S", 40), ("M", 55), ("L", 38), ("XL", 20)]),
                    tags: Vec::new(),
                },
                Product {
                    id: "down-01".to_owned(),
                    name: "连帽长款羽绒服".to_owned(),
                    category: "coat".to_owned(),
                    attributes: attrs(&[
                        ("material", "90%白鸭绒填充"),
                        ("style", "简约通勤"),
                        ("colors", "黑色、燕麦色"),
                        ("season", "冬季"),
                    ]),
                    selling_points: vec!["过膝长度，挡风保暖".to_owned()],
                    price: Some(699.0),
                    size_chart: vec![
                        SizeRow::new("M", [155.0, 163.0], [45.0, 55.0]),
                        SizeRow::new("L", [163.0, 170.0], [55.0, 65.0]),
                        SizeRow::new("XL", [170.0, 178.0], [65.0, 75.0]),
                    ],
                    stock: stock(&[("M", 8), ("L", 5), ("XL", 0)]),
                    tags: vec!["expensive".to_owned()],
                },
                Product {
                    id: "shoes-01".to_owned(),
                    name: "软底小白鞋".to_owned(),
                    category: "shoes".to_owned(),
                    attributes: attrs(&[
                        ("material", "头层牛皮"),
                        ("style", "休闲百搭"),
                        ("colors", "白色、米色"),
                        ("season", "四季"),
                    ]),
                    selling_points: vec!["鞋底软，走久了也不累脚".to_owned()],
                    price: Some(239.0),
                    size_chart: shoe_chart,
                    stock: stock(&[("36", 10), ("37", 12), ("38", 0), ("39", 4)]),
                    tags: vec!["customised".to_owned()],
                },
            ],
        }
    }

    /// A shop context to go with [`catalog`].
    pub fn shop() -> ShopContext {
        ShopContext {
            brand: "棉语 · 舒适自在的日常衣橱".to_owned(),
            return_policy: "支持7天无理由退换，还送运费险".to_owned(),
            free_returns: true,
            carriers: vec!["中通".to_owned(), "顺丰".to_owned()],
            dispatch_cutoff: "16:00".to_owned(),
            delivery_days: "2-4天".to_owned(),
            promotions: vec![Offer {
                title: "全店满299减30".to_owned(),
                condition: "下单时自动生效".to_owned(),
            }],
            coupons: vec![Offer {
                title: "20元店铺券".to_owned(),
                condition: "满199可用，领取后下单自动抵扣".to_owned(),
            }],
            service_hours: "9:00-23:00".to_owned(),
            instalments: "花呗分3期免息".to_owned(),
        }
    }
}
