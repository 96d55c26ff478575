//! Mapping evaluated azurerm resources onto the topology model.
//!
//! Every instance is evaluated into an [`Obj`] first ([`Module::build`]); the mapping steps
//! then read attributes through [`Ctx`], which turns an unknown value into a located
//! `cannot-evaluate` note and a value the model cannot hold into a `not-in-model` note, and
//! resolve IDs to names through [`Module::target`]. Model spans are the attribute's
//! (`key = value`) or, for an object or for something missing from it, the block header.

mod compute;
mod network;
mod services;

use std::collections::HashMap;
use std::ops::Range;

use serde::de::DeserializeOwned;

use super::Problems;
use super::eval::Evaluator;
use super::instances::{Attr, Obj};
use super::value::{Target, Val, Value, Why, WhyKind};
use crate::diag::{Severity, ToolCode};
use crate::topology::model::*;
use crate::topology::yaml::Sp;

/// An evaluated resource instance.
pub struct Res {
    pub kind: String,
    pub address: String,
    pub obj: Obj,
    /// The evaluated `name`, or the address when the name cannot be known.
    pub label: Sp<String>,
}

/// Every instance of the module, in declaration order.
pub struct Module {
    pub res: Vec<Res>,
    by_inst: HashMap<usize, usize>,
}

/// What an ID (or a name) points at.
pub enum Tgt<'m> {
    Res(&'m Res),
    /// A nested block of a resource (an inline `subnet` of a VNet).
    Block(&'m Res, &'m Obj),
    /// An ARM resource ID written as text: `(type, name)` pairs, the first type with its
    /// namespace, lowercased (`microsoft.network/virtualnetworks`, `subnets`).
    Arm(Vec<(String, String)>),
}

impl<'m> Tgt<'m> {
    /// How a message names the target.
    pub fn describe(&self) -> String {
        match self {
            Tgt::Res(r) => format!("`{}`", r.address),
            Tgt::Block(r, b) => format!("a `{}` block of `{}`", b.kind, r.address),
            Tgt::Arm(p) => {
                format!("`{}`", p.iter().map(|(t, n)| format!("{t}/{n}")).collect::<Vec<_>>().join("/"))
            }
        }
    }
}

/// The kinds this front end maps (a name it cannot evaluate gets a note).
const MAPPED: &[&str] = &[
    "azurerm_machine_learning_workspace",
    "azurerm_virtual_network",
    "azurerm_subnet",
    "azurerm_network_security_group",
    "azurerm_network_security_rule",
    "azurerm_route_table",
    "azurerm_route",
    "azurerm_private_endpoint",
    "azurerm_private_dns_zone",
    "azurerm_storage_account",
    "azurerm_key_vault",
    "azurerm_container_registry",
    "azurerm_application_insights",
    "azurerm_machine_learning_compute_instance",
    "azurerm_machine_learning_compute_cluster",
    "azurerm_machine_learning_inference_cluster",
    "azurerm_firewall",
];

impl Module {
    fn build(ev: &mut Evaluator<'_>) -> Module {
        let mut res = Vec::new();
        let mut by_inst = HashMap::new();
        for r in 0..ev.cfg.resources.len() {
            let Ok((_, list)) = ev.expand(r) else { continue };
            for inst in list {
                let obj = ev.object(inst);
                let kind = ev.cfg.resources[r].kind.to_string();
                let address = ev.address(inst);
                let label = match obj.attrs.get("name") {
                    Some(Attr { val: Val { v: Value::Str(s), .. }, span }) => {
                        Sp::new(s.clone(), span.clone())
                    }
                    Some(a) => {
                        if let Some(w) = a.val.first_unknown()
                            && MAPPED.contains(&kind.as_str())
                            && w.kind != WhyKind::Reported
                        {
                            let at = if inside(&w.span, &a.span) { w.span.clone() } else { a.span.clone() };
                            ev.problems.push(
                                Severity::Note,
                                ToolCode::CannotEvaluate,
                                format!(
                                    "cannot evaluate the name of `{address}`: {}; the topology calls it `{address}`",
                                    w.message
                                ),
                                Some("give `name` a value topobook can evaluate to see the real name".into()),
                                at,
                            );
                        }
                        Sp::new(address.clone(), obj.header.clone())
                    }
                    None => Sp::new(address.clone(), obj.header.clone()),
                };
                by_inst.insert(inst, res.len());
                res.push(Res { kind, address, obj, label });
            }
        }
        Module { res, by_inst }
    }

