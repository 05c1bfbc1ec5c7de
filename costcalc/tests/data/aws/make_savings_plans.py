#!/usr/bin/env python3
"""Writes savings-plans/us-east-1.json: a TEST FIXTURE in the format of AWS's Savings Plans price
list file (AWSComputeSavingsPlan, one region: products + terms.savingsPlan[].rates[], as
"Reading the service price list file for a Savings Plan" documents it). The RATES ARE MADE UP
(those of ../commitment-rates.toml); no AWS rate could be read when this was written. Decoys a
loose match would take: Windows EC2 (RunInstances:0002), EKS Fargate, an instance type the
snapshot lacks, a Machine Learning plan. Run from this directory; the file is committed.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).parent
plans = []  # (sku, family, purchaseOption, years, rates)
COMPUTE = {
    ("No Upfront", 1): {"t4g.micro": "0.0060", "t4g.small": "0.0120", "fvcpu": "0.0250", "fgb": "0.0028", "lambda": "0.0000115"},
    ("All Upfront", 1): {"t4g.micro": "0.0055", "t4g.small": "0.0110", "fvcpu": "0.0235", "fgb": "0.0026", "lambda": "0.0000112"},
    ("All Upfront", 3): {"t4g.micro": "0.0038", "t4g.small": "0.0076", "fvcpu": "0.0170", "fgb": "0.0019", "lambda": "0.0000108"},
}


_n = [0]


def rate(sku, usage, op, service, price, unit="Hrs"):
    _n[0] += 1
    return {"discountedSku": f"D{_n[0]:08d}", "discountedUsageType": usage,
            "discountedOperation": op, "discountedServiceCode": service, "rateCode": f"{sku}.{usage}",
            "unit": unit, "discountedRate": {"price": price, "currency": "USD"}}


products, terms = [], []
for i, ((option, years), r) in enumerate(COMPUTE.items()):
    sku = f"CSP{i:02d}FIXTURE"
    products.append({"sku": sku, "productFamily": "ComputeSavingsPlans", "serviceCode": "ComputeSavingsPlans",
                     "usageType": f"ComputeSP:{years}yr{option.replace(' ', '')}", "operation": "",
                     "attributes": {"purchaseOption": option, "granularity": "hourly", "locationType": "AWS Region",
                                    "purchaseTerm": f"{years}yr", "location": "Any"}})
    terms.append({"sku": sku, "description": f"{years} year {option} Compute Savings Plan",
                  "effectiveDate": "2026-11-01T00:00:00Z",
                  "leaseContractLength": {"duration": years, "unit": "year"},
                  "rates": [
                      rate(sku, "BoxUsage:t4g.micro", "RunInstances", "AmazonEC2", r["t4g.micro"]),
                      rate(sku, "USE1-BoxUsage:t4g.small", "RunInstances", "AmazonEC2", r["t4g.small"]),
                      rate(sku, "BoxUsage:t4g.micro", "RunInstances:0002", "AmazonEC2", "0.0999"),
                      rate(sku, "BoxUsage:t9.huge", "RunInstances", "AmazonEC2", "0.0001"),
                      rate(sku, "USE1-Fargate-ARM-vCPU-Hours:perCPU", "", "AmazonECS", r["fvcpu"]),
                      rate(sku, "USE1-Fargate-ARM-GB-Hours", "", "AmazonECS", r["fgb"]),
                      rate(sku, "USE1-Fargate-ARM-vCPU-Hours:perCPU", "", "AmazonEKS", "0.0001"),
                      rate(sku, "USE1-Lambda-GB-Second-ARM", "Invoke", "AWSLambda", r["lambda"], "Lambda-GB-Second"),
                  ]})
products.append({"sku": "EISP00FIXTURE", "productFamily": "EC2InstanceSavingsPlans", "serviceCode": "ComputeSavingsPlans",
                 "usageType": "USE1-EC2SP:t4g.1yrNoUpfront", "operation": "",
                 "attributes": {"purchaseOption": "No Upfront", "instanceType": "t4g", "purchaseTerm": "1yr",
                                "location": "US East (N. Virginia)"}})
terms.append({"sku": "EISP00FIXTURE", "description": "1 year No Upfront t4g EC2 Instance Savings Plan in us-east-1",
              "leaseContractLength": {"duration": 1, "unit": "year"},
              "rates": [rate("EISP00FIXTURE", "BoxUsage:t4g.micro", "RunInstances", "AmazonEC2", "0.0050")]})
products.append({"sku": "MLSP00FIXTURE", "productFamily": "MachineLearningSavingsPlans", "attributes": {"purchaseOption": "No Upfront"}})
terms.append({"sku": "MLSP00FIXTURE", "leaseContractLength": {"duration": 1, "unit": "year"},
              "rates": [rate("MLSP00FIXTURE", "BoxUsage:t4g.micro", "RunInstances", "AmazonEC2", "0.0001")]})
doc = {"disclaimer": "TEST FIXTURE: made-up rates in the format of AWS's Savings Plans price list file; not AWS prices",
       "version": "20261101000000", "publicationDate": "2026-11-01T00:00:00Z", "regionCode": "us-east-1",
       "products": products, "terms": {"savingsPlan": terms}}
(HERE / "savings-plans" / "us-east-1.json").write_text(json.dumps(doc, indent=1) + "\n")
