//! `run`, `backfill`, `jobs` and `logs`: catch-up after downtime, idempotent reruns, windows,
//! failures that stop nothing else, and no partial file after a crash.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::build::SAMPLE;
use crate::harness::Env;

/// Every regular file under `dir`, relative path → bytes; the lock file (which holds the last
/// holder's process id) is left out.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if e.file_name() != ".lock" {
                out.insert(
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// The report log of `dir`, folded.
pub fn log(dir: &Path) -> Vec<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(dir.join("report_log.json")).unwrap()).unwrap()
}

const DAILY: &str = r#"
[[job]]
id = "latest"
type = "QUEUESUMMARY"
cron_expr = "1 0 * * *"
time_zone = "America/New_York"

[[job]]
id = "all"
type = "DAILYSTATISTICS"
cron_expr = "1 0 * * *"
time_zone = "America/New_York"
catch_up = "all"
"#;

fn run(env: &Env, jobs: &str, now: &str) -> crate::harness::Output {
    env.run(&[
        "run", "--jobs", jobs, "--data", SAMPLE, "--out", "out", "--now", now,
    ])
}

#[test]
fn catch_up_after_three_days_of_downtime() {
    let env = Env::new();
    env.write("jobs.toml", DAILY);
    let first = run(&env, "jobs.toml", "2025-11-01T09:00:00-04:00");
    first.assert_success();
    assert_eq!(
        log(&env.path().join("out")).len(),
        2,
        "a job never run fires its latest time only"
    );
    // Down on the 2nd, 3rd and 4th; back on the 4th in the morning: fires of the 2nd, 3rd, 4th.
    let back = run(&env, "jobs.toml", "2025-11-04T09:00:00-05:00");
    back.assert_success();
    let wrote: Vec<&str> = back.stdout.lines().collect();
    assert_eq!(
        wrote,
        [
            "wrote all/DAILYSTATISTICS_20251101T0000-0400_20251102T0000-0400.csv (1 rows)",
            "wrote all/DAILYSTATISTICS_20251102T0000-0400_20251103T0000-0500.csv (1 rows)",
            "wrote all/DAILYSTATISTICS_20251103T0000-0500_20251104T0000-0500.csv (1 rows)",
            "wrote latest/QUEUESUMMARY_20251103T0000-0500_20251104T0000-0500.csv (4 rows)",
        ]
    );
    // The same --now again: nothing new, exit 0, not a byte changed.
    let before = files(&env.path().join("out"));
    let again = run(&env, "jobs.toml", "2025-11-04T09:00:00-05:00");
    assert_eq!((again.code, again.stdout.as_str()), (0, "nothing due\n"));
    assert_eq!(files(&env.path().join("out")), before);
    // The log: sorted by fire time then id, with the seed's fields plus sha256 and rows.
    let entries = log(&env.path().join("out"));
    let times: Vec<&str> = entries
        .iter()
        .map(|e| e["create_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        times[..2],
        ["2025-11-01T00:01:00-04:00", "2025-11-01T00:01:00-04:00"]
    );
    let e = &entries[entries.len() - 1];
    assert_eq!(e["report_id"], "latest");
    assert_eq!(e["start_time"], "2025-11-03T00:00:00-05:00");
    assert_eq!(e["finish_time"], e["create_time"]);
    assert_eq!(e["id"].as_str().unwrap().len(), 16);
}

#[test]
fn a_deleted_period_is_produced_again_with_the_same_bytes() {
    let env = Env::new();
    env.write("jobs.toml", DAILY);
    run(&env, "jobs.toml", "2025-11-04T09:00:00-05:00").assert_success();
    let out = env.path().join("out");
    let before = files(&out);
    let entry = log(&out)
        .into_iter()
        .find(|e| e["report_id"] == "latest")
        .unwrap();
    let id = entry["id"].as_str().unwrap();
    let del = env.run(&["logs", "delete", "--out", "out", id]);
    del.assert_success();
    assert!(
        !out.join(entry["file_url"].as_str().unwrap()).exists(),
        "the file goes with its entry"
    );
    run(&env, "jobs.toml", "2025-11-04T09:00:00-05:00").assert_success();
    assert_eq!(files(&out), before, "identical bytes, identical log");
    let missing = env.run(&["logs", "delete", "--out", "out", "0000000000000000"]);
    assert_eq!(missing.code, 2);
}

#[test]
fn windows_and_inactive_jobs_never_fire() {
    let env = Env::new();
    env.write(
        "jobs.toml",
        r#"
[[job]]
id = "later"
type = "QUEUESUMMARY"
cron_expr = "1 0 * * *"
start_time = "2025-12-01T00:00:00Z"

[[job]]
id = "over"
type = "QUEUESUMMARY"
cron_expr = "1 0 * * *"
end_time = "2025-10-01T00:00:00Z"

[[job]]
id = "off"
type = "QUEUESUMMARY"
cron_expr = "1 0 * * *"
active = false
"#,
    );
    // "over" reports a day before the sample's data: waiting for it (deferred) unless the data
    // is declared complete.
    let out = run(&env, "jobs.toml", "2025-11-04T09:00:00-05:00");
    out.assert_success();
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("deferred: over 2025-09-29T00:00:00+00:00..2025-09-30T00:00:00+00:00: no data at or after the period's start"), "{}", out.stderr);
    let out = env.run(&[
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        SAMPLE,
        "--out",
        "out",
        "--now",
        "2025-11-04T09:00:00-05:00",
        "--complete-until",
        "2025-11-04T00:00:00Z",
    ]);
    out.assert_success();
    let written: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        written,
        ["wrote over/QUEUESUMMARY_20250929T0000+0000_20250930T0000+0000.csv (3 rows)"],
        "its last fire before the end"
    );
    let next = env.run(&[
        "jobs",
        "next",
        "--jobs",
        "jobs.toml",
        "--after",
        "2025-11-04T00:00:00Z",
        "--count",
        "2",
    ]);
    assert_eq!(
        next.stdout,
        "later 2025-12-01T00:01:00+00:00 2025-11-30T00:00:00+00:00 2025-12-01T00:00:00+00:00\n\
         later 2025-12-02T00:01:00+00:00 2025-12-01T00:00:00+00:00 2025-12-02T00:00:00+00:00\n"
    );
}

