//! The OpenAPI schema strategic-merge patches use, as kustomize's process-wide kyaml
//! schema evolves during one build (kyaml `openapi.SetSchema`, `initSchema`).
//!
//! kustomize sets the schema with `reset` from the top kustomization before anything else,
//! then without `reset` from every kustomization `accumulateDirectory` meets (bases and
//! components, depth first): the first `openapi:` field wins for the rest of the build,
//! including the patches of bases met later and the top's own. A custom schema is parsed
//! into a table that may already hold the built-in one:
//! - nothing parsed yet: the custom schema alone (a `$ref` to a built-in definition does
//!   not resolve);
//! - the built-in schema already parsed (a strategic-merge patch ran with it): the custom
//!   definitions are added over it;
//! - the built-in parse *delayed* (a namespace-scope check met a kind kyaml has no
//!   precomputed answer for, i.e. not a built-in kind): the built-in schema is parsed after
//!   the custom one, so built-in definitions win where both define a name.
//!
//! [`SchemaState`] is that state; a sub-build's output depends on it, so it is part of the
//! sub-build cache key ([`SchemaState::cache_key`]).

use std::sync::Arc;

use krust_model::openapi::Schema;
use krust_model::Gvk;
use krust_yaml::Value;

/// Whether kyaml has parsed its default built-in schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) enum Builtin {
    #[default]
    NotParsed,
    /// Flagged to be parsed when a schema is next needed.
    Delayed,
    Parsed,
}

/// A custom schema document set by an `openapi: {path: ...}` field.
#[derive(Debug)]
pub(crate) struct Custom {
    /// The schema file (with `digest`, its identity in cache keys).
    pub file: String,
    /// A digest of the schema file's text.
    pub digest: u64,
    pub doc: Value,
    /// The schema patches use, fixed when first needed.
    composed: std::sync::OnceLock<Result<Arc<Schema>, String>>,
}

/// kyaml's global schema variables during one build.
#[derive(Debug, Clone, Default)]
pub(crate) struct SchemaState {
    /// `kubernetesOpenAPIVersion != ""` (a builtin version was named).
    version_set: bool,
    custom: Option<Arc<Custom>>,
    builtin: Builtin,
}

/// What a sub-build's output can depend on: whether a schema is set and which custom one.
/// (The built-in parse status only matters when a custom schema gets set below; see
/// `target::accumulate_directory`.)
pub(crate) type SchemaKey = (bool, Option<(String, u64)>);

impl SchemaState {
    /// kyaml `SetSchema` for one kustomization's `openapi:` field (`doc`: the parsed custom
    /// schema file, when the field has a `path`).
    pub fn set(
        &mut self,
        version: Option<&str>,
        custom: Option<(String, u64, Value)>,
        reset: bool,
    ) -> Result<(), String> {
        if (self.version_set || self.custom.is_some()) && !reset {
            return Ok(());
        }
        if let Some((file, digest, doc)) = custom {
            if version.is_some() {
                return Err("builtin version and custom schema provided, cannot use both".into());
            }
            self.custom = Some(Arc::new(Custom {
                file,
                digest,
                doc,
                composed: std::sync::OnceLock::new(),
            }));
            self.version_set = true;
            return Ok(());
        }
        let version = version.unwrap_or("");
        self.version_set = !version.is_empty();
        if version.is_empty() {
            // kyaml returns here, leaving an earlier custom schema in place.
            return Ok(());
        }
        if version != "v1.21.2" {
            return Err("the specified OpenAPI version is not built in".into());
        }
        self.custom = None;
        Ok(())
    }

    /// A namespace-scope check on a resource of kind `gvk` (kustomize makes one for every
    /// resource id): with the default schema not yet parsed, a kind outside kyaml's
    /// precomputed table delays the built-in parse.
    pub fn note_kind(&mut self, gvk: &Gvk) {
        if self.custom.is_some() || self.builtin != Builtin::NotParsed {
            return;
        }
        if Schema::builtin()
            .root(&gvk.api_version(), gvk.kind())
            .is_none()
        {
            self.builtin = Builtin::Delayed;
        }
    }

    /// A strategic-merge patch is about to use the schema: the default one gets parsed.
    pub fn note_schema_use(&mut self) {
        if self.custom.is_none() {
            self.builtin = Builtin::Parsed;
        }
    }

    /// The custom schema patches use now, `None` for the built-in one.
    pub fn effective(&self) -> Result<Option<Arc<Schema>>, String> {
        let Some(c) = &self.custom else {
            return Ok(None);
        };
        let builtin = self.builtin;
        c.composed
            .get_or_init(|| {
                let s = match builtin {
                    Builtin::NotParsed => Schema::from_openapi(&c.doc),
                    Builtin::Parsed => Schema::layered(&c.doc, false),
                    Builtin::Delayed => Schema::layered(&c.doc, true),
                };
                s.map(Arc::new).map_err(|e| format!("{}: {e}", c.file))
            })
            .clone()
            .map(Some)
    }

    pub fn cache_key(&self) -> SchemaKey {
        (
            self.version_set,
            self.custom.as_ref().map(|c| (c.file.clone(), c.digest)),
        )
    }

    pub fn builtin(&self) -> Builtin {
        self.builtin
    }

    /// The state after a cached sub-build that did not set a schema: what it did to the
    /// built-in parse status (`unknown_kind`: it met a kind outside the built-in table,
    /// `used_schema`: it ran a strategic-merge patch).
    pub fn replay(&mut self, unknown_kind: bool, used_schema: bool) {
        if self.custom.is_some() {
            return;
        }
        if used_schema {
            self.builtin = Builtin::Parsed;
        } else if unknown_kind && self.builtin == Builtin::NotParsed {
            self.builtin = Builtin::Delayed;
        }
    }
}
