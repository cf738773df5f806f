//! Schema facts for strategic merge: which lists merge element-wise, and by which keys.
//!
//! kustomize's `kyaml/walk` finds a resource's schema from its `apiVersion` and `kind`, then
//! walks it field by field (`properties[name]`, else `additionalProperties`) and into list
//! items, resolving every `$ref` by *replacing* the schema with the referenced definition.
//! A list merges element-wise only when its `x-kubernetes-patch-strategy`, split on `,`,
//! contains `merge`; its keys are `x-kubernetes-list-map-keys`, else
//! `[x-kubernetes-patch-merge-key]`, else none (a set of primitive values).
//!
//! [`Schema::builtin`] is kustomize's built-in Kubernetes v1.21.2 schema plus its
//! kustomization schema, compiled from a generated table (`generated.rs`, written by
//! `tools/gen_openapi.py` from `../shared/data/openapi/patch-strategies.json`). A user's
//! schema (the kustomization `openapi:` field) replaces it through [`Schema::from_openapi`].
//!
//! ```
//! use krust_model::openapi::{ListStrategy, Schema};
//!
//! let schema = Schema::builtin();
//! let deploy = schema.root("apps/v1", "Deployment").unwrap();
//! let containers = schema.path(deploy, &["spec", "template", "spec", "containers"]).unwrap();
//! assert_eq!(schema.list_strategy(containers), ListStrategy::Merge(&["name".into()]));
//! let ports = schema.path(schema.items(containers).unwrap(), &["ports"]).unwrap();
//! assert_eq!(
//!     schema.list_strategy(ports),
//!     ListStrategy::Merge(&["containerPort".into(), "protocol".into()])
//! );
//! let args = schema.path(schema.items(containers).unwrap(), &["args"]).unwrap();
//! assert_eq!(schema.list_strategy(args), ListStrategy::Replace);
//! ```
//!
//! # Limitations
//! The generated table lists only definitions with patch/list metadata somewhere below them.
//! In the built-in schema, a field that a listed definition does not name is taken to exist
//! with no metadata (an opaque schema), which is what kyaml sees for real fields; for a
//! misspelt field kyaml would see no schema at all. The two differ only for objects nested in
//! such a field that carry their own `apiVersion` and `kind`.

use std::collections::HashMap;
use std::sync::OnceLock;

use krust_yaml::{Data, Map, Value};

mod generated;
mod table;

use table::Shape;

/// A position in a [`Schema`]: a definition, a field's inline schema or an array's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId(u32);

/// How a list merges, as kyaml decides it from the list's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStrategy<'a> {
    /// The patch's list replaces the target's.
    Replace,
    /// Elements merge by these keys; no keys means a set of primitive values.
    Merge(&'a [Box<str>]),
}

/// A problem with a user-supplied OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The document has no `definitions` mapping.
    #[error("OpenAPI schema has no `definitions` mapping")]
    NoDefinitions,
    /// A definition or property is not a mapping.
    #[error("OpenAPI schema: {path} is a {found}, expected a mapping")]
    NotAMapping {
        /// Where in the document (`definitions.<name>...`).
        path: String,
        /// The YAML type found there.
        found: &'static str,
    },
}

#[derive(Debug, Default, Clone)]
struct Node {
    /// Sorted by name (binary search: cheaper than hashing for the few fields of a type).
    properties: Vec<(Box<str>, NodeId)>,
    additional: Option<NodeId>,
    items: Option<NodeId>,
    array: bool,
    /// Raw `x-kubernetes-patch-strategy`.
    strategy: Option<Box<str>>,
    /// The keys kyaml uses (only meaningful when `strategy` is set).
    keys: Box<[Box<str>]>,
    /// Set for nodes that forward to another (an unresolved-at-build `$ref`).
    alias: Option<NodeId>,
}

impl Node {
    fn property(&self, name: &str) -> Option<&NodeId> {
        self.properties
            .binary_search_by(|(k, _)| (**k).cmp(name))
            .ok()
            .and_then(|i| self.properties.get(i))
            .map(|(_, id)| id)
    }

    fn set_property(&mut self, name: &str, id: NodeId) {
        match self.properties.binary_search_by(|(k, _)| (**k).cmp(name)) {
            Ok(i) => {
                if let Some(slot) = self.properties.get_mut(i) {
                    slot.1 = id;
                }
            }
            Err(i) => self.properties.insert(i, (name.into(), id)),
        }
    }
}

