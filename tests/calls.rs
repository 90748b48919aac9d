//! Every call on its happy path, on real sockets over loopback: IPv4, IPv6, `AF_UNIX`
//! paths and Linux abstract names; the `impl AsFd` argument with each kind of
//! descriptor; and the conversions between `Socket` and std's socket types.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{
    abstract_name, family_of, is_cloexec, is_nonblocking, listener, listener_on, set_timeouts,
    tcp_pair, tcp_socket, udp_socket, TempDir, V4, V6,
};

/// The prefix of this binary's temp dirs and abstract names.
const BIN: &str = "calls";

/// Sends all of `buf`, as many `send` calls as it takes (bounded).
fn send_all(fd: impl AsFd, buf: &[u8]) {
    let mut sent = 0;
    for _ in 0..=buf.len() {
        if sent == buf.len() {
            return;
        }
        let n = send(&fd, &buf[sent..], 0).unwrap();
        assert!(n > 0, "send returned 0");
        sent += n;
    }
    panic!(
        "send_all: {sent} of {} bytes after the loop bound",
        buf.len()
    );
}

/// Receives exactly `len` bytes (bounded); fails on an early end-of-file.
fn recv_exact(fd: impl AsFd, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    let mut got = 0;
    for _ in 0..=len {
        if got == len {
            return buf;
        }
        let n = recv(&fd, &mut buf[got..], 0).unwrap();
        assert!(n > 0, "end-of-file after {got} of {len} bytes");
        got += n;
    }
    panic!("recv_exact: {got} of {len} bytes after the loop bound");
}

/// One `recv` into a buffer of `cap` bytes: the bytes it returned.
fn recv_once(fd: &impl AsFd, cap: usize) -> Vec<u8> {
    let mut buf = vec![0u8; cap];
    let n = recv(fd, &mut buf, 0).unwrap();
    buf.truncate(n);
    buf
}

/// One message each way between two connected sockets.
fn exchange(a: impl AsFd, b: impl AsFd) {
    send_all(a.as_fd(), b"ping");
    assert_eq!(recv_exact(b.as_fd(), 4), b"ping");
    send_all(b.as_fd(), b"pong!");
    assert_eq!(recv_exact(a.as_fd(), 5), b"pong!");
}

// ---------------------------------------------------------------------------------
// socket

#[test]
fn socket_creates_each_family_and_type() {
    let cases = [
        (AF_INET, SOCK_STREAM),
        (AF_INET, SOCK_DGRAM),
        (AF_INET6, SOCK_STREAM),
        (AF_INET6, SOCK_DGRAM),
        (AF_UNIX, SOCK_STREAM),
        (AF_UNIX, SOCK_DGRAM),
        (AF_UNIX, SOCK_SEQPACKET),
    ];
    for (domain, ty) in cases {
        let fd = socket(domain, ty | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(
            getsockopt(&fd, SOL_SOCKET, SO_TYPE).unwrap(),
            ty,
            "{domain:?}"
        );
        assert_eq!(getsockname(&fd).unwrap().family(), domain, "{ty:?}");
    }
}

#[test]
fn socket_with_explicit_protocol() {
    let tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP).unwrap();
    assert_eq!(getsockopt(&tcp, SOL_SOCKET, SO_TYPE).unwrap(), SOCK_STREAM);
    let udp = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP).unwrap();
    assert_eq!(getsockopt(&udp, SOL_SOCKET, SO_TYPE).unwrap(), SOCK_DGRAM);
}

#[test]
fn socket_cloexec_sets_fd_cloexec_only() {
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert!(is_cloexec(&fd));
    assert!(!is_nonblocking(&fd));
}

#[test]
fn socket_nonblock_sets_o_nonblock() {
    let fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
    assert!(is_nonblocking(&fd));
    assert!(is_cloexec(&fd));
    let flags = fcntl(&fd, F_GETFL).unwrap();
    assert!(flags.contains(O_RDWR), "{flags:?}");
}

#[test]
fn socket_without_cloexec_adds_nothing() {
    // Deliberately without SOCK_CLOEXEC: the point is that the crate adds no flag. The
    // descriptor lives only for these two checks.
    let fd = socket(AF_INET, SOCK_STREAM, 0).unwrap();
    assert!(!is_cloexec(&fd));
    assert!(!is_nonblocking(&fd));
    let fd = socket(AF_UNIX, SOCK_DGRAM, 0).unwrap();
    assert!(!is_cloexec(&fd));
}

// ---------------------------------------------------------------------------------
// socketpair

#[test]
fn socketpair_stream_both_ways() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_ne!(a.as_raw_fd(), b.as_raw_fd());
    assert!(is_cloexec(&a) && is_cloexec(&b));
    assert_eq!(getsockopt(&a, SOL_SOCKET, SO_TYPE).unwrap(), SOCK_STREAM);
    exchange(&a, &b);
    exchange(&b, &a);
}

