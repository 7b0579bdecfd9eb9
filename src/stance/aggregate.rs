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
    // The passes want time order; a slice in another order is read sorted for the timeline
    // and as it is for the weights (with every remark kept, as its order says nothing).
    let mut sorted: Vec<&Evidence> = evidence.iter().collect();
    sorted.sort_by_key(|e| e.published_at);
    let mut timeline = Timeline::default();
    for e in &sorted {
        timeline.add(e);
    }
    let mut weigher = timeline.weigher();
    weigher.keep_every_remark = true;
    for e in evidence {
        weigher.add(e);
    }
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

    /// The evidence seen, with or without a stance.
    pub fn statements(&self) -> usize {
        self.statements
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
            keep_every_remark: false,
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
    /// Remarks are kept over all the evidence, not one time at once (for evidence not in
    /// time order).
    keep_every_remark: bool,
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
        let w = e.confidence * 0.5f64.powf(age_days / HALF_LIFE_DAYS);
        match e.cue.as_ref().filter(|c| !c.is_empty()) {
            Some(cue) => {
                // One remark is one time, stance and cue: in time order, the remarks of
                // earlier times are done with.
                if !self.keep_every_remark && self.counted_at != Some(e.published_at) {
                    self.counted.clear();
                    self.counted_at = Some(e.published_at);
                }
                let key = if self.keep_every_remark {
                    (
                        e.stance,
                        std::sync::Arc::from(remark_key(e.published_at, cue)),
                    )
                } else {
                    (e.stance, cue.clone())
                };
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

/// A remark's time and cue as one key, for evidence not in time order.
fn remark_key(at: Option<DateTime<Utc>>, cue: &str) -> String {
    format!(
        "{}\u{1f}{cue}",
        at.map(|t| t.timestamp()).unwrap_or(i64::MIN)
    )
}
