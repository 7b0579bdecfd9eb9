//! Input formats. Takes the bytes of one source and what the user said about it (year, date);
//! gives a `Document`: the text offsets point into, and its posts. One file per format behind
//! the `Format` trait; nothing here touches the database.

mod article;
mod bbc_live;
pub mod dates;
mod html;
mod jsonl;
mod live_text;
mod pieces;

pub use article::Article;
pub use bbc_live::BbcLive;
pub use html::Html;
pub use jsonl::Jsonl;
pub use live_text::LiveText;
pub use pieces::{Piece, Pieces};

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};
use crate::model::{Document, Paragraph};

/// What the user told us about a source, beside its bytes.
#[derive(Debug, Clone, Default)]
pub struct SourceInfo {
    /// The name to report in errors and store as provenance ('<stdin>' for stdin).
    pub path: String,
    pub year: Option<i32>,
    /// The publication date when the user gives it (--date).
    pub date: Option<NaiveDate>,
    pub url: Option<String>,
    /// Bad lines of a line-based format are skipped instead of failing the source.
    pub skip_bad: bool,
    /// This text continues a source read in pieces: no page header or headline to look for.
    pub continuation: bool,
}

pub trait Format {
    /// A short lower-case name, stored with the source.
    fn name(&self) -> &'static str;
    /// Whether this format can read the text (judged by content, not file name).
    fn detect(&self, text: &str) -> bool;
    fn parse(&self, text: &str, info: &SourceInfo) -> Result<Document>;
    /// Whether a huge source may be cut before this line: a post starts there.
    fn starts_post(&self, _line: &str) -> bool {
        true
    }
    /// Whether a huge source may be read in pieces at all (HTML must be read whole).
    fn splits(&self) -> bool {
        true
    }
}

/// Every format, most specific first; plain article text takes whatever is left.
pub fn formats() -> Vec<Box<dyn Format>> {
    vec![
        Box::new(Jsonl),
        Box::new(Html),
        Box::new(BbcLive),
        Box::new(LiveText),
        Box::new(Article),
    ]
}

/// The text whosaid derives from a structured source (JSONL, HTML): each post's title and
/// paragraphs on lines of their own, posts apart by a blank line. Offsets point into it.
#[derive(Debug, Default)]
pub struct DerivedText {
    pub text: String,
}

impl DerivedText {
    /// Appends a post's text and gives back its title and paragraphs placed in it.
    pub fn post(
        &mut self,
        title: Option<&str>,
        paragraphs: &[String],
    ) -> (Option<Paragraph>, Vec<Paragraph>) {
        let mut place = |s: &str| {
            let p = Paragraph::new(s, self.text.len());
            self.text.push_str(s);
            self.text.push('\n');
            p
        };
        let title = title
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(&mut place);
        let paragraphs = paragraphs
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(&mut place)
            .collect();
        self.text.push('\n');
        (title, paragraphs)
    }
}

/// When a post was published, from a date string a structured source gives
/// ("2025-03-15T12:00:00+01:00", "2025-03-15 12:00", "March 15, 2025").
pub fn published(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = dates::scan(value);
    s.exact.or_else(|| {
        let day = s.date?;
        Some(dates::to_utc(day, s.time.unwrap_or_default(), s.zone))
    })
}

/// The lines of a text with the byte offset of each, line ends (LF or CRLF) removed.
pub fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        out.push((offset, raw.trim_end_matches(['\n', '\r'])));
        offset += raw.len();
    }
    out
}

/// Page furniture that copies along with the text: share buttons, update notes, labels.
pub fn is_furniture(line: &str) -> bool {
    const EXACT: &[&str] = &[
        "share",
        "copy link",
        "key events",
        "show key events only",
        "advertisement",
        "live",
        "updated",
        "reuse this content",
        "facebook",
        "twitter",
        "email",
        "x",
        "whatsapp",
        "pinned post",
        "read more",
        "more on this story",
        "related topics",
        "follow live",
        "report an error",
        "skip to content",
        "share this post",
        "share page",
        "save",
        "comments",
        "listen",
        "print",
    ];
    const PREFIX: &[&str] = &[
        "share on ",
        "share via ",
        "updated at ",
        "last updated",
        "please turn on javascript",
        "skip past ",
        "skip to ",
        "view more on ",
        "image source, ",
        "image caption, ",
        "media caption, ",
        "video caption, ",
        "getty images",
        "photograph:",
        "sign up for",
        "get the latest",
        "please use ",
        "live updates by ",
        "watch live",
    ];
    let t = line.trim().to_lowercase();
    EXACT.contains(&t.as_str()) || PREFIX.iter().any(|p| t.starts_with(p))
}

pub fn by_name(name: &str) -> Option<Box<dyn Format>> {
    formats().into_iter().find(|f| f.name() == name)
}

/// Decodes the bytes of a source, refusing what is not text with a message that says where.
/// UTF-8 (a byte-order mark dropped) and UTF-16 with a byte-order mark are read; with
/// `lossy`, invalid UTF-8 becomes U+FFFD instead of an error.
pub fn decode(bytes: &[u8], path: &str, lossy: bool) -> Result<String> {
    decode_at(bytes, path, lossy, Position::default())
}

/// Where a piece of a source starts in the whole, for messages that name the right place.
#[derive(Debug, Clone, Copy, Default)]
pub struct Position {
    pub byte: usize,
    /// Lines before the piece.
    pub lines: usize,
}

