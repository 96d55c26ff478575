//! Render a topology YAML file to a standalone SVG (stylesheet embedded), to look at a
//! diagram outside a book: `cargo run --example diagram -- topology.yaml > topology.svg`.
//! Add `--dark` to draw it with the dark palette.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::process::ExitCode;

use topobook::check::{CheckSettings, check_yaml};
use topobook::diagram::{DiagramOptions, render};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: diagram <topology.yaml> [--dark] [--info='yaml topology expect=...']");
        return ExitCode::from(2);
    };
    let yaml = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read `{path}`: {e}");
            return ExitCode::FAILURE;
        }
    };
    let info = args.iter().find_map(|a| a.strip_prefix("--info=")).unwrap_or("yaml topology");
    let report = check_yaml(path, &yaml, info, &CheckSettings::default());
    let opts = DiagramOptions { standalone: true, ..DiagramOptions::default() };
    match render(&report, &opts) {
        Some(svg) => {
            let svg = if args.iter().any(|a| a == "--dark") {
                svg.replacen("class=\"tb-diagram\"", "class=\"tb-diagram\" data-theme=\"dark\"", 1)
            } else {
                svg
            };
            println!("{svg}");
            ExitCode::SUCCESS
        }
        None => {
            for d in &report.diagnostics {
                eprintln!("{}[{}]: {}", d.severity, d.code, d.message);
            }
            eprintln!("error: nothing to draw in `{path}`");
            ExitCode::FAILURE
        }
    }
}
