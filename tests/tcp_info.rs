//! `tcp_info`: TCP's state diagram walked on real loopback connections, the kernel's
//! counters after a transfer, the errors of sockets that are not TCP, and the rule
//! that a field beyond the length the kernel filled is `None`.
//!
//! Transitions that take a packet's round trip are awaited by polling `tcp_info` in
//! a loop bounded in count and time, never by sleeping.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::mem::{offset_of, size_of};
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{listener, set_timeouts, tcp_pair, tcp_socket, udp_socket, V4, V6};

/// How long a transition may take before the test fails (loopback needs
/// microseconds; a loaded machine, more).
const LIMIT: Duration = Duration::from_secs(10);
/// How many polls a transition may take, whatever the clock says.
const MAX_POLLS: u32 = 5_000_000;

/// Polls `tcp_info(fd)` until `done` holds for it, and returns that answer; fails
/// after [`MAX_POLLS`] polls or [`LIMIT`], naming `what` and the last state seen.
fn eventually(fd: &impl AsFd, what: &str, done: impl Fn(&TcpInfo) -> bool) -> TcpInfo {
    let start = Instant::now();
    let mut last = None;
    for _ in 0..MAX_POLLS {
        let info = tcp_info(fd).expect("tcp_info");
        if done(&info) {
            return info;
        }
        last = Some(info);
        if start.elapsed() > LIMIT {
            break;
        }
        std::thread::yield_now();
    }
    panic!("{what}: not reached; last answer {last:?}");
}

/// [`eventually`] for a state.
fn eventually_in(fd: &Socket, state: TcpState) -> TcpInfo {
    eventually(fd, &format!("{state:?}"), |info| info.state() == state)
}

fn state_of(fd: &Socket) -> TcpState {
    tcp_info(fd).expect("tcp_info").state()
}

/// Reads until end-of-file and returns how many bytes came.
fn drain(fd: &Socket) -> usize {
    let mut buf = [0u8; 65536];
    let mut total = 0;
    loop {
        match recv(fd, &mut buf, 0) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(Errno::EINTR) => {}
            Err(e) => panic!("recv after {total} bytes: {e}"),
        }
    }
}

/// A connected pair whose client set `SO_RCVBUF` to 2048 before `connect` (so its
/// window is small), and whose server end is non-blocking (`fcntl`, `O_NONBLOCK`):
/// (client, server).
fn small_window_pair() -> (Socket, Socket) {
    let (l, addr) = listener(V4);
    let client = tcp_socket(V4);
    setsockopt(&client, SOL_SOCKET, SO_RCVBUF, &2048).unwrap();
    connect(&client, &addr).unwrap();
    let (server, _) = accept(&l).unwrap();
    set_timeouts(&client);
    let flags = fcntl(&server, F_GETFL).unwrap();
    fcntl(&server, F_SETFL(flags | O_NONBLOCK)).unwrap();
    (client, server)
}

/// Sends on the non-blocking `fd` until the kernel takes no more (`EAGAIN`: the
/// peer's window and this end's send buffer are full); returns the bytes sent.
fn fill(fd: &Socket) -> usize {
    let chunk = [0x5a_u8; 65536];
    let mut total = 0;
    // 64 MiB: far more than a 2 KiB window and a send buffer can hold.
    for _ in 0..1024 {
        match send(fd, &chunk, 0) {
            Ok(n) => total += n,
            Err(Errno::EAGAIN) => return total,
            Err(Errno::EINTR) => {}
            Err(e) => panic!("send after {total} bytes: {e}"),
        }
    }
    panic!("the window never filled ({total} bytes sent)");
}

