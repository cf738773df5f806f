//! `replacements:` (kustomize's `ReplacementTransformer` and `filters/replacement`).

use super::select::Pattern;
use krust_model::{Gvk, ResId, ResMap};
use krust_yaml::{Data, Mark, Style, Typing, Value};

use super::Transform;
use crate::decode::fields;
use crate::kustomization::Selector;
use crate::target::Target;
use crate::Error;

/// `delimiter`/`index`/`create` options of a source or target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldOptions {
    /// Split the field's value on this string (empty: use it whole).
    pub delimiter: String,
    /// Which part of the split value to read or replace.
    pub index: i64,
    /// Whether a missing target field is created.
    pub create: bool,
}

/// Where a replacement reads its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A literal value (`sourceValue`).
    Value(String),
    /// A field of another resource (`source`).
    Field {
        /// The resource.
        id: ResId,
        /// The field (`fieldPath` as written; empty means `metadata.name`).
        field_path: String,
        /// How to read part of it.
        options: FieldOptions,
    },
}

/// Where a replacement writes.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSel {
    /// The resources to write to.
    pub select: Selector,
    /// Resources excluded from `select`.
    pub reject: Vec<Selector>,
    /// The fields to write.
    pub field_paths: Vec<String>,
    /// How to write part of a field.
    pub options: FieldOptions,
}

/// One replacement.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    /// Where the value comes from.
    pub source: Source,
    /// Where it goes.
    pub targets: Vec<TargetSel>,
}

/// The `replacements` of one kustomization.
#[derive(Debug, Clone)]
pub struct Replacements {
    /// The replacements, applied in order.
    pub list: Vec<Replacement>,
}

fn options(v: Option<&Value>) -> Result<FieldOptions, String> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(FieldOptions::default());
    };
    let f = fields(
        v,
        "FieldOptions",
        &["delimiter", "index", "encoding", "create"],
    )?;
    Ok(FieldOptions {
        delimiter: f.string("delimiter")?,
        index: f.int("index")?.unwrap_or(0),
        create: f.bool("create")?,
    })
}

fn decode(v: &Value) -> Result<Replacement, String> {
    let f = fields(
        v,
        "Replacement",
        &["source", "targets", "sourceValue", "path"],
    )?;
    let source = match (f.raw("sourceValue"), f.raw("source")) {
        (Some(_), Some(_)) => {
            return Err("value and resource selectors are mutually exclusive".into())
        }
        (Some(sv), None) => Source::Value(crate::util::scalar_string(sv).unwrap_or_default()),
        (None, Some(s)) => {
            let sf = fields(
                s,
                "SourceSelector",
                &[
                    "group",
                    "version",
                    "kind",
                    "name",
                    "namespace",
                    "fieldPath",
                    "options",
                ],
            )?;
            let fp = sf.string("fieldPath")?;
            Source::Field {
                id: ResId::new(
                    Gvk::new(
                        sf.string("group")?,
                        sf.string("version")?,
                        sf.string("kind")?,
                    ),
                    sf.string("name")?,
                    sf.string("namespace")?,
                ),
                field_path: fp,
                options: options(sf.raw("options"))?,
            }
        }
        (None, None) => {
            return Err("replacements must specify a source and at least one target".into())
        }
    };
    let targets = f.list("targets", |t| {
        let tf = fields(
            t,
            "TargetSelector",
            &["select", "reject", "fieldPaths", "options"],
        )?;
        let Some(sel) = tf.raw("select") else {
            return Err("target must specify resources to select".to_string());
        };
        let mut field_paths = tf.strings("fieldPaths")?;
        if field_paths.is_empty() {
            field_paths.push("metadata.name".into());
        }
        Ok(TargetSel {
            select: Selector::decode(sel)?,
            reject: tf.list("reject", Selector::decode)?,
            field_paths,
            options: options(tf.raw("options"))?,
        })
    })?;
    if targets.is_empty() {
        return Err("replacements must specify a source and at least one target".into());
    }
    Ok(Replacement { source, targets })
}

