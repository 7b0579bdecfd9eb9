//! SQLite storage. Takes parsed documents with their attributed statements; gives them back
//! as rows for the read commands. Owns the schema (`schema.sql`, versioned with
//! `PRAGMA user_version`), never parses text. Each source is written in one transaction
//! (a piece at a time for huge ones) and a source already stored (same content hash) adds
//! nothing.

mod fresh;
mod kept;
mod provenance;
mod query;

pub use fresh::{FreshEvidence, FreshRow};
pub use kept::{
    StoredSource, StoredText, keep_actor, keep_alias, kept, merge_actors, stored_sources,
};
pub use provenance::{
    Provenance, ProvenanceActor, ProvenancePost, ProvenanceSource, ProvenanceTopic, provenance,
};
pub use query::{
    ActorRow, Filter, KeptProgress, NO_ACTOR, StalePair, StanceRow, StatementRow, TopicRow,
    VerdictRow, actor_name, actor_names, actor_statement_counts, actors, check_search, clear_stale,
    each_stance_row, each_statement, each_statement_while, put_progress, put_verdicts,
    resolve_actor, resolve_topic, stale_pairs, stance_progress, stance_verdicts, statements,
    topic_names, topics,
};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{Actor, Document, Post, Statement, Topic};

pub const SCHEMA_VERSION: i64 = 8;
const SCHEMA: &str = include_str!("../../schema.sql");

/// The statement of `SCHEMA` that opens with `head`, up to its closing semicolon: upgrades
/// rebuild a table from the current schema rather than from a copy of it.
fn schema_statement(head: &str) -> &'static str {
    let from = SCHEMA
        .find(head)
        .expect("schema.sql holds every statement upgrades use");
    let len = SCHEMA[from..]
        .find(";\n")
        .map_or(SCHEMA.len() - from, |n| n + 1);
    &SCHEMA[from..from + len]
}

/// Every topic's count of statements, from the statements (a parent counts its children's,
/// each statement once): built by an upgrade, and again when a merge drops duplicates.
const TOPIC_SUMMARIES: &str = "INSERT INTO topic_summaries
    SELECT topic_id, count(DISTINCT statement_id) FROM (
        SELECT statement_id, topic_id FROM statement_topics
        UNION
        SELECT st.statement_id, t.parent_id FROM statement_topics st
          JOIN topics t ON t.id = st.topic_id
         WHERE t.parent_id IS NOT NULL)
    GROUP BY topic_id;";

/// The statements table of schema version 2, which the 1 -> 2 step builds (later steps
/// change it again, so it cannot be read from `schema.sql`).
const STATEMENTS_V2: &str = "CREATE TABLE statements_next (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('direct', 'partial', 'indirect', 'term', 'action')),
    quote           TEXT NOT NULL,
    context         TEXT NOT NULL,
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    speaker_mention TEXT,
    cue             TEXT,
    actor_id        INTEGER REFERENCES actors(id),
    published_at    TEXT
);
CREATE UNIQUE INDEX statements_key ON statements(post_id, start, end, kind, ifnull(actor_id, 0));
CREATE INDEX statements_actor_time ON statements(actor_id, published_at);
CREATE INDEX statements_time ON statements(published_at);";

/// The statements table of schema versions 3 to 5 and its indexes, which the 2 -> 3 step
/// builds (version 6 keeps the kind as a number).
const STATEMENTS_V3: &str = "CREATE TABLE statements_next (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('direct', 'partial', 'indirect', 'term', 'action')),
    quote           TEXT,
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    context_start   INTEGER NOT NULL,
    context_end     INTEGER NOT NULL,
    context         TEXT,
    speaker_mention TEXT,
    cue             TEXT,
    actor_id        INTEGER REFERENCES actors(id),
    published_at    INTEGER
);
CREATE UNIQUE INDEX statements_key ON statements(post_id, start, end, kind, ifnull(actor_id, 0));
CREATE INDEX statements_actor_time ON statements(actor_id, published_at);
CREATE INDEX statements_time ON statements(published_at, post_id, start);";

