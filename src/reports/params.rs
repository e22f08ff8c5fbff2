//! Report parameters (SPEC §1 "Parameters", §4): read from `--param KEY=VALUE`, a JSON/TOML
//! params file or a job's `params` table, checked against the report type before any data is
//! read.

use serde_json::Value;

use crate::model::calls::Direction;
use crate::reports::ReportKind;
use crate::time::{parse_instant, Ts};

/// A value as given: command-line text, or a JSON value (TOML is converted to JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// `--param KEY=VALUE` text.
    Text(String),
    /// A value from a file.
    Json(Value),
}

/// Parameters as given, in order (a later key wins).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawParams(pub Vec<(String, RawValue)>);

/// Reads a params file: a JSON or (by extension `.toml`) TOML object of parameters.
pub fn read_file(path: &std::path::Path) -> Result<RawParams, crate::error::Error> {
    let fail = |line: Option<u64>, message: String| crate::error::Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = crate::error::read_config_text(path, "params file")?;
    let value: Value = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        let t: toml::Table = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].lines().count().max(1) as u64);
            fail(line, format!("malformed TOML: {}", e.message()))
        })?;
        serde_json::to_value(t).map_err(|e| fail(None, e.to_string()))?
    } else {
        serde_json::from_str(&text)
            .map_err(|e| fail(Some(e.line() as u64), format!("malformed JSON: {e}")))?
    };
    let Value::Object(obj) = value else {
        return Err(fail(None, "expected an object of parameters".into()));
    };
    let mut raw = RawParams::default();
    raw.extend_json(&obj);
    Ok(raw)
}

impl RawParams {
    /// Adds the entries of a JSON object.
    pub fn extend_json(&mut self, obj: &serde_json::Map<String, Value>) {
        for (k, v) in obj {
            self.0.push((k.clone(), RawValue::Json(v.clone())));
        }
    }

    /// Adds one `KEY=VALUE` argument.
    pub fn push_arg(&mut self, arg: &str) -> Result<(), String> {
        let (k, v) = arg
            .split_once('=')
            .ok_or_else(|| format!("--param \"{arg}\" is not KEY=VALUE"))?;
        self.0
            .push((k.trim().to_string(), RawValue::Text(v.to_string())));
        Ok(())
    }
}

/// `status`: which calls (or pairs) to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    /// All.
    #[default]
    Any,
    /// Answered only.
    Answered,
    /// Unanswered only.
    Unanswered,
}

impl Status {
    /// Keeps a call (or pair) with this answered flag?
    pub fn keeps(self, answered: bool) -> bool {
        match self {
            Status::Any => true,
            Status::Answered => answered,
            Status::Unanswered => !answered,
        }
    }
}

/// `granularity` of DAILYSTATISTICS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Granularity {
    /// One row per local day.
    #[default]
    Day,
    /// One row per real hour.
    Hour,
}

/// `time_range` of a job (SPEC §5.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimeRange {
    /// `[d 00:00, F)`.
    Today,
    /// `[d−1, d)`.
    #[default]
    Yesterday,
    /// The Monday–Sunday week before the week holding `d`.
    LastWeek,
    /// `[d−7, d)`.
    LastSevenDays,
    /// The previous calendar month.
    LastMonth,
    /// `[d−28, d)`.
    Last28Days,
    /// `params.from` .. `params.to`.
    Custom,
    /// From the previous scheduled fire time to this one.
    SinceLastRun,
}

/// The `extensions` set: `1000-2000;1600;2500-2600`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionSet {
    ranges: Vec<(u64, u64)>,
    exact: Vec<String>,
}

impl ExtensionSet {
    /// Reads the seed's form; items separated by `;` (or `,`), ranges with `-`.
    pub fn parse(text: &str) -> Result<ExtensionSet, String> {
        let mut set = ExtensionSet::default();
        for item in text
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match item.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (a.trim().parse::<u64>(), b.trim().parse::<u64>());
                    match (a, b) {
                        (Ok(a), Ok(b)) if a <= b => set.ranges.push((a, b)),
                        _ => return Err(format!("\"{item}\" is not a range of extension numbers")),
                    }
                }
                None => set.exact.push(item.to_string()),
            }
        }
        Ok(set)
    }

    /// True when the set names no extension (which means every extension).
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.exact.is_empty()
    }

    /// Is an extension in the set?
    pub fn contains(&self, ext: &str) -> bool {
        if self.exact.iter().any(|e| e == ext) {
            return true;
        }
        match ext.parse::<u64>() {
            Ok(n) if ext.bytes().all(|b| b.is_ascii_digit()) => {
                self.ranges.iter().any(|&(a, b)| a <= n && n <= b)
            }
            _ => false,
        }
    }
}

