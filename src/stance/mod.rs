//! Stance. Takes statements tagged with topics (and, from each post's analysis while it is
//! at hand, the words of their sentences: `PostWords`); gives each (statement, topic) a stance —
//! support, oppose, mixed, neutral or unknown — with a confidence and the cue that decided
//! it, from the cues of `data/stance_cues.csv`. Also aggregates an actor's statements on a
//! topic into one verdict (see `aggregate`).
//!
//! Per statement, only the speaker's own words count: a direct quote, or the clause a cue
//! reports together with that cue, less words quoted from someone else inside it. Each cue
//! speaks to its target as the sentence's shape gives it: the object it takes, the noun an
//! evaluative word stands before, the topics of its own clause (and of its object up to the
//! next cue), or what "it" refers back to; a hedge with no object of its own speaks to what
//! its sentence names. Around a cue: a negation flips it, a reversal ("lift", "an end to")
//! undoes its topic, a distancing word drops it, a question makes it doubt; who does what
//! it tells of decides whose position it is (another party's opposition is the speaker's
//! complaint, some others' view is no one's here). Support with a reservation, a condition
//! or a demand after "but" is `mixed`.

mod aggregate;

// Fx hashing: the keys are short words looked up for every token, where SipHash cost shows.
use compact_str::CompactString;
use std::ops::Range;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub use aggregate::{Evidence, Progress, Shift, Verdict, aggregate};

use crate::data::{DataFiles, list};
use crate::error::{Error, Result};
use crate::model::{Post, Stance, Statement, StatementKind};
use crate::text::analysis::PostAnalysis;
use crate::text::phrases::{PhraseSet, stem, stems};
use crate::text::{Token, TokenKind, fold, is_apostrophe, tokenize};

/// The words of the sentences a post's statements stand in, taken from the post's analysis
/// while it is at hand: stances are scored after the document-wide passes, when it is gone,
/// and tokenizing each sentence again was a fifth of scoring.
#[derive(Debug, Default)]
pub struct PostWords {
    /// By the sentence's (start in the document, length).
    sentences: HashMap<(usize, usize), SentenceWords>,
}

/// A sentence's tokens and their stems, as `tokenize` and `stems` give them for the
/// sentence alone: the tokens whole (made again from a compact form for every sentence
/// scored, they were a tenth of scoring), and only the stems that are not the lower-case
/// form.
#[derive(Debug)]
struct SentenceWords {
    /// The hash of the sentence's text: its words are used only for the same text.
    read_for: u64,
    /// In the sentence's own offsets.
    tokens: Vec<Token>,
    /// By token index, ascending.
    stems: Vec<(u32, CompactString)>,
}

impl SentenceWords {
    /// The stems of its tokens: each the token's lower-case form where none is kept apart.
    fn stems(&self) -> Vec<&str> {
        let mut stems = self.stems.iter().peekable();
        (0u32..)
            .zip(&self.tokens)
            .map(|(i, t)| match stems.next_if(|(k, _)| *k == i) {
                Some((_, stem)) => stem.as_str(),
                None => t.lower.as_str(),
            })
            .collect()
    }
}

impl PostWords {
    /// The words of the sentences `statements` stand in, where the analysis has the
    /// sentence as one run of tokens that reads the same alone. (A sentence cut from a
    /// longer one, or with a quote mark that is also an apostrophe after a letter, which
    /// read alone would join the word, is tokenized again when scored.)
    pub fn new(post: &Post, analysis: &PostAnalysis, statements: &[Statement]) -> Self {
        let mut sentences = HashMap::default();
        // The context each key was read for: statements are scored by key, so one whose
        // context is other words at the same place (joined from elsewhere) unsets it.
        let mut read: HashMap<(usize, usize), &str> = HashMap::default();
        for s in statements {
            let key = (s.sentence_start, s.context.len());
            if s.kind == StatementKind::Term {
                continue;
            }
            if let Some(first) = read.get(&key) {
                if *first != s.context {
                    sentences.remove(&key);
                }
                continue;
            }
            read.insert(key, &s.context);
            if let Some(words) = sentence_words(post, analysis, key, &s.context) {
                sentences.insert(key, words);
            }
        }
        PostWords { sentences }
    }
}

fn text_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

