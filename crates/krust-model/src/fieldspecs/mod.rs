//! Field specs: which fields of which kinds a transformer touches (kustomize
//! `types.FieldSpec` and the built-in `TransformerConfig`).
//!
//! The built-in tables are data (`builtin-v5.8.1.txt`, kustomize v5.8.1's defaults restated
//! in a compact format), parsed once into an immutable [`FieldSpecTables`].

mod config;
mod path;
mod walk;

use std::fmt;
use std::sync::OnceLock;

use krust_yaml::hash::FastHashMap;
use krust_yaml::{Data, Value};

use crate::{Gvk, ResId};

pub use path::{FieldPath, Segment};
pub use walk::{walk_path, WalkError};

/// kustomize v5.8.1's built-in field specs (see the file's header for the format).
const BUILTIN_V5_8_1: &str = include_str!("builtin-v5.8.1.txt");

/// One field of a set of kinds: the objects selected by `gvk` (empty fields match
/// anything), the field at `path`, and whether a missing field is created.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    /// The kinds it applies to; empty fields match anything.
    pub gvk: Gvk,
    /// The field.
    pub path: FieldPath,
    /// Whether a missing field is created.
    pub create: bool,
}

impl FieldSpec {
    /// A spec for `gvk` with `path` parsed as a kustomize field path.
    pub fn new(gvk: Gvk, path: &str, create: bool) -> Self {
        FieldSpec {
            gvk,
            path: FieldPath::parse(path),
            create,
        }
    }

    /// True when the spec applies to objects of type `gvk` (kustomize `isMatchGVK`).
    pub fn applies_to(&self, gvk: &Gvk) -> bool {
        gvk.is_selected(&self.gvk)
    }

    /// kustomize `effectivelyEquals`: same path, and `other`'s Gvk selects this one's.
    pub fn effectively_equals(&self, other: &FieldSpec) -> bool {
        self.gvk.is_selected(&other.gvk) && self.path == other.path
    }

    /// Applies `f` to every node this spec reaches in `obj`, an object of type `gvk` with
    /// id `id` (used in the error). `leaf` is what a missing last field is created as; it
    /// is used only when the spec has `create` set (kustomize's `CreateKind`). Does nothing
    /// when the spec does not apply to `gvk`.
    pub fn apply<E>(
        &self,
        obj: &mut Value,
        id: &ResId,
        leaf: Option<&Value>,
        f: &mut impl FnMut(&mut Value) -> Result<(), E>,
    ) -> Result<(), Box<FieldSpecError<E>>> {
        if !self.applies_to(&id.gvk) {
            return Ok(());
        }
        let create = if self.create { leaf } else { None };
        walk_path(obj, self.path.segments(), create, f).map_err(|source| {
            Box::new(FieldSpecError {
                path: self.path.clone(),
                id: id.clone(),
                source,
            })
        })
    }

    /// Calls `f` on every node this spec reaches in `obj`, without changing anything.
    pub fn visit<'a>(&self, obj: &'a Value, f: &mut impl FnMut(&'a Value)) {
        visit_path(obj, self.path.segments(), f);
    }
}

/// kustomize `FieldSpec.String()`: `Kind.version.group:create:path`.
impl fmt::Display for FieldSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.gvk, self.create, self.path)
    }
}

/// Read-only walk: calls `f` on every node `path` reaches (lists walked element-wise,
/// missing fields and nulls on the way skipped, scalars on the way ignored).
pub fn visit_path<'a>(node: &'a Value, path: &[Segment], f: &mut impl FnMut(&'a Value)) {
    let Some((first, rest)) = path.split_first() else {
        f(node);
        return;
    };
    match &node.data {
        Data::Seq(seq) => seq.iter().for_each(|e| visit_path(e, path, f)),
        Data::Map(map) => {
            if let Some(v) = map.get(&*first.name) {
                visit_path(v, rest, f);
            }
        }
        _ => {}
    }
}

