//! `whosaid compare [ACTOR...]`: actors side by side, a stance per topic.

use std::io::Write;

use clap::Args;
use rusqlite::Connection;
use serde_json::json;

use super::output::{OutputFormat, Records, cut, terminal_width};
use super::{Outcome, time};
use crate::error::Result;
use crate::model::Stance;
use crate::stance::Verdict;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid compare\n  whosaid compare Starmer Zelensky Putin --topic ceasefire --format csv"
)]
pub struct CompareArgs {
    /// Actors to compare [default: every actor with a statement]
    #[arg(value_name = "ACTOR")]
    actors: Vec<String>,
    /// Topics to compare (repeatable) [default: every topic]
    #[arg(long, value_name = "TOPIC")]
    topic: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(
    conn: &Connection,
    data: &crate::data::DataFiles,
    args: &CompareArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let (actor_ids, topics) = super::actors_and_topics(conn, data, &args.actors, &args.topic)?;
    let cells = crate::pipeline::stance_table(conn, &actor_ids, &topics)?;
    match args.format {
        OutputFormat::Table => table(&cells, out)?,
        format => {
            let mut r = Records::new(&[
                "actor",
                "topic",
                "stance",
                "statements",
                "first_said",
                "last_said",
                "evidence",
                "confidence",
                "shifts",
            ]);
            for (actor, topic, v) in &cells {
                let shifts: Vec<String> = v
                    .shifts
                    .iter()
                    .map(|s| format!("{}: {}->{}", s.on, s.from.as_str(), s.to.as_str()))
                    .collect();
                r.rows.push(vec![
                    json!(actor),
                    json!(topic),
                    json!(v.stance.as_str()),
                    json!(v.statements),
                    time(v.first_said),
                    time(v.last_said),
                    json!(v.strongest),
                    json!(v.confidence),
                    json!(shifts.join("; ")),
                ]);
            }
            r.write(format, out)?;
        }
    }
    Ok(if cells.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

fn short(stance: Stance) -> &'static str {
    match stance {
        Stance::Support => "sup",
        Stance::Oppose => "opp",
        Stance::Mixed => "mix",
        Stance::Neutral => "neu",
        Stance::Unknown => "?",
    }
}

/// Actors as rows, topics as columns, cells "sup 5"; topics split over several tables
/// when they do not fit the terminal.
fn table(cells: &[(String, String, Verdict)], out: &mut dyn Write) -> Result<()> {
    let mut actors: Vec<(&str, usize)> = Vec::new();
    let mut topics: Vec<(&str, usize)> = Vec::new();
    for (a, t, v) in cells {
        match actors.iter_mut().find(|(x, _)| x == a) {
            Some((_, n)) => *n += v.statements,
            None => actors.push((a, v.statements)),
        }
        match topics.iter_mut().find(|(x, _)| x == t) {
            Some((_, n)) => *n += v.statements,
            None => topics.push((t, v.statements)),
        }
    }
    actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let name_width = actors
        .iter()
        .map(|(a, _)| unicode_width::UnicodeWidthStr::width(*a))
        .max()
        .unwrap_or(5)
        .min(20);
    let width = terminal_width().min(100);
    const COLUMN: usize = 10;
    let per_table = ((width.saturating_sub(name_width + 2)) / (COLUMN + 2)).max(1);
    for (k, group) in topics.chunks(per_table).enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        // Topic names are data, not static column names: the header is the first row.
        let mut r = Records::new(&vec![""; group.len() + 1]);
        let mut header = vec![json!("actor")];
        header.extend(group.iter().map(|(t, _)| json!(cut(t, COLUMN))));
        r.rows.push(header);
        for (a, _) in &actors {
            let mut row = vec![json!(cut(a, name_width))];
            for (t, _) in group {
                let cell = cells
                    .iter()
                    .find(|(x, y, _)| x == a && y == t)
                    .map(|(_, _, v)| format!("{} {}", short(v.stance), v.statements))
                    .unwrap_or_else(|| "-".into());
                row.push(json!(cell));
            }
            r.rows.push(row);
        }
        r.table_without_header(out, width)?;
    }
    writeln!(
        out,
        "\nsup/opp/mix/neu: support, oppose, mixed, neutral; ?: no stance; n: statements"
    )?;
    Ok(())
}
