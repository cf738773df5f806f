//! Argument parsing: raw args into a validated command, then into the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "krust",
    version,
    about = "Render Kustomize overlays and Flux HelmReleases offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a kustomization directory, like `kustomize build`.
    Build(cmd::build::Args),
    /// Print the composed values of every HelmRelease in a build.
    Values(cmd::values::Args),
    /// Render a Flux repository per cluster: `flux build`, `flux check`, `flux plan`.
    Flux(cmd::flux::Args),
    /// Render a Helm chart, like `helm template`.
    Template(cmd::template::Args),
    /// Render every kustomization (or Flux cluster) of a repository in parallel.
    Fleet(cmd::fleet::Args),
    /// Object-by-object diff of two renders.
    Diff(cmd::diff::Args),
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Subcommands that decide their own exit status (a check with findings, a diff with
    // differences, a fleet with a failed build) return it; the others return `()`.
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args).map(|()| ExitCode::SUCCESS),
        Command::Values(args) => cmd::values::run(args).map(|()| ExitCode::SUCCESS),
        Command::Flux(args) => cmd::flux::run(args),
        Command::Template(args) => cmd::template::run(args),
        Command::Fleet(args) => cmd::fleet::run(args),
        Command::Diff(args) => cmd::diff::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("Error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
