//! Typing one scalar: go-yaml's resolution for its style and tag, `!!binary`, and the
//! shared short strings.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};
use saphyr_parser::{ScalarStyle, Tag};

use super::super::resolve::{resolve_plain, resolve_tagged, CoreTag, Resolved};
use super::super::Typing;
use super::{Builder, KeyTag, Node};
use crate::{Data, Error, Mark, Str, Style, Value};

impl Builder<'_> {
    /// The node a scalar event makes: its value typed as go-yaml types it, and its key tag.
    pub(super) fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        mark: Mark,
        want_text: bool,
        as_key: bool,
    ) -> Result<Node, Error> {
        let in_flow = self.flow_depth > 0 && self.typing == Typing::Kyaml;
        // go-yaml (YAML 1.1) breaks lines at NEL, LS and PS; saphyr keeps them in a plain
        // scalar, where go-yaml would see a broken line.
        if style == ScalarStyle::Plain && text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
            return Err(Error::Syntax {
                file: self.file.to_string(),
                mark,
                message: "could not find expected ':' (NEL, LS and PS break lines in YAML 1.1)"
                    .into(),
            });
        }
        let plain = style == ScalarStyle::Plain;
        let vstyle = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        // A tag go-yaml resolves: none or the non-specific `!` (typed by style), or a core tag.
        let core = match tag {
            None => None,
            Some(t) if t.handle == "!" && t.suffix.is_empty() => None,
            Some(t) if t.handle.is_empty() && t.suffix == "!" => None,
            Some(t) if t.is_yaml_core_schema() => match CoreTag::from_suffix(&t.suffix) {
                Some(c) => Some(c),
                // An unknown core tag (`!!set`) is not resolvable: the text is a string.
                None => Some(CoreTag::Str),
            },
            // A local or global tag go-yaml does not know: the text is a string, but not a
            // `!!str` for mapping-key purposes.
            Some(_) => {
                return Ok(Node {
                    value: Value::with_mark(Data::String(Str::from(text)), mark, vstyle),
                    text: Some(Str::from(text)),
                    tag: KeyTag::Other,
                    size: 1,
                })
            }
        };
        let resolved = match core {
            // kyaml re-encodes the node before decoding it, and an empty plain scalar in a
            // flow collection or as a key is written as '' there: the empty string, not null.
            None if plain
                && text.is_empty()
                && (in_flow || (as_key && self.typing == Typing::Kyaml)) =>
            {
                Resolved::Str
            }
            None if plain => resolve_plain(text, self.typing),
            None => Resolved::Str,
            Some(CoreTag::Binary) => {
                let decoded = decode_base64(text).ok_or_else(|| {
                    self.invalid(mark, "!!binary value contains invalid base64 data".into())
                })?;
                let s = Str::from(String::from_utf8_lossy(&decoded).as_ref());
                return Ok(Node {
                    value: Value::with_mark(Data::String(s.clone()), mark, vstyle),
                    text: Some(s),
                    tag: KeyTag::Other,
                    size: 1,
                });
            }
            Some(c) => resolve_tagged(text, c, self.typing).map_err(|m| self.invalid(mark, m))?,
        };
        let (data, tag, vstyle) = match resolved {
            Resolved::Null => {
                let st = if text.is_empty() && plain && tag.is_none() {
                    Style::Empty
                } else {
                    vstyle
                };
                (Data::Null, KeyTag::Other, st)
            }
            Resolved::Bool(b) => (Data::Bool(b), KeyTag::Other, vstyle),
            Resolved::Int(i) => (Data::Int(i), KeyTag::Other, vstyle),
            Resolved::Uint(u) => (Data::Uint(u), KeyTag::Other, vstyle),
            Resolved::Float(f) => (Data::Float(f), KeyTag::Other, vstyle),
            Resolved::Str => {
                let s = intern(text);
                // An empty value in a flow mapping is the empty string once kyaml re-encodes
                // it, but a strategic merge sees the node before that, an implicit null it
                // drops from the target: keep `Style::Empty` so the merge can tell.
                let vstyle = if plain && text.is_empty() && in_flow && !as_key && tag.is_none() {
                    Style::Empty
                } else {
                    vstyle
                };
                return Ok(Node {
                    value: Value::with_mark(Data::String(s.clone()), mark, vstyle),
                    text: Some(s),
                    tag: KeyTag::Str,
                    size: 1,
                });
            }
            // kyaml re-encodes the node before decoding it: inside a flow collection a plain
            // scalar with a `:` gets quoted, so a date-time with a time stays text.
            Resolved::Timestamp(_) if in_flow && core.is_none() && text.contains(':') => {
                let s = Str::from(text);
                return Ok(Node {
                    value: Value::with_mark(Data::String(s.clone()), mark, vstyle),
                    text: Some(s),
                    tag: KeyTag::Str,
                    size: 1,
                });
            }
            Resolved::Timestamp(Ok(s)) => {
                // kyaml reads annotation values from `yaml.Node.Value`, the written text, not
                // the RFC 3339 form the JSON round trip makes of a date.
                let mut value = Value::with_mark(Data::String(Str::from(s)), mark, vstyle);
                if value.as_str() != Some(text) {
                    value.set_source_text(text);
                }
                return Ok(Node {
                    value,
                    text: want_text.then(|| Str::from(text)),
                    tag: KeyTag::Other,
                    size: 1,
                });
            }
            // As a key the text is used (at the root) or rejected (below it) anyway.
            Resolved::Timestamp(Err(_)) if as_key => {
                (Data::String(Str::from(text)), KeyTag::Other, vstyle)
            }
            Resolved::Timestamp(Err(m)) => return Err(self.invalid(mark, m)),
            Resolved::Merge => (Data::String(Str::from(text)), KeyTag::Merge, vstyle),
        };
        let mut value = Value::with_mark(data, mark, vstyle);
        if !value.is_string() {
            value.set_source_text(text);
        }
        Ok(Node {
            value,
            text: want_text.then(|| Str::from(text)),
            tag,
            size: 1,
        })
    }
}