/// A field spec could not be applied. `Display` gives kustomize's message:
/// `considering field '<path>' of object <id>: <reason>`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpecError<E> {
    /// The spec's path.
    pub path: FieldPath,
    /// The object it was applied to.
    pub id: ResId,
    /// What went wrong on the way.
    pub source: WalkError<E>,
}

impl<E: fmt::Display> fmt::Display for FieldSpecError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "considering field '{}' of object {}: {}",
            self.path, self.id, self.source
        )
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for FieldSpecError<E> {}

/// The referrers of one kind: where names of `gvk` objects are referred to (kustomize
/// `NameBackReferences`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameBackRefs {
    /// The kind whose names are referred to.
    pub gvk: Gvk,
    /// The fields that hold such names.
    pub referrers: Vec<FieldSpec>,
}

/// kustomize `NameBackReferences.String()`: the kind, then one referrer a line.
impl fmt::Display for NameBackRefs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:  (", self.gvk)?;
        for (i, r) in self.referrers.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{r}")?;
        }
        f.write_str("\n)")
    }
}

/// The field-spec tables of every built-in transformer (kustomize `TransformerConfig`):
/// the one model of field specs, for the built-in defaults and for user `configurations:`
/// and `crds:` alike.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSpecTables {
    /// `namePrefix`: the names a prefix is added to.
    pub name_prefix: Vec<FieldSpec>,
    /// `nameSuffix`: the names a suffix is added to.
    pub name_suffix: Vec<FieldSpec>,
    /// `namespace`: the fields the namespace transformer sets.
    pub namespace: Vec<FieldSpec>,
    /// `commonLabels`: where common labels (and selectors) are set.
    pub common_labels: Vec<FieldSpec>,
    /// `labels` (empty by default; user configurations may add to it).
    pub labels: Vec<FieldSpec>,
    /// `templateLabels`: pod-template labels, set by `labels` with `includeTemplates`.
    pub template_labels: Vec<FieldSpec>,
    /// `volumeClaimTemplateLabels` (kustomize HEAD, 80f63ae0c): StatefulSet claim-template
    /// labels, set by `labels` with `includeVolumeClaimTemplates`. Empty in the v5.8.1
    /// defaults, which keep these specs in `templateLabels`.
    pub volume_claim_template_labels: Vec<FieldSpec>,
    /// `commonAnnotations`: where common annotations are set.
    pub common_annotations: Vec<FieldSpec>,
    /// `nameReference`: where each kind's names are referred to.
    pub name_reference: Vec<NameBackRefs>,
    /// `varReference`: the fields where `$(VAR)` references are replaced.
    pub var_reference: Vec<FieldSpec>,
    /// `images`: the fields holding container images.
    pub images: Vec<FieldSpec>,
    /// `replicas`: the fields holding replica counts.
    pub replicas: Vec<FieldSpec>,
}

/// Why a field-spec table could not be read or merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldSpecTableError {
    /// A line of the compact table format is malformed.
    #[error("field-spec table line {line}: {message}")]
    Syntax {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// Two specs for the same field disagree on `create` (kustomize's message).
    #[error("failed to merge {table} fieldSpec: conflicting fieldspecs")]
    Conflict {
        /// The table's TransformerConfig Go field name (`NamePrefix`, ...).
        table: &'static str,
    },
    /// A transformer-configuration file is not what kustomize accepts (kustomize's message).
    #[error("{message}")]
    Config {
        /// kustomize's message.
        message: String,
    },
}

impl FieldSpecTables {
    /// The field-spec list stored under a TransformerConfig field name (`namePrefix`,
    /// `commonLabels`, ...); `None` for `nameReference` (not a plain list) and unknown names.
    pub fn table_mut(&mut self, name: &str) -> Option<&mut Vec<FieldSpec>> {
        Some(match name {
            "namePrefix" => &mut self.name_prefix,
            "nameSuffix" => &mut self.name_suffix,
            "namespace" => &mut self.namespace,
            "commonLabels" => &mut self.common_labels,
            "labels" => &mut self.labels,
            "templateLabels" => &mut self.template_labels,
            "volumeClaimTemplateLabels" => &mut self.volume_claim_template_labels,
            "commonAnnotations" => &mut self.common_annotations,
            "varReference" => &mut self.var_reference,
            "images" => &mut self.images,
            "replicas" => &mut self.replicas,
            _ => return None,
        })
    }

