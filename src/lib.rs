//! whosaid: who said what, about what, and when.
//!
//! Layers, top to bottom: `cli` -> `pipeline` -> the stages (`parse`, `extract`, `attribute`,
//! `store`) -> `model`, `text`, `data` and `error`. A stage uses the layer below, never a
//! sibling; nothing uses `cli`.

pub mod attribute;
pub mod cli;
pub mod data;
pub mod error;
pub mod extract;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod store;
pub mod text;

/// Runs the command line with these arguments and returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    cli::run(args)
}
