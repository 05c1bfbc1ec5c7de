//! A child cgroup that gives a process Lambda's CPU share and memory limit for a memory size.
//!
//! cgroup v2 (one hierarchy with the `cpu` and `memory` controllers) is preferred; a machine
//! whose `cpu` controller is bound to a v1 hierarchy (hybrid layouts) gets the v1 files instead
//! (`cpu.cfs_quota_us`, `cpuacct.usage`, `memory.limit_in_bytes`). The group is removed when
//! dropped, after every process left in it is killed and moved out.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Lambda gives one vCPU at 1,769 MB and CPU in proportion to memory.
pub const MB_PER_VCPU: u64 = 1769;
/// The quota period. Shorter periods make the share smoother: under the kernel's default 100 ms,
/// a login needing 17 ms of CPU at 256 MB (14.5 ms per period) ends early in its second period,
/// 6x slower instead of the 6.9x of the share. 20 ms is the shortest period at which 128 MB's
/// quota (1.45 ms) stays above the kernel's 1 ms minimum.
pub const PERIOD_US: u64 = 20_000;
/// The kernel refuses quotas below 1 ms.
const MIN_QUOTA_US: u64 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum CgroupError {
    /// Creating cgroups needs root.
    #[error("loadgen tune needs root to create cgroups (running as uid {0}): run it as root")]
    NotRoot(u32),
    /// No cgroup hierarchy with a writable `cpu` controller.
    #[error("no writable cgroup cpu controller: {0}")]
    NoCpuController(String),
    #[error("cgroup {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl CgroupError {
    /// The machine cannot emulate CPU shares at all (as opposed to a failure while running).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            CgroupError::NotRoot(_) | CgroupError::NoCpuController(_)
        )
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CgroupError + '_ {
    move |source| CgroupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where the controllers live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// One unified hierarchy with `cpu` and `memory`.
    V2 { root: PathBuf },
    /// Separate v1 hierarchies (`cpuacct` may share the `cpu` one).
    V1 {
        cpu: PathBuf,
        cpuacct: PathBuf,
        memory: PathBuf,
    },
}

/// The CPU quota and memory limit of one Lambda memory size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub period_us: u64,
    pub quota_us: u64,
    pub memory_bytes: u64,
}

impl Limits {
    /// quota = period x MB / 1769 (more than one period above 1,769 MB: several cores' worth).
    pub fn for_memory_mb(mb: u32) -> Limits {
        Limits::with_cpu(PERIOD_US * u64::from(mb) / MB_PER_VCPU, mb)
    }

    /// An explicit CPU quota per [`PERIOD_US`] (the probe test's 0.25 CPU).
    pub fn with_cpu(quota_us: u64, memory_mb: u32) -> Limits {
        Limits {
            period_us: PERIOD_US,
            quota_us: quota_us.max(MIN_QUOTA_US),
            memory_bytes: u64::from(memory_mb) * 1024 * 1024,
        }
    }

    /// CPUs' worth of time per wall second.
    pub fn cpus(&self) -> f64 {
        self.quota_us as f64 / self.period_us as f64
    }
}

/// CPU accounting of a group; contention from other processes does not change these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuStat {
    pub usage_us: u64,
    pub nr_periods: u64,
    pub nr_throttled: u64,
}

/// One `cgroup` or `cgroup2` line of /proc/self/mounts: (type, mount point, options).
pub fn parse_mounts(text: &str) -> Vec<(String, PathBuf, Vec<String>)> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (mnt, fstype, opts) = (f.get(1)?, f.get(2)?, f.get(3)?);
            (*fstype == "cgroup" || *fstype == "cgroup2").then(|| {
                (
                    fstype.to_string(),
                    PathBuf::from(mnt),
                    opts.split(',').map(String::from).collect(),
                )
            })
        })
        .collect()
}

/// The value of `key` in a "key value" per line file (cpu.stat, memory.events, oom_control).
pub fn parse_key(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok())?
    })
}

