//! Delivery of logged reports to their recipients (SPEC §6.2): through an SMTP server (lettre)
//! or into `OUT/_outbox/`, after the report is committed and logged, retried by later runs
//! until it is handed over, never sent twice by a rerun.

pub mod message;

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::output::{write_atomic, DeliveryStatus, LogEntry, ReportLog};

/// A dead or stalled server cannot hold a nightly run longer than this per message.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The outbox folder in `OUT`.
pub const OUTBOX: &str = "_outbox";

/// A password: shown as `***` by `Debug`, so it never reaches a log or an error by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a password.
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// None (`smtp://`): a local relay.
    None,
    /// STARTTLS, required (`smtp://…?tls=starttls`).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// `--smtp URL`: `smtp://[user@]host[:port][?tls=starttls]` or `smtps://[user@]host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    /// Security.
    pub tls: Tls,
    /// Server name or address.
    pub host: String,
    /// Port (default 25, 587 with STARTTLS, 465 for smtps).
    pub port: u16,
    /// The user name for AUTH (percent-decoded).
    pub user: Option<String>,
}

impl SmtpUrl {
    /// Parses the URL. The message never repeats the URL: it might hold a password.
    pub fn parse(url: &str) -> std::result::Result<SmtpUrl, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or("--smtp: expected smtp://host:port or smtps://host:port")?;
        let (authority, query) = match rest.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (rest, None),
        };
        let authority = authority.strip_suffix('/').unwrap_or(authority);
        let tls = match (scheme, query) {
            ("smtp", None) => Tls::None,
            ("smtp", Some("tls=starttls")) => Tls::StartTls,
            ("smtps", None) => Tls::Implicit,
            ("smtp" | "smtps", Some(_)) => {
                return Err("--smtp: the only query is ?tls=starttls (on smtp://)".into())
            }
            _ => return Err("--smtp: the scheme must be smtp:// or smtps://".into()),
        };
        let (user, host_port) = match authority.rsplit_once('@') {
            Some((user, hp)) => {
                if user.contains(':') {
                    return Err("--smtp: the URL must not hold a password; give it in \
                                PBX_REPORT_SMTP_PASSWORD"
                        .into());
                }
                (Some(percent_decode(user)?), hp)
            }
            None => (None, authority),
        };
        let default_port = match tls {
            Tls::None => 25,
            Tls::StartTls => 587,
            Tls::Implicit => 465,
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("--smtp: \"{p}\" is not a port"))?,
            ),
            _ => (host_port, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', ' ']) {
            return Err("--smtp: the URL has no host".into());
        }
        Ok(SmtpUrl {
            tls,
            host: host.to_string(),
            port,
            user,
        })
    }
}

fn percent_decode(s: &str) -> std::result::Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("--smtp: a bad %-escape in the user name")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "--smtp: the user name is not UTF-8".into())
}

/// How messages leave: `--smtp`, `--mail-from`, `--mail-max-bytes` and the password.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The SMTP server; `None`: the outbox.
    pub smtp: Option<SmtpUrl>,
    /// `PBX_REPORT_SMTP_PASSWORD`.
    pub password: Option<Secret>,
    /// The sender.
    pub from: Mailbox,
    /// Attach reports up to this size.
    pub max_bytes: u64,
}

impl MailConfig {
    /// The settings, checked: a user needs a password and an address must parse.
    pub fn new(
        smtp: Option<&str>,
        password: Option<String>,
        from: &str,
        max_bytes: u64,
    ) -> Result<MailConfig> {
        let smtp = smtp
            .filter(|s| !s.is_empty())
            .map(SmtpUrl::parse)
            .transpose()
            .map_err(Error::Usage)?;
        let password = password.filter(|p| !p.is_empty()).map(Secret);
        if smtp.as_ref().is_some_and(|s| s.user.is_some()) && password.is_none() {
            return Err(Error::usage(
                "--smtp names a user but PBX_REPORT_SMTP_PASSWORD is not set",
            ));
        }
        let from = crate::jobs::check_recipients(from)
            .ok()
            .filter(|a| a.len() == 1)
            .and_then(|a| a[0].parse::<Mailbox>().ok())
            .ok_or_else(|| {
                Error::usage(format!(
                    "--mail-from: \"{}\" is not an e-mail address (local@domain)",
                    from.escape_default()
                ))
            })?;
        Ok(MailConfig {
            smtp,
            password,
            from,
            max_bytes,
        })
    }

