//! The command line as a user drives it: ingest, query, export, errors.

mod common;

use common::{SAMPLE, Workspace, repo_file};
use serde_json::Value;

#[test]
fn ingest_sample_reports_posts_and_statements() {
    let w = Workspace::new();
    let r = w.ingest_sample();
    assert!(r.stdout.contains("20 posts"), "{}", r.stdout);
    let counts = w.counts();
    assert_eq!(counts[0], 1);
    assert_eq!(counts[1], 20);
    assert!(counts[2] > 100, "{counts:?}");
}

#[test]
fn reingest_same_file_adds_nothing() {
    let w = Workspace::new();
    w.ingest_sample();
    let before = w.counts();
    let r = w.ingest_sample();
    assert!(r.stdout.contains("already ingested"), "{}", r.stdout);
    assert_eq!(w.counts(), before);
}

#[test]
fn quotes_by_alias_and_close_spelling() {
    let w = Workspace::new();
    w.ingest_sample();
    for name in ["zelenskyy", "Zelensky", "ZELENSKIY", "volodymyr zelensky"] {
        let rows = w.json(&["quotes", "--actor", name, "--format", "json"]);
        let rows = rows.as_array().unwrap();
        assert!(rows.len() > 5, "{name}: {}", rows.len());
        assert!(
            rows.iter().all(|r| r["actor"] == "Volodymyr Zelensky"),
            "{name}"
        );
    }
}

#[test]
fn unknown_actor_suggests_a_name_and_exits_2() {
    let w = Workspace::new();
    w.ingest_sample();
    let r = w.run(&["quotes", "--actor", "Starmar Keer"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown actor 'Starmar Keer'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean 'Keir Starmer'?"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn no_results_exits_1() {
    let w = Workspace::new();
    w.ingest_sample();
    let r = w.run(&["quotes", "--since", "2030-01-01", "--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&r.stdout).unwrap(),
        Value::Array(vec![])
    );
}

#[test]
fn date_and_kind_filters() {
    let w = Workspace::new();
    w.ingest_sample();
    let rows = w.json(&[
        "quotes",
        "--since",
        "2025-03-15T14:00:00Z",
        "--until",
        "2025-03-15T15:00:00Z",
        "--kind",
        "direct",
        "--format",
        "json",
    ]);
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        let t = r["published_at"].as_str().unwrap();
        assert!(
            ("2025-03-15T14:00:00Z"..="2025-03-15T15:00:00Z").contains(&t),
            "{t}"
        );
        assert_eq!(r["kind"], "direct");
    }
}

#[test]
fn export_csv_has_contract_columns_and_exact_offsets() {
    let w = Workspace::new();
    w.ingest_sample();
    let out = w.path("e.csv");
    let r = w.run(&["export", "--output", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(repo_file(SAMPLE)).unwrap();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let contract = [
        "id",
        "published_at",
        "actor",
        "kind",
        "quote",
        "context",
        "topics",
        "stance",
        "source",
        "start",
        "end",
        "post_title",
        "speaker_mention",
    ];
    assert_eq!(&headers[..contract.len()], contract);
    let mut n = 0;
    for row in reader.deserialize::<std::collections::HashMap<String, String>>() {
        let row = row.unwrap();
        let (start, end): (usize, usize) =
            (row["start"].parse().unwrap(), row["end"].parse().unwrap());
        assert_eq!(&text[start..end], row["quote"], "offsets of {}", row["id"]);
        assert!(row["published_at"].ends_with('Z'));
        n += 1;
    }
    assert!(n > 100);
}

#[test]
fn export_to_stdout_is_csv() {
    let w = Workspace::new();
    w.ingest_sample();
    let r = w.run(&["export", "--actor", "Stubb"]);
    assert_eq!(r.code, 0);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 4);
    assert!(rows.iter().all(|r| &r[2] == "Alexander Stubb"));
}

#[test]
fn every_read_format_parses() {
    let w = Workspace::new();
    w.ingest_sample();
    for cmd in ["quotes", "actors"] {
        let json = w.json(&[cmd, "--format", "json"]);
        let n = json.as_array().unwrap().len();
        assert!(n > 0);
        let jsonl = w.run(&[cmd, "--format", "jsonl"]);
        let lines: Vec<Value> = jsonl
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), n, "{cmd}");
        let csv = w.run(&[cmd, "--format", "csv"]);
        assert_eq!(
            csv::Reader::from_reader(csv.stdout.as_bytes())
                .records()
                .count(),
            n,
            "{cmd}"
        );
        let table = w.run(&[cmd]);
        assert_eq!(table.stdout.lines().count(), n + 1, "{cmd}");
    }
}

#[test]
fn actors_counts_statements() {
    let w = Workspace::new();
    w.ingest_sample();
    let actors = w.json(&["actors", "--format", "json"]);
    let starmer = actors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Keir Starmer")
        .unwrap();
    assert!(starmer["statements"].as_i64().unwrap() > 30);
    assert_eq!(starmer["discovered"], false);
}

#[test]
fn ingest_from_stdin() {
    let w = Workspace::new();
    let text = std::fs::read(repo_file("tests/data/harbour-live-2024-06-02.txt")).unwrap();
    let r = w.run_stdin(&["ingest", "-", "--year", "2024"], &text);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("<stdin>: bbc-live, 3 posts"),
        "{}",
        r.stdout
    );
}

