//! Scopes and the resources a template declares.
//!
//! [`root`] makes the root template's scope from its parameters file; [`collect`] walks the
//! `resources` of a template (arrays, or objects of symbolic names), expanding `copy` loops,
//! dropping resources whose `condition` is false, giving child resources declared inside
//! their parent their full type and name, and entering nested deployments: one with
//! `expressionEvaluationOptions.scope: inner` gets a scope of its own whose parameters are the
//! values the deployment passes (evaluated in the parent), one without is evaluated in its
//! parent's scope. Every resource lands in the [`Registry`], which `reference()` and the
//! mapping read.

use std::collections::HashMap;

use super::eval::{At, Env, Eval, Param, RUNTIME, Scope, ScopeId, Source, mark_runtime};
use super::json::J;
use super::resid::{self, RESOURCE_GROUP, SUBSCRIPTION};
use super::value::Val;
use crate::diag::ToolCode;
use crate::diag::{Severity, did_you_mean};

/// Deepest nesting of deployments followed.
pub const MAX_DEPLOYMENT_DEPTH: usize = 32;
/// Most resources (copies included) read from one template and its nested deployments.
pub const MAX_RESOURCES: usize = 20_000;

/// One declared resource (one copy of it, for a `copy` loop).
#[derive(Clone, Debug)]
pub struct Declared<'a> {
    /// Full type (`Microsoft.Network/virtualNetworks/subnets`); `None` when unknown.
    pub ty: Option<String>,
    /// Full name (`vnet-ml/snet-pe`); `None` when unknown.
    pub name: Option<String>,
    /// The symbolic name (`resources` written as an object).
    pub symbolic: Option<String>,
    pub node: &'a J,
    pub at: At,
    /// `"existing": true`: declared to be referred to, not deployed.
    pub existing: bool,
    /// For a nested deployment: the scope its template is evaluated in, and the template.
    pub deployment: Option<(ScopeId, &'a J)>,
}

impl Declared<'_> {
    pub fn is(&self, ty: &str) -> bool {
        self.ty.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(ty))
    }

    /// The last segment of the name (`snet-pe`).
    pub fn short_name(&self) -> Option<&str> {
        self.name.as_deref().map(|n| n.rsplit('/').next().unwrap_or(n))
    }

    /// The name of the parent resource (`vnet-ml` for `vnet-ml/snet-pe`).
    pub fn parent_name(&self) -> Option<&str> {
        self.name.as_deref().and_then(|n| n.rsplit_once('/')).map(|(p, _)| p.rsplit('/').next().unwrap_or(p))
    }
}

/// Every declared resource, in the order the templates declare them.
#[derive(Debug, Default)]
pub struct Registry<'a> {
    pub list: Vec<Declared<'a>>,
    by_key: HashMap<(String, String), usize>,
    /// [`MAX_RESOURCES`] was reached (and noted).
    capped: bool,
}

impl<'a> Registry<'a> {
    /// Add a resource; returns the index of an earlier declaration of the same one, if any.
    fn add(&mut self, d: Declared<'a>) -> Option<usize> {
        let key =
            d.ty.as_ref().zip(d.name.as_ref()).map(|(t, n)| (t.to_ascii_lowercase(), n.to_ascii_lowercase()));
        if let Some(k) = &key
            && let Some(&i) = self.by_key.get(k)
        {
            self.list.push(d);
            return Some(i);
        }
        if let Some(k) = key {
            self.by_key.insert(k, self.list.len());
        }
        self.list.push(d);
        None
    }

    /// The first declaration of a resource by type and full name.
    pub fn find(&self, ty: &str, name: &str) -> Option<usize> {
        self.by_key.get(&(ty.to_ascii_lowercase(), name.to_ascii_lowercase())).copied()
    }

    /// Is `i` the first declaration of its resource (not a repeat)?
    pub fn is_first(&self, i: usize) -> bool {
        let d = &self.list[i];
        match (&d.ty, &d.name) {
            (Some(t), Some(n)) => self.find(t, n) == Some(i),
            _ => true,
        }
    }
}

