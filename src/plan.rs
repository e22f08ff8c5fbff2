//! What a `run` or `backfill` produces (SPEC §5.4): the fires each job is owed, their periods,
//! and which of them wait for data ("deferred") — decided before any report is computed, in a
//! fixed order (fire time, then job id).

use std::path::Path;

use crate::error::{Error, Result};
use crate::jobs::{CatchUp, Job};
use crate::time::{format_rfc3339, parse_instant, Ts};

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

impl Planned {
    /// `deferred: <job> <from>..<to>: <why>`, the line a run prints for a deferred fire.
    pub fn deferred_line(&self, jobs: &[Job], complete_until: Option<Ts>) -> String {
        let job = &jobs[self.job];
        let why = match complete_until {
            Some(t) => format!(
                "the data is complete until {} only",
                format_rfc3339(t, job.tz)
            ),
            None => "no data at or after the period's start".to_string(),
        };
        format!(
            "deferred: {} {}..{}: {why}",
            job.id,
            format_rfc3339(self.from, job.tz),
            format_rfc3339(self.to, job.tz)
        )
    }
}

/// Where a leg shows that a period's data has come: starting in `[from, to + 24 h)` (SPEC §5.4).
pub fn arrival_range(from: Ts, to: Ts) -> std::ops::Range<Ts> {
    from..to + 86_400
}

/// Whether the data a period needs has arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Every leg's `started_at`, sorted.
    starts: Vec<Ts>,
    /// The data is complete up to this instant (`--complete-until` or `COMPLETE_UNTIL`).
    complete_until: Option<Ts>,
}

impl Arrival {
    /// From the legs' start times and the declared completeness.
    pub fn new(mut starts: Vec<Ts>, complete_until: Option<Ts>) -> Arrival {
        starts.sort_unstable();
        Arrival {
            starts,
            complete_until,
        }
    }

    /// Is a period `[from, to)` deferred? With a completeness time `T`: exactly when it ends
    /// after `T`. Else when no leg starts in `[from, to + 24 h)` — the day's export has not
    /// come, the CDR is empty, or "now" is ahead of the data.
    pub fn defers(&self, from: Ts, to: Ts) -> bool {
        if let Some(t) = self.complete_until {
            return to > t;
        }
        let arrived = arrival_range(from, to);
        let first = self.starts.partition_point(|&s| s < arrived.start);
        self.starts.get(first).is_none_or(|s| !arrived.contains(s))
    }

    /// The completeness time, if one was declared.
    pub fn complete_until(&self) -> Option<Ts> {
        self.complete_until
    }
}

/// The completeness time: `--complete-until` wins over the dataset's `COMPLETE_UNTIL` file
/// (one RFC 3339 time).
pub fn complete_until(flag: Option<Ts>, data: &Path) -> Result<Option<Ts>> {
    if flag.is_some() {
        return Ok(flag);
    }
    let path = data.join("COMPLETE_UNTIL");
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_instant(text.trim())
            .map(Some)
            .map_err(|message| Error::Data {
                path,
                loc: Some(crate::error::Loc::Line(1)),
                message,
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::read(path, source)),
    }
}

/// The fires owed, with their periods: `(job, fire)` pairs become planned reports; a fire whose
/// period is empty gives a warning instead.
pub fn periods(
    jobs: &[Job],
    fires: Vec<(usize, Ts)>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Planned>> {
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
    out.sort_by(|a, b| {
        a.fire
            .cmp(&b.fire)
            .then_with(|| jobs[a.job].id.cmp(&jobs[b.job].id))
    });
    Ok(out)
}

/// Splits owed reports into those to produce and those deferred (listed, never logged, still
/// due next time). `latest` applies `catch_up = latest`: of a job's owed fires only the newest
/// that is not deferred is produced; deferred fires newer than it stay listed.
pub fn decide(
    jobs: &[Job],
    owed: Vec<Planned>,
    arrival: &Arrival,
    latest: bool,
) -> (Vec<Planned>, Vec<Planned>) {
    let (mut produce, mut deferred) = (Vec::new(), Vec::new());
    for (k, job) in jobs.iter().enumerate() {
        let mine: Vec<&Planned> = owed.iter().filter(|p| p.job == k).collect();
        let ready = |p: &&Planned| !arrival.defers(p.from, p.to);
        if latest && job.catch_up == CatchUp::Latest {
            let newest = mine.iter().rev().find(|p| ready(p)).map(|p| p.fire);
            produce.extend(mine.iter().filter(|p| Some(p.fire) == newest).copied());
            deferred.extend(
                mine.iter()
                    .filter(|p| !ready(p) && newest.is_none_or(|n| p.fire > n))
                    .copied(),
            );
        } else {
            let (ok, wait): (Vec<&Planned>, Vec<&Planned>) = mine.into_iter().partition(ready);
            produce.extend(ok.into_iter().copied());
            deferred.extend(wait.into_iter().copied());
        }
    }
    let order = |a: &Planned, b: &Planned| {
        a.fire
            .cmp(&b.fire)
            .then_with(|| jobs[a.job].id.cmp(&jobs[b.job].id))
    };
    produce.sort_by(order);
    deferred.sort_by(order);
    (produce, deferred)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Ts = 86_400;

    #[test]
    fn a_period_waits_for_a_leg_at_or_after_its_start() {
        // Legs on days 0 and 1 (at noon).
        let a = Arrival::new(vec![DAY + DAY / 2, DAY / 2], None);
        assert!(!a.defers(0, DAY), "day 0 has its own legs");
        assert!(!a.defers(DAY, 2 * DAY), "day 1 too");
        assert!(
            a.defers(2 * DAY, 3 * DAY),
            "day 2: nothing at or after its start"
        );
        // A day with no call of its own, but data after it: the export has come.
        let gap = Arrival::new(vec![DAY / 2, 2 * DAY + 10], None);
        assert!(!gap.defers(DAY, 2 * DAY));
        // ... though not if the next leg is more than 24 h after the period's end.
        let far = Arrival::new(vec![DAY / 2, 3 * DAY], None);
        assert!(far.defers(DAY, 2 * DAY));
        // Declared complete until day 2: day 1 is produced empty, day 2 waits.
        let done = Arrival::new(vec![], Some(2 * DAY));
        assert!(!done.defers(DAY, 2 * DAY));
        assert!(done.defers(2 * DAY, 3 * DAY));
    }
}
