//! Speakers. Takes a document's posts with their statements, whose speaker is only a mention
//! as written ("he", "the prime minister", "Finnish President Alexander Stubb"), and each
//! post's shared analysis; gives each statement a `Speaker`: a known actor from
//! `data/actors.csv` or `data/bodies.csv` (by name, alias, close spelling, title or role), an
//! actor discovered in the text, or none. Two passes: `names` reads each post's names with
//! their part in the sentence (speaker, subject, object, oblique, possessive); `attribute`
//! then resolves pronouns, descriptions and roles to the most salient compatible referent
//! (role weight, halved per sentence of narration between), carries a speaker forward to
//! quotes that stand alone after them, and gives bullets and quotes under a name line to the
//! person it names.

mod gazetteer;

// Fx hashing: the keys are short words looked up for every token, where SipHash cost shows.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Mutex;

use chrono::NaiveDate;

pub use gazetteer::{Gazetteer, normalise_title};

use crate::data::DataFiles;
use crate::error::Result;
use crate::model::{Attribution, Document, Gender, Post, Speaker, Statement, StatementKind};
use crate::text::analysis::PostAnalysis;
use crate::text::words::{PREPOSITIONS, SENTENCE_OPENERS, is_calendar_word};
use crate::text::{Token, TokenKind, fold, tokenize};

pub struct Attributor {
    pub gazetteer: Gazetteer,
    /// Close spellings already looked up (shared: a pipeline may serve several threads).
    fuzzy_cache: Mutex<HashMap<String, Option<usize>>>,
}

/// Who a mention points at, before context decides.
#[derive(Debug, Clone, PartialEq)]
enum Referent {
    Actor(Speaker, Gender),
    Pronoun(Gender),
    /// "the post", "the statement": the current speaker's own words.
    CurrentSpeaker,
    /// "the Texas Republican", "the 71-year-old": a person the text named before.
    Description,
    /// "the ministry", "the agency": a body the text named before, by the word that ends
    /// its name.
    BodyDescription(String),
    /// "Russia said", "says UK": a country speaks through a body of its state.
    Country(String),
    /// An unqualified role ("the prime minister"): one of these actors.
    Role(Vec<usize>),
    /// A reporter: their analysis is nobody's statement.
    Journalist,
    Unknown,
}

/// What the source as a whole says about who is who.
#[derive(Default)]
struct DocumentContext {
    /// How often each known actor is named in the source: decides unqualified roles.
    salience: HashMap<usize, usize>,
    /// Discovered full names by their last word, so "Stubb" finds "Alexander Stubb".
    discovered: HashMap<String, String>,
    /// Titles seen before discovered names ("union leader" -> "Grace Mensah").
    discovered_titles: HashMap<String, String>,
    day: Option<NaiveDate>,
    /// Phrases found as labels in sentences without any cue (`a meeting of the "X"`): the
    /// source names a thing by them, so they are labels wherever it quotes them.
    labels: HashSet<String>,
    /// What the last discovery wrote, so a reading that may not add a name can take it back.
    last_discovery: Option<Discovery>,
}

/// A discovery's writes: whether it brought a name new to the source, and each key it set
/// (in the titles map or not) with the value it had before.
struct Discovery {
    new_name: bool,
    previous: Vec<(bool, String, Option<String>)>,
}

/// The part a name plays in its sentence, which decides how strongly a later "he" or "the
/// president" points back at it (Lappin and Leass): the speaker of a reporting cue holds the
/// floor, a subject outranks an object, which outranks a name in a prepositional phrase or
/// in the possessive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Speaker,
    Subject,
    Object,
    Oblique,
    Possessive,
}

impl Role {
    fn weight(self) -> f64 {
        match self {
            Role::Speaker => 100.0,
            Role::Subject => 80.0,
            Role::Object => 50.0,
            Role::Oblique => 40.0,
            Role::Possessive => 30.0,
        }
    }
}

/// What attribution reads of a post before the document pass: its names by block, and
/// where its sentences start (with whether each is narration rather than quoted speech).
#[derive(Debug, Clone, Default)]
pub struct PostNames {
    blocks: Vec<Vec<NameAt>>,
    sentence_starts: Vec<(usize, bool)>,
}

/// A known name (or a pronoun opening a sentence, `actor` None, with its gender) where the
/// text meets it.
#[derive(Debug, Clone)]
struct NameAt {
    at: usize,
    actor: Option<usize>,
    /// A person's name not in actors.csv, as written ("Ramona Castellanos").
    unlisted: Option<String>,
    role: Role,
    gender: Gender,
}

/// A name met outside quotes, as an antecedent for what follows.
#[derive(Debug, Clone)]
struct Antecedent {
    at: usize,
    speaker: Speaker,
    gender: Gender,
    actor: Option<usize>,
    role: Role,
}

/// The running state of one post as it is read.
#[derive(Default)]
struct PostContext {
    last_speaker: Option<(Speaker, Gender, usize)>,
    /// Names met so far outside quotes, in reading order.
    mentions: Vec<Antecedent>,
    /// Where each sentence of the post starts (byte offsets, sorted): salience decays with
    /// the sentences between a name and the word that points back at it.
    sentence_starts: Vec<usize>,
    /// How many sentences of narration (not opening with a quote mark) come before each
    /// sentence: quoted speech does not push a name further away.
    narration_before: Vec<usize>,
    heading: Option<(Speaker, Gender)>,
    /// The last person the paragraph before named: who a quote standing alone after it is
    /// likely to be ("Peskov was asked about the plan." then "\"It is a provocation.\"").
    named_before: Option<(Speaker, Gender)>,
}