/// Brings a database written by an older whosaid up to `SCHEMA_VERSION`, one version at a
/// time, inside the caller's transaction (with foreign keys off, so a rebuilt table's
/// dependants keep their rows).
fn upgrade(conn: &Connection, path: &str, mut version: i64) -> Result<()> {
    while version < SCHEMA_VERSION {
        let sql = match version {
            // 1 -> 2: statements may be of kind 'action', and words may be the statement of
            // several speakers (the natural key takes in the actor). SQLite cannot change a
            // CHECK or a table's UNIQUE in place: the table is rebuilt (foreign keys off, so
            // statement_topics keeps its rows) with its indexes; the view over it goes and
            // comes back with the last step.
            1 => {
                let (table, indexes) = STATEMENTS_V2.split_once(";\n").unwrap_or_default();
                format!(
                    "{table};
                     INSERT INTO statements_next SELECT * FROM statements;
                     DROP VIEW IF EXISTS statement_spans;
                     DROP TABLE statements;
                     ALTER TABLE statements_next RENAME TO statements;
                     {indexes}"
                )
            }
            // 2 -> 3: the text is stored once (a post is the offsets of its body), a
            // statement's context is offsets into the text (the old rows keep their words),
            // the time index follows the read order, and the summaries are built.
            2 => {
                let posts = schema_statement("CREATE TABLE posts (");
                let (statements_next, indexes) =
                    STATEMENTS_V3.split_once(";\n").unwrap_or_default();
                let summaries = [
                    "CREATE TABLE actor_summaries",
                    "CREATE TABLE topic_summaries",
                    "CREATE TABLE stance_verdicts",
                    "CREATE TABLE stale_verdicts",
                ]
                .map(schema_statement)
                .join("\n");
                format!(
                    "DROP VIEW IF EXISTS statement_spans;
                     DROP INDEX IF EXISTS statement_topics_topic;
                     {posts_next}
                     INSERT INTO posts_next
                         SELECT id, source_id, seq, title, NULL, NULL, published_at, author, role, url,
                                body_start, body_start + length(CAST(body AS BLOB))
                         FROM posts;
                     DROP TABLE posts;
                     ALTER TABLE posts_next RENAME TO posts;
                     {statements_next};
                     INSERT INTO statements_next
                         (id, post_id, kind, quote, start, end, context_start, context_end,
                          context, speaker_mention, cue, actor_id, published_at)
                         SELECT id, post_id, kind, quote, start, end, start, end,
                                context, speaker_mention, cue, actor_id,
                                CAST(strftime('%s', published_at) AS INTEGER)
                         FROM statements;
                     DROP TABLE statements;
                     ALTER TABLE statements_next RENAME TO statements;
                     {indexes}
                     {summaries}
                     INSERT INTO actor_summaries
                         SELECT actor_id, count(*),
                                strftime('%Y-%m-%dT%H:%M:%SZ', min(published_at), 'unixepoch'),
                                strftime('%Y-%m-%dT%H:%M:%SZ', max(published_at), 'unixepoch')
                         FROM statements WHERE actor_id IS NOT NULL GROUP BY actor_id;
                     {TOPIC_SUMMARIES}
                     -- Every stance is computed again by the next ingest or a reader.
                     INSERT INTO stale_verdicts (actor_id, topic_id)
                         SELECT DISTINCT s.actor_id, st.topic_id
                         FROM statements s JOIN statement_topics st ON st.statement_id = s.id
                         WHERE s.actor_id IS NOT NULL AND s.kind != 'term';",
                    posts_next = posts.replacen("posts (", "posts_next (", 1),
                )
            }
            // 3 -> 4: full-text search over the statements, filled from what is stored,
            // and the views for SQL users.
            3 => {
                let search = [
                    "CREATE VIRTUAL TABLE statement_search",
                    "INSERT INTO statement_search (statement_search, rank)",
                    "CREATE TRIGGER statement_search_delete",
                ]
                .map(schema_statement)
                .join("\n");
                conn.execute_batch(&search)
                    .map_err(Error::db(format!("upgrading {path} to schema version 4")))?;
                index_stored_statements(conn).map_err(Error::db(format!(
                    "indexing the statements of {path} for search"
                )))?;
                String::new()
            }
            // 4 -> 5: actors and aliases kept by hand.
            4 => ["CREATE TABLE kept_actors", "CREATE TABLE kept_aliases"]
                .map(schema_statement)
                .join("\n"),
            // 5 -> 6: a statement's kind, and a topic's stance and confidence, kept as small
            // numbers (words read back through generated columns): the two tables are
            // rebuilt with their indexes, and the search index's trigger, which goes with
            // its table, comes back.
            5 => {
                let statements = schema_statement("CREATE TABLE statements (").replacen(
                    "statements (",
                    "statements_next (",
                    1,
                );
                let topics = schema_statement("CREATE TABLE statement_topics (").replacen(
                    "statement_topics (",
                    "statement_topics_next (",
                    1,
                );
                let indexes = [
                    "CREATE UNIQUE INDEX statements_key",
                    "CREATE INDEX statements_actor_time",
                    "CREATE INDEX statements_time",
                    "CREATE TRIGGER statement_search_delete",
                ]
                .map(schema_statement)
                .join("\n");
                format!(
                    "DROP VIEW IF EXISTS statement_spans;
                     DROP VIEW IF EXISTS statements_view;
                     DROP VIEW IF EXISTS stances_view;
                     {statements}
                     INSERT INTO statements_next
                         (id, post_id, kind_code, quote, start, end, context_start, context_end,
                          context, speaker_mention, cue, actor_id, published_at)
                         SELECT id, post_id,
                                CASE kind WHEN 'direct' THEN 0 WHEN 'partial' THEN 1
                                     WHEN 'indirect' THEN 2 WHEN 'term' THEN 3 ELSE 4 END,
                                quote, start, end, context_start, context_end, context,
                                speaker_mention, cue, actor_id, published_at
                         FROM statements;
                     DROP TABLE statements;
                     ALTER TABLE statements_next RENAME TO statements;
                     {topics}
                     INSERT INTO statement_topics_next
                         (statement_id, topic_id, stance_code, confidence_pct, cue)
                         SELECT statement_id, topic_id,
                                CASE stance WHEN 'support' THEN 0 WHEN 'oppose' THEN 1
                                     WHEN 'mixed' THEN 2 WHEN 'neutral' THEN 3 ELSE 4 END,
                                CAST(round(confidence * 100) AS INTEGER), cue
                         FROM statement_topics;
                     DROP TABLE statement_topics;
                     ALTER TABLE statement_topics_next RENAME TO statement_topics;
                     {indexes}"
                )
            }
            // 6 -> 7: the search index is given a statement's words only when its context
            // does not hold them; the trigger that takes statements out decides as the
            // writer does. (Rows indexed before give their words' count back short: that
            // count ranks, and nothing ranks.)
            6 => format!(
                "DROP TRIGGER IF EXISTS statement_search_delete;
                 {}",
                schema_statement("CREATE TRIGGER statement_search_delete")
            ),
            // 7 -> 8: a stance goes on from where it was last computed. The stale marks
            // say from when (theirs from before: from the start); the table is made anew,
            // as a database upgraded from before version 3 has it made from this schema.
            // (Copied aside, not renamed: a rename checks the trigger, whose view is gone
            // until the end.)
            7 => format!(
                "CREATE TEMP TABLE stale_before AS SELECT actor_id, topic_id FROM stale_verdicts;
                 DROP TABLE stale_verdicts;
                 {}
                 INSERT INTO stale_verdicts (actor_id, topic_id)
                     SELECT actor_id, topic_id FROM temp.stale_before;
                 DROP TABLE temp.stale_before;
                 {}",
                schema_statement("CREATE TABLE stale_verdicts"),
                schema_statement("CREATE TABLE stance_progress"),
            ),
            _ => {
                return Err(Error::Usage(format!(
                    "{path} has schema version {version}, which no whosaid wrote"
                )));
            }
        };
        conn.execute_batch(&sql).map_err(Error::db(format!(
            "upgrading {path} to schema version {}",
            version + 1
        )))?;
        version += 1;
    }
    // The views read the tables as they are now: made again after any step.
    let views = [
        "CREATE VIEW statement_spans",
        "CREATE VIEW statements_view",
        "CREATE VIEW stances_view",
    ]
    .map(schema_statement)
    .join("\n");
    conn.execute_batch(&format!(
        "DROP VIEW IF EXISTS statement_spans; DROP VIEW IF EXISTS statements_view;
         DROP VIEW IF EXISTS stances_view; {views} PRAGMA user_version = {SCHEMA_VERSION};"
    ))
    .map_err(Error::db(format!("upgrading {path}")))?;
    Ok(())
}

/// Every stored statement's words and context into the search index, read a source's text
/// window at a time (the upgrade of a database written before there was one).
fn index_stored_statements(conn: &Connection) -> rusqlite::Result<()> {
    let mut texts = query::TextCache::default();
    let mut read = conn.prepare(
        "SELECT s.id, p.source_id, s.quote, s.start, s.end, s.context, s.context_start,
                s.context_end
         FROM statements s JOIN posts p ON p.id = s.post_id
         ORDER BY p.source_id, s.start",
    )?;
    let mut index =
        conn.prepare("INSERT INTO statement_search (rowid, words, context) VALUES (?1, ?2, ?3)")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let source: i64 = r.get(1)?;
        let (quote, context): (Option<String>, Option<String>) = (r.get(2)?, r.get(5)?);
        let (start, end, context_start, context_end): (i64, i64, i64, i64) =
            (r.get(3)?, r.get(4)?, r.get(6)?, r.get(7)?);
        let words = match quote {
            Some(w) => Some(w),
            None if context.is_none() && start >= context_start && end <= context_end => None,
            None => Some(texts.get(conn, source, start, end)?),
        };
        let context = match context {
            Some(w) => w,
            None => texts.get(conn, source, context_start, context_end)?,
        };
        index.execute(params![r.get::<_, i64>(0)?, words, context])?;
    }
    Ok(())
}

/// The longest row of a source's text: a reader fetches a statement's context by reading
/// a chunk or two, not the whole source.
const TEXT_CHUNK: usize = 64 * 1024;

/// Opens (creating when needed) a database and brings its schema up to date; refuses one
/// written by a newer whosaid.
pub fn open(path: &str) -> Result<Connection> {
    open_with_pages(path, Pages::Default)
}

/// The size of a new database's pages, which it keeps for good. Large pages make shallower
/// B-trees that split less often; but every commit writes its changed pages whole, and a
/// source is a commit of its own. Measured on ingest into a new database: sources of 10 and
/// 100 MB on one thread, CPU -5.5% and -7.5% with 16 KiB pages, for 3% more bytes (8 KiB:
/// -3.3%; 32 KiB a further -1.6% for 3.5% more bytes); a folder of 1,100 one-post files,
/// wall +29% on one thread and +50% on two (8 KiB: +23%).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// SQLite's own, 4 KiB: many small sources.
    Default,
    /// 16 KiB: sources of several megabytes.
    Large,
}

