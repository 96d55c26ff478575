//! The template functions topobook evaluates.
//!
//! What Azure knows only while deploying has no value here: the resource group's location and
//! name, the tenant, `list*()` results and runtime properties of resources are unknown. Stand-ins keep
//! what only needs to be stable: the subscription ID and resource group inside resource IDs,
//! `uniqueString()` (13 characters from a SipHash of its arguments, not Azure's hash) and
//! `guid()` (a UUID-shaped SipHash), so names built from them stay equal wherever they are
//! built. `environment()` is Azure's public cloud, the model's default `meta.cloud`.

use std::hash::Hasher;

use siphasher::sip::SipHasher13;

use super::eval::{At, Cx, Eval};
use super::expr::Expr;
use super::resid::{self, RESOURCE_GROUP, SUBSCRIPTION};
use super::scope;
use super::value::Val;

type R = Result<Val, String>;

/// Evaluate `name(args)`.
pub fn call(ev: &Eval<'_>, name: &str, args: &[Expr], _e: &Expr, cx: &Cx) -> Val {
    let lower = name.to_ascii_lowercase();
    // Functions that evaluate only the arguments they need.
    match lower.as_str() {
        "if" => return if_(ev, args, cx),
        "and" | "or" => return logic(ev, &lower, args, cx),
        "coalesce" => {
            for a in args {
                match ev.expr(a, cx) {
                    Val::Null => continue,
                    v => return v,
                }
            }
            return Val::Null;
        }
        _ => {}
    }
    if name.contains('.') {
        return Val::unknown(format!("user-defined function `{name}` is not evaluated"));
    }
    let vals: Vec<Val> = args.iter().map(|a| ev.expr(a, cx)).collect();
    if vals.iter().any(Val::is_unknown) {
        return Val::REPORTED;
    }
    match builtin(ev, &lower, name, &vals, cx.at) {
        Ok(v) => v,
        Err(reason) => Val::unknown(reason),
    }
}

fn if_(ev: &Eval<'_>, args: &[Expr], cx: &Cx) -> Val {
    if args.len() != 3 {
        return Val::unknown(
            "`if` takes 3 arguments: a condition, the value when true, the value when false",
        );
    }
    match ev.expr(&args[0], cx) {
        Val::Bool(true) => ev.expr(&args[1], cx),
        Val::Bool(false) => ev.expr(&args[2], cx),
        Val::Unknown(_) => Val::REPORTED,
        other => Val::unknown(format!("the condition of `if` is {}, not true or false", other.kind_name())),
    }
}

fn logic(ev: &Eval<'_>, which: &str, args: &[Expr], cx: &Cx) -> Val {
    if args.len() < 2 {
        return Val::unknown(format!("`{which}` takes at least 2 arguments"));
    }
    let decisive = which == "or";
    let mut unknown = false;
    for a in args {
        match ev.expr(a, cx) {
            Val::Bool(b) if b == decisive => return Val::Bool(decisive),
            Val::Bool(_) => {}
            Val::Unknown(_) => unknown = true,
            other => return Val::unknown(format!("`{which}` takes booleans, not {}", other.kind_name())),
        }
    }
    if unknown { Val::REPORTED } else { Val::Bool(!decisive) }
}

fn arity(name: &str, v: &[Val], min: usize, max: usize) -> Result<(), String> {
    if v.len() < min || v.len() > max {
        let n = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(format!(
            "`{name}` takes {n} argument{}, not {}",
            if n == "1" { "" } else { "s" },
            v.len()
        ));
    }
    Ok(())
}

fn text<'v>(name: &str, v: &'v Val) -> Result<&'v str, String> {
    v.as_str().ok_or_else(|| format!("`{name}` takes a string here, not {}", v.kind_name()))
}

fn int(name: &str, v: &Val) -> Result<i64, String> {
    v.as_int().ok_or_else(|| format!("`{name}` takes an integer here, not {}", v.kind_name()))
}

