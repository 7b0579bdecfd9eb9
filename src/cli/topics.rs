//! `whosaid topics`: the topics, their parents and how many statements touch each.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::json;

use super::Outcome;
use super::output::{OutputFormat, Records};
use crate::error::Result;
use crate::store;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  whosaid topics\n  whosaid topics --format json")]
pub struct TopicsArgs {
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(conn: &Connection, args: &TopicsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let rows = store::topics(conn)?;
    let mut r = Records::new(&["topic", "parent", "statements", "description"]);
    for t in &rows {
        r.rows.push(vec![
            json!(t.name),
            json!(t.parent),
            json!(t.statements),
            json!(t.description),
        ]);
    }
    r.write(args.format, out)?;
    Ok(if rows.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
