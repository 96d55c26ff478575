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
        /// Rule profile (`2020-10`, `2026-02`, `current`) for blocks that do not name one;
        /// overrides `[check] profile` of `book.toml`.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<topobook::rules::Profile>,
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
        /// Rule profile (`2020-10`, `2026-02`, `current`) for blocks that do not name one;
        /// overrides `[check] profile` of `book.toml`.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<topobook::rules::Profile>,
    },
    /// Create a new book in DIR: `book.toml`, `content/` and a first page.
    Init {
        /// The folder to create the book in (created if missing; existing files are kept).
        dir: PathBuf,
    },
    /// Check every topology block, `expect=`, suppression and internal link; write nothing.
    ///
    /// Exit codes: 0 nothing fails; 1 findings fail (errors, or warnings with
    /// `--deny warnings`); 2 usage, configuration or I/O error.
    Check {
        /// The book folder (default: the current folder), then optional pages or folders to
        /// limit the report to.
        #[arg(value_name = "DIR|PATH")]
        args: Vec<PathBuf>,
        /// Report format (default: human).
        #[arg(long, value_enum)]
        format: Option<topobook::report::Format>,
        /// Write the report to FILE; the summary still goes to the terminal.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Make warnings fail the run.
        #[arg(long, value_enum, value_name = "LEVEL")]
        deny: Option<Deny>,
        /// Rule profile (`2020-10`, `2026-02`, `current`) for blocks that do not name one;
        /// overrides `[check] profile` of `book.toml`. When it differs from the book's own,
        /// findings new under it and findings it no longer reports are marked.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<topobook::rules::Profile>,
        /// Also show notes from advisory (info-level) rules in human, short and github output.
        #[arg(long)]
        notes: bool,
    },
    /// Print the YAML topology equivalent to infrastructure code (a Terraform module).
    ///
    /// The topology goes to stdout, with a comment saying where it came from; what could not
    /// be read goes to stderr. Exit codes: 0 imported; 1 the code has errors (what could be
    /// read is still printed); 2 usage or I/O error.
    Import {
        /// A Terraform module folder or a `.tf` file.
        path: PathBuf,
        /// The kind of code (default: guessed from the path).
        #[arg(long, value_enum)]
        format: Option<topobook::cmd::import::ImportFormat>,
    },
    /// List the rules: ID, severity, area, profiles, title.
    Rules {
        /// `table` (default) or `json`.
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
        /// List the rules of this profile (`2020-10`, `2026-02`, `current`); default: every
        /// rule with the profiles it is in.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<topobook::rules::Profile>,
    },
    /// Print the documentation of a rule: every version, with the profiles it is in.
    Explain {
        /// A rule ID, e.g. `AML-KV-002`.
        id: String,
    },
    /// Print the JSON Schema of a topology block (for editors).
    Schema,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    Table,
    Json,
}

/// Site options with the `--profile` of the command line.
fn site_options(profile: Option<topobook::rules::Profile>) -> topobook::site::SiteOptions {
    let mut options = topobook::site::SiteOptions::default();
    options.check.profile = profile;
    options
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { dir, profile } => topobook::cmd::build::run(&dir, site_options(profile)),
        Command::Serve { dir, port, host, open, profile } => topobook::cmd::serve::run(
            &dir,
            &topobook::cmd::serve::Args { host, port, open },
            site_options(profile),
        ),
        Command::Init { dir } => topobook::cmd::init::run(&dir),
        Command::Check { args, format, output, deny, profile, notes } => {
            topobook::cmd::check::run(&topobook::cmd::check::CheckArgs {
                args,
                format,
                output,
                deny_warnings: deny.is_some(),
                profile,
                notes,
            })
        }
        Command::Import { path, format } => topobook::cmd::import::run(&path, format),
        Command::Rules { format, profile } => {
            topobook::cmd::rules::list(matches!(format, RulesFormat::Json), profile)
        }
        Command::Explain { id } => topobook::cmd::rules::explain(&id),
        Command::Schema => topobook::cmd::rules::schema(),
    };
    std::process::exit(code);
}
