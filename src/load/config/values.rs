//! The values of `book.toml` keys that are one of a few words.

/// What a broken internal link is: an error (the default) or a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkLevel {
    Error,
    Warn,
}

/// `[build] fail-on`: the lowest level of finding that makes `topobook build` exit 1 (after
/// the site is written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// Active errors (the default).
    #[default]
    Error,
    /// Active errors and warnings.
    Warning,
    /// Nothing: the exit code is 0 whatever the findings (configuration and I/O errors still
    /// exit 2).
    Never,
}

impl FailOn {
    /// The spellings `book.toml` and `--fail-on` take (clap derives them from the variants).
    pub fn names() -> Vec<&'static str> {
        use clap::ValueEnum;
        FailOn::value_variants().iter().map(|v| v.as_str()).collect()
    }

    pub fn parse(name: &str) -> Option<FailOn> {
        <FailOn as clap::ValueEnum>::from_str(name, false).ok()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        }
    }
}

/// `[build] outside-links`: what a relative link that leaves the book is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutsideLinks {
    /// A warning saying it cannot be checked (the default).
    #[default]
    Warn,
    /// Nothing (the book links to sites deployed beside it on purpose).
    Ignore,
}

/// `[output.html] topology-pages`: when the site gets the status page and the rules reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TopologyPages {
    /// When the book has at least one topology block (the default): a book without any, such
    /// as an mdBook book, gets neither pages nor their sidebar entries.
    #[default]
    Auto,
    /// Always.
    Always,
}
