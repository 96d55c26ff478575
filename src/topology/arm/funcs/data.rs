//! Functions on strings, arrays, objects and numbers: pure, they see only their arguments.

use super::{R, arity, display, int, same, text};
use crate::topology::arm::value::Val;

/// Evaluate a data function (`f` lowercase).
pub(super) fn call(f: &str, name: &str, v: &[Val]) -> R {
    Ok(match f {
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
