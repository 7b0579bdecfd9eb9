//! `whosaid show ID`: a statement with everything behind it, each piece checked against the
//! source file itself.

mod common;

use common::Workspace;
use serde_json::Value;

/// A live page of our own: a named minister, then a quote given to "she", on a topic.
const PAGE: &str = "Live Reporting
Edited by Mara Quinn
Envoy sets out terms for a truce between Russia and Ukrainepublished at 11:20 British Summer Time 10 September
11:20 BST 10 September
Jonas Berg
Diplomatic correspondent
Foreign minister Ilse Navarro says a ceasefire in Ukraine \"must hold for a month before anyone talks about borders\".
\"We back a ceasefire, and we back it today,\" she told reporters in Geneva.
Russia has not answered the offer.
";

fn ingested() -> (Workspace, std::path::PathBuf) {
    let w = Workspace::new();
    let file = w.write("talks-live-2024-09-10.txt", PAGE.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (w, file)
}

/// The id of the statement whose words start with `words`.
fn id_of(w: &Workspace, words: &str) -> i64 {
    let all = w.json(&["quotes", "--format", "json"]);
    all.as_array()
        .unwrap()
        .iter()
        .find(|s| s["quote"].as_str().unwrap().starts_with(words))
        .unwrap_or_else(|| panic!("no statement '{words}' in {all}"))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn show_traces_a_quote_to_its_bytes_post_source_and_speaker() {
    let (w, file) = ingested();
    let id = id_of(&w, "We back a ceasefire");
    let shown = w.json(&["show", &id.to_string(), "--format", "json"]);
    let s = &shown.as_array().unwrap()[0];
    let bytes = std::fs::read(&file).unwrap();
    let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
    // The offsets are the file's bytes (a text source is its own text).
    assert_eq!(
        &bytes[start as usize..end as usize],
        s["words"].as_str().unwrap().as_bytes()
    );
    assert_eq!(s["kind"], "direct");
    assert_eq!(s["cue"], "told");
    let speaker = &s["speaker"];
    assert_eq!(speaker["actor"], "Ilse Navarro");
    assert_eq!(speaker["as_written"], "she");
    assert!(
        speaker["resolved_by"]
            .as_str()
            .unwrap()
            .starts_with("pronoun"),
        "{speaker}"
    );
    assert_eq!(speaker["discovered"], true);
    // The paragraph is the line of the file, and marks where the words are in it.
    let paragraph = &s["paragraph"];
    let text = paragraph["text"].as_str().unwrap();
    assert!(PAGE.lines().any(|l| l == text), "{text}");
    let (a, b) = (
        paragraph["words_start"].as_u64().unwrap() as usize,
        paragraph["words_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[a..b], s["words"].as_str().unwrap());
    assert_eq!(paragraph["start"].as_u64().unwrap() + a as u64, start);
    // The topic, with the words in the sentence that name it and the stance's cue.
    let topics = s["topics"].as_array().unwrap();
    let ceasefire = topics.iter().find(|t| t["topic"] == "ceasefire").unwrap();
    let named = &ceasefire["named_by"][0];
    let (na, nb) = (
        named["start"].as_u64().unwrap() as usize,
        named["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&PAGE[na..nb], "ceasefire");
    assert_eq!(named["words"], "ceasefire");
    assert_eq!(ceasefire["stance"], "support");
    assert!(ceasefire["confidence"].is_number());
    assert!(ceasefire["stance_cue"].as_str().unwrap().contains("back"));
    // The post and the source.
    let post = &s["post"];
    assert_eq!(post["number"], 1);
    assert_eq!(post["published_at"], "2024-09-10T10:20:00Z");
    assert_eq!(post["author"], "Jonas Berg");
    assert_eq!(
        post["title"],
        "Envoy sets out terms for a truce between Russia and Ukraine"
    );
    let source = &s["source"];
    assert!(
        source["path"]
            .as_str()
            .unwrap()
            .ends_with("talks-live-2024-09-10.txt")
    );
    let hash = whosaid::store::content_hash(&bytes);
    assert_eq!(source["content_hash"], Value::String(hash));
}

#[test]
fn show_tells_a_named_speaker_from_one_carried_by_a_pronoun() {
    let (w, _) = ingested();
    let id = id_of(&w, "must hold for a month");
    let s = &w.json(&["show", &id.to_string(), "--format", "json"])[0];
    assert_eq!(s["kind"], "partial");
    assert_eq!(s["speaker"]["as_written"], "Foreign minister Ilse Navarro");
    assert_eq!(s["speaker"]["resolved_by"], "name, with a title");
}

#[test]
fn show_prints_a_table_with_the_words_marked_and_every_format() {
    let (w, _) = ingested();
    let id = id_of(&w, "We back a ceasefire").to_string();
    let table = w.run(&["show", &id]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table
            .stdout
            .starts_with(&format!("statement {id} (direct)"))
    );
    assert!(
        table
            .stdout
            .contains("\"«We back a ceasefire, and we back it today,»\" she told"),
        "{}",
        table.stdout
    );
    // Two statements: one JSON Lines object each, CSV rows under one header.
    let other = id_of(&w, "must hold").to_string();
    let jsonl = w.run(&["show", &id, &other, "--format", "jsonl"]);
    let lines: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"].to_string(), id);
    assert_eq!(lines[1]["id"].to_string(), other);
    let csv = w.run(&["show", &id, &other, "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][column("actor")], "Ilse Navarro");
    assert_eq!(&rows[0][column("topics")], "ceasefire");
    assert_eq!(rows[0][column("content_hash")].len(), 64);
}

#[test]
fn show_of_an_id_not_stored_says_so_and_exits_1() {
    let (w, _) = ingested();
    let r = w.run(&["show", "999999"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("no statement with id 999999"),
        "{}",
        r.stderr
    );
    // One found, one not: the one is shown, the other named, and it is not "no results".
    let id = id_of(&w, "We back").to_string();
    let r = w.run(&["show", &id, "999999", "--format", "json"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&r.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(r.stderr.contains("999999"));
    let r = w.run(&["show", "twelve"]);
    assert_eq!(r.code, 2);
}