    /// The server as `host:port`, for messages.
    fn server(&self) -> String {
        self.smtp
            .as_ref()
            .map_or_else(String::new, |s| format!("{}:{}", s.host, s.port))
    }

    fn transport(&self) -> std::result::Result<Option<SmtpTransport>, String> {
        let Some(url) = &self.smtp else {
            return Ok(None);
        };
        let builder = match url.tls {
            Tls::None => SmtpTransport::builder_dangerous(&url.host),
            Tls::StartTls => SmtpTransport::starttls_relay(&url.host).map_err(|e| e.to_string())?,
            Tls::Implicit => SmtpTransport::relay(&url.host).map_err(|e| e.to_string())?,
        };
        let mut builder = builder.port(url.port).timeout(Some(SMTP_TIMEOUT));
        if let (Some(user), Some(Secret(password))) = (&url.user, &self.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Some(builder.build()))
    }

    /// An error text with the password taken out, should a server or library ever echo it.
    fn scrub(&self, text: String) -> String {
        match &self.password {
            Some(Secret(p)) if p.len() >= 3 => text.replace(p.as_str(), "***"),
            _ => text,
        }
    }
}

/// One attempt: the transport (or the outbox), made once per command.
struct Sender<'a> {
    mail: &'a MailConfig,
    smtp: Option<SmtpTransport>,
}

