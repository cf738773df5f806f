//! A fast non-cryptographic hasher (the Firefox/rustc "Fx" multiply-rotate scheme) for the
//! render's internal path tables, which hash every path a build touches. The keys come from
//! the caller's own file tree, so resistance to chosen collisions is not needed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hasher state.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            if let Some(dst) = w.get_mut(..rest.len()) {
                dst.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn fx_map_finds_what_it_holds() {
        let mut m: FxHashMap<PathBuf, usize> = FxHashMap::default();
        for i in 0..1000 {
            m.insert(PathBuf::from(format!("/a/b/t{i:04}/x.yaml")), i);
        }
        for i in 0..1000 {
            assert_eq!(
                m.get(&PathBuf::from(format!("/a/b/t{i:04}/x.yaml"))),
                Some(&i)
            );
        }
        assert_eq!(m.get(&PathBuf::from("/a/b/t1000/x.yaml")), None);
    }
}
