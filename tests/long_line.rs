//! A 100 MB file that is one line: refused quickly and clearly, with bounded memory.
//! (Alone in its test binary, so the peak memory read is this ingest's.)

mod common;

use common::{Workspace, children_peak_mib};

#[test]
fn hundred_megabyte_single_line() {
    let w = Workspace::new();
    let f = w.write("one-line-2025-03-15.txt", &vec![b'x'; 100 << 20]);
    w.ingest_sample();
    let before = w.counts();
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("one-line-2025-03-15.txt: no posts found"),
        "{}",
        r.stderr
    );
    assert_eq!(w.counts(), before);
    let peak = children_peak_mib();
    assert!(peak < 800, "peak memory {peak} MiB");
}

#[test]
fn long_paragraph_of_prose_is_cut_into_pieces() {
    let w = Workspace::new();
    let mut text = b"Harbour strike ends\nBy Ana Ruiz\nMarch 20, 2025 3:41 PM GMT\n".to_vec();
    for i in 0..40_000 {
        text.extend(format!("Mayor Ana Ruiz said talks number {i} were over. ").as_bytes());
    }
    text.push(b'\n');
    let f = w.write("article.txt", &text);
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("40000 statements"), "{}", r.stdout);
}
