//! Statements in a post. Takes a parsed `Post`; gives its `Statement`s in reading order:
//! every quoted span (direct, partial, or a term in scare quotes) and every reported clause,
//! each with its sentence, its byte offsets, and the speaker as the sentence names it
//! ("he", "the prime minister", "Keir Starmer"). Who that is, is attribution's job.

mod cues;

use std::collections::HashSet;
use std::ops::Range;

pub use cues::{CueKind, Cues};

use crate::data::DataFiles;
use crate::error::Result;
use crate::model::{Attribution, Mention, Paragraph, Post, Statement, StatementKind};
use crate::text::quotes::{self, QuoteSpan};
use crate::text::{Token, TokenKind, fold, quote_marks, sentences, tokenize};

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "these", "those", "his", "her", "its", "their", "our", "my", "your",
];
const PREPOSITIONS: &[&str] = &[
    "in", "on", "at", "of", "for", "with", "by", "from", "to", "about", "into", "over", "after",
    "before", "during", "under", "against", "between", "among", "than", "via", "per", "like",
    "towards", "toward", "upon", "across", "through", "without", "within",
];
const CLAUSE_WORDS: &[&str] = &[
    "and", "but", "or", "nor", "so", "yet", "because", "as", "while", "when", "where", "if",
    "that", "which", "whether", "although", "though", "since", "unless", "until", "what", "how",
    "why", "whom", "whose", "not", "there", "here", "it", "also", "then",
];
const PRONOUNS: &[&str] = &["he", "she", "they", "we", "i", "who", "you"];
/// Prepositions that may open the place or channel of a statement: "says on X that".
const CHANNEL_PREPOSITIONS: &[&str] = &[
    "on", "in", "at", "during", "to", "via", "after", "before", "from",
];
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const WH_WORDS: &[&str] = &["what", "how", "why", "when", "where", "whether"];
const OBJECT_PRONOUNS: &[&str] = &[
    "me",
    "us",
    "him",
    "her",
    "them",
    "you",
    "reporters",
    "journalists",
];

pub struct Extractor {
    cues: Cues,
}

/// A reporting cue in a sentence with who it names and which tokens it covers.
#[derive(Debug, Clone)]
struct Frame {
    cue: Range<usize>,
    kind: CueKind,
    subject: Option<Range<usize>>,
    /// The subject was borrowed from another cue of the sentence ("..., adding ...").
    inherited: bool,
    /// Tokens after the cue that carry the reported words.
    forward: Option<Range<usize>>,
    /// Tokens before the speaker that carry the reported words ("..., Starmer says").
    backward: Option<Range<usize>>,
    /// The cue ends its paragraph with a colon: the next paragraph holds the words.
    opens_next: bool,
}

impl Frame {
    /// Where the frame starts: its subject when that comes first, else the cue.
    fn anchor(&self) -> usize {
        match &self.subject {
            Some(s) if !self.inherited && s.start < self.cue.start => s.start,
            _ => self.cue.start,
        }
    }
}

/// One quoted span located in the tokens of its paragraph.
struct Located {
    span: QuoteSpan,
    open_token: usize,
    /// Last token of the quote (its closing mark, or the paragraph's last token).
    close_token: usize,
}

/// A statement before quotes spanning paragraphs are joined.
struct Piece {
    statement: Statement,
    /// The quote was left open at the end of its paragraph and the next one reopens it.
    continues: bool,
}

impl Extractor {
    pub fn load(data: &DataFiles) -> Result<Self> {
        Ok(Extractor {
            cues: Cues::load(data)?,
        })
    }

    pub fn extract(&self, post: &Post) -> Vec<Statement> {
        let blocks: Vec<_> = post.blocks().collect();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut sentence_index = 0;
        let mut pending = None;
        for (b, block) in blocks.iter().enumerate() {
            let next_reopens = blocks.get(b + 1).is_some_and(|n| {
                !n.is_title
                    && n.paragraph
                        .text
                        .trim_start()
                        .starts_with(['"', '“', '„', '«'])
            });
            self.block(
                block.paragraph,
                block.is_title,
                next_reopens,
                &mut sentence_index,
                &mut pending,
                &mut pieces,
            );
        }
        let mut statements = join_continued(pieces);
        // Within a sentence, in the order the speakers are named, so that "X said, as he
        // called it ..." meets X before "he".
        statements.sort_by_key(|s| {
            let named = s.mention.as_ref().map_or(s.start, |m| m.start.min(s.start));
            (s.sentence_start, named)
        });
        statements
    }

