//! Stance evidence an ingest stores, kept in memory as it is stored (up to a bound), so
//! that the stances it bears on are computed from it rather than read back from the tables
//! just written. Takes each stored statement-topic row of a run; gives, per actor, the rows
//! in the order the stance query reads them, and which (actor, topic) pairs they are all
//! the new evidence of.

use std::sync::Arc;

use rusqlite::Connection;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};

/// The most rows a run keeps: 32 bytes each, so 8 MB, the evidence of about 25 MB of
/// live-blog text. A larger run is read back, as every run was before: this saves work in
/// the common case, and costs no memory that grows with the input.
pub const MOST_FRESH_ROWS: usize = 1 << 18;

/// Bytes of sources above which a run keeps no rows: live blogs give about 10,000 rows a
/// megabyte, so a larger run would fill the bound and read everything back anyway, having
/// held 8 MB for nothing.
const MOST_FRESH_BYTES: u64 = 24 << 20;

/// `FreshRow::time` of a row without one: first, as SQL orders NULL.
const UNTIMED: i64 = i64::MIN;

/// One statement's stance on one topic, as stored (see `StanceRow`, which reads it back).
#[derive(Debug, Clone, Copy)]
pub struct FreshRow {
    pub statement_id: i64,
    /// Seconds since 1970 UTC, or `UNTIMED`.
    time: i64,
    topic_id: u32,
    /// Bytes in the statement's words.
    pub words: u32,
    /// 1 + its index in the cues kept with the rows; 0: none.
    cue: u32,
    pub stance_code: u8,
    pub confidence_pct: u8,
}

impl FreshRow {
    pub fn topic_id(&self) -> i64 {
        self.topic_id.into()
    }

    pub fn published_at(&self) -> Option<i64> {
        (self.time != UNTIMED).then_some(self.time)
    }
}

/// Cues numbered from 1 (0 is none), each kept once: a run's rows use a few dozen.
#[derive(Default)]
struct Cues {
    all: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u32>,
}

impl Cues {
    /// `cue`'s number, given it if it has none yet; none past `u32`.
    fn id(&mut self, cue: &str) -> Option<u32> {
        if let Some(&id) = self.ids.get(cue) {
            return Some(id);
        }
        let id = u32::try_from(self.all.len() + 1).ok()?;
        let shared: Arc<str> = cue.into();
        self.all.push(shared.clone());
        self.ids.insert(shared, id);
        Some(id)
    }

    fn get(&self, id: u32) -> Option<&Arc<str>> {
        self.all.get((id as usize).checked_sub(1)?)
    }
}

/// What one source's transaction stored, until it commits.
#[derive(Default)]
pub(super) struct SourceEvidence {
    by_actor: FxHashMap<i64, Vec<FreshRow>>,
    rows: usize,
    /// Rows it may keep before it gives up (what the run has room for).
    room: usize,
    /// Its cues, as its rows number them.
    cues: Cues,
    /// Over its room, or a row it cannot keep: nothing of it is kept.
    overflowed: bool,
}

/// A stored row, as `SourceEvidence::add` takes it.
pub(super) struct StoredStance<'a> {
    pub actor_id: i64,
    pub topic_id: i64,
    pub statement_id: i64,
    pub published_at: Option<i64>,
    pub stance_code: i64,
    pub confidence_pct: u8,
    pub words: usize,
    pub cue: Option<&'a str>,
}

impl SourceEvidence {
    pub(super) fn new(room: usize) -> Self {
        SourceEvidence {
            room,
            ..Default::default()
        }
    }

