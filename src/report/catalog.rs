//! What every diagnostic code means, for the report formats that describe their codes
//! (SARIF `tool.driver.rules`, the `name` of a JSON finding).
//!
//! Rule IDs come from the rule registry; the codes topobook itself raises
//! ([`crate::diag::codes`]) are described here. A code that neither knows (one added later
//! without a line here) still gets a plain description, so a report never fails on it.

use crate::diag::{Severity, codes};
use crate::rules::{self, Rule};

/// A code topobook itself raises, with the words reports show for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ToolCode {
    pub code: &'static str,
    /// One line: what went wrong.
    pub title: &'static str,
    /// What the code checks and what to do about it.
    pub description: &'static str,
    /// The level findings of this code usually have.
    pub level: Severity,
}

const fn tool(
    code: &'static str,
    title: &'static str,
    description: &'static str,
    level: Severity,
) -> ToolCode {
    ToolCode { code, title, description, level }
}

/// Every code of [`crate::diag::codes`], in the order of that module.
pub const TOOL_CODES: &[ToolCode] = &[
    tool(
        codes::YAML_SYNTAX,
        "The YAML of a topology block is not well-formed",
        "A `yaml topology` block could not be read as YAML. No rule runs on the block \
until the syntax error at the reported position is fixed.",
        Severity::Error,
    ),
    tool(
        codes::YAML_TYPE,
        "A value has the wrong type or an unknown variant",
        "A key of the topology holds a value of the wrong type (a list where a mapping is expected, \
an unknown enum value). The message names the expected type or the accepted values.",
        Severity::Error,
    ),
    tool(
        codes::UNKNOWN_KEY,
        "A key the topology model does not know",
        "Unknown keys are refused so that a typo never silently disables a check. The help line \
suggests the closest known key.",
        Severity::Error,
    ),
    tool(
        codes::DUPLICATE_KEY,
        "The same key twice in one mapping",
        "YAML keeps only one of the values; topobook refuses the mapping so that the author decides \
which one is meant.",
        Severity::Error,
    ),
    tool(
        codes::INPUT_LIMIT,
        "Input refused because it exceeds a safety limit",
        "A topology block too large, too deeply nested or with too many aliases to be checked \
safely, a page larger than the page limit or nested deeper than the nesting limit, or includes \
that expand past the page limit. `SECURITY.md` lists the limits. Split the input or flatten it.",
        Severity::Error,
    ),
    tool(
        codes::DUPLICATE_NAME,
        "Two entries of one list share a name",
        "Resources are referenced by name, so names must be unique within their list.",
        Severity::Error,
    ),
    tool(
        codes::DANGLING_REFERENCE,
        "A reference to something the topology does not contain",
        "A resource refers by name to a VNet, subnet, NSG or other resource that the block does \
not define. Define it, or fix the name.",
        Severity::Error,
    ),
    tool(
        codes::INVALID_VALUE,
        "A malformed value",
        "A value has the right type but is not valid: a bad CIDR prefix, an unknown service tag, \
an unknown profile.",
        Severity::Error,
    ),
    tool(
        codes::BLOCK_OPTION,
        "A bad option on a topology fence line",
        "The options after `yaml topology` on the fence line are `expect=`, `ignore`, `title=`, \
`id=`, `profile=` and `figure=`.",
        Severity::Error,
    ),
    tool(
        codes::EXPECT_MISMATCH,
        "An `expect=` block did not fail as it says",
        "A block marked `expect=ID` is a deliberate counter-example: it must break exactly the \
rules it names. A named rule that does not fire, or another rule that does, is an error.",
        Severity::Error,
    ),
    tool(
        codes::SUPPRESSION,
        "A suppression without a reason, past its expiry date, or matching nothing",
        "Entries of `meta.suppress` need a rule and a reason, may carry an expiry date, and must \
match a finding. An expired suppression no longer applies: the finding counts again.",
        Severity::Warning,
    ),
    tool(
        codes::BROKEN_LINK,
        "An internal link to a page that does not exist",
        "A link between pages of the book points to a file that is not part of the book.",
        Severity::Error,
    ),
    tool(
        codes::BROKEN_ANCHOR,
        "A link to an anchor the target page does not define",
        "A link's `#fragment` names no heading, block id or explicit anchor of the target page.",
        Severity::Error,
    ),
    tool(
        codes::CONFIG,
        "A problem in `book.toml`",
        "The book configuration could not be read or has invalid values.",
        Severity::Error,
    ),
    tool(
        codes::SUMMARY,
        "A problem in `SUMMARY.md`",
        "The table of contents could not be read or names files that do not exist.",
        Severity::Error,
    ),
    tool(
        codes::FRONT_MATTER,
        "Front matter that does not parse or has unknown keys",
        "The front matter at the top of a page could not be read.",
        Severity::Error,
    ),
    tool(
        codes::IO,
        "A file that cannot be read or written",
        "An I/O error on a file of the book or of the output.",
        Severity::Error,
    ),
    tool(
        codes::MISSING_FIGURE,
        "A `figure=` image that does not exist",
        "The image named by a block's `figure=` option is not in the book.",
        Severity::Error,
    ),
    tool(
        codes::THEME,
        "A theme template that fails to load or render",
        "A template of the theme has an error.",
        Severity::Error,
    ),
    tool(
        codes::MARKDOWN,
        "Markdown that probably does not say what its author meant",
        "A code fence that is never closed runs to the end of the page (or of its quote or list \
item) and swallows everything after it. Close it with a fence line at least as long.",
        Severity::Warning,
    ),
    tool(
        codes::FLOW_MISMATCH,
        "A flow whose `expect:` the topology contradicts",
        "An entry of a block's `flows:` claims that traffic is allowed or denied, and the \
topology says otherwise: the message is the path the traffic takes, hop by hop (NSGs, routes, \
firewall rules, name resolution, the resource's own firewall), with the rule that decided, and \
the help says what to change. When the topology does not say enough to decide, the flow is a \
warning naming what is missing. A block may show a failing flow on purpose with \
`expect=flow-mismatch` on its fence line.",
        Severity::Error,
    ),
];

/// The tool code `code`, if it is one.
pub fn tool_code(code: &str) -> Option<&'static ToolCode> {
    TOOL_CODES.iter().find(|t| t.code == code)
}

/// The rule with exactly this ID (reports never match loosely: the code came from the engine).
pub fn rule(code: &str) -> Option<&'static Rule> {
    rules::by_id(code).filter(|r| r.id == code)
}

/// The readable name of a code: the rule's name (`key-vault-trusted-services`) or, for a
/// tool code, the code itself.
pub fn name(code: &str) -> &str {
    match rule(code) {
        Some(r) => r.name,
        None => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_codes_are_unique_and_described() {
        let mut seen = std::collections::BTreeSet::new();
        for t in TOOL_CODES {
            assert!(seen.insert(t.code), "duplicate tool code {}", t.code);
            assert!(!t.title.is_empty() && !t.description.is_empty(), "{} is not described", t.code);
            assert!(rule(t.code).is_none(), "{} clashes with a rule ID", t.code);
        }
    }

    #[test]
    fn names() {
        assert_eq!(name("AML-KV-002"), "key-vault-trusted-services");
        assert_eq!(name("broken-link"), "broken-link");
        assert_eq!(name("aml-kv-002"), "aml-kv-002");
        assert_eq!(tool_code(codes::SUPPRESSION).map(|t| t.level), Some(Severity::Warning));
    }
}
