//! The fast path's `serde::Deserializer` over the tree of [`super::fast`]: the model keeps
//! deriving `Deserialize`, and every target type resolves scalars as the reference does.
//!
//! Its error type is [`Bail`], which carries nothing: on any error the caller discards the
//! fast path's work and runs the reference parser, which produces the real message. So
//! errors cost no formatting, and every case this module is unsure of simply fails.

use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, U64Deserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};

use super::SP_MARKER;
use super::fast::{self, Bail, Doc, Kind, Node};
use super::scalar;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("input outside the fast path's YAML subset")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Bail
    }
}

/// Parse and deserialize `text` on the fast path; `None` for anything it does not handle.
pub(super) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let doc = fast::parse(text).ok()?;
    T::deserialize(NodeDe::at(&doc, 0).ok()?).ok()
}

/// A deserializer for one node of the tree.
#[derive(Clone, Copy)]
struct NodeDe<'de> {
    doc: &'de Doc<'de>,
    node: &'de Node,
    idx: u32,
}

impl<'de> NodeDe<'de> {
    fn at(doc: &'de Doc<'de>, idx: u32) -> Result<Self, Bail> {
        doc.nodes.get(idx as usize).map(|node| NodeDe { doc, node, idx }).ok_or(Bail)
    }

    /// The text of a scalar that is not null.
    fn text(self) -> Result<&'de str, Bail> {
        match self.node.kind {
            Kind::Plain | Kind::Quoted | Kind::Decoded => Ok(self.doc.text(self.node)),
            Kind::Null | Kind::Seq | Kind::Map => Err(Bail),
        }
    }

    fn unsigned<T: TryFrom<u128>>(self) -> Result<T, Bail> {
        scalar::unsigned(self.text()?).ok_or(Bail)
    }

    fn signed<T: TryFrom<i128>>(self) -> Result<T, Bail> {
        scalar::signed(self.text()?).ok_or(Bail)
    }

    /// Children of a collection: (index of the first, count).
    fn children(self, kind: Kind) -> Result<(u32, u32), Bail> {
        if self.node.kind != kind {
            return Err(Bail);
        }
        Ok((self.idx + 1, self.node.a))
    }
}

impl<'de> de::Deserializer<'de> for NodeDe<'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node.kind {
            Kind::Null => visitor.visit_unit(),
            Kind::Quoted | Kind::Decoded => visitor.visit_borrowed_str(self.doc.text(self.node)),
            Kind::Plain => {
                let text = self.doc.text(self.node);
                match scalar::any(text) {
                    scalar::Any::Bool(b) => visitor.visit_bool(b),
                    scalar::Any::U64(v) => visitor.visit_u64(v),
                    scalar::Any::I64(v) => visitor.visit_i64(v),
                    scalar::Any::F64(v) => visitor.visit_f64(v),
                    scalar::Any::Str => visitor.visit_borrowed_str(text),
                    scalar::Any::Refused => Err(Bail),
                }
            }
            Kind::Seq => self.deserialize_seq(visitor),
            Kind::Map => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_bool(scalar::bool(self.text()?).ok_or(Bail)?)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_i8(self.signed()?)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_i16(self.signed()?)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_i32(self.signed()?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_i64(self.signed()?)
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_i128(self.signed()?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_u8(self.unsigned()?)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_u16(self.unsigned()?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_u32(self.unsigned()?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_u64(self.unsigned()?)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_u128(self.unsigned()?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_f32(scalar::float(self.text()?).ok_or(Bail)?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_f64(scalar::float(self.text()?).ok_or(Bail)?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        let mut chars = self.text()?.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(Bail),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_borrowed_str(self.text()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node.kind {
            Kind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node.kind {
            Kind::Null => visitor.visit_unit(),
            _ => Err(Bail),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        match self.node.kind {
            Kind::Null => visitor.visit_unit(),
            Kind::Map if self.node.a == 0 => visitor.visit_unit(),
            _ => Err(Bail),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        if name == SP_MARKER {
            return visitor.visit_seq(SpanAccess { de: self, step: 0 });
        }
        if name.starts_with("__yaml_") {
            return Err(Bail); // serde-saphyr's own wrappers (`Spanned`...) need serde-saphyr
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        let (first, count) = self.children(Kind::Seq)?;
        visitor.visit_seq(Items { doc: self.doc, next: first, left: count })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        let (first, count) = self.children(Kind::Map)?;
        let mut entries = Entries { doc: self.doc, next: first, left: count, value: None };
        let value = visitor.visit_map(&mut entries)?;
        // The reference refuses a mapping whose visitor stopped early.
        if entries.left != 0 || entries.value.is_some() {
            return Err(Bail);
        }
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        // Only the scalar form of unit variants; `{Variant: value}` goes to the reference.
        visitor.visit_enum(UnitVariant(self.text()?))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_any(visitor)
    }
}

/// The items of a sequence.
struct Items<'de> {
    doc: &'de Doc<'de>,
    next: u32,
    left: u32,
}

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Bail> {
        if self.left == 0 {
            return Ok(None);
        }
        let item = NodeDe::at(self.doc, self.next)?;
        self.left -= 1;
        self.next = item.node.next;
        seed.deserialize(item).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left as usize)
    }
}

/// The entries of a mapping.
struct Entries<'de> {
    doc: &'de Doc<'de>,
    next: u32,
    left: u32,
    value: Option<NodeDe<'de>>,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Bail> {
        if self.left == 0 || self.value.is_some() {
            return if self.left == 0 { Ok(None) } else { Err(Bail) };
        }
        let key = NodeDe::at(self.doc, self.next)?;
        let value = NodeDe::at(self.doc, key.node.next)?;
        self.left -= 1;
        self.next = value.node.next;
        self.value = Some(value);
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        seed.deserialize(self.value.take().ok_or(Bail)?)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left as usize)
    }
}

/// `Sp<T>`'s view of a node: its span (start, end), then its value.
struct SpanAccess<'de> {
    de: NodeDe<'de>,
    step: u8,
}

impl<'de> de::SeqAccess<'de> for SpanAccess<'de> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Bail> {
        self.step += 1;
        match self.step {
            1 => seed.deserialize(U64Deserializer::new(u64::from(self.de.node.start))).map(Some),
            2 => seed.deserialize(U64Deserializer::new(u64::from(self.de.node.end))).map(Some),
            3 => seed.deserialize(self.de).map(Some),
            _ => Ok(None),
        }
    }
}

/// An enum written as its variant's name.
struct UnitVariant<'de>(&'de str);

impl<'de> de::EnumAccess<'de> for UnitVariant<'de> {
    type Error = Bail;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Bail> {
        let value = seed.deserialize(BorrowedStrDeserializer::<Bail>::new(self.0))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'de> {
    type Error = Bail;

    fn unit_variant(self) -> Result<(), Bail> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Bail> {
        Err(Bail)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Bail> {
        Err(Bail)
    }
}
