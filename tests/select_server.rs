//! The `select_server` example, run as the built binary on 127.0.0.1 port 0: 200
//! concurrent clients whose sends interleave, each getting its own bytes back;
//! clients leaving by close, reset and `shutdown(SHUT_WR)`, after which the server's
//! open-fd count is back where it started; one thread while it serves; and, once its
//! set is full, new clients accepted and closed while the others are still served.

use std::net::SocketAddr;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::servers::{raise_nofile_toward, recv_exactly, Server};
use common::{set_timeouts, tcp_socket, V4};

/// How long any wait on the server may take before the test fails.
const LIMIT: Duration = Duration::from_secs(30);

/// Starts `select_server 127.0.0.1 0` (the trace off) and reads its banner.
fn start() -> Server {
    let server = Server::start("select_server", LIMIT);
    assert_ne!(server.addr.port(), 0);
    server
}

/// The next `count` lines, each starting with one of `prefixes`.
fn lines_starting(server: &Server, count: usize, prefixes: &[&str]) -> Vec<String> {
    (0..count)
        .map(|_| {
            let l = server.next_line();
            assert!(
                prefixes.iter().any(|p| l.starts_with(p)),
                "unexpected line {l:?}"
            );
            l
        })
        .collect()
}

fn connect_to(addr: SocketAddr) -> Socket {
    let fd = tcp_socket(V4);
    set_timeouts(&fd);
    common::servers::connect_through_eintr(&fd, &addr, common::TIMEOUT_DURATION)
        .expect("connect to select_server");
    fd
}

fn send_all(fd: &Socket, mut buf: &[u8]) {
    while !buf.is_empty() {
        let n = send(fd, buf, MSG_NOSIGNAL).expect("send");
        buf = &buf[n..];
    }
}

/// How a client leaves.
#[derive(Clone, Copy, Debug)]
enum Leave {
    Close,
    Reset,
    ShutdownFirst,
}

const CLIENTS: usize = 200;
const PIECES: usize = 4;

#[test]
fn two_hundred_interleaved_clients_each_get_their_bytes() {
    let server = start();
    let base = server.open_fds();
    let addr = server.addr;
    // Each piece is sent by every client before any sends the next: their sends
    // interleave at the server. The main thread joins the middle barrier to look at
    // the server while all are connected.
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let serving = Arc::new(Barrier::new(CLIENTS + 1));
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (barrier, serving) = (Arc::clone(&barrier), Arc::clone(&serving));
            thread::spawn(move || {
                let leave = [Leave::Close, Leave::Reset, Leave::ShutdownFirst][i % 3];
                let fd = connect_to(addr);
                let mut sent = Vec::new();
                for k in 0..PIECES {
                    barrier.wait();
                    let piece = format!("client {i:03} piece {k} {}|", "x".repeat(i % 37));
                    send_all(&fd, piece.as_bytes());
                    sent.extend_from_slice(piece.as_bytes());
                    if k == 1 {
                        serving.wait();
                    }
                }
                match leave {
                    Leave::ShutdownFirst => {
                        shutdown(&fd, SHUT_WR).unwrap();
                        let back = recv_exactly(&fd, sent.len());
                        assert_eq!(back, sent, "client {i}");
                        let mut more = [0u8; 1];
                        assert_eq!(recv(&fd, &mut more, 0), Ok(0), "client {i}: then EOF");
                    }
                    Leave::Close => {
                        assert_eq!(recv_exactly(&fd, sent.len()), sent, "client {i}");
                        close(fd).unwrap();
                    }
                    Leave::Reset => {
                        assert_eq!(recv_exactly(&fd, sent.len()), sent, "client {i}");
                        let l = linger {
                            l_onoff: 1,
                            l_linger: 0,
                        };
                        setsockopt(&fd, SOL_SOCKET, SO_LINGER, &l).unwrap();
                        close(fd).unwrap();
                    }
                }
                sent.len()
            })
        })
        .collect();
    serving.wait();
    assert_eq!(server.threads(), 1, "select_server serves in one thread");
    let bytes: usize = clients.into_iter().map(|c| c.join().expect("client")).sum();
    let took = started.elapsed();
    let lines = lines_starting(&server, 2 * CLIENTS, &["connected ", "disconnected "]);
    let connects = lines.iter().filter(|l| l.starts_with("connected ")).count();
    assert_eq!(connects, CLIENTS);
    for how in ["closed)", "reset)"] {
        assert!(
            lines.iter().any(|l| l.ends_with(how)),
            "no client left by {how}"
        );
    }
    server.wait_open_fds(base, "every client gone");
    assert_eq!(server.threads(), 1);
    println!(
        "select_server: {CLIENTS} concurrent clients, {PIECES} interleaved pieces each, \
         {bytes} bytes echoed, in {took:?}; open fds back to {base}"
    );
}

