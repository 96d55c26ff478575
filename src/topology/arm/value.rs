//! Values of the ARM expression language.
//!
//! A value is what an expression or a JSON literal evaluates to. [`Val::Unknown`] stands for
//! what topobook cannot know (a runtime property, a missing parameter, an unsupported
//! function): it flows through every function, so everything computed from it is unknown too,
//! and the mapping leaves the model field that needs it empty.

use std::rc::Rc;

/// An evaluated value. Objects keep their keys in order; ARM looks keys up ignoring case.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Val>),
    Object(Vec<(String, Val)>),
    /// Cannot be known. `Some(reason)`: not reported yet (the expression that produced it will
    /// report it at its own span); `None`: already reported where it arose.
    Unknown(Option<Rc<str>>),
}

impl Val {
    /// An unknown value whose reason is still to be reported.
    pub fn unknown(reason: impl Into<String>) -> Val {
        Val::Unknown(Some(Rc::from(reason.into())))
    }

    /// An unknown value already reported (everything computed from an unknown input).
    pub const REPORTED: Val = Val::Unknown(None);

    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            Val::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            _ => None,
        }
    }

    /// A member of an object, ignoring case.
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Object(m) => m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Int(_) | Val::Float(_) => "a number",
            Val::Str(_) => "a string",
            Val::Array(_) => "an array",
            Val::Object(_) => "an object",
            Val::Unknown(_) => "unknown",
        }
    }

    /// Does the value hold an unknown anywhere inside?
    pub fn has_unknown(&self) -> bool {
        match self {
            Val::Unknown(_) => true,
            Val::Array(a) => a.iter().any(Val::has_unknown),
            Val::Object(m) => m.iter().any(|(_, v)| v.has_unknown()),
            _ => false,
        }
    }

    /// The value as JSON (what `string()` gives for arrays and objects); `None` when unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        use serde_json::Value as V;
        Some(match self {
            Val::Null => V::Null,
            Val::Bool(b) => V::Bool(*b),
            Val::Int(i) => V::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map(V::Number).unwrap_or(V::Null),
            Val::Str(s) => V::String(s.clone()),
            Val::Array(a) => V::Array(a.iter().map(Val::to_json).collect::<Option<_>>()?),
            Val::Object(m) => {
                V::Object(m.iter().map(|(k, v)| Some((k.clone(), v.to_json()?))).collect::<Option<_>>()?)
            }
            Val::Unknown(_) => return None,
        })
    }

    /// A JSON value as a [`Val`] (for `json()`).
    pub fn from_json(v: &serde_json::Value) -> Val {
        use serde_json::Value as V;
        match v {
            V::Null => Val::Null,
            V::Bool(b) => Val::Bool(*b),
            V::Number(n) => n.as_i64().map(Val::Int).unwrap_or_else(|| Val::Float(n.as_f64().unwrap_or(0.0))),
            V::String(s) => Val::Str(s.clone()),
            V::Array(a) => Val::Array(a.iter().map(Val::from_json).collect()),
            V::Object(m) => Val::Object(m.iter().map(|(k, v)| (k.clone(), Val::from_json(v))).collect()),
        }
    }

    /// Rough size in bytes, for the evaluation budget.
    pub fn weight(&self) -> usize {
        match self {
            Val::Str(s) => s.len() + 8,
            Val::Array(a) => 8 + a.iter().map(Val::weight).sum::<usize>(),
            Val::Object(m) => 8 + m.iter().map(|(k, v)| k.len() + v.weight()).sum::<usize>(),
            _ => 8,
        }
    }
}

/// A number as ARM writes it in a template (`120`, `1.5`).
pub fn number(text: &str) -> Val {
    if let Ok(i) = text.parse::<i64>() {
        return Val::Int(i);
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Val::Float(f),
        _ => Val::unknown(format!("the number `{text}` is out of range")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_read_ignoring_case_and_unknowns_spread() {
        let o = Val::Object(vec![("Outputs".into(), Val::Int(1)), ("x".into(), Val::REPORTED)]);
        assert_eq!(o.get("outputs"), Some(&Val::Int(1)));
        assert!(o.has_unknown());
        assert!(o.to_json().is_none());
        let j = Val::Array(vec![Val::Str("a".into()), Val::Float(1.5), Val::Null]);
        assert_eq!(j.to_json().unwrap().to_string(), r#"["a",1.5,null]"#);
        assert_eq!(Val::from_json(&j.to_json().unwrap()), j);
        assert_eq!(number("120"), Val::Int(120));
        assert_eq!(number("1e400").kind_name(), "unknown");
        assert_eq!(Val::Float(3.0).as_int(), Some(3));
    }
}
