//! The reload hub: what each build changed, told to every open page.
//!
//! Every published generation becomes one JSON message, serialised once and shared by all
//! connections (a broadcast channel), and kept in a ring of the last [`RING`] messages. A page
//! connects with the build it was served from (`since`, `<instance>.<generation>`): it first
//! gets the messages it missed (or `reload` when they are gone or the server restarted),
//! then the current problems of its page and of the book (`state`), then every new message.
//!
//! ```text
//! {"type":"update","id":"1a2b.7","changed":["a.html"],"removed":[],"all":false,
//!  "errors":{"a.html":[…]},"book":[…]}
//! {"type":"state","id":"1a2b.7","errors":[…],"book":[…]}
//! {"type":"reload"}
//! ```
//!
//! `changed` and `removed` are site paths; `errors` holds the pages whose overlay problems
//! changed in this generation (an empty list clears them); `book` is always the whole list.
//! `all` replaces the lists when more than [`MAX_LISTED`] files changed.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::ws::Utf8Bytes;
use serde::Serialize;
use tokio::sync::broadcast;

use super::overlay::Problem;
use super::store::Changes;

/// Messages kept for pages that reconnect.
pub const RING: usize = 256;
/// Past this many changed files, a message says `all` instead of listing them.
pub const MAX_LISTED: usize = 2000;

/// One published generation.
#[derive(Debug)]
pub struct Message {
    pub generation: u64,
    pub text: Utf8Bytes,
}

#[derive(Default)]
struct State {
    generation: u64,
    ring: VecDeque<Arc<Message>>,
    /// Overlay problems of every page that has some, by site path.
    pages: HashMap<String, Vec<Problem>>,
    book: Vec<Problem>,
}

/// The fan-out of build messages to pages.
pub struct Hub {
    instance: String,
    tx: broadcast::Sender<Arc<Message>>,
    state: Mutex<State>,
}

/// What a new connection sends first, and where the rest comes from.
pub struct Subscription {
    /// Missed messages (or a `reload`), then the `state` message.
    pub first: Vec<Utf8Bytes>,
    pub rx: broadcast::Receiver<Arc<Message>>,
    /// Live messages up to this generation are already covered by `first`.
    pub covered: u64,
}

#[derive(Serialize)]
struct Update<'a> {
    r#type: &'static str,
    id: &'a str,
    changed: Vec<&'a str>,
    removed: Vec<&'a str>,
    all: bool,
    errors: HashMap<&'a str, &'a [Problem]>,
    book: &'a [Problem],
}

#[derive(Serialize)]
struct StateMsg<'a> {
    r#type: &'static str,
    id: &'a str,
    errors: &'a [Problem],
    book: &'a [Problem],
}

fn json<T: Serialize>(value: &T) -> Utf8Bytes {
    Utf8Bytes::from(serde_json::to_string(value).unwrap_or_else(|_| "{\"type\":\"reload\"}".to_string()))
}

/// The `reload` message.
pub fn reload() -> Utf8Bytes {
    Utf8Bytes::from_static("{\"type\":\"reload\"}")
}

impl Hub {
    pub fn new(instance: String) -> Hub {
        let (tx, _) = broadcast::channel(64);
        Hub { instance, tx, state: Mutex::new(State::default()) }
    }

    /// `<instance>.<generation>`: the build a page was served from.
    pub fn build_id(&self, generation: u64) -> String {
        format!("{}.{generation}", self.instance)
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Set the problems without telling anyone (the first build).
    pub fn reset(&self, generation: u64, pages: HashMap<String, Vec<Problem>>, book: Vec<Problem>) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.generation = generation;
        s.pages = pages;
        s.book = book;
    }

