//! Stance from the speaker's own words, in sentences written for these tests: the quote, the
//! reported clause with its cue, never the reporter's narration nor words quoted from someone
//! else inside them.

mod common;

use common::statements_of;
use whosaid::model::Stance;

/// The stance on `topic` of the statement whose words start with `words`.
fn stance(body: &str, words: &str, topic: &str) -> Stance {
    let text = format!("Talks on the war in Ukraine\n{body}\n");
    let statements = statements_of(&text, "article");
    let s = statements
        .iter()
        .find(|s| s.quote.starts_with(words))
        .unwrap_or_else(|| panic!("no statement starts with {words:?}"));
    s.topics
        .iter()
        .find(|t| t.topic == topic)
        .map_or(Stance::Unknown, |t| t.stance)
}

#[test]
fn a_reporting_cue_is_part_of_the_speakers_words() {
    assert_eq!(
        stance(
            "Olaf Scholz called for a ceasefire in Ukraine before the winter.",
            "a ceasefire in Ukraine",
            "ceasefire"
        ),
        Stance::Support
    );
}

#[test]
fn narration_around_a_quoted_fragment_does_not_decide_its_stance() {
    // "rejected" is the reporter's word about other people; Scholz's fragment carries no cue.
    assert_eq!(
        stance(
            "After Moscow rejected the truce, Olaf Scholz said the ceasefire talks were \"at an early stage\".",
            "at an early stage",
            "ceasefire"
        ),
        Stance::Unknown
    );
}

#[test]
fn words_quoted_from_someone_else_inside_a_statement_are_not_the_speakers() {
    // The "yes, but" is Putin's position, quoted by Scholz: it does not make Scholz mixed.
    let body = "Olaf Scholz said Vladimir Putin's \"yes, but\" remark showed that a ceasefire \"must come soon\".";
    assert_eq!(stance(body, "must come soon", "ceasefire"), Stance::Support);
}

#[test]
fn a_mistake_to_lift_sanctions_is_support_for_sanctions() {
    assert_eq!(
        stance(
            "\"It would be a mistake to lift sanctions on Russia now,\" Olaf Scholz said.",
            "It would be a mistake",
            "sanctions"
        ),
        Stance::Support
    );
}

#[test]
fn will_not_send_troops_is_opposition_to_troops() {
    assert_eq!(
        stance(
            "\"Germany will not send troops to Ukraine,\" Olaf Scholz said.",
            "Germany will not send",
            "troops"
        ),
        Stance::Oppose
    );
}

#[test]
fn a_comparison_is_for_what_comes_first_and_against_what_comes_after() {
    let body = "\"Talks would be better than more sanctions on Russia,\" Olaf Scholz said.";
    assert_eq!(
        stance(body, "Talks would be", "peace talks"),
        Stance::Support
    );
    assert_eq!(stance(body, "Talks would be", "sanctions"), Stance::Oppose);
}

#[test]
fn a_good_chance_the_war_ends_is_support_for_a_ceasefire() {
    assert_eq!(
        stance(
            "\"There is a very good chance that the war can finally come to an end,\" Olaf Scholz said.",
            "There is a very good chance",
            "ceasefire"
        ),
        Stance::Support
    );
}

#[test]
fn sanctions_that_should_have_come_are_supported() {
    assert_eq!(
        stance(
            "\"After that, sanctions on Russia should have been introduced,\" Olaf Scholz said.",
            "After that, sanctions",
            "sanctions"
        ),
        Stance::Support
    );
}

#[test]
fn ready_to_sign_a_peace_deal_is_support() {
    assert_eq!(
        stance(
            "\"We are ready to sign the peace deal tomorrow,\" Olaf Scholz said.",
            "We are ready to sign",
            "peace talks"
        ),
        Stance::Support
    );
}

#[test]
fn an_opponent_refusing_a_ceasefire_is_the_speakers_support_for_it() {
    assert_eq!(
        stance(
            "\"The Russians did not accept the ceasefire,\" Olaf Scholz said.",
            "The Russians did not",
            "ceasefire"
        ),
        Stance::Support
    );
}

#[test]
fn an_adverb_before_the_opponent_does_not_hide_them() {
    assert_eq!(
        stance(
            "\"We offered a ceasefire, but nonetheless the Russians have not accepted it,\" Olaf Scholz said.",
            "We offered a ceasefire",
            "ceasefire"
        ),
        Stance::Support
    );
}

#[test]
fn in_a_quote_he_who_blocks_talks_is_an_opponent_not_the_speaker() {
    assert_eq!(
        stance(
            "\"He is doing everything he can to block the peace talks,\" Olaf Scholz said.",
            "He is doing everything",
            "peace talks"
        ),
        Stance::Support
    );
}

#[test]
fn the_doer_is_the_nearest_pronoun_before_the_cue() {
    assert_eq!(
        stance(
            "\"That is why he is now doing everything he can to sabotage the peace talks,\" Olaf Scholz said.",
            "That is why he",
            "peace talks"
        ),
        Stance::Support
    );
}

