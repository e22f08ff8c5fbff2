//! HTML reports printed by a real browser (SPEC §6.1): every type over a 7-day, 3,000-calls-a-day
//! sample printed to PDF by headless Chromium, its text read back with `pdftotext`: the last
//! column is on the page (nothing cut), and the row-per-record pages stay small. Skipped, with a
//! message, where Chromium or poppler-utils are not installed (`.ci/run` installs them).

use std::path::Path;
use std::process::Command;

use scraper::{Html, Selector};

use crate::build::TYPES;
use crate::harness::Env;

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// Prints `html` to `pdf` with headless Chromium (flags that keep it off the network).
fn print(html: &Path, pdf: &Path, profile: &Path) {
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "chromium failed on {}",
        html.display()
    );
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The shown text of the last cell of the first table row whose last cell is not empty.
fn last_cell(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let row = Selector::parse("table tbody tr").unwrap();
    let cell = Selector::parse("th, td").unwrap();
    doc.select(&row).find_map(|r| {
        let last = r.select(&cell).last()?;
        let text: String = last.text().collect::<String>().trim().to_string();
        (!text.is_empty()).then_some(text)
    })
}

#[test]
fn every_type_prints_every_column_and_long_reports_stay_small() {
    if !have("chromium") || !have("pdftotext") {
        eprintln!(
            "skipped: chromium or pdftotext not installed (apt-get install chromium poppler-utils)"
        );
        return;
    }
    let env = Env::new();
    env.run(&[
        "sample",
        "--out",
        "week",
        "--days",
        "7",
        "--calls-per-day",
        "3000",
        "--tz",
        "America/New_York",
        "--start",
        "2025-11-01",
    ])
    .assert_success();
    let profile = env.path().join("profile");
    for kind in TYPES {
        let html = env.path().join(format!("{kind}.html"));
        let pdf = env.path().join(format!("{kind}.pdf"));
        let out = env.run(&[
            "build",
            "--type",
            kind,
            "--data",
            "week",
            "--from",
            "2025-11-01T00:00:00-04:00",
            "--to",
            "2025-11-08T00:00:00-05:00",
            "--tz",
            "America/New_York",
            "--now",
            "2025-11-08T06:00:00-05:00",
            "--format",
            "html",
            "-o",
            html.to_str().unwrap(),
        ]);
        out.assert_success();
        let page = std::fs::read_to_string(&html).unwrap();
        if matches!(kind, "CALLLOGS" | "AGENTDETAILSACTIVITY") {
            assert!(page.len() < 2_000_000, "{kind}: {} bytes", page.len());
        }
        print(&html, &pdf, &profile);
        let text: String = pdf_text(&pdf).split_whitespace().collect();
        // The last column's value is on the page: no table is cut at its right edge.
        let Some(last) = last_cell(&page) else {
            continue;
        };
        let last: String = last.split_whitespace().collect();
        assert!(
            text.contains(&last),
            "{kind}: last column ({last:?}) not printed"
        );
    }
}

#[test]
fn a_short_report_prints_on_one_page() {
    if !have("chromium") || !have("pdfinfo") {
        eprintln!(
            "skipped: chromium or pdfinfo not installed (apt-get install chromium poppler-utils)"
        );
        return;
    }
    let env = Env::new();
    let profile = env.path().join("profile");
    for kind in [
        "QUEUESUMMARY",
        "SPEEDOFACCEPT",
        "ABANDONDELAY",
        "CALLBACKSUMMARY",
    ] {
        let html = env.path().join(format!("{kind}.html"));
        let pdf = env.path().join(format!("{kind}.pdf"));
        let path = html.to_str().unwrap();
        env.run(&crate::build::day_args(
            kind,
            crate::build::SAMPLE,
            &["--format", "html", "-o", path],
        ))
        .assert_success();
        print(&html, &pdf, &profile);
        let info = Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .expect("pdfinfo runs");
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let pages = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .map(str::trim);
        assert_eq!(pages, Some("1"), "{kind} prints on {pages:?} pages");
    }
}
