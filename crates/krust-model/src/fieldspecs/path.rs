//! Parsed kustomize field paths (`spec/template/metadata/labels`).

use std::fmt;
use std::sync::Arc;

use krust_yaml::Str;

/// One step of a [`FieldPath`]: a mapping key, possibly marked as holding a list
/// (`containers[]`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Segment {
    /// The key, without the `[]` marker and with `\/` unescaped.
    pub name: Str,
    /// The path wrote `name[]`: the field is expected to be a list. kustomize never creates
    /// such a field, and turns a `null` there into an empty list.
    pub is_seq: bool,
}

/// A kustomize field-spec path, parsed once (kyaml `PathSplitter`): split on `/`, a
/// leading `/` ignored, `\/` is a literal slash inside a key. Lists are not steps of the
/// path: they are walked element by element wherever they occur. Cheap to clone (the
/// steps are shared): every kustomization's transformers hold copies of the tables.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldPath {
    text: Str,
    segments: Arc<[Segment]>,
}

impl FieldPath {
    /// Parses `path`. Never fails: an empty key (`a//b`, or the empty path) is an error only
    /// when a walk reaches it, as in kustomize.
    pub fn parse(path: &str) -> FieldPath {
        let mut parts: Vec<&str> = path.split('/').collect();
        if parts.len() > 1 && parts.first() == Some(&"") {
            parts.remove(0);
        }
        let mut raw: Vec<String> = Vec::with_capacity(parts.len());
        for part in parts {
            match raw.last_mut() {
                Some(last) if last.ends_with('\\') => {
                    last.pop();
                    last.push('/');
                    last.push_str(part);
                }
                _ => raw.push(part.to_string()),
            }
        }
        let segments: Arc<[Segment]> = raw
            .into_iter()
            .map(|s| match s.strip_suffix("[]") {
                Some(name) => Segment {
                    name: name.into(),
                    is_seq: true,
                },
                None => Segment {
                    name: s.into(),
                    is_seq: false,
                },
            })
            .collect();
        FieldPath {
            text: path.into(),
            segments,
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The path as written, shared (cheap to clone).
    pub fn shared_text(&self) -> Str {
        self.text.clone()
    }

    /// The path's steps, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// True when the path's keys are exactly `keys` (no list markers).
    pub fn is(&self, keys: &[&str]) -> bool {
        self.segments.len() == keys.len()
            && self
                .segments
                .iter()
                .zip(keys)
                .all(|(s, k)| !s.is_seq && &*s.name == *k)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &FieldPath) -> Vec<(String, bool)> {
        p.segments()
            .iter()
            .map(|s| (s.name.to_string(), s.is_seq))
            .collect()
    }

    #[test]
    fn splits_on_slashes() {
        let p = FieldPath::parse("spec/template/metadata/labels");
        assert!(p.is(&["spec", "template", "metadata", "labels"]));
        assert_eq!(p.to_string(), "spec/template/metadata/labels");
    }

    #[test]
    fn leading_slash_is_ignored() {
        assert!(FieldPath::parse("/metadata/name").is(&["metadata", "name"]));
    }

    #[test]
    fn escaped_slash_stays_in_the_key() {
        let p = FieldPath::parse(r"metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret");
        assert!(p.is(&[
            "metadata",
            "annotations",
            "nginx.ingress.kubernetes.io/auth-secret"
        ]));
    }

    #[test]
    fn list_markers() {
        let p = FieldPath::parse("spec/containers[]/image");
        assert_eq!(
            names(&p),
            [
                ("spec".to_string(), false),
                ("containers".to_string(), true),
                ("image".to_string(), false)
            ]
        );
    }

    #[test]
    fn empty_keys_are_kept() {
        assert_eq!(names(&FieldPath::parse("")), [(String::new(), false)]);
        assert_eq!(FieldPath::parse("a//b").segments().len(), 3);
    }
}