impl<'a> Sender<'a> {
    fn new(mail: &'a MailConfig) -> std::result::Result<Sender<'a>, String> {
        Ok(Sender {
            mail,
            smtp: mail.transport()?,
        })
    }

    /// Sends (or queues) `entry`'s report; the status it reached, or the error.
    fn send(
        &self,
        out: &Path,
        entry: &LogEntry,
        resend: Option<u32>,
    ) -> std::result::Result<DeliveryStatus, String> {
        let report = logged_file(out, entry)?;
        let to = crate::jobs::check_recipients(&entry.recipients)?;
        let letter = message::Letter {
            entry,
            to: &to,
            report: &report,
            location: out.join(&entry.file_url).display().to_string(),
            from: &self.mail.from,
            max_bytes: self.mail.max_bytes,
            resend,
        };
        let msg = letter.build()?;
        match &self.smtp {
            Some(t) => t.send(&msg).map(|_| DeliveryStatus::Sent).map_err(|e| {
                self.mail
                    .scrub(format!("SMTP server {}: {e}", self.mail.server()))
            }),
            None => {
                let name = match resend {
                    None => format!("{}.eml", entry.id),
                    Some(n) => format!("{}-{n}.eml", entry.id),
                };
                write_atomic(&out.join(OUTBOX).join(name), &msg.formatted())
                    .map(|()| DeliveryStatus::Queued)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// The logged report's bytes, when its sha256 is still the logged one: a changed file is never
/// sent in place of the report that was logged.
fn logged_file(out: &Path, entry: &LogEntry) -> std::result::Result<Vec<u8>, String> {
    let path = crate::commands::logs::inside(out, &entry.file_url).ok_or_else(|| {
        format!(
            "the logged file {} is not inside {}",
            entry.file_url.escape_default(),
            out.display()
        )
    })?;
    let bytes = std::fs::read(&path).map_err(|e| Error::read(&path, e).to_string())?;
    let sha = crate::output::hex(&Sha256::digest(&bytes));
    if sha != entry.sha256 {
        return Err(format!(
            "{} no longer matches the sha256 in the report log (it changed after it was \
             written); not sent: restore it, or `logs delete` the entry to produce it again",
            path.display()
        ));
    }
    Ok(bytes)
}

/// What a delivery pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    /// Handed to the server or the outbox.
    pub done: usize,
    /// Failed (and stay owed).
    pub failed: usize,
}

/// Delivers every owed entry of the log (pending, or failed before), oldest first, each
/// result journaled at once. Prints one line per message on `out`, one per failure on `err`.
pub fn deliver_owed(
    out_dir: &Path,
    log: &mut ReportLog,
    mail: &MailConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Delivered> {
    let owed: Vec<LogEntry> = log
        .entries()
        .into_iter()
        .filter(|e| e.delivery.owed())
        .cloned()
        .collect();
    let mut result = Delivered::default();
    if owed.is_empty() {
        return Ok(result);
    }
    let sender = Sender::new(mail);
    for mut entry in owed {
        let outcome = match &sender {
            Ok(s) => s.send(out_dir, &entry, None),
            Err(e) => Err(e.clone()),
        };
        let ok = record(&mut entry, outcome, out, err)?;
        if ok {
            result.done += 1;
        } else {
            result.failed += 1;
        }
        log.append(entry)?;
    }
    Ok(result)
}

/// `logs resend`: the entry's report to its logged recipients once more, on purpose.
pub fn resend(
    out_dir: &Path,
    log: &mut ReportLog,
    id: &str,
    mail: &MailConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<bool> {
    let mut entry =
        (log.get(id).cloned()).ok_or_else(|| crate::commands::logs::no_entry(out_dir, id))?;
    if entry.recipients.trim().is_empty() {
        return Err(Error::usage(format!(
            "report {id} ({}) has no recipients",
            entry.file_url
        )));
    }
    let attempt = entry.delivery.attempts + 1;
    let outcome = Sender::new(mail).and_then(|s| s.send(out_dir, &entry, Some(attempt)));
    let ok = record(&mut entry, outcome, out, err)?;
    log.append(entry)?;
    Ok(ok)
}

/// Enters an attempt's outcome in the entry and says it.
fn record(
    entry: &mut LogEntry,
    outcome: std::result::Result<DeliveryStatus, String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<bool> {
    let d = &mut entry.delivery;
    d.attempts += 1;
    match outcome {
        Ok(status) => {
            d.status = status;
            d.error = None;
            let what = if status == DeliveryStatus::Sent {
                format!("mailed {} to {}", entry.file_url, entry.recipients)
            } else {
                format!(
                    "queued {} for {} in {OUTBOX}/",
                    entry.file_url, entry.recipients
                )
            };
            writeln!(out, "{what}").map_err(Error::stdout)?;
            Ok(true)
        }
        Err(e) => {
            writeln!(
                err,
                "error: delivery of {} to {} failed (attempt {}): {e}",
                entry.file_url, entry.recipients, d.attempts
            )
            .map_err(Error::stderr)?;
            d.status = DeliveryStatus::Failed;
            d.error = Some(e);
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (u.tls, u.host.as_str(), u.port, u.user),
            (Tls::None, "127.0.0.1", 2525, None)
        );
        let u =
            SmtpUrl::parse("smtp://reports%40example.com@mail.example.com?tls=starttls").unwrap();
        assert_eq!(
            (u.tls, u.host.as_str(), u.port, u.user.as_deref()),
            (
                Tls::StartTls,
                "mail.example.com",
                587,
                Some("reports@example.com")
            )
        );
        let u = SmtpUrl::parse("smtps://mail.example.com").unwrap();
        assert_eq!((u.tls, u.port), (Tls::Implicit, 465));
        for bad in [
            "mail.example.com",
            "http://x",
            "smtp://",
            "smtp://h:port",
            "smtps://h?tls=starttls",
        ] {
            assert!(SmtpUrl::parse(bad).is_err(), "{bad}");
        }
        // A password in the URL is refused without being repeated.
        let e = SmtpUrl::parse("smtp://u:hunter2@h:25").unwrap_err();
        assert!(
            !e.contains("hunter2") && e.contains("PBX_REPORT_SMTP_PASSWORD"),
            "{e}"
        );
    }

    #[test]
    fn a_password_is_never_shown() {
        let c = MailConfig::new(
            Some("smtp://u@h:25"),
            Some("hunter2".into()),
            "pbx-report@localhost",
            10,
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(
            c.scrub("535 bad password hunter2".into()),
            "535 bad password ***"
        );
        let e = MailConfig::new(Some("smtp://u@h:25"), None, "a@b", 10).unwrap_err();
        assert!(e.to_string().contains("PBX_REPORT_SMTP_PASSWORD"));
        assert!(MailConfig::new(None, None, "a@b\r\nBcc: c@d", 10).is_err());
    }
}
