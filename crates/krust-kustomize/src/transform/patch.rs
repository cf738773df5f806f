//! `patchesStrategicMerge`, `patches` and `patchesJson6902` (kustomize's
//! `PatchStrategicMergeTransformer`, `PatchTransformer`, `PatchJson6902Transformer`).

use std::sync::Arc;

use krust_model::openapi::Schema;
use krust_model::{ResId, ResMap, Resource};
use krust_yaml::{Typing, Value};

use super::select::select;
use super::Transform;
use crate::kustomization::{Patch, Selector};
use crate::target::Target;
use crate::Error;

/// Strategic-merge patches, each applied to the one resource it names (or to the
/// resources `target` selects).
#[derive(Debug, Clone)]
pub struct StrategicMerge {
    /// The patch documents.
    pub patches: Vec<Resource>,
    /// The resources to patch; `None`: each patch's own id.
    pub target: Option<Selector>,
    /// Where the patches came from, for messages.
    pub source: String,
    /// A custom schema (`openapi:`); the builtin one when `None`.
    pub schema: Option<Arc<Schema>>,
    /// From a `patches` entry (kustomize's `PatchTransformer` words its errors apart).
    pub from_patches: bool,
}

/// Parses YAML-form patch documents as kustomize reads them (`SliceFromBytes`): empty
/// documents are skipped, each patch needs a `kind` and (unless a `List`) a
/// `metadata.name`, and `List`s are expanded.
/// `read` carries the build's YAML limits ([`crate::loader::Loader::read_options`]).
fn parse_patches(
    text: &str,
    file: &str,
    read: krust_yaml::ReadOptions,
) -> Result<Vec<Resource>, Error> {
    // kubectl reads a strategic-merge patch so that a key written twice keeps its first
    // value (checked with kubectl v1.32 and 1.35).
    let opts = read.duplicate_keys(krust_yaml::DuplicateKeys::FirstWins);
    let docs = krust_yaml::parse_stream_with(text, file, Typing::Kyaml, opts)?;
    if docs.iter().any(|d| !(d.is_map() || d.is_null())) {
        return Err(Error::InvalidPatch {
            file: file.to_string(),
            message: format!("{file}: a patch must be a mapping"),
        });
    }
    let objects = krust_model::objects_from_documents(docs, &file.into())
        .map_err(|e| Error::from(e).context(file))?;
    Ok(objects.into_iter().map(Resource::new).collect())
}

/// kustomize `Resource.ApplySmPatch`. Returns false when the patch deleted the resource.
fn apply_one(r: &mut Resource, patch: &Resource, schema: &Schema) -> Result<bool, Error> {
    let (name, ns, kind) = (
        r.name().to_string(),
        r.namespace().to_string(),
        r.kind().to_string(),
    );
    if patch.name_change_allowed() || patch.kind_change_allowed() {
        r.store_previous_id();
    }
    // The patch takes the target's apiVersion and keeps its own kind.
    let mut p = patch.value().clone();
    if let Some(av) = r.value().get("apiVersion").cloned() {
        p.insert("apiVersion", av);
    }
    let merged = krust_patch::merge(r.value(), &p, schema).map_err(Error::from)?;
    let Some(merged) = merged.filter(|m| m.as_map().is_some_and(|m| !m.is_empty())) else {
        return Ok(false);
    };
    r.set_value(merged);
    if !patch.kind_change_allowed() {
        r.value_mut().insert("kind", Value::from(kind.as_str()));
    }
    if !patch.name_change_allowed() {
        r.set_name(&name);
    }
    if ns.is_empty() {
        if let Some(md) = r.value_mut().get_mut("metadata") {
            md.remove("namespace");
        }
    } else {
        r.set_namespace(&ns);
    }
    Ok(true)
}

