"""Issue 28's part A, row by row, against release binaries: what each hostile or broken input does.

    python3 scripts/lib/hostile_audit.py BIN_DIR WORK_DIR

BIN_DIR holds costcalc, loadgen and journal-api. Each case runs under a 4 GiB address-space limit
(the issue's `ulimit -v 4G`) and a time limit, and prints one row: id, exit status, peak resident
set, seconds, and what it said (first line) or the figure it printed. A row passes when the
program refused in one line with exit 1 or 2, or, where success is right, answered sanely; never a
panic (101), an abort (134), a hang, gigabytes of memory or a nonsense price with exit 0.
Used by scripts/hostile-audit; the table in docs/benchmarks/hostile-inputs.md is its output.
"""

import base64
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib

BIN, WORK = sys.argv[1], sys.argv[2]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = f"{ROOT}/costcalc/tests/data"
PRICES = f"{ROOT}/costcalc/prices/us-east-1.toml"
LIMIT_AS = 4 << 30
ROWS = []


def limit():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def run(args, timeout=60, stdout=None, signal_after=None):
    """Runs BIN/args[0] with the rest; exit code (or -signal, or 'hang'), peak RSS MB, seconds,
    stdout and stderr text."""
    exe = args[0] if args[0].startswith("/") else f"{BIN}/{args[0]}"
    out_path, err_path = f"{WORK}/out.txt", f"{WORK}/err.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    t0 = time.monotonic()
    with open(out_path, "wb") as o, open(err_path, "wb") as e:
        p = subprocess.Popen([exe, *args[1:]], stdout=stdout or o, stderr=e, stdin=subprocess.DEVNULL,
                             preexec_fn=limit, env=env)
        signalled = None
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            el = time.monotonic() - t0
            if signal_after and signalled is None and signal_after[0]():
                p.send_signal(signal_after[1])
                signalled = time.monotonic()
            if el > timeout:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                status = None
                break
            time.sleep(0.02)
    secs = time.monotonic() - (signalled or t0)
    if status is None:
        code = "hang"
    elif os.WIFSIGNALED(status):
        code = -os.WTERMSIG(status)
    else:
        code = os.WEXITSTATUS(status)
    p.returncode = 0
    out = open(out_path, errors="replace").read() if not stdout else ""
    err = open(err_path, errors="replace").read()
    return code, ru.ru_maxrss // 1024, secs, out, err


def add(rid, what, code, rss, secs, ok, said):
    said = said.replace("|", "\\|").replace(WORK, "$W")[:150]
    ROWS.append((rid, what, code, rss, secs, "ok" if ok else "FAIL", said))
    print(f"{rid:<5} {str(code):>5} {rss:>6} MB {secs:>6.1f} s  {'ok' if ok else 'FAIL':<4} {what}: {said}",
          flush=True)


def row(rid, what, res, ok_zero=None, note=None):
    """Records one row: a refusal (exit 1/2, one line) passes; exit 0 passes only when
    ok_zero(stdout, stderr) says the answer is sane."""
    code, rss, secs, out, err = res
    lines = [l for l in err.strip().splitlines() if l.strip()]
    said = note or (lines[0] if lines else out.strip().splitlines()[0] if out.strip() else "")
    if code in (1, 2):
        ok = len(lines) == 1
    elif code == 0:
        ok = bool(ok_zero and ok_zero(out, err))
    else:
        ok = False
    add(rid, what, code, rss, secs, ok and rss < 1024, said)


def write(name, data):
    p = f"{WORK}/{name}"
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return p


# ---- shards for loadgen merge: two real shards of one plan, played against journal-api ----

def hdr_v2(counts_payload, payload_len=None):
    """A V2 + deflate HDR histogram (as loadgen writes them) around `counts_payload`."""
    inner = struct.pack(">IIIIqqd", 0x1C849313, len(counts_payload) if payload_len is None else payload_len,
                        0, 3, 1, 2048, 1.0) + counts_payload
    z = zlib.compress(inner)
    return base64.b64encode(struct.pack(">II", 0x1C849314, len(z)) + z).decode()


def leb128_v2(n):
    """HDR's zig-zag LEB128 (at most 9 bytes, the ninth holding 8 bits)."""
    z = (n << 1) ^ (n >> 63) if n >= 0 else ((-n) << 1) - 1
    out = bytearray()
    for _ in range(8):
        if z < 0x80:
            out.append(z)
            return bytes(out)
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z & 0xFF)
    return bytes(out)


