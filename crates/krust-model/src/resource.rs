//! One Kubernetes object plus the bookkeeping kustomize keeps about it.
//!
//! kustomize stores its bookkeeping (previous names, prefixes, `refBy`, generator options)
//! in `config.kubernetes.io`/`internal.config.kubernetes.io` annotations inside the object
//! and strips them before printing. krust keeps it in the [`Resource`] struct instead, so
//! the object is only ever the user's data.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use krust_yaml::{Data, Map, Str, Value};

use crate::{Gvk, ResId};

/// Where a resource came from (kustomize `resource.Origin`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file, relative to the build root (or to the repository root for a remote file).
    pub path: Str,
    /// The remote repository, for resources not read from a local file.
    pub repo: Option<Str>,
    /// The ref of `repo`.
    pub git_ref: Option<Str>,
    /// For generated resources: the file that configured the generator.
    pub configured_in: Option<Str>,
    /// For generated resources: the generator's own id.
    pub configured_by: Option<ResId>,
}

impl Origin {
    /// A resource read from the local file `path`.
    pub fn file(path: impl Into<Str>) -> Self {
        Origin {
            path: path.into(),
            ..Origin::default()
        }
    }
}

/// What a generated resource does when one with the same id exists (kustomize
/// `types.GenerationBehavior`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Behavior {
    /// None given; treated as `create`.
    #[default]
    Unspecified,
    /// A new resource; one with the same id already present is an error.
    Create,
    /// Replaces the existing resource with the same id.
    Replace,
    /// Merges into the existing resource with the same id.
    Merge,
}

impl Behavior {
    /// kustomize `NewGenerationBehavior`: anything unknown is `Unspecified`.
    pub fn parse(s: &str) -> Behavior {
        match s {
            "create" => Behavior::Create,
            "replace" => Behavior::Replace,
            "merge" => Behavior::Merge,
            _ => Behavior::Unspecified,
        }
    }

    /// The behavior's kustomize spelling (`unspecified`, `create`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Behavior::Unspecified => "unspecified",
            Behavior::Create => "create",
            Behavior::Replace => "replace",
            Behavior::Merge => "merge",
        }
    }
}

/// The annotation that marks a resource as local configuration, dropped from the output.
pub const LOCAL_CONFIG_ANNOTATION: &str = "config.kubernetes.io/local-config";

/// A resource's rename and reference bookkeeping, kept out of line: a resource costs
/// one pointer for it until it is renamed or referred to (a build of many small resources
/// spends most of its memory per resource, so the common case stays small). Every list grows
/// by one exactly (no doubling), since few ever get more than a handful of entries.
#[derive(Clone, Debug, Default)]
struct History {
    prev_ids: Vec<ResId>,
    ref_by: Vec<ResId>,
    name_prefixes: Vec<Str>,
    name_suffixes: Vec<Str>,
    ref_var_names: Vec<Str>,
}

/// Appends `x` to `v`, growing its allocation by exactly one.
fn push_exact<T>(v: &mut Vec<T>, x: T) {
    v.reserve_exact(1);
    v.push(x);
}

/// A Kubernetes object (a mapping) plus kustomize's bookkeeping about it.
///
/// The current id is computed from the object on first use and cached; every method that
/// can change the object ([`Resource::value_mut`], the setters) drops the cache, so
/// [`Resource::cur_id`] is always current.
#[derive(Clone, Debug)]
pub struct Resource {
    obj: Value,
    id: OnceLock<ResId>,
    origin: Option<Arc<Origin>>,
    /// The rename and reference bookkeeping, `None` until something is recorded (most
    /// resources never get any). Shared between clones until one of them records more.
    history: Option<Arc<History>>,
    behavior: Behavior,
    needs_hash_suffix: bool,
    allow_name_change: bool,
    allow_kind_change: bool,
}

impl Resource {
    /// Wraps an object. Nothing is validated here (see
    /// [`crate::resources_from_documents`] for the checks kustomize makes on input).
    pub fn new(obj: Value) -> Self {
        Resource {
            obj,
            id: OnceLock::new(),
            origin: None,
            history: None,
            behavior: Behavior::Unspecified,
            needs_hash_suffix: false,
            allow_name_change: false,
            allow_kind_change: false,
        }
    }

