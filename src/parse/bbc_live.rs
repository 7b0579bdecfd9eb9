//! A BBC live page copied as plain text. Takes the text; gives one post per
//! `<headline>published at HH:MM Greenwich Mean Time D Month` marker, with its author and role
//! when the page names them, and its paragraphs at their exact byte offsets.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};

use super::{Format, SourceInfo, date_in_name, lines, month_number};
use crate::error::{Error, Result};
use crate::model::{Document, Paragraph, Post};
use crate::text::glued_boundary;

pub struct BbcLive;

const MARKER: &str = "published at ";
const CREDITS: &[&str] = &["Image source, ", "Media source, ", "Video source, "];
const CAPTIONS: &[&str] = &[
    "Image caption, ",
    "Media caption, ",
    "Video caption, ",
    "Copy link",
    "More on this story",
    "Skip ",
    "Live Reporting",
    "Edited by ",
    "View more on ",
];

/// The parts of a marker line: the headline glued before it and the time it gives.
struct Marker<'a> {
    headline: &'a str,
    hour: u32,
    minute: u32,
    /// Hours ahead of UTC of the zone named (GMT 0, BST 1).
    utc_offset: i64,
    day: Option<u32>,
    month: Option<u32>,
    year: Option<i32>,
}

fn parse_marker(line: &str) -> Option<Marker<'_>> {
    let at = line.rfind(MARKER)?;
    let rest = line[at + MARKER.len()..].trim();
    let (hour, minute, rest) = clock(rest)?;
    let (utc_offset, rest) = zone(rest);
    let (day, month, year) = day_month(rest);
    Some(Marker {
        headline: line[..at].trim_end(),
        hour,
        minute,
        utc_offset,
        day,
        month,
        year,
    })
}

/// "17:03 ..." -> (17, 3, "...")
fn clock(s: &str) -> Option<(u32, u32, &str)> {
    let end = s.find(|c: char| c.is_whitespace()).unwrap_or(s.len());
    let (h, m) = s[..end].split_once([':', '.'])?;
    let hour: u32 = h.parse().ok()?;
    let minute: u32 = m.parse().ok()?;
    (hour < 24 && minute < 60 && m.len() == 2).then_some((hour, minute, s[end..].trim_start()))
}

fn zone(s: &str) -> (i64, &str) {
    for (name, offset) in [
        ("Greenwich Mean Time", 0),
        ("British Summer Time", 1),
        ("GMT", 0),
        ("BST", 1),
        ("UTC", 0),
    ] {
        if let Some(rest) = s.strip_prefix(name) {
            return (offset, rest.trim_start());
        }
    }
    (0, s)
}

/// "15 March", "15 March 2025", "March 15" (any may be missing).
fn day_month(s: &str) -> (Option<u32>, Option<u32>, Option<i32>) {
    let words: Vec<&str> = s.split_whitespace().take(3).collect();
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for w in words {
        let w = w.trim_end_matches(',');
        if let Ok(n) = w.parse::<u32>() {
            if n > 31 {
                year = Some(n as i32);
            } else {
                day = Some(n);
            }
        } else if let Some(m) = month_number(w) {
            month = Some(m);
        }
    }
    (day, month, year)
}

/// The repeated "17:03 GMT 15 March" line under a marker.
fn is_time_line(line: &str) -> bool {
    clock(line.trim()).is_some_and(|(_, _, rest)| {
        let (_, rest) = zone(rest);
        rest.is_empty() || day_month(rest).1.is_some()
    }) && line.len() < 40
}

/// "Lana Lam", "Laura Kuenssberg": a short line of capitalised words and nothing else.
fn is_name_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && line.len() <= 40
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || "-'’.".contains(c))
        })
}

/// Splits "Live digital reporterImage source, PA Media" or "Live reporterAs talks go on"
/// into the leading part, and the body text that followed the credit or the glue, with its
/// offset within the line.
fn strip_credit(line: &str) -> (&str, Option<(usize, &str)>) {
    // One search for what every credit holds, rather than one for each on every line.
    if !line.contains(" source, ") {
        return (line, None);
    }
    for credit in CREDITS {
        if let Some(at) = line.find(credit) {
            let after = at + credit.len();
            let tail = &line[after..];
            // The credit runs to the end of the line unless body text was glued on after it.
            let body = glued_boundary(tail).map(|b| (after + b, &line[after + b..]));
            return (line[..at].trim_end(), body);
        }
    }
    (line, None)
}

