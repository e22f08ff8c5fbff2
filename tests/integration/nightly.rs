//! A nightly run left alone: data not there yet, one run at a time, commits as it goes, a
//! killed or starved run, `logs delete` inside OUT, the command line's summary.

use crate::build::SAMPLE;
use crate::harness::Env;
use crate::unattended::{sample_copy, DAY};

fn run_args<'a>(jobs: &'a str, out: &'a str, now: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "run", "--jobs", jobs, "--data", "data", "--out", out, "--now", now,
    ];
    args.extend(extra);
    args
}

const QUEUES_DAILY: &str = "[[job]]\nid = \"q\"\ntype = \"QUEUESUMMARY\"\ncron_expr = \"1 0 * * *\"\ntime_zone = \"America/New_York\"\ncatch_up = \"all\"\n";

/// The last day not exported yet, an empty `cdr/`, a clock ahead of the data: the fire is
/// deferred (listed, not logged, exit 0) and produced by a later run once its data is there.
#[test]
fn a_period_without_its_data_waits_for_it() {
    let env = Env::new();
    sample_copy(&env);
    env.write("jobs.toml", QUEUES_DAILY);
    let day4 = env.path().join("data/cdr/2025-11-04.csv.gz");
    let held = env.path().join("held.csv.gz");
    std::fs::rename(&day4, &held).unwrap();
    // The 3rd has its data; the next morning the 4th is due, but its export has not come.
    env.run(&run_args(
        "jobs.toml",
        "out",
        "2025-11-04T06:00:00-05:00",
        &[],
    ))
    .assert_success();
    let now = "2025-11-05T06:00:00-05:00";
    let first = env.run(&run_args("jobs.toml", "out", now, &[]));
    first.assert_success();
    assert_eq!(first.stdout, "");
    assert!(first.stderr.contains("deferred: q 2025-11-04T00:00:00-05:00..2025-11-05T00:00:00-05:00: no data at or after the period's start"), "{}", first.stderr);
    // Nothing changes until the export arrives; then the 4th is produced, once.
    let again = env.run(&run_args("jobs.toml", "out", now, &[]));
    assert_eq!(again.stdout, "");
    std::fs::rename(&held, &day4).unwrap();
    let later = env.run(&run_args("jobs.toml", "out", now, &[]));
    later.assert_success();
    assert_eq!(
        later.stdout,
        "wrote q/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.csv (4 rows)\n"
    );
    assert!(!later.stderr.contains("deferred:"));
    // A clock years ahead of the data: deferred, never logged as done.
    let ahead = env.run(&run_args(
        "jobs.toml",
        "out",
        "2035-01-01T06:00:00-05:00",
        &[],
    ));
    ahead.assert_success();
    assert!(
        ahead
            .stderr
            .contains("deferred: q 2034-12-31T00:00:00-05:00"),
        "{}",
        ahead.stderr
    );
    let log = std::fs::read_to_string(env.path().join("out/report_log.json")).unwrap();
    assert!(!log.contains("2034-12-31"));
}

#[test]
fn an_empty_cdr_directory_defers_and_complete_until_produces_empty_days() {
    let env = Env::new();
    env.write("data/cdr/readme.txt", "exports land here\n");
    env.write("data/queues.csv", "number,name\n8000,Sales\n");
    env.write(
        "jobs.toml",
        QUEUES_DAILY.replace("catch_up = \"all\"\n", ""),
    );
    let now = "2025-11-05T06:00:00-05:00";
    let out = env.run(&run_args("jobs.toml", "out", now, &[]));
    // An empty table directory is data not there yet (no cdr table at all is an error).
    out.assert_success();
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("deferred: q 2025-11-04T00:00:00-05:00..2025-11-05T00:00:00-05:00"),
        "{}",
        out.stderr
    );
    assert!(
        !env.path().join("out/report_log.json").exists()
            || !std::fs::read_to_string(env.path().join("out/report_log.json"))
                .unwrap()
                .contains("\"q\"")
    );
    // Declared complete: the day is produced though it holds no call.
    env.write("data/cdr/2025-11-01.csv", crate::harness::CDR);
    let out = env.run(&run_args(
        "jobs.toml",
        "out",
        now,
        &["--complete-until", "2025-11-05T00:00:00-05:00"],
    ));
    out.assert_success();
    assert_eq!(
        out.stdout,
        "wrote q/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.csv (2 rows)\n"
    );
    // The dataset's COMPLETE_UNTIL file says the same.
    let env2 = Env::new();
    env2.write("data/cdr/2025-11-01.csv", crate::harness::CDR);
    env2.write("data/COMPLETE_UNTIL", "2025-11-05T00:00:00-05:00\n");
    env2.write(
        "jobs.toml",
        QUEUES_DAILY.replace("catch_up = \"all\"\n", ""),
    );
    let out = env2.run(&run_args("jobs.toml", "out", now, &[]));
    out.assert_success();
    assert_eq!(
        out.stdout,
        "wrote q/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.csv (1 rows)\n"
    );
}

