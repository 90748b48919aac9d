//! The common failures, each with the exact `Errno` Linux gives, on real sockets over
//! loopback; and `Errno` itself: names, text, aliases, and the round trip through
//! `io::Error`.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{
    abstract_name, assert_raw_option_fails, closed_port, family_of, is_nonblocking, listener,
    not_a_socket, tcp_pair, tcp_socket, timed, udp_socket, TempDir, TIMEOUT, V4, V6,
};

/// The prefix of this binary's temp dirs and abstract names.
const BIN: &str = "errors";

// ---------------------------------------------------------------------------------
// ECONNREFUSED

fn check_refused(ip: SocketAddr) {
    let addr = closed_port(ip);
    let fd = timed(tcp_socket(ip));
    assert_eq!(connect(&fd, &addr), Err(Errno::ECONNREFUSED));
    // The failed socket stays the caller's, unconnected.
    assert_eq!(getpeername(&fd), Err(Errno::ENOTCONN));
    assert_eq!(
        getsockopt(&fd, SOL_SOCKET, SO_ERROR),
        Ok(0),
        "already reported"
    );
    assert_eq!(close(fd), Ok(()));
}

#[test]
fn connect_refused_v4() {
    check_refused(V4);
}

#[test]
fn connect_refused_v6() {
    check_refused(V6);
}

#[test]
fn socket_reusable_after_refused_connect() {
    let refused = closed_port(V4);
    let fd = timed(tcp_socket(V4));
    assert_eq!(connect(&fd, &refused), Err(Errno::ECONNREFUSED));
    // Linux lets a TCP socket try again after a refused connect.
    let (l, addr) = listener(V4);
    connect(&fd, &addr).unwrap();
    let (_conn, peer) = accept(&l).unwrap();
    assert_eq!(peer, getsockname(&fd).unwrap());
}

#[test]
fn connected_udp_reports_refused_on_recv() {
    let target = {
        let fd = udp_socket(V4);
        bind(&fd, &V4).unwrap();
        getsockname(&fd).unwrap()
    };
    let fd = udp_socket(V4);
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &TIMEOUT).unwrap();
    connect(&fd, &target).unwrap();
    assert_eq!(send(&fd, b"anyone?", 0), Ok(7));
    // The ICMP port-unreachable comes back as the socket's pending error; a blocking
    // recv wakes up with it.
    let mut buf = [0u8; 16];
    assert_eq!(recv(&fd, &mut buf, 0), Err(Errno::ECONNREFUSED));
}

#[test]
fn unix_connect_errors() {
    let dir = TempDir::new(BIN, "unix_connect_errors");
    let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let missing = SockAddr::unix(dir.path("missing")).unwrap();
    assert_eq!(connect(&fd, &missing), Err(Errno::ENOENT));

    let nobody = abstract_name(BIN, "nobody");
    assert_eq!(connect(&fd, &nobody), Err(Errno::ECONNREFUSED));

    // A path whose socket is bound but not listening.
    let path = dir.path("bound");
    let bound = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&bound, &SockAddr::unix(&path).unwrap()).unwrap();
    assert_eq!(
        connect(&fd, &SockAddr::unix(&path).unwrap()),
        Err(Errno::ECONNREFUSED)
    );

    // A path that is a regular file.
    let file = dir.path("file");
    std::fs::write(&file, b"").unwrap();
    assert_eq!(
        connect(&fd, &SockAddr::unix(&file).unwrap()),
        Err(Errno::ECONNREFUSED)
    );
}

// ---------------------------------------------------------------------------------
// EADDRINUSE

fn check_addr_in_use(ip: SocketAddr) {
    let (_first, addr) = listener(ip);
    let second = timed(tcp_socket(ip));
    assert_eq!(bind(&second, &addr), Err(Errno::EADDRINUSE));
    // The failed bind left the socket unbound: port 0.
    assert_eq!(getsockname(&second).unwrap().as_socket().unwrap().port(), 0);
}

#[test]
fn bind_in_use_v4() {
    check_addr_in_use(V4);
}

#[test]
fn bind_in_use_v6() {
    check_addr_in_use(V6);
}

