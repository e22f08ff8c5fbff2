//! Reading a dataset directory (SPEC §2): every table, every format, files in parallel, merged
//! in file order so the result never depends on thread timing.

pub mod cdr;
pub mod dims;
pub mod rows;
pub mod source;
pub mod table;

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::legs::Leg;
use crate::model::pool::{StrPool, Sym};
use crate::model::quality::Quality;
use crate::model::rows::{
    Agent, AgentSession, NotReadyCode, Offhook, Origin, QueueInfo, RingGroupInfo, StateRow,
};
use crate::model::Dataset;
use rows::{read_rows, FieldError};
use source::{table_files, SourceFile};
use table::{ParseCx, Table};

/// The tables of SPEC §2, in reading order.
pub const TABLES: [&str; 8] = [
    "cdr",
    "agents",
    "queues",
    "ring_groups",
    "not_ready_codes",
    "agent_sessions",
    "agent_states",
    "offhook",
];

/// How to read.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Skip invalid rows (counting them by reason) instead of stopping at the first.
    pub skip_bad_rows: bool,
    /// Keep each leg's SIP `call_id`. Only the Dataflow call history prints it, and a month's
    /// ids (nearly all distinct) take about 30 bytes a leg, so reports read without them.
    pub call_ids: bool,
}

impl Default for LoadOptions {
    /// Every row must be valid; everything is kept.
    fn default() -> Self {
        LoadOptions {
            skip_bad_rows: false,
            call_ids: true,
        }
    }
}

impl LoadOptions {
    /// Reading for reports: everything but the call ids.
    pub fn for_reports(skip_bad_rows: bool) -> LoadOptions {
        LoadOptions {
            skip_bad_rows,
            call_ids: false,
        }
    }
}

/// One file's rows with its own pools, before merging.
struct Batch<T> {
    rows: Vec<T>,
    strings: StrPool,
    sessions: StrPool,
    call_ids: crate::model::pool::TextColumn,
    quality: Quality,
}

fn read_file<T: Table>(file: &SourceFile, index: u32, opts: LoadOptions) -> Result<Batch<T>> {
    let mut cx = ParseCx::new(index, opts.call_ids);
    let mut rows = Vec::with_capacity(file.estimated_lines().unwrap_or(0));
    read_rows(file, T::COLUMNS, T::REQUIRED, |row, loc| {
        match row.and_then(|r| T::parse(&r, loc, &mut cx)) {
            Ok(t) => rows.push(t),
            Err(issue) if opts.skip_bad_rows => cx.quality.skip(T::NAME, issue.reason(T::NAME)),
            Err(issue) => return Err(issue.into_error(file, loc)),
        }
        Ok(())
    })?;
    let stats = cx.quality.tables.entry(T::NAME).or_default();
    stats.files += 1;
    stats.rows += rows.len() as u64;
    Ok(Batch {
        rows,
        strings: cx.strings,
        sessions: cx.sessions,
        call_ids: cx.call_ids,
        quality: cx.quality,
    })
}

/// The files of one table with their indices in `Dataset::files`.
struct Found {
    files: Vec<SourceFile>,
    base: u32,
}

/// Finds a table's files and gives them their indices in `Dataset::files`.
fn find(dir: &Path, name: &'static str, ds: &mut Dataset) -> Result<Option<Found>> {
    let Some(files) = table_files(dir, name, &mut ds.quality)? else {
        return Ok(None);
    };
    let base = ds.files.len() as u32;
    ds.files.extend(files.iter().map(|f| f.path.clone()));
    ds.quality.tables.entry(name).or_default();
    Ok(Some(Found { files, base }))
}

/// Parses every file of a table, in parallel; results in file order.
fn parse<T: Table>(found: &Option<Found>, opts: LoadOptions) -> Option<Vec<Result<Batch<T>>>> {
    let found = found.as_ref()?;
    Some(parse_files(&found.files, found.base, opts))
}

