//! One source through every stage. Takes the bytes of a source and what the user said about
//! it; gives the parsed document and its statements, attributed, tagged with topics and
//! scored for stance, ready for the store.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::attribute::Attributor;
use crate::data::DataFiles;
use crate::error::Result;
use crate::extract::{Extractor, propagate_terms};
use crate::model::Stance;
use crate::model::{Actor, Document, Statement, Topic};
use crate::stance::{Evidence, Progress, Shift, Verdict};
use crate::store::{self, StalePair};
use std::io::BufRead;

use crate::error::Error;
use crate::parse::{self, Piece, Pieces, SourceInfo};
use crate::stance::{PostWords, Scorer};
use crate::text::analysis::PostAnalysis;
use crate::topics::Tagger;

pub struct Pipeline {
    extractor: Extractor,
    attributor: Attributor,
    tagger: Tagger,
    scorer: Scorer,
    /// Of the actors and topics, which never change once loaded: see `known_data`.
    data_fingerprint: i64,
}

/// A document with its statements: `statements[i]` belongs to `document.posts[i]`.
pub struct Processed {
    pub document: Document,
    pub statements: Vec<Vec<Statement>>,
}

impl Processed {
    /// Moves every offset `by` bytes on: a piece's text placed after the pieces before it.
    pub fn shift(&mut self, by: usize) {
        if by == 0 {
            return;
        }
        for post in &mut self.document.posts {
            for p in post.title.iter_mut().chain(post.paragraphs.iter_mut()) {
                p.offset += by;
            }
        }
        for r in &mut self.document.furniture {
            *r = r.start + by..r.end + by;
        }
        for s in self.statements.iter_mut().flatten() {
            s.start += by;
            s.end += by;
            s.sentence_start += by;
            s.context_start += by;
            if let Some((a, b)) = &mut s.scope {
                *a += by;
                *b += by;
            }
            if let Some(m) = &mut s.mention {
                m.start += by;
            }
            for t in &mut s.topics {
                for m in &mut t.mentions {
                    *m += by;
                }
            }
        }
    }
}

/// A source read a piece at a time; `next` gives each piece processed.
pub struct Stream<'p, R> {
    pipeline: &'p Pipeline,
    pieces: Pieces<R>,
    info: SourceInfo,
    format: Option<String>,
    lossy: bool,
    posts: usize,
    started: bool,
    /// The first piece, parsed by `start` and not yet processed.
    first: Option<Document>,
}

impl<R: BufRead> Stream<'_, R> {
    /// Reads and parses the first piece, which settles the format and the date of the rest,
    /// and gives its format; `None` when the source is empty. Only the parsing is done here,
    /// on the calling thread: the piece is processed with the others (by `next_piece` or on
    /// `rest`'s threads), so no thread waits on a whole piece's analysis before they start.
    pub fn start(&mut self) -> Result<Option<&str>> {
        if !self.started {
            self.started = true;
            let Some(piece) = self.pieces.next_piece()? else {
                return self.ended().map(|()| None);
            };
            let document = parse_piece(piece, &self.info, self.format.as_deref(), self.lossy)?;
            self.format = Some(document.format.clone());
            self.info.date = self.info.date.or(document.published_on);
            self.info.continuation = true;
            self.first = Some(document);
        }
        Ok(self.first.as_ref().map(|d| d.format.as_str()))
    }

    /// The next piece, processed, with offsets counted from the start of its own text.
    pub fn next_piece(&mut self) -> Result<Option<Processed>> {
        if !self.started && self.start()?.is_none() {
            return Ok(None);
        }
        let processed = match self.first.take() {
            Some(document) => self.pipeline.process(document),
            None => {
                let Some(piece) = self.pieces.next_piece()? else {
                    return self.ended().map(|()| None);
                };
                process_piece(
                    self.pipeline,
                    piece,
                    &self.info,
                    self.format.as_deref(),
                    self.lossy,
                )?
            }
        };
        self.posts += processed.document.posts.len();
        Ok(Some(processed))
    }

    fn ended(&self) -> Result<()> {
        if self.format.is_none() && !self.info.continuation {
            return Err(Error::input(&self.info.path, None, "the file is empty"));
        }
        if self.posts == 0 {
            return Err(Error::input(&self.info.path, None, "no posts found"));
        }
        Ok(())
    }

    /// Every piece (the first parsed by `start` if it was called), processed on `jobs`
    /// threads (this one among them) and handed to `each` in the order of the text, on this
    /// thread. One piece more than threads is read ahead, so memory does not grow with the
    /// source.
    pub fn rest(&mut self, jobs: usize, each: impl FnMut(Processed) -> Result<()>) -> Result<()> {
        self.rest_meanwhile(jobs, || Ok(()), each)
    }

    /// `rest`, with `meanwhile` run once on this thread before the first piece is handed to
    /// `each`: while the workers process the first pieces when there are threads (where
    /// this one would only wait for them), first otherwise. Ingest starts the source's
    /// transaction there (syncing the data files' actors is a fixed 15 ms).
    pub fn rest_meanwhile(
        &mut self,
        jobs: usize,
        meanwhile: impl FnOnce() -> Result<()>,
        mut each: impl FnMut(Processed) -> Result<()>,
    ) -> Result<()> {
        if jobs > 1 && !self.started {
            self.start()?;
        }
        // A source read whole in its first piece (an article, a post a file) has nothing to
        // share out: threads started for it would only wait.
        if jobs <= 1 || self.format.is_none() || self.pieces.is_done() {
            meanwhile()?;
            while let Some(p) = self.next_piece()? {
                each(p)?;
            }
            return Ok(());
        }
        /// A piece as read, or the first, already parsed.
        enum Job {
            Read(Piece),
            Parsed(Document),
        }
        type Done = std::thread::Result<Result<Processed>>;
        let first = self.first.take();
        let (pipeline, info, format, lossy) = (
            self.pipeline,
            &self.info,
            self.format.as_deref(),
            self.lossy,
        );
        // This thread stores the pieces in order and, while the next to store is not
        // ready, processes one itself: `jobs - 1` workers beside it keep `jobs` threads
        // busy without a third runnable one (on two cores, two workers and a writer spent a
        // sixth of their time waiting for a core). One piece more than threads is in
        // flight, so a worker finds the next ready while this one stores.
        let ahead = jobs + 1;
        let queue = JobQueue::default();
        let run = |job: Job| -> Done {
            // A panic is carried to the reading thread, which answers for the source as it
            // would for one read there.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match job {
                Job::Read(piece) => process_piece(pipeline, piece, info, format, lossy),
                Job::Parsed(document) => Ok(pipeline.process(document)),
            }))
        };
        std::thread::scope(|scope| {
            // Closed when this returns, error or not, so the workers end.
            let _closing = queue.closing();
            // Unbounded, so a worker never waits on a reader that has stopped on an error:
            // what is in flight is bounded by `ahead` anyway.
            let (done_tx, done) = std::sync::mpsc::channel::<(usize, Done)>();
            for _ in 1..jobs {
                let (queue, done_tx, run) = (&queue, done_tx.clone(), &run);
                scope.spawn(move || {
                    while let Some((seq, job)) = queue.wait_pop() {
                        if done_tx.send((seq, run(job))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done_tx);
            let mut reading = true;
            let (mut sent, mut next) = (0usize, 0usize);
            let mut first = first;
            let mut waiting: std::collections::BTreeMap<usize, Done> = Default::default();
            let mut meanwhile = Some(meanwhile);
            let mut refill = |sent: &mut usize, next: usize| -> Result<()> {
                while reading && *sent - next < ahead {
                    let job = match first.take() {
                        Some(document) => Some(Job::Parsed(document)),
                        None => self.pieces.next_piece()?.map(Job::Read),
                    };
                    match job {
                        Some(job) => {
                            queue.push((*sent, job));
                            *sent += 1;
                        }
                        None => reading = false,
                    }
                }
                Ok(())
            };
            loop {
                refill(&mut sent, next)?;
                if let Some(meanwhile) = meanwhile.take() {
                    meanwhile()?;
                }
                if next == sent {
                    break;
                }
                while let Ok((seq, r)) = done.try_recv() {
                    waiting.insert(seq, r);
                }
                if let Some(result) = waiting.remove(&next) {
                    next += 1;
                    // A worker starts on the next piece while this one is stored.
                    refill(&mut sent, next)?;
                    let processed = match result {
                        Ok(r) => r?,
                        Err(panic) => std::panic::resume_unwind(panic),
                    };
                    self.posts += processed.document.posts.len();
                    each(processed)?;
                    continue;
                }
                // Not ready: a piece no worker has taken yet is processed here. The queue
                // is never locked while a worker waits on it, so a piece just handed out
                // and not yet taken is found here (a worker waking slowly once left this
                // thread waiting out a whole piece's analysis).
                if let Some((seq, job)) = queue.try_pop() {
                    waiting.insert(seq, run(job));
                    continue;
                }
                match done.recv() {
                    Ok((seq, r)) => {
                        waiting.insert(seq, r);
                    }
                    Err(_) => {
                        return Err(Error::input(&info.path, None, "a worker thread stopped"));
                    }
                }
            }
            Ok(())
        })?;
        self.ended()
    }
}

/// The pieces waiting for a thread, taken first come first served. Its lock is held only
/// to push or take, never while a worker waits (a channel's receiver behind a mutex is held
/// by the worker blocked on it): the writer takes a piece waiting there without blocking.
struct JobQueue<T> {
    state: std::sync::Mutex<(std::collections::VecDeque<T>, bool)>,
    ready: std::sync::Condvar,
}

impl<T> Default for JobQueue<T> {
    fn default() -> Self {
        JobQueue {
            state: std::sync::Mutex::new((std::collections::VecDeque::new(), false)),
            ready: std::sync::Condvar::new(),
        }
    }
}

impl<T> JobQueue<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, (std::collections::VecDeque<T>, bool)> {
        // A thread that panicked holding it left the queue as it was: still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn push(&self, job: T) {
        self.lock().0.push_back(job);
        self.ready.notify_one();
    }

    /// The next job, waiting for one; `None` once the queue is closed and empty.
    fn wait_pop(&self) -> Option<T> {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.0.pop_front() {
                return Some(job);
            }
            if state.1 {
                return None;
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// The next job if one is waiting.
    fn try_pop(&self) -> Option<T> {
        self.lock().0.pop_front()
    }

    /// Closes the queue when dropped: waiting workers end.
    fn closing(&self) -> impl Drop + '_ {
        struct Closing<'q, T>(&'q JobQueue<T>);
        impl<T> Drop for Closing<'_, T> {
            fn drop(&mut self) {
                self.0.lock().1 = true;
                self.0.ready.notify_all();
            }
        }
        Closing(self)
    }
}