/// The golden page: every statement of a hand-written live blog with its speaker.
#[test]
fn golden_harbour_live_page() {
    let w = Workspace::new();
    let page = repo_file("tests/data/harbour-live-2024-06-02.txt");
    assert_eq!(w.run(&["ingest", page.to_str().unwrap()]).code, 0);
    let got = w.json(&[
        "quotes",
        "--kind",
        "direct,partial,indirect,term",
        "--format",
        "json",
    ]);
    let mut got: Vec<(String, String, String)> = got
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["quote"].as_str().unwrap().to_string(),
                r["actor"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String)> =
        csv::Reader::from_path(repo_file("tests/data/harbour-live-2024-06-02.expected.csv"))
            .unwrap()
            .deserialize()
            .map(Result::unwrap)
            .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn discovered_speaker_is_flagged() {
    let w = Workspace::new();
    let page = repo_file("tests/data/harbour-live-2024-06-02.txt");
    w.run(&["ingest", page.to_str().unwrap()]);
    let actors = w.json(&["actors", "--format", "json"]);
    let mensah = actors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Grace Mensah")
        .unwrap();
    assert_eq!(mensah["discovered"], true);
}

#[test]
fn db_path_from_environment() {
    let w = Workspace::new();
    let sample = repo_file(SAMPLE);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .current_dir(w.dir.path())
        .env("WHOSAID_DB", w.path("env.db"))
        .args(["ingest", sample.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(w.path("env.db").exists());
    assert!(!w.path("whosaid.db").exists());
}

#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read;
    let w = Workspace::new();
    w.ingest_sample();
    let mut child = w
        .command(&[
            "quotes",
            "--format",
            "jsonl",
            "--kind",
            "direct,partial,indirect,term",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.code() == Some(0), "{:?}", out.status);
}

#[test]
fn data_dir_extends_the_actors_without_a_rebuild() {
    let w = Workspace::new();
    let data = w.path("data");
    std::fs::create_dir(&data).unwrap();
    let mut actors = std::fs::read_to_string(repo_file("data/actors.csv")).unwrap();
    actors.push_str("Grace Mensah,Mensah,,union leader,f,GH,,,\n");
    std::fs::write(data.join("actors.csv"), actors).unwrap();
    let page = repo_file("tests/data/harbour-live-2024-06-02.txt");
    let r = w.run(&[
        "--data",
        data.to_str().unwrap(),
        "ingest",
        page.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let actors = w.json(&["actors", "--format", "json"]);
    let mensah = actors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Grace Mensah")
        .unwrap();
    assert_eq!(
        mensah["discovered"], false,
        "listed in the user's actors.csv"
    );
}

/// The words that open a title before a name are the data's (`title` in roles.csv), so a
/// user's file adds one without a rebuild.
#[test]
fn a_title_word_added_to_roles_csv_is_not_taken_for_part_of_a_name() {
    let actor_names = |data: Option<&std::path::Path>| -> Vec<String> {
        let w = Workspace::new();
        let f = w.write(
            "harbour-2024-06-02.txt",
            "Harbour talks go on\nAlderwoman Jane Roe said the harbour deal is \"a fair start for the workers\".\n".as_bytes(),
        );
        let mut args = Vec::new();
        if let Some(d) = data {
            args.extend(["--data", d.to_str().unwrap()]);
        }
        args.extend(["ingest", f.to_str().unwrap()]);
        let r = w.run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        w.json(&["actors", "--format", "json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["actor"].as_str().unwrap().to_string())
            .collect()
    };
    let built_in = actor_names(None);
    assert!(
        built_in.iter().any(|a| a == "Alderwoman Jane Roe"),
        "{built_in:?}"
    );
    let w = Workspace::new();
    let data = w.path("data");
    std::fs::create_dir(&data).unwrap();
    let roles = std::fs::read_to_string(repo_file("data/roles.csv")).unwrap();
    let roles = roles.replace("\ntitle,", "\ntitle,alderwoman|");
    assert!(roles.contains("alderwoman"), "roles.csv has a title row");
    std::fs::write(data.join("roles.csv"), roles).unwrap();
    let with_title = actor_names(Some(&data));
    assert!(with_title.iter().any(|a| a == "Jane Roe"), "{with_title:?}");
    assert!(
        !with_title.iter().any(|a| a.contains("Alderwoman")),
        "{with_title:?}"
    );
}

#[test]
fn unknown_input_format_is_a_usage_error() {
    let w = Workspace::new();
    let r = w.run(&["ingest", "x.txt", "--input-format", "pdf"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid value 'pdf'"), "{}", r.stderr);
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_guarded_unless_turned_off() {
    let w = Workspace::new();
    let f = w.write(
        "formula-2025-03-01.txt",
        b"Leaders meet in London\nThe minister said \"=HYPERLINK(\\\"http://x\\\")\" and \"@SUM(A1)\" were typed by hackers.\n",
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let guarded = w.run(&["export"]);
    let mut reader = csv::Reader::from_reader(guarded.stdout.as_bytes());
    let quotes: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[4].to_string())
        .collect();
    assert!(quotes.iter().any(|q| q.starts_with("'=")), "{quotes:?}");
    assert!(quotes.iter().any(|q| q.starts_with("'@")), "{quotes:?}");
    let raw = w.run(&["--no-formula-guard", "export"]);
    let mut reader = csv::Reader::from_reader(raw.stdout.as_bytes());
    let quotes: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[4].to_string())
        .collect();
    assert!(quotes.iter().any(|q| q.starts_with('=')), "{quotes:?}");
    // JSON keeps the words as they are.
    let json = w.json(&["quotes", "--format", "json"]);
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|r| r["quote"].as_str().unwrap().starts_with('=')),
        "{json}"
    );
}

#[test]
fn a_read_command_on_a_mistyped_database_path_is_refused_and_creates_nothing() {
    let w = Workspace::new();
    for cmd in [
        &["quotes"][..],
        &["actors"],
        &["topics"],
        &["compare"],
        &["export"],
    ] {
        let r = w.run(cmd);
        assert_eq!(r.code, 2, "{cmd:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("no database at") && r.stderr.contains("ingest something first"),
            "{cmd:?}: {}",
            r.stderr
        );
        assert!(!w.db().exists(), "{cmd:?} created a database");
    }
}

#[test]
fn a_limit_too_large_or_zero_is_refused_with_the_value() {
    let w = Workspace::new();
    w.ingest_sample();
    for n in ["18446744073709551615", "0", "-3"] {
        let r = w.run(&["quotes", "--limit", n]);
        assert_eq!(r.code, 2, "{n}: {}", r.stderr);
        assert!(r.stderr.contains(n), "{n}: {}", r.stderr);
    }
    let rows = w.json(&["quotes", "--limit", "3", "--format", "json"]);
    assert_eq!(rows.as_array().unwrap().len(), 3);
}

#[test]
fn export_writes_through_devices_and_links_and_leaves_nothing_half_written() {
    use std::os::unix::fs::FileTypeExt;
    let w = Workspace::new();
    w.ingest_sample();
    // A device stays a device.
    let r = w.run(&["export", "-o", "/dev/null"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // A link is written through, and stays a link.
    let target = w.path("real.csv");
    std::fs::write(&target, b"").unwrap();
    let link = w.path("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = w.run(&["export", "-o", link.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("id,"));
    // A full disk names the file.
    let r = w.run(&["export", "-o", "/dev/full"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("/dev/full: No space left on device"),
        "{}",
        r.stderr
    );
    // A failure leaves no .partial behind: the target is a directory.
    let dir = w.path("a-directory");
    std::fs::create_dir(&dir).unwrap();
    let r = w.run(&["export", "-o", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!w.path("a-directory.partial").exists());
}

/// `quotes` and `export` stream their rows: past a table's sizing sample, every row still
/// comes, in the order of the text, in every format.
#[test]
fn quotes_and_export_stream_thousands_of_rows_in_order() {
    let w = Workspace::new();
    let mut text = String::from("Budget talks in the capital\n\n");
    for i in 0..2500 {
        text.push_str(&format!(
            "The chancellor said: \"Spending line {i} will be settled by the summer.\"\n\n"
        ));
    }
    let source = w.write("talks-2025-06-02.txt", text.as_bytes());
    let r = w.run(&["ingest", source.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = w.run(&["export"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let starts: Vec<i64> = csv::Reader::from_reader(r.stdout.as_bytes())
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|row| row.unwrap()["start"].parse().unwrap())
        .collect();
    assert_eq!(starts.len(), 2500);
    assert!(
        starts.windows(2).all(|p| p[0] < p[1]),
        "export out of order"
    );

    assert_eq!(
        w.json(&["quotes", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        2500
    );
    let jsonl = w.run(&["quotes", "--format", "jsonl"]);
    assert_eq!(jsonl.stdout.lines().count(), 2500);
    let table = w.run(&["quotes", "--format", "table"]);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 2501);
    // Spending line 1000 and later are wider than the rows the columns were sized by: they
    // are cut to the sampled width, not allowed to break the alignment.
    let quote_column = lines[0].find("quote").unwrap();
    let widest = lines[1..1001]
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    for line in &lines[1..] {
        let cells: String = line.chars().skip(quote_column).collect();
        assert!(cells.starts_with("Spending line"), "{line}");
        assert!(line.chars().count() <= widest, "{line}");
    }
}

#[test]
fn a_broken_data_file_is_named_the_same_on_one_thread_or_two() {
    let w = Workspace::new();
    let data = w.path("data");
    std::fs::create_dir(&data).unwrap();
    // Broken for the extractor, the gazetteer and the stance scorer, which load in that order
    // on one thread, and beside each other on two.
    let broken = |file: &str, line: &str| {
        let mut text = std::fs::read_to_string(repo_file(&format!("data/{file}"))).unwrap();
        text.push_str(line);
        std::fs::write(data.join(file), text).unwrap();
    };
    broken("bodies.csv", ",nameless body\n");
    broken("stance_cues.csv", "hold firm,steadfast,0.5\n");
    let page = repo_file("tests/data/harbour-live-2024-06-02.txt");
    let ingest = |jobs: &str| {
        w.run(&[
            "--data",
            data.to_str().unwrap(),
            "ingest",
            "--jobs",
            jobs,
            page.to_str().unwrap(),
        ])
    };
    for jobs in ["1", "2"] {
        let r = ingest(jobs);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("data file bodies.csv:"), "{}", r.stderr);
    }
    broken("speech_cues.csv", "pronounced,proclamation\n");
    for jobs in ["1", "2"] {
        let r = ingest(jobs);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("data file speech_cues.csv:"),
            "{}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    }
    // Nothing was stored: no statement to list.
    assert_eq!(w.run(&["quotes"]).code, 1);
}

#[test]
fn a_new_database_has_large_pages_for_large_sources_and_small_ones_for_many_small_ones() {
    let page_size = |w: &Workspace| -> i64 {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap()
    };
    // A live page of 4.5 MB.
    let mut page = String::from("Live: talks on the truce\n\n");
    let mut i = 0;
    while page.len() < 4_500_000 {
        page.push_str(&format!(
            "{:02}:{:02}\n\nUpdate {i}\n\nKeir Starmer said \"the ceasefire must hold, day {i}\".\n\n",
            23 - i % 24,
            i % 60
        ));
        i += 1;
    }
    let w = Workspace::new();
    let big = w.write("big-2025-05-04.txt", page.as_bytes());
    let r = w.run(&["ingest", big.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(page_size(&w), 16384);
    // A later ingest of small files keeps the database's pages.
    let small = w.write(
        "small-2025-05-05.txt",
        b"Title\n\nShe said \"yes, we will\".\n",
    );
    let r = w.run(&["ingest", small.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(page_size(&w), 16384);
    // A folder of small files makes a database of SQLite's own pages.
    let w = Workspace::new();
    let dir = w.path("posts");
    std::fs::create_dir(&dir).unwrap();
    for n in 0..5 {
        std::fs::write(
            dir.join(format!("post-{n}-2025-05-0{}.txt", n + 1)),
            format!("Post {n}\n\nAna Lind said \"talks resume on day {n}\".\n"),
        )
        .unwrap();
    }
    let r = w.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(page_size(&w), 4096);
}
