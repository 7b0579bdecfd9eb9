//! One source through every stage. Takes the bytes of a source and what the user said about
//! it; gives the parsed document and its statements, attributed, tagged with topics and
//! scored for stance, ready for the store.

use crate::attribute::Attributor;
use crate::data::DataFiles;
use crate::error::Result;
use crate::extract::{Extractor, propagate_terms};
use crate::model::{Actor, Document, Statement, Topic};
use std::io::BufRead;

use crate::error::Error;
use crate::parse::{self, Pieces, SourceInfo};
use crate::stance::Scorer;
use crate::text::analysis::PostAnalysis;
use crate::topics::Tagger;

pub struct Pipeline {
    extractor: Extractor,
    attributor: Attributor,
    tagger: Tagger,
    scorer: Scorer,
}

/// A document with its statements: `statements[i]` belongs to `document.posts[i]`.
pub struct Processed {
    pub document: Document,
    pub statements: Vec<Vec<Statement>>,
}

impl Processed {
    /// Moves every offset `by` bytes on: a piece's text placed after the pieces before it.
    pub fn shift(&mut self, by: usize) {
        if by == 0 {
            return;
        }
        for post in &mut self.document.posts {
            for p in post.title.iter_mut().chain(post.paragraphs.iter_mut()) {
                p.offset += by;
            }
        }
        for r in &mut self.document.furniture {
            *r = r.start + by..r.end + by;
        }
        for s in self.statements.iter_mut().flatten() {
            s.start += by;
            s.end += by;
            s.sentence_start += by;
            if let Some((a, b)) = &mut s.scope {
                *a += by;
                *b += by;
            }
            if let Some(m) = &mut s.mention {
                m.start += by;
            }
            for t in &mut s.topics {
                for m in &mut t.mentions {
                    *m += by;
                }
            }
        }
    }
}

/// A source read a piece at a time; `next` gives each piece processed.
pub struct Stream<'p, R> {
    pipeline: &'p Pipeline,
    pieces: Pieces<R>,
    info: SourceInfo,
    format: Option<String>,
    lossy: bool,
    posts: usize,
}

impl<R: BufRead> Stream<'_, R> {
    /// The next piece, processed, with offsets counted from the start of its own text.
    pub fn next_piece(&mut self) -> Result<Option<Processed>> {
        let Some(piece) = self.pieces.next_piece()? else {
            if self.format.is_none() && !self.info.continuation {
                return Err(Error::input(&self.info.path, None, "the file is empty"));
            }
            if self.posts == 0 {
                return Err(Error::input(&self.info.path, None, "no posts found"));
            }
            return Ok(None);
        };
        let text = parse::decode_at(&piece.bytes, &self.info.path, self.lossy, piece.at)?;
        drop(piece.bytes);
        let document = parse::parse(&text, &self.info, self.format.as_deref())
            .map_err(|e| e.at_line_offset(piece.at.lines))?;
        if self.format.is_none() || !self.info.continuation {
            // What the first piece showed holds for the rest: its format and its date.
            self.format = Some(document.format.clone());
            self.info.date = self.info.date.or(document.published_on);
            self.info.continuation = true;
        }
        self.posts += document.posts.len();
        Ok(Some(self.pipeline.process(document)))
    }
}

impl Pipeline {
    pub fn load(data: &DataFiles) -> Result<Self> {
        Ok(Pipeline {
            extractor: Extractor::load(data)?,
            attributor: Attributor::load(data)?,
            tagger: Tagger::load(data)?,
            scorer: Scorer::load(data)?,
        })
    }

    pub fn actors(&self) -> &[Actor] {
        &self.attributor.gazetteer.actors
    }

    pub fn topics(&self) -> &[Topic] {
        &self.tagger.topics
    }

    /// Reads a source of any size in pieces cut where posts start (`piece_size` bytes or a
    /// little more each), for a caller that stores each piece as it comes.
    pub fn stream<R: BufRead>(
        &self,
        reader: R,
        info: &SourceInfo,
        format: Option<&str>,
        lossy: bool,
        piece_size: usize,
    ) -> Result<Stream<'_, R>> {
        Ok(Stream {
            pipeline: self,
            pieces: Pieces::new(reader, &info.path, format, piece_size)?,
            info: info.clone(),
            format: format.filter(|f| *f != "auto").map(str::to_string),
            lossy,
            posts: 0,
        })
    }

    /// Decodes, parses and processes one source.
    pub fn read(
        &self,
        bytes: &[u8],
        info: &SourceInfo,
        format: Option<&str>,
        lossy: bool,
    ) -> Result<Processed> {
        let text = parse::decode(bytes, &info.path, lossy)?;
        let document = parse::parse(&text, info, format)?;
        Ok(self.process(document))
    }

    pub fn process(&self, document: Document) -> Processed {
        // One analysis per post, read by every stage that needs the words, then dropped:
        // what the document-wide passes need of it is small (names, topic sentences).
        let mut statements = Vec::with_capacity(document.posts.len());
        let mut names = Vec::with_capacity(document.posts.len());
        let mut sentences = Vec::with_capacity(document.posts.len());
        let mut story = self.tagger.story();
        for post in &document.posts {
            let analysis = PostAnalysis::new(post.blocks().map(|b| b.paragraph.text.as_str()));
            statements.push(self.extractor.extract(post, &analysis));
            names.push(
                self.attributor
                    .names(post, &analysis, document.published_on),
            );
            sentences.push(self.tagger.sentences(post, &analysis, &mut story));
        }
        propagate_terms(&mut statements);
        self.attributor
            .attribute(&document, &names, &mut statements);
        self.tagger.tag(&sentences, &story, &mut statements);
        self.scorer.score_all(&mut statements);
        Processed {
            document,
            statements,
        }
    }
}