/// Longest text [`intern`] shares.
const INTERN_MAX_LEN: usize = 48;
/// Most distinct texts [`intern`] keeps per thread (about 5 MB at most).
const INTERN_MAX_ENTRIES: usize = 1 << 16;

thread_local! {
    /// Short strings already read on this thread: keys (`apiVersion`, `name`, ...) and the
    /// values a fleet repeats (labels, images, namespaces) share one allocation.
    static INTERNED: std::cell::RefCell<crate::hash::FastHashSet<Str>> =
        std::cell::RefCell::new(crate::hash::FastHashSet::default());
}

/// `text` as a shared string, the same allocation for every short text seen before on this
/// thread. Strings are immutable and compared by content, so sharing never shows in output;
/// it saves an allocation per key and most of a build's string memory. The table is
/// bounded ([`INTERN_MAX_ENTRIES`] texts of at most [`INTERN_MAX_LEN`] bytes); once it is
/// full, new texts are allocated as usual.
fn intern(text: &str) -> Str {
    if text.len() > INTERN_MAX_LEN {
        return Str::from(text);
    }
    INTERNED.with(|t| {
        let Ok(mut set) = t.try_borrow_mut() else {
            return Str::from(text);
        };
        if let Some(s) = set.get(text) {
            return s.clone();
        }
        let s = Str::from(text);
        if set.len() < INTERN_MAX_ENTRIES {
            set.insert(s.clone());
        }
        s
    })
}

/// Go's `base64.StdEncoding` (go-yaml decodes `!!binary` with it): padding required, the
/// unused low bits of a last symbol may be set.
const GO_STD_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Go's `base64.StdEncoding.DecodeString`, which skips `\r` and `\n` anywhere (also how
/// the API server decodes a Secret's `data`); `None` where Go fails.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = s.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    GO_STD_BASE64.decode(symbols).ok()
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("aGVs\nbG8h").as_deref(), Some(&b"hello!"[..]));
        assert_eq!(decode_base64("aGk="), Some(b"hi".to_vec()));
        assert_eq!(decode_base64("aGk"), None);
        assert_eq!(decode_base64("a=Gk"), None);
        // kubectl v1.32: padding split by a newline is fine, set trailing bits are ignored.
        assert_eq!(decode_base64("aG=\n=").as_deref(), Some(&b"h"[..]));
        assert_eq!(decode_base64("aGl=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("aGk=\n\nx"), None);
    }
}
