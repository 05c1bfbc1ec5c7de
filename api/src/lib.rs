//! The reference journal API (see README.md).
