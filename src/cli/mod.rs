//! The command line. Takes the arguments; parses them with clap, opens the database once and
//! hands it to one subcommand (one file each). Results go to stdout, errors to stderr; exit
//! 0 with results, 1 with none, 2 on error.

mod actors;
mod compare;
mod eval;
mod export;
mod extract;
mod ingest;
mod load;
mod network;
pub mod output;
mod parse;
mod quotes;
mod report;
mod reprocess;
mod search;
mod show;
mod stance;
mod topics;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use rusqlite::Connection;

use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::model::StatementKind;
use crate::store::{self, Filter};

#[derive(Debug, Parser)]
#[command(
    name = "whosaid",
    version,
    about = "Who said what, about what, and when: quotes from news posts in SQLite"
)]
pub struct Cli {
    /// The database [default: $WHOSAID_DB, else whosaid.db]
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<String>,
    /// A directory of data files (actors.csv, topics.csv...) overriding the built-in ones
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Write CSV cells that open with =, +, -, @, a tab or CR as they are, instead of
    /// behind a ' that keeps a spreadsheet from running them as formulas
    #[arg(long, global = true)]
    no_formula_guard: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read sources into the database ('-' reads stdin)
    Ingest(ingest::IngestArgs),
    /// Read sources with no database: their statements as JSON Lines on stdout, for Spark,
    /// a pipe or a data lake
    Extract(extract::ExtractArgs),
    /// Store `whosaid extract`'s output in the database, as ingest would have
    Load(load::LoadArgs),
    /// List statements
    Quotes(quotes::QuotesArgs),
    /// Statements whose words or sentence hold the words searched for (full-text index)
    Search(search::SearchArgs),
    /// One statement with all its provenance: source, post, paragraph, speaker, topics
    Show(show::ShowArgs),
    /// Write statements as CSV
    Export(export::ExportArgs),
    /// List the actors with statements
    Actors(actors::ActorsArgs),
    /// An actor's stance on a topic, with the statements behind it
    Stance(stance::StanceArgs),
    /// Actors side by side: stances by topic
    Compare(compare::CompareArgs),
    /// The actor-topic or actor-actor agreement network, for Gephi and visone
    Network(network::NetworkArgs),
    /// Run the pipeline again over stored sources (after an actor, topic or data change)
    Reprocess(reprocess::ReprocessArgs),
    /// A self-contained HTML page: stance heatmap, timelines, the evidence behind each
    Report(report::ReportArgs),
    /// List the topics with statement counts
    Topics(topics::TopicsArgs),
    /// Show how a source is read (posts, paragraphs, page furniture) without storing it
    Parse(parse::ParseArgs),
    /// Score whosaid against your own annotated texts (no database needed)
    Eval(eval::EvalArgs),
    /// Print a shell's completion script: whosaid completions bash > ~/.local/share/bash-completion/completions/whosaid
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): whosaid man > ~/.local/share/man/man1/whosaid.1
    Man,
}

/// How to read a source: shared by ingest and parse.
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// The year of the posts, when the source does not say it (1900 to 2100)
    #[arg(
        long,
        value_name = "YYYY",
        allow_hyphen_values = true,
        value_parser = clap::value_parser!(i32).range(1900..=2100)
    )]
    year: Option<i32>,
    /// The publication date, when the source does not say it (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// The input format; auto chooses by content
    #[arg(
        long = "input-format",
        value_name = "FORMAT",
        default_value = "auto",
        value_parser = ["auto", "jsonl", "html", "bbc-live", "live-text", "article"]
    )]
    input_format: String,
    /// Read invalid UTF-8 with replacement characters instead of refusing the file
    #[arg(long)]
    lossy: bool,
}

impl ReadArgs {
    /// `--date` as a date.
    fn date(&self) -> Result<Option<chrono::NaiveDate>> {
        self.date
            .as_deref()
            .map(|d| {
                let day = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    Error::Usage(format!("--date '{d}' is not a date: use YYYY-MM-DD"))
                })?;
                // News is dated within these years; a date outside them is a slip.
                if !(1900..=2100).contains(&chrono::Datelike::year(&day)) {
                    return Err(Error::Usage(format!("--date '{d}' is outside 1900-2100")));
                }
                Ok(day)
            })
            .transpose()
    }
}

/// Which statements to read: shared by quotes and export.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// A speaker by name, alias or close spelling (repeatable)
    #[arg(long, value_name = "NAME")]
    actor: Vec<String>,
    /// From this date (YYYY-MM-DD or RFC 3339), inclusive
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Up to this date (YYYY-MM-DD or RFC 3339), inclusive
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// direct, partial, indirect, action or term (repeatable or comma-separated) [default: all but term]
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    kind: Vec<String>,
    /// About this topic (repeatable; a parent topic takes in its children)
    #[arg(long, value_name = "TOPIC")]
    topic: Vec<String>,
    /// At most this many statements (1 or more)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,
}

