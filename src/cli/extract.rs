//! `whosaid extract FILE|DIR|-...`: the pipeline with no database. Writes each source's
//! statements (with what `load` needs to store them: the text and the posts) as JSON Lines
//! to stdout, for another engine to fan out or a lake to keep. A JSON Lines input is read a
//! line at a time, each line a source of its own, and each line's records are written
//! before the output waits on the next, so it can sit in a pipe for ever.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::Path;

use clap::Args;

use super::ingest::{expand, hash_file, jobs, piece_size, starts_utf16};
use super::{Outcome, ReadArgs};
use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::interchange::{ActorKinds, SourceRecord, SourceRecords};
use crate::parse::{self, SourceInfo};
use crate::pipeline::{Line, Pipeline, Processed};
use crate::store;

#[derive(Debug, Args)]
#[command(
    after_help = "Each source is a 'source' record, its text, posts and statements ('text', 'post', \
'statement' records) and an 'end' record; statement records stand alone. Every line of a JSON \
Lines input is a source of its own.\n\nExamples:\n  whosaid extract page.html > page.statements.jsonl\n  \
cat posts/*.jsonl | whosaid extract - | jq -c 'select(.type == \"statement\")'\n  \
whosaid extract feed.jsonl | whosaid load -"
)]
pub struct ExtractArgs {
    /// Files or directories (read recursively); '-' reads stdin
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    #[command(flatten)]
    read: ReadArgs,
    /// The address the source came from, kept as provenance
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Pass over bad lines of a JSON Lines input (and say how many) instead of stopping
    #[arg(long)]
    skip_bad: bool,
    /// Threads that analyse the text [default: 1 for JSON Lines, which an engine such as
    /// Spark runs a process a core; else the machine's cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// No summary on stderr
    #[arg(long, short)]
    quiet: bool,
}

/// What the inputs held, for the summary.
#[derive(Default)]
struct Tally {
    sources: usize,
    posts: usize,
    statements: usize,
    skipped: usize,
}

pub fn run(data: &DataFiles, args: &ExtractArgs, out: &mut dyn Write) -> Result<Outcome> {
    let date = args.read.date()?;
    let pipeline = Pipeline::load_on(data, jobs(args.jobs))?;
    let kinds = ActorKinds::new(pipeline.actors());
    let mut tally = Tally::default();
    let mut failed = Vec::new();
    for arg in &args.files {
        let paths = match expand(arg) {
            Ok(p) => p,
            Err(e) => {
                out.flush()?;
                eprintln!("whosaid: {e}");
                failed.push(arg.clone());
                continue;
            }
        };
        for path in paths {
            let extract = Extract {
                pipeline: &pipeline,
                kinds: &kinds,
                args,
                date,
            };
            if let Err(e) = extract.source(&path, out, &mut tally) {
                // What is written of the source has no end record: `load` passes it over.
                out.flush()?;
                if e.is_broken_pipe() {
                    return Err(e);
                }
                eprintln!("whosaid: {e}");
                failed.push(path.display().to_string());
            }
        }
    }
    out.flush()?;
    if !args.quiet {
        let mut line = format!(
            "whosaid: extracted {} statements from {} posts in {} sources",
            tally.statements, tally.posts, tally.sources
        );
        if tally.skipped > 0 {
            line.push_str(&format!("; {} bad lines passed over", tally.skipped));
        }
        eprintln!("{line}");
    }
    if !failed.is_empty() {
        return Err(Error::Usage(format!(
            "{} inputs failed (their last source has no end record): {}",
            failed.len(),
            failed.join(", ")
        )));
    }
    // Every source read has its records, statements or none: a pipe stage that read all it
    // was given succeeded (an engine fails the job on any other exit code).
    Ok(Outcome::Found)
}

struct Extract<'a> {
    pipeline: &'a Pipeline,
    kinds: &'a ActorKinds,
    args: &'a ExtractArgs,
    date: Option<chrono::NaiveDate>,
}

