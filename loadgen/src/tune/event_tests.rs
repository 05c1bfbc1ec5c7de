use super::*;

fn list() -> Request {
    let mut r = Request::new("GET", "/api/v1/entries?limit=20&q=a+b%21");
    r.headers
        .push(("Authorization".into(), "Bearer tok".into()));
    r
}

fn login() -> Request {
    let mut r = Request::new("POST", "/api/v1/auth/login");
    r.headers.push((
        "Content-Type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    r.body = Some("username=a%40b.c&password=x".into());
    r
}

#[test]
fn v2_and_function_url_carry_the_raw_query_and_lowercase_headers() {
    for f in [EventFormat::ApigwV2, EventFormat::FunctionUrl] {
        let e = f.wrap(&list(), "id-1", 5);
        assert_eq!(e["version"], "2.0");
        assert_eq!(e["rawPath"], "/api/v1/entries");
        assert_eq!(e["rawQueryString"], "limit=20&q=a+b%21");
        // API Gateway decodes the parameters it lists.
        assert_eq!(e["queryStringParameters"]["q"], "a b!");
        assert_eq!(e["headers"]["authorization"], "Bearer tok");
        assert_eq!(e["requestContext"]["http"]["method"], "GET");
        assert_eq!(e["requestContext"]["timeEpoch"], 5);
        assert_eq!(e["body"], Value::Null);
    }
    let url = EventFormat::FunctionUrl.wrap(&list(), "id-1", 5);
    assert_eq!(url["requestContext"]["accountId"], "anonymous");
    assert!(
        url["headers"]["host"]
            .as_str()
            .unwrap()
            .contains(".lambda-url.")
    );
}

#[test]
fn v1_has_the_proxy_resource_and_multi_value_parameters() {
    let e = EventFormat::ApigwV1.wrap(&list(), "id-2", 5);
    assert_eq!(e["resource"], "/{proxy+}");
    assert_eq!(e["path"], "/api/v1/entries");
    assert_eq!(e["httpMethod"], "GET");
    assert_eq!(e["pathParameters"]["proxy"], "api/v1/entries");
    assert_eq!(e["queryStringParameters"]["q"], "a b!");
    assert_eq!(e["multiValueQueryStringParameters"]["limit"], json!(["20"]));
    assert_eq!(e["requestContext"]["path"], "/prod/api/v1/entries");
    assert_eq!(e["requestContext"]["stage"], "prod");
    let l = EventFormat::ApigwV1.wrap(&login(), "id-3", 5);
    assert_eq!(l["body"], "username=a%40b.c&password=x");
    assert_eq!(l["headers"]["content-length"], "27");
}

#[test]
fn alb_passes_the_query_as_sent() {
    let e = EventFormat::Alb.wrap(&list(), "id-4", 5);
    assert!(e["requestContext"]["elb"]["targetGroupArn"].is_string());
    assert_eq!(e["httpMethod"], "GET");
    assert_eq!(e["queryStringParameters"]["q"], "a+b%21");
    assert!(e.get("version").is_none());
}

#[test]
fn answers_decode_per_format() {
    let plain = br#"{"statusCode":201,"headers":{"x-a":"1"},"multiValueHeaders":{"set-cookie":["a=1","b=2"]},"body":"{\"id\":7}"}"#;
    for f in [EventFormat::ApigwV2, EventFormat::ApigwV1, EventFormat::Alb] {
        let a = f.decode(plain).unwrap();
        assert_eq!(a.status, 201);
        assert_eq!(a.body, br#"{"id":7}"#);
        assert_eq!(a.headers.len(), 3);
    }
    // "aGk=" is base64 for "hi".
    let b64 = br#"{"statusCode":"200","body":"aGk=","isBase64Encoded":true}"#;
    assert_eq!(EventFormat::Alb.decode(b64).unwrap().body, b"hi");
    // A v2 answer without statusCode is a 200 whose body is the JSON itself; v1 refuses it.
    let bare = br#"{"message":"hi"}"#;
    let a = EventFormat::ApigwV2.decode(bare).unwrap();
    assert_eq!((a.status, a.body.as_slice()), (200, &bare[..]));
    assert!(
        EventFormat::ApigwV1
            .decode(bare)
            .unwrap_err()
            .contains("without statusCode")
    );
    assert!(
        EventFormat::ApigwV2
            .decode(b"oops")
            .unwrap_err()
            .contains("not a JSON response: oops")
    );
    assert!(EventFormat::Alb.decode(br#"{"statusCode":99}"#).is_err());
}

#[test]
fn format_names_round_trip() {
    for name in FORMATS.split(", ") {
        assert_eq!(EventFormat::parse(name).unwrap().name(), name);
    }
    assert_eq!(EventFormat::parse("v2"), None);
    assert_eq!(form_decode("a+b%2Fc%zz%4"), "a b/c%zz%4");
}
