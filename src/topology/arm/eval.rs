//! Evaluating JSON values and expressions of a template in a scope.
//!
//! Every template (the root, and each nested deployment evaluated in its inner scope) is a
//! [`Scope`]: its parameters (given by the parameters file or the parent deployment, or their
//! defaults), its variables and its outputs. Parameters, variables and outputs are evaluated
//! when first used and remembered; a cycle, a missing value or an unsupported function gives
//! [`Val::Unknown`] and one located `cannot-evaluate` note where it arose.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

use super::expr::{self, Expr, ExprKind, Text};
use super::json::{J, JKind, JStr};
use super::note_help;
use super::scope::Registry;
use super::value::{self, Val};
use crate::diag::Severity;
use crate::diag::ToolCode;
use crate::topology::import::ImportProblem;

/// Index of a [`Scope`].
pub type ScopeId = usize;

/// Most steps (JSON values and expressions evaluated, and every 64 bytes of value built) one
/// import may take; past it everything is unknown.
pub const MAX_STEPS: usize = 2_000_000;
/// Largest value an expression may build (bytes, roughly).
pub const MAX_VALUE_BYTES: usize = 1 << 20;
/// Deepest chain of parameters, variables and outputs evaluated inside one another.
pub const MAX_DEPTH: usize = 64;
/// Most iterations of one `copy` loop (Azure's own limit).
pub const MAX_COPIES: i64 = 800;

/// The copy loops a value is evaluated in (innermost last).
#[derive(Clone, Debug, Default)]
pub struct Env(Rc<Vec<Loop>>);

#[derive(Clone, Debug)]
struct Loop {
    /// Lowercase.
    name: String,
    index: i64,
    /// A resource loop (what `copyIndex()` without a name means) or a property loop.
    resource: bool,
}

impl Env {
    pub fn with(&self, name: &str, index: i64, resource: bool) -> Env {
        let mut v = (*self.0).clone();
        v.push(Loop { name: name.to_ascii_lowercase(), index, resource });
        Env(Rc::new(v))
    }

    /// The index of the named loop, or of the innermost resource loop.
    pub fn index(&self, name: Option<&str>) -> Option<i64> {
        match name {
            Some(n) => self.0.iter().rev().find(|l| l.name.eq_ignore_ascii_case(n)).map(|l| l.index),
            None => self.0.iter().rev().find(|l| l.resource).or(self.0.last()).map(|l| l.index),
        }
    }
}

/// Where a value is evaluated: a scope and the loops around it.
#[derive(Clone, Debug)]
pub struct At {
    pub scope: ScopeId,
    pub env: Env,
}

/// Where a parameter's value comes from.
#[derive(Clone, Debug)]
pub enum Source<'a> {
    /// The parameters file (`None`: a literal, never an expression) or the parent deployment.
    Given(&'a J, Option<At>),
    /// The `defaultValue`, evaluated in the parameter's own scope.
    Default(&'a J),
    /// A Key Vault reference: a secret topobook does not read.
    Secret(Range<usize>),
    Missing,
}

#[derive(Clone, Debug)]
pub struct Param<'a> {
    pub name: String,
    /// The declaration (`"prefix": {"type": "string"}`): its key span.
    pub decl: Range<usize>,
    pub source: Source<'a>,
}

/// One template's names.
#[derive(Debug)]
pub struct Scope<'a> {
    pub template: &'a J,
    pub params: Vec<Param<'a>>,
    /// Name of the deployment that holds this template (`None` for the root).
    pub deployment: Option<String>,
}

enum Slot {
    Busy,
    Done(Val),
}

/// An expression being evaluated: its scope and the JSON string it is written in.
pub struct Cx<'s> {
    pub at: &'s At,
    /// The JSON string's value (brackets included).
    pub src: &'s str,
    /// The JSON string's span (quotes included).
    pub span: Range<usize>,
    pub verbatim: bool,
}

impl Cx<'_> {
    /// The span in the file of a part of the expression (the whole string when escapes
    /// make offsets differ).
    pub fn file_span(&self, local: &Range<usize>) -> Range<usize> {
        if self.verbatim {
            self.span.start + 1 + local.start..self.span.start + 1 + local.end
        } else {
            self.span.clone()
        }
    }

    /// The text of a part of the expression, shortened for messages.
    pub fn snippet(&self, local: &Range<usize>) -> String {
        let s = self.src.get(local.clone()).unwrap_or("");
        if s.chars().count() > 80 {
            format!("{}…", s.chars().take(79).collect::<String>())
        } else {
            s.to_string()
        }
    }
}

