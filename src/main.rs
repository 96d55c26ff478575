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
        /// Rule profile (`2020-10`, `2026-02`, `current`) for blocks that do not name one;
        /// overrides `[check] profile` of `book.toml`.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<topobook::rules::Profile>,
        /// Exit 1 when findings at this level exist: `error` (the default, or `[build] fail-on`
        /// in `book.toml`), `warning`, or `never`. The site is written either way.
        #[arg(long, value_enum, value_name = "LEVEL")]
        fail_on: Option<topobook::load::FailOn>,
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
        /// Known findings: those FILE lists are reported as baselined, not failing (instead of
        /// `[check] baseline` in `book.toml`).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record the findings of this run in FILE (stale entries dropped), then report with it.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
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
    /// Answer a reachability question on a topology block: can FROM reach TO on PORT?
    ///
    /// Prints the path hop by hop (NSGs, routes, firewall, DNS, the resource's own firewall)
    /// with the element that decided. Exit codes: 0 answered (whatever the verdict); 2 usage,
    /// configuration or I/O error.
    Flow {
        /// The book folder (holding `book.toml`).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Id of the block (`id=` on its fence, or the derived id `topobook check` shows);
        /// may be left out when the book has one block.
        #[arg(long)]
        block: Option<String>,
        /// Where the traffic starts: a compute, a subnet, `internet`, `on-premises`, a
        /// service tag or an address.
        #[arg(long)]
        from: String,
        /// Where it goes: a resource, a subnet, a private endpoint, a service tag, an
        /// address, a host name, `internet` or `on-premises`.
        #[arg(long)]
        to: String,
        /// Destination port or range (`443`, `8000-8010`); not for `icmp`.
        #[arg(long)]
        port: Option<String>,
        /// Transport protocol.
        #[arg(long, default_value = "tcp")]
        protocol: topobook::topology::model::FlowProtocol,
        /// A hop the path must cross (the firewall, an NSG, a route table, a subnet, a VNet).
        #[arg(long)]
        via: Option<String>,
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
        Command::Build { dir, profile, fail_on } => {
            topobook::cmd::build::run(&dir, site_options(profile), fail_on)
        }
        Command::Serve { dir, port, host, open, profile } => topobook::cmd::serve::run(
            &dir,
            &topobook::cmd::serve::Args { host, port, open },
            site_options(profile),
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
        Command::Import { path, format } => topobook::cmd::import::run(&path, format),
        Command::Flow { dir, block, from, to, port, protocol, via } => {
            topobook::cmd::flow::run(&topobook::cmd::flow::FlowArgs {
                dir,
                block,
                from,
                to,
                port,
                protocol,
                via,
            })
        }
        Command::Rules { format, profile } => {
            topobook::cmd::rules::list(matches!(format, RulesFormat::Json), profile)
        }
        Command::Explain { id } => topobook::cmd::rules::explain(&id),
        Command::Schema => topobook::cmd::rules::schema(),
    };
    std::process::exit(code);
}
