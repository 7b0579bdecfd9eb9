//! Live blogs copied as text from any outlet whose posts open with a time line ("17.45 BST",
//! "16:26", "5:03pm", "2h ago", "Thursday 27 March 2025 16:26, UK") rather than BBC's
//! marker. The page's own date line (or --date, or the file name) dates the posts; a post's
//! first short line without final punctuation is its headline.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::dates::{Stamp, Zone, scan, stamp_line, to_utc};
use super::{Format, SourceInfo, date_in_name, is_furniture, lines};
use crate::error::{Error, Result};
use crate::model::{Document, Paragraph, Post};

pub struct LiveText;

/// A line of the page with the byte offset where it starts.
type Line<'a> = (usize, &'a str);

/// How many lines at the top may hold the page's date.
const HEADER_LINES: usize = 15;
/// How far down a line that is only a date is looked for when the top has none.
const DATE_SEARCH_LINES: usize = 300;

/// A line that opens a post: a stamp, not "Updated at ..." furniture.
fn post_stamp(line: &str) -> Option<Stamp> {
    let lower = line.trim_start().to_ascii_lowercase();
    if lower.starts_with("updated") || lower.starts_with("last updated") {
        return None;
    }
    stamp_line(line)
}

struct Page {
    day: Option<NaiveDate>,
    zone: Option<Zone>,
    /// When the page says it was written: the reference for "2h ago".
    now: Option<DateTime<Utc>>,
    /// The line that gave the date, not a post of its own.
    line: Option<usize>,
}

fn page_context(all: &[(usize, &str)], info: &SourceInfo) -> Page {
    let mut page = Page {
        day: None,
        zone: None,
        now: None,
        line: None,
    };
    let header = if info.continuation { 0 } else { HEADER_LINES };
    for (i, (_, l)) in all
        .iter()
        .enumerate()
        .filter(|(_, (_, l))| !l.trim().is_empty())
        .take(header)
    {
        let s = scan(l);
        let day = s.exact.map(|t| t.date_naive()).or(s.day(None));
        if let Some(day) = day {
            page.day = Some(day);
            page.zone = s.zone;
            page.now = s.exact.or_else(|| s.time.map(|t| to_utc(day, t, s.zone)));
            page.line = Some(i);
            break;
        }
    }
    if page.day.is_none() && !info.continuation {
        // Menus first, date later: a line that is a full date and nothing else.
        page.day = all
            .iter()
            .take(DATE_SEARCH_LINES)
            .map(|(_, l)| scan(l))
            .find(|s| s.whole && s.day(None).is_some())
            .and_then(|s| s.day(None));
    }
    if let Some(d) = info.date {
        page.day = Some(d);
    }
    if page.day.is_none() {
        page.day = date_in_name(&info.path);
    }
    page
}

/// Indices of the lines that open posts. Relative stamps ("2h ago") count only on pages
/// with no clock times: elsewhere they label a key-events list.
pub fn post_starts(all: &[(usize, &str)], skip: Option<usize>) -> Vec<(usize, Stamp)> {
    let stamps: Vec<(usize, Stamp)> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .filter_map(|(i, (_, l))| post_stamp(l).map(|s| (i, s)))
        .collect();
    let clock = stamps.iter().filter(|(_, s)| s.ago.is_none()).count();
    stamps
        .into_iter()
        .filter(|(_, s)| clock < 2 || s.ago.is_none())
        .collect()
}

