//! `validate` on good and broken datasets: every bad-input case names file, line and field,
//! exits 1, and never panics; `--skip-bad-rows` counts instead.

use std::io::Write;

use crate::harness::{Env, Output, CDR};

fn assert_fails(out: &Output, code: i32, first_line: &str) {
    assert_eq!(
        out.code, code,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert_eq!(
        out.stderr.lines().next(),
        Some(first_line),
        "stderr: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "nothing printed on failure: {}",
        out.stdout
    );
}

#[test]
fn a_valid_dataset_passes() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    let out = env.run(&["validate", "--data", "data"]);
    out.assert_success();
    assert!(
        out.stdout
            .contains("cdr                   1          2        0"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("time span: 2025-09-28T00:00:00+00:00 .. 2025-09-28T00:01:40+00:00 (UTC)"));
    assert!(out.stdout.contains("calls: 1; queue entries: 1;"));
    assert!(out
        .stdout
        .contains("agents                -     absent        -"));
}

#[test]
fn the_checked_in_sample_is_valid() {
    let env = Env::new();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/data");
    let out = env.run(&["validate", "--data", data, "--tz", "America/New_York"]);
    out.assert_success();
    assert!(out.stdout.contains("skipped rows: none"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("cdr: unknown callee_endpoint \"FAX\" (kept as written)"),
        "{}",
        out.stdout
    );
}

const BAD_TS: &str = "\
session_id,caller,callee,started_at,answered_at,ended_at
s1,1,2,1759017600,,1759017660
s2,1,2,1759017600,12:30,1759017660
";

#[test]
fn a_bad_timestamp_names_file_line_and_field() {
    let env = Env::new();
    env.write("data/cdr.csv", BAD_TS);
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(
        &out,
        1,
        "error: data/cdr.csv:3: field \"answered_at\": invalid timestamp \"12:30\"",
    );
}

#[test]
fn skip_bad_rows_counts_by_reason() {
    let env = Env::new();
    env.write("data/cdr.csv", BAD_TS);
    let out = env.run(&["validate", "--data", "data", "--skip-bad-rows"]);
    out.assert_success();
    assert!(
        out.stdout
            .contains("cdr                   1          1        1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("skipped rows: 1\n         1  cdr: invalid timestamp in \"answered_at\""),
        "{}",
        out.stdout
    );
}

#[test]
fn a_missing_required_column() {
    let env = Env::new();
    env.write(
        "data/cdr.csv",
        "session_id,caller,callee,started_at\ns1,1,2,1759017600\n",
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(
        &out,
        1,
        "error: data/cdr.csv:1: missing required column \"ended_at\"",
    );
}

#[test]
fn an_empty_required_cell() {
    let env = Env::new();
    env.write(
        "data/cdr.csv",
        "session_id,caller,callee,started_at,ended_at\ns1,,2,1759017600,1759017660\n",
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(
        &out,
        1,
        "error: data/cdr.csv:2: field \"caller\": is required but empty",
    );
}

#[test]
fn ended_before_started() {
    let env = Env::new();
    env.write(
        "data/cdr/2025-09-28.csv",
        "session_id,caller,callee,started_at,ended_at\ns1,1,2,1759017600,1759017599\n",
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(
        &out,
        1,
        "error: data/cdr/2025-09-28.csv:2: field \"ended_at\": is before started_at",
    );
}

#[test]
fn answered_outside_the_leg() {
    let env = Env::new();
    env.write(
        "data/cdr.csv",
        "session_id,caller,callee,started_at,answered_at,ended_at\ns1,1,2,2025-09-28T08:00:00+08:00,2025-09-28T09:00:00+08:00,2025-09-28T08:30:00+08:00\n",
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(
        &out,
        1,
        "error: data/cdr.csv:2: field \"answered_at\": lies outside [started_at, ended_at]",
    );
}

#[test]
fn overlapping_state_intervals() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    env.write(
        "data/agent_sessions.csv",
        "login_session_id,agent_id,login_at,logout_at\nL1,1001,1000,5000\n",
    );
    env.write(
        "data/agent_states.csv",
        "login_session_id,agent_id,state,start_at,end_at\nL1,1001,READY,1000,2000\nL1,1001,ON_CALL,1500,1600\n",
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(
        &out,
        1,
        "error: data/agent_states.csv:3: field \"start_at\": the interval overlaps the one read at \
         data/agent_states.csv:2 (same login session \"L1\")",
    );
    let skipped = env.run(&["validate", "--data", "data", "--skip-bad-rows"]);
    skipped.assert_success();
    assert!(
        skipped
            .stdout
            .contains("agent_states: overlapping interval in \"start_at\""),
        "{}",
        skipped.stdout
    );
}

#[test]
fn a_malformed_json_line() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    env.write(
        "data/agent_sessions.ndjson",
        "{\"login_session_id\":\"L1\",\"agent_id\":\"1001\",\"login_at\":1000}\n{\"login_session_id\":\"L2\",\n",
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_eq!(out.code, 1);
    let first = out.stderr.lines().next().unwrap();
    assert!(
        first.starts_with("error: data/agent_sessions.ndjson:2: malformed JSON: "),
        "{first}"
    );
    assert_eq!(out.stderr.lines().count(), 1);
}

#[test]
fn a_bad_value_in_a_json_array_names_the_record() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    env.write(
        "data/agent_sessions.json",
        r#"{"count": 2, "items": [
            {"login_session_id": "L1", "agent_id": "1001", "login_at": 1000},
            {"login_session_id": "L2", "agent_id": "1002", "login_at": 1000.5}
        ]}"#,
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(&out, 1, "error: data/agent_sessions.json: record 2: field \"login_at\": invalid timestamp \"1000.5\"");
}

#[test]
fn a_truncated_gzip_file() {
    let env = Env::new();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut body = String::from("session_id,caller,callee,started_at,ended_at\n");
    for i in 0..2000 {
        body.push_str(&format!(
            "s{i},1001,1002,{},{}\n",
            1759017600 + i,
            1759017700 + i
        ));
    }
    gz.write_all(body.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    env.write("data/cdr.csv.gz", &bytes[..bytes.len() / 2]);
    let out = env.run(&["validate", "--data", "data"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // One line: the file, the line reached and the decoder's reason.
    assert!(
        out.stderr.starts_with("error: data/cdr.csv.gz:")
            && out
                .stderr
                .ends_with(": cannot read: incomplete deflate stream\n")
            && out.stderr.lines().count() == 1,
        "{}",
        out.stderr
    );
}

#[test]
fn a_table_given_twice_is_a_layout_error() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    env.write("data/cdr/2025-09-28.csv", CDR);
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(
        &out,
        2,
        "error: the table \"cdr\" is given both as a file (data/cdr.csv) and as a directory (data/cdr); keep one",
    );
}

#[test]
fn no_cdr_table() {
    let env = Env::new();
    env.write("data/agents.csv", "agent_id\n1001\n");
    let out = env.run(&["validate", "--data", "data"]);
    assert_fails(&out, 1, "error: data: the dataset has no \"cdr\" table (cdr.csv, .json, .ndjson, or a directory cdr/)");
}

#[test]
fn a_missing_dataset_directory() {
    let env = Env::new();
    let out = env.run(&["validate", "--data", "nowhere"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: nowhere: cannot open the dataset directory: No such file or directory (os error 2)\n"
    );
    env.write("a-file", "x");
    let out = env.run(&["validate", "--data", "a-file"]);
    assert_eq!(
        out.stderr,
        "error: a-file: cannot open the dataset directory: not a directory\n"
    );
}

#[test]
fn files_of_a_table_directory_are_read_in_name_order_and_others_ignored() {
    let env = Env::new();
    env.write(
        "data/cdr/b.csv",
        "session_id,caller,callee,started_at,ended_at\ns2,1,2,20,30\n",
    );
    env.write("data/cdr/a.ndjson", "{\"session_id\":\"s1\",\"caller\":\"1\",\"callee\":\"2\",\"started_at\":\"10\",\"ended_at\":15}\n");
    env.write("data/cdr/notes.txt", "not data");
    let out = env.run(&["validate", "--data", "data"]);
    out.assert_success();
    assert!(
        out.stdout
            .contains("cdr                   2          2        0"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("file data/cdr/notes.txt ignored"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("time span: 1970-01-01T00:00:10+00:00 .."),
        "{}",
        out.stdout
    );
}

/// A run of digits is Unix seconds only up to 9999-12-31T23:59:59Z: later, the reader refuses it
/// (it used to make `query` panic and `build` print the epoch for it).
#[test]
fn a_timestamp_after_the_year_9999_is_invalid_everywhere() {
    let env = Env::new();
    env.write(
        "data/cdr.csv",
        "session_id,caller,callee,started_at,ended_at\ns1,1,2,1759017600,1759017660\ns2,1,2,99999999999999,\n",
    );
    env.write(
        "body.json",
        r#"{"start_time": "2025-09-28T00:00:00Z", "end_time": "2025-09-29T00:00:00Z"}"#,
    );
    let line = "error: data/cdr.csv:3: field \"started_at\": \
                invalid timestamp \"99999999999999\" (after the year 9999)";
    let period = [
        "--from",
        "2025-09-28T00:00:00Z",
        "--to",
        "2025-09-29T00:00:00Z",
    ];
    for args in [
        vec!["validate", "--data", "data"],
        [
            &["build", "--type", "CALLLOGS", "--data", "data"][..],
            &period,
        ]
        .concat(),
        vec![
            "query",
            "getCallsHistory",
            "--data",
            "data",
            "--body",
            "body.json",
        ],
    ] {
        let out = env.run(&args);
        assert_fails(&out, 1, line);
    }
}