/// Reads the `replacements` entries of a kustomization (inline, or `path:` files).
pub(crate) fn from_kustomization(t: &Target<'_>, entries: &[Value]) -> Result<Replacements, Error> {
    let mut list = Vec::new();
    for e in entries {
        let path = e.get("path").and_then(Value::as_str).unwrap_or("");
        if path.is_empty() {
            list.push(decode(e).map_err(invalid)?);
            continue;
        }
        if e.get("source").is_some() || e.get("targets").is_some() {
            return Err(invalid("cannot specify both path and inline replacement"));
        }
        let text = t.ldr.load_string(path)?;
        let file = crate::loader::display(&t.ldr.join(path));
        // Through the loader: the build's YAML limits apply to the file.
        for doc in t.ldr.parse_stream(&text, &file, Typing::Yaml11)? {
            match &doc.data {
                Data::Seq(s) => {
                    for r in s.iter() {
                        list.push(decode(r).map_err(|m| invalid(format!("{file}: {m}")))?);
                    }
                }
                Data::Map(_) => {
                    list.push(decode(&doc).map_err(|m| invalid(format!("{file}: {m}")))?)
                }
                _ => {}
            }
        }
    }
    Ok(Replacements { list })
}

/// kyaml `PathSplitter(path, ".")`: `\.` escapes a dot; a leading dot is ignored.
fn path_splitter(path: &str) -> Vec<String> {
    let mut ps: Vec<&str> = path.split('.').collect();
    if ps.len() > 1 && ps.first() == Some(&"") {
        ps.remove(0);
    }
    let mut res: Vec<String> = Vec::with_capacity(ps.len());
    for p in ps {
        match res.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('.');
                last.push_str(p);
            }
            _ => res.push(p.to_string()),
        }
    }
    res
}

