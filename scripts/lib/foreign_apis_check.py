"""The assertions of scripts/test.d/66-foreign-apis.sh on one proof: loadgen's summary.json of a
scenario run against an API this project did not write, and costcalc's report priced from it.

    foreign_apis_check.py NAME SUMMARY REPORT_JSON REPORT_TEXT PID [--route 'METHOD ROUTE=S,S']...
                          [--expect-reason 'METHOD ROUTE: REASON']...

Prints one `ok:`/`FAIL:` line per check, then the proof's figures on one line (`proof NAME: ...`);
exits 1 when a check failed. Standard library only (the stage runs it with the system python3).
"""

import argparse
import json
import sys
from decimal import Decimal

# costcalc's default --target-utilization: one vCPU is sized to serve requests / cpu x 0.6.
TARGET_UTILIZATION = Decimal("0.6")


def main():
    p = argparse.ArgumentParser()
    for name in ("name", "summary", "report_json", "report_text", "pid"):
        p.add_argument(name)
    p.add_argument("--route", action="append", default=[])
    p.add_argument("--expect-reason", action="append", default=[])
    a = p.parse_args()
    s = json.load(open(a.summary))
    report = json.load(open(a.report_json))
    text = open(a.report_text).read()
    fails = []

    def check(ok, what):
        print(("ok: " if ok else "FAIL: ") + f"{a.name}: {what}")
        if not ok:
            fails.append(what)

    arr = s["arrivals"]
    check(arr["scheduled"] > 0, f"{arr['scheduled']} arrivals scheduled")
    check(arr["sent"] + arr["dropped"] == arr["scheduled"] and arr.get("unsent", 0) == 0,
          f"every arrival sent or dropped: {arr['sent']} + {arr['dropped']} = {arr['scheduled']}")

    reasons = failures_by_reason(s)
    unexpected = {k: n for k, n in reasons.items() if k not in a.expect_reason}
    shown = ", ".join(f"{k} x{n}" for k, n in sorted(reasons.items())) or "none"
    check(not unexpected, f"no failure the scenario did not expect (failures by reason: {shown})")

    endpoints = {(e["method"], e["route"]): e for e in s["endpoints"]}
    for spec in a.route:
        (method, route), statuses = parse_route(spec)
        e = endpoints.get((method, route))
        seen = sorted((e or {}).get("status_codes", {}))
        check(e is not None and e["count"] > 0 and set(seen) <= statuses,
              f"{method} {route} played, answered only {'/'.join(sorted(statuses))} (seen: "
              f"{'/'.join(seen) or 'nothing'}, {e['count'] if e else 0} requests)")

    srv = s.get("server") or {}
    cpu = Decimal(str(srv.get("api_cpu_s", 0)))
    requests = Decimal(str(srv.get("requests", 0)))
    # A float in the file (600.0 with --server-pid), shown as counted.
    n = f"{requests.normalize():f}"
    check(srv.get("sources", {}).get("api_pid") == int(a.pid) and srv["sources"].get("api_cpu") == "proc",
          f"server CPU read from /proc for --server-pid {a.pid}")
    check(cpu > 0 and requests > 0, f"server CPU {cpu} s over {n} requests")
    per_request_ms = cpu / requests * 1000 if requests else Decimal(0)

    # costcalc's figure, worked here from the summary: requests / api_cpu_s x 0.6.
    want = requests / cpu * TARGET_UTILIZATION if cpu else Decimal(0)
    got = [i for i in report["inputs"] if i["figure"] == "Requests per second per vCPU"]
    origin = got[0]["origin"] if got else {}
    check(origin.get("kind") == "measured" and origin.get("from") == a.summary
          and "api_cpu_s" in origin.get("field", ""),
          f"the report's req/s per vCPU is {origin.get('kind')} ({origin.get('field')}) from {origin.get('from')}")
    priced = Decimal(report["workload"]["throughput_rps_per_vcpu"])
    check(cpu > 0 and abs(priced - want) <= want * Decimal("1e-9"),
          f"the report prices {priced:.4f} req/s per vCPU = {n} / {cpu} x 0.6 = {want:.4f}")
    value = got[0]["value"] if got else "?"
    check(f"one vCPU serves {value} req/s" in text, f"the text report names it: one vCPU serves {value} req/s")

    print(f"proof {a.name}: arrivals {arr['scheduled']} scheduled, {arr['sent']} sent, "
          f"{arr['dropped']} dropped; failures by reason: {shown}; server CPU "
          f"{per_request_ms:.3f} ms per request ({cpu} s over {n} requests); "
          f"priced at {value} req/s per vCPU")
    return 1 if fails else 0


def failures_by_reason(s):
    """Capture failures (summary v1.6 `failure_reasons`), transport errors and unexpected statuses,
    each as 'METHOD ROUTE: reason' -> count."""
    out, captured = {}, {}
    for r in s.get("failure_reasons", []):
        out[f"{r['method']} {r['route']}: {r['reason']}"] = r["count"]
        captured[(r["method"], r["route"])] = captured.get((r["method"], r["route"]), 0) + r["count"]
    for e in s["endpoints"]:
        key = f"{e['method']} {e['route']}"
        if e["transport_errors"]:
            out[f"{key}: transport error"] = e["transport_errors"]
        # A capture failure is a failed request too; what is left got a status it did not expect.
        rest = e["failures"] - e["transport_errors"] - captured.get((e["method"], e["route"]), 0)
        if rest > 0:
            out[f"{key}: unexpected status (seen {sorted(e['status_codes'])})"] = rest
    return out


def parse_route(spec):
    """'PATCH /posts/{id}=200' -> (('PATCH', '/posts/{id}'), {'200'})."""
    head, _, statuses = spec.rpartition("=")
    method, _, route = head.partition(" ")
    return (method, route), set(statuses.split(","))


if __name__ == "__main__":
    sys.exit(main())