fn parse_files<T: Table>(
    files: &[SourceFile],
    base: u32,
    opts: LoadOptions,
) -> Vec<Result<Batch<T>>> {
    files
        .par_iter()
        .enumerate()
        .map(|(i, f)| read_file::<T>(f, base + i as u32, opts))
        .collect()
}

/// Parses and merges a table of many files a window at a time, so only a window of parsed
/// batches waits for merging, not the whole table beside its merged copy (daily CDR files over
/// a month would otherwise be held twice). Window k is merged while window k + 1 is parsed: the
/// merge (one thread, it owns the pools) overlaps the parsing instead of stopping it.
fn load_windowed<T: Table>(
    ds: &mut Dataset,
    found: &Option<Found>,
    opts: LoadOptions,
) -> Result<Option<Vec<T>>> {
    let Some(found) = found else {
        return Ok(None);
    };
    let window = rayon::current_num_threads().max(1) * 2;
    let total = found.files.len();
    let mut out = Vec::new();
    // The parsed window waiting for its merge, and how many files it completes.
    let mut pending: Option<(Vec<Result<Batch<T>>>, usize)> = None;
    let mut merge = |ds: &mut Dataset, (batches, done): (Vec<Result<Batch<T>>>, usize)| {
        // Room for the whole table as projected from the files read so far: the vector grows
        // a few times by about the right amount instead of doubling past it.
        let rows: usize = batches.iter().flatten().map(|b| b.rows.len()).sum();
        let projected = (out.len() + rows) * total / done;
        if projected > out.capacity() && !out.is_empty() {
            out.reserve_exact(projected - out.len());
        }
        merge_into(ds, batches, &mut out)
    };
    for (w, files) in found.files.chunks(window).enumerate() {
        let base = found.base + (w * window) as u32;
        let (merged, parsed) = rayon::join(
            || pending.take().map(|p| merge(ds, p)).transpose(),
            || parse_files::<T>(files, base, opts),
        );
        // Window k's errors come before window k + 1's: the first error in file order wins.
        merged?;
        pending = Some((parsed, w * window + files.len()));
    }
    if let Some(p) = pending {
        merge(ds, p)?;
    }
    out.shrink_to_fit();
    Ok(Some(out))
}

/// Moves a table's batches into the dataset's pools, in file order.
fn merge<T: Table>(
    ds: &mut Dataset,
    batches: Option<Vec<Result<Batch<T>>>>,
) -> Result<Option<Vec<T>>> {
    let Some(batches) = batches else {
        return Ok(None);
    };
    let mut out = Vec::new();
    merge_into(ds, batches, &mut out)?;
    // The capacity was estimated from the file size; give back what the estimate overshot
    // (a large vector shrinks in place).
    out.shrink_to_fit();
    Ok(Some(out))
}

/// Appends batches to `out` in file order, remapping their symbols into the dataset's pools.
fn merge_into<T: Table>(
    ds: &mut Dataset,
    batches: Vec<Result<Batch<T>>>,
    out: &mut Vec<T>,
) -> Result<()> {
    for batch in batches {
        // The first error in file order wins, whichever thread found it first.
        let mut batch = batch?;
        let strings = ds.strings.absorb(batch.strings);
        let sessions = ds.sessions.absorb(batch.sessions);
        // The first file's pools are taken as they are: nothing to remap.
        if strings.is_some() || sessions.is_some() {
            let identity = |n: usize| (0..n as u32).map(Sym).collect::<Vec<_>>();
            let strings = strings.unwrap_or_else(|| identity(ds.strings.len()));
            let sessions = sessions.unwrap_or_else(|| identity(ds.sessions.len()));
            for row in &mut batch.rows {
                row.remap(&strings, &sessions);
            }
        }
        ds.call_ids.append(std::mem::take(&mut batch.call_ids));
        // Moved, not copied: a single large file never holds its rows twice.
        if out.capacity() == 0 {
            *out = batch.rows;
        } else {
            out.append(&mut batch.rows);
        }
        ds.quality.merge(batch.quality);
    }
    Ok(())
}

