//! The JSON Schema of a topology block, for editors (VS Code's YAML extension completes and
//! validates blocks with it). Generated from the model types, so it never drifts from them.

use super::model::Topology;

/// The JSON Schema (draft 2020-12) of the topology model, pretty-printed.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Topology);
    schema.insert("title".into(), "topobook topology block (v1)".into());
    schema.insert(
        "description".into(),
        "The YAML of a ```yaml topology fenced block in a topobook runbook.".into(),
    );
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_names_the_contract_fields() {
        let s = super::json_schema();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["additionalProperties"], serde_json::json!(false));
        for field in ["workspace", "vnets", "computes", "private_dns_zones", "meta"] {
            assert!(v["properties"].get(field).is_some(), "missing {field}");
        }
        // Nested objects refuse unknown keys too, and enums list their spellings.
        assert!(s.contains("\"compute_cluster\""));
        assert!(s.contains("\"AzureServices\""));
    }
}
