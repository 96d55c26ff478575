//! Hostile pages through the real binary: alias bombs, 100,000-level nesting, a 50 MB page, a
//! 100,000-line block, invalid UTF-8, NUL bytes, CRLF, tabs, BOMs, 10 MB lines, include bombs,
//! unclosed fences and fences in fences. Each case is one page in a small book beside two
//! good pages; `check` and `build` run on it with their wall time and peak memory measured
//! (`/proc`). Each must: report the problem at a file, line and column (the short report is
//! snapshotted), finish within the case's bound and memory limit, never panic, and still
//! render the other pages (the pipeline is run in process too, into memory, since a build
//! with errors publishes nothing). `cargo test --test hostile -- --nocapture` prints the
//! figures.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use topobook::output::MemoryOutput;
use topobook::site::{Site, SiteOptions};

/// Peak memory allowed to any one run (the largest measured is about 200 MiB, a debug
/// build on the 100,000-line block).
const MAX_PEAK_MIB: u64 = 1024;

struct Case {
    name: &'static str,
    /// File name under `content/`.
    file: &'static str,
    bytes: Vec<u8>,
    /// Extra files under `content/` (included ones).
    extra: Vec<(String, Vec<u8>)>,
    /// Wall time allowed to each run. Measured in a debug build on a loaded 2-core machine,
    /// then multiplied by about ten: the point is "no hang", not speed.
    bound: Duration,
    /// Does `build` succeed (warnings at most)?
    builds: bool,
}

struct Measured {
    code: i32,
    stdout: String,
    stderr: String,
    wall: Duration,
    peak_mib: u64,
}

