//! `whosaid actors`: who has statements, how many, and over what time.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::json;

use super::Outcome;
use super::output::{OutputFormat, Records};
use crate::error::Result;
use crate::store;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  whosaid actors\n  whosaid actors --format csv > actors.csv")]
pub struct ActorsArgs {
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(conn: &Connection, args: &ActorsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let rows = store::actors(conn)?;
    let mut r = Records::new(&[
        "actor",
        "statements",
        "first_said",
        "last_said",
        "country",
        "discovered",
    ]);
    for a in &rows {
        r.rows.push(vec![
            json!(a.name),
            json!(a.statements),
            json!(a.first_said),
            json!(a.last_said),
            json!(a.country),
            json!(a.discovered),
        ]);
    }
    r.write(args.format, out)?;
    Ok(if rows.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
