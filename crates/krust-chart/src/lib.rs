//! krust-chart: Helm charts rendered as `helm template` does (work in progress).

#![forbid(unsafe_code)]
