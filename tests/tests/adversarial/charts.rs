//! Hostile templates and chart archives: each must end, within the limits, with an error
//! naming the template or archive entry at fault.

use std::io::Read as _;
use std::sync::Arc;

use krust_chart::{load_archive, load_files, template, File, Options};

use crate::harness::measured;

fn file(name: &str, text: &str) -> File {
    File {
        name: name.into(),
        data: Arc::from(text.as_bytes()),
    }
}

const CHART_YAML: &str = "apiVersion: v2\nname: evil\nversion: 0.1.0\n";

/// Renders a chart made of `templates/t.yaml` = `tpl` (and `values`), within the limits.
fn render(name: &str, tpl: &str, values: &str) -> Result<String, String> {
    let chart = load_files(vec![
        file("Chart.yaml", CHART_YAML),
        file("values.yaml", values),
        file("templates/t.yaml", tpl),
    ])
    .map_err(|e| e.to_string())?;
    match measured(name, || template(&chart, &Options::default())) {
        Ok((r, _)) => r.map_err(|e| e.to_string()),
        Err(limit) => panic!("{limit}"),
    }
}

fn expect_error(name: &str, got: Result<String, String>, parts: &[&str]) {
    if std::env::var_os("ADVERSARIAL_VERBOSE").is_some() {
        let text = match &got {
            Ok(t) | Err(t) => t.chars().take(2000).collect::<String>(),
        };
        eprintln!("===== charts/{name}\n{text}");
    }
    match got {
        Ok(out) => panic!("{name}: want an error, got {} bytes of output", out.len()),
        Err(e) => {
            for p in parts {
                assert!(e.contains(p), "{name}: error lacks {p:?}:\n{e}");
            }
        }
    }
}

/// `include` of itself: Helm stops at 1,000 nested references to one name
/// (`recursionMaxNums` in helm/pkg/engine).
#[test]
fn include_recursion() {
    let got = render(
        "include_recursion",
        "{{- define \"loop\" -}}{{ include \"loop\" . }}{{- end -}}{{ include \"loop\" . }}\n",
        "",
    );
    expect_error("include_recursion", got, &["evil/templates/t.yaml", "loop"]);
}

/// `tpl` of a value that calls `tpl` on itself.
#[test]
fn tpl_of_itself() {
    let got = render(
        "tpl_of_itself",
        "x: {{ tpl .Values.x . }}\n",
        "x: '{{ tpl .Values.x . }}'\n",
    );
    expect_error("tpl_of_itself", got, &["evil/templates/t.yaml"]);
}

/// `until` of a huge count: sprig would allocate the list; krust refuses past its bound.
#[test]
fn until_huge() {
    let got = render("until_huge", "n: {{ until 2000000000 | len }}\n", "");
    expect_error("until_huge", got, &["evil/templates/t.yaml", "until"]);
}

/// `repeat` of a huge count (a 10 GB string).
#[test]
fn repeat_huge() {
    let got = render("repeat_huge", "s: {{ repeat 10000000000 \"x\" }}\n", "");
    expect_error("repeat_huge", got, &["evil/templates/t.yaml", "repeat"]);
}

/// Output grown in a loop past the output limit, each step below every function's own
/// bound: must stop at the limit, not exhaust memory.
#[test]
fn output_growth_in_a_loop() {
    let got = render(
        "output_growth_in_a_loop",
        "{{ range until 1000 }}{{ repeat 50000000 \"x\" }}{{ end }}\n",
        "",
    );
    expect_error("output_growth_in_a_loop", got, &["evil/templates/t.yaml"]);
}

/// A regular expression that backtracks exponentially in a backtracking engine. Go's
/// regexp (RE2) and Rust's regex are linear: it simply does not match.
#[test]
fn regex_bomb() {
    let text = "a".repeat(5000);
    let got = render(
        "regex_bomb",
        &format!("m: {{{{ regexMatch \"^(a+)+$\" \"{text}b\" }}}}\n"),
        "",
    );
    assert_eq!(
        got,
        Ok("---\n# Source: evil/templates/t.yaml\nm: false\n".to_string())
    );
}

