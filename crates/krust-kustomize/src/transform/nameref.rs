//! Name references: fields that name another resource follow its renames (kustomize's
//! `nameReferenceTransformer` and `filters/nameref`).

use std::collections::HashMap;

use krust_model::{Gvk, ReferralScope, ResId, ResMap, Resource};
use krust_yaml::{Data, Value};

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Config;
use crate::Error;

/// What a referral resolved to.
struct Referral {
    idx: usize,
    name: String,
    namespace: String,
}

/// kustomize `FixBackReferences`.
pub(crate) fn fix_back_references(list: &mut ResMap, config: &Config) -> Result<(), Error> {
    let n = list.len();
    // Referral targets are looked up in a snapshot (with its own id and name indexes);
    // referrers are updated in `list`.
    let snapshot: ResMap = list.clone();
    let mut org_ns: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in snapshot.iter().enumerate() {
        let o = r.org_id();
        if !o.is_cluster_scoped() {
            org_ns.entry(o.effective_namespace()).or_default().push(i);
        }
    }
    let mut ref_by: Vec<(usize, ResId)> = Vec::new();
    for i in 0..n {
        let Some(referrer) = snapshot.get(i) else {
            continue;
        };
        let org_gvk = referrer.org_id().gvk.clone();
        let mut jobs: Vec<(&FieldSpec, &Gvk)> = Vec::new();
        for br in config.name_reference.iter() {
            for fs in br.referrers.iter() {
                if org_gvk.is_selected(&fs.gvk) {
                    jobs.push((fs, &br.gvk));
                }
            }
        }
        if jobs.is_empty() {
            continue;
        }
        let scope = ReferralScope::of(referrer).map_err(|_| Error::BlankNamespace {
            id: referrer.cur_id().to_string(),
        })?;
        let mut obj = referrer.value().clone();
        let cur_gvk = referrer.cur_id().gvk.clone();
        for (fs, target) in jobs {
            let mut spec = fs.clone();
            spec.gvk = cur_gvk.clone();
            let ctx = Ctx {
                referrer,
                target,
                scope: &scope,
                snapshot: &snapshot,
                org_ns: &org_ns,
                spec: &spec,
            };
            walk(&mut obj, &spec, CreateKind::None, &mut |v: &mut Value| {
                ctx.set(v, &mut ref_by)
            })
            .map_err(|e| {
                e.context(format!(
                    "updating name reference in '{}' field of '{}'",
                    fs.path,
                    referrer.cur_id()
                ))
            })?;
        }
        if obj != *referrer.value() {
            if let Some(r) = list.get_mut(i) {
                r.set_value(obj);
            }
        }
    }
    for (idx, id) in ref_by {
        if let Some(r) = list.get_mut(idx) {
            r.append_ref_by(id);
        }
    }
    Ok(())
}

struct Ctx<'a> {
    referrer: &'a Resource,
    target: &'a Gvk,
    scope: &'a ReferralScope,
    snapshot: &'a ResMap,
    /// Positions by original (effective) namespace, for `namespace`-qualified references.
    org_ns: &'a HashMap<&'a str, Vec<usize>>,
    spec: &'a FieldSpec,
}

