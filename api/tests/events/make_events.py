#!/usr/bin/env python3
"""Writes the Lambda event files of this folder (run it from anywhere; it rewrites them all).

Each event has the exact shape AWS sends for its source, copied from events logged by real
functions and from the AWS documentation's examples: API Gateway REST (v1 proxy, stage "Prod"),
HTTP API (v2, "$default" and stage "Prod"), ALB target groups (with and without multi-value
headers) and Lambda Function URLs (v2 shape, base64 bodies). Only paths, headers and bodies were
changed to hit this API's routes. Placeholders filled in by api/tests/it/lambda_events/:
{{ACCESS_TOKEN}} and {{ENTRY_ID}} (bodies that carry them are plain text, never base64).
"""

import base64
import json
import pathlib

HERE = pathlib.Path(__file__).parent
TIME = "27/Nov/2026:06:00:00 +0000"
EPOCH = 1795759200000
BEARER = "Bearer {{ACCESS_TOKEN}}"


def b64(s):
    return base64.b64encode(s.encode()).decode()


def v2(method, path, *, stage="$default", query="", headers=None, body=None, base64_body=False,
       cookies=None, url=False):
    """HTTP API payload 2.0; Function URLs send the same shape with their own host."""
    host = "a1b2c3d4e5.lambda-url.us-east-1.on.aws" if url else "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    h = {
        "accept": "*/*",
        "host": host,
        "user-agent": "curl/8.5.0",
        "x-amzn-trace-id": "Root=1-6746b2a0-0b9c5f3e2a1d4c6b8e7f9a01",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if url:
        h["x-amzn-tls-cipher-suite"] = "TLS_AES_128_GCM_SHA256"
        h["x-amzn-tls-version"] = "TLSv1.3"
    h.update(headers or {})
    if body is not None:
        h["content-length"] = str(len(body.encode()))
    ev = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": h,
        "requestContext": {
            "accountId": "anonymous" if url else "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": host,
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "curl/8.5.0",
            },
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "routeKey": "$default",
            "stage": stage,
            "time": TIME,
            "timeEpoch": EPOCH,
        },
        "isBase64Encoded": base64_body,
    }
    if query:
        qs = {}
        for pair in query.split("&"):
            k, _, v = pair.partition("=")
            qs[k] = f"{qs[k]},{v}" if k in qs else v
        ev["queryStringParameters"] = qs
    if cookies:
        ev["cookies"] = cookies
    if body is not None:
        ev["body"] = b64(body) if base64_body else body
    return ev


def v1(method, path, *, stage="Prod", query=None, headers=None, body=None, base64_body=False):
    """REST API proxy integration: `path` has no stage; requestContext.path has it."""
    host = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    h = {
        "Accept": "*/*",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Viewer-Country": "US",
        "Host": host,
        "User-Agent": "curl/8.5.0",
        "Via": "2.0 6b1f0c2e8d4a3f5e7b9c1d2e3f4a5b6c.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": "Xm4m2Sbbm1rQd2Z5Jt6pEXAMPLEv1kqmzVg5z6lY9u1oQ==",
        "X-Amzn-Trace-Id": "Root=1-6746b2a0-0b9c5f3e2a1d4c6b8e7f9a01",
        "X-Forwarded-For": "203.0.113.7, 130.176.0.10",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    h.update(headers or {})
    mv = {k: [v] for k, v in h.items()}
    # A repeated header arrives once in `headers` (the last value) and whole in multiValueHeaders.
    mv["Accept"] = ["application/json", "*/*"]
    ev = {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": h,
        "multiValueHeaders": mv,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "k2v7q9",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "extendedRequestId": "Cz8mVFz2IAMFQ3A=",
            "requestTime": TIME,
            "path": f"/{stage}{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": "a1b2c3d4e5",
            "requestTimeEpoch": EPOCH,
            "requestId": "0b3e8d2c-4f6a-4b1e-9c7d-2a5f8e1b3c4d",
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.7",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": "curl/8.5.0",
                "user": None,
            },
            "domainName": host,
            "apiId": "a1b2c3d4e5",
        },
        "body": (b64(body) if base64_body else body) if body is not None else None,
        "isBase64Encoded": base64_body,
    }
    return ev


def alb(method, path, *, multi=False, query=None, headers=None, body=None, base64_body=False):
    """ALB target group event; with multi-value headers on, only the multiValue* fields come."""
    h = {
        "accept": "*/*",
        "host": "journal-alb-1234567890.us-east-1.elb.amazonaws.com",
        "user-agent": "curl/8.5.0",
        "x-amzn-trace-id": "Root=1-6746b2a0-0b9c5f3e2a1d4c6b8e7f9a01",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-port": "80",
        "x-forwarded-proto": "http",
    }
    h.update(headers or {})
    ev = {
        "requestContext": {
            "elb": {
                "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/journal-api/6d0ecf831eec9f09"
            }
        },
        "httpMethod": method,
        "path": path,
        "isBase64Encoded": base64_body,
        "body": (b64(body) if base64_body else body) if body is not None else "",
    }
    if multi:
        mv = {k: [v] for k, v in h.items()}
        mv["accept"] = ["application/json", "*/*"]
        ev["multiValueHeaders"] = mv
        ev["multiValueQueryStringParameters"] = query or {}
    else:
        ev["headers"] = h
        ev["queryStringParameters"] = {k: v[-1] for k, v in (query or {}).items()}
    return ev


JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
AUTH = {"authorization": BEARER}
ENTRY = json.dumps({"work": "wrote the lambda adapter", "struggle": "stage prefixes", "intention": "ship it"})
REGISTER = json.dumps({"email": "lambda@example.com", "password": "correct horse battery"})
LOGIN_FORM = "username=lambda%40example.com&password=correct+horse+battery"

EVENTS = {
    # HTTP API, $default stage: the full journey.
    "apigw-v2-health": v2("GET", "/health"),
    "apigw-v2-register-base64": v2("POST", "/api/v1/auth/register", headers=JSON, body=REGISTER, base64_body=True),
    "apigw-v2-login-form-base64": v2("POST", "/api/v1/auth/login", headers=FORM, body=LOGIN_FORM, base64_body=True),
    "apigw-v2-create": v2("POST", "/api/v1/entries", headers={**JSON, **AUTH}, body=ENTRY),
    "apigw-v2-list-query": v2("GET", "/api/v1/entries", query="limit=1", headers=AUTH),
    "apigw-v2-get": v2("GET", "/api/v1/entries/{{ENTRY_ID}}", headers=AUTH),
    "apigw-v2-update": v2("PUT", "/api/v1/entries/{{ENTRY_ID}}", headers={**JSON, **AUTH},
                          body=json.dumps({"work": "edited on lambda"})),
    "apigw-v2-delete": v2("DELETE", "/api/v1/entries/{{ENTRY_ID}}", headers=AUTH),
    "apigw-v2-create-no-token-401": v2("POST", "/api/v1/entries", headers=JSON, body=ENTRY),
    "apigw-v2-unknown-route-404": v2("GET", "/api/v1/nope"),
    "apigw-v2-create-too-large-413": v2("POST", "/api/v1/entries", headers={**JSON, **AUTH},
                                        body=json.dumps({"work": "x" * 70000, "struggle": "s", "intention": "i"})),
    "apigw-v2-register-invalid-422": v2("POST", "/api/v1/auth/register", headers=JSON,
                                        body=json.dumps({"email": "not-an-email", "password": "short"})),
    # HTTP API on a named stage: rawPath carries /Prod.
    "apigw-v2-stage-health": v2("GET", "/health", stage="Prod"),
    "apigw-v2-stage-list-query": v2("GET", "/api/v1/entries", stage="Prod", query="limit=5", headers=AUTH),
    # REST API, stage Prod: path without the stage, multi-value headers and query strings.
    "apigw-v1-health": v1("GET", "/health"),
    "apigw-v1-register": v1("POST", "/api/v1/auth/register", headers={"Content-Type": "application/json"},
                            body=json.dumps({"email": "rest@example.com", "password": "correct horse battery"})),
    "apigw-v1-login-form": v1("POST", "/api/v1/auth/login",
                              headers={"Content-Type": "application/x-www-form-urlencoded"},
                              body="username=rest%40example.com&password=correct+horse+battery"),
    "apigw-v1-create": v1("POST", "/api/v1/entries",
                                 headers={"Content-Type": "application/json", "Authorization": BEARER},
                                 body=ENTRY),
    "apigw-v1-list-query": v1("GET", "/api/v1/entries", query={"limit": ["10"]},
                              headers={"Authorization": BEARER}),
    "apigw-v1-unknown-route-404": v1("GET", "/nope"),
    # ALB target group: plain and multi-value header modes.
    "alb-health": alb("GET", "/health"),
    "alb-register": alb("POST", "/api/v1/auth/register", headers=JSON,
                        body=json.dumps({"email": "alb@example.com", "password": "correct horse battery"})),
    "alb-login-form-multi-base64": alb("POST", "/api/v1/auth/login", multi=True, headers=FORM,
                                       body="username=alb%40example.com&password=correct+horse+battery",
                                       base64_body=True),
    "alb-list-query-multi": alb("GET", "/api/v1/entries", multi=True, query={"limit": ["1"]}, headers=AUTH),
    "alb-list-no-token-401": alb("GET", "/api/v1/entries"),
    # Function URL: v2 shape, bodies base64-encoded, cookies.
    "url-health": v2("GET", "/health", url=True, cookies=["theme=dark"]),
    "url-register-base64": v2("POST", "/api/v1/auth/register", url=True, headers=JSON, base64_body=True,
                              body=json.dumps({"email": "url@example.com", "password": "correct horse battery"})),
    "url-create": v2("POST", "/api/v1/entries", url=True, headers={**JSON, **AUTH}, body=ENTRY),
    "url-list-query": v2("GET", "/api/v1/entries", url=True, query="limit=2", headers=AUTH),
}

if __name__ == "__main__":
    for name, ev in EVENTS.items():
        (HERE / f"{name}.json").write_text(json.dumps(ev, indent=2) + "\n")
    print(f"wrote {len(EVENTS)} events to {HERE}")
