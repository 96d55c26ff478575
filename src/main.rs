//! The `topobook` command line: parses arguments and calls into the library.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "topobook", version, about = "Runbooks with checked Azure ML network topologies")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the book in DIR and write its site to DIR/<build-dir>/ (default `site/`).
    Build {
        /// The book folder (holding `book.toml`).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Serve the book in DIR with live reload: each save shows in the browser at once.
    Serve {
        /// The book folder (holding `book.toml`).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Port to listen on (`0` picks a free one).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to listen on; anything but a loopback address exposes the book to the network.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Open the book in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a new book in DIR: `book.toml`, `content/` and a first page.
    Init {
        /// The folder to create the book in (created if missing; existing files are kept).
        dir: PathBuf,
    },
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { dir } => topobook::cmd::build::run(&dir, topobook::site::SiteOptions::default()),
        Command::Serve { dir, port, host, open } => topobook::cmd::serve::run(
            &dir,
            &topobook::cmd::serve::Args { host, port, open },
            topobook::site::SiteOptions::default(),
        ),
        Command::Init { dir } => topobook::cmd::init::run(&dir),
    };
    std::process::exit(code);
}
