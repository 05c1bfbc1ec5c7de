#!/usr/bin/env python3
"""Import circles between the top-level modules of each crate: exit 1 naming every circle.

A crate's top-level modules are the `mod NAME;` items of src/lib.rs (or src/main.rs). A file under
src/NAME.rs or src/NAME/ belongs to module NAME; it depends on module OTHER when its non-test code
names `crate::OTHER` (in a `use` or a path). Test code (files named tests.rs or *_tests.rs, and
everything after a `#[cfg(test)]` line) is left out: tests may look anywhere.

    scripts/lib/import_circles.py [--edges] CRATE_DIR...   (default: every workspace member)
"""
import re
import sys
from pathlib import Path

MOD_RE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;", re.M)
PATH_RE = re.compile(r"\bcrate::(?:\{([^}]*)\}|([a-z_][a-z0-9_]*))")
# `use crate::{a::X, b}` names several modules at once; a nested group's heads are what count.
GROUP_HEAD_RE = re.compile(r"(?:^|,)\s*([a-z_][a-z0-9_]*)")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def production_code(path):
    if path.name == "tests.rs" or path.name.endswith("_tests.rs"):
        return ""
    text = path.read_text(encoding="utf-8", errors="replace")
    cut = text.find("#[cfg(test)]")
    return strip_comments(text if cut < 0 else text[:cut])


def top_group_heads(group):
    """The first segment of each item of a `{...}` group, ignoring nested groups' contents."""
    depth, flat = 0, []
    for ch in group:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            flat.append(ch)
    return GROUP_HEAD_RE.findall("".join(flat))


def crate_edges(crate):
    src = Path(crate) / "src"
    root = src / "lib.rs" if (src / "lib.rs").exists() else src / "main.rs"
    modules = set(MOD_RE.findall(strip_comments(root.read_text(encoding="utf-8"))))
    edges = {m: set() for m in modules}
    for path in sorted(src.rglob("*.rs")):
        rel = path.relative_to(src).parts
        owner = rel[0][:-3] if len(rel) == 1 else rel[0]
        if owner not in modules:
            continue
        code = production_code(path)
        for match in PATH_RE.finditer(code):
            group, single = match.groups()
            heads = top_group_heads(group) if group is not None else [single]
            for head in heads:
                if head in modules and head != owner:
                    edges[owner].add(head)
    return edges


def circles(edges):
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def workspace_members(root):
    text = (root / "Cargo.toml").read_text(encoding="utf-8")
    block = re.search(r"members\s*=\s*\[([^\]]*)\]", text)
    return [root / m for m in re.findall(r'"([^"]+)"', block.group(1))] if block else []


def main(argv):
    show_edges = "--edges" in argv
    args = [a for a in argv if a != "--edges"]
    crates = [Path(a) for a in args] or workspace_members(Path(__file__).resolve().parents[2])
    bad = 0
    for crate in crates:
        edges = crate_edges(crate)
        if show_edges:
            for m in sorted(edges):
                print(f"{crate.name}: {m} -> {', '.join(sorted(edges[m])) or '-'}")
        for comp in circles(edges):
            bad += 1
            arrows = "; ".join(
                f"{m} -> {', '.join(sorted(edges[m] & set(comp)))}" for m in comp
            )
            print(f"{crate.name}: import circle between {', '.join(comp)} ({arrows})")
    if bad:
        print(f"{bad} import circle(s); make the modules depend in one direction", file=sys.stderr)
        return 1
    print(f"no import circle in {', '.join(c.name for c in crates)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