    fn block(
        &self,
        para: &Paragraph,
        is_title: bool,
        next_reopens: bool,
        sentence_index: &mut usize,
        pending: &mut Option<(Mention, String)>,
        out: &mut Vec<Piece>,
    ) {
        // "X said:" closing the paragraph before: this one holds X's words.
        let said_before = pending.take().filter(|_| !is_title);
        let text = para.text.as_str();
        let spans = quotes::scan(text);
        let tokens = tokenize(text, &quote_marks(&spans));
        let located: Vec<Located> = spans
            .into_iter()
            .filter_map(|span| {
                let open_token = tokens.binary_search_by_key(&span.open, |t| t.start).ok()?;
                let close_token = match span.close {
                    Some(c) => tokens.binary_search_by_key(&c, |t| t.start).ok()?,
                    None => tokens.len() - 1,
                };
                Some(Located {
                    span,
                    open_token,
                    close_token,
                })
            })
            .collect();
        let mut in_quote = vec![false; tokens.len()];
        for q in &located {
            for flag in &mut in_quote[q.open_token..=q.close_token] {
                *flag = true;
            }
        }
        let bullet = para.is_bullet();
        let last_quote = located.len().saturating_sub(1);
        if located.is_empty()
            && let Some((who, cue)) = &said_before
        {
            // Direct speech printed without quote marks after "X said:".
            let body = text.trim_start_matches(['-', '•', '*', ' ']);
            if body.split_whitespace().count() >= 3 {
                let start = text.len() - body.len();
                let range = start..text.len();
                out.push(Piece {
                    statement: Statement {
                        kind: StatementKind::Direct,
                        quote: body.to_string(),
                        context: text.to_string(),
                        start: para.offset + range.start,
                        end: para.offset + range.end,
                        sentence_start: para.offset,
                        sentence_index: *sentence_index + 1,
                        in_title: false,
                        in_bullet: para.is_bullet(),
                        attribution: Attribution::Cue,
                        mention: Some(who.clone()),
                        cue: Some(cue.clone()),
                        speaker: None,
                        topics: Vec::new(),
                    },
                    continues: false,
                });
            }
        }
        let all_sentences = sentences(&tokens);
        let sentence_count = all_sentences.len();
        let mut first_quote = 0;
        for (n, sent) in all_sentences.into_iter().enumerate() {
            if is_title {
                *sentence_index = 0;
            } else {
                *sentence_index += 1;
            }
            let byte_range = tokens[sent.start].start..tokens[sent.end - 1].end;
            let context = &text[byte_range.clone()];
            let mut frames = self.frames(&tokens, sent.clone(), &in_quote);
            if is_title {
                frames.extend(dash_frame(&tokens, sent.clone(), &in_quote));
                if frames.is_empty() {
                    frames.extend(colon_frame(&tokens, sent.clone(), &in_quote));
                }
            }
            while first_quote < located.len() && located[first_quote].open_token < sent.start {
                first_quote += 1;
            }
            let quotes_here: Vec<(usize, &Located)> = located
                .iter()
                .enumerate()
                .skip(first_quote)
                .take_while(|(_, q)| q.open_token < sent.end)
                .collect();
            if n + 1 == sentence_count
                && let Some(f) = frames.iter().rev().find(|f| f.opens_next)
            {
                *pending = f.subject.as_ref().map(|s| {
                    (
                        mention(para, &tokens, s.clone()),
                        cue_text(text, &tokens, &f.cue),
                    )
                });
            }
            let base = |kind, quote: &str, range: Range<usize>| Statement {
                kind,
                quote: quote.to_string(),
                context: context.to_string(),
                start: para.offset + range.start,
                end: para.offset + range.end,
                sentence_start: para.offset + byte_range.start,
                sentence_index: *sentence_index,
                in_title: is_title,
                in_bullet: bullet,
                attribution: Attribution::Unscoped,
                mention: None,
                cue: None,
                speaker: None,
                topics: Vec::new(),
            };
            for (qi, q) in &quotes_here {
                let inner = q.span.inner.clone();
                let quote_text = &text[inner.clone()];
                let kind = quote_kind(&tokens, sent.clone(), q, quote_text);
                let mut statement = base(kind, quote_text, inner);
                if self.term_marked(&tokens, sent.start, q.open_token) {
                    statement.kind = StatementKind::Term;
                    statement.attribution = Attribution::Term;
                } else if let Some(f) = claiming_frame(&frames, q) {
                    let frame = &frames[f];
                    statement.attribution = if frame.kind == CueKind::Question {
                        Attribution::Question
                    } else {
                        Attribution::Cue
                    };
                    statement.cue = Some(cue_text(text, &tokens, &frame.cue));
                    statement.mention = frame
                        .subject
                        .as_ref()
                        .map(|s| mention(para, &tokens, s.clone()));
                } else if !frames.is_empty() {
                    statement.attribution = Attribution::Unclaimed;
                } else if stands_alone(&tokens, sent.clone(), q) {
                    statement.attribution = Attribution::Standalone;
                    if let (0, Some((who, cue))) = (n, &said_before) {
                        statement.attribution = Attribution::Cue;
                        statement.mention = Some(who.clone());
                        statement.cue = Some(cue.clone());
                    }
                }
                out.push(Piece {
                    statement,
                    continues: *qi == last_quote && q.span.close.is_none() && next_reopens,
                });
            }
            // Reported speech: a cue whose words carry no quote of their own.
            for frame in &frames {
                if frame.kind == CueKind::Question {
                    continue;
                }
                // "Planning, he said, would now move on": the words around the cue, as written.
                let scope = match (&frame.forward, &frame.backward) {
                    (Some(f), Some(b)) => b.start..f.end,
                    (Some(f), None) => f.clone(),
                    (None, Some(b)) => b.clone(),
                    (None, None) => continue,
                };
                if (scope.start..scope.end).any(|i| in_quote[i]) {
                    continue;
                }
                let Some(range) = clause_bytes(&tokens, scope.clone()) else {
                    continue;
                };
                // Unquoted words in the first person, before "..., said Putin." or after
                // "Putin said:", are his own words printed without marks: direct speech.
                let set_off = frame.forward.is_none()
                    || frame
                        .forward
                        .as_ref()
                        .is_some_and(|f| f.start > 0 && tokens[f.start - 1].is_punct(':'));
                let first_person = tokens[scope.clone()].iter().any(|t| {
                    matches!(
                        t.lower.as_str(),
                        "i" | "we"
                            | "my"
                            | "our"
                            | "us"
                            | "me"
                            | "i'm"
                            | "we're"
                            | "we'll"
                            | "i'll"
                    )
                });
                let kind = if set_off && first_person {
                    StatementKind::Direct
                } else {
                    StatementKind::Indirect
                };
                let mut statement = base(kind, &text[range.clone()], range);
                statement.attribution = Attribution::Cue;
                statement.cue = Some(cue_text(text, &tokens, &frame.cue));
                statement.mention = frame
                    .subject
                    .as_ref()
                    .map(|s| mention(para, &tokens, s.clone()));
                out.push(Piece {
                    statement,
                    continues: false,
                });
            }
        }
    }

