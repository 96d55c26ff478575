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

use std::borrow::Cow;

use rustc_hash::FxHashMap;

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
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or",
    "that", "the", "this", "to", "was", "with",
];

/// Lowercased words of `text` (letters and digits), two characters or more, no stop words.
/// Words already in lowercase are borrowed, not copied.
pub fn tokens(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 2 && w.len() <= 40 && w.chars().nth(1).is_some())
        .map(|w| {
            if w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                Cow::Borrowed(w)
            } else {
                Cow::Owned(w.to_lowercase())
            }
        })
        .filter(|w| !STOP.contains(&w.as_ref()))
}

/// Weighted terms, borrowed from the text they come from where possible.
pub type Terms<'a> = Vec<(Cow<'a, str>, u32)>;

/// The weighted terms of a section: title words weigh 10, body words 1 each, capped at 50.
/// Pure, so sections can be weighed in parallel.
pub fn weigh<'a>(title: &'a str, body: &'a str) -> Terms<'a> {
    let mut weights: FxHashMap<Cow<'a, str>, u32> = FxHashMap::default();
    for t in tokens(title) {
        *weights.entry(t).or_default() += 10;
    }
    for t in tokens(body) {
        *weights.entry(t).or_default() += 1;
    }
    weights.into_iter().map(|(t, w)| (t, w.min(50))).collect()
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
    /// Per term, one `u32` per posting: the document number shifted left by [`WEIGHT_BITS`],
    /// the weight in the low bits (half the memory of separate pairs; a 5,000-page book has
    /// about 300,000 terms).
    postings: FxHashMap<Box<str>, Vec<u32>>,
}

/// Bits of a packed posting that hold the weight (weights are capped at 50).
const WEIGHT_BITS: u32 = 6;
/// The most documents an index can number with the rest of the bits.
const MAX_DOCS: usize = (u32::MAX >> WEIGHT_BITS) as usize;

impl IndexBuilder {
    /// Add a section with its body text.
    pub fn add(&mut self, doc: SearchDoc, body: &str) {
        let title = doc.title.clone();
        let terms = weigh(&title, body);
        self.add_weighted(doc, terms);
    }

    /// Add a section whose terms were weighed already (see [`weigh`]). Only terms new to
    /// the index are copied.
    pub fn add_weighted(&mut self, doc: SearchDoc, terms: Terms<'_>) {
        if self.docs.len() >= MAX_DOCS {
            return;
        }
        let id = self.docs.len() as u32;
        for (term, w) in terms {
            let list = match self.postings.get_mut(term.as_ref()) {
                Some(l) => l,
                None => self.postings.entry(Box::from(term.as_ref())).or_default(),
            };
            list.push((id << WEIGHT_BITS) | w.min((1 << WEIGHT_BITS) - 1));
        }
        self.docs.push(doc);
    }

    /// The files of the index, deterministic, handed to `sink` one at a time (so that only
    /// one shard is ever serialised in memory): (site path, bytes).
    pub fn finish(self, sink: &mut dyn FnMut(String, Vec<u8>)) {
        let IndexBuilder { docs, postings } = self;
        let list: Vec<[&str; 3]> =
            docs.iter().map(|d| [d.url.as_str(), d.title.as_str(), d.page.as_str()]).collect();
        let size: usize = docs.iter().map(|d| d.url.len() + d.title.len() + d.page.len() + 12).sum();
        sink("search/docs.json".to_string(), to_json(&list, size));
        drop(list);
        drop(docs);
        // The map's table goes as the list is built; the list is sorted by shard, then term.
        let mut terms: Vec<(Box<str>, Vec<u32>)> = postings.into_iter().collect();
        terms.sort_unstable_by(|a, b| (shard_of(&a.0), &a.0).cmp(&(shard_of(&b.0), &b.0)));
        let mut names = Vec::new();
        let mut start = 0;
        while start < terms.len() {
            let c = shard_of(&terms[start].0);
            let end =
                terms[start..].iter().position(|(t, _)| shard_of(t) != c).map_or(terms.len(), |n| start + n);
            let shard = Shard(&terms[start..end]);
            // Up to 10 characters per posting (`12345,50,`): one allocation, never regrown.
            let size: usize = shard.0.iter().map(|(t, l)| t.len() + 6 + l.len() * 10).sum();
            sink(format!("search/{c}.json"), to_json(&shard, size));
            names.push(c.to_string());
            start = end;
        }
        sink("search/shards.json".to_string(), to_json(&names, 4 * names.len() + 2));
    }
}

/// `value` as JSON in a buffer sized for it up front (a large shard regrown by doubling would
/// briefly hold two copies).
fn to_json<T: Serialize + ?Sized>(value: &T, size: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(size + 2);
    if serde_json::to_writer(&mut bytes, value).is_err() {
        bytes.clear();
    }
    bytes
}

/// The terms of one shard, in order, serialised as one JSON object.
struct Shard<'a>(&'a [(Box<str>, Vec<u32>)]);

impl Serialize for Shard<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (term, list) in self.0 {
            map.serialize_entry(&**term, &Unpacked(list))?;
        }
        map.end()
    }
}

/// A packed posting list, serialised as the `[doc, weight, doc, weight, ...]` array the
/// browser reads.
struct Unpacked<'a>(&'a [u32]);

impl Serialize for Unpacked<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len() * 2))?;
        for &p in self.0 {
            seq.serialize_element(&(p >> WEIGHT_BITS))?;
            seq.serialize_element(&(p & ((1 << WEIGHT_BITS) - 1)))?;
        }
        seq.end()
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
        let mut files = Vec::new();
        b.finish(&mut |p, bytes| files.push((p, bytes)));
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "search/docs.json",
                "search/d.json",
                "search/e.json",
                "search/f.json",
                "search/p.json",
                "search/r.json",
                "search/t.json",
                "search/w.json",
                "search/z.json",
                "search/shards.json"
            ]
        );
        let p = String::from_utf8(files[4].1.clone()).unwrap_or_default();
        assert_eq!(p, "{\"private\":[0,11,1,2]}");
    }
}
