//! Hostile and broken input files, through the real binary: for each file costcalc reads, valid
//! files mutated (a number replaced by an out-of-range one, a key repeated, a line repeated, cut
//! short, a byte flipped) and arbitrary bytes, a fixed number of seeded cases each. Every run
//! either fails with exit 1 or 2 and one line on standard error, or prices with every total
//! between $0 and $10^12 (never a panic, exit 101 or 134, nor a price for a nonsense figure). Files
//! that are not regular, and files over the size bound, are refused before they are read, under a
//! memory limit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rust_decimal::Decimal;
use serde_json::Value;

const CASES: u64 = 50;
/// JSON readers run fast: more cases.
const JSON_CASES: u64 = 150;
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const PRICES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/prices/us-east-1.toml");

/// A small deterministic generator (xorshift64*), so every run tries the same cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const HOSTILE_NUMBERS: [&str; 14] = [
    "-1",
    "0",
    "-0.5",
    "1e300",
    "-1e300",
    "1e-300",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "1e25",
    "18446744073709551616",
    "4294967295",
    "NaN",
    "\"=HYPERLINK(\\\"x\\\")\\n# <h1>\"",
    "null",
];

/// One mutation of `valid`, or arbitrary bytes.
fn mutate(valid: &str, rng: &mut Rng) -> Vec<u8> {
    let b = valid.as_bytes();
    // JSON: most often, the figures of one field name set to hostile values (by name, so that a
    // field given once is hit as often as one in every timeline second).
    if let Ok(mut v) = serde_json::from_str::<Value>(valid)
        && rng.below(2) == 0
    {
        let mut leaves = Vec::new();
        number_keys(&v, &mut leaves);
        leaves.sort();
        leaves.dedup();
        if !leaves.is_empty() {
            let key = leaves[rng.below(leaves.len())].clone();
            let n = HOSTILE_NUMBERS[rng.below(HOSTILE_NUMBERS.len())];
            let hostile = serde_json::from_str(n).unwrap_or(Value::String(n.into()));
            set_key(&mut v, &key, &hostile);
            return v.to_string().into_bytes();
        }
    }
    match rng.below(7) {
        // Up to three numbers (digits after a separator) replaced by hostile ones.
        0..=2 => {
            let mut v = b.to_vec();
            for _ in 0..=rng.below(3) {
                v = replace_number(&v, rng);
            }
            v
        }
        // A line repeated (in JSON, a key given twice; in TOML, a duplicate key).
        3 => {
            let lines: Vec<&str> = valid.lines().collect();
            let i = rng.below(lines.len());
            let mut out = lines[..=i].to_vec();
            out.extend(&lines[i..]);
            out.join("\n").into_bytes()
        }
        4 => b[..rng.below(b.len())].to_vec(),
        5 => {
            let mut v = b.to_vec();
            let i = rng.below(v.len());
            v[i] = rng.next() as u8;
            v
        }
        _ => (0..rng.below(3000)).map(|_| rng.next() as u8).collect(),
    }
}

/// The names of the keys that hold a number or a list of numbers, anywhere in `v`.
fn number_keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let numbers =
                    |x: &Value| x.as_array().is_some_and(|a| a.iter().any(Value::is_number));
                if x.is_number() || numbers(x) {
                    out.push(k.clone());
                }
                number_keys(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| number_keys(x, out)),
        _ => {}
    }
}

/// Every number under `key` (or in a list under it), anywhere in `v`, becomes `to`.
fn set_key(v: &mut Value, key: &str, to: &Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == key && x.is_number() {
                    *x = to.clone();
                } else if k == key && x.is_array() {
                    for n in x
                        .as_array_mut()
                        .unwrap()
                        .iter_mut()
                        .filter(|n| n.is_number())
                    {
                        *n = to.clone();
                    }
                } else {
                    set_key(x, key, to);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| set_key(x, key, to)),
        _ => {}
    }
}

fn replace_number(b: &[u8], rng: &mut Rng) -> Vec<u8> {
    let starts: Vec<usize> = (1..b.len())
        .filter(|&i| {
            (b[i].is_ascii_digit() || b[i] == b'-')
                && matches!(b[i - 1], b' ' | b':' | b'=' | b'[' | b',' | b'"')
        })
        .collect();
    if starts.is_empty() {
        return b.to_vec();
    }
    let s = starts[rng.below(starts.len())];
    let mut e = s + 1;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b".-+".contains(&b[e])) {
        e += 1;
    }
    let n = HOSTILE_NUMBERS[rng.below(HOSTILE_NUMBERS.len())];
    [&b[..s], n.as_bytes(), &b[e..]].concat()
}

