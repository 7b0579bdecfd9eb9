use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::model::{Attribution, Speaker, TopicStance};

fn scorer() -> Scorer {
    Scorer::load(&DataFiles::embedded()).unwrap()
}

/// A partial statement whose sentence is `context`, on the topics named at the given words.
fn statement(context: &str, speaker: &str, topics: &[(&str, &str)]) -> Statement {
    Statement {
        kind: StatementKind::Partial,
        quote: context.into(),
        context: context.into(),
        context_start: 0,
        start: 0,
        end: context.len(),
        sentence_start: 0,
        sentence_index: 1,
        in_title: false,
        in_bullet: false,
        attribution: Attribution::Cue,
        mention: None,
        cue: None,
        speaker: Some(Speaker {
            name: speaker.into(),
            discovered: false,
        }),
        topics: topics
            .iter()
            .map(|(t, word)| TopicStance::new(t, vec![context.find(word).unwrap()]))
            .collect(),
        label_like: false,
        scope: None,
    }
}

fn stance_of(context: &str, topics: &[(&str, &str)]) -> Vec<Stance> {
    let mut s = statement(context, "Ana Lind", topics);
    scorer().score(&mut s);
    s.topics.iter().map(|t| t.stance).collect()
}

#[test]
fn support_cue() {
    assert_eq!(
        stance_of("Lind says the truce must hold.", &[("ceasefire", "truce")]),
        [Stance::Support]
    );
}

#[test]
fn oppose_cue() {
    assert_eq!(
        stance_of(
            "Sending troops is not envisaged, Lind says.",
            &[("troops", "troops")]
        ),
        [Stance::Oppose]
    );
}

#[test]
fn negation_flips_support() {
    assert_eq!(
        stance_of(
            "Lind says her government is not willing to send troops.",
            &[("troops", "troops")]
        ),
        [Stance::Oppose]
    );
}

#[test]
fn hedge_is_neutral() {
    assert_eq!(
        stance_of(
            "Lind called tariffs a complicated matter.",
            &[("sanctions", "tariffs")]
        ),
        [Stance::Neutral]
    );
}

#[test]
fn support_with_reservation_is_mixed() {
    assert_eq!(
        stance_of(
            "Lind is in favour of a truce but there are nuances.",
            &[("ceasefire", "truce")]
        ),
        [Stance::Mixed]
    );
}

#[test]
fn condition_makes_support_mixed() {
    assert_eq!(
        stance_of(
            "Lind will back the truce only if prisoners are freed.",
            &[("ceasefire", "truce")]
        ),
        [Stance::Mixed]
    );
}

#[test]
fn blaming_another_party_for_blocking_is_support() {
    assert_eq!(
        stance_of(
            "A truce was close, but Russia is doing everything to prevent it.",
            &[("ceasefire", "truce")]
        ),
        [Stance::Support]
    );
}

#[test]
fn distancing_drops_a_claim_reported_from_others() {
    assert_eq!(
        stance_of(
            "Lind says the truce is supposedly complicated.",
            &[("ceasefire", "truce")]
        ),
        [Stance::Unknown]
    );
}

#[test]
fn each_cue_goes_to_the_nearest_topic() {
    assert_eq!(
        stance_of(
            "Lind wants sanctions to stay, but sending troops is not envisaged.",
            &[("sanctions", "sanctions"), ("troops", "troops")]
        ),
        [Stance::Support, Stance::Oppose]
    );
}

fn ev(id: i64, day: u32, stance: Stance, confidence: f64) -> Evidence {
    Evidence {
        statement_id: id,
        published_at: Some(Utc.with_ymd_and_hms(2025, 3, day, 12, 0, 0).unwrap()),
        stance,
        confidence,
        words: 20,
        has_cue: true,
        cue: None,
    }
}

