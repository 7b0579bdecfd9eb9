//! Text primitives every stage shares. Takes a paragraph's text (and where its quote marks
//! are); gives word tokens with byte offsets and the sentences they form. Knows English
//! punctuation, nothing about speakers or topics.

pub mod analysis;
pub mod phrases;
pub mod quotes;
pub mod search;
pub mod words;

use std::ops::Range;

use compact_str::CompactString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
    QuoteOpen,
    QuoteClose,
}

#[derive(Debug, Clone)]
pub struct Token {
    /// Byte range in the paragraph text.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Lower-cased text with curly apostrophes made straight. Inline up to 24 bytes (every
    /// word of a text is a token: a heap string each was a fifth of the analysis' time).
    pub lower: CompactString,
    /// Starts with an upper-case letter.
    pub cap: bool,
}

impl Token {
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Number)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct
            && self.lower.starts_with(c)
            && self.lower.len() == c.len_utf8()
    }

    pub fn is_quote(&self) -> bool {
        matches!(self.kind, TokenKind::QuoteOpen | TokenKind::QuoteClose)
    }

    /// The word without a possessive ending ("putin's" -> "putin").
    pub fn base(&self) -> &str {
        strip_possessive(&self.lower)
    }

    pub fn is_possessive(&self) -> bool {
        self.lower.len() != strip_possessive(&self.lower).len()
    }
}

pub fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .or_else(|| {
            if word.ends_with("s'") {
                word.strip_suffix('\'')
            } else {
                None
            }
        })
        .unwrap_or(word)
}

pub fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Straight apostrophes, lower case and no accents, so "Russia’s" and "Russia's", and
/// "François" and "Francois", compare equal.
/// `fold`, into a string that holds short words inline.
pub fn fold_compact(s: &str) -> CompactString {
    if s.is_ascii() {
        return ascii_lower(s);
    }
    CompactString::from(fold(s))
}

/// `fold_compact` of text known to be ASCII.
fn ascii_lower(s: &str) -> CompactString {
    let mut out = CompactString::new(s);
    out.make_ascii_lowercase();
    out
}

pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '’' | '‘' => out.push('\''),
            '–' | '—' => out.push('-'),
            _ => {
                for l in c.to_lowercase() {
                    out.push(unaccented(l));
                }
            }
        }
    }
    out
}

/// The Latin letter under an accent ("é" -> "e", "ł" -> "l"); other characters as they are.
fn unaccented(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' | 'ĉ' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ķ' => 'k',
        'ł' | 'ļ' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => c,
    }
}

