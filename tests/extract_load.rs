//! `extract` (the pipeline with no database, JSON Lines out) and `load` (those records into
//! the database): `load` of `extract` stores what `ingest` stores; the output is the same
//! however a feed is split; a feed is answered a line at a time; a source whose records are
//! cut short or out of order stores nothing.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use common::{SAMPLE, Workspace, assert_spans_match, repo_file};
use serde_json::Value;

/// A feed of our own: one article a line.
fn feed_line(n: usize) -> String {
    let speakers = [
        ("union leader Maria Keller", "a new offer"),
        ("Harbour Authority chief Tomas Brandt", "the port reopening"),
        ("Mayor Ana Ruiz", "the flood barrier"),
        ("Finance Minister Oskar Lind", "the budget vote"),
    ];
    let (who, what) = speakers[n % speakers.len()];
    serde_json::json!({
        "id": format!("a{n}"),
        "url": format!("https://news.example.org/a{n}"),
        "published_at": format!("2024-05-{:02}T10:{:02}:00Z", 1 + n % 28, n % 60),
        "title": format!("Talks on {what}, day {n}"),
        "body": format!(
            "\"We will not accept this, not on day {n},\" {who} said on Tuesday.\n\
             The talks would resume next week, {who} told reporters, calling {what} \"a test of trust\"."
        ),
    })
    .to_string()
}

fn feed(lines: std::ops::Range<usize>) -> String {
    lines.map(|n| feed_line(n) + "\n").collect()
}

fn records(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

/// The export without the columns that say where the words stand (ids, offsets, the path of
/// the workspace's file).
fn export_without_places(w: &Workspace) -> Vec<Value> {
    let mut rows: Vec<Value> = w
        .json(&["export", "--format", "json"])
        .as_array()
        .unwrap()
        .clone();
    for row in &mut rows {
        let o = row.as_object_mut().unwrap();
        for key in ["id", "start", "end", "source"] {
            o.remove(key);
        }
    }
    rows.sort_by_key(|r| r.to_string());
    rows
}

fn csv_of(w: &Workspace, args: &[&str]) -> String {
    let r = w.run(args);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    r.stdout
}

#[test]
fn load_of_extract_stores_what_ingest_stores_for_the_sample_and_outlet_pages() {
    let pages_dir = repo_file("tests/data/outlets/pages");
    let mut pages: Vec<_> = std::fs::read_dir(&pages_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    let mut sources = vec![repo_file(SAMPLE)];
    sources.extend(
        pages
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e != "jsonl"))
            .cloned(),
    );
    let sources: Vec<&str> = sources.iter().map(|p| p.to_str().unwrap()).collect();

    let ingested = Workspace::new();
    let mut args = vec!["ingest"];
    args.extend(&sources);
    let r = ingested.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let loaded = Workspace::new();
    let mut args = vec!["extract", "--quiet"];
    args.extend(&sources);
    let extract = loaded.run(&args);
    assert_eq!(extract.code, 0, "{}", extract.stderr);
    let out = loaded.write("records.jsonl", extract.stdout.as_bytes());
    let r = loaded.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("{} sources", sources.len())),
        "{}",
        r.stdout
    );

    for command in [
        &["export"][..],
        &["export", "--kind", "direct,partial,indirect,action,term"],
        &["actors", "--format", "csv"],
        &["topics", "--format", "csv"],
        &["compare", "--format", "csv"],
        &["stance", "Starmer", "ceasefire", "--format", "csv"],
    ] {
        assert_eq!(
            csv_of(&ingested, command),
            csv_of(&loaded, command),
            "{command:?}"
        );
    }
    // The text is stored too: every statement's offsets give back its words, and `show`
    // gives the same provenance (but the time of ingest).
    assert!(assert_spans_match(&loaded) > 200);
    let show = |w: &Workspace| {
        let mut v = w.json(&["show", "1", "7", "150", "--format", "json"]);
        for s in v.as_array_mut().unwrap() {
            s.as_object_mut().unwrap().remove("ingested_at");
            if let Some(src) = s.get_mut("source").and_then(Value::as_object_mut) {
                src.remove("ingested_at");
            }
        }
        v
    };
    assert_eq!(show(&ingested), show(&loaded));
}

