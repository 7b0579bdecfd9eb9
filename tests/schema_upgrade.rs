//! A database written by an older whosaid is upgraded in place, its rows kept; one with a
//! version no whosaid wrote is refused.

mod common;

use common::Workspace;

/// The schema as version 2 wrote it (kept as it was released).
fn version_2_schema() -> String {
    std::fs::read_to_string(common::repo_file("tests/data/schema-v2.sql")).unwrap()
}

/// The schema as version 1 wrote it: statements could not be of kind 'action'.
fn version_1_schema() -> String {
    let v2 = version_2_schema();
    let v1 = v2.replace("'term', 'action'", "'term'");
    assert_ne!(v1, v2);
    v1
}

fn write_version_1(w: &Workspace) {
    write_old(w, &version_1_schema(), 1);
}

fn write_old(w: &Workspace, schema: &str, version: i64) {
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.execute_batch(schema).unwrap();
    conn.execute_batch(
        "INSERT INTO sources VALUES (1, 'old.txt', 'abc', 'article', NULL, '2025-03-01', '2025-03-02T00:00:00Z');
         INSERT INTO source_texts VALUES (1, 0, 60, 'Headline\nThe minister said the truce must hold in Ukraine.\n');
         INSERT INTO posts VALUES (1, 1, 0, 'Headline', '2025-03-01T00:00:00Z', NULL, NULL, NULL, 'x', 9);
         INSERT INTO actors VALUES (1, 'Ana Lind', 'f', NULL, NULL, 0);
         INSERT INTO topics VALUES (1, 'ceasefire', NULL, '');
         INSERT INTO statements VALUES (1, 1, 'indirect', 'the truce must hold in Ukraine', 'The minister said the truce must hold in Ukraine.', 28, 58, 'The minister', 'said', 1, '2025-03-01T00:00:00Z');
         INSERT INTO statement_topics VALUES (1, 1, 'support', 0.8, 'must');",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
}

/// What an upgraded database answers: its rows, the words around them, and summaries
/// built from them.
fn assert_upgraded(w: &Workspace) {
    let rows = w.json(&["quotes", "--format", "json"]);
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["actor"], "Ana Lind");
    assert_eq!(rows[0]["stance"], serde_json::json!(["support"]));
    // Kept as seconds now, given back as it was.
    assert_eq!(rows[0]["published_at"], "2025-03-01T00:00:00Z");
    assert_eq!(
        rows[0]["context"],
        "The minister said the truce must hold in Ukraine."
    );
    let actors = w.json(&["actors", "--format", "json"]);
    assert_eq!(actors[0]["actor"], "Ana Lind");
    assert_eq!(actors[0]["statements"], 1);
    assert_eq!(actors[0]["first_said"], "2025-03-01T00:00:00Z");
    let topics = w.json(&["topics", "--format", "json"]);
    assert_eq!(topics[0]["topic"], "ceasefire");
    assert_eq!(topics[0]["statements"], 1);
    let compare = w.json(&["compare", "--format", "json"]);
    assert_eq!(compare[0]["actor"], "Ana Lind");
    assert_eq!(compare[0]["stance"], "support");
    // The statements stored before there was a search index are in it, by their words and
    // by the sentence around them; and the views read them.
    let found = w.json(&["search", "truce", "--format", "json"]);
    assert_eq!(found[0]["id"], 1);
    assert_eq!(found[0]["matched_in"], "words");
    let found = w.json(&["search", "the minister", "--format", "json"]);
    assert_eq!(found[0]["matched_in"], "context");
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let (words, actor): (String, String) = conn
        .query_row("SELECT words, actor FROM statements_view", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (words.as_str(), actor.as_str()),
        ("the truce must hold in Ukraine", "Ana Lind")
    );
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, whosaid::store::SCHEMA_VERSION);
    let body_end: i64 = conn
        .query_row("SELECT body_end FROM posts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(body_end, 10, "the body's end is where its words ended");
}