impl Attributor {
    pub fn load(data: &DataFiles) -> Result<Self> {
        Ok(Attributor {
            gazetteer: Gazetteer::load(data)?,
            fuzzy_cache: Mutex::new(HashMap::default()),
        })
    }

    fn known(&self, idx: usize) -> (Speaker, Gender) {
        let a = &self.gazetteer.actors[idx];
        (
            Speaker {
                name: a.name.clone(),
                discovered: false,
            },
            a.gender,
        )
    }

    /// The names of one post, read from its shared analysis: known actors, titles naming one
    /// holder, unlisted people and sentence-opening pronouns, each with its part in its
    /// sentence. Small enough to keep for a whole document once the analysis is dropped.
    pub fn names(&self, post: &Post, analysis: &PostAnalysis, day: Option<NaiveDate>) -> PostNames {
        let mut starts = Vec::new();
        let day = post.published_at.map(|t| t.date_naive()).or(day);
        let blocks = post
            .blocks()
            .zip(&analysis.blocks)
            .map(|(block, analysed)| {
                let para = block.paragraph;
                let tokens = &analysed.tokens;
                let sents = &analysed.sentences;
                // Sentences of quoted speech are not narration: they do not push the
                // names before them further away.
                starts.extend(sents.iter().map(|r| {
                    (
                        para.offset + tokens[r.start].start,
                        tokens[r.start].kind != TokenKind::QuoteOpen,
                    )
                }));
                let mut found = self.gazetteer.names_in(&para.text, tokens);
                // "The Russian president", "the Kremlin": titles that name one
                // holder on the post's day are antecedents as much as names are.
                for (i, len, holders) in self.gazetteer.titles_in(tokens) {
                    let overlaps = found.iter().any(|&(j, l, _)| i < j + l && j < i + len);
                    let mut in_office = holders
                        .iter()
                        .filter(|&&h| self.gazetteer.actors[h].in_office(day));
                    if let (Some(&h), None, false) = (in_office.next(), in_office.next(), overlaps)
                    {
                        found.push((i, len, h));
                    }
                }
                found.sort_unstable();
                let mut at: Vec<NameAt> = found
                    .into_iter()
                    .map(|(i, len, idx)| {
                        let sent = sents.iter().find(|r| r.contains(&i)).map_or(0, |r| r.start);
                        NameAt {
                            at: para.offset + tokens[i].start,
                            actor: Some(idx),
                            unlisted: None,
                            role: self.role_of(tokens, sent, i, len),
                            gender: Gender::Unknown,
                        }
                    })
                    .collect();
                // People the text names who are not in actors.csv: antecedents too.
                let taken: Vec<(usize, usize)> = at
                    .iter()
                    .filter_map(|n| n.actor.map(|_| n.at))
                    .map(|a| (a, a))
                    .collect();
                for (i, len, name) in self.unlisted_people(&para.text, tokens, sents) {
                    let start = para.offset + tokens[i].start;
                    if taken
                        .iter()
                        .any(|&(a, _)| a >= start && a < para.offset + tokens[i + len - 1].end)
                    {
                        continue;
                    }
                    let sent = sents.iter().find(|r| r.contains(&i)).map_or(0, |r| r.start);
                    at.push(NameAt {
                        at: start,
                        actor: None,
                        unlisted: Some(name),
                        role: self.role_of(tokens, sent, i, len),
                        gender: Gender::Unknown,
                    });
                }
                // "He then turned to ...": a pronoun opening a sentence keeps its
                // referent on the floor even where that sentence reports nothing.
                for r in sents.iter() {
                    let mut k = r.start;
                    // "However, he ...", "Later, she ..."
                    if tokens.get(k + 1).is_some_and(|t| t.is_punct(','))
                        && tokens[k].kind == TokenKind::Word
                        && k + 2 < r.end
                    {
                        k += 2;
                    }
                    let gender = match tokens.get(k).map(|t| t.lower.as_str()) {
                        Some("he") => Gender::Male,
                        Some("she") => Gender::Female,
                        _ => continue,
                    };
                    if k < r.end {
                        at.push(NameAt {
                            at: para.offset + tokens[k].start,
                            actor: None,
                            unlisted: None,
                            role: Role::Subject,
                            gender,
                        });
                    }
                }
                at.sort_by_key(|n| n.at);
                at
            })
            .collect();
        PostNames {
            blocks,
            sentence_starts: starts,
        }
    }

    /// Attributes every statement of a document; `statements[i]` belongs to `doc.posts[i]`,
    /// `names[i]` is what `names` read in it.
    pub fn attribute(
        &self,
        doc: &Document,
        names: &[PostNames],
        statements: &mut [Vec<Statement>],
    ) {
        let mut dc = DocumentContext {
            day: doc.published_on,
            ..DocumentContext::default()
        };
        for idx in names
            .iter()
            .flat_map(|n| n.blocks.iter().flatten())
            .filter_map(|n| n.actor)
        {
            *dc.salience.entry(idx).or_default() += 1;
        }
        // Names with their titles first, so a headline's "union leader says" finds the
        // "Union leader Grace Mensah" its post names further down.
        for list in statements.iter() {
            for m in list
                .iter()
                .filter(|s| s.attribution == Attribution::Cue)
                .filter_map(|s| s.mention.as_ref())
            {
                if m.text
                    .split_whitespace()
                    .filter(|w| w.starts_with(char::is_uppercase))
                    .count()
                    >= 2
                {
                    self.referent(&m.text, &mut dc);
                }
            }
        }
        for ((post, list), names) in doc.posts.iter().zip(statements.iter_mut()).zip(names) {
            if let Some(day) = post.published_at.map(|t| t.date_naive()) {
                dc.day = Some(day);
            }
            self.attribute_post(
                post,
                list,
                &names.blocks,
                names.sentence_starts.clone(),
                &mut dc,
            );
        }
        if !dc.labels.is_empty() {
            for s in statements.iter_mut().flatten() {
                if s.kind == StatementKind::Partial && dc.labels.contains(&fold(&s.quote)) {
                    s.kind = StatementKind::Term;
                    s.attribution = Attribution::Term;
                    s.speaker = None;
                }
            }
        }
    }