impl Ctx<'_> {
    fn set(&self, v: &mut Value, ref_by: &mut Vec<(usize, ResId)>) -> Result<(), Error> {
        match &v.data {
            Data::Null => Ok(()),
            Data::Map(_) => self.set_mapping(v, ref_by),
            Data::Seq(_) => {
                if let Some(seq) = v.as_seq_mut() {
                    for e in seq.iter_mut() {
                        match &e.data {
                            Data::Map(_) => self.set_mapping(e, ref_by)?,
                            Data::String(_) => self.set_scalar(e, ref_by)?,
                            _ => {}
                        }
                    }
                }
                Ok(())
            }
            _ => self.set_scalar(v, ref_by),
        }
    }

    fn set_scalar(&self, v: &mut Value, ref_by: &mut Vec<(usize, ResId)>) -> Result<(), Error> {
        let Some(old) = v.as_str().map(str::to_string) else {
            return Ok(());
        };
        let Some(r) = self.select(&old, None, false)? else {
            return Ok(());
        };
        ref_by.push((r.idx, self.referrer.cur_id().clone()));
        if r.name != old {
            // kustomize's `setScalar`: a `FieldSetter{StringValue}`, an untagged scalar in
            // the replaced one's style.
            *v = super::replacements::untagged_like(&r.name, v);
        }
        Ok(())
    }

    fn set_mapping(&self, v: &mut Value, ref_by: &mut Vec<(usize, ResId)>) -> Result<(), Error> {
        let Some(old) = v.get("name").and_then(Value::as_str).map(str::to_string) else {
            if v.get("name").is_none() {
                return Err(Error::InvalidFieldPath {
                    message: "path config error; no 'name' field in node".into(),
                });
            }
            return Ok(());
        };
        // kustomize groups the candidates by original namespace, then by current one.
        let ns_filter: Option<(bool, String)> =
            v.get("namespace").and_then(Value::as_str).map(|ns| {
                let by_org = self
                    .org_ns
                    .get(ns)
                    .is_some_and(|l| l.iter().any(|&i| self.allowed(i)));
                (by_org, ns.to_string())
            });
        let Some(r) = self.select(&old, ns_filter.as_ref(), true)? else {
            return Ok(());
        };
        ref_by.push((r.idx, self.referrer.cur_id().clone()));
        if r.name == old && r.namespace.is_empty() {
            return Ok(());
        }
        // kustomize's `setMapping`: `FieldSetter{StringValue}` for each field, which keeps an
        // existing field's style (an untagged scalar) and creates a missing one as a string.
        let set = |v: &mut Value, field: &str, text: &str| {
            let new = match v.get(field) {
                Some(existing) => super::replacements::untagged_like(text, existing),
                None => Value::from(text),
            };
            v.insert(field, new);
        };
        set(v, "name", &r.name);
        if !r.namespace.is_empty() {
            set(v, "namespace", &r.namespace);
        }
        Ok(())
    }

    fn allowed(&self, i: usize) -> bool {
        self.snapshot.get(i).is_some_and(|t| self.scope.allows(t))
    }

    /// kustomize `selectReferral`. `ns` restricts candidates to one namespace: by
    /// original namespace when `ns.0`, else by current namespace.
    fn select(
        &self,
        old: &str,
        ns: Option<&(bool, String)>,
        with_ns: bool,
    ) -> Result<Option<Referral>, Error> {
        let get = |i: usize| self.snapshot.get(i);
        let mut c: Vec<usize> = self
            .snapshot
            .positions_by_prev_name(old)
            .iter()
            .copied()
            .filter(|&i| self.allowed(i))
            .filter(|&i| match ns {
                None => true,
                Some((by_org, ns)) => get(i).is_some_and(|r| {
                    let id = if *by_org { r.org_id() } else { r.cur_id() };
                    !id.is_cluster_scoped() && id.effective_namespace() == ns
                }),
            })
            .filter(|&i| {
                get(i).is_some_and(|r| {
                    r.prev_ids()
                        .iter()
                        .any(|id| id.gvk.is_selected(self.target))
                })
            })
            .collect();
        if self.spec.path.as_str().ends_with("roleRef/name") {
            if let Some(rr) = self.referrer.value().get("roleRef") {
                if let (Some(g), Some(k)) = (
                    rr.get("apiGroup").and_then(Value::as_str),
                    rr.get("kind").and_then(Value::as_str),
                ) {
                    let gvk = Gvk::new(g, "", k);
                    c.retain(|&i| {
                        get(i)
                            .is_some_and(|r| r.prev_ids().iter().any(|id| id.gvk.is_selected(&gvk)))
                    });
                }
            }
        }
        let rid = self.referrer.cur_id();
        if !rid.is_cluster_scoped() {
            c.retain(|&i| {
                get(i).is_some_and(|r| {
                    let id = r.cur_id();
                    id.is_cluster_scoped()
                        || id.gvk.kind() == "ServiceAccount"
                        || rid.is_ns_equals(id)
                })
            });
        }
        let pick = |i: usize| {
            get(i).map(|r| Referral {
                idx: i,
                name: r.name().to_string(),
                namespace: r.namespace().to_string(),
            })
        };
        if c.len() == 1 {
            return Ok(pick(c[0]));
        }
        c.retain(|&i| get(i).is_some_and(|r| r.prefixes_suffixes_equal(self.referrer, true)));
        if c.len() > 1 {
            c.retain(|&i| get(i).is_some_and(|r| r.prefixes_suffixes_equal(self.referrer, false)));
        }
        match c.len() {
            0 => Ok(None),
            1 => Ok(pick(c[0])),
            _ => {
                let first = get(c[0]);
                let same = c.iter().all(|&i| {
                    get(i).zip(first).is_some_and(|(r, f)| {
                        r.name() == f.name() && (!with_ns || r.namespace() == f.namespace())
                    })
                });
                if same {
                    return Ok(pick(c[0]));
                }
                let ids: Vec<String> = c
                    .iter()
                    .filter_map(|&i| get(i))
                    .map(|r| r.cur_id().to_string())
                    .collect();
                Err(Error::AmbiguousReferral { candidates: ids })
            }
        }
    }
}
