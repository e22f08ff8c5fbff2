//! `pbx-report run` and `backfill` (SPEC §5.4, §6): plan the due fires of every job, read the
//! dataset once, compute every report from the same facts, and write files and the report log
//! atomically, in a fixed order.

use std::collections::BTreeMap;
use std::io::Write;

use rayon::prelude::*;

use crate::config::{RunConfig, RunMode};
use crate::error::{Error, Result};
use crate::input;
use crate::jobs::{self, CatchUp, Job};
use crate::model::agents::Timeline;
use crate::model::Facts;
use crate::output::{log_id, report_file_name, sweep_temporaries, LogEntry, ReportLog, Staged};
use crate::render;
use crate::reports::{compute, Ctx, Period, Request};
use crate::schedule::period;
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

/// The fires a `run` at `now` owes each job: those in `(last, now]` within the job's window
/// (`latest`: only the newest; `all`: every one), or only the latest fire at or before `now`
/// for a job never run.
pub fn due_fires(job: &Job, last: Option<Ts>, now: Ts) -> Vec<Ts> {
    if !job.active {
        return Vec::new();
    }
    let fires: Vec<Ts> = match last {
        Some(last) => job
            .schedule
            .between(last, now)
            .into_iter()
            .filter(|&f| job.in_window(f))
            .collect(),
        None => {
            // The latest fire at or before now that lies in the window (the end is exclusive).
            let mut t = match job.end_time {
                Some(end) if end <= now => end - 1,
                _ => now,
            };
            let mut found = None;
            while let Some(f) = job.schedule.latest_at_or_before(t) {
                if job.in_window(f) {
                    found = Some(f);
                    break;
                }
                if job.start_time.is_some_and(|s| f < s) {
                    break;
                }
                t = f - 1;
            }
            found.into_iter().collect()
        }
    };
    match job.catch_up {
        CatchUp::All => fires,
        CatchUp::Latest => fires.last().copied().into_iter().collect(),
    }
}

