//! A real `redis-server` (Debian's package) on a free 127.0.0.1 port with its own directory
//! under `target/e2e/redis/`, no persistence, stopped by its PID when dropped.
//!
//! The server can be killed and started again on the same port (the shared mode's outage
//! tests); a restarted server starts empty, as a Redis without persistence does.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::HarnessError;
use crate::paths::e2e_dir;
use crate::process::{ServerProcess, free_port};

const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running Redis.
#[derive(Debug)]
pub struct RedisServer {
    process: Option<ServerProcess>,
    port: u16,
    dir: PathBuf,
    starts: u32,
}

impl RedisServer {
    /// Starts `redis-server` from the PATH on a free port.
    ///
    /// # Errors
    /// [`HarnessError::Install`] naming the package when `redis-server` is missing (`.ci/run`
    /// installs it); [`HarnessError::NotReady`] when it does not answer `PING`.
    pub fn start() -> Result<Self, HarnessError> {
        let port = free_port()?;
        let dir = e2e_dir().join("redis").join(format!("{port}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
        let mut server = Self { process: None, port, dir, starts: 0 };
        server.restart()?;
        Ok(server)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The PID of the running server, if it runs.
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(ServerProcess::pid)
    }

    /// Kills the server at once (SIGKILL through its process group), as a crash would.
    pub fn kill(&mut self) {
        if let Some(process) = &self.process {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg("--")
                .arg(format!("-{}", process.pid()))
                .status();
        }
        if let Some(mut process) = self.process.take() {
            process.stop();
        }
    }

    /// Starts the server (again) on the same port, empty.
    ///
    /// # Errors
    /// As [`RedisServer::start`].
    pub fn restart(&mut self) -> Result<(), HarnessError> {
        self.kill();
        self.starts += 1;
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "yes"])
            .arg("--dir")
            .arg(&self.dir)
            .current_dir(&self.dir);
        let log = self.dir.join(format!("redis-{}.log", self.starts));
        let mut process =
            ServerProcess::spawn("redis-server", command, &log).map_err(|e| match e {
                HarnessError::Io { source, .. }
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    HarnessError::Install {
                        tool: "redis-server".into(),
                        detail: "`redis-server` is not on the PATH: install Debian's package \
                                 (`apt-get install -y redis-server`; .ci/run does it)"
                            .into(),
                    }
                }
                other => other,
            })?;
        let port = self.port;
        process.wait_until(START_TIMEOUT, || ping(port))?;
        self.process = Some(process);
        Ok(())
    }

    /// Every key and its value as bytes (`SCAN` then `GET`/`HGETALL`), for checks that nothing
    /// readable is stored.
    ///
    /// # Errors
    /// [`HarnessError::Io`] when the server cannot be read.
    pub fn dump(&self) -> Result<Vec<(String, Vec<u8>)>, HarnessError> {
        let client = redis::Client::open(self.url())
            .map_err(|e| HarnessError::Invalid(format!("redis client: {e}")))?;
        let mut con = client
            .get_connection()
            .map_err(|e| HarnessError::Invalid(format!("connecting to redis: {e}")))?;
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("*")
            .query(&mut con)
            .map_err(|e| HarnessError::Invalid(format!("KEYS: {e}")))?;
        let mut out = Vec::new();
        for key in keys {
            let kind: String = redis::cmd("TYPE")
                .arg(&key)
                .query(&mut con)
                .map_err(|e| HarnessError::Invalid(format!("TYPE: {e}")))?;
            let value: Vec<u8> = match kind.as_str() {
                "string" => redis::cmd("GET").arg(&key).query(&mut con).unwrap_or_default(),
                "hash" => {
                    let pairs: Vec<Vec<u8>> =
                        redis::cmd("HGETALL").arg(&key).query(&mut con).unwrap_or_default();
                    pairs.join(&b' ')
                }
                _ => Vec::new(),
            };
            out.push((key, value));
        }
        Ok(out)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// True when 127.0.0.1:`port` answers `PING` with `+PONG`.
fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}