    /// `so-called "..."`, `what's being called a "..."`: a label, said by nobody.
    fn term_marked(&self, tokens: &[Token], sent_start: usize, open: usize) -> bool {
        let from = open.saturating_sub(5).max(sent_start);
        (from..open).any(|i| {
            self.cues.at(tokens, i).is_some_and(|(len, kind)| {
                kind == CueKind::TermMarker
                    && (i + len..open).all(|k| {
                        DETERMINERS.contains(&tokens[k].lower.as_str())
                            || tokens[k].kind == TokenKind::Punct
                    })
            })
        })
    }

    fn frames(&self, tokens: &[Token], sent: Range<usize>, in_quote: &[bool]) -> Vec<Frame> {
        let mut frames: Vec<Frame> = Vec::new();
        let mut i = sent.start;
        while i < sent.end {
            if in_quote[i] {
                i += 1;
                continue;
            }
            let Some((len, kind)) = self.cues.at(tokens, i) else {
                i += 1;
                continue;
            };
            if !kind.is_reporting() || i + len > sent.end {
                i += len;
                continue;
            }
            // "the claims", "Trump's calls": a noun, not a reporting verb.
            let noun_use = i > sent.start
                && (DETERMINERS.contains(&tokens[i - 1].lower.as_str())
                    || tokens[i - 1].is_possessive());
            if noun_use {
                i += len;
                continue;
            }
            let cue = i..i + len;
            let frame = if kind == CueKind::AccordingTo {
                self.according_to(tokens, sent.clone(), cue)
            } else {
                self.verb_frame(tokens, sent.clone(), cue, kind, in_quote)
            };
            if let Some(frame) = frame {
                frames.push(frame);
            }
            i += len;
        }
        // Cues with no subject of their own borrow the nearest one of the sentence.
        for k in 0..frames.len() {
            if frames[k].subject.is_some() {
                continue;
            }
            let donor = (0..k)
                .rev()
                .find(|&j| frames[j].subject.is_some())
                .or_else(|| (k + 1..frames.len()).find(|&j| frames[j].subject.is_some()));
            if let Some(j) = donor {
                frames[k].subject = frames[j].subject.clone();
                frames[k].inherited = true;
            }
        }
        // A cue that reports nothing here ("He ends with a call to ...") claims no quote.
        frames.retain(|f| f.forward.is_some() || f.backward.is_some() || f.opens_next);
        // A cue's words stop where the next speaker's sentence part begins.
        for k in 0..frames.len() {
            let limit = frames.get(k + 1).map_or(sent.end, Frame::anchor);
            if let Some(f) = &mut frames[k].forward {
                f.end = f.end.min(limit);
                if f.start >= f.end {
                    frames[k].forward = None;
                }
            }
            let from = if k == 0 {
                sent.start
            } else {
                frames[k - 1].cue.end
            };
            if let Some(b) = &mut frames[k].backward {
                b.start = b.start.max(from);
                if b.start >= b.end {
                    frames[k].backward = None;
                }
            }
        }
        frames
    }

