//! Corpus scale, end to end through the real binary: ingest of 1, 10 and 100 MB of live-blog
//! text on one thread and on every core (MB per CPU-second, MB per second, the speed-up,
//! peak memory, database bytes per input byte), then a database of a million statements,
//! the latency of each read command on it (medians), and of a day's feed ingested into it.
//!
//! `cargo bench --bench scale`; `WHOSAID_SCALE_MB=1,10` picks the sizes (`0`: none),
//! `WHOSAID_SCALE_RUNS=5` the pairs of ingests, one thread and every core in turn (medians,
//! the speed-up the median of the pairs' ratios; 3 by default),
//! `WHOSAID_SCALE_STATEMENTS=0` skips the million-statement database. Needs `/usr/bin/time`.
//!
//! Then `ingest` of a directory of one-post JSON files (`WHOSAID_SCALE_FILES_MB`, `0` skips).
//!
//! Then `extract` of a JSON Lines feed of the same sizes (`WHOSAID_SCALE_FEED_MB`, `0`
//! skips), read a line at a time: MB per CPU-second, posts a second, peak memory (which must
//! not grow with the feed), the records' size; and `load` of those records.

#[path = "corpus/mod.rs"]
mod corpus;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_whosaid");

/// Wall seconds, CPU seconds and peak memory (MiB) of one run of whosaid.
struct Run {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
}

fn timed(args: &[&str]) -> Run {
    timed_into(args, None)
}

/// `timed`, with stdout written to `into` (else thrown away).
fn timed_into(args: &[&str], into: Option<&Path>) -> Run {
    let started = std::time::Instant::now();
    let stdout = match into {
        Some(path) => std::process::Stdio::from(std::fs::File::create(path).unwrap()),
        None => std::process::Stdio::null(),
    };
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M", BIN])
        .args(args)
        .stdout(stdout)
        .output()
        .expect("/usr/bin/time");
    let wall = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let f: Vec<f64> = last.split(' ').filter_map(|x| x.parse().ok()).collect();
    Run {
        wall,
        cpu: f[1] + f[2],
        peak_mib: f[3] / 1024.0,
    }
}

