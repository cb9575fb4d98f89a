//! `VecMap`: a map kept as a `Vec` of pairs sorted by key. It iterates in key order and
//! looks up by binary search, as `BTreeMap` does, but each key and value type costs the
//! page's wasm a few hundred bytes of code instead of a B-tree's 3-9 KB (insert, remove with
//! rebalancing, clone, drop, iterators: BENCHMARKS.md, session 19). Inserting and removing
//! move the later pairs, so it is for maps that change rarely (a cluster's machines, a
//! thousand in the largest benchmark) or at their ends (a window of seconds; a map filled in
//! key order, each insert a push, as the HPA's per-pod metrics read from the store's pods in
//! name order), not for maps that grow with pods or requests in any order: a key out of
//! order moves every later pair, so such a map of n keys costs O(n²) to fill.

use std::borrow::Borrow;
use std::ops::{Bound, RangeBounds};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecMap<K, V> {
    pairs: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { pairs: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Where `key` is (`Ok`), or where it would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.pairs.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &self.pairs[at].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &mut self.pairs[at].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// The value that was there before, as `BTreeMap::insert` (the key kept is the first).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.pairs[at].1, value)),
            Err(at) => {
                self.pairs.insert(at, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| self.pairs.remove(at).1)
    }

    /// `*map.entry(key).or_insert_with(make)`.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let at = match self.find(&key) {
            Ok(at) => at,
            Err(at) => {
                self.pairs.insert(at, (key, make()));
                at
            }
        };
        &mut self.pairs[at].1
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.pairs.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.pairs.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.pairs.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.pairs.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.pairs.iter_mut().map(|(_, v)| v)
    }

    /// The pairs whose keys are in `range`, in key order (none when it is empty or
    /// backwards, where `BTreeMap::range` panics).
    pub fn range(&self, range: impl RangeBounds<K>) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        let first_not = |past: &dyn Fn(&K) -> bool| self.pairs.partition_point(|(k, _)| past(k));
        let start = match range.start_bound() {
            Bound::Included(s) => first_not(&|k| k < s),
            Bound::Excluded(s) => first_not(&|k| k <= s),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(e) => first_not(&|k| k <= e),
            Bound::Excluded(e) => first_not(&|k| k < e),
            Bound::Unbounded => self.pairs.len(),
        };
        self.pairs[start..end.max(start)].iter().map(|(k, v)| (k, v))
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.pairs.first().map(|(k, v)| (k, v))
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.pairs.is_empty()).then(|| self.pairs.remove(0))
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.pairs.retain_mut(|(k, v)| keep(k, v))
    }
}

/// `map[&key]`, which panics when the key is not there, as `BTreeMap`'s does.
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// Later pairs win, as with `BTreeMap`'s `collect()`. Pairs in key order are pushed;
    /// each one out of order moves the later ones (see the module's doc).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut m = VecMap::new();
        for (k, v) in pairs {
            m.insert(k, v);
        }
        m
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.pairs.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.pairs.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;
    use std::collections::BTreeMap;

    /// The same answers and order as a BTreeMap under a pseudo-random run of inserts,
    /// removes, lookups and in-place updates.
    #[test]
    fn behaves_as_a_btreemap() {
        let mut seed = 11u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        let (mut ours, mut std) = (VecMap::new(), BTreeMap::new());
        for step in 0..5000 {
            let key = format!("k{}", next() % 60);
            match next() % 5 {
                0 | 1 => assert_eq!(ours.insert(key.clone(), step), std.insert(key, step)),
                2 => assert_eq!(ours.remove(key.as_str()), std.remove(key.as_str())),
                3 => {
                    *ours.get_or_insert_with(key.clone(), || 0) += 1;
                    *std.entry(key).or_insert(0) += 1;
                }
                _ => assert_eq!(ours.get(key.as_str()), std.get(key.as_str())),
            }
            assert_eq!(ours.len(), std.len());
        }
        assert!(ours.iter().eq(std.iter()));
        for (a, b) in [("k1", "k3"), ("k3", "k3"), ("k", "l"), ("k5", "k50")] {
            let (a, b) = (a.to_string(), b.to_string());
            assert!(ours.range(a.clone()..b.clone()).eq(std.range(a.clone()..b.clone())));
            assert!(ours.range(a.clone()..=b.clone()).eq(std.range(a.clone()..=b.clone())));
            assert!(ours.range(a.clone()..).eq(std.range(a..)));
            assert!(ours.range(..b.clone()).eq(std.range(..b)));
        }
        assert!(ours.range("k3".to_string().."k1".to_string()).next().is_none());
        assert_eq!(ours.first_key_value(), std.first_key_value());
        assert_eq!(ours.clone().pop_first(), std.clone().pop_first());
        ours.retain(|_, v| *v % 2 == 0);
        std.retain(|_, v| *v % 2 == 0);
        assert!(ours.into_iter().eq(std));
    }
}
