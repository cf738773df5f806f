//! Tenant-isolation checks (flux-semantics §3.2: T1–T9, P1), SOPS detection (§2.5) and
//! the Kyverno policies of §3.3, evaluated on the rendered objects.
//!
//! *Tenant scope* is every Kustomization or HelmRelease outside the platform namespace
//! `flux-system`, with everything it renders. A tenant's namespaces are its own plus those
//! where a RoleBinding binds its service account.

use std::collections::BTreeSet;

use krust_model::Gvk;
use krust_yaml::Value;

use crate::fxhash::FxHashMap;
use crate::kyverno;
use crate::model::{ClusterRender, Finding, KustomizationRender, Severity, Status};
use crate::render::object_id;

/// The platform namespace.
pub const PLATFORM_NAMESPACE: &str = "flux-system";

/// apiVersions the current CRDs no longer serve (§2.5), with their replacement.
fn deprecated_api(obj: &Value) -> Option<&'static str> {
    let av = obj.str_at(&["apiVersion"])?;
    let kind = obj.str_at(&["kind"]).unwrap_or("");
    match av {
        "kustomize.toolkit.fluxcd.io/v1beta1" | "kustomize.toolkit.fluxcd.io/v1beta2" => {
            Some("kustomize.toolkit.fluxcd.io/v1")
        }
        "helm.toolkit.fluxcd.io/v2beta1" | "helm.toolkit.fluxcd.io/v2beta2" => {
            Some("helm.toolkit.fluxcd.io/v2")
        }
        "source.toolkit.fluxcd.io/v1beta1" | "source.toolkit.fluxcd.io/v1beta2"
            if matches!(
                kind,
                "GitRepository" | "HelmRepository" | "OCIRepository" | "HelmChart" | "Bucket"
            ) =>
        {
            Some("source.toolkit.fluxcd.io/v1")
        }
        _ => None,
    }
}

struct Ctx<'a> {
    r: &'a ClusterRender,
    /// (kind, namespace, name) → (object, file).
    objects: FxHashMap<(&'a str, &'a str, &'a str), (&'a Value, &'a str)>,
    /// (group, kind) → namespaced? from CRDs in the cluster.
    crds: FxHashMap<(&'a str, &'a str), bool>,
    default_sa_kustomize: Option<&'a str>,
    /// (service account namespace, name) → namespaces of the RoleBindings binding it.
    bindings: FxHashMap<(&'a str, &'a str), BTreeSet<String>>,
    out: Vec<Finding>,
}

fn push(
    out: &mut Vec<Finding>,
    rule: &str,
    sev: Severity,
    object: String,
    file: &str,
    message: String,
    fix: &str,
) {
    out.push(Finding {
        rule: rule.into(),
        severity: sev,
        object,
        file: file.to_string(),
        message,
        fix: fix.to_string(),
    });
}

impl<'a> Ctx<'a> {
    fn get<'k>(
        &'k self,
        kind: &'k str,
        ns: &'k str,
        name: &'k str,
    ) -> Option<&'k (&'k Value, &'k str)> {
        self.objects.get(&(kind, ns, name))
    }

    fn bound_in<'k>(&'k self, sa: &'k str, ns: &'k str) -> Option<&'k BTreeSet<String>> {
        self.bindings.get(&(ns, sa))
    }

    /// Namespaces where `sa` (in `ns`) is bound by a RoleBinding, plus `ns` itself.
    fn tenant_namespaces(&self, sa: Option<&str>, ns: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::from([ns.to_string()]);
        if let Some(set) = sa.and_then(|sa| self.bound_in(sa, ns)) {
            out.extend(set.iter().cloned());
        }
        out
    }

    /// Whether `sa` in `ns` exists and is bound in `ns`.
    fn sa_bound(&self, sa: &str, ns: &str) -> (bool, bool) {
        let exists = self.get("ServiceAccount", ns, sa).is_some();
        let bound_here = self.bound_in(sa, ns).is_some_and(|s| s.contains(ns));
        (exists, bound_here)
    }

    /// `Some(true)` namespaced, `Some(false)` cluster-scoped, `None` unknown.
    fn scope(&self, obj: &Value) -> Option<bool> {
        let gvk = Gvk::from_api_version(
            obj.str_at(&["apiVersion"]).unwrap_or(""),
            obj.str_at(&["kind"]).unwrap_or(""),
        );
        if let Some(s) = gvk.namespace_scope() {
            return Some(s);
        }
        if let Some(s) = self.crds.get(&(gvk.group(), gvk.kind())) {
            return Some(*s);
        }
        if gvk.group().ends_with(".toolkit.fluxcd.io") || gvk.group().ends_with(".fluxcd.io") {
            return Some(true);
        }
        None
    }
}

