//! The OpenAPI 3 document of every route, generated from the handlers' annotations, and the
//! handler that serves it (here, so that the routes do not depend on the document that lists them).

use std::sync::LazyLock;

use axum::response::Response;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{auth, entries, meta};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Journal API",
        description = "The reference journal API of deploycost, wire-compatible with the FastAPI journal API.",
    ),
    paths(
        meta::health, meta::ready, meta::root, serve,
        auth::register, auth::signup, auth::login, auth::refresh, auth::logout,
        entries::create, entries::list, entries::get, entries::update, entries::delete,
        entries::delete_all,
    ),
    components(schemas(crate::error::HttpError, crate::error::ValidationErrorBody, crate::error::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "meta", description = "Health, readiness, this document"),
        (name = "auth", description = "Accounts and tokens"),
        (name = "entries", description = "Journal entries of the calling user"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as a value.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as JSON, rendered once.
pub fn json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        document()
            .to_json()
            .expect("the OpenAPI document serializes")
    });
    &JSON
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json")))]
pub async fn serve() -> Response {
    meta::static_json(json().as_bytes())
}
