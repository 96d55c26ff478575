//! Reporting diagnostics to people and machines. `human` prints rustc-style code frames;
//! later formats (JSON, SARIF, JUnit) live beside it.

pub mod human;
