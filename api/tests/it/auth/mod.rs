//! Registration, login, tokens: success and error cases of the contract, on both databases.
//! Registration and login here; what the tokens do afterwards in `tokens`.

mod tokens;

use axum::http::{Method, header};
use journal_api::auth::tokens::{Keys, TokenType};
use serde_json::json;

use crate::support::{PASSWORD, SECRET};

both_dbs!(register_returns_a_working_token_pair, |app| {
    let user = app.register("ada@example.com").await;
    assert_ne!(user.access, user.refresh);
    app.get("/api/v1/entries", Some(&user.access))
        .await
        .expect(200);
    // The alias does the same.
    let v = app
        .post(
            "/api/v1/auth/signup",
            None,
            &json!({"email": "bob@example.com", "password": PASSWORD}),
        )
        .await
        .expect(200);
    assert_eq!(v["token_type"], "bearer");
    assert!(v["access_token"].is_string() && v["refresh_token"].is_string());
});

both_dbs!(duplicate_email_is_400_regardless_of_case, |app| {
    app.register("Ada@Example.com").await;
    for email in ["Ada@Example.com", "ada@example.com", "ADA@EXAMPLE.COM"] {
        app.post(
            "/api/v1/auth/register",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await
        .expect_detail(400, "Email already registered");
    }
    // And login is case-insensitive too.
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": "aDa@example.COM", "password": PASSWORD}),
    )
    .await
    .expect(200);
});

both_dbs!(register_validation_errors_are_422_field_lists, |app| {
    let cases = [
        (json!({"password": PASSWORD}), ("body.email", "missing")),
        (
            json!({"email": "ada@example.com"}),
            ("body.password", "missing"),
        ),
        (
            json!({"email": "not an email", "password": PASSWORD}),
            ("body.email", "value_error"),
        ),
        (
            json!({"email": "ada@example.com", "password": "short"}),
            ("body.password", "string_too_short"),
        ),
        (
            json!({"email": "ada@example.com", "password": "p".repeat(129)}),
            ("body.password", "string_too_long"),
        ),
        (
            json!({"email": 42, "password": PASSWORD}),
            ("body.email", "string_type"),
        ),
    ];
    for (body, (loc, kind)) in cases {
        let errs = app
            .post("/api/v1/auth/register", None, &body)
            .await
            .expect_422();
        assert_eq!(errs, vec![(loc.to_string(), kind.to_string())], "{body}");
    }
    // Exactly 128 characters (multi-byte ones count as one) is accepted.
    app.post(
        "/api/v1/auth/register",
        None,
        &json!({"email": "max@example.com", "password": "é".repeat(128)}),
    )
    .await
    .expect(200);
});

both_dbs!(malformed_bodies_are_json_errors, |app| {
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some("application/json"),
            "{\"email\": ",
        )
        .await;
    assert_eq!(r.expect_422()[0].1, "json_invalid");
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some("application/json"),
            "[1,2]",
        )
        .await;
    assert_eq!(
        r.expect_422(),
        vec![("body".into(), "model_attributes_type".into())]
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some("application/json"),
            "",
        )
        .await;
    assert_eq!(r.expect_422(), vec![("body".into(), "missing".into())]);
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some("text/plain"),
            "email=a",
        )
        .await;
    let detail = r.expect(415)["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("application/json"), "{detail}");
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some("text/xml"),
            "<a/>",
        )
        .await;
    r.expect(415);
    let huge = json!({"email": "a@b.co", "password": "x".repeat(70 * 1024)}).to_string();
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some("application/json"),
            huge,
        )
        .await;
    r.expect_detail(413, "Request body too large: the limit is 64 KiB");
});

both_dbs!(login_with_form_and_json, |app| {
    app.register("ada@example.com").await;
    let form = format!(
        "grant_type=password&username=ada%40example.com&password={}",
        PASSWORD.replace(' ', "+")
    );
    let v = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some("application/x-www-form-urlencoded"),
            form,
        )
        .await
        .expect(200);
    assert_eq!(v["token_type"], "bearer");
    app.get("/api/v1/entries", v["access_token"].as_str())
        .await
        .expect(200);
    let v = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "ada@example.com", "password": PASSWORD}),
        )
        .await
        .expect(200);
    app.get("/api/v1/entries", v["access_token"].as_str())
        .await
        .expect(200);
    // Missing form fields are 422 with OAuth2's names.
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some("application/x-www-form-urlencoded"),
            "username=a",
        )
        .await;
    assert_eq!(
        r.expect_422(),
        vec![("body.password".into(), "missing".into())]
    );
});

both_dbs!(unknown_email_and_wrong_password_are_the_same_401, |app| {
    app.register("ada@example.com").await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "ada@example.com", "password": "wrong password"}),
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@example.com", "password": "wrong password"}),
        )
        .await;
    for r in [&wrong, &unknown] {
        r.expect_detail(401, "Incorrect email or password");
        assert_eq!(r.headers.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer");
    }
    assert_eq!(wrong.body, unknown.body);
    // A NUL byte (which PostgreSQL cannot take as a parameter) is just another unknown email.
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": "ada\u{0}@example.com", "password": PASSWORD}),
    )
    .await
    .expect_detail(401, "Incorrect email or password");
});

both_dbs!(
    passwords_are_stored_as_argon2id_with_the_agreed_parameters,
    |app| {
        let user = app.register("ada@example.com").await;
        let keys = Keys::new(SECRET);
        let id = keys.verify(&user.access, TokenType::Access).unwrap().sub;
        let phc = journal_api::db::users::password_hash(&app.db, id)
            .await
            .unwrap()
            .unwrap();
        let parsed = argon2::PasswordHash::new(&phc).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(parsed.version, Some(19));
        assert_eq!(parsed.params.get_decimal("m"), Some(19456));
        assert_eq!(parsed.params.get_decimal("t"), Some(2));
        assert_eq!(parsed.params.get_decimal("p"), Some(1));
        assert!(!phc.contains(PASSWORD));
    }
);
