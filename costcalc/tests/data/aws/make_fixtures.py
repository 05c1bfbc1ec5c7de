#!/usr/bin/env python3
"""Writes the AWS fixtures of costcalc's tests, in the formats the AWS CLI prints:

- pricing/*.json: `aws pricing get-products --format-version aws_v1` output, one file per query
  that `costcalc prices fetch` makes (FormatVersion, PriceList = products as JSON *strings*). The
  us-east-1 figures are the bundled snapshot's (prices/us-east-1.toml), written the way the Price
  List writes them: per request (not per million), tier ranges in the billed unit, a free first
  range for data transfer, a mix of unprefixed (`Lambda-GB-Second`, `BoxUsage:t3.micro`) and
  `USE1-` usage types. Decoys a loose match would take: another region (`USW2-`), Windows and
  capacity-reservation EC2 rows, MySQL RDS rows, WebSocket and idle-IPv4 prices. The RDS Reserved
  terms of db.t4g.micro are MADE UP (no AWS offer could be read when they were written): they give
  the Reserved term structure of the AmazonRDS price list (an "Upfront Fee" dimension in unit
  Quantity, an hourly one in Hrs, termAttributes LeaseContractLength / PurchaseOption /
  OfferingClass), not AWS's prices.
- cloudwatch/get-metric-data.json: `aws cloudwatch get-metric-data` output for a Lambda function
  behind an HTTP API over 14 days at 60 s, with gaps and one metric without data.

Run from this directory: python3 make_fixtures.py (stdlib only). The files are committed; the tests
read them, they never run this script.
"""
import json
import pathlib
import tomllib
from datetime import datetime, timedelta, timezone
from decimal import Decimal

HERE = pathlib.Path(__file__).parent
SNAP = tomllib.loads((HERE / "../../../prices/us-east-1.toml").read_text())
PUBLISHED = "2026-11-01T00:12:34Z"
LOCATION = {"us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)"}
_sku = [0]


def sku():
    _sku[0] += 1
    return f"FX{_sku[0]:04d}SKU7QK2N"


def dims(sku_, unit, ranges, desc):
    """ranges: [(begin, end or 'Inf', usd)]"""
    out = {}
    for i, (b, e, usd) in enumerate(ranges):
        rc = f"{sku_}.JRTCKXETXF.{i:02d}6YS6EN2CT7"
        out[rc] = {
            "unit": unit,
            "endRange": e if e == "Inf" else f"{Decimal(e):f}",
            "description": f"{desc} ({b} - {e})" if len(ranges) > 1 else desc,
            "appliesTo": [],
            "rateCode": rc,
            "beginRange": f"{Decimal(b):f}",
            "pricePerUnit": {"USD": f"{Decimal(str(usd)):.10f}"},
        }
    return out


def product(service, family, usagetype, unit, ranges, region="us-east-1", extra=None, desc=None):
    s = sku()
    attrs = {
        "servicecode": service,
        "location": LOCATION[region],
        "locationType": "AWS Region",
        "usagetype": usagetype,
        "operation": "",
        "regionCode": region,
        "servicename": service,
    }
    if extra:
        attrs.update(extra)
    doc = {
        "product": {"productFamily": family, "attributes": attrs, "sku": s},
        "serviceCode": service,
        "terms": {
            "OnDemand": {
                f"{s}.JRTCKXETXF": {
                    "priceDimensions": dims(s, unit, ranges, desc or f"{usagetype} in {region}"),
                    "sku": s,
                    "effectiveDate": "2026-11-01T00:00:00Z",
                    "offerTermCode": "JRTCKXETXF",
                    "termAttributes": {},
                }
            }
        },
        "version": "20261101001234",
        "publicationDate": PUBLISHED,
    }
    return doc


