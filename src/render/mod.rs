//! Stage 6, `render`: pages to HTML. Templates (minijinja, strict, everything escaped) from the
//! theme, code highlighted at build time, topology blocks through [`topology::block_html`],
//! plus the shared sidebar, the search index, the sitemap and the status page.

pub mod highlight;
pub mod nav;
pub mod search;
pub mod topology;
pub mod yaml;

use std::sync::Arc;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::check::BlockReport;
use crate::diag::{Diagnostic, Location, ToolCode};
use crate::load::Theme;
use crate::markdown::{Fragment, ParsedPage, escape};

/// The compiled templates of a theme.
pub struct Renderer {
    env: Environment<'static>,
    /// Template name → the book file that overrides it and its text (for error locations).
    origins: std::collections::HashMap<String, (Arc<str>, Arc<str>)>,
    /// Every overriding template file and its text, compiled or not (for code frames).
    overrides: Vec<(Arc<str>, Arc<str>)>,
}

fn template_diag(err: &minijinja::Error, file: Arc<str>, text: Option<&str>, what: &str) -> Diagnostic {
    let line = err.line().unwrap_or(1).max(1);
    let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
    let location = match text {
        // With the text, the whole line is underlined in a code frame.
        Some(text) => {
            let index = crate::diag::LineIndex::new(text);
            let start = index.line_start(line - 1);
            let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
            index.location(file, text, start..end)
        }
        None => {
            let pos = crate::diag::Position { line: line as u32, column: 1 };
            Location { file, start: pos, end: pos, bytes: 0..0 }
        }
    };
    Diagnostic::error(ToolCode::Theme, format!("{what}: {}{detail}", err.kind()))
        .with_help("fix the template, or delete it to use the built-in one")
        .at(location)
}

impl Renderer {
    /// Compile every template of `theme`. A broken override is a diagnostic and the built-in
    /// template is used instead, so the rest of the book still renders.
    pub fn new(theme: &Theme) -> (Renderer, Vec<Diagnostic>) {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        // minijinja's HTML escaping also escapes `/`, which turns every URL into `..&#x2f;a.html`;
        // escape exactly the five characters that matter in text and quoted attributes.
        env.set_formatter(|out, state, value| {
            if *state.auto_escape() == AutoEscape::Html
                && !value.is_safe()
                && !value.is_none()
                && !value.is_undefined()
            {
                out.write_str(&escape(&value.to_string())).map_err(minijinja::Error::from)
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        // `{{ text | code }}`: escape, and turn `backtick` spans into `<code>` (messages
        // name things in backticks).
        env.add_filter("code", |text: String| {
            minijinja::Value::from_safe_string(topology::inline_code(&text))
        });
        let mut diags = Vec::new();
        let mut origins = std::collections::HashMap::new();
        let builtin = crate::load::theme::builtin();
        let mut overrides = Vec::new();
        for (name, file) in theme.templates() {
            let source = String::from_utf8_lossy(&file.bytes).into_owned();
            if let Some(o) = &file.overridden_by {
                overrides.push((o.clone(), Arc::from(source.as_str())));
            }
            match env.add_template_owned(name.to_string(), source) {
                Ok(()) => {
                    if let Some(o) = &file.overridden_by {
                        let text: Arc<str> = String::from_utf8_lossy(&file.bytes).into();
                        origins.insert(name.to_string(), (o.clone(), text));
                    }
                }
                Err(e) => {
                    let origin =
                        file.overridden_by.clone().unwrap_or_else(|| format!("templates/{name}").into());
                    let text = String::from_utf8_lossy(&file.bytes);
                    let what = format!("template `{name}` does not compile");
                    diags.push(template_diag(&e, origin, Some(&text), &what));
                    if let Some(b) = builtin.get(&format!("templates/{name}")) {
                        let _ = env.add_template_owned(
                            name.to_string(),
                            String::from_utf8_lossy(&b.bytes).into_owned(),
                        );
                    }
                }
            }
        }
        (Renderer { env, origins, overrides }, diags)
    }

    /// The book file of a template and its text, for error locations.
    fn template_file(&self, name: &str) -> (Arc<str>, Option<&str>) {
        match self.origins.get(name) {
            Some((path, text)) => (path.clone(), Some(&**text)),
            None => (format!("templates/{name}").into(), None),
        }
    }

    /// Paths and texts of the book's template overrides (for code frames).
    pub fn override_sources(&self) -> impl Iterator<Item = (&Arc<str>, &Arc<str>)> {
        self.overrides.iter().map(|(p, t)| (p, t))
    }

    /// Render template `name` with `ctx`. An error points at the innermost template that
    /// failed (an included one, if that is where it happened).
    pub fn render<S: Serialize>(&self, name: &str, ctx: &S) -> Result<String, Box<Diagnostic>> {
        let tmpl = self.env.get_template(name).map_err(|e| {
            let (file, text) = self.template_file(name);
            Box::new(template_diag(&e, file, text, &format!("template `{name}` is missing")))
        })?;
        tmpl.render(value(ctx)).map_err(|e| {
            let mut inner = &e;
            while let Some(next) =
                std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
            {
                inner = next;
            }
            let failed = inner.name().unwrap_or(name).to_string();
            let (file, text) = self.template_file(&failed);
            Box::new(template_diag(inner, file, text, &format!("template `{failed}` failed")))
        })
    }
}

/// A template value from anything serialisable.
pub fn value<S: Serialize>(v: S) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

/// Everything the body of one page needs besides its parsed form.
pub struct BodyContext<'a> {
    pub reports: &'a [BlockReport],
    /// Page line of the first YAML line of each block (same order as `reports`).
    pub first_lines: &'a [u32],
    pub page_path: &'a str,
    pub root: &'a str,
    /// Book path of the page's Markdown file (`content/guide/a.md`).
    pub source_path: &'a str,
    /// The author's image of each block with `figure=` (same order as `reports`).
    pub figures: &'a [Option<topology::Figure>],
    /// Clean the author's HTML with ammonia (`output.html.sanitize`).
    pub sanitize: bool,
}

/// Rust blocks hide the lines that rustdoc hides (`# line`, a lone `#`), as mdBook shows
/// them by default; `##` stands for a literal `#`.
fn visible_rust(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("##") {
            let indent = &line[..line.len() - t.len()];
            out.push_str(indent);
            out.push_str(&t[1..]);
        } else if t == "#\n" || t == "#" || t == "#\r\n" || t.starts_with("# ") {
            continue;
        } else {
            out.push_str(line);
        }
    }
    out
}

fn code_html(lang: &str, code: &str) -> String {
    let shown;
    let code = if lang == "rust" {
        shown = visible_rust(code);
        shown.as_str()
    } else {
        code
    };
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(lang)) };
    format!(
        "<div class=\"code-block\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\" title=\"Copy\">Copy</button><pre class=\"hl-code\"><code{class}>{}</code></pre></div>\n",
        highlight::highlight(lang, code)
    )
}

