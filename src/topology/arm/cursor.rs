//! Reading a resource's properties for the model, evaluating only what is read.
//!
//! A [`Cur`] stands on a JSON node of a resource (or on a value an expression there
//! computed). Reading a property follows the JSON while it can, so a model value is spanned at
//! the property that holds it; a property written as an expression is evaluated when it is
//! read and everything under it is spanned at that expression. The items of a property `copy`
//! loop are read from its `input`, once per index, so they keep the spans of the input's
//! properties. A property whose value is unknown reads as absent (its note was given where it
//! arose); a list with an unknown item is unknown as a whole ([`Cur::list`]); a value of the
//! wrong type or outside the model's choices is an `arm-value` warning at the property.

use std::ops::Range;

use super::eval::{At, Eval};
use super::expr::{self, Text};
use super::json::{J, JKind};
use super::resid::{self, ResId};
use super::value::Val;
use crate::diag::ToolCode;
use crate::diag::{Severity, did_you_mean};
use crate::topology::model::List;
use crate::topology::yaml::Sp;

#[derive(Clone, Debug)]
enum Node<'a> {
    J(&'a J),
    V(Val),
    /// A property loop: `count` copies of `input`, indexed by the loop `name`.
    Loop {
        input: &'a J,
        name: String,
        count: i64,
    },
}

/// A position in a resource: a JSON node or a computed value, with the span to give it.
#[derive(Clone)]
pub struct Cur<'e, 'a> {
    pub ev: &'e Eval<'a>,
    pub at: At,
    node: Node<'a>,
    pub span: Range<usize>,
    /// The property name it was read from, for messages.
    pub key: String,
}

impl<'e, 'a> Cur<'e, 'a> {
    /// A cursor on a JSON node; an expression is evaluated here.
    pub fn of(ev: &'e Eval<'a>, j: &'a J, at: &At, key: &str) -> Cur<'e, 'a> {
        let node = match &j.kind {
            JKind::Str(s) if matches!(expr::classify(&s.value), Text::Expression(_)) => {
                Node::V(ev.string(j, s, at))
            }
            _ => Node::J(j),
        };
        Cur { ev, at: at.clone(), node, span: j.span.clone(), key: key.to_string() }
    }

    fn with(&self, node: Node<'a>, span: Range<usize>, key: &str) -> Cur<'e, 'a> {
        Cur { ev: self.ev, at: self.at.clone(), node, span, key: key.to_string() }
    }

    /// The span of a missing-something finding on this node: the opening brace of an object.
    pub fn head(&self) -> Range<usize> {
        match &self.node {
            Node::J(j) => j.head(),
            _ => self.span.start..self.span.start + 1,
        }
    }

    /// A property (ARM names ignore case); `None` when absent, null or unknown.
    pub fn get(&self, key: &str) -> Option<Cur<'e, 'a>> {
        self.get_any(key).filter(|c| !c.is_unknown())
    }

    /// A property, unknown values included (`None` when absent or null).
    fn get_any(&self, key: &str) -> Option<Cur<'e, 'a>> {
        let c = match &self.node {
            Node::J(j) => match j.get(key) {
                Some(child) => Cur::of(self.ev, child, &self.at, key),
                None => self.property_loop(j, key)?,
            },
            Node::V(v) => self.with(Node::V(v.get(key)?.clone()), self.span.clone(), key),
            Node::Loop { .. } => return None,
        };
        let null = match &c.node {
            Node::J(j) => matches!(j.kind, JKind::Null),
            Node::V(v) => matches!(v, Val::Null),
            Node::Loop { .. } => false,
        };
        (!null).then_some(c)
    }

