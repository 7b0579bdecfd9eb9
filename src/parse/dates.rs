//! Dates and times as news pages write them: "17.45 BST", "16:26", "5:03pm", "1h ago",
//! "Thursday 27 March 2025 16:26, UK", "March 20, 2025 3:41 PM GMT", "03/15/2025",
//! "2025-03-15T12:00:00Z". Takes a line; gives what it states, and UTC from local zones.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::month_number;

/// A time zone as pages name it. Named regions follow their summer time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Minutes ahead of UTC.
    Fixed(i32),
    /// GMT in winter, BST in summer ("UK").
    UkLocal,
    /// CET in winter, CEST in summer.
    CentralEurope,
    /// EST/EDT ("ET").
    UsEastern,
    /// PST/PDT ("PT").
    UsPacific,
}

/// What a piece of text states about when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stamp {
    pub date: Option<NaiveDate>,
    /// Day and month without a year ("15 March").
    pub day_month: Option<(u32, u32)>,
    pub year: Option<i32>,
    pub time: Option<NaiveTime>,
    pub zone: Option<Zone>,
    /// "2h ago": this long before the page was written.
    pub ago: Option<Duration>,
    /// A full timestamp with its own offset ("2025-03-15T12:00:00+01:00").
    pub exact: Option<DateTime<Utc>>,
    /// Every word of the text was part of the stamp (or filler such as "Updated").
    pub whole: bool,
}

impl Stamp {
    pub fn is_empty(&self) -> bool {
        self.date.is_none()
            && self.day_month.is_none()
            && self.time.is_none()
            && self.ago.is_none()
            && self.exact.is_none()
    }

    /// The calendar day, with `year` filling a day and month written without one.
    pub fn day(&self, year: Option<i32>) -> Option<NaiveDate> {
        self.date.or_else(|| {
            let (d, m) = self.day_month?;
            NaiveDate::from_ymd_opt(self.year.or(year)?, m, d)
        })
    }
}

fn zone_of(word: &str) -> Option<Zone> {
    Some(match word.to_ascii_uppercase().as_str() {
        "GMT" | "UTC" | "Z" => Zone::Fixed(0),
        "BST" | "WEST" => Zone::Fixed(60),
        "CET" => Zone::Fixed(60),
        "CEST" => Zone::Fixed(120),
        "EET" => Zone::Fixed(120),
        "EEST" | "MSK" => Zone::Fixed(180),
        "EST" => Zone::Fixed(-300),
        "EDT" => Zone::Fixed(-240),
        "PST" => Zone::Fixed(-480),
        "PDT" => Zone::Fixed(-420),
        "ET" => Zone::UsEastern,
        "PT" => Zone::UsPacific,
        "UK" | "LONDON" => Zone::UkLocal,
        "CET/CEST" | "PARIS" | "BRUSSELS" | "BERLIN" => Zone::CentralEurope,
        _ => return None,
    })
}

const FILLER: &[&str] = &[
    "updated",
    "published",
    "posted",
    "at",
    "on",
    "last",
    "first",
    "-",
    "|",
    "·",
    "–",
    "—",
    "ago",
    "time",
    "local",
    "hrs",
    "edited",
    "modified",
    "am",
    "pm",
    "a.m.",
    "p.m.",
    "the",
    "of",
];

fn weekday(word: &str) -> bool {
    word.trim_end_matches('.').parse::<Weekday>().is_ok()
        || matches!(
            word.to_ascii_lowercase().trim_end_matches('.'),
            "tues" | "weds" | "thur" | "thurs"
        )
}

/// "17.45", "16:26", "5:03pm", "5pm" -> the time.
fn clock(word: &str, next: Option<&str>) -> Option<(NaiveTime, bool)> {
    let lower = word.to_ascii_lowercase();
    let (digits, mut meridiem) = match lower
        .strip_suffix("pm")
        .or_else(|| lower.strip_suffix("p.m."))
    {
        Some(d) => (d.to_string(), Some(true)),
        None => match lower
            .strip_suffix("am")
            .or_else(|| lower.strip_suffix("a.m."))
        {
            Some(d) => (d.to_string(), Some(false)),
            None => (lower.clone(), None),
        },
    };
    let mut used_next = false;
    if meridiem.is_none() {
        match next.map(|n| n.to_ascii_lowercase()) {
            Some(n) if n == "pm" || n == "p.m." => {
                meridiem = Some(true);
                used_next = true;
            }
            Some(n) if n == "am" || n == "a.m." => {
                meridiem = Some(false);
                used_next = true;
            }
            _ => {}
        }
    }
    let (h, m) = match digits.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        None if meridiem.is_some() => (digits.parse::<u32>().ok()?, 0),
        _ => return None,
    };
    if h > 24 || m > 59 || h.to_string().len() > 2 {
        return None;
    }
    let h = match meridiem {
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        Some(_) if h > 12 => return None,
        _ => h,
    };
    Some((NaiveTime::from_hms_opt(h % 24, m, 0)?, used_next))
}

