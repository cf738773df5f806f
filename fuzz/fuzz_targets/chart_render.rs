//! krust-chart: load a chart from files and render it as `helm template` does. The input
//! is txtar-like (`-- path --` headers, paths relative to the chart root); text before the
//! first header is `templates/main.yaml`. A `Chart.yaml` is added when the input has none.
#![no_main]

use std::sync::Arc;

use krust_chart::{load_files, template, File, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = krust_fuzz::text(data);
    let mut files: Vec<File> = krust_fuzz::split_files(&src, "templates/main.yaml")
        .into_iter()
        .filter(|(n, _)| !n.is_empty())
        .map(|(name, body)| File {
            name,
            data: Arc::from(body.into_bytes()),
        })
        .collect();
    if !files.iter().any(|f| f.name == "Chart.yaml") {
        files.push(File {
            name: "Chart.yaml".into(),
            data: Arc::from(&b"apiVersion: v2\nname: fuzz\nversion: 0.1.0\n"[..]),
        });
    }
    if let Ok(chart) = load_files(files) {
        let _ = template(&chart, &Options::default());
    }
});