/// A statement and what it hangs on, as schema versions 3 to 5 store them.
const V3_ROWS: &str = "INSERT INTO sources VALUES (1, 'old.txt', 'abc', 'article', NULL, '2025-03-01', '2025-03-02T00:00:00Z');
         INSERT INTO source_texts VALUES (1, 0, 60, 'Headline\nThe minister said the truce must hold in Ukraine.\n');
         INSERT INTO posts VALUES (1, 1, 0, NULL, 0, 8, '2025-03-01T00:00:00Z', NULL, NULL, NULL, 9, 10);
         INSERT INTO actors VALUES (1, 'Ana Lind', 'f', NULL, NULL, 0);
         INSERT INTO topics VALUES (1, 'ceasefire', NULL, '');
         INSERT INTO statements VALUES (1, 1, 'indirect', NULL, 27, 57, 9, 58, NULL, 'The minister', 'said', 1, 1740787200);
         INSERT INTO statement_topics VALUES (1, 1, 'support', 0.8, 'must');
         INSERT INTO actor_summaries VALUES (1, 1, '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z');
         INSERT INTO topic_summaries VALUES (1, 1);
         INSERT INTO stale_verdicts VALUES (1, 1);";

/// The schema as version 3 wrote it (kept as it was released): words as offsets into the
/// stored text, summaries.
fn write_version_3(w: &Workspace) {
    let schema = std::fs::read_to_string(common::repo_file("tests/data/schema-v3.sql")).unwrap();
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.execute_batch(&schema).unwrap();
    conn.execute_batch(V3_ROWS).unwrap();
    conn.pragma_update(None, "user_version", 3).unwrap();
}

#[test]
fn a_version_3_database_is_upgraded_with_its_statements_indexed_for_search() {
    let w = Workspace::new();
    write_version_3(&w);
    assert_upgraded(&w);
    // The index it is given is a new database's, merged as one's is.
    assert_eq!(w.search_automerge(), 16);
}

