//! Stage 6, `render`: pages to HTML. Templates (minijinja, strict, everything escaped) from the
//! theme, code highlighted at build time, topology blocks through [`topology::block_html`],
//! plus the shared sidebar, the search index, the sitemap and the status page.

pub mod contrast;
pub mod highlight;
pub mod nav;
pub mod search;
pub mod topology;
pub mod yaml;

use std::sync::{Arc, Mutex};

use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::check::BlockReport;
use crate::diag::{Diagnostic, Location, ToolCode};
use crate::escape;
use crate::load::Theme;
use crate::markdown::{Fragment, ParsedPage};

/// The compiled templates of a theme.
pub struct Renderer {
    env: Environment<'static>,
    /// The topology block's templates (`block/figure.html` and what it includes), in an
    /// environment of their own that keeps each template's last newline.
    blocks: Environment<'static>,
    /// The built-in block templates, when the book overrides one: what renders a block when
    /// an override fails.
    builtin_blocks: Option<Environment<'static>>,
    /// Block templates that failed while rendering: reported once each.
    block_errors: Mutex<BlockErrors>,
    /// Template name → the book file that overrides it and its text (for error locations).
    origins: std::collections::HashMap<String, (Arc<str>, Arc<str>)>,
    /// Every overriding template file and its text, compiled or not (for code frames).
    overrides: Vec<(Arc<str>, Arc<str>)>,
}

#[derive(Default)]
struct BlockErrors {
    seen: std::collections::HashSet<String>,
    pending: Vec<Diagnostic>,
}

/// The template that draws a topology block; it includes `block/panel.html` and
/// `block/source.html`.
pub const BLOCK_TEMPLATE: &str = "block/figure.html";

/// Is `name` one of the block templates (rendered by [`Renderer::render_block`])?
fn is_block_template(name: &str) -> bool {
    name.starts_with("block/")
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

/// A template environment as topobook sets them up: strict undefined, everything escaped
/// by [`escape::html`], the `code` filter.
fn environment() -> Environment<'static> {
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
            let written = match value.as_str() {
                Some(text) => escape::html_write(out, text),
                // Numbers and booleans hold nothing to escape.
                None if matches!(value.kind(), ValueKind::Number | ValueKind::Bool) => write!(out, "{value}"),
                None => escape::html_write(out, &value.to_string()),
            };
            written.map_err(minijinja::Error::from)
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    // `{{ text | code }}`: escape, and turn `backtick` spans into `<code>` (messages
    // name things in backticks).
    env.add_filter("code", |text: String| minijinja::Value::from_safe_string(topology::inline_code(&text)));
    env
}

/// The environment for the block templates.
fn block_environment() -> Environment<'static> {
    let mut env = environment();
    // The default syntax with each template's last newline kept; building it cannot fail.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build() {
        env.set_syntax(syntax);
    }
    env
}