#[test]
fn a_failing_job_does_not_stop_the_others() {
    let env = Env::new();
    env.write("data/cdr.csv", crate::harness::CDR);
    env.write(
        "jobs.toml",
        "[[job]]\nid = \"agents\"\ntype = \"AGENTSUMMARYACTIVITY\"\ncron_expr = \"1 0 * * *\"\n\n\
         [[job]]\nid = \"queues\"\ntype = \"QUEUESUMMARY\"\ncron_expr = \"1 0 * * *\"\n",
    );
    let args = [
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        "data",
        "--out",
        "out",
        "--now",
        "2025-09-29T06:00:00Z",
    ];
    let out = env.run(&args);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("wrote queues/QUEUESUMMARY_20250928T0000+0000_20250929T0000+0000.csv"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("error: job \"agents\" at 2025-09-29T00:01:00+00:00: AGENTSUMMARYACTIVITY needs the \"agent_sessions\" table"), "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("error: 1 report failed (see above); the others were written\n"),
        "{}",
        out.stderr
    );
    assert!(!env.path().join("out/agents").exists());
    // With the tables in place, the next run completes the failed job (and only it).
    env.write(
        "data/agent_sessions.csv",
        "login_session_id,agent_id,login_at,logout_at\nL1,1001,1759017000,1759020000\n",
    );
    env.write(
        "data/agent_states.csv",
        "login_session_id,state,start_at\nL1,READY,1759017000\n",
    );
    let out = env.run(&args);
    out.assert_success();
    assert_eq!(
        out.stdout,
        "wrote agents/AGENTSUMMARYACTIVITY_20250928T0000+0000_20250929T0000+0000.csv (2 rows)\n"
    );
}

#[test]
fn an_injected_write_failure_leaves_no_partial_file() {
    let env = Env::new();
    env.write("jobs.toml", DAILY);
    // A file where the job's directory belongs: writing that job's report fails.
    env.write("out/latest", "in the way");
    let out = run(&env, "jobs.toml", "2025-11-04T09:00:00-05:00");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let after = files(&env.path().join("out"));
    assert!(
        after.keys().all(|k| !k.contains(".tmp-")),
        "{:?}",
        after.keys()
    );
    assert!(after.contains_key("all/DAILYSTATISTICS_20251103T0000-0500_20251104T0000-0500.csv"));
    std::fs::remove_file(env.path().join("out/latest")).unwrap();
    let out = run(&env, "jobs.toml", "2025-11-04T09:00:00-05:00");
    out.assert_success();
    assert_eq!(
        out.stdout,
        "wrote latest/QUEUESUMMARY_20251103T0000-0500_20251104T0000-0500.csv (4 rows)\n"
    );
}

#[test]
fn a_killed_run_is_completed_by_the_next() {
    let env = Env::new();
    let sample = env.run(&[
        "sample",
        "--out",
        "big",
        "--days",
        "6",
        "--calls-per-day",
        "3000",
        "--layout",
        "flat",
    ]);
    sample.assert_success();
    env.write(
        "jobs.toml",
        "[[job]]\nid = \"logs\"\ntype = \"CALLLOGS\"\ncron_expr = \"1 0 * * *\"\ncatch_up = \"all\"\n\n\
         [[job]]\nid = \"activity\"\ntype = \"AGENTDETAILSACTIVITY\"\ncron_expr = \"1 0 * * *\"\ncatch_up = \"all\"\n",
    );
    let args = [
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        "big",
        "--out",
        "out",
        "--now",
        "2025-10-04T06:00:00Z",
    ];
    // First a complete reference run elsewhere.
    env.run(&[
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        "big",
        "--out",
        "ref",
        "--now",
        "2025-10-04T06:00:00Z",
    ])
    .assert_success();
    // Then the same run, killed part-way (wherever it happens to be).
    let mut child = env.command(&args).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let _ = child.kill();
    let _ = child.wait();
    let out_dir = env.path().join("out");
    if out_dir.join("report_log.json").exists() {
        // Whatever the log lists is complete: its bytes match the logged hash.
        for e in log(&out_dir) {
            let bytes = std::fs::read(out_dir.join(e["file_url"].as_str().unwrap())).unwrap();
            assert_eq!(
                bytes,
                std::fs::read(env.path().join("ref").join(e["file_url"].as_str().unwrap()))
                    .unwrap()
            );
        }
    }
    let out = env.run(&args);
    out.assert_success();
    assert_eq!(
        files(&out_dir),
        files(&env.path().join("ref")),
        "the next run completes the work, with no leftovers"
    );
}