/// Every check over a rendered cluster.
pub(crate) fn run(r: &ClusterRender, git_url_pattern: Option<&str>) -> Vec<Finding> {
    let mut objects = FxHashMap::default();
    let mut crds = FxHashMap::default();
    for k in &r.kustomizations {
        for o in &k.objects {
            let v = &o.object;
            let key = (
                v.str_at(&["kind"]).unwrap_or(""),
                v.str_at(&["metadata", "namespace"]).unwrap_or(""),
                v.str_at(&["metadata", "name"]).unwrap_or(""),
            );
            if key.0 == "CustomResourceDefinition" {
                if let (Some(g), Some(kind)) = (
                    v.str_at(&["spec", "group"]),
                    v.str_at(&["spec", "names", "kind"]),
                ) {
                    let namespaced = v.str_at(&["spec", "scope"]) != Some("Cluster");
                    crds.insert((g, kind), namespaced);
                }
            }
            objects.entry(key).or_insert((v, o.file.as_str()));
        }
    }
    let mut bindings: FxHashMap<(&str, &str), BTreeSet<String>> = FxHashMap::default();
    for rb in r
        .kustomizations
        .iter()
        .flat_map(|k| k.objects.iter().map(|o| &o.object))
        .filter(|o| o.str_at(&["kind"]) == Some("RoleBinding"))
    {
        let rb_ns = rb.str_at(&["metadata", "namespace"]).unwrap_or("");
        for s in rb
            .get("subjects")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            if s.str_at(&["kind"]) != Some("ServiceAccount") {
                continue;
            }
            let (Some(name), sa_ns) = (
                s.str_at(&["name"]),
                s.str_at(&["namespace"]).unwrap_or(rb_ns),
            ) else {
                continue;
            };
            bindings
                .entry((sa_ns, name))
                .or_default()
                .insert(rb_ns.to_string());
        }
    }
    let mut cx = Ctx {
        r,
        bindings,
        objects,
        crds,
        default_sa_kustomize: r.flag("kustomize-controller", "default-service-account"),
        out: Vec::new(),
    };
    for k in &r.kustomizations {
        kustomization_checks(&mut cx, k);
    }
    helm_checks(&mut cx);
    object_checks(&mut cx);
    let pattern = git_url_pattern
        .map(str::to_string)
        .or_else(|| kyverno::git_url_pattern(r));
    if let Some(p) = pattern {
        git_url_checks(&mut cx, &p);
    }
    let mut out = cx.out;
    out.extend(kyverno::run(r));
    out
}

