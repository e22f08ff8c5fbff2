//! Reading a dataset directory (SPEC §2): every table, every format, files in parallel, merged
//! in file order so the result never depends on thread timing.

pub mod cdr;
pub mod dims;
pub mod duplicates;
pub mod parts;
pub mod records;
mod rows;
pub mod source;
pub mod table;
pub mod window;

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::legs::Leg;
use crate::model::pool::{StrPool, Sym};
use crate::model::profile::Profiles;
use crate::model::quality::Quality;
use crate::model::rows::{
    Agent, AgentSession, NotReadyCode, Offhook, Origin, QueueInfo, RingGroupInfo, StateRow,
};
use crate::model::{Dataset, TableName};
use crate::reports::spec::{AgentTime, ReportSpec};
use parts::{Part, Stitch, PART_BYTES};
use rows::{read_rows, FieldError};
use source::{table_files, SourceFile};
use table::{ParseCx, Record, Remap};
use window::{Known, Span, SpanCache, Stat, Window};

/// How to read.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Skip invalid rows (counting them by reason) instead of stopping at the first.
    pub skip_bad_rows: bool,
    /// Keep each leg's SIP `call_id`. Only the Dataflow call history prints it, and a month's
    /// ids (nearly all distinct) take about 30 bytes a leg, so reports read without them.
    pub call_ids: bool,
    /// The union of the due reports' windows (SPEC §3): CDR rows starting outside it are
    /// dropped as soon as their `started_at` is read, and agent sessions that do not overlap
    /// it with their rows. `None`: everything is read (`validate`).
    pub window: Option<Arc<Window>>,
    /// What earlier runs learned of the CDR files' times: a file whose rows all lie outside
    /// `window` is not opened.
    pub spans: Option<Arc<SpanCache>>,
    /// Whether to read the agent tables (`agent_sessions`, `agent_states`, `offhook`): not
    /// when no due report reads agent time (SPEC §5.4: the read skips what no report needs).
    pub agent_tables: bool,
    /// The CDR columns not read (bits by column number, `cdr::skip_mask`): columns of
    /// `cdr::OPTIONAL` that no due report reads are neither decoded, checked nor interned.
    pub cdr_skip: u64,
    /// Whether to read the call (`session_id`) of every agent state row, not only of wrap-up
    /// rows: only when a due report prints it (`ReportSpec::state_calls`).
    pub state_calls: bool,
    /// The most agent time a due report reads: with `WrapUp`, timelines hold the wrap-up of
    /// each call only, not every state interval (`Timeline::build`).
    pub agent_time: AgentTime,
}

impl Default for LoadOptions {
    /// Every row must be valid; everything is kept.
    fn default() -> Self {
        LoadOptions {
            skip_bad_rows: false,
            call_ids: true,
            window: None,
            spans: None,
            agent_tables: true,
            cdr_skip: 0,
            state_calls: true,
            agent_time: AgentTime::States,
        }
    }
}

impl LoadOptions {
    /// Reading for reports: everything but the call ids.
    pub fn for_reports(skip_bad_rows: bool) -> LoadOptions {
        LoadOptions {
            skip_bad_rows,
            call_ids: false,
            window: None,
            spans: None,
            agent_tables: true,
            cdr_skip: 0,
            state_calls: true,
            agent_time: AgentTime::States,
        }
    }

    /// These options reading only the tables and columns that reports of the types `specs`
    /// read (SPEC §5.4, §7).
    pub fn reading_for(self, specs: impl IntoIterator<Item = &'static ReportSpec>) -> LoadOptions {
        let all: Vec<_> = specs.into_iter().collect();
        LoadOptions {
            agent_tables: all.iter().any(|s| s.reads_agent_tables()),
            cdr_skip: cdr::skip_mask(all.iter().flat_map(|s| s.cdr_columns.iter().copied())),
            state_calls: all.iter().any(|s| s.state_calls),
            agent_time: all
                .iter()
                .map(|s| s.agent_time)
                .max()
                .unwrap_or(AgentTime::None),
            ..self
        }
    }

    /// These options reading only what `window` needs, with what `spans` knows of the files.
    pub fn within(self, window: Window, spans: Option<SpanCache>) -> LoadOptions {
        LoadOptions {
            window: Some(Arc::new(window)),
            spans: spans.map(Arc::new),
            ..self
        }
    }
}

