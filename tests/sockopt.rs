//! Socket options on real loopback sockets: every typed option the crate exports is set
//! and read back with `getsockopt`, the kernel's documented adjustments are asserted, and
//! the raw byte forms and error paths are pinned to exact `Errno`s.
//!
//! Each settable option goes default -> non-default -> another value, so a test cannot
//! pass by reading a default back.
//!
//! The values asserted are Linux's (doubling of buffer sizes, timeouts in clock ticks,
//! the TCP and IP range checks), so the file is Linux-only.
#![cfg(target_os = "linux")]

use std::ffi::c_int;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{
    assert_int_rejected, assert_int_steps, assert_raw_option_fails, closed_port, listener,
    not_a_socket, proc_int, tcp_pair, tcp_socket, udp_socket, V4, V6,
};

/// An on/off option: off by default, then set on, off and on again.
fn assert_off_on_off_on<L: Into<Level> + Copy>(
    fd: &Socket,
    level: L,
    option: SockOpt<c_int, ReadWrite>,
) {
    assert_eq!(getsockopt(fd, level, option), Ok(0), "{option:?} default");
    assert_int_steps(fd, level, option, &[(1, 1), (0, 0), (1, 1)]);
}

fn tv(sec: i64, usec: i64) -> timeval {
    timeval {
        tv_sec: sec,
        tv_usec: usec,
    }
}

fn tv_pair(t: timeval) -> (i64, i64) {
    (t.tv_sec, t.tv_usec)
}

fn linger_of(onoff: c_int, secs: c_int) -> linger {
    linger {
        l_onoff: onoff,
        l_linger: secs,
    }
}

fn linger_pair(l: linger) -> (c_int, c_int) {
    (l.l_onoff, l.l_linger)
}

// ---------------------------------------------------------------------------------------
// SOL_SOCKET options
// ---------------------------------------------------------------------------------------

#[test]
fn so_reuseaddr_round_trip() {
    let fd = tcp_socket(V4);
    assert_off_on_off_on(&fd, SOL_SOCKET, SO_REUSEADDR);
}

/// socket(7): with SO_REUSEADDR "a socket may bind, except when there is an active
/// listening socket bound to the address".
#[test]
fn so_reuseaddr_allows_shared_bind_until_listen() {
    let a = tcp_socket(V4);
    setsockopt(&a, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
    bind(&a, &V4).unwrap();
    let addr = getsockname(&a).unwrap();

    let b = tcp_socket(V4);
    setsockopt(&b, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
    assert_eq!(bind(&b, &addr), Ok(()));

    let without = tcp_socket(V4);
    assert_eq!(bind(&without, &addr), Err(Errno::EADDRINUSE));

    listen(&a, 4).unwrap();
    assert_eq!(listen(&b, 4), Err(Errno::EADDRINUSE));
    let late = tcp_socket(V4);
    setsockopt(&late, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
    assert_eq!(bind(&late, &addr), Err(Errno::EADDRINUSE));
}

#[test]
fn so_reuseport_round_trip_and_shared_bind() {
    let fd = tcp_socket(V4);
    assert_off_on_off_on(&fd, SOL_SOCKET, SO_REUSEPORT);

    bind(&fd, &V4).unwrap();
    let addr = getsockname(&fd).unwrap();
    let plain = tcp_socket(V4);
    assert_eq!(bind(&plain, &addr), Err(Errno::EADDRINUSE));
    let sharing = tcp_socket(V4);
    setsockopt(&sharing, SOL_SOCKET, SO_REUSEPORT, &1).unwrap();
    assert_eq!(bind(&sharing, &addr), Ok(()));
    assert_eq!(getsockname(&sharing), Ok(addr));
}

/// Boolean options read back as 0 or 1 whatever non-zero value was set.
#[test]
fn so_keepalive_round_trip_normalises_to_one() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(0));
    assert_int_steps(
        &fd,
        SOL_SOCKET,
        SO_KEEPALIVE,
        &[(1, 1), (0, 0), (7, 1), (-3, 1), (0, 0)],
    );
}

#[test]
fn so_linger_round_trip() {
    let fd = tcp_socket(V4);
    let get = |fd: &Socket| getsockopt(fd, SOL_SOCKET, SO_LINGER).map(linger_pair);
    assert_eq!(get(&fd), Ok((0, 0)));

    setsockopt(&fd, SOL_SOCKET, SO_LINGER, &linger_of(1, 5)).unwrap();
    assert_eq!(get(&fd), Ok((1, 5)));

    setsockopt(&fd, SOL_SOCKET, SO_LINGER, &linger_of(1, 30)).unwrap();
    assert_eq!(get(&fd), Ok((1, 30)));

    // Turning lingering off leaves the stored time alone: Linux only updates
    // `sk_lingertime` when `l_onoff` is set.
    setsockopt(&fd, SOL_SOCKET, SO_LINGER, &linger_of(0, 7)).unwrap();
    assert_eq!(get(&fd), Ok((0, 30)));

    // `l_onoff` is a boolean.
    setsockopt(&fd, SOL_SOCKET, SO_LINGER, &linger_of(2, 3)).unwrap();
    assert_eq!(get(&fd), Ok((1, 3)));
}

/// `{l_onoff = 1, l_linger = 0}` makes `close` reset the connection, as the crate's
/// docs for SO_LINGER promise.
#[test]
fn so_linger_zero_makes_close_reset_the_connection() {
    let (client, server) = tcp_pair(V4);
    // Bounds the wait below, so a missing RST fails the test instead of hanging it.
    setsockopt(&server, SOL_SOCKET, SO_RCVTIMEO, &tv(5, 0)).unwrap();
    let abort = linger_of(1, 0);
    setsockopt(&client, SOL_SOCKET, SO_LINGER, &abort).unwrap();
    close(client).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Err(Errno::ECONNRESET));
}

/// socket(7): "The kernel doubles this value (to allow space for bookkeeping overhead)
/// when it is set using setsockopt(2), and this doubled value is returned by
/// getsockopt(2)"; the value set is capped by `rmem_max` / `wmem_max`.
#[test]
fn so_rcvbuf_and_so_sndbuf_are_doubled() {
    let rmem_max = proc_int("/proc/sys/net/core/rmem_max");
    let wmem_max = proc_int("/proc/sys/net/core/wmem_max");
    assert!(
        65536 <= rmem_max / 2 && 65536 <= wmem_max / 2,
        "rmem_max {rmem_max} / wmem_max {wmem_max} too small for this test"
    );
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_int_steps(
            &fd,
            SOL_SOCKET,
            SO_RCVBUF,
            &[(65536, 131072), (32768, 65536), (65536, 131072)],
        );
        assert_int_steps(
            &fd,
            SOL_SOCKET,
            SO_SNDBUF,
            &[(65536, 131072), (40000, 80000), (65536, 131072)],
        );
    }
}