/// `open`; a database it creates gets pages of `pages`' size (one that has pages keeps
/// theirs).
pub fn open_with_pages(path: &str, pages: Pages) -> Result<Connection> {
    let conn = Connection::open(path).map_err(Error::db(format!("opening {path}")))?;
    if pages == Pages::Large {
        // Before WAL mode, which fixes the size of a new file's pages.
        conn.pragma_update(None, "page_size", 16384)
            .map_err(Error::db("setting the page size"))?;
    }
    configure(&conn, path)?;
    Ok(conn)
}

/// Bytes of sources stored between checkpoints (a megabyte of text writes a few megabytes
/// of pages: the database is 2.4 times the text, its indexes rewritten besides). Measured
/// on a folder of 1,100 one-post files, two threads: four megabytes was no faster.
const CHECKPOINT_TEXT: u64 = 1 << 20;

/// Copies what the sources committed from the write-ahead log into the database on a
/// thread of its own (once a megabyte of them is stored), while the ingest goes on with the
/// next source or the stances. SQLite
/// does this itself in the commit that takes the log past 1,000 pages: measured, that is
/// 60 of the 80 ms the commit of a 10 MB source takes, with every other thread idle.
pub struct Checkpointer {
    nudge: Option<std::sync::mpsc::Sender<u64>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    /// Takes the checkpoints off `conn` (a file database's; an in-memory one has no log).
    pub fn start(conn: &Connection) -> Result<Self> {
        let path = conn.path().filter(|p| !p.is_empty()).map(str::to_string);
        let Some(path) = path else {
            return Ok(Checkpointer {
                nudge: None,
                thread: None,
            });
        };
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(Error::db("setting the checkpoints"))?;
        let (nudge, nudged) = std::sync::mpsc::channel::<u64>();
        let thread = std::thread::spawn(move || {
            // A checkpoint only saves work for later: one that cannot run (a busy or
            // unopenable file) is left to the next, or to the last connection's close.
            let Ok(own) = Connection::open(&path) else {
                return;
            };
            // Bytes of sources committed since the last checkpoint.
            let mut since = 0u64;
            while let Ok(bytes) = nudged.recv() {
                since += bytes;
                while let Ok(more) = nudged.try_recv() {
                    since += more;
                }
                // Small sources' logs are let grow to a megabyte of their text: a checkpoint
                // for each of a thousand one-post files was a fifth of their ingest.
                if since >= CHECKPOINT_TEXT {
                    since = 0;
                    let _ = own.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            }
        });
        Ok(Checkpointer {
            nudge: Some(nudge),
            thread: Some(thread),
        })
    }

    /// After a commit: `bytes` of source were stored, and the log is copied once enough
    /// have been.
    pub fn nudge(&self, bytes: u64) {
        if let Some(n) = &self.nudge {
            let _ = n.send(bytes);
        }
    }

    /// Waits for the last checkpoint asked for and gives them back to `conn`.
    pub fn finish(mut self, conn: &Connection) -> Result<()> {
        self.nudge = None;
        if let Some(thread) = self.thread.take() {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
            conn.pragma_update(None, "wal_autocheckpoint", 1000)
                .map_err(Error::db("setting the checkpoints"))?;
        }
        Ok(())
    }
}

pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory().map_err(Error::db("opening an in-memory database"))?;
    configure(&conn, ":memory:")?;
    Ok(conn)
}

fn configure(conn: &Connection, path: &str) -> Result<()> {
    // Writers take turns: one source is one transaction, and a large one takes minutes.
    conn.busy_timeout(std::time::Duration::from_secs(600))
        .map_err(Error::db("setting the busy timeout"))?;
    // WAL lets a reader query while an ingest runs. The mode is the file's, set once; while
    // another whosaid holds the new file's lock, switching to it answers "busy" at once
    // (no busy handler), so it is tried again for as long as the busy timeout.
    let mut tries = 0;
    loop {
        let mode: std::result::Result<String, _> =
            conn.pragma_query_value(None, "journal_mode", |r| r.get(0));
        if mode.as_deref().is_ok_and(|m| m.eq_ignore_ascii_case("wal")) {
            break;
        }
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(_) => break,
            Err(e) if tries < 6000 && is_busy(&e) => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => return Err(Error::db(format!("setting WAL mode on {path}"))(e)),
        }
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::db("setting synchronous mode"))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(Error::db("enabling foreign keys"))?;
    // A 4 MiB page cache: measured, 8 MiB made no ingest faster (10 MB and 100 MB into a
    // new database, two threads, 16 KiB pages) and cost 4 MB of the memory budget; 32 MiB
    // none either (10 MB into a new database or into one of a million statements).
    conn.pragma_update(None, "cache_size", -4096)
        .map_err(Error::db("sizing the page cache"))?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(Error::db(format!("reading the schema version of {path}")))?;
    if version > SCHEMA_VERSION {
        return Err(Error::DbTooNew {
            path: path.to_string(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < SCHEMA_VERSION {
        set_up(conn, path)?;
    }
    Ok(())
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Creates or upgrades the schema holding the write lock, and reads the version again once
/// it holds it: of several whosaids opening a new database at once, one creates it and the
/// others find it made.
fn set_up(conn: &Connection, path: &str) -> Result<()> {
    // Foreign keys cannot be switched inside a transaction; an upgrade needs them off.
    conn.pragma_update(None, "foreign_keys", "OFF")
        .map_err(Error::db("setting up the schema"))?;
    let done = conn
        .execute_batch("BEGIN IMMEDIATE")
        .map_err(Error::db(format!("locking {path} to set up its schema")))
        .and_then(|()| {
            let version: i64 = conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(Error::db(format!("reading the schema version of {path}")))?;
            if version == 0 {
                let tables: i64 = conn
                    .query_row(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                        [],
                        |r| r.get(0),
                    )
                    .map_err(Error::db("inspecting the database"))?;
                if tables > 0 {
                    return Err(Error::Usage(format!(
                        "{path} is an SQLite database, but not one of whosaid's"
                    )));
                }
                conn.execute_batch(&format!("{SCHEMA} PRAGMA user_version = {SCHEMA_VERSION};"))
                    .map_err(Error::db(format!("creating the schema in {path}")))?;
            } else if version < SCHEMA_VERSION {
                upgrade(conn, path, version)?;
            }
            conn.execute_batch("COMMIT")
                .map_err(Error::db(format!("setting up the schema of {path}")))
        });
    if done.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(Error::db("enabling foreign keys"))?;
    done
}

/// A streaming SHA-256 of a source's bytes, its identity for re-ingest.
#[derive(Default)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

pub fn content_hash(bytes: &[u8]) -> String {
    let mut h = Hasher::default();
    h.update(bytes);
    h.finish()
}

/// What one ingest wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    pub already_stored: bool,
    pub posts: usize,
    pub statements: usize,
}

/// How many posts a source with this content hash has, if it is stored.
pub fn stored_posts(conn: &Connection, hash: &str) -> Result<Option<usize>> {
    // Asked once a source: prepared once a connection.
    conn.prepare_cached(
        "SELECT (SELECT count(*) FROM posts WHERE source_id = s.id) FROM sources s WHERE content_hash = ?1",
    )
    .and_then(|mut stmt| stmt.query_row([hash], |r| r.get::<_, i64>(0)).optional())
    .map(|n| n.map(|n| n as usize))
    .map_err(Error::db("looking up the source"))
}

/// A source's transaction, begun; or the news that the source is stored already.
pub enum Begun<'c> {
    Writer(SourceWriter<'c>),
    Stored(usize),
}

/// Provenance of a source being written.
#[derive(Debug, Clone)]
pub struct SourceMeta {
    pub path: String,
    pub hash: String,
    pub format: String,
    pub url: Option<String>,
}

/// What a source is written in: a transaction of its own, or one its caller holds.
enum Scope<'c> {
    Transaction(rusqlite::Transaction<'c>),
    Within(&'c Connection),
}

impl std::ops::Deref for Scope<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Scope::Transaction(tx) => tx,
            Scope::Within(conn) => conn,
        }
    }
}

impl Scope<'_> {
    fn commit(self) -> rusqlite::Result<()> {
        match self {
            Scope::Transaction(tx) => tx.commit(),
            Scope::Within(_) => Ok(()),
        }
    }
}

