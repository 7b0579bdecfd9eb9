//! `load` on any bytes: records of `whosaid extract`, or damage to them, into a database in
//! memory. It must not panic, and a source is stored whole or not at all.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use whosaid::data::DataFiles;
use whosaid::pipeline::Pipeline;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::load(&DataFiles::embedded()).unwrap())
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(mut conn) = whosaid::store::open_in_memory() else {
        return;
    };
    let p = pipeline();
    let mut reader = bytes;
    let _ = whosaid::interchange::load(&mut conn, &mut reader, "fuzz.jsonl", p.actors(), p.topics());
});
