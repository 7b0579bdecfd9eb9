//! Topics. Takes a document's posts with their statements and shared analyses; gives each
//! statement the topics of `data/topics.csv` that its quote or its sentence names, for the
//! topics whose story the document is in (their context words appear in it). A statement whose sentence
//! names none ("Calling it 'complicated', ...") takes the topics of its speaker's statement
//! just before (up to two sentences back), else all that the sentences of its post up to
//! three back named, and in either case what its post's headline names; a headline quote that only echoes a quote
//! of its post's body takes that quote's topics. Parents roll children up at query time.

use compact_str::CompactString;
use std::collections::BTreeSet;

use crate::data::{DataFiles, list};
use crate::error::{Error, Result};
use crate::model::{Post, Stance, Statement, Topic, TopicStance};
use crate::text::analysis::PostAnalysis;
use crate::text::phrases::{PhraseSet, stems};
use crate::text::{fold, tokenize};

/// How far back, in sentences, a statement may borrow the topic of its post.
const CARRY_REACH: usize = 3;
/// How far back a speaker's own previous statement lends its topics to what they say next.
const CONTINUE_REACH: usize = 2;

pub struct Tagger {
    pub topics: Vec<Topic>,
    /// Each cue phrase with the topics it names: "end the war" is the aim of a ceasefire and
    /// of the talks alike.
    cues: PhraseSet<Vec<usize>>,
    /// Context words of the topics that have them (see `data/topics.csv`).
    context: PhraseSet<Vec<usize>>,
    has_context: Vec<bool>,
}

/// The sentences of a post with the topics they name, and which topics' stories the post is
/// in.
#[derive(Debug, Clone, Default)]
pub struct PostSentences {
    sentences: Vec<Sentence>,
}

/// Per topic, whether the document is in its story (see `data/topics.csv`, context).
#[derive(Debug, Clone, Default)]
pub struct Story(Vec<u8>);

/// How often a topic's context words must be met for the document to be in its story: a
/// story about Gaza that names Russia once is not about the war in Ukraine. A headline counts
/// twice.
const STORY_MENTIONS: u8 = 2;

/// A sentence of a post with the topics it names.
#[derive(Debug, Clone)]
struct Sentence {
    start: usize,
    len: usize,
    index: usize,
    topics: BTreeSet<usize>,
    /// Each topic named, with where (byte offset in the document).
    named: Vec<(usize, usize)>,
}

impl Tagger {
    pub fn load(data: &DataFiles) -> Result<Self> {
        let mut topics = Vec::new();
        let mut cue_topics: Vec<(String, Vec<usize>)> = Vec::new();
        let mut index: rustc_hash::FxHashMap<String, usize> = Default::default();
        let mut context_phrases: Vec<(String, Vec<usize>)> = Vec::new();
        let mut has_context = Vec::new();
        for (line, row) in data.records("topics.csv")? {
            let name = fold(row.get(0).unwrap_or("").trim());
            if name.is_empty() {
                return Err(Error::Data {
                    file: "topics.csv".into(),
                    line,
                    message: "a topic needs a name".into(),
                });
            }
            let parent = row.get(1).map(fold).filter(|p| !p.is_empty());
            let cue_list = list(row.get(3));
            for cue in cue_list.iter().chain(std::iter::once(&name)) {
                let key = fold(cue.trim());
                match index.get(&key) {
                    Some(&k) => {
                        if !cue_topics[k].1.contains(&topics.len()) {
                            cue_topics[k].1.push(topics.len());
                        }
                    }
                    None => {
                        index.insert(key, cue_topics.len());
                        cue_topics.push((cue.clone(), vec![topics.len()]));
                    }
                }
            }
            let words = list(row.get(4));
            for w in &words {
                // One phrase may give context to several topics: it is added once, with all.
                let w = w.trim().to_lowercase();
                match context_phrases
                    .iter()
                    .position(|(p, _): &(String, Vec<usize>)| *p == w)
                {
                    Some(k) => context_phrases[k].1.push(topics.len()),
                    None => context_phrases.push((w, vec![topics.len()])),
                }
            }
            has_context.push(!words.is_empty());
            topics.push(Topic {
                name,
                parent,
                description: row.get(2).unwrap_or("").to_string(),
                cues: cue_list,
            });
        }
        for (i, t) in topics.iter().enumerate() {
            if let Some(p) = &t.parent
                && !topics.iter().any(|o| &o.name == p)
            {
                return Err(Error::Data {
                    file: "topics.csv".into(),
                    line: i + 2,
                    message: format!("topic '{}' has an unknown parent '{p}'", t.name),
                });
            }
        }
        let mut cues = PhraseSet::default();
        for (phrase, owners) in cue_topics {
            cues.add(&phrase, owners);
        }
        let mut context = PhraseSet::default();
        for (phrase, owners) in context_phrases {
            context.add(&phrase, owners);
        }
        Ok(Tagger {
            topics,
            cues,
            context,
            has_context,
        })
    }

