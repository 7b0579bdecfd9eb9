//! Transcripts: a press briefing or an interview printed as turns, each opened by its
//! speaker's label (`JANE DOE: ...`, `SEN. DOE: ...`, `Q: ...`). A turn is that speaker's
//! direct speech up to the next label; a journalist's question is nobody's statement.

use super::frames::HEADLINE_LABELS;

/// Labels of the one who asks: their turns are questions, not statements.
const ASKING: &[&str] = &[
    "q",
    "question",
    "reporter",
    "journalist",
    "interviewer",
    "host",
    "moderator",
    "anchor",
    "audience",
];

/// A speaker label opening a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Label {
    /// The label as it would be written in running text ("Jane Doe", "Sen. Doe").
    pub(super) name: String,
    /// Byte length of the label and its colon, and the spaces after it.
    pub(super) len: usize,
    pub(super) asks: bool,
}

/// The label opening `text`, if it is one: up to five words in capitals (or `Q`/`A`) and a
/// colon, with words after it. "UPDATE:" and other headline labels are not speakers.
pub(super) fn label(text: &str) -> Option<Label> {
    let colon = text
        .get(..48.min(text.len()).max(1))
        .and_then(|h| h.find(':'))?;
    let raw = &text[..colon];
    let name = raw.trim();
    let rest = &text[colon + 1..];
    if name.is_empty() || rest.trim().is_empty() || !rest.starts_with(' ') {
        return None;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.iter().all(|c| c.is_uppercase())
        && name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '\'' | '’' | '-'));
    let lower = name.to_lowercase();
    let asks = ASKING.contains(&lower.as_str());
    let short = lower == "q" || lower == "a";
    if words.len() > 5 || (!capitals && !short) || (letters.len() < 2 && !short) {
        return None;
    }
    if HEADLINE_LABELS.contains(&lower.as_str()) {
        return None;
    }
    let lead = rest.len() - rest.trim_start().len();
    Some(Label {
        name: title_case(name),
        len: colon + 1 + lead,
        asks,
    })
}

/// "JANE DOE" -> "Jane Doe", "SEN. O'NEILL" -> "Sen. O'Neill".
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_capitals_open_turns() {
        let l = label("JANE DOE: We will look at every option.").unwrap();
        assert_eq!(l.name, "Jane Doe");
        assert!(!l.asks);
        assert_eq!(l.len, "JANE DOE: ".len());
        assert_eq!(
            label("SEN. O'NEILL: Not today.").unwrap().name,
            "Sen. O'Neill"
        );
        assert!(label("Q: Will you go to Kyiv?").unwrap().asks);
    }

    #[test]
    fn headline_labels_and_sentences_are_not_turns() {
        assert_eq!(label("UPDATE: The meeting has ended."), None);
        assert_eq!(label("He said: we will go."), None);
        assert_eq!(label("Note: times are local"), None);
        assert_eq!(label("10:30 GMT"), None);
    }
}
