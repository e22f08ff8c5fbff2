//! The one error type of the crate: every failure names what was being read and where.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Where in an input file a problem sits: a line (CSV, NDJSON) or a record (a JSON array).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Loc {
    /// A 1-based line number.
    Line(u64),
    /// A 1-based record number in a JSON array.
    Record(u64),
}

impl Loc {
    /// The location `lines` lines further down (a record number stays as it is: JSON files
    /// are read whole).
    pub fn down(self, lines: u64) -> Loc {
        match self {
            Loc::Line(n) => Loc::Line(n + lines),
            record => record,
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Line(n) => write!(f, ":{n}"),
            Loc::Record(n) => write!(f, ": record {n}"),
        }
    }
}

/// Everything that can stop a command. `Display` is the one line printed after `error: `.
#[derive(Debug)]
pub enum Error {
    /// Bad flags or parameters on the command line (exit 2).
    Usage(String),
    /// A bad configuration file: job file, params file, request body (exit 2).
    Config {
        /// The file.
        path: PathBuf,
        /// The line, where the format gives one.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// Several configuration problems reported at once (exit 2).
    ConfigList(Vec<Error>),
    /// The dataset directory is laid out in a way that cannot be read (exit 2).
    Layout(String),
    /// One invalid input row (exit 1).
    Row {
        /// The input file.
        path: PathBuf,
        /// The line or record.
        loc: Loc,
        /// The column.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// An input file that cannot be used as a whole, e.g. a missing column (exit 1).
    Data {
        /// The input file (or table directory).
        path: PathBuf,
        /// The line or record, where known.
        loc: Option<Loc>,
        /// What is wrong.
        message: String,
    },
    /// A report needs a table the dataset does not have (exit 1).
    MissingTable {
        /// The table.
        table: crate::model::TableName,
        /// Who needs it.
        needed_by: String,
    },
    /// An input file could not be read (exit 1).
    Read {
        /// The file.
        path: PathBuf,
        /// The line reached, where known.
        loc: Option<Loc>,
        /// The cause.
        source: io::Error,
    },
    /// The output directory is locked by another run (exit 3).
    Busy {
        /// The output directory.
        out: PathBuf,
        /// The holder's process id, when it could be read.
        holder: Option<u32>,
    },
    /// Some reports of a run failed (each was reported as it failed) (exit 1).
    JobsFailed(usize),
    /// Some deliveries failed (each was reported, and is retried by the next run) (exit 1).
    DeliveryFailed(usize),
    /// A directory the command needs is missing or cannot be listed (exit 1).
    Dir {
        /// The directory.
        path: PathBuf,
        /// What it is to the command (`dataset directory`).
        what: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// An output file could not be written (exit 1).
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

impl Error {
    /// Standard output could not be written (a closed pipe, a full disk).
    pub fn stdout(source: io::Error) -> Error {
        Error::Write {
            path: "<stdout>".into(),
            source,
        }
    }

    /// An input file could not be read.
    pub fn read(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Read {
            path: path.into(),
            loc: None,
            source,
        }
    }

    /// An output file could not be written.
    pub fn write(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Write {
            path: path.into(),
            source,
        }
    }

    /// A directory could not be listed (or is not one).
    pub fn dir(path: impl Into<PathBuf>, what: &'static str, source: io::Error) -> Error {
        Error::Dir {
            path: path.into(),
            what,
            source,
        }
    }

    /// Standard error could not be written.
    pub fn stderr(source: io::Error) -> Error {
        Error::Write {
            path: "<stderr>".into(),
            source,
        }
    }

    /// The error with its line `lines` further down: found by the reader of a part of a file,
    /// which numbers its lines from the part's start (`input::parts`).
    pub fn lines_down(mut self, lines: u64) -> Error {
        match &mut self {
            Error::Row { loc, .. } => *loc = loc.down(lines),
            Error::Data { loc: Some(loc), .. } | Error::Read { loc: Some(loc), .. } => {
                *loc = loc.down(lines)
            }
            _ => {}
        }
        self
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit code for this error: 2 for usage and configuration, 1 for data.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Config { .. } | Error::ConfigList(_) | Error::Layout(_) => 2,
            Error::Busy { .. } => 3,
            _ => 1,
        }
    }

    /// A usage error from anything printable.
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Layout(m) => f.write_str(m),
            Error::Config {
                path,
                line,
                message,
            } => match line {
                Some(n) => write!(f, "{}:{n}: {message}", path.display()),
                None => write!(f, "{}: {message}", path.display()),
            },
            Error::ConfigList(list) => {
                let n = list.len();
                write!(f, "{n} problem{}", if n == 1 { "" } else { "s" })?;
                for e in list {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
            Error::Row {
                path,
                loc,
                field,
                problem,
            } => {
                write!(f, "{}{loc}: field \"{field}\": {problem}", path.display())
            }
            Error::Data { path, loc, message } => match loc {
                Some(loc) => write!(f, "{}{loc}: {message}", path.display()),
                None => write!(f, "{}: {message}", path.display()),
            },
            Error::MissingTable { table, needed_by } => write!(
                f,
                "{needed_by} needs the \"{table}\" table, and the dataset has none \
                 (a file {table}.csv, .json, .ndjson or a directory {table}/)"
            ),
            // The operating system's reason is part of the one line (and not repeated as a
            // cause): `out/x.csv: cannot write: No space left on device (os error 28)`.
            Error::Read { path, loc, source } => match loc {
                Some(loc) => write!(f, "{}{loc}: cannot read: {source}", path.display()),
                None => write!(f, "{}: cannot read: {source}", path.display()),
            },
            Error::Dir { path, what, source } => {
                write!(f, "{}: cannot open the {what}: {source}", path.display())
            }
            Error::Write { path, source } => {
                write!(f, "{}: cannot write: {source}", path.display())
            }
            Error::Busy { out, holder } => {
                write!(f, "{} is in use by another pbx-report run", out.display())?;
                match holder {
                    Some(pid) => write!(f, " (pid {pid})"),
                    None => Ok(()),
                }?;
                f.write_str("; wait for it, or give --wait SECS")
            }
            Error::JobsFailed(n) => {
                write!(
                    f,
                    "{n} report{} failed (see above); the others were written",
                    if *n == 1 { "" } else { "s" }
                )
            }
            Error::DeliveryFailed(n) => {
                write!(
                    f,
                    "{n} deliver{} failed (see above and the report log's delivery.error); \
                     the next run tries again",
                    if *n == 1 { "y" } else { "ies" }
                )
            }
        }
    }
}

/// Every message is one line that already holds its cause: no error has a separate source.
impl std::error::Error for Error {}

/// Reads a configuration file (job file, params file, request body: `what`) as text; a failure
/// is a configuration error naming the file and the operating system's reason.
pub fn read_config_text(path: &std::path::Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot read the {what}: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_error_reads_like_the_spec() {
        let e = Error::Row {
            path: PathBuf::from("data/cdr.csv"),
            loc: Loc::Line(1532),
            field: "answered_at".into(),
            problem: "invalid timestamp \"12:30\"".into(),
        };
        assert_eq!(
            e.to_string(),
            "data/cdr.csv:1532: field \"answered_at\": invalid timestamp \"12:30\""
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn json_records_are_named_by_number() {
        let e = Error::Row {
            path: PathBuf::from("d/agents.json"),
            loc: Loc::Record(3),
            field: "agent_id".into(),
            problem: "is required".into(),
        };
        assert_eq!(
            e.to_string(),
            "d/agents.json: record 3: field \"agent_id\": is required"
        );
    }

    #[test]
    fn io_errors_carry_the_os_reason_in_their_one_line() {
        let full = io::Error::from_raw_os_error(28);
        let e = Error::write("out/x.csv", full);
        assert_eq!(
            e.to_string(),
            "out/x.csv: cannot write: No space left on device (os error 28)"
        );
        assert!(std::error::Error::source(&e).is_none(), "printed once");
        let e = Error::dir("nope", "dataset directory", io::Error::from_raw_os_error(2));
        assert_eq!(
            e.to_string(),
            "nope: cannot open the dataset directory: No such file or directory (os error 2)"
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn usage_and_config_exit_2() {
        assert_eq!(Error::usage("x").exit_code(), 2);
        assert_eq!(Error::Layout("x".into()).exit_code(), 2);
    }
}
