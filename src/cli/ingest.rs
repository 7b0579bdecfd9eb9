//! `whosaid ingest FILE|DIR|-...`: reads each source in its own transaction and reports,
//! per source, what it added or why it failed. A failed source stores nothing; the others
//! are kept; the exit code is 2 when any failed.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use rusqlite::Connection;

use super::{Outcome, ReadArgs};
use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::model::StatementKind;
use crate::parse::{self, SourceInfo};
use crate::pipeline::{Pipeline, Processed};
use crate::store::{self, SourceMeta, SourceWriter};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid ingest data/samples/bbc-live-2025-03-15.txt\n  whosaid ingest pages/ --jobs 2\n  curl -s https://example.org/live | whosaid ingest - --input-format html --url https://example.org/live"
)]
pub struct IngestArgs {
    /// Files or directories (read recursively) to ingest; '-' reads stdin
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    #[command(flatten)]
    read: ReadArgs,
    /// The address the source came from, kept as provenance
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Skip bad lines of a JSONL source (and say how many) instead of refusing the file
    #[arg(long)]
    skip_bad: bool,
    /// Threads that read and analyse a source's pieces, or the next small files, while
    /// another stores them [default: the machine's cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// No progress bar, even on a terminal
    #[arg(long)]
    no_progress: bool,
}

