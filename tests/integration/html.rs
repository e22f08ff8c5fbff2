//! HTML reports: snapshots, the same values as the CSV cell by cell, self-contained, accessible,
//! and safe with hostile text.

use scraper::{Html, Selector};

use crate::build::{day_args, morning_args, SAMPLE, TYPES};
use crate::harness::Env;

fn build(env: &Env, data: &str, kind: &str, format: &str) -> String {
    let out = env.run(&day_args(kind, data, &["--format", format]));
    out.assert_success();
    out.stdout
}

/// The table's cells as the CSV shows them: a duration's exact seconds are in `data-v`.
fn html_cells(html: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let doc = Html::parse_document(html);
    let th = Selector::parse("table thead th").unwrap();
    let tr = Selector::parse("table tbody tr").unwrap();
    let cell = Selector::parse("th, td").unwrap();
    let headings = doc.select(&th).map(|h| h.text().collect()).collect();
    let rows = doc
        .select(&tr)
        .map(|r| {
            r.select(&cell)
                .map(|c| {
                    c.value()
                        .attr("data-v")
                        .map(String::from)
                        .unwrap_or_else(|| c.text().collect())
                })
                .collect()
        })
        .collect();
    (headings, rows)
}

fn csv_cells(csv: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Two morning hours of the sample: every type has rows, and its page stays small enough to
/// review as a snapshot (every value of the whole day is checked by `every_cell_equals_the_csv`).
fn morning_page(env: &Env, kind: &str) -> String {
    let out = env.run(&morning_args(kind, &["--format", "html"]));
    out.assert_success();
    out.stdout
}

#[test]
fn every_report_as_html_on_the_sample() {
    let env = Env::new();
    for kind in TYPES {
        let html = build(&env, SAMPLE, kind, "html");
        for forbidden in ["http", "src=", "<script", "<link", "@import", "url("] {
            assert!(
                !html.contains(forbidden),
                "{kind}: self-contained, but has {forbidden:?}"
            );
        }
        for needed in [
            "<caption>",
            "<thead>",
            "<th scope=\"col\"",
            "@media print",
            "display: table-header-group",
        ] {
            assert!(html.contains(needed), "{kind}: {needed}");
        }
        insta::assert_snapshot!(format!("html_{kind}"), morning_page(&env, kind));
    }
}

#[test]
fn every_cell_equals_the_csv() {
    let env = Env::new();
    for kind in TYPES {
        let (headings, rows) = html_cells(&build(&env, SAMPLE, kind, "html"));
        let csv = csv_cells(&build(&env, SAMPLE, kind, "csv"));
        assert_eq!(rows.len(), csv.len(), "{kind}: rows");
        assert!(!headings.is_empty());
        for (i, (h, c)) in rows.iter().zip(&csv).enumerate() {
            assert_eq!(h, c, "{kind}: row {i}");
        }
    }
}

#[test]
fn charts_where_the_report_has_a_dimension() {
    let env = Env::new();
    for kind in [
        "DAILYSTATISTICS",
        "SPEEDOFACCEPT",
        "ABANDONDELAY",
        "QUEUESUMMARY",
        "AGENTSUMMARYACTIVITY",
        "AGENTNOTREADYCODE",
    ] {
        let html = build(&env, SAMPLE, kind, "html");
        let doc = Html::parse_document(&html);
        let svg = Selector::parse("svg[role=img] > title").unwrap();
        assert!(doc.select(&svg).count() >= 1, "{kind} has a titled chart");
        assert!(html.contains("<rect"), "{kind} has bars");
    }
    for kind in ["CALLLOGS", "AGENTDETAILSACTIVITY"] {
        assert!(
            !build(&env, SAMPLE, kind, "html").contains("<svg"),
            "{kind} is a plain table"
        );
    }
}

#[test]
fn hostile_text_is_shown_not_run() {
    let env = Env::new();
    let evil = "<script>alert(1)</script>";
    let quotes = "\"&'";
    env.write(
        "data/cdr.csv",
        format!(
            "session_id,caller,caller_endpoint,callee,callee_endpoint,callee_display_name,started_at,answered_at,ended_at,user_data\n\
             s1,555,TRUNK,1001,EXTENSION,\"{}\",2025-11-02T10:00:00-05:00,2025-11-02T10:00:05-05:00,2025-11-02T10:01:00-05:00,\"{}\"\n",
            evil,
            quotes.replace('"', "\"\"")
        ),
    );
    for kind in ["USERSTATISTICS", "CALLLOGS"] {
        let html = build(&env, "data", kind, "html");
        assert!(!html.contains(evil), "{kind}: the script tag is escaped");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || html.contains("&lt;script&gt;"),
            "{kind}"
        );
        let (_, rows) = html_cells(&html);
        let texts: Vec<&String> = rows.iter().flatten().collect();
        assert!(
            texts.iter().any(|t| t.as_str() == evil),
            "{kind}: shown as text: {texts:?}"
        );
        if kind == "CALLLOGS" {
            assert!(
                texts.iter().any(|t| t.as_str() == quotes),
                "{kind}: {texts:?}"
            );
        }
    }
}
