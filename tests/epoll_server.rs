//! The `epoll_server` example, run as the built binary over loopback: 1,500
//! concurrent clients that interleave their sends, each getting its own bytes back;
//! clients leaving by close, reset and `shutdown(SHUT_WR)`, with the server's
//! descriptor count back to where it started; one thread; and `EMFILE` on accept
//! handled with the spare descriptor, the others served on.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::servers::{example, raise_nofile, recv_exactly, Server};
use common::set_timeouts;

/// How long a line from the server, or a state the test waits for, may take.
const LIMIT: Duration = Duration::from_secs(60);

const CLIENTS: usize = 1_500;

/// `epoll_server 127.0.0.1 0`, with the soft `RLIMIT_NOFILE` set to `nofile` in the
/// child if given (else inherited), its banner read and checked.
fn start_server(nofile: Option<libc::rlim_t>) -> Server {
    let mut cmd = Server::command("epoll_server");
    if let Some(soft) = nofile {
        // SAFETY: between fork and exec the closure calls only getrlimit and
        // setrlimit, which are async-signal-safe, on a stack rlimit.
        unsafe {
            cmd.pre_exec(move || {
                let mut lim = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                lim.rlim_cur = soft.min(lim.rlim_max);
                if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let server = Server::spawn(&mut cmd, "epoll_server", LIMIT);
    let (banner, addr) = (&server.banner, server.addr);
    assert_ne!(addr.port(), 0, "{banner}");
    assert_eq!(*banner, format!("listening on 127.0.0.1:{}", addr.port()));
    server
}

/// Reads lines until `count` of them start with `prefix`; returns all it read.
fn lines_until(server: &Server, prefix: &str, count: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut matched = 0;
    while matched < count {
        let line = server.next_line();
        if line.starts_with(prefix) {
            matched += 1;
        }
        seen.push(line);
    }
    seen
}

/// A blocking client connected to `addr`, with send and receive timeouts.
fn client(addr: SocketAddr) -> Socket {
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    set_timeouts(&fd);
    common::servers::connect_through_eintr(&fd, &addr, common::TIMEOUT_DURATION)
        .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    fd
}

fn message(i: usize) -> Vec<u8> {
    format!("client {i} says hello to the epoll server, {}!\n", i * 7919).into_bytes()
}

/// The three pieces each message is sent in.
fn pieces(msg: &[u8]) -> [&[u8]; 3] {
    let (a, rest) = msg.split_at(msg.len() / 3);
    let (b, c) = rest.split_at(rest.len() / 2);
    [a, b, c]
}

#[test]
fn serves_1500_concurrent_clients_and_lets_them_go() {
    if !raise_nofile(4_096) {
        return;
    }
    let start = Instant::now();
    let mut server = start_server(None);
    let fds_at_start = server.open_fds();

    // All connected first.
    let clients: Vec<Socket> = (0..CLIENTS).map(|_| client(server.addr)).collect();
    let connects = lines_until(&server, "connect ", CLIENTS);
    assert!(
        connects.iter().all(|l| l.starts_with("connect 127.0.0.1:")),
        "{:?}",
        connects.iter().find(|l| !l.starts_with("connect "))
    );
    assert_eq!(server.threads(), 1, "one thread");
    assert_eq!(server.open_fds(), fds_at_start + CLIENTS);

    // Interleaved: the first piece of every message, then the second, then the
    // third; a third of the clients then shut down their sending side before
    // reading the echo.
    let messages: Vec<Vec<u8>> = (0..CLIENTS).map(message).collect();
    for piece in 0..3 {
        for (i, fd) in clients.iter().enumerate() {
            let bytes = pieces(&messages[i])[piece];
            assert_eq!(send(fd, bytes, 0), Ok(bytes.len()), "client {i}");
            if piece == 2 && i % 3 == 2 {
                shutdown(fd, SHUT_WR).unwrap();
            }
        }
    }
    assert_eq!(server.threads(), 1, "one thread while serving");
    for (i, fd) in clients.iter().enumerate() {
        let echo = recv_exactly(fd, messages[i].len());
        assert_eq!(echo, messages[i], "client {i} got another's bytes");
        if i % 3 == 2 {
            let mut buf = [0u8; 1];
            assert_eq!(
                recv(fd, &mut buf, 0),
                Ok(0),
                "client {i}: the server closes"
            );
        }
    }
    let served = start.elapsed();

    // The rest leave: a third by a plain close, a third by a reset.
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
            _ => drop(fd),
        }
    }
    let disconnects = lines_until(&server, "disconnect ", CLIENTS);
    let resets = disconnects
        .iter()
        .filter(|l| l.ends_with("(recv: ECONNRESET)"))
        .count();
    assert_eq!(resets, CLIENTS / 3, "one reset line per reset client");
    server.wait_open_fds(fds_at_start, "every client gone");
    server.assert_running();

    // And it serves on.
    let late = client(server.addr);
    assert_eq!(send(&late, b"still there?", 0), Ok(12));
    assert_eq!(recv_exactly(&late, 12), b"still there?");
    println!(
        "epoll_server: {CLIENTS} concurrent clients echoed in {served:?}, all gone and \
         descriptors back to {fds_at_start} after {:?}",
        start.elapsed()
    );
}

#[test]
fn out_of_descriptors_refuses_cleanly_and_serves_on() {
    // Room for 0, 1, 2, the listener, the spare, the epoll descriptor and about 10
    // clients: the numbers below 16 that are free once it serves (a descriptor
    // inherited from whatever runs the tests may take one).
    let mut server = start_server(Some(16));
    let room = 16 - server.fd_numbers().iter().filter(|&&fd| fd < 16).count();
    assert!(room >= 2, "{room}");
    let served: Vec<Socket> = (0..room).map(|_| client(server.addr)).collect();
    let lines = lines_until(&server, "connect ", room);
    assert_eq!(lines.len(), room, "{lines:?}");
    // These find the table full: taken and closed at once.
    let refused: Vec<Socket> = (0..4).map(|_| client(server.addr)).collect();
    let lines = lines_until(&server, "refused ", 4);
    assert_eq!(lines.len(), 4, "only refusals: {lines:?}");
    for fd in &refused {
        let mut buf = [0u8; 1];
        assert_eq!(
            recv(fd, &mut buf, 0),
            Ok(0),
            "a refused client sees end-of-file"
        );
    }
    // The others are served all along.
    for (i, fd) in served.iter().enumerate() {
        let msg = message(i);
        assert_eq!(send(fd, &msg, 0), Ok(msg.len()));
        assert_eq!(recv_exactly(fd, msg.len()), msg);
    }
    // One leaves; its place is taken by a new one.
    let mut served = served;
    drop(served.pop());
    let line = server.next_line();
    assert!(line.starts_with("disconnect "), "{line}");
    let fd = client(server.addr);
    let line = server.next_line();
    assert!(line.starts_with("connect "), "{line}");
    assert_eq!(send(&fd, b"in", 0), Ok(2));
    assert_eq!(recv_exactly(&fd, 2), b"in");
    server.assert_running();
}

/// Runs `epoll_server ARGS` that should exit at once: its status, stdout, stderr.
fn run_to_exit(args: &[&str], trace: bool) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(example("epoll_server"));
    cmd.args(args).stdin(Stdio::null());
    if trace {
        cmd.env("SOCKAPI_TRACE", "1");
    } else {
        cmd.env_remove("SOCKAPI_TRACE");
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn epoll_server");
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let mut out = String::new();
            let mut err = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), out, err);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("epoll_server {args:?} still running after {LIMIT:?}");
        }
        // A poll interval for the exit, not synchronisation.
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn usage_bad_port_and_port_in_use() {
    let (code, out, err) = run_to_exit(&["127.0.0.1", "1", "extra"], false);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("usage: epoll_server [host] [port]"),
        "{err}"
    );
    assert_eq!(out, "");
    for port in ["99999", "notaport", ""] {
        let (code, out, err) = run_to_exit(&["127.0.0.1", port], false);
        assert_eq!(code, Some(2), "{port:?}: {err}");
        assert_eq!(
            err,
            format!("epoll_server: bad port {port:?}: a number from 0 to 65535\n")
        );
        assert_eq!(out, "");
    }
    // A port another socket listens on (without SO_REUSEADDR's help for listeners).
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, &SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
    listen(&fd, 1).unwrap();
    let port = getsockname(&fd).unwrap().as_socket().unwrap().port();
    let (code, out, err) = run_to_exit(&["127.0.0.1", &port.to_string()], false);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("EADDRINUSE"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out, "");
}

