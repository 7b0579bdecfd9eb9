//! Closed classes of English words that several stages read the same way.

/// Prepositions: a name right after one is oblique, never the subject of its clause.
pub const PREPOSITIONS: &[&str] = &[
    "in", "on", "at", "of", "for", "with", "by", "from", "to", "about", "into", "over", "after",
    "before", "during", "under", "against", "between", "among", "than", "via", "per", "like",
    "towards", "toward", "upon", "across", "through", "without", "within",
];
