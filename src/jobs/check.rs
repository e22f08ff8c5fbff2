//! The field rules of a job (SPEC §5.1): each field read and checked, every problem collected
//! with its job, field and line; ids that stay inside the output directory; recipients that are
//! addresses.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono_tz::Tz;
use serde_json::Value;

use super::{CatchUp, Job, RawJob, FIELDS, READ_ONLY_FIELDS};
use crate::error::{Error, Result};
use crate::render::Format;
use crate::reports::params::{self, Params, RawParams, TimeRange};
use crate::reports::ReportKind;
use crate::schedule::Schedule;
use crate::time::{parse_instant, parse_zone};

/// A slug of a schedule name: ASCII letters and digits in lower case, runs of anything else as
/// one `-` (so the slug is a valid job id whenever it is not empty).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-')
        .chars()
        .take(MAX_ID)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// The longest job id.
const MAX_ID: usize = 100;

/// Checks a job id (SPEC §5.1): it names a folder in `OUT`, so it is at most 100 characters of
/// `A-Z a-z 0-9 _ -` starting with a letter or digit — never `..`, `/etc`, a dot file or a name
/// the program keeps in `OUT` (those start with `.` or `_`).
pub fn check_id(id: &str) -> std::result::Result<(), String> {
    let ok = id.len() <= MAX_ID
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a job id: at most {MAX_ID} characters of A-Z a-z 0-9 _ -, starting with a \
             letter or digit (an id names a folder in the output directory)",
            id.escape_default()
        ))
    }
}

/// Checks `recipients` (SPEC §5.1): `;`-separated `local@domain` addresses, spaces around them
/// ignored, empty for none. Nothing that could end a mail header (CR, LF) or hide a second
/// address passes.
pub fn check_recipients(text: &str) -> std::result::Result<Vec<String>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(';')
        .map(|a| {
            let a = a.trim();
            let valid = a.split_once('@').is_some_and(|(local, domain)| {
                let local_ok = !local.is_empty()
                    && local
                        .bytes()
                        .all(|b| b.is_ascii_graphic() && !b"<>()[]\\,;:\"@".contains(&b));
                let domain_ok = !domain.is_empty()
                    && !domain.starts_with(['.', '-'])
                    && !domain.ends_with(['.', '-'])
                    && !domain.contains("..")
                    && domain
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
                local_ok && domain_ok
            });
            if valid {
                Ok(a.to_string())
            } else {
                Err(format!(
                    "\"{}\" is not an e-mail address (local@domain)",
                    a.escape_default()
                ))
            }
        })
        .collect()
}

/// Checks every job of a file; all problems at once.
pub(super) fn check(path: &Path, raw: Vec<RawJob>) -> Result<Vec<Job>> {
    let mut errors = Vec::new();
    let mut jobs = Vec::new();
    let mut ids = HashSet::new();
    for (n, r) in raw.into_iter().enumerate() {
        let Checked { id, id_line, job } = check_job(path, n, r);
        // Ids equal but for case would share a folder on a case-insensitive disk.
        if !id.is_empty() && !ids.insert(id.to_ascii_lowercase()) {
            errors.push(Error::Config {
                path: path.to_path_buf(),
                line: id_line,
                message: format!(
                    "job \"{id}\": field \"id\": the id is used by an earlier job (ids are \
                     compared ignoring case)"
                ),
            });
        }
        match job {
            Ok(job) => jobs.push(job),
            Err(mut list) => errors.append(&mut list),
        }
    }
    match <[Error; 1]>::try_from(errors) {
        Ok([one]) => Err(one),
        Err(errors) if errors.is_empty() => Ok(jobs),
        Err(errors) => Err(Error::ConfigList(errors)),
    }
}

fn text(v: &Value) -> std::result::Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        _ => Err("expected a string".into()),
    }
}

