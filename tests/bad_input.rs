//! The bad-input catalogue: each input gets a clear error naming the file (and line or byte
//! where it applies), exit code 2, and leaves the database as it was; or, where the input is
//! only unusual (UTF-16, a BOM, CRLF), it is read correctly.

mod common;

use common::{Workspace, assert_spans_match, repo_file};

const PAGE: &str = "tests/data/harbour-live-2024-06-02.txt";

fn page() -> Vec<u8> {
    std::fs::read(repo_file(PAGE)).unwrap()
}

/// Runs `ingest FILE ARGS...` and checks the refusal: exit 2, the message, and nothing stored.
fn refused(w: &Workspace, file: &std::path::Path, args: &[&str], expect: &str) -> String {
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
    let name = file.file_name().unwrap().to_str().unwrap();
    assert!(
        r.stderr.contains(name),
        "the message names the file: {}",
        r.stderr
    );
    unchanged(w, &before);
    r.stderr
}

/// The database holds exactly what it held before (no source, post or statement added).
fn unchanged(w: &Workspace, before: &[i64]) {
    let after = w.counts();
    if before.is_empty() {
        assert!(after.iter().take(3).all(|&n| n <= 0), "{after:?}");
    } else {
        assert_eq!(&after[..3], &before[..3]);
    }
}

/// A workspace that already holds one source, so "unchanged" means something.
fn seeded() -> Workspace {
    let w = Workspace::new();
    w.ingest_sample();
    w
}

#[test]
fn empty_file() {
    let w = seeded();
    let f = w.write("empty-2025-01-01.txt", b"");
    refused(&w, &f, &[], "the file is empty");
}

#[test]
fn whitespace_only_file() {
    let w = seeded();
    let f = w.write("blank-2025-01-01.txt", b"  \n\t\n   \r\n");
    refused(&w, &f, &[], "the file is empty");
}

