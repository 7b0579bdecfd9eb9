//! `whosaid network`: the actor–topic and agreement networks as GEXF, GraphML and edge
//! lists, read back with an XML parser and checked against `compare`.

mod common;

use common::Workspace;
use serde_json::Value;

/// Three speakers of our own on two topics: two back a ceasefire, one opposes it.
const PAGE: &str = "Live Reporting
Edited by Mara Quinn
Ministers split over a truce between Russia and Ukrainepublished at 11:20 British Summer Time 10 September
11:20 BST 10 September
Jonas Berg
Diplomatic correspondent
Foreign minister Ilse Navarro says Ukraine and Russia need a ceasefire.
\"We back a ceasefire, and we back it today,\" Navarro told reporters in Geneva.
\"We support a ceasefire in Ukraine without delay,\" said Paul Osei, the trade minister of Ghana.
\"We reject any ceasefire that rewards Russia,\" said Lars Holm, chairman of Vik & Sons.
";

fn ingested() -> Workspace {
    let w = Workspace::new();
    let file = w.write("truce-live-2024-09-10.txt", PAGE.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    w
}

/// (actor, topic, stance, statements) of every pair `compare` gives.
fn compared(w: &Workspace) -> Vec<(String, String, String, i64)> {
    let c = w.json(&["compare", "--format", "json"]);
    c.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["actor"].as_str().unwrap().to_string(),
                r["topic"].as_str().unwrap().to_string(),
                r["stance"].as_str().unwrap().to_string(),
                r["statements"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_actor_topic_network_in_gexf_is_what_compare_gives() {
    let w = ingested();
    let pairs = compared(&w);
    assert!(pairs.len() >= 3, "{pairs:?}");
    let r = w.run(&["network", "--format", "gexf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "gexf");
    assert_eq!(root.tag_name().namespace(), Some("http://gexf.net/1.3"));
    let graph = root.children().find(|n| n.has_tag_name("graph")).unwrap();
    assert_eq!(graph.attribute("defaultedgetype"), Some("directed"));
    let label: std::collections::HashMap<&str, &str> = graph
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .map(|n| (n.attribute("id").unwrap(), n.attribute("label").unwrap()))
        .collect();
    let mut edges: Vec<(String, String, String, i64)> = graph
        .descendants()
        .filter(|n| n.has_tag_name("edge"))
        .map(|e| {
            let stance = e
                .descendants()
                .find(|a| a.attribute("for") == Some("stance"))
                .and_then(|a| a.attribute("value"))
                .unwrap();
            (
                label[e.attribute("source").unwrap()].to_string(),
                label[e.attribute("target").unwrap()].to_string(),
                stance.to_string(),
                e.attribute("weight").unwrap().parse::<f64>().unwrap() as i64,
            )
        })
        .collect();
    edges.sort();
    let mut expected = pairs.clone();
    expected.sort();
    assert_eq!(edges, expected);
}

#[test]
fn the_agreement_network_links_actors_of_one_stance_and_counts_conflicts() {
    let w = ingested();
    let pairs = compared(&w);
    let stance = |actor: &str| {
        pairs
            .iter()
            .find(|(a, t, _, _)| a == actor && t == "ceasefire")
            .map(|(_, _, s, _)| s.clone())
    };
    assert_eq!(stance("Ilse Navarro").as_deref(), Some("support"));
    assert_eq!(stance("Paul Osei").as_deref(), Some("support"));
    assert_eq!(stance("Lars Holm").as_deref(), Some("oppose"));
    let edges = w.json(&["network", "--kind", "agreement", "--format", "json"]);
    let edges = edges.as_array().unwrap();
    let edge = |a: &str, b: &str| -> Option<&Value> {
        edges.iter().find(|e| {
            (e["source"] == a && e["target"] == b) || (e["source"] == b && e["target"] == a)
        })
    };
    let agree = edge("Ilse Navarro", "Paul Osei").expect("the two who back it agree");
    assert!(agree["weight"].as_i64().unwrap() >= 1);
    assert!(agree["topics"].as_str().unwrap().contains("ceasefire"));
    assert!(agree["conflicts"].is_number());
    assert!(edge("Ilse Navarro", "Lars Holm").is_none(), "{edges:?}");
    // GraphML, undirected, the same edges; names with XML's special characters escaped.
    let r = w.run(&["network", "--kind", "agreement", "--format", "graphml"]);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let graph = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("graph"))
        .unwrap();
    assert_eq!(graph.attribute("edgedefault"), Some("undirected"));
    assert_eq!(
        graph.children().filter(|n| n.has_tag_name("edge")).count(),
        edges.len()
    );
    let keys: Vec<&str> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("key"))
        .filter_map(|k| k.attribute("attr.name"))
        .collect();
    for key in ["label", "kind", "weight", "topics", "conflicts"] {
        assert!(keys.contains(&key), "{keys:?}");
    }
}

#[test]
fn the_network_goes_to_a_file_and_takes_the_filters() {
    let w = ingested();
    let out = w.path("stances.gexf");
    let r = w.run(&[
        "network",
        "--topic",
        "ceasefire",
        "--actor",
        "Paul Osei",
        "--format",
        "gexf",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let edges = doc.descendants().filter(|n| n.has_tag_name("edge")).count();
    assert_eq!(edges, 1);
    // The edge list for people and programs.
    let csv = w.run(&["network", "--format", "csv", "--topic", "ceasefire"]);
    assert!(
        csv.stdout
            .starts_with("source,target,weight,stance,confidence,first_said,last_said\n"),
        "{}",
        csv.stdout
    );
    let r = w.run(&["network", "--actor", "Nobody Known"]);
    assert_eq!(r.code, 2);
}
