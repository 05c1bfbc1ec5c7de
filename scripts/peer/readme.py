"""reports/compare-fastapi/README.md from what scripts/compare-peer wrote: the monthly cost per
deployment at three volumes, the runs' CPU and latency, the Lambda sweeps (billed ms per route,
cold start, Max Memory Used per size) and the blog's claims beside them.

Usage: python3 scripts/peer/readme.py OUT PEER_COMMIT RUN_DURATION [quick] > OUT/README.md
"""

import json
import os
import sys

out, commit, duration = sys.argv[1], sys.argv[2], sys.argv[3]
quick = len(sys.argv) > 4 and sys.argv[4] == "quick"
NAMES = ["fastapi", "journal-api"]


def load(*path):
    p = os.path.join(out, *path)
    return json.load(open(p)) if os.path.exists(p) else None


def usd(s):
    return f"${float(s):,.2f}"


def ms(x):
    return "-" if x is None else f"{x:,.1f}"


lines = []
say = lines.append
say("# The seed's FastAPI journal API beside journal-api")
say("")
if quick:
    say("> Measured with `--quick` (shorter runs, three memory sizes). Run `scripts/compare-peer "
        "PEER_CHECKOUT` without it for the full sweep.")
    say("")
cpu = next((t["machine"]["cpu_model"] for t in
            (load("tune", n, "tune.json") for n in NAMES) if t), "this machine's processor")
say(f"Measured by `scripts/compare-peer` on a shared 2-core {cpu} against "
    f"[ntanwir10/python-journal-api](https://github.com/ntanwir10/python-journal-api) at commit "
    f"`{commit}` (FastAPI, SQLAlchemy, passlib bcrypt; on Lambda through Mangum and awslambdaric, "
    f"scripts/peer/fastapi_lambda.py). Both on one throwaway PostgreSQL, the same scenario "
    f"(loadgen/scenarios/examples/fastapi-journal.toml, seed 25), steady 5 req/s for {duration}. "
    f"Prices: costcalc's bundled us-east-1 snapshot. Route differences: "
    f"scripts/peer/fastapi-journal.toml.")
say("")

say("## Monthly cost per deployment")
say("")
say("| Requests a month | Deployment | FastAPI | journal-api | Difference | Ratio |")
say("|---|---|--:|--:|--:|--:|")
for label, volume in [("10k", "10,000"), ("1m", "1,000,000"), ("100m", "100,000,000")]:
    c = load(f"compare-{label}.json")
    if c is None:
        say(f"| {volume} | (not priced) | | | | |")
        continue
    for r in c["rows"]:
        t = {x["implementation"]: x["total_usd"] for x in r["totals_usd"]}
        name = {"ec2": "EC2", "fargate": "ECS Fargate", "lambda": "Lambda",
                "cheapest": "cheapest of each"}[r["deployment"]]
        say(f"| {volume} | {name} | {usd(t['fastapi'])} | {usd(t['journal-api'])} | "
            f"{usd(r['difference_usd'])} | {r['ratio'] or '-'}x |")
say("")
say("100 million a month (38 req/s on average) is priced with a peak of 76.1 req/s (twice the "
    "average); 10 thousand and 1 million with the runs' own peak. Lambda's memory size is the cheapest whose p99 is within 1 s (`--lambda-memory-mb auto --p99-slo 1000`: the peer's bcrypt login passes the default 500 ms at every size). Full reports: compare.md, "
    "compare.html, compare.json (at the runs' volume), compare-10k/1m/100m.json.")
say("")

say("## What the runs measured (uvicorn, one worker; journal-api serve)")
say("")
say("| | FastAPI | journal-api |")
say("|---|--:|--:|")
runs = {n: load("runs", n, "summary.json") for n in NAMES}


def cell(n, f):
    s = runs[n]
    try:
        return f(s)
    except (KeyError, TypeError, ZeroDivisionError):
        return "-"


rows = [
    ("Requests (failures)", lambda s: f"{s['totals']['count']:,} ({s['totals']['failures']})"),
    ("API CPU per request (ms)",
     lambda s: f"{s['server']['api_cpu_s'] * 1000 / s['server']['requests']:.2f}"),
    ("Database CPU per request (ms)",
     lambda s: f"{s['server']['db_cpu_s'] * 1000 / s['server']['requests']:.2f}"),
    ("Client latency p50 / p99 (ms)",
     lambda s: f"{s['totals']['latency_ms']['p50']:.1f} / {s['totals']['latency_ms']['p99']:.1f}"),
    ("Dropped / failed arrivals", lambda s: f"{s['arrivals']['dropped']} / {s['arrivals']['failed']}"),
    ("Failed requests by route and status", lambda s: "; ".join(
        f"{e['method']} {e['route']}: " + ", ".join(
            f"{n} x {c}" for c, n in e.get("status_codes", {}).items() if not c.startswith("2"))
        for e in s["endpoints"] if e.get("failures")) or "none"),
    ("Overload detected (loadgen's verdict)", lambda s: "yes: " + "; ".join(s["overload"]["reasons"])
     if s.get("overload", {}).get("detected") else "no"),
]
for label, f in rows:
    say(f"| {label} | {cell('fastapi', f)} | {cell('journal-api', f)} |")