    fn according_to(
        &self,
        tokens: &[Token],
        sent: Range<usize>,
        cue: Range<usize>,
    ) -> Option<Frame> {
        // "according to diplomats": any short phrase will do here.
        let subject = np_right(tokens, cue.end, sent.end).or_else(|| {
            let end = (cue.end..sent.end.min(cue.end + 3))
                .take_while(|&k| tokens[k].kind == TokenKind::Word)
                .last()?;
            Some(cue.end..end + 1)
        })?;
        let after = subject.end;
        let (forward, backward) = if cue.start == sent.start
            || tokens[cue.start - 1].is_punct(',') && cue.start - 1 == sent.start
        {
            let from = if tokens.get(after).is_some_and(|t| t.is_punct(',')) {
                after + 1
            } else {
                after
            };
            ((from < sent.end).then_some(from..sent.end), None)
        } else {
            (None, Some(sent.start..cue.start))
        };
        Some(Frame {
            cue,
            kind: CueKind::AccordingTo,
            subject: Some(subject),
            inherited: false,
            forward,
            backward,
            opens_next: false,
        })
    }

    fn verb_frame(
        &self,
        tokens: &[Token],
        sent: Range<usize>,
        cue: Range<usize>,
        kind: CueKind,
        in_quote: &[bool],
    ) -> Option<Frame> {
        let mut subject = self.np_left(tokens, sent.start, cue.start, in_quote);
        if let Some(s) = &subject {
            // "What Zelensky said after the summit": a headline about a statement, not one.
            if WH_WORDS.contains(&tokens[s.start].lower.as_str()) && s.len() > 1 {
                return None;
            }
            // "pushes back on Kremlin claims": an object, not a speaker.
            if s.start > sent.start && PREPOSITIONS.contains(&tokens[s.start - 1].lower.as_str()) {
                return None;
            }
            // "who says": the speaker is the one named before "who".
            if s.len() == 1 && tokens[s.start].lower == "who" {
                let mut j = s.start;
                if j > sent.start && tokens[j - 1].is_punct(',') {
                    j -= 1;
                }
                subject = np_words_left(tokens, sent.start, j);
                // "Who said what on the deal": a question, not a speaker.
                subject.as_ref()?;
            }
        }
        let mut after = cue.end;
        let mut inverted = false;
        if subject.is_none() {
            let boundary = self.left_boundary(tokens, sent.start, cue.start);
            if boundary {
                // "..., says Finnish president." -- the speaker closes the clause.
                let closes = |s: &Range<usize>| {
                    s.end >= sent.end
                        || matches!(tokens[s.end].kind, TokenKind::Punct | TokenKind::QuoteOpen)
                };
                if let Some(s) = np_right(tokens, cue.end, sent.end).filter(closes) {
                    after = s.end;
                    subject = Some(s);
                    inverted = true;
                }
            }
        }
        if matches!(kind, CueKind::VerbTell | CueKind::Question) && !inverted {
            after = skip_object(tokens, after, sent.end);
        }
        let forward = self.forward_scope(tokens, after, sent.end, kind);
        // "In his nightly address, the president said:" and the paragraph ends.
        let opens_next = forward.is_none()
            && tokens[after..sent.end]
                .iter()
                .rev()
                .find(|t| !t.is_quote())
                .is_some_and(|t| t.is_punct(':'));
        let anchor = match &subject {
            Some(s) if !inverted => s.start,
            _ => cue.start,
        };
        let backward = (anchor > sent.start && {
            let before = &tokens[anchor - 1];
            before.is_punct(',')
                || before.kind == TokenKind::QuoteClose
                || before.lower == "-"
                || before.lower == "–"
                || before.lower == "—"
        })
        .then_some(sent.start..anchor)
        .filter(|b| tokens[b.clone()].iter().any(Token::is_word))
        // "Earlier this month, Lagarde said it was ...": words before a cue that goes on to
        // report are scene-setting; only a cue set off by commas ("Planning, he said, would
        // ...") or closing its clause reports what came before it.
        .filter(|_| {
            forward
                .as_ref()
                .is_none_or(|f| after_comma(tokens, f.start))
        })
        .filter(|_| !opens_next);
        Some(Frame {
            cue,
            kind,
            subject,
            inherited: false,
            forward,
            backward,
            opens_next,
        })
    }