/// A line of a JSON Lines source, read as a source of its own: its number in the input, and
/// its content hash (of the line's bytes, without the newline) with what it held, or why it
/// could not be read.
pub struct Line {
    pub number: usize,
    pub read: Result<(String, Processed)>,
}

/// A line's bytes as read, numbered from 1; an input error ends the lines.
type ReadLine = std::result::Result<(usize, Vec<u8>), Error>;

/// The next non-blank line of `reader` without its line end (and the first's byte order
/// mark), or `None` at the end.
fn next_line(reader: &mut dyn BufRead, number: &mut usize, path: &str) -> Option<ReadLine> {
    loop {
        let mut bytes = Vec::new();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(source) => {
                return Some(Err(Error::Io {
                    path: path.to_string(),
                    source,
                }));
            }
        }
        *number += 1;
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        if *number == 1 && bytes.starts_with("\u{feff}".as_bytes()) {
            bytes.drain(..3);
        }
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            return Some(Ok((*number, bytes)));
        }
    }
}

/// One line (numbered `number` in its input) as a document of its own.
fn read_line(
    pipeline: &Pipeline,
    number: usize,
    bytes: &[u8],
    info: &SourceInfo,
    lossy: bool,
) -> Result<(String, Processed)> {
    let hash = store::content_hash(bytes);
    let at = parse::Position {
        byte: 0,
        lines: number - 1,
    };
    let text = parse::decode_at(bytes, &info.path, lossy, at)?;
    let document =
        parse::parse(&text, info, Some("jsonl")).map_err(|e| e.at_line_offset(number - 1))?;
    Ok((hash, pipeline.process(document)))
}

/// One piece of a source decoded and parsed, its offsets its own.
fn parse_piece(
    piece: Piece,
    info: &SourceInfo,
    format: Option<&str>,
    lossy: bool,
) -> Result<Document> {
    let text = parse::decode_at(&piece.bytes, &info.path, lossy, piece.at)?;
    drop(piece.bytes);
    parse::parse(&text, info, format).map_err(|e| e.at_line_offset(piece.at.lines))
}

/// One piece of a source decoded, parsed and processed, its offsets its own.
fn process_piece(
    pipeline: &Pipeline,
    piece: Piece,
    info: &SourceInfo,
    format: Option<&str>,
    lossy: bool,
) -> Result<Processed> {
    Ok(pipeline.process(parse_piece(piece, info, format, lossy)?))
}

impl Pipeline {
    pub fn load(data: &DataFiles) -> Result<Self> {
        Self::load_on(data, 1)
    }