    /// Wraps an object read from `origin`.
    pub fn with_origin(obj: Value, origin: Arc<Origin>) -> Self {
        let mut r = Resource::new(obj);
        r.origin = Some(origin);
        r
    }

    // ---- the object -------------------------------------------------------------------

    /// The object.
    pub fn value(&self) -> &Value {
        &self.obj
    }

    /// Mutable access to the object. Drops the cached id; when the resource is in a
    /// [`crate::ResMap`], use the map's mutable accessors so its index is updated too.
    pub fn value_mut(&mut self) -> &mut Value {
        self.id = OnceLock::new();
        &mut self.obj
    }

    /// Replaces the object, keeping the bookkeeping (kustomize `ResetRNode`).
    pub fn set_value(&mut self, obj: Value) {
        self.id = OnceLock::new();
        self.obj = obj;
    }

    /// The object, dropping the bookkeeping.
    pub fn into_value(self) -> Value {
        self.obj
    }

    /// True when the object is null or an empty mapping (kyaml `IsNilOrEmpty`); a
    /// `$patch: delete` leaves a resource in that state and it is then dropped.
    pub fn is_empty(&self) -> bool {
        match &self.obj.data {
            Data::Null => true,
            Data::Map(m) => m.is_empty(),
            Data::Seq(s) => s.is_empty(),
            _ => false,
        }
    }

    // ---- top-level fields -------------------------------------------------------------

    /// `kind`, or `""`.
    pub fn kind(&self) -> &str {
        self.cur_id().gvk.kind()
    }

