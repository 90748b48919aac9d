//! `examples/poll_server`, run as the built binary: 1,500 concurrent clients that
//! interleave their sends, each getting its own bytes back; clients leaving by close,
//! reset and `shutdown(SHUT_WR)`, after which the server's open descriptors are back
//! where they started; one thread throughout; and, with a descriptor limit set low,
//! connections refused cleanly at `EMFILE` while the others are served.
//!
//! Its own binary (`harness = false`): it raises this process's soft `RLIMIT_NOFILE`
//! (to at least 4,096, which the server inherits), and the scenarios run one after
//! another.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::servers::{example, raise_nofile, Server};

/// Clients served at once in the big run.
const CLIENTS: usize = 1_500;
/// The soft descriptor limit this test wants (the clients and the server's sockets,
/// with room).
const NOFILE: u64 = 4_096;
/// How long the whole of a scenario may take.
const LIMIT: Duration = Duration::from_secs(120);
/// How long a client's blocking call waits for the server.
const PEER_TIMEOUT: timeval = timeval {
    tv_sec: 20,
    tv_usec: 0,
};

/// The next `n` lines of `server` that start with `prefix`, skipping others; bounded.
fn expect_lines(server: &Server, prefix: &str, n: usize) -> Vec<String> {
    let mut got = Vec::new();
    let deadline = Instant::now() + LIMIT;
    while got.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = server.lines.recv_timeout(left).unwrap_or_else(|e| {
            panic!(
                "{} of {n} {prefix:?} lines within {LIMIT:?}: {e}",
                got.len()
            )
        });
        if line.starts_with(prefix) {
            got.push(line);
        }
    }
    got
}

/// A client socket (`SOCK_CLOEXEC`, timeouts set) connected to `to`.
fn client(to: &SocketAddr) -> Result<Socket> {
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &PEER_TIMEOUT)?;
    setsockopt(&fd, SOL_SOCKET, SO_SNDTIMEO, &PEER_TIMEOUT)?;
    common::servers::connect_through_eintr(&fd, to, common::TIMEOUT_DURATION)?;
    Ok(fd)
}

/// Reads exactly `want.len()` bytes (bounded by the socket's timeout) and compares.
fn read_echo(fd: &Socket, want: &[u8], who: usize) {
    let mut got = vec![0u8; want.len()];
    let mut n = 0;
    while n < want.len() {
        match recv(fd, &mut got[n..], 0) {
            Ok(0) => panic!(
                "client {who}: end of stream after {n} of {} bytes",
                want.len()
            ),
            Ok(k) => n += k,
            Err(e) => panic!("client {who}: recv after {n} bytes: {e}"),
        }
    }
    assert_eq!(got, want, "client {who} got another's bytes");
}

/// 1,500 clients at once, each message in three pieces sent round by round, every
/// echo checked; then a third leave by close, a third by reset, a third by
/// `shutdown(SHUT_WR)` before reading their last echo.
fn fifteen_hundred_clients() {
    let start = Instant::now();
    let server = Server::start("poll_server", LIMIT);
    let base_fds = server.open_fds();

    let clients: Vec<Socket> = (0..CLIENTS)
        .map(|i| client(&server.addr).unwrap_or_else(|e| panic!("client {i}: connect: {e}")))
        .collect();
    let connects = expect_lines(&server, "connect ", CLIENTS);
    assert!(connects
        .iter()
        .any(|l| l.contains(&format!("{CLIENTS} clients"))));
    server.wait_open_fds(base_fds + CLIENTS, "all connected");
    assert_eq!(server.threads(), 1, "one thread");

    let message = |i: usize| format!("client {i:04}: hello from a poll test, in three pieces\n");
    let pieces = |i: usize| {
        let m = message(i).into_bytes();
        let (a, rest) = m.split_at(7);
        let (b, c) = rest.split_at(20);
        [a.to_vec(), b.to_vec(), c.to_vec()]
    };
    for round in 0..3 {
        for (i, fd) in clients.iter().enumerate() {
            let piece = &pieces(i)[round];
            assert_eq!(
                send(fd, piece, 0),
                Ok(piece.len()),
                "client {i} round {round}"
            );
        }
    }
    for (i, fd) in clients.iter().enumerate() {
        read_echo(fd, message(i).as_bytes(), i);
    }
    assert_eq!(server.threads(), 1, "one thread");
    let served = start.elapsed();

    for (i, fd) in clients.into_iter().enumerate() {
        match i % 3 {
            0 => close(fd).unwrap(),
            1 => {
                let reset = linger {
                    l_onoff: 1,
                    l_linger: 0,
                };
                setsockopt(&fd, SOL_SOCKET, SO_LINGER, &reset).unwrap();
                close(fd).unwrap();
            }
            _ => {
                let last = format!("bye {i}");
                assert_eq!(send(&fd, last.as_bytes(), 0), Ok(last.len()));
                shutdown(&fd, SHUT_WR).unwrap();
                read_echo(&fd, last.as_bytes(), i);
                let mut end = [0u8; 1];
                assert_eq!(
                    recv(&fd, &mut end, 0),
                    Ok(0),
                    "client {i}: the server closes"
                );
            }
        }
    }
    let goodbyes = expect_lines(&server, "disconnect ", CLIENTS);
    assert!(
        goodbyes.iter().any(|l| l.contains("(closed, ")),
        "a close and a shutdown read as the end of the stream"
    );
    server.wait_open_fds(base_fds, "every client gone");
    println!(
        "ok     poll_server: {CLIENTS} concurrent clients echoed in {served:.2?}, all gone \
         (close, reset, shutdown) in {:.2?}; one thread",
        start.elapsed()
    );
}

