pub mod highlight;
pub mod yaml;
