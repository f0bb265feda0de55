//! Real servers the SDK's tests start for themselves (never a mock where users run the real thing): a
//! `redis-server` (installed by `scripts/setup.sh` from Debian's packages) on a free loopback port, with its data in a
//! temporary directory, stopped when dropped — and also when the test process dies without dropping it.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixStream;
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
    /// Whether the data directory is this server's to remove (not while a failed attempt is dropped).
    owns_dir: bool,
}

/// Runs `redis-server` until its standard input closes (when the test process exits, however it exits); its data
/// directory goes with it, unless the line read says `keep`. The shell itself ends when the server does (so a server
/// that could not start is seen at once).
const WRAPPER: &str = r#"exec 3<&0
redis-server "$@" </dev/null &
pid=$!
( read -r mode <&3; kill "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  [ "$mode" = keep ] || rm -rf "$MEETERGO_REDIS_DIR" ) &
exec 3<&-
wait "$pid""#;

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
                owns_dir: false,
            };
            match server.spawn(extra) {
                Ok(()) => {
                    server.owns_dir = true;
                    return Ok(server);
                }
                Err(e) => last = e,
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        Err(last)
    }

    fn spawn(&mut self, extra: &[&str]) -> Result<(), String> {
        let port = self.port.to_string();
        let dir = self.dir.display().to_string();
        let socket = self.socket().display().to_string();
        let mut args = vec![
            "--unixsocket",
            &socket,
            "--unixsocketperm",
            "700",
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

    fn socket(&self) -> PathBuf {
        self.dir.join("redis.sock")
    }

    /// Whether this server answers `PING` (with `+PONG`, or `-NOAUTH` when it wants a password). Asked on its Unix
    /// socket in its own directory, so another server that took the port is never mistaken for it (and a server
    /// that answers there has bound its TCP port too).
    pub fn ping(&self) -> bool {
        let Ok(mut stream) = UnixStream::connect(self.socket()) else {
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
        self.stop_keeping(!self.owns_dir);
        if self.owns_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
