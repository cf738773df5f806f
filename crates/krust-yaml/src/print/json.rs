//! What the JSON round trip does to a string before go-yaml v2 prints it.
//!
//! kustomize writes the object as JSON (Go `encoding/json`) and reads the JSON text with
//! go-yaml v2. Go's encoder escapes characters below U+0020 (and `<>&`, U+2028, U+2029) but
//! writes every other character raw, so the v2 reader sees them:
//! - characters its reader refuses (U+007F–U+0084, U+0086–U+009F, U+FFFE, U+FFFF) make the
//!   build fail with "control characters are not allowed";
//! - U+0085 (NEL) is a line break to v2's scanner, so inside the JSON double-quoted string it
//!   is folded like a line break: with the spaces around it, one NEL becomes one space and
//!   `n > 1` NELs in a row become `n - 1` newlines; `---` or `...` and a blank right after a
//!   NEL is a document marker, an error;
//! - a mapping key must be a "simple key" to v2: on one line (no NEL) and with its `:` at
//!   most 1024 characters after the key's opening quote, counting the JSON escapes.

use std::borrow::Cow;

/// The string as v2 reads it back from kustomize's JSON, or `Err` when v2 refuses it.
pub(super) fn through_json(s: &str) -> Result<Cow<'_, str>, &'static str> {
    if s.bytes().all(|b| b < 0x7f) {
        return Ok(Cow::Borrowed(s));
    }
    let mut nel = false;
    for c in s.chars() {
        match c {
            '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => {
                return Err("yaml: control characters are not allowed");
            }
            '\u{85}' => nel = true,
            _ => {}
        }
    }
    if nel {
        fold_nel(s).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(s))
    }
}

/// [`through_json`] for a mapping key.
pub(super) fn key_through_json(key: &str) -> Result<Cow<'_, str>, &'static str> {
    const NOT_SIMPLE: &str = "yaml: did not find expected ',' or '}'";
    if key.contains('\u{85}') {
        return Err(NOT_SIMPLE);
    }
    // The longest escape is 6 characters, so short keys need no counting.
    if key.len() * 6 + 2 > 1024 && json_len(key) + 2 > 1024 {
        return Err(NOT_SIMPLE);
    }
    through_json(key)
}

/// Characters in Go's JSON encoding of `s`, without the quotes.
fn json_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\x08' | '\x0c' => 2,
            '\0'..='\x1f' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            _ => 1,
        })
        .sum()
}

/// v2's double-quoted scalar scanning where the only blanks are spaces and the only breaks
/// are NELs (everything else arrived escaped, and escapes are plain content to the scanner).
fn fold_nel(s: &str) -> Result<String, &'static str> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            chars.next();
            continue;
        }
        // A run of blanks and breaks.
        let mut spaces = 0usize;
        let mut leading_break = false;
        let mut trailing_breaks = 0usize;
        let mut last_was_break = false;
        while let Some(&c) = chars.peek() {
            match c {
                ' ' if !leading_break => spaces += 1,
                ' ' => {}
                '\u{85}' if !leading_break => {
                    spaces = 0;
                    leading_break = true;
                }
                '\u{85}' => trailing_breaks += 1,
                _ => break,
            }
            last_was_break = c == '\u{85}';
            chars.next();
        }
        if last_was_break {
            let mut ahead = chars.clone();
            let marker: String = ahead.by_ref().take(3).collect();
            if (marker == "---" || marker == "...") && matches!(ahead.next(), Some(' ' | '\u{85}'))
            {
                return Err("yaml: found unexpected document indicator");
            }
        }
        if leading_break {
            if trailing_breaks == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', trailing_breaks));
            }
        } else {
            out.extend(std::iter::repeat_n(' ', spaces));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::through_json;

    #[test]
    fn control_characters_fail_and_nel_folds() {
        assert!(through_json("x\u{7f}y").is_err());
        assert!(through_json("x\u{80}").is_err());
        assert!(through_json("\u{ffff}").is_err());
        assert_eq!(through_json("x\u{85}y").as_deref(), Ok("x y"));
        assert_eq!(through_json("x \u{85} y").as_deref(), Ok("x y"));
        assert_eq!(
            through_json("x\u{85}\u{85}\u{85}y").as_deref(),
            Ok("x\n\ny")
        );
        assert_eq!(
            through_json("\u{1}\t\u{feff}é").as_deref(),
            Ok("\u{1}\t\u{feff}é")
        );
        assert!(through_json("x\u{85}--- y").is_err());
        assert_eq!(through_json("x\u{85} --- y").as_deref(), Ok("x --- y"));
    }

    #[test]
    fn keys_must_be_simple() {
        use super::key_through_json;
        assert!(key_through_json("k\u{85}ey").is_err());
        assert!(key_through_json(&"k".repeat(1022)).is_ok());
        assert!(key_through_json(&"k".repeat(1023)).is_err());
        assert!(key_through_json(&"<".repeat(170)).is_ok());
        assert!(key_through_json(&"<".repeat(171)).is_err());
        assert!(key_through_json(&"\t".repeat(511)).is_ok());
        assert!(key_through_json(&"\t".repeat(512)).is_err());
        assert!(key_through_json(&"\u{1}".repeat(171)).is_err());
    }
}
