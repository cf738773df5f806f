//! The value tree shared by every krust crate.
//!
//! A [`Value`] is a typed YAML node (null, bool, integer, float, string, sequence or
//! mapping) plus the position it was read from. Containers are behind [`Arc`], so cloning a
//! value is cheap and a transform copies only the path it changes (`Arc::make_mut`, as jaq's
//! values do). Equality ignores positions and styles.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

/// Shared, immutable string used for mapping keys and string scalars.
pub type Str = Arc<str>;

/// An ordered mapping. Insertion order is kept; lookups are hashed.
pub type Map = IndexMap<Key, Value, crate::hash::FastState>;

/// A mapping key: its text, and whether the source wrote it as something other than a
/// string (`6443:` is an int key). Keys compare and hash by text alone, so `get("6443")`
/// finds an int key, and inserting over an existing key keeps the existing key's kind (as
/// kyaml keeps the destination key when merging). kustomize can only print string keys below
/// a document's root, so the printer refuses a key marked `non_string`.
#[derive(Clone, Debug)]
pub struct Key {
    text: Str,
    non_string: bool,
}

impl Key {
    /// A string key.
    pub fn new(text: impl Into<Str>) -> Self {
        Key {
            text: text.into(),
            non_string: false,
        }
    }

    /// A key written as a non-string scalar (int, bool, float, ...); `text` is how it was written.
    pub fn non_string(text: impl Into<Str>) -> Self {
        Key {
            text: text.into(),
            non_string: true,
        }
    }

    /// Whether the source wrote this key as a non-string scalar.
    pub fn is_non_string(&self) -> bool {
        self.non_string
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The shared text of the key.
    pub fn as_shared(&self) -> &Str {
        &self.text
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for Key {}
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state)
    }
}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}
impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.text
    }
}
impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}
impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        &self.text
    }
}
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key::new(s)
    }
}
impl From<String> for Key {
    fn from(s: String) -> Self {
        Key::new(s)
    }
}
impl From<Str> for Key {
    fn from(s: Str) -> Self {
        Key::new(s)
    }
}
impl From<&Str> for Key {
    fn from(s: &Str) -> Self {
        Key::new(s.clone())
    }
}
impl From<Key> for Str {
    fn from(k: Key) -> Self {
        k.text
    }
}
impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        &*self.text == other
    }
}
impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        &*self.text == *other
    }
}

/// A sequence of values.
pub type Seq = Vec<Value>;

/// Where a node started in its source: 1-based line and column. `line == 0` means the node
/// was made by krust, not read from a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mark {
    pub line: u32,
    pub col: u32,
}

impl Mark {
    /// A node made in code.
    pub const NONE: Mark = Mark { line: 0, col: 0 };

    pub fn new(line: u32, col: u32) -> Self {
        Mark { line, col }
    }

