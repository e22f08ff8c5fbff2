//! `query`: the Dataflow operations, by hand on a tiny dataset, against the reports on the sample,
//! every limit of the seed, and a snapshot per operation.

use serde_json::Value;

use crate::build::SAMPLE;
use crate::harness::{Env, Output};

/// Two queues, 09:00 UTC on 2025-01-01 (t = 1735722000 + seconds):
/// a: 8000, 1001 and 1002 rung at 2, 1001 answers at 20 (wait 20, ring 18), talk 100.
/// b: 8000, 1001 rung 101–111, 1002 rung at 111 answers at 121 (wait 21, ring 10), talk 50.
/// c: 8000, abandoned at 5 s (short: the queues table says 5).
/// d: 8001, 1001 rung at 301 answers at 310 (wait 10, ring 9), talk 90.
/// 1001 is logged in 09:00–10:00: READY, ON_CALL 20–120, WRAP_UP for a 120–150, READY.
fn fixture() -> Env {
    let env = Env::new();
    let t = |s: i64| (1_735_722_000 + s).to_string();
    let mut cdr = String::from("session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,service_number,started_at,rang_at,answered_at,ended_at\n");
    for (sid, callee, ep, q, start, ans, end) in [
        ("a", "8000", "QUEUE", "8000", 0, Some(0), 120),
        ("a", "1001", "EXTENSION", "8000", 2, Some(20), 120),
        ("a", "1002", "EXTENSION", "8000", 2, None, 20),
        ("b", "8000", "QUEUE", "8000", 100, Some(100), 121),
        ("b", "1001", "EXTENSION", "8000", 101, None, 111),
        ("b", "1002", "EXTENSION", "8000", 111, Some(121), 171),
        ("c", "8000", "QUEUE", "8000", 200, Some(200), 205),
        ("d", "8001", "QUEUE", "8001", 300, Some(300), 310),
        ("d", "1001", "EXTENSION", "8001", 301, Some(310), 400),
    ] {
        cdr.push_str(&format!(
            "{sid},555,TRUNK,{callee},{ep},QUEUE,{q},{},{},{},{}\n",
            t(start),
            t(start),
            ans.map_or(String::new(), t),
            t(end)
        ));
    }
    env.write("data/cdr.csv", cdr);
    env.write(
        "data/queues.csv",
        "number,name,sla_secs,short_abandon_secs\n8000,Sales,20,5\n8001,Support,30,\n",
    );
    env.write(
        "data/agent_sessions.csv",
        format!(
            "login_session_id,agent_id,login_at,logout_at\nL1,1001,{},{}\n",
            t(0),
            t(3600)
        ),
    );
    env.write(
        "data/agent_states.csv",
        format!(
            "login_session_id,state,session_id,start_at,end_at\nL1,READY,,{},\nL1,ON_CALL,a,{},{}\nL1,WRAP_UP,a,{},{}\nL1,READY,,{},\n",
            t(0),
            t(20),
            t(120),
            t(120),
            t(150),
            t(150)
        ),
    );
    env
}

fn query(env: &Env, op: &str, body: &str, extra: &[&str]) -> Output {
    env.write("body.json", body);
    let mut args = vec![
        "query",
        op,
        "--data",
        "data",
        "--body",
        "body.json",
        "--now",
        "2025-01-02T00:00:00Z",
    ];
    args.extend(extra);
    env.run(&args)
}

fn ok(env: &Env, op: &str, body: &str, extra: &[&str]) -> String {
    let out = query(env, op, body, extra);
    out.assert_success();
    out.stdout.trim_end().to_string()
}

const HOUR: &str = r#""start_time": "2025-01-01T09:00:00Z", "end_time": "2025-01-01T10:00:00Z""#;

