//! `krust flux build|check|plan REPO --cluster NAME`: a Flux repository rendered per
//! cluster (krust-flux).
//!
//! * `build` prints every built Flux Kustomization's output as one stream, or with
//!   `-o DIR` writes `<namespace>--<name>.yaml` per Kustomization plus `cluster.yaml`.
//!   The chart of every HelmRelease available locally is rendered too: after the
//!   Kustomizations in the stream, or `helmrelease--<namespace>--<name>.yaml` under `-o`.
//!   Exit 1 when a Kustomization fails to build or a local chart fails to render; a chart
//!   that is not available locally is a warning.
//! * `check` prints the findings; exit 1 when one is an error.
//! * `plan` prints the apply waves.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use krust_flux::{
    cluster_view, render_cluster, ChartOptions, ChartStatus, ClusterOptions, ClusterRender,
    ObjectKey, Severity, SourceMapping, Status,
};
use krust_kustomize::DiskFs;
use krust_yaml::{Data, Value};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: FluxCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum FluxCommand {
    /// Render what each Flux Kustomization of the cluster applies.
    Build(BuildArgs),
    /// Run the tenant-isolation, lockdown and policy checks.
    Check(CheckArgs),
    /// Print the order in which the controllers would reconcile, as waves.
    Plan(Common),
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// The repository (the artifact of `GitRepository flux-system/flux-system`).
    pub repo: PathBuf,
    /// The cluster: its Flux wiring is under `clusters/<NAME>`.
    #[arg(long, value_name = "NAME")]
    pub cluster: String,
    /// A source's local tree: `KIND/NAMESPACE/NAME=PATH` (repeatable).
    #[arg(long = "source", value_name = "KIND/NS/NAME=PATH", value_parser = parse_source)]
    pub sources: Vec<SourceMapping>,
    /// Non-strict post-build substitution (undefined variables become empty), as before
    /// kustomize-controller v1.9.0.
    #[arg(long)]
    pub no_strict: bool,
    #[command(flatten)]
    pub limits: super::LimitArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// Write `<namespace>--<name>.yaml` per Kustomization and `cluster.yaml` into DIR.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Output format of the stream (`json`: one array of objects).
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: Format,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// How HelmRelease charts are found and rendered.
#[derive(Debug, clap::Args)]
pub struct ChartArgs {
    /// Charts for HelmRepository and OCI sources: `<name>-<version>.tgz` archives (as `helm
    /// pull` writes them) or chart directories; the highest version matching the
    /// HelmRelease's `chart.spec.version` is used.
    #[arg(long = "charts", value_name = "DIR")]
    pub charts: Option<PathBuf>,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.35.0, Helm v4.1.4's).
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable, comma-separated).
    #[arg(short = 'a', long = "api-versions", value_name = "VERSION")]
    pub api_versions: Vec<String>,
    /// Do not render HelmRelease charts (values only).
    #[arg(long = "no-charts")]
    pub no_charts: bool,
}