/// Reads the dataset in `dir`. The `cdr` table is required. Every table's files are parsed at
/// once (across tables and files), then merged in table and file order, so the result never
/// depends on which thread finished first.
pub fn load(dir: &Path, opts: LoadOptions) -> Result<Dataset> {
    if !dir.is_dir() {
        return Err(Error::Read {
            path: dir.to_path_buf(),
            loc: None,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such dataset directory"),
        });
    }
    let mut ds = Dataset {
        strings: StrPool::new(),
        sessions: StrPool::dense(),
        ..Dataset::default()
    };
    let found: Vec<Option<Found>> = TABLES
        .iter()
        .map(|t| find(dir, t, &mut ds))
        .collect::<Result<_>>()?;
    if found[0].is_none() {
        return Err(Error::Data {
            path: dir.to_path_buf(),
            loc: None,
            message:
                "the dataset has no \"cdr\" table (cdr.csv, .json, .ndjson, or a directory cdr/)"
                    .into(),
        });
    }
    let (mut legs, mut agents, mut queues, mut groups) = (Ok(None), None, None, None);
    let (mut codes, mut sessions, mut states, mut offhook) = (None, None, None, None);
    rayon::scope(|s| {
        // The CDR, the largest table, is merged as it is read; the others wait for it, so the
        // pools still take the tables in their order.
        s.spawn(|_| legs = load_windowed::<Leg>(&mut ds, &found[0], opts));
        s.spawn(|_| states = parse::<StateRow>(&found[6], opts));
        s.spawn(|_| {
            agents = parse::<Agent>(&found[1], opts);
            queues = parse::<QueueInfo>(&found[2], opts);
            groups = parse::<RingGroupInfo>(&found[3], opts);
            codes = parse::<NotReadyCode>(&found[4], opts);
            sessions = parse::<AgentSession>(&found[5], opts);
            offhook = parse::<Offhook>(&found[7], opts);
        });
    });
    ds.legs = legs?.unwrap_or_default();
    ds.agents = merge(&mut ds, agents)?;
    ds.queues = merge(&mut ds, queues)?;
    ds.ring_groups = merge(&mut ds, groups)?;
    ds.not_ready_codes = merge(&mut ds, codes)?;
    ds.agent_sessions = merge(&mut ds, sessions)?;
    ds.agent_states = merge(&mut ds, states)?;
    ds.offhook = merge(&mut ds, offhook)?;
    check_agent_tables(&mut ds, opts)?;
    Ok(ds)
}

fn row_error(ds: &Dataset, origin: Origin, e: FieldError) -> Error {
    Error::Row {
        path: ds.files[origin.file as usize].clone(),
        loc: origin.loc(),
        field: e.field.to_string(),
        problem: e.problem,
    }
}

fn describe(ds: &Dataset, origin: Origin) -> String {
    let path = ds.files[origin.file as usize].display();
    format!("{path}{}", origin.loc())
}

/// Ties rows to their login session (by index), dropping rows of unknown sessions with a
/// warning. `fields` gives a row's session id and the index to set.
fn attach<T>(
    rows: &mut Vec<T>,
    table: &str,
    index: &HashMap<Sym, u32>,
    quality: &mut Quality,
    fields: impl Fn(&mut T) -> (&Sym, &mut u32),
) {
    let before = rows.len();
    rows.retain_mut(|r| {
        let (id, session) = fields(r);
        match index.get(id) {
            Some(&k) => {
                *session = k;
                true
            }
            None => false,
        }
    });
    let dropped = (before - rows.len()) as u64;
    quality.warn_n(
        format!("{table}: rows of a login session not in agent_sessions (ignored)"),
        dropped,
    );
}

