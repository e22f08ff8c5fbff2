//! Laying the generated tables out on disk: `flat` (one CSV per table, Unix seconds) or `mixed`
//! (every format of SPEC §2: daily CDR files, gzip, JSON, NDJSON, both timestamp forms).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{Map, Value};

use crate::config::{SampleConfig, SampleLayout};
use crate::error::{Error, Result};
use crate::sample::sim::{Generated, LegRow, Rare};
use crate::sample::world::World;
use crate::time::{format_rfc3339, local_date, Ts};

/// A cell before formatting.
enum Val<'a> {
    S(&'a str),
    O(String),
    I(i64),
    /// A timestamp; `None` is an empty cell.
    T(Option<Ts>),
}

/// How timestamps are written.
#[derive(Clone, Copy)]
enum TsForm {
    Unix,
    Rfc3339(Tz),
}

type Rows<'a> = Box<dyn Iterator<Item = Vec<Val<'a>>> + 'a>;

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn create(path: &Path, gzip: bool) -> Result<Box<dyn Write>> {
    let f = File::create(path).map_err(io_err(path))?;
    let w = BufWriter::with_capacity(256 * 1024, f);
    Ok(if gzip {
        Box::new(GzEncoder::new(w, Compression::fast()))
    } else {
        Box::new(w)
    })
}

fn text(v: &Val<'_>, ts: TsForm) -> String {
    match v {
        Val::S(s) => (*s).to_string(),
        Val::O(s) => s.clone(),
        Val::I(i) => i.to_string(),
        Val::T(None) => String::new(),
        Val::T(Some(t)) => match ts {
            TsForm::Unix => t.to_string(),
            TsForm::Rfc3339(tz) => format_rfc3339(*t, tz),
        },
    }
}

/// Appends a cell's text to `out` (no allocation for numbers and timestamps).
fn push_text(v: &Val<'_>, ts: TsForm, out: &mut String) {
    use std::fmt::Write as _;
    match v {
        Val::S(s) => out.push_str(s),
        Val::O(s) => out.push_str(s),
        Val::I(i) => {
            let _ = write!(out, "{i}");
        }
        Val::T(None) => {}
        Val::T(Some(t)) => match ts {
            TsForm::Unix => {
                let _ = write!(out, "{t}");
            }
            TsForm::Rfc3339(tz) => crate::time::push_rfc3339(*t, tz, out),
        },
    }
}

fn write_csv(path: &Path, gzip: bool, ts: TsForm, header: &[&str], rows: Rows<'_>) -> Result<()> {
    let mut w = csv::Writer::from_writer(create(path, gzip)?);
    let fail = |e: csv::Error| Error::Write {
        path: path.to_path_buf(),
        source: e.into(),
    };
    w.write_record(header).map_err(fail)?;
    let mut buf = String::new();
    for row in rows {
        for v in &row {
            buf.clear();
            push_text(v, ts, &mut buf);
            w.write_field(buf.as_bytes()).map_err(fail)?;
        }
        w.write_record(None::<&[u8]>).map_err(fail)?;
    }
    let mut inner = w.into_inner().map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: e.into_error(),
    })?;
    inner.flush().map_err(io_err(path))
}

fn object(header: &[&str], row: Vec<Val<'_>>, ts: TsForm) -> Value {
    let mut m = Map::new();
    for (k, v) in header.iter().zip(row) {
        let value = match (v, ts) {
            (Val::T(None), _) => Value::Null,
            (Val::T(Some(t)), TsForm::Unix) | (Val::I(t), _) => Value::from(t),
            (v, _) => Value::from(text(&v, ts)),
        };
        m.insert((*k).to_string(), value);
    }
    Value::Object(m)
}

