//! Journal entries: every route's success and error cases, on both databases.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support;

both_dbs!(create_returns_201_and_the_entry, |app| {
    let user = app.register("ada@example.com").await;
    let e = app
        .post(
            "/api/v1/entries",
            Some(&user.access),
            &json!({"work": "w", "struggle": "s", "intention": "i"}),
        )
        .await
        .expect(201);
    assert_eq!(
        (
            e["work"].as_str(),
            e["struggle"].as_str(),
            e["intention"].as_str()
        ),
        (Some("w"), Some("s"), Some("i"))
    );
    uuid::Uuid::parse_str(e["id"].as_str().unwrap()).unwrap();
    uuid::Uuid::parse_str(e["user_id"].as_str().unwrap()).unwrap();
    let created = chrono::DateTime::parse_from_rfc3339(e["created_at"].as_str().unwrap()).unwrap();
    assert_eq!(e["created_at"], e["updated_at"]);
    assert!((chrono::Utc::now() - created.to_utc()).num_seconds().abs() < 60);
    // What was returned is what is stored.
    let id = e["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/entries/{id}"), Some(&user.access))
            .await
            .expect(200),
        e
    );
});

both_dbs!(create_validation_and_auth_errors, |app| {
    let user = app.register("ada@example.com").await;
    let t = Some(user.access.as_str());
    let cases = [
        (
            json!({"struggle": "s", "intention": "i"}),
            vec![("body.work", "missing")],
        ),
        (
            json!({"work": "", "struggle": "s", "intention": "i"}),
            vec![("body.work", "string_too_short")],
        ),
        (
            json!({"work": "w".repeat(257), "struggle": "s", "intention": "i"}),
            vec![("body.work", "string_too_long")],
        ),
        (
            json!({"work": "w", "struggle": 1, "intention": null}),
            vec![
                ("body.struggle", "string_type"),
                ("body.intention", "string_type"),
            ],
        ),
        (
            json!({}),
            vec![
                ("body.work", "missing"),
                ("body.struggle", "missing"),
                ("body.intention", "missing"),
            ],
        ),
    ];
    for (body, want) in cases {
        let got = app.post("/api/v1/entries", t, &body).await.expect_422();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want, "{body}");
    }
    // 256 characters, multi-byte ones included, is the limit, not 256 bytes.
    app.post(
        "/api/v1/entries",
        t,
        &json!({"work": "ü".repeat(256), "struggle": "s", "intention": "i"}),
    )
    .await
    .expect(201);
    let r = app
        .call(
            Method::POST,
            "/api/v1/entries",
            t,
            Some("application/json"),
            "{not json",
        )
        .await;
    assert_eq!(r.expect_422()[0].1, "json_invalid");
    app.post(
        "/api/v1/entries",
        None,
        &json!({"work": "w", "struggle": "s", "intention": "i"}),
    )
    .await
    .expect_detail(401, "Not authenticated");
    let big = json!({"work": "w", "struggle": "s", "intention": "x".repeat(65 * 1024)}).to_string();
    app.call(
        Method::POST,
        "/api/v1/entries",
        t,
        Some("application/json"),
        big,
    )
    .await
    .expect_detail(413, "Request body too large: the limit is 64 KiB");
    // Nothing of the above was stored.
    assert_eq!(
        app.get("/api/v1/entries", t)
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
});

