//! The render step (`engine.Render`, Helm v4.1.4 `pkg/engine/engine.go`): every template
//! of the chart and its subcharts parsed once into one set, then each non-partial file
//! executed with its chart's scope.

use std::collections::BTreeMap;

use krust_template::{Error, MapEntries, Set, Type, Value};

use crate::files::Files;
use crate::funcs::{helm_funcs, WARN_END, WARN_START};
use crate::load::Chart;
use crate::metadata::Metadata;
use crate::ChartError;

/// One template file to parse (and, unless a partial, execute); the text borrows the
/// chart's file when it is UTF-8.
struct Renderable<'c> {
    name: String,
    text: std::borrow::Cow<'c, str>,
    scope: usize,
    base_path: String,
}

/// Renders every template; returns file name → output (`<no value>` removed). `top`
/// holds `Release`, `Capabilities` and `Values` (the coalesced values).
pub fn render(
    chart: &Chart,
    release: &Value,
    caps: &Value,
    values: &Value,
    limits: &krust_template::Limits,
) -> Result<BTreeMap<String, String>, ChartError> {
    let mut tpls = Vec::new();
    let mut scopes = Vec::new();
    let root_vals = values.clone();
    rec_all(
        chart,
        None,
        &root_vals,
        release,
        caps,
        &mut tpls,
        &mut scopes,
    );
    // Depth first (more slashes first), then reverse lexical: Helm's sortTemplates.
    tpls.sort_by(|a, b| {
        let (ca, cb) = (a.name.matches('/').count(), b.name.matches('/').count());
        cb.cmp(&ca).then_with(|| b.name.cmp(&a.name))
    });
    let mut set = Set::with_funcs(helm_funcs());
    set.set_name("gotpl");
    set.option("missingkey=zero")
        .map_err(|e| ChartError::Parse(e.to_string()))?;
    set.options_mut().limits = *limits;
    for t in &tpls {
        set.parse(&t.name, &t.text)
            .map_err(|e| ChartError::Parse(cleanup_parse_error(&t.name, &e)))?;
    }
    let mut out = BTreeMap::new();
    for t in &tpls {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if base.starts_with('_') {
            continue;
        }
        let Some(Value::Map(scope)) = scopes.get(t.scope) else {
            continue;
        };
        let mut entries = scope.read().clone();
        let mut tm = MapEntries::new();
        tm.insert("Name".into(), Value::str(t.name.as_str()));
        tm.insert("BasePath".into(), Value::str(t.base_path.as_str()));
        entries.insert("Template".into(), Value::map(tm));
        let data = Value::map(entries);
        let rendered = set
            .execute(&t.name, &data)
            .map_err(|e| ChartError::Exec(reformat_exec_error(&t.name, &e)))?;
        out.insert(t.name.clone(), strip_no_value(rendered));
    }
    Ok(out)
}