/// The words of the sentence at `start` (`len` bytes) when its block's text there is
/// `context` and the analysis has it as one run of tokens that reads the same alone.
fn sentence_words(
    post: &Post,
    analysis: &PostAnalysis,
    (start, len): (usize, usize),
    context: &str,
) -> Option<SentenceWords> {
    let (block, analysed) = post.blocks().zip(&analysis.blocks).find(|(b, _)| {
        let p = b.paragraph;
        start >= p.offset && start + len <= p.offset + p.text.len()
    })?;
    let text = &block.paragraph.text;
    let (from, to) = (
        start - block.paragraph.offset,
        start - block.paragraph.offset + len,
    );
    let tokens = &analysed.tokens;
    let a = tokens.partition_point(|t| t.start < from);
    let b = tokens.partition_point(|t| t.end <= to);
    if a >= b || tokens[a].start != from || tokens[b - 1].end != to || len > u32::MAX as usize {
        return None;
    }
    let sentence = &text[from..to];
    if sentence != context {
        return None;
    }
    let mut out = SentenceWords {
        read_for: text_hash(context),
        tokens: Vec::with_capacity(b - a),
        stems: Vec::new(),
    };
    for (i, (t, stem)) in tokens[a..b].iter().zip(&analysed.stems[a..b]).enumerate() {
        let i = i as u32;
        let mut token = Token {
            start: t.start - from,
            end: t.end - from,
            ..t.clone()
        };
        if t.is_quote() {
            let mark = text[t.start..].chars().next()?;
            // Read alone, an apostrophe after a letter joins the word before it.
            if is_apostrophe(mark) && text[..t.start].chars().next_back()?.is_alphanumeric() {
                return None;
            }
            // Alone, a quote mark is punctuation (its own stem), a curly apostrophe made
            // straight.
            token.kind = TokenKind::Punct;
            if mark == '’' {
                token.lower = CompactString::const_new("'");
            }
        } else if stem.len() != t.lower.len() {
            // A stem is its word less an ending, or the word itself.
            out.stems.push((i, stem.clone()));
        }
        out.tokens.push(token);
    }
    Some(out)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cue {
    Support(f64),
    Oppose(f64),
    Neutral(f64),
    Condition(f64),
    Negation,
    Distancing,
    /// "accuses Putin of ...": what follows in its clause is the accused's doing, so their
    /// opposition is the speaker's support and their support is no position of the speaker's.
    Accusation,
    /// A phrase holding a cue word in another sense ("sit back", "back to"): no cue.
    Idiom,
    /// A verb that undoes its object ("lift sanctions", "end the deployment"): a stance on
    /// undoing a topic is the opposite stance on the topic.
    Reversal,
    /// "X is better than Y", "X rather than Y": for what comes before, against what after.
    Comparison,
}

pub struct Scorer {
    cues: PhraseSet<Cue>,
    /// The topics' own phrases: a cue inside one ("coalition of the willing", "military
    /// support") is a name, not a position.
    topic_phrases: PhraseSet<()>,
    /// Opposing cues that judge a thing ("dangerous", "a mistake", "risking a clash") rather
    /// than tell of someone's opposing it ("blocking", "refused"): whoever does the thing, the
    /// judgement is the speaker's.
    judgements: HashSet<String>,
    /// Topics for which keeping things as they are is opposition (see `kept` in
    /// `data/topics.csv`).
    kept_against: HashSet<String>,
    /// Words for things staying as they are ("remain", "untouched").
    keep_words: HashSet<String>,
    /// Reporting verbs of one word (`data/speech_cues.csv`): "said" opens the clause it
    /// reports, whose own subject is the doer of what follows.
    reporting: HashSet<String>,
    /// Words that name a party (countries, known actors): an opposing cue about them is the
    /// speaker's complaint, not the speaker's opposition.
    parties: HashSet<String>,
    /// A known actor's own country, as words: "Germany will not send troops" said by the
    /// German chancellor is his own position, not a complaint about another party.
    home: HashMap<String, Vec<String>>,
}

/// A cue found in a statement's text: where (byte offset in the document) and what it says.
#[derive(Debug, Clone)]
struct Found {
    at: usize,
    cue: Cue,
    /// The clause the cue sits in (byte range in the document), bounded by commas and
    /// conjunctions ("but", "because"), and the stretch of sentence it sits in, bounded only by
    /// stronger breaks (";", ":", dashes, full stops): where its target is looked for.
    clause: (usize, usize),
    stretch: (usize, usize),
    /// The clause refers back ("it", "this", "them"): its target may be named before it.
    anaphor: bool,
    /// The clause says things should stay as they are ("should remain frozen").
    keeps: bool,
    /// The cue is also a topic's name ("commitment", "as long as it takes"): it speaks to
    /// another topic of its clause where there is one ("commitment to Ukraine's security").
    names_topic: bool,
    /// An evaluative word set before a noun ("unacceptable conditions", "a dangerous
    /// escalation"): it judges that noun phrase (byte range) and nothing else.
    object: Option<(usize, usize)>,
    /// The object is what a verb cue takes ("prevent an escalation"), not what an evaluative
    /// word stands before.
    direct: bool,
    /// The clause is a fragment of at most three words ("must stay"): its target is in the
    /// rest of its stretch ("Sanctions, in my view, must stay").
    fragment: bool,
    /// Shared, so copying a cue to each topic it may speak to costs no allocation.
    phrase: std::rc::Rc<str>,
}

const MIXED_FLOOR: f64 = 0.5;
/// How far (bytes) before a topic's words a reversal verb reaches: "lift the sanctions", "an
/// end to foreign military aid".
const REVERSAL_REACH: usize = 28;
const CLAUSE_BREAKS: &[&str] = &[
    "but", "while", "although", "though", "however", "whereas", "that", "because", "and",
];

impl Scorer {
    pub fn load(data: &DataFiles) -> Result<Self> {
        let mut cues = PhraseSet::default();
        let mut judgements = HashSet::default();
        let mut keep_words = HashSet::default();
        for (line, row) in data.records("stance_cues.csv")? {
            let phrase = row.get(0).unwrap_or("");
            let weight: f64 = row
                .get(2)
                .filter(|w| !w.is_empty())
                .map(|w| w.parse())
                .transpose()
                .map_err(|_| Error::Data {
                    file: "stance_cues.csv".into(),
                    line,
                    message: "weight is not a number".into(),
                })?
                .unwrap_or(0.5);
            let cue = match row.get(1).unwrap_or("") {
                "support" => Cue::Support(weight),
                "oppose" => Cue::Oppose(weight),
                "judgement" => {
                    judgements.insert(phrase.to_string());
                    Cue::Oppose(weight)
                }
                "keep" => {
                    keep_words.insert(phrase.to_string());
                    Cue::Support(weight)
                }
                "neutral" => Cue::Neutral(weight),
                "condition" => Cue::Condition(weight),
                "negation" => Cue::Negation,
                "distancing" => Cue::Distancing,
                "accusation" => Cue::Accusation,
                "idiom" => Cue::Idiom,
                "reversal" => Cue::Reversal,
                "comparison" => Cue::Comparison,
                other => {
                    return Err(Error::Data {
                        file: "stance_cues.csv".into(),
                        line,
                        message: format!("unknown stance cue kind '{other}'"),
                    });
                }
            };
            cues.add(phrase, cue);
        }
        let mut parties = HashSet::default();
        let mut country_words: HashMap<String, Vec<String>> = HashMap::default();
        for (_, row) in data.records("countries.csv")? {
            let code = row.get(0).unwrap_or("").to_string();
            for name in list(row.get(1)).iter().chain(&list(row.get(2))) {
                parties.insert(stem(&fold(name)));
                country_words
                    .entry(code.clone())
                    .or_default()
                    .extend(name.split_whitespace().map(|w| stem(&fold(w))));
            }
        }
        let mut home: HashMap<String, Vec<String>> = HashMap::default();
        for (_, row) in data.records("actors.csv")? {
            if let Some(words) = row.get(5).and_then(|c| country_words.get(c)) {
                home.insert(row.get(0).unwrap_or("").to_string(), words.clone());
            }
        }
        for (_, row) in data.records("actors.csv")? {
            for name in
                std::iter::once(row.get(0).unwrap_or("").to_string()).chain(list(row.get(1)))
            {
                if let Some(last) = name.split_whitespace().last() {
                    parties.insert(stem(&fold(last)));
                }
            }
        }
        let mut topic_phrases = PhraseSet::default();
        let mut kept_against = HashSet::default();
        for (line, row) in data.records("topics.csv")? {
            for cue in list(row.get(3)) {
                topic_phrases.add(&cue, ());
            }
            match row.get(5).unwrap_or("").trim() {
                "" | "support" => {}
                "oppose" => {
                    kept_against.insert(fold(row.get(0).unwrap_or("").trim()));
                }
                other => {
                    return Err(Error::Data {
                        file: "topics.csv".into(),
                        line,
                        message: format!("kept is support or oppose, not '{other}'"),
                    });
                }
            }
        }
        let mut reporting = HashSet::default();
        for (_, row) in data.records("speech_cues.csv")? {
            let (phrase, kind) = (row.get(0).unwrap_or(""), row.get(1).unwrap_or(""));
            if matches!(kind, "verb" | "verb_tell") && !phrase.contains(" ") {
                reporting.insert(fold(phrase));
            }
        }
        Ok(Scorer {
            reporting,
            cues,
            topic_phrases,
            judgements,
            kept_against,
            keep_words,
            parties,
            home,
        })
    }

    /// `words[i]`: what `PostWords::new` took of the post whose statements are
    /// `statements[i]` (none: each sentence is tokenized).
    pub fn score_all(&self, statements: &mut [Vec<Statement>], words: &[PostWords]) {
        for (i, list) in statements.iter_mut().enumerate() {
            let words = words.get(i);
            // Quotes of the post with their speakers: words quoted from someone else inside a
            // statement's own words are not its speaker's.
            let quoted: Vec<(usize, usize, Option<String>)> = list
                .iter()
                .filter(|s| matches!(s.kind, StatementKind::Direct | StatementKind::Partial))
                .map(|s| (s.start, s.end, s.speaker.as_ref().map(|p| p.name.clone())))
                .collect();
            // Every span in quote marks, labels too, in order: where a sentence's quotes are.
            let mut marks: Vec<(usize, usize)> = list
                .iter()
                .filter(|s| {
                    matches!(
                        s.kind,
                        StatementKind::Direct | StatementKind::Partial | StatementKind::Term
                    )
                })
                .map(|s| (s.start, s.end))
                .collect();
            marks.sort_unstable();
            marks.dedup();
            // Statements of one sentence share its cues: read each sentence once per speaker.
            let mut cache: HashMap<(usize, usize, Option<String>), Vec<Found>> = HashMap::default();
            for s in list.iter_mut() {
                self.score_with(s, &mut cache, &quoted, Some(&marks), words);
            }
        }
    }

    pub fn score(&self, s: &mut Statement) {
        self.score_with(s, &mut HashMap::default(), &[], None, None);
    }

    fn score_with(
        &self,
        s: &mut Statement,
        cache: &mut HashMap<(usize, usize, Option<String>), Vec<Found>>,
        quoted: &[(usize, usize, Option<String>)],
        post_quotes: Option<&[(usize, usize)]>,
        post_words: Option<&PostWords>,
    ) {
        if s.topics.is_empty() || s.kind == StatementKind::Term {
            return;
        }
        let key = (
            s.sentence_start,
            s.context.len(),
            s.speaker.as_ref().map(|sp| sp.name.clone()),
        );
        let mut found = match cache.get(&key) {
            Some(f) => f.clone(),
            None => {
                let speaker: Vec<String> = s
                    .speaker
                    .iter()
                    .flat_map(|sp| {
                        sp.name
                            .split_whitespace()
                            .map(|w| stem(&fold(w)))
                            .chain(self.home.get(&sp.name).into_iter().flatten().cloned())
                    })
                    .collect();
                let prepared = post_words
                    .and_then(|w| w.sentences.get(&(key.0, key.1)))
                    .filter(|w| w.read_for == text_hash(&s.context));
                let f = self.cues_in(
                    &s.context,
                    s.sentence_start,
                    &speaker,
                    post_quotes,
                    prepared,
                );
                cache.insert(key, f.clone());
                f
            }
        };
        // The speaker's own words decide: a direct quote, a reported clause, or the clause a
        // quoted fragment sits in; never the reporter's narration around them, nor words
        // quoted from someone else inside them.
        let (from, to) = match s.kind {
            StatementKind::Direct => (s.start, s.end),
            _ => s
                .scope
                .unwrap_or((s.sentence_start, s.sentence_start + s.context.len())),
        };
        let speaker = s.speaker.as_ref().map(|p| p.name.clone());
        found.retain(|f| {
            f.at >= from
                && f.at < to
                && !quoted.iter().any(|(a, b, who)| {
                    f.at >= *a
                        && f.at < *b
                        && who.is_some()
                        && *who != speaker
                        && !(*a == s.start && *b == s.end)
                })
        });
        let named = s.topics.iter().any(|t| !t.mentions.is_empty());
        let structure: Vec<Found> = found
            .iter()
            .filter(|f| matches!(f.cue, Cue::Reversal | Cue::Comparison))
            .cloned()
            .collect();
        found.retain(|f| !matches!(f.cue, Cue::Reversal | Cue::Comparison));
        for (i, topic) in s.topics.clone().iter().enumerate() {
            // Each cue speaks to the topic named nearest it; with no topic named in the
            // sentence, to every topic the statement carries.
            let mut mine: Vec<Found> = found
                .iter()
                .filter(|f| {
                    // With no topic named, a cue judging a noun of its own ("a dangerous
                    // escalation") is about that noun, not the topic carried from before.
                    if named {
                        target(s, f).is_some_and(|n| n == i) || ahead(s, f, &found, i)
                    } else {
                        f.object.is_none() || f.direct
                    }
                })
                .cloned()
                .collect();
            // "it would be a mistake to lift sanctions": a reversal verb right before the
            // topic turns the stance on undoing it into the opposite stance on it.
            let reversed = topic.mentions.iter().any(|&m| {
                structure
                    .iter()
                    .any(|f| f.cue == Cue::Reversal && f.at < m && m - f.at <= REVERSAL_REACH)
            });
            // "these funds should remain frozen": for a topic about changing things, keeping
            // them as they are is opposition.
            if self.kept_against.contains(&topic.topic) {
                for f in mine.iter_mut().filter(|f| f.keeps) {
                    if let Cue::Support(w) = f.cue {
                        f.cue = Cue::Oppose(w);
                    }
                }
            }
            if reversed {
                for f in &mut mine {
                    f.cue = match f.cue {
                        Cue::Support(w) => Cue::Oppose(w),
                        Cue::Oppose(w) => Cue::Support(w),
                        // "a key condition is an end to military aid": a condition that
                        // the topic be undone is a demand against it.
                        Cue::Condition(w) => Cue::Oppose(w),
                        c => c,
                    };
                }
            }
            // "talks would be better than more sanctions": for the topic before the
            // comparison, against the one after.
            for f in structure.iter().filter(|f| f.cue == Cue::Comparison) {
                let before = topic.mentions.iter().any(|&m| m < f.at);
                let after = topic.mentions.iter().any(|&m| m > f.at);
                let other_side = s
                    .topics
                    .iter()
                    .enumerate()
                    .any(|(j, t)| j != i && t.mentions.iter().any(|&m| (m > f.at) == before));
                if other_side && (before != after) {
                    mine.push(Found {
                        cue: if before {
                            Cue::Support(0.7)
                        } else {
                            Cue::Oppose(0.7)
                        },
                        ..f.clone()
                    });
                }
            }
            let mine: Vec<&Found> = mine.iter().collect();
            let (stance, confidence, cue) = decide(&mine);
            let t = &mut s.topics[i];
            t.stance = stance;
            let confidence = if topic.mentions.is_empty() {
                confidence * 0.7
            } else {
                confidence
            };
            // Two decimals is all the rule can claim, and what every format prints.
            t.confidence = (confidence * 100.0).round() / 100.0;
            t.cue = cue;
        }
    }

    /// `post_quotes`: the words in quote marks of the statement's post (document offsets, in
    /// order), as extraction found them: a sentence with none among them is not scanned.
    fn cues_in(
        &self,
        text: &str,
        base: usize,
        speaker: &[String],
        post_quotes: Option<&[(usize, usize)]>,
        prepared: Option<&SentenceWords>,
    ) -> Vec<Found> {
        let own;
        let tokens = match prepared {
            Some(p) => &p.tokens[..],
            None => {
                own = tokenize(text, &[]);
                &own[..]
            }
        };
        let read;
        let words: Vec<&str> = match prepared {
            Some(p) => p.stems(),
            None => {
                read = stems(tokens);
                read.iter().map(CompactString::as_str).collect()
            }
        };
        let words = &words[..];
        // Inside quote marks "he", "she" and "they" are never the one quoted. The quotes of
        // the sentence, in its own offsets, are found only when a cue needs them.
        let quoted = std::cell::OnceCell::new();
        let spans = || -> &Vec<Range<usize>> {
            quoted.get_or_init(|| {
                // A sentence in which extraction found no quote has none to scan for. (Its
                // own spans are not used as they are: a quote broken by its attribution is
                // one statement over two pairs of marks.)
                let none = post_quotes.is_some_and(|all| {
                    let from = all.partition_point(|&(_, b)| b <= base);
                    all.get(from).is_none_or(|&(a, _)| a >= base + text.len())
                });
                if none {
                    return Vec::new();
                }
                crate::text::quotes::scan(text)
                    .into_iter()
                    .map(|q| q.inner)
                    .collect()
            })
        };
        let in_quote = |byte: usize| spans().iter().any(|q| q.contains(&byte));
        // A place inside a quote that does not hold the cue: a break there ("yes, but") does
        // not end the clause that quotes it.
        let apart = |a: usize, b: usize| spans().iter().any(|q| q.contains(&a) && !q.contains(&b));
        // Topic names are looked for only once a cue is met (most sentences have none).
        let names_cell = std::cell::OnceCell::new();
        let names = || -> &Vec<(usize, usize)> {
            names_cell.get_or_init(|| {
                self.topic_phrases
                    .find_all(words)
                    .iter()
                    .map(|f| (f.start, f.start + f.len))
                    .collect()
            })
        };
        // "a full, unconditional ceasefire": a comma between the words that describe a noun,
        // right after its article, joins them.
        let listing = |k: usize| {
            k >= 2
                && tokens[k].is_punct(',')
                && matches!(tokens[k - 2].lower.as_str(), "a" | "an" | "the")
                && tokens[k - 1].is_word()
                && tokens.get(k + 1).is_some_and(|t| t.is_word() && !t.cap)
        };
        // Where clauses break, weakly and strongly, read once a sentence: every cue looks
        // for the breaks either side of it.
        let breaks_at = std::cell::OnceCell::new();
        let bounds = |i: usize, strong: bool| {
            let (weak, strong_breaks): &(Vec<bool>, Vec<bool>) = breaks_at.get_or_init(|| {
                // Each token's weak and strong break at once: most are words, which break
                // weakly or not at all.
                let breaks = |k: usize, t: &Token| -> (bool, bool) {
                    if t.kind != TokenKind::Punct {
                        return (is_clause_break(t, false), false);
                    }
                    if listing(k) {
                        return (false, false);
                    }
                    if t.lower == "." {
                        // "U.S." is no full stop: one ends a word of more than one letter.
                        let word = text[..t.start]
                            .rsplit(|c: char| !c.is_alphanumeric() && c != '.')
                            .next()
                            .unwrap_or("");
                        let stop = !word.contains('.') && word.chars().count() != 1;
                        return (stop, stop);
                    }
                    // A hyphen with space before it is a dash: "a truce - but on terms".
                    let dash = t.lower == "-" && text[..t.start].ends_with(char::is_whitespace);
                    (
                        is_clause_break(t, false) || dash,
                        is_clause_break(t, true) || dash,
                    )
                };
                tokens.iter().enumerate().map(|(k, t)| breaks(k, t)).unzip()
            });
            let at = if strong { strong_breaks } else { weak };
            let from = at[..i].iter().rposition(|&b| b).map_or(0, |k| k + 1);
            let to = at[i..]
                .iter()
                .position(|&b| b)
                .map_or(tokens.len(), |k| i + k);
            (from, to)
        };
        let bytes = |(from, to): (usize, usize)| {
            let a = tokens.get(from).map_or(text.len(), |t| t.start);
            let b = if to > from { tokens[to - 1].end } else { a };
            (base + a, base + b)
        };
        let mut out: Vec<Found> = Vec::new();
        let mut pending: Option<Cue> = None;
        let mut pending_at = 0;
        let mut accusation: Option<usize> = None;
        let all = self.cues.find_all(words);
        // Only a party's possessive ("Putin's") can own a quote in the sentence.
        let possessive_party = tokens
            .iter()
            .zip(words)
            .any(|(t, w)| t.cap && t.is_possessive() && self.parties.contains(*w));
        // Where words for things staying as they are stand ("remain", "untouched").
        let keep_at: Vec<usize> = all
            .iter()
            .filter(|k| self.keep_words.contains(k.phrase))
            .map(|k| k.start)
            .collect();
        for f in all {
            let cue = *f.key;
            // "coalition of the willing", "military support": the cue is part of a topic's
            // name.
            let (start, end) = (f.start, f.start + f.len);
            // Topic names are looked for only where one could hold the cue's first word.
            let near_name = self.topic_phrases.may_cover(words[f.start]);
            if near_name
                && names()
                    .iter()
                    .any(|&(a, b)| a <= start && end <= b && b - a > end - start)
            {
                continue;
            }
            let names_topic = near_name && names().contains(&(start, end));
            // "Putin's "yes, but" answer": words in quote marks owned by another party are
            // theirs, quoted, not the speaker's.
            let at = tokens[f.start].start;
            let owned_by_other = possessive_party
                && spans().iter().filter(|q| q.contains(&at)).any(|q| {
                    // The word before the opening mark.
                    let before = tokens.partition_point(|t| t.end <= q.start);
                    let owner = tokens[..before].iter().rposition(Token::is_word);
                    owner.is_some_and(|k| {
                        tokens[k].cap
                            && tokens[k].is_possessive()
                            && self.parties.contains(words[k])
                            && !speaker.iter().any(|s| *s == words[k])
                    })
                });
            if owned_by_other {
                continue;
            }
            let clause = bounds(f.start, false);
            let stretch = bounds(f.start, true);
            // "this" standing for something ("this must stop"), not pointing at a noun after
            // it ("these demands").
            let anaphor = (clause.0..clause.1).any(|i| match tokens[i].lower.as_str() {
                "it" | "them" => true,
                "this" | "these" | "those" | "that" => tokens.get(i + 1).is_none_or(|n| {
                    !n.is_word() || crate::text::words::AUXILIARIES.contains(&n.lower.as_str())
                }),
                _ => false,
            });
            let fragment = tokens[clause.0..clause.1]
                .iter()
                .filter(|t| t.is_word())
                .count()
                <= 3;
            let judged = attributive(tokens, start, end, self.judgements.contains(f.phrase));
            let direct = judged.is_none();
            let object = judged
                .or_else(|| direct_object(tokens, end, clause.1))
                .map(bytes);
            let keeps = keep_at.iter().any(|&k| k >= clause.0 && k < clause.1);
            let found = |cue: Cue| Found {
                direct,
                keeps,
                object,
                fragment,
                names_topic,
                at: base + tokens[f.start].start,
                cue,
                phrase: std::rc::Rc::from(f.phrase),
                clause: bytes(clause),
                stretch: bytes(stretch),
                anaphor,
            };
            match cue {
                // Read against the topics, in `score_with`.
                Cue::Reversal | Cue::Comparison => {
                    out.push(found(cue));
                    continue;
                }
                Cue::Accusation => {
                    accusation = Some(f.start + f.len);
                    continue;
                }
                Cue::Idiom => continue,
                Cue::Negation | Cue::Distancing => {
                    pending = Some(cue);
                    pending_at = f.start + f.len;
                    continue;
                }
                _ => {}
            }
            // A negation reaches three words; distancing ("accuses Putin of ...") its clause.
            let reach = if pending == Some(Cue::Distancing) {
                usize::MAX / 2
            } else {
                3
            };
            let modifier = pending.filter(|_| {
                f.start <= pending_at + reach && !clause_break_between(tokens, pending_at, f.start)
            });
            if modifier != Some(Cue::Distancing) {
                pending = None;
            }
            let mut cue = match (modifier, cue) {
                (Some(Cue::Distancing), _) => continue,
                (Some(Cue::Negation), Cue::Support(w)) => Cue::Oppose(w),
                (Some(Cue::Negation), Cue::Oppose(w)) => Cue::Support(w * 0.8),
                (_, c) => c,
            };
            // "must not", "should never": a negation right after a modal flips it too.
            if let Cue::Support(w) = cue {
                let after = tokens.get(f.start + f.len).map(|t| t.lower.as_str());
                if matches!(after, Some("not" | "never")) {
                    cue = Cue::Oppose(w);
                }
            }
            // "Should we lift sanctions now?", "What would a truce mean for us?": a question
            // asserts nothing; asked, it raises doubt.
            let asked = tokens.get(stretch.1).is_some_and(|t| t.lower == "?");
            if asked && let Cue::Support(w) | Cue::Oppose(w) = cue {
                cue = Cue::Neutral(w * 0.6);
            }
            let accused = accusation.is_some_and(|at| {
                let broken = tokens[at..f.start]
                    .iter()
                    .any(|t| is_clause_break(t, false) && !t.is_punct(','));
                !broken
            });
            if accused {
                match cue {
                    Cue::Oppose(w) => {
                        out.push(found(Cue::Support(w * 0.8)));
                        continue;
                    }
                    Cue::Support(_) => continue,
                    _ => {}
                }
            }
            let doer = if matches!(cue, Cue::Oppose(_) | Cue::Support(_))
                && !self.judgements.contains(f.phrase)
            {
                self.doer(
                    tokens,
                    words,
                    f.start,
                    speaker,
                    &|| in_quote(tokens[f.start].start),
                    &|k| apart(tokens[k].start, tokens[f.start].start),
                )
            } else {
                Doer::Speaker
            };
            if doer == Doer::Group && !MODALS.contains(&f.phrase) {
                continue;
            }
            let another_party = doer == Doer::Other;
            if let (Cue::Oppose(w), true) = (cue, another_party) {
                cue = Cue::Support(w * 0.8);
            }
            // "We agree to a truce - but it must lead to peace": a demand of the speaker's
            // own, in a clause opened by "but", after their support, is the condition of that
            // support.
            if let Cue::Support(w) = cue
                && MODALS.contains(&f.phrase)
                && !another_party
                && tokens[clause.0.saturating_sub(2)..=clause.0.min(tokens.len() - 1)]
                    .iter()
                    .any(|t| matches!(t.lower.as_str(), "but" | "however" | "yet"))
                && let Some(earlier) = out.iter().rev().find(|e| {
                    matches!(e.cue, Cue::Support(_)) && e.clause.1 <= base + tokens[clause.0].start
                })
            {
                let condition = Found {
                    cue: Cue::Condition(w.min(0.7)),
                    phrase: std::rc::Rc::from(format!("but {}", f.phrase).as_str()),
                    ..earlier.clone()
                };
                out.push(condition);
            }
            out.push(found(cue));
        }
        out
    }

    /// Who the clause of the cue says does it: another party ("..., but Russia is doing
    /// everything to prevent it"), some others ("some leaders are sceptical"), else the
    /// speaker.
    fn doer(
        &self,
        tokens: &[Token],
        words: &[&str],
        cue: usize,
        speaker: &[String],
        quoted: &dyn Fn() -> bool,
        embedded: &dyn Fn(usize) -> bool,
    ) -> Doer {
        let mut k = cue;
        while k > 0 {
            let t = &tokens[k - 1];
            if (t.kind == TokenKind::Punct
                && matches!(t.lower.as_str(), "," | ";" | ":" | "-" | "–" | "—")
                || CLAUSE_BREAKS.contains(&t.lower.as_str())
                || self.reporting.contains(t.lower.as_str()))
                && !embedded(k - 1)
            {
                break;
            }
            k -= 1;
        }
        // The clause's subject: its first word past determiners and adverbs ("but
        // nonetheless the Russians have not ...").
        let subject = (k..cue.min(k + 5)).find(|&i| {
            let w = tokens[i].lower.as_str();
            tokens[i].is_word()
                && !matches!(
                    w,
                    "the"
                        | "a"
                        | "an"
                        | "if"
                        | "when"
                        | "once"
                        | "nonetheless"
                        | "still"
                        | "also"
                        | "now"
                        | "then"
                        | "yet"
                        | "even"
                        | "so"
                )
                && (!w.ends_with("ly") || tokens[i].cap)
        });
        let other = |i: usize| {
            let pronoun = matches!(tokens[i].lower.as_str(), "he" | "she" | "they");
            // A name of several words ("Vladimir Putin's") is a party when one of them is.
            let name = (i..cue).take_while(|&j| tokens[j].cap && tokens[j].is_word());
            (pronoun && quoted())
                || name.clone().any(|j| self.parties.contains(words[j]))
                    && !name.clone().any(|j| speaker.iter().any(|s| *s == words[j]))
        };
        // Where the clause opens with something else ("That is why he is doing everything to
        // sabotage ..."), the doer is the nearest pronoun before the cue.
        // "Kremlin aide Yuri Ushakov pushed back": the speaker named in the clause before the
        // cue is its doer, whatever title opens it.
        let speaker_named =
            (k..cue).any(|i| tokens[i].cap && speaker.iter().any(|s| *s == words[i]));
        let another = !speaker_named && subject.is_some_and(other)
            || (k..cue)
                .rev()
                .find(|&i| matches!(tokens[i].lower.as_str(), "he" | "she" | "they" | "we" | "i"))
                .is_some_and(other);
        // "some leaders are sceptical": the speaker tells of others, neither their own
        // position nor a complaint.
        let group = subject.is_some_and(|i| {
            matches!(
                tokens[i].lower.as_str(),
                "some"
                    | "many"
                    | "several"
                    | "others"
                    | "few"
                    | "most"
                    | "critics"
                    | "sceptics"
                    | "skeptics"
            )
        });
        if group {
            Doer::Group
        } else if another {
            Doer::Other
        } else {
            Doer::Speaker
        }
    }
}

/// Words that set an evaluative word before its noun: "a dangerous ...", "very good and
/// productive ...".
const ATTRIBUTIVE_LEAD: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "very",
    "extremely",
    "highly",
    "such",
    "their",
    "its",
    "his",
    "her",
    "our",
    "this",
    "these",
    "those",
    "more",
    "most",
    "deeply",
    "totally",
    "completely",
];