#[test]
fn queue_kpis_by_hand() {
    let env = fixture();
    // 8000: a, b (c is a short abandon). Within SLA 20: a only. ASA 20.5 → 21; ATT 75; wrap 30/2.
    assert_eq!(
        ok(
            &env,
            "getQueueKpiSummary",
            &format!(r#"{{"queues": [{{"number": "8000", "sla_secs": 20}}], {HOUR}}}"#),
            &[]
        ),
        r#"{"metrics":{"offered":2,"accepted":2,"abandoned":0,"sla_pct":50,"aht_sec":90,"att_sec":75,"avg_wrap_time_sec":15,"asa_sec":21}}"#
    );
    // Two queues: pooled sums, not averaged averages: SLA 2/3, ASA 51/3, ATT 240/3, wrap 30/3.
    assert_eq!(
        ok(
            &env,
            "getQueueKpiSummary",
            &format!(
                r#"{{"queues": [{{"number": "8000", "sla_secs": 20}}, {{"number": 8001, "sla_secs": 30}}], {HOUR}}}"#
            ),
            &[]
        ),
        r#"{"metrics":{"offered":3,"accepted":3,"abandoned":0,"sla_pct":66.67,"aht_sec":90,"att_sec":80,"avg_wrap_time_sec":10,"asa_sec":17}}"#
    );
    // The report prints the same hand-computed figures (not merely the query's): offered 2,
    // accepted 2, SLA 50.00, abandon 0.00, ASA 21, max wait 21, ATT 75, wrap 15, AHT 90.
    let rows = csv_rows(
        &env,
        &[
            "build",
            "--type",
            "QUEUESUMMARY",
            "--data",
            "data",
            "--now",
            "2025-01-02T00:00:00Z",
            "--from",
            "2025-01-01T09:00:00Z",
            "--to",
            "2025-01-01T10:00:00Z",
            "--param",
            "queues=8000:20",
        ],
    );
    assert_eq!(
        rows[0].join(","),
        "8000,Sales,2,2,0,1,0,0,20,1,50.00,0.00,21,21,75,15,90,0,0"
    );
    // Points step from start_time and carry its offset.
    assert_eq!(
        ok(
            &env,
            "getQueueTimeseries",
            r#"{"queue": "8000", "start_time": "2025-01-01T17:00:00+08:00", "end_time": "2025-01-01T19:00:00+08:00", "interval": "1h"}"#,
            &[]
        ),
        r#"{"points":[{"t":"2025-01-01T17:00:00+08:00","offered":2,"accepted":2,"abandoned":0,"asa_sec":21,"cb_ok":0,"cb_fail":0},{"t":"2025-01-01T18:00:00+08:00","offered":0,"accepted":0,"abandoned":0,"asa_sec":0,"cb_ok":0,"cb_fail":0}]}"#
    );
}

#[test]
fn agent_kpis_by_hand() {
    let env = fixture();
    // 1001 in 8000: offered a and b, accepted a (ring 18, talk 100, wrap 30). Occupancy:
    // (100 + 30) / (100 + 30 + 3470 ready) = 3.61 %.
    assert_eq!(
        ok(
            &env,
            "getAgentQueueSummary",
            &format!(r#"{{"queue": "8000", "agent": "1001", {HOUR}}}"#),
            &[]
        ),
        r#"{"points":{"total":2,"accepted":1,"occupancy_pct":3.61,"aht_sec":130,"att_sec":100,"avg_wrap_time_sec":30,"average_ring_time_sec":18}}"#
    );
    // Without a queue: a, b and d; accepted a and d (ring 27/2 → 14, talk 190/2, wrap 30/2).
    assert_eq!(
        ok(
            &env,
            "getAgentQueueSummary",
            &format!(r#"{{"agent": "1001", {HOUR}}}"#),
            &[]
        ),
        r#"{"points":{"total":3,"accepted":2,"occupancy_pct":3.61,"aht_sec":110,"att_sec":95,"avg_wrap_time_sec":15,"average_ring_time_sec":14}}"#
    );
    assert_eq!(
        ok(
            &env,
            "getAgentQueueTimeseries",
            r#"{"queue": "8000", "agent": "1001", "start_time": "2025-01-01T09:00:00Z", "end_time": "2025-01-01T11:00:00Z"}"#,
            &[]
        ),
        r#"{"points":[{"t":"2025-01-01T09:00:00+00:00","occupancy_pct":3.61,"aht_sec":130,"att_sec":100,"accepted":1},{"t":"2025-01-01T10:00:00+00:00","occupancy_pct":0,"aht_sec":0,"att_sec":0,"accepted":0}]}"#
    );
}

#[test]
fn calls_timeseries_by_hand() {
    let env = fixture();
    // One day: a point per interval. a, b, d are answered by a person; c is not.
    assert_eq!(
        ok(
            &env,
            "getCallsTimeseries",
            r#"{"start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-02T00:00:00Z", "interval": "8h"}"#,
            &[]
        ),
        r#"{"points":[{"t":"2025-01-01T00:00:00+00:00","total":0,"answered":0,"not_answered":0},{"t":"2025-01-01T08:00:00+00:00","total":4,"answered":3,"not_answered":1},{"t":"2025-01-01T16:00:00+00:00","total":0,"answered":0,"not_answered":0}]}"#
    );
    // Longer: a point per 24 hours from start_time, the last one partial.
    let v: Value = serde_json::from_str(&ok(
        &env,
        "getCallsTimeseries",
        r#"{"start_time": "2024-12-31T06:00:00Z", "end_time": "2025-01-02T12:00:00Z"}"#,
        &[],
    ))
    .unwrap();
    let pts = v["points"].as_array().unwrap();
    assert_eq!(pts.len(), 3);
    assert_eq!(
        (
            pts[1]["t"].as_str().unwrap(),
            pts[1]["total"].as_i64().unwrap()
        ),
        ("2025-01-01T06:00:00+00:00", 4)
    );
    assert_eq!(
        ok(
            &env,
            "getCallsTimeseries",
            r#"{"tenants": [7], "start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-02T00:00:00Z", "interval": "8h"}"#,
            &[]
        ),
        r#"{"points":[{"t":"2025-01-01T00:00:00+00:00","total":0,"answered":0,"not_answered":0},{"t":"2025-01-01T08:00:00+00:00","total":0,"answered":0,"not_answered":0},{"t":"2025-01-01T16:00:00+00:00","total":0,"answered":0,"not_answered":0}]}"#
    );
}

fn history(env: &Env, op: &str, filters: &str, extra: &[&str]) -> Value {
    let body = format!(
        r#"{{{HOUR}{}{filters}}}"#,
        if filters.is_empty() { "" } else { ", " }
    );
    serde_json::from_str(&ok(env, op, &body, extra)).unwrap()
}

fn keys(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}:{}",
                i["session_id"].as_str().unwrap(),
                i["callee"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn call_history_filters_and_paging() {
    let env = fixture();
    let all = history(&env, "getCallsHistory", "", &["--count"]);
    assert_eq!(all["count"], 9);
    assert_eq!(
        keys(&all),
        [
            "a:8000", "a:1001", "a:1002", "b:8000", "b:1001", "b:1002", "c:8000", "d:8001",
            "d:1001"
        ]
    );
    let page = history(&env, "getCallsHistory", "", &["--top", "2", "--skip", "1"]);
    assert!(page.get("count").is_none(), "count only when asked");
    assert_eq!(keys(&page), ["a:1001", "a:1002"]);
    assert_eq!(
        keys(&history(
            &env,
            "getCallsHistory",
            r#""status": "NOT_ANSWERED""#,
            &[]
        )),
        ["a:1002", "b:1001"]
    );
    assert_eq!(
        keys(&history(
            &env,
            "getCallsHistory",
            r#""start_duration": 100, "end_duration": 120"#,
            &[]
        )),
        ["a:8000", "a:1001"]
    );
    assert_eq!(
        keys(&history(
            &env,
            "getCallsHistory",
            r#""start_hour_of_day": 10, "end_hour_of_day": 24"#,
            &[]
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        keys(&history(
            &env,
            "getCallsHistory",
            r#""start_hour_of_day": 9, "end_hour_of_day": 10"#,
            &["--top", "1"]
        )),
        ["a:8000"]
    );
    assert_eq!(
        keys(&history(
            &env,
            "getCallsHistory",
            r#""session_id": "d""#,
            &[]
        )),
        ["d:8001", "d:1001"]
    );
    assert_eq!(
        keys(&history(
            &env,
            "getCallsHistory",
            r#""from": "555", "to": "1002""#,
            &[]
        )),
        ["a:1002", "b:1002"]
    );
    assert_eq!(
        keys(&history(
            &env,
            "getCallsUserHistory",
            r#""user": "1001""#,
            &[]
        )),
        ["a:1001", "b:1001", "d:1001"]
    );
    assert_eq!(
        keys(&history(
            &env,
            "getCallsUserHistory",
            r#""user": "1001", "direction": "CALLER""#,
            &[]
        )),
        Vec::<String>::new()
    );
    let one = history(
        &env,
        "getCallsHistory",
        r#""session_id": "a""#,
        &["--top", "1"],
    );
    let item = &one["items"][0];
    let fields: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields.len(), 29, "the seed's call-history item: {fields:?}");
    assert_eq!(
        (
            item["started_at"].as_i64(),
            item["rang_at"].as_i64(),
            item["callback_id"].as_i64(),
            item["cost"].as_i64()
        ),
        (Some(1735722000), Some(1735722000), Some(0), Some(0))
    );
    let by_id = ok(&env, "getCallsHistoryBySessionId", "", &["--session", "b"]);
    assert_eq!(
        keys(&serde_json::from_str(&by_id).unwrap()),
        ["b:8000", "b:1001", "b:1002"]
    );
    assert_eq!(
        ok(&env, "getCallsHistoryBySessionId", "", &["--session", "zz"]),
        r#"{"items":[]}"#
    );
}

fn refused(env: &Env, op: &str, body: &str, extra: &[&str], message: &str) {
    let out = query(env, op, body, extra);
    assert_eq!(out.code, 2, "{op} {body}: {}", out.stderr);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        format!("error: {message}"),
        "{op} {body}"
    );
}

#[test]
fn the_seed_limits_exit_2_naming_the_field() {
    let env = fixture();
    let q = "getQueueTimeseries";
    refused(&env, q, r#"{"queue": "8000", "start_time": "2025-01-01T09:00:00", "end_time": "2025-01-01T10:00:00Z"}"#, &[], "request body: field \"start_time\": \"2025-01-01T09:00:00\" is not RFC 3339 with an offset (e.g. 2025-09-28T00:00:00-04:00)");
    refused(
        &env,
        q,
        r#"{"queue": "8000", "start_time": "2025-01-01T10:00:00Z", "end_time": "2025-01-01T09:00:00Z"}"#,
        &[],
        "request body: field \"end_time\": must be after start_time",
    );
    refused(&env, q, r#"{"queue": "8000", "start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-02T01:00:00Z"}"#, &[], "request body: field \"end_time\": the range is 90000 s; this operation allows at most 24 hours");
    refused(
        &env,
        q,
        &format!(r#"{{"queue": "8000", {HOUR}, "interval": "5h"}}"#),
        &[],
        "request body: field \"interval\": \"5h\" is not one of 1h, 2h, 3h, 4h, 6h, 8h",
    );
    refused(&env, "getAgentQueueTimeseries", r#"{"agent": "1001", "start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-03T00:00:00Z"}"#, &[], "request body: field \"end_time\": the range is 172800 s; this operation allows at most 24 hours");
    refused(&env, "getAgentQueueSummary", r#"{"agent": "1001", "start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-03T00:00:00Z"}"#, &[], "request body: field \"end_time\": the range is 172800 s; this operation allows at most 24 hours");
    refused(&env, "getCallsTimeseries", &format!("{{{HOUR}}}"), &[], "request body: field \"end_time\": the range is 3600 s; this operation needs at least 24 hours");
    refused(&env, "getCallsTimeseries", r#"{"start_time": "2024-01-01T00:00:00Z", "end_time": "2025-01-02T00:00:00Z"}"#, &[], "request body: field \"end_time\": the range is 31708800 s; this operation allows at most 8760 hours");
    refused(&env, "getCallsHistory", r#"{"start_time": "2024-01-01T00:00:00Z", "end_time": "2025-01-02T00:00:00Z"}"#, &[], "request body: field \"end_time\": the range is 31708800 s; this operation allows at most 8760 hours");
    refused(
        &env,
        "getCallsHistory",
        &format!(r#"{{{HOUR}, "status": "MAYBE"}}"#),
        &[],
        "request body: field \"status\": \"MAYBE\" is not NONE, ANSWERED or UNANSWERED",
    );
    refused(
        &env,
        "getCallsHistory",
        &format!(r#"{{{HOUR}, "end_hour_of_day": 0}}"#),
        &[],
        "request body: field \"end_hour_of_day\": must be within 1–24",
    );
    refused(
        &env,
        "getCallsHistory",
        &format!(r#"{{{HOUR}, "start_duration": 10, "end_duration": 5}}"#),
        &[],
        "request body: field \"end_duration\": is below start_duration",
    );
    refused(
        &env,
        "getCallsHistory",
        &format!("{{{HOUR}}}"),
        &["--top", "0"],
        "--top 0: must be within 1..100",
    );
    refused(
        &env,
        "getCallsHistory",
        &format!("{{{HOUR}}}"),
        &["--top", "101"],
        "--top 101: must be within 1..100",
    );
    refused(
        &env,
        "getCallsHistory",
        &format!("{{{HOUR}}}"),
        &["--skip=-1"],
        "--skip -1: must not be negative",
    );
    refused(
        &env,
        "getCallsUserHistory",
        &format!("{{{HOUR}}}"),
        &[],
        "request body: field \"user\": is required",
    );
    refused(
        &env,
        "getCallsUserHistory",
        &format!(r#"{{{HOUR}, "user": "1001", "direction": "UP"}}"#),
        &[],
        "request body: field \"direction\": \"UP\" is not NONE, CALLER or CALLEE",
    );
    refused(
        &env,
        "getCallsHistoryBySessionId",
        "",
        &[],
        "getCallsHistoryBySessionId needs --session ID",
    );
    refused(&env, "getEverything", "{}", &[], "unknown operation \"getEverything\" (one of: getQueueKpiSummary, getQueueTimeseries, getAgentQueueSummary, getAgentQueueTimeseries, getCallsTimeseries, getCallsHistory, getCallsUserHistory, getCallsHistoryBySessionId)");
    let out = query(&env, "getCallsHistory", "{\"start_time\": ", &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: body.json:1: malformed JSON"),
        "{}",
        out.stderr
    );
    // The body may come from standard input.
    let mut child = env
        .command(&["query", "getCallsTimeseries", "--data", "data"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(br#"{"start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-02T00:00:00Z", "interval": "8h"}"#).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"total\":4"));
}

fn csv_rows(env: &Env, args: &[&str]) -> Vec<Vec<String>> {
    let out = env.run(args);
    out.assert_success();
    csv::Reader::from_reader(out.stdout.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn sample(env: &Env, op: &str, body: &str, extra: &[&str]) -> Value {
    env.write("b.json", body);
    let mut args = vec![
        "query",
        op,
        "--data",
        SAMPLE,
        "--body",
        "b.json",
        "--now",
        "2025-11-05T06:00:00Z",
    ];
    args.extend(extra);
    let out = env.run(&args);
    out.assert_success();
    serde_json::from_str(&out.stdout).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn cell(s: &str) -> f64 {
    s.parse().unwrap_or(0.0)
}

const DAY: [&str; 2] = ["2025-11-03T00:00:00-05:00", "2025-11-04T00:00:00-05:00"];

#[test]
fn queries_agree_with_the_reports() {
    let env = Env::new();
    // QUEUESUMMARY vs getQueueKpiSummary, each queue and all together.
    let qs = csv_rows(
        &env,
        &[
            "build",
            "--type",
            "QUEUESUMMARY",
            "--data",
            SAMPLE,
            "--from",
            DAY[0],
            "--to",
            DAY[1],
            "--param",
            "queues=8000:20,8001:30,8002:25",
        ],
    );
    for (i, q) in [("8000", 20), ("8001", 30), ("8002", 25)]
        .iter()
        .enumerate()
    {
        let m = &sample(
            &env,
            "getQueueKpiSummary",
            &format!(
                r#"{{"queues": [{{"number": "{}", "sla_secs": {}}}], "start_time": "{}", "end_time": "{}"}}"#,
                q.0, q.1, DAY[0], DAY[1]
            ),
            &[],
        )["metrics"];
        let r = &qs[i];
        assert_eq!(r[0], q.0);
        for (key, col) in [
            ("offered", 2),
            ("accepted", 3),
            ("abandoned", 4),
            ("sla_pct", 10),
            ("asa_sec", 12),
            ("att_sec", 14),
            ("avg_wrap_time_sec", 15),
            ("aht_sec", 16),
        ] {
            assert_eq!(num(&m[key]), cell(&r[col]), "{} {key}", q.0);
        }
    }
    let all = &sample(
        &env,
        "getQueueKpiSummary",
        &format!(
            r#"{{"queues": [{{"number": "8000", "sla_secs": 20}}, {{"number": "8001", "sla_secs": 30}}, {{"number": "8002", "sla_secs": 25}}], "start_time": "{}", "end_time": "{}"}}"#,
            DAY[0], DAY[1]
        ),
        &[],
    )["metrics"];
    let total = &qs[3];
    assert_eq!(total[0], "TOTAL");
    for (key, col) in [
        ("offered", 2),
        ("accepted", 3),
        ("sla_pct", 10),
        ("asa_sec", 12),
        ("aht_sec", 16),
    ] {
        assert_eq!(num(&all[key]), cell(&total[col]), "pooled {key}");
    }
    // AGENTQUEUEREPORT and AGENTSUMMARYACTIVITY vs getAgentQueueSummary.
    let aqr = csv_rows(
        &env,
        &[
            "build",
            "--type",
            "AGENTQUEUEREPORT",
            "--data",
            SAMPLE,
            "--from",
            DAY[0],
            "--to",
            DAY[1],
            "--param",
            "queues=8001",
        ],
    );
    let asa = csv_rows(
        &env,
        &[
            "build",
            "--type",
            "AGENTSUMMARYACTIVITY",
            "--data",
            SAMPLE,
            "--from",
            DAY[0],
            "--to",
            DAY[1],
            "--now",
            "2025-11-05T06:00:00Z",
        ],
    );
    let mut checked = 0;
    for r in aqr.iter().filter(|r| r[2] != "TOTAL") {
        let p = &sample(
            &env,
            "getAgentQueueSummary",
            &format!(
                r#"{{"queue": "8001", "agent": "{}", "start_time": "{}", "end_time": "{}"}}"#,
                r[2], DAY[0], DAY[1]
            ),
            &[],
        )["points"];
        for (key, col) in [
            ("total", 5),
            ("accepted", 6),
            ("average_ring_time_sec", 9),
            ("att_sec", 11),
            ("avg_wrap_time_sec", 13),
            ("aht_sec", 14),
        ] {
            assert_eq!(num(&p[key]), cell(&r[col]), "agent {} {key}", r[2]);
        }
        let s = asa.iter().find(|s| s[0] == r[2]).unwrap();
        assert_eq!(
            num(&p["occupancy_pct"]),
            cell(&s[16]),
            "agent {} occupancy",
            r[2]
        );
        checked += 1;
    }
    assert!(checked >= 3);
    // DAILYSTATISTICS vs getCallsTimeseries (UTC days).
    let daily = csv_rows(
        &env,
        &[
            "build",
            "--type",
            "DAILYSTATISTICS",
            "--data",
            SAMPLE,
            "--from",
            "2025-11-01T00:00:00Z",
            "--to",
            "2025-11-05T00:00:00Z",
        ],
    );
    let ts = sample(
        &env,
        "getCallsTimeseries",
        r#"{"start_time": "2025-11-01T00:00:00Z", "end_time": "2025-11-05T00:00:00Z"}"#,
        &[],
    );
    let pts = ts["points"].as_array().unwrap();
    assert_eq!(pts.len(), daily.len());
    for (p, d) in pts.iter().zip(&daily) {
        assert_eq!(
            (
                num(&p["total"]),
                num(&p["answered"]),
                num(&p["not_answered"])
            ),
            (cell(&d[1]), cell(&d[2]), cell(&d[3]))
        );
    }
    // CALLLOGS vs getCallsHistory, page by page.
    let logs = csv_rows(
        &env,
        &[
            "build", "--type", "CALLLOGS", "--data", SAMPLE, "--from", DAY[0], "--to", DAY[1],
        ],
    );
    let mut items = Vec::new();
    loop {
        let skip = items.len().to_string();
        let page = sample(
            &env,
            "getCallsHistory",
            &format!(
                r#"{{"start_time": "{}", "end_time": "{}"}}"#,
                DAY[0], DAY[1]
            ),
            &["--skip", &skip],
        );
        let got = page["items"].as_array().unwrap().clone();
        if got.is_empty() {
            break;
        }
        items.extend(got);
    }
    assert_eq!(items.len(), logs.len());
    for (i, r) in items.iter().zip(&logs) {
        assert_eq!(
            (
                i["session_id"].as_str().unwrap(),
                i["caller"].as_str().unwrap(),
                i["callee"].as_str().unwrap()
            ),
            (r[0].as_str(), r[2].as_str(), r[4].as_str())
        );
        assert_eq!(i["end_reason"].as_str().unwrap(), r[19]);
    }
}

#[test]
fn every_operation_on_the_sample() {
    let env = Env::new();
    let day = format!(r#""start_time": "{}", "end_time": "{}""#, DAY[0], DAY[1]);
    for (op, body, extra) in [
        ("getQueueKpiSummary", format!(r#"{{"queues": [{{"number": "8000", "sla_secs": 20}}, {{"number": "8001", "sla_secs": 30}}], {day}}}"#), vec![]),
        ("getQueueTimeseries", format!(r#"{{"queue": "8001", {day}, "interval": "4h"}}"#), vec![]),
        ("getAgentQueueSummary", format!(r#"{{"queue": "8001", "agent": "1002", {day}}}"#), vec![]),
        ("getAgentQueueTimeseries", format!(r#"{{"queue": "8001", "agent": "1002", {day}, "interval": "6h"}}"#), vec![]),
        ("getCallsTimeseries", r#"{"start_time": "2025-11-01T00:00:00-04:00", "end_time": "2025-11-05T00:00:00-05:00"}"#.to_string(), vec![]),
        ("getCallsHistory", format!(r#"{{{day}, "status": "ANSWERED", "start_duration": 600}}"#), vec!["--count", "--top", "5"]),
        ("getCallsUserHistory", format!(r#"{{{day}, "user": "1003", "direction": "CALLEE"}}"#), vec!["--count", "--top", "5"]),
        ("getCallsHistoryBySessionId", String::new(), vec!["--session", "885337248273282712"]),
    ] {
        env.write("b.json", &body);
        let mut args = vec!["query", op, "--data", SAMPLE, "--body", "b.json", "--now", "2025-11-05T06:00:00Z", "--pretty"];
        args.extend(extra);
        let out = env.run(&args);
        out.assert_success();
        insta::assert_snapshot!(format!("query_{op}"), out.stdout);
    }
}
