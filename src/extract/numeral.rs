//! Chinese numerals: 八十 → 80, 一百二十 → 120, 一百二 → 120, 六五 → 65.

/// The value of one Chinese digit character.
pub(crate) fn digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<u32> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        '万' => 10_000,
        _ => return None,
    })
}

/// The characters a Chinese numeral is written with.
const NUMERALS: [char; 16] = [
    '零', '〇', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万',
];

/// One bit for the low six bits of each numeral character.
const NUMERAL_BITS: u64 = {
    let mut bits = 0u64;
    let mut rest: &[char] = &NUMERALS;
    while let [c, tail @ ..] = rest {
        bits |= 1 << (*c as u32 & 63);
        rest = tail;
    }
    bits
};

/// True for the characters a Chinese numeral is written with.
pub(crate) fn is_numeral_char(c: char) -> bool {
    // Asked of every character of a message: the bit test turns most others away at once.
    NUMERAL_BITS >> (c as u32 & 63) & 1 == 1 && NUMERALS.contains(&c)
}

/// Parses a run of numeral characters. Without unit characters the digits are read one by one
/// (六五 → 65, as heights are said); with them, positionally, and a trailing digit after 百 or
/// 千 counts one place lower (一百二 → 120, 一千五 → 1500).
pub(crate) fn parse(chars: &[char]) -> Option<u32> {
    if chars.is_empty() || chars.len() > 9 {
        return None;
    }
    if chars.iter().all(|&c| digit(c).is_some()) {
        if chars.len() > 4 {
            return None;
        }
        return chars
            .iter()
            .try_fold(0u32, |acc, &c| Some(acc * 10 + digit(c)?));
    }
    let mut total = 0u32;
    let mut section = 0u32;
    let mut current: Option<u32> = None;
    let mut last_unit = 1u32;
    // The unit before this one within the current 万 section: units must fall (一百二十),
    // never repeat or rise (十十, 一百一百).
    let mut section_unit = u32::MAX;
    // 零 holds a place (一百零五 = 105): the digit after it is not one place lower.
    let mut zero = false;
    for &c in chars {
        if let Some(d) = digit(c) {
            if d == 0 {
                zero = true;
                continue;
            }
            if current.is_some() {
                return None; // two digits in a row inside a positional numeral
            }
            current = Some(d);
        } else if let Some(u) = unit(c) {
            if u == 10_000 {
                if total > 0 {
                    return None;
                }
                total = total.checked_add((section + current.unwrap_or(0)).checked_mul(u)?)?;
                section = 0;
                section_unit = u32::MAX;
            } else {
                if u >= section_unit {
                    return None;
                }
                section_unit = u;
                // 十 alone means 10; 百 and 千 need a digit before them.
                let d = match (current, u) {
                    (Some(d), _) => d,
                    (None, 10) => 1,
                    (None, _) => return None,
                };
                section = section.checked_add(d.checked_mul(u)?)?;
            }
            current = None;
            last_unit = u;
            zero = false;
        }
    }
    let tail = match current {
        Some(d) if !zero && last_unit >= 100 => d * (last_unit / 10),
        Some(d) => d,
        None => 0,
    };
    total.checked_add(section)?.checked_add(tail)
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn p(s: &str) -> Option<u32> {
        parse(&s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn numerals() {
        assert_eq!(p("八十"), Some(80));
        assert_eq!(p("十"), Some(10));
        assert_eq!(p("十五"), Some(15));
        assert_eq!(p("一百二十"), Some(120));
        assert_eq!(p("一百二"), Some(120));
        assert_eq!(p("两百"), Some(200));
        assert_eq!(p("一百零五"), Some(105));
        assert_eq!(p("三十八"), Some(38));
        assert_eq!(p("六五"), Some(65));
        assert_eq!(p("一千五"), Some(1500));
        assert_eq!(p("两万"), Some(20000));
        assert_eq!(p("百"), None);
        assert_eq!(p("一万二"), Some(12000));
        assert_eq!(p("三万五千"), Some(35000));
        assert_eq!(p("十十"), None);
        assert_eq!(p("一百一百"), None);
        assert_eq!(p("一百六十五"), Some(165));
        assert_eq!(p(""), None);
    }
}