#[test]
fn binary_file() {
    let w = seeded();
    let f = w.write("photo-2025-01-01.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    refused(&w, &f, &[], "binary data (a NUL byte at byte 8)");
}

#[test]
fn invalid_utf8_names_line_and_byte() {
    let w = seeded();
    let f = w.write("latin1-2025-01-01.txt", b"Headline\nSecond line caf\xe9\n");
    refused(
        &w,
        &f,
        &[],
        "latin1-2025-01-01.txt:2: invalid UTF-8 at byte 24",
    );
}

#[test]
fn invalid_utf8_with_lossy_is_read_with_replacement_characters() {
    let w = Workspace::new();
    let mut bytes = page();
    let at = bytes.windows(5).position(|x| x == b"Lagos").unwrap();
    bytes[at + 1] = 0xE9;
    let f = w.write("harbour-2024-06-02.txt", &bytes);
    refused(&w, &f, &[], "invalid UTF-8 at byte");
    let r = w.run(&["ingest", f.to_str().unwrap(), "--lossy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("3 posts"), "{}", r.stdout);
}

#[test]
fn utf16_with_bom_is_read() {
    let w = Workspace::new();
    let text = String::from_utf8(page()).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let f = w.write("harbour-utf16-2024-06-02.txt", &bytes);
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("3 posts, 15 statements"), "{}", r.stdout);
}

#[test]
fn utf8_bom_is_dropped_and_offsets_still_match() {
    let w = Workspace::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(page());
    let f = w.write("harbour-bom-2024-06-02.txt", &bytes);
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_spans_match(&w);
}

#[test]
fn crlf_line_ends_read_like_lf() {
    let w = Workspace::new();
    let text = String::from_utf8(page()).unwrap().replace('\n', "\r\n");
    let f = w.write("harbour-crlf-2024-06-02.txt", text.as_bytes());
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("3 posts, 15 statements"), "{}", r.stdout);
    assert_spans_match(&w);
}

#[test]
fn file_with_no_posts() {
    let w = seeded();
    let f = w.write("notes-2025-01-01.txt", b"---\n* * *\n== ==\n");
    refused(&w, &f, &[], "no posts found");
}

#[test]
fn missing_year() {
    let w = seeded();
    let f = w.write("harbour.txt", &page());
    refused(&w, &f, &[], "harbour.txt:3: cannot tell the year");
}

#[test]
fn date_option_that_does_not_parse() {
    let w = seeded();
    let f = w.write("harbour.txt", &page());
    let before = w.counts();
    let r = w.run(&["ingest", f.to_str().unwrap(), "--date", "2024-13-45"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--date '2024-13-45' is not a date"),
        "{}",
        r.stderr
    );
    unchanged(&w, &before);
}

#[test]
fn date_in_the_future() {
    let w = seeded();
    let f = w.write("harbour.txt", &page());
    refused(&w, &f, &["--year", "2099"], "in the future");
}

#[test]
fn missing_file() {
    let w = seeded();
    let f = w.path("nowhere.txt");
    refused(&w, &f, &[], "nowhere.txt: No such file");
}

#[test]
fn malformed_html_is_read_or_refused_clearly() {
    let w = Workspace::new();
    let f = w.write(
        "broken-2025-03-15.html",
        b"<html><body><article><h1>Talks<p>The minister said \"we agree\"<p>Another <b>line</article></div></span>",
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = w.json(&["quotes", "--format", "json"]);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["quote"] == "we agree")
    );
    let empty = w.write(
        "shell-2025-03-15.html",
        b"<html><head><script>var a = 1;</script></head><body><nav>Menu</nav></body></html>",
    );
    refused(&w, &empty, &[], "no posts found");
}

const FEED: &str = "{\"published_at\":\"2025-04-10T07:15:00Z\",\"body\":\"Mayor Ana Ruiz said \\\"we are ready\\\".\"}\n{\"title\":\"no body here\"}\n{\"published_at\":\"2025-04-10T08:00:00Z\",\"body\":\"Chief Bo Lind said \\\"not yet\\\".\"}\n";

#[test]
fn jsonl_with_a_bad_line_stores_nothing_and_names_the_line() {
    let w = seeded();
    let f = w.write("feed.jsonl", FEED.as_bytes());
    refused(&w, &f, &[], "feed.jsonl:2: missing \"body\"");
}

#[test]
fn jsonl_skip_bad_keeps_the_good_lines() {
    let w = Workspace::new();
    let f = w.write("feed.jsonl", FEED.as_bytes());
    let r = w.run(&["ingest", f.to_str().unwrap(), "--skip-bad"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2 posts") && r.stdout.contains("1 bad lines skipped"),
        "{}",
        r.stdout
    );
}

#[test]
fn jsonl_missing_body() {
    let w = seeded();
    let f = w.write("nobody.jsonl", b"{\"id\": 1, \"title\": \"A\"}\n");
    refused(&w, &f, &[], "nobody.jsonl:1: missing \"body\"");
}

#[test]
fn jsonl_date_that_does_not_parse() {
    let w = seeded();
    let f = w.write("dates.jsonl", b"{\"body\": \"Mayor Ana Ruiz said \\\"yes\\\".\", \"published_at\": \"the 32nd of Smarch\"}\n");
    refused(
        &w,
        &f,
        &[],
        "dates.jsonl:1: \"published_at\" 'the 32nd of Smarch' is not a date",
    );
}

#[test]
fn a_failed_file_leaves_the_others_stored() {
    let w = Workspace::new();
    let good = repo_file(PAGE);
    let bad = w.write("bad-2025-01-01.txt", b"\0\0");
    let r = w.run(&["ingest", bad.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("3 posts"), "{}", r.stdout);
    assert!(r.stderr.contains("1 of 2 sources failed"), "{}", r.stderr);
    assert_eq!(w.counts()[0], 1);
}

#[test]
fn directory_with_an_unreadable_file() {
    let w = Workspace::new();
    let dir = w.path("inbox");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a-2024-06-02.txt"), page()).unwrap();
    // A link to nothing cannot be read, whoever runs the test (root reads any mode).
    std::os::unix::fs::symlink(dir.join("gone.txt"), dir.join("b-unreadable.txt")).unwrap();
    let r = w.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("a-2024-06-02.txt: bbc-live, 3 posts"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("b-unreadable.txt: No such file"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("1 of 2 sources failed"), "{}", r.stderr);
    assert_eq!(w.counts()[0], 1);
}

#[test]
fn file_that_disappears_mid_run() {
    // Listed with its directory, then gone when its turn comes: the same as a link whose
    // target was removed after the listing.
    let w = Workspace::new();
    let dir = w.path("drop");
    std::fs::create_dir(&dir).unwrap();
    let target = w.write("moved-2024-06-02.txt", &page());
    std::os::unix::fs::symlink(&target, dir.join("a-moved.txt")).unwrap();
    std::fs::write(dir.join("b-2024-06-02.txt"), page()).unwrap();
    std::fs::remove_file(&target).unwrap();
    let r = w.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("a-moved.txt: No such file"),
        "{}",
        r.stderr
    );
    assert_eq!(w.counts()[0], 1, "the other file is kept");
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

#[test]
fn failure_in_a_later_piece_rolls_back_the_whole_file() {
    let w = seeded();
    let mut bytes = Vec::new();
    for _ in 0..20 {
        bytes.extend(page());
    }
    bytes.extend(b"Last postpublished at 09:00 British Summer Time 2 June\nA broken \xff byte.\n");
    let f = w.write("long-2024-06-02.txt", &bytes);
    let before = w.counts();
    let r = w
        .command(&["ingest", f.to_str().unwrap()])
        .env("WHOSAID_PIECE_BYTES", "2000")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&r.stderr);
    let line = bytes.iter().filter(|&&b| b == b'\n').count();
    assert!(
        stderr.contains(&format!(
            "long-2024-06-02.txt:{line}: invalid UTF-8 at byte"
        )),
        "{stderr}"
    );
    unchanged(&w, &before);
}

#[test]
fn a_quote_opened_curly_and_closed_straight_is_read_not_panicked_on() {
    let w = Workspace::new();
    let f = w.write(
        "mixed-marks-2025-03-01.txt",
        "Leaders meet in London\nStarmer said \u{2018}yes' today in London.\n\nHe said 'hello world\u{2019} today.\n"
            .as_bytes(),
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = w.json(&["quotes", "--format", "json"]);
    let quotes: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["quote"].as_str().unwrap())
        .collect();
    assert_eq!(quotes, ["yes", "hello world"]);
    assert_spans_match(&w);
}

#[test]
fn huge_relative_times_on_a_live_page_are_no_times_not_a_panic() {
    for stamp in [
        "9999999999999999h",
        "999999999999999999m",
        "2000000000000h ago",
        "9223372036854775807 hours ago",
    ] {
        let w = Workspace::new();
        let page = format!(
            "Talks live\nSun 6 Apr 2025 00.40 BST\n{stamp}\nThe minister said \"it is late\" in Kyiv.\n1h ago\nThe envoy said talks would resume.\n"
        );
        let f = w.write("relative.txt", page.as_bytes());
        let r = w.run(&["ingest", f.to_str().unwrap()]);
        assert_ne!(r.code, 101, "{stamp}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{stamp}: {}", r.stderr);
    }
}

#[test]
fn a_panic_in_one_source_costs_that_source_only() {
    // The panic is injected by debug builds (the test command's); a release build has no way
    // in, and nothing to check here.
    if !cfg!(debug_assertions) {
        return;
    }
    let w = Workspace::new();
    let bad = w.write("doomed-2024-06-02.txt", &page());
    let mut other = page();
    other.extend(b"\n");
    let good = w.write("fine-2024-06-02.txt", &other);
    let r = w
        .command(&["ingest", bad.to_str().unwrap(), good.to_str().unwrap()])
        .env("WHOSAID_DEBUG_PANIC_ON", "doomed")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("doomed-2024-06-02.txt: internal error, nothing of it stored"),
        "{stderr}"
    );
    let counts = w.counts();
    assert_eq!(counts[0], 1, "only the other source is stored: {counts:?}");
}

#[test]
fn years_and_dates_outside_1900_to_2100_are_refused_with_the_value() {
    let w = Workspace::new();
    let f = w.write(
        "article.txt",
        b"A headline\nThe minister said \"we are ready\".\n",
    );
    for (args, expect) in [
        (&["--year", "0"][..], "0 is not in 1900..=2100"),
        (&["--year", "-5"][..], "-5 is not in 1900..=2100"),
        (&["--year", "262144"][..], "262144 is not in 1900..=2100"),
        (
            &["--date", "0000-01-01"][..],
            "--date '0000-01-01' is outside 1900-2100",
        ),
    ] {
        let mut all = vec!["ingest", f.to_str().unwrap()];
        all.extend_from_slice(args);
        let r = w.run(&all);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(expect), "{args:?}: {}", r.stderr);
        assert_eq!(
            w.counts().first().copied().unwrap_or(0),
            0,
            "nothing stored"
        );
    }
}

#[test]
fn a_sentence_of_thousands_of_quotes_keeps_a_bounded_context_for_each() {
    let w = Workspace::new();
    let mut text = String::from("Leaders meet\n");
    for _ in 0..3000 {
        text.push_str("Starmer said \"a\" and ");
    }
    text.push('\n');
    let f = w.write("long-line-2025-03-01.txt", text.as_bytes());
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The context is kept as offsets into the stored text; the words come back with it.
    let quotes = w.json(&["quotes", "--format", "json"]);
    let quotes = quotes.as_array().unwrap();
    let n = quotes.len();
    let longest = quotes
        .iter()
        .map(|q| {
            let (context, quote) = (q["context"].as_str().unwrap(), q["quote"].as_str().unwrap());
            assert!(context.contains(&format!("\"{quote}\"")), "{context}");
            context.len() - quote.len()
        })
        .max()
        .unwrap();
    assert_eq!(n, 3000);
    assert!(
        longest <= 800,
        "a context runs {longest} bytes past its quote"
    );
    assert_spans_match(&w);
}

/// Runs `whosaid ARGS` and waits at most `secs`: a hang is a failure, not a stuck test run.
fn finishes_within(w: &Workspace, args: &[&str], secs: u64) -> std::process::Output {
    let mut child = w
        .command(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("whosaid {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_directory_holding_links_to_itself_is_walked_once() {
    let w = Workspace::new();
    let dir = w.path("loop");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("live-2024-06-02.txt"), page()).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("again")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("and-again")).unwrap();
    let out = finishes_within(&w, &["ingest", dir.to_str().unwrap()], 30);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(w.counts()[0], 1, "the one file, once");
}

#[test]
fn a_fifo_is_read_once_as_a_stream() {
    let w = Workspace::new();
    let fifo = w.path("feed-2024-06-02.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, page()))
    };
    let out = finishes_within(&w, &["ingest", fifo.to_str().unwrap()], 30);
    writer.join().unwrap().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(w.counts()[0], 1);
}

#[test]
fn a_nul_byte_deep_in_the_file_is_refused_with_its_line() {
    let w = Workspace::new();
    let mut bytes = b"Headline\n".to_vec();
    for _ in 0..400 {
        bytes.extend(b"The minister said \"we are ready\".\n");
    }
    bytes.extend(b"bad \x00 here\n");
    let f = w.write("nul-2025-03-01.txt", &bytes);
    refused(
        &w,
        &f,
        &[],
        "nul-2025-03-01.txt:402: binary data (a NUL byte at byte 13613)",
    );
}

#[test]
fn lines_ended_by_cr_alone_are_lines() {
    let w = Workspace::new();
    let f = w.write(
        "cr-2025-03-01.txt",
        b"Leaders meet\r\rStarmer said \"we are ready\" on Monday.\r\rMacron said \"we agree\" on Tuesday.\r",
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = w.json(&["quotes", "--format", "json"]);
    let first = &rows.as_array().unwrap()[0];
    assert_eq!(first["context"], "Starmer said \"we are ready\" on Monday.");
    assert_eq!(first["post_title"], "Leaders meet");
    assert_spans_match(&w);
}

#[test]
fn a_feed_whose_first_line_is_malformed_is_still_jsonl() {
    let w = Workspace::new();
    let f = w.write(
        "feed.jsonl",
        b"{\"title\": \"A\", \"body\": \n\
{\"title\": \"B\", \"body\": \"The minister said \\\"we are ready\\\" in Kyiv.\", \"published\": \"2025-03-01T10:00:00Z\"}\n",
    );
    refused(&w, &f, &[], "feed.jsonl:1: not JSON");
    let r = w.run(&["ingest", f.to_str().unwrap(), "--skip-bad"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("jsonl, 1 posts"), "{}", r.stdout);
    let rows = w.json(&["quotes", "--format", "json"]);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["quote"] != "body"),
        "{rows}"
    );
}

#[test]
fn nested_list_items_do_not_repeat_their_words() {
    let w = Workspace::new();
    let mut page = String::from(
        "<html><body><article><h1>Talks in Kyiv</h1><time datetime=\"2025-03-01T10:00:00Z\">1 March</time>",
    );
    page.push_str(&"<ul><li>".repeat(3000));
    page.push_str("Starmer said \"we are ready\".");
    page.push_str(&"</li></ul>".repeat(3000));
    page.push_str("<ul><li><p>Macron said \"we agree\".</p></li></ul></article></body></html>");
    let f = w.write("nested.html", page.as_bytes());
    let out = finishes_within(&w, &["ingest", f.to_str().unwrap()], 60);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = w.json(&["quotes", "--format", "json"]);
    let quotes: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["quote"].as_str().unwrap())
        .collect();
    assert_eq!(quotes, ["we are ready", "we agree"]);
}

#[test]
fn a_line_longer_than_a_piece_is_read_in_parts_after_a_sentence() {
    let w = Workspace::new();
    let mut text = String::from("Leaders meet in London\n");
    for i in 0..300 {
        text.push_str(&format!("Starmer said \"point {i} stands\" on Monday. "));
    }
    text.push('\n');
    let f = w.write("one-line-2025-03-01.txt", text.as_bytes());
    let r = w
        .command(&["ingest", f.to_str().unwrap()])
        .env("WHOSAID_PIECE_BYTES", "2000")
        .output()
        .unwrap();
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let rows = w.json(&["quotes", "--format", "json"]);
    assert_eq!(rows.as_array().unwrap().len(), 300, "every quote, none cut");
    assert_spans_match(&w);
}
