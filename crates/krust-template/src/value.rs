//! Go-typed values: what a template sees.
//!
//! Go's `text/template` works on `reflect.Value`s; Helm feeds it `map[string]interface{}`
//! trees decoded from JSON (so every number is `float64`), `int64`s from `--set`, and host
//! structs with methods (`.Files.Get`, `.Capabilities.APIVersions.Has`). [`Value`] models
//! exactly the Go types those templates meet, so `%T`, `eq` and `printf` behave as in Go.
//! Containers are behind [`Arc`]: cloning a value never copies a tree.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::func::{CallCtx, FuncError, Signature};

/// Shared immutable string.
pub type Str = Arc<str>;

/// A Go map with string keys; a `BTreeMap` because Go prints and ranges maps in key order.
pub type MapEntries = BTreeMap<Str, Value>;

/// The Go type of a value, a container element or a function parameter.
///
/// Only the types Helm templates meet are modelled; host types are [`Type::Object`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Type {
    /// `interface{}`: holds any value (the element type of JSON-decoded trees).
    Interface,
    /// `bool`.
    Bool,
    /// `int` (64 bits, as on every platform Helm ships for).
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `string`.
    String,
    /// `[]interface{}`.
    InterfaceSlice,
    /// `[]string`.
    StringSlice,
    /// `[]int`.
    IntSlice,
    /// `map[string]interface{}`.
    InterfaceMap,
    /// `map[string]string`.
    StringMap,
    /// `[][]interface{}` (sprig's `chunk`).
    InterfaceSliceSlice,
    /// A host type ([`Object`]); only `interface{}` parameters accept it unless the
    /// signature says `Object`.
    Object,
    /// A named host type as a parameter type (`time.Time`, `*semver.Version`): accepts an
    /// [`Object`] whose `type_name()` is this name; messages print the name. A name starting
    /// with `*` is a pointer type (nil allowed).
    Host(&'static str),
}

impl Type {
    /// Go's spelling of the type, as `%T` prints it (`[]interface {}`, `map[string]string`).
    pub fn go_name(self) -> &'static str {
        match self {
            Type::Interface => "interface {}",
            Type::Bool => "bool",
            Type::Int => "int",
            Type::Int64 => "int64",
            Type::Float64 => "float64",
            Type::String => "string",
            Type::InterfaceSlice => "[]interface {}",
            Type::StringSlice => "[]string",
            Type::IntSlice => "[]int",
            Type::InterfaceMap => "map[string]interface {}",
            Type::StringMap => "map[string]string",
            Type::InterfaceSliceSlice => "[][]interface {}",
            Type::Object => "object",
            Type::Host(name) => name,
        }
    }

    /// The zero value of the type (`nil` for interfaces, slices, maps and objects).
    pub fn zero(self) -> Value {
        match self {
            Type::Bool => Value::Bool(false),
            Type::Int => Value::Int(0),
            Type::Int64 => Value::Int64(0),
            Type::Float64 => Value::Float(0.0),
            Type::String => Value::String(Str::from("")),
            Type::InterfaceSlice
            | Type::StringSlice
            | Type::IntSlice
            | Type::InterfaceSliceSlice => Value::List(List {
                elem: self.elem(),
                items: Arc::new(Vec::new()),
                nil: true,
            }),
            Type::InterfaceMap | Type::StringMap => Value::Map(Map {
                nil: true,
                ..Map::new(self.elem(), MapEntries::new())
            }),
            Type::Interface | Type::Object | Type::Host(_) => Value::Nil,
        }
    }

    /// The element type of a slice or map type (`Interface` for anything else).
    pub fn elem(self) -> Type {
        match self {
            Type::StringSlice | Type::StringMap => Type::String,
            Type::IntSlice => Type::Int,
            Type::InterfaceSliceSlice => Type::InterfaceSlice,
            _ => Type::Interface,
        }
    }
}

/// A Go slice: its element type and items.
#[derive(Clone, Debug)]
pub struct List {
    /// Element type: `Interface` for `[]interface{}`, `String` for `[]string`, `Int` for `[]int`.
    pub elem: Type,
    /// The items; each already of the element type (an `Interface` slice holds anything).
    pub items: Arc<Vec<Value>>,
    /// A nil slice (prints `[]` like an empty one, but `eq` with nil and `%#v` differ).
    pub nil: bool,
}