impl ChartArgs {
    pub fn options(&self) -> ChartOptions {
        ChartOptions {
            charts_dir: self.charts.clone(),
            kube_version: self.kube_version.clone(),
            // pflag's StringSlice splits at commas, as `helm template -a` does.
            api_versions: self
                .api_versions
                .iter()
                .flat_map(|a| a.split(',').map(str::to_string))
                .filter(|a| !a.is_empty())
                .collect(),
            skip: self.no_charts,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format of the findings.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: Format,
}

fn parse_source(s: &str) -> Result<SourceMapping, String> {
    let (id, path) = s
        .split_once('=')
        .filter(|(i, p)| !i.is_empty() && !p.is_empty())
        .ok_or_else(|| format!("expected KIND/NAMESPACE/NAME=PATH, got {s:?}"))?;
    let parts: Vec<&str> = id.split('/').collect();
    let [kind, ns, name] = parts.as_slice() else {
        return Err(format!(
            "expected KIND/NAMESPACE/NAME before '=', got {id:?}"
        ));
    };
    Ok(SourceMapping {
        key: ObjectKey::new(kind, ns, name),
        path: PathBuf::from(path),
        ignore: String::new(),
    })
}

fn render(c: &Common, charts: Option<ChartOptions>) -> anyhow::Result<ClusterRender> {
    let mut opts = ClusterOptions::new(c.cluster.clone());
    opts.sources = c.sources.clone();
    opts.strict_substitution = !c.no_strict;
    opts.limits = c.limits.apply(opts.limits);
    // `check` and `plan` do not need the charts' manifests.
    opts.charts = charts.unwrap_or(ChartOptions {
        skip: true,
        ..ChartOptions::default()
    });
    render_cluster(&DiskFs, &c.repo, &opts)
        .with_context(|| format!("rendering cluster {} of {}", c.cluster, c.repo.display()))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        FluxCommand::Build(a) => build(a),
        FluxCommand::Check(a) => check(a),
        FluxCommand::Plan(c) => plan(c),
    }
}

fn report_failures(r: &ClusterRender) -> bool {
    let mut failed = false;
    for k in &r.kustomizations {
        if let Status::Failed(why) = &k.status {
            eprintln!("error: {why}");
            failed = true;
        }
    }
    failed
}

fn build(a: BuildArgs) -> anyhow::Result<ExitCode> {
    let r = render(&a.common, Some(a.charts.options()))?;
    for f in r.findings.iter().filter(|f| f.rule == "SOURCE") {
        eprintln!("warning: {}: {}", f.object, f.message);
    }
    let mut failed = report_failures(&r);
    let mut charts = Vec::new();
    for h in &r.helm_releases {
        let id = format!("HelmRelease {}/{}", h.release.namespace, h.release.name);
        match &h.manifests {
            ChartStatus::Skipped => {}
            ChartStatus::Unavailable(why) => eprintln!("warning: {id}: {why}"),
            ChartStatus::Failed(why) => {
                eprintln!("error: {id}: {why}");
                failed = true;
            }
            ChartStatus::Rendered(c) => {
                let text = c
                    .output()
                    .with_context(|| format!("printing the manifests of {id}"))?;
                charts.push((h, c, text));
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    if let Some(dir) = &a.output {
        for (h, _, text) in &charts {
            let path = dir.join(h.file_name());
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for k in r
            .kustomizations
            .iter()
            .filter(|k| k.status == Status::Built)
        {
            let path = dir.join(k.file_name());
            std::fs::write(&path, &k.output)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let view = krust_yaml::to_yaml(&cluster_view(&r))?;
        let path = dir.join("cluster.yaml");
        std::fs::write(&path, view).with_context(|| format!("writing {}", path.display()))?;
    } else {
        match a.format {
            Format::Yaml => {
                let mut first = true;
                for k in r
                    .kustomizations
                    .iter()
                    .filter(|k| k.status == Status::Built)
                {
                    if k.output.is_empty() {
                        continue;
                    }
                    if !first {
                        stdout.write_all(b"---\n")?;
                    }
                    first = false;
                    stdout.write_all(k.output.as_bytes())?;
                }
                // Each chart's stream starts with `---`, Helm's manifest layout.
                for (_, _, text) in &charts {
                    if first {
                        stdout.write_all(text.trim_start_matches("---\n").as_bytes())?;
                    } else {
                        stdout.write_all(text.as_bytes())?;
                    }
                    first = false;
                }
            }
            Format::Json => {
                let objects: Vec<serde_json::Value> = r
                    .kustomizations
                    .iter()
                    .flat_map(|k| k.objects.iter().map(|o| to_json(&o.object)))
                    .chain(
                        charts
                            .iter()
                            .flat_map(|(_, c, _)| c.objects.iter().map(|o| to_json(&o.object))),
                    )
                    .collect();
                serde_json::to_writer_pretty(&mut stdout, &objects)?;
                stdout.write_all(b"\n")?;
            }
        }
    }
    stdout.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let r = render(&a.common, None)?;
    let mut stdout = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = r
                .findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "object": f.object,
                        "file": f.file,
                        "message": f.message,
                        "fix": f.fix,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut stdout, &list)?;
            stdout.write_all(b"\n")?;
        }
        Format::Yaml => {
            for f in &r.findings {
                writeln!(
                    stdout,
                    "{} {} {} ({}): {}\n  fix: {}",
                    f.severity.as_str(),
                    f.rule,
                    f.object,
                    f.file,
                    f.message,
                    f.fix
                )?;
            }
            let errors = r
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            writeln!(
                stdout,
                "{} findings: {errors} errors, {} warnings",
                r.findings.len(),
                r.findings.len() - errors
            )?;
        }
    }
    stdout.flush()?;
    Ok(if r.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plan(c: Common) -> anyhow::Result<ExitCode> {
    let r = render(&c, None)?;
    let mut stdout = std::io::stdout().lock();
    for (i, wave) in r.plan.iter().enumerate() {
        writeln!(stdout, "wave {}: {}", i + 1, wave.join(", "))?;
    }
    for f in r.findings.iter().filter(|f| f.rule == "GRAPH") {
        writeln!(
            stdout,
            "{} {}: {}",
            f.severity.as_str(),
            f.object,
            f.message
        )?;
    }
    stdout.flush()?;
    let graph_error = r
        .findings
        .iter()
        .any(|f| f.rule == "GRAPH" && f.severity == Severity::Error);
    Ok(if graph_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn to_json(v: &Value) -> serde_json::Value {
    match &v.data {
        Data::Null => serde_json::Value::Null,
        Data::Bool(b) => (*b).into(),
        Data::Int(i) => (*i).into(),
        Data::Uint(u) => (*u).into(),
        Data::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Data::String(s) => serde_json::Value::String(s.to_string()),
        Data::Seq(s) => serde_json::Value::Array(s.iter().map(to_json).collect()),
        Data::Map(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, x)| (k.as_str().to_string(), to_json(x)))
                .collect(),
        ),
    }
}
