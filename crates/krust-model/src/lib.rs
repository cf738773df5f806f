//! krust-model: Kubernetes ids and resource collections (work in progress).

#![forbid(unsafe_code)]

pub mod openapi;
