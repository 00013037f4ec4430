//! Every public time parser of `src/api/time.rs`, on any text and on well-formed times.
//!
//! Properties: nothing panics; every time is finite; ISO-8601 instants stay within
//! years 0000–9999; surrounding blanks do not matter; the dispatching parsers pick the
//! documented format; and on generated well-formed (or just-out-of-range) times every
//! parser agrees with an independent calendar (or refuses exactly the invalid ones).

use arbitrary::Arbitrary;
use pending_core::api::time::{approximate_age_secs, parse_http_date_ms, parse_iso8601_ms, parse_reset_ms, parse_retry_after_ms};

const MS_PER_DAY: i64 = 86_400_000;

/// Days from 0000-01-01 to `year`-01-01 (proleptic Gregorian; year 0 is a leap year).
fn days_before_year(year: i64) -> i64 {
    365 * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    [31, if is_leap(year) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(month - 1) as usize]
}

fn valid_date(year: i64, month: i64, day: i64) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// Days since 1970-01-01 of a valid date in years 0..=9999, by counting.
pub fn epoch_days(year: i64, month: i64, day: i64) -> i64 {
    let before_month: i64 = (1..month).map(|m| days_in_month(year, m)).sum();
    days_before_year(year) - days_before_year(1970) + before_month + day - 1
}

/// The earliest and latest instants an ISO-8601 text in years 0000–9999 can name.
fn iso_range() -> (f64, f64) {
    let zone = (23 * 3600 + 59 * 60) * 1000;
    let lo = epoch_days(0, 1, 1) * MS_PER_DAY - zone;
    let hi = epoch_days(9999, 12, 31) * MS_PER_DAY + (23 * 3600 + 59 * 60 + 60) * 1000 + 999 + zone;
    (lo as f64, hi as f64)
}

