//! krust-kustomize: a build over an in-memory file system. The input is txtar-like
//! (`-- path --` headers, see the crate docs); text before the first header is
//! `/app/kustomization.yaml`. Paths are placed under `/app` (absolute ones stay where they
//! are, so the load restrictor gets exercised). The first byte picks the options; the
//! resource bound is lowered to 20,000.
#![no_main]

use std::path::Path;

use krust_kustomize::{Kustomizer, LoadRestrictor, MemFs, Options, Reorder};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let src = krust_fuzz::text(rest);
    let mut fs = MemFs::new();
    fs.add_dir("/app");
    for (name, body) in krust_fuzz::split_files(&src, "kustomization.yaml") {
        if name.is_empty() {
            continue;
        }
        let path = if name.starts_with('/') {
            Path::new(&name).to_path_buf()
        } else {
            Path::new("/app").join(&name)
        };
        fs.add_file(path, body.into_bytes());
    }
    let options = Options::default()
        .load_restrictor(if flags & 1 == 0 {
            LoadRestrictor::RootOnly
        } else {
            LoadRestrictor::None
        })
        .reorder(match (flags >> 1) & 3 {
            0 => Reorder::None,
            1 => Reorder::Legacy,
            _ => Reorder::Unspecified,
        })
        .add_managed_by_label(flags & 8 != 0)
        .plugins_enabled(flags & 16 != 0)
        // A diamond of bases doubles per level from a few bytes; the default bound (a
        // million resources) would pass the 2 GB RSS limit first. The adversarial suite
        // checks the defaults.
        .max_resources(20_000);
    let k = Kustomizer::new(options);
    if let Ok(out) = k.build(&fs, Path::new("/app")) {
        let _ = out.to_yaml();
    }
});