/// Worker threads: the user's number, else one a core.
pub(super) fn jobs(asked: Option<u16>) -> usize {
    asked
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// The threads `args` asks for.
pub(super) fn threads(args: &IngestArgs) -> usize {
    jobs(args.jobs)
}

/// The pages a database this ingest creates should have: large when its sources average
/// 4 MiB or more, SQLite's own otherwise (see `store::Pages`; below that, the tables and
/// indexes a database has from the start, a page each at least, weigh more than large
/// pages save: 1 MB of text made 3.1 times its size in 16 KiB pages, 2.8 in 4 KiB). Stdin
/// and what cannot be measured count as small.
pub(super) fn pages_for(args: &IngestArgs) -> store::Pages {
    const LARGE_SOURCES: u64 = 4 << 20;
    let (mut bytes, mut sources) = (0u64, 0u64);
    // The first thousand are enough to tell.
    let paths = args
        .files
        .iter()
        .flat_map(|arg| expand(arg).unwrap_or_default());
    for path in paths.take(1000) {
        sources += 1;
        bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
    }
    if sources > 0 && bytes / sources >= LARGE_SOURCES {
        store::Pages::Large
    } else {
        store::Pages::Default
    }
}

pub fn run(
    conn: &mut Connection,
    data: &DataFiles,
    args: &IngestArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    // A bad date is told before the data files are loaded.
    args.read.date()?;
    let pipeline = Pipeline::load_on(data, jobs(args.jobs))?;
    run_loaded(conn, &pipeline, args, out)
}

/// `run` with the data files loaded already.
pub fn run_loaded(
    conn: &mut Connection,
    pipeline: &Pipeline,
    args: &IngestArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let date = args.read.date()?;
    let mut failed = Vec::new();
    let mut total = 0;
    // With threads to spare, a source's log is copied into the database while the next is
    // read (one thread: by the commit, as SQLite does).
    let checkpoints = if jobs(args.jobs) > 1 {
        Some(store::Checkpointer::start(conn)?)
    } else {
        None
    };
    // A bar of the bytes read, on a terminal only (hidden when stderr is not one).
    let size: u64 = args
        .files
        .iter()
        .filter_map(|a| expand(a).ok())
        .flatten()
        .filter_map(|p| std::fs::metadata(p).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    let progress = super::progress_bar(if args.no_progress { None } else { Some(size) });
    let mut run = Run {
        progress: &progress,
        fresh: store::FreshEvidence::start(conn, size)?,
    };
    // Every source in order, or why an argument gave none.
    let mut items: Vec<std::result::Result<PathBuf, (String, Error)>> = Vec::new();
    for arg in &args.files {
        match expand(arg) {
            Ok(sources) => items.extend(sources.into_iter().map(Ok)),
            Err(e) => items.push(Err((arg.clone(), e))),
        }
    }
    let threads = jobs(args.jobs);
    // Small files (an article, a post, a saved page) are read and processed ahead of their
    // turn on worker threads while this one stores the sources before them: one such source
    // has nothing to share out among threads, a directory of them has. A small file of more
    // than one piece (a live blog of more than 128 KiB) has its pieces processed there one
    // after another, cut as its reading in turn would cut them.
    let small = |p: &Path| {
        threads > 1
            && p.as_os_str() != "-"
            && std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= SMALL_FILE)
    };
    let small_items: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.as_ref().is_ok_and(|p| small(p)))
        .map(|(i, _)| i)
        .collect();
    std::thread::scope(|scope| -> Result<()> {
        let mut prepared =
            Prefetch::start(scope, threads, pipeline, args, date, &items, small_items);
        for (i, item) in items.iter().enumerate() {
            total += 1;
            let source = match item {
                Ok(source) => source,
                Err((arg, e)) => {
                    out.flush()?;
                    eprintln!("whosaid: {e}");
                    failed.push(arg.clone());
                    continue;
                }
            };
            let name = source.display().to_string();
            let ready = prepared.take(i)?;
            // A panic is a bug, and must be fixed where it happens; caught here as the last
            // line of defence, it costs its source (whose transaction unwinds, storing
            // nothing) and not the rest of the batch.
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                progress.set_message(name.clone());
                match ready {
                    Some(Ok(ready)) => {
                        ingest_prepared(conn, pipeline, source, args, date, &mut run, ready)
                    }
                    Some(Err(panic)) => std::panic::resume_unwind(panic),
                    None => ingest_one(conn, pipeline, source, args, date, &mut run),
                }
            }));
            if let Some(c) = &checkpoints {
                c.nudge(std::fs::metadata(source).map_or(0, |m| m.len()));
            }
            match caught {
                Ok(Ok(line)) => {
                    progress.suspend(|| writeln!(out, "{line}").and_then(|()| out.flush()))?
                }
                Ok(Err(e)) => {
                    out.flush()?;
                    eprintln!("whosaid: {e}");
                    failed.push(name);
                }
                Err(panic) => {
                    out.flush()?;
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    eprintln!(
                        "whosaid: {name}: internal error, nothing of it stored (a bug: please report it with the file): {what}"
                    );
                    failed.push(name);
                }
            }
        }
        Ok(())
    })?;
    progress.finish_and_clear();
    // The stances the new statements bear on, computed once for the whole batch (a reader
    // computes any left stale by a failure here itself).
    let summarised = crate::pipeline::refresh_stances_from(conn, jobs(args.jobs), Some(&run.fresh))
        .map_err(|e| {
            Error::Usage(format!(
                "the sources are stored, but their stances are not summarised yet (the read \
             commands compute them; the next ingest stores them): {e}"
            ))
        });
    if let Some(c) = checkpoints {
        c.finish(conn)?;
    }
    if failed.is_empty() {
        summarised.map(|_| Outcome::Found)
    } else {
        if let Err(e) = summarised {
            out.flush()?;
            eprintln!("whosaid: {e}");
        }
        Err(Error::Usage(format!(
            "{} of {} sources failed and stored nothing: {}",
            failed.len(),
            total,
            failed.join(", ")
        )))
    }
}

