//! HTTP handlers, one module per resource.

pub mod auth;
pub mod entries;
pub mod meta;
