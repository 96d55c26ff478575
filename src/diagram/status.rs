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

/// The findings of one rule on one element, drawn as one badge: the rule ID, how many
/// findings, and the look of the worst of them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Badge {
    /// The rule ID or tool code.
    pub code: &'static str,
    /// Indices of the report's diagnostics, in report order.
    pub findings: Vec<usize>,
    pub look: Look,
}

impl Badge {
    /// The text of the badge: the rule ID, and `×n` when the rule fired more than once here.
    pub fn text(&self) -> String {
        match self.findings.len() {
            0 | 1 => self.code.to_string(),
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
        let code = d.code.as_str();
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
        Disposition::Baselined => " (baselined: a known finding that does not fail the build)".into(),
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
    let Some(first) = ds.first() else { return b.code.to_string() };
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
///
/// Returns, for each diagnostic, the elements it is drawn on.
pub(crate) fn attach(scene: &mut Scene, diags: &[Diagnostic]) -> Vec<Vec<Id>> {
    let mut all = Vec::with_capacity(diags.len());
    for (n, d) in diags.iter().enumerate() {
        let ids = d.subject.as_ref().map(|s| targets(scene, s)).unwrap_or_default();
        if ids.is_empty() {
            scene.block_findings.push(n);
        }
        for &id in &ids {
            scene.elems[id].findings.push(n);
        }
        all.push(ids);
    }
    all
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
