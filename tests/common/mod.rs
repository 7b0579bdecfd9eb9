//! Drives the built binary in a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub struct Workspace {
    pub dir: tempfile::TempDir,
}

pub fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub const SAMPLE: &str = "data/samples/bbc-live-2025-03-15.txt";

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// How many segments the search index merges at a time, as its config keeps it.
    #[allow(dead_code)]
    pub fn search_automerge(&self) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        conn.query_row(
            "SELECT v FROM statement_search_config WHERE k = 'automerge'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("t.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_whosaid"));
        c.current_dir(self.dir.path())
            .env_remove("WHOSAID_DB")
            .arg("--db")
            .arg(self.db())
            .args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .into()
    }

    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap().into()
    }

    pub fn ingest_sample(&self) -> Run {
        let sample = repo_file(SAMPLE);
        let r = self.run(&["ingest", sample.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let r = self.run(args);
        assert!(r.code == 0 || r.code == 1, "{:?}: {}", args, r.stderr);
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
    }

    /// Rows in each table, to show a failed command changed nothing.
    pub fn counts(&self) -> Vec<i64> {
        if !self.db().exists() {
            return vec![];
        }
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        ["sources", "posts", "statements", "actors"]
            .iter()
            .map(|t| {
                conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                    .unwrap_or(-1)
            })
            .collect()
    }
}

/// The peak resident memory, in MiB, of the largest child this process has waited for.
pub fn children_peak_mib() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own; RUSAGE_CHILDREN is a valid target.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    usage.ru_maxrss as u64 / 1024
}

/// Every statement's offsets give back its words from the stored text: the words the read
/// commands give (from the text, or stored when they are not the text) against the span the
/// view `statement_spans` cuts out of the text in SQL.
pub fn assert_spans_match(w: &Workspace) -> usize {
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT statement_id, span FROM statement_spans")
        .unwrap();
    let spans: std::collections::HashMap<i64, String> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let r = w.run(&[
        "quotes",
        "--kind",
        "direct,partial,indirect,term,action",
        "--format",
        "jsonl",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut n = 0;
    for line in r.stdout.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let quote = row["quote"].as_str().unwrap();
        let span = &spans[&row["id"].as_i64().unwrap()];
        n += 1;
        // A quote over several paragraphs, or broken by its attribution ("...," she said,
        // "..."), is stored joined; its span runs from its first word to its last.
        if quote != span {
            let first = quote.split_whitespace().next().unwrap_or("");
            let last = quote.split_whitespace().last().unwrap_or("");
            assert!(
                span.starts_with(first) && span.ends_with(last),
                "{quote:?} is not spanned by {span:?}"
            );
        }
    }
    assert!(n > 0);
    assert_eq!(n, spans.len(), "every statement is read back");
    n
}

/// The library pipeline with the built-in data, loaded once per test binary.
pub fn pipeline() -> &'static whosaid::pipeline::Pipeline {
    static PIPELINE: std::sync::OnceLock<whosaid::pipeline::Pipeline> = std::sync::OnceLock::new();
    PIPELINE.get_or_init(|| {
        whosaid::pipeline::Pipeline::load(&whosaid::data::DataFiles::embedded()).unwrap()
    })
}

/// Statements of `text` read through the library in `format`, dated 2025-04-10.
pub fn statements_of(text: &str, format: &str) -> Vec<whosaid::model::Statement> {
    let info = whosaid::parse::SourceInfo {
        path: "test.txt".into(),
        date: chrono::NaiveDate::from_ymd_opt(2025, 4, 10),
        ..whosaid::parse::SourceInfo::default()
    };
    pipeline()
        .read(text.as_bytes(), &info, Some(format), false)
        .unwrap()
        .statements
        .into_iter()
        .flatten()
        .collect()
}
