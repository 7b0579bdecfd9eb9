//! The known actors compiled for lookup: names and aliases by their words, titles and roles
//! by their normalised wording, and single-word names for close spellings.

// Fx hashing: the keys are short words looked up for every token, where SipHash cost shows.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::NaiveDate;

use crate::data::{DataFiles, list};
use crate::error::{Error, Result};
use crate::model::{Actor, ActorKind, Gender};
use crate::text::{Token, TokenKind, fold, strip_possessive, tokenize};

pub struct Gazetteer {
    pub actors: Vec<Actor>,
    /// First word of a name or alias -> (all its words, actor), longest first.
    names: HashMap<String, Vec<(Vec<String>, usize)>>,
    /// Single-word names for fuzzy matching, with their actor.
    single_words: Vec<(String, usize)>,
    /// "finnish president", "kremlin", "ecb president" -> actors.
    titles: HashMap<String, Vec<usize>>,
    /// "prime minister" (and its synonyms) -> every holder.
    roles: HashMap<String, Vec<usize>>,
    /// Words that open a title ("President", "Finnish", "Mr"): stripped from a discovered name.
    title_words: HashSet<String>,
    /// Country and bloc names, never people.
    places: HashSet<String>,
    /// Country name -> its code ("russia" -> "RU").
    country_of_place: HashMap<String, String>,
    journalist_words: HashSet<String>,
    organisation_words: HashSet<String>,
    /// Heads of descriptions that point back at someone named ("the Texas Republican").
    description_words: HashSet<String>,
    /// Canonical name -> actor.
    by_name: HashMap<String, usize>,
    /// First words of the titles, so a scan for them skips every other word cheaply.
    title_starts: HashSet<String>,
    /// Every word of a title, a body's form and a country's name: a run of capitalised
    /// words is looked up as a title only as far as it holds none other.
    title_key_words: HashSet<String>,
    /// A body's wordings ("foreign ministry", "ministry of foreign affairs") -> the body.
    body_forms: HashMap<String, usize>,
    /// (body, country code) -> the actor made for that country's body.
    body_actors: HashMap<(usize, String), usize>,
    /// Body -> the actors made for it, one a country.
    body_holders: Vec<Vec<usize>>,
    /// A country's normalised names and adjectives -> its code.
    country_forms: HashMap<String, String>,
    /// 0..actors.len(), to lend one-actor slices.
    identity: Vec<usize>,
    /// Each actor's name as words (lower case), tokenized once.
    name_words: Vec<Vec<String>>,
}

/// Lower case, no determiner, no possessive: "The ECB's president" -> "ecb president".
pub fn normalise_title(s: &str) -> String {
    let words: Vec<String> = tokenize(s, &[])
        .into_iter()
        .filter(|t| t.kind == TokenKind::Word || t.kind == TokenKind::Number)
        .map(|t| strip_possessive(&t.lower).to_string())
        .collect();
    let start = usize::from(
        words
            .first()
            .is_some_and(|w| w == "the" || w == "a" || w == "an"),
    );
    words[start..].join(" ")
}

/// `parts` end to end, in a string allocated once (`format!`, for thousands of keys, was 7%
/// of the index's build).
fn joined(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

fn push_unique(list: &mut Vec<usize>, idx: usize) {
    if !list.contains(&idx) {
        list.push(idx);
    }
}

fn words(s: &str) -> Vec<String> {
    // A name of letters and spaces (most, and every body made for a country) is split as the
    // tokenizer splits it, without its tokens, which were a fifth of the index's build.
    if s.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ') {
        return s
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
    }
    tokenize(s, &[])
        .into_iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| t.lower.into_string())
        .collect()
}

