//! `build`: every report on the checked-in sample (snapshots), byte identity across thread
//! counts, and the usage errors that must stop before any data is read.

use crate::harness::{Env, CDR};

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/data");
/// The fall-back day of the sample (25 hours in New York).
pub const FROM: &str = "2025-11-02T00:00:00-04:00";
pub const TO: &str = "2025-11-03T00:00:00-05:00";
pub const NOW: &str = "2025-11-05T06:00:00Z";

pub const TYPES: [&str; 13] = [
    "USERSTATISTICS",
    "DAILYSTATISTICS",
    "CALLLOGS",
    "AGENTDETAILSACTIVITY",
    "AGENTSUMMARYACTIVITY",
    "AGENTNOTREADYCODE",
    "QUEUESUMMARY",
    "AGENTQUEUEREPORT",
    "SPEEDOFACCEPT",
    "ABANDONDELAY",
    "CALLBACKSUMMARY",
    "RINGGROUPPERFORMANCE",
    "AGENT_SESSION_REPORT_RAW",
];

/// `build` of one report over the sample's fall-back day in New York, then `extra`.
pub fn day_args<'a>(kind: &'a str, data: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "build",
        "--type",
        kind,
        "--data",
        data,
        "--from",
        FROM,
        "--to",
        TO,
        "--tz",
        "America/New_York",
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    args
}

/// `build` over two morning hours of the sample (small outputs for snapshots), with `extra`.
pub fn morning_args<'a>(kind: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "build",
        "--type",
        kind,
        "--data",
        SAMPLE,
        "--from",
        "2025-11-03T07:00:00-05:00",
        "--to",
        "2025-11-03T09:00:00-05:00",
        "--tz",
        "America/New_York",
        "--now",
        "2025-11-05T06:00:00-05:00",
    ];
    args.extend_from_slice(extra);
    args
}

fn build(env: &Env, kind: &str, threads: Option<&str>) -> String {
    let args = day_args(kind, SAMPLE, &[]);
    let out = match threads {
        Some(n) => env.run_with_env(&args, &[("RAYON_NUM_THREADS", n)]),
        None => env.run(&args),
    };
    out.assert_success();
    out.stdout
}

#[test]
fn every_report_on_the_sample() {
    let env = Env::new();
    for kind in TYPES {
        let csv = build(&env, kind, None);
        assert!(
            csv.ends_with('\n') && !csv.contains('\r'),
            "{kind}: LF line ends, final newline"
        );
        insta::assert_snapshot!(format!("csv_{kind}"), csv);
    }
}

#[test]
fn one_thread_or_many_give_the_same_bytes() {
    let env = Env::new();
    for kind in TYPES {
        assert_eq!(
            build(&env, kind, Some("1")),
            build(&env, kind, Some("4")),
            "{kind}"
        );
    }
}

#[test]
fn output_to_a_file_and_parameters_from_a_file() {
    let env = Env::new();
    env.write(
        "p.toml",
        "queues = { \"8000\" = 10 }\nshort_abandon_secs = 0\n",
    );
    let args = [
        "build",
        "--type",
        "queuesummary",
        "--data",
        SAMPLE,
        "--from",
        FROM,
        "--to",
        TO,
        "--params",
        "p.toml",
        "-o",
        "out/q.csv",
    ];
    let out = env.run(&args);
    out.assert_success();
    assert!(out.stdout.is_empty());
    let csv = std::fs::read_to_string(env.path().join("out/q.csv")).unwrap();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(
        (row[0], row[5], row[8]),
        ("8000", "0", "10"),
        "SLA and threshold from the file"
    );
    // --param wins over --params.
    let mut args = args.to_vec();
    args.extend(["--param", "queues=8001"]);
    let out = env.run(&args);
    out.assert_success();
    let csv = std::fs::read_to_string(env.path().join("out/q.csv")).unwrap();
    assert!(csv.lines().nth(1).unwrap().starts_with("8001,Support,"));
}

#[test]
fn a_ringcentral_request_body() {
    let env = Env::new();
    env.write(
        "request.json",
        r#"{"reportType":"CASPER_REPORT","reportTypeName":"Agent_Session_Report_Raw",
            "reportCriteria":{"timezoneName":"US/Eastern","startTimestamp":"2025-11-03 00:00:00.0000",
            "endTimestamp":"2025-11-03 23:59:59.0000","agentIds":["1001","1002"]}}"#,
    );
    let out = env.run(&[
        "build",
        "--request",
        "request.json",
        "--data",
        SAMPLE,
        "--now",
        NOW,
    ]);
    out.assert_success();
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.starts_with("1001,") || r.starts_with("1002,")),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| r.contains(",11/3/25 ")), "{rows:?}");
}

