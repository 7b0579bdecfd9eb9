//! Scoring against a user's own gold annotation. Takes the gold of one text (its quotes,
//! reported statements and stances) and what whosaid found in it (the export's rows and the
//! actor × topic stances); gives the counts each figure is made of and every miss, so many
//! texts pool into one score. The rules are those of the evaluation the project is held to:
//! a quote matches exactly, or by containment with 80% of the longer's length, within the
//! same post minute when the gold gives one; a speaker matches by name or by the last word
//! of it ("Zelenskyy" is not "Zelensky", but "President Zelensky" is "Volodymyr Zelensky").

use serde::Serialize;

/// A gold quote: words in quote marks in the text, and who said them (`-`: not a
/// statement, a term in scare quotes; `?`: cannot be told, not scored).
#[derive(Debug, Clone)]
pub struct GoldQuote {
    pub id: String,
    pub post_time: String,
    pub speaker: String,
    pub kind: String,
    pub quote: String,
    pub topics: Vec<String>,
}

/// A gold reported statement: a snippet of its words and who said them.
#[derive(Debug, Clone)]
pub struct GoldReport {
    pub speaker: String,
    pub snippet: String,
}

/// A gold stance of an actor on a topic.
#[derive(Debug, Clone)]
pub struct GoldStance {
    pub actor: String,
    pub topic: String,
    pub stance: String,
}

/// A statement whosaid found, as the export gives it.
#[derive(Debug, Clone)]
pub struct Found {
    pub published_at: String,
    pub actor: String,
    pub kind: String,
    pub quote: String,
    pub context: String,
    pub topics: Vec<String>,
    pub mention: String,
}

/// A stance whosaid gives, as `compare` does.
#[derive(Debug, Clone)]
pub struct FoundStance {
    pub actor: String,
    pub topic: String,
    pub stance: String,
}

/// The counts of one text or of many pooled.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub quotes_gold: usize,
    pub quotes_found: usize,
    pub quotes_false_positive: usize,
    pub speaker_correct: usize,
    pub terms_wrongly_attributed: usize,
    pub topic_gold: usize,
    pub topic_correct: usize,
    pub indirect_gold: usize,
    pub indirect_found: usize,
    pub stance_pairs: usize,
    pub stance_correct: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.quotes_gold += o.quotes_gold;
        self.quotes_found += o.quotes_found;
        self.quotes_false_positive += o.quotes_false_positive;
        self.speaker_correct += o.speaker_correct;
        self.terms_wrongly_attributed += o.terms_wrongly_attributed;
        self.topic_gold += o.topic_gold;
        self.topic_correct += o.topic_correct;
        self.indirect_gold += o.indirect_gold;
        self.indirect_found += o.indirect_found;
        self.stance_pairs += o.stance_pairs;
        self.stance_correct += o.stance_correct;
    }
}

/// The figures, from counts.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Figures {
    pub quote_recall: f64,
    pub quote_precision: f64,
    pub quote_f1: f64,
    pub speaker_accuracy: f64,
    pub end_to_end_attributed_recall: f64,
    pub terms_wrongly_attributed: usize,
    pub topic_recall: f64,
    pub indirect_recall: f64,
    pub stance_accuracy: f64,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl Counts {
    pub fn figures(&self) -> Figures {
        let recall = ratio(self.quotes_found, self.quotes_gold);
        let precision = ratio(
            self.quotes_found,
            self.quotes_found + self.quotes_false_positive,
        );
        Figures {
            quote_recall: recall,
            quote_precision: precision,
            quote_f1: if recall + precision > 0.0 {
                2.0 * recall * precision / (recall + precision)
            } else {
                0.0
            },
            speaker_accuracy: ratio(self.speaker_correct, self.quotes_found),
            end_to_end_attributed_recall: ratio(self.speaker_correct, self.quotes_gold),
            terms_wrongly_attributed: self.terms_wrongly_attributed,
            topic_recall: ratio(self.topic_correct, self.topic_gold),
            indirect_recall: ratio(self.indirect_found, self.indirect_gold),
            stance_accuracy: ratio(self.stance_correct, self.stance_pairs),
        }
    }
}

/// Words as they are compared: quote marks and dashes of any kind alike, spaces collapsed,
/// lower case, without the punctuation around them.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' => '"',
            '\u{2018}' | '\u{2019}' | '\u{201a}' => '\'',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        };
        if c == '\u{2026}' {
            out.push_str("...");
            space = false;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out.trim_matches(|c: char| " ,.;:'\"".contains(c))
        .to_string()
}

/// The same speaker: the same name, or the same last word of it.
pub fn same_actor(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || a.split(' ').next_back() == b.split(' ').next_back()
}

