//! Listed actors (built-in and kept) are stored with their first statement, not with every
//! database; asked for before they have said anything, they have no results rather than
//! being unknown.

mod common;

use common::Workspace;
use serde_json::Value;

/// A page of our own: one listed leader speaks, by his surname.
const PAGE: &str = "Live Reporting
Edited by Mara Quinn
Leaders weigh a truce in Ukrainepublished at 09:10 British Summer Time 4 June
09:10 BST 4 June
Jonas Berg
Diplomatic correspondent
\"A ceasefire has to come first,\" Starmer told MPs in London.
";

/// A later page in which a listed leader speaks under a name the user gave him.
const LATER: &str = "Live Reporting
Edited by Mara Quinn
Paris answers on the truce in Ukrainepublished at 10:30 British Summer Time 5 June
10:30 BST 5 June
Jonas Berg
Diplomatic correspondent
\"We will not lift sanctions before a ceasefire,\" Manu told reporters in Paris.
";

fn ingested() -> Workspace {
    let w = Workspace::new();
    let file = w.write("truce-live-2025-06-04.txt", PAGE.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    w
}

/// (name, country, aliases) of every stored actor, by name.
fn stored_actors(w: &Workspace) -> Vec<(String, Option<String>, String)> {
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT a.name, a.country, coalesce((SELECT group_concat(alias, '|') FROM
                    (SELECT alias FROM aliases WHERE actor_id = a.id ORDER BY alias)), '')
             FROM actors a ORDER BY a.name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn an_actor_is_stored_with_their_first_statement_with_what_the_list_says_of_them() {
    let w = ingested();
    let actors = stored_actors(&w);
    assert_eq!(
        actors,
        vec![(
            "Keir Starmer".to_string(),
            Some("GB".to_string()),
            "Sir Keir|Sir Keir Starmer|Starmer".to_string()
        )],
        "only the actor who spoke is stored"
    );
    let rows = w.json(&["quotes", "--actor", "Sir Keir", "--format", "json"]);
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["actor"], "Keir Starmer");
}

#[test]
fn a_listed_actor_who_has_said_nothing_has_no_results_rather_than_being_unknown() {
    let w = ingested();
    for name in ["Emmanuel Macron", "macron", "Emanuel Macron"] {
        let r = w.run(&["quotes", "--actor", name, "--format", "json"]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(!r.stderr.contains("unknown"), "{name}: {}", r.stderr);
        let rows: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(rows, Value::Array(Vec::new()), "{name}");
    }
    // Asked with another actor, the other's statements are the answer.
    let rows = w.json(&[
        "quotes", "--actor", "Macron", "--actor", "Starmer", "--format", "json",
    ]);
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    let r = w.run(&["stance", "Macron", "ceasefire", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let stance: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(stance["actor"], "Emmanuel Macron");
    assert_eq!(stance["stance"], "unknown");
    assert_eq!(stance["statements"], 0);
    let r = w.run(&["compare", "Macron", "Starmer", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cells: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        cells
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["actor"] == "Keir Starmer"),
        "{cells}"
    );
    // A name no list has is still an error, with the nearest stored name.
    let r = w.run(&["quotes", "--actor", "Starmerr Keirr Zed"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown actor"), "{}", r.stderr);
}

#[test]
fn an_alias_given_to_a_listed_actor_before_they_speak_finds_them_when_they_do() {
    let w = ingested();
    let r = w.run(&["actors", "alias", "Macron", "Manu"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("'Emmanuel Macron'"), "{}", r.stdout);
    let file = w.write("truce-live-2025-06-05.txt", LATER.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = w.json(&["quotes", "--actor", "Manu", "--format", "json"]);
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["actor"], "Emmanuel Macron");
    let macron = stored_actors(&w)
        .into_iter()
        .find(|a| a.0 == "Emmanuel Macron")
        .unwrap();
    assert_eq!(macron.1.as_deref(), Some("FR"));
    assert!(macron.2.split('|').any(|a| a == "Manu"), "{macron:?}");
}

#[test]
fn merging_with_a_listed_actor_who_has_said_nothing_says_how_to_alias_instead() {
    let w = ingested();
    let r = w.run(&["actors", "merge", "Starmer", "Macron"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'Emmanuel Macron' has no statements")
            && r.stderr.contains("actors alias"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_listed_actor_is_asked_for_in_a_database_where_nobody_has_spoken_yet() {
    let w = Workspace::new();
    let page = PAGE.replace(
        "\"A ceasefire has to come first,\" Starmer told MPs in London.",
        "Talks on a ceasefire went on in London.",
    );
    let file = w.write("quiet-live-2025-06-04.txt", page.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(stored_actors(&w).is_empty());
    let r = w.run(&["quotes", "--actor", "Starmer"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let r = w.run(&["quotes", "--actor", "Nobody Anybody Zed"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no actor"), "{}", r.stderr);
}

/// A page in which another listed leader speaks, by his full name.
const MACRON: &str = "Live Reporting
Edited by Mara Quinn
Paris weighs in on the truce in Ukrainepublished at 11:00 British Summer Time 6 June
11:00 BST 6 June
Jonas Berg
Diplomatic correspondent
\"Europe is ready to guarantee a ceasefire,\" Emmanuel Macron told reporters in Paris.
";

/// A listed actor is stored as the list says whenever they first speak: into a new
/// database, into one whose other speakers are stored (the only ones it brings up to date
/// before the text is read), and in a later source of the same ingest.
#[test]
fn a_listed_actor_first_heard_later_is_stored_as_the_list_says() {
    let alone = Workspace::new();
    let file = alone.write("paris-live-2025-06-06.txt", MACRON.as_bytes());
    assert_eq!(alone.run(&["ingest", file.to_str().unwrap()]).code, 0);
    let macron = stored_actors(&alone);
    assert_eq!(macron.len(), 1, "{macron:?}");
    assert_eq!(macron[0].0, "Emmanuel Macron");
    assert_eq!(macron[0].1.as_deref(), Some("FR"));
    assert!(macron[0].2.contains("Macron"), "{macron:?}");

    let later = ingested();
    let file = later.write("paris-live-2025-06-06.txt", MACRON.as_bytes());
    let r = later.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let both = stored_actors(&later);
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both.contains(&macron[0]), "{both:?}");

    let one_run = Workspace::new();
    std::fs::create_dir(one_run.path("pages")).unwrap();
    one_run.write("pages/truce-live-2025-06-04.txt", PAGE.as_bytes());
    one_run.write("pages/paris-live-2025-06-06.txt", MACRON.as_bytes());
    let dir = one_run.path("pages").to_str().unwrap().to_string();
    for jobs in ["1", "2"] {
        for file in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{file}", one_run.db().display())).ok();
        }
        let r = one_run.run(&["ingest", "--jobs", jobs, &dir]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(stored_actors(&one_run), both, "jobs {jobs}");
    }
}