/// The noun phrase a cue takes as its object when one follows it straight away, opened by
/// an article or an owner ("prevent an escalation", "block the talks", "condemned Russia's
/// attacks"), with what it is to do ("urged the allies to send troops"): up to the next
/// auxiliary, "that", "and" or the end of the clause.
fn direct_object(tokens: &[Token], end: usize, clause_end: usize) -> Option<(usize, usize)> {
    let first = tokens.get(end).filter(|_| end < clause_end)?;
    let opens = matches!(
        first.lower.as_str(),
        "a" | "an" | "the" | "its" | "their" | "his" | "her" | "our" | "these" | "those"
    ) || (first.cap && first.is_possessive());
    if !opens {
        return None;
    }
    let stop = (end + 1..clause_end)
        .find(|&k| {
            let w = tokens[k].lower.as_str();
            // A finite verb ends the phrase; "to be stronger" goes on.
            (crate::text::words::AUXILIARIES.contains(&w) && !matches!(w, "be" | "been" | "have"))
                || matches!(w, "that" | "which" | "who" | "and" | "or")
        })
        .unwrap_or(clause_end);
    Some((end, stop))
}

/// The noun phrase (token range) an evaluative cue word stands before, if it stands before
/// one: the next words up to three, to the first word that is not part of it.
/// A judgement ("unacceptable") needs no lead: it is an adjective or a noun wherever it stands
/// ("by setting unacceptable conditions").
fn attributive(
    tokens: &[Token],
    start: usize,
    end: usize,
    judgement: bool,
) -> Option<(usize, usize)> {
    if end - start != 1 || start == 0 {
        return None;
    }
    let lead = tokens[start - 1].lower.as_str();
    if !judgement && !ATTRIBUTIVE_LEAD.contains(&lead) {
        return None;
    }
    let nominal = |t: &Token| {
        t.kind == TokenKind::Word
            && !crate::text::words::PREPOSITIONS.contains(&t.lower.as_str())
            && !crate::text::words::AUXILIARIES.contains(&t.lower.as_str())
            && !matches!(
                t.lower.as_str(),
                "to" | "that"
                    | "and"
                    | "or"
                    | "but"
                    | "enough"
                    | "than"
                    | "if"
                    | "not"
                    | "now"
                    | "because"
                    | "as"
                    | "so"
                    | "too"
                    | "a"
                    | "an"
                    | "the"
                    | "their"
                    | "its"
                    | "his"
                    | "her"
                    | "our"
                    | "my"
                    | "your"
                    | "this"
                    | "these"
                    | "those"
            )
    };
    let n = tokens[end..]
        .iter()
        .take(3)
        .take_while(|t| nominal(t))
        .count();
    // "a complicated matter", "a dangerous move": a light noun says nothing of its own; the
    // judgement is of what it stands for.
    let light = n == 1
        && matches!(
            tokens[end].lower.as_str(),
            "matter"
                | "issue"
                | "question"
                | "thing"
                | "step"
                | "idea"
                | "move"
                | "one"
                | "way"
                | "decision"
                | "approach"
                | "option"
                | "situation"
                | "process"
                | "proposal"
                | "plan"
                | "development"
                | "sign"
                | "signal"
                | "precedent"
        );
    (n > 0 && !light).then_some((end, end + n))
}

