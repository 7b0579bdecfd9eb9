//! Reporting cues in a sentence: who they name and which words they cover ("frames").

use std::ops::Range;

use super::{CueKind, Extractor};
use crate::text::{Token, TokenKind};

pub(super) const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "these", "those", "his", "her", "its", "their", "our", "my", "your",
];
pub(super) use crate::text::words::PREPOSITIONS;
pub(super) const CLAUSE_WORDS: &[&str] = &[
    "and", "but", "or", "nor", "so", "yet", "because", "as", "while", "when", "where", "if",
    "that", "which", "whether", "although", "though", "since", "unless", "until", "what", "how",
    "why", "whom", "whose", "not", "there", "here", "it", "also", "then",
];
/// Words that open a headline as a label, not as a speaker: "Live: ...", "Watch: ...".
pub(super) const HEADLINE_LABELS: &[&str] = &[
    "live",
    "latest",
    "watch",
    "listen",
    "analysis",
    "explainer",
    "opinion",
    "breaking",
    "update",
    "updates",
    "exclusive",
    "video",
    "pictures",
    "photos",
    "factbox",
    "timeline",
    "explained",
    "recap",
    "summary",
    "comment",
    "editorial",
    "review",
    "q&a",
    "note",
    "editor's",
    "correction",
    "read",
    "more",
    "related",
    "see",
    "also",
];

/// Verbs that follow a subject without a regular ending.
const AUX_VERBS: &[&str] = &[
    "is", "was", "are", "were", "has", "had", "have", "will", "would", "could", "can", "may",
    "might", "must", "should", "spoke", "went", "made", "took", "gave", "said", "told", "met",
    "left", "came", "began", "then", "also", "first", "again",
];
/// Words that are prepositions or open a clause ("after the talks", "after he said").
pub(super) const CLAUSE_OPENERS: &[&str] = &["after", "before", "since", "until", "as"];
pub(super) const PRONOUNS: &[&str] = &["he", "she", "it", "they", "we", "i", "who", "you"];
/// Prepositions that may open the place or channel of a statement: "says on X that".
pub(super) const CHANNEL_PREPOSITIONS: &[&str] = &[
    "on", "in", "at", "during", "to", "via", "after", "before", "from",
];
pub(super) use crate::text::words::WEEKDAYS;
pub(super) const WH_WORDS: &[&str] = &["what", "how", "why", "when", "where", "whether"];
pub(super) const OBJECT_PRONOUNS: &[&str] = &[
    "me",
    "us",
    "him",
    "her",
    "them",
    "you",
    "reporters",
    "journalists",
];

/// A reporting cue in a sentence with who it names and which tokens it covers.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub(super) cue: Range<usize>,
    pub(super) kind: CueKind,
    pub(super) subject: Option<Range<usize>>,
    /// The subject was borrowed from another cue of the sentence ("..., adding ...").
    pub(super) inherited: bool,
    /// Tokens after the cue that carry the reported words.
    pub(super) forward: Option<Range<usize>>,
    /// Tokens before the speaker that carry the reported words ("..., Starmer says").
    pub(super) backward: Option<Range<usize>>,
    /// The cue ends its paragraph with a colon: the next paragraph holds the words.
    pub(super) opens_next: bool,
    /// The speaker follows the verb: "..., said Putin."
    pub(super) inverted: bool,
}

impl Frame {
    /// Where the frame starts: its subject when that comes first, else the cue.
    pub(super) fn anchor(&self) -> usize {
        match &self.subject {
            Some(s) if !self.inherited && s.start < self.cue.start => s.start,
            _ => self.cue.start,
        }
    }
}