/// A Go map with string keys: its element type and entries in key order.
///
/// Go maps are references: sprig's `set`/`unset`/`merge` change a map in place and every
/// holder of it (a variable, `.Values`, another map) sees the change. So the entries are
/// shared behind a lock, and cloning a `Map` clones the reference, not the entries.
#[derive(Clone, Debug)]
pub struct Map {
    /// Element type: `Interface` for `map[string]interface{}`, `String` for `map[string]string`.
    pub elem: Type,
    entries: Arc<RwLock<MapEntries>>,
    /// A nil map (reads like an empty one; Go panics on writing to it).
    pub nil: bool,
}

impl Map {
    /// A new map of the given element type holding `entries`.
    pub fn new(elem: Type, entries: MapEntries) -> Map {
        Map {
            elem,
            entries: Arc::new(RwLock::new(entries)),
            nil: false,
        }
    }

    /// Reads the entries (sorted by key). Do not call functions that write this map while
    /// holding the guard.
    pub fn read(&self) -> RwLockReadGuard<'_, MapEntries> {
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the entries in place; every holder of the map sees the change.
    pub fn write(&self) -> RwLockWriteGuard<'_, MapEntries> {
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The value at `key` (a cheap clone).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Sets `key` in place.
    pub fn insert(&self, key: impl Into<Str>, value: Value) {
        self.write().insert(key.into(), value);
    }

    /// Removes `key` in place.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.write().remove(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// A copy of the entries (values shared) — a new, independent Go map's contents.
    pub fn snapshot(&self) -> MapEntries {
        self.read().clone()
    }

    /// Whether both are the same Go map (same reference).
    pub fn same(&self, other: &Map) -> bool {
        Arc::ptr_eq(&self.entries, &other.entries)
    }
}

/// A Go value as templates see it.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// The nil interface (`<no value>` when a template prints it, `<nil>` inside fmt).
    #[default]
    Nil,
    /// `bool`.
    Bool(bool),
    /// Go `int` (what untyped integer constants in templates become).
    Int(i64),
    /// Go `int64` (integers from `--set`, sprig's `int64`).
    Int64(i64),
    /// `float64` (every number decoded from YAML/JSON values).
    Float(f64),
    /// `string`.
    String(Str),
    /// A slice (`[]interface{}`, `[]string`, `[]int`).
    List(List),
    /// A map with string keys (`map[string]interface{}`, `map[string]string`).
    Map(Map),
    /// A host object (struct or pointer with fields and methods).
    Object(Arc<dyn Object>),
}

/// A host object: a Go struct (or pointer to one) with fields and methods, such as Helm's
/// `.Release`, `.Files` or `.Capabilities`.
///
/// Field chains resolve as Go does: a method of that name first, then a field; neither is
/// the error `can't evaluate field X in type T`.
pub trait Object: fmt::Debug + Send + Sync + 'static {
    /// Go's type name as `%T` prints it (`*chart.Metadata`, `engine.files`).
    fn type_name(&self) -> &str;

    /// The field `name`, or `None` when the type has no such field.
    fn field(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }

    /// The signature of method `name`, or `None` when the type has no such method.
    fn method(&self, name: &str) -> Option<Signature> {
        let _ = name;
        None
    }

    /// Calls method `name` (one [`Object::method`] returned a signature for) with arguments
    /// already converted to that signature's parameter types.
    fn call_method(
        &self,
        name: &str,
        args: &[Value],
        ctx: &mut CallCtx<'_, '_>,
    ) -> Result<Value, FuncError> {
        let _ = (args, ctx);
        Err(FuncError::new(format!("method {name} not implemented")))
    }

    /// The value the object stands for when indexed, ranged over, measured with `len` or
    /// compared (a named map or slice type such as Helm's `chartutil.Values` or
    /// `VersionSet`). `None` for plain structs.
    fn underlying(&self) -> Option<Value> {
        None
    }

    /// Writes the object as `%v` prints it (`{a b}`, `&{...}`). The default prints the
    /// underlying value, or `{}`.
    fn format(&self, out: &mut String) {
        match self.underlying() {
            Some(v) => crate::fmt::write_value(out, &v),
            None => out.push_str("{}"),
        }
    }

    /// reflect's Kind name as sprig's `kindOf` prints it (`ptr`, `struct`, `map`, `slice`).
    fn kind(&self) -> &'static str {
        match self.underlying() {
            Some(v) => v.kind(),
            None => "ptr",
        }
    }

    /// Truth as `if` sees it: non-nil pointers and structs are true.
    fn truthy(&self) -> bool {
        match self.underlying() {
            Some(v) => v.truthy(),
            None => true,
        }
    }

    /// For downcasting in function implementations.
    fn as_any(&self) -> &dyn Any;
}

impl Value {
    /// A `string`.
    pub fn str(s: impl Into<Str>) -> Value {
        Value::String(s.into())
    }