    pub fn is_none(&self) -> bool {
        self.line == 0
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// How a node was written in its source. Output never depends on it (kustomize re-prints
/// everything), but some kyaml behaviours do: a null written as an empty value (`key:`) is
/// dropped by strategic merge where a written `null` or `~` is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Style {
    /// Made in code, or the style is unknown.
    #[default]
    Any,
    /// A plain scalar with text.
    Plain,
    /// A plain scalar with no text at all (`key:`), i.e. an implicit null. In a flow
    /// mapping (`{x: }`) the data is `""` (what kyaml's re-encoding makes of it), but the
    /// style still says it was written empty, which a strategic merge needs.
    Empty,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    /// A flow collection (`[a, b]`, `{a: b}`).
    Flow,
    /// A block collection.
    Block,
}

/// The typed content of a node.
#[derive(Clone, Debug)]
pub enum Data {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` (go-yaml decodes those as `uint64`).
    Uint(u64),
    Float(f64),
    String(Str),
    Seq(Arc<Seq>),
    Map(Arc<Map>),
}

/// A YAML node: typed data, where it came from, and how it was written.
#[derive(Clone, Debug)]
pub struct Value {
    /// The typed content.
    pub data: Data,
    /// Where the node started in its source.
    pub mark: Mark,
    /// How the node was written.
    pub style: Style,
    /// The source text of a non-string scalar read from YAML (see [`Value::source_text`]).
    /// A thin pointer (8 bytes): most values never have one.
    text: Option<Arc<String>>,
}

impl PartialEq for Data {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Data::Null, Data::Null) => true,
            (Data::Bool(a), Data::Bool(b)) => a == b,
            (Data::Int(a), Data::Int(b)) => a == b,
            (Data::Uint(a), Data::Uint(b)) => a == b,
            (Data::Int(a), Data::Uint(b)) | (Data::Uint(b), Data::Int(a)) => {
                u64::try_from(*a).is_ok_and(|a| a == *b)
            }
            (Data::Float(a), Data::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Data::String(a), Data::String(b)) => a == b,
            (Data::Seq(a), Data::Seq(b)) => Arc::ptr_eq(a, b) || a == b,
            (Data::Map(a), Data::Map(b)) => Arc::ptr_eq(a, b) || maps_equal(a, b),
            _ => false,
        }
    }
}

/// Maps are equal when they hold the same entries in the same order (YAML output is
/// key-sorted, but kyaml-level operations see the order).
fn maps_equal(a: &Map, b: &Map) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|((ka, va), (kb, vb))| ka == kb && va == vb)
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

impl Default for Value {
    fn default() -> Self {
        Value::null()
    }
}

impl Value {
    /// A node with no position and no style.
    pub fn new(data: Data) -> Self {
        Value {
            data,
            mark: Mark::NONE,
            style: Style::Any,
            text: None,
        }
    }

    /// A node read at `mark`, written in `style`.
    pub fn with_mark(data: Data, mark: Mark, style: Style) -> Self {
        Value {
            data,
            mark,
            style,
            text: None,
        }
    }

    /// The text a non-string scalar (null, bool, int, float) was written with, exactly as
    /// in the source (`0x1F`, `1e300`, `~`, `True`, `1.0`; `""` for an empty `key:`), for
    /// what kyaml reads from `yaml.Node.Value` (annotation values, for one). Also the text
    /// of a date the kyaml reader turned into an RFC 3339 string (`2001-12-14`, whose data
    /// is `"2001-12-14T00:00:00Z"`). `None` for other strings, collections and values made
    /// in code. The text follows the value through clones and moves; a new value
    /// (`Value::new`, `From`) has none. Code that assigns `data` directly should call
    /// [`Value::clear_source_text`].
    pub fn source_text(&self) -> Option<&str> {
        match self.data {
            Data::Null
            | Data::Bool(_)
            | Data::Int(_)
            | Data::Uint(_)
            | Data::Float(_)
            | Data::String(_) => self.text.as_deref().map(String::as_str),
            _ => None,
        }
    }

    /// Forgets the source text (after changing `data` in place).
    pub fn clear_source_text(&mut self) {
        self.text = None;
    }

    /// Records the source text of a scalar the reader typed as non-string.
    pub(crate) fn set_source_text(&mut self, text: &str) {
        self.text = Some(Arc::new(text.to_string()));
    }

    pub fn null() -> Self {
        Value::new(Data::Null)
    }

    pub fn string(s: impl Into<Str>) -> Self {
        Value::new(Data::String(s.into()))
    }

    /// An empty mapping.
    pub fn map() -> Self {
        Value::new(Data::Map(Arc::new(Map::default())))
    }

    pub fn from_map(map: Map) -> Self {
        Value::new(Data::Map(Arc::new(map)))
    }

    pub fn from_seq(seq: Seq) -> Self {
        Value::new(Data::Seq(Arc::new(seq)))
    }

    /// The same data at another position (used when a transform replaces a node and the
    /// error position should stay the user's).
    pub fn at(mut self, mark: Mark) -> Self {
        self.mark = mark;
        self
    }

    // ---- kind tests -------------------------------------------------------------------

    pub fn is_null(&self) -> bool {
        matches!(self.data, Data::Null)
    }
    pub fn is_map(&self) -> bool {
        matches!(self.data, Data::Map(_))
    }
    pub fn is_seq(&self) -> bool {
        matches!(self.data, Data::Seq(_))
    }
    pub fn is_string(&self) -> bool {
        matches!(self.data, Data::String(_))
    }
    /// Null, bool, number or string.
    pub fn is_scalar(&self) -> bool {
        !matches!(self.data, Data::Seq(_) | Data::Map(_))
    }

    /// A short name of the node's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.data {
            Data::Null => "null",
            Data::Bool(_) => "bool",
            Data::Int(_) | Data::Uint(_) => "int",
            Data::Float(_) => "float",
            Data::String(_) => "string",
            Data::Seq(_) => "sequence",
            Data::Map(_) => "mapping",
        }
    }

    /// The JSON type name Go's `encoding/json` reports for the node in type errors
    /// (`number`, `string`, `array`, `object`, ...).
    pub fn json_type_name(&self) -> &'static str {
        match self.data {
            Data::Null => "null",
            Data::Bool(_) => "bool",
            Data::Int(_) | Data::Uint(_) | Data::Float(_) => "number",
            Data::String(_) => "string",
            Data::Seq(_) => "array",
            Data::Map(_) => "object",
        }
    }

    // ---- borrowing accessors ----------------------------------------------------------

    pub fn as_str(&self) -> Option<&str> {
        match &self.data {
            Data::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.data {
            Data::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self.data {
            Data::Int(i) => Some(i),
            Data::Uint(u) => i64::try_from(u).ok(),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self.data {
            Data::Int(i) => Some(i as f64),
            Data::Uint(u) => Some(u as f64),
            Data::Float(f) => Some(f),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&Map> {
        match &self.data {
            Data::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&Seq> {
        match &self.data {
            Data::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Mutable access to a mapping; copies it first if it is shared.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.data {
            Data::Map(m) => Some(Arc::make_mut(m)),
            _ => None,
        }
    }
    /// Mutable access to a sequence; copies it first if it is shared.
    pub fn as_seq_mut(&mut self) -> Option<&mut Seq> {
        match &mut self.data {
            Data::Seq(s) => Some(Arc::make_mut(s)),
            _ => None,
        }
    }

    /// `self[key]` for a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }
    /// `&mut self[key]` for a mapping (copy-on-write).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_map_mut().and_then(|m| m.get_mut(key))
    }
    /// `self[index]` for a sequence.
    pub fn get_index(&self, index: usize) -> Option<&Value> {
        self.as_seq().and_then(|s| s.get(index))
    }

    /// Follows mapping keys from `self`: `v.path(&["metadata", "name"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }
    /// Mutable [`Value::path`] (copy-on-write along the path).
    pub fn path_mut(&mut self, keys: &[&str]) -> Option<&mut Value> {
        keys.iter().try_fold(self, |v, k| v.get_mut(k))
    }

    /// The string at `keys`, if there is one.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(Value::as_str)
    }

