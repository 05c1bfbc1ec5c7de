"""The final table of scripts/bench-loadgen: the tools side by side, the ratios of this run and
the targets of issue #15, met or missed. Reads KEY=VALUE arguments (figures the script measured;
an empty value is a figure not measured), prints the table, and writes it as JSON to the path in
the `json` argument when one is given.

    python3 scripts/bench/report.py common_rate=300 wrk_rps=61000 ... json=bench.json
"""

import json
import sys

# (target name, figure, comparison, bound, unit): issue #15's targets.
TARGETS = [
    ("loadgen no-drop rate / Locust closed-loop rate", "ratio_locust", ">=", 5.0, "x"),
    ("loadgen CPU per request / reqwest alone's", "ratio_cpu_reqwest", "<=", 2.0, "x"),
    ("loadgen timing error p99 at the timing rate", "lg_timing_p99_ms", "<=", 5.0, "ms"),
    ("HDR histograms' cost per request (post-run build + encoding)", "hdr_us_per_request", "<=", 1.0, "us"),
]


def num(v):
    """A figure as a float, None when not measured."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def ratio(a, b):
    # Unrounded: a verdict must not turn on display rounding (4.997x is not 5x).
    return a / b if a is not None and b else None


def derive(f):
    """The ratios and verdicts computed from one run's figures (pure)."""
    g = {k: num(v) for k, v in f.items() if k not in ("date", "load", "json")}
    d = {
        "ratio_locust": ratio(g.get("lg_good"), g.get("locust_rps")),
        "ratio_cpu_reqwest": ratio(g.get("lg_us"), g.get("reqwest_us")),
        "ratio_wrk": ratio(g.get("lg_good"), g.get("wrk_rps")),
        "lg_timing_p99_ms": g.get("lg_timing_p99_ms"),
        "hdr_us_per_request": g.get("hdr_us_per_request"),
    }
    verdicts = []
    for name, key, op, bound, unit in TARGETS:
        v = d[key]
        met = None if v is None else (v >= bound if op == ">=" else v <= bound)
        verdicts.append({"target": f"{name} {op} {bound:g} {unit}", "value": v, "met": met})
    return d, verdicts


def fmt(v, suffix=""):
    if v is None:
        return "-"
    return f"{v:,.0f}{suffix}" if abs(v) >= 100 else f"{round(v, 2):g}{suffix}"


def failed(n):
    """A closed loop's or Artillery's failures, said only when there were some."""
    return f" ({fmt(n)} FAILED)" if n else ""


def table(f, d, verdicts):
    g = {k: num(v) for k, v in f.items()}
    rate = fmt(g.get("common_rate"))
    timing_rate = fmt(g.get("timing_rate"))
    lines = [
        f"== bench-loadgen {f.get('date', '')}: load average {f.get('load', '?')}",
        f"| Tool | Highest rate, nothing dropped or failed (req/s) | CPU us/request | p99 at {rate} req/s (ms) |",
        "|---|---|---|---|",
        f"| wrk -t2 -c64 (closed loop) | {fmt(g.get('wrk_rps'))} | {fmt(g.get('wrk_us'))} | {fmt(g.get('wrk_p99_ms'))} (paced) |",
        f"| reqwest alone (closed loop) | {fmt(g.get('reqwest_rps'))} | {fmt(g.get('reqwest_us'))} | not recorded |",
        f"| loadgen (open model) | {fmt(g.get('lg_good'))} (first drop at {fmt(g.get('lg_bad'))}) | {fmt(g.get('lg_us'))} | {fmt(g.get('lg_p99_ms'))} |",
        f"| Locust FastHttpUser, 1 process (closed loop, {fmt(g.get('locust_users'))} users) | {fmt(g.get('locust_rps'))}{failed(g.get('locust_failed'))} | {fmt(g.get('locust_us'))} | {fmt(g.get('locust_p99_ms'))} (paced) |",
        f"| Artillery (asked {fmt(g.get('art_ask'))}/s: achieved) | {fmt(g.get('art_rps'))}{failed(g.get('art_failed'))} | {fmt(g.get('art_us'))} | {fmt(g.get('art_p99_ms'))} (achieved {fmt(g.get('art_common_rps'))}/s) |",
        "",
        f"loadgen / wrk: {fmt(d['ratio_wrk'], 'x')} (the withdrawn >= 0.5x target, for reference)",
        f"loadgen timing error p99: {fmt(g.get('lg_timing100_ms'))} ms at 100 req/s, "
        f"{fmt(g.get('lg_timing_p99_ms'))} ms at {timing_rate} req/s "
        f"({fmt(g.get('lg_timing_dropped'))} arrivals dropped there)",
        f"machine busy: {fmt(g.get('lg_bad_busy'))} of 2 cores in loadgen's first failing step (other work "
        f"{fmt(g.get('lg_bad_others'))}), {fmt(g.get('lg_timing_busy'))} at {timing_rate} req/s (other work "
        f"{fmt(g.get('lg_timing_others'))}); the server's CPU per request at loadgen's top rate: "
        f"{fmt(g.get('lg_server_us'))} us",
    ]
    hdr = [(r, g.get(f"hdr_ns_{r:g}")) for r in (100, g.get("common_rate"), g.get("timing_rate")) if r]
    lines.append("HDR histograms per request (post-run build + encoding): "
                 + ", ".join(f"{v / 1000:.2f} us at {fmt(r)} req/s" for r, v in hdr if v is not None)
                 + " (the target is judged at the costliest)")
    for v in verdicts:
        state = "not measured" if v["met"] is None else ("met" if v["met"] else "MISSED")
        value = "-" if v["value"] is None else f"{v['value']:.4g}"
        lines.append(f"target: {v['target']}: {value} -> {state}")
    return "\n".join(lines)


def main(argv):
    f = dict(a.split("=", 1) for a in argv)
    d, verdicts = derive(f)
    print(table(f, d, verdicts))
    if f.get("json"):
        doc = {"figures": {k: v for k, v in f.items() if k != "json"}, "derived": d, "targets": verdicts}
        with open(f["json"], "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=2)
        print(f"written: {f['json']}")


if __name__ == "__main__":
    main(sys.argv[1:])
