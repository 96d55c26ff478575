//! The client-side search index, built at build time.
//!
//! Why not elasticlunr-rs (mdBook's choice): its index keeps a character trie with a `String`
//! document reference in every posting and serialises it as one JSON file that the browser
//! must load whole; for 5,000 pages that alone costs gigabytes while building and tens of
//! megabytes per reader. pagefind's crate brings an async runtime and a WASM client. Ours is
//! small and specific: documents are page sections (`page.html#heading`), terms are
//! lowercased words, postings are `[doc, weight]` integer pairs, and the index is split into
//! shards by the first character of the term, so a query loads `docs.json` and only the
//! shards of its words, lazily, on the first keystroke.

use std::collections::BTreeMap;

use serde::Serialize;

/// A searchable unit: a section of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchDoc {
    /// `guide/a.html#setup`.
    pub url: String,
    /// Heading text (or the page title for the text before the first heading).
    pub title: String,
    /// Title of the page.
    pub page: String,
}

const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that",
    "the", "this", "to", "was", "with",
];

/// Lowercased words of `text` (letters and digits), two characters or more, no stop words.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()) && w.len() <= 40)
}

/// The shard of a term: its first character when ASCII alphanumeric, else `_`.
pub fn shard_of(term: &str) -> char {
    match term.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() => c,
        _ => '_',
    }
}

/// Builds the index one section at a time.
#[derive(Default)]
pub struct IndexBuilder {
    docs: Vec<SearchDoc>,
    postings: BTreeMap<String, Vec<u32>>,
}

impl IndexBuilder {
    /// Add a section: its title words weigh 10, body words 1 each (capped at 50).
    pub fn add(&mut self, doc: SearchDoc, body: &str) {
        let id = self.docs.len() as u32;
        let mut weights: BTreeMap<String, u32> = BTreeMap::new();
        for t in tokens(&doc.title) {
            *weights.entry(t).or_default() += 10;
        }
        for t in tokens(body) {
            *weights.entry(t).or_default() += 1;
        }
        for (term, w) in weights {
            let list = self.postings.entry(term).or_default();
            list.push(id);
            list.push(w.min(50));
        }
        self.docs.push(doc);
    }

    /// The files of the index: (site path, bytes), deterministic.
    pub fn finish(self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let docs: Vec<[&str; 3]> = self.docs.iter().map(|d| [d.url.as_str(), d.title.as_str(), d.page.as_str()]).collect();
        out.push(("search/docs.json".to_string(), serde_json::to_vec(&docs).unwrap_or_default()));
        let mut shards: BTreeMap<char, BTreeMap<&str, &Vec<u32>>> = BTreeMap::new();
        for (term, list) in &self.postings {
            shards.entry(shard_of(term)).or_default().insert(term, list);
        }
        let names: Vec<String> = shards.keys().map(|c| c.to_string()).collect();
        for (c, terms) in shards {
            out.push((format!("search/{c}.json"), serde_json::to_vec(&terms).unwrap_or_default()));
        }
        out.push(("search/shards.json".to_string(), serde_json::to_vec(&names).unwrap_or_default()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_sharded_postings() {
        let mut b = IndexBuilder::default();
        let doc = |u: &str, t: &str| SearchDoc { url: u.into(), title: t.into(), page: "P".into() };
        b.add(doc("a.html#x", "Private endpoints"), "The private DNS zone for the workspace.");
        b.add(doc("b.html", "Firewall"), "Private traffic, private routes.");
        let files = b.finish();
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["search/docs.json", "search/d.json", "search/e.json", "search/f.json", "search/p.json", "search/r.json", "search/t.json", "search/w.json", "search/z.json", "search/shards.json"]);
        let p = String::from_utf8(files[4].1.clone()).unwrap_or_default();
        assert_eq!(p, "{\"private\":[0,11,1,2]}");
    }
}
