//! `whosaid stance ACTOR TOPIC`: the verdict, and every statement behind it.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::output::{OutputFormat, Records};
use super::{Outcome, bound, parse_time, time};
use crate::error::Result;
use crate::model::Stance;
use crate::stance::{Evidence, aggregate};
use crate::store::{self, Filter, StatementRow};

#[derive(Debug, Args)]
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
    /// table and json give the verdict with its evidence; csv and jsonl one evidence row each
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

/// A statement with its stance on the asked topic.
struct Item<'a> {
    row: &'a StatementRow,
    stance: Stance,
    confidence: f64,
    cue: String,
}

pub fn run(conn: &Connection, args: &StanceArgs, out: &mut dyn Write) -> Result<Outcome> {
    let actor_ids = store::resolve_actor(conn, &args.actor)?;
    let topic = store::resolve_topic(conn, &args.topic)?;
    let actor = actor_ids
        .iter()
        .map(|&id| store::actor_name(conn, id))
        .collect::<Result<Vec<_>>>()?
        .join(" / ");
    let filter = Filter {
        actor_ids,
        since: args.since.as_deref().map(|d| bound(d, false)).transpose()?,
        until: args.until.as_deref().map(|d| bound(d, true)).transpose()?,
        kinds: ["direct", "partial", "indirect", "action"]
            .map(String::from)
            .to_vec(),
        topics: vec![topic.clone()],
        exact_topics: true,
        ..Filter::default()
    };
    let rows = store::statements(conn, &filter)?;
    let items: Vec<Item> = rows
        .iter()
        .map(|row| {
            let i = row.topics.iter().position(|t| *t == topic);
            let get = |v: &Vec<String>| i.and_then(|i| v.get(i).cloned()).unwrap_or_default();
            Item {
                row,
                stance: Stance::parse(&get(&row.stances)).unwrap_or(Stance::Unknown),
                confidence: i
                    .and_then(|i| row.confidences.get(i).copied())
                    .unwrap_or(0.0),
                cue: get(&row.stance_cues),
            }
        })
        .collect();
    let evidence: Vec<Evidence> = items
        .iter()
        .map(|it| Evidence {
            statement_id: it.row.id,
            published_at: parse_time(it.row.published_at.as_deref()),
            stance: it.stance,
            confidence: it.confidence,
            words: it.row.quote.chars().count(),
            has_cue: !it.cue.is_empty(),
            cue: Some(it.cue.clone()),
        })
        .collect();
    let v = aggregate(&evidence);
    let evidence_json = |it: &Item| {
        json!({
            "id": it.row.id,
            "published_at": it.row.published_at,
            "kind": it.row.kind,
            "stance": it.stance.as_str(),
            "confidence": it.confidence,
            "cue": it.cue,
            "quote": it.row.quote,
            "context": it.row.context,
            "post_title": it.row.post_title,
            "source": it.row.source,
            "start": it.row.start,
            "end": it.row.end,
        })
    };
    let shifts: Vec<Value> = v
        .shifts
        .iter()
        .map(|s| json!({"on": s.on, "from": s.from.as_str(), "to": s.to.as_str()}))
        .collect();
    match args.format {
        OutputFormat::Json => {
            let doc = json!({
                "actor": actor,
                "topic": topic,
                "stance": v.stance.as_str(),
                "confidence": v.confidence,
                "statements": v.statements,
                "first_said": time(v.first_said),
                "last_said": time(v.last_said),
                "strongest": v.strongest,
                "shifts": shifts,
                "evidence": items.iter().map(evidence_json).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        OutputFormat::Csv | OutputFormat::Jsonl => {
            let mut r = Records::new(&[
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
            ]);
            for it in &items {
                r.rows.push(vec![
                    json!(actor),
                    json!(topic),
                    json!(v.stance.as_str()),
                    json!(it.row.id),
                    json!(it.row.published_at),
                    json!(it.row.kind),
                    json!(it.stance.as_str()),
                    json!(it.confidence),
                    json!(it.cue),
                    json!(it.row.quote),
                    json!(it.row.post_title),
                    json!(it.row.source),
                    json!(it.row.start),
                    json!(it.row.end),
                ]);
            }
            r.write(args.format, out)?;
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
            if !items.is_empty() {
                writeln!(out)?;
                let mut r = Records::new(&["id", "time", "kind", "stance", "cue", "quote", "post"]);
                for it in &items {
                    r.rows.push(vec![
                        json!(it.row.id),
                        json!(
                            it.row
                                .published_at
                                .as_deref()
                                .map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
                        ),
                        json!(it.row.kind),
                        json!(it.stance.as_str()),
                        json!(it.cue),
                        json!(it.row.quote),
                        json!(it.row.post_title),
                    ]);
                }
                r.write(OutputFormat::Table, out)?;
            }
        }
    }
    Ok(if items.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
