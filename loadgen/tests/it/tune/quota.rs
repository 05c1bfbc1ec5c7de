//! A CPU quota stretches CPU work: checked in wall time where that always holds, and through the
//! group's own accounting where contention would blur wall time.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use loadgen::tune::cgroup::{Cgroup, Limits, PERIOD_US};

use super::layout;

/// A shell spinning in a busy loop, moved into `group`; killed when dropped.
struct Spinner(Child);

impl Spinner {
    fn start(group: &Cgroup) -> Spinner {
        let child = Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .expect("sh");
        let s = Spinner(child);
        group.add_pid(s.0.id()).expect("join the cgroup");
        s
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Wall time until the group has used `cpu` of CPU time.
fn wall_for_cpu(group: &Cgroup, cpu: Duration) -> (Duration, u64) {
    let start = Instant::now();
    let spinner = Spinner::start(group);
    loop {
        let used = group.cpu_stat().unwrap().usage_us;
        if used >= cpu.as_micros() as u64 {
            drop(spinner);
            return (start.elapsed(), used);
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn tune_quota_of_a_quarter_cpu_makes_cpu_work_take_four_times_as_long() {
    let Some(layout) = layout() else { return };
    let pid = std::process::id();
    // An idle core gives the unthrottled loop its 0.2 s of CPU in about 0.2 s of wall time.
    let free = Cgroup::create(
        &layout,
        &format!("loadgen-it-free-{pid}"),
        Limits::with_cpu(2 * PERIOD_US, 64),
    )
    .unwrap();
    let (free_wall, free_used) = wall_for_cpu(&free, Duration::from_millis(200));
    let idle = free_wall.as_secs_f64() <= free_used as f64 / 1e6 * 1.1;
    drop(free);

    let quarter = PERIOD_US / 4;
    let group = Cgroup::create(
        &layout,
        &format!("loadgen-it-quarter-{pid}"),
        Limits::with_cpu(quarter, 64),
    )
    .unwrap();
    let (wall, used) = wall_for_cpu(&group, Duration::from_millis(400));
    let stat = group.cpu_stat().unwrap();
    let ratio = wall.as_secs_f64() / (used as f64 / 1e6);
    // The quota makes this true on any machine, busy or not: at most a quarter of each period
    // (plus the first period's slice) is spent, so wall >= 4 x CPU, less a 15% margin for the
    // polling.
    assert!(
        ratio >= 4.0 * 0.85,
        "wall {wall:?} for {used} us of CPU: {ratio:.2}x"
    );
    // What caps the stretch is the kernel's accounting, which contention does not change: never
    // more than the quota per elapsed period.
    assert!(stat.nr_periods > 0 && stat.nr_throttled > 0, "{stat:?}");
    assert!(
        stat.usage_us as f64 <= stat.nr_periods as f64 * quarter as f64 * 1.15,
        "{stat:?}: more than {quarter} us per period"
    );
    // A wall-time upper bound only holds when nothing else competes for the core, which the
    // unthrottled run measured just before.
    if idle {
        assert!(ratio <= 4.6, "idle machine, yet {ratio:.2}x");
    } else {
        eprintln!(
            "busy machine (unthrottled {free_wall:?} for {free_used} us): upper bound not checked"
        );
    }
}
