//! `pbx-report run` and `backfill` (SPEC §5.4, §6): the owed fires of every job, one read of
//! the dataset, the fires that wait for data set aside (`plan`), every report computed from the
//! same facts and committed and logged as soon as it is done, in a fixed order.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use rayon::prelude::*;

use crate::commands::{previous_period, Prepared, Progress, Slice};
use crate::config::{RunConfig, RunMode};
use crate::delivery::{self, message};
use crate::error::{Error, Result};
use crate::input::window::{Known, SpanCache, Window};
use crate::jobs::{self, Job};
use crate::output::{
    file_url, sweep_temporaries, write_atomic, LogEntry, OutLock, ReportLog, Staged,
};
use crate::plan::{self, Arrival, Planned};
use crate::render;
use crate::reports::spec::Figure;
use crate::reports::{self, compute, Period, Request};
use crate::time::{format_rfc3339, Ts};

/// Reports computed at once; each batch is committed and logged before the next is computed,
/// so memory and temporary space follow the batch, not the run.
fn batch_size() -> usize {
    (rayon::current_num_threads() * 2).max(32)
}

/// Runs the command: with the output directory locked, the owed fires of every job, one read
/// of the dataset, the fires that wait for data set aside, and each report committed and
/// logged as soon as it is done.
pub fn run(c: &RunConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    // Only the summary line on stderr reads the clock: outputs never depend on it.
    let started = std::time::Instant::now();
    // The job file is configuration: a bad one stops the run before anything is written.
    let mut jobs = jobs::load(&c.jobs)?;
    if let Some(tenant) = c.tenant {
        jobs::for_tenant(&mut jobs, tenant);
    }
    let _lock = OutLock::acquire(&c.out, c.wait)?;
    // Leftovers of a killed run: its temporary files, and its journal folded into the log.
    sweep_temporaries(&c.out);
    let mut log = ReportLog::load(&c.out)?;
    if log.has_journal() {
        log.fold()?;
    }
    let mut warnings: Vec<String> = jobs
        .iter()
        .flat_map(|j| {
            j.warnings
                .iter()
                .map(move |w| format!("job \"{}\": {w}", j.id))
        })
        .collect();
    let fires = owed(c, &jobs, &log)?;
    let owed = plan::periods(&jobs, fires, &mut warnings)?;
    for w in &warnings {
        writeln!(err, "warning: {w}").map_err(Error::stderr)?;
    }
    if owed.is_empty() {
        writeln!(out, "nothing due").map_err(Error::stdout)?;
        let undelivered = deliver(c, &mut log, out, err)?;
        summary(err, 0, 0, 0, started)?;
        return undelivered;
    }
    let agent_fires: BTreeSet<Ts> = owed
        .iter()
        .filter(|p| jobs[p.job].kind.spec().reads_agent_time())
        .map(|p| p.fire)
        .collect();
    let progress = Progress::reading(c.progress, &c.data);
    // One read of the dataset for every report of the run, of the rows their windows need;
    // the CDR files earlier runs found outside them are not opened (SPEC §3, §5.4).
    let window = Window::new(owed.iter().flat_map(|p| {
        let previous = previous_of(&jobs[p.job], p).map(|(_, w)| w);
        std::iter::once(window_of(&jobs, p)).chain(previous)
    }));
    let opts = (c.load.clone())
        .within(window, Some(SpanCache::load(&c.out)))
        .reading_for(owed.iter().map(|p| jobs[p.job].kind.spec()));
    // Few "nows": every timeline at once, the raw agent rows freed; many (a long catch-up):
    // built a batch at a time.
    let mut prepared = if agent_fires.len() <= batch_size() {
        Prepared::load(&c.data, opts, agent_fires.iter().copied())?
    } else {
        Prepared::load_lazy(&c.data, opts)?
    };
    remember_spans(&c.out, &prepared.ds.learned);
    progress.suspend(|| prepared.report_quality(err))?;
    let arrival = Arrival::new(
        prepared.ds.legs.iter().map(|l| l.started_at).collect(),
        plan::complete_until(c.complete_until, &c.data)?,
    );
    let latest = matches!(c.mode, RunMode::Run { .. });
    let (produce, deferred) = plan::decide(&jobs, owed, &arrival, latest);
    let complete_until = arrival.complete_until();
    // Every leg's start, held only to decide.
    drop(arrival);
    progress.suspend(|| -> Result<()> {
        for p in &deferred {
            writeln!(err, "{}", p.deferred_line(&jobs, complete_until)).map_err(Error::stderr)?;
        }
        Ok(())
    })?;
    let (mut written, mut failed) = (0, 0);
    progress.computing(produce.len());
    for batch in produce.chunks(batch_size()) {
        prepared.ensure(
            batch
                .iter()
                .filter(|p| jobs[p.job].kind.spec().reads_agent_time())
                .map(|p| p.fire),
        );
        // Each report reads its own window's rows, whatever else the run reads (SPEC §3).
        let windows: BTreeSet<(Ts, Ts)> = batch.iter().map(|p| window_of(&jobs, p)).collect();
        let slices: BTreeMap<(Ts, Ts), Option<Slice>> = windows
            .into_par_iter()
            .map(|w| (w, prepared.slice(w)))
            .collect();
        let staged: Vec<Result<(Staged, u64, Vec<Figure>)>> = batch
            .par_iter()
            .map(|p| {
                let w = window_of(&jobs, p);
                let slice = slices.get(&w).and_then(Option::as_ref);
                stage(c, &jobs[p.job], p, &prepared, slice, w)
            })
            .collect();
        for (p, result) in batch.iter().zip(staged) {
            progress.inc();
            let job = &jobs[p.job];
            let done = result.and_then(|(staged, rows, figures)| {
                let lines = message::summary(p.from, p.to, job.tz, rows, &figures);
                let (period, sha) = ((p.from, p.to), staged.sha256.clone());
                let entry = LogEntry::new(job, p.fire, period, sha, rows, lines);
                staged.commit()?;
                let url = entry.file_url.clone();
                // A report is in place only while it is logged: one the log could not take is
                // taken back (the next run produces it again).
                if let Err(e) = log.append(entry) {
                    let _ = std::fs::remove_file(c.out.join(&url));
                    return Err(e);
                }
                Ok((url, rows))
            });
            match done {
                Ok((url, rows)) => {
                    written += 1;
                    writeln!(out, "wrote {url} ({rows} rows)").map_err(Error::stdout)?;
                }
                Err(e) => {
                    failed += 1;
                    let when = format_rfc3339(p.fire, job.tz);
                    progress.suspend(|| {
                        writeln!(err, "error: job \"{}\" at {when}: {e}", job.id)
                            .map_err(Error::stderr)
                    })?;
                }
            }
        }
        prepared.forget();
    }
    log.fold()?;
    progress.finish();
    // Delivery comes after every report is committed and logged: a crash before it leaves
    // pending entries that the next run delivers (at least once, never lost).
    let undelivered = deliver(c, &mut log, out, err)?;
    summary(err, written, deferred.len(), failed, started)?;
    if failed > 0 {
        return Err(Error::JobsFailed(failed));
    }
    undelivered
}

