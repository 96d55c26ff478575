//! Heading ids: lowercase words joined by `-`, as mdBook and GitHub spell them.

/// `"Secure the *Key Vault* (v2)"` → `"secure-the-key-vault-v2"`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slugify("Secure the Key Vault (v2)"), "secure-the-key-vault-v2");
        assert_eq!(super::slugify("Ünïcode — ok"), "ünïcode--ok");
        assert_eq!(super::slugify("  "), "");
    }
}
