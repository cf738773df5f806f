//! krust-sprig: the sprig v3 function library for krust-template (work in progress).

#![forbid(unsafe_code)]