/// A file, stdin ('-'), or every file under a directory in name order.
pub(super) fn expand(arg: &str) -> Result<Vec<PathBuf>> {
    let path = PathBuf::from(arg);
    if arg == "-" || !path.is_dir() {
        return Ok(vec![path]);
    }
    let mut files = Vec::new();
    // Directories already walked, by device and inode: a link back to one is not followed
    // again, so a directory holding links to itself is walked once.
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![path];
    while let Some(dir) = stack.pop() {
        if let Ok(m) = std::fs::metadata(&dir) {
            use std::os::unix::fs::MetadataExt;
            if !seen.insert((m.dev(), m.ino())) {
                continue;
            }
        }
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

/// A small file read, hashed and processed on a worker thread ahead of its turn.
struct Prepared {
    hash: std::io::Result<String>,
    /// Its format and its pieces processed; `None` when it grew past a small file's size
    /// (or is UTF-16): it is read again in its turn, the usual way.
    read: Result<Option<(String, Vec<Processed>)>>,
}

fn prepare(
    pipeline: &Pipeline,
    path: &Path,
    args: &IngestArgs,
    date: Option<chrono::NaiveDate>,
) -> Prepared {
    let name = path.display().to_string();
    let hash = hash_file(path);
    if hash.is_err() {
        return Prepared {
            hash,
            read: Ok(None),
        };
    }
    let read = (|| {
        let io = |source| Error::Io {
            path: name.clone(),
            source,
        };
        if starts_utf16(path).map_err(io)? {
            return Ok(None);
        }
        let info = source_info(&name, args, date);
        let reader = BufReader::new(File::open(path).map_err(io)?);
        let (mut stream, format) = open_stream(pipeline, reader, &info, args)?;
        // Every piece, in order, as the reading in its turn would cut and process them.
        // One that grew past a small file's size since it was listed is left to that
        // reading, which holds a few pieces at a time.
        let mut pieces = Vec::new();
        let mut bytes = 0u64;
        while let Some(piece) = stream.next_piece()? {
            bytes += piece.document.text.len() as u64;
            if bytes > SMALL_FILE {
                return Ok(None);
            }
            pieces.push(piece);
        }
        Ok(Some((format, pieces)))
    })();
    Prepared { hash, read }
}

/// Sources prepared on worker threads, taken in their order: at most `2 × threads` wait.
struct Prefetch {
    work: Option<std::sync::mpsc::SyncSender<(usize, PathBuf)>>,
    done: std::sync::mpsc::Receiver<(usize, std::thread::Result<Prepared>)>,
    waiting: std::collections::HashMap<usize, std::thread::Result<Prepared>>,
    /// The items to prepare, in order, and how many were handed out.
    queue: Vec<usize>,
    sent: usize,
    taken: usize,
    paths: Vec<Option<PathBuf>>,
    limit: usize,
}

impl Prefetch {
    fn start<'s, 'e>(
        scope: &'s std::thread::Scope<'s, 'e>,
        threads: usize,
        pipeline: &'s Pipeline,
        args: &'s IngestArgs,
        date: Option<chrono::NaiveDate>,
        items: &[std::result::Result<PathBuf, (String, Error)>],
        queue: Vec<usize>,
    ) -> Self {
        let limit = 2 * threads;
        let (work, jobs) = std::sync::mpsc::sync_channel::<(usize, PathBuf)>(limit);
        let (done_tx, done) = std::sync::mpsc::channel();
        if !queue.is_empty() {
            let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
            for _ in 0..threads {
                let (jobs, done_tx) = (jobs.clone(), done_tx.clone());
                scope.spawn(move || {
                    loop {
                        let job = jobs.lock().map(|rx| rx.recv());
                        let Ok(Ok((i, path))) = job else { break };
                        let prepared =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                prepare(pipeline, &path, args, date)
                            }));
                        if done_tx.send((i, prepared)).is_err() {
                            break;
                        }
                    }
                });
            }
        }
        let paths = items
            .iter()
            .map(|item| item.as_ref().ok().cloned())
            .collect();
        let mut prefetch = Prefetch {
            work: Some(work),
            done,
            waiting: Default::default(),
            queue,
            sent: 0,
            taken: 0,
            paths,
            limit,
        };
        prefetch.fill();
        prefetch
    }

    /// Hands out sources until `limit` are with the workers or waiting to be taken.
    fn fill(&mut self) {
        while self.sent < self.queue.len() && self.sent - self.taken < self.limit {
            let i = self.queue[self.sent];
            let Some(path) = self.paths[i].take() else {
                break;
            };
            let sent = self
                .work
                .as_ref()
                .is_some_and(|w| w.send((i, path)).is_ok());
            if !sent {
                // The workers are gone: what is left is read in its turn.
                self.queue.truncate(self.sent);
                self.work = None;
                break;
            }
            self.sent += 1;
        }
    }

    /// Item `i` prepared, if it was given out; `None` to read it in its turn.
    fn take(&mut self, i: usize) -> Result<Option<std::thread::Result<Prepared>>> {
        if self.queue.get(self.taken) != Some(&i) || self.taken >= self.sent {
            return Ok(None);
        }
        let prepared = loop {
            if let Some(p) = self.waiting.remove(&i) {
                break p;
            }
            match self.done.recv() {
                Ok((k, p)) => {
                    self.waiting.insert(k, p);
                }
                Err(_) => {
                    return Err(Error::Usage("a worker thread stopped".into()));
                }
            }
        };
        self.taken += 1;
        self.fill();
        Ok(Some(prepared))
    }
}

