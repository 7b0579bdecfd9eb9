//! `whosaid stance ACTOR TOPIC`: the verdict, and every statement behind it.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::output::{OutputFormat, RowWriter};
use super::{Outcome, bound, parse_time, time};
use crate::error::Result;
use crate::model::Stance;
use crate::stance::{Evidence, aggregate};
use crate::store::{self, Filter, StatementRow};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid stance Starmer ceasefire\n  whosaid stance zelensky \"frozen assets\" --since 2025-03-01 --limit 20"
)]
pub struct StanceArgs {
    /// The actor: a name, alias or close spelling
    actor: String,
    /// The topic (see `whosaid topics`)
    topic: String,
    /// From this date (YYYY-MM-DD or RFC 3339), inclusive
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Up to this date (YYYY-MM-DD or RFC 3339), inclusive
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Show at most this many statements of the evidence (the verdict weighs them all)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,
    /// table and json give the verdict with its evidence; csv and jsonl one evidence row each
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

/// A statement's stance on the asked topic.
struct Item {
    stance: Stance,
    confidence: f64,
    cue: String,
}

impl Item {
    fn of(row: &StatementRow, topic: &str) -> Item {
        let i = row.topics.iter().position(|t| t == topic);
        let get = |v: &Vec<String>| i.and_then(|i| v.get(i).cloned()).unwrap_or_default();
        Item {
            stance: Stance::parse(&get(&row.stances)).unwrap_or(Stance::Unknown),
            confidence: i
                .and_then(|i| row.confidences.get(i).copied())
                .unwrap_or(0.0),
            cue: get(&row.stance_cues),
        }
    }
}

pub fn run(
    conn: &Connection,
    data: &crate::data::DataFiles,
    args: &StanceArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let actor_ids = super::resolve_actor(conn, data, &args.actor)?;
    let topic = store::resolve_topic(conn, &args.topic)?;
    let actor = actor_ids
        .iter()
        .map(|&id| super::actor_name(conn, data, id, &args.actor))
        .collect::<Result<Vec<_>>>()?
        .join(" / ");
    let filter = Filter {
        actor_ids: actor_ids.clone(),
        since: args.since.as_deref().map(|d| bound(d, false)).transpose()?,
        until: args.until.as_deref().map(|d| bound(d, true)).transpose()?,
        kinds: super::said_kinds(),
        topics: vec![topic.clone()],
        exact_topics: true,
        ..Filter::default()
    };
    // The verdict over all time is the stored one; over a window of time it is computed
    // from the window's evidence (a first pass that keeps no words).
    let stored = if filter.since.is_none() && filter.until.is_none() {
        let table = crate::pipeline::stance_table(conn, &actor_ids, std::slice::from_ref(&topic))?;
        match <[_; 1]>::try_from(table) {
            Ok([(_, _, v)]) => Some(v),
            Err(_) => None,
        }
    } else {
        None
    };
    let v = match stored {
        Some(v) => v,
        None => {
            let mut evidence = Vec::new();
            store::each_statement(conn, &filter, |row| {
                let it = Item::of(&row, &topic);
                evidence.push(Evidence {
                    statement_id: row.id,
                    published_at: parse_time(row.published_at.as_deref()),
                    stance: it.stance,
                    confidence: it.confidence,
                    words: row.quote.len(),
                    has_cue: !it.cue.is_empty(),
                    cue: Some(std::sync::Arc::from(it.cue)),
                });
                Ok(())
            })?;
            aggregate(&evidence)
        }
    };
    let shown = Filter {
        limit: args.limit.map(|n| n as usize),
        ..filter
    };
    let evidence_json = |row: &StatementRow, it: &Item| {
        json!({
            "id": row.id,
            "published_at": row.published_at,
            "kind": row.kind,
            "stance": it.stance.as_str(),
            "confidence": it.confidence,
            "cue": it.cue,
            "quote": row.quote,
            "context": row.context,
            "post_title": row.post_title,
            "source": row.source,
            "start": row.start,
            "end": row.end,
        })
    };
    let shifts: Vec<Value> = v
        .shifts
        .iter()
        .map(|s| json!({"on": s.on, "from": s.from.as_str(), "to": s.to.as_str()}))
        .collect();
    let found = match args.format {
        OutputFormat::Json => {
            let head = json!({
                "actor": actor,
                "topic": topic,
                "stance": v.stance.as_str(),
                "confidence": v.confidence,
                "statements": v.statements,
                "first_said": time(v.first_said),
                "last_said": time(v.last_said),
                "strongest": v.strongest,
                "shifts": shifts,
            });
            // The head as serde writes it, then the evidence streamed into it in the same
            // layout, so a verdict over many statements is not held whole.
            let head = serde_json::to_string_pretty(&head)?;
            out.write_all(head.trim_end_matches(['\n', '}']).as_bytes())?;
            out.write_all(b",\n  \"evidence\": [")?;
            let mut first = true;
            let n = store::each_statement(conn, &shown, |row| {
                let it = Item::of(&row, &topic);
                let pretty = serde_json::to_string_pretty(&evidence_json(&row, &it))?;
                out.write_all(if first { b"\n" } else { b",\n" })?;
                first = false;
                // JSON strings escape their line breaks: every line is the object's own.
                for (i, line) in pretty.lines().enumerate() {
                    if i > 0 {
                        out.write_all(b"\n")?;
                    }
                    write!(out, "    {line}")?;
                }
                Ok(())
            })?;
            out.write_all(if n == 0 { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
            n
        }
        OutputFormat::Csv | OutputFormat::Jsonl => {
            let mut w = RowWriter::new(
                args.format,
                &[
                    "actor",
                    "topic",
                    "verdict",
                    "id",
                    "published_at",
                    "kind",
                    "stance",
                    "confidence",
                    "cue",
                    "quote",
                    "post_title",
                    "source",
                    "start",
                    "end",
                ],
                out,
            );
            store::each_statement(conn, &shown, |row| {
                let it = Item::of(&row, &topic);
                w.push(vec![
                    json!(actor),
                    json!(topic),
                    json!(v.stance.as_str()),
                    json!(row.id),
                    json!(row.published_at),
                    json!(row.kind),
                    json!(it.stance.as_str()),
                    json!(it.confidence),
                    json!(it.cue),
                    json!(row.quote),
                    json!(row.post_title),
                    json!(row.source),
                    json!(row.start),
                    json!(row.end),
                ])
            })?;
            w.finish()?
        }
        OutputFormat::Table => {
            writeln!(
                out,
                "{actor} on {topic}: {} (confidence {:.2})",
                v.stance.as_str(),
                v.confidence
            )?;
            let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "?".into())
            };
            write!(out, "{} statements", v.statements)?;
            if v.statements > 0 {
                write!(out, ", {} to {}", day(v.first_said), day(v.last_said))?;
            }
            if let Some(id) = v.strongest {
                write!(out, "; strongest evidence #{id}")?;
            }
            writeln!(out)?;
            for s in &v.shifts {
                writeln!(
                    out,
                    "changed on {}: {} -> {}",
                    s.on,
                    s.from.as_str(),
                    s.to.as_str()
                )?;
            }
            if v.statements > 0 {
                writeln!(out)?;
                let mut w = RowWriter::new(
                    OutputFormat::Table,
                    &["id", "time", "kind", "stance", "cue", "quote", "post"],
                    out,
                );
                store::each_statement(conn, &shown, |row| {
                    let it = Item::of(&row, &topic);
                    w.push(vec![
                        json!(row.id),
                        json!(
                            row.published_at
                                .as_deref()
                                .map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
                        ),
                        json!(row.kind),
                        json!(it.stance.as_str()),
                        json!(it.cue),
                        json!(row.quote),
                        json!(row.post_title),
                    ])
                })?;
                w.finish()?
            } else {
                0
            }
        }
    };
    Ok(if found == 0 {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
