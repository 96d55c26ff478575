//! Character-level helpers of the fast path: the characters it refuses, the bytes that end
//! a plain scalar, the escapes of double-quoted scalars.

use super::fast::Bail;

type R<T> = Result<T, Bail>;

/// Refuse characters whose treatment is not plain: control characters (tabs included), a
/// lone CR, DEL, C1 controls (NEL), the BOM, U+2028/U+2029 and the non-characters
/// U+FFFE/U+FFFF.
pub(super) fn check_characters(s: &[u8]) -> R<()> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i < s.len() {
        // Eight printable ASCII bytes at a time: no byte below 0x20, none 0x7f or above.
        if let Some(chunk) = s.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            let below_space = x.wrapping_sub(ONES * 0x20) & !x;
            let del = (x ^ (ONES * 0x7f)).wrapping_sub(ONES) & !(x ^ (ONES * 0x7f));
            if (below_space | del | x) & HIGHS == 0 {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(s.len());
        while i < end {
            check_byte(s, i)?;
            i += 1;
        }
    }
    Ok(())
}

fn check_byte(s: &[u8], i: usize) -> R<()> {
    let b = s[i];
    let bad = match b {
        0x20..=0x7e | b'\n' => false,
        0x7f => true,
        b'\r' => s.get(i + 1) != Some(&b'\n'),
        0xc2 => s.get(i + 1).is_some_and(|&n| n < 0xa0),
        0xe2 => s.get(i + 1) == Some(&0x80) && matches!(s.get(i + 2), Some(0xa8 | 0xa9)),
        0xef => {
            matches!((s.get(i + 1), s.get(i + 2)), (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf)))
        }
        0x80.. => false,
        _ => true,
    };
    if bad { Err(Bail) } else { Ok(()) }
}

/// Bytes that may end a plain scalar, in block context (`STOP_BLOCK`) and in flow context
/// (`STOP_FLOW`).
pub(super) const STOP_BLOCK: u8 = 1;
pub(super) const STOP_FLOW: u8 = 2;
pub(super) static STOP: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let block = matches!(b, b'\n' | b'\r' | b':' | b'#');
        let flow = block || matches!(b, b',' | b'[' | b']' | b'{' | b'}');
        t[i] = (block as u8) * STOP_BLOCK + (flow as u8) * STOP_FLOW;
        i += 1;
    }
    t
};

pub(super) fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// Decode the escapes of a single-line double-quoted scalar.
pub(super) fn unescape(inner: &str) -> R<String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next().ok_or(Bail)? {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            _ => return Err(Bail),
        };
        out.push(decoded);
    }
    Ok(out)
}

fn hex(chars: &mut std::str::Chars<'_>, digits: usize) -> R<char> {
    let mut v: u32 = 0;
    for _ in 0..digits {
        let d = chars.next().and_then(|c| c.to_digit(16)).ok_or(Bail)?;
        v = v * 16 + d;
    }
    char::from_u32(v).ok_or(Bail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_characters_are_found_at_every_alignment() {
        let refused = [
            "\t", "\r", "\u{0}", "\u{1b}", "\u{7f}", "\u{85}", "\u{9f}", "\u{feff}", "\u{2028}", "\u{2029}",
            "\u{fffe}", "\u{ffff}",
        ];
        for bad in refused {
            for at in 0..17 {
                let text = format!("{}{bad}{}", "a".repeat(at), "b".repeat(17 - at));
                assert!(check_characters(text.as_bytes()).is_err(), "{bad:?} at {at}");
            }
        }
        let accepted = ["\n", "\r\n", "~", " ", "é", "\u{a0}", "\u{2027}", "\u{fffd}", "😀"];
        for good in accepted {
            for at in 0..17 {
                let text = format!("{}{good}{}", "a".repeat(at), "b".repeat(17 - at));
                assert!(check_characters(text.as_bytes()).is_ok(), "{good:?} at {at}");
            }
        }
    }

    #[test]
    fn escapes() {
        let decoded = unescape(r#"a\tb\x41\u00e9\U0001F600\N\_\\\"\/"#);
        assert_eq!(decoded.ok().as_deref(), Some("a\tbAé😀\u{85}\u{a0}\\\"/"));
        assert!(unescape(r"\q").is_err());
        assert!(unescape(r"\ud800").is_err());
        assert!(unescape(r"\x4").is_err());
    }

    #[test]
    fn stop_bytes() {
        assert_eq!(STOP[b':' as usize], STOP_BLOCK | STOP_FLOW);
        assert_eq!(STOP[b',' as usize], STOP_FLOW);
        assert_eq!(STOP[b'a' as usize], 0);
        assert!(is_flow_indicator(b'}') && !is_flow_indicator(b':'));
    }
}