impl Layout {
    /// Checks root and finds the controllers; enables `+cpu +memory` for children of the v2 root.
    pub fn detect() -> Result<Layout, CgroupError> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let uid = unsafe { libc::geteuid() };
        if uid != 0 {
            return Err(CgroupError::NotRoot(uid));
        }
        let mounts = std::fs::read_to_string("/proc/self/mounts").map_err(|e| {
            CgroupError::NoCpuController(format!("cannot read /proc/self/mounts: {e}"))
        })?;
        let mounts = parse_mounts(&mounts);
        for (fstype, mnt, _) in &mounts {
            if fstype != "cgroup2" {
                continue;
            }
            let controllers =
                std::fs::read_to_string(mnt.join("cgroup.controllers")).unwrap_or_default();
            let has = |c: &str| controllers.split_whitespace().any(|x| x == c);
            if has("cpu") && has("memory") {
                enable_for_children(mnt)?;
                return Ok(Layout::V2 { root: mnt.clone() });
            }
        }
        let v1 = |c: &str| {
            mounts
                .iter()
                .find(|(t, _, o)| t == "cgroup" && o.iter().any(|x| x == c))
                .map(|(_, m, _)| m.clone())
        };
        match (v1("cpu"), v1("cpuacct"), v1("memory")) {
            (Some(cpu), Some(cpuacct), Some(memory)) => Ok(Layout::V1 {
                cpu,
                cpuacct,
                memory,
            }),
            _ => Err(CgroupError::NoCpuController(
                "neither a cgroup2 hierarchy with the cpu and memory controllers nor v1 cpu, cpuacct and memory hierarchies are mounted (see /proc/self/mounts)".into(),
            )),
        }
    }
}

/// Children of a v2 group get a controller only when the group lists it in subtree_control.
fn enable_for_children(dir: &Path) -> Result<(), CgroupError> {
    let control = dir.join("cgroup.subtree_control");
    let enabled = std::fs::read_to_string(&control).unwrap_or_default();
    let on = |c: &str| enabled.split_whitespace().any(|x| x == c);
    if on("cpu") && on("memory") {
        return Ok(());
    }
    std::fs::write(&control, "+cpu +memory").map_err(|e| {
        // EBUSY: a non-root group (a container's) with processes of its own cannot hand
        // controllers down ("no internal processes"); they must move to a leaf group first.
        CgroupError::NoCpuController(format!(
            "cannot enable +cpu +memory in {} ({e}); if processes live in that group (a container's cgroup namespace), move them into a child group first",
            control.display()
        ))
    })
}

/// A child cgroup; dropping it kills what is left inside and removes it.
#[derive(Debug)]
pub struct Cgroup {
    layout: Layout,
    /// Every directory created (one for v2; cpu, cpuacct, memory for v1), parents in `layout`.
    dirs: Vec<PathBuf>,
}

