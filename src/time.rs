//! Instants, zones and local days: Unix seconds everywhere inside, the tz database at the edges.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::{GapInfo, Tz};

/// An instant: whole seconds since the Unix epoch.
pub type Ts = i64;

/// The first instant a timestamp may name: 0001-01-01T00:00:00Z.
pub const MIN_TS: Ts = -62_135_596_800;
/// The last instant a timestamp may name: 9999-12-31T23:59:59Z. Later values (a run of digits
/// read as Unix seconds can be anything) are invalid input rather than dates nobody can print.
pub const MAX_TS: Ts = 253_402_300_799;

/// Reads a timestamp cell: Unix seconds, or RFC 3339 with an offset (fractions truncated).
/// `0` means absent and gives `None`. Returns the problem as text on failure, including an
/// instant outside the years 0001–9999.
pub fn parse_ts_cell(text: &str) -> Result<Option<Ts>, String> {
    if let Some(v) = unix_seconds(text) {
        return Ok(v);
    }
    let t = text.trim();
    let invalid = || format!("invalid timestamp \"{text}\"");
    // Unix seconds in one pass (most exports): digits only, at most MAX_TS.
    let mut secs: Option<i64> = (!t.is_empty()).then_some(0);
    for b in t.bytes() {
        if !b.is_ascii_digit() {
            secs = None;
            break;
        }
        // Past MAX_TS, one more digit still fits an i64: saturate there and say why below.
        secs = secs.map(|v| (v * 10 + i64::from(b - b'0')).min(MAX_TS + 1));
    }
    match secs {
        Some(0) => Ok(None),
        Some(v) if v <= MAX_TS => Ok(Some(v)),
        Some(_) => Err(format!("{} (after the year 9999)", invalid())),
        None => parse_rfc3339(t).map(Some).ok_or_else(invalid),
    }
}

/// Unix seconds as nearly every export writes them: 1 to 18 ASCII digits (no overflow), at
/// most `MAX_TS`, around them only ASCII white space; `Some(None)` for `0` (absent). `None`
/// for anything else, which `parse_ts_cell` reads (or refuses) the general way.
#[inline]
pub fn unix_seconds(text: &str) -> Option<Option<Ts>> {
    let digits = text.as_bytes().trim_ascii();
    if !(1..=18).contains(&digits.len()) {
        return None;
    }
    let (mut v, rest) = match digits.split_first_chunk::<8>() {
        Some((eight, rest)) => (eight_digits(u64::from_le_bytes(*eight))?, rest),
        None => (0, digits),
    };
    for &b in rest {
        let d = b.wrapping_sub(b'0');
        if d >= 10 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    // At most 18 digits: below 10^18, inside an i64.
    let v = v as i64;
    (v <= MAX_TS).then_some((v != 0).then_some(v))
}

/// The value of eight ASCII digits read as a little-endian word (the first digit in the low
/// byte), all at once; `None` unless every byte is a digit.
#[inline]
fn eight_digits(word: u64) -> Option<u64> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    // A digit is 0x30–0x39: high nibble 3, low nibble below 10 (adding 6 stays below 16).
    let x = word.wrapping_sub(ZEROS);
    let digits = word & 0xF0F0_F0F0_F0F0_F0F0 == ZEROS
        && x.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0;
    if !digits {
        return None;
    }
    // Pairs, then quads, then the eight: each lane holds its value with no carry across.
    let x = (x * 10 + (x >> 8)) & 0x00FF_00FF_00FF_00FF;
    let x = (x * 100 + (x >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((x * 10_000 + (x >> 32)) & 0xFFFF_FFFF)
}

/// Reads an RFC 3339 instant that carries an offset; fractional seconds are truncated. An
/// instant outside 0001–9999 UTC (`0000-12-31T23:00:00-02:00` is one) is refused.
pub fn parse_rfc3339(text: &str) -> Option<Ts> {
    let dt = DateTime::parse_from_rfc3339(text.trim()).ok()?;
    Some(dt.timestamp()).filter(|t| (MIN_TS..=MAX_TS).contains(t))
}

/// Reads an instant given on the command line or in a job file: RFC 3339 with an offset.
pub fn parse_instant(text: &str) -> Result<Ts, String> {
    parse_rfc3339(text).ok_or_else(|| {
        format!(
            "\"{text}\" is not an RFC 3339 time with an offset (e.g. 2025-09-28T00:00:00+08:00)"
        )
    })
}

/// Reads an IANA zone name such as `Asia/Shanghai`.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone \"{name}\" (use an IANA name such as Europe/Paris)")
    })
}