/// Every parser on one text, at a few clock readings.
pub fn check_text(text: &str) {
    let (lo, hi) = iso_range();
    let iso = parse_iso8601_ms(text);
    if let Some(ms) = iso {
        assert!(ms.is_finite() && (lo..=hi).contains(&ms), "ISO {text:?} -> {ms}");
    }
    assert_eq!(parse_iso8601_ms(&format!(" \t{text}\n ")), iso, "blanks around {text:?}");

    let http = parse_http_date_ms(text);
    if let Some(ms) = http {
        assert!(ms.is_finite(), "HTTP date {text:?} -> {ms}");
    }

    let t = text.trim();
    let reset = parse_reset_ms(text);
    if let Some(ms) = reset {
        assert!(ms.is_finite(), "reset {text:?} -> {ms}");
    }
    // Epoch seconds (milliseconds above 10^11), a fraction ignored; else ISO-8601.
    let whole = match t.split_once('.') {
        Some((w, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => w,
        Some(_) => "",
        None => t,
    };
    let epoch = (!whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit())).then(|| whole.parse::<u64>().ok());
    match epoch {
        Some(Some(0)) => assert_eq!(reset, None, "reset 0 {text:?}"),
        Some(Some(n)) => {
            let n = n as f64;
            assert_eq!(reset, Some(if n > 1e11 { n } else { n * 1000.0 }), "epoch reset {text:?}");
        }
        _ => assert_eq!(reset, parse_iso8601_ms(t), "ISO reset {text:?}"),
    }

    for now in [1_777_300_000_000.0, 0.0, -1e15, 8.64e15] {
        let retry = parse_retry_after_ms(text, now);
        if let Some(ms) = retry {
            assert!(ms.is_finite(), "Retry-After {text:?} -> {ms}");
        }
        let secs = (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u32>().ok()).flatten();
        match secs {
            Some(s) => assert_eq!(retry, Some(now + f64::from(s) * 1000.0), "Retry-After seconds {text:?}"),
            None => assert_eq!(retry, parse_http_date_ms(t), "Retry-After date {text:?}"),
        }
        let age = approximate_age_secs(text, now);
        assert_eq!(age, approximate_age_secs(text, now), "deterministic");
    }
    // A clock that is not a number never makes the parsers panic.
    let _ = approximate_age_secs(text, f64::NAN);
    let _ = parse_retry_after_ms(text, f64::INFINITY);
}

/// A well-formed time (or one just out of range), with the value it must parse to.
#[derive(Debug, Clone, Arbitrary)]
pub enum TimeCase {
    /// `2026-04-27T15:42:11.250+02:00` and its variants.
    Iso(IsoCase),
    /// `Wed, 21 Oct 2015 07:28:00 GMT`.
    Http(HttpCase),
    /// `2 days ago`, `3w`, `an hour ago`, `Sent 5 minutes ago`.
    Relative(RelativeCase),
    /// `Connected on Feb 15, 2024`, `15 Feb 2024`, `2024-02-15`.
    Absolute(AbsoluteCase),
    /// `just now`, `Today`, `yesterday`.
    Named { which: u8, prefix: u8, upper: bool, now: i64 },
    /// Epoch seconds or milliseconds, maybe with a fraction (of up to 24 digits).
    Epoch { n: u64, frac: Option<(u8, u64)>, pad: bool },
    /// `Retry-After` seconds.
    RetryAfter { secs: u32, pad: bool, now: i64 },
}

/// An ISO-8601 text's parts (taken modulo a little more than their range).
#[derive(Debug, Clone, Arbitrary)]
pub struct IsoCase {
    year: u16,
    month: u8,
    day: u8,
    time: Option<IsoTime>,
    pad: bool,
}

/// The time of day of an [`IsoCase`].
#[derive(Debug, Clone, Arbitrary)]
pub struct IsoTime {
    sep: u8,
    hour: u8,
    minute: u8,
    second: Option<u8>,
    frac: Option<(u8, u32)>,
    zone: Zone,
}

/// A zone designator.
#[derive(Debug, Clone, Arbitrary)]
pub enum Zone {
    /// None: UTC.
    Absent,
    /// `Z`.
    Z,
    /// `z`.
    LowerZ,
    /// `+05:30`.
    Colon { minus: bool, h: u8, m: u8 },
    /// `+0530`.
    Compact { minus: bool, h: u8, m: u8 },
    /// `+05`.
    Hours { minus: bool, h: u8 },
    /// A sign and a few characters of several byte lengths: no expected value, only the
    /// properties of any text.
    Junk { minus: bool, chars: Vec<u8> },
}

/// An HTTP date's parts.
#[derive(Debug, Clone, Arbitrary)]
pub struct HttpCase {
    weekday: u8,
    day: u8,
    month: u8,
    month_form: u8,
    year: u16,
    hour: u8,
    minute: u8,
    second: u8,
    gmt: bool,
}

/// A relative time's parts.
#[derive(Debug, Clone, Arbitrary)]
pub struct RelativeCase {
    n: u32,
    unit: u8,
    form: u8,
    ago: bool,
    prefix: u8,
    upper: bool,
}

/// An absolute date's parts.
#[derive(Debug, Clone, Arbitrary)]
pub struct AbsoluteCase {
    year: u16,
    month: u8,
    day: u8,
    form: u8,
    prefix: u8,
    now: i64,
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// Every unit spelling the relative parser knows, with its seconds, and one it must not.
const UNITS: &[(&str, Option<u32>)] = &[
    ("s", Some(1)), ("sec", Some(1)), ("secs", Some(1)), ("second", Some(1)), ("seconds", Some(1)),
    ("m", Some(60)), ("min", Some(60)), ("mins", Some(60)), ("minute", Some(60)), ("minutes", Some(60)),
    ("h", Some(3_600)), ("hr", Some(3_600)), ("hrs", Some(3_600)), ("hour", Some(3_600)), ("hours", Some(3_600)),
    ("d", Some(86_400)), ("day", Some(86_400)), ("days", Some(86_400)),
    ("w", Some(604_800)), ("wk", Some(604_800)), ("wks", Some(604_800)), ("week", Some(604_800)), ("weeks", Some(604_800)),
    ("mo", Some(2_592_000)), ("mos", Some(2_592_000)), ("month", Some(2_592_000)), ("months", Some(2_592_000)),
    ("y", Some(31_536_000)), ("yr", Some(31_536_000)), ("yrs", Some(31_536_000)), ("year", Some(31_536_000)),
    ("years", Some(31_536_000)), ("fortnights", None), ("x", None),
];

const PREFIXES: [&str; 6] = ["", "Sent ", "connected ", "Connected on ", "Received ", "Invited "];

/// A clock reading from any integer: within ±100,000 years of the epoch.
fn clock(now: i64) -> f64 {
    (now % 3_000_000_000_000_000) as f64
}

/// The age `approximate_age_secs` gives a date (days since the epoch) seen at `now`.
fn age_of(days: i64, now: f64) -> u32 {
    ((now - (days * MS_PER_DAY) as f64) / 1000.0).max(0.0).min(f64::from(u32::MAX)) as u32
}

fn maybe_upper(s: String, upper: bool) -> String {
    if upper {
        s.to_ascii_uppercase()
    } else {
        s
    }
}

impl TimeCase {
    /// Formats the case and checks the parsers against the independent calendar.
    pub fn check(&self) {
        match self {
            TimeCase::Iso(c) => c.check(),
            TimeCase::Http(c) => c.check(),
            TimeCase::Relative(c) => c.check(),
            TimeCase::Absolute(c) => c.check(),
            TimeCase::Named { which, prefix, upper, now } => {
                let (word, secs) = [("just now", 0), ("now", 0), ("moments ago", 0), ("a moment ago", 0), ("today", 0), ("yesterday", 86_400)]
                    [usize::from(*which % 6)];
                let text = maybe_upper(format!("{}{word}", PREFIXES[usize::from(*prefix % 6)]), *upper);
                assert_eq!(approximate_age_secs(&text, clock(*now)), Some(secs), "{text:?}");
                check_text(&text);
            }
            TimeCase::Epoch { n, frac, pad } => {
                let mut text = n.to_string();
                if let Some((digits, value)) = frac {
                    // Up to 24 digits: a fraction longer than any integer type still counts
                    // as a fraction.
                    text = format!("{text}.{value:0width$}", width = usize::from(digits % 25));
                }
                if *pad {
                    text = format!(" {text} ");
                }
                let want = (*n > 0).then(|| {
                    let n = *n as f64;
                    if n > 1e11 {
                        n
                    } else {
                        n * 1000.0
                    }
                });
                assert_eq!(parse_reset_ms(&text), want, "{text:?}");
                check_text(&text);
            }
            TimeCase::RetryAfter { secs, pad, now } => {
                let text = if *pad { format!(" {secs}\t") } else { secs.to_string() };
                let now = clock(*now);
                assert_eq!(parse_retry_after_ms(&text, now), Some(now + f64::from(*secs) * 1000.0), "{text:?}");
                check_text(&text);
            }
        }
    }
}

impl IsoCase {
    fn check(&self) {
        let (year, month, day) = (i64::from(self.year % 10_000), i64::from(self.month % 14), i64::from(self.day % 33));
        let mut text = format!("{year:04}-{month:02}-{day:02}");
        let mut valid = valid_date(year, month, day);
        let mut ms = if valid { epoch_days(year, month, day) * MS_PER_DAY } else { 0 };
        if let Some(t) = &self.time {
            let (h, m) = (i64::from(t.hour % 26), i64::from(t.minute % 62));
            text.push(['T', 't', ' '][usize::from(t.sep % 3)]);
            text.push_str(&format!("{h:02}:{m:02}"));
            valid &= h <= 23 && m <= 59;
            ms += (h * 3600 + m * 60) * 1000;
            if let Some(s) = t.second {
                let s = i64::from(s % 62);
                text.push_str(&format!(":{s:02}"));
                valid &= s <= 60;
                ms += s * 1000;
                if let Some((digits, value)) = t.frac {
                    let digits = u32::from(digits % 9) + 1;
                    let value = value % 10u32.pow(digits);
                    let frac = format!("{value:0width$}", width = digits as usize);
                    text.push('.');
                    text.push_str(&frac);
                    // Milliseconds from the first three digits.
                    let first3: String = frac.chars().chain("000".chars()).take(3).collect();
                    ms += first3.parse::<i64>().unwrap_or(0);
                }
            }
            let (minus, zh, zm) = match t.zone {
                Zone::Absent => (false, 0, 0),
                Zone::Z => {
                    text.push('Z');
                    (false, 0, 0)
                }
                Zone::LowerZ => {
                    text.push('z');
                    (false, 0, 0)
                }
                Zone::Colon { minus, h, m } => {
                    let (h, m) = (i64::from(h % 26), i64::from(m % 62));
                    text.push_str(&format!("{}{h:02}:{m:02}", if minus { '-' } else { '+' }));
                    (minus, h, m)
                }
                Zone::Compact { minus, h, m } => {
                    let (h, m) = (i64::from(h % 26), i64::from(m % 62));
                    text.push_str(&format!("{}{h:02}{m:02}", if minus { '-' } else { '+' }));
                    (minus, h, m)
                }
                Zone::Hours { minus, h } => {
                    let h = i64::from(h % 26);
                    text.push_str(&format!("{}{h:02}", if minus { '-' } else { '+' }));
                    (minus, h, 0)
                }
                Zone::Junk { minus, ref chars } => {
                    text.push(if minus { '-' } else { '+' });
                    text.extend(chars.iter().take(5).map(|c| ['0', '5', '3', ':', 'a', 'é', '€', '😀'][usize::from(c % 8)]));
                    check_text(&text);
                    return;
                }
            };
            valid &= zh <= 23 && zm <= 59;
            let offset = (zh * 3600 + zm * 60) * 1000;
            ms += if minus { offset } else { -offset };
        }
        if self.pad {
            text = format!("  {text}\t");
        }
        let want = valid.then_some(ms as f64);
        assert_eq!(parse_iso8601_ms(&text), want, "{text:?}");
        assert_eq!(parse_reset_ms(&text), want, "reset {text:?}");
        check_text(&text);
    }
}

impl HttpCase {
    fn check(&self) {
        let weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][usize::from(self.weekday % 7)];
        let (day, month) = (i64::from(self.day % 33), i64::from(self.month % 13) + 1);
        let name = match month {
            13 => "Smarch".to_string(),
            m => {
                let full = MONTHS[(m - 1) as usize];
                match self.month_form % 5 {
                    0 => full[..3].to_string(),
                    1 => full.to_string(),
                    2 => full[..3].to_ascii_uppercase(),
                    3 => format!("{}.", &full[..3]),
                    _ if m == 9 => "Sept".to_string(),
                    _ => full.to_ascii_lowercase(),
                }
            }
        };
        let year = i64::from(self.year % 10_000);
        let (h, m, s) = (i64::from(self.hour % 26), i64::from(self.minute % 62), i64::from(self.second % 62));
        let zone = if self.gmt { "GMT" } else { "PST" };
        let text = format!("{weekday}, {day:02} {name} {year:04} {h:02}:{m:02}:{s:02} {zone}");
        let valid = self.gmt && valid_date(year, month, day) && h <= 23 && m <= 59 && s <= 60;
        let want = valid.then(|| (epoch_days(year, month, day) * MS_PER_DAY + (h * 3600 + m * 60 + s) * 1000) as f64);
        assert_eq!(parse_http_date_ms(&text), want, "{text:?}");
        assert_eq!(parse_retry_after_ms(&text, 0.0), want, "Retry-After {text:?}");
        check_text(&text);
    }
}

impl RelativeCase {
    fn check(&self) {
        let (unit, secs) = UNITS[usize::from(self.unit) % UNITS.len()];
        let (count, n) = match self.form % 5 {
            0 => (format!("{} ", self.n), self.n),
            1 => (self.n.to_string(), self.n),
            2 => ("a ".to_string(), 1),
            3 => ("an ".to_string(), 1),
            _ => ("one ".to_string(), 1),
        };
        // "a" needs a space before the unit; the bare form only takes digits.
        let text = format!("{}{count}{unit}{}", PREFIXES[usize::from(self.prefix % 6)], if self.ago { " ago" } else { "" });
        let text = maybe_upper(text, self.upper);
        let want = secs.and_then(|s| n.checked_mul(s));
        assert_eq!(approximate_age_secs(&text, 1_777_300_000_000.0), want, "{text:?}");
        check_text(&text);
    }
}

impl AbsoluteCase {
    fn check(&self) {
        let (year, month, day) = (i64::from(self.year % 10_000), i64::from(self.month % 12) + 1, i64::from(self.day % 33));
        let full = MONTHS[(month - 1) as usize];
        let short = &full[..3];
        let body = match self.form % 5 {
            0 => format!("{short} {day}, {year}"),
            1 => format!("{full} {day} {year}"),
            2 => format!("{day} {short} {year}"),
            3 => format!("{short}. {day:02}, {year:04}"),
            _ => format!("{year:04}-{month:02}-{day:02}"),
        };
        let prefix = ["", "Connected on ", "connected ", "Sent "][usize::from(self.prefix % 4)];
        let text = format!("{prefix}{body}");
        let now = clock(self.now);
        let want = valid_date(year, month, day).then(|| age_of(epoch_days(year, month, day), now));
        assert_eq!(approximate_age_secs(&text, now), want, "{text:?} at {now}");
        check_text(&text);
    }
}
