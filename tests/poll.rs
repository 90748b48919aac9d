//! `poll`, `ppoll`, `sockatmark` and the typed `ioctl` requests on loopback sockets,
//! and the non-blocking connect the C way (`EINPROGRESS`, `POLLOUT`, `SO_ERROR`),
//! refused and connected.

use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{closed_port, listener, not_a_socket, tcp_pair, tcp_socket, V4};

/// How long a wait for an event that is due may take before the test fails.
const DUE_MS: i32 = 10_000;

/// Polls `fd` alone for `events`, waiting up to [`DUE_MS`]: its `revents`.
fn poll_one(fd: &impl std::os::fd::AsFd, events: PollFlags) -> PollFlags {
    let mut fds = [pollfd::new(fd, events)];
    assert_eq!(
        poll(&mut fds, DUE_MS),
        Ok(1),
        "no {events:?} within {DUE_MS} ms"
    );
    fds[0].revents
}

/// Polls `fd` alone for `events` without waiting: its `revents` (empty for none).
fn poll_now(fd: &impl std::os::fd::AsFd, events: PollFlags) -> PollFlags {
    let mut fds = [pollfd::new(fd, events)];
    let n = poll(&mut fds, 0).unwrap();
    assert_eq!(n, usize::from(!fds[0].revents.is_empty()));
    fds[0].revents
}

#[test]
fn readable_once_data_arrives() {
    let (client, server) = tcp_pair(V4);
    assert_eq!(
        poll_now(&server, POLLIN),
        PollFlags::EMPTY,
        "nothing sent yet"
    );
    assert_eq!(send(&client, b"hello", 0), Ok(5));
    assert_eq!(poll_one(&server, POLLIN), POLLIN);
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(5));
    assert_eq!(poll_now(&server, POLLIN), PollFlags::EMPTY, "all read");
}

#[test]
fn writable_when_connected() {
    let (client, _server) = tcp_pair(V4);
    assert_eq!(poll_now(&client, POLLOUT), POLLOUT);
    assert_eq!(poll_now(&client, POLLIN | POLLOUT), POLLOUT);
}

#[test]
fn listener_readable_with_a_connection_waiting() {
    let (l, addr) = listener(V4);
    assert_eq!(poll_now(&l, POLLIN), PollFlags::EMPTY);
    let c = tcp_socket(V4);
    connect(&c, &addr).unwrap();
    assert_eq!(poll_one(&l, POLLIN), POLLIN);
    let (_conn, _) = accept(&l).unwrap();
    assert_eq!(poll_now(&l, POLLIN), PollFlags::EMPTY);
}

#[test]
fn out_of_band_data_is_pollpri_and_sockatmark_finds_the_mark() {
    let (client, server) = tcp_pair(V4);
    assert_eq!(sockatmark(&server), Ok(false));
    assert_eq!(send(&client, b"ab", 0), Ok(2));
    assert_eq!(send(&client, b"!", MSG_OOB), Ok(1));
    let revents = poll_one(&server, POLLPRI);
    assert!(revents.contains(POLLPRI), "{revents:?}");
    // Both at once: the normal bytes and the urgent one.
    assert_eq!(poll_now(&server, POLLIN | POLLPRI), POLLIN | POLLPRI);
    assert_eq!(sockatmark(&server), Ok(false), "two bytes before the mark");
    // A read stops at the mark.
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(2));
    assert_eq!(&buf[..2], b"ab");
    assert_eq!(sockatmark(&server), Ok(true));
    let mut urgent = [0u8; 1];
    assert_eq!(recv(&server, &mut urgent, MSG_OOB), Ok(1));
    assert_eq!(&urgent, b"!");
    assert_eq!(poll_now(&server, POLLIN | POLLPRI), PollFlags::EMPTY);
}

#[test]
fn sockatmark_errors() {
    let file = not_a_socket();
    assert_eq!(sockatmark(&file), Err(Errno::ENOTTY));
    let udp = common::udp_socket(V4);
    assert!(sockatmark(&udp).is_err(), "UDP has no mark");
}

