//! `configMapGenerator` and `secretGenerator`.

use std::path::Path;

use std::sync::Arc;

use krust_model::{Behavior, Origin, Resource};
use krust_yaml::{Map, Value};

use super::Generate;
use crate::kustomization::{GeneratorArgs, GeneratorOptions};
use crate::target::Target;
use crate::Error;

/// One configured `configMapGenerator`/`secretGenerator` entry (global options merged in),
/// its sources already read.
#[derive(Debug)]
pub struct DataGenerator {
    /// The entry, global `generatorOptions` merged in.
    pub args: GeneratorArgs,
    /// A `secretGenerator` entry (else `configMapGenerator`).
    pub secret: bool,
    /// Where the generator was configured.
    pub origin: Arc<Origin>,
    /// The kustomization file, for messages.
    file: String,
    /// The key/value pairs of its sources, or the error reading them. kustomize reads them
    /// when the generator runs, after the checks of [`Generate::generate`]: that is when
    /// the error is reported.
    pairs: Result<Vec<(String, Vec<u8>)>, Error>,
}

impl DataGenerator {
    /// Configures one generator: reads its sources through `t`'s loader. `origin` is a
    /// plugin configuration's (`None`: the builtin generator of `t`).
    pub(crate) fn configure(
        t: &Target<'_>,
        args: GeneratorArgs,
        secret: bool,
        origin: Option<Arc<Origin>>,
    ) -> DataGenerator {
        let origin = origin.unwrap_or_else(|| {
            super::origin::builtin_generator(
                &t.file,
                if secret {
                    "SecretGenerator"
                } else {
                    "ConfigMapGenerator"
                },
            )
        });
        let pairs = load_pairs(t, &args);
        DataGenerator {
            args,
            secret,
            origin,
            file: t.file.clone(),
            pairs,
        }
    }

    /// The builtin generators of `t`, in kustomize's order.
    pub(crate) fn from_kustomization(t: &Target<'_>) -> Vec<DataGenerator> {
        let global = t.k.generator_options.as_ref();
        let mk = |a: &GeneratorArgs, secret: bool| {
            let mut args = a.clone();
            args.options = GeneratorOptions::merge_global(a.options.as_ref(), global);
            DataGenerator::configure(t, args, secret, None)
        };
        t.k.config_map_generator
            .iter()
            .map(|a| mk(a, false))
            .chain(t.k.secret_generator.iter().map(|a| mk(a, true)))
            .collect()
    }
}

/// A data key as kustomize's output sees it. kustomize validates neither env names nor
/// key names (its `IsEnvVarName`/`ErrIfInvalidKey` are no-ops), but it writes each key as a
/// plain YAML scalar that is typed again on output: a key that reads as a number, bool or
/// null (`2`, `-1`, `true`, `~`) becomes a non-string key, which fails when printed
/// (`json: unsupported type: map[interface {}]interface {}`).
fn data_key(k: &str) -> krust_yaml::Key {
    let maybe_typed = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "-+.~tTfFnN".contains(c));
    if maybe_typed {
        if krust_yaml::is_timestamp(k) {
            return krust_yaml::Key::non_string(k);
        }
        if let Ok(v) = krust_yaml::parse_document(k, "<key>", krust_yaml::Typing::Kyaml) {
            use krust_yaml::Data;
            if matches!(
                v.data,
                Data::Null | Data::Bool(_) | Data::Int(_) | Data::Uint(_) | Data::Float(_)
            ) {
                return krust_yaml::Key::non_string(k);
            }
        }
    }
    krust_yaml::Key::new(k)
}

fn remove_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// kustomize `ParseFileSource`.
fn parse_file_source(source: &str) -> Result<(String, String), String> {
    let n = source.matches('=').count();
    if n == 0 {
        let base = Path::new(source)
            .file_name()
            .map(|f| f.to_string_lossy().to_string());
        return Ok((base.unwrap_or_default(), source.to_string()));
    }
    if n == 1 && source.starts_with('=') {
        return Err(format!(
            "missing key name for file path {:?} in source {source:?}",
            &source[1..]
        ));
    }
    if n == 1 && source.ends_with('=') {
        return Err(format!(
            "missing file path for key name {:?} in source {source:?}",
            &source[..source.len() - 1]
        ));
    }
    if n > 1 {
        return Err(format!(
            "source {source:?} key name or file path contains '='"
        ));
    }
    let (k, p) = source.split_once('=').unwrap_or((source, ""));
    Ok((k.to_string(), p.to_string()))
}

fn invalid(a: &GeneratorArgs, message: String) -> Error {
    Error::InvalidGenerator {
        name: a.name.clone(),
        message,
    }
}