/// The default SPEEDOFACCEPT / ABANDONDELAY buckets.
pub const DEFAULT_STX: [i64; 10] = [5, 10, 15, 20, 30, 40, 50, 60, 90, 100];

/// Every parameter, typed. A report reads only its own; the rest keep their defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// `time_range` (jobs only).
    pub time_range: TimeRange,
    /// `from` (with `time_range = CUSTOM`).
    pub from: Option<Ts>,
    /// `to` (with `time_range = CUSTOM`).
    pub to: Option<Ts>,
    /// `tenants`: empty = all.
    pub tenants: Vec<i64>,
    /// `short_abandon_secs`: overrides the queues table; 0 disables.
    pub short_abandon_secs: Option<i64>,
    /// `extensions` (USERSTATISTICS).
    pub extensions: Option<ExtensionSet>,
    /// `status`.
    pub status: Status,
    /// `direction`: `None` = all.
    pub direction: Option<Direction>,
    /// `granularity`.
    pub granularity: Granularity,
    /// `caller` substring (CALLLOGS).
    pub caller: Option<String>,
    /// `callee` substring (CALLLOGS).
    pub callee: Option<String>,
    /// `agents` (agent ids; AGENT_SESSION_REPORT_RAW's `agentIds`).
    pub agents: Vec<String>,
    /// `queue` (AGENTSUMMARYACTIVITY).
    pub queue: Option<String>,
    /// `reason_code` (AGENTNOTREADYCODE).
    pub reason_code: Option<String>,
    /// `queues`: numbers, each with an SLA where given.
    pub queues: Vec<(String, Option<i64>)>,
    /// `ring_groups`.
    pub ring_groups: Vec<String>,
    /// `stx`: ten ascending bucket bounds.
    pub stx: [i64; 10],
    /// `agent_group_ids` (AGENT_SESSION_REPORT_RAW).
    pub agent_group_ids: Vec<String>,
    /// `agent_teams` (AGENT_SESSION_REPORT_RAW).
    pub agent_teams: Vec<String>,
    /// `csv_formula_guard`: free text starting like a formula gets a leading `'` in CSV.
    pub csv_formula_guard: bool,
    /// `sla_target_pct` in hundredths (queue reports; HTML only): an SLA % below it is marked.
    pub sla_target: i64,
    /// `abandon_target_pct` in hundredths (queue reports; HTML only): an abandon rate above it
    /// is marked.
    pub abandon_target: i64,
    /// `html_max_rows` (CALLLOGS, AGENTDETAILSACTIVITY, AGENT_SESSION_REPORT_RAW): the HTML page
    /// shows at most this many rows; CSV and XLSX always hold every row.
    pub html_max_rows: usize,
}

/// The default `sla_target_pct` (80 %), `abandon_target_pct` (5 %) and `html_max_rows`.
pub const DEFAULT_SLA_TARGET: i64 = 8000;
/// See `DEFAULT_SLA_TARGET`.
pub const DEFAULT_ABANDON_TARGET: i64 = 500;
/// See `DEFAULT_SLA_TARGET`.
pub const DEFAULT_HTML_MAX_ROWS: usize = 2000;

impl Default for Params {
    fn default() -> Self {
        Params {
            time_range: TimeRange::default(),
            from: None,
            to: None,
            tenants: Vec::new(),
            short_abandon_secs: None,
            extensions: None,
            status: Status::Any,
            direction: None,
            granularity: Granularity::Day,
            caller: None,
            callee: None,
            agents: Vec::new(),
            queue: None,
            reason_code: None,
            queues: Vec::new(),
            ring_groups: Vec::new(),
            stx: DEFAULT_STX,
            agent_group_ids: Vec::new(),
            agent_teams: Vec::new(),
            csv_formula_guard: true,
            sla_target: DEFAULT_SLA_TARGET,
            abandon_target: DEFAULT_ABANDON_TARGET,
            html_max_rows: DEFAULT_HTML_MAX_ROWS,
        }
    }
}