    pub fn of_kind<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Res> + 's {
        self.res.iter().filter(move |r| r.kind == kind)
    }

    /// What a value names: a resource of the module by ID, one of its nested blocks, or an
    /// ARM ID written as text.
    pub fn target(&self, v: &Val) -> Option<Tgt<'_>> {
        match &v.v {
            Value::Id(Target::Instance(i)) => self.by_inst.get(i).map(|&r| Tgt::Res(&self.res[r])),
            Value::Id(Target::Block { instance, kind, index }) => {
                let r = &self.res[*self.by_inst.get(instance)?];
                let b = r.obj.blocks.iter().filter(|b| &b.kind == kind).nth(*index)?;
                Some(Tgt::Block(r, b))
            }
            Value::Str(s) => arm_id(s).map(Tgt::Arm),
            _ => None,
        }
    }
}

/// Parse `/subscriptions/../resourceGroups/../providers/Ns/type/name[/type/name...]`.
fn arm_id(s: &str) -> Option<Vec<(String, String)>> {
    let parts: Vec<&str> = s.trim_matches('/').split('/').collect();
    let p = parts.iter().position(|x| x.eq_ignore_ascii_case("providers"))?;
    let rest = &parts[p + 1..];
    if rest.len() < 3 || rest.len().is_multiple_of(2) {
        return None;
    }
    let mut out = vec![(format!("{}/{}", rest[0], rest[1]).to_lowercase(), rest[2].to_string())];
    for pair in rest[3..].chunks(2) {
        out.push((pair[0].to_lowercase(), pair[1].to_string()));
    }
    Some(out)
}

/// A value and the span it was read at.
pub type Located<T> = (T, Range<usize>);

/// The mutable side of the mapping: the problems and the topology being built.
pub struct Ctx<'p> {
    pub problems: &'p mut Problems,
    pub out: Out,
}

/// The topology being built, section by section.
#[derive(Default)]
pub struct Out {
    pub workspace: Option<Sp<Workspace>>,
    pub vnets: Vec<Sp<Vnet>>,
    pub nsgs: Vec<Sp<Nsg>>,
    pub route_tables: Vec<Sp<RouteTable>>,
    pub zones: Vec<Sp<PrivateDnsZone>>,
    pub storage: Vec<Sp<StorageAccount>>,
    pub key_vaults: Vec<Sp<KeyVault>>,
    pub registries: Vec<Sp<ContainerRegistry>>,
    pub insights: Vec<Sp<AppInsights>>,
    pub computes: Vec<Sp<Compute>>,
    pub firewall: Option<Sp<Firewall>>,
    pub clients: Option<Sp<Clients>>,
}

/// A list of the model, or `None` when there is nothing in it.
pub fn list<T>(items: Vec<Sp<T>>, span: Range<usize>) -> Option<List<T>> {
    (!items.is_empty()).then(|| Sp::new(items, span))
}

fn section<T>(items: Vec<Sp<T>>) -> Option<List<T>> {
    let span = items.first().map(|i| i.span.clone())?;
    Some(Sp::new(items, span))
}

impl Out {
    fn finish(self) -> Topology {
        Topology {
            workspace: self.workspace,
            vnets: section(self.vnets),
            nsgs: section(self.nsgs),
            route_tables: section(self.route_tables),
            private_dns_zones: section(self.zones),
            storage_accounts: section(self.storage),
            key_vaults: section(self.key_vaults),
            container_registries: section(self.registries),
            application_insights: section(self.insights),
            computes: section(self.computes),
            firewall: self.firewall,
            clients: self.clients,
            ..Topology::default()
        }
    }
}

