//! The public result types of a cluster render.

use std::path::PathBuf;

use krust_yaml::Value;

use crate::generate::KustomizationFile;
use crate::spec::{FluxKustomization, ObjectKey};

/// One source the user maps to a directory (`--source KIND/NS/NAME=PATH`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMapping {
    /// The Flux source object.
    pub key: ObjectKey,
    /// The directory holding its tree.
    pub path: PathBuf,
    /// Extra exclusion patterns (gitignore syntax, one per line), added to its
    /// `.sourceignore` files and `spec.ignore`.
    pub ignore: String,
}

/// What to render and how.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// The cluster: its Flux wiring is under `clusters/<cluster>`.
    pub cluster: String,
    /// Sources other than the repository itself (`GitRepository flux-system/flux-system`).
    pub sources: Vec<SourceMapping>,
    /// Extra exclusion patterns for the repository's own artifact.
    pub root_ignore: String,
    /// Strict post-build substitution (the `StrictPostBuildSubstitutions` gate, on by
    /// default since kustomize-controller v1.9.0).
    pub strict_substitution: bool,
    /// Kyverno-style pattern (`*`, `?`, `|`) tenant GitRepository URLs must match (T7).
    /// `None`: the pattern of a Kyverno policy on `GitRepository` `spec.url` in the
    /// cluster, if there is one.
    pub git_url_pattern: Option<String>,
    /// Where HelmRelease charts come from and how they are rendered.
    pub charts: ChartOptions,
    /// The bounds of each Kustomization's build (kustomize-controller has none; see
    /// [`krust_kustomize::Limits`] for the defaults and what they permit).
    pub limits: krust_kustomize::Limits,
}

/// How the charts of HelmReleases are found and rendered (helm-controller v1.6, Helm v4).
#[derive(Debug, Clone, Default)]
pub struct ChartOptions {
    /// A directory of charts for HelmRepository (and OCI) chart sources: archives named
    /// `<name>-<version>.tgz` as `helm pull` writes them, or chart directories (name and
    /// version read from their `Chart.yaml`). The highest version matching the
    /// HelmRelease's `chart.spec.version` range is used, as source-controller picks it.
    pub charts_dir: Option<PathBuf>,
    /// `.Capabilities.KubeVersion` (Helm v4.1.4's offline default, v1.35.0, when `None`).
    pub kube_version: Option<String>,
    /// Extra `.Capabilities.APIVersions`.
    pub api_versions: Vec<String>,
    /// Do not render charts at all (values only).
    pub skip: bool,
}

impl ClusterOptions {
    /// Options for `cluster` with no extra sources and strict substitution.
    pub fn new(cluster: impl Into<String>) -> Self {
        ClusterOptions {
            cluster: cluster.into(),
            sources: Vec::new(),
            root_ignore: String::new(),
            strict_substitution: true,
            git_url_pattern: None,
            charts: ChartOptions::default(),
            limits: krust_kustomize::Limits::default(),
        }
    }
}

/// How far a Flux Kustomization got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Built; its objects are known.
    Built,
    /// Its source cannot be read offline (the reason says why); nothing below it renders.
    UnresolvedSource(String),
    /// The controller would refuse or fail it (the message names the field).
    Failed(String),
}

impl Status {
    /// The status as the cluster view writes it.
    pub fn label(&self) -> String {
        match self {
            Status::Built => "built".into(),
            Status::UnresolvedSource(why) => format!("unresolved-source ({why})"),
            Status::Failed(why) => format!("failed ({why})"),
        }
    }
}

/// One object a Kustomization applies, with the file it came from.
#[derive(Debug, Clone)]
pub struct AppliedObject {
    /// The object as Flux would apply it (after substitution).
    pub object: Value,
    /// The file that defined it, relative to its source.
    pub file: String,
}

/// One Flux Kustomization of the cluster.
#[derive(Debug, Clone)]
pub struct KustomizationRender {
    /// The object.
    pub spec: FluxKustomization,
    /// `namespace/name` of the Kustomization that applies it, or the synthetic root's note.
    pub defined_in: String,
    /// The file that defined it.
    pub file: String,
    /// How far it got.
    pub status: Status,
    /// How the kustomization file came about (built ones only).
    pub kustomization_file: Option<KustomizationFile>,
    /// What it applies, in build order.
    pub objects: Vec<AppliedObject>,
    /// The build output (§2.1 step 6), multi-document YAML.
    pub output: String,
    /// Remote `resources`/`components` entries of the kustomizations it builds:
    /// `(file, entry)` (tenant Kustomizations whose build failed).
    pub remote_entries: Vec<(String, String)>,
}