/// The instant as a zoned date-time. Every instant the readers accept (years 0001–9999, and a
/// leg's end at most 136 years later) is far inside chrono's range (±262,000 years); beyond it
/// the value is clamped to that range's end rather than replaced by another date.
pub fn zoned(ts: Ts, tz: Tz) -> DateTime<Tz> {
    let utc = DateTime::from_timestamp(ts, 0).unwrap_or(if ts < 0 {
        DateTime::<chrono::Utc>::MIN_UTC
    } else {
        DateTime::<chrono::Utc>::MAX_UTC
    });
    utc.with_timezone(&tz)
}

/// The instant at a fixed UTC offset (the Dataflow API's request offset), clamped as `zoned`.
pub fn at_offset(ts: Ts, offset: chrono::FixedOffset) -> DateTime<chrono::FixedOffset> {
    zoned(ts, Tz::UTC).with_timezone(&offset)
}

/// RFC 3339 in the zone, seconds precision, always a numeric offset (`+00:00`, never `Z`).
pub fn format_rfc3339(ts: Ts, tz: Tz) -> String {
    let mut s = String::with_capacity(25);
    push_rfc3339(ts, tz, &mut s);
    s
}

/// The zone's UTC offset at an instant, in seconds.
pub fn offset_secs(ts: Ts, tz: Tz) -> i32 {
    let hour = ts.div_euclid(3600);
    if let Some((zone, h, off)) = LAST_HOUR.get() {
        if zone == tz && h == hour {
            return off;
        }
    }
    let (first, last) = (
        lookup_offset(hour * 3600, tz),
        lookup_offset(hour * 3600 + 3599, tz),
    );
    if first != last {
        // A transition inside this hour: no shortcut.
        return lookup_offset(ts, tz);
    }
    LAST_HOUR.set(Some((tz, hour, first)));
    first
}

thread_local! {
    /// The zone offset of the last UTC hour looked up on this thread, when the offset is the
    /// same at both ends of the hour (zones change offset at most once in any hour). Report
    /// rows print timestamps in runs close in time, and the tz database lookup costs more than
    /// the formatting.
    static LAST_HOUR: std::cell::Cell<Option<(Tz, i64, i32)>> = const { std::cell::Cell::new(None) };
}

fn lookup_offset(ts: Ts, tz: Tz) -> i32 {
    use chrono::Offset;
    zoned(ts, tz).offset().fix().local_minus_utc()
}

/// Appends `format_rfc3339(ts, tz)` to `out`. Calendar arithmetic by hand (days to civil date,
/// after Howard Hinnant): reports print millions of timestamps, and a format string parsed per
/// call costs more than the rest of the row.
pub fn push_rfc3339(ts: Ts, tz: Tz, out: &mut String) {
    let off = offset_secs(ts, tz);
    let local = ts + i64::from(off);
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // `YYYY-MM-DDTHH:MM:SS+HH:MM`, written into a buffer and appended at once; the date part
    // is the last one's on this thread more often than not (rows come in runs of a day).
    let mut buf = *b"0000-00-00T00:00:00+00:00";
    match LAST_DATE.get() {
        Some((d, date)) if d == days => buf[..10].copy_from_slice(&date),
        _ => {
            let Some(date) = civil_date(days) else {
                out.push_str(&zoned(ts, tz).format("%Y-%m-%dT%H:%M:%S%:z").to_string());
                return;
            };
            LAST_DATE.set(Some((days, date)));
            buf[..10].copy_from_slice(&date);
        }
    }
    put2(&mut buf, 11, secs / 3600);
    put2(&mut buf, 14, secs % 3600 / 60);
    put2(&mut buf, 17, secs % 60);
    // Historic local mean times have seconds in their offsets: rounded to the minute, as chrono.
    let minutes = (i64::from(off.unsigned_abs()) + 30) / 60;
    put2(&mut buf, 20, minutes / 60);
    put2(&mut buf, 23, minutes % 60);
    if off < 0 {
        buf[19] = b'-';
    }
    // Only ASCII digits and separators were written.
    out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
}

thread_local! {
    /// The local day (days since 1970-01-01) last written by `push_rfc3339` on this thread,
    /// as `YYYY-MM-DD`.
    static LAST_DATE: std::cell::Cell<Option<(i64, [u8; 10])>> = const { std::cell::Cell::new(None) };
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (after Howard Hinnant's days-to-civil);
/// `None` outside the years 0000–9999.
fn civil_date(days: i64) -> Option<[u8; 10]> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let mut date = *b"0000-00-00";
    put2(&mut date, 0, year / 100);
    put2(&mut date, 2, year % 100);
    put2(&mut date, 5, month);
    put2(&mut date, 8, day);
    Some(date)
}

/// Writes `v` (0–99) as two digits at `at`.
fn put2(buf: &mut [u8], at: usize, v: i64) {
    buf[at] = b'0' + (v / 10) as u8;
    buf[at + 1] = b'0' + (v % 10) as u8;
}

/// The local calendar date of an instant.
pub fn local_date(ts: Ts, tz: Tz) -> NaiveDate {
    zoned(ts, tz).date_naive()
}

/// The first instant of a local wall time: the earlier one in a fold, the first instant after
/// the gap when the wall time does not exist.
pub fn resolve_local(naive: NaiveDateTime, tz: Tz) -> Ts {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
        LocalResult::None => match GapInfo::new(&naive, &tz).and_then(|g| g.end) {
            Some(end) => end.timestamp(),
            // A gap with no recorded end cannot happen in the tz database; fall back to
            // reading the wall time with the offset in force just before it.
            None => naive.and_utc().timestamp(),
        },
    }
}