    pub(super) fn add(&mut self, stored: StoredStance<'_>) {
        if self.overflowed {
            return;
        }
        let fits = (|| {
            let cue = match stored.cue {
                None => 0,
                Some(c) => self.cues.id(c)?,
            };
            Some(FreshRow {
                statement_id: stored.statement_id,
                time: stored.published_at.unwrap_or(UNTIMED),
                topic_id: u32::try_from(stored.topic_id).ok()?,
                words: u32::try_from(stored.words).ok()?,
                cue,
                stance_code: u8::try_from(stored.stance_code).ok()?,
                confidence_pct: stored.confidence_pct,
            })
        })();
        match fits {
            Some(row) if self.rows < self.room && stored.published_at != Some(UNTIMED) => {
                self.rows += 1;
                self.by_actor.entry(stored.actor_id).or_default().push(row);
            }
            // Freed at once: the rest of the run is read back instead.
            _ => {
                *self = SourceEvidence {
                    overflowed: true,
                    ..Default::default()
                }
            }
        }
    }
}

/// The evidence a run of ingests stored, and what it needs to tell whether a pair's new
/// evidence is all of it.
#[derive(Default)]
pub struct FreshEvidence {
    by_actor: FxHashMap<i64, Vec<FreshRow>>,
    rows: usize,
    /// The rows' cues.
    cues: Cues,
    /// Every row of every committed source is here.
    complete: bool,
    /// Per pair, the earliest time of its rows (none: one has no time), as the stale mark
    /// the run left should say.
    earliest: FxHashMap<(i64, i64), Option<i64>>,
    /// Pairs marked stale before the run: their mark may stand for evidence it did not
    /// store.
    stale_before: FxHashSet<(i64, i64)>,
    /// Another connection's commit changes it: then the tables hold more than the run.
    data_version: i64,
}

impl FreshEvidence {
    /// Before the run's first source is stored on `conn`; `bytes`: the size of its sources,
    /// as far as it is known.
    pub fn start(conn: &Connection, bytes: u64) -> Result<Self> {
        let failed = || Error::db("reading the stale stances");
        let data_version = conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(failed())?;
        let mut stmt = conn
            .prepare("SELECT actor_id, topic_id FROM stale_verdicts")
            .map_err(failed())?;
        let stale_before = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
            .map_err(failed())?;
        Ok(FreshEvidence {
            complete: bytes <= MOST_FRESH_BYTES,
            stale_before,
            data_version,
            ..Default::default()
        })
    }

    /// Rows a source may still keep.
    pub(super) fn room(&self) -> usize {
        if self.complete {
            MOST_FRESH_ROWS.saturating_sub(self.rows)
        } else {
            0
        }
    }

    /// A committed source's rows.
    pub(super) fn absorb(&mut self, source: SourceEvidence) {
        if !self.complete {
            return;
        }
        // The source's cue numbers, as the run's.
        let cues: Option<Vec<u32>> = source.cues.all.iter().map(|c| self.cues.id(c)).collect();
        let Some(cues) = cues.filter(|_| !source.overflowed) else {
            // Nothing is kept once a row is missing: freed for the rest of the run.
            *self = FreshEvidence {
                complete: false,
                data_version: self.data_version,
                ..Default::default()
            };
            return;
        };
        self.rows += source.rows;
        for (actor, mut rows) in source.by_actor {
            for row in &mut rows {
                if row.cue > 0 {
                    row.cue = cues[row.cue as usize - 1];
                }
                // As the stale marks merge: any untimed row makes the mark untimed.
                let at = row.published_at();
                self.earliest
                    .entry((actor, row.topic_id()))
                    .and_modify(|t| *t = t.zip(at).map(|(a, b)| a.min(b)))
                    .or_insert(at);
            }
            self.by_actor.entry(actor).or_default().append(&mut rows);
        }
    }

    /// The cue that decided a row's stance, as stored.
    pub fn cue(&self, row: &FreshRow) -> Option<Arc<str>> {
        self.cues.get(row.cue).cloned()
    }

    /// Whether the rows are still the whole of what the run added, read on the connection
    /// that stored them, in the transaction that computes the stances (no commit can come
    /// between): no source lost rows to the bound, and no other connection committed.
    pub fn holds_all(&self, conn: &Connection) -> Result<bool> {
        if !self.complete {
            return Ok(false);
        }
        let now: i64 = conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(Error::db("reading the data version"))?;
        Ok(now == self.data_version)
    }

