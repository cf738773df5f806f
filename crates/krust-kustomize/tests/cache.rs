//! The sub-build cache of a `Kustomizer`: a shared base is accumulated once (also when
//! many threads miss it at the same time), and a cached base is never reused for a file
//! system that answers differently. Expected outputs were printed by `kubectl kustomize
//! --reorder=none` (kubectl v1.32, kustomize v5.5.0) on the same files.

use std::path::Path;
use std::sync::Barrier;

use krust_kustomize::{DiskFs, Kustomizer, MemFs, Options, Reorder};

const BASE_K: &str = "resources:\n- deploy.yaml\n";

fn deploy(image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {image}\n"
    )
}

/// `kubectl kustomize --reorder=none o1` with the base's image `image`.
fn expected(image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a-web\nspec:\n  template:\n    spec:\n      containers:\n      - image: {image}\n        name: web\n"
    )
}

fn options() -> Options {
    Options::default().reorder(Reorder::None)
}

fn tree(image: &str, overlays: usize) -> MemFs {
    let mut fs = MemFs::from_files([
        ("base/kustomization.yaml", BASE_K.to_string()),
        ("base/deploy.yaml", deploy(image)),
    ]);
    for i in 1..=overlays {
        fs.add_file(
            format!("o{i}/kustomization.yaml"),
            "namePrefix: a-\nresources:\n- ../base\n",
        );
    }
    fs
}

fn render(k: &Kustomizer, fs: &dyn krust_kustomize::FileSystem, dir: &Path) -> String {
    match k.build(fs, dir).map(|m| m.to_yaml()) {
        Ok(Ok(y)) => y,
        Ok(Err(e)) => panic!("printing {}: {e}", dir.display()),
        Err(e) => panic!("building {}: {e}", dir.display()),
    }
}

#[test]
fn concurrent_misses_of_one_base_build_it_once() {
    const N: usize = 16;
    let fs = tree("nginx:1.0", N);
    let k = Kustomizer::new(options());
    let start = Barrier::new(N);
    let outputs: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..=N)
            .map(|i| {
                let (fs, k, start) = (&fs, &k, &start);
                s.spawn(move || {
                    start.wait();
                    render(k, fs, Path::new(&format!("/o{i}")))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for out in &outputs {
        assert_eq!(out, &expected("nginx:1.0"));
    }
    let stats = k.cache_stats();
    // N overlays and the base once; without the cache (or with every miss building) the
    // base would count N times.
    assert_eq!(stats.accumulated, N as u64 + 1, "{stats:?}");
    assert_eq!(stats.reused, N as u64 - 1, "{stats:?}");
}

#[test]
fn sequential_builds_reuse_the_base() {
    let fs = tree("nginx:1.0", 3);
    let k = Kustomizer::new(options());
    for i in 1..=3 {
        assert_eq!(
            render(&k, &fs, Path::new(&format!("/o{i}"))),
            expected("nginx:1.0")
        );
    }
    let stats = k.cache_stats();
    assert_eq!((stats.accumulated, stats.reused, stats.stale), (4, 2, 0));
}

#[test]
fn a_mutated_memfs_is_not_served_stale() {
    let mut fs = tree("nginx:1.0", 1);
    let k = Kustomizer::new(options());
    assert_eq!(render(&k, &fs, Path::new("/o1")), expected("nginx:1.0"));
    fs.add_file("base/deploy.yaml", deploy("nginx:2.0"));
    assert_eq!(render(&k, &fs, Path::new("/o1")), expected("nginx:2.0"));
    assert_eq!(k.cache_stats().stale, 1);
}

#[test]
fn another_file_system_with_the_same_paths_is_not_served_stale() {
    let k = Kustomizer::new(options());
    let one = tree("nginx:1.0", 1);
    let two = tree("nginx:2.0", 1);
    assert_eq!(render(&k, &one, Path::new("/o1")), expected("nginx:1.0"));
    assert_eq!(render(&k, &two, Path::new("/o1")), expected("nginx:2.0"));
    assert_eq!(render(&k, &one, Path::new("/o1")), expected("nginx:1.0"));
    // The same files on a third file system: the cached base is still good.
    let three = tree("nginx:1.0", 1);
    let before = k.cache_stats().reused;
    assert_eq!(render(&k, &three, Path::new("/o1")), expected("nginx:1.0"));
    assert_eq!(k.cache_stats().reused, before + 1);
}

#[test]
fn files_changed_on_disk_are_read_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let write = |p: &str, text: &str| {
        let path = tmp.path().join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    };
    write("base/kustomization.yaml", BASE_K);
    write("base/deploy.yaml", &deploy("nginx:1.0"));
    write(
        "o1/kustomization.yaml",
        "namePrefix: a-\nresources:\n- ../base\n",
    );
    let k = Kustomizer::new(options());
    let dir = tmp.path().join("o1");
    assert_eq!(render(&k, &DiskFs, &dir), expected("nginx:1.0"));
    write("base/deploy.yaml", &deploy("nginx:2.0"));
    assert_eq!(render(&k, &DiskFs, &dir), expected("nginx:2.0"));
}

#[test]
fn a_new_file_in_a_base_directory_is_seen() {
    // The base becomes two files; kubectl prints the Service after the Deployment.
    let mut fs = tree("nginx:1.0", 1);
    let k = Kustomizer::new(options());
    assert_eq!(render(&k, &fs, Path::new("/o1")), expected("nginx:1.0"));
    fs.add_file(
        "base/kustomization.yaml",
        "resources:\n- deploy.yaml\n- svc.yaml\n",
    );
    fs.add_file(
        "base/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
    );
    assert_eq!(
        render(&k, &fs, Path::new("/o1")),
        format!(
            "{}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a-web\n",
            expected("nginx:1.0")
        )
    );
}
