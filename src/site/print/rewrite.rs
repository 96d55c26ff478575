//! Rewriting the attributes of a page's HTML for `print.html`: a light tokenizer that finds
//! the start tags of a fragment (skipping comments, CDATA, declarations, end tags and the raw
//! text of `<script>`, `<style>`, `<textarea>` and `<title>`) and hands each attribute value,
//! decoded, to a callback that may replace it. Everything else is copied byte for byte.
//!
//! It only needs to understand HTML as topobook and Markdown authors write it: quoted and
//! unquoted values, `/>`, any case. Text never holds a raw `<` that starts a tag (the
//! Markdown renderer and the highlighters escape it), and a stray `<` that starts no tag is
//! copied as it is.

use crate::escape;

/// What a callback sees of an attribute.
pub struct Attr<'a> {
    /// The attribute name, lowercase (`href`, `id`, `xlink:href`).
    pub name: &'a str,
    /// The value, with character references decoded.
    pub value: &'a str,
}

/// Tags whose content is raw text, not markup.
const RAW: &[&str] = &["script", "style", "textarea", "title"];

/// `html` with the value of every attribute named in `names` (lowercase) that `f` returns
/// `Some` for replaced (written double-quoted and escaped), and `open` added to every
/// `<details>` when `open_details`. Other attributes are neither decoded nor copied apart:
/// a diagram's thousands of coordinates cost a scan, not an allocation each.
#[cfg(test)]
pub fn rewrite(
    html: &str,
    open_details: bool,
    names: &[&str],
    f: &mut dyn FnMut(&Attr<'_>) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    rewrite_into(&mut out, html, open_details, names, f);
    out
}

/// [`rewrite`], appending to `out`.
pub fn rewrite_into(
    out: &mut String,
    html: &str,
    open_details: bool,
    names: &[&str],
    f: &mut dyn FnMut(&Attr<'_>) -> Option<String>,
) {
    let bytes = html.as_bytes();
    let mut attrs: Vec<AttrSpan> = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let lt = i + off;
        out.push_str(&html[i..lt]);
        let rest = &html[lt..];
        let skip_to =
            |end: &str, from: usize| rest[from..].find(end).map_or(html.len(), |n| lt + from + n + end.len());
        let skipped = if rest.starts_with("<!--") {
            Some(skip_to("-->", 4))
        } else if rest.starts_with("<![CDATA[") {
            Some(skip_to("]]>", 9))
        } else if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            Some(skip_to(">", 1))
        } else {
            None
        };
        if let Some(end) = skipped {
            out.push_str(&html[lt..end]);
            i = end;
            continue;
        }
        if !bytes.get(lt + 1).is_some_and(u8::is_ascii_alphabetic) {
            out.push('<');
            i = lt + 1;
            continue;
        }
        let Some(tag) = start_tag(html, lt, &mut attrs) else {
            // An unterminated tag: the rest is copied as it is.
            out.push_str(&html[lt..]);
            i = html.len();
            break;
        };
        write_tag(out, html, &tag, &attrs, open_details, names, f);
        i = tag.end;
        let name = &html[lt + 1..tag.name_end];
        if !tag.self_closing
            && let Some(raw) = RAW.iter().find(|r| r.eq_ignore_ascii_case(name))
        {
            // Copy the raw text up to its end tag.
            let close = format!("</{raw}");
            let end = find_ci(&html[i..], &close).map_or(html.len(), |n| i + n);
            out.push_str(&html[i..end]);
            i = end;
        }
    }
    out.push_str(&html[i..]);
}

/// An attribute: the byte range of its name and of its value (without quotes), if any.
type AttrSpan = (std::ops::Range<usize>, Option<std::ops::Range<usize>>);

struct Tag {
    /// Just past the tag name.
    name_end: usize,
    self_closing: bool,
    /// Just past the `>`.
    end: usize,
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len() - 1)).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

/// Parse the start tag at `lt`; its attributes go to `attrs` (cleared first).
fn start_tag(html: &str, lt: usize, attrs: &mut Vec<AttrSpan>) -> Option<Tag> {
    attrs.clear();
    let b = html.as_bytes();
    let mut p = lt + 1;
    while p < b.len() && !b[p].is_ascii_whitespace() && b[p] != b'>' && b[p] != b'/' {
        p += 1;
    }
    let name_end = p;
    loop {
        while p < b.len() && (b[p].is_ascii_whitespace() || (b[p] == b'/' && b.get(p + 1) != Some(&b'>'))) {
            p += 1;
        }
        match b.get(p) {
            None => return None,
            Some(b'>') => return Some(Tag { name_end, self_closing: false, end: p + 1 }),
            // `/>`
            Some(b'/') => return Some(Tag { name_end, self_closing: true, end: p + 2 }),
            Some(_) => {}
        }
        let start = p;
        while p < b.len() && !b[p].is_ascii_whitespace() && !matches!(b[p], b'=' | b'>' | b'/') {
            p += 1;
        }
        let name = start..p;
        let mut q = p;
        while q < b.len() && b[q].is_ascii_whitespace() {
            q += 1;
        }
        if q < b.len() && b[q] == b'=' {
            q += 1;
            while q < b.len() && b[q].is_ascii_whitespace() {
                q += 1;
            }
            let value = match b.get(q) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let close = html[q + 1..].find(quote as char)? + q + 1;
                    p = close + 1;
                    q + 1..close
                }
                _ => {
                    let s = q;
                    while q < b.len() && !b[q].is_ascii_whitespace() && b[q] != b'>' {
                        q += 1;
                    }
                    p = q;
                    s..q
                }
            };
            attrs.push((name, Some(value)));
        } else {
            attrs.push((name, None));
        }
    }
}