fn check_addr_in_use_with_reuseaddr(ip: SocketAddr) {
    // SO_REUSEADDR lets a port in TIME_WAIT be bound again, not a listening one.
    let first = timed(tcp_socket(ip));
    setsockopt(&first, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
    bind(&first, &ip).unwrap();
    listen(&first, SOMAXCONN).unwrap();
    let addr = getsockname(&first).unwrap();
    let second = timed(tcp_socket(ip));
    setsockopt(&second, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
    assert_eq!(getsockopt(&second, SOL_SOCKET, SO_REUSEADDR), Ok(1));
    assert_eq!(bind(&second, &addr), Err(Errno::EADDRINUSE));
}

#[test]
fn bind_in_use_with_reuseaddr_v4() {
    check_addr_in_use_with_reuseaddr(V4);
}

#[test]
fn bind_in_use_with_reuseaddr_v6() {
    check_addr_in_use_with_reuseaddr(V6);
}

#[test]
fn bind_in_use_unix() {
    let dir = TempDir::new(BIN, "bind_in_use_unix");
    let addr = SockAddr::unix(dir.path("s")).unwrap();
    let first = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&first, &addr).unwrap();
    let second = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(bind(&second, &addr), Err(Errno::EADDRINUSE));
    // The file outlives the socket, so even after close the path stays taken.
    drop(first);
    assert_eq!(bind(&second, &addr), Err(Errno::EADDRINUSE));

    let abs = abstract_name(BIN, "in-use");
    let a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&a, &abs).unwrap();
    let b = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(bind(&b, &abs), Err(Errno::EADDRINUSE));
}

// ---------------------------------------------------------------------------------
// ENOTCONN and friends on unconnected sockets

fn check_unconnected_tcp(ip: SocketAddr) {
    let fd = timed(tcp_socket(ip));
    assert_eq!(getpeername(&fd), Err(Errno::ENOTCONN));
    let mut buf = [0u8; 4];
    assert_eq!(recv(&fd, &mut buf, 0), Err(Errno::ENOTCONN));
    // Linux answers a send on an unconnected TCP socket with EPIPE, not ENOTCONN
    // (and raises SIGPIPE, hence MSG_NOSIGNAL).
    assert_eq!(send(&fd, b"x", MSG_NOSIGNAL), Err(Errno::EPIPE));
    assert_eq!(shutdown(&fd, SHUT_WR), Err(Errno::ENOTCONN));
    assert_eq!(shutdown(&fd, SHUT_RDWR), Err(Errno::ENOTCONN));
    assert_eq!(shutdown(&fd, SHUT_RD), Err(Errno::ENOTCONN));
    // Linux records the shutdown even though it reports ENOTCONN, so recv now sees
    // end-of-file where it saw ENOTCONN before.
    assert_eq!(recv(&fd, &mut buf, 0), Ok(0));

    // A listening socket is not connected either.
    let (l, _) = listener(ip);
    assert_eq!(getpeername(&l), Err(Errno::ENOTCONN));
    assert_eq!(recv(&l, &mut buf, 0), Err(Errno::ENOTCONN));
    assert_eq!(send(&l, b"x", MSG_NOSIGNAL), Err(Errno::EPIPE));
}

#[test]
fn unconnected_tcp_v4() {
    check_unconnected_tcp(V4);
}

#[test]
fn unconnected_tcp_v6() {
    check_unconnected_tcp(V6);
}

#[test]
fn unconnected_udp_and_unix() {
    let udp = udp_socket(V4);
    assert_eq!(getpeername(&udp), Err(Errno::ENOTCONN));
    assert_eq!(send(&udp, b"x", 0), Err(Errno::EDESTADDRREQ));
    // shutdown of an unconnected UDP socket is ENOTCONN too.
    assert_eq!(shutdown(&udp, SHUT_RDWR), Err(Errno::ENOTCONN));

    let unix = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(getpeername(&unix), Err(Errno::ENOTCONN));
    assert_eq!(send(&unix, b"x", MSG_NOSIGNAL), Err(Errno::ENOTCONN));
    let mut buf = [0u8; 1];
    assert_eq!(recv(&unix, &mut buf, 0), Err(Errno::EINVAL));

    let unix_dgram = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(getpeername(&unix_dgram), Err(Errno::ENOTCONN));
    assert_eq!(send(&unix_dgram, b"x", 0), Err(Errno::ENOTCONN));
}

