//! `whosaid export`: statements as CSV, to a file or stdout.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;

use super::{FilterArgs, Outcome, quotes};
use crate::error::{Error, Result};
use crate::store;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Write here instead of stdout
    #[arg(long, short, value_name = "FILE")]
    output: Option<String>,
}

pub fn run(conn: &Connection, args: &ExportArgs, out: &mut dyn Write) -> Result<Outcome> {
    let rows = store::statements(conn, &args.filter.filter(conn)?)?;
    let records = quotes::full(&rows);
    match &args.output {
        None => records.csv(out)?,
        Some(path) => {
            // Written beside the target and renamed, so a failed export leaves no half file.
            let tmp = format!("{path}.partial");
            let io = |source| Error::Io {
                path: path.clone(),
                source,
            };
            let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
            records.csv(&mut file)?;
            file.flush().map_err(io)?;
            drop(file);
            std::fs::rename(&tmp, path).map_err(io)?;
            writeln!(out, "{path}: {} statements", rows.len())?;
        }
    }
    Ok(if rows.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
