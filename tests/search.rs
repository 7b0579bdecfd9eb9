//! `whosaid search`: the full-text index finds statements by their words or the sentence
//! around them, stays in step with the statements, and the views show the knowledge base to
//! SQL users.

mod common;

use common::Workspace;
use serde_json::Value;

/// A page of our own: sanctions and frozen assets said in several ways, by two speakers.
const PAGE: &str = "Live Reporting
Edited by Mara Quinn
Ministers split over the frozen assetspublished at 11:20 British Summer Time 10 September
11:20 BST 10 September
Jonas Berg
Diplomatic correspondent
Finance minister Ilse Navarro says Russia's frozen assets \"should pay for the rebuilding\".
\"The assets stay frozen until the war ends,\" she told reporters in Geneva.
Trade minister Paul Osei warned that new sanctions \"would hurt our exporters first\".
\"We will not block a sanction that works,\" he said later.
";

fn ingested() -> Workspace {
    let w = Workspace::new();
    let file = w.write("assets-live-2024-09-10.txt", PAGE.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    w
}

fn quotes_of(found: &Value) -> Vec<&str> {
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["quote"].as_str().unwrap())
        .collect()
}

#[test]
fn search_finds_the_words_in_order_in_the_quote_or_its_sentence() {
    let w = ingested();
    let found = w.json(&["search", "frozen assets", "--format", "json"]);
    // "frozen assets" is in the first sentence, around the quote; "assets stay frozen" has
    // both words, not in this order.
    assert_eq!(quotes_of(&found), ["should pay for the rebuilding"]);
    assert_eq!(found[0]["matched_in"], "context");
    assert_eq!(found[0]["actor"], "Ilse Navarro");
    // Plurals fold both ways, and the words of the quote itself are found.
    let found = w.json(&["search", "sanctions", "--format", "json"]);
    let quotes = quotes_of(&found);
    assert!(
        quotes.contains(&"We will not block a sanction that works,"),
        "{quotes:?}"
    );
    assert!(
        quotes.contains(&"would hurt our exporters first"),
        "{quotes:?}"
    );
    let own = found
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["quote"] == "We will not block a sanction that works,")
        .unwrap();
    assert_eq!(own["matched_in"], "words");
}

