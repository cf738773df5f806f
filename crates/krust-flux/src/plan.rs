//! The dependsOn graph and the apply plan (flux-semantics §2.6).
//!
//! A Kustomization can start once (a) the Kustomization that applies it is Ready and
//! (b) every `dependsOn` entry is Ready. A parent with `wait: true` (or health checks) is
//! Ready only after what it applies is; Flux Kustomizations it applies count as children
//! it waits for. The plan lists *Ready* waves: wave N holds the Kustomizations that become
//! Ready N-th, under those rules.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Finding, KustomizationRender, Severity};

/// The waves and the graph's errors (cycles, missing dependencies).
pub(crate) fn plan(renders: &[KustomizationRender]) -> (Vec<Vec<String>>, Vec<Finding>) {
    let mut findings = Vec::new();
    let ids: Vec<String> = renders.iter().map(|r| r.spec.id()).collect();
    let index: BTreeMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    // What must be Ready before each node may start: its parent and its dependencies.
    // The child of a waiting parent cannot wait for that parent (the parent waits for
    // it); it inherits the parent's own prerequisites instead. Renders are in discovery
    // order, so a parent is always handled before its children.
    let mut eff: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); renders.len()];
    let mut before: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); renders.len()];
    for (i, r) in renders.iter().enumerate() {
        let mut own = BTreeSet::new();
        for d in &r.spec.depends_on {
            match index.get(d.as_str()) {
                Some(&j) => {
                    own.insert(j);
                }
                // Never Ready: a missing dependency blocks the dependent for good.
                None => {
                    own.insert(usize::MAX);
                    findings.push(Finding {
                        rule: "GRAPH".into(),
                        severity: Severity::Error,
                        object: format!("Kustomization/{}", r.spec.id()),
                        file: r.file.clone(),
                        message: format!("dependency '{d}' not found"),
                        fix: format!("create Kustomization {d} or remove it from spec.dependsOn"),
                    })
                }
            }
        }
        if let Some(&p) = index.get(r.defined_in.as_str()).filter(|&&p| p < i) {
            let parent = &renders[p];
            if parent.spec.wait || !parent.spec.health_checks.is_empty() {
                own.extend(eff[p].iter().copied());
                before[p].insert(i);
            } else {
                own.insert(p);
            }
        }
        own.remove(&i);
        eff[i] = own;
    }
    for i in 0..renders.len() {
        let e = eff[i].clone();
        before[i].extend(e);
    }
    let mut done: BTreeSet<usize> = BTreeSet::new();
    let mut waves = Vec::new();
    while done.len() < renders.len() {
        let wave: Vec<usize> = (0..renders.len())
            .filter(|i| !done.contains(i) && before[*i].iter().all(|d| done.contains(d)))
            .collect();
        if wave.is_empty() {
            break;
        }
        done.extend(wave.iter().copied());
        waves.push(wave.iter().map(|&i| ids[i].clone()).collect());
    }
    if done.len() < renders.len() {
        let stuck: Vec<usize> = (0..renders.len()).filter(|i| !done.contains(i)).collect();
        for cycle in cycles(&stuck, &before) {
            let names: Vec<String> = cycle.iter().map(|&i| ids[i].clone()).collect();
            let first = cycle.first().copied().unwrap_or(0);
            findings.push(Finding {
                rule: "GRAPH".into(),
                severity: Severity::Error,
                object: format!("Kustomization/{}", ids[first]),
                file: renders[first].file.clone(),
                message: format!("dependency cycle: {}", names.join(" -> ")),
                fix: "remove one spec.dependsOn entry of the cycle".into(),
            });
        }
    }
    (waves, findings)
}

/// The strongly connected components with more than one member (or a self-loop) among
/// `nodes` (Tarjan, iterative enough for real graphs).
fn cycles(nodes: &[usize], edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    struct T<'a> {
        edges: &'a [BTreeSet<usize>],
        allowed: BTreeSet<usize>,
        index: BTreeMap<usize, usize>,
        low: BTreeMap<usize, usize>,
        stack: Vec<usize>,
        on: BTreeSet<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T<'_>, v: usize, depth: usize) {
        if depth > 10_000 {
            return;
        }
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let succ: Vec<usize> = t
            .edges
            .get(v)
            .map(|e| {
                e.iter()
                    .copied()
                    .filter(|w| t.allowed.contains(w))
                    .collect()
            })
            .unwrap_or_default();
        for w in succ {
            if !t.index.contains_key(&w) {
                visit(t, w, depth + 1);
                let lw = t.low[&w];
                let lv = t.low[&v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(&w) {
                let iw = t.index[&w];
                let lv = t.low[&v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[&v] == t.index[&v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(&w);
                comp.push(w);
                if w == v {
                    break;
                }
            }
            let self_loop = t.edges.get(v).is_some_and(|e| e.contains(&v));
            if comp.len() > 1 || self_loop {
                comp.sort_unstable();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        allowed: nodes.iter().copied().collect(),
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for &n in nodes {
        if !t.index.contains_key(&n) {
            visit(&mut t, n, 0);
        }
    }
    t.out
}
