//! Putting it together: operations grouped by tag and ordered (creates, reads, updates,
//! deletes), path parameters bound to the ids creates save, the sign-in, the TOML text.

use super::auth::{self, Auth};
use super::doc::{self, Doc, Version};
use super::emit::{self, Journey, one_line};
use super::ops::{self, Op};
use super::{MAX_OPERATIONS, SpecError};
use crate::scenario::MAX_SCENARIO_BYTES;
use std::collections::{BTreeMap, BTreeSet};

/// The scenario's limits (`crate::scenario`'s check): steps per list, journeys per file.
const MAX_STEPS: usize = 100;
const MAX_JOURNEYS: usize = 100;
/// How deep a chain of creates (a user, then its post, then its comment) is followed.
const MAX_CHAIN: usize = 8;

/// A starter scenario and what to tell its reader.
#[derive(Clone, Debug)]
pub struct Starter {
    pub toml: String,
    pub journeys: usize,
    pub steps: usize,
    /// Lines marked TODO in the text.
    pub todos: usize,
    /// References that could not be followed (their values are left out).
    pub unresolved: usize,
}

/// Who creates what: the saved name of each bound `{param}` and the create that saves it.
struct Binding {
    /// (operation, path parameter) -> saved name.
    uses: BTreeMap<(usize, String), String>,
    /// saved name -> (create operation, pointer to the id in its answer).
    creates: BTreeMap<String, (usize, String)>,
}

/// The starter for the document `text`.
pub fn starter(text: &str) -> Result<Starter, SpecError> {
    let doc = doc::parse(text)?;
    let ops = ops::collect(&doc, MAX_OPERATIONS).map_err(|found| SpecError::TooMany {
        what: "operations",
        found,
        max: MAX_OPERATIONS,
    })?;
    if ops.is_empty() {
        return Err(SpecError::NoOperations);
    }
    let mut unresolved = 0;
    let auth = auth::sign_in(&doc, &ops, &mut unresolved);
    let binding = bind(&doc, &ops);
    let used: Vec<usize> = auth.as_ref().map_or(Vec::new(), |a| a.used.clone());
    let mut journeys = Vec::new();
    let mut names = BTreeSet::new();
    for (tag, members) in by_tag(&ops, &used) {
        let order = assemble(&ops, &members, &binding, &used);
        let secured = auth.is_some() && order.iter().any(|i| ops[*i].secured);
        let comment = tag_comment(&doc, &tag);
        for (part, chunk) in order.chunks(MAX_STEPS).enumerate() {
            let name = journey_name(&tag, part, &mut names);
            let steps = steps(
                &doc,
                &ops,
                chunk,
                &binding,
                secured,
                auth.as_ref(),
                &mut unresolved,
            );
            journeys.push(Journey {
                name,
                comment: comment.clone(),
                session: secured,
                steps,
            });
        }
    }
    if journeys.len() > MAX_JOURNEYS {
        return Err(SpecError::TooMany {
            what: "journeys (tags)",
            found: journeys.len(),
            max: MAX_JOURNEYS,
        });
    }
    let header = header(&doc, unresolved);
    let session = auth.as_ref().map(|a| &a.session);
    let toml = emit::write(&header, session, &journeys);
    if toml.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(SpecError::TooLarge(toml.len(), MAX_SCENARIO_BYTES));
    }
    Ok(Starter {
        todos: toml.matches("TODO").count(),
        journeys: journeys.len(),
        steps: journeys.iter().map(|j| j.steps.len()).sum::<usize>()
            + session.map_or(0, |s| s.sign_in.len() + s.logout.len()),
        unresolved,
        toml,
    })
}

fn bind(doc: &Doc, ops: &[Op]) -> Binding {
    let mut b = Binding {
        uses: BTreeMap::new(),
        creates: BTreeMap::new(),
    };
    let mut by_collection: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (i, o) in ops.iter().enumerate() {
        for p in ops::path_params(&o.path) {
            let Some(coll) = ops::collection_of(&o.path, &p) else {
                continue;
            };
            let var = by_collection.entry(coll.clone()).or_insert_with(|| {
                let c = ops
                    .iter()
                    .position(|c| c.method == "post" && c.path.trim_end_matches('/') == coll)?;
                let pointer = ops::id_pointer(doc, ops[c].op, &p)?;
                let last = coll.rsplit('/').next().unwrap_or("");
                let raw = if p.eq_ignore_ascii_case("id") {
                    format!("{last}_id")
                } else {
                    p.clone()
                };
                let mut var = ops::var_name(&raw);
                let mut n = 2;
                while b.creates.contains_key(&var) {
                    var = ops::var_name(&format!("{raw}_{n}"));
                    n += 1;
                }
                b.creates.insert(var.clone(), (c, pointer));
                Some(var)
            });
            if let Some(v) = var {
                b.uses.insert((i, p), v.clone());
            }
        }
    }
    b
}

/// Tags in the order their first operation appears, each with its operations.
fn by_tag(ops: &[Op], used: &[usize]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, o) in ops.iter().enumerate().filter(|(i, _)| !used.contains(i)) {
        match out.iter_mut().find(|(t, _)| *t == o.tag) {
            Some((_, members)) => members.push(i),
            None => out.push((o.tag.clone(), vec![i])),
        }
    }
    out
}

