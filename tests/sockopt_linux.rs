//! Linux's own typed socket options on real loopback sockets: each settable one is set
//! and read back, the read-only ones are read, and what Linux does differently from a
//! plain store (rounding, clamping, refusing, needing a capability) is asserted.
//!
//! Options that need a capability (`SO_MARK`, `IP_TRANSPARENT`, rebinding
//! `SO_BINDTODEVICE`, `SO_PRIORITY` above 6) are round-tripped as root; a process that
//! is not root may see `EPERM` instead, and nothing else. The last test also checks the
//! `EPERM`s themselves, re-running itself as `nobody` when it runs as root.
#![cfg(target_os = "linux")]

use std::ffi::c_int;
use std::net::{Ipv4Addr, SocketAddrV4};

use sockapi::*;

mod common;
use common::{
    abstract_name, assert_int_rejected, assert_int_steps, is_root, listener, listener_on, proc_int,
    proc_string, tcp_pair, tcp_socket, udp_socket, V4, V6,
};

/// The prefix of this binary's abstract names.
const BIN: &str = "sockopt_linux";

/// An on/off option: off by default, then on, off and on again; a non-zero value
/// other than 1 reads back as 1.
fn assert_boolean<L: Into<Level> + Copy>(fd: &Socket, level: L, option: SockOpt<c_int, ReadWrite>) {
    assert_eq!(getsockopt(fd, level, option), Ok(0), "{option:?} default");
    assert_int_steps(fd, level, option, &[(1, 1), (0, 0), (5, 1), (0, 0)]);
}

/// `setsockopt` of a value that may need a capability: `true` once set. `false` only
/// for `EPERM` in a process that is not root (said on stdout); any other error fails.
fn set_privileged<T: OptValue + ?Sized, L: Into<Level> + Copy>(
    fd: &Socket,
    level: L,
    option: SockOpt<T, ReadWrite>,
    value: &T,
) -> bool {
    match setsockopt(fd, level, option, value) {
        Ok(()) => true,
        Err(e) if e == Errno::EPERM && !is_root() => {
            println!("{option:?}: EPERM, not root: the round trip is not checked");
            false
        }
        Err(e) => panic!("setsockopt({option:?}): {e}"),
    }
}

/// `setsockopt` of a raw int, for the read-only options the typed form cannot set.
fn set_raw_int(fd: &Socket, level: Level, name: c_int, value: c_int) -> Result<()> {
    // SAFETY: an int value: the kernel reads only its 4 bytes and follows nothing.
    unsafe { setsockopt_raw(fd, level, name, &value.to_ne_bytes()) }
}

/// An AF_INET6 socket bound to [::1], or `None`, said on stdout, where this host has
/// no IPv6 loopback. (The other test files take [::1] for granted.)
fn v6_socket(ty: SockType) -> Option<Socket> {
    let fd = match socket(AF_INET6, ty | SOCK_CLOEXEC, 0) {
        Ok(fd) => fd,
        Err(e) if e == Errno::EAFNOSUPPORT => {
            println!("skipped: no AF_INET6 here ({e})");
            return None;
        }
        Err(e) => panic!("socket(AF_INET6): {e}"),
    };
    match bind(&fd, &V6) {
        Ok(()) => Some(fd),
        Err(e) if e == Errno::EADDRNOTAVAIL => {
            println!("skipped: no ::1 here ({e})");
            None
        }
        Err(e) => panic!("bind([::1]:0): {e}"),
    }
}

// ---------------------------------------------------------------------------------------
// IPPROTO_TCP
// ---------------------------------------------------------------------------------------

/// Milliseconds, any non-negative value; negative is `EINVAL`.
#[test]
fn tcp_user_timeout_round_trip_and_negative_rejected() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_USER_TIMEOUT), Ok(0));
    assert_int_steps(
        &fd,
        IPPROTO_TCP,
        TCP_USER_TIMEOUT,
        &[
            (5000, 5000),
            (1, 1),
            (c_int::MAX, c_int::MAX),
            (0, 0),
            (30_000, 30_000),
        ],
    );
    assert_int_rejected(&fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &[-1, c_int::MIN]);

    let (client, _server) = tcp_pair(V4);
    assert_int_steps(&client, SOL_TCP, TCP_USER_TIMEOUT, &[(250, 250), (0, 0)]);
}

