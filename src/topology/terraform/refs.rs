//! References: `var.x` (tfvars over defaults, converted to the declared type), `local.x`,
//! resources by address with their `count` and `for_each` instances, the attributes and
//! nested blocks (including `dynamic` ones) of an instance, data sources and module outputs
//! (unknown), and undeclared names (errors).

use std::collections::BTreeMap;
use std::ops::Range;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Body;

use super::codes;
use super::eval::{Evaluator, Scope, to_set};
use super::parse::{header_span, label, span_of};
use super::value::{Target, Val, Value, Why, WhyKind, set_of};
use crate::diag::{Severity, did_you_mean};

/// Most instances one resource may expand to.
pub const MAX_INSTANCES: usize = 10_000;

/// The instance key of an expanded resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    None,
    Index(usize),
    Name(String),
}

/// One instance of a resource block (the block itself, or one of its `count`/`for_each`
/// copies).
#[derive(Clone, Debug)]
pub struct Instance {
    pub resource: usize,
    pub key: Key,
    /// `count` or `each`.
    pub scope: Scope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Single,
    Count,
    ForEach,
}

pub enum Expansion {
    Pending,
    Busy,
    Done(Mode, Vec<usize>),
    Failed(Val),
}

/// A nested block as written, or one copy of a `dynamic` block's `content`.
pub struct BlockRef<'a> {
    pub kind: &'a str,
    pub body: &'a Body,
    pub base: usize,
    pub header: Range<usize>,
    pub scope: Scope,
}

/// An evaluated attribute: its value and the span of the whole `key = value`.
#[derive(Clone, Debug)]
pub struct Attr {
    pub val: Val,
    pub span: Range<usize>,
}

/// An evaluated block: a resource instance or one of its nested blocks.
#[derive(Clone, Debug)]
pub struct Obj {
    pub kind: String,
    pub attrs: BTreeMap<String, Attr>,
    pub blocks: Vec<Obj>,
    /// The block's header (`resource "azurerm_subnet" "x"`, `security_rule`).
    pub header: Range<usize>,
}

/// Attributes and blocks of a resource that are Terraform's, not the provider's.
const META_ATTRS: &[&str] = &["count", "for_each", "depends_on", "provider"];
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection", "timeouts"];

impl<'a> Evaluator<'a> {
    /// The address of an instance: `azurerm_subnet.x`, `azurerm_subnet.x[0]`, `azurerm_subnet.x["a"]`.
    pub fn address(&self, inst: usize) -> String {
        let i = &self.instances[inst];
        let r = &self.cfg.resources[i.resource];
        match &i.key {
            Key::None => r.address(),
            Key::Index(n) => format!("{}[{n}]", r.address()),
            Key::Name(k) => format!("{}[{k:?}]", r.address()),
        }
    }

