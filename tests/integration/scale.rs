//! What a run reads (SPEC §3, §5.4): each report from its own window whatever else runs, files
//! outside every window left closed, rows outside it left unchecked; and one run per tenant.

use std::path::Path;

use crate::build::SAMPLE;
use crate::harness::Env;
use crate::run::files;

const JOBS_JSON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/jobs.json");
const NOW: &str = "2025-11-05T06:00:00-05:00";

/// The sample job file with `edit` applied to its list of jobs, written to `name`.
fn sample_jobs(env: &Env, name: &str, edit: impl FnOnce(&mut Vec<serde_json::Value>)) {
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(JOBS_JSON).unwrap()).unwrap();
    edit(file["jobs"].as_array_mut().unwrap());
    env.write(name, serde_json::to_vec_pretty(&file).unwrap());
}

fn run(env: &Env, jobs: &str, out: &str, extra: &[&str]) {
    let mut args = vec![
        "run", "--jobs", jobs, "--data", SAMPLE, "--out", out, "--now", NOW,
    ];
    args.extend_from_slice(extra);
    env.run(&args).assert_success();
}

/// The reports of a run (the report log and the span cache left out).
fn reports(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .filter(|(name, _)| name.contains('/'))
        .collect()
}

#[test]
fn a_report_alone_is_the_same_report_among_all_sample_jobs() {
    let env = Env::new();
    run(&env, JOBS_JSON, "all", &[]);
    let all = files(&env.path().join("all"));
    let ids: Vec<String> = {
        let file: serde_json::Value =
            serde_json::from_slice(&std::fs::read(JOBS_JSON).unwrap()).unwrap();
        (file["jobs"].as_array().unwrap().iter())
            .map(|j| j["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids.len(), 16);
    let mut compared = 0;
    for id in &ids {
        let name = format!("{id}.json");
        sample_jobs(&env, &name, |jobs| jobs.retain(|j| j["id"] == id.as_str()));
        let out = format!("alone-{id}");
        run(&env, &name, &out, &[]);
        let alone = reports(&env.path().join(&out));
        for (file, bytes) in &alone {
            assert!(
                all.get(file) == Some(bytes),
                "{file}: alone differs from among all jobs"
            );
            compared += 1;
        }
    }
    // Every report of the full run was produced alone too.
    assert_eq!(compared, reports(&env.path().join("all")).len());
    assert!(compared >= 14, "{compared}");
}

#[test]
fn one_run_per_tenant_in_parallel_equals_a_run_filtered_to_each_tenant() {
    let env = Env::new();
    // The fan-out: one process per tenant, each with its own output directory, at once.
    let children: Vec<_> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = format!("tenant-{t}");
            env.command(&[
                "run", "--jobs", JOBS_JSON, "--data", SAMPLE, "--out", &out, "--now", NOW,
                "--tenant", t,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for t in [1, 2] {
        let name = format!("jobs-{t}.json");
        sample_jobs(&env, &name, |jobs| {
            for j in jobs {
                j["params"]["tenants"] = serde_json::json!([t]);
            }
        });
        let filtered = format!("filtered-{t}");
        run(&env, &name, &filtered, &[]);
        let fanned = files(&env.path().join(format!("tenant-{t}")));
        let single = files(&env.path().join(&filtered));
        assert_eq!(
            fanned.keys().collect::<Vec<_>>(),
            single.keys().collect::<Vec<_>>()
        );
        for (file, bytes) in &single {
            assert!(fanned[file] == *bytes, "tenant {t}: {file} differs");
        }
    }
    // The tenants' call logs are apart: no call of one in the other's.
    let log = |t: u32| {
        let dir = env.path().join(format!("tenant-{t}/daily-call-logs"));
        let file = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap();
        std::fs::read_to_string(file.path()).unwrap()
    };
    let (one, two) = (log(1), log(2));
    assert!(one.lines().count() > two.lines().count() && two.lines().count() > 2);
    let session = |line: &str| line.split(',').next().unwrap().to_string();
    let first: std::collections::BTreeSet<String> = one.lines().skip(1).map(session).collect();
    assert!(two.lines().skip(1).all(|l| !first.contains(&session(l))));
}

const NIGHTLY: &str = r#"
[[job]]
id = "nightly"
type = "QUEUESUMMARY"
cron_expr = "0 6 * * *"
time_zone = "America/New_York"
[job.params]
time_range = "YESTERDAY"
"#;

/// Breaks a `started_at` in `file` without changing its size or modification time.
fn break_in_place(file: &Path) {
    let modified = std::fs::metadata(file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    let broken = text.replacen("2025-11-01T01:28:22-04:00", "2025-11-01T01:28:22-04:0x", 1);
    assert_eq!(broken.len(), text.len());
    assert_ne!(broken, text);
    std::fs::write(file, broken).unwrap();
    let f = std::fs::File::options().write(true).open(file).unwrap();
    f.set_modified(modified).unwrap();
}

#[test]
fn a_file_earlier_runs_found_outside_the_window_stays_closed_until_it_changes() {
    let env = Env::new();
    crate::unattended::sample_copy(&env);
    env.write("jobs.toml", NIGHTLY);
    let nightly = |now: &str| {
        env.run(&[
            "run",
            "--jobs",
            "jobs.toml",
            "--data",
            "data",
            "--out",
            "out",
            "--now",
            now,
        ])
    };
    // Night one reports 2025-11-02 and reads every file, learning each one's span.
    nightly("2025-11-03T06:00:00-05:00").assert_success();
    let cache = std::fs::read_to_string(env.path().join("out/.cdr_spans.json")).unwrap();
    assert!(cache.contains("2025-11-01.csv"), "{cache}");
    // The first day's file is damaged in place, its size and time kept: night two (2025-11-04,
    // window 11-03..11-06) does not open it, and reports what a fresh run over good data does.
    let first_day = env.path().join("data/cdr/2025-11-01.csv");
    break_in_place(&first_day);
    nightly("2025-11-05T06:00:00-05:00").assert_success();
    let fresh = env.run(&[
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        SAMPLE,
        "--out",
        "fresh",
        "--now",
        "2025-11-05T06:00:00-05:00",
    ]);
    fresh.assert_success();
    let name = "nightly/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.csv";
    assert_eq!(
        files(&env.path().join("out")).get(name),
        files(&env.path().join("fresh")).get(name)
    );
    // Once it changes, it is opened again and its damage found.
    let f = std::fs::File::options()
        .write(true)
        .open(&first_day)
        .unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
        .unwrap();
    let night3 = nightly("2025-11-06T06:00:00-05:00");
    assert_eq!(night3.code, 1, "{}", night3.stderr);
    assert!(
        night3.stderr.contains("2025-11-01.csv") && night3.stderr.contains("started_at"),
        "{}",
        night3.stderr
    );
}

/// `build` of one type over 28 September 2025 (UTC) from `data/`, the morning after.
fn build_sep_28(env: &Env, kind: &str) -> crate::harness::Output {
    env.build_sep_28(kind, &["--now", "2025-09-29T06:00:00Z"])
}

#[test]
fn a_run_leaves_rows_outside_its_windows_unchecked_and_validate_checks_them() {
    let env = Env::new();
    // One file: a bad answer time on a day no report needs, then the reported day.
    env.write(
        "data/cdr.csv",
        "session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,service_number,started_at,rang_at,answered_at,ended_at\n\
         s0,5551234,TRUNK,8000,QUEUE,QUEUE,8000,2025-09-01T10:00:00Z,,soon,2025-09-01T10:01:00Z\n\
         s1,5551234,TRUNK,8000,QUEUE,QUEUE,8000,2025-09-28T10:00:00Z,2025-09-28T10:00:00Z,2025-09-28T10:00:00Z,2025-09-28T10:01:00Z\n\
         s1,5551234,TRUNK,1001,EXTENSION,QUEUE,8000,2025-09-28T10:00:02Z,2025-09-28T10:00:02Z,2025-09-28T10:00:10Z,2025-09-28T10:01:40Z\n",
    );
    let build = build_sep_28(&env, "QUEUESUMMARY");
    build.assert_success();
    assert!(build.stdout.contains("\n8000,"), "{}", build.stdout);
    let validate = env.run(&["validate", "--data", "data"]);
    assert_eq!(validate.code, 1, "{}", validate.stderr);
    assert_eq!(
        validate.stderr,
        "error: data/cdr.csv:2: field \"answered_at\": invalid timestamp \"soon\"\n"
    );
}

/// SPEC §7: a run checks the columns its reports read. A bad `cost` (read by USERSTATISTICS
/// and CALLLOGS only) does not stop QUEUESUMMARY, stops USERSTATISTICS naming the field, and
/// `validate` finds it.
#[test]
fn a_run_checks_only_the_columns_its_reports_read() {
    let env = Env::new();
    env.write(
        "data/cdr.csv",
        "session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,service_number,started_at,answered_at,ended_at,cost,hold_count\n\
         s1,5551234,TRUNK,8000,QUEUE,QUEUE,8000,2025-09-28T10:00:00Z,2025-09-28T10:00:00Z,2025-09-28T10:01:00Z,lots,many\n",
    );
    let build = |kind: &str| build_sep_28(&env, kind);
    build("QUEUESUMMARY").assert_success();
    let users = build("USERSTATISTICS");
    assert_eq!(users.code, 1, "{}", users.stderr);
    assert!(
        users
            .stderr
            .starts_with("error: data/cdr.csv:2: field \"cost\""),
        "{}",
        users.stderr
    );
    let validate = env.run(&["validate", "--data", "data"]);
    assert_eq!(validate.code, 1, "{}", validate.stderr);
    assert!(
        validate.stderr.contains("field \"cost\""),
        "{}",
        validate.stderr
    );
}
