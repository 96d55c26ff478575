//! Evaluating expressions: literals, templates, operators, conditionals, `for` expressions,
//! traversals and function calls. References (`var.x`, `local.x`, resources) are in
//! [`super::refs`]; functions in [`super::funcs`].
//!
//! Evaluation never fails: what cannot be known is a [`Value::Unknown`] with the reason, and
//! the mapping turns it into a located note where a field of the model needed it. Hostile
//! modules cost bounded work: reference chains stop at [`MAX_DEPTH`], every expression
//! evaluated spends from a budget, and text and collections are capped.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use hcl_edit::expr::{BinaryOperator, Expression, ForExpr, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Element, Template};

use super::Problems;
use super::funcs;
use super::instances::{Expansion, Instance};
use super::parse::{At, Config, span_of};
use super::value::{Val, Value, WhyKind, set_of};
use crate::diag::ToolCode;

/// Deepest chain of references (a local naming a local naming a local...).
pub const MAX_DEPTH: usize = 200;
/// Expressions evaluated per module before evaluation stops (a 2,000-line module needs a few
/// tens of thousands).
pub const BUDGET: u64 = 5_000_000;
/// Longest text and largest collection a value may be.
pub const MAX_TEXT: usize = 1 << 20;
pub const MAX_ITEMS: usize = 100_000;

/// Names bound around an expression: `count`, `each`, the variables of `for` expressions and
/// the iterators of `dynamic` blocks.
pub type Scope = Vec<(String, Val)>;

pub struct Evaluator<'a> {
    pub cfg: &'a Config<'a>,
    pub instances: Vec<Instance>,
    pub(super) expansion: Vec<Expansion>,
    pub(super) vars: HashMap<&'a str, Option<Val>>,
    pub(super) locals: HashMap<&'a str, Option<Val>>,
    /// Attributes of instances read through references: `None` while being evaluated.
    pub(super) attrs: HashMap<(usize, String), Option<Val>>,
    depth: usize,
    budget: u64,
    pub problems: Problems,
}

impl<'a> Evaluator<'a> {
    pub fn new(cfg: &'a Config<'a>, problems: Problems) -> Self {
        Evaluator {
            cfg,
            instances: Vec::new(),
            expansion: (0..cfg.resources.len()).map(|_| Expansion::Pending).collect(),
            vars: HashMap::new(),
            locals: HashMap::new(),
            attrs: HashMap::new(),
            depth: 0,
            budget: BUDGET,
            problems,
        }
    }

    pub fn eval(&mut self, at: At<'a>, scope: &Scope) -> Val {
        self.expr(at.expr, at.base, scope)
    }

    pub fn expr(&mut self, e: &'a Expression, base: usize, scope: &Scope) -> Val {
        let span = span_of(e, base);
        if self.budget == 0 {
            return Val::unknown("evaluation stopped: the module needs more work than topobook allows", span);
        }
        self.charge(1, &span);
        if self.depth >= MAX_DEPTH {
            return Val::unknown(format!("references nest deeper than {MAX_DEPTH} levels"), span);
        }
        self.depth += 1;
        let v = self.expr_inner(e, base, scope, span);
        self.depth -= 1;
        v
    }

    /// Spend `work` from the budget; the first time it runs out is an error where it did.
    fn charge(&mut self, work: usize, span: &Range<usize>) {
        if self.budget == 0 {
            return;
        }
        self.budget = self.budget.saturating_sub(work as u64);
        if self.budget == 0 {
            self.problems.push(
                crate::diag::Severity::Error,
                ToolCode::CannotEvaluate,
                "the module needs more evaluation work than topobook allows; later values are unknown".into(),
                Some("split the module, or import a smaller part of it".into()),
                span.clone(),
            );
        }
    }

