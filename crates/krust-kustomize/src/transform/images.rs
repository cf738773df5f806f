//! `images:` (kustomize's `ImageTagTransformer`: the legacy container walk, then the
//! `images` field specs).

use krust_model::ResMap;
use krust_yaml::{Data, Value};
use regex::Regex;

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Transform;
use crate::kustomization::Image;
use crate::Error;

/// Rewrites matching image references.
#[derive(Debug, Clone)]
pub struct Images {
    /// The `images` entry.
    pub image: Image,
    /// The fields holding images.
    pub field_specs: Vec<FieldSpec>,
}

/// kustomize `image.Split`: name, tag, digest.
fn split(image: &str) -> (&str, &str, &str) {
    let slash = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[slash..];
    let id = search.find('@').map(|i| i + slash);
    let ic = search.find(':').map(|i| i + slash);
    match (ic, id) {
        (None, None) => (image, "", ""),
        (None, Some(id)) => (&image[..id], "", &image[id + 1..]),
        (Some(ic), Some(id)) if id < ic => (&image[..id], "", &image[id + 1..]),
        (Some(ic), Some(id)) => (&image[..ic], &image[ic + 1..id], &image[id + 1..]),
        (Some(ic), None) => (&image[..ic], &image[ic + 1..], ""),
    }
}

/// kustomize `image.IsImageMatched`: `^NAME(:TAG)?(@DIGEST)?$`, the name being an
/// unescaped regular expression.
enum Matcher {
    /// A name with no regex syntax but `.` (any one character): matched without a regex.
    Plain(Vec<char>),
    Regex(Regex),
}

/// A tag character of the `IsImageMatched` pattern (`[a-zA-Z0-9_.{}-]`).
fn tag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '{' | '}' | '-')
}

/// `(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$`.
fn tag_and_digest(rest: &str) -> bool {
    let rest = match rest.strip_prefix(':') {
        Some(r) => r.trim_start_matches(tag_char),
        None => rest,
    };
    if rest.is_empty() {
        return true;
    }
    let Some(digest) = rest.strip_prefix('@') else {
        return false;
    };
    let Some((algo, hex)) = digest.split_once(':') else {
        return false;
    };
    let words_ok = algo
        .split(['.', '+', '_', '-'])
        .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()));
    words_ok && hex.chars().all(tag_char)
}

impl Matcher {
    fn new(name: &str) -> Option<Matcher> {
        let plain = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | ':' | '@' | '.'));
        if plain {
            return Some(Matcher::Plain(name.chars().collect()));
        }
        Regex::new(&format!(
            "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$"
        ))
        .ok()
        .map(Matcher::Regex)
    }

    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Regex(re) => re.is_match(s),
            Matcher::Plain(name) => {
                let mut chars = s.char_indices();
                for &p in name {
                    match chars.next() {
                        // `.` matches any character but a newline.
                        Some((_, c)) if c == p || (p == '.' && c != '\n') => {}
                        _ => return false,
                    }
                }
                let rest = chars.next().map_or("", |(i, _)| &s[i..]);
                tag_and_digest(rest)
            }
        }
    }
}

impl Images {
    fn matcher(&self) -> Option<Matcher> {
        Matcher::new(&self.image.name)
    }

    fn update(&self, re: &Matcher, v: &mut Value) {
        let Some(s) = v.as_str() else { return };
        if !re.is_match(s) {
            return;
        }
        let (name, tag, digest) = split(s);
        let mut name = name.to_string();
        let (mut tag, mut digest) = (tag.to_string(), digest.to_string());
        let im = &self.image;
        if !im.new_name.is_empty() {
            name = im.new_name.clone();
        }
        if !im.new_tag.is_empty() && !im.digest.is_empty() {
            tag = im.new_tag.clone();
            digest = im.digest.clone();
        } else if !im.new_tag.is_empty() {
            tag = im.new_tag.clone();
            digest.clear();
        } else if !im.digest.is_empty() {
            tag.clear();
            digest = im.digest.clone();
        } else if !im.tag_suffix.is_empty() {
            tag.push_str(&im.tag_suffix);
            digest.clear();
        }
        if !tag.is_empty() {
            name = format!("{name}:{tag}");
        }
        if !digest.is_empty() {
            name = format!("{name}@{digest}");
        }
        *v = super::replacements::untagged_like(&name, v);
    }

    /// The legacy walk: every `containers`/`initContainers` list anywhere in the object.
    fn legacy(&self, re: &Matcher, v: &mut Value) {
        if let Data::Seq(_) = v.data {
            if let Some(seq) = v.as_seq_mut() {
                for e in seq.iter_mut() {
                    self.legacy(re, e);
                }
            }
            return;
        }
        let Some(m) = v.as_map_mut() else { return };
        for (k, child) in m.iter_mut() {
            if (&**k == "containers" || &**k == "initContainers") && child.is_seq() {
                if let Some(seq) = child.as_seq_mut() {
                    for c in seq.iter_mut() {
                        if let Some(img) = c.get_mut("image") {
                            self.update(re, img);
                        }
                    }
                }
            } else if child.is_map() || child.is_seq() {
                self.legacy(re, child);
            }
        }
    }
}

impl Transform for Images {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        let Some(re) = self.matcher() else {
            return Ok(());
        };
        for r in resources.iter_mut() {
            if r.kind() == "CustomResourceDefinition" {
                continue;
            }
            let gvk = r.cur_id().gvk.clone();
            let obj = r.value_mut();
            self.legacy(&re, obj);
            for fs in self.field_specs.iter().filter(|fs| fs.applies_to(&gvk)) {
                walk(obj, fs, CreateKind::None, &mut |v: &mut Value| {
                    self.update(&re, v);
                    Ok(())
                })?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{split, Matcher};
    use regex::Regex;

    #[test]
    fn plain_matcher_agrees_with_the_regex() {
        let names = ["nginx", "reg.io/app", "reg:5000/a_b-c", "", "x@y"];
        let inputs = [
            "nginx",
            "nginx:1.2",
            "nginx:",
            "nginx:1.2@sha256:abc",
            "nginx@sha256:abc",
            "nginx@sha256:",
            "nginx@sha.256+x:ab{c}",
            "nginx@sha..256:ab",
            "nginx@:ab",
            "nginx@sha256",
            "nginx:1:2",
            "nginx@sha256:a:b",
            "nginxx",
            "ngin",
            "reg.io/app:v1",
            "regXio/app",
            "reg\nio/app",
            "reg:5000/a_b-c@sha256:1",
            ":tag",
            "",
            "x@y:1",
            "\u{e9}t\u{e9}:1",
        ];
        for name in names {
            let Some(m @ Matcher::Plain(_)) = Matcher::new(name) else {
                panic!("{name} should use the plain matcher");
            };
            let Ok(re) = Regex::new(&format!(
                "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$"
            )) else {
                panic!("{name} should compile");
            };
            for s in inputs {
                assert_eq!(m.is_match(s), re.is_match(s), "name {name:?} input {s:?}");
            }
        }
        assert!(matches!(Matcher::new("ngi.*"), Some(Matcher::Regex(_))));
    }

    #[test]
    fn splits_like_kustomize() {
        assert_eq!(split("nginx"), ("nginx", "", ""));
        assert_eq!(split("nginx:1.2"), ("nginx", "1.2", ""));
        assert_eq!(split("reg:5000/nginx:1.2"), ("reg:5000/nginx", "1.2", ""));
        assert_eq!(split("nginx@sha256:abc"), ("nginx", "", "sha256:abc"));
        assert_eq!(split("nginx:1@sha256:abc"), ("nginx", "1", "sha256:abc"));
    }
}