    /// Nothing but connecting words between the start of the clause and the cue: the speaker
    /// may then follow the verb ("..., says Finnish president").
    fn left_boundary(&self, tokens: &[Token], sent_start: usize, cue_start: usize) -> bool {
        let mut j = cue_start;
        while j > sent_start && self.cues.is_aux(&tokens[j - 1]) {
            j -= 1;
        }
        j == sent_start || {
            let t = &tokens[j - 1];
            t.kind == TokenKind::QuoteClose
                || t.is_punct(',')
                || matches!(t.lower.as_str(), "-" | "–" | "—")
        }
    }

    /// The speaker before a verb: skips auxiliaries and adverbs ("has previously warned") and a
    /// parenthesis between commas ("Trump, in a post on X, says"), unless the parenthesis is
    /// itself a name ("The ECB's president, Christine Lagarde, warned").
    fn np_left(
        &self,
        tokens: &[Token],
        sent_start: usize,
        cue_start: usize,
        in_quote: &[bool],
    ) -> Option<Range<usize>> {
        let mut j = cue_start;
        while j > sent_start && self.cues.is_aux(&tokens[j - 1]) {
            j -= 1;
        }
        if j > sent_start && tokens[j - 1].is_punct(',') {
            let comma = j - 1;
            let mut k = comma;
            let mut opening = None;
            while k > sent_start && comma - k < 14 {
                k -= 1;
                if in_quote[k]
                    || self
                        .cues
                        .at(tokens, k)
                        .is_some_and(|(_, c)| c.is_reporting())
                {
                    return None;
                }
                if tokens[k].is_punct(',') {
                    opening = Some(k);
                    break;
                }
            }
            let opening = opening?;
            let inner = opening + 1..comma;
            if name_like(&tokens[inner.clone()]) {
                return Some(inner);
            }
            return np_words_left(tokens, sent_start, opening);
        }
        np_words_left(tokens, sent_start, j)
    }

    /// Where the reported words after a cue start, if they do: after "that" or a colon,
    /// after the channel ("on X", "in a statement"); none when the cue closes its clause.
    fn forward_scope(
        &self,
        tokens: &[Token],
        mut p: usize,
        end: usize,
        kind: CueKind,
    ) -> Option<Range<usize>> {
        // "said Wednesday that", "said on Thursday": when, not what.
        if p < end && tokens[p].cap && WEEKDAYS.contains(&tokens[p].lower.as_str()) {
            p += 1;
            if p < end
                && matches!(
                    tokens[p].lower.as_str(),
                    "night" | "morning" | "afternoon" | "evening"
                )
            {
                p += 1;
            }
        }
        // "says on X that", "said in a statement:" -- skip the channel when a clause start follows.
        if p < end
            && kind != CueKind::VerbTrailing
            && CHANNEL_PREPOSITIONS.contains(&tokens[p].lower.as_str())
        {
            let stop = (p + 1..end.min(p + 8)).find(|&k| {
                let t = &tokens[k];
                t.lower == "that"
                    || t.is_punct(':')
                    || t.is_punct(',')
                    || t.is_punct('.')
                    || t.is_quote()
            });
            // "pushes back on Kremlin claims that": the object of the cue, not its channel.
            let names_speech = |to: usize| {
                (p + 1..to).any(|k| {
                    self.cues
                        .at(tokens, k)
                        .is_some_and(|(_, c)| c.is_reporting())
                })
            };
            match stop {
                Some(k) if !names_speech(k) => p = k,
                None if end <= p + 8 && !names_speech(end) => p = end,
                _ => {}
            }
        }
        if p >= end {
            return None;
        }
        let t = &tokens[p];
        if t.lower == "that" || t.is_punct(':') {
            return (p + 1 < end).then_some(p + 1..end);
        }
        if t.kind == TokenKind::QuoteOpen {
            return Some(p..end);
        }
        if t.is_punct(',') {
            let next = tokens.get(p + 1)?;
            if p + 1 >= end {
                return None;
            }
            if next.kind == TokenKind::QuoteOpen {
                return Some(p + 1..end);
            }
            if matches!(next.lower.as_str(), "and" | "but") {
                let resumes = self.cues.at(tokens, p + 2).is_none();
                return resumes.then_some(p + 2..end).filter(|r| r.start < r.end);
            }
            if kind == CueKind::VerbTrailing {
                return None;
            }
            let breaks = self
                .cues
                .at(tokens, p + 1)
                .is_some_and(|(_, c)| c == CueKind::ScopeBreak || c.is_reporting());
            return (!breaks).then_some(p + 1..end);
        }
        if t.kind == TokenKind::Punct || kind == CueKind::VerbTrailing {
            return None;
        }
        Some(p..end)
    }
}

