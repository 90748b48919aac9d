//! No descriptor leaks, on any path: this process's open descriptors are counted
//! before and after each scenario, repeated many times so one leak per round shows.
//!
//! Its own binary (`harness = false`): a count of the whole process's descriptors must
//! not see the sockets of tests running beside it.

use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::panic::{self, AssertUnwindSafe};

use sockapi::*;

const ROUNDS: usize = 200;

/// Entries of `/proc/self/fd`. The directory's own descriptor is among them, the same
/// one each time, so it cancels out of any difference.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("read /proc/self/fd")
        .count()
}

/// Runs `round` `ROUNDS` times and checks the descriptor count is back where it was.
fn no_leak(mut round: impl FnMut(usize)) {
    let before = open_fds();
    for i in 0..ROUNDS {
        round(i);
    }
    let after = open_fds();
    assert_eq!(
        after,
        before,
        "{} descriptors leaked over {ROUNDS} rounds",
        after as isize - before as isize
    );
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn tcp() -> Socket {
    socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket")
}

/// A listening socket on 127.0.0.1 and its address.
fn listener() -> (Socket, SockAddr) {
    let fd = tcp();
    bind(&fd, &loopback()).expect("bind");
    listen(&fd, SOMAXCONN).expect("listen");
    let addr = getsockname(&fd).expect("getsockname");
    (fd, addr)
}

/// A connected pair over loopback: (client, server side).
fn connected(listener: &Socket, addr: &SockAddr) -> (Socket, Socket) {
    let client = tcp();
    connect(&client, addr).expect("connect");
    let (server, _peer) = accept4(listener, SOCK_CLOEXEC).expect("accept4");
    (client, server)
}

fn counter_sees_an_open_socket() {
    let before = open_fds();
    let fd = tcp();
    assert_eq!(open_fds(), before + 1, "the count misses an open socket");
    drop(fd);
    assert_eq!(open_fds(), before);
}

fn tcp_session_dropped() {
    no_leak(|_| {
        let (listener, addr) = listener();
        let client = tcp();
        connect(&client, &addr).expect("connect");
        let (server, peer) = accept(&listener).expect("accept");
        assert_eq!(peer, getsockname(&client).expect("getsockname"));
        assert_eq!(send(&client, b"ping", 0), Ok(4));
        let mut buf = [0u8; 8];
        assert_eq!(recv(&server, &mut buf, 0), Ok(4));
        assert_eq!(&buf[..4], b"ping");
        assert_eq!(send(&server, b"pong", 0), Ok(4));
        assert_eq!(recv(&client, &mut buf, 0), Ok(4));
        assert_eq!(shutdown(&client, SHUT_WR), Ok(()));
        assert_eq!(recv(&server, &mut buf, 0), Ok(0));
        #[cfg(any(target_os = "linux", target_os = "android"))]
        assert_eq!(tcp_info(&server).map(|i| i.state()), Ok(TCP_CLOSE_WAIT));
    });
}

fn tcp_session_closed_explicitly() {
    no_leak(|_| {
        let (listener, addr) = listener();
        let (client, server) = connected(&listener, &addr);
        assert_eq!(send(&client, b"x", 0), Ok(1));
        let mut buf = [0u8; 1];
        assert_eq!(recv(&server, &mut buf, 0), Ok(1));
        assert_eq!(close(server), Ok(()));
        assert_eq!(close(client), Ok(()));
        assert_eq!(close(listener), Ok(()));
    });
}

fn error_paths() {
    // Bound but never listening: connects are refused, and the port stays ours.
    let refusing = tcp();
    bind(&refusing, &loopback()).expect("bind");
    let refusing_addr = getsockname(&refusing).expect("getsockname");
    let (held, held_addr) = listener();
    let nonblocking =
        socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).expect("socket");
    bind(&nonblocking, &loopback()).expect("bind");
    listen(&nonblocking, SOMAXCONN).expect("listen");
    let long_path = "/tmp/".to_string() + &"x".repeat(200);

    no_leak(|_| {
        let fd = tcp();
        assert_eq!(connect(&fd, &refusing_addr), Err(Errno::ECONNREFUSED));
        drop(fd);

        let fd = tcp();
        assert_eq!(bind(&fd, &held_addr), Err(Errno::EADDRINUSE));
        drop(fd);

        assert_eq!(accept(&nonblocking).err(), Some(Errno::EAGAIN));
        assert_eq!(
            accept4(&nonblocking, SOCK_CLOEXEC).err(),
            Some(Errno::EAGAIN)
        );
        assert_eq!(
            accept4(&held, SockFlag::from_raw(0x4000_0000)).err(),
            Some(Errno::EINVAL)
        );

        assert_eq!(
            socket(AddressFamily::from_raw(12345), SOCK_STREAM, 0).err(),
            Some(Errno::EAFNOSUPPORT)
        );
        assert_eq!(
            socket(AF_INET, SockType::from_raw(12345), 0).err(),
            Some(Errno::EINVAL)
        );
        assert_eq!(
            socket(AF_INET, SOCK_STREAM, IPPROTO_UDP).err(),
            Some(Errno::EPROTONOSUPPORT)
        );
        assert_eq!(
            socketpair(AF_INET, SOCK_STREAM, 0).err(),
            Some(Errno::EOPNOTSUPP)
        );

        assert_eq!(SockAddr::unix(&long_path), Err(Errno::ENAMETOOLONG));

        let fd = tcp();
        // An int option given one byte.
        assert_eq!(
            unsafe { setsockopt_raw(&fd, SOL_SOCKET, SO_REUSEADDR.as_raw(), &[1]) },
            Err(Errno::EINVAL)
        );
        // An option number no level of the kernel knows.
        let bogus: SockOpt<i32, ReadWrite> =
        // SAFETY: an int option: the kernel reads and writes only its 4 bytes.
        unsafe { SockOpt::new(9999, "BOGUS") };
        assert_eq!(
            setsockopt(&fd, SOL_SOCKET, bogus, &1),
            Err(Errno::ENOPROTOOPT)
        );
        assert_eq!(getsockopt(&fd, SOL_SOCKET, bogus), Err(Errno::ENOPROTOOPT));
        let mut optval = [0u8; 4];
        assert_eq!(
            unsafe { getsockopt_raw(&fd, SOL_SOCKET, 9999, &mut optval) },
            Err(Errno::ENOPROTOOPT)
        );
        assert_eq!(getpeername(&fd).err(), Some(Errno::ENOTCONN));
        assert_eq!(shutdown(&fd, SHUT_WR), Err(Errno::ENOTCONN));
        assert_eq!(listen(&fd, SOMAXCONN), Ok(()));
        assert_eq!(close(fd), Ok(()));

        let udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socket");
        assert_eq!(listen(&udp, 1), Err(Errno::EOPNOTSUPP));
        #[cfg(any(target_os = "linux", target_os = "android"))]
        assert_eq!(tcp_info(&udp), Err(Errno::EOPNOTSUPP));
        drop(udp);
    });
}