/// The resource ID of a declared resource.
pub fn id_of(d: &Declared) -> Option<String> {
    let names: Vec<String> = d.name.as_deref()?.split('/').map(str::to_string).collect();
    Some(resid::build(Some((SUBSCRIPTION, RESOURCE_GROUP)), d.ty.as_deref()?, &names))
}

/// The root scope: the template's parameters, with values from the parameters file.
pub fn root<'a>(ev: &Eval<'a>, template: &'a J, file: Option<&'a J>) -> ScopeId {
    let given = file.and_then(|f| f.get("parameters"));
    let declared = template.get("parameters");
    if let Some(g) = given {
        let names: Vec<&str> =
            declared.map(|d| d.members().iter().map(|m| m.key.as_str()).collect()).unwrap_or_default();
        for m in g.members() {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(&m.key)) {
                let hint = did_you_mean(&m.key, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                ev.report(
                    Severity::Warning,
                    ToolCode::ArmParameters,
                    m.key_span.clone(),
                    format!("the template declares no parameter `{}`", m.key),
                    Some(format!("{hint}remove it or fix its name")),
                );
            }
        }
    }
    let params = declared
        .map(J::members)
        .unwrap_or(&[])
        .iter()
        .map(|m| {
            let source = match given.and_then(|g| g.member(&m.key)) {
                Some(g) => match (g.value.get("value"), g.value.get("reference")) {
                    (Some(v), _) => Source::Given(v, None),
                    (None, Some(r)) => Source::Secret(r.span.clone()),
                    (None, None) => {
                        ev.report(
                            Severity::Warning,
                            ToolCode::ArmParameters,
                            g.key_span.clone(),
                            format!("parameter `{}` has neither `value` nor `reference`", m.key),
                            Some("write `{\"value\": ...}`".into()),
                        );
                        default_or_missing(&m.value)
                    }
                },
                None => default_or_missing(&m.value),
            };
            Param { name: m.key.clone(), decl: m.key_span.clone(), source }
        })
        .collect();
    ev.add_scope(Scope { template, params, deployment: None })
}

fn default_or_missing(decl: &J) -> Source<'_> {
    match decl.get("defaultValue") {
        Some(d) => Source::Default(d),
        None => Source::Missing,
    }
}

/// The scope of a nested deployment's inline template evaluated in its inner scope.
fn inner<'a>(ev: &Eval<'a>, template: &'a J, passed: Option<&'a J>, at: &At, name: &str) -> ScopeId {
    let params = template
        .get("parameters")
        .map(J::members)
        .unwrap_or(&[])
        .iter()
        .map(|m| {
            let source = match passed.and_then(|p| p.get(&m.key)) {
                Some(g) => match (g.get("value"), g.get("reference")) {
                    (Some(v), _) => Source::Given(v, Some(at.clone())),
                    (None, Some(r)) => Source::Secret(r.span.clone()),
                    (None, None) => default_or_missing(&m.value),
                },
                None => default_or_missing(&m.value),
            };
            Param { name: m.key.clone(), decl: m.key_span.clone(), source }
        })
        .collect();
    ev.add_scope(Scope { template, params, deployment: Some(name.to_string()) })
}

/// The parent of resources declared inside another resource: its type and name.
#[derive(Clone, Copy)]
struct Parent<'p> {
    ty: &'p str,
    name: &'p str,
}

/// Walk the resources of `template`, evaluated at `at`.
pub fn collect<'a>(ev: &Eval<'a>, template: &'a J, at: &At, depth: usize) {
    resources(ev, template.get("resources"), at, None, depth);
}

fn resources<'a>(ev: &Eval<'a>, list: Option<&'a J>, at: &At, parent: Option<Parent>, depth: usize) {
    let Some(list) = list else { return };
    if list.is_object() {
        for m in list.members() {
            resource(ev, &m.value, Some(&m.key), at, parent, depth);
        }
    } else {
        for r in list.elements() {
            resource(ev, r, None, at, parent, depth);
        }
    }
}

