//! Tables generated from `../shared/data/openapi` by the scripts in `crates/krust-model/tools`.
//! The files are committed; regenerate them with the script named in each file's header.

pub(crate) mod cluster_scoped;