const COMMON: [&str; 4] = ["time_range", "from", "to", "tenants"];

/// The seed UI's names, read where the report has no parameter of that name.
const ALIASES: [(&str, &str); 7] = [
    ("extension_number", "extensions"),
    ("queue", "queues"),
    ("agent", "agents"),
    ("ring_group", "ring_groups"),
    ("agentIds", "agents"),
    ("agentGroupIds", "agent_group_ids"),
    ("agentTeams", "agent_teams"),
];

/// Checks and types the parameters of one report. Returns the parameters and warnings; an
/// unknown key or a bad value is an error naming the key.
pub fn parse(kind: ReportKind, raw: &RawParams) -> Result<(Params, Vec<String>), String> {
    let spec = kind.spec();
    let own = spec.params;
    let takes = |k: &str| {
        COMMON.contains(&k) || own.contains(&k) || (spec.csv_guard && k == "csv_formula_guard")
    };
    let mut p = Params::default();
    let mut warnings = Vec::new();
    for (key, value) in &raw.0 {
        let name: &str = if takes(key) {
            key
        } else if spec.ignored.contains(&key.as_str()) {
            // Accepted so a job list exported from the PBX runs.
            warnings.push(format!(
                "parameter \"{key}\" is ignored by {} (accepted for PBX job files)",
                kind.name()
            ));
            continue;
        } else if let Some(&(_, target)) = ALIASES.iter().find(|(a, t)| a == key && takes(t)) {
            target
        } else {
            let guard = spec.csv_guard.then_some("csv_formula_guard");
            let mut all: Vec<&str> = COMMON.iter().chain(own).copied().chain(guard).collect();
            all.sort_unstable();
            return Err(format!(
                "unknown parameter \"{key}\" for {} (it takes: {})",
                kind.name(),
                all.join(", ")
            ));
        };
        set(&mut p, name, value).map_err(|e| format!("parameter \"{key}\": {e}"))?;
    }
    Ok((p, warnings))
}

fn set(p: &mut Params, name: &str, v: &RawValue) -> Result<(), String> {
    // The PBX's own job export writes unused parameters as empty strings: not given.
    if matches!(v, RawValue::Json(Value::Null))
        || matches!(v, RawValue::Json(Value::String(s)) if s.trim().is_empty())
    {
        return Ok(());
    }
    match name {
        "time_range" => p.time_range = time_range(&scalar(v)?)?,
        "from" => p.from = Some(parse_instant(&scalar(v)?)?),
        "to" => p.to = Some(parse_instant(&scalar(v)?)?),
        "tenants" => {
            p.tenants = list(v)?
                .iter()
                .map(|t| integer(t))
                .collect::<Result<_, _>>()?
        }
        "short_abandon_secs" => {
            let n = integer(&scalar(v)?)?;
            if n < 0 {
                return Err("must not be negative".into());
            }
            p.short_abandon_secs = Some(n);
        }
        "csv_formula_guard" => {
            p.csv_formula_guard = match scalar(v)?.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                other => return Err(format!("\"{other}\" is not true or false")),
            }
        }
        // An empty list means "all", as everywhere else (`extensions=` or `[]`).
        "extensions" => {
            let set = ExtensionSet::parse(&list(v)?.join(";"))?;
            p.extensions = (!set.is_empty()).then_some(set);
        }
        "status" => {
            p.status = match enumeration(v)?.as_str() {
                "NONE" | "" => Status::Any,
                "ANSWERED" => Status::Answered,
                "UNANSWERED" | "NOT_ANSWERED" => Status::Unanswered,
                other => return Err(format!("\"{other}\" is not NONE, ANSWERED or UNANSWERED")),
            }
        }
        "direction" => {
            p.direction = match enumeration(v)?.as_str() {
                "NONE" | "" => None,
                "INBOUND" => Some(Direction::Inbound),
                "OUTBOUND" => Some(Direction::Outbound),
                "INTERNAL" => Some(Direction::Internal),
                other => {
                    return Err(format!(
                        "\"{other}\" is not NONE, INBOUND, OUTBOUND or INTERNAL"
                    ))
                }
            }
        }
        "granularity" => {
            p.granularity = match enumeration(v)?.as_str() {
                "DAY" | "" => Granularity::Day,
                "HOUR" => Granularity::Hour,
                other => return Err(format!("\"{other}\" is not DAY or HOUR")),
            }
        }
        "caller" => p.caller = Some(scalar(v)?).filter(|s| !s.is_empty()),
        "callee" => p.callee = Some(scalar(v)?).filter(|s| !s.is_empty()),
        "agents" => p.agents = list(v)?,
        "queue" => p.queue = Some(scalar(v)?).filter(|s| !s.is_empty()),
        "reason_code" => p.reason_code = Some(scalar(v)?).filter(|s| !s.is_empty()),
        "queues" => p.queues = queues(v)?,
        "ring_groups" => p.ring_groups = list(v)?,
        "stx" => p.stx = stx(v)?,
        "agent_group_ids" => p.agent_group_ids = list(v)?,
        "agent_teams" => p.agent_teams = list(v)?,
        "sla_target_pct" => p.sla_target = percent(&scalar(v)?)?,
        "abandon_target_pct" => p.abandon_target = percent(&scalar(v)?)?,
        "html_max_rows" => {
            p.html_max_rows = integer(&scalar(v)?)?
                .try_into()
                .ok()
                .filter(|&n: &usize| n >= 1)
                .ok_or("must be a whole number of rows, at least 1")?
        }
        other => unreachable!("parameter {other} is listed but not read"),
    }
    Ok(())
}