/// The checks that need more than one row: duplicate login sessions, state and off-hook rows
/// of unknown sessions, overlapping state intervals (SPEC §2.3).
fn check_agent_tables(ds: &mut Dataset, opts: LoadOptions) -> Result<()> {
    let Some(mut sessions) = ds.agent_sessions.take() else {
        for (table, rows) in [
            ("agent_states", ds.agent_states.as_ref().map_or(0, Vec::len)),
            ("offhook", ds.offhook.as_ref().map_or(0, Vec::len)),
        ] {
            ds.quality.warn_n(
                format!("{table}: rows ignored (there is no agent_sessions table)"),
                rows as u64,
            );
        }
        return Ok(());
    };
    let mut index: HashMap<Sym, u32> =
        HashMap::with_capacity_and_hasher(sessions.len(), Default::default());
    let mut kept = Vec::with_capacity(sessions.len());
    for s in sessions.drain(..) {
        if let Some(&first) = index.get(&s.id) {
            let first: &AgentSession = &kept[first as usize];
            let e = FieldError::new(
                "login_session_id",
                "duplicate",
                format!(
                    "duplicates the session read at {}",
                    describe(ds, first.origin)
                ),
            );
            if opts.skip_bad_rows {
                ds.quality.skip(
                    "agent_sessions",
                    "agent_sessions: duplicate in \"login_session_id\"".into(),
                );
                continue;
            }
            return Err(row_error(ds, s.origin, e));
        }
        index.insert(s.id, kept.len() as u32);
        kept.push(s);
    }
    let sessions = kept;

    if let Some(mut states) = ds.agent_states.take() {
        attach(&mut states, "agent_states", &index, &mut ds.quality, |r| {
            (&r.login_session, &mut r.session)
        });
        // The origin (file, line) is unique, so the unstable sort gives one order, without the
        // stable sort's buffer of half the rows.
        states.sort_unstable_by_key(|r| (r.session, r.start_at, r.origin));
        // Overlapping rows are dropped (or stop the read) in place: the kept rows move down
        // over them, so the table is never held twice.
        let mut kept = 0;
        // The latest explicit end among the kept intervals of the current session.
        let mut reach: Option<(u32, i64, Origin)> = None;
        for i in 0..states.len() {
            let r = &states[i];
            if let Some((sess, end, prev)) = reach {
                if sess == r.session && r.start_at < end {
                    let e = FieldError::new(
                        "start_at",
                        "overlapping interval",
                        format!(
                            "the interval overlaps the one read at {} (same login session \"{}\")",
                            describe(ds, prev),
                            ds.strings.get(r.login_session)
                        ),
                    );
                    if opts.skip_bad_rows {
                        ds.quality.skip(
                            "agent_states",
                            "agent_states: overlapping interval in \"start_at\"".into(),
                        );
                        continue;
                    }
                    return Err(row_error(ds, r.origin, e));
                }
            }
            let end = r.end_at.get().unwrap_or(r.start_at);
            reach = match reach {
                Some((sess, e, o)) if sess == r.session && e >= end => Some((sess, e, o)),
                _ => Some((r.session, end, r.origin)),
            };
            states.swap(kept, i);
            kept += 1;
        }
        states.truncate(kept);
        ds.agent_states = Some(states);
    }

    if let Some(mut segs) = ds.offhook.take() {
        attach(&mut segs, "offhook", &index, &mut ds.quality, |r| {
            (&r.login_session, &mut r.session)
        });
        segs.sort_unstable_by_key(|r| (r.session, r.start_at, r.origin));
        ds.offhook = Some(segs);
    }
    ds.agent_sessions = Some(sessions);
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Loads a dataset made of CSV texts, one per table, through the real reader.
    pub fn load_csv(tables: &[(&str, &str)]) -> Dataset {
        try_load_csv(tables, LoadOptions::default()).expect("test dataset loads")
    }

    /// Like `load_csv`, returning the error.
    pub fn try_load_csv(tables: &[(&str, &str)], opts: LoadOptions) -> Result<Dataset> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in tables {
            std::fs::write(dir.path().join(format!("{name}.csv")), text).expect("write fixture");
        }
        load(dir.path(), opts)
    }
}
