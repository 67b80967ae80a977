//! Size advice (S3): the buyer's height and weight against the product's size chart, worded
//! as a suggestion so the buyer decides.

use crate::analysis::Analysis;
use crate::extract::{Quantity, format_number, push_number};
use crate::facts::{Product, SizeRow};

/// A size label as buyers read it: `M码`, `38码`.
pub(crate) fn label(size: &str) -> String {
    [size, "码"].concat()
}

/// The advice for this buyer and product, as a clause that follows `亲，`: a recommendation,
/// a choice between two sizes by fit preference, or a suggestion to measure when the buyer is
/// outside the chart. `None` when the message gives nothing to go on or the chart cannot say.
pub(crate) fn advice(analysis: &Analysis, product: &Product) -> Option<String> {
    let chart = &product.size_chart;
    if chart.is_empty() {
        return None;
    }
    let height = analysis.quantities.iter().find_map(|q| match q {
        Quantity::Height { cm, .. } => Some(*cm),
        _ => None,
    });
    let weight = analysis.quantities.iter().find_map(|q| match q {
        Quantity::Weight { kg, .. } => Some(*kg),
        _ => None,
    });
    let shoe = analysis.quantities.iter().find_map(|q| match q {
        Quantity::ShoeSize { size, .. } => Some(*size),
        _ => None,
    });
    if chart.iter().any(|r| r.foot_mm.is_some()) {
        let size = shoe?;
        let wanted = format_number(f64::from(size));
        return Some(if chart.iter().any(|r| r.size == wanted) {
            let w = wanted.as_str();
            ["您平时穿", w, "码的话，这款一般建议选", w, "码"].concat()
        } else {
            "您平时的鞋码不在这款的尺码范围里，建议量一下脚长再对照尺码表选择".to_owned()
        });
    }
    // The rows that fit, as the first and the last of them (one row when they are the same):
    // all the wording reads, so no list of rows is kept.
    let fits = match (height, weight) {
        (Some(h), Some(w)) => match (
            span(chart, |r| holds(r.height_cm, h)),
            span(chart, |r| holds(r.weight_kg, w)),
        ) {
            (Some(by_height), Some(by_weight)) => {
                span(chart, |r| holds(r.height_cm, h) && holds(r.weight_kg, w)).or_else(|| {
                    // Between two neighbouring sizes: offer both.
                    let lo = by_height.0.min(by_weight.0);
                    let hi = by_height.1.max(by_weight.1);
                    (hi - lo == 1).then_some((lo, hi))
                })
            }
            _ => None,
        },
        (Some(h), None) => span(chart, |r| holds(r.height_cm, h)),
        (None, Some(w)) => span(chart, |r| holds(r.weight_kg, w)),
        (None, None) => return None,
    };
    let size_of = |i: usize| chart.get(i).map(|r| r.size.as_str());
    // Written piece by piece into one buffer: this runs for every size question.
    let mut out = String::with_capacity(160);
    match fits {
        None => {
            out.push('您');
            push_said(&mut out, height, weight);
            out.push_str(
                "的情况超出了这款尺码表的常规范围，建议量一下胸围和腰围，再对照尺码表选择",
            );
        }
        Some((one, last)) if one == last => {
            out.push_str("根据您");
            push_said(&mut out, height, weight);
            out.push_str("的情况，一般建议选");
            out.push_str(size_of(one)?);
            out.push('码');
        }
        Some((first, last)) => {
            let (first, last) = (size_of(first)?, size_of(last)?);
            out.push('您');
            push_said(&mut out, height, weight);
            out.push_str("的情况在");
            out.push_str(first);
            out.push_str("码和");
            out.push_str(last);
            out.push_str("码之间，喜欢合身一点可以选");
            out.push_str(first);
            out.push_str("码，喜欢宽松一点建议选");
            out.push_str(last);
            out.push('码');
        }
    }
    Some(out)
}

/// Appends what the buyer said of themselves: `165cm、50kg`, `165cm`, `50kg`.
fn push_said(out: &mut String, height: Option<f32>, weight: Option<f32>) {
    if let Some(h) = height {
        push_number(out, f64::from(h));
        out.push_str("cm");
        if weight.is_some() {
            out.push('、');
        }
    }
    if let Some(w) = weight {
        push_number(out, f64::from(w));
        out.push_str("kg");
    }
}

/// True when [`advice`] has something to say, without writing it.
pub(crate) fn can_advise(analysis: &Analysis, product: &Product) -> bool {
    let chart = &product.size_chart;
    if chart.is_empty() {
        return false;
    }
    let said = |keep: fn(&Quantity) -> bool| analysis.quantities.iter().any(keep);
    if chart.iter().any(|r| r.foot_mm.is_some()) {
        return said(|q| matches!(q, Quantity::ShoeSize { .. }));
    }
    said(|q| matches!(q, Quantity::Height { .. } | Quantity::Weight { .. }))
}

/// Whether `range` holds `value`.
fn holds(range: Option<[f32; 2]>, value: f32) -> bool {
    range.is_some_and(|[lo, hi]| lo <= value && value <= hi)
}

/// The first and the last row (by index) that `fits`, or `None` when none does.
fn span(chart: &[SizeRow], fits: impl Fn(&SizeRow) -> bool) -> Option<(usize, usize)> {
    let first = chart.iter().position(&fits)?;
    let last = chart.iter().rposition(&fits)?;
    Some((first, last))
}

/// A short summary of the chart: `S码适合身高150-158cm，M码适合身高158-165cm`.
pub(crate) fn chart_summary(product: &Product) -> Option<String> {
    // One buffer for the whole summary: this runs for every size question.
    let mut out = String::with_capacity(product.size_chart.len() * 40);
    for r in &product.size_chart {
        let (what, [lo, hi], unit) = match (r.height_cm, r.foot_mm) {
            (Some(range), _) => ("适合身高", range, "cm"),
            (None, Some(range)) => ("适合脚长", range, "mm"),
            (None, None) => continue,
        };
        if !out.is_empty() {
            out.push('，');
        }
        out.push_str(&r.size);
        out.push('码');
        out.push_str(what);
        push_number(&mut out, f64::from(lo));
        out.push('-');
        push_number(&mut out, f64::from(hi));
        out.push_str(unit);
    }
    (!out.is_empty()).then_some(out)
}

/// True when [`chart_summary`] has something to say, without writing it.
pub(crate) fn has_chart(product: &Product) -> bool {
    product
        .size_chart
        .iter()
        .any(|r| r.height_cm.is_some() || r.foot_mm.is_some())
}
