//! Shared helpers of krust's fuzz targets.
//!
//! Multi-file inputs use a txtar-like text format, so that seeds are readable and
//! libFuzzer's byte mutations still produce meaningful variants:
//!
//! ```text
//! -- kustomization.yaml --
//! resources:
//! - cm.yaml
//! -- cm.yaml --
//! apiVersion: v1
//! kind: ConfigMap
//! ```
//!
//! Text before the first header belongs to the first file name the target expects.

#![forbid(unsafe_code)]

/// Bytes past this are ignored: bigger inputs only slow the fuzzer down, and the size
/// limits themselves are checked by the adversarial suite.
pub const MAX_INPUT: usize = 64 * 1024;

/// The input as text (lossy: invalid UTF-8 becomes U+FFFD, as the loaders' callers would
/// reject it before parsing anyway), truncated to [`MAX_INPUT`].
pub fn text(data: &[u8]) -> String {
    let data = &data[..data.len().min(MAX_INPUT)];
    String::from_utf8_lossy(data).into_owned()
}

/// Splits `src` into `(name, content)` pairs at `-- name --` header lines. Text before the
/// first header is named `first`.
pub fn split_files(src: &str, first: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut name = first.to_string();
    let mut body = String::new();
    let mut seen_header = false;
    for line in src.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if let Some(n) = trimmed
            .strip_prefix("-- ")
            .and_then(|r| r.strip_suffix(" --"))
        {
            if seen_header || !body.is_empty() {
                out.push((name, std::mem::take(&mut body)));
            }
            name = n.trim().to_string();
            seen_header = true;
            continue;
        }
        body.push_str(line);
    }
    if seen_header || !body.is_empty() {
        out.push((name, body));
    }
    out
}

/// The `n`th file's content, or "" when there are fewer files.
pub fn nth(files: &[(String, String)], n: usize) -> &str {
    files.get(n).map(|(_, b)| b.as_str()).unwrap_or("")
}