/// An OpenAPI schema reduced to what strategic merge needs. Immutable once built; share it.
#[derive(Debug, Clone)]
pub struct Schema {
    nodes: Vec<Node>,
    definitions: HashMap<Box<str>, NodeId>,
    /// kind → [(apiVersion, root)].
    roots: HashMap<Box<str>, Vec<(Box<str>, NodeId)>>,
    /// Fields that a definition does not list have an opaque schema (the compact built-in
    /// table omits fields without metadata below them).
    unlisted_fields_opaque: bool,
}

/// Node 0 of every schema: a schema with no metadata anywhere below it.
const OPAQUE: NodeId = NodeId(0);

/// A list's merge keys (empty: a set of primitive values, when the strategy merges).
type MergeKeys = Box<[Box<str>]>;

/// What kyaml reads from one JSON schema object about a list: whether its type is
/// `array`, its `x-kubernetes-patch-strategy`, and its merge keys.
fn list_facts(map: &Map) -> (bool, Option<Box<str>>, MergeKeys) {
    let array = match map.get("type").map(|t| &t.data) {
        Some(Data::String(t)) => &**t == "array",
        Some(Data::Seq(ts)) => ts.len() == 1 && ts[0].as_str() == Some("array"),
        _ => false,
    };
    let strategy = map
        .get("x-kubernetes-patch-strategy")
        .and_then(Value::as_str)
        .unwrap_or("");
    let merge_key = map
        .get("x-kubernetes-patch-merge-key")
        .and_then(Value::as_str)
        .unwrap_or("");
    let list_map_keys: Vec<&str> = map
        .get("x-kubernetes-list-map-keys")
        .and_then(Value::as_seq)
        .map(|ks| ks.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let keys = keys_for(strategy, merge_key, &list_map_keys);
    (array, (!strategy.is_empty()).then(|| strategy.into()), keys)
}

fn keys_for(strategy: &str, merge_key: &str, list_map_keys: &[&str]) -> Box<[Box<str>]> {
    if strategy.is_empty() {
        return Box::new([]);
    }
    if !list_map_keys.is_empty() {
        return list_map_keys.iter().map(|k| Box::from(*k)).collect();
    }
    if merge_key.is_empty() {
        Box::new([])
    } else {
        Box::new([Box::from(merge_key)])
    }
}

impl Schema {
    /// kustomize's built-in schema (Kubernetes v1.21.2 plus the kustomization schema).
    pub fn builtin() -> &'static Schema {
        static BUILTIN: OnceLock<Schema> = OnceLock::new();
        BUILTIN.get_or_init(Schema::build_builtin)
    }

    /// A schema that knows no kinds: every list is replaced (kyaml with no schema).
    pub fn empty() -> Schema {
        Schema {
            nodes: vec![Node::default()],
            definitions: HashMap::new(),
            roots: HashMap::new(),
            unlisted_fields_opaque: false,
        }
    }

    fn build_builtin() -> Schema {
        let mut s = Schema::empty();
        s.unlisted_fields_opaque = true;
        s.add_table_defs(|_| true);
        for (key, def) in generated::GVKS.iter() {
            // key is "group/version/Kind"; the core group is empty.
            let mut parts = key.splitn(3, '/');
            let (Some(group), Some(version), Some(kind)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let api_version = if group.is_empty() {
                version.to_string()
            } else {
                format!("{group}/{version}")
            };
            let node = def.map_or(OPAQUE, |d| NodeId(u32::from(d) + 1));
            s.add_root(&api_version, kind, node);
        }
        s
    }

    /// Adds the generated definitions accepted by `keep` as nodes `1 + index`.
    fn add_table_defs(&mut self, keep: impl Fn(&table::Def) -> bool) {
        let base = self.nodes.len() as u32;
        let defs = &generated::DEFS;
        self.nodes.extend(defs.iter().map(|_| Node::default()));
        for (i, def) in defs.iter().enumerate() {
            let id = NodeId(base + i as u32);
            if !keep(def) {
                continue;
            }
            self.definitions.insert(def.name.into(), id);
            for f in def.fields {
                let to = |d: u16| NodeId(base + u32::from(d));
                let node = match f.shape {
                    Shape::Ref(d) => to(d),
                    Shape::Array(items) => self.push(Node {
                        array: true,
                        items: Some(items.map_or(OPAQUE, to)),
                        strategy: (!f.strategy.is_empty()).then(|| f.strategy.into()),
                        keys: keys_for(f.strategy, f.merge_key, f.list_map_keys),
                        ..Node::default()
                    }),
                    Shape::MapOf(d) => self.push(Node {
                        additional: Some(to(d)),
                        ..Node::default()
                    }),
                    Shape::Leaf if f.strategy.is_empty() => OPAQUE,
                    Shape::Leaf => self.push(Node {
                        strategy: Some(f.strategy.into()),
                        keys: keys_for(f.strategy, f.merge_key, f.list_map_keys),
                        ..Node::default()
                    }),
                };
                if let Some(n) = self.nodes.get_mut(id.0 as usize) {
                    n.set_property(f.name, node);
                }
            }
        }
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        NodeId(self.nodes.len() as u32 - 1)
    }

    fn add_root(&mut self, api_version: &str, kind: &str, node: NodeId) {
        let list = self.roots.entry(kind.into()).or_default();
        if let Some(slot) = list.iter_mut().find(|(v, _)| &**v == api_version) {
            slot.1 = node;
        } else {
            list.push((api_version.into(), node));
        }
    }

    /// Builds a schema from a user's OpenAPI (Swagger 2.0) document, read into a [`Value`]:
    /// its `definitions` (properties, items, additionalProperties, `$ref`,
    /// `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`,
    /// `x-kubernetes-list-map-keys`) and the GVKs named by `x-kubernetes-group-version-kind`.
    /// As in kyaml, the kustomization schema is always added, and the built-in Kubernetes
    /// schema is not.
    pub fn from_openapi(doc: &Value) -> Result<Schema, SchemaError> {
        let defs = doc
            .get("definitions")
            .and_then(Value::as_map)
            .ok_or(SchemaError::NoDefinitions)?;
        let mut s = Schema::empty();
        s.add_table_defs(|d| d.kustomization);
        // Kustomization roots, as in the built-in table.
        for (key, def) in generated::GVKS.iter() {
            if let (Some(d), Some(rest)) = (def, key.strip_prefix("kustomize.config.k8s.io/")) {
                if generated::DEFS
                    .get(usize::from(*d))
                    .is_some_and(|x| x.kustomization)
                {
                    if let Some((version, kind)) = rest.split_once('/') {
                        let node = NodeId(u32::from(*d) + 1);
                        s.add_root(&format!("kustomize.config.k8s.io/{version}"), kind, node);
                    }
                }
            }
        }
        s.add_user_definitions(defs, false)?;
        Ok(s)
    }

    /// A user's schema over the built-in one, as kyaml's global schema ends up when both
    /// were parsed into it: kyaml adds every parsed document's definitions (and its
    /// resource roots) to one table, the later parse replacing same-named entries. With
    /// `builtin_wins` the built-in schema was parsed last (kustomize had delayed it), else
    /// the user's. Either way a user definition can `$ref` a built-in one.
    pub fn layered(doc: &Value, builtin_wins: bool) -> Result<Schema, SchemaError> {
        let defs = doc
            .get("definitions")
            .and_then(Value::as_map)
            .ok_or(SchemaError::NoDefinitions)?;
        let mut s = Schema::builtin().clone();
        s.add_user_definitions(defs, builtin_wins)?;
        Ok(s)
    }

    /// Adds a user document's `definitions` and the roots its GVK extensions name; with
    /// `keep_existing`, names and roots already present are left as they are.
    fn add_user_definitions(&mut self, defs: &Map, keep_existing: bool) -> Result<(), SchemaError> {
        let s = self;
        // Reserve a node per definition first, so that `$ref`s resolve in any order.
        let mut ids = Vec::with_capacity(defs.len());
        for name in defs.keys() {
            if keep_existing && s.definitions.contains_key(name.as_str()) {
                ids.push(None);
                continue;
            }
            let id = s.push(Node::default());
            s.definitions.insert(name.as_ref().into(), id);
            ids.push(Some(id));
        }
        for ((name, def), id) in defs.iter().zip(ids) {
            let Some(id) = id else { continue };
            let node = s.inline(def, &format!("definitions.{name}"))?;
            s.nodes[id.0 as usize] = node;
            if let Some(gvks) = def
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_seq)
            {
                for gvk in gvks {
                    let (Some(group), Some(version), Some(kind)) = (
                        gvk.str_at(&["group"]),
                        gvk.str_at(&["version"]),
                        gvk.str_at(&["kind"]),
                    ) else {
                        continue;
                    };
                    let api_version = if group.is_empty() {
                        version.to_string()
                    } else {
                        format!("{group}/{version}")
                    };
                    if keep_existing && s.root(&api_version, kind).is_some() {
                        continue;
                    }
                    s.add_root(&api_version, kind, id);
                }
            }
        }
        Ok(())
    }

    /// The node for one inline schema of a user document.
    fn inline(&mut self, v: &Value, path: &str) -> Result<Node, SchemaError> {
        let Some(map) = v.as_map() else {
            return Err(SchemaError::NotAMapping {
                path: path.to_string(),
                found: v.type_name(),
            });
        };
        let mut node = Node::default();
        if let Some(r) = map.get("$ref").and_then(Value::as_str) {
            // kyaml replaces the schema by the referenced one; an unknown ref is no schema.
            node.alias = Some(self.resolve_ref(r).unwrap_or(NodeId(u32::MAX)));
            return Ok(node);
        }
        (node.array, node.strategy, node.keys) = list_facts(map);
        if let Some(props) = map.get("properties").and_then(Value::as_map) {
            for (k, pv) in props.iter() {
                let child = self.inline(pv, &format!("{path}.properties.{k}"))?;
                let id = self.push(child);
                node.set_property(k, id);
            }
        }
        if let Some(add) = map.get("additionalProperties").filter(|a| a.is_map()) {
            let child = self.inline(add, &format!("{path}.additionalProperties"))?;
            node.additional = Some(self.push(child));
        }
        if let Some(items) = map.get("items").filter(|a| a.is_map()) {
            let child = self.inline(items, &format!("{path}.items"))?;
            node.items = Some(self.push(child));
        }
        Ok(node)
    }

    /// Follows aliases (`$ref`s); `None` for a dangling one.
    fn resolve(&self, mut id: NodeId) -> Option<NodeId> {
        // Bounded: a `$ref` cycle must not hang.
        for _ in 0..64 {
            match self.nodes.get(id.0 as usize)?.alias {
                Some(next) => id = next,
                None => return Some(id),
            }
        }
        None
    }

    fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(self.resolve(id)?.0 as usize)
    }

    /// The root schema of a resource type, by exact `apiVersion` and `kind`.
    pub fn root(&self, api_version: &str, kind: &str) -> Option<NodeId> {
        let list = self.roots.get(kind)?;
        list.iter()
            .find(|(v, _)| &**v == api_version)
            .and_then(|(_, id)| self.resolve(*id))
    }

    /// A definition by name (`io.k8s.api.core.v1.Container`). In the built-in schema, a
    /// definition without any metadata below it is not listed; see [`Schema::opaque`].
    pub fn definition(&self, name: &str) -> Option<NodeId> {
        self.definitions.get(name).and_then(|id| self.resolve(*id))
    }

    /// Resolves a JSON reference such as `#/definitions/io.k8s.api.core.v1.Container` or
    /// `#/definitions/io.k8s.api.core.v1.PodSpec/properties/containers`.
    /// In the built-in schema an unknown definition is taken to be opaque (see the module's
    /// Limitations); in a user schema it does not resolve.
    pub fn resolve_ref(&self, reference: &str) -> Option<NodeId> {
        let path = reference.strip_prefix("#/definitions/")?;
        let mut segs = path.split('/');
        let name = segs.next()?;
        let mut node = self
            .definition(name)
            .or(self.unlisted_fields_opaque.then_some(OPAQUE))?;
        // A pointer below a definition: `.../properties/<field>`, `.../items`,
        // `.../additionalProperties`.
        while let Some(seg) = segs.next() {
            node = match seg {
                "properties" => {
                    let field = segs.next()?.replace("~1", "/").replace("~0", "~");
                    match self.node(node)?.property(field.as_str()) {
                        Some(id) => self.resolve(*id)?,
                        None if node == OPAQUE || self.unlisted_fields_opaque => OPAQUE,
                        None => return None,
                    }
                }
                "items" => self.items(node)?,
                "additionalProperties" => self.resolve(self.node(node)?.additional?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// A schema with no metadata anywhere below it.
    pub fn opaque(&self) -> NodeId {
        OPAQUE
    }

    /// The schema of field `name` of an object: `properties[name]`, else
    /// `additionalProperties`.
    pub fn field(&self, node: NodeId, name: &str) -> Option<NodeId> {
        let n = self.node(node)?;
        if let Some(id) = n.property(name) {
            return self.resolve(*id);
        }
        if let Some(id) = n.additional {
            return self.resolve(id);
        }
        let opaque = self.resolve(node) == Some(OPAQUE) || self.unlisted_fields_opaque;
        opaque.then_some(OPAQUE)
    }

    /// The schema of an array's items (only for a node whose type is `array`).
    pub fn items(&self, node: NodeId) -> Option<NodeId> {
        let id = self.resolve(node)?;
        if id == OPAQUE {
            return Some(OPAQUE);
        }
        let n = self.nodes.get(id.0 as usize)?;
        if !n.array {
            return None;
        }
        n.items.and_then(|i| self.resolve(i))
    }

    /// Follows field names from `node`.
    pub fn path(&self, node: NodeId, fields: &[&str]) -> Option<NodeId> {
        fields.iter().try_fold(node, |n, f| self.field(n, f))
    }

    /// The raw `x-kubernetes-patch-strategy` of a node.
    pub fn patch_strategy(&self, node: NodeId) -> Option<&str> {
        self.node(node)?.strategy.as_deref()
    }

    /// The merge keys kyaml reads for a node: `x-kubernetes-list-map-keys`, else
    /// `[x-kubernetes-patch-merge-key]`, else none; always none without a patch strategy.
    pub fn merge_keys(&self, node: NodeId) -> &[Box<str>] {
        self.node(node).map_or(&[], |n| &n.keys)
    }

    /// How a list with this schema merges.
    pub fn list_strategy(&self, node: NodeId) -> ListStrategy<'_> {
        match self.node(node) {
            Some(n)
                if n.strategy
                    .as_deref()
                    .is_some_and(|s| s.split(',').any(|p| p == "merge")) =>
            {
                ListStrategy::Merge(&n.keys)
            }
            _ => ListStrategy::Replace,
        }
    }
}

/// An inline schema such as kyaml accepts in a `# {...}` comment: its own patch strategy
/// and keys, with items that are a `$ref` into a [`Schema`]. Kept apart from the `Schema`
/// so that the schema stays shared and immutable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InlineSchema {
    /// `type` is `array` (items are walked only then).
    pub array: bool,
    /// Raw `x-kubernetes-patch-strategy`.
    pub strategy: Option<Box<str>>,
    /// Keys as kyaml reads them (see [`Schema::merge_keys`]).
    pub keys: Box<[Box<str>]>,
    /// The items' schema, when `items` is a `$ref` that resolved.
    pub items: Option<NodeId>,
}

impl InlineSchema {
    /// Reads an inline schema (already parsed, e.g. from a comment's JSON): either a `$ref`
    /// (resolved against `schema`, returned as `Err(node)`), or an inline one. `None` when
    /// the value holds nothing kyaml reads.
    pub fn from_value(v: &Value, schema: &Schema) -> Option<Result<InlineSchema, NodeId>> {
        let map = v.as_map()?;
        if map.is_empty() {
            return None;
        }
        if let Some(r) = map.get("$ref").and_then(Value::as_str) {
            return schema.resolve_ref(r).map(Err);
        }
        let (array, strategy, keys) = list_facts(map);
        let items = map
            .get("items")
            .and_then(|i| i.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| schema.resolve_ref(r));
        let inline = InlineSchema {
            array,
            strategy,
            keys,
            items,
        };
        // A JSON object with nothing kyaml reads is no schema (kyaml's `IsEmpty`).
        (inline != InlineSchema::default()).then_some(Ok(inline))
    }

    /// How a list with this schema merges.
    pub fn list_strategy(&self) -> ListStrategy<'_> {
        if self
            .strategy
            .as_deref()
            .is_some_and(|s| s.split(',').any(|p| p == "merge"))
        {
            ListStrategy::Merge(&self.keys)
        } else {
            ListStrategy::Replace
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_roots_and_lists() {
        let s = Schema::builtin();
        assert!(s.root("v1", "Deployment").is_none());
        let pod = s.root("v1", "Pod").expect("Pod");
        let spec = s.field(pod, "spec").expect("spec");
        let vols = s.field(spec, "volumes").expect("volumes");
        // merge,retainKeys counts as merge.
        assert_eq!(s.list_strategy(vols), ListStrategy::Merge(&["name".into()]));
        let fin = s
            .path(pod, &["metadata", "finalizers"])
            .expect("finalizers");
        assert_eq!(s.list_strategy(fin), ListStrategy::Merge(&[]));
        let svc = s.root("v1", "Service").expect("Service");
        let ports = s.path(svc, &["spec", "ports"]).expect("ports");
        assert_eq!(
            s.list_strategy(ports),
            ListStrategy::Merge(&["port".into(), "protocol".into()])
        );
        // A field with no metadata below it exists, with an opaque schema.
        let c = s
            .items(s.path(spec, &["containers"]).expect("containers"))
            .expect("items");
        let args = s.field(c, "args").expect("args");
        assert_eq!(s.list_strategy(args), ListStrategy::Replace);
        // Strategy beside a $ref is dropped (DeploymentSpec.strategy retainKeys).
        let d = s.root("apps/v1", "Deployment").expect("Deployment");
        let st = s.path(d, &["spec", "strategy"]).expect("strategy");
        assert_eq!(s.patch_strategy(st), None);
        let k = s
            .root("kustomize.config.k8s.io/v1beta1", "Kustomization")
            .expect("kustomization");
        let cm = s.field(k, "configMapGenerator").expect("cmg");
        assert_eq!(s.list_strategy(cm), ListStrategy::Merge(&["name".into()]));
        let deep = s.resolve_ref("#/definitions/io.k8s.api.core.v1.PodSpec/properties/containers");
        assert_eq!(
            deep,
            s.path(
                s.definition("io.k8s.api.core.v1.PodSpec").expect("PodSpec"),
                &["containers"]
            )
        );
        assert_eq!(
            s.list_strategy(deep.expect("containers")),
            ListStrategy::Merge(&["name".into()])
        );
    }

    #[test]
    fn custom_schema_from_document() {
        let mut item = krust_yaml::Map::default();
        item.insert("$ref".into(), Value::from("#/definitions/Item"));
        let mut list = krust_yaml::Map::default();
        list.insert("type".into(), Value::from("array"));
        list.insert("items".into(), Value::from_map(item));
        list.insert("x-kubernetes-patch-strategy".into(), Value::from("merge"));
        list.insert("x-kubernetes-patch-merge-key".into(), Value::from("id"));
        let mut props = krust_yaml::Map::default();
        props.insert("things".into(), Value::from_map(list));
        let mut gvk = krust_yaml::Map::default();
        gvk.insert("group".into(), Value::from("example.com"));
        gvk.insert("version".into(), Value::from("v1"));
        gvk.insert("kind".into(), Value::from("Widget"));
        let mut widget = krust_yaml::Map::default();
        widget.insert("properties".into(), Value::from_map(props));
        widget.insert(
            "x-kubernetes-group-version-kind".into(),
            Value::from_seq(vec![Value::from_map(gvk)]),
        );
        let mut defs = krust_yaml::Map::default();
        defs.insert("Widget".into(), Value::from_map(widget));
        defs.insert("Item".into(), Value::map());
        let mut doc = krust_yaml::Map::default();
        doc.insert("definitions".into(), Value::from_map(defs));
        let s = Schema::from_openapi(&Value::from_map(doc)).expect("schema");
        let w = s.root("example.com/v1", "Widget").expect("root");
        let things = s.field(w, "things").expect("things");
        assert_eq!(s.list_strategy(things), ListStrategy::Merge(&["id".into()]));
        assert_eq!(s.items(things), s.definition("Item"));
        assert!(s.field(w, "unknown").is_none());
        assert!(s.root("apps/v1", "Deployment").is_none());
        assert!(s
            .root("kustomize.config.k8s.io/v1beta1", "Kustomization")
            .is_some());
    }
}
