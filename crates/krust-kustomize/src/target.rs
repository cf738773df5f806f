//! One kustomization directory and its build (kustomize's `KustTarget`): accumulate
//! resources and field specs, generators, components, transformers; then, at the top only,
//! hash suffixes, name references, vars and the final order. This module only sequences:
//! the generators and transformers of a kustomization are configured by
//! [`transform::configure`] (every file they need read there), then applied; a configured
//! step sees the resources, never the target or its loader. What one build shares between
//! its kustomizations is in [`Build`]; nothing is shared between builds except the
//! kustomizer's sub-build cache.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use krust_model::openapi::Schema;

use crate::schema::{Builtin, SchemaState};

use krust_yaml::{Typing, Value};

use crate::error::ResultExt;
use crate::fs::FileSystem;
use crate::kustomization::Kustomization;
use crate::loader::{display, Loader};
use krust_model::{Origin, ResMap};

use crate::helm_chart::HelmOptions;
use crate::transform;
use crate::{Error, Kustomizer};

/// What a directory contributes to its parent (kustomize's `ResAccumulator`).
#[derive(Debug, Clone)]
pub(crate) struct Accumulated {
    pub resources: ResMap,
    /// Field specs: the defaults plus `configurations` here and below.
    pub config: Arc<transform::Config>,
    /// kyaml's process-wide schema state as this build goes (see [`crate::schema`]): a
    /// sub-build starts from its parent's and hands its own back.
    pub schema: SchemaState,
    /// The state this sub-build started from, and what it did to it, so that a cached
    /// sub-build can be replayed onto another state (see [`accumulate_directory`]).
    pub schema_entry: Builtin,
    pub met_unknown_kind: bool,
    pub used_schema: bool,
    /// `vars` declared here and below.
    pub vars: Vec<transform::vars::Var>,
    /// Every kustomization directory accumulated here and below, so that a cached
    /// sub-build still gets kustomize's cycle checks against its new ancestors.
    pub roots: Vec<PathBuf>,
    /// A `helmCharts` entry was inflated here or below: the result depends on the
    /// namespace inherited from the including kustomizations (see [`accumulate_directory`]).
    pub helm: bool,
}

impl Accumulated {
    pub(crate) fn new(kz: &Kustomizer) -> Result<Self, Error> {
        Ok(Accumulated {
            resources: ResMap::new(),
            config: kz.default_config()?,
            schema: SchemaState::default(),
            schema_entry: Builtin::NotParsed,
            met_unknown_kind: false,
            used_schema: false,
            vars: Vec::new(),
            roots: Vec::new(),
            helm: false,
        })
    }
}

/// A loaded kustomization file.
#[derive(Debug)]
pub(crate) struct Target<'a> {
    pub ldr: Loader<'a>,
    pub k: Kustomization,
    /// Path of the kustomization file, for error messages.
    pub file: String,
    /// Whether the build records origins and transformations (the top kustomization has
    /// `buildMetadata`; kustomize copies it down to every kustomization it includes).
    pub tracking: bool,
    /// The build's helm options (`--enable-helm` and the `--helm-*` flags).
    pub helm: HelmOptions,
    /// kustomize's `helmRootNamespace`: the namespace of the nearest including
    /// kustomization that sets one, for `helmCharts` entries without a namespace when this
    /// kustomization sets none either.
    pub helm_namespace: String,
}

/// What one build shares between the kustomizations it accumulates: its kustomizer, and
/// state kept for the build only (never between builds, so that builds on many threads
/// share no lock).
pub(crate) struct Build<'k> {
    kz: &'k Kustomizer,
    /// Field-spec table merges already made in this build.
    pub configs: RefCell<transform::config::Memo>,
}

impl<'k> Build<'k> {
    fn new(kz: &'k Kustomizer) -> Self {
        Build {
            kz,
            configs: RefCell::default(),
        }
    }
}

impl std::ops::Deref for Build<'_> {
    type Target = Kustomizer;
    fn deref(&self) -> &Kustomizer {
        self.kz
    }
}