    /// Runs of capitalised words that name a person not in actors.csv, as (first token,
    /// token count, the name without its title): "Senator Ramona Castellanos" gives
    /// "Ramona Castellanos". Two or three words each, none a place, a body's word, a title or
    /// a description; a lone surname is read only once its full name was met.
    fn unlisted_people(
        &self,
        text: &str,
        tokens: &[Token],
        sents: &[std::ops::Range<usize>],
    ) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        let mut i = 0;
        let word = |t: &Token| t.kind == TokenKind::Word && t.cap;
        while i < tokens.len() {
            if !word(&tokens[i]) {
                i += 1;
                continue;
            }
            let mut end = i;
            while end < tokens.len()
                && word(&tokens[end])
                && (end == i || !tokens[end - 1].is_possessive())
            {
                end += 1;
            }
            let run = i..end;
            i = end;
            let mut first = run.start;
            if let Some(t) = run
                .clone()
                .rev()
                .find(|&k| self.gazetteer.is_title_word(tokens[k].base()))
            {
                first = t + 1;
            }
            // "Meanwhile Ramona Castellanos": a sentence's opening word is not a name.
            if first == run.start
                && sents.iter().any(|r| r.start == first)
                && run.len() > 2
                && (SENTENCE_OPENERS.contains(&tokens[first].lower.as_str())
                    || tokens[first].lower.ends_with("ly"))
            {
                first += 1;
            }
            let name = &tokens[first..run.end];
            let plain = name.iter().all(|t| {
                let w = t.base();
                !self.gazetteer.is_place(w)
                    && !self.gazetteer.is_organisation_word(w)
                    && !self.gazetteer.is_title_word(w)
                    && !self.gazetteer.is_description_word(w)
                    && !SENTENCE_OPENERS.contains(&w)
                    && !is_calendar_word(w)
            });
            if (2..=3).contains(&name.len()) && plain {
                let written = &text[name[0].start..name[name.len() - 1].end];
                let written = written
                    .strip_suffix("'s")
                    .or_else(|| written.strip_suffix("’s"))
                    .unwrap_or(written);
                out.push((first, name.len(), written.to_string()));
            }
        }
        out
    }

    /// The part the name at tokens `i..i + len` plays in the sentence starting at token
    /// `sent`: read from the words around it, as far as a tagger-free reading can.
    fn role_of(&self, tokens: &[Token], sent: usize, i: usize, len: usize) -> Role {
        if tokens[i + len - 1].is_possessive() {
            return Role::Possessive;
        }
        // Back over the title in front of the name: "the Ukrainian President Volodymyr".
        let mut j = i;
        while j > sent {
            let t = &tokens[j - 1];
            // A capital at the sentence start may be any word ("Referencing the president").
            let title = t.kind == TokenKind::Word
                && ((t.cap && j - 1 > sent)
                    || self.gazetteer.is_title_word(t.base())
                    || t.lower == "the");
            if !title {
                break;
            }
            j -= 1;
        }
        if j == sent {
            return Role::Subject;
        }
        let before = &tokens[j - 1];
        if PREPOSITIONS.contains(&before.lower.as_str()) {
            return Role::Oblique;
        }
        // "will Putin agree?", "did the minister say": an auxiliary put first asks about the
        // subject.
        let asks = matches!(
            before.lower.as_str(),
            "will" | "would" | "can" | "could" | "does" | "did" | "do" | "should" | "has" | "is"
        ) && tokens
            .get(i + len)
            .is_some_and(|t| t.kind == TokenKind::Word && !t.cap);
        if asks {
            return Role::Subject;
        }
        let opens_clause = before.kind == TokenKind::Punct
            || before.is_quote()
            || matches!(
                before.lower.as_str(),
                "and"
                    | "but"
                    | "while"
                    | "as"
                    | "when"
                    | "after"
                    | "because"
                    | "then"
                    | "so"
                    | "although"
                    | "though"
                    | "since"
                    | "if"
                    | "whereas"
                    | "meanwhile"
            );
        // "Macron and Starmer agreed": the first of two names is a subject too.
        if opens_clause {
            Role::Subject
        } else {
            Role::Object
        }
    }

    /// `names` holds, per block of the post, the known names in it as (offset, actor, role);
    /// `sentence_starts` where the post's sentences start.
    fn attribute_post(
        &self,
        post: &Post,
        statements: &mut [Statement],
        names: &[Vec<NameAt>],
        sentence_starts: Vec<(usize, bool)>,
        dc: &mut DocumentContext,
    ) {
        let mut narration_before = Vec::with_capacity(sentence_starts.len() + 1);
        narration_before.push(0);
        for &(_, narration) in &sentence_starts {
            narration_before.push(narration_before.last().unwrap() + usize::from(narration));
        }
        let mut pc = PostContext {
            sentence_starts: sentence_starts.into_iter().map(|(at, _)| at).collect(),
            narration_before,
            ..PostContext::default()
        };
        // Quoted text never introduces an antecedent: "Putin" inside a quote is not "he".
        let mut quoted: Vec<(usize, usize)> = statements
            .iter()
            .filter(|s| !matches!(s.kind, StatementKind::Indirect | StatementKind::Action))
            .map(|s| (s.start, s.end))
            .collect();
        quoted.sort_unstable();
        let inside_quote = |pos: usize| {
            let i = quoted.partition_point(|(a, _)| *a <= pos);
            quoted[..i].iter().rev().take(4).any(|(_, e)| pos < *e)
        };
        let blocks: Vec<_> = post.blocks().collect();
        let mut next = 0;
        for (b, block) in blocks.iter().enumerate() {
            let para = block.paragraph;
            pc.named_before = pc
                .mentions
                .last()
                .filter(|a| b > 0 && a.at >= blocks[b - 1].paragraph.offset)
                .map(|a| (a.speaker.clone(), a.gender))
                .filter(|(_, g)| *g != Gender::Neuter);
            let block_end = para.offset + para.text.len();
            let mut names: Vec<NameAt> = names[b]
                .iter()
                .filter(|n| !inside_quote(n.at))
                .cloned()
                .collect();
            names.reverse();

            // A heading naming a person, with bullets under it: the bullets are theirs.
            let next_is_bullet = blocks
                .get(b + 1)
                .is_some_and(|n| !n.is_title && n.paragraph.is_bullet());
            if !block.is_title && !para.is_bullet() {
                pc.heading = None;
                if is_name_line(&para.text)
                    && let Referent::Actor(s, g) = self.referent(&para.text, dc)
                    && g != Gender::Neuter
                {
                    if next_is_bullet {
                        pc.heading = Some((s.clone(), g));
                    }
                    // A line that is only a name, above that person's words (a factbox, a
                    // round-up of who said what): they now hold the floor.
                    pc.last_speaker = None;
                    pc.mentions.push(Antecedent {
                        at: para.offset,
                        actor: self.gazetteer.index_of(&s.name).filter(|_| !s.discovered),
                        speaker: s,
                        gender: g,
                        role: Role::Speaker,
                    });
                    pc.named_before = pc.mentions.last().map(|a| (a.speaker.clone(), a.gender));
                    names.clear();
                }
            }

            while next < statements.len() && statements[next].start < block_end {
                let s = &mut statements[next];
                let upto = s.mention.as_ref().map_or(s.start, |m| m.start);
                while let Some(n) = names.pop_if(|n| n.at < upto) {
                    self.admit(&n, &mut pc, dc);
                }
                self.attribute_statement(s, &mut pc, dc, post);
                next += 1;
            }
            for n in names.into_iter().rev() {
                self.admit(&n, &mut pc, dc);
            }
        }
        headline_echoes(statements);
    }

    /// Puts a name met in the text on the post's stack of antecedents; a pronoun is read
    /// first, and its referent put there in the pronoun's role.
    fn admit(&self, n: &NameAt, pc: &mut PostContext, dc: &mut DocumentContext) {
        let (speaker, gender, actor) = match (n.actor, &n.unlisted) {
            (Some(idx), _) => {
                let (s, g) = self.known(idx);
                (s, g, Some(idx))
            }
            (None, Some(written)) => {
                // One person, one name: a later "Castellanos" is the "Ramona Castellanos"
                // met first.
                let last = fold(written.rsplit(' ').next().unwrap_or(written));
                let name = dc
                    .discovered
                    .entry(last)
                    .or_insert_with(|| written.clone())
                    .clone();
                (
                    Speaker {
                        name,
                        discovered: true,
                    },
                    Gender::Unknown,
                    None,
                )
            }
            (None, None) => {
                let Some(a) = pc.most_salient(n.at, |a| {
                    a.gender == n.gender || a.gender == Gender::Unknown
                }) else {
                    return;
                };
                (a.speaker.clone(), a.gender, a.actor)
            }
        };
        pc.mentions.push(Antecedent {
            at: n.at,
            speaker,
            gender,
            actor,
            role: n.role,
        });
    }

    fn attribute_statement(
        &self,
        s: &mut Statement,
        pc: &mut PostContext,
        dc: &mut DocumentContext,
        post: &Post,
    ) {
        let heading = if s.in_bullet {
            pc.heading.clone()
        } else {
            None
        };
        let resolved: Option<(Speaker, Gender)> = match s.attribution {
            Attribution::Cue => match &s.mention {
                Some(m) => self.resolve(&m.text, m.start, pc, dc, heading.as_ref()),
                None => self.carry(s, pc, heading.as_ref(), 1),
            },
            Attribution::Standalone if !s.in_title => self.carry(s, pc, heading.as_ref(), 3),
            // A fragment in a sentence about someone, with no cue: theirs when the sentence's
            // subject is a speaker the text knows, else the running speaker's.
            // A label in scare quotes is someone's words only where a pronoun carries on the
            // speaker of the sentence before; otherwise it is nobody's.
            Attribution::Unscoped | Attribution::Unclaimed if s.label_like => {
                // "They also touched on the "strategic partnership"": the speakers go on.
                let goes_on = s
                    .mention
                    .as_ref()
                    .is_some_and(|m| matches!(fold(&m.text).as_str(), "he" | "she" | "they"));
                let carried = (!s.in_title && goes_on)
                    .then(|| self.carry(s, pc, heading.as_ref(), 1))
                    .flatten();
                if carried.is_none() {
                    if s.attribution == Attribution::Unscoped {
                        dc.labels.insert(fold(&s.quote));
                    }
                    s.kind = StatementKind::Term;
                    s.attribution = Attribution::Term;
                }
                carried
            }
            Attribution::Unscoped => s
                .mention
                .as_ref()
                .and_then(|m| self.resolve_weak(&m.text, m.start, pc, dc, heading.as_ref()))
                .or_else(|| {
                    (!s.in_title)
                        .then(|| self.carry(s, pc, heading.as_ref(), 1))
                        .flatten()
                }),
            _ => None,
        };
        // The post's own reporter is never the speaker of what they report.
        let resolved = resolved.filter(|(sp, _)| post.author.as_deref() != Some(sp.name.as_str()));
        if let Some((speaker, gender)) = resolved {
            pc.last_speaker = Some((speaker.clone(), gender, s.sentence_index));
            s.speaker = Some(speaker);
        }
    }

    /// The current speaker of the post, if they spoke within `reach` sentences.
    fn carry(
        &self,
        s: &Statement,
        pc: &PostContext,
        heading: Option<&(Speaker, Gender)>,
        reach: usize,
    ) -> Option<(Speaker, Gender)> {
        if let Some(h) = heading {
            return Some(h.clone());
        }
        let recent = pc
            .last_speaker
            .as_ref()
            .filter(|(_, _, at)| s.sentence_index <= at + reach)
            .map(|(sp, g, _)| (sp.clone(), *g));
        // A quote standing alone, with nobody speaking just before: the person the paragraph
        // before named.
        recent.or_else(|| {
            (s.attribution == Attribution::Standalone)
                .then(|| pc.named_before.clone())
                .flatten()
        })
    }

    fn resolve(
        &self,
        mention: &str,
        at: usize,
        pc: &mut PostContext,
        dc: &mut DocumentContext,
        heading: Option<&(Speaker, Gender)>,
    ) -> Option<(Speaker, Gender)> {
        let referent = self.referent(mention, dc);
        self.resolve_referent(referent, at, pc, dc, heading)
    }

    /// Who a mention read as `referent` is, in the post's context.
    fn resolve_referent(
        &self,
        referent: Referent,
        at: usize,
        pc: &mut PostContext,
        dc: &mut DocumentContext,
        heading: Option<&(Speaker, Gender)>,
    ) -> Option<(Speaker, Gender)> {
        let resolved = match referent {
            Referent::Actor(s, g) => Some((s, g)),
            Referent::Pronoun(gender) => {
                let compatible =
                    |g: Gender| g == gender || (g == Gender::Unknown && gender != Gender::Neuter);
                if let Some((s, g)) = heading.filter(|(_, g)| compatible(*g)) {
                    return Some((s.clone(), *g));
                }
                pc.most_salient(at, |a| compatible(a.gender))
                    .map(|a| (a.speaker.clone(), a.gender))
            }
            Referent::BodyDescription(head) => pc
                .most_salient(at, |a| {
                    a.gender == Gender::Neuter
                        && fold(&a.speaker.name).rsplit(' ').next().is_some_and(|w| {
                            crate::text::phrases::stem(w) == crate::text::phrases::stem(&head)
                        })
                })
                .map(|a| (a.speaker.clone(), a.gender)),
            // The body of that country the text just named ("In a report from the
            // prosecutor's office, Russia said"), else its government.
            Referent::Country(code) => {
                let country_of = |i: usize| self.gazetteer.actors[i].country.as_deref();
                let here = pc.sentence_of(at);
                pc.mentions
                    .iter()
                    .rev()
                    .filter(|a| a.at < at && here.saturating_sub(pc.sentence_of(a.at)) <= 1)
                    .find(|a| {
                        a.gender == Gender::Neuter
                            && a.actor
                                .is_some_and(|i| country_of(i) == Some(code.as_str()))
                    })
                    .and_then(|a| a.actor)
                    .or_else(|| {
                        pc.most_salient(at, |a| {
                            a.gender == Gender::Neuter
                                && a.actor
                                    .is_some_and(|i| country_of(i) == Some(code.as_str()))
                        })
                        .and_then(|a| a.actor)
                    })
                    .or_else(|| self.gazetteer.government_of(&code))
                    .map(|i| self.known(i))
            }
            Referent::Description => pc
                .most_salient(at, |a| a.gender != Gender::Neuter)
                .map(|a| (a.speaker.clone(), a.gender)),
            Referent::CurrentSpeaker => heading
                .cloned()
                .or_else(|| pc.last_speaker.as_ref().map(|(s, g, _)| (s.clone(), *g))),
            Referent::Role(holders) => {
                let in_office: Vec<usize> = holders
                    .iter()
                    .copied()
                    .filter(|&i| self.gazetteer.actors[i].in_office(dc.day))
                    .collect();
                let recent = pc
                    .most_salient(at, |a| a.actor.is_some_and(|i| in_office.contains(&i)))
                    .and_then(|a| a.actor);
                let only = (in_office.len() == 1).then(|| in_office[0]);
                // "The foreign ministry said": the ministry of the country whose people the
                // text is about, as its most salient person shows.
                let country_of = |i: usize| self.gazetteer.actors[i].country.as_deref();
                let of_country = || {
                    let person = pc.most_salient(at, |a| {
                        a.actor.is_some_and(|i| {
                            !self.gazetteer.is_organisation(i) && country_of(i).is_some()
                        })
                    })?;
                    let country = country_of(person.actor?)?;
                    in_office.iter().copied().find(|&i| {
                        self.gazetteer.is_organisation(i) && country_of(i) == Some(country)
                    })
                };
                let chosen = recent.or(only).or_else(of_country).or_else(|| {
                    in_office
                        .iter()
                        .copied()
                        .filter(|i| dc.salience.get(i).copied().unwrap_or(0) > 0)
                        .max_by_key(|i| dc.salience.get(i).copied().unwrap_or(0))
                })?;
                Some(self.known(chosen))
            }
            Referent::Journalist | Referent::Unknown => None,
        };
        // Whoever a reporting cue's subject turns out to be now holds the floor.
        if let Some((speaker, gender)) = &resolved {
            pc.mentions.push(Antecedent {
                at,
                speaker: speaker.clone(),
                gender: *gender,
                actor: self
                    .gazetteer
                    .index_of(&speaker.name)
                    .filter(|_| !speaker.discovered),
                role: Role::Speaker,
            });
        }
        resolved
    }

    /// A mention no cue vouches for ("The minister made references to the ..."): resolved
    /// like any other, but it may not bring a new name into the source.
    fn resolve_weak(
        &self,
        mention: &str,
        at: usize,
        pc: &mut PostContext,
        dc: &mut DocumentContext,
        heading: Option<&(Speaker, Gender)>,
    ) -> Option<(Speaker, Gender)> {
        dc.last_discovery = None;
        match self.referent(mention, dc) {
            Referent::Actor(s, _)
                if s.discovered && dc.last_discovery.as_ref().is_some_and(|d| d.new_name) =>
            {
                // Take back what reading the mention wrote.
                for (title, key, before) in dc.last_discovery.take().unwrap().previous {
                    let map = if title {
                        &mut dc.discovered_titles
                    } else {
                        &mut dc.discovered
                    };
                    match before {
                        Some(v) => map.insert(key, v),
                        None => map.remove(&key),
                    };
                }
                None
            }
            Referent::Unknown | Referent::Journalist => None,
            referent => self.resolve_referent(referent, at, pc, dc, heading),
        }
    }

    /// Reads a mention on its own, without the post's context.
    fn referent(&self, mention: &str, dc: &mut DocumentContext) -> Referent {
        let tokens: Vec<_> = tokenize(mention, &[])
            .into_iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .collect();
        let Some(first) = tokens.first() else {
            return Referent::Unknown;
        };
        let pronoun = |w: &str| match w {
            "he" | "him" | "his" => Some(Gender::Male),
            "she" | "her" => Some(Gender::Female),
            "it" => Some(Gender::Neuter),
            _ => None,
        };
        if tokens.len() == 1
            && let Some(g) = pronoun(&first.lower)
        {
            return Referent::Pronoun(g);
        }
        if tokens
            .iter()
            .any(|t| self.gazetteer.is_journalist_word(t.base()))
        {
            return Referent::Journalist;
        }
        // A known name anywhere in the phrase: the last one not in the possessive is the head
        // ("Donald Trump's envoy Steve Witkoff"). A body's name is the head only where the
        // phrase ends with it: "Kremlin spokesman Dmitry Peskov" and "a White House
        // official" are people, not the body.
        let names = self.gazetteer.names_in(mention, &tokens);
        let title = normalise_title(mention);
        // "Macron and Starmer": of two subjects, the first.
        let paired = tokens.iter().any(|t| t.lower == "and");
        let head = if paired {
            names
                .iter()
                .find(|(i, len, _)| !tokens[i + len - 1].is_possessive())
        } else {
            names
                .iter()
                .rev()
                .find(|(i, len, _)| !tokens[i + len - 1].is_possessive())
        };
        let mut body_named = None;
        if let Some(&(i, len, idx)) = head {
            if !self.gazetteer.is_organisation(idx) {
                let (s, g) = self.known(idx);
                return Referent::Actor(s, g);
            }
            if i + len == tokens.len() {
                body_named = Some(idx);
            }
        }
        let in_office = |list: &[usize]| -> Vec<usize> {
            list.iter()
                .copied()
                .filter(|&i| self.gazetteer.actors[i].in_office(dc.day))
                .collect()
        };
        // A title, tried whole and then without its first words ("UK Prime Minister").
        let title_words: Vec<&str> = title.split(' ').collect();
        for skip in 0..title_words.len() {
            let key = title_words[skip..].join(" ");
            if let Some(list) = self.gazetteer.title(&key) {
                let holders = in_office(list);
                match holders.len() {
                    0 => {}
                    1 => {
                        let (s, g) = self.known(holders[0]);
                        return Referent::Actor(s, g);
                    }
                    _ => return Referent::Role(holders),
                }
            }
        }
        if let Some(idx) = body_named {
            let (s, g) = self.known(idx);
            return Referent::Actor(s, g);
        }
        // "Putin's spokesman" with no title of its own: the office speaks for the person.
        if let Some(&(_, _, idx)) = names
            .last()
            .filter(|(_, _, idx)| !self.gazetteer.is_organisation(*idx))
        {
            let (s, g) = self.known(idx);
            return Referent::Actor(s, g);
        }
        if let Some(g) = pronoun(&first.lower) {
            // "her office", "his spokesman"
            return Referent::Pronoun(g);
        }
        if matches!(title.as_str(), "post" | "statement" | "message" | "letter") {
            return Referent::CurrentSpeaker;
        }
        if let Some(name) = dc.discovered_titles.get(&title) {
            return discovered(name);
        }
        if let Some(list) = self.gazetteer.role(&title) {
            return Referent::Role(list.to_vec());
        }
        if let Some(code) = self.gazetteer.country_code(&title) {
            return Referent::Country(code.to_string());
        }
        if self.is_description(&tokens) {
            return Referent::Description;
        }
        if tokens.len() <= 3
            && first.lower == "the"
            && let Some(head) = tokens.last().map(|t| t.base().to_string())
            && self.gazetteer.is_organisation_word(&head)
            && tokens[1..]
                .iter()
                .all(|t| !t.cap || self.gazetteer.is_place(t.base()))
        {
            return Referent::BodyDescription(head);
        }
        self.discover(mention, &tokens, dc)
    }

    /// "the Texas Republican", "the 71-year-old", "the veteran diplomat": a definite
    /// description with no name of its own, headed by a word that describes a person rather
    /// than an office or a body.
    fn is_description(&self, tokens: &[Token]) -> bool {
        let (Some(first), Some(head)) = (tokens.first(), tokens.last()) else {
            return false;
        };
        if first.lower != "the" || tokens.len() < 2 || tokens.len() > 5 {
            return false;
        }
        let head_word = head.base();
        let describes = self.gazetteer.is_description_word(head_word)
            || (head.kind == TokenKind::Number && head.lower.ends_with("-old"));
        // A capitalised word other than the head that is not a place or title could be a name.
        let named = tokens[1..tokens.len() - 1].iter().any(|t| {
            t.cap
                && !self.gazetteer.is_place(t.base())
                && !self.gazetteer.is_title_word(t.base())
                && !self.gazetteer.is_description_word(t.base())
        });
        describes && !named && !self.gazetteer.is_organisation_word(head_word)
    }

    /// A name not in actors.csv: close spellings of known names first, then capitalised words
    /// after any title ("Finnish President Alexander Stubb" -> "Alexander Stubb").
    fn discover(
        &self,
        mention: &str,
        tokens: &[crate::text::Token],
        dc: &mut DocumentContext,
    ) -> Referent {
        // A close spelling stands for a surname: the last of a run of capitalised words
        // ("Zelenskiy", "Volodymyr Zelenskiy"), not a first name before another ("Dmitri
        // Abara" is not "Kirill Dmitriev").
        let surname_place = |k: usize| {
            !tokens
                .get(k + 1)
                .is_some_and(|n| n.cap && n.kind == TokenKind::Word)
        };
        for (_, t) in tokens
            .iter()
            .enumerate()
            .filter(|(k, t)| t.cap && surname_place(*k))
        {
            let hit = *self
                .fuzzy_cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(t.base().to_string())
                .or_insert_with(|| self.gazetteer.fuzzy(t.base()));
            if let Some(idx) = hit {
                let (s, g) = self.known(idx);
                return Referent::Actor(s, g);
            }
        }
        // "Anna Berg of the Kiel Institute", "Omar Haddad at a bank in Beirut": a person's name
        // before where they work; the affiliation is not the speaker.
        let person_first = tokens
            .iter()
            .position(|t| !t.cap && matches!(t.lower.as_str(), "of" | "from" | "at"));
        let tokens = match person_first {
            Some(k)
                if k >= 2
                    && tokens[k - 2..k].iter().all(|t| {
                        t.cap
                            && t.kind == TokenKind::Word
                            && !self.gazetteer.is_title_word(t.base())
                            && !self.gazetteer.is_organisation_word(t.base())
                            && !self.gazetteer.is_place(t.base())
                    }) =>
            {
                &tokens[..k]
            }
            _ => tokens,
        };
        // The name is the last run of capitalised words ("Port minister Daniel Okafor"), less
        // the title words it opens with ("Finnish President Alexander Stubb").
        let Some(last_cap) = tokens
            .iter()
            .rposition(|t| t.cap && t.kind == TokenKind::Word && !t.is_possessive())
        else {
            return Referent::Unknown;
        };
        let mut first = last_cap;
        while first > 0
            && tokens[first - 1].cap
            && tokens[first - 1].kind == TokenKind::Word
            && !tokens[first - 1].is_possessive()
        {
            first -= 1;
        }
        // "the European Central Bank": an organisation keeps its whole name.
        let organisation = self.gazetteer.is_organisation_word(tokens[last_cap].base());
        // The title ends at its last title word, whatever adjectives open it ("Chilean
        // Finance Minister Mario Marcel", "Kiel Institute chief economist Anna Berg").
        if !organisation
            && let Some(t) = (first..last_cap)
                .rev()
                .find(|&k| self.gazetteer.is_title_word(tokens[k].base()))
        {
            first = t + 1;
        }
        while !organisation
            && first < last_cap
            && (self.gazetteer.is_title_word(tokens[first].base())
                || self.gazetteer.is_place(tokens[first].base()))
        {
            first += 1;
        }
        let had_title = first > 0 || organisation;
        let name: Vec<&crate::text::Token> = tokens[first..=last_cap].iter().collect();
        if name.len() > 4
            || (name.len() == 1 && self.gazetteer.is_title_word(name[0].base()) && !organisation)
        {
            return Referent::Unknown;
        }
        let folded = name
            .iter()
            .map(|t| t.lower.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if self.gazetteer.is_place(&folded) {
            return Referent::Unknown;
        }
        let last = name[name.len() - 1].lower.to_string();
        if name.len() == 1 {
            if let Some(full) = dc.discovered.get(&last) {
                return discovered(full);
            }
            if !had_title {
                return Referent::Unknown;
            }
        }
        // The spelling of the text, not our case folding.
        let written = mention[name[0].start..name[name.len() - 1].end].to_string();
        let mut undo = Discovery {
            new_name: !dc.discovered.values().any(|n| *n == written),
            previous: vec![(false, last.clone(), dc.discovered.get(&last).cloned())],
        };
        dc.discovered.insert(last, written.clone());
        if had_title {
            let title = normalise_title(&mention[..name[0].start]);
            if !title.is_empty() {
                let before = dc.discovered_titles.insert(title.clone(), written.clone());
                undo.previous.push((true, title, before));
            }
        }
        dc.last_discovery = Some(undo);
        if organisation {
            discovered_body(&written)
        } else {
            discovered(&written)
        }
    }
}

