//! `topobook flow [DIR] --block ID --from X --to Y --port P`: an ad-hoc reachability
//! question on one topology block of the book, answered with the path hop by hop.

use std::io::Write;
use std::path::PathBuf;

use super::exit;
use crate::diag::did_you_mean;
use crate::flows::{self, FlowResult, Question, Step, Verdict};
use crate::report::terminal_safe;
use crate::site::{Site, SiteOptions};
use crate::topology::addr::PortRange;
use crate::topology::model::FlowProtocol;

/// What `topobook flow` was asked.
#[derive(Clone, Debug)]
pub struct FlowArgs {
    pub dir: PathBuf,
    pub block: Option<String>,
    pub from: String,
    pub to: String,
    /// A port or a range (`8000-8010`); required but for ICMP.
    pub port: Option<String>,
    pub protocol: FlowProtocol,
    pub via: Option<String>,
}

/// Run `topobook flow`: 0 when answered (whatever the verdict), 2 for usage or I/O errors.
pub fn run(args: &FlowArgs) -> i32 {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match answer(args) {
        Ok((result, where_)) => {
            let _ = out.write_all(render(&result, &where_).as_bytes());
            exit::OK
        }
        Err(message) => {
            for line in message.lines() {
                let _ = writeln!(err, "{}", terminal_safe(line));
            }
            exit::USAGE_OR_IO
        }
    }
}

fn port(args: &FlowArgs) -> Result<Option<PortRange>, String> {
    match (&args.port, args.protocol) {
        (None, FlowProtocol::Icmp) => Ok(None),
        (Some(_), FlowProtocol::Icmp) => Err("error: an `icmp` flow has no port\n  = help: remove `--port`".into()),
        (None, p) => Err(format!("error: a {p} flow needs a port\n  = help: add `--port 443` (or a range, `--port 8000-8010`)")),
        (Some(p), _) => PortRange::parse(p)
            .map(Some)
            .ok_or_else(|| format!("error: `{p}` is not a port or a port range\n  = help: write a port from 0 to 65535 or a range like `8000-8010`")),
    }
}

/// Find the block and ask the question. Returns the result and where the block is.
fn answer(args: &FlowArgs) -> Result<(FlowResult, String), String> {
    let port = port(args)?;
    let site = Site::load(&args.dir, SiteOptions::default()).map_err(|e| format!("error: {e}"))?;
    let blocks: Vec<_> = site.reports().collect();
    let ids: Vec<&str> = blocks.iter().map(|(_, r)| r.id.as_str()).collect();
    let list = || {
        let mut v = ids.clone();
        v.sort_unstable();
        let shown: Vec<String> = v.iter().take(12).map(|i| format!("`{i}`")).collect();
        match v.len() {
            n if n > 12 => format!(
                "{} and {} more (`topobook check --format json` lists every block)",
                shown.join(", "),
                n - 12
            ),
            _ => shown.join(", "),
        }
    };
    let chosen = match &args.block {
        Some(id) => blocks.iter().find(|(_, r)| &r.id == id).ok_or_else(|| {
            let hint = did_you_mean(id, ids.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("the blocks of the book are {}", list()));
            format!("error: no topology block `{id}` in the book\n  = help: {hint}")
        })?,
        None => match blocks.as_slice() {
            [one] => one,
            [] => return Err("error: the book has no topology block".into()),
            _ => {
                return Err(format!(
                    "error: the book has {} topology blocks: say which with `--block`\n  = help: the blocks are {}",
                    blocks.len(),
                    list()
                ));
            }
        },
    };
    let (page, report) = chosen;
    let where_ = format!("`{}` ({}:{})", report.id, page.source.path, report.fence.start.line);
    let Some(net) = &report.net else {
        return Err(format!(
            "error: block {where_} has no readable topology (ignored, or its YAML does not parse)\n  = help: run `topobook check` to see why"
        ));
    };
    let q = Question {
        from: args.from.clone(),
        to: args.to.clone(),
        protocol: args.protocol,
        port,
        via: args.via.clone(),
    };
    let result = flows::ask(net, &q).map_err(|e| {
        let help = e.help.map(|h| format!("\n  = help: {h}")).unwrap_or_default();
        format!("error: {}{help}", e.message)
    })?;
    Ok((result, where_))
}

/// The trace as the terminal shows it: one numbered line per hop, the deciding element's
/// YAML path in brackets, then the verdict. Text from the topology goes through
/// [`terminal_safe`].
pub fn render(r: &FlowResult, where_: &str) -> String {
    let safe = |t: &str| terminal_safe(t).into_owned();
    let mut s = format!("flow {} in block {}\n", safe(&r.label()), safe(where_));
    for (i, h) in r.hops.iter().enumerate() {
        let mark = match h.step {
            Step::Pass => " ",
            Step::Allow => "+",
            Step::Deny => "x",
            Step::Unknown => "?",
        };
        let at = h.decided_by.as_ref().map(|e| e.path()).filter(|p| !p.is_empty()).map(|p| format!(" [{p}]"));
        s.push_str(&format!(
            "  {mark} {:>2}. {:<11} {}{}\n",
            i + 1,
            h.kind.as_str(),
            safe(&h.text),
            at.unwrap_or_default()
        ));
    }
    match (&r.verdict, r.via_crossed) {
        (Verdict::Unknown(reason), _) => s.push_str(&format!("verdict: unknown: {}\n", safe(reason))),
        (v, Some(false)) => s.push_str(&format!(
            "verdict: {} (does not cross `{}`)\n",
            v.as_str(),
            safe(r.via.as_deref().unwrap_or(""))
        )),
        (v, _) => s.push_str(&format!("verdict: {}\n", v.as_str())),
    }
    if let (Verdict::Deny, Some(fix)) = (&r.verdict, &r.fix) {
        s.push_str(&format!("  = help: {}\n", safe(fix)));
    }
    s
}
