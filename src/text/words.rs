//! Closed classes of English words that several stages read the same way.

/// Prepositions: a name right after one is oblique, never the subject of its clause.
pub const PREPOSITIONS: &[&str] = &[
    "in", "on", "at", "of", "for", "with", "by", "from", "to", "about", "into", "over", "after",
    "before", "during", "under", "against", "between", "among", "than", "via", "per", "like",
    "towards", "toward", "upon", "across", "through", "without", "within",
];

/// Words that open a sentence with a capital without being a name: "Meanwhile Jane Doe ...".
pub const SENTENCE_OPENERS: &[&str] = &[
    "meanwhile",
    "however",
    "later",
    "earlier",
    "then",
    "also",
    "but",
    "and",
    "when",
    "after",
    "as",
    "while",
    "yesterday",
    "today",
    "tonight",
    "separately",
    "still",
    "yet",
    "now",
    "so",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "this",
    "that",
    "these",
    "those",
    "the",
    "a",
    "an",
    "if",
    "since",
    "although",
    "though",
    "because",
    "before",
    "until",
    "once",
    "during",
    "both",
    "neither",
    "either",
    "asked",
    "speaking",
    "writing",
];

/// Days of the week.
pub const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Months, in order.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Names of days and months: capitalised, never a person's name.
pub fn is_calendar_word(folded: &str) -> bool {
    WEEKDAYS.contains(&folded) || MONTHS.contains(&folded)
}

/// Auxiliary and modal verbs: after "this" or "that" they show the word stands for something
/// said before ("this must stop", "that is why").
pub const AUXILIARIES: &[&str] = &[
    "is", "was", "are", "were", "be", "been", "will", "would", "must", "should", "can", "could",
    "may", "might", "has", "have", "had", "does", "did", "do", "means", "shows", "'s",
];
