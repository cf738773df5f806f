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
//! Errors print as Go prints them: parse errors `template: NAME:LINE: MESSAGE`, execution
//! errors `template: FILE:LINE:COL: executing "NAME" at <NODE>: MESSAGE` with the node Go's
//! executor was at, and function errors wrapped as `error calling NAME: MESSAGE`.
//!
//! Hostile input cannot hang or crash the process: [`Limits`] bound steps (default 50
//! million), output size (default 64 MiB) and template/include nesting (default 1500);
//! deep recursion runs on a heap-grown stack.
//!
//! # Limitations
//! - Only the Go types above exist: no channels, funcs, complex numbers, unsigned or sized
//!   integers other than `int`/`int64` (`index "abc" 0` yields an `int`, Go a `uint8`), and
//!   no pointers other than host objects. Complex constants are a parse error.
//! - `call` has no function values to call; `%p` and `%b` on floats are not implemented.
//! - `%#v` of a host object prints its `%v` form.
//! - `Delims` is not supported; `html`/`js` escaping follow Go's `text/template` only.
//! - Go allows 100000 nested `template` calls; the default [`Limits::max_depth`] is 1500.
//! - `\x`/octal escapes that form invalid UTF-8 in string literals become U+FFFD.

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
pub use func::{BuildHash, CallCtx, Func, FuncError, FuncMap, Signature};
pub use set::{Limits, MissingKey, Options, Set};
pub use value::{List, Map, MapEntries, Object, Str, Type, Value};