/// Who does what a cue tells of, as far as the clause shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Doer {
    Speaker,
    /// A party other than the speaker: their opposition is the speaker's complaint.
    Other,
    /// Some others ("some leaders", "critics"): told of, no position of the speaker's.
    Group,
}

/// Modal verbs of obligation: a demand, which after "but" is a condition.
const MODALS: &[&str] = &[
    "must",
    "should",
    "need to",
    "needs to",
    "have to",
    "has to",
    "will have to",
];

/// Ends a clause for finding a cue's target: commas and conjunctions, or with `strong` only
/// the breaks between sentences and their halves.
fn is_clause_break(t: &Token, strong: bool) -> bool {
    if t.kind == TokenKind::Punct {
        let p = t.lower.as_str();
        matches!(p, ";" | ":" | "." | "?" | "!" | "–" | "—" | "(" | ")") || (!strong && p == ",")
    } else {
        !strong
            && matches!(
                t.lower.as_str(),
                "but"
                    | "however"
                    | "although"
                    | "though"
                    | "whereas"
                    | "because"
                    | "unless"
                    | "while"
            )
    }
}

fn clause_break_between(tokens: &[Token], from: usize, to: usize) -> bool {
    tokens[from.min(to)..to]
        .iter()
        .any(|t| t.is_punct(',') || t.is_punct(';') || CLAUSE_BREAKS.contains(&t.lower.as_str()))
}

