//! `whosaid eval GOLD_DIR`: scores whosaid against a user's own annotation. Takes a directory
//! of texts with their gold (`NAME.txt` with `NAME_quotes.csv`, and optionally
//! `NAME_indirect.csv` and `NAME_stances.csv`; or `texts/` and `gold/` beside each other);
//! ingests each text into a database of its own, in memory, as `ingest` would; gives a line
//! per text and the figures pooled over all of them, with `--details` every miss.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser};
use rusqlite::Connection;
use serde_json::json;

use super::output::{OutputFormat, Records};
use super::{Cli, Command, Outcome};
use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::eval::{Counts, Found, FoundStance, GoldQuote, GoldReport, GoldStance, score_text};
use crate::store::{self, Filter};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  whosaid eval my-gold/\n  \
                        whosaid eval my-gold/ --details\n  whosaid eval my-gold/ --format json")]
pub struct EvalArgs {
    /// The directory of texts and their annotation
    #[arg(value_name = "GOLD_DIR")]
    dir: PathBuf,
    /// List every miss of every text: MISS, SPEAKER, TERM, EXTRA, TOPIC, IND-MISS, STANCE
    #[arg(long)]
    details: bool,
    /// Only the texts whose names start with these (repeatable or comma-separated)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    only: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

/// A text and the annotation files found for it.
struct Annotated {
    name: String,
    text: PathBuf,
    quotes: PathBuf,
    indirect: Option<PathBuf>,
    stances: Option<PathBuf>,
}

pub fn run(data: &DataFiles, args: &EvalArgs, out: &mut dyn Write) -> Result<Outcome> {
    let texts = annotated(&args.dir)?;
    let texts: Vec<Annotated> = texts
        .into_iter()
        .filter(|t| args.only.is_empty() || args.only.iter().any(|o| t.name.starts_with(o)))
        .collect();
    if texts.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no text with its annotation (NAME.txt beside NAME_quotes.csv, or texts/ and gold/)",
            args.dir.display()
        )));
    }
    let mut total = Counts::default();
    // Short names, so a line per text fits a terminal: gold quotes, found, extra (false
    // positives), rightly attributed, reported statements and found, stances and right.
    let mut per_text = Records::new(&[
        "text", "quotes", "found", "extra", "speaker", "reported", "found_r", "stances", "right",
        "refused",
    ]);
    let mut details: Vec<(String, Vec<String>)> = Vec::new();
    let mut refused = 0;
    for t in &texts {
        let gold = read_quotes(&t.quotes)?;
        let reports = t.indirect.as_deref().map(read_reports).transpose()?;
        let stances = t.stances.as_deref().map(read_stances).transpose()?;
        // A text whosaid refuses found nothing: its gold still counts.
        let (found, found_stances, error) = match run_text(data, &t.text) {
            Ok((f, s)) => (f, s, None),
            Err(e) => (Vec::new(), Vec::new(), Some(e.to_string())),
        };
        refused += usize::from(error.is_some());
        let mut missed = Vec::new();
        if let Some(e) = &error {
            missed.push(format!("REFUSED   {e}"));
        }
        let c = score_text(
            &gold,
            reports.as_deref(),
            stances.as_deref(),
            &found,
            &found_stances,
            &mut missed,
        );
        total += c;
        per_text.rows.push(vec![
            json!(t.name),
            json!(c.quotes_gold),
            json!(c.quotes_found),
            json!(c.quotes_false_positive),
            json!(c.speaker_correct),
            json!(c.indirect_gold),
            json!(c.indirect_found),
            json!(c.stance_pairs),
            json!(c.stance_correct),
            json!(error.is_some()),
        ]);
        details.push((t.name.clone(), missed));
    }
    let f = total.figures();
    let figures: Vec<(&str, serde_json::Value)> = vec![
        ("texts", json!(texts.len())),
        ("texts_refused", json!(refused)),
        ("quote_recall", round(f.quote_recall)),
        ("quote_precision", round(f.quote_precision)),
        ("quote_f1", round(f.quote_f1)),
        ("speaker_accuracy", round(f.speaker_accuracy)),
        (
            "end_to_end_attributed_recall",
            round(f.end_to_end_attributed_recall),
        ),
        (
            "terms_wrongly_attributed",
            json!(f.terms_wrongly_attributed),
        ),
        ("topic_recall", round(f.topic_recall)),
        ("indirect_recall", round(f.indirect_recall)),
        ("stance_accuracy", round(f.stance_accuracy)),
    ];
    match args.format {
        OutputFormat::Table => {
            per_text.write(OutputFormat::Table, out)?;
            writeln!(out)?;
            let mut pooled = Records::new(&["figure", "value"]);
            for (name, v) in &figures {
                pooled.rows.push(vec![json!(name), v.clone()]);
            }
            pooled.write(OutputFormat::Table, out)?;
            if args.details {
                for (name, missed) in &details {
                    writeln!(out, "\n# {name}")?;
                    for m in missed {
                        writeln!(out, "  {m}")?;
                    }
                }
            }
        }
        OutputFormat::Csv => {
            // One row of figures: what a script compares between runs.
            let columns: Vec<&'static str> = figures.iter().map(|(n, _)| *n).collect();
            let mut r = Records::new(&columns);
            r.rows
                .push(figures.iter().map(|(_, v)| v.clone()).collect());
            r.write(OutputFormat::Csv, out)?;
        }
        OutputFormat::Json | OutputFormat::Jsonl => {
            let texts: Vec<serde_json::Value> = per_text
                .rows
                .iter()
                .zip(&details)
                .map(|(row, (_, missed))| {
                    let mut o = serde_json::Map::new();
                    for (c, v) in per_text.columns.iter().zip(row) {
                        o.insert(c.to_string(), v.clone());
                    }
                    if args.details {
                        o.insert("details".into(), json!(missed));
                    }
                    serde_json::Value::Object(o)
                })
                .collect();
            let mut pooled = serde_json::Map::new();
            for (n, v) in &figures {
                pooled.insert(n.to_string(), v.clone());
            }
            pooled.insert("counts".into(), serde_json::to_value(total)?);
            let doc = json!({ "pooled": pooled, "texts": texts });
            if args.format == OutputFormat::Json {
                serde_json::to_writer_pretty(&mut *out, &doc)?;
            } else {
                serde_json::to_writer(&mut *out, &doc)?;
            }
            writeln!(out)?;
        }
    }
    Ok(Outcome::Found)
}

