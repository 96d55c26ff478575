//! The Terraform functions real network modules use. Any other function is unknown (the
//! field that needs it gets a note), never guessed.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use ipnet::IpNet;

use super::eval::{MAX_ITEMS, MAX_TEXT, equal, is_invalid, to_set};
use super::value::{Val, Value, number_text};

type R = Result<Value, Val>;

/// Call `name` with evaluated arguments; the result is located at the call.
pub fn call(name: &str, args: Vec<Val>, span: Range<usize>) -> Val {
    match name {
        // `try` returns its first argument Terraform could evaluate; one topobook does not know
        // may be the one Terraform picks, so the result is then unknown too.
        "try" => {
            for a in &args {
                if !is_invalid(a) {
                    return a.clone().respan_top(span);
                }
            }
            return Val::invalid("no argument of `try` can be evaluated", span);
        }
        "can" => {
            return match args.first() {
                Some(a) if is_invalid(a) => Val::new(Value::Bool(false), span),
                Some(a) if a.is_unknown() => a.clone().respan_top(span),
                Some(_) => Val::new(Value::Bool(true), span),
                None => Val::invalid("`can` takes one argument", span),
            };
        }
        _ => {}
    }
    if let Some(u) = args.iter().find(|a| a.is_unknown()) {
        return u.clone().respan_top(span);
    }
    let f = Fn { name, args: &args, span: &span };
    match f.run() {
        Ok(Value::Str(s)) if s.len() > MAX_TEXT => Val::unknown("the text grows past 1 MiB", span),
        Ok(Value::List(l)) if l.len() > MAX_ITEMS => Val::unknown("the list grows past 100,000 items", span),
        Ok(v) => Val::new(v, span),
        Err(e) => e.respan_top(span),
    }
}

struct Fn<'x> {
    name: &'x str,
    args: &'x [Val],
    span: &'x Range<usize>,
}

