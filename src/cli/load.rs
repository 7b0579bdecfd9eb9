//! `whosaid load FILE|DIR|-...`: stores `whosaid extract`'s records, each source in one
//! transaction as `ingest` would have stored it (a source stored already adds nothing),
//! then computes the stances they bear on. Reports per input what it added.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};

use clap::Args;
use rusqlite::Connection;

use super::Outcome;
use super::ingest::{expand, jobs};
use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::interchange;
use crate::pipeline::Pipeline;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid extract pages/ > statements.jsonl && whosaid load statements.jsonl\n  \
whosaid load spark-out/          (every part file of a Spark job's output)\n  \
whosaid extract feed.jsonl | whosaid load -"
)]
pub struct LoadArgs {
    /// Files of `whosaid extract` output (gzipped or not), or directories of them (read
    /// recursively); '-' reads stdin
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Threads that compute the stances afterwards [default: the machine's cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

pub fn run(
    conn: &mut Connection,
    data: &DataFiles,
    args: &LoadArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    // The actors and topics of these data files are stored as ingest stores them; an actor
    // or topic the extract knew and they do not is stored by name.
    let pipeline = Pipeline::load(data)?;
    let mut failed: Vec<String> = Vec::new();
    let mut total = 0;
    for arg in &args.files {
        let paths = match expand(arg) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("whosaid: {e}");
                failed.push(e.to_string());
                continue;
            }
        };
        for path in paths {
            let stdin = path.as_os_str() == "-";
            let name = if stdin {
                "<stdin>".to_string()
            } else {
                path.display().to_string()
            };
            let opened: std::io::Result<Box<dyn BufRead>> = if stdin {
                Ok(Box::new(BufReader::with_capacity(
                    1 << 20,
                    std::io::stdin(),
                )))
            } else {
                File::open(&path).map(|f| Box::new(BufReader::with_capacity(1 << 20, f)) as _)
            };
            let mut reader = match opened.and_then(ungzip) {
                Ok(r) => r,
                Err(source) => {
                    let e = Error::Io {
                        path: name.clone(),
                        source,
                    };
                    eprintln!("whosaid: {e}");
                    failed.push(e.to_string());
                    continue;
                }
            };
            let report = interchange::load(
                conn,
                &mut reader,
                &name,
                pipeline.actors(),
                pipeline.topics(),
            )?;
            // Loaded again, a source adds nothing and is no failure: as ingest.
            total += report.sources + report.already_stored;
            let mut line = format!(
                "{name}: {} sources, {} posts, {} statements added",
                report.sources, report.posts, report.statements
            );
            if report.already_stored > 0 {
                line.push_str(&format!(
                    "; {} sources already stored",
                    report.already_stored
                ));
            }
            if !report.failed.is_empty() {
                line.push_str(&format!("; {} failed", report.failed.len()));
            }
            writeln!(out, "{line}")?;
            out.flush()?;
            for why in &report.failed {
                eprintln!("whosaid: {why}");
            }
            failed.extend(report.failed);
        }
    }
    let summarised = crate::pipeline::refresh_stances(conn, jobs(args.jobs));
    if !failed.is_empty() {
        if let Err(e) = summarised {
            eprintln!("whosaid: {e}");
        }
        return Err(Error::Usage(format!(
            "{} sources or inputs failed and stored nothing (see above)",
            failed.len()
        )));
    }
    summarised?;
    Ok(if total > 0 {
        Outcome::Found
    } else {
        Outcome::Nothing
    })
}

/// The records as written, or gunzipped when they are gzip (as Spark writes them with a
/// compression codec, and `gzip` does): JSON records are some ten times their gzip.
fn ungzip(mut reader: Box<dyn BufRead>) -> std::io::Result<Box<dyn BufRead>> {
    if reader.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::bufread::MultiGzDecoder::new(reader);
        return Ok(Box::new(BufReader::with_capacity(1 << 20, gz)));
    }
    Ok(reader)
}