fn fragment_html(f: &Fragment, cx: &BodyContext<'_>) -> String {
    match f {
        Fragment::Html(h) => h.clone(),
        Fragment::Code { lang, code } => code_html(lang, code),
        Fragment::Topology(i) => match cx.reports.get(*i) {
            Some(report) => {
                let ctx = topology::BlockContext {
                    page_path: cx.page_path,
                    root: cx.root,
                    first_line: cx.first_lines.get(*i).copied().unwrap_or(1),
                    source_path: cx.source_path,
                    figure: cx.figures.get(*i).and_then(Option::as_ref),
                };
                let yaml = highlight::highlight("yaml", &report.source.yaml);
                let mut html = topology::block_html(report, &yaml, &ctx);
                // The copy button goes on the YAML like on every code block.
                html = html.replacen(
                    "<div class=\"code-block\">",
                    "<div class=\"code-block\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\" title=\"Copy\">Copy</button>",
                    1,
                );
                html
            }
            None => String::new(),
        },
    }
}

/// A marker for a trusted fragment while the author's HTML is sanitised (private-use code
/// points, which the sanitiser keeps as text).
fn marker(n: usize) -> String {
    format!("\u{E000}tb{n}\u{E001}")
}

/// The HTML of a page body.
pub fn body_html(page: &ParsedPage, cx: &BodyContext<'_>) -> String {
    if !cx.sanitize {
        let mut out = String::new();
        for f in &page.body {
            out.push_str(&fragment_html(f, cx));
        }
        return out;
    }
    let mut author = String::new();
    let mut trusted = Vec::new();
    for f in &page.body {
        match f {
            Fragment::Html(h) => author.push_str(h),
            other => {
                author.push_str(&marker(trusted.len()));
                trusted.push(fragment_html(other, cx));
            }
        }
    }
    let mut clean = sanitizer().clean(&author).to_string();
    for (n, html) in trusted.iter().enumerate() {
        clean = clean.replacen(&marker(n), html, 1);
    }
    clean
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["class", "id", "role", "aria-label", "title"]);
    b.add_tags(["input", "figure", "figcaption"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled"]);
    b.add_tag_attributes("a", ["href", "title"]);
    b.link_rel(None);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_blocks_hide_rustdoc_lines() {
        assert_eq!(
            visible_rust("# fn main() {\n    let x = 1;\n#[derive(Debug)]\n    ## not hidden\n#\n# }\n"),
            "    let x = 1;\n#[derive(Debug)]\n    # not hidden\n"
        );
    }

    #[test]
    fn sanitizing_keeps_our_markup_and_drops_scripts() {
        let page = crate::markdown::parse(
            &Arc::from("content/p.md"),
            "p.md",
            "# T\n\n<script>alert(1)</script>\n\n<p onclick=\"x()\">hi</p>\n\n```bash\necho <b>\n```\n",
            0,
        );
        let cx = BodyContext {
            reports: &[],
            first_lines: &[],
            page_path: "p.html",
            root: "",
            source_path: "content/p.md",
            figures: &[],
            sanitize: true,
        };
        let html = body_html(&page, &cx);
        assert!(!html.contains("<script") && !html.contains("onclick"), "{html}");
        assert!(html.contains("<h1 id=\"t\">T<a class=\"anchor\" href=\"#t\""), "{html}");
        assert!(html.contains("<button class=\"copy\""), "{html}");
        assert!(html.contains("&lt;</span>b<span"), "{html}");
    }
}
