//! krust-patch: strategic merge of a patch into a target (kustomize's options and the
//! builtin schema), then printing the result. Input: the target, then `-- patch --` and
//! the patch.
#![no_main]

use krust_patch::{merge, merge_with, ListIncrease, MergeOptions, Schema};
use krust_yaml::{parse_document, to_yaml, Typing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = krust_fuzz::text(data);
    let files = krust_fuzz::split_files(&src, "target");
    let Ok(target) = parse_document(krust_fuzz::nth(&files, 0), "target.yaml", Typing::Kyaml)
    else {
        return;
    };
    let Ok(patch) = parse_document(krust_fuzz::nth(&files, 1), "patch.yaml", Typing::Kyaml) else {
        return;
    };
    if let Ok(Some(out)) = merge(&target, &patch, Schema::builtin()) {
        let _ = to_yaml(&out);
    }
    let opts = MergeOptions {
        list_increase: ListIncrease::Append,
        ..MergeOptions::default()
    };
    let _ = merge_with(&target, &patch, Schema::builtin(), &opts);
});