pub(crate) fn build(kz: &Kustomizer, fs: &dyn FileSystem, path: &Path) -> Result<ResMap, Error> {
    let kz = &Build::new(kz);
    let ldr = Loader::at(fs, path, kz.options.load_restrictor)?.limited(kz.options.limits);
    let mut t = Target::load(ldr)?;
    t.tracking = !t.k.build_metadata.is_empty();
    t.helm = kz.options.helm.clone();
    let mut ra = Accumulated::new(kz)?;
    // kustomize sets the top's schema with `reset` before anything else.
    set_schema(&t, &mut ra.schema, true)?;
    let acc = accumulate(kz, &t, ra)?;
    finish(kz, &t, acc)
}

/// [`Kustomizer::prebuild`]: `dir` as a base of a parent that sets no schema.
pub(crate) fn prebuild(kz: &Kustomizer, fs: &dyn FileSystem, dir: &Path) -> Result<(), Error> {
    let kz = &Build::new(kz);
    let ldr = Loader::at(fs, dir, kz.options.load_restrictor)?.limited(kz.options.limits);
    let mut ra = Accumulated::new(kz)?;
    ra.schema.set(None, None, true).map_err(invalid_schema)?;
    accumulate_directory(kz, &mut ra, ldr, false, false, "")
}

impl<'a> Target<'a> {
    /// Finds, reads and checks the kustomization file of `ldr.root`.
    pub fn load(ldr: Loader<'a>) -> Result<Self, Error> {
        let mut found = None;
        let mut count = 0;
        for name in crate::KUSTOMIZATION_FILE_NAMES {
            let p = ldr.root.join(name);
            if ldr.fs.exists(&p) && !ldr.fs.is_dir(&p) {
                count += 1;
                found = Some(p);
            }
        }
        let path = match (count, found) {
            (1, Some(p)) => p,
            (0, _) | (_, None) => {
                return Err(Error::MissingKustomization {
                    dir: display(&ldr.root),
                })
            }
            _ => {
                return Err(Error::MultipleKustomizations {
                    dir: display(&ldr.root),
                })
            }
        };
        let file = display(&path);
        let bytes = ldr.read_path(&path)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::InvalidKustomization {
            file: file.clone(),
            message: "not valid UTF-8".into(),
        })?;
        let docs = ldr
            .parse_stream(&text, &file, Typing::Yaml11)
            .map_err(|e| Error::InvalidKustomization {
                file: file.clone(),
                message: e.to_string(),
            })?;
        let doc = docs.into_iter().next().unwrap_or_default();
        let k = Kustomization::from_value(&doc).map_err(|message| Error::InvalidKustomization {
            file: file.clone(),
            message,
        })?;
        if is_empty_kustomization(&doc) {
            return Err(Error::EmptyKustomization { file });
        }
        let errs = k.enforce_fields();
        if !errs.is_empty() {
            return Err(Error::InvalidFields {
                dir: display(&ldr.root),
                errors: errs,
            });
        }
        Ok(Target {
            ldr,
            k,
            file,
            tracking: false,
            helm: HelmOptions::default(),
            helm_namespace: String::new(),
        })
    }
}

/// kustomize's `CheckEmpty`: nothing but `apiVersion`/`kind`.
fn is_empty_kustomization(doc: &Value) -> bool {
    match doc.as_map() {
        None => true,
        Some(m) => m.iter().all(|(k, v)| {
            k.eq_ignore_ascii_case("apiVersion") || k.eq_ignore_ascii_case("kind") || is_zero(v)
        }),
    }
}

fn is_zero(v: &Value) -> bool {
    v.is_null() || v.as_str() == Some("") || v.as_bool() == Some(false)
}

