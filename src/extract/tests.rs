use super::*;
use crate::model::Paragraph;
use crate::text::analysis::PostAnalysis;

fn post(title: Option<&str>, paragraphs: &[&str]) -> Post {
    let mut offset = 0;
    let mut next = |s: &str| {
        let p = Paragraph::new(s, offset);
        offset += s.len() + 1;
        p
    };
    Post {
        title: title.map(&mut next),
        paragraphs: paragraphs.iter().map(|s| next(s)).collect(),
        ..Post::default()
    }
}

fn run(title: Option<&str>, paragraphs: &[&str]) -> Vec<Statement> {
    let p = post(title, paragraphs);
    Extractor::load(&DataFiles::embedded()).unwrap().extract(
        &p,
        &PostAnalysis::new(p.blocks().map(|b| b.paragraph.text.as_str())),
    )
}

fn quoted(statements: &[Statement]) -> Vec<&Statement> {
    statements
        .iter()
        .filter(|s| s.kind != StatementKind::Indirect)
        .collect()
}

#[test]
fn trailing_cue_names_the_speaker_of_a_direct_quote() {
    let s = run(
        None,
        &["“We will not back down,” the senator said on Tuesday."],
    );
    let q = quoted(&s);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].kind, StatementKind::Direct);
    assert_eq!(q[0].quote, "We will not back down,");
    assert_eq!(q[0].mention.as_ref().unwrap().text, "the senator");
    assert_eq!(q[0].attribution, Attribution::Cue);
}

#[test]
fn partial_quote_after_leading_cue() {
    let s = run(
        None,
        &["Maria Lopez says the plan is \"dead in the water\" for now."],
    );
    let q = quoted(&s);
    assert_eq!(q[0].kind, StatementKind::Partial);
    assert_eq!(q[0].mention.as_ref().unwrap().text, "Maria Lopez");
}

#[test]
fn inverted_says_names_speaker_after_verb() {
    let s = run(
        None,
        &["Exports will fall this year, says Norwegian minister."],
    );
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].kind, StatementKind::Indirect);
    assert_eq!(s[0].quote, "Exports will fall this year");
    assert_eq!(s[0].mention.as_ref().unwrap().text, "Norwegian minister");
}

#[test]
fn headline_dash_form() {
    let s = run(Some("'Nobody wins a trade war' - Lopez"), &[]);
    let q = quoted(&s);
    assert_eq!(q[0].quote, "Nobody wins a trade war");
    assert_eq!(q[0].kind, StatementKind::Direct);
    assert_eq!(q[0].mention.as_ref().unwrap().text, "Lopez");
}

#[test]
fn scare_quote_after_so_called_is_a_term() {
    let s = run(
        None,
        &["Ministers discussed the so-called \"grand bargain\" on Friday."],
    );
    assert_eq!(s[0].kind, StatementKind::Term);
    assert_eq!(s[0].attribution, Attribution::Term);
}

#[test]
fn narration_after_closed_cue_is_unclaimed() {
    let s = run(
        None,
        &["It is time to act, the mayor says, as the \"clean air zone\" takes shape."],
    );
    let q = quoted(&s);
    assert_eq!(q[0].quote, "clean air zone");
    assert_eq!(q[0].attribution, Attribution::Unclaimed);
}

#[test]
fn subjectless_second_cue_inherits_the_speaker() {
    let s = run(
        None,
        &["The governor says \"costs are rising\", adding \"we must cut spending\"."],
    );
    let q = quoted(&s);
    assert_eq!(q.len(), 2);
    for st in q {
        assert_eq!(st.mention.as_ref().unwrap().text, "The governor");
    }
}

#[test]
fn appositive_name_between_commas_is_the_speaker() {
    let s = run(
        None,
        &["The bank's governor, Ada Ngozi, has previously warned that rates could \"bite hard\"."],
    );
    assert_eq!(quoted(&s)[0].mention.as_ref().unwrap().text, "Ada Ngozi");
}

#[test]
fn question_put_to_someone_is_not_their_statement() {
    let s = run(
        None,
        &["\"Will you resign?\" a reporter asked the minister."],
    );
    assert_eq!(quoted(&s)[0].attribution, Attribution::Question);
}

#[test]
fn standalone_quote_sentence_has_no_cue() {
    let s = run(None, &["\"The city will recover.\""]);
    assert_eq!(s[0].attribution, Attribution::Standalone);
    assert_eq!(s[0].kind, StatementKind::Direct);
}

#[test]
fn quote_over_two_paragraphs_is_a_statement_a_paragraph_with_one_speaker() {
    let s = run(
        None,
        &[
            "\"We tried everything,\" she said. \"Nothing worked.",
            "\"Now we wait.\"",
        ],
    );
    let q = quoted(&s);
    assert_eq!(q.len(), 3);
    assert_eq!(q[1].quote, "Nothing worked.");
    assert_eq!(q[1].start, 34);
    assert_eq!(q[2].quote, "Now we wait.");
    // The part in the next paragraph has no cue of its own: it is read as the part before.
    assert_eq!(q[2].attribution, q[1].attribution);
}

#[test]
fn offsets_point_at_the_quote() {
    let text = "Chen Wei told reporters that tariffs were “a mistake”.";
    let s = run(None, &[text]);
    let q = quoted(&s);
    assert_eq!(&text[q[0].start..q[0].end], "a mistake");
}

#[test]
fn noun_claims_is_not_a_cue() {
    let s = run(
        None,
        &["He rejected the claims that talks had \"collapsed\"."],
    );
    assert_eq!(quoted(&s)[0].mention.as_ref().unwrap().text, "He");
}

#[test]
fn unquoted_first_person_speech_before_said_x_is_direct() {
    let s = run(None, &["We will not give up our land, said Putin."]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].kind, StatementKind::Direct);
    assert_eq!(s[0].quote, "We will not give up our land");
    assert_eq!(s[0].mention.as_ref().unwrap().text, "Putin");
    let s = run(None, &["Exports will fall, said the minister."]);
    assert_eq!(s[0].kind, StatementKind::Indirect);
}

#[test]
fn paragraph_after_said_colon_is_direct_speech() {
    let s = run(
        None,
        &["The minister said:", "We are ready for talks at any time."],
    );
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].kind, StatementKind::Direct);
    assert_eq!(s[0].quote, "We are ready for talks at any time.");
    assert_eq!(s[0].mention.as_ref().unwrap().text, "The minister");
}

#[test]
fn us_the_country_is_not_first_person_speech() {
    let s = run(
        None,
        &["Asked about support, the minister was clear: the US position had not changed."],
    );
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].kind, StatementKind::Indirect);
}

#[test]
fn told_an_audience_and_place_reports_nothing_after_them() {
    let s = run(
        None,
        &["\"We can do it,\" Ruiz told members of her party in Porto."],
    );
    assert_eq!(s.len(), 1, "no reported clause from 'members of her party'");
    assert_eq!(s[0].mention.as_ref().unwrap().text, "Ruiz");
    let s = run(None, &["Ruiz told reporters she would stay on."]);
    assert_eq!(s[0].kind, StatementKind::Indirect);
    assert_eq!(s[0].quote, "she would stay on");
}