/// kyaml `SmarterPathSplitter(path, ".")`: dots inside `[...]` do not split, and a
/// bracketed segment without `=` is a plain field name (`[a.b/c]`).
fn split_path(p: &str) -> Vec<String> {
    let split = path_splitter(p);
    let mut out = Vec::with_capacity(split.len());
    let mut i = 0;
    while i < split.len() {
        let elem = &split[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut parts = vec![elem.clone()];
            while i + 1 < split.len() {
                i += 1;
                parts.push(split[i].clone());
                if split[i].ends_with(']') {
                    break;
                }
            }
            let joined = parts.join(".");
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(|c| c == '[' || c == ']').to_string());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

/// What to create for a missing path element.
/// kyaml `getPathPartKind`: a list for `[k=v]` or an index, a map for a field name, the
/// value's kind at the end of the path.
fn placeholder(next: Option<&String>, leaf: &Value) -> Value {
    match next {
        Some(n) if n.starts_with('[') || is_index(n) => Value::from_seq(Vec::new()),
        Some(_) => Value::map(),
        // kyaml creates the leaf as an untagged scalar node and copies only the value's
        // text into it, so the created field is typed by that text (`0x10` → 16, `"123"`
        // → 123): a null here is re-typed that way by `set_field`.
        None => match &leaf.data {
            Data::Map(_) => Value::map(),
            Data::Seq(_) => Value::from_seq(Vec::new()),
            _ => Value::null(),
        },
    }
}

/// kustomize `fieldRetrievalError`.
fn field_retrieval_error(fp: &str, create: bool) -> String {
    if create {
        format!("unable to find or create field {fp:?} in replacement target")
    } else {
        format!("unable to find field {fp:?} in replacement target")
    }
}

/// kyaml `IsIdxNumber`: a path part that is a non-negative integer.
fn is_index(s: &str) -> bool {
    s.parse::<i64>().is_ok_and(|i| i >= 0)
}

/// What [`visit`] calls on each node found, with its concrete path.
type Visitor<'a> = dyn FnMut(&mut Value, &[Step]) -> Result<(), Error> + 'a;

/// One step of a node's concrete path in a resource.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Idx(usize),
    /// Below a null node: what is created there is not attached to the resource.
    Detached,
}

/// kyaml `PathMatcher`: visits every node at `path` (creating missing ones when `create`
/// holds the value that will be written).
/// `at` is the concrete path of `node` in the resource (steps pushed and popped on the way).
fn visit(
    node: &mut Value,
    path: &[String],
    create: Option<&Value>,
    f: &mut Visitor<'_>,
    fail: &dyn Fn() -> Option<String>,
    at: &mut Vec<Step>,
) -> Result<(), Error> {
    let Some((seg, rest)) = path.split_first() else {
        return f(node, at);
    };
    if let Some(inner) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        let (k, v) = inner.split_once('=').unwrap_or((inner, ""));
        let Some(seq) = node.as_seq_mut() else {
            return Ok(());
        };
        let mut any = false;
        for (i, e) in seq.iter_mut().enumerate() {
            let hit = if k.is_empty() {
                crate::util::scalar_string(e).as_deref() == Some(v)
            } else {
                e.get(k).and_then(crate::util::scalar_string).as_deref() == Some(v)
            };
            if hit {
                any = true;
                at.push(Step::Idx(i));
                visit(e, rest, create, f, fail, at)?;
                at.pop();
            }
        }
        if !any {
            if let Some(leaf) = create {
                let mut m = Value::map();
                m.insert(k, Value::from(v));
                seq.push(m);
                let i = seq.len() - 1;
                if let Some(last) = seq.last_mut() {
                    at.push(Step::Idx(i));
                    visit(last, rest, Some(leaf), f, fail, at)?;
                    at.pop();
                }
            }
        }
        return Ok(());
    }
    if seg == "*" {
        match &node.data {
            Data::Seq(_) => {
                if let Some(seq) = node.as_seq_mut() {
                    for (i, e) in seq.iter_mut().enumerate() {
                        at.push(Step::Idx(i));
                        visit(e, rest, create, f, fail, at)?;
                        at.pop();
                    }
                }
            }
            Data::Map(_) => {
                if let Some(m) = node.as_map_mut() {
                    for (k, e) in m.iter_mut() {
                        at.push(Step::Key(k.as_str().to_string()));
                        visit(e, rest, create, f, fail, at)?;
                        at.pop();
                    }
                }
            }
            _ => {}
        }
        return Ok(());
    }
    if node.is_seq() {
        if let Ok(i) = seg.parse::<usize>() {
            let Some(seq) = node.as_seq_mut() else {
                return Ok(());
            };
            // kyaml `doIndexSeq`: one past the end appends when creating.
            if i == seq.len() {
                if let Some(leaf) = create {
                    seq.push(placeholder(rest.first(), leaf));
                }
            }
            let len = seq.len();
            match seq.get_mut(i) {
                Some(e) => {
                    at.push(Step::Idx(i));
                    visit(e, rest, create, f, fail, at)?;
                    at.pop();
                }
                None => {
                    if let Some(prefix) = fail() {
                        return Err(invalid(format!(
                            "{prefix}: index {i} specified but only {len} elements found"
                        )));
                    }
                }
            }
        }
        return Ok(());
    }
    if node.is_null() && create.is_some() {
        // kyaml creates below an existing null node without attaching anything to it: the
        // target counts as found and the resource is left as it was (kubectl v1.32, 1.35).
        let mut detached = Value::map();
        at.push(Step::Detached);
        visit(&mut detached, path, create, f, fail, at)?;
        at.pop();
        return Ok(());
    }
    let flow = node.style == Style::Flow;
    let Some(m) = node.as_map_mut() else {
        return Ok(());
    };
    let mut created = false;
    if !m.contains_key(seg.as_str()) {
        let Some(leaf) = create else { return Ok(()) };
        m.insert(seg.as_str().into(), placeholder(rest.first(), leaf));
        created = true;
    }
    match m.get_mut(seg.as_str()) {
        Some(child) => {
            at.push(Step::Key(seg.clone()));
            visit(child, rest, create, f, fail, at)?;
            at.pop();
            // Created now, or by an earlier replacement (still untagged): a collection
            // source's empty text set into it later is `""` there too (kubectl v1.32, 1.35).
            let untagged = child.style == Style::Any && child.mark.is_none() && child.is_scalar();
            if flow && rest.is_empty() && (created || untagged) {
                untyped_in_flow(child);
            }
            Ok(())
        }
        None => Ok(()),
    }
}

/// A created field in a flow mapping is typed by its text as go-yaml v3's encoder writes
/// it there: a date-time with a `:` is quoted in flow context, so it stays the string it
/// was written as (`2001-12-14t21:59:43.10-05:00`, not its RFC 3339 form; kubectl v1.32 and
/// 1.35), as the reader types such values in flow collections.
fn untyped_in_flow(v: &mut Value) {
    let keep = match (&v.data, v.source_text()) {
        (Data::String(s), Some(t)) if t.contains(':') && t != &**s => Some(t.to_string()),
        // An empty plain scalar in a flow mapping is `""` there.
        (Data::Null, _) => Some(String::new()),
        _ => None,
    };
    if let Some(t) = keep {
        let (style, mark) = (v.style, v.mark);
        *v = Value::from(t.as_str());
        v.style = style;
        v.mark = mark;
    }
}

