//! Authentication: argon2id password hashing, JWT access/refresh tokens, the bearer extractor.

pub mod extract;
pub mod password;
pub mod tokens;
