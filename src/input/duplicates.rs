//! Duplicate legs (SPEC §2.4): an export sent twice is never counted twice, and never silently.
//! Each CDR row is stamped while it is parsed with a hash of its key (`session_id`, `call_id`;
//! the whole row when `call_id` is empty) and a hash of every column's text; after the merge,
//! a leg with an earlier leg's key is dropped when its row is the same, and is an error naming
//! both places when it is not.

use std::hash::{BuildHasher, Hasher};

use foldhash::quality::FixedState;

use crate::error::{Error, Result};
use crate::input::rows::RowView;
use crate::model::pool::TextColumn;
use crate::model::rows::Origin;
use crate::model::{Dataset, TableName};

/// A leg's key and row, hashed, and where it was read.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    key: u64,
    row: u64,
    origin: Origin,
}

/// Scratch space for stamping rows, kept between rows.
#[derive(Debug, Default)]
pub struct StampBuf {
    /// The row's trimmed cells, joined by commas.
    text: Vec<u8>,
}

/// The cells' lengths folded into one number, in order (so that cells holding commas cannot
/// pass for others): a multiply-xor step per cell instead of a buffer to hash.
#[derive(Clone, Copy)]
struct Lengths(u64);

impl Lengths {
    fn new() -> Lengths {
        Lengths(0xcbf2_9ce4_8422_2325)
    }

    fn add(self, len: usize) -> Lengths {
        Lengths((self.0 ^ len as u64).wrapping_mul(0x0000_0100_0000_01b3))
    }
}

impl Stamp {
    /// Stamps a row of a table with `columns` columns, whose key columns are `key` (session,
    /// call id). Cells compare as text, trimmed; an absent column reads as empty — so one leg
    /// exported once with Unix seconds and once with RFC 3339 times is a conflict, not a copy.
    /// A row is hashed as its trimmed cells joined by commas and their lengths: a record
    /// written with the table's columns in order and no quotes or cells to trim (nearly every
    /// one) is hashed where it lies, one hash call for its bytes; any other is laid out in
    /// `buf` first, to the same hash.
    pub fn new(
        row: &RowView<'_>,
        columns: usize,
        key: (usize, usize),
        origin: Origin,
        buf: &mut StampBuf,
    ) -> Stamp {
        let cell = |col: usize| row.raw(col).trim_ascii();
        let trimmed = |c: &[u8]| {
            !(c.first().is_some_and(u8::is_ascii_whitespace)
                || c.last().is_some_and(u8::is_ascii_whitespace))
        };
        let in_place = row.in_order().and_then(|(bytes, cells)| {
            let mut lens = Lengths::new();
            for c in cells {
                if !trimmed(c) {
                    return None;
                }
                lens = lens.add(c.len());
            }
            Some((bytes, lens))
        });
        let (text, lens) = match in_place {
            Some(found) => found,
            None => {
                buf.text.clear();
                let mut lens = Lengths::new();
                for col in 0..columns {
                    if col > 0 {
                        buf.text.push(b',');
                    }
                    let c = cell(col);
                    buf.text.extend_from_slice(c);
                    lens = lens.add(c.len());
                }
                (&buf.text[..], lens)
            }
        };
        // A fixed seed: the stamps live within one run, but its result must not vary.
        let hasher = FixedState::with_seed(0x5eed);
        let whole = hasher.hash_one((hasher.hash_one(text), lens.0));
        let (session, call_id) = (cell(key.0), cell(key.1));
        let mut k = hasher.build_hasher();
        if call_id.is_empty() {
            k.write_u8(b'r');
            k.write_u64(whole);
        } else {
            k.write_u8(b'k');
            k.write(session);
            k.write_u8(0xff);
            k.write(call_id);
        }
        Stamp {
            key: k.finish(),
            row: whole,
            origin,
        }
    }
}

impl Stamp {
    /// The stamp of the same row `lines` lines further down (see `Origin::down`).
    pub fn down(self, lines: u64) -> Stamp {
        Stamp {
            origin: self.origin.down(lines),
            ..self
        }
    }
}

/// Drops the legs that repeat an earlier leg (same key, same row), counting them in a warning;
/// a leg with an earlier leg's key and another row stops the read naming both places (with
/// `skip_bad_rows`, it is skipped and counted). `stamps` are the legs' stamps, in leg order.
pub fn drop_repeated_legs(ds: &mut Dataset, stamps: Vec<Stamp>, skip_bad_rows: bool) -> Result<()> {
    let n = stamps.len();
    if n != ds.legs.len() || n < 2 {
        return Ok(());
    }
    // Keys with their leg, sorted: the legs sharing a key are side by side, earliest first.
    let mut order: Vec<(u64, u32)> = stamps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key, i as u32))
        .collect();
    order.sort_unstable();
    let mut drop = vec![false; n];
    // Which dropped legs are copies (the others conflict).
    let mut copy = vec![false; n];
    let (mut copies, mut conflicts) = (0u64, 0u64);
    let mut first_conflict: Option<(usize, usize)> = None;
    for run in order.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
        let first = run[0].1 as usize;
        for &(_, later) in &run[1..] {
            let later = later as usize;
            drop[later] = true;
            if stamps[later].row == stamps[first].row {
                copies += 1;
                copy[later] = true;
            } else {
                conflicts += 1;
                if first_conflict.is_none_or(|(_, l)| later < l) {
                    first_conflict = Some((first, later));
                }
            }
        }
    }
    if let (Some((first, later)), false) = (first_conflict, skip_bad_rows) {
        return Err(conflict(ds, &stamps, first, later));
    }
    if copies + conflicts == 0 {
        return Ok(());
    }
    for (i, _) in drop.iter().enumerate().filter(|(_, d)| **d) {
        let at = ds.legs[i].started_at;
        if copy[i] {
            ds.quality
                .warn_at(at, "cdr: duplicate leg (kept once)".into());
        } else {
            ds.quality.skip_at(
                at,
                TableName::Cdr,
                "cdr: leg with an earlier leg's key and other values".into(),
            );
        }
    }
    if let Some(stats) = ds.quality.tables.get_mut(&TableName::Cdr) {
        stats.rows -= copies + conflicts;
    }
    let mut keep = drop.iter().map(|d| !d);
    ds.legs.retain(|_| keep.next().unwrap_or(true));
    if !ds.call_ids.is_empty() {
        let mut ids = TextColumn::default();
        for (i, _) in drop.iter().enumerate().filter(|(_, d)| !**d) {
            ids.push(ds.call_ids.get(i));
        }
        ds.call_ids = ids;
    }
    Ok(())
}

/// The error for a leg that has an earlier leg's key but other values.
fn conflict(ds: &Dataset, stamps: &[Stamp], first: usize, later: usize) -> Error {
    let place = |o: Origin| format!("{}{}", ds.files[o.file as usize].display(), o.loc());
    let leg = &ds.legs[later];
    let mut key = format!(
        "session_id {}",
        ds.sessions.get(crate::model::pool::Sym(leg.call))
    );
    if !ds.call_ids.is_empty() && !ds.call_id(later).is_empty() {
        key.push_str(&format!(", call_id {}", ds.call_id(later)));
    }
    let o = stamps[later].origin;
    Error::Data {
        path: ds.files[o.file as usize].clone(),
        loc: Some(o.loc()),
        message: format!(
            "leg duplicates {} ({key}) with different values",
            place(stamps[first].origin)
        ),
    }
}