/// Small values are raised to the kernel's minimum (socket(7) gives 256 and 2048 as
/// the doubled minimums; current kernels use `SOCK_MIN_RCVBUF`/`SOCK_MIN_SNDBUF`, which
/// are larger), and large ones are capped at `rmem_max`/`wmem_max`, then doubled.
#[test]
fn so_rcvbuf_and_so_sndbuf_clamp_to_minimum_and_maximum() {
    let rmem_max = proc_int("/proc/sys/net/core/rmem_max");
    let wmem_max = proc_int("/proc/sys/net/core/wmem_max");
    let fd = tcp_socket(V4);

    setsockopt(&fd, SOL_SOCKET, SO_RCVBUF, &1).unwrap();
    let rcv_min = getsockopt(&fd, SOL_SOCKET, SO_RCVBUF).unwrap();
    assert!(rcv_min >= 256, "SO_RCVBUF minimum {rcv_min}");
    setsockopt(&fd, SOL_SOCKET, SO_RCVBUF, &0).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_RCVBUF), Ok(rcv_min));

    setsockopt(&fd, SOL_SOCKET, SO_SNDBUF, &1).unwrap();
    let snd_min = getsockopt(&fd, SOL_SOCKET, SO_SNDBUF).unwrap();
    assert!(snd_min >= 2048, "SO_SNDBUF minimum {snd_min}");
    setsockopt(&fd, SOL_SOCKET, SO_SNDBUF, &0).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_SNDBUF), Ok(snd_min));

    // A value just above half the minimum is doubled past it, so it is kept.
    let just_above = rcv_min / 2 + 8;
    setsockopt(&fd, SOL_SOCKET, SO_RCVBUF, &just_above).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_RCVBUF), Ok(just_above * 2));

    setsockopt(&fd, SOL_SOCKET, SO_RCVBUF, &c_int::MAX).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_RCVBUF), Ok(rmem_max * 2));
    setsockopt(&fd, SOL_SOCKET, SO_SNDBUF, &c_int::MAX).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_SNDBUF), Ok(wmem_max * 2));
}

/// Linux keeps these timeouts in clock ticks (jiffies) and rounds up to a tick.
/// Whole values that every HZ divides come back exactly; 1001 µs comes back as one or
/// more ticks: at least 1001 µs, and under 1001 + 10000 µs since HZ >= 100.
#[test]
fn so_rcvtimeo_and_so_sndtimeo_round_trip_in_clock_ticks() {
    let fd = tcp_socket(V4);
    for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
        let get = |fd: &Socket| getsockopt(fd, SOL_SOCKET, option).map(tv_pair);
        assert_eq!(get(&fd), Ok((0, 0)), "{option:?} default");

        setsockopt(&fd, SOL_SOCKET, option, &tv(1, 500_000)).unwrap();
        assert_eq!(get(&fd), Ok((1, 500_000)), "{option:?}");

        setsockopt(&fd, SOL_SOCKET, option, &tv(3, 0)).unwrap();
        assert_eq!(get(&fd), Ok((3, 0)), "{option:?}");

        setsockopt(&fd, SOL_SOCKET, option, &tv(0, 1001)).unwrap();
        let (sec, usec) = get(&fd).unwrap();
        let total = sec * 1_000_000 + usec;
        assert!(
            (1001..1001 + 10_000).contains(&total),
            "{option:?} {{0, 1001}} read back as {{{sec}, {usec}}}"
        );

        setsockopt(&fd, SOL_SOCKET, option, &tv(0, 0)).unwrap();
        assert_eq!(get(&fd), Ok((0, 0)), "{option:?} back to zero");
    }
}

/// Linux rejects a `tv_usec` outside `0..1_000_000` with `EDOM` and keeps the old value.
#[test]
fn so_rcvtimeo_rejects_out_of_range_microseconds_with_edom() {
    let fd = tcp_socket(V4);
    for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
        setsockopt(&fd, SOL_SOCKET, option, &tv(2, 0)).unwrap();
        assert_eq!(
            setsockopt(&fd, SOL_SOCKET, option, &tv(0, 1_000_000)),
            Err(Errno::EDOM)
        );
        assert_eq!(
            setsockopt(&fd, SOL_SOCKET, option, &tv(0, -1)),
            Err(Errno::EDOM)
        );
        assert_eq!(getsockopt(&fd, SOL_SOCKET, option).map(tv_pair), Ok((2, 0)));
    }
}

#[test]
fn so_rcvtimeo_makes_blocking_recv_fail_with_eagain() {
    let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    setsockopt(&a, SOL_SOCKET, SO_RCVTIMEO, &tv(0, 50_000)).unwrap();
    let mut buf = [0u8; 4];
    let start = Instant::now();
    assert_eq!(recv(&a, &mut buf, 0), Err(Errno::EAGAIN));
    // It did block (a non-blocking recv would fail at once), for about the timeout.
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(25) && waited < Duration::from_secs(5),
        "waited {waited:?}"
    );
}

#[test]
fn so_sndtimeo_makes_blocking_send_fail_with_eagain() {
    let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    setsockopt(&a, SOL_SOCKET, SO_SNDTIMEO, &tv(0, 20_000)).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    let start = Instant::now();
    // Nobody reads `_b`, so the buffer fills and a send times out; the count bounds
    // the loop should the buffer be unexpectedly large.
    let mut result = Ok(0);
    for _ in 0..10_000 {
        result = send(&a, &chunk, 0);
        if result.is_err() || start.elapsed() > Duration::from_secs(10) {
            break;
        }
    }
    assert_eq!(result, Err(Errno::EAGAIN));
}

#[test]
fn so_broadcast_round_trip_on_udp() {
    let fd = udp_socket(V4);
    assert_off_on_off_on(&fd, SOL_SOCKET, SO_BROADCAST);
}

#[test]
fn so_oobinline_round_trip() {
    let fd = tcp_socket(V4);
    assert_off_on_off_on(&fd, SOL_SOCKET, SO_OOBINLINE);
}

#[test]
fn so_dontroute_round_trip() {
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_off_on_off_on(&fd, SOL_SOCKET, SO_DONTROUTE);
    }
}

/// Linux stores `val ? : 1`: a low-water mark of 0 reads back as 1.
#[test]
fn so_rcvlowat_round_trip_and_zero_reads_back_as_one() {
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_RCVLOWAT), Ok(1));
        assert_int_steps(
            &fd,
            SOL_SOCKET,
            SO_RCVLOWAT,
            &[(100, 100), (2000, 2000), (0, 1), (64, 64)],
        );
    }
}

