//! Tests of `book.toml` parsing.

use super::*;

fn run(text: &str) -> (Config, Vec<Diagnostic>) {
    parse("book.toml".into(), text)
}

#[test]
fn reads_known_keys_and_defaults() {
    let (c, d) = run(
        "[book]\ntitle = \"T\"\nauthors = [\"a\", \"b\"]\nsrc = \"src\"\n[build]\nlink-check = \"warn\"\n\
         [output.html]\nsite-url = \"https://x.test/\"\nsanitize = true\n[output.html.search]\nenable = false\n",
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(c.title, "T");
    assert_eq!(c.authors, ["a", "b"]);
    assert_eq!(c.src, "src");
    assert_eq!(c.build_dir, "site");
    assert_eq!(c.link_check, LinkLevel::Warn);
    assert!(c.html.sanitize && !c.html.search);
    assert_eq!(c.html.site_url.as_deref(), Some("https://x.test/"));
}

#[test]
fn the_check_profile_is_read_and_an_unknown_one_is_located() {
    let (c, d) = run("[check]\nprofile = \"2020-10\"\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(c.profile, Some(Profile::P2020_10));
    let (c, _) = run("[check]\nprofile = \"current\"\n");
    assert_eq!(c.profile, Some(Profile::P2026_02));
    assert_eq!(run("").0.profile, None);
    let (c, d) = run("[check]\nprofile = \"2026-01\"\n");
    assert_eq!(c.profile, None);
    assert_eq!(d.len(), 1, "{d:?}");
    let loc = d[0].location.as_ref().unwrap();
    assert_eq!((loc.start.line, loc.start.column), (2, 11));
    assert!(d[0].message.contains("unknown profile `2026-01` in `check.profile`"), "{}", d[0].message);
    assert!(d[0].help.as_deref().unwrap_or("").contains("2026-02"), "{:?}", d[0].help);
    let (_, d) = run("[check]\nprofil = \"current\"\n");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `profile`?"));
}

#[test]
fn unknown_keys_are_located_with_a_suggestion() {
    let (_, d) = run("[book]\ntitle = \"T\"\nauthor = [\"a\"]\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "unknown key `book.author` in `book.toml`");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `authors`?"));
    let loc = d[0].location.as_ref().map(|l| (l.start.line, l.start.column));
    assert_eq!(loc, Some((3, 1)));
}

#[test]
fn mdbook_keys_are_notes_or_warnings_and_bad_values_errors() {
    let (c, d) = run(
        "[rust]\nedition = \"2021\"\n[output.html]\nadditional-css = []\n[build]\nsrc = 1\nbuild-dir = \"../x\"\n",
    );
    let mut sev: Vec<_> = d.iter().map(|d| d.severity.as_str()).collect();
    sev.sort();
    assert_eq!(sev, ["error", "error", "note", "warning"], "{d:#?}");
    assert_eq!(c.build_dir, "site");
}

/// The four classes of the decision at the top of this file, on mdBook's own keys.
#[test]
fn mdbook_keys_by_class() {
    let text = "[output.html]\nmath = true\nmathjax-support = false\nhash-files = true\n\
                [output.html.playground]\neditable = true\n[output.html.redirect]\n\"/a.html\" = \"b.html\"\n\
                [output.html.search]\nboost-title = 2\n[output.linkcheck]\n\
                [preprocessor.links]\n[preprocessor.katex]\n";
    let (c, d) = run(text);
    let mut got: Vec<(&str, &str)> =
        d.iter().map(|d| (d.message.split('`').nth(1).unwrap_or(""), d.severity.as_str())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("output.html.hash-files", "note"),
            ("output.html.math", "warning"),
            ("output.html.mathjax-support", "note"),
            ("output.html.playground", "note"),
            ("output.html.redirect", "warning"),
            ("output.html.search.boost-title", "note"),
            ("output.linkcheck", "note"),
            ("preprocessor.katex", "warning"),
            ("preprocessor.links", "note"),
        ],
        "{d:#?}"
    );
    let math = d.iter().find(|d| d.message.starts_with("`output.html.math`"));
    assert!(math.is_some_and(|d| d.message.ends_with("equations are shown as written, not typeset")));
    assert_eq!(c, Config::default());
}

#[test]
fn typos_of_mdbook_keys_are_errors_suggesting_them() {
    let (_, d) = run("[output.html]\nmathjax-suport = true\n[output.html.search]\nlimit-result = 3\n");
    let got: Vec<_> = d.iter().map(|d| (d.severity.as_str(), d.help.as_deref().unwrap_or(""))).collect();
    assert_eq!(
        got,
        [("error", "did you mean `mathjax-support`?"), ("error", "did you mean `limit-results`?")]
    );
}

#[test]
fn a_build_folder_that_holds_the_book_is_refused() {
    for (toml, why) in [
        ("[build]\nbuild-dir = \".\"\n", "the whole book"),
        ("[build]\nbuild-dir = \"./\"\n", "the whole book"),
        ("[build]\nbuild-dir = \"content\"\n", "the source folder `content`"),
        ("[build]\nbuild-dir = \"./content/.\"\n", "the source folder `content`"),
        ("[book]\nsrc = \"docs/src\"\n[build]\nbuild-dir = \"docs\"\n", "the source folder `docs/src`"),
        ("[build]\nbuild-dir = \"content/out\"\n", "a folder inside the source folder `content`"),
        ("[build]\nbuild-dir = \"themes\"\n", "the `themes` folder"),
        ("[build]\nbuild-dir = \"themes/default/out\"\n", "the `themes` folder"),
    ] {
        let (c, d) = run(toml);
        assert_eq!(d.len(), 1, "{toml}: {d:?}");
        assert!(d[0].message.contains(&format!("would replace {why}")), "{toml}: {}", d[0].message);
        assert_eq!(d[0].severity.as_str(), "error");
        assert_eq!(c.build_dir, "site");
    }
    for ok in ["[build]\nbuild-dir = \"./public\"\n", "[book]\nsrc = \".\"\n[build]\nbuild-dir = \"out\"\n"] {
        let (_, d) = run(ok);
        assert!(d.is_empty(), "{ok}: {d:?}");
    }
}

#[test]
fn syntax_errors_do_not_panic() {
    let (c, d) = run("[book\ntitle = ");
    assert_eq!(d.len(), 1);
    assert_eq!(c, Config::default());
}
