//! Statements in a post. Takes a parsed `Post` and its shared analysis; gives its
//! `Statement`s in reading order: every quoted span (direct, partial, or a term in scare
//! quotes), every reported clause, speech printed without quote marks and transcript turns,
//! each with its sentence, its byte offsets, the words of the speaker around a fragment, and
//! the speaker as the sentence names it ("he", "the prime minister", "Keir Starmer"). Who
//! that is, is attribution's job.

mod cues;
mod frames;
mod transcript;

use std::collections::HashSet;
use std::ops::Range;

pub use cues::{CueKind, Cues};

use crate::data::DataFiles;
use crate::error::Result;
use crate::model::{Attribution, Block, Mention, Paragraph, Post, Statement, StatementKind};
use crate::text::analysis::{BlockAnalysis, PostAnalysis};
use crate::text::quotes::QuoteSpan;
use crate::text::{Token, TokenKind, fold};
use frames::{DETERMINERS, Frame, colon_frame, dash_frame};

pub struct Extractor {
    cues: Cues,
}

/// Words of a speaker about themselves, as written.
const FIRST_PERSON: &[&str] = &[
    "I", "we", "We", "my", "My", "our", "Our", "us", "me", "I'm", "I’m", "We're", "We’re", "we're",
    "we’re", "I'll", "I’ll", "We'll", "We’ll", "we'll", "we’ll",
];

/// What a paragraph announced about the ones after it: "X said:", "Here is X's statement".
#[derive(Debug, Clone)]
pub(crate) struct Intro {
    who: Mention,
    cue: String,
    /// Announced as a statement: the words go on without needing the first person.
    statement: bool,
    /// Paragraphs already taken as the words.
    taken: usize,
}

/// Nouns for a text someone published, as an intro names it.
const INTRO_NOUNS: &[&str] = &[
    "statement",
    "message",
    "post",
    "letter",
    "remarks",
    "speech",
    "address",
    "comments",
    "words",
    "transcript",
    "tweet",
    "response",
    "reaction",
    "text",
];

/// One quoted span located in the tokens of its paragraph.
struct Located<'a> {
    span: &'a QuoteSpan,
    open_token: usize,
    /// Last token of the quote (its closing mark, or the paragraph's last token).
    close_token: usize,
}

/// A statement before quotes spanning paragraphs are joined.
struct Piece {
    statement: Statement,
    /// The quote was left open at the end of its paragraph and the next one reopens it.
    continues: bool,
    /// One of the statements of a coordinated subject ("Macron and Starmer said"): the same
    /// words, each with its own speaker.
    joint: bool,
}

impl Extractor {
    pub fn load(data: &DataFiles) -> Result<Self> {
        Ok(Extractor {
            cues: Cues::load(data)?,
        })
    }

