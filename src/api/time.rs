//! Time strings the API sends, parsed without a date-time dependency.
//!
//! The API speaks three dialects of time: relative display text on list items
//! (`"2 days ago"`, `"Connected on Feb 15, 2024"`), ISO-8601 instants (`holdUntil`,
//! `X-RateLimit-Reset`) and, in older documentation, Unix epoch seconds. HTTP's own
//! `Retry-After` may be seconds or an IMF date. Every parser here returns `None` on text
//! it does not understand: these values steer sorting and waiting, never correctness.

const MS_PER_DAY: f64 = 86_400_000.0;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn valid_date(year: i64, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

fn month_from_name(name: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let pos = NAMES.iter().position(|n| lower.starts_with(n))? as u32 + 1;
    // Accept "Feb", "February", "Sept"; refuse "Febx".
    const FULL: [&str; 12] = [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    ];
    let full = FULL.get(pos as usize - 1)?;
    (full.starts_with(lower.as_str()) || lower == "sept").then_some(pos)
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Parses an ISO-8601 / RFC 3339 instant such as `2026-04-27T15:42:11Z`,
/// `2026-04-27T15:42:11.250+02:00` or a bare date `2026-04-27` (midnight UTC), into
/// milliseconds since the Unix epoch.
pub fn parse_iso8601_ms(text: &str) -> Option<f64> {
    let s = text.trim();
    let (date, rest) = match s.split_once(['T', 't', ' ']) {
        Some((date, rest)) => (date, Some(rest)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    // YYYY-MM-DD: ten bytes with the dashes in place ("20266-04-2" is not a date).
    let shape = date.len() == 10 && date.as_bytes().get(4) == Some(&b'-') && date.as_bytes().get(7) == Some(&b'-');
    let year: i64 = i64::from(digits(parts.next()?).filter(|_| shape)?);
    let month = digits(parts.next()?)?;
    let day = digits(parts.next()?)?;
    if parts.next().is_some() || !valid_date(year, month, day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) as f64 * MS_PER_DAY;
    let Some(rest) = rest else { return Some(ms) };

    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (clock, None),
    };
    let mut hms = hms.split(':');
    let h = digits(hms.next()?)?;
    let m = digits(hms.next()?)?;
    let sec = match hms.next() {
        Some(x) => digits(x)?,
        None => 0,
    };
    if hms.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    ms += f64::from(h * 3600 + m * 60 + sec) * 1000.0;
    if let Some(frac) = frac {
        // Milliseconds from the first three digits (no float parsing compiled in).
        digits(frac)?;
        let padded: String = frac.chars().chain("000".chars()).take(3).collect();
        ms += f64::from(digits(&padded)?);
    }
    match zone {
        "" | "Z" | "z" => {}
        z => {
            let sign = if z.starts_with('-') { 1.0 } else { -1.0 };
            // Checked slicing: a zone such as "+1é1" is 4 bytes but not 4 digits.
            let body = z.get(1..)?;
            let (zh, zm) = match body.split_once(':') {
                Some((a, b)) => (digits(a)?, digits(b)?),
                None if body.len() == 4 => (digits(body.get(..2)?)?, digits(body.get(2..)?)?),
                None => (digits(body)?, 0),
            };
            if zh > 23 || zm > 59 {
                return None;
            }
            ms += sign * f64::from(zh * 3600 + zm * 60) * 1000.0;
        }
    }
    Some(ms)
}

/// Parses an HTTP IMF-fixdate such as `Wed, 21 Oct 2015 07:28:00 GMT` into epoch
/// milliseconds.
pub fn parse_http_date_ms(text: &str) -> Option<f64> {
    let mut it = text.split_whitespace();
    let _weekday = it.next()?;
    let day = digits(it.next()?)?;
    let month = month_from_name(it.next()?)?;
    let year = i64::from(digits(it.next()?)?);
    let clock = it.next()?;
    if it.next()? != "GMT" || !valid_date(year, month, day) {
        return None;
    }
    let mut hms = clock.split(':');
    let (h, m, s) = (digits(hms.next()?)?, digits(hms.next()?)?, digits(hms.next()?)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) as f64 * MS_PER_DAY + f64::from(h * 3600 + m * 60 + s) * 1000.0)
}

/// Parses a reset time given either as ISO-8601 text or as a Unix epoch number
/// (seconds; values above 10^11 are taken as milliseconds), into epoch milliseconds.
pub fn parse_reset_ms(text: &str) -> Option<f64> {
    let t = text.trim();
    // Epoch seconds (or milliseconds), possibly with a fraction that is ignored.
    let whole = t.split_once('.').map_or(t, |(w, f)| if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) { w } else { "" });
    if let Some(n) = (!whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit())).then(|| whole.parse::<u64>().ok()).flatten() {
        if n == 0 {
            return None;
        }
        let n = n as f64;
        return Some(if n > 1e11 { n } else { n * 1000.0 });
    }
    parse_iso8601_ms(t)
}

