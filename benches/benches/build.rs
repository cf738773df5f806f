//! Whole builds: gen_fleet.py fleets of 10, 100 and 1000 tenants (from disk, when
//! `../shared/bench/gen_fleet.py` and python3 are there), and the two stress shapes of issue
//! 11 at n = 1k, 2k, 4k, 8k, in memory: one patch file of n strategic-merge patches against
//! n ConfigMaps, and a Deployment whose `env` of n entries meets a patch of n entries (half
//! new). Both shapes were quadratic (27 s and 2.8 s at n = 4k); criterion's per-n times show
//! the growth, linear when the time per element stays flat.
//! `KRUST_BENCH_TENANTS=10,100` limits the fleet sizes.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, MemFs, Options, Reorder};

// Field assignment, not a struct literal: `Options` may become non-exhaustive.
#[allow(clippy::field_reassign_with_default)]
fn options() -> Options {
    let mut o = Options::default();
    o.reorder = Reorder::None;
    o.load_restrictor = LoadRestrictor::None;
    o
}

fn patches_fs(n: usize) -> MemFs {
    let mut res = String::new();
    let mut patch = String::new();
    for i in 0..n {
        res.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  a: x\n"
        ));
        patch.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  b: y{i}\n"
        ));
    }
    let mut fs = MemFs::new();
    fs.add_file("/k/res.yaml", res);
    fs.add_file("/k/patch.yaml", patch);
    fs.add_file(
        "/k/kustomization.yaml",
        "resources:\n- res.yaml\npatches:\n- path: patch.yaml\n",
    );
    fs
}

fn env_fs(n: usize) -> MemFs {
    let env = |prefix: &str, k: usize, v: &str| -> String {
        (0..k)
            .map(|i| format!("        - name: {prefix}{i}\n          value: {v}{i}\n"))
            .collect()
    };
    let head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n        env:\n";
    let mut fs = MemFs::new();
    fs.add_file("/k/dep.yaml", format!("{head}{}", env("E", n, "v")));
    fs.add_file(
        "/k/patch.yaml",
        format!("{head}{}{}", env("E", n / 2, "w"), env("F", n / 2, "v")),
    );
    fs.add_file(
        "/k/kustomization.yaml",
        "resources:\n- dep.yaml\npatches:\n- path: patch.yaml\n",
    );
    fs
}

fn stress(c: &mut Criterion) {
    let k = Kustomizer::new(options());
    for (name, make) in [
        ("patches_n_against_n", patches_fs as fn(usize) -> MemFs),
        ("env_merge_n", env_fs),
    ] {
        let mut g = c.benchmark_group(name);
        g.sample_size(10).measurement_time(Duration::from_secs(3));
        for n in [1000usize, 2000, 4000, 8000] {
            let fs = make(n);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), &fs, |b, fs| {
                b.iter(|| black_box(k.build(fs, Path::new("/k")).map(|m| m.len())))
            });
        }
        g.finish();
    }
}

fn fleet_dir(tenants: usize) -> Option<(tempfile::TempDir, PathBuf)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/gen_fleet.py");
    if !script.is_file() {
        return None;
    }
    let dir = tempfile::tempdir().ok()?;
    let ok = Command::new("python3")
        .arg(&script)
        .args(["--tenants", &tenants.to_string(), "--seed", "0", "--out"])
        .arg(dir.path().join("fleet"))
        .stdout(std::process::Stdio::null())
        .status()
        .ok()?
        .success();
    let cluster = dir.path().join("fleet/clusters/production");
    ok.then_some((dir, cluster))
}

fn fleets(c: &mut Criterion) {
    let sizes: Vec<usize> = std::env::var("KRUST_BENCH_TENANTS")
        .ok()
        .map(|s| s.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 100, 1000]);
    let mut g = c.benchmark_group("fleet_build");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in sizes {
        let Some((_keep, dir)) = fleet_dir(n) else {
            eprintln!("build bench: no gen_fleet.py fleet (needs ../shared and python3)");
            break;
        };
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("tenants", n), &dir, |b, dir| {
            b.iter(|| {
                let k = Kustomizer::new(options());
                black_box(
                    k.build(&DiskFs, dir)
                        .and_then(|m| m.to_yaml().map_err(Into::into))
                        .map(|s| s.len()),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stress, fleets);
criterion_main!(benches);