fn resource<'a>(
    ev: &Eval<'a>,
    r: &'a J,
    symbolic: Option<&str>,
    at: &At,
    parent: Option<Parent>,
    depth: usize,
) {
    if !r.is_object() {
        ev.report(
            Severity::Error,
            ToolCode::ArmTemplate,
            r.head(),
            format!("a resource must be an object, not {}", r.kind_name()),
            None,
        );
        return;
    }
    match r.get("copy").filter(|c| c.is_object()) {
        Some(copy) => {
            let name = copy.get("name").map(|n| ev.node(n, at));
            let name = name.as_ref().and_then(Val::as_str).unwrap_or("").to_string();
            if let Some(n) = ev.count(copy.get("count"), copy, at) {
                for i in 0..n {
                    let inner = At { scope: at.scope, env: at.env.with(&name, i, true) };
                    one(ev, r, symbolic, &inner, parent, depth);
                }
            }
        }
        None => one(ev, r, symbolic, at, parent, depth),
    }
}

fn one<'a>(ev: &Eval<'a>, r: &'a J, symbolic: Option<&str>, at: &At, parent: Option<Parent>, depth: usize) {
    if ev.registry.borrow().list.len() >= MAX_RESOURCES {
        if !std::mem::replace(&mut ev.registry.borrow_mut().capped, true) {
            ev.note(
                r.head(),
                format!("the template declares more than {MAX_RESOURCES} resources: the rest are left out"),
                None,
            );
        }
        return;
    }
    if let Some(c) = r.get("condition") {
        match ev.node(c, at) {
            Val::Bool(false) => return,
            Val::Bool(true) => {}
            Val::Unknown(_) => ev.note(
                c.span.clone(),
                "this `condition` cannot be evaluated: the resource is read as if it were deployed".into(),
                Some("give the parameters it depends on a value to decide".into()),
            ),
            other => ev.report(
                Severity::Error,
                ToolCode::ArmTemplate,
                c.span.clone(),
                format!("a `condition` must be true or false, not {}", other.kind_name()),
                None,
            ),
        }
    }
    let text = |key: &str| -> Option<String> {
        let j = r.get(key)?;
        match ev.node(j, at) {
            Val::Str(s) => Some(s),
            Val::Unknown(_) => None,
            other => {
                ev.report(
                    Severity::Error,
                    ToolCode::ArmTemplate,
                    j.span.clone(),
                    format!("a resource's `{key}` must be a string, not {}", other.kind_name()),
                    None,
                );
                None
            }
        }
    };
    let (mut ty, mut name) = (text("type"), text("name"));
    if r.get("type").is_none() {
        ev.report(
            Severity::Error,
            ToolCode::ArmTemplate,
            r.head(),
            "this resource has no `type`".into(),
            Some("write its type, e.g. `\"type\": \"Microsoft.Network/virtualNetworks\"`".into()),
        );
    }
    if let Some(p) = parent
        && let (Some(t), Some(n)) = (&ty, &name)
    {
        let (t, n) = resid::child(p.ty, p.name, t, n);
        (ty, name) = (Some(t), Some(n));
    }
    let existing = matches!(r.get("existing").map(|e| ev.node(e, at)), Some(Val::Bool(true)));
    let is_deployment =
        ty.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Resources/deployments"));
    let deployment = if is_deployment && !existing {
        nested(ev, r, at, name.as_deref().unwrap_or("?"), depth)
    } else {
        None
    };
    let d = Declared {
        ty: ty.clone(),
        name: name.clone(),
        symbolic: symbolic.map(str::to_string),
        node: r,
        at: at.clone(),
        existing,
        deployment,
    };
    let repeat = ev.registry.borrow_mut().add(d);
    if let (Some(_), Some(t)) = (repeat, &ty)
        && !existing
        && !is_deployment
    {
        ev.report(
            Severity::Note,
            ToolCode::ArmTemplate,
            r.head(),
            format!("this declares a `{t}` with the name of an earlier one: the first declaration is read"),
            Some("declare each resource once, or make the declarations agree".into()),
        );
    }
    if let Some((scope, template)) = deployment {
        let inner_at = if scope == at.scope { at.clone() } else { At { scope, env: Env::default() } };
        collect(ev, template, &inner_at, depth + 1);
    }
    if let (Some(t), Some(n)) = (&ty, &name) {
        resources(ev, r.get("resources"), at, Some(Parent { ty: t, name: n }), depth);
    }
}