/// A post as the store keeps it: its title's words and offset, its body's byte range in the
/// source's text, and what the source said of it.
#[derive(Debug, Clone, Default)]
pub struct PostRow<'a> {
    pub title: Option<(&'a str, usize)>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub author: Option<&'a str>,
    pub role: Option<&'a str>,
    pub url: Option<&'a str>,
    /// From the first paragraph's start, as long as the paragraphs joined by newlines.
    pub body: std::ops::Range<usize>,
}

impl<'a> PostRow<'a> {
    pub fn of(post: &'a Post) -> Self {
        let start = post.body_start();
        let joined = post.paragraphs.iter().map(|p| p.text.len()).sum::<usize>()
            + post.paragraphs.len().saturating_sub(1);
        PostRow {
            title: post.title.as_ref().map(|t| (t.text.as_str(), t.offset)),
            published_at: post.published_at,
            author: post.author.as_deref(),
            role: post.role.as_deref(),
            url: post.url.as_deref(),
            body: start..start + joined,
        }
    }
}

/// One source written in one transaction, a piece of text (with its posts and statements)
/// at a time. Dropped without `finish`, it rolls back: nothing of the source is stored.
pub struct SourceWriter<'c> {
    tx: Scope<'c>,
    source_id: i64,
    /// Length of the text written so far: where the next piece starts.
    written: usize,
    report: IngestReport,
    actor_ids: rustc_hash::FxHashMap<String, i64>,
    first_day: Option<chrono::NaiveDate>,
    /// What the source adds to the summaries, tallied as its statements are stored.
    tally: Box<SummaryTally>,
    /// Read again (`reopen`): the text is stored already, and these actors had statements
    /// of the source before, whose first and last dates are counted again at the end.
    reread: Option<Vec<i64>>,
    /// The stance evidence stored, kept for the run when it asks (`keep_evidence`).
    evidence: Option<Box<fresh::SourceEvidence>>,
    /// The data's actors: a listed speaker's first statement stores them as listed.
    listed: &'c [Actor],
}

/// A source's statements per actor (with their first and last time, in seconds) and per
/// topic (a parent counting its children's, each statement once), and the (actor, topic)
/// pairs they give a stance evidence on.
#[derive(Default)]
struct SummaryTally {
    actors: rustc_hash::FxHashMap<i64, (i64, Option<i64>, Option<i64>)>,
    topics: rustc_hash::FxHashMap<i64, i64>,
    /// Pairs given evidence, with the earliest time of it (none: some has no time).
    stale: rustc_hash::FxHashMap<(i64, i64), Option<i64>>,
    /// Topic ids by name, and each topic's parent's id.
    topic_ids: rustc_hash::FxHashMap<String, (i64, Option<i64>)>,
}