/// Parses a `Retry-After` header (delay seconds or an HTTP date) into the epoch
/// millisecond at which a retry is allowed.
pub fn parse_retry_after_ms(text: &str, now_ms: f64) -> Option<f64> {
    let t = text.trim();
    if let Some(secs) = digits(t) {
        return Some(now_ms + f64::from(secs) * 1000.0);
    }
    parse_http_date_ms(t)
}

/// A best-effort approximate age, in seconds, of a relative display time such as
/// `"2 days ago"`, `"an hour ago"`, `"yesterday"`, `"3w"` or an absolute date such as
/// `"Connected on Feb 15, 2024"`, measured from `now_ms` (epoch milliseconds).
///
/// Months count as 30 days and years as 365. Returns `None` for text it does not
/// recognise; a date in the future gives an age of 0.
pub fn approximate_age_secs(text: &str, now_ms: f64) -> Option<u32> {
    let lower = text.trim().to_ascii_lowercase();
    let mut s = lower.as_str();
    for prefix in ["connected on ", "connected ", "sent ", "received ", "invited "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start();
            break;
        }
    }
    match s {
        "just now" | "now" | "moments ago" | "a moment ago" | "today" => return Some(0),
        "yesterday" => return Some(86_400),
        _ => {}
    }
    if let Some(secs) = relative_secs(s) {
        return Some(secs);
    }
    let day_ms = absolute_date_days(s)? as f64 * MS_PER_DAY;
    let age = ((now_ms - day_ms) / 1000.0).max(0.0);
    Some(age.min(f64::from(u32::MAX)) as u32)
}

fn unit_secs(unit: &str) -> Option<u32> {
    let unit = unit.trim_end_matches('.');
    Some(match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "wk" | "wks" | "week" | "weeks" => 7 * 86_400,
        "mo" | "mos" | "month" | "months" => 30 * 86_400,
        "y" | "yr" | "yrs" | "year" | "years" => 365 * 86_400,
        _ => return None,
    })
}

/// `"2 days ago"`, `"a week ago"`, `"2w"`, `"3 d"`, `"1 month"`.
fn relative_secs(s: &str) -> Option<u32> {
    let s = s.strip_suffix(" ago").unwrap_or(s).trim();
    let (num, unit) = match s.split_once(' ') {
        Some((n, u)) => (n, u.trim()),
        None => {
            // `find` gives a character boundary; checked all the same.
            let split = s.find(|c: char| !c.is_ascii_digit())?;
            s.split_at_checked(split)?
        }
    };
    let n = match num {
        "a" | "an" | "one" => 1,
        other => digits(other)?,
    };
    n.checked_mul(unit_secs(unit)?)
}