    /// `apiVersion` as written, or `""`.
    pub fn api_version(&self) -> Cow<'_, str> {
        self.obj
            .get("apiVersion")
            .map(scalar_text)
            .unwrap_or(Cow::Borrowed(""))
    }

    /// The type of the object as it is now.
    pub fn gvk(&self) -> &Gvk {
        &self.cur_id().gvk
    }

    /// `metadata.name`, or `""`.
    pub fn name(&self) -> &str {
        &self.cur_id().name
    }

    /// `metadata.namespace`, or `""`.
    pub fn namespace(&self) -> &str {
        &self.cur_id().namespace
    }

    /// `metadata.labels`, if it is a mapping.
    pub fn labels(&self) -> Option<&Map> {
        self.obj
            .path(&["metadata", "labels"])
            .and_then(Value::as_map)
    }

    /// `metadata.annotations`, if it is a mapping.
    pub fn annotations(&self) -> Option<&Map> {
        self.obj
            .path(&["metadata", "annotations"])
            .and_then(Value::as_map)
    }

    /// One label's value as text (kyaml reads any scalar).
    pub fn label(&self, key: &str) -> Option<Cow<'_, str>> {
        self.labels().and_then(|m| m.get(key)).map(scalar_text)
    }

    /// One annotation's value as text.
    pub fn annotation(&self, key: &str) -> Option<Cow<'_, str>> {
        self.annotations().and_then(|m| m.get(key)).map(scalar_text)
    }

    /// True when kustomize drops the resource from the output as local configuration
    /// (`config.kubernetes.io/local-config` set to anything but `false`).
    pub fn is_local_config(&self) -> bool {
        self.annotation(LOCAL_CONFIG_ANNOTATION)
            .is_some_and(|v| v != "false")
    }

    /// Sets `kind`.
    pub fn set_kind(&mut self, kind: &str) {
        self.value_mut().insert("kind", Value::from(kind));
    }

    /// Sets `apiVersion`.
    pub fn set_api_version(&mut self, api_version: &str) {
        self.value_mut()
            .insert("apiVersion", Value::from(api_version));
    }

    /// Sets `apiVersion` and `kind` (kustomize `SetGvk`).
    pub fn set_gvk(&mut self, gvk: &Gvk) {
        self.set_kind(gvk.kind());
        self.set_api_version(&gvk.api_version());
    }

    /// Sets `metadata.name`, creating `metadata` if needed.
    pub fn set_name(&mut self, name: &str) {
        if let Some(md) = self.value_mut().entry_map("metadata") {
            md.insert("name", Value::from(name));
        }
    }

    /// Sets `metadata.namespace`; an empty namespace removes the field (kyaml
    /// `SetNamespace`).
    pub fn set_namespace(&mut self, namespace: &str) {
        if namespace.is_empty() {
            if let Some(md) = self.value_mut().get_mut("metadata") {
                md.remove("namespace");
            }
        } else if let Some(md) = self.value_mut().entry_map("metadata") {
            md.insert("namespace", Value::from(namespace));
        }
    }

    /// Sets one label, creating `metadata.labels` if needed.
    pub fn set_label(&mut self, key: &str, value: &str) {
        set_in_meta_map(self.value_mut(), "labels", key, value);
    }

    /// Sets one annotation, creating `metadata.annotations` if needed.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        set_in_meta_map(self.value_mut(), "annotations", key, value);
    }

    /// Removes one label, returning its value if it was there.
    pub fn remove_label(&mut self, key: &str) -> Option<Value> {
        self.obj
            .path_mut(&["metadata", "labels"])
            .and_then(|m| m.remove(key))
    }

    /// Removes one annotation, returning its value if it was there.
    pub fn remove_annotation(&mut self, key: &str) -> Option<Value> {
        self.obj
            .path_mut(&["metadata", "annotations"])
            .and_then(|m| m.remove(key))
    }

    /// Replaces `metadata.labels` with `labels`, keys sorted, removing the field when empty
    /// (kyaml `SetLabels`).
    pub fn set_labels(&mut self, labels: &Map) {
        set_meta_map(self.value_mut(), "labels", labels);
    }

    /// Replaces `metadata.annotations` (kyaml `SetAnnotations`).
    pub fn set_annotations(&mut self, annotations: &Map) {
        set_meta_map(self.value_mut(), "annotations", annotations);
    }

    // ---- ids --------------------------------------------------------------------------

    /// The id made from the object as it is now (kustomize `CurId`).
    pub fn cur_id(&self) -> &ResId {
        self.id.get_or_init(|| id_of(&self.obj))
    }

    /// The id the resource had when it was read or generated (kustomize `OrgId`): the
    /// oldest previous id, or the current id if it never changed.
    pub fn org_id(&self) -> &ResId {
        self.prev_ids().first().unwrap_or_else(|| self.cur_id())
    }

    /// The bookkeeping, for reading; `None` when nothing was recorded.
    fn hist(&self) -> Option<&History> {
        self.history.as_deref()
    }

    /// The bookkeeping, for recording (made on first use, unshared from clones).
    fn hist_mut(&mut self) -> &mut History {
        Arc::make_mut(self.history.get_or_insert_with(Default::default))
    }

    /// Every id the resource had before its current one, oldest first (kustomize
    /// `PrevIds`).
    pub fn prev_ids(&self) -> &[ResId] {
        self.hist().map_or(&[], |h| &h.prev_ids)
    }

    /// The previous ids followed by the current id.
    pub fn all_ids(&self) -> impl Iterator<Item = &ResId> {
        self.prev_ids().iter().chain(std::iter::once(self.cur_id()))
    }

    /// Records the current id as a previous one, before a rename (kustomize
    /// `StorePreviousId`). As kustomize does, the namespace is stored as the effective
    /// namespace (`default` for an unset one).
    pub fn store_previous_id(&mut self) {
        let cur = self.cur_id();
        let ns = crate::gvk::shared(cur.effective_namespace());
        let prev = ResId::new(cur.gvk.clone(), cur.name.clone(), ns);
        push_exact(&mut self.hist_mut().prev_ids, prev);
    }

    /// Records `id` as the original id (kustomize `setPreviousId`, used by generators and
    /// `FromMapWithName`).
    pub fn push_previous_id(&mut self, id: ResId) {
        push_exact(&mut self.hist_mut().prev_ids, id);
    }

    /// The ids of resources that refer to this one (kustomize `GetRefBy`).
    pub fn ref_by(&self) -> &[ResId] {
        self.hist().map_or(&[], |h| &h.ref_by)
    }

    /// Records that the resource `id` refers to this one.
    pub fn append_ref_by(&mut self, id: ResId) {
        push_exact(&mut self.hist_mut().ref_by, id);
    }

    // ---- build bookkeeping ------------------------------------------------------------

    /// Where the resource came from, when known.
    pub fn origin(&self) -> Option<&Arc<Origin>> {
        self.origin.as_ref()
    }

    /// Sets or clears the origin.
    pub fn set_origin(&mut self, origin: Option<Arc<Origin>>) {
        self.origin = origin;
    }

    /// Name prefixes applied so far, oldest first.
    pub fn name_prefixes(&self) -> &[Str] {
        self.hist().map_or(&[], |h| &h.name_prefixes)
    }

    /// Name suffixes applied so far, oldest first.
    pub fn name_suffixes(&self) -> &[Str] {
        self.hist().map_or(&[], |h| &h.name_suffixes)
    }

    /// Records a prefix (empty ones are not recorded, as in kustomize).
    pub fn add_name_prefix(&mut self, prefix: &str) {
        if !prefix.is_empty() {
            push_exact(&mut self.hist_mut().name_prefixes, prefix.into());
        }
    }

    /// Records a suffix (empty ones are not recorded).
    pub fn add_name_suffix(&mut self, suffix: &str) {
        if !suffix.is_empty() {
            push_exact(&mut self.hist_mut().name_suffixes, suffix.into());
        }
    }

    /// kustomize `PrefixesSuffixesEquals`: the two resources were renamed in the same
    /// kustomization context. With `allow_empty`, an empty list on either side matches.
    pub fn prefixes_suffixes_equal(&self, other: &Resource, allow_empty: bool) -> bool {
        let (sp, op) = (self.name_prefixes(), other.name_prefixes());
        let (ss, os) = (self.name_suffixes(), other.name_suffixes());
        let p = (allow_empty && (sp.is_empty() || op.is_empty())) || same_ending(sp, op);
        let s = (allow_empty && (ss.is_empty() || os.is_empty())) || same_ending(ss, os);
        p && s
    }

    /// Names of `vars` that refer to this resource.
    pub fn ref_var_names(&self) -> &[Str] {
        self.hist().map_or(&[], |h| &h.ref_var_names)
    }

    /// Records that the var `name` refers to this resource.
    pub fn append_ref_var_name(&mut self, name: &str) {
        push_exact(&mut self.hist_mut().ref_var_names, name.into());
    }

    /// The generator behavior (`create`, `replace`, `merge`).
    pub fn behavior(&self) -> Behavior {
        self.behavior
    }

    /// Sets the generator behavior.
    pub fn set_behavior(&mut self, behavior: Behavior) {
        self.behavior = behavior;
    }

    /// True when the name gets a content-hash suffix (generated ConfigMaps and Secrets).
    pub fn needs_hash_suffix(&self) -> bool {
        self.needs_hash_suffix
    }

    /// Sets whether the name gets a content-hash suffix.
    pub fn set_needs_hash_suffix(&mut self, on: bool) {
        self.needs_hash_suffix = on;
    }

    /// For a patch: it may rename its target.
    pub fn name_change_allowed(&self) -> bool {
        self.allow_name_change
    }

    /// Sets whether this patch may rename its target.
    pub fn set_allow_name_change(&mut self, on: bool) {
        self.allow_name_change = on;
    }

    /// For a patch: it may change its target's kind.
    pub fn kind_change_allowed(&self) -> bool {
        self.allow_kind_change
    }

    /// Sets whether this patch may change its target's kind.
    pub fn set_allow_kind_change(&mut self, on: bool) {
        self.allow_kind_change = on;
    }

    /// kustomize `CopyMergeMetaDataFieldsFrom`, used when a generator with behavior
    /// `merge`/`replace` takes the place of `other`: labels and annotations are merged
    /// (this resource's values win), name and namespace are `other`'s, and the build
    /// bookkeeping is `other`'s, except that the hash suffix stays on only if both had it.
    /// The origin stays this resource's when it has one.
    pub fn copy_merge_metadata_from(&mut self, other: &Resource) {
        let labels = merged_meta_map(other.labels(), self.labels());
        self.set_labels(&labels);
        let annotations = merged_meta_map(other.annotations(), self.annotations());
        self.set_annotations(&annotations);
        let (name, ns) = (other.name().to_string(), other.namespace().to_string());
        self.set_name(&name);
        self.set_namespace(&ns);
        self.history = other.history.clone();
        self.behavior = other.behavior;
        self.needs_hash_suffix = self.needs_hash_suffix && other.needs_hash_suffix;
        self.allow_name_change = other.allow_name_change;
        self.allow_kind_change = other.allow_kind_change;
        if self.origin.is_none() {
            self.origin = other.origin.clone();
        }
    }
}

