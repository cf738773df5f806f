//! krust-flux: post-build substitution (fluxcd/pkg envsubst). Input: `NAME=value` lines,
//! then `-- text --` and the text to expand. The first byte picks strict mode.
#![no_main]

use std::collections::BTreeMap;

use krust_flux::envsubst::{eval, Vars};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let src = krust_fuzz::text(rest);
    let files = krust_fuzz::split_files(&src, "vars");
    let vars: BTreeMap<String, String> = krust_fuzz::nth(&files, 0)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let _ = eval(
        krust_fuzz::nth(&files, 1),
        &Vars::new(&vars, flags & 1 == 1),
    );
});
