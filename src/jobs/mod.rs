//! Report-job files (SPEC §5.1): TOML `[[job]]` tables or JSON (`{"jobs": [...]}`, a bare array,
//! or the API's `{"count": N, "items": [...]}`), checked field by field with every problem
//! reported at once.

use std::collections::BTreeMap;
use std::path::Path;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::render::Format;
use crate::reports::params::Params;
use crate::reports::ReportKind;
use crate::schedule::Schedule;
use crate::time::Ts;

/// What a run does with fires missed while it was not running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchUp {
    /// Only the newest missed fire.
    Latest,
    /// Every missed fire, oldest first.
    All,
}

impl CatchUp {
    /// Reads `latest` or `all`, in any case.
    pub fn parse(text: &str) -> std::result::Result<CatchUp, String> {
        match text.to_ascii_lowercase().as_str() {
            "latest" => Ok(CatchUp::Latest),
            "all" => Ok(CatchUp::All),
            _ => Err(format!("\"{text}\" is not latest or all")),
        }
    }
}

/// One checked report job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Unique id (default: the schedule name as a slug).
    pub id: String,
    /// `schedule_name`.
    pub schedule_name: String,
    /// `type`.
    pub kind: ReportKind,
    /// `format`.
    pub format: Format,
    /// `cron_expr` as written.
    pub cron_expr: String,
    /// The parsed schedule in the job's zone.
    pub schedule: Schedule,
    /// `time_zone` / `timezone` (default UTC).
    pub tz: Tz,
    /// No run fires before this.
    pub start_time: Option<Ts>,
    /// No run fires at or after this.
    pub end_time: Option<Ts>,
    /// `active` (default true).
    pub active: bool,
    /// `recipients`, as written.
    pub recipients: String,
    /// `catch_up` (default latest).
    pub catch_up: CatchUp,
    /// Checked parameters.
    pub params: Params,
    /// Parameter warnings (ignored keys).
    pub warnings: Vec<String>,
}

impl Job {
    /// Is a fire time inside the job's start/end window?
    pub fn in_window(&self, fire: Ts) -> bool {
        self.start_time.is_none_or(|s| fire >= s) && self.end_time.is_none_or(|e| fire < e)
    }

    /// The fires in `(after, until]` inside the job's window, oldest first.
    pub fn fires_in(&self, after: Ts, until: Ts) -> Vec<Ts> {
        let mut fires = self.schedule.between(after, until);
        fires.retain(|&f| self.in_window(f));
        fires
    }

    /// Every fire a `run` at `now` owes before `catch_up` picks among them (a run picks after
    /// it knows which ones wait for data): those in `(last, now]` inside the window, or only the
    /// latest fire at or before `now` for a job never run. None for an inactive job.
    pub fn owed_fires(&self, last: Option<Ts>, now: Ts) -> Vec<Ts> {
        if !self.active {
            return Vec::new();
        }
        match last {
            Some(last) => self.fires_in(last, now),
            None => self.latest_fire_at_or_before(now).into_iter().collect(),
        }
    }

    /// The latest fire at or before `now` inside the window (whose end is exclusive).
    fn latest_fire_at_or_before(&self, now: Ts) -> Option<Ts> {
        let mut t = match self.end_time {
            Some(end) if end <= now => end - 1,
            _ => now,
        };
        while let Some(f) = self.schedule.latest_at_or_before(t) {
            if self.in_window(f) {
                return Some(f);
            }
            if self.start_time.is_some_and(|s| f < s) {
                return None;
            }
            t = f - 1;
        }
        None
    }

    /// The next `count` fires after `after` inside the window.
    pub fn next_fires(&self, after: Ts, count: usize) -> Vec<Ts> {
        let mut out = Vec::with_capacity(count);
        let mut t = after;
        while out.len() < count {
            let Some(fire) = self.schedule.next_after(t) else {
                break;
            };
            if self.end_time.is_some_and(|e| fire >= e) {
                break;
            }
            if self.in_window(fire) {
                out.push(fire);
            }
            t = fire;
        }
        out
    }

    /// The period the report of a fire covers (SPEC §5.3); `Ok(None)` when it is empty (no
    /// earlier fire for `SINCE_LAST_RUN`, or a custom range that ends before it starts).
    pub fn period_at(&self, fire: Ts) -> Result<Option<(Ts, Ts)>, String> {
        Ok(crate::schedule::period(&self.params, fire, &self.schedule)?.filter(|(a, b)| a < b))
    }
}