    /// A `[]interface{}`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List {
            elem: Type::Interface,
            items: Arc::new(items),
            nil: false,
        })
    }

    /// A `[]string`.
    pub fn string_list<S: Into<Str>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::List(List {
            elem: Type::String,
            items: Arc::new(items.into_iter().map(|s| Value::String(s.into())).collect()),
            nil: false,
        })
    }

    /// A slice with the given element type (`items` must already be of that type).
    pub fn typed_list(elem: Type, items: Vec<Value>) -> Value {
        Value::List(List {
            elem,
            items: Arc::new(items),
            nil: false,
        })
    }

    /// A `map[string]interface{}`.
    pub fn map(entries: MapEntries) -> Value {
        Value::Map(Map::new(Type::Interface, entries))
    }

    /// A map with the given element type (`entries` must already be of that type).
    pub fn typed_map(elem: Type, entries: MapEntries) -> Value {
        Value::Map(Map::new(elem, entries))
    }

    /// A host object.
    pub fn object(obj: impl Object) -> Value {
        Value::Object(Arc::new(obj))
    }

    /// The Go type of the value (`Interface` for nil; `Object` for host objects).
    pub fn go_type(&self) -> Type {
        match self {
            Value::Nil => Type::Interface,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Int64(_) => Type::Int64,
            Value::Float(_) => Type::Float64,
            Value::String(_) => Type::String,
            Value::List(l) => match l.elem {
                Type::String => Type::StringSlice,
                Type::Int => Type::IntSlice,
                Type::InterfaceSlice => Type::InterfaceSliceSlice,
                _ => Type::InterfaceSlice,
            },
            Value::Map(m) => match m.elem {
                Type::String => Type::StringMap,
                _ => Type::InterfaceMap,
            },
            Value::Object(_) => Type::Object,
        }
    }

    /// The name `%T` prints (`<nil>` for nil, the host's name for objects).
    pub fn type_name(&self) -> &str {
        match self {
            Value::Nil => "<nil>",
            Value::Object(o) => o.type_name(),
            v => v.go_type().go_name(),
        }
    }

    /// reflect's Kind name (`kindOf`): `invalid` for nil, `int`, `int64`, `float64`,
    /// `string`, `bool`, `slice`, `map`, or the object's own.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind(),
        }
    }

    /// Go template truth (`if`, `and`, `not`): false, 0, "", nil, and empty slices and maps
    /// are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => o.truthy(),
        }
    }

    /// The string, if this is a `string`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The slice, if this is a slice.
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Whether this is the nil interface.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Map lookup (`None` when not a map or the key is missing).
    pub fn get(&self, key: &str) -> Option<Value> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// Converts a YAML tree as Helm's values loading does (`sigs.k8s.io/yaml` then JSON
    /// decoding): numbers become `float64`, mappings `map[string]interface{}`, sequences
    /// `[]interface{}`.
    pub fn from_yaml(v: &krust_yaml::Value) -> Value {
        use krust_yaml::Data;
        match &v.data {
            Data::Null => Value::Nil,
            Data::Bool(b) => Value::Bool(*b),
            Data::Int(i) => Value::Float(*i as f64),
            Data::Uint(u) => Value::Float(*u as f64),
            Data::Float(f) => Value::Float(*f),
            Data::String(s) => Value::String(s.clone()),
            Data::Seq(seq) => Value::list(seq.iter().map(Value::from_yaml).collect()),
            Data::Map(map) => Value::map(
                map.iter()
                    .map(|(k, v)| (k.as_shared().clone(), Value::from_yaml(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to a YAML tree (maps in key order; `int`/`int64` become YAML ints, objects
    /// their underlying value or null).
    pub fn to_yaml(&self) -> krust_yaml::Value {
        use krust_yaml::{Data, Value as Y};
        match self {
            Value::Nil => Y::null(),
            Value::Bool(b) => Y::new(Data::Bool(*b)),
            Value::Int(i) | Value::Int64(i) => Y::new(Data::Int(*i)),
            Value::Float(f) => Y::new(Data::Float(*f)),
            Value::String(s) => Y::new(Data::String(s.clone())),
            Value::List(l) => Y::from_seq(l.items.iter().map(Value::to_yaml).collect()),
            Value::Map(m) => Y::from_map(
                m.read()
                    .iter()
                    .map(|(k, v)| (krust_yaml::Key::new(k.clone()), v.to_yaml()))
                    .collect(),
            ),
            Value::Object(o) => o.underlying().map(|v| v.to_yaml()).unwrap_or_default(),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl fmt::Display for Value {
    /// `%v` as Go's fmt prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        crate::fmt::write_value(&mut s, self);
        f.write_str(&s)
    }
}
