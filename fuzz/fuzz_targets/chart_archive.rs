//! krust-chart: a chart archive (`.tgz` bytes, as fetched charts arrive) loaded and
//! rendered. Exercises the gzip/tar reader's entry-name and size checks.
#![no_main]

use krust_chart::{load_archive, template, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(chart) = load_archive(data) {
        let _ = template(&chart, &Options::default());
    }
});