impl Format for BbcLive {
    fn name(&self) -> &'static str {
        "bbc-live"
    }

    fn detect(&self, text: &str) -> bool {
        text.lines().take(2000).any(|l| parse_marker(l).is_some())
    }

    fn starts_post(&self, line: &str) -> bool {
        parse_marker(line).is_some()
    }

    fn parse(&self, text: &str, info: &SourceInfo) -> Result<Document> {
        let name_date = date_in_name(&info.path);
        let lines = lines(text);

        let mut posts = Vec::new();
        let mut i = 0;
        // Before the first marker: the page header, and perhaps a summary list.
        let mut preamble = Vec::new();
        let mut furniture: Vec<std::ops::Range<usize>> = Vec::new();
        let mut unplaced = |(offset, line): (usize, &str)| {
            if !line.trim().is_empty() {
                furniture.push(offset..offset + line.len());
            }
        };
        while i < lines.len() && parse_marker(lines[i].1).is_none() {
            match body_paragraph(lines[i]) {
                Some(p) => preamble.push(p),
                None => unplaced(lines[i]),
            }
            i += 1;
        }
        while i < lines.len() {
            let (line_start, line) = lines[i];
            let Some(marker) = parse_marker(line) else {
                i += 1;
                continue;
            };
            let line_no = i + 1;
            let published_at = timestamp(&marker, info.year.or(info.date.map(|d| d.year())), info.date.or(name_date)).ok_or_else(|| {
                Error::input(
                    &info.path,
                    Some(line_no),
                    "cannot tell the year of this post: pass --year, or put the date (YYYY-MM-DD) in the file name",
                )
            })?;
            let mut post = Post {
                published_at: Some(published_at),
                ..Post::default()
            };
            let lead = marker.headline.len() - marker.headline.trim_start().len();
            if !marker.headline.trim().is_empty() {
                post.title = Some(Paragraph::new(marker.headline.trim(), line_start + lead));
            }
            i += 1;
            if i < lines.len() && is_time_line(lines[i].1) {
                i += 1;
            }
            // Optional author line, then a role line that may carry a credit or the first
            // sentence of the body glued to it.
            while i < lines.len() && lines[i].1.trim().is_empty() {
                i += 1;
            }
            if i + 1 < lines.len()
                && is_name_line(lines[i].1.trim())
                && parse_marker(lines[i + 1].1).is_none()
                && !lines[i + 1].1.trim_start().starts_with(['-', '•'])
            {
                let (role_start, role_line) = lines[i + 1];
                let (head, glued_body) = strip_credit(role_line);
                let split =
                    glued_body.or_else(|| glued_boundary(head).map(|b| (b, &role_line[b..])));
                let role = match split {
                    Some((b, _)) if b <= head.len() => &role_line[..b],
                    _ => head,
                };
                let role_is_role = split.is_some() || role.len() <= 60 && !role.ends_with('.');
                if role_is_role {
                    post.author = Some(lines[i].1.trim().to_string());
                    if !role.trim().is_empty() {
                        post.role = Some(role.trim().to_string());
                    }
                    if let Some((b, body)) = split
                        && let Some(p) = body_paragraph((role_start + b, body))
                    {
                        post.paragraphs.push(p);
                    }
                    i += 2;
                }
            }
            while i < lines.len() && parse_marker(lines[i].1).is_none() {
                match body_paragraph(lines[i]) {
                    Some(p) => post.paragraphs.push(p),
                    None => unplaced(lines[i]),
                }
                i += 1;
            }
            posts.push(post);
        }
        if !preamble.is_empty() {
            // A summary above the posts speaks for the page as of its latest post.
            let latest = posts.iter().filter_map(|p| p.published_at).max();
            posts.insert(
                0,
                Post {
                    title: None,
                    published_at: latest,
                    paragraphs: preamble,
                    ..Post::default()
                },
            );
        }
        Ok(Document::new(
            &info.path,
            self.name(),
            info.url.clone(),
            text.to_string(),
            posts,
        )
        .with_furniture(furniture))
    }
}