/// Linux reports "not in ping-pong mode" as 1, so a fresh socket reads 1; 0 enters
/// delayed-ACK (ping-pong) mode and reads 0; any non-zero value reads 1.
#[test]
fn tcp_quickack_fresh_socket_reads_one_and_round_trip() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_QUICKACK), Ok(1));
    assert_int_steps(
        &fd,
        IPPROTO_TCP,
        TCP_QUICKACK,
        &[(0, 0), (1, 1), (0, 0), (5, 1)],
    );
}

#[test]
fn tcp_cork_round_trip() {
    let fd = tcp_socket(V4);
    assert_boolean(&fd, IPPROTO_TCP, TCP_CORK);

    let (client, _server) = tcp_pair(V4);
    assert_boolean(&client, SOL_TCP, TCP_CORK);
}

/// tcp(7) and the crate's docs: the kernel keeps a number of SYN-ACK retransmissions
/// (1 s, then doubling) and reads back the seconds they cover, so 5 reads 7.
/// Negative values are taken as 0.
#[test]
fn tcp_defer_accept_rounds_up_to_retransmission_boundaries() {
    let (fd, _) = listener(V4);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_DEFER_ACCEPT), Ok(0));
    setsockopt(&fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &5).unwrap();
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_DEFER_ACCEPT), Ok(7));
    assert_int_steps(
        &fd,
        IPPROTO_TCP,
        TCP_DEFER_ACCEPT,
        &[
            (1, 1),
            (2, 3),
            (3, 3),
            (4, 7),
            (7, 7),
            (8, 15),
            (30, 31),
            (0, 0),
            (5, 7),
            (-1, 0),
        ],
    );
}

/// The queue length of Fast Open requests, on a listener; 0 turns it off, negative
/// is `EINVAL`. A value set before `listen` stays.
#[test]
fn tcp_fastopen_on_a_listener() {
    let (fd, _) = listener(V4);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_FASTOPEN), Ok(0));
    assert_int_steps(
        &fd,
        IPPROTO_TCP,
        TCP_FASTOPEN,
        &[(5, 5), (256, 256), (0, 0), (16, 16)],
    );
    assert_int_rejected(&fd, IPPROTO_TCP, TCP_FASTOPEN, &[-1]);

    let early = tcp_socket(V4);
    bind(&early, &V4).unwrap();
    setsockopt(&early, IPPROTO_TCP, TCP_FASTOPEN, &8).unwrap();
    listen(&early, 4).unwrap();
    assert_eq!(getsockopt(&early, IPPROTO_TCP, TCP_FASTOPEN), Ok(8));
}

/// The default is `net.ipv4.tcp_syn_retries`; 1..=127 are taken, 0 and anything above
/// 127 are `EINVAL`.
#[test]
fn tcp_syncnt_round_trip_and_range() {
    let fd = tcp_socket(V4);
    assert_eq!(
        getsockopt(&fd, IPPROTO_TCP, TCP_SYNCNT),
        Ok(proc_int("/proc/sys/net/ipv4/tcp_syn_retries"))
    );
    assert_int_steps(&fd, IPPROTO_TCP, TCP_SYNCNT, &[(1, 1), (127, 127), (3, 3)]);
    assert_int_rejected(&fd, IPPROTO_TCP, TCP_SYNCNT, &[0, 128, 300, -1]);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_SYNCNT), Ok(3));
}

/// Stored as an unsigned 32-bit value: -1 (no limit) reads back as -1. 0 means "the
/// sysctl's value" and reads 0.
#[test]
fn tcp_notsent_lowat_round_trip() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT), Ok(0));
    assert_int_steps(
        &fd,
        IPPROTO_TCP,
        TCP_NOTSENT_LOWAT,
        &[(16384, 16384), (1, 1), (-1, -1), (0, 0), (131072, 131072)],
    );

    let (client, _server) = tcp_pair(V4);
    assert_int_steps(&client, SOL_TCP, TCP_NOTSENT_LOWAT, &[(4096, 4096)]);
}

/// A UDP socket has no TCP level: setting fails with `ENOPROTOOPT`, reading with
/// `EOPNOTSUPP`, as the crate leaves the level to the kernel.
#[test]
fn tcp_options_on_a_udp_socket() {
    let fd = udp_socket(V4);
    for option in [TCP_USER_TIMEOUT, TCP_CORK, TCP_SYNCNT, TCP_FASTOPEN] {
        assert_eq!(
            setsockopt(&fd, IPPROTO_TCP, option, &1),
            Err(Errno::ENOPROTOOPT),
            "{option:?}"
        );
        assert_eq!(
            getsockopt(&fd, IPPROTO_TCP, option),
            Err(Errno::EOPNOTSUPP),
            "{option:?}"
        );
    }
    assert_eq!(
        getsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION),
        Err(Errno::EOPNOTSUPP)
    );
}