#[test]
fn a_new_socket_is_closed() {
    // The struct sockapi-sys declares ends at tcpi_snd_wnd, as the docs say.
    assert_eq!(size_of::<sys::tcp_info>(), 232);
    for ip in [V4, V6] {
        let fd = tcp_socket(ip);
        let info = tcp_info(&fd).unwrap();
        assert_eq!(info.state(), TCP_CLOSE, "{ip}");
        assert!(info.len() >= 104, "{}", info.len());
        assert!(info.len() <= size_of::<sys::tcp_info>());
        // Before any round trip: no RTT measured, the minimum not yet set.
        assert_eq!(info.rtt(), Some(Duration::ZERO));
        assert_eq!(
            info.min_rtt(),
            Some(Duration::from_micros(u64::from(u32::MAX)))
        );
    }
}

#[test]
fn a_listener_is_listening_and_counts_its_queue() {
    let (l, addr) = listener(V4);
    let info = tcp_info(&l).unwrap();
    assert_eq!(info.state(), TCP_LISTEN);
    assert_eq!(info.unacked(), Some(0));
    // Any `AsFd` works: std's listener, for one.
    let std_listener = std::net::TcpListener::from(l);
    let client = tcp_socket(V4);
    connect(&client, &addr).unwrap();
    // On a listener `tcpi_unacked` is the accept queue, which the client's ACK
    // joins (on loopback, about when `connect` returns).
    let info = eventually(&std_listener, "one connection queued", |info| {
        info.unacked() == Some(1)
    });
    assert_eq!(info.state(), TCP_LISTEN);
}

#[test]
fn connect_and_accept_are_established_with_an_rtt() {
    for ip in [V4, V6] {
        let (client, server) = tcp_pair(ip);
        for (end, fd) in [("client", &client), ("server", &server)] {
            let info = tcp_info(fd).unwrap();
            assert_eq!(info.state(), TCP_ESTABLISHED, "{ip} {end}");
            assert!(info.rtt().is_some(), "{ip} {end}");
            assert!(info.rttvar().is_some(), "{ip} {end}");
            // The handshake was measured: the minimum RTT is no longer unset.
            let min_rtt = info.min_rtt().unwrap();
            assert!(min_rtt < Duration::from_secs(10), "{ip} {end}: {min_rtt:?}");
            assert!(info.snd_mss().unwrap() > 0, "{ip} {end}");
            assert!(info.snd_cwnd().unwrap() > 0, "{ip} {end}");
            assert_eq!(info.total_retrans(), Some(0), "{ip} {end}");
            assert_eq!(info.state().to_string(), "ESTABLISHED");
        }
    }
}

#[test]
fn shutdown_walks_the_state_diagram_to_close() {
    let (client, server) = tcp_pair(V4);

    // The client's FIN: FIN_WAIT1 until the ACK comes, then FIN_WAIT2.
    shutdown(&client, SHUT_WR).unwrap();
    let now = state_of(&client);
    assert!(
        matches!(now, TCP_FIN_WAIT1 | TCP_FIN_WAIT2),
        "after shutdown(SHUT_WR): {now:?}"
    );
    eventually_in(&client, TCP_FIN_WAIT2);

    // The server sees end-of-file and sits in CLOSE_WAIT.
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
    assert_eq!(state_of(&server), TCP_CLOSE_WAIT);

    // The server's FIN: LAST_ACK until its ACK, then CLOSE. The client goes to
    // TIME_WAIT, which Linux moves out of the socket: the socket reports CLOSE.
    shutdown(&server, SHUT_WR).unwrap();
    eventually_in(&server, TCP_CLOSE);
    eventually_in(&client, TCP_CLOSE);
    assert_eq!(recv(&client, &mut buf, 0), Ok(0));
}

