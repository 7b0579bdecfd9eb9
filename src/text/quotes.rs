//! Quoted spans in one paragraph: which marks are quote marks and which are apostrophes.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// Byte position of the opening mark.
    pub open: usize,
    /// Byte position of the closing mark; None when the paragraph ends first.
    pub close: Option<usize>,
    /// The quoted words, whitespace trimmed, marks excluded.
    pub inner: Range<usize>,
    pub single: bool,
}

fn opening_context(prev: Option<char>) -> bool {
    prev.is_none_or(|p| {
        p.is_whitespace() || "([{-–—/:;,".contains(p) || matches!(p, '"' | '“' | '„' | '«')
    })
}

/// Quote spans of a paragraph in order. Double marks (straight, curly, „German“, «guillemets»)
/// pair up, and one left open runs to the end of the paragraph. Single marks count only as a
/// pair around words ('lying to everyone'), so apostrophes (it's, Russia's, leaders') never do.
pub fn scan(text: &str) -> Vec<QuoteSpan> {
    let mut spans = Vec::new();
    let mut double: Option<(usize, char)> = None;
    // The opening single mark and which it is: a quote may open with one kind and close with
    // the other ("‘yes'", "'hello world’"), and the inner words start after the opener.
    let mut single: Option<(usize, char)> = None;
    let mut push = |open: usize, open_len: usize, close: Option<usize>, single: bool| {
        let end = close.unwrap_or(text.len());
        let raw = &text[open + open_len..end];
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        // A single-quoted letter ("rock 'n' roll") is an elision, not a quote.
        let elision = single && trimmed.chars().filter(|c| c.is_alphanumeric()).count() < 2;
        if !trimmed.is_empty() && !elision {
            let s = open + open_len + lead;
            spans.push(QuoteSpan {
                open,
                close,
                inner: s..s + trimmed.len(),
                single,
            });
        }
    };
    // Only marks matter, and every mark starts with one of these bytes (ASCII, or the lead
    // byte of „“”‘’ and «»): the rest of the text is passed over without being decoded.
    for (pos, &byte) in text.as_bytes().iter().enumerate() {
        if !matches!(byte, b'"' | b'\'' | 0xE2 | 0xC2) {
            continue;
        }
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        if !matches!(c, '"' | '\'' | '“' | '”' | '„' | '«' | '»' | '‘' | '’') {
            continue;
        }
        let prev = text[..pos].chars().next_back();
        let next = text[pos + c.len_utf8()..].chars().next();
        let prev_alnum = prev.is_some_and(char::is_alphanumeric);
        let next_alnum = next.is_some_and(char::is_alphanumeric);
        match c {
            '“' | '„' | '«' => match double {
                Some((o, '„')) if c == '“' => {
                    push(o, '„'.len_utf8(), Some(pos), false);
                    double = None;
                }
                Some((o, m)) => {
                    // A new opening mark before the last closed: the last one ran out here.
                    push(o, m.len_utf8(), Some(pos), false);
                    double = Some((pos, c));
                }
                None => {
                    double = Some((pos, c));
                    single = None;
                }
            },
            '”' | '»' => {
                if let Some((o, m)) = double.take() {
                    push(o, m.len_utf8(), Some(pos), false);
                }
            }
            '"' => {
                if let Some((o, m)) = double.take() {
                    push(o, m.len_utf8(), Some(pos), false);
                } else if next.is_some_and(|n| !n.is_whitespace()) {
                    double = Some((pos, c));
                    single = None;
                }
            }
            '‘' if double.is_none()
                && single.is_none()
                && opening_context(prev)
                && next.is_some() =>
            {
                single = Some((pos, c));
            }
            '\'' | '’' => {
                if double.is_some() || (prev_alnum && next_alnum) {
                    continue;
                }
                if let Some((o, m)) = single {
                    if prev.is_some_and(|p| !p.is_whitespace()) && !next_alnum {
                        push(o, m.len_utf8(), Some(pos), true);
                        single = None;
                    }
                } else if c == '\'' && opening_context(prev) && next_alnum {
                    single = Some((pos, c));
                }
            }
            _ => {}
        }
    }
    if let Some((o, m)) = double {
        push(o, m.len_utf8(), None, false);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        scan(text).into_iter().map(|q| &text[q.inner]).collect()
    }

    #[test]
    fn curly_and_straight_double_quotes() {
        assert_eq!(
            quoted("She called it “a turning point” and \"overdue\"."),
            vec!["a turning point", "overdue"]
        );
    }

    #[test]
    fn single_quotes_are_not_apostrophes() {
        assert_eq!(
            quoted("Minister's aide says 'it's over for the rebels', leaders' talks go on"),
            vec!["it's over for the rebels"]
        );
        assert!(quoted("Rock 'n' roll isn't Russia's thing").is_empty());
        assert!(quoted("It's the mayor's and the leaders' view").is_empty());
    }

    #[test]
    fn mixed_single_marks_pair_at_their_own_widths() {
        // A curly opener closed by a straight mark, and the other way round: the words are
        // cut after the opener, whichever width it has.
        assert_eq!(quoted("He said ‘yes' today."), vec!["yes"]);
        assert_eq!(
            quoted("Starmer said 'hello world’ today"),
            vec!["hello world"]
        );
    }

    #[test]
    fn unclosed_quote_runs_to_the_end_of_the_paragraph() {
        let spans = scan("He wants the fighting to \"end now");
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].close, None);
        assert_eq!(
            quoted("He wants the fighting to \"end now"),
            vec!["end now"]
        );
    }

    #[test]
    fn german_marks_guillemets_and_editorial_insertions() {
        assert_eq!(
            quoted("Er sagte „Wir [die Regierung] bleiben“ und «non... jamais»."),
            vec!["Wir [die Regierung] bleiben", "non... jamais"]
        );
    }
}
