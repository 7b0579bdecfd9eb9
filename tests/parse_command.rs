//! `whosaid parse`: how a source is read, and the guarantee behind it: every line of a page
//! ends up in a post, or is listed as page furniture or as a post's metadata (never lost
//! without a word).

mod common;

use common::{SAMPLE, Workspace, repo_file};

/// The text pages under tests/data, with a year where the name does not give one.
fn text_pages() -> Vec<(std::path::PathBuf, Option<&'static str>)> {
    let mut pages = vec![
        (repo_file(SAMPLE), None),
        (repo_file("tests/data/harbour-live-2024-06-02.txt"), None),
    ];
    for name in [
        "aljazeera-style-live.txt",
        "ap-style-article.txt",
        "cnn-style-live.txt",
        "euro-marks-live.txt",
        "guardian-style-live.txt",
        "reuters-style-article.txt",
        "sky-style-live.txt",
    ] {
        pages.push((
            repo_file(&format!("tests/data/outlets/pages/{name}")),
            Some("2025"),
        ));
    }
    pages
}

#[test]
fn no_line_of_a_page_goes_unaccounted() {
    let w = Workspace::new();
    for (page, year) in text_pages() {
        let path = page.to_str().unwrap();
        let mut args = vec!["parse", "--format", "json", path];
        if let Some(y) = year {
            args.extend(["--year", y]);
        }
        let rows = w.json(&args);
        let rows = rows.as_array().unwrap();
        let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str().unwrap()).collect();
        let source = std::fs::read_to_string(&page).unwrap();
        for line in source.lines().map(str::trim).filter(|l| !l.is_empty()) {
            assert!(
                texts.iter().any(|t| t.contains(line) || line.contains(t)),
                "{path}: line not accounted for: {line:?}"
            );
        }
        // Metadata is a post's time, author or the page's date: never running text.
        for r in rows.iter().filter(|r| r["part"] == "metadata") {
            let words = r["text"].as_str().unwrap().split_whitespace().count();
            assert!(words <= 12, "{path}: running text read as metadata: {r}");
        }
    }
}

#[test]
fn parse_lists_posts_paragraphs_and_furniture_in_source_order() {
    let w = Workspace::new();
    let page = w.write(
        "harbour-live-2025-03-15.txt",
        b"Home\nNews\nShare this page\n\
          Saturday 15 March 2025\n\
          10:00\nUnion leader Grace Mensah said \"we are close\".\nShare\n\
          09:00\nTalks began at the port this morning.\n",
    );
    let rows = w.json(&["parse", "--format", "json", page.to_str().unwrap()]);
    let rows = rows.as_array().unwrap();
    let parts: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["part"].as_str().unwrap(), r["text"].as_str().unwrap()))
        .collect();
    assert!(
        parts.contains(&("furniture", "Share this page")),
        "{parts:?}"
    );
    assert!(parts.contains(&("furniture", "Share")), "{parts:?}");
    let quote = rows
        .iter()
        .find(|r| r["text"].as_str().unwrap().starts_with("Union leader"))
        .unwrap();
    assert_eq!(quote["post"], 1);
    assert_eq!(quote["statements"], 1);
    assert_eq!(quote["published_at"], "2025-03-15T10:00:00Z");
    assert_eq!(quote["line"], 6);
    let lines: Vec<i64> = rows.iter().map(|r| r["line"].as_i64().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn parse_stores_nothing_and_needs_no_database() {
    let w = Workspace::new();
    let r = w.run(&["parse", repo_file(SAMPLE).to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("line"), "{}", r.stdout);
    assert!(!w.db().exists(), "parse created a database");
}

#[test]
fn ingest_reports_the_page_furniture_it_skipped() {
    let w = Workspace::new();
    let page = w.write(
        "harbour-live-2025-03-15.txt",
        b"Home\nNews\nSaturday 15 March 2025\n10:00\nThe union said talks went well.\nShare\n09:00\nTalks began.\n",
    );
    let r = w.run(&["ingest", page.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("lines of page furniture skipped"),
        "{}",
        r.stdout
    );
}

#[test]
fn parse_reads_stdin() {
    let w = Workspace::new();
    let r = w.run_stdin(
        &["parse", "-", "--date", "2025-03-20", "--format", "json"],
        b"Headline for the test page\nOlaf Scholz said \"we will see\".\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows[1]["statements"], 1, "{rows}");
}
