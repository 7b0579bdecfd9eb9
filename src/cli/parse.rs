//! `whosaid parse FILE`: how a source was read, without storing anything. One row per title,
//! paragraph, line of page furniture and line read as metadata (a post's time or author, the
//! page's date), in the order of the source, with the post each belongs to and how many
//! statements were found in it, so a user can see why a page came out as it did.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};

use clap::Args;
use serde_json::{Value, json};

use super::output::{OutputFormat, Records};
use super::{Outcome, ReadArgs};
use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::parse::SourceInfo;
use crate::pipeline::{Pipeline, Processed};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid parse page.html\n  whosaid parse live.txt --year 2025 --format csv"
)]
pub struct ParseArgs {
    /// The file to read ('-' reads stdin)
    #[arg(value_name = "FILE")]
    file: String,
    #[command(flatten)]
    read: ReadArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

/// A piece of the source as it was read.
struct Part {
    at: usize,
    post: Option<usize>,
    published_at: Value,
    author: Value,
    part: &'static str,
    statements: usize,
    text: String,
}

pub fn run(data: &DataFiles, args: &ParseArgs, out: &mut dyn Write) -> Result<Outcome> {
    let date = args.read.date()?;
    // '-' reads stdin, as ingest does.
    let reader: Box<dyn BufRead> = if args.file == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        let file = File::open(&args.file).map_err(|source| Error::Io {
            path: args.file.clone(),
            source,
        })?;
        Box::new(BufReader::new(file))
    };
    let info = SourceInfo {
        path: if args.file == "-" {
            "<stdin>".into()
        } else {
            args.file.clone()
        },
        year: args.read.year,
        date,
        ..SourceInfo::default()
    };
    let pipeline = Pipeline::load(data)?;
    let mut stream = pipeline.stream(
        reader,
        &info,
        Some(args.read.input_format.as_str()),
        args.read.lossy,
        super::ingest::piece_size(),
    )?;
    let mut records = Records::new(&[
        "line",
        "post",
        "published_at",
        "author",
        "part",
        "statements",
        "text",
    ]);
    // Pieces are numbered on from the ones before; lines counted across them.
    let (mut offset, mut posts, mut line, mut counted) = (0usize, 0usize, 1usize, 0usize);
    while let Some(mut processed) = stream.next_piece()? {
        processed.shift(offset);
        let text = processed.document.text.clone();
        let mut parts = parts(&processed, offset, posts);
        parts.sort_by_key(|p| p.at);
        for p in parts {
            let local = p.at - offset;
            line += text.as_bytes()[counted.min(local)..local]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = local;
            records.rows.push(vec![
                json!(line),
                p.post.map_or(Value::Null, |n| json!(n)),
                p.published_at,
                p.author,
                json!(p.part),
                json!(p.statements),
                json!(p.text),
            ]);
        }
        line += text.as_bytes()[counted.min(text.len())..]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = 0;
        posts += processed.document.posts.len();
        offset += text.len();
    }
    records.write(args.format, out)?;
    Ok(if records.rows.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

/// The titles, paragraphs and furniture of one processed piece; `offset` is where its text
/// starts in the source, `posts_before` how many posts came in the pieces before it.
fn parts(processed: &Processed, offset: usize, posts_before: usize) -> Vec<Part> {
    let doc = &processed.document;
    let mut parts = Vec::new();
    for (i, (post, statements)) in doc.posts.iter().zip(&processed.statements).enumerate() {
        let time = super::time(post.published_at);
        let author = post.author.as_ref().map_or(Value::Null, |a| json!(a));
        for block in post.blocks() {
            let p = block.paragraph;
            let end = p.offset + p.text.len();
            parts.push(Part {
                at: p.offset,
                post: Some(posts_before + i + 1),
                published_at: time.clone(),
                author: author.clone(),
                part: if block.is_title { "title" } else { "paragraph" },
                statements: statements
                    .iter()
                    .filter(|s| s.start >= p.offset && s.start < end)
                    .count(),
                text: p.text.clone(),
            });
        }
    }
    // Lines read for what they say about a post (its time, its author, the page's date)
    // rather than as its text: listed too, so every line of the source is accounted for.
    if !matches!(doc.format.as_str(), "html" | "jsonl") {
        let mut covered: Vec<(usize, usize)> =
            parts.iter().map(|p| (p.at, p.at + p.text.len())).collect();
        covered.extend(doc.furniture.iter().map(|r| (r.start, r.end)));
        covered.sort_unstable();
        let mut at = 0;
        for raw in doc.text.split_inclusive('\n') {
            let line = raw.trim_end_matches(['\n', '\r']);
            let (start, end) = (offset + at, offset + at + line.len());
            at += raw.len();
            let text = line.trim();
            let inside = covered.iter().any(|&(a, b)| a < end && start < b);
            if !text.is_empty() && !inside {
                parts.push(Part {
                    at: start + (line.len() - line.trim_start().len()),
                    post: None,
                    published_at: Value::Null,
                    author: Value::Null,
                    part: "metadata",
                    statements: 0,
                    text: text.to_string(),
                });
            }
        }
    }
    for r in &doc.furniture {
        parts.push(Part {
            at: r.start,
            post: None,
            published_at: Value::Null,
            author: Value::Null,
            part: "furniture",
            statements: 0,
            text: doc.text[r.start - offset..r.end - offset].to_string(),
        });
    }
    parts
}
