//! The figures the READMEs and docs/ show are the program's real output, so a README cannot go
//! stale: change the price snapshot or a model and this fails, naming the file and the line.
//!
//! Three forms are checked, each against the real `costcalc` binary run from the crate folder:
//! - an output block: a line `<!-- costcalc-output: ARGS -->` followed by a fenced block. Every
//!   line of the block must appear in what `costcalc ARGS` prints, contiguously and in order; a
//!   line `[...]` (or `[... anything ...]`) marks a cut, after which the next chunk may start
//!   anywhere later in the output. `{with-commitment-rates}` in ARGS stands for the bundled
//!   snapshot with `tests/data/commitment-rates.toml` appended (made-up rates).
//! - a per-service example: a line `costcalc ARGS   # total $X` (costcalc/README.md) must print
//!   a `total_usd` of X in JSON (`total_usd_exact` when X has more than two decimals).
//! - the top README's break-even sentence, "with `--proxy off`, Lambda is cheapest up to A
//!   requests a month, EC2 from B", against `costcalc breakeven --proxy off --format json`.
//!
//! The top README must keep its summary block and the sentence (a README that dropped them would
//! pass vacuously otherwise), and costcalc/README.md must keep its per-service examples.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn repo_file(rel: &str) -> PathBuf {
    crate_dir().parent().expect("the workspace").join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Every Markdown file whose figures must be real: the READMEs and docs/ (benchmark logs aside:
/// their figures are dated measurements, not what the program computes).
fn documents() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [
        "README.md",
        "costcalc/README.md",
        "loadgen/README.md",
        "api/README.md",
        "infra/README.md",
    ]
    .iter()
    .map(|f| repo_file(f))
    .collect();
    let docs = repo_file("docs");
    if let Ok(entries) = std::fs::read_dir(&docs) {
        let mut more: Vec<PathBuf> = entries
            .map(|e| e.expect("list docs/").path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        more.sort();
        files.extend(more);
    }
    files
}

/// Run the real binary from the crate folder (the READMEs' relative paths are costcalc's), with
/// no AWS settings from this environment.
fn costcalc(args: &[String]) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_costcalc"));
    c.args(args).current_dir(crate_dir());
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    let out = c.output().expect("run the costcalc binary");
    assert!(
        out.status.success(),
        "costcalc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The bundled snapshot plus the made-up commitment rates, written once per test run.
fn with_commitment_rates() -> String {
    let dir = std::env::temp_dir().join(format!("costcalc-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("with-rates.toml");
    let text = read(&crate_dir().join("prices/us-east-1.toml"))
        + "\n"
        + &read(&crate_dir().join("tests/data/commitment-rates.toml"));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn split_args(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|a| {
            if a == "{with-commitment-rates}" {
                with_commitment_rates()
            } else {
                a.to_string()
            }
        })
        .collect()
}

struct Block {
    file: PathBuf,
    line: usize,
    args: String,
    body: Vec<String>,
}

fn output_blocks(file: &Path) -> Vec<Block> {
    let text = read(file);
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(args) = l
            .trim()
            .strip_prefix("<!-- costcalc-output:")
            .and_then(|r| r.strip_suffix("-->"))
        else {
            continue;
        };
        let open = lines[i + 1..]
            .iter()
            .position(|l| !l.trim().is_empty())
            .map(|p| i + 1 + p)
            .filter(|&p| lines[p].starts_with("```"))
            .unwrap_or_else(|| {
                panic!(
                    "{}:{}: a costcalc-output marker must be followed by a fenced block",
                    file.display(),
                    i + 1
                )
            });
        let close = lines[open + 1..]
            .iter()
            .position(|l| l.starts_with("```"))
            .map(|p| open + 1 + p)
            .unwrap_or_else(|| panic!("{}:{}: unclosed block", file.display(), open + 1));
        blocks.push(Block {
            file: file.to_path_buf(),
            line: open + 2,
            args: args.trim().to_string(),
            body: lines[open + 1..close]
                .iter()
                .map(|l| l.trim_end().to_string())
                .collect(),
        });
    }
    blocks
}

fn is_cut(line: &str) -> bool {
    line.starts_with("[...") && line.ends_with(']')
}

/// Check each chunk of `block` appears contiguously in `output`, in order; panic naming the
/// first line that differs.
fn check_block(block: &Block, output: &str) {
    let out: Vec<&str> = output.lines().map(str::trim_end).collect();
    let mut from = 0;
    let mut offset = 0;
    for chunk in block.body.split(|l| is_cut(l)) {
        let here = block.line + offset;
        offset += chunk.len() + 1;
        if chunk.is_empty() {
            continue;
        }
        let found = (from..out.len().saturating_sub(chunk.len() - 1))
            .find(|&s| chunk.iter().zip(&out[s..]).all(|(a, b)| a == b));
        match found {
            Some(s) => from = s + chunk.len(),
            None => {
                // Name the first line of the chunk that the program no longer prints as shown.
                let start = out[from..]
                    .iter()
                    .position(|l| *l == chunk[0])
                    .map(|p| from + p);
                let detail = match start {
                    None => format!("line {here} is not in the output: {:?}", chunk[0]),
                    Some(s) => {
                        let k = chunk
                            .iter()
                            .zip(&out[s..])
                            .position(|(a, b)| a != b)
                            .unwrap_or(out.len() - s);
                        format!(
                            "line {} shows\n  {:?}\nbut the program prints\n  {:?}",
                            here + k,
                            chunk[k],
                            out.get(s + k).copied().unwrap_or("(end of output)")
                        )
                    }
                };
                panic!(
                    "{} is stale: `costcalc {}`: {detail}\n\nthe real output:\n{output}",
                    block.file.display(),
                    block.args
                );
            }
        }
    }
}

#[test]
fn output_blocks_are_the_programs_real_output() {
    let mut checked = 0;
    for file in documents() {
        for block in output_blocks(&file) {
            let output = costcalc(&split_args(&block.args));
            check_block(&block, &output);
            checked += 1;
        }
    }
    let top = output_blocks(&repo_file("README.md"));
    assert!(
        top.iter()
            .any(|b| b.args == "report" && b.body.iter().any(|l| l.starts_with("Summary ("))),
        "README.md must show the default report's summary in a `<!-- costcalc-output: report -->` block"
    );
    assert!(checked >= 3, "only {checked} output blocks found");
}

#[test]
fn the_default_summary_is_shown_in_one_readme_only() {
    // One price-snapshot update must not leave a second README copy wrong: the other READMEs link
    // to the top one instead of repeating the summary.
    let report = costcalc(&split_args("report"));
    let rows: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.starts_with("Summary ("))
        .filter(|l| l.contains("cheapest") || l.starts_with("│ Lambda") || l.starts_with("│ ECS"))
        .take(3)
        .collect();
    assert_eq!(rows.len(), 3, "the summary's three rows in {report}");
    for f in ["costcalc/README.md", "loadgen/README.md", "api/README.md"] {
        let text = read(&repo_file(f));
        for row in &rows {
            assert!(
                !text.contains(row.trim_end()),
                "{f} repeats the default report's summary row {row:?}: link to README.md instead"
            );
        }
    }
}

/// "Lambda is cheapest up to 7,279,385 requests a month, EC2 from 7,279,386" -> the two counts.
fn breakeven_sentence(text: &str) -> Option<(u64, u64)> {
    let lead = "with `--proxy off`, Lambda is cheapest up to ";
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let rest = &flat[flat.find(lead)? + lead.len()..];
    let (upto, rest) = rest.split_once(" requests a month, EC2 from ")?;
    let from: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    let num = |s: &str| s.replace(',', "").parse::<u64>().ok();
    Some((num(upto)?, num(&from)?))
}

/// A request count in costcalc's JSON (a decimal string, or a number).
fn count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str()?.parse().ok())
}

