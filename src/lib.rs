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

pub mod cmd;
pub mod diag;
pub mod diagram;
pub mod flows;
#[doc(hidden)]
pub mod fuzzing;
pub mod load;
pub mod markdown;
pub mod output;
pub mod render;
pub mod report;
pub mod rules;
pub mod serve;
pub mod site;
pub mod topology;