#[test]
fn socketpair_dgram_keeps_message_boundaries() {
    let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    set_timeouts(&a);
    set_timeouts(&b);
    assert_eq!(getsockopt(&b, SOL_SOCKET, SO_TYPE).unwrap(), SOCK_DGRAM);
    assert_eq!(send(&a, b"one", 0).unwrap(), 3);
    assert_eq!(send(&a, b"three", 0).unwrap(), 5);
    assert_eq!(recv_once(&b, 64), b"one");
    assert_eq!(recv_once(&b, 64), b"three");
    assert_eq!(send(&b, b"back", 0).unwrap(), 4);
    assert_eq!(recv_once(&a, 64), b"back");
}

#[test]
fn socketpair_nonblock_flag() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
    assert!(is_nonblocking(&a) && is_nonblocking(&b));
    let mut buf = [0u8; 4];
    assert_eq!(recv(&a, &mut buf, 0), Err(Errno::EAGAIN));
}

// ---------------------------------------------------------------------------------
// bind, listen, accept, connect, getsockname, getpeername

fn check_tcp_accept(ip: SocketAddr) {
    let (listener, listen_addr) = listener(ip);
    assert_eq!(listen_addr.family(), family_of(&ip));
    let listen_ip = listen_addr.as_socket().unwrap();
    assert_eq!(listen_ip.ip(), ip.ip());
    assert_ne!(listen_ip.port(), 0, "the kernel picks a port for port 0");
    assert_eq!(getsockopt(&listener, SOL_SOCKET, SO_ACCEPTCONN).unwrap(), 1);

    let client = tcp_socket(ip);
    set_timeouts(&client);
    connect(&client, &listen_addr).unwrap();
    let (server, peer) = accept(&listener).unwrap();
    set_timeouts(&server);

    let client_local = getsockname(&client).unwrap();
    assert_eq!(peer, client_local);
    assert_eq!(getpeername(&server).unwrap(), client_local);
    assert_eq!(getpeername(&client).unwrap(), listen_addr);
    assert_eq!(getsockname(&server).unwrap(), listen_addr);
    assert_eq!(getsockopt(&server, SOL_SOCKET, SO_ACCEPTCONN).unwrap(), 0);
    assert!(!is_nonblocking(&server), "accept adds no flag");
    assert!(!is_cloexec(&server), "accept adds no flag");
    exchange(&client, &server);
}

#[test]
fn tcp_accept_v4() {
    check_tcp_accept(V4);
}

#[test]
fn tcp_accept_v6() {
    check_tcp_accept(V6);
}

fn check_accept4(ip: SocketAddr) {
    let (listener, addr) = listener(ip);
    let c1 = tcp_socket(ip);
    connect(&c1, &addr).unwrap();
    let c2 = tcp_socket(ip);
    connect(&c2, &addr).unwrap();

    let (s1, peer1) = accept4(&listener, SOCK_NONBLOCK | SOCK_CLOEXEC).unwrap();
    assert_eq!(peer1, getsockname(&c1).unwrap());
    assert!(is_nonblocking(&s1));
    assert!(is_cloexec(&s1));
    let mut buf = [0u8; 8];
    assert_eq!(recv(&s1, &mut buf, 0), Err(Errno::EAGAIN));

    let (s2, peer2) = accept4(&listener, 0).unwrap();
    assert_eq!(peer2, getsockname(&c2).unwrap());
    assert!(!is_nonblocking(&s2));
    assert!(!is_cloexec(&s2));
    set_timeouts(&s2);
    exchange(&c2, &s2);
}

#[test]
fn accept4_flags_v4() {
    check_accept4(V4);
}

#[test]
fn accept4_flags_v6() {
    check_accept4(V6);
}

#[test]
fn accept4_single_flags() {
    let (listener, addr) = listener(V4);
    let c1 = tcp_socket(V4);
    connect(&c1, &addr).unwrap();
    let c2 = tcp_socket(V4);
    connect(&c2, &addr).unwrap();
    let (s1, _) = accept4(&listener, SOCK_CLOEXEC).unwrap();
    assert!(is_cloexec(&s1) && !is_nonblocking(&s1));
    let (s2, _) = accept4(&listener, SOCK_NONBLOCK).unwrap();
    assert!(!is_cloexec(&s2) && is_nonblocking(&s2));
}