impl<'c> SourceWriter<'c> {
    /// Starts the source's transaction; `Stored(posts)` when another whosaid stored the same
    /// source while this one read it.
    pub fn begin(
        conn: &'c mut Connection,
        meta: &SourceMeta,
        data: KnownData<'c>,
    ) -> Result<Begun<'c>> {
        // The write lock from the start, waited for in turn (a deferred transaction that
        // must upgrade its lock cannot wait and fails with "database is locked").
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::db("starting a transaction"))?;
        SourceWriter::start(Scope::Transaction(tx), meta, data)
    }

    /// `begin` for a caller that holds a transaction open on `conn` and commits it: the
    /// source is written in it, and `finish` leaves the commit to the caller. (`load` writes
    /// many small sources in one transaction: a commit per source, with its log frames and
    /// search-index flush, was three quarters of the time of a load of one-post sources.)
    pub fn begin_within(
        conn: &'c Connection,
        meta: &SourceMeta,
        data: KnownData<'c>,
    ) -> Result<Begun<'c>> {
        SourceWriter::start(Scope::Within(conn), meta, data)
    }

    fn start(tx: Scope<'c>, meta: &SourceMeta, data: KnownData<'c>) -> Result<Begun<'c>> {
        if let Some(posts) = stored_posts(&tx, &meta.hash)? {
            return Ok(Begun::Stored(posts));
        }
        sync_data(&tx, data)?;
        tx.execute(
            "INSERT INTO sources (path, content_hash, format, url, ingested_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                meta.path,
                meta.hash,
                meta.format,
                meta.url,
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ],
        )
        .map_err(Error::db("storing the source"))?;
        let source_id = tx.last_insert_rowid();
        Ok(Begun::Writer(SourceWriter::new(
            tx,
            source_id,
            None,
            data.actors,
        )?))
    }

    fn new(
        tx: Scope<'c>,
        source_id: i64,
        reread: Option<Vec<i64>>,
        listed: &'c [Actor],
    ) -> Result<SourceWriter<'c>> {
        let mut tally = Box::<SummaryTally>::default();
        tally.topic_ids = topic_ids(&tx)?;
        Ok(SourceWriter {
            tx,
            source_id,
            written: 0,
            report: IngestReport::default(),
            actor_ids: rustc_hash::FxHashMap::default(),
            first_day: None,
            tally,
            reread,
            evidence: None,
            listed,
        })
    }

    /// Keeps the stance evidence it stores, for `finish_into` to give `run`, while `run`
    /// has room for it. A source read again keeps none: it replaces evidence, which its
    /// rows would not tell.
    pub fn keep_evidence(&mut self, run: &FreshEvidence) {
        if self.reread.is_none() {
            self.evidence = Some(Box::new(fresh::SourceEvidence::new(run.room())));
        }
    }

    /// Starts reading a stored source again: in one transaction, its posts and statements
    /// go (their counts taken out of the summaries, their stances marked for computing
    /// again), and the pieces `add` gives are stored in their place under the same source
    /// id. The text is stored already: `add` only counts it.
    pub fn reopen(
        conn: &'c mut Connection,
        source_id: i64,
        data: KnownData<'c>,
    ) -> Result<SourceWriter<'c>> {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::db("starting a transaction"))?;
        sync_data(&tx, data)?;
        let failed = || Error::db("taking out the source's old statements");
        let mut affected: Vec<i64> = Vec::new();
        {
            let mut stmt = tx
                .prepare(
                    "SELECT s.actor_id, count(*) FROM statements s JOIN posts p ON p.id = s.post_id
                     WHERE p.source_id = ?1 AND s.actor_id IS NOT NULL GROUP BY s.actor_id",
                )
                .map_err(failed())?;
            let rows = stmt
                .query_map([source_id], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(failed())?;
            for row in rows {
                let (actor, n) = row.map_err(failed())?;
                tx.execute(
                    "UPDATE actor_summaries SET statements = statements - ?2 WHERE actor_id = ?1",
                    params![actor, n],
                )
                .map_err(failed())?;
                affected.push(actor);
            }
        }
        tx.execute_batch(&format!(
            "UPDATE topic_summaries SET statements = statements - coalesce((
                 SELECT n FROM (
                     SELECT topic_id, count(DISTINCT statement_id) AS n FROM (
                         SELECT st.statement_id, st.topic_id FROM statement_topics st
                           JOIN statements s ON s.id = st.statement_id
                           JOIN posts p ON p.id = s.post_id WHERE p.source_id = {source_id}
                         UNION
                         SELECT st.statement_id, t.parent_id FROM statement_topics st
                           JOIN topics t ON t.id = st.topic_id
                           JOIN statements s ON s.id = st.statement_id
                           JOIN posts p ON p.id = s.post_id
                          WHERE p.source_id = {source_id} AND t.parent_id IS NOT NULL)
                     GROUP BY topic_id) old
                 WHERE old.topic_id = topic_summaries.topic_id), 0);
             INSERT OR REPLACE INTO stale_verdicts (actor_id, topic_id)
                 SELECT DISTINCT s.actor_id, st.topic_id FROM statements s
                   JOIN statement_topics st ON st.statement_id = s.id
                   JOIN posts p ON p.id = s.post_id
                  WHERE p.source_id = {source_id} AND s.actor_id IS NOT NULL AND s.kind != 'term';
             DELETE FROM statements WHERE post_id IN (SELECT id FROM posts WHERE source_id = {source_id});
             DELETE FROM posts WHERE source_id = {source_id};"
        ))
        .map_err(failed())?;
        SourceWriter::new(
            Scope::Transaction(tx),
            source_id,
            Some(affected),
            data.actors,
        )
    }

    /// Where the next piece of text will start in the source's whole text.
    pub fn offset(&self) -> usize {
        self.written
    }

    /// Writes a piece of the source's text with its posts and their statements, whose
    /// offsets already count from the start of the whole text.
    pub fn add(&mut self, text: &str, posts: &[Post], statements: &[Vec<Statement>]) -> Result<()> {
        let rows: Vec<PostRow<'_>> = posts.iter().map(PostRow::of).collect();
        self.add_rows(text, &rows, statements)
    }

    /// `add` for posts as they are stored (what `load` reads back from `extract`).
    pub fn add_rows(
        &mut self,
        text: &str,
        posts: &[PostRow<'_>],
        statements: &[Vec<Statement>],
    ) -> Result<()> {
        let tx = &self.tx;
        let piece_start = self.written;
        let mut insert_text = tx
            .prepare_cached(
                "INSERT INTO source_texts (source_id, start, end, text) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(Error::db("preparing the source text"))?;
        let mut rest = if self.reread.is_some() {
            self.written += text.len();
            ""
        } else {
            text
        };
        while !rest.is_empty() {
            let mut cut = rest.len().min(TEXT_CHUNK);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (chunk, after) = rest.split_at(cut);
            let end = self.written + chunk.len();
            insert_text
                .execute(params![
                    self.source_id,
                    self.written as i64,
                    end as i64,
                    chunk
                ])
                .map_err(Error::db("storing the source text"))?;
            self.written = end;
            rest = after;
        }
        let mut insert_post = tx
            .prepare_cached(
                "INSERT INTO posts (source_id, seq, title, title_start, title_end, published_at,
                                    author, role, url, body_start, body_end)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(Error::db("preparing posts"))?;
        let mut insert_statement = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO statements
                 (post_id, kind_code, quote, start, end, context_start, context_end, context,
                  speaker_mention, cue, actor_id, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .map_err(Error::db("preparing statements"))?;
        let mut actor_id = tx
            .prepare_cached("SELECT id FROM actors WHERE name = ?1")
            .map_err(Error::db("preparing actors"))?;
        // A listed speaker's first statement stores them, as the data lists them.
        let mut add_known = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO actors (name, gender, country, wikidata, discovered)
                 SELECT name, gender, country, wikidata, 0 FROM temp.known_actors
                 WHERE name = ?1",
            )
            .map_err(Error::db("preparing actors"))?;
        let mut add_known_aliases = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO aliases (actor_id, alias)
                 SELECT ?2, alias FROM temp.known_aliases WHERE name = ?1",
            )
            .map_err(Error::db("preparing actors"))?;
        // A speaker the data files do not list: found in the text (discovered), or listed in
        // the data `extract` read for `load`, which these files may not be.
        let mut add_actor = tx
            .prepare_cached("INSERT OR IGNORE INTO actors (name, discovered) VALUES (?1, ?2)")
            .map_err(Error::db("preparing actors"))?;
        let mut topic_id = tx
            .prepare_cached("SELECT id FROM topics WHERE name = ?1")
            .map_err(Error::db("preparing topics"))?;
        let mut add_topic = tx
            .prepare_cached("INSERT OR IGNORE INTO topics (name) VALUES (?1)")
            .map_err(Error::db("preparing topics"))?;
        let mut index = tx
            .prepare_cached(
                "INSERT INTO statement_search (rowid, words, context) VALUES (?1, ?2, ?3)",
            )
            .map_err(Error::db("preparing the search index"))?;
        let mut insert_topic = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO statement_topics (statement_id, topic_id, stance_code, confidence_pct, cue)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(Error::db("preparing statement topics"))?;
        for (post, list) in posts.iter().zip(statements) {
            let published = post
                .published_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            // A statement keeps the time as seconds: a third of the bytes, in the table and
            // in the two indexes that order by it.
            let seconds = post.published_at.map(|t| t.timestamp());
            if let Some(day) = post.published_at.map(|t| t.date_naive()) {
                self.first_day = Some(self.first_day.map_or(day, |d| d.min(day)));
            }
            // A title is the text at its offsets, kept once; its words only when not.
            let title_words = post.title.and_then(|(words, offset)| {
                let at = offset.checked_sub(piece_start)?;
                (text.get(at..at + words.len()) != Some(words)).then_some(words)
            });
            insert_post
                .execute(params![
                    self.source_id,
                    self.report.posts as i64,
                    title_words,
                    post.title.map(|(_, offset)| offset as i64),
                    post.title
                        .map(|(words, offset)| (offset + words.len()) as i64),
                    published,
                    post.author,
                    post.role,
                    post.url,
                    post.body.start as i64,
                    post.body.end as i64,
                ])
                .map_err(Error::db("storing a post"))?;
            self.report.posts += 1;
            let post_id = tx.last_insert_rowid();
            for s in list {
                let actor = match &s.speaker {
                    None => None,
                    Some(sp) => match self.actor_ids.get(&sp.name) {
                        Some(id) => Some(*id),
                        None => {
                            let failed = || Error::db_with(|| format!("storing actor {}", sp.name));
                            let stored: Option<i64> = actor_id
                                .query_row([&sp.name], |r| r.get(0))
                                .optional()
                                .map_err(failed())?;
                            if stored.is_none() {
                                know_actor(tx, self.listed, &sp.name).map_err(failed())?;
                            }
                            let id = match stored {
                                Some(id) => id,
                                None if add_known.execute([&sp.name]).map_err(failed())? == 1 => {
                                    let id = tx.last_insert_rowid();
                                    add_known_aliases
                                        .execute(params![&sp.name, id])
                                        .map_err(failed())?;
                                    id
                                }
                                None => {
                                    add_actor
                                        .execute(params![&sp.name, sp.discovered])
                                        .map_err(failed())?;
                                    tx.last_insert_rowid()
                                }
                            };
                            self.actor_ids.insert(sp.name.clone(), id);
                            Some(id)
                        }
                    },
                };
                // The words and their context are offsets into the text, which is stored
                // anyway; their words are stored only when they are not the text there (a
                // quote joined over paragraphs or around its attribution).
                let context_end = s.context_start + s.context.len();
                let is_text = |from: usize, to: usize, words: &str| {
                    from.checked_sub(piece_start)
                        .and_then(|a| text.get(a..to.checked_sub(piece_start)?))
                        == Some(words)
                };
                let in_text = is_text(s.context_start, context_end, &s.context);
                let quote_in_text = is_text(s.start, s.end, &s.quote);
                let added = insert_statement
                    .execute(params![
                        post_id,
                        s.kind.code(),
                        (!quote_in_text).then_some(s.quote.as_str()),
                        s.start as i64,
                        s.end as i64,
                        s.context_start as i64,
                        context_end as i64,
                        (!in_text).then_some(s.context.as_str()),
                        s.mention.as_ref().map(|m| m.text.as_str()),
                        s.cue,
                        actor,
                        seconds,
                    ])
                    .map_err(Error::db("storing a statement"))?;
                if added == 0 {
                    continue;
                }
                self.report.statements += 1;
                let statement_id = tx.last_insert_rowid();
                // As the delete trigger decides: words that are the text inside their
                // context, which is the text too, are there through the context.
                let words = (!(quote_in_text
                    && in_text
                    && s.start >= s.context_start
                    && s.end <= context_end))
                    .then_some(s.quote.as_str());
                index
                    .execute(params![statement_id, words, s.context])
                    .map_err(Error::db("indexing a statement for search"))?;
                if let Some(actor) = actor {
                    let (n, first, last) = self.tally.actors.entry(actor).or_default();
                    *n += 1;
                    if let Some(t) = seconds {
                        *first = Some(first.map_or(t, |f| f.min(t)));
                        *last = Some(last.map_or(t, |l| l.max(t)));
                    }
                }
                let mut touched: Vec<i64> = Vec::with_capacity(2 * s.topics.len());
                for t in &s.topics {
                    let (tid, parent) = match self.tally.topic_ids.get(&t.topic) {
                        Some(&ids) => ids,
                        None => {
                            // Not in these data files (`load` of another's extract): kept
                            // by name, without a parent or description.
                            add_topic
                                .execute([&t.topic])
                                .map_err(Error::db(format!("storing topic {}", t.topic)))?;
                            let tid: i64 = topic_id
                                .query_row([&t.topic], |r| r.get(0))
                                .map_err(Error::db(format!("finding topic {}", t.topic)))?;
                            self.tally.topic_ids.insert(t.topic.clone(), (tid, None));
                            (tid, None)
                        }
                    };
                    touched.push(tid);
                    touched.extend(parent);
                    if let Some(actor) =
                        actor.filter(|_| s.kind != crate::model::StatementKind::Term)
                    {
                        self.tally
                            .stale
                            .entry((actor, tid))
                            .and_modify(|from| *from = from.zip(seconds).map(|(a, b)| a.min(b)))
                            .or_insert(seconds);
                    }
                    // Stances are scored to hundredths: kept as a whole number.
                    let pct = (t.confidence * 100.0).round().clamp(0.0, 100.0) as u8;
                    let stored = insert_topic
                        .execute(params![statement_id, tid, t.stance.code(), pct, t.cue])
                        .map_err(Error::db("storing a statement topic"))?;
                    if stored == 1
                        && let Some(kept) = &mut self.evidence
                        && let Some(actor) =
                            actor.filter(|_| s.kind != crate::model::StatementKind::Term)
                    {
                        // The words' bytes as the stance query measures them: the stored
                        // words, else the text between the offsets.
                        let words = if quote_in_text {
                            s.end.saturating_sub(s.start)
                        } else {
                            s.quote.len()
                        };
                        kept.add(fresh::StoredStance {
                            actor_id: actor,
                            topic_id: tid,
                            statement_id,
                            published_at: seconds,
                            stance_code: t.stance.code(),
                            confidence_pct: pct,
                            words,
                            cue: t.cue.as_deref(),
                        });
                    }
                }
                touched.sort_unstable();
                touched.dedup();
                for tid in touched {
                    *self.tally.topics.entry(tid).or_default() += 1;
                }
            }
        }
        Ok(())
    }

    /// `finish`, and the evidence kept (`keep_evidence`) given to `run` once committed.
    pub fn finish_into(
        mut self,
        url: Option<&str>,
        run: &mut FreshEvidence,
    ) -> Result<IngestReport> {
        let evidence = self.evidence.take();
        let report = self.finish(url)?;
        if let Some(evidence) = evidence {
            run.absorb(*evidence);
        }
        Ok(report)
    }

    /// Commits the source; `url` is what the source itself gave, if the user gave none.
    pub fn finish(self, url: Option<&str>) -> Result<IngestReport> {
        self.summarise()?;
        if let Some(before) = &self.reread {
            // Counts were taken out and added back; the first and last dates of the actors
            // the source had or has are read again, and what is left of nothing goes.
            let failed = || Error::db("summarising the source");
            let mut date = self
                .tx
                .prepare_cached(
                    "UPDATE actor_summaries SET
                         first_said = (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(published_at), 'unixepoch')
                                         FROM statements WHERE actor_id = ?1),
                         last_said = (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(published_at), 'unixepoch')
                                        FROM statements WHERE actor_id = ?1)
                     WHERE actor_id = ?1",
                )
                .map_err(failed())?;
            for actor in before.iter().chain(self.tally.actors.keys()) {
                date.execute([actor]).map_err(failed())?;
            }
            self.tx
                .execute_batch(
                    "DELETE FROM actor_summaries WHERE statements <= 0;
                     DELETE FROM topic_summaries WHERE statements <= 0;",
                )
                .map_err(failed())?;
        }
        self.tx
            .execute(
                "UPDATE sources SET published_on = ?2, url = coalesce(url, ?3) WHERE id = ?1",
                params![self.source_id, self.first_day.map(|d| d.to_string()), url],
            )
            .map_err(Error::db("dating the source"))?;
        self.tx
            .commit()
            .map_err(Error::db("committing the source"))?;
        Ok(self.report)
    }
}

