-- whosaid schema. Applied to a new database; the version is in PRAGMA user_version.
-- Natural-key UNIQUE constraints make re-ingesting a source a no-op.

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL,
    content_hash  TEXT NOT NULL UNIQUE,      -- sha256 of the bytes read
    format        TEXT NOT NULL,
    url           TEXT,
    published_on  TEXT,                      -- YYYY-MM-DD of its first post
    ingested_at   TEXT NOT NULL              -- RFC 3339 UTC
);

-- The text all offsets point into (the file for text formats, the derived text for HTML
-- and JSONL), stored once, in chunks of up to 64 KiB (cut on a character) so a huge source
-- is written without being held in memory and a reader fetches only the part it shows.
CREATE TABLE source_texts (
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,          -- byte offsets of this piece in the whole text
    end           INTEGER NOT NULL,
    text          TEXT NOT NULL,
    PRIMARY KEY (source_id, start)
);

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,          -- order in the source
    title         TEXT,                      -- NULL when it is the source text between
    title_start   INTEGER,                   -- these byte offsets (or there is none)
    title_end     INTEGER,
    published_at  TEXT,                      -- RFC 3339 UTC
    author        TEXT,
    role          TEXT,
    url           TEXT,
    body_start    INTEGER NOT NULL,          -- byte offsets of the body in the source text
    body_end      INTEGER NOT NULL,
    UNIQUE (source_id, seq)
);

CREATE TABLE actors (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    gender        TEXT,
    country       TEXT,
    wikidata      TEXT,
    discovered    INTEGER NOT NULL DEFAULT 0 -- 1: found in the text, not in actors.csv
);
-- An actor is stored with their first statement (with the aliases the lists give them),
-- not every listed actor in every database.

CREATE TABLE aliases (
    actor_id      INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    alias         TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (actor_id, alias)
);
CREATE INDEX aliases_alias ON aliases(alias);

CREATE TABLE statements (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    -- 0 direct, 1 partial, 2 indirect, 3 term, 4 action: a byte, where the word took eight
    -- in the table and again in its key (`kind` gives the word)
    kind_code       INTEGER NOT NULL CHECK (kind_code BETWEEN 0 AND 4),
    quote           TEXT,                    -- the words said; NULL when they are the source
    start           INTEGER NOT NULL,        -- text between these byte offsets
    end             INTEGER NOT NULL,
    context_start   INTEGER NOT NULL,        -- the words around it: byte offsets in the
    context_end     INTEGER NOT NULL,        -- source text...
    context         TEXT,                    -- ...or, when they are not its text, the words
    speaker_mention TEXT,                    -- the speaker as written: 'he', 'the prime minister'
    cue             TEXT,                    -- the reporting verb or phrase
    actor_id        INTEGER REFERENCES actors(id),
    published_at    INTEGER,                 -- the post's time (seconds since 1970 UTC), kept
                                             -- here for range queries
    kind            TEXT GENERATED ALWAYS AS (CASE kind_code WHEN 0 THEN 'direct'
        WHEN 1 THEN 'partial' WHEN 2 THEN 'indirect' WHEN 3 THEN 'term' ELSE 'action' END) VIRTUAL
);
-- One statement per words, kind and speaker: "Macron and Starmer agreed to ..." is a
-- position of each.
CREATE UNIQUE INDEX statements_key ON statements(post_id, start, end, kind_code, ifnull(actor_id, 0));
CREATE INDEX statements_actor_time ON statements(actor_id, published_at);
-- In the order the read commands give statements (a source's posts have consecutive ids,
-- in the order of its text), so they are read in order rather than sorted.
CREATE INDEX statements_time ON statements(published_at, post_id, start);

CREATE TABLE topics (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    parent_id     INTEGER REFERENCES topics(id),
    description   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE statement_topics (
    statement_id  INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    topic_id      INTEGER NOT NULL REFERENCES topics(id),
    -- 0 support, 1 oppose, 2 mixed, 3 neutral, 4 unknown (`stance` gives the word)
    stance_code   INTEGER NOT NULL CHECK (stance_code BETWEEN 0 AND 4),
    confidence_pct INTEGER NOT NULL CHECK (confidence_pct BETWEEN 0 AND 100),  -- hundredths
    cue           TEXT,                      -- the words that decided the stance
    stance        TEXT GENERATED ALWAYS AS (CASE stance_code WHEN 0 THEN 'support'
        WHEN 1 THEN 'oppose' WHEN 2 THEN 'mixed' WHEN 3 THEN 'neutral' ELSE 'unknown' END) VIRTUAL,
    confidence    REAL GENERATED ALWAYS AS (confidence_pct / 100.0) VIRTUAL,
    PRIMARY KEY (statement_id, topic_id)
) WITHOUT ROWID;

-- Each statement's words as they stand in the source text, to check offsets against (words
-- over two chunks are joined; words longer than a chunk, 64 KiB, are cut at the second's
-- end: the read commands give them whole).
CREATE VIEW statement_spans AS
SELECT s.id AS statement_id,
       CAST(substr(CAST(t.text AS BLOB), s.start - t.start + 1, s.end - s.start) AS TEXT)
       || coalesce(CAST(substr(CAST(n.text AS BLOB), 1, s.end - n.start) AS TEXT), '') AS span
