//! krust-kustomize: builds kustomizations the way `kustomize build` does.
//!
//! Building a directory on disk:
//!
//! ```
//! use krust_kustomize::{DiskFs, Kustomizer, Options, Reorder};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir_all(dir.path().join("base"))?;
//! std::fs::write(
//!     dir.path().join("base/kustomization.yaml"),
//!     "resources:\n- cm.yaml\n",
//! )?;
//! std::fs::write(
//!     dir.path().join("base/cm.yaml"),
//!     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: v\n",
//! )?;
//! std::fs::create_dir_all(dir.path().join("prod"))?;
//! std::fs::write(
//!     dir.path().join("prod/kustomization.yaml"),
//!     "namePrefix: prod-\nresources:\n- ../base\n",
//! )?;
//!
//! let k = Kustomizer::new(Options::default().reorder(Reorder::None));
//! let out = k.build(&DiskFs, &dir.path().join("prod"))?;
//! assert_eq!(
//!     out.to_yaml()?,
//!     "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: prod-app\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Building from an in-memory file system (an embedder's sources, tests), with the
//! errors a caller can match:
//!
//! ```
//! use krust_kustomize::{Error, Kustomizer, MemFs, Options};
//!
//! let fs = MemFs::from_files([
//!     ("app/kustomization.yaml", "namespace: team-a\nresources:\n- cm.yaml\n"),
//!     (
//!         "app/cm.yaml",
//!         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
//!     ),
//!     ("bad/kustomization.yaml", "resources:\n- ../../etc/passwd\n"),
//! ]);
//! let k = Kustomizer::new(Options::default());
//! let out = k.build(&fs, "/app".as_ref())?;
//! assert_eq!(
//!     out.to_yaml()?,
//!     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: team-a\n"
//! );
//! let err = k.build(&fs, "/bad".as_ref()).unwrap_err();
//! assert!(matches!(err.root_cause(), Error::Io { .. } | Error::NotADirectory { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Kustomizer`] is `Send + Sync` and keeps no global state. It caches the accumulated
//! result of every base directory it builds, so many overlays of one base build the base
//! once, also when they are built at the same time on many threads. An entry is keyed by
//! the directory, origin tracking and the OpenAPI schema inherited from the including
//! kustomization (schema file and content), and carries what its build read of the file
//! system: a later build (on any file system: another [`MemFs`], a mutated one, files
//! changed on disk) reuses it only when the file system still gives the same answers, and
//! builds it again otherwise. [`Kustomizer::cache_stats`] counts builds and reuses;
//! [`Kustomizer::clear_cache`] frees the memory.
//!
//! # What is supported
//! `resources` (files, directories, `kind: List`), `components`, `configMapGenerator`,
//! `secretGenerator`, `generatorOptions`, `patches` (strategic merge and JSON 6902, with
//! targets), `patchesStrategicMerge`, `patchesJson6902`, `namespace`, `namePrefix`,
//! `nameSuffix`, `labels`, `commonLabels`, `commonAnnotations`, `images`, `replicas`,
//! `replacements`, `vars`, `configurations`, `crds`, `openapi`, `sortOptions`,
//! `buildMetadata`, builtin plugin configs in `generators`/`transformers`/`validators`,
//! name-reference fix-ups and content-hash suffixes, all in kustomize's order.
//! `helmCharts`/`helmGlobals` (with `Options::helm.enabled`, kustomize's `--enable-helm`),
//! rendered by krust-chart from charts on disk; a chart that would have to be downloaded
//! is an error.
//!
//! # Limitations
//! Nothing is fetched or executed: remote resources and bases, remote charts, KRM functions
//! and exec/Go plugins are errors naming the kustomization and entry. Replacements into
//! structured data inside a string (kustomize v5.8.1, `setValueInStructuredData`) are not
//! done. The `openapi` schema follows kyaml's process-wide schema within one build (see
//! the `schema` module); where a custom schema is layered over the built-in one, a
//! built-in definition krust's compact table leaves out (no patch metadata below it) does
//! not hide a same-named custom one.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cache;
mod decode;
mod error;
mod fs;
mod helm_chart;
pub(crate) mod kustomization;
mod loader;
mod schema;
mod target;
pub(crate) mod transform;
mod util;

