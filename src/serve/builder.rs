//! The builder thread: it owns the [`Site`], turns each batch of file events into an
//! incremental update, publishes the new snapshot and the reload message, and prints the
//! diagnostics. Nothing it meets on disk stops it: a book that no longer loads keeps the last
//! good site on screen, with the error in the overlay and the terminal.

use std::collections::{BTreeSet, HashMap};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::hub::Hub;
use super::overlay::{self, Problem};
use super::store::{Staging, Store};
use super::watch::{Batch, Debouncer, Filter, Watch};
use crate::cmd::build::printed;
use crate::diag::{self, Diagnostic, Disposition, Severity};
use crate::load::LoadError;
use crate::output::Output;
use crate::report::human;
use crate::site::{Site, SiteOptions, Update};

/// Idle time after the last update before the search index is brought up to date (a full
/// pass over the book's text, too slow to do on every save).
pub const SEARCH_IDLE: Duration = Duration::from_millis(500);

pub struct Builder {
    site: Site,
    /// The book stopped loading (`book.toml` unreadable, source folder gone): the next
    /// change rebuilds everything.
    load_error: Option<String>,
    /// Problems met while rendering or writing in the last update.
    render: Vec<Diagnostic>,
    staging: Staging,
    store: Arc<Store>,
    hub: Arc<Hub>,
    filter: Filter,
    pages: HashMap<String, Vec<Problem>>,
    book: Vec<Problem>,
    search_due: Option<Instant>,
    search_running: bool,
    color: bool,
}

/// What the builder thread receives.
pub enum Input {
    /// A file event, or an error of the watcher.
    Fs(notify::Result<notify::Event>),
    /// The files a search index job wrote, and its problems.
    Search(Vec<(String, Vec<u8>)>, Vec<Diagnostic>),
}

/// An output that keeps what is written, for a job on another thread.
#[derive(Default)]
struct Collect(Mutex<Vec<(String, Vec<u8>)>>);