/// A percentage from 0 to 100 with at most two decimals (`80`, `92.5`), in hundredths.
fn percent(s: &str) -> Result<i64, String> {
    let bad = || format!("\"{s}\" is not a percentage from 0 to 100 (at most two decimals)");
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let h = whole.checked_mul(100).ok_or_else(bad)? + frac;
    if h > 10_000 {
        return Err(bad());
    }
    Ok(h)
}

fn json_text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        _ => Err("expected a single value".into()),
    }
}

fn scalar(v: &RawValue) -> Result<String, String> {
    match v {
        RawValue::Text(t) => Ok(t.trim().to_string()),
        RawValue::Json(j) => json_text(j),
    }
}

fn enumeration(v: &RawValue) -> Result<String, String> {
    Ok(crate::model::legs::normalize(&scalar(v)?))
}

/// A list: comma-separated text, or a JSON array (or a JSON string of comma-separated items).
fn list(v: &RawValue) -> Result<Vec<String>, String> {
    let split = |s: &str| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    match v {
        RawValue::Text(t) => Ok(split(t)),
        RawValue::Json(Value::Array(items)) => items
            .iter()
            .map(json_text)
            .filter(|r| !matches!(r, Ok(s) if s.is_empty()))
            .collect(),
        RawValue::Json(Value::Null) => Ok(Vec::new()),
        RawValue::Json(Value::String(s)) => Ok(split(s)),
        RawValue::Json(j) => json_text(j).map(|s| vec![s]),
    }
}

fn integer(t: &str) -> Result<i64, String> {
    t.trim()
        .parse::<i64>()
        .map_err(|_| format!("\"{t}\" is not an integer"))
}

fn time_range(t: &str) -> Result<TimeRange, String> {
    Ok(match crate::model::legs::normalize(t).as_str() {
        "TODAY" => TimeRange::Today,
        "YESTERDAY" => TimeRange::Yesterday,
        "LAST_WEEK" => TimeRange::LastWeek,
        "LAST_SEVEN_DAYS" => TimeRange::LastSevenDays,
        "LAST_MONTH" => TimeRange::LastMonth,
        "LAST_28_DAYS" => TimeRange::Last28Days,
        "CUSTOM" => TimeRange::Custom,
        "SINCE_LAST_RUN" => TimeRange::SinceLastRun,
        _ => {
            return Err(format!(
                "\"{t}\" is not TODAY, YESTERDAY, LAST_WEEK, LAST_SEVEN_DAYS, LAST_MONTH, LAST_28_DAYS, \
                 CUSTOM or SINCE_LAST_RUN"
            ))
        }
    })
}