/// A fresh socket has the namespace's default algorithm (`cubic` on most systems):
/// a non-empty ASCII name, the one `net.ipv4.tcp_congestion_control` names.
#[test]
fn tcp_congestion_default_is_the_sysctl() {
    let fd = tcp_socket(V4);
    let name: OptName = getsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION).unwrap();
    assert!(!name.is_empty());
    assert!(name.iter().all(u8::is_ascii_graphic), "{name:?}");
    let sysctl = proc_string("/proc/sys/net/ipv4/tcp_congestion_control");
    assert_eq!(name.as_bytes(), sysctl.as_bytes());
}

/// `reno` is always available and allowed. The kernel returns the name NUL-padded
/// to 16 bytes (`TCP_CA_NAME_MAX`); the typed form stops at the first NUL.
#[test]
fn tcp_congestion_reno_round_trip_without_padding() {
    let fd = tcp_socket(V4);
    setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, b"reno").unwrap();
    let name = getsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION).unwrap();
    assert_eq!(name, *b"reno");
    assert_eq!(name.len(), 4);
    assert_eq!(format!("{name:?}"), r#""reno""#);

    // What the kernel wrote: 16 bytes, the padding included.
    let mut buf = [0xAAu8; 20];
    // SAFETY: a name: the kernel writes at most `buf.len()` bytes and follows nothing.
    let n = unsafe { getsockopt_raw(&fd, IPPROTO_TCP, TCP_CONGESTION.as_raw(), &mut buf) };
    assert_eq!(n, Ok(16));
    assert_eq!(buf[..4], *b"reno");
    assert_eq!(buf[4..16], [0; 12]);
    assert_eq!(buf[16..], [0xAA; 4]);

    // The name as C often passes it, with its NUL: the same.
    setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, b"reno\0").unwrap();
    assert_eq!(getsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION), Ok(name));

    let (client, _server) = tcp_pair(V4);
    setsockopt(&client, SOL_TCP, TCP_CONGESTION, b"reno").unwrap();
    assert_eq!(
        getsockopt(&client, SOL_TCP, TCP_CONGESTION).unwrap(),
        *b"reno"
    );
}

/// An unknown name is `ENOENT`; an empty one `EINVAL`. The kernel copies at most 15
/// bytes of the name (`TCP_CA_NAME_MAX - 1`) and stops at a NUL, so a 40-byte name
/// is cut to 15 unknown bytes (`ENOENT`, not `EINVAL`), and bytes after a NUL are
/// never looked at. A refused name leaves the algorithm as it was.
#[test]
fn tcp_congestion_unknown_empty_and_long_names() {
    let fd = tcp_socket(V4);
    setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, b"reno").unwrap();

    assert_eq!(
        setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, b"no-such-cc"),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, &[b'x'; 40]),
        Err(Errno::ENOENT)
    );
    // Its first 15 bytes are no algorithm either, although they start with one.
    let mut long = [b'o'; 40];
    long[..4].copy_from_slice(b"reno");
    assert_eq!(
        setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, &long),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, b""),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        getsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION).unwrap(),
        *b"reno"
    );

    // A NUL ends the name: what follows is not read, even past byte 15.
    let default = proc_string("/proc/sys/net/ipv4/tcp_congestion_control");
    let mut padded = [b'#'; 40];
    padded[..default.len()].copy_from_slice(default.as_bytes());
    padded[default.len()] = 0;
    setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, &padded).unwrap();
    assert_eq!(
        getsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION)
            .unwrap()
            .as_bytes(),
        default.as_bytes()
    );
}

// ---------------------------------------------------------------------------------------
// SOL_SOCKET
// ---------------------------------------------------------------------------------------