/// Splits a paragraph into tokens. `quote_marks` holds the byte positions of characters that
/// the quote scanner decided are quote marks, with whether each opens or closes; any other
/// apostrophe is part of a word.
pub fn tokenize(text: &str, quote_marks: &[(usize, bool)]) -> Vec<Token> {
    // Marks come sorted from `quote_marks`; only others are copied to sort.
    let sorted;
    let marks = if quote_marks.is_sorted() {
        quote_marks
    } else {
        let mut copy = quote_marks.to_vec();
        copy.sort_unstable();
        sorted = copy;
        &sorted
    };
    let mut marks = Marks { marks, next: 0 };
    // Characters are decoded where they are read (no table of them: that was an allocation
    // of sixteen bytes a character, for every paragraph).
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut pos = 0;
    while let Some(c) = char_at(text, pos) {
        let width = c.len_utf8();
        if let Some(open) = marks.at(pos) {
            tokens.push(Token {
                start: pos,
                end: pos + width,
                kind: if open {
                    TokenKind::QuoteOpen
                } else {
                    TokenKind::QuoteClose
                },
                lower: CompactString::new(c.encode_utf8(&mut [0; 4])),
                cap: false,
            });
            pos += width;
            continue;
        }
        if c.is_whitespace() {
            pos += width;
            continue;
        }
        if c.is_alphanumeric() {
            // `end`: the character being read; `last`: the one before it.
            let mut end = pos + width;
            let mut last = c;
            let mut ascii = c.is_ascii();
            while let Some(d) = char_at(text, end) {
                if marks.at(end).is_some() {
                    break;
                }
                if d.is_alphanumeric() {
                    last = d;
                    ascii &= d.is_ascii();
                    end += d.len_utf8();
                    continue;
                }
                // Joiners inside a word: it's, so-called, U.S., 1.5bn, 1,000.
                let next = char_at(text, end + d.len_utf8()).filter(|n| n.is_alphanumeric());
                let joins = next.is_some_and(|n| match d {
                    '\'' | '’' | '-' => true,
                    '.' => {
                        last.is_ascii_digit() && n.is_ascii_digit()
                            || last.is_uppercase() && n.is_uppercase()
                    }
                    ',' => last.is_ascii_digit() && n.is_ascii_digit(),
                    _ => false,
                });
                match next {
                    Some(n) if joins => {
                        ascii &= d.is_ascii() && n.is_ascii();
                        end += d.len_utf8() + n.len_utf8();
                        last = n;
                    }
                    _ => break,
                }
            }
            // Possessive of a plural: "leaders' meeting".
            if let Some(a) = char_at(text, end)
                && is_apostrophe(a)
                && marks.at(end).is_none()
                && last == 's'
            {
                ascii &= a.is_ascii();
                end += a.len_utf8();
            }
            let word = &text[pos..end];
            tokens.push(Token {
                start: pos,
                end,
                kind: if c.is_ascii_digit() {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                },
                lower: if ascii {
                    ascii_lower(word)
                } else {
                    fold_compact(word)
                },
                cap: c.is_uppercase(),
            });
            pos = end;
            continue;
        }
        // "..." and "…" are one token; other punctuation one character each.
        let mut end = pos + width;
        if c == '.' {
            while text.as_bytes().get(end) == Some(&b'.') {
                end += 1;
            }
        }
        tokens.push(Token {
            start: pos,
            end,
            kind: TokenKind::Punct,
            lower: if c == '’' {
                CompactString::new("'")
            } else {
                CompactString::new(&text[pos..end])
            },
            cap: false,
        });
        pos = end;
    }
    tokens
}

/// The character starting at byte `pos` of `text` (a boundary), if any.
#[inline]
fn char_at(text: &str, pos: usize) -> Option<char> {
    match text.as_bytes().get(pos) {
        None => None,
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text[pos..].chars().next(),
    }
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "sen", "rep", "gov", "prof", "rev",
    "jr", "sr", "no", "vs", "etc", "e.g", "i.e", "jan", "feb", "mar", "apr", "aug", "sept", "sep",
    "oct", "nov", "dec", "u.s", "u.k", "capt", "maj", "cmdr", "adm", "fig", "approx", "inc", "ltd",
    "co", "corp",
];

/// Quote-mark positions, sorted, asked about at positions that never go back: a cursor
/// walks them, where a binary search was made for every character (with the ASCII path
/// for words, a quarter of tokenizing: 10 MB on one thread CPU 0.984x).
struct Marks<'a> {
    marks: &'a [(usize, bool)],
    /// The first mark not before the last position asked about.
    next: usize,
}

impl Marks<'_> {
    /// Whether a mark is at `pos` (no earlier than any position asked before), and whether
    /// it opens.
    fn at(&mut self, pos: usize) -> Option<bool> {
        while self.marks.get(self.next).is_some_and(|&(p, _)| p < pos) {
            self.next += 1;
        }
        match self.marks.get(self.next) {
            Some(&(p, open)) if p == pos => Some(open),
            _ => None,
        }
    }
}

