//! krust-testing: snapshot tests of tenant overlays (work in progress).

#![forbid(unsafe_code)]