    /// A JSON Pointer (RFC 6901) lookup: `/spec/containers/0/name`.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |v, token| {
            let token = token.replace("~1", "/").replace("~0", "~");
            match &v.data {
                Data::Map(m) => m.get(token.as_str()),
                Data::Seq(s) => token.parse::<usize>().ok().and_then(|i| s.get(i)),
                _ => None,
            }
        })
    }

    /// Inserts `key: value` into a mapping, keeping the key's place if it exists. Returns the
    /// old value. Does nothing and returns `None` when `self` is not a mapping.
    pub fn insert(&mut self, key: impl Into<Key>, value: Value) -> Option<Value> {
        self.as_map_mut().and_then(|m| m.insert(key.into(), value))
    }

    /// Removes `key` from a mapping, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.as_map_mut().and_then(|m| m.shift_remove(key))
    }

    /// The mapping at `key`, created (as an empty mapping) if absent or null. Returns `None`
    /// when `self` is not a mapping, or `key` holds something that is not a mapping.
    pub fn entry_map(&mut self, key: &str) -> Option<&mut Value> {
        let map = self.as_map_mut()?;
        let slot = map.entry(Key::from(key)).or_insert_with(Value::map);
        if slot.is_null() {
            *slot = Value::map();
        }
        if slot.is_map() {
            Some(slot)
        } else {
            None
        }
    }

    /// Takes the value out, leaving null.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::string(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::string(s)
    }
}
impl From<Str> for Value {
    fn from(s: Str) -> Self {
        Value::new(Data::String(s))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::new(Data::Bool(b))
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::new(Data::Int(i))
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::new(Data::Float(f))
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::from_map(m)
    }
}
impl From<Seq> for Value {
    fn from(s: Seq) -> Self {
        Value::from_seq(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_is_shallow_and_writes_copy() {
        let mut a = Value::map();
        a.insert("k", Value::from("v"));
        let b = a.clone();
        a.insert("k", Value::from("w"));
        assert_eq!(b.str_at(&["k"]), Some("v"));
        assert_eq!(a.str_at(&["k"]), Some("w"));
    }

    #[test]
    fn pointer_walks_maps_and_seqs() {
        let mut inner = Map::default();
        inner.insert("a/b".into(), Value::from(1i64));
        let v = Value::from_seq(vec![Value::from_map(inner)]);
        assert_eq!(v.pointer("/0/a~1b").and_then(Value::as_i64), Some(1));
        assert!(v.pointer("/1").is_none());
    }

    #[test]
    fn equality_ignores_marks() {
        let a = Value::with_mark(Data::Int(3), Mark::new(1, 2), Style::Plain);
        assert_eq!(a, Value::from(3i64));
    }
}
