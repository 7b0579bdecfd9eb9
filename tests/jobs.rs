//! Pieces of a source analysed on worker threads are stored as one thread would store them:
//! same statements, same offsets, same ids, whatever the number of threads.

mod common;

use common::Workspace;

fn export_with(jobs: &str, source: &[u8], extra: &[(&str, &str)]) -> (i32, String, String) {
    let w = Workspace::new();
    w.write("live-2025-05-04.txt", source);
    // A relative path, so every run's source column reads the same.
    let mut c = w.command(&["ingest", "--jobs", jobs, "live-2025-05-04.txt"]);
    // Small pieces, so a small source is many of them.
    c.env("WHOSAID_PIECE_BYTES", "1500");
    for (k, v) in extra {
        c.env(k, v);
    }
    let r: common::Run = c.output().unwrap().into();
    let export = w.run(&["export"]);
    (r.code, r.stderr, export.stdout)
}

fn live_page() -> Vec<u8> {
    let mut text = String::from("Live: talks on the truce\n\n");
    for i in 0..120 {
        let hour = 23 - (i % 24);
        text.push_str(&format!(
            "{hour:02}:{:02}\n\nUpdate {i}\n\nKeir Starmer said \"the ceasefire must hold, day {i}\". \
             Emmanuel Macron told reporters the sanctions would stay.\n\n",
            i % 60
        ));
    }
    text.into_bytes()
}

#[test]
fn any_number_of_threads_stores_what_one_stores() {
    let page = live_page();
    let (code, err, one) = export_with("1", &page, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(one.lines().count() > 200, "{}", one.lines().count());
    for jobs in ["2", "3", "8"] {
        let (code, err, many) = export_with(jobs, &page, &[]);
        assert_eq!(code, 0, "{err}");
        assert!(many == one, "--jobs {jobs} stored other rows");
    }
}

#[test]
fn a_bad_piece_read_on_a_worker_fails_the_source_and_stores_nothing() {
    let mut page = live_page();
    // Invalid UTF-8 deep in the source: found by a worker, after pieces were stored.
    let at = page.len() - 200;
    page[at] = 0xFF;
    let (code, err, export) = export_with("2", &page, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("live-2025-05-04.txt"), "{err}");
    assert_eq!(
        export.lines().count(),
        1,
        "only the header: nothing of the source is stored"
    );
}

#[test]
fn jobs_zero_is_refused() {
    let w = Workspace::new();
    let f = w.write("a-2025-05-04.txt", b"Title\n\nShe said \"yes\".\n");
    let r = w.run(&["ingest", "--jobs", "0", f.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--jobs"), "{}", r.stderr);
}

/// A large file is hashed while its first piece is read: stored once, it is still known
/// the second time, and nothing is added.
#[test]
fn a_large_file_hashed_while_read_is_known_when_ingested_again() {
    let w = Workspace::new();
    let mut text = String::from("Harbour talks\n\n");
    let filler = "The talks went on all day in the harbour town without a word for the press.\n\n";
    while text.len() < 5 << 20 {
        text.push_str(filler);
    }
    text.push_str("Mayor Ana Ruiz said \"the deal is fair\".\n");
    let f = w.write("large-2025-07-01.txt", text.as_bytes());
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("statements added"), "{}", r.stdout);
    let before = w.counts();
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("already ingested"), "{}", r.stdout);
    assert_eq!(w.counts(), before);
}

/// A panic while one piece is analysed, on a worker or on the thread that stores the pieces
/// (which analyses one itself while the next is not ready), costs that source only, as it
/// does on one thread.
#[test]
fn a_panic_in_a_piece_on_any_thread_costs_its_source_only() {
    // The panic is injected by debug builds (the test command's) only.
    if !cfg!(debug_assertions) {
        return;
    }
    let mut page = live_page();
    // In a piece well inside the source, after others were stored.
    let at = page.len() / 2;
    let at = at + page[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    page.splice(at..at, b"Doomed paragraph here.\n\n".iter().copied());
    for jobs in ["1", "2", "3"] {
        let w = Workspace::new();
        w.write("live-2025-05-04.txt", &page);
        w.write("other-2025-05-05.txt", &live_page());
        let r: common::Run = w
            .command(&[
                "ingest",
                "--jobs",
                jobs,
                "live-2025-05-04.txt",
                "other-2025-05-05.txt",
            ])
            .env("WHOSAID_PIECE_BYTES", "1500")
            .env("WHOSAID_DEBUG_PANIC_IN_TEXT", "Doomed paragraph")
            .output()
            .unwrap()
            .into();
        assert_eq!(r.code, 2, "--jobs {jobs}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("live-2025-05-04.txt: internal error, nothing of it stored"),
            "--jobs {jobs}: {}",
            r.stderr
        );
        let counts = w.counts();
        assert_eq!(
            counts[0], 1,
            "--jobs {jobs}: only the other source: {counts:?}"
        );
    }
}