#[test]
fn strongest_evidence_carries_the_cue_and_is_the_longest_clear_statement() {
    let mut short = ev(1, 10, Stance::Support, 0.8);
    short.words = 9; // "questions"
    let mut long = ev(2, 10, Stance::Support, 0.76);
    long.words = 120;
    let mut uncued = ev(3, 10, Stance::Support, 0.9);
    uncued.has_cue = false;
    let v = aggregate(&[short, long, uncued]);
    assert_eq!(v.stance, Stance::Support);
    assert_eq!(v.strongest, Some(2));
}

#[test]
fn aggregate_with_no_evidence_is_unknown() {
    let v = aggregate(&[]);
    assert_eq!(v.stance, Stance::Unknown);
    assert_eq!(v.confidence, 0.0);
    let v = aggregate(&[ev(1, 1, Stance::Unknown, 0.0)]);
    assert_eq!(v.stance, Stance::Unknown);
    assert_eq!(v.statements, 1);
}

#[test]
fn aggregate_majority_and_strongest_evidence() {
    let v = aggregate(&[
        ev(1, 1, Stance::Support, 0.8),
        ev(2, 1, Stance::Support, 0.9),
        ev(3, 1, Stance::Neutral, 0.3),
    ]);
    assert_eq!(v.stance, Stance::Support);
    assert_eq!(v.strongest, Some(2));
    assert!(v.confidence > 0.5 && v.confidence < 1.0, "{}", v.confidence);
}

#[test]
fn aggregate_support_and_reservation_is_mixed() {
    let v = aggregate(&[
        ev(1, 1, Stance::Support, 0.8),
        ev(2, 1, Stance::Neutral, 0.8),
    ]);
    assert_eq!(v.stance, Stance::Mixed);
}

#[test]
fn aggregate_reports_a_change_and_favours_the_recent() {
    let v = aggregate(&[
        ev(1, 1, Stance::Support, 0.9),
        ev(2, 1, Stance::Support, 0.9),
        ev(3, 30, Stance::Oppose, 0.9),
        ev(4, 31, Stance::Oppose, 0.9),
    ]);
    assert_eq!(v.stance, Stance::Oppose, "recent statements weigh more");
    assert_eq!(
        v.shifts,
        vec![Shift {
            on: "2025-03-30".into(),
            from: Stance::Support,
            to: Stance::Oppose
        }]
    );
}

#[test]
fn aggregate_counts_a_remark_repeated_in_one_post_once() {
    let said = |id, stance, cue: &str| Evidence {
        cue: Some(std::sync::Arc::from(cue)),
        ..ev(id, 1, stance, 0.8)
    };
    // "Too early" in the headline, the summary and the body is one remark; against the
    // support with a reservation said once, it does not outweigh it three times over.
    let v = aggregate(&[
        said(1, Stance::Neutral, "too early"),
        said(2, Stance::Neutral, "too early"),
        said(3, Stance::Neutral, "too early"),
        said(4, Stance::Mixed, "too early + willing"),
    ]);
    assert_eq!(v.stance, Stance::Mixed);
    // Different cues are different remarks.
    let v = aggregate(&[
        said(1, Stance::Neutral, "too early"),
        said(2, Stance::Neutral, "premature"),
        said(3, Stance::Neutral, "undecided"),
        said(4, Stance::Neutral, "remains to be seen"),
        said(5, Stance::Mixed, "too early + willing"),
    ]);
    assert_eq!(v.stance, Stance::Neutral);
}

