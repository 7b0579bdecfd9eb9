//! `whosaid report`: a self-contained page whose heatmap is what `compare` gives, rendered
//! in headless Chromium with its cells and evidence links in the DOM. `.ci/run` installs
//! Chromium and sets WHOSAID_REQUIRE_BROWSER, so there the browser test cannot be skipped.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Workspace;
use serde_json::Value;

/// Two days of a live page of our own: three speakers, two topics, a change of mind.
const DAY_ONE: &str = "Live Reporting
Edited by Mara Quinn
Ministers split over a truce between Russia and Ukrainepublished at 11:20 British Summer Time 10 September
11:20 BST 10 September
Jonas Berg
Diplomatic correspondent
\"We back a ceasefire, and we back it today,\" foreign minister Ilse Navarro told reporters in Geneva, as Russia and Ukraine traded fire.
\"We support a ceasefire in Ukraine without delay,\" said Paul Osei, the trade minister of Ghana.
\"We reject any ceasefire that rewards Russia,\" said Lars Holm, chairman of Vik <Nordic> & Sons.
\"New sanctions on Russia would hurt our exporters first,\" Osei added.
\"Our answer to the ceasefire is </script><b>no</b>,\" Holm said.
";

fn ingested() -> Workspace {
    let w = Workspace::new();
    let file = w.write("truce-live-2024-09-10.txt", DAY_ONE.as_bytes());
    let r = w.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    w
}

/// The data the page embeds.
fn embedded(html: &str) -> Value {
    let open = r#"<script id="data" type="application/json">"#;
    let from = html.find(open).expect("the data element") + open.len();
    let to = from + html[from..].find("</script>").unwrap();
    serde_json::from_str(&html[from..to].replace("<\\/", "</")).unwrap()
}

#[test]
fn the_report_is_one_self_contained_page_with_the_stances_of_compare() {
    let w = ingested();
    let page = w.path("report.html");
    let r = w.run(&["report", "--output", page.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("statements"), "{}", r.stdout);
    let html = std::fs::read_to_string(&page).unwrap();
    // Nothing fetched: no external script, style, font or image.
    for outside in ["<script src", "<link", "@import", "url(http", "src=\"http"] {
        assert!(!html.contains(outside), "{outside}");
    }
    // Words with markup in them stay data: nothing ends the script early.
    assert!(!html.contains("</script><b>"), "raw markup in the page");
    assert!(html.contains("<\\/script><b>no<\\/b>"));
    let data = embedded(&html);
    let compare = w.json(&["compare", "--format", "json"]);
    let cells = data["cells"].as_array().unwrap();
    assert_eq!(cells.len(), compare.as_array().unwrap().len());
    for c in compare.as_array().unwrap() {
        let a = data["actors"]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x["name"] == c["actor"])
            .unwrap();
        let t = data["topics"]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x["name"] == c["topic"])
            .unwrap();
        let cell = cells
            .iter()
            .find(|x| x["a"] == a && x["t"] == t)
            .unwrap_or_else(|| panic!("no cell for {c}"));
        assert_eq!(cell["stance"], c["stance"]);
        assert_eq!(cell["statements"], c["statements"]);
    }
    // Every statement of the page carries its provenance.
    let quotes = w.json(&["quotes", "--format", "json"]);
    let attributed = quotes
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| !q["actor"].is_null())
        .count();
    let statements = data["statements"].as_array().unwrap();
    assert_eq!(statements.len(), attributed);
    for s in statements {
        assert!(s["words"].is_string() && s["time"].is_string() && s["source"].is_string());
    }
}

#[test]
fn a_report_over_a_window_of_time_has_only_its_statements() {
    let w = ingested();
    let page = w.path("later.html");
    let r = w.run(&[
        "report",
        "--since",
        "2024-09-11",
        "--output",
        page.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "nothing said since: {}", r.stderr);
    let data = embedded(&std::fs::read_to_string(&page).unwrap());
    assert_eq!(data["total"], 0);
    let page = w.path("topic.html");
    let r = w.run(&[
        "report",
        "--topic",
        "ceasefire",
        "--until",
        "2024-09-10",
        "--output",
        page.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = embedded(&std::fs::read_to_string(&page).unwrap());
    assert!(
        data["topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "ceasefire")
    );
    assert!(data["cells"].as_array().unwrap().len() >= 3);
}

fn chromium() -> Option<String> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Headless Chromium on `page` with `args`, bounded in time; gives stdout.
fn headless(browser: &str, profile: &Path, url: &str, args: &[&str]) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_report_renders_in_headless_chromium_with_cells_and_evidence_links() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("WHOSAID_REQUIRE_BROWSER").is_none(),
            "WHOSAID_REQUIRE_BROWSER is set and no chromium is installed"
        );
        eprintln!("skipped: no chromium (.ci/run installs it)");
        return;
    };
    let w = ingested();
    let page = w.path("report.html");
    let r = w.run(&["report", "--output", page.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = embedded(&std::fs::read_to_string(&page).unwrap());
    let url = format!("file://{}", page.display());
    let dom = headless(&browser, &w.path("profile"), &url, &["--dump-dom"]);
    // One link per heatmap cell, drawn by the page's script.
    let cells = dom.matches("class=\"cell").count();
    assert_eq!(cells, data["cells"].as_array().unwrap().len(), "{dom}");
    assert!(dom.contains("<svg id=\"heatmap\""));
    // The busiest cell's evidence is open on arrival: its statements, each with a link to
    // itself and its source.
    assert!(dom.contains("class=\"statement\""), "{dom}");
    assert!(dom.contains("class=\"evidence-link\""), "{dom}");
    assert!(dom.contains("truce-live-2024-09-10.txt"));
    // A cell's address opens its evidence; markup in the words is shown as text, not run.
    let index = |list: &str, name: &str| {
        data[list]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x["name"] == name)
            .unwrap()
    };
    let cell = format!(
        "{url}#cell-{}-{}",
        index("actors", "Lars Holm"),
        index("topics", "ceasefire")
    );
    let dom = headless(&browser, &w.path("profile3"), &cell, &["--dump-dom"]);
    assert!(dom.contains("Lars Holm on ceasefire"), "{dom}");
    assert!(
        dom.contains("&lt;/script&gt;&lt;b&gt;no&lt;/b&gt;"),
        "{dom}"
    );
    assert!(!dom.contains("<b>no</b>"));
    // A timeline per actor.
    assert_eq!(
        dom.matches("class=\"timeline\"").count(),
        data["actors"].as_array().unwrap().len()
    );
    // And a picture of it.
    let shot = w.path("report.png");
    headless(
        &browser,
        &w.path("profile2"),
        &url,
        &[&format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(png.len() > 10_000, "{} bytes", png.len());
}