// ---------------------------------------------------------------------------------------
// IPPROTO_TCP options
// ---------------------------------------------------------------------------------------

/// C passes `IPPROTO_TCP` as the level; `SOL_TCP` is the same number.
#[test]
fn tcp_nodelay_at_ipproto_tcp_and_sol_tcp() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_NODELAY), Ok(0));
    setsockopt(&fd, IPPROTO_TCP, TCP_NODELAY, &1).unwrap();
    assert_eq!(getsockopt(&fd, SOL_TCP, TCP_NODELAY), Ok(1));
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_NODELAY), Ok(1));
    setsockopt(&fd, SOL_TCP, TCP_NODELAY, &0).unwrap();
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_NODELAY), Ok(0));
    assert_int_steps(&fd, IPPROTO_TCP, TCP_NODELAY, &[(5, 1), (0, 0)]);
    assert_int_steps(&fd, SOL_TCP, TCP_NODELAY, &[(1, 1), (0, 0)]);

    let (client, server) = tcp_pair(V4);
    assert_int_steps(&client, IPPROTO_TCP, TCP_NODELAY, &[(1, 1), (0, 0)]);
    assert_int_steps(&server, SOL_TCP, TCP_NODELAY, &[(1, 1), (0, 0)]);
}

/// Before a connection exists Linux reports the default MSS (536, RFC 879), or the
/// value the user set; values under its minimum (88) are `EINVAL`; 0 clears the user
/// value. tcp(7): set before connecting, the value "also changes the MSS value
/// announced to the other end", so both ends then use at most that.
#[test]
fn tcp_maxseg_before_and_after_connect() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_MAXSEG), Ok(536));
    assert_int_steps(&fd, IPPROTO_TCP, TCP_MAXSEG, &[(1000, 1000), (1200, 1200)]);
    assert_int_rejected(&fd, IPPROTO_TCP, TCP_MAXSEG, &[87]);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_MAXSEG), Ok(1200));
    assert_int_steps(
        &fd,
        IPPROTO_TCP,
        TCP_MAXSEG,
        &[(88, 88), (0, 536), (1000, 1000)],
    );

    let (l, addr) = listener(V4);
    connect(&fd, &addr).unwrap();
    let (server, _) = accept(&l).unwrap();
    let client_mss = getsockopt(&fd, IPPROTO_TCP, TCP_MAXSEG).unwrap();
    let server_mss = getsockopt(&server, IPPROTO_TCP, TCP_MAXSEG).unwrap();
    assert!((88..=1000).contains(&client_mss), "client MSS {client_mss}");
    // Loopback's MTU is far larger, so without the announced 1000 the server's MSS
    // would be tens of kilobytes.
    assert!((88..=1000).contains(&server_mss), "server MSS {server_mss}");
}

/// Ranges from Linux: 1..=127 probes, 1..=32767 seconds.
#[test]
fn tcp_keepalive_tuning_round_trip_and_ranges() {
    let fd = tcp_socket(V4);
    assert_eq!(
        getsockopt(&fd, IPPROTO_TCP, TCP_KEEPCNT),
        Ok(proc_int("/proc/sys/net/ipv4/tcp_keepalive_probes"))
    );
    assert_eq!(
        getsockopt(&fd, IPPROTO_TCP, TCP_KEEPINTVL),
        Ok(proc_int("/proc/sys/net/ipv4/tcp_keepalive_intvl"))
    );
    assert_eq!(
        getsockopt(&fd, IPPROTO_TCP, TCP_KEEPIDLE),
        Ok(proc_int("/proc/sys/net/ipv4/tcp_keepalive_time"))
    );

    assert_int_steps(&fd, IPPROTO_TCP, TCP_KEEPCNT, &[(3, 3), (127, 127), (1, 1)]);
    assert_int_steps(&fd, IPPROTO_TCP, TCP_KEEPINTVL, &[(10, 10), (32767, 32767)]);
    assert_int_steps(&fd, IPPROTO_TCP, TCP_KEEPIDLE, &[(60, 60), (32767, 32767)]);

    assert_int_rejected(&fd, IPPROTO_TCP, TCP_KEEPCNT, &[0, 128, -1]);
    assert_int_rejected(&fd, IPPROTO_TCP, TCP_KEEPINTVL, &[0, 32768]);
    assert_int_rejected(&fd, IPPROTO_TCP, TCP_KEEPIDLE, &[0, 32768]);
    // Rejected values leave the last good ones.
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_KEEPCNT), Ok(1));
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_KEEPINTVL), Ok(32767));
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_KEEPIDLE), Ok(32767));
}

// ---------------------------------------------------------------------------------------
// IPPROTO_IP and IPPROTO_IPV6 options
// ---------------------------------------------------------------------------------------

/// ip(7): 1..=255; -1 restores the default (`net.ipv4.ip_default_ttl`).
#[test]
fn ip_ttl_round_trip_range_and_default() {
    let default = proc_int("/proc/sys/net/ipv4/ip_default_ttl");
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_TTL), Ok(default));
        assert_int_steps(&fd, IPPROTO_IP, IP_TTL, &[(200, 200), (1, 1), (255, 255)]);
        assert_int_rejected(&fd, IPPROTO_IP, IP_TTL, &[0, 256, -2]);
        assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_TTL), Ok(255));
        assert_int_steps(&fd, SOL_IP, IP_TTL, &[(-1, default), (17, 17)]);
    }
}

/// On a TCP socket Linux keeps the two ECN bits of the TOS byte for itself: they are
/// dropped from the value set. UDP keeps the whole byte.
#[test]
fn ip_tos_round_trip_and_tcp_keeps_ecn_bits() {
    let t = tcp_socket(V4);
    assert_eq!(getsockopt(&t, IPPROTO_IP, IP_TOS), Ok(0));
    assert_int_steps(
        &t,
        IPPROTO_IP,
        IP_TOS,
        &[(0x10, 0x10), (0x08, 0x08), (0x13, 0x10)],
    );

    let u = udp_socket(V4);
    assert_eq!(getsockopt(&u, IPPROTO_IP, IP_TOS), Ok(0));
    assert_int_steps(
        &u,
        IPPROTO_IP,
        IP_TOS,
        &[(0x10, 0x10), (0x13, 0x13), (0, 0)],
    );
}

