//! One `Kustomizer` shared by many threads building overlays of one base: the results are
//! the same as building each overlay alone, and the same on disk as in memory.

use std::path::Path;

use krust_kustomize::{DiskFs, Kustomizer, MemFs, Options, Reorder};

const BASE_K: &str =
    "resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: app\n  literals:\n  - A=1\n";
const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        envFrom:\n        - configMapRef:\n            name: app\n";

fn overlay(i: usize) -> String {
    format!("namespace: team-{i}\nnamePrefix: t{i}-\nresources:\n- ../../base\n")
}

fn files(n: usize) -> Vec<(String, String)> {
    let mut f = vec![
        ("base/kustomization.yaml".to_string(), BASE_K.to_string()),
        ("base/deploy.yaml".to_string(), DEPLOY.to_string()),
    ];
    for i in 0..n {
        f.push((format!("overlays/o{i}/kustomization.yaml"), overlay(i)));
    }
    f
}

fn options() -> Options {
    Options::default().reorder(Reorder::None)
}

#[test]
fn parallel_builds_share_one_kustomizer() {
    const N: usize = 64;
    let fs = MemFs::from_files(files(N));
    let shared = Kustomizer::new(options());
    let outputs: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..N)
            .map(|i| {
                let (fs, k) = (&fs, &shared);
                s.spawn(move || {
                    let dir = format!("/overlays/o{i}");
                    k.build(fs, Path::new(&dir))
                        .expect("build")
                        .to_yaml()
                        .expect("print")
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for (i, out) in outputs.iter().enumerate() {
        let alone = Kustomizer::new(options())
            .build(&fs, Path::new(&format!("/overlays/o{i}")))
            .expect("build")
            .to_yaml()
            .expect("print");
        assert_eq!(out, &alone, "overlay {i}");
        assert!(
            out.contains(&format!("name: t{i}-web\n  namespace: team-{i}\n")),
            "{out}"
        );
    }
}

#[test]
fn disk_and_memory_builds_agree() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (p, text) in files(3) {
        let path = tmp.path().join(&p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    let mem = MemFs::from_files(files(3));
    for i in 0..3 {
        let on_disk = Kustomizer::new(options())
            .build(&DiskFs, &tmp.path().join(format!("overlays/o{i}")))
            .expect("disk build");
        let in_mem = Kustomizer::new(options())
            .build(&mem, Path::new(&format!("/overlays/o{i}")))
            .expect("memory build");
        assert_eq!(
            on_disk.to_yaml().expect("print"),
            in_mem.to_yaml().expect("print")
        );
    }
}
