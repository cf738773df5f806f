//! Prints the strategic merge of a patch file into each document of a target file:
//! `cargo run -p krust-patch --example smp -- TARGET PATCH`.

use krust_patch::{merge, Schema};
use krust_yaml::{parse_stream, to_yaml, Typing};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(t), Some(p)) = (args.get(1), args.get(2)) else {
        return Err("usage: smp TARGET PATCH".into());
    };
    let targets = parse_stream(&std::fs::read_to_string(t)?, t, Typing::Kyaml)?;
    let patches = parse_stream(&std::fs::read_to_string(p)?, p, Typing::Kyaml)?;
    for target in &targets {
        let mut cur = Some(target.clone());
        for patch in &patches {
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
                Some(c) => merge(&c, patch, Schema::builtin())?,
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