/// A nested deployment: the scope and template its resources are read from.
fn nested<'a>(ev: &Eval<'a>, r: &'a J, at: &At, name: &str, depth: usize) -> Option<(ScopeId, &'a J)> {
    let props = r.get("properties")?;
    if depth >= MAX_DEPLOYMENT_DEPTH {
        ev.note(
            r.head(),
            format!("deployments are nested more than {MAX_DEPLOYMENT_DEPTH} deep: this one is not read"),
            None,
        );
        return None;
    }
    let Some(template) = props.get("template").filter(|t| t.is_object()) else {
        let link = props.get("templateLink").map(|l| l.span.clone()).unwrap_or_else(|| r.head());
        ev.note(
            link,
            format!(
                "deployment `{name}` links to a template topobook does not read: its resources are left out"
            ),
            Some(
                "inline the template (`bicep build` does) or describe those resources in a YAML block".into(),
            ),
        );
        return None;
    };
    if let Some(l) = props.get("parametersLink") {
        ev.note(
            l.span.clone(),
            "linked parameters files are not read: the parameters keep their defaults".into(),
            None,
        );
    }
    let inner_scope = props
        .get("expressionEvaluationOptions")
        .and_then(|o| o.get("scope"))
        .and_then(J::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
    if inner_scope {
        Some((inner(ev, template, props.get("parameters"), at, name), template))
    } else {
        Some((at.scope, template))
    }
}

/// `reference(target, apiVersion?, 'Full'?)`: a nested deployment's outputs, or a declared
/// resource's properties (whatever Azure computes at deployment stays unknown).
pub fn reference<'a>(ev: &Eval<'a>, target: &str, full: bool, at: &At) -> Val {
    let found = {
        let reg = ev.registry.borrow();
        match resid::parse(target) {
            Some(id) => reg.find(&id.ty, &id.full_name()),
            None => reg
                .list
                .iter()
                .position(|d| d.at.scope == at.scope && d.symbolic.as_deref() == Some(target))
                .or_else(|| {
                    reg.list
                        .iter()
                        .position(|d| d.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(target)))
                }),
        }
        .map(|i| (i, reg.list[i].clone()))
    };
    let Some((index, d)) = found else {
        return Val::unknown(format!(
            "`{target}` is not declared in this template, so its runtime state is unknown"
        ));
    };
    let what = format!("`{}`", d.name.as_deref().unwrap_or(target));
    if let Some((scope, template)) = d.deployment {
        let outputs = ev.deployment_outputs(index, scope, template);
        return if full { wrap(vec![("properties".into(), outputs)], &d, &what) } else { outputs };
    }
    ev.memo((index, 1 + full as u8), &format!("the state of {what}"), || state(ev, &d, full, &what))
}

fn state<'a>(ev: &Eval<'a>, d: &Declared<'a>, full: bool, what: &str) -> Val {
    let mut props = match d.node.get("properties").map(|p| ev.node(p, &d.at)) {
        Some(v @ Val::Object(_)) => v,
        Some(other) if !full => return other,
        _ => Val::Object(Vec::new()),
    };
    mark_runtime(&mut props, what);
    if !full {
        return props;
    }
    let mut top = Vec::new();
    for key in ["name", "type", "location", "kind", "sku", "identity", "tags", "zones"] {
        if let Some(j) = d.node.get(key) {
            let mut v = ev.node(j, &d.at);
            mark_runtime(&mut v, what);
            top.push((key.to_string(), v));
        }
    }
    top.push(("properties".into(), props));
    wrap(top, d, what)
}

fn wrap(mut members: Vec<(String, Val)>, d: &Declared, what: &str) -> Val {
    if let Some(id) = id_of(d) {
        members.push(("id".into(), Val::Str(id)));
    }
    members.push((RUNTIME.into(), Val::Str(what.to_string())));
    Val::Object(members)
}