#[test]
fn a_fin_behind_a_full_window_holds_last_ack() {
    let (client, server) = small_window_pair();
    // The client's FIN first, so the server's shutdown is the second FIN.
    shutdown(&client, SHUT_WR).unwrap();
    eventually_in(&server, TCP_CLOSE_WAIT);
    eventually_in(&client, TCP_FIN_WAIT2);

    let sent = fill(&server);
    shutdown(&server, SHUT_WR).unwrap();
    // The FIN waits behind data the client's window does not take.
    let info = tcp_info(&server).unwrap();
    assert_eq!(info.state(), TCP_LAST_ACK, "{info:?}");
    assert!(info.notsent_bytes().unwrap() > 0, "{info:?}");
    // It stays there while the client reads nothing (a few polls, not a wait).
    for _ in 0..100 {
        assert_eq!(state_of(&server), TCP_LAST_ACK);
    }

    // The client drains, so the data and then the FIN go out and are acknowledged.
    assert_eq!(drain(&client), sent);
    drop(client);
    eventually_in(&server, TCP_CLOSE);
}

#[test]
fn a_fin_behind_a_full_window_holds_fin_wait1() {
    let (client, server) = small_window_pair();
    let sent = fill(&server);
    shutdown(&server, SHUT_WR).unwrap();
    let info = tcp_info(&server).unwrap();
    assert_eq!(info.state(), TCP_FIN_WAIT1, "{info:?}");
    for _ in 0..100 {
        assert_eq!(state_of(&server), TCP_FIN_WAIT1);
    }
    assert_eq!(drain(&client), sent);
    eventually_in(&server, TCP_FIN_WAIT2);
    assert_eq!(state_of(&client), TCP_CLOSE_WAIT);
    drop(client);
    // The server's end passes through TIME_WAIT, out of the socket: CLOSE.
    eventually_in(&server, TCP_CLOSE);
}

#[test]
fn byte_counters_match_the_transfer() {
    const N: usize = 100_000;
    let (client, server) = tcp_pair(V4);
    let acked_before = tcp_info(&client).unwrap().bytes_acked().unwrap();
    let received_before = tcp_info(&server).unwrap().bytes_received().unwrap();
    let segs_before = tcp_info(&client).unwrap().segs_out().unwrap();

    let data = vec![7u8; N];
    let mut sent = 0;
    while sent < N {
        sent += send(&client, &data[sent..], 0).unwrap();
    }
    let mut buf = vec![0u8; N];
    let mut got = 0;
    while got < N {
        let n = recv(&server, &mut buf[got..], 0).unwrap();
        assert_ne!(n, 0, "end-of-file after {got} bytes");
        got += n;
    }

    // Every byte the server read was received in order.
    let server_info = tcp_info(&server).unwrap();
    assert_eq!(
        server_info.bytes_received(),
        Some(received_before + N as u64)
    );
    assert!(server_info.segs_in().unwrap() > 0);
    // The client learns of the last ACK a moment later.
    let info = eventually(&client, "all bytes acknowledged", |info| {
        info.bytes_acked() == Some(acked_before + N as u64)
    });
    assert!(info.segs_out().unwrap() > segs_before);
    assert_eq!(info.notsent_bytes(), Some(0));
    assert!(info.delivery_rate().unwrap() > 0, "{info:?}");
    assert!(info.rtt().unwrap() > Duration::ZERO, "{info:?}");
}

#[test]
fn a_udp_socket_has_no_tcp_level() {
    // Linux 6.18: IPv4's option code answers EOPNOTSUPP, IPv6's ENOPROTOOPT.
    assert_eq!(tcp_info(&udp_socket(V4)), Err(Errno::EOPNOTSUPP));
    assert_eq!(tcp_info(&udp_socket(V6)), Err(Errno::ENOPROTOOPT));
}