/// The key/value pairs of a generator: env files, then literals, then files.
fn load_pairs(t: &Target<'_>, a: &GeneratorArgs) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    for p in &a.envs {
        let content = t
            .ldr
            .load(p)
            .map_err(|e| e.context(format!("env source files: [{}]", a.envs.join(" "))))?;
        let ctx = || format!("env source files: [{}]", a.envs.join(" "));
        // kustomize scans lines (bufio.Scanner: `\n`, then a trailing `\r` dropped) and
        // rejects a line that is not UTF-8, printing its bytes with Go's `%d`.
        for (n, raw) in content.split(|b| *b == b'\n').enumerate() {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(line) = std::str::from_utf8(raw) else {
                let bytes: Vec<String> = raw.iter().map(u8::to_string).collect();
                return Err(invalid(
                    a,
                    format!(
                        "line [{}] has invalid utf8 bytes : {}",
                        bytes.join(" "),
                        String::from_utf8_lossy(raw)
                    ),
                )
                .context(ctx()));
            };
            let line = if n == 0 {
                line.trim_start_matches('\u{feff}')
            } else {
                line
            };
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            if k.is_empty() {
                // kustomize drops an entry with an empty key (`=value`).
                continue;
            }
            out.push((k.to_string(), v.as_bytes().to_vec()));
        }
    }
    for s in &a.literals {
        match s.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.push((k.to_string(), remove_quotes(v).as_bytes().to_vec()))
            }
            _ => {
                return Err(invalid(
                    a,
                    format!(
                        "literal sources [{}]: invalid literal source {s}, expected key=value",
                        a.literals.join(" ")
                    ),
                ))
            }
        }
    }
    for s in &a.files {
        let (k, p) = parse_file_source(s)
            .map_err(|m| invalid(a, m).context(format!("file sources: [{}]", a.files.join(" "))))?;
        let content = t
            .ldr
            .load(&p)
            .map_err(|e| e.context(format!("file sources: [{}]", a.files.join(" "))))?;
        out.push((k, content));
    }
    Ok(out)
}

/// Standard base64 with padding (Go's `base64.StdEncoding.EncodeToString`).
pub(crate) fn base64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// kyaml's encoding of Secret data and ConfigMap binaryData: base64 in lines of 70 characters, each ended by a newline,
/// when the text needs more than one line.
fn secret_base64(data: &[u8]) -> String {
    const LINE: usize = 70;
    let enc = base64(data);
    if enc.len() / LINE == 0 {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / LINE + 1);
    for chunk in enc.as_bytes().chunks(LINE) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out
}

fn sorted_map(pairs: &[(String, String)]) -> Value {
    let mut m = Map::default();
    let mut v: Vec<&(String, String)> = pairs.iter().collect();
    v.sort();
    for (k, val) in v {
        m.insert(k.as_str().into(), Value::from(val.as_str()));
    }
    Value::from_map(m)
}

impl Generate for DataGenerator {
    fn describe(&self) -> String {
        format!(
            "{} {}",
            if self.secret { "secret" } else { "configmap" },
            self.args.name
        )
    }

    fn generate(self: Box<Self>) -> Result<Vec<Resource>, Error> {
        let DataGenerator {
            args: a,
            secret,
            origin,
            file,
            pairs,
        } = *self;
        let kind = if secret { "Secret" } else { "ConfigMap" };
        if a.name.is_empty() {
            return Err(invalid(&a, "a configmap must have a name".into()));
        }
        let pairs = pairs
            .map_err(|e| e.context("loading KV pairs"))
            .map_err(|e| e.context(format!("{file}: {kind} {}", a.name)))?;
        let mut seen = std::collections::HashSet::new();
        let mut data = Map::default();
        let mut binary = Map::default();
        let mut sorted: Vec<&(String, Vec<u8>)> = Vec::with_capacity(pairs.len());
        for p in &pairs {
            if !seen.insert(p.0.as_str()) {
                return Err(invalid(
                    &a,
                    format!("configmap {} illegally repeats the key `{}`", a.name, p.0),
                ));
            }
            sorted.push(p);
        }
        sorted.sort_by(|x, y| x.0.cmp(&y.0));
        for (k, v) in sorted {
            if secret {
                data.insert(data_key(k), Value::from(secret_base64(v)));
            } else {
                match std::str::from_utf8(v) {
                    Ok(s) => {
                        data.insert(data_key(k), Value::from(s));
                    }
                    Err(_) => {
                        binary.insert(data_key(k), Value::from(secret_base64(v)));
                    }
                }
            }
        }
        let mut obj = Value::map();
        obj.insert("apiVersion", Value::from("v1"));
        obj.insert("kind", Value::from(kind));
        let mut md = Value::map();
        md.insert("name", Value::from(a.name.as_str()));
        if !a.namespace.is_empty() {
            md.insert("namespace", Value::from(a.namespace.as_str()));
        }
        let opts = a.options.clone().unwrap_or_default();
        if let Some(l) = opts.labels.as_ref().filter(|l| !l.is_empty()) {
            md.insert("labels", sorted_map(l));
        }
        if let Some(l) = opts.annotations.as_ref().filter(|l| !l.is_empty()) {
            md.insert("annotations", sorted_map(l));
        }
        obj.insert("metadata", md);
        if secret {
            let ty = if a.secret_type.is_empty() {
                "Opaque"
            } else {
                a.secret_type.as_str()
            };
            obj.insert("type", Value::from(ty));
        }
        // kyaml's `LoadMapIntoSecretData` creates `data` before adding entries, so a Secret
        // has `data: {}` even with no sources (and its hash covers it); the ConfigMap
        // loader creates the field with its first entry.
        if secret || !data.is_empty() {
            obj.insert("data", Value::from_map(data));
        }
        if !binary.is_empty() {
            obj.insert("binaryData", Value::from_map(binary));
        }
        if opts.immutable {
            obj.insert("immutable", Value::from(true));
        }
        let mut r = Resource::new(obj);
        r.set_origin(Some(origin));
        r.set_behavior(Behavior::parse(&a.behavior));
        r.set_needs_hash_suffix(!opts.disable_name_suffix_hash);
        Ok(vec![r])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn file_sources() {
        assert_eq!(
            parse_file_source("a/b.txt"),
            Ok(("b.txt".into(), "a/b.txt".into()))
        );
        assert_eq!(
            parse_file_source("k=a/b.txt"),
            Ok(("k".into(), "a/b.txt".into()))
        );
        assert!(parse_file_source("=x").is_err());
        assert!(parse_file_source("a=b=c").is_err());
    }
}
