//! `spec.dependsOn` between HelmReleases: a cycle never becomes ready (flux-semantics §1.7).

use std::collections::HashMap;

use crate::HelmRelease;

/// The dependency cycles among `releases`, each as the `namespace/name` ids along the cycle
/// (first id not repeated), in a deterministic order. Dependencies on releases that are not
/// in the list are ignored here (they are a missing dependency, not a cycle).
pub fn depends_on_cycles(releases: &[HelmRelease]) -> Vec<Vec<String>> {
    let ids: Vec<String> = releases.iter().map(HelmRelease::id).collect();
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = releases
        .iter()
        .map(|r| {
            r.depends_on
                .iter()
                .filter_map(|d| {
                    index
                        .get(format!("{}/{}", d.namespace, d.name).as_str())
                        .copied()
                })
                .collect()
        })
        .collect();

    // Iterative depth-first search; a back edge to a node on the stack closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut mark = vec![Mark::New; releases.len()];
    let mut cycles = Vec::new();
    for start in 0..releases.len() {
        if mark[start] != Mark::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::OnStack;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            if let Some(&to) = edges[node].get(top.1) {
                top.1 += 1;
                match mark[to] {
                    Mark::New => {
                        mark[to] = Mark::OnStack;
                        stack.push((to, 0));
                    }
                    Mark::OnStack => {
                        let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        cycles.push(stack[from..].iter().map(|(n, _)| ids[*n].clone()).collect());
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ObjectRef;

    fn hr(name: &str, deps: &[&str]) -> HelmRelease {
        HelmRelease {
            api_version: "helm.toolkit.fluxcd.io/v2".into(),
            name: name.into(),
            namespace: "ns".into(),
            values: None,
            values_from: vec![],
            release_name: None,
            target_namespace: None,
            storage_namespace: None,
            service_account_name: None,
            chart: None,
            chart_ref: Some(ObjectRef {
                kind: "OCIRepository".into(),
                namespace: "ns".into(),
                name: "c".into(),
            }),
            depends_on: deps
                .iter()
                .map(|d| ObjectRef {
                    kind: "HelmRelease".into(),
                    namespace: "ns".into(),
                    name: (*d).into(),
                })
                .collect(),
            diagnostics: vec![],
        }
    }

    #[test]
    fn finds_cycles_and_ignores_dags() {
        let rs = [
            hr("a", &["b"]),
            hr("b", &["c"]),
            hr("c", &["a"]),
            hr("d", &["a", "x"]),
            hr("e", &["e"]),
        ];
        let cycles = depends_on_cycles(&rs);
        assert_eq!(cycles, vec![vec!["ns/a", "ns/b", "ns/c"], vec!["ns/e"]]);
        assert!(depends_on_cycles(&[hr("a", &["b"]), hr("b", &[])]).is_empty());
    }
}