/// A JSON array, or the API's `{"count": N, "items": [...]}` when `envelope`.
fn write_json(
    path: &Path,
    envelope: bool,
    ts: TsForm,
    header: &[&str],
    rows: Rows<'_>,
) -> Result<()> {
    let items: Vec<Value> = rows.map(|r| object(header, r, ts)).collect();
    let value = if envelope {
        let mut m = Map::new();
        m.insert("count".into(), Value::from(items.len()));
        m.insert("items".into(), Value::Array(items));
        Value::Object(m)
    } else {
        Value::Array(items)
    };
    let mut w = create(path, false)?;
    serde_json::to_writer_pretty(&mut w, &value).map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: e.into(),
    })?;
    w.write_all(b"\n")
        .and_then(|()| w.flush())
        .map_err(io_err(path))
}

fn write_ndjson(path: &Path, ts: TsForm, header: &[&str], rows: Rows<'_>) -> Result<()> {
    let mut w = create(path, false)?;
    for r in rows {
        serde_json::to_writer(&mut w, &object(header, r, ts)).map_err(|e| Error::Write {
            path: path.to_path_buf(),
            source: e.into(),
        })?;
        w.write_all(b"\n").map_err(io_err(path))?;
    }
    w.flush().map_err(io_err(path))
}

/// Exact decimal text of an amount in units of 10⁻⁹.
fn money(nanos: i64) -> String {
    let s = format!("{}.{:09}", nanos / 1_000_000_000, nanos % 1_000_000_000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

const CDR_HEADER: [&str; 35] = [
    "session_id",
    "caller",
    "caller_display_name",
    "caller_endpoint",
    "call_id",
    "service_number",
    "service_name",
    "service_type",
    "callee",
    "callee_display_name",
    "callee_endpoint",
    "started_at",
    "rang_at",
    "answered_at",
    "ended_at",
    "direction",
    "end_reason",
    "reroute_reason",
    "status_code",
    "destination",
    "outbound_caller_id",
    "did",
    "call_type",
    "callback_id",
    "billing_prefix",
    "cost",
    "user_data",
    "inbound_trunk",
    "outbound_trunk",
    "tenant_id",
    "hold_count",
    "hold_secs",
    "disposition",
    "disposition_at",
    "disposition_xfer",
];

fn cdr_row(l: &LegRow) -> Vec<Val<'_>> {
    let r = l.rare.as_deref().unwrap_or(&Rare::NONE);
    let opt = |v: Option<i64>| v.map_or(Val::S(""), Val::I);
    let destination = if l.callee_ep == "EXTENSION" {
        format!("sip:{}@10.0.0.20:5060", l.callee)
    } else {
        String::new()
    };
    vec![
        Val::O(l.session.to_string()),
        Val::S(&l.caller),
        Val::S(&l.caller_name),
        Val::S(l.caller_ep),
        Val::O(format!("{:x}-{}@pbx.example", l.session, l.leg_no)),
        Val::S(l.service_number),
        Val::S(l.service_name),
        Val::S(l.service_type),
        Val::S(&l.callee),
        Val::S(&l.callee_name),
        Val::S(l.callee_ep),
        Val::T(Some(l.started)),
        Val::T(l.rang),
        Val::T(l.answered),
        Val::T(Some(l.ended)),
        Val::S(l.direction),
        Val::S(l.end_reason),
        Val::S(r.reroute),
        Val::I(i64::from(l.status_code)),
        Val::O(destination),
        Val::S(r.outbound_caller_id),
        Val::S(l.did),
        Val::S(l.call_type),
        opt(r.callback_id.map(|c| c as i64)),
        Val::S(r.billing_prefix),
        r.cost.map_or(Val::S(""), |c| Val::O(money(c))),
        Val::S(r.user_data),
        Val::S(l.inbound_trunk),
        Val::S(r.outbound_trunk),
        Val::I(i64::from(l.tenant)),
        opt(r.hold.map(|h| i64::from(h.0))),
        opt(r.hold.map(|h| i64::from(h.1))),
        Val::S(r.disposition),
        Val::T(r.disposition_at),
        Val::I(i64::from(r.xfer)),
    ]
}

/// Writes every table in the configured layout, replacing earlier sample tables in `out`. The
/// CDR and the other tables are written at once, each file by one thread (so in one order).
pub fn write(w: &World, g: &Generated, c: &SampleConfig) -> Result<()> {
    let out = &c.out;
    fs::create_dir_all(out).map_err(io_err(out))?;
    clear_tables(out)?;
    let (cdr, rest) = rayon::join(|| write_cdr(g, c), || write_dims(w, g, c));
    cdr.and(rest)
}

/// The `cdr` table: one file, or a file per local day in the mixed layout.
fn write_cdr(g: &Generated, c: &SampleConfig) -> Result<()> {
    let p = |name: &str| -> PathBuf { c.out.join(name) };
    let (unix, rfc) = (TsForm::Unix, TsForm::Rfc3339(c.tz));
    if c.layout == SampleLayout::Flat {
        write_csv(
            &p("cdr.csv"),
            false,
            unix,
            &CDR_HEADER,
            Box::new(g.order.iter().map(|&i| cdr_row(&g.legs[i as usize]))),
        )?;
    } else {
        let dir = p("cdr");
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let mut i = 0;
        let mut day_index = 0usize;
        while i < g.order.len() {
            let date = local_date(g.legs[g.order[i] as usize].started, c.tz);
            let j = i + g.order[i..]
                .partition_point(|&k| local_date(g.legs[k as usize].started, c.tz) == date);
            let gzip = day_index % 2 == 1;
            let ts = if matches!(day_index % 4, 0 | 3) {
                rfc
            } else {
                unix
            };
            let name = format!("{date}.csv{}", if gzip { ".gz" } else { "" });
            write_csv(
                &dir.join(name),
                gzip,
                ts,
                &CDR_HEADER,
                Box::new(g.order[i..j].iter().map(|&k| cdr_row(&g.legs[k as usize]))),
            )?;
            i = j;
            day_index += 1;
        }
    }
    Ok(())
}

/// Every table but the CDR.
fn write_dims(w: &World, g: &Generated, c: &SampleConfig) -> Result<()> {
    let p = |name: &str| -> PathBuf { c.out.join(name) };
    let (unix, rfc) = (TsForm::Unix, TsForm::Rfc3339(c.tz));
    let flat = c.layout == SampleLayout::Flat;

    // agents
    let agent_header = [
        "agent_id",
        "first_name",
        "last_name",
        "username",
        "external_agent_id",
        "team",
        "agent_group_id",
    ];
    let agents = || -> Rows<'_> {
        Box::new(w.agents.iter().filter(|a| a.in_table).map(|a| {
            vec![
                Val::S(&a.ext),
                Val::S(a.first),
                Val::S(a.last),
                Val::O(format!("agent{}@example.com", a.ext)),
                Val::O(format!("EXT-{}", a.ext)),
                Val::S(a.team),
                Val::S(a.group),
            ]
        }))
    };
    if flat {
        write_csv(&p("agents.csv"), false, unix, &agent_header, agents())?;
    } else {
        write_json(&p("agents.json"), false, unix, &agent_header, agents())?;
    }

    // queues and ring groups
    let queue_header = ["number", "name", "sla_secs", "short_abandon_secs"];
    let queues: Rows<'_> = Box::new(w.queues.iter().filter(|q| q.in_table).map(|q| {
        vec![
            Val::S(q.number),
            Val::S(q.name),
            Val::I(q.sla),
            Val::I(q.short_abandon),
        ]
    }));
    write_csv(&p("queues.csv"), false, unix, &queue_header, queues)?;
    let group_header = ["number", "name"];
    let groups: Rows<'_> = Box::new(
        w.groups
            .iter()
            .map(|g| vec![Val::S(g.number), Val::S(g.name)]),
    );
    if flat {
        write_csv(&p("ring_groups.csv"), false, unix, &group_header, groups)?;
    } else {
        write_json(&p("ring_groups.json"), true, unix, &group_header, groups)?;
    }

    // not-ready codes: COFFEE is left out on purpose (it takes its own name and OTHER).
    let codes = [
        ("BREAK", "Short break", "BREAK"),
        ("LUNCH", "Lunch", "LUNCH"),
        ("AWAY", "Away from desk", "AWAY"),
        ("TRAIN", "Training", "TRAINING"),
        ("MEETING", "Team meeting", "OTHER"),
    ];
    let code_rows: Rows<'_> = Box::new(
        codes
            .iter()
            .map(|(c, l, k)| vec![Val::S(c), Val::S(l), Val::S(k)]),
    );
    write_csv(
        &p("not_ready_codes.csv"),
        false,
        unix,
        &["code", "label", "category"],
        code_rows,
    )?;

    // agent sessions, states, off-hook
    let session_header = [
        "login_session_id",
        "agent_id",
        "login_at",
        "logout_at",
        "phone",
        "dial_group",
    ];
    let sessions = || -> Rows<'_> {
        Box::new(g.sessions.iter().map(|s| {
            let a = &w.agents[s.agent];
            vec![
                Val::O(s.id.to_string()),
                Val::S(&a.ext),
                Val::T(Some(s.login)),
                Val::T(s.logout),
                Val::O(format!("+1628555{}", a.ext)),
                Val::S(match a.team {
                    "Sales" => "Inbound Sales",
                    "Support" => "Inbound Support",
                    _ => "",
                }),
            ]
        }))
    };
    let state_header = [
        "login_session_id",
        "agent_id",
        "state",
        "reason_code",
        "session_id",
        "start_at",
        "end_at",
    ];
    let states: Rows<'_> = Box::new(g.states.iter().map(|s| {
        vec![
            Val::O(s.session.to_string()),
            Val::S(&w.agents[s.agent].ext),
            Val::S(s.state),
            Val::S(s.reason),
            s.call.map_or(Val::S(""), |c| Val::O(c.to_string())),
            Val::T(Some(s.start)),
            Val::T(s.end),
        ]
    }));
    let offhook_header = [
        "login_session_id",
        "agent_id",
        "start_at",
        "end_at",
        "monitoring",
    ];
    let offhook = || -> Rows<'_> {
        Box::new(g.offhook.iter().map(|o| {
            vec![
                Val::O(o.session.to_string()),
                Val::S(&w.agents[o.agent].ext),
                Val::T(Some(o.start)),
                Val::T(o.end),
                Val::I(i64::from(o.monitoring)),
            ]
        }))
    };
    if flat {
        write_csv(
            &p("agent_sessions.csv"),
            false,
            unix,
            &session_header,
            sessions(),
        )?;
        write_csv(&p("agent_states.csv"), false, unix, &state_header, states)?;
        write_csv(&p("offhook.csv"), false, unix, &offhook_header, offhook())?;
    } else {
        write_ndjson(
            &p("agent_sessions.ndjson"),
            rfc,
            &session_header,
            sessions(),
        )?;
        write_csv(&p("agent_states.csv.gz"), true, unix, &state_header, states)?;
        write_ndjson(&p("offhook.jsonl"), unix, &offhook_header, offhook())?;
    }
    Ok(())
}

/// Removes the table files and directories an earlier sample left, so layouts never mix.
fn clear_tables(out: &Path) -> Result<()> {
    let entries = fs::read_dir(out).map_err(io_err(out))?;
    for entry in entries {
        let entry = entry.map_err(io_err(out))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = crate::model::TableName::ALL
            .map(|t| t.as_str())
            .iter()
            .any(|t| {
                name == *t
                    || name.strip_prefix(t).is_some_and(|rest| {
                        rest.starts_with('.') && crate::input::source::classify(&name).is_some()
                    })
            });
        if ours {
            let path = entry.path();
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.map_err(io_err(&path))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_is_exact_text() {
        assert_eq!(money(31_000_000), "0.031");
        assert_eq!(money(10_000_000 + 3 * 210_000), "0.01063");
        assert_eq!(money(2_000_000_000), "2");
    }
}