#[test]
fn top_readme_breakeven_sentence_is_the_real_crossing() {
    let text = read(&repo_file("README.md"));
    let (upto, from) = breakeven_sentence(&text).expect(
        "README.md must say \"with `--proxy off`, Lambda is cheapest up to A requests a month, EC2 from B\"",
    );
    let v: Value = serde_json::from_str(&costcalc(&split_args(
        "breakeven --proxy off --format json",
    )))
    .expect("breakeven JSON");
    let ranges = v["cheapest_by_traffic"].as_array().expect("ranges");
    let lambda = ranges
        .iter()
        .find(|r| r["cheapest"] == "lambda")
        .expect("a Lambda range");
    let ec2 = ranges
        .iter()
        .find(|r| r["cheapest"] == "ec2")
        .expect("an EC2 range");
    assert_eq!(
        (
            count(&lambda["to_requests_per_month"]),
            count(&ec2["from_requests_per_month"])
        ),
        (Some(upto), Some(from)),
        "README.md's break-even sentence is stale: `costcalc breakeven --proxy off` gives {ranges:#?}"
    );
}

#[test]
fn breakeven_sentence_parser_reads_the_readme_form() {
    let s = "exactly: with `--proxy off`, Lambda is cheapest up to 7,279,385 requests a\nmonth, EC2 from\n7,279,386.";
    assert_eq!(breakeven_sentence(s), Some((7_279_385, 7_279_386)));
    assert_eq!(breakeven_sentence("Lambda is cheapest up to 5"), None);
}

#[test]
fn per_service_examples_print_their_totals() {
    let text = read(&repo_file("costcalc/README.md"));
    let mut checked = 0;
    for (i, line) in text.lines().enumerate() {
        let Some((cmd, figure)) = line.split_once("# total $") else {
            continue;
        };
        let Some(args) = cmd.trim().strip_prefix("costcalc ") else {
            continue;
        };
        let figure: String = figure
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .collect::<String>()
            .replace(',', "");
        let mut a = split_args(args);
        a.extend(["--format".to_string(), "json".to_string()]);
        let v: Value = serde_json::from_str(&costcalc(&a)).expect("JSON");
        let decimals = figure.split_once('.').map_or(0, |(_, d)| d.len());
        let key = if decimals > 2 {
            "total_usd_exact"
        } else {
            "total_usd"
        };
        assert_eq!(
            v[key].as_str(),
            Some(figure.as_str()),
            "costcalc/README.md:{}: `costcalc {args}` shows a total of ${figure}, the program prints {key} {}",
            i + 1,
            v[key]
        );
        checked += 1;
    }
    assert!(
        checked >= 5,
        "costcalc/README.md lost its per-service examples ({checked} found)"
    );
}

#[test]
fn a_changed_figure_is_caught() {
    // The checker itself: a block with one figure off by a cent must not pass.
    let output = "Summary\n│ EC2 ┆ $24.40 │\n│ Lambda ┆ $35.90 │\n";
    let good = Block {
        file: PathBuf::from("README.md"),
        line: 1,
        args: "report".into(),
        body: vec![
            "│ EC2 ┆ $24.40 │".into(),
            "[...]".into(),
            "│ Lambda ┆ $35.90 │".into(),
        ],
    };
    check_block(&good, output);
    let stale = Block {
        body: vec!["│ EC2 ┆ $24.41 │".into()],
        ..good
    };
    let caught = std::panic::catch_unwind(|| check_block(&stale, output));
    assert!(caught.is_err(), "a stale figure passed");
}
