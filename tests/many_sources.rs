//! A directory of many small sources: the data files' actors and topics are stored once a
//! run, not once a source, and what is stored is what one source alone stores.

mod common;

use common::{Workspace, repo_file};

const PAGE: &str = "tests/data/harbour-live-2024-06-02.txt";

/// Every listed actor (with what is stored of it), its aliases, and the topics.
fn listed(w: &Workspace) -> Vec<String> {
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT name || '|' || ifnull(gender, '') || '|' || ifnull(country, '') || '|' ||
                ifnull(wikidata, '') FROM actors WHERE discovered = 0 ORDER BY name",
        "SELECT a.name || '|' || x.alias FROM aliases x JOIN actors a ON a.id = x.actor_id
          ORDER BY 1",
        "SELECT t.name || '|' || ifnull(p.name, '') || '|' || t.description FROM topics t
           LEFT JOIN topics p ON p.id = t.parent_id ORDER BY t.name",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// Small live pages of our own, each a day of its own.
fn small_pages(w: &Workspace, dir: &str, days: std::ops::Range<u32>) {
    std::fs::create_dir_all(w.path(dir)).unwrap();
    for day in days {
        let text = format!(
            "Harbour talks live\n\
             Talks resume at the harbourpublished at 09:{day:02} British Summer Time {day} June\n\
             09:{day:02} BST {day} June\n\
             Keir Starmer said the ceasefire \"must hold for everyone's sake\".\n\
             Volodymyr Zelensky says sanctions on Russia should stay until the fighting ends.\n"
        );
        std::fs::write(
            w.path(&format!("{dir}/page-{day:02}-2024-06-{day:02}.txt")),
            text,
        )
        .unwrap();
    }
}

#[test]
fn a_directory_of_small_sources_stores_the_actors_as_one_source_does() {
    let many = Workspace::new();
    small_pages(&many, "pages", 1..13);
    let r = many.run(&["ingest", many.path("pages").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 12, "{}", r.stdout);

    let one = Workspace::new();
    small_pages(&one, "pages", 1..2);
    let r = one.run(&["ingest", one.path("pages").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let stored = listed(&many);
    assert!(stored.iter().any(|row| row.starts_with("Keir Starmer|")));
    assert_eq!(stored, listed(&one));
    // Every source's statements found their actors.
    let quotes = many.json(&["quotes", "--actor", "Starmer", "--format", "json"]);
    assert_eq!(quotes.as_array().map(Vec::len), Some(12), "{quotes}");
}

#[test]
fn a_source_that_fails_after_the_actors_were_stored_leaves_them_to_the_next() {
    // The first source fails in a later piece, after its transaction stored the actors:
    // that is rolled back with it, and the next source must store them again.
    let w = Workspace::new();
    std::fs::create_dir_all(w.path("pages")).unwrap();
    let mut bytes = Vec::new();
    for _ in 0..20 {
        bytes.extend(std::fs::read(repo_file(PAGE)).unwrap());
    }
    bytes.extend(b"Last postpublished at 09:00 British Summer Time 2 June\nA broken \xff byte.\n");
    std::fs::write(w.path("pages/a-long-2024-06-02.txt"), &bytes).unwrap();
    small_pages(&w, "pages", 3..4);
    let r = w
        .command(&["ingest", w.path("pages").to_str().unwrap()])
        .env("WHOSAID_PIECE_BYTES", "2000")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(stdout.contains("page-03"), "{stdout}");

    let one = Workspace::new();
    small_pages(&one, "pages", 3..4);
    let r = one.run(&["ingest", one.path("pages").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(listed(&w), listed(&one));
}

#[test]
fn small_sources_read_ahead_on_threads_store_and_report_what_one_thread_does() {
    // Small files are read ahead of their turn with --jobs 2: among them one that fails, one
    // that is stored already, one in UTF-16 and one too long for one piece; the report lines,
    // the errors and the stored statements are those of --jobs 1.
    let run = |jobs: &str| {
        let w = Workspace::new();
        small_pages(&w, "pages", 1..9);
        std::fs::write(
            w.path("pages/page-04b-2024-06-04.txt"),
            b"Headline\nA broken \xff byte.\n",
        )
        .unwrap();
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                std::fs::read_to_string(w.path("pages/page-05-2024-06-05.txt"))
                    .unwrap()
                    .replace("Harbour talks", "Harbour talks again")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        std::fs::write(w.path("pages/page-05b-2024-06-05.txt"), utf16).unwrap();
        std::fs::write(
            w.path("pages/page-06b-2024-06-06.txt"),
            std::fs::read(repo_file(PAGE)).unwrap().repeat(8),
        )
        .unwrap();
        let first = w.run(&[
            "ingest",
            w.path("pages/page-02-2024-06-02.txt").to_str().unwrap(),
        ]);
        assert_eq!(first.code, 0, "{}", first.stderr);
        let r = w
            .command(&["ingest", "--jobs", jobs, w.path("pages").to_str().unwrap()])
            .env("WHOSAID_PIECE_BYTES", "4000")
            .output()
            .unwrap();
        let export = w.run(&["export", "--format", "csv"]);
        let at = |s: &[u8]| String::from_utf8_lossy(s).replace(w.path("").to_str().unwrap(), "");
        let same_actors = listed(&w) == listed(&one_source(jobs));
        (
            r.status.code(),
            at(&r.stdout),
            at(&r.stderr),
            at(export.stdout.as_bytes()),
            same_actors,
        )
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one.0, Some(2));
    assert!(one.1.contains("already ingested"), "{}", one.1);
    assert!(one.2.contains("invalid UTF-8"), "{}", one.2);
    assert_eq!(one.1.lines().count(), 10, "{}", one.1);
    assert_eq!(one.0, two.0);
    assert_eq!(one.1, two.1);
    assert_eq!(one.2, two.2);
    assert!(one.3 == two.3, "the exports differ");
    assert!(one.4 && two.4, "the actors stored differ from one source's");
}

/// A workspace with one small page ingested with `--jobs jobs`.
fn one_source(jobs: &str) -> Workspace {
    let w = Workspace::new();
    small_pages(&w, "pages", 1..2);
    let r = w.run(&["ingest", "--jobs", jobs, w.path("pages").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    w
}
