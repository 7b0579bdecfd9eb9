//! SQLite storage. Takes parsed documents with their attributed statements; gives them back
//! as rows for the read commands. Owns the schema (`schema.sql`, versioned with
//! `PRAGMA user_version`), never parses text. Each source is written in one transaction
//! (a piece at a time for huge ones) and a source already stored (same content hash) adds
//! nothing.

mod query;

pub use query::{
    ActorRow, Filter, StanceRow, StatementRow, TopicRow, actor_name, actor_names, actors,
    each_statement, resolve_actor, resolve_topic, stance_rows, statements, topic_names, topics,
};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{Actor, Document, Post, Statement, Topic};

pub const SCHEMA_VERSION: i64 = 2;
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

/// Brings a database written by an older whosaid up to `SCHEMA_VERSION`, one version at a
/// time, inside the caller's transaction (with foreign keys off, so a rebuilt table's
/// dependants keep their rows).
fn upgrade(conn: &Connection, path: &str, mut version: i64) -> Result<()> {
    while version < SCHEMA_VERSION {
        match version {
            // 1 -> 2: statements may be of kind 'action', and words may be the statement of
            // several speakers (the natural key takes in the actor). SQLite cannot change a
            // CHECK or a table's UNIQUE in place: the table is rebuilt (foreign keys off, so statement_topics keeps its
            // rows) with its indexes and the view over it.
            1 => {
                let table = schema_statement("CREATE TABLE statements (");
                let indexes: Vec<&str> = [
                    "CREATE UNIQUE INDEX statements_key",
                    "CREATE INDEX statements_actor_time",
                    "CREATE INDEX statements_time",
                ]
                .into_iter()
                .map(schema_statement)
                .collect();
                let view = schema_statement("CREATE VIEW statement_spans");
                let sql = format!(
                    "{new_table}
                     INSERT INTO statements_next SELECT * FROM statements;
                     DROP VIEW statement_spans;
                     DROP TABLE statements;
                     ALTER TABLE statements_next RENAME TO statements;
                     {indexes}
                     {view}
                     PRAGMA user_version = 2;",
                    new_table = table.replacen("statements (", "statements_next (", 1),
                    indexes = indexes.join("\n"),
                );
                conn.execute_batch(&sql)
                    .map_err(Error::db(format!("upgrading {path} to schema version 2")))?;
            }
            _ => {
                return Err(Error::Usage(format!(
                    "{path} has schema version {version}, which no whosaid wrote"
                )));
            }
        }
        version += 1;
    }
    Ok(())
}

/// Opens (creating when needed) a database and brings its schema up to date; refuses one
/// written by a newer whosaid.
pub fn open(path: &str) -> Result<Connection> {
    let conn = Connection::open(path).map_err(Error::db(format!("opening {path}")))?;
    configure(&conn, path)?;
    Ok(conn)
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
    // A 32 MiB page cache keeps most index inserts of a large ingest off the disk and the
    // run within its memory budget.
    conn.pragma_update(None, "cache_size", -32768)
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
    conn.query_row(
        "SELECT (SELECT count(*) FROM posts WHERE source_id = s.id) FROM sources s WHERE content_hash = ?1",
        [hash],
        |r| r.get::<_, i64>(0),
    )
    .optional()
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

/// One source written in one transaction, a piece of text (with its posts and statements)
/// at a time. Dropped without `finish`, it rolls back: nothing of the source is stored.
pub struct SourceWriter<'c> {
    tx: rusqlite::Transaction<'c>,
    source_id: i64,
    /// Length of the text written so far: where the next piece starts.
    written: usize,
    report: IngestReport,
    actor_ids: std::collections::HashMap<String, i64>,
    first_day: Option<chrono::NaiveDate>,
}

