//! Topology blocks: from the YAML of a ```` ```yaml topology ```` fence to a typed, resolved
//! network model whose every node keeps its span, checked by the rule engine.
//!
//! The entry point for the rest of the pipeline is [`check_block`]: a [`BlockSource`] from
//! the Markdown stage in, a [`BlockReport`] out. It never fails: every problem is a
//! diagnostic located in the `.md` file.

pub mod block;
pub mod model;
pub mod yaml;

use std::sync::Arc;

use crate::diag::{Diagnostic, LineIndex};
pub use block::{BlockOptions, BlockSource, SegmentMap};

/// Settings that apply to every block of a run.
#[derive(Clone, Debug)]
pub struct CheckSettings {
    /// `--profile` from the command line; overrides `meta.profile` but not `profile=`.
    pub profile: Option<String>,
    /// Today's date, for suppression expiry (fixed in tests).
    pub today: time::Date,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings { profile: None, today: time::OffsetDateTime::now_utc().date() }
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

/// Everything known about one block after checking it.
#[derive(Clone, Debug)]
pub struct BlockReport {
    pub source: Arc<BlockSource>,
    /// The `id=` option or the derived id; unique in the book (the site stage de-duplicates).
    pub id: String,
    pub options: BlockOptions,
    pub outcome: Outcome,
    /// Diagnostics located in the page: option problems, YAML errors, rule findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// Check one topology block. `page_source` is the text of the page the block comes from and
/// `index` its line index.
pub fn check_block(
    source: Arc<BlockSource>,
    page_source: &str,
    index: &LineIndex,
    _settings: &CheckSettings,
) -> BlockReport {
    let (options, diagnostics) = source.options(page_source, index);
    let id = options.id.clone().unwrap_or_else(|| source.default_id());
    let outcome = if options.ignore {
        Outcome::Ignored
    } else if diagnostics.iter().any(|d| d.fails(false)) {
        Outcome::Failed
    } else {
        Outcome::Passed
    };
    BlockReport { source, id, options, outcome, diagnostics }
}