impl PostContext {
    /// The sentence (its ordinal in the post) holding byte `at`.
    fn sentence_of(&self, at: usize) -> usize {
        self.sentence_starts.partition_point(|&s| s <= at)
    }

    /// The antecedent before `at` that `fits` and is most salient: the weight of its role,
    /// halved for every sentence between it and `at`. Several mentions of one actor add up.
    fn most_salient(&self, at: usize, fits: impl Fn(&Antecedent) -> bool) -> Option<&Antecedent> {
        let here = self.sentence_of(at);
        let here_narration = self.narration_before[here.min(self.narration_before.len() - 1)];
        let mut scores: Vec<(f64, &Antecedent)> = Vec::new();
        for a in self.mentions.iter().filter(|a| a.at < at && fits(a)) {
            let there = self.sentence_of(a.at);
            // "After meeting Macron, he said": within its own sentence a pronoun points back
            // only at a subject or a speaker ("Scholz said he ...").
            if there == here && !matches!(a.role, Role::Subject | Role::Speaker) {
                continue;
            }
            let there_narration = self.narration_before[there.min(self.narration_before.len() - 1)];
            let distance = here_narration.saturating_sub(there_narration);
            if distance > 6 {
                continue;
            }
            let score = a.role.weight() / f64::from(1u32 << distance);
            match scores.iter_mut().find(|(_, b)| b.speaker == a.speaker) {
                Some(entry) => {
                    entry.0 += score;
                    entry.1 = a;
                }
                None => scores.push((score, a)),
            }
        }
        scores
            .into_iter()
            .max_by(|x, y| x.0.total_cmp(&y.0).then(x.1.at.cmp(&y.1.at)))
            .map(|(_, a)| a)
    }
}