#[doc = include_str!("versions.md")]
pub mod versions {}

use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use cache::CacheStats;

pub use error::{Error, LimitKind};
pub use fs::{clean_path, DiskFs, FileSystem, MemFs};
pub use helm_chart::HelmOptions;
pub use krust_model::{Behavior, ResMap, Resource};

/// Which files a kustomization may read (kustomize `--load-restrictor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LoadRestrictor {
    /// Files must be in or below the kustomization's directory
    /// (`LoadRestrictionsRootOnly`).
    #[default]
    RootOnly,
    /// Any file may be read (`LoadRestrictionsNone`).
    None,
}

/// The order of the output (kustomize `--reorder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Reorder {
    /// Keep the order resources were accumulated in (`--reorder=none`).
    None,
    /// kustomize's legacy kind order (`--reorder=legacy`).
    Legacy,
    /// The CLI default: legacy unless the kustomization has `sortOptions`.
    #[default]
    Unspecified,
}

/// Build options.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Options {
    /// Which files a kustomization may read.
    pub load_restrictor: LoadRestrictor,
    /// How the output is ordered.
    pub reorder: Reorder,
    /// Add `app.kubernetes.io/managed-by: kustomize-<version>` to every resource.
    pub add_managed_by_label: bool,
    /// Allow non-builtin plugins (krust runs none; with this off, using one is kustomize's
    /// "external plugins disabled" error).
    pub plugins_enabled: bool,
    /// kustomize's `--enable-helm` and its `--helm-*` flags.
    pub helm: HelmOptions,
    /// Bounds that make hostile input fail fast.
    pub limits: Limits,
    /// Keep accumulated bases in the kustomizer's sub-build cache (default true). Off,
    /// every base is accumulated where it is included, as kustomize does, and nothing
    /// outlives a build: lower peak memory for one-shot builds.
    pub cache: bool,
}

/// Bounds a build enforces so that a hostile repository fails with an error naming the
/// file, instead of exhausting memory. kustomize has none of them.
///
/// # The defaults
/// A build's memory goes mostly to the nodes of the documents it holds (~150-300 bytes
/// each, whatever their shape) and to the text of large scalars, so the defaults bound the
/// nodes, the bytes and the resources of one build:
///
/// | limit | default | a 1000-tenant fleet (gen_fleet, production cluster) |
/// |---|---|---|
/// | [`Limits::max_nodes`] | 4,000,000 | 1,041,132 nodes |
/// | [`Limits::max_total_bytes`] | 256 MiB | 23.5 MB in 20,335 file reads |
/// | [`Limits::max_file_bytes`] | 8 MiB | largest file 43 KB |
/// | [`Limits::max_resources`] | 100,000 | 25,333 resources |
///
/// That fleet builds in ~300 MB; the largest inputs of the conformance suites (an OpenAPI
/// schema of 4.6 MB, CRD bundles of 1.4 MB) are below the file bound. What the defaults
/// permit at worst stays around 1 GiB: the nodes of one build ~0.7-1.1 GB; one file of
/// 8 MiB of the densest YAML (one-entry maps) ~1 GB while it is read; 256 MiB of large
/// scalars ~0.6 GB; a diamond of bases (each level includes the next twice under two
/// name prefixes) stops at the first level past 100,000 resources, 131,072, ~1 GB.
/// Builds that need more raise them.
///
/// ```
/// use krust_kustomize::{Limits, Options};
/// let options = Options::default().limits(
///     Limits::default()
///         .max_resources(10_000)
///         .max_nodes(1_000_000)
///         .max_file_bytes(1 << 20)
///         .max_total_bytes(16 << 20)
///         .yaml(krust_yaml::Limits::default().max_depth(100)),
/// );
/// assert_eq!(options.limits.max_resources, 10_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most resources one kustomization may accumulate, its bases and components included
    /// (default 100,000). Checked as each kustomization is accumulated, so that bases
    /// included many times over (a diamond of overlays) stop at the first level past it.
    /// Going past it is [`Error::Limit`] with [`LimitKind::Resources`].
    pub max_resources: usize,
    /// Most nodes (documents, mapping values and sequence items; keys not counted) of the
    /// documents one build reads from resource and kustomization files, all files together,
    /// a file read twice counted twice (default 4,000,000). Going past it is
    /// [`Error::Yaml`] holding a [`krust_yaml::Error::Limit`] at the document that crossed
    /// it.
    pub max_nodes: u64,
    /// Largest file, in bytes, a build reads (default 8 MiB): kustomization files,
    /// resources, patches, generator sources, schemas. Refused before it is read where the
    /// file system can tell its size. Going past it is [`Error::Limit`] with
    /// [`LimitKind::FileBytes`].
    pub max_file_bytes: u64,
    /// Most bytes one build reads, all files together, a file read twice counted twice
    /// (default 256 MiB). Going past it is [`Error::Limit`] with [`LimitKind::TotalBytes`],
    /// naming the file whose read crossed it.
    pub max_total_bytes: u64,
    /// The YAML reader's bounds (alias expansion, nesting depth, indentation repairs, input
    /// size) for the files a build parses through its loader: resources and kustomization
    /// files (patches, `configurations:`, replacement sources and schemas as their reads
    /// move there); see [`krust_yaml::Limits`] for their defaults. Going past one is
    /// [`Error::Yaml`] holding [`krust_yaml::Error::Limit`].
    pub yaml: krust_yaml::Limits,
}

