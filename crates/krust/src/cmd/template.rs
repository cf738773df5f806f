//! `krust template RELEASE CHART`: render a Helm chart (directory or `.tgz`) as
//! `helm template` (Helm v4.1.4) prints it, offline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use krust_chart::{Options, ValueSource};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release name.
    pub release: String,
    /// The chart: a directory or a packaged `.tgz`.
    pub chart: PathBuf,
    /// The release namespace.
    #[arg(short = 'n', long = "namespace", default_value = "default")]
    pub namespace: String,
    /// A values file (repeatable; later files win).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Set values (`a.b=c,d=e`; repeatable).
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,
    /// Set string values (repeatable).
    #[arg(long = "set-string", value_name = "K=V")]
    pub set_string: Vec<String>,
    /// Set JSON values (`a.b=JSON` or a JSON object; repeatable).
    #[arg(long = "set-json", value_name = "K=JSON")]
    pub set_json: Vec<String>,
    /// Print the chart's `crds/` files first.
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Leave test hooks out.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Leave all hooks out.
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Set `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.35.0).
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable, comma-separated).
    #[arg(short = 'a', long = "api-versions", value_name = "VERSION")]
    pub api_versions: Vec<String>,
    /// Do not validate values against `values.schema.json`.
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Only print the manifests of these templates (path inside the chart, glob).
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut values = Vec::new();
    for f in &args.values {
        let data = std::fs::read(f).map_err(|e| {
            // Go's wording of the common failures.
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            };
            anyhow::anyhow!("open {}: {why}", f.display())
        })?;
        values.push(ValueSource::File {
            name: f.display().to_string(),
            data,
        });
    }
    values.extend(args.set_json.into_iter().map(ValueSource::SetJson));
    values.extend(args.set.into_iter().map(ValueSource::Set));
    values.extend(args.set_string.into_iter().map(ValueSource::SetString));
    let opts = Options {
        release_name: args.release,
        namespace: args.namespace,
        values,
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        no_hooks: args.no_hooks,
        is_upgrade: args.is_upgrade,
        kube_version: args.kube_version,
        // pflag's StringSlice splits at commas.
        api_versions: args
            .api_versions
            .iter()
            .flat_map(|a| a.split(',').map(str::to_string))
            .filter(|a| !a.is_empty())
            .collect(),
        skip_schema_validation: args.skip_schema_validation,
        show_only: args.show_only,
        ..Options::default()
    };
    let out = match krust_chart::template_path(&args.chart, &opts) {
        Ok(out) => out,
        // Helm's wording once the release exists (render and kubeVersion failures).
        Err(e) if e.after_release() => {
            anyhow::bail!("{e}\n\nUse --debug flag to render out invalid YAML")
        }
        Err(e) => return Err(e.into()),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