/// kustomize's `accumulateTarget`: everything a kustomization does, except the steps that
/// run once at the top of a build.
pub(crate) fn accumulate(
    kz: &Build<'_>,
    t: &Target<'_>,
    mut ra: Accumulated,
) -> Result<Accumulated, Error> {
    kz.cache.note_accumulated();
    ra.roots.push(t.ldr.root.clone());
    accumulate_resources(kz, t, &mut ra, &t.k.resources)
        .context_with(|| "accumulating resources".into())?;
    t.ldr.check_resources(&t.file, ra.resources.len())?;
    if !t.k.configurations.is_empty() {
        transform::config::merge_configurations(&mut kz.configs.borrow_mut(), t, &mut ra.config)?;
    }
    if !t.k.crds.is_empty() {
        transform::config::merge_crds(t, Arc::make_mut(&mut ra.config))
            .context_with(|| format!("loading CRDs [{}]", t.k.crds.join(" ")))?;
    }
    run_generators(kz, t, &mut ra)?;
    for path in &t.k.components {
        ra = accumulate_component(kz, t, ra, path)
            .context_with(|| "accumulating components".into())?;
    }
    run_transformers(kz, t, &mut ra)?;
    run_validators(kz, t, &mut ra)?;
    merge_vars(t, &mut ra)?;
    t.ldr.check_resources(&t.file, ra.resources.len())?;
    Ok(ra)
}

fn merge_vars(t: &Target<'_>, ra: &mut Accumulated) -> Result<(), Error> {
    if t.k.vars.is_empty() {
        return Ok(());
    }
    transform::vars::merge(&mut ra.resources, &mut ra.vars, &t.k.vars)
        .context_with(|| format!("merging vars {}", t.file))
}

/// Reads a file of resources (kustomize `rFactory.FromFile`).
pub(crate) fn read_resources(ldr: &Loader<'_>, path: &str) -> Result<ResMap, FileError> {
    let text = ldr.load_string(path).map_err(FileError::Load)?;
    let file = display(&ldr.join(path));
    let docs = ldr
        .parse_stream(&text, &file, Typing::Kyaml)
        .map_err(|e| FileError::Malformed(Error::from(e)))?;
    let origin = Arc::new(Origin::file(file.as_str()));
    let list = krust_model::resources_from_documents(docs, &origin)
        .map_err(|e| FileError::Malformed(Error::from(e)))?;
    ResMap::from_resources(list).map_err(|e| FileError::Load(Error::from(e)))
}

/// Why a resource file could not be used.
#[derive(Debug)]
pub(crate) enum FileError {
    /// Not readable (or not a file): the path may be a directory.
    Load(Error),
    /// Readable but not valid resources.
    Malformed(Error),
}

pub(crate) fn accumulate_resources(
    kz: &Build<'_>,
    t: &Target<'_>,
    ra: &mut Accumulated,
    paths: &[String],
) -> Result<(), Error> {
    for path in paths {
        let err_f = match read_resources(&t.ldr, path) {
            Ok(list) => match note_kinds(ra, &list).append_all(list.into_resources()) {
                Ok(()) => continue,
                // kustomize then tries the path as a directory, and reports both.
                Err(e) => Error::from(e).context(format!("merging resources from '{path}'")),
            },
            Err(FileError::Malformed(e)) => {
                return Err(Error::MalformedYaml { inner: Box::new(e) }
                    .context(format!("accumulating resources from '{path}'")));
            }
            Err(FileError::Load(e @ Error::Limit { .. })) => {
                return Err(e.context(format!("accumulating resources from '{path}'")));
            }
            Err(FileError::Load(e)) => e.context(format!("accumulating resources from '{path}'")),
        };
        if crate::loader::is_remote(path) {
            return Err(Error::Unsupported {
                file: t.file.clone(),
                entry: path.clone(),
                what: "a remote resource".into(),
            });
        }
        let ldr = t
            .ldr
            .child(path)
            .context_with(|| format!("accumulation err='{err_f}'"))?;
        accumulate_directory(kz, ra, ldr, false, t.tracking, helm_namespace(t))
            .context_with(|| format!("accumulation err='{err_f}'"))?;
    }
    Ok(())
}

fn accumulate_component(
    kz: &Build<'_>,
    t: &Target<'_>,
    ra: Accumulated,
    path: &str,
) -> Result<Accumulated, Error> {
    if crate::loader::is_remote(path) {
        // Named by the kustomization file, as a remote resource is.
        return Err(Error::Unsupported {
            file: t.file.clone(),
            entry: path.to_string(),
            what: "a remote component".into(),
        });
    }
    let ldr = t.ldr.child(path).map_err(|e| Error::Quoted {
        context: "loader.New".into(),
        inner: Box::new(e),
    })?;
    let mut ra = ra;
    accumulate_directory(kz, &mut ra, ldr, true, t.tracking, helm_namespace(t)).map_err(|e| {
        Error::Quoted {
            context: "accumulateDirectory:".into(),
            inner: Box::new(e),
        }
    })?;
    Ok(ra)
}

