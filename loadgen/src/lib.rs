//! loadgen: see README.md.
