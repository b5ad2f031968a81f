//! Runs one process and measures it: wall time, CPU time (user + system, `/proc/PID/stat`)
//! and peak resident memory (the kernel's high-water mark, `VmHWM` in `/proc/PID/status`),
//! both read every few milliseconds while it runs, with a hard timeout after which it is
//! killed.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How one run went.
#[derive(Debug, Clone)]
pub(crate) struct Measured {
    /// The exit code, `None` when killed by a signal or the timeout.
    pub code: Option<i32>,
    /// Whether the timeout killed it.
    pub timed_out: bool,
    /// Wall time.
    pub wall: Duration,
    /// CPU time, user and system (the last reading before it exited; zero where /proc is not
    /// readable).
    pub cpu: Duration,
    /// Peak resident set size in bytes (0 where /proc is not readable).
    pub peak_rss: u64,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
}

/// Runs `command` to completion (or `timeout`), capturing its output and measuring it.
pub(crate) fn run(mut command: Command, timeout: Duration) -> std::io::Result<Measured> {
    let started = Instant::now();
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    // Drain the pipes on threads so that a chatty child never blocks on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let mut peak_rss = 0;
    let mut cpu = Duration::ZERO;
    let mut timed_out = false;
    let status = loop {
        peak_rss = peak_rss.max(high_water_mark(&child));
        cpu = cpu.max(cpu_time(&child));
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = started.elapsed();
    Ok(Measured {
        code: if timed_out { None } else { status.code() },
        timed_out,
        wall,
        cpu,
        peak_rss,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buffer = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buffer);
        }
        buffer
    })
}

/// `VmHWM` of a running child, in bytes (0 once it exited or without /proc).
fn high_water_mark(child: &Child) -> u64 {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{}/status", child.id())) else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// User plus system time of a running child: fields 14 and 15 of `/proc/PID/stat`, in clock
/// ticks of 1/100 s (Linux's `USER_HZ` on every common architecture).
fn cpu_time(child: &Child) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{}/stat", child.id())) else {
        return Duration::ZERO;
    };
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let Some((_, rest)) = stat.rsplit_once(')') else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // After the name, field 3 (state) is at index 0: utime (14) at 11, stime (15) at 12.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}
