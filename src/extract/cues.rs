//! The reporting cues of `data/speech_cues.csv`, compiled for matching on tokens.

// Fx hashing: the keys are short words looked up for every token, where SipHash cost shows.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::data::DataFiles;
use crate::error::{Error, Result};
use crate::text::phrases::WordBits;
use crate::text::{Token, TokenKind, tokenize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueKind {
    Verb,
    VerbTrailing,
    VerbTell,
    AccordingTo,
    Question,
    TermMarker,
    /// A noun for something said, after the words it names: `Stubb's "..." remark`.
    SpeechNoun,
    /// A word of a news outlet's name: "Headline – Sky News" names the site, not a speaker.
    OutletWord,
    ScopeBreak,
    Aux,
    Anaphor,
    /// A position taken by deed, not by word: "agreed to", "refused to", "sought".
    Action,
}

impl CueKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "verb" => CueKind::Verb,
            "verb_trailing" => CueKind::VerbTrailing,
            "verb_tell" => CueKind::VerbTell,
            "according_to" => CueKind::AccordingTo,
            "question" => CueKind::Question,
            "term_marker" => CueKind::TermMarker,
            "speech_noun" => CueKind::SpeechNoun,
            "outlet_word" => CueKind::OutletWord,
            "scope_break" => CueKind::ScopeBreak,
            "aux" => CueKind::Aux,
            "anaphor" => CueKind::Anaphor,
            "action" => CueKind::Action,
            _ => return None,
        })
    }

    /// A verb of speech ("said", "told"), as against "according to" or a question.
    pub fn is_verb(self) -> bool {
        matches!(
            self,
            CueKind::Verb | CueKind::VerbTrailing | CueKind::VerbTell
        )
    }

    pub fn is_reporting(self) -> bool {
        matches!(
            self,
            CueKind::Verb
                | CueKind::VerbTrailing
                | CueKind::VerbTell
                | CueKind::AccordingTo
                | CueKind::Question
        )
    }
}

/// Phrases indexed by their first word, longest first, so "according to" wins over "according".
#[derive(Debug, Default)]
pub struct Cues {
    by_first: HashMap<String, Vec<(Vec<String>, CueKind)>>,
    /// The first words, asked first: most tokens start no cue.
    firsts: WordBits,
    aux: HashSet<String>,
}

impl Cues {
    pub fn load(data: &DataFiles) -> Result<Self> {
        let mut cues = Cues::default();
        for (line, row) in data.records("speech_cues.csv")? {
            let phrase = row.get(0).unwrap_or("");
            let kind = row.get(1).unwrap_or("");
            let kind = CueKind::parse(kind).ok_or_else(|| Error::Data {
                file: "speech_cues.csv".into(),
                line,
                message: format!("unknown cue kind '{kind}'"),
            })?;
            let words: Vec<String> = tokenize(phrase, &[])
                .into_iter()
                .map(|t| t.lower.into_string())
                .collect();
            if words.is_empty() {
                continue;
            }
            if kind == CueKind::Aux && words.len() == 1 {
                cues.aux.insert(words[0].clone());
                continue;
            }
            cues.firsts.insert(&words[0]);
            cues.by_first
                .entry(words[0].clone())
                .or_default()
                .push((words, kind));
        }
        for list in cues.by_first.values_mut() {
            list.sort_by_key(|entry| std::cmp::Reverse(entry.0.len()));
        }
        Ok(cues)
    }

    /// A noun for something said at token `i` ("remark", "comments"), even where the same
    /// word is also a verb cue ("claim", "warning").
    pub fn is_speech_noun(&self, tokens: &[Token], i: usize) -> bool {
        tokens.get(i).is_some_and(|t| {
            self.by_first.get(t.lower.as_str()).is_some_and(|list| {
                list.iter()
                    .any(|(words, kind)| *kind == CueKind::SpeechNoun && words.len() == 1)
            })
        })
    }

    /// Whether the token is a word of a news outlet's name ("News", "Times").
    pub fn is_outlet_word(&self, token: &Token) -> bool {
        self.by_first.get(token.lower.as_str()).is_some_and(|list| {
            list.iter()
                .any(|(words, kind)| *kind == CueKind::OutletWord && words.len() == 1)
        })
    }

    /// The cue starting at token `i`, as (number of tokens, kind).
    pub fn at(&self, tokens: &[Token], i: usize) -> Option<(usize, CueKind)> {
        let first = tokens.get(i)?;
        if first.kind != TokenKind::Word {
            return None;
        }
        if !self.firsts.may_contain(&first.lower) {
            return None;
        }
        let list = self.by_first.get(first.lower.as_str())?;
        list.iter().find_map(|(words, kind)| {
            let fits = words.iter().enumerate().all(|(k, w)| {
                tokens
                    .get(i + k)
                    .is_some_and(|t| t.kind != TokenKind::QuoteOpen && t.lower == *w)
            });
            fits.then_some((words.len(), *kind))
        })
    }

    pub fn is_aux(&self, token: &Token) -> bool {
        // Capitalised, "May" or "Will" is a name, not an auxiliary.
        token.kind == TokenKind::Word
            && !token.cap
            && (self.aux.contains(token.lower.as_str())
                || (token.lower.len() > 4 && token.lower.ends_with("ly") && !token.cap))
    }
}
