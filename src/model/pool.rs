//! String interning: every text cell becomes a 4-byte `Sym`, so legs stay small and grouping
//! keys are integers. The texts live back to back in one arena, so a distinct string costs its
//! bytes plus about 13 bytes of bookkeeping, not an allocation and a map entry of its own.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

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
    /// Every text, back to back, in symbol order.
    text: String,
    /// Where each symbol's text starts in `text`, plus the end of the last one.
    starts: Vec<usize>,
    /// The symbols with 32 bits of their text's hash, found by that hash: growing the table
    /// and most mismatches then need no text, which in a pool of millions of strings is a
    /// cache miss away.
    index: HashTable<(Sym, u32)>,
}

impl Default for StrPool {
    fn default() -> Self {
        StrPool::new()
    }
}

/// 32 bits of the text's hash: kept beside its symbol.
fn hash32(s: &str) -> u32 {
    (FxBuildHasher.hash_one(s) >> 32) as u32
}

/// The table's hash, spread from the kept 32 bits (the table takes its buckets from the low
/// bits and its tags from the top seven).
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The most strings a pool holds: symbols are 32 bits. The readers check `has_room` as rows
/// and files are added (a row interns at most a few dozen texts), so input that would pass it
/// is refused as data, and `intern` never meets a full pool.
pub const MAX_STRINGS: usize = u32::MAX as usize - 1024;

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
            text: String::new(),
            starts: vec![0],
            index: HashTable::new(),
        }
    }

    /// Room for `more` strings of about `bytes` bytes in all, so that the table is not
    /// rebuilt as it grows.
    pub fn reserve(&mut self, more: usize, bytes: usize) {
        self.index.reserve(more, |&(_, h)| spread(h));
        self.starts.reserve(more);
        self.text.reserve(bytes);
    }

    /// The symbol for `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = hash32(s);
        if let Some(sym) = self.lookup_hashed(s, h) {
            return sym;
        }
        // `has_room` is checked by every reader before a pool can get here.
        let sym = Sym(self.len() as u32);
        self.index
            .insert_unique(spread(h), (sym, h), |&(_, h)| spread(h));
        self.text.push_str(s);
        self.starts.push(self.text.len());
        sym
    }

    /// The symbol for `s` if it was interned.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.lookup_hashed(s, hash32(s))
    }

    fn lookup_hashed(&self, s: &str, h: u32) -> Option<Sym> {
        self.index
            .find(spread(h), |&(sym, hs)| hs == h && self.is(sym, s))
            .map(|&(sym, _)| sym)
    }

    /// Whether `sym`'s text is `s`: compared as bytes, without `get`'s check that the bounds
    /// fall between characters (they do: every text was pushed whole).
    pub fn is(&self, sym: Sym, s: &str) -> bool {
        let (a, b) = (self.starts[sym.index()], self.starts[sym.index() + 1]);
        &self.text.as_bytes()[a..b] == s.as_bytes()
    }

    /// The text of a symbol.
    pub fn get(&self, sym: Sym) -> &str {
        &self.text[self.starts[sym.index()]..self.starts[sym.index() + 1]]
    }

    /// How many strings the pool holds.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Can `more` strings still be added (see `MAX_STRINGS`)?
    pub fn has_room(&self, more: usize) -> bool {
        self.len().saturating_add(more) <= MAX_STRINGS
    }

    /// True when the pool holds nothing (not even the empty string).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The texts in symbol order.
    fn iter(&self) -> impl Iterator<Item = &str> {
        self.starts.windows(2).map(|w| &self.text[w[0]..w[1]])
    }

    /// Moves every string of `other` into this pool; the returned table maps `other`'s
    /// symbols to this pool's, or is `None` when they are the same (this pool held nothing
    /// `other` does not start with, so `other` is taken as it is).
    pub fn absorb(&mut self, other: StrPool) -> Option<Vec<Sym>> {
        if self.len() <= other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b) {
            *self = other;
            return None;
        }
        Some(other.iter().map(|s| self.intern(s)).collect())
    }
}

/// One text per row, stored back to back without hashing: for columns whose values are nearly
/// all distinct (a leg's SIP Call-ID), where interning would cost a map entry and an allocation
/// per row and save nothing.
#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    bytes: String,
    /// 64-bit ends: a month of call ids can pass 4 GiB, and only `query` keeps this column.
    ends: Vec<u64>,
}

impl TextColumn {
    /// Appends the next row's text.
    pub fn push(&mut self, text: &str) {
        self.bytes.push_str(text);
        self.ends.push(self.bytes.len() as u64);
    }

    /// Row `i`'s text.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    /// Appends every row of another column.
    pub fn append(&mut self, other: TextColumn) {
        if self.ends.is_empty() {
            *self = other;
            return;
        }
        let base = self.bytes.len() as u64;
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
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
        let map = a.absorb(b).expect("a remap");
        assert_eq!(map[z.index()], x);
        assert_eq!(a.get(map[y.index()]), "1001");
        assert_eq!(map[0], Sym::EMPTY);
    }

    #[test]
    fn text_columns_append_in_order() {
        let mut a = TextColumn::default();
        a.push("x1");
        a.push("");
        let mut b = TextColumn::default();
        b.push("y22");
        a.append(b);
        assert_eq!(
            (a.get(0), a.get(1), a.get(2), a.len()),
            ("x1", "", "y22", 3)
        );
    }

    #[test]
    fn dense_pools_start_at_zero() {
        let mut p = StrPool::dense();
        assert_eq!(p.intern("s1"), Sym(0));
        assert_eq!(p.lookup("s1"), Some(Sym(0)));
        assert_eq!(p.lookup("s2"), None);
    }
}
