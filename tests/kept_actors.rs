//! Actors kept by hand (`actors add`, `alias`, `merge`, `--discovered`) and `reprocess`,
//! which reads stored sources again with them, keeping each source's id.

mod common;

use common::Workspace;
use serde_json::Value;

/// A page of our own: an envoy named by her surname only, and two men the user will say
/// are one.
const PAGE: &str = "Live Reporting
Edited by Mara Quinn
Envoy sets out terms for a truce between Russia and Ukrainepublished at 11:20 British Summer Time 10 September
11:20 BST 10 September
Jonas Berg
Diplomatic correspondent
\"We back a ceasefire in Ukraine, and we back it today,\" Navarro told reporters in Geneva.
\"Russia has to answer the offer,\" Navarro added.
Peter Lind said the ceasefire in Ukraine \"must hold for a month\".
Anders Lind, speaking later, said sanctions on Russia \"must stay until the war ends\".
";

fn ingested() -> Workspace {
    let w = Workspace::new();
    let file = w.write("envoy-live-2024-09-10.txt", PAGE.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    w
}

fn speaker_of(w: &Workspace, words: &str) -> Value {
    let rows = w.json(&["quotes", "--format", "json"]);
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["quote"].as_str().unwrap().starts_with(words))
        .unwrap_or_else(|| panic!("no '{words}' in {rows}"))["actor"]
        .clone()
}

/// Every column of the export but the id, sorted: what reading again must not change.
fn export_without_ids(w: &Workspace) -> Vec<String> {
    let r = w.run(&["export"]);
    let mut rows: Vec<String> = r
        .stdout
        .lines()
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_kept_actor_is_found_in_stored_sources_read_again() {
    let w = ingested();
    assert_eq!(speaker_of(&w, "We back a ceasefire"), Value::Null);
    let r = w.run(&[
        "actors",
        "add",
        "Ilse Navarro",
        "--country",
        "es",
        "--gender",
        "f",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("kept 'Ilse Navarro'"), "{}", r.stdout);
    // Nothing stored changes until the sources are read again.
    assert_eq!(speaker_of(&w, "We back a ceasefire"), Value::Null);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let ids = |conn: &rusqlite::Connection| -> Vec<i64> {
        let mut stmt = conn.prepare("SELECT id FROM sources ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = ids(&conn);
    let r = w.run(&["reprocess"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("read again"), "{}", r.stdout);
    assert_eq!(ids(&conn), before, "the source keeps its id");
    assert_eq!(speaker_of(&w, "We back a ceasefire"), "Ilse Navarro");
    assert_eq!(speaker_of(&w, "Russia has to answer"), "Ilse Navarro");
    let actors = w.json(&["actors", "--format", "json"]);
    let navarro = actors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Ilse Navarro")
        .unwrap();
    assert_eq!(navarro["statements"], 2);
    assert_eq!(navarro["country"], "ES");
    assert_eq!(
        navarro["discovered"], false,
        "kept by hand is not found in the text"
    );
    let compare = w.json(&["compare", "Ilse Navarro", "--format", "json"]);
    assert_eq!(compare[0]["topic"], "ceasefire");
    assert_eq!(compare[0]["stance"], "support");
    // Read again with nothing new, nothing changes.
    let once = export_without_ids(&w);
    assert_eq!(w.run(&["reprocess", "--source", "1"]).code, 0);
    assert_eq!(export_without_ids(&w), once);
    // Adding her again, or an actor of the built-in list, is refused.
    let r = w.run(&["actors", "add", "Ilse Navarro"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("kept already"), "{}", r.stderr);
    let r = w.run(&["actors", "add", "Keir Starmer"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("actor list already"), "{}", r.stderr);
}

#[test]
fn an_alias_is_asked_for_at_once() {
    let w = ingested();
    assert_eq!(w.run(&["actors", "add", "Ilse Navarro"]).code, 0);
    assert_eq!(w.run(&["reprocess"]).code, 0);
    let r = w.run(&["actors", "alias", "Ilse Navarro", "Navarro-Puig"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = w.json(&["quotes", "--actor", "Navarro-Puig", "--format", "json"]);
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let r = w.run(&["actors", "alias", "Ilse Navaro-Puig-Smith", "Navarro"]);
    assert_eq!(r.code, 2);
    // An empty name is no alias.
    let r = w.run(&["actors", "alias", "Ilse Navarro", " "]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("needs a name"), "{}", r.stderr);
    let r = w.run(&["actors", "add", "Ana Ruiz", "--alias", ""]);
    assert_eq!(r.code, 2);
}

#[test]
fn merged_actors_are_one_with_their_statements_and_stances() {
    let w = ingested();
    let discovered = w.json(&["actors", "--discovered", "--format", "json"]);
    let names: Vec<&str> = discovered
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["actor"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Peter Lind") && names.contains(&"Anders Lind"),
        "{names:?}"
    );
    let r = w.run(&["actors", "merge", "Anders Lind", "Peter Lind"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("merged: 1 statements"), "{}", r.stdout);
    let actors = w.json(&["actors", "--format", "json"]);
    let lind: Vec<&Value> = actors
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["actor"].as_str().unwrap().ends_with("Lind"))
        .collect();
    assert_eq!(lind.len(), 1, "{actors}");
    assert_eq!(lind[0]["actor"], "Peter Lind");
    assert_eq!(lind[0]["statements"], 2);
    assert_eq!(speaker_of(&w, "must stay until the war ends"), "Peter Lind");
    // The old name asks for the one actor; the stances cover both statements.
    let rows = w.json(&["quotes", "--actor", "Anders Lind", "--format", "json"]);
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let compare = w.json(&["compare", "Peter Lind", "--format", "json"]);
    let topics: Vec<&str> = compare
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["topic"].as_str().unwrap())
        .collect();
    assert!(
        topics.contains(&"ceasefire") && topics.contains(&"sanctions"),
        "{topics:?}"
    );
    // And reading the sources again keeps them one.
    assert_eq!(w.run(&["reprocess"]).code, 0);
    assert_eq!(speaker_of(&w, "must stay until the war ends"), "Peter Lind");
}

#[test]
fn a_source_that_cannot_be_read_again_is_left_as_it_was() {
    let w = ingested();
    let html = w.write(
        "page.html",
        b"<html><head><title>Truce talks</title></head><body><article><h1>Truce talks</h1>\
          <p>\"We back a ceasefire,\" said Ilse Navarro, the envoy, on Tuesday.</p></article></body></html>",
    );
    let r = w.run(&["ingest", html.to_str().unwrap(), "--date", "2024-09-10"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = export_without_ids(&w);
    std::fs::remove_file(&html).unwrap();
    let r = w.run(&["reprocess"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("page.html") && r.stderr.contains("gone or changed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("envoy-live-2024-09-10.txt"),
        "the other is read"
    );
    assert_eq!(export_without_ids(&w), before);
    let r = w.run(&["reprocess", "--source", "nothing-like-it.txt"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no stored source"), "{}", r.stderr);
}
