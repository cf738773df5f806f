//! krust-flux (work in progress).

#![forbid(unsafe_code)]
