//! The checking stage: a topology block in, its report out.
//!
//! ```text
//! BlockSource ─ front end (topology::yaml) ─▶ Topology ─ Net::new ─▶ Net
//!             ─ rules::run (the block's Profile) ─▶ findings ─ suppressions, expect= ─▶ BlockReport
//! ```
//!
//! [`check_block`] never fails: every problem is a [`Diagnostic`] located in a file of the
//! book, with the model node it blames. The rule engine (`rules`) sees only the model; this
//! stage is the only one that knows both the rules and where the model came from.

mod block;
mod compare;
mod expect;
mod fields;
mod suppress;
#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use block::{check_block, check_yaml};

use crate::diag::{Diagnostic, Disposition, Location, Severity};
use crate::rules::{Profile, Rule};
use crate::topology::{BlockOptions, BlockSource, Net};

/// Settings that apply to every block of a run.
#[derive(Clone, Debug)]
pub struct CheckSettings {
    /// `--profile` from the command line: the profile of blocks that name none (the fence's
    /// `profile=` and `meta.profile` win). When it differs from the profile the book would
    /// use ([`CheckSettings::book_profile`], else the default), such blocks are also checked
    /// under the book's, and findings that differ are marked (moving a runbook).
    pub profile: Option<Profile>,
    /// `[check] profile` of `book.toml`: the book's own profile for blocks that name none.
    pub book_profile: Option<Profile>,
    /// Today's date, for suppression expiry (fixed in tests).
    pub today: time::Date,
    /// Base URL of the rules reference (`https://docs.example.com/rules`); without it,
    /// findings link to the relative path `rules/<ID>.html` of the built site.
    pub rules_base_url: Option<String>,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            profile: None,
            book_profile: None,
            today: time::OffsetDateTime::now_utc().date(),
            rules_base_url: None,
        }
    }
}

impl CheckSettings {
    /// The profile a block that names none would use without `--profile`: the book's, else
    /// the default (`current`).
    pub fn own_profile(&self) -> Profile {
        self.book_profile.unwrap_or(Profile::DEFAULT)
    }

    /// The profile of the run for blocks that name none: `--profile`, else the book's.
    pub fn run_profile(&self) -> Profile {
        self.profile.unwrap_or_else(|| self.own_profile())
    }

    /// The URL of a rule's reference page.
    pub fn rule_url(&self, rule: &Rule) -> String {
        rule.url(self.rules_base_url.as_deref())
    }
}

/// The verdict on one block, as the status panel and the reports show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Checked; nothing failing.
    Passed,
    /// Checked; at least one active error (or warning, under `--deny warnings`).
    Failed,
    /// An `expect=` block that broke exactly the rules it names.
    ExpectedFail,
    /// `ignore`: shown, not checked.
    Ignored,
    /// The YAML could not be read into the model; no rule ran.
    Invalid,
}

/// The state of one rule on one block, after suppressions and `expect=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleState {
    Passed,
    Failed,
    /// Fired, but every finding is suppressed.
    Suppressed,
    /// Fired, as the block's `expect=` asked.
    Expected,
    /// The block lacks what the rule needs.
    NotEvaluated(&'static str),
}

/// A rule and its state on a block.
#[derive(Clone, Debug)]
pub struct RuleOutcome {
    pub rule: &'static Rule,
    pub state: RuleState,
}

/// Counts for the verdict line ("2 errors, 1 warning · 41 passed · 12 not evaluated").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub passed: usize,
    pub failed: usize,
    pub suppressed: usize,
    pub expected: usize,
    pub not_evaluated: usize,
}

/// Everything known about one block after checking it.
#[derive(Clone, Debug)]
pub struct BlockReport {
    pub source: Arc<BlockSource>,
    /// The `id=` option or the derived id; unique in the book (the site stage de-duplicates).
    pub id: String,
    pub options: BlockOptions,
    /// The fence line in the page (`line`/`column` of the opening ```` ``` ````): where
    /// reports point for the block as a whole.
    pub fence: Location,
    pub outcome: Outcome,
    /// Diagnostics located in the page: option problems, YAML errors, rule findings.
    pub diagnostics: Vec<Diagnostic>,
    /// The profile the rules ran with (`None`: no rule ran).
    pub profile: Option<Profile>,
    /// The resolved topology, for the diagram (`None` when the YAML did not parse).
    pub net: Option<Arc<Net>>,
    /// Every rule of the profile with its state.
    pub rules: Vec<RuleOutcome>,
    /// The answers to the block's `flows:`, in order (see [`crate::flows`]).
    pub flows: Vec<crate::flows::FlowResult>,
}

impl BlockReport {
    /// Counts of active diagnostics by severity and of rules by state.
    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for d in self.diagnostics.iter().filter(|d| d.disposition == Disposition::Active) {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Note => t.notes += 1,
            }
        }
        for r in &self.rules {
            match r.state {
                RuleState::Passed => t.passed += 1,
                RuleState::Failed => t.failed += 1,
                RuleState::Suppressed => t.suppressed += 1,
                RuleState::Expected => t.expected += 1,
                RuleState::NotEvaluated(_) => t.not_evaluated += 1,
            }
        }
        t
    }
}
