//! `whosaid report --output report.html`: one self-contained page (inline SVG, a little
//! plain JavaScript, no network) with an actor × topic heatmap of stances, a timeline of
//! each actor's statements by day with their stance changes marked, and the evidence behind
//! every cell and day: the words, the speaker as written, the post's time and title, the
//! source. Takes the filters of `quotes`' time and names; gives the file.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::{Outcome, bound};
use crate::error::{Error, Result};
use crate::model::Stance;
use crate::stance::{Evidence, Verdict, aggregate};
use crate::store::{self, Filter, StatementRow};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  whosaid report --output report.html\n  \
                        whosaid report --topic ceasefire --since 2025-03-01 --output march.html")]
pub struct ReportArgs {
    /// The page to write
    #[arg(long, short = 'o', value_name = "FILE")]
    output: std::path::PathBuf,
    /// Only these actors (repeatable) [default: every actor with a statement]
    #[arg(long, value_name = "NAME")]
    actor: Vec<String>,
    /// Only these topics (repeatable; a parent takes in its children) [default: all]
    #[arg(long, value_name = "TOPIC")]
    topic: Vec<String>,
    /// From this date (YYYY-MM-DD or RFC 3339), inclusive; stances are computed over the
    /// statements from then
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Up to this date (YYYY-MM-DD or RFC 3339), inclusive
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// At most this many statements of evidence in the page (the latest; counts and
    /// stances cover them all)
    #[arg(long, value_name = "N", default_value = "20000",
          value_parser = clap::value_parser!(u32).range(1..))]
    max_statements: u32,
}

const TEMPLATE: &str = include_str!("report.html");

