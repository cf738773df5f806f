//! The hasher krust uses for its own lookup tables.
//!
//! Profiles of fleet builds showed SipHash (std's default, built to resist hash flooding)
//! at ~12% of all instructions, nearly all of it hashing resource ids and names for
//! `ResMap`'s index. Those tables are lookup-only (their iteration order never reaches the
//! output), so a fast non-cryptographic hasher is safe. [`foldhash`] is hashbrown's own
//! default hasher: quick on short strings, no dependencies, seeded per process.

use std::collections::{HashMap, HashSet};

/// The fast hasher's builder (foldhash, per-process seed).
pub type FastState = foldhash::fast::RandomState;

/// A `HashMap` with the fast hasher; make one with `FastHashMap::default()`.
pub type FastHashMap<K, V> = HashMap<K, V, FastState>;

/// A `HashSet` with the fast hasher; make one with `FastHashSet::default()`.
pub type FastHashSet<T> = HashSet<T, FastState>;
