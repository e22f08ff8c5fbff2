//! When jobs fire and what they cover (SPEC §5.2, §5.3): strict 5-field cron read by `croner`
//! in the job's zone, and the period each `time_range` gives at a fire time.

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;

use crate::reports::params::{Params, TimeRange};
use crate::time::{day_start, local_date, zoned, Ts};

/// A parsed cron expression in a zone.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    tz: Tz,
}

impl Schedule {
    /// Reads a 5-field expression (`minute hour day-of-month month day-of-week`) or a nickname
    /// (`@daily`, ...). Day-of-week 0 and 7 are Sunday; when both day fields are restricted a day
    /// matching either fires; a field is restricted unless it is exactly `*`.
    pub fn parse(expr: &str, tz: Tz) -> Result<Schedule, String> {
        let parser = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build();
        let fields = expr.split_whitespace().count();
        if !expr.trim_start().starts_with('@') && fields != 5 {
            return Err(format!("\"{expr}\" has {fields} fields; a cron expression has exactly 5 (minute hour day month weekday)"));
        }
        let cron = parser
            .parse(expr)
            .map_err(|e| format!("\"{expr}\" is not a valid cron expression: {e}"))?;
        let schedule = Schedule { cron, tz };
        // A date that no year has (`0 0 30 2 *`) parses but never fires; one that some years
        // have (February 29th) fires within every 400-year cycle of the calendar.
        const Y2000: Ts = 946_684_800;
        const Y2400: Ts = 13_569_465_600;
        if schedule.next_after(Y2000).is_none_or(|t| t >= Y2400) {
            return Err(format!("\"{expr}\" never fires (no date matches it)"));
        }
        Ok(schedule)
    }

    /// The zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The first fire time after `t`.
    pub fn next_after(&self, t: Ts) -> Option<Ts> {
        self.cron
            .find_next_occurrence(&zoned(t, self.tz), false)
            .ok()
            .map(|d| d.timestamp())
    }

    /// The last fire time before `t`.
    pub fn previous_before(&self, t: Ts) -> Option<Ts> {
        self.cron
            .find_previous_occurrence(&zoned(t, self.tz), false)
            .ok()
            .map(|d| d.timestamp())
    }

    /// The last fire time at or before `t`.
    pub fn latest_at_or_before(&self, t: Ts) -> Option<Ts> {
        self.cron
            .find_previous_occurrence(&zoned(t, self.tz), true)
            .ok()
            .map(|d| d.timestamp())
    }

    /// Fire times in `(after, until]`, oldest first.
    pub fn between(&self, after: Ts, until: Ts) -> Vec<Ts> {
        let mut out = Vec::new();
        let mut t = after;
        while let Some(next) = self.next_after(t).filter(|&n| n <= until) {
            out.push(next);
            t = next;
        }
        out
    }
}

/// Local midnight `days` days after `date` (negative: before).
fn day(date: NaiveDate, days: i64, tz: Tz) -> Ts {
    day_start(date + Duration::days(days), tz)
}

/// The period a job's `time_range` covers at fire time `fire` (SPEC §5.3). `Ok(None)` when
/// `SINCE_LAST_RUN` has no earlier fire time.
pub fn period(params: &Params, fire: Ts, schedule: &Schedule) -> Result<Option<(Ts, Ts)>, String> {
    let tz = schedule.tz();
    let d = local_date(fire, tz);
    Ok(Some(match params.time_range {
        TimeRange::Today => (day(d, 0, tz), fire),
        TimeRange::Yesterday => (day(d, -1, tz), day(d, 0, tz)),
        TimeRange::LastWeek => {
            let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
            (day(monday, -7, tz), day(monday, 0, tz))
        }
        TimeRange::LastSevenDays => (day(d, -7, tz), day(d, 0, tz)),
        TimeRange::LastMonth => {
            // The first of this month, then the first of the one before (day arithmetic: no
            // date to construct that could be invalid).
            let first = d - Duration::days(i64::from(d.day0()));
            let last_of_prev = first - Duration::days(1);
            let prev = last_of_prev - Duration::days(i64::from(last_of_prev.day0()));
            (day_start(prev, tz), day_start(first, tz))
        }
        TimeRange::Last28Days => (day(d, -28, tz), day(d, 0, tz)),
        TimeRange::Custom => match (params.from, params.to) {
            (Some(f), Some(t)) => (f, t),
            _ => return Err("time_range CUSTOM needs params \"from\" and \"to\"".into()),
        },
        TimeRange::SinceLastRun => match schedule.previous_before(fire) {
            Some(prev) => (prev, fire),
            None => return Ok(None),
        },
    }))
}