/// Run costcalc under a 2 GB address-space limit (prlimit), without AWS settings.
fn run(args: &[&str]) -> Output {
    let mut c = Command::new("prlimit");
    c.arg("--as=2000000000")
        .arg(env!("CARGO_BIN_EXE_costcalc"))
        .args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    c.stdin(Stdio::null())
        .output()
        .expect("run costcalc under prlimit")
}

/// Exit 1 or 2 with one line, or success with sane totals.
fn check(label: &str, args: &[&str], o: &Output) {
    let err = String::from_utf8_lossy(&o.stderr);
    let code = o.status.code();
    match code {
        Some(0) => {
            let v: Value = serde_json::from_slice(&o.stdout)
                .unwrap_or_else(|e| panic!("{label}: {args:?}: exit 0 without JSON ({e}): {err}"));
            let mut totals = Vec::new();
            collect_totals(&v, &mut totals);
            for t in totals {
                let d: Decimal = t.parse().unwrap();
                assert!(
                    d >= Decimal::ZERO && d < Decimal::from(1_000_000_000_000u64),
                    "{label}: {args:?}: exit 0 with a total of {t}"
                );
            }
        }
        Some(1) | Some(2) => {
            let lines: Vec<&str> = err.trim_end().lines().collect();
            assert!(
                lines.len() == 1 && lines[0].starts_with("error"),
                "{label}: {args:?}: exit {code:?} wants one error line, got {err:?}"
            );
        }
        _ => panic!("{label}: {args:?}: exit {code:?}: {err}"),
    }
}

