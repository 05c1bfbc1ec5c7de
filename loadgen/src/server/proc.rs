//! CPU and memory of a process tree from /proc (Linux).
//!
//! A tree's CPU is, summed over the root and every live descendant, `utime + stime` (the
//! process's own threads, live and exited) `+ cutime + cstime` (children it has waited for, with
//! everything those had collected). A child that exits and is reaped moves its whole time into its
//! parent's `cutime`/`cstime`, so nothing is lost between samples and nothing is counted twice
//! (PostgreSQL forks a backend per connection and the postmaster reaps each one). Not counted: a
//! child that has exited but is not reaped yet *and* is gone from /proc (it is still listed while a
//! zombie, so this does not happen), and children of a parent that ignores SIGCHLD (auto-reaped,
//! their time never reaches the parent; PostgreSQL does wait).
//!
//! Parsing and the tree walk are pure; [`read_all`] is the /proc edge.

/// The figures of one /proc/PID/stat line that the tree sum needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stat {
    pub pid: u32,
    pub ppid: u32,
    /// utime + stime + cutime + cstime, clock ticks.
    pub ticks: u64,
    /// Resident set, pages.
    pub rss_pages: u64,
}

/// Parses /proc/PID/stat; `None` for a line that is not one. The command name, in parentheses,
/// may hold spaces and parentheses: fields are counted from the last `)`.
pub fn parse_stat(line: &str) -> Option<Stat> {
    let open = line.find('(')?;
    let close = line.rfind(')')?;
    let pid = line[..open].trim().parse().ok()?;
    let f: Vec<&str> = line[close + 1..].split_whitespace().collect();
    // After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24).
    let field = |n: usize| f.get(n - 3)?.parse::<i64>().ok();
    let ticks = [14, 15, 16, 17]
        .iter()
        .map(|&n| field(n).map(|v| v.max(0) as u64))
        .sum::<Option<u64>>()?;
    Some(Stat {
        pid,
        ppid: field(4)? as u32,
        ticks,
        rss_pages: field(24)?.max(0) as u64,
    })
}

/// What a process tree holds at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TreeUsage {
    pub ticks: u64,
    pub rss_pages: u64,
    pub processes: usize,
}

/// Sums `root` and its descendants; `None` when `root` is not among `stats` (it exited).
pub fn tree(root: u32, stats: &[Stat]) -> Option<TreeUsage> {
    let mut usage = TreeUsage::default();
    let mut frontier = vec![stats.iter().find(|s| s.pid == root)?];
    while let Some(s) = frontier.pop() {
        usage.ticks += s.ticks;
        usage.rss_pages += s.rss_pages;
        usage.processes += 1;
        // pid 0 has no /proc entry; a parent listing itself would loop.
        frontier.extend(stats.iter().filter(|c| c.ppid == s.pid && c.pid != s.pid));
    }
    Some(usage)
}

/// Every process's stat line now. Processes that exit while being read are skipped.
pub fn read_all() -> Vec<Stat> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter_map(|l| parse_stat(&l))
        .collect()
}

/// Whether `pid` is a live process now.
pub fn exists(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|l| parse_stat(&l))
        .is_some()
}

/// Clock ticks per second and page size, from sysconf.
pub fn units() -> (f64, f64) {
    // SAFETY: sysconf has no preconditions; it returns -1 for an unknown name.
    let (tck, page) = unsafe {
        (
            libc::sysconf(libc::_SC_CLK_TCK),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    (
        if tck > 0 { tck as f64 } else { 100.0 },
        if page > 0 { page as f64 } else { 4096.0 },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_stat_line_with_a_tricky_name() {
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
        // cmajflt utime stime cutime cstime prio nice threads itreal start vsize rss.
        let line = "4242 (post (gres) x) S 17 4242 4242 0 -1 4194560 100 0 0 0 \
                    250 40 7 3 20 0 1 0 123 1000000 512 18446744073709551615";
        let s = parse_stat(line).unwrap();
        assert_eq!((s.pid, s.ppid), (4242, 17));
        assert_eq!(s.ticks, 250 + 40 + 7 + 3);
        assert_eq!(s.rss_pages, 512);
        assert_eq!(parse_stat("not a stat line"), None);
        assert_eq!(parse_stat("1 (x) S 0"), None, "too short");
    }

    fn st(pid: u32, ppid: u32, ticks: u64) -> Stat {
        Stat {
            pid,
            ppid,
            ticks,
            rss_pages: 10,
        }
    }

    #[test]
    fn a_tree_adds_the_root_and_every_descendant_only() {
        // 10 <- 11 <- 12, 10 <- 13; 20 is someone else's; 1 is init.
        let all = [
            st(1, 0, 5),
            st(10, 1, 100),
            st(11, 10, 20),
            st(12, 11, 3),
            st(13, 10, 4),
            st(20, 1, 999),
        ];
        let t = tree(10, &all).unwrap();
        assert_eq!(t.ticks, 100 + 20 + 3 + 4);
        assert_eq!((t.processes, t.rss_pages), (4, 4 * 10));
        assert_eq!(tree(77, &all), None, "an exited root is gone");
    }

    #[test]
    fn a_backend_that_exits_between_samples_is_not_lost() {
        // Before: postmaster 10 (own 50, reaped children 30) and backend 11 with 40 ticks.
        let before = tree(10, &[st(10, 1, 50 + 30), st(11, 10, 40)]).unwrap();
        // Then 11 works 5 more ticks, exits and is reaped (its 45 join 10's cutime); 12 is forked
        // and works 8; the postmaster itself works 2.
        let after = tree(10, &[st(10, 1, 52 + 30 + 45), st(12, 10, 8)]).unwrap();
        assert_eq!(after.ticks - before.ticks, 5 + 8 + 2);
    }

    #[test]
    fn this_process_exists_and_has_ticks_units() {
        let me = std::process::id();
        assert!(exists(me));
        assert!(tree(me, &read_all()).is_some());
        let (tck, page) = units();
        assert!(tck >= 1.0 && page >= 512.0);
    }
}