#[test]
fn send_after_shutdown_wr_is_epipe() {
    let (l, addr) = listener(V4);
    let fd = timed(tcp_socket(V4));
    connect(&fd, &addr).unwrap();
    let (_conn, _) = accept(&l).unwrap();
    shutdown(&fd, SHUT_WR).unwrap();
    assert_eq!(send(&fd, b"late", MSG_NOSIGNAL), Err(Errno::EPIPE));
}

// ---------------------------------------------------------------------------------
// EAGAIN

#[test]
fn eagain_with_msg_dontwait() {
    let (fd, _peer) = tcp_pair(V4);
    let mut buf = [0u8; 8];
    assert_eq!(recv(&fd, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
    assert_eq!(recv(&fd, &mut buf, MSG_DONTWAIT), Err(Errno::EWOULDBLOCK));
    assert_eq!(
        recv(&fd, &mut buf, MSG_DONTWAIT | MSG_PEEK),
        Err(Errno::EAGAIN)
    );
    // MSG_DONTWAIT is for this call only: the socket stays blocking.
    assert!(!is_nonblocking(&fd));

    let (a, _b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(recv(&a, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
}

#[test]
fn eagain_with_sock_nonblock() {
    let (l, addr) = listener(V4);
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(connect(&fd, &addr), Err(Errno::EINPROGRESS));
    let (_conn, _) = accept(&l).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(recv(&fd, &mut buf, 0), Err(Errno::EAGAIN));

    // accept on a non-blocking listener with nothing pending.
    let nb_listener = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
    bind(&nb_listener, &V6).unwrap();
    listen(&nb_listener, 1).unwrap();
    assert_eq!(accept(&nb_listener).map(|_| ()), Err(Errno::EAGAIN));
    assert_eq!(
        accept4(&nb_listener, SOCK_CLOEXEC).map(|_| ()),
        Err(Errno::EAGAIN)
    );
}

#[test]
fn eagain_with_fcntl_nonblock() {
    let (fd, _peer) = tcp_pair(V4);
    let flags = fcntl(&fd, F_GETFL).unwrap();
    fcntl(&fd, F_SETFL(flags | O_NONBLOCK)).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(recv(&fd, &mut buf, 0), Err(Errno::EAGAIN));
}

#[test]
fn eagain_when_send_buffer_full() {
    let (fd, _peer) = tcp_pair(V4);
    let chunk = [0u8; 64 * 1024];
    // Loopback buffers are a few MiB at most; 4096 * 64 KiB = 256 MiB bounds the loop.
    for _ in 0..4096 {
        match send(&fd, &chunk, MSG_DONTWAIT) {
            Ok(n) => assert!(n > 0),
            Err(e) => {
                assert_eq!(e, Errno::EAGAIN);
                return;
            }
        }
    }
    panic!("send never filled the buffer");
}

#[test]
fn eagain_after_so_rcvtimeo() {
    let (fd, _peer) = tcp_pair(V4);
    let timeout = Duration::from_millis(50);
    let tv = timeval {
        tv_sec: 0,
        tv_usec: 50_000,
    };
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &tv).unwrap();
    let mut buf = [0u8; 8];
    let start = Instant::now();
    assert_eq!(recv(&fd, &mut buf, 0), Err(Errno::EAGAIN));
    let elapsed = start.elapsed();
    assert!(elapsed >= timeout, "returned after {elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(5),
        "returned after {elapsed:?}"
    );
}

#[test]
fn eagain_after_so_rcvtimeo_on_accept() {
    let (l, _) = listener(V4);
    let tv = timeval {
        tv_sec: 0,
        tv_usec: 50_000,
    };
    setsockopt(&l, SOL_SOCKET, SO_RCVTIMEO, &tv).unwrap();
    let start = Instant::now();
    assert_eq!(accept(&l).map(|_| ()), Err(Errno::EAGAIN));
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

// ---------------------------------------------------------------------------------
// EINPROGRESS

fn check_inprogress(ip: SocketAddr) {
    let (l, addr) = listener(ip);
    let fd = socket(
        family_of(&ip),
        SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
        0,
    )
    .unwrap();
    assert_eq!(connect(&fd, &addr), Err(Errno::EINPROGRESS));
    // The connection is in the accept queue only once the handshake is complete,
    // so after accept the client side is connected.
    let (conn, peer) = accept(&l).unwrap();
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));
    assert_eq!(getpeername(&fd), Ok(addr));
    assert_eq!(peer, getsockname(&fd).unwrap());
    // As in C: the first connect after completion reports success once, the next
    // one EISCONN.
    assert_eq!(connect(&fd, &addr), Ok(()));
    assert_eq!(connect(&fd, &addr), Err(Errno::EISCONN));
    assert_eq!(send(&fd, b"up", 0), Ok(2));
    let mut buf = [0u8; 2];
    setsockopt(&conn, SOL_SOCKET, SO_RCVTIMEO, &TIMEOUT).unwrap();
    assert_eq!(recv(&conn, &mut buf, MSG_WAITALL), Ok(2));
}

#[test]
fn connect_inprogress_v4() {
    check_inprogress(V4);
}

#[test]
fn connect_inprogress_v6() {
    check_inprogress(V6);
}

#[test]
fn nonblocking_connect_refused_shows_in_so_error() {
    let addr = closed_port(V4);
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
    match connect(&fd, &addr) {
        Err(Errno::ECONNREFUSED) => {}
        Err(Errno::EINPROGRESS) => {
            // The RST arrives asynchronously; poll SO_ERROR, bounded in time. A pending
            // error is read (and cleared) once.
            let deadline = Instant::now() + Duration::from_secs(5);
            let err = loop {
                let err = getsockopt(&fd, SOL_SOCKET, SO_ERROR).unwrap();
                if err != 0 || Instant::now() > deadline {
                    break err;
                }
                std::thread::yield_now();
            };
            assert_eq!(Errno::from_raw(err), Errno::ECONNREFUSED);
        }
        other => panic!("connect: {other:?}"),
    }
}

#[test]
fn connect_twice_is_eisconn() {
    let (fd, _peer) = tcp_pair(V4);
    let other = getpeername(&fd).unwrap();
    assert_eq!(connect(&fd, &other), Err(Errno::EISCONN));
    let abs = abstract_name(BIN, "eisconn");
    let l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&l, &abs).unwrap();
    listen(&l, 1).unwrap();
    let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(connect(&a, &abs), Err(Errno::EISCONN));
    // The unnamed address is too short to name a peer at all.
    assert_eq!(connect(&a, &SockAddr::unnamed()), Err(Errno::EINVAL));
}

// ---------------------------------------------------------------------------------
// EINVAL, EOPNOTSUPP

#[test]
fn accept_on_non_listening_socket() {
    let fd = timed(tcp_socket(V4));
    assert_eq!(accept(&fd).map(|_| ()), Err(Errno::EINVAL));
    bind(&fd, &V4).unwrap();
    assert_eq!(accept(&fd).map(|_| ()), Err(Errno::EINVAL));
    assert_eq!(accept4(&fd, 0).map(|_| ()), Err(Errno::EINVAL));
    let (conn, _peer) = tcp_pair(V4);
    assert_eq!(accept(&conn).map(|_| ()), Err(Errno::EINVAL));
    // A connected socket cannot become a listening one.
    assert_eq!(listen(&conn, 1), Err(Errno::EINVAL));
}

#[test]
fn accept_on_datagram_socket() {
    let fd = udp_socket(V4);
    assert_eq!(accept(&fd).map(|_| ()), Err(Errno::EOPNOTSUPP));
    assert_eq!(listen(&fd, 1), Err(Errno::EOPNOTSUPP));
    let (a, _b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(listen(&a, 1), Err(Errno::EOPNOTSUPP));
}

#[test]
fn accept4_unknown_flags() {
    let (l, _) = listener(V4);
    assert_eq!(
        accept4(&l, SockFlag::from_raw(0x4000_0000)).map(|_| ()),
        Err(Errno::EINVAL)
    );
}

#[test]
fn bind_twice() {
    let fd = timed(tcp_socket(V4));
    bind(&fd, &V4).unwrap();
    assert_eq!(bind(&fd, &V4), Err(Errno::EINVAL));
    let dir = TempDir::new(BIN, "bind_twice");
    let unix = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&unix, &SockAddr::unix(dir.path("one")).unwrap()).unwrap();
    assert_eq!(
        bind(&unix, &SockAddr::unix(dir.path("two")).unwrap()),
        Err(Errno::EINVAL)
    );
}

#[test]
fn shutdown_bad_how() {
    let (fd, _peer) = tcp_pair(V4);
    assert_eq!(shutdown(&fd, ShutdownHow::from_raw(99)), Err(Errno::EINVAL));
    assert_eq!(shutdown(&fd, ShutdownHow::from_raw(-1)), Err(Errno::EINVAL));
    // The connection is untouched by the failed call.
    assert_eq!(send(&fd, b"ok", 0), Ok(2));
}

#[test]
fn socket_bad_type() {
    assert_eq!(
        socket(AF_INET, SockType::from_raw(12345), 0).map(|_| ()),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        socket(AF_UNIX, SOCK_STREAM | SockFlag::from_raw(0x4000_0000), 0).map(|_| ()),
        Err(Errno::EINVAL)
    );
}

#[test]
fn bind_wrong_family() {
    let v4 = timed(tcp_socket(V4));
    assert_eq!(bind(&v4, &V6), Err(Errno::EAFNOSUPPORT));
    let v6 = timed(tcp_socket(V6));
    // An IPv4 address is shorter than sockaddr_in6.
    assert_eq!(bind(&v6, &V4), Err(Errno::EINVAL));
    let unix = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(bind(&unix, &V4), Err(Errno::EINVAL));
    assert_eq!(connect(&v4, &SockAddr::unnamed()), Err(Errno::EINVAL));
}

// ---------------------------------------------------------------------------------
// ENOTSOCK

#[test]
fn calls_on_a_file_are_enotsock() {
    let file = not_a_socket();
    let mut buf = [0u8; 4];
    assert_eq!(getsockname(&file), Err(Errno::ENOTSOCK));
    assert_eq!(getpeername(&file), Err(Errno::ENOTSOCK));
    assert_eq!(bind(&file, &V4), Err(Errno::ENOTSOCK));
    assert_eq!(listen(&file, 1), Err(Errno::ENOTSOCK));
    assert_eq!(accept(&file).map(|_| ()), Err(Errno::ENOTSOCK));
    assert_eq!(
        accept4(&file, SOCK_CLOEXEC).map(|_| ()),
        Err(Errno::ENOTSOCK)
    );
    assert_eq!(connect(&file, &V4), Err(Errno::ENOTSOCK));
    assert_eq!(send(&file, b"x", 0), Err(Errno::ENOTSOCK));
    assert_eq!(recv(&file, &mut buf, 0), Err(Errno::ENOTSOCK));
    assert_eq!(shutdown(&file, SHUT_RDWR), Err(Errno::ENOTSOCK));
    assert_eq!(
        getsockopt(&file, SOL_SOCKET, SO_TYPE).map(|_| ()),
        Err(Errno::ENOTSOCK)
    );
    assert_eq!(
        setsockopt(&file, SOL_SOCKET, SO_REUSEADDR, &1),
        Err(Errno::ENOTSOCK)
    );
    assert_raw_option_fails(&file, SOL_SOCKET, 2, Errno::ENOTSOCK);
    // fcntl is not a socket call: it works on any descriptor.
    assert!(fcntl(&file, F_GETFD).is_ok());
    // The file is still open and usable after all those failures.
    assert_eq!(getsockname(&file), Err(Errno::ENOTSOCK));
    assert_eq!(close(file), Ok(()));
}

#[test]
fn calls_on_a_pipe_are_enotsock() {
    let (reader, writer) = io::pipe().unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(recv(&reader, &mut buf, 0), Err(Errno::ENOTSOCK));
    assert_eq!(send(&writer, b"x", 0), Err(Errno::ENOTSOCK));
    assert_eq!(getsockname(&writer), Err(Errno::ENOTSOCK));
}

// ---------------------------------------------------------------------------------
// EAFNOSUPPORT, EPROTONOSUPPORT, EPROTOTYPE, ENOPROTOOPT

#[test]
fn socket_unknown_family() {
    assert_eq!(
        socket(
            AddressFamily::from_raw(12345),
            SOCK_STREAM | SOCK_CLOEXEC,
            0
        )
        .map(|_| ()),
        Err(Errno::EAFNOSUPPORT)
    );
    assert_eq!(
        socketpair(AddressFamily::from_raw(12345), SOCK_STREAM, 0).map(|_| ()),
        Err(Errno::EAFNOSUPPORT)
    );
}

#[test]
fn socket_protocol_mismatch() {
    assert_eq!(
        socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_UDP).map(|_| ()),
        Err(Errno::EPROTONOSUPPORT)
    );
    assert_eq!(
        socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_TCP).map(|_| ()),
        Err(Errno::EPROTONOSUPPORT)
    );
    assert_eq!(
        socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP).map(|_| ()),
        Err(Errno::EPROTONOSUPPORT)
    );
}

