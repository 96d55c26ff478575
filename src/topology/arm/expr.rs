//! The ARM template expression language: `"[format('{0}-nsg', parameters('name'))]"`.
//!
//! A JSON string that starts with `[` and ends with `]` is an expression; one starting with
//! `[[` is a literal whose first `[` is dropped. An expression is a function call, a
//! single-quoted string (`''` for a quote), an integer, then any number of `.member` and
//! `[index]` accesses. Spans are byte offsets into the JSON string's value.

use std::ops::Range;

/// Deepest nesting of calls and accesses accepted (hostile input stays cheap).
pub const MAX_DEPTH: usize = 64;

/// What a JSON string is.
#[derive(Debug, PartialEq, Eq)]
pub enum Text<'a> {
    Literal(&'a str),
    /// The expression between the brackets; it starts at byte 1 of the string.
    Expression(&'a str),
}

/// Tell a literal from an expression.
pub fn classify(s: &str) -> Text<'_> {
    if s.starts_with("[[") {
        return Text::Literal(&s[1..]);
    }
    match s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) => Text::Expression(inner),
        None => Text::Literal(s),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    /// Offsets in the JSON string's value.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Str(String),
    Int(i64),
    /// A function call; `name` as written (`parameters`, `myNamespace.myFunction`).
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

/// Why an expression does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Range<usize>,
}

