//! A page as the site processes it (`topobook::fuzzing::markdown_page`): front matter,
//! include directives (against the page itself and a small fixed file), the Markdown stage,
//! every topology block checked, and the body rendered to HTML (diagrams and status panels
//! included) with and without sanitizing. Any panic, hang or over-limit allocation is a
//! finding; `tests/fuzz_regressions.rs` replays the findings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| topobook::fuzzing::markdown_page(data));
