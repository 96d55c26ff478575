//! The fast path's specification as a function: for any input, if the fast path returns a
//! value, the reference parser returns an identical one. The tests run it over a corpus of
//! real and generated blocks; a fuzz target can run it on arbitrary bytes.

use std::fmt::Debug;

use serde::de::DeserializeOwned;

use super::{fast_from_str, reference_from_str};
use crate::topology::model::Topology;

/// Which parser produced the result for an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Path {
    /// The fast path accepted the input (and agreed with the reference).
    Fast,
    /// The fast path bailed; the reference decided (a value or an error).
    Reference,
}

/// The fast path accepted an input and disagrees with the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The fast path's value (`Debug`, spans included).
    pub fast: String,
    /// The reference's value or error.
    pub reference: String,
}

/// Run both parsers on `text` into `T` and compare: when the fast path returns a value, the
/// reference must return one with the same `Debug` output (which, for the model, includes
/// every span).
pub fn check<T: DeserializeOwned + Debug>(text: &str) -> Result<Path, Mismatch> {
    let Some(fast) = fast_from_str::<T>(text) else {
        return Ok(Path::Reference);
    };
    let fast = format!("{fast:#?}");
    match reference_from_str::<T>(text) {
        Ok(reference) => {
            let reference = format!("{reference:#?}");
            if fast == reference { Ok(Path::Fast) } else { Err(Mismatch { fast, reference }) }
        }
        Err(e) => Err(Mismatch { fast, reference: format!("error: {e:?}") }),
    }
}

/// [`check`] for the topology model.
pub fn check_topology(text: &str) -> Result<Path, Mismatch> {
    check::<Topology>(text)
}
