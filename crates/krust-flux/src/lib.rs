//! krust-flux (work in progress).