/// The topic a cue speaks to: the one named nearest it in its clause ("support a ceasefire",
/// "sanctions must stay"), else in its stretch of sentence, else, where the clause refers back
/// ("we will keep it"), the one named nearest before it. A cue whose clause names none of the
/// statement's topics and refers to nothing speaks to something else ("we reject their
/// conditions, and we want a truce": "reject" is not about the truce).
fn target(s: &Statement, f: &Found) -> Option<usize> {
    if let Some((from, to)) = f.object {
        return s
            .topics
            .iter()
            .enumerate()
            .flat_map(|(i, t)| t.mentions.iter().map(move |&m| (m, i)))
            .filter(|&(m, _)| m >= from && m < to)
            .min()
            .map(|(_, i)| i);
    }
    let nearest = |(from, to): (usize, usize)| {
        let within = || {
            s.topics
                .iter()
                .enumerate()
                .flat_map(|(i, t)| t.mentions.iter().map(move |&m| (m, i)))
                .filter(move |&(m, _)| m >= from && m < to)
        };
        let pick = |own: bool| {
            within()
                .filter(|&(m, _)| own || m != f.at)
                .map(|(m, i)| (m.abs_diff(f.at), i))
                .min()
                .map(|(_, i)| i)
        };
        if f.names_topic {
            pick(false).or_else(|| pick(true))
        } else {
            pick(true)
        }
    };
    // A hedge ("he still needs more details", "it remains to be seen") has no object of its
    // own: it is about what its sentence is about.
    let hedge = matches!(f.cue, Cue::Neutral(_) | Cue::Condition(_));
    nearest(f.clause)
        .or_else(|| (f.fragment || hedge).then(|| nearest(f.stretch)).flatten())
        .or_else(|| hedge.then(|| nearest((0, usize::MAX))).flatten())
        .or_else(|| {
            // Mostly back ("we will keep it"), sometimes ahead ("it would be good to reach a
            // truce").
            f.anaphor
                .then(|| nearest((0, f.at)).or_else(|| nearest(f.stretch)))
                .flatten()
        })
}

