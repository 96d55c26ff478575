//! Diagnostic codes: a rule of the registry or one of the codes topobook itself raises.
//!
//! Each tool code is declared once below, with the words reports show for it (SARIF
//! `tool.driver.rules`, the JSON report, `topobook explain`). Codes are a stable interface:
//! reports, baselines and CI filters use their string form.

use std::fmt;

use serde::{Serialize, Serializer};

use super::Severity;
use crate::rules::Rule;

macro_rules! tool_codes {
    ($($variant:ident = $code:literal, $level:ident, $title:literal, $description:literal;)+) => {
        /// A code topobook itself raises (rule IDs come from the rule registry).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ToolCode {
            $(#[doc = $title] $variant),+
        }

        impl ToolCode {
            /// Every tool code, in declaration order.
            pub const ALL: &'static [ToolCode] = &[$(ToolCode::$variant),+];

            /// The stable spelling (`yaml-syntax`).
            pub fn as_str(self) -> &'static str {
                match self { $(ToolCode::$variant => $code),+ }
            }

            /// One line: what went wrong.
            pub fn title(self) -> &'static str {
                match self { $(ToolCode::$variant => $title),+ }
            }

            /// What the code checks and what to do about it.
            pub fn description(self) -> &'static str {
                match self { $(ToolCode::$variant => $description),+ }
            }

            /// The level findings of this code usually have.
            pub fn level(self) -> Severity {
                match self { $(ToolCode::$variant => Severity::$level),+ }
            }
        }
    };
}

