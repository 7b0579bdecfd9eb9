//! Every input format's parser on any text, and the pipeline on what each reads: no panic,
//! and every paragraph's offset on its words.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use whosaid::data::DataFiles;
use whosaid::parse::{self, SourceInfo};
use whosaid::pipeline::Pipeline;

const FORMATS: &[&str] = &["bbc-live", "live-text", "article", "html", "jsonl"];

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::load(&DataFiles::embedded()).unwrap())
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let info = SourceInfo {
        path: "fuzz-2025-03-15.txt".into(),
        year: Some(2025),
        ..SourceInfo::default()
    };
    let _ = parse::decode(bytes, "fuzz", false);
    for name in FORMATS {
        let format = parse::by_name(name).unwrap();
        if let Ok(doc) = format.parse(&text, &info) {
            for post in &doc.posts {
                for p in post.title.iter().chain(&post.paragraphs) {
                    assert_eq!(&doc.text[p.offset..p.offset + p.text.len()], p.text);
                }
            }
            let _ = pipeline().process(doc);
        }
    }
});
