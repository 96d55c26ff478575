//! Watching the book: which folders, which events, which files, and the debouncer.
//!
//! - **Folders**: the book root itself (not recursively: `book.toml`, and `SUMMARY.md` or
//!   pages when the root is the source folder), the source folder and `themes/`
//!   recursively, and the folders of included files that lie elsewhere in the book. Never the
//!   build folder (nor anything else: the server writes nothing to disk).
//! - **Events**: creation, data modification, removal and renaming only. Opening, reading,
//!   closing and metadata changes are ignored: inotify reports the build's own reads as
//!   `Access` events, and reacting to them rebuilds forever. A watcher that lost events
//!   (inotify queue overflow) asks for a full rebuild.
//! - **Files**: hidden names (`.page.md.swp`, `.#page.md`, `.DS_Store`, `.git/`), editor temp and
//!   backup files (`*.swp`, `*.swx`, `*~`, `4913`, `*.tmp`, `#page.md#`, JetBrains' `___jb_`
//!   files) and anything under the build folder are ignored. An atomic save (write a temp
//!   file, rename it over the page) shows as a rename whose target is the page.
//! - **Debounce**: a batch is flushed [`QUIET`] after its last event, and at most [`MAX_WAIT`]
//!   after its first one, so a burst of events from one save is one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::event::{EventKind, ModifyKind};
use notify::{Event, RecursiveMode, Watcher};

/// Quiet time that ends a batch.
pub const QUIET: Duration = Duration::from_millis(10);
/// Longest a batch waits for its events to stop.
pub const MAX_WAIT: Duration = Duration::from_millis(50);

/// Is `name` an editor's temp, swap or backup file?
pub fn ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", ".kate-swp", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// Does this kind of event mean that a file's content or existence changed?
pub fn relevant_kind(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(m) => matches!(m, ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any),
        EventKind::Access(_) | EventKind::Other | EventKind::Any => false,
    }
}

/// Which changed paths matter for a book.
#[derive(Clone, Debug)]
pub struct Filter {
    root: PathBuf,
    /// Build folder, relative to the root (`site`).
    build_dir: String,
}

impl Filter {
    pub fn new(root: &Path, build_dir: &str) -> Filter {
        Filter { root: root.to_path_buf(), build_dir: build_dir.trim_matches('/').to_string() }
    }

    /// Should a change to `path` (absolute) be looked at?
    pub fn wants(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else { return false };
        let parts: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let Some(name) = parts.last() else { return false };
        if parts.iter().any(|p| p.starts_with('.')) || ignored_name(name) {
            return false;
        }
        let joined = parts.join("/");
        let build = &self.build_dir;
        let in_build = !build.is_empty() && (joined == *build || joined.starts_with(&format!("{build}/")));
        !in_build
    }
}

/// What a batch of events asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Batch {
    pub paths: BTreeSet<PathBuf>,
    /// Events were lost: rebuild everything.
    pub rescan: bool,
}

/// Collects changed paths until the events stop.
#[derive(Debug, Default)]
pub struct Debouncer {
    batch: Batch,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Debouncer {
    /// Take in one event; returns whether it mattered.
    pub fn push(&mut self, event: &Event, filter: &Filter, now: Instant) -> bool {
        let wanted = if event.need_rescan() {
            self.batch.rescan = true;
            true
        } else if relevant_kind(&event.kind) {
            let mut any = false;
            for p in event.paths.iter().filter(|p| filter.wants(p)) {
                self.batch.paths.insert(p.clone());
                any = true;
            }
            any
        } else {
            false
        };
        if wanted {
            self.first.get_or_insert(now);
            self.last = Some(now);
        }
        wanted
    }

    /// Ask for a full rebuild (the watcher reported an error).
    pub fn rescan(&mut self, now: Instant) {
        self.batch.rescan = true;
        self.first.get_or_insert(now);
        self.last = Some(now);
    }

    /// When the pending batch is due, if there is one.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        Some((last + QUIET).min(first + MAX_WAIT))
    }

    /// The pending batch (empty when nothing is pending).
    pub fn take(&mut self) -> Batch {
        self.first = None;
        self.last = None;
        std::mem::take(&mut self.batch)
    }
}

/// The folders watched for a book, kept in step with its configuration.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    /// Watched folders and whether recursively.
    watched: BTreeSet<(PathBuf, bool)>,
}

impl Watch {
    /// A watcher for the book at `root` (absolute) whose events go to `handler`; it watches
    /// nothing until [`Watch::sync`].
    pub fn new(root: &Path, handler: impl notify::EventHandler) -> notify::Result<Watch> {
        let watcher = notify::recommended_watcher(handler)?;
        Ok(Watch { watcher, root: root.to_path_buf(), watched: BTreeSet::new() })
    }