/// The source's statements added to the summaries, and the stances they give evidence on
/// marked for computing again.
impl SourceWriter<'_> {
    fn summarise(&self) -> Result<()> {
        let time = |t: Option<i64>| {
            t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        };
        let failed = || Error::db("summarising the source");
        let mut actors = self
            .tx
            .prepare_cached(
                "INSERT INTO actor_summaries (actor_id, statements, first_said, last_said)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (actor_id) DO UPDATE SET
                     statements = statements + excluded.statements,
                     first_said = CASE WHEN first_said IS NULL OR excluded.first_said < first_said
                                       THEN excluded.first_said ELSE first_said END,
                     last_said = CASE WHEN last_said IS NULL OR excluded.last_said > last_said
                                      THEN excluded.last_said ELSE last_said END",
            )
            .map_err(failed())?;
        for (actor, (n, first, last)) in &self.tally.actors {
            actors
                .execute(params![actor, n, time(*first), time(*last)])
                .map_err(failed())?;
        }
        let mut topics = self
            .tx
            .prepare_cached(
                "INSERT INTO topic_summaries (topic_id, statements) VALUES (?1, ?2)
                 ON CONFLICT (topic_id) DO UPDATE SET statements = statements + excluded.statements",
            )
            .map_err(failed())?;
        for (topic, n) in &self.tally.topics {
            topics.execute(params![topic, n]).map_err(failed())?;
        }
        let mut stale = self
            .tx
            .prepare_cached(
                "INSERT INTO stale_verdicts (actor_id, topic_id, resume) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET resume = CASE
                     WHEN resume IS NULL OR excluded.resume IS NULL THEN NULL
                     ELSE min(resume, excluded.resume) END",
            )
            .map_err(failed())?;
        for ((actor, topic), from) in &self.tally.stale {
            stale
                .execute(params![actor, topic, from])
                .map_err(failed())?;
        }
        Ok(())
    }
}