/// `decode` for a piece of a source that starts at `at`.
pub fn decode_at(bytes: &[u8], path: &str, lossy: bool, at: Position) -> Result<String> {
    if at.byte == 0
        && let Some(text) = utf16(bytes, path)?
    {
        return check_text(text, path);
    }
    let bytes = if at.byte == 0 {
        bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
    } else {
        bytes
    };
    if at.byte == 0 && bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(path, None, "the file is empty"));
    }
    // Anywhere in the text, not only its start: a NUL deep in a scraped file is binary too.
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::input(
            path,
            Some(at.lines + line_of(bytes, pos)),
            format!(
                "binary data (a NUL byte at byte {}); whosaid reads text",
                at.byte + pos
            ),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) if lossy => String::from_utf8_lossy(bytes).into_owned(),
        Err(e) => {
            let pos = e.valid_up_to();
            return Err(Error::input(
                path,
                Some(at.lines + line_of(bytes, pos)),
                format!(
                    "invalid UTF-8 at byte {} (--lossy reads it with replacement characters)",
                    at.byte + pos
                ),
            ));
        }
    };
    Ok(lines_ended_by_cr(text))
}

/// Text whose lines end with CR alone (old Mac files) gets LF ends, byte for byte, so its
/// lines are lines and every offset still points at the same words.
fn lines_ended_by_cr(text: String) -> String {
    if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    }
}

fn utf16(bytes: &[u8], path: &str) -> Result<Option<String>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return Ok(None),
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Err(Error::input(
            path,
            None,
            "UTF-16 text with an odd number of bytes",
        ));
    }
    let units = body.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<std::result::Result<String, _>>()
        .map(Some)
        .map_err(|e| Error::input(path, None, format!("invalid UTF-16: {e}")))
}

fn check_text(text: String, path: &str) -> Result<String> {
    if text.trim().is_empty() {
        return Err(Error::input(path, None, "the file is empty"));
    }
    if let Some(pos) = text.find('\0') {
        return Err(Error::input(
            path,
            None,
            format!("binary data (a NUL character at byte {pos})"),
        ));
    }
    Ok(text)
}

fn line_of(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Picks the format by content and parses. Refuses text in which no format finds posts.
pub fn parse(text: &str, info: &SourceInfo, format: Option<&str>) -> Result<Document> {
    let chosen = match format {
        Some(name) if name != "auto" => {
            by_name(name).ok_or_else(|| Error::Usage(format!("unknown input format '{name}'")))?
        }
        _ => formats()
            .into_iter()
            .find(|f| f.detect(text))
            .ok_or_else(|| {
                Error::input(
                    &info.path,
                    None,
                    "no posts found: not a format whosaid reads (a live blog or article as text, an HTML page, JSONL)",
                )
            })?,
    };
    let doc = chosen.parse(text, info)?;
    if doc.posts.is_empty() && !info.continuation {
        return Err(Error::input(&info.path, None, "no posts found"));
    }
    // A post dated after today is a misread date, not news from the future.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    if let Some(p) = doc
        .posts
        .iter()
        .find(|p| p.published_at.is_some_and(|t| t > tomorrow))
    {
        let when = p
            .published_at
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        return Err(Error::input(
            &info.path,
            None,
            format!("a post is dated {when}, in the future: check the date, or pass --date/--year"),
        ));
    }
    Ok(doc)
}

/// A date written as YYYY-MM-DD anywhere in a file name ("bbc-live-2025-03-15.txt").
pub fn date_in_name(path: &str) -> Option<NaiveDate> {
    let name = std::path::Path::new(path).file_name()?.to_str()?;
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = name.get(i..i + 10)?;
        let ok = s.bytes().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                c == b'-' || c == b'_'
            } else {
                c.is_ascii_digit()
            }
        });
        if !ok {
            return None;
        }
        let s = s.replace('_', "-");
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .ok()
            .filter(|d| d.year() > 1900)
    })
}

pub fn month_number(word: &str) -> Option<u32> {
    use crate::text::words::MONTHS;
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() >= 3 && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_in_file_name() {
        assert_eq!(
            date_in_name("data/samples/bbc-live-2025-03-15.txt"),
            NaiveDate::from_ymd_opt(2025, 3, 15)
        );
        assert_eq!(date_in_name("notes.txt"), None);
    }

    #[test]
    fn decode_refuses_binary_and_bad_utf8_with_position() {
        let e = decode(b"abc\n\xff\xfe", "x.txt", false)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.txt:2: invalid UTF-8 at byte 4"), "{e}");
        assert_eq!(
            decode(b"abc\n\xff", "x.txt", true).unwrap(),
            "abc\n\u{fffd}"
        );
        let e = decode(b"ab\0cd", "y.bin", false).unwrap_err().to_string();
        assert!(e.contains("binary"), "{e}");
        assert!(
            decode(b"  \n", "z", false)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert_eq!(decode(b"\xEF\xBB\xBFhi", "b", false).unwrap(), "hi");
        assert_eq!(decode(b"\xFF\xFEh\0i\0", "u16", false).unwrap(), "hi");
        assert_eq!(decode(b"\xFE\xFF\0h\0i", "u16be", false).unwrap(), "hi");
    }
}
