//! krust-patch: JSON 6902 patches (read as YAML or JSON) applied to a target, then
//! printing the result. Input: the target, then `-- patch --` and the patch.
#![no_main]

use krust_patch::{apply_json6902, parse_json6902};
use krust_yaml::{parse_document, to_yaml, Typing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = krust_fuzz::text(data);
    let files = krust_fuzz::split_files(&src, "target");
    let Ok(target) = parse_document(krust_fuzz::nth(&files, 0), "target.yaml", Typing::Kyaml)
    else {
        return;
    };
    let Ok(ops) = parse_json6902(krust_fuzz::nth(&files, 1), "patch.yaml") else {
        return;
    };
    if let Ok(out) = apply_json6902(&target, &ops) {
        let _ = to_yaml(&out);
    }
});
