//! `tcp_state_of` and `tcp_state_in` on real loopback connections: each state read
//! from both of the kernel's tables (sock_diag and /proc/net/tcp), which must agree,
//! and the errors that come before any syscall.
//!
//! Every wait is a bounded poll loop (a count and a deadline) on the table itself:
//! no sleep stands in for synchronisation.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};
use std::time::Instant;

use sockapi::*;

mod common;
use common::{
    closed_port, in_new_netns, listener, port_of, tcp_pair, tcp_socket, TIMEOUT_DURATION, V4, V6,
};

const TABLES: [TcpTable; 2] = [TcpTable::SockDiag, TcpTable::Proc];

/// The most lookups one wait makes (the deadline, [`TIMEOUT_DURATION`], comes first
/// on a slow machine).
const MAX_TRIES: usize = 100_000;

/// Asks `table` until it says `want`, at most [`MAX_TRIES`] times and for
/// [`TIMEOUT_DURATION`]; returns the last answer.
fn wait_for(
    table: TcpTable,
    local: &SockAddr,
    peer: &SockAddr,
    want: Option<TcpState>,
) -> Result<Option<TcpState>> {
    let deadline = Instant::now() + TIMEOUT_DURATION;
    let mut last = tcp_state_in(table, local, peer);
    for _ in 0..MAX_TRIES {
        if last == Ok(want) || Instant::now() >= deadline {
            break;
        }
        std::thread::yield_now();
        last = tcp_state_in(table, local, peer);
    }
    last
}

/// Both tables, and `tcp_state_of`, say `want` for `local`→`peer` (waiting for each
/// to get there).
fn assert_state(local: &SockAddr, peer: &SockAddr, want: Option<TcpState>) {
    for table in TABLES {
        assert_eq!(
            wait_for(table, local, peer, want),
            Ok(want),
            "{table}: {local} -> {peer}"
        );
    }
    assert_eq!(tcp_state_of(local, peer), Ok(want), "{local} -> {peer}");
}

/// Both tables and `tcp_state_of` fail with `errno` for `local`→`peer`.
fn assert_error<L: ToSockAddr + ?Sized, P: ToSockAddr + ?Sized>(local: &L, peer: &P, errno: Errno) {
    for table in TABLES {
        assert_eq!(tcp_state_in(table, local, peer), Err(errno), "{table}");
    }
    assert_eq!(tcp_state_of(local, peer), Err(errno));
}

/// The unspecified address and port 0 of `ip`'s family: a listener's peer in the
/// table.
fn unspecified(ip: SocketAddr) -> SockAddr {
    let mut any = ip;
    any.set_ip(match ip {
        SocketAddr::V4(_) => std::net::Ipv4Addr::UNSPECIFIED.into(),
        SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    });
    any.set_port(0);
    SockAddr::from(any)
}

/// A connection over `ip` brought to `TIME_WAIT` on the client's side, the end that
/// closes first: the client shuts down its writing side, the server reads the end
/// and closes, the client reads the end (by then its connection is in `TIME_WAIT`,
/// and its socket reports `TCP_CLOSE`) and closes. Returns the listener (kept open)
/// and the connection's ends, as the client saw them.
fn time_wait(ip: SocketAddr) -> (Socket, SockAddr, SockAddr) {
    let (l, addr) = listener(ip);
    let client = tcp_socket(ip);
    common::set_timeouts(&client);
    connect(&client, &addr).unwrap();
    let (server, _) = accept(&l).unwrap();
    common::set_timeouts(&server);
    let (local, peer) = (getsockname(&client).unwrap(), getpeername(&client).unwrap());
    assert_state(&local, &peer, Some(TCP_ESTABLISHED));

    shutdown(&client, SHUT_WR).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
    close(server).unwrap();
    assert_eq!(recv(&client, &mut buf, 0), Ok(0));
    // The socket is open, but its connection has moved to a timewait record.
    assert_state(&local, &peer, Some(TCP_TIME_WAIT));
    close(client).unwrap();
    (l, local, peer)
}

#[test]
fn time_wait_shows_in_both_tables() {
    let (l, local, peer) = time_wait(V4);
    assert_state(&local, &peer, Some(TCP_TIME_WAIT));
    // The server's end closed second: once its last ACK is in, it has left the table.
    // Its local port has a listener, which sock_diag's exact lookup reports in its
    // place; that is not this connection.
    assert_state(&peer, &local, None);
    drop(l);
}

#[test]
fn time_wait_over_ipv6() {
    let (l, local, peer) = time_wait(V6);
    assert_state(&local, &peer, Some(TCP_TIME_WAIT));
    assert_state(&peer, &local, None);
    drop(l);
}