tool_codes! {
    YamlSyntax = "yaml-syntax", Error,
        "The YAML of a topology block is not well-formed",
        "A `yaml topology` block could not be read as YAML. No rule runs on the block \
until the syntax error at the reported position is fixed.";
    YamlType = "yaml-type", Error,
        "A value has the wrong type or an unknown variant",
        "A key of the topology holds a value of the wrong type (a list where a mapping is expected, \
an unknown enum value). The message names the expected type or the accepted values.";
    UnknownKey = "unknown-key", Error,
        "A key the topology model does not know",
        "Unknown keys are refused so that a typo never silently disables a check. The help line \
suggests the closest known key.";
    DuplicateKey = "duplicate-key", Error,
        "The same key twice in one mapping",
        "YAML keeps only one of the values; topobook refuses the mapping so that the author decides \
which one is meant.";
    InputLimit = "input-limit", Error,
        "Input refused because it exceeds a safety limit",
        "A topology block too large, too deeply nested or with too many aliases to be checked \
safely, a page larger than the page limit or nested deeper than the nesting limit, or includes \
that expand past the page limit. `SECURITY.md` lists the limits. Split the input or flatten it.";
    DuplicateName = "duplicate-name", Error,
        "Two entries of one list share a name",
        "Resources are referenced by name, so names must be unique within their list.";
    DanglingReference = "dangling-reference", Error,
        "A reference to something the topology does not contain",
        "A resource refers by name to a VNet, subnet, NSG or other resource that the block does \
not define. Define it, or fix the name.";
    InvalidValue = "invalid-value", Error,
        "A malformed value",
        "A value has the right type but is not valid: a bad CIDR prefix, an unknown service tag, \
an unknown profile.";
    BlockOption = "block-option", Error,
        "A bad option on a topology fence line",
        "The options after `yaml topology` on the fence line are `expect=`, `ignore`, `title=`, \
`id=`, `profile=` and `figure=`.";
    ExpectMismatch = "expect-mismatch", Error,
        "An `expect=` block did not fail as it says",
        "A block marked `expect=ID` is a deliberate counter-example: it must break exactly the \
rules it names. A named rule that does not fire, or another rule that does, is an error.";
    Suppression = "suppression", Warning,
        "A suppression without a reason, past its expiry date, or matching nothing",
        "Entries of `meta.suppress` need a rule and a reason, may carry an expiry date, and must \
match a finding. An expired suppression no longer applies: the finding counts again.";
    BrokenLink = "broken-link", Error,
        "An internal link to a page that does not exist",
        "A link between pages of the book points to a file that is not part of the book.";
    BrokenAnchor = "broken-anchor", Error,
        "A link to an anchor the target page does not define",
        "A link's `#fragment` names no heading, block id or explicit anchor of the target page.";
    Config = "config", Error,
        "A problem in `book.toml`",
        "The book configuration could not be read or has invalid values.";
    Summary = "summary", Error,
        "A problem in `SUMMARY.md`",
        "The table of contents could not be read or names files that do not exist.";
    FrontMatter = "front-matter", Error,
        "Front matter that does not parse or has unknown keys",
        "The front matter at the top of a page could not be read.";
    Io = "io", Error,
        "A file that cannot be read or written",
        "An I/O error on a file of the book or of the output.";
    MissingFigure = "missing-figure", Error,
        "A `figure=` image that does not exist",
        "The image named by a block's `figure=` option is not in the book.";
    Theme = "theme", Error,
        "A theme template that fails to load or render",
        "A template of the theme has an error.";
    FieldNotInProfile = "field-not-in-profile", Warning,
        "A field that has no meaning in the block's profile",
        "Some fields of the topology model belong to one documentation profile only: the \
managed network, online endpoints and hubs exist in `2026-02`, the workspace edition and \
`created_in_vnet` only in `2020-10`. The rules of the other profile ignore the field. Remove it, \
or check the block under the profile it was written for (`profile=` on the fence, \
`meta.profile`, `--profile`).";
    ProfileChange = "profile-change", Note,
        "A finding the block's own profile reports and the run's profile does not",
        "`--profile` checks a block under another profile than its book's. Findings that exist \
only under the new profile say so in a note; each finding of the old profile that the new \
one no longer reports is listed with this code, so that moving a runbook to a new profile \
shows what changed.";
    Markdown = "markdown", Warning,
        "Markdown that probably does not say what its author meant",
        "A code fence that is never closed runs to the end of the page (or of its quote or list \
item) and swallows everything after it. Close it with a fence line at least as long.";
    HclSyntax = "hcl-syntax", Error,
        "Terraform code that does not parse",
        "A `.tf` or `.tfvars` file is not valid HCL, or declares the same name twice. The file is \
left out of the topology; the other files of the module are still read.";
    CannotEvaluate = "cannot-evaluate", Note,
        "A value of the infrastructure code that topobook cannot know",
        "The value is known only when the code is applied (a data source, a module output, a \
runtime property, the resource group's location, a `list*()` result), or it comes from a \
function topobook does not evaluate or a variable or parameter without a value. The field is \
left unknown, never guessed, and so is everything computed from it: the rules that need it \
are not evaluated. Give it a literal value, a variable default, a tfvars value or a value in \
the parameters file to have it checked.";
    UndeclaredReference = "undeclared-reference", Error,
        "A reference to something the module does not declare",
        "The code names a variable, local value, resource, data source or module that the module \
does not declare; Terraform refuses it. The help line suggests the closest declared name.";
    NotInModel = "not-in-model", Note,
        "A resource or setting the topology model does not describe",
        "The infrastructure code holds something that matters to the network (a load balancer, an \
application security group, a firewall's NAT rules) that the topology model has no place for. \
It is left out of the topology and not checked; the note names it so that the diagram and the \
checks are read knowing it is missing.";
    JsonSyntax = "json-syntax", Error,
        "An infrastructure-code file that is not valid JSON",
        "An ARM template or parameters file could not be read as JSON (comments are allowed, \
trailing commas and single quotes are not). Nothing is imported until the error at the reported \
position is fixed.";
    NotArmTemplate = "not-arm-template", Error,
        "A JSON file given as an ARM template that is not one",
        "A `json topology` source must be an Azure Resource Manager deployment template: a JSON \
object whose `$schema` ends in `deploymentTemplate.json#`, as `bicep build` writes. Point `src=` \
at the template and `parameters=` at its parameters file.";
    ArmTemplate = "arm-template", Error,
        "An ARM template Azure would refuse",
        "A resource without `type`, a `copy` loop without a valid `count`, a `condition` that is not \
a boolean: the template would fail to deploy. Fix it at the reported position.";
    ArmExpression = "arm-expression", Error,
        "An ARM template expression that does not parse",
        "A `[...]` string is an expression of the template language; this one is malformed. What \
depends on it is left unknown.";
    ArmParameters = "arm-parameters", Warning,
        "A parameters file that does not fit its template",
        "The parameters file sets a parameter the template does not declare (often a typo: the \
help suggests the closest name), or gives one neither `value` nor `reference`.";
    ArmValue = "arm-value", Warning,
        "A value of infrastructure code the topology model cannot hold",
        "A property has the wrong type, or a value outside the choices Azure and the model know \
(`defaultAction: Allo`). The property is left out of the topology.";
    BicepNotFound = "bicep-not-found", Error,
        "A Bicep source, but no Bicep CLI on `PATH`",
        "A `bicep topology` source is compiled by the official Bicep CLI. Install it so that \
`bicep` is on `PATH`, or compile the file (`bicep build main.bicep`) and point `src=` at the \
JSON template.";
    BicepBuild = "bicep-build", Error,
        "`bicep build` failed, timed out, or compiled the source",
        "The Bicep CLI's own messages are quoted. As a note, it says that locations point into the \
template the Bicep file compiles to, not into the `.bicep` file.";
    OutsideLink = "outside-link", Warning,
        "A relative link that leaves the book",
        "A link such as `../other-book/page.html` points outside the book's source folder, often to \
a site deployed beside this one. topobook cannot know whether it exists, so it is not checked. \
`[build] outside-links = \"ignore\"` in `book.toml` stops the warning.";
    Baseline = "baseline", Note,
        "A baseline file that cannot be read, or a stale entry of it",
        "The baseline (`topobook check --baseline FILE`, `[check] baseline` in `book.toml`) lists known \
findings that do not fail a run. An entry that matches no finding any more is stale: \
`topobook check --write-baseline FILE` rewrites the file without it.";
    FlowMismatch = "flow-mismatch", Error,
        "A flow whose `expect:` the topology contradicts",
        "An entry of a block's `flows:` claims that traffic is allowed or denied, and the \
topology says otherwise: the message is the path the traffic takes, hop by hop (NSGs, routes, \
firewall rules, name resolution, the resource's own firewall), with the rule that decided, and \
the help says what to change. When the topology does not say enough to decide, the flow is a \
warning naming what is missing. A block may show a failing flow on purpose with \
`expect=flow-mismatch` on its fence line.";
}