#[cfg(target_os = "linux")]
#[test]
fn peer_shutdown_is_pollrdhup_then_our_shutdown_is_pollhup() {
    let (client, server) = tcp_pair(V4);
    shutdown(&client, SHUT_WR).unwrap();
    let want = POLLIN | POLLRDHUP;
    let revents = poll_one(&server, want);
    assert_eq!(revents, want, "the peer's FIN: end of stream, and RDHUP");
    let mut buf = [0u8; 4];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
    // Once our side is shut too, both directions are: POLLHUP, asked for or not.
    shutdown(&server, SHUT_WR).unwrap();
    let revents = poll_one(&server, POLLIN);
    assert!(revents.contains(POLLHUP), "{revents:?}");
    assert!(revents.contains(POLLIN), "{revents:?}");
}

#[test]
fn reset_by_peer_is_pollhup_and_pollerr() {
    let (client, server) = tcp_pair(V4);
    setsockopt(
        &client,
        SOL_SOCKET,
        SO_LINGER,
        &linger {
            l_onoff: 1,
            l_linger: 0,
        },
    )
    .unwrap();
    close(client).unwrap();
    let revents = poll_one(&server, POLLIN);
    assert!(
        revents.contains(POLLHUP | POLLERR | POLLIN),
        "a reset: {revents:?}"
    );
    assert_eq!(
        getsockopt(&server, SOL_SOCKET, SO_ERROR),
        Ok(Errno::ECONNRESET.raw())
    );
}

#[test]
fn zero_timeout_returns_at_once() {
    let (_client, server) = tcp_pair(V4);
    let start = Instant::now();
    for _ in 0..100 {
        assert_eq!(poll_now(&server, POLLIN), PollFlags::EMPTY);
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "100 zero-timeout polls took {:?}",
        start.elapsed()
    );
}

#[test]
fn short_timeout_returns_zero() {
    let (_client, server) = tcp_pair(V4);
    let mut fds = [pollfd::new(&server, POLLIN)];
    let start = Instant::now();
    assert_eq!(poll(&mut fds, 50), Ok(0));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(45), "returned after {took:?}");
    assert!(took < Duration::from_secs(5), "returned after {took:?}");
    assert_eq!(fds[0].revents, PollFlags::EMPTY);
}

#[test]
fn an_empty_array_is_a_timer() {
    let start = Instant::now();
    assert_eq!(poll(&mut [], 20), Ok(0));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(15) && took < Duration::from_secs(5));
}

/// The number [`pollnval_for_a_number_not_open`] polls. No other test in this binary
/// (nor anything in the others, which are separate processes) makes or polls it, so it
/// stays closed between the `close` and the `poll`; it sits far above the few dozen
/// descriptors the parallel tests here hold at once.
const NEVER_OPEN: RawFd = 1900;

#[test]
fn pollnval_for_a_number_not_open() {
    let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    // SAFETY: integers only; dup2 makes NEVER_OPEN a copy of `a`, closed just below.
    let fd = unsafe { libc::dup2(a.as_raw_fd(), NEVER_OPEN) };
    assert_eq!(fd, NEVER_OPEN, "dup2 onto {NEVER_OPEN}: {}", Errno::last());
    // SAFETY: NEVER_OPEN is the copy made above, owned by nothing else.
    assert_eq!(unsafe { libc::close(NEVER_OPEN) }, 0);
    let mut fds = [pollfd::from_raw_fd(NEVER_OPEN, POLLIN)];
    assert_eq!(poll(&mut fds, 0), Ok(1));
    assert_eq!(fds[0].revents, POLLNVAL);
    assert_eq!(format!("{:?}", fds[0].revents), "POLLNVAL");
}

