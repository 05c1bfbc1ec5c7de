"""Reads `aws batch describe-jobs --output json` for scripts/loadgen-distributed (stdin), so the
shell never parses JSON itself.

  status N     the job's status and its children's counts: "RUNNING PENDING 0 ... FAILED 0"
  failures     one line per failed job: its shard, reason, exit code and log stream
  seconds      one line per job: whole seconds from startedAt to stoppedAt, rounded up (Fargate
               bills per second); a job that never started prints nothing
"""
import json
import math
import sys

STATES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]


def status(jobs, size):
    if not jobs:
        sys.exit("describe-jobs found no such job")
    job = jobs[0]
    summary = (job.get("arrayProperties") or {}).get("statusSummary")
    if summary is None:
        # A plain job (one shard), or an array before Batch has counted its children.
        summary = {job["status"]: size} if size == 1 else {}
    counts = " ".join(f"{s} {summary.get(s, 0)}" for s in STATES)
    print(f"{job['status']} {counts}")


def failures(jobs):
    for job in jobs:
        container = job.get("container") or {}
        index = (job.get("arrayProperties") or {}).get("index", 0)
        reason = job.get("statusReason") or "no reason given"
        if container.get("reason"):
            reason += f"; {container['reason']}"
        code = container.get("exitCode")
        stream = container.get("logStreamName") or "none (the container never started)"
        print(f"shard {index}: {reason}; exit code {code}; log stream {stream}")


def seconds(jobs):
    for job in jobs:
        start, stop = job.get("startedAt"), job.get("stoppedAt")
        if start is not None and stop is not None:
            print(max(0, math.ceil((stop - start) / 1000)))


def main():
    jobs = json.load(sys.stdin).get("jobs", [])
    what = sys.argv[1]
    if what == "status":
        status(jobs, int(sys.argv[2]))
    elif what == "failures":
        failures(jobs)
    elif what == "seconds":
        seconds(jobs)
    else:
        sys.exit(f"unknown request {what}")


main()
