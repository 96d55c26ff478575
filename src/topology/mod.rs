//! The topology model and its front ends: from the YAML of a ```` ```yaml topology ````
//! fence (or infrastructure code) to a typed, resolved network model whose every node keeps
//! its span, and the Azure semantics the rules and the flows ask about (`facts`, `egress`,
//! `addr`).
//!
//! This module knows nothing of rules or reports: the `check` stage runs the rules over a
//! [`Net`] and turns what they find into diagnostics.

pub mod addr;
pub mod arm;
pub mod block;
pub mod egress;
pub mod emit;
pub mod facts;
pub mod import;
pub mod managed;
pub mod model;
pub mod node;
mod references;
mod references_current;
pub mod resolve;
pub mod schema;
pub mod sources;
pub mod terraform;
pub mod yaml;

pub use block::{BlockOptions, BlockSource, SegmentMap};
pub use resolve::Net;
