//! Tables generated from `../shared/data/openapi` by the scripts in `crates/krust-model/tools`.
//! The files are committed; regenerate them with the script named in each file's header.

// Generated files keep the generator's layout; `--check` compares them byte for byte.
#[rustfmt::skip]
pub(crate) mod cluster_scoped;