# Reserved offers as the AmazonRDS price list writes them: (lease, purchase option, upfront USD,
# hourly USD). MADE-UP figures (see the module docstring), those of tests/data/commitment-rates.toml.
RESERVED_MADE_UP = [
    ("1yr", "No Upfront", "0", "0.0110"),
    ("1yr", "Partial Upfront", "45", "0.0050"),
    ("1yr", "All Upfront", "87.60", "0"),
    ("3yr", "All Upfront", "197.10", "0"),
]


def with_reserved(doc, offers):
    s = doc["product"]["sku"]
    terms = {}
    for i, (lease, option, upfront, hourly) in enumerate(offers):
        code = f"RSV{i:02d}TERM"
        dims = {
            f"{s}.{code}.2TG2D8R56U": {
                "unit": "Quantity", "description": "Upfront Fee", "appliesTo": [],
                "rateCode": f"{s}.{code}.2TG2D8R56U", "pricePerUnit": {"USD": upfront},
            },
            f"{s}.{code}.6YS6EN2CT7": {
                "unit": "Hrs", "endRange": "Inf", "beginRange": "0", "appliesTo": [],
                "description": f"{option} reserved hourly", "rateCode": f"{s}.{code}.6YS6EN2CT7",
                "pricePerUnit": {"USD": f"{Decimal(hourly):.10f}"},
            },
        }
        terms[f"{s}.{code}"] = {
            "priceDimensions": dims, "sku": s, "effectiveDate": "2026-11-01T00:00:00Z",
            "offerTermCode": code,
            "termAttributes": {"LeaseContractLength": lease, "OfferingClass": "standard",
                               "PurchaseOption": option},
        }
    doc["terms"]["Reserved"] = terms
    return doc


def flat(service, family, usagetype, unit, usd, **kw):
    return product(service, family, usagetype, unit, [(0, "Inf", usd)], **kw)


def tiered(service, family, usagetype, unit, tiers, per=Decimal(1), **kw):
    ranges = []
    for t in tiers:
        b = Decimal(t["from"]) * per
        e = Decimal(t["to"]) * per if "to" in t else "Inf"
        ranges.append((b, e, Decimal(t["usd"]) / per))
    return product(service, family, usagetype, unit, ranges, **kw)


M = Decimal(1000000)
L, A, F, E, R = SNAP["lambda"], SNAP["apigw"], SNAP["fargate"], SNAP["ec2"], SNAP["rds"]

