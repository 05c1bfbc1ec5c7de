//! HTTP handlers, one module per resource, and the bearer extractor ([`extract::CurrentUser`]).

pub mod auth;
pub mod entries;
pub mod extract;
pub mod meta;
