//! `whosaid network`: the knowledge base as a graph, for Gephi, visone and discourse-network
//! analysis. Takes the actors' stances on the topics; gives either the actor–topic network
//! (an edge from an actor to each topic they spoke on, weighted by their statements, with
//! their stance) or the actor–actor agreement network (an edge between two actors weighted
//! by the topics on which they take the same stance, with the topics and their conflicts:
//! topics where one supports what the other opposes), as GEXF, GraphML or an edge list.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use clap::{Args, ValueEnum};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::output::{OutputFormat, Records};
use super::{Outcome, time};
use crate::error::Result;
use crate::model::Stance;
use crate::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Network {
    /// Actors and topics; an edge from an actor to a topic they spoke on
    ActorTopic,
    /// Actors; an edge between two that take the same stance on a topic
    Agreement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkFormat {
    /// The edges, aligned for people
    Table,
    /// The edges (Gephi's spreadsheet import takes the source, target and weight columns)
    Csv,
    Json,
    Jsonl,
    /// GEXF 1.3, Gephi's own format
    Gexf,
    /// GraphML, for visone, yEd, Cytoscape, igraph and NetworkX
    Graphml,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  whosaid network --format gexf --output stances.gexf\n  \
                        whosaid network --kind agreement --topic ceasefire --format graphml\n  \
                        whosaid network --kind agreement --format csv"
)]
pub struct NetworkArgs {
    /// Which network
    #[arg(long, value_enum, default_value = "actor-topic")]
    kind: Network,
    /// Only these actors (repeatable) [default: every actor with a stance]
    #[arg(long, value_name = "NAME")]
    actor: Vec<String>,
    /// Only these topics (repeatable) [default: every topic]
    #[arg(long, value_name = "TOPIC")]
    topic: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: NetworkFormat,
    /// Write to this file instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

/// A node: an actor or a topic, with what the file says of it.
struct Node {
    id: String,
    label: String,
    kind: &'static str,
    statements: i64,
    country: Option<String>,
}

/// An edge with its weight and attributes (name, value), in the order of the columns.
struct Edge {
    source: usize,
    target: usize,
    weight: f64,
    attributes: Vec<(&'static str, Value)>,
}

struct Graph {
    directed: bool,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// The edge attributes' names and GEXF/GraphML types.
    edge_attributes: &'static [(&'static str, &'static str)],
}

pub fn run(
    conn: &Connection,
    data: &crate::data::DataFiles,
    args: &NetworkArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let (actor_ids, topics) = super::actors_and_topics(conn, data, &args.actor, &args.topic)?;
    let cells = crate::pipeline::stance_table(conn, &actor_ids, &topics)?;
    let actors: HashMap<String, store::ActorRow> = store::actors(conn)?
        .into_iter()
        .map(|a| (a.name.clone(), a))
        .collect();
    let graph = match args.kind {
        Network::ActorTopic => actor_topic(&cells, &actors),
        Network::Agreement => agreement(&cells, &actors),
    };
    let mut file;
    let out: &mut dyn Write = match &args.output {
        Some(path) => {
            file = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| {
                crate::error::Error::Usage(format!("cannot write {}: {e}", path.display()))
            })?);
            &mut file
        }
        None => out,
    };
    match args.format {
        NetworkFormat::Gexf => gexf(&graph, out)?,
        NetworkFormat::Graphml => graphml(&graph, out)?,
        NetworkFormat::Table => edges(&graph).write(OutputFormat::Table, out)?,
        NetworkFormat::Csv => edges(&graph).write(OutputFormat::Csv, out)?,
        NetworkFormat::Json => edges(&graph).write(OutputFormat::Json, out)?,
        NetworkFormat::Jsonl => edges(&graph).write(OutputFormat::Jsonl, out)?,
    }
    out.flush()?;
    Ok(if graph.edges.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

type Cells = [(String, String, crate::stance::Verdict)];

fn actor_node(name: &str, actors: &HashMap<String, store::ActorRow>, id: usize) -> Node {
    let row = actors.get(name);
    Node {
        id: format!("a{id}"),
        label: name.to_string(),
        kind: "actor",
        statements: row.map_or(0, |a| a.statements),
        country: row.and_then(|a| a.country.clone()),
    }
}

fn actor_topic(cells: &Cells, actors: &HashMap<String, store::ActorRow>) -> Graph {
    let mut nodes = Vec::new();
    let mut index: HashMap<(&'static str, &str), usize> = HashMap::new();
    let mut edges = Vec::new();
    // Statements on each topic by the actors shown: a topic node's size.
    let mut on_topic: HashMap<&str, i64> = HashMap::new();
    for (_, topic, v) in cells {
        *on_topic.entry(topic).or_default() += v.statements as i64;
    }
    for (actor, topic, v) in cells {
        let a = *index.entry(("actor", actor.as_str())).or_insert_with(|| {
            nodes.push(actor_node(actor, actors, nodes.len()));
            nodes.len() - 1
        });
        let t = *index.entry(("topic", topic.as_str())).or_insert_with(|| {
            nodes.push(Node {
                id: format!("t{}", nodes.len()),
                label: topic.clone(),
                kind: "topic",
                statements: on_topic.get(topic.as_str()).copied().unwrap_or(0),
                country: None,
            });
            nodes.len() - 1
        });
        edges.push(Edge {
            source: a,
            target: t,
            weight: v.statements as f64,
            attributes: vec![
                ("stance", json!(v.stance.as_str())),
                ("confidence", json!(v.confidence)),
                ("first_said", time(v.first_said)),
                ("last_said", time(v.last_said)),
            ],
        });
    }
    Graph {
        directed: true,
        nodes,
        edges,
        edge_attributes: &[
            ("stance", "string"),
            ("confidence", "double"),
            ("first_said", "string"),
            ("last_said", "string"),
        ],
    }
}

fn agreement(cells: &Cells, actors: &HashMap<String, store::ActorRow>) -> Graph {
    // Per topic, each actor's stance (an unknown stance neither agrees nor conflicts).
    let mut by_topic: BTreeMap<&str, Vec<(&str, Stance)>> = BTreeMap::new();
    for (actor, topic, v) in cells {
        if v.stance != Stance::Unknown {
            by_topic
                .entry(topic.as_str())
                .or_default()
                .push((actor.as_str(), v.stance));
        }
    }
    // Every actor with a stance is a node, linked or not.
    let mut names: Vec<&str> = by_topic.values().flatten().map(|(a, _)| *a).collect();
    names.sort_unstable();
    names.dedup();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let nodes: Vec<Node> = names
        .iter()
        .enumerate()
        .map(|(i, n)| actor_node(n, actors, i))
        .collect();
    // (agreeing topics, conflicting topics) per pair of actors, the pair in name order.
    let mut pairs: BTreeMap<(usize, usize), (Vec<&str>, usize)> = BTreeMap::new();
    for (topic, stances) in &by_topic {
        for (i, (a, sa)) in stances.iter().enumerate() {
            for (b, sb) in &stances[i + 1..] {
                let (x, y) = (index[a], index[b]);
                let key = (x.min(y), x.max(y));
                let conflict = matches!(
                    (sa, sb),
                    (Stance::Support, Stance::Oppose) | (Stance::Oppose, Stance::Support)
                );
                if sa == sb {
                    pairs.entry(key).or_default().0.push(topic);
                } else if conflict {
                    pairs.entry(key).or_default().1 += 1;
                }
            }
        }
    }
    let edges = pairs
        .into_iter()
        .filter(|(_, (agree, _))| !agree.is_empty())
        .map(|((a, b), (agree, conflicts))| Edge {
            source: a,
            target: b,
            weight: agree.len() as f64,
            attributes: vec![
                ("topics", json!(agree.join(";"))),
                ("conflicts", json!(conflicts)),
            ],
        })
        .collect();
    Graph {
        directed: false,
        nodes,
        edges,
        edge_attributes: &[("topics", "string"), ("conflicts", "integer")],
    }
}

/// The edge list: source and target by label, the weight, then the attributes.
fn edges(graph: &Graph) -> Records {
    let mut columns: Vec<&'static str> = vec!["source", "target", "weight"];
    columns.extend(graph.edge_attributes.iter().map(|(name, _)| *name));
    let mut r = Records::new(&columns);
    for e in &graph.edges {
        let mut row = vec![
            json!(graph.nodes[e.source].label),
            json!(graph.nodes[e.target].label),
            weight(e.weight),
        ];
        row.extend(e.attributes.iter().map(|(_, v)| v.clone()));
        r.rows.push(row);
    }
    r
}

/// A weight as a JSON number: whole counts as integers.
fn weight(w: f64) -> Value {
    if w.fract() == 0.0 && w.abs() < 1e15 {
        json!(w as i64)
    } else {
        json!(w)
    }
}

/// Text for an XML attribute or element.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no place for these control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value as XML text (null: none given).
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(xml(s)),
        other => Some(xml(&other.to_string())),
    }
}

fn gexf(graph: &Graph, out: &mut dyn Write) -> Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">"#
    )?;
    writeln!(
        out,
        "  <meta><creator>whosaid {}</creator></meta>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        out,
        r#"  <graph defaultedgetype="{}" mode="static">"#,
        if graph.directed {
            "directed"
        } else {
            "undirected"
        }
    )?;
    writeln!(out, r#"    <attributes class="node">"#)?;
    for (id, kind) in [
        ("kind", "string"),
        ("statements", "integer"),
        ("country", "string"),
    ] {
        writeln!(
            out,
            r#"      <attribute id="{id}" title="{id}" type="{kind}"/>"#
        )?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, r#"    <attributes class="edge">"#)?;
    for (id, kind) in graph.edge_attributes {
        writeln!(
            out,
            r#"      <attribute id="{id}" title="{id}" type="{kind}"/>"#
        )?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, "    <nodes>")?;
    for n in &graph.nodes {
        writeln!(
            out,
            r#"      <node id="{}" label="{}">"#,
            n.id,
            xml(&n.label)
        )?;
        writeln!(out, "        <attvalues>")?;
        writeln!(
            out,
            r#"          <attvalue for="kind" value="{}"/>"#,
            n.kind
        )?;
        writeln!(
            out,
            r#"          <attvalue for="statements" value="{}"/>"#,
            n.statements
        )?;
        if let Some(c) = &n.country {
            writeln!(
                out,
                r#"          <attvalue for="country" value="{}"/>"#,
                xml(c)
            )?;
        }
        writeln!(out, "        </attvalues>")?;
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>")?;
    writeln!(out, "    <edges>")?;
    for (i, e) in graph.edges.iter().enumerate() {
        writeln!(
            out,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}">"#,
            graph.nodes[e.source].id, graph.nodes[e.target].id, e.weight
        )?;
        writeln!(out, "        <attvalues>")?;
        for (name, v) in &e.attributes {
            if let Some(text) = value_text(v) {
                writeln!(out, r#"          <attvalue for="{name}" value="{text}"/>"#)?;
            }
        }
        writeln!(out, "        </attvalues>")?;
        writeln!(out, "      </edge>")?;
    }
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")?;
    Ok(())
}

fn graphml(graph: &Graph, out: &mut dyn Write) -> Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    let graphml_type = |t: &str| match t {
        "integer" => "long",
        "double" => "double",
        _ => "string",
    };
    for (id, kind) in [
        ("label", "string"),
        ("kind", "string"),
        ("statements", "integer"),
        ("country", "string"),
    ] {
        writeln!(
            out,
            r#"  <key id="{id}" for="node" attr.name="{id}" attr.type="{}"/>"#,
            graphml_type(kind)
        )?;
    }
    writeln!(
        out,
        r#"  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>"#
    )?;
    for (id, kind) in graph.edge_attributes {
        writeln!(
            out,
            r#"  <key id="{id}" for="edge" attr.name="{id}" attr.type="{}"/>"#,
            graphml_type(kind)
        )?;
    }
    writeln!(
        out,
        r#"  <graph id="whosaid" edgedefault="{}">"#,
        if graph.directed {
            "directed"
        } else {
            "undirected"
        }
    )?;
    for n in &graph.nodes {
        writeln!(out, r#"    <node id="{}">"#, n.id)?;
        writeln!(out, r#"      <data key="label">{}</data>"#, xml(&n.label))?;
        writeln!(out, r#"      <data key="kind">{}</data>"#, n.kind)?;
        writeln!(
            out,
            r#"      <data key="statements">{}</data>"#,
            n.statements
        )?;
        if let Some(c) = &n.country {
            writeln!(out, r#"      <data key="country">{}</data>"#, xml(c))?;
        }
        writeln!(out, "    </node>")?;
    }
    for (i, e) in graph.edges.iter().enumerate() {
        writeln!(
            out,
            r#"    <edge id="e{i}" source="{}" target="{}">"#,
            graph.nodes[e.source].id, graph.nodes[e.target].id
        )?;
        writeln!(out, r#"      <data key="weight">{}</data>"#, e.weight)?;
        for (name, v) in &e.attributes {
            if let Some(text) = value_text(v) {
                writeln!(out, r#"      <data key="{name}">{text}</data>"#)?;
            }
        }
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_keeps_no_control_character() {
        assert_eq!(
            xml("Tom & \"Jerry\" <'x'>\u{1}"),
            "Tom &amp; &quot;Jerry&quot; &lt;&apos;x&apos;&gt; "
        );
    }

    #[test]
    fn whole_weights_are_integers_in_json() {
        assert_eq!(weight(3.0), json!(3));
        assert_eq!(weight(0.5), json!(0.5));
    }
}