both_dbs!(list_is_newest_first_and_pages_with_before, |app| {
    let user = app.register("ada@example.com").await;
    let t = Some(user.access.as_str());
    assert_eq!(app.get("/api/v1/entries", t).await.expect(200), json!([]));
    for i in 0..25 {
        app.create_entry(&user, &format!("entry {i}")).await;
    }
    let all = app.get("/api/v1/entries", t).await.expect(200);
    let works: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["work"].as_str().unwrap())
        .collect();
    let want: Vec<String> = (0..25).rev().map(|i| format!("entry {i}")).collect();
    assert_eq!(works, want);

    let page1 = app.get("/api/v1/entries?limit=10", t).await.expect(200);
    assert_eq!(page1.as_array().unwrap()[..], all.as_array().unwrap()[..10]);
    let last = page1[9]["id"].as_str().unwrap();
    let page2 = app
        .get(&format!("/api/v1/entries?limit=10&before={last}"), t)
        .await
        .expect(200);
    assert_eq!(
        page2.as_array().unwrap()[..],
        all.as_array().unwrap()[10..20]
    );
    let last = page2[9]["id"].as_str().unwrap();
    let page3 = app
        .get(&format!("/api/v1/entries?limit=10&before={last}"), t)
        .await
        .expect(200);
    assert_eq!(page3.as_array().unwrap()[..], all.as_array().unwrap()[20..]);

    for (q, want) in [
        ("limit=0", ("query.limit", "greater_than_equal")),
        ("limit=1001", ("query.limit", "less_than_equal")),
        ("limit=ten", ("query.limit", "int_parsing")),
        ("before=yesterday", ("query.before", "uuid_parsing")),
    ] {
        let got = app
            .get(&format!("/api/v1/entries?{q}"), t)
            .await
            .expect_422();
        assert_eq!(got, vec![(want.0.to_string(), want.1.to_string())], "{q}");
    }
    assert_eq!(
        app.get("/api/v1/entries?limit=1000", t)
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        25
    );
    app.get("/api/v1/entries", None).await.expect(401);
});

both_dbs!(get_update_delete_one, |app| {
    let user = app.register("ada@example.com").await;
    let t = Some(user.access.as_str());
    let e = app.create_entry(&user, "before").await;
    let path = format!("/api/v1/entries/{}", e["id"].as_str().unwrap());

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let u = app
        .json(Method::PUT, &path, t, &json!({"work": "after"}))
        .await
        .expect(200);
    assert_eq!(u["work"], "after");
    assert_eq!(
        (&u["struggle"], &u["intention"], &u["created_at"], &u["id"]),
        (&e["struggle"], &e["intention"], &e["created_at"], &e["id"])
    );
    let moved = |a: &Value, b: &Value| {
        chrono::DateTime::parse_from_rfc3339(a.as_str().unwrap()).unwrap()
            > chrono::DateTime::parse_from_rfc3339(b.as_str().unwrap()).unwrap()
    };
    assert!(moved(&u["updated_at"], &e["updated_at"]), "{u}");
    assert_eq!(app.get(&path, t).await.expect(200), u);
    // null and absent fields stay; an empty patch only moves updated_at.
    let u2 = app
        .json(
            Method::PUT,
            &path,
            t,
            &json!({"struggle": "new s", "intention": null}),
        )
        .await
        .expect(200);
    assert_eq!(
        (
            u2["work"].as_str(),
            u2["struggle"].as_str(),
            u2["intention"].as_str()
        ),
        (Some("after"), Some("new s"), Some("i"))
    );
    app.json(Method::PUT, &path, t, &json!({}))
        .await
        .expect(200);

    let errs = app
        .json(Method::PUT, &path, t, &json!({"work": ""}))
        .await
        .expect_422();
    assert_eq!(
        errs,
        vec![("body.work".to_string(), "string_too_short".to_string())]
    );
    let errs = app
        .json(
            Method::PUT,
            &path,
            t,
            &json!({"intention": "i".repeat(257)}),
        )
        .await
        .expect_422();
    assert_eq!(
        errs,
        vec![("body.intention".to_string(), "string_too_long".to_string())]
    );
    assert_eq!(app.get(&path, t).await.expect(200)["intention"], "i");

    let missing = format!("/api/v1/entries/{}", uuid::Uuid::now_v7());
    app.get(&missing, t)
        .await
        .expect_detail(404, "Entry not found");
    app.json(Method::PUT, &missing, t, &json!({"work": "x"}))
        .await
        .expect_detail(404, "Entry not found");
    app.delete(&missing, t)
        .await
        .expect_detail(404, "Entry not found");
    let errs = app.get("/api/v1/entries/not-a-uuid", t).await.expect_422();
    assert_eq!(
        errs,
        vec![("path.entry_id".to_string(), "uuid_parsing".to_string())]
    );
    app.get(&path, None).await.expect(401);
    app.json(Method::PUT, &path, None, &json!({"work": "x"}))
        .await
        .expect(401);
    app.delete(&path, None).await.expect(401);

    let r = app.delete(&path, t).await;
    assert_eq!(r.status.as_u16(), 204);
    assert!(r.body.is_empty());
    app.get(&path, t)
        .await
        .expect_detail(404, "Entry not found");
    app.delete(&path, t).await.expect(404);
});