    /// `load` on up to `jobs` threads: the gazetteer of every actor, the biggest part, is
    /// indexed beside the rest (10 ms of a run's start, when nothing else can go on). An
    /// error is the one a load on one thread meets first.
    pub fn load_on(data: &DataFiles, jobs: usize) -> Result<Self> {
        let rest = || {
            (
                Extractor::load(data),
                Tagger::load(data),
                Scorer::load(data),
            )
        };
        let (attributor, (extractor, tagger, scorer)) = if jobs > 1 {
            std::thread::scope(|scope| {
                let attributor = scope.spawn(|| Attributor::load(data));
                let rest = rest();
                match attributor.join() {
                    Ok(attributor) => (attributor, rest),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        } else {
            (Attributor::load(data), rest())
        };
        let mut pipeline = Pipeline {
            extractor: extractor?,
            attributor: attributor?,
            tagger: tagger?,
            scorer: scorer?,
            data_fingerprint: 0,
        };
        pipeline.data_fingerprint = store::data_fingerprint(pipeline.actors(), pipeline.topics());
        Ok(pipeline)
    }

    pub fn actors(&self) -> &[Actor] {
        &self.attributor.gazetteer.actors
    }

    pub fn topics(&self) -> &[Topic] {
        &self.tagger.topics
    }

    /// The actors and topics a source's transaction syncs, fingerprinted once at load.
    pub fn known_data(&self) -> store::KnownData<'_> {
        store::KnownData::with_fingerprint(self.actors(), self.topics(), self.data_fingerprint)
    }

    /// Reads a source of any size in pieces cut where posts start (`piece_size` bytes or a
    /// little more each), for a caller that stores each piece as it comes.
    pub fn stream<R: BufRead>(
        &self,
        reader: R,
        info: &SourceInfo,
        format: Option<&str>,
        lossy: bool,
        piece_size: usize,
    ) -> Result<Stream<'_, R>> {
        Ok(Stream {
            pipeline: self,
            pieces: Pieces::new(reader, &info.path, format, piece_size)?,
            info: info.clone(),
            format: format.filter(|f| *f != "auto").map(str::to_string),
            lossy,
            posts: 0,
            started: false,
            first: None,
        })
    }

    /// A JSON Lines source read a line at a time, each line (a post or an article) a
    /// document of its own, so what is found in one never depends on the lines around it:
    /// any split of the input between processes gives the same statements. Lines go to
    /// `each` in their order; with `jobs` > 1 a thread reads ahead (a few lines a worker)
    /// while workers process them, so memory holds a few lines, however long the input.
    pub fn each_line(
        &self,
        mut reader: impl BufRead + Send,
        info: &SourceInfo,
        lossy: bool,
        jobs: usize,
        mut each: impl FnMut(Line) -> Result<()>,
    ) -> Result<()> {
        let info = &SourceInfo {
            skip_bad: false,
            continuation: false,
            ..info.clone()
        };
        let mut number = 0;
        if jobs <= 1 {
            while let Some(line) = next_line(&mut reader, &mut number, &info.path) {
                let (number, bytes) = line?;
                let read = read_line(self, number, &bytes, info, lossy);
                each(Line { number, read })?;
            }
            return Ok(());
        }
        /// A line processed (its number, and what came of it, a panic included), or the
        /// input failing.
        enum Done {
            Line(usize, std::thread::Result<Result<(String, Processed)>>),
            Failed(Error),
        }
        std::thread::scope(|scope| {
            // All made here, so that when this returns (on an error of `each`, or a closed
            // output) the channels close: the workers stop at their next line, and the
            // reader at its next send once the last worker has dropped the lines.
            let (work, lines) = std::sync::mpsc::sync_channel::<(usize, ReadLine)>(2 * jobs);
            let lines = std::sync::Arc::new(std::sync::Mutex::new(lines));
            let (done_tx, done) = std::sync::mpsc::channel::<(usize, Done)>();
            // Reading on a thread of its own: a line is processed and given to `each` while
            // the next is awaited, so a pipe that sends a line and waits gets its answer.
            scope.spawn(move || {
                let mut seq = 0;
                while let Some(line) = next_line(&mut reader, &mut number, &info.path) {
                    let failed = line.is_err();
                    if work.send((seq, line)).is_err() || failed {
                        break;
                    }
                    seq += 1;
                }
            });
            for _ in 0..jobs {
                let (lines, done_tx) = (lines.clone(), done_tx.clone());
                scope.spawn(move || {
                    loop {
                        let next = lines.lock().map(|rx| rx.recv());
                        let Ok(Ok((seq, line))) = next else { break };
                        let result = match line {
                            Ok((number, bytes)) => Done::Line(
                                number,
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    read_line(self, number, &bytes, info, lossy)
                                })),
                            ),
                            Err(e) => Done::Failed(e),
                        };
                        if done_tx.send((seq, result)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((done_tx, lines));
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            // Ends when every worker has (the reader closed the lines, or `each` failed and
            // this returns, dropping `done`, which stops them at their next line).
            for (seq, result) in done.iter() {
                waiting.insert(seq, result);
                while let Some(result) = waiting.remove(&next) {
                    next += 1;
                    match result {
                        Done::Line(number, Ok(read)) => each(Line { number, read })?,
                        Done::Line(_, Err(panic)) => std::panic::resume_unwind(panic),
                        Done::Failed(e) => return Err(e),
                    }
                }
            }
            Ok(())
        })
    }

    /// Decodes, parses and processes one source.
    pub fn read(
        &self,
        bytes: &[u8],
        info: &SourceInfo,
        format: Option<&str>,
        lossy: bool,
    ) -> Result<Processed> {
        let text = parse::decode(bytes, &info.path, lossy)?;
        let document = parse::parse(&text, info, format)?;
        Ok(self.process(document))
    }

    pub fn process(&self, mut document: Document) -> Processed {
        // Tests reach a panic in the analysis of one piece through this (debug builds only),
        // on whichever thread processes it.
        #[cfg(debug_assertions)]
        if std::env::var("WHOSAID_DEBUG_PANIC_IN_TEXT")
            .is_ok_and(|m| !m.is_empty() && document.text.contains(&m))
        {
            panic!("a panic injected for a test");
        }
        // Posts that stand apart (a feed's lines) are read each in a document of its own:
        // their statements must not depend on which lines share a piece (or, in `extract`,
        // a process). Each post is moved into its document for its turn, and back.
        let statements = if document.posts_apart && document.posts.len() > 1 {
            let posts = std::mem::take(&mut document.posts);
            let mut statements = Vec::with_capacity(posts.len());
            for post in posts {
                let mut line = Document {
                    published_on: post.published_at.map(|t| t.date_naive()),
                    text: String::new(),
                    posts: vec![post],
                    furniture: Vec::new(),
                    path: String::new(),
                    format: String::new(),
                    url: None,
                    skipped: 0,
                    posts_apart: true,
                };
                statements.push(self.statements(&line).pop().unwrap_or_default());
                document.posts.append(&mut line.posts);
            }
            statements
        } else {
            self.statements(&document)
        };
        Processed {
            document,
            statements,
        }
    }

    /// Every post's statements, `[i]` for `document.posts[i]`, read with the whole document
    /// as their context.
    fn statements(&self, document: &Document) -> Vec<Vec<Statement>> {
        // One analysis per post, read by every stage that needs the words, then dropped:
        // what the document-wide passes need of it is small (names, topic sentences).
        let mut statements = Vec::with_capacity(document.posts.len());
        let mut names = Vec::with_capacity(document.posts.len());
        let mut sentences = Vec::with_capacity(document.posts.len());
        let mut words = Vec::with_capacity(document.posts.len());
        let mut story = self.tagger.story();
        for post in &document.posts {
            let analysis = PostAnalysis::new(post.blocks().map(|b| b.paragraph.text.as_str()));
            let found = self.extractor.extract(post, &analysis);
            words.push(PostWords::new(post, &analysis, &found));
            statements.push(found);
            names.push(
                self.attributor
                    .names(post, &analysis, document.published_on),
            );
            sentences.push(self.tagger.sentences(post, &analysis, &mut story));
        }
        propagate_terms(&mut statements);
        self.attributor.attribute(document, &names, &mut statements);
        self.tagger.tag(&sentences, &story, &mut statements);
        self.scorer.score_all(&mut statements, &words);
        statements
    }
}

/// The words that name a topic, found again in stored text: why a statement carries it.
/// (Tagging keeps the topics, not the words; a topic with none in the words came from the
/// sentences around them or the post's story.)
pub struct TopicWords(Tagger);

impl TopicWords {
    pub fn load(data: &DataFiles) -> Result<Self> {
        Ok(TopicWords(Tagger::load(data)?))
    }

    /// Each naming of a topic in `text`: (topic, byte range in `text`).
    pub fn find<'a>(&'a self, text: &str) -> Vec<(&'a str, std::ops::Range<usize>)> {
        self.0.naming_words(text)
    }
}

/// The listed actor a user's name stands for (exactly, or spelled closely), whether or not
/// the database stores them yet: every actor the data files list (built-in and kept), read
/// only when a name is not among the stored actors'.
pub fn listed_actor(data: &DataFiles, name: &str) -> Result<Option<String>> {
    let actors = crate::attribute::Gazetteer::load(data)?.actors;
    let folded = crate::text::fold(name.trim());
    let names = || {
        actors.iter().flat_map(|a| {
            std::iter::once(a.name.as_str())
                .chain(store::stored_aliases(a))
                .map(move |n| (crate::text::fold(n), a.name.as_str()))
        })
    };
    if let Some((_, listed)) = names().find(|(n, _)| *n == folded) {
        return Ok(Some(listed.to_string()));
    }
    Ok(names()
        .map(|(n, listed)| (strsim::jaro_winkler(&folded, &n), listed))
        .filter(|(score, _)| *score >= 0.92)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, listed)| listed.to_string()))
}

