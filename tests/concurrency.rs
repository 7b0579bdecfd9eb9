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