/// One job's fields as written, read one at a time; every problem is collected with the line
/// of its field, so a file's problems are all reported at once.
struct Fields<'p> {
    path: &'p Path,
    /// How messages name the job (its id, or `#N`).
    label: String,
    /// The job's own line, for a field that is missing.
    line: Option<u64>,
    fields: BTreeMap<String, (Value, Option<u64>)>,
    errors: Vec<Error>,
}

impl Fields<'_> {
    /// A field's value (null counts as absent).
    fn get(&self, key: &str) -> Option<&Value> {
        self.fields
            .get(key)
            .map(|(v, _)| v)
            .filter(|v| !v.is_null())
    }

    /// Records a problem with a field.
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        let line = self.fields.get(field).and_then(|(_, l)| *l).or(self.line);
        self.errors.push(Error::Config {
            path: self.path.to_path_buf(),
            line,
            message: format!(
                "job \"{}\": field \"{field}\": {}",
                self.label,
                message.into()
            ),
        });
    }

    /// A text field read by `parse`: `None` when absent, or when bad (the problem recorded).
    fn optional<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        let value = text(self.get(key)?).and_then(|t| parse(&t));
        value.map_err(|e| self.fail(key, e)).ok()
    }

    /// A text field that must be there.
    fn required<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        if self.get(key).is_none() {
            self.fail(key, "is required");
            return None;
        }
        self.optional(key, parse)
    }

    /// A text field with a default when absent (a bad value is recorded; the job is then
    /// refused, so the default stands in only for reading on).
    fn or<T>(
        &mut self,
        key: &str,
        default: T,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> T {
        self.optional(key, parse).unwrap_or(default)
    }
}

/// One job checked: its id (possibly derived) and the line of its `id` field even when the job
/// has other problems, so duplicate ids are found among those too.
struct Checked {
    id: String,
    id_line: Option<u64>,
    job: std::result::Result<Job, Vec<Error>>,
}

fn check_job(path: &Path, n: usize, r: RawJob) -> Checked {
    let fields: BTreeMap<String, (Value, Option<u64>)> =
        r.fields.into_iter().map(|(k, v, l)| (k, (v, l))).collect();
    let id_line = fields.get("id").and_then(|(_, l)| *l).or(r.line);
    let mut f = Fields {
        path,
        label: String::new(),
        line: r.line,
        fields,
        errors: Vec::new(),
    };
    let schedule_name = f
        .get("schedule_name")
        .and_then(|v| text(v).ok())
        .unwrap_or_default();
    let id = match f.get("id") {
        Some(v) => text(v).unwrap_or_default(),
        None => slug(&schedule_name),
    };
    f.label = if id.is_empty() {
        format!("#{}", n + 1)
    } else {
        id.clone()
    };
    let unknown: Vec<String> = f
        .fields
        .keys()
        .filter(|k| !FIELDS.contains(&k.as_str()) && !READ_ONLY_FIELDS.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in unknown {
        f.fail(
            &k,
            format!("unknown field (fields are: {})", FIELDS.join(", ")),
        );
    }
    if id.is_empty() {
        f.fail("id", "a job needs an id or a schedule_name");
    } else if let Err(e) = check_id(&id) {
        f.fail("id", e);
    }
    if schedule_name.chars().any(char::is_control) {
        f.fail(
            "schedule_name",
            "must be one line of text (no control characters)",
        );
    }
    let kind = f.required("type", ReportKind::parse);
    let format = f.or("format", Format::Csv, Format::parse);
    let tz = zone(&mut f);
    // The expression is checked even when the zone is bad (in UTC then).
    let schedule = f.required("cron_expr", |e| {
        Schedule::parse(e, tz.unwrap_or(Tz::UTC)).map(|s| (e.to_string(), s))
    });
    let (start_time, end_time) = (
        f.optional("start_time", parse_instant),
        f.optional("end_time", parse_instant),
    );
    if let (Some(s), Some(e)) = (start_time, end_time) {
        if e <= s {
            f.fail("end_time", "is not after start_time");
        }
    }
    let active = match f.get("active") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            f.fail("active", "expected true or false");
            true
        }
    };
    let recipients = f.or("recipients", String::new(), |t| {
        check_recipients(t).map(|_| t.to_string())
    });
    let catch_up = f.or("catch_up", CatchUp::Latest, CatchUp::parse);
    let params = kind.and_then(|kind| job_params(&mut f, kind));
    let job = match (kind, schedule, tz, params) {
        (Some(kind), Some((cron_expr, schedule)), Some(tz), Some((params, warnings)))
            if f.errors.is_empty() =>
        {
            Ok(Job {
                id: id.clone(),
                schedule_name,
                kind,
                format,
                cron_expr,
                schedule,
                tz,
                start_time,
                end_time,
                active,
                recipients,
                catch_up,
                params,
                warnings,
            })
        }
        _ => {
            // A job's problems in the order of the file.
            let mut errors = f.errors;
            errors.sort_by_key(|e| match e {
                Error::Config { line, .. } => *line,
                _ => None,
            });
            Err(errors)
        }
    };
    Checked { id, id_line, job }
}

