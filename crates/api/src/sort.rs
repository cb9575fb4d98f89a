//! Stable sorts that share one copy of the sorting code. Each `sort_by` on a new element
//! type puts another copy of the standard library's merge sort in the page's wasm (36 of
//! them cost 42 KB gzip); these sort a list of positions instead, through one
//! non-generic function, then move the elements into place. The order is the standard
//! library's stable order.

use std::cmp::Ordering;

/// `slice::sort_by`, stable.
pub fn by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items = &*v;
        sort_positions(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    permute(v, &order);
}

/// `slice::sort_by_cached_key` (and `sort_by_key`, whose keys are pure): each key made once.
pub fn by_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<K> = v.iter().map(key).collect();
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |a, b| keys[a].cmp(&keys[b]));
    permute(v, &order);
}

/// `slice::sort`, stable.
pub fn natural<T: Ord>(v: &mut [T]) {
    by(v, T::cmp)
}

/// `collect()` into a map, by inserting: collecting sorts the pairs first, with another
/// copy of the sort per key and value type. Later pairs win, as with `collect()`.
pub fn map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> std::collections::BTreeMap<K, V> {
    let mut m = std::collections::BTreeMap::new();
    for (k, v) in pairs {
        m.insert(k, v);
    }
    m
}

/// `collect()` into a set, by inserting (see `map`).
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> std::collections::BTreeSet<T> {
    let mut s = std::collections::BTreeSet::new();
    for t in items {
        s.insert(t);
    }
    s
}

/// The one copy of the sort: positions, compared through `cmp`.
#[inline(never)]
#[allow(clippy::disallowed_methods)] // the one place the standard library's sort is used
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

/// Puts `v[order[k]]` at `k` for every `k`, following each cycle of the permutation.
fn permute<T>(v: &mut [T], order: &[usize]) {
    let mut placed = vec![false; v.len()];
    for start in 0..v.len() {
        if placed[start] {
            continue;
        }
        let mut at = start;
        loop {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same order as the standard library's stable sorts, ties kept in place, on every
    /// arrangement of a small list with repeats and on a long pseudo-random one.
    #[test]
    fn sorts_as_the_standard_library_does() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        for len in 0..40 {
            for _ in 0..20 {
                let v: Vec<(u32, usize)> = (0..len).map(|i| (next() % 5, i)).collect();
                let mut want = v.clone();
                want.sort_by_key(|x| x.0);
                let mut got = v.clone();
                by(&mut got, |a, b| a.0.cmp(&b.0));
                assert_eq!(got, want, "by, {len} items");
                let mut got = v.clone();
                by_key(&mut got, |x| x.0);
                assert_eq!(got, want, "by_key, {len} items");
                let mut want = v.clone();
                want.sort();
                let mut got = v;
                natural(&mut got);
                assert_eq!(got, want, "natural, {len} items");
            }
        }
        let v: Vec<u32> = (0..5000).map(|_| next() % 1000).collect();
        let (mut want, mut got) = (v.clone(), v);
        want.sort_by(|a, b| b.cmp(a));
        by(&mut got, |a, b| b.cmp(a));
        assert_eq!(got, want);
    }
}