FROM statements s
JOIN posts p ON p.id = s.post_id
JOIN source_texts t ON t.source_id = p.source_id AND t.start <= s.start AND s.start < t.end
LEFT JOIN source_texts n ON n.source_id = p.source_id AND n.start = t.end AND s.end > t.end;

-- Summaries kept in step with the statements, in the transaction that stores them, so the
-- read commands answer from a few rows at any size.
CREATE TABLE actor_summaries (
    actor_id      INTEGER PRIMARY KEY REFERENCES actors(id),
    statements    INTEGER NOT NULL,
    first_said    TEXT,
    last_said     TEXT
);

-- Statements touching each topic (a parent counts its children's, each statement once).
CREATE TABLE topic_summaries (
    topic_id      INTEGER PRIMARY KEY REFERENCES topics(id),
    statements    INTEGER NOT NULL
);

-- Each actor's stance on each topic, aggregated over every statement (the rule is in
-- src/stance/aggregate.rs). A source marks the pairs it adds evidence to stale, in its own
-- transaction; an ingest computes them again when its sources are stored, and a reader
-- computes a pair still stale itself.
CREATE TABLE stance_verdicts (
    actor_id      INTEGER NOT NULL REFERENCES actors(id),
    topic_id      INTEGER NOT NULL REFERENCES topics(id),
    stance        TEXT NOT NULL,
    confidence    REAL NOT NULL,
    statements    INTEGER NOT NULL,
    first_said    TEXT,
    last_said     TEXT,
    strongest     INTEGER,                   -- the statement that weighs most
    shifts        TEXT NOT NULL,             -- JSON: [{"on", "from", "to"}]
    PRIMARY KEY (actor_id, topic_id)
) WITHOUT ROWID;

CREATE TABLE stale_verdicts (
    actor_id      INTEGER NOT NULL,
    topic_id      INTEGER NOT NULL,
    -- the earliest time (seconds) of the evidence added since the stance was computed: if
    -- after all its kept progress read, the stance goes on from there; NULL (evidence
    -- without a time, or taken out) computes it from the start
    resume        INTEGER,
    PRIMARY KEY (actor_id, topic_id)
) WITHOUT ROWID;

-- Where computing a stance stopped (`Progress`: its JSON deflated, as a blob; JSON text, as
-- it was kept before, still reads): the next adds later evidence to it.
CREATE TABLE stance_progress (
    actor_id      INTEGER NOT NULL,
    topic_id      INTEGER NOT NULL,
    through       INTEGER,                   -- the time (seconds) of the last evidence read
    state         TEXT NOT NULL,
    PRIMARY KEY (actor_id, topic_id)
) WITHOUT ROWID;

