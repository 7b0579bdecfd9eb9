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