/// `ingest_one` for a source prepared ahead: stored as the usual reading would store it.
fn ingest_prepared(
    conn: &mut Connection,
    pipeline: &Pipeline,
    path: &Path,
    args: &IngestArgs,
    date: Option<chrono::NaiveDate>,
    run: &mut Run<'_>,
    prepared: Prepared,
) -> Result<String> {
    let name = path.display().to_string();
    let hash = prepared.hash.map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    // As in the usual reading, a source stored already is not read (nor its errors told).
    if let Some(posts) = store::stored_posts(conn, &hash)? {
        return Ok(already_ingested(&name, posts));
    }
    let Some((format, pieces)) = prepared.read? else {
        return ingest_one(conn, pipeline, path, args, date, run);
    };
    let meta = SourceMeta {
        path: name,
        hash,
        format,
        url: args.url.clone(),
    };
    store_source(conn, pipeline, &meta, run, |begin, store| {
        begin()?;
        pieces.into_iter().try_for_each(store)
    })
}

fn ingest_one(
    conn: &mut Connection,
    pipeline: &Pipeline,
    path: &Path,
    args: &IngestArgs,
    date: Option<chrono::NaiveDate>,
    run: &mut Run<'_>,
) -> Result<String> {
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
    let info = source_info(&name, args, date);
    // A FIFO or a device can be read once only: it is read whole, like stdin, and the hash
    // taken from what was read.
    let once = !stdin
        && std::fs::metadata(path)
            .map(|m| !m.file_type().is_file())
            .unwrap_or(false);
    // The content hash first: a source already stored is not read again. A large file's is
    // taken on a thread of its own while its first piece is read (the hash is a whole pass
    // over the file, and nothing else would wait on it), and checked before anything is
    // stored. A smaller file is hashed first: for one of a megabyte the thread gained
    // nothing measurable (1 MB on two threads, medians of 21: wall 0.997x), and a source
    // stored already would have its first piece read and parsed for nothing.
    let large = !stdin && !once && std::fs::metadata(path).is_ok_and(|m| m.len() > 4 << 20);
    let (hash, mut buffered) = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(io)?;
        (Hash::Known(store::content_hash(&bytes)), Some(bytes))
    } else if once {
        let bytes = std::fs::read(path).map_err(io)?;
        (Hash::Known(store::content_hash(&bytes)), Some(bytes))
    } else if large {
        let owned = path.to_path_buf();
        (
            Hash::Pending(std::thread::spawn(move || hash_file(&owned))),
            None,
        )
    } else {
        (Hash::Known(hash_file(path).map_err(io)?), None)
    };
    if let Hash::Known(hash) = &hash
        && let Some(posts) = store::stored_posts(conn, hash)?
    {
        return Ok(already_ingested(&name, posts));
    }
    if buffered.is_none() && starts_utf16(path).map_err(io)? {
        buffered = Some(std::fs::read(path).map_err(io)?);
    }
    let reader: Box<dyn BufRead> = match buffered {
        // UTF-16 cannot be cut at newline bytes: decode it whole, then read the UTF-8.
        Some(bytes) if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) => {
            let text = parse::decode(&bytes, &name, args.read.lossy)?;
            Box::new(Cursor::new(text.into_bytes()))
        }
        Some(bytes) => Box::new(Cursor::new(bytes)),
        None => Box::new(BufReader::with_capacity(
            1 << 20,
            File::open(path).map_err(io)?,
        )),
    };
    let (mut stream, format) = open_stream(pipeline, reader, &info, args)?;
    let hash = match hash {
        Hash::Known(hash) => hash,
        Hash::Pending(hashing) => {
            let hash = hashing
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                .map_err(io)?;
            if let Some(posts) = store::stored_posts(conn, &hash)? {
                return Ok(already_ingested(&name, posts));
            }
            hash
        }
    };
    let meta = SourceMeta {
        path: name.clone(),
        hash,
        format,
        url: info.url.clone(),
    };
    // The pieces are read and processed on worker threads while this one stores them, in
    // the order of the text, in the source's one transaction.
    store_source(conn, pipeline, &meta, run, |begin, store| {
        stream.rest_meanwhile(jobs(args.jobs), begin, store)
    })
}

