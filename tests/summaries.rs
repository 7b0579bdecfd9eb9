//! The summaries the read commands answer from (statements per actor and per topic, each
//! actor's stance on each topic) stay in step with the statements through many ingests, and
//! agree with what the statements themselves give.

mod common;

use common::Workspace;

fn ingest_several(w: &Workspace) {
    w.ingest_sample();
    let pages = common::repo_file("tests/data/outlets/pages");
    let mut files: Vec<_> = std::fs::read_dir(pages)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files.iter().take(4) {
        // One source at a time: the summaries are added to, not built once.
        let r = w.run(&["ingest", f.to_str().unwrap(), "--year", "2025"]);
        assert_eq!(r.code, 0, "{}: {}", f.display(), r.stderr);
    }
}

#[test]
fn actor_and_topic_counts_agree_with_the_statements() {
    let w = Workspace::new();
    ingest_several(&w);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT a.name, count(*),
                    strftime('%Y-%m-%dT%H:%M:%SZ', min(s.published_at), 'unixepoch'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', max(s.published_at), 'unixepoch')
             FROM statements s JOIN actors a ON a.id = s.actor_id
             GROUP BY a.id ORDER BY count(*) DESC, a.name",
        )
        .unwrap();
    let expected: Vec<serde_json::Value> = stmt
        .query_map([], |r| {
            Ok(serde_json::json!({
                "actor": r.get::<_, String>(0)?,
                "statements": r.get::<_, i64>(1)?,
                "first_said": r.get::<_, Option<String>>(2)?,
                "last_said": r.get::<_, Option<String>>(3)?,
            }))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let actors = w.json(&["actors", "--format", "json"]);
    let got: Vec<serde_json::Value> = actors
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            serde_json::json!({
                "actor": a["actor"], "statements": a["statements"],
                "first_said": a["first_said"], "last_said": a["last_said"],
            })
        })
        .collect();
    assert!(expected.len() > 5);
    assert_eq!(got, expected);

    let topics = w.json(&["topics", "--format", "json"]);
    for t in topics.as_array().unwrap() {
        let counted: i64 = conn
            .query_row(
                "SELECT count(DISTINCT st.statement_id) FROM statement_topics st
                  JOIN topics x ON x.id = st.topic_id
                  LEFT JOIN topics p ON p.id = x.parent_id
                 WHERE x.name = ?1 OR p.name = ?1",
                [t["topic"].as_str().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(t["statements"], counted, "{}", t["topic"]);
    }
}

#[test]
fn stored_stances_are_the_ones_computed_from_every_statement() {
    let w = Workspace::new();
    ingest_several(&w);
    let stored = w.json(&["compare", "--format", "json"]);
    assert!(stored.as_array().unwrap().len() > 10);
    // Throw the stored stances away and mark every pair stale: the reader computes each
    // from the statements, and must say the same.
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    conn.execute_batch(
        "DELETE FROM stance_verdicts;
         INSERT OR IGNORE INTO stale_verdicts (actor_id, topic_id)
             SELECT DISTINCT s.actor_id, st.topic_id
             FROM statements s JOIN statement_topics st ON st.statement_id = s.id
             WHERE s.actor_id IS NOT NULL AND s.kind != 'term';",
    )
    .unwrap();
    let computed = w.json(&["compare", "--format", "json"]);
    assert_eq!(stored, computed);
    // The next ingest stores them again.
    assert_next_ingest_stores(
        &w,
        b"Talks go on\n\nThe minister said the ceasefire must hold.\n",
        &computed,
    );
}

/// Words and contexts are read back from the stored text, which is kept in 64 KiB chunks:
/// a quote and a context that run over the border of two chunks come back whole, from the
/// read commands and from the `statement_spans` view.
#[test]
fn words_over_a_chunk_border_come_back_whole() {
    let w = Workspace::new();
    let mut text = String::from("Harbour talks\n\n");
    let line =
        |i: usize| format!("Mayor Ana Ruiz said \"the harbour deal number {i} is fair\".\n\n");
    let mut i = 0;
    // Lines up to a little before the border, then narration of the length that puts the
    // border five bytes into the next line's quote.
    let opening = "Mayor Ana Ruiz said \"".len();
    let target = 65536 - opening - 5;
    while text.len() + line(i).len() + 40 < target {
        text.push_str(&line(i));
        i += 1;
    }
    let pad = target - text.len() - 3;
    let narration: String = "The talks went on. ".repeat(pad / 19 + 1)[..pad].to_string();
    text.push_str(&narration);
    text.push_str(".\n\n");
    assert_eq!(text.len(), target);
    text.push_str(&line(i));
    text.push_str(&line(i + 1));
    let f = w.write("harbour-2025-07-01.txt", text.as_bytes());
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = w.json(&["quotes", "--format", "json"]);
    let crossing_quote = format!("the harbour deal number {i} is fair");
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["quote"] == crossing_quote.as_str())
        .unwrap_or_else(|| panic!("no statement of line {i}"));
    let (start, end) = (
        row["start"].as_u64().unwrap() as usize,
        row["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], crossing_quote);
    assert!(
        row["context"]
            .as_str()
            .unwrap()
            .contains(&format!("\"{crossing_quote}\"")),
        "{}",
        row["context"]
    );
    common::assert_spans_match(&w);
    // The view for SQL users cuts the same words out of the stored text.
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    for row in rows.as_array().unwrap() {
        let (words, context): (String, String) = conn
            .query_row(
                "SELECT words, context FROM statements_view WHERE id = ?1",
                [row["id"].as_i64().unwrap()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(words, row["quote"].as_str().unwrap());
        assert_eq!(context, row["context"].as_str().unwrap());
    }
}

/// If the stances cannot be summarised after the sources are stored, the ingest says so and
/// fails, the sources stay, the read commands compute the stale stances themselves, and the
/// next ingest stores them.
#[test]
fn stances_left_stale_by_a_failed_summary_are_computed_by_readers() {
    // The failure is injected only into debug builds (`cargo test --release` runs none).
    if !cfg!(debug_assertions) {
        return;
    }
    let w = Workspace::new();
    let sample = common::repo_file(common::SAMPLE);
    let r: common::Run = w
        .command(&["ingest", sample.to_str().unwrap()])
        .env("WHOSAID_DEBUG_FAIL_STANCES", "1")
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not summarised yet"), "{}", r.stderr);
    assert!(r.stdout.contains("statements added"), "{}", r.stdout);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let stale: i64 = conn
        .query_row("SELECT count(*) FROM stale_verdicts", [], |r| r.get(0))
        .unwrap();
    assert!(stale > 0);
    let computed = w.json(&["compare", "--format", "json"]);
    assert!(computed.as_array().unwrap().len() > 5);
    // Another source (any) and the stale stances are stored, the same as computed.
    assert_next_ingest_stores(&w, b"Talks go on\n\nNobody spoke today.\n", &computed);
}

/// Ingesting `text` leaves no stance stale, and `compare` still says `expected`.
fn assert_next_ingest_stores(w: &Workspace, text: &[u8], expected: &serde_json::Value) {
    let extra = w.write("extra-2025-04-02.txt", text);
    let r = w.run(&["ingest", extra.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stale: i64 = rusqlite::Connection::open(w.db())
        .unwrap()
        .query_row("SELECT count(*) FROM stale_verdicts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stale, 0);
    assert_eq!(&w.json(&["compare", "--format", "json"]), expected);
}

/// Reprocessed with topics that no longer take its statements in, a pair has no evidence
/// left: its stance goes rather than stay as it was computed before.
#[test]
fn a_stance_whose_statements_reprocess_takes_away_is_gone() {
    let w = Workspace::new();
    let file = w.write(
        "envoy-live-2025-03-07.txt",
        b"Live Reporting\nUkraine talks in Geneva\nAna Lind said the sanctions on Russia must stay.\n",
    );
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pairs = |w: &Workspace, extra: &[&str]| -> Vec<(String, String)> {
        let mut args = vec!["compare", "--format", "json"];
        args.extend_from_slice(extra);
        let rows = w.json(&args);
        let rows = rows.as_array().unwrap().iter();
        rows.map(|r| (r["actor"].to_string(), r["topic"].to_string()))
            .collect()
    };
    let sanctions = ("\"Ana Lind\"".to_string(), "\"sanctions\"".to_string());
    assert!(pairs(&w, &[]).contains(&sanctions));
    // The built-in topics less sanctions and the topics under it.
    let topics = std::fs::read_to_string(common::repo_file("data/topics.csv")).unwrap();
    let without: String = topics
        .lines()
        .filter(|l| !l.starts_with("sanctions,") && !l.contains(",sanctions,"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(without.len() < topics.len());
    std::fs::create_dir_all(w.path("data")).unwrap();
    let data = w.write("data/topics.csv", without.as_bytes());
    let data = data.parent().unwrap().to_str().unwrap();
    let r = w.run(&["reprocess", "--data", data]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = pairs(&w, &["--data", data]);
    assert!(!after.contains(&sanctions), "{after:?}");
}

/// Each statement's topics come with the stance, confidence and cue stored for them,
/// strongest first and then by name, whatever order they were stored in.
#[test]
fn quotes_give_each_statements_topics_as_stored_strongest_first() {
    let w = Workspace::new();
    ingest_several(&w);
    let rows = w.json(&["quotes", "--format", "json"]);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let mut stored = conn
        .prepare(
            "SELECT t.name, st.stance, st.confidence, coalesce(st.cue, '')
             FROM statement_topics st JOIN topics t ON t.id = st.topic_id
             WHERE st.statement_id = ?1",
        )
        .unwrap();
    let (mut several, mut ties) = (0, 0);
    for row in rows.as_array().unwrap() {
        let topics: Vec<&str> = row["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let got: Vec<(String, String, f64, String)> = (0..topics.len())
            .map(|i| {
                (
                    topics[i].to_string(),
                    row["stance"][i].as_str().unwrap().to_string(),
                    row["stance_confidence"][i].as_f64().unwrap(),
                    row["stance_cue"][i]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect();
        let mut expected: Vec<(String, String, f64, String)> = stored
            .query_map([row["id"].as_i64().unwrap()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        expected.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        assert_eq!(got, expected, "statement {}", row["id"]);
        several += usize::from(got.len() > 1);
        ties += got.windows(2).filter(|p| p[0].2 == p[1].2).count();
    }
    assert!(several > 10 && ties > 0, "{several} {ties}");
}