impl Limits {
    /// The defaults: 100,000 resources, 4,000,000 nodes, 8 MiB files, 256 MiB read in
    /// all, [`krust_yaml::Limits::DEFAULT`].
    pub const DEFAULT: Limits = Limits {
        max_resources: 100_000,
        max_nodes: 4_000_000,
        max_file_bytes: 8 << 20,
        max_total_bytes: 256 << 20,
        yaml: krust_yaml::Limits::DEFAULT,
    };

    /// These limits with [`Limits::max_resources`] set.
    #[must_use]
    pub fn max_resources(mut self, n: usize) -> Self {
        self.max_resources = n;
        self
    }

    /// These limits with [`Limits::max_nodes`] set.
    #[must_use]
    pub fn max_nodes(mut self, n: u64) -> Self {
        self.max_nodes = n;
        self
    }

    /// These limits with [`Limits::max_file_bytes`] set.
    #[must_use]
    pub fn max_file_bytes(mut self, n: u64) -> Self {
        self.max_file_bytes = n;
        self
    }

    /// These limits with [`Limits::max_total_bytes`] set.
    #[must_use]
    pub fn max_total_bytes(mut self, n: u64) -> Self {
        self.max_total_bytes = n;
        self
    }

    /// These limits with [`Limits::yaml`] set.
    #[must_use]
    pub fn yaml(mut self, yaml: krust_yaml::Limits) -> Self {
        self.yaml = yaml;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

impl std::hash::Hash for Limits {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let y = &self.yaml;
        let sizes = (self.max_nodes, self.max_file_bytes, self.max_total_bytes);
        (self.max_resources, sizes).hash(h);
        (y.max_nodes, y.max_depth, y.max_repairs, y.max_bytes).hash(h);
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            load_restrictor: LoadRestrictor::RootOnly,
            reorder: Reorder::Unspecified,
            add_managed_by_label: false,
            plugins_enabled: false,
            helm: HelmOptions::default(),
            limits: Limits::DEFAULT,
            cache: true,
        }
    }
}

impl Options {
    /// Sets [`Options::load_restrictor`].
    #[must_use]
    pub fn load_restrictor(mut self, r: LoadRestrictor) -> Self {
        self.load_restrictor = r;
        self
    }

    /// Sets [`Options::reorder`].
    #[must_use]
    pub fn reorder(mut self, r: Reorder) -> Self {
        self.reorder = r;
        self
    }

