use super::*;
use crate::model::{Attribution, Document, Paragraph, Post, StatementKind};
use crate::text::analysis::PostAnalysis;

fn tagger() -> Tagger {
    Tagger::load(&DataFiles::embedded()).unwrap()
}

fn names(t: &Tagger, text: &str) -> Vec<String> {
    let mut v: Vec<String> = t
        .named(text, 0)
        .into_iter()
        .map(|(i, _)| t.topics[i].name.clone())
        .collect();
    v.dedup();
    v
}

#[test]
fn cues_find_topics_with_plurals_and_phrases() {
    let t = tagger();
    assert_eq!(
        names(&t, "Tougher sanctions on the banks"),
        vec!["sanctions"]
    );
    assert_eq!(names(&t, "A truce by Easter"), vec!["ceasefire"]);
    assert_eq!(names(&t, "no boots on the ground"), vec!["troops"]);
    assert_eq!(names(&t, "Negotiators met"), vec!["peace talks"]);
    assert_eq!(
        names(&t, "Confiscating the funds at Euroclear"),
        vec!["frozen assets"]
    );
    assert!(names(&t, "The weather was fine").is_empty());
}

#[test]
fn frozen_assets_roll_up_to_sanctions() {
    let t = tagger();
    let fa = t.topics.iter().find(|x| x.name == "frozen assets").unwrap();
    assert_eq!(fa.parent.as_deref(), Some("sanctions"));
}

fn statement(doc: &Document, quote: &str, sentence_index: usize) -> Statement {
    let start = doc.text.find(quote).unwrap();
    let sentence_start = doc.text[..start].rfind(". ").map_or(0, |i| i + 2);
    let sentence_end = doc.text[start..]
        .find('.')
        .map_or(doc.text.len(), |i| start + i + 1);
    Statement {
        kind: StatementKind::Partial,
        quote: quote.into(),
        context: doc.text[sentence_start..sentence_end].into(),
        context_start: sentence_start,
        start,
        end: start + quote.len(),
        sentence_start,
        sentence_index,
        in_title: false,
        in_bullet: false,
        attribution: Attribution::Cue,
        mention: None,
        cue: None,
        speaker: None,
        topics: vec![],
        label_like: false,
        scope: None,
    }
}

#[test]
fn statement_without_topic_words_borrows_the_recent_sentence() {
    let text = "Leaders in Kyiv discussed the truce for Ukraine. The minister called it \"workable\". Much later, more. And more. Then \"fine\".";
    let doc = Document {
        path: "t".into(),
        format: "t".into(),
        url: None,
        published_on: None,
        text: text.into(),
        posts: vec![Post {
            paragraphs: vec![Paragraph::new(text, 0)],
            ..Post::default()
        }],
        skipped: 0,
        furniture: Vec::new(),
        posts_apart: false,
    };
    let mut lists = vec![vec![
        statement(&doc, "workable", 2),
        statement(&doc, "fine", 5),
    ]];
    let t = tagger();
    let mut story = t.story();
    let sentences: Vec<PostSentences> = doc
        .posts
        .iter()
        .map(|p| {
            t.sentences(
                p,
                &PostAnalysis::new(p.blocks().map(|b| b.paragraph.text.as_str())),
                &mut story,
            )
        })
        .collect();
    t.tag(&sentences, &story, &mut lists);
    let topics: Vec<Vec<String>> = lists[0]
        .iter()
        .map(|s| s.topics.iter().map(|t| t.topic.clone()).collect())
        .collect();
    assert_eq!(topics[0], vec!["ceasefire"]);
    assert!(topics[1].is_empty(), "four sentences on is out of reach");
}
