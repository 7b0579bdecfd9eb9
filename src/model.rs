//! Plain data passed between the pipeline stages: sources, posts, statements, actors.
//! Takes nothing; gives the types every stage speaks. No behaviour beyond small helpers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A piece of a source's text kept with the byte offset where it starts, so every
/// statement found inside it can point back at the exact bytes it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub offset: usize,
}

impl Paragraph {
    pub fn new(text: &str, offset: usize) -> Self {
        Paragraph {
            text: text.to_string(),
            offset,
        }
    }

    /// Bullet paragraphs ("- ...", "• ...") inherit the speaker of the heading above them.
    pub fn is_bullet(&self) -> bool {
        let t = self.text.trim_start();
        t.starts_with("- ") || t.starts_with("• ") || t.starts_with("* ") || t.starts_with("– ")
    }
}

/// One post of a live blog, or the single post of an article.
#[derive(Debug, Clone, Default)]
pub struct Post {
    pub title: Option<Paragraph>,
    pub published_at: Option<DateTime<Utc>>,
    pub author: Option<String>,
    pub role: Option<String>,
    /// Where the post itself lives, when the source says (JSONL, HTML).
    pub url: Option<String>,
    pub paragraphs: Vec<Paragraph>,
}

impl Post {
    pub fn body(&self) -> String {
        self.paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn body_start(&self) -> usize {
        self.paragraphs
            .first()
            .map(|p| p.offset)
            .or(self.title.as_ref().map(|t| t.offset))
            .unwrap_or(0)
    }

    /// The title first (when there is one), then the paragraphs: the order in which
    /// a reader meets the text, and so the order in which context builds up.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'_>> {
        self.title
            .iter()
            .map(|p| Block {
                paragraph: p,
                is_title: true,
            })
            .chain(self.paragraphs.iter().map(|p| Block {
                paragraph: p,
                is_title: false,
            }))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    pub paragraph: &'a Paragraph,
    pub is_title: bool,
}

/// What a source was parsed into, with the text that all offsets point into.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: String,
    pub format: String,
    pub url: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// The text whosaid read: the file itself for text formats, the derived text otherwise.
    pub text: String,
    pub posts: Vec<Post>,
    /// Bad lines of a line-based source skipped at the user's request (--skip-bad).
    pub skipped: usize,
    /// Lines of `text` (byte ranges) that belong to no post: menus, share buttons, the page
    /// header, captions. Counted and shown, so no text of a source disappears without a word.
    pub furniture: Vec<std::ops::Range<usize>>,
    /// Each post an article of its own (a feed's lines): what one says of a speaker or a
    /// story is no context for another, and a post's statements do not depend on its
    /// neighbours.
    pub posts_apart: bool,
}

impl Document {
    /// The same document with the lines its parser placed in no post.
    pub fn with_furniture(self, furniture: Vec<std::ops::Range<usize>>) -> Self {
        Document { furniture, ..self }
    }

    /// A document whose publication day is its earliest post's.
    pub fn new(
        path: &str,
        format: &str,
        url: Option<String>,
        text: String,
        posts: Vec<Post>,
    ) -> Self {
        let published_on = posts
            .iter()
            .filter_map(|p| p.published_at)
            .min()
            .map(|t| t.date_naive());
        Document {
            path: path.to_string(),
            format: format.to_string(),
            url,
            published_on,
            text,
            posts,
            skipped: 0,
            furniture: Vec::new(),
            posts_apart: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatementKind {
    /// A quoted sentence or more: `"...," he says`.
    Direct,
    /// A quoted fragment inside reported speech: `says the "coalition" is bigger`.
    Partial,
    /// Reported speech with no quote marks of its own.
    Indirect,
    /// A label in scare quotes: nobody's statement.
    Term,
    /// A position taken by deed and narrated, with no words reported: "Ukraine agreed to
    /// the truce".
    Action,
}

impl StatementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementKind::Direct => "direct",
            StatementKind::Partial => "partial",
            StatementKind::Indirect => "indirect",
            StatementKind::Term => "term",
            StatementKind::Action => "action",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "direct" => Some(StatementKind::Direct),
            "partial" => Some(StatementKind::Partial),
            "indirect" => Some(StatementKind::Indirect),
            "term" => Some(StatementKind::Term),
            "action" => Some(StatementKind::Action),
            _ => None,
        }
    }

    /// The number the store keeps for it (schema.sql's `kind_code`).
    pub fn code(self) -> i64 {
        match self {
            StatementKind::Direct => 0,
            StatementKind::Partial => 1,
            StatementKind::Indirect => 2,
            StatementKind::Term => 3,
            StatementKind::Action => 4,
        }
    }