/// "03/15/2025", "15/03/2025", "2025-03-15".
fn numeric_date(word: &str) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(word, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = word.split(['/', '.']).collect();
    if parts.len() != 3 || (parts[2].len() != 4 && parts[0].len() != 4) {
        return None;
    }
    if parts.len() == 3 && parts[0].len() == 4 {
        // 2025/03/15
        return NaiveDate::from_ymd_opt(
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        );
    }
    let a: u32 = parts[0].parse().ok()?;
    let b: u32 = parts[1].parse().ok()?;
    let y: i32 = parts[2].parse().ok()?;
    // Month first unless that cannot be (15/03/2025).
    NaiveDate::from_ymd_opt(y, a, b).or_else(|| NaiveDate::from_ymd_opt(y, b, a))
}

/// Reads every date and time part of `text`.
pub fn scan(text: &str) -> Stamp {
    let mut stamp = Stamp {
        whole: true,
        ..Stamp::default()
    };
    let trimmed = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(trimmed) {
        stamp.exact = Some(t.with_timezone(&Utc));
        return stamp;
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S") {
        stamp.date = Some(t.date());
        stamp.time = Some(t.time());
        return stamp;
    }
    let words: Vec<&str> = trimmed
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut month = None;
    let mut day = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].trim_matches(|c: char| c == '(' || c == ')');
        let lower = w.to_ascii_lowercase();
        let next = words.get(i + 1).copied();
        if let Some((time, used_next)) = clock(w, next) {
            stamp.time = Some(time);
            i += 1 + usize::from(used_next);
            continue;
        }
        if let Some(d) = numeric_date(w) {
            stamp.date = Some(d);
        } else if let Some(z) = zone_of(w) {
            stamp.zone = Some(z);
        } else if let Some(m) = month_number(w) {
            month = Some(m);
        } else if weekday(w)
            || FILLER.contains(&lower.as_str())
            || lower == "just"
            || lower == "now"
        {
            if lower == "now" {
                stamp.ago = Some(Duration::zero());
            }
        } else if let Some(n) = lower
            .strip_suffix("h")
            .or_else(|| lower.strip_suffix("hr"))
            .and_then(|n| n.parse::<i64>().ok())
        {
            stamp.ago = relative(n, 60);
        } else if let Some(n) = lower
            .strip_suffix("m")
            .or_else(|| lower.strip_suffix("min"))
            .and_then(|n| n.parse::<i64>().ok())
        {
            stamp.ago = relative(n, 1);
        } else if let Ok(n) = lower
            .trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])
            .parse::<i64>()
        {
            // "15", "15th", "2025", or "2 hours ago"
            let unit = next.map(|n| n.to_ascii_lowercase());
            match unit.as_deref() {
                Some("hours" | "hour" | "hrs") => {
                    stamp.ago = relative(n, 60);
                    i += 2;
                    continue;
                }
                Some("minutes" | "minute" | "mins") => {
                    stamp.ago = relative(n, 1);
                    i += 2;
                    continue;
                }
                _ => {}
            }
            if (1900..2200).contains(&n) && lower.len() == 4 {
                stamp.year = Some(n as i32);
            } else if (1..=31).contains(&n) {
                day = Some(n as u32);
            } else {
                stamp.whole = false;
            }
        } else {
            stamp.whole = false;
        }
        i += 1;
    }
    if let (Some(m), Some(d)) = (month, day) {
        match stamp.year {
            Some(y) if stamp.date.is_none() => stamp.date = NaiveDate::from_ymd_opt(y, m, d),
            _ => stamp.day_month = Some((d, m)),
        }
    } else if month.is_some() || day.is_some() {
        // A month or a number alone is not a date.
        if stamp.time.is_none() {
            stamp.whole = false;
        }
    }
    stamp
}

/// "2h ago" as a duration: `n` units of `minutes` minutes. A page says how long ago within
/// days; a count beyond ten years ("9999999999999999h") is no time at all.
fn relative(n: i64, minutes: i64) -> Option<Duration> {
    const TEN_YEARS: i64 = 10 * 366 * 24 * 60;
    n.checked_mul(minutes)
        .filter(|m| (0..=TEN_YEARS).contains(m))
        .map(Duration::minutes)
}

