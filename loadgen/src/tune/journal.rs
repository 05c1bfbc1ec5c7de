//! journal-api's routes, timed by a sweep (requests built for [`crate::tune::event`]).

use serde_json::json;

use crate::tune::event::Request;

/// The routes a sweep times, each with a warm request of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Health,
    List,
    Create,
    Login,
}

pub const ROUTES: [Route; 4] = [Route::Health, Route::List, Route::Create, Route::Login];

impl Route {
    pub fn method(self) -> &'static str {
        match self {
            Route::Health | Route::List => "GET",
            Route::Create | Route::Login => "POST",
        }
    }

    /// The route template, as loadgen's summary and costcalc name it.
    pub fn path(self) -> &'static str {
        match self {
            Route::Health => "/health",
            Route::List | Route::Create => "/api/v1/entries",
            Route::Login => "/api/v1/auth/login",
        }
    }

    /// The short name of the table's columns.
    pub fn name(self) -> &'static str {
        match self {
            Route::Health => "health",
            Route::List => "list",
            Route::Create => "create",
            Route::Login => "login",
        }
    }
}

/// The account a sweep signs up once and logs in with.
pub struct Account<'a> {
    pub email: &'a str,
    pub password: &'a str,
}

/// The sign-up that gives the sweep its token.
pub fn register(a: &Account) -> Request {
    let mut r = Request::new("POST", "/api/v1/auth/register");
    r.headers
        .push(("content-type".into(), "application/json".into()));
    r.body = Some(json!({"email": a.email, "password": a.password}).to_string());
    r
}

/// One timed request of `route`.
pub fn for_route(route: Route, a: &Account, token: &str) -> Request {
    let mut r = Request::new(route.method(), route.path());
    match route {
        Route::Health => {}
        Route::List => {
            r.query = "limit=20".into();
            r.headers
                .push(("authorization".into(), format!("Bearer {token}")));
        }
        Route::Create => {
            r.headers
                .push(("authorization".into(), format!("Bearer {token}")));
            r.headers
                .push(("content-type".into(), "application/json".into()));
            r.body = Some(json!({"work": "timed the function", "struggle": "cgroup quotas", "intention": "pick a size"}).to_string());
        }
        Route::Login => {
            r.headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
            r.body = Some(format!(
                "username={}&password={}",
                crate::plan::journey::form_encode(a.email),
                crate::plan::journey::form_encode(a.password)
            ));
        }
    }
    r
}
