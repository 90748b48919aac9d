//! Sockets shared between threads through `&Socket` (`Socket` is `Send` and `Sync`):
//! 16 threads send tagged messages on one UDP socket and on one end of a
//! `SOCK_SEQPACKET` pair, while receiver threads share the receiving sockets, and
//! every thread also sets and reads options on the shared sockets and turns the trace
//! on. Every message arrives once, intact; the counts match; every trace line is
//! whole.
//!
//! The scenario runs in a child (this binary again, `--exact`), whose stderr the
//! parent reads: the trace writes straight to fd 2, past libtest's capture.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use sockapi::*;

mod common;

const CHILD_VAR: &str = "SOCKAPI_THREADS_CHILD";
const SENDERS: usize = 16;
const RECEIVERS: usize = 4;
const PER_SENDER: usize = 150;
const MSG_LEN: usize = 64;
/// About this many UDP datagrams in flight (up to `SENDERS` more, when senders pass
/// the check together): loopback UDP drops only when the receive buffer is full, and
/// that many small datagrams fit in the default one with room to spare.
const UDP_WINDOW: usize = 32;
/// Bounds every wait in the scenario.
const LIMIT: Duration = Duration::from_secs(60);

/// Message `seq` of sender `thread` on channel `kind`: a header and bytes derived
/// from it, so the receiver can check every byte.
fn message(kind: u8, thread: usize, seq: usize) -> [u8; MSG_LEN] {
    let mut m = [0u8; MSG_LEN];
    m[0] = kind;
    m[1] = thread as u8;
    m[2..4].copy_from_slice(&(seq as u16).to_le_bytes());
    for (i, b) in m.iter_mut().enumerate().skip(4) {
        *b = (thread * 31 + seq * 7 + i) as u8;
    }
    m
}

/// The (thread, seq) of an intact message of `kind`, or a panic naming what is wrong.
fn check(kind: u8, bytes: &[u8]) -> (usize, usize) {
    assert_eq!(bytes.len(), MSG_LEN, "a message cut or joined: {bytes:?}");
    let thread = bytes[1] as usize;
    let seq = u16::from_le_bytes([bytes[2], bytes[3]]) as usize;
    assert!(thread < SENDERS && seq < PER_SENDER, "bad header {bytes:?}");
    assert_eq!(bytes, message(kind, thread, seq), "message corrupted");
    (thread, seq)
}

/// Receives on the shared `fd` until an end marker (one is sent per receiver): the
/// (thread, seq) of every message it got. `received` is called after each message.
fn receive(fd: &Socket, kind: u8, received: impl Fn()) -> Vec<(usize, usize)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 2 * MSG_LEN];
    let deadline = Instant::now() + LIMIT;
    for _ in 0..=SENDERS * PER_SENDER + RECEIVERS {
        assert!(
            Instant::now() < deadline,
            "receiver still waiting after {LIMIT:?}"
        );
        let n = recv(fd, &mut buf, 0).expect("recv on the shared socket");
        if &buf[..n] == b"end" {
            return got;
        }
        got.push(check(kind, &buf[..n]));
        received();
    }
    panic!("receiver: more messages than were sent");
}

/// Every (thread, seq) once, no more.
fn assert_all_once(kind: &str, got: Vec<Vec<(usize, usize)>>) -> usize {
    let mut seen = HashSet::new();
    for (thread, seq) in got.into_iter().flatten() {
        assert!(
            seen.insert((thread, seq)),
            "{kind}: ({thread}, {seq}) twice"
        );
    }
    assert_eq!(seen.len(), SENDERS * PER_SENDER, "{kind}: messages missing");
    seen.len()
}