/// Equality of the objects only (bookkeeping is not compared).
impl PartialEq for Resource {
    fn eq(&self, other: &Self) -> bool {
        self.obj == other.obj
    }
}

/// A scalar's text as kyaml reads it from a node (`GetValue`): strings as they are, other
/// scalars as written in their source (numbers and booleans made in code in their canonical
/// spelling), anything else empty.
pub fn scalar_text(v: &Value) -> Cow<'_, str> {
    // kyaml reads `Node.Value`: the text as written (`0x1F`, `~`, `True`).
    if let Some(t) = v.source_text() {
        return Cow::Borrowed(t);
    }
    match &v.data {
        Data::String(s) => Cow::Borrowed(s),
        Data::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Uint(u) => Cow::Owned(u.to_string()),
        Data::Float(f) => Cow::Owned(f.to_string()),
        Data::Null | Data::Seq(_) | Data::Map(_) => Cow::Borrowed(""),
    }
}

fn scalar_str(v: Option<&Value>) -> Str {
    match v.map(|v| &v.data) {
        Some(Data::String(s)) => s.clone(),
        Some(_) => v
            .map(|v| Str::from(scalar_text(v).as_ref()))
            .unwrap_or_else(|| crate::gvk::shared("")),
        None => crate::gvk::shared(""),
    }
}