/// A stored RFC 3339 time.
pub fn parse_time(t: Option<&str>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn evidence(row: &store::StanceRow) -> Evidence {
    Evidence {
        statement_id: row.statement_id,
        published_at: row
            .published_at
            .and_then(|t| DateTime::from_timestamp(t, 0)),
        stance: row.stance,
        confidence: row.confidence,
        words: row.words,
        has_cue: row.has_cue,
        cue: row.cue.as_deref().map(std::sync::Arc::from),
    }
}

fn stored_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn verdict_row(actor: String, topic: String, v: &Verdict) -> store::VerdictRow {
    let shifts: Vec<serde_json::Value> = v
        .shifts
        .iter()
        .map(|s| serde_json::json!({"on": s.on, "from": s.from.as_str(), "to": s.to.as_str()}))
        .collect();
    store::VerdictRow {
        actor,
        topic,
        stance: v.stance.as_str().to_string(),
        confidence: v.confidence,
        statements: i64::try_from(v.statements).unwrap_or(i64::MAX),
        first_said: stored_time(v.first_said),
        last_said: stored_time(v.last_said),
        strongest: v.strongest,
        shifts: serde_json::Value::from(shifts).to_string(),
    }
}

fn verdict_of_row(row: store::VerdictRow) -> (String, String, Verdict) {
    let shifts: Vec<serde_json::Value> = serde_json::from_str(&row.shifts).unwrap_or_default();
    let stance =
        |v: &serde_json::Value| Stance::parse(v.as_str().unwrap_or("")).unwrap_or(Stance::Unknown);
    let verdict = Verdict {
        stance: Stance::parse(&row.stance).unwrap_or(Stance::Unknown),
        confidence: row.confidence,
        statements: row.statements.max(0) as usize,
        first_said: parse_time(row.first_said.as_deref()),
        last_said: parse_time(row.last_said.as_deref()),
        strongest: row.strongest,
        shifts: shifts
            .iter()
            .map(|s| Shift {
                on: s["on"].as_str().unwrap_or_default().to_string(),
                from: stance(&s["from"]),
                to: stance(&s["to"]),
            })
            .collect(),
    };
    (row.actor, row.topic, verdict)
}

/// The stances of the given actors on the given topics (every pair when empty), by actor
/// and topic: the stored ones, and the ones still to compute computed here.
pub fn stance_table(
    conn: &Connection,
    actor_ids: &[i64],
    topics: &[String],
) -> Result<Vec<(String, String, Verdict)>> {
    let mut table: Vec<(String, String, Verdict)> =
        store::stance_verdicts(conn, actor_ids, topics)?
            .into_iter()
            .map(verdict_of_row)
            .collect();
    for (actor, stale) in by_actor(store::stale_pairs(conn, actor_ids, topics)?) {
        let name = store::actor_name(conn, actor)?;
        let kept = kept_of(conn, actor, &stale, None)?;
        for c in actor_stances(&mut Reader::At(conn), actor, &stale, kept, None)? {
            if let Some(v) = c.verdict {
                table.push((name.clone(), c.topic, v));
            }
        }
    }
    table.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Ok(table)
}

/// A stance computed again: its verdict and where computing it stopped, as kept (none: the
/// pair has no evidence left). Made ready to keep on the thread that computed it: deflating
/// it was a serial part of the refresh.
struct Computed {
    topic_id: i64,
    topic: String,
    verdict: Option<Verdict>,
    kept: Option<store::KeptProgress>,
}

/// An actor's stances on the given stale pairs, read in the actor's statements in time
/// order: from the start, or, for a pair whose new evidence all comes after its kept
/// progress, from there on (a day's new posts read, not the actor's whole record). A pair
/// whose new evidence `fresh` holds all of is computed from it, the tables not read.
fn actor_stances(
    reader: &mut Reader<'_>,
    actor: i64,
    pairs: &[StalePair],
    kept: Vec<(i64, store::KeptProgress)>,
    fresh: Option<&store::FreshEvidence>,
) -> Result<Vec<Computed>> {
    let mut progress: Vec<Progress> = pairs.iter().map(|_| Progress::default()).collect();
    // Per pair, the time its kept progress reached (none: read from the start).
    let mut through: Vec<Option<i64>> = vec![None; pairs.len()];
    // Per pair, whether the run's rows are all its new evidence.
    let mut from_fresh: Vec<bool> = pairs
        .iter()
        .map(|p| fresh.is_some_and(|f| f.covers(actor, p.topic_id, p.resume)))
        .collect();
    for (topic, (kept_through, state)) in kept {
        let Some(i) = pairs.iter().position(|p| p.topic_id == topic) else {
            continue;
        };
        let after = kept_through.unwrap_or(i64::MIN);
        // Gone on from only when all the new evidence is later than what it read; a state
        // that does not read back as this whosaid keeps it is computed from the start.
        if pairs[i].resume.is_some_and(|r| r > after)
            && let Some(kept) = Progress::from_kept(&state)
            && kept.through() == kept_through
        {
            progress[i] = kept;
            through[i] = Some(after);
        } else {
            // Computed from the start: the evidence before the run is in the tables only.
            from_fresh[i] = false;
        }
    }
    // One read for all the pairs the tables are read for, from the earliest any needs.
    if from_fresh.iter().any(|f| !f) {
        let after = through
            .iter()
            .zip(&from_fresh)
            .filter(|(_, fresh)| !**fresh)
            .map(|(t, _)| *t)
            .try_fold(i64::MAX, |a, t| t.map(|t| a.min(t)));
        let mut cues: HashMap<String, std::sync::Arc<str>> = HashMap::new();
        store::each_stance_row(reader.get()?, actor, after, |topic_id, mut row| {
            let Some(i) = pairs.iter().position(|p| p.topic_id == topic_id) else {
                return;
            };
            if from_fresh[i] {
                return;
            }
            if let Some(t) = through[i]
                && row.published_at.is_none_or(|at| at <= t)
            {
                return;
            }
            // Shared: an actor's hundred thousand statements use a few hundred cues.
            let cue = row.cue.take().map(|c| match cues.get(&c) {
                Some(shared) => shared.clone(),
                None => cues.entry(c.clone()).or_insert_with(|| c.into()).clone(),
            });
            progress[i].add(&Evidence {
                cue,
                ..self::evidence(&row)
            });
        })?;
    }
    if let Some(fresh) = fresh.filter(|_| from_fresh.iter().any(|f| *f)) {
        for row in fresh.rows_of(actor) {
            let Some(i) = pairs.iter().position(|p| p.topic_id == row.topic_id()) else {
                continue;
            };
            if !from_fresh[i] {
                continue;
            }
            let at = row.published_at();
            if let Some(t) = through[i]
                && at.is_none_or(|at| at <= t)
            {
                continue;
            }
            let cue = fresh.cue(row);
            // As `evidence` makes a row read back.
            progress[i].add(&Evidence {
                statement_id: row.statement_id,
                published_at: at.and_then(|t| DateTime::from_timestamp(t, 0)),
                stance: Stance::from_code(row.stance_code.into()).unwrap_or(Stance::Unknown),
                confidence: f64::from(row.confidence_pct) / 100.0,
                words: row.words as usize,
                has_cue: cue.as_deref().is_some_and(|c| !c.is_empty()),
                cue,
            });
        }
    }
    Ok(pairs
        .iter()
        .zip(progress)
        .map(|(pair, p)| {
            let has = p.statements() > 0;
            Computed {
                topic_id: pair.topic_id,
                topic: pair.topic.clone(),
                verdict: has.then(|| p.verdict()),
                kept: has.then(|| (p.through(), p.to_kept())),
            }
        })
        .collect())
}

/// The kept progress of the pairs that may go on from it: those given evidence since
/// (`resume`), and those the run's rows may be all the evidence of.
fn kept_of(
    conn: &Connection,
    actor: i64,
    pairs: &[StalePair],
    fresh: Option<&store::FreshEvidence>,
) -> Result<Vec<(i64, store::KeptProgress)>> {
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|p| {
            p.resume.is_some() || fresh.is_some_and(|f| f.covers(actor, p.topic_id, p.resume))
        })
        .map(|p| p.topic_id)
        .collect();
    store::stance_progress(conn, actor, &ids)
}

