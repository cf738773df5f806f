//! krust-helm: Helm's `--set` parser (`strvals`), typed and string modes, into an empty
//! map and into a small existing tree. Input: the assignments (first line), and optionally
//! a YAML values document after `-- values --`.
#![no_main]

use krust_helm::strvals::{parse_into, SetMode};
use krust_yaml::{parse_document, to_yaml, Typing, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = krust_fuzz::text(data);
    let files = krust_fuzz::split_files(&src, "set");
    let set = krust_fuzz::nth(&files, 0);
    let base = parse_document(krust_fuzz::nth(&files, 1), "values.yaml", Typing::Yaml11)
        .unwrap_or_else(|_| Value::map());
    for mode in [SetMode::Typed, SetMode::String] {
        let mut v = Value::map();
        let _ = parse_into(set, &mut v, mode);
        let _ = to_yaml(&v);
        let mut v = base.clone();
        let _ = parse_into(set, &mut v, mode);
        let _ = to_yaml(&v);
    }
});
