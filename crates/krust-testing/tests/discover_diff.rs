//! Discovery of builds and the object diff, on small in-memory repositories written here.

use std::path::{Path, PathBuf};

use krust_kustomize::MemFs;
use krust_testing::diff::{compare, ChangeKind, Objects};
use krust_testing::discover::Graph;

fn repo() -> MemFs {
    MemFs::from_files([
        ("/r/base/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "/r/base/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ),
        (
            "/r/comp/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
        ),
        (
            "/r/dev/kustomization.yaml",
            "resources:\n- ../base\ncomponents:\n- ../comp\npatches:\n- path: p.yaml\n",
        ),
        (
            "/r/dev/p.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ),
        ("/r/prod/kustomization.yaml", "Resources:\n- ../base\n"),
        ("/r/broken/kustomization.yaml", "resources: [\n"),
        ("/r/.git/kustomization.yaml", "resources: []\n"),
        ("/r/notes.txt", "x"),
    ])
}

fn p(s: &str) -> PathBuf {
    PathBuf::from(s)
}

#[test]
fn roots_are_what_nothing_includes() {
    let g = Graph::scan(&repo(), Path::new("/r")).expect("scan");
    assert_eq!(g.roots(), [p("/r/broken"), p("/r/dev"), p("/r/prod")]);
    assert_eq!(
        g.levels(&g.roots()),
        [
            vec![p("/r/base"), p("/r/broken"), p("/r/comp")],
            vec![p("/r/dev"), p("/r/prod")],
        ]
    );
}

#[test]
fn a_changed_file_reaches_the_builds_that_include_it() {
    let g = Graph::scan(&repo(), Path::new("/r")).expect("scan");
    let reached = |f: &str| -> Vec<PathBuf> {
        g.roots()
            .into_iter()
            .filter(|b| g.reaches(b, Path::new(f)))
            .collect()
    };
    assert_eq!(reached("/r/base/cm.yaml"), [p("/r/dev"), p("/r/prod")]);
    assert_eq!(reached("/r/dev/p.yaml"), [p("/r/dev")]);
    assert_eq!(reached("/r/comp/kustomization.yaml"), [p("/r/dev")]);
    assert!(reached("/r/notes.txt").is_empty());
}

const A: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: t\nspec:\n  replicas: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n";
const B: &str = "apiVersion: apps/v1beta2\nkind: Deployment\nmetadata:\n  namespace: t\n  name: web\nspec:\n  replicas: 2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n";

// The expected hunk is what GNU `diff -u` prints for the two printed objects.
#[test]
fn objects_match_by_group_kind_namespace_name() {
    let a = Objects::parse(A, "a.yaml").expect("a");
    let b = Objects::parse(B, "b.yaml").expect("b");
    let report = compare(&a, &b);
    assert_eq!(
        report.summary(),
        "1 added, 1 removed, 1 changed, 0 unchanged"
    );
    let changed = report
        .changes
        .iter()
        .find_map(|c| match &c.kind {
            ChangeKind::Changed(d) => Some(d.clone()),
            _ => None,
        })
        .expect("one changed");
    assert_eq!(
        changed,
        "--- a/apps/Deployment t/web\n+++ b/apps/Deployment t/web\n@@ -1,7 +1,7 @@\n-apiVersion: apps/v1\n+apiVersion: apps/v1beta2\n kind: Deployment\n metadata:\n   name: web\n   namespace: t\n spec:\n-  replicas: 1\n+  replicas: 2\n"
    );
    assert!(compare(&a, &a).is_empty());
}

#[test]
fn key_order_and_quoting_are_not_changes() {
    let a = Objects::parse(
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\ndata: {a: 'x'}\n",
        "a",
    )
    .expect("a");
    let b = Objects::parse(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: x\n",
        "b",
    )
    .expect("b");
    assert!(compare(&a, &b).is_empty());
}

#[test]
fn a_document_without_a_name_is_an_error() {
    let e = Objects::parse("apiVersion: v1\nkind: ConfigMap\n", "x.yaml").expect_err("no name");
    assert_eq!(
        e.to_string(),
        "x.yaml: document 1 is not an object with kind and metadata.name"
    );
}
