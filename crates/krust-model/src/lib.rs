//! krust-model (work in progress).