impl Fn<'_> {
    fn bad(&self, what: impl std::fmt::Display) -> Val {
        Val::invalid(format!("`{}`: {what}", self.name), self.span.clone())
    }

    fn arity(&self, min: usize, max: usize) -> Result<(), Val> {
        let n = self.args.len();
        if n < min || n > max {
            let want = if min == max { format!("{min}") } else { format!("{min} to {max}") };
            return Err(self.bad(format!("takes {want} arguments, not {n}")));
        }
        Ok(())
    }

    fn text(&self, i: usize) -> Result<String, Val> {
        self.args.get(i).ok_or_else(|| self.bad("missing argument"))?.to_text()
    }

    fn num(&self, i: usize) -> Result<f64, Val> {
        self.args.get(i).ok_or_else(|| self.bad("missing argument"))?.to_number()
    }

    fn int(&self, i: usize) -> Result<i64, Val> {
        let n = self.num(i)?;
        if n.fract() != 0.0 || n.abs() > 1e15 {
            return Err(self.bad(format!("`{n}` is not a whole number")));
        }
        Ok(n as i64)
    }

    fn list(&self, i: usize) -> Result<Vec<Val>, Val> {
        match self.args.get(i).map(|a| &a.v) {
            Some(Value::List(items)) => Ok(items.clone()),
            Some(other) => Err(self.bad(format!("argument {} is {}, not a list", i + 1, other.kind()))),
            None => Err(self.bad("missing argument")),
        }
    }

    fn map(&self, i: usize) -> Result<BTreeMap<String, Val>, Val> {
        match self.args.get(i).map(|a| &a.v) {
            Some(Value::Map(m)) => Ok(m.clone()),
            Some(other) => Err(self.bad(format!("argument {} is {}, not a map", i + 1, other.kind()))),
            None => Err(self.bad("missing argument")),
        }
    }

    fn texts(items: &[Val]) -> Result<Vec<String>, Val> {
        items.iter().map(Val::to_text).collect()
    }

    fn run(&self) -> R {
        let a = self.args;
        let s = |x: String| Ok(Value::Str(x));
        match self.name {
            "format" => {
                self.arity(1, usize::MAX)?;
                s(format(&self.text(0)?, &a[1..]).map_err(|e| self.bad(e))?)
            }
            "lower" => s(self.text(0)?.to_lowercase()),
            "upper" => s(self.text(0)?.to_uppercase()),
            "title" => s(title(&self.text(0)?)),
            "trimspace" => s(self.text(0)?.trim().to_string()),
            "trim" => {
                let cut: Vec<char> = self.text(1)?.chars().collect();
                s(self.text(0)?.trim_matches(cut.as_slice()).to_string())
            }
            "trimprefix" => {
                let (x, p) = (self.text(0)?, self.text(1)?);
                s(x.strip_prefix(p.as_str()).map(str::to_string).unwrap_or(x))
            }
            "trimsuffix" => {
                let (x, p) = (self.text(0)?, self.text(1)?);
                s(x.strip_suffix(p.as_str()).map(str::to_string).unwrap_or(x))
            }
            "replace" => {
                self.arity(3, 3)?;
                let (x, from, to) = (self.text(0)?, self.text(1)?, self.text(2)?);
                if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                    return Err(Val::unknown(
                        "`replace` with a regular expression is not evaluated by topobook",
                        self.span.clone(),
                    ));
                }
                if from.is_empty() {
                    return s(x);
                }
                s(x.replace(&from, &to))
            }
            "substr" => {
                let x: Vec<char> = self.text(0)?.chars().collect();
                let (off, len) = (self.int(1)?, self.int(2)?);
                let start = if off < 0 { x.len() as i64 + off } else { off };
                if start < 0 || start as usize > x.len() {
                    return Err(self.bad("offset out of range"));
                }
                let start = start as usize;
                let end = if len < 0 { x.len() } else { (start + len as usize).min(x.len()) };
                s(x[start..end].iter().collect())
            }
            "startswith" => Ok(Value::Bool(self.text(0)?.starts_with(&self.text(1)?))),
            "endswith" => Ok(Value::Bool(self.text(0)?.ends_with(&self.text(1)?))),
            "strcontains" => Ok(Value::Bool(self.text(0)?.contains(&self.text(1)?))),
            "join" => {
                self.arity(2, usize::MAX)?;
                let sep = self.text(0)?;
                let mut parts = Vec::new();
                for i in 1..a.len() {
                    parts.extend(Self::texts(&self.list(i)?)?);
                }
                s(parts.join(&sep))
            }
            "split" => {
                let (sep, x) = (self.text(0)?, self.text(1)?);
                if sep.is_empty() {
                    return Err(self.bad("the separator is empty"));
                }
                let span = self.span.clone();
                Ok(Value::List(
                    x.split(&sep).map(|p| Val::new(Value::Str(p.to_string()), span.clone())).collect(),
                ))
            }
            "concat" => {
                let mut out = Vec::new();
                for i in 0..a.len() {
                    out.extend(self.list(i)?);
                }
                Ok(Value::List(out))
            }
            "merge" => {
                let mut out = BTreeMap::new();
                for (i, arg) in a.iter().enumerate() {
                    if matches!(arg.v, Value::Null) {
                        continue;
                    }
                    out.extend(self.map(i)?);
                }
                Ok(Value::Map(out))
            }
            "lookup" => {
                self.arity(2, 3)?;
                let (m, k) = (self.map(0)?, self.text(1)?);
                match (m.get(&k), a.get(2)) {
                    (Some(v), _) => Ok(v.v.clone()),
                    (None, Some(d)) => Ok(d.v.clone()),
                    (None, None) => Err(self.bad(format!("the map has no key `{k}`"))),
                }
            }
            "toset" => Ok(to_set(Val::new(Value::List(self.list(0)?), self.span.clone())).v),
            "tolist" => Ok(Value::List(self.list(0)?)),
            "tomap" => Ok(Value::Map(self.map(0)?)),
            "tostring" => match &a.first().ok_or_else(|| self.bad("missing argument"))?.v {
                Value::Null => Ok(Value::Null),
                _ => s(self.text(0)?),
            },
            "tonumber" => Ok(Value::Number(self.num(0)?)),
            "tobool" => Ok(Value::Bool(a.first().ok_or_else(|| self.bad("missing argument"))?.to_bool()?)),
            "element" => {
                let l = self.list(0)?;
                if l.is_empty() {
                    return Err(self.bad("the list is empty"));
                }
                let i = self.int(1)?;
                if i < 0 {
                    return Err(self.bad("the index is negative"));
                }
                Ok(l[i as usize % l.len()].v.clone())
            }
            "length" => match &a.first().ok_or_else(|| self.bad("missing argument"))?.v {
                Value::Str(x) => Ok(Value::Number(x.chars().count() as f64)),
                Value::List(l) => Ok(Value::Number(l.len() as f64)),
                Value::Map(m) => Ok(Value::Number(m.len() as f64)),
                other => Err(self.bad(format!("{} has no length", other.kind()))),
            },
            "coalesce" => a
                .iter()
                .find(|v| !matches!(&v.v, Value::Null) && !matches!(&v.v, Value::Str(x) if x.is_empty()))
                .map(|v| v.v.clone())
                .ok_or_else(|| self.bad("every argument is null or empty")),
            "coalescelist" => a
                .iter()
                .find(|v| matches!(&v.v, Value::List(l) if !l.is_empty()))
                .map(|v| v.v.clone())
                .ok_or_else(|| self.bad("every argument is an empty list")),
            "compact" => Ok(Value::List(
                self.list(0)?
                    .into_iter()
                    .filter(|v| {
                        !matches!(&v.v, Value::Null) && !matches!(&v.v, Value::Str(x) if x.is_empty())
                    })
                    .collect(),
            )),
            "distinct" => {
                let mut out: Vec<Val> = Vec::new();
                for v in self.list(0)? {
                    if !out.iter().any(|o| equal(&o.v, &v.v)) {
                        out.push(v);
                    }
                }
                Ok(Value::List(out))
            }
            "flatten" => {
                fn flat(items: Vec<Val>, out: &mut Vec<Val>) {
                    for v in items {
                        match v.v {
                            Value::List(inner) => flat(inner, out),
                            _ => out.push(v),
                        }
                    }
                }
                let mut out = Vec::new();
                flat(self.list(0)?, &mut out);
                Ok(Value::List(out))
            }
            "keys" => {
                let span = self.span.clone();
                Ok(Value::List(
                    self.map(0)?.into_keys().map(|k| Val::new(Value::Str(k), span.clone())).collect(),
                ))
            }
            "values" => Ok(Value::List(self.map(0)?.into_values().collect())),
            "contains" => {
                let x = a.get(1).ok_or_else(|| self.bad("missing argument"))?;
                Ok(Value::Bool(self.list(0)?.iter().any(|v| equal(&v.v, &x.v))))
            }
            "index" => {
                let x = a.get(1).ok_or_else(|| self.bad("missing argument"))?;
                match self.list(0)?.iter().position(|v| equal(&v.v, &x.v)) {
                    Some(i) => Ok(Value::Number(i as f64)),
                    None => Err(self.bad("the value is not in the list")),
                }
            }
            "one" => {
                let l = self.list(0)?;
                match l.len() {
                    0 => Ok(Value::Null),
                    1 => Ok(l[0].v.clone()),
                    n => Err(self.bad(format!("the list has {n} elements, not one"))),
                }
            }
            "sort" => {
                let mut t = Self::texts(&self.list(0)?)?;
                t.sort();
                let span = self.span.clone();
                Ok(Value::List(t.into_iter().map(|x| Val::new(Value::Str(x), span.clone())).collect()))
            }
            "reverse" => Ok(Value::List(self.list(0)?.into_iter().rev().collect())),
            "slice" => {
                let l = self.list(0)?;
                let (from, to) = (self.int(1)?, self.int(2)?);
                if from < 0 || to < from || to as usize > l.len() {
                    return Err(self.bad("the range is out of the list"));
                }
                Ok(Value::List(l[from as usize..to as usize].to_vec()))
            }
            "range" => {
                self.arity(1, 3)?;
                let (start, end, step) = match a.len() {
                    1 => (0.0, self.num(0)?, 1.0),
                    2 => (self.num(0)?, self.num(1)?, 1.0),
                    _ => (self.num(0)?, self.num(1)?, self.num(2)?),
                };
                if step == 0.0 || ((end - start) / step) > MAX_ITEMS as f64 {
                    return Err(self.bad("the range is too long"));
                }
                let mut out = Vec::new();
                let mut x = start;
                while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                    out.push(Val::new(Value::Number(x), self.span.clone()));
                    x += step;
                }
                Ok(Value::List(out))
            }
            "zipmap" => {
                let (k, v) = (Self::texts(&self.list(0)?)?, self.list(1)?);
                if k.len() != v.len() {
                    return Err(self.bad("the lists differ in length"));
                }
                Ok(Value::Map(k.into_iter().zip(v).collect()))
            }
            "sum" => Ok(Value::Number(self.list(0)?.iter().map(Val::to_number).sum::<Result<f64, Val>>()?)),
            "min" | "max" => {
                let mut nums = Vec::new();
                for i in 0..a.len() {
                    nums.push(self.num(i)?);
                }
                let pick = |x: f64, y: f64| if self.name == "min" { x.min(y) } else { x.max(y) };
                nums.into_iter().reduce(pick).map(Value::Number).ok_or_else(|| self.bad("no arguments"))
            }
            "abs" => Ok(Value::Number(self.num(0)?.abs())),
            "ceil" => Ok(Value::Number(self.num(0)?.ceil())),
            "floor" => Ok(Value::Number(self.num(0)?.floor())),
            "cidrsubnet" => {
                self.arity(3, 3)?;
                let net = self.cidr(0)?;
                cidr_subnet(net, self.int(1)?, self.int(2)?)
                    .map(|n| Value::Str(n.to_string()))
                    .map_err(|e| self.bad(e))
            }
            "cidrhost" => {
                self.arity(2, 2)?;
                let net = self.cidr(0)?;
                cidr_host(net, self.int(1)?).map(|ip| Value::Str(ip.to_string())).map_err(|e| self.bad(e))
            }
            "cidrnetmask" => match self.cidr(0)? {
                IpNet::V4(n) => s(n.netmask().to_string()),
                IpNet::V6(_) => Err(self.bad("only IPv4 prefixes have a netmask")),
            },
            other => Err(Val::unknown(
                format!("function `{other}` is not evaluated by topobook"),
                self.span.clone(),
            )),
        }
    }

    fn cidr(&self, i: usize) -> Result<IpNet, Val> {
        let t = self.text(i)?;
        t.parse::<IpNet>().map_err(|_| self.bad(format!("`{t}` is not a CIDR prefix")))
    }
}

