//! The `flux-fixtures` suite: every fixture with `expected/flux/<cluster>/` is rendered per
//! cluster with `krust_flux::render_cluster`, and
//! * each `<ns>--<name>.yaml` is compared byte for byte with that Kustomization's build
//!   output (case `<fixture>/<cluster>/<ns>--<name>`);
//! * `cluster.yaml` is compared as data with `krust_flux::cluster_view` (mapping order
//!   ignored, list order kept; case `<fixture>/<cluster>/cluster.yaml`).
//!
//! Source resolution follows `spec/flux-fixtures.md` §2: the fixture's own tree is
//! `GitRepository flux-system/flux-system`; `GitRepository apps/dev-team` is the
//! `flux2-multi-tenancy-dev-team` fixture. The fixtures' `expected/` directories are not
//! part of the upstream trees and are excluded from every artifact.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use krust_flux::{
    cluster_view, render_cluster, ClusterOptions, ClusterRender, ObjectKey, SourceMapping,
};
use krust_kustomize::DiskFs;
use krust_yaml::{Data, Typing, Value};

use crate::case::{run_jobs, CaseResult, Job, Limits, Outcome};
use crate::suites::canonical::first_difference;

/// Cases whose expectation contradicts upstream source: (case id, reason with citation).
/// Cases that fail for a documented reason (none at present).
///
/// Divergences between the Flux documentation (or flux-semantics.md) and the controllers'
/// source, where krust follows the source; no fixture case exercises them, so none fails:
///
/// * **ArtifactGenerator glob destination.** source-watcher's docs say
///   `from: "@source/configs/*.yaml"`, `to: "@artifact/apps/"` "creates apps/file1.yaml"
///   (fluxcd/source-watcher `docs/spec/v1beta1/artifactgenerators.md` lines 343–345, commit
///   825fa15). The code strips the matched directory only for a pattern ending in `/**`
///   and otherwise joins the *whole* match to the destination, giving
///   `apps/configs/file1.yaml` (`internal/builder/builder.go` lines 353–366,
///   `calculateGlobDestination`, called at line 241). krust-flux `generator.rs`
///   (`glob_destination`) follows the code.
/// * **Symbolic links in a source artifact.** source-controller archives a source with
///   fluxcd/pkg `artifact/storage/archive.go` `Archive` (commit e2dd3d1, lines 106–114):
///   `filepath.Walk` reports links with `Lstat`, and "anything that is not a file or
///   directories e.g. symlinks" is skipped, so a link never reaches the artifact, even one
///   pointing inside the tree. The spec (§2.1) and kustomize-controller's secure file
///   system only forbid links that escape the root; krust-flux follows links that stay
///   inside the source tree and hides those that leave it. A repository that relies on an
///   in-tree link therefore renders with krust but misses that file in the cluster.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[];

const EXPECTED_IGNORE: &str = "/expected/\n";

type Shared = Arc<OnceLock<Result<ClusterRender, String>>>;

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let fixtures = shared.join("fixtures");
    let mut jobs = Vec::new();
    for fixture in sorted(&fixtures, true)? {
        let flux = fixture.join("expected/flux");
        if !flux.is_dir() {
            continue;
        }
        let fixture_name = name_of(&fixture);
        for cluster_dir in sorted(&flux, true)? {
            let cluster = name_of(&cluster_dir);
            let render: Shared = Arc::new(OnceLock::new());
            for file in sorted(&cluster_dir, false)? {
                let fname = name_of(&file);
                if !fname.ends_with(".yaml") {
                    continue;
                }
                let id = format!(
                    "{fixture_name}/{cluster}/{}",
                    if fname == "cluster.yaml" {
                        fname.as_str()
                    } else {
                        fname.trim_end_matches(".yaml")
                    }
                );
                let (render, fixture, fixtures, cluster) = (
                    render.clone(),
                    fixture.clone(),
                    fixtures.clone(),
                    cluster.clone(),
                );
                jobs.push(Job::new(id, vec![fixture_name.clone()], move || {
                    let r = render.get_or_init(|| render_fixture(&fixtures, &fixture, &cluster));
                    match r {
                        Err(e) => Outcome::fail(format!("render failed: {e}")),
                        Ok(r) if fname == "cluster.yaml" => compare_view(r, &file),
                        Ok(r) => compare_build(r, &file, &fname),
                    }
                }));
            }
        }
    }
    anyhow::ensure!(
        !jobs.is_empty(),
        "no flux fixtures under {}",
        fixtures.display()
    );
    let mut results = run_jobs(jobs, Limits::default());
    for r in &mut results {
        if let Outcome::Fail(reason) = &r.outcome {
            if let Some((_, why)) = KNOWN_DIVERGENCES.iter().find(|(id, _)| *id == r.id) {
                r.outcome = Outcome::fail(format!("known divergence: {why}; {reason}"));
            }
        }
    }
    Ok(results)
}