impl Format for LiveText {
    fn name(&self) -> &'static str {
        "live-text"
    }

    fn starts_post(&self, line: &str) -> bool {
        post_stamp(line).is_some()
    }

    fn detect(&self, text: &str) -> bool {
        let all = lines(text);
        let head: Vec<(usize, &str)> = all.into_iter().take(5000).collect();
        post_starts(&head, None).len() >= 2
    }

    fn parse(&self, text: &str, info: &SourceInfo) -> Result<Document> {
        let all = lines(text);
        let page = page_context(&all, info);
        // The page's date line is the header's, unless it is a full time stamp with a story
        // under it: a page saved as several snapshots dates each by such a line.
        let skip = page.line.filter(|&i| !opens_snapshot(&all, i));
        let starts = post_starts(&all, skip);
        let mut posts: Vec<Post> = Vec::new();
        let mut times: Vec<(Option<DateTime<Utc>>, bool)> = Vec::new();
        let mut furniture: Vec<std::ops::Range<usize>> = Vec::new();
        let mut unplaced = |lines: &[(usize, &str)]| {
            for &(offset, l) in lines {
                if !l.trim().is_empty() {
                    furniture.push(offset..offset + l.len());
                }
            }
        };
        // What stands above the first post is the page's header: its headline is read, the
        // rest (menus, bylines) counted, not lost.
        let header = &all[..starts.first().map_or(all.len(), |(i, _)| *i)];
        let headline = if info.continuation {
            None
        } else {
            page_headline(header)
        };
        // Its standfirst, a sentence or two summing up the page, is news too: "X and Y agree
        // to ... It comes after Moscow warned ...".
        let summary: Vec<Line> = if info.continuation {
            Vec::new()
        } else {
            header
                .iter()
                .copied()
                .filter(|l| Some(l.0) != headline.map(|h: (usize, &str)| h.0) && is_summary(l.1))
                .collect()
        };
        unplaced(
            &header
                .iter()
                .copied()
                .filter(|l| {
                    Some(l.0) != headline.map(|h: (usize, &str)| h.0)
                        && !summary.iter().any(|s| s.0 == l.0)
                })
                .collect::<Vec<_>>(),
        );
        for (k, (i, stamp)) in starts.iter().enumerate() {
            let end = starts.get(k + 1).map_or(all.len(), |(j, _)| *j);
            let (content, dropped): (Vec<Line>, Vec<Line>) = all[i + 1..end]
                .iter()
                .filter(|(_, l)| !l.trim().is_empty())
                .partition(|(_, l)| !is_furniture(l) && post_stamp(l).is_none());
            unplaced(&dropped);
            let mut post = Post::default();
            let mut body = &content[..];
            if content.len() >= 2 && is_headline(content[0].1) {
                post.title = Some(paragraph(content[0]));
                body = &content[1..];
            }
            // "From CNN's Tom Vale", "By Ana Ruiz": who wrote the post, not what it says.
            if let Some((_, l)) = body.first().filter(|(_, l)| is_credit(l)) {
                post.author = Some(
                    l.trim()
                        .split_once(' ')
                        .map_or("", |(_, who)| who)
                        .trim()
                        .to_string(),
                );
                body = &body[1..];
            }
            post.paragraphs = body.iter().map(|&l| paragraph(l)).collect();
            if post.paragraphs.is_empty() {
                unplaced(&content);
                continue;
            }
            let dated = stamp.date.is_some() || stamp.day_month.is_some() || stamp.exact.is_some();
            let time = if let Some(t) = stamp.exact {
                Some(t)
            } else if let Some(ago) = stamp.ago {
                page.now.and_then(|now| now.checked_sub_signed(ago))
            } else {
                let day = stamp
                    .day(page.day.map(|d| chrono::Datelike::year(&d)))
                    .or(page.day);
                match (day, stamp.time) {
                    (Some(day), Some(t)) => Some(to_utc(day, t, stamp.zone.or(page.zone))),
                    _ => None,
                }
            };
            if time.is_none() {
                return Err(Error::input(
                    &info.path,
                    Some(i + 1),
                    "cannot tell the date of this post: pass --date YYYY-MM-DD, or put the date in the file name",
                ));
            }
            times.push((time, dated));
            posts.push(post);
        }
        roll_back_midnight(&mut times, page.now);
        for (post, (time, _)) in posts.iter_mut().zip(times) {
            post.published_at = time;
        }
        // The page's headline heads its first post, or stands as a post of its own, with the
        // standfirst when there is one.
        if !summary.is_empty()
            && let Some(first) = posts.first()
        {
            let post = Post {
                title: headline.map(paragraph),
                paragraphs: summary.iter().map(|&l| paragraph(l)).collect(),
                published_at: first.published_at,
                ..Post::default()
            };
            posts.insert(0, post);
        } else if let Some(line) = headline
            && let Some(first) = posts.first_mut()
        {
            if first.title.is_none() {
                first.title = Some(paragraph(line));
            } else {
                let post = Post {
                    title: Some(paragraph(line)),
                    published_at: first.published_at,
                    ..Post::default()
                };
                posts.insert(0, post);
            }
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

/// The page's headline among the lines above its first post: the first line shaped like a
/// headline and long enough not to be a menu item.
fn page_headline<'a>(header: &[(usize, &'a str)]) -> Option<(usize, &'a str)> {
    header.iter().copied().find(|(_, l)| {
        let t = l.trim();
        is_headline(t)
            && t.split_whitespace().count() >= 6
            && !is_furniture(t)
            && post_stamp(t).is_none()
            && !t.starts_with(['•', '-', '*'])
    })
}