/// The instant a local day starts (local midnight, or the first instant after a midnight gap).
pub fn day_start(date: NaiveDate, tz: Tz) -> Ts {
    resolve_local(date.and_time(NaiveTime::MIN), tz)
}

/// The local days touching `[from, to)`, each as `(date, start, end)`, clipped to nothing:
/// bounds are the days' own bounds.
pub fn local_days(from: Ts, to: Ts, tz: Tz) -> Vec<(NaiveDate, Ts, Ts)> {
    let mut out = Vec::new();
    if to <= from {
        return out;
    }
    let mut date = local_date(from, tz);
    loop {
        let start = day_start(date, tz);
        let Some(next) = date.succ_opt() else { break };
        let end = day_start(next, tz);
        if start >= to {
            break;
        }
        out.push((date, start, end));
        date = next;
    }
    out
}

/// The overlap length of `[a0, a1)` and `[b0, b1)` in seconds (0 when they do not meet).
pub fn overlap(a0: Ts, a1: Ts, b0: Ts, b1: Ts) -> i64 {
    (a1.min(b1) - a0.max(b0)).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-hour offset shortcut agrees with the tz database at every quarter hour of a
    /// year in zones with DST, half-hour DST (Lord Howe) and no DST, visited in an order that
    /// jumps between zones and back in time.
    #[test]
    fn cached_offsets_agree_with_the_database() {
        let zones: Vec<Tz> = [
            "America/New_York",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "Europe/London",
        ]
        .iter()
        .map(|z| z.parse().unwrap())
        .collect();
        let start = 1_735_689_600; // 2025-01-01T00:00:00Z
        for step in 0..(366 * 96) {
            let ts = start + step * 900 + (step % 7) * 60;
            for &tz in &zones {
                assert_eq!(offset_secs(ts, tz), lookup_offset(ts, tz), "{tz} at {ts}");
                let back = ts - 86_400 * (step % 3);
                assert_eq!(
                    offset_secs(back, tz),
                    lookup_offset(back, tz),
                    "{tz} at {back}"
                );
            }
        }
        let ny: Tz = "America/New_York".parse().unwrap();
        // The fall-back second: 05:59:59Z is still EDT, 06:00:00Z is EST.
        assert_eq!(
            format_rfc3339(1_762_063_199, ny),
            "2025-11-02T01:59:59-04:00"
        );
        assert_eq!(
            format_rfc3339(1_762_063_200, ny),
            "2025-11-02T01:00:00-05:00"
        );
    }

    #[test]
    fn unix_seconds_read_eight_digits_at_once_as_one_by_one() {
        for text in [
            "1",
            "9",
            "12345678",
            "99999999",
            "00000000",
            "1725845655",
            "017258456551",
            "253402300799",
            "253402300800",
            "999999999999999999",
            " 1725845655\t",
        ] {
            let slow = text.trim().parse::<i64>().ok().filter(|v| *v <= MAX_TS);
            assert_eq!(
                unix_seconds(text),
                slow.map(|v| (v != 0).then_some(v)),
                "{text:?}"
            );
        }
        // A non-digit anywhere in the word, or just outside '0'..='9', is not the fast case.
        for text in [
            "1234567/",
            "1234567:",
            "/2345678",
            ":2345678",
            "12a45678",
            "1234 678",
            "12345678x",
            "1234567890123456789",
            "",
            "-1",
            "+1",
            "1725845655Z",
        ] {
            assert_eq!(unix_seconds(text), None, "{text:?}");
        }
        assert_eq!(
            eight_digits(u64::from_le_bytes(*b"20251231")),
            Some(20_251_231)
        );
    }

    #[test]
    fn cells_read_unix_seconds_and_rfc3339() {
        assert_eq!(parse_ts_cell("1725845655"), Ok(Some(1725845655)));
        assert_eq!(parse_ts_cell("0"), Ok(None));
        assert_eq!(
            parse_ts_cell("2025-09-28T08:15:00+08:00"),
            Ok(Some(1759018500))
        );
        // fractions are truncated
        assert_eq!(
            parse_ts_cell("2025-09-28T00:15:00.999Z"),
            Ok(Some(1759018500))
        );
        assert!(parse_ts_cell("12:30").is_err());
        assert!(
            parse_ts_cell("2025-09-28 08:15:00").is_err(),
            "naive local time"
        );
        assert!(parse_ts_cell("1.5").is_err());
        // Padded (ASCII or Unicode blanks), leading zeros past the short path's 18 digits.
        assert_eq!(parse_ts_cell(" 1725845655\t"), Ok(Some(1725845655)));
        assert_eq!(parse_ts_cell("\u{a0}1725845655"), Ok(Some(1725845655)));
        assert_eq!(
            parse_ts_cell("0000000000001725845655"),
            Ok(Some(1725845655))
        );
        assert_eq!(parse_ts_cell("000"), Ok(None));
        assert!(parse_ts_cell("   ").is_err(), "blank but not empty");
        assert!(parse_ts_cell("-5").is_err());
        assert!(
            parse_ts_cell(&"z".repeat(18)).is_err(),
            "no overflow on the short path"
        );
    }

    #[test]
    fn timestamps_outside_the_years_0001_to_9999_are_invalid() {
        assert_eq!(parse_ts_cell("253402300799"), Ok(Some(MAX_TS)));
        assert_eq!(
            parse_ts_cell("253402300800"),
            Err("invalid timestamp \"253402300800\" (after the year 9999)".into())
        );
        assert!(parse_ts_cell("99999999999999").is_err());
        assert!(
            parse_ts_cell("99999999999999999999999").is_err(),
            "over i64"
        );
        assert_eq!(parse_rfc3339("0001-01-01T00:00:00Z"), Some(MIN_TS));
        assert_eq!(parse_rfc3339("9999-12-31T23:59:59Z"), Some(MAX_TS));
        assert_eq!(
            parse_rfc3339("0001-01-01T00:00:00+01:00"),
            None,
            "year 0 in UTC"
        );
        assert_eq!(
            parse_rfc3339("9999-12-31T23:59:59-01:00"),
            None,
            "year 10000 in UTC"
        );
        assert!(parse_instant("0000-06-01T00:00:00Z").is_err());
        // Whatever a computation reaches, a date is printed, never the epoch.
        let late = format_rfc3339(MAX_TS + 136 * 366 * 86_400, Tz::UTC);
        assert!(late.starts_with("+10136-"), "{late}");
    }

    #[test]
    fn formatting_always_has_a_numeric_offset() {
        assert_eq!(format_rfc3339(0, Tz::UTC), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            format_rfc3339(1759018500, Tz::Asia__Shanghai),
            "2025-09-28T08:15:00+08:00"
        );
    }

    #[test]
    fn the_fast_formatter_agrees_with_chrono() {
        for zone in [
            "UTC",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "America/St_Johns",
            "Pacific/Chatham",
        ] {
            let tz: Tz = zone.parse().unwrap();
            let mut t = -2_208_988_800; // 1900-01-01
            while t < 4_102_444_800 {
                // 2100-01-01
                assert_eq!(
                    format_rfc3339(t, tz),
                    zoned(t, tz).format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                    "{zone} {t}"
                );
                t += 7_654_321;
            }
        }
    }

    #[test]
    fn days_are_23_24_or_25_hours() {
        let ny = Tz::America__New_York;
        let len = |y, m, d| {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            day_start(date.succ_opt().unwrap(), ny) - day_start(date, ny)
        };
        assert_eq!(len(2025, 3, 9), 23 * 3600);
        assert_eq!(len(2025, 3, 10), 24 * 3600);
        assert_eq!(len(2025, 11, 2), 25 * 3600);
    }

    #[test]
    fn a_missing_midnight_starts_the_day_after_the_gap() {
        // Santiago springs forward at 24:00 on 2025-09-06: 2025-09-07 00:00 does not exist.
        let tz = Tz::America__Santiago;
        let start = day_start(NaiveDate::from_ymd_opt(2025, 9, 7).unwrap(), tz);
        assert_eq!(format_rfc3339(start, tz), "2025-09-07T01:00:00-03:00");
    }

    #[test]
    fn local_days_cover_the_period() {
        let tz = Tz::UTC;
        let days = local_days(3600, 2 * 86400 + 1, tz);
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].1, 0);
        assert_eq!(days[2].2, 3 * 86400);
        assert!(local_days(5, 5, tz).is_empty());
    }

    #[test]
    fn overlap_is_clipped_at_zero() {
        assert_eq!(overlap(0, 10, 5, 20), 5);
        assert_eq!(overlap(0, 10, 10, 20), 0);
        assert_eq!(overlap(0, 10, 20, 30), 0);
    }
}
