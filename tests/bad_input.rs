//! Bad input: a clear one-line error naming the file (and line), exit 2, nothing stored.

mod common;

use common::{Workspace, repo_file};

fn refused(w: &Workspace, file: &std::path::Path, args: &[&str], expect: &str) {
    let before = w.counts();
    let mut all = vec!["ingest", file.to_str().unwrap()];
    all.extend_from_slice(args);
    let r = w.run(&all);
    assert_eq!(r.code, 2, "stdout: {} stderr: {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(expect),
        "expected '{expect}' in: {}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(file.file_name().unwrap().to_str().unwrap()),
        "{}",
        r.stderr
    );
    let after = w.counts();
    assert!(
        after == before || after.iter().all(|&n| n == 0),
        "{before:?} -> {after:?}"
    );
}

#[test]
fn empty_file() {
    let w = Workspace::new();
    let f = w.write("empty-2025-01-01.txt", b"");
    refused(&w, &f, &[], "the file is empty");
}

#[test]
fn whitespace_only_file() {
    let w = Workspace::new();
    let f = w.write("blank-2025-01-01.txt", b"  \n\t\n");
    refused(&w, &f, &[], "the file is empty");
}

#[test]
fn binary_file() {
    let w = Workspace::new();
    let f = w.write("photo-2025-01-01.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    refused(&w, &f, &[], "binary data");
}

#[test]
fn invalid_utf8_names_line_and_byte() {
    let w = Workspace::new();
    let f = w.write("latin1-2025-01-01.txt", b"Headline\nSecond line caf\xe9\n");
    refused(
        &w,
        &f,
        &[],
        "latin1-2025-01-01.txt:2: invalid UTF-8 at byte 24",
    );
}

#[test]
fn file_with_no_posts() {
    let w = Workspace::new();
    let f = w.write("notes-2025-01-01.txt", b"---\n* * *\n== ==\n");
    refused(&w, &f, &[], "no posts found");
}

#[test]
fn missing_year() {
    let w = Workspace::new();
    let text = std::fs::read(repo_file("tests/data/harbour-live-2024-06-02.txt")).unwrap();
    let f = w.write("harbour.txt", &text);
    refused(&w, &f, &[], "harbour.txt:3: cannot tell the year");
}

#[test]
fn missing_file() {
    let w = Workspace::new();
    let f = w.path("nowhere.txt");
    refused(&w, &f, &[], "nowhere.txt: No such file");
}

#[test]
fn a_failed_file_leaves_the_others_stored() {
    let w = Workspace::new();
    let good = repo_file("tests/data/harbour-live-2024-06-02.txt");
    let bad = w.write("bad-2025-01-01.txt", b"\0\0");
    let r = w.run(&["ingest", bad.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("3 posts"), "{}", r.stdout);
    assert!(r.stderr.contains("1 of 2 sources failed"), "{}", r.stderr);
    assert_eq!(w.counts()[0], 1);
}

#[test]
fn database_newer_than_binary_is_refused() {
    let w = Workspace::new();
    {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let r = w.run(&["actors"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("schema version 99 is newer"),
        "{}",
        r.stderr
    );
}