/// With the server's descriptor limit set just above what it holds, the clients past
/// it are refused (their connection ends), the ones it holds are still served, and
/// once one leaves a new one is taken.
fn refuses_at_emfile_and_keeps_serving() {
    let server = Server::start("poll_server", LIMIT);
    let base = server.open_fds();
    // Room for 4 clients: the limit is a descriptor number, so it goes just past the
    // fourth number the server has free (it may hold inherited descriptors anywhere,
    // which stay open above a lower limit).
    let room = 4;
    let open = server.fd_numbers();
    let mut free = 0;
    let mut limit = 0;
    while free < room {
        if !open.contains(&limit) {
            free += 1;
        }
        limit += 1;
    }
    let lim = libc::rlimit {
        rlim_cur: limit as libc::rlim_t,
        rlim_max: limit as libc::rlim_t,
    };
    // SAFETY: integers and a valid rlimit; it changes only the server's limit.
    let rc = unsafe {
        libc::prlimit(
            server.pid() as libc::pid_t,
            libc::RLIMIT_NOFILE,
            &lim,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, 0, "prlimit: {}", Errno::last());

    let held: Vec<Socket> = (0..room).map(|_| client(&server.addr).unwrap()).collect();
    expect_lines(&server, "connect ", room);
    server.wait_open_fds(base + room, "four clients");
    // These connect (the kernel completes the handshake) but are refused: closed at once.
    for i in 0..3 {
        let fd = client(&server.addr).unwrap();
        let lines = expect_lines(&server, "refused ", 1);
        assert!(lines[0].contains("EMFILE"), "{lines:?}");
        let mut buf = [0u8; 4];
        match recv(&fd, &mut buf, 0) {
            Ok(0) | Err(Errno::ECONNRESET) => {}
            other => panic!("refused client {i}: {other:?}"),
        }
    }
    // The ones it holds are still served.
    for (i, fd) in held.iter().enumerate() {
        let m = format!("still here {i}");
        assert_eq!(send(fd, m.as_bytes(), 0), Ok(m.len()));
        read_echo(fd, m.as_bytes(), i);
    }
    // One leaves; a newcomer is taken.
    let mut held = held;
    close(held.pop().unwrap()).unwrap();
    expect_lines(&server, "disconnect ", 1);
    let newcomer = client(&server.addr).unwrap();
    expect_lines(&server, "connect ", 1);
    assert_eq!(send(&newcomer, b"new", 0), Ok(3));
    read_echo(&newcomer, b"new", 99);
    drop(newcomer);
    drop(held);
    server.wait_open_fds(base, "all gone");
    println!("ok     poll_server refuses at EMFILE with its spare descriptor and keeps serving");
}

/// A bad port and too many arguments: a message and exit status 2, as the other
/// servers do.
fn bad_arguments() {
    for args in [&["127.0.0.1", "99999"][..], &["a", "b", "c"][..]] {
        let out = Command::new(example("poll_server"))
            .args(args)
            .env_remove("SOCKAPI_TRACE")
            .stdin(Stdio::null())
            .output()
            .expect("run poll_server");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("bad port") || stderr.contains("usage"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    println!("ok     poll_server: a bad port or too many arguments exit 2");
}

fn main() {
    if !cfg!(target_os = "linux") {
        println!("poll_server: the checks read /proc; nothing to run");
        return;
    }
    if !raise_nofile(NOFILE) {
        return;
    }
    let start = Instant::now();
    fifteen_hundred_clients();
    refuses_at_emfile_and_keeps_serving();
    bad_arguments();
    println!("poll_server: 3 passed, 0 failed ({:.2?})", start.elapsed());
}