/// Topic `i` is named after the cue, in its clause, before the next cue: the cue's object
/// holds it with the topic it targets ("agreed to a ceasefire on energy infrastructure").
fn ahead(s: &Statement, f: &Found, all: &[Found], i: usize) -> bool {
    let end = match f.object {
        Some((_, end)) if f.direct => end,
        Some(_) => return false,
        None => f.clause.1,
    };
    let next = all
        .iter()
        .map(|g| g.at)
        .filter(|&at| at > f.at)
        .min()
        .unwrap_or(usize::MAX)
        .min(end);
    s.topics[i].mentions.iter().any(|&m| m > f.at && m < next)
}

/// The stance a set of cues gives: support with any reservation, condition or opposition is
/// mixed; opposition with reservations is opposition.
fn decide(cues: &[&Found]) -> (Stance, f64, Option<String>) {
    let mut max = [0.0f64; 4]; // support, oppose, neutral, condition
    for f in cues {
        let (i, w) = match f.cue {
            Cue::Support(w) => (0, w),
            Cue::Oppose(w) => (1, w),
            Cue::Neutral(w) => (2, w),
            Cue::Condition(w) => (3, w),
            _ => continue,
        };
        max[i] = max[i].max(w);
    }
    let [s, o, n, c] = max;
    // Support and a reservation make mixed when both are stated at least as plainly as a
    // cue of middling weight; else the plainer one decides.
    let reservation = o.max(n).max(c);
    let (stance, confidence) = if s > 0.0 && s.min(reservation) >= MIXED_FLOOR {
        (Stance::Mixed, 0.8 * s.max(o).max(n).max(c))
    } else if o > 0.0 && o >= s {
        (Stance::Oppose, o)
    } else if s > reservation {
        (Stance::Support, s)
    } else if n > 0.0 || c > 0.0 {
        (Stance::Neutral, n.max(c))
    } else {
        return (Stance::Unknown, 0.0, None);
    };
    let phrases: Vec<&str> = cues
        .iter()
        .filter(|f| {
            !matches!(
                f.cue,
                Cue::Negation | Cue::Distancing | Cue::Accusation | Cue::Idiom
            )
        })
        .map(|f| &*f.phrase)
        .collect();
    (stance, confidence, Some(phrases.join(" + ")))
}

#[cfg(test)]
mod tests;
