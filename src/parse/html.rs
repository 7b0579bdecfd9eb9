//! Web pages saved from a browser. Takes the HTML; prefers the page's own structured data —
//! schema.org JSON-LD `LiveBlogPosting` with its `liveBlogUpdate` posts, or a `NewsArticle`
//! with its `articleBody` — else `<article>` and `<time datetime>` markup, else the page's
//! paragraphs. Scripts, navigation, captions and credits are dropped. The text whosaid
//! derives (each post's headline and paragraphs, one per line) is what offsets point into.

use scraper::{ElementRef, Html as Page, Selector};
use serde_json::Value;

use super::{DerivedText, Format, SourceInfo, date_in_name, published};
use crate::error::{Error, Result};
use crate::model::{Document, Post};

pub struct Html;

/// A post as the page gives it, before it is placed in the derived text.
struct Found {
    title: Option<String>,
    published: Option<String>,
    author: Option<String>,
    url: Option<String>,
    paragraphs: Vec<String>,
}

/// Elements whose text is never the story.
const FURNITURE: &[&str] = &[
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "form",
    "button",
    "svg",
    "iframe",
    "template",
];

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_of(el: ElementRef<'_>) -> String {
    clean(&el.text().collect::<String>())
}

fn in_furniture(el: ElementRef<'_>) -> bool {
    el.ancestors()
        .filter_map(|n| n.value().as_element())
        .any(|e| FURNITURE.contains(&e.name()))
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(clean(s)).filter(|s| !s.is_empty()),
        Value::Object(o) => string(o.get("name")),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(|i| string(Some(i))).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn types(o: &serde_json::Map<String, Value>) -> Vec<String> {
    match o.get("@type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

/// Every JSON object in a JSON-LD block, through arrays and `@graph`.
fn objects(v: &Value, out: &mut Vec<serde_json::Map<String, Value>>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| objects(i, out)),
        Value::Object(o) => {
            if let Some(g) = o.get("@graph") {
                objects(g, out);
            }
            out.push(o.clone());
        }
        _ => {}
    }
}

/// An `articleBody` as paragraphs: its own HTML paragraphs when it carries markup, else its
/// lines.
fn body_paragraphs(body: &str) -> Vec<String> {
    if body.contains("</p>") || body.contains("<br") {
        let fragment = Page::parse_fragment(body);
        let ps: Vec<String> = fragment
            .select(&selector("p"))
            .map(text_of)
            .filter(|t| !t.is_empty())
            .collect();
        if !ps.is_empty() {
            return ps;
        }
        return vec![clean(&fragment.root_element().text().collect::<String>())];
    }
    body.lines().map(clean).filter(|l| !l.is_empty()).collect()
}

fn from_item(o: &serde_json::Map<String, Value>) -> Option<Found> {
    let body = string(o.get("articleBody"))
        .map(|_| o.get("articleBody").and_then(Value::as_str).unwrap_or(""))?;
    Some(Found {
        title: string(o.get("headline")).or_else(|| string(o.get("name"))),
        published: string(o.get("datePublished"))
            .or_else(|| string(o.get("dateCreated")))
            .or_else(|| string(o.get("dateModified"))),
        author: string(o.get("author")),
        url: string(o.get("url")),
        paragraphs: body_paragraphs(body),
    })
}

fn from_json_ld(page: &Page) -> Vec<Found> {
    let mut all = Vec::new();
    for script in page.select(&selector(r#"script[type="application/ld+json"]"#)) {
        let raw: String = script.text().collect();
        if let Ok(v) = serde_json::from_str::<Value>(raw.trim()) {
            objects(&v, &mut all);
        }
    }
    for o in &all {
        if types(o).iter().any(|t| t == "LiveBlogPosting") {
            let updates = match o.get("liveBlogUpdate") {
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
                Some(Value::Object(one)) => vec![one],
                _ => vec![],
            };
            let posts: Vec<Found> = updates.into_iter().filter_map(from_item).collect();
            if !posts.is_empty() {
                return posts;
            }
        }
    }
    all.iter()
        .filter(|o| {
            types(o)
                .iter()
                .any(|t| t.ends_with("Article") || t == "BlogPosting" || t == "Report")
        })
        .filter_map(from_item)
        .take(1)
        .collect()
}

/// The paragraphs and list items under `root`, in document order, each with its own words
/// only: a list item holding a nested list or paragraph does not repeat their words. One walk
/// of the tree, with a stack of its own, so 20,000 nested lists cost neither time squared nor
/// the call stack.
fn paragraphs_in(root: ElementRef<'_>) -> Vec<String> {
    if in_furniture(root) {
        return Vec::new();
    }
    let mut blocks: Vec<String> = Vec::new();
    // Nodes to visit, with the block their words belong to.
    let mut stack: Vec<_> = root.children().rev().map(|c| (c, None::<usize>)).collect();
    while let Some((node, block)) = stack.pop() {
        match node.value() {
            scraper::Node::Text(t) => {
                if let Some(b) = block {
                    blocks[b].push_str(t);
                }
            }
            scraper::Node::Element(e) => {
                let name = e.name();
                if FURNITURE.contains(&name) {
                    continue;
                }
                let block = if matches!(name, "p" | "li") {
                    blocks.push(String::new());
                    Some(blocks.len() - 1)
                } else {
                    block
                };
                stack.extend(node.children().rev().map(|c| (c, block)));
            }
            _ => {}
        }
    }
    blocks
        .iter()
        .map(|b| clean(b))
        .filter(|t| !t.is_empty())
        .collect()
}

fn time_in(root: ElementRef<'_>) -> Option<String> {
    root.select(&selector("time[datetime]"))
        .find_map(|t| t.value().attr("datetime").map(str::to_string))
}

fn from_markup(page: &Page) -> Vec<Found> {
    let meta = |name: &str| {
        page.select(&selector(&format!(
            r#"meta[property="{name}"], meta[name="{name}"]"#
        )))
        .find_map(|m| m.value().attr("content").map(str::to_string))
    };
    let articles: Vec<ElementRef> = page
        .select(&selector("article"))
        .filter(|a| !in_furniture(*a))
        .collect();
    let dated: Vec<&ElementRef> = articles.iter().filter(|a| time_in(**a).is_some()).collect();
    if dated.len() >= 2 {
        return dated
            .into_iter()
            .map(|a| Found {
                title: a.select(&selector("h1, h2, h3")).next().map(text_of),
                published: time_in(*a),
                author: None,
                url: None,
                paragraphs: paragraphs_in(*a),
            })
            .filter(|f| !f.paragraphs.is_empty())
            .collect();
    }
    let root = articles
        .first()
        .copied()
        .or_else(|| page.select(&selector("main")).next())
        .unwrap_or_else(|| page.root_element());
    let title = page
        .select(&selector("h1"))
        .next()
        .map(text_of)
        .or_else(|| meta("og:title"))
        .or_else(|| page.select(&selector("title")).next().map(text_of));
    let published = meta("article:published_time")
        .or_else(|| time_in(root))
        .or_else(|| time_in(page.root_element()))
        .or_else(|| meta("date"));
    let paragraphs: Vec<String> = paragraphs_in(root)
        .into_iter()
        .filter(|p| Some(p) != title.as_ref())
        .collect();
    vec![Found {
        title,
        published,
        author: meta("author"),
        url: None,
        paragraphs,
    }]
}

impl Format for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn splits(&self) -> bool {
        false
    }

    fn detect(&self, text: &str) -> bool {
        let head: String = text
            .trim_start()
            .chars()
            .take(4096)
            .collect::<String>()
            .to_ascii_lowercase();
        head.starts_with('<')
            && [
                "<html",
                "<!doctype html",
                "<body",
                "<article",
                "<p>",
                "<p ",
                "<div",
                "<head",
            ]
            .iter()
            .any(|t| head.contains(t))
    }

    fn parse(&self, text: &str, info: &SourceInfo) -> Result<Document> {
        let page = Page::parse_document(text);
        let mut found = from_json_ld(&page);
        if found.is_empty() {
            found = from_markup(&page);
        }
        let url = info.url.clone().or_else(|| {
            page.select(&selector(r#"link[rel="canonical"]"#))
                .find_map(|l| l.value().attr("href").map(str::to_string))
                .or_else(|| {
                    page.select(&selector(r#"meta[property="og:url"]"#))
                        .find_map(|m| m.value().attr("content").map(str::to_string))
                })
        });
        let fallback = info
            .date
            .or_else(|| date_in_name(&info.path))
            .map(|d| super::dates::to_utc(d, Default::default(), None));
        let mut derived = DerivedText::default();
        let mut posts = Vec::new();
        for f in found.into_iter().filter(|f| !f.paragraphs.is_empty()) {
            let published_at = match &f.published {
                Some(d) => Some(published(d).ok_or_else(|| {
                    Error::input(
                        &info.path,
                        None,
                        format!("the page's date '{d}' is not a date"),
                    )
                })?),
                None => fallback,
            };
            let Some(published_at) = published_at else {
                return Err(Error::input(
                    &info.path,
                    None,
                    "cannot tell when this page was published: pass --date YYYY-MM-DD",
                ));
            };
            let (title, paragraphs) = derived.post(f.title.as_deref(), &f.paragraphs);
            posts.push(Post {
                title,
                published_at: Some(published_at),
                author: f.author,
                role: None,
                url: f.url,
                paragraphs,
            });
        }
        Ok(Document::new(
            &info.path,
            self.name(),
            url,
            derived.text,
            posts,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> SourceInfo {
        SourceInfo {
            path: "page.html".into(),
            ..SourceInfo::default()
        }
    }

    #[test]
    fn live_blog_from_json_ld() {
        let page = r#"<html><head><script type="application/ld+json">
        {"@context":"https://schema.org","@type":"LiveBlogPosting","liveBlogUpdate":[
          {"@type":"BlogPosting","headline":"Minister speaks","datePublished":"2025-03-15T16:22:00+00:00",
           "articleBody":"The minister said \"we are ready\".\nMore text.","author":{"@type":"Person","name":"Ana Ruiz"}},
          {"@type":"BlogPosting","headline":"Earlier","datePublished":"2025-03-15T15:00:00+01:00","articleBody":"<p>First.</p><p>Second &amp; last.</p>"}
        ]}</script></head><body><nav><p>Menu</p></nav></body></html>"#;
        let doc = Html.parse(page, &info()).unwrap();
        assert_eq!(doc.posts.len(), 2);
        assert_eq!(doc.posts[0].author.as_deref(), Some("Ana Ruiz"));
        assert_eq!(
            doc.posts[1].published_at.unwrap().to_rfc3339(),
            "2025-03-15T14:00:00+00:00"
        );
        assert_eq!(doc.posts[1].paragraphs[1].text, "Second & last.");
        for p in doc.posts.iter().flat_map(|p| &p.paragraphs) {
            assert_eq!(&doc.text[p.offset..p.offset + p.text.len()], p.text);
        }
    }

    #[test]
    fn article_markup_without_structured_data() {
        let page = r#"<!DOCTYPE html><html><head><title>x</title></head><body>
        <header><p>Site menu</p></header>
        <article><h1>Port deal signed</h1><time datetime="2025-03-20T15:41:00Z">20 March</time>
        <p>The mayor said the deal was "a good one".</p><figure><figcaption>A photo</figcaption></figure>
        <p>Unions agreed.</p></article><footer><p>Copyright</p></footer></body></html>"#;
        let doc = Html.parse(page, &info()).unwrap();
        let post = &doc.posts[0];
        assert_eq!(post.title.as_ref().unwrap().text, "Port deal signed");
        let texts: Vec<&str> = post.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "The mayor said the deal was \"a good one\".",
                "Unions agreed."
            ]
        );
        assert_eq!(
            post.published_at.unwrap().to_rfc3339(),
            "2025-03-20T15:41:00+00:00"
        );
    }

    #[test]
    fn malformed_html_still_reads() {
        let page = "<html><body><article><h1>Title<p>Unclosed <b>bold paragraph said \"yes\"<p>Another</article>";
        let doc = Html
            .parse(
                page,
                &SourceInfo {
                    date: chrono::NaiveDate::from_ymd_opt(2025, 1, 2),
                    ..info()
                },
            )
            .unwrap();
        assert!(
            doc.posts[0]
                .paragraphs
                .iter()
                .any(|p| p.text.contains("Unclosed bold paragraph"))
        );
    }
}
