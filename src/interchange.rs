//! The JSON Lines that `extract` writes and `load` reads: a source's statements with no
//! database between them, so another engine (Spark, Ray, a shell pipe) can run the pipeline
//! and whosaid, or a data lake, take its output. Takes processed pieces; gives records, one
//! JSON object a line, and back.
//!
//! A source is a `source` record, then per piece of its text a `text` record, each post (a
//! `post` record followed by its `statement`s), and last an `end` record with its counts. A
//! statement record stands alone (its source, post, time, title, speaker and topics are in
//! it), for readers that keep only those; `load` needs the rest to store the source as
//! `ingest` would, and stores a source only when its `end` record comes.

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Actor, Mention, Speaker, Stance, Statement, StatementKind, Topic, TopicStance};
use crate::pipeline::Processed;
use crate::store::{Begun, SourceMeta, SourceWriter};

/// One line of `extract`'s output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Source(SourceRecord),
    Text(TextRecord),
    Post(PostRecord),
    Statement(Box<StatementRecord>),
    End(EndRecord),
}

/// Where a source came from. `source` is the SHA-256 of its bytes, its identity: a source
/// whose id is stored already is not stored again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    pub source: String,
    pub path: String,
    pub format: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// A piece of the source's text: every offset of its posts and statements points into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextRecord {
    pub source: String,
    pub start: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostRecord {
    pub source: String,
    /// Its number in the source, from 0.
    pub post: usize,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub title_start: Option<usize>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    pub body_start: usize,
    pub body_end: usize,
}