/// `cidrsubnet(prefix, newbits, netnum)`: the `netnum`-th subnet `newbits` longer.
pub fn cidr_subnet(net: IpNet, newbits: i64, netnum: i64) -> Result<IpNet, String> {
    let len = i64::from(net.prefix_len()) + newbits;
    if newbits < 0 || len > i64::from(net.max_prefix_len()) {
        return Err(format!("cannot extend `{net}` by {newbits} bits"));
    }
    if netnum < 0 || (newbits < 64 && netnum >= (1i64 << newbits)) {
        return Err(format!("network number {netnum} does not fit in {newbits} bits"));
    }
    let shift = u32::from(net.max_prefix_len()) - len as u32;
    let offset = (netnum as u128).checked_shl(shift).unwrap_or(0);
    let len = len as u8;
    Ok(match net.trunc() {
        IpNet::V4(n) => {
            let addr = u128::from(u32::from(n.network())) | offset;
            IpNet::new(IpAddr::V4(Ipv4Addr::from(addr as u32)), len).map_err(|e| e.to_string())?
        }
        IpNet::V6(n) => {
            let addr = u128::from(n.network()) | offset;
            IpNet::new(IpAddr::V6(Ipv6Addr::from(addr)), len).map_err(|e| e.to_string())?
        }
    })
}