both_dbs!(another_users_entry_is_404_and_untouched, |app| {
    let ada = app.register("ada@example.com").await;
    let eve = app.register("eve@example.com").await;
    let e = app.create_entry(&ada, "private").await;
    let path = format!("/api/v1/entries/{}", e["id"].as_str().unwrap());
    let t = Some(eve.access.as_str());
    app.get(&path, t)
        .await
        .expect_detail(404, "Entry not found");
    app.json(Method::PUT, &path, t, &json!({"work": "pwned"}))
        .await
        .expect_detail(404, "Entry not found");
    app.delete(&path, t)
        .await
        .expect_detail(404, "Entry not found");
    assert_eq!(app.get("/api/v1/entries", t).await.expect(200), json!([]));
    // Eve's "delete all" leaves Ada's entries alone.
    assert_eq!(app.delete("/api/v1/entries", t).await.status.as_u16(), 204);
    assert_eq!(app.get(&path, Some(&ada.access)).await.expect(200), e);
});

both_dbs!(delete_all_removes_only_the_callers_entries, |app| {
    let ada = app.register("ada@example.com").await;
    let bob = app.register("bob@example.com").await;
    for i in 0..3 {
        app.create_entry(&ada, &format!("a{i}")).await;
    }
    app.create_entry(&bob, "b").await;
    let r = app.delete("/api/v1/entries", Some(&ada.access)).await;
    assert_eq!(r.status.as_u16(), 204);
    assert_eq!(
        app.get("/api/v1/entries", Some(&ada.access))
            .await
            .expect(200),
        json!([])
    );
    assert_eq!(
        app.get("/api/v1/entries", Some(&bob.access))
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.delete("/api/v1/entries", None).await.expect(401);
});

both_dbs!(sql_metacharacters_and_unicode_round_trip_verbatim, |app| {
    let user = app.register("o'brien+\"quotes\"@example.com").await;
    let t = Some(user.access.as_str());
    let nasty = [
        "'; DROP TABLE entries; --",
        "\" OR 1=1 --",
        "100% _wild_ \\ back\\slash $1 ?",
        "日本語のテキスト 🙂👩‍💻 עברית مرحبا",
        "line\nbreak\ttab \u{200b} zero-width",
        "e\u{301} vs \u{e9}",
    ];
    let mut ids = Vec::new();
    for s in nasty {
        let e = app
            .post(
                "/api/v1/entries",
                t,
                &json!({"work": s, "struggle": s, "intention": s}),
            )
            .await
            .expect(201);
        assert_eq!(e["work"], s);
        ids.push(e["id"].as_str().unwrap().to_string());
    }
    for (id, s) in ids.iter().zip(nasty) {
        let e = app
            .get(&format!("/api/v1/entries/{id}"), t)
            .await
            .expect(200);
        assert_eq!(
            (
                e["work"].as_str(),
                e["struggle"].as_str(),
                e["intention"].as_str()
            ),
            (Some(s), Some(s), Some(s))
        );
    }
    assert_eq!(
        app.get("/api/v1/entries", t)
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        nasty.len()
    );
    // NUL cannot be stored in PostgreSQL TEXT, so both databases refuse it the same way.
    let errs = app
        .post(
            "/api/v1/entries",
            t,
            &json!({"work": "a\u{0}b", "struggle": "s", "intention": "i"}),
        )
        .await
        .expect_422();
    assert_eq!(
        errs,
        vec![("body.work".to_string(), "value_error".to_string())]
    );
    // The quoted email logs in again.
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": user.email, "password": support::PASSWORD}),
    )
    .await
    .expect(200);
});
