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
-- and JSONL), in pieces so a huge source is written without being held in memory.
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
    title         TEXT,
    published_at  TEXT,                      -- RFC 3339 UTC
    author        TEXT,
    role          TEXT,
    url           TEXT,
    body          TEXT NOT NULL,
    body_start    INTEGER NOT NULL,          -- byte offset of the body in the source text
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

CREATE TABLE aliases (
    actor_id      INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    alias         TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (actor_id, alias)
);
CREATE INDEX aliases_alias ON aliases(alias);

CREATE TABLE statements (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('direct', 'partial', 'indirect', 'term', 'action')),
    quote           TEXT NOT NULL,
    context         TEXT NOT NULL,
    start           INTEGER NOT NULL,        -- byte offsets of quote in the source text
    end             INTEGER NOT NULL,
    speaker_mention TEXT,                    -- the speaker as written: 'he', 'the prime minister'
    cue             TEXT,                    -- the reporting verb or phrase
    actor_id        INTEGER REFERENCES actors(id),
    published_at    TEXT                     -- the post's time, kept here for range queries
);
-- One statement per words, kind and speaker: "Macron and Starmer agreed to ..." is a
-- position of each.
CREATE UNIQUE INDEX statements_key ON statements(post_id, start, end, kind, ifnull(actor_id, 0));
CREATE INDEX statements_actor_time ON statements(actor_id, published_at);
CREATE INDEX statements_time ON statements(published_at);

CREATE TABLE topics (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    parent_id     INTEGER REFERENCES topics(id),
    description   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE statement_topics (
    statement_id  INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    topic_id      INTEGER NOT NULL REFERENCES topics(id),
    stance        TEXT NOT NULL CHECK (stance IN ('support', 'oppose', 'mixed', 'neutral', 'unknown')),
    confidence    REAL NOT NULL,
    cue           TEXT,                      -- the words that decided the stance
    PRIMARY KEY (statement_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX statement_topics_topic ON statement_topics(topic_id, statement_id);

-- Each statement's words as they stand in the source text, to check offsets against.
CREATE VIEW statement_spans AS
SELECT s.id AS statement_id,
       CAST(substr(CAST(t.text AS BLOB), s.start - t.start + 1, s.end - s.start) AS TEXT) AS span
FROM statements s
JOIN posts p ON p.id = s.post_id
JOIN source_texts t ON t.source_id = p.source_id AND t.start <= s.start AND s.start < t.end;