    /// The statements of a post, read from its shared analysis (`analysis.blocks[i]` is the
    /// post's i-th block).
    pub fn extract(&self, post: &Post, analysis: &PostAnalysis) -> Vec<Statement> {
        let blocks: Vec<_> = post.blocks().collect();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut sentence_index = 0;
        let mut pending = None;
        // Two labelled turns or more make the post a transcript.
        let transcript = blocks
            .iter()
            .filter(|b| !b.is_title && transcript::label(&b.paragraph.text).is_some())
            .count()
            >= 2;
        let mut turn: Option<(Mention, bool)> = None;
        for (b, block) in blocks.iter().enumerate() {
            if transcript && !block.is_title {
                let para = block.paragraph;
                if let Some(label) = transcript::label(&para.text) {
                    turn = Some((
                        Mention {
                            text: label.name.clone(),
                            start: para.offset,
                        },
                        label.asks,
                    ));
                    sentence_index += 1;
                    pieces.extend(turn_piece(para, label.len, &turn, sentence_index));
                    continue;
                }
                if turn.is_some() {
                    sentence_index += 1;
                    pieces.extend(turn_piece(para, 0, &turn, sentence_index));
                    continue;
                }
            }
            let next_reopens = blocks.get(b + 1).is_some_and(|n| {
                !n.is_title
                    && n.paragraph
                        .text
                        .trim_start()
                        .starts_with(['"', '“', '„', '«'])
            });
            self.block(
                block,
                &analysis.blocks[b],
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
        block: &Block,
        analysed: &BlockAnalysis,
        next_reopens: bool,
        sentence_index: &mut usize,
        pending: &mut Option<Intro>,
        out: &mut Vec<Piece>,
    ) {
        let (para, is_title) = (block.paragraph, block.is_title);
        // "X said:" closing the paragraph before: this one holds X's words.
        let text = para.text.as_str();
        let spans = &analysed.spans;
        let tokens = &analysed.tokens;
        let intro = pending
            .take()
            .filter(|_| !is_title)
            .filter(|i| i.taken == 0 || self.continues_block(i, text, tokens, spans.is_empty()));
        let said_before = intro.as_ref().map(|i| (i.who.clone(), i.cue.clone()));
        let located: Vec<Located> = spans
            .iter()
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
            // A heading ("Prime Minister Jane Doe") introduces, it does not speak.
            let sentence_like = body
                .trim_end()
                .ends_with(['.', '!', '?', '…', '"', '”', '’', ')']);
            if body.split_whitespace().count() >= 3 && sentence_like {
                // The words may go on in the paragraphs after this one.
                if let Some(i) = &intro {
                    *pending = Some(Intro {
                        taken: i.taken + 1,
                        ..i.clone()
                    });
                }
                let start = text.len() - body.len();
                let range = start..text.len();
                out.push(Piece {
                    statement: Statement {
                        kind: StatementKind::Direct,
                        quote: body.to_string(),
                        context: text.to_string(),
                        context_start: para.offset,
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
                        label_like: false,
                        scope: None,
                    },
                    continues: false,
                    joint: false,
                });
            }
        }
        if pending.is_none()
            && !is_title
            && let Some(i) = self.statement_intro(para, tokens)
        {
            *pending = Some(i);
        }
        let all_sentences = analysed.sentences.clone();
        let sentence_count = all_sentences.len();
        let mut first_quote = 0;
        for (n, sent) in all_sentences.into_iter().enumerate() {
            if is_title {
                *sentence_index = 0;
            } else {
                *sentence_index += 1;
            }
            let byte_range = tokens[sent.start].start..tokens[sent.end - 1].end;
            let mut action_cues = Vec::new();
            let mut frames = self.frames(tokens, sent.clone(), &in_quote, &mut action_cues);
            // A headline, or a line set as one in the body ("'Not up to us' - Macron"),
            // names its speaker after a dash or before a colon.
            if is_title || (sentence_count == 1 && headline_like(text)) {
                // "Headline – Sky News": the site's name, not a speaker.
                frames.extend(dash_frame(tokens, sent.clone(), &in_quote).filter(|f| {
                    f.subject.as_ref().is_none_or(|r| {
                        !tokens[r.clone()]
                            .iter()
                            .any(|t| self.cues.is_outlet_word(t))
                    })
                }));
                if frames.is_empty() {
                    frames.extend(colon_frame(tokens, sent.clone(), &in_quote));
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
            // "X said:" closing the paragraph, or "X said the plan was ... :" -- a colon
            // at the end hands the next paragraph to the last speaker named.
            let ends_in_colon = text.trim_end().ends_with(':');
            if n + 1 == sentence_count
                && let Some(f) = frames
                    .iter()
                    .rev()
                    .find(|f| f.opens_next || (ends_in_colon && f.subject.is_some()))
            {
                *pending = f.subject.as_ref().map(|s| Intro {
                    who: mention(para, tokens, s.clone()),
                    cue: cue_text(text, tokens, &f.cue),
                    statement: false,
                    taken: 0,
                });
            }
            let base = |kind, quote: &str, range: Range<usize>| {
                let around = context_window(text, byte_range.clone(), range.clone());
                Statement {
                    kind,
                    quote: quote.to_string(),
                    context: text[around.clone()].to_string(),
                    context_start: para.offset + around.start,
                    start: para.offset + range.start,
                    end: para.offset + range.end,
                    sentence_start: para.offset + around.start,
                    sentence_index: *sentence_index,
                    in_title: is_title,
                    in_bullet: bullet,
                    attribution: Attribution::Unscoped,
                    mention: None,
                    cue: None,
                    speaker: None,
                    topics: Vec::new(),
                    label_like: false,
                    scope: None,
                }
            };
            // Where each quote of the sentence went in `out`, for joining interrupted ones.
            let mut placed: Vec<(usize, usize, usize)> = Vec::new();
            for (qi, q) in &quotes_here {
                let inner = q.span.inner.clone();
                let quote_text = &text[inner.clone()];
                let kind = quote_kind(tokens, sent.clone(), q, quote_text);
                let mut statement = base(kind, quote_text, inner);
                if self.term_marked(tokens, sent.start, q.open_token) {
                    statement.kind = StatementKind::Term;
                    statement.attribution = Attribution::Term;
                    // Marked as a label by the text itself: a label wherever it is quoted.
                    statement.cue = Some(MARKED_LABEL.into());
                } else if let Some(owner) = self.possessive_owner(tokens, sent.clone(), q) {
                    // `Stubb's "glass half full" remark`: the words of the one whose remark it is.
                    statement.attribution = Attribution::Cue;
                    statement.cue = Some(cue_text(
                        text,
                        tokens,
                        &(q.close_token + 1..q.close_token + 2),
                    ));
                    let m = mention(para, tokens, owner);
                    let bare = crate::text::strip_possessive(&m.text).len();
                    statement.mention = Some(Mention {
                        text: m.text[..bare].to_string(),
                        start: m.start,
                    });
                } else if let Some(f) = claiming_frame(&frames, q) {
                    let frame = &frames[f];
                    statement.attribution = if frame.kind == CueKind::Question {
                        Attribution::Question
                    } else {
                        Attribution::Cue
                    };
                    statement.cue = Some(cue_text(text, tokens, &frame.cue));
                    statement.mention = frame
                        .subject
                        .as_ref()
                        .map(|s| mention(para, tokens, s.clone()));
                    // The clause the cue reports, which holds the fragment: the speaker's words.
                    statement.scope = [&frame.forward, &frame.backward]
                        .into_iter()
                        .flatten()
                        .find(|r| r.contains(&q.open_token))
                        .map(|r| words_of(para, tokens, r, &frame.cue));
                } else if !frames.is_empty() {
                    statement.attribution = Attribution::Unclaimed;
                } else if stands_alone(tokens, sent.clone(), q) {
                    statement.attribution = Attribution::Standalone;
                    if let (0, Some((who, cue))) = (n, &said_before) {
                        statement.attribution = Attribution::Cue;
                        statement.mention = Some(who.clone());
                        statement.cue = Some(cue.clone());
                    }
                } else if let Some(subject) =
                    frames::opening_subject(tokens, sent.clone(), q.open_token)
                {
                    // "The minister made repeated references to the "deal we signed"": a
                    // fragment quoted in a sentence about someone is likely theirs. Attribution
                    // takes the subject only if it turns out to be a speaker.
                    statement.mention = Some(mention(para, tokens, subject));
                }
                // `a "reassurance force"`, `the "coalition of the willing"`: a short noun phrase
                // in quote marks that no cue gives to anyone is a label, not a statement.
                statement.label_like = matches!(
                    statement.attribution,
                    Attribution::Unscoped | Attribution::Unclaimed
                ) && statement.kind == StatementKind::Partial
                    && label_shaped(tokens, q, quote_text);
                placed.push((out.len(), q.open_token, q.close_token));
                out.push(Piece {
                    statement,
                    continues: *qi == last_quote && q.span.close.is_none() && next_reopens,
                    joint: false,
                });
            }
            join_interrupted(out, &placed, tokens);
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
                let Some(range) = clause_bytes(tokens, scope.clone()) else {
                    continue;
                };
                // Unquoted words in the first person, before "..., said Putin." or after
                // "Putin said:", are his own words printed without marks: direct speech.
                let set_off = frame.forward.is_none()
                    || frame
                        .forward
                        .as_ref()
                        .is_some_and(|f| f.start > 0 && tokens[f.start - 1].is_punct(':'));
                // As written: "US" is a country, "us" a speaker.
                let first_person = tokens[scope.clone()]
                    .iter()
                    .any(|t| FIRST_PERSON.contains(&&text[t.start..t.end]));
                // "The causes must be removed, said Putin.": a whole sentence before a
                // speaker named after the verb is how a text without quote marks quotes.
                // The speaker is named ("said Putin"), not a bare title ("says Norwegian
                // minister", the headline way of reporting).
                let named = frame
                    .subject
                    .as_ref()
                    .is_some_and(|r| tokens[r.end - 1].cap);
                let inverted_sentence = !is_title
                    && named
                    && frame.inverted
                    && frame.forward.is_none()
                    && scope.start == sent.start
                    && tokens[scope.start].cap
                    && tokens[scope.clone()].iter().filter(|t| t.is_word()).count() >= 4;
                let kind = if set_off && (first_person || inverted_sentence) {
                    StatementKind::Direct
                } else {
                    StatementKind::Indirect
                };
                let mut statement = base(kind, &text[range.clone()], range);
                statement.attribution = Attribution::Cue;
                statement.scope = Some(words_of(para, tokens, &scope, &frame.cue));
                statement.cue = Some(cue_text(text, tokens, &frame.cue));
                statement.mention = frame
                    .subject
                    .as_ref()
                    .map(|s| mention(para, tokens, s.clone()));
                push_for_each(out, statement, para, tokens, frame.subject.as_ref());
            }
            // A position taken by deed: "Ukraine agreed to the truce", "Macron and Starmer
            // reveal plans for a force", outside any reported words; or, inside them, one that
            // a named party took ("the Kremlin said Putin had agreed to pause strikes").
            for (cue, subject, clause) in self.actions(tokens, sent.clone(), &in_quote, action_cues)
            {
                let reported = frames.iter().find(|f| {
                    [&f.forward, &f.backward]
                        .into_iter()
                        .flatten()
                        .any(|r| r.contains(&cue.start))
                });
                if let Some(f) = reported {
                    let named = tokens[subject.clone()].iter().all(|t| t.cap && t.is_word());
                    let same = f.subject.as_ref().is_some_and(|s| {
                        tokens[s.clone()]
                            .iter()
                            .map(|t| &t.lower)
                            .eq(tokens[subject.clone()].iter().map(|t| &t.lower))
                    });
                    if !named || same {
                        continue;
                    }
                }
                let Some(range) = clause_bytes(tokens, cue.start..clause.end) else {
                    continue;
                };
                let mut statement = base(StatementKind::Action, &text[range.clone()], range);
                statement.attribution = Attribution::Cue;
                statement.scope = Some(words_of(para, tokens, &(cue.start..clause.end), &cue));
                statement.cue = Some(cue_text(text, tokens, &cue));
                statement.mention = Some(mention(para, tokens, subject.clone()));
                push_for_each(out, statement, para, tokens, Some(&subject));
            }
        }
    }

    /// The action cues of a sentence (found while reading its frames) with who took each and
    /// the rest of its clause.
    fn actions(
        &self,
        tokens: &[Token],
        sent: Range<usize>,
        in_quote: &[bool],
        cues: Vec<Range<usize>>,
    ) -> Vec<(Range<usize>, Range<usize>, Range<usize>)> {
        let mut out = Vec::new();
        for cue in cues {
            let i = cue.start;
            // "the Kremlin-backed plan": a word inside a compound is no verb.
            let compound = i > sent.start
                && tokens[i - 1].lower == "-"
                && tokens[i - 1].start == tokens[i - 2.min(i)].end;
            // "the Kremlin has so far opposed": a phrase of time between the doer and the
            // verb.
            let mut verb = i;
            if verb >= sent.start + 2
                && tokens[verb - 2].lower == "so"
                && tokens[verb - 1].lower == "far"
            {
                verb -= 2;
            }
            let subject = (!compound)
                .then(|| self.np_left(tokens, sent.start, verb, in_quote))
                .flatten()
                .filter(|s| {
                    let first = &tokens[s.start];
                    first.cap
                        || matches!(first.lower.as_str(), "he" | "she" | "they")
                        || frames::DETERMINERS.contains(&first.lower.as_str())
                });
            let Some(subject) = subject else { continue };
            let end = (cue.end..sent.end)
                .find(|&k| {
                    tokens[k].is_punct(';')
                        || matches!(tokens[k].lower.as_str(), "but" | "while" | "whereas")
                })
                .unwrap_or(sent.end);
            if end > cue.end {
                out.push((cue.clone(), subject, cue.end..end));
            }
        }
        out
    }

    /// "Here is a statement by X, posted on X." (or "... X's statement"): the paragraphs
    /// after it are X's words.
    fn statement_intro(&self, para: &Paragraph, tokens: &[Token]) -> Option<Intro> {
        let lead: Vec<&str> = tokens.iter().take(2).map(|t| t.lower.as_str()).collect();
        let opens = matches!(
            lead.as_slice(),
            ["here's", _] | ["here", "is"] | ["below", "is"] | ["read", _] | ["here", "are"]
        );
        if !opens {
            return None;
        }
        let noun =
            (1..tokens.len().min(12)).find(|&k| INTRO_NOUNS.contains(&tokens[k].lower.as_str()))?;
        let who = if tokens
            .get(noun + 1)
            .is_some_and(|t| t.lower == "by" || t.lower == "from")
        {
            frames::np_right(tokens, noun + 2, tokens.len())?
        } else {
            // "Here is Zelensky's statement"
            let owner = (noun.saturating_sub(4)..noun)
                .rev()
                .find(|&k| tokens[k].cap && tokens[k].is_possessive())?;
            let mut k = owner;
            while k > 0 && tokens[k - 1].cap && tokens[k - 1].kind == TokenKind::Word {
                k -= 1;
            }
            k..owner + 1
        };
        Some(Intro {
            who: mention(para, tokens, who),
            cue: tokens[noun].lower.to_string(),
            statement: true,
            taken: 0,
        })
    }

    /// Whether a paragraph goes on with the words an intro announced: no quote marks, no
    /// reporting cue, not a heading, not about the speaker in the third person; after
    /// "X said:" it must also speak in the first person.
    fn continues_block(&self, intro: &Intro, text: &str, tokens: &[Token], unquoted: bool) -> bool {
        let Some(first) = tokens.first() else {
            return false;
        };
        let reports = (0..tokens.len()).any(|i| {
            self.cues
                .at(tokens, i)
                .is_some_and(|(_, k)| k.is_reporting())
        });
        let third_person = matches!(first.lower.as_str(), "he" | "she" | "they" | "it")
            || intro
                .who
                .text
                .split_whitespace()
                .last()
                .is_some_and(|surname| {
                    let surname = crate::text::strip_possessive(surname);
                    tokens.iter().any(|t| t.cap && t.base() == fold(surname))
                });
        let first_person = tokens
            .iter()
            .any(|t| FIRST_PERSON.contains(&&text[t.start..t.end]));
        unquoted
            && !reports
            && !third_person
            && !headline_like(text)
            && (intro.statement || first_person)
    }

    /// `Stubb's "glass half full" remark`: the possessor right before a quote that a noun
    /// for speech follows.
    fn possessive_owner(
        &self,
        tokens: &[Token],
        sent: Range<usize>,
        q: &Located,
    ) -> Option<Range<usize>> {
        if q.open_token <= sent.start || q.close_token + 1 >= sent.end {
            return None;
        }
        let owner = &tokens[q.open_token - 1];
        if !(owner.kind == TokenKind::Word && owner.cap && owner.is_possessive()) {
            return None;
        }
        if !self.cues.is_speech_noun(tokens, q.close_token + 1) {
            return None;
        }
        let mut k = q.open_token - 1;
        while k > sent.start && tokens[k - 1].kind == TokenKind::Word && tokens[k - 1].cap {
            k -= 1;
        }
        Some(k..q.open_token)
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

/// A turn of a transcript (or its next paragraph): the words after the label, as the
/// speaker's direct speech, or a question nobody answers for.
fn turn_piece(
    para: &Paragraph,
    skip: usize,
    turn: &Option<(Mention, bool)>,
    sentence_index: usize,
) -> Option<Piece> {
    let (who, asks) = turn.as_ref()?;
    let words = para.text[skip..].trim();
    if words.is_empty() {
        return None;
    }
    let start =
        para.offset + skip + (para.text[skip..].len() - para.text[skip..].trim_start().len());
    Some(Piece {
        statement: Statement {
            kind: StatementKind::Direct,
            quote: words.to_string(),
            context: para.text.clone(),
            context_start: para.offset,
            start,
            end: start + words.len(),
            sentence_start: para.offset,
            sentence_index,
            in_title: false,
            in_bullet: false,
            attribution: if *asks {
                Attribution::Question
            } else {
                Attribution::Cue
            },
            mention: Some(who.clone()),
            cue: Some(":".into()),
            speaker: None,
            topics: Vec::new(),
            label_like: false,
            scope: None,
        },
        continues: false,
        joint: false,
    })
}

/// `"We are ready," Rubio said, "and the ball is now in their court."`: one quote broken by
/// its attribution is one statement. Two quotes of a sentence join when the first does not
/// end a sentence, the second goes on in lower case, both have the same cue, and only that
/// cue's words stand between them.
fn join_interrupted(out: &mut Vec<Piece>, placed: &[(usize, usize, usize)], tokens: &[Token]) {
    for pair in placed.windows(2).rev() {
        let [(a, _, a_close), (b, b_open, _)] = [pair[0], pair[1]];
        let (first, second) = (&out[a].statement, &out[b].statement);
        let between = b_open.saturating_sub(a_close + 1);
        let joins = b == a + 1
            && first.attribution == Attribution::Cue
            && second.attribution == Attribution::Cue
            && first.cue == second.cue
            && first.mention == second.mention
            // The speaker is named between the two parts: the attribution interrupts.
            && first
                .mention
                .as_ref()
                .is_some_and(|m| first.end < m.start && m.start < second.start)
            && !first.quote.trim_end().ends_with(['.', '!', '?'])
            && second.quote.starts_with(|c: char| c.is_lowercase())
            && (1..=8).contains(&between)
            && tokens[a_close + 1..b_open].iter().all(|t| !t.is_quote())
            // A quoted sentence broken off, then picked up straight after the cue's comma
            // (not `"...," she says, and "..."`: two fragments).
            && first.kind == StatementKind::Direct
            && tokens[b_open - 1].is_punct(',')
            && !matches!(tokens[b_open - 2].lower.as_str(), "and" | "but" | "or");
        if joins {
            let second = out.remove(b);
            // The joined quote runs on into the next paragraph if its second part did.
            out[a].continues = second.continues;
            let head = &mut out[a].statement;
            head.quote = format!("{} {}", head.quote, second.statement.quote);
            head.end = second.statement.end;
            if second.statement.kind == StatementKind::Direct {
                head.kind = StatementKind::Direct;
            }
        }
    }
}

/// A determiner, then two to four words in quote marks with no verb of the speaker's own
/// (no pronoun, no sentence punctuation inside): how a text names a thing in scare quotes.
fn label_shaped(tokens: &[Token], q: &Located, quote_text: &str) -> bool {
    let words: Vec<&str> = quote_text.split_whitespace().collect();
    let determiner =
        q.open_token > 0 && frames::DETERMINERS.contains(&tokens[q.open_token - 1].lower.as_str());
    let plain = !quote_text.contains(['.', ',', '!', '?', ';', ':'])
        && !words.iter().any(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "i" | "we"
                    | "you"
                    | "he"
                    | "she"
                    | "they"
                    | "is"
                    | "are"
                    | "was"
                    | "were"
                    | "will"
                    | "would"
                    | "must"
                    | "should"
                    | "can"
                    | "have"
                    | "has"
            )
        });
    determiner && (2..=4).contains(&words.len()) && plain
}

/// A short line without the full stop of running text: a headline or a crosshead.
fn headline_like(text: &str) -> bool {
    let t = text.trim();
    !t.ends_with(['.', '!', '?', ':', ',', ';']) && t.split_whitespace().count() <= 20
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

/// The speaker's words as bytes of the document: the clause a cue reports together with the
/// cue itself ("called for a ceasefire", "rejected the plan"), which is their act too.
fn words_of(
    para: &Paragraph,
    tokens: &[Token],
    clause: &Range<usize>,
    cue: &Range<usize>,
) -> (usize, usize) {
    let first = clause.start.min(cue.start);
    let last = (clause.end - 1).max(cue.end - 1);
    (
        para.offset + tokens[first].start,
        para.offset + tokens[last].end,
    )
}

fn cue_text(text: &str, tokens: &[Token], cue: &Range<usize>) -> String {
    text[tokens[cue.start].start..tokens[cue.end - 1].end].to_string()
}

/// How much of a sentence, each side of a statement's words, its context keeps: the whole of
/// any ordinary sentence. A sentence of 170 KB is not stored again with each of its quotes;
/// the rest of it is there through the offsets.
const CONTEXT_REACH: usize = 400;

/// The context of the words at `words` in the sentence at `sentence` (byte ranges in `text`):
/// the sentence, or up to `CONTEXT_REACH` bytes each side of the words, cut at a space.
fn context_window(text: &str, sentence: Range<usize>, words: Range<usize>) -> Range<usize> {
    let mut start = sentence.start;
    if words.start.saturating_sub(sentence.start) > CONTEXT_REACH {
        let mut at = words.start - CONTEXT_REACH;
        while !text.is_char_boundary(at) {
            at += 1;
        }
        // To the next word's start, so no word is cut in half.
        start = text[at..words.start]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            // After the space, whatever its width (U+0085 and U+3000 are spaces too).
            .map_or(at, |(k, c)| at + k + c.len_utf8())
            .min(words.start);
    }
    let mut end = sentence.end;
    if sentence.end.saturating_sub(words.end) > CONTEXT_REACH {
        let mut at = words.end + CONTEXT_REACH;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        end = text[words.end..at]
            .rfind(char::is_whitespace)
            .map_or(at, |k| words.end + k)
            .max(words.end);
    }
    start.min(words.start)..end.max(words.end)
}

/// Pushes a reported statement or action, once for each person of a coordinated subject
/// ("Macron and Starmer said", "Zelensky and Putin agreed to"). Quotes are left to one
/// speaker: a quote has one voice even when two sign it.
fn push_for_each(
    out: &mut Vec<Piece>,
    statement: Statement,
    para: &Paragraph,
    tokens: &[Token],
    subject: Option<&Range<usize>>,
) {
    let parts = subject
        .map(|s| conjuncts(tokens, s.clone()))
        .unwrap_or_default();
    if parts.len() < 2 {
        out.push(Piece {
            statement,
            continues: false,
            joint: false,
        });
        return;
    }
    for part in parts {
        let mut each = statement.clone();
        each.mention = Some(mention(para, tokens, part));
        out.push(Piece {
            statement: each,
            continues: false,
            joint: true,
        });
    }
}

/// The names a subject joins with "and" (and commas before it): "Emmanuel Macron and Keir
/// Starmer", "France, Britain and Germany". Each part opens with a capital; a part that does
/// not ("Macron and his team") leaves the subject whole.
fn conjuncts(tokens: &[Token], subject: Range<usize>) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut from = subject.start;
    for k in subject.clone() {
        let t = &tokens[k];
        if t.lower == "and" || t.lower == "&" || t.is_punct(',') {
            parts.push(from..k);
            from = k + 1;
        }
    }
    parts.push(from..subject.end);
    let names = parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && tokens[p.clone()].iter().all(|t| t.cap && t.is_word()));
    if names { parts } else { Vec::new() }
}

fn mention(para: &Paragraph, tokens: &[Token], r: Range<usize>) -> Mention {
    let start = tokens[r.start].start;
    Mention {
        text: para.text[start..tokens[r.end - 1].end].to_string(),
        start: para.offset + start,
    }
}

/// A quote that runs over several paragraphs (an opening mark on each, a closing mark only on
/// the last) stays one statement a paragraph, as news annotation counts it, but its parts
/// share one speaker: the part with a reporting cue lends it to the parts without.
fn join_continued(pieces: Vec<Piece>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::with_capacity(pieces.len());
    let mut run: Vec<Statement> = Vec::new();
    let flush = |run: &mut Vec<Statement>, out: &mut Vec<Statement>| {
        if let Some(lender) = run
            .iter()
            .find(|s| s.attribution == Attribution::Cue)
            .cloned()
        {
            for s in run.iter_mut().filter(|s| s.attribution != Attribution::Cue) {
                s.attribution = Attribution::Cue;
                s.mention.clone_from(&lender.mention);
                s.cue.clone_from(&lender.cue);
            }
        }
        out.append(run);
    };
    // The same words of the same kind claimed twice (by "said" and by "according to" in
    // one sentence): the first claim stands, as it always did; only the parts of a joint
    // statement share their words.
    let mut seen: rustc_hash::FxHashSet<(usize, usize, StatementKind)> = Default::default();
    let mut pieces = pieces;
    pieces.retain(|p| {
        let key = (p.statement.start, p.statement.end, p.statement.kind);
        seen.insert(key) || p.joint
    });
    for piece in pieces {
        let is_quote = matches!(
            piece.statement.kind,
            StatementKind::Direct | StatementKind::Partial | StatementKind::Term
        );
        if !run.is_empty() && !is_quote {
            // Reported speech between the parts: the run goes on after it.
            out.push(piece.statement);
            continue;
        }
        let continues = piece.continues;
        run.push(piece.statement);
        if !continues {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A phrase the text itself marks as a label (`so-called "X"`) is a label wherever the source
/// quotes it as a fragment; one that only looks like a label (`the "X"`) is a label wherever
/// no cue gives it to a speaker.
pub fn propagate_terms(posts: &mut [Vec<Statement>]) {
    let mut marked: HashSet<String> = HashSet::new();
    let mut shaped: HashSet<String> = HashSet::new();
    for s in posts
        .iter()
        .flatten()
        .filter(|s| s.kind == StatementKind::Term)
    {
        if s.cue.as_deref() == Some(MARKED_LABEL) {
            marked.insert(fold(&s.quote));
        } else {
            shaped.insert(fold(&s.quote));
        }
    }
    if marked.is_empty() && shaped.is_empty() {
        return;
    }
    for s in posts.iter_mut().flatten() {
        if s.kind != StatementKind::Partial {
            continue;
        }
        let words = fold(&s.quote);
        let label = marked.contains(&words)
            || (s.attribution != Attribution::Cue && shaped.contains(&words));
        if label {
            s.kind = StatementKind::Term;
            s.attribution = Attribution::Term;
        }
    }
}

/// The cue of a term the text marks as a label ("so-called").
const MARKED_LABEL: &str = "so-called";

#[cfg(test)]
mod tests;

#[cfg(test)]
mod window_tests {
    use super::context_window;

    #[test]
    fn a_context_cut_after_a_wide_space_starts_on_a_character() {
        // U+0085 is a space two bytes wide: the window starts after it, not inside it.
        let mut text = "a".repeat(50);
        text.push('\u{85}');
        text.push_str(&"b".repeat(380));
        text.push_str(" \"quote\"");
        let words = text.find("quote").unwrap()..text.len() - 1;
        let w = context_window(&text, 0..text.len(), words);
        assert!(text.is_char_boundary(w.start));
        assert!(text[w.clone()].contains("quote"));
    }
}
