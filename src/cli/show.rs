//! `whosaid show ID...`: one statement with all its provenance: the source (path, URL,
//! content hash), the post (time, title, author), the byte offsets, the paragraph with the
//! words marked, the speaker as written and as resolved (and how), the reporting cue, the
//! topics with the words that name them, and the stances with the words that decided them.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::Outcome;
use super::output::{Field, OutputFormat, RowWriter};
use crate::data::DataFiles;
use crate::error::Result;
use crate::pipeline::TopicWords;
use crate::store::{self, Provenance, ProvenanceActor};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid quotes --actor Starmer --limit 5   (the first column is the id)\n  \
                        whosaid show 1234\n  whosaid show 1234 1240 --format json"
)]
pub struct ShowArgs {
    /// Statement ids, as the first column of `quotes` gives them
    #[arg(required = true, value_name = "ID")]
    ids: Vec<i64>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(
    conn: &Connection,
    data: &DataFiles,
    args: &ShowArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let words = TopicWords::load(data)?;
    let mut shown = Vec::new();
    let mut missing = Vec::new();
    for &id in &args.ids {
        match store::provenance(conn, id)? {
            Some(p) => shown.push(p),
            None => missing.push(id),
        }
    }
    let details: Vec<Value> = shown.iter().map(|p| detail(p, &words)).collect();
    match args.format {
        OutputFormat::Table => {
            for (i, (p, d)) in shown.iter().zip(&details).enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                table(p, d, out)?;
            }
        }
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &details)?;
            writeln!(out)?;
        }
        OutputFormat::Jsonl => {
            for d in &details {
                serde_json::to_writer(&mut *out, d)?;
                writeln!(out)?;
            }
        }
        OutputFormat::Csv => {
            let mut w = RowWriter::new(OutputFormat::Csv, &CSV_COLUMNS, out);
            for (p, d) in shown.iter().zip(&details) {
                let joined = ["topic", "stance", "stance_cue"].map(|key| {
                    d["topics"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|t| t[key].as_str().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(";")
                });
                w.push_fields(&csv_fields(p, d, &joined))?;
            }
            w.finish()?;
        }
    }
    out.flush()?;
    for id in &missing {
        eprintln!("whosaid: no statement with id {id} (the first column of `quotes` gives ids)");
    }
    Ok(if shown.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

/// How the speaker was found, told from the words that name them: whosaid attributes by the
/// name, an alias, a pronoun or title standing for someone named before, or, with nothing
/// at the words, the speaker carried from the statements before.
fn resolved_by(mention: Option<&str>, actor: &ProvenanceActor) -> &'static str {
    let Some(mention) = mention.map(str::trim).filter(|m| !m.is_empty()) else {
        return "carried forward: no speaker at the words, the one of the statements before";
    };
    let folded = crate::text::fold(mention);
    let name = crate::text::fold(&actor.name);
    if folded == name {
        return "name";
    }
    if actor.aliases.iter().any(|a| crate::text::fold(a) == folded) {
        return "alias";
    }
    if matches!(
        folded.as_str(),
        "he" | "she" | "they" | "it" | "we" | "i" | "him" | "her" | "them"
    ) {
        return "pronoun: the speaker named before it";
    }
    let name_words: Vec<&str> = name.split_whitespace().collect();
    let mention_words: Vec<&str> = folded.split_whitespace().collect();
    if name_words.iter().all(|w| mention_words.contains(w)) {
        return "name, with a title";
    }
    if mention_words.iter().all(|w| name_words.contains(w)) {
        return "part of the name";
    }
    if folded.starts_with("the ") || folded.starts_with("a ") || folded.starts_with("an ") {
        return "title or description: the one it names in the post";
    }
    if strsim::jaro_winkler(&folded, &name) >= 0.9 {
        return "close spelling of the name";
    }
    "as written"
}

