//! API Gateway's documented access-log formats through `--from-logs`. AWS documents formats,
//! not lines: each line here is its format string as published, continuation marks (`\`)
//! removed and its lines joined (the format "must be a single line"), with every `$context`
//! variable given a value of its documented form (`requestTime` CLF-formatted, `routeKey`
//! "GET /pets/{petId}", `resourcePath` the resource template, `status` and `responseLength`
//! digits; "-" where API Gateway has no value).
//!
//! - REST: "Set up CloudWatch logging for REST APIs in API Gateway", the console's CLF, JSON,
//!   XML and CSV examples and the CloudFormation template's `Format`,
//!   <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>
//!   (awsdocs/amazon-api-gateway-developer-guide `doc_source/set-up-logging.md` at 781597d);
//! - HTTP: "Configuring logging for an HTTP API", Example log formats (CLF, JSON, XML, CSV),
//!   <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html>
//!   (`doc_source/http-api-logging.md`, same repository and commit).
//!
//! Two requests in one UTC second (10:00:00 at +0100 is 09:00:00 UTC): GET /pets/{petId} 200
//! of 48 B and POST /pets 201 of 80 B: 2 x 2,628,000 = 5,256,000 a month, 64 B out per request.
//! None of the examples logs a latency: that figure keeps its default.

use super::logs::{dir, has, refused, report, write};
use super::logs_examples::{origin, read_both, route_row};
use crate::support::costcalc_json;

const REST_CLF: &str = r#"$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId"#;
const REST_JSON: &str = r#"{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }"#;
const REST_XML: &str = r#"<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>"#;
const REST_CSV: &str = "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId";
/// The CloudFormation template's `AccessLogSetting.Format` (the same page).
const REST_CFN: &str = r#"$context.extendedRequestId $context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId"#;
const HTTP_CLF: &str = r#"$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId"#;
const HTTP_JSON: &str = r#"{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength" }"#;
const HTTP_XML: &str = r#"<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <routeKey>$context.routeKey</routeKey> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>"#;
const HTTP_CSV: &str = "$context.identity.sourceIp,$context.requestTime,$context.httpMethod,$context.routeKey,$context.protocol,$context.status,$context.responseLength,$context.requestId";

/// The two requests' `$context` values (`integrationLatency` is in none of the examples; the
/// JSON costcalc asks for adds it).
const REQUESTS: [[(&str, &str); 15]; 2] = [
    [
        ("$context.requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"),
        ("$context.extendedRequestId", "JYjB9gH5IAMEP5A="),
        ("$context.identity.sourceIp", "192.0.2.10"),
        ("$context.identity.caller", "-"),
        ("$context.identity.user", "-"),
        ("$context.requestTime", "07/Dec/2026:09:00:00 +0000"),
        ("$context.httpMethod", "GET"),
        ("$context.resourcePath", "/pets/{petId}"),
        ("$context.routeKey", "GET /pets/{petId}"),
        ("$context.path", "/pets/7"),
        ("$context.stage", "$default"),
        ("$context.status", "200"),
        ("$context.protocol", "HTTP/1.1"),
        ("$context.responseLength", "48"),
        ("$context.integrationLatency", "23"),
    ],
    [
        ("$context.requestId", "d7b0ab07-8c72-11e6-8b52-04f9deadbeef"),
        ("$context.extendedRequestId", "JYjB9hEhIAMEPzw="),
        ("$context.identity.sourceIp", "192.0.2.11"),
        ("$context.identity.caller", "-"),
        ("$context.identity.user", "-"),
        ("$context.requestTime", "07/Dec/2026:10:00:00 +0100"),
        ("$context.httpMethod", "POST"),
        ("$context.resourcePath", "/pets"),
        ("$context.routeKey", "POST /pets"),
        ("$context.path", "/pets"),
        ("$context.stage", "$default"),
        ("$context.status", "201"),
        ("$context.protocol", "HTTP/1.1"),
        ("$context.responseLength", "80"),
        ("$context.integrationLatency", "41"),
    ],
];

