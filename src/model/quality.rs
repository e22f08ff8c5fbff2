//! Data-quality counts: rows read per table, rows skipped by reason, warnings by kind.

use std::collections::BTreeMap;

use crate::model::TableName;

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
}
