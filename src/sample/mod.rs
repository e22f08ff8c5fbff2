//! `pbx-report sample` (SPEC §9): a deterministic synthetic call centre. `world` sets up the
//! staff, queues and shifts, `sim` plays the calls in time order, `write` lays the tables out.

mod rng;
mod sim;
mod world;
mod write;

use crate::config::SampleConfig;
use crate::error::Result;

pub use rng::Rng;

/// Generates the dataset and writes it; returns a one-line summary.
pub fn write(c: &SampleConfig) -> Result<String> {
    let world = world::World::new(c);
    let data = sim::simulate(&world, c);
    write::write(&world, &data, c)?;
    Ok(format!(
        "wrote {} legs in {} calls, {} agents, {} login sessions, {} state rows, {} off-hook rows to {}",
        data.legs.len(),
        data.calls,
        world.agents.len(),
        data.sessions.len(),
        data.states.len(),
        data.offhook.len(),
        c.out.display()
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;
    use chrono_tz::Tz;

    use super::*;
    use crate::config::SampleLayout;
    use crate::input::{load, LoadOptions};
    use crate::model::agents::Timeline;
    use crate::model::legs::Endpoint;
    use crate::model::queue::{Fate, Outcome};
    use crate::model::rows::{Category, State};
    use crate::model::Facts;
    use crate::time::{local_date, parse_rfc3339};

    fn config(out: &std::path::Path, layout: SampleLayout) -> SampleConfig {
        SampleConfig {
            out: out.to_path_buf(),
            seed: 1,
            days: 4,
            calls_per_day: 300,
            tz: Tz::America__New_York,
            start: NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
            layout,
            queues: 3,
            long_names: false,
        }
    }

    fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for e in walk(dir) {
            out.push((
                e.strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(&e).unwrap(),
            ));
        }
        out.sort();
        out
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                v.extend(walk(&p));
            } else {
                v.push(p);
            }
        }
        v
    }

    #[test]
    fn same_seed_same_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for layout in [SampleLayout::Mixed, SampleLayout::Flat] {
            write(&config(a.path(), layout)).unwrap();
            write(&config(b.path(), layout)).unwrap();
            assert_eq!(files(a.path()), files(b.path()));
        }
        let mut other = config(b.path(), SampleLayout::Flat);
        other.seed = 2;
        write(&other).unwrap();
        assert_ne!(files(a.path()), files(b.path()));
    }

    #[test]
    fn the_sample_exercises_every_rule() {
        let dir = tempfile::tempdir().unwrap();
        write(&config(dir.path(), SampleLayout::Mixed)).unwrap();
        let names: BTreeSet<String> = files(dir.path()).into_iter().map(|(n, _)| n).collect();
        for expected in [
            "cdr/2025-11-02.csv.gz",
            "agents.json",
            "ring_groups.json",
            "agent_sessions.ndjson",
            "offhook.jsonl",
        ] {
            assert!(names.contains(expected), "{expected} in {names:?}");
        }
        let mut ds = load(dir.path(), LoadOptions::default()).unwrap();
        let f = Facts::build(&mut ds);
        let sym = |s: &str| ds.strings.lookup(s);

        let outcomes: BTreeSet<Outcome> = f.queue.entries.iter().map(|e| e.outcome).collect();
        assert_eq!(outcomes.len(), 4, "{outcomes:?}");
        let short = f
            .queue
            .entries
            .iter()
            .filter(|e| e.outcome == Outcome::Abandoned && e.wait <= 5);
        assert!(short.count() > 0, "short abandons");
        for reason in [
            "QUEUE_EXIT",
            "QUEUE_TIMEOUT",
            "OVERFLOW",
            "CAPACITY_BLOCKED",
        ] {
            let r = sym(reason).unwrap_or_else(|| panic!("{reason} present"));
            assert!(f.queue.entries.iter().any(|e| e.outcome == Outcome::Exited
                && ds.legs[e.leg as usize].extra().reroute_reason == r));
        }
        let ring_all = f.queue.entries.iter().any(|e| {
            let offers = f.queue.offers_of(e);
            offers.len() >= 2
                && ds.legs[offers[0] as usize].started_at == ds.legs[offers[1] as usize].started_at
        });
        assert!(ring_all, "ring-all offers");
        let reentry = f
            .queue
            .entries
            .windows(2)
            .any(|w| w[0].call == w[1].call && w[0].service == w[1].service);
        assert!(reentry, "queue re-entry");

        let end = parse_rfc3339("2025-11-05T00:00:00-05:00").unwrap();
        let fates: Vec<Fate> = f
            .callbacks
            .requests
            .iter()
            .map(|r| f.callbacks.fate(&ds.legs, r, end))
            .collect();
        assert!(
            fates.iter().any(|x| matches!(x, Fate::Ok { .. })),
            "{fates:?}"
        );
        assert!(fates.contains(&Fate::Fail), "{fates:?}");
        assert!(fates.contains(&Fate::Pending), "{fates:?}");

        let groups: BTreeSet<Outcome> = f.groups.entries.iter().map(|e| e.outcome).collect();
        assert_eq!(groups.len(), 2, "ring groups answered and missed");
        assert!(sym("ANSWERED_ELSEWHERE").is_some() && sym("CALL_COMPLETED_ELSEWHERE").is_some());

        let tz = Tz::America__New_York;
        assert!(
            ds.legs
                .iter()
                .any(|l| local_date(l.started_at, tz) != local_date(l.ended_at(), tz)),
            "a leg across midnight"
        );
        let fall_back = parse_rfc3339("2025-11-02T06:00:00Z").unwrap();
        assert!(
            ds.legs
                .iter()
                .any(|l| l.started_at < fall_back && fall_back < l.ended_at()),
            "a leg across the DST change"
        );
        let t = Timeline::build(&ds, end, true);
        assert!(
            t.sessions
                .iter()
                .any(|s| s.start < fall_back && fall_back < s.end),
            "a session across the DST change"
        );
        assert!(
            ds.agent_sessions
                .as_ref()
                .unwrap()
                .iter()
                .any(|s| s.logout_at.is_none()),
            "an open session"
        );
        assert!(
            ds.legs.iter().any(|l| l.extra().disposition_xfer),
            "transfers"
        );
        assert!(
            ds.legs
                .iter()
                .any(|l| ds.profile(l).callee_endpoint.other_sym().is_some()),
            "an unknown endpoint"
        );
        assert!(ds
            .legs
            .iter()
            .map(|l| ds.profile(l))
            .any(|p| p.caller_endpoint == Endpoint::EXTENSION
                && p.callee_endpoint == Endpoint::TRUNK));
        assert!(ds
            .legs
            .iter()
            .map(|l| ds.profile(l))
            .any(|p| p.caller_endpoint == Endpoint::EXTENSION
                && p.callee_endpoint == Endpoint::EXTENSION));

        let states: BTreeSet<String> = t
            .pieces
            .iter()
            .map(|p| {
                p.state
                    .map_or("UNKNOWN".to_string(), |s| s.name(&ds.strings).to_string())
            })
            .collect();
        for s in [
            "READY",
            "NOT_READY",
            "RINGING",
            "ON_CALL",
            "WRAP_UP",
            "RNA",
            "SYSTEM_CHECK",
            "UNKNOWN",
        ] {
            assert!(states.contains(s), "state {s} in {states:?}");
        }
        let categories: BTreeSet<Category> = t
            .pieces
            .iter()
            .filter(|p| p.state == Some(State::NotReady))
            .map(|p| f.directory.code(&ds, p.reason).1)
            .collect();
        assert_eq!(categories.len(), 5, "{categories:?}");
        assert!(
            t.offhook.iter().any(|o| o.monitoring),
            "monitoring segments"
        );
        assert!(t.wraps.values().any(|&w| w > 0), "wrap-up tied to calls");
        assert!(ds.quality.warnings.keys().any(|k| k.contains("FAX")));
    }
}
