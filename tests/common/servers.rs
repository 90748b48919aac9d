//! The harness of the tests that run the server examples as built binaries
//! (`select_server`, `poll_server`, `epoll_server`, and `examples` in part): where
//! the binary is, its stdout by line, its `listening on ADDR` banner, its open
//! descriptors and threads from `/proc/<pid>`, and this process's `RLIMIT_NOFILE`.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// The built example `name`: this test binary is `target/<profile>/deps/<test>-…`, the
/// examples are in `target/<profile>/examples`.
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary sits in target/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.is_file(),
        "example binary {} is missing: a plain `cargo test` builds it, `cargo test --test …` \
         does not (run `cargo build --examples` with the same features first)",
        path.display()
    );
    path
}

/// Sends each line of a pipe down a channel, for reading with a timeout.
pub fn lines_of(r: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The next line from `what`, waiting at most `limit`.
pub fn next_line(lines: &Receiver<String>, limit: Duration, what: &str) -> String {
    lines
        .recv_timeout(limit)
        .unwrap_or_else(|e| panic!("no line from {what} within {limit:?}: {e}"))
}

/// The address of a server's `listening on ADDR` banner.
pub fn banner_addr(banner: &str) -> SocketAddr {
    banner
        .strip_prefix("listening on ")
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("bad banner {banner:?}"))
}

/// Receives exactly `n` bytes (each `recv` bounded by the socket's timeout; an
/// `EINTR` is retried, as C retries it, at most 100 times).
pub fn recv_exactly(fd: &sockapi::Socket, n: usize) -> Vec<u8> {
    let mut got = vec![0u8; n];
    let mut have = 0;
    let mut interrupted = 0;
    while have < n {
        match sockapi::recv(fd, &mut got[have..], 0) {
            Ok(0) => panic!("end of file after {have} of {n} bytes"),
            Ok(k) => have += k,
            Err(sockapi::Errno::EINTR) if interrupted < 100 => interrupted += 1,
            Err(e) => panic!("recv after {have} of {n} bytes: {e}"),
        }
    }
    got
}

/// How many descriptors process `pid` has open, from `/proc/<pid>/fd`.
pub fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc/<pid>/fd")
        .count()
}

/// The descriptor numbers process `pid` has open, from `/proc/<pid>/fd`.
pub fn fd_numbers(pid: u32) -> Vec<usize> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc/<pid>/fd")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// `Threads:` of `/proc/<pid>/status`.
pub fn threads(pid: u32) -> usize {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/<pid>/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("Threads: in /proc/<pid>/status")
}

/// A server example started by [`Server::spawn`]: killed and reaped however the test
/// ends, its stdout (and stderr, if piped) by line, and the address of its banner.
pub struct Server {
    pub name: &'static str,
    pub child: Child,
    /// Its stdout after the banner, by line.
    pub lines: Receiver<String>,
    /// Its stderr by line, if the command piped it.
    pub stderr: Option<Receiver<String>>,
    /// The banner, `listening on ADDR`.
    pub banner: String,
    pub addr: SocketAddr,
    /// How long a line, or a state waited for, may take.
    pub limit: Duration,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `name 127.0.0.1 0`, the trace off, stderr inherited: for [`Server::spawn`].
    pub fn command(name: &str) -> Command {
        let mut cmd = Command::new(example(name));
        cmd.args(["127.0.0.1", "0"])
            .env_remove("SOCKAPI_TRACE")
            .stderr(Stdio::inherit());
        cmd
    }

    /// Starts `cmd` (the example `name`) with stdin closed and stdout piped, and reads
    /// its banner (waiting at most `limit`, as for every line after).
    pub fn spawn(cmd: &mut Command, name: &'static str, limit: Duration) -> Server {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {name}: {e}"));
        let lines = lines_of(child.stdout.take().expect("stdout"));
        let stderr = child.stderr.take().map(lines_of);
        let mut server = Server {
            name,
            child,
            lines,
            stderr,
            banner: String::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            limit,
        };
        server.banner = server.next_line();
        server.addr = banner_addr(&server.banner);
        server
    }

    /// [`Server::command`]`(name)`, spawned.
    pub fn start(name: &'static str, limit: Duration) -> Server {
        Server::spawn(&mut Server::command(name), name, limit)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn next_line(&self) -> String {
        next_line(&self.lines, self.limit, self.name)
    }

    /// How many descriptors the server has open.
    pub fn open_fds(&self) -> usize {
        open_fds(self.pid())
    }

    /// The descriptor numbers the server has open.
    pub fn fd_numbers(&self) -> Vec<usize> {
        fd_numbers(self.pid())
    }

    /// `Threads:` of its `/proc/<pid>/status`.
    pub fn threads(&self) -> usize {
        threads(self.pid())
    }

    /// Waits (bounded in time and count; the polls order nothing) until the server
    /// holds `n` descriptors; `what` names the moment in the failure.
    pub fn wait_open_fds(&self, n: usize, what: &str) {
        let deadline = Instant::now() + self.limit;
        for _ in 0..1_000_000 {
            let now = self.open_fds();
            if now == n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: {} holds {now} descriptors, not {n}",
                self.name
            );
            // A poll interval, not synchronisation: the count is read again.
            thread::sleep(Duration::from_millis(5));
        }
        panic!("{what}: bounded wait for {n} open descriptors");
    }

    /// Still running (never exited, never panicked).
    pub fn assert_running(&mut self) {
        assert!(
            self.child.try_wait().expect("try_wait").is_none(),
            "{} exited",
            self.name
        );
    }
}

/// Raises this process's soft `RLIMIT_NOFILE` to `want` if it is lower, capped at the
/// hard limit; the soft limit then.
pub fn raise_nofile_toward(want: libc::rlim_t) -> libc::rlim_t {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur < want {
        lim.rlim_cur = want.min(lim.rlim_max);
        // SAFETY: `lim` is a valid rlimit, the soft limit within the hard one.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    }
    lim.rlim_cur
}

/// Raises this process's soft `RLIMIT_NOFILE` to at least `want`; `false` (the test
/// skips, with a line on stderr) if the hard limit does not allow it and `CI` is
/// unset. With `CI` set it panics instead, so CI never skips.
pub fn raise_nofile(want: libc::rlim_t) -> bool {
    let soft = raise_nofile_toward(want);
    if soft >= want {
        return true;
    }
    let why = format!("the hard RLIMIT_NOFILE is {soft}, below {want}");
    if std::env::var_os("CI").is_some() {
        panic!("{why}; CI is set, so this test does not skip");
    }
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {why}; raise it (`ulimit -Hn`) to run this test"
    );
    false
}

/// A blocking `connect` that finishes what a signal interrupted: POSIX lets a blocking
/// connect return `EINTR` while the connection goes on in the background (some
/// kernels, gVisor's among them, do so under load), after which C waits for
/// writability and reads `SO_ERROR`. Bounded by `limit`.
pub fn connect_through_eintr(
    fd: &sockapi::Socket,
    addr: &SocketAddr,
    limit: Duration,
) -> sockapi::Result<()> {
    use sockapi::*;
    match connect(fd, addr) {
        Err(Errno::EINTR) => {}
        other => return other,
    }
    let ms = limit.as_millis().min(i32::MAX as u128) as i32;
    let mut fds = [pollfd::new(fd, POLLOUT)];
    match poll(&mut fds, ms)? {
        0 => Err(Errno::ETIMEDOUT),
        _ => match getsockopt(fd, SOL_SOCKET, SO_ERROR)? {
            0 => Ok(()),
            e => Err(Errno::from_raw(e)),
        },
    }
}
