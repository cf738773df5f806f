//! The `merge2` suite: kyaml's strategic-merge test tables (`conformance/merge2/cases.json`)
//! and its `$patch` directive table (`directives.json`).
//!
//! Upstream compares go-yaml output strings; krust has no go-yaml emitter, so results are
//! compared as parsed trees, with the order of map keys and list elements significant.
//! Where the upstream harness normalised both sides (`kio/filters.FormatInput`, given per
//! case in `upstream_normalization`), the same normalisation is applied to both trees: map
//! keys sorted, the named lists sorted. Every harness that writes through `kio.ByteWriter`
//! drops an empty `metadata.annotations` and then an empty `metadata`; that is applied to both
//! sides too. The PSM harness (`kio.ByteReader`) adds index annotations to the target before
//! the merge; they are added and removed the same way here.

use std::path::Path;

use anyhow::Context;
use krust_patch::{merge_with, CommentSchemas, ListIncrease, MergeOptions, Schema};
use krust_yaml::{parse_document, parse_stream, parse_stream_with_comments, Map, Typing, Value};
use serde_json::Value as Json;

use crate::case::{run_jobs, CaseResult, Job, Limits, Outcome};

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let root = shared.join("conformance/merge2");
    let cases = read_json(&root.join("cases.json"))?;
    let directives = read_json(&root.join("directives.json"))?;
    let mut jobs = Vec::new();
    for case in cases {
        let id = str_field(&case, "name").to_string();
        let harness = str_field(&case, "harness").to_string();
        let tags = vec![harness, str_field(&case, "source_file").to_string()];
        jobs.push(Job::new(id, tags, move || run_merge_case(&case)));
    }
    for case in directives {
        let id = str_field(&case, "name").to_string();
        let tags = vec!["directives".to_string()];
        jobs.push(Job::new(id, tags, move || run_directive_case(&case)));
    }
    Ok(run_jobs(jobs, Limits::default()))
}

fn read_json(path: &Path) -> anyhow::Result<Vec<Json>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let v: Json =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    match v {
        Json::Array(a) => Ok(a),
        _ => anyhow::bail!("{}: expected a JSON array of cases", path.display()),
    }
}

fn str_field<'a>(case: &'a Json, key: &str) -> &'a str {
    case.get(key).and_then(Json::as_str).unwrap_or("")
}

/// The first document (what `yaml.Parse` reads) and the comment schemas found in it.
fn read_doc(src: &str, file: &str) -> Result<(Value, CommentSchemas), String> {
    let (docs, comments) =
        parse_stream_with_comments(src, file, Typing::Kyaml).map_err(|e| e.to_string())?;
    let doc = docs.into_iter().next().unwrap_or_default();
    let schemas = CommentSchemas::from_comments(&doc, 0, &comments, Schema::builtin());
    Ok((doc, schemas))
}

fn run_merge_case(case: &Json) -> Outcome {
    match merge_case(case) {
        Ok(o) => o,
        Err(e) => Outcome::fail(e),
    }
}

fn merge_case(case: &Json) -> Result<Outcome, String> {
    let harness = str_field(case, "harness");
    let opts_json = case.get("options");
    let append = opts_json
        .and_then(|o| o.get("list_increase_direction"))
        .and_then(Json::as_str)
        != Some("prepend");
    let infer = opts_json
        .and_then(|o| o.get("infer_associative_lists"))
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let (mut dest, target_comments) = read_doc(str_field(case, "dest"), "dest.yaml")?;
    let (patch, patch_comments) = read_doc(str_field(case, "patch"), "patch.yaml")?;
    let opts = MergeOptions {
        list_increase: if append {
            ListIncrease::Append
        } else {
            ListIncrease::Prepend
        },
        infer_associative_lists: infer,
        target_comments,
        patch_comments,
    };
    let psm = harness.starts_with("psm_filter/");
    if psm {
        add_index_annotations(&mut dest);
    }
    let merged = merge_with(&dest, &patch, Schema::builtin(), &opts)
        .map_err(|e| format!("merge error: {e}"))?;
    let expected: Vec<Value> =
        parse_stream(str_field(case, "expected"), "expected.yaml", Typing::Kyaml)
            .map_err(|e| format!("expected: {e}"))?
            .into_iter()
            .filter(|d| !d.is_null())
            .collect();
    let mut actual: Vec<Value> = merged.into_iter().filter(|d| !d.is_null()).collect();
    if psm {
        actual.iter_mut().for_each(remove_index_annotations);
    }
    let norm = case.get("upstream_normalization");
    let sort_keys = norm
        .and_then(|n| n.get("map_keys_sorted"))
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let sorted_lists: Vec<String> = norm
        .and_then(|n| n.get("lists_sorted"))
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let writes_through_kio = harness != "merge_strings/exact";
    let normalise = |docs: Vec<Value>| -> Vec<Value> {
        docs.into_iter()
            .map(|mut d| {
                if writes_through_kio {
                    drop_empty_metadata(&mut d);
                }
                // FormatInput sorts only documents with both `kind` and `apiVersion`.
                let typed = d.get("kind").is_some() && d.get("apiVersion").is_some();
                if typed {
                    for l in &sorted_lists {
                        sort_list_by_name(&mut d, l);
                    }
                    if sort_keys {
                        d = sort_maps(&d);
                    }
                }
                d
            })
            .collect()
    };
    let expected = normalise(expected);
    let actual = normalise(actual);
    if expected == actual {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::fail(format!(
        "expected {} but got {}",
        show(&expected),
        show(&actual)
    )))
}

