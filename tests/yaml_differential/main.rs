//! The YAML fast path's specification: on every input of a large corpus, whenever the fast
//! path returns a value, the reference parser (serde-saphyr) returns an identical one, spans
//! included (`topobook::topology::yaml::differential`). The corpus: every YAML file of the
//! repository, the registry's examples and fixes, and variants generated from them (other
//! styles, indentation, quoting, comments, truncations, random edits from a fixed seed).
//! The test prints how many inputs took the fast path.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

mod emit;
mod mutate;
mod probe;
mod rng;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use topobook::topology::model::Topology;
use topobook::topology::yaml::differential::{self, Path as Taken};
use topobook::topology::yaml::{Sp, reference_from_str};

use emit::{Emitter, Quote, Style};
use probe::{TYPED_FIELDS, Tree, Typed};
use rng::Rng;

/// Results per corpus category.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<&'static str, (usize, usize)>,
    mismatches: Vec<String>,
}

impl Tally {
    fn run<T: DeserializeOwned + Debug>(&mut self, category: &'static str, text: &str) -> Taken {
        let entry = self.counts.entry(category).or_default();
        entry.0 += 1;
        match differential::check::<T>(text) {
            Ok(path) => {
                if path == Taken::Fast {
                    entry.1 += 1;
                }
                path
            }
            Err(m) => {
                if self.mismatches.len() < 10 {
                    self.mismatches.push(format!(
                        "[{category}] {} input {:?}\n{}",
                        std::any::type_name::<T>(),
                        text.chars().take(400).collect::<String>(),
                        first_difference(&m.fast, &m.reference)
                    ));
                }
                Taken::Fast
            }
        }
    }

    /// Check as the model, as an untyped tree with spans everywhere.
    fn both(&mut self, category: &'static str, text: &str) -> Taken {
        self.run::<Sp<Tree>>(category, text);
        self.run::<Topology>(category, text)
    }

    fn report(&self) {
        eprintln!("{:<14} {:>8} {:>8} {:>7}", "corpus", "inputs", "fast", "share");
        for (category, (n, fast)) in &self.counts {
            eprintln!("{category:<14} {n:>8} {fast:>8} {:>6.1}%", 100.0 * *fast as f64 / (*n).max(1) as f64);
        }
        assert!(
            self.mismatches.is_empty(),
            "fast path and reference disagree:\n{}",
            self.mismatches.join("\n\n")
        );
    }

    fn share(&self, category: &str) -> f64 {
        let (n, fast) = self.counts.get(category).copied().unwrap_or_default();
        fast as f64 / n.max(1) as f64
    }
}

/// The first differing line of two `Debug` outputs, with the lines before it.
fn first_difference(fast: &str, reference: &str) -> String {
    let (f, r): (Vec<&str>, Vec<&str>) = (fast.lines().collect(), reference.lines().collect());
    let at = f.iter().zip(&r).position(|(a, b)| a != b).unwrap_or(f.len().min(r.len()));
    let from = at.saturating_sub(6);
    let show = |v: &[&str]| v[from.min(v.len())..(at + 3).min(v.len())].join("\n");
    format!("--- fast:\n{}\n--- reference:\n{}", show(&f), show(&r))
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// A setting from the environment, for longer hunts than the default run:
/// `TOPOBOOK_DIFF_ROUNDS=200000 TOPOBOOK_DIFF_SEED=7 cargo test --test yaml_differential`.
fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The realistic corpus: every YAML file of the repository's tests and benchmarks, and the
/// registry's examples and fixes.
fn seeds() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&root.join("tests"), &mut files);
    yaml_files(&root.join("benches"), &mut files);
    let mut seeds: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            (p.strip_prefix(root).unwrap_or(p).display().to_string(), std::fs::read_to_string(p).unwrap())
        })
        .collect();
    for rule in topobook::rules::registry() {
        seeds.push((format!("{} example", rule.id), rule.example.to_string()));
        seeds.push((format!("{} fix", rule.id), rule.fix.to_string()));
    }
    assert!(seeds.len() > 20, "the corpus is too small: {}", seeds.len());
    seeds
}