mod check;

pub use check::{check_id, check_recipients, slug};

/// One job as written: its fields with the line each stands on, where the format gives one.
struct RawJob {
    line: Option<u64>,
    fields: Vec<(String, Value, Option<u64>)>,
}

/// The fields of a job.
pub(crate) const FIELDS: [&str; 13] = [
    "id",
    "schedule_name",
    "type",
    "format",
    "cron_expr",
    "time_zone",
    "timezone",
    "start_time",
    "end_time",
    "active",
    "recipients",
    "catch_up",
    "params",
];

/// Read-only fields of the API's job list, accepted (and not used) so an export runs as is.
pub(crate) const READ_ONLY_FIELDS: [&str; 2] = ["create_time", "last_run_time"];

/// Reads and checks a job file; every problem is reported, each with its job, field and line.
pub fn load(path: &Path) -> Result<Vec<Job>> {
    let text = crate::error::read_config_text(path, "job file")?;
    let raw = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        read_toml(path, &text)?
    } else {
        read_json(path, &text)?
    };
    check::check(path, raw)
}

/// `--tenant`: every job reports tenant `tenant` alone — its `tenants` parameter becomes
/// `[tenant]`; a job whose `tenants` lists others only is not this tenant's and is left out.
pub fn for_tenant(jobs: &mut Vec<Job>, tenant: i64) {
    jobs.retain(|j| j.params.tenants.is_empty() || j.params.tenants.contains(&tenant));
    for j in jobs {
        j.params.tenants = vec![tenant];
    }
}

fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].matches('\n').count() as u64 + 1
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

type SpannedTable = BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    job: Vec<toml::Spanned<SpannedTable>>,
}

fn read_toml(path: &Path, text: &str) -> Result<Vec<RawJob>> {
    let file: TomlFile = toml::from_str(text).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of(text, s.start)),
        message: format!("malformed job file: {}", e.message().trim_end()),
    })?;
    Ok(file
        .job
        .into_iter()
        .map(|job| {
            let line = Some(line_of(text, job.span().start));
            let fields = job
                .into_inner()
                .into_iter()
                .map(|(k, v)| {
                    let l = Some(line_of(text, k.span().start));
                    (k.into_inner(), toml_to_json(v.into_inner()), l)
                })
                .collect();
            RawJob { line, fields }
        })
        .collect())
}

fn read_json(path: &Path, text: &str) -> Result<Vec<RawJob>> {
    let fail = |line: Option<u64>, message: String| Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    };
    let value: Value = serde_json::from_str(text)
        .map_err(|e| fail(Some(e.line() as u64), format!("malformed job file: {e}")))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut o) => match (o.remove("jobs"), o.remove("items")) {
            (Some(Value::Array(items)), None) | (None, Some(Value::Array(items))) => items,
            _ => return Err(fail(
                None,
                "expected {\"jobs\": [...]}, {\"count\": N, \"items\": [...]} or an array of jobs"
                    .into(),
            )),
        },
        _ => return Err(fail(None, "expected an array of jobs".into())),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(o) => Ok(RawJob {
                line: None,
                fields: o.into_iter().map(|(k, v)| (k, v, None)).collect(),
            }),
            _ => Err(fail(None, format!("job #{} is not an object", i + 1))),
        })
        .collect()
}

/// Builds the `params` object of a job from a JSON map (for tests and tools).
pub fn params_object(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;

    fn load_text(name: &str, text: &str) -> Result<Vec<Job>> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        load(&p).map_err(|e| match e {
            // Show paths relative to the temp dir in assertions.
            Error::ConfigList(list) => {
                Error::ConfigList(list.into_iter().map(|e| strip(e, dir.path())).collect())
            }
            e => strip(e, dir.path()),
        })
    }

    fn strip(e: Error, dir: &Path) -> Error {
        match e {
            Error::Config {
                path,
                line,
                message,
            } => Error::Config {
                path: path.strip_prefix(dir).unwrap_or(&path).to_path_buf(),
                line,
                message,
            },
            e => e,
        }
    }

    const GOOD: &str = r#"