/// Words of a noun phrase ending just before `end`: a pronoun, or capitalised words and up
/// to three lower-case ones back to a determiner ("the prime minister", "Ukraine's president",
/// "her office", "a spokesperson for the Kremlin").
fn np_words_left(tokens: &[Token], sent_start: usize, end: usize) -> Option<Range<usize>> {
    if end <= sent_start {
        return None;
    }
    let last = &tokens[end - 1];
    if last.kind != TokenKind::Word {
        return None;
    }
    if PRONOUNS.contains(&last.lower.as_str()) {
        return Some(end - 1..end);
    }
    if last.is_possessive() && !last.cap {
        return None;
    }
    let mut k = end;
    let mut lower_words = 0;
    while k > sent_start && end - k < 8 {
        let t = &tokens[k - 1];
        if t.kind != TokenKind::Word && t.kind != TokenKind::Number {
            break;
        }
        let w = t.lower.as_str();
        if DETERMINERS.contains(&w) {
            k -= 1;
            // "a spokeswoman for the dockers' union": go on over "for the".
            let hop = k >= 2 + sent_start
                && matches!(tokens[k - 1].lower.as_str(), "of" | "for")
                && (k.saturating_sub(5).max(sent_start)..k - 1)
                    .any(|x| DETERMINERS.contains(&tokens[x].lower.as_str()));
            if hop {
                k -= 1;
                continue;
            }
            break;
        }
        // "Secretary of State Marco Rubio": "of" inside a capitalised title.
        if w == "of" && k < end && k >= sent_start + 2 && tokens[k - 2].cap && tokens[k].cap {
            k -= 1;
            continue;
        }
        if matches!(w, "of" | "for") && k < end {
            // "a spokesperson for the Kremlin": one hop over of/for inside a phrase with a
            // determiner just before.
            let has_det = (k.saturating_sub(4).max(sent_start)..k - 1)
                .any(|x| DETERMINERS.contains(&tokens[x].lower.as_str()));
            if has_det && k >= 2 && !tokens[k - 2].cap && tokens[k - 2].kind == TokenKind::Word {
                k -= 1;
                continue;
            }
            break;
        }
        if !t.cap
            && (PREPOSITIONS.contains(&w) || CLAUSE_WORDS.contains(&w) || PRONOUNS.contains(&w))
        {
            break;
        }
        if !t.cap {
            lower_words += 1;
            if lower_words > 3 {
                break;
            }
        }
        k -= 1;
    }
    (k < end).then_some(k..end)
}

/// A noun phrase starting at `from` ("Finnish president", "a spokesperson for the Kremlin").
fn np_right(tokens: &[Token], from: usize, end: usize) -> Option<Range<usize>> {
    let mut k = from;
    if k < end && DETERMINERS.contains(&tokens[k].lower.as_str()) {
        k += 1;
    }
    let mut lower_words = 0;
    let mut saw_cap = false;
    while k < end && k - from < 8 {
        let t = &tokens[k];
        if t.kind != TokenKind::Word {
            break;
        }
        let w = t.lower.as_str();
        if k > from && DETERMINERS.contains(&w) {
            break;
        }
        if matches!(w, "of" | "for") && k > from && k + 1 < end {
            k += 1;
            if DETERMINERS.contains(&tokens[k].lower.as_str()) {
                k += 1;
            }
            continue;
        }
        if !t.cap && (PREPOSITIONS.contains(&w) || CLAUSE_WORDS.contains(&w)) {
            break;
        }
        if t.cap {
            saw_cap = true;
        } else {
            lower_words += 1;
            if lower_words > 3 {
                break;
            }
        }
        k += 1;
    }
    let has_det = DETERMINERS.contains(&tokens.get(from)?.lower.as_str());
    (k > from && (saw_cap || has_det)).then_some(from..k)
}