/// `time_zone` or its alias `timezone` (default UTC); `None` when bad.
fn zone(f: &mut Fields<'_>) -> Option<Tz> {
    match (f.get("time_zone").cloned(), f.get("timezone").cloned()) {
        (Some(a), Some(b)) if a != b => {
            f.fail("timezone", "time_zone and timezone disagree");
            None
        }
        (Some(_), _) => f.optional("time_zone", parse_zone),
        (None, Some(_)) => f.optional("timezone", parse_zone),
        (None, None) => Some(Tz::UTC),
    }
}

/// The job's `params`, checked against its report type (with their warnings).
fn job_params(f: &mut Fields<'_>, kind: ReportKind) -> Option<(Params, Vec<String>)> {
    let mut raw = RawParams::default();
    match f.get("params") {
        None => {}
        Some(Value::Object(o)) => raw.extend_json(o),
        Some(_) => f.fail("params", "expected a table of parameters"),
    }
    match params::parse(kind, &raw) {
        Ok((p, w)) => {
            if p.time_range == TimeRange::Custom {
                if p.from.is_none() || p.to.is_none() {
                    f.fail("params", "time_range CUSTOM needs \"from\" and \"to\"");
                } else if p.to <= p.from {
                    f.fail("params", "\"to\" is not after \"from\"");
                }
            }
            Some((p, w))
        }
        Err(e) => {
            f.fail("params", e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_inside_the_output_directory() {
        for bad in [
            "../../evil",
            "/etc",
            "..",
            ".",
            "report_log.json",
            "_outbox",
            "a/b",
            "",
            "é",
        ] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_id(&"a".repeat(101)).is_err());
        for good in ["daily-queues", "7", "Q_1", &"a".repeat(100)] {
            assert!(check_id(good).is_ok(), "{good:?}");
        }
        assert_eq!(slug("Chloé's  daily — queues!"), "chlo-s-daily-queues");
        assert_eq!(slug("…"), "");
    }

    #[test]
    fn recipients_are_addresses() {
        assert_eq!(
            check_recipients(" ops@example.com ; lead@mail.example.org"),
            Ok(vec![
                "ops@example.com".into(),
                "lead@mail.example.org".into()
            ])
        );
        assert_eq!(check_recipients("  "), Ok(vec![]));
        for bad in [
            "ops@",
            "a;b",
            "x@y\r\nBcc: z@evil",
            "@x.org",
            "a b@x.org",
            "a@x..org",
            "a@@x",
        ] {
            assert!(check_recipients(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_recipients("x@y\r\nBcc: z@evil").unwrap_err(),
            "\"x@y\\r\\nBcc: z@evil\" is not an e-mail address (local@domain)"
        );
    }
}