#[test]
fn ipv6_v6only_round_trip_and_locked_after_bind() {
    let fd = tcp_socket(V6);
    assert_eq!(
        getsockopt(&fd, IPPROTO_IPV6, IPV6_V6ONLY),
        Ok(proc_int("/proc/sys/net/ipv6/bindv6only"))
    );
    assert_int_steps(&fd, IPPROTO_IPV6, IPV6_V6ONLY, &[(1, 1), (0, 0), (3, 1)]);
    assert_int_steps(&fd, SOL_IPV6, IPV6_V6ONLY, &[(0, 0), (1, 1)]);

    bind(&fd, &V6).unwrap();
    assert_eq!(
        setsockopt(&fd, IPPROTO_IPV6, IPV6_V6ONLY, &0),
        Err(Errno::EINVAL)
    );
    assert_eq!(getsockopt(&fd, IPPROTO_IPV6, IPV6_V6ONLY), Ok(1));
}

/// The effect of IPV6_V6ONLY, on loopback only: an AF_INET6 socket reaches an IPv4
/// listener through the v4-mapped address `::ffff:127.0.0.1` unless it is v6-only.
#[test]
fn ipv6_v6only_controls_v4_mapped_connect() {
    let (l, addr) = listener(V4);
    let port = addr.as_socket().unwrap().port();
    let mapped: SocketAddr = format!("[::ffff:127.0.0.1]:{port}").parse().unwrap();

    let only6 = tcp_socket(V6);
    setsockopt(&only6, IPPROTO_IPV6, IPV6_V6ONLY, &1).unwrap();
    assert_eq!(connect(&only6, &mapped), Err(Errno::ENETUNREACH));

    let dual = tcp_socket(V6);
    setsockopt(&dual, IPPROTO_IPV6, IPV6_V6ONLY, &0).unwrap();
    assert_eq!(connect(&dual, &mapped), Ok(()));
    let (_conn, peer) = accept(&l).unwrap();
    assert_eq!(peer.family(), AF_INET);
    let local = getsockname(&dual).unwrap();
    assert_eq!(local.family(), AF_INET6);
    assert_eq!(
        local.as_socket().map(|a| a.port()),
        peer.as_socket().map(|a| a.port())
    );
}

/// ipv6(7): -1 restores the route default, 0..=255 are taken as they are.
#[test]
fn ipv6_unicast_hops_round_trip_and_range() {
    let default = proc_int("/proc/sys/net/ipv6/conf/all/hop_limit");
    let fd = tcp_socket(V6);
    assert_eq!(
        getsockopt(&fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS),
        Ok(default)
    );
    assert_int_steps(
        &fd,
        IPPROTO_IPV6,
        IPV6_UNICAST_HOPS,
        &[(7, 7), (255, 255), (0, 0)],
    );
    assert_int_rejected(&fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &[256, -2]);
    assert_eq!(getsockopt(&fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS), Ok(0));
    assert_int_steps(&fd, SOL_IPV6, IPV6_UNICAST_HOPS, &[(-1, default), (9, 9)]);
}

/// The level is not checked against the option by the crate: the kernel decides, and
/// an IPv4 TCP socket has no IPv6 level. Linux answers the two calls differently.
#[test]
fn ipv6_level_on_an_ipv4_socket() {
    let fd = tcp_socket(V4);
    assert_eq!(
        setsockopt(&fd, IPPROTO_IPV6, IPV6_V6ONLY, &1),
        Err(Errno::ENOPROTOOPT)
    );
    assert_eq!(
        getsockopt(&fd, IPPROTO_IPV6, IPV6_V6ONLY),
        Err(Errno::EOPNOTSUPP)
    );
}

// ---------------------------------------------------------------------------------------
// Read-only options
// ---------------------------------------------------------------------------------------

#[test]
fn so_error_is_zero_fresh_and_after_a_blocking_refusal() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));

    let closed = closed_port(V4);
    assert_eq!(connect(&fd, &closed), Err(Errno::ECONNREFUSED));
    // The blocking connect already reported (and so consumed) the error.
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));
}

/// The C pattern for a non-blocking connect: `EINPROGRESS`, wait for writability,
/// then SO_ERROR says how it ended; reading it clears it.
#[test]
fn so_error_reports_a_refused_non_blocking_connect_once() {
    let closed = closed_port(V4);
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));
    assert_eq!(connect(&fd, &closed), Err(Errno::EINPROGRESS));

    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    let mut ready = 0;
    for _ in 0..10 {
        // SAFETY: `pfd` is one valid, writable `pollfd`, and the count passed is 1.
        ready = unsafe { libc::poll(&mut pfd, 1, 1000) };
        if ready != 0 {
            break;
        }
    }
    assert_eq!(ready, 1, "poll: {}", Errno::last());
    assert_ne!(pfd.revents & libc::POLLOUT, 0, "revents {:#x}", pfd.revents);

    let err = getsockopt(&fd, SOL_SOCKET, SO_ERROR).unwrap();
    assert_eq!(Errno::from_raw(err), Errno::ECONNREFUSED);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));
}

#[test]
fn so_type_reports_the_base_type() {
    let t = tcp_socket(V4);
    let ty = getsockopt(&t, SOL_SOCKET, SO_TYPE).unwrap();
    assert_eq!(ty, SOCK_STREAM);
    assert_eq!(format!("{ty:?}"), "SOCK_STREAM");

    let u = udp_socket(V4);
    let ty = getsockopt(&u, SOL_SOCKET, SO_TYPE).unwrap();
    assert_eq!(ty, SOCK_DGRAM);
    assert_eq!(format!("{ty:?}"), "SOCK_DGRAM");

    // The creation flags are not part of the type the kernel reports.
    let nb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(getsockopt(&nb, SOL_SOCKET, SO_TYPE), Ok(SOCK_STREAM));

    let (sp, _) = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0).unwrap();
    let ty = getsockopt(&sp, SOL_SOCKET, SO_TYPE).unwrap();
    assert_eq!(format!("{ty:?}"), "SOCK_SEQPACKET");
}

#[test]
fn so_acceptconn_follows_listen() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ACCEPTCONN), Ok(0));
    bind(&fd, &V4).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ACCEPTCONN), Ok(0));
    listen(&fd, 4).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ACCEPTCONN), Ok(1));

    let c = tcp_socket(V4);
    connect(&c, &getsockname(&fd).unwrap()).unwrap();
    let (accepted, _) = accept(&fd).unwrap();
    assert_eq!(getsockopt(&accepted, SOL_SOCKET, SO_ACCEPTCONN), Ok(0));
    assert_eq!(getsockopt(&c, SOL_SOCKET, SO_ACCEPTCONN), Ok(0));
}

// ---------------------------------------------------------------------------------------
// Raw bytes form
// ---------------------------------------------------------------------------------------