    /// Sets [`Options::add_managed_by_label`].
    #[must_use]
    pub fn add_managed_by_label(mut self, on: bool) -> Self {
        self.add_managed_by_label = on;
        self
    }

    /// Sets [`Options::plugins_enabled`].
    #[must_use]
    pub fn plugins_enabled(mut self, on: bool) -> Self {
        self.plugins_enabled = on;
        self
    }

    /// Sets [`Options::helm`].
    #[must_use]
    pub fn helm(mut self, helm: HelmOptions) -> Self {
        self.helm = helm;
        self
    }

    /// Sets [`Options::cache`].
    #[must_use]
    pub fn cache(mut self, on: bool) -> Self {
        self.cache = on;
        self
    }

    /// Sets [`Options::limits`].
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets [`Limits::max_resources`] of [`Options::limits`].
    #[must_use]
    pub fn max_resources(mut self, n: usize) -> Self {
        self.limits.max_resources = n;
        self
    }

    /// Sets [`Limits::max_file_bytes`] of [`Options::limits`].
    #[must_use]
    pub fn max_file_bytes(mut self, n: u64) -> Self {
        self.limits.max_file_bytes = n;
        self
    }

    /// Sets [`Limits::yaml`] of [`Options::limits`]: the YAML reader's bounds.
    #[must_use]
    pub fn yaml_limits(mut self, yaml: krust_yaml::Limits) -> Self {
        self.limits.yaml = yaml;
        self
    }
}

/// The kustomize version krust follows (the one Flux's kustomize-controller links; used by
/// the managed-by label). Where the kubectl oracles' kustomize versions differ from it,
/// see [`versions`].
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";

/// The file names kustomize recognises as a directory's kustomization, in the order it
/// looks for them (kustomize `konfig.RecognizedKustomizationFileNames`); a directory with
/// more than one of them is an error.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Builds kustomizations. Cheap to share between threads.
#[derive(Debug, Default)]
pub struct Kustomizer {
    options: Options,
    /// Accumulated sub-builds (see the `cache` module).
    cache: cache::Cache,
    /// kustomize's default field specs, parsed once.
    defaults: OnceLock<Arc<transform::Config>>,
}

impl Kustomizer {
    /// A kustomizer with `options` and an empty cache.
    pub fn new(options: Options) -> Self {
        Kustomizer {
            options,
            cache: cache::Cache::default(),
            defaults: OnceLock::new(),
        }
    }

    /// The options it builds with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Forgets every cached sub-build.
    pub fn clear_cache(&self) {
        self.cache.clear();
    }

    /// How its builds used the sub-build cache so far.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Builds the kustomization in `path` (a directory).
    pub fn build(&self, fs: &dyn FileSystem, path: &Path) -> Result<ResMap, Error> {
        target::build(self, fs, path)
    }

    /// Accumulates the kustomization in `dir` exactly as a parent's `resources:` entry
    /// would (a parent with no `openapi:` and no `buildMetadata`), storing it in the
    /// sub-build cache so later builds that include `dir` reuse it; a no-op when it is
    /// cached already. Lets an embedder build shared bases first, in parallel.
    pub fn prebuild(&self, fs: &dyn FileSystem, dir: &Path) -> Result<(), Error> {
        target::prebuild(self, fs, dir)
    }

    pub(crate) fn default_config(&self) -> Result<Arc<transform::Config>, Error> {
        if let Some(c) = self.defaults.get() {
            return Ok(c.clone());
        }
        let c = Arc::new(transform::config::defaults());
        Ok(self.defaults.get_or_init(|| c).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sets_each_option() {
        let o = Options::default()
            .load_restrictor(LoadRestrictor::None)
            .reorder(Reorder::None)
            .add_managed_by_label(true)
            .plugins_enabled(true);
        assert_eq!(o.load_restrictor, LoadRestrictor::None);
        assert_eq!(o.reorder, Reorder::None);
        assert!(o.add_managed_by_label && o.plugins_enabled);
    }

    #[test]
    fn kustomizer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Kustomizer>();
        check::<MemFs>();
        check::<DiskFs>();
    }
}