#[test]
fn serves_ipv6_and_traces_its_epoll_calls() {
    let mut cmd = Command::new(example("epoll_server"));
    cmd.args(["::1", "0"])
        .env("SOCKAPI_TRACE", "1")
        .stderr(Stdio::piped());
    let mut server = Server::spawn(&mut cmd, "epoll_server", LIMIT);
    let stderr = server.stderr.take().expect("stderr");
    let (banner, addr) = (&server.banner, server.addr);
    assert!(addr.is_ipv6(), "{banner}");
    let fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    set_timeouts(&fd);
    connect(&fd, &addr).unwrap();
    assert_eq!(send(&fd, b"six", 0), Ok(3));
    assert_eq!(recv_exactly(&fd, 3), b"six");
    assert!(server.next_line().starts_with("connect [::1]:"));
    if !cfg!(feature = "trace") {
        return;
    }
    // The trace names the calls as strace does, up to the echo's `send`.
    let mut calls = Vec::new();
    let deadline = Instant::now() + LIMIT;
    while !calls.iter().any(|l: &String| l.starts_with("send(")) {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = stderr.recv_timeout(left).unwrap_or_else(|e| {
            panic!(
                "no trace line ({e}) after {calls:#?}: or the example binary is stale \
                 (`cargo test --test …` does not build examples; run `cargo build \
                 --examples` with the same features first)"
            )
        });
        calls.push(line);
    }
    let find = |prefix: &str| {
        calls
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} line in {calls:#?}"))
            .clone()
    };
    assert!(find("epoll_create1(").starts_with("epoll_create1(EPOLL_CLOEXEC) = "));
    assert!(
        find("epoll_ctl(")
            .contains(", {events=EPOLLIN, data={u32=4294967295, u64=18446744073709551615}}) = 0"),
        "{calls:#?}"
    );
    assert!(
        find("epoll_wait(").contains(
            "[{events=EPOLLIN, data={u32=4294967295, u64=18446744073709551615}}], 256, -1) = 1"
        ),
        "{calls:#?}"
    );
}
