//! `.Capabilities` offline, as Helm v4.1.4's `helm template` reports it.

use std::any::Any;
use std::sync::Arc;

use krust_template::{CallCtx, FuncError, Object, Signature, Type, Value};

/// Helm v4.1.4's built-in API versions (client-go v0.35 scheme, in Helm's order), as the
/// oracle prints `.Capabilities.APIVersions`.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The Kubernetes version Helm v4.1.4 assumes without `--kube-version`.
pub const DEFAULT_KUBE_VERSION: &str = "v1.35.0";

/// `common.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// `Version`: as given, with a leading `v`.
    pub version: String,
    /// The normalized `vMAJOR.MINOR.PATCH` (`String()`), used for `kubeVersion` checks.
    pub normalized: String,
    /// `Major`.
    pub major: String,
    /// `Minor`.
    pub minor: String,
}

impl KubeVersion {
    /// `common.ParseKubeVersion` (k8s `version.ParseGeneric`): `1.29`, `v1.29.3-gke.1`.
    pub fn parse(s: &str) -> Result<KubeVersion, String> {
        let t = s.trim();
        let body = t.strip_prefix('v').unwrap_or(t);
        let core_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let core = &body[..core_end];
        let nums: Vec<&str> = core.split('.').collect();
        if nums.len() < 2 || nums.iter().any(|n| n.is_empty()) {
            return Err(format!("could not parse {s:?} as version"));
        }
        let parsed: Result<Vec<u64>, _> = nums.iter().map(|n| n.parse::<u64>()).collect();
        let parsed = parsed.map_err(|_| format!("could not parse {s:?} as version"))?;
        let patch = parsed.get(2).copied().unwrap_or(0);
        let version = if s.starts_with('v') {
            s.to_string()
        } else {
            format!("v{s}")
        };
        let (major, minor) = (parsed[0], parsed[1]);
        let rest = &body[core_end..];
        let normalized = format!("v{major}.{minor}.{patch}{rest}");
        Ok(KubeVersion {
            version,
            normalized,
            major: major.to_string(),
            minor: minor.to_string(),
        })
    }

    /// Helm's default: v1.35.0.
    pub fn default_version() -> KubeVersion {
        KubeVersion {
            version: DEFAULT_KUBE_VERSION.into(),
            normalized: DEFAULT_KUBE_VERSION.into(),
            major: "1".into(),
            minor: "35".into(),
        }
    }
}

/// `.Capabilities`: Kubernetes version, API versions, Helm version.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// `KubeVersion`.
    pub kube_version: KubeVersion,
    /// `APIVersions`: the built-in list plus `--api-versions`.
    pub api_versions: Vec<String>,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            kube_version: KubeVersion::default_version(),
            api_versions: DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Capabilities {
    /// The template value (`*common.Capabilities`).
    pub fn to_value(&self) -> Value {
        Value::object(CapsObj {
            kube: Value::object(KubeObj(self.kube_version.clone())),
            apis: Value::object(ApiObj(Arc::new(self.api_versions.clone()))),
        })
    }
}

#[derive(Debug)]
struct CapsObj {
    kube: Value,
    apis: Value,
}

impl Object for CapsObj {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(self.kube.clone()),
            "APIVersions" => Some(self.apis.clone()),
            "HelmVersion" => Some(Value::object(HelmObj)),
            _ => None,
        }
    }
    fn format(&self, out: &mut String) {
        out.push_str("&{");
        if let Value::Object(k) = &self.kube {
            if let Some(k) = k.as_any().downcast_ref::<KubeObj>() {
                let kv = &k.0;
                out.push_str(&format!(
                    "{{{} {} {} {}}}",
                    kv.version, kv.normalized, kv.major, kv.minor
                ));
            }
        }
        out.push_str(" [");
        if let Value::Object(a) = &self.apis {
            if let Some(a) = a.as_any().downcast_ref::<ApiObj>() {
                out.push_str(&a.0.join(" "));
            }
        }
        out.push_str("] ");
        HelmObj.format(out);
        out.push('}');
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `common.KubeVersion` (addressable, so `String()` and `GitVersion()` apply).
#[derive(Debug)]
pub(crate) struct KubeObj(pub(crate) KubeVersion);

impl Object for KubeObj {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::str(self.0.version.as_str())),
            "Major" => Some(Value::str(self.0.major.as_str())),
            "Minor" => Some(Value::str(self.0.minor.as_str())),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "String" | "GitVersion").then(|| Signature::new(&[]))
    }
    fn call_method(
        &self,
        name: &str,
        _args: &[Value],
        _ctx: &mut CallCtx<'_, '_>,
    ) -> Result<Value, FuncError> {
        match name {
            "String" => Ok(Value::str(self.0.normalized.as_str())),
            _ => Ok(Value::str(self.0.version.as_str())),
        }
    }
    fn format(&self, out: &mut String) {
        out.push_str(&self.0.normalized);
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `common.VersionSet` (a named `[]string` with `Has`).
#[derive(Debug)]
pub(crate) struct ApiObj(pub(crate) Arc<Vec<String>>);

impl Object for ApiObj {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Has").then(|| Signature::new(&[Type::String]))
    }
    fn call_method(
        &self,
        _name: &str,
        args: &[Value],
        _ctx: &mut CallCtx<'_, '_>,
    ) -> Result<Value, FuncError> {
        let want = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(Value::Bool(self.0.iter().any(|v| v == want)))
    }
    fn underlying(&self) -> Option<Value> {
        Some(Value::string_list(self.0.iter().map(String::as_str)))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `version.BuildInfo` of Helm v4.1.4.
#[derive(Debug)]
pub(crate) struct HelmObj;

/// (field, JSON name, value) of Helm v4.1.4's build info.
pub(crate) const HELM_BUILD: [(&str, &str, &str); 5] = [
    ("Version", "version", "v4.1.4"),
    (
        "GitCommit",
        "git_commit",
        "05fa37973dc9e42b76e1d2883494c87174b6074f",
    ),
    ("GitTreeState", "git_tree_state", "clean"),
    ("GoVersion", "go_version", "go1.25.9"),
    ("KubeClientVersion", "kube_client_version", "v1.35"),
];

impl Object for HelmObj {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn field(&self, name: &str) -> Option<Value> {
        HELM_BUILD
            .iter()
            .find(|(f, _, _)| *f == name)
            .map(|(_, _, v)| Value::str(*v))
    }
    fn format(&self, out: &mut String) {
        let vals: Vec<&str> = HELM_BUILD.iter().map(|(_, _, v)| *v).collect();
        out.push_str(&format!("{{{}}}", vals.join(" ")));
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
