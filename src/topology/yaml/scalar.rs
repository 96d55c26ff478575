//! Scalar resolution of the fast path: how a scalar's text becomes a bool, an integer, a
//! float or a string, following the reference parser (serde-saphyr with the options of
//! [`super::from_str`]: YAML 1.2 core schema, `strict_booleans`, no legacy octal, non-finite
//! floats refused where the target type is not known).
//!
//! Every function answers `None` where the reference would fail; the fast path then bails
//! and the reference produces the error.

/// Padding the reference ignores around a scalar before converting it.
pub(super) fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// Plain scalars that resolve to null (an empty value is null too).
pub(super) fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// YAML 1.2 core booleans (`strict_booleans`: no `yes`/`on`).
pub(super) fn bool(s: &str) -> Option<bool> {
    match trim(s) {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Digits with single underscores between them, in `radix`.
fn digits(digits: &str, radix: u32) -> Option<u128> {
    let bytes = digits.as_bytes();
    let mut value: u128 = 0;
    let mut seen = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let prev_ok = i > 0 && bytes[i - 1] != b'_';
            let next_ok = bytes.get(i + 1).is_some_and(|&n| n != b'_');
            if !prev_ok || !next_ok {
                return None;
            }
            continue;
        }
        let d = (b as char).to_digit(radix)?;
        value = value.checked_mul(u128::from(radix))?.checked_add(u128::from(d))?;
        seen = true;
    }
    seen.then_some(value)
}

/// Radix and digits of an unsigned integer spelling (`0x`, `0o`, `0b` or decimal).
fn radix(rest: &str) -> (u32, &str) {
    let b = rest.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return (16, &rest[2..]),
            b'o' | b'O' => return (8, &rest[2..]),
            b'b' | b'B' => return (2, &rest[2..]),
            _ => {}
        }
    }
    (10, rest)
}

/// Magnitude of an integer spelling without its sign; decimal with a redundant leading
/// zero is refused, as the reference does without legacy octal.
fn magnitude(rest: &str) -> Option<u128> {
    let (radix, ds) = radix(rest);
    if radix == 10 && ds.starts_with('0') && ds != "0" {
        return None;
    }
    digits(ds, radix)
}

/// A signed integer of type `T`.
pub(super) fn signed<T: TryFrom<i128>>(s: &str) -> Option<T> {
    let t = trim(s);
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'+') => (false, &t[1..]),
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    let mag = magnitude(rest)?;
    let value: i128 = if negative {
        if mag == i128::MAX as u128 + 1 { i128::MIN } else { -i128::try_from(mag).ok()? }
    } else {
        i128::try_from(mag).ok()?
    };
    T::try_from(value).ok()
}

/// An unsigned integer of type `T`.
pub(super) fn unsigned<T: TryFrom<u128>>(s: &str) -> Option<T> {
    let t = trim(s);
    if t.starts_with('-') {
        return None;
    }
    let rest = t.strip_prefix('+').unwrap_or(t);
    T::try_from(magnitude(rest)?).ok()
}

/// A float: `.inf`, `.nan` spellings or a finite decimal.
pub(super) fn float<T: std::str::FromStr + Into<f64> + Copy>(s: &str) -> Option<T> {
    let t = trim(s);
    if let Some(v) = non_finite::<T>(t) {
        return Some(v);
    }
    let v: T = t.parse().ok()?;
    v.into().is_finite().then_some(v)
}

fn non_finite<T: std::str::FromStr>(t: &str) -> Option<T> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let text = match unsigned {
        ".nan" | ".NaN" | ".NAN" => "NaN",
        ".inf" | ".Inf" | ".INF" if negative => "-inf",
        ".inf" | ".Inf" | ".INF" => "inf",
        _ => return None,
    };
    text.parse().ok()
}

/// What a plain scalar is when the target type is not known (`deserialize_any`).
#[derive(Debug, PartialEq)]
pub(super) enum Any {
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str,
    /// A non-finite float: the reference refuses it.
    Refused,
}

/// Resolve a plain, non-null scalar the way the reference's `deserialize_any` does: bool,
/// then integer, then float, else string.
pub(super) fn any(s: &str) -> Any {
    if let Some(b) = bool(s) {
        return Any::Bool(b);
    }
    let t = trim(s);
    let unsigned_part = t.strip_prefix(['+', '-']).unwrap_or(t);
    let upper_radix = matches!(unsigned_part.as_bytes(), [b'0', b'X' | b'O' | b'B', ..]);
    let signed_nan = matches!(unsigned_part, ".nan" | ".NaN" | ".NAN") && unsigned_part.len() < t.len();
    if upper_radix || signed_nan {
        return Any::Str;
    }
    if t.starts_with('-') {
        let leading_zero =
            t.len() > 2 && t.as_bytes()[1] == b'0' && t.bytes().skip(1).all(|b| b.is_ascii_digit());
        if !leading_zero && let Some(v) = signed::<i64>(t) {
            return Any::I64(v);
        }
    } else if let Some(v) = unsigned::<u64>(t) {
        return Any::U64(v);
    }
    if let Some(v) = float::<f64>(s) {
        return if v.is_finite() { Any::F64(v) } else { Any::Refused };
    }
    // A decimal that overflows f64 is a non-finite float too.
    if unsigned_part.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && t.parse::<f64>().is_ok_and(f64::is_infinite)
    {
        return Any::Refused;
    }
    Any::Str
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_the_core_schema() {
        assert_eq!(unsigned::<u32>("10"), Some(10));
        assert_eq!(unsigned::<u32>("+10"), Some(10));
        assert_eq!(unsigned::<u32>("0x1F"), Some(31));
        assert_eq!(unsigned::<u32>("0o17"), Some(15));
        assert_eq!(unsigned::<u32>("0b101"), Some(5));
        assert_eq!(unsigned::<u32>("1_000"), Some(1000));
        assert_eq!(unsigned::<u32>("010"), None);
        assert_eq!(unsigned::<u32>("-1"), None);
        assert_eq!(unsigned::<u32>("4294967296"), None);
        assert_eq!(unsigned::<u32>("1__0"), None);
        assert_eq!(signed::<i8>("-128"), Some(-128));
        assert_eq!(signed::<i8>("-129"), None);
        assert_eq!(signed::<i128>("-0x80000000000000000000000000000000"), Some(i128::MIN));
    }

    #[test]
    fn untyped_resolution() {
        assert_eq!(any("true"), Any::Bool(true));
        assert_eq!(any("yes"), Any::Str);
        assert_eq!(any("443"), Any::U64(443));
        assert_eq!(any("-5"), Any::I64(-5));
        assert_eq!(any("-05"), Any::F64(-5.0));
        assert_eq!(any("1e3"), Any::F64(1000.0));
        assert_eq!(any("0X1F"), Any::Str);
        assert_eq!(any("-.nan"), Any::Str);
        assert_eq!(any(".inf"), Any::Refused);
        assert_eq!(any("1e999"), Any::Refused);
        assert_eq!(any("29876-29877"), Any::Str);
        assert_eq!(any("2020-10"), Any::Str);
    }
}
