//! The served site: immutable snapshots swapped atomically.
//!
//! The builder thread renders into a [`Staging`] output (a [`MemoryOutput`] that records
//! which paths changed). When an update is complete, [`Staging::commit`] makes a new
//! [`Snapshot`] from the previous one and the recorded changes, and [`Store::publish`] swaps it
//! in. A request takes the current snapshot once and answers from it alone, so it never sees
//! a half-written update or files of two different builds. The bytes are shared (`Arc`)
//! between the staging copy and every snapshot that holds them.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::diag::Diagnostic;
use crate::output::{MemoryOutput, Output};

/// One file of a snapshot.
#[derive(Clone, Debug)]
pub struct Entry {
    pub bytes: Arc<[u8]>,
    /// The generation that last changed this file (its ETag, with the server instance).
    pub since: u64,
}

/// The whole site at one generation.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub generation: u64,
    files: HashMap<Arc<str>, Entry>,
}

impl Snapshot {
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.files.get(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Every site path, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|k| &**k)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The current snapshot, behind a lock held only to clone or replace an `Arc`.
#[derive(Debug, Default)]
pub struct Store {
    current: RwLock<Arc<Snapshot>>,
}

impl Store {
    pub fn load(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn publish(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
    }
}

/// What one update changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub changed: BTreeSet<String>,
    pub removed: BTreeSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The builder's working copy of the site, which records what each update changes.
#[derive(Debug, Default)]
pub struct Staging {
    files: MemoryOutput,
    changes: Mutex<Changes>,
}

impl Output for Staging {
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<bool, Box<Diagnostic>> {
        let changed = self.files.write(path, bytes)?;
        if changed {
            let mut c = self.changes.lock().unwrap_or_else(PoisonError::into_inner);
            c.removed.remove(path);
            c.changed.insert(path.to_string());
        }
        Ok(changed)
    }

    fn remove(&self, path: &str) -> bool {
        let existed = self.files.remove(path);
        if existed {
            let mut c = self.changes.lock().unwrap_or_else(PoisonError::into_inner);
            c.changed.remove(path);
            c.removed.insert(path.to_string());
        }
        existed
    }
}

impl Staging {
    pub fn new() -> Self {
        Self::default()
    }

    /// The changes recorded since the last commit, and the snapshot `generation` made of
    /// `previous` with them.
    pub fn commit(&self, previous: &Snapshot, generation: u64) -> (Snapshot, Changes) {
        let changes = std::mem::take(&mut *self.changes.lock().unwrap_or_else(PoisonError::into_inner));
        let mut files = previous.files.clone();
        for path in &changes.removed {
            files.remove(path.as_str());
        }
        for path in &changes.changed {
            match self.files.get(path) {
                Some(bytes) => {
                    files.insert(Arc::from(path.as_str()), Entry { bytes, since: generation });
                }
                None => {
                    files.remove(path.as_str());
                }
            }
        }
        (Snapshot { generation, files }, changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_only_what_changed_and_keeps_old_snapshots_intact() {
        let staging = Staging::new();
        let store = Store::default();
        let _ = staging.write("a.html", b"a1".to_vec());
        let _ = staging.write("b.html", b"b1".to_vec());
        let (first, changes) = staging.commit(&store.load(), 1);
        assert_eq!(changes.changed.len(), 2);
        store.publish(first);
        let old = store.load();

        // An unchanged write records nothing; a change and a removal do.
        let _ = staging.write("a.html", b"a1".to_vec());
        let _ = staging.write("b.html", b"b2".to_vec());
        let _ = staging.write("c.html", b"c".to_vec());
        assert!(staging.remove("c.html"));
        assert!(staging.remove("a.html"));
        let (second, changes) = staging.commit(&old, 2);
        assert_eq!(changes.changed.iter().collect::<Vec<_>>(), ["b.html"]);
        assert_eq!(changes.removed.iter().collect::<Vec<_>>(), ["a.html", "c.html"]);
        store.publish(second);

        let new = store.load();
        assert_eq!(new.generation, 2);
        assert!(new.get("a.html").is_none());
        assert_eq!(new.get("b.html").map(|e| (&*e.bytes, e.since)), Some((&b"b2"[..], 2)));
        // A reader still holding the old snapshot sees the old site, whole.
        assert_eq!(old.get("a.html").map(|e| &*e.bytes), Some(&b"a1"[..]));
        assert_eq!(old.get("b.html").map(|e| (&*e.bytes, e.since)), Some((&b"b1"[..], 1)));
        // Nothing left to commit.
        assert!(staging.commit(&new, 3).1.is_empty());
    }
}
