//! A news article as text: a headline, byline and date lines, then paragraphs. One post,
//! dated by --date, else the date line under the headline ("March 20, 2025 3:41 PM GMT",
//! "Published March 15, 2025", "Updated 6:12 PM GMT, April 2, 2025"), else the file name.

use super::dates::{scan, to_utc};
use super::live_text::{is_headline, paragraph};
use super::{Format, SourceInfo, date_in_name, is_furniture, lines};
use crate::error::{Error, Result};
use crate::model::{Document, Paragraph, Post};

pub struct Article;

/// Lines under the headline that may carry the byline and the date.
const HEADER_LINES: usize = 8;
/// How far down a date line standing alone is looked for when the header has none.
const DATE_SEARCH_LINES: usize = 60;
/// A paragraph longer than this is cut at sentence ends, so one enormous line cannot make
/// one enormous unit of work.
const MAX_PARAGRAPH: usize = 64 * 1024;

fn is_byline(line: &str) -> bool {
    let t = line.trim();
    t.len() < 120 && (t.starts_with("By ") || t.starts_with("by ") || t.starts_with("BY "))
}

impl Format for Article {
    fn name(&self) -> &'static str {
        "article"
    }

    fn detect(&self, text: &str) -> bool {
        text.lines().take(1000).any(|l| {
            l.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count()
                >= 3
        })
    }

    fn parse(&self, text: &str, info: &SourceInfo) -> Result<Document> {
        let all: Vec<(usize, &str)> = lines(text)
            .into_iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        let mut post = Post::default();
        let mut rest = &all[..];
        if let Some(first) = all.first()
            && !info.continuation
            && all.len() >= 2
            && is_headline(first.1)
            && first.1.len() <= 300
        {
            post.title = Some(paragraph(*first));
            rest = &all[1..];
        }
        let mut header_dates = None;
        let mut body_from = 0;
        let header = if info.continuation { 0 } else { HEADER_LINES };
        for (k, (_, l)) in rest.iter().enumerate().take(header) {
            // Date and byline lines are short; a long line is the story starting.
            if l.len() > 200 {
                break;
            }
            let s = scan(l);
            let dated = s.exact.is_some() || s.date.is_some();
            if is_byline(l) {
                post.author = Some(l.trim()[3..].trim().to_string());
                body_from = k + 1;
            } else if dated && header_dates.is_none() && l.len() < 120 {
                header_dates = Some((k, s));
                body_from = k + 1;
            } else if !is_furniture(l) {
                break;
            }
        }
        // Pages copied with their menus may put the date line further down: take a line that
        // is a date and nothing else.
        if header_dates.is_none() && !info.continuation {
            header_dates = rest
                .iter()
                .take(DATE_SEARCH_LINES)
                .filter(|(_, l)| l.len() < 120)
                .map(|(_, l)| scan(l))
                .find(|s| s.whole && (s.exact.is_some() || s.date.is_some()))
                .map(|s| (0, s));
        }
        let published = match (info.date, &header_dates) {
            (Some(d), _) => Some(to_utc(d, Default::default(), None)),
            (None, Some((_, s))) => s.exact.or_else(|| {
                let day = s.date?;
                Some(to_utc(day, s.time.unwrap_or_default(), s.zone))
            }),
            (None, None) => date_in_name(&info.path).map(|d| to_utc(d, Default::default(), None)),
        };
        let Some(published) = published else {
            return Err(Error::input(
                &info.path,
                None,
                "cannot tell the date of this article: pass --date YYYY-MM-DD, or put a date line under the headline",
            ));
        };
        post.published_at = Some(published);
        // Byline and date lines are read into the post; what else is not a paragraph is
        // counted as furniture.
        let mut furniture: Vec<std::ops::Range<usize>> = rest[..body_from]
            .iter()
            .filter(|(_, l)| !is_byline(l) && scan(l).date.is_none() && scan(l).exact.is_none())
            .map(|&(o, l)| o..o + l.len())
            .collect();
        for &line in &rest[body_from..] {
            if is_furniture(line.1)
                || is_footer(line.1)
                || !line.1.chars().any(char::is_alphanumeric)
            {
                furniture.push(line.0..line.0 + line.1.len());
                continue;
            }
            post.paragraphs
                .extend(split_long(without_dateline(paragraph(line))));
        }
        let posts = if post.paragraphs.is_empty() {
            vec![]
        } else {
            vec![post]
        };
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

/// "BRUSSELS, March 20 (Reuters) - " or "KYIV, Ukraine (AP) — " opening a paragraph: where
/// and who filed it, not what anyone said.
fn without_dateline(p: Paragraph) -> Paragraph {
    let head: String = p.text.chars().take(80).collect();
    let first_word = head.split([' ', ',']).next().unwrap_or("");
    let shouting = first_word.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && first_word
            .chars()
            .all(|c| !c.is_alphabetic() || c.is_uppercase());
    let dash = [" - ", " — ", " – "]
        .iter()
        .filter_map(|d| head.find(d).map(|i| (i, d.len())))
        .min();
    match dash {
        Some((i, len)) if shouting && head[..i].contains(')') => {
            let rest = &p.text[i + len..];
            Paragraph::new(rest, p.offset + i + len)
        }
        _ => p,
    }
}

/// "Reporting by ...; Editing by ...": the agency's credits, not the story.
fn is_footer(line: &str) -> bool {
    let t = line.trim_start();
    [
        "Reporting by",
        "Editing by",
        "Additional reporting",
        "Writing by",
        "Compiled by",
        "Our Standards:",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// Cuts an over-long paragraph after sentence ends (". "), keeping exact offsets.
pub fn split_long(p: Paragraph) -> Vec<Paragraph> {
    if p.text.len() <= MAX_PARAGRAPH {
        return vec![p];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let text = p.text.as_str();
    while start < text.len() {
        let mut end = (start + MAX_PARAGRAPH).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end < text.len()
            && let Some(cut) = text[start..end].rfind(". ")
            && cut > 0
        {
            end = start + cut + 1;
        }
        let piece = &text[start..end];
        let lead = piece.len() - piece.trim_start().len();
        if !piece.trim().is_empty() {
            out.push(Paragraph::new(piece.trim(), p.offset + start + lead));
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_byline_date_and_footer() {
        let text = "Ports reopen after strike\nBy Ana Ruiz\nMarch 20, 2025 3:41 PM GMT\nLISBON (Reuters) - Dockers said on Thursday the strike was over.\nReporting by Ana Ruiz; Editing by Tom Fay\n";
        let info = SourceInfo {
            path: "a.txt".into(),
            ..SourceInfo::default()
        };
        let doc = Article.parse(text, &info).unwrap();
        let post = &doc.posts[0];
        assert_eq!(
            post.title.as_ref().unwrap().text,
            "Ports reopen after strike"
        );
        assert_eq!(post.author.as_deref(), Some("Ana Ruiz"));
        assert_eq!(
            post.published_at.unwrap().to_rfc3339(),
            "2025-03-20T15:41:00+00:00"
        );
        assert_eq!(post.paragraphs.len(), 1);
    }

    #[test]
    fn undated_article_is_refused() {
        let info = SourceInfo {
            path: "a.txt".into(),
            ..SourceInfo::default()
        };
        let e = Article
            .parse("A headline\nSome body text here.\n", &info)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("cannot tell the date of this article"),
            "{e}"
        );
    }

    #[test]
    fn long_paragraph_is_cut_at_sentence_ends() {
        let text = "Word. ".repeat(30_000);
        let parts = split_long(Paragraph::new(text.trim(), 10));
        assert!(parts.len() > 1);
        for p in &parts {
            assert!(p.text.len() <= MAX_PARAGRAPH);
            assert!(p.text.ends_with('.'));
            assert_eq!(
                &text.trim()[p.offset - 10..p.offset - 10 + p.text.len()],
                p.text
            );
        }
    }
}