/// The evaluator of one import.
pub struct Eval<'a> {
    scopes: RefCell<Vec<Rc<Scope<'a>>>>,
    params: RefCell<HashMap<(ScopeId, usize), Slot>>,
    vars: RefCell<HashMap<(ScopeId, String), Slot>>,
    pub registry: RefCell<Registry<'a>>,
    memo: RefCell<HashMap<(usize, u8), Slot>>,
    problems: RefCell<Vec<ImportProblem>>,
    seen: RefCell<HashSet<(Range<usize>, String)>>,
    steps: Cell<usize>,
    depth: Cell<usize>,
}

impl<'a> Eval<'a> {
    pub fn new() -> Self {
        Eval {
            scopes: RefCell::new(Vec::new()),
            params: RefCell::default(),
            vars: RefCell::default(),
            registry: RefCell::default(),
            memo: RefCell::default(),
            problems: RefCell::default(),
            seen: RefCell::default(),
            steps: Cell::new(0),
            depth: Cell::new(0),
        }
    }

    pub fn add_scope(&self, scope: Scope<'a>) -> ScopeId {
        let mut s = self.scopes.borrow_mut();
        s.push(Rc::new(scope));
        s.len() - 1
    }

    pub fn scope(&self, id: ScopeId) -> Rc<Scope<'a>> {
        self.scopes.borrow()[id].clone()
    }

    pub fn into_problems(self) -> Vec<ImportProblem> {
        self.problems.into_inner()
    }

    /// Record a problem once per span and message.
    pub fn report(
        &self,
        severity: Severity,
        code: ToolCode,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) {
        if self.seen.borrow_mut().insert((span.clone(), message.clone())) {
            self.problems.borrow_mut().push(ImportProblem { severity, code, message, help, span });
        }
    }

    pub fn note(&self, span: Range<usize>, message: String, help: Option<String>) {
        self.report(Severity::Note, ToolCode::CannotEvaluate, span, message, help);
    }

    /// Evaluate a whole JSON value (objects and arrays member by member). `copy` arrays of
    /// property loops become the arrays they build.
    pub fn node(&self, j: &'a J, at: &At) -> Val {
        if !self.charge(1, j.head()) {
            return Val::REPORTED;
        }
        match &j.kind {
            JKind::Null => Val::Null,
            JKind::Bool(b) => Val::Bool(*b),
            JKind::Num(n) => value::number(n),
            JKind::Str(s) => self.string(j, s, at),
            JKind::Arr(es) => Val::Array(es.iter().map(|e| self.node(e, at)).collect()),
            JKind::Obj(ms) => {
                let mut out = Vec::with_capacity(ms.len());
                for m in ms {
                    if m.key.eq_ignore_ascii_case("copy")
                        && let Some(loops) = self.property_loops(&m.value, at)
                    {
                        out.extend(loops);
                        continue;
                    }
                    out.push((m.key.clone(), self.node(&m.value, at)));
                }
                Val::Object(out)
            }
        }
    }

    /// A JSON value read as a literal: strings are never expressions (parameters files).
    pub fn literal(j: &J) -> Val {
        match &j.kind {
            JKind::Null => Val::Null,
            JKind::Bool(b) => Val::Bool(*b),
            JKind::Num(n) => value::number(n),
            JKind::Str(s) => Val::Str(s.value.clone()),
            JKind::Arr(es) => Val::Array(es.iter().map(Self::literal).collect()),
            JKind::Obj(ms) => {
                Val::Object(ms.iter().map(|m| (m.key.clone(), Self::literal(&m.value))).collect())
            }
        }
    }

    /// `"copy": [{"name": "subnets", "count": 2, "input": {...}}]` inside properties: the
    /// named arrays it builds, or `None` when this `copy` is not a property loop.
    pub fn property_loops(&self, copy: &'a J, at: &At) -> Option<Vec<(String, Val)>> {
        let loops = copy.elements();
        if loops.is_empty() || !loops.iter().all(|l| l.get("name").is_some() && l.get("input").is_some()) {
            return None;
        }
        let mut out = Vec::new();
        for l in loops {
            let (Some(name_j), Some(input)) = (l.get("name"), l.get("input")) else { continue };
            let Val::Str(name) = self.node(name_j, at) else { continue };
            let items = match self.count(l.get("count"), l, at) {
                Some(n) => Val::Array(
                    (0..n)
                        .map(|i| self.node(input, &At { scope: at.scope, env: at.env.with(&name, i, false) }))
                        .collect(),
                ),
                None => Val::REPORTED,
            };
            out.push((name, items));
        }
        Some(out)
    }

    /// The `count` of a copy loop (`None`, reported, when it is unknown or out of range).
    pub fn count(&self, count: Option<&'a J>, owner: &J, at: &At) -> Option<i64> {
        let Some(c) = count else {
            self.report(
                Severity::Error,
                ToolCode::ArmTemplate,
                owner.head(),
                "this `copy` loop has no `count`".into(),
                Some("give the loop a `count`".into()),
            );
            return None;
        };
        match self.node(c, at) {
            Val::Unknown(_) => {
                self.note(
                    c.span.clone(),
                    "the `count` of this loop cannot be evaluated: its copies are left out".into(),
                    note_help(),
                );
                None
            }
            v => match v.as_int() {
                Some(n) if (0..=MAX_COPIES).contains(&n) => Some(n),
                _ => {
                    self.report(
                        Severity::Error,
                        ToolCode::ArmTemplate,
                        c.span.clone(),
                        format!("a `copy` loop's `count` must be a number from 0 to {MAX_COPIES}"),
                        Some("Azure refuses other counts; fix the count".into()),
                    );
                    None
                }
            },
        }
    }

    /// A JSON string: a literal, or an expression evaluated here.
    pub fn string(&self, j: &J, s: &JStr, at: &At) -> Val {
        match expr::classify(&s.value) {
            Text::Literal(t) => Val::Str(t.to_string()),
            Text::Expression(_) => {
                let cx = Cx { at, src: &s.value, span: j.span.clone(), verbatim: s.verbatim };
                match expr::parse(&s.value) {
                    Ok(e) => self.expr(&e, &cx),
                    Err(e) => {
                        self.report(
                            Severity::Error,
                            ToolCode::ArmExpression,
                            cx.file_span(&e.span),
                            format!("this expression does not parse: {}", e.message),
                            Some("fix the expression; Azure would refuse the template".into()),
                        );
                        Val::REPORTED
                    }
                }
            }
        }
    }

    /// Evaluate an expression. An unknown that arises here is reported at this expression.
    pub fn expr(&self, e: &Expr, cx: &Cx) -> Val {
        if !self.charge(1, cx.file_span(&e.span)) {
            return Val::REPORTED;
        }
        let v = match &e.kind {
            ExprKind::Str(s) => return Val::Str(s.clone()),
            ExprKind::Int(i) => return Val::Int(*i),
            ExprKind::Call { name, args } => super::funcs::call(self, name, args, e, cx),
            ExprKind::Member(base, name) => member(self.expr(base, cx), name),
            ExprKind::Index(base, index) => {
                let b = self.expr(base, cx);
                let i = self.expr(index, cx);
                index_of(b, i)
            }
        };
        // A call may build a large value (or copy one out of a variable): its size is charged
        // to the budget, so repeating it cannot cost more than the budget allows.
        let v = match &e.kind {
            ExprKind::Call { .. } => {
                let weight = v.weight();
                if weight > MAX_VALUE_BYTES {
                    Val::unknown(format!("the value is larger than {} KiB", MAX_VALUE_BYTES >> 10))
                } else if !self.charge(weight / 64, cx.file_span(&e.span)) {
                    Val::REPORTED
                } else {
                    v
                }
            }
            _ => v,
        };
        match v {
            Val::Unknown(Some(reason)) => {
                self.note(
                    cx.file_span(&e.span),
                    format!("cannot evaluate `{}`: {reason}", cx.snippet(&e.span)),
                    note_help(),
                );
                Val::REPORTED
            }
            v => v,
        }
    }

    /// Take `n` steps of the budget; `false` (noted once, at `span`) when it is used up.
    pub fn charge(&self, n: usize, span: Range<usize>) -> bool {
        let before = self.steps.get();
        let after = before.saturating_add(n);
        self.steps.set(after);
        if after <= MAX_STEPS {
            return true;
        }
        if before <= MAX_STEPS {
            self.note(
                span,
                format!(
                    "the template takes more than {MAX_STEPS} evaluation steps: the rest is left unknown"
                ),
                Some("split the template, or describe the rest in a YAML block".into()),
            );
        }
        false
    }

    /// Run `f` one level deeper, refusing chains deeper than [`MAX_DEPTH`].
    fn deeper(&self, f: impl FnOnce() -> Val) -> Val {
        if self.depth.get() >= MAX_DEPTH {
            return Val::unknown(format!(
                "parameters, variables and outputs refer to one another more than {MAX_DEPTH} levels deep"
            ));
        }
        self.depth.set(self.depth.get() + 1);
        let v = f();
        self.depth.set(self.depth.get() - 1);
        v
    }

    /// `parameters('name')` in a scope.
    pub fn param(&self, scope: ScopeId, name: &str) -> Val {
        let s = self.scope(scope);
        let Some(i) = s.params.iter().position(|p| p.name.eq_ignore_ascii_case(name)) else {
            let known: Vec<&str> = s.params.iter().map(|p| p.name.as_str()).collect();
            let hint = crate::diag::did_you_mean(name, known.iter().copied())
                .map(|m| format!(" (did you mean `{m}`?)"))
                .unwrap_or_default();
            return Val::unknown(format!("the template declares no parameter `{name}`{hint}"));
        };
        match self.params.borrow().get(&(scope, i)) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => return Val::unknown(format!("parameter `{name}` refers to itself")),
            None => {}
        }
        self.params.borrow_mut().insert((scope, i), Slot::Busy);
        let p = &s.params[i];
        let v = self.deeper(|| match &p.source {
            Source::Given(j, None) => Self::literal(j),
            Source::Given(j, Some(at)) => self.node(j, at),
            Source::Default(j) => self.node(j, &At { scope, env: Env::default() }),
            Source::Secret(span) => {
                self.note(
                    span.clone(),
                    format!("parameter `{}` is a Key Vault reference: its secret is not read", p.name),
                    None,
                );
                Val::REPORTED
            }
            Source::Missing => {
                let owner = match &s.deployment {
                    Some(d) => format!("deployment `{d}` does not pass it"),
                    None => "the parameters file does not set it".to_string(),
                };
                self.note(
                    p.decl.clone(),
                    format!("parameter `{}` has no value: it has no `defaultValue` and {owner}", p.name),
                    Some(format!(
                        "give `{}` a value in the parameters file (`parameters=` on the fence); what depends on it is left unknown",
                        p.name
                    )),
                );
                Val::REPORTED
            }
        });
        let v = match v {
            Val::Unknown(Some(r)) => {
                self.note(
                    p.decl.clone(),
                    format!("parameter `{}` cannot be evaluated: {r}", p.name),
                    note_help(),
                );
                Val::REPORTED
            }
            v => v,
        };
        self.params.borrow_mut().insert((scope, i), Slot::Done(v.clone()));
        v
    }

    /// `variables('name')` in a scope (including variables built by a `copy` loop).
    pub fn variable(&self, scope: ScopeId, name: &str) -> Val {
        let key = (scope, name.to_ascii_lowercase());
        match self.vars.borrow().get(&key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => return Val::unknown(format!("variable `{name}` refers to itself")),
            None => {}
        }
        let s = self.scope(scope);
        let vars = s.template.get("variables");
        let at = At { scope, env: Env::default() };
        let found = vars.and_then(|v| v.get(name)).filter(|_| !name.eq_ignore_ascii_case("copy"));
        let copy = vars.and_then(|v| v.get("copy")).and_then(|c| {
            c.elements()
                .iter()
                .find(|l| l.get("name").and_then(J::as_str).is_some_and(|n| n.eq_ignore_ascii_case(name)))
        });
        if found.is_none() && copy.is_none() {
            let known: Vec<&str> =
                vars.map(|v| v.members().iter().map(|m| m.key.as_str()).collect()).unwrap_or_default();
            let hint = crate::diag::did_you_mean(name, known.iter().copied())
                .map(|m| format!(" (did you mean `{m}`?)"))
                .unwrap_or_default();
            return Val::unknown(format!("the template declares no variable `{name}`{hint}"));
        }
        self.vars.borrow_mut().insert(key.clone(), Slot::Busy);
        let v = self.deeper(|| match (found, copy) {
            (Some(j), _) => self.node(j, &at),
            (None, Some(l)) => match (l.get("input"), self.count(l.get("count"), l, &at)) {
                (Some(input), Some(n)) => Val::Array(
                    (0..n)
                        .map(|i| self.node(input, &At { scope, env: at.env.with(name, i, false) }))
                        .collect(),
                ),
                _ => Val::REPORTED,
            },
            (None, None) => Val::REPORTED,
        });
        self.vars.borrow_mut().insert(key, Slot::Done(v.clone()));
        v
    }

    /// A value computed once per key (a deployment's outputs, a resource's properties for
    /// `reference()`); a key met again while it is computed is a cycle.
    pub fn memo(&self, key: (usize, u8), what: &str, f: impl FnOnce() -> Val) -> Val {
        match self.memo.borrow().get(&key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => return Val::unknown(format!("{what} refers to itself")),
            None => {}
        }
        self.memo.borrow_mut().insert(key, Slot::Busy);
        let v = self.deeper(f);
        self.memo.borrow_mut().insert(key, Slot::Done(v.clone()));
        v
    }

    /// The outputs of a nested deployment (registry index), as `reference()` shows them:
    /// `{"outputs": {"name": {"type": ..., "value": ...}}}`.
    pub fn deployment_outputs(&self, index: usize, scope: ScopeId, template: &'a J) -> Val {
        self.memo((index, 0), "the deployment's outputs", || {
            let at = At { scope, env: Env::default() };
            let mut outs = Vec::new();
            for m in template.get("outputs").map(J::members).unwrap_or(&[]) {
                let value = match (m.value.get("value"), m.value.get("copy")) {
                    (Some(v), _) => self.node(v, &at),
                    (None, Some(c)) => match (c.get("input"), self.count(c.get("count"), c, &at)) {
                        (Some(input), Some(n)) => Val::Array(
                            (0..n)
                                .map(|i| self.node(input, &At { scope, env: at.env.with("", i, true) }))
                                .collect(),
                        ),
                        _ => Val::REPORTED,
                    },
                    (None, None) => Val::Null,
                };
                let ty = m.value.get("type").map(Self::literal).unwrap_or(Val::Null);
                outs.push((m.key.clone(), Val::Object(vec![("type".into(), ty), ("value".into(), value)])));
            }
            Val::Object(vec![("outputs".into(), Val::Object(outs))])
        })
    }
}

