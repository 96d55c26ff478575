//! A topology block's YAML through the model, `Net` and every rule of the default profile
//! (`topology::check_yaml`), its diagram (`diagram::render`, which walks the same model),
//! then the differential check: whenever the fast YAML path
//! accepts the text, the reference parser must produce the same value and spans.
#![no_main]

use libfuzzer_sys::fuzz_target;
use topobook::diagram::{self, DiagramOptions};
use topobook::topology::yaml::differential::check_topology;
use topobook::topology::{CheckSettings, check_yaml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let settings = CheckSettings { today: time::macros::date!(2025 - 06 - 01), ..CheckSettings::default() };
    let report = check_yaml("content/page.md", text, "yaml topology", &settings);
    let _ = diagram::render(&report, &DiagramOptions { standalone: true, legend: true, link_findings: true });
    if let Err(m) = check_topology(text) {
        panic!("the fast path and the reference disagree\nfast: {}\nreference: {}", m.fast, m.reference);
    }
});
