//! What a nightly run left alone meets (SPEC rev 5, issue "unattended"): duplicates, hostile job
//! ids, formula-leading text, odd files where tables should be.

use std::path::Path;

use crate::build::SAMPLE;
use crate::harness::{Env, Output};

/// A copy of the sample dataset in the scratch directory, as `data/`.
pub fn sample_copy(env: &Env) {
    copy_dir(Path::new(SAMPLE), &env.path().join("data"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

pub const DAY: [&str; 4] = [
    "--from",
    "2025-11-03T00:00:00-05:00",
    "--to",
    "2025-11-04T00:00:00-05:00",
];

fn queue_summary(env: &Env, data: &str, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--type", "QUEUESUMMARY", "--data", data];
    args.extend(DAY);
    args.extend([
        "--tz",
        "America/New_York",
        "--now",
        "2025-11-05T06:00:00-05:00",
    ]);
    args.extend(extra);
    env.run(&args)
}

#[test]
fn a_day_sent_twice_or_rows_repeated_are_counted_once() {
    let env = Env::new();
    sample_copy(&env);
    let reference = queue_summary(&env, SAMPLE, &[]);
    reference.assert_success();
    // The same day's export twice under another name.
    std::fs::copy(
        env.path().join("data/cdr/2025-11-03.csv"),
        env.path().join("data/cdr/2025-11-03 (1).csv"),
    )
    .unwrap();
    let out = queue_summary(&env, "data", &[]);
    out.assert_success();
    assert_eq!(out.stdout, reference.stdout, "numbers unchanged");
    assert!(
        out.stderr.contains("warning: duplicate file, not read: data/cdr/2025-11-03.csv has the bytes of data/cdr/2025-11-03 (1).csv"),
        "{}",
        out.stderr
    );
    // Rows repeated inside one file (a re-sent tail appended).
    std::fs::remove_file(env.path().join("data/cdr/2025-11-03 (1).csv")).unwrap();
    let path = env.path().join("data/cdr/2025-11-03.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let tail: String = text
        .lines()
        .skip(1)
        .take(40)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, format!("{text}{tail}")).unwrap();
    let out = queue_summary(&env, "data", &[]);
    out.assert_success();
    assert_eq!(out.stdout, reference.stdout, "numbers unchanged");
    assert!(
        out.stderr
            .contains("warning: cdr: duplicate leg (kept once) (40 times)"),
        "{}",
        out.stderr
    );
    let v = env.run(&["validate", "--data", "data"]);
    v.assert_success();
    assert!(
        v.stdout.contains("duplicate leg (kept once)"),
        "{}",
        v.stdout
    );
}

/// A leg compares by its trimmed cells, whatever the file's column order: a row of the sample
/// (columns in the table's order, hashed where it lies) sent again in a file with its columns
/// reversed and its cells padded with spaces (laid out first) is the same leg.
#[test]
fn a_leg_resent_with_other_column_order_and_padding_is_the_same_leg() {
    let env = Env::new();
    sample_copy(&env);
    let reference = queue_summary(&env, "data", &[]);
    reference.assert_success();
    let text = std::fs::read_to_string(env.path().join("data/cdr/2025-11-03.csv")).unwrap();
    let mut lines = text.lines();
    let reverse = |l: &str, pad: bool| {
        let cells: Vec<String> = l
            .split(',')
            .rev()
            .map(|c| {
                if pad && !c.is_empty() {
                    format!(" {c} ")
                } else {
                    c.to_string()
                }
            })
            .collect();
        cells.join(",")
    };
    let head = reverse(lines.next().unwrap(), false);
    let rows: Vec<String> = lines.take(5).map(|l| reverse(l, true)).collect();
    assert!(rows.iter().all(|r| !r.contains('"')), "plain rows");
    env.write(
        "data/cdr/resent.csv",
        format!("{head}\n{}\n", rows.join("\n")),
    );
    let out = queue_summary(&env, "data", &[]);
    out.assert_success();
    assert_eq!(out.stdout, reference.stdout, "numbers unchanged");
    assert!(
        out.stderr
            .contains("warning: cdr: duplicate leg (kept once) (5 times)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_leg_with_an_earlier_key_and_other_values_names_both_places() {
    let env = Env::new();
    let head = "session_id,call_id,caller,callee,started_at,ended_at\n";
    env.write(
        "data/cdr/a.csv",
        format!("{head}s1,c1,100,200,1759017600,1759017660\ns2,c2,100,200,1759017600,1759017660\n"),
    );
    env.write(
        "data/cdr/b.csv",
        format!("{head}s1,c1,100,200,1759017600,1759017690\n"),
    );
    let out = env.run(&["validate", "--data", "data"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: data/cdr/b.csv:2: leg duplicates data/cdr/a.csv:2 (session_id s1) with different values\n"
    );
    // With --skip-bad-rows the first is kept and the later one counted.
    let out = env.run(&["validate", "--data", "data", "--skip-bad-rows"]);
    out.assert_success();
    assert!(
        out.stdout
            .contains("cdr: leg with an earlier leg's key and other values"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("calls: 2;"), "{}", out.stdout);
}

const JOB: &str = "type = \"CALLLOGS\"\ncron_expr = \"1 0 * * *\"\n";

#[test]
fn a_job_id_never_reaches_outside_the_output_directory() {
    for id in [
        "../../evil",
        "/etc",
        "..",
        "report_log.json",
        "_outbox",
        ".lock",
    ] {
        let env = Env::new();
        env.write("data/cdr.csv", crate::harness::CDR);
        env.write("jobs.toml", format!("[[job]]\nid = \"{id}\"\n{JOB}"));
        let out = env.run(&["jobs", "validate", "--jobs", "jobs.toml"]);
        assert_eq!(out.code, 2, "{id}: {}", out.stdout);
        assert!(
            out.stderr.contains("field \"id\"") && out.stderr.contains("is not a job id"),
            "{id}: {}",
            out.stderr
        );
        let run = env.run(&[
            "run",
            "--jobs",
            "jobs.toml",
            "--data",
            "data",
            "--out",
            "out",
            "--now",
            "2025-09-29T06:00:00Z",
        ]);
        assert_eq!(run.code, 2, "{id}");
        assert!(!env.path().join("out").exists(), "{id}: nothing written");
        assert!(!env.path().parent().unwrap().join("evil").exists());
    }
    // Two ids equal but for case would share a folder on a case-insensitive disk.
    let env = Env::new();
    env.write(
        "jobs.toml",
        format!("[[job]]\nid = \"Daily\"\n{JOB}\n[[job]]\nid = \"daily\"\n{JOB}"),
    );
    let out = env.run(&["jobs", "validate", "--jobs", "jobs.toml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("job \"daily\": field \"id\": the id is used by an earlier job (ids are compared ignoring case)"), "{}", out.stderr);
}

#[test]
fn bad_recipients_and_a_cron_that_never_fires_are_configuration_errors() {
    let env = Env::new();
    let mut jobs = String::new();
    for (i, r) in ["ops@", "a;b", "x@y\\r\\nBcc: z@evil"].iter().enumerate() {
        jobs.push_str(&format!(
            "[[job]]\nid = \"r{i}\"\nrecipients = \"{r}\"\n{JOB}\n"
        ));
    }
    jobs.push_str("[[job]]\nid = \"feb30\"\ntype = \"CALLLOGS\"\ncron_expr = \"0 0 30 2 *\"\n");
    env.write("jobs.toml", jobs);
    let out = env.run(&["jobs", "validate", "--jobs", "jobs.toml"]);
    assert_eq!(out.code, 2);
    for needed in [
        "job \"r0\": field \"recipients\": \"ops@\" is not an e-mail address (local@domain)",
        "job \"r1\": field \"recipients\": \"a\" is not an e-mail address (local@domain)",
        "job \"r2\": field \"recipients\": \"x@y\\r\\nBcc: z@evil\" is not an e-mail address",
        "job \"feb30\": field \"cron_expr\": \"0 0 30 2 *\" never fires (no date matches it)",
    ] {
        assert!(out.stderr.contains(needed), "{needed}\n{}", out.stderr);
    }
}

/// Formula-leading text in every free-text column: guarded in CSV, unchanged in HTML, and
/// `csv_formula_guard=false` writes it as it is; phone numbers starting with `+` stay as they are.
#[test]
fn formula_leading_text_is_guarded_in_csv_only() {
    let env = Env::new();
    let evil = [
        "=HYPERLINK(\"http://x\")",
        "@SUM(A1)",
        "+1+2",
        "-2-3",
        "=cmd|' /C calc'!A0",
    ];
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    env.write(
        "data/cdr.csv",
        format!(
            "session_id,caller,caller_display_name,callee,callee_display_name,callee_endpoint,service_number,service_name,service_type,call_type,user_data,started_at,answered_at,ended_at\n\
             s1,+12125550100,{},8000,{},QUEUE,8000,{},QUEUE,{},{},1759017600,1759017600,1759017660\n\
             s1,+12125550100,{},1001,,EXTENSION,8000,{},QUEUE,{},{},1759017601,1759017605,1759017660\n",
            q(evil[0]), q(evil[1]), q(evil[2]), q(evil[3]), q(evil[4]),
            q(evil[0]), q(evil[2]), q(evil[3]), q(evil[4]),
        ),
    );
    env.write(
        "data/queues.csv",
        format!("number,name\n8000,{}\n", q(evil[4])),
    );
    env.write(
        "data/agents.csv",
        format!(
            "agent_id,first_name,last_name,team\n1001,{},x,{}\n",
            q("=A"),
            q("@team")
        ),
    );
    let period = [
        "--from",
        "2025-09-28T00:00:00Z",
        "--to",
        "2025-09-29T00:00:00Z",
    ];
    let build = |kind: &str, extra: &[&str]| {
        let mut args = vec!["build", "--type", kind, "--data", "data"];
        args.extend(period);
        args.extend(extra);
        let out = env.run(&args);
        out.assert_success();
        out.stdout
    };
    let logs = build("CALLLOGS", &[]);
    let row = logs.lines().nth(1).unwrap();
    assert!(row.starts_with("s1,1,+12125550100,\"'=HYPERLINK(\"\"http://x\"\")\",8000,'@SUM(A1),8000,'+1+2,QUEUE,'-2-3,"), "{row}");
    assert!(row.ends_with(",'=cmd|' /C calc'!A0"), "{row}");
    let queues = build("QUEUESUMMARY", &[]);
    assert!(queues.contains("\n8000,'=cmd|' /C calc'!A0,"), "{queues}");
    let users = build("USERSTATISTICS", &[]);
    assert!(users.contains("\n1001,'=A x,"), "{users}");
    let agents = build("AGENTQUEUEREPORT", &[]);
    assert!(agents.contains(",'=A x,"), "{agents}");
    // team, reason_label and ring_group_name too.
    env.write(
        "data/agent_sessions.csv",
        "login_session_id,agent_id,login_at,logout_at\nL1,1001,1759017600,1759021200\n",
    );
    env.write("data/agent_states.csv", "login_session_id,state,reason_code,start_at,end_at\nL1,NOT_READY,B,1759017600,1759018000\n");
    env.write(
        "data/not_ready_codes.csv",
        "code,label,category\nB,-break,BREAK\n",
    );
    env.write("data/ring_groups.csv", "number,name\n6000,+front desk\n");
    let now = ["--now", "2025-09-29T00:00:00Z"];
    let summary = build("AGENTSUMMARYACTIVITY", &now);
    assert!(summary.contains("\n1001,'=A x,'@team,"), "{summary}");
    let codes = build("AGENTNOTREADYCODE", &now);
    assert!(codes.contains(",B,'-break,BREAK,"), "{codes}");
    let groups = build("RINGGROUPPERFORMANCE", &["--param", "ring_groups=6000"]);
    assert!(groups.contains("\n6000,'+front desk,"), "{groups}");
    // Off on request.
    let plain = build("CALLLOGS", &["--param", "csv_formula_guard=false"]);
    assert!(
        plain
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("s1,1,+12125550100,\"=HYPERLINK("),
        "{plain}"
    );
    // HTML shows the text as written (escaped, never run).
    let html = build("CALLLOGS", &["--format", "html"]);
    assert!(
        html.contains("=HYPERLINK(&quot;http://x&quot;)")
            || html.contains("=HYPERLINK(&#34;http://x&#34;)"),
        "html"
    );
    assert!(!html.contains("'=HYPERLINK"));
}

#[test]
fn an_empty_extension_list_means_every_user() {
    let env = Env::new();
    let all = env.run(&[
        "build",
        "--type",
        "USERSTATISTICS",
        "--data",
        SAMPLE,
        DAY[0],
        DAY[1],
        DAY[2],
        DAY[3],
    ]);
    all.assert_success();
    assert!(all.stdout.lines().count() > 5);
    env.write("p.json", r#"{"extensions": []}"#);
    for extra in [&["--param", "extensions="][..], &["--params", "p.json"][..]] {
        let mut args = vec!["build", "--type", "USERSTATISTICS", "--data", SAMPLE];
        args.extend(DAY);
        args.extend(extra);
        let out = env.run(&args);
        out.assert_success();
        assert_eq!(out.stdout, all.stdout, "{extra:?}");
    }
}

#[test]
fn a_lower_case_reason_code_is_not_a_category() {
    let env = Env::new();
    env.write("data/cdr.csv", crate::harness::CDR);
    env.write(
        "data/agent_sessions.csv",
        "login_session_id,agent_id,login_at,logout_at\nL1,1001,1759017600,1759024800\n",
    );
    env.write(
        "data/agent_states.csv",
        "login_session_id,state,reason_code,start_at,end_at\nL1,NOT_READY,lunch,1759017600,1759019400\nL1,NOT_READY,LUNCH,1759019400,1759021200\n",
    );
    let out = env.build_sep_28("AGENTNOTREADYCODE", &["--now", "2025-09-29T00:00:00Z"]);
    out.assert_success();
    assert!(
        out.stdout.contains("\n1001,1001,LUNCH,LUNCH,LUNCH,1,1800,"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\n1001,1001,lunch,lunch,OTHER,1,1800,"),
        "{}",
        out.stdout
    );
}

/// A FIFO (or a link to a device) where a table file should be is refused at once, never read
/// (a read would block for ever); an empty file is named as empty.
#[test]
fn a_fifo_or_an_empty_file_is_a_clear_error_not_a_hang() {
    let env = Env::new();
    env.write("data/cdr/2025-09-28.csv", crate::harness::CDR);
    let fifo = env.path().join("data/cdr/2025-09-29.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let out = run_bounded(&env, &["validate", "--data", "data"]);
        assert_eq!(out.code, 1);
        assert_eq!(
            out.stderr,
            "error: data/cdr/2025-09-29.csv: is not a regular file (a FIFO, device or socket?); only regular files are read\n"
        );
        std::fs::remove_file(&fifo).unwrap();
    }
    std::os::unix::fs::symlink("/dev/zero", &fifo).unwrap();
    let out = run_bounded(&env, &["validate", "--data", "data"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("is not a regular file"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&fifo).unwrap();
    env.write("data/cdr/2025-09-29.csv", "");
    let out = run_bounded(&env, &["validate", "--data", "data"]);
    assert_eq!(
        out.stderr,
        "error: data/cdr/2025-09-29.csv: the file is empty (0 bytes; a table file starts with its header)\n"
    );
}

/// Runs the binary, killing it after 20 s: a hang fails the test instead of stalling it.
fn run_bounded(env: &Env, args: &[&str]) -> Output {
    use std::io::Read;
    let mut child = env
        .command(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let (mut stdout, mut stderr) = (String::new(), String::new());
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut stdout)
                .unwrap();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return Output {
                code: status.code().unwrap_or(-1),
                stdout,
                stderr,
            };
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("{args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