/// The schema as version 5 wrote it (kept as it was released): kinds and stances as words,
/// confidences as reals, a search index.
#[test]
fn a_version_5_database_is_upgraded_to_numbers_for_kinds_and_stances() {
    let w = Workspace::new();
    let schema = std::fs::read_to_string(common::repo_file("tests/data/schema-v5.sql")).unwrap();
    {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.execute_batch(&schema).unwrap();
        conn.execute_batch(V3_ROWS).unwrap();
        conn.execute(
            "INSERT INTO statement_search (rowid, words, context) VALUES (1, 'the truce must hold in Ukraine', 'The minister said the truce must hold in Ukraine.')",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 5).unwrap();
    }
    assert_upgraded(&w);
    let rows = w.json(&["quotes", "--format", "json"]);
    assert_eq!(rows[0]["kind"], "indirect");
    assert_eq!(rows[0]["stance_confidence"], serde_json::json!([0.8]));
    let found = w.json(&["search", "truce", "--format", "json"]);
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "the search index is kept"
    );
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let (code, pct): (i64, i64) = conn
        .query_row(
            "SELECT stance_code, confidence_pct FROM statement_topics",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((code, pct), (0, 80));
    // The trigger that keeps the search index in step came back with its table.
    conn.execute("DELETE FROM statements WHERE id = 1", [])
        .unwrap();
    drop(conn);
    let r = w.run(&["search", "truce"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
}

/// A database of the released schema `version` (6 on: kinds and stances as numbers, a
/// search index) holding `V3_ROWS`, indexed.
fn write_released(w: &Workspace, version: i64) {
    let schema = std::fs::read_to_string(common::repo_file(&format!(
        "tests/data/schema-v{version}.sql"
    )))
    .unwrap();
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.execute_batch(&schema).unwrap();
    conn.execute_batch(
        &V3_ROWS
            .replace("1, 'indirect', NULL", "1, 2, NULL")
            .replace("'support', 0.8, 'must'", "0, 80, 'must'"),
    )
    .unwrap();
    conn.execute(
        "INSERT INTO statement_search (rowid, words, context) VALUES (1, 'the truce must hold in Ukraine', 'The minister said the truce must hold in Ukraine.')",
        [],
    )
    .unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
}

/// The schema as version 6 wrote it (kept as it was released): its search index was given
/// every statement's words, and its trigger gave them back on delete.
#[test]
fn a_version_6_database_is_upgraded_and_its_statements_old_and_new_leave_the_index() {
    let w = Workspace::new();
    write_released(&w, 6);
    assert_upgraded(&w);
    // A source stored by this whosaid: words inside their sentence are indexed through it.
    let file = w.write(
        "envoy-live-2025-03-05.txt",
        b"Live Reporting\nTalks in Geneva\n\"The truce must hold,\" Ana Lind said on Wednesday.\n",
    );
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found = w.json(&["search", "truce", "--format", "json"]);
    assert_eq!(found.as_array().unwrap().len(), 2, "{found}");
    // Old and new rows deleted by SQL leave the index as the trigger finds them: no count
    // falls below nothing (FTS5 would call the database malformed), no word stays.
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.execute_batch("DELETE FROM statements").unwrap();
    conn.execute_batch(
        "INSERT INTO statement_search (statement_search) VALUES ('integrity-check')",
    )
    .unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM statement_search WHERE statement_search MATCH 'truce OR minister'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

/// Version 7 kept no progress of its stances: its stale marks are kept (computed from the
/// start), and stances go on from then as later sources come.
#[test]
fn a_version_7_database_is_upgraded_and_its_stances_go_on_as_later_sources_come() {
    let w = Workspace::new();
    write_released(&w, 7);
    assert_upgraded(&w);
    let statements = |w: &Workspace| {
        let compare = w.json(&["compare", "Ana Lind", "--format", "json"]);
        let row = compare
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["topic"] == "ceasefire");
        row.map(|r| r["statements"].as_i64().unwrap())
    };
    for (day, said) in [(5, 2), (9, 3)] {
        let file = w.write(
            &format!("envoy-live-2025-03-0{day}.txt"),
            format!(
                "Live Reporting\nUkraine talks in Geneva, day {day}\nAna Lind said Russia and Ukraine must agree a ceasefire now.\n"
            )
            .as_bytes(),
        );
        let r = w.run(&["ingest", file.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(statements(&w), Some(said));
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        let (kept, stale): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM stance_progress), (SELECT count(*) FROM stale_verdicts)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(kept >= 1 && stale == 0, "{kept} {stale}");
    }
}

#[test]
fn a_version_2_database_is_upgraded_with_its_rows_and_summaries() {
    let w = Workspace::new();
    write_old(&w, &version_2_schema(), 2);
    assert_upgraded(&w);
}

#[test]
fn a_version_1_database_is_upgraded_with_its_rows() {
    let w = Workspace::new();
    write_version_1(&w);
    assert_upgraded(&w);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    // The rebuilt table takes the new kind (kept as a number since version 6), and its
    // topics still point at it.
    conn.execute(
        "INSERT INTO statements (id, post_id, kind_code, quote, start, end, context_start,
                                 context_end, context, speaker_mention, cue, actor_id, published_at)
         VALUES (2, 1, 4, 'agreed to the truce', 0, 5, 0, 5, NULL, NULL, 'agreed to', 1, NULL)",
        [],
    )
    .unwrap();
    let kind: String = conn
        .query_row("SELECT kind FROM statements WHERE id = 2", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kind, "action");
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM statement_topics t JOIN statements s ON s.id = t.statement_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1);
    let spans: i64 = conn
        .query_row("SELECT count(*) FROM statement_spans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(spans, 2, "the view over statements is back");
}

#[test]
fn a_version_no_whosaid_wrote_is_refused() {
    let w = Workspace::new();
    {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.execute_batch(&version_1_schema()).unwrap();
        conn.pragma_update(None, "user_version", -3).unwrap();
    }
    let r = w.run(&["actors"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("schema version -3"), "{}", r.stderr);
}
