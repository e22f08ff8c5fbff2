//! Delivery (SPEC §6.2) against a real SMTP server in the test process, on 127.0.0.1: what
//! arrives, AUTH, a refusing server and a dead one, retries, resend, and the outbox.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use mail_parser::{MessageParser, MimeHeaders};

use crate::build::SAMPLE;
use crate::harness::{Env, Output};
use crate::run::files;

/// A message as the server received it.
#[derive(Debug, Clone)]
struct Received {
    rcpt: Vec<String>,
    data: Vec<u8>,
}

/// How the server answers.
#[derive(Clone, Copy)]
enum Mode {
    /// Accepts everything; AUTH PLAIN must name this user and password.
    Accept(&'static str, &'static str),
    /// Refuses every sender with a 554.
    Refuse,
}

/// An SMTP server on a free port of 127.0.0.1 that speaks enough of RFC 5321 for lettre.
struct Server {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    fn start(mode: Mode) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let _ = session(conn, mode, &store);
            }
        });
        Server { port, received }
    }

    fn url(&self, user: Option<&str>) -> String {
        match user {
            Some(u) => format!("smtp://{u}@127.0.0.1:{}", self.port),
            None => format!("smtp://127.0.0.1:{}", self.port),
        }
    }

    fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn session(conn: TcpStream, mode: Mode, store: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    // Bounded in time: a client that stalls is dropped.
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut out = conn.try_clone()?;
    let mut lines = BufReader::new(conn);
    let mut say = |s: &str| out.write_all(format!("{s}\r\n").as_bytes());
    say("220 test.local ESMTP")?;
    let (mut authed, mut rcpt) = (false, Vec::new());
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            say("250-test.local")?;
            say("250-AUTH PLAIN")?;
            say("250 8BITMIME")?;
        } else if upper.starts_with("AUTH PLAIN ") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(cmd[11..].trim())
                .unwrap_or_default();
            let parts: Vec<&[u8]> = decoded.split(|&b| b == 0).collect();
            let ok = matches!(mode, Mode::Accept(u, p)
                if parts.len() == 3 && parts[1] == u.as_bytes() && parts[2] == p.as_bytes());
            authed = ok;
            say(if ok {
                "235 2.7.0 ok"
            } else {
                "535 5.7.8 bad credentials"
            })?;
        } else if upper.starts_with("MAIL FROM") {
            match mode {
                Mode::Refuse => say("554 5.7.1 relay refused by test policy")?,
                Mode::Accept(..) if !authed => say("530 5.7.0 authentication required")?,
                Mode::Accept(..) => say("250 2.1.0 ok")?,
            }
        } else if upper.starts_with("RCPT TO:") {
            rcpt.push(cmd[8..].trim().trim_matches(['<', '>']).to_string());
            say("250 2.1.5 ok")?;
        } else if upper == "DATA" {
            say("354 go ahead")?;
            let mut data = Vec::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                // Dot-stuffing undone (RFC 5321 §4.5.2).
                data.extend_from_slice(l.strip_prefix('.').unwrap_or(&l).as_bytes());
            }
            store.lock().unwrap().push(Received {
                rcpt: std::mem::take(&mut rcpt),
                data,
            });
            say("250 2.0.0 queued")?;
        } else if upper == "QUIT" {
            say("221 bye")?;
            return Ok(());
        } else {
            say("250 ok")?;
        }
    }
}

const USER: &str = "reports@example.com";
const PASSWORD: &str = "s3cret-Pa55word";
const NOW: &str = "2025-11-05T06:00:00-05:00";

/// A QUEUESUMMARY as CSV to two recipients and as HTML to a third, every night.
const JOBS: &str = r#"
[[job]]
id = "queues-csv"
schedule_name = "Daily queues"
type = "QUEUESUMMARY"
format = "CSV"
cron_expr = "0 6 * * *"
time_zone = "America/New_York"
recipients = "ops@example.com; lead@example.com"
[job.params]
time_range = "YESTERDAY"

[[job]]
id = "queues-html"
schedule_name = "Daily queues (page)"
type = "QUEUESUMMARY"
format = "HTML"
cron_expr = "0 6 * * *"
time_zone = "America/New_York"
recipients = "boss@example.com"
[job.params]
time_range = "YESTERDAY"
"#;

const CSV_FILE: &str = "queues-csv/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.csv";
const HTML_FILE: &str = "queues-html/QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.html";

/// `run` of `jobs.toml` over the sample into `out`, with the password in the environment.
fn run_in(env: &Env, out: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        SAMPLE,
        "--out",
        out,
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    env.run_with_env(&args, &[("PBX_REPORT_SMTP_PASSWORD", PASSWORD)])
}

fn run(env: &Env, smtp: Option<&str>) -> Output {
    match smtp {
        Some(url) => run_in(env, "out", &["--smtp", url]),
        None => run_in(env, "out", &[]),
    }
}