#[test]
fn raw_so_keepalive_round_trip_native_endian() {
    let fd = tcp_socket(V4);
    let name = SO_KEEPALIVE.as_raw();

    unsafe { setsockopt_raw(&fd, SOL_SOCKET, name, &1i32.to_ne_bytes()) }.unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(1));
    let mut buf = [0xAAu8; 4];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, name, &mut buf) },
        Ok(4)
    );
    assert_eq!(buf, 1i32.to_ne_bytes());

    unsafe { setsockopt_raw(&fd, SOL_SOCKET, name, &0i32.to_ne_bytes()) }.unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(0));

    // A larger buffer: the kernel writes and reports the int's 4 bytes only.
    setsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE, &1).unwrap();
    let mut big = [0xAAu8; 8];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, name, &mut big) },
        Ok(4)
    );
    assert_eq!(big[..4], 1i32.to_ne_bytes());
    assert_eq!(big[4..], [0xAA; 4]);
}

#[test]
fn raw_so_linger_matches_the_typed_layout() {
    let fd = tcp_socket(V4);
    let name = SO_LINGER.as_raw();
    let bytes = |onoff: i32, secs: i32| {
        let mut b = [0u8; 8];
        b[..4].copy_from_slice(&onoff.to_ne_bytes());
        b[4..].copy_from_slice(&secs.to_ne_bytes());
        b
    };
    unsafe { setsockopt_raw(&fd, SOL_SOCKET, name, &bytes(1, 5)) }.unwrap();
    assert_eq!(
        getsockopt(&fd, SOL_SOCKET, SO_LINGER).map(linger_pair),
        Ok((1, 5))
    );
    let typed = linger_of(1, 9);
    setsockopt(&fd, SOL_SOCKET, SO_LINGER, &typed).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, name, &mut buf) },
        Ok(8)
    );
    assert_eq!(buf, bytes(1, 9));
}

/// Linux does not fail a `getsockopt` whose buffer is shorter than the value: at the
/// socket and TCP levels it writes and reports the first `len` bytes of the int; at
/// the IP level an int option whose value fits a byte is returned as that one byte
/// (`optlen` = 1). A zero-length buffer succeeds and receives nothing.
#[test]
fn raw_get_with_a_short_buffer() {
    let fd = tcp_socket(V4);
    setsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE, &1).unwrap();
    setsockopt(&fd, IPPROTO_TCP, TCP_NODELAY, &1).unwrap();
    setsockopt(&fd, IPPROTO_IP, IP_TTL, &200).unwrap();
    let one = 1i32.to_ne_bytes();

    let mut buf = [0xAAu8; 4];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, SO_KEEPALIVE.as_raw(), &mut buf[..2]) },
        Ok(2)
    );
    assert_eq!(buf, [one[0], one[1], 0xAA, 0xAA]);

    let mut buf = [0xAAu8; 4];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, IPPROTO_TCP, TCP_NODELAY.as_raw(), &mut buf[..3]) },
        Ok(3)
    );
    assert_eq!(buf, [one[0], one[1], one[2], 0xAA]);

    let mut buf = [0xAAu8; 4];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, IPPROTO_IP, IP_TTL.as_raw(), &mut buf[..3]) },
        Ok(1)
    );
    assert_eq!(buf, [200, 0xAA, 0xAA, 0xAA]);

    let mut buf = [0xAAu8; 4];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, SO_KEEPALIVE.as_raw(), &mut buf[..0]) },
        Ok(0)
    );
    assert_eq!(buf, [0xAA; 4]);
}

/// Setting takes at least an int at the socket level (and a whole `linger` for
/// SO_LINGER); the IP level also takes a single byte.
#[test]
fn raw_set_with_a_short_value() {
    let fd = tcp_socket(V4);
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_SOCKET, SO_KEEPALIVE.as_raw(), &[1, 0]) },
        Err(Errno::EINVAL)
    );
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_SOCKET, SO_KEEPALIVE.as_raw(), &[]) },
        Err(Errno::EINVAL)
    );
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_SOCKET, SO_LINGER.as_raw(), &1i32.to_ne_bytes()) },
        Err(Errno::EINVAL)
    );
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(0));

    assert_eq!(
        unsafe { setsockopt_raw(&fd, IPPROTO_IP, IP_TTL.as_raw(), &[9]) },
        Ok(())
    );
    assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_TTL), Ok(9));
}

/// Setting: an int option takes no less than an int at the socket and TCP levels
/// (an empty or one-byte value is `EINVAL`), and at the IP level a single byte but
/// not an empty value. A name option takes the empty value: `SO_BINDTODEVICE` reads
/// it as "unbind" (which needs `CAP_NET_RAW` on a bound socket), `TCP_CONGESTION`
/// refuses it with `EINVAL`.
#[test]
fn raw_set_with_empty_and_one_byte_values() {
    let fd = tcp_socket(V4);
    // SAFETY (each call below): int or name options, which the kernel reads only up
    // to the length given and follows nothing in.
    for (level, name) in [
        (SOL_SOCKET, SO_KEEPALIVE.as_raw()),
        (SOL_SOCKET, SO_REUSEADDR.as_raw()),
        (SOL_TCP, TCP_NODELAY.as_raw()),
        (SOL_TCP, TCP_KEEPCNT.as_raw()),
    ] {
        for value in [&[][..], &[1][..]] {
            assert_eq!(
                unsafe { setsockopt_raw(&fd, level, name, value) },
                Err(Errno::EINVAL),
                "{level:?} {name} {value:?}"
            );
        }
    }
    assert_eq!(getsockopt(&fd, SOL_TCP, TCP_NODELAY), Ok(0));
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_IP, IP_TTL.as_raw(), &[]) },
        Err(Errno::EINVAL)
    );
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_IP, IP_TTL.as_raw(), &[33]) },
        Ok(())
    );
    assert_eq!(getsockopt(&fd, SOL_IP, IP_TTL), Ok(33));

    let unbind = || unsafe { setsockopt_raw(&fd, SOL_SOCKET, SO_BINDTODEVICE.as_raw(), &[]) };
    assert_eq!(unbind(), Ok(()), "unbinding an unbound socket");
    setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"lo").unwrap();
    // Changing a binding needs CAP_NET_RAW: without it, EPERM (and not root).
    // SAFETY: geteuid takes nothing and cannot fail.
    match unbind() {
        Err(e) if e == Errno::EPERM && unsafe { libc::geteuid() } != 0 => {}
        ret => {
            assert_eq!(ret, Ok(()));
            assert!(getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE)
                .unwrap()
                .is_empty());
        }
    }
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_TCP, TCP_CONGESTION.as_raw(), &[]) },
        Err(Errno::EINVAL)
    );
}