fn render_fixture(fixtures: &Path, fixture: &Path, cluster: &str) -> Result<ClusterRender, String> {
    let mut opts = ClusterOptions::new(cluster);
    opts.root_ignore = EXPECTED_IGNORE.into();
    let dev_team = fixtures.join("flux2-multi-tenancy-dev-team");
    if dev_team.is_dir() {
        opts.sources.push(SourceMapping {
            key: ObjectKey::new("GitRepository", "apps", "dev-team"),
            path: dev_team,
            ignore: EXPECTED_IGNORE.into(),
        });
    }
    render_cluster(&DiskFs, fixture, &opts).map_err(|e| e.to_string())
}

fn compare_build(r: &ClusterRender, expected: &Path, fname: &str) -> Outcome {
    let want = match std::fs::read_to_string(expected) {
        Ok(t) => t,
        Err(e) => return Outcome::fail(format!("reading {}: {e}", expected.display())),
    };
    let Some(k) = r.kustomizations.iter().find(|k| k.file_name() == fname) else {
        return Outcome::fail(format!("no Flux Kustomization renders {fname}"));
    };
    if k.status != krust_flux::Status::Built {
        return Outcome::fail(format!("{}: {}", k.spec.id(), k.status.label()));
    }
    if k.output == want {
        Outcome::Pass
    } else {
        Outcome::fail(first_difference(&want, &k.output))
    }
}

fn compare_view(r: &ClusterRender, expected: &Path) -> Outcome {
    let text = match std::fs::read_to_string(expected) {
        Ok(t) => t,
        Err(e) => return Outcome::fail(format!("reading {}: {e}", expected.display())),
    };
    let want =
        match krust_yaml::parse_document(&text, &expected.display().to_string(), Typing::Kyaml) {
            Ok(v) => v,
            Err(e) => return Outcome::fail(format!("parsing {}: {e}", expected.display())),
        };
    let got = cluster_view(r);
    match difference(&want, &got, "") {
        None => Outcome::Pass,
        Some(d) => Outcome::fail(d),
    }
}

/// The first place two values differ (maps compared as sets of keys).
fn difference(want: &Value, got: &Value, at: &str) -> Option<String> {
    match (&want.data, &got.data) {
        (Data::Map(w), Data::Map(g)) => {
            let keys: BTreeMap<&str, ()> =
                w.keys().chain(g.keys()).map(|k| (k.as_str(), ())).collect();
            for k in keys.keys() {
                let p = format!("{at}.{k}");
                match (w.get(*k), g.get(*k)) {
                    (Some(a), None) => return Some(format!("{p}: missing (want {})", show(a))),
                    (None, Some(b)) => return Some(format!("{p}: unexpected {}", show(b))),
                    _ => {}
                }
                if let (Some(a), Some(b)) = (w.get(*k), g.get(*k)) {
                    if let Some(d) = difference(a, b, &p) {
                        return Some(d);
                    }
                }
            }
            None
        }
        (Data::Seq(w), Data::Seq(g)) => {
            for (i, (a, b)) in w.iter().zip(g.iter()).enumerate() {
                if let Some(d) = difference(a, b, &format!("{at}[{i}]")) {
                    return Some(d);
                }
            }
            (w.len() != g.len()).then(|| format!("{at}: want {} items, got {}", w.len(), g.len()))
        }
        _ if want == got => None,
        _ => Some(format!("{at}: want {}, got {}", show(want), show(got))),
    }
}

fn show(v: &Value) -> String {
    match krust_yaml::to_yaml(v) {
        Ok(s) => s.trim_end().replace('\n', " / "),
        Err(_) => format!("{v:?}"),
    }
}

fn sorted(dir: &Path, dirs: bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() == dirs)
        .collect();
    out.sort();
    Ok(out)
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
