//! One source through every stage. Takes the bytes of a source and what the user said about
//! it; gives the parsed document and its statements, attributed, tagged with topics and
//! scored for stance, ready for the store.

use crate::attribute::Attributor;
use crate::data::DataFiles;
use crate::error::Result;
use crate::extract::{Extractor, propagate_terms};
use crate::model::{Actor, Document, Statement, Topic};
use crate::parse::{self, SourceInfo};
use crate::stance::Scorer;
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
    pub fn statement_count(&self) -> usize {
        self.statements.iter().map(Vec::len).sum()
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
        let mut statements: Vec<Vec<Statement>> = document
            .posts
            .iter()
            .map(|p| self.extractor.extract(p))
            .collect();
        propagate_terms(&mut statements);
        self.attributor.attribute(&document, &mut statements);
        self.tagger.tag(&document, &mut statements);
        self.scorer.score_all(&mut statements);
        Processed {
            document,
            statements,
        }
    }
}
