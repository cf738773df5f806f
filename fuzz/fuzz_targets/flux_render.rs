//! krust-flux: a whole cluster render over an in-memory repository at `/repo` (cluster
//! `dev`, wiring under `clusters/dev`). The input is txtar-like (`-- path --` headers);
//! text before the first header is `clusters/dev/flux.yaml`. The first byte picks strict
//! substitution.
#![no_main]

use std::path::Path;

use krust_flux::{cluster_view, render_cluster, ClusterOptions};
use krust_kustomize::MemFs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let src = krust_fuzz::text(rest);
    let mut fs = MemFs::new();
    for (name, body) in krust_fuzz::split_files(&src, "clusters/dev/flux.yaml") {
        if name.is_empty() {
            continue;
        }
        fs.add_file(Path::new("/repo").join(name.trim_start_matches('/')), body);
    }
    let mut options = ClusterOptions::new("dev");
    options.strict_substitution = flags & 1 == 1;
    if let Ok(render) = render_cluster(&fs, Path::new("/repo"), &options) {
        let _ = cluster_view(&render);
    }
});
