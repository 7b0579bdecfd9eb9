//! `whosaid quotes`: statements matching the filters, in any output format.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::output::{Field, OutputFormat, RowWriter};
use super::{FilterArgs, Outcome};
use crate::error::Result;
use crate::store::{self, StatementRow};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid quotes --actor zelensky --limit 10\n  whosaid quotes --topic ceasefire --since 2025-03-01 --kind direct --format csv"
)]
pub struct QuotesArgs {
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(
    conn: &Connection,
    data: &crate::data::DataFiles,
    args: &QuotesArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let filter = args.filter.filter(conn, data)?;
    let table = args.format == OutputFormat::Table;
    let columns: &[&'static str] = if table { &TABLE_COLUMNS } else { &FULL_COLUMNS };
    let mut w = RowWriter::new(args.format, columns, out);
    let mut joined: [String; 4] = Default::default();
    store::each_statement(conn, &filter, |s| match args.format {
        OutputFormat::Table => w.push(table_row(&s)),
        OutputFormat::Csv => w.push_fields(&full_fields(&s, &mut joined)),
        OutputFormat::Json | OutputFormat::Jsonl => w.push(full_values(&s)),
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

/// A statement as JSON, in the export's columns: numbers as numbers, and the topics with
/// their stances, confidences and cues as arrays, index for index.
pub fn full_values(s: &StatementRow) -> Vec<Value> {
    vec![
        json!(s.id),
        json!(s.published_at),
        json!(s.actor),
        json!(s.kind),
        json!(s.quote),
        json!(s.context),
        json!(s.topics),
        json!(s.stances),
        json!(s.source),
        json!(s.start),
        json!(s.end),
        json!(s.post_title),
        json!(s.speaker_mention),
        json!(s.cue),
        json!(s.confidences),
        json!(
            s.stance_cues
                .iter()
                .map(|c| (!c.is_empty()).then_some(c.as_str()))
                .collect::<Vec<_>>()
        ),
    ]
}

/// `{c:.2}` for a confidence, which is stored in hundredths (0 to 1, so two decimals say
/// it exactly), without the formatting machinery: an export writes one or more a row.
fn push_hundredths(out: &mut String, c: f64) {
    let hundredths = (c * 100.0).round();
    if !(0.0..=100.0).contains(&hundredths) || hundredths / 100.0 != c {
        out.push_str(&format!("{c:.2}"));
        return;
    }
    let n = hundredths as u8;
    out.push(char::from(b'0' + n / 100));
    out.push('.');
    out.push(char::from(b'0' + n / 10 % 10));
    out.push(char::from(b'0' + n % 10));
}

/// The export's cells of a statement; lists are joined with ';'.
pub fn full_fields<'a>(s: &'a StatementRow, joined: &'a mut [String; 4]) -> [Field<'a>; 16] {
    joined[0] = s.topics.join(";");
    joined[1] = s.stances.join(";");
    joined[2].clear();
    for (i, &c) in s.confidences.iter().enumerate() {
        if i > 0 {
            joined[2].push(';');
        }
        push_hundredths(&mut joined[2], c);
    }
    joined[3] = s.stance_cues.join(";");
    let text = |t: &'a Option<String>| t.as_deref().map_or(Field::Null, Field::Text);
    let [topics, stances, confidences, cues] = joined;
    [
        Field::Int(s.id),
        text(&s.published_at),
        text(&s.actor),
        Field::Text(&s.kind),
        Field::Text(&s.quote),
        Field::Text(&s.context),
        Field::Text(topics),
        Field::Text(stances),
        Field::Text(&s.source),
        Field::Int(s.start),
        Field::Int(s.end),
        text(&s.post_title),
        text(&s.speaker_mention),
        text(&s.cue),
        Field::Text(confidences),
        Field::Text(cues),
    ]
}

#[cfg(test)]
mod tests {
    use super::push_hundredths;

    #[test]
    fn confidences_are_written_as_the_formatter_writes_them() {
        let stored = (0..=100).map(|pct| pct as f64 / 100.0);
        let others = [0.125, 0.005, 1.5, -0.25, 0.333_333, f64::NAN, f64::INFINITY];
        for c in stored.chain(others) {
            let mut out = String::new();
            push_hundredths(&mut out, c);
            assert_eq!(out, format!("{c:.2}"), "{c}");
        }
    }
}