/// Delivers every owed report of the log (this run's and earlier runs' pending or failed
/// ones) and folds the log; `Err(DeliveryFailed)` when some failed, for the exit code.
fn deliver(
    c: &RunConfig,
    log: &mut ReportLog,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Result<()>> {
    let d = delivery::deliver_owed(&c.out, log, &c.mail, out, err)?;
    if d.done + d.failed > 0 {
        log.fold()?;
    }
    Ok(if d.failed > 0 {
        Err(Error::DeliveryFailed(d.failed))
    } else {
        Ok(())
    })
}

/// The run's last line on stderr (SPEC §1): `14 written, 1 deferred, 0 failed in 2.3 s`.
fn summary(
    err: &mut dyn Write,
    written: usize,
    deferred: usize,
    failed: usize,
    started: std::time::Instant,
) -> Result<()> {
    let secs = started.elapsed().as_secs_f64();
    writeln!(
        err,
        "{written} written, {deferred} deferred, {failed} failed in {secs:.1} s"
    )
    .map_err(Error::stderr)
}

/// The `(job, fire)` pairs owed: for `run`, each active job's fires since its last logged one
/// (`catch_up` picks among them once deferral is known); for `backfill`, every fire in range.
fn owed(c: &RunConfig, jobs: &[Job], log: &ReportLog) -> Result<Vec<(usize, Ts)>> {
    Ok(match &c.mode {
        RunMode::Run { now } => {
            let last = log.last_fires();
            jobs.iter()
                .enumerate()
                .flat_map(|(k, j)| {
                    j.owed_fires(last.get(j.id.as_str()).copied(), *now)
                        .into_iter()
                        .map(move |f| (k, f))
                })
                .collect()
        }
        RunMode::Backfill { from, to, only } => {
            if let Some(id) = only.iter().find(|id| !jobs.iter().any(|j| &j.id == *id)) {
                return Err(Error::usage(format!(
                    "--job {id}: no job with that id in {}",
                    c.jobs.display()
                )));
            }
            jobs.iter()
                .enumerate()
                .filter(|(_, j)| j.active && (only.is_empty() || only.contains(&j.id)))
                .flat_map(|(k, j)| {
                    j.fires_in(from - 1, to - 1)
                        .into_iter()
                        .map(move |f| (k, f))
                })
                .collect()
        }
    })
}

/// A planned report's window (SPEC §3).
fn window_of(jobs: &[Job], p: &Planned) -> (Ts, Ts) {
    reports::window(jobs[p.job].kind, p.from, p.to, p.fire)
}

/// An HTML report's previous period and its window (SPEC §6.1); `None` for other formats.
fn previous_of(job: &Job, p: &Planned) -> Option<((Ts, Ts), (Ts, Ts))> {
    (job.format == render::Format::Html).then(|| {
        let range = job.params.time_range;
        previous_period(job.kind, range, (p.from, p.to, job.tz), p.fire)
    })
}

/// Stores what this read learned of the CDR files' times for the next run. The cache only
/// saves reading: a run whose cache cannot be written goes on and reads more next time.
fn remember_spans(out: &std::path::Path, learned: &[(std::path::PathBuf, Known)]) {
    let mut cache = SpanCache::default();
    for (path, known) in learned {
        cache.learn(path, *known);
    }
    if cache != SpanCache::load(out) {
        let _ = write_atomic(&out.join(SpanCache::FILE), &cache.to_bytes());
    }
}

/// Computes one report from its window's rows and writes it under a temporary name beside its
/// place.
fn stage(
    c: &RunConfig,
    job: &Job,
    p: &Planned,
    prepared: &Prepared,
    slice: Option<&Slice>,
    window: (Ts, Ts),
) -> Result<(Staged, u64, Vec<Figure>)> {
    let period = Period {
        from: p.from,
        to: p.to,
        tz: job.tz,
    };
    let ctx = prepared.ctx(slice, period, p.fire, job.kind.spec().reads_agent_time());
    let req = Request {
        kind: job.kind,
        params: job.params.clone(),
        criteria: None,
    };
    let table = compute(&ctx, &req)?;
    // The figures the e-mail states, read before the table is rendered (and consumed).
    let figures = (job.kind.spec().headline)(&table);
    let previous = match previous_of(job, p) {
        Some(((from, to), w)) => {
            let agent_time = job.kind.spec().reads_agent_time();
            prepared.previous_figures(&req, (from, to, job.tz), w, p.fire, agent_time)?
        }
        None => None,
    };
    let meta = render::Meta {
        from: p.from,
        to: p.to,
        tz: job.tz,
        schedule_name: Some(&job.schedule_name),
        generated: p.fire,
        params: &job.params,
        quality: &prepared.quality(window, job.kind.spec().reads_agent_tables()),
        previous: previous.as_deref(),
    };
    let (staged, rows) = Staged::write(&c.out.join(file_url(job, p.from, p.to)), |w| {
        render::write(table, job.format, &meta, w)
    })?;
    Ok((staged, rows, figures))
}