impl Renderer {
    /// Compile every template of `theme`. A broken override is a diagnostic and the built-in
    /// template is used instead, so the rest of the book still renders.
    pub fn new(theme: &Theme) -> (Renderer, Vec<Diagnostic>) {
        let mut env = environment();
        let mut blocks = block_environment();
        let mut diags = Vec::new();
        let mut origins = std::collections::HashMap::new();
        let builtin = crate::load::theme::builtin();
        let mut overrides = Vec::new();
        let mut builtin_blocks = None;
        for (name, file) in theme.templates() {
            let source = String::from_utf8_lossy(&file.bytes).into_owned();
            let env = if is_block_template(name) { &mut blocks } else { &mut env };
            if let Some(o) = &file.overridden_by {
                overrides.push((o.clone(), Arc::from(source.as_str())));
                if is_block_template(name) && builtin_blocks.is_none() {
                    builtin_blocks = Some(builtin_block_environment(&builtin));
                }
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
        let renderer =
            Renderer { env, blocks, builtin_blocks, block_errors: Mutex::default(), origins, overrides };
        (renderer, diags)
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

    /// The diagnostic of a failed render of `name`, pointing at the innermost template that
    /// failed (an included one, if that is where it happened).
    fn render_error(&self, e: &minijinja::Error, name: &str) -> (String, Diagnostic) {
        let mut inner = e;
        while let Some(next) =
            std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
        {
            inner = next;
        }
        let failed = inner.name().unwrap_or(name).to_string();
        let (file, text) = self.template_file(&failed);
        let d = template_diag(inner, file, text, &format!("template `{failed}` failed"));
        (failed, d)
    }

    /// Render template `name` with `ctx`. An error points at the innermost template that
    /// failed (an included one, if that is where it happened).
    pub fn render<S: Serialize>(&self, name: &str, ctx: &S) -> Result<String, Box<Diagnostic>> {
        let tmpl = self.env.get_template(name).map_err(|e| {
            let (file, text) = self.template_file(name);
            Box::new(template_diag(&e, file, text, &format!("template `{name}` is missing")))
        })?;
        tmpl.render(value(ctx)).map_err(|e| Box::new(self.render_error(&e, name).1))
    }

    /// Render a topology block with the theme's [`BLOCK_TEMPLATE`]. When a book's override
    /// fails on this block, the built-in templates draw it and the failure is reported once
    /// (see [`Renderer::take_block_errors`]).
    pub fn render_block(&self, block: &topology::BlockView<'_>) -> String {
        let ctx = minijinja::context! { block => value(block) };
        let first = self.blocks.get_template(BLOCK_TEMPLATE).and_then(|t| t.render(&ctx));
        let e = match first {
            Ok(html) => return html,
            Err(e) => e,
        };
        self.block_failed(&e);
        let Some(builtin) = &self.builtin_blocks else { return String::new() };
        builtin.get_template(BLOCK_TEMPLATE).and_then(|t| t.render(&ctx)).unwrap_or_else(|e| {
            self.block_failed(&e);
            String::new()
        })
    }

    fn block_failed(&self, e: &minijinja::Error) {
        let (name, d) = self.render_error(e, BLOCK_TEMPLATE);
        let mut errors = self.block_errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if errors.seen.insert(name) {
            errors.pending.push(d);
        }
    }

    /// The block templates that failed since the last call, each reported once for the life
    /// of the renderer (the blocks they failed on were drawn by the built-in templates).
    pub fn take_block_errors(&self) -> Vec<Diagnostic> {
        let mut errors = self.block_errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut errors.pending)
    }
}

/// The built-in block templates alone.
fn builtin_block_environment(builtin: &Theme) -> Environment<'static> {
    let mut env = block_environment();
    for (name, file) in builtin.templates().filter(|(n, _)| is_block_template(n)) {
        let _ = env.add_template_owned(name.to_string(), String::from_utf8_lossy(&file.bytes).into_owned());
    }
    env
}

/// A template value from anything serialisable.
pub fn value<S: Serialize>(v: S) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

/// Everything the body of one page needs besides its parsed form.
pub struct BodyContext<'a> {
    /// The theme's templates (topology blocks are drawn by `block/figure.html`).
    pub renderer: &'a Renderer,
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
    let class =
        if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape::html(lang)) };
    // A long line scrolls the block sideways: the keyboard reaches it (tabindex), and a
    // screen reader names it.
    let label = if lang.is_empty() { "Code".to_string() } else { format!("Code ({})", escape::html(lang)) };
    format!(
        "<div class=\"code-block\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\" title=\"Copy\">Copy</button><pre class=\"hl-code\" tabindex=\"0\" role=\"group\" aria-label=\"{label}\"><code{class}>{}</code></pre></div>\n",
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
                topology::block_html(cx.renderer, report, &yaml, &ctx)
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
        let (renderer, _) = Renderer::new(&crate::load::theme::builtin());
        let cx = BodyContext {
            renderer: &renderer,
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
