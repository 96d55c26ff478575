//! Writing the files of a new book (`topobook init`), never over an existing file.

use std::path::{Path, PathBuf};

/// Write `files` (path relative to `dir`, text) into `dir`. Nothing is written if any of them
/// exists already; the error lists them.
pub fn write_new(dir: &Path, files: &[(&str, &str)]) -> Result<Vec<PathBuf>, String> {
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| dir.join(p).exists())
        .map(|(p, _)| format!("`{}`", dir.join(p).display()))
        .collect();
    if !existing.is_empty() {
        return Err(format!("refusing to overwrite {}", existing.join(", ")));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        // `create_new` refuses a file that appeared since the check above.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("cannot create `{}`: {e}", path.display()))?;
        std::io::Write::write_all(&mut f, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
