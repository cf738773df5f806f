//! The typed view of a HelmRelease, and the names helm-controller derives from it
//! (flux-semantics §1.7).

use krust_yaml::{Data, Value};
use sha2::{Digest, Sha256};

use crate::ValuesError;

/// The API group of HelmReleases.
pub const GROUP: &str = "helm.toolkit.fluxcd.io";
/// Helm's release-name limit, and helm-controller's shortening length.
pub const MAX_RELEASE_NAME: usize = 53;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Rendering goes on; the user should know.
    Warning,
    /// A problem the user must fix.
    Error,
}

/// Something the caller should tell the user; not fatal for values composition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// What to tell the user.
    pub message: String,
}

/// A reference to another object, with its namespace already defaulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// The object's kind.
    pub kind: String,
    /// The object's namespace.
    pub namespace: String,
    /// The object's name.
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// One `spec.valuesFrom[]` entry (`meta.ValuesReference`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesReference {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    /// The object's name, in the HelmRelease's namespace.
    pub name: String,
    /// As written; see [`ValuesReference::values_key`] for the default.
    pub values_key: Option<String>,
    /// Empty means "merge the whole document at the root".
    pub target_path: String,
    /// A missing object or key is skipped instead of failing.
    pub optional: bool,
    /// `literal` (v2): the data is set at `target_path` as a plain string, with no
    /// `--set` parsing or typing.
    pub literal: bool,
}

impl ValuesReference {
    /// `GetValuesKey()`: `valuesKey`, or `values.yaml`.
    pub fn values_key(&self) -> &str {
        match self.values_key.as_deref() {
            Some(k) if !k.is_empty() => k,
            _ => "values.yaml",
        }
    }
}

/// `spec.chart` (`HelmChartTemplate`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartTemplate {
    /// The chart name, or its path inside the source (`chart.spec.chart`).
    pub chart: String,
    /// Defaults to `*`.
    pub version: String,
    /// The namespace defaults to the HelmRelease's.
    pub source_ref: ObjectRef,
    /// Defaults to `ChartVersion`.
    pub reconcile_strategy: String,
    /// `valuesFiles`, relative to the source artifact root.
    pub values_files: Vec<String>,
    /// `ignoreMissingValuesFiles`: a missing values file is skipped, not an error.
    pub ignore_missing_values_files: bool,
    /// `chart.spec.interval`, as written.
    pub interval: Option<String>,
}

