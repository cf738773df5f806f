//! `krust fleet ROOT [DIR...]`: render every build of a repository in parallel.
//!
//! The builds are the kustomization directories under ROOT that no other kustomization
//! includes (or the DIRs given, relative to ROOT). They render on `-j N` threads sharing one
//! `Kustomizer`, so a base included by many overlays is built once. A failing build is
//! reported and the others go on; the exit status is 1 when any failed.

mod output;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, Options, Reorder};
use krust_testing::discover::{has_kustomization, Graph};
use krust_testing::fleet::{BuildOutput, FleetRenderer, Shard};

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

    /// Which files a kustomization may read: LoadRestrictionsRootOnly or
    /// LoadRestrictionsNone (what Flux uses).
    #[arg(long = "load-restrictor", default_value = "LoadRestrictionsRootOnly", value_parser = parse_restrictor)]
    pub load_restrictor: LoadRestrictor,

    /// Output order: legacy, none, or unspecified (legacy unless the kustomization has
    /// sortOptions).
    #[arg(long = "reorder", default_value = "unspecified", value_parser = parse_reorder)]
    pub reorder: Reorder,
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
    builds: Vec<PathBuf>,
    jobs: usize,
    options: Options,
}

fn configure(args: &Args) -> anyhow::Result<Config> {
    let root = std::fs::canonicalize(&args.root)
        .with_context(|| format!("fleet root {}", args.root.display()))?;
    if !root.is_dir() {
        bail!("fleet root {} is not a directory", args.root.display());
    }
    let builds = if args.dirs.is_empty() {
        Graph::scan(&DiskFs, &root)?.roots()
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
    let root_for_names = root.clone();
    let mut builds = match args.shard {
        Some(shard) => shard.select(builds, |b| {
            krust_testing::discover::relative(&root_for_names, b)
        }),
        None => builds,
    };
    builds.sort();
    builds.dedup();
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    Ok(Config {
        root,
        builds,
        jobs,
        options: Options {
            load_restrictor: args.load_restrictor,
            reorder: args.reorder,
            ..Options::default()
        },
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let config = configure(&args)?;
    let kustomizer = Kustomizer::new(config.options.clone());
    let renderer = FleetRenderer::new(&kustomizer, &DiskFs, &config.root).jobs(config.jobs);

    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(config.builds.len() as u64);
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
    let outputs = renderer.render(&config.builds, &on_done)?;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let seconds = start.elapsed().as_secs_f64();
    let summary = output::Summary::of(&outputs, seconds, args.shard);
    output::write(&outputs, &summary, args.format, args.output.as_deref())?;
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