    /// Watch the folders a book with source folder `src` needs, plus the folders of
    /// `includes` (paths relative to the root); stop watching the ones it no longer needs.
    /// A folder that does not exist (yet) is skipped: its creation shows in its parent.
    pub fn sync(&mut self, src: &str, includes: &[String]) -> notify::Result<()> {
        let mut want: BTreeSet<(PathBuf, bool)> = BTreeSet::new();
        let src = src.trim_matches('/');
        if src == "." || src.is_empty() {
            want.insert((self.root.clone(), true));
        } else {
            want.insert((self.root.clone(), false));
            want.insert((self.root.join(src), true));
        }
        want.insert((self.root.join("themes"), true));
        for inc in includes {
            let Some(parent) = Path::new(inc).parent() else { continue };
            let covered = want.iter().any(|(d, rec)| {
                let dir = self.root.join(parent);
                dir == *d || (*rec && dir.starts_with(d))
            });
            if !covered {
                want.insert((self.root.join(parent), false));
            }
        }
        want.retain(|(d, _)| d.is_dir());
        let gone: Vec<(PathBuf, bool)> = self.watched.difference(&want).cloned().collect();
        for (dir, rec) in gone {
            // A folder already deleted lost its watch with it.
            let _ = self.watcher.unwatch(&dir);
            self.watched.remove(&(dir, rec));
        }
        let new: Vec<(PathBuf, bool)> = want.difference(&self.watched).cloned().collect();
        for (dir, rec) in new {
            let mode = if rec { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
            self.watcher.watch(&dir, mode)?;
            self.watched.insert((dir, rec));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, RenameMode};

    use super::*;

    fn ev(kind: EventKind, paths: &[&str]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    #[test]
    fn editor_files_and_the_build_folder_are_ignored() {
        let f = Filter::new(Path::new("/b"), "site");
        for p in
            ["/b/content/a.md", "/b/book.toml", "/b/themes/x/templates/page.html", "/b/content/img/x.png"]
        {
            assert!(f.wants(Path::new(p)), "{p}");
        }
        for p in [
            "/b/content/.a.md.swp",
            "/b/content/a.md.swp",
            "/b/content/a.md.swx",
            "/b/content/a.md~",
            "/b/content/.#a.md",
            "/b/content/#a.md#",
            "/b/content/4913",
            "/b/content/a.md.tmp",
            "/b/content/.DS_Store",
            "/b/content/a.md___jb_tmp___",
            "/b/.git/index",
            "/b/site/index.html",
            "/b/site",
            "/b/.site.tmp-42/a.html",
            "/elsewhere/a.md",
            "/b",
        ] {
            assert!(!f.wants(Path::new(p)), "{p}");
        }
        assert!(f.wants(Path::new("/b/sitemap.md")));
    }

    #[test]
    fn only_content_events_count_and_atomic_saves_follow_the_rename() {
        let f = Filter::new(Path::new("/b"), "site");
        let mut d = Debouncer::default();
        let t = Instant::now();
        // Opening, reading, closing and metadata changes never start a rebuild.
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            EventKind::Other,
        ] {
            assert!(!d.push(&ev(kind, &["/b/content/a.md"]), &f, t));
        }
        assert_eq!(d.deadline(), None);
        // An atomic save: the temp file is created and written, then renamed over the page.
        assert!(!d.push(&ev(EventKind::Create(CreateKind::File), &["/b/content/.a.md.tmp"]), &f, t));
        assert!(!d.push(
            &ev(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &["/b/content/a.md.tmp"]),
            &f,
            t
        ));
        let both = ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/b/content/a.md.tmp", "/b/content/a.md"],
        );
        assert!(d.push(&both, &f, t));
        assert_eq!(d.deadline(), Some(t + QUIET));
        let later = t + Duration::from_millis(8);
        assert!(d.push(
            &ev(EventKind::Remove(notify::event::RemoveKind::File), &["/b/content/b.md"]),
            &f,
            later
        ));
        assert_eq!(d.deadline(), Some(later + QUIET));
        // A stream of events cannot hold a batch back longer than MAX_WAIT.
        let much_later = t + Duration::from_millis(45);
        d.push(
            &ev(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &["/b/content/c.md"]),
            &f,
            much_later,
        );
        assert_eq!(d.deadline(), Some(t + MAX_WAIT));
        let batch = d.take();
        let paths: Vec<&str> = batch.paths.iter().filter_map(|p| p.to_str()).collect();
        assert_eq!(paths, ["/b/content/a.md", "/b/content/b.md", "/b/content/c.md"]);
        assert!(!batch.rescan);
        assert_eq!(d.deadline(), None);
        // A lost-events notice asks for a rescan.
        let mut e = Event::new(EventKind::Other);
        e = e.set_flag(notify::event::Flag::Rescan);
        assert!(d.push(&e, &f, t));
        assert!(d.take().rescan);
    }
}