/// Parse the expression of a JSON string `s` (which includes the brackets).
pub fn parse(s: &str) -> Result<Expr, ParseError> {
    let mut p = Parser { s: s.as_bytes(), text: s, pos: 1, end: s.len().saturating_sub(1), depth: 0 };
    p.skip_ws();
    let e = p.expr()?;
    p.skip_ws();
    if p.pos < p.end {
        return Err(p.error(format!("unexpected `{}` after the expression", p.rest_token())));
    }
    Ok(e)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    end: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: String) -> ParseError {
        let end = (self.pos + 1).min(self.end.max(self.pos));
        ParseError { message, span: self.pos..end }
    }

    fn rest_token(&self) -> String {
        self.text[self.pos..self.end].chars().take(12).collect()
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.s[self.pos])
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), ParseError> {
        if self.eat(c) {
            Ok(())
        } else if self.pos >= self.end {
            Err(self.error(format!("the expression ends where {what} was expected")))
        } else {
            Err(self.error(format!("expected {what}, found `{}`", self.rest_token())))
        }
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || (c == b'$' && self.pos == start) {
                self.pos += 1;
            } else {
                break;
            }
        }
        (self.pos > start).then(|| self.text[start..self.pos].to_string())
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("the expression is nested deeper than {MAX_DEPTH} levels")));
        }
        let mut e = self.primary()?;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    self.skip_ws();
                    let Some(name) = self.ident() else {
                        return Err(self.error("expected a property name after `.`".into()));
                    };
                    let span = e.span.start..self.pos;
                    e = Expr { kind: ExprKind::Member(Box::new(e), name), span };
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_ws();
                    let index = self.expr()?;
                    self.expect(b']', "`]`")?;
                    let span = e.span.start..self.pos;
                    e = Expr { kind: ExprKind::Index(Box::new(e), Box::new(index)), span };
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            None => Err(self.error("the expression is empty".into())),
            Some(b'\'') => self.string(),
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let text = &self.text[start..self.pos];
                match text.parse::<i64>() {
                    Ok(i) => Ok(Expr { kind: ExprKind::Int(i), span: start..self.pos }),
                    Err(_) => Err(ParseError {
                        message: format!("`{text}` is not an integer"),
                        span: start..self.pos,
                    }),
                }
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let mut name = self.ident().unwrap_or_default();
                // `namespace.function(...)`: a user-defined function.
                let save = self.pos;
                if self.peek() == Some(b'.') {
                    self.pos += 1;
                    match self.ident() {
                        Some(member) if self.peek() == Some(b'(') => name = format!("{name}.{member}"),
                        _ => self.pos = save,
                    }
                }
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    // `true`, `false`, `null` written without parentheses.
                    return match name.to_ascii_lowercase().as_str() {
                        "true" | "false" | "null" => Ok(Expr {
                            kind: ExprKind::Call { name, args: Vec::new() },
                            span: start..self.pos,
                        }),
                        _ => Err(ParseError {
                            message: format!("`{name}` is not a function call: write `{name}(...)`"),
                            span: start..self.pos,
                        }),
                    };
                }
                self.pos += 1;
                let mut args = Vec::new();
                if !self.eat(b')') {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(b')') {
                            break;
                        }
                        self.expect(b',', "`,` or `)`")?;
                    }
                }
                Ok(Expr { kind: ExprKind::Call { name, args }, span: start..self.pos })
            }
            Some(_) => Err(self.error(format!("unexpected `{}` in the expression", self.rest_token()))),
        }
    }

    fn string(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(ParseError {
                    message: "a string in the expression is not closed with `'`".into(),
                    span: start..self.end,
                });
            };
            if c == b'\'' {
                if self.s.get(self.pos + 1) == Some(&b'\'') && self.pos + 1 < self.end {
                    out.push('\'');
                    self.pos += 2;
                    continue;
                }
                self.pos += 1;
                break;
            }
            // Copy one whole UTF-8 character.
            let ch = self.text[self.pos..].chars().next().unwrap_or('\u{FFFD}');
            out.push(ch);
            self.pos += ch.len_utf8();
        }
        Ok(Expr { kind: ExprKind::Str(out), span: start..self.pos })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(e: &Expr) -> (&str, usize) {
        match &e.kind {
            ExprKind::Call { name, args } => (name, args.len()),
            k => panic!("not a call: {k:?}"),
        }
    }

    #[test]
    fn literals_and_expressions() {
        assert_eq!(classify("plain"), Text::Literal("plain"));
        assert_eq!(classify("[[escaped]"), Text::Literal("[escaped]"));
        assert_eq!(classify("[parameters('a')]"), Text::Expression("parameters('a')"));
        assert_eq!(classify("[not closed"), Text::Literal("[not closed"));
    }

    #[test]
    fn calls_members_indexes_and_spans() {
        let s = "[reference(resourceId('Microsoft.Resources/deployments', 'it''s')).outputs.id.value]";
        let e = parse(s).unwrap();
        let ExprKind::Member(inner, last) = &e.kind else { panic!() };
        assert_eq!(last, "value");
        assert_eq!(&s[e.span.clone()], &s[1..s.len() - 1]);
        let ExprKind::Member(inner, _) = &inner.kind else { panic!() };
        let ExprKind::Member(call_e, _) = &inner.kind else { panic!() };
        assert_eq!(call(call_e), ("reference", 1));
        let ExprKind::Call { args, .. } = &call_e.kind else { panic!() };
        let ExprKind::Call { args, .. } = &args[0].kind else { panic!() };
        assert_eq!(args[1].kind, ExprKind::Str("it's".into()));
        assert_eq!(&s[args[1].span.clone()], "'it''s'");

        let e = parse("[variables('zones')[toLower(environment().name)]]").unwrap();
        assert!(matches!(e.kind, ExprKind::Index(..)));
        let e = parse("[ copyIndex( -1 ) ]").unwrap();
        let ExprKind::Call { args, .. } = &e.kind else { panic!() };
        assert_eq!(args[0].kind, ExprKind::Int(-1));
        assert_eq!(call(&parse("[true]").unwrap()), ("true", 0));
        assert_eq!(call(&parse("[ns.fn(1)]").unwrap()), ("ns.fn", 1));
        // Names are ASCII; strings hold any character.
        assert!(parse("[é('x')]").is_err());
        assert_eq!(
            parse("[f('ü')]").unwrap().kind,
            ExprKind::Call {
                name: "f".into(),
                args: vec![Expr { kind: ExprKind::Str("ü".into()), span: 3..7 }]
            }
        );
    }

    #[test]
    fn errors_are_located() {
        let e = parse("[concat('a', )]").unwrap_err();
        assert_eq!(e.span.start, 13);
        let e = parse("[concat('a'").unwrap_err();
        assert!(e.message.contains("not closed"), "{}", e.message);
        assert!(parse("[]").unwrap_err().message.contains("empty"));
        assert!(parse("[a.b]").is_err());
        assert!(parse("[f() g()]").unwrap_err().message.contains("unexpected"));
        let deep = format!("[{}1{}]", "f(".repeat(200), ")".repeat(200));
        assert!(parse(&deep).unwrap_err().message.contains("deeper"));
    }
}
