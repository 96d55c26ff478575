//! Values of Terraform expressions as far as topobook evaluates them, each with the span of
//! the expression it came from.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

/// A value and the span (in the `SourceSet`) of the expression that gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    pub v: Value,
    pub span: Range<usize>,
}

/// What an expression evaluates to.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    /// Lists, tuples and sets (sets are kept sorted and without duplicates).
    List(Vec<Val>),
    /// Maps and objects (Terraform iterates them in key order).
    Map(BTreeMap<String, Val>),
    /// A nested block of a resource: an attribute it does not set is one Azure computes.
    Block(BTreeMap<String, Val>),
    /// The `id` of something this module declares: known only after apply, but what it points
    /// at is known, which is all a reference in the model needs.
    Id(Target),
    /// A resource instance, whose attributes are read on demand.
    Resource(usize),
    /// A value topobook cannot know; the reason says why.
    Unknown(Arc<Why>),
}

/// What an [`Value::Id`] points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A resource instance (index into the evaluator's instances).
    Instance(usize),
    /// The `index`-th nested block `kind` of an instance (an inline `subnet` of a VNet).
    Block { instance: usize, kind: String, index: usize },
}

/// Why a value is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    /// Lowercase, names things in backticks: "`data.azurerm_subnet.x` is a data source, ...".
    pub message: String,
    /// Where the cause is.
    pub span: Range<usize>,
    pub kind: WhyKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhyKind {
    /// Known to Terraform only at plan or apply time, or not evaluated by topobook.
    Unknown,
    /// Terraform itself would stop here (a missing key, an index out of range, a wrong
    /// type): what `try` skips and `can` reports as false.
    Invalid,
    /// An error already reported where it is (an undeclared reference): no note repeats it.
    Reported,
}

impl Val {
    pub fn new(v: Value, span: Range<usize>) -> Val {
        Val { v, span }
    }

    pub fn unknown(message: impl Into<String>, span: Range<usize>) -> Val {
        let why = Why { message: message.into(), span: span.clone(), kind: WhyKind::Unknown };
        Val { v: Value::Unknown(Arc::new(why)), span }
    }

    pub fn invalid(message: impl Into<String>, span: Range<usize>) -> Val {
        let why = Why { message: message.into(), span: span.clone(), kind: WhyKind::Invalid };
        Val { v: Value::Unknown(Arc::new(why)), span }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.v, Value::Unknown(_))
    }

    /// The first unknown part of this value (itself, or an element of a collection).
    pub fn first_unknown(&self) -> Option<&Arc<Why>> {
        match &self.v {
            Value::Unknown(w) => Some(w),
            Value::List(items) => items.iter().find_map(Val::first_unknown),
            Value::Map(m) | Value::Block(m) => m.values().find_map(Val::first_unknown),
            _ => None,
        }
    }

    /// How many values this one holds (itself and every element, nested).
    pub fn size(&self) -> usize {
        1 + match &self.v {
            Value::List(items) => items.iter().map(Val::size).sum(),
            Value::Map(m) | Value::Block(m) => m.values().map(Val::size).sum(),
            _ => 0,
        }
    }

    /// The same value, every part of it located at `span` (a value read through a reference
    /// is located where it is used).
    pub fn respan(mut self, span: &Range<usize>) -> Val {
        self.span = span.clone();
        match &mut self.v {
            Value::List(items) => {
                for i in items.iter_mut() {
                    *i = std::mem::replace(i, Val::new(Value::Null, 0..0)).respan(span);
                }
            }
            Value::Map(m) | Value::Block(m) => {
                for v in m.values_mut() {
                    *v = std::mem::replace(v, Val::new(Value::Null, 0..0)).respan(span);
                }
            }
            _ => {}
        }
        self
    }

    /// The value as a string, the way a template interpolates it.
    pub fn to_text(&self) -> Result<String, Val> {
        match &self.v {
            Value::Str(s) => Ok(s.clone()),
            Value::Number(n) => Ok(number_text(*n)),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Unknown(_) => Err(self.clone()),
            Value::Id(_) => {
                Err(Val::unknown("a resource ID is known only once Terraform applies it", self.span.clone()))
            }
            Value::Null => Err(Val::invalid("a null value cannot be used as text", self.span.clone())),
            Value::List(_) | Value::Map(_) | Value::Block(_) | Value::Resource(_) => {
                Err(Val::invalid(format!("{} cannot be used as text", self.v.kind()), self.span.clone()))
            }
        }
    }

    pub fn to_number(&self) -> Result<f64, Val> {
        match &self.v {
            Value::Number(n) => Ok(*n),
            Value::Str(s) => s
                .trim()
                .parse::<f64>()
                .map_err(|_| Val::invalid(format!("`{s}` is not a number"), self.span.clone())),
            Value::Unknown(_) => Err(self.clone()),
            other => Err(Val::invalid(format!("{} is not a number", other.kind()), self.span.clone())),
        }
    }

    pub fn to_bool(&self) -> Result<bool, Val> {
        match &self.v {
            Value::Bool(b) => Ok(*b),
            Value::Str(s) if s == "true" => Ok(true),
            Value::Str(s) if s == "false" => Ok(false),
            Value::Unknown(_) => Err(self.clone()),
            other => Err(Val::invalid(format!("{} is not a boolean", other.kind()), self.span.clone())),
        }
    }
}

impl Value {
    /// A word for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Str(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
            Value::Block(_) => "a block",
            Value::Id(_) => "a resource ID",
            Value::Resource(_) => "a resource",
            Value::Unknown(_) => "an unknown value",
        }
    }
}

/// A number as Terraform prints it: integers without a fraction.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let mut s = String::new();
        let _ = write!(s, "{n}");
        s
    }
}

/// A set of values: sorted (strings lexically, as Terraform orders a set of strings) and
/// without duplicates.
pub fn set_of(mut items: Vec<Val>) -> Vec<Val> {
    items.sort_by(|a, b| match (&a.v, &b.v) {
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.total_cmp(y),
        _ => std::cmp::Ordering::Equal,
    });
    items.dedup_by(|a, b| a.v == b.v);
    items
}
