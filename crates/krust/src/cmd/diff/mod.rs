//! `krust diff A B` and `krust diff --git REV1 REV2 PATH`: an object-by-object diff of two
//! renders.
//!
//! A and B are each a YAML file, a kustomization directory (built), or a directory of
//! rendered YAML files (such as a `krust fleet -o` tree; its objects are matched file by
//! file). With `--git`, PATH is rendered at both revisions straight from the git object
//! store, and only the builds that the changed files reach.
//!
//! Exit status: 0 when the renders hold the same objects, 1 when they differ, 2 on usage
//! errors or when a side cannot be read or built.

mod git;
mod inputs;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use krust_kustomize::{LoadRestrictor, Options, Reorder};
use krust_testing::diff::{compare, ChangeKind, Report};
use serde_json::json;

use super::fleet::{parse_reorder, parse_restrictor};

/// How the result is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Added/removed lines, unified diffs of changed objects, a summary line.
    Text,
    /// One JSON document with every change.
    Json,
}

/// When to colour the text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// When stdout is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first render: a YAML file, a kustomization directory or a directory of YAML.
    #[arg(required_unless_present = "git", conflicts_with = "git")]
    pub a: Option<PathBuf>,

    /// The second render.
    #[arg(required_unless_present = "git", conflicts_with = "git")]
    pub b: Option<PathBuf>,

    /// Compare PATH rendered at REV1 and at REV2 of the git repository containing the
    /// current directory (read from the object store; the work tree is not used).
    #[arg(long = "git", num_args = 3, value_names = ["REV1", "REV2", "PATH"])]
    pub git: Option<Vec<String>>,

    /// Output format.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: Format,

    /// Colour the text output.
    #[arg(long = "color", value_enum, default_value = "auto")]
    pub color: Color,

    /// Worker threads for `--git` builds (default: the number of cores).
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Which files a kustomization may read when a side is built.
    #[arg(long = "load-restrictor", default_value = "LoadRestrictionsRootOnly", value_parser = parse_restrictor)]
    pub load_restrictor: LoadRestrictor,

    /// Output order of builds (it does not change which objects match).
    #[arg(long = "reorder", default_value = "unspecified", value_parser = parse_reorder)]
    pub reorder: Reorder,
}

/// What the comparison covered, beyond the objects.
#[derive(Debug, Default)]
pub struct Scope {
    /// `--git`: builds rendered, builds found, files changed.
    pub git: Option<(usize, usize, usize)>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match diff(&args) {
        Ok((report, scope)) => {
            print(&args, &report, &scope)?;
            Ok(if report.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(e) => {
            // 1 means "the renders differ", so trouble exits 2, as diff(1) does.
            eprintln!("Error: {e:#}");
            Ok(ExitCode::from(2))
        }
    }
}

fn diff(args: &Args) -> anyhow::Result<(Report, Scope)> {
    let options = Options::default()
        .load_restrictor(args.load_restrictor)
        .reorder(args.reorder);
    if let Some(git) = &args.git {
        let [rev1, rev2, path] = git.as_slice() else {
            anyhow::bail!("--git takes REV1 REV2 PATH");
        };
        let jobs = args
            .jobs
            .map_or_else(krust_testing::fleet::default_jobs, usize::from);
        let g = git::diff_revisions(rev1, rev2, path, &options, jobs)?;
        let scope = Scope {
            git: Some((g.rendered, g.builds, g.changed_files)),
        };
        return Ok((compare(&g.before, &g.after), scope));
    }
    let (Some(a), Some(b)) = (&args.a, &args.b) else {
        anyhow::bail!("give two renders A B, or --git REV1 REV2 PATH");
    };
    let before = inputs::load(a, &options)?;
    let after = inputs::load(b, &options)?;
    Ok((compare(&before, &after), Scope::default()))
}

fn print(args: &Args, report: &Report, scope: &Scope) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Text => {
            let colour = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => std::io::stdout().is_terminal(),
            };
            stdout.write_all(report.to_text(colour).as_bytes())?;
            if let Some((rendered, builds, files)) = scope.git {
                writeln!(
                    stdout,
                    "{files} changed files reach {rendered} of {builds} builds"
                )?;
            }
        }
        Format::Json => {
            let (added, removed, changed) = report.counts();
            let changes: Vec<_> = report
                .changes
                .iter()
                .map(|c| {
                    let (status, diff) = match &c.kind {
                        ChangeKind::Added => ("added", None),
                        ChangeKind::Removed => ("removed", None),
                        ChangeKind::Changed(d) => ("changed", Some(d.as_str())),
                    };
                    json!({
                        "status": status,
                        "source": c.source,
                        "group": c.key.group,
                        "kind": c.key.kind,
                        "namespace": c.key.namespace,
                        "name": c.key.name,
                        "diff": diff,
                    })
                })
                .collect();
            let mut summary = json!({
                "added": added,
                "removed": removed,
                "changed": changed,
                "unchanged": report.unchanged,
            });
            if let Some((rendered, builds, files)) = scope.git {
                summary["changed_files"] = json!(files);
                summary["builds"] = json!(builds);
                summary["builds_rendered"] = json!(rendered);
            }
            let doc = json!({ "changes": changes, "summary": summary });
            serde_json::to_writer_pretty(&mut stdout, &doc)?;
            stdout.write_all(b"\n")?;
        }
    }
    stdout.flush()?;
    Ok(())
}