#[test]
fn established_from_both_ends() {
    for ip in [V4, V6] {
        let (client, server) = tcp_pair(ip);
        let (c_local, c_peer) = (getsockname(&client).unwrap(), getpeername(&client).unwrap());
        let (s_local, s_peer) = (getsockname(&server).unwrap(), getpeername(&server).unwrap());
        assert_eq!((&c_local, &c_peer), (&s_peer, &s_local));
        assert_state(&c_local, &c_peer, Some(TCP_ESTABLISHED));
        assert_state(&s_local, &s_peer, Some(TCP_ESTABLISHED));
        // std's addresses work as well as the SockAddr.
        let (std_local, std_peer): (SocketAddr, SocketAddr) =
            (c_local.try_into().unwrap(), c_peer.try_into().unwrap());
        assert_eq!(
            tcp_state_of(&std_local, &std_peer),
            Ok(Some(TCP_ESTABLISHED))
        );
    }
}

#[test]
fn half_closed_states() {
    let (client, server) = tcp_pair(V4);
    let (local, peer) = (getsockname(&client).unwrap(), getpeername(&client).unwrap());
    shutdown(&client, SHUT_WR).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
    // The client's FIN is in and acknowledged: FIN_WAIT2 here, CLOSE_WAIT there.
    assert_state(&local, &peer, Some(TCP_FIN_WAIT2));
    assert_state(&peer, &local, Some(TCP_CLOSE_WAIT));
}

/// A socket bound to a device is found by the kernel's exact lookup only with that
/// device: sock_diag's dump finds it, as /proc lists it.
#[test]
fn device_bound_connection_is_found() {
    let (l, addr) = listener(V4);
    let client = tcp_socket(V4);
    // Binding an unbound socket needs no privilege (Linux 5.7 and later).
    if let Err(e) = setsockopt(&client, SOL_SOCKET, SO_BINDTODEVICE, b"lo") {
        assert!(std::env::var_os("CI").is_none(), "SO_BINDTODEVICE: {e}");
        eprintln!("skipped: SO_BINDTODEVICE: {e}");
        return;
    }
    connect(&client, &addr).unwrap();
    let (_server, _) = accept(&l).unwrap();
    let (local, peer) = (getsockname(&client).unwrap(), getpeername(&client).unwrap());
    assert_state(&local, &peer, Some(TCP_ESTABLISHED));
}

#[test]
fn listener_is_listen_with_the_unspecified_peer() {
    for ip in [V4, V6] {
        let (l, addr) = listener(ip);
        assert_state(&addr, &unspecified(ip), Some(TCP_LISTEN));
        drop(l);
        assert_state(&addr, &unspecified(ip), None);
    }
}

#[test]
fn unknown_connections_are_none() {
    for ip in [V4, V6] {
        // Two ports nothing uses.
        let (a, b) = (closed_port(ip), closed_port(ip));
        assert_state(&a, &b, None);
        // On a listening port, a peer that never connected: sock_diag's exact lookup
        // answers with the listener, which is not this connection.
        let (l, addr) = listener(ip);
        assert_state(&addr, &b, None);
        // Port 0 is no wildcard, nor is the unspecified address.
        assert_state(&addr, &SockAddr::from(ip), None);
        let mut any_port = unspecified(ip).as_socket().unwrap();
        any_port.set_port(port_of(&addr));
        assert_state(&SockAddr::from(any_port), &unspecified(ip), None);
        drop(l);
    }
}

/// A dual-stack IPv6 socket talking IPv4 is in the IPv6 table under its v4-mapped
/// addresses, and an IPv4 socket is in the IPv4 table only: each is found under
/// what its own getsockname and getpeername say, and not under the other form.
#[test]
fn v4_mapped_connection_is_in_the_ipv6_table() {
    let mapped = std::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped();
    let l = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    setsockopt(&l, IPPROTO_IPV6, IPV6_V6ONLY, &0).unwrap();
    bind(&l, &SocketAddrV6::new(mapped, 0, 0, 0)).unwrap();
    listen(&l, 5).unwrap();
    let port = port_of(&getsockname(&l).unwrap());
    let client = tcp_socket(V4);
    connect(&client, &SocketAddr::from(([127, 0, 0, 1], port))).unwrap();
    let (server, _) = accept(&l).unwrap();

    let (s_local, s_peer) = (getsockname(&server).unwrap(), getpeername(&server).unwrap());
    assert_eq!(s_local.family(), AF_INET6);
    assert_state(&s_local, &s_peer, Some(TCP_ESTABLISHED));
    let (c_local, c_peer) = (getsockname(&client).unwrap(), getpeername(&client).unwrap());
    assert_eq!(c_local.family(), AF_INET);
    assert_state(&c_local, &c_peer, Some(TCP_ESTABLISHED));

    // The other form of the same ends names no socket.
    let v4 = |a: &SockAddr| {
        let v6 = a.as_socket_ipv6().unwrap();
        SockAddr::from(SocketAddr::from((
            v6.ip().to_ipv4_mapped().unwrap(),
            v6.port(),
        )))
    };
    let v6 = |a: &SockAddr| {
        let v4 = a.as_socket_ipv4().unwrap();
        SockAddr::from(SocketAddrV6::new(v4.ip().to_ipv6_mapped(), v4.port(), 0, 0))
    };
    assert_state(&v4(&s_local), &v4(&s_peer), None);
    assert_state(&v6(&c_local), &v6(&c_peer), None);
}

