//! The e-mail of one logged report (SPEC §6.2), built with lettre's MIME builder: the same
//! entry and file always give the same bytes (MIME boundaries and Message-ID from the log id,
//! the Date from the fire time; no random or clock value).

use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset, NaiveTime};
use chrono_tz::Tz;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};

use crate::output::LogEntry;
use crate::reports::spec::Figure;
use crate::reports::table::Cell;
use crate::time::{format_rfc3339, Ts};

/// What the message's text part states about a report, one line each: the period, the zone,
/// the rows and the report's headline figures (`SLA: 85.00 %`), values as in the CSV.
pub fn summary(from: Ts, to: Ts, tz: Tz, rows: u64, figures: &[Figure]) -> Vec<String> {
    let mut lines = vec![
        format!(
            "Period: {} to {}",
            format_rfc3339(from, tz),
            format_rfc3339(to, tz)
        ),
        format!("Time zone: {}", tz.name()),
        format!("Rows: {rows}"),
    ];
    for f in figures {
        let value = f.value.render(tz);
        let unit = match f.value {
            Cell::Pct(_) => " %",
            Cell::Secs(_) => " s",
            _ => "",
        };
        lines.push(if value.is_empty() {
            format!("{}: none", f.label)
        } else {
            format!("{}: {value}{unit}", f.label)
        });
    }
    lines
}

/// One message to build.
pub struct Letter<'a> {
    /// The logged report.
    pub entry: &'a LogEntry,
    /// Its recipients (checked addresses).
    pub to: &'a [String],
    /// The report file's bytes (its sha256 checked against the log).
    pub report: &'a [u8],
    /// Where the file is, for a report too large to attach.
    pub location: String,
    /// The sender.
    pub from: &'a Mailbox,
    /// Attach only up to this size.
    pub max_bytes: u64,
    /// `None` for the delivery; `Some(n)` for the n-th attempt of `logs resend` (its own
    /// Message-ID, so the copy is not taken for the first).
    pub resend: Option<u32>,
}

impl Letter<'_> {
    /// The message, or why it cannot be made (an address lettre refuses).
    pub fn build(&self) -> Result<Message, String> {
        let e = self.entry;
        let id = match self.resend {
            None => e.id.clone(),
            Some(n) => format!("{}-{n}", e.id),
        };
        let mut b = Message::builder()
            .from(self.from.clone())
            .subject(subject(e))
            .date(fire_time(e))
            .message_id(Some(format!("<{id}@pbx-report>")));
        for to in self.to {
            let mailbox: Mailbox = to
                .parse()
                .map_err(|err| format!("recipient \"{to}\": {err}"))?;
            b = b.to(mailbox);
        }
        let attached = self.report.len() as u64 <= self.max_bytes;
        let text = SinglePart::plain(self.text(attached));
        let html = e.format == "HTML" && attached;
        let body = if html {
            let page = String::from_utf8_lossy(self.report).into_owned();
            MultiPart::alternative()
                .boundary(format!("alt-{id}"))
                .singlepart(text)
                .singlepart(SinglePart::html(page))
        } else if attached {
            MultiPart::mixed()
                .boundary(format!("mix-{id}"))
                .singlepart(text)
                .singlepart(self.attachment())
        } else {
            return b.singlepart(text).map_err(|err| err.to_string());
        };
        let message = if html {
            b.multipart(
                MultiPart::mixed()
                    .boundary(format!("mix-{id}"))
                    .multipart(body)
                    .singlepart(self.attachment()),
            )
        } else {
            b.multipart(body)
        };
        message.map_err(|err| err.to_string())
    }

    fn attachment(&self) -> SinglePart {
        let media = match self.entry.format.as_str() {
            "HTML" => "text/html; charset=utf-8",
            "XLSX" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _ => "text/csv; charset=utf-8",
        };
        let media = ContentType::parse(media).unwrap_or(ContentType::TEXT_PLAIN);
        Attachment::new(self.entry.report_name.clone()).body(self.report.to_vec(), media)
    }

    /// The text part: what the report is, its figures, and where the file is.
    fn text(&self, attached: bool) -> String {
        let e = self.entry;
        let mut t = format!("{} ({})\n\n", e.schedule_name, e.kind);
        for line in &e.delivery.summary {
            t.push_str(line);
            t.push('\n');
        }
        t.push('\n');
        if attached {
            t.push_str(&format!("The report is attached: {}\n", e.report_name));
        } else {
            t.push_str(&format!(
                "The report ({} bytes) is over the attachment limit of {} bytes and is not \
                 attached. It is at {}\n",
                self.report.len(),
                self.max_bytes,
                self.location
            ));
        }
        t.push_str("\n-- \nSent by pbx-report for the scheduled job \"");
        t.push_str(&e.report_id);
        t.push_str("\".\n");
        t
    }
}

/// `<schedule_name>: <TYPE> <period in words>`.
pub fn subject(e: &LogEntry) -> String {
    format!("{}: {} {}", e.schedule_name, e.kind, period_in_words(e))
}