fn socketpairs() {
    no_leak(|i| {
        let ty = if i % 2 == 0 { SOCK_STREAM } else { SOCK_DGRAM };
        let (a, b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).expect("socketpair");
        assert_eq!(send(&a, b"hi", 0), Ok(2));
        let mut buf = [0u8; 2];
        assert_eq!(recv(&b, &mut buf, 0), Ok(2));
        assert_eq!(recv(&b, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
        if i % 4 < 2 {
            assert_eq!(close(a), Ok(()));
            drop(b);
        } else {
            drop(b);
            drop(a);
        }
    });
}

fn std_conversions() {
    no_leak(|_| {
        let (listener, addr) = listener();
        let std_listener = TcpListener::from(listener);
        assert_eq!(
            std_listener.local_addr().expect("local_addr"),
            addr.as_socket().expect("inet")
        );
        let listener = Socket::from(std_listener);

        let (client, server) = connected(&listener, &addr);
        let std_client = TcpStream::from(client);
        assert_eq!(
            std_client.peer_addr().expect("peer_addr"),
            addr.as_socket().expect("inet")
        );
        let client = Socket::from(std_client);
        assert_eq!(send(&client, b"a", 0), Ok(1));
        let mut buf = [0u8; 1];
        assert_eq!(recv(&server, &mut buf, 0), Ok(1));
        drop((client, server));
        // std's types close on drop too, and `close` takes them directly.
        let (client, server) = connected(&listener, &addr);
        assert_eq!(close(TcpStream::from(client)), Ok(()));
        drop(TcpStream::from(server));
        drop(TcpListener::from(listener));

        let udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socket");
        bind(&udp, &loopback()).expect("bind");
        let std_udp = UdpSocket::from(udp);
        assert!(std_udp.local_addr().is_ok());
        drop(Socket::from(std_udp));

        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
        let (a, b) = (UnixStream::from(a), UnixStream::from(b));
        assert!(a.peer_addr().is_ok());
        drop((Socket::from(a), b));

        let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair");
        let (a, b) = (UnixDatagram::from(a), UnixDatagram::from(b));
        assert_eq!(a.send(b"d").expect("send"), 1);
        drop((Socket::from(a), b));

        let unix = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
        let std_unix = UnixListener::from(unix);
        assert!(std_unix.local_addr().is_ok());
        drop(Socket::from(std_unix));
    });
}

fn owned_and_raw_fds() {
    no_leak(|_| {
        let fd = tcp();
        let raw = fd.as_raw_fd();
        let owned = OwnedFd::from(fd);
        assert_eq!(owned.as_raw_fd(), raw, "the descriptor moves, no dup");
        let fd = Socket::from(owned);
        assert_eq!(fd.as_raw_fd(), raw);
        assert_eq!(close(OwnedFd::from(fd)), Ok(()));

        let fd = tcp();
        let raw = fd.into_raw_fd();
        // SAFETY: `raw` was just given up by `into_raw_fd`; nothing else owns it.
        let fd = unsafe { Socket::from_raw_fd(raw) };
        assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_TYPE), Ok(SOCK_STREAM));
        drop(fd);

        let fd = tcp();
        let dup = OwnedFd::from(fd).try_clone().expect("dup");
        assert_eq!(close(Socket::from(dup)), Ok(()));
    });
}

