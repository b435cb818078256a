//! A real `redis-server` for tests, on a free loopback port, stopped when dropped.
//!
//! The README's test command must pass on a fresh machine, so a missing `redis-server` is
//! installed with the system package manager (`apt-get install redis-server`, as root or with
//! `sudo -n`) by the first test that needs it; where that is impossible the test fails with the
//! one command to run.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The one command that installs the server by hand.
pub const INSTALL_HINT: &str = "sudo apt-get install -y redis-server";

/// A running `redis-server` with no persistence, killed on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    _dir: tempdir::Dir,
}

mod tempdir {
    /// A scratch directory for the server's working files, removed on drop.
    #[derive(Debug)]
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl RedisServer {
    /// Starts a server on a free loopback port and waits until it answers `PING`.
    ///
    /// # Panics
    /// If `redis-server` is missing and cannot be installed, or does not start within 10 s.
    pub fn start() -> Self {
        let binary = redis_server();
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("tokenspec-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory for redis-server");
        let child = Command::new(binary)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        let server = RedisServer {
            child: Some(child),
            port,
            _dir: tempdir::Dir(dir),
        };
        let started = Instant::now();
        while !server.answers() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not answer on port {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether it answers `PING` (a raw RESP exchange, no client library needed).
    pub fn answers(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        if stream.write_all(b"PING\r\n").is_err() {
            return false;
        }
        let mut reply = [0u8; 7];
        stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
    }

    /// Kills the server (SIGKILL) and waits for it: Redis gone mid-run.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The `redis-server` binary, installed first if missing.
fn redis_server() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        find()
            .or_else(|| {
                install();
                find()
            })
            .unwrap_or_else(|| {
                panic!(
                    "redis-server is not installed and could not be installed; run: {INSTALL_HINT}"
                )
            })
    })
}

fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
}

/// `apt-get install -y redis-server`, directly as root or through `sudo -n`; waits for the
/// package manager's lock (another test binary may be installing it at the same moment).
fn install() {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let apt = |args: &[&str]| {
        let mut command = if is_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "apt-get"]);
            sudo
        };
        command
            .args(["-o", "DPkg::Lock::Timeout=300", "-y", "-q"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !apt(&["install", "redis-server"]) {
        // A fresh machine's package lists may be empty or stale.
        let _ = apt(&["update"]);
        let _ = apt(&["install", "redis-server"]);
    }
}