fn log(env: &Env) -> Vec<serde_json::Value> {
    crate::run::log(&env.path().join("out"))
}

fn delivery(env: &Env, file: &str) -> serde_json::Value {
    log(env)
        .into_iter()
        .find(|e| e["file_url"] == file)
        .unwrap()["delivery"]
        .clone()
}

/// The password appears in nothing the program wrote or printed.
fn assert_no_password(env: &Env, outputs: &[&Output]) {
    for (name, bytes) in files(&env.path().join("out")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(PASSWORD),
            "{name} holds the password"
        );
    }
    for o in outputs {
        assert!(!o.stdout.contains(PASSWORD) && !o.stderr.contains(PASSWORD));
    }
}

#[test]
fn reports_reach_their_recipients_through_smtp_with_auth() {
    let env = Env::new();
    env.write("jobs.toml", JOBS);
    let server = Server::start(Mode::Accept(USER, PASSWORD));
    let url = server.url(Some("reports%40example.com"));
    let first = run(&env, Some(&url));
    first.assert_success();
    let got = server.messages();
    assert_eq!(got.len(), 2, "{}", first.stdout);
    let report = |f: &str| std::fs::read(env.path().join("out").join(f)).unwrap();

    // The CSV job: both recipients, the subject, the attachment's bytes, the figures.
    let csv = got.iter().find(|m| m.rcpt.len() == 2).unwrap();
    assert_eq!(csv.rcpt, ["ops@example.com", "lead@example.com"]);
    let msg = MessageParser::default().parse(&csv.data).unwrap();
    assert_eq!(
        msg.subject(),
        Some("Daily queues: QUEUESUMMARY Tue 4 Nov 2025")
    );
    assert_eq!(msg.date().unwrap().to_rfc3339(), "2025-11-05T11:00:00Z");
    let attachment = msg.attachment(0).unwrap();
    assert_eq!(
        attachment.attachment_name(),
        Some("QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500.csv")
    );
    assert_eq!(attachment.contents(), report(CSV_FILE).as_slice());
    // The text's figures are the TOTAL row's.
    let text = msg.body_text(0).unwrap().to_string();
    let table = String::from_utf8(report(CSV_FILE)).unwrap();
    let header: Vec<&str> = table.lines().next().unwrap().split(',').collect();
    let total: Vec<&str> = table.lines().last().unwrap().split(',').collect();
    let cell = |name: &str| total[header.iter().position(|h| *h == name).unwrap()];
    for (label, column, unit) in [
        ("Offered", "offered", ""),
        ("SLA", "sla_pct", " %"),
        ("Abandon rate", "abandon_rate_pct", " %"),
        ("ASA", "asa_secs", " s"),
    ] {
        let line = format!("{label}: {}{unit}", cell(column));
        assert!(text.lines().any(|l| l == line), "{line:?} not in:\n{text}");
    }
    assert!(
        text.lines().any(|l| l == "Time zone: America/New_York"),
        "{text}"
    );

    // The HTML job: the page is the body and the attachment.
    let html = got.iter().find(|m| m.rcpt == ["boss@example.com"]).unwrap();
    let msg = MessageParser::default().parse(&html.data).unwrap();
    let page = String::from_utf8(report(HTML_FILE)).unwrap();
    // A MIME text part has CRLF line ends; the page's own are LF.
    assert_eq!(msg.body_html(0).unwrap().replace("\r\n", "\n"), page);
    assert_eq!(msg.attachment(0).unwrap().contents(), page.as_bytes());

    assert_eq!(delivery(&env, CSV_FILE)["status"], "sent");
    assert_eq!(delivery(&env, CSV_FILE)["attempts"], 1);
    // A rerun sends nothing.
    let again = run(&env, Some(&url));
    again.assert_success();
    assert_eq!(server.messages().len(), 2);
    assert_no_password(&env, &[&first, &again]);
}

