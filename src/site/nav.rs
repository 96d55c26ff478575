//! The book's navigation: from `SUMMARY.md`, or from the folder tree ordered by front matter
//! `weight` then title. Pure functions over what `load` and `markdown` produced.

use std::collections::{BTreeMap, HashMap};

use crate::load::{Summary, SummaryItem};

/// One entry of the sidebar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NavItem {
    Chapter {
        title: String,
        /// Index of the page; `None` for a draft (or a folder without an index page).
        page: Option<usize>,
        /// `"1.2."`, or empty.
        number: String,
        children: Vec<NavItem>,
    },
    Part(String),
    Separator,
}

/// The navigation and the reading order it implies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nav {
    pub items: Vec<NavItem>,
    /// Page indices in reading order (previous / next follow it).
    pub order: Vec<usize>,
}

/// What the navigation needs to know about a page.
pub struct PageInfo<'a> {
    /// Path relative to the source folder.
    pub rel: &'a str,
    pub title: &'a str,
    pub weight: Option<i64>,
}

fn collect_order(items: &[NavItem], out: &mut Vec<usize>) {
    for it in items {
        if let NavItem::Chapter { page, children, .. } = it {
            if let Some(p) = page
                && !out.contains(p)
            {
                out.push(*p);
            }
            collect_order(children, out);
        }
    }
}

impl Nav {
    fn with_items(items: Vec<NavItem>) -> Nav {
        let mut order = Vec::new();
        collect_order(&items, &mut order);
        Nav { items, order }
    }

    /// Previous and next pages of `page` in reading order.
    pub fn neighbours(&self, page: usize) -> (Option<usize>, Option<usize>) {
        match self.order.iter().position(|p| *p == page) {
            Some(i) => {
                (i.checked_sub(1).and_then(|j| self.order.get(j).copied()), self.order.get(i + 1).copied())
            }
            None => (None, None),
        }
    }
}

/// Navigation from `SUMMARY.md`.
pub fn from_summary(summary: &Summary, pages: &[PageInfo<'_>]) -> Nav {
    let by_rel: HashMap<&str, usize> = pages.iter().enumerate().map(|(i, p)| (p.rel, i)).collect();
    fn convert(items: &[SummaryItem], by_rel: &HashMap<&str, usize>) -> Vec<NavItem> {
        items
            .iter()
            .map(|it| match it {
                SummaryItem::Chapter(c) => NavItem::Chapter {
                    title: c.title.clone(),
                    page: c
                        .path
                        .as_deref()
                        .and_then(crate::load::clean_rel)
                        .and_then(|p| by_rel.get(p.as_str()).copied()),
                    number: c
                        .number
                        .as_ref()
                        .map(|n| n.iter().map(|x| format!("{x}.")).collect())
                        .unwrap_or_default(),
                    children: convert(&c.nested, by_rel),
                },
                SummaryItem::Separator => NavItem::Separator,
                SummaryItem::PartTitle(t) => NavItem::Part(t.clone()),
            })
            .collect()
    }
    Nav::with_items(convert(&summary.items, &by_rel))
}

#[derive(Default)]
struct Folder {
    index: Option<usize>,
    pages: Vec<usize>,
    folders: BTreeMap<String, Folder>,
}

fn is_index(file: &str) -> bool {
    matches!(file, "index.md" | "README.md" | "_index.md")
}

/// Navigation from the folder tree: folders become sections (their `index.md` or
/// `README.md` is the section page), ordered by `weight`, then title, then path.
pub fn from_tree(pages: &[PageInfo<'_>]) -> Nav {
    let mut root = Folder::default();
    for (i, p) in pages.iter().enumerate() {
        let mut parts: Vec<&str> = p.rel.split('/').collect();
        let file = parts.pop().unwrap_or("");
        let mut f = &mut root;
        for d in parts {
            f = f.folders.entry(d.to_string()).or_default();
        }
        if is_index(file) && f.index.is_none() {
            f.index = Some(i);
        } else {
            f.pages.push(i);
        }
    }
    fn key(pages: &[PageInfo<'_>], page: Option<usize>, fallback: &str) -> (i64, String, String) {
        match page.and_then(|i| pages.get(i)) {
            Some(p) => (p.weight.unwrap_or(i64::MAX), p.title.to_lowercase(), p.rel.to_string()),
            None => (i64::MAX, fallback.to_lowercase(), fallback.to_string()),
        }
    }
    fn build(f: &Folder, pages: &[PageInfo<'_>]) -> Vec<NavItem> {
        let mut entries: Vec<((i64, String, String), NavItem)> = Vec::new();
        for &i in &f.pages {
            let title = pages.get(i).map(|p| p.title.to_string()).unwrap_or_default();
            entries.push((
                key(pages, Some(i), ""),
                NavItem::Chapter { title, page: Some(i), number: String::new(), children: Vec::new() },
            ));
        }
        for (name, sub) in &f.folders {
            let title = match sub.index.and_then(|i| pages.get(i)) {
                Some(p) => p.title.to_string(),
                None => prettify(name),
            };
            entries.push((
                key(pages, sub.index, name),
                NavItem::Chapter {
                    title,
                    page: sub.index,
                    number: String::new(),
                    children: build(sub, pages),
                },
            ));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.into_iter().map(|(_, it)| it).collect()
    }
    let mut items = Vec::new();
    if let Some(home) = root.index {
        let title = pages.get(home).map(|p| p.title.to_string()).unwrap_or_default();
        items.push(NavItem::Chapter { title, page: Some(home), number: String::new(), children: Vec::new() });
    }
    items.extend(build(&root, pages));
    Nav::with_items(items)
}

/// `network-isolation` → `Network isolation`.
pub fn prettify(name: &str) -> String {
    let s = name.trim_end_matches(".md").replace(['-', '_'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info<'a>(rel: &'a str, title: &'a str, weight: Option<i64>) -> PageInfo<'a> {
        PageInfo { rel, title, weight }
    }

    #[test]
    fn tree_orders_by_weight_then_title() {
        let pages = [
            info("README.md", "Home", None),
            info("b.md", "Bravo", None),
            info("a.md", "Alpha", None),
            info("z.md", "Zulu", Some(1)),
            info("guide/index.md", "Guide", Some(2)),
            info("guide/x.md", "X", None),
            info("ref/y.md", "Y", None),
        ];
        let nav = from_tree(&pages);
        assert_eq!(nav.order, [0, 3, 4, 5, 2, 1, 6]);
        assert!(matches!(&nav.items[5], NavItem::Chapter { title, page: None, .. } if title == "Ref"));
        assert_eq!(nav.neighbours(3), (Some(0), Some(4)));
        assert_eq!(nav.neighbours(6), (Some(1), None));
    }
}