/// A source's pieces, its first read and parsed, with the format it was read in.
fn open_stream<'p, R: BufRead>(
    pipeline: &'p Pipeline,
    reader: R,
    info: &SourceInfo,
    args: &IngestArgs,
) -> Result<(crate::pipeline::Stream<'p, R>, String)> {
    let mut stream = pipeline.stream(
        reader,
        info,
        Some(&args.read.input_format),
        args.read.lossy,
        piece_size(),
    )?;
    let Some(format) = stream.start()?.map(str::to_string) else {
        return Err(Error::input(&info.path, None, "no posts found"));
    };
    Ok((stream, format))
}

/// What every reading of a source sets: its name, the user's year, date and URL.
fn source_info(name: &str, args: &IngestArgs, date: Option<chrono::NaiveDate>) -> SourceInfo {
    SourceInfo {
        path: name.to_string(),
        year: args.read.year,
        date,
        url: args.url.clone(),
        skip_bad: args.skip_bad,
        continuation: false,
    }
}

fn already_ingested(name: &str, posts: usize) -> String {
    format!("{name}: already ingested ({posts} posts); nothing added")
}

/// Stores a source in its one transaction: `pieces` hands each processed piece, in the order
/// of the text, to the function it is given. Gives the source's report line.
fn store_source(
    conn: &mut Connection,
    pipeline: &Pipeline,
    meta: &SourceMeta,
    run: &mut Run<'_>,
    pieces: impl FnOnce(
        &mut dyn FnMut() -> Result<()>,
        &mut dyn FnMut(Processed) -> Result<()>,
    ) -> Result<()>,
) -> Result<String> {
    let name = &meta.path;
    let Run { progress, fresh } = run;
    // The transaction is started by `pieces` when it says the workers are busy (or at the
    // first piece): its start syncs the data files, a fixed cost threads can hide.
    let state = std::cell::RefCell::new(Writing::Waiting(conn));
    let begin = || -> Result<()> {
        let mut state = state.borrow_mut();
        *state = match std::mem::replace(&mut *state, Writing::Failed) {
            Writing::Waiting(conn) => {
                match SourceWriter::begin(conn, meta, pipeline.known_data())? {
                    store::Begun::Writer(mut w) => {
                        w.keep_evidence(fresh);
                        Writing::Open(w)
                    }
                    store::Begun::Stored(posts) => Writing::Stored(posts),
                }
            }
            other => other,
        };
        match &*state {
            Writing::Open(_) => Ok(()),
            // Another whosaid stored it meanwhile: reading stops here.
            _ => Err(stored_meanwhile()),
        }
    };
    let mut tally = Tally::default();
    let mut store_piece = |mut processed: Processed| -> Result<()> {
        begin()?;
        let mut state = state.borrow_mut();
        let Writing::Open(writer) = &mut *state else {
            return Err(stored_meanwhile());
        };
        processed.shift(writer.offset());
        writer.add(
            &processed.document.text,
            &processed.document.posts,
            &processed.statements,
        )?;
        tally.count(&processed);
        progress.inc(processed.document.text.len() as u64);
        // Tests reach the batch's last line of defence through this (debug builds only).
        #[cfg(debug_assertions)]
        if std::env::var("WHOSAID_DEBUG_PANIC_ON").is_ok_and(|p| !p.is_empty() && name.contains(&p))
        {
            panic!("a panic injected for a test");
        }
        Ok(())
    };
    let read = pieces(&mut || begin(), &mut store_piece).and_then(|()| begin());
    let writer = match state.into_inner() {
        Writing::Stored(posts) => return Ok(already_ingested(name, posts)),
        Writing::Open(writer) => writer,
        Writing::Waiting(_) | Writing::Failed => {
            return Err(read.err().unwrap_or_else(|| {
                Error::Usage("the source's transaction was not started".into())
            }));
        }
    };
    read?;
    let report = writer.finish_into(tally.url.as_deref(), fresh)?;
    let mut line = format!(
        "{name}: {}, {} posts, {} statements added ({} quotes, {} reported; {} attributed to {} speakers)",
        meta.format,
        report.posts,
        report.statements,
        tally.quotes,
        tally.reported,
        tally.attributed,
        tally.speakers.len()
    );
    if tally.skipped > 0 {
        line.push_str(&format!("; {} bad lines skipped", tally.skipped));
    }
    if tally.furniture > 0 {
        let lines = if tally.furniture == 1 {
            "line"
        } else {
            "lines"
        };
        line.push_str(&format!(
            "; {} {lines} of page furniture skipped (see 'whosaid parse')",
            tally.furniture
        ));
    }
    Ok(line)
}

