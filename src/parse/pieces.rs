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
    /// Bytes read from the source; those from `taken` on are not yet given out as a line.
    pending: Vec<u8>,
    taken: usize,
    at: Position,
    size: usize,
    /// The source has been read to its end: no piece is left but the carried line's.
    ended: bool,
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
            pending: Vec::new(),
            taken: 0,
            at: Position::default(),
            size: size.max(1),
            ended: false,
        })
    }

    pub fn next_piece(&mut self) -> Result<Option<Piece>> {
        let mut buf = self.carry.take().unwrap_or_default();
        loop {
            let line = self.next_line()?;
            if line.is_empty() {
                self.ended = true;
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
        self.at.lines += memchr::memchr_iter(b'\n', &buf).count();
        Ok(Some(Piece { bytes: buf, at }))
    }

    /// Whether every piece has been given out.
    pub fn is_done(&self) -> bool {
        self.ended && self.carry.is_none()
    }

    /// The next line with its newline; a line longer than a piece is given out in parts
    /// cut after a sentence (else at a space), so a 100 MB line is never held whole. A feed
    /// or a page (JSON or markup: the first byte `{` or `<`) is never cut inside a line.
    fn next_line(&mut self) -> Result<Vec<u8>> {
        let cap = self.size;
        // Bytes of `pending` before `self.taken` are given out already; what is after is
        // looked through for a newline from `searched` on.
        let mut searched = 0;
        loop {
            let avail = &self.pending[self.taken..];
            if let Some(i) = memchr::memchr(b'\n', &avail[searched..]) {
                let end = searched + i + 1;
                let line = avail[..end].to_vec();
                self.taken += end;
                return Ok(line);
            }
            searched = avail.len();
            let structured = self.at.byte == 0
                && avail
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_some_and(|&b| b == b'{' || b == b'<');
            let cuttable = self
                .format
                .as_ref()
                .is_none_or(|f| f.splits() && f.name() != "jsonl");
            if avail.len() >= cap && !structured && cuttable {
                let cut = cut_point(&avail[..cap]);
                let line = avail[..cut].to_vec();
                self.taken += cut;
                return Ok(line);
            }
            // More is needed: drop what was given out, then read on.
            self.pending.drain(..self.taken);
            self.taken = 0;
            let chunk = self.reader.fill_buf().map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })?;
            if chunk.is_empty() {
                return Ok(std::mem::take(&mut self.pending));
            }
            let n = chunk.len();
            self.pending.extend_from_slice(chunk);
            self.reader.consume(n);
        }
    }
}

/// Where to cut a window of an overlong line: after its last sentence end (". ", "? ", "! "),
/// else after its last space, else at the last character boundary.
fn cut_point(window: &[u8]) -> usize {
    let sentence = window
        .windows(2)
        .rposition(|w| matches!(w[0], b'.' | b'?' | b'!') && w[1] == b' ')
        .map(|i| i + 2);
    let space = window.iter().rposition(|&b| b == b' ').map(|i| i + 1);
    sentence
        .filter(|&i| i > window.len() / 2)
        .or(space)
        .filter(|&i| i > 0)
        .unwrap_or_else(|| {
            // Not inside a UTF-8 character: back to the first byte of one.
            let mut i = window.len();
            while i > 1 && window[i - 1] & 0xC0 == 0x80 {
                i -= 1;
            }
            // The byte before `i` opens a character that runs past the window: cut before it.
            if window[i - 1] >= 0xC0 { i - 1 } else { i }.max(1)
        })
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