/// Turns fires into planned reports; a fire whose period is empty gives a warning instead.
fn plan(jobs: &[Job], fires: Vec<(usize, Ts)>, warnings: &mut Vec<String>) -> Result<Vec<Planned>> {
    let mut out = Vec::new();
    for (k, fire) in fires {
        let job = &jobs[k];
        let when = format_rfc3339(fire, job.tz);
        match period(&job.params, fire, &job.schedule) {
            Ok(Some((from, to))) if from < to => out.push(Planned {
                job: k,
                fire,
                from,
                to,
            }),
            Ok(_) => warnings.push(format!(
                "job \"{}\" at {when}: the period is empty; no report",
                job.id
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

/// `<job id>/<TYPE>_<from>_<to>.<ext>`, relative to the output directory.
fn file_url(job: &Job, p: &Planned) -> String {
    format!(
        "{}/{}",
        job.id,
        report_file_name(
            job.kind.name(),
            p.from,
            p.to,
            job.tz,
            job.format.extension()
        )
    )
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
                due_fires(j, log.last_fire(&j.id), *now)
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
                    j.schedule
                        .between(from - 1, to - 1)
                        .into_iter()
                        .filter(|&f| j.in_window(f))
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
    let mut ds = input::load(&c.data, c.load)?;
    // Timelines first: the raw agent rows they read are freed before the call facts are built,
    // so the two never take memory at the same time.
    let mut timelines: BTreeMap<Ts, Timeline> = BTreeMap::new();
    for p in &planned {
        timelines
            .entry(p.fire)
            .or_insert_with(|| Timeline::build(&ds, p.fire));
    }
    ds.release_agent_rows();
    let facts = Facts::build(&mut ds);
    crate::commands::build::report_quality(&ds, err).map_err(Error::stderr)?;
    // Leftovers of a killed run go first: the staging below makes new temporary files.
    sweep_temporaries(&c.out);
    // Every report computed and streamed to its staged file in parallel; committed in order.
    let staged: Vec<Result<(Staged, u64)>> = planned
        .par_iter()
        .map(|p| {
            let job = &jobs[p.job];
            let ctx = Ctx {
                ds: &ds,
                facts: &facts,
                timeline: &timelines[&p.fire],
                period: Period {
                    from: p.from,
                    to: p.to,
                    tz: job.tz,
                },
                now: p.fire,
            };
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
                quality: &ds.quality,
            };
            Staged::write(&c.out.join(file_url(job, p)), |w| {
                render::write(table, job.format, &meta, w)
            })
        })
        .collect();
    let mut failed = 0;
    for (p, result) in planned.iter().zip(staged) {
        let job = &jobs[p.job];
        let when = format_rfc3339(p.fire, job.tz);
        let written = result.and_then(|(staged, rows)| {
            let url = file_url(job, p);
            let sha256 = staged.sha256.clone();
            staged.commit()?;
            log.upsert(LogEntry {
                id: log_id(&job.id, p.from, p.to),
                report_id: job.id.clone(),
                schedule_name: job.schedule_name.clone(),
                report_name: url.rsplit('/').next().unwrap_or_default().to_string(),
                kind: job.kind.name().to_string(),
                format: job.format.name().to_string(),
                file_url: url.clone(),
                create_time: when.clone(),
                finish_time: when.clone(),
                recipients: job.recipients.clone(),
                start_time: format_rfc3339(p.from, job.tz),
                end_time: format_rfc3339(p.to, job.tz),
                sha256,
                rows,
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;

    fn job(toml: &str) -> Job {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.toml");
        std::fs::write(
            &p,
            format!("[[job]]\nid = \"j\"\ntype = \"CALLLOGS\"\ncron_expr = \"1 0 * * *\"\n{toml}"),
        )
        .unwrap();
        jobs::load(&p).unwrap().remove(0)
    }

    fn ts(s: &str) -> Ts {
        parse_rfc3339(s).unwrap()
    }

    #[test]
    fn catch_up_after_downtime() {
        // Last ran on the 1st; three fires missed (2nd, 3rd, 4th) by a run on the 4th.
        let last = Some(ts("2025-10-01T00:01:00Z"));
        let now = ts("2025-10-04T08:00:00Z");
        assert_eq!(
            due_fires(&job(""), last, now),
            vec![ts("2025-10-04T00:01:00Z")]
        );
        let all = due_fires(&job("catch_up = \"all\""), last, now);
        assert_eq!(
            all,
            vec![
                ts("2025-10-02T00:01:00Z"),
                ts("2025-10-03T00:01:00Z"),
                ts("2025-10-04T00:01:00Z")
            ]
        );
        // Run again at the same now: nothing new.
        assert!(due_fires(
            &job("catch_up = \"all\""),
            Some(ts("2025-10-04T00:01:00Z")),
            now
        )
        .is_empty());
        // Never run: only the latest fire.
        assert_eq!(
            due_fires(&job("catch_up = \"all\""), None, now),
            vec![ts("2025-10-04T00:01:00Z")]
        );
    }

    #[test]
    fn windows_and_inactive_jobs() {
        let now = ts("2025-10-04T08:00:00Z");
        assert!(due_fires(&job("active = false"), None, now).is_empty());
        assert!(due_fires(&job("start_time = \"2025-10-05T00:00:00Z\""), None, now).is_empty());
        let old = job("end_time = \"2025-01-01T00:00:00Z\"\ncatch_up = \"all\"");
        assert_eq!(
            due_fires(&old, Some(ts("2024-12-30T00:01:00Z")), now),
            vec![ts("2024-12-31T00:01:00Z")]
        );
        // The end is exclusive: the last fire before it.
        let ended = job("end_time = \"2025-10-03T00:01:00Z\"");
        assert_eq!(
            due_fires(&ended, None, now),
            vec![ts("2025-10-02T00:01:00Z")]
        );
        assert!(due_fires(&ended, Some(ts("2025-10-02T00:01:00Z")), now).is_empty());
    }
}
