//! The data files (actors, countries, cues, topics). Takes an optional directory; gives each
//! file's text, from that directory when it holds the file, else the copy built into the binary,
//! so whosaid works from any directory and users can still extend the lists without a rebuild.

use std::borrow::Cow;
use std::path::PathBuf;

use crate::error::{Error, Result};

const EMBEDDED: &[(&str, &str)] = &[
    ("actors.csv", include_str!("../data/actors.csv")),
    ("countries.csv", include_str!("../data/countries.csv")),
    ("bodies.csv", include_str!("../data/bodies.csv")),
    ("roles.csv", include_str!("../data/roles.csv")),
    ("speech_cues.csv", include_str!("../data/speech_cues.csv")),
    ("topics.csv", include_str!("../data/topics.csv")),
    ("stance_cues.csv", include_str!("../data/stance_cues.csv")),
];

#[derive(Debug, Clone, Default)]
pub struct DataFiles {
    dir: Option<PathBuf>,
}

impl DataFiles {
    pub fn embedded() -> Self {
        DataFiles { dir: None }
    }

    pub fn from_dir(dir: impl Into<PathBuf>) -> Self {
        DataFiles {
            dir: Some(dir.into()),
        }
    }

    pub fn read(&self, name: &str) -> Result<Cow<'static, str>> {
        if let Some(dir) = &self.dir {
            let path = dir.join(name);
            if path.exists() {
                return std::fs::read_to_string(&path)
                    .map(Cow::Owned)
                    .map_err(|source| Error::Io {
                        path: path.display().to_string(),
                        source,
                    });
            }
        }
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| Cow::Borrowed(*text))
            .ok_or_else(|| Error::Usage(format!("no data file named {name}")))
    }

    /// Rows of a CSV data file as (line number, record), with `#` comment lines skipped.
    pub fn records(&self, name: &str) -> Result<Vec<(usize, csv::StringRecord)>> {
        let text = self.read(name)?;
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| Error::Data {
                file: name.to_string(),
                line: e.position().map_or(0, |p| p.line() as usize),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            rows.push((line, record));
        }
        Ok(rows)
    }
}

/// A field of a data row split on `|`, empty parts dropped.
pub fn list(field: Option<&str>) -> Vec<String> {
    field
        .unwrap_or("")
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