#[test]
fn a_feed_extracted_and_loaded_gives_ingests_statements_each_line_a_source() {
    let w = Workspace::new();
    let path = w.write("feed-2024-05-01.jsonl", feed(0..12).as_bytes());
    let r = w.run(&["extract", "--quiet", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = records(&r.stdout);
    assert_eq!(of_type(&all, "source").len(), 12, "each line a source");
    assert_eq!(of_type(&all, "end").len(), 12);
    let out = w.write("records.jsonl", r.stdout.as_bytes());
    let loaded = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(loaded.code, 0, "{}", loaded.stderr);

    let ingested = Workspace::new();
    let path = ingested.write("feed-2024-05-01.jsonl", feed(0..12).as_bytes());
    let r = ingested.run(&["ingest", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // One source against twelve: the words, speakers, topics and stances are the same; the
    // offsets count from the line, not the file.
    let got = export_without_places(&w);
    assert!(got.len() >= 24, "{got:?}");
    assert_eq!(got, export_without_places(&ingested));
    assert_eq!(
        csv_of(&w, &["compare", "--format", "csv"]).lines().count(),
        csv_of(&ingested, &["compare", "--format", "csv"])
            .lines()
            .count()
    );
}

#[test]
fn a_statement_record_stands_alone() {
    let w = Workspace::new();
    let r = w.run_stdin(&["extract", "-", "--quiet"], feed(0..1).as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = records(&r.stdout);
    let source = of_type(&all, "source")[0];
    let statements = of_type(&all, "statement");
    assert!(statements.len() >= 2, "{statements:?}");
    let direct = statements.iter().find(|s| s["kind"] == "direct").unwrap();
    assert_eq!(direct["source"], source["source"]);
    assert_eq!(direct["source_path"], "<stdin>");
    assert_eq!(direct["post_url"], "https://news.example.org/a0");
    assert_eq!(direct["published_at"], "2024-05-01T10:00:00Z");
    assert_eq!(direct["post_title"], "Talks on a new offer, day 0");
    assert_eq!(direct["words"], "We will not accept this, not on day 0,");
    assert_eq!(direct["speaker"], "union leader Maria Keller");
    assert_eq!(direct["actor"]["name"], "Maria Keller");
    assert_eq!(direct["actor"]["discovered"], true);
    assert!(direct["start"].as_u64().unwrap() < direct["end"].as_u64().unwrap());
    // The words are the text of the line at their offsets.
    let text = of_type(&all, "text")[0]["text"].as_str().unwrap();
    let (start, end) = (
        direct["start"].as_u64().unwrap() as usize,
        direct["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], direct["words"].as_str().unwrap());
    // The source's id is the hash of the line's bytes.
    use sha2::Digest;
    let line = feed_line(0);
    let hash: String = sha2::Sha256::digest(line.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(source["source"], hash);

    // A listed actor carries its kind.
    let w = Workspace::new();
    let line = serde_json::json!({
        "published_at": "2025-03-15T12:00:00Z",
        "body": "\"We are ready to talk,\" Zelensky said in Kyiv on Saturday.",
    })
    .to_string();
    let r = w.run_stdin(&["extract", "-", "--quiet"], line.as_bytes());
    let all = records(&r.stdout);
    let s = of_type(&all, "statement")[0];
    assert_eq!(s["actor"]["name"], "Volodymyr Zelensky");
    assert_eq!(s["actor"]["kind"], "person");
    assert_eq!(s["actor"]["discovered"], false);
}

#[test]
fn extract_gives_the_same_bytes_however_a_feed_is_split() {
    let w = Workspace::new();
    let whole = w.run_stdin(&["extract", "-", "--quiet"], feed(0..20).as_bytes());
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let again = w.run_stdin(&["extract", "-", "--quiet"], feed(0..20).as_bytes());
    assert_eq!(whole.stdout, again.stdout, "deterministic");
    let threads = w.run_stdin(
        &["extract", "-", "--quiet", "--jobs", "3"],
        feed(0..20).as_bytes(),
    );
    assert_eq!(whole.stdout, threads.stdout, "in order on threads");
    let mut parts = String::new();
    for range in [0..7, 7..8, 8..20] {
        let r = w.run_stdin(&["extract", "-", "--quiet"], feed(range).as_bytes());
        parts.push_str(&r.stdout);
    }
    assert_eq!(whole.stdout, parts);
}

#[test]
fn extract_answers_each_line_of_a_pipe_before_the_next_comes() {
    let w = Workspace::new();
    let mut child = w
        .command(&["extract", "-", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    for n in 0..3 {
        writeln!(stdin, "{}", feed_line(n)).unwrap();
        stdin.flush().unwrap();
        // The line's records, through its end record, while the input stays open. (The
        // wait is a hang guard, not a measure of speed.)
        loop {
            let line = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("the line's records before the next line");
            let record: Value = serde_json::from_str(&line).unwrap();
            if record["type"] == "end" {
                break;
            }
        }
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_bad_line_stops_extract_naming_it_unless_skip_bad() {
    let w = Workspace::new();
    let mut text = feed(0..2);
    text.push_str("{\"title\": \"no body\"}\n");
    text.push_str(&feed(2..3));
    let path = w.write("feed.jsonl", text.as_bytes());
    let r = w.run(&["extract", path.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("feed.jsonl:3: missing \"body\""),
        "{}",
        r.stderr
    );
    // The lines before it are whole, and load takes them.
    let all = records(&r.stdout);
    assert_eq!(of_type(&all, "end").len(), 2);

    let r = w.run(&["extract", "--skip-bad", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(of_type(&records(&r.stdout), "end").len(), 3);
    assert!(r.stderr.contains("1 bad lines passed over"), "{}", r.stderr);
}

#[test]
fn loading_again_adds_nothing() {
    let w = Workspace::new();
    let sample = repo_file(SAMPLE);
    let r = w.run(&["extract", "--quiet", sample.to_str().unwrap()]);
    let out = w.write("records.jsonl", r.stdout.as_bytes());
    assert_eq!(w.run(&["load", out.to_str().unwrap()]).code, 0);
    let before = w.counts();
    let again = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again
            .stdout
            .contains("0 statements added; 1 sources already stored"),
        "{}",
        again.stdout
    );
    assert_eq!(w.counts(), before);
    // A source ingested is the same source to load, and the other way round.
    let r = w.run(&["ingest", sample.to_str().unwrap()]);
    assert!(r.stdout.contains("already ingested"), "{}", r.stdout);
}

/// The records of three feed lines, and the line numbers (from 1) where each source starts.
fn three_sources(w: &Workspace) -> (Vec<String>, Vec<usize>) {
    let r = w.run_stdin(&["extract", "-", "--quiet"], feed(0..3).as_bytes());
    let lines: Vec<String> = r.stdout.lines().map(str::to_string).collect();
    let starts = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("{\"type\":\"source\""))
        .map(|(i, _)| i + 1)
        .collect();
    (lines, starts)
}

#[test]
fn a_source_cut_short_stores_nothing_and_the_others_are_stored() {
    let w = Workspace::new();
    let (mut lines, starts) = three_sources(&w);
    // The second source loses its end record (an extract stopped mid-source, its output
    // concatenated with another's), the third its tail.
    let second_end = starts[2] - 2;
    assert!(lines[second_end].contains("\"type\":\"end\""));
    lines.remove(second_end);
    lines.truncate(lines.len() - 2);
    let out = w.write("cut.jsonl", (lines.join("\n") + "\n").as_bytes());
    let r = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("1 sources"), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "cut.jsonl:{}: another source starts before this one's end record",
            starts[2] - 1
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the input ends before the source's end record"),
        "{}",
        r.stderr
    );
    assert_eq!(w.counts()[..2], [1, 1]);
}

#[test]
fn a_record_out_of_order_or_not_json_fails_its_source_only() {
    let w = Workspace::new();
    let (mut lines, starts) = three_sources(&w);
    // The first source's text moved, the second's third record not JSON.
    let text = starts[0];
    lines[text] = lines[text].replace("\"start\":0", "\"start\":5");
    lines[starts[1] + 1] = "{not json".into();
    let out = w.write("bad.jsonl", (lines.join("\n") + "\n").as_bytes());
    let r = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "bad.jsonl:{}: text at byte 5, where 0 was expected",
            text + 1
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "bad.jsonl:{}: not a record of whosaid extract",
            starts[1] + 2
        )),
        "{}",
        r.stderr
    );
    // Nothing more is said of the records the failed sources had left.
    assert_eq!(r.stderr.matches("bad.jsonl:").count(), 2, "{}", r.stderr);
    assert_eq!(w.counts()[..2], [1, 1]);
    let rows = w.json(&["quotes", "--format", "json"]);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["post_title"].as_str().unwrap().ends_with("day 2"))
    );

    // Records with no source record before them.
    let w = Workspace::new();
    let out = w.write("tail.jsonl", (lines[2..].join("\n") + "\n").as_bytes());
    let r = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("tail.jsonl:1: a post record before any source record"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_large_source_is_loaded_in_its_own_transaction_and_cut_short_stores_nothing() {
    let w = Workspace::new();
    // Enough posts that its records (some 8 MB) are more than load holds for a source.
    let sample = std::fs::read_to_string(repo_file(SAMPLE)).unwrap();
    let body = sample.splitn(3, '\n').nth(2).unwrap();
    let mut text = sample.clone();
    for day in 1..50 {
        text.push('\n');
        text.push_str(&body.replace("15 March", &format!("{} March", 1 + day % 28)));
    }
    let big = w.write("big-live-2025-03-15.txt", text.as_bytes());
    let r = w.run_stdin(&["extract", "-", "--quiet"], feed(0..1).as_bytes());
    let mut records = r.stdout;
    let r = w.run(&["extract", "--quiet", big.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.len() > 5 << 20, "{}", r.stdout.len());
    let (whole, cut) = (
        r.stdout.clone(),
        r.stdout[..r.stdout.len() - 200].to_string(),
    );
    let cut_at = cut.rfind('\n').unwrap();
    records.push_str(&cut[..cut_at + 1]);
    let out = w.write("records.jsonl", records.as_bytes());
    let r = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the input ends before the source's end record"),
        "{}",
        r.stderr
    );
    // The small source before it is stored; of the large one, nothing.
    assert_eq!(w.counts()[..2], [1, 1]);

    let out = w.write("whole.jsonl", whole.as_bytes());
    let r = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ingested = Workspace::new();
    let big = ingested.write("big-live-2025-03-15.txt", text.as_bytes());
    ingested.run(&["ingest", big.to_str().unwrap()]);
    let export = |w: &Workspace| {
        w.json(&["export", "--format", "json"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["source"]
                    .as_str()
                    .unwrap()
                    .ends_with("big-live-2025-03-15.txt")
            })
            .map(|r| {
                (
                    r["quote"].clone(),
                    r["actor"].clone(),
                    r["start"].clone(),
                    r["topics"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let loaded = export(&w);
    assert!(loaded.len() > 5000);
    assert_eq!(loaded, export(&ingested));
}

#[test]
fn an_actor_or_topic_these_data_files_do_not_list_is_stored_by_name() {
    let w = Workspace::new();
    let r = w.run_stdin(&["extract", "-", "--quiet"], feed(0..1).as_bytes());
    // As if the extract had run with data files that list Maria Keller and a topic of
    // their own.
    let edited: String = r
        .stdout
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            if v["type"] == "statement" && v["actor"]["name"] == "Maria Keller" {
                v["actor"]["discovered"] = Value::Bool(false);
                v["actor"]["kind"] = "person".into();
                v["topics"] = serde_json::json!([{"topic": "port strikes", "stance": "oppose", "confidence": 0.8, "cue": "not accept"}]);
            }
            v.to_string() + "\n"
        })
        .collect();
    let out = w.write("records.jsonl", edited.as_bytes());
    let r = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let actors = w.json(&["actors", "--format", "json"]);
    let keller = actors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Maria Keller")
        .unwrap();
    assert_eq!(keller["discovered"], false);
    let stance = w.json(&["stance", "Maria Keller", "port strikes", "--format", "json"]);
    assert_eq!(stance["stance"], "oppose", "{stance}");
}

#[test]
fn load_reads_gzipped_records_as_spark_writes_them() {
    let w = Workspace::new();
    let r = w.run_stdin(&["extract", "-", "--quiet"], feed(0..4).as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(r.stdout.as_bytes()).unwrap();
    // Spark writes a directory of parts (and a _SUCCESS file, empty).
    std::fs::create_dir(w.path("out")).unwrap();
    w.write("out/part-00000.gz", &gz.finish().unwrap());
    w.write("out/_SUCCESS", b"");
    let r = w.run(&["load", w.path("out").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("part-00000.gz: 4 sources"),
        "{}",
        r.stdout
    );
    assert_eq!(w.counts()[..2], [4, 4]);
}

#[test]
fn extract_with_a_database_reads_the_actors_kept_in_it() {
    let w = Workspace::new();
    let line = serde_json::json!({
        "published_at": "2024-05-02T09:00:00Z",
        "body": "\"The barrier will hold,\" harbour master Grace Okonkwo said on Thursday.",
    })
    .to_string();
    let actor = |args: &[&str]| {
        let r = w.run_stdin(args, line.as_bytes());
        assert_eq!(r.code, 0, "{}", r.stderr);
        let all = records(&r.stdout);
        of_type(&all, "statement")[0]["actor"].clone()
    };
    // Not kept anywhere: a name found in the text.
    let found = actor(&["extract", "-", "--quiet"]);
    assert_eq!(found["discovered"], true, "{found}");
    w.ingest_sample();
    let r = w.run(&[
        "actors",
        "add",
        "Grace Okonkwo",
        "--kind",
        "person",
        "--country",
        "NG",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kept = actor(&["extract", "-", "--quiet"]);
    assert_eq!(kept["name"], "Grace Okonkwo", "{kept}");
    assert_eq!(kept["kind"], "person");
    assert_eq!(kept["discovered"], false);
}

mod damaged_records {
    use super::*;
    use proptest::prelude::*;

    /// The records of a feed's two lines and of an article, made once.
    fn records_of_two_sources() -> &'static Vec<String> {
        static RECORDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        RECORDS.get_or_init(|| {
            let w = Workspace::new();
            let mut out = w
                .run_stdin(&["extract", "-", "--quiet"], feed(0..2).as_bytes())
                .stdout;
            let article = repo_file("tests/data/outlets/pages/reuters-style-article.txt");
            let path = if article.exists() {
                article
            } else {
                repo_file(SAMPLE)
            };
            out.push_str(
                &w.run(&["extract", "--quiet", path.to_str().unwrap()])
                    .stdout,
            );
            out.lines().map(str::to_string).collect()
        })
    }

    /// A number in a line replaced by another.
    fn renumber(line: &str, which: usize, by: u64) -> String {
        let mut numbers = Vec::new();
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() && (i == 0 || bytes[i - 1] == b':') {
                let end = (i..bytes.len())
                    .find(|&j| !bytes[j].is_ascii_digit())
                    .unwrap_or(bytes.len());
                numbers.push(i..end);
                i = end;
            } else {
                i += 1;
            }
        }
        match numbers.get(which % numbers.len().max(1)) {
            Some(r) => format!("{}{by}{}", &line[..r.start], &line[r.end..]),
            None => line.to_string(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Records lost, repeated, cut or renumbered: a source is stored whole or not at
        /// all, never with a panic, and the read commands read what was stored.
        #[test]
        fn load_of_damaged_records_stores_whole_sources_or_nothing(
            damage in prop::collection::vec((0usize..4, any::<prop::sample::Index>(), 0usize..40, 0u64..100_000), 1..4)
        ) {
            let mut lines = records_of_two_sources().clone();
            for (how, at, which, by) in damage {
                let i = at.index(lines.len());
                match how {
                    0 => { lines.remove(i); }
                    1 => { let l = lines[i].clone(); lines.insert(i, l); }
                    2 => { let l = &lines[i]; let cut = (which * 97) % l.len().max(1); let mut c = cut; while !l.is_char_boundary(c) { c -= 1; } lines[i] = l[..c].to_string(); }
                    _ => { lines[i] = renumber(&lines[i], which, by); }
                }
                if lines.is_empty() { break; }
            }
            let w = Workspace::new();
            let out = w.write("damaged.jsonl", (lines.join("\n") + "\n").as_bytes());
            let r = w.run(&["load", out.to_str().unwrap()]);
            prop_assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
            prop_assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
            let export = w.run(&["export", "--format", "jsonl"]);
            prop_assert!(export.code == 0 || export.code == 1, "{}", export.stderr);
            // Every statement stored has its words where its offsets say.
            if export.code == 0 {
                common::assert_spans_match(&w);
            }
        }
    }
}

#[test]
fn a_record_line_that_is_not_utf8_fails_its_source_not_the_load() {
    let w = Workspace::new();
    let (lines, starts) = three_sources(&w);
    let mut bytes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i == starts[0] {
            // The first source's text record, with a byte that is no UTF-8.
            bytes.extend_from_slice(b"{\"type\":\"text\",\"text\":\"\xff\"}");
        } else {
            bytes.extend_from_slice(line.as_bytes());
        }
        bytes.push(b'\n');
    }
    let out = w.write("bytes.jsonl", &bytes);
    let r = w.run(&["load", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "bytes.jsonl:{}: not a record of whosaid extract (not UTF-8",
            starts[0] + 1
        )),
        "{}",
        r.stderr
    );
    assert_eq!(w.counts()[..2], [2, 2]);
}

/// An engine's empty partition, or posts that quote nobody, are no failure of the stage:
/// Spark fails the job on any exit code but 0.
#[test]
fn extract_of_nothing_or_of_posts_without_statements_exits_zero() {
    let w = Workspace::new();
    let r = w.run_stdin(&["extract", "-", "--quiet"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let quiet = serde_json::json!({"published_at": "2024-05-02T09:00:00Z", "body": "The harbour was calm on Thursday."});
    let r = w.run_stdin(
        &["extract", "-", "--quiet"],
        format!("{quiet}\n").as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = records(&r.stdout);
    assert_eq!(of_type(&all, "source").len(), 1);
    assert_eq!(of_type(&all, "statement").len(), 0);
    // A file named with nothing in it is still a mistake.
    let empty = w.write("empty.jsonl", b"");
    let r = w.run(&["extract", empty.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("empty.jsonl: the file is empty"),
        "{}",
        r.stderr
    );
}