fn collect_totals(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match x {
                    Value::String(s) if k == "total_usd" => out.push(s.clone()),
                    _ => collect_totals(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_totals(x, out)),
        _ => {}
    }
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("costcalc-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `CASES` mutations of `valid`, each written to a file whose path replaces `{}` in `args`.
fn fuzz(name: &str, seed: u64, valid: &str, ext: &str, args: &[&str]) {
    fuzz_n(CASES, name, seed, valid, ext, args)
}

fn fuzz_n(cases: u64, name: &str, seed: u64, valid: &str, ext: &str, args: &[&str]) {
    let dir = scratch(name);
    let mut rng = Rng(seed);
    for case in 0..cases {
        let f = dir.join(format!("case.{ext}"));
        std::fs::write(&f, mutate(valid, &mut rng)).unwrap();
        let fs = f.display().to_string();
        let a: Vec<&str> = args
            .iter()
            .map(|x| if *x == "{}" { fs.as_str() } else { x })
            .collect();
        let o = run(&a);
        if o.status.code() != Some(0) && o.status.code() != Some(1) && o.status.code() != Some(2) {
            let keep = dir.join(format!("failed-{case}.{ext}"));
            std::fs::copy(&f, &keep).unwrap();
        }
        check(&format!("{name} case {case}"), &a, &o);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn data(p: &str) -> String {
    std::fs::read_to_string(Path::new(DATA).join(p)).unwrap()
}

#[test]
fn summary_files() {
    let valid = data("summary-v1.1-server.json");
    let args = ["report", "--from-loadgen", "{}", "--format", "json"];
    fuzz_n(JSON_CASES, "summary", 0x5eed_0001, &valid, "json", &args);
}

#[test]
fn tune_files() {
    let valid = data("tune-v1.json");
    let summary = format!("{DATA}/summary-v1.json");
    let args = [
        "report",
        "--lambda-tune",
        "{}",
        "--from-loadgen",
        &summary,
        "--format",
        "json",
    ];
    fuzz_n(JSON_CASES, "tune", 0x5eed_0002, &valid, "json", &args);
}

#[test]
fn price_snapshots() {
    let valid = std::fs::read_to_string(PRICES).unwrap();
    fuzz(
        "prices-report",
        0x5eed_0003,
        &valid,
        "toml",
        &["report", "--prices", "{}", "--format", "json"],
    );
    // Fewer: a break-even sweep takes longer than a report.
    fuzz_n(
        20,
        "prices-breakeven",
        0x5eed_0004,
        &valid,
        "toml",
        &["breakeven", "--prices", "{}", "--format", "json"],
    );
}

#[test]
fn workload_and_durations_files() {
    let valid = "requests_per_month = 2000000\nduration_ms = 40\nrequest_bytes = 800\n\
                 response_bytes = 4000\npeak_rps = 5\npeak_to_average = 3\n\
                 throughput_rps_per_vcpu = 300\nlog_bytes_per_request = 200\n";
    let args = ["report", "--workload", "{}", "--format", "json"];
    fuzz("workload", 0x5eed_0005, valid, "toml", &args);
    let durations = "# ms\n12\n15.5\n900\n\n3\n";
    let args = [
        "lambda",
        "--requests",
        "1000",
        "--memory-mb",
        "512",
        "--durations-file",
        "{}",
        "--format",
        "json",
    ];
    fuzz("durations", 0x5eed_0006, durations, "txt", &args);
}

#[test]
fn metrics_files() {
    let valid = data("aws/cloudwatch/get-metric-data.json");
    let args = [
        "report",
        "--metrics-file",
        "{}",
        "--lambda-function",
        "journal-api",
        "--http-api-id",
        "a1b2c3d4e5",
        "--format",
        "json",
    ];
    fuzz_n(JSON_CASES, "metrics", 0x5eed_0007, &valid, "json", &args);
}

#[test]
fn non_regular_and_oversized_files_are_refused_before_reading() {
    let dir = scratch("special");
    let sparse = dir.join("sparse.json");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2_000_000_000)
        .unwrap();
    let fifo = dir.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success(),
        "mkfifo"
    );
    for (path, needle) in [
        (sparse.as_path(), "larger than the"),
        (Path::new("/dev/zero"), "not a regular file"),
        (fifo.as_path(), "not a regular file"),
        (dir.as_path(), "is a directory"),
    ] {
        let p = path.display().to_string();
        for args in [
            vec!["report", "--from-loadgen", &p],
            vec!["report", "--prices", &p],
            vec!["report", "--workload", &p],
        ] {
            let o = run(&args);
            check("special", &args, &o);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                o.status.code() == Some(1) && err.contains(&p) && err.contains(needle),
                "{args:?}: {err}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A summary within the size bound but with more endpoints than costcalc reads is refused while
/// it is parsed, at the entry past the bound: here the file is cut short after the 10,001st
/// endpoint, so a reader that parsed the whole file first would call it invalid JSON instead.
#[test]
fn an_over_long_endpoints_list_is_refused_while_parsing_naming_file_and_field() {
    let dir = scratch("endpoints");
    let entry = r#"{"method":"GET","route":"/e","count":1,"latency_ms":{"p50":1,"p90":2,"p99":3}}"#;
    let valid = data("summary-v1.1-server.json");
    let rest = valid.trim_start().strip_prefix('{').unwrap();
    let mut text = String::from(r#"{"endpoints": ["#);
    text.push_str(&vec![entry; 10_001].join(","));
    let cut = dir.join("cut.json");
    std::fs::write(&cut, format!("{text}, {entry}")).unwrap();
    let whole = dir.join("whole.json");
    std::fs::write(&whole, format!("{text}], {rest}")).unwrap();
    for path in [&cut, &whole] {
        let p = path.display().to_string();
        let args = ["report", "--from-loadgen", &p, "--format", "json"];
        let o = run(&args);
        check("endpoints", &args, &o);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            err.trim_end(),
            format!(
                "error: {p}: endpoints has more than 10000 entries, the most costcalc reads; \
                 check that it is the right file"
            ),
            "{args:?}"
        );
        assert_eq!(o.status.code(), Some(1), "{err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_write_of_the_output_is_an_error() {
    for args in [
        vec!["report"],
        vec!["prices"],
        vec!["breakeven", "--format", "json"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_costcalc"))
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write the output"), "{args:?}: {err}");
    }
}

/// Text from input files cannot start a spreadsheet formula in CSV, leave a `#` comment line, or
/// become a heading or HTML in Markdown and the table.
#[test]
fn input_text_is_neutralised_in_csv_markdown_and_the_table() {
    let mut v: Value = serde_json::from_str(&data("summary-v1.1-server.json")).unwrap();
    v["profile"]["name"] = "@SUM(1+1)\n# <script>alert(1)</script>".into();
    v["overload"] = serde_json::json!({
        "detected": true,
        "reasons": ["=HYPERLINK(\"http://x\")\n=1+1,\"x\"", "<b>bold</b>\r\n## Injected"]
    });
    let dir = scratch("inject");
    let p = dir.join("inject.json");
    std::fs::write(&p, v.to_string()).unwrap();
    let ps = p.display().to_string();
    let base = ["report", "--from-loadgen", &ps, "--allow-overloaded"];
    let out = |fmt: &str| {
        let mut a = base.to_vec();
        a.extend(["--format", fmt]);
        let o = run(&a);
        assert!(
            o.status.success(),
            "{fmt}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let csv = out("csv");
    for line in csv.lines() {
        // Every line is a comment or a row; no cell of a row starts a formula.
        if !line.starts_with('#') {
            for cell in line.split(',') {
                let c = cell.trim_start_matches('"');
                let formula = |c: &str| {
                    let signed = c.starts_with('-') && c.len() > 1 && c.parse::<Decimal>().is_err();
                    c.starts_with(['=', '+', '@']) || signed
                };
                assert!(!formula(c), "formula cell {cell:?} in {line:?}");
            }
        }
    }
    assert!(
        csv.contains("# warning: ") && csv.contains("=HYPERLINK"),
        "{csv}"
    );
    let md = out("md");
    assert!(!md.contains("<script>") && !md.contains("<b>"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
    assert!(
        !md.lines()
            .any(|l| l.starts_with("## Injected") || l.starts_with("# <")),
        "{md}"
    );
    let table = out("table");
    assert!(
        !table
            .lines()
            .any(|l| l.starts_with("## Injected") || l.starts_with("=1+1")),
        "{table}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `prices fetch` from mutated Price List and Savings Plans files: refused in one line, or a
/// snapshot that `report` then prices sanely.
#[test]
fn price_list_and_savings_plans_files() {
    let dir = scratch("price-list");
    let pricing: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(DATA).join("aws/pricing"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        v.sort();
        v
    };
    let sp = Path::new(DATA).join("aws/savings-plans/us-east-1.json");
    let out = dir.join("fetched.toml");
    let mut rng = Rng(0x5eed_0008);
    for case in 0..80 {
        // Mutate one file: a Price List one, or the Savings Plans one (index = len).
        let which = rng.below(pricing.len() + 1);
        let mut args: Vec<String> = vec!["prices".into(), "fetch".into()];
        for (i, f) in pricing.iter().chain([&sp]).enumerate() {
            let path = if i == which {
                let m = dir.join(format!("mutated-{i}.json"));
                let valid = std::fs::read_to_string(f).unwrap();
                let bytes = if rng.below(2) == 0 {
                    usd_mutation(&valid, &mut rng)
                } else {
                    mutate(&valid, &mut rng)
                };
                std::fs::write(&m, bytes).unwrap();
                m
            } else {
                f.clone()
            };
            let flag = if i < pricing.len() {
                "--price-list-file"
            } else {
                "--savings-plans-file"
            };
            args.extend([flag.into(), path.display().to_string()]);
        }
        args.extend(["--out".into(), out.display().to_string()]);
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&a);
        let label = format!("price list case {case}");
        if o.status.success() {
            let os = out.display().to_string();
            let r = ["report", "--prices", &os, "--format", "json"];
            check(&label, &r, &run(&r));
        } else {
            let code = o.status.code();
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                matches!(code, Some(1) | Some(2)) && err.trim_end().lines().count() == 1,
                "{label}: exit {code:?}: {err}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A Price List's prices are JSON inside JSON strings (`\"USD\":\"0.02\"`), out of reach of the
/// field mutation: one of them, or a Savings Plans rate, set to a hostile figure.
fn usd_mutation(valid: &str, rng: &mut Rng) -> Vec<u8> {
    const PRICES: [&str; 6] = [
        "999999999999999999999999999",
        "1e27",
        "-1",
        "1e-30",
        "",
        "x",
    ];
    let keys = [r#"\"USD\":\""#, r#""price": ""#];
    let at: Vec<usize> = keys
        .iter()
        .flat_map(|k| valid.match_indices(k).map(move |(i, _)| i + k.len()))
        .collect();
    if at.is_empty() {
        return valid.as_bytes().to_vec();
    }
    let s = at[rng.below(at.len())];
    let e = s + valid[s..].find(['\\', '"']).unwrap_or(0);
    let p = PRICES[rng.below(PRICES.len())];
    format!("{}{p}{}", &valid[..s], &valid[e..]).into_bytes()
}
