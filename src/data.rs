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
    /// actors.csv with the actors and aliases a user keeps in the database.
    actors: Option<std::sync::Arc<str>>,
}

impl DataFiles {
    pub fn embedded() -> Self {
        DataFiles {
            dir: None,
            actors: None,
        }
    }

    pub fn from_dir(dir: impl Into<PathBuf>) -> Self {
        DataFiles {
            dir: Some(dir.into()),
            actors: None,
        }
    }

    pub fn read(&self, name: &str) -> Result<Cow<'static, str>> {
        if let (Some(text), "actors.csv") = (&self.actors, name) {
            return Ok(Cow::Owned(text.to_string()));
        }
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

impl DataFiles {
    /// These files with `kept` added to actors.csv: each kept actor a row of its own (with
    /// its aliases), each alias of a listed actor joined to its row's aliases.
    pub fn with_kept(&self, kept: &crate::model::Kept) -> Result<DataFiles> {
        if kept.is_empty() {
            return Ok(self.clone());
        }
        let text = self.read("actors.csv")?;
        let aliases_of = |name: &str| -> Vec<&str> {
            kept.aliases
                .iter()
                .filter(|(n, _)| {
                    n.eq_ignore_ascii_case(name) || crate::text::fold(n) == crate::text::fold(name)
                })
                .map(|(_, a)| a.as_str())
                .collect()
        };
        let mut out = String::with_capacity(text.len() + 64 * kept.actors.len());
        let mut header_seen = false;
        for line in text.lines() {
            let data_line = !line.trim_start().starts_with('#') && !line.trim().is_empty();
            if !data_line || !header_seen {
                header_seen |= data_line;
                out.push_str(line);
                out.push('\n');
                continue;
            }
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(line.as_bytes());
            let Some(Ok(record)) = reader.records().next() else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            let extra = aliases_of(record.get(0).unwrap_or("").trim());
            if extra.is_empty() {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            let mut fields: Vec<String> = record.iter().map(String::from).collect();
            while fields.len() < 2 {
                fields.push(String::new());
            }
            let mut aliases: Vec<&str> = fields[1].split('|').filter(|a| !a.is_empty()).collect();
            aliases.extend(extra);
            fields[1] = aliases.join("|");
            out.push_str(&csv_line(&fields));
        }
        for a in &kept.actors {
            let fields = [
                a.name.clone(),
                aliases_of(&a.name).join("|"),
                String::new(),
                String::new(),
                a.gender.clone().unwrap_or_default(),
                a.country.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
                a.kind.clone(),
            ];
            out.push_str(&csv_line(&fields));
        }
        Ok(DataFiles {
            dir: self.dir.clone(),
            actors: Some(out.into()),
        })
    }
}

/// One CSV line, quoted where it must be.
fn csv_line(fields: &[String]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(fields);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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
