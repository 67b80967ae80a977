//! Size advice (S3): the buyer's height and weight against the product's size chart, worded
//! as a suggestion so the buyer decides.

use crate::analysis::Analysis;
use crate::extract::Quantity;
use crate::facts::{Product, SizeRow};

/// Appends `v` rounded to cents, as [`crate::extract::format_number`] writes it (`165`,
/// `1.5`, `0.05`, `-0.5`), with the digits written by hand: size charts and prices are written
/// for every size or price question, and the formatting machinery cost more than the rest of
/// the text.
pub(crate) fn push_number(out: &mut String, v: f64) {
    let cents = (v * 100.0).round();
    if !cents.is_finite() || cents.abs() >= 1e17 {
        // Beyond an i64 of cents: the way `format_number` writes it, whatever that is.
        crate::extract::push_number(out, v);
        return;
    }
    // Exact: the cents are a whole number below 1e17.
    let cents = cents as i64;
    let (whole, frac) = (cents / 100, (cents % 100).unsigned_abs());
    if cents < 0 {
        // `-0.5` has a whole part of 0, which carries no sign of its own.
        out.push('-');
    }
    push_digits(out, whole.unsigned_abs());
    if frac != 0 {
        out.push('.');
        push_digits(out, frac / 10);
        if frac % 10 != 0 {
            push_digits(out, frac % 10);
        }
    }
}

/// Appends the decimal digits of `n`.
pub(crate) fn push_digits(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            // `n % 10` is below 10.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for &d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// [`push_number`] into a new string.
pub(crate) fn format_number(v: f64) -> String {
    let mut out = String::with_capacity(8);
    push_number(&mut out, v);
    out
}

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

#[cfg(test)]
mod tests {
    /// The hand-written digits are those of the formatter they stand in for.
    #[test]
    fn numbers_as_extract_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            0.004,
            0.005,
            0.006,
            0.05,
            -0.05,
            -0.5,
            -1.0,
            -1.25,
            1.5,
            9.99,
            9.995,
            10.0,
            165.0,
            158.5,
            1e15,
            -1e15,
            1e16,
            1e17,
            1e18,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
            123_456_789.123,
        ];
        values.extend((-3000..3000).map(|k| f64::from(k) * 0.001));
        values.extend((0..2000).map(|k| f64::from(k) * 0.37 + 0.125));
        values.extend((0..400).map(|k| f64::from(f32::from(k as u16) * 0.25)));
        for v in values {
            assert_eq!(
                super::format_number(v),
                crate::extract::format_number(v),
                "{v:?}"
            );
        }
    }
}
