//! The length and size limits of the contract. The OpenAPI schemas repeat them as literals
//! (utoipa attributes take no constants); a test of the served document checks they agree.

/// Password length bounds, in characters (code points, as Python's `len`).
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
/// Entry field length bounds, in characters.
pub const FIELD_MIN: usize = 1;
pub const FIELD_MAX: usize = 256;
/// RFC 5321's limit on a forward path.
pub const EMAIL_MAX: usize = 254;
/// `limit` query parameter.
pub const LIMIT_DEFAULT: u32 = 100;
pub const LIMIT_MAX: u32 = 1000;