impl Gazetteer {
    pub fn load(data: &DataFiles) -> Result<Self> {
        let mut synonyms: HashMap<String, Vec<String>> = HashMap::default();
        let mut journalist_words = HashSet::default();
        let mut organisation_words = HashSet::default();
        let mut description_words = HashSet::default();
        let mut title_words = HashSet::default();
        for (_, row) in data.records("roles.csv")? {
            let role = fold(row.get(0).unwrap_or(""));
            let syn: Vec<String> = list(row.get(1)).iter().map(|s| fold(s)).collect();
            if role == "journalist" {
                journalist_words.insert(role.clone());
                journalist_words.extend(syn);
            } else if role == "organisation" {
                organisation_words.extend(syn);
            } else if role == "description" {
                description_words.extend(syn);
            } else if role == "title" {
                title_words.extend(syn);
            } else {
                synonyms.entry(role).or_default().extend(syn);
            }
        }
        let mut countries: HashMap<String, Vec<String>> = HashMap::default();
        // (code, the adjective that names its bodies) in file order, for bodies.csv.
        let mut adjectives: Vec<(String, String)> = Vec::new();
        let mut capitals: HashMap<String, Vec<String>> = HashMap::default();
        let mut places = HashSet::default();
        let mut country_of_place: HashMap<String, String> = HashMap::default();
        for (_, row) in data.records("countries.csv")? {
            let code = row.get(0).unwrap_or("").to_string();
            if let Some(adjective) = list(row.get(2)).first() {
                adjectives.push((code.clone(), adjective.clone()));
            }
            capitals.insert(code.clone(), list(row.get(3)));
            let mut forms = Vec::new();
            for name in list(row.get(1)) {
                places.insert(normalise_title(&name));
                country_of_place.insert(normalise_title(&name), code.clone());
                forms.push(normalise_title(&name));
            }
            for adjective in list(row.get(2)) {
                forms.push(normalise_title(&adjective));
            }
            countries.insert(code, forms);
        }
        let mut actors = Vec::new();
        for (line, row) in data.records("actors.csv")? {
            let bad = |message: String| Error::Data {
                file: "actors.csv".into(),
                line,
                message,
            };
            let name = row.get(0).unwrap_or("").to_string();
            if name.is_empty() {
                return Err(bad("an actor needs a name".into()));
            }
            let date = |i: usize| -> Result<Option<NaiveDate>> {
                match row.get(i).filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map(Some)
                        .map_err(|_| bad(format!("'{s}' is not a date (YYYY-MM-DD)"))),
                }
            };
            let kind = row.get(9).unwrap_or("");
            let kind = ActorKind::parse(kind)
                .ok_or_else(|| bad(format!("'{kind}' is not a kind (person or organisation)")))?;
            actors.push(Actor {
                kind,
                aliases: list(row.get(1)),
                titles: list(row.get(2)),
                roles: list(row.get(3)),
                gender: Gender::parse(row.get(4).unwrap_or("")),
                country: row.get(5).filter(|s| !s.is_empty()).map(str::to_string),
                wikidata: row.get(6).filter(|s| !s.is_empty()).map(str::to_string),
                in_office_from: date(7)?,
                in_office_to: date(8)?,
                name,
            });
        }
        // Every country's ministries and offices, unless actors.csv names that body already.
        let listed: HashSet<String> = actors.iter().map(|a| fold(&a.name)).collect();
        let taken: HashSet<String> = actors
            .iter()
            .flat_map(|a| a.aliases.iter().map(|x| fold(x)))
            .collect();
        // The bodies' wordings are matched structurally ("{country} {form}", "{form} of
        // {country}") rather than as one title per country and wording: tens of thousands of
        // keys built at every start for a few lookups.
        let mut body_forms: HashMap<String, usize> = HashMap::default();
        let mut body_actors: HashMap<(usize, String), usize> = HashMap::default();
        let mut body_holders: Vec<Vec<usize>> = Vec::new();
        for (line, row) in data.records("bodies.csv")? {
            let body = row.get(0).unwrap_or("").trim().to_string();
            if body.is_empty() {
                return Err(Error::Data {
                    file: "bodies.csv".into(),
                    line,
                    message: "a body needs a name".into(),
                });
            }
            let b = body_holders.len();
            body_holders.push(Vec::new());
            for form in list(row.get(1)) {
                body_forms.insert(normalise_title(&form), b);
            }
            for (code, adjective) in &adjectives {
                // Blocs have institutions of their own, listed in actors.csv.
                if matches!(code.as_str(), "EU" | "NATO" | "UN") {
                    continue;
                }
                let name = joined(&[adjective, " ", &body]);
                if listed.contains(&fold(&name)) {
                    continue;
                }
                // "Kyiv said": the capital names the government.
                let aliases = if body == "Government" {
                    capitals
                        .get(code)
                        .into_iter()
                        .flatten()
                        .filter(|c| !taken.contains(&fold(c)))
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                };
                body_actors.insert((b, code.clone()), actors.len());
                body_holders[b].push(actors.len());
                actors.push(Actor {
                    name,
                    kind: ActorKind::Organisation,
                    aliases,
                    titles: Vec::new(),
                    roles: Vec::new(),
                    gender: Gender::Neuter,
                    country: Some(code.clone()),
                    wikidata: None,
                    in_office_from: None,
                    in_office_to: None,
                });
            }
        }
        let mut g = Gazetteer {
            actors,
            names: HashMap::default(),
            single_words: Vec::new(),
            titles: HashMap::default(),
            roles: HashMap::default(),
            title_words,
            places,
            country_of_place,
            journalist_words,
            organisation_words,
            description_words,
            by_name: HashMap::default(),
            title_starts: HashSet::default(),
            title_key_words: HashSet::default(),
            body_forms,
            body_actors,
            body_holders,
            country_forms: countries
                .iter()
                .flat_map(|(code, forms)| forms.iter().map(move |f| (f.clone(), code.clone())))
                .collect(),
            identity: Vec::new(),
            name_words: Vec::new(),
        };
        g.identity = (0..g.actors.len()).collect();
        g.by_name = g
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        g.index(&synonyms, &countries);
        Ok(g)
    }

    fn index(
        &mut self,
        synonyms: &HashMap<String, Vec<String>>,
        countries: &HashMap<String, Vec<String>>,
    ) {
        self.name_words = self.actors.iter().map(|a| words(&a.name)).collect();
        // A surname names an actor alone only when no other actor shares it.
        let mut surname_count: HashMap<&str, usize> = HashMap::default();
        surname_count.reserve(self.name_words.len());
        for name in &self.name_words {
            if let Some(last) = name.last() {
                *surname_count.entry(last).or_default() += 1;
            }
        }
        self.names.reserve(self.actors.len());
        for (idx, a) in self.actors.iter().enumerate() {
            let name = &self.name_words[idx];
            let mut forms: Vec<Vec<String>> = vec![name.clone()];
            forms.extend(a.aliases.iter().map(|s| words(s)));
            if let Some(last) = name.last()
                && surname_count[last.as_str()] == 1
                && name.len() > 1
            {
                forms.push(vec![last.clone()]);
            }
            for form in forms {
                if form.is_empty() {
                    continue;
                }
                if form.len() == 1 && form[0].chars().count() >= 5 {
                    self.single_words.push((form[0].clone(), idx));
                }
                // Looked up before a key is made: most first words open several names.
                match self.names.get_mut(form[0].as_str()) {
                    Some(list) => {
                        if !list.iter().any(|(f, i)| *f == form && *i == idx) {
                            list.push((form, idx));
                        }
                    }
                    None => {
                        self.names.insert(form[0].clone(), vec![(form, idx)]);
                    }
                }
            }
            for title in &a.titles {
                push_unique(self.titles.entry(normalise_title(title)).or_default(), idx);
            }
            let country_forms = a.country.as_ref().and_then(|c| countries.get(c));
            for role in &a.roles {
                let role = normalise_title(role);
                let mut role_forms = vec![role.clone()];
                role_forms.extend(synonyms.get(&role).into_iter().flatten().cloned());
                for r in role_forms {
                    // A person's office opens their name ("Foreign Minister X"); a body's
                    // wording ("ministry of foreign affairs") does not.
                    if a.kind == ActorKind::Person {
                        self.title_words.extend(r.split(' ').map(str::to_string));
                    }
                    push_unique(self.roles.entry(r.clone()).or_default(), idx);
                    for c in country_forms.into_iter().flatten() {
                        for key in [joined(&[c, " ", &r]), joined(&[&r, " of ", c])] {
                            push_unique(self.titles.entry(key).or_default(), idx);
                        }
                    }
                }
            }
        }
        for list in self.names.values_mut() {
            list.sort_by_key(|entry| std::cmp::Reverse(entry.0.len()));
        }
        self.title_starts = self
            .titles
            .keys()
            .chain(self.country_forms.keys())
            .filter_map(|t| t.split(' ').next())
            .map(str::to_string)
            .collect();
        self.title_key_words = self
            .titles
            .keys()
            .chain(self.country_forms.keys())
            .chain(self.body_forms.keys())
            .flat_map(|t| t.split(' '))
            .chain(["of"])
            .map(str::to_string)
            .collect();
        for forms in countries.values() {
            for f in forms {
                self.title_words.extend(f.split(' ').map(str::to_string));
            }
        }
    }

    /// Known names in the tokens, as (first token, token count, actor); a name written in the
    /// possessive ("Putin's") counts.
    /// `text`: what the tokens' offsets point into.
    pub fn names_in(&self, text: &str, tokens: &[Token]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if t.kind == TokenKind::Word && t.cap {
                let hit = self.names.get(t.base()).and_then(|list| {
                    list.iter().find(|(form, _)| {
                        form.iter().enumerate().all(|(k, w)| {
                            tokens
                                .get(i + k)
                                .is_some_and(|x| x.base() == w || x.lower == *w)
                        })
                    })
                });
                if let Some((form, idx)) = hit
                    && !self.another_bearer(text, tokens, i, form, *idx)
                {
                    out.push((i, form.len(), *idx));
                    i += form.len();
                    continue;
                }
            }
            i += 1;
        }
        out
    }

    /// Whether a surname standing alone for an actor is here someone else's: it follows a
    /// capitalised word that is not a title, a place, a body, a sentence opener or an
    /// abbreviation, and not a word of the actor's own name ("Greta Costa" is not "Antonio
    /// Costa"; "President Costa", "Lisbon's Costa", "Meanwhile Costa", "EU Costa" are).
    fn another_bearer(
        &self,
        text: &str,
        tokens: &[Token],
        i: usize,
        form: &[String],
        idx: usize,
    ) -> bool {
        let Some(name) = self.name_words.get(idx) else {
            return false;
        };
        if form.len() != 1 || name.len() < 2 || name.last() != form.first() {
            return false;
        }
        let Some(prev) = i.checked_sub(1).map(|p| &tokens[p]) else {
            return false;
        };
        let lower = prev.base().to_lowercase();
        // A given name has lower-case letters: "MP", "EU" and "US" are not one.
        prev.kind == TokenKind::Word
            && prev.cap
            && !prev.is_possessive()
            && text
                .get(prev.start..prev.end)
                .is_some_and(|w| w.chars().any(char::is_lowercase))
            && lower.chars().count() >= 2
            && !name.contains(&lower)
            && !self.is_title_word(&lower)
            && !self.is_place(&lower)
            && !self.is_organisation_word(&lower)
            && !self.is_description_word(&lower)
            && !crate::text::words::SENTENCE_OPENERS.contains(&lower.as_str())
            && !crate::text::words::is_calendar_word(&lower)
    }

    /// Titles that name one actor ("the Russian president", "Ukraine's leader", "the
    /// Kremlin") in the tokens, as (first token, token count, holders), longest first at each
    /// place; the caller keeps the holders in office.
    pub fn titles_in(&self, tokens: &[Token]) -> Vec<(usize, usize, &[usize])> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut key = String::new();
        while i < tokens.len() {
            // Titles of one holder open with a capital in running text ("Russian president",
            // "the Kremlin"): other words are not looked up.
            if tokens[i].kind != TokenKind::Word
                || !tokens[i].cap
                || !self.title_starts.contains(tokens[i].base())
            {
                i += 1;
                continue;
            }
            // A title's words run as far as the words any title, body or country holds.
            let run = tokens[i..]
                .iter()
                .take(4)
                .take_while(|t| {
                    t.kind == TokenKind::Word && self.title_key_words.contains(t.base())
                })
                .count();
            let mut hit = None;
            for len in (1..=run).rev() {
                let words = &tokens[i..i + len];
                key.clear();
                for (k, t) in words.iter().enumerate() {
                    if k > 0 {
                        key.push(' ');
                    }
                    key.push_str(t.base());
                }
                if let Some(list) = self.title(&key) {
                    hit = Some((i, len, list));
                    break;
                }
            }
            match hit {
                Some(h) => {
                    i += h.1;
                    out.push(h);
                }
                None => i += 1,
            }
        }
        out
    }

    /// A close spelling of a one-word name ("Zelenskiy" for "Zelensky").
    pub fn fuzzy(&self, word: &str) -> Option<usize> {
        if word.chars().count() < 6 {
            return None;
        }
        let mut best: Option<(f64, usize)> = None;
        for (name, idx) in &self.single_words {
            if name.get(..2) != word.get(..2) {
                continue;
            }
            let score = strsim::jaro_winkler(word, name);
            if score >= 0.93 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, *idx));
            }
        }
        best.map(|(_, i)| i)
    }

    pub fn title(&self, normalised: &str) -> Option<&[usize]> {
        self.titles
            .get(normalised)
            .map(Vec::as_slice)
            .or_else(|| self.body_title(normalised))
    }

    /// A country's body: "russian foreign ministry", "russia defence ministry", "ministry of
    /// foreign affairs of japan".
    fn body_title(&self, normalised: &str) -> Option<&[usize]> {
        let hit = |form: &str, country: &str| {
            let b = *self.body_forms.get(form)?;
            let code = self.country_forms.get(country)?;
            let a = *self.body_actors.get(&(b, code.clone()))?;
            Some(&self.identity[a..a + 1])
        };
        // " of " found by bytes: a substring searcher is set up at each call, and this runs
        // for every capitalised run of words that could be a title.
        let of = normalised.as_bytes().windows(4).rposition(|w| w == b" of ");
        if let Some(found) = of.and_then(|at| hit(&normalised[..at], &normalised[at + 4..])) {
            return Some(found);
        }
        let mut cut = 0;
        for _ in 0..3 {
            cut += normalised[cut..].find(' ')? + 1;
            if let Some(found) = hit(&normalised[cut..], normalised[..cut].trim_end()) {
                return Some(found);
            }
        }
        None
    }

    pub fn role(&self, normalised: &str) -> Option<&[usize]> {
        self.roles.get(normalised).map(Vec::as_slice).or_else(|| {
            self.body_forms
                .get(normalised)
                .map(|&b| self.body_holders[b].as_slice())
        })
    }

    pub fn is_title_word(&self, folded: &str) -> bool {
        self.title_words.contains(folded)
    }

    /// The code of the country a name stands for ("Russia", "the UK").
    pub fn country_code(&self, normalised: &str) -> Option<&str> {
        self.country_of_place.get(normalised).map(String::as_str)
    }

    /// The government body made for a country from bodies.csv.
    pub fn government_of(&self, code: &str) -> Option<usize> {
        self.actors.iter().position(|a| {
            a.kind == ActorKind::Organisation
                && a.country.as_deref() == Some(code)
                && a.name.ends_with(" Government")
        })
    }

    pub fn is_place(&self, folded: &str) -> bool {
        self.places.contains(folded)
    }

    pub fn is_organisation_word(&self, folded: &str) -> bool {
        self.organisation_words.contains(folded)
    }

    pub fn is_description_word(&self, folded: &str) -> bool {
        self.description_words.contains(folded)
    }

    pub fn is_organisation(&self, idx: usize) -> bool {
        self.actors[idx].kind == ActorKind::Organisation
    }

    pub fn is_journalist_word(&self, folded: &str) -> bool {
        self.journalist_words.contains(folded)
    }

    /// Index of the actor with exactly this canonical name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Index of the actor with this canonical name, alias or close spelling.
    pub fn lookup(&self, name: &str) -> Option<usize> {
        let tokens = tokenize(name, &[]);
        let folded: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
        if let Some(i) = self.actors.iter().position(|a| fold(&a.name) == fold(name)) {
            return Some(i);
        }
        let hit = self.names.get(*folded.first()?).and_then(|list| {
            list.iter().find(|(form, _)| {
                form.len() == folded.len() && form.iter().zip(&folded).all(|(a, b)| a == b)
            })
        });
        hit.map(|(_, i)| *i).or_else(|| {
            if folded.len() == 1 {
                self.fuzzy(folded[0])
            } else {
                None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizer's words, as `words` gave them before it split plain names itself.
    fn tokenized(s: &str) -> Vec<String> {
        tokenize(s, &[])
            .into_iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|t| t.lower.into_string())
            .collect()
    }

    #[test]
    fn plain_names_split_as_the_tokenizer_splits_them() {
        let data = DataFiles::embedded();
        let g = Gazetteer::load(&data).unwrap();
        let mut names: Vec<&str> = Vec::new();
        for a in &g.actors {
            names.push(&a.name);
            names.extend(a.aliases.iter().map(String::as_str));
        }
        names.extend([
            "",
            " ",
            "Jean  Dupont ",
            "JD Vance",
            "O'Brien",
            "Al-Sisi",
            "Ursula von der Leyen",
            "José Manuel Albares",
            "Recep Tayyip Erdoğan",
            "U.S. State Department",
            "G7",
            "Leaders' Summit",
            "Ministry of Foreign Affairs (Japan)",
        ]);
        for name in names {
            assert_eq!(words(name), tokenized(name), "{name:?}");
        }
    }
}