/// Creates first (outer before nested), then reads, updates, deletes (nested before outer).
fn rank(o: &Op) -> (u8, i64) {
    let depth = o.path.matches('/').count() as i64;
    let item = o.path.trim_end_matches('/').ends_with('}');
    match (o.method, item) {
        ("post", false) => (0, depth),
        ("get", false) => (1, depth),
        ("get" | "head" | "options", true) => (2, depth),
        ("delete", _) => (4, -depth),
        _ => (3, depth),
    }
}

/// The journey's operations in order, with the creates its `{param}`s need placed before them
/// (from another tag when that is where the create is).
fn assemble(ops: &[Op], members: &[usize], b: &Binding, used: &[usize]) -> Vec<usize> {
    let mut sorted = members.to_vec();
    sorted.sort_by_key(|i| (rank(&ops[*i]), *i));
    let mut out = Vec::new();
    let mut saved = BTreeSet::new();
    for i in sorted {
        place(i, ops, b, used, &mut out, &mut saved, 0);
    }
    out
}

fn place(
    i: usize,
    ops: &[Op],
    b: &Binding,
    used: &[usize],
    out: &mut Vec<usize>,
    saved: &mut BTreeSet<String>,
    depth: usize,
) {
    if out.contains(&i) {
        return;
    }
    if depth < MAX_CHAIN {
        for p in ops::path_params(&ops[i].path) {
            let Some(v) = b.uses.get(&(i, p)) else {
                continue;
            };
            if let Some((c, _)) = b.creates.get(v)
                && !saved.contains(v)
                && *c != i
                && !used.contains(c)
            {
                place(*c, ops, b, used, out, saved, depth + 1);
            }
        }
    }
    out.push(i);
    saved.extend(
        b.creates
            .iter()
            .filter(|(_, (c, _))| *c == i)
            .map(|(v, _)| v.clone()),
    );
}

fn steps(
    doc: &Doc,
    ops: &[Op],
    order: &[usize],
    b: &Binding,
    secured: bool,
    auth: Option<&Auth>,
    unresolved: &mut usize,
) -> Vec<emit::Step> {
    let needed: BTreeSet<&String> = b
        .uses
        .iter()
        .filter(|((j, _), _)| order.contains(j))
        .map(|(_, v)| v)
        .collect();
    let mut saved: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for &i in order {
        let o = &ops[i];
        let lookup = |p: &str| {
            b.uses
                .get(&(i, p.to_string()))
                .filter(|v| saved.contains(*v))
                .cloned()
        };
        let mut step = ops::step(doc, o, &lookup, unresolved);
        if o.method == "delete"
            && let Some(last) = ops::path_params(&o.path).pop()
            && o.path.trim_end_matches('/').ends_with('}')
            && let Some(v) = lookup(&last)
        {
            step.unset.push(v);
        }
        for (v, (c, pointer)) in &b.creates {
            if *c == i && needed.contains(v) {
                step.save.push((v.clone(), pointer.clone()));
                saved.insert(v.clone());
            }
        }
        if secured && let Some(key) = auth.and_then(|a| a.query_key.as_ref()) {
            step.query.push((key.clone(), "{token}".into()));
        }
        out.push(step);
    }
    out
}

fn journey_name(tag: &str, part: usize, names: &mut BTreeSet<String>) -> String {
    let base = ops::var_name(&tag.to_ascii_lowercase())
        .trim_matches('_')
        .to_string();
    let base = if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("j_{base}")
    } else {
        base
    };
    let mut name = if part == 0 {
        base.clone()
    } else {
        format!("{base}-{}", part + 1)
    };
    let mut n = 2;
    while names.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    names.insert(name.clone());
    name
}

fn tag_comment(doc: &Doc, tag: &str) -> String {
    let desc = doc.root["tags"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["name"] == tag))
        .and_then(|t| t["description"].as_str())
        .unwrap_or("");
    let desc = if desc.is_empty() {
        String::new()
    } else {
        format!(": {}", one_line(desc))
    };
    format!("The operations tagged '{}'{desc}", one_line(tag))
}

fn header(doc: &Doc, unresolved: usize) -> Vec<String> {
    let info = &doc.root["info"];
    let kind = match doc.version {
        Version::Swagger2 => "Swagger 2.0".to_string(),
        Version::OpenApi3 => format!(
            "OpenAPI {}",
            one_line(doc.root["openapi"].as_str().unwrap_or("3"))
        ),
    };
    let mut lines = vec![
        format!(
            "A starter scenario from '{}' {} ({kind}), written by `loadgen scenario init`.",
            one_line(info["title"].as_str().unwrap_or("an API")),
            one_line(info["version"].as_str().unwrap_or(""))
        ),
        "Check it with `loadgen scenario check FILE`; play each journey once with `loadgen scenario try FILE --host URL`.".into(),
        "Every journey has weight 1: give each the share of your traffic it has. Bodies are the document's".into(),
        "examples, else made from its types; an id a create returns is saved and used by the paths after it.".into(),
    ];
    if unresolved > 0 {
        lines.push(format!("{unresolved} references could not be followed (another file, missing or a cycle): their values are left out."));
    }
    lines
}
