//! `figure=` images. `load` listed the book's static files (`Book::assets`, copied into the
//! site as they are); an author's figure is one of them, named relative to its page. A figure
//! that is not there is a diagnostic at the fence line, and the block shows its generated
//! diagram alone.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::check::BlockReport;
use crate::diag::{Diagnostic, Severity, ToolCode, did_you_mean};
use crate::load::{Asset, LinkLevel};
use crate::markdown::Target;
use crate::markdown::links::classify;
use crate::render::topology::Figure;

use super::{PageState, Site, relocate};

/// Characters that cannot stand in a URL path as written.
const URL_PATH: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'#').add(b'?');

const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "avif"];

fn is_image(rel: &str) -> bool {
    rel.rsplit_once('.').is_some_and(|(_, ext)| IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The folder of a page, with a trailing `/` (empty at the root).
fn page_dir(page_rel: &str) -> &str {
    page_rel.rfind('/').map(|i| &page_rel[..=i]).unwrap_or("")
}

/// How `figure=` of `report` resolves for a page, against the book's static files.
fn resolve(
    page: &PageState,
    report: &BlockReport,
    assets: &[Asset],
    src_dir: &str,
    severity: Severity,
) -> Option<Figure> {
    let written = report.options.figure.as_deref()?;
    let problem = |message: String, help: String| {
        let mut d = Diagnostic::new(severity, ToolCode::MissingFigure, message)
            .with_help(help)
            .at(report.fence.clone());
        d.block = Some(report.id.clone());
        relocate(&mut d, &page.source);
        Some(d)
    };
    let example = "write a path relative to the page, such as `figure=media/network.png`";
    let problem = match classify(&page.source.rel, written) {
        Target::Internal { path, .. } if assets.iter().any(|a| a.rel == path) => None,
        Target::Internal { path, .. } => {
            let dir = page_dir(&page.source.rel);
            let images = assets.iter().map(|a| a.rel.as_str()).filter(|r| is_image(r));
            let help = match did_you_mean(&path, images) {
                Some(s) => match s.strip_prefix(dir) {
                    Some(near) => format!("did you mean `figure={near}`?"),
                    None => format!("did you mean `figure=/{s}`?"),
                },
                None => format!(
                    "add the image at `{}`, or fix the path in `figure=` (it is relative to the page)",
                    crate::load::under(src_dir, &path)
                ),
            };
            problem(format!("figure `{written}` is not in the book"), help)
        }
        Target::Outside => problem(
            format!("figure `{written}` points outside the source folder"),
            format!("put the image under `{src_dir}/` and {example}"),
        ),
        Target::External if written.starts_with("https://") || written.starts_with("http://") => None,
        Target::External | Target::SamePage(_) => problem(
            format!("figure `{written}` is not an image path or an `https:` address"),
            example.to_string(),
        ),
    };
    let src = if written.contains("://") {
        written.to_string()
    } else {
        utf8_percent_encode(written, URL_PATH).to_string()
    };
    Some(Figure { src, problem })
}

impl Site {
    /// The figures of page `i`'s blocks (`None` for a block without `figure=`).
    fn figures_of(&self, i: usize) -> Vec<Option<Figure>> {
        let Some(page) = self.pages.get(i) else { return Vec::new() };
        let severity = match self.book.config.link_check {
            LinkLevel::Error => Severity::Error,
            LinkLevel::Warn => Severity::Warning,
        };
        page.reports
            .iter()
            .map(|r| resolve(page, r, &self.book.assets, &self.book.config.src, severity))
            .collect()
    }

    /// Resolve the figures of page `i` again (after an edit of the page).
    pub(super) fn resolve_figures(&mut self, i: usize) {
        let figures = self.figures_of(i);
        if let Some(p) = self.pages.get_mut(i) {
            p.figures = figures;
        }
    }

    /// Resolve every figure of the book (after the static files changed). Returns the pages
    /// whose figures changed.
    pub(super) fn resolve_all_figures(&mut self) -> Vec<usize> {
        let mut changed = Vec::new();
        for i in 0..self.pages.len() {
            let figures = self.figures_of(i);
            if self.pages[i].figures != figures {
                self.pages[i].figures = figures;
                changed.push(i);
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_paths_and_folders() {
        assert!(is_image("media/a.PNG") && is_image("x.svg") && !is_image("a.md") && !is_image("png"));
        assert_eq!(page_dir("guide/a.md"), "guide/");
        assert_eq!(page_dir("a.md"), "");
        assert_eq!(utf8_percent_encode("media/a b.png", URL_PATH).to_string(), "media/a%20b.png");
    }
}
