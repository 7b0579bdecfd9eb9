//! `whosaid reprocess [--source PATH|ID]...`: runs the pipeline again over stored sources,
//! after an actor, topic or data-file change, so what is stored follows what whosaid now
//! knows. Each source keeps its id and is read again in one transaction: its old posts and
//! statements go and the new ones take their place, or, on any failure, nothing changes.
//! Text formats are read from the stored text; HTML and JSONL, whose stored text is what
//! was derived from them, from the original file when it is still there, unchanged.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use clap::Args;
use rusqlite::Connection;

use super::Outcome;
use super::ingest::{hash_file, jobs, piece_size};
use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::parse::SourceInfo;
use crate::pipeline::{Pipeline, Processed};
use crate::store::{self, SourceWriter, StoredSource};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid actors add \"Ilse Navarro\" --alias Navarro\n  \
                        whosaid reprocess\n  whosaid reprocess --source 3 --source pages/live.html"
)]
pub struct ReprocessArgs {
    /// Only this source: its id or its path as stored (repeatable) [default: every source]
    #[arg(long = "source", value_name = "ID|PATH")]
    sources: Vec<String>,
    /// Threads that analyse a source's pieces [default: the machine's cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// No progress bar, even on a terminal
    #[arg(long)]
    no_progress: bool,
}

/// Formats whose stored text is the file itself, to be parsed again as it is.
const TEXT_FORMATS: [&str; 3] = ["bbc-live", "live-text", "article"];

pub fn run(
    conn: &mut Connection,
    data: &DataFiles,
    args: &ReprocessArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let all = store::stored_sources(conn)?;
    let mut chosen: Vec<&StoredSource> = Vec::new();
    for wanted in &args.sources {
        let hit: Vec<&StoredSource> = all
            .iter()
            .filter(|s| s.id.to_string() == *wanted || s.path == *wanted)
            .collect();
        if hit.is_empty() {
            return Err(Error::Usage(format!(
                "no stored source '{wanted}' (give an id or a path as 'whosaid quotes' shows it)"
            )));
        }
        chosen.extend(hit);
    }
    if args.sources.is_empty() {
        chosen = all.iter().collect();
    }
    chosen.sort_by_key(|s| s.id);
    chosen.dedup_by_key(|s| s.id);
    if chosen.is_empty() {
        return Ok(Outcome::Nothing);
    }
    let db = conn
        .path()
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::Usage("reprocess needs a database file".into()))?;
    let jobs = jobs(args.jobs);
    let pipeline = Pipeline::load_on(data, jobs)?;
    let mut failed = 0;
    let mut size = 0u64;
    for source in &chosen {
        size += conn
            .query_row(
                "SELECT coalesce(max(end), 0) FROM source_texts WHERE source_id = ?1",
                [source.id],
                |r| r.get::<_, i64>(0),
            )
            .unwrap_or(0)
            .max(0) as u64;
    }
    let progress = super::progress_bar(if args.no_progress { None } else { Some(size) });
    for source in chosen {
        progress.set_message(source.path.clone());
        match reprocess_one(conn, &db, &pipeline, source, jobs, &progress) {
            Ok(line) => progress.suspend(|| writeln!(out, "{line}").and_then(|()| out.flush()))?,
            Err(e) => {
                out.flush()?;
                eprintln!("whosaid: {}: {e}", source.path);
                failed += 1;
            }
        }
    }
    progress.finish_and_clear();
    crate::pipeline::refresh_stances(conn, jobs)?;
    if failed > 0 {
        return Err(Error::Usage(format!(
            "{failed} sources were not read again and are as they were"
        )));
    }
    Ok(Outcome::Found)
}

fn reprocess_one(
    conn: &mut Connection,
    db: &str,
    pipeline: &Pipeline,
    source: &StoredSource,
    jobs: usize,
    progress: &indicatif::ProgressBar,
) -> Result<String> {
    let reader: Box<dyn BufRead> = if TEXT_FORMATS.contains(&source.format.as_str()) {
        Box::new(BufReader::with_capacity(
            1 << 20,
            store::StoredText::open(db, source.id)?,
        ))
    } else {
        let path = Path::new(&source.path);
        let same = path.is_file() && hash_file(path).is_ok_and(|hash| hash == source.content_hash);
        if !same {
            return Err(Error::Usage(format!(
                "a {} source is read from its file, which is gone or changed since it was \
                 ingested (ingest the file again)",
                source.format
            )));
        }
        Box::new(BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(path).map_err(|e| Error::Io {
                path: source.path.clone(),
                source: e,
            })?,
        ))
    };
    let published = source
        .published_on
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let info = SourceInfo {
        path: source.path.clone(),
        // The year it was read with (from its name, its header or the user's --year).
        year: published.map(|d| chrono::Datelike::year(&d)),
        date: None,
        url: source.url.clone(),
        skip_bad: true,
        continuation: false,
    };
    let mut stream = pipeline.stream(reader, &info, Some(&source.format), true, piece_size())?;
    let mut writer = SourceWriter::reopen(conn, source.id, pipeline.known_data())?;
    stream.rest(jobs, |mut processed: Processed| {
        processed.shift(writer.offset());
        progress.inc(processed.document.text.len() as u64);
        writer.add(
            &processed.document.text,
            &processed.document.posts,
            &processed.statements,
        )
    })?;
    let report = writer.finish(None)?;
    Ok(format!(
        "{} (source {}): read again, {} posts, {} statements",
        source.path, source.id, report.posts, report.statements
    ))
}
