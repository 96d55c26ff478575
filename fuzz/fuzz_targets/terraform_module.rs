//! A Terraform module (files separated by NUL bytes) through the import, the YAML emitter
//! and back, and every rule of the default profile (`topobook::fuzzing::terraform_module`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| topobook::fuzzing::terraform_module(data));
