//! What a read may skip (SPEC §3, §5.4): the union of the due reports' windows, and what is
//! known of each CDR file's times without opening it (a small cache kept in `OUT`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::time::Ts;

/// A union of half-open intervals `[from, to)` of instants, kept sorted and disjoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Window {
    spans: Vec<(Ts, Ts)>,
}

impl Window {
    /// The union of `spans` (empty ones are left out).
    pub fn new(spans: impl IntoIterator<Item = (Ts, Ts)>) -> Window {
        let mut v: Vec<(Ts, Ts)> = spans.into_iter().filter(|(a, b)| a < b).collect();
        v.sort_unstable();
        let mut merged: Vec<(Ts, Ts)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        Window { spans: merged }
    }

    /// Does an instant lie in the window?
    pub fn contains(&self, t: Ts) -> bool {
        // The first span ending after `t` is the only one that can hold it.
        let k = self.spans.partition_point(|&(_, to)| to <= t);
        self.spans.get(k).is_some_and(|&(from, _)| from <= t)
    }

    /// Does the closed range `[first, last]` meet the window?
    pub fn meets(&self, first: Ts, last: Ts) -> bool {
        let k = self.spans.partition_point(|&(_, to)| to <= first);
        self.spans.get(k).is_some_and(|&(from, _)| from <= last)
    }

    /// Does the half-open range `[from, to)` overlap the window? `to = None`: open-ended.
    pub fn overlaps(&self, from: Ts, to: Option<Ts>) -> bool {
        let k = self.spans.partition_point(|&(_, end)| end <= from);
        self.spans
            .get(k)
            .is_some_and(|&(start, _)| to.is_none_or(|to| start < to))
    }

    /// The earliest and latest instants covered, if any.
    pub fn bounds(&self) -> Option<(Ts, Ts)> {
        Some((self.spans.first()?.0, self.spans.last()?.1))
    }
}

/// The first and last `started_at` of a CDR file's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The earliest `started_at`.
    pub first: Ts,
    /// The latest `started_at`.
    pub last: Ts,
}

impl Span {
    /// The span of one more row.
    pub fn with(self, t: Ts) -> Span {
        Span {
            first: self.first.min(t),
            last: self.last.max(t),
        }
    }

    /// The span of two parts of one file.
    pub fn join(a: Option<Span>, b: Option<Span>) -> Option<Span> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.with(b.first).with(b.last)),
            (a, b) => a.or(b),
        }
    }
}

/// What identifies a file's contents without reading it: its size and modification time. A
/// file rewritten in place changes one or both, and is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    /// Bytes.
    pub size: u64,
    /// Modification time, nanoseconds since 1970.
    pub mtime_ns: i64,
}

impl Stat {
    /// The file's stat, or `None` when the system cannot tell (the file is then always read).
    pub fn of(path: &Path) -> Option<Stat> {
        let m = std::fs::metadata(path).ok()?;
        let mtime = m.modified().ok()?;
        let nanos = |d: std::time::Duration| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
        let mtime_ns = match mtime.duration_since(UNIX_EPOCH) {
            Ok(d) => nanos(d),
            Err(e) => -nanos(e.duration()),
        };
        Some(Stat {
            size: m.len(),
            mtime_ns,
        })
    }
}

/// One file's entry in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    /// The file as it was when its rows were read.
    #[serde(flatten)]
    pub stat: Stat,
    /// Its rows' span; `None`: it has no rows.
    pub span: Option<Span>,
}

/// Each CDR file's span, by absolute path, as learned by earlier runs in the same `OUT`
/// (`OUT/.cdr_spans.json`). Only a file read whole, every row's `started_at` valid, is entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanCache {
    /// The format's version: another version is ignored (and rewritten).
    pub version: u32,
    /// By absolute path.
    pub files: BTreeMap<PathBuf, Known>,
}

impl SpanCache {
    const VERSION: u32 = 1;
    /// The cache's file name in `OUT`.
    pub const FILE: &'static str = ".cdr_spans.json";

    /// The cache in `out`; an absent, unreadable or foreign file is an empty cache (it only
    /// saves reading, never changes a result).
    pub fn load(out: &Path) -> SpanCache {
        std::fs::read(out.join(Self::FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<SpanCache>(&bytes).ok())
            .filter(|c| c.version == Self::VERSION)
            .unwrap_or_default()
    }

    /// The bytes to store.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut c = self.clone();
        c.version = Self::VERSION;
        serde_json::to_vec_pretty(&c).unwrap_or_default()
    }

    /// The file's span if the file is as it was when learned: `Some(None)` for a file with no
    /// rows, `None` when not known.
    pub fn lookup(&self, path: &Path, stat: Option<Stat>) -> Option<Option<Span>> {
        let known = self.files.get(&absolute(path))?;
        (Some(known.stat) == stat).then_some(known.span)
    }

    /// Enters what a read learned.
    pub fn learn(&mut self, path: &Path, known: Known) {
        self.files.insert(absolute(path), known);
    }
}

/// The path made absolute (a relative `--data` read from another directory is another file).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_a_union_of_spans() {
        let w = Window::new([(10, 20), (15, 30), (40, 50), (60, 60)]);
        assert_eq!(w.bounds(), Some((10, 50)));
        for (t, inside) in [(9, false), (10, true), (29, true), (30, false), (45, true)] {
            assert_eq!(w.contains(t), inside, "{t}");
        }
        assert!(w.meets(0, 10) && !w.meets(0, 9) && !w.meets(30, 39) && w.meets(30, 40));
        assert!(w.overlaps(25, Some(35)) && !w.overlaps(30, Some(40)) && w.overlaps(49, None));
        assert!(!w.overlaps(50, None) && w.overlaps(0, None));
        assert!(!Window::default().contains(0));
    }

    #[test]
    fn the_cache_forgets_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.csv");
        std::fs::write(&f, "x").unwrap();
        let mut c = SpanCache::default();
        let span = Some(Span { first: 1, last: 9 });
        c.learn(
            &f,
            Known {
                stat: Stat::of(&f).unwrap(),
                span,
            },
        );
        std::fs::write(dir.path().join(SpanCache::FILE), c.to_bytes()).unwrap();
        let c = SpanCache::load(dir.path());
        assert_eq!(c.lookup(&f, Stat::of(&f)), Some(span));
        std::fs::write(&f, "xy").unwrap();
        assert_eq!(c.lookup(&f, Stat::of(&f)), None);
    }
}