/// The speaker resolved: a listed actor (with its kind) or a name found in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorRecord {
    pub name: String,
    /// `person`, `organisation`... for a listed actor; none for a discovered one.
    #[serde(default)]
    pub kind: Option<String>,
    pub discovered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicRecord {
    pub topic: String,
    pub stance: Stance,
    pub confidence: f64,
    #[serde(default)]
    pub cue: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementRecord {
    /// The source's id, then the words' byte range and kind: unique, and the same however
    /// the input was split between processes.
    pub id: String,
    pub source: String,
    pub source_path: String,
    #[serde(default)]
    pub source_url: Option<String>,
    pub post: usize,
    #[serde(default)]
    pub post_url: Option<String>,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub post_title: Option<String>,
    pub kind: StatementKind,
    pub words: String,
    pub context: String,
    /// Byte offsets in the source's text.
    pub start: usize,
    pub end: usize,
    pub context_start: usize,
    /// The speaker as written ("he", "the prime minister"), with where it stands.
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub speaker_start: Option<usize>,
    #[serde(default)]
    pub cue: Option<String>,
    #[serde(default)]
    pub actor: Option<ActorRecord>,
    #[serde(default)]
    pub topics: Vec<TopicRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndRecord {
    pub source: String,
    /// The length of the text in bytes.
    pub bytes: usize,
    pub posts: usize,
    pub statements: usize,
    /// Lines that belong to no post (page furniture), and bad lines skipped (--skip-bad).
    #[serde(default)]
    pub furniture: usize,
    #[serde(default)]
    pub skipped: usize,
}

/// The kind of each listed actor, by name.
pub struct ActorKinds(std::collections::HashMap<String, &'static str>);

impl ActorKinds {
    pub fn new(actors: &[Actor]) -> Self {
        ActorKinds(
            actors
                .iter()
                .map(|a| (a.name.clone(), a.kind.as_str()))
                .collect(),
        )
    }
}

/// What a statement record needs of its source and post besides the statement.
pub struct StatementPlace<'a> {
    pub source: &'a SourceRecord,
    pub post: &'a PostRecord,
}

impl StatementRecord {
    pub fn new(place: &StatementPlace<'_>, s: &Statement, kinds: &ActorKinds) -> Self {
        let actor = s.speaker.as_ref().map(|sp| ActorRecord {
            name: sp.name.clone(),
            kind: (!sp.discovered)
                .then(|| kinds.0.get(&sp.name))
                .flatten()
                .map(|k| k.to_string()),
            discovered: sp.discovered,
        });
        StatementRecord {
            id: format!(
                "{}:{}-{}:{}",
                place.source.source,
                s.start,
                s.end,
                s.kind.as_str()
            ),
            source: place.source.source.clone(),
            source_path: place.source.path.clone(),
            source_url: place.source.url.clone(),
            post: place.post.post,
            post_url: place.post.url.clone(),
            published_at: place.post.published_at,
            post_title: place.post.title.clone(),
            kind: s.kind,
            words: s.quote.clone(),
            context: s.context.clone(),
            start: s.start,
            end: s.end,
            context_start: s.context_start,
            speaker: s.mention.as_ref().map(|m| m.text.clone()),
            speaker_start: s.mention.as_ref().map(|m| m.start),
            cue: s.cue.clone(),
            actor,
            topics: s
                .topics
                .iter()
                .map(|t| TopicRecord {
                    topic: t.topic.clone(),
                    stance: t.stance,
                    confidence: t.confidence,
                    cue: t.cue.clone(),
                })
                .collect(),
        }
    }

    /// The statement as the store takes it (what the store does not keep, such as which
    /// sentence of its post it was, is left at its default).
    pub fn statement(&self) -> Statement {
        Statement {
            kind: self.kind,
            quote: self.words.clone(),
            context: self.context.clone(),
            context_start: self.context_start,
            start: self.start,
            end: self.end,
            sentence_start: self.context_start,
            sentence_index: 0,
            in_title: false,
            in_bullet: false,
            attribution: crate::model::Attribution::Cue,
            mention: self.speaker.as_ref().map(|text| Mention {
                text: text.clone(),
                start: self.speaker_start.unwrap_or(self.start),
            }),
            cue: self.cue.clone(),
            speaker: self.actor.as_ref().map(|a| Speaker {
                name: a.name.clone(),
                discovered: a.discovered,
            }),
            topics: self
                .topics
                .iter()
                .map(|t| TopicStance {
                    topic: t.topic.clone(),
                    stance: t.stance,
                    confidence: t.confidence,
                    cue: t.cue.clone(),
                    mentions: Vec::new(),
                })
                .collect(),
            label_like: false,
            scope: None,
        }
    }
}

impl PostRecord {
    pub fn new(source: &str, seq: usize, post: &crate::model::Post) -> Self {
        let row = crate::store::PostRow::of(post);
        PostRecord {
            source: source.to_string(),
            post: seq,
            published_at: post.published_at,
            title: post.title.as_ref().map(|t| t.text.clone()),
            title_start: post.title.as_ref().map(|t| t.offset),
            author: post.author.clone(),
            role: post.role.clone(),
            url: post.url.clone(),
            body_start: row.body.start,
            body_end: row.body.end,
        }
    }

    pub fn row(&self) -> crate::store::PostRow<'_> {
        crate::store::PostRow {
            title: self.title.as_deref().zip(self.title_start),
            published_at: self.published_at,
            author: self.author.as_deref(),
            role: self.role.as_deref(),
            url: self.url.as_deref(),
            body: self.body_start..self.body_end,
        }
    }
}

/// One line: the record as JSON and a newline.
fn write_record(out: &mut dyn Write, record: &Record) -> Result<()> {
    serde_json::to_writer(&mut *out, record).map_err(|e| match e.io_error_kind() {
        Some(_) => Error::Output(std::io::Error::other(e)),
        None => Error::Usage(format!("writing a record: {e}")),
    })?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A source's records, written as its pieces are processed: the `source` record first,
/// each piece's text, posts and statements, and the `end` record last.
pub struct SourceRecords<'a> {
    source: SourceRecord,
    kinds: &'a ActorKinds,
    /// The text written so far: where the next piece starts.
    bytes: usize,
    posts: usize,
    statements: usize,
    furniture: usize,
    skipped: usize,
}

impl<'a> SourceRecords<'a> {
    /// Writes the `source` record.
    pub fn begin(
        source: SourceRecord,
        kinds: &'a ActorKinds,
        out: &mut dyn Write,
    ) -> Result<SourceRecords<'a>> {
        write_record(out, &Record::Source(source.clone()))?;
        Ok(SourceRecords {
            source,
            kinds,
            bytes: 0,
            posts: 0,
            statements: 0,
            furniture: 0,
            skipped: 0,
        })
    }

    /// Writes a piece's text, posts and statements; its offsets, counted from the start of
    /// the piece, are moved to count from the start of the source.
    pub fn piece(&mut self, processed: &mut Processed, out: &mut dyn Write) -> Result<()> {
        processed.shift(self.bytes);
        let id = &self.source.source;
        let text = std::mem::take(&mut processed.document.text);
        let length = text.len();
        write_record(
            out,
            &Record::Text(TextRecord {
                source: id.clone(),
                start: self.bytes,
                text,
            }),
        )?;
        self.bytes += length;
        for (post, statements) in processed.document.posts.iter().zip(&processed.statements) {
            let post = PostRecord::new(id, self.posts, post);
            self.posts += 1;
            write_record(out, &Record::Post(post.clone()))?;
            let place = StatementPlace {
                source: &self.source,
                post: &post,
            };
            for s in statements {
                let record = StatementRecord::new(&place, s, self.kinds);
                write_record(out, &Record::Statement(Box::new(record)))?;
                self.statements += 1;
            }
        }
        self.furniture += processed.document.furniture.len();
        self.skipped += processed.document.skipped;
        Ok(())
    }

    /// Writes the `end` record: the source is whole.
    pub fn end(self, out: &mut dyn Write) -> Result<EndRecord> {
        let end = EndRecord {
            source: self.source.source,
            bytes: self.bytes,
            posts: self.posts,
            statements: self.statements,
            furniture: self.furniture,
            skipped: self.skipped,
        };
        write_record(out, &Record::End(end.clone()))?;
        Ok(end)
    }
}