#[test]
fn realistic_blocks_take_the_fast_path_and_agree() {
    let mut tally = Tally::default();
    let mut slow = Vec::new();
    for (name, text) in seeds() {
        if tally.both("seeds", &text) != Taken::Fast {
            slow.push(name);
        }
    }
    tally.report();
    assert!(slow.is_empty(), "realistic blocks that miss the fast path: {slow:?}");
}

#[test]
fn generated_variants_agree() {
    let mut tally = Tally::default();
    let mut rng = Rng::new(env("TOPOBOOK_DIFF_SEED", 0x7090_b00c));
    let seeds = seeds();
    for (_, text) in &seeds {
        for k in [2, 3, 4] {
            tally.both("reindented", &mutate::reindent(text, k));
        }
        tally.both("crlf", &mutate::crlf(text));
        tally.both("commented", &mutate::comment_everything(text));
        let Ok(tree) = reference_from_str::<Sp<Tree>>(text) else { continue };
        for i in 0..24 {
            let style = Style {
                flow_from: [0, 1, 2, 3, 9][i % 5],
                indent: 1 + i % 4,
                seq_same_indent: i % 3 == 0,
                compact: i % 4 != 1,
                multiline_flow: i % 6 == 5,
                quote: [Quote::Plain, Quote::Random, Quote::Single, Quote::Double, Quote::Escaped][i % 5],
                comments: i % 2 == 1,
            };
            let text = Emitter::new(style, &mut rng).document(&tree.value);
            tally.both("restyled", &text);
        }
    }
    tally.report();
    for category in ["reindented", "crlf", "commented", "restyled"] {
        assert!(tally.share(category) > 0.5, "too few `{category}` variants take the fast path");
    }
}

#[test]
fn truncations_and_random_edits_agree() {
    let mut tally = Tally::default();
    let seeds = seeds();
    // Block-style realistic files: a prefix of a flow-heavy file is mostly an unclosed bracket,
    // which only the reference reads.
    let small: Vec<&(String, String)> = seeds
        .iter()
        .filter(|(n, t)| n.starts_with("tests/fixtures/yaml/") && t.len() < 4000)
        .take(6)
        .collect();
    assert!(small.len() >= 3, "too few block-style files to truncate");
    for (_, text) in &small {
        for prefix in mutate::truncations(text) {
            tally.both("truncated", prefix);
        }
    }
    let mut rng = Rng::new(env("TOPOBOOK_DIFF_SEED", 42));
    for round in 0..env("TOPOBOOK_DIFF_ROUNDS", 6000) as usize {
        let (_, seed) = &seeds[round % seeds.len()];
        let mut text = seed.clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate::random_edit(&text, &mut rng);
        }
        tally.both("random-edits", &text);
    }
    tally.report();
    // Most prefixes end inside a key (an unknown key: an error, so the reference decides);
    // these floors only guard against the fast path silently never running.
    assert!(tally.share("truncated") > 0.15);
    assert!(tally.share("random-edits") > 0.1);
}

