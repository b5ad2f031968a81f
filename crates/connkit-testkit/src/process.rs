//! A server child process in its own process group, stopped by its PID when dropped.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::HarnessError;
use crate::install::tail;

/// A free TCP port on 127.0.0.1 (bound, then released for the server to take).
pub fn free_port() -> Result<u16, HarnessError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| HarnessError::io("binding a free port on 127.0.0.1", e))?;
    let port =
        listener.local_addr().map_err(|e| HarnessError::io("reading a bound port", e))?.port();
    Ok(port)
}

/// A running server process. Dropping it stops the whole process group (SIGTERM, then
/// SIGKILL after five seconds) and reaps the child.
#[derive(Debug)]
pub struct ServerProcess {
    name: String,
    child: Child,
    log: PathBuf,
}

impl ServerProcess {
    /// Spawns `command` in a new process group with stdout and stderr appended to `log`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<Self, HarnessError> {
        let out = File::create(log)
            .map_err(|e| HarnessError::io(format!("creating {}", log.display()), e))?;
        let err = out.try_clone().map_err(|e| HarnessError::io("cloning a log handle", e))?;
        command.stdin(Stdio::null()).stdout(out).stderr(err).process_group(0);
        let child = command
            .spawn()
            .map_err(|e| HarnessError::io(format!("starting {name} ({command:?})"), e))?;
        Ok(Self { name: name.to_string(), child, log: log.to_path_buf() })
    }

    /// The process id (also the process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's log file.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls `ready` every 100 ms until it returns true, the process exits, or `timeout`
    /// passes; the error carries the tail of the log.
    pub fn wait_until(
        &mut self,
        timeout: Duration,
        mut ready: impl FnMut() -> bool,
    ) -> Result<(), HarnessError> {
        let start = Instant::now();
        loop {
            if ready() {
                return Ok(());
            }
            let exited = self.child.try_wait().ok().flatten();
            if exited.is_some() || start.elapsed() > timeout {
                let why = match exited {
                    Some(status) => format!("exited with {status}"),
                    None => "still not answering".to_string(),
                };
                return Err(HarnessError::NotReady {
                    server: self.name.clone(),
                    seconds: timeout.as_secs(),
                    detail: format!(
                        "{why}; log {}:\n{}",
                        self.log.display(),
                        tail(&self.log(), 30)
                    ),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the process group and waits for the child; idempotent.
    pub fn stop(&mut self) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        signal_group(self.pid(), "TERM");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if self.child.try_wait().ok().flatten().is_some() {
                signal_group(self.pid(), "KILL");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal_group(self.pid(), "KILL");
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends a signal to every process of the group `pgid` (the group the server leads).
fn signal_group(pgid: u32, signal: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg("--")
        .arg(format!("-{pgid}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