/// `"feb 15, 2024"`, `"february 15 2024"`, `"15 feb 2024"`, `"2024-02-15"`.
fn absolute_date_days(s: &str) -> Option<i64> {
    if let Some(ms) = parse_iso8601_ms(s) {
        return Some((ms / MS_PER_DAY).floor() as i64);
    }
    let words: Vec<&str> = s
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let (month, day, year) = match words.as_slice() {
        [m, d, y] if month_from_name(m).is_some() => (month_from_name(m)?, digits(d)?, digits(y)?),
        [d, m, y] => (month_from_name(m)?, digits(d)?, digits(y)?),
        _ => return None,
    };
    let year = i64::from(year);
    valid_date(year, month, day).then(|| days_from_civil(year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_785_000_000_000.0; // 2026-07-25T17:20:00Z

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn iso8601_variants() {
        assert_eq!(parse_iso8601_ms("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_iso8601_ms("2026-04-28T00:00:00Z"), Some(1_777_334_400_000.0));
        assert_eq!(parse_iso8601_ms("2026-04-27T15:42:11Z"), Some(1_777_304_531_000.0));
        assert_eq!(parse_iso8601_ms("2026-04-27T15:42:11.250Z"), Some(1_777_304_531_250.0));
        assert_eq!(parse_iso8601_ms("2026-04-27T17:42:11+02:00"), Some(1_777_304_531_000.0));
        assert_eq!(parse_iso8601_ms("2026-04-27T10:42:11-0500"), Some(1_777_304_531_000.0));
        assert_eq!(parse_iso8601_ms("2026-04-28"), Some(1_777_334_400_000.0));
        for bad in ["", "soon", "2026-13-01T00:00:00Z", "2026-02-30", "2026-04-27T25:00:00Z", "26-04-27", "2026-04-27Tab:cd"] {
            assert_eq!(parse_iso8601_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn reset_accepts_iso_epoch_seconds_and_millis() {
        assert_eq!(parse_reset_ms("1777334400"), Some(1_777_334_400_000.0));
        assert_eq!(parse_reset_ms("1777334400000"), Some(1_777_334_400_000.0));
        assert_eq!(parse_reset_ms(" 2026-04-28T00:00:00Z "), Some(1_777_334_400_000.0));
        assert_eq!(parse_reset_ms("-5"), None);
        assert_eq!(parse_reset_ms("0"), None);
        assert_eq!(parse_reset_ms("1777334400.75"), Some(1_777_334_400_000.0));
        assert_eq!(parse_reset_ms("NaN"), None);
        assert_eq!(parse_reset_ms("1e12"), None);
        assert_eq!(parse_reset_ms("later"), None);
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        assert_eq!(parse_retry_after_ms("30", NOW), Some(NOW + 30_000.0));
        assert_eq!(
            parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", NOW),
            Some(1_445_412_480_000.0)
        );
        assert_eq!(parse_retry_after_ms("-1", NOW), None);
        assert_eq!(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 PST", NOW), None);
    }

    #[test]
    fn relative_ages() {
        let day = 86_400;
        let cases: &[(&str, u32)] = &[
            ("2 days ago", 2 * day),
            ("2 weeks ago", 14 * day),
            ("1 month ago", 30 * day),
            ("3 months ago", 90 * day),
            ("1 year ago", 365 * day),
            ("an hour ago", 3_600),
            ("a week ago", 7 * day),
            ("5 minutes ago", 300),
            ("just now", 0),
            ("Today", 0),
            ("yesterday", day),
            ("3w", 21 * day),
            ("4d ago", 4 * day),
            ("Sent 2 days ago", 2 * day),
            ("  10 Hours Ago ", 36_000),
        ];
        for (text, want) in cases {
            assert_eq!(approximate_age_secs(text, NOW), Some(*want), "{text}");
        }
    }

    #[test]
    fn absolute_dates_measure_from_now() {
        // 2026-07-25T17:20:00Z minus 2024-02-15T00:00:00Z.
        let want = ((NOW - days_from_civil(2024, 2, 15) as f64 * MS_PER_DAY) / 1000.0) as u32;
        for text in ["Connected on Feb 15, 2024", "connected on February 15, 2024", "15 Feb 2024", "2024-02-15"] {
            assert_eq!(approximate_age_secs(text, NOW), Some(want), "{text}");
        }
        // A date after `now` is age 0, not a wrap-around.
        assert_eq!(approximate_age_secs("Connected on Jan 1, 2030", NOW), Some(0));
    }

    #[test]
    fn unknown_text_is_none_not_zero() {
        for text in ["", "recently", "2 fortnights ago", "Connected on Febx 15, 2024", "Feb 30, 2024", "99999999999 years ago"] {
            assert_eq!(approximate_age_secs(text, NOW), None, "{text}");
        }
    }

    #[test]
    fn multi_byte_time_zones_are_refused_not_a_trap() {
        for text in ["2024-02-15T10:00+1é1", "2024-02-15T10:00-é", "2024-02-15T10:00+é:1", "2024-02-15T10:00+１２３４", "2024-02-15T10:00+"] {
            assert_eq!(parse_iso8601_ms(text), None, "{text}");
            assert_eq!(parse_reset_ms(text), None, "{text}");
        }
        assert_eq!(approximate_age_secs("Connected on Fébruary 15, 2024", 1e12), None);
    }
}
