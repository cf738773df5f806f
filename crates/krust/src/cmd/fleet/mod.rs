//! `krust fleet ROOT [DIR...]`: render every build of a repository in parallel.
//!
//! The builds are the kustomization directories under ROOT that no other kustomization
//! includes (or the DIRs given, relative to ROOT). They render on `-j N` threads sharing one
//! `Kustomizer`, so a base included by many overlays is built once. A failing build is
//! reported and the others go on; the exit status is 1 when any failed.

mod flux;
mod output;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, Options, Reorder};
use krust_testing::discover::{has_kustomization, relative};
use krust_testing::fleet::{default_jobs, BuildOutput, FleetRenderer, Shard};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The rendered YAML (one stream, or files with `-o`), errors and a summary on stderr.
    Text,
    /// One JSON document on stdout: every build with its object count, time and error.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository (or any directory) to render.
    pub root: PathBuf,

    /// Render only these kustomization directories (relative to ROOT) instead of every
    /// directory nothing else includes.
    pub dirs: Vec<PathBuf>,

    /// Worker threads (default: the number of cores).
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Write one file per build into DIR, mirroring the inputs: the build of
    /// `ROOT/clusters/staging` goes to `DIR/clusters/staging.yaml`.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Output format.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: Format,

    /// Render only part K of N (1-based): the builds sorted by path and dealt round-robin,
    /// so N jobs with K = 1..N render each build exactly once.
    #[arg(long = "shard", value_name = "K/N")]
    pub shard: Option<Shard>,

    /// Render Flux clusters (krust-flux) instead of kustomization directories: each
    /// cluster starts at `ROOT/clusters/<NAME>`, and each of its Flux Kustomizations is a
    /// build.
    #[arg(long = "flux", conflicts_with = "dirs")]
    pub flux: bool,

    /// With `--flux`: the clusters to render (default: every directory in ROOT/clusters).
    #[arg(long = "cluster", value_name = "NAME", num_args = 1.., requires = "flux")]
    pub clusters: Vec<String>,

    /// Which files a kustomization may read: LoadRestrictionsRootOnly or
    /// LoadRestrictionsNone (what Flux uses).
    #[arg(long = "load-restrictor", default_value = "LoadRestrictionsRootOnly", value_parser = parse_restrictor)]
    pub load_restrictor: LoadRestrictor,

    /// Output order: legacy, none, or unspecified (legacy unless the kustomization has
    /// sortOptions).
    #[arg(long = "reorder", default_value = "unspecified", value_parser = parse_reorder)]
    pub reorder: Reorder,

    #[command(flatten)]
    pub limits: super::LimitArgs,
}

/// `--load-restrictor`, spelled as `krust build` takes it.
pub fn parse_restrictor(s: &str) -> Result<LoadRestrictor, String> {
    match s {
        "LoadRestrictionsRootOnly" | "rootOnly" => Ok(LoadRestrictor::RootOnly),
        "LoadRestrictionsNone" | "none" => Ok(LoadRestrictor::None),
        _ => Err(format!(
            "illegal flag value --load-restrictor {s}; legal values: [LoadRestrictionsRootOnly LoadRestrictionsNone]"
        )),
    }
}

/// `--reorder`, spelled as `krust build` takes it.
pub fn parse_reorder(s: &str) -> Result<Reorder, String> {
    match s {
        "legacy" => Ok(Reorder::Legacy),
        "none" => Ok(Reorder::None),
        "unspecified" => Ok(Reorder::Unspecified),
        _ => Err(format!(
            "illegal flag value --reorder {s}; legal values: [legacy none]"
        )),
    }
}

/// What `run` needs, checked.
struct Config {
    root: PathBuf,
    jobs: usize,
    options: Options,
    limits: krust_kustomize::Limits,
}

fn configure(args: &Args) -> anyhow::Result<Config> {
    let root = std::fs::canonicalize(&args.root)
        .with_context(|| format!("fleet root {}", args.root.display()))?;
    if !root.is_dir() {
        bail!("fleet root {} is not a directory", args.root.display());
    }
    let limits = args.limits.apply(krust_kustomize::Limits::default());
    Ok(Config {
        root,
        jobs: args.jobs.map_or_else(default_jobs, usize::from),
        options: Options::default()
            .limits(limits)
            .load_restrictor(args.load_restrictor)
            .reorder(args.reorder),
        limits,
    })
}

/// The builds: the DIRs given, or what the scan finds; then the shard's part of them.
fn builds(args: &Args, root: &Path, renderer: &FleetRenderer<'_>) -> anyhow::Result<Vec<PathBuf>> {
    let builds = if args.dirs.is_empty() {
        renderer.scan()?
    } else {
        let mut v = Vec::new();
        for d in &args.dirs {
            let dir = std::fs::canonicalize(root.join(d))
                .with_context(|| format!("build directory {}", d.display()))?;
            if !has_kustomization(&DiskFs, &dir) {
                bail!("{}: no kustomization file", d.display());
            }
            v.push(dir);
        }
        v
    };
    let mut builds = match args.shard {
        Some(shard) => shard.select(builds, |b| relative(root, b)),
        None => builds,
    };
    builds.sort();
    builds.dedup();
    Ok(builds)
}

fn clusters(args: &Args, root: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = args.clusters.clone();
    if names.is_empty() {
        let dir = root.join("clusters");
        for e in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let e = e?;
            if e.path().is_dir() {
                names.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    names.sort();
    names.dedup();
    Ok(match args.shard {
        Some(shard) => shard.select(names, String::clone),
        None => names,
    })
}

fn exit_code(summary: &output::Summary) -> ExitCode {
    if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_flux(args: &Args, config: &Config, start: Instant) -> anyhow::Result<ExitCode> {
    let names = clusters(args, &config.root)?;
    let fleet = flux::render(&config.root, &names, config.jobs, config.limits)?;
    let mut summary =
        output::Summary::of(&fleet.outputs, start.elapsed().as_secs_f64(), args.shard);
    summary.errors += fleet.finding_errors;
    output::write(
        &fleet.outputs,
        &summary,
        args.format,
        args.output.as_deref(),
    )?;
    Ok(exit_code(&summary))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let config = configure(&args)?;
    if args.flux {
        return run_flux(&args, &config, start);
    }
    let kustomizer = Kustomizer::new(config.options.clone());
    let renderer = FleetRenderer::new(&kustomizer, &DiskFs, &config.root, config.jobs)?;
    let builds = builds(&args, &config.root, &renderer)?;

    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(builds.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} builds {wide_msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let on_done = |out: &BuildOutput| {
        if let Some(bar) = &progress {
            bar.set_message(out.name.clone());
            bar.inc(1);
        }
    };
    let outputs = renderer.render(&builds, &on_done);
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let seconds = start.elapsed().as_secs_f64();
    let summary = output::Summary::of(&outputs, seconds, args.shard);
    output::write(&outputs, &summary, args.format, args.output.as_deref())?;
    // The process is about to exit: freeing every cached sub-build and output one
    // allocation at a time would be serial work after the parallel part.
    std::mem::forget(outputs);
    std::mem::forget(renderer);
    std::mem::forget(kustomizer);
    Ok(exit_code(&summary))
}