fn inside(inner: &Range<usize>, outer: &Range<usize>) -> bool {
    inner.start >= outer.start && inner.end <= outer.end && inner.start < inner.end
}

impl Ctx<'_> {
    pub fn note(&mut self, code: ToolCode, message: String, help: Option<&str>, span: Range<usize>) {
        self.problems.push(Severity::Note, code, message, help.map(str::to_string), span);
    }

    /// A note for an attribute whose value (or part of it) is unknown.
    fn unknown(&mut self, addr: &str, key: &str, attr: &Attr, why: &Why) {
        if why.kind == WhyKind::Reported {
            return;
        }
        let span = if inside(&why.span, &attr.span) { why.span.clone() } else { attr.span.clone() };
        self.note(
            ToolCode::CannotEvaluate,
            format!("cannot evaluate `{key}` of `{addr}`: {}", why.message),
            Some("the field is left unknown, so the rules that need it are not evaluated"),
            span,
        );
    }

    /// The attribute `key`, when it is set (not null) and fully known.
    pub fn known<'o>(&mut self, addr: &str, obj: &'o Obj, key: &str) -> Option<&'o Attr> {
        let a = obj.attrs.get(key)?;
        if let Some(w) = a.val.first_unknown() {
            let w = w.clone();
            self.unknown(addr, key, a, &w);
            return None;
        }
        (!matches!(a.val.v, Value::Null)).then_some(a)
    }

    fn wrong_type(&mut self, addr: &str, key: &str, attr: &Attr, want: &str) {
        self.problems.push(
            Severity::Warning,
            ToolCode::CannotEvaluate,
            format!("`{key}` of `{addr}` is {}, not {want}", attr.val.v.kind()),
            Some("Terraform would refuse this value; the field is left unknown".into()),
            attr.span.clone(),
        );
    }

    pub fn text(&mut self, addr: &str, obj: &Obj, key: &str) -> Option<Sp<String>> {
        let a = self.known(addr, obj, key)?;
        match a.val.to_text() {
            Ok(t) => Some(Sp::new(t, a.span.clone())),
            Err(_) => {
                self.wrong_type(addr, key, a, "text");
                None
            }
        }
    }

    pub fn boolean(&mut self, addr: &str, obj: &Obj, key: &str) -> Option<Sp<bool>> {
        let a = self.known(addr, obj, key)?;
        match a.val.to_bool() {
            Ok(b) => Some(Sp::new(b, a.span.clone())),
            Err(_) => {
                self.wrong_type(addr, key, a, "a boolean");
                None
            }
        }
    }

    pub fn number(&mut self, addr: &str, obj: &Obj, key: &str) -> Option<Sp<u32>> {
        let a = self.known(addr, obj, key)?;
        match a.val.to_number() {
            Ok(n) if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => {
                Some(Sp::new(n as u32, a.span.clone()))
            }
            _ => {
                self.wrong_type(addr, key, a, "a whole number");
                None
            }
        }
    }

    /// A list of strings (a single string counts as a list of one), each entry at its own
    /// expression when that lies inside the attribute.
    pub fn texts(&mut self, addr: &str, obj: &Obj, key: &str) -> Option<List<String>> {
        let a = self.known(addr, obj, key)?;
        let items: Vec<&Val> = match &a.val.v {
            Value::List(items) => items.iter().collect(),
            _ => vec![&a.val],
        };
        let mut out = Vec::new();
        for v in items {
            match v.to_text() {
                Ok(t) => {
                    let span = if inside(&v.span, &a.span) { v.span.clone() } else { a.span.clone() };
                    out.push(Sp::new(t, span));
                }
                Err(_) => {
                    self.wrong_type(addr, key, a, "a list of text");
                    return None;
                }
            }
        }
        Some(Sp::new(out, a.span.clone()))
    }

    /// A value of a closed enum of the model (its YAML spelling, any letter case).
    pub fn choice<T: DeserializeOwned>(&mut self, addr: &str, obj: &Obj, key: &str) -> Option<Sp<T>> {
        let t = self.text(addr, obj, key)?;
        match parse_choice::<T>(&t.value) {
            Ok(v) => Some(Sp::new(v, t.span)),
            Err(e) => {
                self.note(
                    ToolCode::NotInModel,
                    format!(
                        "`{key}` of `{addr}` is `{}`, which the topology model does not describe ({e})",
                        t.value
                    ),
                    Some("the field is left unknown"),
                    t.span,
                );
                None
            }
        }
    }

    /// The nested blocks `kind` of `obj`.
    pub fn blocks<'o>(obj: &'o Obj, kind: &'o str) -> impl Iterator<Item = &'o Obj> + 'o {
        obj.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// The first nested block `kind`.
    pub fn block<'o>(obj: &'o Obj, kind: &str) -> Option<&'o Obj> {
        obj.blocks.iter().find(|b| b.kind == kind)
    }

    /// What the ID in attribute `key` points at, with the attribute's span.
    pub fn target<'m>(
        &mut self,
        m: &'m Module,
        addr: &str,
        obj: &Obj,
        key: &str,
    ) -> Option<(Tgt<'m>, Range<usize>)> {
        let a = self.known(addr, obj, key)?;
        match m.target(&a.val) {
            Some(t) => Some((t, a.span.clone())),
            None => {
                self.note(
                    ToolCode::CannotEvaluate,
                    format!("`{key}` of `{addr}` does not name a resource topobook can find"),
                    Some("use the address of a resource of this module (`azurerm_x.name.id`) or a full Azure resource ID"),
                    a.span.clone(),
                );
                None
            }
        }
    }

    /// The targets of a list of IDs (unresolvable entries get a note and are skipped).
    pub fn targets<'m>(
        &mut self,
        m: &'m Module,
        addr: &str,
        obj: &Obj,
        key: &str,
    ) -> Option<(Vec<Located<Tgt<'m>>>, Range<usize>)> {
        let a = self.known(addr, obj, key)?;
        let items: Vec<&Val> = match &a.val.v {
            Value::List(items) => items.iter().collect(),
            _ => vec![&a.val],
        };
        let mut out = Vec::new();
        for v in items {
            let span = if inside(&v.span, &a.span) { v.span.clone() } else { a.span.clone() };
            match m.target(v) {
                Some(t) => out.push((t, span)),
                None => self.note(
                    ToolCode::CannotEvaluate,
                    format!("an entry of `{key}` of `{addr}` does not name a resource topobook can find"),
                    Some("use the address of a resource of this module or a full Azure resource ID"),
                    span,
                ),
            }
        }
        Some((out, a.span.clone()))
    }

    /// A note that a reference points at the wrong kind of resource.
    pub fn not_a(&mut self, addr: &str, key: &str, t: &Tgt<'_>, want: &str, span: Range<usize>) {
        self.note(
            ToolCode::NotInModel,
            format!("`{key}` of `{addr}` points at {}, which is not {want} of this module", t.describe()),
            Some("the reference is left out of the topology"),
            span,
        );
    }
}

/// Parse a model enum from its YAML spelling; letter case is forgiven (`tcp`, `INBOUND`).
pub fn parse_choice<T: DeserializeOwned>(s: &str) -> Result<T, String> {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};
    let attempt = |x: &str| {
        let d: StrDeserializer<'_, Error> = x.into_deserializer();
        T::deserialize(d).map_err(|e| e.to_string())
    };
    let first = match attempt(s) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let mut cap = s.to_lowercase();
    if let Some(c) = cap.get(..1) {
        cap = c.to_uppercase() + &cap[1..];
    }
    attempt(&s.to_lowercase())
        .or_else(|_| attempt(&cap))
        .or_else(|_| attempt(&s.to_uppercase()))
        .map_err(|_| first)
}

/// Map the module onto the model.
pub fn map(ev: &mut Evaluator<'_>) -> Topology {
    let m = Module::build(ev);
    let mut cx = Ctx { problems: &mut ev.problems, out: Out::default() };
    network::map(&m, &mut cx);
    services::map(&m, &mut cx);
    compute::map(&m, &mut cx);
    cx.out.finish()
}