/// The namespace `t` hands down to the kustomizations it includes for their `helmCharts`
/// (kustomize's `helmRootNamespace`).
fn helm_namespace<'t>(t: &'t Target<'_>) -> &'t str {
    if t.k.namespace.is_empty() {
        &t.helm_namespace
    } else {
        &t.k.namespace
    }
}

/// kustomize's `accumulateDirectory`. `helm_ns` is the including kustomization's
/// [`helm_namespace`]: a cached sub-build that inflated charts was built without one, so
/// it is reused (and a new one stored) only when there is none.
///
/// A base (not a component) is looked up in the cache (see [`crate::cache`]); a fresh
/// build records what it reads so the entry can be checked against later file systems.
/// Either way, what it observed is added to the enclosing cached sub-build's record.
fn accumulate_directory(
    kz: &Build<'_>,
    ra: &mut Accumulated,
    ldr: Loader<'_>,
    is_component: bool,
    tracking: bool,
    helm_ns: &str,
) -> Result<(), Error> {
    let root = ldr.root.clone();
    let root_s = display(&root);
    if is_component {
        let sub = load_sub(kz, ldr, tracking, helm_ns, &root_s)?;
        set_schema(&sub, &mut ra.schema, false)?;
        check_kind(&sub, is_component, &root_s)?;
        let taken = std::mem::replace(ra, Accumulated::new(kz)?);
        *ra = accumulate(kz, &sub, taken)
            .context_with(|| format!("recursed accumulation of path '{root_s}'"))?;
        return Ok(());
    }
    if !kz.options.cache {
        // Nothing is kept: the base's values are shared with no cached copy, so the
        // including kustomization's transforms change them in place.
        let acc = build_sub(kz, ldr, tracking, helm_ns, &root_s, ra)?;
        return merge_owned(kz, ra, acc)
            .context_with(|| format!("recursed merging from path '{root_s}'"));
    }
    let key = ra.schema.cache_key();
    let slot = kz.cache.slot((root.clone(), tracking, key));
    // Held while this key is built, so that concurrent misses build it once.
    let mut guard = crate::cache::lock(&slot);
    if let Some(entry) = guard.clone() {
        let sub = &entry.acc;
        // The directories below were checked against the ancestors of the build that
        // cached them. If one contains an ancestor of this build, build again so the
        // cycle is reported where kustomize reports it. A sub-build that set the schema
        // composed it from the built-in parse status it started with.
        let sets_schema = sub.schema.cache_key() != ra.schema.cache_key();
        if (!sub.helm || helm_ns.is_empty())
            && sub.roots.iter().skip(1).all(|d| ldr.check_cycle(d).is_ok())
            && (!sets_schema || sub.schema_entry == ra.schema.builtin())
            && kz.cache.still_valid(&entry, ldr.real, ldr.call)
        {
            drop(guard);
            kz.cache.note_reused();
            if let Some(rec) = ldr.rec {
                rec.absorb(&entry.observed);
            }
            return merge_accumulated(kz, ra, sub)
                .context_with(|| format!("recursed merging from path '{root_s}'"));
        }
    }
    let parent_rec = ldr.rec;
    let call = ldr.call;
    let rec = crate::cache::Recorder::new(ldr.real);
    let acc = { build_sub(kz, ldr.recording(&rec), tracking, helm_ns, &root_s, ra)? };
    let observed = rec.finish();
    if let Some(p) = parent_rec {
        p.absorb(&observed);
    }
    let acc = Arc::new(acc);
    if !acc.helm || helm_ns.is_empty() {
        *guard = Some(Arc::new(crate::cache::Entry::new(
            acc.clone(),
            observed,
            call,
        )));
    }
    drop(guard);
    merge_accumulated(kz, ra, &acc)
        .context_with(|| format!("recursed merging from path '{root_s}'"))
}

