//! Read queries over the store, shared by the read commands.

use rusqlite::{Connection, params_from_iter, types::Value};
use serde::Serialize;

use crate::error::{Error, Result};

/// Which statements a read command wants. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor_ids: Vec<i64>,
    /// Inclusive bounds on the post time, RFC 3339 UTC.
    pub since: Option<String>,
    pub until: Option<String>,
    pub kinds: Vec<String>,
    /// Topic names; a parent topic takes in its children.
    pub topics: Vec<String>,
    /// Only the topics named, not their children.
    pub exact_topics: bool,
    pub limit: Option<usize>,
    /// Only statements with a speaker.
    pub attributed_only: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementRow {
    pub id: i64,
    pub published_at: Option<String>,
    pub actor: Option<String>,
    pub kind: String,
    pub quote: String,
    pub context: String,
    pub topics: Vec<String>,
    /// The stance on each topic, in the order of `topics`.
    pub stances: Vec<String>,
    pub confidences: Vec<f64>,
    pub stance_cues: Vec<String>,
    pub source: String,
    pub start: i64,
    pub end: i64,
    pub post_title: Option<String>,
    pub speaker_mention: Option<String>,
    pub cue: Option<String>,
}

/// Statements matching the filter, oldest first, in memory (for library users and small
/// answers; the read commands stream them with [`each_statement`]).
pub fn statements(conn: &Connection, filter: &Filter) -> Result<Vec<StatementRow>> {
    let mut all = Vec::new();
    each_statement(conn, filter, |row| {
        all.push(row);
        Ok(())
    })?;
    Ok(all)
}

/// Statements matching the filter, oldest first, handed to `f` one at a time as the query
/// yields them: memory does not grow with the number of rows, and the first row comes
/// before the last is read. Gives the number of rows.
pub fn each_statement(
    conn: &Connection,
    filter: &Filter,
    mut f: impl FnMut(StatementRow) -> Result<()>,
) -> Result<usize> {
    // One subquery per row gives the topics with their stances, confidences and cues
    // (fields apart by U+001E, topics by U+001F), strongest first. The order is that of the
    // index statements_time (a source's posts have consecutive ids, in the order of the
    // text), so rows are read in order instead of sorted.
    let mut sql = String::from(
        "WITH RECURSIVE wanted(id) AS (
             SELECT id FROM topics WHERE name IN (SELECT value FROM json_each(?1))
             UNION SELECT t.id FROM topics t JOIN wanted w ON t.parent_id = w.id WHERE ?2 = 0)
         SELECT s.id, s.published_at, a.name, s.kind, s.quote, s.context,
                (SELECT group_concat(t.name || char(30) || st.stance || char(30) || st.confidence
                                     || char(30) || coalesce(st.cue, ''),
                                     char(31) ORDER BY st.confidence DESC, t.name)
                   FROM statement_topics st JOIN topics t ON t.id = st.topic_id
                  WHERE st.statement_id = s.id),
                src.path, s.start, s.end, p.title, s.speaker_mention, s.cue
         FROM statements s
         JOIN posts p ON p.id = s.post_id
         JOIN sources src ON src.id = p.source_id
         LEFT JOIN actors a ON a.id = s.actor_id
         WHERE 1 = 1",
    );
    let topics_json = serde_json::to_string(&filter.topics).unwrap_or_else(|_| "[]".into());
    let mut args: Vec<Value> = vec![
        Value::Text(topics_json),
        Value::Integer(i64::from(filter.exact_topics)),
    ];
    if !filter.actor_ids.is_empty() {
        sql.push_str(&format!(
            " AND s.actor_id IN ({})",
            placeholders(args.len(), filter.actor_ids.len())
        ));
        args.extend(filter.actor_ids.iter().map(|&i| Value::Integer(i)));
    }
    if let Some(since) = &filter.since {
        args.push(Value::Text(since.clone()));
        sql.push_str(&format!(" AND s.published_at >= ?{}", args.len()));
    }
    if let Some(until) = &filter.until {
        args.push(Value::Text(until.clone()));
        sql.push_str(&format!(" AND s.published_at <= ?{}", args.len()));
    }
    if !filter.kinds.is_empty() {
        sql.push_str(&format!(
            " AND s.kind IN ({})",
            placeholders(args.len(), filter.kinds.len())
        ));
        args.extend(filter.kinds.iter().map(|k| Value::Text(k.clone())));
    }
    if !filter.topics.is_empty() {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM statement_topics st WHERE st.statement_id = s.id
                          AND st.topic_id IN (SELECT id FROM wanted))",
        );
    }
    if filter.attributed_only {
        sql.push_str(" AND s.actor_id IS NOT NULL");
    }
    sql.push_str(" ORDER BY s.published_at, s.post_id, s.start, s.id");
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let what = "the statement query";
    let mut stmt = conn
        .prepare(&sql)
        .map_err(Error::db(format!("preparing {what}")))?;
    let mut rows = stmt
        .query(params_from_iter(args))
        .map_err(Error::db(format!("running {what}")))?;
    let mut n = 0;
    while let Some(r) = rows.next().map_err(Error::db(format!("reading {what}")))? {
        let read = || -> rusqlite::Result<StatementRow> {
            let mut row = StatementRow {
                id: r.get(0)?,
                published_at: r.get(1)?,
                actor: r.get(2)?,
                kind: r.get(3)?,
                quote: r.get(4)?,
                context: r.get(5)?,
                topics: Vec::new(),
                stances: Vec::new(),
                confidences: Vec::new(),
                stance_cues: Vec::new(),
                source: r.get(7)?,
                start: r.get(8)?,
                end: r.get(9)?,
                post_title: r.get(10)?,
                speaker_mention: r.get(11)?,
                cue: r.get(12)?,
            };
            if let Some(topics) = r.get_ref(6)?.as_str_or_null()? {
                for topic in topics.split('\u{1f}').filter(|t| !t.is_empty()) {
                    let mut fields = topic.split('\u{1e}');
                    let mut next = || fields.next().unwrap_or_default().to_string();
                    row.topics.push(next());
                    row.stances.push(next());
                    row.confidences.push(next().parse().unwrap_or(0.0));
                    row.stance_cues.push(next());
                }
            }
            Ok(row)
        };
        f(read().map_err(Error::db(format!("reading {what}")))?)?;
        n += 1;
    }
    Ok(n)
}