/// An empty buffer: the options succeed and report 0 (nothing written), except
/// `SO_BINDTODEVICE` on a bound socket, which refuses any buffer shorter than
/// `IFNAMSIZ` (16) with `EINVAL`. Unbound, it reports 0 whatever the buffer.
#[test]
fn raw_get_with_an_empty_buffer() {
    let fd = tcp_socket(V4);
    // SAFETY (each call below): int and name options, which the kernel writes only
    // up to the length given.
    for (level, name) in [
        (SOL_SOCKET, SO_TYPE.as_raw()),
        (SOL_SOCKET, SO_LINGER.as_raw()),
        (SOL_SOCKET, SO_BINDTODEVICE.as_raw()),
        (SOL_TCP, TCP_NODELAY.as_raw()),
        (SOL_TCP, TCP_CONGESTION.as_raw()),
        (SOL_IP, IP_TTL.as_raw()),
    ] {
        assert_eq!(
            unsafe { getsockopt_raw(&fd, level, name, &mut []) },
            Ok(0),
            "{level:?} {name}"
        );
    }
    let bindtodevice = SO_BINDTODEVICE.as_raw();
    let mut buf = [0xAAu8; 16];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, bindtodevice, &mut buf[..1]) },
        Ok(0)
    );
    setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"lo").unwrap();
    for short in [0, 1, 15] {
        assert_eq!(
            unsafe { getsockopt_raw(&fd, SOL_SOCKET, bindtodevice, &mut buf[..short]) },
            Err(Errno::EINVAL),
            "{short} bytes"
        );
    }
    assert_eq!(buf, [0xAA; 16]);
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, bindtodevice, &mut buf) },
        Ok(3)
    );
    assert_eq!(buf[..4], *b"lo\0\xAA");
}

/// The ordinary case: the kernel reports what it wrote, and `getsockopt_raw` passes
/// that on unchanged. `TCP_CONGESTION` writes and reports `min(len, 16)`, NULs
/// included; `SO_BINDTODEVICE` the name and its NUL.
#[test]
fn raw_get_reports_what_the_kernel_wrote() {
    let fd = tcp_socket(V4);
    setsockopt(&fd, SOL_TCP, TCP_CONGESTION, b"reno").unwrap();
    let name = TCP_CONGESTION.as_raw();
    // SAFETY (each call below): name options, which the kernel writes only up to the
    // length given.
    let mut buf = [0xAAu8; 24];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_TCP, name, &mut buf[..4]) },
        Ok(4)
    );
    assert_eq!(buf[..5], *b"reno\xAA");
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_TCP, name, &mut buf[..2]) },
        Ok(2)
    );
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_TCP, name, &mut buf) },
        Ok(16)
    );
    assert_eq!(buf[..16], *b"reno\0\0\0\0\0\0\0\0\0\0\0\0");
    assert_eq!(buf[16..], [0xAA; 8]);

    setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"lo").unwrap();
    let mut buf = [0xAAu8; 20];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, SO_BINDTODEVICE.as_raw(), &mut buf) },
        Ok(3)
    );
    assert_eq!(buf[..4], *b"lo\0\xAA");
}

const SOL_NETLINK: c_int = 270;
const NETLINK_ADD_MEMBERSHIP: c_int = 1;
const NETLINK_LIST_MEMBERSHIPS: c_int = 9;
const RTNLGRP_LINK: c_int = 1;
const RTNLGRP_IPV4_IFADDR: c_int = 5;

/// An option that reports more than the buffer it wrote: netlink's
/// `NETLINK_LIST_MEMBERSHIPS` fills as many 32-bit words of the group bitmap as fit
/// and reports the bitmap's whole size. `getsockopt_raw` returns that size, larger
/// than the buffer, as C sees it.
#[test]
fn raw_get_reports_a_length_longer_than_the_buffer() {
    let nl = socket(
        AddressFamily::from_raw(libc::AF_NETLINK),
        SOCK_RAW | SOCK_CLOEXEC,
        0, // NETLINK_ROUTE
    )
    .unwrap();
    let mut buf = [0xAAu8; 4];
    // SAFETY (each call below): the membership bitmap is plain bytes, written only
    // in whole words that fit the length given; the set takes an int.
    assert_eq!(
        unsafe { getsockopt_raw(&nl, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &mut buf) },
        Ok(0),
        "no group joined yet"
    );
    assert_eq!(buf, [0xAA; 4]);
    for group in [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR] {
        unsafe {
            setsockopt_raw(
                &nl,
                SOL_NETLINK,
                NETLINK_ADD_MEMBERSHIP,
                &group.to_ne_bytes(),
            )
        }
        .unwrap();
    }
    let bits = (1u32 << (RTNLGRP_LINK - 1) | 1u32 << (RTNLGRP_IPV4_IFADDR - 1)).to_ne_bytes();

    // The 4-byte buffer is the head of a larger array: the bytes after it show the
    // kernel wrote nothing past the length given. (It also keeps AddressSanitizer's
    // `getsockopt` interceptor, which takes the reported length as the length
    // written, from flagging the longer report: the kernel wrote only 4 bytes.)
    let mut backing = [0xAAu8; 64];
    let reported = unsafe {
        getsockopt_raw(
            &nl,
            SOL_NETLINK,
            NETLINK_LIST_MEMBERSHIPS,
            &mut backing[..buf.len()],
        )
    }
    .unwrap();
    assert!(
        reported > buf.len() && reported % 4 == 0 && reported <= 64,
        "reported {reported}"
    );
    assert_eq!(backing[..4], bits);
    assert!(backing[4..].iter().all(|&b| b == 0xAA), "{backing:?}");

    // With room for all of it, the same length, and zeros after the first word.
    let mut big = [0xAAu8; 64];
    assert_eq!(
        unsafe { getsockopt_raw(&nl, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &mut big) },
        Ok(reported)
    );
    assert_eq!(big[..4], bits);
    assert!(big[4..reported].iter().all(|&b| b == 0), "{big:?}");
    assert!(big[reported..].iter().all(|&b| b == 0xAA), "{big:?}");
}