#[test]
fn socketpair_on_inet() {
    assert_eq!(
        socketpair(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).map(|_| ()),
        Err(Errno::EOPNOTSUPP)
    );
}

#[test]
fn unknown_socket_option() {
    let fd = timed(tcp_socket(V4));
    assert_raw_option_fails(&fd, SOL_SOCKET, 12345, Errno::ENOPROTOOPT);
    let mut buf = [0u8; 4];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, IPPROTO_TCP, 12345, &mut buf) },
        Err(Errno::ENOPROTOOPT)
    );
    // A TCP option on a UDP socket.
    let udp = udp_socket(V4);
    assert_eq!(
        setsockopt(&udp, IPPROTO_TCP, TCP_NODELAY, &1),
        Err(Errno::ENOPROTOOPT)
    );
}

#[test]
fn setsockopt_bad_length() {
    let fd = timed(tcp_socket(V4));
    // SO_REUSEADDR needs an int; one byte is too short.
    assert_eq!(
        unsafe { setsockopt_raw(&fd, SOL_SOCKET, SO_REUSEADDR.as_raw(), &[1]) },
        Err(Errno::EINVAL)
    );
}

// ---------------------------------------------------------------------------------
// Errno itself

#[test]
fn errno_display_and_name() {
    assert_eq!(
        Errno::ECONNREFUSED.to_string(),
        "ECONNREFUSED (Connection refused)"
    );
    assert_eq!(Errno::ECONNREFUSED.name(), "ECONNREFUSED");
    assert_eq!(Errno::ECONNREFUSED.raw(), 111);
    assert_eq!(Errno::from_raw(111), Errno::ECONNREFUSED);
    assert_eq!(
        format!("{:?}", Errno::ECONNREFUSED),
        "ECONNREFUSED (Connection refused)"
    );
    assert_eq!(
        Errno::EAGAIN.to_string(),
        "EAGAIN (Resource temporarily unavailable)"
    );
    assert_eq!(
        Errno::ENOTSOCK.to_string(),
        "ENOTSOCK (Socket operation on non-socket)"
    );
    assert_eq!(Errno::EINPROGRESS.name(), "EINPROGRESS");
    assert_eq!(Errno::EADDRINUSE.raw(), 98);
    assert!(Errno::EINVAL.is_known());
}

