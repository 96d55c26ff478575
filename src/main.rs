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
        #[arg(long, value_enum, default_value = "tcp")]
        protocol: FlowProto,
        /// A hop the path must cross (the firewall, an NSG, a route table, a subnet, a VNet).
        #[arg(long)]
        via: Option<String>,
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
enum FlowProto {
    Tcp,
    Udp,
    Icmp,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    Table,
    Json,
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
        Command::Flow { dir, block, from, to, port, protocol, via } => {
            use topobook::topology::model::FlowProtocol;
            let protocol = match protocol {
                FlowProto::Tcp => FlowProtocol::Tcp,
                FlowProto::Udp => FlowProtocol::Udp,
                FlowProto::Icmp => FlowProtocol::Icmp,
            };
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
        Command::Rules { format } => topobook::cmd::rules::list(matches!(format, RulesFormat::Json)),
        Command::Explain { id } => topobook::cmd::rules::explain(&id),
        Command::Schema => topobook::cmd::rules::schema(),
    };
    std::process::exit(code);
}
