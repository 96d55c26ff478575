//! Studio in a virtual network (AML-STU): what the Azure Machine Learning studio needs to keep
//! working with data once the storage behind it is in a virtual network.

mod stu_001;
mod stu_002;
mod stu_003;
mod stu_004;
mod stu_008;
mod stu_009;
mod stu_010;
mod stu_011;
mod stu_012;
mod stu_013;
mod stu_014;

use super::Rule;
use crate::topology::model::{Datastore, DatastoreKind, Feature, StorageAccount, Workspace, items};
use crate::topology::resolve::Net;
use crate::topology::yaml::Sp;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &stu_001::RULE,
    &stu_002::RULE,
    &stu_003::RULE,
    &stu_004::RULE,
    &stu_008::RULE,
    &stu_009::RULE,
    &stu_010::RULE,
    &stu_011::RULE,
    &stu_012::RULE,
    &stu_013::RULE,
    &stu_014::RULE,
];

/// Workspace features that are used through the studio and read the workspace's data there:
/// the studio itself (data preview), the designer, AutoML, labeling. Integrated notebooks
/// work on the file share and have their own rule (AML-STU-011).
pub(super) const STUDIO_FEATURES: &[Feature] =
    &[Feature::Studio, Feature::Designer, Feature::Automl, Feature::Labeling, Feature::MlAssistedLabeling];

/// The text of an optional name, `?` when absent.
pub(super) fn name(n: &Option<Sp<String>>) -> &str {
    n.as_ref().map(|n| n.value.as_str()).unwrap_or("?")
}

/// Does the workspace use the studio (one of [`STUDIO_FEATURES`])?
pub(super) fn studio_in_use(net: &Net) -> bool {
    STUDIO_FEATURES.iter().any(|f| net.has_feature(*f))
}

/// The entry of `workspace.features` for a feature, with its index.
pub(super) fn feature_entry(ws: &Workspace, f: Feature) -> Option<(usize, &Sp<Feature>)> {
    items(&ws.features).enumerate().find(|(_, x)| x.value == f)
}

/// The storage account a datastore names, when the block declares it.
pub(super) fn datastore_storage<'a>(net: &'a Net, d: &Datastore) -> Option<(usize, &'a Sp<StorageAccount>)> {
    d.storage.as_ref().and_then(|n| net.storage(&n.value))
}

/// Is the datastore marked as a workspace default of the given kind?
pub(super) fn is_default_of(d: &Datastore, kind: DatastoreKind) -> bool {
    d.default.as_ref().is_some_and(|x| x.value) && d.kind.as_ref().is_some_and(|k| k.value == kind)
}

/// Does the datastore use the workspace managed identity in the studio (default: no)?
pub(super) fn uses_managed_identity(d: &Datastore) -> bool {
    d.use_workspace_managed_identity.as_ref().is_some_and(|m| m.value)
}

/// Is the datastore one that AML-STU-003 judges: the default blob store when the designer is
/// used, the default file store when AutoML is used?
pub(super) fn judged_by_stu003(net: &Net, d: &Datastore) -> bool {
    (net.has_feature(Feature::Designer) && is_default_of(d, DatastoreKind::Blob))
        || (net.has_feature(Feature::Automl) && is_default_of(d, DatastoreKind::File))
}

/// Does the block declare the datastores of the default storage account (any datastore on
/// it, or any datastore marked `default`)? When it does not, the workspace's default
/// datastores keep Azure's settings, which AML-STU-001 speaks about.
pub(super) fn declares_default_datastores(ws: &Workspace) -> bool {
    let default = ws.default_storage.as_ref().map(|n| n.value.as_str());
    items(&ws.datastores).any(|d| {
        d.default.as_ref().is_some_and(|x| x.value)
            || (default.is_some() && d.storage.as_ref().map(|s| s.value.as_str()) == default)
    })
}