/// `format` filled in for each request, one line each.
fn lines_of(format: &str) -> String {
    REQUESTS
        .iter()
        .map(|r| {
            let line = r
                .iter()
                .fold(format.to_string(), |s, (k, v)| s.replace(k, v));
            assert!(!line.contains("$context"), "{line}");
            line + "\n"
        })
        .collect()
}

/// The examples costcalc reads: (file name, its lines, the `--log-format` that reads them).
pub(super) fn lines() -> Vec<(String, String, &'static str)> {
    [
        ("rest-clf.log", REST_CLF, "clf"),
        ("rest-json.log", REST_JSON, "apigw-rest"),
        ("rest-cfn.log", REST_CFN, "clf"),
        ("http-clf.log", HTTP_CLF, "clf"),
        ("http-json.log", HTTP_JSON, "apigw-http"),
    ]
    .into_iter()
    .map(|(name, format, id)| (name.to_string(), lines_of(format), id))
    .collect()
}

/// Each readable example: routed by its resource or route key (the HTTP API's CLF logs the
/// route key where the request target goes: "GET GET /pets/{petId} HTTP/1.1"; read before as
/// the path "GET", one route "GET GET", now as the key), 64 B out, no latency.
#[test]
fn api_gateway_documented_formats_are_read() {
    let d = dir("examples-apigw");
    for (name, text, format) in lines() {
        let path = write(&d.join(&name), &text);
        let t = read_both(&path, format);
        has(&t, "Requests: 2 in the window, 5,256,000 a month");
        has(&t, "busiest second 2 requests at 2026-12-07T09:00:00Z");
        assert_eq!(
            route_row(&t, "GET /pets/{petId}"),
            ["1", "50.00%", "-", "48", "-", "-"],
            "{name}"
        );
        assert_eq!(
            route_row(&t, "POST /pets"),
            ["1", "50.00%", "-", "80", "-", "-"],
            "{name}"
        );
        let v = costcalc_json(&["report", "--from-logs", &path]);
        assert_eq!(v["workload"]["response_bytes"], "64", "{name}");
        assert_ne!(origin(&v, "Duration per request").0, "measured", "{name}");
    }
}

/// The XML and CSV examples are refused in one line giving the JSON format to set; that JSON,
/// filled in, reads by its reader with `integrationLatency` as the latency (23 and 41 ms: mean
/// 32).
#[test]
fn api_gateway_xml_and_csv_name_the_json_format_to_set() {
    let d = dir("examples-apigw-refused");
    let cases = [
        ("rest.xml", REST_XML, "REST", "XML", "apigw-rest"),
        ("rest.csv", REST_CSV, "REST", "CSV", "apigw-rest"),
        ("http.xml", HTTP_XML, "HTTP", "XML", "apigw-http"),
        ("http.csv", HTTP_CSV, "HTTP", "CSV", "apigw-http"),
    ];
    for (name, format, api, shape, id) in cases {
        let path = write(&d.join(name), &lines_of(format));
        for f in ["auto", id] {
            let err = refused(&["--from-logs", &path, "--log-format", f]);
            let want = format!(
                "{name}: looks like an API Gateway {api} API access log in {shape}; costcalc reads API Gateway's JSON (and CLF) access logs: set the stage's access-log format to {{ "
            );
            has(&err, &want);
            has(&err, &format!(" and give --log-format {id} (or auto)"));
            let json = err
                .split_once("access-log format to ")
                .and_then(|(_, r)| r.split_once(" and give"))
                .unwrap()
                .0;
            let set = write(&d.join(format!("{name}.json")), &lines_of(json));
            let t = report(&["--from-logs", &set, "--log-format", id]);
            has(&t, "Requests: 2 in the window");
            let v = costcalc_json(&["report", "--from-logs", &set]);
            assert_eq!(v["workload"]["duration_ms"], "32", "{name}");
            assert_eq!(origin(&v, "Duration per request").0, "measured");
        }
    }
}
