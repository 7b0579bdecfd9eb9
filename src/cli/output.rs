//! The output formats every read command shares: an aligned table for people, CSV, JSON and
//! JSON Lines for programs.

use std::io::Write;

use clap::ValueEnum;
use serde_json::Value;

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
        match format {
            OutputFormat::Table => self.table(out, terminal_width()),
            OutputFormat::Csv => self.csv(out),
            OutputFormat::Json => {
                let list: Vec<serde_json::Map<String, Value>> = self.objects().collect();
                serde_json::to_writer_pretty(&mut *out, &list)?;
                writeln!(out)?;
                Ok(())
            }
            OutputFormat::Jsonl => {
                for object in self.objects() {
                    serde_json::to_writer(&mut *out, &object)?;
                    writeln!(out)?;
                }
                Ok(())
            }
        }
    }

    fn objects(&self) -> impl Iterator<Item = serde_json::Map<String, Value>> + '_ {
        self.rows.iter().map(|row| {
            self.columns
                .iter()
                .map(|c| c.to_string())
                .zip(row.iter().cloned())
                .collect()
        })
    }

    pub fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.columns)?;
        let guard = FORMULA_GUARD.load(std::sync::atomic::Ordering::Relaxed);
        for row in &self.rows {
            w.write_record(row.iter().map(|v| {
                let cell = plain(v);
                // Text only: a negative number is a number, not a formula.
                if guard && v.is_string() && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{cell}")
                } else {
                    cell
                }
            }))?;
        }
        w.flush()?;
        Ok(())
    }

    /// Columns padded to their widest cell; when the table is wider than the terminal, the
    /// widest columns are cut (with '…') until it fits.
    pub fn table(&self, out: &mut dyn Write, width: usize) -> Result<()> {
        let header: Vec<Value> = self
            .columns
            .iter()
            .map(|c| Value::String(c.to_string()))
            .collect();
        self.aligned(std::iter::once(&header).chain(&self.rows), out, width)
    }

    /// A table whose first row is its header (for headers that are data, not names).
    pub fn table_without_header(&self, out: &mut dyn Write, width: usize) -> Result<()> {
        self.aligned(self.rows.iter(), out, width)
    }

    fn aligned<'a>(
        &self,
        rows: impl Iterator<Item = &'a Vec<Value>>,
        out: &mut dyn Write,
        width: usize,
    ) -> Result<()> {
        let cells: Vec<Vec<String>> = rows
            .map(|r| {
                r.iter()
                    .map(|v| plain(v).replace(['\n', '\r'], " "))
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = vec![0; self.columns.len()];
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let gap = 2 * widths.len().saturating_sub(1);
        while widths.iter().sum::<usize>() + gap > width {
            let (i, &w) = widths.iter().enumerate().max_by_key(|(_, w)| **w).unwrap();
            if w <= 8 {
                break;
            }
            widths[i] = w - 1;
        }
        let line = |cells: Vec<String>| -> String {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, &w)| pad(&cut(c, w), w))
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        for row in cells {
            writeln!(out, "{}", line(row))?;
        }
        Ok(())
    }
}

pub fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// $COLUMNS when the shell exports it, else a width that suits a terminal and a pager.
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&c: &usize| c >= 40)
        .unwrap_or(120)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
