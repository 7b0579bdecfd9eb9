use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{Mention, Paragraph, StatementKind};

/// What attribution reads of each post, from the post's shared analysis.
fn analyses(doc: &Document) -> Vec<PostNames> {
    let a = attributor();
    doc.posts
        .iter()
        .map(|p| {
            let analysis = PostAnalysis::new(p.blocks().map(|b| b.paragraph.text.as_str()));
            a.names(p, &analysis, doc.published_on)
        })
        .collect()
}

fn attributor() -> Attributor {
    Attributor::load(&DataFiles::embedded()).unwrap()
}

/// A one-post document from paragraphs, and a statement builder that places the quote and
/// the mention by searching the paragraph text.
struct Fixture {
    doc: Document,
}

impl Fixture {
    fn new(paragraphs: &[&str]) -> Self {
        let mut text = String::new();
        let mut paras = Vec::new();
        for p in paragraphs {
            paras.push(Paragraph::new(p, text.len()));
            text.push_str(p);
            text.push('\n');
        }
        let post = Post {
            published_at: Some(Utc.with_ymd_and_hms(2025, 3, 15, 12, 0, 0).unwrap()),
            paragraphs: paras,
            ..Post::default()
        };
        Fixture {
            doc: Document {
                path: "t".into(),
                format: "test".into(),
                url: None,
                published_on: None,
                text,
                skipped: 0,
                furniture: Vec::new(),
                posts_apart: false,
                posts: vec![post],
            },
        }
    }

    fn statement(
        &self,
        quote: &str,
        mention: Option<&str>,
        attribution: Attribution,
        sentence: usize,
    ) -> Statement {
        let start = self.doc.text.find(quote).expect("quote in text");
        let mention = mention.map(|m| {
            let at = self.doc.text[..start]
                .rfind(m)
                .or_else(|| self.doc.text.find(m))
                .unwrap();
            Mention {
                text: m.to_string(),
                start: at,
            }
        });
        Statement {
            kind: StatementKind::Partial,
            quote: quote.into(),
            context: String::new(),
            context_start: 0,
            start,
            end: start + quote.len(),
            sentence_start: start,
            sentence_index: sentence,
            in_title: false,
            in_bullet: self.doc.posts[0]
                .paragraphs
                .iter()
                .any(|p| p.is_bullet() && p.text.contains(quote)),
            attribution,
            mention,
            cue: None,
            speaker: None,
            topics: vec![],
            label_like: false,
            scope: None,
        }
    }

    fn speakers(&self, statements: Vec<Statement>) -> Vec<Option<String>> {
        let mut lists = vec![statements];
        attributor().attribute(&self.doc, &analyses(&self.doc), &mut lists);
        lists
            .remove(0)
            .into_iter()
            .map(|s| s.speaker.map(|sp| sp.name))
            .collect()
    }
}

#[test]
fn pronoun_after_two_actors_of_different_genders_takes_the_compatible_one() {
    let f = Fixture::new(&[
        "Giorgia Meloni met Emmanuel Macron in Rome. She said the talks were \"useful\".",
    ]);
    let got = f.speakers(vec![f.statement(
        "useful",
        Some("She"),
        Attribution::Cue,
        2,
    )]);
    assert_eq!(got, vec![Some("Giorgia Meloni".into())]);
}

#[test]
fn pronoun_prefers_the_last_speaker_over_a_name_inside_narration() {
    let f = Fixture::new(&["Zelensky says \"we are ready\". He adds that Putin is \"stalling\"."]);
    let got = f.speakers(vec![
        f.statement("we are ready", Some("Zelensky"), Attribution::Cue, 1),
        f.statement("stalling", Some("He"), Attribution::Cue, 2),
    ]);
    assert_eq!(got, vec![Some("Volodymyr Zelensky".into()); 2]);
}

#[test]
fn close_spelling_and_alias_resolve_to_the_canonical_name() {
    let f = Fixture::new(&["Zelenskiy said \"no\". Zelenskyy said \"yes\"."]);
    let got = f.speakers(vec![
        f.statement("no", Some("Zelenskiy"), Attribution::Cue, 1),
        f.statement("yes", Some("Zelenskyy"), Attribution::Cue, 2),
    ]);
    assert_eq!(got, vec![Some("Volodymyr Zelensky".into()); 2]);
}

