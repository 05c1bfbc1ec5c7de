"""Locust's side of scripts/bench-loadgen: GET /health through FastHttpUser, one process.

Closed loop (no wait) by default; with BENCH_PACING_S set, each user sends one request every
BENCH_PACING_S seconds (constant_pacing), so U users hold U / BENCH_PACING_S req/s.
At the end it writes BENCH_OUT (JSON): requests, failures, the test's wall seconds, the CPU
seconds (user + sys) the process spent between test start and stop (the interpreter's start-up
excluded, as it would be from a long run) and Locust's own p99 (ms, rounded by Locust).
"""

import json
import os
import resource
import time

from locust import constant, constant_pacing, events, task
from locust.contrib.fasthttp import FastHttpUser

PACING_S = float(os.environ.get("BENCH_PACING_S", "0"))
_window = {}


def _cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@events.test_start.add_listener
def _start(environment, **_):
    _window["cpu"], _window["wall"] = _cpu_s(), time.monotonic()


@events.test_stop.add_listener
def _stop(environment, **_):
    total = environment.stats.total
    out = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "seconds": time.monotonic() - _window["wall"],
        "cpu_s": _cpu_s() - _window["cpu"],
        "p99_ms": total.get_response_time_percentile(0.99),
    }
    with open(os.environ["BENCH_OUT"], "w", encoding="utf-8") as f:
        json.dump(out, f)


class Health(FastHttpUser):
    wait_time = constant_pacing(PACING_S) if PACING_S > 0 else constant(0)

    @task
    def health(self):
        self.client.get("/health")
