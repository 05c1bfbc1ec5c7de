//! The cgroup files as written and read, on plain directories standing in for hierarchies.

use super::*;

#[test]
fn quota_is_the_memory_share_of_one_cpu() {
    // 128 MB: 20000 x 128 / 1769 = 1447.1 -> 1447 us per 20 ms, 13.8x less than one CPU.
    let l = Limits::for_memory_mb(128);
    assert_eq!((l.quota_us, l.period_us), (1447, 20_000));
    assert_eq!(l.memory_bytes, 128 * 1024 * 1024);
    assert_eq!(Limits::for_memory_mb(1769).quota_us, 20_000);
    // 3008 MB: 20000 x 3008 / 1769 = 34007.9 (rounded down), 1.7 CPUs' worth across the two visible cores.
    assert_eq!(Limits::for_memory_mb(3008).quota_us, 34_007);
    assert_eq!(Limits::with_cpu(10, 128).quota_us, 1000);
}

/// A hierarchy of plain files: what create writes, what the readers parse.
fn fake_group(layout: &Layout) -> Cgroup {
    Cgroup::create(layout, "g", Limits::for_memory_mb(256)).unwrap()
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// Plain directories are not cgroups: empty them so that Drop can remove them.
fn empty(g: &Cgroup) {
    for d in &g.dirs {
        for e in std::fs::read_dir(d).unwrap() {
            std::fs::remove_file(e.unwrap().path()).unwrap();
        }
    }
}

#[test]
fn v2_files_are_cpu_max_and_memory_max() {
    let root = tempfile::tempdir().unwrap();
    let g = fake_group(&Layout::V2 {
        root: root.path().to_path_buf(),
    });
    let d = root.path().join("g");
    // 256 MB: 20000 x 256 / 1769 = 2894.3 -> 2894 us per 20000 us.
    assert_eq!(read(d.join("cpu.max")), "2894 20000");
    assert_eq!(read(d.join("memory.max")), (256u64 << 20).to_string());
    std::fs::write(
        d.join("cpu.stat"),
        "usage_usec 900\nuser_usec 800\nnr_periods 7\nnr_throttled 5\n",
    )
    .unwrap();
    std::fs::write(d.join("memory.events"), "low 0\noom 1\noom_kill 1\n").unwrap();
    let want = CpuStat {
        usage_us: 900,
        nr_periods: 7,
        nr_throttled: 5,
    };
    assert_eq!(g.cpu_stat().unwrap(), want);
    assert_eq!(g.oom_kills().unwrap(), 1);
    assert_eq!(g.procs_files().len(), 1);
    empty(&g);
    drop(g);
    assert!(!d.exists());
}

#[test]
fn v1_files_are_cfs_quota_cpuacct_and_memory_limit() {
    let root = tempfile::tempdir().unwrap();
    let sub = |n: &str| {
        let p = root.path().join(n);
        std::fs::create_dir(&p).unwrap();
        p
    };
    let layout = Layout::V1 {
        cpu: sub("cpu"),
        cpuacct: sub("cpuacct"),
        memory: sub("memory"),
    };
    let g = fake_group(&layout);
    let cpu = root.path().join("cpu/g");
    assert_eq!(read(cpu.join("cpu.cfs_period_us")), "20000");
    assert_eq!(read(cpu.join("cpu.cfs_quota_us")), "2894");
    let mem = root.path().join("memory/g");
    assert_eq!(
        read(mem.join("memory.limit_in_bytes")),
        (256u64 << 20).to_string()
    );
    std::fs::write(
        cpu.join("cpu.stat"),
        "nr_periods 7\nnr_throttled 5\nthrottled_time 1\n",
    )
    .unwrap();
    // cpuacct.usage is in nanoseconds.
    std::fs::write(root.path().join("cpuacct/g/cpuacct.usage"), "900000\n").unwrap();
    std::fs::write(
        mem.join("memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
    )
    .unwrap();
    assert_eq!(g.cpu_stat().unwrap().usage_us, 900);
    assert_eq!(g.cpu_stat().unwrap().nr_throttled, 5);
    assert_eq!(g.oom_kills().unwrap(), 2);
    assert_eq!(g.procs_files().len(), 3);
    empty(&g);
    drop(g);
    assert!(!cpu.exists() && !mem.exists());
}

#[test]
fn mounts_and_key_files_parse() {
    let m = parse_mounts(
        "tmpfs /sys/fs/cgroup tmpfs rw 0 0\ncgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n",
    );
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].1, PathBuf::from("/sys/fs/cgroup/cpu"));
    assert!(m[0].2.contains(&"cpu".to_string()));
    assert_eq!(m[1].0, "cgroup2");
    let stat = "usage_usec 1500\nnr_periods 12\nnr_throttled 9\n";
    assert_eq!(parse_key(stat, "nr_periods"), Some(12));
    assert_eq!(parse_key(stat, "usage_usec"), Some(1500));
    assert_eq!(
        parse_key("oom_kill_disable 0\noom_kill 2\n", "oom_kill"),
        Some(2)
    );
    assert_eq!(parse_key(stat, "missing"), None);
}