/// The fields of a HelmRelease that matter offline.
#[derive(Debug, Clone, PartialEq)]
pub struct HelmRelease {
    /// `apiVersion` (`helm.toolkit.fluxcd.io/v2`, ...).
    pub api_version: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.values` when it is a mapping (the controller ignores anything else).
    pub values: Option<Value>,
    /// `spec.valuesFrom`, in order.
    pub values_from: Vec<ValuesReference>,
    /// `spec.releaseName`, as written.
    pub release_name: Option<String>,
    /// `spec.targetNamespace`, as written.
    pub target_namespace: Option<String>,
    /// `spec.storageNamespace`, as written.
    pub storage_namespace: Option<String>,
    /// `spec.serviceAccountName`, as written.
    pub service_account_name: Option<String>,
    /// `spec.chart`, when the release names a chart template.
    pub chart: Option<ChartTemplate>,
    /// `spec.chartRef`, namespace defaulted to the HelmRelease's.
    pub chart_ref: Option<ObjectRef>,
    /// Other HelmReleases this one waits for.
    pub depends_on: Vec<ObjectRef>,
    /// Deprecations and ignored fields met while reading the object.
    pub diagnostics: Vec<Diagnostic>,
}

/// A reference to another namespace, which `--no-cross-namespace-refs` would deny.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossNamespaceRef {
    /// The field it comes from (`spec.chart.spec.sourceRef`, `spec.chartRef`).
    pub field: &'static str,
    /// The object it names.
    pub target: ObjectRef,
}

struct Ctx<'a> {
    release: String,
    obj: &'a Value,
}

impl Ctx<'_> {
    fn invalid(&self, at: &Value, field: &str, message: impl Into<String>) -> ValuesError {
        ValuesError::Invalid {
            release: self.release.clone(),
            line: at.mark.line,
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// A string field; absent and null are `None`, anything else is an error.
    fn opt_str(
        &self,
        parent: &Value,
        key: &str,
        field: &str,
    ) -> Result<Option<String>, ValuesError> {
        match parent.get(key) {
            None => Ok(None),
            Some(v) => match &v.data {
                Data::Null => Ok(None),
                Data::String(s) => Ok(Some(s.to_string())),
                _ => Err(self.invalid(
                    v,
                    field,
                    format!("expected a string, found {}", v.type_name()),
                )),
            },
        }
    }

    fn opt_bool(&self, parent: &Value, key: &str, field: &str) -> Result<bool, ValuesError> {
        match parent.get(key) {
            None => Ok(false),
            Some(v) => match &v.data {
                Data::Null => Ok(false),
                Data::Bool(b) => Ok(*b),
                _ => Err(self.invalid(
                    v,
                    field,
                    format!("expected a boolean, found {}", v.type_name()),
                )),
            },
        }
    }

    fn opt_map<'v>(
        &self,
        parent: &'v Value,
        key: &str,
        field: &str,
    ) -> Result<Option<&'v Value>, ValuesError> {
        match parent.get(key) {
            None => Ok(None),
            Some(v) if v.is_null() => Ok(None),
            Some(v) if v.is_map() => Ok(Some(v)),
            Some(v) => Err(self.invalid(
                v,
                field,
                format!("expected a mapping, found {}", v.type_name()),
            )),
        }
    }

    fn opt_seq<'v>(
        &self,
        parent: &'v Value,
        key: &str,
        field: &str,
    ) -> Result<&'v [Value], ValuesError> {
        match parent.get(key) {
            None => Ok(&[]),
            Some(v) if v.is_null() => Ok(&[]),
            Some(v) => match v.as_seq() {
                Some(s) => Ok(s),
                None => Err(self.invalid(
                    v,
                    field,
                    format!("expected a sequence, found {}", v.type_name()),
                )),
            },
        }
    }

    fn req_str(&self, parent: &Value, key: &str, field: &str) -> Result<String, ValuesError> {
        match self.opt_str(parent, key, field)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(self.invalid(parent, field, "required")),
        }
    }
}

impl HelmRelease {
    /// Reads a HelmRelease object (`helm.toolkit.fluxcd.io/v2`; `v2beta1` and `v2beta2` are
    /// accepted with a deprecation diagnostic). A missing `metadata.namespace` is taken as
    /// `default`, with a diagnostic.
    pub fn from_value(obj: &Value) -> Result<HelmRelease, ValuesError> {
        let name = obj.str_at(&["metadata", "name"]).unwrap_or("").to_string();
        let ns_written = obj
            .str_at(&["metadata", "namespace"])
            .filter(|s| !s.is_empty());
        let namespace = ns_written.unwrap_or("default").to_string();
        let cx = Ctx {
            release: format!("HelmRelease {namespace}/{name}"),
            obj,
        };
        let mut diagnostics = Vec::new();

        let api_version = obj.str_at(&["apiVersion"]).unwrap_or("").to_string();
        let kind = obj.str_at(&["kind"]).unwrap_or("");
        if kind != "HelmRelease" {
            return Err(cx.invalid(obj, "kind", format!("expected HelmRelease, found {kind:?}")));
        }
        match api_version
            .strip_prefix(GROUP)
            .and_then(|r| r.strip_prefix('/'))
        {
            Some("v2") => {}
            Some(v @ ("v2beta1" | "v2beta2")) => diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                message: format!(
                    "{}: {GROUP}/{v} is deprecated and no longer served by helm-controller; \
                     run `flux migrate` to move it to {GROUP}/v2",
                    cx.release
                ),
            }),
            _ => {
                return Err(cx.invalid(
                    obj,
                    "apiVersion",
                    format!("unsupported apiVersion {api_version:?}"),
                ));
            }
        }
        if name.is_empty() {
            return Err(cx.invalid(obj, "metadata.name", "required"));
        }
        if ns_written.is_none() {
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                message: format!(
                    "{}: no metadata.namespace; assuming \"default\"",
                    cx.release
                ),
            });
        }

        let empty = Value::map();
        let spec = cx.opt_map(obj, "spec", "spec")?.unwrap_or(&empty);

        // GetValues(): anything but a JSON object decodes to a nil map.
        let values = match spec.get("values") {
            Some(v) if v.is_map() => Some(v.clone()),
            Some(v) if v.is_null() => None,
            None => None,
            Some(v) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    message: format!(
                        "{}: spec.values is a {}, not a mapping; helm-controller ignores it",
                        cx.release,
                        v.type_name()
                    ),
                });
                None
            }
        };

        let mut values_from = Vec::new();
        for (i, entry) in cx
            .opt_seq(spec, "valuesFrom", "spec.valuesFrom")?
            .iter()
            .enumerate()
        {
            let field = format!("spec.valuesFrom[{i}]");
            if !entry.is_map() {
                return Err(cx.invalid(entry, &field, "expected a mapping"));
            }
            let r = ValuesReference {
                kind: cx.req_str(entry, "kind", &format!("{field}.kind"))?,
                name: cx.req_str(entry, "name", &format!("{field}.name"))?,
                values_key: cx.opt_str(entry, "valuesKey", &format!("{field}.valuesKey"))?,
                target_path: cx
                    .opt_str(entry, "targetPath", &format!("{field}.targetPath"))?
                    .unwrap_or_default(),
                optional: cx.opt_bool(entry, "optional", &format!("{field}.optional"))?,
                literal: cx.opt_bool(entry, "literal", &format!("{field}.literal"))?,
            };
            if let Some(k) = r.values_key.as_deref().filter(|k| !k.is_empty()) {
                if k.len() > 253
                    || !k
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
                {
                    return Err(cx.invalid(
                        entry,
                        &format!("{field}.valuesKey"),
                        format!(
                            "{k:?} does not match the CRD pattern ^[\\-._a-zA-Z0-9]+$ (max 253)"
                        ),
                    ));
                }
            }
            if !r.target_path.is_empty() && !valid_target_path(&r.target_path) {
                return Err(cx.invalid(
                    entry,
                    &format!("{field}.targetPath"),
                    format!(
                        "{:?} does not match the CRD pattern ^([a-zA-Z0-9_\\-.\\\\\\/]|\\[[0-9]{{1,5}}\\])+$ (max 250)",
                        r.target_path
                    ),
                ));
            }
            if r.name.len() > 253 {
                return Err(cx.invalid(
                    entry,
                    &format!("{field}.name"),
                    "longer than 253 characters",
                ));
            }
            if r.literal && !api_version.ends_with("/v2") {
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    message: format!("{}: {field}.literal is a v2 field", cx.release),
                });
            }
            values_from.push(r);
        }

        let chart = match cx.opt_map(spec, "chart", "spec.chart")? {
            None => None,
            Some(c) => {
                let cs = cx.opt_map(c, "spec", "spec.chart.spec")?.unwrap_or(&empty);
                let sr = cx
                    .opt_map(cs, "sourceRef", "spec.chart.spec.sourceRef")?
                    .ok_or_else(|| cx.invalid(cs, "spec.chart.spec.sourceRef", "required"))?;
                let mut values_files = Vec::new();
                for v in cx.opt_seq(cs, "valuesFiles", "spec.chart.spec.valuesFiles")? {
                    match v.as_str() {
                        Some(s) => values_files.push(s.to_string()),
                        None => {
                            return Err(cx.invalid(
                                v,
                                "spec.chart.spec.valuesFiles",
                                "expected strings",
                            ))
                        }
                    }
                }
                if let Some(f) = cx.opt_str(cs, "valuesFile", "spec.chart.spec.valuesFile")? {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        message: format!(
                            "{}: spec.chart.spec.valuesFile ({f}) is deprecated; use valuesFiles",
                            cx.release
                        ),
                    });
                    // The deprecated field is merged before the valuesFiles items (its
                    // documented meaning in v2beta1/v2beta2 and source-controller v1beta2).
                    if !f.is_empty() && !values_files.contains(&f) {
                        values_files.insert(0, f);
                    }
                }
                Some(ChartTemplate {
                    chart: cx.req_str(cs, "chart", "spec.chart.spec.chart")?,
                    version: cx
                        .opt_str(cs, "version", "spec.chart.spec.version")?
                        .unwrap_or_else(|| "*".into()),
                    source_ref: ObjectRef {
                        kind: cx.req_str(sr, "kind", "spec.chart.spec.sourceRef.kind")?,
                        name: cx.req_str(sr, "name", "spec.chart.spec.sourceRef.name")?,
                        namespace: non_empty(cx.opt_str(
                            sr,
                            "namespace",
                            "spec.chart.spec.sourceRef.namespace",
                        )?)
                        .unwrap_or_else(|| namespace.clone()),
                    },
                    reconcile_strategy: cx
                        .opt_str(cs, "reconcileStrategy", "spec.chart.spec.reconcileStrategy")?
                        .unwrap_or_else(|| "ChartVersion".into()),
                    values_files,
                    ignore_missing_values_files: cx.opt_bool(
                        cs,
                        "ignoreMissingValuesFiles",
                        "spec.chart.spec.ignoreMissingValuesFiles",
                    )?,
                    interval: cx.opt_str(cs, "interval", "spec.chart.spec.interval")?,
                })
            }
        };
        let chart_ref = match cx.opt_map(spec, "chartRef", "spec.chartRef")? {
            None => None,
            Some(r) => Some(ObjectRef {
                kind: cx.req_str(r, "kind", "spec.chartRef.kind")?,
                name: cx.req_str(r, "name", "spec.chartRef.name")?,
                namespace: non_empty(cx.opt_str(r, "namespace", "spec.chartRef.namespace")?)
                    .unwrap_or_else(|| namespace.clone()),
            }),
        };
        if chart.is_some() == chart_ref.is_some() {
            return Err(cx.invalid(spec, "spec", "either chart or chartRef must be set"));
        }

        let mut depends_on = Vec::new();
        for d in cx.opt_seq(spec, "dependsOn", "spec.dependsOn")? {
            depends_on.push(ObjectRef {
                kind: "HelmRelease".into(),
                name: cx.req_str(d, "name", "spec.dependsOn.name")?,
                namespace: non_empty(cx.opt_str(d, "namespace", "spec.dependsOn.namespace")?)
                    .unwrap_or_else(|| namespace.clone()),
            });
        }
        let _ = cx.obj;

        Ok(HelmRelease {
            release_name: non_empty(cx.opt_str(spec, "releaseName", "spec.releaseName")?),
            target_namespace: non_empty(cx.opt_str(
                spec,
                "targetNamespace",
                "spec.targetNamespace",
            )?),
            storage_namespace: non_empty(cx.opt_str(
                spec,
                "storageNamespace",
                "spec.storageNamespace",
            )?),
            service_account_name: non_empty(cx.opt_str(
                spec,
                "serviceAccountName",
                "spec.serviceAccountName",
            )?),
            api_version,
            name,
            namespace,
            values,
            values_from,
            chart,
            chart_ref,
            depends_on,
            diagnostics,
        })
    }

    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The Helm release name: `spec.releaseName`, or `[targetNamespace-]name`, shortened by
    /// [`shorten_name`] when longer than 53 bytes.
    pub fn release_name(&self) -> String {
        let full = match (&self.release_name, &self.target_namespace) {
            (Some(r), _) => r.clone(),
            (None, Some(t)) => format!("{t}-{}", self.name),
            (None, None) => self.name.clone(),
        };
        shorten_name(&full)
    }

    /// The release namespace: `spec.targetNamespace`, or the HelmRelease's namespace.
    pub fn release_namespace(&self) -> &str {
        self.target_namespace.as_deref().unwrap_or(&self.namespace)
    }

    /// Where Helm stores the release: `spec.storageNamespace`, or the HelmRelease's
    /// namespace (not the target namespace).
    pub fn storage_namespace(&self) -> &str {
        self.storage_namespace.as_deref().unwrap_or(&self.namespace)
    }

    /// The service account impersonated (in the HelmRelease's namespace):
    /// `spec.serviceAccountName`, else the controller's `--default-service-account`, else
    /// `None` (the controller's own identity).
    pub fn effective_service_account<'a>(&'a self, default_sa: Option<&'a str>) -> Option<&'a str> {
        self.service_account_name
            .as_deref()
            .or(default_sa.filter(|s| !s.is_empty()))
    }

    /// The HelmChart helm-controller creates for `spec.chart`: named
    /// `<namespace>-<name>`, in the sourceRef's namespace.
    pub fn derived_helm_chart(&self) -> Option<ObjectRef> {
        self.chart.as_ref().map(|c| ObjectRef {
            kind: "HelmChart".into(),
            namespace: c.source_ref.namespace.clone(),
            name: format!("{}-{}", self.namespace, self.name),
        })
    }

    /// References into other namespaces (the derived HelmChart's, and `spec.chartRef`);
    /// each is denied under `--no-cross-namespace-refs`. `dependsOn` is not restricted.
    pub fn cross_namespace_refs(&self) -> Vec<CrossNamespaceRef> {
        let mut out = Vec::new();
        if let Some(c) = &self.chart {
            if c.source_ref.namespace != self.namespace {
                out.push(CrossNamespaceRef {
                    field: "spec.chart.spec.sourceRef",
                    target: c.source_ref.clone(),
                });
            }
        }
        if let Some(r) = &self.chart_ref {
            if r.namespace != self.namespace {
                out.push(CrossNamespaceRef {
                    field: "spec.chartRef",
                    target: r.clone(),
                });
            }
        }
        out
    }
}

/// The CRD pattern of `targetPath`: `^([a-zA-Z0-9_\-.\\\/]|\[[0-9]{1,5}\])+$`, at most
/// 250 characters.
fn valid_target_path(p: &str) -> bool {
    if p.is_empty() || p.len() > 250 {
        return false;
    }
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() || b"_-.\\/".contains(&c) {
            i += 1;
            continue;
        }
        if c != b'[' {
            return false;
        }
        let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if !(1..=5).contains(&digits) || b.get(i + 1 + digits) != Some(&b']') {
            return false;
        }
        i += digits + 2;
    }
    true
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

/// helm-controller's `release.ShortenName`: names over 53 bytes become their first 40
/// bytes, `-`, and the first 12 hex digits of the SHA-256 of the whole name.
pub fn shorten_name(name: &str) -> String {
    if name.len() <= MAX_RELEASE_NAME {
        return name.to_string();
    }
    let digest = Sha256::digest(name.as_bytes());
    let mut hex = String::with_capacity(12);
    for b in digest.iter().take(6) {
        hex.push_str(&format!("{b:02x}"));
    }
    let bytes = &name.as_bytes()[..MAX_RELEASE_NAME - 13];
    // Go slices bytes; a cut inside a UTF-8 sequence keeps the partial bytes. Release
    // names are DNS labels, so this only matters for invalid input.
    let mut out = String::from_utf8_lossy(bytes).into_owned();
    out.push('-');
    out.push_str(&hex);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_path_pattern() {
        for ok in ["a", "a.b", "a\\.b", "a[0]", "a[12345].b", "x/y-z_1", "[0]"] {
            assert!(valid_target_path(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a[]",
            "a[123456]",
            "a[x]",
            "a=1",
            "a,b",
            "a[0",
            "é",
        ] {
            assert!(!valid_target_path(bad), "{bad}");
        }
    }

    #[test]
    fn shortening_follows_upstream_code() {
        // helm-controller's docs (docs/spec/v2/helmreleases.md:316) show a 42-byte prefix
        // ("...-with-a-nic-97af..."), but internal/release/name.go keeps name[:40]; the
        // code wins. The hash part agrees with the docs.
        assert_eq!(
            shorten_name("a-very-lengthy-target-namespace-with-a-nice-object-name"),
            "a-very-lengthy-target-namespace-with-a-n-97af5d7f41f3"
        );
        assert_eq!(shorten_name(&"x".repeat(53)), "x".repeat(53));
        assert_eq!(shorten_name(&"x".repeat(54)).len(), 53);
        assert_eq!(shorten_name("short"), "short");
    }
}
