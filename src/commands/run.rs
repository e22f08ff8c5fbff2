//! `pbx-report run` and `backfill` (SPEC §5.4, §6): plan the due fires of every job, read the
//! dataset once, compute every report from the same facts, and write files and the report log
//! atomically, in a fixed order.

use std::io::Write;

use rayon::prelude::*;

use crate::commands::Prepared;
use crate::config::{RunConfig, RunMode};
use crate::error::{Error, Result};
use crate::jobs::{self, Job};
use crate::output::{file_url, sweep_temporaries, LogEntry, ReportLog, Staged};
use crate::render;
use crate::reports::{compute, Period, Request};
use crate::time::{format_rfc3339, Ts};

/// One report to produce: a job at a fire time, over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    /// Index into the job list.
    pub job: usize,
    /// The fire time ("now" for the report).
    pub fire: Ts,
    /// Period start.
    pub from: Ts,
    /// Period end.
    pub to: Ts,
}

/// Turns fires into planned reports; a fire whose period is empty gives a warning instead.
fn plan(jobs: &[Job], fires: Vec<(usize, Ts)>, warnings: &mut Vec<String>) -> Result<Vec<Planned>> {
    let mut out = Vec::new();
    for (k, fire) in fires {
        let job = &jobs[k];
        match job.period_at(fire) {
            Ok(Some((from, to))) => out.push(Planned {
                job: k,
                fire,
                from,
                to,
            }),
            Ok(None) => warnings.push(format!(
                "job \"{}\" at {}: the period is empty; no report",
                job.id,
                format_rfc3339(fire, job.tz)
            )),
            Err(e) => return Err(Error::usage(format!("job \"{}\": {e}", job.id))),
        }
    }
    // A fixed order: by fire time, then job id.
    out.sort_by(|a, b| {
        a.fire
            .cmp(&b.fire)
            .then_with(|| jobs[a.job].id.cmp(&jobs[b.job].id))
    });
    Ok(out)
}

/// Runs the command.
pub fn run(c: &RunConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let jobs = jobs::load(&c.jobs)?;
    let mut log = ReportLog::load(&c.out)?;
    let mut warnings: Vec<String> = jobs
        .iter()
        .flat_map(|j| {
            j.warnings
                .iter()
                .map(move |w| format!("job \"{}\": {w}", j.id))
        })
        .collect();
    let fires: Vec<(usize, Ts)> = match &c.mode {
        RunMode::Run { now } => jobs
            .iter()
            .enumerate()
            .flat_map(|(k, j)| {
                j.due_fires(log.last_fire(&j.id), *now)
                    .into_iter()
                    .map(move |f| (k, f))
            })
            .collect(),
        RunMode::Backfill { from, to, only } => {
            for id in only {
                if !jobs.iter().any(|j| &j.id == id) {
                    return Err(Error::usage(format!(
                        "--job {id}: no job with that id in {}",
                        c.jobs.display()
                    )));
                }
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
    };
    let planned = plan(&jobs, fires, &mut warnings)?;
    for w in &warnings {
        writeln!(err, "warning: {w}").map_err(Error::stderr)?;
    }
    if planned.is_empty() {
        writeln!(out, "nothing due").map_err(Error::stdout)?;
        return Ok(());
    }
    // One read of the dataset for every report of the run.
    let prepared = Prepared::load(&c.data, c.load, planned.iter().map(|p| p.fire))?;
    prepared.report_quality(err)?;
    // Leftovers of a killed run go first: the staging below makes new temporary files.
    sweep_temporaries(&c.out);
    // Every report computed and streamed to its staged file in parallel; committed in order.
    let staged: Vec<Result<(Staged, u64)>> = planned
        .par_iter()
        .map(|p| {
            let job = &jobs[p.job];
            let period = Period {
                from: p.from,
                to: p.to,
                tz: job.tz,
            };
            let ctx = prepared.ctx(period, p.fire);
            let req = Request {
                kind: job.kind,
                params: job.params.clone(),
                criteria: None,
            };
            let table = compute(&ctx, &req)?;
            let meta = render::Meta {
                from: p.from,
                to: p.to,
                tz: job.tz,
                schedule_name: Some(&job.schedule_name),
                generated: p.fire,
                params: &job.params,
                quality: &prepared.ds.quality,
            };
            Staged::write(&c.out.join(file_url(job, p.from, p.to)), |w| {
                render::write(table, job.format, &meta, w)
            })
        })
        .collect();
    let mut failed = 0;
    for (p, result) in planned.iter().zip(staged) {
        let job = &jobs[p.job];
        let when = format_rfc3339(p.fire, job.tz);
        let written = result.and_then(|(staged, rows)| {
            let entry = LogEntry::new(job, p.fire, (p.from, p.to), staged.sha256.clone(), rows);
            staged.commit()?;
            let url = entry.file_url.clone();
            log.upsert(entry);
            log.save()?;
            Ok((url, rows))
        });
        match written {
            Ok((url, rows)) => {
                writeln!(out, "wrote {url} ({rows} rows)").map_err(Error::stdout)?;
            }
            Err(e) => {
                failed += 1;
                writeln!(err, "error: job \"{}\" at {when}: {e}", job.id).map_err(Error::stderr)?;
            }
        }
    }
    if failed > 0 {
        return Err(Error::JobsFailed(failed));
    }
    Ok(())
}
