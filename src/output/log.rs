//! The report log (SPEC §6): `OUT/report_log.json`, kept current as reports complete. Each
//! entry is appended to a journal (`OUT/.report_log.journal`, one JSON line) the moment its
//! report is committed, and the journal is folded into the log (written atomically) at the end
//! of a run and at the start of the next, so a long catch-up costs time linear in its reports
//! and a killed run loses no logged report.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::jobs::Job;
use crate::output::{file_url, log_id, report_name, write_atomic};
use crate::time::{format_rfc3339, Ts};

/// One item of the report log: the seed's report-log fields plus `sha256`, `rows` and
/// `delivery`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Hash of job id and period.
    pub id: String,
    /// The job id.
    pub report_id: String,
    /// The job's schedule name.
    pub schedule_name: String,
    /// The file name.
    pub report_name: String,
    /// The report type.
    #[serde(rename = "type")]
    pub kind: String,
    /// CSV or HTML.
    pub format: String,
    /// Path relative to the output directory.
    pub file_url: String,
    /// The fire time (RFC 3339, job zone).
    pub create_time: String,
    /// The fire time too: the wall clock is never recorded.
    pub finish_time: String,
    /// The job's recipients.
    pub recipients: String,
    /// Period start (RFC 3339, job zone).
    pub start_time: String,
    /// Period end (RFC 3339, job zone).
    pub end_time: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Data rows (TOTAL rows included, header excluded).
    pub rows: u64,
    /// The e-mail delivery to `recipients` (SPEC §6.2). An entry logged before delivery
    /// existed reads as `none`: old reports are not mailed out by an upgrade.
    #[serde(default)]
    pub delivery: Delivery,
}

/// Where a report's e-mail stands (SPEC §6.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// No recipients.
    #[default]
    None,
    /// Logged, not yet handed over.
    Pending,
    /// Written to `OUT/_outbox/`.
    Queued,
    /// Accepted by the SMTP server.
    Sent,
    /// The last attempt failed; the next run tries again.
    Failed,
}

/// A log entry's delivery: its status, the attempts made, the last error, and the lines the
/// message's text part states about the report (period, zone, rows, headline figures), kept
/// so a retry or a resend says what the first message would have said without recomputing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made (retries and resends included).
    pub attempts: u32,
    /// The last attempt's error (the server's answer), when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The message's lines about the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summary: Vec<String>,
}

impl Delivery {
    /// Still owed: pending, or failed last time.
    pub fn owed(&self) -> bool {
        matches!(
            self.status,
            DeliveryStatus::Pending | DeliveryStatus::Failed
        )
    }
}

impl LogEntry {
    /// The entry for a job's report of `period` at `fire`, written with `sha256` and `rows`;
    /// `summary`: what its e-mail states about it (its delivery is pending when the job has
    /// recipients, `none` otherwise). Both times are the fire time: the wall clock never
    /// enters the log.
    pub fn new(
        job: &Job,
        fire: Ts,
        period: (Ts, Ts),
        sha256: String,
        rows: u64,
        summary: Vec<String>,
    ) -> LogEntry {
        let (from, to) = period;
        let when = format_rfc3339(fire, job.tz);
        LogEntry {
            id: log_id(&job.id, from, to),
            report_id: job.id.clone(),
            schedule_name: job.schedule_name.clone(),
            report_name: report_name(job, from, to),
            kind: job.kind.name().to_string(),
            format: job.format.name().to_string(),
            file_url: file_url(job, from, to),
            create_time: when.clone(),
            finish_time: when,
            recipients: job.recipients.clone(),
            start_time: format_rfc3339(from, job.tz),
            end_time: format_rfc3339(to, job.tz),
            sha256,
            rows,
            delivery: if job.recipients.trim().is_empty() {
                Delivery::default()
            } else {
                Delivery {
                    status: DeliveryStatus::Pending,
                    attempts: 0,
                    error: None,
                    summary,
                }
            },
        }
    }

    /// The fire time as an instant.
    pub fn fire(&self) -> Option<Ts> {
        crate::time::parse_rfc3339(&self.create_time)
    }
}

