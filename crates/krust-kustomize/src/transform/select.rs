//! Resource selection by `target` selectors (kustomize `ResMap.Select`).

use krust_model::{ResMap, Resource};
use regex::Regex;

use crate::kustomization::Selector;
use crate::Error;

/// One field of a target selector: kustomize compiles each as the anchored regular
/// expression `^(?:p)$` (`NewSelectorRegex`). A pattern without regex metacharacters
/// matches exactly the strings equal to it, so it is compared as text instead of being
/// compiled: a fleet's patches name their targets literally, and compiling thousands of
/// identical little regexes was 4.5% of a 1000-tenant build.
pub(crate) enum Pattern {
    /// The empty pattern: every value fits.
    Any,
    /// No metacharacter: equality.
    Literal(String),
    /// Anything else, compiled anchored.
    Regex(Regex),
}

impl Pattern {
    pub(crate) fn new(p: &str) -> Result<Pattern, regex::Error> {
        if p.is_empty() {
            return Ok(Pattern::Any);
        }
        // RE2 / Go regexp syntax: outside a class, only these are special (`#` and spaces
        // matter only under the `x` flag, which a pattern would have to set with `(?x)`).
        let special = |c: char| "\\.+*?()|[]{}^$".contains(c);
        if !p.chars().any(special) {
            return Ok(Pattern::Literal(p.to_string()));
        }
        Regex::new(&format!("^(?:{p})$")).map(Pattern::Regex)
    }

    pub(crate) fn is_any(&self) -> bool {
        matches!(self, Pattern::Any)
    }

    pub(crate) fn is_match(&self, v: &str) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Literal(l) => l == v,
            Pattern::Regex(r) => r.is_match(v),
        }
    }
}

fn anchored(p: &str) -> Result<Pattern, Error> {
    Pattern::new(p).map_err(|e| Error::InvalidSelector {
        message: format!("invalid selector pattern {p:?}: {e}"),
    })
}

/// Indices of the resources `sel` selects.
pub(crate) fn select(resources: &ResMap, sel: &Selector) -> Result<Vec<usize>, Error> {
    let ns = anchored(&sel.namespace)?;
    let nm = anchored(&sel.name)?;
    // kustomize `NewSelectorRegex`: group, version and kind are anchored regular
    // expressions too (`kind: Deployment|StatefulSet`; kubectl v1.32 and 1.35).
    let group = anchored(&sel.group)?;
    let version = anchored(&sel.version)?;
    let kind = anchored(&sel.kind)?;
    let fits = |r: &Pattern, v: &str| r.is_match(v);
    let labels = parse_selector(&sel.label_selector)?;
    let annos = parse_selector(&sel.annotation_selector)?;
    let mut out = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let (cur, org) = (r.cur_id(), r.org_id());
        if !ns.is_any()
            && !ns.is_match(org.effective_namespace())
            && !ns.is_match(cur.effective_namespace())
        {
            continue;
        }
        if !nm.is_any() && !nm.is_match(&org.name) && !nm.is_match(&cur.name) {
            continue;
        }
        if !(fits(&group, cur.gvk.group())
            && fits(&version, cur.gvk.version())
            && fits(&kind, cur.gvk.kind()))
        {
            continue;
        }
        if !matches(r, "labels", &labels) || !matches(r, "annotations", &annos) {
            continue;
        }
        out.push(i);
    }
    Ok(out)
}

#[derive(Debug)]
enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

fn split_terms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_selector(s: &str) -> Result<Vec<Req>, Error> {
    let mut out = Vec::new();
    for term in split_terms(s) {
        let list = |rest: &str| -> Vec<String> {
            rest.trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        if let Some((k, v)) = term.split_once("!=") {
            out.push(Req::Ne(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = term.split_once("==") {
            out.push(Req::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = term.split_once('=') {
            out.push(Req::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, rest)) = term.split_once(" notin ") {
            out.push(Req::NotIn(k.trim().into(), list(rest)));
        } else if let Some((k, rest)) = term.split_once(" in ") {
            out.push(Req::In(k.trim().into(), list(rest)));
        } else if let Some(k) = term.strip_prefix('!') {
            out.push(Req::NotExists(k.trim().into()));
        } else {
            out.push(Req::Exists(term.trim().into()));
        }
    }
    Ok(out)
}

fn matches(r: &Resource, which: &str, reqs: &[Req]) -> bool {
    let get = |k: &str| -> Option<String> {
        r.value()
            .path(&["metadata", which, k])
            .map(|v| crate::util::scalar_string(v).unwrap_or_default())
    };
    reqs.iter().all(|q| match q {
        Req::Eq(k, v) => get(k).as_deref() == Some(v.as_str()),
        Req::Ne(k, v) => get(k).as_deref() != Some(v.as_str()),
        Req::In(k, vs) => get(k).is_some_and(|x| vs.contains(&x)),
        Req::NotIn(k, vs) => !get(k).is_some_and(|x| vs.contains(&x)),
        Req::Exists(k) => get(k).is_some(),
        Req::NotExists(k) => get(k).is_none(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literal fast path must select exactly what the anchored regex selects.
    #[test]
    fn literal_patterns_match_as_their_anchored_regex() {
        let patterns = [
            "app",
            "my-app",
            "app_1",
            "ns:x",
            "a/b",
            "é",
            "Deployment",
            "v1",
            "a.b",
            "a|b",
            "app.*",
            "(app)",
            "[ab]pp",
            "a+",
            "a?",
            "^app$",
            "a{2}",
            "a\\d",
        ];
        let inputs = [
            "",
            "app",
            "my-app",
            "app_1",
            "ns:x",
            "a/b",
            "é",
            "a.b",
            "axb",
            "a",
            "b",
            "appx",
            "bpp",
            "aa",
            "a1",
            "Deployment",
            "v1",
            "xapp",
        ];
        for p in patterns {
            let fast = Pattern::new(p).expect("pattern compiles");
            let Ok(re) = Regex::new(&format!("^(?:{p})$")) else {
                panic!("{p} should compile");
            };
            let literal = matches!(fast, Pattern::Literal(_));
            assert_eq!(
                literal,
                p.chars().all(|c| c.is_alphanumeric() || "-_:/".contains(c)),
                "{p}"
            );
            for s in inputs {
                assert_eq!(
                    fast.is_match(s),
                    re.is_match(s),
                    "pattern {p:?} input {s:?}"
                );
            }
        }
        assert!(Pattern::new("").expect("empty").is_match("anything"));
        assert!(Pattern::new("(").is_err());
    }
}
