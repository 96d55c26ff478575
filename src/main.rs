//! The `topobook` command line: parses arguments and calls into the library.

use clap::Parser;

#[derive(Parser)]
#[command(name = "topobook", version, about = "Runbooks with checked Azure ML network topologies")]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
}