#[test]
fn a_unix_socketpair_has_no_tcp_level() {
    for ty in [SOCK_STREAM, SOCK_DGRAM] {
        let (a, _b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(tcp_info(&a), Err(Errno::EOPNOTSUPP), "{ty:?}");
    }
}

#[test]
fn a_pipe_is_not_a_socket() {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    let ret = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(ret, 0, "pipe2");
    // SAFETY: both were just returned by `pipe2`; nothing else owns them.
    let (read_end, _write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    assert_eq!(tcp_info(&read_end), Err(Errno::ENOTSOCK));
}

#[test]
fn a_state_without_a_name_prints_its_number() {
    let state = TcpState::from_raw(12);
    assert_eq!(state.name(), None);
    assert_eq!(state.to_string(), "12");
    assert_eq!(format!("{state:?}"), "12");
    assert_eq!(TcpState::from_raw(0).to_string(), "0");
    assert_eq!(TCP_LAST_ACK.to_string(), "LAST_ACK");
    assert_eq!(format!("{TCP_LAST_ACK:?}"), "TCP_LAST_ACK");
}

/// A struct with a distinct non-zero value in every field the accessors read.
fn every_field_set() -> sys::tcp_info {
    sys::tcp_info {
        tcpi_state: sys::TCP_ESTABLISHED,
        tcpi_ca_state: 2,
        tcpi_retransmits: 3,
        tcpi_probes: 4,
        tcpi_backoff: 5,
        tcpi_options: 6,
        tcpi_rto: 204_000,
        tcpi_snd_mss: 1448,
        tcpi_rcv_mss: 536,
        tcpi_unacked: 9,
        tcpi_lost: 10,
        tcpi_retrans: 11,
        tcpi_pmtu: 65535,
        tcpi_rtt: 42,
        tcpi_rttvar: 21,
        tcpi_snd_ssthresh: 13,
        tcpi_snd_cwnd: 14,
        tcpi_advmss: 15,
        tcpi_reordering: 16,
        tcpi_rcv_space: 17,
        tcpi_total_retrans: 18,
        tcpi_bytes_acked: 19,
        tcpi_bytes_received: 20,
        tcpi_segs_out: 21,
        tcpi_segs_in: 22,
        tcpi_notsent_bytes: 23,
        tcpi_min_rtt: 24,
        tcpi_delivery_rate: 25,
        ..sys::tcp_info::default()
    }
}

#[test]
fn fields_beyond_the_length_are_none() {
    let raw = every_field_set();
    let full = size_of::<sys::tcp_info>();

    // Nothing filled: no field, and a state number that names no state.
    let none = TcpInfo::from_parts(raw, 0);
    assert_eq!(none.len(), 0);
    assert!(none.is_empty());
    assert_eq!(none.state(), TcpState::from_raw(0));
    assert_eq!(none.ca_state(), None);
    assert_eq!(none.rto(), None);
    assert_eq!(none.delivery_rate(), None);
    assert_eq!(format!("{none:?}"), "TcpInfo { len: 0 }");

    // One byte: the state alone.
    let one = TcpInfo::from_parts(raw, 1);
    assert_eq!(one.state(), TCP_ESTABLISHED);
    assert_eq!(one.ca_state(), None);
    assert_eq!(
        format!("{one:?}"),
        "TcpInfo { len: 1, state: TCP_ESTABLISHED }"
    );

    // A field counts only when it is whole: tcpi_rto is bytes 8..12.
    assert_eq!(offset_of!(sys::tcp_info, tcpi_rto), 8);
    assert_eq!(TcpInfo::from_parts(raw, 11).rto(), None);
    assert_eq!(TcpInfo::from_parts(raw, 11).options(), Some(6));
    assert_eq!(
        TcpInfo::from_parts(raw, 12).rto(),
        Some(Duration::from_micros(204_000))
    );

    // The original struct, 104 bytes, up to tcpi_total_retrans.
    let original = TcpInfo::from_parts(raw, 104);
    assert_eq!(original.len(), 104);
    assert_eq!(original.total_retrans(), Some(18));
    assert_eq!(original.rcv_space(), Some(17));
    assert_eq!(original.rtt(), Some(Duration::from_micros(42)));
    assert_eq!(original.bytes_acked(), None);
    assert_eq!(original.segs_out(), None);
    assert_eq!(original.min_rtt(), None);
    assert_eq!(original.delivery_rate(), None);
    assert_eq!(TcpInfo::from_parts(raw, 103).total_retrans(), None);

    // All of it, and a length past the struct counts as all of it.
    for len in [full, full + 1, usize::MAX] {
        let all = TcpInfo::from_parts(raw, len);
        assert_eq!(all.len(), full);
        assert_eq!(all.state(), TCP_ESTABLISHED);
        assert_eq!(all.ca_state(), Some(2));
        assert_eq!(all.retransmits(), Some(3));
        assert_eq!(all.probes(), Some(4));
        assert_eq!(all.backoff(), Some(5));
        assert_eq!(all.options(), Some(6));
        assert_eq!(all.rto(), Some(Duration::from_micros(204_000)));
        assert_eq!(all.snd_mss(), Some(1448));
        assert_eq!(all.rcv_mss(), Some(536));
        assert_eq!(all.unacked(), Some(9));
        assert_eq!(all.lost(), Some(10));
        assert_eq!(all.retrans(), Some(11));
        assert_eq!(all.pmtu(), Some(65535));
        assert_eq!(all.rtt(), Some(Duration::from_micros(42)));
        assert_eq!(all.rttvar(), Some(Duration::from_micros(21)));
        assert_eq!(all.snd_ssthresh(), Some(13));
        assert_eq!(all.snd_cwnd(), Some(14));
        assert_eq!(all.advmss(), Some(15));
        assert_eq!(all.reordering(), Some(16));
        assert_eq!(all.rcv_space(), Some(17));
        assert_eq!(all.total_retrans(), Some(18));
        assert_eq!(all.bytes_acked(), Some(19));
        assert_eq!(all.bytes_received(), Some(20));
        assert_eq!(all.segs_out(), Some(21));
        assert_eq!(all.segs_in(), Some(22));
        assert_eq!(all.notsent_bytes(), Some(23));
        assert_eq!(all.min_rtt(), Some(Duration::from_micros(24)));
        assert_eq!(all.delivery_rate(), Some(25));
        assert_eq!(all.as_raw(), &raw);
    }
    assert_eq!(
        format!("{:?}", TcpInfo::from_parts(raw, full)),
        format!(
            "TcpInfo {{ len: {full}, state: TCP_ESTABLISHED, ca_state: 2, retransmits: 3, \
             probes: 4, backoff: 5, options: 6, rto: 204ms, snd_mss: 1448, rcv_mss: 536, \
             unacked: 9, lost: 10, retrans: 11, pmtu: 65535, rtt: 42µs, rttvar: 21µs, \
             snd_ssthresh: 13, snd_cwnd: 14, advmss: 15, reordering: 16, rcv_space: 17, \
             total_retrans: 18, bytes_acked: 19, bytes_received: 20, segs_out: 21, \
             segs_in: 22, notsent_bytes: 23, min_rtt: 24µs, delivery_rate: 25 }}"
        )
    );
}

#[test]
fn every_length_reads_only_whole_fields() {
    // For each length, a field is present exactly when it ends within it.
    let raw = every_field_set();
    let end_of_rto = offset_of!(sys::tcp_info, tcpi_rto) + 4;
    let end_of_bytes_acked = offset_of!(sys::tcp_info, tcpi_bytes_acked) + 8;
    let end_of_delivery_rate = offset_of!(sys::tcp_info, tcpi_delivery_rate) + 8;
    for len in 0..=size_of::<sys::tcp_info>() {
        let info = TcpInfo::from_parts(raw, len);
        assert_eq!(info.len(), len);
        assert_eq!(info.ca_state().is_some(), len >= 2, "{len}");
        assert_eq!(info.rto().is_some(), len >= end_of_rto, "{len}");
        assert_eq!(
            info.bytes_acked().is_some(),
            len >= end_of_bytes_acked,
            "{len}"
        );
        assert_eq!(
            info.delivery_rate().is_some(),
            len >= end_of_delivery_rate,
            "{len}"
        );
    }
}