/// Run the binary in `dir` and measure it: wall time, and peak resident memory (`VmHWM`,
/// sampled every few milliseconds from `/proc` until the process exits; the kernel's own
/// figure from `wait4` would count the test process's memory copied at fork time).
fn measure(args: &[&str], dir: &Path) -> Measured {
    let out_path = dir.join(".stdout");
    let err_path = dir.join(".stderr");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_topobook"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(File::create(&out_path).expect("stdout file")))
        .stderr(Stdio::from(File::create(&err_path).expect("stderr file")))
        .spawn()
        .expect("the binary runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        let hwm = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        peak_kib = peak_kib.max(hwm.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = started.elapsed();
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Measured {
        code: status.code().unwrap_or(-1),
        stdout: read(&out_path),
        stderr: read(&err_path),
        wall,
        peak_mib: peak_kib / 1024,
    }
}

fn topo(yaml: &str) -> Vec<u8> {
    format!("# Block\n\n```yaml topology\n{yaml}```\n").into_bytes()
}

/// A key vault that fails AML-KV-001 and AML-KV-002 (findings with known places).
const FAILING_KV: &str = "key_vaults:\n  - name: kv\n    network: {default_action: Deny, bypass: [None]}\n";

fn cases() -> Vec<Case> {
    const N: usize = 100_000;
    let s = Duration::from_secs;
    let case = |name, file, bytes: Vec<u8>, secs, builds| Case {
        name,
        file,
        bytes,
        extra: Vec::new(),
        bound: s(secs),
        builds,
    };
    let mut laughs =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = 'a';
    for c in "bcdefghi".chars() {
        let refs = vec![format!("*{prev}"); 9].join(",");
        laughs.push_str(&format!("{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    // A 100,000-line block: 25,000 subnets of four lines (accepted, checked and drawn), and
    // 50,000 of two lines (over the block's budget of values).
    let subnets = |lines_each: usize| {
        let mut y = String::from("vnets:\n  - name: v\n    address_space: [10.0.0.0/8]\n    subnets:\n");
        for i in 0..N / lines_each {
            y.push_str(&format!(
                "      - name: s{i}\n        prefix: 10.{}.{}.0/24\n",
                i / 256 % 256,
                i % 256
            ));
            if lines_each == 4 {
                y.push_str("        nsg: n\n        route_table: r\n");
            }
        }
        y
    };
    let lazy = "lazy continuation line\n".repeat(20_000);
    let mut bomb = case("include_bomb", "bomb.md", b"# Bomb\n\n{{#include b0.txt}}\n".to_vec(), 120, false);
    for i in 0..10 {
        let body = if i == 9 {
            format!("{}\n", "lorem ipsum ".repeat(80)).repeat(10)
        } else {
            format!("{{{{#include b{}.txt}}}}\n", i + 1).repeat(10)
        };
        bomb.extra.push((format!("b{i}.txt"), body.into_bytes()));
    }
    vec![
        case("alias_bomb", "bomb.md", topo(&laughs), 60, false),
        case("yaml_flow_nesting", "flow.md", topo(&format!("vnets: {}{}\n", "[".repeat(N), "]".repeat(N))), 60, false),
        case("yaml_block_nesting", "block.md", topo(&format!("vnets:\n{}x\n", "- ".repeat(N))), 60, false),
        case("markdown_quote_nesting", "quote.md", format!("# Q\n\n{} x\n{lazy}", ">".repeat(N)).into_bytes(), 60, false),
        case("markdown_list_nesting", "list.md", format!("# L\n\n{}x\n{lazy}", "- ".repeat(N)).into_bytes(), 60, false),
        case("html_nesting", "html.md", format!("# H\n\n{}\n", "<div>".repeat(N)).into_bytes(), 60, false),
        case(
            "page_50_mb",
            "big.md",
            format!("# Big\n\n{}", format!("{}\n", "lorem ipsum dolor sit amet ".repeat(3)).repeat((50 << 20) / 82 + 1))
                .into_bytes(),
            60,
            false,
        ),
        case("block_100k_lines_accepted", "lines.md", topo(&subnets(4)), 180, true),
        case("block_100k_lines_refused", "lines.md", topo(&subnets(2)), 180, false),
        case("invalid_utf8", "utf8.md", b"# U\n\nfine line\nbad \xff\xfe here\n".to_vec(), 60, false),
        case(
            "nul_bytes",
            "nul.md",
            b"# N\0ul\n\ntext \0 and `co\0de` <b title=\"\0\">x</b>\n\n```yaml topology\nkey_vaults:\n  - name: \"kv\0\"\n```\n"
                .to_vec(),
            60,
            false,
        ),
        case(
            "crlf_and_mixed_endings",
            "crlf.md",
            b"# C\r\n\r\ntext\r\nmore\n\r\n```yaml topology\r\nkey_vaults:\r\n  - name: kv\r\n    network: {default_action: Deny, bypass: [None]}\n```\r\n"
                .to_vec(),
            60,
            false,
        ),
        case(
            "tabs",
            "tabs.md",
            b"# T\n\n\tindented code\n\n- a\n\t- b\n\n```yaml topology\nkey_vaults:\n\t- name: kv\n```\n".to_vec(),
            60,
            false,
        ),
        case(
            "bom",
            "bom.md",
            "\u{FEFF}---\ntitle: Byte order mark\n---\n\n# B\n\n```yaml topology\n\u{FEFF}key_vaults:\n  - name: kv-open\n```\n"
                .as_bytes()
                .to_vec(),
            60,
            true,
        ),
        case(
            "line_of_10_mb",
            "line.md",
            format!("# L\n\n{}\n\n```yaml topology\n{FAILING_KV}```\n", "x".repeat(10 << 20)).into_bytes(),
            120,
            false,
        ),
        case("yaml_line_of_10_mb", "yline.md", topo(&format!("key_vaults: [{}b]\n", "a,".repeat(5 << 20))), 60, false),
        case(
            "unclosed_fence",
            "open.md",
            b"# U\n\nBefore.\n\n```yaml topology\nkey_vaults:\n  - name: kv-open\n\n## After\n".to_vec(),
            60,
            true,
        ),
        case(
            "fence_in_fence",
            "nested.md",
            format!(
                "# F\n\n````markdown\n```yaml topology\nkey_vaults:\n  - name: not-checked\n```\n````\n\n```yaml topology\n{FAILING_KV}```\n"
            )
            .into_bytes(),
            60,
            false,
        ),
        bomb,
    ]
}

fn book(case: &Case) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).expect("content");
    // The snapshots follow the rules of profile 2020-10.
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"Hostile\"\n\n[check]\nprofile = \"2020-10\"\n",
    )
    .expect("book.toml");
    std::fs::write(
        content.join("good.md"),
        "# Good\n\n```yaml topology\nkey_vaults:\n  - name: kv-open\n```\n",
    )
    .expect("good");
    std::fs::write(content.join("other.md"), "# Other\n\nSee [the good page](good.md).\n").expect("other");
    std::fs::write(content.join(case.file), &case.bytes).expect("page");
    for (name, bytes) in &case.extra {
        std::fs::write(content.join(name), bytes).expect("extra");
    }
    dir
}

fn run_case(case: &Case) {
    let dir = book(case);
    let check = measure(&["check", "--format", "short", "."], dir.path());
    let build = measure(&["build", "."], dir.path());
    eprintln!(
        "{:<28} check {:>6.2}s {:>5} MiB · build {:>6.2}s {:>5} MiB (bound {}s)",
        case.name,
        check.wall.as_secs_f64(),
        check.peak_mib,
        build.wall.as_secs_f64(),
        build.peak_mib,
        case.bound.as_secs()
    );
    for (what, m) in [("check", &check), ("build", &build)] {
        assert!(!m.stderr.contains("panicked"), "{}: {what} panicked:\n{}", case.name, m.stderr);
        assert!(m.wall < case.bound, "{}: {what} took {:?}", case.name, m.wall);
        assert!(m.peak_mib < MAX_PEAK_MIB, "{}: {what} peaked at {} MiB", case.name, m.peak_mib);
    }
    // The problem, located, and nothing about the good pages.
    assert!(check.stdout.lines().all(|l| !l.starts_with("content/good.md")), "{}", check.stdout);
    insta::assert_snapshot!(format!("hostile_{}", case.name), check.stdout);
    assert_eq!(build.code, if case.builds { 0 } else { 1 }, "{}: {}", case.name, build.stderr);
    if case.builds {
        let site = dir.path().join("site");
        for p in ["good.html", "other.html", &case.file.replace(".md", ".html")] {
            assert!(site.join(p).is_file(), "{}: `{p}` not built", case.name);
        }
    }

    // The same pipeline in process: every page is rendered, the hostile one included.
    let mut site = Site::load(dir.path(), SiteOptions::default()).expect("the book loads");
    let out = MemoryOutput::new();
    site.build(&out);
    let html = |p: &str| out.get(p).map(|b| String::from_utf8_lossy(&b).into_owned());
    let good = html("good.html").unwrap_or_default();
    assert!(good.contains("<h1 id=\"good\">Good"), "{}: the good page was not rendered", case.name);
    assert!(html("other.html").is_some_and(|h| h.contains("href=\"good.html\"")), "{}", case.name);
    let hostile = html(&case.file.replace(".md", ".html")).unwrap_or_default();
    assert!(hostile.contains("</html>"), "{}: the page itself was not rendered", case.name);
    assert!(!hostile.contains('\0'), "{}: a NUL byte reached the HTML", case.name);
}

macro_rules! hostile {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            let case = cases().into_iter().find(|c| c.name == stringify!($name)).expect("a case of that name");
            run_case(&case);
        }
    )*};
}

hostile!(
    alias_bomb,
    yaml_flow_nesting,
    yaml_block_nesting,
    markdown_quote_nesting,
    markdown_list_nesting,
    html_nesting,
    page_50_mb,
    block_100k_lines_accepted,
    block_100k_lines_refused,
    invalid_utf8,
    nul_bytes,
    crlf_and_mixed_endings,
    tabs,
    bom,
    line_of_10_mb,
    yaml_line_of_10_mb,
    unclosed_fence,
    fence_in_fence,
    include_bomb,
);

#[test]
fn a_bom_before_front_matter_is_not_part_of_it() {
    let case = cases().into_iter().find(|c| c.name == "bom").expect("bom");
    let dir = book(&case);
    let build = measure(&["build", "."], dir.path());
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = std::fs::read_to_string(dir.path().join("site/bom.html")).expect("page");
    assert!(page.contains("<title>Byte order mark"), "the front matter was read");
    assert!(!page.contains("title: Byte order mark"), "the front matter is not shown as text");
}