    /// The property loop of `j` that builds `key`.
    fn property_loop(&self, j: &'a J, key: &str) -> Option<Cur<'e, 'a>> {
        let l = j.get("copy")?.elements().iter().find(|l| {
            l.get("input").is_some()
                && l.get("name").is_some_and(|n| {
                    self.ev.node(n, &self.at).as_str().is_some_and(|n| n.eq_ignore_ascii_case(key))
                })
        })?;
        let input = l.get("input")?;
        let count = self.ev.count(l.get("count"), l, &self.at);
        let node = match count {
            Some(count) => Node::Loop { input, name: key.to_string(), count },
            None => Node::V(Val::REPORTED),
        };
        Some(self.with(node, l.span.clone(), key))
    }

    /// A property under a path of properties.
    pub fn path(&self, keys: &[&str]) -> Option<Cur<'e, 'a>> {
        keys.iter().try_fold(self.clone(), |c, k| c.get(k))
    }

    /// Is a property under this path unknown (rather than absent)?
    pub fn unknown_at(&self, keys: &[&str]) -> bool {
        let mut c = self.clone();
        for k in keys {
            if c.is_unknown() {
                return true;
            }
            match c.get_any(k) {
                Some(next) => c = next,
                None => return false,
            }
        }
        c.is_unknown()
    }

    /// Is this a value that could not be evaluated?
    pub fn is_unknown(&self) -> bool {
        matches!(self.node, Node::V(Val::Unknown(_)))
    }

    /// The items of an array, unknown ones included (nothing, with a warning, when this is
    /// not an array).
    fn all_items(&self) -> Vec<Cur<'e, 'a>> {
        match &self.node {
            Node::J(j) if matches!(j.kind, JKind::Arr(_)) => {
                j.elements().iter().map(|e| Cur::of(self.ev, e, &self.at, &self.key)).collect()
            }
            Node::V(Val::Array(a)) => {
                a.iter().map(|v| self.with(Node::V(v.clone()), self.span.clone(), &self.key)).collect()
            }
            Node::Loop { input, name, count } => (0..*count)
                .map(|i| {
                    let at = At { scope: self.at.scope, env: self.at.env.with(name, i, false) };
                    Cur::of(self.ev, input, &at, &self.key)
                })
                .collect(),
            _ => {
                self.wrong("an array");
                Vec::new()
            }
        }
    }

    /// The known items of an array (resources described inline: an unknown one is left
    /// out, its note given where it arose).
    pub fn items(&self) -> Vec<Cur<'e, 'a>> {
        self.all_items()
            .into_iter()
            .filter(|c| !c.is_unknown() && !matches!(c.node, Node::V(Val::Null)))
            .collect()
    }

    /// A list of values read from each item at `keys` (the item itself when empty): `None`
    /// when the list or any value in it is unknown, since a list missing an entry would say
    /// something else. An item that is not of the right kind is left out with a warning.
    pub fn list(
        &self,
        keys: &[&str],
        read: impl Fn(&Cur<'e, 'a>) -> Option<Sp<String>>,
    ) -> Option<List<String>> {
        if self.is_unknown() {
            return None;
        }
        let mut out = Vec::new();
        for item in self.all_items() {
            if item.unknown_at(keys) {
                return None;
            }
            if let Some(v) = item.path(keys).and_then(|c| read(&c)) {
                out.push(v);
            }
        }
        Some(Sp::new(out, self.head()))
    }

    /// The whole value, evaluated.
    pub fn val(&self) -> Val {
        match &self.node {
            Node::J(j) => self.ev.node(j, &self.at),
            Node::V(v) => v.clone(),
            Node::Loop { .. } => Val::Array(self.all_items().iter().map(Cur::val).collect()),
        }
    }

    fn wrong(&self, expected: &str) {
        let found = match &self.node {
            Node::J(j) => j.kind_name(),
            Node::V(v) => v.kind_name(),
            Node::Loop { .. } => "an array",
        };
        if found != "unknown" {
            self.ev.report(
                Severity::Warning,
                ToolCode::ArmValue,
                self.span.clone(),
                format!("`{}` should be {expected}, not {found}: it is left out", self.key),
                Some("fix the value; Azure would refuse it".into()),
            );
        }
    }

