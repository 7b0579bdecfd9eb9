//! The one error type of whosaid. Takes failures from every layer; gives a lowercase,
//! one-line message that names the file (and line or byte) where it applies.

use std::fmt;
use std::io;

#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        path: String,
        source: io::Error,
    },
    /// An input file whosaid cannot make sense of.
    Input {
        path: String,
        line: Option<usize>,
        message: String,
    },
    /// A bad row in one of the data files (actors.csv, topics.csv...).
    Data {
        file: String,
        line: usize,
        message: String,
    },
    Db {
        context: String,
        source: rusqlite::Error,
    },
    /// The database was written by a newer whosaid.
    DbTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    UnknownActor {
        name: String,
        suggestion: Option<String>,
    },
    UnknownTopic {
        name: String,
        suggestion: Option<String>,
    },
    Usage(String),
    /// Writing output failed; a closed pipe is reported as this and exits quietly.
    Output(io::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn input(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }

    /// The context is made into a string only on an error: these are called for every row
    /// stored or read.
    pub fn db(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
        move |source| Error::Db {
            context: context.into(),
            source,
        }
    }

    /// `db` with a context that is formatted only on an error.
    pub fn db_with(context: impl FnOnce() -> String) -> impl FnOnce(rusqlite::Error) -> Error {
        move |source| Error::Db {
            context: context(),
            source,
        }
    }

    /// The same error for a piece of a source that starts after `lines` lines.
    pub fn at_line_offset(self, lines: usize) -> Self {
        match self {
            Error::Input {
                path,
                line: Some(line),
                message,
            } => Error::Input {
                path,
                line: Some(line + lines),
                message,
            },
            other => other,
        }
    }

    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

fn did_you_mean(f: &mut fmt::Formatter<'_>, suggestion: &Option<String>) -> fmt::Result {
    match suggestion {
        Some(s) => write!(f, "; did you mean '{s}'?"),
        None => Ok(()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Input {
                path,
                line: Some(line),
                message,
            } => write!(f, "{path}:{line}: {message}"),
            Error::Input {
                path,
                line: None,
                message,
            } => write!(f, "{path}: {message}"),
            Error::Data {
                file,
                line,
                message,
            } => write!(f, "data file {file}:{line}: {message}"),
            Error::Db { context, source } => write!(f, "database error while {context}: {source}"),
            Error::DbTooNew {
                path,
                found,
                supported,
            } => write!(
                f,
                "{path}: database schema version {found} is newer than this whosaid supports ({supported}); upgrade whosaid"
            ),
            Error::UnknownActor { name, suggestion } => {
                write!(f, "unknown actor '{name}'")?;
                did_you_mean(f, suggestion)
            }
            Error::UnknownTopic { name, suggestion } => {
                write!(f, "unknown topic '{name}'")?;
                did_you_mean(f, suggestion)
            }
            Error::Usage(message) => write!(f, "{message}"),
            Error::Output(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Output(e)
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::Output(io),
            other => Error::Usage(format!("csv: {other:?}")),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            Error::Output(io::Error::from(e))
        } else {
            Error::Usage(format!("json: {e}"))
        }
    }
}
