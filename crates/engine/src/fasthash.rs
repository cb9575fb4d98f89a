//! A fast hash for the engine's own lookup tables (uids, names, event hashes: keys the
//! engine makes). std's default, SipHash keyed afresh per process, resists hash flooding
//! from outside input; a simulated cluster in one page has no such input, and SipHash was
//! a few percent of a 10,000-pod run. The multiply-rotate scheme is rustc's own FxHash.
//! Deterministic, unlike the default; maps using it are still never iterated where the
//! order would show.

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Clone, Copy, Default)]
pub struct FxHasher {
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
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            // The length too, so "a" and "a\0" differ.
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
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

pub type Build = BuildHasherDefault<FxHasher>;
pub type FastMap<K, V> = std::collections::HashMap<K, V, Build>;
pub type FastSet<K> = std::collections::HashSet<K, Build>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn h<T: Hash>(t: T) -> u64 {
        Build::default().hash_one(t)
    }

    #[test]
    fn equal_keys_hash_equal_and_near_keys_differ() {
        assert_eq!(h("web-7d4b9c8f6-x2x7k"), h(String::from("web-7d4b9c8f6-x2x7k")));
        let names = ["a", "a\0", "ab", "web-7d4b9c8f6-x2x7k", "web-7d4b9c8f6-x2x7l", "web-7d4b9c8f6-x2x7kx", ""];
        let mut seen: Vec<u64> = names.iter().map(|n| h(*n)).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), names.len());
        assert_ne!(h(("default", "web")), h(("defaultweb", "")));
        let map: FastMap<String, u32> = [("x".to_string(), 1)].into_iter().collect();
        assert_eq!(map.get("x"), Some(&1));
    }
}
