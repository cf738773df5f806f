//! Prints a JSON 6902 patch file applied to the first document of a target file:
//! `cargo run -p krust-patch --example json6902 -- TARGET PATCH`.

use krust_patch::{apply_json6902, parse_json6902};
use krust_yaml::{parse_document, to_yaml, Typing};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(t), Some(p)) = (args.get(1), args.get(2)) else {
        return Err("usage: json6902 TARGET PATCH".into());
    };
    let target = parse_document(&std::fs::read_to_string(t)?, t, Typing::Kyaml)?;
    let ops = parse_json6902(&std::fs::read_to_string(p)?, p)?;
    match apply_json6902(&target, &ops) {
        Ok(v) => print!("{}", to_yaml(&v)?),
        Err(e) => println!("ERROR: {e}"),
    }
    Ok(())
}
