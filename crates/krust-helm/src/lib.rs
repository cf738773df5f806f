//! krust-helm (work in progress).
