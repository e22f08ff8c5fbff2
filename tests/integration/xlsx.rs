//! XLSX workbooks, read back with a reader (calamine): every cell typed and equal to the CSV's
//! value, a frozen header with an autofilter, an About sheet, byte-identical reruns.

use std::io::{Cursor, Read};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use crate::build::{day_args, morning_args, SAMPLE, TYPES};
use crate::harness::Env;

fn workbook(env: &Env, kind: &str, name: &str) -> Vec<u8> {
    let out = env.run(&day_args(kind, SAMPLE, &["--format", "xlsx", "-o", name]));
    out.assert_success();
    std::fs::read(env.path().join(name)).unwrap()
}

fn csv_rows(env: &Env, kind: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let out = env.run(&day_args(kind, SAMPLE, &[]));
    out.assert_success();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let head = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (head, rows)
}

/// A zip member's text.
fn member(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn every_cell_is_typed_and_equals_the_csv() {
    let env = Env::new();
    for kind in TYPES {
        let bytes = workbook(&env, kind, &format!("{kind}.xlsx"));
        let (head, rows) = csv_rows(&env, kind);
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        let sheets = book.sheet_names();
        assert_eq!(sheets[1], "About", "{kind}");
        let range = book.worksheet_range(&sheets[0]).unwrap();
        let cells: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        // Row 1: the CSV's columns in order, extra columns only after them.
        let first: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(&first[..head.len()], &head[..], "{kind}");
        assert!(
            first[head.len()..]
                .iter()
                .all(|c| c.ends_with("_utc_offset")),
            "{kind}"
        );
        assert_eq!(cells.len(), rows.len() + 1, "{kind}");
        let is_time = |v: &str| v.len() == 25 && v.as_bytes()[10] == b'T';
        let timed: Vec<usize> = (0..head.len())
            .filter(|&j| rows.iter().any(|r| is_time(&r[j])))
            .collect();
        for (i, (x, c)) in cells[1..].iter().zip(&rows).enumerate() {
            for (k, want) in c.iter().enumerate() {
                let got = x.get(k).cloned().unwrap_or(Data::Empty);
                let place = format!("{kind} row {i} {}", head[k]);
                match got {
                    Data::Empty => assert_eq!(want, "", "{place}"),
                    Data::String(s) => assert_eq!(&s, want, "{place}"),
                    Data::Float(f) => {
                        let w: f64 = want.parse().unwrap_or_else(|_| panic!("{place}: {want}"));
                        assert!((f - w).abs() < 1e-9, "{place}: {f} vs {want}");
                    }
                    Data::DateTime(d) => {
                        let local = d.as_datetime().unwrap();
                        // A date column holds the day; a time column the local wall time.
                        let text = if want.len() == 10 {
                            local.format("%Y-%m-%d").to_string()
                        } else {
                            local.format("%Y-%m-%dT%H:%M:%S").to_string()
                        };
                        assert!(want.starts_with(&text), "{place}: {text} vs {want}");
                        // The offset column after the table holds the CSV's offset.
                        if let Some(n) = timed.iter().position(|&j| j == k) {
                            assert_eq!(x[head.len() + n].to_string(), want[19..], "{place}");
                        }
                    }
                    other => panic!("{place}: unexpected {other:?}"),
                }
            }
        }
        let sheet = member(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("state=\"frozen\""), "{kind}: frozen header");
        assert!(
            sheet.contains("<autoFilter ref=\"A1:"),
            "{kind}: autofilter"
        );
        let about = book.worksheet_range("About").unwrap();
        let labels: Vec<String> = about.rows().map(|r| r[0].to_string()).collect();
        for needed in ["Report", "Period", "Zone", "Generated for"] {
            assert!(labels.iter().any(|l| l == needed), "{kind}: {needed}");
        }
    }
}

#[test]
fn identifiers_keep_every_digit_and_reruns_are_identical() {
    let env = Env::new();
    let a = workbook(&env, "CALLLOGS", "a.xlsx");
    let b = workbook(&env, "CALLLOGS", "b.xlsx");
    assert_eq!(a, b, "byte-identical reruns");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(a)).unwrap();
    let range = book.worksheet_range("CALLLOGS").unwrap();
    let first = range.rows().nth(1).unwrap();
    // An 18-digit session id is text, exactly as in the CSV.
    assert!(
        matches!(&first[0], Data::String(s) if s.len() == 18),
        "{:?}",
        first[0]
    );
}

#[test]
fn formula_leading_text_is_a_string_cell() {
    let env = Env::new();
    env.write(
        "data/cdr.csv",
        "session_id,caller,caller_display_name,callee,started_at,ended_at\ns1,+12125550100,=SUM(A1),1001,1759017600,1759017660\n",
    );
    let out = env.build_sep_28("CALLLOGS", &["--format", "xlsx", "-o", "c.xlsx"]);
    out.assert_success();
    let bytes = std::fs::read(env.path().join("c.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let range = book.worksheet_range("CALLLOGS").unwrap();
    let row = range.rows().nth(1).unwrap();
    assert_eq!(
        row[3],
        Data::String("=SUM(A1)".into()),
        "no guard quote in XLSX: a string"
    );
    assert_eq!(row[2], Data::String("+12125550100".into()));
    assert!(
        !member(&bytes, "xl/worksheets/sheet1.xml").contains("<f>"),
        "no formula"
    );
}

/// The typed cells of a workbook's table, one line a row: `S` text, `N` number, `D` date-time.
fn typed(bytes: Vec<u8>) -> String {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let mut out = String::new();
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => format!("S:{s}"),
                Data::Float(f) => format!("N:{f}"),
                Data::Int(i) => format!("N:{i}"),
                Data::DateTime(d) => format!("D:{}", d.as_datetime().unwrap()),
                other => format!("?:{other:?}"),
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

/// A snapshot per type of its workbook's cells over two morning hours of the sample.
#[test]
fn every_report_as_xlsx() {
    let env = Env::new();
    for kind in TYPES {
        let out = env.run(&morning_args(kind, &["--format", "xlsx", "-o", "m.xlsx"]));
        out.assert_success();
        let bytes = std::fs::read(env.path().join("m.xlsx")).unwrap();
        insta::assert_snapshot!(format!("xlsx_{kind}"), typed(bytes));
    }
}

/// A job may ask for XLSX: the file, its extension and the log know it.
#[test]
fn a_job_writes_xlsx() {
    let env = Env::new();
    env.write(
        "jobs.toml",
        "[[job]]\nid = \"x\"\ntype = \"QUEUESUMMARY\"\nformat = \"xlsx\"\ncron_expr = \"1 0 * * *\"\ntime_zone = \"America/New_York\"\n",
    );
    let out = env.run(&[
        "run",
        "--jobs",
        "jobs.toml",
        "--data",
        SAMPLE,
        "--out",
        "out",
        "--now",
        "2025-11-04T06:00:00-05:00",
    ]);
    out.assert_success();
    assert_eq!(
        out.stdout,
        "wrote x/QUEUESUMMARY_20251103T0000-0500_20251104T0000-0500.xlsx (4 rows)\n"
    );
    let log = std::fs::read_to_string(env.path().join("out/report_log.json")).unwrap();
    assert!(log.contains("\"format\": \"XLSX\""), "{log}");
}