/// The token at `at` follows a comma, or a comma and "and"/"but".
fn after_comma(tokens: &[Token], at: usize) -> bool {
    let prev = |k: usize| at.checked_sub(k).map(|i| &tokens[i]);
    prev(1).is_some_and(|t| t.is_punct(','))
        || (prev(1).is_some_and(|t| matches!(t.lower.as_str(), "and" | "but"))
            && prev(2).is_some_and(|t| t.is_punct(',')))
}

/// "Christine Lagarde": capitalised words only.
fn name_like(tokens: &[Token]) -> bool {
    !tokens.is_empty()
        && tokens.len() <= 5
        && tokens.iter().all(|t| t.kind == TokenKind::Word && t.cap)
}

/// "told the BBC that", "told reporters": the person told comes before the words.
fn skip_object(tokens: &[Token], from: usize, end: usize) -> usize {
    let Some(t) = tokens.get(from) else {
        return from;
    };
    if from >= end {
        return from;
    }
    if OBJECT_PRONOUNS.contains(&t.lower.as_str()) {
        return from + 1;
    }
    if let Some(r) = np_right(tokens, from, end) {
        return r.end;
    }
    // "told state media.", "told state television that": a short plain-word audience.
    let words = (from..end.min(from + 3))
        .take_while(|&k| tokens[k].kind == TokenKind::Word)
        .count();
    let after = tokens.get(from + words);
    let closes =
        after.is_none_or(|t| t.kind == TokenKind::Punct || t.is_quote() || t.lower == "that");
    if words > 0 && closes {
        from + words
    } else {
        from
    }
}

/// A headline `Conflict will reach our shores - Starmer`: the name after a closing dash.
fn dash_frame(tokens: &[Token], sent: Range<usize>, in_quote: &[bool]) -> Option<Frame> {
    let dash = (sent.start + 1..sent.end)
        .rev()
        .find(|&i| !in_quote[i] && matches!(tokens[i].lower.as_str(), "-" | "–" | "—"))?;
    let name = dash + 1..sent.end;
    let words = &tokens[name.clone()];
    let ok = !words.is_empty()
        && words.len() <= 5
        && words[0].cap
        && words.iter().all(|t| t.kind == TokenKind::Word);
    ok.then(|| Frame {
        cue: dash..dash + 1,
        kind: CueKind::Verb,
        subject: Some(name),
        inherited: false,
        forward: None,
        backward: Some(sent.start..dash),
        opens_next: false,
    })
}

/// A headline `Zelenskiy: 'We need air defence'`: a name, a colon, then their words.
fn colon_frame(tokens: &[Token], sent: Range<usize>, in_quote: &[bool]) -> Option<Frame> {
    let colon = (sent.start + 1..sent.end.min(sent.start + 6))
        .find(|&i| tokens[i].is_punct(':') && !in_quote[i])?;
    let name = sent.start..colon;
    let words = &tokens[name.clone()];
    let ok = words.len() <= 4
        && words.iter().all(|t| t.kind == TokenKind::Word && t.cap)
        && colon + 1 < sent.end;
    ok.then(|| Frame {
        cue: colon..colon + 1,
        kind: CueKind::Verb,
        subject: Some(name),
        inherited: false,
        forward: Some(colon + 1..sent.end),
        backward: None,
        opens_next: false,
    })
}

/// The frame whose words hold the quote: a speaker named right after it wins
/// (`"...," he says`), then a cue before it, then one after.
fn claiming_frame(frames: &[Frame], q: &Located) -> Option<usize> {
    let trailing = frames.iter().position(|f| {
        f.backward
            .as_ref()
            .is_some_and(|b| b.contains(&q.open_token))
            && f.anchor() > q.close_token
            && f.anchor() - q.close_token <= 3
    });
    trailing
        .or_else(|| {
            frames
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.forward
                        .as_ref()
                        .is_some_and(|r| r.contains(&q.open_token))
                })
                .map(|(i, _)| i)
                .next_back()
        })
        .or_else(|| {
            frames.iter().position(|f| {
                f.backward
                    .as_ref()
                    .is_some_and(|b| b.contains(&q.open_token))
            })
        })
}