/// A value as `string()` and `format()` write it.
pub fn display(v: &Val) -> String {
    match v {
        Val::Str(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => f.to_string(),
        Val::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Val::Null => String::new(),
        other => other.to_json().map(|j| j.to_string()).unwrap_or_default(),
    }
}

fn builtin(ev: &Eval<'_>, f: &str, name: &str, v: &[Val], at: &At) -> R {
    Ok(match f {
        "parameters" => {
            arity(name, v, 1, 1)?;
            ev.param(at.scope, text(name, &v[0])?)
        }
        "variables" => {
            arity(name, v, 1, 1)?;
            ev.variable(at.scope, text(name, &v[0])?)
        }
        "copyindex" => {
            arity(name, v, 0, 2)?;
            let (loop_name, offset) = match v {
                [] => (None, 0),
                [Val::Str(n)] => (Some(n.as_str()), 0),
                [o] => (None, int(name, o)?),
                [n, o] => (Some(text(name, n)?), int(name, o)?),
                _ => unreachable!(),
            };
            match at.env.index(loop_name) {
                Some(i) => Val::Int(i + offset),
                None => {
                    return Err(match loop_name {
                        Some(n) => format!("there is no `copy` loop named `{n}` around this expression"),
                        None => "`copyIndex()` is used outside a `copy` loop".into(),
                    });
                }
            }
        }
        "resourcegroup" => Val::Object(vec![
            ("id".into(), Val::Str(format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"))),
            ("name".into(), Val::unknown("the resource group's name is known only at deployment")),
            ("type".into(), Val::Str("Microsoft.Resources/resourceGroups".into())),
            (
                "location".into(),
                Val::unknown(
                    "the resource group's location is known only at deployment: give the template's `location` parameter a value in the parameters file",
                ),
            ),
        ]),
        "subscription" => Val::Object(vec![
            ("id".into(), Val::Str(format!("/subscriptions/{SUBSCRIPTION}"))),
            ("subscriptionId".into(), Val::Str(SUBSCRIPTION.into())),
            ("tenantId".into(), Val::unknown("the tenant is known only at deployment")),
            ("displayName".into(), Val::unknown("the subscription's name is known only at deployment")),
        ]),
        "environment" => environment(),
        "deployment" | "tenant" | "managementgroup" => {
            return Err(format!("`{name}()` is known only at deployment"));
        }
        "resourceid" => resource_id(name, v, true)?,
        "subscriptionresourceid" => resource_id(name, v, false)?,
        "tenantresourceid" => {
            arity(name, v, 2, usize::MAX)?;
            let names: Vec<String> =
                v[1..].iter().map(|x| text(name, x).map(str::to_string)).collect::<Result<_, _>>()?;
            let id = resid::build(None, text(name, &v[0])?, &names);
            Val::Str(id.split_once("/providers/").map(|(_, t)| format!("/providers/{t}")).unwrap_or(id))
        }
        "extensionresourceid" => {
            arity(name, v, 3, usize::MAX)?;
            let ty = text(name, &v[1])?;
            let mut id = format!(
                "{}/providers/{}",
                text(name, &v[0])?.trim_end_matches('/'),
                ty.split('/').next().unwrap_or("")
            );
            for (t, n) in ty.split('/').skip(1).zip(&v[2..]) {
                id.push_str(&format!("/{t}/{}", text(name, n)?));
            }
            Val::Str(id)
        }
        "reference" => {
            arity(name, v, 1, 3)?;
            let full = v.get(2).and_then(Val::as_str).is_some_and(|s| s.eq_ignore_ascii_case("full"));
            scope::reference(ev, text(name, &v[0])?, full, at)
        }
        "uniquestring" => {
            arity(name, v, 1, usize::MAX)?;
            const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
            let mut h = hash(v, 1);
            let mut out = String::with_capacity(13);
            for _ in 0..13 {
                out.push(ALPHABET[(h & 31) as usize] as char);
                h >>= 5;
            }
            Val::Str(out)
        }
        "guid" => {
            arity(name, v, 1, usize::MAX)?;
            let (a, b) = (hash(v, 2), hash(v, 3));
            let x = format!("{a:016x}{b:016x}");
            Val::Str(format!("{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32]))
        }
        "equals" => {
            arity(name, v, 2, 2)?;
            Val::Bool(same(&v[0], &v[1]))
        }
        "not" => {
            arity(name, v, 1, 1)?;
            Val::Bool(
                !v[0].as_bool().ok_or_else(|| format!("`not` takes a boolean, not {}", v[0].kind_name()))?,
            )
        }
        "true" | "false" => {
            arity(name, v, 0, 0)?;
            Val::Bool(f == "true")
        }
        "null" => Val::Null,
        "bool" => {
            arity(name, v, 1, 1)?;
            match &v[0] {
                Val::Bool(b) => Val::Bool(*b),
                Val::Str(s) if s.eq_ignore_ascii_case("true") => Val::Bool(true),
                Val::Str(s) if s.eq_ignore_ascii_case("false") => Val::Bool(false),
                Val::Int(i) => Val::Bool(*i != 0),
                o => return Err(format!("`bool` cannot convert {}", o.kind_name())),
            }
        }
        "int" => {
            arity(name, v, 1, 1)?;
            match &v[0] {
                Val::Str(s) => Val::Int(s.trim().parse().map_err(|_| format!("`int` cannot convert `{s}`"))?),
                Val::Float(x) => Val::Int(x.trunc() as i64),
                o => Val::Int(int(name, o)?),
            }
        }
        "string" => {
            arity(name, v, 1, 1)?;
            Val::Str(display(&v[0]))
        }
        "json" => {
            arity(name, v, 1, 1)?;
            let s = text(name, &v[0])?;
            Val::from_json(
                &serde_json::from_str(s).map_err(|e| format!("`json` cannot read its argument: {e}"))?,
            )
        }
        "empty" => {
            arity(name, v, 1, 1)?;
            Val::Bool(match &v[0] {
                Val::Null => true,
                Val::Str(s) => s.is_empty(),
                Val::Array(a) => a.is_empty(),
                Val::Object(m) => m.is_empty(),
                _ => false,
            })
        }
        "length" => {
            arity(name, v, 1, 1)?;
            Val::Int(match &v[0] {
                Val::Str(s) => s.chars().count(),
                Val::Array(a) => a.len(),
                Val::Object(m) => m.len(),
                o => {
                    return Err(format!(
                        "`length` takes a string, an array or an object, not {}",
                        o.kind_name()
                    ));
                }
            } as i64)
        }
        "contains" => {
            arity(name, v, 2, 2)?;
            Val::Bool(match (&v[0], &v[1]) {
                (Val::Str(s), x) => s.contains(&display(x)),
                (Val::Array(a), x) => a.iter().any(|e| same(e, x)),
                (o @ Val::Object(_), Val::Str(k)) => o.get(k).is_some(),
                (o, _) => return Err(format!("`contains` cannot look inside {}", o.kind_name())),
            })
        }
        "first" | "last" => {
            arity(name, v, 1, 1)?;
            let first = f == "first";
            match &v[0] {
                Val::Array(a) => (if first { a.first() } else { a.last() }).cloned().unwrap_or(Val::Null),
                Val::Str(s) => Val::Str(
                    (if first { s.chars().next() } else { s.chars().last() })
                        .map(String::from)
                        .unwrap_or_default(),
                ),
                o => return Err(format!("`{name}` takes a string or an array, not {}", o.kind_name())),
            }
        }
        "tolower" | "toupper" | "trim" => {
            arity(name, v, 1, 1)?;
            let s = text(name, &v[0])?;
            Val::Str(match f {
                "tolower" => s.to_lowercase(),
                "toupper" => s.to_uppercase(),
                _ => s.trim().to_string(),
            })
        }
        "replace" => {
            arity(name, v, 3, 3)?;
            let (s, old, new) = (text(name, &v[0])?, text(name, &v[1])?, text(name, &v[2])?);
            if old.is_empty() {
                return Err("`replace` cannot replace an empty string".into());
            }
            Val::Str(s.replace(old, new))
        }
        "split" => {
            arity(name, v, 2, 2)?;
            let s = text(name, &v[0])?;
            let seps: Vec<String> = match &v[1] {
                Val::Array(a) => a.iter().map(display).collect(),
                x => vec![text(name, x)?.to_string()],
            };
            let mut parts = vec![s.to_string()];
            for sep in seps.iter().filter(|s| !s.is_empty()) {
                parts = parts
                    .iter()
                    .flat_map(|p| p.split(sep.as_str()).map(str::to_string).collect::<Vec<_>>())
                    .collect();
            }
            Val::Array(parts.into_iter().map(Val::Str).collect())
        }
        "substring" => {
            arity(name, v, 2, 3)?;
            let chars: Vec<char> = text(name, &v[0])?.chars().collect();
            let start = int(name, &v[1])?;
            let len = match v.get(2) {
                Some(l) => int(name, l)?,
                None => chars.len() as i64 - start,
            };
            if start < 0 || len < 0 || start + len > chars.len() as i64 {
                return Err(format!("`substring` reads past the end of a {}-character string", chars.len()));
            }
            Val::Str(chars[start as usize..(start + len) as usize].iter().collect())
        }
        "startswith" | "endswith" | "indexof" | "lastindexof" => {
            arity(name, v, 2, 2)?;
            let (s, p) = (text(name, &v[0])?.to_lowercase(), text(name, &v[1])?.to_lowercase());
            match f {
                "startswith" => Val::Bool(s.starts_with(&p)),
                "endswith" => Val::Bool(s.ends_with(&p)),
                "indexof" => Val::Int(s.find(&p).map(|i| s[..i].chars().count() as i64).unwrap_or(-1)),
                _ => Val::Int(s.rfind(&p).map(|i| s[..i].chars().count() as i64).unwrap_or(-1)),
            }
        }
        "padleft" => {
            arity(name, v, 2, 3)?;
            let s = display(&v[0]);
            let width = int(name, &v[1])?.clamp(0, 16 * 1024) as usize;
            let pad =
                v.get(2).map(|p| text(name, p)).transpose()?.and_then(|p| p.chars().next()).unwrap_or(' ');
            let n = s.chars().count();
            Val::Str(std::iter::repeat_n(pad, width.saturating_sub(n)).chain(s.chars()).collect())
        }
        "concat" => {
            if v.iter().all(|x| matches!(x, Val::Array(_))) && !v.is_empty() {
                Val::Array(
                    v.iter()
                        .flat_map(|x| if let Val::Array(a) = x { a.clone() } else { Vec::new() })
                        .collect(),
                )
            } else if v.iter().all(|x| matches!(x, Val::Str(_) | Val::Int(_) | Val::Bool(_))) {
                Val::Str(v.iter().map(display).collect())
            } else {
                return Err("`concat` takes strings or arrays, not a mix".into());
            }
        }
        "format" => {
            arity(name, v, 1, usize::MAX)?;
            Val::Str(format(text(name, &v[0])?, &v[1..])?)
        }
        "join" => {
            arity(name, v, 2, 2)?;
            let Val::Array(a) = &v[0] else { return Err("`join` takes an array".into()) };
            Val::Str(a.iter().map(display).collect::<Vec<_>>().join(text(name, &v[1])?))
        }
        "take" | "skip" => {
            arity(name, v, 2, 2)?;
            let n = int(name, &v[1])?.max(0) as usize;
            let take = f == "take";
            match &v[0] {
                Val::Array(a) => Val::Array(if take {
                    a.iter().take(n).cloned().collect()
                } else {
                    a.iter().skip(n).cloned().collect()
                }),
                Val::Str(s) => {
                    Val::Str(if take { s.chars().take(n).collect() } else { s.chars().skip(n).collect() })
                }
                o => return Err(format!("`{name}` takes a string or an array, not {}", o.kind_name())),
            }
        }
        "createarray" => Val::Array(v.to_vec()),
        "array" => {
            arity(name, v, 1, 1)?;
            match &v[0] {
                Val::Array(_) => v[0].clone(),
                x => Val::Array(vec![x.clone()]),
            }
        }
        "createobject" => {
            if !v.len().is_multiple_of(2) {
                return Err("`createObject` takes pairs of key and value".into());
            }
            let mut m = Vec::new();
            for pair in v.chunks(2) {
                m.push((text(name, &pair[0])?.to_string(), pair[1].clone()));
            }
            Val::Object(m)
        }
        "union" | "intersection" => {
            arity(name, v, 2, usize::MAX)?;
            set_op(f == "union", v)?
        }
        "items" => {
            arity(name, v, 1, 1)?;
            let Val::Object(m) = &v[0] else { return Err("`items` takes an object".into()) };
            let mut m = m.clone();
            m.sort_by_key(|(k, _)| k.to_lowercase());
            Val::Array(
                m.into_iter()
                    .map(|(k, x)| Val::Object(vec![("key".into(), Val::Str(k)), ("value".into(), x)]))
                    .collect(),
            )
        }
        "tryget" => {
            arity(name, v, 2, usize::MAX)?;
            let mut cur = v[0].clone();
            for k in &v[1..] {
                cur = match (&cur, k) {
                    (Val::Object(_), Val::Str(key)) => cur.get(key).cloned().unwrap_or(Val::Null),
                    (Val::Array(a), i) => {
                        i.as_int().and_then(|i| a.get(i as usize)).cloned().unwrap_or(Val::Null)
                    }
                    _ => Val::Null,
                };
            }
            cur
        }
        "range" => {
            arity(name, v, 2, 2)?;
            let (start, count) = (int(name, &v[0])?, int(name, &v[1])?);
            if !(0..=10_000).contains(&count) {
                return Err(format!("`range` of {count} items is more than topobook builds"));
            }
            Val::Array((start..start + count).map(Val::Int).collect())
        }
        "min" | "max" => {
            let items: Vec<Val> = match v {
                [Val::Array(a)] => a.clone(),
                _ => v.to_vec(),
            };
            let nums: Vec<i64> = items.iter().map(|x| int(name, x)).collect::<Result<_, _>>()?;
            let r = if f == "min" { nums.iter().min() } else { nums.iter().max() };
            Val::Int(*r.ok_or_else(|| format!("`{name}` of nothing"))?)
        }
        "add" | "sub" | "mul" | "div" | "mod" => {
            arity(name, v, 2, 2)?;
            let (a, b) = (int(name, &v[0])?, int(name, &v[1])?);
            let r = match f {
                "add" => a.checked_add(b),
                "sub" => a.checked_sub(b),
                "mul" => a.checked_mul(b),
                "div" => a.checked_div(b),
                _ => a.checked_rem(b),
            };
            Val::Int(r.ok_or_else(|| format!("`{name}({a}, {b})` has no integer result"))?)
        }
        "less" | "lessorequals" | "greater" | "greaterorequals" => {
            arity(name, v, 2, 2)?;
            let ord = match (&v[0], &v[1]) {
                (Val::Str(a), Val::Str(b)) => a.cmp(b),
                (a, b) => int(name, a)?.cmp(&int(name, b)?),
            };
            use std::cmp::Ordering::*;
            Val::Bool(match f {
                "less" => ord == Less,
                "lessorequals" => ord != Greater,
                "greater" => ord == Greater,
                _ => ord != Less,
            })
        }
        _ if f.starts_with("list") || f == "pickzones" || f == "providers" => {
            return Err(format!("`{name}()` is answered by Azure at deployment time"));
        }
        _ => return Err(format!("topobook does not evaluate the function `{name}`")),
    })
}

fn same(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => {
            a.as_int().is_some() && a.as_int() == b.as_int() || a == b
        }
        (Val::Object(x), Val::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, xv)| b.get(k).is_some_and(|yv| same(xv, yv)))
        }
        (Val::Array(x), Val::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        _ => a == b,
    }
}

fn hash(v: &[Val], salt: u64) -> u64 {
    let mut h = SipHasher13::new_with_keys(0x746f_706f_626f_6f6b, salt);
    for x in v {
        h.write(display(x).as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

fn resource_id(name: &str, v: &[Val], in_group: bool) -> R {
    let strings: Vec<&str> = v.iter().map(|x| text(name, x)).collect::<Result<_, _>>()?;
    let Some(t) = strings.iter().position(|s| s.contains('/')) else {
        return Err(format!("`{name}` needs a resource type like `Microsoft.Network/virtualNetworks`"));
    };
    let ty = strings[t];
    let names: Vec<String> = strings[t + 1..].iter().map(|s| s.to_string()).collect();
    let wanted = ty.split('/').count() - 1;
    if names.len() != wanted {
        return Err(format!(
            "`{ty}` needs {wanted} name{} in `{name}`, not {}",
            if wanted == 1 { "" } else { "s" },
            names.len()
        ));
    }
    let before = &strings[..t];
    Ok(Val::Str(if in_group {
        let (sub, rg) = match before {
            [] => (SUBSCRIPTION, RESOURCE_GROUP),
            [rg] => (SUBSCRIPTION, *rg),
            [sub, rg] => (*sub, *rg),
            _ => {
                return Err(format!(
                    "`{name}` takes at most a subscription and a resource group before the type"
                ));
            }
        };
        resid::build(Some((sub, rg)), ty, &names)
    } else {
        let id = resid::build(None, ty, &names);
        match before {
            [] => id,
            [sub] => id.replacen(SUBSCRIPTION, sub, 1),
            _ => return Err(format!("`{name}` takes at most a subscription before the type")),
        }
    }))
}

/// .NET composite formatting as `format()` does it: `{0}`, `{1}`, `{{`, `}}`.
fn format(fmt: &str, args: &[Val]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    spec.push(d);
                }
                let (index, rest) = spec.split_at(spec.find([',', ':']).unwrap_or(spec.len()));
                if !rest.is_empty() {
                    return Err(format!("`format` with the specifier `{{{spec}}}` is not evaluated"));
                }
                let i: usize = index
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{{{spec}}}` is not a placeholder of `format`"))?;
                out.push_str(&display(args.get(i).ok_or_else(|| format!("`format` has no argument {i}"))?));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn set_op(union: bool, v: &[Val]) -> R {
    if v.iter().all(|x| matches!(x, Val::Object(_))) {
        let mut acc = match &v[0] {
            Val::Object(m) => m.clone(),
            _ => Vec::new(),
        };
        for x in &v[1..] {
            let Val::Object(m) = x else { continue };
            if union {
                for (k, val) in m {
                    match acc.iter_mut().find(|(a, _)| a.eq_ignore_ascii_case(k)) {
                        Some((_, slot)) => {
                            *slot = match (&*slot, val) {
                                (Val::Object(_), Val::Object(_)) => {
                                    set_op(true, &[slot.clone(), val.clone()])?
                                }
                                _ => val.clone(),
                            }
                        }
                        None => acc.push((k.clone(), val.clone())),
                    }
                }
            } else {
                acc.retain(|(k, val)| x.get(k).is_some_and(|o| same(o, val)));
            }
        }
        return Ok(Val::Object(acc));
    }
    if v.iter().all(|x| matches!(x, Val::Array(_))) {
        let mut acc: Vec<Val> = Vec::new();
        let Val::Array(first) = &v[0] else { unreachable!() };
        for e in first {
            if !acc.iter().any(|a| same(a, e)) {
                acc.push(e.clone());
            }
        }
        for x in &v[1..] {
            let Val::Array(a) = x else { continue };
            if union {
                for e in a {
                    if !acc.iter().any(|y| same(y, e)) {
                        acc.push(e.clone());
                    }
                }
            } else {
                acc.retain(|e| a.iter().any(|y| same(y, e)));
            }
        }
        return Ok(Val::Array(acc));
    }
    Err("`union` and `intersection` take all objects or all arrays".into())
}

fn environment() -> Val {
    let s = |x: &str| Val::Str(x.to_string());
    Val::Object(vec![
        ("name".into(), s("AzureCloud")),
        ("gallery".into(), s("https://gallery.azure.com/")),
        ("graph".into(), s("https://graph.windows.net/")),
        ("portal".into(), s("https://portal.azure.com")),
        ("resourceManager".into(), s("https://management.azure.com/")),
        (
            "authentication".into(),
            Val::Object(vec![
                ("loginEndpoint".into(), s("https://login.microsoftonline.com/")),
                (
                    "audiences".into(),
                    Val::Array(vec![
                        s("https://management.core.windows.net/"),
                        s("https://management.azure.com/"),
                    ]),
                ),
            ]),
        ),
        (
            "suffixes".into(),
            Val::Object(vec![
                ("acrLoginServer".into(), s(".azurecr.io")),
                ("azureDatalakeAnalyticsCatalogAndJob".into(), s("azuredatalakeanalytics.net")),
                ("azureDatalakeStoreFileSystem".into(), s("azuredatalakestore.net")),
                ("azureFrontDoorEndpointSuffix".into(), s("azurefd.net")),
                ("keyvaultDns".into(), s(".vault.azure.net")),
                ("sqlServerHostname".into(), s(".database.windows.net")),
                ("storage".into(), s("core.windows.net")),
            ]),
        ),
    ])
}