/// `queues`: `8000,8001`, `8000:20,8001:30`, a JSON array of numbers or of
/// `{"number", "sla_secs"}` objects, or the seed's map `{"8000": 20}`.
fn queues(v: &RawValue) -> Result<Vec<(String, Option<i64>)>, String> {
    let item = |text: &str| -> Result<(String, Option<i64>), String> {
        match text.split_once(':') {
            Some((q, sla)) => Ok((q.trim().to_string(), Some(sla_secs(&integer(sla)?)?))),
            None => Ok((text.trim().to_string(), None)),
        }
    };
    match v {
        RawValue::Json(Value::Object(map)) => map
            .iter()
            .map(|(q, sla)| match sla {
                Value::Null => Ok((q.clone(), None)),
                other => Ok((q.clone(), Some(sla_secs(&integer(&json_text(other)?)?)?))),
            })
            .collect(),
        RawValue::Json(Value::Array(items)) => items
            .iter()
            .map(|it| match it {
                Value::Object(o) => {
                    let number = o
                        .get("number")
                        .map(json_text)
                        .transpose()?
                        .unwrap_or_default();
                    if number.is_empty() {
                        return Err("a queue object needs a \"number\"".to_string());
                    }
                    let sla = match o.get("sla_secs") {
                        None | Some(Value::Null) => None,
                        Some(s) => Some(sla_secs(&integer(&json_text(s)?)?)?),
                    };
                    Ok((number, sla))
                }
                other => item(&json_text(other)?),
            })
            .collect(),
        other => list(other)?.iter().map(|t| item(t)).collect(),
    }
}

fn sla_secs(n: &i64) -> Result<i64, String> {
    if *n < 0 {
        Err("an SLA must not be negative".into())
    } else {
        Ok(*n)
    }
}

