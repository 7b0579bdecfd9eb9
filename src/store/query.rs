//! Read queries over the store, shared by the read commands.

use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Stance, StatementKind};

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
    /// Only statements the full-text index finds for this query (FTS5 syntax), over their
    /// words and context.
    pub search: Option<String>,
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
    each_statement_while(conn, filter, |row| f(row).map(|()| true))
}

/// `each_statement`, stopping when `f` answers false (a reader that filters further and
/// has what it wants). Gives the number of rows read.
pub fn each_statement_while(
    conn: &Connection,
    filter: &Filter,
    mut f: impl FnMut(StatementRow) -> Result<bool>,
) -> Result<usize> {
    // One subquery per row gives each topic with its stance, confidence and cue as the stored
    // numbers packed in one, the cue after U+001E, topics apart by U+001F: names and words
    // are put to them here, strongest first (joined, formatted and sorted by SQL for every
    // row, they were a fifth of an export's time; and one number turned to text a topic costs
    // SQL less than three). The order is that of the index statements_time (a source's posts
    // have consecutive ids, in the order of the text), so rows are read in order, not sorted.
    let mut sql = String::from(
        "WITH RECURSIVE wanted(id) AS (
             SELECT id FROM topics WHERE name IN (SELECT value FROM json_each(?1))
             UNION SELECT t.id FROM topics t JOIN wanted w ON t.parent_id = w.id WHERE ?2 = 0)
         SELECT s.id, s.published_at, s.actor_id, s.kind_code, s.quote, s.context,
                (SELECT group_concat(((st.topic_id * 8 + st.stance_code) * 128 + st.confidence_pct)
                                     || ifnull('\u{1e}' || st.cue, ''), '\u{1f}')
                   FROM statement_topics st WHERE st.statement_id = s.id),
                s.post_id, s.start, s.end, s.speaker_mention, s.cue,
                s.context_start, s.context_end
         FROM statements s
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
        args.push(Value::Integer(seconds(since)?));
        sql.push_str(&format!(" AND s.published_at >= ?{}", args.len()));
    }
    if let Some(until) = &filter.until {
        args.push(Value::Integer(seconds(until)?));
        sql.push_str(&format!(" AND s.published_at <= ?{}", args.len()));
    }
    if !filter.kinds.is_empty() {
        // The stored number, not the `kind` word every row would compute to be compared.
        let codes: Vec<i64> = filter
            .kinds
            .iter()
            .filter_map(|k| StatementKind::parse(k).map(StatementKind::code))
            .collect();
        sql.push_str(&format!(
            " AND s.kind_code IN ({})",
            placeholders(args.len(), codes.len())
        ));
        args.extend(codes.into_iter().map(Value::Integer));
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
    if let Some(query) = &filter.search {
        args.push(Value::Text(query.clone()));
        sql.push_str(&format!(
            " AND s.id IN (SELECT rowid FROM statement_search WHERE statement_search MATCH ?{})",
            args.len()
        ));
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
    let mut texts = TextCache::default();
    let mut names = Names::default();
    // Rows come a post at a time: its source, title and time are read once for all of them.
    let mut post = PostFacts::default();
    let mut when: Option<(i64, Option<String>)> = None;
    while let Some(r) = rows
        .next()
        .map_err(Error::db_with(|| format!("reading {what}")))?
    {
        let mut read = || -> rusqlite::Result<StatementRow> {
            let post_id: i64 = r.get(7)?;
            if post.id != Some(post_id) {
                post = PostFacts::read(conn, post_id, &mut names, &mut texts)?;
            }
            let context = match r.get::<_, Option<String>>(5)? {
                Some(words) => words,
                None => texts.get(conn, post.source_id, r.get(12)?, r.get(13)?)?,
            };
            let quote = match r.get::<_, Option<String>>(4)? {
                Some(words) => words,
                None => texts.get(conn, post.source_id, r.get(8)?, r.get(9)?)?,
            };
            let published_at = match (r.get::<_, Option<i64>>(1)?, &when) {
                (None, _) => None,
                (Some(t), Some((last, text))) if *last == t => text.clone(),
                (Some(t), _) => {
                    let text = rfc3339(t);
                    when = Some((t, text.clone()));
                    text
                }
            };
            let kind = StatementKind::from_code(r.get(3)?).map_or("", StatementKind::as_str);
            let mut row = StatementRow {
                id: r.get(0)?,
                published_at,
                actor: names.actor(conn, r.get(2)?)?,
                kind: kind.to_string(),
                quote,
                context,
                topics: Vec::new(),
                stances: Vec::new(),
                confidences: Vec::new(),
                stance_cues: Vec::new(),
                source: post.source.clone(),
                start: r.get(8)?,
                end: r.get(9)?,
                post_title: post.title.clone(),
                speaker_mention: r.get(10)?,
                cue: r.get(11)?,
            };
            if let Some(topics) = r.get_ref(6)?.as_str_or_null()? {
                let mut all: Vec<(f64, String, &'static str, String)> = Vec::new();
                for topic in topics.split('\u{1f}').filter(|t| !t.is_empty()) {
                    let (packed, cue) = topic.split_once('\u{1e}').unwrap_or((topic, ""));
                    // stance_code (0 to 4) in three bits, confidence_pct (0 to 100) in seven.
                    let packed: i64 = packed.parse().unwrap_or_default();
                    let name = names.topic(conn, packed >> 10)?;
                    let stance = Stance::from_code((packed >> 7) & 7).unwrap_or(Stance::Unknown);
                    // As the `confidence` column computes it.
                    let confidence = (packed & 127) as f64 / 100.0;
                    all.push((confidence, name, stance.as_str(), cue.to_string()));
                }
                // The strongest first, then by name.
                all.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                for (confidence, name, stance, cue) in all {
                    row.topics.push(name);
                    row.stances.push(stance.to_string());
                    row.confidences.push(confidence);
                    row.stance_cues.push(cue);
                }
            }
            Ok(row)
        };
        n += 1;
        if !f(read().map_err(Error::db_with(|| format!("reading {what}")))?)? {
            break;
        }
    }
    Ok(n)
}

/// What the rows of one post share.
#[derive(Default)]
struct PostFacts {
    id: Option<i64>,
    source_id: i64,
    source: String,
    title: Option<String>,
}

impl PostFacts {
    fn read(
        conn: &Connection,
        id: i64,
        names: &mut Names,
        texts: &mut TextCache,
    ) -> rusqlite::Result<Self> {
        let (source_id, title, title_start, title_end): (
            i64,
            Option<String>,
            Option<i64>,
            Option<i64>,
        ) = conn
            .prepare_cached(
                "SELECT source_id, title, title_start, title_end FROM posts WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        let title = match (title, title_start, title_end) {
            (Some(words), _, _) => Some(words),
            (None, Some(a), Some(b)) => Some(texts.get(conn, source_id, a, b)?),
            _ => None,
        };
        Ok(PostFacts {
            id: Some(id),
            source_id,
            source: names.source(conn, source_id)?,
            title,
        })
    }
}

/// Actors', sources' and topics' names by id, read once each: a row carries ids, and a
/// million rows name a few thousand actors and sources.
#[derive(Default)]
struct Names {
    actors: rustc_hash::FxHashMap<i64, String>,
    sources: rustc_hash::FxHashMap<i64, String>,
    topics: rustc_hash::FxHashMap<i64, String>,
}

impl Names {
    /// Names kept of each, so memory stays bounded over millions of sources.
    const KEPT: usize = 4096;

    fn actor(&mut self, conn: &Connection, id: Option<i64>) -> rusqlite::Result<Option<String>> {
        id.map(|id| {
            Self::cached(
                &mut self.actors,
                conn,
                "SELECT name FROM actors WHERE id = ?1",
                id,
            )
        })
        .transpose()
    }

    fn topic(&mut self, conn: &Connection, id: i64) -> rusqlite::Result<String> {
        Self::cached(
            &mut self.topics,
            conn,
            "SELECT name FROM topics WHERE id = ?1",
            id,
        )
    }

    fn source(&mut self, conn: &Connection, id: i64) -> rusqlite::Result<String> {
        Self::cached(
            &mut self.sources,
            conn,
            "SELECT path FROM sources WHERE id = ?1",
            id,
        )
    }

    fn cached(
        kept: &mut rustc_hash::FxHashMap<i64, String>,
        conn: &Connection,
        sql: &str,
        id: i64,
    ) -> rusqlite::Result<String> {
        if let Some(name) = kept.get(&id) {
            return Ok(name.clone());
        }
        let name: String = conn.prepare_cached(sql)?.query_row([id], |r| r.get(0))?;
        if kept.len() >= Self::KEPT {
            kept.clear();
        }
        kept.insert(id, name.clone());
        Ok(name)
    }
}

/// Spans of the stored source texts, read a chunk or two at a time and kept for the next
/// rows: rows in time order take turns between the sources of the same days, each moving
/// about its own text, so the most recent windows of all of them are kept (64 windows of one
/// or two 64 KiB chunks: a few MiB at most).
#[derive(Default)]
pub(super) struct TextCache {
    /// (source id, offset of the window's first byte, the text from there), most recent
    /// last.
    windows: Vec<(i64, i64, String)>,
}

impl TextCache {
    const WINDOWS: usize = 64;

    pub(super) fn get(
        &mut self,
        conn: &Connection,
        source: i64,
        start: i64,
        end: i64,
    ) -> rusqlite::Result<String> {
        let within = |(id, from, text): &(i64, i64, String)| {
            *id == source && *from <= start && end <= from + text.len() as i64
        };
        let i = match self.windows.iter().rposition(within) {
            Some(i) => {
                // Most recently used last, so the oldest goes first.
                let hit = self.windows.remove(i);
                self.windows.push(hit);
                self.windows.len() - 1
            }
            None => {
                let mut stmt = conn.prepare_cached(
                    "SELECT start, text FROM source_texts
                      WHERE source_id = ?1 AND start < ?3 AND start >= (
                            SELECT max(start) FROM source_texts WHERE source_id = ?1 AND start <= ?2)
                      ORDER BY start",
                )?;
                let mut rows = stmt.query(rusqlite::params![source, start, end])?;
                let mut from = None;
                let mut text = String::new();
                while let Some(r) = rows.next()? {
                    from.get_or_insert(r.get::<_, i64>(0)?);
                    text.push_str(r.get_ref(1)?.as_str()?);
                }
                if self.windows.len() == Self::WINDOWS {
                    self.windows.remove(0);
                }
                self.windows.push((source, from.unwrap_or(start), text));
                self.windows.len() - 1
            }
        };
        let (_, from, text) = &self.windows[i];
        let (a, b) = ((start - from) as usize, (end - from) as usize);
        // Offsets come from the store's own rows; a text that does not have them (a damaged
        // database) gives no context rather than a wrong one.
        Ok(text.get(a..b).unwrap_or_default().to_string())
    }
}

/// A stored time (seconds since 1970 UTC) as RFC 3339, as the read commands give it.
fn rfc3339(seconds: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// A bound given as RFC 3339, in the stored seconds.
fn seconds(rfc: &str) -> Result<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc)
        .map(|t| t.timestamp())
        .map_err(|_| Error::Usage(format!("'{rfc}' is not a time")))
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
    rows(
        conn,
        "SELECT a.name, a.discovered, a.country, x.statements, x.first_said, x.last_said
             FROM actor_summaries x JOIN actors a ON a.id = x.actor_id
             WHERE x.statements > 0
             ORDER BY x.statements DESC, a.name",
        [],
        "the actor query",
        |r| {
            Ok(ActorRow {
                name: r.get(0)?,
                discovered: r.get::<_, i64>(1)? != 0,
                country: r.get(2)?,
                statements: r.get(3)?,
                first_said: r.get(4)?,
                last_said: r.get(5)?,
            })
        },
    )
}

/// Checks a full-text query before it is run over the statements: a query the index cannot
/// take is the user's mistake, said in their words.
pub fn check_search(conn: &Connection, query: &str) -> Result<()> {
    conn.query_row(
        "SELECT count(*) FROM (SELECT rowid FROM statement_search
          WHERE statement_search MATCH ?1 LIMIT 1)",
        [query],
        |_| Ok(()),
    )
    .map_err(|e| {
        let why = e.to_string();
        let why = why.strip_prefix("fts5: ").unwrap_or(&why);
        Error::Usage(if why.contains("detail") || why.contains("phrase") {
            format!(
                "'{query}': the index keeps which words a statement has, not where, so it \
                 takes no phrase or NEAR queries (without --fts, words are found in order)"
            )
        } else {
            format!("'{query}' is not a search the index can run: {why}")
        })
    })
}