fn show(docs: &[Value]) -> String {
    let s: Vec<String> = docs
        .iter()
        .map(|d| krust_yaml::to_yaml(d).unwrap_or_else(|e| e.to_string()))
        .collect();
    if s.is_empty() {
        "(no document)".to_string()
    } else {
        s.join("---\n")
    }
}

const INDEX_KEYS: [&str; 2] = [
    "config.kubernetes.io/index",
    "internal.config.kubernetes.io/index",
];

fn add_index_annotations(doc: &mut Value) {
    if !doc.is_map() {
        return;
    }
    let Some(meta) = doc.entry_map("metadata") else {
        return;
    };
    let Some(ann) = meta.entry_map("annotations") else {
        return;
    };
    for k in INDEX_KEYS {
        ann.insert(k, Value::from("0"));
    }
}

fn remove_index_annotations(doc: &mut Value) {
    if let Some(ann) = doc.path_mut(&["metadata", "annotations"]) {
        for k in INDEX_KEYS {
            ann.remove(k);
        }
    }
}

/// `kio.ByteWriter`: an empty `metadata.annotations` goes, then an empty `metadata`.
fn drop_empty_metadata(doc: &mut Value) {
    let empty = |v: Option<&Value>| v.is_some_and(|v| v.as_map().is_some_and(Map::is_empty));
    if empty(doc.path(&["metadata", "annotations"])) {
        if let Some(m) = doc.get_mut("metadata") {
            m.remove("annotations");
        }
    }
    if empty(doc.get("metadata")) {
        doc.remove("metadata");
    }
}

/// Sorts the list at a dotted path (`spec.template.spec.containers (by name)`) by `name`.
fn sort_list_by_name(doc: &mut Value, spec: &str) {
    let path = spec.split(' ').next().unwrap_or("");
    let keys: Vec<&str> = path.split('.').collect();
    if let Some(list) = doc.path_mut(&keys).and_then(Value::as_seq_mut) {
        list.sort_by(|a, b| a.str_at(&["name"]).cmp(&b.str_at(&["name"])));
    }
}

fn sort_maps(v: &Value) -> Value {
    match &v.data {
        krust_yaml::Data::Map(m) => {
            let mut entries: Vec<(&krust_yaml::Key, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let out: Map = entries
                .into_iter()
                .map(|(k, v)| (k.clone(), sort_maps(v)))
                .collect();
            Value::from_map(out)
        }
        krust_yaml::Data::Seq(s) => Value::from_seq(s.iter().map(sort_maps).collect()),
        _ => v.clone(),
    }
}

fn run_directive_case(case: &Json) -> Outcome {
    let patch = match parse_document(str_field(case, "patch"), "patch.yaml", Typing::Kyaml) {
        Ok(p) => p,
        Err(e) => return Outcome::fail(format!("reading patch: {e}")),
    };
    let result = krust_patch::directive::determine(&patch);
    if case.get("error").and_then(Json::as_bool).unwrap_or(false) {
        let want = str_field(case, "error_contains");
        return match result {
            Err(e) if e.to_string().contains(want) => Outcome::Pass,
            Err(e) => Outcome::fail(format!("error {e:?} does not contain {want:?}")),
            Ok((d, _)) => Outcome::fail(format!("expected an error, got directive {d:?}")),
        };
    }
    let (d, elided) = match result {
        Ok(r) => r,
        Err(e) => return Outcome::fail(format!("unexpected error: {e}")),
    };
    let want_dir = str_field(case, "directive");
    let got_dir = match d {
        krust_patch::Directive::Merge => "merge",
        krust_patch::Directive::Replace => "replace",
        krust_patch::Directive::Delete => "delete",
    };
    if want_dir != got_dir {
        return Outcome::fail(format!("directive {got_dir}, expected {want_dir}"));
    }
    let want = match parse_document(str_field(case, "elided"), "elided.yaml", Typing::Kyaml) {
        Ok(v) => v,
        Err(e) => return Outcome::fail(format!("reading elided: {e}")),
    };
    if want == elided {
        Outcome::Pass
    } else {
        Outcome::fail(format!(
            "elided {} but expected {}",
            show(&[elided]),
            show(&[want])
        ))
    }
}
