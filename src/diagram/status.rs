//! Status on the diagram: which element each finding is drawn on, and how it looks.
//!
//! A diagnostic's `yaml_path` (`storage_accounts[0].network.bypass`) goes to the element
//! standing for the longest prefix of it (`storage_accounts[0]`); a path that several elements
//! stand for (an NSG shared by two subnets) badges all of them. A finding whose path matches
//! nothing drawn, or that has no path (a fence option, an `expect=` mismatch), is shown on the
//! diagram as a whole.

use super::scene::{Id, Scene};
use crate::diag::{Diagnostic, Disposition, Severity};

/// How a finding or an element with findings is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Look {
    Suppressed,
    Note,
    /// Above notes: an element that breaks a rule on purpose reads as a counter-example.
    Expected,
    Warning,
    Error,
}

impl Look {
    pub fn of(d: &Diagnostic) -> Look {
        match (&d.disposition, d.severity) {
            (Disposition::Suppressed, _) => Look::Suppressed,
            (Disposition::Expected, _) => Look::Expected,
            (Disposition::Active, Severity::Error) => Look::Error,
            (Disposition::Active, Severity::Warning) => Look::Warning,
            (Disposition::Active, Severity::Note) => Look::Note,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Look::Suppressed => "suppressed",
            Look::Expected => "expected",
            Look::Note => "note",
            Look::Warning => "warning",
            Look::Error => "error",
        }
    }
}

/// The look of an element: its worst finding (errors, warnings, expected, notes, suppressed).
pub(crate) fn element_look(findings: &[usize], diags: &[Diagnostic]) -> Option<Look> {
    findings.iter().filter_map(|&n| diags.get(n)).map(Look::of).max()
}

/// The findings of one rule on one element, drawn as one badge: the rule ID, how many
/// findings, and the look of the worst of them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Badge {
    /// The rule ID or tool code.
    pub code: String,
    /// Indices of the report's diagnostics, in report order.
    pub findings: Vec<usize>,
    pub look: Look,
}

impl Badge {
    /// The text of the badge: the rule ID, and `×n` when the rule fired more than once here.
    pub fn text(&self) -> String {
        match self.findings.len() {
            0 | 1 => self.code.clone(),
            n => format!("{} ×{n}", self.code),
        }
    }
}

/// At most this many findings are quoted in one tooltip; the findings list has them all.
pub(crate) const TITLE_FINDINGS: usize = 20;

/// The findings of an element, one badge per rule: worst look first, then in report order.
pub(crate) fn badges(findings: &[usize], diags: &[Diagnostic]) -> Vec<Badge> {
    let mut out: Vec<Badge> = Vec::new();
    for &n in findings {
        let Some(d) = diags.get(n) else { continue };
        let look = Look::of(d);
        let code = d.code.to_string();
        match out.iter_mut().find(|b| b.code == code) {
            Some(b) => {
                if !b.findings.contains(&n) {
                    b.findings.push(n);
                }
                b.look = b.look.max(look);
            }
            None => out.push(Badge { code, findings: vec![n], look }),
        }
    }
    for b in &mut out {
        b.findings.sort_unstable();
    }
    out.sort_by(|a, b| b.look.cmp(&a.look).then(a.findings[0].cmp(&b.findings[0])));
    out
}

/// What happened to a finding that does not count, for a tooltip.
fn disposition_note(d: &Diagnostic) -> String {
    match d.disposition {
        Disposition::Active => String::new(),
        Disposition::Expected => " (expected by this block)".into(),
        Disposition::Suppressed => match &d.suppression_reason {
            Some(r) => format!(" (suppressed: {r})"),
            None => " (suppressed)".into(),
        },
    }
}

/// The tooltip of a finding: severity, ID, message, and what happened to it.
pub(crate) fn finding_title(d: &Diagnostic) -> String {
    format!("{} {}: {}{}", d.severity, d.code, d.message, disposition_note(d))
}

/// The tooltip of a badge: every finding it stands for, one per line (at most
/// [`TITLE_FINDINGS`]), with what happened to them.
pub(crate) fn badge_title(b: &Badge, diags: &[Diagnostic]) -> String {
    let ds: Vec<&Diagnostic> = b.findings.iter().filter_map(|&n| diags.get(n)).collect();
    let Some(first) = ds.first() else { return b.code.clone() };
    if ds.len() == 1 {
        return finding_title(first);
    }
    let mut t = format!("{} {} ×{}{}:", first.severity, b.code, ds.len(), disposition_note(first));
    for d in ds.iter().take(TITLE_FINDINGS) {
        t.push_str("\n– ");
        t.push_str(&d.message);
    }
    if ds.len() > TITLE_FINDINGS {
        t.push_str(&format!("\n… and {} more in the findings list", ds.len() - TITLE_FINDINGS));
    }
    t
}

/// One line per badge for an element's tooltip: `AML-ST-004 ×18: first message`.
pub(crate) fn badge_summary(b: &Badge, diags: &[Diagnostic]) -> String {
    match b.findings.first().and_then(|&n| diags.get(n)) {
        Some(d) if b.findings.len() == 1 => finding_title(d),
        Some(d) => format!("{} {}: {}{}", d.severity, b.text(), d.message, disposition_note(d)),
        None => b.text(),
    }
}

/// Length of `prefix` when it is `path` or a parent node of it.
fn prefix_len(path: &str, prefix: &str) -> Option<usize> {
    if path == prefix {
        return Some(prefix.len());
    }
    let rest = path.strip_prefix(prefix)?;
    matches!(rest.as_bytes().first(), Some(b'.') | Some(b'[')).then_some(prefix.len())
}

/// The elements a YAML path is drawn on.
pub(crate) fn targets(scene: &Scene, path: &str) -> Vec<Id> {
    let mut best = 0;
    let mut out = Vec::new();
    for (id, e) in scene.elems.iter().enumerate() {
        for p in &e.paths {
            if let Some(l) = prefix_len(path, p) {
                if l > best {
                    best = l;
                    out.clear();
                }
                if l == best && !out.contains(&id) {
                    out.push(id);
                }
            }
        }
    }
    out
}

/// Put every diagnostic on the element(s) it concerns, or on the diagram as a whole.
pub(crate) fn attach(scene: &mut Scene, diags: &[Diagnostic]) {
    for (n, d) in diags.iter().enumerate() {
        let ids = d.yaml_path.as_deref().map(|p| targets(scene, p)).unwrap_or_default();
        if ids.is_empty() {
            scene.block_findings.push(n);
        }
        for id in ids {
            scene.elems[id].findings.push(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_respect_path_boundaries() {
        assert_eq!(prefix_len("vnets[1].subnets[0]", "vnets[1]"), Some(8));
        assert_eq!(prefix_len("vnets[10]", "vnets[1]"), None);
        assert_eq!(prefix_len("workspace", "workspace"), Some(9));
        assert_eq!(prefix_len("workspace_x", "workspace"), None);
        assert_eq!(
            prefix_len("computes[1].aks.private_cluster", "computes[1].aks.private_cluster"),
            Some(31)
        );
    }
}
