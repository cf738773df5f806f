//! Object-by-object comparison of two renders.
//!
//! Objects are matched by API group (not version: `apps/v1` and `apps/v1beta2` are the same
//! object), kind, namespace and name, within a *source* (a build or file name; empty when
//! the whole render is one stream). Each object is printed the way kustomize prints it
//! before the comparison, so key order and quoting do not count as changes; a changed
//! object gets a unified diff of its YAML.

use std::collections::BTreeMap;
use std::fmt;

use krust_yaml::{Typing, Value};
use similar::TextDiff;

use crate::Error;

/// How an object is identified across two renders.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// `metadata.namespace` (empty when not set).
    pub namespace: String,
    /// `kind`.
    pub kind: String,
    /// The group of `apiVersion` (empty for the core group).
    pub group: String,
    /// `metadata.name`.
    pub name: String,
    /// 0 for the first object with this identity in its source, 1 for a second, ...
    pub duplicate: usize,
}

impl ObjectKey {
    /// The identity of `obj`, or `None` when it has no kind or name.
    pub fn of(obj: &Value) -> Option<ObjectKey> {
        let kind = obj.str_at(&["kind"])?.to_string();
        let name = obj.str_at(&["metadata", "name"])?.to_string();
        let api_version = obj.str_at(&["apiVersion"]).unwrap_or("");
        let group = match api_version.rsplit_once('/') {
            Some((g, _)) => g.to_string(),
            None => String::new(),
        };
        let namespace = obj
            .str_at(&["metadata", "namespace"])
            .unwrap_or("")
            .to_string();
        Some(ObjectKey {
            namespace,
            kind,
            group,
            name,
            duplicate: 0,
        })
    }
}

impl fmt::Display for ObjectKey {
    /// `[group/]Kind [namespace/]name`, e.g. `apps/Deployment team-a/podinfo`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.group.is_empty() {
            write!(f, "{}/", self.group)?;
        }
        write!(f, "{} ", self.kind)?;
        if !self.namespace.is_empty() {
            write!(f, "{}/", self.namespace)?;
        }
        write!(f, "{}", self.name)?;
        if self.duplicate > 0 {
            write!(f, " (#{})", self.duplicate + 1)?;
        }
        Ok(())
    }
}

/// The objects of one or more renders, each printed as kustomize prints it.
#[derive(Debug, Clone, Default)]
pub struct Objects {
    map: BTreeMap<(String, ObjectKey), String>,
}

impl Objects {
    /// No objects.
    pub fn new() -> Self {
        Objects::default()
    }

    /// Adds every object of the YAML stream `text` under `source` (a build or file name,
    /// or empty); `file` names the text in errors. Empty documents are skipped.
    pub fn add_stream(&mut self, source: &str, text: &str, file: &str) -> Result<(), Error> {
        let docs = krust_yaml::parse_stream(text, file, Typing::Kyaml)?;
        for (i, doc) in docs.iter().enumerate() {
            if doc.is_null() {
                continue;
            }
            let mut key = ObjectKey::of(doc).ok_or_else(|| Error::NotAnObject {
                file: file.to_string(),
                index: i + 1,
            })?;
            let yaml = krust_yaml::to_yaml(doc)?;
            while self.map.contains_key(&(source.to_string(), key.clone())) {
                key.duplicate += 1;
            }
            self.map.insert((source.to_string(), key), yaml);
        }
        Ok(())
    }

    /// The objects of one YAML stream, with no source.
    pub fn parse(text: &str, file: &str) -> Result<Objects, Error> {
        let mut o = Objects::new();
        o.add_stream("", text, file)?;
        Ok(o)
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the second render.
    Added,
    /// Only in the first render.
    Removed,
    /// In both, printed differently; the unified diff of the two printings.
    Changed(String),
}

/// One object that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The build or file the object belongs to (empty for a single stream).
    pub source: String,
    /// The object.
    pub key: ObjectKey,
    /// How it differs.
    pub kind: ChangeKind,
}

impl Change {
    /// `source: key`, or just the key when there is no source.
    pub fn label(&self) -> String {
        if self.source.is_empty() {
            self.key.to_string()
        } else {
            format!("{}: {}", self.source, self.key)
        }
    }
}

/// The differences between two sets of objects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every object that differs, by source and key.
    pub changes: Vec<Change>,
    /// How many objects are the same in both.
    pub unchanged: usize,
}

/// Compares `a` (before) with `b` (after).
pub fn compare(a: &Objects, b: &Objects) -> Report {
    let mut report = Report::default();
    let mut push = |(source, key): &(String, ObjectKey), kind| {
        report.changes.push(Change {
            source: source.clone(),
            key: key.clone(),
            kind,
        })
    };
    for (id, old) in &a.map {
        match b.map.get(id) {
            None => push(id, ChangeKind::Removed),
            Some(new) if new == old => report.unchanged += 1,
            Some(new) => {
                let label = match id.0.as_str() {
                    "" => id.1.to_string(),
                    s => format!("{s}: {}", id.1),
                };
                let text = TextDiff::from_lines(old.as_str(), new.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{label}"), &format!("b/{label}"))
                    .to_string();
                push(id, ChangeKind::Changed(text));
            }
        }
    }
    for id in b.map.keys() {
        if !a.map.contains_key(id) {
            push(id, ChangeKind::Added);
        }
    }
    report
        .changes
        .sort_by(|x, y| (&x.source, &x.key).cmp(&(&y.source, &y.key)));
    report
}

impl Report {
    /// Whether the two renders hold the same objects, printed the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many objects were added, removed and changed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for ch in &self.changes {
            match ch.kind {
                ChangeKind::Added => c.0 += 1,
                ChangeKind::Removed => c.1 += 1,
                ChangeKind::Changed(_) => c.2 += 1,
            }
        }
        c
    }

    /// `N added, N removed, N changed, N unchanged`.
    pub fn summary(&self) -> String {
        let (a, r, c) = self.counts();
        format!(
            "{a} added, {r} removed, {c} changed, {} unchanged",
            self.unchanged
        )
    }

    /// The report as text: one line per added or removed object, a unified diff per changed
    /// one, then the summary. `colour` adds ANSI colours (for a terminal).
    pub fn to_text(&self, colour: bool) -> String {
        let paint = |code: &str, s: &str| {
            if colour {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_string()
            }
        };
        let mut out = String::new();
        for ch in &self.changes {
            match &ch.kind {
                ChangeKind::Added => {
                    out.push_str(&paint("32", &format!("+ added {}", ch.label())));
                    out.push('\n');
                }
                ChangeKind::Removed => {
                    out.push_str(&paint("31", &format!("- removed {}", ch.label())));
                    out.push('\n');
                }
                ChangeKind::Changed(diff) => {
                    out.push_str(&paint("33", &format!("~ changed {}", ch.label())));
                    out.push('\n');
                    for line in diff.split_inclusive('\n') {
                        let code = if line.starts_with("+++") || line.starts_with("---") {
                            "1"
                        } else if line.starts_with('+') {
                            "32"
                        } else if line.starts_with('-') {
                            "31"
                        } else if line.starts_with("@@") {
                            "36"
                        } else {
                            ""
                        };
                        if code.is_empty() || !colour {
                            out.push_str(line);
                        } else {
                            out.push_str(&paint(code, line.trim_end_matches('\n')));
                            out.push('\n');
                        }
                    }
                }
            }
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }
}