files = {}
files["lambda"] = [
    flat("AWSLambda", "Serverless", "Request", "Requests", Decimal(L["requests"]["usd"]) / M, extra={"group": "AWS-Lambda-Requests"}),
    flat("AWSLambda", "Serverless", "Request-ARM", "Requests", Decimal(L["requests"]["usd"]) / M, extra={"group": "AWS-Lambda-Requests-ARM"}),
    flat("AWSLambda", "Serverless", "Lambda-Storage-Ephemeral-GB-Second", "GB-Seconds", L["ephemeral_storage"]["usd"]),
    tiered("AWSLambda", "Serverless", "Lambda-GB-Second", "Lambda-GB-Second", L["x86_64"]["duration"]["tiers"], extra={"group": "AWS-Lambda-Duration"}),
    tiered("AWSLambda", "Serverless", "Lambda-GB-Second-ARM", "Lambda-GB-Second", L["arm64"]["duration"]["tiers"], extra={"group": "AWS-Lambda-Duration-ARM"}),
    flat("AWSLambda", "Serverless", "Lambda-Provisioned-Concurrency", "Lambda-GB-Second", L["x86_64"]["provisioned_concurrency"]["usd"]),
    flat("AWSLambda", "Serverless", "Lambda-Provisioned-GB-Second", "Lambda-GB-Second", L["x86_64"]["provisioned_duration"]["usd"]),
    flat("AWSLambda", "Serverless", "Lambda-Provisioned-Concurrency-ARM", "Lambda-GB-Second", L["arm64"]["provisioned_concurrency"]["usd"]),
    flat("AWSLambda", "Serverless", "Lambda-Provisioned-GB-Second-ARM", "Lambda-GB-Second", L["arm64"]["provisioned_duration"]["usd"]),
    # Decoys: another region's duration (prefixed) and Lambda@Edge.
    tiered("AWSLambda", "Serverless", "USW2-Lambda-GB-Second", "Lambda-GB-Second", [{"from": "0", "usd": "0.0000199999"}], region="us-west-2"),
    flat("AWSLambda", "Serverless", "Lambda-Edge-Request", "Requests", "0.0000006"),
]
files["apigateway"] = [
    tiered("AmazonApiGateway", "API Calls", "USE1-ApiGatewayRequest", "Requests", A["rest"]["tiers"], per=M),
    tiered("AmazonApiGateway", "API Calls", "USE1-ApiGatewayHttpRequest", "Requests", A["http"]["tiers"], per=M),
    flat("AmazonApiGateway", "WebSocket", "USE1-ApiGatewayMessage", "Messages", "0.000001"),
]
files["ecs"] = [
    flat("AmazonECS", "Compute", "USE1-Fargate-vCPU-Hours:perCPU", "hours", F["x86_64"]["vcpu"]["usd"]),
    flat("AmazonECS", "Compute", "USE1-Fargate-GB-Hours", "hours", F["x86_64"]["memory"]["usd"]),
    flat("AmazonECS", "Compute", "USE1-Fargate-ARM-vCPU-Hours:perCPU", "hours", F["arm64"]["vcpu"]["usd"]),
    flat("AmazonECS", "Compute", "USE1-Fargate-ARM-GB-Hours", "hours", F["arm64"]["memory"]["usd"]),
    flat("AmazonECS", "Compute", "USE1-Fargate-EphemeralStorage-GB-Hours", "GB-Hours", F["ephemeral_storage"]["usd"]),
    flat("AmazonECS", "Compute", "USE1-Fargate-Windows-vCPU-Hours:perCPU", "hours", "0.09148"),
]

ec2 = []
for name, i in E["instances"].items():
    proc = "AWS Graviton2 Processor" if name.startswith("t4g") else (
        "AWS Graviton3 Processor" if i["arch"] == "arm64" else "Intel Skylake E5 2686 v5")
    mem = f"{Decimal(i['memory_gib']).normalize():f} GiB"
    common = {"instanceType": name, "tenancy": "Shared", "preInstalledSw": "NA", "vcpu": str(i["vcpus"]),
              "memory": mem, "physicalProcessor": proc, "licenseModel": "No License required"}
    ec2.append(flat("AmazonEC2", "Compute Instance", f"BoxUsage:{name}", "Hrs", i["usd"],
                    extra={**common, "operatingSystem": "Linux", "capacitystatus": "Used", "operation": "RunInstances"}))
    if name == "t3.micro":
        ec2.append(flat("AmazonEC2", "Compute Instance", f"BoxUsage:{name}", "Hrs", "0.0196",
                        extra={**common, "operatingSystem": "Windows", "capacitystatus": "Used", "operation": "RunInstances:0002"}))
        ec2.append(flat("AmazonEC2", "Compute Instance", f"UnusedBox:{name}", "Hrs", i["usd"],
                        extra={**common, "operatingSystem": "Linux", "capacitystatus": "UnusedCapacityReservation"}))
