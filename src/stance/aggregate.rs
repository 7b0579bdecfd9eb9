//! An actor's stance on a topic over many statements.
//!
//! The rule: each statement with a stance weighs its confidence, halved for every 30 days it
//! is older than the actor's latest statement on the topic, so what was said recently counts
//! more. With S, O, M and N the weights of support, oppose, mixed and neutral statements and
//! T their sum: no weight gives `unknown`; support (S + M) and reservation (O + N) each
//! holding a quarter of T, or mixed weighing most, gives `mixed`; else the heaviest wins.
//! One remark repeated in a post (same time, stance and cue: a headline, its summary and the
//! body) weighs once.
//! The verdict's confidence is the winning share, discounted when evidence is thin
//! (times 1 - e^-T). A change of stance is not averaged away: the verdicts of successive
//! days are compared, every change is listed in `shifts`, and the verdict is the stance
//! since the last change.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::Stance;

const HALF_LIFE_DAYS: f64 = 30.0;

#[derive(Debug, Clone)]
pub struct Evidence {
    pub statement_id: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub stance: Stance,
    pub confidence: f64,
    /// Bytes in the statement's words (the longest makes the most readable evidence).
    pub words: usize,
    /// A cue in the statement's words decided its stance.
    pub has_cue: bool,
    /// The cue that decided it, when one did: one remark repeated in a post's headline,
    /// summary and body (same time, same stance, same cue) is one piece of evidence. Shared:
    /// an actor's hundred thousand statements use a few hundred cues.
    pub cue: Option<std::sync::Arc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// The first day of the new stance (YYYY-MM-DD).
    pub on: String,
    pub from: Stance,
    pub to: Stance,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub stance: Stance,
    pub confidence: f64,
    /// Statements on the topic, with or without a stance.
    pub statements: usize,
    pub first_said: Option<DateTime<Utc>>,
    pub last_said: Option<DateTime<Utc>>,
    /// The statement that weighs most for the verdict.
    pub strongest: Option<i64>,
    pub shifts: Vec<Shift>,
}

/// One remark in one post: when, which way, by which cue.
type Remark<'a> = (Option<DateTime<Utc>>, Stance, &'a str);

fn verdict_of(weights: [f64; 4]) -> (Stance, f64) {
    let [s, o, m, n] = weights;
    let total = s + o + m + n;
    if total <= 0.0 {
        return (Stance::Unknown, 0.0);
    }
    let heaviest = s.max(o).max(m).max(n);
    if (s + m >= 0.25 * total && o + n >= 0.25 * total) || m >= heaviest {
        return (Stance::Mixed, (s + m).min(o + n + m) / total);
    }
    let stance = if s >= heaviest {
        Stance::Support
    } else if o >= heaviest {
        Stance::Oppose
    } else {
        Stance::Neutral
    };
    (stance, heaviest / total)
}

fn slot(stance: Stance) -> Option<usize> {
    match stance {
        Stance::Support => Some(0),
        Stance::Oppose => Some(1),
        Stance::Mixed => Some(2),
        Stance::Neutral => Some(3),
        Stance::Unknown => None,
    }
}

pub fn aggregate(evidence: &[Evidence]) -> Verdict {
    let first_said = evidence.iter().filter_map(|e| e.published_at).min();
    let last_said = evidence.iter().filter_map(|e| e.published_at).max();
    let changes = changes(evidence);
    // After a change of stance, only what was said since counts for the verdict.
    let since = changes.last().map(|(day, _, _)| *day);
    let current = |e: &&Evidence| match (since, e.published_at) {
        (Some(day), Some(at)) => at.date_naive() >= day,
        _ => true,
    };
    let mut weights = [0.0; 4];
    let mut strongest: Option<(f64, i64, Stance)> = None;
    // The heaviest weight counted so far for each repeated remark (hashed: an actor's
    // evidence over years is as many remarks as statements).
    let mut counted: HashMap<Remark, f64> = HashMap::new();
    for e in evidence.iter().filter(current) {
        let Some(i) = slot(e.stance) else { continue };
        let age_days = match (last_said, e.published_at) {
            (Some(last), Some(at)) => (last - at).num_seconds().max(0) as f64 / 86_400.0,
            _ => 0.0,
        };
        let w = e.confidence * 0.5f64.powf(age_days / HALF_LIFE_DAYS);
        match e.cue.as_deref().filter(|c| !c.is_empty()) {
            Some(cue) => match counted.entry((e.published_at, e.stance, cue)) {
                Entry::Occupied(mut before) => {
                    if w > *before.get() {
                        weights[i] += w - *before.get();
                        before.insert(w);
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert(w);
                    weights[i] += w;
                }
            },
            None => weights[i] += w,
        }
        if strongest.is_none_or(|(best, _, _)| w > best) {
            strongest = Some((w, e.statement_id, e.stance));
        }
    }
    let (stance, share) = verdict_of(weights);
    let total: f64 = weights.iter().sum();
    // The evidence a person reads first: a statement that agrees with the verdict and whose
    // words carry the deciding cue; among those the clearest (confidence to a tenth), then
    // the longest, so a sentence beats a one-word fragment. Else the strongest of all.
    let readable = |with_cue: bool| {
        evidence
            .iter()
            .filter(current)
            .filter(|e| e.stance == stance && (e.has_cue || !with_cue))
            .max_by(|a, b| {
                let clear = |e: &Evidence| (e.confidence * 10.0).round() as i64;
                clear(a).cmp(&clear(b)).then(a.words.cmp(&b.words))
            })
            .map(|e| e.statement_id)
    };
    let agreeing = readable(true).or_else(|| readable(false));
    Verdict {
        stance,
        confidence: (share * (1.0 - (-total).exp()) * 100.0).round() / 100.0,
        statements: evidence.len(),
        first_said,
        last_said,
        strongest: agreeing.or(strongest.map(|(_, id, _)| id)),
        shifts: changes
            .into_iter()
            .map(|(day, from, to)| Shift {
                on: day.to_string(),
                from,
                to,
            })
            .collect(),
    }
}

/// Day-by-day verdicts, and where they change: the first day of each new stance, with the
/// stance before and after.
fn changes(evidence: &[Evidence]) -> Vec<(NaiveDate, Stance, Stance)> {
    let mut days: Vec<(NaiveDate, [f64; 4])> = Vec::new();
    let mut sorted: Vec<(DateTime<Utc>, &Evidence)> = evidence
        .iter()
        .filter_map(|e| Some((e.published_at?, e)))
        .collect();
    // Stable, and the evidence comes in time order: a pass, not a sort.
    sorted.sort_by_key(|(at, _)| *at);
    for (at, e) in sorted {
        let Some(i) = slot(e.stance) else { continue };
        let day = at.date_naive();
        match days.last_mut() {
            Some((d, w)) if *d == day => w[i] += e.confidence,
            _ => {
                let mut w = [0.0; 4];
                w[i] = e.confidence;
                days.push((day, w));
            }
        }
    }
    let mut out = Vec::new();
    let mut current: Option<Stance> = None;
    for (day, w) in days {
        let (stance, _) = verdict_of(w);
        if let Some(prev) = current
            && prev != stance
        {
            out.push((day, prev, stance));
        }
        current = Some(stance);
    }
    out
}
