//! One module per subcommand.

pub mod build;
pub mod diff;
pub mod fleet;
pub mod flux;
pub mod template;
pub mod values;