#[test]
fn aggregate_counts_a_remark_repeated_on_other_days_each_time() {
    let said = |id, day, at_hour| Evidence {
        cue: Some(std::sync::Arc::from("too early")),
        published_at: Some(Utc.with_ymd_and_hms(2025, 3, day, at_hour, 0, 0).unwrap()),
        ..ev(id, day, Stance::Neutral, 0.8)
    };
    // One post's headline, summary and body: one remark, thin evidence.
    let once = aggregate(&[said(1, 1, 12), said(2, 1, 12), said(3, 1, 12)]);
    assert_eq!(once.stance, Stance::Neutral);
    assert_eq!(once.statements, 3);
    assert!(once.confidence < 0.6, "{}", once.confidence);
    // The same words in posts an hour apart, then on the next days: four remarks.
    let four = aggregate(&[
        said(1, 1, 12),
        said(2, 1, 13),
        said(3, 2, 12),
        said(4, 3, 12),
    ]);
    assert_eq!(four.stance, Stance::Neutral);
    assert!(four.confidence > 0.9, "{}", four.confidence);
    // Years of one actor's statements, each its own remark, add up (and are counted with a
    // lookup each, not a scan of all the earlier ones).
    let start = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let years: Vec<Evidence> = (0..50_000)
        .map(|i| Evidence {
            published_at: Some(start + chrono::Duration::minutes(30 * i)),
            ..said(i, 1, 12)
        })
        .collect();
    let v = aggregate(&years);
    assert_eq!((v.stance, v.statements), (Stance::Neutral, 50_000));
    assert_eq!(v.confidence, 1.0);
}

/// Evidence as the store reads it (time, none first, then id): posts that share a time,
/// stances that change, statements without a stance, a cue or a time.
fn random_evidence(next: &mut impl FnMut(u64) -> u64, start: DateTime<Utc>) -> Vec<Evidence> {
    let cues = ["back", "reject", "too early", "", "welcome"];
    let stances = [
        Stance::Support,
        Stance::Oppose,
        Stance::Mixed,
        Stance::Neutral,
        Stance::Unknown,
    ];
    let n = 1 + next(300) as usize;
    let mut at = start;
    let mut evidence: Vec<Evidence> = (0..n)
        .map(|i| {
            // Several statements of a post share its time; then time moves on.
            if next(3) == 0 {
                at += chrono::Duration::minutes(next(60 * 24 * 20) as i64);
            }
            let cue = cues[next(cues.len() as u64) as usize];
            Evidence {
                statement_id: i as i64,
                published_at: (next(25) != 0).then_some(at),
                stance: stances[next(5) as usize],
                confidence: (next(10) as f64 + 1.0) / 10.0,
                words: next(200) as usize,
                has_cue: !cue.is_empty() && next(2) == 0,
                cue: (next(4) != 0).then(|| std::sync::Arc::from(cue)),
            }
        })
        .collect();
    evidence.sort_by_key(|e| (e.published_at, e.statement_id));
    evidence
}

fn seeded(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    }
}

/// One pass gives what the rule's two passes give: the weights are kept relative to a base
/// time and decayed once at the end, so only the confidence's last digit may differ.
#[test]
fn one_pass_gives_the_verdict_of_the_two_passes() {
    let mut next = seeded(7);
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut shifts = 0;
    for round in 0..200 {
        let evidence = random_evidence(&mut next, start);
        let mut progress = Progress::default();
        evidence.iter().for_each(|e| progress.add(e));
        let one = progress.verdict();
        let two = two_passes::verdict(&evidence);
        shifts += two.shifts.len();
        assert!(
            (one.confidence - two.confidence).abs() <= 0.0100001,
            "round {round}: {one:?} {two:?}"
        );
        let one = Verdict {
            confidence: 0.0,
            ..one
        };
        let two = Verdict {
            confidence: 0.0,
            ..two
        };
        assert_eq!(format!("{one:?}"), format!("{two:?}"), "round {round}");
    }
    assert!(shifts > 50, "{shifts}");
}

/// Progress kept (as the store keeps it) and given the later evidence is the progress that
/// read it all at once, to the last bit, wherever it stopped: on a day with a stance, after
/// a change, before one, after evidence without a time.
#[test]
fn progress_kept_and_gone_on_from_is_the_progress_read_whole() {
    let mut next = seeded(11);
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut stops = 0;
    for round in 0..200 {
        let evidence = random_evidence(&mut next, start);
        let mut whole = Progress::default();
        evidence.iter().for_each(|e| whole.add(e));
        let mut kept = Progress::default();
        for (i, e) in evidence.iter().enumerate() {
            // Stopped where the next evidence is later than all before it (what an ingest
            // of later posts gives), at random.
            let later = e
                .published_at
                .is_some_and(|t| kept.through().is_none_or(|k| t.timestamp() > k));
            if i > 0 && later && next(3) == 0 {
                let state = kept.to_kept();
                assert_eq!(
                    format!("{:?}", kept.verdict()),
                    format!("{:?}", Progress::from_kept(&state).unwrap().verdict())
                );
                kept = Progress::from_kept(&state).unwrap();
                stops += 1;
            }
            kept.add(e);
        }
        assert_eq!(
            format!("{:?}", kept.verdict()),
            format!("{:?}", whole.verdict()),
            "round {round}"
        );
    }
    assert!(stops > 1000, "{stops}");
}

