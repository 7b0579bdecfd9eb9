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
//!
//! `Progress` reads the evidence in one pass in time order and can be kept and given later
//! evidence: an ingest of new posts reads those, not the actor's whole record.

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Stance;

/// Thirty days, in seconds.
const HALF_LIFE: f64 = 30.0 * 86_400.0;

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

pub(super) fn verdict_of(weights: [f64; 4]) -> (Stance, f64) {
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

pub(super) fn slot(stance: Stance) -> Option<usize> {
    match stance {
        Stance::Support => Some(0),
        Stance::Oppose => Some(1),
        Stance::Mixed => Some(2),
        Stance::Neutral => Some(3),
        Stance::Unknown => None,
    }
}

/// The verdict of evidence in any order: read in time order (none first; equal times as
/// given).
pub fn aggregate(evidence: &[Evidence]) -> Verdict {
    let mut sorted: Vec<&Evidence> = evidence.iter().collect();
    sorted.sort_by_key(|e| e.published_at);
    let mut progress = Progress::default();
    for e in sorted {
        progress.add(e);
    }
    progress.verdict()
}

/// One actor's stance on one topic so far, from its evidence read in time order (none
/// first, then by time): what was said, the day-by-day verdicts and their changes, and the
/// weights since the last change. One pass, a few numbers a day; kept between ingests, it
/// takes later evidence where it stopped (`through`), so a day's new posts cost what they
/// hold, not the actor's whole record.
///
/// The weights are not decayed as they are read: the decay runs from the latest statement,
/// which only the end knows. A timed weight is kept as its confidence times
/// 2^((t - base) / half-life) and the sum is scaled once at the end, which is the same
/// number.
///
/// Kept in the database (`stance_progress`, as JSON): a change to the rule must come with
/// an upgrade step that empties that table and marks every pair stale, or stances would go
/// on from state the old rule left.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Progress {
    first_said: Option<DateTime<Utc>>,
    last_said: Option<DateTime<Utc>>,
    statements: usize,
    /// The open day with a stance, and its weights per stance (undecayed).
    day: Option<(NaiveDate, [f64; 4])>,
    /// The verdict of the last closed day.
    current: Option<Stance>,
    /// The first day of each new stance, with the stance before and after.
    changes: Vec<(NaiveDate, Stance, Stance)>,
    /// Evidence without a time: it counts whatever the changes.
    untimed: Stretch,
    /// Timed evidence since the last change among closed days (all, if none).
    since: Stretch,
    /// Timed evidence from the open day on: the weights if closing it is a change.
    open: Stretch,
    /// Timed evidence of the latest day read: the weights if that day opens next.
    latest: Stretch,
}