    fn expr_inner(&mut self, e: &'a Expression, base: usize, scope: &Scope, span: Range<usize>) -> Val {
        match e {
            Expression::Null(_) => Val::new(Value::Null, span),
            Expression::Bool(b) => Val::new(Value::Bool(*b.value()), span),
            Expression::Number(n) => match n.as_f64() {
                Some(f) => Val::new(Value::Number(f), span),
                None => Val::invalid("a number out of range", span),
            },
            Expression::String(s) => Val::new(Value::Str(s.value().clone()), span),
            Expression::Array(a) => {
                let items: Vec<Val> = a.iter().map(|x| self.expr(x, base, scope)).collect();
                Val::new(Value::List(items), span)
            }
            Expression::Object(o) => {
                let mut map = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(ke) => {
                            match self.expr(ke, base, scope).to_text() {
                                Ok(t) => t,
                                Err(u) => return u,
                            }
                        }
                    };
                    let value = self.expr(v.expr(), base, scope);
                    map.insert(key, value);
                }
                Val::new(Value::Map(map), span)
            }
            Expression::StringTemplate(t) => self.template(t, base, scope, span),
            Expression::HeredocTemplate(h) => self.heredoc(h, base, scope, span),
            Expression::Parenthesis(p) => self.expr(p.inner(), base, scope).respan_top(span),
            Expression::Variable(v) => self.variable(v.as_str(), scope, span),
            Expression::Traversal(t) => self.traversal(t, base, scope, span),
            Expression::FuncCall(f) => {
                let mut args: Vec<Val> = Vec::with_capacity(f.args.len());
                for a in f.args.iter() {
                    args.push(self.expr(a, base, scope));
                }
                if f.args.expand_final() {
                    match args.pop().map(|v| v.v) {
                        Some(Value::List(items)) => args.extend(items),
                        Some(Value::Unknown(w)) => return Val::new(Value::Unknown(w), span),
                        _ => {
                            return Val::invalid("the last argument expanded with `...` is not a list", span);
                        }
                    }
                }
                let name = f.name.name.as_str();
                if f.name.is_namespaced() {
                    let ns: Vec<&str> = f.name.namespace.iter().map(|n| n.as_str()).collect();
                    return Val::unknown(
                        format!("function `{}::{name}` is not evaluated by topobook", ns.join("::")),
                        span,
                    );
                }
                let out = funcs::call(name, args, span);
                self.charge(out.size(), &out.span.clone());
                out
            }
            Expression::Conditional(c) => {
                let cond = self.expr(&c.cond_expr, base, scope);
                match cond.to_bool() {
                    Ok(true) => self.expr(&c.true_expr, base, scope),
                    Ok(false) => self.expr(&c.false_expr, base, scope),
                    Err(u) => u.respan_top(span),
                }
            }
            Expression::UnaryOp(u) => {
                let v = self.expr(&u.expr, base, scope);
                match *u.operator {
                    UnaryOperator::Not => match v.to_bool() {
                        Ok(b) => Val::new(Value::Bool(!b), span),
                        Err(x) => x,
                    },
                    UnaryOperator::Neg => match v.to_number() {
                        Ok(n) => Val::new(Value::Number(-n), span),
                        Err(x) => x,
                    },
                }
            }
            Expression::BinaryOp(b) => {
                let op = *b.operator;
                let l = self.expr(&b.lhs_expr, base, scope);
                // `&&` and `||` do not need the right side when the left decides.
                match (op, l.to_bool()) {
                    (BinaryOperator::And, Ok(false)) => return Val::new(Value::Bool(false), span),
                    (BinaryOperator::Or, Ok(true)) => return Val::new(Value::Bool(true), span),
                    _ => {}
                }
                let r = self.expr(&b.rhs_expr, base, scope);
                binary(op, l, r, span)
            }
            Expression::ForExpr(f) => self.for_expr(f, base, scope, span),
        }
    }

    fn template(&mut self, t: &'a Template, base: usize, scope: &Scope, span: Range<usize>) -> Val {
        let elements: Vec<&'a Element> = t.iter().collect();
        // `"${x}"` is `x` itself, whatever its type (an ID stays an ID).
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.expr(&i.expr, base, scope).respan_top(span);
        }
        let mut out = String::new();
        for el in elements {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => match self.expr(&i.expr, base, scope).to_text() {
                    Ok(t) => out.push_str(&t),
                    Err(u) => return u,
                },
                Element::Directive(d) => {
                    return Val::unknown(
                        "template directives (`%{if}`, `%{for}`) are not evaluated by topobook",
                        span_of(&**d, base),
                    );
                }
            }
            if out.len() > MAX_TEXT {
                return Val::unknown("the text grows past 1 MiB", span);
            }
        }
        Val::new(Value::Str(out), span)
    }

    fn heredoc(
        &mut self,
        h: &'a hcl_edit::template::HeredocTemplate,
        base: usize,
        scope: &Scope,
        span: Range<usize>,
    ) -> Val {
        if h.indent().is_some() {
            // `<<-EOT` strips the common indentation; the literal parts are kept raw by the
            // parser, so evaluate and dedent the result.
            let v = self.template(&h.template, base, scope, span.clone());
            return match v.v {
                Value::Str(s) => Val::new(Value::Str(dedent(&s)), span),
                _ => v,
            };
        }
        self.template(&h.template, base, scope, span)
    }

    fn for_expr(&mut self, f: &'a ForExpr, base: usize, scope: &Scope, span: Range<usize>) -> Val {
        let coll = self.expr(&f.intro.collection_expr, base, scope);
        let pairs: Vec<(Val, Val)> = match coll.v {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Val::new(Value::Number(i as f64), v.span.clone()), v))
                .collect(),
            Value::Map(m) => {
                m.into_iter().map(|(k, v)| (Val::new(Value::Str(k), v.span.clone()), v)).collect()
            }
            Value::Unknown(_) => return coll,
            other => {
                return Val::invalid(
                    format!("a `for` expression cannot iterate over {}", other.kind()),
                    span,
                );
            }
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Val> = BTreeMap::new();
        for (k, v) in pairs {
            let mut inner = scope.clone();
            if let Some(kv) = &f.intro.key_var {
                inner.push((kv.as_str().to_string(), k));
            }
            inner.push((f.intro.value_var.as_str().to_string(), v));
            if let Some(cond) = &f.cond {
                match self.expr(&cond.expr, base, &inner).to_bool() {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(u) => return u,
                }
            }
            let value = self.expr(&f.value_expr, base, &inner);
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let key = match self.expr(ke, base, &inner).to_text() {
                        Ok(k) => k,
                        Err(u) => return u,
                    };
                    if f.grouping {
                        let entry =
                            map.entry(key).or_insert_with(|| Val::new(Value::List(Vec::new()), span.clone()));
                        if let Value::List(items) = &mut entry.v {
                            items.push(value);
                        }
                    } else if map.insert(key.clone(), value).is_some() {
                        return Val::invalid(
                            format!("the `for` expression produces the key `{key}` twice"),
                            span,
                        );
                    }
                }
            }
            if list.len() + map.len() > MAX_ITEMS {
                return Val::unknown("the collection grows past 100,000 items", span);
            }
        }
        match f.key_expr {
            None => Val::new(Value::List(list), span),
            Some(_) => Val::new(Value::Map(map), span),
        }
    }

    fn traversal(
        &mut self,
        t: &'a hcl_edit::expr::Traversal,
        base: usize,
        scope: &Scope,
        span: Range<usize>,
    ) -> Val {
        let ops: &'a [hcl_edit::Decorated<TraversalOperator>] = &t.operators;
        if let Expression::Variable(root) = &t.expr {
            let name = root.as_str();
            let bound = scope.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone());
            match bound {
                Some(v) => return self.apply(v, ops, base, scope, &span),
                None => {
                    if let Some((v, used)) = self.reference(name, ops, &span) {
                        // Copying a referenced value costs its size.
                        self.charge(v.size(), &span);
                        return self.apply(v.respan(&span), &ops[used..], base, scope, &span);
                    }
                }
            }
        }
        let v = self.expr(&t.expr, base, scope);
        self.apply(v, ops, base, scope, &span)
    }

    fn apply(
        &mut self,
        mut v: Val,
        ops: &'a [hcl_edit::Decorated<TraversalOperator>],
        base: usize,
        scope: &Scope,
        span: &Range<usize>,
    ) -> Val {
        for (i, op) in ops.iter().enumerate() {
            if v.is_unknown() {
                return v;
            }
            v = match op.value() {
                TraversalOperator::GetAttr(name) => self.get_attr(v, name.as_str(), span),
                TraversalOperator::Index(e) => {
                    let k = self.expr(e, base, scope);
                    index(v, &k, span)
                }
                TraversalOperator::LegacyIndex(n) => {
                    index(v, &Val::new(Value::Number(*n.value() as f64), span.clone()), span)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match v.v {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        _ => vec![v],
                    };
                    // `x[*]` applies every following step to each element; the legacy `x.*`
                    // only the attribute lookups right after it, the rest to the list.
                    let rest = &ops[i + 1..];
                    let each = match op.value() {
                        TraversalOperator::FullSplat(_) => rest.len(),
                        _ => rest
                            .iter()
                            .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                            .count(),
                    };
                    let out: Vec<Val> = items
                        .into_iter()
                        .map(|it| self.apply(it, &rest[..each], base, scope, span))
                        .collect();
                    return self.apply(
                        Val::new(Value::List(out), span.clone()),
                        &rest[each..],
                        base,
                        scope,
                        span,
                    );
                }
            };
        }
        v
    }

    fn get_attr(&mut self, v: Val, name: &str, span: &Range<usize>) -> Val {
        match v.v {
            Value::Map(mut m) => match m.remove(name) {
                Some(x) => x,
                None => Val::invalid(format!("the object has no attribute `{name}`"), span.clone()),
            },
            Value::Block(mut m) => match m.remove(name) {
                Some(x) => x,
                None => Val::unknown(
                    format!(
                        "`{name}` is not set in the configuration: it is known only once Terraform applies it"
                    ),
                    span.clone(),
                ),
            },
            Value::Resource(inst) => self.resource_attr(inst, name, span),
            Value::Unknown(_) => v,
            other => Val::invalid(format!("{} has no attribute `{name}`", other.kind()), span.clone()),
        }
    }

    /// A name with nothing after it: a bound name, or a reference that needs an attribute.
    fn variable(&mut self, name: &str, scope: &Scope, span: Range<usize>) -> Val {
        if let Some((_, v)) = scope.iter().rev().find(|(n, _)| n == name) {
            return v.clone();
        }
        match self.reference(name, &[], &span) {
            Some((v, _)) => v.respan(&span),
            None => Val::unknown(format!("`{name}` is not evaluated"), span),
        }
    }
}