fn round(x: f64) -> serde_json::Value {
    json!((x * 1000.0).round() / 1000.0)
}

/// Ingests one text into a database of its own, as `whosaid ingest TEXT` would, and reads
/// back what `export` and `compare` give.
fn run_text(data: &DataFiles, text: &Path) -> Result<(Vec<Found>, Vec<FoundStance>)> {
    let mut conn: Connection = store::open_in_memory()?;
    let cli = Cli::try_parse_from([
        std::ffi::OsStr::new("whosaid"),
        std::ffi::OsStr::new("ingest"),
        std::ffi::OsStr::new("--no-progress"),
        text.as_os_str(),
    ])
    .map_err(|e| Error::Usage(e.to_string()))?;
    let Command::Ingest(args) = cli.command else {
        unreachable!("parsed as ingest")
    };
    let mut report = Vec::new();
    if super::ingest::run(&mut conn, data, &args, &mut report)? != Outcome::Found {
        return Err(Error::input(
            &text.display().to_string(),
            None,
            "ingest failed",
        ));
    }
    let filter = Filter {
        kinds: super::said_kinds(),
        ..Filter::default()
    };
    let mut found = Vec::new();
    store::each_statement(&conn, &filter, |s| {
        found.push(Found {
            published_at: s.published_at.unwrap_or_default(),
            actor: s.actor.unwrap_or_default(),
            kind: s.kind,
            quote: s.quote,
            context: s.context,
            topics: s.topics,
            mention: s.speaker_mention.unwrap_or_default(),
        });
        Ok(())
    })?;
    let stances = crate::pipeline::stance_table(&conn, &[], &[])?
        .into_iter()
        .map(|(actor, topic, v)| FoundStance {
            actor,
            topic,
            stance: v.stance.as_str().to_string(),
        })
        .collect();
    Ok((found, stances))
}