impl Progress {
    /// The progress as kept in the database: its JSON, deflated (a thousand bytes of
    /// numbers and names become three hundred; a pair's state was a fifth of a small
    /// database's statements).
    pub fn to_kept(&self) -> Vec<u8> {
        // Numbers and names cannot fail to serialize; were they to, the empty state reads
        // back as none and the stance is computed from the start.
        let json = serde_json::to_vec(self).unwrap_or_default();
        // One compressor a thread, reset for each state: a new one zeroes a few hundred
        // kilobytes of tables to deflate a thousand bytes.
        thread_local! {
            static DEFLATE: std::cell::RefCell<flate2::Compress> =
                std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::default(), false));
        }
        DEFLATE.with_borrow_mut(|deflate| {
            deflate.reset();
            let mut out = Vec::with_capacity(json.len() / 2 + 64);
            loop {
                let read = deflate.total_in() as usize;
                match deflate.compress_vec(
                    &json[read.min(json.len())..],
                    &mut out,
                    flate2::FlushCompress::Finish,
                ) {
                    Ok(flate2::Status::StreamEnd) => return out,
                    // Deflate adds a few bytes a block at worst: more than twice the JSON
                    // is a compressor gone wrong, and the empty state is computed again.
                    Ok(_) if out.capacity() <= 2 * json.len() + 1024 => {
                        out.reserve(out.capacity().max(64))
                    }
                    _ => return Vec::new(),
                }
            }
        })
    }

    /// Progress kept by `to_kept`, or as plain JSON (as whosaid kept it before); none when
    /// it is neither (another program's, or damaged: the stance is computed from the start).
    pub fn from_kept(kept: &[u8]) -> Option<Progress> {
        use std::io::Read;
        if kept.first() == Some(&b'{') {
            return serde_json::from_slice(kept).ok();
        }
        // Far beyond any actor's record (each change of stance is some thirty bytes), and
        // a bound on what damaged bytes can make us hold.
        const MOST: u64 = 16 << 20;
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(kept)
            .take(MOST)
            .read_to_end(&mut json)
            .ok()?;
        serde_json::from_slice(&json).ok()
    }

    /// The next piece of evidence, after every one before it.
    pub fn add(&mut self, e: &Evidence) {
        // Saturating, as every count here: kept progress is read back from the database.
        self.statements = self.statements.saturating_add(1);
        let Some(at) = e.published_at else {
            self.untimed.add(e);
            return;
        };
        self.first_said = Some(self.first_said.map_or(at, |f| f.min(at)));
        let day = at.date_naive();
        if self.last_said.is_none_or(|l| l.date_naive() != day) {
            self.latest = Stretch::default();
        }
        self.last_said = Some(self.last_said.map_or(at, |l| l.max(at)));
        if let Some(i) = slot(e.stance) {
            match &mut self.day {
                Some((d, w)) if *d == day => w[i] += e.confidence,
                _ => {
                    if self.close_day() {
                        self.since = std::mem::take(&mut self.open);
                    }
                    // Evidence of this day already read (without a stance) is of it.
                    self.open = self.latest.clone();
                    let mut w = [0.0; 4];
                    w[i] = e.confidence;
                    self.day = Some((day, w));
                }
            }
        }
        self.since.add(e);
        self.open.add(e);
        self.latest.add(e);
    }

    /// Closes the open day; true when its verdict changes the stance.
    fn close_day(&mut self) -> bool {
        let Some((day, w)) = self.day.take() else {
            return false;
        };
        let (stance, _) = verdict_of(w);
        let changed = self.current.is_some_and(|prev| prev != stance);
        if let Some(prev) = self.current.filter(|_| changed) {
            self.changes.push((day, prev, stance));
        }
        self.current = Some(stance);
        changed
    }

    /// The evidence read, with or without a stance.
    pub fn statements(&self) -> usize {
        self.statements
    }

    /// The time of the latest evidence read (none: evidence without a time only): later
    /// evidence can be added; any at or before it means reading the whole again.
    pub fn through(&self) -> Option<i64> {
        self.last_said.map(|t| t.timestamp())
    }

    /// The verdict of the evidence read so far.
    pub fn verdict(&self) -> Verdict {
        let mut end = self.clone();
        let stretch = if end.close_day() {
            &end.open
        } else {
            &end.since
        };
        let scale = match (stretch.base, end.last_said) {
            (Some(base), Some(last)) => {
                ((base as f64 - last.timestamp() as f64) / HALF_LIFE).exp2()
            }
            _ => 1.0,
        };
        let u = &end.untimed;
        let mut weights = u.weights;
        for (w, t) in weights.iter_mut().zip(stretch.weights) {
            *w += t * scale;
        }
        // Evidence without a time comes first: timed evidence replaces it only by weighing
        // more, and is "later" among equals.
        let strongest = match (u.strongest, stretch.strongest) {
            (Some((w, id)), Some((t, tid))) => Some(if t * scale > w { tid } else { id }),
            (a, b) => a.or(b).map(|(_, id)| id),
        };
        let mut readable = u.readable;
        for (mine, later) in readable
            .iter_mut()
            .flatten()
            .zip(stretch.readable.iter().flatten())
        {
            if let Some((c, w, seen, id)) = *later
                && mine.is_none_or(|(mc, mw, _, _)| (c, w) >= (mc, mw))
            {
                *mine = Some((c, w, u.seen.saturating_add(seen), id));
            }
        }
        let (stance, share) = verdict_of(weights);
        let total: f64 = weights.iter().sum();
        // The evidence a person reads first: a statement that agrees with the verdict and
        // whose words carry the deciding cue; among those the clearest (confidence to a
        // tenth), then the longest, so a sentence beats a one-word fragment. Else the
        // strongest of all.
        let [without, with] = readable[slot(stance).unwrap_or(4)];
        let either = match (without, with) {
            (Some(a), Some(b)) => Some(if (b.0, b.1, b.2) > (a.0, a.1, a.2) {
                b
            } else {
                a
            }),
            (a, b) => a.or(b),
        };
        let agreeing = with.or(either).map(|(_, _, _, id)| id);
        Verdict {
            stance,
            confidence: (share * (1.0 - (-total).exp()) * 100.0).round() / 100.0,
            statements: end.statements,
            first_said: end.first_said,
            last_said: end.last_said,
            strongest: agreeing.or(strongest),
            shifts: std::mem::take(&mut end.changes)
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

/// The best evidence to read of one stance, with or without a cue: (clearness, bytes of
/// words, place in the evidence, statement id).
type Readable = Option<(i64, usize, usize, i64)>;

/// Half-lives past the base at which a stretch takes a later base: 2^512 is far from what
/// a float holds, and a weight that old is nothing beside one of the new base.
const REBASE: f64 = 512.0;

/// The weights of a stretch of evidence, read in time order, and the statements to read
/// first. Holds the remarks of one time at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Stretch {
    /// The time (seconds) timed weights are kept relative to.
    base: Option<i64>,
    weights: [f64; 4],
    /// The heaviest statement: (weight relative to the base, id).
    strongest: Option<(f64, i64)>,
    /// Per stance (unknown last), without and with a cue.
    readable: [[Readable; 2]; 5],
    seen: usize,
    /// The heaviest weight counted so far of each remark of the time being read. Evidence
    /// added to kept progress is always of a later time, so this is not kept.
    #[serde(skip)]
    counted: HashMap<(Stance, std::sync::Arc<str>), f64>,
    #[serde(skip)]
    counted_at: Option<Option<i64>>,
}

impl Stretch {
    fn add(&mut self, e: &Evidence) {
        self.seen = self.seen.saturating_add(1);
        let s = slot(e.stance).unwrap_or(4);
        let clear = (e.confidence * 10.0).round() as i64;
        let best = &mut self.readable[s][usize::from(e.has_cue)];
        // The last of equals, as `Iterator::max_by` gives it.
        if best.is_none_or(|(c, w, _, _)| (clear, e.words) >= (c, w)) {
            *best = Some((clear, e.words, self.seen, e.statement_id));
        }
        let Some(i) = slot(e.stance) else { return };
        let at = e.published_at.map(|t| t.timestamp());
        let w = match at {
            Some(t) => {
                let base = *self.base.get_or_insert(t);
                let mut x = (t as f64 - base as f64) / HALF_LIFE;
                if x > REBASE {
                    let down = (-x).exp2();
                    self.weights.iter_mut().for_each(|w| *w *= down);
                    if let Some((w, _)) = &mut self.strongest {
                        *w *= down;
                    }
                    self.base = Some(t);
                    x = 0.0;
                }
                e.confidence * x.exp2()
            }
            None => e.confidence,
        };
        match e.cue.as_ref().filter(|c| !c.is_empty()) {
            Some(cue) => {
                // One remark is one time, stance and cue: in time order, the remarks of
                // earlier times are done with.
                if self.counted_at != Some(at) {
                    self.counted.clear();
                    self.counted_at = Some(at);
                }
                match self.counted.entry((e.stance, cue.clone())) {
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
        if self.strongest.is_none_or(|(best, _)| w > best) {
            self.strongest = Some((w, e.statement_id));
        }
    }
}