-- Full-text search over each statement's words and its context (the sentence around them),
-- for `whosaid search` and any SQL user: `SELECT rowid FROM statement_search WHERE
-- statement_search MATCH 'frozen AND assets'` gives statement ids. Contentless: the words
-- are the source text's, stored once; and it keeps which words a statement has, not where
-- (a third of the size; `whosaid search` checks the order itself), nor how many words each
-- has (no ranking is asked of it). The writer indexes a
-- statement as it stores it (it holds the words; a trigger would cut them out of the stored
-- text again); the trigger below takes a statement deleted by SQL out, with the words the
-- view gives (one deleted with its post, whose text is gone, stays in the index, but a
-- search joins the statements, which no longer have it). Words that are the text inside
-- their context (quote and context both NULL, the words' offsets within the context's) are
-- not given to the index again: their context holds them. Writer and trigger both decide
-- so from the stored row, so each column's word count, which FTS5 keeps and checks on
-- delete, stays what was given. No option newer than SQLite 3.9, so Python's sqlite3 and
-- Datasette open the file.
CREATE VIRTUAL TABLE statement_search USING fts5(
    words, context,
    content = '', detail = none, columnsize = 0,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Its segments are merged sixteen at a time rather than four: each merge rewrites what it
-- merges, so a big index is rewritten fewer times as it grows (100 MB of live blogs on one
-- thread: 0.97x the CPU, 10 MB 0.99x), and a query reads a few more segments. Kept in
-- the index's own config table; FTS5 has had the option since its first release.
INSERT INTO statement_search (statement_search, rank) VALUES ('automerge', 16);
CREATE TRIGGER statement_search_delete BEFORE DELETE ON statements
BEGIN INSERT INTO statement_search (statement_search, rowid, words, context) SELECT 'delete', id,
    CASE WHEN old.quote IS NULL AND old.context IS NULL AND old.start >= old.context_start
              AND old.end <= old.context_end THEN NULL ELSE words END,
    context FROM statements_view WHERE id = old.id; END;

-- Every statement with its words, speaker, topics, stances, time, source and post, for
-- sqlite3 and Datasette users who browse without reading the schema. Words, context and
-- title are cut out of the stored text (joining two chunks where they run over a border).
CREATE VIEW statements_view AS
SELECT s.id,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.published_at, 'unixepoch') AS published_at,
       a.name AS actor,
       s.kind,
       coalesce(s.quote,
                CAST(substr(CAST(qt.text AS BLOB), s.start - qt.start + 1, s.end - s.start) AS TEXT)
                || coalesce(CAST(substr(CAST(qn.text AS BLOB), 1, s.end - qn.start) AS TEXT), ''))
           AS words,
       coalesce(s.context,
                CAST(substr(CAST(ct.text AS BLOB), s.context_start - ct.start + 1,
                            s.context_end - s.context_start) AS TEXT)
                || coalesce(CAST(substr(CAST(cn.text AS BLOB), 1, s.context_end - cn.start) AS TEXT), ''))
           AS context,
       (SELECT group_concat(t.name, ';') FROM statement_topics st
          JOIN topics t ON t.id = st.topic_id WHERE st.statement_id = s.id) AS topics,
       (SELECT group_concat(t.name || ': ' || st.stance, ';') FROM statement_topics st
          JOIN topics t ON t.id = st.topic_id WHERE st.statement_id = s.id) AS stances,
       s.speaker_mention,
       s.cue,
       coalesce(p.title,
                CAST(substr(CAST(tt.text AS BLOB), p.title_start - tt.start + 1,
                            p.title_end - p.title_start) AS TEXT)
                || coalesce(CAST(substr(CAST(tn.text AS BLOB), 1, p.title_end - tn.start) AS TEXT), ''))
           AS post_title,
       p.author AS post_author,
       p.url AS post_url,
       r.path AS source,
       r.url AS source_url,
       s.start,
       s.end,
       s.post_id,
       p.source_id
FROM statements s
JOIN posts p ON p.id = s.post_id
JOIN sources r ON r.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id
LEFT JOIN source_texts qt ON qt.source_id = p.source_id AND qt.start = (
    SELECT max(start) FROM source_texts WHERE source_id = p.source_id AND start <= s.start)
LEFT JOIN source_texts qn ON qn.source_id = p.source_id AND qn.start = qt.end AND s.end > qt.end
LEFT JOIN source_texts ct ON ct.source_id = p.source_id AND ct.start = (
    SELECT max(start) FROM source_texts WHERE source_id = p.source_id AND start <= s.context_start)
LEFT JOIN source_texts cn ON cn.source_id = p.source_id AND cn.start = ct.end
                          AND s.context_end > ct.end
LEFT JOIN source_texts tt ON tt.source_id = p.source_id AND tt.start = (
    SELECT max(start) FROM source_texts WHERE source_id = p.source_id AND start <= p.title_start)
LEFT JOIN source_texts tn ON tn.source_id = p.source_id AND tn.start = tt.end
                          AND p.title_end > tt.end;

-- Each actor's stance on each topic, as the read commands give it (`stale`: new evidence
-- came in since it was computed; the read commands compute it again).
CREATE VIEW stances_view AS
SELECT a.name AS actor,
       t.name AS topic,
       v.stance,
       v.confidence,
       v.statements,
       v.first_said,
       v.last_said,
       v.strongest AS strongest_statement,
       v.shifts,
       EXISTS (SELECT 1 FROM stale_verdicts x
                WHERE x.actor_id = v.actor_id AND x.topic_id = v.topic_id) AS stale
FROM stance_verdicts v
JOIN actors a ON a.id = v.actor_id
JOIN topics t ON t.id = v.topic_id;

-- Actors and aliases kept by hand (`whosaid actors add`, `alias`, `merge`), beside the
-- built-in list: every ingest and reprocess reads them with data/actors.csv.
CREATE TABLE kept_actors (
    name          TEXT PRIMARY KEY COLLATE NOCASE,
    kind          TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'organisation')),
    gender        TEXT,
    country       TEXT,
    added_at      TEXT NOT NULL
);
CREATE TABLE kept_aliases (
    name          TEXT NOT NULL COLLATE NOCASE,  -- the actor, built-in or kept
    alias         TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (name, alias)
) WITHOUT ROWID;
