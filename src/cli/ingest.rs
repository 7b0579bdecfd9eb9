//! `whosaid ingest FILE|DIR|-...`: reads each source in its own transaction and reports,
//! per source, what it added or why it failed. A failed source stores nothing; the others
//! are kept; the exit code is 2 when any failed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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
    /// Files or directories (read recursively) to ingest; '-' reads stdin
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// The year of the posts, when the source does not say it
    #[arg(long, value_name = "YYYY")]
    year: Option<i32>,
    /// The publication date, when the source does not say it (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// The address the source came from, kept as provenance
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The input format [default: auto, chosen by content]
    #[arg(long = "input-format", value_name = "FORMAT", default_value = "auto")]
    input_format: String,
    /// Read invalid UTF-8 with replacement characters instead of refusing the file
    #[arg(long)]
    lossy: bool,
    /// Skip bad lines of a JSONL source (and say how many) instead of refusing the file
    #[arg(long)]
    skip_bad: bool,
}

pub fn run(
    conn: &mut Connection,
    data: &DataFiles,
    args: &IngestArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let date = args
        .date
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Error::Usage(format!("--date '{d}' is not a date: use YYYY-MM-DD")))
        })
        .transpose()?;
    let pipeline = Pipeline::load(data)?;
    let mut failed = Vec::new();
    let mut total = 0;
    for arg in &args.files {
        let sources = match expand(arg) {
            Ok(s) => s,
            Err(e) => {
                out.flush()?;
                eprintln!("whosaid: {e}");
                failed.push(arg.clone());
                total += 1;
                continue;
            }
        };
        for source in sources {
            total += 1;
            let name = source.display().to_string();
            match ingest_one(conn, &pipeline, &source, args, date) {
                Ok(line) => writeln!(out, "{line}")?,
                Err(e) => {
                    out.flush()?;
                    eprintln!("whosaid: {e}");
                    failed.push(name);
                }
            }
        }
    }
    if failed.is_empty() {
        Ok(Outcome::Found)
    } else {
        Err(Error::Usage(format!(
            "{} of {} sources failed and stored nothing: {}",
            failed.len(),
            total,
            failed.join(", ")
        )))
    }
}

/// A file, stdin ('-'), or every file under a directory in name order.
fn expand(arg: &str) -> Result<Vec<PathBuf>> {
    let path = PathBuf::from(arg);
    if arg == "-" || !path.is_dir() {
        return Ok(vec![path]);
    }
    let mut files = Vec::new();
    let mut stack = vec![path];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn ingest_one(
    conn: &mut Connection,
    pipeline: &Pipeline,
    path: &Path,
    args: &IngestArgs,
    date: Option<chrono::NaiveDate>,
) -> Result<String> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let bytes = read_source(path, &name, stdin)?;
    let info = SourceInfo {
        path: name,
        year: args.year,
        date,
        url: args.url.clone(),
        skip_bad: args.skip_bad,
    };
    let processed = pipeline.read(&bytes, &info, Some(&args.input_format), args.lossy)?;
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
    let mut line = format!(
        "{}: {}, {} posts, {} statements added ({} quotes, {} reported; {} attributed to {} speakers)",
        info.path,
        processed.document.format,
        report.posts,
        report.statements,
        quotes,
        reported,
        attributed,
        speakers.len()
    );
    if processed.document.skipped > 0 {
        line.push_str(&format!(
            "; {} bad lines skipped",
            processed.document.skipped
        ));
    }
    Ok(line)
}

fn read_source(path: &Path, name: &str, stdin: bool) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: name.to_string(),
        source,
    };
    let mut bytes = Vec::new();
    if stdin {
        std::io::stdin().read_to_end(&mut bytes).map_err(io)?;
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(io)?;
    }
    Ok(bytes)
}
