//! `loadgen run` against hostile servers and out-of-range flags.