/// A gzipped tar archive of `entries` (`(name, type, bytes)`).
fn archive(entries: &[(&str, tar::EntryType, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, kind, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        if *kind == tar::EntryType::Symlink {
            let _ = h.set_link_name("../../../etc/passwd");
        }
        // set_path refuses `..`; write the raw name as a hostile packager would.
        let raw = name.as_bytes();
        let field = &mut h.as_old_mut().name;
        let n = raw.len().min(field.len());
        field[..n].copy_from_slice(&raw[..n]);
        h.set_cksum();
        if let Err(e) = b.append(&h, data.as_slice()) {
            panic!("building archive: {e}");
        }
    }
    match b.into_inner().and_then(|gz| gz.finish()) {
        Ok(v) => v,
        Err(e) => panic!("building archive: {e}"),
    }
}

fn load(name: &str, bytes: &[u8]) -> Result<String, String> {
    match measured(name, || {
        load_archive(bytes).and_then(|c| template(&c, &Options::default()))
    }) {
        Ok((r, _)) => r.map_err(|e| e.to_string()),
        Err(limit) => panic!("{limit}"),
    }
}

fn regular() -> tar::EntryType {
    tar::EntryType::Regular
}

/// An archive entry climbing out of the chart with `../`: Helm's loader refuses it
/// ("chart illegally references parent directory").
#[test]
fn archive_with_parent_entry() {
    let bytes = archive(&[
        ("evil/Chart.yaml", regular(), CHART_YAML.into()),
        (
            "evil/../../escape.yaml",
            regular(),
            b"kind: ConfigMap\n".to_vec(),
        ),
    ]);
    expect_error(
        "archive_with_parent_entry",
        load("archive_with_parent_entry", &bytes),
        &["chart illegally references parent directory"],
    );
}

/// A symbolic-link entry pointing out of the chart: Helm's archive loader reads regular
/// files only, so the link is not followed and contributes nothing.
#[test]
fn archive_with_symlink_entry() {
    let bytes = archive(&[
        ("evil/Chart.yaml", regular(), CHART_YAML.into()),
        (
            "evil/templates/passwd.yaml",
            tar::EntryType::Symlink,
            Vec::new(),
        ),
        (
            "evil/templates/cm.yaml",
            regular(),
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".to_vec(),
        ),
    ]);
    assert_eq!(
        load("archive_with_symlink_entry", &bytes),
        Ok("---\n# Source: evil/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".to_string())
    );
}

/// One entry that decompresses to 1 GiB: refused from its header (Helm's
/// `MaxDecompressedFileSize`, 5 MiB), before it is inflated.
#[test]
fn archive_one_gigabyte_file() {
    let bytes = big_archive(&[("evil/templates/big.yaml", 1 << 30)]);
    expect_error(
        "archive_one_gigabyte_file",
        load("archive_one_gigabyte_file", &bytes),
        &[
            "evil/templates/big.yaml",
            "larger than the maximum file size",
        ],
    );
}

/// 256 entries of 4 MiB each (1 GiB in all, every file under the per-file limit):
/// refused at Helm's `MaxDecompressedChartSize` (100 MiB) without inflating the rest.
#[test]
fn archive_one_gigabyte_in_small_files() {
    let names: Vec<String> = (0..256).map(|i| format!("evil/files/f{i}")).collect();
    let entries: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 4 << 20)).collect();
    let bytes = big_archive(&entries);
    expect_error(
        "archive_one_gigabyte_in_small_files",
        load("archive_one_gigabyte_in_small_files", &bytes),
        &["larger than the maximum size"],
    );
}

/// A gzipped tar of `Chart.yaml` plus entries of `size` zero bytes, streamed so that the
/// test never holds the decompressed gigabyte.
fn big_archive(entries: &[(&str, u64)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    let mut add = |name: &str, size: u64, data: &mut dyn std::io::Read| {
        let mut h = tar::Header::new_gnu();
        h.set_size(size);
        h.set_mode(0o644);
        if let Err(e) = b.append_data(&mut h, name, data) {
            panic!("building archive: {e}");
        }
    };
    add(
        "evil/Chart.yaml",
        CHART_YAML.len() as u64,
        &mut CHART_YAML.as_bytes(),
    );
    for (name, size) in entries {
        add(name, *size, &mut std::io::repeat(0).take(*size));
    }
    match b.into_inner().and_then(|gz| gz.finish()) {
        Ok(v) => v,
        Err(e) => panic!("building archive: {e}"),
    }
}
