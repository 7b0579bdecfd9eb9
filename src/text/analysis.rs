//! The analysis of a post that every stage shares, built once (like a spaCy `Doc`). Takes
//! the texts of a post's blocks (title first, then paragraphs); gives, per block, its quote
//! spans, its tokens (quote marks known, so apostrophes stay inside words), their stems (as
//! phrase matching compares words) and its sentences.
//! Extraction, attribution and topic tagging read it; none of them tokenizes a paragraph
//! again.

use std::ops::Range;

use compact_str::CompactString;

use super::phrases::stems;
use super::quotes::{self, QuoteSpan};
use super::{Token, quote_marks, sentences, tokenize};

/// One block (a title or a paragraph) analysed.
#[derive(Debug, Clone, Default)]
pub struct BlockAnalysis {
    pub spans: Vec<QuoteSpan>,
    pub tokens: Vec<Token>,
    /// `stems(&tokens)`, index for index.
    pub stems: Vec<CompactString>,
    /// Token ranges of the sentences, in order.
    pub sentences: Vec<Range<usize>>,
}

impl BlockAnalysis {
    pub fn new(text: &str) -> Self {
        let spans = quotes::scan(text);
        let tokens = tokenize(text, &quote_marks(&spans));
        let sentences = sentences(&tokens);
        BlockAnalysis {
            spans,
            stems: stems(&tokens),
            tokens,
            sentences,
        }
    }

    /// The sentence holding token `i` (its token range), if any.
    pub fn sentence_of(&self, i: usize) -> Option<&Range<usize>> {
        let k = self.sentences.partition_point(|r| r.end <= i);
        self.sentences.get(k).filter(|r| r.contains(&i))
    }
}

/// A post analysed: `blocks[i]` belongs to the post's i-th block (title first).
#[derive(Debug, Clone, Default)]
pub struct PostAnalysis {
    pub blocks: Vec<BlockAnalysis>,
}

impl PostAnalysis {
    pub fn new<'a>(blocks: impl Iterator<Item = &'a str>) -> Self {
        PostAnalysis {
            blocks: blocks.map(BlockAnalysis::new).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_quotes_tokens_and_sentences_together() {
        let a = PostAnalysis::new(
            [
                "A headline",
                "\"It's done. We won,\" she said. Then she left.",
            ]
            .into_iter(),
        );
        assert_eq!(a.blocks.len(), 2);
        let b = &a.blocks[1];
        assert_eq!(b.spans.len(), 1);
        assert_eq!(b.sentences.len(), 2);
        assert!(b.tokens.iter().any(|t| t.lower == "it's"));
        let last = b.tokens.len() - 1;
        assert_eq!(b.sentence_of(last), Some(&b.sentences[1]));
        assert_eq!(b.sentence_of(0), Some(&b.sentences[0]));
    }
}