/// The compressor is reused on a thread: each state must come out as a fresh one deflates
/// it, whatever was deflated before (a small state after a large one, and the reverse).
#[test]
fn progress_kept_by_a_reused_compressor_is_what_a_fresh_one_writes() {
    use std::io::Write;
    let mut next = seeded(11);
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut states = Vec::new();
    for n in [400, 1, 40, 0, 2000, 3] {
        let mut progress = Progress::default();
        random_evidence(&mut next, start)
            .iter()
            .cycle()
            .take(n)
            .for_each(|e| progress.add(e));
        states.push(progress);
    }
    for progress in states.iter().chain(states.iter().rev()) {
        let json = serde_json::to_vec(progress).unwrap();
        let mut fresh =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        fresh.write_all(&json).unwrap();
        let kept = progress.to_kept();
        assert_eq!(kept, fresh.finish().unwrap());
        assert_eq!(
            format!("{:?}", Progress::from_kept(&kept).unwrap().verdict()),
            format!("{:?}", progress.verdict())
        );
    }
}

/// Progress is kept deflated, a third of its JSON; progress kept as JSON text (by whosaid
/// before) still reads; damaged bytes, or a bomb of zeros, read as none (the stance is
/// computed from the start), never as a panic or a gigabyte held.
#[test]
fn progress_kept_deflated_reads_back_and_old_json_still_reads() {
    let mut next = seeded(5);
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut progress = Progress::default();
    random_evidence(&mut next, start)
        .iter()
        .for_each(|e| progress.add(e));
    let json = serde_json::to_vec(&progress).unwrap();
    let kept = progress.to_kept();
    assert!(
        kept.len() * 2 < json.len(),
        "{} of {}",
        kept.len(),
        json.len()
    );
    let verdict = |p: &Progress| format!("{:?}", p.verdict());
    assert_eq!(
        verdict(&Progress::from_kept(&kept).unwrap()),
        verdict(&progress)
    );
    assert_eq!(
        verdict(&Progress::from_kept(&json).unwrap()),
        verdict(&progress)
    );
    for damaged in [
        &b""[..],
        b"{",
        b"not what whosaid wrote",
        &kept[..kept.len() / 2],
    ] {
        assert!(Progress::from_kept(damaged).is_none(), "{damaged:?}");
    }
    let zeros = {
        use std::io::Write;
        let mut deflate =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..64 {
            deflate.write_all(&[b' '; 1 << 20]).unwrap();
        }
        deflate.finish().unwrap()
    };
    assert!(Progress::from_kept(&zeros).is_none());
}

/// Weights are kept relative to a base time, growing with time: evidence a century apart
/// takes a later base rather than overflowing, and the old weighs nothing beside the new.
#[test]
fn evidence_a_century_apart_keeps_finite_weights() {
    let at = |year| Some(Utc.with_ymd_and_hms(year, 6, 1, 12, 0, 0).unwrap());
    let evidence = [
        Evidence {
            published_at: at(1925),
            ..ev(1, 1, Stance::Oppose, 1.0)
        },
        Evidence {
            published_at: at(1926),
            ..ev(2, 1, Stance::Oppose, 1.0)
        },
        Evidence {
            published_at: at(2025),
            ..ev(3, 1, Stance::Oppose, 0.5)
        },
        Evidence {
            published_at: at(2025),
            ..ev(4, 1, Stance::Neutral, 0.2)
        },
    ];
    let mut progress = Progress::default();
    evidence.iter().for_each(|e| progress.add(e));
    let v = progress.verdict();
    assert!(v.confidence.is_finite(), "{v:?}");
    let two = two_passes::verdict(&evidence);
    assert_eq!((v.stance, v.strongest), (two.stance, two.strongest));
    assert!(
        (v.confidence - two.confidence).abs() <= 0.0100001,
        "{v:?} {two:?}"
    );
    // No change of stance: the weights since the first statement, the century-old ones
    // gone to nothing.
    assert!(v.shifts.is_empty());
    assert_eq!(
        (v.stance, v.strongest, v.confidence),
        (Stance::Oppose, Some(2), 0.36)
    );
}