/// The kustomization of a base or component directory.
/// Builds a (non-component) base afresh: loaded, kind-checked, and accumulated from the
/// including build's schema (a base's own `openapi:` composes onto it, without reset).
fn build_sub(
    kz: &Build<'_>,
    ldr: Loader<'_>,
    tracking: bool,
    helm_ns: &str,
    root_s: &str,
    ra: &Accumulated,
) -> Result<Accumulated, Error> {
    let sub = load_sub(kz, ldr, tracking, helm_ns, root_s)?;
    let mut fresh = Accumulated::new(kz)?;
    fresh.schema = ra.schema.clone();
    fresh.schema_entry = ra.schema.builtin();
    check_kind(&sub, false, root_s)?;
    set_schema(&sub, &mut fresh.schema, false)?;
    accumulate(kz, &sub, fresh).context_with(|| format!("recursed accumulation of path '{root_s}'"))
}

fn load_sub<'a>(
    kz: &Build<'_>,
    ldr: Loader<'a>,
    tracking: bool,
    helm_ns: &str,
    root_s: &str,
) -> Result<Target<'a>, Error> {
    let mut sub =
        Target::load(ldr).context_with(|| format!("couldn't make target for path '{root_s}'"))?;
    sub.tracking = tracking;
    sub.helm = kz.options.helm.clone();
    sub.helm_namespace = helm_ns.to_string();
    Ok(sub)
}

fn check_kind(sub: &Target<'_>, is_component: bool, root_s: &str) -> Result<(), Error> {
    if is_component != sub.k.is_component() {
        return Err(Error::WrongKind {
            path: root_s.to_string(),
            kind: sub.k.kind.clone(),
            component_expected: is_component,
        });
    }
    Ok(())
}

/// Records the namespace-scope checks kustomize makes on newly read resources.
fn note_kinds<'r>(ra: &'r mut Accumulated, list: &ResMap) -> &'r mut ResMap {
    for r in list.iter() {
        let gvk = &r.cur_id().gvk;
        if Schema::builtin()
            .root(&gvk.api_version(), gvk.kind())
            .is_none()
        {
            ra.met_unknown_kind = true;
            ra.schema.note_kind(gvk);
        }
    }
    &mut ra.resources
}

/// kustomize `openapi.SetSchema` for one kustomization's `openapi:` field (the schema file
/// is read even when a schema is already set, as kustomize does).
fn set_schema(t: &Target<'_>, state: &mut SchemaState, reset: bool) -> Result<(), Error> {
    let Some(fields) = t.k.openapi.as_deref() else {
        return state.set(None, None, reset).map_err(invalid_schema);
    };
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let custom = match get("path") {
        Some(path) => {
            let text = t.ldr.load_string(path)?;
            let file = display(&t.ldr.join(path));
            let docs = t.ldr.parse_stream(&text, &file, Typing::Kyaml)?;
            let digest = {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                text.hash(&mut h);
                h.finish()
            };
            Some((file, digest, docs.into_iter().next().unwrap_or_default()))
        }
        None => None,
    };
    state
        .set(get("version"), custom, reset)
        .map_err(invalid_schema)
}

fn invalid_schema(message: String) -> Error {
    Error::InvalidSchema { message }
}

/// kustomize `MergeAccumulator` of a cached sub-build (its resources are copied).
fn merge_accumulated(kz: &Build<'_>, ra: &mut Accumulated, sub: &Accumulated) -> Result<(), Error> {
    merge_parts(kz, ra, sub, sub.resources.iter().cloned())
}

/// [`merge_accumulated`] of a sub-build nothing else holds: its resources are moved.
fn merge_owned(kz: &Build<'_>, ra: &mut Accumulated, mut sub: Accumulated) -> Result<(), Error> {
    let resources = std::mem::take(&mut sub.resources);
    merge_parts(kz, ra, &sub, resources.into_resources())
}

