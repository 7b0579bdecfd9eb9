//! whosaid: who said what, about what, and when.
pub mod data;
pub mod error;
pub mod extract;
pub mod model;
pub mod parse;
pub mod text;
