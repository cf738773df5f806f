//! Prints the strategic merge of a patch file into each document of a target file:
//! `cargo run -p krust-patch --example smp -- TARGET PATCH`.

use krust_patch::{merge_with, CommentSchemas, MergeOptions, Schema};
use krust_yaml::{parse_stream_with_comments, to_yaml, Typing};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(t), Some(p)) = (args.get(1), args.get(2)) else {
        return Err("usage: smp TARGET PATCH".into());
    };
    let tsrc = std::fs::read_to_string(t)?;
    let psrc = std::fs::read_to_string(p)?;
    let (targets, tcom) = parse_stream_with_comments(&tsrc, t, Typing::Kyaml)?;
    let (patches, pcom) = parse_stream_with_comments(&psrc, p, Typing::Kyaml)?;
    let schema = Schema::builtin();

    for (ti, target) in targets.iter().enumerate() {
        let mut cur = Some(target.clone());
        for (pi, patch) in patches.iter().enumerate() {
            // kustomize applies a patch to the resource with its kind and name.
            let id = |v: &krust_yaml::Value| {
                (
                    v.get("kind").cloned(),
                    v.path(&["metadata", "name"]).cloned(),
                )
            };
            if id(patch) != id(target) {
                continue;
            }
            cur = match cur {
                Some(c) => {
                    let opts = MergeOptions {
                        target_comments: CommentSchemas::from_comments(target, ti, &tcom, schema),
                        patch_comments: CommentSchemas::from_comments(patch, pi, &pcom, schema),
                        ..MergeOptions::default()
                    };
                    merge_with(&c, patch, schema, &opts)?
                }
                None => None,
            };
        }
        match cur {
            Some(v) => print!("---\n{}", to_yaml(&v)?),
            None => println!("--- (deleted)"),
        }
    }
    Ok(())
}
