"""The interface infra/loadgen/template.yaml and infra/loadgen/Dockerfile promise
scripts/loadgen-distributed: parameters, outputs, the job definition's shape, the roles' reach, the
bucket's protections, the Fargate vCPU/memory rules and the image's entry point.

    python scripts/lib/loadgen-stack-contract.py TEMPLATE DOCKERFILE

Prints one line per broken promise and exits 1; cfn-lint checks the rest (types, references).
Needs cfnlint (.venv/infra) to read the YAML with its short-form intrinsics.
"""

import json
import re
import sys

from cfnlint.decode import decode

# name -> (type, default or None when required, allowed values or None)
PARAMETERS = {
    "ImageUri": ("String", None, None),
    "CpuArchitecture": ("String", "ARM64", ["ARM64", "X86_64"]),
    "Spot": ("String", "false", ["true", "false"]),
    "ShardVcpu": ("String", "1", ["0.25", "0.5", "1", "2", "4"]),
    "ShardMemoryMiB": ("Number", "2048", None),
    "MaxVcpus": ("Number", "64", None),
    "VpcId": ("AWS::EC2::VPC::Id", None, None),
    "SubnetIds": ("List<AWS::EC2::Subnet::Id>", None, None),
    "AssignPublicIp": ("String", "ENABLED", ["ENABLED", "DISABLED"]),
    "OutputRetentionDays": ("Number", "30", None),
    "JobTimeoutSeconds": ("Number", "7200", None),
}
OUTPUTS = ["JobQueueArn", "JobDefinitionArn", "OutputBucketName", "RepositoryUri", "LogGroupName"]


def fargate_memory(vcpu):
    """Fargate's memory choices in MiB for a vCPU count (AWS Batch and ECS task sizes)."""
    if vcpu == "0.25":
        return [512, 1024, 2048]
    low, high = {"0.5": (1, 4), "1": (2, 8), "2": (4, 16), "4": (8, 30)}[vcpu]
    return [gib * 1024 for gib in range(low, high + 1)]


def ref(name):
    return {"Ref": name}


