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
            // A baselined finding is known and does not fail: drawn as muted as a suppressed one.
            (Disposition::Suppressed | Disposition::Baselined, _) => Look::Suppressed,
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

/// The text of a badge: the rule ID, and what happened to the finding when it does not count.
pub(crate) fn badge_text(d: &Diagnostic) -> String {
    match d.disposition {
        Disposition::Active => d.code.to_string(),
        Disposition::Expected => format!("{} expected", d.code),
        Disposition::Suppressed => format!("{} suppressed", d.code),
        Disposition::Baselined => format!("{} baselined", d.code),
    }
}

/// The tooltip of a badge: severity, ID, message, and what happened to the finding.
pub(crate) fn badge_title(d: &Diagnostic) -> String {
    let mut t = format!("{} {}: {}", d.severity, d.code, d.message);
    match d.disposition {
        Disposition::Active => {}
        Disposition::Expected => t.push_str(" (expected by this block)"),
        Disposition::Baselined => t.push_str(" (baselined: a known finding that does not fail the build)"),
        Disposition::Suppressed => {
            t.push_str(" (suppressed");
            if let Some(r) = &d.suppression_reason {
                t.push_str(": ");
                t.push_str(r);
            }
            t.push(')');
        }
    }
    t
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
