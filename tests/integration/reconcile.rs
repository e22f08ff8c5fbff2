//! Reports must agree with each other on the sample: one load, every report computed from the
//! same facts (as a nightly run does), then cross-checked.

use std::collections::{BTreeMap, BTreeSet};

use pbx_report::input::{load, LoadOptions};
use pbx_report::model::agents::Timeline;
use pbx_report::model::Facts;
use pbx_report::reports::params::{parse, RawParams};
use pbx_report::reports::table::Table;
use pbx_report::reports::{compute_all, Ctx, Period, ReportKind, Request};
use pbx_report::time::parse_rfc3339;

use crate::build::{NOW, SAMPLE};

fn request(kind: ReportKind, args: &[&str]) -> Request {
    let mut raw = RawParams::default();
    for a in args {
        raw.push_arg(a).unwrap();
    }
    Request {
        kind,
        params: parse(kind, &raw).unwrap().0,
        criteria: None,
    }
}

/// Column `name` of every row whose first cell passes `keep`, as integers.
fn column(t: &Table, name: &str, keep: impl Fn(&[String]) -> bool) -> Vec<i64> {
    let k = t
        .columns
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("column {name}"));
    rows(t)
        .into_iter()
        .filter(|r| keep(r))
        .map(|r| r[k].parse::<i64>().unwrap_or(0))
        .collect()
}

fn rows(t: &Table) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| c.render(t.tz).into_owned())
                .collect()
        })
        .collect()
}

fn sum(v: Vec<i64>) -> i64 {
    v.into_iter().sum()
}

#[test]
fn reports_agree_with_each_other() {
    let mut ds = load(std::path::Path::new(SAMPLE), LoadOptions::default()).unwrap();
    let facts = Facts::build(&mut ds);
    let now = parse_rfc3339(NOW).unwrap();
    let timeline = Timeline::build(&ds, now, true);
    let period = Period {
        from: parse_rfc3339("2025-11-01T00:00:00-04:00").unwrap(),
        to: parse_rfc3339("2025-11-05T00:00:00-05:00").unwrap(),
        tz: "America/New_York".parse().unwrap(),
    };
    let ctx = Ctx {
        ds: &ds,
        facts: &facts,
        timeline: &timeline,
        period,
        now,
    };
    use ReportKind::*;
    let reqs = vec![
        request(QueueSummary, &[]),
        request(AgentQueueReport, &[]),
        request(SpeedOfAccept, &[]),
        request(AbandonDelay, &[]),
        request(CallbackSummary, &[]),
        request(DailyStatistics, &[]),
        request(DailyStatistics, &["granularity=HOUR"]),
        request(CallLogs, &[]),
        request(AgentSummaryActivity, &[]),
        request(RingGroupPerformance, &[]),
    ];
    let t: Vec<Table> = compute_all(&ctx, &reqs)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let (qs, aqr, soa, ad, cbs, daily, hourly, logs, asa, rg) = (
        &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8], &t[9],
    );

    let queues: Vec<String> = rows(qs)
        .into_iter()
        .map(|r| r[0].clone())
        .filter(|q| q != "TOTAL")
        .collect();
    assert_eq!(queues, ["8000", "8001", "8002"]);
    for q in queues.iter().map(String::as_str).chain(["TOTAL"]) {
        let is = |r: &[String]| r[0] == q;
        let accepted = sum(column(qs, "accepted", is));
        assert!(accepted > 0);
        assert_eq!(
            sum(column(soa, "accepted", is)),
            accepted,
            "SPEEDOFACCEPT {q}"
        );
        let buckets: i64 = (1..=10)
            .map(|i| sum(column(soa, &format!("accepted_st{i}"), is)))
            .sum::<i64>()
            + sum(column(soa, "accepted_over_st10", is));
        assert_eq!(buckets, accepted, "accepted buckets {q}");
        let abandoned = sum(column(qs, "abandoned", is));
        assert_eq!(
            sum(column(ad, "abandoned", is)),
            abandoned,
            "ABANDONDELAY {q}"
        );
        assert_eq!(
            sum(column(ad, "offered", is)),
            sum(column(qs, "offered", is))
        );
        let buckets: i64 = (1..=10)
            .map(|i| sum(column(ad, &format!("abandoned_st{i}"), is)))
            .sum::<i64>()
            + sum(column(ad, "abandoned_over_st10", is));
        assert_eq!(buckets, abandoned, "abandoned buckets {q}");
        assert_eq!(
            sum(column(cbs, "calls_received", is)),
            sum(column(qs, "offered", is))
        );
        let requested = sum(column(cbs, "callbacks_requested", is));
        assert_eq!(requested, sum(column(qs, "callbacks_requested", is)));
        assert_eq!(
            sum(column(cbs, "cb_ok", is))
                + sum(column(cbs, "cb_fail", is))
                + sum(column(cbs, "cb_pending", is)),
            requested,
            "every callback has one fate {q}"
        );
        if q != "TOTAL" {
            let agents = |r: &[String]| r[0] == q && r[2] != "TOTAL";
            let total = |r: &[String]| r[0] == q && r[2] == "TOTAL";
            assert_eq!(
                sum(column(aqr, "accepted", agents)),
                accepted,
                "AGENTQUEUEREPORT agents {q}"
            );
            assert_eq!(
                sum(column(aqr, "accepted", total)),
                accepted,
                "AGENTQUEUEREPORT TOTAL {q}"
            );
            assert_eq!(
                sum(column(aqr, "received", total)),
                sum(column(qs, "offered", is))
            );
        }
        let counts = [
            "offered",
            "accepted",
            "abandoned",
            "short_abandoned",
            "exited",
            "callbacks_requested",
            "accepted_within_sla",
        ];
        if q == "TOTAL" {
            for c in counts {
                assert_eq!(
                    sum(column(qs, c, |r| r[0] != "TOTAL")),
                    sum(column(qs, c, is)),
                    "TOTAL {c} from sums"
                );
            }
        }
    }
    // Agents: every answered entry has one agent.
    let all = |r: &[String]| r[0] == "TOTAL";
    assert_eq!(
        sum(column(asa, "accepted", all)),
        sum(column(qs, "accepted", all))
    );
    assert_eq!(
        sum(column(asa, "offered", all)),
        sum(column(aqr, "offered", |r| r[2] != "TOTAL"))
    );

    // Days and hours: the same calls, split differently; CALLLOGS lists each of them.
    let any = |_: &[String]| true;
    let calls: BTreeSet<String> = rows(logs).into_iter().map(|r| r[0].clone()).collect();
    for c in [
        "total",
        "answered",
        "inbound",
        "outbound",
        "internal",
        "talk_secs",
    ] {
        assert_eq!(
            sum(column(daily, c, any)),
            sum(column(hourly, c, any)),
            "{c}"
        );
    }
    assert_eq!(sum(column(daily, "total", any)), calls.len() as i64);
    assert_eq!(rows(daily).len(), 4);
    assert_eq!(
        rows(hourly).len(),
        4 * 24 + 1,
        "the fall-back day has 25 hours"
    );
    // Ring groups: received = answered + missed, per group and per member.
    for r in rows(rg) {
        let n = |k: usize| r[k].parse::<i64>().unwrap_or(0);
        assert_eq!(n(3), n(4) + n(5) + n(6), "{r:?}");
    }
    let per_hour: BTreeMap<String, i64> = rows(hourly)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect();
    assert!(
        per_hour.contains_key("2025-11-02T01:00:00-04:00")
            && per_hour.contains_key("2025-11-02T01:00:00-05:00")
    );
}