/// The output without `<no value>` (Helm's `strings.ReplaceAll`), without a copy when
/// there is none: `<` is rare in manifests, so a byte search finds the candidates.
fn strip_no_value(s: String) -> String {
    const NV: &str = "<no value>";
    let mut from = 0;
    let first = loop {
        // `find(char)` is a memchr.
        match s.get(from..).and_then(|r| r.find('<')) {
            None => return s,
            Some(i) if s[from + i..].starts_with(NV) => break from + i,
            Some(i) => from += i + 1,
        }
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut rest = &s[first + NV.len()..];
    while let Some(i) = rest.find(NV) {
        out.push_str(&rest[..i]);
        rest = &rest[i + NV.len()..];
    }
    out.push_str(rest);
    out
}

/// `recAllTpls`: builds the scope of `c` (pushed to `scopes`) and collects its templates.
/// Returns the scope value (what the parent's `.Subcharts` holds).
fn rec_all<'c>(
    c: &'c Chart,
    parent: Option<(&str, &Value)>,
    root_values: &Value,
    release: &Value,
    caps: &Value,
    tpls: &mut Vec<Renderable<'c>>,
    scopes: &mut Vec<Value>,
) -> Value {
    let is_root = parent.is_none();
    let full_path = match parent {
        None => c.name().to_string(),
        Some((p, _)) => format!("{p}/charts/{}", c.name()),
    };
    let values = match parent {
        None => root_values.clone(),
        Some((_, pv)) => match pv.get(c.name()) {
            Some(v @ Value::Map(_)) => v.clone(),
            _ => Value::map(MapEntries::new()),
        },
    };
    let mut subs = MapEntries::new();
    for d in &c.dependencies {
        let s = rec_all(
            d,
            Some((&full_path, &values)),
            root_values,
            release,
            caps,
            tpls,
            scopes,
        );
        subs.insert(d.name().into(), s);
    }
    let mut next = MapEntries::new();
    next.insert("Chart".into(), metadata_value(&c.metadata, is_root));
    next.insert("Files".into(), Value::object(Files::new(&c.files)));
    next.insert("Release".into(), release.clone());
    next.insert("Capabilities".into(), caps.clone());
    next.insert("Values".into(), Value::object(ValuesObj(values)));
    next.insert("Subcharts".into(), Value::map(subs));
    let scope = Value::map(next);
    let idx = scopes.len();
    scopes.push(scope.clone());
    let library = c.metadata.is_library();
    for t in &c.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        tpls.push(Renderable {
            name: format!("{full_path}/{}", t.name),
            text: crate::files::utf8_text(&t.data),
            scope: idx,
            base_path: format!("{full_path}/templates"),
        });
    }
    scope
}

/// `common.Values`: a named map type (`%T` prints `common.Values`) with `AsMap`.
#[derive(Debug)]
struct ValuesObj(Value);

impl krust_template::Object for ValuesObj {
    fn type_name(&self) -> &str {
        "common.Values"
    }
    fn method(&self, name: &str) -> Option<krust_template::Signature> {
        (name == "AsMap").then(|| krust_template::Signature::new(&[]))
    }
    fn call_method(
        &self,
        _name: &str,
        _args: &[Value],
        _ctx: &mut krust_template::CallCtx<'_, '_>,
    ) -> Result<Value, krust_template::FuncError> {
        Ok(self.0.clone())
    }
    fn underlying(&self) -> Option<Value> {
        Some(self.0.clone())
    }
    fn kind(&self) -> &'static str {
        "map"
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn s(v: &str) -> Value {
    Value::str(v)
}

fn strs(v: &[String]) -> Value {
    Value::list(v.iter().map(|x| s(x)).collect())
}

/// `structToMap(chart.Metadata)` plus `IsRoot`: Go field names as keys.
pub fn metadata_value(md: &Metadata, is_root: bool) -> Value {
    let mut m = MapEntries::new();
    m.insert("Name".into(), s(&md.name));
    m.insert("Home".into(), s(&md.home));
    m.insert("Sources".into(), strs(&md.sources));
    m.insert("Version".into(), s(&md.version));
    m.insert("Description".into(), s(&md.description));
    m.insert("Keywords".into(), strs(&md.keywords));
    let maint = md
        .maintainers
        .iter()
        .map(|x| {
            let mut e = MapEntries::new();
            e.insert("Name".into(), s(&x.name));
            e.insert("Email".into(), s(&x.email));
            e.insert("URL".into(), s(&x.url));
            Value::map(e)
        })
        .collect();
    m.insert("Maintainers".into(), Value::list(maint));
    m.insert("Icon".into(), s(&md.icon));
    m.insert("APIVersion".into(), s(&md.api_version));
    m.insert("Condition".into(), s(&md.condition));
    m.insert("Tags".into(), s(&md.tags));
    m.insert("AppVersion".into(), s(&md.app_version));
    m.insert("Deprecated".into(), Value::Bool(md.deprecated));
    let ann = match &md.annotations {
        None => Type::StringMap.zero(),
        Some(a) => Value::typed_map(
            Type::String,
            a.iter().map(|(k, v)| (k.as_str().into(), s(v))).collect(),
        ),
    };
    m.insert("Annotations".into(), ann);
    m.insert("KubeVersion".into(), s(&md.kube_version));
    let deps = md
        .dependencies
        .iter()
        .map(|d| {
            let mut e = MapEntries::new();
            e.insert("Name".into(), s(&d.name));
            e.insert("Version".into(), s(&d.version));
            e.insert("Repository".into(), s(&d.repository));
            e.insert("Condition".into(), s(&d.condition));
            e.insert("Tags".into(), strs(&d.tags));
            e.insert("Enabled".into(), Value::Bool(d.enabled));
            e.insert(
                "ImportValues".into(),
                Value::list(d.import_values.iter().map(crate::values::to_go).collect()),
            );
            e.insert("Alias".into(), s(&d.alias));
            Value::map(e)
        })
        .collect();
    m.insert("Dependencies".into(), Value::list(deps));
    m.insert("Type".into(), s(&md.chart_type));
    m.insert("IsRoot".into(), Value::Bool(is_root));
    Value::map(m)
}

/// `cleanupParseError`: `parse error at (<file>:<line>): <message>`.
fn cleanup_parse_error(file: &str, e: &Error) -> String {
    let text = e.to_string();
    let tokens: Vec<&str> = text.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({file}): {text}");
    }
    let location = tokens.get(1).copied().unwrap_or("");
    let msg = tokens.last().copied().unwrap_or("");
    format!("parse error at ({location}): {msg}")
}