    /// The kind a stored `kind_code` stands for.
    pub fn from_code(code: i64) -> Option<Self> {
        [
            StatementKind::Direct,
            StatementKind::Partial,
            StatementKind::Indirect,
            StatementKind::Term,
            StatementKind::Action,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    pub const ALL: [StatementKind; 4] = [
        StatementKind::Direct,
        StatementKind::Partial,
        StatementKind::Indirect,
        StatementKind::Term,
    ];
}

/// How extraction tied a statement to a speaker, which decides how attribution may resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribution {
    /// A reporting cue in the sentence names the speaker (possibly as a pronoun or title).
    Cue,
    /// A quote that is a sentence of its own, with no cue: the post's current speaker said it.
    Standalone,
    /// A fragment in a sentence with no reporting cue: it continues the previous speaker only
    /// when the sentence before was theirs.
    Unscoped,
    /// The sentence has cues but none covers the quote (narration after `..., X says, as ...`).
    Unclaimed,
    /// A question put by someone (a journalist): never a statement of the person asked.
    Question,
    /// A label: scare quotes, `so-called "..."`.
    Term,
}

/// The words naming the speaker, as written, with where they stand in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub text: String,
    pub start: usize,
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub kind: StatementKind,
    /// The words said, without quote marks.
    pub quote: String,
    /// The sentence around it (up to a bounded window each side of the words).
    pub context: String,
    /// Byte offset of `context` in the document text.
    pub context_start: usize,
    /// Byte offsets of `quote` in the document text (for a quote spanning paragraphs, from
    /// its first to its last byte).
    pub start: usize,
    pub end: usize,
    /// Where the sentence starts: orders statements and mentions within a post.
    pub sentence_start: usize,
    /// Running number of the sentence within its post (the title is sentence 0).
    pub sentence_index: usize,
    pub in_title: bool,
    pub in_bullet: bool,
    pub attribution: Attribution,
    pub mention: Option<Mention>,
    /// The reporting verb or phrase that introduced it ("says", "according to").
    pub cue: Option<String>,
    pub speaker: Option<Speaker>,
    pub topics: Vec<TopicStance>,
    /// Shaped like a label in scare quotes (`the "reassurance force"`): with no cue of its
    /// own it is one, unless a pronoun carries on the speaker of the sentence before.
    pub label_like: bool,
    /// The speaker's words around a quoted fragment: the clause of the cue that claims it
    /// (byte offsets in the document text). None when the words are the quote itself.
    pub scope: Option<(usize, usize)>,
}

/// Who said it: a canonical actor name, and whether the actor came from actors.csv or was
/// discovered in the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Speaker {
    pub name: String,
    pub discovered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Support,
    Oppose,
    Mixed,
    Neutral,
    Unknown,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Support => "support",
            Stance::Oppose => "oppose",
            Stance::Mixed => "mixed",
            Stance::Neutral => "neutral",
            Stance::Unknown => "unknown",
        }
    }

    /// The number the store keeps for it (schema.sql's `stance_code`).
    pub fn code(self) -> i64 {
        match self {
            Stance::Support => 0,
            Stance::Oppose => 1,
            Stance::Mixed => 2,
            Stance::Neutral => 3,
            Stance::Unknown => 4,
        }
    }

    /// The stance a stored `stance_code` stands for.
    pub fn from_code(code: i64) -> Option<Self> {
        [
            Stance::Support,
            Stance::Oppose,
            Stance::Mixed,
            Stance::Neutral,
            Stance::Unknown,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "support" => Some(Stance::Support),
            "oppose" => Some(Stance::Oppose),
            "mixed" => Some(Stance::Mixed),
            "neutral" => Some(Stance::Neutral),
            "unknown" => Some(Stance::Unknown),
            _ => None,
        }
    }
}

/// A topic a statement touches, with the speaker's stance on it.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicStance {
    pub topic: String,
    pub stance: Stance,
    pub confidence: f64,
    pub cue: Option<String>,
    /// Where the statement's sentence names the topic (byte offsets in the document text);
    /// empty when the topic was carried from an earlier sentence.
    pub mentions: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
    /// An institution or a group: "it", "they".
    Neuter,
    Unknown,
}

impl Gender {
    pub fn parse(s: &str) -> Gender {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "male" => Gender::Male,
            "f" | "female" => Gender::Female,
            "n" | "neuter" | "org" => Gender::Neuter,
            _ => Gender::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "m",
            Gender::Female => "f",
            Gender::Neuter => "n",
            Gender::Unknown => "",
        }
    }
}

/// Whether an actor is a person or a body that speaks in its own name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    #[default]
    Person,
    Organisation,
}

impl ActorKind {
    pub fn parse(s: &str) -> Option<ActorKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "person" => Some(ActorKind::Person),
            "organisation" | "organization" | "org" => Some(ActorKind::Organisation),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Organisation => "organisation",
        }
    }
}

/// A known actor, as listed in `data/actors.csv` (or made from `data/bodies.csv`).
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub kind: ActorKind,
    pub aliases: Vec<String>,
    /// Descriptions that name this actor alone ("the Kremlin", "ECB president").
    pub titles: Vec<String>,
    /// Offices held ("prime minister", "president"), combined with the country's names and
    /// adjectives to read "Finnish president" or "Ukraine's leader".
    pub roles: Vec<String>,
    pub gender: Gender,
    pub country: Option<String>,
    pub wikidata: Option<String>,
    pub in_office_from: Option<NaiveDate>,
    pub in_office_to: Option<NaiveDate>,
}

impl Actor {
    pub fn in_office(&self, day: Option<NaiveDate>) -> bool {
        let Some(day) = day else { return true };
        self.in_office_from.is_none_or(|from| day >= from)
            && self.in_office_to.is_none_or(|to| day < to)
    }
}

/// A topic as listed in `data/topics.csv`.
#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub parent: Option<String>,
    pub description: String,
    pub cues: Vec<String>,
}

/// Actors a user keeps by hand in the database, beside the built-in list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptActor {
    pub name: String,
    /// `person` or `organisation`.
    pub kind: String,
    pub gender: Option<String>,
    pub country: Option<String>,
}

/// What the user keeps: actors of their own, and aliases of any actor (built-in or kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    pub actors: Vec<KeptActor>,
    /// (actor name, alias)
    pub aliases: Vec<(String, String)>,
}

impl Kept {
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty() && self.aliases.is_empty()
    }
}
