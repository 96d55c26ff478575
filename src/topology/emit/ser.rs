//! A serde `Serializer` that turns any value into the printer's [`Node`] tree: `None` is
//! [`Node::Absent`] (the field is left out), a [`Sp`](crate::topology::yaml::Sp) holding
//! `None` is an explicit [`Node::Null`].

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::{Node, plain_ok, quoted};
use crate::topology::yaml::SP_MARKER;

/// Why a value could not be serialized (only a map key that is not a scalar).
#[derive(Debug)]
pub(super) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Serializes any value into a [`Node`].
pub(super) struct NodeSer;

type R = Result<Node, Error>;

impl ser::Serializer for NodeSer {
    type Ok = Node;
    type Error = Error;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = SeqSer;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = MapSer;

    fn serialize_bool(self, v: bool) -> R {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u8(self, v: u8) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_f32(self, v: f32) -> R {
        Ok(Node::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> R {
        Ok(Node::Float(v))
    }
    fn serialize_char(self, v: char) -> R {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> R {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        Ok(Node::Seq(v.iter().map(|b| Node::Int((*b).into())).collect()))
    }
    fn serialize_none(self) -> R {
        Ok(Node::Absent)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        Ok(Node::Null)
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
        Ok(Node::Str(variant.to_string()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> R {
        let node = value.serialize(NodeSer)?;
        // A present node (`Sp`) holding `None` is an explicit null.
        Ok(if name == SP_MARKER && node == Node::Absent { Node::Null } else { node })
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        Ok(Node::Map(vec![(variant.to_string(), value.serialize(NodeSer)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, Error> {
        Ok(SeqSer { items: Vec::with_capacity(len.unwrap_or(0)), variant: None })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer, Error> {
        Ok(SeqSer { items: Vec::with_capacity(len), variant: Some(variant) })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSer, Error> {
        Ok(MapSer { entries: Vec::with_capacity(len.unwrap_or(0)), key: None, variant: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSer, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<MapSer, Error> {
        Ok(MapSer { entries: Vec::with_capacity(len), key: None, variant: Some(variant) })
    }
}

pub(super) struct SeqSer {
    items: Vec<Node>,
    variant: Option<&'static str>,
}

impl SeqSer {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let node = value.serialize(NodeSer)?;
        self.items.push(if node == Node::Absent { Node::Null } else { node });
        Ok(())
    }
    fn finish(self) -> R {
        let seq = Node::Seq(self.items);
        Ok(match self.variant {
            Some(v) => Node::Map(vec![(v.to_string(), seq)]),
            None => seq,
        })
    }
}

impl ser::SerializeSeq for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

pub(super) struct MapSer {
    entries: Vec<(String, Node)>,
    key: Option<String>,
    variant: Option<&'static str>,
}

impl MapSer {
    /// Absent values (`None` fields) are left out.
    fn entry(&mut self, key: String, value: Node) {
        if value != Node::Absent {
            self.entries.push((key, value));
        }
    }
    fn finish(self) -> R {
        let map = Node::Map(self.entries);
        Ok(match self.variant {
            Some(v) => Node::Map(vec![(v.to_string(), map)]),
            None => map,
        })
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySer)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().ok_or_else(|| Error("a map value without a key".into()))?;
        let value = value.serialize(NodeSer)?;
        self.entry(key, value);
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(NodeSer)?;
        self.entry(key.to_string(), value);
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStructVariant for MapSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(NodeSer)?;
        self.entry(key.to_string(), value);
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

/// Map keys: strings (and the scalars that print as one).
pub(super) struct KeySer;

fn key_error() -> Error {
    Error("map keys must be scalars".into())
}

impl ser::Serializer for KeySer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(if plain_ok(v, false) { v.to_string() } else { quoted(v) })
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _n: &'static str,
        v: &T,
    ) -> Result<String, Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _n: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _n: &'static str, _l: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}