/// Where an actor's evidence is read when the run's rows are not all of it: a connection
/// at hand, or a worker thread's own, opened when it is first needed (a refresh computed
/// from the run's rows alone opens none).
enum Reader<'a> {
    At(&'a Connection),
    Own {
        path: &'a str,
        conn: Option<Connection>,
    },
}

impl Reader<'_> {
    fn get(&mut self) -> Result<&Connection> {
        match self {
            Reader::At(conn) => Ok(conn),
            Reader::Own { path, conn } => {
                if conn.is_none() {
                    let reader = store::open(path)?;
                    // It reads each actor's statements once: a small page cache does, and
                    // keeps the run within its memory budget.
                    reader
                        .pragma_update(None, "cache_size", -1024)
                        .map_err(Error::db("sizing the page cache"))?;
                    *conn = Some(reader);
                }
                conn.as_ref()
                    .ok_or_else(|| Error::Usage("no reader for the stances".into()))
            }
        }
    }
}

fn by_actor(pairs: Vec<StalePair>) -> Vec<(i64, Vec<StalePair>)> {
    let mut out: Vec<(i64, Vec<StalePair>)> = Vec::new();
    for pair in pairs {
        match out.last_mut() {
            Some((a, topics)) if *a == pair.actor_id => topics.push(pair),
            _ => out.push((pair.actor_id, vec![pair])),
        }
    }
    out
}

/// An actor's id, its stale pairs and what of them was kept: what a refresh computes.
type ActorWork<'a> = (i64, &'a [StalePair], Vec<(i64, store::KeptProgress)>);

/// An actor's id and its stances computed.
type ActorStances = (i64, Vec<Computed>);

/// Computes again every stance that new statements gave evidence on, in one transaction;
/// gives the number of (actor, topic) pairs computed.
pub fn refresh_stances(conn: &mut Connection, jobs: usize) -> Result<usize> {
    refresh_stances_from(conn, jobs, None)
}

