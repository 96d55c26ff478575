//! Resource instances: `count` and `for_each` expansion, the attributes and nested blocks
//! (`dynamic` ones expanded) of an instance read through references, and every instance
//! evaluated into an [`Obj`] for the mapping.

use std::collections::BTreeMap;
use std::ops::Range;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;

use super::eval::{Evaluator, Scope};
use super::parse::{header_span, label, span_of};
use super::value::{Target, Val, Value, set_of};
use crate::diag::{Severity, ToolCode};

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

    /// The instances of a resource (expanded once).
    pub fn expand(&mut self, res: usize) -> Result<(Mode, Vec<usize>), Val> {
        match &self.expansion[res] {
            Expansion::Done(mode, list) => return Ok((*mode, list.clone())),
            Expansion::Failed(v) => return Err(v.clone()),
            Expansion::Busy => {
                let r = &self.cfg.resources[res];
                return Err(Val::invalid(
                    format!("the `count` or `for_each` of `{}` depends on itself", r.address()),
                    r.header.clone(),
                ));
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
                ToolCode::CannotEvaluate,
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
                            let count = Val::new(
                                Value::Map(BTreeMap::from([("index".to_string(), idx)])),
                                at.clone(),
                            );
                            add(self, Key::Index(i), vec![("count".to_string(), count)])
                        })
                        .collect();
                    Ok((Mode::Count, list))
                }
                Ok(n) => fail(
                    self,
                    "count",
                    at.clone(),
                    Val::invalid(format!("`{n}` is not a count from 0 to {MAX_INSTANCES}"), at),
                ),
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
                    let v = Val::invalid(
                        format!("`for_each` needs a map or a set of strings, not {}", other.kind()),
                        at.clone(),
                    );
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
            format!(
                "`{}.{name}` is not set in the configuration: it is known only once Terraform applies it",
                self.address(inst)
            ),
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
                out.push(BlockRef {
                    kind: block.ident.as_str(),
                    body: &block.body,
                    base,
                    header,
                    scope: scope.clone(),
                });
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
                Value::Map(m) => {
                    m.into_iter().map(|(k, v)| (Val::new(Value::Str(k), v.span.clone()), v)).collect()
                }
                Value::Null => Vec::new(),
                other => {
                    let why = match &other {
                        Value::Unknown(w) => w.message.clone(),
                        o => format!("it is {}", o.kind()),
                    };
                    self.problems.push(
                        Severity::Warning,
                        ToolCode::CannotEvaluate,
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
