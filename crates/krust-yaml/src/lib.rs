//! krust-yaml: read YAML the way kustomize types it, print it the way kustomize prints it.
//!
//! ```
//! use krust_yaml::Value;
//! let mut v = Value::map();
//! v.insert("kind", Value::from("ConfigMap"));
//! assert_eq!(v.str_at(&["kind"]), Some("ConfigMap"));
//! ```
//!
//! # Stack
//! Reading is iterative (an explicit stack of open collections), so no input nesting
//! overflows the reader, and the trees it returns are at most [`Limits::max_depth`] deep
//! (1,000 by default). Later stages recurse once per level: printing, strategic merges,
//! comparing and dropping a tree. A kustomize build of the deepest document the default
//! limits accept, patched by a strategic merge as deep, needs 7.4 MiB of thread stack in a
//! debug build (measured by krust-testing's tests/stack.rs): more than a spawned thread's
//! 2 MiB default. Give threads that build 16 MiB (krust-testing's fleet workers have
//! that), or read with a lower [`Limits::max_depth`].
//!
//! # Limitations
//! Comments are not part of the value tree.

#![forbid(unsafe_code)]

mod error;
pub mod hash;
mod print;
mod read;
mod scalar;
mod value;

pub use error::Error;
pub use print::{json_round_trip, to_yaml, to_yaml_stream, write_yaml};
pub use read::{
    decode_base64, parse_document, parse_document_with, parse_stream, parse_stream_with,
    parse_stream_with_comments, parse_stream_with_comments_with, Comment, DuplicateKeys, Limits,
    PathStep, ReadOptions, Typing,
};
pub use scalar::{is_timestamp, scalar_text};
pub use value::{Data, Key, Map, Mark, Seq, Str, Style, Value};