/// `SO_GET_FILTER` (the number of `SO_ATTACH_FILTER`) counts in 8-byte BPF
/// instructions, not bytes: an empty buffer asks for the count, which the kernel
/// reports without writing anything; a buffer with room for the program gets it and
/// the count again. (A buffer of 2..=15 bytes would make the kernel write all 16
/// bytes: one reason the raw form is `unsafe`.)
#[test]
fn raw_get_filter_reports_a_count_of_instructions() {
    const BPF_RET_K: u16 = 0x06;
    let program = [
        libc::sock_filter {
            code: BPF_RET_K,
            jt: 0,
            jf: 0,
            k: u32::MAX,
        },
        libc::sock_filter {
            code: BPF_RET_K,
            jt: 0,
            jf: 0,
            k: 0x1234_5678,
        },
    ];
    let mut fprog = [0u8; std::mem::size_of::<libc::sock_fprog>()];
    let len_at = std::mem::offset_of!(libc::sock_fprog, len);
    let ptr_at = std::mem::offset_of!(libc::sock_fprog, filter);
    fprog[len_at..len_at + 2].copy_from_slice(&(program.len() as u16).to_ne_bytes());
    fprog[ptr_at..ptr_at + std::mem::size_of::<usize>()]
        .copy_from_slice(&(program.as_ptr() as usize).to_ne_bytes());

    let fd = udp_socket(V4);
    let so_attach_filter = libc::SO_ATTACH_FILTER;
    // SAFETY: `fprog` is a `sock_fprog` whose `filter` points to `program`'s two
    // instructions, which the kernel reads (and copies) during the call.
    unsafe { setsockopt_raw(&fd, SOL_SOCKET, so_attach_filter, &fprog) }.unwrap();

    let mut buf = [0xAAu8; 16];
    // SAFETY: an optlen of 0 only asks for the count: the kernel writes nothing.
    let count = unsafe { getsockopt_raw(&fd, SOL_SOCKET, so_attach_filter, &mut buf[..0]) };
    assert_eq!(count, Ok(2));
    // SAFETY: 1 is fewer instructions than the program has: `EINVAL`, nothing written.
    let short = unsafe { getsockopt_raw(&fd, SOL_SOCKET, so_attach_filter, &mut buf[..1]) };
    assert_eq!(short, Err(Errno::EINVAL));
    assert_eq!(buf, [0xAA; 16]);
    // SAFETY: the kernel writes 8 bytes per instruction, 16 in all: exactly `buf`.
    let whole = unsafe { getsockopt_raw(&fd, SOL_SOCKET, so_attach_filter, &mut buf) };
    assert_eq!(whole, Ok(2));
    let mut expect = Vec::new();
    for insn in &program {
        expect.extend_from_slice(&insn.code.to_ne_bytes());
        expect.extend_from_slice(&[insn.jt, insn.jf]);
        expect.extend_from_slice(&insn.k.to_ne_bytes());
    }
    assert_eq!(buf[..], expect[..]);
}

/// Anonymous memory that the kernel backs only where it is touched: a slice longer
/// than `c_int::MAX` costs address space, not memory.
struct Reserved {
    ptr: *mut u8,
    len: usize,
}

impl Reserved {
    fn new(len: usize) -> Option<Reserved> {
        // SAFETY: a fresh private anonymous mapping; nothing else is affected.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            println!("skipped: mmap of {len} bytes: {}", Errno::last());
            return None;
        }
        Some(Reserved {
            ptr: ptr.cast(),
            len,
        })
    }

    fn bytes(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is `len` readable and writable bytes, zero-filled on
        // first touch, and owned by `self` for the borrow's lifetime.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, unmapped once.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

/// Lengths at the `c_int::MAX` edge, over reserved (untouched) memory. The kernel
/// takes `optlen` as an `int`. `setsockopt_raw` passes a value of exactly
/// `c_int::MAX` bytes (an int option reads its first 4) and refuses one byte more
/// with `EINVAL` before any call: on a non-socket the kernel would say `ENOTSOCK`.
/// `getsockopt_raw` offers a longer buffer as `c_int::MAX` bytes; without that cap the
/// kernel would see a negative length and answer `EINVAL`.
#[test]
fn raw_lengths_beyond_c_int_max() {
    let max = c_int::MAX as usize;
    let Some(mut mem) = Reserved::new(max + 1 + 4096) else {
        return;
    };
    let fd = tcp_socket(V4);
    let file = not_a_socket();
    let keepalive = SO_KEEPALIVE.as_raw();
    let bytes = mem.bytes();
    bytes[..4].copy_from_slice(&1i32.to_ne_bytes());

    // SAFETY (each call below): SO_KEEPALIVE is an int option: the kernel reads or
    // writes only its first 4 bytes, and follows nothing.
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_SOCKET, keepalive, &bytes[..max]) },
        Ok(())
    );
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(1));
    assert_eq!(
        unsafe { setsockopt_raw(&file, SOL_SOCKET, keepalive, &bytes[..max]) },
        Err(Errno::ENOTSOCK)
    );
    assert_eq!(
        unsafe { setsockopt_raw(&file, SOL_SOCKET, keepalive, &bytes[..max + 1]) },
        Err(Errno::EINVAL)
    );
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_SOCKET, keepalive, &bytes[..max + 1]) },
        Err(Errno::EINVAL)
    );

    setsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE, &0).unwrap();
    bytes[..8].fill(0xAA);
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, keepalive, &mut bytes[..max + 1]) },
        Ok(4)
    );
    assert_eq!(bytes[..8], [0, 0, 0, 0, 0xAA, 0xAA, 0xAA, 0xAA]);
    setsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE, &1).unwrap();
    assert_eq!(
        unsafe { getsockopt_raw(&fd, SOL_SOCKET, keepalive, &mut bytes[..]) },
        Ok(4)
    );
    assert_eq!(bytes[..4], 1i32.to_ne_bytes());
}

#[test]
fn unknown_option_is_enoprotoopt() {
    let fd = tcp_socket(V4);
    for level in [SOL_SOCKET, SOL_TCP] {
        assert_raw_option_fails(&fd, level, 9999, Errno::ENOPROTOOPT);
    }
    let bogus: SockOpt<c_int, ReadWrite> =
        // SAFETY: an int option: the kernel reads and writes only its 4 bytes.
        unsafe { SockOpt::new(9999, "SO_BOGUS") };
    assert_eq!(getsockopt(&fd, SOL_SOCKET, bogus), Err(Errno::ENOPROTOOPT));
    assert_eq!(
        setsockopt(&fd, SOL_SOCKET, bogus, &1),
        Err(Errno::ENOPROTOOPT)
    );
}

// ---------------------------------------------------------------------------------------
// Typing, other options, other descriptors
// ---------------------------------------------------------------------------------------

/// `IPPROTO_TCP` (a `Protocol`) is accepted where a `Level` is expected, as C passes
/// it; the conversion keeps the number.
#[test]
fn protocol_converts_to_level() {
    let fd = tcp_socket(V4);
    setsockopt(&fd, IPPROTO_TCP, TCP_NODELAY, &1).unwrap();
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_NODELAY), Ok(1));

    assert_eq!(Level::from(IPPROTO_TCP), SOL_TCP);
    assert_eq!(Level::from(IPPROTO_UDP), SOL_UDP);
    assert_eq!(Level::from(IPPROTO_IP), SOL_IP);
    assert_eq!(Level::from(IPPROTO_IPV6), SOL_IPV6);
    assert_eq!(format!("{:?}", Level::from(IPPROTO_TCP)), "SOL_TCP");
    assert_eq!(format!("{SOL_SOCKET:?}"), "SOL_SOCKET");
    assert_eq!(SOL_SOCKET.as_raw(), libc::SOL_SOCKET);
}

