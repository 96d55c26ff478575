//! One file per subcommand. Each returns the process exit code: 0 success, 1 when an
//! error-level diagnostic exists, 2 for usage or I/O errors.

mod baseline;
pub mod build;
pub mod check;
pub mod flow;
pub mod import;
pub mod init;
pub mod rules;
pub mod serve;

/// Exit codes.
pub mod exit {
    pub const OK: i32 = 0;
    pub const DIAGNOSTICS: i32 = 1;
    pub const USAGE_OR_IO: i32 = 2;
}
