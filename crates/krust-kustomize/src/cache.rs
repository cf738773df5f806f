//! The sub-build cache of a [`crate::Kustomizer`].
//!
//! An entry is the accumulated result of one base directory, keyed by everything besides
//! the files that changes it: the canonical directory, origin tracking and the OpenAPI
//! schema state inherited from the including kustomization (by schema file *and* content).
//! The options are the kustomizer's own and never change.
//!
//! The file system is part of an entry's identity through what the sub-build observed of
//! it: every call it made ([`Recorder`]) and a digest of each answer. A later build reuses
//! the entry only when its file system gives the same answers (checked once per build call;
//! within one call the file system is borrowed and unchanged), so a mutated [`crate::MemFs`],
//! another file system with the same paths, or files edited on disk between builds are
//! rebuilt, never served stale.
//!
//! Concurrent misses of one key build it once: a key's slot is locked while it is built,
//! and the other builds wait for the result. Slots are locked parent before child, and a
//! kustomization never includes its own directory (a cycle error), so waits cannot form a
//! cycle.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::fs::FileSystem;
use crate::schema::SchemaKey;
use crate::target::Accumulated;

/// A sub-build cache key: directory, origin tracking, inherited schema.
pub(crate) type CacheKey = (PathBuf, bool, SchemaKey);

/// What a build call asked of a file system and a digest of the answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Observation {
    call: Call,
    path: PathBuf,
    answer: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Call {
    ReadFile,
    IsDir,
    Exists,
    ReadDir,
    Canonical,
    CanonicalFromCurrent,
}

fn digest<T: Hash + ?Sized>(x: &T) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

fn digest_io<T: Hash>(r: &io::Result<T>) -> u64 {
    match r {
        Ok(v) => digest(&(0u8, v)),
        Err(e) => digest(&(1u8, e.kind().to_string(), e.to_string())),
    }
}

/// Asks `fs` what `call` asked and digests the answer.
fn ask(fs: &dyn FileSystem, call: Call, path: &Path) -> u64 {
    match call {
        Call::ReadFile => digest_io(&fs.read_file(path)),
        Call::IsDir => digest(&fs.is_dir(path)),
        Call::Exists => digest(&fs.exists(path)),
        Call::ReadDir => digest_io(&fs.read_dir(path)),
        Call::Canonical => digest_io(&fs.canonical(path)),
        Call::CanonicalFromCurrent => digest_io(&fs.canonical_from_current(path)),
    }
}

/// A file system that forwards to another and records every call and answer, for the
/// observations of one cached sub-build.
pub(crate) struct Recorder<'a> {
    inner: &'a dyn FileSystem,
    log: Mutex<Vec<Observation>>,
}

impl std::fmt::Debug for Recorder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn FileSystem) -> Self {
        Recorder {
            inner,
            log: Mutex::new(Vec::new()),
        }
    }

    fn note(&self, call: Call, path: &Path, answer: u64) {
        lock(&self.log).push(Observation {
            call,
            path: path.to_path_buf(),
            answer,
        });
    }

    /// Adds what a sub-build below observed (a cached one reused, or a fresh one).
    pub fn absorb(&self, observed: &[Observation]) {
        lock(&self.log).extend_from_slice(observed);
    }

    /// Everything observed, sorted and without repeats.
    pub fn finish(self) -> Arc<[Observation]> {
        let mut v = self
            .log
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        v.sort_unstable();
        v.dedup();
        v.into()
    }
}

impl FileSystem for Recorder<'_> {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        let r = self.inner.read_file(path);
        self.note(Call::ReadFile, path, digest_io(&r));
        r
    }
    fn is_dir(&self, path: &Path) -> bool {
        let r = self.inner.is_dir(path);
        self.note(Call::IsDir, path, digest(&r));
        r
    }
    fn exists(&self, path: &Path) -> bool {
        let r = self.inner.exists(path);
        self.note(Call::Exists, path, digest(&r));
        r
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let r = self.inner.read_dir(path);
        self.note(Call::ReadDir, path, digest_io(&r));
        r
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let r = self.inner.canonical(path);
        self.note(Call::Canonical, path, digest_io(&r));
        r
    }
    fn file_len(&self, path: &Path) -> Option<u64> {
        // Not recorded: a file past the bound fails the build, so nothing is cached.
        self.inner.file_len(path)
    }
    fn current_dir(&self) -> io::Result<PathBuf> {
        self.inner.current_dir()
    }
    fn canonical_from_current(&self, path: &Path) -> io::Result<PathBuf> {
        let r = self.inner.canonical_from_current(path);
        self.note(Call::CanonicalFromCurrent, path, digest_io(&r));
        r
    }
}

/// A cached sub-build.
#[derive(Debug)]
pub(crate) struct Entry {
    pub acc: Arc<Accumulated>,
    /// What it observed of its file system (its own files and every base below).
    pub observed: Arc<[Observation]>,
    /// The last build call that found the observations still true.
    checked_in: AtomicU64,
}

impl Entry {
    pub fn new(acc: Arc<Accumulated>, observed: Arc<[Observation]>, call: u64) -> Self {
        Entry {
            acc,
            observed,
            checked_in: AtomicU64::new(call),
        }
    }
}

/// One key's place in the cache; locked while the key is built.
pub(crate) type Slot = Mutex<Option<Arc<Entry>>>;

/// How a kustomizer's builds used the cache (see [`crate::Kustomizer::cache_stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheStats {
    /// Kustomizations accumulated (read and run): top, bases, components and plugin
    /// configuration directories. With a working cache a base shared by many builds counts
    /// once.
    pub accumulated: u64,
    /// Sub-builds taken from the cache.
    pub reused: u64,
    /// Cached sub-builds found out of date (their file system answered differently) and
    /// built again.
    pub stale: u64,
}

/// The cache of one kustomizer.
#[derive(Default)]
pub(crate) struct Cache {
    slots: Mutex<HashMap<CacheKey, Arc<Slot>>>,
    accumulated: AtomicU64,
    reused: AtomicU64,
    stale: AtomicU64,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// Locks, ignoring poison (a panicking build leaves at worst a missing entry).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A fresh build-call id (each `build`/`prebuild` is one call).
pub(crate) fn next_call() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Cache {
    /// The slot of `key`, created empty when missing.
    pub fn slot(&self, key: CacheKey) -> Arc<Slot> {
        lock(&self.slots).entry(key).or_default().clone()
    }

    /// Whether `entry` still holds for `fs` (the file system of build call `call`).
    pub fn still_valid(&self, entry: &Entry, fs: &dyn FileSystem, call: u64) -> bool {
        if entry.checked_in.load(Ordering::Acquire) == call {
            return true;
        }
        let ok = entry
            .observed
            .iter()
            .all(|o| ask(fs, o.call, &o.path) == o.answer);
        if ok {
            entry.checked_in.store(call, Ordering::Release);
        } else {
            self.stale.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    pub fn note_accumulated(&self) {
        self.accumulated.fetch_add(1, Ordering::Relaxed);
    }

    pub fn note_reused(&self) {
        self.reused.fetch_add(1, Ordering::Relaxed);
    }

    pub fn clear(&self) {
        lock(&self.slots).clear();
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            accumulated: self.accumulated.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
            stale: self.stale.load(Ordering::Relaxed),
        }
    }
}
