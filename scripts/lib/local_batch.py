"""AWS Batch's job API on loopback, playing each job's children as local processes, for
scripts/test.d/65-loadgen-distributed.sh (the real AWS CLI reaches it through
AWS_ENDPOINT_URL_BATCH).

Why not ministack's Batch: it is control plane only and keeps neither a job's containerOverrides
nor its arrayProperties, has no array children and no terminate-job, so the script's progress,
per-child times and failures could not be exercised. This one keeps what it is given (queues,
compute environments, job definitions) and runs a submitted job as Batch would run its
containers: the job definition's image ENTRYPOINT (here a local binary, LOCAL_BATCH_ENTRYPOINT)
with the command override, one process per array child with AWS_BATCH_JOB_ARRAY_INDEX=K, the
environment of this process (so the children reach the same S3), statuses RUNNABLE, STARTING,
RUNNING, SUCCEEDED or FAILED, and real startedAt/stoppedAt. Each child has a /tmp of its own,
as a container does (the children all write --out /tmp/out): a private mount namespace with a
tmpfs on /tmp (unshare, as root), else its /tmp/ arguments moved under LOGDIR/tmp-<job id>/.
The tmpfs hides the host's /tmp, so an entrypoint that lives there (a checkout under /tmp) is
bound back in at its own path from a descriptor opened before the mount, as an image carries its
binary. Nothing else of the host's /tmp is the child's: its log is a descriptor opened here, its
inputs are its command, environment and the network, and its outputs go to its own /tmp and S3.

  python3 local_batch.py PORT LOGDIR      one log file per child: LOGDIR/<logStreamName>
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARN = "arn:aws:batch:us-east-1:000000000000"
lock = threading.RLock()
envs, queues, definitions, jobs, procs = {}, {}, {}, {}, {}
LOGDIR = "."
PRIVATE_TMP = False


def now_ms():
    return int(time.time() * 1000)


def by_ref(table, ref):
    """A record by name or ARN (name:revision for job definitions)."""
    for rec in table.values():
        if ref in rec.get("_refs", ()):
            return rec
    return None


def create_env(p):
    name = p["computeEnvironmentName"]
    arn = f"{ARN}:compute-environment/{name}"
    envs[name] = dict(p, computeEnvironmentArn=arn, status="VALID", state="ENABLED", _refs=(name, arn))
    return {"computeEnvironmentName": name, "computeEnvironmentArn": arn}


def create_queue(p):
    name = p["jobQueueName"]
    arn = f"{ARN}:job-queue/{name}"
    queues[name] = dict(p, jobQueueArn=arn, status="VALID", state="ENABLED", _refs=(name, arn))
    return {"jobQueueName": name, "jobQueueArn": arn}


def register_definition(p):
    name = p["jobDefinitionName"]
    revision = 1 + sum(1 for d in definitions.values() if d["jobDefinitionName"] == name)
    arn = f"{ARN}:job-definition/{name}:{revision}"
    definitions[arn] = dict(p, jobDefinitionArn=arn, revision=revision, status="ACTIVE",
                            _refs=(arn, f"{name}:{revision}"))
    return {"jobDefinitionName": name, "jobDefinitionArn": arn, "revision": revision}


def public(rec):
    return {k: v for k, v in rec.items() if not k.startswith("_")}


def describe(table, refs):
    found = [by_ref(table, r) for r in refs] if refs else list(table.values())
    return [public(r) for r in found if r]


def summary(job):
    counts = {}
    for child in job["_children"]:
        counts[jobs[child]["status"]] = counts.get(jobs[child]["status"], 0) + 1
    return counts


def submit(p):
    job_id = str(uuid.uuid4())
    size = (p.get("arrayProperties") or {}).get("size")
    command = (p.get("containerOverrides") or {}).get("command", [])
    job = {"jobId": job_id, "jobArn": f"{ARN}:job/{job_id}", "jobName": p["jobName"],
           "jobQueue": p["jobQueue"], "jobDefinition": p["jobDefinition"], "status": "PENDING",
           "createdAt": now_ms(), "container": {"command": command}, "_children": []}
    jobs[job_id] = job
    if size:
        job["arrayProperties"] = {"size": size}
        for k in range(size):
            child = dict(job, jobId=f"{job_id}:{k}", jobArn=f"{ARN}:job/{job_id}:{k}",
                         arrayProperties={"index": k}, container={"command": command},
                         _children=[], _parent=job_id)
            jobs[child["jobId"]] = child
            job["_children"].append(child["jobId"])
            threading.Thread(target=play, args=(child["jobId"], k), daemon=True).start()
    else:
        threading.Thread(target=play, args=(job_id, None), daemon=True).start()
    return {"jobId": job_id, "jobName": p["jobName"], "jobArn": job["jobArn"]}


def private_tmp_works():
    probe = ["unshare", "--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /tmp"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


# $0 is the entrypoint. fd 3 keeps it reachable once the tmpfs covers /tmp; --no-canonicalize
# makes mount take /proc/self/fd/3 as that open file, not as the path it names (now the empty
# file the bind needs as its target).
TMPFS_SH = "set -e; mount -t tmpfs tmpfs /tmp; exec \"$0\" \"$@\""
TMPFS_KEEP_ENTRY_SH = ("set -e; exec 3<\"$0\"; mount -t tmpfs tmpfs /tmp; mkdir -p \"${0%/*}\"; : >\"$0\"; "
                       "mount --no-canonicalize --bind /proc/self/fd/3 \"$0\"; exec 3<&-; exec \"$0\" \"$@\"")


def under_tmp(path):
    tmp = os.path.realpath("/tmp")
    return os.path.commonpath([tmp, path]) == tmp


def container_argv(job_id, command):
    """The entrypoint and command, run with a /tmp of the child's own."""
    entry = os.path.realpath(os.environ["LOCAL_BATCH_ENTRYPOINT"])
    if PRIVATE_TMP:
        script = TMPFS_KEEP_ENTRY_SH if under_tmp(entry) else TMPFS_SH
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, entry, *command]
    tmp = os.path.join(LOGDIR, f"tmp-{job_id.replace(':', '-')}")
    return [entry, *(tmp + a[4:] if a.startswith("/tmp/") else a for a in command)]


