//! Status on the diagram: which element each finding is drawn on, and how it looks.
//!
//! A diagnostic's subject (a model node and a field, `storage_accounts[0].network.bypass`)
//! goes to the element that claims the most specific part of it: the node's field (a
//! subnet's NSG chip claims `nsg` of the subnet), else the node, else its nearest ancestor
//! that is drawn. A node several elements stand for (an NSG shared by two subnets) badges
//! all of them. A finding that nothing drawn stands for, or that has no subject (a fence
//! option, an `expect=` mismatch), is shown on the diagram as a whole.

use super::scene::{Id, Scene};
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::topology::node::Loc;

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

/// Does a claimed field (`aks.private_cluster`) cover the keys of a subject (`aks.private_cluster`,
/// `aks.private_cluster.x`)? Returns how specific the match is.
fn field_match(keys: &str, claimed: &str) -> Option<usize> {
    let rest = keys.strip_prefix(claimed)?;
    (rest.is_empty() || rest.starts_with('.')).then_some(claimed.len() + 1)
}

/// The elements a subject is drawn on.
pub(crate) fn targets(scene: &Scene, subject: &Loc) -> Vec<Id> {
    let keys = subject.key_path();
    let mut node = Some(subject.node);
    let mut own = true;
    while let Some(n) = node {
        let mut best = 0;
        let mut out = Vec::new();
        for (id, e) in scene.elems.iter().enumerate() {
            for c in e.claims.iter().filter(|c| c.node == n) {
                // A field claim matches only the subject's own node, not an ancestor of it.
                let score = match c.field {
                    None => Some(0),
                    Some(f) if own => field_match(&keys, f),
                    Some(_) => None,
                };
                let Some(score) = score else { continue };
                if out.is_empty() || score > best {
                    best = score;
                    out.clear();
                }
                if score == best && !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
        node = n.parent();
        own = false;
    }
    Vec::new()
}

/// Put every diagnostic on the element(s) it concerns, or on the diagram as a whole.
pub(crate) fn attach(scene: &mut Scene, diags: &[Diagnostic]) {
    for (n, d) in diags.iter().enumerate() {
        let ids = d.subject.as_ref().map(|s| targets(scene, s)).unwrap_or_default();
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
    fn fields_match_at_key_boundaries() {
        assert_eq!(field_match("aks.private_cluster", "aks.private_cluster"), Some(20));
        assert_eq!(field_match("aks.private_cluster.x", "aks"), Some(4));
        assert_eq!(field_match("nsg_x", "nsg"), None);
        assert_eq!(field_match("", "nsg"), None);
    }
}
