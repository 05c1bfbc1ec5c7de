//! A starter scenario from an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML), for
//! `loadgen scenario init --openapi`. Pure: text in, scenario TOML out (the format of
//! [`crate::scenario`]); the caller reads the file (bounded) and checks the result.
//!
//! - a journey per tag (an operation without one goes by its path's first segment), a step per
//!   operation: creates first, then reads, updates, and deletes last;
//! - bodies from the document's examples, else made from the schemas' types, formats, bounds and
//!   enums as templates (`{email}`, `{uuid}`, `{int:1..100}`, `{pick:a|b}`, `{words:1..5}`);
//!   local `$ref`s followed, a recursive schema cut where it repeats, depth and size bounded;
//! - a `{param}` of an item path is the id its collection's POST returns (`save`, and `unset`
//!   after a DELETE); without such a create, a generated value;
//! - the security schemes become a `[sessions.user]` block marked TODO (bearer, OAuth2 password,
//!   API key in a header, query or cookie, basic), its sign-in from the operations that look like
//!   registering and logging in.
//!
//! Hostile documents end in a [`SpecError`]: not OpenAPI, too many operations or tags, a result
//! over the scenario size limit; nesting is bounded by the parsers and here.

mod auth;
mod doc;
mod emit;
mod ops;
mod schema;
mod starter;

pub use starter::{Starter, starter};

/// The most operations a document may have.
pub const MAX_OPERATIONS: usize = 2_000;
/// A document may be at most this long (a larger one is refused before it is read).
pub const MAX_SPEC_BYTES: u64 = 16 << 20;

/// Why a document gives no starter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("{0}")]
    Syntax(String),
    #[error(
        "not an OpenAPI document: no 'openapi: 3.x' or 'swagger: \"2.0\"' field at the top level"
    )]
    NotOpenApi,
    #[error("OpenAPI version '{0}' is not supported: use a 3.x or Swagger 2.0 document")]
    Version(String),
    #[error("the document has no 'paths' object")]
    NoPaths,
    #[error("the document has no operations (get, post, put, patch, delete, head, options)")]
    NoOperations,
    #[error("more than {max} {what} ({found} at least): too large for one scenario")]
    TooMany {
        what: &'static str,
        found: usize,
        max: usize,
    },
    #[error("the starter would be {0} bytes, over the scenario limit of {1}")]
    TooLarge(usize, u64),
}

#[cfg(test)]
mod tests;
