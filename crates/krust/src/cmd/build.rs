//! `krust build`.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to read.
    pub dir: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::bail!("krust build {} : not implemented yet", args.dir.display())
}