/// The period an HTML report compares `[from, to)` with (SPEC §6.1): for the presets the same
/// preset one period earlier (the month before for LAST_MONTH; the day before, to the same wall
/// time, for TODAY; the fire interval before for SINCE_LAST_RUN, which is `[S − (E − S), S)`
/// when fires are evenly spaced); otherwise the same number of local days before when both
/// bounds are local midnights, else `[S − (E − S), S)`.
pub fn previous(range: TimeRange, from: Ts, to: Ts, tz: Tz) -> (Ts, Ts) {
    let midnight = |t: Ts| day_start(local_date(t, tz), tz) == t;
    let back_days = |t: Ts, n: i64| {
        let local = crate::time::zoned(t, tz).naive_local() - Duration::days(n);
        crate::time::resolve_local(local, tz)
    };
    match range {
        TimeRange::LastMonth => {
            let first = local_date(from, tz);
            let prev = first
                .checked_sub_months(chrono::Months::new(1))
                .unwrap_or(first);
            (day_start(prev, tz), from)
        }
        TimeRange::Today => (back_days(from, 1), back_days(to, 1)),
        TimeRange::SinceLastRun => (from - (to - from), from),
        _ if midnight(from) && midnight(to) => {
            let days = (local_date(to, tz) - local_date(from, tz)).num_days();
            (back_days(from, days), from)
        }
        _ => (from - (to - from), from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_rfc3339, parse_rfc3339};

    #[test]
    fn the_previous_period_of_each_preset() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let prev = |r, a: &str, b: &str| {
            let (f, t) = previous(r, ts(a), ts(b), ny);
            (format_rfc3339(f, ny), format_rfc3339(t, ny))
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        // The day before the fall-back day is 24 h; the fall-back day itself 25 h.
        assert_eq!(
            prev(
                TimeRange::Yesterday,
                "2025-11-03T00:00:00-05:00",
                "2025-11-04T00:00:00-05:00"
            ),
            pair("2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00")
        );
        assert_eq!(
            prev(
                TimeRange::LastWeek,
                "2025-10-27T00:00:00-04:00",
                "2025-11-03T00:00:00-05:00"
            ),
            pair("2025-10-20T00:00:00-04:00", "2025-10-27T00:00:00-04:00")
        );
        assert_eq!(
            prev(
                TimeRange::LastMonth,
                "2025-03-01T00:00:00-05:00",
                "2025-04-01T00:00:00-04:00"
            ),
            pair("2025-02-01T00:00:00-05:00", "2025-03-01T00:00:00-05:00")
        );
        assert_eq!(
            prev(
                TimeRange::Today,
                "2025-11-04T00:00:00-05:00",
                "2025-11-04T09:30:00-05:00"
            ),
            pair("2025-11-03T00:00:00-05:00", "2025-11-03T09:30:00-05:00")
        );
        assert_eq!(
            prev(
                TimeRange::Custom,
                "2025-11-04T08:00:00-05:00",
                "2025-11-04T12:00:00-05:00"
            ),
            pair("2025-11-04T04:00:00-05:00", "2025-11-04T08:00:00-05:00")
        );
        assert_eq!(
            prev(
                TimeRange::Custom,
                "2025-11-03T00:00:00-05:00",
                "2025-11-05T00:00:00-05:00"
            ),
            pair("2025-11-01T00:00:00-04:00", "2025-11-03T00:00:00-05:00")
        );
    }

    fn ts(s: &str) -> Ts {
        parse_rfc3339(s).unwrap()
    }

    #[test]
    fn an_expression_that_never_fires_is_refused() {
        let tz = Tz::UTC;
        let e = Schedule::parse("0 0 30 2 *", tz).unwrap_err();
        assert_eq!(e, "\"0 0 30 2 *\" never fires (no date matches it)");
        assert!(
            Schedule::parse("0 0 31 4,6 *", tz).is_err(),
            "30-day months"
        );
        assert!(Schedule::parse("0 0 29 2 *", tz).is_ok(), "leap days fire");
    }

    fn fires(expr: &str, zone: &str, after: &str, n: usize) -> Vec<String> {
        let tz: Tz = zone.parse().unwrap();
        let s = Schedule::parse(expr, tz).unwrap();
        let mut t = ts(after);
        (0..n)
            .map(|_| {
                t = s.next_after(t).unwrap();
                format_rfc3339(t, tz)
            })
            .collect()
    }

    #[test]
    fn tuesday_is_2() {
        // 2025-09-28 is a Sunday.
        assert_eq!(
            fires("2 1 * * 2", "Asia/Shanghai", "2025-09-28T00:00:00+08:00", 2),
            ["2025-09-30T01:02:00+08:00", "2025-10-07T01:02:00+08:00"]
        );
        assert_eq!(
            fires("1 0 * * *", "UTC", "2025-09-28T00:01:00Z", 1),
            ["2025-09-29T00:01:00+00:00"]
        );
        assert_eq!(
            fires("3 2 1 * *", "UTC", "2025-09-28T00:00:00Z", 2),
            ["2025-10-01T02:03:00+00:00", "2025-11-01T02:03:00+00:00"]
        );
        assert_eq!(
            fires("0 0 * * 0", "UTC", "2025-09-28T00:00:00Z", 1),
            fires("0 0 * * 7", "UTC", "2025-09-28T00:00:00Z", 1)
        );
    }

    #[test]
    fn day_of_month_or_day_of_week() {
        // 2025-09-01 is a Monday: the 1st, then Mondays 8, then the 15th (a Monday too), 22, 29.
        let got = fires("0 9 1,15 * MON", "UTC", "2025-08-31T12:00:00Z", 5);
        assert_eq!(
            got,
            [
                "2025-09-01T09:00:00+00:00",
                "2025-09-08T09:00:00+00:00",
                "2025-09-15T09:00:00+00:00",
                "2025-09-22T09:00:00+00:00",
                "2025-09-29T09:00:00+00:00"
            ]
        );
        // `*/2` is restricted (as gocron reads it): odd days and Mondays.
        let got = fires("0 12 */2 * MON", "UTC", "2025-09-01T13:00:00Z", 4);
        assert_eq!(
            got,
            [
                "2025-09-03T12:00:00+00:00",
                "2025-09-05T12:00:00+00:00",
                "2025-09-07T12:00:00+00:00",
                "2025-09-08T12:00:00+00:00"
            ]
        );
    }

    #[test]
    fn dst_gaps_and_folds() {
        let ny = "America/New_York";
        // Spring forward: 02:30 does not exist; a fixed-time job fires at 03:00 EDT.
        assert_eq!(
            fires("30 2 * * *", ny, "2025-03-08T12:00:00-05:00", 2),
            ["2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"]
        );
        // Fall back: 01:30 happens twice; a fixed-time job fires once, at the first.
        assert_eq!(
            fires("30 1 * * *", ny, "2025-11-01T12:00:00-04:00", 2),
            ["2025-11-02T01:30:00-04:00", "2025-11-03T01:30:00-05:00"]
        );
        assert_eq!(
            fires("30 2 * * *", ny, "2025-11-01T12:00:00-04:00", 1),
            ["2025-11-02T02:30:00-05:00"]
        );
        // Interval jobs: nothing inside the gap, both passes of the fold.
        assert_eq!(
            fires("*/30 1-2 * * *", ny, "2025-03-09T00:00:00-05:00", 3),
            [
                "2025-03-09T01:00:00-05:00",
                "2025-03-09T01:30:00-05:00",
                "2025-03-10T01:00:00-04:00"
            ]
        );
        assert_eq!(
            fires("*/30 1 * * *", ny, "2025-11-02T00:00:00-04:00", 4),
            [
                "2025-11-02T01:00:00-04:00",
                "2025-11-02T01:30:00-04:00",
                "2025-11-02T01:00:00-05:00",
                "2025-11-02T01:30:00-05:00"
            ]
        );
        // A zone whose midnight is skipped (Santiago, 2025-09-07): the first instant after.
        assert_eq!(
            fires(
                "0 0 * * *",
                "America/Santiago",
                "2025-09-06T12:00:00-04:00",
                2
            ),
            ["2025-09-07T01:00:00-03:00", "2025-09-08T00:00:00-03:00"]
        );
    }

    #[test]
    fn bad_expressions() {
        let tz = Tz::UTC;
        assert!(Schedule::parse("0 0 0 * * *", tz)
            .unwrap_err()
            .contains("has 6 fields"));
        assert!(Schedule::parse("0 0 * *", tz).is_err());
        assert!(
            Schedule::parse("5-1 * * * *", tz).is_err(),
            "reversed range"
        );
        assert!(
            Schedule::parse("5/5 * * * *", tz).is_err(),
            "a step without a range"
        );
        assert!(Schedule::parse("61 * * * *", tz).is_err());
        assert!(Schedule::parse("@daily", tz).is_ok());
        assert!(Schedule::parse("0 0 * JAN,JUL MON-FRI", tz).is_ok());
    }

    #[test]
    fn fires_between_and_previous() {
        let s = Schedule::parse("1 0 * * *", Tz::UTC).unwrap();
        let got = s.between(ts("2025-09-28T00:01:00Z"), ts("2025-10-01T00:01:00Z"));
        assert_eq!(
            got,
            vec![
                ts("2025-09-29T00:01:00Z"),
                ts("2025-09-30T00:01:00Z"),
                ts("2025-10-01T00:01:00Z")
            ]
        );
        assert_eq!(
            s.latest_at_or_before(ts("2025-10-01T00:01:00Z")),
            Some(ts("2025-10-01T00:01:00Z"))
        );
        assert_eq!(
            s.previous_before(ts("2025-10-01T00:01:00Z")),
            Some(ts("2025-09-30T00:01:00Z"))
        );
    }

    fn p(range: TimeRange) -> Params {
        Params {
            time_range: range,
            ..Params::default()
        }
    }

    fn span(range: TimeRange, fire: &str, zone: &str) -> (String, String) {
        let tz: Tz = zone.parse().unwrap();
        let s = Schedule::parse("1 0 * * *", tz).unwrap();
        let (a, b) = period(&p(range), ts(fire), &s).unwrap().unwrap();
        (format_rfc3339(a, tz), format_rfc3339(b, tz))
    }

    #[test]
    fn periods_from_the_tz_database() {
        let ny = "America/New_York";
        // A 23-hour and a 25-hour yesterday.
        assert_eq!(
            span(TimeRange::Yesterday, "2025-03-10T00:01:00-04:00", ny),
            (
                "2025-03-09T00:00:00-05:00".into(),
                "2025-03-10T00:00:00-04:00".into()
            )
        );
        assert_eq!(
            span(TimeRange::Yesterday, "2025-11-03T00:01:00-05:00", ny),
            (
                "2025-11-02T00:00:00-04:00".into(),
                "2025-11-03T00:00:00-05:00".into()
            )
        );
        assert_eq!(
            span(TimeRange::Today, "2025-11-03T09:30:00-05:00", ny),
            (
                "2025-11-03T00:00:00-05:00".into(),
                "2025-11-03T09:30:00-05:00".into()
            )
        );
        // LAST_WEEK on a Monday fire: the whole previous Monday–Sunday week.
        assert_eq!(
            span(TimeRange::LastWeek, "2025-09-29T00:01:00Z", "UTC"),
            (
                "2025-09-22T00:00:00+00:00".into(),
                "2025-09-29T00:00:00+00:00".into()
            )
        );
        assert_eq!(
            span(TimeRange::LastWeek, "2025-10-05T23:00:00Z", "UTC"),
            (
                "2025-09-22T00:00:00+00:00".into(),
                "2025-09-29T00:00:00+00:00".into()
            )
        );
        // LAST_MONTH across a year end.
        assert_eq!(
            span(
                TimeRange::LastMonth,
                "2026-01-01T00:01:00+08:00",
                "Asia/Shanghai"
            ),
            (
                "2025-12-01T00:00:00+08:00".into(),
                "2026-01-01T00:00:00+08:00".into()
            )
        );
        assert_eq!(
            span(TimeRange::LastSevenDays, "2025-10-08T00:01:00Z", "UTC"),
            (
                "2025-10-01T00:00:00+00:00".into(),
                "2025-10-08T00:00:00+00:00".into()
            )
        );
        assert_eq!(
            span(TimeRange::Last28Days, "2025-10-29T00:01:00Z", "UTC"),
            (
                "2025-10-01T00:00:00+00:00".into(),
                "2025-10-29T00:00:00+00:00".into()
            )
        );
        assert_eq!(
            span(TimeRange::SinceLastRun, "2025-10-29T00:01:00Z", "UTC"),
            (
                "2025-10-28T00:01:00+00:00".into(),
                "2025-10-29T00:01:00+00:00".into()
            )
        );
        // Santiago: the day after the midnight gap starts at 01:00.
        assert_eq!(
            span(
                TimeRange::Yesterday,
                "2025-09-08T00:01:00-03:00",
                "America/Santiago"
            ),
            (
                "2025-09-07T01:00:00-03:00".into(),
                "2025-09-08T00:00:00-03:00".into()
            )
        );
        let custom = Params {
            time_range: TimeRange::Custom,
            ..Params::default()
        };
        assert!(period(&custom, 0, &Schedule::parse("1 0 * * *", Tz::UTC).unwrap()).is_err());
    }
}
