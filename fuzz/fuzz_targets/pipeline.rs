//! The whole pipeline on any bytes: decode, detect the format, parse, extract, attribute,
//! tag and score, in pieces. It must not panic, whatever comes in.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use whosaid::data::DataFiles;
use whosaid::parse::SourceInfo;
use whosaid::pipeline::Pipeline;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::load(&DataFiles::embedded()).unwrap())
}

fuzz_target!(|bytes: &[u8]| {
    let info = SourceInfo {
        path: "fuzz-2025-03-15.txt".into(),
        year: Some(2025),
        ..SourceInfo::default()
    };
    let _ = pipeline().read(bytes, &info, None, true);
});