    /// Each naming of a topic in `text`: (topic, byte range of the words in `text`).
    fn namings(&self, text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
        let tokens = tokenize(text, &[]);
        let words = stems(&tokens);
        self.cues
            .find_all(&words)
            .into_iter()
            .flat_map(|f| {
                let span = tokens[f.start].start..tokens[f.start + f.len - 1].end;
                f.key.iter().map(move |&t| (t, span.clone()))
            })
            .collect()
    }

    /// Topics named in `text`, with the byte offset (from `base`) of each naming.
    pub fn named(&self, text: &str, base: usize) -> Vec<(usize, usize)> {
        self.namings(text)
            .into_iter()
            .map(|(t, span)| (t, base + span.start))
            .collect()
    }

    /// The words in `text` that name each topic: (topic name, byte range in `text`).
    pub fn naming_words(&self, text: &str) -> Vec<(&str, std::ops::Range<usize>)> {
        self.namings(text)
            .into_iter()
            .map(|(t, span)| (self.topics[t].name.as_str(), span))
            .collect()
    }

    /// The sentences of one post with the topics each names, read from its shared analysis:
    /// what tagging needs once the analysis is dropped.
    /// Which topics' stories a document is in, before any post is read: those with no
    /// context words.
    pub fn story(&self) -> Story {
        Story(
            self.has_context
                .iter()
                .map(|&c| if c { 0 } else { STORY_MENTIONS })
                .collect(),
        )
    }

    /// The sentences of one post with the topics each names, read from its shared analysis;
    /// marks in `story` the topics whose context words the post holds.
    pub fn sentences(
        &self,
        post: &Post,
        analysis: &PostAnalysis,
        story: &mut Story,
    ) -> PostSentences {
        let mut sentences_of_post = Vec::new();
        let mut index = 0;
        let words: Vec<&[CompactString]> = analysis.blocks.iter().map(|b| &b.stems[..]).collect();
        // Once every topic is in the story, its context words need no more looking for.
        if story.0.iter().any(|&n| n < STORY_MENTIONS) {
            for (block, w) in post.blocks().zip(&words) {
                let weight = if block.is_title { STORY_MENTIONS } else { 1 };
                for f in self.context.find_all(w) {
                    for &t in f.key {
                        story.0[t] = story.0[t].saturating_add(weight).min(STORY_MENTIONS);
                    }
                }
            }
        }
        for ((block, analysed), words) in post.blocks().zip(&analysis.blocks).zip(&words) {
            let tokens = &analysed.tokens;
            let found = self.cues.find_all(words);
            for range in analysed.sentences.iter().cloned() {
                index = if block.is_title { 0 } else { index + 1 };
                let (a, b) = (tokens[range.start].start, tokens[range.end - 1].end);
                let named: Vec<(usize, usize)> = found
                    .iter()
                    .filter(|f| range.contains(&f.start))
                    .flat_map(|f| {
                        let at = block.paragraph.offset + tokens[f.start].start;
                        f.key.iter().map(move |&t| (t, at))
                    })
                    .collect();
                sentences_of_post.push(Sentence {
                    start: block.paragraph.offset + a,
                    len: b - a,
                    index,
                    topics: named.iter().map(|(t, _)| *t).collect(),
                    named,
                });
            }
        }
        PostSentences {
            sentences: sentences_of_post,
        }
    }

