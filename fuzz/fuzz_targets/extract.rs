//! Extraction, attribution, topics and stance on paragraphs of any text (one post): no panic,
//! and every statement's offsets inside the text, on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use whosaid::data::DataFiles;
use whosaid::model::{Document, Paragraph, Post};
use whosaid::pipeline::Pipeline;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::load(&DataFiles::embedded()).unwrap())
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut paragraphs = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        if !line.trim().is_empty() && line.trim() == line {
            paragraphs.push(Paragraph::new(line, offset));
        }
        offset += line.len() + 1;
    }
    let doc = Document {
        path: "fuzz".into(),
        format: "fuzz".into(),
        url: None,
        published_on: None,
        text: text.clone(),
        posts: vec![Post {
            paragraphs,
            ..Post::default()
        }],
        skipped: 0,
        furniture: Vec::new(),
        posts_apart: false,
    };
    let processed = pipeline().process(doc);
    for s in processed.statements.iter().flatten() {
        assert!(s.start <= s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
});