impl Extract<'_> {
    fn source(&self, path: &Path, out: &mut dyn Write, tally: &mut Tally) -> Result<()> {
        let stdin = path.as_os_str() == "-";
        let name = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let io = |source| Error::Io {
            path: name.clone(),
            source,
        };
        let info = SourceInfo {
            path: name.clone(),
            year: self.args.read.year,
            date: self.date,
            url: self.args.url.clone(),
            skip_bad: self.args.skip_bad,
            continuation: false,
        };
        let lossy = self.args.read.lossy;
        let mut reader: Box<dyn BufRead + Send> = if stdin {
            Box::new(BufReader::with_capacity(1 << 20, std::io::stdin()))
        } else if starts_utf16(path).map_err(io)? {
            let text = parse::decode(&std::fs::read(path).map_err(io)?, &name, lossy)?;
            Box::new(Cursor::new(text.into_bytes()))
        } else {
            Box::new(BufReader::with_capacity(
                1 << 20,
                File::open(path).map_err(io)?,
            ))
        };
        // UTF-16 on stdin is decoded whole, as ingest does.
        if stdin {
            let head = reader.fill_buf().map_err(io)?;
            if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
                let mut bytes = Vec::new();
                reader.read_to_end(&mut bytes).map_err(io)?;
                let text = parse::decode(&bytes, &name, lossy)?;
                reader = Box::new(Cursor::new(text.into_bytes()));
            }
        }
        // The first line that holds anything says whether this is JSON Lines; it is read,
        // then put back in front of the rest.
        let mut head = Vec::new();
        let first = loop {
            let at = head.len();
            if reader.read_until(b'\n', &mut head).map_err(io)? == 0 {
                break None;
            }
            let line = String::from_utf8_lossy(&head[at..]);
            let line = line.trim_start_matches('\u{feff}').trim();
            if !line.is_empty() {
                break Some(line.starts_with('{'));
            }
        };
        let Some(braced) = first else {
            // A stream with nothing in it (an engine's empty partition) has nothing to
            // extract; a file named with nothing in it is a mistake.
            if stdin {
                return Ok(());
            }
            return Err(Error::input(&name, None, "the file is empty"));
        };
        let format = self.args.read.input_format.as_str();
        let reader = Cursor::new(head).chain(reader);
        if format == "jsonl" || (format == "auto" && braced) {
            return self.lines(reader, &info, out, tally);
        }
        // Any other format is one source, whose id is the hash of all its bytes: stdin (or a
        // pipe) is read whole for it, as ingest does; a file is hashed first.
        let once = stdin
            || std::fs::metadata(path)
                .map(|m| !m.file_type().is_file())
                .unwrap_or(false);
        let (hash, reader): (String, Box<dyn BufRead + Send>) = if once {
            let mut bytes = Vec::new();
            let mut reader = reader;
            reader.read_to_end(&mut bytes).map_err(io)?;
            (store::content_hash(&bytes), Box::new(Cursor::new(bytes)))
        } else {
            (hash_file(path).map_err(io)?, Box::new(reader))
        };
        let mut stream = self
            .pipeline
            .stream(reader, &info, Some(format), lossy, piece_size())?;
        let Some(format) = stream.start()?.map(str::to_string) else {
            return Err(Error::input(&name, None, "no posts found"));
        };
        let jobs = jobs(self.args.jobs);
        let mut records: Option<SourceRecords<'_>> = None;
        stream.rest(jobs, |mut processed: Processed| {
            let records = match &mut records {
                Some(r) => r,
                None => records.insert(SourceRecords::begin(
                    SourceRecord {
                        source: hash.clone(),
                        path: name.clone(),
                        format: format.clone(),
                        url: info.url.clone().or_else(|| processed.document.url.clone()),
                    },
                    self.kinds,
                    out,
                )?),
            };
            records.piece(&mut processed, out)
        })?;
        if let Some(records) = records {
            let end = records.end(out)?;
            tally.sources += 1;
            tally.posts += end.posts;
            tally.statements += end.statements;
            tally.skipped += end.skipped;
        }
        out.flush()?;
        Ok(())
    }

    /// A JSON Lines input: each line a source, its records flushed before the next line's.
    fn lines(
        &self,
        reader: impl BufRead + Send,
        info: &SourceInfo,
        out: &mut dyn Write,
        tally: &mut Tally,
    ) -> Result<()> {
        // One thread unless asked: an engine that fans out runs a process a core.
        let jobs = self.args.jobs.map_or(1, usize::from);
        self.pipeline
            .each_line(reader, info, self.args.read.lossy, jobs, |line: Line| {
                let (hash, mut processed) = match line.read {
                    Ok(read) => read,
                    Err(Error::Input { .. }) if self.args.skip_bad => {
                        tally.skipped += 1;
                        return Ok(());
                    }
                    Err(e) => return Err(e),
                };
                let source = SourceRecord {
                    source: hash,
                    path: info.path.clone(),
                    format: processed.document.format.clone(),
                    url: info.url.clone().or_else(|| processed.document.url.clone()),
                };
                let mut records = SourceRecords::begin(source, self.kinds, out)?;
                records.piece(&mut processed, out)?;
                let end = records.end(out)?;
                tally.sources += 1;
                tally.posts += end.posts;
                tally.statements += end.statements;
                out.flush()?;
                Ok(())
            })
    }
}
