//! Hostile input: shard summaries an attacker with write access to the bucket chose, arbitrary
//! bytes, and servers that never stop sending or never answer. Each run of the real binary is
//! under a memory limit (RLIMIT_AS): a refusal is one line and exit 1 or 2, never a panic (101)
//! or an abort (134), and never a merge that prints counts that do not add up.

mod merge;
mod run;

use std::os::unix::process::CommandExt as _;
use std::process::{Command, Output};

/// The address-space limit each hostile run gets: far below what the attacks used to allocate.
pub const MEMORY_LIMIT: u64 = 1 << 30;

/// `cmd` with its address space limited to [`MEMORY_LIMIT`].
pub fn limited(mut cmd: Command) -> Command {
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}

/// A refusal: exit 1 or 2, one line on stderr.
pub fn refused(out: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let code = out.status.code();
    assert!(
        matches!(code, Some(1 | 2)),
        "{what}: exit {code:?} (signal {:?}), want 1 or 2: {stderr}",
        std::os::unix::process::ExitStatusExt::signal(&out.status)
    );
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{what}: one line: {stderr}"
    );
    stderr
}
