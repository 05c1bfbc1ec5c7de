//! The scenarios the docs show pass `loadgen scenario check`: the loadgen block (the first
//! ```toml fence) of docs/scenarios-compared.md, written to a file and checked by the binary.

use crate::support::loadgen;
use std::path::Path;

/// The body of the first fenced block of `lang` in `text`.
fn first_block(text: &str, lang: &str) -> Option<String> {
    let open = format!("```{lang}\n");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find("\n```")?;
    Some(text[start..start + len + 1].to_string())
}

#[test]
fn scenarios_compared_loadgen_block_checks() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/scenarios-compared.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let block = first_block(&text, "toml").expect("a ```toml block in docs/scenarios-compared.md");
    assert!(block.contains("[journeys.writer]"), "{block}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("blog.toml");
    std::fs::write(&file, &block).unwrap();
    let res = loadgen()
        .args(["scenario", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(0), "{res:?}");
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        stdout.contains("ok: 1 journey (weights: writer 1), 1 session, 4 steps"),
        "{stdout}"
    );
}
