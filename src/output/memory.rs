//! The in-memory site of the preview server.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use super::{Output, is_safe_path};
use crate::diag::{Diagnostic, ToolCode};

/// A site held in memory: site path → bytes. Cheap to read concurrently.
#[derive(Debug, Default)]
pub struct MemoryOutput {
    files: RwLock<BTreeMap<String, Arc<[u8]>>>,
}

impl MemoryOutput {
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes at `path`, if any.
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files.read().ok()?.get(path).cloned()
    }

    /// Every stored path, sorted.
    pub fn paths(&self) -> Vec<String> {
        self.files.read().map(|f| f.keys().cloned().collect()).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.files.read().map(|f| f.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Output for MemoryOutput {
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<bool, Box<Diagnostic>> {
        if !is_safe_path(path) {
            return Err(Box::new(Diagnostic::error(
                ToolCode::Io,
                format!("refused to write unsafe site path `{path}`"),
            )));
        }
        let mut files = self
            .files
            .write()
            .map_err(|_| Box::new(Diagnostic::error(ToolCode::Io, "the in-memory site is poisoned")))?;
        let changed = files.get(path).is_none_or(|old| **old != *bytes);
        if changed {
            files.insert(path.to_string(), bytes.into());
        }
        Ok(changed)
    }

    fn remove(&self, path: &str) -> bool {
        self.files.write().map(|mut f| f.remove(path).is_some()).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_changes() {
        let m = MemoryOutput::new();
        assert_eq!(m.write("a.html", b"x".to_vec()).ok(), Some(true));
        assert_eq!(m.write("a.html", b"x".to_vec()).ok(), Some(false));
        assert_eq!(m.write("a.html", b"y".to_vec()).ok(), Some(true));
        assert!(m.write("../x", vec![]).is_err());
        assert_eq!(m.get("a.html").as_deref(), Some(&b"y"[..]));
        assert!(m.remove("a.html") && !m.remove("a.html"));
    }
}
