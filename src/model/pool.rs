//! String interning: every text cell becomes a 4-byte `Sym`, so legs stay small and grouping
//! keys are integers.

use std::collections::HashMap;
use std::sync::Arc;

/// An interned string. Symbols compare by identity, not by text: sort by `StrPool::get` text
/// whenever order reaches output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

impl Sym {
    /// The empty string (an absent cell) in a pool made by `StrPool::new`.
    pub const EMPTY: Sym = Sym(0);

    /// True for the empty string.
    pub fn is_empty(self) -> bool {
        self == Sym::EMPTY
    }

    /// The symbol as a vector index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A set of interned strings.
#[derive(Debug, Clone)]
pub struct StrPool {
    map: HashMap<Arc<str>, Sym>,
    strs: Vec<Arc<str>>,
}

impl Default for StrPool {
    fn default() -> Self {
        StrPool::new()
    }
}

impl StrPool {
    /// A pool whose symbol 0 is the empty string.
    pub fn new() -> StrPool {
        let mut p = StrPool::dense();
        p.intern("");
        p
    }

    /// A pool with no reserved symbol: the first string interned is symbol 0.
    pub fn dense() -> StrPool {
        StrPool {
            map: HashMap::new(),
            strs: Vec::new(),
        }
    }

    /// The symbol for `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = Sym(u32::try_from(self.strs.len()).expect("fewer than 2^32 distinct strings"));
        let arc: Arc<str> = Arc::from(s);
        self.strs.push(arc.clone());
        self.map.insert(arc, sym);
        sym
    }

    /// The symbol for `s` if it was interned.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.map.get(s).copied()
    }

    /// The text of a symbol.
    pub fn get(&self, sym: Sym) -> &str {
        &self.strs[sym.index()]
    }

    /// The text of a symbol as a shared string (no copy).
    pub fn arc(&self, sym: Sym) -> Arc<str> {
        self.strs[sym.index()].clone()
    }

    /// How many strings the pool holds.
    pub fn len(&self) -> usize {
        self.strs.len()
    }

    /// True when the pool holds nothing (not even the empty string).
    pub fn is_empty(&self) -> bool {
        self.strs.is_empty()
    }

    /// Moves every string of `other` into this pool; the returned table maps `other`'s
    /// symbols to this pool's.
    pub fn absorb(&mut self, other: StrPool) -> Vec<Sym> {
        other.strs.iter().map(|s| self.intern(s)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_absorb_remaps() {
        let mut a = StrPool::new();
        assert_eq!(a.intern(""), Sym::EMPTY);
        let x = a.intern("8000");
        assert_eq!(a.intern("8000"), x);
        let mut b = StrPool::new();
        let y = b.intern("1001");
        let z = b.intern("8000");
        let map = a.absorb(b);
        assert_eq!(map[z.index()], x);
        assert_eq!(a.get(map[y.index()]), "1001");
        assert_eq!(map[0], Sym::EMPTY);
    }

    #[test]
    fn dense_pools_start_at_zero() {
        let mut p = StrPool::dense();
        assert_eq!(p.intern("s1"), Sym(0));
        assert_eq!(p.lookup("s1"), Some(Sym(0)));
        assert_eq!(p.lookup("s2"), None);
    }
}