fn usage(env: &Env, extra: &[&str], message: &str) {
    let mut args = vec!["build", "--data", "nowhere", "--from", FROM, "--to", TO];
    args.extend(extra);
    let out = env.run(&args);
    assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        format!("error: {message}"),
        "{extra:?}"
    );
}

#[test]
fn bad_usage_stops_before_reading_data() {
    // The dataset does not exist: these must fail on the arguments first, with exit 2.
    let env = Env::new();
    usage(&env, &["--type", "QUEUESUMMARY", "--param", "sla=20"], "unknown parameter \"sla\" for QUEUESUMMARY (it takes: abandon_target_pct, csv_formula_guard, from, queues, short_abandon_secs, sla_target_pct, tenants, time_range, to)");
    usage(
        &env,
        &["--type", "SPEEDOFACCEPT", "--param", "stx=1,2,3"],
        "parameter \"stx\": needs exactly ten integers, got 3",
    );
    usage(
        &env,
        &["--type", "CALLLOGS", "--tz", "Moon/Base"],
        "unknown time zone \"Moon/Base\" (use an IANA name such as Europe/Paris)",
    );
    usage(&env, &["--type", "NOPE"], "unknown report type \"NOPE\" (one of: USERSTATISTICS, DAILYSTATISTICS, CALLLOGS, AGENTDETAILSACTIVITY, AGENTSUMMARYACTIVITY, AGENTNOTREADYCODE, QUEUESUMMARY, AGENTQUEUEREPORT, SPEEDOFACCEPT, ABANDONDELAY, CALLBACKSUMMARY, RINGGROUPPERFORMANCE, AGENT_SESSION_REPORT_RAW)");
    let out = env.run(&[
        "build", "--type", "CALLLOGS", "--data", "x", "--from", TO, "--to", FROM,
    ]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: the period is empty: --to must be after --from\n")
    );
    let out = env.run(&[
        "build",
        "--type",
        "CALLLOGS",
        "--data",
        "x",
        "--from",
        "2025-11-02 00:00",
        "--to",
        TO,
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "error: --from: \"2025-11-02 00:00\" is not an RFC 3339 time with an offset"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn an_agent_report_without_agent_tables() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    let out = env.run(&[
        "build",
        "--type",
        "AGENTSUMMARYACTIVITY",
        "--data",
        "data",
        "--from",
        FROM,
        "--to",
        TO,
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: AGENTSUMMARYACTIVITY needs the \"agent_sessions\" table, and the dataset has none (a file agent_sessions.csv, .json, .ndjson or a directory agent_sessions/)\n"
    );
    // A failed build writes no output file.
    let out = env.run(&[
        "build",
        "--type",
        "AGENTNOTREADYCODE",
        "--data",
        "data",
        "--from",
        FROM,
        "--to",
        TO,
        "-o",
        "r.csv",
    ]);
    assert_eq!(out.code, 1);
    assert!(!env.path().join("r.csv").exists());
}

#[test]
fn ignored_parameters_warn() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    env.write(
        "data/agent_sessions.csv",
        "login_session_id,agent_id,login_at\nL1,1001,1759017000\n",
    );
    env.write(
        "data/agent_states.csv",
        "login_session_id,state,start_at\nL1,READY,1759017000\n",
    );
    let out = env.run(&[
        "build",
        "--type",
        "AGENTDETAILSACTIVITY",
        "--data",
        "data",
        "--from",
        "2025-09-28T00:00:00Z",
        "--to",
        "2025-09-28T01:00:00Z",
        "--param",
        "queue=8000",
        "--now",
        "2025-09-28T00:30:00Z",
    ]);
    out.assert_success();
    assert_eq!(out.stderr, "warning: parameter \"queue\" is ignored by AGENTDETAILSACTIVITY (accepted for PBX job files)\n");
    assert!(out.stdout.ends_with("1001,1001,2025-09-28,2025-09-28T00:00:00+00:00,2025-09-28T00:30:00+00:00,1800,READY,,,\n"), "{}", out.stdout);
}
