# The HTML report in a real browser: headless Chromium (Debian's package) loads a report priced
# from a real loadgen run (reports/example), renders it at desktop and at phone width, and the
# rendered DOM must hold every section, chart and table with the report's own figures; Chromium's
# network log must show no request beyond the file itself, and its log no console message.
# Screenshots of the last run stay in target/report-check/ for a person to look at.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
need_cmd chromium chromium

target=${CARGO_TARGET_DIR:-$ROOT/target}
bin=$target/debug/costcalc
[ -x "$bin" ] || cargo build -q -p costcalc
work=$TEST_WORK/report-browser
keep=$target/report-check
mkdir -p "$work" "$keep"
summary=reports/example/loadgen/summary.json
price=(--from-loadgen "$summary")
# The Lambda memory sweep, when the example has one (scripts/demo runs it where cgroups allow).
tune=reports/example/tune/tune.json
[ -f "$tune" ] && price+=(--lambda-tune "$tune")
"$bin" report "${price[@]}" --format html >"$work/report.html"
"$bin" report "${price[@]}" --format json >"$work/report.json"

# Closed network here: no background networking, no component updates, a fresh profile each time.
browse() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --user-data-dir="$(mktemp -d "$work/profile.XXXX")" "$@"
}
url="file://$work/report.html"
browse --enable-logging=stderr --log-net-log="$work/netlog.json" --dump-dom "$url" \
  >"$work/dom.html" 2>"$work/chromium.log"
# The detector must see a request when there is one: a page that loads an image from loopback.
printf '<!doctype html><img src="http://127.0.0.1:9/probe.png">' >"$work/probe.html"
browse --log-net-log="$work/probe-netlog.json" --dump-dom "file://$work/probe.html" >/dev/null 2>&1
browse --window-size=1280,2000 --screenshot="$keep/desktop.png" "$url" >/dev/null 2>&1
browse --window-size=390,2000 --screenshot="$keep/phone.png" "$url" >/dev/null 2>&1

python3 - "$work" "$keep" <<'PY'
import json, os, re, sys
work, keep = sys.argv[1], sys.argv[2]
dom = open(f"{work}/dom.html").read()
report = json.load(open(f"{work}/report.json"))
summary = json.load(open("reports/example/loadgen/summary.json"))
fails = []
def check(ok, what):
    if not ok:
        fails.append(what)
sections = ["answer", "breakdown", "breakeven", "run", "latency", "traffic", "inputs", "assumptions"]
if summary.get("windows"):
    sections.append("latency-over-time")
tuned = os.path.exists("reports/example/tune/tune.json")
if tuned:
    sections.append("lambda-sweep")
for section in sections:
    check(f'id="{section}"' in dom, f"section #{section} rendered")
charts = 3 + (1 if summary.get("windows") else 0) + (1 if tuned else 0)
if tuned:
    sweep = dom[dom.find('id="lambda-sweep"'):]
    tune = json.load(open("reports/example/tune/tune.json"))
    for size in tune["sizes"]:
        check(f'<td class="num">{size["memory_mb"]}</td>' in sweep,
              f'sweep row for {size["memory_mb"]} MB')
check(dom.count("<svg") == charts, f"{charts} charts rendered (found {dom.count('<svg')})")
check(dom.count("<table") >= 6, "the tables rendered")
cheapest = report["cheapest"]
by_name = {d["name"]: d for d in report["deployments"]}
answer = dom[dom.find('class="answer"'):][:600]
check(f'${by_name[cheapest]["total_usd"]}' in answer, "the answer names the cheapest total")
for d in report["deployments"]:
    check(f'${d["total_usd"]}' in dom, f'{d["name"]} total in the page')
    for item in d["line_items"]:
        check(item["name"].replace("&", "&amp;") in dom, f'line item {item["name"]!r}')
requests = f'{int(report["workload"]["requests_per_month"]):,}'
check(f"this workload: {requests} req/mo" in dom, "the measured traffic marked on the chart")
# Nothing requested on the page's behalf. Chromium's own background requests (its clock, its
# account check) are in the log too: a page's requests carry the page's site (file://) in their
# network isolation key, the browser's do not.
def page_requests(path):
    net = json.load(open(path))
    kinds = {v: k for k, v in net["constants"]["logEventTypes"].items()}
    return sorted({
        e["params"]["url"] for e in net["events"]
        if kinds.get(e["type"]) == "URL_REQUEST_START_JOB"
        and "file://" in e.get("params", {}).get("network_isolation_key", "")
    })
check(page_requests(f"{work}/probe-netlog.json") == ["http://127.0.0.1:9/probe.png"],
      "the request detector sees a page's request")
requested = page_requests(f"{work}/netlog.json")
check(not requested, f"no network request from the page (saw {requested})")
log = open(f"{work}/chromium.log").read()
console = [l for l in log.splitlines() if "CONSOLE" in l]
check(not console, f"no console message (saw {console[:3]})")
for shot in ["desktop.png", "phone.png"]:
    with open(f"{keep}/{shot}", "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"{shot} written")
if fails:
    print("report browser check FAILED:\n  " + "\n  ".join(fails))
    sys.exit(1)
print(f"report rendered in Chromium: every section, {charts} charts, {len(report['deployments'])} breakdowns, "
      f"no network request, no console message; screenshots in {keep}")
PY

# The comparison page (`report --compare`) from the committed compare fixtures: every section,
# a chart per deployment and a sweep per implementation rendered, and nothing fetched.
data=costcalc/tests/data/compare
"$bin" report --compare "rust=$data/rust.json,$data/rust-tune.json" \
  "python=$data/python.json,$data/python-tune.json" --requests-per-month 1e8 --peak-rps 100 \
  --format html >"$work/compare.html"
browse --enable-logging=stderr --log-net-log="$work/compare-netlog.json" --dump-dom \
  "file://$work/compare.html" >"$work/compare-dom.html" 2>"$work/compare-chromium.log"
browse --window-size=1280,2400 --screenshot="$keep/compare.png" "file://$work/compare.html" >/dev/null 2>&1
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
dom = open(f"{work}/compare-dom.html").read()
fails = []
for section in ["answer", "deployments", "chart-ec2", "chart-fargate", "chart-lambda", "lambda-sweeps", "sources"]:
    if f'id="{section}"' not in dom:
        fails.append(f"section #{section} rendered")
if dom.count("<svg") != 5:
    fails.append(f"5 charts rendered (found {dom.count('<svg')})")
# The totals worked by hand in costcalc/tests/it/compare.rs.
for total in ["$37.63", "$91.20", "$81.54", "$223.52"]:
    if total not in dom:
        fails.append(f"{total} in the page")
net = json.load(open(f"{work}/compare-netlog.json"))
kinds = {v: k for k, v in net["constants"]["logEventTypes"].items()}
requested = sorted({e["params"]["url"] for e in net["events"]
                    if kinds.get(e["type"]) == "URL_REQUEST_START_JOB"
                    and "file://" in e.get("params", {}).get("network_isolation_key", "")})
if requested:
    fails.append(f"no network request from the page (saw {requested})")
if fails:
    print("compare page browser check FAILED:\n  " + "\n  ".join(fails))
    sys.exit(1)
print("compare page rendered in Chromium: 3 deployment charts, 2 sweeps, the worked totals, no network request")
PY