/// The period as a reader says it, in the job's local time: `Tue 4 Nov 2025`,
/// `Tue 28 Oct 2025 to Mon 3 Nov 2025` (whole days, the last one included), else
/// `Tue 4 Nov 2025 00:00 to 04:00`.
fn period_in_words(e: &LogEntry) -> String {
    let (Ok(from), Ok(to)) = (
        DateTime::parse_from_rfc3339(&e.start_time),
        DateTime::parse_from_rfc3339(&e.end_time),
    ) else {
        return format!("{} to {}", e.start_time, e.end_time);
    };
    let day = |t: &DateTime<FixedOffset>| t.format("%a %-d %b %Y").to_string();
    let midnight = |t: &DateTime<FixedOffset>| t.time() == NaiveTime::MIN;
    if midnight(&from) && midnight(&to) {
        let last = to.date_naive().pred_opt().unwrap_or(to.date_naive());
        if last == from.date_naive() {
            return day(&from);
        }
        return format!("{} to {}", day(&from), last.format("%a %-d %b %Y"));
    }
    if from.date_naive() == to.date_naive() {
        return format!(
            "{} {} to {}",
            day(&from),
            from.format("%H:%M"),
            to.format("%H:%M")
        );
    }
    format!(
        "{} {} to {} {}",
        day(&from),
        from.format("%H:%M"),
        day(&to),
        to.format("%H:%M")
    )
}

/// The fire time (the log's `create_time`) as the message's Date.
fn fire_time(e: &LogEntry) -> SystemTime {
    let secs = e.fire().unwrap_or(0);
    if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        SystemTime::UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Delivery, DeliveryStatus};

    fn entry(start: &str, end: &str, format: &str) -> LogEntry {
        LogEntry {
            id: "0123456789abcdef".into(),
            report_id: "daily".into(),
            schedule_name: "Daily queues".into(),
            report_name: "QUEUESUMMARY_x.csv".into(),
            kind: "QUEUESUMMARY".into(),
            format: format.into(),
            file_url: "daily/QUEUESUMMARY_x.csv".into(),
            create_time: "2025-11-05T06:00:00-05:00".into(),
            finish_time: "2025-11-05T06:00:00-05:00".into(),
            recipients: "ops@example.com".into(),
            start_time: start.into(),
            end_time: end.into(),
            sha256: String::new(),
            rows: 2,
            delivery: Delivery {
                status: DeliveryStatus::Pending,
                attempts: 0,
                error: None,
                summary: vec!["Rows: 2".into()],
            },
        }
    }

    #[test]
    fn the_period_in_words() {
        let words = |a, b| period_in_words(&entry(a, b, "CSV"));
        assert_eq!(
            words("2025-11-04T00:00:00-05:00", "2025-11-05T00:00:00-05:00"),
            "Tue 4 Nov 2025"
        );
        assert_eq!(
            words("2025-10-28T00:00:00-04:00", "2025-11-04T00:00:00-05:00"),
            "Tue 28 Oct 2025 to Mon 3 Nov 2025"
        );
        assert_eq!(
            words("2025-11-04T00:00:00-05:00", "2025-11-04T04:00:00-05:00"),
            "Tue 4 Nov 2025 00:00 to 04:00"
        );
        assert_eq!(
            words("2025-11-04T22:00:00-05:00", "2025-11-05T02:00:00-05:00"),
            "Tue 4 Nov 2025 22:00 to Wed 5 Nov 2025 02:00"
        );
    }

    #[test]
    fn figures_read_as_in_the_csv_with_their_unit() {
        let lines = summary(
            0,
            86_400,
            chrono_tz::UTC,
            3,
            &[
                Figure::count("Offered", 1234),
                Figure::new("SLA", Cell::Pct(8550)),
                Figure::new("ASA", Cell::Secs(12)),
                Figure::new("Max wait", Cell::Empty),
            ],
        );
        assert_eq!(
            lines,
            [
                "Period: 1970-01-01T00:00:00+00:00 to 1970-01-02T00:00:00+00:00",
                "Time zone: UTC",
                "Rows: 3",
                "Offered: 1234",
                "SLA: 85.50 %",
                "ASA: 12 s",
                "Max wait: none",
            ]
        );
    }

    #[test]
    fn the_same_entry_gives_the_same_bytes_and_a_large_report_stays_home() {
        let e = entry(
            "2025-11-04T00:00:00-05:00",
            "2025-11-05T00:00:00-05:00",
            "CSV",
        );
        let from: Mailbox = "pbx-report@localhost".parse().unwrap();
        let to = vec!["ops@example.com".to_string()];
        let letter = |max_bytes| Letter {
            entry: &e,
            to: &to,
            report: b"queue,offered\nTOTAL,3\n",
            location: "reports/daily/QUEUESUMMARY_x.csv".into(),
            from: &from,
            max_bytes,
            resend: None,
        };
        let a = letter(100).build().unwrap().formatted();
        assert_eq!(a, letter(100).build().unwrap().formatted());
        let text = String::from_utf8(a).unwrap();
        assert!(text.contains("Subject: Daily queues: QUEUESUMMARY Tue 4 Nov 2025\r\n"));
        assert!(text.contains("Message-ID: <0123456789abcdef@pbx-report>\r\n"));
        assert!(text.contains("filename=\"QUEUESUMMARY_x.csv\""), "{text}");
        let small = String::from_utf8(letter(5).build().unwrap().formatted()).unwrap();
        assert!(!small.contains("filename="));
        assert!(
            small.contains("is over the attachment limit of 5 bytes"),
            "{small}"
        );
    }
}