#[test]
fn a_cue_word_inside_a_topic_name_is_no_cue() {
    // "support" and "willing" are cues, but here they are words of the topic's name.
    assert_eq!(
        stance_of(
            "The ministers discussed military support for Kyiv on Tuesday.",
            &[("military aid", "military support")]
        ),
        [Stance::Unknown]
    );
    assert_eq!(
        stance_of(
            "The coalition of the willing met in Paris.",
            &[("coalition", "coalition")]
        ),
        [Stance::Unknown]
    );
    // The same cue outside the name still counts.
    assert_eq!(
        stance_of(
            "We support more military aid for Kyiv.",
            &[("military aid", "military aid")]
        ),
        [Stance::Support]
    );
}

#[test]
fn sentence_words_from_the_post_analysis_are_those_of_the_sentence_read_alone() {
    use crate::model::{Paragraph, Post};
    use crate::text::analysis::PostAnalysis;
    let title = "Ministers\u{2019} \u{201c}final offer\u{201d} on the U.S. deal";
    let paragraphs = [
        "\u{201c}We will not accept it,\u{201d} said Ana Lind, the EU\u{2019}s envoy. She left.",
        "Talks \u{2014} if they happen \u{2014} could cost 1,000 jobs... or more.",
        "She called the plan \u{2018}a trap for the allies\u{2019} and walked out.",
        "Caf\u{e9} owners in Z\u{fc}rich said prices rose 2.5% in March! \"Enough,\" one said.",
        "\u{2018}No more!\u{2019} she said.",
    ];
    let mut offset = 100;
    let mut block = |text: &str| {
        let p = Paragraph::new(text, offset);
        offset += text.len() + 2;
        p
    };
    let post = Post {
        title: Some(block(title)),
        published_at: None,
        author: None,
        role: None,
        url: None,
        paragraphs: paragraphs.iter().map(|p| block(p)).collect(),
    };
    let analysis = PostAnalysis::new(post.blocks().map(|b| b.paragraph.text.as_str()));
    // A statement in each sentence, and one whose context starts inside a word (no run of
    // the analysis' tokens).
    let mut statements = Vec::new();
    for (b, a) in post.blocks().zip(&analysis.blocks) {
        for r in &a.sentences {
            let (from, to) = (a.tokens[r.start].start, a.tokens[r.end - 1].end);
            let mut s = statement(&b.paragraph.text[from..to], "Ana Lind", &[]);
            s.sentence_start = b.paragraph.offset + from;
            statements.push(s);
        }
    }
    let mut cut = statement("alled the plan", "Ana Lind", &[]);
    cut.sentence_start = post.paragraphs[2].offset + 5;
    let cut_key = (cut.sentence_start, cut.context.len());
    statements.push(cut);
    // And one whose words, at a sentence's place and of its length, are other words
    // (joined from elsewhere): that place is read again for both.
    let mut other = statements[1].clone();
    other.context = "x".repeat(other.context.len());
    let other_key = (other.sentence_start, other.context.len());
    statements.push(other);
    // Other words at a run of tokens no statement stands in ("Talks"): not read either.
    let mut alone = statement("xxxxx", "Ana Lind", &[]);
    alone.sentence_start = post.paragraphs[1].offset;
    let alone_key = (alone.sentence_start, alone.context.len());
    statements.push(alone);
    let words = PostWords::new(&post, &analysis, &statements);
    let mut kept = 0;
    for s in &statements {
        let Some(prepared) = words.sentences.get(&(s.sentence_start, s.context.len())) else {
            continue;
        };
        kept += 1;
        let alone = tokenize(&s.context, &[]);
        let tokens = &prepared.tokens;
        let shown = |t: &[Token]| -> Vec<(usize, usize, TokenKind, String, bool)> {
            t.iter()
                .map(|t| (t.start, t.end, t.kind, t.lower.to_string(), t.cap))
                .collect()
        };
        assert_eq!(shown(tokens), shown(&alone), "{}", s.context);
        let stems_alone = stems(&alone);
        let stems_alone: Vec<&str> = stems_alone.iter().map(CompactString::as_str).collect();
        assert_eq!(prepared.stems(), stems_alone, "{}", s.context);
    }
    // All but those four and the sentence whose closing mark, read alone, would join
    // "allies" (as a plural's possessive).
    assert_eq!(kept, statements.len() - 5, "{kept}");
    for key in [cut_key, other_key, alone_key] {
        assert!(!words.sentences.contains_key(&key), "{key:?}");
    }
}