impl Extractor {
    /// The reporting frames of a sentence; the action cues met on the way go to `actions`
    /// (the sentence is read for cues once).
    pub(super) fn frames(
        &self,
        tokens: &[Token],
        sent: Range<usize>,
        in_quote: &[bool],
        actions: &mut Vec<Range<usize>>,
    ) -> Vec<Frame> {
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
            if kind == CueKind::Action && i + len <= sent.end {
                actions.push(i..i + len);
            }
            if !kind.is_reporting() || i + len > sent.end {
                i += len;
                continue;
            }
            // "the claims", "Trump's calls": a noun, not a reporting verb.
            let noun_use = i > sent.start
                && (DETERMINERS.contains(&tokens[i - 1].lower.as_str())
                    || tokens[i - 1].is_possessive());
            if noun_use {
                // "his call for a truce", "Macron's call for talks": the owner asks for what
                // follows.
                if let Some(frame) = self.possessive_call(tokens, sent.clone(), i..i + len, kind) {
                    frames.push(frame);
                }
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
        // "Zelensky said the delegation had proposed "..."": a cue whose subject opens the
        // clause another speaker reports is part of what that speaker said, and the quote is
        // theirs. Only a described subject ("the delegation", "the US") nests: a named person
        // keeps their own words.
        let mut k = 1;
        while k < frames.len() {
            let outer = &frames[k - 1];
            let inner = &frames[k];
            let nested = !inner.inverted
                && outer.subject.is_some()
                && inner.subject.as_ref().is_some_and(|s| {
                    DETERMINERS.contains(&tokens[s.start].lower.as_str())
                        && outer.forward.as_ref().is_some_and(|f| f.start == s.start)
                });
            if nested {
                frames.remove(k);
            } else {
                k += 1;
            }
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
        // "Scholz spoke at length, saying: ...": a participle after a comma, with no subject
        // of its own or of another cue, belongs to the subject the sentence opens with.
        for f in frames.iter_mut().filter(|f| f.subject.is_none()) {
            // "..., saying", "by accusing", "while insisting", "after warning".
            let participle = tokens[f.cue.start].lower.ends_with("ing")
                && f.cue.start > sent.start
                && (tokens[f.cue.start - 1].is_punct(',')
                    || matches!(
                        tokens[f.cue.start - 1].lower.as_str(),
                        "by" | "while" | "when" | "after" | "before"
                    ));
            if participle && let Some(s) = opening_subject(tokens, sent.clone(), f.cue.start) {
                f.subject = Some(s);
                f.inherited = true;
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
            inverted: false,
        })
    }

    /// A call or demand named by a noun with its owner before it: "repeated his call for
    /// more pressure", "Macron's call for a truce".
    fn possessive_call(
        &self,
        tokens: &[Token],
        sent: Range<usize>,
        cue: Range<usize>,
        kind: CueKind,
    ) -> Option<Frame> {
        if tokens[cue.end - 1].lower != "for" || cue.start <= sent.start {
            return None;
        }
        let owner = &tokens[cue.start - 1];
        let subject = if matches!(owner.lower.as_str(), "his" | "her" | "their") {
            cue.start - 1..cue.start
        } else if owner.kind == TokenKind::Word && owner.cap && owner.is_possessive() {
            let mut k = cue.start - 1;
            while k > sent.start && tokens[k - 1].kind == TokenKind::Word && tokens[k - 1].cap {
                k -= 1;
            }
            k..cue.start
        } else {
            return None;
        };
        let mut forward = self.forward_scope(tokens, cue.end, sent.end, kind)?;
        // "Macron's call for a truce was welcomed": the call is a subject, and what is said
        // of it is not part of it.
        if let Some(k) = (forward.start..forward.end).find(|&k| {
            tokens[k].is_punct(',')
                || matches!(
                    tokens[k].lower.as_str(),
                    "was" | "is" | "were" | "are" | "has" | "had" | "have" | "will" | "would"
                )
        }) {
            forward.end = k;
        }
        if forward.is_empty() {
            return None;
        }
        Some(Frame {
            cue,
            kind,
            subject: Some(subject),
            inherited: false,
            forward: Some(forward),
            backward: None,
            opens_next: false,
            inverted: false,
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
        // "X has been accused of "..." by Y": in the passive the speaker is the agent after
        // "by"; with no agent ("was dubbed a "..."") the cue names nobody.
        // "a plan proposed by Kallas to ...": a participle straight before "by" is a passive
        // without its auxiliary.
        let by_next = tokens.get(cue.end).is_some_and(|t| t.lower == "by")
            && tokens[cue.end + 1..sent.end.min(cue.end + 5)]
                .iter()
                .any(|n| n.cap && n.is_word());
        let passive = cue.start > sent.start
            && (matches!(
                tokens[cue.start - 1].lower.as_str(),
                "been" | "was" | "were" | "is" | "are" | "being" | "be"
            ) || by_next)
            && tokens[cue.start].lower.ends_with("ed");
        if passive {
            let by = (cue.end..sent.end.min(cue.end + 16))
                .find(|&k| !in_quote[k] && tokens[k].lower == "by")?;
            let agent = np_right(tokens, by + 1, sent.end)?;
            // "a plan proposed by Kallas to deliver aid": with the agent straight after the
            // verb, what was put forward follows the agent.
            let forward = if cue.end < by {
                Some(cue.end..by)
            } else {
                // It ends where the sentence goes on to say what became of it ("... had
                // failed").
                let end = (agent.end + 1..sent.end)
                    .find(|&k| {
                        let w = tokens[k].lower.as_str();
                        tokens[k].is_punct(',')
                            || (crate::text::words::AUXILIARIES.contains(&w)
                                && !matches!(w, "be" | "been" | "have"))
                    })
                    .unwrap_or(sent.end);
                (agent.end < sent.end && tokens[agent.end].lower == "to").then_some(agent.end..end)
            };
            return Some(Frame {
                cue,
                kind,
                subject: Some(agent),
                inherited: false,
                forward,
                backward: None,
                opens_next: false,
                inverted: true,
            });
        }
        // "..., says Finnish president." -- the speaker closes the clause, or is followed by
        // where and when ("..., said Putin at a news conference").
        let closes = |s: &Range<usize>| {
            s.end >= sent.end
                || matches!(tokens[s.end].kind, TokenKind::Punct | TokenKind::QuoteOpen)
                || (!tokens[s.end].cap
                    && CHANNEL_PREPOSITIONS.contains(&tokens[s.end].lower.as_str()))
        };
        // A participle never takes its speaker after it: ", thanking Macron" names the one
        // thanked.
        let boundary = self.left_boundary(tokens, sent.start, cue.start)
            && !tokens[cue.end - 1].lower.ends_with("ing");
        // After a comma, a name right after the verb is the speaker, whatever the words
        // before the comma look like: "We must talk to our partners, said Putin."
        let named_after = (boundary
            && cue.start > sent.start
            && tokens[cue.start - 1].is_punct(',')
            && tokens.get(cue.end).is_some_and(|t| t.cap))
        .then(|| np_right(tokens, cue.end, sent.end).filter(closes))
        .flatten();
        let mut subject = if named_after.is_some() {
            None
        } else {
            self.np_left(tokens, sent.start, cue.start, in_quote)
        };
        if let Some(s) = &subject {
            // "What Zelensky said after the summit": a headline about a statement, not one.
            if WH_WORDS.contains(&tokens[s.start].lower.as_str()) && s.len() > 1 {
                return None;
            }
            // "pushes back on Kremlin claims": an object, not a speaker. "after the minister
            // said" is another matter: there the word opens a clause, and a verb follows.
            // Nor is "of" in a title ("US secretary of state Marco Rubio said").
            let before = tokens[s.start.max(1) - 1].lower.as_str();
            let title_of = before == "of" && kind.is_verb() && tokens[s.end - 1].cap;
            if s.start > sent.start
                && PREPOSITIONS.contains(&before)
                && !title_of
                && !(CLAUSE_OPENERS.contains(&before) && kind.is_verb())
            {
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
        if subject.is_none()
            && boundary
            && let Some(s) =
                named_after.or_else(|| np_right(tokens, cue.end, sent.end).filter(closes))
        {
            after = s.end;
            subject = Some(s);
            inverted = true;
        }
        if matches!(kind, CueKind::VerbTell | CueKind::Question) && !inverted {
            after = skip_object(tokens, after, sent.end);
        }
        let mut forward = self.forward_scope(tokens, after, sent.end, kind);
        // "..., says Lukashenko, referring to ...": after an inverted speaker only "that", a
        // colon or a quote carries words of theirs.
        if inverted
            && !tokens
                .get(after)
                .is_some_and(|t| t.lower == "that" || t.is_punct(':') || t.is_quote())
        {
            forward = None;
        }
        // "told members of his party in Ankara.": with no "that" and no clause of its own,
        // what follows the person told is where and when, not what was said.
        if kind == CueKind::VerbTell && !reports_a_clause(tokens, after, sent.end) {
            forward = None;
        }
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
        // ...") or closing its clause reports what came before it. A speaker straight after
        // a closing quote mark ("'...,' Macron said in an interview") always claims it.
        .filter(|_| {
            tokens[anchor - 1].kind == TokenKind::QuoteClose
                || forward
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
            inverted,
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
    pub(super) fn np_left(
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
        // A parenthesis between commas or dashes: "Trump, in a post on X, says", "Rubio –
        // who led the team – said".
        let is_dash = |t: &Token| matches!(t.lower.as_str(), "-" | "–" | "—");
        let closing = (j > sent_start).then(|| &tokens[j - 1]);
        if let Some(close) = closing.filter(|t| t.is_punct(',') || is_dash(t)) {
            let dash = is_dash(close);
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
                if (!dash && tokens[k].is_punct(',')) || (dash && is_dash(&tokens[k])) {
                    opening = Some(k);
                    break;
                }
            }
            // A lone dash before the verb opens no parenthesis: "... - said Putin" is read
            // elsewhere.
            if dash && opening.is_none() {
                return None;
            }
            let opening = opening?;
            let inner = opening + 1..comma;
            if name_like(&tokens[inner.clone()]) {
                return Some(inner);
            }
            return np_words_left(tokens, sent_start, opening);
        }
        let simple = np_words_left(tokens, sent_start, j);
        // "Zelensky in response says", "Peskov on Tuesday said": a short phrase between the
        // speaker and the verb.
        // "Trump on Truth Social said": where, between the speaker and the verb.
        let place_words = |r: &Range<usize>| {
            tokens[r.clone()].iter().all(|t| !t.cap)
                || matches!(
                    tokens[r.start - 1].lower.as_str(),
                    "on" | "in" | "at" | "via" | "during"
                )
        };
        if let Some(r) = &simple
            && r.start >= sent_start + 2
            && PREPOSITIONS.contains(&tokens[r.start - 1].lower.as_str())
            && place_words(r)
            && tokens[r.start - 2].cap
            && tokens[r.start - 2].kind == TokenKind::Word
        {
            return np_words_left(tokens, sent_start, r.start - 1);
        }
        simple
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
        // "says on X that", "said in a statement:" -- skip the channel when a clause start
        // follows. After a phrasal cue ("pushed back on", "hit out at") the phrase is what
        // was said, not where.
        let phrasal = p > 0 && matches!(tokens[p - 1].lower.as_str(), "back" | "out");
        if p < end
            && kind != CueKind::VerbTrailing
            && !phrasal
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
pub(super) fn np_words_left(
    tokens: &[Token],
    sent_start: usize,
    end: usize,
) -> Option<Range<usize>> {
    if end <= sent_start {
        return None;
    }
    let last = &tokens[end - 1];
    // "the 71-year-old": an age stands for the person.
    let age = last.kind == TokenKind::Number && last.lower.ends_with("-old");
    if last.kind != TokenKind::Word && !age {
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
        // "Macron and other European leaders said": a name first in a pair of subjects.
        if w == "and"
            && k < end
            && k >= sent_start + 2
            && tokens[k - 2].cap
            && tokens[k - 2].kind == TokenKind::Word
            && !tokens[k - 2].is_possessive()
        {
            k -= 2;
            while k > sent_start && tokens[k - 1].cap && tokens[k - 1].kind == TokenKind::Word {
                k -= 1;
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
pub(super) fn np_right(tokens: &[Token], from: usize, end: usize) -> Option<Range<usize>> {
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

/// The noun phrase a sentence opens with, when a verb follows it: "He first appears ...",
/// "The French president spoke ...", "However, Scholz spoke ...". None past `limit`.
pub(super) fn opening_subject(
    tokens: &[Token],
    sent: Range<usize>,
    limit: usize,
) -> Option<Range<usize>> {
    let mut from = sent.start;
    // A rubric before a colon: "Ukraine war latest: Trump expects ...".
    if let Some(colon) =
        (sent.start + 1..limit.min(sent.start + 6)).find(|&k| tokens[k].is_punct(':'))
    {
        from = colon + 1;
    }
    // An opening adverb set off by a comma: "However, ...", "Later, ...".
    if tokens.get(from + 1).is_some_and(|t| t.is_punct(','))
        && (!tokens[from].cap
            || tokens[from].lower.ends_with("ly")
            || matches!(
                tokens[from].lower.as_str(),
                "however" | "later" | "earlier" | "meanwhile" | "separately" | "still" | "yet"
            ))
    {
        from += 2;
    }
    let first = tokens.get(from)?;
    let np = if matches!(
        first.lower.as_str(),
        "he" | "she" | "they" | "it" | "we" | "i"
    ) {
        from..from + 1
    } else if first.cap || DETERMINERS.contains(&first.lower.as_str()) {
        // Capitalised words, or a determiner and up to three words before a verb-like one
        // ("The French president spoke"): no tagger, so a past tense or a 3rd-person "-s"
        // ends the phrase.
        let mut k = from + 1;
        while k < limit && k - from < 6 {
            let t = &tokens[k];
            let verbish = !t.cap
                && (t.lower.ends_with("ed")
                    || t.lower.ends_with('s')
                    || AUX_VERBS.contains(&t.lower.as_str()));
            if t.kind != TokenKind::Word
                || verbish
                || (!t.cap && !DETERMINERS.contains(&first.lower.as_str()))
            {
                break;
            }
            k += 1;
        }
        from..k
    } else {
        return None;
    };
    let next = tokens.get(np.end)?;
    let verb_follows =
        next.kind == TokenKind::Word && !next.cap && !PREPOSITIONS.contains(&next.lower.as_str());
    (np.end < limit && verb_follows).then_some(np)
}

/// The token at `at` follows a comma, or a comma and "and"/"but".
pub(super) fn after_comma(tokens: &[Token], at: usize) -> bool {
    let prev = |k: usize| at.checked_sub(k).map(|i| &tokens[i]);
    prev(1).is_some_and(|t| t.is_punct(','))
        || (prev(1).is_some_and(|t| matches!(t.lower.as_str(), "and" | "but"))
            && prev(2).is_some_and(|t| t.is_punct(',')))
}

/// "Christine Lagarde": capitalised words only.
pub(super) fn name_like(tokens: &[Token]) -> bool {
    !tokens.is_empty()
        && tokens.len() <= 5
        && tokens.iter().all(|t| t.kind == TokenKind::Word && t.cap)
}

/// "told the BBC that", "told reporters": the person told comes before the words.
pub(super) fn skip_object(tokens: &[Token], from: usize, end: usize) -> usize {
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
pub(super) fn dash_frame(tokens: &[Token], sent: Range<usize>, in_quote: &[bool]) -> Option<Frame> {
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
        inverted: false,
    })
}

/// A headline `Zelenskiy: 'We need air defence'`: a name, a colon, then their words.
pub(super) fn colon_frame(
    tokens: &[Token],
    sent: Range<usize>,
    in_quote: &[bool],
) -> Option<Frame> {
    let colon = (sent.start + 1..sent.end.min(sent.start + 6))
        .find(|&i| tokens[i].is_punct(':') && !in_quote[i])?;
    let name = sent.start..colon;
    let words = &tokens[name.clone()];
    // "The Latest: ...", "Live: ...": a label, not a speaker.
    let ok = words.len() <= 4
        && words.iter().all(|t| t.kind == TokenKind::Word && t.cap)
        && !DETERMINERS.contains(&words[0].lower.as_str())
        && !HEADLINE_LABELS.contains(&words[0].lower.as_str())
        && colon + 1 < sent.end;
    ok.then(|| Frame {
        cue: colon..colon + 1,
        kind: CueKind::Verb,
        subject: Some(name),
        inherited: false,
        forward: Some(colon + 1..sent.end),
        backward: None,
        opens_next: false,
        inverted: false,
    })
}

/// Words after a "told" that carry a clause of their own: "that", a colon, a quote, or a
/// subject pronoun or auxiliary ("told reporters he would stay").
fn reports_a_clause(tokens: &[Token], from: usize, end: usize) -> bool {
    tokens[from.min(end)..end].iter().any(|t| {
        t.is_quote()
            || t.is_punct(':')
            || matches!(
                t.lower.as_str(),
                "that"
                    | "he"
                    | "she"
                    | "they"
                    | "it"
                    | "we"
                    | "i"
                    | "would"
                    | "will"
                    | "was"
                    | "were"
                    | "is"
                    | "are"
                    | "had"
                    | "has"
                    | "have"
                    | "could"
                    | "should"
                    | "must"
                    | "can"
                    | "may"
                    | "might"
            )
    })
}