/// The current id of an object (kustomize `CurId`).
pub(crate) fn id_of(obj: &Value) -> ResId {
    let api = obj
        .get("apiVersion")
        .map(scalar_text)
        .unwrap_or(Cow::Borrowed(""));
    let kind = scalar_str(obj.get("kind"));
    let md = obj.get("metadata");
    let name = scalar_str(md.and_then(|m| m.get("name")));
    let ns = scalar_str(md.and_then(|m| m.get("namespace")));
    ResId::new(Gvk::from_api_version(&api, kind), name, ns)
}

fn same_ending(a: &[Str], b: &[Str]) -> bool {
    // kustomize `SameEndingSubSlice`: one is a suffix of the other; empty matches nothing
    // unless both are empty.
    if a.is_empty() || b.is_empty() {
        return a.is_empty() && b.is_empty();
    }
    let n = a.len().min(b.len());
    a[a.len() - n..] == b[b.len() - n..]
}

fn set_in_meta_map(obj: &mut Value, field: &str, key: &str, value: &str) {
    if let Some(m) = obj.entry_map("metadata").and_then(|md| md.entry_map(field)) {
        m.insert(key, Value::from(value));
    }
}

fn set_meta_map(obj: &mut Value, field: &str, entries: &Map) {
    if entries.is_empty() {
        if let Some(md) = obj.get_mut("metadata") {
            md.remove(field);
        }
        return;
    }
    let mut keys: Vec<&krust_yaml::Key> = entries.keys().collect();
    keys.sort();
    let mut sorted = Map::with_capacity_and_hasher(entries.len(), Default::default());
    for k in keys {
        if let Some(v) = entries.get(k.as_str()) {
            sorted.insert(k.clone(), Value::from(scalar_text(v).into_owned()));
        }
    }
    if let Some(md) = obj.entry_map("metadata") {
        md.insert(field, Value::from_map(sorted));
    }
}