/// Writes a whole document and its statements (`statements[i]` belongs to `doc.posts[i]`)
/// in one transaction; a document already stored (same content) adds nothing.
pub fn ingest(
    conn: &mut Connection,
    doc: &Document,
    statements: &[Vec<Statement>],
    actors: &[Actor],
    topics: &[Topic],
) -> Result<IngestReport> {
    let hash = content_hash(doc.text.as_bytes());
    if let Some(posts) = stored_posts(conn, &hash)? {
        return Ok(IngestReport {
            already_stored: true,
            posts,
            statements: 0,
        });
    }
    let meta = SourceMeta {
        path: doc.path.clone(),
        hash,
        format: doc.format.clone(),
        url: doc.url.clone(),
    };
    let mut writer = match SourceWriter::begin(conn, &meta, KnownData::new(actors, topics))? {
        Begun::Writer(w) => w,
        Begun::Stored(posts) => {
            return Ok(IngestReport {
                already_stored: true,
                posts,
                statements: 0,
            });
        }
    };
    writer.add(&doc.text, &doc.posts, statements)?;
    writer.finish(None)
}

/// The data files' actors and topics that every source's transaction makes sure the
/// database holds, with a fingerprint of them taken once: hashing the thousands of actors
/// again for every source was a tenth of the time of a folder of one-post files.
#[derive(Debug, Clone, Copy)]
pub struct KnownData<'a> {
    actors: &'a [Actor],
    topics: &'a [Topic],
    fingerprint: i64,
}

impl<'a> KnownData<'a> {
    pub fn new(actors: &'a [Actor], topics: &'a [Topic]) -> Self {
        KnownData {
            actors,
            topics,
            fingerprint: data_fingerprint(actors, topics),
        }
    }

    /// For a holder of data it never changes, with the fingerprint `data_fingerprint` gave.
    pub(crate) fn with_fingerprint(
        actors: &'a [Actor],
        topics: &'a [Topic],
        fingerprint: i64,
    ) -> Self {
        KnownData {
            actors,
            topics,
            fingerprint,
        }
    }
}

/// The data files' topics into the database and the stored actors brought up to date
/// (see `sync_actors`), once a connection: a directory of small sources synced them
/// for each (thousands of actors with the countries' bodies, 85% of the time of an ingest
/// of one-post files). What was synced is remembered in a table
/// of the connection's own (`temp`), written in the source's transaction, so a source that
/// fails takes the mark with it and the next syncs again; different data (a library
/// caller's) is synced in its turn.
fn sync_data(tx: &Connection, data: KnownData<'_>) -> Result<()> {
    let failed = || Error::db("noting the data synced");
    let KnownData {
        actors,
        topics,
        fingerprint,
    } = data;
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS synced_data (fingerprint INTEGER PRIMARY KEY);
         CREATE TEMP TABLE IF NOT EXISTS known_actors (
             name TEXT PRIMARY KEY, gender TEXT, country TEXT, wikidata TEXT);
         CREATE TEMP TABLE IF NOT EXISTS known_aliases (
             name TEXT NOT NULL, alias TEXT NOT NULL COLLATE NOCASE, UNIQUE (name, alias));",
    )
    .map_err(failed())?;
    let synced = tx
        .prepare_cached("SELECT 1 FROM temp.synced_data WHERE fingerprint = ?1")
        .and_then(|mut s| s.exists([fingerprint]))
        .map_err(failed())?;
    if synced {
        return Ok(());
    }
    sync_actors(tx, actors)?;
    sync_topics(tx, topics)?;
    // The connection knows one data's actors at a time: other data synced before is synced
    // again when it comes back.
    tx.execute_batch("DELETE FROM temp.synced_data")
        .map_err(failed())?;
    tx.execute(
        "INSERT INTO temp.synced_data (fingerprint) VALUES (?1)",
        [fingerprint],
    )
    .map_err(failed())?;
    Ok(())
}

/// Everything of the actors and topics that `sync_actors` and `sync_topics` store.
pub(crate) fn data_fingerprint(actors: &[Actor], topics: &[Topic]) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for a in actors {
        (
            &a.name,
            a.gender.as_str(),
            &a.country,
            &a.wikidata,
            &a.aliases,
        )
            .hash(&mut h);
    }
    for t in topics {
        (&t.name, &t.parent, &t.description).hash(&mut h);
    }
    (actors.len(), topics.len()).hash(&mut h);
    h.finish() as i64
}

/// The names an actor is stored with besides its own: its aliases and, for a name of more
/// than one word, its last (the surname a reader asks by).
pub(crate) fn stored_aliases(actor: &Actor) -> impl Iterator<Item = &str> {
    let surname = actor
        .name
        .split_whitespace()
        .last()
        .filter(|_| actor.name.contains(' '));
    actor.aliases.iter().map(String::as_str).chain(surname)
}

/// The data's actors that are stored already, known to the connection (`temp.known_actors`
/// and `known_aliases`) and brought up to date: their country, gender and Wikidata id, their
/// aliases added, and one found in the text before is listed now. A listed actor's row and
/// aliases are stored with its first statement (`know_actor` makes it known then), not with
/// every database: the thousands of actors and their countries' bodies were a third of a
/// megabyte before any text, and making them all known was a quarter of the CPU of a day's
/// feed into a database that had its speakers already.
fn sync_actors(tx: &Connection, actors: &[Actor]) -> Result<()> {
    let failed = || Error::db("reading the actor list");
    tx.execute_batch("DELETE FROM temp.known_actors; DELETE FROM temp.known_aliases;")
        .map_err(failed())?;
    let stored: rustc_hash::FxHashSet<String> = tx
        .prepare("SELECT name FROM actors")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(failed())?;
    if stored.is_empty() {
        return Ok(());
    }
    know_actors(
        tx,
        actors.iter().filter(|a| stored.contains(a.name.as_str())),
    )
    .map_err(failed())?;
    tx.execute_batch(
        "UPDATE actors SET gender = k.gender, country = k.country, wikidata = k.wikidata,
                           discovered = 0
           FROM temp.known_actors k
          WHERE actors.name = k.name
            AND (actors.gender IS NOT k.gender OR actors.country IS NOT k.country
                 OR actors.wikidata IS NOT k.wikidata OR actors.discovered != 0);
         INSERT OR IGNORE INTO aliases (actor_id, alias)
             SELECT a.id, k.alias FROM temp.known_aliases k JOIN actors a ON a.name = k.name;",
    )
    .map_err(Error::db("bringing the stored actors up to date"))
}