/// The family and protocol the kernel gave the socket: `0` as the protocol of an
/// inet socket reads back as the protocol chosen (`IPPROTO_TCP`, `IPPROTO_UDP`); a
/// Unix socket's protocol is 0. Both are read-only: the kernel refuses to set them
/// with `ENOPROTOOPT`.
#[test]
fn so_domain_and_so_protocol() {
    let t = tcp_socket(V4);
    let domain: AddressFamily = getsockopt(&t, SOL_SOCKET, SO_DOMAIN).unwrap();
    let protocol: Protocol = getsockopt(&t, SOL_SOCKET, SO_PROTOCOL).unwrap();
    assert_eq!(domain, AF_INET);
    assert_eq!(protocol, IPPROTO_TCP);
    assert_eq!(format!("{domain:?} {protocol:?}"), "AF_INET IPPROTO_TCP");

    let u = udp_socket(V4);
    assert_eq!(getsockopt(&u, SOL_SOCKET, SO_DOMAIN), Ok(AF_INET));
    assert_eq!(getsockopt(&u, SOL_SOCKET, SO_PROTOCOL), Ok(IPPROTO_UDP));

    let explicit = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP).unwrap();
    assert_eq!(
        getsockopt(&explicit, SOL_SOCKET, SO_PROTOCOL),
        Ok(IPPROTO_UDP)
    );

    for ty in [SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET] {
        let (a, _b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(getsockopt(&a, SOL_SOCKET, SO_DOMAIN), Ok(AF_UNIX), "{ty:?}");
        assert_eq!(
            getsockopt(&a, SOL_SOCKET, SO_PROTOCOL),
            Ok(Protocol::from_raw(0)),
            "{ty:?}"
        );
    }

    for name in [SO_DOMAIN.as_raw(), SO_PROTOCOL.as_raw()] {
        assert_eq!(
            set_raw_int(&t, SOL_SOCKET, name, 2),
            Err(Errno::ENOPROTOOPT)
        );
    }

    if let Some(t6) = v6_socket(SOCK_STREAM) {
        assert_eq!(getsockopt(&t6, SOL_SOCKET, SO_DOMAIN), Ok(AF_INET6));
        assert_eq!(getsockopt(&t6, SOL_SOCKET, SO_PROTOCOL), Ok(IPPROTO_TCP));
    }
    if let Some(u6) = v6_socket(SOCK_DGRAM) {
        assert_eq!(getsockopt(&u6, SOL_SOCKET, SO_DOMAIN), Ok(AF_INET6));
        assert_eq!(getsockopt(&u6, SOL_SOCKET, SO_PROTOCOL), Ok(IPPROTO_UDP));
    }
}

/// 0..=6 without a capability; above 6 (and negative) needs `CAP_NET_ADMIN` or
/// `CAP_NET_RAW`, as root has.
#[test]
fn so_priority_round_trip_and_privileged_values() {
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_PRIORITY), Ok(0));
        assert_int_steps(&fd, SOL_SOCKET, SO_PRIORITY, &[(6, 6), (3, 3), (0, 0)]);
        for high in [7, 100, -1] {
            if set_privileged(&fd, SOL_SOCKET, SO_PRIORITY, &high) {
                assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_PRIORITY), Ok(high));
            } else {
                assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_PRIORITY), Ok(0));
            }
        }
    }
}

/// Setting a mark needs `CAP_NET_ADMIN` (or `CAP_NET_RAW` since Linux 5.17); reading
/// it needs nothing. The mark is a `u32`: -1 reads back as -1.
#[test]
fn so_mark_round_trip_or_eperm() {
    let fd = tcp_socket(V4);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_MARK), Ok(0));
    for mark in [42, -1, 0x1234_5678, 0] {
        if set_privileged(&fd, SOL_SOCKET, SO_MARK, &mark) {
            assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_MARK), Ok(mark));
        } else {
            assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_MARK), Ok(0));
        }
    }
}

fn assert_own_credentials(cred: ucred, what: &str) {
    let pid = i32::try_from(std::process::id()).unwrap();
    // SAFETY: geteuid and getegid take nothing and cannot fail.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    assert_eq!(
        (cred.pid, cred.uid, cred.gid),
        (pid, uid, gid),
        "SO_PEERCRED of {what}"
    );
}

#[test]
fn so_peercred_on_a_socketpair() {
    for ty in [SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET] {
        let (a, b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).unwrap();
        let cred: ucred = getsockopt(&a, SOL_SOCKET, SO_PEERCRED).unwrap();
        assert_own_credentials(cred, "a socketpair end");
        assert_own_credentials(
            getsockopt(&b, SOL_SOCKET, SO_PEERCRED).unwrap(),
            "the other end",
        );
    }
}