    fn undeclared(&mut self, message: String, help: Option<String>, span: &Range<usize>) -> Val {
        self.problems.push(Severity::Error, codes::UNDECLARED_REFERENCE, message.clone(), help, span.clone());
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
                        format!("`data.{t}.{n}` is a data source: Terraform reads it from Azure when it plans"),
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
                    Val::unknown(format!("module `{m}` is not read, so its outputs are unknown"), span.clone()),
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
            "path" | "terraform" | "self" => {
                (Val::unknown(format!("`{root}` values are not evaluated by topobook"), span.clone()), ops.len())
            }
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
                        (self.undeclared(format!("reference to undeclared resource `{wanted}`"), help, span), 1)
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
            let help = did_you_mean(name, cfg.locals.keys().copied()).map(|s| format!("did you mean `local.{s}`?"));
            return self.undeclared(format!("reference to undeclared local value `{name}`"), help, span);
        };
        match self.locals.get(key) {
            Some(Some(v)) => return v.clone(),
            Some(None) => return Val::invalid(format!("local value `{name}` refers to itself"), span.clone()),
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

    /// The instances of a resource (expanded once).
    pub fn expand(&mut self, res: usize) -> Result<(Mode, Vec<usize>), Val> {
        match &self.expansion[res] {
            Expansion::Done(mode, list) => return Ok((*mode, list.clone())),
            Expansion::Failed(v) => return Err(v.clone()),
            Expansion::Busy => {
                let r = &self.cfg.resources[res];
                return Err(Val::invalid(format!("the `count` or `for_each` of `{}` depends on itself", r.address()), r.header.clone()));
            }
            Expansion::Pending => {}
        }
        self.expansion[res] = Expansion::Busy;
        let result = self.expand_now(res);
        self.expansion[res] = match &result {
            Ok((mode, list)) => Expansion::Done(*mode, list.clone()),
            Err(v) => Expansion::Failed(v.clone()),
        };
        result
    }

    fn expand_now(&mut self, res: usize) -> Result<(Mode, Vec<usize>), Val> {
        let r = &self.cfg.resources[res];
        let (body, base, address) = (r.body, r.base, r.address());
        let add = |ev: &mut Self, key: Key, scope: Scope| {
            ev.instances.push(Instance { resource: res, key, scope });
            ev.instances.len() - 1
        };
        let fail = |ev: &mut Self, what: &str, at: Range<usize>, v: Val| {
            let why = match &v.v {
                Value::Unknown(w) => w.message.clone(),
                other => format!("it is {}", other.kind()),
            };
            ev.problems.push(
                Severity::Warning,
                codes::CANNOT_EVALUATE,
                format!("cannot expand `{what}` of `{address}`: {why}; the resource is left out of the topology"),
                Some(format!("give `{what}` a value topobook can evaluate (a literal, a variable default, a tfvars value)")),
                at,
            );
            Err(v)
        };
        if let Some(a) = body.get_attribute("count") {
            let v = self.expr(&a.value, base, &Vec::new());
            let at = span_of(a, base);
            return match v.to_number() {
                Ok(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) <= MAX_INSTANCES => {
                    let list = (0..n as usize)
                        .map(|i| {
                            let idx = Val::new(Value::Number(i as f64), at.clone());
                            let count = Val::new(Value::Map(BTreeMap::from([("index".to_string(), idx)])), at.clone());
                            add(self, Key::Index(i), vec![("count".to_string(), count)])
                        })
                        .collect();
                    Ok((Mode::Count, list))
                }
                Ok(n) => fail(self, "count", at.clone(), Val::invalid(format!("`{n}` is not a count from 0 to {MAX_INSTANCES}"), at)),
                Err(u) => fail(self, "count", at, u),
            };
        }
        if let Some(a) = body.get_attribute("for_each") {
            let v = self.expr(&a.value, base, &Vec::new());
            let at = span_of(a, base);
            let pairs: Vec<(String, Val)> = match v.v {
                Value::Map(m) => m.into_iter().collect(),
                Value::List(items) => {
                    let mut keys = Vec::new();
                    for it in set_of(items) {
                        match it.to_text() {
                            Ok(k) => keys.push((k, it)),
                            Err(u) => return fail(self, "for_each", at, u),
                        }
                    }
                    keys
                }
                Value::Unknown(_) => return fail(self, "for_each", at, v),
                other => {
                    let v = Val::invalid(format!("`for_each` needs a map or a set of strings, not {}", other.kind()), at.clone());
                    return fail(self, "for_each", at, v);
                }
            };
            if pairs.len() > MAX_INSTANCES {
                let v = Val::invalid(format!("more than {MAX_INSTANCES} instances"), at.clone());
                return fail(self, "for_each", at, v);
            }
            let list = pairs
                .into_iter()
                .map(|(k, value)| {
                    let key = Val::new(Value::Str(k.clone()), at.clone());
                    let each = Val::new(
                        Value::Map(BTreeMap::from([("key".to_string(), key), ("value".to_string(), value)])),
                        at.clone(),
                    );
                    add(self, Key::Name(k), vec![("each".to_string(), each)])
                })
                .collect();
            return Ok((Mode::ForEach, list));
        }
        Ok((Mode::Single, vec![add(self, Key::None, Vec::new())]))
    }

    /// An attribute of an instance, read through a reference (located at `span`).
    pub(super) fn resource_attr(&mut self, inst: usize, name: &str, span: &Range<usize>) -> Val {
        if name == "id" {
            return Val::new(Value::Id(Target::Instance(inst)), span.clone());
        }
        let r = &self.cfg.resources[self.instances[inst].resource];
        let (body, base) = (r.body, r.base);
        if let Some(a) = body.get_attribute(name) {
            return self.instance_attr(inst, name, &a.value, base).respan(span);
        }
        if body.blocks().any(|b| b.ident.as_str() == name || is_dynamic(b, name)) {
            let scope = self.instances[inst].scope.clone();
            let blocks = self.blocks(body, base, &scope);
            let items: Vec<Val> = blocks
                .into_iter()
                .filter(|b| b.kind == name)
                .enumerate()
                .map(|(index, b)| {
                    let mut v = self.block_value(&b);
                    if let Value::Block(m) = &mut v.v {
                        let id = Target::Block { instance: inst, kind: name.to_string(), index };
                        m.insert("id".into(), Val::new(Value::Id(id), b.header.clone()));
                    }
                    v
                })
                .collect();
            return Val::new(Value::List(items), span.clone());
        }
        Val::unknown(
            format!("`{}.{name}` is not set in the configuration: it is known only once Terraform applies it", self.address(inst)),
            span.clone(),
        )
    }

    /// A top-level attribute of an instance, evaluated once.
    fn instance_attr(&mut self, inst: usize, name: &str, expr: &'a Expression, base: usize) -> Val {
        let key = (inst, name.to_string());
        match self.attrs.get(&key) {
            Some(Some(v)) => return v.clone(),
            Some(None) => {
                return Val::invalid(
                    format!("`{}.{name}` depends on itself", self.address(inst)),
                    span_of(expr, base),
                );
            }
            None => {}
        }
        self.attrs.insert(key.clone(), None);
        let scope = self.instances[inst].scope.clone();
        let v = self.expr(expr, base, &scope);
        self.attrs.insert(key, Some(v.clone()));
        v
    }

    /// The nested blocks of a body, `dynamic` blocks expanded.
    pub fn blocks(&mut self, body: &'a Body, base: usize, scope: &Scope) -> Vec<BlockRef<'a>> {
        let mut out = Vec::new();
        for block in body.blocks() {
            let header = header_span(block, base);
            if block.ident.as_str() != "dynamic" {
                out.push(BlockRef { kind: block.ident.as_str(), body: &block.body, base, header, scope: scope.clone() });
                continue;
            }
            let Some(kind) = block.labels.first().map(label) else { continue };
            let Some(content) = block.body.get_blocks("content").next() else { continue };
            let iterator = block
                .body
                .get_attribute("iterator")
                .and_then(|a| a.value.as_variable().map(|v| v.as_str()))
                .unwrap_or(kind);
            let Some(fe) = block.body.get_attribute("for_each") else { continue };
            let coll = self.expr(&fe.value, base, scope);
            let pairs: Vec<(Val, Val)> = match coll.v {
                Value::List(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (Val::new(Value::Number(i as f64), v.span.clone()), v))
                    .collect(),
                Value::Map(m) => m.into_iter().map(|(k, v)| (Val::new(Value::Str(k), v.span.clone()), v)).collect(),
                Value::Null => Vec::new(),
                other => {
                    let why = match &other {
                        Value::Unknown(w) => w.message.clone(),
                        o => format!("it is {}", o.kind()),
                    };
                    self.problems.push(
                        Severity::Warning,
                        codes::CANNOT_EVALUATE,
                        format!("cannot expand the `dynamic \"{kind}\"` block: {why}; its blocks are left out of the topology"),
                        Some("give `for_each` a value topobook can evaluate (a literal, a variable default, a tfvars value)".into()),
                        span_of(fe, base),
                    );
                    continue;
                }
            };
            for (k, v) in pairs {
                let it = Val::new(
                    Value::Map(BTreeMap::from([("key".to_string(), k), ("value".to_string(), v)])),
                    header.clone(),
                );
                let mut inner = scope.clone();
                inner.push((iterator.to_string(), it));
                out.push(BlockRef { kind, body: &content.body, base, header: header.clone(), scope: inner });
            }
        }
        out
    }

    /// A nested block as a map value (for references into it).
    fn block_value(&mut self, b: &BlockRef<'a>) -> Val {
        let mut map = BTreeMap::new();
        for a in b.body.attributes() {
            let v = self.expr(&a.value, b.base, &b.scope);
            map.insert(a.key.as_str().to_string(), v);
        }
        for nested in self.blocks(b.body, b.base, &b.scope) {
            let v = self.block_value(&nested);
            let entry = map
                .entry(nested.kind.to_string())
                .or_insert_with(|| Val::new(Value::List(Vec::new()), nested.header.clone()));
            if let Value::List(items) = &mut entry.v {
                items.push(v);
            }
        }
        Val::new(Value::Block(map), b.header.clone())
    }

    /// An instance, every attribute and nested block evaluated.
    pub fn object(&mut self, inst: usize) -> Obj {
        let r = &self.cfg.resources[self.instances[inst].resource];
        let (body, base, header, kind) = (r.body, r.base, r.header.clone(), r.kind);
        let mut attrs = BTreeMap::new();
        for a in body.attributes() {
            let name = a.key.as_str();
            if META_ATTRS.contains(&name) {
                continue;
            }
            let val = self.instance_attr(inst, name, &a.value, base);
            attrs.insert(name.to_string(), Attr { val, span: span_of(a, base) });
        }
        let scope = self.instances[inst].scope.clone();
        let blocks = self
            .blocks(body, base, &scope)
            .into_iter()
            .filter(|b| !META_BLOCKS.contains(&b.kind))
            .map(|b| self.block_obj(&b))
            .collect();
        Obj { kind: kind.to_string(), attrs, blocks, header }
    }

    fn block_obj(&mut self, b: &BlockRef<'a>) -> Obj {
        let mut attrs = BTreeMap::new();
        for a in b.body.attributes() {
            let val = self.expr(&a.value, b.base, &b.scope);
            attrs.insert(a.key.as_str().to_string(), Attr { val, span: span_of(a, b.base) });
        }
        let blocks = self.blocks(b.body, b.base, &b.scope).into_iter().map(|n| self.block_obj(&n)).collect();
        Obj { kind: b.kind.to_string(), attrs, blocks, header: b.header.clone() }
    }
}

fn is_dynamic(b: &hcl_edit::structure::Block, name: &str) -> bool {
    b.ident.as_str() == "dynamic" && b.labels.first().map(label) == Some(name)
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
                    Value::Map(m) => Val::new(Value::Map(m.into_iter().map(|(k, x)| (k, convert(x, elem))).collect()), span),
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
                                Expression::FuncCall(o) if o.name.name.as_str() == "optional" => (o.args.get(0), o.args.get(1)),
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
