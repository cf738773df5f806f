//! krust-yaml: read a stream with both typings, print what was read, and read the printed
//! text back. Only panics, hangs and runaway memory are failures here; rejecting input is
//! fine.
#![no_main]

use krust_yaml::{
    parse_document, parse_stream, parse_stream_with_comments, to_yaml_stream, Typing,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = krust_fuzz::text(data);
    for typing in [Typing::Kyaml, Typing::Yaml11] {
        if let Ok(docs) = parse_stream(&src, "fuzz.yaml", typing) {
            if let Ok(out) = to_yaml_stream(&docs) {
                // What krust prints it must be able to read again.
                let _ = parse_stream(&out, "printed.yaml", Typing::Kyaml);
            }
        }
        let _ = parse_document(&src, "fuzz.yaml", typing);
    }
    let _ = parse_stream_with_comments(&src, "fuzz.yaml", Typing::Kyaml);
});