    /// Tags every statement of a document; `sentences[i]` is what `sentences` read in the
    /// post whose statements are `statements[i]`.
    /// A topic is in the document's story when one of its context words appears in any of
    /// its posts (`story`, as `sentences` marked it): a live blog's posts rarely repeat what
    /// the page is about.
    pub fn tag(
        &self,
        sentences: &[PostSentences],
        story: &Story,
        statements: &mut [Vec<Statement>],
    ) {
        let in_story: Vec<bool> = story.0.iter().map(|&n| n >= STORY_MENTIONS).collect();
        let in_story = &in_story;
        for (post, list) in sentences.iter().zip(statements.iter_mut()) {
            // Out of the story, a topic's words name nothing, here or in what carries on (a
            // copy is made only when some topic is out of the story).
            let filtered: Vec<Sentence>;
            let sentences_of_post: &[Sentence] = if in_story.iter().all(|&yes| yes) {
                &post.sentences
            } else {
                filtered = post
                    .sentences
                    .iter()
                    .map(|x| Sentence {
                        named: x
                            .named
                            .iter()
                            .copied()
                            .filter(|(t, _)| in_story[*t])
                            .collect(),
                        topics: x.topics.iter().copied().filter(|t| in_story[*t]).collect(),
                        ..*x
                    })
                    .collect();
                &filtered
            };
            // What the post's headline names: the post is about it, and so is what is said in
            // it that names nothing.
            let headline: BTreeSet<usize> = sentences_of_post
                .iter()
                .filter(|x| x.index == 0)
                .flat_map(|x| x.topics.iter().copied())
                .collect();
            // The speaker's latest statement: what they go on to say is on the same topic.
            let mut last: Option<(String, usize, Vec<TopicStance>)> = None;
            for s in list.iter_mut() {
                // The sentence's own matches when the statement sits in one sentence; a quote
                // joined over paragraphs, or a paragraph of speech, is read afresh.
                let at = sentences_of_post.partition_point(|x| x.start < s.sentence_start);
                let mut named = match sentences_of_post.get(at) {
                    Some(x) if x.start == s.sentence_start && x.len == s.context.len() => {
                        x.named.clone()
                    }
                    _ => {
                        let mut n = self.named(&s.context, s.sentence_start);
                        n.extend(self.named(&s.quote, s.start));
                        n.retain(|(t, _)| in_story[*t]);
                        n
                    }
                };
                named.sort_unstable();
                named.dedup();
                if !named.is_empty() {
                    s.topics = self.group(&named);
                } else {
                    let continued = last.as_ref().filter(|(who, at, _)| {
                        s.speaker.as_ref().is_some_and(|sp| &sp.name == who)
                            && s.sentence_index.saturating_sub(*at) <= CONTINUE_REACH
                    });
                    match continued {
                        Some((_, _, topics)) => {
                            s.topics = topics
                                .iter()
                                .map(|t| TopicStance::new(&t.topic, Vec::new()))
                                .collect();
                        }
                        None => self.carry(s, sentences_of_post),
                    }
                    for &t in &headline {
                        let name = &self.topics[t].name;
                        if !s.topics.iter().any(|x| &x.topic == name) {
                            s.topics.push(TopicStance::new(name, Vec::new()));
                        }
                    }
                }
                if let (Some(sp), false) = (&s.speaker, s.topics.is_empty()) {
                    last = Some((sp.name.clone(), s.sentence_index, s.topics.clone()));
                }
            }
        }
        echo_headline_topics(statements);
    }

