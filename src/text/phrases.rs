//! Word phrases matched on tokens: "boots on the ground", "negotiat*" (a word prefix), with
//! plurals and possessives folded ("sanctions" finds "sanction", "Russia's" finds "russia").

// Fx hashing: the keys are short words looked up for every token, where SipHash cost shows.
use compact_str::CompactString;
use rustc_hash::FxHashMap as HashMap;

use super::{Token, TokenKind, strip_possessive, tokenize};

/// A word as phrase matching compares it: folded, no possessive, no plural ending.
pub fn stem(word: &str) -> String {
    let w = strip_possessive(word);
    let n = w.chars().count();
    if n > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    if n > 4
        && (w.ends_with("ches") || w.ends_with("shes") || w.ends_with("sses") || w.ends_with("xes"))
    {
        return w[..w.len() - 2].to_string();
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// The stems of a token list, index for index (punctuation keeps its text), held inline
/// when short (most are: no allocation a word).
pub fn stems(tokens: &[Token]) -> Vec<CompactString> {
    tokens
        .iter()
        .map(|t| {
            if t.is_word() {
                stem_compact(&t.lower)
            } else {
                t.lower.clone()
            }
        })
        .collect()
}

/// `stem`, into a string that holds short words inline.
fn stem_compact(word: &str) -> CompactString {
    let w = strip_possessive(word);
    // Every ending cut below ends in "s": most words are kept as they are, uncounted.
    if !w.ends_with('s') {
        return CompactString::new(w);
    }
    let n = w.len();
    // Byte lengths stand for character counts only where the word is ASCII.
    let n = if w.is_ascii() { n } else { w.chars().count() };
    let cut = if n > 4 && w.ends_with("ies") {
        let mut out = CompactString::new(&w[..w.len() - 3]);
        out.push('y');
        return out;
    } else if n > 4
        && (w.ends_with("ches") || w.ends_with("shes") || w.ends_with("sses") || w.ends_with("xes"))
    {
        2
    } else if n > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        1
    } else {
        0
    };
    CompactString::new(&w[..w.len() - cut])
}

#[derive(Debug, Clone)]
enum Pattern {
    Word(String),
    Prefix(String),
}

impl Pattern {
    fn matches(&self, stem: &str) -> bool {
        match self {
            Pattern::Word(w) => w == stem,
            Pattern::Prefix(p) => stem.starts_with(p.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
struct Phrase<K> {
    words: Vec<Pattern>,
    key: K,
    text: String,
}

/// One phrase found: tokens `start..start + len`.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a, K> {
    pub start: usize,
    pub len: usize,
    pub key: &'a K,
    pub phrase: &'a str,
}

#[derive(Debug, Clone)]
pub struct PhraseSet<K> {
    by_first: HashMap<String, Vec<Phrase<K>>>,
    /// Most words start no phrase: they are turned away here, without a probe of the map.
    firsts: WordBits,
    /// Phrases opening with a prefix pattern, by the first letters of the prefix.
    open: HashMap<String, Vec<Phrase<K>>>,
    /// The keys of `open`, asked first as `firsts` is.
    open_heads: WordBits,
    /// The shortest prefix that opens a phrase: how many letters index `open`.
    open_key: usize,
    /// Every word of every phrase, wherever it stands in its phrase: what a word must be
    /// for any phrase found to cover it.
    any_words: rustc_hash::FxHashSet<String>,
    /// Sorted: the prefixes a word begins with are among those just before it.
    any_prefixes: Vec<String>,
}

impl<K> Default for PhraseSet<K> {
    fn default() -> Self {
        PhraseSet {
            by_first: HashMap::default(),
            firsts: WordBits::default(),
            open: HashMap::default(),
            open_heads: WordBits::default(),
            open_key: usize::MAX,
            any_words: Default::default(),
            any_prefixes: Vec::new(),
        }
    }
}

/// A set of words that may answer "maybe" for a word not in it, never "no" for one in it: a
/// bit for each word's hash (16 Kbit, in the cache), asked before a map is probed for the
/// few words that are keys among the many that are not.
#[derive(Debug, Clone)]
pub struct WordBits(Box<[u64; WORD_BITS / 64]>);

const WORD_BITS: usize = 1 << 14;

impl Default for WordBits {
    fn default() -> Self {
        WordBits(Box::new([0; WORD_BITS / 64]))
    }
}

impl WordBits {
    fn bit(word: &str) -> usize {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(word) as usize % WORD_BITS
    }

    pub fn insert(&mut self, word: &str) {
        let bit = Self::bit(word);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    /// False only for a word never inserted.
    pub fn may_contain(&self, word: &str) -> bool {
        let bit = Self::bit(word);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}

fn head(word: &str, chars: usize) -> &str {
    if word.is_ascii() {
        return &word[..chars.min(word.len())];
    }
    word.char_indices()
        .nth(chars)
        .map_or(word, |(i, _)| &word[..i])
}

impl<K> PhraseSet<K> {
    /// Adds a phrase; a word ending in '*' matches any word it begins.
    pub fn add(&mut self, phrase: &str, key: K) {
        let words: Vec<Pattern> = tokenize(phrase.trim(), &[])
            .iter()
            .map(|t| {
                let star = phrase.as_bytes().get(t.end) == Some(&b'*');
                if t.kind == TokenKind::Punct {
                    Pattern::Word(t.lower.to_string())
                } else if star {
                    Pattern::Prefix(strip_possessive(&t.lower).to_string())
                } else {
                    Pattern::Word(stem(&t.lower))
                }
            })
            .filter(|p| !matches!(p, Pattern::Word(w) if w == "*"))
            .collect();
        let Some(first) = words.first().cloned() else {
            return;
        };
        for w in &words {
            match w {
                Pattern::Word(w) => {
                    self.any_words.insert(w.clone());
                }
                Pattern::Prefix(p) => {
                    if let Err(at) = self.any_prefixes.binary_search(p) {
                        self.any_prefixes.insert(at, p.clone());
                    }
                }
            }
        }
        let entry = Phrase {
            words,
            key,
            text: phrase.trim().trim_end_matches('*').to_string(),
        };
        match first {
            Pattern::Word(w) => {
                self.firsts.insert(&w);
                let list = self.by_first.entry(w).or_default();
                list.push(entry);
                list.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
            }
            Pattern::Prefix(p) => {
                let key = p.chars().count().max(1);
                if key < self.open_key {
                    // Re-index what is there under the shorter key.
                    let all: Vec<Phrase<K>> = self.open.drain().flat_map(|(_, v)| v).collect();
                    self.open_heads = WordBits::default();
                    self.open_key = key;
                    for phrase in all {
                        self.index_open(phrase);
                    }
                }
                self.index_open(entry);
            }
        }
    }

    fn index_open(&mut self, phrase: Phrase<K>) {
        let Some(Pattern::Prefix(p)) = phrase.words.first() else {
            return;
        };
        let key = head(p, self.open_key).to_string();
        self.open_heads.insert(&key);
        let list = self.open.entry(key).or_default();
        list.push(phrase);
        list.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
    }

    /// False when no phrase of the set has a word `stem` matches, at any place in it: then
    /// no phrase found in a text covers that word.
    pub fn may_cover(&self, stem: &str) -> bool {
        if self.any_words.contains(stem) {
            return true;
        }
        // Every prefix of `stem` sorts at or before it and (but the empty one) shares its
        // first byte.
        let before = self.any_prefixes.partition_point(|p| p.as_str() <= stem);
        self.any_prefixes.first().is_some_and(String::is_empty)
            || self.any_prefixes[..before]
                .iter()
                .rev()
                .take_while(|p| p.as_bytes().first() == stem.as_bytes().first())
                .any(|p| stem.starts_with(p.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty() && self.open.is_empty()
    }

    /// The longest phrase starting at word `i` of `stems`.
    pub fn at<S: AsRef<str>>(&self, stems: &[S], i: usize) -> Option<Found<'_, K>> {
        let fits = |p: &Phrase<K>| {
            p.words
                .iter()
                .enumerate()
                .all(|(k, w)| stems.get(i + k).is_some_and(|s| w.matches(s.as_ref())))
        };
        let stem = stems[i].as_ref();
        let exact = self
            .firsts
            .may_contain(stem)
            .then(|| self.by_first.get(stem))
            .flatten()
            .and_then(|list| list.iter().find(|p| fits(p)));
        let open = (!self.open.is_empty())
            .then(|| head(stem, self.open_key))
            .filter(|h| self.open_heads.may_contain(h))
            .and_then(|h| self.open.get(h))
            .and_then(|list| list.iter().find(|p| fits(p)));
        let best = match (exact, open) {
            (Some(a), Some(b)) => Some(if b.words.len() > a.words.len() { b } else { a }),
            (a, b) => a.or(b),
        }?;
        Some(Found {
            start: i,
            len: best.words.len(),
            key: &best.key,
            phrase: &best.text,
        })
    }

    /// Every phrase in `stems`, left to right, longest first where they overlap.
    pub fn find_all<S: AsRef<str>>(&self, stems: &[S]) -> Vec<Found<'_, K>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            match self.at(stems, i) {
                Some(f) => {
                    i += f.len;
                    out.push(f);
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_bits_never_turn_away_a_word_put_in() {
        let mut bits = WordBits::default();
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        for w in &words {
            bits.insert(w);
        }
        assert!(words.iter().all(|w| bits.may_contain(w)));
        // Most other words are turned away (5,000 of 16,384 bits are set).
        let others = (0..1000)
            .filter(|i| bits.may_contain(&format!("x{i}")))
            .count();
        assert!(others < 500, "{others}");
    }

    #[test]
    fn inline_stems_are_the_stems() {
        for w in [
            "ceasefires",
            "parties",
            "ties",
            "churches",
            "wishes",
            "classes",
            "boxes",
            "bus",
            "crisis",
            "glass",
            "talks",
            "russia's",
            "états",
            "niñas",
            "s",
            "is",
            "yes",
            "allies",
            "leaders'",
            "truce",
            "putin’s",
            "kyiv",
            "a",
        ] {
            assert_eq!(stem_compact(w).as_str(), stem(w), "{w}");
        }
    }

    fn find(set: &PhraseSet<&'static str>, text: &str) -> Vec<&'static str> {
        let tokens = tokenize(text, &[]);
        set.find_all(&stems(&tokens))
            .into_iter()
            .map(|f| *f.key)
            .collect()
    }

    #[test]
    fn plurals_prefixes_and_longest_match() {
        let mut set = PhraseSet::default();
        set.add("sanction", "sanctions");
        set.add("negotiat*", "talks");
        set.add("boots on the ground", "troops");
        set.add("boots", "shoes");
        assert_eq!(
            find(&set, "New sanctions and negotiations"),
            vec!["sanctions", "talks"]
        );
        assert_eq!(find(&set, "no boots on the ground yet"), vec!["troops"]);
        assert_eq!(find(&set, "Russia's negotiators"), vec!["talks"]);
    }

    #[test]
    fn may_cover_knows_every_word_of_every_phrase() {
        let mut set = PhraseSet::default();
        set.add("boots on the ground", "troops");
        set.add("peacekeep* mission", "troops");
        // Any word of a phrase, wherever it stands, as phrase matching compares it.
        for word in [
            "boot",
            "on",
            "the",
            "ground",
            "mission",
            "peacekeeper",
            "peacekeeping",
        ] {
            assert!(set.may_cover(word), "{word}");
        }
        for word in ["boo", "peace", "grounded", "missionary", "", "zzz"] {
            assert!(!set.may_cover(word), "{word}");
        }
        // Prefixes that open alike: each word finds the ones it begins with.
        set.add("neg* view", "talks");
        set.add("negotiat*", "talks");
        set.add("nuclear* talks", "talks");
        for word in ["negotiation", "negative", "neg", "nuclearise"] {
            assert!(set.may_cover(word), "{word}");
        }
        for word in ["ne", "nexus", "nuke", "oath"] {
            assert!(!set.may_cover(word), "{word}");
        }
        // Whatever `may_cover` turns away, no phrase found covers.
        let tokens = tokenize(
            "Boots on the ground for a peacekeeping mission, grounded",
            &[],
        );
        let words = stems(&tokens);
        for f in set.find_all(&words) {
            assert!((f.start..f.start + f.len).all(|i| set.may_cover(&words[i])));
        }
    }

    #[test]
    fn stems_fold_plurals_not_short_words() {
        assert_eq!(stem("sanctions"), "sanction");
        assert_eq!(stem("guarantees"), "guarantee");
        assert_eq!(stem("countries"), "country");
        assert_eq!(stem("its"), "its");
        assert_eq!(stem("talks"), "talk");
        assert_eq!(stem("russia's"), "russia");
    }
}