/// The sizes in MB a variable names (`default` when unset), zeros left out.
fn sizes_mb(var: &str, default: &str) -> Vec<usize> {
    std::env::var(var)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|&mb| mb > 0)
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn ingest(dir: &Path, files: &[String], jobs: usize) -> (Run, u64) {
    let db = dir.join(format!("j{jobs}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let jobs = jobs.to_string();
    let mut args = vec!["--db", db.to_str().unwrap(), "ingest", "--jobs", &jobs];
    args.extend(files.iter().map(String::as_str));
    let run = timed(&args);
    // What the database takes once its log is folded in.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    (run, std::fs::metadata(&db).unwrap().len())
}

/// Ingests into a new database on one thread and on `jobs`, in turn, several times: the
/// median of each figure on each side (the database's size from the first one-thread run),
/// and the speed-up as the median of each pair's ratio. Taken in turn, both sides see the
/// same hours of this shared machine: five runs on one thread and then five on two gave
/// 1 MB's speed-up as 1.46-1.49 in busy hours in which runs taken in turn gave 1.5-1.6.
fn paired_ingest(dir: &Path, files: &[String], jobs: usize) -> (Run, Run, f64, u64) {
    let runs: usize = std::env::var("WHOSAID_SCALE_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3);
    let pairs: Vec<((Run, u64), (Run, u64))> = (0..runs)
        .map(|_| (ingest(dir, files, 1), ingest(dir, files, jobs)))
        .collect();
    let side = |runs: Vec<&Run>| Run {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        cpu: median(runs.iter().map(|r| r.cpu).collect()),
        peak_mib: median(runs.iter().map(|r| r.peak_mib).collect()),
    };
    let one = side(pairs.iter().map(|((r, _), _)| r).collect());
    let all = side(pairs.iter().map(|(_, (r, _))| r).collect());
    let speedup = median(
        pairs
            .iter()
            .map(|((one, _), (all, _))| one.wall / all.wall)
            .collect(),
    );
    (one, all, speedup, (pairs[0].0).1)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let sizes = sizes_mb("WHOSAID_SCALE_MB", "1,10,100");
    let n = cores();
    println!("machine: {n} cores; whosaid {BIN}");
    println!(
        "{:>6}  {:>14}  {:>14}  {:>14}  {:>8}  {:>9}  {:>9}  {:>8}",
        "MB",
        "MB/CPU-s j1",
        "MB/s j1",
        format!("MB/s j{n}"),
        "speedup",
        "peak j1",
        format!("peak j{n}"),
        "db/text"
    );
    for mb in sizes {
        let text = corpus::corpus(mb * 1024 * 1024);
        let path = dir.path().join(format!("live-{mb}mb-2025-03-15.txt"));
        std::fs::write(&path, &text).unwrap();
        let files = vec![path.display().to_string()];
        let size = text.len() as f64 / (1024.0 * 1024.0);
        let (one, all, speedup, db_bytes) = paired_ingest(dir.path(), &files, n);
        println!(
            "{:>6}  {:>14.2}  {:>14.2}  {:>14.2}  {:>7.2}x  {:>6.0} MB  {:>6.0} MB  {:>8.2}",
            mb,
            size / one.cpu,
            size / one.wall,
            size / all.wall,
            speedup,
            one.peak_mib,
            all.peak_mib,
            db_bytes as f64 / text.len() as f64,
        );
    }
    many_files(dir.path());
    stream(dir.path());
    let want: usize = std::env::var("WHOSAID_SCALE_STATEMENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    if want == 0 {
        return;
    }
    // Ten-megabyte sources, each its own copy, until the database holds `want` statements.
    let db = dir.path().join("million.db");
    let db = db.to_str().unwrap();
    let mut statements = 0usize;
    let mut copy = 0;
    let text = corpus::corpus(10 * 1024 * 1024);
    while statements < want {
        copy += 1;
        let path = dir.path().join(format!("copy-{copy}-2025-03-15.txt"));
        std::fs::write(&path, format!("{text}\nCopy {copy} ends here.\n")).unwrap();
        timed(&["--db", db, "ingest", path.to_str().unwrap()]);
        std::fs::remove_file(&path).unwrap();
        statements = statement_count(db);
    }
    // The rows `export` writes: every statement but scare-quoted terms.
    let exported: f64 = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM statements WHERE kind != 'term'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as f64;
    println!("\nread commands on {statements} statements (median of 5 runs, whole process):");
    // A statement from the middle of the database (however many it holds).
    let middle = (statements / 2).to_string();
    let commands: [&[&str]; 12] = [
        &["actors", "--format", "csv"],
        &["topics", "--format", "csv"],
        &["compare", "--format", "csv"],
        // The verdict with a page of its evidence, and with every piece of it listed.
        &["stance", "Starmer", "ceasefire", "--limit", "20"],
        &["stance", "Starmer", "ceasefire", "--format", "csv"],
        &[
            "quotes",
            "--actor",
            "Starmer",
            "--topic",
            "ceasefire",
            "--limit",
            "20",
        ],
        &["quotes", "--limit", "20"],
        &["search", "frozen assets", "--limit", "20"],
        &["search", "ceasefire", "--actor", "Starmer", "--limit", "20"],
        &["search", "--fts", "seize OR seized", "--format", "csv"],
        &["show", &middle, "--format", "json"],
        &["export"],
    ];
    for args in commands {
        let mut full = vec!["--db", db];
        full.extend_from_slice(args);
        let runs: Vec<Run> = (0..5).map(|_| timed(&full)).collect();
        let wall = median(runs.iter().map(|r| r.wall).collect());
        let peak = median(runs.iter().map(|r| r.peak_mib).collect());
        let rate = if args[0] == "export" {
            format!("  ({exported} rows, {:.0} rows/s)", exported / wall)
        } else {
            String::new()
        };
        println!(
            "  {:<60} {:>8.0} ms {:>6.0} MB{rate}",
            args.join(" "),
            wall * 1000.0,
            peak
        );
    }
    daily_feeds(dir.path(), db);
}

/// A day's news into the database of a million statements: ten posts later than all it
/// holds, a file a day, as a scraper run daily gives them. The stances they touch go on
/// from where they stopped, so the cost is the day's, not the database's.
fn daily_feeds(dir: &Path, db: &str) {
    let latest: i64 = rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT max(published_at) FROM statements", [], |r| r.get(0))
        .unwrap();
    let posts: Vec<serde_json::Value> = corpus::feed(256 * 1024)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let per_day = 10;
    let days = 6;
    let mut runs = Vec::new();
    let mut added = 0usize;
    for day in 0..days {
        let mut text = String::new();
        for (k, post) in posts.iter().skip(day * per_day).take(per_day).enumerate() {
            let at = latest + (day as i64 + 1) * 86_400 + k as i64 * 600;
            let mut post = post.clone();
            post["published_at"] = chrono::DateTime::from_timestamp(at, 0)
                .unwrap()
                .to_rfc3339()
                .into();
            text.push_str(&post.to_string());
            text.push('\n');
        }
        let path = dir.join(format!("day-{day}.jsonl"));
        std::fs::write(&path, &text).unwrap();
        let before = statement_count(db);
        let run = timed(&["--db", db, "ingest", path.to_str().unwrap()]);
        added += statement_count(db) - before;
        // The first day computes the pairs this whosaid has not kept yet.
        if day > 0 {
            runs.push(run);
        }
    }
    println!(
        "\na day's feed ({per_day} posts, {} statements a day) into it, median of {} days: \
         {:.0} ms, {:.0} ms of CPU, {:.0} MB",
        added / days,
        runs.len(),
        median(runs.iter().map(|r| r.wall).collect()) * 1000.0,
        median(runs.iter().map(|r| r.cpu).collect()) * 1000.0,
        median(runs.iter().map(|r| r.peak_mib).collect()),
    );
}

fn statement_count(db: &str) -> usize {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM statements", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap() as usize
}

/// `ingest` of a directory of one-post sources (a folder of saved articles): each file is a
/// source of its own, stored in a transaction of its own.
fn many_files(dir: &Path) {
    let sizes = sizes_mb("WHOSAID_SCALE_FILES_MB", "1,10");
    if sizes.is_empty() {
        return;
    }
    let n = cores();
    println!("\ningest of a directory of one-post files (JSON, one post each):");
    println!(
        "{:>6}  {:>7}  {:>12}  {:>10}  {:>10}  {:>8}  {:>8}",
        "MB",
        "files",
        "MB/CPU-s j1",
        "files/s j1",
        format!("files/s j{n}"),
        "peak j1",
        format!("peak j{n}")
    );
    for mb in sizes {
        let folder = dir.join(format!("files-{mb}mb"));
        std::fs::create_dir_all(&folder).unwrap();
        let feed = corpus::feed(mb * 1024 * 1024);
        let mut files = 0usize;
        for line in feed.lines() {
            std::fs::write(folder.join(format!("post-{files:07}.json")), line).unwrap();
            files += 1;
        }
        let size = feed.len() as f64 / (1024.0 * 1024.0);
        drop(feed);
        let folder_arg = vec![folder.display().to_string()];
        let (one, all, _, _) = paired_ingest(dir, &folder_arg, n);
        println!(
            "{:>6}  {:>7}  {:>12.2}  {:>10.0}  {:>10.0}  {:>5.0} MB  {:>5.0} MB",
            mb,
            files,
            size / one.cpu,
            files as f64 / one.wall,
            files as f64 / all.wall,
            one.peak_mib,
            all.peak_mib,
        );
        let _ = std::fs::remove_dir_all(&folder);
    }
}

/// `extract` over feeds of growing size, and `load` of what it wrote.
fn stream(dir: &Path) {
    let sizes = sizes_mb("WHOSAID_SCALE_FEED_MB", "1,10,100");
    if sizes.is_empty() {
        return;
    }
    let runs: usize = std::env::var("WHOSAID_SCALE_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3);
    println!(
        "\nextract of a JSON Lines feed, one line at a time (median of {runs}), and load of its records:"
    );
    println!(
        "{:>6}  {:>8}  {:>12}  {:>10}  {:>8}  {:>9}  {:>13}  {:>10}  {:>8}",
        "MB", "posts", "MB/CPU-s", "posts/s", "peak", "records", "load rows/s", "load MB/s", "peak"
    );
    for mb in sizes {
        let feed = corpus::feed(mb * 1024 * 1024);
        let posts = feed.lines().count() as f64;
        let path = dir.join(format!("feed-{mb}mb.jsonl"));
        std::fs::write(&path, &feed).unwrap();
        let records = dir.join(format!("feed-{mb}mb.records.jsonl"));
        let size = feed.len() as f64 / (1024.0 * 1024.0);
        drop(feed);
        let all: Vec<Run> = (0..runs)
            .map(|_| {
                timed_into(
                    &["extract", "--quiet", path.to_str().unwrap()],
                    Some(&records),
                )
            })
            .collect();
        let cpu = median(all.iter().map(|r| r.cpu).collect());
        let wall = median(all.iter().map(|r| r.wall).collect());
        let peak = median(all.iter().map(|r| r.peak_mib).collect());
        let written = std::fs::metadata(&records).unwrap().len() as f64;
        let statements = std::io::BufRead::lines(std::io::BufReader::new(
            std::fs::File::open(&records).unwrap(),
        ))
        .filter(|l| {
            l.as_ref()
                .is_ok_and(|l| l.starts_with("{\"type\":\"statement\""))
        })
        .count() as f64;
        let loads: Vec<Run> = (0..runs)
            .map(|_| {
                let db = dir.join("load.db");
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
                timed(&[
                    "--db",
                    db.to_str().unwrap(),
                    "load",
                    records.to_str().unwrap(),
                ])
            })
            .collect();
        let load_wall = median(loads.iter().map(|r| r.wall).collect());
        let load_peak = median(loads.iter().map(|r| r.peak_mib).collect());
        println!(
            "{:>6}  {:>8}  {:>12.2}  {:>10.0}  {:>5.0} MB  {:>8.1}x  {:>13.0}  {:>10.1}  {:>5.0} MB",
            mb,
            posts,
            size / cpu,
            posts / wall,
            peak,
            written / (size * 1024.0 * 1024.0),
            statements / load_wall,
            written / (1024.0 * 1024.0) / load_wall,
            load_peak,
        );
        let _ = std::fs::remove_file(&records);
        let _ = std::fs::remove_file(&path);
    }
}
