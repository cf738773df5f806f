//! `Chart.yaml` as Helm reads it (`chart.Metadata`, `chart.Dependency`).

use krust_yaml::{Data, Value};

use crate::ChartError;

/// A chart's `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `home`.
    pub home: String,
    /// `sources`.
    pub sources: Vec<String>,
    /// `version`.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers`.
    pub maintainers: Vec<Maintainer>,
    /// `icon`.
    pub icon: String,
    /// `apiVersion` (`v1` when absent).
    pub api_version: String,
    /// `condition`.
    pub condition: String,
    /// `tags`.
    pub tags: String,
    /// `appVersion`.
    pub app_version: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `annotations` (`None` when absent: Go's nil map).
    pub annotations: Option<Vec<(String, String)>>,
    /// `kubeVersion`: a semver range the target Kubernetes version must satisfy.
    pub kube_version: String,
    /// `dependencies` (from `requirements.yaml` for apiVersion v1 charts).
    pub dependencies: Vec<Dependency>,
    /// `type`: `application` (or empty) or `library`.
    pub chart_type: String,
}

/// One `maintainers` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `url`.
    pub url: String,
}

/// One `dependencies` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// `name`: the chart's name in `charts/`.
    pub name: String,
    /// `version`: a semver range.
    pub version: String,
    /// `repository`.
    pub repository: String,
    /// `condition`: comma-separated value paths; the first bool found decides.
    pub condition: String,
    /// `tags`.
    pub tags: Vec<String>,
    /// `enabled` (set by dependency processing).
    pub enabled: bool,
    /// `import-values`: strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    /// `alias`.
    pub alias: String,
}

impl Metadata {
    /// Whether this is a library chart (`type: library`, any case).
    pub fn is_library(&self) -> bool {
        self.chart_type.eq_ignore_ascii_case("library")
    }
}

/// Reads `Chart.yaml` (or a `requirements.yaml` laid over it: only the keys it has).
pub(crate) fn read_into(md: &mut Metadata, src: &[u8], file: &str) -> Result<(), ChartError> {
    let text = crate::files::utf8_text(src);
    let doc = krust_yaml::parse_document(&text, file, krust_yaml::Typing::Yaml11)
        .map_err(|e| ChartError::Load(format!("cannot load {file}: {e}")))?;
    let Some(map) = doc.as_map() else {
        if doc.is_null() {
            return Ok(());
        }
        return Err(ChartError::Load(format!(
            "cannot load {file}: error unmarshaling JSON: json: cannot unmarshal {} into Go value of type chart.Metadata",
            doc.json_type_name()
        )));
    };
    for (k, v) in map {
        let s = || go_string(v);
        match k.as_str() {
            "name" => md.name = s(),
            "home" => md.home = s(),
            "sources" => md.sources = strings(v),
            "version" => md.version = s(),
            "description" => md.description = s(),
            "keywords" => md.keywords = strings(v),
            "maintainers" => {
                md.maintainers = seq(v)
                    .iter()
                    .map(|m| Maintainer {
                        name: m.get("name").map(go_string).unwrap_or_default(),
                        email: m.get("email").map(go_string).unwrap_or_default(),
                        url: m.get("url").map(go_string).unwrap_or_default(),
                    })
                    .collect()
            }
            "icon" => md.icon = s(),
            "apiVersion" => md.api_version = s(),
            "condition" => md.condition = s(),
            "tags" => md.tags = s(),
            "appVersion" => md.app_version = s(),
            "deprecated" => md.deprecated = v.as_bool().unwrap_or(false),
            "annotations" => {
                md.annotations = v.as_map().map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.as_str().to_string(), go_string(v)))
                        .collect()
                })
            }
            "kubeVersion" => md.kube_version = s(),
            "type" => md.chart_type = s(),
            "dependencies" => {
                md.dependencies = seq(v)
                    .iter()
                    .map(|d| Dependency {
                        name: d.get("name").map(go_string).unwrap_or_default(),
                        version: d.get("version").map(go_string).unwrap_or_default(),
                        repository: d.get("repository").map(go_string).unwrap_or_default(),
                        condition: d.get("condition").map(go_string).unwrap_or_default(),
                        tags: d.get("tags").map(strings).unwrap_or_default(),
                        enabled: d.get("enabled").and_then(Value::as_bool).unwrap_or(false),
                        import_values: d
                            .get("import-values")
                            .and_then(Value::as_seq)
                            .map(|s| s.to_vec())
                            .unwrap_or_default(),
                        alias: d.get("alias").map(go_string).unwrap_or_default(),
                    })
                    .collect()
            }
            _ => {}
        }
    }
    Ok(())
}

fn seq(v: &Value) -> Vec<Value> {
    v.as_seq().map(|s| s.to_vec()).unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    seq(v).iter().map(go_string).collect()
}

/// A scalar as sigs.k8s.io/yaml hands it to a Go `string` field: numbers and booleans as
/// their text, null as empty.
pub(crate) fn go_string(v: &Value) -> String {
    match &v.data {
        Data::String(s) => s.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Uint(u) => u.to_string(),
        Data::Float(f) => format!("{}", *f as f32),
        _ => String::new(),
    }
}