#[test]
fn a_cue_inside_a_topics_name_is_no_position() {
    // "willing" is part of the coalition's name; the speaker's word about it is "posturing",
    // a dismissive word.
    assert_eq!(
        stance(
            "Marco Rubio called the coalition of the willing in Ukraine \"posturing\".",
            "posturing",
            "coalition"
        ),
        Stance::Oppose
    );
}

#[test]
fn pushing_back_on_a_proposal_is_opposition_even_under_a_title() {
    assert_eq!(
        stance(
            "Kremlin aide Yuri Ushakov on Monday pushed back on the U.S. plan for a truce in Ukraine, speaking on state television.",
            "on the U.S. plan",
            "ceasefire"
        ),
        Stance::Oppose
    );
}

#[test]
fn accusing_an_opponent_of_not_being_serious_about_a_truce_is_support_for_it() {
    assert_eq!(
        stance(
            "Olaf Scholz accused Vladimir Putin of not being serious about a ceasefire in Ukraine.",
            "Vladimir Putin of not being serious",
            "ceasefire"
        ),
        Stance::Support
    );
}

#[test]
fn support_then_a_demand_after_but_is_mixed() {
    assert_eq!(
        stance(
            "\"We accept the idea of a truce in Ukraine - but it must lead to a lasting settlement,\" Vladimir Putin said.",
            "We accept the idea",
            "ceasefire"
        ),
        Stance::Mixed
    );
}

#[test]
fn a_cue_whose_clause_names_something_else_does_not_decide_the_topic() {
    // "reject" is about the demands, in a clause of its own; the truce is welcomed.
    assert_eq!(
        stance(
            "\"We reject these demands, and we welcome a truce in Ukraine,\" Olaf Scholz said.",
            "We reject these demands",
            "ceasefire"
        ),
        Stance::Support
    );
}

#[test]
fn a_demand_ahead_of_its_topic_in_a_fragment_reaches_it() {
    assert_eq!(
        stance(
            "\"Sanctions on Russia, in my view, must stay,\" Olaf Scholz said.",
            "Sanctions on Russia",
            "sanctions"
        ),
        Stance::Support
    );
}

#[test]
fn an_abbreviation_does_not_end_the_clause() {
    assert_eq!(
        stance(
            "Olaf Scholz said he opposed the U.S. proposal for a truce in Ukraine.",
            "he opposed",
            "ceasefire"
        ),
        Stance::Oppose
    );
}

#[test]
fn calling_for_a_tougher_line_on_russia_is_support_for_sanctions() {
    // The cue words inside "tougher on Russia" name the topic; "urged" decides.
    assert_eq!(
        stance(
            "Olaf Scholz urged Washington to be tougher on Russia after the strikes on Kyiv.",
            "Washington to be tougher",
            "sanctions"
        ),
        Stance::Support
    );
}

#[test]
fn a_commitment_to_a_countrys_long_term_security_is_support_for_guarantees() {
    assert_eq!(
        stance(
            "Olaf Scholz said the allies had reaffirmed their commitment to Ukraine's long-term security.",
            "the allies had reaffirmed",
            "security guarantees"
        ),
        Stance::Support
    );
}

#[test]
fn an_action_carries_the_stance_of_its_verb() {
    assert_eq!(
        stance(
            "Olaf Scholz refused to send troops to Ukraine after the talks.",
            "refused to send troops",
            "troops"
        ),
        Stance::Oppose
    );
    assert_eq!(
        stance(
            "Olaf Scholz and Emmanuel Macron reveal plans for a reassurance force in Ukraine.",
            "reveal plans for",
            "troops"
        ),
        Stance::Support
    );
}

#[test]
fn a_judgement_of_what_another_party_does_is_the_speakers_opposition() {
    // "risking" judges the deployment, whoever makes it; "blocking" would tell of Britain's
    // opposing something.
    assert_eq!(
        stance(
            "Dmitry Peskov warned that Britain is risking a war with Russia by sending troops to Ukraine.",
            "Britain is risking",
            "troops"
        ),
        Stance::Oppose
    );
}

#[test]
fn an_evaluative_word_before_a_noun_judges_that_noun_only() {
    // "unacceptable" judges the conditions; the speaker's word on the talks is "sabotage",
    // done by another party.
    assert_eq!(
        stance(
            "\"He is doing everything to sabotage the peace talks by setting unacceptable conditions,\" Olaf Scholz said of Vladimir Putin.",
            "He is doing everything",
            "peace talks"
        ),
        Stance::Support
    );
    assert_eq!(
        stance(
            "\"We will deliver vital military aid to Ukraine,\" Olaf Scholz said.",
            "We will deliver vital",
            "military aid"
        ),
        Stance::Support
    );
}

#[test]
fn a_break_inside_a_quoted_phrase_does_not_hide_whose_it_is() {
    // The "but" inside Putin's quoted words does not end the clause whose subject is Putin's
    // answer: Scholz's "not good enough" is his complaint about Putin, not opposition to talks.
    assert_eq!(
        stance(
            "Olaf Scholz said that Putin's \"yes, but\" answer on the peace talks was \"not good enough\".",
            "not good enough",
            "peace talks"
        ),
        Stance::Support
    );
}