/// A scalar's text as kyaml keeps it in `Node.Value`.
fn text(v: &Value) -> String {
    crate::util::scalar_string(v).unwrap_or_default()
}

/// Re-types `s` like the scalar `like` (kyaml keeps the target node's tag).
fn retype(s: &str, like: &Value) -> Value {
    match &like.data {
        Data::Int(_) | Data::Uint(_) => s
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(s)),
        Data::Float(_) => s
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(s)),
        Data::Bool(_) => match s {
            "true" => Value::from(true),
            "false" => Value::from(false),
            _ => Value::from(s),
        },
        Data::Null => resolve_plain(s),
        _ => Value::from(s),
    }
}

/// The go-yaml v3 tag of a scalar as read (`None`: a string).
fn tag_of(v: &Value) -> Option<&'static str> {
    Some(match &v.data {
        Data::Null => "!!null",
        Data::Bool(_) => "!!bool",
        Data::Int(_) | Data::Uint(_) => "!!int",
        Data::Float(_) => "!!float",
        // A plain date-time reads as its RFC 3339 string; its node is a `!!timestamp`.
        Data::String(s) if v.style == Style::Plain => {
            let t = v.source_text().unwrap_or(s);
            looks_like_timestamp(t).then_some("!!timestamp")?
        }
        _ => return None,
    })
}

/// go-yaml v3's timestamp forms, as the reader types plain scalars with them (Go's
/// `time.Parse` of go-yaml's layouts: `2000-02-29t1:2:3` is not one, `2001-2-3 4:05:0,6` is).
fn looks_like_timestamp(t: &str) -> bool {
    krust_yaml::is_timestamp(t)
}

/// The text `s` put into an existing scalar tagged `want` (`None`: a string) written in
/// `style`: kyaml sets only the node's text and keeps its tag, and go-yaml v3 then decodes
/// the text with that tag when kustomize makes the resource's JSON, failing unless the text resolves to the tag (an integer also
/// serves a `!!float`): `cannot decode !!str `cm` as a !!float` (kubectl v1.32 and 1.35).
fn retype_as(s: &str, want: Option<&'static str>, style: Style) -> Result<Value, Error> {
    let Some(want) = want else {
        // The node keeps its style too: a folded target is printed as go-yaml v3 writes a
        // folded scalar (kubectl v1.32 and 1.35).
        let mut v = Value::from(s);
        if style == Style::Folded {
            v.style = Style::Folded;
        }
        return Ok(v);
    };
    let got = if s.is_empty() {
        Value::null()
    } else {
        resolve_plain(s)
    };
    let have = if looks_like_timestamp(s) {
        "!!timestamp"
    } else {
        tag_of(&got).unwrap_or("!!str")
    };
    match (want, have) {
        ("!!float", "!!int") => Ok(match got.data {
            Data::Int(i) => Value::from(i as f64),
            Data::Uint(u) => Value::from(u as f64),
            _ => got,
        }),
        _ if want == have => Ok(got),
        _ => Err(invalid(format!(
            "map[string]interface {{}}(nil): yaml: cannot decode {have} `{s}` as a {want}"
        ))),
    }
}

/// kyaml `FieldSetter{StringValue}` / `filtersutil.SetScalar` on the scalar `old`: a new
/// untagged scalar holding `text` that takes `old`'s style ("keep the original style"). A
/// quoted or block one stays the string; a plain one is typed by its text when kustomize
/// round-trips the resource through JSON (`images: [{newName: "12"}]` on `image: nginx`
/// prints `image: 12`; kubectl v1.32 and 1.35). Untagged, it is a string to `vars` and is
/// typed by the text a later replacement puts in.
pub(crate) fn untagged_like(text: &str, old: &Value) -> Value {
    match old.style {
        Style::SingleQuoted | Style::DoubleQuoted | Style::Literal | Style::Folded
            if old.is_scalar() =>
        {
            let mut v = Value::from(text);
            v.style = old.style;
            v
        }
        _ => {
            let mut v = resolve_plain(text);
            v.style = Style::Any;
            v.mark = Mark::NONE;
            v
        }
    }
}

