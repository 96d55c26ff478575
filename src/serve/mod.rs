//! `topobook serve`: the live preview. The same pipeline as `build`, into memory, re-run
//! incrementally on every save, served over HTTP with a reload channel to the open pages.
//!
//! ```text
//! notify ──events──▶ builder thread ──Site::update──▶ Staging ──commit──▶ Store (snapshot swap)
//!                    (debounce, owns Site)                          └──▶ Hub ──WebSocket──▶ pages
//! tokio (2 workers): accept loop ─▶ axum router ─▶ snapshot lookup / live.js / live socket
//! ```
//!
//! - [`path`]: request path → site path (the traversal gate).
//! - [`store`]: immutable snapshots of the site, swapped atomically.
//! - [`watch`]: which folders, events and files count, and the debouncer.
//! - [`builder`]: the thread that owns the `Site` and applies each batch.
//! - [`hub`]: reload messages, replay for pages that reconnect.
//! - [`overlay`]: which diagnostics the browser shows over a page.
//! - [`http`]: router, headers, live-script injection, accept loop.

pub mod builder;
pub mod http;
pub mod hub;
pub mod overlay;
pub mod path;
pub mod store;
pub mod watch;

use std::path::Path;
use std::sync::Arc;

use crate::load::LoadError;
use crate::site::SiteOptions;

/// A loaded book whose builder thread follows the files, ready to be served.
pub struct Preview {
    pub app: http::App,
    /// The book's title.
    pub title: String,
}

/// A name for this server process, so that a page served by an earlier one reloads.
fn instance_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    format!("{:x}", nanos ^ (u64::from(std::process::id()) << 40))
}

/// Load and build the book at `root`, start watching it, and start the builder thread.
/// `local_only`: the server is bound to a loopback address.
pub fn start(root: &Path, options: SiteOptions, local_only: bool) -> Result<Preview, LoadError> {
    let root = root.canonicalize().map_err(|e| {
        LoadError(format!("cannot open book folder `{}`: {}", root.display(), e.to_string().to_lowercase()))
    })?;
    let store = Arc::new(store::Store::default());
    let hub = Arc::new(hub::Hub::new(instance_id()));
    let builder = builder::Builder::start(&root, options, store.clone(), hub.clone())?;
    let title = builder.title();
    let (tx, rx) = std::sync::mpsc::channel::<builder::Input>();
    let events = tx.clone();
    let handler = move |e: notify::Result<notify::Event>| {
        let _ = events.send(builder::Input::Fs(e));
    };
    let watch = match watch::Watch::new(&root, handler) {
        Ok(mut w) => {
            let (src, includes) = builder.watch_plan();
            if let Err(e) = w.sync(&src, &includes) {
                eprintln!("warning: cannot watch all of the book's folders: {e}; some changes will not show");
            }
            Some(w)
        }
        Err(e) => {
            eprintln!("warning: cannot watch the book for changes: {e}; the preview will not update");
            None
        }
    };
    let spawned =
        std::thread::Builder::new().name("topobook-build".into()).spawn(move || builder.run(rx, tx, watch));
    if let Err(e) = spawned {
        eprintln!("warning: cannot start the builder thread: {e}; the preview will not update");
    }
    Ok(Preview { app: http::App { store, hub, local_only }, title })
}