/// Scalar spellings: numbers in every radix and sign, floats, booleans, nulls, quoting and
/// escapes, strings that look like other types, collections.
const SCALARS: &[&str] = &[
    "0",
    "1",
    "-1",
    "+1",
    "-0",
    "00",
    "010",
    "-010",
    "+010",
    "0x1F",
    "0X1F",
    "0x1f",
    "-0x1F",
    "0o17",
    "0O17",
    "0b101",
    "0B101",
    "0x",
    "1_000",
    "_1",
    "1_",
    "1__0",
    "0x_1",
    "255",
    "256",
    "-128",
    "-129",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "170141183460469231731687303715884105727",
    "170141183460469231731687303715884105728",
    "340282366920938463463374607431768211455",
    "340282366920938463463374607431768211456",
    "1.5",
    "-1.5",
    ".5",
    "1.",
    "+.5",
    "-.5",
    "1e3",
    "1E3",
    "-1e-3",
    "1e39",
    "1e999",
    "-1e999",
    ".inf",
    "-.inf",
    "+.inf",
    ".Inf",
    ".INF",
    ".nan",
    ".NaN",
    "-.nan",
    "+.nan",
    "inf",
    "nan",
    "NaN",
    "Infinity",
    "1_0.5",
    "0.1e1_0",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "tRUE",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "",
    "Tcp",
    "Udp",
    "*",
    "tcp",
    "Any",
    "29876-29877",
    "2020-10",
    "2027-06-30",
    "10.0.0.0/24",
    "a",
    "é",
    "ab",
    "x y",
    "a:b",
    "a#b",
    "a # b",
    "http://x.y/z",
    "-x",
    "--",
    "-5x",
    "a  ",
    "'1'",
    "\"1\"",
    "'true'",
    "\"null\"",
    "''",
    "\"\"",
    "' x '",
    "\" true \"",
    "\" 1 \"",
    "\"\\x41\"",
    "\"\\u00e9\"",
    "\"\\U0001F600\"",
    "\"\\t\"",
    "\"\\n\"",
    "\"\\N\"",
    "\"\\_\"",
    "\"\\L\"",
    "\"\\P\"",
    "\"\\e\"",
    "\"\\0\"",
    "\"\\a\\b\\v\\f\\r\"",
    "\"\\/\"",
    "\"\\ \"",
    "\"\\q\"",
    "\"\\ud800\"",
    "\"\\U00110000\"",
    "'it''s'",
    "\"a\\\"b\"",
    "\"a\\\\b\"",
    "'*'",
    "\"Tcp\"",
    "'29876-29877'",
    "[]",
    "{}",
    "[1, 2]",
    "[a, '1']",
    "{a: 1}",
    "[80, \"443\", 29876-29877]",
    "[1, -1]",
    "[x, ~, '']",
    "[[1]]",
    "{a: , b: }",
    "[a,]",
    "{a: 1,}",
    "[ ]",
    "{ }",
];

#[test]
fn scalar_resolution_agrees_for_every_type() {
    let mut tally = Tally::default();
    for scalar in SCALARS {
        for field in TYPED_FIELDS {
            tally.run::<Typed>("typed", &format!("{field}: {scalar}\n"));
            tally.run::<Typed>("typed", &format!("{{{field}: {scalar}}}\n"));
        }
        tally.run::<Sp<Tree>>("untyped", &format!("v: {scalar}\n"));
        tally.run::<Sp<Tree>>("untyped", &format!("- {scalar}\n"));
        tally.run::<Sp<Tree>>("untyped", &format!("[{scalar}]\n"));
        tally.run::<Sp<Tree>>("untyped", &format!("{scalar}\n"));
        tally.run::<Sp<Tree>>("untyped", &format!("{scalar}: v\n"));
        tally.run::<BTreeMap<String, Sp<Tree>>>("untyped", &format!("{scalar}: v\nk: {scalar}\n"));
    }
    tally.report();
    assert!(tally.share("typed") > 0.3 && tally.share("untyped") > 0.5);
}