#[test]
fn unix_path_bind_connect_accept() {
    let dir = TempDir::new(BIN, "unix_path_bind_connect_accept");
    let path = dir.path("server.sock");
    let addr = SockAddr::unix(&path).unwrap();
    let (listener, local) = listener_on(AF_UNIX, &addr);
    assert_eq!(local, addr);
    assert_eq!(local.as_unix_path(), Some(path.as_path()));
    assert!(path.exists(), "bind creates the socket file");

    let client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    set_timeouts(&client);
    connect(&client, &addr).unwrap();
    let (server, peer) = accept(&listener).unwrap();
    set_timeouts(&server);

    // The client never bound, so both sides see it unnamed.
    let client_local = getsockname(&client).unwrap();
    assert!(client_local.is_unnamed(), "{client_local:?}");
    assert_eq!(peer, client_local);
    assert_eq!(getpeername(&server).unwrap(), client_local);
    assert_eq!(getpeername(&client).unwrap(), addr);
    assert_eq!(getsockname(&server).unwrap(), addr);
    exchange(&client, &server);
}

#[test]
fn unix_path_client_bound_too() {
    let dir = TempDir::new(BIN, "unix_path_client_bound_too");
    let server_addr = SockAddr::unix(dir.path("s")).unwrap();
    let client_addr = SockAddr::unix(dir.path("c")).unwrap();
    let (listener, _) = listener_on(AF_UNIX, &server_addr);
    let client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&client, &client_addr).unwrap();
    connect(&client, &server_addr).unwrap();
    let (server, peer) = accept(&listener).unwrap();
    assert_eq!(peer, client_addr);
    assert_eq!(getpeername(&server).unwrap(), client_addr);
    assert_eq!(getsockname(&client).unwrap(), client_addr);
}

#[test]
fn unix_dgram_path_send_recv() {
    let dir = TempDir::new(BIN, "unix_dgram_path_send_recv");
    let a_addr = SockAddr::unix(dir.path("a")).unwrap();
    let b_addr = SockAddr::unix(dir.path("b")).unwrap();
    let a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    let b = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    set_timeouts(&a);
    set_timeouts(&b);
    bind(&a, &a_addr).unwrap();
    bind(&b, &b_addr).unwrap();
    connect(&a, &b_addr).unwrap();
    connect(&b, &a_addr).unwrap();
    assert_eq!(getpeername(&a).unwrap(), b_addr);
    assert_eq!(getpeername(&b).unwrap(), a_addr);
    assert_eq!(send(&a, b"datagram", 0).unwrap(), 8);
    assert_eq!(recv_once(&b, 32), b"datagram");
    assert_eq!(send(&b, b"reply", 0).unwrap(), 5);
    assert_eq!(recv_once(&a, 32), b"reply");
}

#[test]
fn unix_abstract_bind_connect_accept() {
    let addr = abstract_name(BIN, "unix_abstract_bind_connect_accept");
    let (listener, local) = listener_on(AF_UNIX, &addr);
    assert_eq!(local, addr);
    assert_eq!(
        local.as_abstract_name(),
        Some(
            format!(
                "sockapi-calls-{}-unix_abstract_bind_connect_accept",
                std::process::id()
            )
            .as_bytes()
        )
    );
    let client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    set_timeouts(&client);
    connect(&client, &addr).unwrap();
    let (server, peer) = accept(&listener).unwrap();
    set_timeouts(&server);
    assert_eq!(peer, getsockname(&client).unwrap());
    assert!(peer.is_unnamed());
    assert_eq!(getpeername(&client).unwrap(), addr);
    exchange(&server, &client);
}

#[test]
fn unix_autobind_gives_abstract_name() {
    // Binding the unnamed address asks Linux to pick an abstract name (5 hex digits).
    let fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, &SockAddr::unnamed()).unwrap();
    let local = getsockname(&fd).unwrap();
    let name = local.as_abstract_name().expect("an abstract name");
    assert_eq!(name.len(), 5, "{local:?}");
    assert!(name.iter().all(u8::is_ascii_hexdigit), "{local:?}");
}

fn check_udp(ip: SocketAddr) {
    let a = udp_socket(ip);
    let b = udp_socket(ip);
    set_timeouts(&a);
    set_timeouts(&b);
    bind(&a, &ip).unwrap();
    bind(&b, &ip).unwrap();
    let a_addr = getsockname(&a).unwrap();
    let b_addr = getsockname(&b).unwrap();
    connect(&a, &b_addr).unwrap();
    connect(&b, &a_addr).unwrap();
    assert_eq!(getpeername(&a).unwrap(), b_addr);
    assert_eq!(send(&a, b"hello udp", 0).unwrap(), 9);
    assert_eq!(recv_once(&b, 64), b"hello udp");
    assert_eq!(send(&b, b"", 0).unwrap(), 0);
    assert_eq!(recv_once(&a, 64), b"", "an empty datagram");
}

#[test]
fn udp_connected_v4() {
    check_udp(V4);
}

