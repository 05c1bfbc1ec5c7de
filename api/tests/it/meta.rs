//! Health, readiness, welcome, OpenAPI, and the JSON shape of router-level errors.

use axum::http::{Method, header};
use serde_json::json;

use crate::support;

both_dbs!(health_root_and_ready, |app| {
    assert_eq!(
        app.get("/health", None).await.expect(200),
        json!({"status": "healthy"})
    );
    assert_eq!(
        app.get("/", None).await.expect(200),
        json!({"message": "Welcome to Journal API", "status": "active"})
    );
    let ready = app.get("/ready", None).await.expect(200);
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["database"],
        match app.backend {
            support::Backend::Sqlite => "sqlite",
            support::Backend::Postgres => "postgres",
        }
    );
    // Without a database, ready says 503 while health stays 200.
    app.db.close().await;
    app.get("/ready", None)
        .await
        .expect_detail(503, "Database unavailable");
    app.get("/health", None).await.expect(200);
});

both_dbs!(router_level_errors_are_json, |app| {
    app.get("/nope", None).await.expect_detail(404, "Not Found");
    app.get("/api/v1/entries/a/b", None)
        .await
        .expect_detail(404, "Not Found");
    let r = app
        .call(Method::PATCH, "/api/v1/entries", None, None, "")
        .await;
    r.expect_detail(405, "Method Not Allowed");
    assert!(r.headers.get(header::ALLOW).is_some());
    app.call(Method::DELETE, "/health", None, None, "")
        .await
        .expect_detail(405, "Method Not Allowed");
    // Every response carries a request id; a caller's own id is echoed back.
    let r = app.get("/health", None).await;
    assert!(!r.headers.get("x-request-id").unwrap().is_empty());
    let r = app
        .send(
            axum::http::Request::get("/health")
                .header("x-request-id", "abc-123")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.headers.get("x-request-id").unwrap(), "abc-123");
});

both_dbs!(openapi_documents_every_route, |app| {
    let doc = app.get("/openapi.json", None).await.expect(200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/health", &["get"][..]),
        ("/ready", &["get"]),
        ("/", &["get"]),
        ("/openapi.json", &["get"]),
        ("/api/v1/auth/register", &["post"]),
        ("/api/v1/auth/signup", &["post"]),
        ("/api/v1/auth/login", &["post"]),
        ("/api/v1/auth/refresh", &["post"]),
        ("/api/v1/auth/logout", &["post"]),
        ("/api/v1/entries", &["get", "post", "delete"]),
        ("/api/v1/entries/{entry_id}", &["get", "put", "delete"]),
    ] {
        for m in methods {
            assert!(paths[path][m].is_object(), "{m} {path} is not documented");
        }
    }
    assert_eq!(
        paths.len(),
        11,
        "a route is documented that the table does not have"
    );
    let login = &paths["/api/v1/auth/login"]["post"]["requestBody"]["content"];
    assert!(
        login["application/x-www-form-urlencoded"].is_object()
            && login["application/json"].is_object()
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let entry = &doc["components"]["schemas"]["Entry"]["properties"];
    for f in [
        "id",
        "user_id",
        "work",
        "struggle",
        "intention",
        "created_at",
        "updated_at",
    ] {
        assert!(entry[f].is_object(), "Entry.{f}");
    }
});