/// Applies `patch` to the resources at `idx`, dropping those it deletes.
fn apply_to(
    resources: &mut ResMap,
    idx: &[usize],
    patch: &Resource,
    schema: &Schema,
) -> Result<(), Error> {
    let mut deleted = Vec::new();
    for &i in idx {
        if let Some(r) = resources.get_mut(i) {
            if !apply_one(r, patch, schema)? {
                deleted.push(i);
            }
        }
    }
    if !deleted.is_empty() {
        let mut k = 0usize;
        resources.retain(|_| {
            let keep = !deleted.contains(&k);
            k += 1;
            keep
        });
    }
    Ok(())
}

/// kustomize `GetById`: the one resource any of whose ids equals the patch's id.
fn unique_target(resources: &ResMap, id: &ResId) -> Result<usize, Error> {
    match resources.positions_by_any_id(id) {
        [i] => Ok(*i),
        found => Err(Error::PatchTarget {
            id: id.to_string(),
            found: found.len(),
        }),
    }
}

impl Transform for StrategicMerge {
    fn uses_schema(&self) -> bool {
        true
    }
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        let schema = self.schema.as_deref().unwrap_or_else(|| Schema::builtin());
        match &self.target {
            None => {
                for p in &self.patches {
                    let i = unique_target(resources, p.org_id()).map_err(|e| {
                        if self.from_patches {
                            e.context(format!(
                                "no resource matches strategic merge patch {:?}",
                                p.org_id().to_string()
                            ))
                        } else {
                            e
                        }
                        .context(self.source.clone())
                    })?;
                    apply_to(resources, &[i], p, schema)?;
                }
            }
            Some(sel) => {
                for p in &self.patches {
                    let idx = select(resources, sel)?;
                    apply_to(resources, &idx, p, schema)?;
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn strategic_merge_patches(
    t: &Target<'_>,
    schema: Option<&Arc<Schema>>,
) -> Result<Vec<StrategicMerge>, Error> {
    if t.k.patches_strategic_merge.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![strategic_merge_list(
        t,
        &t.k.patches_strategic_merge,
        "patchesStrategicMerge",
        schema,
    )?])
}

/// `patchesStrategicMerge` entries (file paths or inline YAML) as one transform.
pub(crate) fn strategic_merge_entries(
    t: &Target<'_>,
    entries: &[String],
    schema: Option<&Arc<Schema>>,
) -> Result<StrategicMerge, Error> {
    strategic_merge_list(t, entries, "paths", schema)
}

/// [`strategic_merge_entries`]; `list` names the entries in messages.
fn strategic_merge_list(
    t: &Target<'_>,
    entries: &[String],
    list: &str,
    schema: Option<&Arc<Schema>>,
) -> Result<StrategicMerge, Error> {
    let mut patches = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let label = format!("{}: {list}[{i}]", t.file);
        // An entry is inline YAML if it parses as resources, else a file path.
        let inline = parse_patches(entry, &label, t.ldr.read_options());
        match inline {
            Ok(p) if !p.is_empty() => patches.extend(p),
            Err(e) if entry.contains('\n') => {
                // Several lines are not a file name: say what is wrong with the YAML (the
                // file lookup kustomize then makes fails too).
                return Err(match &e {
                    Error::Yaml(y) => {
                        let m = y.mark();
                        let full = y.to_string();
                        let message = full
                            .strip_prefix(&format!("{label}:{m}: "))
                            .unwrap_or(&full);
                        Error::InvalidPatch {
                            file: t.file.clone(),
                            message: format!(
                                "{label}: bad YAML in inline patch (line {}, column {} of the patch text): {message}",
                                m.line, m.col
                            ),
                        }
                    }
                    _ => e,
                });
            }
            _ => {
                let text = t
                    .ldr
                    .load_string(entry)
                    .map_err(|e| e.context(format!("{label}: cannot read patch file {entry:?}")))?;
                let file = crate::loader::display(&t.ldr.join(entry));
                patches.extend(parse_patches(&text, &file, t.ldr.read_options())?);
            }
        }
    }
    if patches.is_empty() {
        return Err(Error::InvalidPatch {
            file: t.file.clone(),
            message: format!(
                "patch appears to be empty; files=[{}], Patch=",
                entries.join(" ")
            ),
        });
    }
    Ok(StrategicMerge {
        patches,
        target: None,
        source: t.file.clone(),
        schema: schema.cloned(),
        from_patches: false,
    })
}

/// A JSON 6902 patch applied to the resources `target` selects.
#[derive(Debug)]
pub struct Json6902 {
    /// The operations.
    pub ops: Vec<krust_patch::Operation>,
    /// The resources to patch.
    pub target: Selector,
    /// `patches:` entries record the previous id (name changes are allowed there).
    pub store_previous_id: bool,
    /// Where the operations came from (a patch file, or an inline entry of a
    /// kustomization), for messages.
    pub source: String,
}

impl Transform for Json6902 {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        let idx = select(resources, &self.target)?;
        for i in idx {
            let Some(r) = resources.get_mut(i) else {
                continue;
            };
            if self.store_previous_id {
                r.store_previous_id();
            }
            let build = build_annotations(r);
            let out =
                krust_patch::apply_json6902_with_build_annotations(r.value(), &self.ops, &build)
                    .map_err(|inner| Error::Json6902 {
                        file: self.source.clone(),
                        id: r.cur_id().to_string(),
                        inner: Box::new(inner),
                    })?;
            let mut out = out;
            // kustomize applies the operations to the resource's JSON form and reads the
            // result back: numbers are float64s written with Go's 'g', other scalars forget
            // their text, nodes their style, and folded scalars read as go-yaml v3 wrote
            // them (the resource's own folded values keep their style through the
            // operations; the patch's values have none).
            krust_yaml::json_round_trip(&mut out);
            // After the round trip every node is tagged, also those a replacement created
            // untagged (kubectl v1.32 and 1.35: a created label `1` stays an int in a later
            // `vars` pass).
            krust_patch::tag_after_json(&mut out);
            r.set_value(out);
            // Both JSON 6902 transformers then put the internal annotations back with
            // `SetAnnotations(GetAnnotations())`: every annotation is a string from here on
            // (a later JSON patch copying them sees `"123456"`; kubectl v1.32 and 1.35).
            super::annotations::rewrite(r);
        }
        Ok(())
    }
}

/// The build annotations kustomize keeps in `metadata.annotations` while it builds, as a
/// JSON 6902 patch sees them (kustomize `utils.BuildAnnotation*`, checked with kubectl v1.32
/// and 1.35 by copying `/metadata/annotations`): a generated resource's
/// `generatorBehavior` and `needsHashSuffix`, the `prefixes`/`suffixes` applied so far, and
/// the previous ids. Sorted by key, as the resource's JSON has them.
fn build_annotations(r: &Resource) -> Vec<(String, String)> {
    const DOMAIN: &str = "internal.config.kubernetes.io/";
    let mut out = Vec::new();
    let mut put = |k: &str, v: String| out.push((format!("{DOMAIN}{k}"), v));
    if r.origin().is_some_and(|o| o.configured_by.is_some()) {
        put("generatorBehavior", r.behavior().as_str().to_string());
    }
    if r.needs_hash_suffix() {
        put("needsHashSuffix", "enabled".to_string());
    }
    let join = |v: &[krust_yaml::Str]| {
        v.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    if !r.name_prefixes().is_empty() {
        put("prefixes", join(r.name_prefixes()));
    }
    if !r.prev_ids().is_empty() {
        let ids = r.prev_ids();
        let list = |f: &dyn Fn(&ResId) -> String| ids.iter().map(f).collect::<Vec<_>>().join(",");
        put("previousKinds", list(&|id| id.gvk.kind().to_string()));
        put("previousNames", list(&|id| id.name.to_string()));
        put("previousNamespaces", list(&|id| id.namespace.to_string()));
    }
    if !r.name_suffixes().is_empty() {
        put("suffixes", join(r.name_suffixes()));
    }
    out
}

/// A misconfigured patch entry of `t`.
fn invalid(t: &Target<'_>, message: String) -> Error {
    Error::InvalidPatch {
        file: t.file.clone(),
        message,
    }
}

/// kustomize tries a patch as strategic merge and as JSON 6902: a document that is a
/// sequence (YAML or JSON) is a list of operations.
fn is_json_patch(text: &str, read: krust_yaml::ReadOptions) -> bool {
    let t = text.trim_start();
    if t.starts_with('[') {
        return true;
    }
    krust_yaml::parse_stream_with(text, "<patch>", Typing::Yaml11, read)
        .ok()
        .and_then(|d| d.into_iter().find(|d| !d.is_null()))
        .is_some_and(|d| d.is_seq())
}

pub(crate) fn patch_entry(
    t: &Target<'_>,
    p: &Patch,
    schema: Option<&Arc<Schema>>,
) -> Result<Box<dyn Transform>, Error> {
    patch_entry_at(t, p, None, schema)
}

/// Names a `patches` (or `patchesJson6902`) entry of a kustomization in messages:
/// `patches[2]`.
fn entry_index(list: &str, index: Option<usize>) -> String {
    match index {
        Some(i) => format!("{list}[{i}]"),
        None => format!("{list} entry"),
    }
}

/// Reads a patch file named by an entry; a missing file says it is a patch and which
/// entry names it.
fn load_patch_file(t: &Target<'_>, p: &Patch, entry: &str) -> Result<(String, String), Error> {
    let text = t
        .ldr
        .load_string(&p.path)
        .map_err(|e| e.context(format!("{entry}.path: cannot read patch file {:?}", p.path)))?;
    Ok((text, crate::loader::display(&t.ldr.join(&p.path))))
}

/// Turns a YAML error inside an inline patch (positions relative to the patch text) into
/// one naming the kustomization file, its line where it can be known, and the entry
/// (`entry` is e.g. `patches[2]`). `skipped` is the number of lines trimmed off the front
/// of the patch text.
fn inline_yaml_error(
    kfile: &str,
    p: &Patch,
    entry: &str,
    label: &str,
    e: &krust_yaml::Error,
    skipped: u32,
) -> Error {
    let m = e.mark();
    let full = e.to_string();
    let message = full
        .strip_prefix(&format!("{label}:{m}: "))
        .unwrap_or(&full)
        .to_string();
    let line_in_text = m.line + skipped;
    let at = if p.patch_mark.line == 0 {
        String::new()
    } else if p.patch_block && m.line > 0 {
        // A block scalar's text starts on the line after its `|`/`>` indicator.
        format!(":{}", p.patch_mark.line + line_in_text)
    } else {
        format!(":{}", p.patch_mark)
    };
    Error::InvalidPatch {
        file: kfile.to_string(),
        message: format!(
            "{kfile}{at}: {entry}.patch: bad YAML in inline patch (line {line_in_text}, column {} of the patch text): {message}",
            m.col
        ),
    }
}

fn patch_entry_at(
    t: &Target<'_>,
    p: &Patch,
    index: Option<usize>,
    schema: Option<&Arc<Schema>>,
) -> Result<Box<dyn Transform>, Error> {
    let inline = p.patch.trim();
    if inline.is_empty() && p.path.is_empty() {
        return Err(invalid(
            t,
            format!("{}: must specify one of patch and path", t.file),
        ));
    }
    if !inline.is_empty() && !p.path.is_empty() {
        return Err(invalid(
            t,
            format!("{}: patch and path can't be set at the same time", t.file),
        ));
    }
    let short = entry_index("patches", index);
    let entry = format!("{}: {short}", t.file);
    let (text, file) = if p.path.is_empty() {
        (inline.to_string(), format!("{entry}.patch"))
    } else {
        load_patch_file(t, p, &entry)?
    };
    let skipped = p.patch[..p.patch.len() - p.patch.trim_start().len()]
        .matches('\n')
        .count() as u32;
    let yaml_err = |e: &krust_yaml::Error| -> Error {
        if p.path.is_empty() {
            inline_yaml_error(&t.file, p, &short, &file, e, skipped)
        } else {
            Error::Yaml(e.clone())
        }
    };
    if is_json_patch(&text, t.ldr.read_options()) {
        let ops = krust_patch::parse_json6902(&text, &file).map_err(|e| {
            let e = match &e {
                krust_patch::PatchError::Json6902Read { source, .. } => yaml_err(source),
                _ => Error::from(e),
            };
            e.context("unable to parse SM or JSON patch")
        })?;
        let Some(target) = p.target.clone() else {
            return Err(invalid(
                t,
                format!("must specify a target for JSON patch {text}"),
            ));
        };
        return Ok(Box::new(Json6902 {
            ops,
            target,
            store_previous_id: true,
            source: file,
        }));
    }
    let mut patches = parse_patches(&text, &file, t.ldr.read_options())
        .map_err(|e| match e {
            Error::Yaml(y) => yaml_err(&y),
            e => e,
        })
        .map_err(|e| {
            if p.path.is_empty() {
                e.context("unable to parse SM or JSON patch")
            } else {
                e.context(format!("unable to parse SM or JSON patch from {file}"))
            }
        })?;
    if p.target.is_some() && patches.len() > 1 {
        return Err(invalid(t, format!(
            "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: {file}"
        )));
    }
    for r in patches.iter_mut() {
        r.set_allow_name_change(p.allow_name_change);
        r.set_allow_kind_change(p.allow_kind_change);
    }
    Ok(Box::new(StrategicMerge {
        patches,
        target: p.target.clone(),
        source: file,
        schema: schema.cloned(),
        from_patches: true,
    }))
}

pub(crate) fn patches(
    t: &Target<'_>,
    schema: Option<&Arc<Schema>>,
) -> Result<Vec<Box<dyn Transform>>, Error> {
    t.k.patches
        .iter()
        .enumerate()
        .map(|(i, p)| patch_entry_at(t, p, Some(i), schema))
        .collect()
}

pub(crate) fn json6902_patches(t: &Target<'_>) -> Result<Vec<Box<dyn Transform>>, Error> {
    let mut out: Vec<Box<dyn Transform>> = Vec::new();
    for (i, p) in t.k.patches_json6902.iter().enumerate() {
        out.push(
            json6902_entry_at(t, p, Some(i))
                .map_err(|e| e.context(format!("{}: patchesJson6902", t.file)))?,
        );
    }
    Ok(out)
}

/// One `patchesJson6902` entry (`patch` holds the inline operations).
pub(crate) fn json6902_entry(t: &Target<'_>, p: &Patch) -> Result<Box<dyn Transform>, Error> {
    json6902_entry_at(t, p, None)
}

fn json6902_entry_at(
    t: &Target<'_>,
    p: &Patch,
    index: Option<usize>,
) -> Result<Box<dyn Transform>, Error> {
    let entry = format!("{}: {}", t.file, entry_index("patchesJson6902", index));
    let target = match &p.target {
        Some(s) if !s.name.is_empty() => s.clone(),
        _ => return Err(invalid(t, "must specify the target name".into())),
    };
    let (text, file) = match (p.path.is_empty(), p.patch.is_empty()) {
        (true, true) => return Err(invalid(t, "empty file path and empty jsonOp".into())),
        (false, false) => {
            return Err(invalid(
                t,
                "must specify a file path or jsonOp, not both".into(),
            ))
        }
        (false, true) => load_patch_file(t, p, &entry)?,
        (true, false) => (p.patch.clone(), format!("{entry}.jsonOp")),
    };
    let ops = krust_patch::parse_json6902(&text, &file).map_err(Error::from)?;
    Ok(Box::new(Json6902 {
        ops,
        target,
        store_previous_id: false,
        source: file,
    }))
}
