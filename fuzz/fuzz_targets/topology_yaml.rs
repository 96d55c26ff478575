//! A topology block's YAML through the model, `Net`, every rule of the default profile and
//! the diagram (`topobook::fuzzing::topology_yaml`), then the differential check: whenever
//! the fast YAML path accepts the text, the reference parser must produce the same value and
//! spans.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(m) = topobook::fuzzing::topology_yaml(data) {
        panic!("the fast path and the reference disagree\nfast: {}\nreference: {}", m.fast, m.reference);
    }
});