say("")
if cell("fastapi", lambda s: next(e for e in s["endpoints"] if e["route"] ==
                                   "/api/v1/entries/{id}" and e.get("failures"))) != "-":
    say("The peer failed reads of one entry. They are not the race of earlier runs: the peer's "
        "list has no ORDER BY, so the reader now reads the entry its own account seeded (saved "
        "in the setup), which no writer edits or deletes; the run's summary.json says what each "
        "failure was. Both are priced with `--allow-overloaded`; costcalc repeats loadgen's "
        "verdict among the warnings.")
    say("")

say("## Lambda: each memory size")
say("")
tunes = {n: load("tune", n, "tune.json") for n in NAMES}
if not any(tunes.values()):
    say("No sweep in this folder (`loadgen tune` did not run or did not finish): Lambda is "
        "priced from the runs' server time per route.")
for n in NAMES:
    t = tunes[n]
    if t is None:
        continue
    say(f"### {n}")
    say("")
    routes = []
    for s in t["sizes"]:
        for r in s.get("routes", []):
            k = f"{r['method']} {r['route']}"
            if k not in routes:
                routes.append(k)
    say(f"`{t.get('function', '?')}`; each route: duration p50 / p99 (billed mean), ms.")
    say("")
    say("| MB | INIT p50 / p99 (ms) | cold start p50 / p99 (ms) | Max Memory Used (MB) | "
        + " | ".join(routes) + " |")
    say("|--:|--:|--:|--:|" + "--:|" * len(routes))
    for s in t["sizes"]:
        if not s.get("usable", True):
            say(f"| {s['memory_mb']} | unusable: {s.get('reason', '?')} | | | "
                + " | " * len(routes))
            continue
        init = s.get("init_ms") or {}
        cs = s.get("cold_start_ms") or {}
        mem = s.get("max_memory_used_mb", "not measured")
        cells = {f"{r['method']} {r['route']}":
                 f"{r['duration_ms']['p50']:.1f} / {r['duration_ms']['p99']:.1f} "
                 f"({r['billed_ms_mean']:.1f})" for r in s.get("routes", [])}
        say(f"| {s['memory_mb']} | {ms(init.get('p50'))} / {ms(init.get('p99'))} | "
            f"{ms(cs.get('p50'))} / {ms(cs.get('p99'))} | {mem} | "
            + " | ".join(cells.get(r, "-") for r in routes) + " |")
    say("")
say("Max Memory Used is the cgroup's peak, as Lambda's REPORT line prints it, where this "
    "loadgen measures it.")
say("")

say("## The blog's claims beside what was measured")
say("")
c10k = load("compare-10k.json")
lam = "-"
if c10k:
    lam = next(usd(x["total_usd"]) for r in c10k["rows"] if r["deployment"] == "lambda"
               for x in r["totals_usd"] if x["implementation"] == "fastapi")
cold = "-"
if tunes["fastapi"]:
    colds = [s["cold_start_ms"]["p50"] for s in tunes["fastapi"]["sizes"]
             if s.get("usable", True) and s.get("cold_start_ms")]
    if colds:
        cold = f"{min(colds):,.0f} to {max(colds):,.0f} ms (p50, across the usable sizes)"
p50 = cell("fastapi", lambda s: f"{s['totals']['latency_ms']['p50']:.1f} ms p50 on uvicorn")
if tunes["fastapi"]:
    warm = []
    for s in tunes["fastapi"]["sizes"]:
        if s.get("usable", True) and s.get("routes") and s["memory_mb"] in (512, 1024, 1769):
            d = sorted(r["duration_ms"]["p50"] for r in s["routes"])
            warm.append(f"{s['memory_mb']} MB {d[0]:.0f} to {d[-1]:.0f} ms")
    if warm:
        p50 += "; on Lambda, route p50s: " + ", ".join(warm)
say("| Claim (the blog) | Measured here (FastAPI) |")
say("|---|---|")
say(f"| Cold start 1-3 s | {cold} |")
say(f"| Warm responses 50-100 ms | {p50} |")
say(f"| Lambda about $15 a month at 10,000 requests | {lam} (Lambda deployment with API Gateway, "
    f"RDS Proxy and db.t4g.micro) |")
say("")
print("\n".join(lines))
