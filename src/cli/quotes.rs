//! `whosaid quotes`: statements matching the filters, in any output format.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::output::{OutputFormat, Records};
use super::{FilterArgs, Outcome};
use crate::error::Result;
use crate::store::{self, StatementRow};

#[derive(Debug, Args)]
pub struct QuotesArgs {
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(conn: &Connection, args: &QuotesArgs, out: &mut dyn Write) -> Result<Outcome> {
    let rows = store::statements(conn, &args.filter.filter(conn)?)?;
    let records = if args.format == OutputFormat::Table {
        table(&rows)
    } else {
        full(&rows)
    };
    records.write(args.format, out)?;
    Ok(if rows.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

fn table(rows: &[StatementRow]) -> Records {
    let mut r = Records::new(&["id", "time", "actor", "kind", "quote", "topics"]);
    for s in rows {
        let time = s
            .published_at
            .as_deref()
            .map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
            .unwrap_or_default();
        r.rows.push(vec![
            json!(s.id),
            json!(time),
            json!(s.actor.clone().unwrap_or_else(|| "?".into())),
            json!(s.kind),
            json!(s.quote),
            json!(s.topics.join(";")),
        ]);
    }
    r
}

/// Every column, in the export's order: the contract of `export` and of csv/json output.
pub fn full(rows: &[StatementRow]) -> Records {
    let mut r = Records::new(&[
        "id",
        "published_at",
        "actor",
        "kind",
        "quote",
        "context",
        "topics",
        "stance",
        "source",
        "start",
        "end",
        "post_title",
        "speaker_mention",
        "cue",
        "stance_confidence",
        "stance_cue",
    ]);
    for s in rows {
        let joined = |v: &[String]| Value::String(v.join(";"));
        r.rows.push(vec![
            json!(s.id),
            json!(s.published_at),
            json!(s.actor),
            json!(s.kind),
            json!(s.quote),
            json!(s.context),
            joined(&s.topics),
            joined(&s.stances),
            json!(s.source),
            json!(s.start),
            json!(s.end),
            json!(s.post_title),
            json!(s.speaker_mention),
            json!(s.cue),
            Value::String(
                s.confidences
                    .iter()
                    .map(|c| format!("{c:.2}"))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            joined(&s.stance_cues),
        ]);
    }
    r
}
