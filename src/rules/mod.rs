//! The secure-network rule engine.
//!
//! Each rule is declared once, in a file of its area folder (`rules/storage/st_003.rs`):
//! a [`Rule`] value with its stable ID, readable name, severity, the documentation in fixed
//! sections (what it checks, why, example, fix), the quoted source sentence and the source
//! article, and a `check` function over the resolved network ([`Net`]). The [`registry`]
//! lists every rule; `topobook rules`, `topobook explain`, the site's rule pages and the
//! SARIF/JSON rule metadata all come from it.
//!
//! **Profiles and versions.** A [`Profile`] (`2020-10`, `2026-02`; `current` is the newest)
//! runs the rules whose `periods` contain its [`Period`]. A rule whose meaning changes
//! between profiles has one `Rule` static per version in its file (`RULE` for `2020-10`,
//! `CURRENT` for `2026-02`), with the same ID and name and disjoint periods, each with its
//! own check, docs, quote, source, example and fix; the area lists both in its `RULES`. The
//! registry holds every version ([`registry`], sorted by ID then period); [`for_profile`] gives
//! the versions a profile runs, [`versions`] those of one ID. IDs a user types (`expect=`,
//! suppressions, `explain`) are looked up with [`by_id`], which does not care about versions.
//!
//! The engine knows nothing about Markdown or HTML: findings carry spans in the YAML text.

pub mod docs;
mod engine;
pub mod registry;

pub mod aci;
pub mod acr;
pub mod ai;
pub mod aks;
pub mod compute;
pub mod dns;
pub mod firewall;
pub mod general;
pub mod keyvault;
pub mod network;
pub mod storage;
pub mod studio;
pub mod workspace;

use std::ops::Range;

use serde::Serialize;

pub use engine::{RuleResult, RuleStatus, run};
pub use registry::{by_id, for_profile, groups, in_profile, profiles_of, registry, versions};

use crate::diag::Severity;
use crate::topology::node::Loc;
use crate::topology::resolve::Net;

/// Areas group rules in listings and in the site's rule index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    General,
    Workspace,
    Network,
    Storage,
    KeyVault,
    ContainerRegistry,
    ApplicationInsights,
    Compute,
    ContainerInstances,
    Aks,
    Studio,
    Firewall,
    Dns,
    ManagedNetwork,
    OnlineEndpoints,
    HubWorkspaces,
}

impl Area {
    pub fn title(self) -> &'static str {
        match self {
            Area::General => "General topology",
            Area::Workspace => "Workspace and its private endpoint",
            Area::Network => "VNet, subnet and NSG basics",
            Area::Storage => "Storage accounts",
            Area::KeyVault => "Key Vault",
            Area::ContainerRegistry => "Azure Container Registry",
            Area::ApplicationInsights => "Application Insights",
            Area::Compute => "Training compute",
            Area::ContainerInstances => "Azure Container Instances",
            Area::Aks => "Inferencing on AKS",
            Area::Studio => "Studio in a virtual network",
            Area::Firewall => "Firewall and outbound access",
            Area::Dns => "Name resolution and custom DNS",
            Area::ManagedNetwork => "Workspace managed virtual network",
            Area::OnlineEndpoints => "Managed online endpoints",
            Area::HubWorkspaces => "Hub and project workspaces",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Area::General => "general",
            Area::Workspace => "workspace",
            Area::Network => "network",
            Area::Storage => "storage",
            Area::KeyVault => "key-vault",
            Area::ContainerRegistry => "container-registry",
            Area::ApplicationInsights => "application-insights",
            Area::Compute => "compute",
            Area::ContainerInstances => "container-instances",
            Area::Aks => "aks",
            Area::Studio => "studio",
            Area::Firewall => "firewall",
            Area::Dns => "dns",
            Area::ManagedNetwork => "managed-network",
            Area::OnlineEndpoints => "online-endpoints",
            Area::HubWorkspaces => "hub-workspaces",
        }
    }
}