/// Stops a source's reading when another whosaid stored it meanwhile; never shown (the
/// source is reported as already ingested).
fn stored_meanwhile() -> Error {
    Error::Usage("the source was stored meanwhile".into())
}

/// What every source of a run reports to: the progress bar, and the stance evidence the
/// run keeps for computing its stances (`store::FreshEvidence`).
struct Run<'p> {
    progress: &'p indicatif::ProgressBar,
    fresh: store::FreshEvidence,
}

/// A source's transaction in `store_source`: not yet started, open, or not needed.
enum Writing<'c> {
    Waiting(&'c mut Connection),
    Open(SourceWriter<'c>),
    /// Another whosaid stored the same source while this one read it (its posts).
    Stored(usize),
    /// Starting it failed (the error is the caller's).
    Failed,
}

/// A source's content hash, taken before it is read or on a thread while it is.
enum Hash {
    Known(String),
    Pending(std::thread::JoinHandle<std::io::Result<String>>),
}

/// What the pieces of a source held, for the report.
#[derive(Default)]
struct Tally {
    quotes: usize,
    reported: usize,
    attributed: usize,
    speakers: HashSet<String>,
    skipped: usize,
    furniture: usize,
    url: Option<String>,
}

impl Tally {
    fn count(&mut self, p: &Processed) {
        for s in p.statements.iter().flatten() {
            match s.kind {
                StatementKind::Direct | StatementKind::Partial => self.quotes += 1,
                StatementKind::Indirect | StatementKind::Action => self.reported += 1,
                StatementKind::Term => {}
            }
            if let Some(sp) = &s.speaker {
                self.attributed += 1;
                if !self.speakers.contains(&sp.name) {
                    self.speakers.insert(sp.name.clone());
                }
            }
        }
        self.skipped += p.document.skipped;
        self.furniture += p.document.furniture.len();
        if self.url.is_none() {
            self.url = p.document.url.clone();
        }
    }
}

/// The size up to which a file of a directory is read and processed ahead of its turn on a
/// worker thread. Saved pages run to hundreds of kilobytes of markup (and are read whole in
/// one piece at any size), live blogs to hundreds of kilobytes of text: with the piece size,
/// 128 KiB, as the bound, a folder of sixty 190 KB pages on two threads took 1.38x as long,
/// one of thirty 320 KB live blogs 1.09x.
const SMALL_FILE: u64 = 512 << 10;

/// Bytes per piece when reading a source (`WHOSAID_PIECE_BYTES` overrides, for tuning).
/// 128 KiB holds a hundred live-blog posts, context enough for who "the minister" is, and
/// cuts a source of a megabyte into eight pieces: enough to keep two threads busy to the
/// end, where the last piece to be analysed is stored alone. Measured on synthetic live-blog
/// text, medians of 11 runs: 1 MB on two threads 113 ms with 512 KiB pieces, 94 ms with
/// 128 KiB, 93 ms with 64 KiB (one thread 147 ms for each); 10 MB and 100 MB as fast as with
/// 512 KiB, on one thread and two, and peak memory 33 MB on two threads (54 MB with
/// 512 KiB; 1 MiB pieces took 78 MB). Statements take tens of times their text while a
/// piece is processed: text that is nothing but quotes takes more.
pub(crate) fn piece_size() -> usize {
    std::env::var("WHOSAID_PIECE_BYTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(128 << 10)
}

pub(super) fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = store::Hasher::default();
    // As big as the file (one read, and the end seen by the next) up to 64 KiB: a zeroed
    // 64 KiB for each of a folder's thousand one-kilobyte files cost more than hashing them.
    let size = file
        .metadata()
        .map_or(64 << 10, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
    let mut buf = vec![0u8; size.saturating_add(1).clamp(4 << 10, 64 << 10)];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finish());
        }
        hasher.update(&buf[..n]);
    }
}

pub(super) fn starts_utf16(path: &Path) -> std::io::Result<bool> {
    let mut head = [0u8; 2];
    let n = File::open(path)?.read(&mut head)?;
    Ok(n == 2 && (head == [0xFF, 0xFE] || head == [0xFE, 0xFF]))
}
