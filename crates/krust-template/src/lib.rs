//! krust-template: Go `text/template` with Go-typed values (work in progress).

#![forbid(unsafe_code)]