/// A time to the minute, as gold and export give it.
fn minute(t: &str) -> String {
    t.get(..16).unwrap_or(t).replace(' ', "T")
}

/// Scores one text; `details` gets a line for every miss.
pub fn score_text(
    gold: &[GoldQuote],
    reports: Option<&[GoldReport]>,
    stances: Option<&[GoldStance]>,
    found: &[Found],
    found_stances: &[FoundStance],
    details: &mut Vec<String>,
) -> Counts {
    let mut c = Counts::default();
    let quoted: Vec<&Found> = found
        .iter()
        .filter(|f| matches!(norm(&f.kind).as_str(), "direct" | "partial"))
        .collect();
    let mut used = vec![false; quoted.len()];
    let mut matched: Vec<Option<usize>> = vec![None; gold.len()];
    // Exact matches first, so an overlap never takes a quote an exact match wants.
    for exact in [true, false] {
        for (g_i, g) in gold.iter().enumerate() {
            if matched[g_i].is_some() {
                continue;
            }
            let (gq, gt) = (norm(&g.quote), minute(&g.post_time));
            let hit = quoted.iter().enumerate().position(|(i, f)| {
                if used[i] || (!gt.is_empty() && minute(&f.published_at) != gt) {
                    return false;
                }
                let fq = norm(&f.quote);
                fq == gq
                    || (!exact
                        && !fq.is_empty()
                        && !gq.is_empty()
                        && (fq.contains(&gq) || gq.contains(&fq))
                        && fq.len().min(gq.len()) as f64 / fq.len().max(gq.len()) as f64 >= 0.8)
            });
            if let Some(i) = hit {
                used[i] = true;
                matched[g_i] = Some(i);
            }
        }
    }
    for (g, m) in gold.iter().zip(&matched) {
        let found = m.map(|i| quoted[i]);
        let short: String = g.quote.chars().take(80).collect();
        match g.speaker.as_str() {
            "-" => {
                if let Some(f) = found.filter(|f| !norm(&f.actor).is_empty()) {
                    c.terms_wrongly_attributed += 1;
                    details.push(format!("TERM      gold '-' got '{}': {short}", f.actor));
                }
                continue;
            }
            "?" => continue,
            _ => c.quotes_gold += 1,
        }
        let Some(f) = found else {
            details.push(format!("MISS      [{}] {}: {short}", g.kind, g.speaker));
            continue;
        };
        c.quotes_found += 1;
        if same_actor(&f.actor, &g.speaker) {
            c.speaker_correct += 1;
        } else {
            details.push(format!(
                "SPEAKER   gold '{}' got '{}' (as written '{}'): {short}",
                g.speaker, f.actor, f.mention
            ));
        }
        let gt: Vec<String> = g
            .topics
            .iter()
            .map(|t| norm(t))
            .filter(|t| !t.is_empty())
            .collect();
        if !gt.is_empty() {
            c.topic_gold += 1;
            if f.topics.iter().any(|t| gt.contains(&norm(t))) {
                c.topic_correct += 1;
            } else {
                details.push(format!(
                    "TOPIC     gold {} got {}: {short}",
                    g.topics.join(";"),
                    if f.topics.is_empty() {
                        "none".to_string()
                    } else {
                        f.topics.join(";")
                    }
                ));
            }
        }
    }
    for (i, f) in quoted.iter().enumerate() {
        if !used[i] && !norm(&f.actor).is_empty() {
            c.quotes_false_positive += 1;
            let short: String = f.quote.chars().take(80).collect();
            details.push(format!("EXTRA     [{}] '{}': {short}", f.kind, f.actor));
        }
    }
    c.quotes_false_positive += c.terms_wrongly_attributed;
    for r in reports.unwrap_or_default() {
        c.indirect_gold += 1;
        let s = norm(&r.snippet);
        let holding: Vec<&Found> = found
            .iter()
            .filter(|f| norm(&f.context).contains(&s) || norm(&f.quote).contains(&s))
            .collect();
        if holding.iter().any(|f| same_actor(&f.actor, &r.speaker)) {
            c.indirect_found += 1;
        } else {
            let mut got: Vec<&str> = holding
                .iter()
                .map(|f| {
                    if f.actor.is_empty() {
                        "(none)"
                    } else {
                        f.actor.as_str()
                    }
                })
                .collect();
            got.sort_unstable();
            got.dedup();
            let short: String = r.snippet.chars().take(70).collect();
            details.push(format!(
                "IND-MISS  {}: {short} (statements holding it: {})",
                r.speaker,
                if got.is_empty() {
                    "none".to_string()
                } else {
                    got.join(", ")
                }
            ));
        }
    }
    for g in stances.unwrap_or_default() {
        c.stance_pairs += 1;
        let got = found_stances
            .iter()
            .find(|f| same_actor(&f.actor, &g.actor) && norm(&f.topic) == norm(&g.topic));
        match got {
            Some(f) if norm(&f.stance) == norm(&g.stance) => c.stance_correct += 1,
            _ => details.push(format!(
                "STANCE    {} / {}: gold {}, got {}",
                g.actor,
                g.topic,
                g.stance,
                got.map_or("(no such pair)", |f| f.stance.as_str())
            )),
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(actor: &str, kind: &str, quote: &str, topics: &[&str]) -> Found {
        Found {
            published_at: "2024-05-02T10:15:00Z".into(),
            actor: actor.into(),
            kind: kind.into(),
            quote: quote.into(),
            context: format!("Someone said \"{quote}\" today."),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            mention: String::new(),
        }
    }

    fn gold(id: &str, speaker: &str, quote: &str, topics: &[&str]) -> GoldQuote {
        GoldQuote {
            id: id.into(),
            post_time: "2024-05-02T10:15:00Z".into(),
            speaker: speaker.into(),
            kind: "direct".into(),
            quote: quote.into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn quotes_match_exactly_or_by_most_of_their_words() {
        let g = [
            gold(
                "q1",
                "Ama Owusu",
                "The port will reopen on Monday.",
                &["ports"],
            ),
            gold("q2", "Ama Owusu", "a deal is close, very close", &[]),
            gold("q3", "-", "red lines", &[]),
            gold("q4", "?", "who knows", &[]),
            gold("q5", "Lars Holm", "never", &[]),
        ];
        let f = [
            found(
                "Ama Owusu",
                "direct",
                "“The port will reopen on Monday”",
                &["ports"],
            ),
            // Containment with 80% of the length: a match.
            found("Owusu", "partial", "deal is close, very close", &[]),
            // A term given a speaker: counted against precision.
            found("Lars Holm", "partial", "red lines", &[]),
            // Found but said by nobody the gold knows.
            found("Lars Holm", "direct", "We leave tomorrow", &[]),
            // Without a speaker, an extra quote is not held against precision.
            found("", "partial", "unattributed words", &[]),
        ];
        let mut details = Vec::new();
        let c = score_text(&g, None, None, &f, &[], &mut details);
        assert_eq!(c.quotes_gold, 3);
        assert_eq!(c.quotes_found, 2);
        assert_eq!(c.speaker_correct, 2, "the last word of the name is enough");
        assert_eq!(c.terms_wrongly_attributed, 1);
        assert_eq!(c.quotes_false_positive, 2);
        assert_eq!((c.topic_gold, c.topic_correct), (1, 1));
        assert!(
            details
                .iter()
                .any(|d| d.starts_with("MISS") && d.contains("never"))
        );
        assert!(details.iter().any(|d| d.starts_with("TERM")));
        assert!(
            details
                .iter()
                .any(|d| d.starts_with("EXTRA") && d.contains("We leave"))
        );
        let fig = c.figures();
        assert!((fig.quote_recall - 2.0 / 3.0).abs() < 1e-9);
        assert!((fig.quote_precision - 0.5).abs() < 1e-9);
    }

    #[test]
    fn reported_speech_and_stances_are_scored_by_speaker() {
        let reports = [
            GoldReport {
                speaker: "Ama Owusu".into(),
                snippet: "the port reopens".into(),
            },
            GoldReport {
                speaker: "Lars Holm".into(),
                snippet: "not in any statement".into(),
            },
        ];
        let stances = [
            GoldStance {
                actor: "Ama Owusu".into(),
                topic: "Ports".into(),
                stance: "support".into(),
            },
            GoldStance {
                actor: "Lars Holm".into(),
                topic: "ports".into(),
                stance: "oppose".into(),
            },
        ];
        let f = [found(
            "Ama Owusu",
            "indirect",
            "the port reopens",
            &["ports"],
        )];
        let got = [FoundStance {
            actor: "Ama Owusu".into(),
            topic: "ports".into(),
            stance: "support".into(),
        }];
        let mut details = Vec::new();
        let c = score_text(&[], Some(&reports), Some(&stances), &f, &got, &mut details);
        assert_eq!((c.indirect_gold, c.indirect_found), (2, 1));
        assert_eq!((c.stance_pairs, c.stance_correct), (2, 1));
        assert!(details.iter().any(|d| d.contains("(no such pair)")));
    }

    #[test]
    fn words_compare_across_quote_marks_dashes_and_spacing() {
        assert_eq!(norm("  “It’s – done…”  "), "it's - done");
        assert_eq!(norm("a…b"), "a...b");
        assert!(same_actor("President Ama  Owusu", "ama owusu"));
        assert!(!same_actor("", "Owusu"));
    }
}
