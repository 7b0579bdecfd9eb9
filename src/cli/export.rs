//! `whosaid export`: every column of the statements as CSV, JSON or JSON Lines, to a file
//! (written whole or not at all) or stdout.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;

use super::output::{OutputFormat, RowWriter};
use super::{FilterArgs, Outcome, quotes};
use crate::error::{Error, Result};
use crate::store;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid export --output quotes.csv\n  whosaid export --actor Starmer --format jsonl | jq .quote"
)]
pub struct ExportArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Write here instead of stdout
    #[arg(long, short, value_name = "FILE")]
    output: Option<String>,
    /// csv (lists joined with ';'), json or jsonl (lists as arrays, numbers as numbers)
    #[arg(long, value_enum, default_value = "csv")]
    format: ExportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
    Jsonl,
}

/// Writes a file through `write`. A regular file (or a new one) is written beside itself and
/// renamed over, so a failed export leaves no half file and no `.partial`; a device, a FIFO
/// or a link's target is written through as it is. Every failure names the file.
fn write_file(path: &str, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_string(),
        source,
    };
    // What the path leads to, links followed: only a regular file, or nothing yet, is
    // replaced.
    let through = std::fs::metadata(path)
        .map(|m| !m.file_type().is_file())
        .unwrap_or(false)
        || std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let named = |e: Error| match e {
        Error::Output(source) | Error::Io { source, .. } => io(source),
        other => other,
    };
    if through {
        let mut file = std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(io)?,
        );
        write(&mut file).map_err(named)?;
        return file.flush().map_err(io);
    }
    let tmp = format!("{path}.partial");
    let written = (|| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
        write(&mut file).map_err(named)?;
        file.flush().map_err(io)?;
        file.into_inner()
            .map_err(|e| io(e.into_error()))?
            .sync_all()
            .map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

pub fn run(
    conn: &Connection,
    data: &crate::data::DataFiles,
    args: &ExportArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let filter = args.filter.filter(conn, data)?;
    let export = |w: &mut dyn Write| -> Result<usize> {
        let format = match args.format {
            ExportFormat::Csv => OutputFormat::Csv,
            ExportFormat::Json => OutputFormat::Json,
            ExportFormat::Jsonl => OutputFormat::Jsonl,
        };
        let mut rows = RowWriter::new(format, &quotes::FULL_COLUMNS, w);
        let mut joined: [String; 4] = Default::default();
        store::each_statement(conn, &filter, |s| {
            if args.format == ExportFormat::Csv {
                rows.push_fields(&quotes::full_fields(&s, &mut joined))
            } else {
                rows.push(quotes::full_values(&s))
            }
        })?;
        rows.finish()
    };
    let n = match &args.output {
        None => export(out)?,
        Some(path) => {
            let mut n = 0;
            write_file(path, |w| {
                n = export(w)?;
                Ok(())
            })?;
            writeln!(out, "{path}: {n} statements")?;
            n
        }
    };
    Ok(if n == 0 {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