/// One piece's rows with its own pools, before merging.
struct Batch<T> {
    rows: Vec<T>,
    strings: StrPool,
    sessions: StrPool,
    call_ids: crate::model::pool::TextColumn,
    quality: Quality,
    /// The CDR's duplicate stamps, one per row.
    stamps: Vec<duplicates::Stamp>,
    /// The CDR legs' profiles.
    profiles: Profiles,
    /// Where a part's reader stopped, and the line feeds it read (see `read_rows`).
    ended: rows::Ended,
    /// The span of the rows' times, kept or not (a timed table, `Record::TIMED`).
    span: Option<Span>,
    /// Every row had a valid time: `span` covers the piece.
    spanned: bool,
}

/// What one thread reads: a whole file, or a part of a large plain CSV file.
struct Piece {
    file: SourceFile,
    /// The file's index in `Dataset::files`.
    index: u32,
    part: Option<Part>,
    /// The file's size and modification time before it was read.
    stat: Option<Stat>,
}

fn read_file<T: Record>(piece: &Piece, opts: &LoadOptions) -> Result<Batch<T>> {
    let (file, part) = (&piece.file, piece.part.as_ref());
    let mut cx = ParseCx::new(piece.index, opts.call_ids);
    if T::NAME == TableName::Cdr {
        cx.skip = opts.cdr_skip;
    }
    cx.state_calls = opts.state_calls;
    // A part's rows and a whole file's are estimated from the file's head.
    let lines = part.map_or_else(|| file.estimated_lines(), |p| Some(p.rows));
    let mut rows = Vec::with_capacity(lines.unwrap_or(0));
    // A CDR part's distinct texts (callers, callees, names) are about a third of its legs.
    if T::NAME == TableName::Cdr {
        let legs = lines.unwrap_or(0);
        cx.strings.reserve(legs / 3, legs / 3 * 12);
        cx.sessions.reserve(legs / 3, legs / 3 * 19);
    }
    let window = opts.window.as_deref().filter(|_| T::TIMED);
    let (mut span, mut spanned) = (None::<Span>, T::TIMED);
    let ended = read_rows(file, part, T::COLUMNS, T::REQUIRED, |row, loc| {
        // A row outside every due report's window is dropped here, before any other cell is
        // decoded, checked or interned (SPEC §3, §7).
        if T::TIMED {
            cx.at = row.as_ref().ok().and_then(T::time);
            match cx.at {
                Some(t) => {
                    span = Some(span.map_or(Span { first: t, last: t }, |s| s.with(t)));
                    if window.is_some_and(|w| !w.contains(t)) {
                        return Ok(());
                    }
                }
                None => spanned = false,
            }
        }
        match row.and_then(|r| T::parse(&r, loc, &mut cx)) {
            Ok(t) => rows.push(t),
            Err(issue) if opts.skip_bad_rows => cx.skip(T::NAME, issue.reason(T::NAME.as_str())),
            Err(issue) => return Err(issue.into_error(file, loc)),
        }
        // The next row interns at most one text per column.
        if !cx.strings.has_room(T::COLUMNS.len()) || !cx.sessions.has_room(1) {
            return Err(too_many_texts(&file.path, Some(loc)));
        }
        Ok(())
    })?;
    let stats = cx.quality.tables.entry(T::NAME).or_default();
    stats.files += u64::from(part.is_none_or(|p| p.start == 0));
    stats.rows += rows.len() as u64;
    Ok(Batch {
        rows,
        strings: cx.strings,
        sessions: cx.sessions,
        call_ids: cx.call_ids,
        quality: cx.quality,
        stamps: cx.stamps,
        profiles: cx.profiles,
        ended,
        span,
        spanned,
    })
}

/// The dataset holds more distinct texts than a 32-bit symbol can name.
fn too_many_texts(path: &Path, loc: Option<crate::error::Loc>) -> Error {
    Error::Data {
        path: path.to_path_buf(),
        loc,
        message: format!(
            "the dataset has more than {} distinct texts, more than one run can hold \
             (split the dataset, e.g. by tenant)",
            crate::model::pool::MAX_STRINGS
        ),
    }
}

/// The pieces of one table, in file order.
struct Found {
    pieces: Vec<Piece>,
}

