//! `kbuild [build] DIR [--reorder=none|legacy] [--load-restrictor=LoadRestrictionsNone]`:
//! prints what `kubectl kustomize` prints for DIR (the differential fuzz's krust side, so it
//! needs only this crate).

use std::path::PathBuf;
use std::process::ExitCode;

use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, Options, Reorder};

fn main() -> ExitCode {
    let mut opts = Options::default();
    let mut dir = None;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "build" => {}
            "--reorder=none" => opts.reorder = Reorder::None,
            "--reorder=legacy" => opts.reorder = Reorder::Legacy,
            "--load-restrictor=LoadRestrictionsNone" => opts.load_restrictor = LoadRestrictor::None,
            "--load-restrictor=LoadRestrictionsRootOnly" => {
                opts.load_restrictor = LoadRestrictor::RootOnly
            }
            _ if a.starts_with('-') => {
                eprintln!("kbuild: unknown flag {a}");
                return ExitCode::from(2);
            }
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: kbuild [build] DIR [--reorder=none|legacy] [--load-restrictor=...]");
        return ExitCode::from(2);
    };
    let out = Kustomizer::new(opts)
        .build(&DiskFs, &dir)
        .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
        .and_then(|m| {
            m.to_yaml()
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
        });
    match out {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut msg = e.to_string();
            let mut src = e.source();
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            eprintln!("Error: {msg}");
            ExitCode::FAILURE
        }
    }
}