/// The stored actors a user's name stands for; for an actor the data files list whom the
/// database holds nothing of yet (an actor is stored with their first statement),
/// `store::NO_ACTOR`, so the answer is that they said nothing, not that they are unknown.
fn resolve_actor(conn: &Connection, data: &DataFiles, name: &str) -> Result<Vec<i64>> {
    match store::resolve_actor(conn, name) {
        // Unknown to the database, or the database has no actors at all yet.
        Err(unknown @ (Error::UnknownActor { .. } | Error::Usage(_))) => {
            match crate::pipeline::listed_actor(data, name)? {
                Some(_) => Ok(vec![store::NO_ACTOR]),
                None => Err(unknown),
            }
        }
        resolved => resolved,
    }
}

/// The name of a stored actor, or of the listed one a user's name stands for.
fn actor_name(conn: &Connection, data: &DataFiles, id: i64, asked: &str) -> Result<String> {
    if id == store::NO_ACTOR {
        return Ok(crate::pipeline::listed_actor(data, asked)?.unwrap_or_else(|| asked.into()));
    }
    store::actor_name(conn, id)
}

impl FilterArgs {
    fn filter(&self, conn: &Connection, data: &DataFiles) -> Result<Filter> {
        let mut actor_ids = Vec::new();
        for name in &self.actor {
            actor_ids.extend(resolve_actor(conn, data, name)?);
        }
        let mut kinds = Vec::new();
        for k in &self.kind {
            let kind = StatementKind::parse(k).ok_or_else(|| {
                Error::Usage(format!(
                    "unknown kind '{k}': use direct, partial, indirect, action or term"
                ))
            })?;
            kinds.push(kind.as_str().to_string());
        }
        if kinds.is_empty() {
            kinds = said_kinds();
        }
        let topics = self
            .topic
            .iter()
            .map(|t| store::resolve_topic(conn, t))
            .collect::<Result<Vec<_>>>()?;
        Ok(Filter {
            actor_ids,
            since: self.since.as_deref().map(|d| bound(d, false)).transpose()?,
            until: self.until.as_deref().map(|d| bound(d, true)).transpose()?,
            kinds,
            topics,
            exact_topics: false,
            limit: self.limit.map(|n| n as usize),
            attributed_only: false,
            search: None,
        })
    }
}

pub use crate::pipeline::parse_time;

pub fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> serde_json::Value {
    t.map(|t| serde_json::Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
        .unwrap_or(serde_json::Value::Null)
}

/// Every kind of statement but scare-quoted terms: what a speaker said, the read commands'
/// default and the evidence of a stance.
fn said_kinds() -> Vec<String> {
    ["direct", "partial", "indirect", "action"]
        .map(String::from)
        .to_vec()
}

/// The actors and topics a user names, as the store knows them: actor ids (a name may stand
/// for more than one) and topic names; an unknown one is an error with a suggestion.
fn actors_and_topics(
    conn: &Connection,
    data: &DataFiles,
    actors: &[String],
    topics: &[String],
) -> Result<(Vec<i64>, Vec<String>)> {
    let mut actor_ids = Vec::new();
    for a in actors {
        actor_ids.extend(resolve_actor(conn, data, a)?);
    }
    let topics = topics
        .iter()
        .map(|t| store::resolve_topic(conn, t))
        .collect::<Result<Vec<_>>>()?;
    Ok((actor_ids, topics))
}

/// A user's date as an inclusive RFC 3339 bound: a bare day covers the whole day.
fn bound(s: &str, end: bool) -> Result<String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    let day = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::Usage(format!("'{s}' is not a date: use YYYY-MM-DD or RFC 3339")))?;
    Ok(format!(
        "{day}T{}Z",
        if end { "23:59:59" } else { "00:00:00" }
    ))
}

/// A bar of the bytes read by a long ingest or reprocess, drawn on stderr when it is a
/// terminal and nowhere otherwise; a spinner when the size is not known; none asked for
/// (`None`): hidden.
pub(crate) fn progress_bar(bytes: Option<u64>) -> indicatif::ProgressBar {
    let Some(bytes) = bytes else {
        return indicatif::ProgressBar::hidden();
    };
    let bar = if bytes > 0 {
        indicatif::ProgressBar::new(bytes)
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} {eta} {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Whether a command found anything: decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    Nothing,
}

pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match dispatch(cli) {
        Ok(Outcome::Found) => 0,
        Ok(Outcome::Nothing) => 1,
        Err(e) if e.is_broken_pipe() => 0,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "whosaid: {e}");
            2
        }
    }
}

