//! The readers' tests, and the helpers other modules' tests load datasets with.

use super::*;

/// `load` with large plain CSV files cut into parts of `part_bytes`.
fn load_plain(dir: &Path, opts: &LoadOptions, part_bytes: u64) -> Result<Dataset> {
    load_in_parts(dir, opts, part_bytes, |_| ()).map(|(ds, ())| ds)
}

/// Loads a dataset made of CSV texts, one per table, through the real reader.
pub fn load_csv(tables: &[(&str, &str)]) -> Dataset {
    try_load_csv(tables, LoadOptions::default()).expect("test dataset loads")
}

/// Like `load_csv`, returning the error.
pub fn try_load_csv(tables: &[(&str, &str)], opts: LoadOptions) -> Result<Dataset> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in tables {
        std::fs::write(dir.path().join(format!("{name}.csv")), text).expect("write fixture");
    }
    load(dir.path(), opts)
}

/// A CDR of `n` legs, every 7th with a quoted display name holding a line break, a comma
/// and quotes; `bad` puts an invalid `started_at` on that leg.
fn cdr_text(n: usize, bad: Option<usize>) -> String {
    let mut text = String::from(
        "session_id,caller,caller_display_name,call_id,callee,started_at,answered_at,ended_at\n",
    );
    for i in 0..n {
        let name = if i % 7 == 3 {
            "\"Doe,\nJane \"\"JD\"\"\""
        } else {
            "Ann"
        };
        let start = if bad == Some(i) {
            "x".to_string()
        } else {
            (1000 + i * 10).to_string()
        };
        text.push_str(&format!(
            "s{},55512{:02},{name},c{i},10{:02},{start},,{}\n",
            i / 3,
            i % 50,
            i % 13,
            1005 + i * 10
        ));
    }
    text
}

/// A dataset directory holding `text` as its CDR.
fn cdr_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("cdr.csv"), text).expect("write fixture");
    dir
}

fn texts(pool: &StrPool) -> Vec<&str> {
    (0..pool.len() as u32).map(|i| pool.get(Sym(i))).collect()
}

/// The same text with CRLF line ends (quoted line breaks too).
fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

#[test]
fn a_cdr_read_in_parts_is_the_cdr_read_whole() {
    for text in [cdr_text(300, None), crlf(&cdr_text(300, None))] {
        a_cdr_in_parts_is_the_cdr_whole(&text);
    }
}

fn a_cdr_in_parts_is_the_cdr_whole(text: &str) {
    let dir = cdr_dir(text);
    let load_cut = |part_bytes| load_plain(dir.path(), &LoadOptions::default(), part_bytes);
    let whole = load_cut(u64::MAX).unwrap();
    assert_eq!(whole.legs.len(), 300);
    // Small parts put cuts inside the quoted line breaks: the part before reads on.
    for part_bytes in [40, 97, 256, 1000, 4096] {
        let ds = load_cut(part_bytes).unwrap();
        assert_eq!(ds.legs, whole.legs, "parts of {part_bytes} bytes");
        assert_eq!(texts(&ds.strings), texts(&whole.strings));
        assert_eq!(texts(&ds.sessions), texts(&whole.sessions));
        let ids = |d: &Dataset| -> Vec<String> {
            (0..d.call_ids.len())
                .map(|i| d.call_ids.get(i).to_string())
                .collect()
        };
        assert_eq!(ids(&ds), ids(&whole));
        assert_eq!(ds.quality, whole.quality);
        assert_eq!(ds.files, whole.files);
    }
}

/// A run reads what its due types read: the agent tables only for agent time or tables,
/// the optional CDR columns some type prints, every state row's call only for the details.
#[test]
fn a_run_reads_what_its_types_read() {
    use crate::reports::ReportKind as K;
    let read = |kinds: &[K]| LoadOptions::default().reading_for(kinds.iter().map(|k| k.spec()));
    let daily = read(&[K::DailyStatistics]);
    assert!(!daily.agent_tables && daily.agent_time == AgentTime::None);
    assert_eq!(daily.cdr_skip, cdr::skip_mask([]), "no optional column");
    let queues = read(&[K::DailyStatistics, K::QueueSummary]);
    assert!(queues.agent_tables && !queues.state_calls);
    assert_eq!(queues.agent_time, AgentTime::WrapUp);
    let all = read(&[K::QueueSummary, K::CallLogs, K::AgentDetailsActivity]);
    assert!(all.agent_tables && all.state_calls);
    assert_eq!(all.agent_time, AgentTime::States);
    assert_eq!(
        all.cdr_skip & cdr::skip_mask(["cost"]),
        all.cdr_skip,
        "CALLLOGS reads cost"
    );
    assert!(all.cdr_skip != cdr::skip_mask([]));
}

/// Without a due report printing them, only wrap-up rows keep their call.
#[test]
fn state_rows_keep_their_call_for_wrap_up_only_unless_printed() {
    let sessions = "login_session_id,agent_id,login_at,logout_at\nL1,1001,100,1000\n";
    let states = "login_session_id,agent_id,state,reason_code,session_id,start_at,end_at\n\
                  L1,1001,TALKING,,c1,100,200\nL1,1001,WRAP_UP,,c1,200,250\n";
    let tables = [
        (
            "cdr",
            "session_id,caller,callee,started_at,ended_at\nc1,1,2,100,200\n",
        ),
        ("agent_sessions", sessions),
        ("agent_states", states),
    ];
    for printed in [false, true] {
        let opts = LoadOptions {
            state_calls: printed,
            ..LoadOptions::default()
        };
        let ds = try_load_csv(&tables, opts).expect("valid");
        let calls: Vec<&str> = (ds.agent_states.iter().flatten())
            .map(|r| ds.strings.get(r.call_session))
            .collect();
        let talking = if printed { "c1" } else { "" };
        assert_eq!(calls, [talking, "c1"], "printed: {printed}");
    }
}

