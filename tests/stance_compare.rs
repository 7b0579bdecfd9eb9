//! Topics, stance and comparison as a user drives them, on the bundled sample.

mod common;

use common::Workspace;
use serde_json::Value;

fn sample() -> Workspace {
    let w = Workspace::new();
    w.ingest_sample();
    w
}

#[test]
fn stance_json_has_verdict_and_evidence() {
    let w = sample();
    let v = w.json(&["stance", "putin", "ceasefire", "--format", "json"]);
    assert_eq!(v["actor"], "Vladimir Putin");
    assert_eq!(v["topic"], "ceasefire");
    assert_eq!(v["stance"], "mixed");
    let evidence = v["evidence"].as_array().unwrap();
    assert_eq!(v["statements"].as_u64().unwrap() as usize, evidence.len());
    assert!(evidence.iter().any(|e| e["quote"] == "in favour"));
    let strongest = v["strongest"].as_i64().unwrap();
    assert!(evidence.iter().any(|e| e["id"].as_i64() == Some(strongest)));
    for e in evidence {
        for key in [
            "published_at",
            "kind",
            "stance",
            "cue",
            "post_title",
            "start",
            "end",
        ] {
            assert!(e.get(key).is_some(), "{key} in {e}");
        }
    }
}

#[test]
fn stance_table_csv_and_jsonl() {
    let w = sample();
    let table = w.run(&["stance", "Meloni", "troops"]);
    assert_eq!(table.code, 0);
    assert!(
        table.stdout.starts_with("Giorgia Meloni on troops: oppose"),
        "{}",
        table.stdout
    );
    let csv = w.run(&["stance", "Meloni", "troops", "--format", "csv"]);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.stdout.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| &r[2] == "oppose"));
    let jsonl = w.run(&["stance", "Meloni", "troops", "--format", "jsonl"]);
    let lines: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), rows.len());
}

#[test]
fn stance_with_no_evidence_is_unknown_and_exits_1() {
    let w = sample();
    let r = w.run(&["stance", "Trump", "kursk", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["stance"], "unknown");
    assert_eq!(v["statements"], 0);
}

#[test]
fn unknown_topic_suggests_a_name() {
    let w = sample();
    let r = w.run(&["stance", "Starmer", "ceasfire"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("unknown topic 'ceasfire'; did you mean 'ceasefire'?"),
        "{}",
        r.stderr
    );
}

#[test]
fn compare_csv_columns_in_order() {
    let w = sample();
    let r = w.run(&["compare", "--format", "csv"]);
    assert_eq!(r.code, 0);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &headers[..7],
        [
            "actor",
            "topic",
            "stance",
            "statements",
            "first_said",
            "last_said",
            "evidence"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cell = |a: &str, t: &str| {
        rows.iter()
            .find(|r| &r[0] == a && &r[1] == t)
            .map(|r| r[2].to_string())
    };
    assert_eq!(
        cell("Keir Starmer", "frozen assets").as_deref(),
        Some("neutral")
    );
    assert_eq!(cell("Alexander Stubb", "troops").as_deref(), Some("mixed"));
    assert!(
        rows.iter().all(|r| r[6].parse::<i64>().is_ok()),
        "evidence is a statement id"
    );
}

#[test]
fn compare_selected_actors_and_topics_json() {
    let w = sample();
    let v = w.json(&[
        "compare",
        "starmer",
        "zelenskyy",
        "--topic",
        "sanctions",
        "--topic",
        "troops",
        "--format",
        "json",
    ]);
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert!(["Keir Starmer", "Volodymyr Zelensky"].contains(&r["actor"].as_str().unwrap()));
        assert!(["sanctions", "troops"].contains(&r["topic"].as_str().unwrap()));
    }
}

#[test]
fn compare_table_fits_80_columns() {
    let w = sample();
    let r = w
        .command(&["compare"])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.contains("Keir Starmer"));
    assert!(text.contains("sup "));
}

#[test]
fn quotes_by_topic_rolls_up_children() {
    let w = sample();
    let parent = w.json(&["quotes", "--topic", "sanctions", "--format", "json"]);
    let parent = parent.as_array().unwrap();
    assert!(parent.iter().any(|r| {
        r["topics"]
            .as_array()
            .unwrap()
            .contains(&"frozen assets".into())
    }));
    let child = w.json(&["quotes", "--topic", "frozen assets", "--format", "json"]);
    for r in child.as_array().unwrap() {
        assert!(
            r["topics"]
                .as_array()
                .unwrap()
                .contains(&"frozen assets".into())
        );
    }
}

#[test]
fn export_fills_topics_and_aligned_stances() {
    let w = sample();
    let r = w.run(&["export"]);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    let mut tagged = 0;
    for row in reader.records().map(Result::unwrap) {
        let topics: Vec<&str> = row[6].split(';').filter(|s| !s.is_empty()).collect();
        let stances: Vec<&str> = row[7].split(';').filter(|s| !s.is_empty()).collect();
        assert_eq!(topics.len(), stances.len(), "aligned: {row:?}");
        tagged += usize::from(!topics.is_empty());
    }
    assert!(tagged > 50);
}

#[test]
fn topics_lists_counts() {
    let w = sample();
    let v = w.json(&["topics", "--format", "json"]);
    let rows = v.as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["topic"].as_str().unwrap()).collect();
    for t in [
        "ceasefire",
        "peace talks",
        "sanctions",
        "frozen assets",
        "troops",
        "military aid",
        "security guarantees",
        "coalition",
        "kursk",
        "energy",
    ] {
        assert!(names.contains(&t), "{t}");
    }
    let fa = rows.iter().find(|r| r["topic"] == "frozen assets").unwrap();
    assert_eq!(fa["parent"], "sanctions");
}

/// Regression: JSON printed `0.7200000000000001`; every confidence has two decimals at most.
#[test]
fn confidences_print_with_two_decimals_in_json() {
    let w = sample();
    let two_decimals = |text: &str| {
        for (i, _) in text.match_indices("\"confidence\": ") {
            let number: String = text[i + 14..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 2, "{number} in {text}");
        }
    };
    for actor in ["starmer", "putin", "zelensky"] {
        for topic in ["ceasefire", "sanctions", "troops"] {
            let r = w.run(&["stance", actor, topic, "--format", "json"]);
            if r.code == 0 {
                two_decimals(&r.stdout);
            }
        }
    }
    let r = w.run(&["compare", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    two_decimals(&r.stdout.replace("\":", "\": "));
}
