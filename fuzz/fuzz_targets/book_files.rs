//! The book's own files: `SUMMARY.md` (`load::summary::parse`), `book.toml`
//! (`load::config::parse`) and a page's front matter (`load::front_matter::split`). Each
//! input goes through all three: they are cheap, and a `SUMMARY.md` seed mutates into TOML
//! or front matter as easily as anything else.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use topobook::load::{config, front_matter, summary};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = summary::parse(Arc::from("content/SUMMARY.md"), text);
    let _ = config::parse(Arc::from("book.toml"), text);
    let _ = front_matter::split(&Arc::from("content/page.md"), text);
});