/// The line is a stamp and nothing else: "17.45 BST", "2h ago", "Sun 6 Apr 2025 17.45 BST".
pub fn stamp_line(line: &str) -> Option<Stamp> {
    let t = line.trim();
    if t.is_empty() || t.len() > 60 {
        return None;
    }
    let s = scan(t);
    (s.whole && (s.time.is_some() || s.ago.is_some() || s.exact.is_some())).then_some(s)
}

fn nth_sunday(year: i32, month: u32, n: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
    let offset = (7 - first.weekday().num_days_from_sunday()) % 7;
    first + Duration::days(i64::from(offset + 7 * (n - 1)))
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap();
    let last = next - Duration::days(1);
    last - Duration::days(i64::from(last.weekday().num_days_from_sunday()))
}

/// Minutes ahead of UTC of `zone` on `day`.
pub fn offset_minutes(zone: Zone, day: NaiveDate) -> i32 {
    let y = day.year();
    let eu_summer = day >= last_sunday(y, 3) && day < last_sunday(y, 10);
    let us_summer = day >= nth_sunday(y, 3, 2) && day < nth_sunday(y, 11, 1);
    match zone {
        Zone::Fixed(m) => m,
        Zone::UkLocal => {
            if eu_summer {
                60
            } else {
                0
            }
        }
        Zone::CentralEurope => {
            if eu_summer {
                120
            } else {
                60
            }
        }
        Zone::UsEastern => {
            if us_summer {
                -240
            } else {
                -300
            }
        }
        Zone::UsPacific => {
            if us_summer {
                -420
            } else {
                -480
            }
        }
    }
}

/// A local day and time in `zone` as UTC (UTC when no zone is known).
pub fn to_utc(day: NaiveDate, time: NaiveTime, zone: Option<Zone>) -> DateTime<Utc> {
    let offset = zone.map_or(0, |z| offset_minutes(z, day));
    Utc.from_utc_datetime(&(day.and_time(time) - Duration::minutes(i64::from(offset))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &Stamp, year: Option<i32>) -> String {
        to_utc(s.day(year).unwrap(), s.time.unwrap_or_default(), s.zone).to_rfc3339()
    }

    #[test]
    fn outlet_stamps() {
        let s = scan("Sun 6 Apr 2025 17.45 BST");
        assert_eq!(utc(&s, None), "2025-04-06T16:45:00+00:00");
        let s = scan("Thursday 27 March 2025 16:26, UK");
        assert_eq!(utc(&s, None), "2025-03-27T16:26:00+00:00");
        let s = scan("Monday 31 March 2025 16:26, UK");
        assert_eq!(
            utc(&s, None),
            "2025-03-31T15:26:00+00:00",
            "BST from the last Sunday of March"
        );
        let s = scan("March 20, 2025 3:41 PM GMT Updated");
        assert_eq!(utc(&s, None), "2025-03-20T15:41:00+00:00");
        let s = scan("Updated 6:12 PM EDT, April 2, 2025");
        assert_eq!(utc(&s, None), "2025-04-02T22:12:00+00:00");
        for written in [
            "Published March 15, 2025",
            "03/15/2025",
            "15/03/2025",
            "2025/03/15",
            "Saturday, March 15, 2025",
        ] {
            assert_eq!(
                scan(written).date,
                NaiveDate::from_ymd_opt(2025, 3, 15),
                "{written}"
            );
        }
        assert_eq!(
            scan("15 March").day(Some(2024)),
            NaiveDate::from_ymd_opt(2024, 3, 15)
        );
        assert_eq!(
            scan("2025-03-15T12:00:00+01:00")
                .exact
                .unwrap()
                .to_rfc3339(),
            "2025-03-15T11:00:00+00:00"
        );
    }

    #[test]
    fn stamp_lines_are_only_stamps() {
        assert!(stamp_line("17.45 BST").is_some());
        assert!(stamp_line("16:26").is_some());
        assert!(stamp_line("5:03pm").is_some());
        assert_eq!(stamp_line("2h ago").unwrap().ago, Some(Duration::hours(2)));
        assert_eq!(
            stamp_line("35 minutes ago").unwrap().ago,
            Some(Duration::minutes(35))
        );
        assert!(stamp_line("Updated at 10.50 GMT").is_some());
        assert!(stamp_line("The talks began at 16:26").is_none());
        assert!(
            stamp_line("15 March").is_none(),
            "a date without a time opens no post"
        );
        assert!(stamp_line("2025").is_none());
    }
}