/// The connection-table lookups each open a netlink socket (sock_diag) or a file
/// (/proc): a connection found, one missing (sock_diag's second request, the dump),
/// and the errors before any table.
#[cfg(target_os = "linux")]
fn connection_table_lookups() {
    let (l, addr) = listener();
    let (client, _server) = connected(&l, &addr);
    let local = getsockname(&client).expect("getsockname");
    let unknown = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 1)));
    let unix = SockAddr::unnamed();
    no_leak(|_| {
        for table in [TcpTable::SockDiag, TcpTable::Proc] {
            assert_eq!(
                tcp_state_in(table, &local, &addr),
                Ok(Some(TCP_ESTABLISHED))
            );
            assert_eq!(tcp_state_in(table, &unknown, &addr), Ok(None));
            assert_eq!(tcp_state_in(table, &unix, &addr), Err(Errno::EAFNOSUPPORT));
        }
        assert_eq!(tcp_state_of(&local, &addr), Ok(Some(TCP_ESTABLISHED)));
    });
}

fn main() {
    // The same count either way: a leak with the trace on would be a leak all the same,
    // but its lines would flood stderr.
    trace::disable();

    #[allow(unused_mut)]
    let mut scenarios: Vec<(&str, fn())> = vec![
        ("the count sees an open socket", counter_sees_an_open_socket),
        ("tcp session, dropped", tcp_session_dropped),
        ("tcp session, close()d", tcp_session_closed_explicitly),
        ("error paths", error_paths),
        ("socketpair", socketpairs),
        ("std conversions", std_conversions),
        ("OwnedFd and raw descriptors", owned_and_raw_fds),
    ];
    #[cfg(target_os = "linux")]
    scenarios.push(("connection table lookups", connection_table_lookups));
    let mut passed = 0;
    let mut failed = 0;
    for (name, scenario) in scenarios {
        match panic::catch_unwind(AssertUnwindSafe(scenario)) {
            Ok(()) => {
                passed += 1;
                println!("ok     {name}");
            }
            Err(_) => {
                failed += 1;
                println!("FAILED {name}");
            }
        }
    }
    println!("fd_leaks: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
