//! The `krust` command line: thin glue over the krust libraries.
#![forbid(unsafe_code)]

use std::process::ExitCode;

mod cli;
mod cmd;

fn main() -> ExitCode {
    cli::run()
}