/// Finds a table's files and gives them their indices in `Dataset::files`.
/// A CDR file that earlier runs found to hold no row inside the read's window is not opened.
fn find(
    dir: &Path,
    name: TableName,
    ds: &mut Dataset,
    opts: &LoadOptions,
) -> Result<Option<Found>> {
    if name.is_agent_table() && !opts.agent_tables {
        return Ok(None);
    }
    let Some(files) = table_files(dir, name.as_str(), &mut ds.quality)? else {
        return Ok(None);
    };
    let mut pieces = Vec::with_capacity(files.len());
    for file in files {
        let stat = Stat::of(&file.path);
        if name == TableName::Cdr {
            if let (Some(window), Some(cache)) = (&opts.window, &opts.spans) {
                if let (Some(span), Some(stat)) = (cache.lookup(&file.path, stat), stat) {
                    if span.is_none_or(|s| !window.meets(s.first, s.last)) {
                        // Still known: the next run's cache keeps it.
                        ds.learned.push((file.path, Known { stat, span }));
                        continue;
                    }
                }
            }
        }
        let index = ds.files.len() as u32;
        ds.files.push(file.path.clone());
        pieces.push(Piece {
            file,
            index,
            part: None,
            stat,
        });
    }
    ds.quality.tables.entry(name).or_default();
    Ok(Some(Found { pieces }))
}

/// The pieces with each large plain CSV file cut into parts of about `part_bytes` (see `parts`).
fn cut(pieces: &[Piece], part_bytes: u64) -> Result<Vec<Piece>> {
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let parts = parts::split(&piece.file, part_bytes)?;
        if parts.is_empty() {
            out.push(Piece {
                file: piece.file.clone(),
                index: piece.index,
                part: None,
                stat: piece.stat,
            });
        }
        out.extend(parts.into_iter().map(|part| Piece {
            file: piece.file.clone(),
            index: piece.index,
            part: Some(part),
            stat: piece.stat,
        }));
    }
    Ok(out)
}

/// Parses every piece of a table, in parallel; results in piece order.
fn parse<T: Record>(found: &Option<Found>, opts: &LoadOptions) -> Option<Vec<Result<Batch<T>>>> {
    Some(parse_pieces(&found.as_ref()?.pieces, opts))
}

fn parse_pieces<T: Record>(pieces: &[Piece], opts: &LoadOptions) -> Vec<Result<Batch<T>>> {
    pieces.par_iter().map(|p| read_file::<T>(p, opts)).collect()
}

/// Parses and merges a table of many pieces a window at a time, so only a window of parsed
/// batches waits for merging, not the whole table beside its merged copy (daily CDR files over
/// a month would otherwise be held twice). Window k is merged while window k + 1 is parsed: the
/// merge (one thread, it owns the pools) overlaps the parsing instead of stopping it.
fn load_windowed<T: Record>(
    ds: &mut Dataset,
    found: &Option<Found>,
    opts: &LoadOptions,
    part_bytes: u64,
) -> Result<Option<Vec<T>>> {
    let Some(found) = found else {
        return Ok(None);
    };
    // Cut here, in the table's own task, so the other tables' parsing overlaps the cutting.
    let pieces = cut(&found.pieces, part_bytes)?;
    let window = rayon::current_num_threads().max(1) * 2;
    let total = pieces.len();
    let mut out = Vec::new();
    let mut stitch = Stitch::default();
    // The parsed window waiting for its merge, and how many pieces it completes.
    let mut pending: Option<(Vec<Result<Batch<T>>>, usize)> = None;
    let mut merge = |ds: &mut Dataset, (batches, done): (Vec<Result<Batch<T>>>, usize)| {
        // Room for the whole table as projected from the pieces read so far: the vector grows
        // a few times by about the right amount instead of doubling past it.
        let rows: usize = batches.iter().flatten().map(|b| b.rows.len()).sum();
        let projected = (out.len() + rows) * total / done;
        if projected > out.capacity() && !out.is_empty() {
            out.reserve_exact(projected - out.len());
        }
        let merged = &pieces[done - batches.len()..done];
        merge_into(ds, merged, batches, &mut out, &mut stitch)
    };
    for (w, chunk) in pieces.chunks(window).enumerate() {
        let (merged, parsed) = rayon::join(
            || pending.take().map(|p| merge(ds, p)).transpose(),
            || parse_pieces::<T>(chunk, opts),
        );
        // Window k's errors come before window k + 1's: the first error in file order wins.
        merged?;
        pending = Some((parsed, w * window + chunk.len()));
    }
    if let Some(p) = pending {
        merge(ds, p)?;
    }
    out.shrink_to_fit();
    Ok(Some(out))
}