/// A second run on the same output directory exits 3 at once; with `--wait` it runs after the
/// first and produces nothing new; two job files run one after the other share one log.
#[test]
fn one_run_at_a_time() {
    let env = Env::new();
    sample_copy(&env);
    env.write("jobs.toml", QUEUES_DAILY);
    env.write(
        "more.toml",
        QUEUES_DAILY.replace("id = \"q\"", "id = \"other\""),
    );
    std::fs::create_dir_all(env.path().join("out")).unwrap();
    // Hold the lock as flock(1) would.
    let lock = std::fs::File::create(env.path().join("out/.lock")).unwrap();
    lock.lock().unwrap();
    let now = "2025-11-05T06:00:00-05:00";
    let start = std::time::Instant::now();
    let busy = env.run(&run_args("jobs.toml", "out", now, &[]));
    assert_eq!(busy.code, 3, "{}", busy.stderr);
    assert!(
        busy.stderr
            .starts_with("error: out is in use by another pbx-report run"),
        "{}",
        busy.stderr
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "at once"
    );
    assert!(
        !env.path().join("out/report_log.json").exists(),
        "nothing read or written"
    );
    // Released while a waiting run waits: it goes on.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(600));
        drop(lock);
    });
    let waited = env.run(&run_args("jobs.toml", "out", now, &["--wait", "30"]));
    releaser.join().unwrap();
    waited.assert_success();
    assert_eq!(waited.stdout.lines().count(), 1, "{}", waited.stdout);
    let again = env.run(&run_args("jobs.toml", "out", now, &["--wait", "30"]));
    assert_eq!(again.stdout, "nothing due\n");
    let other = env.run(&run_args("more.toml", "out", now, &[]));
    other.assert_success();
    let log = std::fs::read_to_string(env.path().join("out/report_log.json")).unwrap();
    assert_eq!(log.matches("\"report_id\": \"q\"").count(), 1, "{log}");
    assert_eq!(log.matches("\"report_id\": \"other\"").count(), 1, "{log}");
}