def play(job_id, index):
    """One container: RUNNABLE, STARTING, then the process RUNNING until it exits."""
    for status in ("RUNNABLE", "STARTING"):
        time.sleep(0.3)
        with lock:
            if jobs[job_id]["status"] == "FAILED":  # terminated while waiting
                return settle(job_id)
            jobs[job_id]["status"] = status
    env = dict(os.environ, AWS_BATCH_JOB_ID=job_id)
    if index is not None:
        env["AWS_BATCH_JOB_ARRAY_INDEX"] = str(index)
    stream = f"loadgen/default/{uuid.uuid4().hex}"
    os.makedirs(os.path.join(LOGDIR, os.path.dirname(stream)), exist_ok=True)
    with lock:
        job = jobs[job_id]
        with open(os.path.join(LOGDIR, stream), "wb") as log:
            proc = subprocess.Popen(container_argv(job_id, job["container"]["command"]),
                                    stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        procs[job_id] = proc
        job.update(status="RUNNING", startedAt=now_ms())
        job["container"]["logStreamName"] = stream
    code = proc.wait()
    with lock:
        job = jobs[job_id]
        job["stoppedAt"] = now_ms()
        job["container"]["exitCode"] = code
        if job["status"] != "FAILED":
            ok = code == 0
            job["status"] = "SUCCEEDED" if ok else "FAILED"
            job["statusReason"] = "Essential container in task exited"
        settle(job_id)


def settle(job_id):
    """An array parent is done when every child is."""
    parent = jobs.get(jobs[job_id].get("_parent", ""))
    if parent is None:
        return
    states = [jobs[c]["status"] for c in parent["_children"]]
    if "RUNNING" in states and parent["status"] == "PENDING":
        parent["status"] = "RUNNING"
    if all(s in ("SUCCEEDED", "FAILED") for s in states) and parent["status"] not in ("SUCCEEDED", "FAILED"):
        parent["status"] = "SUCCEEDED" if all(s == "SUCCEEDED" for s in states) else "FAILED"
        parent["statusReason"] = "Array Child Job failed" if parent["status"] == "FAILED" else ""
        parent["stoppedAt"] = now_ms()


def describe_jobs(p):
    out = []
    for job_id in p.get("jobs", []):
        job = jobs.get(job_id)
        if job is None:
            continue
        if job["_children"]:
            settle(job["_children"][0])
            job["arrayProperties"]["statusSummary"] = summary(job)
            if job["status"] == "PENDING" and any(jobs[c]["status"] != "PENDING" for c in job["_children"]):
                job["status"] = "RUNNING"
        out.append(public(job))
    return {"jobs": out}


def list_jobs(p):
    parent = jobs.get(p.get("arrayJobId", ""))
    pool = [jobs[c] for c in parent["_children"]] if parent else list(jobs.values())
    return {"jobSummaryList": [
        {"jobId": j["jobId"], "jobName": j["jobName"], "status": j["status"],
         "arrayProperties": j.get("arrayProperties", {})}
        for j in pool if not p.get("jobStatus") or j["status"] == p["jobStatus"]]}


def terminate(p):
    job = jobs[p["jobId"]]
    for job_id in job["_children"] or [job["jobId"]]:
        child = jobs[job_id]
        if child["status"] not in ("SUCCEEDED", "FAILED"):
            child.update(status="FAILED", statusReason=p.get("reason", "terminated"))
            if job_id in procs:
                os.killpg(procs[job_id].pid, signal.SIGTERM)
    if job["_children"]:
        settle(job["_children"][0])
    return {}


ROUTES = {
    "createcomputeenvironment": create_env,
    "describecomputeenvironments": lambda p: {"computeEnvironments": describe(envs, p.get("computeEnvironments"))},
    "createjobqueue": create_queue,
    "describejobqueues": lambda p: {"jobQueues": describe(queues, p.get("jobQueues"))},
    "registerjobdefinition": register_definition,
    "describejobdefinitions": lambda p: {"jobDefinitions": describe(definitions, p.get("jobDefinitions"))},
    "submitjob": submit,
    "describejobs": describe_jobs,
    "listjobs": list_jobs,
    "terminatejob": terminate,
}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        op = self.path.rstrip("/").rsplit("/", 1)[-1].lower()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)) or 0)
        try:
            with lock:
                answer, code = ROUTES[op](json.loads(body or b"{}")), 200
        except KeyError as e:
            answer, code = {"__type": "ClientException", "message": f"unknown or missing: {e}"}, 400
        data = json.dumps(answer).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def stop(*_):
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    sys.exit(0)


if __name__ == "__main__":
    LOGDIR = sys.argv[2]
    PRIVATE_TMP = private_tmp_works()
    print(f"children's /tmp: {'a private tmpfs' if PRIVATE_TMP else 'moved under ' + LOGDIR}", flush=True)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