#[test]
fn unix_addresses_are_eafnosupport() {
    let path = SockAddr::unix("/tmp/sockapi-tcp-diag-unused").unwrap();
    let inet = SockAddr::from(V4);
    assert_error(&path, &path, Errno::EAFNOSUPPORT);
    // Before the families are compared.
    assert_error(&path, &inet, Errno::EAFNOSUPPORT);
    assert_error(&inet, &path, Errno::EAFNOSUPPORT);
    assert_error(&SockAddr::unnamed(), &inet, Errno::EAFNOSUPPORT);
}

#[test]
fn mixed_families_are_einval() {
    assert_error(&V4, &V6, Errno::EINVAL);
    assert_error(&V6, &V4, Errno::EINVAL);
}

#[test]
fn short_addresses_are_einval() {
    // AF_INET and a port, without the address.
    let family = (libc::AF_INET as sys::sa_family_t).to_ne_bytes();
    let short = SockAddr::from_bytes(&[family[0], family[1], 0x13, 0x88]).unwrap();
    assert_error(&short, &V4, Errno::EINVAL);
    assert_error(&V4, &short, Errno::EINVAL);
}

#[test]
fn c_structs_work_as_addresses() {
    let (client, _server) = tcp_pair(V4);
    let local = getsockname(&client).unwrap().as_sockaddr_in().unwrap();
    let peer = getpeername(&client).unwrap().as_sockaddr_in().unwrap();
    for table in TABLES {
        assert_eq!(
            tcp_state_in(table, &local, &peer),
            Ok(Some(TCP_ESTABLISHED))
        );
    }
}

/// Each table is read in the calling thread's network namespace, where a thread
/// that moved to its own sees only that namespace's sockets: sock_diag's socket is
/// made there, and /proc is read through `/proc/thread-self`, not the process's
/// `/proc/net`.
#[test]
fn tables_are_the_calling_threads_namespace() {
    let seen = in_new_netns(|| {
        // The namespace's `lo` is down, and nothing outside can reach it: the
        // wildcard address is the one to listen on.
        let any = SocketAddr::from(([0, 0, 0, 0], 0));
        let (l, addr) = listener(any);
        let states = TABLES.map(|table| tcp_state_in(table, &addr, &unspecified(any)));
        drop(l);
        states
    });
    if let Some(states) = seen {
        assert_eq!(states, [Ok(Some(TCP_LISTEN)), Ok(Some(TCP_LISTEN))]);
    }
}

/// The tables hold what the C library's own calls report: a state read from the
/// socket (`TCP_INFO`'s `tcpi_state`, here through the raw option) agrees with the
/// table while the connection is in its socket.
#[test]
fn tables_agree_with_the_sockets_own_state() {
    let (client, server) = tcp_pair(V4);
    let (local, peer) = (getsockname(&client).unwrap(), getpeername(&client).unwrap());
    let own_state = |fd: &Socket| {
        let mut info = [0u8; 8];
        // SAFETY: TCP_INFO is read into plain bytes; the kernel follows no pointer.
        unsafe { getsockopt_raw(fd, IPPROTO_TCP, libc::TCP_INFO, &mut info) }.unwrap();
        TcpState::from_raw(info[0])
    };
    assert_eq!(own_state(&client), TCP_ESTABLISHED);
    assert_eq!(tcp_state_of(&local, &peer), Ok(Some(own_state(&client))));
    assert_eq!(tcp_state_of(&peer, &local), Ok(Some(own_state(&server))));
}

#[test]
fn tables_display_and_debug() {
    assert_eq!(TcpTable::SockDiag.to_string(), "sock_diag");
    assert_eq!(TcpTable::Proc.to_string(), "/proc/net/tcp");
    assert_eq!(format!("{:?}", TcpTable::SockDiag), "SockDiag");
    assert_eq!(format!("{:?}", TcpTable::Proc), "Proc");
}