def shards():
    api_port = free_port()
    env = dict(os.environ, JWT_SECRET="audit-secret-audit-secret-audit-secret-0123456789",
               DATABASE_URL=f"sqlite://{WORK}/journal.db?mode=rwc", RUST_LOG="warn")
    subprocess.run([f"{BIN}/journal-api", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    api = subprocess.Popen([f"{BIN}/journal-api", "serve", "--addr", f"127.0.0.1:{api_port}"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(api_port)
        for k in (0, 1):
            subprocess.run([f"{BIN}/loadgen", "run", "--host", f"http://127.0.0.1:{api_port}", "--profile", "steady",
                            "--rate-scale", "0.2", "--duration", "5s", "--shard", f"{k}/2", "--seed", "7",
                            "--quiet", "--out", f"{WORK}/cp/shard-{k}"], check=True, stdout=subprocess.DEVNULL)
    finally:
        api.terminate()
        api.wait()
    return [json.load(open(f"{WORK}/cp/shard-{k}/summary.json")) for k in (0, 1)]


def merge_case(rid, what, mutate, ok_zero=None, **kw):
    a, b = (json.loads(json.dumps(s)) for s in SHARDS)
    mutate(a, b)
    pa, pb = write(f"m/{rid}/s0/summary.json", json.dumps(a)), write(f"m/{rid}/s1/summary.json", json.dumps(b))
    row(rid, what, run(["loadgen", "merge", pa, pb, "--out", f"{WORK}/m/{rid}/out"], **kw), ok_zero)


def merge_rows():
    merge_case("M1", "histogram header declaring a 4 GiB payload",
               lambda a, b: a["histograms"]["totals"].__setitem__("latency", hdr_v2(b"", 0xFFFFFFFF)))

    def count(a, b):
        a["shard"]["count"] = b["shard"]["count"] = 4294967295
    merge_case("M2", "shard.count 4294967295", count)
    merge_case("M3", "started_at 100 years apart, no start_at",
               lambda a, b: (a.__setitem__("started_at", "2126-01-01T00:00:00.000Z"),
                             a.get("shard", {}).__setitem__("start_at", None)))

    def gaps(a, b):
        g = [{"start_s": i * 0.001, "real_seconds": 100.0, "first_request_latency_ms": 1.0} for i in range(3000)]
        a["idle_gaps"], b["idle_gaps"] = g, list(g)
    merge_case("M4", "3,000 overlapping idle gaps per shard", gaps,
               ok_zero=lambda o, e: len(json.load(open(f"{WORK}/m/M4/out/summary.json"))["idle_gaps"]) <= 2)
    big = hdr_v2(leb128_v2(-1000) + leb128_v2(1 << 62))

    def huge(a, b):
        a["histograms"]["totals"]["latency"] = b["histograms"]["totals"]["latency"] = big
    merge_case("M5", "an HDR count of 2^62", huge)
    merge_case("M6", "schema .../v2", lambda a, b: a.__setitem__("schema", "deploycost.loadgen.summary/v2"))
    merge_case("M7", "arrivals.sent 2^64-3 (counts that wrap)",
               lambda a, b: a["arrivals"].__setitem__("sent", 2**64 - 3))
    # 60,000 endpoints (within the 64 MiB bound), written as they are made like many_endpoints.
    a = json.loads(json.dumps(SHARDS[0]))
    e = a["endpoints"][0]
    a["endpoints"] = "@ENDPOINTS@"
    head, tail = json.dumps(a).split('"@ENDPOINTS@"')
    pa = f"{WORK}/m/M9/s0/summary.json"
    os.makedirs(os.path.dirname(pa), exist_ok=True)
    with open(pa, "w") as f:
        f.write(head + "[" + ",".join(json.dumps(dict(e, route=f"/r/{i}")) for i in range(60_000)) + "]" + tail)
    pb = write("m/M9/s1/summary.json", json.dumps(SHARDS[1]))
    row("M9", f"a shard with 60,000 endpoints ({os.path.getsize(pa) / 2**20:.1f} MiB)",
        run(["loadgen", "merge", pa, pb, "--out", f"{WORK}/m/M9/out"]))
    before = open(f"{WORK}/cp/shard-0/summary.json", "rb").read()
    res = run(["loadgen", "merge", f"{WORK}/cp", "--out", f"{WORK}/cp/shard-0"])
    same = open(f"{WORK}/cp/shard-0/summary.json", "rb").read() == before
    row("M8", "merge cp --out cp/shard-0", res, note=None if same else "shard 0's summary OVERWRITTEN")
    if not same:
        ROWS[-1] = ROWS[-1][:5] + ("FAIL",) + ROWS[-1][6:]


# ---- costcalc ----

def summary_case(rid, what, mutate, fmt="json"):
    v = json.load(open(f"{DATA}/summary-v1.1-server.json"))
    mutate(v)
    p = write(f"c/{rid}.json", json.dumps(v))
    row(rid, what, run(["costcalc", "report", "--from-loadgen", p, "--format", fmt]), sane_totals)


def sane_totals(out, err):
    """Every total of a JSON report between $0 and $10^12."""
    try:
        v = json.loads(out)
    except ValueError:
        return False
    bad = []

    def walk(x, k=""):
        if isinstance(x, dict):
            for kk, xx in x.items():
                walk(xx, kk)
        elif isinstance(x, list):
            for xx in x:
                walk(xx, k)
        elif k in ("total_usd", "monthly_usd", "total") and isinstance(x, (str, int, float)):
            try:
                f = float(x)
            except ValueError:
                return
            if not 0 <= f < 1e12:
                bad.append(x)
    walk(v)
    return not bad


def costcalc_rows():
    S = "summary"
    summary_case("C1", f"{S} arrivals.scheduled 1e20", lambda v: v["arrivals"].__setitem__("scheduled", 10**20))
    summary_case("C2", f"{S} tiny counts (totals.count 1e-300)", lambda v: v["totals"].__setitem__("count", 1e-300))
    summary_case("C3", f"{S} compression 1e-300", lambda v: v.__setitem__("compression", 1e-300))
    summary_case("C4", f"{S} profile.duration_s 1e-300", lambda v: v["profile"].__setitem__("duration_s", 1e-300))
    summary_case("C5", f"{S} timeline sent 2^64-1", lambda v: v["timeline"][0].__setitem__("sent", 2**64 - 1))
    summary_case("C6", f"{S} totals.response_bytes 2^64-1",
                 lambda v: v["totals"].__setitem__("response_bytes", 2**64 - 1))
    summary_case("C7", f"{S} server.requests 2^64-1", lambda v: v["server"].__setitem__("requests", 2**64 - 1))
    summary_case("C8", f"{S} server.db_cpu_s 1e300 (beyond Decimal)",
                 lambda v: v["server"].__setitem__("db_cpu_s", 1e300))
    dup = open(f"{DATA}/summary-v1.1-server.json").read().replace(
        '"peak_rate_per_s": 100.0', '"peak_rate_per_s": 100.0, "peak_rate_per_s": 72000.0', 1)
    p = write("c/C9.json", dup)
    row("C9", f"{S} with a duplicate key", run(["costcalc", "report", "--from-loadgen", p, "--format", "json"]),
        sane_totals)

    prices = open(PRICES).read()
    huge = write("c/prices-huge.toml", prices.replace('usd = "0.20"', 'usd = "1e25"', 1).replace(
        'usd = "0.0052"', 'usd = "99999999999999999999999999"', 1))
    for rid, args in [("P1", ["report"]), ("P2", ["breakeven"]), ("P3", ["ec2", "--instance-type", "t3.nano"]),
                      ("P4", ["prices", "diff", "bundled"])]:
        a = ["costcalc", *args, huge] if args[0] == "prices" else ["costcalc", *args, "--prices", huge]
        if args[0] != "prices":
            a += ["--format", "json"]
        row(rid, f"usd >= 1e25 in a price file: {' '.join(args[:2])}", run(a), sane_totals)
    row("P5", "loadgen tune --prices (issue: usd >= 1e25)",
        run(["loadgen", "tune", "--prices", huge, "--out", f"{WORK}/tune"]))
    neg = write("c/prices-neg.toml", prices.replace('baseline_cpu_percent = "5"', 'baseline_cpu_percent = "-50"', 1))
    row("P6", "price file baseline_cpu_percent -50",
        run(["costcalc", "ec2", "--instance-type", "t3.nano", "--prices", neg, "--format", "json"]), sane_totals)
    free = write("c/prices-free.toml", prices.replace('free_requests = "1000000"', 'free_requests = "-1000000"', 1))
    row("P7", "price file free_requests -1000000",
        run(["costcalc", "report", "--prices", free, "--format", "json"]), sane_totals)

    tune = json.load(open(f"{DATA}/tune-v1.json"))

    def tune_case(rid, what, mutate):
        t = json.loads(json.dumps(tune))
        for s in t["sizes"]:
            if s.get("usable"):
                mutate(s)
        p = write(f"c/{rid}.json", json.dumps(t))
        row(rid, what, run(["costcalc", "report", "--lambda-tune", p, "--from-loadgen",
                            f"{DATA}/summary-v1.json", "--format", "json"]), sane_totals)

    def billed(x):
        return lambda s: [r.__setitem__("billed_ms_mean", x) for r in s["routes"]]
    tune_case("T1", "tune.json billed -50 ms", billed(-50))
    tune_case("T2", "tune.json billed 0 ms", billed(0))
    tune_case("T3", "tune.json billed 1e300 ms", billed(1e300))
    tune_case("T4", "tune.json billed 1e20 ms", billed(1e20))
    tune_case("T5", "tune.json cold start -5000 ms", lambda s: s["cold_start_ms"].update(p50=-5000, p99=-5000))
    tune_case("T6", "tune.json cold start 1e30 ms (with --from-loadgen)",
              lambda s: s["cold_start_ms"].update(p50=1e30, p99=1e30))

    cw = json.load(open(f"{DATA}/aws/cloudwatch/get-metric-data.json"))
    mf = ["--lambda-function", "journal-api", "--http-api-id", "a1b2c3d4e5", "--format", "json"]

    def cw_case(rid, what, value):
        c = json.loads(json.dumps(cw))
        for r in c["MetricDataResults"]:
            if r["Id"] == "lambda_invocations":
                r["Values"] = [value] * len(r["Values"])
        p = write(f"c/{rid}.json", json.dumps(c))
        row(rid, what, run(["costcalc", "report", "--metrics-file", p, *mf]), sane_totals)
    cw_case("W1", "metrics file: 1e300 invocations per datapoint", 1e300)
    cw_case("W2", "metrics file: 1e28 invocations (decimal overflow)", 1e28)
    cw_case("W3", "metrics file: negative invocations", -5)

    pl = f"{DATA}/aws/pricing"
    files = sorted(f for f in os.listdir(pl) if f.endswith(".json"))
    lam = open(f"{pl}/lambda.json").read()
    i = lam.index('\\"USD\\":\\"') + len('\\"USD\\":\\"')
    j = lam.index('\\"', i)
    hp = write("c/pl/lambda.json", lam[:i] + "999999999999999999999999999" + lam[j:])
    args = ["costcalc", "prices", "fetch", "--out", f"{WORK}/c/fetched.toml"]
    for f in files:
        args += ["--price-list-file", hp if f == "lambda.json" else f"{pl}/{f}"]
    args += ["--savings-plans-file", f"{DATA}/aws/savings-plans/us-east-1.json"]
    res = run(args)
    if res[0] == 0:
        res = run(["costcalc", "report", "--prices", f"{WORK}/c/fetched.toml", "--format", "json"])
    row("F1", "prices fetch --price-list-file with a huge USD", res, sane_totals)


# ---- files, injection, output ----

def many_endpoints(rid, n):
    """The example summary with `n` endpoints of one request each, written as it is made (the
    audit's own memory stays small: a forked child's peak counts its parent's pages)."""
    v = json.load(open(f"{DATA}/summary-v1.1-server.json"))
    e = v["endpoints"][0]
    v["endpoints"] = "@ENDPOINTS@"
    head, tail = json.dumps(v).split('"@ENDPOINTS@"')
    p = f"{WORK}/c/{rid}.json"
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(head + "[")
        for i in range(n):
            f.write(("," if i else "") + json.dumps(dict(e, route=f"/r/{i}", count=1)))
        f.write("]" + tail)
    return p


def file_rows():
    sparse = f"{WORK}/sparse.json"
    with open(sparse, "wb") as f:
        f.truncate(2 << 30)
    row("R1", "a 2 GB sparse summary", run(["costcalc", "report", "--from-loadgen", sparse]))
    row("R2", "/dev/zero as a summary", run(["costcalc", "report", "--from-loadgen", "/dev/zero"], timeout=30))
    fifo = f"{WORK}/fifo"
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    row("R3", "a FIFO as a summary", run(["costcalc", "report", "--from-loadgen", fifo], timeout=30))
    for rid, n in [("R4", 10**6), ("R5", 60_000)]:
        p = many_endpoints(rid, n)
        row(rid, f"a summary with {n:,} endpoints ({os.path.getsize(p) / 2**20:.1f} MiB), --format html",
            run(["costcalc", "report", "--from-loadgen", p, "--format", "html"], timeout=120),
            lambda o, e: len(o) < 20 << 20, note=None)
        if ROWS[-1][2] == 0:
            ROWS[-1] = ROWS[-1][:6] + (f"{len(open(f'{WORK}/out.txt').read()) >> 10} KiB of HTML",)

    v = json.load(open(f"{DATA}/summary-v1.1-server.json"))
    v["profile"]["name"] = "@SUM(1+1)\n# <script>alert(1)</script>"
    v["overload"] = {"detected": True, "dropped_percent": 5.0, "failed_percent": 0.0, "queueing": False,
                     "latency_growth": 1.0, "drain_seconds": 0.0,
                     "reasons": ['=HYPERLINK("http://x")\n=1+1,"x"', "<b>bold</b>\r\n## Injected"]}
    p = write("c/inject.json", json.dumps(v))
    base = ["costcalc", "report", "--from-loadgen", p, "--allow-overloaded"]

    def csv_clean(o, e):
        return not any(c.lstrip('"').startswith(("=", "@", "+", "-")) and not c.lstrip('"')[1:2].isdigit()
                       for line in o.splitlines() for c in line.split(","))
    row("I1", "--format csv with =HYPERLINK/@SUM from the summary", run([*base, "--format", "csv"]), csv_clean)
    row("I2", "--format md with <script> and a heading in profile.name", run([*base, "--format", "md"]),
        lambda o, e: "<script>" not in o and "\n## Injected" not in o and "\n# <" not in o)
    for rid, a in [("O1", ["report"]), ("O2", ["prices"]), ("O3", ["breakeven", "--format", "json"])]:
        with open("/dev/full", "wb") as full:
            row(rid, f"costcalc {' '.join(a)} > /dev/full", run(["costcalc", *a], stdout=full))


# ---- journal-api ----

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, secs=30):
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def http_get(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def api_rows():
    port, mport = free_port(), free_port()
    env = dict(os.environ, JWT_SECRET="audit-secret-audit-secret-audit-secret-0123456789",
               DATABASE_URL=f"sqlite://{WORK}/journal.db?mode=rwc", RUST_LOG="warn",
               METRICS_ADDR=f"127.0.0.1:{mport}")
    api = subprocess.Popen([f"{BIN}/journal-api", "serve", "--addr", f"127.0.0.1:{port}"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        wait_port(mport)
        before = len(http_get(mport, "/metrics"))
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.settimeout(10)
            for i in range(3000):
                s.sendall(f"BREW{i} /health HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                buf = b""
                while b"\r\n\r\n" not in buf:
                    buf += s.recv(4096)
                head, _, rest = buf.partition(b"\r\n\r\n")
                n = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
                while len(rest) < n:
                    rest += s.recv(4096)
        after = len(http_get(mport, "/metrics"))
        add("A1", "3,000 requests with made-up methods (BREW0..BREW2999): /metrics size", "-", 0, 0.0,
            after < 64 << 10, f"/metrics {before:,} B before, {after:,} B after")
        t0 = time.monotonic()
        with socket.create_connection(("127.0.0.1", mport)) as s:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            s.settimeout(70)
            try:
                while s.recv(4096):
                    pass
            except (socket.timeout, ConnectionResetError):
                pass
        held = time.monotonic() - t0
        add("A2", "half-sent request to the metrics listener", "-", 0, held, held <= 15,
            f"closed after {held:.1f} s")
    finally:
        api.terminate()
        api.wait()


# ---- loadgen run against hostile servers ----

def hostile_server(mode):
    """A loopback server that answers loadgen's setup, then `mode`: endless, silent, hangup."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(256)
    held = []

    def serve(c):
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = c.recv(4096)
            if not d:
                return
            buf += d
        head, _, body = buf.partition(b"\r\n\r\n")
        line = head.split(b"\r\n")[0].decode().lower()
        cl = [l for l in head.decode().lower().split("\r\n") if l.startswith("content-length:")]
        n = int(cl[0].split(":")[1]) if cl else 0
        while len(body) < n:
            body += c.recv(4096)
        if "/api/v1/auth/register" in line:
            c.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 20\r\n"
                      b"connection: close\r\n\r\n{\"access_token\":\"t\"}")
            return c.close()
        if line.startswith("post /api/v1/entries"):
            body = b'{"id":"00000000-0000-0000-0000-000000000001","work":"w","struggle":"s","intention":"i"}'
            c.sendall(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: "
                      + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body)
            return c.close()
        if "/api/v1/entries" in line or line.startswith("get / "):
            c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            return c.close()
        if mode == "silent":
            return held.append(c)
        if mode == "hangup":
            return c.close()
        try:
            c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 10000000000\r\n\r\n")
            z = b"\0" * 65536
            while True:
                c.sendall(z)
        except OSError:
            c.close()

    def loop():
        while True:
            c, _ = ls.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return f"http://127.0.0.1:{ls.getsockname()[1]}"


def loadgen_run(url, out, *extra):
    return ["loadgen", "run", "--host", url, "--profile", "steady", "--mix",
            "newcomer=0,writer=0,reader=0,health=1", "--out", f"{WORK}/{out}", *extra]


def loadgen_rows():
    url = hostile_server("endless")
    code, rss, secs, out, err = run(loadgen_run(url, "l1", "--rate-scale", "0.5", "--duration", "10s",
                                                "--timeout", "30", "--quiet"), timeout=90)
    try:
        t = json.load(open(f"{WORK}/l1/summary.json"))["totals"]
        said = (f"{t['count']} requests, {t['transport_errors']} transport errors (bodies cut), "
                f"{t['response_bytes'] >> 20} MiB read")
    except (OSError, ValueError, KeyError):
        said = "no summary.json"
    add("L1", "run against an endless 10 GB body (5 req/s, 10 s, --timeout 30)", code, rss, secs,
        code == 0 and rss < 1024, said)
    for rid, extra in [("L2", ["--rate-scale", "1e12", "--duration", "10s"]), ("L3", ["--duration", "100000000d"])]:
        row(rid, f"run {' '.join(extra)}", run(loadgen_run(url, rid, *extra)))
    for rid, dur, rate in [("L4", "1h", "1e12"), ("L4b", "100000000d", "1")]:
        prof = write(f"{rid}.toml", f'name = "huge"\n[[segment]]\nduration = "{dur}"\nrate = {rate}\n')
        row(rid, f"run with a profile file of {rate} req/s for {dur}",
            run(["loadgen", "run", "--host", url, "--profile", prof, "--out", f"{WORK}/{rid}"]))
    silent = hostile_server("silent")
    started = time.monotonic()
    res = run(loadgen_run(silent, "l5", "--duration", "60s", "--timeout", "60", "--quiet"), timeout=120,
              signal_after=(lambda: time.monotonic() - started > 8, signal.SIGINT))
    cancelled = ""
    try:
        a = json.load(open(f"{WORK}/l5/summary.json"))["arrivals"]
        cancelled = f"; summary: unsent {a.get('unsent')}, cancelled {a.get('cancelled', 'absent')}"
    except (OSError, ValueError, KeyError):
        cancelled = "; no summary.json"
    code, rss, secs, out, err = res
    ok = secs < 5 and code not in ("hang", 101, 134)
    add("L5", "Ctrl-C against a server that never answers (--timeout 60)", code, rss, secs, ok,
        f"exit {secs:.1f} s after SIGINT{cancelled}")
    hang = hostile_server("hangup")
    code, rss, secs, out, err = run(loadgen_run(hang, "l6", "--duration", "3s", "--quiet"))
    n = len([l for l in (out + err).splitlines() if "WARN" in l])
    add("L6", "--quiet against a server that hangs up on every request", code, rss, secs, n == 0,
        f"{n} goose warnings printed")


os.makedirs(WORK, exist_ok=True)
only = os.environ.get("AUDIT_ONLY", "MCRIAL")
if "M" in only:
    SHARDS = shards()
    merge_rows()
if "C" in only:
    costcalc_rows()
if "R" in only:
    file_rows()
if "A" in only:
    api_rows()
if "L" in only:
    loadgen_rows()
print()
print("| id | input | exit | peak RSS MB | s | verdict | what it said |")
print("|---|---|---|---|---|---|---|")
for r in ROWS:
    rid, what, code, rss, secs, verdict, said = r
    print(f"| {rid} | {what} | {code} | {rss} | {secs:.1f} | {verdict} | {said} |")