#[test]
fn a_negative_fd_is_skipped() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let mut fds = [
        pollfd::from_raw_fd(-1, POLLIN),
        pollfd::new(&b, POLLIN),
        pollfd::from_raw_fd(-7, POLLIN | POLLOUT),
    ];
    // A stale revents is cleared for a skipped entry too.
    fds[0].revents = POLLIN;
    assert_eq!(poll(&mut fds, 0), Ok(0));
    assert_eq!(send(&a, b"x", 0), Ok(1));
    assert_eq!(poll(&mut fds, DUE_MS), Ok(1));
    assert_eq!(fds[0].revents, PollFlags::EMPTY);
    assert_eq!(fds[1].revents, POLLIN);
    assert_eq!(fds[2].revents, PollFlags::EMPTY);
    // Only negative entries: a timeout.
    let mut off = [pollfd::from_raw_fd(-1, POLLIN)];
    assert_eq!(poll(&mut off, 0), Ok(0));
}

#[test]
fn many_entries_for_one_fd_each_report() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(send(&a, b"x", 0), Ok(1));
    let mut fds = vec![pollfd::new(&b, POLLIN); 5];
    fds.push(pollfd::new(&b, POLLOUT));
    assert_eq!(poll(&mut fds, 0), Ok(6));
    assert!(fds[..5].iter().all(|p| p.revents == POLLIN));
    assert_eq!(fds[5].revents, POLLOUT);
}

#[cfg(target_os = "linux")]
#[test]
fn ppoll_with_a_timeout_and_a_mask() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let mut fds = [pollfd::new(&b, POLLIN)];
    let ts = timespec {
        tv_sec: 0,
        tv_nsec: 30_000_000,
    };
    let start = Instant::now();
    assert_eq!(ppoll(&mut fds, Some(&ts), None), Ok(0));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(25), "returned after {took:?}");
    assert!(took < Duration::from_secs(5), "returned after {took:?}");
    // The timeout is the caller's and stays as it was (the C library copies it).
    assert_eq!((ts.tv_sec, ts.tv_nsec), (0, 30_000_000));

    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).unwrap();
    sigaddset(&mut mask, libc::SIGUSR1).unwrap();
    assert_eq!(sigismember(&mask, libc::SIGUSR1), Ok(true));
    assert_eq!(sigismember(&mask, libc::SIGUSR2), Ok(false));
    assert_eq!(sigaddset(&mut mask, 0), Err(Errno::EINVAL));
    assert_eq!(send(&a, b"x", 0), Ok(1));
    let zero = timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    assert_eq!(ppoll(&mut fds, Some(&zero), Some(&mask)), Ok(1));
    assert_eq!(fds[0].revents, POLLIN);
    assert_eq!(ppoll(&mut fds, None, Some(&mask)), Ok(1));
    let bad = timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000_000,
    };
    assert_eq!(ppoll(&mut fds, Some(&bad), None), Err(Errno::EINVAL));
    let mut full: sigset_t = zeroed();
    sigfillset(&mut full).unwrap();
    assert_eq!(sigismember(&full, libc::SIGTERM), Ok(true));
    let mut some = full;
    sigdelset(&mut some, libc::SIGTERM).unwrap();
    assert_eq!(sigismember(&some, libc::SIGTERM), Ok(false));
}

#[cfg(target_os = "linux")]
#[test]
fn poll_flags_debug_prints_c_names() {
    assert_eq!(format!("{:?}", POLLIN | POLLHUP), "POLLIN|POLLHUP");
    assert_eq!(format!("{:?}", POLLOUT | POLLIN), "POLLIN|POLLOUT");
    assert_eq!(format!("{:?}", PollFlags::EMPTY), "0");
    assert_eq!(format!("{:?}", POLLRDHUP | POLLERR), "POLLERR|POLLRDHUP");
    // Bit 15 of the `short` is a bit, not a sign.
    assert_eq!(format!("{:?}", PollFlags::from_raw(i16::MIN)), "0x8000");
    assert_eq!(
        format!("{:?}", POLLIN | PollFlags::from_raw(i16::MIN)),
        "POLLIN|0x8000"
    );
    assert_eq!(
        format!("{:?}", POLLPRI | PollFlags::from_raw(0x4000)),
        "POLLPRI|0x4000"
    );
    let p = pollfd::from_raw_fd(3, POLLIN);
    assert_eq!(
        format!("{p:?}"),
        "pollfd { fd: 3, events: POLLIN, revents: 0 }"
    );
}