    /// Tell every page what generation `generation` changed. `pages` holds the overlay
    /// problems of every page that has some.
    pub fn publish(
        &self,
        generation: u64,
        changes: &Changes,
        pages: HashMap<String, Vec<Problem>>,
        book: Vec<Problem>,
    ) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let id = self.build_id(generation);
        let mut errors: HashMap<&str, &[Problem]> = HashMap::new();
        for (page, problems) in &pages {
            if s.pages.get(page) != Some(problems) {
                errors.insert(page, problems);
            }
        }
        for page in s.pages.keys() {
            if !pages.contains_key(page) {
                errors.insert(page, &[]);
            }
        }
        let all = changes.changed.len() + changes.removed.len() > MAX_LISTED;
        fn listed(all: bool, set: &std::collections::BTreeSet<String>) -> Vec<&str> {
            if all { Vec::new() } else { set.iter().map(String::as_str).collect() }
        }
        let update = Update {
            r#type: "update",
            id: &id,
            changed: listed(all, &changes.changed),
            removed: listed(all, &changes.removed),
            all,
            errors,
            book: &book,
        };
        let message = Arc::new(Message { generation, text: json(&update) });
        s.generation = generation;
        s.pages = pages;
        s.book = book;
        if s.ring.len() == RING {
            s.ring.pop_front();
        }
        s.ring.push_back(message.clone());
        // No receiver is not an error: no page is open.
        let _ = self.tx.send(message);
    }

    /// A new connection from the page at site path `page`, served from build `since`.
    pub fn subscribe(&self, page: &str, since: Option<&str>) -> Subscription {
        let s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let rx = self.tx.subscribe();
        let mut first = Vec::new();
        if let Some(since) = since.filter(|v| !v.is_empty()) {
            let seen = since
                .rsplit_once('.')
                .filter(|(inst, _)| *inst == self.instance)
                .and_then(|(_, g)| g.parse::<u64>().ok());
            match seen {
                Some(g) if g >= s.generation => {}
                Some(g) if s.ring.front().is_some_and(|m| m.generation <= g + 1) => {
                    first.extend(s.ring.iter().filter(|m| m.generation > g).map(|m| m.text.clone()));
                }
                // Too old, another server instance, or nonsense: the page cannot catch up.
                _ => first.push(reload()),
            }
        }
        let id = self.build_id(s.generation);
        let errors = s.pages.get(page).map(Vec::as_slice).unwrap_or(&[]);
        first.push(json(&StateMsg { r#type: "state", id: &id, errors, book: &s.book }));
        Subscription { first, rx, covered: s.generation }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn problem(msg: &str) -> Problem {
        Problem {
            file: Some("content/a.md".into()),
            line: 3,
            column: 1,
            severity: Severity::Error,
            code: "yaml-syntax".into(),
            message: msg.into(),
            help: None,
        }
    }

    fn changes(paths: &[&str]) -> Changes {
        Changes { changed: paths.iter().map(|p| p.to_string()).collect(), removed: Default::default() }
    }

    #[test]
    fn replays_missed_messages_then_sends_the_state() {
        let hub = Hub::new("i".into());
        hub.reset(1, HashMap::new(), Vec::new());
        let mut pages = HashMap::new();
        pages.insert("a.html".to_string(), vec![problem("bad")]);
        hub.publish(2, &changes(&["a.html"]), pages, Vec::new());
        hub.publish(3, &changes(&["b.html"]), HashMap::new(), Vec::new());

        let sub = hub.subscribe("a.html", Some("i.1"));
        let texts: Vec<&str> = sub.first.iter().map(|t| t.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts[0].contains("\"id\":\"i.2\"") && texts[0].contains("\"errors\":{\"a.html\":[{"));
        assert!(
            texts[1].contains("\"changed\":[\"b.html\"]") && texts[1].contains("\"errors\":{\"a.html\":[]}")
        );
        assert_eq!(texts[2], "{\"type\":\"state\",\"id\":\"i.3\",\"errors\":[],\"book\":[]}");
        assert_eq!(sub.covered, 3);

        // Up to date: the state only. Another instance or a gap: reload.
        assert_eq!(hub.subscribe("a.html", Some("i.3")).first.len(), 1);
        assert_eq!(hub.subscribe("a.html", Some("old.3")).first[0].as_str(), "{\"type\":\"reload\"}");
        assert_eq!(hub.subscribe("a.html", Some("garbage")).first[0].as_str(), "{\"type\":\"reload\"}");
        assert_eq!(hub.subscribe("a.html", None).first.len(), 1);
    }

    #[test]
    fn a_page_older_than_the_ring_reloads() {
        let hub = Hub::new("i".into());
        for g in 1..=(RING as u64 + 5) {
            hub.publish(g, &changes(&["a.html"]), HashMap::new(), Vec::new());
        }
        assert_eq!(hub.subscribe("a.html", Some("i.1")).first[0].as_str(), "{\"type\":\"reload\"}");
        let recent = hub.subscribe("a.html", Some(&format!("i.{}", RING as u64)));
        assert_eq!(recent.first.len(), 6);
    }

    #[test]
    fn many_changes_say_all() {
        let hub = Hub::new("i".into());
        let mut sub = hub.subscribe("a.html", None);
        let paths: Vec<String> = (0..=MAX_LISTED).map(|i| format!("p{i}.html")).collect();
        let c = Changes { changed: paths.into_iter().collect(), removed: Default::default() };
        hub.publish(1, &c, HashMap::new(), Vec::new());
        let m = sub.rx.try_recv().expect("message");
        assert!(
            m.text.as_str().contains("\"changed\":[],\"removed\":[],\"all\":true"),
            "{}",
            m.text.as_str()
        );
    }
}