fn kustomization_checks(cx: &mut Ctx<'_>, k: &KustomizationRender) {
    let s = &k.spec;
    let id = format!("Kustomization/{}", s.id());
    let platform = s.namespace == PLATFORM_NAMESPACE;
    let effective = s
        .service_account_name
        .as_deref()
        .or(cx.default_sa_kustomize);
    if platform {
        if s.service_account_name.is_none() && cx.default_sa_kustomize.is_some() && !s.kube_config {
            let d = cx.default_sa_kustomize.unwrap_or("");
            push(&mut cx.out, "P1", Severity::Error, id.clone(), &k.file,
                format!("platform Kustomization has no spec.serviceAccountName and falls back to --default-service-account={d}"),
                "set spec.serviceAccountName: kustomize-controller");
        }
        return;
    }
    // Tenant scope.
    if s.service_account_name.is_none() && !s.kube_config {
        let how = match cx.default_sa_kustomize {
            Some(d) => format!("falls back to --default-service-account={d}, which has no rights"),
            None => "runs with the controller's own identity".into(),
        };
        push(
            &mut cx.out,
            "T1",
            Severity::Error,
            id.clone(),
            &k.file,
            format!("tenant Kustomization has no spec.serviceAccountName; {how}"),
            "set spec.serviceAccountName to the tenant's service account",
        );
    } else if let Some(sa) = s.service_account_name.as_deref() {
        let (exists, bound_here) = cx.sa_bound(sa, &s.namespace);
        if !exists || !bound_here {
            push(
                &mut cx.out,
                "T2",
                Severity::Error,
                id.clone(),
                &k.file,
                format!(
                    "service account {}/{sa} {}",
                    s.namespace,
                    if exists {
                        "is not bound by any RoleBinding in its namespace"
                    } else {
                        "does not exist in the rendered cluster"
                    }
                ),
                "create the ServiceAccount and a RoleBinding for it in the tenant namespace",
            );
        }
    }
    let tenant_ns = cx.tenant_namespaces(effective, &s.namespace);
    if s.source_ref.namespace != s.namespace {
        push(
            &mut cx.out,
            "T4",
            Severity::Error,
            id.clone(),
            &k.file,
            format!(
                "spec.sourceRef points to another namespace ({})",
                s.source_ref
            ),
            "use a source in the Kustomization's own namespace",
        );
    }
    if let Some(t) = s.target_namespace.as_deref() {
        if !tenant_ns.contains(t) {
            push(
                &mut cx.out,
                "T6",
                Severity::Error,
                id.clone(),
                &k.file,
                format!(
                    "spec.targetNamespace {t} is not a tenant namespace ({})",
                    join(&tenant_ns)
                ),
                "set targetNamespace to a namespace the tenant's service account is bound in",
            );
        }
    }
    for (file, entry) in &k.remote_entries {
        push(&mut cx.out, "T5", Severity::Error, id.clone(), file,
            format!("remote base or resource {entry:?} (blocked by --no-remote-bases, not renderable offline)"),
            "vendor the remote base into the tenant repository and refer to it by a relative path");
    }
    if k.status != Status::Built {
        return;
    }
    for o in &k.objects {
        let v = &o.object;
        let oid = || object_id(v);
        match cx.scope(v) {
            Some(false) => push(
                &mut cx.out,
                "T3",
                Severity::Error,
                oid(),
                &o.file,
                format!(
                    "tenant Kustomization {} renders a cluster-scoped object",
                    s.id()
                ),
                "move cluster-scoped objects to the platform repository",
            ),
            Some(true) => {
                let ns = s
                    .target_namespace
                    .as_deref()
                    .or(v
                        .str_at(&["metadata", "namespace"])
                        .filter(|n| !n.is_empty()))
                    .unwrap_or(&s.namespace);
                if !tenant_ns.contains(ns) {
                    push(&mut cx.out, "T3", Severity::Error, oid(), &o.file,
                        format!("tenant Kustomization {} renders into namespace {ns}, outside the tenant namespaces ({})", s.id(), join(&tenant_ns)),
                        "keep tenant objects in the tenant namespace (or drop metadata.namespace)");
                }
            }
            None => push(
                &mut cx.out,
                "T3",
                Severity::Warning,
                oid(),
                &o.file,
                "unknown kind: cannot tell whether it is namespaced (no CRD in the repository)"
                    .into(),
                "add the CRD to the platform repository",
            ),
        }
    }
}