/// Moves a table's batches into the dataset's pools, in file order.
fn merge<T: Record>(
    ds: &mut Dataset,
    found: &Option<Found>,
    batches: Option<Vec<Result<Batch<T>>>>,
) -> Result<Option<Vec<T>>> {
    let (Some(found), Some(batches)) = (found, batches) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    merge_into(ds, &found.pieces, batches, &mut out, &mut Stitch::default())?;
    // The capacity was estimated from the file size; give back what the estimate overshot
    // (a large vector shrinks in place).
    out.shrink_to_fit();
    Ok(Some(out))
}

/// Appends the batches of `pieces` to `out` in file order, remapping their symbols into the
/// dataset's pools; a part that an earlier part read already is dropped (see `Stitch`).
fn merge_into<T: Record>(
    ds: &mut Dataset,
    pieces: &[Piece],
    batches: Vec<Result<Batch<T>>>,
    out: &mut Vec<T>,
    stitch: &mut Stitch,
) -> Result<()> {
    for (piece, batch) in pieces.iter().zip(batches) {
        if !stitch.keeps(piece.index, piece.part.as_ref()) {
            continue;
        }
        // A part's reader numbered its lines from the part's start.
        let lines = stitch.lines_before(piece.index, piece.part.as_ref());
        // The first error in file order wins, whichever thread found it first.
        let mut batch = batch.map_err(|e| e.lines_down(lines))?;
        let ended = batch.ended;
        stitch.kept(
            piece.index,
            piece.part.as_ref(),
            ended.stop,
            ended.line_feeds,
        );
        if T::TIMED {
            ds.spans_read.push((piece.index, batch.span, batch.spanned));
        }
        if !ds.strings.has_room(batch.strings.len()) || !ds.sessions.has_room(batch.sessions.len())
        {
            return Err(too_many_texts(&piece.file.path, None));
        }
        let strings = Arc::make_mut(&mut ds.strings).absorb(batch.strings);
        let sessions = ds.sessions.absorb(batch.sessions);
        let profiles = Arc::make_mut(&mut ds.profiles).absorb(&batch.profiles, strings.as_deref());
        let same_profiles = profiles.iter().enumerate().all(|(i, &p)| p == i as u32);
        // The first file's pools are taken as they are: nothing to remap.
        if strings.is_some() || sessions.is_some() || !same_profiles || lines > 0 {
            let identity = |n: usize| (0..n as u32).map(Sym).collect::<Vec<_>>();
            let strings = strings.unwrap_or_else(|| identity(ds.strings.len()));
            let sessions = sessions.unwrap_or_else(|| identity(ds.sessions.len()));
            let map = Remap {
                strings: &strings,
                sessions: &sessions,
                profiles: &profiles,
                lines,
            };
            for row in &mut batch.rows {
                row.remap(&map);
            }
        }
        ds.call_ids.append(std::mem::take(&mut batch.call_ids));
        if lines > 0 {
            for stamp in &mut batch.stamps {
                *stamp = stamp.down(lines);
            }
        }
        ds.leg_stamps.append(&mut batch.stamps);
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

/// What the CDR's files were found to hold: each whole file read, every row with a valid
/// `started_at`, is entered with its span, for `SpanCache`. `spans` lists each piece read as
/// (file index, span, every row timed), parts of a file one after another.
fn learned(
    found: &Found,
    spans: Vec<(u32, Option<Span>, bool)>,
) -> Vec<(std::path::PathBuf, Known)> {
    let mut by_file: Vec<(u32, Option<Span>, bool)> = Vec::new();
    for (index, span, ok) in spans {
        match by_file.last_mut() {
            Some(last) if last.0 == index => {
                last.1 = Span::join(last.1, span);
                last.2 &= ok;
            }
            _ => by_file.push((index, span, ok)),
        }
    }
    by_file
        .into_iter()
        .filter(|&(_, _, ok)| ok)
        .filter_map(|(index, span, _)| {
            let piece = found.pieces.iter().find(|p| p.index == index)?;
            Some((
                piece.file.path.clone(),
                Known {
                    stat: piece.stat?,
                    span,
                },
            ))
        })
        .collect()
}

/// Reads the dataset in `dir`. The `cdr` table is required. Every table's files are parsed in
/// parallel, then merged in file order, so the result never depends on which thread finished
/// first.
pub fn load(dir: &Path, opts: LoadOptions) -> Result<Dataset> {
    load_staged(dir, opts, |_| ()).map(|(ds, ())| ds)
}

/// `load`, calling `agents_read` once the agent and dimension tables are read and checked and
/// before the CDR is: what it derives from the agent rows (timelines), and frees of them, never
/// shares memory with the legs.
pub fn load_staged<T>(
    dir: &Path,
    opts: LoadOptions,
    agents_read: impl FnOnce(&mut Dataset) -> T,
) -> Result<(Dataset, T)> {
    load_in_parts(dir, &opts, PART_BYTES, agents_read)
}

/// `load_staged`, cutting a large plain CSV file of the CDR or the agent states into parts of
/// about `part_bytes` bytes.
fn load_in_parts<T>(
    dir: &Path,
    opts: &LoadOptions,
    part_bytes: u64,
    agents_read: impl FnOnce(&mut Dataset) -> T,
) -> Result<(Dataset, T)> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            let source = std::io::Error::from(std::io::ErrorKind::NotADirectory);
            return Err(Error::dir(dir, "dataset directory", source));
        }
        Err(source) => return Err(Error::dir(dir, "dataset directory", source)),
    }
    let mut ds = Dataset {
        strings: Arc::new(StrPool::new()),
        sessions: StrPool::dense(),
        ..Dataset::default()
    };
    let [cdr, agents, queues, groups, codes, sessions, states, offhook] =
        TableName::ALL.map(|t| find(dir, t, &mut ds, opts));
    let (cdr, agents, queues, groups) = (cdr?, agents?, queues?, groups?);
    let (codes, sessions, states, offhook) = (codes?, sessions?, states?, offhook?);
    if cdr.is_none() {
        return Err(Error::Data {
            path: dir.to_path_buf(),
            loc: None,
            message:
                "the dataset has no \"cdr\" table (cdr.csv, .json, .ndjson, or a directory cdr/)"
                    .into(),
        });
    }
    // First the agent and dimension tables: the agent states, the largest, cut into parts and
    // merged as they are read, the others beside them.
    let (mut agent_rows, mut queue_rows, mut group_rows) = (None, None, None);
    let (mut code_rows, mut session_rows, mut state_rows, mut offhook_rows) =
        (None, None, Ok(None), None);
    rayon::scope(|s| {
        s.spawn(|_| state_rows = load_windowed::<StateRow>(&mut ds, &states, opts, part_bytes));
        s.spawn(|_| {
            agent_rows = parse::<Agent>(&agents, opts);
            queue_rows = parse::<QueueInfo>(&queues, opts);
            group_rows = parse::<RingGroupInfo>(&groups, opts);
            code_rows = parse::<NotReadyCode>(&codes, opts);
            session_rows = parse::<AgentSession>(&sessions, opts);
            offhook_rows = parse::<Offhook>(&offhook, opts);
        });
    });
    ds.agents = merge(&mut ds, &agents, agent_rows)?;
    ds.queues = merge(&mut ds, &queues, queue_rows)?;
    ds.ring_groups = merge(&mut ds, &groups, group_rows)?;
    ds.not_ready_codes = merge(&mut ds, &codes, code_rows)?;
    ds.agent_sessions = merge(&mut ds, &sessions, session_rows)?;
    ds.agent_states = state_rows?;
    ds.offhook = merge(&mut ds, &offhook, offhook_rows)?;
    check_agent_tables(&mut ds, opts)?;
    let derived = agents_read(&mut ds);
    // Then the CDR, cut into parts (see `parts`) and merged as it is read.
    ds.legs = load_windowed::<Leg>(&mut ds, &cdr, opts, part_bytes)?.unwrap_or_default();
    if let Some(found) = &cdr {
        let spans = std::mem::take(&mut ds.spans_read);
        ds.learned.extend(learned(found, spans));
    }
    let stamps = std::mem::take(&mut ds.leg_stamps);
    duplicates::drop_repeated_legs(&mut ds, stamps, opts.skip_bad_rows)?;
    Ok((ds, derived))
}

