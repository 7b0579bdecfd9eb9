//! Actors and aliases kept by hand, beside the built-in list: added, aliased and merged by
//! the user, read by every ingest and reprocess. Takes names; gives rows, and moves an
//! actor's statements to another when two are one.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::model::{Kept, KeptActor};

pub fn kept(conn: &Connection) -> Result<Kept> {
    let failed = || Error::db("reading the actors kept by hand");
    let mut stmt = conn
        .prepare("SELECT name, kind, gender, country FROM kept_actors ORDER BY name")
        .map_err(failed())?;
    let actors = stmt
        .query_map([], |r| {
            Ok(KeptActor {
                name: r.get(0)?,
                kind: r.get(1)?,
                gender: r.get(2)?,
                country: r.get(3)?,
            })
        })
        .map_err(failed())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(failed())?;
    let mut stmt = conn
        .prepare("SELECT name, alias FROM kept_aliases ORDER BY name, alias")
        .map_err(failed())?;
    let aliases = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(failed())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(failed())?;
    Ok(Kept { actors, aliases })
}

/// Keeps an actor of the user's; an actor kept already is an error naming it.
pub fn keep_actor(conn: &Connection, actor: &KeptActor) -> Result<()> {
    let added = conn
        .execute(
            "INSERT OR IGNORE INTO kept_actors (name, kind, gender, country, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                actor.name,
                actor.kind,
                actor.gender,
                actor.country,
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ],
        )
        .map_err(Error::db("keeping an actor"))?;
    if added == 0 {
        return Err(Error::Usage(format!("'{}' is kept already", actor.name)));
    }
    Ok(())
}

/// Keeps `alias` as another name of the actor `name`.
pub fn keep_alias(conn: &Connection, name: &str, alias: &str) -> Result<bool> {
    conn.execute(
        "INSERT OR IGNORE INTO kept_aliases (name, alias) VALUES (?1, ?2)",
        params![name, alias],
    )
    .map(|n| n > 0)
    .map_err(Error::db("keeping an alias"))
}

/// Moves every statement of actor `from` to `into`, in one transaction: a statement both
/// already have is kept once; `from`'s summaries and stances go, `into`'s are counted again
/// and its stances marked for computing again; `from`'s name becomes an alias of `into`.
/// Gives the statements moved.
pub fn merge_actors(conn: &mut Connection, from: i64, into: i64) -> Result<usize> {
    let failed = || Error::db("merging the actors");
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(failed())?;
    let from_name: String = tx
        .query_row("SELECT name FROM actors WHERE id = ?1", [from], |r| {
            r.get(0)
        })
        .map_err(failed())?;
    let moved = tx
        .execute(
            "UPDATE OR IGNORE statements SET actor_id = ?2 WHERE actor_id = ?1",
            params![from, into],
        )
        .map_err(failed())?;
    // What is left of `from` is what `into` had already: the same words, said once.
    tx.execute_batch(&format!(
        "DELETE FROM statements WHERE actor_id = {from};
         DELETE FROM actor_summaries WHERE actor_id IN ({from}, {into});
         INSERT INTO actor_summaries
             SELECT actor_id, count(*),
                    strftime('%Y-%m-%dT%H:%M:%SZ', min(published_at), 'unixepoch'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', max(published_at), 'unixepoch')
             FROM statements WHERE actor_id = {into} GROUP BY actor_id;
         DELETE FROM stance_verdicts WHERE actor_id = {from};
         DELETE FROM stale_verdicts WHERE actor_id = {from};
         DELETE FROM stance_progress WHERE actor_id = {from};
         INSERT OR REPLACE INTO stale_verdicts (actor_id, topic_id)
             SELECT DISTINCT s.actor_id, st.topic_id
             FROM statements s JOIN statement_topics st ON st.statement_id = s.id
             WHERE s.actor_id = {into} AND s.kind != 'term';
         INSERT OR IGNORE INTO aliases (actor_id, alias)
             SELECT {into}, alias FROM aliases WHERE actor_id = {from};
         INSERT OR IGNORE INTO aliases (actor_id, alias) VALUES ({into}, {name});
         DELETE FROM aliases WHERE actor_id = {from};
         DELETE FROM actors WHERE id = {from};",
        name = sql_text(&from_name),
    ))
    .map_err(failed())?;
    // A topic's count is of statements, each once: a merge that dropped duplicates
    // changes them.
    tx.execute_batch(&format!(
        "DELETE FROM topic_summaries; {}",
        super::TOPIC_SUMMARIES
    ))
    .map_err(failed())?;
    let into_name: Option<String> = tx
        .query_row("SELECT name FROM actors WHERE id = ?1", [into], |r| {
            r.get(0)
        })
        .optional()
        .map_err(failed())?;
    if let Some(into_name) = into_name {
        keep_alias(&tx, &into_name, &from_name)?;
        tx.execute("DELETE FROM kept_actors WHERE name = ?1", [&from_name])
            .map_err(failed())?;
        tx.execute(
            "UPDATE OR IGNORE kept_aliases SET name = ?2 WHERE name = ?1 AND alias != ?2",
            params![from_name, into_name],
        )
        .map_err(failed())?;
        tx.execute("DELETE FROM kept_aliases WHERE name = ?1", [&from_name])
            .map_err(failed())?;
    }
    tx.commit().map_err(failed())?;
    Ok(moved)
}

/// A string as an SQL literal.
fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A source as stored, for reading it again.
#[derive(Debug, Clone)]
pub struct StoredSource {
    pub id: i64,
    pub path: String,
    pub content_hash: String,
    pub format: String,
    pub url: Option<String>,
    pub published_on: Option<String>,
}

pub fn stored_sources(conn: &Connection) -> Result<Vec<StoredSource>> {
    let failed = || Error::db("reading the sources");
    let mut stmt = conn
        .prepare(
            "SELECT id, path, content_hash, format, url, published_on FROM sources ORDER BY id",
        )
        .map_err(failed())?;
    let rows = stmt
        .query_map([], |r| {
            Ok(StoredSource {
                id: r.get(0)?,
                path: r.get(1)?,
                content_hash: r.get(2)?,
                format: r.get(3)?,
                url: r.get(4)?,
                published_on: r.get(5)?,
            })
        })
        .map_err(failed())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(failed())?;
    Ok(rows)
}

/// A stored source's text, read a chunk at a time through a connection of its own (so the
/// source can be written again on another while it is read).
pub struct StoredText {
    conn: Connection,
    source_id: i64,
    /// The next chunk's start offset.
    next: i64,
    chunk: Vec<u8>,
    at: usize,
    done: bool,
}

impl StoredText {
    pub fn open(path: &str, source_id: i64) -> Result<StoredText> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(Error::db(format!("opening {path}")))?;
        conn.busy_timeout(std::time::Duration::from_secs(600))
            .map_err(Error::db("setting the busy timeout"))?;
        Ok(StoredText {
            conn,
            source_id,
            next: 0,
            chunk: Vec::new(),
            at: 0,
            done: false,
        })
    }
}

impl std::io::Read for StoredText {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() && !self.done {
            let row: Option<(i64, Vec<u8>)> = self
                .conn
                .query_row(
                    "SELECT end, CAST(text AS BLOB) FROM source_texts
                      WHERE source_id = ?1 AND start = ?2",
                    params![self.source_id, self.next],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(std::io::Error::other)?;
            match row {
                Some((end, bytes)) => {
                    self.next = end;
                    self.chunk = bytes;
                    self.at = 0;
                }
                None => self.done = true,
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