#[test]
fn a_failed_delivery_is_retried_until_sent_once_and_resend_sends_one_more() {
    let env = Env::new();
    env.write("jobs.toml", JOBS);
    // A server that refuses: the reports are committed and logged, the run exits 1.
    let refusing = Server::start(Mode::Refuse);
    let r1 = run(&env, Some(&refusing.url(None)));
    assert_eq!(r1.code, 1, "{}", r1.stderr);
    assert!(env.path().join("out").join(CSV_FILE).is_file());
    let d = delivery(&env, CSV_FILE);
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_u64()),
        (Some("failed"), Some(1))
    );
    assert!(d["error"].as_str().unwrap().contains("554"), "{d}");
    assert!(
        r1.stderr.contains("relay refused by test policy"),
        "{}",
        r1.stderr
    );

    // A server that is down: connection refused, still failed, exit 1.
    let down = TcpListener::bind("127.0.0.1:0").unwrap();
    let down_url = format!("smtp://127.0.0.1:{}", down.local_addr().unwrap().port());
    drop(down);
    let r2 = run(&env, Some(&down_url));
    assert_eq!(r2.code, 1, "{}", r2.stderr);
    assert!(r2.stdout.contains("nothing due"), "{}", r2.stdout);
    let d = delivery(&env, CSV_FILE);
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_u64()),
        (Some("failed"), Some(2))
    );
    assert!(
        d["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("refused"),
        "{d}"
    );

    // The server is up: exactly one message per report, exit 0; a third run sends nothing.
    let up = Server::start(Mode::Accept(USER, PASSWORD));
    let url = up.url(Some("reports%40example.com"));
    let r3 = run(&env, Some(&url));
    r3.assert_success();
    assert_eq!(up.messages().len(), 2);
    assert_eq!(delivery(&env, CSV_FILE)["status"], "sent");
    assert!(delivery(&env, CSV_FILE).get("error").is_none());
    run(&env, Some(&url)).assert_success();
    assert_eq!(up.messages().len(), 2);

    // `logs resend` sends exactly one more, on purpose.
    let id = log(&env)
        .into_iter()
        .find(|e| e["file_url"] == CSV_FILE)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let resend = env.run_with_env(
        &["logs", "resend", "--out", "out", &id, "--smtp", &url],
        &[("PBX_REPORT_SMTP_PASSWORD", PASSWORD)],
    );
    resend.assert_success();
    assert_eq!(up.messages().len(), 3);
    assert_eq!(
        up.messages()[2].rcpt,
        ["ops@example.com", "lead@example.com"]
    );
    assert_no_password(&env, &[&r1, &r2, &r3, &resend]);
}

#[test]
fn a_report_changed_after_it_was_logged_is_not_sent() {
    let env = Env::new();
    env.write("jobs.toml", JOBS);
    let refusing = Server::start(Mode::Refuse);
    assert_eq!(run(&env, Some(&refusing.url(None))).code, 1);
    std::fs::write(
        env.path().join("out").join(CSV_FILE),
        "queue,offered\nTOTAL,999\n",
    )
    .unwrap();
    let up = Server::start(Mode::Accept(USER, PASSWORD));
    let r = run(&env, Some(&up.url(Some("reports%40example.com"))));
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The unchanged HTML report went; the changed CSV did not.
    assert_eq!(up.messages().len(), 1);
    let d = delivery(&env, CSV_FILE);
    assert_eq!(d["status"], "failed");
    assert!(
        d["error"]
            .as_str()
            .unwrap()
            .contains("no longer matches the sha256"),
        "{d}"
    );
}

#[test]
fn without_a_server_messages_go_to_the_outbox_byte_identical() {
    let env = Env::new();
    env.write("jobs.toml", JOBS);
    let mut outboxes = Vec::new();
    for out in ["first", "second"] {
        let r = run_in(&env, out, &[]);
        r.assert_success();
        assert!(r.stdout.contains("in _outbox/"), "{}", r.stdout);
        let dir = env.path().join(out).join("_outbox");
        let mut emls: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        emls.sort();
        outboxes.push(emls);
    }
    assert_eq!(outboxes[0].len(), 2);
    assert_eq!(outboxes[0], outboxes[1]);
    for (name, bytes) in &outboxes[0] {
        let msg = MessageParser::default().parse(bytes).unwrap();
        assert!(msg.subject().unwrap().starts_with("Daily queues"), "{name}");
        assert_eq!(msg.attachment_count(), 1, "{name}");
        assert!(name.ends_with(".eml"));
    }
    // Queued is delivered: a rerun queues nothing more.
    let again = run_in(&env, "first", &[]);
    again.assert_success();
    assert_eq!(
        std::fs::read_dir(env.path().join("first/_outbox"))
            .unwrap()
            .count(),
        2
    );
    assert!(crate::run::log(&env.path().join("first"))
        .iter()
        .all(|e| e["delivery"]["status"] == "queued"));
}

#[test]
fn a_large_report_is_named_not_attached() {
    let env = Env::new();
    env.write("jobs.toml", JOBS);
    let r = run_in(&env, "out", &["--mail-max-bytes", "100"]);
    r.assert_success();
    for e in std::fs::read_dir(env.path().join("out/_outbox"))
        .unwrap()
        .flatten()
    {
        let bytes = std::fs::read(e.path()).unwrap();
        let msg = MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(msg.attachment_count(), 0);
        let text = msg.body_text(0).unwrap().to_string();
        assert!(
            text.contains("over the attachment limit of 100 bytes"),
            "{text}"
        );
        assert!(
            text.contains("QUEUESUMMARY_20251104T0000-0500_20251105T0000-0500"),
            "{text}"
        );
    }
}
