//! One statement with everything stored behind it: the post and source it came from, the
//! paragraph around its words, its speaker and the speaker's names, its topics and stances.
//! Takes a statement id; gives a [`Provenance`] (or nothing for an id not stored).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::query::TextCache;
use crate::error::{Error, Result};

/// How far either side of a statement its paragraph is looked for: a paragraph longer than
/// this is shown cut (a live-blog paragraph is a few hundred bytes).
const PARAGRAPH_REACH: i64 = 4096;

#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub id: i64,
    pub kind: String,
    /// The words, as stored (joined when a quote runs over its attribution).
    pub words: String,
    /// Byte offsets of the words in the source text.
    pub start: i64,
    pub end: i64,
    pub context: String,
    pub context_start: i64,
    pub context_end: i64,
    /// The paragraph (line) of the post's text the words start in, with its offsets.
    pub paragraph: String,
    pub paragraph_start: i64,
    pub paragraph_end: i64,
    pub speaker_mention: Option<String>,
    pub cue: Option<String>,
    pub actor: Option<ProvenanceActor>,
    pub topics: Vec<ProvenanceTopic>,
    pub post: ProvenancePost,
    pub source: ProvenanceSource,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceActor {
    pub name: String,
    pub country: Option<String>,
    pub wikidata: Option<String>,
    /// Found in the text, not in the actor list.
    pub discovered: bool,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceTopic {
    pub topic: String,
    pub parent: Option<String>,
    pub stance: String,
    pub confidence: f64,
    /// The words that decided the stance.
    pub stance_cue: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvenancePost {
    pub id: i64,
    /// Its place in the source, from 1.
    pub number: i64,
    pub published_at: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub role: Option<String>,
    pub url: Option<String>,
    pub body_start: i64,
    pub body_end: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceSource {
    pub id: i64,
    pub path: String,
    pub url: Option<String>,
    pub content_hash: String,
    pub format: String,
    pub published_on: Option<String>,
    pub ingested_at: String,
}

/// The statement `id` with its provenance; `None` when no statement has that id.
pub fn provenance(conn: &Connection, id: i64) -> Result<Option<Provenance>> {
    let what = "the statement";
    let failed = || Error::db(format!("reading {what} {id}"));
    let row = conn
        .query_row(
            "SELECT s.kind, s.quote, s.start, s.end, s.context, s.context_start, s.context_end,
                    s.speaker_mention, s.cue, s.actor_id,
                    p.id, p.seq, p.published_at, p.title, p.title_start, p.title_end, p.author,
                    p.role, p.url, p.body_start, p.body_end,
                    r.id, r.path, r.url, r.content_hash, r.format, r.published_on, r.ingested_at
             FROM statements s
             JOIN posts p ON p.id = s.post_id
             JOIN sources r ON r.id = p.source_id
             WHERE s.id = ?1",
            [id],
            |r| {
                Ok((
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, Option<i64>>(9)?,
                    ),
                    (
                        r.get::<_, i64>(10)?,
                        r.get::<_, i64>(11)?,
                        r.get::<_, Option<String>>(12)?,
                        r.get::<_, Option<String>>(13)?,
                        r.get::<_, Option<i64>>(14)?,
                        r.get::<_, Option<i64>>(15)?,
                        r.get::<_, Option<String>>(16)?,
                        r.get::<_, Option<String>>(17)?,
                        r.get::<_, Option<String>>(18)?,
                        r.get::<_, i64>(19)?,
                        r.get::<_, i64>(20)?,
                    ),
                    ProvenanceSource {
                        id: r.get(21)?,
                        path: r.get(22)?,
                        url: r.get(23)?,
                        content_hash: r.get(24)?,
                        format: r.get(25)?,
                        published_on: r.get(26)?,
                        ingested_at: r.get(27)?,
                    },
                ))
            },
        )
        .optional()
        .map_err(failed())?;
    let Some((s, p, source)) = row else {
        return Ok(None);
    };
    let (kind, quote, start, end, context, context_start, context_end, mention, cue, actor_id) = s;
    let (post_id, seq, published_at, title, title_start, title_end, author, role, url, b0, b1) = p;
    let mut texts = TextCache::default();
    let mut text = |a: i64, b: i64| texts.get(conn, source.id, a, b).map_err(failed());
    let words = match quote {
        Some(w) => w,
        None => text(start, end)?,
    };
    let context = match context {
        Some(w) => w,
        None => text(context_start, context_end)?,
    };
    let title = match (title, title_start, title_end) {
        (Some(t), _, _) => Some(t),
        (None, Some(a), Some(b)) => Some(text(a, b)?),
        _ => None,
    };
    // The paragraph: the line of the post's text the words start in (every format stores a
    // paragraph as a line of its text).
    let (from, to) = (
        b0.max(start - PARAGRAPH_REACH).min(start),
        b1.min(end.max(start) + PARAGRAPH_REACH).max(end),
    );
    let around = text(from, to)?;
    let at = (start - from).clamp(0, around.len() as i64) as usize;
    let line_start = around[..floor(&around, at)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let until = (end - from).clamp(at as i64, around.len() as i64) as usize;
    let mut line_end = around[floor(&around, until)..]
        .find('\n')
        .map_or(around.len(), |i| floor(&around, until) + i);
    // Words that run over a paragraph break (a quote joined over two) keep both.
    if line_end < until {
        line_end = until;
    }
    let paragraph = around[line_start..floor(&around, line_end)]
        .trim_end()
        .to_string();
    let paragraph_start = from + line_start as i64;
    let actor = match actor_id {
        None => None,
        Some(a) => Some(actor_of(conn, a).map_err(failed())?),
    };
    let mut stmt = conn
        .prepare_cached(
            "SELECT t.name, (SELECT name FROM topics WHERE id = t.parent_id), st.stance,
                    st.confidence, st.cue
             FROM statement_topics st JOIN topics t ON t.id = st.topic_id
             WHERE st.statement_id = ?1
             ORDER BY st.confidence DESC, t.name",
        )
        .map_err(failed())?;
    let topics = stmt
        .query_map([id], |r| {
            Ok(ProvenanceTopic {
                topic: r.get(0)?,
                parent: r.get(1)?,
                stance: r.get(2)?,
                confidence: r.get(3)?,
                stance_cue: r.get::<_, Option<String>>(4)?.filter(|c| !c.is_empty()),
            })
        })
        .map_err(failed())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(failed())?;
    Ok(Some(Provenance {
        id,
        kind,
        words,
        start,
        end,
        context,
        context_start,
        context_end,
        paragraph_end: paragraph_start + paragraph.len() as i64,
        paragraph,
        paragraph_start,
        speaker_mention: mention,
        cue,
        actor,
        topics,
        post: ProvenancePost {
            id: post_id,
            number: seq + 1,
            published_at,
            title,
            author,
            role,
            url,
            body_start: b0,
            body_end: b1,
        },
        source,
    }))
}

/// The highest char boundary at or below `i`.
fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn actor_of(conn: &Connection, id: i64) -> rusqlite::Result<ProvenanceActor> {
    let (name, country, wikidata, discovered) = conn.query_row(
        "SELECT name, country, wikidata, discovered FROM actors WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)? != 0,
            ))
        },
    )?;
    let mut stmt =
        conn.prepare_cached("SELECT alias FROM aliases WHERE actor_id = ?1 ORDER BY alias")?;
    let aliases = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ProvenanceActor {
        name,
        country,
        wikidata,
        discovered,
        aliases,
    })
}