/// `OUT/report_log.json` and its journal.
#[derive(Debug)]
pub struct ReportLog {
    path: PathBuf,
    journal: PathBuf,
    /// Entries by id.
    entries: BTreeMap<String, LogEntry>,
    /// The journal, open for appending, once this run has logged a report.
    appending: Option<File>,
}

impl ReportLog {
    /// The log's path in an output directory.
    pub fn path_in(out: &Path) -> PathBuf {
        out.join("report_log.json")
    }

    /// Reads the log of an output directory and any journal a run left (empty when there is
    /// none yet). A journal line cut short by a crash is ignored: its report is produced again.
    pub fn load(out: &Path) -> Result<ReportLog> {
        let path = Self::path_in(out);
        let journal = out.join(".report_log.journal");
        let listed: Vec<LogEntry> = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Data {
                path: path.clone(),
                loc: Some(crate::error::Loc::Line(e.line() as u64)),
                message: format!(
                    "the report log is not valid: {e} (restore it, or move it away to start \
                     a new log; reports already written are then produced again)"
                ),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(Error::read(path, source)),
        };
        let mut entries: BTreeMap<String, LogEntry> =
            listed.into_iter().map(|e| (e.id.clone(), e)).collect();
        match fs::read(&journal) {
            Ok(bytes) => {
                for line in bytes.split_inclusive(|&b| b == b'\n') {
                    // Only whole lines count: the last one may have been cut by a kill.
                    let Some(line) = line.strip_suffix(b"\n") else {
                        break;
                    };
                    if let Ok(e) = serde_json::from_slice::<LogEntry>(line) {
                        entries.insert(e.id.clone(), e);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::read(journal, source)),
        }
        Ok(ReportLog {
            path,
            journal,
            entries,
            appending: None,
        })
    }

    /// The entries, sorted by create time then id.
    pub fn entries(&self) -> Vec<&LogEntry> {
        let mut v: Vec<&LogEntry> = self.entries.values().collect();
        v.sort_by(|a, b| a.fire().cmp(&b.fire()).then_with(|| a.id.cmp(&b.id)));
        v
    }

    /// The latest fire time logged for each job.
    pub fn last_fires(&self) -> BTreeMap<&str, Ts> {
        let mut out: BTreeMap<&str, Ts> = BTreeMap::new();
        for e in self.entries.values() {
            if let Some(f) = e.fire() {
                let last = out.entry(e.report_id.as_str()).or_insert(f);
                *last = (*last).max(f);
            }
        }
        out
    }

    /// An entry by id.
    pub fn get(&self, id: &str) -> Option<&LogEntry> {
        self.entries.get(id)
    }

    /// Logs a committed report: appended to the journal at once (replacing an entry with the
    /// same id when folded).
    pub fn append(&mut self, entry: LogEntry) -> Result<()> {
        let fail = |source| Error::write(&self.journal, source);
        if self.appending.is_none() {
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.journal)
                .map_err(fail)?;
            self.appending = Some(f);
        }
        let mut line = serde_json::to_vec(&entry).map_err(|e| fail(e.into()))?;
        line.push(b'\n');
        // One write per line: a kill leaves at most the last line cut short. A write that fails
        // part-way (a full disk) is cut back, so the next line starts on a line of its own.
        if let Some(f) = self.appending.as_mut() {
            let before = f.metadata().map_err(fail)?.len();
            if let Err(e) = f.write_all(&line) {
                let _ = f.set_len(before);
                return Err(fail(e));
            }
        }
        self.entries.insert(entry.id.clone(), entry);
        Ok(())
    }

    /// Removes an entry by id (`fold` writes the change).
    pub fn remove(&mut self, id: &str) -> Option<LogEntry> {
        self.entries.remove(id)
    }

    /// Writes every entry into `report_log.json` atomically, sorted by create time then id,
    /// and removes the journal it folded.
    pub fn fold(&mut self) -> Result<()> {
        let entries = self.entries();
        let mut bytes =
            serde_json::to_vec_pretty(&entries).map_err(|e| Error::write(&self.path, e.into()))?;
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes)?;
        self.appending = None;
        match fs::remove_file(&self.journal) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::write(&self.journal, source)),
        }
    }

    /// Is there a journal to fold?
    pub fn has_journal(&self) -> bool {
        self.journal.exists()
    }
}
