//! Data-quality counts: rows read per table, rows skipped by reason, warnings by kind.

use std::collections::BTreeMap;

use crate::model::TableName;
use crate::time::Ts;

/// What was read of one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Files read.
    pub files: u64,
    /// Rows kept.
    pub rows: u64,
    /// Rows skipped (`--skip-bad-rows`).
    pub skipped: u64,
}

/// Counters that merge exactly, so per-file partial results combine in any grouping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quality {
    /// Per table, in SPEC order (the order of `TableName`).
    pub tables: BTreeMap<TableName, TableStats>,
    /// Skipped rows by reason (`invalid timestamp in "answered_at"`).
    pub skipped: BTreeMap<String, u64>,
    /// Warnings by kind (`unknown callee_endpoint "FAX" in cdr`).
    pub warnings: BTreeMap<String, u64>,
    /// The warnings and skipped rows of CDR legs, placed in time by the leg's `started_at`
    /// (and also counted above): a report counts only those of its window (SPEC §3, `within`).
    /// Each is (time, index into `events`).
    pub dated: Vec<(Ts, u32)>,
    /// The kinds of `dated`.
    pub events: Vec<Event>,
}

/// A kind of dated count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A warning of this kind.
    Warning(String),
    /// A row of this table skipped for this reason.
    Skipped(TableName, String),
}

impl Quality {
    /// Counts one warning of a kind.
    pub fn warn(&mut self, kind: impl Into<String>) {
        self.warn_n(kind, 1);
    }

    /// Counts `n` warnings of a kind.
    pub fn warn_n(&mut self, kind: impl Into<String>, n: u64) {
        if n > 0 {
            *self.warnings.entry(kind.into()).or_default() += n;
        }
    }

    /// Counts one warning about a leg that starts at `at`.
    pub fn warn_at(&mut self, at: Ts, kind: String) {
        self.warn(kind.clone());
        let k = self.event(Event::Warning(kind));
        self.dated.push((at, k));
    }

    /// Counts one skipped row of a leg that starts at `at`.
    pub fn skip_at(&mut self, at: Ts, table: TableName, reason: String) {
        self.skip(table, reason.clone());
        let k = self.event(Event::Skipped(table, reason));
        self.dated.push((at, k));
    }

    /// The index of an event kind (there are few: a linear search).
    fn event(&mut self, e: Event) -> u32 {
        match self.events.iter().position(|x| *x == e) {
            Some(k) => k as u32,
            None => {
                self.events.push(e);
                (self.events.len() - 1) as u32
            }
        }
    }

    /// The counts a report over the window `[from, to)` shows: the dated ones inside it, and
    /// every count not placed in time. Row counts stay as they are (the caller sets them).
    pub fn within(&self, from: Ts, to: Ts) -> Quality {
        let mut q = Quality {
            tables: self.tables.clone(),
            skipped: self.skipped.clone(),
            warnings: self.warnings.clone(),
            dated: Vec::new(),
            events: Vec::new(),
        };
        let outside = |at: Ts| at < from || at >= to;
        for &(_, k) in self.dated.iter().filter(|(at, _)| outside(*at)) {
            let (map, key) = match &self.events[k as usize] {
                Event::Warning(kind) => (&mut q.warnings, kind),
                Event::Skipped(table, reason) => {
                    if let Some(t) = q.tables.get_mut(table) {
                        t.skipped -= 1;
                    }
                    (&mut q.skipped, reason)
                }
            };
            if let Some(n) = map.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    map.remove(key);
                }
            }
        }
        q
    }

    /// Leaves out the counts of the agent tables: their rows, and the warnings and skipped
    /// rows that name them (each count's text starts with its table's name, or names a file
    /// of it).
    pub fn forget_agent_tables(&mut self) {
        let agent = |t: &TableName| t.is_agent_table();
        self.tables.retain(|t, _| !agent(t));
        let names: Vec<&str> = TableName::ALL
            .iter()
            .filter(|t| agent(t))
            .map(|t| t.as_str())
            .collect();
        let about = |text: &str| {
            names.iter().any(|n| {
                text.starts_with(&format!("{n}:"))
                    || text.contains(&format!("/{n}/"))
                    || text.contains(&format!("/{n}."))
            })
        };
        self.warnings.retain(|k, _| !about(k));
        self.skipped.retain(|k, _| !about(k));
    }

    /// Counts one skipped row.
    pub fn skip(&mut self, table: TableName, reason: String) {
        self.tables.entry(table).or_default().skipped += 1;
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// Adds another partial count into this one.
    pub fn merge(&mut self, other: Quality) {
        for (t, s) in other.tables {
            let e = self.tables.entry(t).or_default();
            e.files += s.files;
            e.rows += s.rows;
            e.skipped += s.skipped;
        }
        for (k, n) in other.skipped {
            *self.skipped.entry(k).or_default() += n;
        }
        for (k, n) in other.warnings {
            *self.warnings.entry(k).or_default() += n;
        }
        let kinds: Vec<u32> = other.events.into_iter().map(|e| self.event(e)).collect();
        self.dated.extend(
            other
                .dated
                .into_iter()
                .map(|(at, k)| (at, kinds[k as usize])),
        );
    }

    /// Total warnings.
    pub fn warning_count(&self) -> u64 {
        self.warnings.values().sum()
    }

    /// Total rows skipped.
    pub fn skipped_count(&self) -> u64 {
        self.skipped.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_counts() {
        let mut a = Quality::default();
        a.warn("x");
        a.tables.entry(TableName::Cdr).or_default().rows = 3;
        let mut b = Quality::default();
        b.warn("x");
        b.warn("y");
        b.skip(TableName::Cdr, "bad".into());
        b.tables.entry(TableName::Cdr).or_default().rows = 2;
        a.merge(b);
        assert_eq!(a.warnings["x"], 2);
        assert_eq!(a.warning_count(), 3);
        assert_eq!(
            a.tables[&TableName::Cdr],
            TableStats {
                files: 0,
                rows: 5,
                skipped: 1
            }
        );
        assert_eq!(a.skipped_count(), 1);
    }

    #[test]
    fn a_window_counts_its_own_dated_events() {
        let mut q = Quality::default();
        q.warn("undated");
        q.warn_at(10, "w".into());
        q.warn_at(20, "w".into());
        let mut other = Quality::default();
        other.skip_at(30, TableName::Cdr, "bad".into());
        other.warn_at(30, "w".into());
        q.merge(other);
        assert_eq!(q.warnings["w"], 3);
        let w = q.within(15, 30);
        assert_eq!(w.warnings.get("w"), Some(&1));
        assert_eq!(w.warnings.get("undated"), Some(&1));
        assert!(w.skipped.is_empty());
        assert_eq!(w.tables[&TableName::Cdr].skipped, 0);
        let all = q.within(0, 31);
        assert_eq!((all.warnings["w"], all.skipped["bad"]), (3, 1));
    }
}