/// Token ranges of the sentences of a paragraph. Never splits inside quote marks, so
/// `"It's done. We won," he said.` stays one sentence with its reporting cue.
pub fn sentences(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth: i32 = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        match t.kind {
            TokenKind::QuoteOpen => depth += 1,
            TokenKind::QuoteClose => depth = (depth - 1).max(0),
            _ => {}
        }
        let terminal = t.kind == TokenKind::Punct
            && (t.lower == "." || t.lower == "!" || t.lower == "?" || t.lower == "…");
        if terminal && depth == 0 {
            let prev_abbrev = i > 0
                && tokens[i - 1].kind == TokenKind::Word
                && tokens[i - 1].end == t.start
                && t.lower == "."
                && (ABBREVIATIONS.contains(&tokens[i - 1].lower.as_str())
                    || (tokens[i - 1].lower.chars().count() == 1 && tokens[i - 1].cap));
            let next = tokens.get(i + 1);
            let opens_next = next.is_none_or(|n| {
                n.cap
                    || n.kind == TokenKind::Number
                    || n.kind == TokenKind::QuoteOpen
                    || n.lower == "-"
            });
            if !prev_abbrev && opens_next {
                out.push(start..i + 1);
                start = i + 1;
            }
        } else if t.kind == TokenKind::QuoteClose && depth == 0 && i > 0 {
            // `"We will win." He left.` ends a sentence after the closing mark, unless a
            // reporting cue follows (`"We will win." Starmer said` is rare but one sentence).
            let prev = &tokens[i - 1];
            let ends_in_terminal = prev.kind == TokenKind::Punct
                && (prev.lower == "." || prev.lower == "!" || prev.lower == "?");
            let next_starts = tokens
                .get(i + 1)
                .is_some_and(|n| n.cap || n.kind == TokenKind::QuoteOpen);
            if ends_in_terminal && next_starts && !short_trailer(&tokens[i + 1..]) {
                out.push(start..i + 1);
                start = i + 1;
            }
        }
        i += 1;
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

/// A paragraph's quote marks as (byte position, opens) pairs, for `tokenize`.
pub fn quote_marks(spans: &[quotes::QuoteSpan]) -> Vec<(usize, bool)> {
    let mut marks = Vec::with_capacity(spans.len() * 2);
    for q in spans {
        marks.push((q.open, true));
        if let Some(c) = q.close {
            marks.push((c, false));
        }
    }
    marks
}

/// The sentences of a paragraph as byte ranges, split exactly as extraction splits them.
pub fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    let tokens = tokenize(text, &quote_marks(&quotes::scan(text)));
    sentences(&tokens)
        .into_iter()
        .map(|r| tokens[r.start].start..tokens[r.end - 1].end)
        .collect()
}

/// A few words then the end of the sentence: `Starmer said.` after a quote.
fn short_trailer(rest: &[Token]) -> bool {
    let mut words = 0;
    for t in rest {
        if t.is_word() {
            words += 1;
            if words > 4 {
                return false;
            }
        } else if t.is_punct('.') || t.is_punct(',') {
            return words > 0 && words <= 4 && t.is_punct('.');
        } else {
            return false;
        }
    }
    false
}

/// The split point of two words glued together when a page was copied
/// ("Live reporterAs conversations continue"): a lower-case letter directly followed by an
/// upper-case one, where the lower-case run is long enough not to be a name such as McDonald
/// or DeSantis. Returns the byte index of the upper-case letter.
pub fn glued_boundary(s: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut run = 0usize; // letters since the last non-letter
    for w in 0..chars.len().saturating_sub(1) {
        let (_, c) = chars[w];
        if c.is_alphabetic() {
            run += 1;
        } else {
            run = 0;
            continue;
        }
        let (p, n) = chars[w + 1];
        if c.is_lowercase() && n.is_uppercase() && run >= 4 {
            let next_lower = chars
                .get(w + 2)
                .is_some_and(|(_, x)| x.is_lowercase() || *x == ' ');
            if next_lower {
                return Some(p);
            }
        }
    }
    None
}