/// Both ends of a connected stream: the client sees the listener's credentials (as
/// at `listen`), the accepted end the client's (as at `connect`).
#[test]
fn so_peercred_on_a_connected_unix_stream() {
    let addr = abstract_name(BIN, "so_peercred_on_a_connected_unix_stream");
    let (l, _) = listener_on(AF_UNIX, &addr);
    let client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    connect(&client, &addr).unwrap();
    let (server, _) = accept(&l).unwrap();
    assert_own_credentials(
        getsockopt(&client, SOL_SOCKET, SO_PEERCRED).unwrap(),
        "the client",
    );
    assert_own_credentials(
        getsockopt(&server, SOL_SOCKET, SO_PEERCRED).unwrap(),
        "the server",
    );
    // A listener has credentials too: its own, from `listen`.
    assert_own_credentials(
        getsockopt(&l, SOL_SOCKET, SO_PEERCRED).unwrap(),
        "the listener",
    );
}

/// Where there is no Unix peer (a TCP connection, an unconnected Unix socket) Linux
/// does not fail: it reports pid 0 and uid and gid -1 (`(uid_t)-1`).
#[test]
fn so_peercred_without_a_unix_peer() {
    let (client, _server) = tcp_pair(V4);
    let lone = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    for (fd, what) in [
        (&client, "a TCP socket"),
        (&lone, "an unconnected Unix socket"),
    ] {
        let cred = getsockopt(fd, SOL_SOCKET, SO_PEERCRED).unwrap();
        assert_eq!(
            (cred.pid, cred.uid, cred.gid),
            (0, u32::MAX, u32::MAX),
            "{what}"
        );
    }
    // SAFETY: a `ucred` is three ints: the kernel reads only its 12 bytes.
    let set = unsafe { setsockopt_raw(&lone, SOL_SOCKET, SO_PEERCRED.as_raw(), &[0; 12]) };
    assert_eq!(set, Err(Errno::ENOPROTOOPT));
}

/// socket(7): on Linux the send low-water mark is always 1 and cannot be changed.
#[test]
fn so_sndlowat_reads_one_and_cannot_be_set() {
    let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    for fd in [tcp_socket(V4), udp_socket(V4), a] {
        assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_SNDLOWAT), Ok(1));
        assert_eq!(
            set_raw_int(&fd, SOL_SOCKET, SO_SNDLOWAT.as_raw(), 5),
            Err(Errno::ENOPROTOOPT)
        );
        assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_SNDLOWAT), Ok(1));
    }
}

/// The default is `net.core.busy_read`; 0 and the default may always be set; a
/// negative value is `EINVAL`. (Linux 6.x no longer asks for `CAP_NET_ADMIN` above
/// the sysctl; older kernels did, hence the `EPERM` rule.)
#[test]
fn so_busy_poll_round_trip() {
    let default = proc_int("/proc/sys/net/core/busy_read");
    let fd = udp_socket(V4);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_BUSY_POLL), Ok(default));
    assert_int_steps(&fd, SOL_SOCKET, SO_BUSY_POLL, &[(0, 0), (default, default)]);
    if set_privileged(&fd, SOL_SOCKET, SO_BUSY_POLL, &(default + 50)) {
        assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_BUSY_POLL), Ok(default + 50));
    }
    assert_int_rejected(&fd, SOL_SOCKET, SO_BUSY_POLL, &[-1]);
}

/// A fresh socket has seen no packet: -1. Linux stores whatever is set, checking
/// nothing (not even that the CPU exists), and reads it back.
#[test]
fn so_incoming_cpu_fresh_and_set() {
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_INCOMING_CPU), Ok(-1));
        assert_int_steps(
            &fd,
            SOL_SOCKET,
            SO_INCOMING_CPU,
            &[(0, 0), (1, 1), (-1, -1), (100_000, 100_000), (0, 0)],
        );
    }

    // After traffic, the CPU that processed it: a real CPU number.
    let (client, server) = tcp_pair(V4);
    send(&client, b"x", 0).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(recv(&server, &mut buf, 0), Ok(1));
    // SAFETY: sysconf takes an int and cannot fail for this name.
    let cpus = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_CONF) };
    let cpu = getsockopt(&server, SOL_SOCKET, SO_INCOMING_CPU).unwrap();
    assert!(
        (0..cpus).contains(&libc::c_long::from(cpu)),
        "CPU {cpu} of {cpus}"
    );
}

