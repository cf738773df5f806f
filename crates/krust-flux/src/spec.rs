//! Typed views of the Flux objects the renderer reads: Kustomizations and source refs.

use krust_yaml::Value;

use crate::Error;

/// The API group of Flux Kustomizations.
pub const KUSTOMIZE_GROUP: &str = "kustomize.toolkit.fluxcd.io";
/// The API group of Flux sources.
pub const SOURCE_GROUP: &str = "source.toolkit.fluxcd.io";

/// `kind/namespace/name` of a referenced object, namespace defaulted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The kind (`GitRepository`, `Kustomization`, ...).
    pub kind: String,
    /// The namespace.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl ObjectKey {
    /// A key from its parts.
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        ObjectKey {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
    /// `namespace/name`.
    pub fn ns_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// One `spec.postBuild.substituteFrom[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstituteRef {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    /// Looked up in the Kustomization's namespace.
    pub name: String,
    /// Skip when missing.
    pub optional: bool,
}

/// `spec.postBuild`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostBuild {
    /// Inline variables (win over `substitute_from`).
    pub substitute: Vec<(String, String)>,
    /// ConfigMaps and Secrets to read variables from, in order.
    pub substitute_from: Vec<SubstituteRef>,
    /// `substituteStrategy: Always`.
    pub always: bool,
}

/// A Flux Kustomization, as far as rendering needs it.
#[derive(Debug, Clone)]
pub struct FluxKustomization {
    /// `apiVersion` as written.
    pub api_version: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// The whole object (after its own build and substitution).
    pub object: Value,
    /// `spec.sourceRef`, namespace defaulted.
    pub source_ref: ObjectKey,
    /// `spec.path` as written (`None`: the artifact root).
    pub path: Option<String>,
    /// `spec.dependsOn`, as `namespace/name`.
    pub depends_on: Vec<String>,
    /// `spec.serviceAccountName`.
    pub service_account_name: Option<String>,
    /// `spec.targetNamespace`.
    pub target_namespace: Option<String>,
    /// `spec.wait`.
    pub wait: bool,
    /// `spec.prune`.
    pub prune: bool,
    /// `spec.healthChecks` as `Kind/namespace/name`.
    pub health_checks: Vec<String>,
    /// `spec.postBuild`.
    pub post_build: Option<PostBuild>,
    /// `spec.decryption` is set.
    pub decryption: bool,
    /// `spec.kubeConfig` is set (remote cluster).
    pub kube_config: bool,
    /// `spec.suspend`.
    pub suspend: bool,
}

fn key_of(obj: &Value) -> String {
    format!(
        "Kustomization {}/{}",
        obj.str_at(&["metadata", "namespace"]).unwrap_or(""),
        obj.str_at(&["metadata", "name"]).unwrap_or("")
    )
}

/// Whether `obj` is a Flux Kustomization (any served or deprecated version).
pub fn is_flux_kustomization(obj: &Value) -> bool {
    obj.str_at(&["kind"]) == Some("Kustomization") && group_of(obj) == KUSTOMIZE_GROUP
}

/// The API group of an object.
pub fn group_of(obj: &Value) -> &str {
    let av = obj.str_at(&["apiVersion"]).unwrap_or("");
    match av.split_once('/') {
        Some((g, _)) => g,
        None => "",
    }
}

/// A substitute value: a scalar's text as written (`krust_yaml::scalar_text`); null and
/// collections are not strings.
fn scalar_string(v: &Value) -> Option<String> {
    if v.is_null() {
        return None;
    }
    krust_yaml::scalar_text(v).map(std::borrow::Cow::into_owned)
}