    /// Whether the run's rows for (`actor`, `topic`) are all the evidence its stale mark
    /// (with `resume`, the mark's time) stands for.
    pub fn covers(&self, actor: i64, topic: i64, resume: Option<i64>) -> bool {
        self.complete
            && !self.stale_before.contains(&(actor, topic))
            && self.earliest.get(&(actor, topic)) == Some(&resume)
    }

    /// The actor's rows in the order the stance query reads them: by time (untimed first),
    /// then by statement.
    pub fn rows_of(&self, actor: i64) -> Vec<&FreshRow> {
        let mut rows: Vec<&FreshRow> = self.by_actor.get(&actor).into_iter().flatten().collect();
        rows.sort_by_key(|r| (r.time, r.statement_id));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(statement_id: i64, published_at: Option<i64>) -> StoredStance<'static> {
        StoredStance {
            actor_id: 1,
            topic_id: 2,
            statement_id,
            published_at,
            stance_code: 0,
            confidence_pct: 80,
            words: 40,
            cue: Some("backs"),
        }
    }

    /// Another connection's commit between the run's start and its refresh (another
    /// whosaid ingesting into the same file) means the tables hold evidence the run's rows
    /// do not: they are not used. The run's own commits do not count.
    #[test]
    fn rows_are_not_all_the_evidence_once_another_connection_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let path = path.to_str().unwrap();
        let own = super::super::open(path).unwrap();
        let other = super::super::open(path).unwrap();
        let fresh = FreshEvidence::start(&own, 0).unwrap();
        own.execute("INSERT INTO topics (name) VALUES ('own')", [])
            .unwrap();
        assert!(fresh.holds_all(&own).unwrap());
        other
            .execute("INSERT INTO topics (name) VALUES ('other')", [])
            .unwrap();
        assert!(!fresh.holds_all(&own).unwrap());
    }

    /// A run too large to keep its rows keeps none; one that finds more rows than the bound
    /// drops them all, and its pairs are read back.
    #[test]
    fn a_run_over_the_bound_keeps_no_rows() {
        let conn = super::super::open_in_memory().unwrap();
        let large = FreshEvidence::start(&conn, MOST_FRESH_BYTES + 1).unwrap();
        assert!(!large.holds_all(&conn).unwrap());
        assert_eq!(large.room(), 0);

        let mut fresh = FreshEvidence::start(&conn, 1000).unwrap();
        let mut fits = SourceEvidence::new(2);
        fits.add(stored(1, Some(100)));
        fits.add(stored(2, None));
        fresh.absorb(fits);
        assert!(fresh.holds_all(&conn).unwrap());
        // Untimed: the pair's mark is untimed too.
        assert!(fresh.covers(1, 2, None));
        assert!(!fresh.covers(1, 2, Some(100)));
        let rows = fresh.rows_of(1);
        assert_eq!(
            rows.iter().map(|r| r.statement_id).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(fresh.cue(rows[0]).as_deref(), Some("backs"));

        let mut over = SourceEvidence::new(fresh.room().min(1));
        over.add(stored(3, Some(200)));
        over.add(stored(4, Some(300)));
        fresh.absorb(over);
        assert!(!fresh.holds_all(&conn).unwrap());
        assert!(!fresh.covers(1, 2, None));
        assert!(fresh.rows_of(1).is_empty());
        assert_eq!(fresh.room(), 0);
    }

    /// A pair marked stale before the run may stand for evidence the run did not store.
    #[test]
    fn a_pair_stale_before_the_run_is_read_back() {
        let conn = super::super::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO actors (id, name) VALUES (1, 'A');
             INSERT INTO topics (id, name) VALUES (2, 't');
             INSERT INTO stale_verdicts (actor_id, topic_id) VALUES (1, 2);",
        )
        .unwrap();
        let mut fresh = FreshEvidence::start(&conn, 1000).unwrap();
        let mut source = SourceEvidence::new(fresh.room());
        source.add(stored(1, Some(100)));
        fresh.absorb(source);
        assert!(!fresh.covers(1, 2, Some(100)));
    }
}