#[test]
fn search_marks_the_words_in_the_table_and_takes_the_filters_of_quotes() {
    let w = ingested();
    let r = w.run(&["search", "sanction", "--actor", "Paul Osei"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("We will not block a «sanction»"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("Ilse Navarro"));
    // The limit counts the statements shown.
    let found = w.json(&["search", "sanction", "--limit", "1", "--format", "json"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    // Nothing found: exit 1; no words at all: a usage error.
    let r = w.run(&["search", "harbour"]);
    assert_eq!(r.code, 1);
    let r = w.run(&["search", "--", "--"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no words"), "{}", r.stderr);
}

#[test]
fn search_with_fts_takes_the_index_syntax_and_says_what_it_cannot_run() {
    let w = ingested();
    let found = w.json(&[
        "search",
        "--fts",
        "exporters OR rebuilding",
        "--format",
        "json",
    ]);
    assert_eq!(found.as_array().unwrap().len(), 2, "{found}");
    let found = w.json(&[
        "search",
        "--fts",
        "frozen NOT rebuilding",
        "--format",
        "json",
    ]);
    assert_eq!(
        quotes_of(&found),
        ["The assets stay frozen until the war ends,"]
    );
    for query in ["\"assets frozen\"", "NEAR(assets frozen, 2)"] {
        let r = w.run(&["search", "--fts", query]);
        assert_eq!(r.code, 2, "{query}");
        assert!(r.stderr.contains("not where"), "{}", r.stderr);
    }
    let r = w.run(&["search", "--fts", "frozen AND"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a search"), "{}", r.stderr);
}

#[test]
fn a_deleted_statement_leaves_the_index_and_the_search() {
    let w = ingested();
    let found = w.json(&["search", "exporters", "--format", "json"]);
    let id = found[0]["id"].as_i64().unwrap();
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let indexed = |word: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM statement_search WHERE statement_search MATCH ?1",
            [word],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(indexed("exporters"), 1);
    // Deleted by SQL: the trigger takes it out of the index.
    conn.execute("DELETE FROM statements WHERE id = ?1", [id])
        .unwrap();
    assert_eq!(indexed("exporters"), 0);
    assert_eq!(w.run(&["search", "exporters"]).code, 1);
    // Deleted with its source: whatever the index keeps, a search finds no statement.
    assert_eq!(w.run(&["search", "frozen"]).code, 0);
    conn.execute_batch("PRAGMA foreign_keys = ON; DELETE FROM sources;")
        .unwrap();
    assert_eq!(w.run(&["search", "frozen"]).code, 1);
    assert_eq!(w.run(&["search", "--fts", "frozen OR sanctions"]).code, 1);
}

#[test]
fn the_views_give_statements_and_stances_without_the_schema() {
    let w = ingested();
    let quotes = w.json(&["quotes", "--format", "json"]);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, published_at, actor, kind, words, context, topics, source, post_title
             FROM statements_view WHERE kind != 'term' ORDER BY published_at, post_id, start",
        )
        .unwrap();
    let rows: Vec<Value> = stmt
        .query_map([], |r| {
            Ok(serde_json::json!({
                "id": r.get::<_, i64>(0)?,
                "published_at": r.get::<_, Option<String>>(1)?,
                "actor": r.get::<_, Option<String>>(2)?,
                "kind": r.get::<_, String>(3)?,
                "quote": r.get::<_, String>(4)?,
                "context": r.get::<_, String>(5)?,
                "source": r.get::<_, String>(7)?,
                "post_title": r.get::<_, Option<String>>(8)?,
            }))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), quotes.as_array().unwrap().len());
    for (view, q) in rows.iter().zip(quotes.as_array().unwrap()) {
        for key in [
            "id",
            "published_at",
            "actor",
            "kind",
            "quote",
            "context",
            "source",
            "post_title",
        ] {
            assert_eq!(view[key], q[key], "{key} of statement {}", q["id"]);
        }
    }
    let compare = w.json(&["compare", "--format", "json"]);
    let pairs: i64 = conn
        .query_row(
            "SELECT count(*) FROM stances_view WHERE NOT stale",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pairs as usize, compare.as_array().unwrap().len());
    for c in compare.as_array().unwrap() {
        let stance: String = conn
            .query_row(
                "SELECT stance FROM stances_view WHERE actor = ?1 AND topic = ?2",
                [c["actor"].as_str().unwrap(), c["topic"].as_str().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stance, c["stance"].as_str().unwrap());
    }
}

/// The file opens in an older SQLite than the one whosaid builds in (Python's, which
/// Datasette uses): no option of the index or the views is newer than it knows.
#[test]
fn pythons_sqlite_reads_the_views_and_the_index() {
    let w = ingested();
    let script = "import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute('SELECT count(*) FROM statements_view').fetchone()[0])
print(db.execute('SELECT count(*) FROM stances_view').fetchone()[0] >= 0)
print(db.execute(\"SELECT count(*) FROM statement_search WHERE statement_search MATCH 'frozen AND assets'\").fetchone()[0])
print(sqlite3.sqlite_version)";
    let out = std::process::Command::new("python3")
        .args(["-c", script, w.db().to_str().unwrap()])
        .output()
        .expect("python3 (in .ci/run's packages)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "4");
    assert_eq!(lines[1], "True");
    assert_eq!(lines[2], "2", "the two sentences that hold both words");
}

/// The index is merged sixteen segments at a time (each source's commit writes one), and a
/// search reads across every segment written: here twenty sources, a merge and the
/// segments left after it.
#[test]
fn a_new_database_merges_its_index_sixteen_segments_at_a_time_and_finds_across_them() {
    let w = Workspace::new();
    let mut files = Vec::new();
    for day in 1..=20 {
        let page = format!(
            "Harbour minister Olu Adeyemi said the port levy number {day} \"will fund the new quay\".\n"
        );
        let file = w.write(&format!("levy-2024-10-{day:02}.txt"), page.as_bytes());
        files.push(file.to_str().unwrap().to_string());
    }
    let mut args = vec!["ingest".to_string()];
    args.extend(files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = w.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w.search_automerge(), 16);
    let found = w.json(&["search", "new quay", "--format", "json"]);
    assert_eq!(found.as_array().unwrap().len(), 20);
    for day in [1, 16, 17, 20] {
        let found = w.json(&["search", &format!("levy number {day}"), "--format", "json"]);
        assert_eq!(found.as_array().unwrap().len(), 1, "source {day}");
    }
}