/// Unbound reads empty; `b"lo"` binds and reads back `b"lo"` (the kernel reports
/// the name with its NUL, the typed form without); an empty value, or a lone NUL,
/// unbinds. Binding needs no capability since Linux 5.7; changing a binding needs
/// `CAP_NET_RAW` (the `EPERM` rule).
#[test]
fn so_bindtodevice_round_trip_and_unbind() {
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        let unbound: OptName = getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE).unwrap();
        assert!(unbound.is_empty(), "{unbound:?}");
        assert_eq!(format!("{unbound:?}"), r#""""#);

        setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"lo").unwrap();
        let name = getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE).unwrap();
        assert_eq!(name, *b"lo");
        assert_eq!(format!("{name:?}"), r#""lo""#);

        if set_privileged(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"") {
            assert!(getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE)
                .unwrap()
                .is_empty());
            setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"lo\0").unwrap();
            assert_eq!(
                getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE).unwrap(),
                *b"lo"
            );
            setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"\0").unwrap();
            assert!(getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE)
                .unwrap()
                .is_empty());
        }
    }

    // Bound to lo, a socket still reaches 127.0.0.1.
    let (l, addr) = listener(V4);
    let c = tcp_socket(V4);
    setsockopt(&c, SOL_SOCKET, SO_BINDTODEVICE, b"lo").unwrap();
    connect(&c, &addr).unwrap();
    let (_conn, peer) = accept(&l).unwrap();
    assert_eq!(peer, getsockname(&c).unwrap());
}

/// A device that does not exist is `ENODEV`. The kernel takes at most 15 bytes of
/// the name (`IFNAMSIZ - 1`), so a 20-byte name is cut to 15 and is `ENODEV` too,
/// not `EINVAL`; bytes after a NUL are not read.
#[test]
fn so_bindtodevice_unknown_and_long_names() {
    let fd = udp_socket(V4);
    assert_eq!(
        setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, b"sockapi-none0"),
        Err(Errno::ENODEV)
    );
    let mut long = [b'X'; 20];
    long[..2].copy_from_slice(b"lo");
    assert_eq!(
        setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, &long),
        Err(Errno::ENODEV)
    );
    assert!(getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE)
        .unwrap()
        .is_empty());

    long[2] = 0;
    setsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE, &long).unwrap();
    assert_eq!(
        getsockopt(&fd, SOL_SOCKET, SO_BINDTODEVICE).unwrap(),
        *b"lo"
    );
}

// ---------------------------------------------------------------------------------------
// IPPROTO_IP and IPPROTO_IPV6
// ---------------------------------------------------------------------------------------

/// With `IP_FREEBIND` a socket may bind an address no interface has (TEST-NET-1,
/// RFC 5737; the bind sends nothing); without it, `EADDRNOTAVAIL` (unless the
/// `net.ipv4.ip_nonlocal_bind` sysctl allows it for everyone).
#[test]
fn ip_freebind_round_trip_and_nonlocal_bind() {
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_boolean(&fd, IPPROTO_IP, IP_FREEBIND);
    }

    // The foreign address is bound (nothing is sent) inside a network namespace this
    // thread makes for itself, where no interface is up and no route leads anywhere.
    let done = std::thread::spawn(|| {
        // SAFETY: unshare takes flags only; it moves this thread alone into a new,
        // empty network namespace.
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
            let e = Errno::last();
            if std::env::var_os("CI").is_some() {
                panic!("unshare(CLONE_NEWNET): {e}; CI is set, so this test does not skip");
            }
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped the foreign bind: unshare(CLONE_NEWNET): {e} (needs CAP_SYS_ADMIN)"
            );
            return;
        }
        let foreign = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 0);
        let free = udp_socket(V4);
        setsockopt(&free, SOL_IP, IP_FREEBIND, &1).unwrap();
        bind(&free, &foreign).unwrap();
        assert_eq!(
            getsockname(&free)
                .unwrap()
                .as_socket_ipv4()
                .map(|a| *a.ip()),
            Some(*foreign.ip())
        );
    });
    done.join().unwrap();
}

/// Turning it on needs `CAP_NET_ADMIN` or `CAP_NET_RAW` (the `EPERM` rule); turning
/// it off needs nothing.
#[test]
fn ip_transparent_round_trip_or_eperm() {
    for fd in [tcp_socket(V4), udp_socket(V4)] {
        assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_TRANSPARENT), Ok(0));
        if set_privileged(&fd, IPPROTO_IP, IP_TRANSPARENT, &1) {
            assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_TRANSPARENT), Ok(1));
        }
        setsockopt(&fd, IPPROTO_IP, IP_TRANSPARENT, &0).unwrap();
        assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_TRANSPARENT), Ok(0));
        if set_privileged(&fd, IPPROTO_IP, IP_TRANSPARENT, &9) {
            assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_TRANSPARENT), Ok(1));
        }
    }
}

#[test]
fn ip_recverr_round_trip() {
    for fd in [udp_socket(V4), tcp_socket(V4)] {
        assert_boolean(&fd, IPPROTO_IP, IP_RECVERR);
    }
}