#[test]
fn pollfd_new_takes_any_asfd() {
    let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let owned: std::os::fd::OwnedFd = a.into();
    let p = pollfd::new(&owned, POLLIN);
    assert_eq!(p.fd, owned.as_raw_fd());
    let file = not_a_socket();
    let p = pollfd::new(&file, POLLIN);
    assert_eq!(p.fd, file.as_raw_fd());
    assert_eq!(p.revents, PollFlags::EMPTY);
}

#[cfg(target_os = "linux")]
#[test]
fn fionread_counts_bytes_waiting() {
    let (client, server) = tcp_pair(V4);
    assert_eq!(ioctl(&server, FIONREAD), Ok(0));
    assert_eq!(send(&client, b"hello", 0), Ok(5));
    poll_one(&server, POLLIN);
    assert_eq!(ioctl(&server, FIONREAD), Ok(5));
    assert_eq!(ioctl(&server, SIOCINQ), Ok(5), "SIOCINQ is FIONREAD");
    let mut buf = [0u8; 2];
    assert_eq!(recv(&server, &mut buf, 0), Ok(2));
    assert_eq!(ioctl(&server, FIONREAD), Ok(3));
}

#[test]
fn fionread_on_a_datagram_socket_is_the_next_datagram() {
    let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(send(&a, b"abc", 0), Ok(3));
    assert_eq!(send(&a, b"defgh", 0), Ok(5));
    poll_one(&b, POLLIN);
    assert_eq!(ioctl(&b, FIONREAD), Ok(3));
}

#[cfg(target_os = "linux")]
#[test]
fn siocoutq_counts_unacknowledged_bytes_until_the_peer_reads() {
    let (client, server) = tcp_pair(V4);
    assert_eq!(ioctl(&client, SIOCOUTQ), Ok(0));
    // Fill the peer's window and our send buffer: what stays queued is unsent.
    ioctl(&client, FIONBIO(&1)).unwrap();
    let chunk = [7u8; 65536];
    let mut sent = 0usize;
    for i in 0.. {
        assert!(i < 10_000, "never filled: {sent} bytes sent");
        match send(&client, &chunk, 0) {
            Ok(n) => sent += n,
            Err(Errno::EAGAIN) => break,
            Err(e) => panic!("send: {e}"),
        }
    }
    let queued = ioctl(&client, SIOCOUTQ).unwrap();
    assert!(queued > 0, "{sent} bytes sent, none queued");
    assert!(queued as usize <= sent);

    // The peer reads everything; the queue then drains to 0 (bounded wait: the acks
    // cross loopback).
    let mut buf = vec![0u8; 1 << 20];
    let mut got = 0usize;
    let deadline = Instant::now() + Duration::from_secs(20);
    while got < sent {
        assert!(Instant::now() < deadline, "read {got} of {sent}");
        poll_one(&server, POLLIN);
        got += recv(&server, &mut buf, 0).unwrap();
    }
    assert_eq!(got, sent);
    let mut spins = 0u64;
    loop {
        let left = ioctl(&client, SIOCOUTQ).unwrap();
        if left == 0 {
            break;
        }
        spins += 1;
        assert!(
            Instant::now() < deadline && spins < 100_000_000,
            "{left} bytes still queued"
        );
        std::thread::yield_now();
    }
}