#[test]
fn layouts_and_spans_agree() {
    let mut tally = Tally::default();
    let cases = [
        "a: plain text  # c\nb: \"dq \\\" x\"\nc: 'sq '' x'\nd:\ne: ~\n",
        "f:\n  - x\n  -   y\n  - - n1\n    - n2\n  - k: v\n    k2: v2\n",
        "g: {a: 1, b: [x, \"y\"], c: }\nh: [ a , {k: v} ]\n\"q\": 1\ni:\n  j: k\nl: [ ]\nm: { }\n",
        "a:   \nb:  # c\nc: [a, ]\nd: {a: 1,}\nf: é ü\ng: \"é\"\nh: {x: , y: }\ni: [x,\n  y]\nj:",
        "key:\n- a\n- b\nnext: 1\n",
        "- a:\n  - x\n- b:\n- c\n",
        "a : 1\n\"b\" : 2\n'c':   3\n",
        "  a: 1\n  b:\n    - x\n",
        "a:\n  b\nc: 1\n",
        "a:\n  \"b\"  # q\nc: 1\n",
        "-\n  a: 1\n-\n  - x\n",
        "a: [x, # c\n  y]\n",
        "[a,\nb]\n",
        "a: [\n  x,\n]\n",
        "a: {x: 1,\n  y: 2\n}\n",
        "a:b: c\nd: e:f\n",
        "a: x, y\nb: a[0]\nc: -5\nd: --x\n",
        "a: b: c\n",
        "a: - b\n",
        "a: [x]: y\n",
        "[a]: b\n",
        "a: \"b\"#c\n",
        "a: 1\na: 2\n",
        "a: 1\n\"a\": 2\n",
        "1: a\n0x1: b\n",
        "~: a\n",
        "? a\n: b\n",
        "a: &x 1\nb: *x\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: !!str 1\n",
        "a: b\n  c\n",
        "a: 'b\n  c'\n",
        "a:\tb\n",
        "\u{feff}a: b\n",
        "{a: b}\n",
        "[{a: b}, [c]]\n",
        "plain root\n",
        "\"quoted root\"\n",
        "",
        "# only a comment\n",
        "a:\n# c\n  b: 1\n",
        "a: {b: {c: {d: [e, {f: g}]}}}\n",
        "a:\n  <<: {b: 1}\n  c: 2\n",
        "a: {<<: {b: 1}}\n",
        "a:\n  \"<<\": {b: 1}\n  '<<': 2\n",
        "a:\n  '<<': {b: 1}\n",
        "key:\n-\n  a: 1\n- b\n",
        "key:\n-   # c\n  # d\n\n  a: 1\n",
        "key:\r\n-\r\n  a: 1\r\n",
        "key:\r\n- # c\r\n  - x\r\n",
        "key:\n-\n  [a, b]\n",
        "key:\n- \"q\"\n",
        "- a\n-\n  b\n",
    ];
    for case in cases {
        tally.both("layouts", case);
        tally.run::<BTreeMap<String, Sp<Tree>>>("layouts", case);
    }
    tally.report();
}

#[test]
fn budgets_and_hostile_input_agree() {
    let mut tally = Tally::default();
    for depth in [10, 31, 32, 33, 63, 64, 65, 200, 100_000] {
        tally.run::<Sp<Tree>>("hostile", &format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        let nested: String = (0..depth.min(300)).map(|d| format!("{}k{d}:\n", " ".repeat(d))).collect();
        tally.run::<Sp<Tree>>("hostile", &nested);
    }
    for comments in [15, 16, 17, 31, 32, 33, 40] {
        let run = "  # c\n".repeat(comments);
        tally.run::<Sp<Tree>>("hostile", &format!("a:\n{run}  b: 1\n"));
        tally.run::<Sp<Tree>>("hostile", &format!("a: # c\n{run}b: 1\n"));
        tally.run::<Sp<Tree>>("hostile", &format!("- # c\n{run}  - x\n"));
        tally.run::<Sp<Tree>>("hostile", &format!("a: 1\n{run}b: 1\n"));
    }
    for len in [500, 511, 512, 513, 1023, 1024, 1025, 2000] {
        tally.run::<Sp<Tree>>("hostile", &format!("{}: v\n", "k".repeat(len)));
        tally.run::<Sp<Tree>>("hostile", &format!("{{{}: v}}\n", "k".repeat(len)));
        tally.run::<Sp<Tree>>("hostile", &format!("k: {}\n", "v".repeat(len * 100)));
        tally.run::<Sp<Tree>>("hostile", &format!("[{}]\n", "v".repeat(len)));
        tally.run::<Sp<Tree>>("hostile", &format!("{{k: {}}}\n", "v".repeat(len)));
        tally.run::<Sp<Tree>>("hostile", &format!("- \"{}\"\n", "v".repeat(len)));
    }
    let many = "- x\n".repeat(100_000);
    tally.run::<Sp<Tree>>("hostile", &many);
    let lines: String = (0..100_000).map(|i| format!("k{i}: v\n")).collect();
    tally.run::<Sp<Tree>>("hostile", &lines);
    tally.run::<Sp<Tree>>("hostile", &format!("{}a: 1\n", "#\n".repeat(1_500_000)));
    tally.run::<Sp<Tree>>("hostile", &format!("a: [{}x]\n", "x,".repeat(260_000)));
    let dup_late: String =
        (0..1000).map(|i| format!("k{i}: v\n")).chain(["k7: again\n".to_string()]).collect();
    tally.run::<Sp<Tree>>("hostile", &dup_late);
    tally.report();
}
