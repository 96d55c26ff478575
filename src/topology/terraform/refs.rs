//! References: `var.x` (tfvars over defaults, converted to the declared type), `local.x`,
//! resources by address (one instance, a list for `count`, a map for `for_each`), data
//! sources and module outputs (unknown), and undeclared names (errors at the reference).

use std::ops::Range;

use hcl_edit::expr::{Expression, TraversalOperator};

use super::eval::{Evaluator, to_set};
use super::instances::{Key, Mode};
use super::value::{Val, Value, Why, WhyKind};
use crate::diag::{Severity, ToolCode, did_you_mean};

impl Evaluator<'_> {
    fn undeclared(&mut self, message: String, help: Option<String>, span: &Range<usize>) -> Val {
        self.problems.push(
            Severity::Error,
            ToolCode::UndeclaredReference,
            message.clone(),
            help,
            span.clone(),
        );
        let why = Why { message, span: span.clone(), kind: WhyKind::Reported };
        Val::new(Value::Unknown(std::sync::Arc::new(why)), span.clone())
    }

    /// Resolve a name that is not bound in scope, with the operators after it. Returns the
    /// value and how many operators it used.
    pub(super) fn reference(
        &mut self,
        root: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        span: &Range<usize>,
    ) -> Option<(Val, usize)> {
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(n)) => Some(n.as_str().to_string()),
            _ => None,
        };
        let cfg = self.cfg;
        Some(match root {
            "var" => match attr(0) {
                Some(n) => (self.var(&n, span), 1),
                None => (Val::invalid("`var` needs a variable name: `var.name`", span.clone()), 0),
            },
            "local" => match attr(0) {
                Some(n) => (self.local(&n, span), 1),
                None => (Val::invalid("`local` needs a name: `local.name`", span.clone()), 0),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) if cfg.data.contains_key(&(t.as_str(), n.as_str())) => (
                    Val::unknown(
                        format!(
                            "`data.{t}.{n}` is a data source: Terraform reads it from Azure when it plans"
                        ),
                        span.clone(),
                    ),
                    ops.len(),
                ),
                (Some(t), Some(n)) => (
                    self.undeclared(
                        format!("reference to undeclared data source `data.{t}.{n}`"),
                        Some(format!("declare it with `data \"{t}\" \"{n}\" {{ ... }}`")),
                        span,
                    ),
                    ops.len(),
                ),
                _ => (Val::invalid("`data` needs a type and a name", span.clone()), ops.len()),
            },
            "module" => match attr(0) {
                Some(m) if cfg.modules.contains_key(m.as_str()) => (
                    Val::unknown(
                        format!("module `{m}` is not read, so its outputs are unknown"),
                        span.clone(),
                    ),
                    ops.len(),
                ),
                Some(m) => (
                    self.undeclared(
                        format!("reference to undeclared module `{m}`"),
                        did_you_mean(&m, cfg.modules.keys().copied()).map(|s| format!("did you mean `{s}`?")),
                        span,
                    ),
                    ops.len(),
                ),
                None => (Val::invalid("`module` needs a name", span.clone()), 0),
            },
            "count" | "each" => (
                Val::invalid(format!("`{root}` is defined only in a block with `{root}`"), span.clone()),
                ops.len(),
            ),
            "path" | "terraform" | "self" => (
                Val::unknown(format!("`{root}` values are not evaluated by topobook"), span.clone()),
                ops.len(),
            ),
            kind => match attr(0) {
                Some(n) => match cfg.by_address.get(&(kind, n.as_str())) {
                    Some(&res) => (self.resource_value(res, span), 1),
                    None => {
                        // Suggest a resource of the same type (another type is never what was meant).
                        let same_kind = cfg.resources.iter().filter(|r| r.kind == kind).map(|r| r.name);
                        let wanted = format!("{kind}.{n}");
                        let help = did_you_mean(&n, same_kind)
                            .map(|s| format!("did you mean `{kind}.{s}`?"))
                            .or_else(|| Some(format!("declare `resource \"{kind}\" \"{n}\"` in the module")));
                        (
                            self.undeclared(
                                format!("reference to undeclared resource `{wanted}`"),
                                help,
                                span,
                            ),
                            1,
                        )
                    }
                },
                None => (
                    self.undeclared(
                        format!("`{kind}` is not a name Terraform knows here"),
                        Some("use `var.`, `local.`, `data.` or a resource address".into()),
                        span,
                    ),
                    ops.len(),
                ),
            },
        })
    }

    fn var(&mut self, name: &str, span: &Range<usize>) -> Val {
        let cfg = self.cfg;
        let Some((&key, var)) = cfg.variables.get_key_value(name) else {
            let help = did_you_mean(name, cfg.variables.keys().copied())
                .map(|s| format!("did you mean `var.{s}`?"))
                .or_else(|| Some(format!("declare it with `variable \"{name}\" {{}}`")));
            return self.undeclared(format!("reference to undeclared input variable `{name}`"), help, span);
        };
        match self.vars.get(key) {
            Some(Some(v)) => return v.clone(),
            Some(None) => return Val::invalid(format!("variable `{name}` refers to itself"), span.clone()),
            None => {}
        }
        self.vars.insert(key, None);
        let v = if let Some(at) = cfg.tfvars.get(key) {
            self.eval(*at, &Vec::new())
        } else if let Some(d) = var.default {
            self.eval(d, &Vec::new())
        } else {
            Val::unknown(
                format!("variable `{name}` has no default and no value in `terraform.tfvars`"),
                var.header.clone(),
            )
        };
        let v = match var.ty {
            Some(ty) => convert(v, ty),
            None => v,
        };
        self.vars.insert(key, Some(v.clone()));
        v
    }

    fn local(&mut self, name: &str, span: &Range<usize>) -> Val {
        let cfg = self.cfg;
        let Some((&key, at)) = cfg.locals.get_key_value(name) else {
            let help =
                did_you_mean(name, cfg.locals.keys().copied()).map(|s| format!("did you mean `local.{s}`?"));
            return self.undeclared(format!("reference to undeclared local value `{name}`"), help, span);
        };
        match self.locals.get(key) {
            Some(Some(v)) => return v.clone(),
            Some(None) => {
                return Val::invalid(format!("local value `{name}` refers to itself"), span.clone());
            }
            None => {}
        }
        self.locals.insert(key, None);
        let v = self.eval(*at, &Vec::new());
        self.locals.insert(key, Some(v.clone()));
        v
    }

    /// The value of a resource address: one instance, a list (`count`) or a map (`for_each`).
    fn resource_value(&mut self, res: usize, span: &Range<usize>) -> Val {
        match self.expand(res) {
            Ok((Mode::Single, list)) => Val::new(Value::Resource(list[0]), span.clone()),
            Ok((Mode::Count, list)) => Val::new(
                Value::List(list.iter().map(|&i| Val::new(Value::Resource(i), span.clone())).collect()),
                span.clone(),
            ),
            Ok((Mode::ForEach, list)) => {
                let map = list
                    .iter()
                    .map(|&i| {
                        let key = match &self.instances[i].key {
                            Key::Name(k) => k.clone(),
                            _ => String::new(),
                        };
                        (key, Val::new(Value::Resource(i), span.clone()))
                    })
                    .collect();
                Val::new(Value::Map(map), span.clone())
            }
            Err(v) => v,
        }
    }
}