impl Default for Eval<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// Marker key of objects that `reference()` returns: a member they lack is a runtime
/// property (known after deployment), not an error.
pub const RUNTIME: &str = "$runtime";

/// Mark every object in `v` as part of a resource's runtime state ([`RUNTIME`]): a property
/// the template does not write is one Azure computes.
pub fn mark_runtime(v: &mut Val, what: &str) {
    match v {
        Val::Object(m) => {
            for (_, x) in m.iter_mut() {
                mark_runtime(x, what);
            }
            if !m.iter().any(|(k, _)| k == RUNTIME) {
                m.push((RUNTIME.into(), Val::Str(what.to_string())));
            }
        }
        Val::Array(a) => a.iter_mut().for_each(|x| mark_runtime(x, what)),
        _ => {}
    }
}

/// `value.name`.
pub fn member(v: Val, name: &str) -> Val {
    match &v {
        Val::Unknown(_) => Val::REPORTED,
        Val::Object(_) => match v.get(name) {
            Some(m) => m.clone(),
            None => match v.get(RUNTIME).and_then(Val::as_str) {
                Some(what) => Val::unknown(format!("`{name}` of {what} is known only after deployment")),
                None => Val::unknown(format!("the object has no property `{name}`")),
            },
        },
        other => Val::unknown(format!("`.{name}` is read from {}, not an object", other.kind_name())),
    }
}

/// `value[index]`.
pub fn index_of(v: Val, i: Val) -> Val {
    match (&v, &i) {
        (Val::Unknown(_), _) | (_, Val::Unknown(_)) => Val::REPORTED,
        (Val::Array(a), _) => match i.as_int() {
            Some(n) if n >= 0 && (n as usize) < a.len() => a[n as usize].clone(),
            Some(n) => Val::unknown(format!("index {n} is outside the array of {} items", a.len())),
            None => Val::unknown(format!("an array is indexed by {}", i.kind_name())),
        },
        (Val::Object(_), Val::Str(k)) => member(v.clone(), k),
        _ => Val::unknown(format!("{} cannot be indexed by {}", v.kind_name(), i.kind_name())),
    }
}