    /// kustomize v5.8.1's defaults, parsed on first use and sorted as kustomize sorts them.
    pub fn builtin() -> &'static FieldSpecTables {
        static TABLES: OnceLock<FieldSpecTables> = OnceLock::new();
        TABLES.get_or_init(|| {
            // The text is part of the crate and a unit test parses it; a failure here is a
            // build defect, not an input error.
            #[allow(clippy::expect_used)]
            let mut t = FieldSpecTables::parse(BUILTIN_V5_8_1).expect("built-in field specs parse");
            t.sort();
            t
        })
    }

    /// Parses the compact table format of `builtin-v5.8.1.txt`.
    pub fn parse(text: &str) -> Result<FieldSpecTables, FieldSpecTableError> {
        parse_tables(text)
    }

    fn lists_mut(&mut self) -> [&mut Vec<FieldSpec>; 11] {
        [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.labels,
            &mut self.template_labels,
            &mut self.volume_claim_template_labels,
            &mut self.common_annotations,
            &mut self.var_reference,
            &mut self.images,
            &mut self.replicas,
        ]
    }

    /// Sorts every table by its specs' Gvk in kustomize's order (`Gvk.IsLessThan`). The
    /// sort is stable; kustomize's is not, so specs with equal Gvks may be visited in
    /// another order than kustomize's (only the order, never the set, differs).
    pub fn sort(&mut self) {
        for list in self.lists_mut() {
            list.sort_by(|a, b| a.gvk.legacy_cmp(&b.gvk));
        }
        self.name_reference.sort_by(|a, b| a.gvk.legacy_cmp(&b.gvk));
    }

    /// kustomize `TransformerConfig.Merge`: every spec of `other` not already present
    /// (by [`FieldSpec::effectively_equals`]) is appended; referrers of the same target
    /// kind are merged; then the tables are sorted. A spec of `other` that an existing one
    /// covers with another `create` is kustomize's conflict error (the first table in
    /// kustomize's order is reported).
    pub fn merged(&self, other: &FieldSpecTables) -> Result<FieldSpecTables, FieldSpecTableError> {
        let mut out = self.clone();
        out.merge_from(other)?;
        Ok(out)
    }

    /// [`FieldSpecTables::merged`] in place; on error `self` is left partly merged.
    pub fn merge_from(&mut self, o: &FieldSpecTables) -> Result<(), FieldSpecTableError> {
        self.merge_with(o, true)
    }

    /// Merges `other` into `self` as [`FieldSpecTables::merge_from`] does, but a spec that
    /// conflicts with an existing one is left out instead of failing. For callers that
    /// report conflicts themselves; prefer [`FieldSpecTables::merge_from`].
    pub fn merge(&mut self, other: &FieldSpecTables) {
        // Never fails with `strict` off.
        let _ = self.merge_with(other, false);
    }

    fn merge_with(&mut self, o: &FieldSpecTables, strict: bool) -> Result<(), FieldSpecTableError> {
        let m = |dst: &mut Vec<FieldSpec>, src: &[FieldSpec], table| {
            merge_specs(dst, src, table, strict)
        };
        // kustomize's order, which decides the table a conflict names.
        m(&mut self.name_prefix, &o.name_prefix, "NamePrefix")?;
        m(&mut self.name_suffix, &o.name_suffix, "NameSuffix")?;
        m(&mut self.namespace, &o.namespace, "NameSpace")?;
        m(
            &mut self.common_annotations,
            &o.common_annotations,
            "CommonAnnotations",
        )?;
        m(&mut self.common_labels, &o.common_labels, "CommonLabels")?;
        m(&mut self.labels, &o.labels, "Labels")?;
        m(
            &mut self.template_labels,
            &o.template_labels,
            "TemplateLabels",
        )?;
        m(
            &mut self.volume_claim_template_labels,
            &o.volume_claim_template_labels,
            "VolumeClaimTemplateLabels",
        )?;
        m(&mut self.var_reference, &o.var_reference, "VarReference")?;
        for nbr in &o.name_reference {
            match self.name_reference.iter_mut().find(|n| n.gvk == nbr.gvk) {
                Some(n) => m(&mut n.referrers, &nbr.referrers, "NameReference")?,
                None => self.name_reference.push(nbr.clone()),
            }
        }
        m(&mut self.images, &o.images, "Images")?;
        m(&mut self.replicas, &o.replicas, "Replicas")?;
        self.sort();
        Ok(())
    }

    /// kustomize prints a `TransformerConfig` with Go's `%v` in the error of a conflict
    /// between a kustomization's configuration and its bases' (`merging config &{...}`):
    /// the tables in Go field order, each spec as [`FieldSpec`]'s `Display`. Specs of equal
    /// Gvk may stand in another order than kustomize's (see [`FieldSpecTables::sort`]).
    pub fn go_display(&self) -> impl fmt::Display + '_ {
        GoDisplay(self)
    }
}