#[test]
fn udp_connected_v6() {
    check_udp(V6);
}

// ---------------------------------------------------------------------------------
// send, recv

fn check_peek(ip: SocketAddr) {
    let (client, server) = tcp_pair(ip);
    send_all(&client, b"hello");
    let mut buf = [0u8; 16];
    // MSG_WAITALL makes the peek wait for all 5 bytes, should they arrive in parts.
    assert_eq!(
        recv(&server, &mut buf[..5], MSG_PEEK | MSG_WAITALL).unwrap(),
        5
    );
    assert_eq!(&buf[..5], b"hello");
    buf = [0u8; 16];
    assert_eq!(recv(&server, &mut buf, MSG_PEEK).unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");
    buf = [0u8; 16];
    assert_eq!(recv(&server, &mut buf[..2], MSG_PEEK).unwrap(), 2);
    assert_eq!(&buf[..2], b"he");
    buf = [0u8; 16];
    assert_eq!(recv(&server, &mut buf, 0).unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(recv(&server, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
}

#[test]
fn recv_peek_leaves_data_v4() {
    check_peek(V4);
}

#[test]
fn recv_peek_leaves_data_v6() {
    check_peek(V6);
}

#[test]
fn recv_peek_unix() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    send_all(&a, b"queued");
    let mut buf = [0u8; 6];
    assert_eq!(recv(&b, &mut buf, MSG_PEEK).unwrap(), 6);
    assert_eq!(&buf, b"queued");
    let mut buf = [0u8; 6];
    assert_eq!(recv(&b, &mut buf, 0).unwrap(), 6);
    assert_eq!(&buf, b"queued");
}

/// Whether the thread named `name` is asleep in the kernel (state `S`).
fn thread_sleeping(name: &str) -> bool {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return false;
    };
    tasks.flatten().any(|task| {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // The state follows the parenthesised command name.
        let state = stat
            .rsplit_once(") ")
            .map(|(_, rest)| rest.starts_with('S'));
        comm.trim_end() == name && state == Some(true)
    })
}

fn check_waitall(a: Socket, b: Socket, thread_name: &str) {
    set_timeouts(&a);
    set_timeouts(&b);
    send_all(&a, b"abc");
    let reader = std::thread::Builder::new()
        .name(thread_name.to_owned())
        .spawn(move || {
            let mut buf = [0u8; 6];
            let n = recv(&b, &mut buf, MSG_WAITALL).unwrap();
            (n, buf)
        })
        .unwrap();
    // Wait (bounded) until the reader blocks with "abc" already queued: without
    // MSG_WAITALL it would have returned 3 bytes instead.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !thread_sleeping(thread_name) && !reader.is_finished() && Instant::now() < deadline {
        std::thread::yield_now();
    }
    send_all(&a, b"def");
    let (n, buf) = reader.join().unwrap();
    assert_eq!(n, 6);
    assert_eq!(&buf, b"abcdef");
}

#[test]
fn recv_waitall_tcp() {
    let (client, server) = tcp_pair(V4);
    check_waitall(client, server, "waitall-tcp");
}

#[test]
fn recv_waitall_unix() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    check_waitall(a, b, "waitall-unix");
}

#[test]
fn send_with_msg_nosignal_and_dontwait() {
    let (client, server) = tcp_pair(V6);
    assert_eq!(send(&client, b"x", MSG_NOSIGNAL | MSG_DONTWAIT).unwrap(), 1);
    assert_eq!(recv_exact(&server, 1), b"x");
}

#[test]
fn send_empty_buffer() {
    let (client, server) = tcp_pair(V4);
    assert_eq!(send(&client, &[], 0).unwrap(), 0);
    send_all(&client, b"z");
    let mut buf = [0u8; 4];
    assert_eq!(recv(&server, &mut buf, 0).unwrap(), 1);
}

// ---------------------------------------------------------------------------------
// shutdown, close

fn check_shutdown_wr(ip: SocketAddr) {
    let (client, server) = tcp_pair(ip);
    send_all(&client, b"last words");
    shutdown(&client, SHUT_WR).unwrap();
    assert_eq!(recv_exact(&server, 10), b"last words");
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
    // Half-closed: the other direction still works.
    send_all(&server, b"reply");
    assert_eq!(recv_exact(&client, 5), b"reply");
    shutdown(&server, SHUT_WR).unwrap();
    assert_eq!(recv(&client, &mut buf, 0), Ok(0));
}

#[test]
fn shutdown_wr_v4() {
    check_shutdown_wr(V4);
}

#[test]
fn shutdown_wr_v6() {
    check_shutdown_wr(V6);
}

