//! Ingest throughput on ~10 MB of live-blog text: the sample repeated with every copy's
//! posts moved to another day and their names rotated, so no copy repeats another.
//! Run with `cargo bench --bench ingest`; prints the median of several runs and MB/s, and
//! first the time the data files take to load, which every process that analyses text pays.

use std::time::Instant;

use whosaid::data::DataFiles;
use whosaid::parse::SourceInfo;
use whosaid::pipeline::Pipeline;
use whosaid::store;

#[path = "corpus/mod.rs"]
mod corpus;
use corpus::corpus;

fn main() {
    let data = DataFiles::embedded();
    let mut loads: Vec<f64> = (0..41)
        .map(|_| {
            let t = Instant::now();
            let pipeline = Pipeline::load(&data).unwrap();
            let took = t.elapsed().as_secs_f64();
            drop(pipeline);
            took
        })
        .collect();
    loads.sort_by(f64::total_cmp);
    println!(
        "data files loaded in {:.2} ms (median of {}; every process that analyses text pays it)",
        loads[loads.len() / 2] * 1000.0,
        loads.len()
    );
    let text = corpus(10 * 1024 * 1024);
    let mb = text.len() as f64 / (1024.0 * 1024.0);
    let pipeline = Pipeline::load(&data).unwrap();
    let info = SourceInfo {
        path: "bench-2025-03-15.txt".into(),
        year: Some(2025),
        ..SourceInfo::default()
    };
    let runs = std::env::var("WHOSAID_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let mut process = Vec::new();
    let mut total = Vec::new();
    let mut statements = 0;
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(dir.path().join("b.db").to_str().unwrap()).unwrap();
        let t0 = Instant::now();
        let processed = pipeline.read(text.as_bytes(), &info, None, false).unwrap();
        let t1 = Instant::now();
        let report = store::ingest(
            &mut conn,
            &processed.document,
            &processed.statements,
            pipeline.actors(),
            pipeline.topics(),
        )
        .unwrap();
        let t2 = Instant::now();
        statements = report.statements;
        process.push((t1 - t0).as_secs_f64());
        total.push((t2 - t0).as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (p, t) = (median(&mut process), median(&mut total));
    println!("ingest {mb:.1} MB ({statements} statements), median of {runs} runs:");
    println!("  parse to stance, no store {p:.2} s ({:.1} MB/s)", mb / p);
    println!("  with SQLite store       {t:.2} s ({:.1} MB/s)", mb / t);
}
