//! The output formats every read command shares: an aligned table for people, CSV, JSON and
//! JSON Lines for programs.

use std::io::Write;

use clap::ValueEnum;
use serde_json::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
    Jsonl,
}

/// Quoted words that open with `=`, `+`, `-`, `@`, a tab or CR would run as a formula in
/// Excel or LibreOffice (OWASP's "CSV injection"): CSV cells like that get a leading `'`
/// unless the user turns it off. JSON is written as it is.
static FORMULA_GUARD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

pub fn guard_formulas(on: bool) {
    FORMULA_GUARD.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Rows under named columns; values keep their JSON types for json/jsonl.
pub struct Records {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl Records {
    pub fn new(columns: &[&'static str]) -> Self {
        Records {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn write(&self, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
        let mut w = RowWriter::new(format, &self.columns, out);
        for row in &self.rows {
            w.push(row.clone())?;
        }
        w.finish().map(|_| ())
    }

    pub fn csv(&self, out: &mut dyn Write) -> Result<()> {
        self.write(OutputFormat::Csv, out)
    }

    /// Columns padded to their widest cell; when the table is wider than the terminal, the
    /// widest columns are cut (with '…') until it fits.
    pub fn table(&self, out: &mut dyn Write, width: usize) -> Result<()> {
        let mut w = RowWriter::new(OutputFormat::Table, &self.columns, out).width(width);
        for row in &self.rows {
            w.push(row.clone())?;
        }
        w.finish().map(|_| ())
    }

    /// A table whose first row is its header (for headers that are data, not names).
    pub fn table_without_header(&self, out: &mut dyn Write, width: usize) -> Result<()> {
        let cells: Vec<Vec<String>> = self.rows.iter().map(|r| table_cells(r)).collect();
        let widths = fit_widths(&cells, self.columns.len(), width);
        for row in &cells {
            writeln!(out, "{}", table_line(row, &widths))?;
        }
        Ok(())
    }
}

/// A table's column widths come from this many rows; later rows are cut to them, so a table
/// of a million rows starts at once and needs no more memory than a page of them.
const TABLE_SAMPLE: usize = 1000;

/// Writes rows one at a time as they come from a query, in any output format, holding none
/// of them longer than it must (a table keeps its first `TABLE_SAMPLE` rows to size its
/// columns).
pub struct RowWriter<'w> {
    format: OutputFormat,
    columns: Vec<&'static str>,
    sink: Sink<'w>,
    width: usize,
    pending: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
    rows: usize,
    guard: bool,
}

enum Sink<'w> {
    Csv(Box<csv::Writer<&'w mut dyn Write>>),
    Plain(&'w mut dyn Write),
}

impl<'w> RowWriter<'w> {
    pub fn new(format: OutputFormat, columns: &[&'static str], out: &'w mut dyn Write) -> Self {
        let sink = if format == OutputFormat::Csv {
            Sink::Csv(Box::new(csv::Writer::from_writer(out)))
        } else {
            Sink::Plain(out)
        };
        RowWriter {
            format,
            columns: columns.to_vec(),
            sink,
            width: terminal_width(),
            pending: Vec::new(),
            widths: None,
            rows: 0,
            guard: FORMULA_GUARD.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The width a table is fitted to (the terminal's unless told).
    pub fn width(mut self, width: usize) -> Self {
        self.width = width;
        self
    }

    /// A row of borrowed cells: CSV writes them as they are, with no value built per cell
    /// (the export of a million rows); other formats take them as JSON values.
    pub fn push_fields(&mut self, row: &[Field<'_>]) -> Result<()> {
        let Sink::Csv(w) = &mut self.sink else {
            return self.push(row.iter().map(Field::value).collect());
        };
        if self.rows == 0 {
            w.write_record(&self.columns)?;
        }
        self.rows += 1;
        let mut number = itoa::Buffer::new();
        for field in row {
            match field {
                Field::Null => w.write_field([])?,
                Field::Int(n) => w.write_field(number.format(*n))?,
                Field::Text(t) => {
                    if self.guard && t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        w.write_field(format!("'{t}"))?;
                    } else {
                        w.write_field(t)?;
                    }
                }
            }
        }
        w.write_record(None::<&[u8]>)?;
        Ok(())
    }

    pub fn push(&mut self, row: Vec<Value>) -> Result<()> {
        let first = self.rows == 0;
        self.rows += 1;
        match (&mut self.sink, self.format) {
            (Sink::Csv(w), _) => {
                if first {
                    w.write_record(&self.columns)?;
                }
                for v in &row {
                    let cell = plain(v);
                    // Text only: a negative number is a number, not a formula.
                    if self.guard
                        && v.is_string()
                        && cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                    {
                        w.write_field(format!("'{cell}"))?;
                    } else {
                        w.write_field(cell)?;
                    }
                }
                w.write_record(None::<&[u8]>)?;
            }
            (Sink::Plain(out), OutputFormat::Json) => {
                out.write_all(if first { b"[\n" } else { b",\n" })?;
                let object = object(&self.columns, row);
                let pretty = serde_json::to_string_pretty(&object)?;
                // JSON strings escape their line breaks, so every line is the object's own.
                for (i, line) in pretty.lines().enumerate() {
                    if i > 0 {
                        out.write_all(b"\n")?;
                    }
                    write!(out, "  {line}")?;
                }
            }
            (Sink::Plain(out), OutputFormat::Jsonl) => {
                let object = object(&self.columns, row);
                serde_json::to_writer(&mut **out, &object)?;
                writeln!(out)?;
            }
            (Sink::Plain(out), _) => {
                let cells = table_cells(&row);
                match &self.widths {
                    Some(widths) => writeln!(out, "{}", table_line(&cells, widths))?,
                    None => {
                        self.pending.push(cells);
                    }
                }
                if self.pending.len() >= TABLE_SAMPLE {
                    self.flush_pending()?;
                }
            }
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> Result<()> {
        let header: Vec<String> = self.columns.iter().map(|c| c.to_string()).collect();
        let pending = std::mem::take(&mut self.pending);
        let widths = fit_widths(
            std::iter::once(&header).chain(&pending),
            self.columns.len(),
            self.width,
        );
        if let Sink::Plain(out) = &mut self.sink {
            for row in std::iter::once(&header).chain(&pending) {
                writeln!(out, "{}", table_line(row, &widths))?;
            }
        }
        self.widths = Some(widths);
        Ok(())
    }

    /// Ends the output; gives the number of rows written.
    pub fn finish(mut self) -> Result<usize> {
        match self.format {
            OutputFormat::Table => {
                if self.widths.is_none() {
                    self.flush_pending()?;
                }
            }
            OutputFormat::Csv => {
                if let Sink::Csv(w) = &mut self.sink {
                    if self.rows == 0 {
                        w.write_record(&self.columns)?;
                    }
                    w.flush()?;
                }
            }
            OutputFormat::Json => {
                if let Sink::Plain(out) = &mut self.sink {
                    out.write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" })?;
                }
            }
            OutputFormat::Jsonl => {}
        }
        if let Sink::Plain(out) = &mut self.sink {
            out.flush()?;
        }
        Ok(self.rows)
    }
}

/// A cell borrowed from a row being written.
pub enum Field<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl Field<'_> {
    fn value(&self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Int(n) => Value::from(*n),
            Field::Text(t) => Value::String(t.to_string()),
        }
    }
}

fn object(columns: &[&'static str], row: Vec<Value>) -> serde_json::Map<String, Value> {
    columns.iter().map(|c| c.to_string()).zip(row).collect()
}

fn table_cells(row: &[Value]) -> Vec<String> {
    row.iter()
        .map(|v| plain(v).replace(['\n', '\r'], " "))
        .collect()
}

/// Each column as wide as its widest cell; when that is wider than `width`, the widest
/// columns are cut until it fits.
fn fit_widths<'a>(
    rows: impl IntoIterator<Item = &'a Vec<String>>,
    columns: usize,
    width: usize,
) -> Vec<usize> {
    let mut widths: Vec<usize> = vec![0; columns];
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let gap = 2 * widths.len().saturating_sub(1);
    while widths.iter().sum::<usize>() + gap > width {
        let Some((i, &w)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
            break;
        };
        if w <= 8 {
            break;
        }
        widths[i] = w - 1;
    }
    widths
}

fn table_line(cells: &[String], widths: &[usize]) -> String {
    let parts: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(c, &w)| pad(&cut(c, w), w))
        .collect();
    parts.join("  ").trim_end().to_string()
}

pub fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// `s` in at most `width` columns of a terminal (wide characters take two), cut with '…':
/// at the end of a word when one ends in the last part of the room, so a name is not cut
/// in the middle when it need not be.
pub fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    let (mut end, mut used) = (0, 0);
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let mut head = &s[..end];
    if let Some(space) = head.rfind(' ')
        && head[..space].trim_end().width() * 5 >= room * 3
    {
        head = head[..space].trim_end();
    }
    format!("{head}…")
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// $COLUMNS when the shell exports it, else the terminal's width when stdout is one, else a
/// width that suits a pager.
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .filter(|&c: &usize| c >= 40)
        .unwrap_or(120)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cut_keeps_whole_words_and_counts_wide_characters_twice() {
        // The name ends at a word, not inside the next.
        assert_eq!(
            cut("Volodymyr Zelensky Foundation", 22),
            "Volodymyr Zelensky…"
        );
        // With no word end near, the word is cut.
        assert_eq!(cut("Supercalifragilistic", 8), "Superca…");
        assert_eq!(cut("short", 8), "short");
        // Each of these takes two columns of a terminal.
        assert_eq!(cut("習近平主席が述べた", 7), "習近平…");
        assert_eq!(UnicodeWidthStr::width(pad("習近平", 8).as_str()), 8);
        assert_eq!(cut("anything", 0), "");
    }

    fn sample() -> Records {
        let mut r = Records::new(&["id", "quote"]);
        r.rows
            .push(vec![json!(1), json!("a long quote that will not fit")]);
        r
    }

    #[test]
    fn table_cuts_to_width() {
        let mut out = Vec::new();
        sample().table(&mut out, 20).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 20), "{text}");
        assert!(text.contains('…'));
    }

    #[test]
    fn json_keeps_types() {
        let mut out = Vec::new();
        sample().write(OutputFormat::Json, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0]["id"], json!(1));
    }

    #[test]
    fn streamed_json_is_the_list_serde_would_write() {
        for n in [0, 1, 3] {
            let mut r = Records::new(&["id", "quote", "topics"]);
            for i in 0..n {
                r.rows.push(vec![
                    json!(i),
                    json!("line\nbreak \"x\""),
                    json!(["a", "b"]),
                ]);
            }
            let list: Vec<serde_json::Map<String, Value>> = r
                .rows
                .iter()
                .map(|row| object(&r.columns, row.clone()))
                .collect();
            let expected = serde_json::to_string_pretty(&list).unwrap() + "\n";
            let mut out = Vec::new();
            r.write(OutputFormat::Json, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{n} rows");
        }
    }

    #[test]
    fn streamed_table_sizes_columns_from_its_first_rows() {
        let mut out = Vec::new();
        let mut w = RowWriter::new(OutputFormat::Table, &["id", "quote"], &mut out).width(200);
        for i in 0..TABLE_SAMPLE {
            w.push(vec![json!(i), json!("short")]).unwrap();
        }
        // A wider cell after the sample is cut to the sampled width, not widened for.
        w.push(vec![
            json!(-1),
            json!("a much longer quote than any before"),
        ])
        .unwrap();
        assert_eq!(w.finish().unwrap(), TABLE_SAMPLE + 1);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), TABLE_SAMPLE + 2);
        let last = text.lines().last().unwrap();
        assert!(last.ends_with('…'), "{last}");
        assert_eq!(
            last.chars().count(),
            text.lines().nth(1).unwrap().chars().count()
        );
    }

    #[test]
    fn csv_without_rows_is_its_header() {
        let mut out = Vec::new();
        RowWriter::new(OutputFormat::Csv, &["id", "quote"], &mut out)
            .finish()
            .unwrap();
        assert_eq!(out, b"id,quote\n");
    }
}
