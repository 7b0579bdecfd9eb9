//! SQLite storage. Takes parsed documents with their attributed statements; gives them back
//! as rows for the read commands. Owns the schema (`schema.sql`, versioned with
//! `PRAGMA user_version`), never parses text. Each source is written in one transaction and
//! a source already stored (same content hash) adds nothing.

mod query;

pub use query::{
    ActorRow, Filter, StanceRow, StatementRow, TopicRow, actor_name, actor_names, actors,
    resolve_actor, resolve_topic, stance_rows, statements, topic_names, topics,
};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{Actor, Document, Statement, Topic};

pub const SCHEMA_VERSION: i64 = 1;
const SCHEMA: &str = include_str!("../../schema.sql");

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
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(Error::db("setting the busy timeout"))?;
    // WAL lets a reader query while an ingest runs.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(Error::db(format!("setting WAL mode on {path}")))?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::db("setting synchronous mode"))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(Error::db("enabling foreign keys"))?;
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
        conn.execute_batch(&format!(
            "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))
        .map_err(Error::db(format!("creating the schema in {path}")))?;
    }
    Ok(())
}

pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What one ingest wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    pub already_stored: bool,
    pub posts: usize,
    pub statements: usize,
}

/// Writes a document and its statements (`statements[i]` belongs to `doc.posts[i]`) in one
/// transaction, with the known actors and topics they may refer to.
pub fn ingest(
    conn: &mut Connection,
    doc: &Document,
    statements: &[Vec<Statement>],
    actors: &[Actor],
    topics: &[Topic],
) -> Result<IngestReport> {
    let hash = content_hash(&doc.text);
    let tx = conn
        .transaction()
        .map_err(Error::db("starting a transaction"))?;
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM sources WHERE content_hash = ?1",
            [&hash],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("looking up the source"))?;
    if let Some(id) = existing {
        let posts: i64 = tx
            .query_row(
                "SELECT count(*) FROM posts WHERE source_id = ?1",
                [id],
                |r| r.get(0),
            )
            .map_err(Error::db("counting posts"))?;
        return Ok(IngestReport {
            already_stored: true,
            posts: posts as usize,
            statements: 0,
        });
    }
    sync_actors(&tx, actors)?;
    sync_topics(&tx, topics)?;
    tx.execute(
        "INSERT INTO sources (path, content_hash, format, url, published_on, ingested_at, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            doc.path,
            hash,
            doc.format,
            doc.url,
            doc.published_on.map(|d| d.to_string()),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            doc.text,
        ],
    )
    .map_err(Error::db("storing the source"))?;
    let source_id = tx.last_insert_rowid();
    let mut report = IngestReport::default();
    {
        let mut insert_post = tx
            .prepare(
                "INSERT INTO posts (source_id, seq, title, published_at, author, role, url, body, body_start)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(Error::db("preparing posts"))?;
        let mut insert_statement = tx
            .prepare(
                "INSERT OR IGNORE INTO statements
                 (post_id, kind, quote, context, start, end, speaker_mention, cue, actor_id, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(Error::db("preparing statements"))?;
        let mut actor_id = tx
            .prepare_cached("SELECT id FROM actors WHERE name = ?1")
            .map_err(Error::db("preparing actors"))?;
        let mut add_discovered = tx
            .prepare("INSERT OR IGNORE INTO actors (name, discovered) VALUES (?1, 1)")
            .map_err(Error::db("preparing actors"))?;
        let mut topic_id = tx
            .prepare_cached("SELECT id FROM topics WHERE name = ?1")
            .map_err(Error::db("preparing topics"))?;
        let mut insert_topic = tx
            .prepare(
                "INSERT OR IGNORE INTO statement_topics (statement_id, topic_id, stance, confidence, cue)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(Error::db("preparing statement topics"))?;
        let mut actor_ids: std::collections::HashMap<String, i64> =
            std::collections::HashMap::new();
        for (seq, (post, list)) in doc.posts.iter().zip(statements).enumerate() {
            let published = post
                .published_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            insert_post
                .execute(params![
                    source_id,
                    seq as i64,
                    post.title.as_ref().map(|t| t.text.as_str()),
                    published,
                    post.author,
                    post.role,
                    post.url,
                    post.body(),
                    post.body_start() as i64,
                ])
                .map_err(Error::db("storing a post"))?;
            report.posts += 1;
            let post_id = tx.last_insert_rowid();
            for s in list {
                let actor = match &s.speaker {
                    None => None,
                    Some(sp) => match actor_ids.get(&sp.name) {
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
                            actor_ids.insert(sp.name.clone(), id);
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
                report.statements += 1;
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
    }
    tx.commit().map_err(Error::db("committing the source"))?;
    Ok(report)
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