    fn sp<T>(&self, value: T) -> Sp<T> {
        Sp::new(value, self.span.clone())
    }

    /// A string.
    pub fn str(&self) -> Option<Sp<String>> {
        match self.val() {
            Val::Str(s) => Some(self.sp(s)),
            _ => {
                self.wrong("a string");
                None
            }
        }
    }

    /// A string or a number, as text (ports, addresses).
    pub fn text(&self) -> Option<Sp<String>> {
        match self.val() {
            Val::Str(s) => Some(self.sp(s)),
            Val::Int(i) => Some(self.sp(i.to_string())),
            _ => {
                self.wrong("a string");
                None
            }
        }
    }

    /// A boolean (`"true"` and `"false"` strings too, as Azure accepts them).
    pub fn bool(&self) -> Option<Sp<bool>> {
        match self.val() {
            Val::Bool(b) => Some(self.sp(b)),
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(self.sp(true)),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(self.sp(false)),
            _ => {
                self.wrong("true or false");
                None
            }
        }
    }

    /// A non-negative integer.
    pub fn u32(&self) -> Option<Sp<u32>> {
        let v = self.val();
        let n = match &v {
            Val::Str(s) => s.trim().parse::<i64>().ok(),
            v => v.as_int(),
        };
        match n.and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(self.sp(n)),
            None => {
                self.wrong("a non-negative integer");
                None
            }
        }
    }

    /// One of a closed set of values (ignoring case).
    pub fn choice<T: Copy>(&self, options: &[(&str, T)]) -> Option<Sp<T>> {
        let s = self.str()?;
        if let Some((_, t)) = options.iter().find(|(o, _)| o.eq_ignore_ascii_case(&s.value)) {
            return Some(self.sp(*t));
        }
        let mut names: Vec<&str> = options.iter().map(|(o, _)| *o).collect();
        names.dedup();
        let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let hint = did_you_mean(&s.value, names.iter().copied())
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        self.ev.report(
            Severity::Warning,
            ToolCode::ArmValue,
            self.span.clone(),
            format!(
                "`{}` is `{}`, which the topology model does not know: it is left out",
                self.key, s.value
            ),
            Some(format!("{hint}topobook knows {list}")),
        );
        None
    }

    /// A resource ID (a string, or an object with `id`), read back into type and names.
    pub fn id(&self) -> Option<Sp<ResId>> {
        let c = match &self.node {
            Node::J(j) if j.is_object() => return self.get("id")?.id(),
            Node::V(Val::Object(_)) => return self.get("id")?.id(),
            _ => self,
        };
        let s = c.str()?;
        match resid::parse(&s.value) {
            Some(id) => Some(Sp::new(id, s.span)),
            None => {
                self.ev.report(
                    Severity::Warning,
                    ToolCode::ArmValue,
                    s.span.clone(),
                    format!("`{}` should be a resource ID, not `{}`: it is left out", self.key, s.value),
                    Some("use `resourceId(...)` or a full `/subscriptions/.../providers/...` ID".into()),
                );
                None
            }
        }
    }

    /// The name of the resource an ID points to (its last name).
    pub fn id_name(&self) -> Option<Sp<String>> {
        self.id().map(|i| Sp::new(i.value.name().to_string(), i.span))
    }

    /// A subnet ID read as `(vnet, subnet)` names.
    pub fn subnet(&self) -> Option<(Sp<String>, Sp<String>)> {
        let id = self.id()?;
        if !id.is("Microsoft.Network/virtualNetworks/subnets") || id.names.len() != 2 {
            self.ev.report(
                Severity::Warning,
                ToolCode::ArmValue,
                id.span.clone(),
                format!("`{}` should be a subnet ID, not a `{}` ID: it is left out", self.key, id.ty),
                None,
            );
            return None;
        }
        Some((Sp::new(id.names[0].clone(), id.span.clone()), Sp::new(id.names[1].clone(), id.span.clone())))
    }
}