[[job]]
id = "daily-queues"
schedule_name = "Daily queue summary"
type = "QUEUESUMMARY"
format = "html"
cron_expr = "1 0 * * *"
time_zone = "Asia/Shanghai"
start_time = "2025-01-01T00:00:00+08:00"
recipients = "ops@example.com;lead@example.com"
catch_up = "all"
[job.params]
time_range = "YESTERDAY"
queues = { "8000" = 20, "8001" = 30 }

[[job]]
schedule_name = "Weekly calls: all"
type = "dailystatistics"
cron_expr = "2 1 * * 2"
timezone = "Europe/Paris"
active = false
"#;

    #[test]
    fn toml_jobs_with_defaults() {
        let jobs = load_text("jobs.toml", GOOD).unwrap();
        assert_eq!(jobs.len(), 2);
        let a = &jobs[0];
        assert_eq!(
            (a.id.as_str(), a.kind, a.format, a.catch_up),
            (
                "daily-queues",
                ReportKind::QueueSummary,
                Format::Html,
                CatchUp::All
            )
        );
        assert_eq!(
            a.params.queues,
            vec![("8000".into(), Some(20)), ("8001".into(), Some(30))]
        );
        let b = &jobs[1];
        assert_eq!(b.id, "weekly-calls-all", "a slug of the schedule name");
        assert_eq!(
            (b.format, b.active, b.tz, b.catch_up),
            (Format::Csv, false, Tz::Europe__Paris, CatchUp::Latest)
        );
    }

    #[test]
    fn the_api_job_list_shape() {
        let json = r#"{"count": 1, "items": [{"id": "7", "type": "CALLLOGS", "format": "CSV", "schedule_name": "Logs",
            "create_time": "2025-01-01T00:00:00Z", "cron_expr": "1 0 * * *", "active": true, "time_zone": "UTC",
            "recipients": "", "last_run_time": "2025-01-02T00:01:00Z",
            "params": {"status": "NONE", "direction": "NONE", "from": "", "to": "", "time_range": "YESTERDAY"}}]}"#;
        let jobs = load_text("jobs.json", json).unwrap();
        assert_eq!(jobs[0].id, "7");
        assert!(load_text(
            "jobs.json",
            r#"{"jobs": [{"id": "a", "type": "CALLLOGS", "cron_expr": "@daily"}]}"#
        )
        .is_ok());
        assert!(load_text(
            "jobs.json",
            r#"[{"id": "a", "type": "CALLLOGS", "cron_expr": "@daily"}]"#
        )
        .is_ok());
    }

    #[test]
    fn every_problem_at_once_with_lines() {
        let bad = r#"
[[job]]
id = "a"
type = "QUEUESUMMARY"
cron_expr = "0 0 0 * * *"
time_zon = "UTC"

[[job]]
id = "b"
type = "NOPE"
cron_expr = "1 0 * * *"
timezone = "Mars/Base"
[job.params]
sla = 20

[[job]]
id = "A"
type = "CALLLOGS"
cron_expr = "1 0 * * *"
"#;
        let e = load_text("jobs.toml", bad).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "5 problems", "{text}");
        assert!(lines.contains(&"  jobs.toml:6: job \"a\": field \"time_zon\": unknown field (fields are: id, schedule_name, type, format, cron_expr, time_zone, timezone, start_time, end_time, active, recipients, catch_up, params)"), "{text}");
        assert!(lines.contains(&"  jobs.toml:5: job \"a\": field \"cron_expr\": \"0 0 0 * * *\" has 6 fields; a cron expression has exactly 5 (minute hour day month weekday)"), "{text}");
        assert!(
            lines.iter().any(|l| l.starts_with(
                "  jobs.toml:10: job \"b\": field \"type\": unknown report type \"NOPE\""
            )),
            "{text}"
        );
        assert!(lines.contains(&"  jobs.toml:12: job \"b\": field \"timezone\": unknown time zone \"Mars/Base\" (use an IANA name such as Europe/Paris)"), "{text}");
        assert!(
            lines.contains(
                &"  jobs.toml:17: job \"A\": field \"id\": the id is used by an earlier job (ids are compared ignoring case)"
            ),
            "{text}"
        );
        let e = load_text("jobs.toml", "[[job]\n").unwrap_err();
        assert!(
            e.to_string().starts_with("jobs.toml:1: malformed job file"),
            "{e}"
        );
        let e = load_text("jobs.json", "{\"jobs\": [\n{\"id\": }]}").unwrap_err();
        assert!(
            e.to_string().starts_with("jobs.json:2: malformed job file"),
            "{e}"
        );
    }

    #[test]
    fn custom_ranges_need_from_and_to() {
        let t = "[[job]]\nid = \"c\"\ntype = \"CALLLOGS\"\ncron_expr = \"@daily\"\n[job.params]\ntime_range = \"CUSTOM\"\nfrom = \"2025-01-01T00:00:00Z\"\n";
        let e = load_text("jobs.toml", t).unwrap_err().to_string();
        assert!(
            e.contains("field \"params\": time_range CUSTOM needs \"from\" and \"to\""),
            "{e}"
        );
        assert_eq!(slug("  Daily Queue -- Summary!"), "daily-queue-summary");
    }

    // The schedule walk: due fires, catch-up and windows.

    fn job(toml: &str) -> Job {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.toml");
        std::fs::write(
            &p,
            format!("[[job]]\nid = \"j\"\ntype = \"CALLLOGS\"\ncron_expr = \"1 0 * * *\"\n{toml}"),
        )
        .unwrap();
        load(&p).unwrap().remove(0)
    }

    fn ts(s: &str) -> Ts {
        parse_rfc3339(s).unwrap()
    }

    /// The fires a run at `now` produces for a job whose data is all there: its owed fires,
    /// with `catch_up` applied as a run applies it (`plan::decide`).
    trait Due {
        fn due_fires(&self, last: Option<Ts>, now: Ts) -> Vec<Ts>;
    }

    impl Due for Job {
        fn due_fires(&self, last: Option<Ts>, now: Ts) -> Vec<Ts> {
            let jobs = [self.clone()];
            let owed = self
                .owed_fires(last, now)
                .into_iter()
                .map(|f| (0, f))
                .collect();
            let owed = crate::plan::periods(&jobs, owed, &mut Vec::new()).unwrap();
            let complete = crate::plan::Arrival::new(Vec::new(), Some(crate::time::MAX_TS));
            let (produce, _) = crate::plan::decide(&jobs, owed, &complete, true);
            produce.into_iter().map(|p| p.fire).collect()
        }
    }

    #[test]
    fn catch_up_after_downtime() {
        // Last ran on the 1st; three fires missed (2nd, 3rd, 4th) by a run on the 4th.
        let last = Some(ts("2025-10-01T00:01:00Z"));
        let now = ts("2025-10-04T08:00:00Z");
        assert_eq!(
            job("").due_fires(last, now),
            vec![ts("2025-10-04T00:01:00Z")]
        );
        let all = job("catch_up = \"all\"").due_fires(last, now);
        assert_eq!(
            all,
            vec![
                ts("2025-10-02T00:01:00Z"),
                ts("2025-10-03T00:01:00Z"),
                ts("2025-10-04T00:01:00Z")
            ]
        );
        // Run again at the same now: nothing new.
        assert!(job("catch_up = \"all\"")
            .due_fires(Some(ts("2025-10-04T00:01:00Z")), now)
            .is_empty());
        // Never run: only the latest fire.
        assert_eq!(
            job("catch_up = \"all\"").due_fires(None, now),
            vec![ts("2025-10-04T00:01:00Z")]
        );
    }

    #[test]
    fn windows_and_inactive_jobs() {
        let now = ts("2025-10-04T08:00:00Z");
        assert!(job("active = false").due_fires(None, now).is_empty());
        assert!(job("start_time = \"2025-10-05T00:00:00Z\"")
            .due_fires(None, now)
            .is_empty());
        let old = job("end_time = \"2025-01-01T00:00:00Z\"\ncatch_up = \"all\"");
        assert_eq!(
            old.due_fires(Some(ts("2024-12-30T00:01:00Z")), now),
            vec![ts("2024-12-31T00:01:00Z")]
        );
        // The end is exclusive: the last fire before it.
        let ended = job("end_time = \"2025-10-03T00:01:00Z\"");
        assert_eq!(ended.due_fires(None, now), vec![ts("2025-10-02T00:01:00Z")]);
        assert!(ended
            .due_fires(Some(ts("2025-10-02T00:01:00Z")), now)
            .is_empty());
    }
}