/// Each actor's number of statements, from the summaries, by actor id.
pub fn actor_statement_counts(conn: &Connection) -> Result<std::collections::HashMap<i64, i64>> {
    let counts = rows(
        conn,
        "SELECT actor_id, statements FROM actor_summaries",
        [],
        "the actor summaries",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(counts.into_iter().collect())
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

/// An id no actor has (SQLite numbers rows from 1): a filter on it finds nothing, as asking
/// for a listed actor the database holds nothing of yet should.
pub const NO_ACTOR: i64 = 0;

/// The actor ids a user's name means: an exact name or alias (any case) first, then a close
/// spelling of one; else an error that suggests the nearest name.
pub fn resolve_actor(conn: &Connection, name: &str) -> Result<Vec<i64>> {
    let names = actor_names(conn)?;
    if names.is_empty() {
        return Err(Error::Usage(format!(
            "no actor '{name}': no statement in the database has a speaker yet"
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
    rows(
        conn,
        "SELECT t.name, p.name, t.description, coalesce(x.statements, 0)
             FROM topics t LEFT JOIN topics p ON p.id = t.parent_id
             LEFT JOIN topic_summaries x ON x.topic_id = t.id
             ORDER BY 4 DESC, t.name",
        [],
        "the topic query",
        |r| {
            Ok(TopicRow {
                name: r.get(0)?,
                parent: r.get(1)?,
                description: r.get(2)?,
                statements: r.get(3)?,
            })
        },
    )
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

/// One statement's stance on one topic (of an actor's, given with it), for aggregation.
#[derive(Debug, Clone)]
pub struct StanceRow {
    pub statement_id: i64,
    /// Seconds since 1970 UTC.
    pub published_at: Option<i64>,
    pub stance: Stance,
    pub confidence: f64,
    /// Bytes in the statement's words, and whether a cue decided its stance: what makes a
    /// statement readable evidence.
    pub words: usize,
    pub has_cue: bool,
    /// The cue that decided the stance.
    pub cue: Option<String>,
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
        .map_err(Error::db_with(|| format!("reading {what}")))
}

/// An actor's stance on a topic as last computed over all their statements.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictRow {
    pub actor: String,
    pub topic: String,
    pub stance: String,
    pub confidence: f64,
    pub statements: i64,
    pub first_said: Option<String>,
    pub last_said: Option<String>,
    pub strongest: Option<i64>,
    /// JSON: `[{"on": "YYYY-MM-DD", "from": stance, "to": stance}]`.
    pub shifts: String,
}

/// The `WHERE` of a query over (actor, topic) pairs, `a` and `t` being the actors and topics
/// tables; empty lists do not filter.
fn pair_filter(actor_ids: &[i64], topics: &[String]) -> (String, Vec<Value>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if !actor_ids.is_empty() {
        sql.push_str(&format!(
            " AND a.id IN ({})",
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
    (sql, args)
}

/// Computed stances of the given actors on the given topics (all when empty), by actor and
/// topic name; pairs marked stale are left out: they are for the caller to compute.
pub fn stance_verdicts(
    conn: &Connection,
    actor_ids: &[i64],
    topics: &[String],
) -> Result<Vec<VerdictRow>> {
    let (filter, args) = pair_filter(actor_ids, topics);
    let sql = format!(
        "SELECT a.name, t.name, v.stance, v.confidence, v.statements, v.first_said, v.last_said,
                v.strongest, v.shifts
         FROM stance_verdicts v
         JOIN actors a ON a.id = v.actor_id
         JOIN topics t ON t.id = v.topic_id
         {filter} AND NOT EXISTS (SELECT 1 FROM stale_verdicts x
                                   WHERE x.actor_id = v.actor_id AND x.topic_id = v.topic_id)
         ORDER BY a.name, t.name"
    );
    rows(
        conn,
        &sql,
        params_from_iter(args),
        "the stance summary",
        |r| {
            Ok(VerdictRow {
                actor: r.get(0)?,
                topic: r.get(1)?,
                stance: r.get(2)?,
                confidence: r.get(3)?,
                statements: r.get(4)?,
                first_said: r.get(5)?,
                last_said: r.get(6)?,
                strongest: r.get(7)?,
                shifts: r.get(8)?,
            })
        },
    )
}

/// A pair whose stance must be computed again.
#[derive(Debug, Clone, PartialEq)]
pub struct StalePair {
    pub actor_id: i64,
    pub topic_id: i64,
    pub topic: String,
    /// The earliest time (seconds) of the evidence it was given since it was computed;
    /// none: compute it from the start.
    pub resume: Option<i64>,
}

/// Pairs whose stance must be computed again, by actor.
pub fn stale_pairs(
    conn: &Connection,
    actor_ids: &[i64],
    topics: &[String],
) -> Result<Vec<StalePair>> {
    let (filter, args) = pair_filter(actor_ids, topics);
    let sql = format!(
        "SELECT a.id, t.id, t.name, x.resume FROM stale_verdicts x
         JOIN actors a ON a.id = x.actor_id
         JOIN topics t ON t.id = x.topic_id
         {filter} ORDER BY a.id, t.name"
    );
    rows(
        conn,
        &sql,
        params_from_iter(args),
        "the stale stances",
        |r| {
            Ok(StalePair {
                actor_id: r.get(0)?,
                topic_id: r.get(1)?,
                topic: r.get(2)?,
                resume: r.get(3)?,
            })
        },
    )
}

/// Where computing an actor's stances on the given topics stopped: (topic id, the time of
/// the last evidence read, the state), for those that have been computed.
pub fn stance_progress(
    conn: &Connection,
    actor_id: i64,
    topic_ids: &[i64],
) -> Result<Vec<(i64, KeptProgress)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT through, state FROM stance_progress WHERE actor_id = ?1 AND topic_id = ?2",
        )
        .map_err(Error::db("preparing the stances' progress"))?;
    let mut out = Vec::new();
    for &topic in topic_ids {
        let row = stmt
            .query_row(rusqlite::params![actor_id, topic], |r| {
                // Kept deflated; as JSON text by whosaid before.
                let state = match r.get_ref(1)? {
                    rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                        b.to_vec()
                    }
                    _ => Vec::new(),
                };
                Ok((r.get(0)?, state))
            })
            .optional()
            .map_err(Error::db("reading the stances' progress"))?;
        if let Some((through, state)) = row {
            out.push((topic, (through, state)));
        }
    }
    Ok(out)
}

/// Where computing a stance stopped: the time of the last evidence read, and the state.
pub type KeptProgress = (Option<i64>, Vec<u8>);

/// Keeps (`Some`) where computing a stance stopped, by topic id; `None`: the pair has no
/// evidence left, and its stance and progress go (inside the caller's transaction).
pub fn put_progress(
    conn: &Connection,
    actor_id: i64,
    progress: &[(i64, Option<KeptProgress>)],
) -> Result<()> {
    let mut put = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO stance_progress (actor_id, topic_id, through, state)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(Error::db("preparing the stances' progress"))?;
    let mut forget = conn
        .prepare_cached("DELETE FROM stance_progress WHERE actor_id = ?1 AND topic_id = ?2")
        .map_err(Error::db("preparing the stances' progress"))?;
    let mut no_stance = conn
        .prepare_cached("DELETE FROM stance_verdicts WHERE actor_id = ?1 AND topic_id = ?2")
        .map_err(Error::db("preparing the stances' progress"))?;
    for (topic, kept) in progress {
        match kept {
            Some((through, state)) => {
                put.execute(rusqlite::params![actor_id, topic, through, state])
            }
            None => forget
                .execute(rusqlite::params![actor_id, topic])
                .and_then(|_| no_stance.execute(rusqlite::params![actor_id, topic])),
        }
        .map_err(Error::db("storing the stances' progress"))?;
    }
    Ok(())
}

/// Stores computed stances (inside the caller's transaction, which must have read the
/// evidence under the same lock and clears the stale marks).
pub fn put_verdicts(conn: &Connection, verdicts: &[(i64, VerdictRow)]) -> Result<()> {
    let mut put = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO stance_verdicts
                 (actor_id, topic_id, stance, confidence, statements, first_said, last_said,
                  strongest, shifts)
             SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM topics WHERE name = ?2",
        )
        .map_err(Error::db("preparing the stance summary"))?;
    for (actor_id, v) in verdicts {
        put.execute(rusqlite::params![
            actor_id,
            v.topic,
            v.stance,
            v.confidence,
            v.statements,
            v.first_said,
            v.last_said,
            v.strongest,
            v.shifts
        ])
        .map_err(Error::db("storing a stance"))?;
    }
    Ok(())
}

/// Clears the stale marks of an actor's topics (inside the caller's transaction).
pub fn clear_stale(conn: &Connection, actor_id: i64, topics: &[i64]) -> Result<()> {
    let mut clear = conn
        .prepare_cached("DELETE FROM stale_verdicts WHERE actor_id = ?1 AND topic_id = ?2")
        .map_err(Error::db("preparing the stance summary"))?;
    for t in topics {
        clear
            .execute(rusqlite::params![actor_id, t])
            .map_err(Error::db("storing a stance"))?;
    }
    Ok(())
}

/// Every stance of an actor's statements (words, not scare-quoted terms), in time order,
/// handed to `f` with its topic id.
/// `whole`: with the words' length and the cue; without, only what a timeline needs (time,
/// stance, confidence), read faster.
pub fn each_stance_row(
    conn: &Connection,
    actor_id: i64,
    after: Option<i64>,
    mut f: impl FnMut(i64, StanceRow),
) -> Result<()> {
    let what = "the stance query";
    // Two texts, so that evidence after a time is a range of the actor's time index.
    const ROWS: &str = "SELECT st.topic_id, s.id, s.published_at, st.stance_code,
                               st.confidence_pct,
                               coalesce(length(CAST(s.quote AS BLOB)), s.end - s.start),
                               coalesce(st.cue, '') != '', st.cue
                        FROM statements s
                        JOIN statement_topics st ON st.statement_id = s.id
                        WHERE s.actor_id = ?1 AND s.kind_code != ?2";
    let sql = match after {
        None => format!("{ROWS} ORDER BY s.published_at, s.id"),
        Some(_) => format!("{ROWS} AND s.published_at > ?3 ORDER BY s.published_at, s.id"),
    };
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(Error::db(format!("preparing {what}")))?;
    let kind = StatementKind::Term.code();
    // The stored numbers, not the views' words: no text made and parsed for every row.
    let mut rows = match after {
        None => stmt.query(rusqlite::params![actor_id, kind]),
        Some(t) => stmt.query(rusqlite::params![actor_id, kind, t]),
    }
    .map_err(Error::db(format!("running {what}")))?;
    while let Some(r) = rows
        .next()
        .map_err(Error::db_with(|| format!("reading {what}")))?
    {
        let read = || -> rusqlite::Result<(i64, StanceRow)> {
            Ok((
                r.get(0)?,
                StanceRow {
                    statement_id: r.get(1)?,
                    published_at: r.get(2)?,
                    stance: Stance::from_code(r.get(3)?).unwrap_or(Stance::Unknown),
                    // As the `confidence` column computes it.
                    confidence: r.get::<_, i64>(4)? as f64 / 100.0,
                    words: r.get::<_, i64>(5)?.max(0) as usize,
                    has_cue: r.get(6)?,
                    cue: r.get(7)?,
                },
            ))
        };
        let (topic, row) = read().map_err(Error::db_with(|| format!("reading {what}")))?;
        f(topic, row);
    }
    Ok(())
}