/// The texts of `dir` with their annotation: in `dir` itself, or in `dir/texts` with the
/// annotation in `dir/gold`. `NAME.txt` goes with `NAME_quotes.csv`, or with `N_quotes.csv`
/// where the name is `N-DATE` (the date tells the year).
fn annotated(dir: &Path) -> Result<Vec<Annotated>> {
    let (texts_dir, gold_dir) = if dir.join("texts").is_dir() && dir.join("gold").is_dir() {
        (dir.join("texts"), dir.join("gold"))
    } else {
        (dir.to_path_buf(), dir.to_path_buf())
    };
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| Error::Io { path, source }
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(&texts_dir)
        .map_err(io(&texts_dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            !matches!(ext, "csv" | "md")
        })
        .collect();
    names.sort();
    let mut out = Vec::new();
    for text in names {
        let stem = text
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let short = stem.split('-').next().unwrap_or(&stem).to_string();
        let Some(prefix) = [stem.clone(), short]
            .into_iter()
            .find(|p| gold_dir.join(format!("{p}_quotes.csv")).is_file())
        else {
            continue;
        };
        let file = |kind: &str| {
            Some(gold_dir.join(format!("{prefix}_{kind}.csv"))).filter(|p| p.is_file())
        };
        out.push(Annotated {
            name: stem,
            quotes: gold_dir.join(format!("{prefix}_quotes.csv")),
            indirect: file("indirect"),
            stances: file("stances"),
            text,
        });
    }
    Ok(out)
}

/// The rows of an annotation file by column name; a missing column is an error naming it.
fn records(path: &Path, need: &[&str]) -> Result<Vec<Vec<String>>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| Error::input(&name, Some(1), e.to_string()))?
        .clone();
    let index: Vec<usize> = need
        .iter()
        .map(|n| {
            headers.iter().position(|h| h.trim() == *n).ok_or_else(|| {
                Error::input(
                    &name,
                    Some(1),
                    format!("no column '{n}' (it needs {})", need.join(", ")),
                )
            })
        })
        .collect::<Result<_>>()?;
    let mut rows = Vec::new();
    for (i, r) in reader.records().enumerate() {
        let r = r.map_err(|e| Error::input(&name, Some(i + 2), e.to_string()))?;
        rows.push(
            index
                .iter()
                .map(|&k| r.get(k).unwrap_or("").to_string())
                .collect(),
        );
    }
    Ok(rows)
}

fn read_quotes(path: &Path) -> Result<Vec<GoldQuote>> {
    Ok(records(
        path,
        &["id", "post_time", "speaker", "kind", "quote", "topics"],
    )?
    .into_iter()
    .map(|r| GoldQuote {
        id: r[0].clone(),
        post_time: r[1].clone(),
        speaker: r[2].trim().to_string(),
        kind: r[3].clone(),
        quote: r[4].clone(),
        topics: r[5]
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
    })
    .collect())
}

fn read_reports(path: &Path) -> Result<Vec<GoldReport>> {
    Ok(records(path, &["speaker", "snippet"])?
        .into_iter()
        .map(|r| GoldReport {
            speaker: r[0].trim().to_string(),
            snippet: r[1].clone(),
        })
        .collect())
}

fn read_stances(path: &Path) -> Result<Vec<GoldStance>> {
    Ok(records(path, &["actor", "topic", "stance"])?
        .into_iter()
        .map(|r| GoldStance {
            actor: r[0].trim().to_string(),
            topic: r[1].trim().to_string(),
            stance: r[2].trim().to_string(),
        })
        .collect())
}
