//! A document nested as deep as the reader allows, patched by a strategic merge as deep,
//! builds and prints on a fleet worker thread (whose stack size `FleetRenderer` sets), with
//! the output of `kubectl kustomize` (v1.32 and v1.35 print the same bytes).
//!
//! `measure` (ignored) finds the smallest thread stack that build needs, by running it in
//! child processes (a stack overflow aborts the process): the figure in fleet.rs's docs.

use std::path::{Path, PathBuf};

use krust_kustomize::{Kustomizer, MemFs, Options};
use krust_testing::fleet::FleetRenderer;

/// Mappings under `spec` in the deepest document the reader accepts: with the root mapping
/// and `spec` itself that is `krust_yaml::Limits::DEFAULT.max_depth` (1,000) levels.
const LEVELS: usize = 998;

/// A resource named `name` whose `spec` nests `levels` mappings `a`, the innermost holding
/// `leaf: <leaf>`.
fn deep(levels: usize, name: &str, leaf: &str) -> String {
    let mut s = format!("apiVersion: v1\nkind: Deep\nmetadata:\n  name: {name}\nspec:\n");
    for i in 0..levels {
        s.push_str(&"  ".repeat(i + 1));
        s.push_str("a:\n");
    }
    s.push_str(&"  ".repeat(levels + 1));
    s.push_str(&format!("leaf: {leaf}\n"));
    s
}

fn fs(levels: usize) -> MemFs {
    MemFs::from_files([
        (
            "/r/app/kustomization.yaml".to_string(),
            "resources: [deep.yaml]\npatches:\n- path: patch.yaml\nnamePrefix: p-\n".to_string(),
        ),
        ("/r/app/deep.yaml".to_string(), deep(levels, "d", "x")),
        ("/r/app/patch.yaml".to_string(), deep(levels, "d", "y")),
    ])
}

#[test]
fn deepest_document_builds_on_a_fleet_worker() {
    let fs = fs(LEVELS);
    let kustomizer = Kustomizer::new(Options::default());
    let renderer = FleetRenderer::new(&kustomizer, &fs, Path::new("/r"), 1).expect("pool");
    let outputs = renderer.render(&[PathBuf::from("/r/app")], &|_| {});
    let yaml = match outputs.first().map(|o| &o.result) {
        Some(Ok(r)) => r.yaml.clone(),
        other => panic!("{other:?}"),
    };
    // kubectl quotes the patched `y` (a YAML 1.1 boolean).
    assert!(yaml == deep(LEVELS, "p-d", "\"y\""), "output differs");
}

#[test]
fn one_level_more_is_an_error_not_an_overflow() {
    let fs = fs(LEVELS + 1);
    let kustomizer = Kustomizer::new(Options::default());
    let renderer = FleetRenderer::new(&kustomizer, &fs, Path::new("/r"), 1).expect("pool");
    let outputs = renderer.render(&[PathBuf::from("/r/app")], &|_| {});
    let err = match outputs.first().map(|o| &o.result) {
        Some(Err(e)) => e.to_string(),
        other => panic!("{other:?}"),
    };
    assert!(err.contains("nesting deeper than 1000 levels"), "{err}");
}

fn builds_on(stack: usize) -> bool {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let fs = fs(LEVELS);
            let k = Kustomizer::new(Options::default());
            k.build(&fs, Path::new("/r/app"))
                .is_ok_and(|r| r.to_yaml().is_ok())
        })
        .is_ok_and(|h| h.join().unwrap_or(false))
}

#[test]
#[ignore = "run by `measure` in a child process"]
fn child() {
    let stack = std::env::var("STACK").ok().and_then(|s| s.parse().ok());
    assert!(stack.is_some_and(builds_on));
}

#[test]
#[ignore = "measurement: cargo test [--release] -p krust-testing --test stack -- --ignored --exact measure --nocapture"]
fn measure() {
    let exe = std::env::current_exe().expect("test binary");
    let ok = |stack: usize| {
        std::process::Command::new(&exe)
            .args(["--exact", "child", "--ignored", "--test-threads=1"])
            .env("STACK", stack.to_string())
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let (mut lo, mut hi) = (64usize << 10, 64usize << 20);
    assert!(ok(hi));
    while hi - lo > 16 << 10 {
        let mid = (lo + hi) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    eprintln!("smallest stack for {LEVELS} levels: {} KiB", hi >> 10);
}
