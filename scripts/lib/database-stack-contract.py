"""The promises of infra/database.yaml to the app stacks (lambda/, fargate/, ec2/) and to costcalc:
the database choice (RDS PostgreSQL, Aurora PostgreSQL provisioned or Serverless v2), never an RDS Proxy on an
auto-pausing cluster, and exports that every import of the app stacks finds.

    python scripts/lib/database-stack-contract.py DATABASE_TEMPLATE APP_TEMPLATE...

The template's conditions are evaluated for every combination of the parameters that choose what
exists (engine, proxy, Multi-AZ, minimum ACUs, storage, backups, major version), and each
combination must give one database, a proxy only where allowed, and references only to resources
that exist in it. Prints one line per broken promise and exits 1; cfn-lint checks the rest.
Needs cfnlint (.venv/infra) to read the YAML with its short-form intrinsics.
"""

import itertools
import json
import sys

from cfnlint.decode import decode

# name -> (type, default, allowed values or None, MinValue, MaxValue): the ranges are AWS's own
# (ServerlessV2ScalingConfiguration: MinCapacity 0 to 256, MaxCapacity 1 to 256,
# SecondsUntilAutoPause 300 to 86,400).
PARAMETERS = {
    "DbEngine": ("String", "rds", ["rds", "aurora", "aurora-serverless"], None, None),
    "AuroraInstanceClass": ("String", "db.t4g.medium", None, None, None),
    "EnableProxy": ("String", "false", ["true", "false"], None, None),
    "MultiAZ": ("String", "false", ["true", "false"], None, None),
    "AuroraMinCapacity": ("Number", "0", None, "0", "256"),
    "AuroraMaxCapacity": ("Number", None, None, "1", "256"),
    "AuroraSecondsUntilAutoPause": ("Number", None, None, "300", "86400"),
    "AuroraStorage": ("String", "standard", ["standard", "io-optimized"], None, None),
}
# The oldest Aurora PostgreSQL minor of each major whose Serverless v2 can scale to 0 ACUs.
AUTO_PAUSE_SINCE = {"13": (13, 15), "14": (14, 12), "15": (15, 7), "16": (16, 3), "17": (17, 4)}
STORAGE_TYPE = {"standard": "aurora", "io-optimized": "aurora-iopt1"}
# Values tried for the parameters that decide what the stack creates.
VARIED = {
    "DbEngine": ["rds", "aurora-serverless", "aurora"],
    "EnableProxy": ["true", "false"],
    "MultiAZ": ["true", "false"],
    "AuroraMinCapacity": ["0", "0.5", "8"],
    "AuroraStorage": ["standard", "io-optimized"],
    "BackupRetentionDays": ["0", "7"],
}
PROXY_TYPES = {"AWS::RDS::DBProxy", "AWS::RDS::DBProxyTargetGroup"}
NO_VALUE = object()


def load(path):
    tpl, errors = decode(path)
    if errors:
        sys.exit(f"{path} does not parse: {errors}")
    return tpl


