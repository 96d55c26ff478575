//! Resource IDs: built by `resourceId()`, read back into a type and names.
//!
//! `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-pe`
//! is the type `Microsoft.Network/virtualNetworks/subnets` with the names `vnet-ml`,
//! `snet-pe`. The model refers to resources by name, so a reference keeps the type (to know
//! which section it points into) and the names.

/// Stand-in subscription ID of the deployment (the real one is known only when deploying).
pub const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";
/// Stand-in name of the deployment's resource group, used inside resource IDs only.
pub const RESOURCE_GROUP: &str = "resource-group";

/// A resource ID read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResId {
    /// `Microsoft.Network/virtualNetworks/subnets`.
    pub ty: String,
    /// One name per type segment after the namespace (`["vnet-ml", "snet-pe"]`).
    pub names: Vec<String>,
}

impl ResId {
    /// Is this a resource of `ty` (ignoring case)?
    pub fn is(&self, ty: &str) -> bool {
        self.ty.eq_ignore_ascii_case(ty)
    }

    /// The last name (`snet-pe`).
    pub fn name(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or("")
    }

    /// The full name as a template writes it (`vnet-ml/snet-pe`).
    pub fn full_name(&self) -> String {
        self.names.join("/")
    }
}

/// Read a resource ID (`None` when the text is not one).
pub fn parse(id: &str) -> Option<ResId> {
    let lower = id.to_ascii_lowercase();
    let at = lower.rfind("/providers/")?;
    let rest = &id[at + "/providers/".len()..];
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let namespace = parts.next()?;
    let tail: Vec<&str> = parts.collect();
    if tail.is_empty() || !tail.len().is_multiple_of(2) {
        return None;
    }
    let mut ty = namespace.to_string();
    let mut names = Vec::new();
    for pair in tail.chunks(2) {
        ty.push('/');
        ty.push_str(pair[0]);
        names.push(pair[1].to_string());
    }
    Some(ResId { ty, names })
}

/// The ID of a resource of type `ty` (namespace and types) with `names`, in a resource group
/// (`rg` is `(subscription, group)`) or at subscription scope (`None`).
pub fn build(rg: Option<(&str, &str)>, ty: &str, names: &[String]) -> String {
    let mut segments = ty.split('/');
    let namespace = segments.next().unwrap_or("");
    let mut out = match rg {
        Some((sub, group)) => format!("/subscriptions/{sub}/resourceGroups/{group}/providers/{namespace}"),
        None => format!("/subscriptions/{SUBSCRIPTION}/providers/{namespace}"),
    };
    for (t, n) in segments.zip(names) {
        out.push('/');
        out.push_str(t);
        out.push('/');
        out.push_str(n);
    }
    out
}

/// The full type of a child resource declared inside its parent (`subnets` inside
/// `Microsoft.Network/virtualNetworks`), and its full name.
pub fn child(parent_ty: &str, parent_name: &str, ty: &str, name: &str) -> (String, String) {
    let full_ty = if ty.contains('/') { ty.to_string() } else { format!("{parent_ty}/{ty}") };
    let segments = full_ty.split('/').count() - 1;
    let full_name =
        if name.split('/').count() < segments { format!("{parent_name}/{name}") } else { name.to_string() };
    (full_ty, full_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let ty = "Microsoft.Network/virtualNetworks/subnets";
        let names = vec!["vnet-ml".to_string(), "snet-pe".to_string()];
        let id = build(Some((SUBSCRIPTION, RESOURCE_GROUP)), ty, &names);
        assert_eq!(
            id,
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-pe"
        );
        let r = parse(&id).unwrap();
        assert!(r.is("microsoft.network/virtualnetworks/subnets"));
        assert_eq!((r.name(), r.full_name().as_str()), ("snet-pe", "vnet-ml/snet-pe"));
        assert_eq!(
            parse("/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts")
                .map(|r| r.ty),
            None
        );
        assert_eq!(parse("stmldemo"), None);
        assert!(
            build(None, "Microsoft.Authorization/roleDefinitions", &["r".into()])
                .starts_with("/subscriptions/0000")
        );
    }

    #[test]
    fn child_resources_get_full_types_and_names() {
        let p = ("Microsoft.Network/virtualNetworks", "vnet");
        assert_eq!(
            child(p.0, p.1, "subnets", "a"),
            ("Microsoft.Network/virtualNetworks/subnets".into(), "vnet/a".into())
        );
        assert_eq!(
            child(p.0, p.1, "Microsoft.Network/virtualNetworks/subnets", "vnet/a"),
            ("Microsoft.Network/virtualNetworks/subnets".into(), "vnet/a".into())
        );
    }
}
