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
