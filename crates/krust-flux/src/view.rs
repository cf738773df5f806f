//! The machine-readable cluster view (`cluster.yaml`, the format of the fixtures'
//! `expected/flux/<cluster>/cluster.yaml`).

use krust_yaml::Value;

use crate::generate::KustomizationFile;
use crate::model::{ClusterRender, Status};

fn s(v: &str) -> Value {
    Value::from(v)
}

fn opt(v: Option<&str>) -> Value {
    v.map_or_else(Value::null, Value::from)
}

fn list(items: impl IntoIterator<Item = String>) -> Value {
    Value::from_seq(items.into_iter().map(Value::from).collect())
}

/// Kinds that are never namespaced (Helm leaves them without a namespace).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

fn rendered_chart(file: String, c: &crate::model::RenderedChart) -> Value {
    let mut m = Value::map();
    m.insert("chart", s(&c.chart));
    m.insert("version", s(&c.version));
    m.insert("origin", s(&c.origin));
    m.insert("expectedFile", s(&file));
    let objs = c
        .objects
        .iter()
        .map(|o| {
            let v = &o.object;
            let kind = v.str_at(&["kind"]).unwrap_or("");
            // Helm applies a namespaced object without a namespace to the release's.
            let ns = match v.str_at(&["metadata", "namespace"]) {
                Some(n) => n,
                None if CLUSTER_SCOPED.contains(&kind) => "",
                None => c.namespace.as_str(),
            };
            let mut e = Value::map();
            e.insert("apiVersion", s(v.str_at(&["apiVersion"]).unwrap_or("")));
            e.insert("kind", s(kind));
            e.insert("namespace", s(ns));
            e.insert("name", s(v.str_at(&["metadata", "name"]).unwrap_or("")));
            if o.hook {
                e.insert("hook", Value::from(true));
            }
            e
        })
        .collect();
    m.insert("objects", Value::from_seq(objs));
    m
}

/// The cluster view as a value (print it with `krust_yaml::to_yaml`).
pub fn cluster_view(r: &ClusterRender) -> Value {
    let mut out = Value::map();
    out.insert("fixture", s(&r.repository));
    out.insert("cluster", s(&r.cluster));
    let mut flags = Value::map();
    for (c, args) in &r.controller_flags {
        flags.insert(c.as_str(), list(args.iter().cloned()));
    }
    out.insert("controllerFlags", flags);
    let mut ks_list = Vec::new();
    for k in &r.kustomizations {
        let spec = &k.spec;
        let mut m = Value::map();
        m.insert("kustomization", s(&spec.id()));
        m.insert("definedIn", s(&k.defined_in));
        m.insert("sourceRef", s(&spec.source_ref.to_string()));
        m.insert("path", opt(spec.path.as_deref()));
        m.insert("dependsOn", list(spec.depends_on.iter().cloned()));
        m.insert(
            "serviceAccountName",
            opt(spec.service_account_name.as_deref()),
        );
        m.insert("targetNamespace", opt(spec.target_namespace.as_deref()));
        m.insert("wait", Value::from(spec.wait));
        m.insert("prune", Value::from(spec.prune));
        if let Some(p) = spec.object.path(&["spec", "patches"]) {
            m.insert("patches", p.clone());
        }
        m.insert("status", s(&k.status.label()));
        if k.status == Status::Built {
            match &k.kustomization_file {
                Some(KustomizationFile::Generated(res)) => {
                    m.insert("kustomizationFile", s("generated"));
                    m.insert("generatedResources", list(res.iter().cloned()));
                }
                _ => {
                    m.insert("kustomizationFile", s("existing"));
                }
            }
            m.insert("expectedFile", s(&k.file_name()));
            let objs = k
                .objects
                .iter()
                .map(|o| {
                    let v = &o.object;
                    let mut e = Value::map();
                    e.insert("apiVersion", s(v.str_at(&["apiVersion"]).unwrap_or("")));
                    e.insert("kind", s(v.str_at(&["kind"]).unwrap_or("")));
                    e.insert(
                        "namespace",
                        s(v.str_at(&["metadata", "namespace"]).unwrap_or("")),
                    );
                    e.insert("name", s(v.str_at(&["metadata", "name"]).unwrap_or("")));
                    e
                })
                .collect();
            m.insert("objects", Value::from_seq(objs));
        }
        ks_list.push(m);
    }
    out.insert("kustomizations", Value::from_seq(ks_list));
    let mut hrs = Vec::new();
    for h in &r.helm_releases {
        let hr = &h.release;
        let mut m = Value::map();
        m.insert("helmRelease", s(&format!("{}/{}", hr.namespace, hr.name)));
        m.insert("apiVersion", s(&hr.api_version));
        m.insert("appliedBy", s(&h.applied_by));
        m.insert("releaseName", s(&hr.release_name()));
        m.insert("releaseNamespace", s(hr.release_namespace()));
        m.insert("storageNamespace", s(hr.storage_namespace()));
        m.insert(
            "serviceAccountName",
            opt(hr.service_account_name.as_deref()),
        );
        m.insert(
            "effectiveServiceAccount",
            s(h.effective_service_account
                .as_deref()
                .unwrap_or("(none: controller identity)")),
        );
        if let Some(c) = &hr.chart {
            let mut cm = Value::map();
            cm.insert("chart", s(&c.chart));
            cm.insert("version", s(&c.version));
            cm.insert("sourceRef", s(&c.source_ref.to_string()));
            cm.insert("reconcileStrategy", s(&c.reconcile_strategy));
            cm.insert("valuesFiles", list(c.values_files.iter().cloned()));
            if let Some(d) = hr.derived_helm_chart() {
                cm.insert(
                    "derivedHelmChart",
                    s(&format!("{}/{}", d.namespace, d.name)),
                );
            }
            m.insert("chart", cm);
        }
        if let Some(c) = &hr.chart_ref {
            m.insert("chartRef", s(&c.to_string()));
        }
        m.insert(
            "crossNamespaceRefs",
            list(
                hr.cross_namespace_refs()
                    .iter()
                    .map(|x| format!("{}: {}", x.field, x.target)),
            ),
        );
        m.insert(
            "dependsOn",
            list(
                hr.depends_on
                    .iter()
                    .map(|d| format!("{}/{}", d.namespace, d.name)),
            ),
        );
        let vf = hr
            .values_from
            .iter()
            .map(|v| {
                let mut e = Value::map();
                e.insert("kind", s(&v.kind));
                e.insert("name", s(&v.name));
                e.insert("valuesKey", s(v.values_key()));
                if !v.target_path.is_empty() {
                    e.insert("targetPath", s(&v.target_path));
                }
                e.insert("optional", Value::from(v.optional));
                e
            })
            .collect();
        m.insert("valuesFrom", Value::from_seq(vf));
        match &h.composed_values {
            Ok(v) => m.insert("composedValues", v.clone()),
            Err(e) => m.insert("composedValuesError", s(e)),
        };
        // Only when a chart was rendered, so renders without local charts keep the
        // fixtures' cluster.yaml shape.
        if let Some(c) = h.manifests.rendered() {
            m.insert("renderedChart", rendered_chart(h.file_name(), c));
        }
        hrs.push(m);
    }
    out.insert("helmReleases", Value::from_seq(hrs));
    out
}