#[test]
fn shutdown_wr_unix() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    shutdown(&a, SHUT_WR).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(recv(&b, &mut buf, 0), Ok(0));
    send_all(&b, b"still");
    assert_eq!(recv_exact(&a, 5), b"still");
}

#[test]
fn shutdown_rd_makes_recv_return_eof() {
    let (client, server) = tcp_pair(V4);
    shutdown(&server, SHUT_RD).unwrap();
    let mut buf = [0u8; 8];
    // Not EAGAIN even with MSG_DONTWAIT: end-of-file, at once.
    assert_eq!(recv(&server, &mut buf, MSG_DONTWAIT), Ok(0));
    // The write side is untouched.
    send_all(&server, b"out");
    assert_eq!(recv_exact(&client, 3), b"out");
}

#[test]
fn shutdown_rdwr() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    shutdown(&a, SHUT_RDWR).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(recv(&a, &mut buf, MSG_DONTWAIT), Ok(0));
    assert_eq!(recv(&b, &mut buf, MSG_DONTWAIT), Ok(0));
}

fn check_close(ip: SocketAddr) {
    let (client, server) = tcp_pair(ip);
    assert_eq!(close(client), Ok(()));
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
}

#[test]
fn close_ends_connection_v4() {
    check_close(V4);
}

#[test]
fn close_ends_connection_v6() {
    check_close(V6);
}

#[test]
fn close_ends_connection_unix() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(close(a), Ok(()));
    let mut buf = [0u8; 8];
    assert_eq!(recv(&b, &mut buf, 0), Ok(0));
}

#[test]
fn close_takes_other_owned_descriptors() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let owned: OwnedFd = a.into();
    assert_eq!(close(owned), Ok(()));
    let mut buf = [0u8; 8];
    assert_eq!(recv(&b, &mut buf, 0), Ok(0));

    let (client, server) = tcp_pair(V4);
    let stream = std::net::TcpStream::from(client);
    assert_eq!(close(stream), Ok(()));
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
}

#[test]
fn drop_closes() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    drop(a);
    let mut buf = [0u8; 8];
    assert_eq!(recv(&b, &mut buf, 0), Ok(0));
}

#[test]
fn close_unix_listener_frees_path_for_rebind() {
    let dir = TempDir::new(BIN, "close_unix_listener_frees_path_for_rebind");
    let path = dir.path("l");
    let addr = SockAddr::unix(&path).unwrap();
    let (listener, _) = listener_on(AF_UNIX, &addr);
    let client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    close(listener).unwrap();
    // Nobody listens on the path any more.
    assert_eq!(connect(&client, &addr), Err(Errno::ECONNREFUSED));
    std::fs::remove_file(&path).unwrap();
    let (_again, local) = listener_on(AF_UNIX, &addr);
    assert_eq!(local, addr);
}

// ---------------------------------------------------------------------------------
// fcntl

#[test]
fn fcntl_set_and_clear_nonblock() {
    let (client, server) = tcp_pair(V4);
    let flags = fcntl(&server, F_GETFL).unwrap();
    assert!(!flags.contains(O_NONBLOCK));
    fcntl(&server, F_SETFL(flags | O_NONBLOCK)).unwrap();
    assert!(is_nonblocking(&server));
    let mut buf = [0u8; 4];
    assert_eq!(recv(&server, &mut buf, 0), Err(Errno::EAGAIN));

    let flags = fcntl(&server, F_GETFL).unwrap();
    fcntl(&server, F_SETFL(flags & !O_NONBLOCK)).unwrap();
    assert!(!is_nonblocking(&server));
    assert_eq!(fcntl(&server, F_GETFL).unwrap(), flags & !O_NONBLOCK);
    send_all(&client, b"ok");
    // Blocking again: this waits for the data instead of failing.
    assert_eq!(recv_exact(&server, 2), b"ok");
}

#[test]
fn fcntl_set_and_clear_cloexec() {
    let fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(fcntl(&fd, F_GETFD).unwrap(), FD_CLOEXEC);
    fcntl(&fd, F_SETFD(FdFlags::EMPTY)).unwrap();
    assert_eq!(fcntl(&fd, F_GETFD).unwrap(), 0);
    assert!(!is_cloexec(&fd));
    fcntl(&fd, F_SETFD(FD_CLOEXEC)).unwrap();
    assert!(is_cloexec(&fd));
    assert_eq!(fcntl(&fd, F_GETFD).unwrap(), FD_CLOEXEC);
}

#[test]
fn fcntl_plain_integer_flags() {
    let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    fcntl(&fd, F_SETFD(0.into())).unwrap();
    assert_eq!(fcntl(&fd, F_GETFD).unwrap(), 0);
    fcntl(&fd, F_SETFL(O_NONBLOCK | O_RDWR)).unwrap();
    assert!(is_nonblocking(&fd));
}