#[test]
fn country_and_role_title_resolves_to_the_office_holder() {
    let f = Fixture::new(&["Peace is near, the Australian PM says \"today\"."]);
    let got = f.speakers(vec![f.statement(
        "today",
        Some("the Australian PM"),
        Attribution::Cue,
        1,
    )]);
    assert_eq!(got, vec![Some("Anthony Albanese".into())]);
}

#[test]
fn unqualified_role_resolves_to_the_holder_named_in_the_source() {
    let f = Fixture::new(&[
        "Mark Carney spoke first.",
        "Later the prime minister called it \"a fair deal\".",
    ]);
    let got = f.speakers(vec![f.statement(
        "a fair deal",
        Some("the prime minister"),
        Attribution::Cue,
        2,
    )]);
    assert_eq!(got, vec![Some("Mark Carney".into())]);
}

#[test]
fn bullets_under_a_heading_belong_to_the_person_it_names() {
    let f = Fixture::new(&[
        "French President Emmanuel Macron",
        "- \"Europe must wake up\"",
        "- He wants \"real guarantees\"",
    ]);
    let got = f.speakers(vec![
        f.statement("Europe must wake up", None, Attribution::Standalone, 2),
        f.statement("real guarantees", Some("He"), Attribution::Cue, 3),
    ]);
    assert_eq!(got, vec![Some("Emmanuel Macron".into()); 2]);
}

#[test]
fn unknown_speaker_is_discovered_with_title_stripped() {
    let f = Fixture::new(&[
        "Estonian Foreign Minister Margus Tsahkna said it was \"a disgrace\". Tsahkna added \"enough\".",
    ]);
    let mut lists = vec![vec![
        f.statement(
            "a disgrace",
            Some("Estonian Foreign Minister Margus Tsahkna"),
            Attribution::Cue,
            1,
        ),
        f.statement("enough", Some("Tsahkna"), Attribution::Cue, 2),
    ]];
    attributor().attribute(&f.doc, &analyses(&f.doc), &mut lists);
    for s in &lists[0] {
        let sp = s.speaker.as_ref().unwrap();
        assert_eq!(sp.name, "Margus Tsahkna");
        assert!(sp.discovered);
    }
}

#[test]
fn fragment_without_cue_continues_only_right_after_its_speaker() {
    let f = Fixture::new(&[
        "Starmer says \"we must act\". Europe is \"at a crossroads\".",
        "Analysts see a \"turning point\" later in the year. More follows. Then \"silence\".",
    ]);
    let got = f.speakers(vec![
        f.statement("we must act", Some("Starmer"), Attribution::Cue, 1),
        f.statement("at a crossroads", None, Attribution::Unscoped, 2),
        f.statement("silence", None, Attribution::Unscoped, 5),
    ]);
    assert_eq!(
        got,
        vec![
            Some("Keir Starmer".into()),
            Some("Keir Starmer".into()),
            None
        ]
    );
}

#[test]
fn reporter_is_not_a_speaker() {
    let f = Fixture::new(&["Our correspondent Jane Roe says it is \"grim\"."]);
    let got = f.speakers(vec![f.statement(
        "grim",
        Some("Our correspondent Jane Roe"),
        Attribution::Cue,
        1,
    )]);
    assert_eq!(got, vec![None]);
}

#[test]
fn standalone_quote_after_a_sentence_naming_the_speaker() {
    let f = Fixture::new(&[
        "Kremlin spokesman Dmitry Peskov was asked about the plan on Friday.",
        "\"It is a provocation.\"",
    ]);
    let got = f.speakers(vec![f.statement(
        "It is a provocation.",
        None,
        Attribution::Standalone,
        2,
    )]);
    assert_eq!(got, vec![Some("Dmitry Peskov".into())]);
}

#[test]
fn standalone_quote_far_from_any_name_stays_unattributed() {
    let f = Fixture::new(&["The talks ended late.", "\"It is a provocation.\""]);
    let got = f.speakers(vec![f.statement(
        "It is a provocation.",
        None,
        Attribution::Standalone,
        2,
    )]);
    assert_eq!(got, vec![None]);
}