files["ec2-instances"] = ec2
files["ec2-storage"] = [flat("AmazonEC2", "Storage", "EBS:VolumeUsage.gp3", "GB-Mo", E["ebs_gp3"]["usd"], extra={"volumeApiName": "gp3"})]
files["ec2-nat"] = [
    flat("AmazonEC2", "NAT Gateway", "NatGateway-Hours", "Hrs", SNAP["nat"]["hour"]["usd"]),
    flat("AmazonEC2", "NAT Gateway", "NatGateway-Bytes", "GB", SNAP["nat"]["processed"]["usd"]),
]
files["vpc"] = [
    flat("AmazonVPC", "VpcPublicIPv4Address", "PublicIPv4:InUseAddress", "Hrs", SNAP["ipv4"]["hour"]["usd"]),
    flat("AmazonVPC", "VpcPublicIPv4Address", "PublicIPv4:IdleAddress", "Hrs", "0.005"),
]
rds = []
for name, i in R["instances"].items():
    common = {"instanceType": name, "vcpu": str(i["vcpus"])}
    single = flat("AmazonRDS", "Database Instance", f"InstanceUsage:{name}", "Hrs", i["single_az"],
                  extra={**common, "databaseEngine": "PostgreSQL", "deploymentOption": "Single-AZ"})
    rds.append(with_reserved(single, RESERVED_MADE_UP) if name == "db.t4g.micro" else single)
    rds.append(flat("AmazonRDS", "Database Instance", f"Multi-AZUsage:{name}", "Hrs", i["multi_az"],
                    extra={**common, "databaseEngine": "PostgreSQL", "deploymentOption": "Multi-AZ"}))
    if name == "db.t3.micro":
        mysql = flat("AmazonRDS", "Database Instance", f"InstanceUsage:{name}", "Hrs", "0.017",
                     extra={**common, "databaseEngine": "MySQL", "deploymentOption": "Single-AZ"})
        rds.append(with_reserved(mysql, [("1yr", "All Upfront", "1", "0")]))
files["rds-instances"] = rds
files["rds-storage"] = [
    flat("AmazonRDS", "Database Storage", "RDS:GP3-Storage", "GB-Mo", R["storage_single_az"]["usd"], extra={"volumeType": "General Purpose-GP3"}),
    flat("AmazonRDS", "Database Storage", "RDS:Multi-AZ-GP3-Storage", "GB-Mo", R["storage_multi_az"]["usd"], extra={"volumeType": "General Purpose-GP3"}),
    flat("AmazonRDS", "Database Proxy", "USE1-RDS:ProxyUsage", "Hrs", SNAP["rds_proxy"]["vcpu"]["usd"], extra={"databaseEngine": "PostgreSQL"}),
    flat("AmazonRDS", "Database Proxy", "USE1-RDS:ProxyUsage", "Hrs", "0.0150", extra={"databaseEngine": "MySQL"}),
    flat("AmazonRDS", "Database Proxy", "USE1-RDS:ProxyUsage", "Hrs", "0.0180", extra={"databaseEngine": "Aurora PostgreSQL"}),
]
files["elb"] = [
    flat("AWSELB", "Load Balancer-Application", "LoadBalancerUsage", "Hrs", SNAP["alb"]["hour"]["usd"]),
    # A Classic Load Balancer row with the same usage type (only in the offline file).
    flat("AWSELB", "Load Balancer", "LoadBalancerUsage", "Hrs", "0.025"),
    flat("AWSELB", "Load Balancer-Application", "LCUUsage", "LCU-Hrs", SNAP["alb"]["lcu"]["usd"]),
]
files["cloudwatch"] = [
    flat("AmazonCloudWatch", "Data Payload", "DataProcessing-Bytes", "GB", SNAP["logs"]["ingest"]["usd"]),
    flat("AmazonCloudWatch", "Storage Snapshot", "TimedStorage-ByteHrs", "GB-Mo", SNAP["logs"]["storage"]["usd"]),
]
# Data transfer rows carry from/to attributes instead of regionCode; the first GB is listed free.
t = SNAP["transfer"]["out"]["tiers"]
out = tiered("AWSDataTransfer", "Data Transfer", "DataTransfer-Out-Bytes", "GB",
             [{"from": "0", "to": "1", "usd": "0"}] + [dict(x, **({"from": "1"} if x["from"] == "0" else {})) for x in t])
a = out["product"]["attributes"]
del a["regionCode"]
a.update({"fromRegionCode": "us-east-1", "fromLocation": LOCATION["us-east-1"], "toLocation": "External",
          "toLocationType": "Other", "transferType": "AWS Outbound"})
files["datatransfer"] = [out]

