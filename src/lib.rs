//! topobook: runbooks whose Azure ML network topologies are drawn and checked.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//!
//! ```text
//! load → markdown → topology → rules → diagram → render → output
//!                                ↘ report (check)        ↖ serve (watch + reload)
//! ```

pub mod diag;
pub mod load;
pub mod markdown;
pub mod topology;
pub mod render;
