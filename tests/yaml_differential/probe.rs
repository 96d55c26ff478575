//! Target types beyond the model for the differential check: an untyped tree with a span on
//! every node (exercises `deserialize_any` and every span), and one field of each scalar
//! type (exercises typed scalar resolution).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use topobook::topology::model::{Ports, Protocol};
use topobook::topology::yaml::Sp;

/// Any YAML node, as `deserialize_any` sees it.
#[derive(Debug)]
pub enum Tree {
    Unit,
    None,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Seq(Vec<Sp<Tree>>),
    Map(Vec<(Sp<Tree>, Sp<Tree>)>),
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tree;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any node")
            }
            fn visit_unit<E>(self) -> Result<Tree, E> {
                Ok(Tree::Unit)
            }
            fn visit_none<E>(self) -> Result<Tree, E> {
                Ok(Tree::None)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
                Ok(Tree::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
                Ok(Tree::U64(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
                Ok(Tree::I64(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
                Ok(Tree::F64(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
                Ok(Tree::Str(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = a.next_element()? {
                    items.push(x);
                }
                Ok(Tree::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                let mut entries = Vec::new();
                while let Some(e) = a.next_entry()? {
                    entries.push(e);
                }
                Ok(Tree::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// The same scalar read as each type (each field is tried alone: `v_<type>: <scalar>`).
/// The fields are compared through `Debug` only.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Typed {
    pub v_string: Option<Sp<String>>,
    pub v_bool: Option<Sp<bool>>,
    pub v_u8: Option<Sp<u8>>,
    pub v_u32: Option<Sp<u32>>,
    pub v_u64: Option<Sp<u64>>,
    pub v_u128: Option<Sp<u128>>,
    pub v_i8: Option<Sp<i8>>,
    pub v_i64: Option<Sp<i64>>,
    pub v_i128: Option<Sp<i128>>,
    pub v_f32: Option<Sp<f32>>,
    pub v_f64: Option<Sp<f64>>,
    pub v_char: Option<Sp<char>>,
    pub v_unit: Option<Sp<()>>,
    pub v_ports: Option<Sp<Ports>>,
    pub v_protocol: Option<Sp<Protocol>>,
    pub v_nullable: Option<Sp<Option<String>>>,
    pub v_list: Option<Sp<Vec<Sp<String>>>>,
    pub v_ignored: Option<de::IgnoredAny>,
}

/// The field names of [`Typed`].
pub const TYPED_FIELDS: &[&str] = &[
    "v_string",
    "v_bool",
    "v_u8",
    "v_u32",
    "v_u64",
    "v_u128",
    "v_i8",
    "v_i64",
    "v_i128",
    "v_f32",
    "v_f64",
    "v_char",
    "v_unit",
    "v_ports",
    "v_protocol",
    "v_nullable",
    "v_list",
    "v_ignored",
];