/// How a plain scalar with this text is typed (go-yaml v3 core schema, the common cases).
fn resolve_plain(s: &str) -> Value {
    // go-yaml resolves the text as it is (its null/bool/number patterns, no parsing): text
    // with spaces, breaks or comment marks can only be a string.
    // A date-time may hold one inner blank (`2001-12-14 21:59:43.10`).
    let date_like = s.starts_with(|c: char| c.is_ascii_digit())
        && s.trim() == s
        && !s.contains(['\n', '\r', '#'])
        && !s.contains(": ");
    if s.is_empty() || (!date_like && s.contains(|c: char| c.is_whitespace() || c == '#')) {
        return Value::from(s);
    }
    match krust_yaml::parse_stream(s, "<replacement>", Typing::Kyaml) {
        Ok(mut d) if d.len() == 1 && d[0].is_scalar() && !d[0].is_string() => d.remove(0),
        // A plain date-time: kustomize prints its RFC 3339 rendering (`2001-12-14` →
        // `"2001-12-14T00:00:00Z"`; kubectl v1.32 and 1.35), as the reader types it.
        Ok(mut d)
            if d.len() == 1
                && d[0].style == krust_yaml::Style::Plain
                && d[0].as_str().is_some_and(|t| t != s) =>
        {
            d.remove(0)
        }
        _ => Value::from(s),
    }
}