#[test]
fn backfill_produces_every_fire_as_if_on_time() {
    let env = Env::new();
    env.write("jobs.toml", DAILY);
    let out = env.run(&[
        "backfill",
        "--jobs",
        "jobs.toml",
        "--data",
        SAMPLE,
        "--out",
        "out",
        "--from",
        "2025-11-02T00:00:00-04:00",
        "--to",
        "2025-11-04T00:00:00-05:00",
        "--job",
        "latest",
    ]);
    out.assert_success();
    assert_eq!(
        out.stdout,
        "wrote latest/QUEUESUMMARY_20251101T0000-0400_20251102T0000-0400.csv (4 rows)\n\
         wrote latest/QUEUESUMMARY_20251102T0000-0400_20251103T0000-0500.csv (4 rows)\n"
    );
    // The same bytes a run on time wrote.
    run(&env, "jobs.toml", "2025-11-03T00:30:00-05:00").assert_success();
    let b = files(&env.path().join("out"));
    let env2 = Env::new();
    env2.write("jobs.toml", DAILY);
    run(&env2, "jobs.toml", "2025-11-03T00:30:00-05:00").assert_success();
    let a = files(&env2.path().join("out"));
    let key = "latest/QUEUESUMMARY_20251102T0000-0400_20251103T0000-0500.csv";
    assert_eq!(a[key], b[key]);
    let bad = env.run(&[
        "backfill",
        "--jobs",
        "jobs.toml",
        "--data",
        SAMPLE,
        "--out",
        "out",
        "--from",
        "2025-11-02T00:00:00Z",
        "--to",
        "2025-11-03T00:00:00Z",
        "--job",
        "nope",
    ]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (2, "error: --job nope: no job with that id in jobs.toml\n")
    );
}

#[test]
fn the_sample_jobs_in_toml_and_json_agree_and_ignore_threads() {
    let env = Env::new();
    let toml = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/jobs.toml");
    let json = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/jobs.json");
    let now = "2025-11-05T06:00:00-05:00";
    let a = env.run_with_env(
        &[
            "run", "--jobs", toml, "--data", SAMPLE, "--out", "a", "--now", now,
        ],
        &[("RAYON_NUM_THREADS", "1")],
    );
    let b = env.run_with_env(
        &[
            "run", "--jobs", json, "--data", SAMPLE, "--out", "b", "--now", now,
        ],
        &[("RAYON_NUM_THREADS", "4")],
    );
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    assert_eq!(
        a.stdout.lines().filter(|l| l.starts_with("wrote ")).count(),
        14,
        "every report type is scheduled: {}",
        a.stdout
    );
    // The one job with recipients is mailed to the outbox (no --smtp).
    assert!(a.stdout.ends_with(
        "queued daily-queues/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.html \
         for ops@example.com;lead@example.com in _outbox/\n"
    ));
    // The four-hourly job's period after the data's end waits for the data.
    assert!(
        a.stderr.contains("deferred: queues-every-4h 2025-11-05T00:00:00-05:00..2025-11-05T04:00:00-05:00: no data at or after the period's start"),
        "{}",
        a.stderr
    );
    assert_eq!(files(&env.path().join("a")), files(&env.path().join("b")));
    let validate = env.run(&["jobs", "validate", "--jobs", toml]);
    validate.assert_success();
    assert!(validate.stdout.ends_with("16 jobs checked\n"));
}

#[test]
fn a_bad_job_file_lists_every_problem_and_exits_2() {
    let env = Env::new();
    env.write(
        "jobs.toml",
        "[[job]]\nid = \"x\"\ntype = \"QUEUESUMMARY\"\ncron_expr = \"0 0 0 * * *\"\nsla = 3\n",
    );
    let out = env.run(&["jobs", "validate", "--jobs", "jobs.toml"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: 2 problems\n  jobs.toml:4: job \"x\": field \"cron_expr\": \"0 0 0 * * *\" has 6 fields; a cron expression has exactly 5 (minute hour day month weekday)\n  \
         jobs.toml:5: job \"x\": field \"sla\": unknown field (fields are: id, schedule_name, type, format, cron_expr, time_zone, timezone, start_time, end_time, active, recipients, catch_up, params)\n"
    );
    // run refuses the same file before reading any data.
    let out = env.run(&[
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        "nowhere",
        "--out",
        "out",
    ]);
    assert_eq!(out.code, 2);
}
