//! Errors a user can act on: each names the flag or file and what was expected.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{flag}: {message}")]
    Input { flag: String, message: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("price snapshot {path}: {message}")]
    Prices { path: String, message: String },
}

impl Error {
    pub fn input(flag: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Input {
            flag: flag.into(),
            message: message.into(),
        }
    }
    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::File {
            path: path.into(),
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
