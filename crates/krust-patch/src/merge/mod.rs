//! Strategic merge with kyaml `merge2` semantics.
//!
//! kyaml walks the target ("dest") and the patch ("origin") together (`kyaml/yaml/walk`):
//! - a mapping keeps the target's keys in place and appends the patch's new keys in sorted
//!   order (the walker visits the sorted union of field names);
//! - a `null` in the patch deletes; a written `null` in the target that the patch does not
//!   mention is kept, an empty value (`key:`) is dropped;
//! - a list merges element-wise only where its schema says so ([`crate::Schema`]); every
//!   other list is replaced;
//! - `$patch: delete|replace|merge` on mappings and in lists.
//!
//! The associative-list code reproduces kyaml's `ElementSetter`-based algorithm step by
//! step, including how it matches elements by the *text* of their key fields, how it
//! treats elements missing a key, and which order prepend and append give. Those details are
//! visible in kustomize's output, so they are kept even where they look accidental.

pub(crate) mod comments;
pub(crate) mod directive;
pub(crate) mod keyed;
pub(crate) mod list;

use krust_model::openapi::{InlineSchema, ListStrategy, NodeId, Schema};
use krust_yaml::{Data, Map, Style, Value};

pub use comments::CommentSchemas;
pub use directive::Directive;

use crate::scalar::key_text;
use crate::PatchError;

/// Where new elements of an associative list go (kyaml `MergeOptions.ListIncreaseDirection`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListIncrease {
    /// The patch's elements first, then the target-only ones (what kustomize uses).
    #[default]
    Prepend,
    /// The target's elements first, then the patch-only ones (kyaml's zero value).
    Append,
}

/// Options of a strategic merge. `MergeOptions::default()` is what kustomize uses for
/// `patchesStrategicMerge` and strategic-merge `patches`: prepend, no inference, no
/// comment schemas.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// Where new list elements go.
    pub list_increase: ListIncrease,
    /// Merge lists without a schema by `name` when every element of a source has one
    /// (kyaml `InferAssociativeLists`; kustomize never sets it).
    pub infer_associative_lists: bool,
    /// Schemas written in comments of the target (`# {"$ref": ...}`), by node position.
    pub target_comments: CommentSchemas,
    /// Schemas written in comments of the patch, by node position.
    pub patch_comments: CommentSchemas,
}

/// Which document a node came from (comment schemas are looked up per document).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Target,
    Patch,
}

/// What the walker knows about the schema at a node.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Sch<'a> {
    None,
    Node(NodeId),
    Inline(&'a InlineSchema),
}

/// Which node a visit returned. kyaml mutates nodes in place, and its list code relies on
/// that identity (a merged element *is* the target's element), so the list walker updates
/// its element table accordingly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ident {
    /// The target node (merged in place).
    Dest,
    /// The patch node (possibly merged with itself in place).
    Origin,
    /// A node made by the walk.
    Fresh,
    /// A null from the target that must be kept (`MakePersistentNullNode`).
    KeepNull,
    /// Deleted by `$patch: delete`; the value is the patch node with the directive removed,
    /// which kyaml leaves behind in the patch (and in the target, when they are one node).
    Cleared,
}

pub(crate) type Visit = Option<(Value, Ident)>;

/// The result of walking a target subtree that the patch does not mention.
enum TargetOnly {
    /// Unchanged.
    Same,
    /// A written null, kept.
    KeepNull,
    /// Removed (an empty value).
    Drop,
    /// Changed below.
    New(Value),
    /// An associative list that went through the full list walk.
    Walked(Visit),
}

pub(crate) struct Walker<'a> {
    pub schema: &'a Schema,
    pub opts: &'a MergeOptions,
}

/// Node kinds as go-yaml's `yaml.Kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Scalar,
}

fn kind(v: &Value) -> Kind {
    if v.is_map() {
        Kind::Map
    } else if v.is_seq() {
        Kind::Seq
    } else {
        Kind::Scalar
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Map => "MappingNode",
        Kind::Seq => "SequenceNode",
        Kind::Scalar => "ScalarNode",
    }
}

