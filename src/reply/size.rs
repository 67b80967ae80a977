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
    let by_height = height.map(|h| rows(chart, h, |r| r.height_cm));
    let by_weight = weight.map(|w| rows(chart, w, |r| r.weight_kg));
    // Written piece by piece rather than with `format!`: this runs for every size question.
    let mut said = String::with_capacity(24);
    match (height, weight) {
        (Some(h), Some(w)) => {
            push_number(&mut said, f64::from(h));
            said.push_str("cm、");
            push_number(&mut said, f64::from(w));
            said.push_str("kg");
        }
        (Some(h), None) => {
            push_number(&mut said, f64::from(h));
            said.push_str("cm");
        }
        (None, Some(w)) => {
            push_number(&mut said, f64::from(w));
            said.push_str("kg");
        }
        (None, None) => return None,
    }
    let said = said.as_str();
    let fits: Vec<usize> = match (&by_height, &by_weight) {
        (Some(h), Some(w)) => {
            if h.is_empty() || w.is_empty() {
                Vec::new()
            } else {
                let both: Vec<usize> = h.iter().copied().filter(|i| w.contains(i)).collect();
                if both.is_empty() {
                    let lo = (*h.iter().min()?).min(*w.iter().min()?);
                    let hi = (*h.iter().max()?).max(*w.iter().max()?);
                    if hi - lo == 1 {
                        vec![lo, hi]
                    } else {
                        Vec::new()
                    }
                } else {
                    both
                }
            }
        }
        (Some(only), None) | (None, Some(only)) => only.clone(),
        (None, None) => Vec::new(),
    };
    let size_of = |i: usize| chart.get(i).map(|r| r.size.as_str());
    match fits.as_slice() {
        [] => Some(
            [
                "您",
                said,
                "的情况超出了这款尺码表的常规范围，建议量一下胸围和腰围，再对照尺码表选择",
            ]
            .concat(),
        ),
        [one] => Some(["根据您", said, "的情况，一般建议选", size_of(*one)?, "码"].concat()),
        [first, .., last] => {
            let (first, last) = (size_of(*first)?, size_of(*last)?);
            Some(
                [
                    "您",
                    said,
                    "的情况在",
                    first,
                    "码和",
                    last,
                    "码之间，喜欢合身一点可以选",
                    first,
                    "码，喜欢宽松一点建议选",
                    last,
                    "码",
                ]
                .concat(),
            )
        }
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

/// The rows whose range (by `range`) holds `value`, by index.
fn rows(chart: &[SizeRow], value: f32, range: impl Fn(&SizeRow) -> Option<[f32; 2]>) -> Vec<usize> {
    chart
        .iter()
        .enumerate()
        .filter(|(_, r)| range(r).is_some_and(|[lo, hi]| lo <= value && value <= hi))
        .map(|(i, _)| i)
        .collect()
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
