//! The command line people expect: completions, a manual page, an example in every
//! command's help, and every format of export.

mod common;

use common::Workspace;

const COMMANDS: [&str; 15] = [
    "ingest",
    "quotes",
    "search",
    "show",
    "export",
    "actors",
    "stance",
    "compare",
    "topics",
    "report",
    "network",
    "parse",
    "eval",
    "reprocess",
    "completions",
];

#[test]
fn every_command_has_an_example_in_its_help() {
    let w = Workspace::new();
    for command in COMMANDS.iter().filter(|c| **c != "completions") {
        let r = w.run(&[command, "--help"]);
        assert_eq!(r.code, 0, "{command}: {}", r.stderr);
        let examples = r
            .stdout
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{command} --help has no example:\n{}", r.stdout));
        assert!(
            examples.contains(&format!("whosaid {command}")),
            "{command}: {examples}"
        );
    }
}

#[test]
fn completions_and_the_manual_are_printed_without_a_database() {
    let w = Workspace::new();
    for shell in ["bash", "zsh", "fish"] {
        let r = w.run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for command in COMMANDS {
            assert!(r.stdout.contains(command), "{shell} completes {command}");
        }
    }
    let r = w.run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    let man = w.run(&["man"]);
    assert_eq!(man.code, 0, "{}", man.stderr);
    assert!(man.stdout.contains(".TH whosaid 1"), "{}", man.stdout);
    assert!(man.stdout.contains("report"));
    assert!(!w.db().exists(), "no database is made for these");
}

#[test]
fn export_writes_json_and_jsonl_with_lists_as_arrays() {
    let w = Workspace::new();
    w.ingest_sample();
    let csv = w.run(&["export"]);
    let rows = csv.stdout.lines().count() - 1;
    let json = w.json(&["export", "--format", "json"]);
    let json = json.as_array().unwrap();
    assert_eq!(json.len(), rows);
    let jsonl = w.run(&["export", "--format", "jsonl"]);
    let lines: Vec<serde_json::Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, json);
    let tagged = json
        .iter()
        .find(|r| r["topics"].as_array().unwrap().len() > 1)
        .expect("a statement on two topics");
    let n = tagged["topics"].as_array().unwrap().len();
    assert_eq!(tagged["stance"].as_array().unwrap().len(), n);
    assert_eq!(tagged["stance_confidence"].as_array().unwrap().len(), n);
    assert!(tagged["stance_confidence"][0].is_number());
    assert!(tagged["start"].is_number() && tagged["id"].is_number());
    // To a file, whole.
    let path = w.path("quotes.jsonl");
    let r = w.run(&[
        "export",
        "--format",
        "jsonl",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), jsonl.stdout);
}

#[test]
fn the_progress_bar_is_drawn_on_a_terminal_only() {
    let w = Workspace::new();
    let sample = common::repo_file(common::SAMPLE);
    let r = w.run(&["ingest", sample.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.is_empty(),
        "nothing but errors on a pipe: {}",
        r.stderr
    );
    // On a terminal (util-linux's `script` gives the command one), the bytes read.
    let has_script = std::process::Command::new("sh")
        .args(["-c", "command -v script"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipped the terminal half: no `script`");
        return;
    }
    let db = w.path("tty.db");
    let command = format!(
        "{} --db {} ingest {}",
        env!("CARGO_BIN_EXE_whosaid"),
        db.display(),
        sample.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("KiB"), "{shown}");
    assert!(shown.contains("bbc-live-2025-03-15.txt"), "{shown}");
    // Unless asked not to.
    let quiet = format!(
        "{} --db {} ingest --no-progress {}",
        env!("CARGO_BIN_EXE_whosaid"),
        w.path("quiet.db").display(),
        sample.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &quiet, "/dev/null"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("statements added") && !shown.contains("KiB"),
        "{shown}"
    );
}
