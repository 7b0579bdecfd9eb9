//! `whosaid ingest FILE...`: reads each source in its own transaction and reports what it added.

use std::io::{Read, Write};

use clap::Args;
use rusqlite::Connection;

use super::Outcome;
use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::model::StatementKind;
use crate::parse::SourceInfo;
use crate::pipeline::Pipeline;
use crate::store;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files to read; '-' reads stdin
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// The year of the posts, when the source does not say it
    #[arg(long, value_name = "YYYY")]
    year: Option<i32>,
    /// The input format [default: auto, chosen by content]
    #[arg(long = "input-format", value_name = "FORMAT", default_value = "auto")]
    input_format: String,
}

pub fn run(
    conn: &mut Connection,
    data: &DataFiles,
    args: &IngestArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let pipeline = Pipeline::load(data)?;
    let mut failed = Vec::new();
    for path in &args.files {
        match ingest_one(conn, &pipeline, path, args) {
            Ok(line) => writeln!(out, "{line}")?,
            Err(e) => {
                out.flush()?;
                eprintln!("whosaid: {e}");
                failed.push(path.clone());
            }
        }
    }
    if failed.is_empty() {
        Ok(Outcome::Found)
    } else {
        Err(Error::Usage(format!(
            "{} of {} sources failed and stored nothing: {}",
            failed.len(),
            args.files.len(),
            failed.join(", ")
        )))
    }
}

fn ingest_one(
    conn: &mut Connection,
    pipeline: &Pipeline,
    path: &str,
    args: &IngestArgs,
) -> Result<String> {
    let bytes = read_source(path)?;
    let info = SourceInfo {
        path: if path == "-" {
            "<stdin>".into()
        } else {
            path.to_string()
        },
        year: args.year,
    };
    let processed = pipeline.read(&bytes, &info, Some(&args.input_format))?;
    let report = store::ingest(
        conn,
        &processed.document,
        &processed.statements,
        pipeline.actors(),
        pipeline.topics(),
    )?;
    if report.already_stored {
        return Ok(format!(
            "{}: already ingested ({} posts); nothing added",
            info.path, report.posts
        ));
    }
    let all = processed.statements.iter().flatten();
    let quotes = all
        .clone()
        .filter(|s| matches!(s.kind, StatementKind::Direct | StatementKind::Partial))
        .count();
    let reported = all
        .clone()
        .filter(|s| s.kind == StatementKind::Indirect)
        .count();
    let attributed = all.clone().filter(|s| s.speaker.is_some()).count();
    let mut speakers: Vec<&str> = all
        .filter_map(|s| s.speaker.as_ref().map(|p| p.name.as_str()))
        .collect();
    speakers.sort_unstable();
    speakers.dedup();
    Ok(format!(
        "{}: {} posts, {} statements added ({} quotes, {} reported; {} attributed to {} speakers)",
        info.path,
        report.posts,
        report.statements,
        quotes,
        reported,
        attributed,
        speakers.len()
    ))
}

fn read_source(path: &str) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_string(),
        source,
    };
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(io)?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(io)
}
