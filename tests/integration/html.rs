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
    let th = Selector::parse("table thead tr:last-child th").unwrap();
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
        for forbidden in ["http", "src=", "<script", "<link", "@import"] {
            assert!(
                !html.contains(forbidden),
                "{kind}: self-contained, but has {forbidden:?}"
            );
        }
        // `url(#chart1-p1)` names a pattern in the page; nothing else may be fetched.
        assert_eq!(
            html.matches("url(").count(),
            html.matches("url(#").count(),
            "{kind}: a url() outside the page"
        );
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
    // The service-level curve and the SLA target line (SPEC §6.1).
    let speed = build(&env, SAMPLE, "SPEEDOFACCEPT", "html");
    assert!(speed.contains("% answered within") && speed.contains("target 80%"));
    assert!(
        speed.contains("<title>all: all queues (cumulative) 100.00%</title>"),
        "the curve ends at 100 %"
    );
    let queues = build(&env, SAMPLE, "QUEUESUMMARY", "html");
    assert!(queues.contains("<line class=\"target\"") && queues.contains("target 80%"));
    assert!(
        !build(&env, SAMPLE, "CALLLOGS", "html").contains("<svg"),
        "CALLLOGS is a plain table"
    );
    // AGENTDETAILSACTIVITY: a timeline of each agent's states, a line per agent of the CSV.
    let details = build(&env, SAMPLE, "AGENTDETAILSACTIVITY", "html");
    let csv = build(&env, SAMPLE, "AGENTDETAILSACTIVITY", "csv");
    let agents: std::collections::BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert!(details.contains("<svg class=\"chart gantt\""));
    for agent in &agents {
        assert!(
            details.contains(&format!("<title>{agent} ")),
            "agent {agent} has a line"
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

/// The headline tiles' values, in page order (`Offered` → `206`).
fn tiles(html: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(html);
    let tile = Selector::parse(".tiles .tile").unwrap();
    let part = |t: scraper::ElementRef, s: &str| {
        let sel = Selector::parse(s).unwrap();
        t.select(&sel).next().unwrap().text().collect::<String>()
    };
    doc.select(&tile)
        .map(|t| (part(t, ".tl"), part(t, ".tv")))
        .collect()
}

#[test]
fn headline_figures_come_before_the_table_and_equal_the_total_row() {
    let env = Env::new();
    let html = build(&env, SAMPLE, "QUEUESUMMARY", "html");
    let csv = build(&env, SAMPLE, "QUEUESUMMARY", "csv");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let total: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
    let cell = |name: &str| total[header.iter().position(|h| *h == name).unwrap()];
    assert!(html.find("class=\"tiles\"").unwrap() < html.find("<table").unwrap());
    assert_eq!(
        tiles(&html),
        [
            ("Offered".to_string(), cell("offered").to_string()),
            ("SLA".to_string(), format!("{} %", cell("sla_pct"))),
            (
                "Abandon rate".to_string(),
                format!("{} %", cell("abandon_rate_pct"))
            ),
            ("ASA".to_string(), format!("{} s", cell("asa_secs"))),
        ]
    );
}

#[test]
fn a_queue_below_its_target_is_marked_in_text_and_targets_leave_the_csv_alone() {
    let env = Env::new();
    let with = |kind: &str, format: &str, target: &str| {
        let arg = format!("sla_target_pct={target}");
        let out = env.run(&day_args(
            kind,
            SAMPLE,
            &["--format", format, "--param", &arg],
        ));
        out.assert_success();
        out.stdout
    };
    assert_eq!(
        with("QUEUESUMMARY", "csv", "70"),
        build(&env, SAMPLE, "QUEUESUMMARY", "csv")
    );
    assert_eq!(
        with("SPEEDOFACCEPT", "csv", "99.5"),
        build(&env, SAMPLE, "SPEEDOFACCEPT", "csv")
    );
    // The sample day's SLA: one queue above 70 %, another below.
    let html = with("QUEUESUMMARY", "html", "70");
    let doc = Html::parse_document(&html);
    let row = Selector::parse("table tbody tr").unwrap();
    let cell = Selector::parse("td").unwrap();
    let sla_col = 9; // after the queue's <th>: name, offered, …, within SLA, SLA %
    let mut marked = Vec::new();
    for r in doc.select(&row) {
        let queue: String = r.text().next().unwrap().to_string();
        let sla = r.select(&cell).nth(sla_col).unwrap();
        let value: f64 = sla.value().attr("data-v").map_or_else(
            || sla.text().collect::<String>().trim().parse().unwrap(),
            |v| v.parse().unwrap(),
        );
        let text: String = sla.text().collect();
        assert_eq!(text.contains('▼'), value < 70.0, "{queue}: {text}");
        if value < 70.0 {
            marked.push(queue);
        }
    }
    assert!(!marked.is_empty() && marked.len() < 4, "{marked:?}");
    assert!(html.contains("✗ misses target ≥ 70 %") || html.contains("✓ meets target ≥ 70 %"));
}

#[test]
fn long_reports_show_html_max_rows_and_say_how_many_are_left_out() {
    let env = Env::new();
    let csv = build(&env, SAMPLE, "CALLLOGS", "csv");
    let rows = csv.lines().count() - 1;
    let out = env.run(&day_args(
        "CALLLOGS",
        SAMPLE,
        &["--format", "html", "--param", "html_max_rows=100"],
    ));
    out.assert_success();
    let (_, shown) = html_cells(&out.stdout);
    assert_eq!(shown.len(), 100);
    assert_eq!(shown, csv_cells(&csv)[..100].to_vec());
    let left = rows - 100;
    let banner = format!("{left} rows not shown: the CSV and XLSX formats hold every row");
    let banner = if left >= 1000 {
        banner.replacen(
            &left.to_string(),
            &format!("{},{:03}", left / 1000, left % 1000),
            1,
        )
    } else {
        banner
    };
    assert!(out.stdout.contains(&banner), "{banner}");
}

#[test]
fn an_empty_period_says_so_instead_of_drawing_axes() {
    let env = Env::new();
    for (kind, words) in [
        ("QUEUESUMMARY", "No calls in this period."),
        ("DAILYSTATISTICS", "No calls in this period."),
        ("AGENTSUMMARYACTIVITY", "No agent activity in this period."),
    ] {
        let out = env.run(&[
            "build",
            "--type",
            kind,
            "--data",
            SAMPLE,
            "--from",
            "2025-10-01T00:00:00-04:00",
            "--to",
            "2025-10-02T00:00:00-04:00",
            "--tz",
            "America/New_York",
            "--now",
            "2025-11-05T06:00:00Z",
            "--format",
            "html",
        ]);
        out.assert_success();
        assert!(out.stdout.contains(words), "{kind}");
        assert!(!out.stdout.contains("<svg"), "{kind}: no empty axes");
    }
}

#[test]
fn the_change_from_the_previous_period_is_the_difference_of_the_two_csvs() {
    let env = Env::new();
    let html = build(&env, SAMPLE, "QUEUESUMMARY", "html");
    // The sample day is the fall-back day (25 h); the day before is 2025-11-01.
    let day_before = |format: &str| {
        let out = env.run(&[
            "build",
            "--type",
            "QUEUESUMMARY",
            "--data",
            SAMPLE,
            "--from",
            "2025-11-01T00:00:00-04:00",
            "--to",
            "2025-11-02T00:00:00-04:00",
            "--tz",
            "America/New_York",
            "--now",
            "2025-11-05T06:00:00Z",
            "--format",
            format,
        ]);
        out.assert_success();
        out
    };
    let before = day_before("csv");
    let total = |csv: &str, name: &str| -> f64 {
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let row: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
        row[header.iter().position(|h| *h == name).unwrap()]
            .parse()
            .unwrap()
    };
    let now = build(&env, SAMPLE, "QUEUESUMMARY", "csv");
    let doc = Html::parse_document(&html);
    let tile = Selector::parse(".tiles .tile").unwrap();
    let part = |t: scraper::ElementRef, s: &str| {
        let sel = Selector::parse(s).unwrap();
        t.select(&sel).next().map(|e| e.text().collect::<String>())
    };
    let mut checked = 0;
    for t in doc.select(&tile) {
        let label = part(t, ".tl").unwrap();
        let column = match label.as_str() {
            "Offered" => "offered",
            "SLA" => "sla_pct",
            "Abandon rate" => "abandon_rate_pct",
            "ASA" => "asa_secs",
            other => panic!("unexpected tile {other}"),
        };
        let d = total(&now, column) - total(&before.stdout, column);
        let change = part(t, ".tc").unwrap();
        let shown: f64 = change
            .split_whitespace()
            .nth(1)
            .unwrap()
            .replace('−', "-")
            .replace(',', "")
            .parse()
            .unwrap();
        assert!((shown - d).abs() < 1e-9, "{label}: {change} vs {d}");
        assert_eq!(change.starts_with('▲'), d > 0.0, "{label}: {change}");
        checked += 1;
    }
    assert_eq!(checked, 4);
    // A period before the data has nothing to compare with: no change is shown.
    let first = day_before("html");
    assert!(!first.stdout.contains("class=\"tc\""));
}

#[test]
fn several_days_by_the_hour_get_a_day_by_hour_heatmap_with_the_csv_totals() {
    let env = Env::new();
    let args = |format: &'static str| {
        vec![
            "build",
            "--type",
            "DAILYSTATISTICS",
            "--data",
            SAMPLE,
            "--from",
            "2025-11-01T00:00:00-04:00",
            "--to",
            "2025-11-05T00:00:00-05:00",
            "--tz",
            "America/New_York",
            "--now",
            "2025-11-05T06:00:00Z",
            "--param",
            "granularity=HOUR",
            "--format",
            format,
        ]
    };
    let html = env.run(&args("html"));
    html.assert_success();
    let csv = env.run(&args("csv"));
    csv.assert_success();
    let doc = Html::parse_document(&html.stdout);
    let cells = Selector::parse("svg rect > title").unwrap();
    // The heatmap's cells: "Sat 01 Nov, 13: 34".
    let values: Vec<i64> = doc
        .select(&cells)
        .filter_map(|t| {
            let text: String = t.text().collect();
            let (where_, v) = text.rsplit_once(": ")?;
            where_.contains(" Nov, ").then(|| v.parse().unwrap())
        })
        .collect();
    assert_eq!(values.len(), 4 * 24, "four days of 24 hours");
    let rows = csv_cells(&csv.stdout);
    let total: i64 = rows.iter().map(|r| r[1].parse::<i64>().unwrap()).sum();
    assert_eq!(values.iter().sum::<i64>(), total);
    assert!(html.stdout.find("Calls by day and hour") < html.stdout.find("Calls per hour"));
}

/// `sample --queues 14 --long-names`: fourteen queues and long agent names. Every queue is a
/// row; a chart shortens a long name and keeps the whole of it on hover; a long agent name is
/// shown whole in the table.
#[test]
fn fourteen_queues_with_long_names() {
    let env = Env::new();
    let args = [
        "sample",
        "--out",
        "wide",
        "--days",
        "1",
        "--calls-per-day",
        "600",
        "--tz",
        "America/New_York",
        "--start",
        "2025-11-02",
        "--queues",
        "14",
        "--long-names",
    ];
    env.run(&args).assert_success();
    let csv = build(&env, "wide", "QUEUESUMMARY", "csv");
    assert_eq!(csv.lines().count(), 1 + 14 + 1, "header, 14 queues, TOTAL");
    let long = "8003 Sales – New Customers North America";
    let html = build(&env, "wide", "QUEUESUMMARY", "html");
    assert!(
        html.contains(&format!("<title>{long}</title>")),
        "whole name on hover"
    );
    assert!(html.contains(">8003 Sales – New Customers…</text>"));
    let agents = build(&env, "wide", "AGENTQUEUEREPORT", "html");
    assert!(agents.contains("<td>Alexandra Konstantinopoulou-Vasquez</td>"));
    let bad = env.run(&["sample", "--out", "x", "--queues", "21"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
