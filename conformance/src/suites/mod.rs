//! One module per suite; each exposes `run(shared) -> Vec<CaseResult>`.

pub mod canonical;
pub mod helm_values;
pub mod krusty;
pub mod merge2;