/// The agent states are cut into parts as the CDR is: the same rows, sorted and checked.
#[test]
fn agent_states_read_in_parts_are_the_states_read_whole() {
    let mut states =
        String::from("login_session_id,agent_id,state,reason_code,session_id,start_at,end_at\n");
    for i in 0..200 {
        let (state, code) = [
            ("READY", ""),
            ("NOT_READY", "\"lunch,\nbreak\""),
            ("WRAP_UP", ""),
        ][i % 3];
        let session = if state == "WRAP_UP" { "s1" } else { "" };
        states.push_str(&format!(
            "L{},100{},{state},{code},{session},{},\n",
            i % 4,
            i % 4,
            1000 + i * 10
        ));
    }
    for text in [states.clone(), crlf(&states)] {
        let dir = cdr_dir("session_id,caller,callee,started_at,ended_at\ns1,1,2,1000,1010\n");
        let sessions = "login_session_id,agent_id,login_at,logout_at\nL0,1000,900,\nL1,1001,900,\nL2,1002,900,\nL3,1003,900,\n";
        std::fs::write(dir.path().join("agent_sessions.csv"), sessions).unwrap();
        std::fs::write(dir.path().join("agent_states.csv"), &text).unwrap();
        let load_cut = |part_bytes| load_plain(dir.path(), &LoadOptions::default(), part_bytes);
        let whole = load_cut(u64::MAX).unwrap();
        assert_eq!(whole.agent_states.as_ref().map(Vec::len), Some(200));
        for part_bytes in [50, 333, 1024] {
            let ds = load_cut(part_bytes).unwrap();
            assert_eq!(
                ds.agent_states, whole.agent_states,
                "parts of {part_bytes} bytes"
            );
            assert_eq!(texts(&ds.strings), texts(&whole.strings));
            assert_eq!(ds.quality, whole.quality);
        }
    }
}

#[test]
fn a_bad_row_in_a_later_part_is_reported_at_its_line() {
    // Leg 250 is on line 2 + 250 + the 36 line breaks inside the quoted names before it,
    // whatever the line ends.
    for text in [cdr_text(300, Some(250)), crlf(&cdr_text(300, Some(250)))] {
        a_bad_row_in_a_part_is_at_its_line(&text);
    }
}

fn a_bad_row_in_a_part_is_at_its_line(text: &str) {
    let dir = cdr_dir(text);
    let strict = LoadOptions::default();
    let skip = LoadOptions {
        skip_bad_rows: true,
        ..strict.clone()
    };
    let whole = load_plain(dir.path(), &strict, u64::MAX).unwrap_err();
    assert!(
        whole
            .to_string()
            .ends_with("cdr.csv:288: field \"started_at\": invalid timestamp \"x\""),
        "{whole}"
    );
    let skipped = load_plain(dir.path(), &skip, u64::MAX).unwrap();
    for part_bytes in [40, 97, 1000] {
        let e = load_plain(dir.path(), &strict, part_bytes).unwrap_err();
        assert_eq!(e.to_string(), whole.to_string());
        let ds = load_plain(dir.path(), &skip, part_bytes).unwrap();
        assert_eq!(ds.legs.len(), 299);
        assert_eq!(ds.quality, skipped.quality);
    }
}

/// A leg that repeats an earlier leg's key with other values names both lines, counted
/// across the parts before it as in the whole file.
#[test]
fn a_conflicting_leg_in_a_later_part_names_both_lines() {
    let mut text = cdr_text(300, None);
    // Leg 10's key (session s3, call id c10) again at the end, with another callee.
    text.push_str("s3,5551210,Ann,c10,1099,1100,,1105\n");
    let dir = cdr_dir(&text);
    let whole = load_plain(dir.path(), &LoadOptions::default(), u64::MAX).unwrap_err();
    // Leg 10 is on line 2 + 10 + the 1 quoted line break before it; the copy on the last
    // line, 2 + 300 + 43.
    let at = |line: u64| format!("{}:{line}", dir.path().join("cdr.csv").display());
    assert_eq!(
        whole.to_string(),
        format!(
            "{}: leg duplicates {} (session_id s3, call_id c10) with different values",
            at(345),
            at(13)
        )
    );
    for part_bytes in [40, 97, 1000] {
        let e = load_plain(dir.path(), &LoadOptions::default(), part_bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            whole.to_string(),
            "parts of {part_bytes} bytes"
        );
    }
}

/// A cell that is not UTF-8 is named in the error, whether its record is read by the line
/// splitter or (quoted) by csv-core.
#[test]
fn a_cell_that_is_not_utf8_is_named() {
    for callee in [&b"2\xff"[..], &b"\"2,\xff\""[..]] {
        let mut text = b"session_id,caller,callee,started_at,ended_at\ns1,1,".to_vec();
        text.extend_from_slice(callee);
        text.extend_from_slice(b",10,20\n");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("cdr.csv"), &text).expect("write fixture");
        let e = load(dir.path(), LoadOptions::default()).expect_err("not UTF-8");
        assert!(
            e.to_string()
                .ends_with("cdr.csv:2: field \"callee\": is not valid UTF-8"),
            "{e}"
        );
    }
}