/// The name nearest to what a user typed, for "did you mean": scored on the whole name and
/// on each of its words ("zelenski" is close to "Volodymyr Zelensky").
pub fn closest<'a>(input: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let input = fold(input);
    names
        .map(|n| {
            let folded = fold(n);
            let best_word = folded
                .split(' ')
                .map(|w| strsim::jaro_winkler(&input, w))
                .fold(0.0, f64::max);
            (strsim::jaro_winkler(&input, &folded).max(best_word), n)
        })
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_drops_accents_so_spellings_meet() {
        assert_eq!(fold("François Bayrou"), fold("Francois Bayrou"));
        assert_eq!(fold("Łukasz Wałęsa’s"), "lukasz walesa's");
    }

    #[test]
    fn closest_finds_near_names_only() {
        let names = ["Volodymyr Zelensky", "Keir Starmer"];
        assert_eq!(
            closest("zelenski", names.iter().copied()).as_deref(),
            Some("Volodymyr Zelensky")
        );
        assert_eq!(closest("qqqq", names.iter().copied()), None);
    }

    fn words(text: &str) -> Vec<String> {
        tokenize(text, &[])
            .into_iter()
            .map(|t| t.lower.into_string())
            .collect()
    }

    #[test]
    fn apostrophes_and_joiners_stay_inside_words() {
        assert_eq!(
            words("Russia’s so-called U.S. deal isn't $1.5bn, leaders' talks"),
            vec![
                "russia's",
                "so-called",
                "u.s",
                ".",
                "deal",
                "isn't",
                "$",
                "1.5bn",
                ",",
                "leaders'",
                "talks"
            ]
        );
    }

    /// Marks are found wherever they stand, as the cursor over them walks on: one ending a
    /// word, one that would otherwise be an apostrophe inside or after a word, one at the
    /// very start and one at the end, given out of order.
    #[test]
    fn quote_marks_split_words_wherever_they_stand_in_any_order() {
        let text = "'Allies' deal’s done,’ she said: ‘yes’";
        let at = |c: char, nth: usize| text.match_indices(c).nth(nth).unwrap().0;
        let marks = [
            (at('’', 2), false),
            (at('\'', 0), true),
            (at('‘', 0), true),
            (at('\'', 1), false),
            (at('’', 1), false),
        ];
        let tokens = tokenize(text, &marks);
        let shown: Vec<(String, TokenKind)> = tokens
            .iter()
            .map(|t| (t.lower.to_string(), t.kind))
            .collect();
        use TokenKind::*;
        let expected = [
            ("'", QuoteOpen),
            ("allies", Word),
            ("'", QuoteClose),
            ("deal's", Word),
            ("done", Word),
            (",", Punct),
            ("’", QuoteClose),
            ("she", Word),
            ("said", Word),
            (":", Punct),
            ("‘", QuoteOpen),
            ("yes", Word),
            ("’", QuoteClose),
        ];
        let expected: Vec<(String, TokenKind)> =
            expected.iter().map(|(w, k)| (w.to_string(), *k)).collect();
        assert_eq!(shown, expected);
        // The same marks sorted give the same tokens.
        let mut sorted = marks.to_vec();
        sorted.sort_unstable();
        let spans = |tokens: &[Token]| -> Vec<(usize, usize, TokenKind, String, bool)> {
            tokens
                .iter()
                .map(|t| (t.start, t.end, t.kind, t.lower.to_string(), t.cap))
                .collect()
        };
        assert_eq!(spans(&tokenize(text, &sorted)), spans(&tokens));
    }

    #[test]
    fn sentences_do_not_split_inside_quotes_or_after_titles() {
        let text = "Mr Smith spoke. \"It is done. We won,\" he said. Then he left.";
        let open = text.find('"').unwrap();
        let close = text.rfind('"').unwrap();
        let tokens = tokenize(text, &[(open, true), (close, false)]);
        let s = sentences(&tokens);
        assert_eq!(s.len(), 3);
        let second = &text[tokens[s[1].start].start..tokens[s[1].end - 1].end];
        assert_eq!(second, "\"It is done. We won,\" he said.");
    }

    #[test]
    fn glued_role_and_body_split_but_names_do_not() {
        assert_eq!(glued_boundary("Live reporterAs talks go on"), Some(13));
        assert_eq!(glued_boundary("Mary McDonald"), None);
        assert_eq!(glued_boundary("Ron DeSantis"), None);
    }
}
