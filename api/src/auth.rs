//! Authentication: argon2id password hashing, JWT access/refresh tokens (the bearer extractor
//! that reads them off a request is `routes::extract`).

pub mod password;
pub mod tokens;