/// A plain `c_int` is a level too, as C passes `SOL_SOCKET` or a number; the
/// conversion keeps the number, named or not.
#[test]
fn plain_integer_converts_to_level() {
    let fd = tcp_socket(V4);
    setsockopt(&fd, libc::SOL_SOCKET, SO_KEEPALIVE, &1).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(1));
    assert_eq!(getsockopt(&fd, libc::SOL_SOCKET, SO_KEEPALIVE), Ok(1));
    setsockopt(&fd, libc::IPPROTO_TCP, TCP_NODELAY, &1).unwrap();
    assert_eq!(getsockopt(&fd, 6, TCP_NODELAY), Ok(1));
    setsockopt(&fd, 6, TCP_NODELAY, &0).unwrap();
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_NODELAY), Ok(0));

    assert_eq!(Level::from(libc::SOL_SOCKET), SOL_SOCKET);
    assert_eq!(Level::from(libc::IPPROTO_TCP), SOL_TCP);
    assert_eq!(Level::from(libc::IPPROTO_IPV6), SOL_IPV6);
    assert_eq!(Level::from(libc::SOL_PACKET).as_raw(), 263);
    assert_eq!(format!("{:?}", Level::from(libc::SOL_SOCKET)), "SOL_SOCKET");

    // A level the socket does not have is the kernel's to refuse.
    assert_eq!(
        setsockopt(&fd, libc::SOL_PACKET, SO_KEEPALIVE, &1),
        Err(Errno::ENOPROTOOPT)
    );
}

#[test]
fn option_constants_carry_their_c_number_and_name() {
    assert_eq!(SO_REUSEADDR.as_raw(), libc::SO_REUSEADDR);
    assert_eq!(SO_REUSEADDR.name(), "SO_REUSEADDR");
    assert_eq!(format!("{TCP_NODELAY:?}"), "TCP_NODELAY");
    assert_eq!(TCP_KEEPIDLE.as_raw(), libc::TCP_KEEPIDLE);
    assert_eq!(IPV6_V6ONLY.as_raw(), libc::IPV6_V6ONLY);
}

/// `SockOpt::new` reaches an option the crate does not type.
#[test]
fn sockopt_new_reaches_an_untyped_option() {
    let so_priority: SockOpt<c_int, ReadWrite> =
        // SAFETY: an int option: the kernel reads and writes only its 4 bytes.
        unsafe { SockOpt::new(libc::SO_PRIORITY, "SO_PRIORITY") };
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, so_priority), Ok(0));
    assert_int_steps(&fd, SOL_SOCKET, so_priority, &[(3, 3), (5, 5), (0, 0)]);
}

#[test]
fn options_on_a_non_socket_are_enotsock() {
    let file = not_a_socket();
    assert_eq!(
        setsockopt(&file, SOL_SOCKET, SO_KEEPALIVE, &1),
        Err(Errno::ENOTSOCK)
    );
    assert_eq!(
        getsockopt(&file, SOL_SOCKET, SO_KEEPALIVE),
        Err(Errno::ENOTSOCK)
    );
    assert_eq!(getsockopt(&file, SOL_SOCKET, SO_TYPE), Err(Errno::ENOTSOCK));
    assert_raw_option_fails(&file, SOL_SOCKET, SO_KEEPALIVE.as_raw(), Errno::ENOTSOCK);
}

/// Any `AsFd` works: a `BorrowedFd`, and std's own sockets.
#[test]
fn options_through_borrowed_and_std_descriptors() {
    let fd = tcp_socket(V4);
    let borrowed = fd.as_fd();
    setsockopt(&borrowed, SOL_SOCKET, SO_KEEPALIVE, &1).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(1));

    let std_udp = UdpSocket::bind(V4).unwrap();
    setsockopt(&std_udp, SOL_SOCKET, SO_BROADCAST, &1).unwrap();
    assert_eq!(std_udp.broadcast().map_err(|e| e.kind()), Ok(true));
    std_udp.set_ttl(33).unwrap();
    assert_eq!(getsockopt(&std_udp, IPPROTO_IP, IP_TTL), Ok(33));
}

/// The typed calls pass an option at its own level only. At another level the number
/// is another option (`SO_GET_FILTER`, 26 at `SOL_SOCKET`, reads `optlen` as a count of
/// 8-byte instructions and would write past `IPV6_V6ONLY`'s 4 bytes), so it is refused
/// with `ENOPROTOOPT` before any call: on a descriptor that is not a socket, the
/// kernel would have said `ENOTSOCK`.
#[test]
fn typed_options_are_refused_at_another_level_without_a_call() {
    let file = not_a_socket();
    assert_eq!(IPV6_V6ONLY.as_raw(), libc::SO_ATTACH_FILTER);
    assert_eq!(
        getsockopt(&file, SOL_SOCKET, IPV6_V6ONLY),
        Err(Errno::ENOPROTOOPT)
    );
    assert_eq!(
        setsockopt(&file, SOL_SOCKET, TCP_NODELAY, &1),
        Err(Errno::ENOPROTOOPT)
    );
    assert_eq!(
        getsockopt(&file, IPPROTO_TCP, SO_TYPE),
        Err(Errno::ENOPROTOOPT)
    );
    // At its own level the call is made, and the kernel answers.
    assert_eq!(
        getsockopt(&file, IPPROTO_IPV6, IPV6_V6ONLY),
        Err(Errno::ENOTSOCK)
    );
    // The level's other spellings are the same number and pass.
    let fd = tcp_socket(V4);
    setsockopt(&fd, SOL_TCP, TCP_NODELAY, &1).unwrap();
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_NODELAY), Ok(1));
    assert_eq!(getsockopt(&fd, libc::IPPROTO_TCP, TCP_NODELAY), Ok(1));
    assert_eq!(TCP_NODELAY.level(), Some(SOL_TCP));
    // An option minted with `SockOpt::new` has no level: the caller vouched for all.
    // SAFETY: an int option: the kernel reads and writes only its 4 bytes.
    let minted: SockOpt<c_int, ReadWrite> = unsafe { SockOpt::new(libc::SO_KEEPALIVE, "KA") };
    assert_eq!(minted.level(), None);
    setsockopt(&fd, SOL_SOCKET, minted, &1).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_KEEPALIVE), Ok(1));
}