impl KustomizationRender {
    /// `<namespace>--<name>.yaml`.
    pub fn file_name(&self) -> String {
        format!("{}--{}.yaml", self.spec.namespace, self.spec.name)
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; does not break the cluster.
    Warning,
    /// The controllers would fail, or isolation is broken.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One result of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule (`T1`…`T9`, `P1`, `KYVERNO-…`, `SOPS`, `BUILD`, `SOURCE`, `GRAPH`, ...).
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// `Kind/namespace/name` of the object.
    pub object: String,
    /// The file that defined it.
    pub file: String,
    /// What is wrong.
    pub message: String,
    /// A one-line fix.
    pub fix: String,
}

/// A HelmRelease found in a Kustomization's output.
#[derive(Debug, Clone)]
pub struct HelmReleaseRender {
    /// The typed release.
    pub release: krust_helm::HelmRelease,
    /// `namespace/name` of the Kustomization that applies it.
    pub applied_by: String,
    /// The file that defined it.
    pub file: String,
    /// The values helm-controller hands to Helm, or why they cannot be composed.
    pub composed_values: Result<Value, String>,
    /// The effective service account (`None`: the controller's own identity).
    pub effective_service_account: Option<String>,
    /// The chart's manifests, when the chart is available locally.
    pub manifests: ChartStatus,
}

impl HelmReleaseRender {
    /// `helmrelease--<namespace>--<name>.yaml`, the file `krust flux build -o` writes the
    /// release's manifests to.
    pub fn file_name(&self) -> String {
        format!(
            "helmrelease--{}--{}.yaml",
            self.release.namespace, self.release.name
        )
    }
}

/// Whether, and how, a HelmRelease's chart was rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartStatus {
    /// Chart rendering was switched off ([`ChartOptions::skip`]).
    Skipped,
    /// The chart is not available locally; the text names the chart and why.
    Unavailable(String),
    /// The chart was found but loading, values or rendering failed as Helm would fail.
    Failed(String),
    /// Rendered.
    Rendered(Box<RenderedChart>),
}

impl ChartStatus {
    /// The rendered chart, if any.
    pub fn rendered(&self) -> Option<&RenderedChart> {
        match self {
            ChartStatus::Rendered(r) => Some(r),
            _ => None,
        }
    }
}

/// The manifests helm-controller would apply for one HelmRelease.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedChart {
    /// The chart's name (`Chart.yaml`).
    pub chart: String,
    /// The chart's version (`Chart.yaml`).
    pub version: String,
    /// Where the chart came from (`GitRepository/ns/name:./charts/app`, an archive path).
    pub origin: String,
    /// The release name, namespace and values it was rendered with.
    pub release_name: String,
    /// `.Release.Namespace`.
    pub namespace: String,
    /// The user values handed to Helm (before the chart defaults).
    pub values: Value,
    /// What `helm template RELEASE CHART -n NAMESPACE -f values.yaml` prints for the same
    /// chart and values (no post-rendering, no CRDs): manifests then hooks.
    pub template: String,
    /// The objects applied, after helm-controller's post-renderers: the chart's CRDs
    /// (unless `install.crds: Skip`), the manifests in Helm's install order, then the hooks
    /// (unless `install.disableHooks`; test hooks are left out, `helm test` runs them).
    pub objects: Vec<RenderedObject>,
}

/// One post-rendered object of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedObject {
    /// The template (or `crds/`) file it came from, as Helm's `# Source:` names it.
    pub source: String,
    /// Whether it is a hook.
    pub hook: bool,
    /// The object.
    pub object: Value,
}

impl RenderedChart {
    /// The objects as a Helm manifest stream: `---\n# Source: <file>\n<object>` each.
    pub fn output(&self) -> Result<String, krust_yaml::Error> {
        let mut out = String::new();
        for o in &self.objects {
            out.push_str("---\n# Source: ");
            out.push_str(&o.source);
            out.push('\n');
            out.push_str(&krust_yaml::to_yaml(&o.object)?);
        }
        Ok(out)
    }
}

/// The render of one cluster.
#[derive(Debug, Clone)]
pub struct ClusterRender {
    /// The cluster name.
    pub cluster: String,
    /// The repository directory's name.
    pub repository: String,
    /// Controller arguments from the bootstrap patches, in install order.
    pub controller_flags: Vec<(String, Vec<String>)>,
    /// Every Flux Kustomization reached from the root, in discovery order.
    pub kustomizations: Vec<KustomizationRender>,
    /// Every HelmRelease, in the order of the Kustomizations that apply them.
    pub helm_releases: Vec<HelmReleaseRender>,
    /// Check results and diagnostics.
    pub findings: Vec<Finding>,
    /// The apply plan: waves of `namespace/name`, each wave after the previous is Ready.
    pub plan: Vec<Vec<String>>,
}

impl ClusterRender {
    /// The value of a controller flag (`--name=value`) of one controller.
    pub fn flag(&self, controller: &str, name: &str) -> Option<&str> {
        let prefix = format!("--{name}=");
        self.controller_flags
            .iter()
            .find(|(c, _)| c == controller)
            .and_then(|(_, args)| args.iter().find_map(|a| a.strip_prefix(prefix.as_str())))
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}
