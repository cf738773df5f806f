//! Finishing a mapping: duplicate keys, `<<` merges and key conversion, as kyaml (go-yaml
//! v3) and sigs.k8s.io/yaml (go-yaml v2) do them.

use super::super::resolve::format_float_key;
use super::{Builder, KeyTag, Node};
use crate::{Data, Error, Key, Map, Str, Value};

/// A finished mapping: entries, expanded size, and the part of it merge keys copied in.
type Built = (Map, u64, u64);

impl Builder<'_> {
    /// kyaml: go-yaml v3 rejects duplicate keys; kyaml's `DeAnchor` expands `<<` (explicit keys
    /// win, earlier merged maps win); converting to JSON needs string keys below the root (the
    /// root's keys are decoded into `map[string]interface{}`, which takes any scalar's text).
    pub(super) fn map_kyaml(
        &self,
        entries: Vec<(Node, Node)>,
        at_root: bool,
    ) -> Result<Built, Error> {
        if !self.first_key_wins {
            self.check_duplicates(&entries)?;
        }
        // The last `<<` entry's value (rare: cloned so the entries can be moved below).
        let merge = entries
            .iter()
            .rev()
            .find(|(k, _)| k.tag == KeyTag::Merge)
            .map(|(_, v)| v.clone());
        let merge = merge.as_ref();
        let mut map = Map::with_capacity_and_hasher(entries.len(), Default::default());
        let mut size: u64 = 1;
        for (k, v) in entries {
            // kyaml's DeAnchor clears every field named `<<`, quoted or not.
            if k.tag == KeyTag::Merge || k.text.as_deref() == Some("<<") {
                continue;
            }
            let key: Key = match (k.tag, &k.text) {
                (KeyTag::Str, Some(t)) => Key::new(t.clone()),
                (KeyTag::Seq | KeyTag::Map, _) | (_, None) => {
                    return Err(self.invalid(k.value.mark, "a mapping key must be a scalar".into()));
                }
                (_, Some(t)) if at_root => {
                    if k.value.is_null() {
                        // go-yaml drops the entry when decoding, and kustomize's round trip
                        // then fails on the key; fail here.
                        return Err(self.invalid(
                            k.value.mark,
                            "a null mapping key cannot be converted to JSON".into(),
                        ));
                    }
                    Key::new(t.clone())
                }
                // Below the root a non-string key survives in kyaml's node tree (a strategic
                // merge may still match it against a string key of the same text); it only
                // fails when the object is converted to JSON, so the printer refuses it.
                (_, Some(t)) => Key::non_string(t.clone()),
            };
            if self.first_key_wins && map.contains_key(&key) {
                continue;
            }
            size = size.saturating_add(1).saturating_add(v.size);
            map.insert(key, v.value);
        }
        let mut merged_size = 0u64;
        if let Some(m) = merge {
            let sources = self.merge_sources(m)?;
            let mut merged = Map::default();
            // kyaml applies the sources last-to-first so the first one wins.
            for src in sources.iter().rev() {
                for (k, v) in src.iter() {
                    if map.contains_key(k) {
                        continue;
                    }
                    merged.insert(k.clone(), v.clone());
                }
            }
            for (k, v) in merged {
                let n = 1u64.saturating_add(self.size_of(&v));
                size = size.saturating_add(n);
                merged_size = merged_size.saturating_add(n);
                map.insert(k, v);
            }
        }
        Ok((map, size, merged_size))
    }

    /// go-yaml v3 compares keys by kind and written text (so `1` and `"1"` collide).
    fn check_duplicates(&self, entries: &[(Node, Node)]) -> Result<(), Error> {
        fn ident(k: &Node) -> (KeyTag, &str) {
            let kind = match k.tag {
                KeyTag::Seq | KeyTag::Map => k.tag,
                _ => KeyTag::Str,
            };
            (kind, k.text.as_deref().unwrap_or(""))
        }
        let dup = |k: &Node| Error::DuplicateKey {
            file: self.file.to_string(),
            mark: k.value.mark,
            key: ident(k).1.to_string(),
        };
        // Small maps (nearly all) are cheaper to scan than to hash.
        if entries.len() <= 16 {
            for (i, (k, _)) in entries.iter().enumerate() {
                let id = ident(k);
                if entries.iter().take(i).any(|(p, _)| ident(p) == id) {
                    return Err(dup(k));
                }
            }
        } else {
            let mut seen = std::collections::HashSet::with_capacity(entries.len());
            for (k, _) in entries {
                if !seen.insert(ident(k)) {
                    return Err(dup(k));
                }
            }
        }
        Ok(())
    }

    /// The maps a `<<` value names: a map, or a sequence of maps, in order.
    fn merge_sources<'n>(&self, v: &'n Node) -> Result<Vec<&'n Map>, Error> {
        match &v.value.data {
            Data::Map(m) => Ok(vec![m]),
            Data::Seq(items) => items
                .iter()
                .map(|item| match &item.data {
                    Data::Map(m) => Ok(&**m),
                    _ => Err(self.invalid(
                        item.mark,
                        "map merge requires map or sequence of maps as the value".into(),
                    )),
                })
                .collect(),
            _ => Err(self.invalid(
                v.value.mark,
                "map merge requires map or sequence of maps as the value".into(),
            )),
        }
    }

    /// go-yaml v2 through sigs.k8s.io/yaml: keys and `<<` are applied in order (a later key
    /// overwrites), merged sequences apply last-to-first, and scalar keys become strings the
    /// way sigs.k8s.io/yaml converts them.
    pub(super) fn map_yaml11(&self, entries: Vec<(Node, Node)>) -> Result<Built, Error> {
        let mut map = Map::with_capacity_and_hasher(entries.len(), Default::default());
        // Overwritten entries are counted too: the bound only needs to be conservative.
        let mut size = 1u64;
        let mut merged_size = 0u64;
        for (k, v) in entries {
            if k.tag == KeyTag::Merge {
                for src in self.merge_sources(&v)?.iter().rev() {
                    for (mk, mv) in src.iter() {
                        let n = 1u64.saturating_add(self.size_of(mv));
                        merged_size = merged_size.saturating_add(n);
                        size = size.saturating_add(n);
                        map.insert(mk.clone(), mv.clone());
                    }
                }
                continue;
            }
            let key = yaml11_key(&k.value).map_err(|m| self.invalid(k.value.mark, m.into()))?;
            size = size.saturating_add(1).saturating_add(v.size);
            map.insert(Key::new(key), v.value);
        }
        Ok((map, size, merged_size))
    }
}

/// How sigs.k8s.io/yaml turns a go-yaml v2 key into a JSON object key.
pub(super) fn yaml11_key(k: &Value) -> Result<Str, &'static str> {
    Ok(match &k.data {
        Data::String(s) => s.clone(),
        Data::Int(i) => Str::from(i.to_string()),
        Data::Float(f) => Str::from(format_float_key(*f)),
        Data::Bool(b) => Str::from(if *b { "true" } else { "false" }),
        Data::Null => return Err("unsupported map key of type: <nil>"),
        Data::Uint(_) => return Err("unsupported map key of type: uint64"),
        Data::Seq(_) | Data::Map(_) => {
            return Err("invalid map key: a mapping key must be a scalar")
        }
    })
}