/// Are two rows equal in every field but where they were read?
fn same_but_origin<T: Clone + PartialEq>(
    a: &T,
    b: &T,
    origin: impl Fn(&mut T) -> &mut Origin,
) -> bool {
    let mut b = b.clone();
    *origin(&mut b) = *origin(&mut a.clone());
    *a == b
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
/// warning, and those of sessions outside the read's window (`None` in `index`) without one.
/// `fields` gives a row's session id and the index to set.
fn attach<T>(
    rows: &mut Vec<T>,
    table: &str,
    index: &HashMap<Sym, Option<u32>>,
    quality: &mut Quality,
    fields: impl Fn(&mut T) -> (&Sym, &mut u32),
) {
    let mut unknown = 0u64;
    rows.retain_mut(|r| {
        let (id, session) = fields(r);
        match index.get(id) {
            Some(&Some(k)) => {
                *session = k;
                true
            }
            Some(None) => false,
            None => {
                unknown += 1;
                false
            }
        }
    });
    let dropped = unknown;
    quality.warn_n(
        format!("{table}: rows of a login session not in agent_sessions (ignored)"),
        dropped,
    );
}

/// The checks that need more than one row: duplicate login sessions, state and off-hook rows
/// of unknown sessions, overlapping state intervals (SPEC §2.3).
fn check_agent_tables(ds: &mut Dataset, opts: &LoadOptions) -> Result<()> {
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
    let mut repeated = 0;
    for s in sessions.drain(..) {
        if let Some(&first) = index.get(&s.id) {
            let first: &AgentSession = &kept[first as usize];
            // The same row sent twice is counted once (SPEC §2.4).
            if (AgentSession {
                origin: first.origin,
                ..s.clone()
            }) == *first
            {
                repeated += 1;
                continue;
            }
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
                    TableName::AgentSessions,
                    "agent_sessions: duplicate in \"login_session_id\"".into(),
                );
                continue;
            }
            return Err(row_error(ds, s.origin, e));
        }
        index.insert(s.id, kept.len() as u32);
        kept.push(s);
    }
    ds.quality
        .warn_n("agent_sessions: duplicate row (kept once)", repeated);
    // Sessions that overlap no due report's window are left out with their rows (SPEC §3).
    let mut sessions = Vec::with_capacity(kept.len());
    let index: HashMap<Sym, Option<u32>> = kept
        .into_iter()
        .map(|s| {
            let inside = opts
                .window
                .as_ref()
                .is_none_or(|w| w.overlaps(s.login_at, s.logout_at));
            let id = s.id;
            if inside {
                sessions.push(s);
                (id, Some(sessions.len() as u32 - 1))
            } else {
                (id, None)
            }
        })
        .collect();

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
        let mut repeated = 0;
        // The latest explicit end among the kept intervals of the current session.
        let mut reach: Option<(u32, i64, Origin)> = None;
        for i in 0..states.len() {
            let r = &states[i];
            // A row equal to the one before it (same start, read earlier) is a copy, not an
            // overlap.
            if kept > 0 && same_but_origin(&states[kept - 1], r, |x| &mut x.origin) {
                repeated += 1;
                continue;
            }
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
                            TableName::AgentStates,
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
        ds.quality
            .warn_n("agent_states: duplicate row (kept once)", repeated);
        ds.agent_states = Some(states);
    }

    if let Some(mut segs) = ds.offhook.take() {
        attach(&mut segs, "offhook", &index, &mut ds.quality, |r| {
            (&r.login_session, &mut r.session)
        });
        segs.sort_unstable_by_key(|r| (r.session, r.start_at, r.origin));
        let before = segs.len();
        segs.dedup_by(|later, earlier| same_but_origin(earlier, later, |x| &mut x.origin));
        ds.quality.warn_n(
            "offhook: duplicate row (kept once)",
            (before - segs.len()) as u64,
        );
        ds.offhook = Some(segs);
    }
    // Each session's state and off-hook rows, for the row counts of a report's window.
    let mut counts = vec![[0u32; 2]; sessions.len()];
    for r in ds.agent_states.iter().flatten() {
        counts[r.session as usize][0] += 1;
    }
    for r in ds.offhook.iter().flatten() {
        counts[r.session as usize][1] += 1;
    }
    ds.session_rows = counts;
    ds.agent_sessions = Some(sessions);
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