impl Output for Collect {
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<bool, Box<Diagnostic>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push((path.to_string(), bytes));
        Ok(true)
    }

    fn remove(&self, _: &str) -> bool {
        false
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

impl Builder {
    /// Load and build the book at `root` (absolute) into the store: generation 1.
    pub fn start(
        root: &Path,
        options: SiteOptions,
        store: Arc<Store>,
        hub: Arc<Hub>,
    ) -> Result<Builder, LoadError> {
        let started = Instant::now();
        let mut site = Site::load(root, options)?;
        let staging = Staging::new();
        let report = site.build(&staging);
        let filter = Filter::new(root, &site.config().build_dir);
        let mut b = Builder {
            site,
            load_error: None,
            render: report.diagnostics,
            staging,
            store,
            hub,
            filter,
            pages: HashMap::new(),
            book: Vec::new(),
            search_due: None,
            search_running: false,
            color: human::use_color(std::io::stderr().is_terminal()),
        };
        let (snapshot, _) = b.staging.commit(&b.store.load(), 1);
        b.store.publish(snapshot);
        let (pages, book) = b.problems();
        b.hub.reset(1, pages.clone(), book.clone());
        b.pages = pages;
        b.book = book;
        let mut all = b.site.diagnostics();
        all.extend(b.render.iter().cloned());
        b.print(&all);
        b.say(&format!(
            "loaded {} and {} in {} ({})",
            plural(b.site.pages.len(), "page"),
            plural(b.site.reports().count(), "topology block"),
            millis(started.elapsed()),
            b.counts()
        ));
        Ok(b)
    }

    pub fn title(&self) -> String {
        self.site.config().title.clone()
    }

    /// Build paths the watcher should follow: the source folder and the included files.
    pub fn watch_plan(&self) -> (String, Vec<String>) {
        let mut includes = BTreeSet::new();
        for p in &self.site.pages {
            for (f, _) in p.source.files.iter().skip(1) {
                includes.insert(f.to_string());
            }
        }
        (self.site.config().src.clone(), includes.into_iter().collect())
    }

    /// Handle file events and finished search jobs until the channel closes. `tx` is the
    /// channel's sender, for the search jobs to report back.
    pub fn run(mut self, rx: Receiver<Input>, tx: Sender<Input>, mut watch: Option<Watch>) {
        let mut debouncer = Debouncer::default();
        let mut last_error = String::new();
        loop {
            let due = [debouncer.deadline(), self.search_due].into_iter().flatten().min();
            let received = match due {
                Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            let mut inputs = Vec::new();
            match received {
                Ok(m) => inputs.push(m),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            inputs.extend(rx.try_iter());
            for input in inputs {
                match input {
                    Input::Fs(Ok(event)) => {
                        debouncer.push(&event, &self.filter, Instant::now());
                    }
                    Input::Fs(Err(e)) => {
                        let msg = e.to_string();
                        if msg != last_error {
                            eprintln!("warning: the file watcher reported: {msg}");
                            last_error = msg;
                        }
                    }
                    Input::Search(files, diags) => self.finish_search(files, diags),
                }
            }
            let now = Instant::now();
            if debouncer.deadline().is_some_and(|d| d <= now) {
                let batch = debouncer.take();
                // A bug in the pipeline must not end the preview: the panic is printed, and
                // the next change rebuilds everything from the files.
                let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.apply(batch)));
                if applied.is_err() {
                    self.load_error =
                        Some("internal error while updating the site (a bug: please report it)".into());
                    eprintln!("error: the update failed; the next change rebuilds the whole book");
                }
                if let Some(w) = watch.as_mut() {
                    let (src, includes) = self.watch_plan();
                    if let Err(e) = w.sync(&src, &includes) {
                        eprintln!("warning: cannot watch the book's folders: {e}");
                    }
                }
            } else if debouncer.deadline().is_none()
                && !self.search_running
                && self.search_due.is_some_and(|d| d <= now)
            {
                self.search_due = None;
                self.start_search(&tx);
            }
        }
    }

    /// Does a batch name a folder? A folder moved into the book, or created, brings files
    /// that have no events of their own; one moved out or deleted takes files whose removal
    /// may not be reported one by one. Either way, only a full rebuild sees them all.
    fn names_a_folder(&self, batch: &Batch) -> bool {
        let src = self.site.root.join(&self.site.config().src);
        let published = self.store.load();
        batch.paths.iter().any(|p| {
            if p.is_dir() {
                return true;
            }
            if p.exists() {
                return false;
            }
            let Ok(inner) = p.strip_prefix(&src) else { return false };
            let prefix = format!("{}/", inner.to_string_lossy().replace('\\', "/"));
            published.paths().any(|site_path| site_path.starts_with(&prefix))
        })
    }

    /// Apply one batch of changes and publish the result.
    pub fn apply(&mut self, batch: Batch) {
        let started = Instant::now();
        let full = batch.rescan || self.load_error.is_some() || self.names_a_folder(&batch);
        let result = if full {
            self.site.rebuild(&self.staging)
        } else {
            let paths: Vec<&Path> = batch.paths.iter().map(PathBuf::as_path).collect();
            self.site.update(&paths, &self.staging)
        };
        let update = match result {
            Ok(u) => {
                self.load_error = None;
                self.render = u.diagnostics.clone();
                if u.search_stale {
                    self.search_due = Some(Instant::now() + SEARCH_IDLE);
                }
                Some(u)
            }
            Err(e) => {
                self.load_error = Some(e.to_string());
                None
            }
        };
        let published = self.publish();
        self.filter = Filter::new(&self.site.root, &self.site.config().build_dir);
        self.report(update.as_ref(), published, started.elapsed());
    }

    /// Bring the search index up to date (the saves stopped) on a thread of its own: the
    /// section texts are copied out, and saves go on being applied while it runs.
    fn start_search(&mut self, tx: &Sender<Input>) {
        let Some(job) = self.site.take_search_job() else { return };
        let tx = tx.clone();
        let spawned = std::thread::Builder::new().name("topobook-search".into()).spawn(move || {
            let out = Collect::default();
            let mut diags = Vec::new();
            // One thread at a lower priority: the index may take its time, a save may not.
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "topobook-search".into())
                .start_handler(|_| crate::sys::lower_thread_priority())
                .build();
            match pool {
                Ok(pool) => pool.install(|| job.write(&out, &mut diags)),
                Err(_) => job.write(&out, &mut diags),
            };
            let files = out.0.into_inner().unwrap_or_else(PoisonError::into_inner);
            let _ = tx.send(Input::Search(files, diags));
        });
        match spawned {
            Ok(_) => self.search_running = true,
            Err(e) => eprintln!("warning: cannot start the search index thread: {e}"),
        }
    }

    /// A search job finished: take its files in and publish them. An edit made meanwhile
    /// marked the index stale again, so a later job catches up with it.
    fn finish_search(&mut self, files: Vec<(String, Vec<u8>)>, mut diags: Vec<Diagnostic>) {
        self.search_running = false;
        for (path, bytes) in files {
            if let Err(d) = self.staging.write(&path, bytes) {
                diags.push(*d);
            }
        }
        self.print(&diags);
        self.publish();
    }

    /// Overlay problems of every page that has some, and of the book.
    fn problems(&self) -> (HashMap<String, Vec<Problem>>, Vec<Problem>) {
        let mut pages = HashMap::new();
        for p in &self.site.pages {
            let problems = overlay::page_problems(p);
            if !problems.is_empty() {
                pages.insert(p.out_path.clone(), problems);
            }
        }
        let book = overlay::book_problems(Some(&self.site), &self.render, self.load_error.as_deref());
        (pages, book)
    }

    /// Swap in a new snapshot and tell the pages, when files or problems changed. Returns
    /// the number of files that changed.
    fn publish(&mut self) -> usize {
        let (pages, book) = self.problems();
        let previous = self.store.load();
        let generation = previous.generation + 1;
        let (snapshot, changes) = self.staging.commit(&previous, generation);
        if changes.is_empty() && pages == self.pages && book == self.book {
            return 0;
        }
        self.store.publish(snapshot);
        self.hub.publish(generation, &changes, pages.clone(), book.clone());
        self.pages = pages;
        self.book = book;
        changes.changed.len() + changes.removed.len()
    }

    /// Print what an update found and did.
    fn report(&self, update: Option<&Update>, files: usize, took: Duration) {
        let Some(update) = update else {
            if let Some(e) = &self.load_error {
                eprintln!(
                    "error: {e}\n  the preview keeps showing the last site that loaded; fix it and save"
                );
            }
            return;
        };
        if update.full {
            let mut all = self.site.diagnostics();
            all.extend(update.diagnostics.iter().cloned());
            self.print(&all);
            self.say(&format!(
                "rebuilt {} in {}: {} changed ({})",
                plural(self.site.pages.len(), "page"),
                millis(took),
                plural(files, "file"),
                self.counts()
            ));
            return;
        }
        if update.reparsed.is_empty() && files == 0 {
            return;
        }
        let mut shown: Vec<Diagnostic> = self
            .site
            .pages
            .iter()
            .filter(|p| update.reparsed.iter().any(|r| *r == *p.source.path))
            .flat_map(|p| p.diagnostics().cloned())
            .chain(update.diagnostics.iter().cloned())
            .collect();
        diag::sort(&mut shown);
        shown.dedup();
        self.print(&shown);
        let what = match update.reparsed.as_slice() {
            [] => "static files".to_string(),
            [one] => format!("`{one}`"),
            many => plural(many.len(), "page"),
        };
        self.say(&format!(
            "updated {what} in {}: {} changed ({})",
            millis(took),
            plural(files, "file"),
            self.counts()
        ));
    }

    /// Print what `build` would print (`cmd::build::printed`).
    fn print(&self, diags: &[Diagnostic]) {
        let diags: Vec<Diagnostic> = diags.iter().filter(|d| printed(d)).cloned().collect();
        if diags.is_empty() {
            return;
        }
        let sources = self.site.sources();
        let text = human::render_all(&diags, &sources, self.color);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
    }

    fn say(&self, line: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }

    /// `2 errors, 1 warning` over the whole book: the findings that count, as `build` counts.
    fn counts(&self) -> String {
        let all = self
            .site
            .book_diagnostics()
            .iter()
            .chain(self.site.pages.iter().flat_map(|p| p.diagnostics()))
            .filter(|d| d.disposition == Disposition::Active);
        let (mut errors, mut warnings) = (0, 0);
        for d in all {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Note => {}
            }
        }
        format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
    }
}