/// `reformatExecErrorMsg`: `execution error at (<loc>): <msg>` for `fail`/`required`;
/// otherwise Helm's trace when every link of the chain is a template error, else the raw
/// text.
fn reformat_exec_error(file: &str, e: &Error) -> String {
    // The engine's root template is Helm's "gotpl".
    let text = e.to_string().replace(
        "associated with template \"\"",
        "associated with template \"gotpl\"",
    );
    if !matches!(e, Error::Exec { .. } | Error::Template { .. }) {
        return text;
    }
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({file}): {text}");
    }
    let location = tokens[1];
    if let Some(start) = tokens[2].find(WARN_START) {
        let inner = &tokens[2][start + WARN_START.len()..];
        if let Some(end) = inner.rfind(WARN_END) {
            return format!("execution error at ({location}): {}", &inner[..end]);
        }
    }
    trace(&text).unwrap_or(text)
}

/// Helm's multi-line trace of nested template errors; `None` when the innermost cause
/// is not a template error (Helm then prints the error unchanged).
fn trace(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut cur = text;
    let mut last: Option<(String, String, String)> = None;
    loop {
        let rest = cur.strip_prefix("template: ")?;
        if rest.starts_with("no template ") {
            out.push_str(cur);
            out.push('\n');
            break;
        }
        let (loc, func, msg_full) = if let Some(idx) = rest.find(": executing ") {
            let loc = &rest[..idx];
            let after = &rest[idx + ": executing ".len()..];
            let after = after.strip_prefix('"')?;
            let q = after.find('"')?;
            let fname = &after[..q];
            let after = after[q + 1..].strip_prefix(" at <")?;
            let end = after.find(">: ")?;
            let ctx = &after[..end];
            let msg = &after[end + 3..];
            (
                loc.to_string(),
                format!("executing \"{fname}\" at <{ctx}>:"),
                msg,
            )
        } else {
            let sep = rest.rfind(": ")?;
            (rest[..sep].to_string(), String::new(), &rest[sep + 2..])
        };
        let msg = match msg_full.find(" template:") {
            Some(cut) => &msg_full[..cut],
            None => msg_full,
        };
        let entry = (loc.clone(), msg.to_string(), func.clone());
        if last.as_ref() != Some(&entry) {
            if !loc.is_empty() {
                out.push_str(&format!("{loc}\n  "));
            }
            if !func.is_empty() {
                out.push_str(&format!("{func}\n    "));
            }
            if !msg.is_empty() {
                out.push_str(&format!("{msg}\n"));
            }
            last = Some(entry);
        }
        // The next link: after `error calling X: `.
        match msg_full.find("error calling ") {
            Some(i) => {
                let after = &msg_full[i + "error calling ".len()..];
                let colon = after.find(": ")?;
                cur = &after[colon + 2..];
            }
            None => break,
        }
    }
    Some(out.trim().to_string())
}