impl<'c> SourceWriter<'c> {
    /// Starts the source's transaction; `Stored(posts)` when another whosaid stored the same
    /// source while this one read it.
    pub fn begin(
        conn: &'c mut Connection,
        meta: &SourceMeta,
        actors: &[Actor],
        topics: &[Topic],
    ) -> Result<Begun<'c>> {
        // The write lock from the start, waited for in turn (a deferred transaction that
        // must upgrade its lock cannot wait and fails with "database is locked").
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::db("starting a transaction"))?;
        if let Some(posts) = stored_posts(&tx, &meta.hash)? {
            return Ok(Begun::Stored(posts));
        }
        sync_actors(&tx, actors)?;
        sync_topics(&tx, topics)?;
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
        Ok(Begun::Writer(SourceWriter {
            tx,
            source_id,
            written: 0,
            report: IngestReport::default(),
            actor_ids: std::collections::HashMap::new(),
            first_day: None,
        }))
    }

    /// Where the next piece of text will start in the source's whole text.
    pub fn offset(&self) -> usize {
        self.written
    }

    /// Writes a piece of the source's text with its posts and their statements, whose
    /// offsets already count from the start of the whole text.
    pub fn add(&mut self, text: &str, posts: &[Post], statements: &[Vec<Statement>]) -> Result<()> {
        let tx = &self.tx;
        let end = self.written + text.len();
        tx.prepare_cached(
            "INSERT INTO source_texts (source_id, start, end, text) VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut st| {
            st.execute(params![
                self.source_id,
                self.written as i64,
                end as i64,
                text
            ])
        })
        .map_err(Error::db("storing the source text"))?;
        self.written = end;
        let mut insert_post = tx
            .prepare_cached(
                "INSERT INTO posts (source_id, seq, title, published_at, author, role, url, body, body_start)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(Error::db("preparing posts"))?;
        let mut insert_statement = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO statements
                 (post_id, kind, quote, context, start, end, speaker_mention, cue, actor_id, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(Error::db("preparing statements"))?;
        let mut actor_id = tx
            .prepare_cached("SELECT id FROM actors WHERE name = ?1")
            .map_err(Error::db("preparing actors"))?;
        let mut add_discovered = tx
            .prepare_cached("INSERT OR IGNORE INTO actors (name, discovered) VALUES (?1, 1)")
            .map_err(Error::db("preparing actors"))?;
        let mut topic_id = tx
            .prepare_cached("SELECT id FROM topics WHERE name = ?1")
            .map_err(Error::db("preparing topics"))?;
        let mut insert_topic = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO statement_topics (statement_id, topic_id, stance, confidence, cue)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(Error::db("preparing statement topics"))?;
        for (post, list) in posts.iter().zip(statements) {
            let published = post
                .published_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            if let Some(day) = post.published_at.map(|t| t.date_naive()) {
                self.first_day = Some(self.first_day.map_or(day, |d| d.min(day)));
            }
            insert_post
                .execute(params![
                    self.source_id,
                    self.report.posts as i64,
                    post.title.as_ref().map(|t| t.text.as_str()),
                    published,
                    post.author,
                    post.role,
                    post.url,
                    post.body(),
                    post.body_start() as i64,
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
                            if sp.discovered {
                                add_discovered
                                    .execute([&sp.name])
                                    .map_err(Error::db("storing a discovered actor"))?;
                            }
                            let id: i64 = actor_id
                                .query_row([&sp.name], |r| r.get(0))
                                .map_err(Error::db(format!("finding actor {}", sp.name)))?;
                            self.actor_ids.insert(sp.name.clone(), id);
                            Some(id)
                        }
                    },
                };
                let added = insert_statement
                    .execute(params![
                        post_id,
                        s.kind.as_str(),
                        s.quote,
                        s.context,
                        s.start as i64,
                        s.end as i64,
                        s.mention.as_ref().map(|m| m.text.as_str()),
                        s.cue,
                        actor,
                        published,
                    ])
                    .map_err(Error::db("storing a statement"))?;
                if added == 0 {
                    continue;
                }
                self.report.statements += 1;
                let statement_id = tx.last_insert_rowid();
                for t in &s.topics {
                    let tid: i64 = topic_id
                        .query_row([&t.topic], |r| r.get(0))
                        .map_err(Error::db(format!("finding topic {}", t.topic)))?;
                    insert_topic
                        .execute(params![
                            statement_id,
                            tid,
                            t.stance.as_str(),
                            t.confidence,
                            t.cue
                        ])
                        .map_err(Error::db("storing a statement topic"))?;
                }
            }
        }
        Ok(())
    }

    /// Commits the source; `url` is what the source itself gave, if the user gave none.
    pub fn finish(self, url: Option<&str>) -> Result<IngestReport> {
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
    let mut writer = match SourceWriter::begin(conn, &meta, actors, topics)? {
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

/// Known actors and their aliases, so queries can find them by any name.
fn sync_actors(tx: &rusqlite::Transaction<'_>, actors: &[Actor]) -> Result<()> {
    let mut upsert = tx
        .prepare_cached(
            "INSERT INTO actors (name, gender, country, wikidata, discovered) VALUES (?1, ?2, ?3, ?4, 0)
             ON CONFLICT(name) DO UPDATE SET gender = excluded.gender, country = excluded.country,
                 wikidata = excluded.wikidata, discovered = 0",
        )
        .map_err(Error::db("preparing actors"))?;
    let mut alias = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO aliases (actor_id, alias) SELECT id, ?2 FROM actors WHERE name = ?1",
        )
        .map_err(Error::db("preparing aliases"))?;
    for a in actors {
        upsert
            .execute(params![a.name, a.gender.as_str(), a.country, a.wikidata])
            .map_err(Error::db(format!("storing actor {}", a.name)))?;
        let surname = a
            .name
            .split_whitespace()
            .last()
            .filter(|_| a.name.contains(' '));
        for name in a.aliases.iter().map(String::as_str).chain(surname) {
            alias
                .execute(params![a.name, name])
                .map_err(Error::db("storing an alias"))?;
        }
    }
    Ok(())
}

fn sync_topics(tx: &rusqlite::Transaction<'_>, topics: &[Topic]) -> Result<()> {
    let mut upsert = tx
        .prepare_cached(
            "INSERT INTO topics (name, description) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET description = excluded.description",
        )
        .map_err(Error::db("preparing topics"))?;
    for t in topics {
        upsert
            .execute(params![t.name, t.description])
            .map_err(Error::db(format!("storing topic {}", t.name)))?;
    }
    let mut parent = tx
        .prepare_cached(
            "UPDATE topics SET parent_id = (SELECT id FROM topics WHERE name = ?2) WHERE name = ?1",
        )
        .map_err(Error::db("preparing topics"))?;
    for t in topics {
        parent
            .execute(params![t.name, t.parent])
            .map_err(Error::db(format!("linking topic {}", t.name)))?;
    }
    Ok(())
}
