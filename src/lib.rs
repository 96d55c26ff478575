//! topobook: runbooks whose Azure ML network topologies are drawn and checked.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//!
//! ```text
//! load → markdown → topology → rules → diagram → render → output
//!                                ↘ report (check)        ↖ serve (watch + reload)
//! ```
//!
//! [`site::Site`] runs the stages for a whole book; [`cmd`] holds the subcommands.

pub mod check;
// The subcommands talk to the terminal; no other stage prints (Cargo.toml [lints]).
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cmd;
pub mod diag;
pub mod diagram;
pub mod escape;
pub mod flows;
#[doc(hidden)]
pub mod fuzzing;
pub mod load;
pub mod markdown;
pub mod output;
pub mod render;
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod report;
pub mod rules;
// The preview server is a terminal program too: its builder prints what `build` prints.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod serve;
pub mod site;
// Every `unsafe` block of the crate, each with its reason.
#[allow(unsafe_code)]
pub mod sys;
pub mod topology;