fn scenario() {
    let (a, b) = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0).unwrap();
    common::set_timeouts(&a);
    common::set_timeouts(&b);
    let lo = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let rx = common::timed(common::udp_socket(lo));
    bind(&rx, &lo).unwrap();
    let to = getsockname(&rx).unwrap();
    let tx = common::timed(common::udp_socket(lo));
    connect(&tx, &to).unwrap();
    // Sent on UDP, not yet received: the senders keep it under UDP_WINDOW.
    let in_flight = AtomicUsize::new(0);
    let options_done = AtomicUsize::new(0);

    let (seq_got, udp_got) = thread::scope(|s| {
        let (a, b, rx, tx, in_flight, options_done) = (&a, &b, &rx, &tx, &in_flight, &options_done);
        let seq_receivers: Vec<_> = (0..RECEIVERS)
            .map(|_| s.spawn(move || receive(b, b'S', || {})))
            .collect();
        let udp_receivers: Vec<_> = (0..RECEIVERS)
            .map(|_| {
                s.spawn(move || {
                    receive(rx, b'U', || {
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        let senders: Vec<_> = (0..SENDERS)
            .map(|t| {
                s.spawn(move || {
                    if t % 4 == 0 {
                        // Several threads turn the trace on, concurrently.
                        trace::enable();
                    }
                    let deadline = Instant::now() + LIMIT;
                    for seq in 0..PER_SENDER {
                        assert_eq!(send(a, &message(b'S', t, seq), 0), Ok(MSG_LEN));
                        // The UDP window: wait (bounded) for the receivers to drain.
                        while in_flight.load(Ordering::SeqCst) >= UDP_WINDOW {
                            assert!(Instant::now() < deadline, "UDP window stuck");
                            thread::yield_now();
                        }
                        in_flight.fetch_add(1, Ordering::SeqCst);
                        assert_eq!(send(tx, &message(b'U', t, seq), 0), Ok(MSG_LEN));
                        if seq % 10 == 0 {
                            // Options on the shared sockets, from every thread.
                            let v = 1 + (t as i32 + seq as i32) % 64;
                            setsockopt(tx, IPPROTO_IP, IP_TTL, &v).unwrap();
                            let ttl = getsockopt(tx, IPPROTO_IP, IP_TTL).unwrap();
                            assert!((1..=64).contains(&ttl), "IP_TTL {ttl}");
                            setsockopt(a, SOL_SOCKET, SO_SNDBUF, &(65536 + v * 1024)).unwrap();
                            assert!(getsockopt(a, SOL_SOCKET, SO_SNDBUF).unwrap() > 0);
                            assert_eq!(getsockopt(b, SOL_SOCKET, SO_TYPE), Ok(SOCK_SEQPACKET));
                            assert_eq!(getsockopt(rx, SOL_SOCKET, SO_ERROR), Ok(0));
                            options_done.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        for sender in senders {
            sender.join().expect("sender thread");
        }
        for _ in 0..RECEIVERS {
            assert_eq!(send(a, b"end", 0), Ok(3));
        }
        let seq_got: Vec<_> = seq_receivers
            .into_iter()
            .map(|r| r.join().expect("seqpacket receiver"))
            .collect();
        // All UDP datagrams are received before the end markers, which the window
        // lets through only once the receivers have drained the queue.
        for _ in 0..RECEIVERS {
            assert_eq!(send(tx, b"end", 0), Ok(3));
        }
        let udp_got: Vec<_> = udp_receivers
            .into_iter()
            .map(|r| r.join().expect("udp receiver"))
            .collect();
        (seq_got, udp_got)
    });
    trace::disable();
    let seq = assert_all_once("SOCK_SEQPACKET", seq_got);
    let udp = assert_all_once("UDP", udp_got);
    let opts = options_done.load(Ordering::SeqCst);
    assert_eq!(opts, SENDERS * PER_SENDER.div_ceil(10));
    println!("threads: {seq} seqpacket and {udp} UDP messages intact, {opts} option rounds");
}

/// Whether a line of the child's stderr is one whole trace line: `name(args) = …`.
fn is_trace_line(line: &str) -> bool {
    let Some((name, rest)) = line.split_once('(') else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && rest.contains(") = ")
}

#[test]
fn sixteen_threads_share_sockets() {
    if std::env::var_os(CHILD_VAR).is_some() {
        scenario();
        return;
    }
    let exe = std::env::current_exe().expect("current_exe");
    let mut child = Command::new(exe)
        .args(["--exact", "sixteen_threads_share_sockets", "--nocapture"])
        .env(CHILD_VAR, "1")
        .env_remove("SOCKAPI_TRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child");
    let out = child.stdout.take().expect("stdout");
    let err = child.stderr.take().expect("stderr");
    let out = thread::spawn(move || std::io::read_to_string(out).unwrap_or_default());
    let err = thread::spawn(move || std::io::read_to_string(err).unwrap_or_default());
    let deadline = Instant::now() + 2 * LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child still runs after {:?}: killed", 2 * LIMIT);
        }
        // Polls the deadline; nothing waits on this for ordering.
        thread::sleep(Duration::from_millis(20));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(
        status.success() && out.contains("threads: "),
        "child failed ({status}):\n{out}\n{}",
        err.lines()
            .filter(|l| !is_trace_line(l))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // With the trace on (several threads turned it on, at once), every line is whole:
    // no two calls' lines interleave, none is cut.
    let trace: Vec<&str> = err.lines().filter(|l| !l.is_empty()).collect();
    let broken: Vec<&&str> = trace
        .iter()
        .filter(|l| !is_trace_line(l) && !l.starts_with("skipped"))
        .take(5)
        .collect();
    assert!(broken.is_empty(), "trace lines not whole: {broken:?}");
    if cfg!(feature = "trace") {
        let sends = trace.iter().filter(|l| l.starts_with("send(")).count();
        assert!(sends > 0, "no trace line from the senders");
        println!("{} trace lines, {sends} of them send", trace.len());
    }
    print!("{out}");
}