/// `refresh_stances` after a run of ingests that kept the evidence it stored in `fresh`:
/// the pairs it holds all the new evidence of are computed from it.
pub fn refresh_stances_from(
    conn: &mut Connection,
    jobs: usize,
    fresh: Option<&store::FreshEvidence>,
) -> Result<usize> {
    // Tests reach the readers' fallback through this (debug builds only).
    #[cfg(debug_assertions)]
    if std::env::var_os("WHOSAID_DEBUG_FAIL_STANCES").is_some() {
        return Err(Error::Usage("a failure injected for a test".into()));
    }
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(Error::db("starting a transaction"))?;
    let stale = by_actor(store::stale_pairs(&tx, &[], &[])?);
    // Read in this transaction, which holds the write lock: no commit can come after.
    let fresh = match fresh {
        Some(f) if f.holds_all(&tx)? => Some(f),
        _ => None,
    };
    // The ingest's pages are in the writer's cache; the evidence read next is the biggest
    // thing a run holds, so they give it room.
    tx.execute_batch("PRAGMA shrink_memory")
        .map_err(Error::db("freeing the page cache"))?;
    // While this connection holds the write lock, others can still read what is committed
    // (WAL), which is all the evidence: a file database has its actors' stances computed on
    // `jobs` threads, each with a reader of its own if it has evidence to read.
    let path = tx.path().filter(|p| !p.is_empty()).map(str::to_string);
    // The progress kept, read here in one go: a worker whose actors the run's rows are all
    // the evidence of needs no connection of its own.
    let work: Vec<ActorWork<'_>> = stale
        .iter()
        .map(|(actor, pairs)| Ok((*actor, &pairs[..], kept_of(&tx, *actor, pairs, fresh)?)))
        .collect::<Result<_>>()?;
    let computed: Vec<ActorStances> = match path {
        Some(path) if jobs > 1 && work.len() > 1 => {
            // The most quoted actor first: one thread on the biggest share while the others
            // take the rest, rather than the biggest left to one thread at the end.
            let said = store::actor_statement_counts(&tx)?;
            let mut queue = work;
            queue.sort_by_key(|(actor, _, _)| said.get(actor).copied().unwrap_or(0));
            let workers = jobs.min(queue.len());
            let queue = std::sync::Mutex::new(queue);
            std::thread::scope(|scope| {
                let workers: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| -> Result<Vec<ActorStances>> {
                            let mut reader = Reader::Own {
                                path: &path,
                                conn: None,
                            };
                            let mut out = Vec::new();
                            loop {
                                let next = queue.lock().ok().and_then(|mut q| q.pop());
                                let Some((actor, pairs, kept)) = next else {
                                    break;
                                };
                                let computed =
                                    actor_stances(&mut reader, actor, pairs, kept, fresh)?;
                                out.push((actor, computed));
                            }
                            Ok(out)
                        })
                    })
                    .collect();
                let mut all = Vec::new();
                for worker in workers {
                    match worker.join() {
                        Ok(done) => all.extend(done?),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                Ok::<_, Error>(all)
            })?
        }
        _ => work
            .into_iter()
            .map(|(actor, pairs, kept)| {
                let computed = actor_stances(&mut Reader::At(&tx), actor, pairs, kept, fresh)?;
                Ok((actor, computed))
            })
            .collect::<Result<_>>()?,
    };
    let mut n = 0;
    for (actor, computed) in sorted(computed) {
        let name = store::actor_name(&tx, actor)?;
        let mut rows: Vec<(i64, store::VerdictRow)> = Vec::new();
        let mut kept = Vec::with_capacity(computed.len());
        for c in computed {
            if let Some(v) = &c.verdict {
                rows.push((actor, verdict_row(name.clone(), c.topic.clone(), v)));
            }
            kept.push((c.topic_id, c.kept));
        }
        store::put_verdicts(&tx, &rows)?;
        // A pair left without evidence (its statements are no longer a stance's) has no
        // stance, nor progress; it is no longer stale either.
        store::put_progress(&tx, actor, &kept)?;
        let ids: Vec<i64> = kept.iter().map(|(id, _)| *id).collect();
        store::clear_stale(&tx, actor, &ids)?;
        n += rows.len();
    }
    tx.commit().map_err(Error::db("committing the stances"))?;
    Ok(n)
}

