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
    pub image: Image,
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

impl Images {
    fn matcher(&self) -> Option<Regex> {
        Regex::new(&format!(
            // kustomize `image.IsImageMatched` (the name is a pattern, unescaped).
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$",
            self.image.name
        ))
        .ok()
    }

    fn update(&self, re: &Regex, v: &mut Value) {
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
        *v = Value::from(name);
    }

    /// The legacy walk: every `containers`/`initContainers` list anywhere in the object.
    fn legacy(&self, re: &Regex, v: &mut Value) {
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
    use super::split;

    #[test]
    fn splits_like_kustomize() {
        assert_eq!(split("nginx"), ("nginx", "", ""));
        assert_eq!(split("nginx:1.2"), ("nginx", "1.2", ""));
        assert_eq!(split("reg:5000/nginx:1.2"), ("reg:5000/nginx", "1.2", ""));
        assert_eq!(split("nginx@sha256:abc"), ("nginx", "", "sha256:abc"));
        assert_eq!(split("nginx:1@sha256:abc"), ("nginx", "1", "sha256:abc"));
    }
}
