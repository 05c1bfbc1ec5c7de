//! The Runtime API as lambda_runtime's client calls it, played by reqwest on loopback.

use super::*;

const NEXT: &str = "2018-06-01/runtime/invocation/next";

/// Polls /next once and returns the request id header and the event.
async fn poll(c: &reqwest::Client, api: SocketAddr) -> (reqwest::header::HeaderMap, String) {
    let res = c.get(format!("http://{api}/{NEXT}")).send().await.unwrap();
    assert!(res.status().is_success());
    let headers = res.headers().clone();
    (headers, res.text().await.unwrap())
}

fn id(h: &reqwest::header::HeaderMap) -> String {
    h["lambda-runtime-aws-request-id"]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_invocation_is_timed_from_next_to_response() {
    let mut api = RuntimeApi::start("fn").await.unwrap();
    let addr = api.addr;
    let function = tokio::spawn(async move {
        let c = reqwest::Client::new();
        let (h, event) = poll(&c, addr).await;
        assert_eq!(event, r#"{"n":1}"#);
        assert!(
            h["lambda-runtime-deadline-ms"]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .unwrap()
                > 0
        );
        assert_eq!(
            h["lambda-runtime-invoked-function-arn"],
            "arn:aws:lambda:us-east-1:123456789012:function:fn"
        );
        assert!(h.contains_key("lambda-runtime-trace-id"));
        // The handler's work: the duration must cover it.
        tokio::time::sleep(Duration::from_millis(30)).await;
        let url = format!(
            "http://{addr}/2018-06-01/runtime/invocation/{}/response",
            id(&h)
        );
        let res = c.post(url).body("answer").send().await.unwrap();
        assert_eq!(res.status(), 202);
    });
    let a = api
        .invoke(br#"{"n":1}"#.to_vec(), Duration::from_secs(10))
        .await
        .unwrap();
    function.await.unwrap();
    assert!(a.duration >= Duration::from_millis(30), "{:?}", a.duration);
    assert_eq!(&a.body[..], b"answer");
    assert!(api.first_poll().await.is_ok());
}

#[tokio::test]
async fn errors_and_silence_are_told_apart() {
    let mut api = RuntimeApi::start("fn").await.unwrap();
    let addr = api.addr;
    tokio::spawn(async move {
        let c = reqwest::Client::new();
        let (h, _) = poll(&c, addr).await;
        let url = format!(
            "http://{addr}/2018-06-01/runtime/invocation/{}/error",
            id(&h)
        );
        c.post(url)
            .body(r#"{"errorMessage":"boom"}"#)
            .send()
            .await
            .unwrap();
        // Takes the next event and never answers.
        let _ = poll(&c, addr).await;
    });
    let e = api.invoke(b"{}".to_vec(), Duration::from_secs(10)).await;
    assert_eq!(
        e.unwrap_err(),
        InvokeError::Function(r#"{"errorMessage":"boom"}"#.into())
    );
    let e = api.invoke(b"{}".to_vec(), Duration::from_millis(200)).await;
    assert_eq!(
        e.unwrap_err(),
        InvokeError::Timeout(Duration::from_millis(200))
    );
}

#[tokio::test]
async fn an_init_error_ends_the_wait_for_the_first_poll() {
    let api = RuntimeApi::start("fn").await.unwrap();
    let url = format!("http://{}/2018-06-01/runtime/init/error", api.addr);
    let c = reqwest::Client::new();
    c.post(url).body("bad config").send().await.unwrap();
    assert_eq!(
        api.first_poll().await.unwrap_err(),
        InvokeError::Init("bad config".into())
    );
    // lambda_runtime's graceful-shutdown helper registers an extension during init.
    let res = c
        .post(format!("http://{}/2020-01-01/extension/register", api.addr))
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key("lambda-extension-identifier"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["functionName"], "fn");
}
