//! The template functions topobook evaluates.
//!
//! - Deployment: `parameters`, `variables`, `copyIndex` (named, with an offset), `resourceGroup`
//!   (`id`; `name` and `location` unknown), `subscription` (`id`, `subscriptionId`),
//!   `environment` (Azure's public cloud: `name`, `suffixes.*`, endpoints), `reference` (a
//!   nested deployment's `outputs`, a declared resource's properties, `'Full'` for `id`,
//!   `location`...; by resource ID, symbolic name or name).
//! - Resource IDs: `resourceId`, `subscriptionResourceId`, `tenantResourceId`,
//!   `extensionResourceId`; stand-ins `uniqueString`, `guid`.
//! - Logic: `if`, `and`, `or` (evaluating only what decides), `coalesce`, `not`, `equals`,
//!   `less`, `lessOrEquals`, `greater`, `greaterOrEquals`, `bool`, `true`, `false`, `null`.
//! - Strings: `concat`, `format` (`{0}`, `{{`), `toLower`, `toUpper`, `trim`, `replace`,
//!   `split`, `substring`, `startsWith`, `endsWith`, `indexOf`, `lastIndexOf`, `padLeft`,
//!   `join`, `string`, `int`, `json`.
//! - Arrays, objects, numbers (in `data`, like most string functions): `empty`, `length`, `contains`, `first`, `last`,
//!   `take`, `skip`, `createArray`, `array`, `createObject`, `union` (objects deeply),
//!   `intersection`, `items`, `tryGet`, `range`, `min`, `max`, `add`, `sub`, `mul`, `div`, `mod`.
//!
//! Anything else (`list*`, `pickZones`, `deployment()`, user-defined functions...) is unknown,
//! with a note saying why.
//!
//! What Azure knows only while deploying has no value here: the resource group's location and
//! name, the tenant, `list*()` results and runtime properties of resources are unknown.
//! Stand-ins keep what only needs to be stable: the subscription ID and resource group inside
//! resource IDs ([`resid::SUBSCRIPTION`], [`resid::RESOURCE_GROUP`]), `uniqueString()` (13
//! characters from a SipHash of its arguments, not Azure's hash) and `guid()` (a UUID-shaped
//! SipHash), so names built from them are equal wherever they are built. `environment()` is
//! Azure's public cloud, the model's default `meta.cloud`.

use std::hash::Hasher;

use siphasher::sip::SipHasher13;

use super::eval::{At, Cx, Eval};
use super::expr::Expr;
use super::resid::{self, RESOURCE_GROUP, SUBSCRIPTION};
use super::scope;
use super::value::Val;

mod data;

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

pub(super) fn arity(name: &str, v: &[Val], min: usize, max: usize) -> Result<(), String> {
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

pub(super) fn text<'v>(name: &str, v: &'v Val) -> Result<&'v str, String> {
    v.as_str().ok_or_else(|| format!("`{name}` takes a string here, not {}", v.kind_name()))
}

pub(super) fn int(name: &str, v: &Val) -> Result<i64, String> {
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
        _ => return data::call(f, name, v),
    })
}

pub(super) fn same(a: &Val, b: &Val) -> bool {
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