/// The rule as it was first written, in two passes over evidence in time order (a
/// timeline, then the weights since its last change, each decayed from the latest
/// statement): what `Progress`, one pass that can stop and go on, must give.
mod two_passes {
    use std::collections::HashMap;
    use std::collections::hash_map::Entry;

    use chrono::{DateTime, NaiveDate, Utc};

    use super::super::aggregate::{slot, verdict_of};
    use super::{Evidence, Shift, Stance, Verdict};

    pub fn verdict(evidence: &[Evidence]) -> Verdict {
        let mut timeline = Timeline::default();
        evidence.iter().for_each(|e| timeline.add(e));
        let mut weigher = timeline.weigher();
        evidence.iter().for_each(|e| weigher.add(e));
        weigher.verdict()
    }

    /// The first of two passes over one actor's evidence on one topic, in time order: when it
    /// was said, and the day-by-day verdicts with their changes. Holds a few numbers a day,
    /// whatever the number of statements.
    #[derive(Debug, Default)]
    pub struct Timeline {
        first_said: Option<DateTime<Utc>>,
        last_said: Option<DateTime<Utc>>,
        statements: usize,
        /// The current day's weights per stance.
        day: Option<(NaiveDate, [f64; 4])>,
        /// The verdict of the last day with a stance.
        current: Option<Stance>,
        /// The first day of each new stance, with the stance before and after.
        changes: Vec<(NaiveDate, Stance, Stance)>,
    }

    impl Timeline {
        /// One piece of evidence, after every earlier one (those without a time first).
        pub fn add(&mut self, e: &Evidence) {
            self.statements += 1;
            let Some(at) = e.published_at else { return };
            self.first_said = Some(self.first_said.map_or(at, |f| f.min(at)));
            self.last_said = Some(self.last_said.map_or(at, |l| l.max(at)));
            let Some(i) = slot(e.stance) else { return };
            let day = at.date_naive();
            match &mut self.day {
                Some((d, w)) if *d == day => w[i] += e.confidence,
                _ => {
                    self.close_day();
                    let mut w = [0.0; 4];
                    w[i] = e.confidence;
                    self.day = Some((day, w));
                }
            }
        }

        fn close_day(&mut self) {
            if let Some((day, w)) = self.day.take() {
                let (stance, _) = verdict_of(w);
                if let Some(prev) = self.current
                    && prev != stance
                {
                    self.changes.push((day, prev, stance));
                }
                self.current = Some(stance);
            }
        }

        /// The second pass, which weighs what was said since the last change.
        pub fn weigher(mut self) -> Weigher {
            self.close_day();
            Weigher {
                since: self.changes.last().map(|(day, _, _)| *day),
                timeline: self,
                weights: [0.0; 4],
                strongest: None,
                counted: HashMap::new(),
                counted_at: None,
                readable: Default::default(),
                seen: 0,
            }
        }
    }