struct GoDisplay<'a>(&'a FieldSpecTables);

impl fmt::Display for GoDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, l: &[T]) -> fmt::Result {
            f.write_str("[")?;
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{x}")?;
            }
            f.write_str("]")
        }
        let t = self.0;
        f.write_str("&{")?;
        let lists: [&[FieldSpec]; 7] = [
            &t.name_prefix,
            &t.name_suffix,
            &t.namespace,
            &t.common_labels,
            &t.labels,
            &t.template_labels,
            &t.volume_claim_template_labels,
        ];
        for l in lists {
            list(f, l)?;
            f.write_str(" ")?;
        }
        list(f, &t.common_annotations)?;
        f.write_str(" ")?;
        list(f, &t.name_reference)?;
        for l in [&t.var_reference, &t.images, &t.replicas] {
            f.write_str(" ")?;
            list(f, l)?;
        }
        f.write_str("}")
    }
}

/// kustomize `FsSlice.MergeAll` (`strict`: a conflict is an error, else the new spec is
/// left out).
fn merge_specs(
    dst: &mut Vec<FieldSpec>,
    src: &[FieldSpec],
    table: &'static str,
    strict: bool,
) -> Result<(), FieldSpecTableError> {
    // Small merges scan; larger ones look candidates up by path (specs that effectively
    // equal one another have equal paths), keeping the first match in `dst` order.
    if dst.len().saturating_mul(src.len()) <= 256 {
        for fs in src {
            match dst.iter().find(|x| x.effectively_equals(fs)) {
                Some(x) if strict && x.create != fs.create => {
                    return Err(FieldSpecTableError::Conflict { table })
                }
                Some(_) => {}
                None => dst.push(fs.clone()),
            }
        }
        return Ok(());
    }
    let mut by_path: FastHashMap<krust_yaml::Str, Vec<usize>> = FastHashMap::default();
    for (i, x) in dst.iter().enumerate() {
        by_path.entry(x.path.shared_text()).or_default().push(i);
    }
    for fs in src {
        let found = by_path.get(fs.path.as_str()).and_then(|at| {
            at.iter()
                .filter_map(|&i| dst.get(i))
                .find(|x| x.effectively_equals(fs))
        });
        match found {
            Some(x) if strict && x.create != fs.create => {
                return Err(FieldSpecTableError::Conflict { table })
            }
            Some(_) => {}
            None => {
                by_path
                    .entry(fs.path.shared_text())
                    .or_default()
                    .push(dst.len());
                dst.push(fs.clone());
            }
        }
    }
    Ok(())
}