// ---------------------------------------------------------------------------------
// impl AsFd: each kind of descriptor

#[test]
fn calls_borrow_the_socket_and_leave_it_open() {
    let (listener, addr) = listener(V4);
    let client = tcp_socket(V4);
    connect(&client, &addr).unwrap();
    let (server, _) = accept(&listener).unwrap();
    let client_addr = getsockname(&client).unwrap();
    // Borrowed: the call leaves the socket open, so the connection is still up.
    assert_eq!(getpeername(&server), Ok(client_addr));
    send(&server, b"up", 0).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(recv(&client, &mut buf, 0), Ok(2));
    // Generic code forwards the reference.
    fn local(fd: &impl AsFd) -> SockAddr {
        getsockname(fd).unwrap()
    }
    assert_eq!(local(&listener), addr);
    // A reference to a reference works too.
    let by_ref = &listener;
    assert_eq!(getsockname(&by_ref), Ok(addr));
}

#[test]
fn calls_take_owned_and_borrowed_fd() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let a: OwnedFd = a.into();
    let b_borrowed: BorrowedFd<'_> = b.as_fd();
    send_all(&a, b"owned");
    let mut buf = [0u8; 5];
    assert_eq!(recv(&b_borrowed, &mut buf, 0).unwrap(), 5);
    assert_eq!(&buf, b"owned");
    assert!(is_cloexec(&a));
    assert!(getsockname(&b_borrowed).unwrap().is_unnamed());
    shutdown(&a, SHUT_WR).unwrap();
    assert_eq!(recv(&b_borrowed, &mut buf, 0), Ok(0));
    assert!(getsockname(&a).unwrap().is_unnamed());
}

#[test]
fn calls_take_std_sockets() {
    let listener = std::net::TcpListener::bind(V4).unwrap();
    let addr = getsockname(&listener).unwrap();
    assert_eq!(addr.as_socket(), Some(listener.local_addr().unwrap()));
    let client = std::net::TcpStream::connect(addr.as_socket().unwrap()).unwrap();
    let (server, peer) = accept(&listener).unwrap();
    assert_eq!(peer.as_socket(), Some(client.local_addr().unwrap()));
    assert_eq!(send(&client, b"std", 0).unwrap(), 3);
    set_timeouts(&server);
    assert_eq!(recv_exact(&server, 3), b"std");
    assert_eq!(getpeername(&client).unwrap(), addr);
    shutdown(&client, SHUT_WR).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0));
    setsockopt(&client, IPPROTO_TCP, TCP_NODELAY, &1).unwrap();
    assert!(client.nodelay().unwrap());

    let udp = std::net::UdpSocket::bind(V6).unwrap();
    assert_eq!(
        getsockname(&udp).unwrap().as_socket(),
        Some(udp.local_addr().unwrap())
    );
}

#[test]
fn calls_take_socket2() {
    let s2 = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    assert!(is_cloexec(&s2), "socket2 sets CLOEXEC itself");
    bind(&s2, &V4).unwrap();
    listen(&s2, 8).unwrap();
    let addr = getsockname(&s2).unwrap();
    assert_eq!(
        addr.as_socket(),
        s2.local_addr().unwrap().as_socket(),
        "both crates read the same address"
    );
    let client = tcp_socket(V4);
    connect(&client, &addr).unwrap();
    let (server, _) = accept(&s2).unwrap();
    set_timeouts(&server);
    set_timeouts(&client);
    exchange(&client, &server);

    // And a socket2 connection driven by sockapi calls.
    let s2_client =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    s2_client
        .connect(&socket2::SockAddr::from(addr.as_socket().unwrap()))
        .unwrap();
    let (s2_server, _) = accept(&s2).unwrap();
    set_timeouts(&s2_server);
    set_timeouts(&s2_client);
    exchange(&s2_client, &s2_server);
}

// ---------------------------------------------------------------------------------
// Conversions

#[test]
fn socket_debug_shows_fd() {
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let raw = fd.as_raw_fd();
    assert_eq!(format!("{fd:?}"), format!("Socket {{ fd: {raw} }}"));
}

#[test]
fn socket_owned_fd_round_trip() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let raw = a.as_raw_fd();
    let owned = OwnedFd::from(a);
    assert_eq!(owned.as_raw_fd(), raw);
    let a = Socket::from(owned);
    assert_eq!(a.as_raw_fd(), raw);
    set_timeouts(&a);
    set_timeouts(&b);
    exchange(&a, &b);
}

