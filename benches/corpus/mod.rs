//! Live-blog text for the benchmarks: the bundled sample repeated, every copy moved to
//! another day with its speakers rotated, so no copy repeats another.

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn corpus(target: usize) -> String {
    let sample = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/samples/bbc-live-2025-03-15.txt"
    ))
    .expect("the bundled sample");
    let speakers = [
        "Starmer", "Zelensky", "Putin", "Trump", "Macron", "Meloni", "Stubb", "Albanese",
    ];
    let mut out = String::with_capacity(target + sample.len());
    let mut copy = 0usize;
    while out.len() < target {
        let day = 1 + copy % 28;
        let month = MONTHS[(copy / 28) % 12];
        let mut text = sample.replace("15 March", &format!("{day} {month}"));
        let (a, b) = (
            speakers[copy % speakers.len()],
            speakers[(copy + 3) % speakers.len()],
        );
        text = text.replace(a, "\u{0}").replace(b, a).replace('\u{0}', b);
        if copy > 0 {
            // Only the first copy keeps the page header.
            text = text.splitn(3, '\n').nth(2).unwrap_or("").to_string();
        }
        out.push_str(&text);
        out.push('\n');
        copy += 1;
    }
    out
}

/// The sample's posts as a feed: one JSON object a line (`published_at`, `title`, `body`),
/// copied to later days with speakers rotated as `corpus` does, until `target` bytes.
#[allow(dead_code)]
pub fn feed(target: usize) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/samples/bbc-live-2025-03-15.txt"
    );
    let sample = std::fs::read_to_string(path).expect("the bundled sample");
    let info = whosaid::parse::SourceInfo {
        path: path.into(),
        ..Default::default()
    };
    let doc = whosaid::parse::parse(&sample, &info, None).expect("the sample parses");
    let speakers = [
        "Starmer", "Zelensky", "Putin", "Trump", "Macron", "Meloni", "Stubb", "Albanese",
    ];
    let mut out = String::with_capacity(target + 4096);
    let mut copy = 0usize;
    while out.len() < target {
        let (a, b) = (
            speakers[copy % speakers.len()],
            speakers[(copy + 3) % speakers.len()],
        );
        let rotate = |t: &str| t.replace(a, "\u{0}").replace(b, a).replace('\u{0}', b);
        for post in &doc.posts {
            // Within the 600 days after the sample's, so none is in the future; the copy's
            // number in the title keeps every line its own.
            let when = post
                .published_at
                .map(|t| t + chrono::Duration::days((copy % 600) as i64));
            let line = serde_json::json!({
                "published_at": when.map(|t| t.to_rfc3339()),
                "title": post.title.as_ref().map(|t| format!("{} ({copy})", rotate(&t.text))),
                "body": rotate(&post.body()),
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        copy += 1;
    }
    out
}