fn parse_tables(text: &str) -> Result<FieldSpecTables, FieldSpecTableError> {
    // Sections are kept by name so `@name` can include one defined earlier.
    let mut sections: Vec<(String, Vec<FieldSpec>)> = Vec::new();
    let mut name_refs: Vec<NameBackRefs> = Vec::new();
    let mut current: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let err = |message: String| FieldSpecTableError::Syntax {
            line: line_no,
            message,
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name.to_string(), Vec::new()));
            current = Some(name.to_string());
            continue;
        }
        let Some(section) = current.as_deref() else {
            return Err(err("spec outside a [section]".into()));
        };
        if let Some(include) = line.strip_prefix('@') {
            let specs = sections
                .iter()
                .find(|(n, _)| n == include)
                .map(|(_, s)| s.clone())
                .ok_or_else(|| err(format!("unknown section @{include}")))?;
            if let Some((_, list)) = sections.last_mut() {
                list.extend(specs);
            }
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        let part = |s: &str| {
            if s == "-" {
                String::new()
            } else {
                s.to_string()
            }
        };
        match cols.as_slice() {
            [">", g, v, k] if section == "nameReference" => {
                name_refs.push(NameBackRefs {
                    gvk: Gvk::new(part(g), part(v), part(k)),
                    referrers: Vec::new(),
                });
            }
            [flag @ ("+" | "."), g, v, k, path] => {
                let spec = FieldSpec::new(Gvk::new(part(g), part(v), part(k)), path, *flag == "+");
                if section == "nameReference" {
                    name_refs
                        .last_mut()
                        .ok_or_else(|| err("referrer before any `>` target".into()))?
                        .referrers
                        .push(spec);
                } else if let Some((_, list)) = sections.last_mut() {
                    list.push(spec);
                }
            }
            _ => return Err(err(format!("cannot read {line:?}"))),
        }
    }
    let mut t = FieldSpecTables {
        name_reference: name_refs,
        ..FieldSpecTables::default()
    };
    for (name, specs) in sections {
        // Helper sections (included elsewhere) and nameReference (kept above) have no table.
        if let Some(slot) = t.table_mut(&name) {
            *slot = specs;
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{map, obj, s};
    use crate::Resource;

    fn set_label(node: &mut Value) -> Result<(), String> {
        node.insert("a", Value::from("b"));
        Ok(())
    }

    fn deployment(spec: Value) -> Value {
        let mut d = obj("apps/v1", "Deployment", "d", "");
        d.insert("spec", spec);
        d
    }

    fn apply_all(specs: &[FieldSpec], v: &mut Value) -> Result<(), String> {
        let id = Resource::new(v.clone()).cur_id().clone();
        for fs in specs {
            fs.apply(v, &id, Some(&Value::map()), &mut set_label)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    #[test]
    fn builtin_tables_hold_kustomize_v5_8_1_defaults() {
        let t = FieldSpecTables::builtin();
        assert_eq!(t.name_prefix.len(), 1);
        assert_eq!(t.name_suffix.len(), 1);
        assert_eq!(t.namespace.len(), 3);
        assert_eq!(t.common_labels.len(), 32);
        assert_eq!(t.template_labels.len(), 10);
        assert_eq!(t.common_annotations.len(), 9);
        assert_eq!(t.var_reference.len(), 72);
        assert_eq!(t.images.len(), 6);
        assert_eq!(t.replicas.len(), 4);
        assert!(t.labels.is_empty());
        assert_eq!(t.name_reference.len(), 16);
        assert_eq!(
            t.name_reference
                .iter()
                .map(|n| n.referrers.len())
                .sum::<usize>(),
            167
        );
        // v5.8.1 (unlike kustomize HEAD) puts volumeClaimTemplates labels in templateLabels.
        assert!(t
            .template_labels
            .iter()
            .any(|f| f.path.as_str() == "spec/volumeClaimTemplates[]/metadata/labels"));
        // ...and has the image-volume specs v5.7.0 added.
        assert!(t
            .images
            .iter()
            .any(|f| f.path.as_str() == "spec/template/spec/volumes[]/image/reference"));
        let ns = t
            .namespace
            .iter()
            .find(|f| f.gvk.kind() == "Namespace")
            .unwrap();
        assert!(ns.create && ns.path.is(&["metadata", "name"]));
        let secret = t
            .name_reference
            .iter()
            .find(|n| n.gvk.kind() == "Secret")
            .unwrap();
        assert!(secret.referrers.iter().any(|f| f.path.is(&[
            "metadata",
            "annotations",
            "nginx.ingress.kubernetes.io/auth-secret"
        ])));
        // Sorted by kustomize's Gvk order.
        for w in t.common_labels.windows(2) {
            assert_ne!(w[0].gvk.legacy_cmp(&w[1].gvk), std::cmp::Ordering::Greater);
        }
        // StorageClass is the earliest kind of the default order among the targets.
        assert_eq!(t.name_reference[0].gvk.kind(), "StorageClass");
    }

    #[test]
    fn create_builds_missing_maps() {
        // kubectl v5.5 with commonLabels {a: b} on a Deployment without spec creates
        // spec.selector.matchLabels and spec.template.metadata.labels.
        let mut d = obj("apps/v1", "Deployment", "d", "");
        apply_all(&FieldSpecTables::builtin().common_labels, &mut d).unwrap();
        assert_eq!(d.str_at(&["metadata", "labels", "a"]), Some("b"));
        assert_eq!(
            d.str_at(&["spec", "selector", "matchLabels", "a"]),
            Some("b")
        );
        assert_eq!(
            d.str_at(&["spec", "template", "metadata", "labels", "a"]),
            Some("b")
        );
        // create: false specs (affinity) did not create anything.
        assert!(d.path(&["spec", "template", "spec"]).is_none());
    }

    #[test]
    fn null_list_becomes_empty_list() {
        // kubectl v5.5 prints `containers: []` for `containers: null` after an images edit.
        let spec = map(&[(
            "template",
            map(&[("spec", map(&[("containers", Value::null())]))]),
        )]);
        let mut d = deployment(spec);
        let fs = FieldSpec::new(
            Gvk::default(),
            "spec/template/spec/containers[]/image",
            true,
        );
        let id = Resource::new(d.clone()).cur_id().clone();
        let mut calls = 0;
        fs.apply(
            &mut d,
            &id,
            Some(&Value::from("")),
            &mut |_: &mut Value| -> Result<(), String> {
                calls += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(calls, 0);
        let c = d.path(&["spec", "template", "spec", "containers"]).unwrap();
        assert!(c.as_seq().is_some_and(|s| s.is_empty()));
    }

    #[test]
    fn lists_are_walked_element_wise() {
        let containers = Value::from_seq(vec![
            map(&[("name", s("a")), ("image", s("nginx"))]),
            map(&[("name", s("b"))]),
            Value::null(),
        ]);
        let mut pod = obj("v1", "Pod", "p", "");
        pod.insert("spec", map(&[("containers", containers)]));
        let id = Resource::new(pod.clone()).cur_id().clone();
        let fs = FieldSpec::new(Gvk::default(), "spec/containers[]/image", true);
        let mut seen = Vec::new();
        fs.apply(
            &mut pod,
            &id,
            Some(&Value::from("")),
            &mut |v: &mut Value| -> Result<(), String> {
                seen.push(v.as_str().unwrap_or("").to_string());
                *v = Value::from("new");
                Ok(())
            },
        )
        .unwrap();
        // The second container had no image: created (create: true), then set.
        assert_eq!(seen, ["nginx", ""]);
        assert_eq!(
            pod.pointer("/spec/containers/1/image")
                .and_then(Value::as_str),
            Some("new")
        );
        assert!(pod.pointer("/spec/containers/2").unwrap().is_null());
        let mut read = Vec::new();
        fs.visit(&pod, &mut |v| read.push(v.clone()));
        assert_eq!(read.len(), 2);
    }

    #[test]
    fn missing_fields_are_skipped_without_create() {
        let mut d = obj("apps/v1", "Deployment", "d", "");
        let before = d.clone();
        let id = Resource::new(d.clone()).cur_id().clone();
        let fs = FieldSpec::new(Gvk::from_kind("Deployment"), "spec/replicas", false);
        fs.apply(
            &mut d,
            &id,
            Some(&Value::from(0i64)),
            &mut |_: &mut Value| -> Result<(), String> { Err("not called".into()) },
        )
        .unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn specs_apply_only_to_selected_kinds() {
        let mut svc = obj("v1", "Service", "s", "");
        let id = Resource::new(svc.clone()).cur_id().clone();
        let fs = FieldSpec::new(Gvk::new("apps", "", "Deployment"), "metadata/labels", true);
        fs.apply(&mut svc, &id, Some(&Value::map()), &mut set_label)
            .unwrap();
        assert!(svc.path(&["metadata", "labels"]).is_none());
    }

    #[test]
    fn scalar_on_the_path_is_an_error() {
        // kubectl v5.5, commonLabels on a Deployment with `spec: {template: 3}`:
        let mut d = deployment(map(&[("template", Value::from(3i64))]));
        let err = apply_all(&FieldSpecTables::builtin().common_labels, &mut d).unwrap_err();
        assert_eq!(
            err,
            "considering field 'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels' of object Deployment.v1.apps/d.[noNs]: expected sequence or mapping node"
        );
    }

    #[test]
    fn errors_inside_lists_name_the_rest_of_the_path() {
        let mut pod = obj("v1", "Pod", "p", "");
        pod.insert(
            "spec",
            map(&[("containers", Value::from_seq(vec![s("x")]))]),
        );
        let id = Resource::new(pod.clone()).cur_id().clone();
        let fs = FieldSpec::new(Gvk::default(), "spec/containers/env/value", false);
        let err = fs
            .apply(
                &mut pod,
                &id,
                None,
                &mut |_: &mut Value| -> Result<(), String> { Ok(()) },
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "considering field 'spec/containers/env/value' of object Pod.v1.[noGrp]/p.[noNs]: visit traversal on path: [env value]: expected sequence or mapping node"
        );
    }

    #[test]
    fn empty_key_is_an_error() {
        let mut cm = obj("v1", "ConfigMap", "c", "");
        let id = Resource::new(cm.clone()).cur_id().clone();
        let fs = FieldSpec::new(Gvk::default(), "metadata//x", false);
        let err = fs
            .apply(
                &mut cm,
                &id,
                None,
                &mut |_: &mut Value| -> Result<(), String> { Ok(()) },
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("cannot set or create an empty field name"),
            "{err}"
        );
    }

    #[test]
    fn merge_dedupes_and_detects_conflicts() {
        let base = FieldSpecTables::builtin();
        let mut extra = FieldSpecTables::default();
        extra.common_labels.push(FieldSpec::new(
            Gvk::from_kind("Widget"),
            "spec/selector",
            true,
        ));
        extra.common_labels.push(FieldSpec::new(
            Gvk::from_kind("Deployment"),
            "spec/selector/matchLabels",
            true,
        ));
        extra.name_reference.push(NameBackRefs {
            gvk: Gvk::new("", "v1", "ConfigMap"),
            referrers: vec![FieldSpec::new(
                Gvk::from_kind("Widget"),
                "spec/configRef",
                false,
            )],
        });
        let merged = base.merged(&extra).unwrap();
        assert_eq!(merged.common_labels.len(), 33);
        let cm = merged
            .name_reference
            .iter()
            .find(|n| n.gvk.kind() == "ConfigMap")
            .unwrap();
        assert!(cm.referrers.iter().any(|f| f.gvk.kind() == "Widget"));
        let mut bad = FieldSpecTables::default();
        bad.name_prefix
            .push(FieldSpec::new(Gvk::default(), "metadata/name", true));
        assert_eq!(
            base.merged(&bad).unwrap_err().to_string(),
            "failed to merge NamePrefix fieldSpec: conflicting fieldspecs"
        );
    }

    #[test]
    fn table_syntax_errors_name_the_line() {
        let err = FieldSpecTables::parse("[images]\n+ - - Pod\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "field-spec table line 2: cannot read \"+ - - Pod\""
        );
        assert!(FieldSpecTables::parse("+ - - - a\n").is_err());
    }

    #[test]
    fn display_matches_kustomize() {
        let fs = FieldSpec::new(Gvk::new("apps", "", "Deployment"), "spec/replicas", true);
        assert_eq!(fs.to_string(), "Deployment.[noVer].apps:true:spec/replicas");
    }
}