/// The default is `IP_PMTUDISC_WANT` (or `_DONT` if `net.ipv4.ip_no_pmtu_disc` is
/// set); every mode reads back as set. Linux also takes 4 and 5
/// (`IP_PMTUDISC_INTERFACE`, `_OMIT`); 6 and negative values are `EINVAL`.
#[test]
fn ip_mtu_discover_modes() {
    let default = if proc_int("/proc/sys/net/ipv4/ip_no_pmtu_disc") == 0 {
        IP_PMTUDISC_WANT
    } else {
        IP_PMTUDISC_DONT
    };
    assert_eq!(
        (
            IP_PMTUDISC_DONT,
            IP_PMTUDISC_WANT,
            IP_PMTUDISC_DO,
            IP_PMTUDISC_PROBE
        ),
        (0, 1, 2, 3)
    );
    for fd in [udp_socket(V4), tcp_socket(V4)] {
        assert_eq!(getsockopt(&fd, IPPROTO_IP, IP_MTU_DISCOVER), Ok(default));
        assert_int_steps(
            &fd,
            IPPROTO_IP,
            IP_MTU_DISCOVER,
            &[
                (IP_PMTUDISC_DO, IP_PMTUDISC_DO),
                (IP_PMTUDISC_DONT, IP_PMTUDISC_DONT),
                (IP_PMTUDISC_PROBE, IP_PMTUDISC_PROBE),
                (4, 4),
                (5, 5),
                (IP_PMTUDISC_WANT, IP_PMTUDISC_WANT),
            ],
        );
        assert_int_rejected(&fd, IPPROTO_IP, IP_MTU_DISCOVER, &[6, -1]);
    }
}

/// `ENOTCONN` until the socket is connected; then the route's MTU, which Linux caps
/// at `IP_MAX_MTU` (65535): loopback's 65536 reads 65535. Read-only: setting it is
/// `ENOPROTOOPT`.
#[test]
fn ip_mtu_needs_a_connected_socket() {
    let lo_mtu: c_int = proc_int("/sys/class/net/lo/mtu");
    let expect = lo_mtu.min(65535);

    let u = udp_socket(V4);
    assert_eq!(getsockopt(&u, IPPROTO_IP, IP_MTU), Err(Errno::ENOTCONN));
    let peer = udp_socket(V4);
    bind(&peer, &V4).unwrap();
    connect(&u, &getsockname(&peer).unwrap()).unwrap();
    let mtu: c_int = getsockopt(&u, IPPROTO_IP, IP_MTU).unwrap();
    assert_eq!(mtu, expect);
    assert_eq!(
        set_raw_int(&u, SOL_IP, IP_MTU.as_raw(), 1000),
        Err(Errno::ENOPROTOOPT)
    );

    let t = tcp_socket(V4);
    assert_eq!(getsockopt(&t, IPPROTO_IP, IP_MTU), Err(Errno::ENOTCONN));
    let (client, server) = tcp_pair(V4);
    assert_eq!(getsockopt(&client, IPPROTO_IP, IP_MTU), Ok(expect));
    assert_eq!(getsockopt(&server, IPPROTO_IP, IP_MTU), Ok(expect));
}

#[test]
fn ipv6_recverr_round_trip() {
    let Some(fd) = v6_socket(SOCK_DGRAM) else {
        return;
    };
    assert_boolean(&fd, IPPROTO_IPV6, IPV6_RECVERR);
    assert_int_steps(&fd, SOL_IPV6, IPV6_RECVERR, &[(1, 1)]);

    // The IPv6 level on an IPv4 socket: no such level there.
    let v4 = udp_socket(V4);
    assert_eq!(
        setsockopt(&v4, IPPROTO_IPV6, IPV6_RECVERR, &1),
        Err(Errno::ENOPROTOOPT)
    );
}

// ---------------------------------------------------------------------------------------
// Without capabilities
// ---------------------------------------------------------------------------------------

/// Whether this process holds `CAP_NET_ADMIN` (12) or `CAP_NET_RAW` (13), from the
/// `CapEff` line of /proc/self/status.
fn has_net_capability() -> bool {
    let status = proc_string("/proc/self/status");
    let hex = status
        .lines()
        .find_map(|line| line.strip_prefix("CapEff:"))
        .expect("CapEff in /proc/self/status")
        .trim();
    let caps = u64::from_str_radix(hex, 16).unwrap_or_else(|e| panic!("CapEff {hex:?}: {e}"));
    caps & (1 << 12 | 1 << 13) != 0
}