/// Makes the data's listings of `name` known to the connection, before its first statement
/// stores it: a listed speaker not stored yet (a few a source, each a pass over the list).
fn know_actor(tx: &Connection, actors: &[Actor], name: &str) -> rusqlite::Result<()> {
    know_actors(tx, actors.iter().filter(|a| a.name == name))
}

/// `actors` into `temp.known_actors` and `known_aliases`: an actor listed twice keeps its
/// last listing and all its aliases.
fn know_actors<'a>(
    tx: &Connection,
    actors: impl Iterator<Item = &'a Actor>,
) -> rusqlite::Result<()> {
    let mut actor = tx.prepare_cached(
        "INSERT OR REPLACE INTO temp.known_actors (name, gender, country, wikidata)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut alias = tx
        .prepare_cached("INSERT OR IGNORE INTO temp.known_aliases (name, alias) VALUES (?1, ?2)")?;
    for a in actors {
        actor.execute(params![a.name, a.gender.as_str(), a.country, a.wikidata])?;
        for name in stored_aliases(a) {
            alias.execute(params![a.name, name])?;
        }
    }
    Ok(())
}

/// Topic ids by name, with each topic's parent's id.
fn topic_ids(tx: &Connection) -> Result<rustc_hash::FxHashMap<String, (i64, Option<i64>)>> {
    let failed = || Error::db("reading the topics");
    let mut stmt = tx
        .prepare("SELECT name, id, parent_id FROM topics")
        .map_err(failed())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .map_err(failed())?;
    rows.collect::<rusqlite::Result<_>>().map_err(failed())
}

fn sync_topics(tx: &Connection, topics: &[Topic]) -> Result<()> {
    let mut upsert = tx
        .prepare_cached(
            "INSERT INTO topics (name, description) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET description = excluded.description",
        )
        .map_err(Error::db("preparing topics"))?;
    for t in topics {
        upsert
            .execute(params![t.name, t.description])
            .map_err(Error::db_with(|| format!("storing topic {}", t.name)))?;
    }
    let mut parent = tx
        .prepare_cached(
            "UPDATE topics SET parent_id = (SELECT id FROM topics WHERE name = ?2) WHERE name = ?1",
        )
        .map_err(Error::db("preparing topics"))?;
    for t in topics {
        parent
            .execute(params![t.name, t.parent])
            .map_err(Error::db_with(|| format!("linking topic {}", t.name)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActorKind, Gender};

    #[test]
    fn a_new_database_has_the_pages_asked_for_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |conn: &Connection| -> i64 {
            conn.pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap()
        };
        let journal = |conn: &Connection| -> String {
            conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap()
        };
        let large = dir.path().join("large.db");
        let conn = open_with_pages(large.to_str().unwrap(), Pages::Large).unwrap();
        assert_eq!((page_size(&conn), journal(&conn).as_str()), (16384, "wal"));
        drop(conn);
        // Opened again as any command opens it: its pages stay.
        let conn = open(large.to_str().unwrap()).unwrap();
        assert_eq!(page_size(&conn), 16384);
        let default = dir.path().join("default.db");
        let conn = open(default.to_str().unwrap()).unwrap();
        assert_eq!((page_size(&conn), journal(&conn).as_str()), (4096, "wal"));
        drop(conn);
        // A database that has pages keeps them, and takes writes, whatever is asked.
        let conn = open_with_pages(default.to_str().unwrap(), Pages::Large).unwrap();
        assert_eq!(page_size(&conn), 4096);
        conn.execute("INSERT INTO topics (name) VALUES ('kept')", [])
            .unwrap();
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM topics", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 1);
    }

    fn person(name: &str, country: Option<&str>, aliases: &[&str]) -> Actor {
        Actor {
            name: name.to_string(),
            kind: ActorKind::Person,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            titles: Vec::new(),
            roles: Vec::new(),
            gender: Gender::Female,
            country: country.map(str::to_string),
            wikidata: None,
            in_office_from: None,
            in_office_to: None,
        }
    }

    fn rows(conn: &Connection) -> Vec<(i64, String, Option<String>, bool, String)> {
        let mut stmt = conn
            .prepare(
                "SELECT a.id, a.name, a.country, a.discovered,
                        coalesce((SELECT group_concat(alias, '|') FROM
                           (SELECT alias FROM aliases WHERE actor_id = a.id ORDER BY alias)), '')
                 FROM actors a ORDER BY a.name",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    #[test]
    fn actors_sync_stores_none_and_brings_stored_ones_up_to_date_keeping_ids() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(dir.path().join("t.db").to_str().unwrap()).unwrap();
        let tx = conn.transaction().unwrap();
        let first = [
            person("Mira Testova", Some("GB"), &["Mira T"]),
            person("Olek Sample", None, &[]),
            person("Mira Testova", Some("FR"), &[]),
        ];
        sync_data(&tx, KnownData::new(&first, &[])).unwrap();
        assert!(
            rows(&tx).is_empty(),
            "a listed actor is stored with a statement"
        );
        // Listed twice: the last listing is what a first statement stores, with the aliases
        // of both.
        let store = |name: &str| {
            know_actor(&tx, &first, name).unwrap();
            tx.execute(
                "INSERT INTO actors (name, gender, country, wikidata, discovered)
                 SELECT name, gender, country, wikidata, 0 FROM temp.known_actors
                 WHERE name = ?1",
                [name],
            )
            .unwrap();
            tx.execute(
                "INSERT OR IGNORE INTO aliases (actor_id, alias)
                 SELECT last_insert_rowid(), alias FROM temp.known_aliases WHERE name = ?1",
                [name],
            )
            .unwrap();
        };
        store("Mira Testova");
        // Found in the text before the data lists him.
        tx.execute(
            "INSERT INTO actors (name, discovered) VALUES ('Olek Sample', 1)",
            [],
        )
        .unwrap();
        let before = rows(&tx);
        assert_eq!(before.len(), 2);
        assert_eq!(before[0].1, "Mira Testova");
        assert_eq!(before[0].2.as_deref(), Some("FR"));
        assert_eq!(before[0].4, "Mira T|Testova");
        // A changed country is written; an alias differing only in case is the one there;
        // the one found in the text is listed now, with his aliases.
        let second = [
            person("Mira Testova", Some("DE"), &["MIRA T"]),
            person("Olek Sample", None, &["Olek"]),
            person("Nobody Said", None, &[]),
        ];
        sync_data(&tx, KnownData::new(&second, &[])).unwrap();
        let after = rows(&tx);
        assert_eq!(after.len(), 2, "{after:?}");
        assert_eq!(after[0].0, before[0].0);
        assert_eq!(after[1].0, before[1].0);
        assert_eq!(after[0].2.as_deref(), Some("DE"));
        assert_eq!(after[0].4, "Mira T|Testova");
        assert!(!after[1].3);
        assert_eq!(after[1].4, "Olek|Sample");
        // The first data again is known again, not what the second left.
        sync_data(&tx, KnownData::new(&first, &[])).unwrap();
        let known: String = tx
            .query_row(
                "SELECT group_concat(name, '|') FROM (SELECT name FROM temp.known_actors ORDER BY name)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(known, "Mira Testova|Olek Sample");
        // The same data again, its fingerprint noted, leaves it as it is.
        sync_data(&tx, KnownData::new(&first, &[])).unwrap();
        let count: i64 = tx
            .query_row("SELECT count(*) FROM temp.known_actors", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 2);
    }
}
