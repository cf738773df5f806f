//! krust-template: Go's `text/template` over Go-typed values, printing with Go's `fmt`.
//!
//! A [`Set`] holds many named templates parsed from many texts (Helm parses every template
//! of a chart and its subcharts into one set: `define`s are global and a later definition
//! replaces an earlier one). Parse once, then [`Set::execute`] any template with any data,
//! as often as needed; execution never re-parses.
//!
//! ```
//! use krust_template::{Set, Value};
//! let mut set = Set::new();
//! set.parse("greet", r#"{{ define "name" }}{{ .who }}{{ end }}hello {{ template "name" . }} {{ printf "%05.1f" 3.14159 }}"#).unwrap();
//! let yaml = krust_yaml::parse_document("who: world", "values.yaml", krust_yaml::Typing::Yaml11).unwrap();
//! let data = Value::from_yaml(&yaml);
//! assert_eq!(set.execute("greet", &data).unwrap(), "hello world 003.1");
//! ```
//!
//! Values ([`Value`]) model the Go types Helm templates meet: nil, `bool`, `int`, `int64`,
//! `float64`, `string`, slices and string-keyed maps (with their element type, so `%T`
//! prints `[]string`), and host objects ([`Object`]) with fields and methods. Functions
//! ([`Func`]) declare a [`Signature`] so the executor converts arguments as Go's reflection
//! does, and reach the executing set through [`CallCtx`] (Helm's `include` and `tpl`).
//!
//! # Limitations
//! - Only the Go types above exist: no channels, no complex numbers, no unsigned or
//!   sized integers other than `int`/`int64`, no pointers other than host objects.
//! - `Delims` is not supported; `html`/`js` escaping follow Go's `text/template` only.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod exec;
pub mod fmt;
pub mod func;
mod parse;
mod set;
pub mod value;

pub use error::Error;
pub use func::{CallCtx, Func, FuncError, FuncMap, Signature};
pub use set::{Limits, MissingKey, Options, Set};
pub use value::{List, Map, MapEntries, Object, Str, Type, Value};