pub fn run(
    conn: &Connection,
    data: &crate::data::DataFiles,
    args: &ReportArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let (actor_ids, topics) = super::actors_and_topics(conn, data, &args.actor, &args.topic)?;
    let filter = Filter {
        actor_ids: actor_ids.clone(),
        since: args.since.as_deref().map(|d| bound(d, false)).transpose()?,
        until: args.until.as_deref().map(|d| bound(d, true)).transpose()?,
        kinds: super::said_kinds(),
        topics: topics.clone(),
        attributed_only: true,
        ..Filter::default()
    };
    let windowed = filter.since.is_some() || filter.until.is_some();
    let page = Page::read(conn, &filter, windowed, args.max_statements as usize)?;
    let cells = if windowed {
        page.window_verdicts()
    } else {
        crate::pipeline::stance_table(conn, &actor_ids, &topics)?
    };
    let data = page.data(conn, &cells, args)?;
    // Inside a <script> element, "</" would end it: JSON allows "<\/".
    let json = serde_json::to_string(&data)?
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--");
    let html = TEMPLATE.replace("/*DATA*/null", &json);
    let mut file = std::fs::File::create(&args.output)
        .map_err(|e| Error::Usage(format!("cannot write {}: {e}", args.output.display())))?;
    file.write_all(html.as_bytes())
        .map_err(|e| Error::Usage(format!("cannot write {}: {e}", args.output.display())))?;
    writeln!(
        out,
        "{}: {} actors, {} topics, {} statements ({} in the page)",
        args.output.display(),
        page.actors.len(),
        page.topics.len(),
        page.total,
        page.kept.len()
    )?;
    Ok(if cells.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

/// What the page shows, read in one pass over the statements.
struct Page {
    /// Actors and topics by first appearance, with their statement counts.
    actors: Vec<(String, usize)>,
    topics: Vec<(String, usize)>,
    /// Statements per actor and day.
    days: BTreeMap<(usize, String), usize>,
    /// The latest statements, up to the page's limit.
    kept: std::collections::VecDeque<StatementRow>,
    total: usize,
    /// Evidence per actor and topic, for stances over a window of time.
    evidence: BTreeMap<(String, String), Vec<Evidence>>,
}

impl Page {
    fn read(conn: &Connection, filter: &Filter, windowed: bool, max: usize) -> Result<Page> {
        let mut page = Page {
            actors: Vec::new(),
            topics: Vec::new(),
            days: BTreeMap::new(),
            kept: Default::default(),
            total: 0,
            evidence: BTreeMap::new(),
        };
        let mut actor_index: HashMap<String, usize> = HashMap::new();
        let mut topic_index: HashMap<String, usize> = HashMap::new();
        store::each_statement(conn, filter, |row| {
            let Some(actor) = row.actor.clone() else {
                return Ok(());
            };
            page.total += 1;
            let a = *actor_index.entry(actor.clone()).or_insert_with(|| {
                page.actors.push((actor.clone(), 0));
                page.actors.len() - 1
            });
            page.actors[a].1 += 1;
            for t in &row.topics {
                let i = *topic_index.entry(t.clone()).or_insert_with(|| {
                    page.topics.push((t.clone(), 0));
                    page.topics.len() - 1
                });
                page.topics[i].1 += 1;
            }
            let day = row
                .published_at
                .as_deref()
                .and_then(|t| t.get(..10))
                .unwrap_or("")
                .to_string();
            *page.days.entry((a, day)).or_default() += 1;
            if windowed {
                for (i, t) in row.topics.iter().enumerate() {
                    let cue = row.stance_cues.get(i).cloned().unwrap_or_default();
                    page.evidence
                        .entry((actor.clone(), t.clone()))
                        .or_default()
                        .push(Evidence {
                            statement_id: row.id,
                            published_at: super::parse_time(row.published_at.as_deref()),
                            stance: row
                                .stances
                                .get(i)
                                .and_then(|s| Stance::parse(s))
                                .unwrap_or(Stance::Unknown),
                            confidence: row.confidences.get(i).copied().unwrap_or(0.0),
                            words: row.quote.len(),
                            has_cue: !cue.is_empty(),
                            cue: Some(std::sync::Arc::from(cue)),
                        });
                }
            }
            if page.kept.len() == max {
                page.kept.pop_front();
            }
            page.kept.push_back(row);
            Ok(())
        })?;
        Ok(page)
    }

    /// Each actor's stance on each topic over the statements read.
    fn window_verdicts(&self) -> Vec<(String, String, Verdict)> {
        self.evidence
            .iter()
            .map(|((a, t), e)| (a.clone(), t.clone(), aggregate(e)))
            .collect()
    }

    fn data(
        &self,
        conn: &Connection,
        cells: &[(String, String, Verdict)],
        args: &ReportArgs,
    ) -> Result<Value> {
        // Rows: the most quoted first; columns: the most discussed first.
        let mut actors: Vec<&(String, usize)> = self.actors.iter().collect();
        actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut topics: Vec<&(String, usize)> = self.topics.iter().collect();
        topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let row_of: HashMap<&str, usize> = actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.0.as_str(), i))
            .collect();
        let column_of: HashMap<&str, usize> = topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.0.as_str(), i))
            .collect();
        let by_read: HashMap<usize, usize> = self
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| (i, row_of[a.0.as_str()]))
            .collect();
        let cells: Vec<Value> = cells
            .iter()
            .filter_map(|(a, t, v)| {
                Some(json!({
                    "a": row_of.get(a.as_str())?,
                    "t": column_of.get(t.as_str())?,
                    "stance": v.stance.as_str(),
                    "confidence": v.confidence,
                    "statements": v.statements,
                    "shifts": v.shifts.iter().map(|s| json!({
                        "on": s.on, "from": s.from.as_str(), "to": s.to.as_str()
                    })).collect::<Vec<_>>(),
                }))
            })
            .collect();
        let days: Vec<Value> = self
            .days
            .iter()
            .map(|((a, day), n)| json!([by_read[a], day, n]))
            .collect();
        let mut source_urls: HashMap<String, Option<String>> = HashMap::new();
        let mut statements = Vec::with_capacity(self.kept.len());
        for s in &self.kept {
            if !source_urls.contains_key(&s.source) {
                let url: Option<String> = conn
                    .query_row(
                        "SELECT url FROM sources WHERE path = ?1 ORDER BY id DESC LIMIT 1",
                        [&s.source],
                        |r| r.get(0),
                    )
                    .unwrap_or(None);
                source_urls.insert(s.source.clone(), url);
            }
            let Some(&a) = s.actor.as_deref().and_then(|a| row_of.get(a)) else {
                continue;
            };
            statements.push(json!({
                "id": s.id,
                "a": a,
                "t": s.topics.iter().filter_map(|t| column_of.get(t.as_str())).collect::<Vec<_>>(),
                "stances": s.stances,
                "kind": s.kind,
                "words": s.quote,
                "mention": s.speaker_mention,
                "time": s.published_at,
                "title": s.post_title,
                "source": s.source,
                "url": source_urls[&s.source],
            }));
        }
        let mut filters = Vec::new();
        if !args.actor.is_empty() {
            filters.push(format!("actors: {}", args.actor.join(", ")));
        }
        if !args.topic.is_empty() {
            filters.push(format!("topics: {}", args.topic.join(", ")));
        }
        if let Some(s) = &args.since {
            filters.push(format!("since {s}"));
        }
        if let Some(u) = &args.until {
            filters.push(format!("until {u}"));
        }
        Ok(json!({
            "generated": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "database": conn.path().unwrap_or(""),
            "filters": filters.join("; "),
            "total": self.total,
            "actors": actors.iter().map(|(n, c)| json!({"name": n, "statements": c})).collect::<Vec<_>>(),
            "topics": topics.iter().map(|(n, c)| json!({"name": n, "statements": c})).collect::<Vec<_>>(),
            "cells": cells,
            "days": days,
            "statements": statements,
        }))
    }
}
