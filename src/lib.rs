//! whosaid: who said what, about what, and when.
//!
//! Layers, top to bottom: `cli` -> `pipeline` -> the stages (`parse`, `extract`, `attribute`,
//! `topics`, `stance`, `store`) -> `model`, `text`, `data` and `error`. A stage uses the layer below, never a
//! sibling; nothing uses `cli`. `interchange` (the JSON Lines of `extract` and `load`) and
//! `eval` stand beside `pipeline`.
//!
//! The library works without the command line:
//!
//! ```
//! use whosaid::{data::DataFiles, parse::SourceInfo, pipeline::Pipeline};
//!
//! let page = "Talks stallpublished at 10:00 Greenwich Mean Time 2 May\n\
//!             10:00 GMT 2 May\n\
//!             \"We are not leaving,\" Zelenskiy told reporters.\n";
//! let info = SourceInfo { path: "page.txt".into(), year: Some(2025), ..SourceInfo::default() };
//! let pipeline = Pipeline::load(&DataFiles::embedded()).unwrap();
//! let processed = pipeline.read(page.as_bytes(), &info, None, false).unwrap();
//! let statement = &processed.statements[0][0];
//! assert_eq!(statement.quote, "We are not leaving,");
//! assert_eq!(statement.speaker.as_ref().unwrap().name, "Volodymyr Zelensky");
//! ```

pub mod attribute;
pub mod cli;
pub mod data;
pub mod error;
pub mod eval;
pub mod extract;
pub mod interchange;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod stance;
pub mod store;
pub mod text;
pub mod topics;

/// Runs the command line with these arguments and returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    cli::run(args)
}
