//! topobook: runbooks whose Azure ML network topologies are drawn and checked.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//!
//! ```text
//! load → markdown → topology → rules → diagram → render → output
//!                                ↘ report (check)        ↖ serve (watch + reload)
//! ```

pub mod diag;
pub mod diagram;
pub mod rules;
pub mod topology;