fn placeholders(after: usize, n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{}", after + i))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, Serialize)]
pub struct ActorRow {
    pub name: String,
    pub discovered: bool,
    pub country: Option<String>,
    pub statements: i64,
    pub first_said: Option<String>,
    pub last_said: Option<String>,
}

/// Actors with at least one statement, most quoted first.
pub fn actors(conn: &Connection) -> Result<Vec<ActorRow>> {
    rows(conn, "SELECT a.name, a.discovered, a.country, count(s.id), min(s.published_at), max(s.published_at)
             FROM actors a JOIN statements s ON s.actor_id = a.id
             GROUP BY a.id ORDER BY count(s.id) DESC, a.name", [], "the actor query", |r| {
            Ok(ActorRow {
                name: r.get(0)?,
                discovered: r.get::<_, i64>(1)? != 0,
                country: r.get(2)?,
                statements: r.get(3)?,
                first_said: r.get(4)?,
                last_said: r.get(5)?,
            })
        })
}

/// Every name and alias an actor can be asked for by, with the actor's id.
pub fn actor_names(conn: &Connection) -> Result<Vec<(String, i64)>> {
    rows(
        conn,
        "SELECT name, id FROM actors UNION ALL SELECT alias, actor_id FROM aliases",
        [],
        "the name query",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The actor ids a user's name means: an exact name or alias (any case) first, then a close
/// spelling of one; else an error that suggests the nearest name.
pub fn resolve_actor(conn: &Connection, name: &str) -> Result<Vec<i64>> {
    let names = actor_names(conn)?;
    if names.is_empty() {
        return Err(Error::Usage(format!(
            "no actor '{name}': the database has no actors yet; ingest a source first"
        )));
    }
    let folded = crate::text::fold(name.trim());
    let mut exact: Vec<i64> = names
        .iter()
        .filter(|(n, _)| crate::text::fold(n) == folded)
        .map(|(_, id)| *id)
        .collect();
    exact.sort_unstable();
    exact.dedup();
    if !exact.is_empty() {
        return Ok(exact);
    }
    let close = names
        .iter()
        .map(|(n, id)| (strsim::jaro_winkler(&folded, &crate::text::fold(n)), id))
        .filter(|(score, _)| *score >= 0.92)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, id)) = close {
        return Ok(vec![*id]);
    }
    let canonical: Vec<(String, i64)> = {
        rows(
            conn,
            "SELECT name, id FROM actors",
            [],
            "the name query",
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
    };
    Err(Error::UnknownActor {
        name: name.to_string(),
        suggestion: crate::text::closest(name, canonical.iter().map(|(n, _)| n.as_str())),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicRow {
    pub name: String,
    pub parent: Option<String>,
    pub description: String,
    pub statements: i64,
}

/// Topics with the number of statements touching them (a parent counts its children's).
pub fn topics(conn: &Connection) -> Result<Vec<TopicRow>> {
    rows(conn, "SELECT t.name, p.name, t.description,
                    (SELECT count(DISTINCT st.statement_id) FROM statement_topics st
                      WHERE st.topic_id = t.id OR st.topic_id IN (SELECT id FROM topics c WHERE c.parent_id = t.id))
             FROM topics t LEFT JOIN topics p ON p.id = t.parent_id
             ORDER BY 4 DESC, t.name", [], "the topic query", |r| {
            Ok(TopicRow {
                name: r.get(0)?,
                parent: r.get(1)?,
                description: r.get(2)?,
                statements: r.get(3)?,
            })
        })
}

pub fn topic_names(conn: &Connection) -> Result<Vec<String>> {
    rows(
        conn,
        "SELECT name FROM topics ORDER BY name",
        [],
        "the topic query",
        |r| r.get(0),
    )
}

/// One statement's stance on one topic, for aggregation.
#[derive(Debug, Clone)]
pub struct StanceRow {
    pub actor: String,
    pub topic: String,
    pub statement_id: i64,
    pub published_at: Option<String>,
    pub stance: String,
    pub confidence: f64,
    /// Characters in the statement's words, and whether a cue decided its stance: what makes
    /// a statement readable evidence.
    pub words: usize,
    pub has_cue: bool,
    /// The cue that decided the stance.
    pub cue: Option<String>,
}

/// Stances of attributed statements, by actor and topic (the topic itself, not its
/// children: a stance on seizing assets is not a stance on sanctions). Empty lists do not
/// filter.
pub fn stance_rows(
    conn: &Connection,
    actor_ids: &[i64],
    topics: &[String],
) -> Result<Vec<StanceRow>> {
    let mut sql = String::from(
        "SELECT a.name, t.name, s.id, s.published_at, st.stance, st.confidence,
                length(s.quote), coalesce(st.cue, '') != '', st.cue
         FROM statement_topics st
         JOIN statements s ON s.id = st.statement_id
         JOIN actors a ON a.id = s.actor_id
         JOIN topics t ON t.id = st.topic_id
         WHERE s.kind != 'term'",
    );
    let mut args: Vec<Value> = Vec::new();
    if !actor_ids.is_empty() {
        sql.push_str(&format!(
            " AND s.actor_id IN ({})",
            placeholders(0, actor_ids.len())
        ));
        args.extend(actor_ids.iter().map(|&i| Value::Integer(i)));
    }
    if !topics.is_empty() {
        sql.push_str(&format!(
            " AND t.name IN ({})",
            placeholders(args.len(), topics.len())
        ));
        args.extend(topics.iter().map(|t| Value::Text(t.clone())));
    }
    sql.push_str(" ORDER BY a.name, t.name, s.published_at, s.id");
    rows(
        conn,
        &sql,
        params_from_iter(args),
        "the stance query",
        |r| {
            Ok(StanceRow {
                actor: r.get(0)?,
                topic: r.get(1)?,
                statement_id: r.get(2)?,
                published_at: r.get(3)?,
                stance: r.get(4)?,
                confidence: r.get(5)?,
                words: r.get::<_, i64>(6)?.max(0) as usize,
                has_cue: r.get(7)?,
                cue: r.get(8)?,
            })
        },
    )
}

/// The topic a user means: its exact name (any case), else an error suggesting the nearest.
pub fn resolve_topic(conn: &Connection, name: &str) -> Result<String> {
    let names = topic_names(conn)?;
    let folded = crate::text::fold(name.trim());
    names
        .iter()
        .find(|n| crate::text::fold(n) == folded)
        .cloned()
        .ok_or_else(|| Error::UnknownTopic {
            name: name.to_string(),
            suggestion: crate::text::closest(name, names.iter().map(String::as_str)),
        })
}

/// Canonical names of the given actor ids.
pub fn actor_name(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row("SELECT name FROM actors WHERE id = ?1", [id], |r| r.get(0))
        .map_err(Error::db("reading an actor"))
}

/// Every row of a query, read with `f`; `what` names the query in errors.
fn rows<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    what: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn
        .prepare(sql)
        .map_err(Error::db(format!("preparing {what}")))?;
    let rows = stmt
        .query_map(params, f)
        .map_err(Error::db(format!("running {what}")))?;
    rows.collect::<rusqlite::Result<Vec<T>>>()
        .map_err(Error::db(format!("reading {what}")))
}
