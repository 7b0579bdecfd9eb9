//! Input formats. Takes the bytes of one source and what the user said about it (year, date);
//! gives a `Document`: the text offsets point into, and its posts. One file per format behind
//! the `Format` trait; nothing here touches the database.

mod bbc_live;

pub use bbc_live::BbcLive;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};
use crate::model::Document;

/// What the user told us about a source, beside its bytes.
#[derive(Debug, Clone, Default)]
pub struct SourceInfo {
    /// The name to report in errors and store as provenance ('-' for stdin).
    pub path: String,
    pub year: Option<i32>,
}

pub trait Format {
    /// A short lower-case name, stored with the source.
    fn name(&self) -> &'static str;
    /// Whether this format can read the text (judged by content, not file name).
    fn detect(&self, text: &str) -> bool;
    fn parse(&self, text: &str, info: &SourceInfo) -> Result<Document>;
}

/// Every format, most specific first.
pub fn formats() -> Vec<Box<dyn Format>> {
    vec![Box::new(BbcLive)]
}

pub fn by_name(name: &str) -> Option<Box<dyn Format>> {
    formats().into_iter().find(|f| f.name() == name)
}

/// Decodes the bytes of a source, refusing what is not text with a message that says where.
pub fn decode(bytes: &[u8], path: &str) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(path, None, "the file is empty"));
    }
    if let Some(pos) = bytes.iter().take(8192).position(|&b| b == 0) {
        return Err(Error::input(
            path,
            Some(line_of(bytes, pos)),
            format!("binary data (a NUL byte at byte {pos}); whosaid reads text"),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let pos = e.valid_up_to();
            Err(Error::input(
                path,
                Some(line_of(bytes, pos)),
                format!("invalid UTF-8 at byte {pos}"),
            ))
        }
    }
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
                    "no posts found: not a format whosaid reads (a live blog copied as text)",
                )
            })?,
    };
    let doc = chosen.parse(text, info)?;
    if doc.posts.is_empty() {
        return Err(Error::input(&info.path, None, "no posts found"));
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
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
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
        let e = decode(b"abc\n\xff\xfe", "x.txt").unwrap_err().to_string();
        assert_eq!(e, "x.txt:2: invalid UTF-8 at byte 4");
        let e = decode(b"ab\0cd", "y.bin").unwrap_err().to_string();
        assert!(e.contains("binary"), "{e}");
        assert!(
            decode(b"  \n", "z")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert_eq!(decode(b"\xEF\xBB\xBFhi", "b").unwrap(), "hi");
    }
}
