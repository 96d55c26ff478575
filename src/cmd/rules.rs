//! `topobook rules`, `topobook explain ID` and `topobook schema`: the rule registry and the
//! topology model, for people and editors.

use std::io::Write;

use super::exit;
use crate::diag::did_you_mean;
use crate::rules::{self, Profile, docs};

/// `topobook rules [--format table|json] [--profile P]`: the versions profile `P` runs, or
/// every rule with the profiles it is in.
pub fn list(json: bool, profile: Option<Profile>) -> i32 {
    let text = if json { docs::rules_json(profile) + "\n" } else { docs::rules_table(profile) };
    print(&text)
}

/// `topobook explain ID`: a rule's documentation, every version with its profiles.
pub fn explain(id: &str) -> i32 {
    match rules::by_id(id) {
        Some(rule) => print(&docs::explain(rule)),
        None => {
            let help = did_you_mean(id, rules::groups().iter().map(|g| g[0].id))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "run `topobook rules` to list the rule IDs".to_string());
            eprintln!("error: no rule `{id}`\n  = help: {help}");
            exit::USAGE_OR_IO
        }
    }
}

/// `topobook schema`: the JSON Schema of a topology block.
pub fn schema() -> i32 {
    print(&(crate::topology::schema::json_schema() + "\n"))
}

fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => exit::OK,
        // A closed pipe (`topobook rules | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            exit::USAGE_OR_IO
        }
    }
}