impl Val {
    /// The same value located at `span` (its parts keep theirs).
    pub fn respan_top(mut self, span: Range<usize>) -> Val {
        self.span = span;
        self
    }
}

fn index(v: Val, k: &Val, span: &Range<usize>) -> Val {
    match (v.v, &k.v) {
        (Value::Unknown(w), _) => Val::new(Value::Unknown(w), span.clone()),
        (_, Value::Unknown(_)) => k.clone(),
        (Value::List(mut items), _) => match k.to_number() {
            Ok(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) < items.len() => {
                items.swap_remove(n as usize)
            }
            Ok(n) => Val::invalid(
                format!("index {} is out of range for a list of {}", n, items.len()),
                span.clone(),
            ),
            Err(e) => e,
        },
        (Value::Map(mut m), _) => match k.to_text() {
            Ok(key) => match m.remove(&key) {
                Some(x) => x,
                None => Val::invalid(format!("the map has no key `{key}`"), span.clone()),
            },
            Err(e) => e,
        },
        (other, _) => Val::invalid(format!("{} cannot be indexed", other.kind()), span.clone()),
    }
}

fn binary(op: BinaryOperator, l: Val, r: Val, span: Range<usize>) -> Val {
    use BinaryOperator as B;
    let num = |l: &Val, r: &Val| -> Result<(f64, f64), Val> { Ok((l.to_number()?, r.to_number()?)) };
    let out = match op {
        B::Eq | B::NotEq => {
            if let Some(w) = l.first_unknown().or(r.first_unknown()) {
                return Val::new(Value::Unknown(w.clone()), span);
            }
            let eq = equal(&l.v, &r.v);
            Value::Bool(if op == B::Eq { eq } else { !eq })
        }
        B::And | B::Or => match (l.to_bool(), r.to_bool()) {
            (Ok(a), Ok(b)) => Value::Bool(if op == B::And { a && b } else { a || b }),
            (Err(e), _) | (_, Err(e)) => return e.respan_top(span),
        },
        _ => match num(&l, &r) {
            Ok((a, b)) => match op {
                B::Plus => Value::Number(a + b),
                B::Minus => Value::Number(a - b),
                B::Mul => Value::Number(a * b),
                B::Div if b == 0.0 => return Val::invalid("division by zero", span),
                B::Div => Value::Number(a / b),
                B::Mod if b == 0.0 => return Val::invalid("modulo by zero", span),
                B::Mod => Value::Number(a % b),
                B::Less => Value::Bool(a < b),
                B::LessEq => Value::Bool(a <= b),
                B::Greater => Value::Bool(a > b),
                B::GreaterEq => Value::Bool(a >= b),
                B::Eq | B::NotEq | B::And | B::Or => Value::Null,
            },
            Err(e) => return e.respan_top(span),
        },
    };
    Val::new(out, span)
}

/// Equality of values, ignoring spans.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(&p.v, &q.v))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k1, v1), (k2, v2))| k1 == k2 && equal(&v1.v, &v2.v))
        }
        _ => a == b,
    }
}

/// Remove the indentation common to every non-blank line (`<<-EOT`).
fn dedent(s: &str) -> String {
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    s.split_inclusive('\n').map(|l| l.get(indent..).unwrap_or(l.trim_start())).collect()
}

/// Sets stay sets when a value is converted to one.
pub fn to_set(v: Val) -> Val {
    match v.v {
        Value::List(items) => Val::new(Value::List(set_of(items)), v.span),
        _ => v,
    }
}

/// Is this reason one that `try` skips?
pub fn is_invalid(v: &Val) -> bool {
    matches!(&v.v, Value::Unknown(w) if w.kind == WhyKind::Invalid)
}