/// Periods of the Azure documentation in which a rule holds (the catalog's `P2020`...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Period {
    P2020,
    P2021,
    P2022,
    PCur,
}

/// Shorthand for rules that hold in every period.
pub const ALL: &[Period] = &[Period::P2020, Period::P2021, Period::P2022, Period::PCur];

/// The periods before today's documentation: the version of a rule that profile `2026-02`
/// changed or dropped.
pub const BEFORE_CURRENT: &[Period] = &[Period::P2020, Period::P2021, Period::P2022];

/// Today's documentation only: the `2026-02` version of a changed rule, or a new rule.
pub const ONLY_CURRENT: &[Period] = &[Period::PCur];

/// A profile: the state of the documentation a check run follows, named by the date of the
/// newest source it follows. Parsed once, where the user wrote it (`--profile`, `book.toml`,
/// the fence, `meta.profile`); `current` is an alias of the newest dated profile, resolved
/// when parsed, so messages and reports always name a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Profile {
    /// The overview article of 10/06/2020 and its companions.
    #[serde(rename = "2020-10")]
    P2020_10,
    /// Today's documentation: managed virtual network, serverless compute, hubs, online
    /// endpoints (newest source 02/05/2026; `docs/profiles/2026-02.md`).
    #[serde(rename = "2026-02")]
    P2026_02,
}

impl Profile {
    /// Every profile, oldest first.
    pub const ALL: &'static [Profile] = &[Profile::P2020_10, Profile::P2026_02];
    /// The newest dated profile, which `current` names.
    pub const CURRENT: Profile = Profile::P2026_02;
    /// The profile of a block when nothing names one: `current`.
    pub const DEFAULT: Profile = Profile::CURRENT;
    /// The alias of the newest dated profile.
    pub const CURRENT_ALIAS: &'static str = "current";

    pub fn name(self) -> &'static str {
        match self {
            Profile::P2020_10 => "2020-10",
            Profile::P2026_02 => "2026-02",
        }
    }

    /// The documentation period this profile follows.
    pub fn period(self) -> Period {
        match self {
            Profile::P2020_10 => Period::P2020,
            Profile::P2026_02 => Period::PCur,
        }
    }

    /// Does this version of a rule belong to this profile?
    pub fn includes(self, rule: &Rule) -> bool {
        !rule.removed && rule.periods.contains(&self.period())
    }
}

/// A profile name that names no profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownProfile(pub String);

impl UnknownProfile {
    pub fn message(&self) -> String {
        format!("unknown profile `{}`", self.0)
    }

    pub fn help(&self) -> String {
        let names = Profile::ALL.iter().map(|p| p.name()).chain([Profile::CURRENT_ALIAS]);
        let known: Vec<&str> = names.clone().collect();
        match crate::diag::did_you_mean(&self.0, names) {
            Some(s) => format!("did you mean `{s}`? known profiles: {}", known.join(", ")),
            None => format!(
                "known profiles: {} (`{}` is `{}`)",
                known.join(", "),
                Profile::CURRENT_ALIAS,
                Profile::CURRENT.name()
            ),
        }
    }
}

impl std::fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message(), self.help())
    }
}

impl std::error::Error for UnknownProfile {}

impl std::str::FromStr for Profile {
    type Err = UnknownProfile;

