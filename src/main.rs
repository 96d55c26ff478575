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
    ///
    /// The site is always written, failing blocks shown as failing, unless `book.toml`,
    /// `SUMMARY.md`, the theme or the baseline cannot be read or a file cannot be written.
    /// Exit codes: 0 nothing at or above the `--fail-on` level; 1 findings at that level (the
    /// site is written); 2 nothing written (configuration or I/O error).
    Build {
        /// The book folder (holding `book.toml`).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Exit 1 when findings at this level exist: `error` (the default, or `[build] fail-on`
        /// in `book.toml`), `warning`, or `never`.
        #[arg(long, value_enum, value_name = "LEVEL")]
        fail_on: Option<FailOn>,
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
        /// Documentation profile the rules follow, for blocks that do not name one.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<String>,
        /// Also show notes from advisory (info-level) rules in human, short and github output.
        #[arg(long)]
        notes: bool,
        /// Known findings: those FILE lists are reported as baselined, not failing (instead of
        /// `[check] baseline` in `book.toml`).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record the findings of this run in FILE (stale entries dropped), then report with it.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
    },
    /// List the rules: ID, severity, area, title.
    Rules {
        /// `table` (default) or `json`.
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
    },
    /// Print the documentation of a rule.
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
enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    Table,
    Json,
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { dir, fail_on } => {
            let fail_on = fail_on.map(|f| match f {
                FailOn::Error => topobook::load::FailOn::Error,
                FailOn::Warning => topobook::load::FailOn::Warning,
                FailOn::Never => topobook::load::FailOn::Never,
            });
            topobook::cmd::build::run(&dir, topobook::site::SiteOptions::default(), fail_on)
        }
        Command::Serve { dir, port, host, open } => topobook::cmd::serve::run(
            &dir,
            &topobook::cmd::serve::Args { host, port, open },
            topobook::site::SiteOptions::default(),
        ),
        Command::Init { dir } => topobook::cmd::init::run(&dir),
        Command::Check { args, format, output, deny, profile, notes, baseline, write_baseline } => {
            topobook::cmd::check::run(&topobook::cmd::check::CheckArgs {
                args,
                format,
                output,
                deny_warnings: deny.is_some(),
                profile,
                notes,
                baseline,
                write_baseline,
            })
        }
        Command::Rules { format } => topobook::cmd::rules::list(matches!(format, RulesFormat::Json)),
        Command::Explain { id } => topobook::cmd::rules::explain(&id),
        Command::Schema => topobook::cmd::rules::schema(),
    };
    std::process::exit(code);
}