/// What `load` did with one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub sources: usize,
    pub already_stored: usize,
    pub posts: usize,
    pub statements: usize,
    /// Sources that failed (a bad record, or no `end` record), each with why: nothing of
    /// them is stored.
    pub failed: Vec<String>,
}

/// The records of one input, read a line at a time; a record read too far is put back.
struct RecordLines<'r> {
    reader: &'r mut dyn BufRead,
    path: &'r str,
    number: usize,
    line: String,
    back: Option<(usize, Record)>,
}

/// A record, or why its line is not one (with the line's number).
type RecordLine = (usize, std::result::Result<Record, String>);

impl RecordLines<'_> {
    fn next(&mut self) -> Result<Option<RecordLine>> {
        if let Some((n, record)) = self.back.take() {
            return Ok(Some((n, Ok(record))));
        }
        loop {
            self.line.clear();
            let read = self
                .reader
                .read_line(&mut self.line)
                .map_err(|source| Error::Io {
                    path: self.path.to_string(),
                    source,
                })?;
            if read == 0 {
                return Ok(None);
            }
            self.number += 1;
            if self.line.trim().is_empty() {
                continue;
            }
            let record = serde_json::from_str(self.line.trim_end())
                .map_err(|e| format!("not a record of whosaid extract ({e})"));
            return Ok(Some((self.number, record)));
        }
    }
}

/// Loads `extract`'s records from `reader` (named `path` in errors), each source in one
/// transaction, committed when its `end` record comes; a source stored already (the same
/// id) is passed over. A bad record fails its source (nothing of it is stored), and the
/// records go on from the next source; a failure of the database ends the load.
pub fn load(
    conn: &mut Connection,
    reader: &mut dyn BufRead,
    path: &str,
    actors: &[Actor],
    topics: &[Topic],
) -> Result<LoadReport> {
    let mut report = LoadReport::default();
    let mut lines = RecordLines {
        reader,
        path,
        number: 0,
        line: String::new(),
        back: None,
    };
    // The data files' actors and topics are stored with the first source written; a load
    // of many small sources (a feed's lines) does not write them again for each.
    let mut synced = false;
    // After a bad record outside a source, what follows up to the next source is passed
    // over without a word each.
    let mut passing = false;
    while let Some((number, record)) = lines.next()? {
        match record {
            Ok(Record::Source(source)) => {
                passing = false;
                let data = if synced {
                    (&[][..], &[][..])
                } else {
                    (actors, topics)
                };
                match load_source(conn, source, number, &mut lines, data, &mut report)? {
                    Loaded::Written => synced = true,
                    Loaded::Stored => {}
                    // What is left of it, up to the next source, is passed over.
                    Loaded::Failed => passing = true,
                }
            }
            Ok(_) if passing => {}
            Ok(other) => {
                report.failed.push(format!(
                    "{path}:{number}: a {} record before any source record (is this whosaid extract's output, whole?)",
                    other.name()
                ));
                passing = true;
            }
            Err(why) => {
                report.failed.push(format!("{path}:{number}: {why}"));
                passing = true;
            }
        }
    }
    Ok(report)
}

impl Record {
    fn name(&self) -> &'static str {
        match self {
            Record::Source(_) => "source",
            Record::Text(_) => "text",
            Record::Post(_) => "post",
            Record::Statement(_) => "statement",
            Record::End(_) => "end",
        }
    }

    fn source(&self) -> &str {
        match self {
            Record::Source(r) => &r.source,
            Record::Text(r) => &r.source,
            Record::Post(r) => &r.source,
            Record::Statement(r) => &r.source,
            Record::End(r) => &r.source,
        }
    }
}

/// What came of a source's records.
enum Loaded {
    Written,
    Stored,
    Failed,
}