/// `cidrhost(prefix, hostnum)`: a host address in the prefix (negative counts from the end).
pub fn cidr_host(net: IpNet, hostnum: i64) -> Result<IpAddr, String> {
    let bits = u32::from(net.max_prefix_len() - net.prefix_len());
    let size: u128 = if bits >= 128 { u128::MAX } else { 1u128 << bits };
    let n =
        if hostnum < 0 { size.checked_sub(hostnum.unsigned_abs() as u128) } else { Some(hostnum as u128) };
    let Some(n) = n.filter(|n| *n < size) else {
        return Err(format!("host number {hostnum} is not in `{net}`"));
    };
    Ok(match net.trunc() {
        IpNet::V4(p) => IpAddr::V4(Ipv4Addr::from((u128::from(u32::from(p.network())) + n) as u32)),
        IpNet::V6(p) => IpAddr::V6(Ipv6Addr::from(u128::from(p.network()) + n)),
    })
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// Terraform's `format`: `%s`, `%d`, `%v`, `%q`, `%f`, `%t`, `%%`, with flags, width and
/// precision (both capped, so a format cannot ask for gigabytes).
fn format(spec: &str, args: &[Val]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek().filter(|f| "-+ 0#".contains(**f)) {
            flags.push(f);
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let verb = chars.next().ok_or("the format ends after `%`")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args.get(next).ok_or_else(|| format!("not enough arguments for `%{verb}`"))?;
        next += 1;
        let width: usize = width.parse().unwrap_or(0);
        if width > 1000 || precision.is_some_and(|p| p > 100) {
            return Err("the width or precision is too large".into());
        }
        let text = match verb {
            's' | 'v' => match &arg.v {
                Value::List(_) | Value::Map(_) if verb == 'v' => {
                    return Err("`%v` of a collection is not evaluated".into());
                }
                _ => arg.to_text().map_err(|e| unknown_text(&e))?,
            },
            'q' => format!("{:?}", arg.to_text().map_err(|e| unknown_text(&e))?),
            'd' => {
                let n = arg.to_number().map_err(|e| unknown_text(&e))?;
                if n.fract() != 0.0 {
                    return Err(format!("`%d` needs a whole number, not {n}"));
                }
                number_text(n)
            }
            'f' => format!("{:.*}", precision.unwrap_or(6), arg.to_number().map_err(|e| unknown_text(&e))?),
            't' => arg.to_bool().map_err(|e| unknown_text(&e))?.to_string(),
            other => return Err(format!("the verb `%{other}` is not evaluated")),
        };
        let pad = width.saturating_sub(text.chars().count());
        if flags.contains('-') {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            let fill = if flags.contains('0') && verb != 's' { '0' } else { ' ' };
            out.extend(std::iter::repeat_n(fill, pad));
            out.push_str(&text);
        }
    }
    Ok(out)
}

fn unknown_text(v: &Val) -> String {
    match &v.v {
        Value::Unknown(w) => w.message.clone(),
        other => format!("{} is not text", other.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Val {
        Val::new(Value::Str(x.into()), 0..0)
    }
    fn n(x: f64) -> Val {
        Val::new(Value::Number(x), 0..0)
    }
    fn text(v: Val) -> String {
        match v.v {
            Value::Str(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cidr_functions() {
        assert_eq!(text(call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(2.0)], 0..0)), "10.0.2.0/24");
        assert_eq!(text(call("cidrsubnet", vec![s("10.1.0.0/16"), n(10.0), n(3.0)], 0..0)), "10.1.0.192/26");
        assert_eq!(text(call("cidrsubnet", vec![s("fd00::/48"), n(16.0), n(5.0)], 0..0)), "fd00:0:0:5::/64");
        assert_eq!(text(call("cidrhost", vec![s("10.1.4.0/24"), n(4.0)], 0..0)), "10.1.4.4");
        assert_eq!(text(call("cidrhost", vec![s("10.1.4.0/24"), n(-2.0)], 0..0)), "10.1.4.254");
        assert!(is_invalid(&call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(256.0)], 0..0)));
        assert!(is_invalid(&call("cidrsubnet", vec![s("10.0.0.0/16"), n(20.0), n(0.0)], 0..0)));
        assert!(is_invalid(&call("cidrsubnet", vec![s("nonsense"), n(8.0), n(0.0)], 0..0)));
        assert_eq!(text(call("cidrnetmask", vec![s("10.0.0.0/20")], 0..0)), "255.255.240.0");
    }

    #[test]
    fn format_and_strings() {
        let f = call(
            "format",
            vec![s("%s-%03d-%q %5s|%-3s|%.2f %%"), s("a"), n(7.0), s("b"), s("c"), s("d"), n(1.5)],
            0..0,
        );
        assert_eq!(text(f), "a-007-\"b\"     c|d  |1.50 %");
        assert!(is_invalid(&call("format", vec![s("%s %s"), s("a")], 0..0)));
        assert!(is_invalid(&call("format", vec![s("%999999999d"), n(1.0)], 0..0)));
        assert_eq!(text(call("replace", vec![s("a-b-c"), s("-"), s("_")], 0..0)), "a_b_c");
        assert!(call("replace", vec![s("a"), s("/a/"), s("b")], 0..0).is_unknown());
        assert_eq!(text(call("substr", vec![s("hello"), n(1.0), n(3.0)], 0..0)), "ell");
        assert_eq!(text(call("title", vec![s("east us")], 0..0)), "East Us");
        assert_eq!(
            text(call("join", vec![s(","), Val::new(Value::List(vec![s("a"), s("b")]), 0..0)], 0..0)),
            "a,b"
        );
        assert!(call("nosuchfn", vec![], 0..0).is_unknown());
        assert!(!is_invalid(&call("nosuchfn", vec![], 0..0)));
    }

    #[test]
    fn collections() {
        let l = |xs: &[&str]| Val::new(Value::List(xs.iter().map(|x| s(x)).collect()), 0..0);
        let v = call("toset", vec![l(&["b", "a", "b"])], 0..0);
        assert_eq!(v.v, Value::List(vec![s("a"), s("b")]));
        assert_eq!(call("length", vec![l(&["a", "b"])], 0..0).v, Value::Number(2.0));
        assert_eq!(call("element", vec![l(&["a", "b"]), n(3.0)], 0..0).v, Value::Str("b".into()));
        assert_eq!(call("concat", vec![l(&["a"]), l(&["b"])], 0..0).v, Value::List(vec![s("a"), s("b")]));
        let m = call("zipmap", vec![l(&["k1", "k2"]), l(&["v1", "v2"])], 0..0);
        let m2 = Val::new(Value::Map(BTreeMap::from([("k2".to_string(), s("w"))])), 0..0);
        let merged = call("merge", vec![m, m2], 0..0);
        assert_eq!(call("lookup", vec![merged.clone(), s("k2")], 0..0).v, Value::Str("w".into()));
        assert_eq!(call("lookup", vec![merged, s("zz"), s("d")], 0..0).v, Value::Str("d".into()));
        assert!(is_invalid(&call("range", vec![n(1e12)], 0..0)));
        // `try` skips what Terraform cannot evaluate, but not what only topobook cannot know.
        let bad = Val::invalid("x", 0..0);
        let unknown = Val::unknown("y", 0..0);
        assert_eq!(call("try", vec![bad.clone(), s("d")], 0..0).v, Value::Str("d".into()));
        assert!(call("try", vec![unknown.clone(), s("d")], 0..0).is_unknown());
        assert_eq!(call("can", vec![bad], 0..0).v, Value::Bool(false));
        assert!(call("can", vec![unknown], 0..0).is_unknown());
    }
}
