//! Real servers the SDK's tests start for themselves (never a mock where users run the real thing): a
//! `redis-server` (installed by `scripts/setup.sh` from Debian's packages) on a free loopback port, with its data in a
//! temporary directory, stopped when dropped — and also when the test process dies without dropping it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` this process started. It persists like a production inbox should (`appendonly yes`,
/// `appendfsync always`).
#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    child: Option<(Child, ChildStdin)>,
}

/// Runs `redis-server` until its standard input closes (when the test process exits, however it exits).
/// Its data directory goes with it, unless the line read says `keep`.
const WRAPPER: &str = r#"redis-server "$@" & pid=$!; read -r mode; kill "$pid" 2>/dev/null; wait "$pid"
[ "$mode" = keep ] || rm -rf "$MEETERGO_REDIS_DIR""#;

impl RedisServer {
    /// Starts a server on a free port; `extra` are further `redis-server` options (e.g. `["--maxmemory", "2mb"]`).
    pub fn start(extra: &[&str]) -> Result<RedisServer, String> {
        let dir = std::env::temp_dir().join(format!(
            "meetergo-redis-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut last = String::new();
        // A free port can be taken between the probe and the server's bind: try again on another.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| e.to_string())?
                .port();
            let mut server = RedisServer {
                port,
                dir: dir.clone(),
                child: None,
            };
            match server.spawn(extra) {
                Ok(()) => return Ok(server),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn spawn(&mut self, extra: &[&str]) -> Result<(), String> {
        let port = self.port.to_string();
        let dir = self.dir.display().to_string();
        let mut args = vec![
            "--port",
            &port,
            "--bind",
            "127.0.0.1",
            "--dir",
            &dir,
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--daemonize",
            "no",
            "--logfile",
            "redis.log",
        ];
        args.extend_from_slice(extra);
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(WRAPPER)
            .arg("sh")
            .env("MEETERGO_REDIS_DIR", &dir)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run sh: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin for the redis wrapper")?;
        self.child = Some((child, stdin));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.ping() {
                return Ok(());
            }
            if let Some((child, _)) = &mut self.child
                && let Ok(Some(_)) = child.try_wait()
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let log = std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default();
        self.stop();
        Err(format!(
            "redis-server did not start on port {} (is it installed? scripts/setup.sh installs it): {}",
            self.port,
            log.lines().last().unwrap_or("no log")
        ))
    }

    /// Whether the server answers `PING` (with `+PONG`, or `-NOAUTH` when it wants a password).
    pub fn ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let mut reply = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut reply).is_ok()
            && (&reply == b"+PONG\r\n" || reply.starts_with(b"-NOAUTH"))
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server (as a crash of Redis or a lost connection would look to its clients); its data stays.
    pub fn stop(&mut self) {
        self.stop_keeping(true);
    }

    fn stop_keeping(&mut self, keep: bool) {
        if let Some((mut child, mut stdin)) = self.child.take() {
            if keep {
                let _ = stdin.write_all(b"keep\n");
            }
            drop(stdin);
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same data (`appendonly`: what was acknowledged is back).
    pub fn restart(&mut self, extra: &[&str]) -> Result<(), String> {
        self.stop();
        self.spawn(extra)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop_keeping(false);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
