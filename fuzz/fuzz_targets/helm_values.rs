//! krust-helm: a HelmRelease's values composition (spec.values, valuesFrom with
//! targetPath, chart-default coalescing). Input: a YAML stream whose first document is the
//! HelmRelease and the rest the ConfigMaps/Secrets it may refer to; after
//! `-- defaults --`, the chart's default values.
#![no_main]

use krust_helm::{coalesce, compose_values, merge, HelmRelease, ObjectIndex};
use krust_yaml::{parse_document, parse_stream, to_yaml, Typing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = krust_fuzz::text(data);
    let files = krust_fuzz::split_files(&src, "objects");
    let Ok(docs) = parse_stream(krust_fuzz::nth(&files, 0), "objects.yaml", Typing::Kyaml) else {
        return;
    };
    let defaults = parse_document(krust_fuzz::nth(&files, 1), "values.yaml", Typing::Yaml11).ok();
    let Some((first, objects)) = docs.split_first() else {
        return;
    };
    let Ok(hr) = HelmRelease::from_value(first) else {
        return;
    };
    let _ = hr.release_name();
    let _ = hr.cross_namespace_refs();
    if let Ok(composed) = compose_values(&hr, &ObjectIndex::new(objects)) {
        let _ = to_yaml(composed.effective());
        if let Some(d) = &defaults {
            let _ = to_yaml(&coalesce(&composed.user, d));
            let _ = to_yaml(&merge(d, &composed.user));
        }
    }
});