/// A tagged scalar holding text its tag cannot decode: kyaml keeps it so until kustomize
/// next decodes the resource (after the replacements), so a later replacement that writes
/// fitting text into it saves the build (fuzz 2002-648: `1e+21` then `1` into an int;
/// kubectl v1.32 and 1.35 build).
type Deferred = Option<(&'static str, String)>;

/// Sets one target field. `deferred`: on entry, the tag the node keeps when it holds text
/// that tag cannot decode (from an earlier replacement); on return, the same for the new
/// text, with the error kustomize gives when it decodes the node.
fn set_field(
    target: &mut Value,
    value: &Value,
    opts: &FieldOptions,
    deferred: &mut Deferred,
) -> Result<(), Error> {
    let mut value = value.clone();
    if !opts.delimiter.is_empty() {
        if !target.is_scalar() {
            return Err(invalid(
                "delimiter option can only be used with scalar nodes",
            ));
        }
        let cur = text(target);
        let mut parts: Vec<String> = cur
            .split(opts.delimiter.as_str())
            .map(String::from)
            .collect();
        let v = text(&value);
        if opts.index < 0 {
            parts.insert(0, v);
        } else if opts.index as usize >= parts.len() {
            parts.push(v);
        } else if let Some(p) = parts.get_mut(opts.index as usize) {
            *p = v;
        }
        value = Value::from(parts.join(&opts.delimiter));
    }
    if target.is_scalar() {
        // kyaml copies only the value's text into a scalar target (a collection's text is
        // empty). An untagged node (one a replacement created, even if set since) is then
        // typed by that text when printed (`""` is null); a tagged one keeps its type.
        let created = target.style == Style::Any && target.mark.is_none();
        let t = if value.is_scalar() {
            text(&value)
        } else {
            String::new()
        };
        *target = match (created, t.is_empty()) {
            (true, true) => Value::null(),
            (true, false) => resolve_plain(&t),
            (false, _) => {
                // Still the node it was (not a created one, for a later replacement).
                let mark = target.mark;
                let want = match deferred {
                    Some((tag, _)) => Some(*tag),
                    None => tag_of(target),
                };
                let mut v = match (retype_as(&t, want, target.style), want) {
                    (Ok(v), _) => {
                        *deferred = None;
                        v
                    }
                    (Err(e), Some(tag)) => {
                        *deferred = Some((tag, e.to_string()));
                        let mut v = Value::from(t.as_str());
                        v.style = match target.style {
                            Style::Any => Style::Plain,
                            s => s,
                        };
                        v
                    }
                    (Err(e), None) => return Err(e),
                };
                v.mark = mark;
                v
            }
        };
        if created {
            // Untagged, as kyaml created it: typed by its text, a string to `vars`.
            target.style = Style::Any;
            target.mark = Mark::NONE;
        }
    } else {
        *target = value;
    }
    Ok(())
}

fn anchored(p: &str) -> Result<Pattern, Error> {
    Pattern::new(p).map_err(|e| Error::InvalidSelector {
        message: format!("error creating target selector: {e}"),
    })
}

/// kustomize's `SelectorRegex`: every field of a target selector is an anchored regex.
struct SelRegex {
    group: Pattern,
    version: Pattern,
    kind: Pattern,
    name: Pattern,
    namespace: Pattern,
}

impl SelRegex {
    fn new(s: &Selector) -> Result<Self, Error> {
        Ok(SelRegex {
            group: anchored(&s.group)?,
            version: anchored(&s.version)?,
            kind: anchored(&s.kind)?,
            name: anchored(&s.name)?,
            namespace: anchored(&s.namespace)?,
        })
    }
    fn selects(&self, id: &ResId) -> bool {
        self.group.is_match(id.gvk.group())
            && self.version.is_match(id.gvk.version())
            && self.kind.is_match(id.gvk.kind())
            && self.name.is_match(&id.name)
            && self.namespace.is_match(&id.namespace)
    }
}

fn labels_match(r: &krust_model::Resource, s: &Selector) -> Result<bool, Error> {
    let sel = Selector {
        label_selector: s.label_selector.clone(),
        annotation_selector: s.annotation_selector.clone(),
        ..Selector::default()
    };
    let mut one = ResMap::new();
    one.push_unchecked(r.clone());
    Ok(!super::select::select(&one, &sel)?.is_empty())
}

impl Transform for Replacements {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        // Target nodes left holding text their tag cannot decode: (resource, path, tag,
        // kustomize's error), checked after the last replacement (see [`Deferred`]).
        let mut pending: Vec<(usize, Vec<Step>, &'static str, String)> = Vec::new();
        for rep in &self.list {
            let value = match &rep.source {
                Source::Value(v) => Value::from(v.as_str()),
                Source::Field {
                    id,
                    field_path,
                    options,
                } => {
                    // kustomize `SourceSelector.String`: the id, the fieldPath as written
                    // (it is defaulted only after the source is found) and the options,
                    // joined by `:`.
                    let selector = || {
                        let mut s = id.to_string();
                        if !field_path.is_empty() {
                            s.push(':');
                            s.push_str(field_path);
                        }
                        if !options.delimiter.is_empty() || options.create {
                            s.push_str(&format!(
                                ":{}({}), create={}",
                                options.delimiter, options.index, options.create
                            ));
                        }
                        s
                    };
                    let mut found = None;
                    for r in resources.iter() {
                        if r.all_ids().any(|x| x.is_selected_by(id)) {
                            if found.is_some() {
                                return Err(Error::SelectorMatch {
                                    selector: selector(),
                                    found: 2,
                                });
                            }
                            found = Some(r);
                        }
                    }
                    let Some(src) = found else {
                        return Err(Error::SelectorMatch {
                            selector: selector(),
                            found: 0,
                        });
                    };
                    let field_path = if field_path.is_empty() {
                        "metadata.name"
                    } else {
                        field_path.as_str()
                    };
                    let mut obj = src.value().clone();
                    let mut got = None;
                    visit(
                        &mut obj,
                        &split_path(field_path),
                        None,
                        &mut |v: &mut Value, _: &[Step]| {
                            if got.is_none() {
                                got = Some(v.clone());
                            }
                            Ok(())
                        },
                        // kyaml's `Lookup` finds nothing past the end of a list.
                        &|| None,
                        &mut Vec::new(),
                    )?;
                    let got = got.filter(|v| {
                        !v.is_null()
                            && !v.as_map().is_some_and(|m| m.is_empty())
                            && !v.as_seq().is_some_and(|s| s.is_empty())
                    });
                    let Some(mut v) = got else {
                        return Err(invalid(format!(
                            "fieldPath `{field_path}` is missing for replacement source {id}"
                        )));
                    };
                    if !options.delimiter.is_empty() {
                        if !v.is_scalar() {
                            return Err(invalid(
                                "delimiter option can only be used with scalar nodes",
                            ));
                        }
                        let t = text(&v);
                        let parts: Vec<&str> = t.split(options.delimiter.as_str()).collect();
                        let Some(p) = usize::try_from(options.index)
                            .ok()
                            .and_then(|i| parts.get(i))
                        else {
                            return Err(invalid(format!(
                                "options.index {} is out of bounds for value {t}",
                                options.index
                            )));
                        };
                        v = retype(p, &v);
                    }
                    v
                }
            };
            for ts in &rep.targets {
                let sel = SelRegex::new(&ts.select)?;
                let rejects: Vec<SelRegex> = ts
                    .reject
                    .iter()
                    .filter(|r| {
                        !(r.group.is_empty()
                            && r.version.is_empty()
                            && r.kind.is_empty()
                            && r.name.is_empty()
                            && r.namespace.is_empty())
                    })
                    .map(SelRegex::new)
                    .collect::<Result<_, _>>()?;
                for i in 0..resources.len() {
                    let Some(r) = resources.get(i) else { continue };
                    if !labels_match(r, &ts.select)? {
                        continue;
                    }
                    let mut rejected = false;
                    for rj in &ts.reject {
                        if (!rj.label_selector.is_empty() || !rj.annotation_selector.is_empty())
                            && labels_match(r, rj)?
                        {
                            rejected = true;
                        }
                    }
                    let ids: Vec<ResId> = r.all_ids().cloned().collect();
                    if rejected || rejects.iter().any(|rj| ids.iter().any(|id| rj.selects(id))) {
                        continue;
                    }
                    if !ids.iter().any(|id| sel.selects(id)) {
                        continue;
                    }
                    let mut obj = r.value().clone();
                    for fp in &ts.field_paths {
                        let create = ts.options.create.then_some(&value);
                        let mut n = 0;
                        let fail = || Some(field_retrieval_error(fp, ts.options.create));
                        let parts = split_path(fp);
                        if ts.options.create
                            && parts.len() > 2
                            && parts[0] == "metadata"
                            && parts[1] == "annotations"
                        {
                            // What kyaml creates below a null node lands in that node's
                            // content, unseen, except by `GetAnnotations`, which reads any
                            // node's content as pairs: the end-of-build annotation rewrite
                            // then writes it out. So below a null `metadata.annotations`
                            // the creation shows.
                            if let Some(a) = obj
                                .path_mut(&["metadata", "annotations"])
                                .filter(|a| a.is_null())
                            {
                                *a = Value::map();
                            }
                        }
                        visit(
                            &mut obj,
                            &parts,
                            create,
                            &mut |t: &mut Value, at: &[Step]| {
                                n += 1;
                                let k = pending.iter().position(|p| p.0 == i && p.1 == at);
                                let mut d =
                                    k.and_then(|k| pending.get(k)).map(|p| (p.2, p.3.clone()));
                                set_field(t, &value, &ts.options, &mut d)?;
                                match (k, d) {
                                    (Some(k), None) => {
                                        pending.remove(k);
                                    }
                                    (Some(k), Some((tag, msg))) => {
                                        if let Some(p) = pending.get_mut(k) {
                                            (p.2, p.3) = (tag, msg);
                                        }
                                    }
                                    (None, Some((tag, msg))) if !at.contains(&Step::Detached) => {
                                        pending.push((i, at.to_vec(), tag, msg))
                                    }
                                    _ => {}
                                }
                                Ok(())
                            },
                            &fail,
                            &mut Vec::new(),
                        )?;
                        if n == 0 {
                            return Err(invalid(field_retrieval_error(fp, ts.options.create)));
                        }
                    }
                    if let Some(r) = resources.get_mut(i) {
                        r.set_value(obj);
                    }
                }
            }
        }
        // The first resource still holding such a node fails, as kustomize's next decode of
        // it does (a node replaced since, with a whole collection above it, is gone).
        pending.sort_by_key(|p| p.0);
        for (i, path, _, msg) in &pending {
            let node = resources.get(*i).and_then(|r| at_path(r.value(), path));
            if node.is_some_and(|n| n.is_string()) {
                return Err(invalid(msg.clone()));
            }
        }
        Ok(())
    }
}

/// The node at a concrete path.
fn at_path<'v>(v: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get(k),
        Step::Idx(i) => v.as_seq().and_then(|q| q.get(*i)),
        Step::Detached => None,
    })
}

/// A replacement kustomize rejects, in its words.
fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidReplacement {
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::split_path;

    #[test]
    fn splits_like_kyaml() {
        assert_eq!(split_path("a.b"), ["a", "b"]);
        assert_eq!(
            split_path("a.fleet\\.example\\.com/x"),
            ["a", "fleet.example.com/x"]
        );
        assert_eq!(split_path("c.[name=a.b].d"), ["c", "[name=a.b]", "d"]);
        assert_eq!(split_path("m.[a.b/c]"), ["m", "a.b/c"]);
        assert_eq!(split_path(".a"), ["a"]);
    }
}