/// A date line with its time, followed (before the next time line) by a paragraph of
/// running text: the time of a snapshot of the page, whose story is under it.
fn opens_snapshot(all: &[(usize, &str)], line: usize) -> bool {
    let Some(stamp) = all.get(line).and_then(|(_, l)| post_stamp(l)) else {
        return false;
    };
    if stamp.time.is_none() && stamp.exact.is_none() {
        return false;
    }
    all[line + 1..]
        .iter()
        .take_while(|(_, l)| post_stamp(l).is_none())
        .any(|(_, l)| is_running_text(l))
}

/// A line of prose: eight words or more ending as a sentence does.
fn is_running_text(line: &str) -> bool {
    let t = line.trim().trim_end_matches(['"', '”', '’', '\'', ')']);
    t.split_whitespace().count() >= 8 && t.ends_with(['.', '!', '?', ':'])
}

/// Pages that run past midnight date their posts by clock time only. A post cannot be later
/// than the page's own "updated" time, so one that would be belongs to the day before; with
/// no such time, on a newest-first page a time later than the post above it (by more than
/// six hours) belongs to the day before.
fn roll_back_midnight(times: &mut [(Option<DateTime<Utc>>, bool)], now: Option<DateTime<Utc>>) {
    if let Some(now) = now {
        for (time, dated) in times.iter_mut() {
            if let (Some(t), false) = (time.as_mut(), *dated) {
                while *t > now + Duration::minutes(10) {
                    *t -= Duration::days(1);
                }
            }
        }
        return;
    }
    let pairs: Vec<(DateTime<Utc>, DateTime<Utc>)> = times
        .windows(2)
        .filter_map(|w| Some((w[0].0?, w[1].0?)))
        .collect();
    let newest_first = pairs.iter().filter(|(a, b)| b < a).count() > pairs.len() / 2;
    let mut shift = Duration::zero();
    let mut prev: Option<DateTime<Utc>> = None;
    for (time, dated) in times.iter_mut() {
        let Some(t) = *time else { continue };
        if *dated {
            shift = Duration::zero();
            prev = Some(t);
            continue;
        }
        let mut adjusted = t - shift;
        if let Some(p) = prev {
            if newest_first && adjusted > p + Duration::hours(6) {
                shift += Duration::days(1);
                adjusted -= Duration::days(1);
            } else if !newest_first && adjusted + Duration::hours(6) < p {
                shift -= Duration::days(1);
                adjusted += Duration::days(1);
            }
        }
        *time = Some(adjusted);
        prev = Some(adjusted);
    }
}

/// "By Ana Ruiz", "From CNN's Tom Vale in Kyiv": a short credit line.
fn is_credit(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("By ") || t.starts_with("From "))
        && t.len() < 80
        && !t.ends_with(['.', '"', '”'])
        && t.split_whitespace()
            .nth(1)
            .is_some_and(|w| w.starts_with(char::is_uppercase))
}

/// A page's standfirst: a line of a dozen words or more ending as a sentence does, above the
/// first post.
fn is_summary(line: &str) -> bool {
    let t = line.trim();
    t.split_whitespace().count() >= 12
        && t.ends_with(['.', '!', '?', '"', '”'])
        && !is_furniture(t)
        && post_stamp(t).is_none()
        && !is_credit(t)
        && !t.starts_with(['•', '-', '*'])
}

/// A post's headline: a short line with no sentence-ending punctuation.
pub fn is_headline(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() <= 160
        && !t.ends_with(['.', '?', '!', ':', ','])
        && !t.ends_with(".\"")
        && !t.ends_with(".”")
        && !t.starts_with(['-', '•', '*'])
}

