//! `krust build`: kustomize's `build` for a local directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, Options, Reorder};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to build (default: the current directory).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Which files a kustomization may read: LoadRestrictionsRootOnly or
    /// LoadRestrictionsNone.
    #[arg(long = "load-restrictor", default_value = "LoadRestrictionsRootOnly", value_parser = parse_restrictor)]
    pub load_restrictor: LoadRestrictor,

    /// Output order: legacy, none, or unspecified (legacy unless the kustomization has
    /// sortOptions).
    #[arg(long = "reorder", default_value = "unspecified", value_parser = parse_reorder)]
    pub reorder: Reorder,

    /// Write the output to this file, or to one file per resource if it is a directory.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,

    /// Add `app.kubernetes.io/managed-by: kustomize-<version>` to every resource.
    #[arg(long = "enable-managedby-label")]
    pub enable_managedby_label: bool,

    /// Allow non-builtin plugins (krust runs none; this only changes the error).
    #[arg(long = "enable-alpha-plugins")]
    pub enable_alpha_plugins: bool,

    /// Inflate `helmCharts:` / `helmGlobals:` as kustomize's HelmChartInflationGenerator
    /// does, with krust's own chart renderer from charts on disk (no helm binary is run).
    #[arg(long = "enable-helm")]
    pub enable_helm: bool,

    /// The Kubernetes version charts see (`.Capabilities.KubeVersion`) for entries that set
    /// no `kubeVersion`.
    #[arg(long = "helm-kube-version", default_value = "")]
    pub helm_kube_version: String,

    /// Extra API versions charts see (`.Capabilities.APIVersions`) for entries that set no
    /// `apiVersions`.
    #[arg(long = "helm-api-versions", value_delimiter = ',')]
    pub helm_api_versions: Vec<String>,

    /// Accepted for compatibility with kustomize; krust runs no helm binary.
    #[arg(long = "helm-command", default_value = "helm")]
    pub helm_command: String,

    /// Accepted for compatibility with kustomize; krust runs no helm binary.
    #[arg(long = "helm-debug")]
    pub helm_debug: bool,

    /// Accepted for compatibility with kustomize; krust never runs executables.
    #[arg(long = "enable-exec")]
    pub enable_exec: bool,

    #[command(flatten)]
    pub limits: super::LimitArgs,
}

fn parse_restrictor(s: &str) -> Result<LoadRestrictor, String> {
    match s {
        "LoadRestrictionsRootOnly" | "rootOnly" => Ok(LoadRestrictor::RootOnly),
        "LoadRestrictionsNone" | "none" => Ok(LoadRestrictor::None),
        _ => Err(format!(
            "illegal flag value --load-restrictor {s}; legal values: [LoadRestrictionsRootOnly LoadRestrictionsNone]"
        )),
    }
}

fn parse_reorder(s: &str) -> Result<Reorder, String> {
    match s {
        "legacy" => Ok(Reorder::Legacy),
        "none" => Ok(Reorder::None),
        "unspecified" => Ok(Reorder::Unspecified),
        _ => Err(format!(
            "illegal flag value --reorder {s}; legal values: [legacy none]"
        )),
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let options = Options::default()
        .limits(args.limits.apply(krust_kustomize::Limits::default()))
        .load_restrictor(args.load_restrictor)
        .reorder(args.reorder)
        .add_managed_by_label(args.enable_managedby_label)
        .plugins_enabled(args.enable_alpha_plugins)
        // One build: keeping every base for later builds only costs memory, and makes the
        // including kustomizations' transforms copy the values they share with it.
        .cache(false)
        .helm(krust_kustomize::HelmOptions {
            enabled: args.enable_helm,
            kube_version: args.helm_kube_version,
            api_versions: args.helm_api_versions,
        });
    let k = Kustomizer::new(options);
    let out = k.build(&DiskFs, &args.dir)?;
    let result = match &args.output {
        Some(path) if path.is_dir() => write_dir(path, &out),
        Some(path) => out.to_yaml().map_err(Into::into).and_then(|text| {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }),
        None => out.to_yaml().map_err(Into::into).and_then(|text| {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }),
    };
    // The process exits next: freeing every value of the build and the sub-build cache
    // one by one would take ~5% of the run, for memory the OS takes back anyway.
    std::mem::forget(out);
    std::mem::forget(k);
    result
}

/// kustomize's `-o DIR`: one file per resource, `<group>_<version>_<kind>_<name>.yaml`
/// in lower case (empty parts left out), prefixed with `<namespace>_` when the namespaced
/// resources span more than one namespace.
fn write_dir(dir: &Path, out: &krust_kustomize::ResMap) -> anyhow::Result<()> {
    let namespaces: std::collections::BTreeSet<String> = out
        .iter()
        .map(|r| r.cur_id())
        .filter(|id| !id.is_cluster_scoped())
        .map(|id| id.effective_namespace().to_string())
        .collect();
    for r in out.iter() {
        let id = r.cur_id();
        let gvk = &id.gvk;
        let parts: Vec<&str> = [gvk.group(), gvk.version(), gvk.kind()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        let mut name = format!("{}_{}.yaml", parts.join("_"), id.name).to_lowercase();
        if !id.is_cluster_scoped() && namespaces.len() > 1 {
            name = format!("{}_{name}", id.effective_namespace().to_lowercase());
        }
        let file = dir.join(name);
        let text = krust_yaml::to_yaml(r.value())?;
        std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(())
}