fn dispatch(cli: Cli) -> Result<Outcome> {
    output::guard_formulas(!cli.no_formula_guard);
    let data = cli
        .data
        .map(DataFiles::from_dir)
        .unwrap_or_else(DataFiles::embedded);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Completions and the manual are the command line's own.
    match &cli.command {
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "whosaid", &mut out);
            out.flush()?;
            return Ok(Outcome::Found);
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(&mut out)?;
            out.flush()?;
            return Ok(Outcome::Found);
        }
        _ => {}
    }
    // Scoring reads into databases of its own, in memory.
    if let Command::Eval(args) = &cli.command {
        let outcome = eval::run(&data, args, &mut out)?;
        out.flush()?;
        return Ok(outcome);
    }
    // Extracting needs no database; the actors a user keeps in one (named with --db) join
    // the built-in list.
    if let Command::Extract(args) = &cli.command {
        let data = match cli
            .db
            .as_deref()
            .filter(|db| std::path::Path::new(db).exists())
        {
            Some(db) => data.with_kept(&store::kept(&store::open(db)?)?)?,
            None => data,
        };
        let outcome = extract::run(&data, args, &mut out)?;
        out.flush()?;
        return Ok(outcome);
    }
    // Reading a source needs no database.
    if let Command::Parse(args) = &cli.command {
        let outcome = parse::run(&data, args, &mut out)?;
        out.flush()?;
        return Ok(outcome);
    }
    let db = cli
        .db
        .or_else(|| std::env::var("WHOSAID_DB").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "whosaid.db".to_string());
    // A read command on a path that holds nothing is a typo, not an empty knowledge base.
    if !matches!(cli.command, Command::Ingest(_) | Command::Load(_))
        && db != ":memory:"
        && !std::path::Path::new(&db).exists()
    {
        return Err(Error::Usage(format!(
            "no database at {db} (ingest something first)"
        )));
    }
    // A database made by this ingest gets the pages its sources suit.
    let pages = match &cli.command {
        Command::Ingest(args) if !std::path::Path::new(&db).exists() => ingest::pages_for(args),
        _ => store::Pages::Default,
    };
    // A new database's schema is made on a thread of its own while an ingest on several
    // threads loads its data files: both are fixed costs of a few milliseconds, which a
    // megabyte's ingest waited for one after the other.
    if let Command::Ingest(args) = &cli.command
        && ingest::threads(args) > 1
        && db != ":memory:"
        && !std::path::Path::new(&db).exists()
    {
        let (opened, loaded) = std::thread::scope(|scope| {
            let opening = scope.spawn(|| store::open_with_pages(&db, pages));
            let loaded = crate::pipeline::Pipeline::load_on(&data, ingest::threads(args));
            let opened = opening
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (opened, loaded)
        });
        let mut conn = opened?;
        // Another whosaid may have made the database meanwhile, and kept actors in it.
        let kept = store::kept(&conn)?;
        let outcome = if kept.is_empty() {
            ingest::run_loaded(&mut conn, &loaded?, args, &mut out)?
        } else {
            ingest::run(&mut conn, &data.with_kept(&kept)?, args, &mut out)?
        };
        out.flush()?;
        return Ok(outcome);
    }
    let mut conn = store::open_with_pages(&db, pages)?;
    // The actors the user keeps in the database join the built-in list.
    let data = data.with_kept(&store::kept(&conn)?)?;
    let outcome = match cli.command {
        Command::Ingest(args) => ingest::run(&mut conn, &data, &args, &mut out),
        Command::Load(args) => load::run(&mut conn, &data, &args, &mut out),
        Command::Quotes(args) => quotes::run(&conn, &data, &args, &mut out),
        Command::Search(args) => search::run(&conn, &data, &args, &mut out),
        Command::Show(args) => show::run(&conn, &data, &args, &mut out),
        Command::Export(args) => export::run(&conn, &data, &args, &mut out),
        Command::Actors(args) => actors::run(&mut conn, &data, &args, &mut out),
        Command::Stance(args) => stance::run(&conn, &data, &args, &mut out),
        Command::Compare(args) => compare::run(&conn, &data, &args, &mut out),
        Command::Network(args) => network::run(&conn, &data, &args, &mut out),
        Command::Reprocess(args) => reprocess::run(&mut conn, &data, &args, &mut out),
        Command::Report(args) => report::run(&conn, &data, &args, &mut out),
        Command::Topics(args) => topics::run(&conn, &args, &mut out),
        Command::Parse(_)
        | Command::Eval(_)
        | Command::Extract(_)
        | Command::Completions { .. }
        | Command::Man => {
            unreachable!("handled before the database is opened")
        }
    }?;
    out.flush()?;
    Ok(outcome)
}
