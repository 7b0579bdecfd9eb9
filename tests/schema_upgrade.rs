//! A database written by an older whosaid is upgraded in place, its rows kept; one with a
//! version no whosaid wrote is refused.

mod common;

use common::Workspace;

/// The schema as version 1 wrote it: statements could not be of kind 'action'.
fn version_1_schema() -> String {
    let schema = std::fs::read_to_string(common::repo_file("schema.sql")).unwrap();
    let v1 = schema.replace("'term', 'action'", "'term'");
    assert_ne!(
        v1, schema,
        "the kinds list of schema.sql changed: update this test"
    );
    v1
}

fn write_version_1(w: &Workspace) {
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.execute_batch(&version_1_schema()).unwrap();
    conn.execute_batch(
        "INSERT INTO sources VALUES (1, 'old.txt', 'abc', 'article', NULL, '2025-03-01', '2025-03-02T00:00:00Z');
         INSERT INTO source_texts VALUES (1, 0, 60, 'Headline\nThe minister said the truce must hold in Ukraine.\n');
         INSERT INTO posts VALUES (1, 1, 0, 'Headline', '2025-03-01T00:00:00Z', NULL, NULL, NULL, 'x', 9);
         INSERT INTO actors VALUES (1, 'Ana Lind', 'f', NULL, NULL, 0);
         INSERT INTO topics VALUES (1, 'ceasefire', NULL, '');
         INSERT INTO statements VALUES (1, 1, 'indirect', 'the truce must hold in Ukraine', 'The minister said the truce must hold in Ukraine.', 28, 58, 'The minister', 'said', 1, '2025-03-01T00:00:00Z');
         INSERT INTO statement_topics VALUES (1, 1, 'support', 0.8, 'must');
         PRAGMA user_version = 1;",
    )
    .unwrap();
}

#[test]
fn a_version_1_database_is_upgraded_with_its_rows() {
    let w = Workspace::new();
    write_version_1(&w);
    let r = w.run(&["quotes", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["actor"], "Ana Lind");
    assert_eq!(rows[0]["stance"], "support");
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    // The rebuilt table takes the new kind, and its topics still point at it.
    conn.execute(
        "INSERT INTO statements VALUES (2, 1, 'action', 'agreed to the truce', 'x', 0, 5, NULL, 'agreed to', 1, NULL)",
        [],
    )
    .unwrap();
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