/// A speaker found in the text, not in actors.csv (gender not known).
fn discovered(name: &str) -> Referent {
    Referent::Actor(
        Speaker {
            name: name.to_string(),
            discovered: true,
        },
        Gender::Unknown,
    )
}

/// A body found in the text, not in actors.csv: "it", never "he" or "she".
fn discovered_body(name: &str) -> Referent {
    Referent::Actor(
        Speaker {
            name: name.to_string(),
            discovered: true,
        },
        Gender::Neuter,
    )
}

/// A headline quote with no speaker of its own that repeats words quoted, with a named
/// speaker, in the body ("Seizing assets 'complicated'" over "..., the prime minister calls it
/// "complicated"") is that speaker's.
fn headline_echoes(statements: &mut [Statement]) {
    let quoted = |s: &Statement| matches!(s.kind, StatementKind::Direct | StatementKind::Partial);
    let body: Vec<(String, Speaker)> = statements
        .iter()
        .filter(|s| !s.in_title && quoted(s) && s.attribution == Attribution::Cue)
        .filter_map(|s| Some((fold(&s.quote), s.speaker.clone()?)))
        .collect();
    for s in statements.iter_mut() {
        let open = matches!(
            s.attribution,
            Attribution::Unscoped | Attribution::Standalone
        );
        if !(s.in_title && quoted(s) && open && s.speaker.is_none()) {
            continue;
        }
        let words = fold(&s.quote);
        let words = words.trim_matches(|c: char| !c.is_alphanumeric());
        s.speaker = body
            .iter()
            .find(|(q, _)| {
                let q = q.trim_matches(|c: char| !c.is_alphanumeric());
                q.len() >= 3 && (words.contains(q) || q.contains(words))
            })
            .map(|(_, sp)| sp.clone());
    }
}

/// "Keir Starmer", "UK Prime Minister Keir Starmer": a heading of capitalised words only.
fn is_name_line(text: &str) -> bool {
    let t = text.trim();
    // A few words at most: the rest of a long paragraph is not read.
    let words: Vec<&str> = t.split_whitespace().take(7).collect();
    (1..=6).contains(&words.len())
        && is_heading(t)
        && words.iter().all(|w| {
            w.starts_with(|c: char| c.is_uppercase())
                || matches!(*w, "of" | "de" | "von" | "van" | "der")
        })
}

/// "UK Prime Minister Keir Starmer": a short line with no sentence punctuation.
fn is_heading(text: &str) -> bool {
    let t = text.trim();
    let words = t.split_whitespace().take(9).count();
    (1..=8).contains(&words) && !t.ends_with(['.', '!', '?', ':', ',']) && !t.contains(['"', '“'])
}

#[cfg(test)]
mod tests;