/// An empty value in a flow mapping (`{x: }`), which the reader makes `""` (what kyaml's
/// re-encoding turns it into), as the implicit null the merge walker sees.
fn flow_empty_as_null(v: &Value) -> Option<Value> {
    (v.style == Style::Empty && v.as_str() == Some(""))
        .then(|| Value::with_mark(Data::Null, v.mark, Style::Empty))
}

fn missing_or_null(v: Option<&Value>) -> bool {
    v.is_none_or(Value::is_null)
}

impl<'a> Walker<'a> {
    pub(crate) fn new(schema: &'a Schema, opts: &'a MergeOptions) -> Self {
        Walker { schema, opts }
    }

    fn comment_schema(&self, side: Side, v: &Value) -> Option<Sch<'a>> {
        if v.mark.is_none()
            || (self.opts.target_comments.is_empty() && self.opts.patch_comments.is_empty())
        {
            return None;
        }
        let table = match side {
            Side::Target => &self.opts.target_comments,
            Side::Patch => &self.opts.patch_comments,
        };
        table.get(v)
    }

    /// kyaml `Walker.GetSchema`: a comment schema on a source node, else the schema
    /// inherited from the parent, else the schema of a source's own `apiVersion`/`kind`.
    fn get_schema(
        &self,
        d: Option<&Value>,
        dside: Side,
        p: Option<&Value>,
        inherited: Sch<'a>,
    ) -> Sch<'a> {
        for (r, side) in [(d, dside), (p, Side::Patch)] {
            if let Some(r) = r.filter(|r| !r.is_null()) {
                if let Some(s) = self.comment_schema(side, r) {
                    return s;
                }
            }
        }
        if !matches!(inherited, Sch::None) {
            return inherited;
        }
        for r in [d, p].into_iter().flatten() {
            if !r.is_map() {
                continue;
            }
            let api = key_text(r.get("apiVersion"));
            let kind = key_text(r.get("kind"));
            if api.is_empty() || kind.is_empty() {
                continue;
            }
            if let Some(n) = self.schema.root(&api, &kind) {
                return Sch::Node(n);
            }
        }
        Sch::None
    }

    fn field_schema(&self, s: Sch<'a>, name: &str) -> Sch<'a> {
        match s {
            Sch::Node(n) => self.schema.field(n, name).map_or(Sch::None, Sch::Node),
            // Inline (comment) schemas carry no properties of their own.
            Sch::Inline(_) | Sch::None => Sch::None,
        }
    }

    pub(crate) fn items_schema(&self, s: Sch<'a>) -> Sch<'a> {
        match s {
            Sch::Node(n) => self.schema.items(n).map_or(Sch::None, Sch::Node),
            Sch::Inline(i) if i.array => i.items.map_or(Sch::None, Sch::Node),
            Sch::Inline(_) | Sch::None => Sch::None,
        }
    }

    /// Walks one node: `d` from the target (or the patch, once the target was replaced by
    /// it: `dside`), `p` from the patch. `same` says that `d` and `p` are one node in kyaml
    /// (below a part of the patch that was added or replaced), so that changing one changes
    /// the other.
    pub(crate) fn walk(
        &mut self,
        d: Option<&Value>,
        dside: Side,
        p: Option<&Value>,
        inherited: Sch<'a>,
        same: bool,
    ) -> Result<Visit, PatchError> {
        if let (Some(d), None) = (d, p) {
            return self.walk_target_only(d, dside, inherited);
        }
        // kyaml walks the nodes as parsed, where `{x: }` holds a null: see it as one.
        let (dn, pn) = (
            d.and_then(flow_empty_as_null),
            p.and_then(flow_empty_as_null),
        );
        let d = if dn.is_some() { dn.as_ref() } else { d };
        let p = if pn.is_some() { pn.as_ref() } else { p };
        let sch = self.get_schema(d, dside, p, inherited);
        let first = [d, p].into_iter().flatten().find(|v| !v.is_null());
        let Some(first) = first else {
            return self.walk_map(d, dside, p, sch, same);
        };
        let k = kind(first);
        for v in [d, p].into_iter().flatten() {
            if !v.is_null() && kind(v) != k {
                return Err(PatchError::WrongKind {
                    path: String::new(),
                    expected: kind_name(k),
                    found: kind_name(kind(v)),
                    mark: v.mark,
                });
            }
        }
        match k {
            Kind::Map => self.walk_map(d, dside, p, sch, same),
            Kind::Seq => {
                if self.is_associative(sch, d, p) {
                    list::walk_associative(self, d, dside, p, sch, same)
                } else {
                    // Replace: the patch's list if it has one.
                    Ok(match (p, d) {
                        (Some(p), _) => Some((p.clone(), Ident::Origin)),
                        (None, Some(d)) => Some((d.clone(), Ident::Dest)),
                        (None, None) => None,
                    })
                }
            }
            Kind::Scalar => Ok(match (p, d) {
                (Some(p), _) => Some((p.clone(), Ident::Origin)),
                (None, Some(d)) => Some((d.clone(), Ident::Dest)),
                (None, None) => None,
            }),
        }
    }

    /// `walk(Some(d), None)`: a subtree the patch does not mention. kyaml still walks it
    /// (dropping empty values, normalising associative lists); this does the same without
    /// copying anything unless something changes.
    fn walk_target_only(
        &mut self,
        d: &Value,
        dside: Side,
        inherited: Sch<'a>,
    ) -> Result<Visit, PatchError> {
        Ok(match self.target_only(d, dside, inherited)? {
            TargetOnly::Same => Some((
                d.clone(),
                if d.is_seq() {
                    Ident::Fresh
                } else {
                    Ident::Dest
                },
            )),
            TargetOnly::KeepNull => Some((d.clone(), Ident::KeepNull)),
            TargetOnly::Drop => None,
            TargetOnly::New(v) => Some((
                v,
                if d.is_seq() {
                    Ident::Fresh
                } else {
                    Ident::Dest
                },
            )),
            TargetOnly::Walked(v) => v,
        })
    }

    /// [`Walker::walk_target_only`] without cloning what does not change.
    fn target_only(
        &mut self,
        d: &Value,
        dside: Side,
        inherited: Sch<'a>,
    ) -> Result<TargetOnly, PatchError> {
        match &d.data {
            Data::Null if d.style == Style::Empty => Ok(TargetOnly::Drop),
            // An empty value in a flow mapping (`{x: }`): read as `""`, but kyaml's walker
            // sees the implicit null it was before the re-encoding, and drops it.
            Data::String(s) if d.style == Style::Empty && s.is_empty() => Ok(TargetOnly::Drop),
            Data::Null => Ok(TargetOnly::KeepNull),
            Data::Map(m) => {
                let sch = self.get_schema(Some(d), dside, None, inherited);
                let mut out: Option<Map> = None;
                let mut removed: Vec<usize> = Vec::new();
                for (i, (k, v)) in m.iter().enumerate() {
                    let fs = self.field_schema(sch, k);
                    let r = self.target_only(v, dside, fs).map_err(|e| e.in_field(k))?;
                    let new = match r {
                        TargetOnly::Same | TargetOnly::KeepNull => continue,
                        TargetOnly::Drop => None,
                        TargetOnly::New(nv) => Some(nv),
                        TargetOnly::Walked(w) => match w {
                            Some((nv, Ident::KeepNull)) => Some(nv),
                            Some((nv, Ident::Dest | Ident::Origin | Ident::Fresh))
                                if !nv.is_null() =>
                            {
                                Some(nv)
                            }
                            _ => None,
                        },
                    };
                    match new {
                        None => removed.push(i),
                        Some(nv) if same_node(v, &nv) => {}
                        Some(nv) => {
                            if let Some((_, slot)) =
                                out.get_or_insert_with(|| (**m).clone()).get_index_mut(i)
                            {
                                *slot = nv;
                            }
                        }
                    }
                }
                if !removed.is_empty() {
                    let map = out.get_or_insert_with(|| (**m).clone());
                    for i in removed.into_iter().rev() {
                        map.shift_remove_index(i);
                    }
                }
                Ok(out.map_or(TargetOnly::Same, |m| {
                    TargetOnly::New(Value::with_mark(
                        Data::Map(std::sync::Arc::new(m)),
                        d.mark,
                        d.style,
                    ))
                }))
            }
            Data::Seq(items) => {
                let sch = self.get_schema(Some(d), dside, None, inherited);
                if !self.is_associative(sch, Some(d), None) {
                    return Ok(TargetOnly::Same);
                }
                if !list::is_canonical(self, items, sch) {
                    return list::walk_associative(self, Some(d), dside, None, sch, false)
                        .map(TargetOnly::Walked);
                }
                // Already what kyaml's list merge would make of it: walk the elements only.
                let es = self.items_schema(sch);
                let mut out: Option<Vec<Value>> = None;
                for (i, e) in items.iter().enumerate() {
                    let r = self
                        .target_only(e, dside, es)
                        .map_err(|e| e.in_field("[]"))?;
                    let ne = match r {
                        TargetOnly::New(ne) => ne,
                        TargetOnly::Walked(Some((ne, _))) => ne,
                        // Canonical elements are non-null mappings or scalars.
                        _ => continue,
                    };
                    if !same_node(e, &ne) {
                        if let Some(slot) = out.get_or_insert_with(|| (**items).clone()).get_mut(i)
                        {
                            *slot = ne;
                        }
                    }
                }
                Ok(out.map_or(TargetOnly::Same, |v| {
                    TargetOnly::New(Value::with_mark(
                        Data::Seq(std::sync::Arc::new(v)),
                        d.mark,
                        d.style,
                    ))
                }))
            }
            _ => Ok(TargetOnly::Same),
        }
    }

    fn is_associative(&self, sch: Sch<'a>, d: Option<&Value>, p: Option<&Value>) -> bool {
        match sch {
            Sch::Node(n) => matches!(self.schema.list_strategy(n), ListStrategy::Merge(_)),
            Sch::Inline(i) => matches!(i.list_strategy(), ListStrategy::Merge(_)),
            Sch::None => {
                self.opts.infer_associative_lists
                    && [d, p]
                        .into_iter()
                        .flatten()
                        .any(|v| !v.is_null() && list::has_key_everywhere(v, "name"))
            }
        }
    }

    fn walk_map(
        &mut self,
        d: Option<&Value>,
        dside: Side,
        p: Option<&Value>,
        sch: Sch<'a>,
        same: bool,
    ) -> Result<Visit, PatchError> {
        // kyaml Merger.VisitMap: decide which node the merged fields are written into.
        let (dest, dest_side, origin, ident): (Value, Side, Option<Value>, Ident);
        if missing_or_null(d) {
            let mut origin_v = p.cloned();
            if let Some(pv) = p.filter(|p| p.is_map()) {
                // kyaml ignores an unknown directive here (the key then stays).
                if let Ok((dir, elided)) = directive::for_map(pv) {
                    if dir == Directive::Delete {
                        return Ok(Some((elided, Ident::Cleared)));
                    }
                    origin_v = Some(elided);
                }
            }
            let Some(o) = origin_v else {
                // The patch does not mention it: keep a written null, drop an empty one.
                return Ok(d
                    .filter(|d| d.style != Style::Empty)
                    .map(|d| (d.clone(), Ident::KeepNull)));
            };
            dest = o.clone();
            dest_side = Side::Patch;
            origin = Some(o);
            ident = Ident::Origin;
        } else if p.is_some_and(Value::is_null) {
            return Ok(None);
        } else {
            let (dir, elided) = match p {
                None => (Directive::Merge, None),
                Some(pv) => {
                    let (dir, e) = directive::for_map(pv).map_err(|v| directive::unknown("", v))?;
                    (dir, Some(e))
                }
            };
            match dir {
                Directive::Delete => return Ok(elided.map(|e| (e, Ident::Cleared))),
                Directive::Replace => {
                    let Some(e) = elided else { return Ok(None) };
                    dest = e.clone();
                    dest_side = Side::Patch;
                    origin = Some(e);
                    ident = Ident::Origin;
                }
                Directive::Merge if same => {
                    // One node: the directive was removed from the target as well.
                    let Some(e) = elided else { return Ok(None) };
                    dest = e.clone();
                    dest_side = dside;
                    origin = Some(e);
                    ident = Ident::Dest;
                }
                Directive::Merge => {
                    let Some(dv) = d else { return Ok(None) };
                    dest = dv.clone();
                    dest_side = dside;
                    origin = elided;
                    ident = Ident::Dest;
                }
            }
        }
        let mut dest = dest;
        let Some(dest_map) = dest.as_map() else {
            // A null (the patch's): nothing to walk; the caller clears it.
            return Ok(Some((dest, ident)));
        };
        let origin_map = origin.as_ref().and_then(Value::as_map);
        let fields_same = same || ident == Ident::Origin;
        // kyaml visits the sorted union of the field names; keys the target has are updated
        // in place (so their visiting order does not matter) and new keys are appended,
        // which puts them in sorted order after the target's.
        let mut out: Option<Map> = None;
        let mut removed: Vec<usize> = Vec::new();
        for (i, (name, dv)) in dest_map.iter().enumerate() {
            let pv = origin_map.and_then(|m| m.get(&**name));
            let fs = self.field_schema(sch, name);
            let r = self
                .walk(Some(dv), dest_side, pv, fs, fields_same)
                .map_err(|e| e.in_field(name));
            match kept(&r?) {
                None => removed.push(i),
                // Unchanged (same shared node or equal data): leave the map alone.
                Some(v) if same_node(dv, v) => {}
                Some(v) => {
                    if let Some((_, slot)) =
                        out.get_or_insert_with(|| dest_map.clone()).get_index_mut(i)
                    {
                        *slot = v.clone();
                    }
                }
            }
        }
        if let Some(om) = origin_map.filter(|_| ident != Ident::Origin) {
            let mut new: Vec<(&krust_yaml::Key, &Value)> = om
                .iter()
                .filter(|(k, _)| !dest_map.contains_key(&***k))
                .collect();
            new.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (name, pv) in new {
                let fs = self.field_schema(sch, name);
                let r = self
                    .walk(None, dest_side, Some(pv), fs, fields_same)
                    .map_err(|e| e.in_field(name));
                if let Some(v) = kept(&r?) {
                    out.get_or_insert_with(|| dest_map.clone())
                        .insert(name.clone(), v.clone());
                }
            }
        }
        if !removed.is_empty() {
            let m = out.get_or_insert_with(|| dest_map.clone());
            for i in removed.into_iter().rev() {
                m.shift_remove_index(i);
            }
        }
        if let Some(m) = out {
            let style = if dest_map.is_empty() {
                origin.as_ref().map_or(dest.style, |o| o.style)
            } else {
                dest.style
            };
            dest = Value::with_mark(
                krust_yaml::Data::Map(std::sync::Arc::new(m)),
                dest.mark,
                style,
            );
        }
        Ok(Some((dest, ident)))
    }
}

/// What kyaml's `FieldSetter` keeps of a visit: nothing for a deletion or an unkept null.
fn kept(r: &Visit) -> Option<&Value> {
    match r {
        None | Some((_, Ident::Cleared)) => None,
        Some((v, Ident::KeepNull)) => Some(v),
        Some((v, _)) if v.is_null() => None,
        Some((v, _)) => Some(v),
    }
}

/// Cheap identity test: the same shared container, or equal scalars.
fn same_node(a: &Value, b: &Value) -> bool {
    match (&a.data, &b.data) {
        (Data::Map(x), Data::Map(y)) => std::sync::Arc::ptr_eq(x, y),
        (Data::Seq(x), Data::Seq(y)) => std::sync::Arc::ptr_eq(x, y),
        (Data::Map(_) | Data::Seq(_), _) | (_, Data::Map(_) | Data::Seq(_)) => false,
        _ => a == b && a.style == b.style && a.mark == b.mark,
    }
}

/// Strategic merge of `patch` into `target` with kustomize's options (prepend, no
/// inference). See [`merge_with`].
pub fn merge(target: &Value, patch: &Value, schema: &Schema) -> Result<Option<Value>, PatchError> {
    merge_with(target, patch, schema, &MergeOptions::default())
}

/// Strategic merge of `patch` into `target` (kyaml `merge2.Merge(patch, target, opts)`).
///
/// Returns `Ok(None)` when the patch deletes the whole document (`$patch: delete` at the
/// root); kustomize then drops the resource.
pub fn merge_with(
    target: &Value,
    patch: &Value,
    schema: &Schema,
    opts: &MergeOptions,
) -> Result<Option<Value>, PatchError> {
    let mut w = Walker::new(schema, opts);
    let r = w
        .walk(Some(target), Side::Target, Some(patch), Sch::None, false)
        .map_err(PatchError::at_root)?;
    Ok(r.filter(|(_, ident)| *ident != Ident::Cleared)
        .map(|(v, _)| v))
}