    /// The best evidence to read of one stance, with or without a cue: (clearness, bytes of
    /// words, place in the evidence, statement id).
    type Readable = Option<(i64, usize, usize, i64)>;

    /// The second pass over the same evidence, in the same order: each statement's weight, the
    /// verdict and the statement to read first. Holds the remarks of one time at once.
    #[derive(Debug)]
    pub struct Weigher {
        timeline: Timeline,
        since: Option<NaiveDate>,
        weights: [f64; 4],
        strongest: Option<(f64, i64, Stance)>,
        /// The heaviest weight counted so far for each repeated remark.
        counted: HashMap<(Stance, std::sync::Arc<str>), f64>,
        counted_at: Option<Option<DateTime<Utc>>>,
        /// Per stance (unknown last), without and with a cue.
        readable: [[Readable; 2]; 5],
        seen: usize,
    }

    impl Weigher {
        pub fn add(&mut self, e: &Evidence) {
            if let (Some(day), Some(at)) = (self.since, e.published_at)
                && at.date_naive() < day
            {
                return;
            }
            self.seen += 1;
            let s = slot(e.stance).unwrap_or(4);
            let clear = (e.confidence * 10.0).round() as i64;
            let best = &mut self.readable[s][usize::from(e.has_cue)];
            // The last of equals, as `Iterator::max_by` gives it.
            if best.is_none_or(|(c, w, _, _)| (clear, e.words) >= (c, w)) {
                *best = Some((clear, e.words, self.seen, e.statement_id));
            }
            let Some(i) = slot(e.stance) else { return };
            let age_days = match (self.timeline.last_said, e.published_at) {
                (Some(last), Some(at)) => (last - at).num_seconds().max(0) as f64 / 86_400.0,
                _ => 0.0,
            };
            let w = e.confidence * 0.5f64.powf(age_days / 30.0);
            match e.cue.as_ref().filter(|c| !c.is_empty()) {
                Some(cue) => {
                    // One remark is one time, stance and cue: in time order, the remarks of
                    // earlier times are done with.
                    if self.counted_at != Some(e.published_at) {
                        self.counted.clear();
                        self.counted_at = Some(e.published_at);
                    }
                    let key = (e.stance, cue.clone());
                    match self.counted.entry(key) {
                        Entry::Occupied(mut before) => {
                            if w > *before.get() {
                                self.weights[i] += w - *before.get();
                                before.insert(w);
                            }
                        }
                        Entry::Vacant(slot) => {
                            slot.insert(w);
                            self.weights[i] += w;
                        }
                    }
                }
                None => self.weights[i] += w,
            }
            if self.strongest.is_none_or(|(best, _, _)| w > best) {
                self.strongest = Some((w, e.statement_id, e.stance));
            }
        }

        pub fn verdict(self) -> Verdict {
            let (stance, share) = verdict_of(self.weights);
            let total: f64 = self.weights.iter().sum();
            // The evidence a person reads first: a statement that agrees with the verdict and
            // whose words carry the deciding cue; among those the clearest (confidence to a
            // tenth), then the longest, so a sentence beats a one-word fragment. Else the
            // strongest of all.
            let [without, with] = self.readable[slot(stance).unwrap_or(4)];
            let either = match (without, with) {
                (Some(a), Some(b)) => Some(if (b.0, b.1, b.2) > (a.0, a.1, a.2) {
                    b
                } else {
                    a
                }),
                (a, b) => a.or(b),
            };
            let agreeing = with.or(either).map(|(_, _, _, id)| id);
            let t = self.timeline;
            Verdict {
                stance,
                confidence: (share * (1.0 - (-total).exp()) * 100.0).round() / 100.0,
                statements: t.statements,
                first_said: t.first_said,
                last_said: t.last_said,
                strongest: agreeing.or(self.strongest.map(|(_, id, _)| id)),
                shifts: t
                    .changes
                    .into_iter()
                    .map(|(day, from, to)| Shift {
                        on: day.to_string(),
                        from,
                        to,
                    })
                    .collect(),
            }
        }
    }
}