#[test]
fn errno_aliases() {
    assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
    assert_eq!(Errno::EWOULDBLOCK.name(), "EAGAIN");
    assert_eq!(
        Errno::EWOULDBLOCK.to_string(),
        "EAGAIN (Resource temporarily unavailable)"
    );
    assert_eq!(Errno::ENOTSUP, Errno::EOPNOTSUPP);
    assert_eq!(Errno::ENOTSUP.name(), "EOPNOTSUPP");
    assert_eq!(Errno::EDEADLOCK, Errno::EDEADLK);
    assert_eq!(Errno::EDEADLOCK.name(), "EDEADLK");
}

#[test]
fn errno_unknown_values() {
    let e = Errno::from_raw(4242);
    assert!(!e.is_known());
    assert_eq!(e.name(), "E?");
    assert_eq!(e.raw(), 4242);
    assert_eq!(e.to_string(), "E? 4242 (Unknown error 4242)");
    assert_eq!(format!("{e:?}"), "E? 4242 (Unknown error 4242)");
    assert_eq!(Errno::from_raw(-1).to_string(), "E? -1 (Unknown error -1)");
    assert_eq!(Errno::from_raw(0).name(), "E?");
    assert_eq!(Errno::from_raw(0).to_string(), "Success");
}

#[test]
fn errno_into_io_error() {
    let io_err = io::Error::from(Errno::ECONNREFUSED);
    assert_eq!(io_err.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(io_err.raw_os_error(), Some(111));
    assert_eq!(
        io::Error::from(Errno::EAGAIN).kind(),
        io::ErrorKind::WouldBlock
    );
    assert_eq!(
        io::Error::from(Errno::EADDRINUSE).kind(),
        io::ErrorKind::AddrInUse
    );
    assert_eq!(
        io::Error::from(Errno::ENOTCONN).kind(),
        io::ErrorKind::NotConnected
    );
}

#[test]
fn errno_through_question_mark() {
    fn refused() -> io::Result<()> {
        let addr = closed_port(V4);
        let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
        connect(&fd, &addr)?;
        Ok(())
    }
    let err = refused().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(Errno::try_from(err).unwrap(), Errno::ECONNREFUSED);

    fn boxed() -> Result<(), Box<dyn std::error::Error>> {
        socket(AddressFamily::from_raw(12345), SOCK_STREAM, 0)?;
        Ok(())
    }
    let err = boxed().unwrap_err();
    assert_eq!(
        err.downcast_ref::<Errno>(),
        Some(&Errno::EAFNOSUPPORT),
        "{err}"
    );
}

#[test]
fn errno_try_from_io_error() {
    assert_eq!(
        Errno::try_from(io::Error::from_raw_os_error(98)).unwrap(),
        Errno::EADDRINUSE
    );
    let not_os = io::Error::other("custom");
    let back = Errno::try_from(not_os).unwrap_err();
    assert_eq!(back.kind(), io::ErrorKind::Other);
    assert_eq!(back.to_string(), "custom");
    // std's own failures carry an errno too.
    let std_err = std::net::TcpStream::connect(closed_port(V6).as_socket().unwrap()).unwrap_err();
    assert_eq!(Errno::try_from(std_err).unwrap(), Errno::ECONNREFUSED);
}

#[test]
fn errno_last() {
    // A failing call leaves its errno in the C thread-local, where `last` reads it.
    let file = not_a_socket();
    assert_eq!(getsockname(&file), Err(Errno::ENOTSOCK));
    assert_eq!(Errno::last(), Errno::ENOTSOCK);
}

#[test]
fn errno_is_std_error() {
    fn source_of(e: &dyn std::error::Error) -> String {
        e.to_string()
    }
    assert_eq!(
        source_of(&Errno::ENOTCONN),
        "ENOTCONN (Transport endpoint is not connected)"
    );
}

// ---------------------------------------------------------------------------------
// Failed calls hand back nothing and leave the caller's socket intact

#[test]
fn failed_calls_leave_socket_usable() {
    let (l, addr) = listener(V4);
    // accept on a non-blocking listener with nothing pending: no socket comes back.
    let flags = fcntl(&l, F_GETFL).unwrap();
    fcntl(&l, F_SETFL(flags | O_NONBLOCK)).unwrap();
    let failed: Result<(Socket, SockAddr)> = accept(&l);
    assert_eq!(failed.map(|_| ()), Err(Errno::EAGAIN));
    fcntl(&l, F_SETFL(flags)).unwrap();

    // Many failures in a row, then the listener still works.
    let file = not_a_socket();
    for _ in 0..1000 {
        assert_eq!(accept(&file).map(|_| ()), Err(Errno::ENOTSOCK));
        assert_eq!(
            socket(AddressFamily::from_raw(12345), SOCK_STREAM, 0).map(|_| ()),
            Err(Errno::EAFNOSUPPORT)
        );
    }
    let fd = timed(tcp_socket(V4));
    connect(&fd, &addr).unwrap();
    let (conn, peer) = accept(&l).unwrap();
    assert_eq!(peer, getsockname(&fd).unwrap());
    assert_eq!(send(&conn, b"fine", 0), Ok(4));
}
