//! `topobook check --write-baseline FILE`: record the findings of today as known.

use std::collections::BTreeSet;
use std::path::Path;

use super::check::matches;
use crate::report::baseline::{Baseline, Entry, eligible};
use crate::site::Site;

/// Write the baseline of `site` to `path`: every finding that would fail a run (in the files
/// `filters` select; entries of other files are kept as they were), none of the stale
/// entries. The site uses it from then on. Returns the line to print.
pub fn write(site: &mut Site, path: &Path, filters: &[String]) -> Result<String, String> {
    let old: Vec<Entry> = site.baseline().map(|(b, _, _)| b.entries.clone()).unwrap_or_default();
    let current: Vec<Entry> = site
        .diagnostics()
        .iter()
        .filter(|d| eligible(d))
        .filter_map(Entry::of)
        .filter(|e| matches(filters, &e.file))
        .collect();
    let kept = old.iter().filter(|e| !matches(filters, &e.file)).cloned();
    let now: BTreeSet<&str> = current.iter().map(|e| e.fingerprint.as_str()).collect();
    let before: BTreeSet<&str> = old.iter().map(|e| e.fingerprint.as_str()).collect();
    let added = now.difference(&before).count();
    let pruned =
        old.iter().filter(|e| matches(filters, &e.file) && !now.contains(e.fingerprint.as_str())).count();
    let baseline = Baseline::new(current.iter().cloned().chain(kept).collect());
    crate::output::write_report(path, baseline.render().as_bytes())?;
    let line = format!(
        "baseline `{}` written: {} known finding{} ({added} new, {pruned} stale entr{} pruned)",
        path.display(),
        baseline.entries.len(),
        if baseline.entries.len() == 1 { "" } else { "s" },
        if pruned == 1 { "y" } else { "ies" }
    );
    site.set_baseline(baseline, path);
    Ok(line)
}