#[test]
fn fionbio_sets_and_clears_o_nonblock() {
    let (client, server) = tcp_pair(V4);
    assert!(!fcntl(&server, F_GETFL).unwrap().contains(O_NONBLOCK));
    ioctl(&server, FIONBIO(&1)).unwrap();
    assert!(fcntl(&server, F_GETFL).unwrap().contains(O_NONBLOCK));
    let mut buf = [0u8; 4];
    assert_eq!(recv(&server, &mut buf, 0), Err(Errno::EAGAIN));
    let on = 0;
    ioctl(&server, FIONBIO(&on)).unwrap();
    assert!(!fcntl(&server, F_GETFL).unwrap().contains(O_NONBLOCK));
    drop(client);
}

#[cfg(target_os = "linux")]
#[test]
fn ioctl_errors() {
    let (l, _) = listener(V4);
    assert_eq!(ioctl(&l, SIOCINQ), Err(Errno::EINVAL), "a listener");
    let file = not_a_socket();
    assert_eq!(ioctl(&file, SIOCOUTQ), Err(Errno::ENOTTY), "/dev/null");
    // FIONBIO works on any descriptor.
    assert_eq!(ioctl(&file, FIONBIO(&1)), Ok(()));
}

/// `connect` on a non-blocking socket: `EINPROGRESS`, then `POLLOUT`, then
/// `SO_ERROR`. Returns the socket, the `revents` and the `SO_ERROR` value.
fn nonblocking_connect(fd: Socket, to: &SockAddr) -> (Socket, PollFlags, i32) {
    assert_eq!(connect(&fd, to), Err(Errno::EINPROGRESS));
    let revents = poll_one(&fd, POLLOUT);
    let err = getsockopt(&fd, SOL_SOCKET, SO_ERROR).unwrap();
    (fd, revents, err)
}

fn nonblocking_socket() -> Socket {
    socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap()
}

#[test]
fn nonblocking_connect_refused() {
    // Bound but not listening: the SYN meets a reset.
    let bound = tcp_socket(V4);
    bind(&bound, &V4).unwrap();
    let refusing = getsockname(&bound).unwrap();
    let (fd, revents, err) = nonblocking_connect(nonblocking_socket(), &refusing);
    assert!(revents.contains(POLLOUT), "{revents:?}");
    assert!(revents.contains(POLLERR | POLLHUP), "{revents:?}");
    assert_eq!(Errno::from_raw(err), Errno::ECONNREFUSED);
    // SO_ERROR was cleared by reading it.
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));
}

#[test]
fn nonblocking_connect_refused_on_a_closed_port() {
    let to = closed_port(V4);
    let (_fd, _revents, err) = nonblocking_connect(nonblocking_socket(), &to);
    assert_eq!(Errno::from_raw(err), Errno::ECONNREFUSED);
}

#[test]
fn nonblocking_connect_connected() {
    let (l, addr) = listener(V4);
    let (fd, revents, err) = nonblocking_connect(nonblocking_socket(), &addr);
    assert_eq!(revents, POLLOUT);
    assert_eq!(err, 0);
    assert_eq!(getpeername(&fd), Ok(addr));
    let (conn, _) = accept(&l).unwrap();
    assert_eq!(send(&fd, b"hi", 0), Ok(2));
    poll_one(&conn, POLLIN);
    let mut buf = [0u8; 2];
    assert_eq!(recv(&conn, &mut buf, 0), Ok(2));
}

#[test]
fn nonblocking_connect_with_fcntl_o_nonblock() {
    let (_l, addr) = listener(V4);
    let fd = tcp_socket(V4);
    let flags = fcntl(&fd, F_GETFL).unwrap();
    fcntl(&fd, F_SETFL(flags | O_NONBLOCK)).unwrap();
    let (_fd, revents, err) = nonblocking_connect(fd, &addr);
    assert_eq!(revents, POLLOUT);
    assert_eq!(err, 0);

    let to = closed_port(V4);
    let fd = tcp_socket(V4);
    let flags = fcntl(&fd, F_GETFL).unwrap();
    fcntl(&fd, F_SETFL(flags | O_NONBLOCK)).unwrap();
    let (_fd, _revents, err) = nonblocking_connect(fd, &to);
    assert_eq!(Errno::from_raw(err), Errno::ECONNREFUSED);
}