# Aurora PostgreSQL (appended last so that the other files' skus stay as they were). Aurora MySQL
# rows share the usage types at made-up different rates (decoys); the I/O rate is listed per request.
A = SNAP["aurora"]
pg = {"databaseEngine": "Aurora PostgreSQL"}
aurora = [
    flat("AmazonRDS", "ServerlessV2", "USE1-Aurora:ServerlessV2Usage", "ACU-Hr", A["serverless_v2"]["standard"]["usd"], extra=pg),
    flat("AmazonRDS", "ServerlessV2", "USE1-Aurora:ServerlessV2Usage", "ACU-Hr", "0.13", extra={"databaseEngine": "Aurora MySQL"}),
    flat("AmazonRDS", "ServerlessV2", "USE1-Aurora:ServerlessV2IOOptimizedUsage", "ACU-Hr", A["serverless_v2"]["io_optimized"]["usd"], extra=pg),
    flat("AmazonRDS", "Database Storage", "Aurora:StorageUsage", "GB-Mo", A["storage"]["standard"]["usd"], extra=pg),
    flat("AmazonRDS", "Database Storage", "Aurora:IO-OptimizedStorageUsage", "GB-Mo", A["storage"]["io_optimized"]["usd"], extra=pg),
    flat("AmazonRDS", "System Operation", "Aurora:StorageIOUsage", "IOs", str(Decimal(A["io"]["standard"]["usd"]) / Decimal(1000000)), extra=pg),
    flat("AmazonRDS", "System Operation", "Aurora:StorageIOUsage", "IOs", "0.00000021", extra={"databaseEngine": "Aurora MySQL"}),
]
for name, i in A["instances"].items():
    common = {"instanceType": name, "vcpu": str(i["vcpus"]), **pg}
    aurora.append(flat("AmazonRDS", "Database Instance", f"InstanceUsage:{name}", "Hrs", i["standard"], extra=common))
    aurora.append(flat("AmazonRDS", "Database Instance", f"InstanceUsageIOOptimized:{name}", "Hrs", i["io_optimized"], extra=common))
files["aurora"] = aurora

(HERE / "pricing").mkdir(exist_ok=True)
for name, products in files.items():
    doc = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(p, separators=(",", ":")) for p in products]}
    (HERE / "pricing" / f"{name}.json").write_text(json.dumps(doc, indent=4) + "\n")

# CloudWatch: 14 days ending 2026-11-15T00:00Z at 60 s. Traffic only 10:00-10:11 UTC each day (a side
# project), day 7 has a burst; Throttles never happened (CloudWatch then returns no datapoints).
end = datetime(2026, 11, 15, tzinfo=timezone.utc)
start = end - timedelta(days=14)
ts = []
for d in range(14):
    for m in range(12):
        ts.append(start + timedelta(days=d, hours=10, minutes=m))
inv = [600.0 if (i // 12 == 7 and i % 12 == 5) else 100.0 for i in range(len(ts))]
iso = [t.strftime("%Y-%m-%dT%H:%M:%S+00:00") for t in ts]


def res(id_, label, values):
    return {"Id": id_, "Label": label, "Timestamps": iso if values else [], "Values": values, "StatusCode": "Complete"}


metrics = {
    "MetricDataResults": [
        res("lambda_invocations", "Invocations", inv),
        res("lambda_duration", "Duration", [v * 85.5 for v in inv]),
        res("lambda_concurrency", "ConcurrentExecutions", [9.0 if v > 100 else 2.0 for v in inv]),
        res("lambda_errors", "Errors", [1.0 if i % 50 == 0 else 0.0 for i in range(len(inv))]),
        res("lambda_throttles", "Throttles", []),
        res("http_count", "Count", inv),
        res("http_bytes", "DataProcessed", [v * 3072 for v in inv]),
    ],
    "Messages": [],
}
(HERE / "cloudwatch").mkdir(exist_ok=True)
(HERE / "cloudwatch" / "get-metric-data.json").write_text(json.dumps(metrics, indent=4) + "\n")
