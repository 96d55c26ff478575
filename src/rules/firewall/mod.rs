//! Firewall and outbound access (AML-FW): routes that keep compute reachable behind a
//! firewall, the service tags and host names the firewall must let out, and the advisories of
//! the firewall article.

mod fw_001;
mod fw_002;
mod fw_003;
mod fw_004;
mod fw_005;
mod fw_008;
mod fw_009;
mod fw_010;
mod fw_011;
mod shared;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &fw_001::RULE,
    &fw_002::RULE,
    &fw_003::RULE,
    &fw_004::RULE,
    &fw_005::RULE,
    &fw_008::RULE,
    &fw_009::RULE,
    &fw_010::RULE,
    &fw_011::RULE,
];
