//! Tokens after login: refresh rotation and reuse, logout, and every kind of bad token (401).

use axum::http::{Method, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use journal_api::auth::tokens::{Claims, Keys, TokenType};
use serde_json::json;

use crate::support::{self, PASSWORD, SECRET};

both_dbs!(refresh_rotates_and_an_old_token_fails, |app| {
    let user = app.register("ada@example.com").await;
    let first = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh}),
        )
        .await
        .expect(200);
    let new_refresh = first["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(new_refresh, user.refresh);
    app.get("/api/v1/entries", first["access_token"].as_str())
        .await
        .expect(200);
    // The old one is spent. Presented again at once, it is taken for a concurrent refresh that
    // lost the race: 401, and the session lives on.
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": user.refresh}),
    )
    .await
    .expect_detail(401, "Could not validate credentials");
    let second = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": new_refresh}),
        )
        .await
        .expect(200);
    // Long after its rotation, a reuse is taken for theft: the whole family is revoked.
    support::backdate_rotations(&app.db, chrono::TimeDelta::minutes(1)).await;
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": user.refresh}),
    )
    .await
    .expect_detail(401, "Could not validate credentials");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": second["refresh_token"]}),
    )
    .await
    .expect_detail(401, "Could not validate credentials");
    // An access token is no refresh token; a missing field is a 422.
    let fresh = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": user.email, "password": PASSWORD}),
        )
        .await
        .expect(200);
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": fresh["access_token"]}),
    )
    .await
    .expect(401);
    let errs = app
        .post("/api/v1/auth/refresh", None, &json!({}))
        .await
        .expect_422();
    assert_eq!(errs, vec![("body.refresh_token".into(), "missing".into())]);
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": fresh["refresh_token"]}),
    )
    .await
    .expect(200);
});

both_dbs!(logout_revokes_the_refresh_token, |app| {
    let user = app.register("ada@example.com").await;
    let other_session = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": user.email, "password": PASSWORD}),
        )
        .await
        .expect(200);
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&user.access),
            None,
            "",
        )
        .await;
    assert_eq!(r.status.as_u16(), 204);
    assert!(r.body.is_empty());
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": user.refresh}),
    )
    .await
    .expect_detail(401, "Could not validate credentials");
    // Only that session ends.
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": other_session["refresh_token"]}),
    )
    .await
    .expect(200);
    app.call(Method::POST, "/api/v1/auth/logout", None, None, "")
        .await
        .expect_detail(401, "Not authenticated");
});

fn b64(v: &serde_json::Value) -> String {
    B64.encode(v.to_string())
}

both_dbs!(bad_tokens_are_401, |app| {
    let user = app.register("ada@example.com").await;
    let keys = Keys::new(SECRET);
    let good = keys.verify(&user.access, TokenType::Access).unwrap();
    let now = chrono::Utc::now().timestamp();

    let expired = keys.sign(&Claims {
        iat: now - 7200,
        exp: now - 3600,
        ..good.clone()
    });
    let forged = Keys::new(b"another-secret-another-secret-0123456789").sign(&good);
    let wrong_type = user.refresh.clone();
    let claims =
        json!({"sub": good.sub, "iat": now, "exp": now + 600, "type": "access", "sid": good.sid});
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims)
    );
    let parts: Vec<&str> = user.access.split('.').collect();
    let other_sub = json!({"sub": uuid::Uuid::new_v4(), "iat": now, "exp": now + 600, "type": "access", "sid": good.sid});
    let tampered = format!("{}.{}.{}", parts[0], b64(&other_sub), parts[2]);

    for (what, token) in [
        ("expired", expired.as_str()),
        ("forged", forged.as_str()),
        ("refresh token as access token", wrong_type.as_str()),
        ("alg none", alg_none.as_str()),
        ("tampered payload", tampered.as_str()),
        ("garbage", "not.a.jwt"),
    ] {
        let r = app.get("/api/v1/entries", Some(token)).await;
        assert_eq!(r.status.as_u16(), 401, "{what}");
        r.expect_detail(401, "Could not validate credentials");
        assert_eq!(
            r.headers.get(header::WWW_AUTHENTICATE).unwrap(),
            "Bearer",
            "{what}"
        );
    }
    // No header, or another scheme.
    app.get("/api/v1/entries", None)
        .await
        .expect_detail(401, "Not authenticated");
    let r = app
        .send(
            axum::http::Request::get("/api/v1/entries")
                .header(header::AUTHORIZATION, format!("Basic {}", user.access))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    r.expect_detail(401, "Not authenticated");
});