/// Two runs started together on one output directory: one runs, the other exits 3 or waits;
/// either way the log ends with every report once.
#[test]
fn concurrent_runs_never_lose_a_report() {
    let env = Env::new();
    sample_copy(&env);
    env.write("a.toml", QUEUES_DAILY);
    env.write("b.toml", QUEUES_DAILY.replace("id = \"q\"", "id = \"r\""));
    let now = "2025-11-05T06:00:00-05:00";
    let spawn = |jobs: &str| {
        env.command(&run_args(jobs, "out", now, &["--wait", "60"]))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn("a.toml"), spawn("b.toml"));
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    let log = std::fs::read_to_string(env.path().join("out/report_log.json")).unwrap();
    assert_eq!(log.matches("\"id\":").count(), 2, "{log}");
    let leftovers: Vec<_> = std::fs::read_dir(env.path().join("out/q"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

/// A log whose `file_url` points outside OUT: `logs delete` removes the entry, never the
/// target.
#[test]
fn logs_delete_stays_inside_the_output_directory() {
    let env = Env::new();
    sample_copy(&env);
    env.write(
        "jobs.toml",
        QUEUES_DAILY.replace("catch_up = \"all\"\n", ""),
    );
    env.run(&run_args(
        "jobs.toml",
        "out",
        "2025-11-05T06:00:00-05:00",
        &[],
    ))
    .assert_success();
    let victim = env.write("victim.txt", "keep me");
    let log_path = env.path().join("out/report_log.json");
    let log = std::fs::read_to_string(&log_path).unwrap();
    let url = log
        .split("\"file_url\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    std::fs::write(&log_path, log.replace(&url, "../victim.txt")).unwrap();
    let id = log
        .split("\"id\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let out = env.run(&["logs", "delete", "--out", "out", &id]);
    out.assert_success();
    assert!(out.stderr.contains("points outside out"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(!std::fs::read_to_string(&log_path).unwrap().contains(&id));
}

/// A read-only output directory: the message carries the operating system's reason.
#[test]
fn a_write_failure_says_why() {
    let env = Env::new();
    sample_copy(&env);
    env.write("jobs.toml", QUEUES_DAILY);
    // A file where the job's folder should be: creating the folder fails with a reason.
    env.write("out/q", "not a folder");
    let out = env.run(&run_args(
        "jobs.toml",
        "out",
        "2025-11-05T06:00:00-05:00",
        &[],
    ));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "out/q/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.csv: cannot write: "
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("(os error 20)") || out.stderr.contains("(os error 17)"),
        "{}",
        out.stderr
    );
}

/// A full disk part-way through: every logged report exists with its hash, and no report is
/// in place without being logged. Needs a small tmpfs (root only); skipped otherwise.
#[test]
fn a_full_disk_leaves_only_logged_reports() {
    let env = Env::new();
    sample_copy(&env);
    env.write("jobs.toml", "[[job]]\nid = \"logs\"\ntype = \"CALLLOGS\"\ncron_expr = \"1 0 * * *\"\ntime_zone = \"America/New_York\"\ncatch_up = \"all\"\n");
    let out_dir = env.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=300k", "tmpfs"])
        .arg(&out_dir)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    }
    let out = env.run(&[
        "backfill",
        "--jobs",
        "jobs.toml",
        "--data",
        "data",
        "--out",
        "out",
        "--from",
        "2025-11-01T00:00:00-04:00",
        "--to",
        "2025-11-05T06:00:00-05:00",
    ]);
    let log = std::fs::read(out_dir.join("report_log.json")).ok();
    let mut files: Vec<String> = std::fs::read_dir(out_dir.join("logs"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let _ = std::process::Command::new("umount").arg(&out_dir).status();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("No space left on device (os error 28)"),
        "{}",
        out.stderr
    );
    let logged: Vec<serde_json::Value> = log
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap_or_default();
    let names: Vec<String> = logged
        .iter()
        .map(|e| e["report_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        files, names,
        "the files in place are exactly the logged ones"
    );
    assert!(!names.is_empty(), "some reports fitted");
}

/// `kill -9` during a long catch-up (a per-minute job owed a day of fires): the next run leaves
/// exactly the files and log one uninterrupted run leaves.
#[test]
fn a_catch_up_killed_part_way_is_completed_by_the_next_run() {
    let env = Env::new();
    sample_copy(&env);
    env.write(
        "jobs.toml",
        "[[job]]\nid = \"minute\"\ntype = \"QUEUESUMMARY\"\ncron_expr = \"* * * * *\"\ntime_zone = \"America/New_York\"\ncatch_up = \"all\"\n[job.params]\ntime_range = \"SINCE_LAST_RUN\"\n",
    );
    let args = |out: &'static str| -> Vec<&'static str> {
        vec![
            "backfill",
            "--jobs",
            "jobs.toml",
            "--data",
            "data",
            "--out",
            out,
            "--from",
            "2025-11-03T08:00:00-05:00",
            "--to",
            "2025-11-03T12:00:00-05:00",
        ]
    };
    env.run(&args("clean")).assert_success();
    for delay in [150, 600] {
        let out = format!("killed{delay}");
        let out: &'static str = Box::leak(out.into_boxed_str());
        let mut child = env
            .command(&args(out))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        env.run(&args(out)).assert_success();
        assert_eq!(
            crate::run::files(&env.path().join(out)),
            crate::run::files(&env.path().join("clean")),
            "killed after {delay} ms"
        );
    }
}

/// `build` and `query` never defer; they warn when the period's data has not come.
#[test]
fn build_and_query_warn_about_a_period_without_data() {
    let env = Env::new();
    let out = env.run(&[
        "build",
        "--type",
        "QUEUESUMMARY",
        "--data",
        SAMPLE,
        "--from",
        "2025-11-10T00:00:00Z",
        "--to",
        "2025-11-11T00:00:00Z",
    ]);
    out.assert_success();
    assert!(
        out.stderr
            .contains("warning: no call starts at or after 2025-11-10T00:00:00+00:00 in the data"),
        "{}",
        out.stderr
    );
    env.write("b.json", r#"{"queues": [{"number": "8000"}], "start_time": "2025-11-10T00:00:00Z", "end_time": "2025-11-11T00:00:00Z"}"#);
    let q = env.run(&[
        "query",
        "getQueueKpiSummary",
        "--data",
        SAMPLE,
        "--body",
        "b.json",
        "--now",
        "2025-11-12T00:00:00Z",
    ]);
    q.assert_success();
    assert!(
        q.stderr.contains("warning: no call starts at or after"),
        "{}",
        q.stderr
    );
    let day = env.run(&[
        "build",
        "--type",
        "QUEUESUMMARY",
        "--data",
        SAMPLE,
        DAY[0],
        DAY[1],
        DAY[2],
        DAY[3],
    ]);
    assert!(!day.stderr.contains("no call starts"), "{}", day.stderr);
}

/// Agent rows sent twice are counted once; a dimension row sent again with a correction wins.
#[test]
fn repeated_agent_rows_count_once_and_a_later_dimension_row_wins() {
    let env = Env::new();
    env.write("data/cdr.csv", crate::harness::CDR);
    let sessions = "login_session_id,agent_id,login_at,logout_at\nL1,1001,1759017600,1759024800\n";
    let states = "login_session_id,state,reason_code,start_at,end_at\nL1,READY,,1759017600,1759019400\nL1,NOT_READY,LUNCH,1759019400,1759021200\n";
    let offhook = "login_session_id,start_at,end_at\nL1,1759017600,1759018000\n";
    let build = || env.build_sep_28("AGENTSUMMARYACTIVITY", &["--now", "2025-09-29T00:00:00Z"]);
    env.write("data/agent_sessions.csv", sessions);
    env.write("data/agent_states.csv", states);
    env.write("data/offhook.csv", offhook);
    let once = build();
    once.assert_success();
    let twice = |text: &str| {
        format!(
            "{text}{}",
            text.lines()
                .skip(1)
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        )
    };
    env.write("data/agent_sessions.csv", twice(sessions));
    env.write("data/agent_states.csv", twice(states));
    env.write("data/offhook.csv", twice(offhook));
    let out = build();
    out.assert_success();
    assert_eq!(out.stdout, once.stdout);
    for table in ["agent_sessions", "agent_states", "offhook"] {
        assert!(
            out.stderr
                .contains(&format!("warning: {table}: duplicate row (kept once)")),
            "{table}: {}",
            out.stderr
        );
    }
    // A session id repeated with other values is still an error naming both places.
    env.write(
        "data/agent_sessions.csv",
        format!("{sessions}L1,1002,1759017600,1759024800\n"),
    );
    let out = build();
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("duplicates the session read at data/agent_sessions.csv:2"),
        "{}",
        out.stderr
    );
    // The queues table sent with a corrected name: the later row is used.
    env.write("data/agent_sessions.csv", sessions);
    env.write(
        "data/queues.csv",
        "number,name\n8000,Old name\n8000,Sales\n",
    );
    let q = env.run(&[
        "build",
        "--type",
        "QUEUESUMMARY",
        "--data",
        "data",
        "--from",
        "2025-09-28T00:00:00Z",
        "--to",
        "2025-09-29T00:00:00Z",
    ]);
    q.assert_success();
    assert!(q.stdout.contains("\n8000,Sales,"), "{}", q.stdout);
    assert!(
        q.stderr
            .contains("queues: duplicate number (the last row is used)"),
        "{}",
        q.stderr
    );
}

/// A read-only output directory (a read-only mount: root ignores permission bits): the run
/// stops with the operating system's reason and writes nothing. Needs root; skipped otherwise.
#[test]
fn a_read_only_output_directory_says_so() {
    let env = Env::new();
    sample_copy(&env);
    env.write("jobs.toml", QUEUES_DAILY);
    let out_dir = env.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mount = |args: &[&str]| {
        std::process::Command::new("mount")
            .args(args)
            .arg(&out_dir)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !mount(&["-t", "tmpfs", "-o", "size=1m,ro", "tmpfs"]) {
        eprintln!("skipped: mounting a read-only tmpfs needs root");
        return;
    }
    let out = env.run(&run_args(
        "jobs.toml",
        "out",
        "2025-11-05T06:00:00-05:00",
        &[],
    ));
    let entries = std::fs::read_dir(&out_dir).unwrap().count();
    let _ = std::process::Command::new("umount").arg(&out_dir).status();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: out/.lock: cannot write: Read-only file system (os error 30)\n"
    );
    assert_eq!(entries, 0);
}

/// A run ends with one summary line on stderr; `--quiet` leaves errors only.
#[test]
fn a_run_says_what_it_did_in_one_line_unless_quiet() {
    let env = Env::new();
    let jobs = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/jobs.toml");
    let now = "2025-11-05T06:00:00-05:00";
    let out = env.run(&[
        "run", "--jobs", jobs, "--data", SAMPLE, "--out", "a", "--now", now,
    ]);
    out.assert_success();
    let last = out.stderr.lines().last().unwrap();
    let (counts, secs) = last.split_once(" in ").unwrap();
    assert_eq!(counts, "14 written, 1 deferred, 0 failed");
    assert!(
        secs.ends_with(" s") && secs[..secs.len() - 2].parse::<f64>().is_ok(),
        "{last}"
    );
    let quiet = env.run(&[
        "run", "--jobs", jobs, "--data", SAMPLE, "--out", "b", "--now", now, "--quiet",
    ]);
    quiet.assert_success();
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, out.stdout);
    // Errors still come through.
    let bad = env.run(&[
        "run",
        "--jobs",
        "missing.toml",
        "--data",
        SAMPLE,
        "--out",
        "c",
        "-q",
    ]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .starts_with("error: missing.toml: cannot read the job file: "),
        "{}",
        bad.stderr
    );
}
