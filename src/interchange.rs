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
use crate::store::{Begun, KnownData, SourceMeta, SourceWriter};

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
    /// Bytes read so far.
    bytes: usize,
    line: Vec<u8>,
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
            // Bytes, not a string: a line that is not UTF-8 is a bad record, not the end of
            // the input.
            let read = self
                .reader
                .read_until(b'\n', &mut self.line)
                .map_err(|source| Error::Io {
                    path: self.path.to_string(),
                    source,
                })?;
            if read == 0 {
                return Ok(None);
            }
            self.bytes += read;
            self.number += 1;
            if self.line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record = match std::str::from_utf8(&self.line) {
                Ok(line) => serde_json::from_str(line.trim_end())
                    .map_err(|e| format!("not a record of whosaid extract ({e})")),
                Err(e) => Err(format!("not a record of whosaid extract (not UTF-8: {e})")),
            };
            return Ok(Some((self.number, record)));
        }
    }
}

/// Loads `extract`'s records from `reader` (named `path` in errors), each source whole or
/// not at all, stored when its `end` record comes; a source stored already (the same id)
/// is passed over. A bad record fails its source (nothing of it is stored), and the records
/// go on from the next source; a failure of the database ends the load (what was committed
/// stays, and loading again adds the rest).
///
/// A small source's records are held until its `end` record, checked, then written in a
/// transaction shared with the sources around it, committed every few megabytes: a commit
/// per source (its log frames and search-index flush) was most of the time of a feed's
/// one-line sources. A larger source is written as it comes, in a transaction of its own.
pub fn load(
    conn: &mut Connection,
    reader: &mut dyn BufRead,
    path: &str,
    actors: &[Actor],
    topics: &[Topic],
) -> Result<LoadReport> {
    let conn: &Connection = conn;
    let mut report = LoadReport::default();
    let mut lines = RecordLines {
        reader,
        path,
        number: 0,
        bytes: 0,
        line: Vec::new(),
        back: None,
    };
    let mut batch = Batch {
        conn,
        open: None,
        since: 0,
    };
    // The data files' actors and topics are synced with the first source written, not again
    // for each of a feed's thousand sources (the connection notes their fingerprint); each
    // source's writer still has the list, for the listed speakers it stores first.
    let known = KnownData::new(actors, topics);
    // After a bad record outside a source, what follows up to the next source is passed
    // over without a word each.
    let mut passing = false;
    while let Some((number, record)) = lines.next()? {
        match record {
            Ok(Record::Source(source)) => {
                passing = false;
                let loading = Loading {
                    source,
                    at: number,
                    data: known,
                };
                match loading.run(&mut batch, &mut lines, &mut report)? {
                    Loaded::Written | Loaded::Stored => {}
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
        if lines.bytes - batch.since >= BATCH_BYTES {
            batch.commit()?;
            batch.since = lines.bytes;
        }
    }
    batch.commit()?;
    Ok(report)
}

/// Bytes of records after which the shared transaction is committed.
const BATCH_BYTES: usize = 32 << 20;
/// Bytes of records a source may hold before it is written as it comes instead.
const HELD_BYTES: usize = 4 << 20;

/// The transaction small sources share, begun when the first needs it.
struct Batch<'c> {
    conn: &'c Connection,
    open: Option<rusqlite::Transaction<'c>>,
    /// The records' bytes read when it was last committed.
    since: usize,
}

impl<'c> Batch<'c> {
    fn conn(&mut self) -> Result<&'c Connection> {
        if self.open.is_none() {
            self.open = Some(own_transaction(self.conn)?);
        }
        Ok(self.conn)
    }

    fn commit(&mut self) -> Result<()> {
        match self.open.take() {
            Some(tx) => tx.commit().map_err(Error::db("committing the sources")),
            None => Ok(()),
        }
    }
}

/// A transaction on a connection held shared (the write lock taken at once, as ingest's).
fn own_transaction(conn: &Connection) -> Result<rusqlite::Transaction<'_>> {
    rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
        .map_err(Error::db("starting a transaction"))
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

/// The order a source's records must keep: text where the last ended, posts numbered in
/// turn, each statement after its post, every offset within the piece of text it follows,
/// and an `end` record that counts what came.
#[derive(Default)]
struct Order {
    /// Where the last text record started, and where the text so far ends.
    piece: usize,
    bytes: usize,
    /// The last text record's text, which its statements' words must be found in.
    text: String,
    posts: usize,
    statements: usize,
    /// The post the statements that follow belong to.
    post: Option<usize>,
}

impl Order {
    /// Whether `from..to` lies in the piece of text the record follows: offsets that point
    /// elsewhere would give wrong words to every reader.
    fn within(&self, what: &str, from: usize, to: usize) -> std::result::Result<(), String> {
        if from > to || from < self.piece || to > self.bytes {
            return Err(format!(
                "{what} at bytes {from}..{to}, outside the text before it ({}..{})",
                self.piece, self.bytes
            ));
        }
        Ok(())
    }

    /// Whether the text at a statement's offsets is its words: the same, or, for words
    /// joined over paragraphs or around their attribution, from their first word to their
    /// last. Words that are not there would be shown as the source's when they are not.
    fn holds(&self, st: &StatementRecord) -> std::result::Result<(), String> {
        let span = self.text.get(st.start - self.piece..st.end - self.piece);
        let context = self
            .text
            .get(st.context_start - self.piece..st.context_start - self.piece + st.context.len());
        let fits = span.is_some_and(|span| {
            let mut words = st.words.split_whitespace();
            span == st.words
                || (words.next().is_some_and(|w| span.starts_with(w))
                    && words.next_back().is_none_or(|w| span.ends_with(w)))
        });
        if !fits || context.is_none() {
            return Err(format!(
                "the statement's words are not the text at bytes {}..{}",
                st.start, st.end
            ));
        }
        Ok(())
    }

    /// Whether `record` may come next; `Ok(true)` for the `end` record.
    fn check(&mut self, record: &Record) -> std::result::Result<bool, String> {
        match record {
            Record::Source(_) => {
                return Err("another source starts before this one's end record".into());
            }
            Record::Text(t) => {
                if t.start != self.bytes {
                    return Err(format!(
                        "text at byte {}, where {} was expected",
                        t.start, self.bytes
                    ));
                }
                self.piece = self.bytes;
                self.bytes += t.text.len();
                self.text.clone_from(&t.text);
            }
            Record::Post(p) => {
                if p.post != self.posts {
                    return Err(format!(
                        "post {} where post {} was expected",
                        p.post, self.posts
                    ));
                }
                let title = p.title_start.map(|at| {
                    (
                        at,
                        at.saturating_add(p.title.as_ref().map_or(0, String::len)),
                    )
                });
                self.within("the post's body", p.body_start, p.body_end)?;
                if let Some((from, to)) = title {
                    self.within("the post's title", from, to)?;
                }
                self.post = Some(p.post);
                self.posts += 1;
            }
            Record::Statement(st) => {
                if self.post != Some(st.post) {
                    return Err(format!(
                        "a statement of post {}, which is not the post before it",
                        st.post
                    ));
                }
                self.within("the statement's words", st.start, st.end)?;
                self.holds(st)?;
                let context_end = st.context_start.saturating_add(st.context.len());
                self.within("the statement's context", st.context_start, context_end)?;
                if let Some(at) = st.speaker_start {
                    let to = at.saturating_add(st.speaker.as_ref().map_or(0, String::len));
                    self.within("the speaker as written", at, to)?;
                }
                if let Some(t) = st
                    .topics
                    .iter()
                    .find(|t| !(0.0..=1.0).contains(&t.confidence))
                {
                    return Err(format!(
                        "a confidence of {} on {}, outside 0 to 1",
                        t.confidence, t.topic
                    ));
                }
                self.statements += 1;
            }
            Record::End(end) => {
                if (end.posts, end.statements, end.bytes)
                    != (self.posts, self.statements, self.bytes)
                {
                    return Err(format!(
                        "the end record counts {} posts, {} statements and {} bytes; the records held {}, {} and {}",
                        end.posts,
                        end.statements,
                        end.bytes,
                        self.posts,
                        self.statements,
                        self.bytes
                    ));
                }
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// A piece of a source not yet written: its text, posts and their statements.
#[derive(Default)]
struct Piece {
    text: String,
    posts: Vec<PostRecord>,
    statements: Vec<Vec<Statement>>,
}

impl Piece {
    /// Takes a checked record; a text record first writes the piece held.
    fn take(&mut self, record: Record, writer: &mut SourceWriter<'_>) -> Result<()> {
        match record {
            Record::Text(t) => {
                self.write(writer)?;
                self.text = t.text;
            }
            Record::Post(p) => {
                self.posts.push(p);
                self.statements.push(Vec::new());
            }
            Record::Statement(st) => {
                if let Some(list) = self.statements.last_mut() {
                    list.push(st.statement());
                }
            }
            Record::End(_) => self.write(writer)?,
            Record::Source(_) => {}
        }
        Ok(())
    }

    fn write(&mut self, writer: &mut SourceWriter<'_>) -> Result<()> {
        if self.text.is_empty() && self.posts.is_empty() {
            return Ok(());
        }
        let rows: Vec<crate::store::PostRow<'_>> = self.posts.iter().map(PostRecord::row).collect();
        writer.add_rows(&self.text, &rows, &self.statements)?;
        *self = Piece::default();
        Ok(())
    }
}

/// One source's records, from its `source` record (read at line `at`) to its `end`.
struct Loading<'d> {
    source: SourceRecord,
    at: usize,
    data: KnownData<'d>,
}

impl Loading<'_> {
    fn run(
        self,
        batch: &mut Batch<'_>,
        lines: &mut RecordLines<'_>,
        report: &mut LoadReport,
    ) -> Result<Loaded> {
        let path = lines.path.to_string();
        let id = self.source.source.clone();
        let at = self.at;
        let fail = |report: &mut LoadReport, number: usize, why: &str| {
            report.failed.push(format!(
                "{path}:{number}: {why}: source {id} (from line {at}) not loaded, nothing of it stored"
            ));
            Loaded::Failed
        };
        // The next record of this source, checked, with `Ok(None)` after its end record.
        let mut order = Order::default();
        let mut ended = false;
        let mut next = |lines: &mut RecordLines<'_>| -> Result<std::result::Result<Option<Record>, (usize, String)>> {
            if ended {
                return Ok(Ok(None));
            }
            let Some((number, record)) = lines.next()? else {
                return Ok(Err((
                    lines.number,
                    "the input ends before the source's end record (did its extract stop?)".into(),
                )));
            };
            let record = match record {
                Ok(r) => r,
                Err(why) => return Ok(Err((number, why))),
            };
            if record.source() != id && !matches!(record, Record::Source(_)) {
                let why = format!("a {} record of another source ({})", record.name(), record.source());
                return Ok(Err((number, why)));
            }
            match order.check(&record) {
                Ok(end) => ended = end,
                Err(why) => {
                    if let Record::Source(_) = record {
                        lines.back = Some((number, record));
                    }
                    return Ok(Err((number, why)));
                }
            }
            Ok(Ok(Some(record)))
        };
        // Held until the end record, or until there is too much to hold.
        let start = lines.bytes;
        let mut held = Vec::new();
        while lines.bytes - start < HELD_BYTES {
            match next(lines)? {
                Ok(Some(record)) => held.push(record),
                Ok(None) => break,
                Err((number, why)) => return Ok(fail(report, number, &why)),
            }
        }
        let whole = matches!(held.last(), Some(Record::End(_)));
        if crate::store::stored_posts(batch.conn, &self.source.source)?.is_some() {
            // Passed over, to its end.
            loop {
                match next(lines)? {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err((number, why)) => return Ok(fail(report, number, &why)),
                }
            }
            report.already_stored += 1;
            return Ok(Loaded::Stored);
        }
        let meta = SourceMeta {
            path: self.source.path,
            hash: self.source.source,
            format: self.source.format,
            url: self.source.url,
        };
        let data = self.data;
        // A whole source goes in the shared transaction; a larger one in its own, after
        // the shared one is committed, so that its failure takes nothing else with it.
        let own = if whole {
            None
        } else {
            batch.commit()?;
            Some(own_transaction(batch.conn)?)
        };
        let conn = match &own {
            Some(tx) => tx,
            None => batch.conn()?,
        };
        let Begun::Writer(mut writer) = SourceWriter::begin_within(conn, &meta, data)? else {
            report.already_stored += 1;
            return Ok(Loaded::Stored);
        };
        let mut piece = Piece::default();
        for record in held {
            piece.take(record, &mut writer)?;
        }
        loop {
            match next(lines)? {
                Ok(Some(record)) => piece.take(record, &mut writer)?,
                Ok(None) => break,
                // Only a source written as it comes fails here: its transaction, dropped,
                // takes back what it wrote.
                Err((number, why)) => return Ok(fail(report, number, &why)),
            }
        }
        let stored = writer.finish(None)?;
        if let Some(tx) = own {
            tx.commit().map_err(Error::db("committing the source"))?;
        }
        report.sources += 1;
        report.posts += stored.posts;
        report.statements += stored.statements;
        Ok(Loaded::Written)
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
