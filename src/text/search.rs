//! Words looked for in stored text, as `whosaid search` matches them. Takes what a user
//! typed; gives the query for the full-text index (which finds candidates: it keeps which
//! words a statement has, not where) and the places in a text where the words are, so
//! candidates are checked and the words marked. Words are compared as phrase matching
//! compares them: folded, plurals and possessives folded ("sanction" finds "sanctions").

use std::ops::Range;

use compact_str::CompactString;

use super::phrases::stems;
use super::tokenize;

/// What to find: the words in this order (a phrase), or each word alone.
#[derive(Debug, Clone)]
pub struct WordSearch {
    words: Vec<CompactString>,
    in_order: bool,
}

impl WordSearch {
    /// The words of `query`, to be found together in this order; `None` with no word.
    pub fn phrase(query: &str) -> Option<Self> {
        Self::new(query, true)
    }

    /// Each word of `query` found alone, as a prefix (for marking the terms of an index
    /// query: its operators AND, OR, NOT and NEAR are not words to mark).
    pub fn terms(query: &str) -> Option<Self> {
        let words: Vec<&str> = query
            .split_whitespace()
            .filter(|w| !matches!(*w, "AND" | "OR" | "NOT" | "NEAR"))
            .collect();
        Self::new(&words.join(" "), false)
    }

    fn new(query: &str, in_order: bool) -> Option<Self> {
        let tokens = tokenize(query, &[]);
        let words: Vec<CompactString> = tokens
            .iter()
            .zip(stems(&tokens))
            .filter(|(t, _)| t.is_word())
            .map(|(_, s)| s)
            .collect();
        (!words.is_empty()).then_some(WordSearch { words, in_order })
    }

    /// The full-text index query that finds every text holding the words (and more): each
    /// part of each word as a prefix, all required. The index splits words at anything not
    /// a letter or digit, and keeps no plural folding, hence the prefixes.
    pub fn index_query(&self) -> String {
        self.words
            .iter()
            .flat_map(|w| w.split(|c: char| !c.is_alphanumeric()))
            .filter(|part| !part.is_empty())
            .map(|part| format!("\"{part}\"*"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Where the words are in `text` (byte ranges, in order, not overlapping).
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        let tokens = tokenize(text, &[]);
        let all = stems(&tokens);
        let words: Vec<(Range<usize>, &CompactString)> = tokens
            .iter()
            .zip(&all)
            .filter(|(t, _)| t.is_word())
            .map(|(t, s)| (t.start..t.end, s))
            .collect();
        let mut found = Vec::new();
        if self.in_order {
            let n = self.words.len();
            let mut i = 0;
            while i + n <= words.len() {
                if words[i..i + n]
                    .iter()
                    .zip(&self.words)
                    .all(|((_, s), w)| *s == w)
                {
                    found.push(words[i].0.start..words[i + n - 1].0.end);
                    i += n;
                } else {
                    i += 1;
                }
            }
        } else {
            found.extend(
                words
                    .iter()
                    .filter(|(_, s)| self.words.iter().any(|w| s.starts_with(w.as_str())))
                    .map(|(r, _)| r.clone()),
            );
        }
        found
    }
}

/// `text` with each range put between « and ».
pub fn mark(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + 4 * ranges.len());
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push('«');
        out.push_str(&text[r.clone()]);
        out.push('»');
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Up to `reach` bytes either side of the first range, cut at spaces, marked, with '…'
/// where text was left out.
pub fn snippet(text: &str, ranges: &[Range<usize>], reach: usize) -> String {
    let Some(first) = ranges.first() else {
        return String::new();
    };
    let mut from = first.start.saturating_sub(reach);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    // Whole words only: a window that starts or ends inside one leaves it out.
    if from > 0 && !text[..from].ends_with(' ') {
        from = text[from..first.start]
            .find(' ')
            .map_or(from, |i| from + i + 1);
    }
    let mut to = (first.end + reach).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    if to < text.len() && !text[to..].starts_with(' ') {
        to = text[first.end..to].rfind(' ').map_or(to, |i| first.end + i);
    }
    let inside: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start >= from && r.end <= to)
        .map(|r| r.start - from..r.end - from)
        .collect();
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&mark(&text[from..to], &inside));
    if to < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_is_found_in_order_with_plurals_folded() {
        let s = WordSearch::phrase("Frozen asset").unwrap();
        let text = "The EU will use the frozen assets, not the assets frozen in Belgium.";
        let found = s.find(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].clone()], "frozen assets");
        assert_eq!(
            mark(text, &found),
            "The EU will use the «frozen assets», not the assets frozen in Belgium."
        );
        assert!(s.find("assets that stay frozen").is_empty());
    }

    #[test]
    fn the_index_query_asks_for_every_part_as_a_prefix() {
        let s = WordSearch::phrase("Russia's \"frozen\" assets").unwrap();
        assert_eq!(
            s.index_query(),
            "\"russia\"* AND \"frozen\"* AND \"asset\"*"
        );
        let s = WordSearch::phrase("don't").unwrap();
        assert_eq!(s.index_query(), "\"don\"* AND \"t\"*");
        assert!(WordSearch::phrase(" -- ").is_none());
    }

    #[test]
    fn terms_are_found_alone_and_as_prefixes() {
        let s = WordSearch::terms("ceasefire OR truce").unwrap();
        let text = "A truce, then a ceasefire; ceasefires hold.";
        let found: Vec<&str> = s.find(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["truce", "ceasefire", "ceasefires"]);
    }

    #[test]
    fn a_snippet_keeps_whole_words_around_the_first_match() {
        let text = "one two three four five six seven eight nine ten";
        let s = WordSearch::phrase("five").unwrap();
        let found = s.find(text);
        assert_eq!(snippet(text, &found, 10), "…four «five» six seven…");
        assert_eq!(snippet(text, &found, 5), "…four «five» six…");
        assert_eq!(
            snippet(text, &found, 100),
            "one two three four «five» six seven eight nine ten"
        );
        assert_eq!(snippet("ünïcödé words «here»", &[], 3), "");
    }
}