/// A body line as a paragraph, without a trailing image credit; None for page furniture.
fn body_paragraph((offset, line): (usize, &str)) -> Option<Paragraph> {
    let (kept, glued) = strip_credit(line);
    if let Some((b, body)) = glued {
        // A credit with body text glued after it: keep the body (the caption part is furniture).
        let lead = body.len() - body.trim_start().len();
        return (!body.trim().is_empty()).then(|| Paragraph::new(body.trim(), offset + b + lead));
    }
    let trimmed = kept.trim_start();
    let lead = kept.len() - trimmed.len();
    let trimmed = trimmed.trim_end();
    if trimmed.is_empty() || CAPTIONS.iter().any(|c| trimmed.starts_with(c)) {
        return None;
    }
    Some(Paragraph::new(trimmed, offset + lead))
}

fn timestamp(
    marker: &Marker<'_>,
    year: Option<i32>,
    name_date: Option<NaiveDate>,
) -> Option<DateTime<Utc>> {
    let year = marker.year.or(year).or(name_date.map(|d| d.year()))?;
    let (month, day) = match (marker.month, marker.day) {
        (Some(m), Some(d)) => (m, d),
        _ => (name_date?.month(), name_date?.day()),
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = NaiveTime::from_hms_opt(marker.hour, marker.minute, 0)?;
    let local = date.and_time(time) - chrono::Duration::hours(marker.utc_offset);
    Some(Utc.from_utc_datetime(&local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_credit_holds_the_words_searched_for_first() {
        for credit in CREDITS {
            assert!(credit.contains(" source, "), "{credit}");
        }
        let line = "Talks go on. Image source, Reuters";
        assert_eq!(strip_credit(line).0, "Talks go on.");
        assert_eq!(strip_credit("No credit here").0, "No credit here");
    }

    fn info(year: Option<i32>) -> SourceInfo {
        SourceInfo {
            path: "page.txt".into(),
            year,
            ..SourceInfo::default()
        }
    }

    const PAGE: &str = "Live Reporting\nEdited by A Editor\n\
Talks resume in Geneva 'we are close'published at 09:15 Greenwich Mean Time 2 April\n\
09:15 GMT 2 April\n\
Jane Doe\n\
Political reporterImage source, Reuters\n\
The minister says a deal is near.\n\
Second paragraph.Image source, EPA\n\
No author herepublished at 08:00 British Summer Time 2 April\n\
08:00 BST 2 April\n\
Sam Roe\n\
Live reporterAs talks go on, the envoy says \"wait\".\n";

    #[test]
    fn posts_authors_roles_and_offsets() {
        let doc = BbcLive.parse(PAGE, &info(Some(2024))).unwrap();
        assert_eq!(doc.posts.len(), 2);
        let first = &doc.posts[0];
        let title = first.title.as_ref().unwrap();
        assert_eq!(title.text, "Talks resume in Geneva 'we are close'");
        assert_eq!(
            &PAGE[title.offset..title.offset + title.text.len()],
            title.text
        );
        assert_eq!(first.author.as_deref(), Some("Jane Doe"));
        assert_eq!(first.role.as_deref(), Some("Political reporter"));
        assert_eq!(first.paragraphs[1].text, "Second paragraph.");
        assert_eq!(
            first.published_at.unwrap().to_rfc3339(),
            "2024-04-02T09:15:00+00:00"
        );
        let second = &doc.posts[1];
        assert_eq!(second.role.as_deref(), Some("Live reporter"));
        let p = &second.paragraphs[0];
        assert_eq!(p.text, "As talks go on, the envoy says \"wait\".");
        assert_eq!(&PAGE[p.offset..p.offset + p.text.len()], p.text);
        // British Summer Time is an hour ahead of UTC.
        assert_eq!(
            second.published_at.unwrap().to_rfc3339(),
            "2024-04-02T07:00:00+00:00"
        );
    }

    #[test]
    fn missing_year_is_refused_with_the_line() {
        let e = BbcLive.parse(PAGE, &info(None)).unwrap_err().to_string();
        assert!(e.starts_with("page.txt:3: cannot tell the year"), "{e}");
    }

    #[test]
    fn post_without_author_keeps_first_line_as_body() {
        let page = "Headlinepublished at 10:00 Greenwich Mean Time 1 May\n10:00 GMT 1 May\nImage source, Getty Images\nThe president said \"no\" to the plan.\n";
        let doc = BbcLive.parse(page, &info(Some(2025))).unwrap();
        assert_eq!(doc.posts[0].author, None);
        assert_eq!(doc.posts[0].paragraphs.len(), 1);
    }
}
