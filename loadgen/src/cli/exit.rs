//! The exit statuses of every command, in one place.

/// Bad input, or a step that failed (the message says which).
pub const EXIT_ERROR: i32 = 1;
/// `loadgen scenario`: the scenario file is bad (each error printed at FILE:LINE:COLUMN).
pub const EXIT_BAD_FILE: i32 = 2;
/// `loadgen profile from-logs`: the logs (or a `--route` pattern) cannot be read as asked.
pub const EXIT_BAD_INPUT: i32 = 2;
/// `loadgen tune`: no cgroup v2 subtree this process may create groups in.
pub const EXIT_NO_CGROUP: i32 = 2;
/// `loadgen tune --function-cmd`: the command's program (the interpreter) is nowhere to be found.
pub const EXIT_NO_INTERPRETER: i32 = 2;
/// `loadgen run`: every step worked but a --threshold failed.
pub const EXIT_THRESHOLD: i32 = 3;
/// The command was interrupted (Ctrl-C) before it finished.
pub const EXIT_INTERRUPTED: i32 = 130;