#[test]
fn keeping_assets_frozen_is_opposition_to_seizing_them_and_keeping_sanctions_is_support() {
    assert_eq!(
        stance(
            "Olaf Scholz said the frozen Russian assets should remain immobilised in Brussels.",
            "the frozen Russian assets",
            "frozen assets"
        ),
        Stance::Oppose
    );
    assert_eq!(
        stance(
            "Olaf Scholz said sanctions on Russia should remain in place.",
            "sanctions on Russia",
            "sanctions"
        ),
        Stance::Support
    );
}

#[test]
fn a_reporting_verb_opens_the_clause_whose_subject_does_what_follows() {
    // The reported clause's subject is Putin's approach, not the prime minister's country
    // that opens the sentence.
    assert_eq!(
        stance(
            "The UK prime minister Keir Starmer said Vladimir Putin's approach to a truce in Ukraine was not good enough.",
            "Vladimir Putin's approach",
            "ceasefire"
        ),
        Stance::Support
    );
}

#[test]
fn considering_a_thing_positive_is_no_hedge_and_not_being_considered_rules_it_out() {
    assert_eq!(
        stance(
            "\"We accept the truce in Ukraine. We consider it positive,\" Olaf Scholz said.",
            "We accept the truce",
            "ceasefire"
        ),
        Stance::Support
    );
    assert_eq!(
        stance(
            "Olaf Scholz said sending German troops to Ukraine is not being considered.",
            "sending German troops",
            "troops"
        ),
        Stance::Oppose
    );
}

#[test]
fn a_risky_and_ineffective_option_is_opposition() {
    assert_eq!(
        stance(
            "Olaf Scholz called sending troops to Ukraine \"a risky and ineffective option\".",
            "a risky and ineffective option",
            "troops"
        ),
        Stance::Oppose
    );
}

#[test]
fn a_cue_speaks_to_every_topic_its_object_names() {
    // The truce on energy: "agreed to" reaches both topics of its object.
    assert_eq!(
        stance(
            "Vladimir Putin agreed to a truce on energy infrastructure in Ukraine, the Kremlin said.",
            "Vladimir Putin agreed",
            "energy"
        ),
        Stance::Support
    );
}

#[test]
fn a_verb_cue_speaks_to_its_own_object() {
    // "prevent" takes "an escalation"; the demand is the suspension of military aid.
    assert_eq!(
        stance(
            "The Kremlin said the key condition to prevent an escalation in Ukraine would be the suspension of foreign military aid.",
            "the key condition",
            "military aid"
        ),
        Stance::Oppose
    );
    // "called on the US to be tougher on Russia": the object runs on through what the US is
    // to do.
    assert_eq!(
        stance(
            "Olaf Scholz called on the US to be tougher on Russia over the strikes on Kyiv.",
            "on the US",
            "sanctions"
        ),
        Stance::Support
    );
}

#[test]
fn conditions_for_agreeing_to_a_truce_are_mixed_and_an_end_to_aid_is_opposition() {
    let body = "Vladimir Putin set out Russia's conditions for agreeing to a full ceasefire in Ukraine - a key condition is an end to foreign military aid to Kyiv.";
    assert_eq!(
        stance(body, "Russia's conditions", "ceasefire"),
        Stance::Mixed
    );
    assert_eq!(
        stance(body, "Russia's conditions", "military aid"),
        Stance::Oppose
    );
}

#[test]
fn now_is_not_the_time_to_lift_sanctions_is_support_for_them() {
    assert_eq!(
        stance(
            "Olaf Scholz said now is not the time for lifting sanctions on Russia.",
            "now is not the time",
            "sanctions"
        ),
        Stance::Support
    );
}

#[test]
fn a_hedge_with_no_object_is_about_what_its_sentence_names() {
    assert_eq!(
        stance(
            "Olaf Scholz backs the energy truce in Ukraine - but Scholz says he still needs more details.",
            "he still needs more details",
            "energy"
        ),
        Stance::Neutral
    );
}

#[test]
fn telling_of_what_some_others_think_is_no_position_of_the_speakers() {
    assert_eq!(
        stance(
            "Volodymyr Zelensky reported that some European leaders are sceptical about sending troops to Ukraine.",
            "some European leaders",
            "troops"
        ),
        Stance::Unknown
    );
}

#[test]
fn a_question_asserts_nothing_and_raises_doubt() {
    // "should" in a question is no demand.
    assert_eq!(
        stance(
            "\"Should we really lift the sanctions on Russia now?\" Olaf Scholz asked.",
            "Should we really lift",
            "sanctions"
        ),
        Stance::Neutral
    );
}

#[test]
fn a_question_put_to_someone_is_not_their_statement() {
    let text = "Talks on the war in Ukraine\nA reporter asked Olaf Scholz whether he would support a ceasefire in Ukraine.\n";
    let statements = statements_of(text, "article");
    assert!(
        statements.iter().all(
            |s| s.speaker.as_ref().is_none_or(|p| p.name != "Olaf Scholz")
                || s.topics.iter().all(|t| t.stance == Stance::Unknown)
        ),
        "{statements:#?}"
    );
}