/// The statement as one JSON object: the contract of `--format json` and `jsonl`.
fn detail(p: &Provenance, words: &TopicWords) -> Value {
    // The topics' words are looked for in the context (the sentence around the statement),
    // and given as offsets in the source text.
    let named = words.find(&p.context);
    let topics: Vec<Value> = p
        .topics
        .iter()
        .map(|t| {
            let found: Vec<Value> = named
                .iter()
                .filter(|(topic, _)| *topic == t.topic)
                .map(|(_, r)| {
                    json!({
                        "words": p.context.get(r.clone()).unwrap_or_default(),
                        "start": p.context_start + r.start as i64,
                        "end": p.context_start + r.end as i64,
                    })
                })
                .collect();
            json!({
                "topic": t.topic,
                "parent": t.parent,
                "named_by": found,
                "stance": t.stance,
                "confidence": t.confidence,
                "stance_cue": t.stance_cue,
            })
        })
        .collect();
    let (marked_start, marked_end) = marked(p);
    json!({
        "id": p.id,
        "kind": p.kind,
        "words": p.words,
        "start": p.start,
        "end": p.end,
        "speaker": {
            "as_written": p.speaker_mention,
            "actor": p.actor.as_ref().map(|a| a.name.clone()),
            "resolved_by": p.actor.as_ref().map(|a| resolved_by(p.speaker_mention.as_deref(), a)),
            "discovered": p.actor.as_ref().map(|a| a.discovered),
            "country": p.actor.as_ref().and_then(|a| a.country.clone()),
            "wikidata": p.actor.as_ref().and_then(|a| a.wikidata.clone()),
            "aliases": p.actor.as_ref().map(|a| a.aliases.clone()).unwrap_or_default(),
        },
        "cue": p.cue,
        "topics": topics,
        "paragraph": {
            "text": p.paragraph,
            "start": p.paragraph_start,
            "end": p.paragraph_end,
            "words_start": marked_start,
            "words_end": marked_end,
        },
        "context": {
            "text": p.context,
            "start": p.context_start,
            "end": p.context_end,
        },
        "post": {
            "id": p.post.id,
            "number": p.post.number,
            "published_at": p.post.published_at,
            "title": p.post.title,
            "author": p.post.author,
            "role": p.post.role,
            "url": p.post.url,
            "body_start": p.post.body_start,
            "body_end": p.post.body_end,
        },
        "source": {
            "id": p.source.id,
            "path": p.source.path,
            "url": p.source.url,
            "content_hash": p.source.content_hash,
            "format": p.source.format,
            "published_on": p.source.published_on,
            "ingested_at": p.source.ingested_at,
        },
    })
}

/// Where the words are in the paragraph (byte offsets in it), when they are its text.
fn marked(p: &Provenance) -> (Option<i64>, Option<i64>) {
    let (a, b) = (p.start - p.paragraph_start, p.end - p.paragraph_start);
    let inside = a >= 0
        && b >= a
        && p.paragraph
            .get(a as usize..(b as usize).min(p.paragraph.len()))
            .is_some();
    if inside {
        (Some(a), Some(b.min(p.paragraph.len() as i64)))
    } else {
        (None, None)
    }
}

