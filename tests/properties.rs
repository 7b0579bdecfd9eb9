//! Property tests: whatever bytes come in, no parser, the extractor or the pipeline panics,
//! and every offset they give lies inside the text and on the words it names.

use proptest::prelude::*;
use whosaid::data::DataFiles;
use whosaid::model::{Document, Paragraph, Post, StatementKind};
use whosaid::parse::{self, SourceInfo};
use whosaid::pipeline::Pipeline;

const FORMATS: &[&str] = &["bbc-live", "live-text", "article", "html", "jsonl"];

/// Pieces of news text, with the marks and shapes the rules look for, to be shuffled.
const WORDS: &[&str] = &[
    "\"",
    "“",
    "”",
    "‘",
    "’",
    "'",
    "„",
    "«",
    "»",
    "said",
    "says",
    "told",
    "according to",
    "he",
    "she",
    "the prime minister",
    "Starmer",
    "Zelenskyy",
    "Putin",
    "Ana Ruiz",
    ",",
    ".",
    ":",
    "-",
    " - ",
    "—",
    "\n",
    "\r\n",
    "\n\n",
    "- ",
    "so-called",
    "ceasefire",
    "not",
    "must",
    "but",
    "that",
    "published at 12:30 Greenwich Mean Time 15 March",
    "12:30 GMT 15 March",
    "17.45 BST",
    "2h ago",
    "Image source, PA",
    "reporterAs",
    "<p>",
    "</p>",
    "<article>",
    "{\"body\": \"x\"}",
    "é",
    "ß",
    "日本",
    "…",
    "...",
    "[",
    "]",
    "(",
    ")",
    "\u{0}",
    "\u{feff}",
    "Live Reporting",
    "By Jo Bloggs",
    "March 20, 2025",
    "16:26",
    "Q:",
    "JANE DOE:",
    "Here is a statement by",
    "the Kremlin",
    "Russia's foreign ministry",
    "it",
    "was accused of",
    "by",
    "Moscow",
    "the 71-year-old",
    "the ministry",
    "pushed back on",
    "remark",
    "– Sky News",
    "Ukraine war latest:",
    "and",
    "Senator Jane Roe",
    "of the Institute",
    "Thursday 27 March 2025 16:26, UK",
    "The Latest:",
    "in response",
    "agreed to",
    "refused to",
    "Macron and Starmer",
    // Shapes that once broke whosaid: quotes opened with one kind of mark and closed with the
    // other, relative times past any calendar, lists inside lists.
    "‘yes'",
    "'hello world’",
    "said ‘a'",
    "9999999999999999h",
    "999999999999999999m",
    "2000000000000h ago",
    "9223372036854775807 hours ago",
    "<ul><li>",
    "</li></ul>",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..120).prop_map(|w| w.join(" "))
}

fn info() -> SourceInfo {
    SourceInfo {
        path: "prop-2025-03-15.txt".into(),
        year: Some(2025),
        ..SourceInfo::default()
    }
}

fn check_document(doc: &Document) {
    for post in &doc.posts {
        for p in post.title.iter().chain(&post.paragraphs) {
            let end = p.offset + p.text.len();
            assert!(end <= doc.text.len(), "paragraph beyond the text");
            assert_eq!(&doc.text[p.offset..end], p.text, "paragraph offset");
        }
    }
}

fn check_pipeline(pipeline: &Pipeline, doc: Document) {
    check_document(&doc);
    let text = doc.text.clone();
    let processed = pipeline.process(doc);
    for s in processed.statements.iter().flatten() {
        assert!(
            s.start <= s.end && s.end <= text.len(),
            "statement beyond the text"
        );
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        let span = &text[s.start..s.end];
        // A quote joined over paragraphs, or broken by its attribution, spans from its first
        // word to its last; any other is exactly its words.
        if span != s.quote {
            let first = s.quote.split_whitespace().next().unwrap_or("");
            let last = s.quote.split_whitespace().last().unwrap_or("");
            assert!(
                span.starts_with(first) && span.ends_with(last),
                "statement offsets: {:?} for {:?}",
                span,
                s.quote
            );
        }
        assert!(s.sentence_start <= s.start);
        assert!(matches!(
            s.kind,
            StatementKind::Direct
                | StatementKind::Partial
                | StatementKind::Indirect
                | StatementKind::Term
                | StatementKind::Action
        ));
    }
}

fn pipeline() -> &'static Pipeline {
    static P: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
    P.get_or_init(|| Pipeline::load(&DataFiles::embedded()).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse::decode(&bytes, "x", false);
        let text = String::from_utf8_lossy(&bytes);
        for name in FORMATS {
            let format = parse::by_name(name).unwrap();
            if let Ok(doc) = format.parse(&text, &info()) {
                check_pipeline(pipeline(), doc);
            }
        }
        let _ = pipeline().read(&bytes, &info(), None, true);
    }

    #[test]
    fn news_like_text_never_panics_and_offsets_hold(text in soup()) {
        for name in FORMATS {
            let format = parse::by_name(name).unwrap();
            if let Ok(doc) = format.parse(&text, &info()) {
                check_pipeline(pipeline(), doc);
            }
        }
    }

    #[test]
    fn deep_nesting_and_long_lines_never_panic(depth in 0usize..2000, text in soup(), repeat in 1usize..200) {
        let page = format!(
            "<html><body><article><h1>T</h1>{}{}{}</article></body></html>",
            "<ul><li>".repeat(depth),
            text,
            "</li></ul>".repeat(depth)
        );
        if let Ok(doc) = parse::by_name("html").unwrap().parse(&page, &info()) {
            check_pipeline(pipeline(), doc);
        }
        // One line, many times over, with no newline: read in parts.
        let line = format!("Headline\n{}", text.replace('\n', " ").repeat(repeat));
        let _ = pipeline().read(line.as_bytes(), &info(), Some("article"), true);
    }

    #[test]
    fn extractor_on_any_paragraphs(paragraphs in prop::collection::vec(soup(), 1..6)) {
        let mut text = String::new();
        let mut paras = Vec::new();
        for p in &paragraphs {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            paras.push(Paragraph::new(p, text.len()));
            text.push_str(p);
            text.push('\n');
        }
        let doc = Document {
            path: "p".into(),
            format: "test".into(),
            url: None,
            published_on: None,
            text,
            posts: vec![Post { paragraphs: paras, ..Post::default() }],
            skipped: 0,
            furniture: Vec::new(),
            posts_apart: false,
        };
        check_pipeline(pipeline(), doc);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300)
    ))]

    /// Whatever a user searches for and whatever the stored words are, `search` finds
    /// ranges on the words' characters, in order, and marks and cuts them without a panic.
    #[test]
    fn searching_any_text_for_any_words_never_panics(
        text in soup(),
        query in "[a-zA-Z’'\"«» -]{0,20}|\\PC{0,12}",
        reach in 0usize..60,
    ) {
        use whosaid::text::search::{WordSearch, mark, snippet};
        for words in [WordSearch::phrase(&query), WordSearch::terms(&query)].into_iter().flatten() {
            let found = words.find(&text);
            let mut last = 0;
            for r in &found {
                prop_assert!(r.start >= last && r.start <= r.end && r.end <= text.len());
                prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                last = r.end;
            }
            let marked = mark(&text, &found);
            prop_assert_eq!(marked.replace(['«', '»'], "").len(), text.replace(['«', '»'], "").len());
            let _ = snippet(&text, &found, reach);
            let _ = words.index_query();
        }
    }
}
