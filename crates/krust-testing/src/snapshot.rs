//! Snapshot tests of tenant overlays: one insta snapshot per tenant × environment, so
//! `cargo insta review` shows, tenant by tenant, what a change to a base or overlay does.
//!
//! An environment is a directory of the repository. For each tenant, the suite builds
//! `ENV/TENANT` when that is a kustomization (one overlay per tenant and environment);
//! otherwise it builds `ENV` once and takes the tenant's objects from it: those in the
//! tenant's namespace, and the Namespace named after the tenant.
//!
//! ```
//! use krust_testing::snapshot::TenantSuite;
//!
//! let repo = tempfile::tempdir()?;
//! let write = |p: &str, t: &str| -> std::io::Result<()> {
//!     let p = repo.path().join(p);
//!     std::fs::create_dir_all(p.parent().unwrap_or(repo.path()))?;
//!     std::fs::write(p, t)
//! };
//! write("base/a/kustomization.yaml", "resources: [ns.yaml]\n")?;
//! write("base/a/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")?;
//! write("dev/kustomization.yaml", "resources: [../base/a]\ncommonLabels: {env: dev}\n")?;
//!
//! let suite = TenantSuite::new(repo.path()).environment("dev", "dev").tenants(["a"]);
//! let snapshots = suite.render()?;
//! assert_eq!(snapshots[0].name, "dev__a");
//! assert!(snapshots[0].yaml.contains("env: dev"));
//! // In a test: suite.assert_snapshots(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};

use krust_kustomize::{clean_path, DiskFs, FileSystem, Kustomizer, Options, Resource};

use crate::discover::has_kustomization;
use crate::Error;

/// The render of one tenant in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantSnapshot {
    /// `ENVIRONMENT__TENANT`: the snapshot's name.
    pub name: String,
    /// The environment's name.
    pub environment: String,
    /// The tenant.
    pub tenant: String,
    /// The tenant's objects as `kustomize build` prints them.
    pub yaml: String,
}

/// Every tenant × environment of a repository, rendered and compared with snapshots.
#[derive(Debug, Clone)]
pub struct TenantSuite {
    repo: PathBuf,
    environments: Vec<(String, PathBuf)>,
    tenants: Vec<String>,
    options: Options,
}

impl TenantSuite {
    /// A suite over the repository at `repo` (no environments or tenants yet). Builds use
    /// `Options::default()` (kustomize's CLI defaults) until [`TenantSuite::options`].
    pub fn new(repo: impl AsRef<Path>) -> Self {
        TenantSuite {
            repo: repo.as_ref().to_path_buf(),
            environments: Vec::new(),
            tenants: Vec::new(),
            options: Options::default(),
        }
    }

    /// Adds an environment: its name (used in snapshot names) and its directory, relative
    /// to the repository.
    pub fn environment(mut self, name: &str, dir: impl AsRef<Path>) -> Self {
        self.environments
            .push((name.to_string(), dir.as_ref().to_path_buf()));
        self
    }

    /// Adds tenants by name.
    pub fn tenants<S: Into<String>>(mut self, tenants: impl IntoIterator<Item = S>) -> Self {
        self.tenants.extend(tenants.into_iter().map(Into::into));
        self
    }