#[test]
fn socket_raw_fd_round_trip() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let raw = a.into_raw_fd();
    // SAFETY: `raw` came from `into_raw_fd` just above; nothing else owns it.
    let a = unsafe { Socket::from_raw_fd(raw) };
    assert_eq!(a.as_raw_fd(), raw);
    set_timeouts(&a);
    set_timeouts(&b);
    exchange(&a, &b);
    drop(a);
    let mut buf = [0u8; 1];
    assert_eq!(
        recv(&b, &mut buf, 0),
        Ok(0),
        "the adopted socket closes on drop"
    );
}

fn check_tcp_stream_conversion(ip: SocketAddr) {
    let (listener, addr) = listener(ip);
    let fd = tcp_socket(ip);
    connect(&fd, &addr).unwrap();
    let (server, peer) = accept(&listener).unwrap();
    set_timeouts(&server);
    let raw = fd.as_raw_fd();

    let mut stream = std::net::TcpStream::from(fd);
    assert_eq!(stream.as_raw_fd(), raw);
    assert_eq!(Some(stream.local_addr().unwrap()), peer.as_socket());
    stream.write_all(b"via std").unwrap();
    assert_eq!(recv_exact(&server, 7), b"via std");
    send_all(&server, b"back");
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"back");

    let fd = Socket::from(stream);
    assert_eq!(fd.as_raw_fd(), raw);
    set_timeouts(&fd);
    exchange(&fd, &server);
}

#[test]
fn tcp_stream_conversion_v4() {
    check_tcp_stream_conversion(V4);
}

#[test]
fn tcp_stream_conversion_v6() {
    check_tcp_stream_conversion(V6);
}

#[test]
fn tcp_listener_conversion() {
    let (fd, addr) = listener(V6);
    let raw = fd.as_raw_fd();
    let listener = std::net::TcpListener::from(fd);
    assert_eq!(listener.as_raw_fd(), raw);
    assert_eq!(Some(listener.local_addr().unwrap()), addr.as_socket());
    let client = tcp_socket(V6);
    connect(&client, &addr).unwrap();
    let (mut server, peer) = listener.accept().unwrap();
    assert_eq!(SockAddr::from(peer), getsockname(&client).unwrap());
    set_timeouts(&client);
    send_all(&client, b"L");
    let mut buf = [0u8; 1];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"L");

    let fd = Socket::from(listener);
    assert_eq!(fd.as_raw_fd(), raw);
    let client = std::net::TcpStream::connect(addr.as_socket().unwrap()).unwrap();
    let (_conn, peer) = accept(&fd).unwrap();
    assert_eq!(peer.as_socket(), Some(client.local_addr().unwrap()));
}

#[test]
fn udp_socket_conversion() {
    let fd = udp_socket(V4);
    bind(&fd, &V4).unwrap();
    let addr = getsockname(&fd).unwrap();
    let raw = fd.as_raw_fd();
    let udp = std::net::UdpSocket::from(fd);
    assert_eq!(udp.as_raw_fd(), raw);
    udp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let other = std::net::UdpSocket::bind(V4).unwrap();
    other.send_to(b"dgram", addr.as_socket().unwrap()).unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = udp.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"dgram");
    assert_eq!(from, other.local_addr().unwrap());

    let fd = Socket::from(udp);
    assert_eq!(fd.as_raw_fd(), raw);
    connect(&fd, &from).unwrap();
    assert_eq!(send(&fd, b"back", 0).unwrap(), 4);
    other
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (n, from) = other.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"back");
    assert_eq!(SockAddr::from(from), addr);
}

#[test]
fn unix_stream_conversion() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let raw = a.as_raw_fd();
    let mut stream = std::os::unix::net::UnixStream::from(a);
    assert_eq!(stream.as_raw_fd(), raw);
    stream.write_all(b"unix").unwrap();
    set_timeouts(&b);
    assert_eq!(recv_exact(&b, 4), b"unix");
    let a = Socket::from(stream);
    assert_eq!(a.as_raw_fd(), raw);
    set_timeouts(&a);
    exchange(&a, &b);

    let (s1, mut s2) = std::os::unix::net::UnixStream::pair().unwrap();
    let s1 = Socket::from(s1);
    send_all(&s1, b"from sockapi");
    let mut buf = [0u8; 12];
    s2.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"from sockapi");
}