    /// A dated name (`2020-10`) or `current` (the newest), case-insensitive.
    fn from_str(name: &str) -> Result<Profile, UnknownProfile> {
        let name = name.trim();
        if name.eq_ignore_ascii_case(Profile::CURRENT_ALIAS) {
            return Ok(Profile::CURRENT);
        }
        Profile::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name)
            .ok_or_else(|| UnknownProfile(name.to_string()))
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One declared version of a rule. See the module docs: a rule whose meaning changes between
/// profiles has one `Rule` per version, with the same ID and name and periods that do not
/// overlap; each version has its own check, docs, quote and source.
pub struct Rule {
    /// Stable, permanent ID, e.g. `AML-KV-002`.
    pub id: &'static str,
    /// Readable name, e.g. `key-vault-trusted-services`.
    pub name: &'static str,
    pub severity: Severity,
    pub area: Area,
    /// Documentation periods in which this version holds; a profile runs the version whose
    /// periods contain its own ([`Profile::period`]). No two versions of an ID share a period.
    pub periods: &'static [Period],
    /// One-line title.
    pub title: &'static str,
    /// What it checks (Markdown).
    pub checks: &'static str,
    /// Why it matters (Markdown).
    pub why: &'static str,
    /// A topology (YAML) that fires exactly this rule.
    pub example: &'static str,
    /// The example corrected: fires no error or warning (and not this rule).
    pub fix: &'static str,
    /// Default `help:` line for findings.
    pub help: &'static str,
    /// The quoted source sentence(s).
    pub quote: &'static str,
    /// The source article (and section).
    pub source: &'static str,
    /// Link to the source article.
    pub source_url: &'static str,
    /// Where the catalog was unclear, what we decided and why (Markdown).
    pub decision: Option<&'static str>,
    /// Retired rules stay in the registry, marked removed; they never run.
    pub removed: bool,
    /// The check itself.
    pub check: fn(&Ctx, &mut Findings) -> Eval,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

impl Rule {
    /// The profiles this version of the rule belongs to, oldest first.
    pub fn profiles(&self) -> Vec<Profile> {
        Profile::ALL.iter().copied().filter(|p| p.includes(self)).collect()
    }

    /// The profiles this version of the rule belongs to, by name.
    pub fn profile_names(&self) -> Vec<&'static str> {
        self.profiles().into_iter().map(Profile::name).collect()
    }

    /// The profiles any version of this rule's ID belongs to, by name, oldest first.
    pub fn id_profile_names(&self) -> Vec<&'static str> {
        registry::profiles_of(self.id).into_iter().map(Profile::name).collect()
    }

    /// The site path of the rule's reference page (`rules/AML-KV-002.html`).
    pub fn page_path(&self) -> String {
        format!("rules/{}.html", self.id)
    }

    /// The URL of the rule's page: under `base` (the site's rules reference) when given,
    /// else the site path.
    pub fn url(&self, base: Option<&str>) -> String {
        match base {
            Some(base) => format!("{}/{}.html", base.trim_end_matches('/'), self.id),
            None => self.page_path(),
        }
    }
}

/// What a check run sees.
pub struct Ctx<'a> {
    pub net: &'a Net,
    pub profile: Profile,
}

/// Whether a rule could run on this block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Eval {
    /// The rule looked at the objects it speaks about (findings, if any, were pushed).
    Checked,
    /// The block lacks what the rule needs (reason shown on the page).
    NotEvaluated(&'static str),
}

/// One failure of a rule: the node at fault and the span of the value that shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The most specific text at fault: the wrong value, or the object something is
    /// missing from.
    pub span: Range<usize>,
    /// The node at fault, and the field below it (`computes[2].subnet`).
    pub loc: Loc,
    pub message: String,
    /// Overrides the rule's default help for this finding.
    pub help: Option<String>,
    /// Short label under the underlined source.
    pub label: Option<String>,
}

/// Where a check pushes its findings.
#[derive(Debug, Default)]
pub struct Findings {
    pub list: Vec<Finding>,
}

impl Findings {
    /// Record a failure of the node `loc`, shown at `span`. Returns the finding to add help
    /// or a label.
    pub fn push(
        &mut self,
        span: Range<usize>,
        loc: impl Into<Loc>,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.list.push(Finding { span, loc: loc.into(), message: message.into(), help: None, label: None });
        let last = self.list.len() - 1;
        &mut self.list[last]
    }
}

impl Finding {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }
}