/// The set holds fds below `FD_SETSIZE`: once they are used up, each new client is
/// accepted and closed at once, and the clients in the set are still served.
///
/// Filling it honestly takes about `FD_SETSIZE` clients, and both this process (the
/// clients' ends) and the server (which inherits the limit) need more than 1024
/// descriptors, so the test raises its own soft `RLIMIT_NOFILE` first; the server
/// then refuses by `FD_SET`'s `EINVAL` ("the set is full"). Under a hard limit of
/// 1024 the server would refuse by `EMFILE` instead, and this process could not hold
/// the clients: the test says so and passes without checking.
#[test]
fn a_full_set_refuses_new_clients_and_serves_the_rest() {
    const TRIES: usize = FD_SETSIZE as usize + 8;
    let limit = raise_nofile_toward(4096);
    if limit < TRIES as u64 + 300 {
        println!("skipped: RLIMIT_NOFILE hard limit {limit} is too low to fill an fd_set");
        return;
    }
    let server = start();
    let base = server.open_fds();
    let mut fds = Vec::with_capacity(TRIES);
    for _ in 0..TRIES {
        fds.push(connect_to(server.addr));
    }
    let lines = lines_starting(&server, TRIES, &["connected ", "refused "]);
    let refused: Vec<&String> = lines.iter().filter(|l| l.starts_with("refused ")).collect();
    let connected = TRIES - refused.len();
    // The set is full exactly: the clients took every fd up to FD_SETSIZE - 1, and
    // each refused one got FD_SETSIZE or more.
    let fd_in = |l: &String| -> i32 {
        let tail = l.rsplit("(fd ").next().expect("(fd N");
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().expect("an fd number")
    };
    let highest = lines
        .iter()
        .filter(|l| l.starts_with("connected "))
        .map(fd_in)
        .max();
    assert_eq!(highest, Some(FD_SETSIZE - 1), "{connected} connected");
    assert!(!refused.is_empty());
    assert!(
        refused.iter().all(|l| fd_in(l) >= FD_SETSIZE),
        "{refused:?}"
    );
    assert!(
        refused.iter().all(|l| l.contains("the set is full")),
        "{refused:?}"
    );

    // Every client learns its fate: an echo, or the end (closed without a word).
    let (mut served, mut ended) = (0, 0);
    for (i, fd) in fds.iter().enumerate() {
        let msg = format!("ping {i}");
        match send(fd, msg.as_bytes(), MSG_NOSIGNAL) {
            Ok(_) | Err(Errno::EPIPE | Errno::ECONNRESET) => {}
            Err(e) => panic!("client {i}: send: {e}"),
        }
        let mut buf = [0u8; 64];
        match recv(fd, &mut buf, 0) {
            Ok(0) | Err(Errno::ECONNRESET) => ended += 1,
            Ok(n) => {
                let mut got = buf[..n].to_vec();
                if got.len() < msg.len() {
                    got.extend(recv_exactly(fd, msg.len() - got.len()));
                }
                assert_eq!(got, msg.as_bytes(), "client {i}");
                served += 1;
            }
            Err(e) => panic!("client {i}: recv: {e}"),
        }
    }
    assert_eq!((served, ended), (connected, refused.len()));

    // Still full: one more is refused, and the first client is still served.
    let late = connect_to(server.addr);
    let line = server.next_line();
    assert!(line.starts_with("refused "), "{line}");
    let mut buf = [0u8; 8];
    assert_eq!(recv(&late, &mut buf, 0), Ok(0));
    send_all(&fds[0], b"still here");
    assert_eq!(recv_exactly(&fds[0], 10), b"still here");
    assert_eq!(server.threads(), 1);

    drop(late);
    drop(fds);
    server.wait_open_fds(base, "every client gone");
    println!(
        "select_server: {connected} clients in the set, {} refused (the set is full), \
         all served; open fds back to {base}",
        refused.len() + 1
    );
}