/// One source's records, from its `source` record (read, at line `at`) to its `end`, in
/// one transaction.
fn load_source(
    conn: &mut Connection,
    source: SourceRecord,
    at: usize,
    lines: &mut RecordLines<'_>,
    (actors, topics): (&[Actor], &[Topic]),
    report: &mut LoadReport,
) -> Result<Loaded> {
    let path = lines.path.to_string();
    let id = source.source.clone();
    let stored = crate::store::stored_posts(conn, &id)?.is_some();
    let meta = SourceMeta {
        path: source.path,
        hash: source.source,
        format: source.format,
        url: source.url,
    };
    let mut writer = if stored {
        None
    } else {
        match SourceWriter::begin(conn, &meta, actors, topics)? {
            Begun::Writer(w) => Some(w),
            Begun::Stored(_) => None,
        }
    };
    // The piece not yet written: its text, its posts and their statements.
    let mut text: Option<String> = None;
    let mut posts: Vec<PostRecord> = Vec::new();
    let mut statements: Vec<Vec<Statement>> = Vec::new();
    let (mut seen_posts, mut seen_statements) = (0usize, 0usize);
    let flush = |writer: &mut Option<SourceWriter<'_>>,
                 text: &mut Option<String>,
                 posts: &mut Vec<PostRecord>,
                 statements: &mut Vec<Vec<Statement>>|
     -> Result<()> {
        if let Some(w) = writer {
            let rows: Vec<crate::store::PostRow<'_>> = posts.iter().map(PostRecord::row).collect();
            w.add_rows(text.as_deref().unwrap_or(""), &rows, statements)?;
        }
        *text = None;
        posts.clear();
        statements.clear();
        Ok(())
    };
    let fail = |report: &mut LoadReport, number: usize, why: &str| {
        report.failed.push(format!(
            "{path}:{number}: {why}: source {id} (from line {at}) not loaded, nothing of it stored"
        ));
    };
    loop {
        let Some((number, record)) = lines.next()? else {
            fail(
                report,
                lines.number,
                "the input ends before the source's end record (did its extract stop?)",
            );
            return Ok(Loaded::Failed);
        };
        let record = match record {
            Ok(r) => r,
            Err(why) => {
                fail(report, number, &why);
                return Ok(Loaded::Failed);
            }
        };
        if let Record::Source(_) = record {
            lines.back = Some((number, record));
            fail(
                report,
                number,
                "another source starts before this one's end record",
            );
            return Ok(Loaded::Failed);
        }
        if record.source() != id {
            fail(
                report,
                number,
                &format!(
                    "a {} record of another source ({})",
                    record.name(),
                    record.source()
                ),
            );
            return Ok(Loaded::Failed);
        }
        match record {
            Record::Source(_) => unreachable!("put back above"),
            Record::Text(t) => {
                flush(&mut writer, &mut text, &mut posts, &mut statements)?;
                let expected = writer.as_ref().map_or(t.start, SourceWriter::offset);
                if t.start != expected {
                    fail(
                        report,
                        number,
                        &format!("text at byte {}, where {expected} was expected", t.start),
                    );
                    return Ok(Loaded::Failed);
                }
                text = Some(t.text);
            }
            Record::Post(p) => {
                if p.post != seen_posts {
                    fail(
                        report,
                        number,
                        &format!("post {} where post {seen_posts} was expected", p.post),
                    );
                    return Ok(Loaded::Failed);
                }
                seen_posts += 1;
                posts.push(p);
                statements.push(Vec::new());
            }
            Record::Statement(s) => {
                let Some(list) = statements
                    .last_mut()
                    .filter(|_| posts.last().is_some_and(|p| p.post == s.post))
                else {
                    fail(
                        report,
                        number,
                        &format!(
                            "a statement of post {}, which is not the post before it",
                            s.post
                        ),
                    );
                    return Ok(Loaded::Failed);
                };
                list.push(s.statement());
                seen_statements += 1;
            }
            Record::End(end) => {
                flush(&mut writer, &mut text, &mut posts, &mut statements)?;
                let Some(writer) = writer else {
                    report.already_stored += 1;
                    return Ok(Loaded::Stored);
                };
                if (end.posts, end.statements, end.bytes)
                    != (seen_posts, seen_statements, writer.offset())
                {
                    fail(
                        report,
                        number,
                        &format!(
                            "the end record counts {} posts, {} statements and {} bytes; the records held {seen_posts}, {seen_statements} and {}",
                            end.posts,
                            end.statements,
                            end.bytes,
                            writer.offset()
                        ),
                    );
                    return Ok(Loaded::Failed);
                }
                let stored = writer.finish(None)?;
                report.sources += 1;
                report.posts += stored.posts;
                report.statements += stored.statements;
                return Ok(Loaded::Written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement() -> Statement {
        Statement {
            kind: StatementKind::Direct,
            quote: "We will hold the line".into(),
            context: "\"We will hold the line,\" Mayor Ana Ruiz said.".into(),
            context_start: 100,
            start: 101,
            end: 122,
            sentence_start: 100,
            sentence_index: 3,
            in_title: false,
            in_bullet: false,
            attribution: crate::model::Attribution::Cue,
            mention: Some(Mention {
                text: "Mayor Ana Ruiz".into(),
                start: 125,
            }),
            cue: Some("said".into()),
            speaker: Some(Speaker {
                name: "Ana Ruiz".into(),
                discovered: true,
            }),
            topics: vec![TopicStance {
                topic: "ceasefire".into(),
                stance: Stance::Support,
                confidence: 0.75,
                cue: Some("hold".into()),
                mentions: vec![110],
            }],
            label_like: false,
            scope: None,
        }
    }

    fn place() -> (SourceRecord, PostRecord) {
        let source = SourceRecord {
            source: "ab12".into(),
            path: "feed.jsonl".into(),
            format: "jsonl".into(),
            url: Some("https://example.org/a".into()),
        };
        let post = PostRecord {
            source: "ab12".into(),
            post: 2,
            published_at: DateTime::parse_from_rfc3339("2025-03-15T12:00:00Z")
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            title: Some("Harbour talks".into()),
            title_start: Some(80),
            author: None,
            role: None,
            url: None,
            body_start: 95,
            body_end: 300,
        };
        (source, post)
    }

    #[test]
    fn a_statement_record_round_trips_through_json() {
        let (source, post) = place();
        let place = StatementPlace {
            source: &source,
            post: &post,
        };
        let record = Record::Statement(Box::new(StatementRecord::new(
            &place,
            &statement(),
            &ActorKinds::new(&[]),
        )));
        let line = serde_json::to_string(&record).unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["type"], "statement");
        assert_eq!(value["kind"], "direct");
        assert_eq!(value["actor"]["discovered"], true);
        assert_eq!(value["actor"]["kind"], serde_json::Value::Null);
        assert_eq!(value["topics"][0]["stance"], "support");
        assert_eq!(value["topics"][0]["confidence"], 0.75);
        assert_eq!(value["published_at"], "2025-03-15T12:00:00Z");
        assert_eq!(value["id"], "ab12:101-122:direct");
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back, record);
        let Record::Statement(back) = back else {
            unreachable!()
        };
        let s = back.statement();
        let want = statement();
        assert_eq!(
            (
                s.kind,
                &s.quote,
                &s.context,
                s.start,
                s.end,
                s.context_start
            ),
            (
                want.kind,
                &want.quote,
                &want.context,
                want.start,
                want.end,
                want.context_start
            )
        );
        assert_eq!(
            (s.mention, s.cue, s.speaker),
            (want.mention, want.cue, want.speaker)
        );
        assert_eq!(s.topics[0].stance, Stance::Support);
    }

    #[test]
    fn a_listed_actor_carries_its_kind() {
        let (source, post) = place();
        let place = StatementPlace {
            source: &source,
            post: &post,
        };
        let mut s = statement();
        s.speaker = Some(Speaker {
            name: "Harbour Authority".into(),
            discovered: false,
        });
        let actor = Actor {
            name: "Harbour Authority".into(),
            kind: crate::model::ActorKind::parse("organisation").unwrap(),
            aliases: vec![],
            titles: vec![],
            roles: vec![],
            gender: crate::model::Gender::Neuter,
            country: None,
            wikidata: None,
            in_office_from: None,
            in_office_to: None,
        };
        let record = StatementRecord::new(&place, &s, &ActorKinds::new(&[actor]));
        let actor = record.actor.unwrap();
        assert_eq!(actor.kind.as_deref(), Some("organisation"));
        assert!(!actor.discovered);
    }

    #[test]
    fn unknown_record_types_and_missing_fields_are_errors() {
        assert!(serde_json::from_str::<Record>(r#"{"type":"gossip","source":"x"}"#).is_err());
        assert!(serde_json::from_str::<Record>(r#"{"type":"text","source":"x"}"#).is_err());
        assert!(
            serde_json::from_str::<Record>(r#"{"type":"statement","kind":"shouted"}"#).is_err()
        );
    }
}
