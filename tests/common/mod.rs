//! Helpers for the integration tests: copy a book from `tests/books/` to a temporary folder,
//! run the real binary on it, and cut fragments out of the HTML.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stderr: String,
    pub dir: tempfile::TempDir,
}

impl Run {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// A file of the built site, as text.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.site().join(path))
            .unwrap_or_else(|e| panic!("cannot read `{path}`: {e}"))
    }

    /// The diagnostics without the timing of the summary line.
    pub fn diagnostics(&self) -> String {
        without_time(&self.stderr)
    }
}

/// `stderr` of `build` without the timing of its summary line.
pub fn without_time(stderr: &str) -> String {
    stderr
        .lines()
        .map(|l| match l.find(" in ") {
            Some(i) if l.starts_with("built ") => {
                let rest = &l[i + 4..];
                let after = rest.find([' ', ':']).map(|j| &rest[j..]).unwrap_or("");
                format!("{} in <time>{after}", &l[..i])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A fresh copy of `tests/books/<name>`.
pub fn book(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books").join(name), dir.path());
    dir
}

pub fn topobook(args: &[&str], cwd: Option<&Path>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_topobook"));
    cmd.args(args).env("NO_COLOR", "1");
    if let Some(c) = cwd {
        cmd.current_dir(c);
    }
    let out = cmd.output().expect("run topobook");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Build a copy of `tests/books/<name>`.
pub fn build(name: &str) -> Run {
    let dir = book(name);
    rebuild(dir)
}

/// Build the book in `dir`.
pub fn rebuild(dir: tempfile::TempDir) -> Run {
    let (code, _, stderr) = topobook(&["build", &dir.path().to_string_lossy()], None);
    Run { code, stderr, dir }
}

/// The text between `start` (included) and the first `end` after it (included).
pub fn fragment(html: &str, start: &str, end: &str) -> String {
    let i = html.find(start).unwrap_or_else(|| panic!("`{start}` not found in:\n{html}"));
    let rest = &html[i..];
    let j = rest.find(end).unwrap_or_else(|| panic!("`{end}` not found after `{start}`"));
    rest[..j + end.len()].to_string()
}

/// Validate a JSON value against a JSON Schema file of the repository (path relative to the
/// crate root), with format assertions on.
pub fn validate_json(schema: &str, instance: &serde_json::Value) -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(schema);
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let index = compiler
        .compile(path.to_str().expect("utf-8 path"), &mut schemas)
        .map_err(|e| format!("schema {schema} does not compile: {e:#}"))?;
    schemas.validate(instance, index).map_err(|e| format!("{e:#}"))
}

/// `html` with every inline `<svg>…</svg>` replaced by `<svg …/>` (the diagrams have their
/// own snapshots).
pub fn without_svg(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<svg ") {
        out.push_str(&rest[..i]);
        out.push_str("<svg …/>");
        rest = match rest[i..].find("</svg>") {
            Some(j) => &rest[i + j + 6..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}
