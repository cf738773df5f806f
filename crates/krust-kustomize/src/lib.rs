//! krust-kustomize (work in progress).