/// Computed stances back in actor order (the order of the stale pairs), whatever thread
/// computed them.
fn sorted(mut computed: Vec<ActorStances>) -> Vec<ActorStances> {
    computed.sort_by_key(|(actor, _)| *actor);
    computed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece handed out while a worker waits on the queue is there for the writer to
    /// take: with a channel's receiver behind a mutex, the waiting worker held the lock and
    /// the writer, finding it taken, waited out a whole piece instead.
    #[test]
    fn the_writer_takes_a_piece_while_a_worker_waits_for_one() {
        let queue = JobQueue::default();
        std::thread::scope(|scope| {
            let _closing = queue.closing();
            let (started, waiting) = std::sync::mpsc::channel();
            let shared = &queue;
            let worker = scope.spawn(move || {
                started.send(()).unwrap();
                shared.wait_pop()
            });
            waiting.recv().unwrap();
            // Whether or not the worker is inside `wait_pop` yet, it takes one piece at most.
            std::thread::sleep(std::time::Duration::from_millis(20));
            queue.push(1);
            queue.push(2);
            let mine = queue.try_pop();
            let theirs = worker.join().unwrap();
            let mut both = [mine, theirs];
            both.sort();
            assert_eq!(both, [Some(1), Some(2)]);
        });
    }

    #[test]
    fn closing_the_queue_ends_the_waiting_workers_once_it_is_empty() {
        let queue = JobQueue::default();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..3)
                .map(|_| {
                    scope.spawn(|| {
                        let mut taken = Vec::new();
                        while let Some(job) = queue.wait_pop() {
                            taken.push(job);
                        }
                        taken
                    })
                })
                .collect();
            {
                let _closing = queue.closing();
                for job in 0..100 {
                    queue.push(job);
                }
            }
            let mut all: Vec<i32> = workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect();
            all.sort();
            assert_eq!(all, (0..100).collect::<Vec<_>>());
        });
        assert_eq!(queue.try_pop(), None);
    }

    #[test]
    fn the_queue_hands_out_pieces_in_the_order_they_came() {
        let queue = JobQueue::default();
        for job in ["a", "b", "c"] {
            queue.push(job);
        }
        assert_eq!(queue.try_pop(), Some("a"));
        assert_eq!(queue.wait_pop(), Some("b"));
        assert_eq!(queue.try_pop(), Some("c"));
        assert_eq!(queue.try_pop(), None);
    }

    /// Posts of one day each, `days` from 2025-03-01 on, with Starmer's and the Kremlin's
    /// words on a ceasefire and sanctions that change over time.
    fn posts(days: std::ops::Range<u32>) -> String {
        tagged_posts(days, "Earlier:")
    }

    /// `posts`, each opening with `tag` (the same remarks again, in another source).
    fn tagged_posts(days: std::ops::Range<u32>, tag: &str) -> String {
        let said = [
            "Keir Starmer said he strongly supports a ceasefire in Ukraine. Dmitry Peskov said sanctions on Russia were wrong.",
            "Keir Starmer said a ceasefire in Ukraine now would be a mistake. The Kremlin said a ceasefire in Ukraine must be agreed soon.",
            "Keir Starmer said more sanctions on Russia and a ceasefire in Ukraine were both needed.",
            "Keir Starmer said sanctions on Russia must stay until a ceasefire in Ukraine holds.",
            "Keir Starmer said he backs tougher sanctions on Russia and a full ceasefire in Ukraine.",
        ];
        days.map(|d| {
            let at =
                chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() + chrono::Days::new(d.into());
            serde_json::json!({
                "id": format!("{tag}{d}"),
                "published_at": format!("{at}T09:00:00Z"),
                "body": format!("{tag} {}", said[(d as usize * 7 / 3) % said.len()]),
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
    }

    fn ingest_text(pipeline: &Pipeline, conn: &mut Connection, name: &str, text: &str) {
        let info = SourceInfo {
            path: name.into(),
            ..SourceInfo::default()
        };
        let processed = pipeline.read(text.as_bytes(), &info, None, false).unwrap();
        store::ingest(
            conn,
            &processed.document,
            &processed.statements,
            pipeline.actors(),
            pipeline.topics(),
        )
        .unwrap();
    }

    /// The database `name`.db in `dir`, made if it is not there.
    fn open_in(dir: &tempfile::TempDir, name: &str) -> Connection {
        store::open(dir.path().join(format!("{name}.db")).to_str().unwrap()).unwrap()
    }

    /// `ingest_text` keeping the stance evidence it stores in `fresh`.
    fn ingest_keeping(
        pipeline: &Pipeline,
        conn: &mut Connection,
        name: &str,
        text: &str,
        fresh: &mut store::FreshEvidence,
    ) {
        let info = SourceInfo {
            path: name.into(),
            ..SourceInfo::default()
        };
        let processed = pipeline.read(text.as_bytes(), &info, None, false).unwrap();
        let meta = store::SourceMeta {
            path: name.into(),
            hash: store::content_hash(processed.document.text.as_bytes()),
            format: processed.document.format.clone(),
            url: None,
        };
        let store::Begun::Writer(mut writer) =
            store::SourceWriter::begin(conn, &meta, pipeline.known_data()).unwrap()
        else {
            panic!("{name} was stored already");
        };
        writer.keep_evidence(fresh);
        writer
            .add(
                &processed.document.text,
                &processed.document.posts,
                &processed.statements,
            )
            .unwrap();
        writer.finish_into(None, fresh).unwrap();
    }

    /// Every pair's kept progress: its time and its state as JSON.
    fn progress(conn: &Connection) -> Vec<(i64, i64, Option<i64>, String)> {
        conn.prepare("SELECT actor_id, topic_id, through, CAST(state AS BLOB) FROM stance_progress ORDER BY 1, 2")
            .unwrap()
            .query_map([], |r| {
                let state: Vec<u8> = r.get(3)?;
                let json = serde_json::to_string(&Progress::from_kept(&state)).unwrap();
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, json))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Untimed posts: `tagged_posts` without their times.
    fn untimed_posts(days: std::ops::Range<u32>, tag: &str) -> String {
        tagged_posts(days, tag)
            .lines()
            .map(|line| {
                let mut post: serde_json::Value = serde_json::from_str(line).unwrap();
                post.as_object_mut().unwrap().remove("published_at");
                post.to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Stances computed from the evidence a run of ingests kept are the stances computed
    /// from the tables, and their kept progress the same: for a new database, for later
    /// posts gone on from, for earlier and untimed ones, and for runs of several sources.
    /// The tables' evidence is made wrong before each refresh: a stance that read them
    /// instead of the run's rows would differ, where the run's rows are all the evidence.
    #[test]
    fn stances_from_the_evidence_a_run_kept_are_the_stances_read_back() {
        let pipeline = Pipeline::load(&DataFiles::embedded()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let runs: Vec<Vec<(&str, String)>> = vec![
            vec![("a.jsonl", posts(10..25))],
            vec![("b.jsonl", posts(25..30)), ("c.jsonl", posts(30..40))],
            // Earlier than what was read: from the tables.
            vec![("d.jsonl", posts(0..5))],
            vec![("e.jsonl", untimed_posts(40..45, "Untimed:"))],
            vec![("f.jsonl", tagged_posts(45..50, "Later:"))],
            vec![
                ("g.jsonl", tagged_posts(50..55, "Last:")),
                ("h.jsonl", tagged_posts(50..52, "Again:")),
            ],
        ];
        for jobs in [1, 2] {
            let open = |name: &str| open_in(&dir, &format!("{name}{jobs}"));
            let mut read = open("read");
            let mut kept = open("kept");
            for (i, run) in runs.iter().enumerate() {
                let mut fresh = store::FreshEvidence::start(&kept, 0).unwrap();
                for (name, text) in run {
                    ingest_text(&pipeline, &mut read, name, text);
                    ingest_keeping(&pipeline, &mut kept, name, text, &mut fresh);
                }
                refresh_stances(&mut read, jobs).unwrap();
                // Only a run of later posts is computed from its rows alone.
                let later = i != 2 && i != 3;
                if later {
                    kept.execute_batch(
                        "CREATE TEMP TABLE saved AS SELECT * FROM statement_topics;
                         UPDATE statement_topics SET stance_code = 4, cue = NULL;",
                    )
                    .unwrap();
                }
                refresh_stances_from(&mut kept, jobs, Some(&fresh)).unwrap();
                let all = verdicts(&read);
                assert!(all.len() >= 3, "{all:?}");
                assert_eq!(verdicts(&kept), all, "jobs {jobs}, run {i}");
                assert_eq!(progress(&kept), progress(&read), "jobs {jobs}, run {i}");
                if later {
                    // Put right for the runs that read the tables.
                    kept.execute_batch(
                        "UPDATE statement_topics SET (stance_code, cue) =
                             (SELECT s.stance_code, s.cue FROM temp.saved s
                               WHERE (s.statement_id, s.topic_id)
                                   = (statement_topics.statement_id, statement_topics.topic_id));
                         DROP TABLE temp.saved;",
                    )
                    .unwrap();
                }
            }
        }
    }

    /// Another connection (another whosaid) commits a source on the same pairs between a
    /// run's commit and its stances: the run's rows are not all the evidence any more, and
    /// the stances are those read from the tables.
    #[test]
    fn stances_are_read_back_once_another_writer_committed_meanwhile() {
        let pipeline = Pipeline::load(&DataFiles::embedded()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut read = open_in(&dir, "read");
        let mut kept = open_in(&dir, "kept");
        let mut other = open_in(&dir, "kept");
        for conn in [&mut read, &mut kept] {
            ingest_text(&pipeline, conn, "seed.jsonl", &posts(0..2));
            refresh_stances(conn, 1).unwrap();
        }
        let mut fresh = store::FreshEvidence::start(&kept, 0).unwrap();
        ingest_keeping(
            &pipeline,
            &mut kept,
            "mine.jsonl",
            &posts(2..10),
            &mut fresh,
        );
        let theirs = tagged_posts(10..20, "Theirs:");
        ingest_text(&pipeline, &mut other, "theirs.jsonl", &theirs);
        ingest_text(&pipeline, &mut read, "mine.jsonl", &posts(2..10));
        ingest_text(&pipeline, &mut read, "theirs.jsonl", &theirs);
        refresh_stances(&mut read, 1).unwrap();
        refresh_stances_from(&mut kept, 1, Some(&fresh)).unwrap();
        assert_eq!(verdicts(&kept), verdicts(&read));
        assert_eq!(progress(&kept), progress(&read));
    }

    /// Every kept progress edited as JSON, and kept back as JSON text (as whosaid kept it
    /// before it deflated it).
    fn edit_progress(conn: &Connection, edit: impl Fn(&mut serde_json::Value)) {
        let kept: Vec<(i64, i64, Vec<u8>)> = conn
            .prepare("SELECT actor_id, topic_id, CAST(state AS BLOB) FROM stance_progress")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(!kept.is_empty());
        for (actor, topic, state) in kept {
            let text = if state.first() == Some(&b'{') {
                state
            } else {
                let mut text = Vec::new();
                std::io::Read::read_to_end(
                    &mut flate2::read::DeflateDecoder::new(&state[..]),
                    &mut text,
                )
                .unwrap();
                text
            };
            let mut json: serde_json::Value = serde_json::from_slice(&text).unwrap();
            edit(&mut json);
            conn.execute(
                "UPDATE stance_progress SET state = ?3 WHERE actor_id = ?1 AND topic_id = ?2",
                rusqlite::params![actor, topic, json.to_string()],
            )
            .unwrap();
        }
    }

    fn verdicts(conn: &Connection) -> Vec<Vec<String>> {
        let mut stmt = conn
            .prepare("SELECT * FROM stance_verdicts ORDER BY actor_id, topic_id")
            .unwrap();
        let columns = stmt.column_count();
        stmt.query_map([], |r| {
            (0..columns)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i)
                        .map(|v| format!("{v:?}"))
                })
                .collect()
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    /// Kept progress is read back from the database, which anyone can write: a state that
    /// is not one whosaid wrote is computed again from the start, and one of numbers at
    /// their limits is gone on from without a panic.
    #[test]
    fn kept_progress_whosaid_did_not_write_is_read_again_or_survived() {
        let pipeline = Pipeline::load(&DataFiles::embedded()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let open = |name: &str| store::open(dir.path().join(name).to_str().unwrap()).unwrap();
        let mut whole = open("whole.db");
        ingest_text(&pipeline, &mut whole, "all.jsonl", &posts(10..30));
        refresh_stances(&mut whole, 1).unwrap();
        let mut kept = open("kept.db");
        ingest_text(&pipeline, &mut kept, "first.jsonl", &posts(10..20));
        refresh_stances(&mut kept, 1).unwrap();
        kept.execute_batch(
            "UPDATE stance_progress SET state = 'not what whosaid wrote'
             WHERE (actor_id, topic_id) IN
                   (SELECT actor_id, topic_id FROM stance_progress LIMIT 1)",
        )
        .unwrap();
        ingest_text(&pipeline, &mut kept, "later.jsonl", &posts(20..30));
        refresh_stances(&mut kept, 1).unwrap();
        assert_eq!(verdicts(&kept), verdicts(&whole));
        // Counts at their limit and a base time at the far past.
        edit_progress(&kept, |state| {
            state["statements"] = u64::MAX.into();
            state["since"]["seen"] = u64::MAX.into();
            state["untimed"]["seen"] = u64::MAX.into();
            state["since"]["base"] = i64::MIN.into();
            state["open"]["base"] = i64::MIN.into();
        });
        ingest_text(&pipeline, &mut kept, "last.jsonl", &posts(30..31));
        refresh_stances(&mut kept, 1).unwrap();
        // Gone on from (the count saturated), not computed again.
        let counts: Vec<String> = verdicts(&kept).iter().map(|v| v[4].clone()).collect();
        assert!(
            counts.contains(&format!("Integer({})", i64::MAX)),
            "{counts:?}"
        );
    }

    /// Stances computed as posts come, a batch of later ones at a time, are the stances of
    /// all the posts computed at once; and they are gone on with from where they stopped
    /// (a mark left in the kept progress shows) until earlier posts come, which computes
    /// them from the start.
    #[test]
    fn stances_gone_on_with_as_later_posts_come_are_the_stances_of_all_at_once() {
        let pipeline = Pipeline::load(&DataFiles::embedded()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for jobs in [1, 2] {
            let open = |name: &str| open_in(&dir, &format!("{name}{jobs}"));
            let mut whole = open("whole");
            ingest_text(&pipeline, &mut whole, "all.jsonl", &posts(10..60));
            refresh_stances(&mut whole, jobs).unwrap();
            let mut batches = open("batches");
            for (i, days) in [10..25, 25..26, 26..40, 40..60].into_iter().enumerate() {
                ingest_text(
                    &pipeline,
                    &mut batches,
                    &format!("b{i}.jsonl"),
                    &posts(days),
                );
                refresh_stances(&mut batches, jobs).unwrap();
            }
            let all = verdicts(&whole);
            assert!(all.len() >= 3, "{all:?}");
            assert!(
                all.iter().any(|v| v[8] != "Text(\"[]\")"),
                "no shifts: {all:?}"
            );
            assert_eq!(verdicts(&batches), all, "jobs {jobs}");

            // A mark in the kept progress: later posts go on from it.
            let counts = |conn: &Connection| -> Vec<i64> {
                conn.prepare("SELECT statements FROM stance_verdicts ORDER BY actor_id, topic_id")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap()
            };
            let before = counts(&batches);
            edit_progress(&batches, |state| {
                state["statements"] = (state["statements"].as_u64().unwrap() + 1000).into();
            });
            ingest_text(&pipeline, &mut batches, "later.jsonl", &posts(60..61));
            refresh_stances(&mut batches, jobs).unwrap();
            let after = counts(&batches);
            let gone_on = before
                .iter()
                .zip(&after)
                .filter(|(b, a)| **a > **b + 1000)
                .count();
            assert!(gone_on >= 1, "{before:?} {after:?}");
            // Posts as old as the last read, or older: every stance they touch is computed
            // from the start. (The same words at the same time are one remark, which the
            // kept progress cannot tell.)
            let mut whole = open("whole-later");
            ingest_text(&pipeline, &mut whole, "all.jsonl", &posts(10..61));
            for (name, text) in [
                ("again.jsonl", tagged_posts(60..61, "Again:")),
                ("earlier.jsonl", posts(0..10)),
            ] {
                // Without the mark: the stances touched are the stances of all at once.
                edit_progress(&batches, |state| {
                    state["statements"] = (state["statements"].as_i64().unwrap() - 1000).into();
                });
                ingest_text(&pipeline, &mut batches, name, &text);
                refresh_stances(&mut batches, jobs).unwrap();
                ingest_text(&pipeline, &mut whole, name, &text);
                refresh_stances(&mut whole, jobs).unwrap();
                assert_eq!(verdicts(&batches), verdicts(&whole), "jobs {jobs}, {name}");
            }
        }
    }
}