fn merged_meta_map(base: Option<&Map>, over: Option<&Map>) -> Map {
    let mut out = base.cloned().unwrap_or_default();
    if let Some(over) = over {
        for (k, v) in over {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{map, obj, s};

    #[test]
    fn accessors_read_the_object() {
        let r = Resource::new(obj("apps/v1", "Deployment", "web", "prod"));
        assert_eq!(r.kind(), "Deployment");
        assert_eq!(r.api_version(), "apps/v1");
        assert_eq!(r.name(), "web");
        assert_eq!(r.namespace(), "prod");
        assert_eq!(r.cur_id().to_string(), "Deployment.v1.apps/web.prod");
        assert!(r.labels().is_none());
    }

    #[test]
    fn setters_update_the_id_and_copy_on_write() {
        let original = obj("v1", "ConfigMap", "cm", "");
        let mut r = Resource::new(original.clone());
        assert_eq!(r.cur_id().name.as_ref(), "cm");
        r.set_name("p-cm");
        r.set_namespace("ns");
        assert_eq!(r.cur_id().to_string(), "ConfigMap.v1.[noGrp]/p-cm.ns");
        // The value we started from is untouched (shared subtrees are copied on write).
        assert_eq!(original.str_at(&["metadata", "name"]), Some("cm"));
        r.set_namespace("");
        assert!(r.value().path(&["metadata", "namespace"]).is_none());
        r.value_mut().insert("kind", Value::from("Secret"));
        assert_eq!(r.kind(), "Secret");
    }

    #[test]
    fn labels_and_annotations() {
        let mut r = Resource::new(obj("v1", "ConfigMap", "cm", ""));
        r.set_label("b", "2");
        r.set_label("a", "1");
        r.set_annotation(LOCAL_CONFIG_ANNOTATION, "true");
        assert_eq!(r.label("a").as_deref(), Some("1"));
        assert!(r.is_local_config());
        r.set_annotation(LOCAL_CONFIG_ANNOTATION, "false");
        assert!(!r.is_local_config());
        assert_eq!(r.remove_label("b"), Some(Value::from("2")));
        let mut m = Map::default();
        m.insert("z".into(), Value::from("1"));
        m.insert("y".into(), Value::from(2i64));
        r.set_labels(&m);
        let keys: Vec<&str> = r.labels().unwrap().keys().map(|k| &**k).collect();
        assert_eq!(keys, ["y", "z"]);
        assert_eq!(r.label("y").as_deref(), Some("2"));
        assert!(r.labels().unwrap().get("y").unwrap().is_string());
        r.set_labels(&Map::default());
        assert!(r.labels().is_none());
    }

    #[test]
    fn previous_ids_store_the_effective_namespace() {
        let mut r = Resource::new(obj("v1", "ConfigMap", "cm", ""));
        assert_eq!(r.org_id(), r.cur_id());
        assert!(r.prev_ids().is_empty());
        r.store_previous_id();
        r.set_name("x-cm");
        r.set_namespace("prod");
        assert_eq!(r.prev_ids().len(), 1);
        assert_eq!(r.org_id().to_string(), "ConfigMap.v1.[noGrp]/cm.default");
        assert_eq!(r.cur_id().to_string(), "ConfigMap.v1.[noGrp]/x-cm.prod");
        assert_eq!(r.all_ids().count(), 2);
    }

    #[test]
    fn prefixes_and_suffixes() {
        let mut a = Resource::new(obj("v1", "ConfigMap", "cm", ""));
        let mut b = Resource::new(obj("v1", "Service", "svc", ""));
        a.add_name_prefix("");
        assert!(a.name_prefixes().is_empty());
        a.add_name_prefix("base-");
        a.add_name_prefix("top-");
        b.add_name_prefix("top-");
        assert!(a.prefixes_suffixes_equal(&b, false));
        b.add_name_suffix("-x");
        assert!(!a.prefixes_suffixes_equal(&b, false));
        assert!(a.prefixes_suffixes_equal(&b, true));
    }

    #[test]
    fn copy_merge_metadata() {
        let mut old = Resource::new(obj("v1", "ConfigMap", "cm", "ns"));
        old.set_label("a", "old");
        old.set_label("b", "old");
        old.store_previous_id();
        old.set_needs_hash_suffix(true);
        let mut new = Resource::new(map(&[
            ("apiVersion", s("v1")),
            ("kind", s("ConfigMap")),
            (
                "metadata",
                map(&[("name", s("other")), ("labels", map(&[("a", s("new"))]))]),
            ),
        ]));
        new.set_needs_hash_suffix(true);
        new.set_behavior(Behavior::Merge);
        new.copy_merge_metadata_from(&old);
        assert_eq!(new.label("a").as_deref(), Some("new"));
        assert_eq!(new.label("b").as_deref(), Some("old"));
        assert_eq!(new.name(), "cm");
        assert_eq!(new.namespace(), "ns");
        assert_eq!(new.prev_ids().len(), 1);
        assert!(new.needs_hash_suffix());
        assert_eq!(new.behavior(), Behavior::Unspecified);
    }

    #[test]
    fn numeric_names_read_as_text() {
        let r = Resource::new(map(&[
            ("apiVersion", s("v1")),
            ("kind", s("ConfigMap")),
            ("metadata", map(&[("name", Value::from(123i64))])),
        ]));
        assert_eq!(r.name(), "123");
    }
}