fn helm_checks(cx: &mut Ctx<'_>) {
    let default_helm = cx.r.flag("helm-controller", "default-service-account");
    for h in &cx.r.helm_releases {
        let hr = &h.release;
        // Tenant scope: released under a tenant identity, i.e. outside the platform
        // namespace and applied by a tenant Kustomization (a platform Kustomization may
        // install releases into any namespace).
        let by_platform = h
            .applied_by
            .split('/')
            .next()
            .is_some_and(|ns| ns == PLATFORM_NAMESPACE);
        if hr.namespace == PLATFORM_NAMESPACE || by_platform {
            continue;
        }
        let id = format!("HelmRelease/{}/{}", hr.namespace, hr.name);
        let effective = hr.effective_service_account(default_helm);
        match hr.service_account_name.as_deref() {
            None => {
                let how = match default_helm {
                    Some(d) => {
                        format!("falls back to --default-service-account={d}, which has no rights")
                    }
                    None => "runs with the controller's own identity".into(),
                };
                push(
                    &mut cx.out,
                    "T1",
                    Severity::Error,
                    id.clone(),
                    &h.file,
                    format!("tenant HelmRelease has no spec.serviceAccountName; {how}"),
                    "set spec.serviceAccountName to the tenant's service account",
                );
            }
            Some(sa) => {
                let (exists, bound_here) = cx.sa_bound(sa, &hr.namespace);
                if !exists || !bound_here {
                    push(&mut cx.out, "T2", Severity::Error, id.clone(), &h.file,
                        format!("service account {}/{sa} {}", hr.namespace,
                            if exists { "is not bound by any RoleBinding in its namespace" } else { "does not exist in the rendered cluster" }),
                        "create the ServiceAccount and a RoleBinding for it in the tenant namespace");
                }
            }
        }
        let tenant_ns = cx.tenant_namespaces(effective, &hr.namespace);
        for x in hr.cross_namespace_refs() {
            push(
                &mut cx.out,
                "T4",
                Severity::Error,
                id.clone(),
                &h.file,
                format!("{} points to another namespace ({})", x.field, x.target),
                "use a source in the HelmRelease's own namespace",
            );
        }
        if let Some(t) = hr.target_namespace.as_deref() {
            if !tenant_ns.contains(t) {
                push(
                    &mut cx.out,
                    "T6",
                    Severity::Error,
                    id.clone(),
                    &h.file,
                    format!(
                        "spec.targetNamespace {t} is not a tenant namespace ({})",
                        join(&tenant_ns)
                    ),
                    "set targetNamespace to a namespace the tenant's service account is bound in",
                );
            }
        }
        for (field, ns) in [
            ("release namespace", hr.release_namespace()),
            ("storage namespace", hr.storage_namespace()),
        ] {
            if !tenant_ns.contains(ns) && hr.target_namespace.as_deref() != Some(ns) {
                push(
                    &mut cx.out,
                    "T8",
                    Severity::Error,
                    id.clone(),
                    &h.file,
                    format!(
                        "{field} {ns} is outside the tenant namespaces ({})",
                        join(&tenant_ns)
                    ),
                    "keep spec.storageNamespace and spec.targetNamespace in the tenant namespace",
                );
            }
        }
    }
}

fn object_checks(cx: &mut Ctx<'_>) {
    for k in &cx.r.kustomizations {
        for o in &k.objects {
            let v = &o.object;
            if let Some(new) = deprecated_api(v) {
                push(
                    &mut cx.out,
                    "T9",
                    Severity::Warning,
                    object_id(v),
                    &o.file,
                    format!(
                        "apiVersion {} is no longer served by the current Flux CRDs",
                        v.str_at(&["apiVersion"]).unwrap_or("")
                    ),
                    &format!("run `flux migrate` or set apiVersion: {new}"),
                );
            }
            if v.get("sops").is_some_and(Value::is_map) {
                if k.spec.decryption {
                    push(&mut cx.out, "SOPS", Severity::Warning, object_id(v), &o.file,
                        format!("SOPS-encrypted; Kustomization {} decrypts it at apply time, which cannot be done offline", k.spec.id()),
                        "nothing to fix; the object is rendered encrypted");
                } else {
                    push(&mut cx.out, "SOPS", Severity::Error, object_id(v), &o.file,
                        format!("is SOPS encrypted, configuring decryption is required (Kustomization {} has no spec.decryption)", k.spec.id()),
                        "set spec.decryption on the Kustomization");
                }
            }
        }
    }
}

/// T7: tenant GitRepository URLs match the organisation pattern.
fn git_url_checks(cx: &mut Ctx<'_>, pattern: &str) {
    for k in &cx.r.kustomizations {
        for o in &k.objects {
            let v = &o.object;
            if v.str_at(&["kind"]) != Some("GitRepository")
                || crate::spec::group_of(v) != crate::spec::SOURCE_GROUP
                || v.str_at(&["metadata", "namespace"]).unwrap_or("") == PLATFORM_NAMESPACE
            {
                continue;
            }
            let url = v.str_at(&["spec", "url"]).unwrap_or("");
            if !kyverno::string_pattern(pattern, url) {
                push(&mut cx.out, "T7", Severity::Error, object_id(v), &o.file,
                    format!("tenant GitRepository URL {url:?} does not match the organisation pattern {pattern:?}"),
                    "point the GitRepository at a repository of the organisation");
            }
        }
    }
}

fn join(s: &BTreeSet<String>) -> String {
    s.iter().cloned().collect::<Vec<_>>().join(", ")
}
