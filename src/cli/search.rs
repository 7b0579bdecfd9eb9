//! `whosaid search WORDS`: statements whose words, or the sentence around them, hold the
//! words searched for, with the filters and formats of `quotes`; the table marks the words
//! found. The full-text index finds the candidates; each is checked for the words in order.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::output::{Field, OutputFormat, RowWriter};
use super::quotes::{FULL_COLUMNS, full_fields, full_values};
use super::{FilterArgs, Outcome};
use crate::error::{Error, Result};
use crate::store::{self, StatementRow};
use crate::text::search::{WordSearch, mark, snippet};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  whosaid search \"frozen assets\"\n  \
                        whosaid search ceasefire --actor Zelensky --since 2025-03-01\n  \
                        whosaid search --fts \"truce OR ceasefire NOT energy\" --format csv")]
pub struct SearchArgs {
    /// The words to find, in this order (case, plurals and possessives folded)
    #[arg(value_name = "WORDS")]
    query: String,
    /// WORDS is a query in SQLite FTS5 syntax (AND, OR, NOT, "prefix"*), run on the index
    /// as it is; phrases and NEAR are not indexed
    #[arg(long)]
    fts: bool,
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

const TABLE_COLUMNS: [&str; 7] = [
    "id",
    "time",
    "actor",
    "kind",
    "quote",
    "in context",
    "topics",
];

pub fn run(
    conn: &Connection,
    data: &crate::data::DataFiles,
    args: &SearchArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let (words, index_query) = if args.fts {
        (WordSearch::terms(&args.query), args.query.clone())
    } else {
        let words = WordSearch::phrase(&args.query)
            .ok_or_else(|| Error::Usage(format!("'{}' has no words to search for", args.query)))?;
        let q = words.index_query();
        (Some(words), q)
    };
    store::check_search(conn, &index_query)?;
    let mut filter = args.filter.filter(conn, data)?;
    filter.search = Some(index_query);
    // Candidates the words turn out not to be in (in order) are dropped, so the limit
    // counts what is shown, not what the index gave.
    let limit = if args.fts { None } else { filter.limit.take() };
    let table = args.format == OutputFormat::Table;
    let mut columns: Vec<&'static str> = if table {
        TABLE_COLUMNS.to_vec()
    } else {
        FULL_COLUMNS.to_vec()
    };
    if !table {
        columns.push("matched_in");
    }
    let mut w = RowWriter::new(args.format, &columns, out);
    let mut joined: [String; 4] = Default::default();
    let mut shown = 0usize;
    store::each_statement_while(conn, &filter, |s| {
        let (in_words, in_context) = match &words {
            Some(words) => (words.find(&s.quote), words.find(&s.context)),
            None => (Vec::new(), Vec::new()),
        };
        if !args.fts && in_words.is_empty() && in_context.is_empty() {
            return Ok(true);
        }
        shown += 1;
        let more = limit.is_none_or(|n| shown < n);
        if table {
            return w.push(table_row(&s, &in_words, &in_context)).map(|()| more);
        }
        let matched_in = match (in_words.is_empty(), in_context.is_empty()) {
            (false, _) => "words",
            (true, false) => "context",
            // An index query whose terms cannot be told apart in the text (a NOT alone).
            (true, true) => "",
        };
        if args.format == OutputFormat::Csv {
            let mut fields: Vec<Field<'_>> = Vec::from(full_fields(&s, &mut joined));
            fields.push(Field::Text(matched_in));
            w.push_fields(&fields).map(|()| more)
        } else {
            let mut values = full_values(&s);
            values.push(json!(matched_in));
            w.push(values).map(|()| more)
        }
    })?;
    Ok(if w.finish()? == 0 {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

/// The quote with the words marked; when they are only in the sentence around it, the
/// part of the sentence that holds them.
fn table_row(
    s: &StatementRow,
    in_words: &[std::ops::Range<usize>],
    in_context: &[std::ops::Range<usize>],
) -> Vec<Value> {
    let time = s
        .published_at
        .as_deref()
        .map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
        .unwrap_or_default();
    let context = if in_words.is_empty() {
        snippet(&s.context, in_context, 16)
    } else {
        String::new()
    };
    vec![
        json!(s.id),
        json!(time),
        json!(s.actor.as_deref().unwrap_or("?")),
        json!(s.kind),
        json!(mark(&s.quote, in_words)),
        json!(context),
        json!(s.topics.join(";")),
    ]
}
