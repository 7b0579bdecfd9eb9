//! 1 GB of live-blog text is read in pieces: it is stored whole, and memory stays flat.
//! (Alone in its test binary, so the peak memory read is this ingest's.)

mod common;

use std::io::Write;

use common::{Workspace, children_peak_mib};

#[test]
fn one_gigabyte_is_streamed_with_flat_memory() {
    let w = Workspace::new();
    let path = w.path("huge-2025-03-15.txt");
    let posts = 1000;
    let filler = " ".repeat(1 << 20);
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(f, "Live Reporting").unwrap();
        for i in 0..posts {
            let (h, m) = (23 - (i / 60) % 24, 59 - i % 60);
            writeln!(
                f,
                "Update {i}published at {h:02}:{m:02} Greenwich Mean Time 15 March"
            )
            .unwrap();
            writeln!(f, "{h:02}:{m:02} GMT 15 March").unwrap();
            writeln!(f, "Mayor Ana Ruiz said \"we are ready\" on update {i}.").unwrap();
            writeln!(f, "{filler}").unwrap();
        }
    }
    let size_mib = std::fs::metadata(&path).unwrap().len() >> 20;
    assert!(size_mib >= 1000, "{size_mib} MiB");
    let r = w.run(&["ingest", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(&format!("{posts} posts")), "{}", r.stdout);
    let peak = children_peak_mib();
    assert!(
        peak < 400,
        "peak memory {peak} MiB for a {size_mib} MiB source"
    );
    // Stored whole: the last statement's words come back from the stored text.
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let span: String = conn
        .query_row(
            "SELECT v.span FROM statements s JOIN statement_spans v ON v.statement_id = s.id
             WHERE s.kind = 'partial' ORDER BY s.start DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(span, "we are ready");
    let stored: i64 = conn
        .query_row("SELECT max(end) FROM source_texts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored as u64, std::fs::metadata(&path).unwrap().len());
}