const UNPRIVILEGED_TEST: &str = "without_capabilities_the_privileged_sets_fail_with_eperm";

/// As root, runs this very test again as `nobody`, which holds no capability; without
/// the capabilities, asserts the `EPERM`s that the tests above accept.
#[test]
fn without_capabilities_the_privileged_sets_fail_with_eperm() {
    use std::os::unix::process::CommandExt;

    if has_net_capability() {
        if !is_root() {
            println!("skipped: not root, yet holds CAP_NET_ADMIN or CAP_NET_RAW");
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let output = std::process::Command::new(&exe)
            .args([
                UNPRIVILEGED_TEST,
                "--exact",
                "--test-threads=1",
                "--nocapture",
            ])
            .uid(65534)
            .gid(65534)
            .output();
        let output = match output {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                println!("skipped: nobody may not run {}: {e}", exe.display());
                return;
            }
            Err(e) => panic!("run {} as nobody: {e}", exe.display()),
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "as nobody: {}\n{stdout}\n{stderr}",
            output.status
        );
        assert!(!stdout.contains("skipped"), "{stdout}");
        return;
    }

    let fd = tcp_socket(V4);
    assert_eq!(setsockopt(&fd, SOL_SOCKET, SO_MARK, &42), Err(Errno::EPERM));
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_MARK), Ok(0));

    assert_eq!(setsockopt(&fd, SOL_SOCKET, SO_PRIORITY, &6), Ok(()));
    assert_eq!(
        setsockopt(&fd, SOL_SOCKET, SO_PRIORITY, &7),
        Err(Errno::EPERM)
    );
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_PRIORITY), Ok(6));

    let u = udp_socket(V4);
    assert_eq!(
        setsockopt(&u, IPPROTO_IP, IP_TRANSPARENT, &1),
        Err(Errno::EPERM)
    );
    assert_eq!(setsockopt(&u, IPPROTO_IP, IP_TRANSPARENT, &0), Ok(()));

    // Since Linux 5.7 an unbound socket may bind; changing the binding needs
    // CAP_NET_RAW, and so does unbinding.
    setsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE, b"lo").unwrap();
    assert_eq!(
        setsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE, b"lo"),
        Err(Errno::EPERM)
    );
    assert_eq!(
        setsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE, b""),
        Err(Errno::EPERM)
    );
    assert_eq!(getsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE).unwrap(), *b"lo");

    // An algorithm that is loaded but not in the allowed list needs CAP_NET_ADMIN;
    // reno is always allowed.
    setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, b"reno").unwrap();
    let available = proc_string("/proc/sys/net/ipv4/tcp_available_congestion_control");
    let allowed = proc_string("/proc/sys/net/ipv4/tcp_allowed_congestion_control");
    let allowed: Vec<&str> = allowed.split_whitespace().collect();
    match available
        .split_whitespace()
        .find(|name| !allowed.contains(name))
    {
        Some(name) => assert_eq!(
            setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, name.as_bytes()),
            Err(Errno::EPERM),
            "{name}"
        ),
        None => println!("TCP_CONGESTION: every available algorithm is allowed; not checked"),
    }
}

/// Typed `let`s pin the value type of each option at compile time.
#[test]
fn option_value_types() {
    let t = tcp_socket(V4);
    let _: AddressFamily = getsockopt(&t, SOL_SOCKET, SO_DOMAIN).unwrap();
    let _: Protocol = getsockopt(&t, SOL_SOCKET, SO_PROTOCOL).unwrap();
    let _: ucred = getsockopt(&t, SOL_SOCKET, SO_PEERCRED).unwrap();
    let _: OptName = getsockopt(&t, SOL_SOCKET, SO_BINDTODEVICE).unwrap();
    let _: OptName = getsockopt(&t, IPPROTO_TCP, TCP_CONGESTION).unwrap();
    let _: c_int = getsockopt(&t, SOL_SOCKET, SO_SNDLOWAT).unwrap();
    let _: SockOpt<c_int, ReadOnly> = IP_MTU;
    let _: SockOpt<[u8], ReadWrite> = SO_BINDTODEVICE;
    let _: SockOpt<ucred, ReadOnly> = SO_PEERCRED;
    assert_eq!(SO_BINDTODEVICE.as_raw(), libc::SO_BINDTODEVICE);
    assert_eq!(TCP_CONGESTION.name(), "TCP_CONGESTION");
    assert_eq!(format!("{IP_MTU_DISCOVER:?}"), "IP_MTU_DISCOVER");
}