fn table(p: &Provenance, d: &Value, out: &mut dyn Write) -> Result<()> {
    let text = |v: &Value| super::output::plain(v);
    writeln!(out, "statement {} ({})", p.id, p.kind)?;
    let mut line = |label: &str, value: String| -> Result<()> {
        if !value.is_empty() {
            writeln!(out, "  {label:<12}{value}")?;
        }
        Ok(())
    };
    line("words", p.words.clone())?;
    let speaker = &d["speaker"];
    match &p.actor {
        Some(a) => {
            let mut said = a.name.clone();
            if a.discovered {
                said.push_str(" (found in the text, not in the actor list)");
            }
            line("said by", said)?;
            let written = p.speaker_mention.as_deref().unwrap_or("");
            line(
                "as written",
                if written.is_empty() {
                    text(&speaker["resolved_by"])
                } else {
                    format!("\"{written}\" ({})", text(&speaker["resolved_by"]))
                },
            )?;
        }
        None => line("said by", "no speaker found".into())?,
    }
    line("cue", p.cue.clone().unwrap_or_default())?;
    for t in d["topics"].as_array().into_iter().flatten() {
        let mut about = format!("{}: {} {:.2}", text(&t["topic"]), text(&t["stance"]), {
            t["confidence"].as_f64().unwrap_or(0.0)
        });
        if let Some(cue) = t["stance_cue"].as_str() {
            about.push_str(&format!(", stance from \"{cue}\""));
        }
        let named: Vec<String> = t["named_by"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|w| format!("\"{}\"", text(&w["words"])))
            .collect();
        if named.is_empty() {
            about.push_str("; not named in the sentence (carried from the sentences around it or the post's story)");
        } else {
            about.push_str(&format!("; named by {}", named.join(", ")));
        }
        line("topic", about)?;
    }
    let post = &p.post;
    let mut posted = format!("#{} of the source", post.number);
    if let Some(t) = &post.published_at {
        posted.push_str(&format!(", {t}"));
    }
    if let Some(a) = &post.author {
        posted.push_str(&format!(", by {a}"));
        if let Some(r) = &post.role {
            posted.push_str(&format!(" ({r})"));
        }
    }
    line("post", posted)?;
    line("title", post.title.clone().unwrap_or_default())?;
    line("post url", post.url.clone().unwrap_or_default())?;
    let s = &p.source;
    line("source", format!("{} ({}, id {})", s.path, s.format, s.id))?;
    line("source url", s.url.clone().unwrap_or_default())?;
    line("sha256", s.content_hash.clone())?;
    line("ingested", s.ingested_at.clone())?;
    line(
        "offsets",
        format!(
            "bytes {}..{} of the source text (sentence {}..{})",
            p.start, p.end, p.context_start, p.context_end
        ),
    )?;
    let paragraph = match marked(p) {
        (Some(a), Some(b)) => format!(
            "{}«{}»{}",
            &p.paragraph[..a as usize],
            &p.paragraph[a as usize..b as usize],
            &p.paragraph[b as usize..]
        ),
        _ => p.paragraph.clone(),
    };
    line("paragraph", paragraph)?;
    Ok(())
}

const CSV_COLUMNS: [&str; 20] = [
    "id",
    "kind",
    "words",
    "start",
    "end",
    "actor",
    "speaker_mention",
    "resolved_by",
    "cue",
    "topics",
    "stances",
    "stance_cues",
    "post_number",
    "published_at",
    "post_title",
    "post_author",
    "source",
    "source_url",
    "content_hash",
    "paragraph",
];

/// `joined`: the topics, their stances and their stance cues, each joined with ';'.
fn csv_fields<'a>(p: &'a Provenance, d: &'a Value, joined: &'a [String; 3]) -> Vec<Field<'a>> {
    let text = |t: &'a Option<String>| t.as_deref().map_or(Field::Null, Field::Text);
    vec![
        Field::Int(p.id),
        Field::Text(&p.kind),
        Field::Text(&p.words),
        Field::Int(p.start),
        Field::Int(p.end),
        p.actor
            .as_ref()
            .map_or(Field::Null, |a| Field::Text(&a.name)),
        text(&p.speaker_mention),
        d["speaker"]["resolved_by"]
            .as_str()
            .map_or(Field::Null, Field::Text),
        text(&p.cue),
        Field::Text(&joined[0]),
        Field::Text(&joined[1]),
        Field::Text(&joined[2]),
        Field::Int(p.post.number),
        text(&p.post.published_at),
        text(&p.post.title),
        text(&p.post.author),
        Field::Text(&p.source.path),
        text(&p.source.url),
        Field::Text(&p.source.content_hash),
        Field::Text(&p.paragraph),
    ]
}
