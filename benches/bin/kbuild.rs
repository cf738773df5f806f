//! `kbuild [build] DIR [--reorder none|legacy] [--load-restrictor LoadRestrictionsNone]`: what
//! `krust build DIR` does (build, print to stdout), with only krust-kustomize linked, so the
//! benchmarks and `benches/compare.sh` can measure the engine while other crates of the
//! workspace are being changed.

use std::io::Write;
use std::process::ExitCode;

use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, Options, Reorder};

fn main() -> ExitCode {
    let mut dir = None;
    let mut options = Options::default();
    // `build` first is accepted, so kbuild takes `krust build`'s command line.
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "build") {
        args.next();
    }
    while let Some(a) = args.next() {
        let (flag, value) = match a.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        match flag.as_str() {
            "--reorder" | "--load-restrictor" => {
                let Some(v) = value.or_else(|| args.next()) else {
                    eprintln!("kbuild: {flag} needs a value");
                    return ExitCode::from(2);
                };
                match (flag.as_str(), v.as_str()) {
                    ("--reorder", "none") => options.reorder = Reorder::None,
                    ("--reorder", "legacy") => options.reorder = Reorder::Legacy,
                    ("--load-restrictor", "LoadRestrictionsNone") => {
                        options.load_restrictor = LoadRestrictor::None
                    }
                    ("--load-restrictor", "LoadRestrictionsRootOnly") => {
                        options.load_restrictor = LoadRestrictor::RootOnly
                    }
                    _ => {
                        eprintln!("kbuild: bad value {v} for {flag}");
                        return ExitCode::from(2);
                    }
                }
            }
            _ if dir.is_none() => dir = Some(a),
            _ => {
                eprintln!("kbuild: unexpected argument {a}");
                return ExitCode::from(2);
            }
        }
    }
    let dir = dir.unwrap_or_else(|| ".".to_string());
    let out = Kustomizer::new(options)
        .build(&DiskFs, std::path::Path::new(&dir))
        .and_then(|m| m.to_yaml().map_err(Into::into));
    match out {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::from(1)
        }
    }
}