fn write_tag(
    out: &mut String,
    html: &str,
    tag: &Tag,
    attrs: &[AttrSpan],
    open_details: bool,
    names: &[&str],
    f: &mut dyn FnMut(&Attr<'_>) -> Option<String>,
) {
    let lt = html[..tag.name_end].rfind('<').unwrap_or(0);
    out.push_str(&html[lt..tag.name_end]);
    if open_details
        && html[lt + 1..tag.name_end].eq_ignore_ascii_case("details")
        && !attrs.iter().any(|(n, _)| html[n.clone()].eq_ignore_ascii_case("open"))
    {
        out.push_str(" open");
    }
    let mut copied = tag.name_end;
    for (name, value) in attrs {
        let Some(range) = value else { continue };
        let Some(known) = names.iter().find(|n| html[name.clone()].eq_ignore_ascii_case(n)) else { continue };
        let decoded = unescape(&html[range.clone()]);
        let Some(new) = f(&Attr { name: known, value: &decoded }) else { continue };
        // Replace the value with its quotes.
        let b = html.as_bytes();
        let quoted = range.start > 0
            && matches!(b[range.start - 1], b'"' | b'\'')
            && b.get(range.end).is_some_and(|c| matches!(c, b'"' | b'\''));
        let (from, to) = if quoted { (range.start - 1, range.end + 1) } else { (range.start, range.end) };
        out.push_str(&html[copied..from]);
        out.push('"');
        out.push_str(&escape::html(&new));
        out.push('"');
        copied = to;
    }
    out.push_str(&html[copied..tag.end]);
}

/// Decode the character references an attribute value may hold (named ones HTML writers use,
/// and numeric ones).
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|n| *n <= 10);
        let decoded = semi.and_then(|n| {
            let name = &after[..n];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, n))
        });
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &after[n + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix_ids(html: &str) -> String {
        rewrite(html, true, &["id", "href"], &mut |a| match a.name {
            "id" => Some(format!("p--{}", a.value)),
            "href" if a.value.starts_with('#') => Some(format!("#p--{}", &a.value[1..])),
            _ => None,
        })
    }

    #[test]
    fn rewrites_values_and_copies_the_rest() {
        let html = "<h2 id=\"a\">A &lt;b&gt;<a class=anchor href='#a'>#</a></h2>\n<!-- <a href=\"#x\"> -->\
<script>if (a<b) { x = '<a href=\"#y\">'; }</script><p>1 < 2</p><details class=\"d\"><summary>s</summary></details>\
<img src=\"x.png\" alt=\"a &amp; b\"/><br>";
        let got = prefix_ids(html);
        assert_eq!(
            got,
            "<h2 id=\"p--a\">A &lt;b&gt;<a class=anchor href=\"#p--a\">#</a></h2>\n<!-- <a href=\"#x\"> -->\
<script>if (a<b) { x = '<a href=\"#y\">'; }</script><p>1 < 2</p><details open class=\"d\"><summary>s</summary></details>\
<img src=\"x.png\" alt=\"a &amp; b\"/><br>"
        );
    }

    #[test]
    fn decodes_and_escapes_values() {
        let got = rewrite("<a HREF=\"a.html?x=1&amp;y=2\">", false, &["href"], &mut |a| {
            Some(format!("{}&z", a.value))
        });
        assert_eq!(got, "<a HREF=\"a.html?x=1&amp;y=2&amp;z\">");
        assert_eq!(unescape("&#39;&#x41;&unknown;&amp"), "'A&unknown;&amp");
        // A broken tag is copied, never a panic.
        assert_eq!(prefix_ids("<p>x <a href=\"#a"), "<p>x <a href=\"#a");
        assert_eq!(prefix_ids("<"), "<");
        assert_eq!(
            prefix_ids("<svg><![CDATA[ <a id=\"x\"> ]]></svg>"),
            "<svg><![CDATA[ <a id=\"x\"> ]]></svg>"
        );
    }
}