    /// Adds one tenant per subdirectory of `dir` (relative to the repository), such as
    /// `tenants/base`, in name order.
    pub fn tenants_from(mut self, dir: impl AsRef<Path>) -> Result<Self, Error> {
        let dir = self.absolute(dir.as_ref());
        let mut names = Vec::new();
        for entry in DiskFs.read_dir(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })? {
            if DiskFs.is_dir(&entry) {
                if let Some(n) = entry.file_name() {
                    names.push(n.to_string_lossy().into_owned());
                }
            }
        }
        self.tenants.extend(names);
        Ok(self)
    }

    /// Builds with these options (e.g. Flux's: no load restriction).
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    fn absolute(&self, dir: &Path) -> PathBuf {
        let joined = self.repo.join(dir);
        let abs = if joined.is_absolute() {
            joined
        } else {
            std::env::current_dir().unwrap_or_default().join(joined)
        };
        clean_path(&abs)
    }

    /// Renders every tenant in every environment, environments in the order added, tenants
    /// in the order added.
    pub fn render(&self) -> Result<Vec<TenantSnapshot>, Error> {
        if self.environments.is_empty() || self.tenants.is_empty() {
            return Err(Error::Suite(
                "needs at least one environment and one tenant".into(),
            ));
        }
        let kz = Kustomizer::new(self.options.clone());
        let mut out = Vec::new();
        for (env, dir) in &self.environments {
            let env_dir = self.absolute(dir);
            let mut whole: Option<Vec<Resource>> = None;
            for tenant in &self.tenants {
                let own = env_dir.join(tenant);
                let yaml = if has_kustomization(&DiskFs, &own) {
                    let resources = build(&kz, &own, &self.repo)?;
                    print(resources.iter(), &own, &self.repo)?
                } else {
                    if whole.is_none() {
                        whole = Some(build(&kz, &env_dir, &self.repo)?);
                    }
                    let all = whole.as_deref().unwrap_or_default();
                    print(
                        all.iter().filter(|r| belongs_to(r, tenant)),
                        &env_dir,
                        &self.repo,
                    )?
                };
                out.push(TenantSnapshot {
                    name: format!("{env}__{tenant}"),
                    environment: env.clone(),
                    tenant: tenant.clone(),
                    yaml,
                });
            }
        }
        Ok(out)
    }

    /// Renders the suite and asserts each render against the insta snapshot of the same
    /// name in `snapshot_dir` (usually `concat!(env!("CARGO_MANIFEST_DIR"),
    /// "/tests/snapshots")`). Every snapshot is checked; then, if any differed, this panics
    /// naming all of them (insta has printed each diff and, outside CI, written a `.snap.new`
    /// for `cargo insta review`).
    pub fn assert_snapshots(&self, snapshot_dir: impl AsRef<Path>) {
        let snapshots = match self.render() {
            Ok(s) => s,
            Err(e) => panic!("rendering the tenant snapshots: {e}"),
        };
        let failed = check(&snapshots, snapshot_dir.as_ref());
        if !failed.is_empty() {
            panic!(
                "{} of {} tenant snapshots differ: {} (review with `cargo insta review`)",
                failed.len(),
                snapshots.len(),
                failed.join(", ")
            );
        }
    }
}

/// Asserts each snapshot, catching insta's panics; returns the names that failed.
fn check(snapshots: &[TenantSnapshot], dir: &Path) -> Vec<String> {
    let mut failed = Vec::new();
    for s in snapshots {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(format!(
            "tenant {} in environment {}",
            s.tenant, s.environment
        ));
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(s.name.as_str(), s.yaml.as_str()));
        }))
        .is_ok();
        if !ok {
            failed.push(s.name.clone());
        }
    }
    failed
}

fn build(kz: &Kustomizer, dir: &Path, repo: &Path) -> Result<Vec<Resource>, Error> {
    kz.build(&DiskFs, dir)
        .map(|m| m.into_resources())
        .map_err(|source| Error::Build {
            dir: crate::discover::relative(repo, dir),
            source: Box::new(source),
        })
}

/// The tenant's objects: in its namespace, or its Namespace.
fn belongs_to(r: &Resource, tenant: &str) -> bool {
    let v = r.value();
    let ns = v.str_at(&["metadata", "namespace"]);
    let is_own_namespace = v.str_at(&["kind"]) == Some("Namespace")
        && v.str_at(&["apiVersion"]) == Some("v1")
        && v.str_at(&["metadata", "name"]) == Some(tenant);
    ns == Some(tenant) || is_own_namespace
}

/// kustomize's printing of a list of resources: documents separated by `---`.
fn print<'r>(
    resources: impl Iterator<Item = &'r Resource>,
    dir: &Path,
    repo: &Path,
) -> Result<String, Error> {
    let mut out = String::new();
    for (i, r) in resources.enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        let text = krust_yaml::to_yaml(r.value()).map_err(|e| {
            Error::Suite(format!(
                "{}: printing {}: {e}",
                crate::discover::relative(repo, dir),
                r.cur_id()
            ))
        })?;
        out.push_str(&text);
    }
    Ok(out)
}