fn stx(v: &RawValue) -> Result<[i64; 10], String> {
    let items = list(v)?;
    let values: Vec<i64> = items.iter().map(|t| integer(t)).collect::<Result<_, _>>()?;
    let arr: [i64; 10] = values
        .as_slice()
        .try_into()
        .map_err(|_| format!("needs exactly ten integers, got {}", values.len()))?;
    if arr.iter().any(|&x| !(1..=3600).contains(&x)) {
        return Err("each bound must be within 1..3600".into());
    }
    if arr.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the bounds must be strictly ascending".into());
    }
    Ok(arr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(kind: ReportKind, list: &[&str]) -> Result<(Params, Vec<String>), String> {
        let mut raw = RawParams::default();
        for a in list {
            raw.push_arg(a)?;
        }
        parse(kind, &raw)
    }

    #[test]
    fn targets_and_the_row_cap() {
        let (p, _) = args(ReportKind::QueueSummary, &[]).unwrap();
        assert_eq!((p.sla_target, p.abandon_target), (8000, 500));
        let (p, _) = args(
            ReportKind::SpeedOfAccept,
            &["sla_target_pct=92.5", "abandon_target_pct=0.75"],
        )
        .unwrap();
        assert_eq!((p.sla_target, p.abandon_target), (9250, 75));
        for bad in ["101", "-1", "8.125", "x", ".5"] {
            let arg = format!("sla_target_pct={bad}");
            assert!(args(ReportKind::QueueSummary, &[&arg]).is_err(), "{bad}");
        }
        let (p, _) = args(ReportKind::CallLogs, &["html_max_rows=50"]).unwrap();
        assert_eq!(p.html_max_rows, 50);
        assert!(args(ReportKind::CallLogs, &["html_max_rows=0"]).is_err());
        // Only where they mean something.
        assert!(args(ReportKind::CallLogs, &["sla_target_pct=80"]).is_err());
        assert!(args(ReportKind::QueueSummary, &["html_max_rows=10"]).is_err());
    }

    #[test]
    fn queue_maps_lists_and_aliases() {
        let (p, _) = args(ReportKind::QueueSummary, &["queues=8000:20,8001:30"]).unwrap();
        assert_eq!(
            p.queues,
            vec![("8000".into(), Some(20)), ("8001".into(), Some(30))]
        );
        let (p, _) = args(ReportKind::AgentQueueReport, &["queue=8000,8001"]).unwrap();
        assert_eq!(p.queues, vec![("8000".into(), None), ("8001".into(), None)]);
        let mut raw = RawParams::default();
        raw.extend_json(
            serde_json::json!({"queues": {"8000": 20}})
                .as_object()
                .unwrap(),
        );
        assert_eq!(
            parse(ReportKind::QueueSummary, &raw).unwrap().0.queues,
            vec![("8000".into(), Some(20))]
        );
        let mut raw = RawParams::default();
        raw.extend_json(
            serde_json::json!({"queues": [{"number": "8001", "sla_secs": 15}]})
                .as_object()
                .unwrap(),
        );
        assert_eq!(
            parse(ReportKind::QueueSummary, &raw).unwrap().0.queues,
            vec![("8001".into(), Some(15))]
        );
    }

    #[test]
    fn own_names_win_over_aliases_and_some_keys_are_ignored() {
        let (p, w) = args(ReportKind::AgentSummaryActivity, &["queue=8000"]).unwrap();
        assert_eq!(
            (p.queue.as_deref(), p.queues.len(), w.len()),
            (Some("8000"), 0, 0)
        );
        let (p, w) = args(
            ReportKind::AgentDetailsActivity,
            &["queue=8000", "channel_type=VOICE"],
        )
        .unwrap();
        assert!(p.queues.is_empty());
        assert_eq!(w.len(), 2);
        let (p, _) = args(
            ReportKind::UserStatistics,
            &["extension_number=1000-1999;2500", "status=not-answered"],
        )
        .unwrap();
        assert!(p.extensions.as_ref().unwrap().contains("1500"));
        assert!(p.extensions.as_ref().unwrap().contains("2500"));
        assert!(!p.extensions.as_ref().unwrap().contains("2000"));
        assert_eq!(p.status, Status::Unanswered);
    }

    #[test]
    fn an_empty_extension_list_means_every_user() {
        for given in [
            RawValue::Text(String::new()),
            RawValue::Json(serde_json::json!([])),
            RawValue::Json(serde_json::json!("")),
            RawValue::Text(" ; ".into()),
        ] {
            let raw = RawParams(vec![("extensions".into(), given.clone())]);
            let (p, _) = parse(ReportKind::UserStatistics, &raw).unwrap();
            assert!(p.extensions.is_none(), "{given:?}");
        }
    }

    #[test]
    fn bad_parameters_are_errors_naming_the_key() {
        let e = args(ReportKind::QueueSummary, &["sla=20"]).unwrap_err();
        assert!(
            e.starts_with("unknown parameter \"sla\" for QUEUESUMMARY (it takes: "),
            "{e}"
        );
        let e = args(ReportKind::SpeedOfAccept, &["stx=5,10,15"]).unwrap_err();
        assert_eq!(e, "parameter \"stx\": needs exactly ten integers, got 3");
        let e = args(
            ReportKind::SpeedOfAccept,
            &["stx=5,10,15,20,30,40,50,60,100,90"],
        )
        .unwrap_err();
        assert_eq!(
            e,
            "parameter \"stx\": the bounds must be strictly ascending"
        );
        assert!(args(
            ReportKind::SpeedOfAccept,
            &["stx=0,10,15,20,30,40,50,60,90,100"]
        )
        .is_err());
        assert!(args(ReportKind::CallLogs, &["direction=SIDEWAYS"]).is_err());
        assert!(args(ReportKind::CallLogs, &["nokey"]).is_err());
        let (p, _) = args(ReportKind::SpeedOfAccept, &["stx=1,2,3,4,5,6,7,8,9,3600"]).unwrap();
        assert_eq!(p.stx[9], 3600);
    }

    #[test]
    fn the_last_value_wins() {
        let (p, _) = args(ReportKind::CallLogs, &["status=ANSWERED", "status=NONE"]).unwrap();
        assert_eq!(p.status, Status::Any);
    }
}
