//! `whosaid eval GOLD_DIR`: whosaid scored against an annotation written for these tests,
//! in both layouts, with every miss listed and bad annotation named.

mod common;

use common::Workspace;

/// A live page of our own and its gold.
const PAGE: &str = "Live Reporting
Edited by Mara Quinn
Ministers split over a truce between Russia and Ukrainepublished at 11:20 British Summer Time 10 September
11:20 BST 10 September
Jonas Berg
Diplomatic correspondent
\"We back a ceasefire, and we back it today,\" foreign minister Ilse Navarro told reporters in Geneva, as Russia and Ukraine traded fire.
\"We support a ceasefire in Ukraine without delay,\" said Paul Osei, the trade minister of Ghana.
Osei said that sanctions on Russia would hurt exporters in Accra first.
Critics call the plan a \"paper peace\".
";

const QUOTES: &str = "id,post_time,speaker,kind,quote,topics
q1,2024-09-10T10:20:00Z,Ilse Navarro,direct,\"We back a ceasefire, and we back it today,\",ceasefire
q2,2024-09-10T10:20:00Z,Paul Osei,direct,We support a ceasefire in Ukraine without delay,ceasefire
q3,2024-09-10T10:20:00Z,-,term,paper peace,
q4,2024-09-10T10:20:00Z,Lars Holm,direct,words nobody in the text said,
";

const INDIRECT: &str = "id,post_time,speaker,snippet
r1,2024-09-10T10:20:00Z,Paul Osei,sanctions on Russia would hurt exporters in Accra first
";

const STANCES: &str = "actor,topic,stance,why
Ilse Navarro,ceasefire,support,backs it today
Paul Osei,ceasefire,oppose,(wrong on purpose: a miss to list)
";

fn gold_dir(w: &Workspace, split: bool) -> std::path::PathBuf {
    let root = w.path("gold-set");
    let (texts, gold) = if split {
        (root.join("texts"), root.join("gold"))
    } else {
        (root.clone(), root.clone())
    };
    std::fs::create_dir_all(&texts).unwrap();
    std::fs::create_dir_all(&gold).unwrap();
    let (text, prefix) = if split {
        ("07-2024-09-10.txt", "07")
    } else {
        ("truce-2024-09-10.txt", "truce-2024-09-10")
    };
    std::fs::write(texts.join(text), PAGE).unwrap();
    std::fs::write(gold.join(format!("{prefix}_quotes.csv")), QUOTES).unwrap();
    std::fs::write(gold.join(format!("{prefix}_indirect.csv")), INDIRECT).unwrap();
    std::fs::write(gold.join(format!("{prefix}_stances.csv")), STANCES).unwrap();
    root
}

#[test]
fn eval_scores_a_text_against_its_gold_in_either_layout() {
    for split in [false, true] {
        let w = Workspace::new();
        let dir = gold_dir(&w, split);
        let r = w.run(&["eval", dir.to_str().unwrap(), "--format", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let pooled = &doc["pooled"];
        assert_eq!(pooled["texts"], 1);
        let counts = &pooled["counts"];
        // Three quotes to find (the term is not one), two found, both rightly attributed.
        assert_eq!(counts["quotes_gold"], 3, "{doc}");
        assert_eq!(counts["quotes_found"], 2, "{doc}");
        assert_eq!(counts["speaker_correct"], 2, "{doc}");
        assert_eq!(counts["terms_wrongly_attributed"], 0, "{doc}");
        assert_eq!(counts["indirect_found"], 1, "{doc}");
        assert_eq!(counts["stance_pairs"], 2);
        assert_eq!(counts["stance_correct"], 1, "{doc}");
        assert_eq!(pooled["quote_recall"], 0.667);
        assert_eq!(pooled["stance_accuracy"], 0.5);
        assert!(!w.db().exists(), "eval stores nothing");
    }
}

#[test]
fn eval_details_list_every_miss() {
    let w = Workspace::new();
    let dir = gold_dir(&w, false);
    let r = w.run(&["eval", dir.to_str().unwrap(), "--details"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("quote_f1"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("MISS      [direct] Lars Holm: words nobody in the text said"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("STANCE    Paul Osei / ceasefire: gold oppose, got support"),
        "{}",
        r.stdout
    );
    // One row of figures for scripts.
    let csv = w.run(&["eval", dir.to_str().unwrap(), "--format", "csv"]);
    let mut lines = csv.stdout.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("texts,texts_refused,quote_recall")
    );
    assert!(lines.next().unwrap().starts_with("1,0,0.667"));
}

#[test]
fn eval_names_bad_annotation_and_an_empty_directory() {
    let w = Workspace::new();
    let dir = gold_dir(&w, false);
    std::fs::write(
        dir.join("truce-2024-09-10_stances.csv"),
        "actor,subject,stance\nIlse Navarro,ceasefire,support\n",
    )
    .unwrap();
    let r = w.run(&["eval", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("truce-2024-09-10_stances.csv:1") && r.stderr.contains("'topic'"),
        "{}",
        r.stderr
    );
    let empty = w.path("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = w.run(&["eval", empty.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no text with its annotation"),
        "{}",
        r.stderr
    );
}