impl FluxKustomization {
    /// Reads a Flux Kustomization; `file` names where it was defined (for errors).
    pub fn from_value(obj: &Value, file: &str) -> Result<FluxKustomization, Error> {
        let bad = |field: &str, message: &str| Error::InvalidField {
            object: key_of(obj),
            file: file.to_string(),
            field: field.to_string(),
            message: message.to_string(),
        };
        let name = obj
            .str_at(&["metadata", "name"])
            .filter(|n| !n.is_empty())
            .ok_or_else(|| bad("metadata.name", "missing"))?
            .to_string();
        let namespace = obj
            .str_at(&["metadata", "namespace"])
            .unwrap_or("default")
            .to_string();
        let spec = obj.get("spec").cloned().unwrap_or_else(Value::map);
        let opt_str = |field: &str| -> Result<Option<String>, Error> {
            match spec.get(field) {
                None => Ok(None),
                Some(v) if v.is_null() => Ok(None),
                Some(v) => v
                    .as_str()
                    .map(|s| Some(s.to_string()))
                    .ok_or_else(|| bad(&format!("spec.{field}"), "must be a string")),
            }
        };
        let opt_bool = |field: &str| -> Result<bool, Error> {
            match spec.get(field) {
                None => Ok(false),
                Some(v) if v.is_null() => Ok(false),
                Some(v) => v
                    .as_bool()
                    .ok_or_else(|| bad(&format!("spec.{field}"), "must be a boolean")),
            }
        };
        let sr = spec
            .get("sourceRef")
            .filter(|v| v.is_map())
            .ok_or_else(|| bad("spec.sourceRef", "missing"))?;
        let sr_kind = sr
            .str_at(&["kind"])
            .ok_or_else(|| bad("spec.sourceRef.kind", "missing"))?;
        if !matches!(
            sr_kind,
            "GitRepository" | "OCIRepository" | "Bucket" | "ExternalArtifact"
        ) {
            return Err(bad(
                "spec.sourceRef.kind",
                &format!("unsupported value {sr_kind:?} (GitRepository, OCIRepository, Bucket or ExternalArtifact)"),
            ));
        }
        let sr_name = sr
            .str_at(&["name"])
            .ok_or_else(|| bad("spec.sourceRef.name", "missing"))?;
        let sr_ns = sr.str_at(&["namespace"]).unwrap_or(&namespace);
        let source_ref = ObjectKey::new(sr_kind, sr_ns, sr_name);
        let mut depends_on = Vec::new();
        for (i, d) in spec
            .get("dependsOn")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let n = d
                .str_at(&["name"])
                .ok_or_else(|| bad(&format!("spec.dependsOn[{i}].name"), "missing"))?;
            let ns = d.str_at(&["namespace"]).unwrap_or(&namespace);
            depends_on.push(format!("{ns}/{n}"));
        }
        let health_checks = spec
            .get("healthChecks")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
            .map(|h| {
                format!(
                    "{}/{}/{}",
                    h.str_at(&["kind"]).unwrap_or(""),
                    h.str_at(&["namespace"]).unwrap_or(&namespace),
                    h.str_at(&["name"]).unwrap_or("")
                )
            })
            .collect();
        let post_build = match spec.get("postBuild") {
            None => None,
            Some(v) if v.is_null() => None,
            Some(pb) => {
                let mut out = PostBuild::default();
                for (k, v) in pb
                    .get("substitute")
                    .and_then(Value::as_map)
                    .into_iter()
                    .flatten()
                {
                    let v = scalar_string(v).ok_or_else(|| {
                        bad(
                            &format!("spec.postBuild.substitute.{}", k.as_str()),
                            "must be a string",
                        )
                    })?;
                    out.substitute.push((k.as_str().to_string(), v));
                }
                for (i, r) in pb
                    .get("substituteFrom")
                    .and_then(Value::as_seq)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let kind = r.str_at(&["kind"]).unwrap_or("");
                    if kind != "ConfigMap" && kind != "Secret" {
                        return Err(bad(
                            &format!("spec.postBuild.substituteFrom[{i}].kind"),
                            "must be ConfigMap or Secret",
                        ));
                    }
                    let name = r.str_at(&["name"]).ok_or_else(|| {
                        bad(
                            &format!("spec.postBuild.substituteFrom[{i}].name"),
                            "missing",
                        )
                    })?;
                    out.substitute_from.push(SubstituteRef {
                        kind: kind.to_string(),
                        name: name.to_string(),
                        optional: r.get("optional").and_then(Value::as_bool).unwrap_or(false),
                    });
                }
                out.always = pb.str_at(&["substituteStrategy"]) == Some("Always");
                Some(out)
            }
        };
        let present = |f: &str| spec.get(f).is_some_and(|v| !v.is_null());
        Ok(FluxKustomization {
            api_version: obj.str_at(&["apiVersion"]).unwrap_or("").to_string(),
            namespace,
            name,
            object: obj.clone(),
            source_ref,
            path: opt_str("path")?,
            depends_on,
            service_account_name: opt_str("serviceAccountName")?.filter(|s| !s.is_empty()),
            target_namespace: opt_str("targetNamespace")?.filter(|s| !s.is_empty()),
            wait: opt_bool("wait")?,
            prune: opt_bool("prune")?,
            health_checks,
            post_build,
            decryption: present("decryption"),
            kube_config: present("kubeConfig"),
            suspend: opt_bool("suspend")?,
        })
    }

    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// `spec` of the object (an empty map when absent).
    pub fn spec(&self) -> Value {
        self.object.get("spec").cloned().unwrap_or_else(Value::map)
    }
}