pub fn paragraph((offset, line): (usize, &str)) -> Paragraph {
    let lead = line.len() - line.trim_start().len();
    Paragraph::new(line.trim(), offset + lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Talks live\nSun 6 Apr 2025 00.40 BST\nKey events\n1h ago\nA headline\n\n00.20 BST\nPast midnight\nThe minister said \"it is late\".\nShare\n23.10 BST\nThe envoy said talks would resume.\nUpdated at 23.15 BST\n";

    fn info() -> SourceInfo {
        SourceInfo {
            path: "page.txt".into(),
            ..SourceInfo::default()
        }
    }

    #[test]
    fn posts_from_time_lines_with_page_date_and_midnight() {
        let doc = LiveText.parse(PAGE, &info()).unwrap();
        assert_eq!(doc.posts.len(), 2);
        let first = &doc.posts[0];
        assert_eq!(first.title.as_ref().unwrap().text, "Past midnight");
        assert_eq!(first.paragraphs.len(), 1, "Share is furniture");
        // 00.20 BST on 6 April is 23.20 UTC on 5 April; 23.10 BST cannot be after the page's
        // 00.40, so it is 23.10 BST on 5 April.
        assert_eq!(
            first.published_at.unwrap().to_rfc3339(),
            "2025-04-05T23:20:00+00:00"
        );
        assert_eq!(
            doc.posts[1].published_at.unwrap().to_rfc3339(),
            "2025-04-05T22:10:00+00:00"
        );
        let p = &doc.posts[1].paragraphs[0];
        assert_eq!(&PAGE[p.offset..p.offset + p.text.len()], p.text);
    }

    #[test]
    fn date_line_below_the_menus_dates_the_page() {
        let mut page = String::from("Home\nWorld\nUkraine\n");
        for i in 0..20 {
            page.push_str(&format!("Menu item {i}\n"));
        }
        page.push_str("Saturday, March 15, 2025\n10:00\nThe minister said talks went well.\n09:00\nThe envoy arrived.\n");
        let doc = LiveText.parse(&page, &info()).unwrap();
        assert_eq!(
            doc.posts[0].published_at.unwrap().to_rfc3339(),
            "2025-03-15T10:00:00+00:00"
        );
    }

    #[test]
    fn a_timed_date_line_with_a_story_under_it_is_a_snapshot_not_lost() {
        let page = "Leaders agree to meet again next week in Rome.\n\
                    Thursday 27 March 2025 16:26, UK\n\
                    Share this post\n\
                    The summit has ended and the leaders are now taking questions from reporters.\n\
                    Thursday 27 March 2025 18:36, UK\n\
                    The second snapshot opens with a new story about the talks in Rome.\n";
        let doc = LiveText.parse(page, &info()).unwrap();
        assert_eq!(doc.posts.len(), 2, "{:?}", doc.posts);
        assert!(
            doc.posts[0].paragraphs[0]
                .text
                .starts_with("The summit has ended")
        );
        let furniture: Vec<&str> = doc.furniture.iter().map(|r| &page[r.clone()]).collect();
        assert!(furniture.contains(&"Share this post"), "{furniture:?}");
        assert!(
            furniture.iter().any(|l| l.starts_with("Leaders agree")),
            "the standfirst above the first post is counted: {furniture:?}"
        );
    }

    #[test]
    fn the_page_headline_heads_the_first_post() {
        let page = "Home\nWorld\nHarbour strike latest: union expects a deal within days\n\
                    Saturday 15 March 2025\n10:00\nThe union said talks went well.\n\
                    09:00\nNegotiators arrived at the port.\n";
        let doc = LiveText.parse(page, &info()).unwrap();
        let titles: Vec<Option<&str>> = doc
            .posts
            .iter()
            .map(|p| p.title.as_ref().map(|t| t.text.as_str()))
            .collect();
        assert_eq!(
            titles[0],
            Some("Harbour strike latest: union expects a deal within days")
        );
        let furniture: Vec<&str> = doc.furniture.iter().map(|r| &page[r.clone()]).collect();
        assert_eq!(furniture, vec!["Home", "World", "Saturday 15 March 2025"]);
    }

    #[test]
    fn the_standfirst_is_read_with_the_page_headline() {
        let page = "Home\nHarbour strike latest: union expects a deal within days\n\
                    The union and the port owners agree to meet on Monday, after the mayor warned the strike was costing the city dearly.\n\
                    Saturday 15 March 2025\n10:00\nThe union said talks went well.\n";
        let doc = LiveText.parse(page, &info()).unwrap();
        assert_eq!(doc.posts.len(), 2);
        let head = &doc.posts[0];
        assert_eq!(
            head.title.as_ref().map(|t| t.text.as_str()),
            Some("Harbour strike latest: union expects a deal within days")
        );
        assert!(
            head.paragraphs[0]
                .text
                .starts_with("The union and the port owners")
        );
        assert_eq!(head.published_at, doc.posts[1].published_at);
        let furniture: Vec<&str> = doc.furniture.iter().map(|r| &page[r.clone()]).collect();
        assert_eq!(furniture, vec!["Home", "Saturday 15 March 2025"]);
    }

    #[test]
    fn undated_page_is_refused_with_the_line() {
        let e = LiveText
            .parse("10:00\nSomething happened here.\n11:00\nMore.\n", &info())
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("page.txt:1: cannot tell the date"),
            "{e}"
        );
    }
}