fn merge_parts(
    kz: &Build<'_>,
    ra: &mut Accumulated,
    sub: &Accumulated,
    resources: impl IntoIterator<Item = krust_model::Resource>,
) -> Result<(), Error> {
    if sub.schema.cache_key() != ra.schema.cache_key() {
        ra.schema = sub.schema.clone();
    } else {
        ra.schema.replay(sub.met_unknown_kind, sub.used_schema);
    }
    ra.met_unknown_kind |= sub.met_unknown_kind;
    ra.used_schema |= sub.used_schema;
    ra.roots.extend(sub.roots.iter().cloned());
    ra.helm |= sub.helm;
    ra.resources.append_all(resources)?;
    transform::config::merge_base(&mut kz.configs.borrow_mut(), &mut ra.config, &sub.config)?;
    for v in &sub.vars {
        if ra.vars.iter().any(|x| x.name == v.name) {
            return Err(Error::DuplicateVar {
                name: v.name.clone(),
            });
        }
        ra.vars.push(v.clone());
    }
    Ok(())
}

/// kustomize `runGenerators`: every generator configured, then each run and its
/// resources absorbed.
fn run_generators(kz: &Build<'_>, t: &Target<'_>, ra: &mut Accumulated) -> Result<(), Error> {
    let gens = transform::configure::generators(kz, t)?;
    ra.helm |= !t.k.helm_charts.is_empty();
    for g in gens {
        let described = g.describe();
        let generated = g.generate()?;
        for r in generated {
            transform::absorb(&mut ra.resources, r)
                .context_with(|| format!("{}: merging from generator {described}", t.file))?;
        }
    }
    Ok(())
}

/// kustomize `runTransformers`: every transformer configured, then each applied.
fn run_transformers(kz: &Build<'_>, t: &Target<'_>, ra: &mut Accumulated) -> Result<(), Error> {
    let schema = ra.schema.effective().map_err(invalid_schema)?;
    let steps = transform::configure::transformers(kz, t, &ra.config, schema.as_ref())?;
    if steps.iter().any(|s| s.transform.uses_schema()) {
        ra.used_schema = true;
        ra.schema.note_schema_use();
    }
    for step in steps {
        step.transform.apply(&mut ra.resources)?;
        if t.tracking {
            transform::origin::record(&mut ra.resources, &step.origin);
        }
    }
    Ok(())
}

/// kustomize `runValidators`: each `validators:` entry, which must leave the resources as
/// they are.
fn run_validators(kz: &Build<'_>, t: &Target<'_>, ra: &mut Accumulated) -> Result<(), Error> {
    if t.k.validators.is_empty() {
        return Ok(());
    }
    let schema = ra.schema.effective().map_err(invalid_schema)?;
    for v in transform::configure::validators(kz, t, schema.as_ref())? {
        let before = ra.resources.clone();
        v.transform.apply(&mut ra.resources)?;
        if before.resources() != ra.resources.resources() {
            return Err(Error::ValidatorModified);
        }
    }
    Ok(())
}

/// The steps kustomize runs once, at the top of a build.
fn finish(kz: &Build<'_>, t: &Target<'_>, mut ra: Accumulated) -> Result<ResMap, Error> {
    transform::hash::add_hashes(&mut ra.resources)?;
    transform::nameref::fix_back_references(&mut ra.resources, &ra.config)?;
    transform::vars::resolve(&mut ra.resources, &ra.vars, &ra.config)?;
    transform::drop_local_config(&mut ra.resources);
    transform::sort::apply(kz, t, &mut ra.resources)?;
    if t.k.build_metadata.iter().any(|b| b == "originAnnotations") {
        transform::origin::annotate(&mut ra.resources, &t.ldr.root);
    }
    if t.tracking {
        let keep =
            t.k.build_metadata
                .iter()
                .any(|b| b == "transformerAnnotations");
        transform::origin::finish_transformations(&mut ra.resources, &t.ldr.root, keep);
    }
    if kz.options.add_managed_by_label || t.k.build_metadata.iter().any(|b| b == "managedByLabel") {
        transform::labels::add_managed_by(&mut ra.resources);
    }
    crate::helm_chart::remove_marks(&mut ra.resources);
    transform::rewrite_annotations(&mut ra.resources);
    Ok(ra.resources)
}