impl Cgroup {
    /// Creates `name` under each hierarchy's root and writes the limits.
    pub fn create(layout: &Layout, name: &str, limits: Limits) -> Result<Cgroup, CgroupError> {
        let roots: Vec<&Path> = match layout {
            Layout::V2 { root } => vec![root],
            Layout::V1 {
                cpu,
                cpuacct,
                memory,
            } => {
                let mut r = vec![cpu.as_path(), memory.as_path()];
                if cpuacct != cpu {
                    r.push(cpuacct);
                }
                r
            }
        };
        let mut group = Cgroup {
            layout: layout.clone(),
            dirs: Vec::new(),
        };
        for root in roots {
            let dir = root.join(name);
            match std::fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(CgroupError::NoCpuController(format!(
                        "cannot create {}: {e}",
                        dir.display()
                    )));
                }
            }
            group.dirs.push(dir);
        }
        group.write_limits(limits)?;
        Ok(group)
    }

    fn write(&self, file: PathBuf, value: String) -> Result<(), CgroupError> {
        std::fs::write(&file, value).map_err(io(&file))
    }

    fn write_limits(&self, l: Limits) -> Result<(), CgroupError> {
        let d = &self.dirs[0];
        match &self.layout {
            Layout::V2 { .. } => {
                self.write(d.join("cpu.max"), format!("{} {}", l.quota_us, l.period_us))?;
                self.write(d.join("memory.max"), l.memory_bytes.to_string())?;
                // Lambda has no swap; a missing file means the kernel has no swap accounting.
                let _ = std::fs::write(d.join("memory.swap.max"), "0");
            }
            Layout::V1 { .. } => {
                self.write(d.join("cpu.cfs_period_us"), l.period_us.to_string())?;
                self.write(d.join("cpu.cfs_quota_us"), l.quota_us.to_string())?;
                self.write(
                    self.dirs[1].join("memory.limit_in_bytes"),
                    l.memory_bytes.to_string(),
                )?;
            }
        }
        Ok(())
    }

    /// The `cgroup.procs` files a process writes "0" to in order to join the group (before it
    /// execs the function, so that its init runs under the quota from the first instruction).
    pub fn procs_files(&self) -> Vec<CString> {
        self.dirs
            .iter()
            .filter_map(|d| {
                CString::new(d.join("cgroup.procs").into_os_string().into_encoded_bytes()).ok()
            })
            .collect()
    }

    /// Moves `pid` into the group.
    pub fn add_pid(&self, pid: u32) -> Result<(), CgroupError> {
        for d in &self.dirs {
            self.write(d.join("cgroup.procs"), pid.to_string())?;
        }
        Ok(())
    }

    fn cpuacct_dir(&self) -> &Path {
        self.dirs.get(2).unwrap_or(&self.dirs[0])
    }

    fn read(&self, file: PathBuf) -> Result<String, CgroupError> {
        std::fs::read_to_string(&file).map_err(io(&file))
    }

    pub fn cpu_stat(&self) -> Result<CpuStat, CgroupError> {
        let stat = self.read(self.dirs[0].join("cpu.stat"))?;
        let usage_us = match &self.layout {
            Layout::V2 { .. } => parse_key(&stat, "usage_usec").unwrap_or(0),
            Layout::V1 { .. } => {
                self.read(self.cpuacct_dir().join("cpuacct.usage"))?
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0)
                    / 1000
            }
        };
        Ok(CpuStat {
            usage_us,
            nr_periods: parse_key(&stat, "nr_periods").unwrap_or(0),
            nr_throttled: parse_key(&stat, "nr_throttled").unwrap_or(0),
        })
    }

    /// Processes of the group the out-of-memory killer has killed so far.
    pub fn oom_kills(&self) -> Result<u64, CgroupError> {
        let file = match &self.layout {
            Layout::V2 { .. } => self.dirs[0].join("memory.events"),
            Layout::V1 { .. } => self.dirs[1].join("memory.oom_control"),
        };
        Ok(parse_key(&self.read(file)?, "oom_kill").unwrap_or(0))
    }

    /// The most memory the group's processes have held at once, in bytes: `memory.peak` (cgroup
    /// v2, Linux 5.19+) or `memory.max_usage_in_bytes` (v1). Lambda's "Max Memory Used". Both
    /// count the page cache the group charged (files it read), as Lambda's figure does not
    /// quite; None when the kernel keeps no peak.
    pub fn memory_peak(&self) -> Option<u64> {
        let file = match &self.layout {
            Layout::V2 { .. } => self.dirs[0].join("memory.peak"),
            Layout::V1 { .. } => self.dirs[1].join("memory.max_usage_in_bytes"),
        };
        std::fs::read_to_string(file).ok()?.trim().parse().ok()
    }

    fn pids(&self) -> Vec<i32> {
        self.dirs
            .iter()
            .flat_map(|d| {
                std::fs::read_to_string(d.join("cgroup.procs"))
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| l.trim().parse().ok())
                    .collect::<Vec<i32>>()
            })
            .collect()
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        for pid in self.pids() {
            // SAFETY: kill has no memory preconditions; a pid that has gone is harmless (ESRCH).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            // Out of the group, so that rmdir does not wait for a slow exit.
            for d in &self.dirs {
                if let Some(parent) = d.parent() {
                    let _ = std::fs::write(parent.join("cgroup.procs"), pid.to_string());
                }
            }
        }
        // A killed process leaves its group as it exits: retry for a short while.
        let deadline = Instant::now() + Duration::from_secs(2);
        for d in self.dirs.iter().rev() {
            while std::fs::remove_dir(d).is_err() && d.exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

#[cfg(test)]
#[path = "cgroup_tests.rs"]
mod tests;