/// Convert a variable's value to its declared type (`string`, `number`, `bool`, `list(T)`,
/// `set(T)`, `map(T)`, `object({...})` with `optional(T, default)`, `tuple([...])`, `any`).
pub fn convert(v: Val, ty: &Expression) -> Val {
    if v.is_unknown() || matches!(v.v, Value::Null) {
        return v;
    }
    let span = v.span.clone();
    match ty {
        Expression::Variable(t) => match t.as_str() {
            "string" => match v.to_text() {
                Ok(s) => Val::new(Value::Str(s), span),
                Err(e) => e,
            },
            "number" => match v.to_number() {
                Ok(n) => Val::new(Value::Number(n), span),
                Err(e) => e,
            },
            "bool" => match v.to_bool() {
                Ok(b) => Val::new(Value::Bool(b), span),
                Err(e) => e,
            },
            _ => v,
        },
        Expression::FuncCall(f) => {
            let inner = f.args.get(0);
            match (f.name.name.as_str(), inner) {
                ("list" | "set", Some(elem)) => {
                    let items = match v.v {
                        Value::List(items) => items.into_iter().map(|x| convert(x, elem)).collect(),
                        Value::Map(_) => return Val::invalid("a map where a list is expected", span),
                        _ => vec![convert(v, elem)],
                    };
                    let out = Val::new(Value::List(items), span);
                    if f.name.name.as_str() == "set" { to_set(out) } else { out }
                }
                ("map", Some(elem)) => match v.v {
                    Value::Map(m) => Val::new(
                        Value::Map(m.into_iter().map(|(k, x)| (k, convert(x, elem))).collect()),
                        span,
                    ),
                    _ => Val::invalid("a map is expected", span),
                },
                ("object", Some(Expression::Object(fields))) => match v.v {
                    Value::Map(mut m) => {
                        for (k, fv) in fields.iter() {
                            let key = match k {
                                hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                hcl_edit::expr::ObjectKey::Expression(e) => match e.as_str() {
                                    Some(s) => s.to_string(),
                                    None => continue,
                                },
                            };
                            let fty = fv.expr();
                            let (fty, default) = match fty {
                                Expression::FuncCall(o) if o.name.name.as_str() == "optional" => {
                                    (o.args.get(0), o.args.get(1))
                                }
                                other => (Some(other), None),
                            };
                            match (m.remove(&key), fty) {
                                (Some(x), Some(t)) => {
                                    m.insert(key, convert(x, t));
                                }
                                (Some(x), None) => {
                                    m.insert(key, x);
                                }
                                (None, _) => {
                                    let d = default.and_then(literal).unwrap_or(Value::Null);
                                    m.insert(key, Val::new(d, span.clone()).respan(&span));
                                }
                            }
                        }
                        Val::new(Value::Map(m), span)
                    }
                    _ => Val::invalid("an object is expected", span),
                },
                _ => v,
            }
        }
        _ => v,
    }
}

/// A literal default of `optional(T, default)`.
fn literal(e: &Expression) -> Option<Value> {
    Some(match e {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => Value::Number(n.as_f64()?),
        Expression::String(s) => Value::Str(s.value().clone()),
        Expression::Array(a) => {
            Value::List(a.iter().map(|x| literal(x).map(|v| Val::new(v, 0..0))).collect::<Option<Vec<_>>>()?)
        }
        _ => return None,
    })
}