    fn group(&self, named: &[(usize, usize)]) -> Vec<TopicStance> {
        let mut out: Vec<TopicStance> = Vec::new();
        for &(topic, at) in named {
            let name = &self.topics[topic].name;
            match out.iter_mut().find(|t| &t.topic == name) {
                Some(t) => t.mentions.push(at),
                None => out.push(TopicStance::new(name, vec![at])),
            }
        }
        out
    }

    /// The topics of the latest sentence before this one, within reach, that named any.
    fn carry(&self, s: &mut Statement, sentences: &[Sentence]) {
        let before = sentences.partition_point(|x| x.start < s.sentence_start);
        // Everything the sentences within reach named: a ceasefire and the talks towards it
        // are often named a sentence apart, and what follows is about both.
        let mut carried: Vec<usize> = Vec::new();
        for x in sentences[..before]
            .iter()
            .rev()
            .take(CARRY_REACH + 1)
            .filter(|x| s.sentence_index.saturating_sub(x.index) <= CARRY_REACH)
        {
            for &t in &x.topics {
                if !carried.contains(&t) {
                    carried.push(t);
                }
            }
        }
        s.topics = carried
            .iter()
            .map(|&t| TopicStance::new(&self.topics[t].name, Vec::new()))
            .collect();
    }
}

/// "Putin is 'lying to everyone'" over a body quote "Putin is lying to everyone ... ceasefire":
/// a headline quote is about what the body quote it echoes is about, as well as what its own
/// headline names. Body quotes anywhere in the document count ("'Not good enough', says UK"
/// heads a page whose post quotes it); they are found through their words, so a long page
/// costs no more than its quotes.
fn echo_headline_topics(statements: &mut [Vec<Statement>]) {
    let quoted = |s: &Statement| {
        matches!(
            s.kind,
            crate::model::StatementKind::Direct | crate::model::StatementKind::Partial
        )
    };
    // Most pieces quote no one in a headline: their body quotes are not read.
    if !statements.iter().flatten().any(|s| s.in_title && quoted(s)) {
        return;
    }
    let body: Vec<(String, Vec<String>)> = statements
        .iter()
        .flatten()
        .filter(|s| !s.in_title && !s.topics.is_empty() && quoted(s))
        .map(|s| (fold(&s.quote), s))
        .filter(|(q, _)| q.len() >= 3)
        .map(|(q, s)| (q, s.topics.iter().map(|t| t.topic.clone()).collect()))
        .collect();
    if body.is_empty() {
        return;
    }
    let mut by_word: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
    for (k, (q, _)) in body.iter().enumerate() {
        for w in q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let list = by_word.entry(w).or_default();
            if list.last() != Some(&k) {
                list.push(k);
            }
        }
    }
    for s in statements
        .iter_mut()
        .flatten()
        .filter(|s| s.in_title && quoted(s))
    {
        let q = fold(&s.quote);
        // The body quotes that hold the headline quote's rarest word are the only ones that
        // can hold it whole.
        let Some(candidates) = q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| by_word.get(w).map_or(&[][..], |l| l.as_slice()))
            .min_by_key(|l| l.len())
        else {
            continue;
        };
        for &k in candidates {
            let (b, topics) = &body[k];
            if !(b.contains(&q) || q.contains(b.as_str())) {
                continue;
            }
            for t in topics {
                if !s.topics.iter().any(|x| &x.topic == t) {
                    s.topics.push(TopicStance::new(t, Vec::new()));
                }
            }
        }
    }
}

impl TopicStance {
    pub fn new(topic: &str, mentions: Vec<usize>) -> Self {
        TopicStance {
            topic: topic.to_string(),
            stance: Stance::Unknown,
            confidence: 0.0,
            cue: None,
            mentions,
        }
    }
}

#[cfg(test)]
mod tests;
