//! Several whosaids on one database at once: writers take turns and all succeed, on a new
//! database as on an old one; readers read meanwhile; the same source stored by two at once
//! is stored once, the other told it is already there.

mod common;

use common::{Workspace, repo_file};
use std::process::{Child, Stdio};

fn spawn(w: &Workspace, args: &[&str]) -> Child {
    w.command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn page() -> Vec<u8> {
    std::fs::read(repo_file("tests/data/harbour-live-2024-06-02.txt")).unwrap()
}

#[test]
fn four_writers_on_a_new_database_all_succeed() {
    // A few rounds: the race for the new file is a matter of milliseconds.
    for _ in 0..3 {
        four_writers_on_a_new_database();
    }
}

fn four_writers_on_a_new_database() {
    let w = Workspace::new();
    let files: Vec<_> = (0..4)
        .map(|i| {
            let mut bytes = page();
            bytes.extend(format!("\nNote {i} of the harbour page.\n").as_bytes());
            w.write(&format!("harbour-{i}-2024-06-02.txt"), &bytes)
        })
        .collect();
    let children: Vec<Child> = files
        .iter()
        .map(|f| spawn(&w, &["ingest", f.to_str().unwrap()]))
        .collect();
    for child in children {
        let (code, text) = finish(child);
        assert_eq!(code, 0, "{text}");
    }
    assert_eq!(w.counts()[0], 4);
}

#[test]
fn the_same_source_by_four_writers_at_once_is_stored_once_while_two_readers_read() {
    let w = Workspace::new();
    let seed = w.write("seed-2024-06-02.txt", &page());
    assert_eq!(w.run(&["ingest", seed.to_str().unwrap()]).code, 0);
    let mut bytes = page();
    bytes.extend(b"\nA second edition of the page.\n");
    let f = w.write("again-2024-06-02.txt", &bytes);
    let writers: Vec<Child> = (0..4)
        .map(|_| spawn(&w, &["ingest", f.to_str().unwrap()]))
        .collect();
    let readers: Vec<Child> = (0..2)
        .map(|_| spawn(&w, &["quotes", "--format", "json"]))
        .collect();
    let mut added = 0;
    for child in writers {
        let (code, text) = finish(child);
        assert_eq!(code, 0, "{text}");
        if text.contains("statements added") {
            added += 1;
        } else {
            assert!(text.contains("already ingested"), "{text}");
        }
    }
    assert_eq!(added, 1, "stored once");
    for child in readers {
        let (code, text) = finish(child);
        assert_eq!(code, 0, "{text}");
    }
    assert_eq!(w.counts()[0], 2);
}

/// Posts of one day each, from `first` on, with two speakers' stances on two topics that
/// change from day to day.
fn stance_posts(first: u32, days: u32, tag: &str) -> String {
    let said = [
        "Keir Starmer said he strongly supports a ceasefire in Ukraine. Dmitry Peskov said sanctions on Russia were wrong.",
        "Keir Starmer said a ceasefire in Ukraine now would be a mistake. The Kremlin said a ceasefire in Ukraine must be agreed soon.",
        "Keir Starmer said more sanctions on Russia and a ceasefire in Ukraine were both needed.",
        "Keir Starmer said he backs tougher sanctions on Russia and a full ceasefire in Ukraine.",
    ];
    (first..first + days)
        .map(|d| {
            serde_json::json!({
                "id": format!("{tag}-{d}"),
                "published_at": format!("2025-03-{:02}T09:00:00Z", d + 1),
                "body": format!("{tag}: {}", said[(d as usize * 7 / 3) % said.len()]),
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every stance as stored, by names: what does not depend on the order the sources came in
/// (the strongest statement's id does).
fn stored_stances(w: &Workspace) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let stale: i64 = conn
        .query_row("SELECT count(*) FROM stale_verdicts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stale, 0);
    conn.prepare(
        "SELECT a.name, t.name, v.stance, v.confidence, v.statements, v.first_said,
                v.last_said, v.shifts
         FROM stance_verdicts v JOIN actors a ON a.id = v.actor_id
         JOIN topics t ON t.id = v.topic_id ORDER BY 1, 2",
    )
    .unwrap()
    .query_map([], |r| {
        (0..8)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Writers that store sources on the same pairs at once leave the stances of the same
/// sources stored one after another, whichever order they commit in, and whether a writer
/// computes a stance from the evidence it kept or reads it back. (Which one commits between
/// another's source and its stances is left to the race: the library's tests make that
/// case happen.)
#[test]
fn stances_of_four_writers_at_once_are_those_of_one_after_another() {
    // Each later than the seed's day, which every pair's kept progress has read.
    let seed = stance_posts(0, 1, "Seed");
    let sources: Vec<(String, String)> = (0..4u32)
        .map(|i| {
            let name = format!("feed-{i}.jsonl");
            (name, stance_posts(1 + i * 6, 6, &format!("F{i}")))
        })
        .collect();
    let serial = Workspace::new();
    let f = serial.write("seed.jsonl", seed.as_bytes());
    assert_eq!(serial.run(&["ingest", f.to_str().unwrap()]).code, 0);
    for (name, text) in &sources {
        let f = serial.write(name, text.as_bytes());
        assert_eq!(serial.run(&["ingest", f.to_str().unwrap()]).code, 0);
    }
    let expected = stored_stances(&serial);
    assert!(expected.len() >= 3, "{expected:?}");
    // A few rounds: which writer commits between another's commit and its stances is a
    // matter of milliseconds.
    for round in 0..4 {
        let w = Workspace::new();
        let f = w.write("seed.jsonl", seed.as_bytes());
        assert_eq!(w.run(&["ingest", f.to_str().unwrap()]).code, 0);
        let children: Vec<Child> = sources
            .iter()
            .map(|(name, text)| w.write(name, text.as_bytes()))
            .map(|f| spawn(&w, &["ingest", f.to_str().unwrap()]))
            .collect();
        for child in children {
            let (code, text) = finish(child);
            assert_eq!(code, 0, "{text}");
        }
        assert_eq!(stored_stances(&w), expected, "round {round}");
    }
}
