//! krust-patch (work in progress).
