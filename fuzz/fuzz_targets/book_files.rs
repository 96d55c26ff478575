//! The book's own files (`topobook::fuzzing::book_files`): `SUMMARY.md`
//! (`load::summary::parse`), `book.toml` (`load::config::parse`) and a page's front matter
//! (`load::front_matter::split`). Each input goes through all three: they are cheap, and a
//! `SUMMARY.md` seed mutates into TOML or front matter as easily as anything else.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| topobook::fuzzing::book_files(data));