#[test]
fn unix_listener_conversion() {
    let dir = TempDir::new(BIN, "unix_listener_conversion");
    let path = dir.path("listener");
    let (fd, addr) = listener_on(AF_UNIX, &SockAddr::unix(&path).unwrap());
    let raw = fd.as_raw_fd();
    let listener = std::os::unix::net::UnixListener::from(fd);
    assert_eq!(listener.as_raw_fd(), raw);
    assert_eq!(
        listener.local_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    let mut client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (server, _) = listener.accept().unwrap();
    let server = Socket::from(server);
    set_timeouts(&server);
    client.write_all(b"hi").unwrap();
    assert_eq!(recv_exact(&server, 2), b"hi");

    let fd = Socket::from(listener);
    assert_eq!(fd.as_raw_fd(), raw);
    let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (_conn, peer) = accept(&fd).unwrap();
    assert!(peer.is_unnamed());
    assert_eq!(getsockname(&fd).unwrap(), addr);
}

#[test]
fn unix_datagram_conversion() {
    let dir = TempDir::new(BIN, "unix_datagram_conversion");
    let path = dir.path("dgram");
    let fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, &SockAddr::unix(&path).unwrap()).unwrap();
    let raw = fd.as_raw_fd();
    let dgram = std::os::unix::net::UnixDatagram::from(fd);
    assert_eq!(dgram.as_raw_fd(), raw);
    dgram
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    connect(&sender, &SockAddr::unix(&path).unwrap()).unwrap();
    assert_eq!(send(&sender, b"to std", 0).unwrap(), 6);
    let mut buf = [0u8; 16];
    let n = dgram.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"to std");

    let fd = Socket::from(dgram);
    assert_eq!(fd.as_raw_fd(), raw);
    set_timeouts(&fd);
    assert_eq!(send(&sender, b"again", 0).unwrap(), 5);
    assert_eq!(recv_once(&fd, 16), b"again");
}

// ---------------------------------------------------------------------------------
// A whole TCP session: an echo server written as C would write it, 1 MiB each way.

const MIB: usize = 1 << 20;

/// Echoes until end-of-file, then closes (the example server's shape, looped).
fn echo_server(listener: Socket) -> usize {
    let (conn, _peer) = accept(&listener).unwrap();
    set_timeouts(&conn);
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0;
    // Each recv returns at least one byte, so 2 MiB + 1 iterations is a hard bound.
    for _ in 0..=2 * MIB {
        let n = recv(&conn, &mut buf, 0).unwrap();
        if n == 0 {
            close(conn).unwrap();
            return total;
        }
        send_all(&conn, &buf[..n]);
        total += n;
    }
    panic!("echo server: loop bound reached after {total} bytes");
}

fn check_echo_1mib(ip: SocketAddr) {
    let (listener, addr) = listener(ip);
    let server = std::thread::spawn(move || echo_server(listener));

    let fd = tcp_socket(ip);
    set_timeouts(&fd);
    connect(&fd, &addr).unwrap();
    let data: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8).collect();

    // Send from a second thread so that neither side's buffers fill while the other
    // waits: the echo comes back while the data still goes out.
    let fd = std::sync::Arc::new(fd);
    let writer = {
        let fd = fd.clone();
        let data = data.clone();
        std::thread::spawn(move || {
            for chunk in data.chunks(64 * 1024) {
                send_all(&*fd, chunk);
            }
            shutdown(&*fd, SHUT_WR).unwrap();
        })
    };
    let echoed = recv_exact(&*fd, MIB);
    writer.join().unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(recv(&*fd, &mut buf, 0), Ok(0), "server closes after EOF");
    assert_eq!(server.join().unwrap(), MIB);
    assert!(echoed == data, "echoed bytes differ");
}

#[test]
fn echo_1mib_v4() {
    check_echo_1mib(V4);
}

#[test]
fn echo_1mib_v6() {
    check_echo_1mib(V6);
}

#[test]
fn echo_1mib_unix() {
    let dir = TempDir::new(BIN, "echo_1mib_unix");
    let addr = SockAddr::unix(dir.path("echo")).unwrap();
    let (listener, _) = listener_on(AF_UNIX, &addr);
    let server = std::thread::spawn(move || echo_server(listener));
    let fd = std::sync::Arc::new(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap());
    set_timeouts(&*fd);
    connect(&*fd, &addr).unwrap();
    let data: Vec<u8> = (0..MIB).map(|i| (i % 241) as u8).collect();
    let writer = {
        let fd = fd.clone();
        let data = data.clone();
        std::thread::spawn(move || {
            send_all(&*fd, &data);
            shutdown(&*fd, SHUT_WR).unwrap();
        })
    };
    let echoed = recv_exact(&*fd, MIB);
    writer.join().unwrap();
    assert_eq!(server.join().unwrap(), MIB);
    assert!(echoed == data, "echoed bytes differ");
}

/// `printf("fd %d\n", fd)` ports as `println!("fd {fd}")`: `Display` is the number.
#[test]
fn socket_displays_as_its_descriptor_number() {
    let fd = tcp_socket(V4);
    let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
    assert_eq!(format!("fd {fd}"), format!("fd {raw}"));
    assert_eq!(format!("{fd:>5}"), format!("{raw:>5}"));
    assert_eq!(format!("{fd:?}"), format!("Socket {{ fd: {raw} }}"));
}