impl ToolCode {
    /// The tool code spelled `text`, as a user typed it (`expect=`, filters).
    pub fn parse(text: &str) -> Option<ToolCode> {
        ToolCode::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for ToolCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a diagnostic is about: a rule of the registry or a tool code.
#[derive(Clone, Copy, Debug)]
pub enum Code {
    Rule(&'static Rule),
    Tool(ToolCode),
}

impl Code {
    /// The rule ID (`AML-KV-002`) or the tool code (`yaml-syntax`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Rule(r) => r.id,
            Code::Tool(t) => t.as_str(),
        }
    }

    /// The rule, for a rule finding.
    pub fn rule(self) -> Option<&'static Rule> {
        match self {
            Code::Rule(r) => Some(r),
            Code::Tool(_) => None,
        }
    }

    /// The readable name: the rule's (`key-vault-trusted-services`) or the tool code.
    pub fn name(self) -> &'static str {
        match self {
            Code::Rule(r) => r.name,
            Code::Tool(t) => t.as_str(),
        }
    }

    /// One line: the rule's title or what the tool code means.
    pub fn title(self) -> &'static str {
        match self {
            Code::Rule(r) => r.title,
            Code::Tool(t) => t.title(),
        }
    }
}

impl From<ToolCode> for Code {
    fn from(t: ToolCode) -> Code {
        Code::Tool(t)
    }
}

impl From<&'static Rule> for Code {
    fn from(r: &'static Rule) -> Code {
        Code::Rule(r)
    }
}

// Rules are compared by ID: IDs are unique in the registry (tested).
impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Code {}

impl PartialEq<ToolCode> for Code {
    fn eq(&self, other: &ToolCode) -> bool {
        matches!(self, Code::Tool(t) if t == other)
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_codes_are_unique_described_and_apart_from_rule_ids() {
        let mut seen = std::collections::BTreeSet::new();
        for t in ToolCode::ALL {
            assert!(seen.insert(t.as_str()), "duplicate tool code {t}");
            assert!(!t.title().is_empty() && !t.description().is_empty(), "{t} is not described");
            assert!(crate::rules::by_id(t.as_str()).is_none(), "{t} clashes with a rule ID");
            assert_eq!(ToolCode::parse(t.as_str()), Some(*t));
        }
    }

    #[test]
    fn codes_compare_and_print_as_their_spelling() {
        let rule = crate::rules::by_id("AML-KV-002").expect("the registry has AML-KV-002");
        let c = Code::from(rule);
        assert_eq!((c.as_str(), c.name()), ("AML-KV-002", "key-vault-trusted-services"));
        assert_eq!(Code::from(ToolCode::BrokenLink).to_string(), "broken-link");
        assert_eq!(Code::from(ToolCode::Suppression), ToolCode::Suppression);
        assert_ne!(c, Code::from(ToolCode::Suppression));
        assert_eq!(ToolCode::Suppression.level(), Severity::Warning);
    }
}