class Combination:
    """The template as CloudFormation would see it under one set of parameter values."""

    def __init__(self, tpl, params):
        self.tpl, self.params = tpl, params
        self.conds = {}
        for name in tpl.get("Conditions", {}):
            self.cond(name)
        res = tpl.get("Resources", {})
        self.present = {k for k, r in res.items() if "Condition" not in r or self.conds[r["Condition"]]}

    def cond(self, name):
        if name not in self.conds:
            self.conds[name] = self.truth(self.tpl["Conditions"][name])
        return self.conds[name]

    def truth(self, expr):
        (fn, args), = expr.items()
        if fn == "Fn::Equals":
            return str(self.value(args[0])) == str(self.value(args[1]))
        if fn == "Fn::And":
            return all(self.truth(a) for a in args)
        if fn == "Fn::Or":
            return any(self.truth(a) for a in args)
        if fn == "Fn::Not":
            return not self.truth(args[0])
        if fn == "Condition":
            return self.cond(args)
        raise ValueError(f"unknown condition function {fn}")

    def value(self, expr):
        if isinstance(expr, dict) and set(expr) == {"Ref"} and expr["Ref"] in self.params:
            return self.params[expr["Ref"]]
        if isinstance(expr, dict) and set(expr) == {"Condition"}:
            return self.truth(expr)
        return expr

    def resolve(self, obj):
        """obj with every Fn::If decided, Refs to parameters and FindInMap looked up, NoValue dropped."""
        if isinstance(obj, list):
            return [v for v in (self.resolve(x) for x in obj) if v is not NO_VALUE]
        if not isinstance(obj, dict):
            return obj
        if set(obj) == {"Fn::If"}:
            name, yes, no = obj["Fn::If"]
            return self.resolve(yes if self.cond(name) else no)
        if obj == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        if set(obj) == {"Ref"} and obj["Ref"] in self.params:
            return self.params[obj["Ref"]]
        if set(obj) == {"Fn::FindInMap"}:
            m, k1, k2 = (self.resolve(x) for x in obj["Fn::FindInMap"])
            return self.tpl["Mappings"][m][k1][k2]
        out = {k: self.resolve(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v is not NO_VALUE}


def targets(obj):
    """Logical ids an object refers to by Ref, GetAtt or ${...} in Sub."""
    if isinstance(obj, list):
        return set().union(*(targets(x) for x in obj)) if obj else set()
    if not isinstance(obj, dict):
        return set()
    found = set()
    for k, v in obj.items():
        if k == "Ref":
            found.add(v)
        elif k == "Fn::GetAtt":
            found.add(v[0] if isinstance(v, list) else v.split(".")[0])
        else:
            found |= targets(v)
    return found


class Contract:
    def __init__(self, template, app_templates):
        self.problems, self.seen = [], set()
        self.tpl = load(template)
        self.apps = {p: load(p) for p in app_templates}

    def problem(self, text):
        # One line per kind of fault: the first parameter combination that shows it is enough.
        kind = text.split(" under ")[0]
        if kind not in self.seen:
            self.seen.add(kind)
            self.problems.append(text)

    def parameters(self):
        params = self.tpl.get("Parameters", {})
        for name, (ptype, default, allowed, low, high) in PARAMETERS.items():
            p = params.get(name)
            if p is None:
                self.problem(f"parameter {name} is missing")
                continue
            got = {
                "Type": p.get("Type"),
                "AllowedValues": p.get("AllowedValues"),
                "MinValue": None if "MinValue" not in p else str(p["MinValue"]),
                "MaxValue": None if "MaxValue" not in p else str(p["MaxValue"]),
            }
            want = {"Type": ptype, "AllowedValues": allowed, "MinValue": low, "MaxValue": high}
            if allowed is None and ptype == "String":
                # A class list: only that it has one, holding its default.
                got["AllowedValues"] = want["AllowedValues"] = None
                if default not in [str(v) for v in p.get("AllowedValues", [])]:
                    self.problem(f"parameter {name} does not allow its default {default}")
            if default is not None:
                got["Default"], want["Default"] = str(p.get("Default")), default
            for key in want:
                if want[key] != got[key]:
                    self.problem(f"parameter {name} {key}: expected {json.dumps(want[key])}, found {json.dumps(got[key])}")
        versions = params.get("EngineVersion", {}).get("AllowedValues", [])
        for major in versions:
            mapped = self.tpl.get("Mappings", {}).get("AuroraVersion", {}).get(str(major), {}).get("EngineVersion")
            since = AUTO_PAUSE_SINCE.get(str(major))
            if mapped is None or since is None:
                self.problem(f"EngineVersion {major} has no Aurora version that can scale to 0 ACUs in Mappings.AuroraVersion")
            elif tuple(int(x) for x in str(mapped).split(".")) < since:
                self.problem(
                    f"Mappings.AuroraVersion {major} is {mapped}, older than {since[0]}.{since[1]}, "
                    "the first that can scale to 0 ACUs (auto-pause)"
                )

    def combinations(self):
        params = {k: str(v.get("Default", "")) for k, v in self.tpl.get("Parameters", {}).items()}
        majors = [str(v) for v in self.tpl.get("Parameters", {}).get("EngineVersion", {}).get("AllowedValues", [])]
        names = list(VARIED) + ["EngineVersion"]
        for values in itertools.product(*VARIED.values(), majors or [params.get("EngineVersion")]):
            yield Combination(self.tpl, {**params, **dict(zip(names, values))})

    def check(self, c):
        p = c.params
        where = ", ".join(f"{k}={p[k]}" for k in list(VARIED) + ["EngineVersion"])
        res = self.tpl["Resources"]
        live = {k: c.resolve(res[k]) for k in c.present}
        outputs = {k: c.resolve(o) for k, o in self.tpl.get("Outputs", {}).items()
                   if "Condition" not in o or c.cond(o["Condition"])}
        for name, obj in [*live.items(), *((f"output {k}", o) for k, o in outputs.items())]:
            deps = obj.get("DependsOn", []) if isinstance(obj, dict) else []
            refs = targets(obj) | set([deps] if isinstance(deps, str) else deps)
            for t in sorted(refs & set(res) - c.present):
                self.problem(f"{name} refers to {t}, which is not created under {where}")
        aurora = p["DbEngine"] in ("aurora", "aurora-serverless")
        clusters = {k: r for k, r in live.items() if r["Type"] == "AWS::RDS::DBCluster"}
        instances = {k: r for k, r in live.items() if r["Type"] == "AWS::RDS::DBInstance"}
        alone = [k for k, r in instances.items() if "DBClusterIdentifier" not in r.get("Properties", {})]
        if aurora:
            self.aurora(clusters, instances, alone, p, where)
        elif clusters or len(alone) != 1:
            self.problem(f"expected one RDS instance and no cluster under {where}, found {sorted(alone)} and {sorted(clusters)}")
        auto_pause = p["DbEngine"] == "aurora-serverless" and float(p["AuroraMinCapacity"]) == 0
        proxies = sorted(k for k, r in live.items() if r["Type"] in PROXY_TYPES)
        if auto_pause and proxies:
            self.problem(
                f"a proxy on an auto-pausing cluster: {', '.join(proxies)} exist under {where}; "
                "Aurora Serverless v2 auto-pause cannot be used with RDS Proxy"
            )
        elif not auto_pause and (p["EnableProxy"] == "true") != bool(proxies):
            self.problem(f"EnableProxy={p['EnableProxy']} but the proxy resources are {proxies} under {where}")
        for out, want in (("ProxyEnabled", bool(proxies)), ("AutoPause", auto_pause)):
            got = outputs.get(out, {}).get("Value")
            if got != ("true" if want else "false"):
                self.problem(f"output {out} is {json.dumps(got)} under {where}, expected {'true' if want else 'false'}")

    def aurora(self, clusters, instances, alone, p, where):
        if len(clusters) != 1 or alone:
            self.problem(f"expected one Aurora cluster and no RDS instance under {where}, found {sorted(clusters)} and {sorted(alone)}")
            return
        (cid, cluster), = clusters.items()
        props = cluster.get("Properties", {})
        members = [r["Properties"] for r in instances.values()
                   if r["Properties"].get("DBClusterIdentifier") == {"Ref": cid}]
        want = 2 if p["MultiAZ"] == "true" else 1
        serverless = p["DbEngine"] == "aurora-serverless"
        cls = "db.serverless" if serverless else p["AuroraInstanceClass"]
        if len(members) != want or any(m.get("DBInstanceClass") != cls for m in members):
            self.problem(f"expected {want} {cls} instance(s) in {cid} under {where}, found {members}")
        checks = {
            "Engine": (props.get("Engine"), "aurora-postgresql"),
            "StorageType": (props.get("StorageType"), STORAGE_TYPE[p["AuroraStorage"]]),
        }
        if not serverless and "ServerlessV2ScalingConfiguration" in props:
            self.problem(f"{cid} has a ServerlessV2ScalingConfiguration under {where}, a provisioned cluster")
        scaling = props.get("ServerlessV2ScalingConfiguration", {})
        pause = scaling.get("SecondsUntilAutoPause")
        checks |= {} if not serverless else {
            "MinCapacity": (scaling.get("MinCapacity"), p["AuroraMinCapacity"]),
            "MaxCapacity": (scaling.get("MaxCapacity"), p["AuroraMaxCapacity"]),
            "SecondsUntilAutoPause": (pause, p["AuroraSecondsUntilAutoPause"] if float(p["AuroraMinCapacity"]) == 0 else None),
        }
        for key, (got, expected) in checks.items():
            if str(got) != str(expected):
                self.problem(f"{cid} {key} is {json.dumps(got)} under {where}, expected {json.dumps(expected)}")
        if not str(props.get("BackupRetentionPeriod", "1")).isdigit() or int(props.get("BackupRetentionPeriod", 1)) < 1:
            self.problem(f"{cid} BackupRetentionPeriod is {props.get('BackupRetentionPeriod')} under {where}; Aurora needs 1 to 35")

    def imports(self):
        exports = set()
        for out in self.tpl.get("Outputs", {}).values():
            name = out.get("Export", {}).get("Name", {})
            if isinstance(name, dict) and str(name.get("Fn::Sub", "")).startswith("${AWS::StackName}-"):
                exports.add(name["Fn::Sub"].split("-", 1)[1])
        for path, app in self.apps.items():
            for name in sorted(imported(app)):
                if name not in exports:
                    self.problem(f"{path} imports ${{DatabaseStack}}-{name}, which the database stack does not export")
        for path, app in self.apps.items():
            env = app.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables")
            if env is None:
                continue
            for var, export in (("DB_PROXY", "ProxyEnabled"), ("PGHOST", "ProxyEndpoint")):
                if imported(env.get(var)) != {export}:
                    self.problem(f"{path}: {var} must be the import of ${{DatabaseStack}}-{export}, found {json.dumps(env.get(var))}")

    def run(self):
        self.parameters()
        for c in self.combinations():
            self.check(c)
        self.imports()
        return self.problems


def imported(obj):
    """Export-name suffixes an object imports as ${DatabaseStack}-NAME."""
    if isinstance(obj, list):
        return set().union(*(imported(x) for x in obj)) if obj else set()
    if not isinstance(obj, dict):
        return set()
    if set(obj) == {"Fn::ImportValue"}:
        sub = obj["Fn::ImportValue"]
        sub = sub.get("Fn::Sub", "") if isinstance(sub, dict) else sub
        return {sub.split("-", 1)[1]} if sub.startswith("${DatabaseStack}-") else set()
    return set().union(*(imported(v) for v in obj.values())) if obj else set()


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: database-stack-contract.py DATABASE_TEMPLATE APP_TEMPLATE...")
    problems = Contract(sys.argv[1], sys.argv[2:]).run()
    for line in problems:
        print(line)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
