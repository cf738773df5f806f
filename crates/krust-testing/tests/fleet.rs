//! The fleet renderer gives the same outputs with one worker (plain builds) and with two
//! (shared bases built first, height by height, into the sub-build cache).

use std::path::Path;

use krust_kustomize::{Kustomizer, MemFs, Options};
use krust_testing::fleet::FleetRenderer;

fn fleet() -> MemFs {
    let mut files = vec![(
        "/f/components/label/kustomization.yaml".to_string(),
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels: {c: x}\n"
            .to_string(),
    )];
    let mut staging = String::from("resources:\n");
    let mut production = String::from("resources:\n");
    for t in 0..6 {
        files.push((
            format!("/f/tenants/base/t{t}/kustomization.yaml"),
            "resources: [cm.yaml]\n".to_string(),
        ));
        files.push((
            format!("/f/tenants/base/t{t}/cm.yaml"),
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{t}}}\ndata: {{t: '{t}'}}\n"
            ),
        ));
        for env in ["staging", "production"] {
            files.push((
                format!("/f/tenants/{env}/t{t}/kustomization.yaml"),
                format!("namespace: t{t}-{env}\nresources: [../../base/t{t}]\ncomponents: [../../../components/label]\n"),
            ));
        }
        staging.push_str(&format!("- ../../tenants/staging/t{t}\n"));
        production.push_str(&format!("- ../../tenants/production/t{t}\n"));
    }
    files.push(("/f/clusters/staging/kustomization.yaml".into(), staging));
    files.push((
        "/f/clusters/production/kustomization.yaml".into(),
        production,
    ));
    files.push((
        "/f/broken/kustomization.yaml".into(),
        "resources: [../tenants/base/nope]\n".into(),
    ));
    MemFs::from_files(files)
}

fn render(jobs: usize) -> Vec<(String, Result<String, String>)> {
    let fs = fleet();
    let kz = Kustomizer::new(Options::default());
    let r = FleetRenderer::new(&kz, &fs, Path::new("/f"), jobs).expect("pool");
    let builds = r.scan().expect("scan");
    r.render(&builds, &|_| {})
        .into_iter()
        .map(|o| (o.name, o.result.map(|r| r.yaml).map_err(|e| e.to_string())))
        .collect()
}

#[test]
fn one_worker_and_two_render_the_same() {
    let one = render(1);
    let names: Vec<&str> = one.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["broken", "clusters/production", "clusters/staging"]);
    assert!(one[0].1.is_err());
    assert!(one[2]
        .1
        .as_ref()
        .is_ok_and(|y| y.contains("namespace: t5-staging")));
    assert_eq!(one, render(2));
}
