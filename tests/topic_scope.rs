//! Topics stay in their story: a topic with context words in `topics.csv` counts only in a
//! source that holds one of them. Sentences written for these tests.

mod common;

use common::{Workspace, repo_file};
use serde_json::Value;

/// Every statement of the database as (quote, topics).
fn topics_of(w: &Workspace) -> Vec<(String, String)> {
    let rows = w.json(&[
        "quotes",
        "--format",
        "json",
        "--kind",
        "direct,partial,indirect",
    ]);
    rows.as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["quote"].as_str().unwrap_or("").to_string(),
                        r["topics"]
                            .as_array()
                            .map(|t| {
                                t.iter()
                                    .filter_map(|t| t.as_str())
                                    .collect::<Vec<_>>()
                                    .join(";")
                            })
                            .unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

const TARIFF_ARTICLE: &[u8] = b"Tariff war deepens as Washington raises duties\n\
By Ana Ruiz\n\
April 9, 2025\n\
The White House said tariffs on Chinese goods would rise to 104 percent on Wednesday.\n\
Beijing said it would answer with sanctions of its own on American firms and \"fight to the end\".\n\
\"Pressure will not work on us,\" a Chinese commerce ministry spokesman said.\n";

const COALITION_ARTICLE: &[u8] = b"German parties close in on a coalition deal\n\
By Jo Bloggs\n\
April 9, 2025\n\
Friedrich Merz said the coalition talks with the Social Democrats would end this week.\n\
\"We are ready to sign a coalition agreement,\" he told reporters in Berlin.\n";

#[test]
fn a_tariff_story_gets_no_sanctions_topic() {
    let w = Workspace::new();
    let f = w.write("tariffs.txt", TARIFF_ARTICLE);
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = topics_of(&w);
    assert!(!rows.is_empty());
    for (quote, topics) in rows {
        assert!(topics.is_empty(), "{quote:?} tagged {topics:?}");
    }
}

#[test]
fn a_german_coalition_story_gets_no_coalition_of_the_willing() {
    let w = Workspace::new();
    let f = w.write("coalition.txt", COALITION_ARTICLE);
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (quote, topics) in topics_of(&w) {
        assert!(!topics.contains("coalition"), "{quote:?} tagged {topics:?}");
    }
}

#[test]
fn the_same_words_in_a_ukraine_story_keep_their_topics() {
    let w = Workspace::new();
    let f = w.write(
        "ukraine.txt",
        b"Allies weigh new measures\nBy Ana Ruiz\nApril 9, 2025\n\
          Keir Starmer said sanctions on Russia must stay until Moscow agrees a ceasefire in Ukraine.\n\
          \"The coalition will meet again in Paris,\" he said.\n",
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = topics_of(&w);
    assert!(
        rows.iter().any(|(_, t)| t.contains("sanctions")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|(_, t)| t.contains("coalition")),
        "{rows:?}"
    );
}

#[test]
fn a_users_own_topic_tracks_a_second_story_beside_the_first() {
    let w = Workspace::new();
    let data = w.path("data");
    std::fs::create_dir(&data).unwrap();
    let mut topics = std::fs::read_to_string(repo_file("data/topics.csv")).unwrap();
    topics.push_str(
        "tariffs,,US tariffs and the answers to them,tariff*|duties|trade war,tariff*|trade\n",
    );
    std::fs::write(data.join("topics.csv"), topics).unwrap();
    let f = w.write("tariffs.txt", TARIFF_ARTICLE);
    let sample = repo_file(common::SAMPLE);
    let r = w.run(&[
        "--data",
        data.to_str().unwrap(),
        "ingest",
        f.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = topics_of(&w);
    assert!(rows.iter().any(|(_, t)| t.contains("tariffs")), "{rows:?}");
    assert!(
        rows.iter().any(|(_, t)| t.contains("ceasefire")),
        "{rows:?}"
    );
    let listed: Value = w.json(&["topics", "--format", "json"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["topic"] == "tariffs" && t["statements"].as_i64() > Some(0)),
        "{listed}"
    );
}

#[test]
fn what_names_nothing_is_about_everything_named_just_before_and_the_headline() {
    let w = Workspace::new();
    let f = w.write(
        "carry.txt",
        b"Leaders weigh sanctions on Russia\n\
By Jo Bloggs\n\
April 9, 2025\n\
Kyiv agreed to a 30-day ceasefire on Tuesday. Talks with Moscow are to follow in Riyadh.\n\
\"It is a step forward,\" Finnish President Alexander Stubb said.\n",
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = topics_of(&w);
    let (_, topics) = rows
        .iter()
        .find(|(q, _)| q.starts_with("It is a step forward"))
        .expect("the quote is read");
    for topic in ["ceasefire", "peace talks", "sanctions"] {
        assert!(topics.contains(topic), "{topic} missing from {topics:?}");
    }
}

#[test]
fn ending_the_war_is_both_a_ceasefire_and_the_talks() {
    let w = Workspace::new();
    let f = w.write(
        "end.txt",
        b"Leaders meet in Paris on Ukraine\n\
By Jo Bloggs\n\
April 9, 2025\n\
\"We want to end the war this year,\" Finnish President Alexander Stubb said.\n",
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = topics_of(&w);
    let (_, topics) = rows
        .iter()
        .find(|(q, _)| q.starts_with("We want to end the war"))
        .expect("the quote is read");
    assert!(
        topics.contains("ceasefire") && topics.contains("peace talks"),
        "{topics:?}"
    );
}

#[test]
fn a_headline_quote_takes_the_topics_of_the_body_quote_it_echoes_in_another_post() {
    let w = Workspace::new();
    let f = w.write(
        "echo-2025-04-09.txt",
        "Kremlin dismisses the offer as 'a trick'\n\
Wednesday 9 April 2025\n\
10:00\n\
Kremlin answers\n\
Dmitry Peskov called the ceasefire offer in Ukraine \"a trick\" on Wednesday.\n\
09:00\n\
Earlier\n\
Envoys met in Riyadh for talks on Ukraine.\n"
            .as_bytes(),
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = topics_of(&w);
    let headline: Vec<&String> = rows
        .iter()
        .filter(|(q, _)| q == "a trick")
        .map(|(_, t)| t)
        .collect();
    assert!(headline.len() >= 2, "{rows:?}");
    assert!(headline.iter().all(|t| t.contains("ceasefire")), "{rows:?}");
}

#[test]
fn a_story_that_names_russia_once_in_passing_is_not_about_the_war() {
    let w = Workspace::new();
    let f = w.write(
        "gaza.txt",
        b"Mediators push for Gaza deal\n\
By Jo Bloggs\n\
April 9, 2025\n\
Egypt's foreign minister said talks on a truce in Gaza would resume in Cairo on Thursday.\n\
\"We are close to a deal,\" a Qatari official said, adding that Russia had also offered to help.\n\
The negotiators said the ceasefire must include the release of all hostages.\n",
    );
    let r = w.run(&["ingest", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (quote, topics) in topics_of(&w) {
        assert!(topics.is_empty(), "{quote:?} tagged {topics:?}");
    }
}
