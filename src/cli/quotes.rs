//! `whosaid quotes`: statements matching the filters, in any output format.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::output::{OutputFormat, RowWriter};
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
    let filter = args.filter.filter(conn)?;
    let table = args.format == OutputFormat::Table;
    let columns: &[&'static str] = if table { &TABLE_COLUMNS } else { &FULL_COLUMNS };
    let mut w = RowWriter::new(args.format, columns, out);
    store::each_statement(conn, &filter, |s| {
        w.push(if table { table_row(&s) } else { full_row(&s) })
    })?;
    Ok(if w.finish()? == 0 {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

const TABLE_COLUMNS: [&str; 6] = ["id", "time", "actor", "kind", "quote", "topics"];

fn table_row(s: &StatementRow) -> Vec<Value> {
    let time = s
        .published_at
        .as_deref()
        .map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
        .unwrap_or_default();
    vec![
        json!(s.id),
        json!(time),
        json!(s.actor.as_deref().unwrap_or("?")),
        json!(s.kind),
        json!(s.quote),
        json!(s.topics.join(";")),
    ]
}

/// Every column, in the export's order: the contract of `export` and of csv/json output.
pub const FULL_COLUMNS: [&str; 16] = [
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
];

pub fn full_row(s: &StatementRow) -> Vec<Value> {
    let joined = |v: &[String]| Value::String(v.join(";"));
    vec![
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
    ]
}
