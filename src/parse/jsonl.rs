//! JSON Lines from a scraper or another pipeline: one post per line,
//! `{"id","url","published_at","title","author","body"}` with only `body` required. A bad
//! line fails the source (naming the line) unless --skip-bad is given.

use serde_json::Value;

use super::{DerivedText, Format, SourceInfo, date_in_name, published};
use crate::error::{Error, Result};
use crate::model::{Document, Post};

pub struct Jsonl;

fn text_field(o: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match o.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One line as a post, or why it is not one.
fn post_of(
    line: &str,
    info: &SourceInfo,
) -> std::result::Result<(Post, Option<String>, Vec<String>), String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(o) = value else {
        return Err("not a JSON object".into());
    };
    let body = match o.get("body") {
        Some(Value::String(b)) if !b.trim().is_empty() => b.clone(),
        Some(Value::String(_)) => return Err("empty \"body\"".into()),
        Some(_) => return Err("\"body\" is not a string".into()),
        None => return Err("missing \"body\"".into()),
    };
    let published_at = match text_field(&o, "published_at") {
        Some(d) => {
            Some(published(&d).ok_or_else(|| format!("\"published_at\" '{d}' is not a date"))?)
        }
        None => info
            .date
            .or_else(|| date_in_name(&info.path))
            .map(|d| super::dates::to_utc(d, Default::default(), None)),
    };
    let post = Post {
        published_at,
        author: text_field(&o, "author"),
        url: text_field(&o, "url"),
        ..Post::default()
    };
    let paragraphs = body.lines().map(str::to_string).collect();
    Ok((post, text_field(&o, "title"), paragraphs))
}

impl Format for Jsonl {
    fn name(&self) -> &'static str {
        "jsonl"
    }

    /// JSON Lines: the first lines open with `{` and one of them at least is an object. A
    /// malformed first line does not make a feed an article: it is an error with its line.
    fn detect(&self, text: &str) -> bool {
        let first: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(5)
            .collect();
        !first.is_empty()
            && first.iter().all(|l| l.starts_with('{'))
            && first
                .iter()
                .any(|l| serde_json::from_str::<serde_json::Map<String, Value>>(l).is_ok())
    }

    fn parse(&self, text: &str, info: &SourceInfo) -> Result<Document> {
        let mut derived = DerivedText::default();
        let mut posts = Vec::new();
        let mut skipped = 0;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match post_of(line, info) {
                Ok((mut post, title, paragraphs)) => {
                    let (title, paragraphs) = derived.post(title.as_deref(), &paragraphs);
                    post.title = title;
                    post.paragraphs = paragraphs;
                    posts.push(post);
                }
                Err(_) if info.skip_bad => skipped += 1,
                Err(why) => {
                    return Err(Error::input(
                        &info.path,
                        Some(n + 1),
                        format!("{why} (--skip-bad ingests the good lines)"),
                    ));
                }
            }
        }
        let url = info
            .url
            .clone()
            .or_else(|| posts.iter().find_map(|p: &Post| p.url.clone()));
        Ok(Document {
            skipped,
            posts_apart: true,
            ..Document::new(&info.path, self.name(), url, derived.text, posts)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(skip_bad: bool) -> SourceInfo {
        SourceInfo {
            path: "feed.jsonl".into(),
            skip_bad,
            ..SourceInfo::default()
        }
    }

    const FEED: &str = "{\"id\":1,\"url\":\"https://example.org/1\",\"published_at\":\"2025-03-15T12:00:00Z\",\"title\":\"T\",\"body\":\"Mayor Ana Ruiz said \\\"we are ready\\\".\\nSecond paragraph.\"}\n{\"title\":\"no body\"}\n{\"body\":\"Only a body.\",\"published_at\":\"yesterday-ish\"}\n";

    #[test]
    fn bad_line_fails_the_source_naming_it() {
        let e = Jsonl.parse(FEED, &info(false)).unwrap_err().to_string();
        assert!(e.starts_with("feed.jsonl:2: missing \"body\""), "{e}");
    }

    #[test]
    fn skip_bad_keeps_the_good_lines() {
        let doc = Jsonl.parse(FEED, &info(true)).unwrap();
        assert_eq!(doc.posts.len(), 1);
        assert_eq!(doc.skipped, 2);
        let post = &doc.posts[0];
        assert_eq!(post.url.as_deref(), Some("https://example.org/1"));
        assert_eq!(post.paragraphs.len(), 2);
        let p = &post.paragraphs[0];
        assert_eq!(
            &doc.text[p.offset..p.offset + p.text.len()],
            "Mayor Ana Ruiz said \"we are ready\"."
        );
        assert_eq!(
            post.published_at.unwrap().to_rfc3339(),
            "2025-03-15T12:00:00+00:00"
        );
    }
}
