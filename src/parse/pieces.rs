//! Reading a source in pieces, cut only where a post starts, so a source of any size is
//! processed with memory that does not grow with it.

use std::io::BufRead;

use super::{Format, Position, by_name, formats};
use crate::error::{Error, Result};

/// A piece of a source's bytes and where it starts in the whole.
pub struct Piece {
    pub bytes: Vec<u8>,
    pub at: Position,
}

pub struct Pieces<R> {
    reader: R,
    path: String,
    format: Option<Box<dyn Format>>,
    /// A line read past the end of the last piece: it starts the next one.
    carry: Option<Vec<u8>>,
    at: Position,
    size: usize,
}

impl<R: BufRead> Pieces<R> {
    /// `size` is the length at which a piece is cut at the next post; a piece that finds no
    /// post to cut at is cut at any line once it is four times that.
    pub fn new(reader: R, path: &str, format: Option<&str>, size: usize) -> Result<Self> {
        let format = match format {
            Some(name) if name != "auto" => Some(
                by_name(name)
                    .ok_or_else(|| Error::Usage(format!("unknown input format '{name}'")))?,
            ),
            _ => None,
        };
        Ok(Pieces {
            reader,
            path: path.to_string(),
            format,
            carry: None,
            at: Position::default(),
            size: size.max(1),
        })
    }

    pub fn next_piece(&mut self) -> Result<Option<Piece>> {
        let mut buf = self.carry.take().unwrap_or_default();
        loop {
            let mut line = Vec::new();
            let n = self
                .reader
                .read_until(b'\n', &mut line)
                .map_err(|source| Error::Io {
                    path: self.path.clone(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            if buf.len() >= self.size {
                if self.format.is_none() {
                    let text = String::from_utf8_lossy(&buf);
                    self.format = formats().into_iter().find(|f| f.detect(&text));
                }
                let cut = match &self.format {
                    Some(f) => {
                        f.splits()
                            && (buf.len() >= 4 * self.size
                                || f.starts_post(&String::from_utf8_lossy(&line)))
                    }
                    None => true,
                };
                if cut {
                    self.carry = Some(line);
                    break;
                }
            }
            buf.extend_from_slice(&line);
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let at = self.at;
        self.at.byte += buf.len();
        self.at.lines += buf.iter().filter(|&&b| b == b'\n').count();
        Ok(Some(Piece { bytes: buf, at }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cut_at_posts_and_cover_every_byte() {
        let mut page = String::from("Page\n");
        for i in 0..50 {
            page.push_str(&format!(
                "Post {i}published at 10:{:02} Greenwich Mean Time 1 May\nBody line {i}.\n",
                i % 60
            ));
        }
        let mut pieces = Pieces::new(page.as_bytes(), "p", None, 200).unwrap();
        let mut joined = Vec::new();
        let mut count = 0;
        while let Some(p) = pieces.next_piece().unwrap() {
            assert_eq!(p.at.byte, joined.len());
            if count > 0 {
                assert!(
                    String::from_utf8_lossy(&p.bytes)
                        .lines()
                        .next()
                        .unwrap()
                        .contains("published at")
                );
            }
            joined.extend_from_slice(&p.bytes);
            count += 1;
        }
        assert!(count > 5);
        assert_eq!(joined, page.as_bytes());
    }
}