class Contract:
    def __init__(self, template, dockerfile):
        self.problems = []
        tpl, errors = decode(template)
        if errors:
            sys.exit(f"{template} does not parse: {errors}")
        self.tpl = tpl
        self.res = tpl.get("Resources", {})
        with open(dockerfile, encoding="utf-8") as f:
            self.dockerfile = f.read()

    def expect(self, what, want, got):
        if want == got:
            return
        if isinstance(want, dict) and isinstance(got, dict):
            # Name only the keys that differ: a role's grants are long.
            keys = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
            want, got = {k: want.get(k) for k in keys}, {k: got.get(k) for k in keys}
        self.problems.append(f"{what}: expected {json.dumps(want)}, found {json.dumps(got)}")

    def resource(self, logical_id, rtype):
        r = self.res.get(logical_id, {})
        self.expect(f"resource {logical_id} type", rtype, r.get("Type"))
        return r.get("Properties", {})

    def parameters(self):
        params = self.tpl.get("Parameters", {})
        for name, (ptype, default, allowed) in PARAMETERS.items():
            p = params.get(name)
            if p is None:
                self.problems.append(f"parameter {name} is missing")
                continue
            self.expect(f"parameter {name} type", ptype, p.get("Type"))
            got_default = None if "Default" not in p else str(p["Default"])
            self.expect(f"parameter {name} default", default, got_default)
            if allowed is not None:
                self.expect(f"parameter {name} allowed values", allowed, [str(v) for v in p.get("AllowedValues", [])])
        for name, p in params.items():
            if not p.get("Description"):
                self.problems.append(f"parameter {name} has no Description")

    def outputs(self):
        outputs = self.tpl.get("Outputs", {})
        for name in OUTPUTS:
            if name not in outputs:
                self.problems.append(f"output {name} is missing")
        for name, o in outputs.items():
            if not o.get("Description"):
                self.problems.append(f"output {name} has no Description")
        self.expect("output LogGroupName", ref("LogGroup"), outputs.get("LogGroupName", {}).get("Value"))

    def job_definition(self):
        jd = self.resource("JobDefinition", "AWS::Batch::JobDefinition")
        self.expect("job definition type", "container", jd.get("Type"))
        self.expect("job definition platform capabilities", ["FARGATE"], jd.get("PlatformCapabilities"))
        self.expect("job timeout", ref("JobTimeoutSeconds"), jd.get("Timeout", {}).get("AttemptDurationSeconds"))
        c = jd.get("ContainerProperties", {})
        self.expect("job image", ref("ImageUri"), c.get("Image"))
        self.expect("job default command", ["--help"], c.get("Command"))
        sizes = {r.get("Type"): r.get("Value") for r in c.get("ResourceRequirements", [])}
        self.expect("job resource requirements", {"VCPU": ref("ShardVcpu"), "MEMORY": ref("ShardMemoryMiB")}, sizes)
        self.expect("job CPU architecture", ref("CpuArchitecture"), c.get("RuntimePlatform", {}).get("CpuArchitecture"))
        self.expect("job public IP", ref("AssignPublicIp"), c.get("NetworkConfiguration", {}).get("AssignPublicIp"))
        self.expect("job role", {"Fn::GetAtt": ["JobRole", "Arn"]}, c.get("JobRoleArn"))
        self.expect("job execution role", {"Fn::GetAtt": ["ExecutionRole", "Arn"]}, c.get("ExecutionRoleArn"))
        logs = c.get("LogConfiguration", {})
        self.expect("job log driver", "awslogs", logs.get("LogDriver"))
        self.expect("job log group", ref("LogGroup"), logs.get("Options", {}).get("awslogs-group"))
        ce = self.resource("ComputeEnvironment", "AWS::Batch::ComputeEnvironment")
        self.expect("compute type", {"Fn::If": ["UseSpot", "FARGATE_SPOT", "FARGATE"]}, ce.get("ComputeResources", {}).get("Type"))
        if "ServiceRole" in ce:
            self.problems.append("compute environment: ServiceRole set (Batch's service-linked role is the agreed one)")

    def statements(self, role):
        props = self.resource(role, "AWS::IAM::Role")
        if props.get("ManagedPolicyArns"):
            self.problems.append(f"{role}: managed policies {props['ManagedPolicyArns']} (inline statements only)")
        return [s for p in props.get("Policies", []) for s in p.get("PolicyDocument", {}).get("Statement", [])]

    def roles(self):
        # The job role: s3:PutObject on <bucket>/runs/* and nothing else.
        want = [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${OutputBucket.Arn}/runs/*"}}]
        self.expect("job role statements", want, self.statements("JobRole"))
        granted = {}
        for s in self.statements("ExecutionRole"):
            actions = s.get("Action") if isinstance(s.get("Action"), list) else [s.get("Action")]
            for a in actions:
                granted[a] = s.get("Resource")
        pull = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
        want = {"ecr:GetAuthorizationToken": "*", **{a: {"Fn::GetAtt": ["Repository", "Arn"]} for a in pull}}
        want |= {a: {"Fn::GetAtt": ["LogGroup", "Arn"]} for a in ["logs:CreateLogStream", "logs:PutLogEvents"]}
        self.expect("execution role grants", want, granted)

    def bucket(self):
        b = self.resource("OutputBucket", "AWS::S3::Bucket")
        block = b.get("PublicAccessBlockConfiguration", {})
        for key in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"]:
            self.expect(f"bucket public access block {key}", True, block.get(key))
        enc = b.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
        if not enc:
            self.problems.append("bucket: no default encryption")
        rules = b.get("LifecycleConfiguration", {}).get("Rules", [])
        expiry = [r for r in rules if r.get("Prefix") == "runs/" and r.get("Status") == "Enabled"]
        self.expect("bucket lifecycle expiry of runs/", [ref("OutputRetentionDays")], [r.get("ExpirationInDays") for r in expiry])
        if not any(r.get("AbortIncompleteMultipartUpload") and r.get("Status") == "Enabled" for r in rules):
            self.problems.append("bucket: no rule aborting incomplete multipart uploads")
        policy = self.resource("OutputBucketPolicy", "AWS::S3::BucketPolicy").get("PolicyDocument", {})
        tls = [
            s for s in policy.get("Statement", [])
            if s.get("Effect") == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        if not tls:
            self.problems.append("bucket policy: no Deny when aws:SecureTransport is false")

    def fargate_rules(self):
        """Every ShardVcpu value has a rule allowing exactly Fargate's memory sizes; the defaults pass."""
        allowed = {}
        for name, rule in self.tpl.get("Rules", {}).items():
            cond = rule.get("RuleCondition", {}).get("Fn::Equals", [])
            if len(cond) != 2 or cond[0] != ref("ShardVcpu"):
                continue
            for a in rule.get("Assertions", []):
                values, subject = a.get("Assert", {}).get("Fn::Contains", [None, None])
                if subject == ref("ShardMemoryMiB"):
                    allowed[str(cond[1])] = [int(v) for v in values]
        params = self.tpl.get("Parameters", {})
        for vcpu in PARAMETERS["ShardVcpu"][2]:
            self.expect(f"rule: memory for ShardVcpu {vcpu}", fargate_memory(vcpu), allowed.get(vcpu))
        vcpu, memory = str(params["ShardVcpu"]["Default"]), int(params["ShardMemoryMiB"]["Default"])
        if memory not in fargate_memory(vcpu):
            self.problems.append(f"defaults: {vcpu} vCPU with {memory} MiB is not a Fargate size")

    def image(self):
        final = self.dockerfile[self.dockerfile.rfind("\nFROM ") :]
        base = re.search(r"^FROM (\S+)", final.lstrip("\n"), re.M)
        if not base or not base.group(1).startswith("gcr.io/distroless/"):
            self.problems.append(f"image: the final stage is not distroless: {base.group(1) if base else None}")
        for line in ['USER 65532:65532', 'ENTRYPOINT ["/usr/local/bin/loadgen"]', 'CMD ["--help"]']:
            if not re.search(rf"^{re.escape(line)}$", final, re.M):
                self.problems.append(f"image: the final stage lacks `{line}`")
        if "cargo build --release --locked -p loadgen --bin loadgen" not in self.dockerfile:
            self.problems.append("image: no `cargo build --release --locked -p loadgen --bin loadgen`")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: loadgen-stack-contract.py TEMPLATE DOCKERFILE")
    c = Contract(sys.argv[1], sys.argv[2])
    for check in [c.parameters, c.outputs, c.job_definition, c.roles, c.bucket, c.fargate_rules, c.image]:
        try:
            check()
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            c.problems.append(f"{check.__name__}: the template's shape is unexpected ({type(e).__name__}: {e})")
    for p in c.problems:
        print(p)
    sys.exit(1 if c.problems else 0)


if __name__ == "__main__":
    main()
