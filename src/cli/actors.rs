//! `whosaid actors`: who has statements, how many, and over what time; `--discovered` the
//! ones found in the text, to review. `actors add`, `alias` and `merge` keep actors by hand
//! in the database, beside the built-in list, for every later ingest and `reprocess`.

use std::io::Write;

use clap::{Args, Subcommand};
use rusqlite::Connection;
use serde_json::json;

use super::Outcome;
use super::output::{OutputFormat, Records};
use crate::error::{Error, Result};
use crate::model::KeptActor;
use crate::store;

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  whosaid actors\n  whosaid actors --discovered\n  \
                  whosaid actors add \"Ilse Navarro\" --alias Navarro --country ES\n  \
                  whosaid actors alias \"Keir Starmer\" \"the PM\"\n  \
                  whosaid actors merge \"Ilse Navaro\" \"Ilse Navarro\"\n  \
                  whosaid reprocess"
)]
pub struct ActorsArgs {
    #[command(subcommand)]
    action: Option<ActorsAction>,
    /// Only the actors found in the text, not in the actor lists: to review
    #[arg(long)]
    discovered: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

#[derive(Debug, Subcommand)]
enum ActorsAction {
    /// Keep an actor of your own: every later ingest, and reprocess, knows them
    Add {
        /// The actor's full name, as statements should give it
        name: String,
        /// Another name or spelling the text may use (repeatable)
        #[arg(long = "alias", value_name = "ALIAS")]
        aliases: Vec<String>,
        #[arg(long, default_value = "person", value_parser = ["person", "organisation"])]
        kind: String,
        /// ISO 3166 country code
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        /// m, f or n (an institution)
        #[arg(long, value_parser = ["m", "f", "n"])]
        gender: Option<String>,
    },
    /// Another name for an actor, built-in, kept or found in the text
    Alias { name: String, alias: String },
    /// Two actors are one: FROM's statements become INTO's, FROM's name an alias of INTO
    Merge { from: String, into: String },
}

pub fn run(
    conn: &mut Connection,
    data: &crate::data::DataFiles,
    args: &ActorsArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    match &args.action {
        None => list(conn, args, out),
        Some(ActorsAction::Add {
            name,
            aliases,
            kind,
            country,
            gender,
        }) => {
            let name = name.trim();
            if name.is_empty() || aliases.iter().any(|a| a.trim().is_empty()) {
                return Err(Error::Usage(
                    "an actor, and each alias, needs a name".into(),
                ));
            }
            // A listed actor is known already; one found in the text is taken in.
            // (Listed: in the data files, stored yet or not.)
            let listed = crate::pipeline::listed_actor(data, name)?
                .is_some_and(|listed| crate::text::fold(&listed) == crate::text::fold(name));
            if listed && !is_kept(conn, name)? {
                return Err(Error::Usage(format!(
                    "'{name}' is in the actor list already: give it another name with \
                     'whosaid actors alias \"{name}\" ALIAS'"
                )));
            }
            store::keep_actor(
                conn,
                &KeptActor {
                    name: name.to_string(),
                    kind: kind.clone(),
                    gender: gender.clone(),
                    country: country.as_deref().map(str::to_uppercase),
                },
            )?;
            for a in aliases {
                store::keep_alias(conn, name, a.trim())?;
            }
            writeln!(
                out,
                "kept '{name}' ({kind}{}); 'whosaid reprocess' reads the stored sources again with it",
                match aliases.len() {
                    0 => String::new(),
                    1 => ", 1 alias".into(),
                    n => format!(", {n} aliases"),
                }
            )?;
            Ok(Outcome::Found)
        }
        Some(ActorsAction::Alias { name, alias }) => {
            if alias.trim().is_empty() {
                return Err(Error::Usage("an alias needs a name".into()));
            }
            let canonical = canonical(conn, data, name)?;
            let discovered: bool = conn
                .query_row(
                    "SELECT discovered FROM actors WHERE name = ?1",
                    [&canonical],
                    |r| r.get::<_, i64>(0).map(|d| d != 0),
                )
                .unwrap_or(false);
            if discovered && !is_kept(conn, &canonical)? {
                store::keep_actor(
                    conn,
                    &KeptActor {
                        name: canonical.clone(),
                        kind: "person".into(),
                        gender: None,
                        country: None,
                    },
                )?;
            }
            store::keep_alias(conn, &canonical, alias.trim())?;
            // Asked for by the new name at once; found by it in text after a reprocess.
            conn.execute(
                "INSERT OR IGNORE INTO aliases (actor_id, alias)
                 SELECT id, ?2 FROM actors WHERE name = ?1",
                rusqlite::params![canonical, alias.trim()],
            )
            .map_err(Error::db("storing an alias"))?;
            writeln!(
                out,
                "'{}' is another name of '{canonical}'; 'whosaid reprocess' reads the stored sources again with it",
                alias.trim()
            )?;
            Ok(Outcome::Found)
        }
        Some(ActorsAction::Merge { from, into }) => {
            let from_ids = super::resolve_actor(conn, data, from)?;
            let into_ids = super::resolve_actor(conn, data, into)?;
            // An actor is stored with their first statement.
            for (name, ids) in [(from, &from_ids), (into, &into_ids)] {
                if ids.contains(&store::NO_ACTOR) {
                    let listed = super::actor_name(conn, data, store::NO_ACTOR, name)?;
                    return Err(Error::Usage(format!(
                        "'{listed}' has no statements to merge: to read '{from}' as '{into}' \
                         in the stored sources, 'whosaid actors alias \"{into}\" \"{from}\"', \
                         then 'whosaid reprocess'"
                    )));
                }
            }
            let (&[from_id], &[into_id]) = (from_ids.as_slice(), into_ids.as_slice()) else {
                return Err(Error::Usage(format!(
                    "'{from}' or '{into}' names more than one actor: give the full names"
                )));
            };
            if from_id == into_id {
                return Err(Error::Usage(format!(
                    "'{from}' and '{into}' are one actor already"
                )));
            }
            let (from_name, into_name) = (
                store::actor_name(conn, from_id)?,
                store::actor_name(conn, into_id)?,
            );
            let into_discovered: bool = conn
                .query_row(
                    "SELECT discovered FROM actors WHERE id = ?1",
                    [into_id],
                    |r| r.get::<_, i64>(0).map(|d| d != 0),
                )
                .unwrap_or(false);
            if into_discovered && !is_kept(conn, &into_name)? {
                store::keep_actor(
                    conn,
                    &KeptActor {
                        name: into_name.clone(),
                        kind: "person".into(),
                        gender: None,
                        country: None,
                    },
                )?;
            }
            let moved = store::merge_actors(conn, from_id, into_id)?;
            crate::pipeline::refresh_stances(conn, 1)?;
            writeln!(
                out,
                "merged: {moved} statements of '{from_name}' are '{into_name}''s, and '{from_name}' is another name of '{into_name}'"
            )?;
            Ok(Outcome::Found)
        }
    }
}

fn is_kept(conn: &Connection, name: &str) -> Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM kept_actors WHERE name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(Error::db("reading the actors kept by hand"))
}

/// The one actor a name stands for.
fn canonical(conn: &Connection, data: &crate::data::DataFiles, name: &str) -> Result<String> {
    let ids = super::resolve_actor(conn, data, name)?;
    match ids.as_slice() {
        [id] => super::actor_name(conn, data, *id, name),
        _ => Err(Error::Usage(format!(
            "'{name}' names more than one actor: give the full name"
        ))),
    }
}

fn list(conn: &Connection, args: &ActorsArgs, out: &mut dyn Write) -> Result<Outcome> {
    let rows: Vec<store::ActorRow> = store::actors(conn)?
        .into_iter()
        .filter(|a| !args.discovered || a.discovered)
        .collect();
    let mut r = Records::new(&[
        "actor",
        "statements",
        "first_said",
        "last_said",
        "country",
        "discovered",
    ]);
    for a in &rows {
        r.rows.push(vec![
            json!(a.name),
            json!(a.statements),
            json!(a.first_said),
            json!(a.last_said),
            json!(a.country),
            json!(a.discovered),
        ]);
    }
    r.write(args.format, out)?;
    Ok(if rows.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