/// Direct when the quote is a sentence of its own (opens its clause with a capital and runs
/// on), partial when it is a fragment woven into the reporter's sentence.
fn quote_kind(
    tokens: &[Token],
    sent: Range<usize>,
    q: &Located,
    quote_text: &str,
) -> StatementKind {
    let first = quote_text
        .trim_start_matches(['[', '.', '…', ' '])
        .chars()
        .next();
    let capital = first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        || quote_text.starts_with('[');
    let opens_clause = q.open_token == sent.start || {
        let before = &tokens[q.open_token - 1];
        before.is_punct(':')
            || before.is_punct(',')
            || before.is_punct('.')
            || matches!(before.lower.as_str(), "-" | "–" | "—")
    };
    let words = quote_text.split_whitespace().count();
    let ends_sentence = quote_text.trim_end().ends_with(['.', '!', '?', ',']);
    if capital && opens_clause && (words >= 3 || ends_sentence) {
        StatementKind::Direct
    } else {
        StatementKind::Partial
    }
}

/// The sentence is the quote and nothing else but punctuation.
fn stands_alone(tokens: &[Token], sent: Range<usize>, q: &Located) -> bool {
    (sent.start..q.open_token)
        .chain(q.close_token + 1..sent.end)
        .all(|i| tokens[i].kind == TokenKind::Punct)
}

/// The bytes of a reported clause, without a leading "that" or trailing punctuation; None for
/// fewer than three words.
fn clause_bytes(tokens: &[Token], scope: Range<usize>) -> Option<Range<usize>> {
    let mut a = scope.start;
    let mut b = scope.end;
    // "that" opening the reported words goes; "That conversation" keeps its capital.
    while a < b
        && (tokens[a].kind == TokenKind::Punct || (tokens[a].lower == "that" && !tokens[a].cap))
    {
        a += 1;
    }
    while b > a
        && (tokens[b - 1].kind == TokenKind::Punct
            || matches!(
                tokens[b - 1].lower.as_str(),
                "but" | "and" | "as" | "while" | "or"
            ))
    {
        b -= 1;
    }
    let words = tokens[a..b].iter().filter(|t| t.is_word()).count();
    (words >= 3).then(|| tokens[a].start..tokens[b - 1].end)
}

fn cue_text(text: &str, tokens: &[Token], cue: &Range<usize>) -> String {
    text[tokens[cue.start].start..tokens[cue.end - 1].end].to_string()
}

fn mention(para: &Paragraph, tokens: &[Token], r: Range<usize>) -> Mention {
    let start = tokens[r.start].start;
    Mention {
        text: para.text[start..tokens[r.end - 1].end].to_string(),
        start: para.offset + start,
    }
}

/// Joins the parts of a quote that runs over several paragraphs (an opening mark on each,
/// a closing mark only on the last) into one statement.
fn join_continued(pieces: Vec<Piece>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::with_capacity(pieces.len());
    let mut open: Option<Statement> = None;
    for piece in pieces {
        let is_quote = piece.statement.kind != StatementKind::Indirect;
        match open.take() {
            Some(mut head) if is_quote => {
                let next = piece.statement;
                head.quote = format!("{} {}", head.quote, next.quote);
                head.end = next.end;
                head.context = format!("{} {}", head.context, next.context);
                if head.attribution != Attribution::Cue && next.attribution == Attribution::Cue {
                    head.attribution = next.attribution;
                    head.mention = next.mention;
                    head.cue = next.cue;
                }
                if head.kind == StatementKind::Partial && next.kind == StatementKind::Direct {
                    head.kind = StatementKind::Direct;
                }
                if piece.continues {
                    open = Some(head);
                } else {
                    out.push(head);
                }
            }
            Some(head) => {
                out.push(head);
                out.push(piece.statement);
            }
            None if piece.continues => open = Some(piece.statement),
            None => out.push(piece.statement),
        }
    }
    out.extend(open);
    out
}

/// A phrase quoted as a label anywhere in a source (`so-called "X"`) is a label wherever the
/// source quotes it as a fragment.
pub fn propagate_terms(posts: &mut [Vec<Statement>]) {
    let terms: HashSet<String> = posts
        .iter()
        .flatten()
        .filter(|s| s.kind == StatementKind::Term)
        .map(|s| fold(&s.quote))
        .collect();
    if terms.is_empty() {
        return;
    }
    for s in posts.iter_mut().flatten() {
        if s.kind == StatementKind::Partial && terms.contains(&fold(&s.quote)) {
            s.kind = StatementKind::Term;
            s.attribution = Attribution::Term;
        }
    }
}

#[cfg(test)]
mod tests;
