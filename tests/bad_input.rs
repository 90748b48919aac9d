//! The bad-input catalogue (docs/BAD_INPUT.md), one test per row: each feeds one bad
//! input to the public API and asserts the exact result, the `Errno`, `GaiError` or
//! `HError` a C program would see (or the documented value where C reports no error).
//!
//! The rows' bodies live in [`row`] so that `tests/resources.rs` can run every one of
//! them 10,000 times, with the trace off and on, under a descriptor count and a
//! counting allocator: that is where "nothing leaked" is shown for each row. Here each
//! `#[test]` only calls its row.
//!
//! Every socket is made with `SOCK_CLOEXEC`; every address is on loopback with port 0
//! read back by `getsockname`; no lookup leaves /etc/hosts, /etc/services or
//! /etc/protocols (numeric hosts only). Nothing here blocks: each call returns at once
//! (`MSG_DONTWAIT`, `SOCK_NONBLOCK`, zero timeouts) or the row makes sure it has
//! something to return.

// tests/resources.rs includes this file as a module and uses only `row` and `ROWS`;
// here `ROWS` is unused.
#![allow(dead_code)]

use std::ffi::c_int;
use std::io::{IoSlice, IoSliceMut};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::path::PathBuf;

use sockapi::*;

const V4: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
const V6: SocketAddr = SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 0));

fn family_of(ip: &SocketAddr) -> AddressFamily {
    if ip.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    }
}

/// `socket(family of ip, ty | SOCK_CLOEXEC, 0)`.
fn sock(ip: SocketAddr, ty: SockType) -> Socket {
    socket(family_of(&ip), ty | SOCK_CLOEXEC, 0).expect("socket")
}

fn tcp(ip: SocketAddr) -> Socket {
    sock(ip, SOCK_STREAM)
}

fn udp(ip: SocketAddr) -> Socket {
    sock(ip, SOCK_DGRAM)
}

/// A UDP socket bound to `ip`, port 0, and the address it got.
fn bound_udp(ip: SocketAddr) -> (Socket, SockAddr) {
    let fd = udp(ip);
    bind(&fd, &ip).expect("bind");
    let addr = getsockname(&fd).expect("getsockname");
    (fd, addr)
}

/// A TCP socket bound to `ip`, port 0, not listening, and its address: a port that
/// refuses connections for as long as the socket lives (no one else can take it).
fn refusing(ip: SocketAddr) -> (Socket, SockAddr) {
    let fd = tcp(ip);
    bind(&fd, &ip).expect("bind");
    let addr = getsockname(&fd).expect("getsockname");
    (fd, addr)
}

/// A listening TCP socket on `ip`, port 0, and its address.
fn listener(ip: SocketAddr) -> (Socket, SockAddr) {
    let (fd, addr) = refusing(ip);
    listen(&fd, SOMAXCONN).expect("listen");
    (fd, addr)
}

/// A connected TCP pair over loopback: (client, accepted end). Both ends have
/// `SO_LINGER` 0, so that closing them resets the connection instead of leaving it in
/// `TIME_WAIT`: tests/resources.rs makes tens of thousands of these.
fn tcp_pair(ip: SocketAddr) -> (Socket, Socket) {
    let (l, addr) = listener(ip);
    let c = tcp(ip);
    connect(&c, &addr).expect("connect");
    let (s, _) = accept4(&l, SOCK_CLOEXEC).expect("accept4");
    let reset = linger {
        l_onoff: 1,
        l_linger: 0,
    };
    setsockopt(&c, SOL_SOCKET, SO_LINGER, &reset).expect("SO_LINGER");
    setsockopt(&s, SOL_SOCKET, SO_LINGER, &reset).expect("SO_LINGER");
    (c, s)
}

fn unix_pair(ty: SockType) -> (Socket, Socket) {
    socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).expect("socketpair")
}

/// A descriptor that is not a socket.
fn not_a_socket() -> std::fs::File {
    std::fs::File::open("/dev/null").expect("open /dev/null")
}

/// A descriptor number below `FD_SETSIZE` that is not open in this process (checked
/// with `fcntl(F_GETFD)`): what a C program holds after `close`.
fn closed_fd_number() -> RawFd {
    // Below 64, so inside the kernel's descriptor table however small it is (select
    // ignores bits past the table's end), and above any number this process uses.
    let fd = 60;
    // SAFETY: F_GETFD reads the descriptor's flags and touches no memory.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    assert_eq!(flags, -1, "descriptor {fd} is open");
    assert_eq!(Errno::last(), Errno::EBADF);
    fd
}

/// A name for Unix paths and abstract names that no other process or row uses.
fn unique(what: &str) -> String {
    format!("sockapi-bad_input-{}-{what}", std::process::id())
}

/// A filesystem path for a Unix socket, removed before use and on drop.
struct UnixPath(PathBuf);

impl UnixPath {
    fn new(what: &str) -> UnixPath {
        let path = std::env::temp_dir().join(unique(what));
        let _ = std::fs::remove_file(&path);
        UnixPath(path)
    }
    fn addr(&self) -> SockAddr {
        SockAddr::unix(&self.0).expect("SockAddr::unix")
    }
}

impl Drop for UnixPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// glibc's `EAI_ADDRFAMILY` (not in POSIX; this crate has no constant for it).
const EAI_ADDRFAMILY: c_int = -9;

fn gai_err(r: Result<AddrInfoList, GaiError>) -> GaiError {
    match r {
        Ok(_) => panic!("getaddrinfo succeeded"),
        Err(e) => e,
    }
}

fn numeric() -> AddrInfoHints {
    let mut hints = AddrInfoHints::default();
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints
}

/// A forged address: `family` then `rest`, `len` bytes in all.
fn forged(family: AddressFamily, len: usize) -> SockAddr {
    let mut bytes = [0u8; 128];
    let f = (family.as_raw() as sa_family_t).to_ne_bytes();
    bytes[..2].copy_from_slice(&f);
    SockAddr::from_bytes(&bytes[..len]).expect("from_bytes")
}

/// Declares each row once: its body in `row`, a `#[test]` of the same name that runs
/// it, and its entry in `ROWS` (for tests/resources.rs).
macro_rules! rows {
    ($( $(#[doc = $doc:literal])* fn $name:ident() $body:block )*) => {
        /// The rows' bodies.
        pub mod row {
            #[allow(unused_imports)]
            use super::*;
            $( $(#[doc = $doc])* pub fn $name() $body )*
        }
        $( #[test] fn $name() { row::$name() } )*
        /// Every row, by name.
        pub const ROWS: &[(&str, fn())] = &[$((stringify!($name), row::$name as fn())),*];
    };
}

rows! {
    // ---- socket, socketpair ----

    fn socket_unknown_family() {
        let r = socket(AddressFamily::from_raw(12345), SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_eq!(r.err(), Some(Errno::EAFNOSUPPORT));
    }

    fn socket_negative_family() {
        let r = socket(AddressFamily::from_raw(-1), SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_eq!(r.err(), Some(Errno::EAFNOSUPPORT));
    }

    fn socket_unknown_type() {
        let r = socket(AF_INET, SockType::from_raw(12345) | SOCK_CLOEXEC, 0);
        assert_eq!(r.err(), Some(Errno::EINVAL));
    }

    fn socket_unknown_type_flag() {
        let r = socket(AF_INET, SockType::from_raw(libc::SOCK_STREAM | 0x4000_0000), 0);
        assert_eq!(r.err(), Some(Errno::EINVAL));
    }

    fn socket_stream_with_udp() {
        let r = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_UDP);
        assert_eq!(r.err(), Some(Errno::EPROTONOSUPPORT));
    }

    fn socket_dgram_with_tcp() {
        let r = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_TCP);
        assert_eq!(r.err(), Some(Errno::EPROTONOSUPPORT));
    }

    fn socket_unknown_protocol() {
        let r = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 250);
        assert_eq!(r.err(), Some(Errno::EPROTONOSUPPORT));
    }

    fn socket_unix_with_tcp() {
        let r = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
        assert_eq!(r.err(), Some(Errno::EPROTONOSUPPORT));
    }

    fn socket_inet_seqpacket() {
        let r = socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        assert_eq!(r.err(), Some(Errno::ESOCKTNOSUPPORT));
    }

    fn socketpair_inet() {
        let r = socketpair(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_eq!(r.err(), Some(Errno::EOPNOTSUPP));
    }

    fn socketpair_unknown_family() {
        let r = socketpair(AddressFamily::from_raw(12345), SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_eq!(r.err(), Some(Errno::EAFNOSUPPORT));
    }

    fn socketpair_unknown_type() {
        let r = socketpair(AF_UNIX, SockType::from_raw(99) | SOCK_CLOEXEC, 0);
        assert_eq!(r.err(), Some(Errno::EINVAL));
    }

    // ---- bind ----

    fn bind_in_use_v4() {
        let (_held, addr) = refusing(V4);
        assert_eq!(bind(&tcp(V4), &addr), Err(Errno::EADDRINUSE));
    }

    fn bind_in_use_v6() {
        let (_held, addr) = refusing(V6);
        assert_eq!(bind(&tcp(V6), &addr), Err(Errno::EADDRINUSE));
    }

    fn bind_twice() {
        let (fd, _) = refusing(V4);
        assert_eq!(bind(&fd, &V4), Err(Errno::EINVAL));
    }

    fn bind_v6_address_on_v4_socket() {
        assert_eq!(bind(&tcp(V4), &V6), Err(Errno::EAFNOSUPPORT));
    }

    fn bind_v4_address_on_v6_socket() {
        assert_eq!(bind(&tcp(V6), &V4), Err(Errno::EINVAL));
    }

    fn bind_short_v4_address() {
        assert_eq!(bind(&tcp(V4), &forged(AF_INET, 8)), Err(Errno::EINVAL));
    }

    fn bind_one_byte_address() {
        assert_eq!(bind(&tcp(V4), &SockAddr::from_bytes(&[2]).unwrap()), Err(Errno::EINVAL));
    }

    fn bind_unix_address_on_inet_socket() {
        let path = UnixPath::new("bind-unix-on-inet");
        assert_eq!(bind(&tcp(V4), &path.addr()), Err(Errno::EAFNOSUPPORT));
    }

    fn bind_inet_address_on_unix_socket() {
        let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(bind(&fd, &V4), Err(Errno::EINVAL));
    }

    fn bind_unix_path_in_missing_directory() {
        let addr = SockAddr::unix("/nonexistent-sockapi-dir/sock").unwrap();
        let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(bind(&fd, &addr), Err(Errno::ENOENT));
    }

    fn bind_unix_path_that_exists() {
        let path = UnixPath::new("bind-exists");
        let a = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&a, &path.addr()).unwrap();
        let b = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(bind(&b, &path.addr()), Err(Errno::EADDRINUSE));
    }

    fn bind_abstract_name_in_use() {
        let addr = SockAddr::abstract_name(unique("bind-abstract").as_bytes()).unwrap();
        let a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&a, &addr).unwrap();
        let b = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(bind(&b, &addr), Err(Errno::EADDRINUSE));
    }

    fn bind_on_a_file() {
        assert_eq!(bind(&not_a_socket(), &V4), Err(Errno::ENOTSOCK));
    }

    // ---- listen, accept ----

    fn listen_on_udp() {
        assert_eq!(listen(&udp(V4), SOMAXCONN), Err(Errno::EOPNOTSUPP));
    }

    fn listen_on_unix_datagram() {
        let (a, _b) = unix_pair(SOCK_DGRAM);
        assert_eq!(listen(&a, SOMAXCONN), Err(Errno::EOPNOTSUPP));
    }

    fn listen_on_connected_tcp() {
        let (c, _s) = tcp_pair(V4);
        assert_eq!(listen(&c, SOMAXCONN), Err(Errno::EINVAL));
    }

    fn listen_on_unbound_unix_stream() {
        let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(listen(&fd, SOMAXCONN), Err(Errno::EINVAL));
    }

    fn listen_on_a_file() {
        assert_eq!(listen(&not_a_socket(), SOMAXCONN), Err(Errno::ENOTSOCK));
    }

    fn listen_negative_backlog() {
        // Linux takes a negative backlog as 0 (and caps large ones at somaxconn).
        let (fd, _) = refusing(V4);
        assert_eq!(listen(&fd, -1), Ok(()));
    }

    fn accept_on_non_listening() {
        let (fd, _) = refusing(V4);
        assert_eq!(accept(&fd).err(), Some(Errno::EINVAL));
    }

    fn accept_on_udp() {
        let (fd, _) = bound_udp(V4);
        assert_eq!(accept(&fd).err(), Some(Errno::EOPNOTSUPP));
    }

    fn accept_nonblocking_none_pending() {
        let fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
        bind(&fd, &V4).unwrap();
        listen(&fd, SOMAXCONN).unwrap();
        assert_eq!(accept(&fd).err(), Some(Errno::EAGAIN));
    }

    fn accept4_unknown_flags() {
        let (l, _) = listener(V4);
        assert_eq!(accept4(&l, SockFlag::from_raw(1)).err(), Some(Errno::EINVAL));
    }

    fn accept_on_a_file() {
        assert_eq!(accept(&not_a_socket()).err(), Some(Errno::ENOTSOCK));
    }

    // ---- connect ----

    fn connect_refused_v4() {
        let (_held, addr) = refusing(V4);
        assert_eq!(connect(&tcp(V4), &addr), Err(Errno::ECONNREFUSED));
    }

    fn connect_refused_v6() {
        let (_held, addr) = refusing(V6);
        assert_eq!(connect(&tcp(V6), &addr), Err(Errno::ECONNREFUSED));
    }

    fn connect_twice() {
        let (c, _s) = tcp_pair(V4);
        let addr = getpeername(&c).unwrap();
        assert_eq!(connect(&c, &addr), Err(Errno::EISCONN));
    }

    fn connect_v6_address_on_v4_socket() {
        assert_eq!(connect(&tcp(V4), &V6), Err(Errno::EAFNOSUPPORT));
    }

    fn connect_short_address() {
        assert_eq!(connect(&tcp(V4), &forged(AF_INET, 8)), Err(Errno::EINVAL));
    }

    fn connect_one_byte_address() {
        assert_eq!(connect(&tcp(V4), &SockAddr::from_bytes(&[2]).unwrap()), Err(Errno::EINVAL));
    }

    fn connect_listening_socket() {
        let (l, addr) = listener(V4);
        assert_eq!(connect(&l, &addr), Err(Errno::EISCONN));
    }

    fn connect_unix_missing_path() {
        let path = UnixPath::new("connect-missing");
        let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(connect(&fd, &path.addr()), Err(Errno::ENOENT));
    }

    fn connect_unix_regular_file() {
        let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let addr = SockAddr::unix("/dev/null").unwrap();
        assert_eq!(connect(&fd, &addr), Err(Errno::ECONNREFUSED));
    }

    fn connect_abstract_unbound() {
        let addr = SockAddr::abstract_name(unique("connect-unbound").as_bytes()).unwrap();
        let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(connect(&fd, &addr), Err(Errno::ECONNREFUSED));
    }

    fn connect_unix_not_listening() {
        let addr = SockAddr::abstract_name(unique("connect-not-listening").as_bytes()).unwrap();
        let a = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&a, &addr).unwrap();
        let b = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(connect(&b, &addr), Err(Errno::ECONNREFUSED));
    }

    fn connect_stream_to_datagram_unix() {
        let addr = SockAddr::abstract_name(unique("connect-type").as_bytes()).unwrap();
        let a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&a, &addr).unwrap();
        let b = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(connect(&b, &addr), Err(Errno::ECONNREFUSED));
    }

    fn connect_on_a_file() {
        assert_eq!(connect(&not_a_socket(), &V4), Err(Errno::ENOTSOCK));
    }

    // ---- shutdown, getsockname, getpeername, close ----

    fn shutdown_unconnected_tcp() {
        assert_eq!(shutdown(&tcp(V4), SHUT_WR), Err(Errno::ENOTCONN));
    }

    fn shutdown_unconnected_udp() {
        assert_eq!(shutdown(&udp(V4), SHUT_RDWR), Err(Errno::ENOTCONN));
    }

    fn shutdown_unknown_how() {
        let (c, _s) = tcp_pair(V4);
        assert_eq!(shutdown(&c, ShutdownHow::from_raw(7)), Err(Errno::EINVAL));
    }

    fn shutdown_on_a_file() {
        assert_eq!(shutdown(&not_a_socket(), SHUT_RD), Err(Errno::ENOTSOCK));
    }

    fn getpeername_unconnected() {
        assert_eq!(getpeername(&tcp(V4)).err(), Some(Errno::ENOTCONN));
    }

    fn getpeername_listener() {
        let (l, _) = listener(V6);
        assert_eq!(getpeername(&l).err(), Some(Errno::ENOTCONN));
    }

    fn getsockname_on_a_file() {
        assert_eq!(getsockname(&not_a_socket()).err(), Some(Errno::ENOTSOCK));
    }

    fn file_wrapped_as_socket() {
        let fd = Socket::from(OwnedFd::from(not_a_socket()));
        assert_eq!(recv(&fd, &mut [0u8; 4], MSG_DONTWAIT), Err(Errno::ENOTSOCK));
        assert_eq!(close(fd), Ok(()));
    }

    // ---- send, recv, sendto, recvfrom, sendall, Read/Write ----

    fn send_unconnected_tcp() {
        assert_eq!(send(&tcp(V4), b"x", MSG_NOSIGNAL), Err(Errno::EPIPE));
    }

    fn send_unconnected_udp() {
        assert_eq!(send(&udp(V4), b"x", 0), Err(Errno::EDESTADDRREQ));
    }

    fn send_unconnected_unix_datagram() {
        let fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(send(&fd, b"x", 0), Err(Errno::ENOTCONN));
    }

    fn send_on_listener() {
        let (l, _) = listener(V4);
        assert_eq!(send(&l, b"x", MSG_NOSIGNAL), Err(Errno::EPIPE));
    }

    fn send_after_shutdown_wr() {
        let (c, _s) = tcp_pair(V4);
        shutdown(&c, SHUT_WR).unwrap();
        assert_eq!(send(&c, b"x", MSG_NOSIGNAL), Err(Errno::EPIPE));
    }

    fn send_oversized_datagram() {
        let (rx, addr) = bound_udp(V4);
        let tx = udp(V4);
        connect(&tx, &addr).unwrap();
        let big = vec![0u8; 70_000];
        assert_eq!(send(&tx, &big, 0), Err(Errno::EMSGSIZE));
        drop(rx);
    }

    fn send_on_a_file() {
        assert_eq!(send(&not_a_socket(), b"x", 0), Err(Errno::ENOTSOCK));
    }

    fn send_oob_on_udp() {
        let (rx, addr) = bound_udp(V4);
        assert_eq!(sendto(&udp(V4), b"x", MSG_OOB, &addr), Err(Errno::EOPNOTSUPP));
        drop(rx);
    }

    fn send_unknown_flag() {
        // Linux ignores send flags it does not know: the datagram goes.
        let (a, b) = unix_pair(SOCK_DGRAM);
        assert_eq!(send(&a, b"x", MsgFlags::from_raw(0x2000_0000)), Ok(1));
        assert_eq!(recv(&b, &mut [0u8; 4], MSG_DONTWAIT), Ok(1));
    }

    fn recv_nothing_queued_dontwait() {
        let (a, _b) = unix_pair(SOCK_STREAM);
        assert_eq!(recv(&a, &mut [0u8; 8], MSG_DONTWAIT), Err(Errno::EAGAIN));
    }

    fn recv_nothing_queued_nonblocking() {
        let (a, _b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(recv(&a, &mut [0u8; 8], 0), Err(Errno::EAGAIN));
    }

    fn recv_oob_none_pending() {
        let (c, _s) = tcp_pair(V4);
        assert_eq!(recv(&c, &mut [0u8; 1], MSG_OOB | MSG_DONTWAIT), Err(Errno::EINVAL));
    }

    fn recv_oob_on_unix_datagram() {
        let (a, _b) = unix_pair(SOCK_DGRAM);
        assert_eq!(recv(&a, &mut [0u8; 4], MSG_OOB | MSG_DONTWAIT), Err(Errno::EOPNOTSUPP));
    }

    fn recv_unconnected_tcp() {
        assert_eq!(recv(&tcp(V4), &mut [0u8; 8], 0), Err(Errno::ENOTCONN));
    }

    fn recv_on_listener() {
        let (l, _) = listener(V4);
        assert_eq!(recv(&l, &mut [0u8; 8], MSG_DONTWAIT), Err(Errno::ENOTCONN));
    }

    fn recv_errqueue_empty() {
        let (fd, _) = bound_udp(V4);
        assert_eq!(recv(&fd, &mut [0u8; 8], MSG_ERRQUEUE), Err(Errno::EAGAIN));
    }

    fn recv_into_empty_buffer() {
        let (a, b) = unix_pair(SOCK_DGRAM);
        send(&b, b"hello", 0).unwrap();
        assert_eq!(recv(&a, &mut [], MSG_DONTWAIT), Ok(0));
        assert_eq!(recv(&a, &mut [0u8; 8], MSG_DONTWAIT), Err(Errno::EAGAIN));
    }

    fn recv_on_a_file() {
        assert_eq!(recv(&not_a_socket(), &mut [0u8; 8], 0), Err(Errno::ENOTSOCK));
    }

    fn sendto_port_zero() {
        assert_eq!(sendto(&udp(V4), b"x", 0, &V4), Err(Errno::EINVAL));
    }

    fn sendto_v6_address_on_v4_udp() {
        let (_rx, addr) = bound_udp(V6);
        assert_eq!(sendto(&udp(V4), b"x", 0, &addr), Err(Errno::EAFNOSUPPORT));
    }

    fn sendto_short_address() {
        assert_eq!(sendto(&udp(V4), b"x", 0, &forged(AF_INET, 8)), Err(Errno::EINVAL));
    }

    fn sendto_unix_missing_path() {
        let path = UnixPath::new("sendto-missing");
        let fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(sendto(&fd, b"x", 0, &path.addr()), Err(Errno::ENOENT));
    }

    fn sendto_address_on_connected_unix_stream() {
        let (a, _b) = unix_pair(SOCK_STREAM);
        let addr = SockAddr::abstract_name(unique("sendto-stream").as_bytes()).unwrap();
        assert_eq!(sendto(&a, b"x", 0, &addr), Err(Errno::EISCONN));
    }

    fn sendto_inet_address_from_unix_datagram() {
        let fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        let (_rx, addr) = bound_udp(V4);
        assert_eq!(sendto(&fd, b"x", 0, &addr), Err(Errno::EINVAL));
    }

    fn recvfrom_nothing_queued() {
        let (fd, _) = bound_udp(V6);
        assert_eq!(recvfrom(&fd, &mut [0u8; 8], MSG_DONTWAIT).err(), Some(Errno::EAGAIN));
    }

    fn recvfrom_unconnected_tcp() {
        assert_eq!(recvfrom(&tcp(V4), &mut [0u8; 8], 0).err(), Some(Errno::ENOTCONN));
    }

    fn sendall_unconnected_udp() {
        let e = sendall(&udp(V4), b"hello", 0).unwrap_err();
        assert_eq!((e.errno(), e.sent(), e.total()), (Errno::EDESTADDRREQ, 0, 5));
    }

    fn sendall_after_shutdown_wr() {
        let (c, _s) = tcp_pair(V4);
        shutdown(&c, SHUT_WR).unwrap();
        let e = sendall(&c, b"hello", MSG_NOSIGNAL).unwrap_err();
        assert_eq!((e.errno(), e.sent(), e.total()), (Errno::EPIPE, 0, 5));
    }

    fn io_read_would_block() {
        use std::io::Read;
        let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
        let e = (&a).read(&mut [0u8; 8]).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EAGAIN));
        assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
    }

    fn io_write_unconnected_udp() {
        use std::io::Write;
        let e = (&udp(V4)).write(b"x").unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EDESTADDRREQ));
    }

    // ---- sendmsg, recvmsg, control messages ----

    fn cmsg_rights_buffer_too_small() {
        let (a, _b) = unix_pair(SOCK_STREAM);
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut b = CmsgBuilder::new(&mut buf);
        // Two descriptors fit in CMSG_SPACE(4) (its data is padded to 8 bytes); three do not.
        assert_eq!(b.rights(&[a.as_fd(); 3]).err(), Some(Errno::ENOBUFS));
        assert!(b.is_empty());
    }

    fn cmsg_credentials_buffer_too_small() {
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut b = CmsgBuilder::new(&mut buf);
        let cred = ucred { pid: 1, uid: 0, gid: 0 };
        assert_eq!(b.credentials(cred).err(), Some(Errno::ENOBUFS));
    }

    fn cmsg_ip_pktinfo_buffer_too_small() {
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(8) }>::new();
        let mut b = CmsgBuilder::new(&mut buf);
        assert_eq!(b.ip_pktinfo(sys::in_pktinfo { ipi_ifindex: 0, ipi_spec_dst: zeroed(), ipi_addr: zeroed() }).err(), Some(Errno::ENOBUFS));
    }

    fn cmsg_ipv6_pktinfo_buffer_too_small() {
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(16) }>::new();
        let mut b = CmsgBuilder::new(&mut buf);
        assert_eq!(b.ipv6_pktinfo(sys::in6_pktinfo { ipi6_addr: zeroed(), ipi6_ifindex: 0 }).err(), Some(Errno::ENOBUFS));
    }

    fn cmsg_ip_ttl_empty_buffer() {
        let mut b = CmsgBuilder::new(&mut []);
        assert_eq!(b.ip_ttl(64).err(), Some(Errno::ENOBUFS));
    }

    fn cmsg_ip_tos_misaligned_buffer() {
        // A buffer a header's alignment past the start is skipped to an aligned
        // start, and what is left is too small.
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut b = CmsgBuilder::new(&mut buf[1..]);
        assert_eq!(b.ip_tos(0x10).err(), Some(Errno::ENOBUFS));
    }

    fn cmsg_second_message_does_not_fit() {
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut b = CmsgBuilder::new(&mut buf);
        b.ip_ttl(64).unwrap();
        assert_eq!(b.ip_tos(0x10).err(), Some(Errno::ENOBUFS));
        assert_eq!(b.len(), CMSG_SPACE(4));
    }

    fn sendmsg_too_many_rights() {
        // SCM_MAX_FD is 253: one more is refused by the kernel.
        let (a, b) = unix_pair(SOCK_STREAM);
        let fds = [a.as_fd(); 254];
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(254 * 4) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        builder.rights(&fds).unwrap();
        let control = builder.finish();
        let iov = [IoSlice::new(b"x")];
        assert_eq!(sendmsg(&b, &MsgHdr::new(None, &iov, control), 0), Err(Errno::EINVAL));
    }

    fn sendmsg_rights_over_udp() {
        // Linux ignores SCM_RIGHTS on an Internet socket: the datagram goes, no
        // descriptor with it.
        let (rx, addr) = bound_udp(V4);
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        builder.rights(&[rx.as_fd()]).unwrap();
        let control = builder.finish();
        let iov = [IoSlice::new(b"x")];
        let tx = udp(V4);
        assert_eq!(sendmsg(&tx, &MsgHdr::new(Some(&addr), &iov, control), 0), Ok(1));
        let mut data = [0u8; 4];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut room = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut msg = MsgHdrMut::new(&mut iov, &mut room);
        assert_eq!(recvmsg(&rx, &mut msg, MSG_DONTWAIT), Ok(1));
        assert_eq!(msg.cmsgs().count(), 0);
    }

    fn sendmsg_ip_ttl_out_of_range() {
        let (_rx, addr) = bound_udp(V4);
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        builder.ip_ttl(256).unwrap();
        let control = builder.finish();
        let iov = [IoSlice::new(b"x")];
        assert_eq!(sendmsg(&udp(V4), &MsgHdr::new(Some(&addr), &iov, control), 0), Err(Errno::EINVAL));
    }

    fn sendmsg_ip_tos_out_of_range() {
        let (_rx, addr) = bound_udp(V4);
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        builder.ip_tos(256).unwrap();
        let control = builder.finish();
        let iov = [IoSlice::new(b"x")];
        assert_eq!(sendmsg(&udp(V4), &MsgHdr::new(Some(&addr), &iov, control), 0), Err(Errno::EINVAL));
    }

    fn sendmsg_unconnected_udp() {
        let iov = [IoSlice::new(b"x")];
        assert_eq!(sendmsg(&udp(V4), &MsgHdr::new(None, &iov, Control::NONE), 0), Err(Errno::EDESTADDRREQ));
    }

    fn sendmsg_on_a_file() {
        let iov = [IoSlice::new(b"x")];
        assert_eq!(sendmsg(&not_a_socket(), &MsgHdr::new(None, &iov, Control::NONE), 0), Err(Errno::ENOTSOCK));
    }

    fn sendmsg_too_many_iovecs() {
        // IOV_MAX is 1024.
        let (a, _b) = unix_pair(SOCK_DGRAM);
        let iov = vec![IoSlice::new(b"x"); 1025];
        assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0), Err(Errno::EMSGSIZE));
    }

    fn recvmsg_too_many_iovecs() {
        let (a, _b) = unix_pair(SOCK_DGRAM);
        let mut bufs = vec![[0u8; 1]; 1025];
        let mut iov: Vec<IoSliceMut<'_>> = bufs.iter_mut().map(|b| IoSliceMut::new(b)).collect();
        let mut msg = MsgHdrMut::new(&mut iov, &mut []);
        assert_eq!(recvmsg(&a, &mut msg, MSG_DONTWAIT), Err(Errno::EMSGSIZE));
    }

    fn recvmsg_nothing_queued() {
        let (a, _b) = unix_pair(SOCK_DGRAM);
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut []);
        assert_eq!(recvmsg(&a, &mut msg, MSG_DONTWAIT), Err(Errno::EAGAIN));
    }

    fn recvmsg_control_too_small_for_rights() {
        // Two descriptors sent, room for none: MSG_CTRUNC, and the kernel closes
        // what did not fit (nothing arrives, nothing leaks).
        let (a, b) = unix_pair(SOCK_STREAM);
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(8) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        builder.rights(&[a.as_fd(), b.as_fd()]).unwrap();
        let control = builder.finish();
        let iov = [IoSlice::new(b"x")];
        assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, control), 0), Ok(1));
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut small = [0u8; 4];
        let mut msg = MsgHdrMut::new(&mut iov, &mut small);
        assert_eq!(recvmsg(&b, &mut msg, MSG_CMSG_CLOEXEC), Ok(1));
        assert!(msg.flags().contains(MSG_CTRUNC));
        assert_eq!(msg.cmsgs().count(), 0);
    }

    fn recvmsg_control_truncated_mid_rights() {
        // Three descriptors sent, room for two (CMSG_SPACE(4) holds 8 bytes of data):
        // two arrive owned, MSG_CTRUNC is set, the kernel closes the third.
        let (a, b) = unix_pair(SOCK_STREAM);
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(12) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        builder.rights(&[a.as_fd(), b.as_fd(), a.as_fd()]).unwrap();
        let control = builder.finish();
        let iov = [IoSlice::new(b"x")];
        assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, control), 0), Ok(1));
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut room = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut msg = MsgHdrMut::new(&mut iov, &mut room);
        assert_eq!(recvmsg(&b, &mut msg, MSG_CMSG_CLOEXEC), Ok(1));
        assert!(msg.flags().contains(MSG_CTRUNC));
        let mut got = 0;
        for c in msg.cmsgs() {
            if let ControlMessage::Rights(fds) = c {
                got += fds.count();
            }
        }
        assert_eq!(got, 2);
    }

    fn parse_control_bytes_garbage() {
        // A control buffer whose cmsg_len claims more than the buffer holds.
        let mut bytes = [0xffu8; 24];
        bytes[..8].copy_from_slice(&1000u64.to_ne_bytes());
        assert_eq!(parse_control_bytes(&bytes).count(), 0);
    }

    // ---- sendmmsg, recvmmsg ----

    fn sendmmsg_unconnected_udp() {
        let iov = [IoSlice::new(b"x")];
        let mut msgs = [MMsgHdr::new(MsgHdr::new(None, &iov, Control::NONE))];
        assert_eq!(sendmmsg(&udp(V4), &mut msgs, 0), Err(Errno::EDESTADDRREQ));
    }

    fn sendmmsg_no_messages() {
        let (a, _b) = unix_pair(SOCK_DGRAM);
        assert_eq!(sendmmsg(&a, &mut [], 0), Ok(0));
    }

    fn recvmmsg_nothing_queued() {
        let (a, _b) = unix_pair(SOCK_DGRAM);
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut hdr = MsgHdrMut::new(&mut iov, &mut []);
        let mut msgs = [MMsgHdrMut::new(&mut hdr)];
        assert_eq!(recvmmsg(&a, &mut msgs, MSG_DONTWAIT, None), Err(Errno::EAGAIN));
    }

    fn recvmmsg_bad_timeout() {
        let (a, _b) = unix_pair(SOCK_DGRAM);
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut hdr = MsgHdrMut::new(&mut iov, &mut []);
        let mut msgs = [MMsgHdrMut::new(&mut hdr)];
        let mut ts = timespec { tv_sec: 0, tv_nsec: 2_000_000_000 };
        assert_eq!(recvmmsg(&a, &mut msgs, MSG_DONTWAIT, Some(&mut ts)), Err(Errno::EINVAL));
    }

    // ---- setsockopt, getsockopt ----

    fn setsockopt_option_at_wrong_level() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, SO_REUSEADDR, &1), Err(Errno::ENOPROTOOPT));
    }

    fn getsockopt_option_at_wrong_level() {
        assert_eq!(getsockopt(&tcp(V4), SOL_SOCKET, TCP_NODELAY).err(), Some(Errno::ENOPROTOOPT));
    }

    fn tcp_nodelay_on_udp() {
        assert_eq!(setsockopt(&udp(V4), IPPROTO_TCP, TCP_NODELAY, &1), Err(Errno::ENOPROTOOPT));
    }

    fn ipv6_v6only_on_v4_socket() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_IPV6, IPV6_V6ONLY, &1), Err(Errno::ENOPROTOOPT));
    }

    fn ip_ttl_zero() {
        assert_eq!(setsockopt(&udp(V4), IPPROTO_IP, IP_TTL, &0), Err(Errno::EINVAL));
    }

    fn ip_ttl_256() {
        assert_eq!(setsockopt(&udp(V4), IPPROTO_IP, IP_TTL, &256), Err(Errno::EINVAL));
    }

    fn ipv6_unicast_hops_256() {
        assert_eq!(setsockopt(&udp(V6), IPPROTO_IPV6, IPV6_UNICAST_HOPS, &256), Err(Errno::EINVAL));
    }

    fn ipv6_multicast_hops_minus_two() {
        assert_eq!(setsockopt(&udp(V6), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &-2), Err(Errno::EINVAL));
    }

    fn ip_multicast_ttl_256() {
        assert_eq!(setsockopt(&udp(V4), IPPROTO_IP, IP_MULTICAST_TTL, &256), Err(Errno::EINVAL));
    }

    fn ip_mtu_discover_unknown_mode() {
        assert_eq!(setsockopt(&udp(V4), IPPROTO_IP, IP_MTU_DISCOVER, &99), Err(Errno::EINVAL));
    }

    fn ip_mtu_unconnected() {
        assert_eq!(getsockopt(&udp(V4), IPPROTO_IP, IP_MTU).err(), Some(Errno::ENOTCONN));
    }

    fn tcp_maxseg_too_small() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_MAXSEG, &1), Err(Errno::EINVAL));
    }

    fn tcp_keepidle_zero() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_KEEPIDLE, &0), Err(Errno::EINVAL));
    }

    fn tcp_keepintvl_zero() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_KEEPINTVL, &0), Err(Errno::EINVAL));
    }

    fn tcp_keepcnt_zero() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_KEEPCNT, &0), Err(Errno::EINVAL));
    }

    fn tcp_syncnt_zero() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_SYNCNT, &0), Err(Errno::EINVAL));
    }

    fn tcp_user_timeout_negative() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_USER_TIMEOUT, &-1), Err(Errno::EINVAL));
    }

    fn tcp_congestion_unknown() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_CONGESTION, b"no-such-cc"), Err(Errno::ENOENT));
    }

    fn tcp_congestion_too_long() {
        let long = [b'x'; 40];
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_CONGESTION, &long[..]), Err(Errno::ENOENT));
    }

    fn tcp_congestion_empty() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_CONGESTION, b""), Err(Errno::EINVAL));
    }

    fn so_bindtodevice_unknown() {
        assert_eq!(setsockopt(&udp(V4), SOL_SOCKET, SO_BINDTODEVICE, b"nosuch0"), Err(Errno::ENODEV));
    }

    fn so_rcvtimeo_usec_too_big() {
        let tv = timeval { tv_sec: 0, tv_usec: 1_000_000 };
        assert_eq!(setsockopt(&udp(V4), SOL_SOCKET, SO_RCVTIMEO, &tv), Err(Errno::EDOM));
    }

    fn so_sndtimeo_negative_usec() {
        let tv = timeval { tv_sec: 1, tv_usec: -1 };
        assert_eq!(setsockopt(&udp(V4), SOL_SOCKET, SO_SNDTIMEO, &tv), Err(Errno::EDOM));
    }

    fn so_rcvtimeo_negative_seconds() {
        // Linux takes a negative timeout as none (0: block for ever), as it warns.
        let fd = udp(V4);
        let tv = timeval { tv_sec: -5, tv_usec: 0 };
        assert_eq!(setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &tv), Ok(()));
        let back = getsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO).unwrap();
        assert_eq!((back.tv_sec, back.tv_usec), (0, 0));
    }

    fn so_busy_poll_negative() {
        assert_eq!(setsockopt(&udp(V4), SOL_SOCKET, SO_BUSY_POLL, &-1), Err(Errno::EINVAL));
    }

    fn tcp_fastopen_negative() {
        assert_eq!(setsockopt(&tcp(V4), IPPROTO_TCP, TCP_FASTOPEN, &-1), Err(Errno::EINVAL));
    }

    fn ipv6_multicast_if_unknown_index() {
        assert_eq!(setsockopt(&udp(V6), IPPROTO_IPV6, IPV6_MULTICAST_IF, &9999), Err(Errno::ENODEV));
    }

    fn ip_add_membership_unicast_group() {
        let mut mreq: ip_mreq = zeroed();
        mreq.imr_multiaddr.s_addr = u32::from(Ipv4Addr::LOCALHOST).to_be();
        assert_eq!(setsockopt(&udp(V4), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq), Err(Errno::EINVAL));
    }

    fn ip_drop_membership_not_joined() {
        let mut mreq: ip_mreq = zeroed();
        mreq.imr_multiaddr.s_addr = u32::from(Ipv4Addr::new(239, 1, 2, 3)).to_be();
        mreq.imr_interface.s_addr = u32::from(Ipv4Addr::LOCALHOST).to_be();
        assert_eq!(setsockopt(&udp(V4), IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq), Err(Errno::EADDRNOTAVAIL));
    }

    fn ipv6_join_group_unicast() {
        let mut mreq: ipv6_mreq = zeroed();
        mreq.ipv6mr_multiaddr.s6_addr = Ipv6Addr::LOCALHOST.octets();
        assert_eq!(setsockopt(&udp(V6), IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq), Err(Errno::EINVAL));
    }

    fn setsockopt_raw_short_int() {
        // SAFETY: SO_REUSEADDR's value is an int; the kernel reads at most the one
        // byte given and follows no pointer.
        let r = unsafe { setsockopt_raw(&tcp(V4), SOL_SOCKET, libc::SO_REUSEADDR, &[1]) };
        assert_eq!(r, Err(Errno::EINVAL));
    }

    fn setsockopt_raw_short_linger() {
        // SAFETY: SO_LINGER's value is a struct linger of two ints; the kernel reads
        // at most the 4 bytes given and follows no pointer.
        let r = unsafe { setsockopt_raw(&tcp(V4), SOL_SOCKET, libc::SO_LINGER, &[1, 0, 0, 0]) };
        assert_eq!(r, Err(Errno::EINVAL));
    }

    fn setsockopt_raw_short_timeval() {
        // SAFETY: SO_RCVTIMEO's value is a struct timeval; the kernel reads at most
        // the 3 bytes given.
        let r = unsafe { setsockopt_raw(&tcp(V4), SOL_SOCKET, libc::SO_RCVTIMEO, &[1, 0, 0]) };
        assert_eq!(r, Err(Errno::EINVAL));
    }

    fn setsockopt_raw_unknown_option() {
        // SAFETY: no option 9999 exists at SOL_SOCKET: the kernel refuses it unread.
        let r = unsafe { setsockopt_raw(&tcp(V4), SOL_SOCKET, 9999, &1i32.to_ne_bytes()) };
        assert_eq!(r, Err(Errno::ENOPROTOOPT));
    }

    fn setsockopt_raw_unknown_level() {
        // SAFETY: no level 9999 exists: the kernel refuses it unread.
        let r = unsafe { setsockopt_raw(&tcp(V4), 9999, 1, &1i32.to_ne_bytes()) };
        assert_eq!(r, Err(Errno::ENOPROTOOPT));
    }

    fn getsockopt_raw_empty_buffer() {
        let mut none = [0u8; 0];
        // SAFETY: SO_TYPE's value is an int; the kernel writes at most the 0 bytes
        // given.
        let r = unsafe { getsockopt_raw(&tcp(V4), SOL_SOCKET, libc::SO_TYPE, &mut none) };
        assert_eq!(r, Ok(0));
    }

    fn setsockopt_on_a_file() {
        assert_eq!(setsockopt(&not_a_socket(), SOL_SOCKET, SO_REUSEADDR, &1), Err(Errno::ENOTSOCK));
    }

    fn getsockopt_on_a_file() {
        assert_eq!(getsockopt(&not_a_socket(), SOL_SOCKET, SO_ERROR).err(), Some(Errno::ENOTSOCK));
    }

    fn tcp_info_on_udp() {
        assert_eq!(tcp_info(&udp(V4)).err(), Some(Errno::EOPNOTSUPP));
    }

    fn tcp_info_on_unix() {
        let (a, _b) = unix_pair(SOCK_STREAM);
        assert_eq!(tcp_info(&a).err(), Some(Errno::EOPNOTSUPP));
    }

    // ---- fcntl, ioctl, sockatmark ----

    fn fcntl_setfd_unknown_bits() {
        let fd = tcp(V4);
        assert_eq!(fcntl(&fd, F_SETFD(FdFlags::from_raw(0x7f))), Ok(()));
        assert_eq!(fcntl(&fd, F_GETFD), Ok(FD_CLOEXEC));
    }

    fn fcntl_setfl_access_mode() {
        // Linux ignores the access mode bits and unknown ones in F_SETFL.
        let fd = tcp(V4);
        let before = fcntl(&fd, F_GETFL).unwrap();
        assert_eq!(fcntl(&fd, F_SETFL(O_WRONLY)), Ok(()));
        assert_eq!(fcntl(&fd, F_GETFL), Ok(before));
    }

    fn fcntl_setfl_o_direct_on_socket() {
        let fd = tcp(V4);
        assert_eq!(fcntl(&fd, F_SETFL(OFlags::from_raw(libc::O_DIRECT))), Err(Errno::EINVAL));
    }

    fn fionread_on_listener() {
        let (l, _) = listener(V4);
        assert_eq!(ioctl(&l, FIONREAD).err(), Some(Errno::EINVAL));
    }

    fn siocoutq_on_listener() {
        let (l, _) = listener(V4);
        assert_eq!(ioctl(&l, SIOCOUTQ).err(), Some(Errno::EINVAL));
    }

    fn fionread_on_a_file() {
        assert_eq!(ioctl(&not_a_socket(), FIONREAD).err(), Some(Errno::ENOTTY));
    }

    fn sockatmark_on_udp() {
        assert_eq!(sockatmark(&udp(V4)).err(), Some(Errno::ENOTTY));
    }

    fn sockatmark_on_a_file() {
        assert_eq!(sockatmark(&not_a_socket()).err(), Some(Errno::ENOTTY));
    }

    // ---- FdSet, select, pselect, signal sets ----

    fn fd_set_negative() {
        let mut set = FdSet::new();
        assert_eq!(FD_SET(-1, &mut set), Err(Errno::EINVAL));
        assert!(set.is_empty());
    }

    fn fd_set_at_fd_setsize() {
        let mut set = FdSet::new();
        assert_eq!(FD_SET(FD_SETSIZE as RawFd, &mut set), Err(Errno::EINVAL));
        assert!(set.is_empty());
    }

    fn fd_set_int_max() {
        let mut set = FdSet::new();
        assert_eq!(FD_SET(c_int::MAX, &mut set), Err(Errno::EINVAL));
        assert_eq!(set.nfds(), 0);
    }

    fn fd_clr_out_of_range() {
        let mut set = FdSet::new();
        FD_SET(3, &mut set).unwrap();
        FD_CLR(-5, &mut set);
        FD_CLR(c_int::MAX, &mut set);
        assert_eq!(set.len(), 1);
    }

    fn fd_isset_out_of_range() {
        let set = FdSet::new();
        assert!(!FD_ISSET(-1, &set));
        assert!(!FD_ISSET(FD_SETSIZE as RawFd + 5000, &set));
    }

    fn select_nfds_over_fd_setsize() {
        let mut set = FdSet::new();
        let mut tv = timeval { tv_sec: 0, tv_usec: 0 };
        let r = select(FD_SETSIZE as c_int + 1, Some(&mut set), None, None, Some(&mut tv));
        assert_eq!(r, Err(Errno::EINVAL));
    }

    fn select_negative_nfds() {
        let mut tv = timeval { tv_sec: 0, tv_usec: 0 };
        assert_eq!(select(-1, None, None, None, Some(&mut tv)), Err(Errno::EINVAL));
    }

    fn select_negative_timeout() {
        let mut tv = timeval { tv_sec: -1, tv_usec: 0 };
        assert_eq!(select(0, None, None, None, Some(&mut tv)), Err(Errno::EINVAL));
    }

    fn select_closed_descriptor() {
        let fd = closed_fd_number();
        let mut set = FdSet::new();
        FD_SET(fd, &mut set).unwrap();
        let mut tv = timeval { tv_sec: 0, tv_usec: 0 };
        assert_eq!(select(set.nfds(), Some(&mut set), None, None, Some(&mut tv)), Err(Errno::EBADF));
    }

    fn pselect_bad_nsec() {
        let ts = timespec { tv_sec: 0, tv_nsec: 1_000_000_000 };
        assert_eq!(pselect(0, None, None, None, Some(&ts), None), Err(Errno::EINVAL));
    }

    fn pselect_nfds_over_fd_setsize() {
        let ts = timespec { tv_sec: 0, tv_nsec: 0 };
        let r = pselect(FD_SETSIZE as c_int + 1, None, None, None, Some(&ts), None);
        assert_eq!(r, Err(Errno::EINVAL));
    }

    fn sigaddset_zero() {
        let mut set: sigset_t = zeroed();
        sigemptyset(&mut set).unwrap();
        assert_eq!(sigaddset(&mut set, 0), Err(Errno::EINVAL));
    }

    fn sigaddset_above_sigrtmax() {
        let mut set: sigset_t = zeroed();
        sigemptyset(&mut set).unwrap();
        assert_eq!(sigaddset(&mut set, 65), Err(Errno::EINVAL));
    }

    fn sigdelset_negative() {
        let mut set: sigset_t = zeroed();
        sigfillset(&mut set).unwrap();
        assert_eq!(sigdelset(&mut set, -1), Err(Errno::EINVAL));
    }

    fn sigismember_huge() {
        let set: sigset_t = zeroed();
        assert_eq!(sigismember(&set, c_int::MAX), Err(Errno::EINVAL));
    }

    // ---- poll, ppoll ----

    fn poll_closed_descriptor() {
        let mut fds = [pollfd::from_raw_fd(closed_fd_number(), POLLIN)];
        assert_eq!(poll(&mut fds, 0), Ok(1));
        assert_eq!(fds[0].revents, POLLNVAL);
    }

    fn poll_negative_descriptor() {
        let mut fds = [pollfd::from_raw_fd(-1, POLLIN | POLLOUT)];
        assert_eq!(poll(&mut fds, 0), Ok(0));
        assert!(fds[0].revents.is_empty());
    }

    fn poll_more_than_rlimit_nofile() {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit writes one struct rlimit, which `lim` is.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
        let n = usize::try_from(lim.rlim_cur).unwrap().min(1 << 20) + 1;
        let mut fds = vec![pollfd::from_raw_fd(-1, POLLIN); n];
        assert_eq!(poll(&mut fds, 0), Err(Errno::EINVAL));
    }

    fn ppoll_bad_nsec() {
        let ts = timespec { tv_sec: 0, tv_nsec: -1 };
        assert_eq!(ppoll(&mut [], Some(&ts), None), Err(Errno::EINVAL));
    }

    fn ppoll_negative_seconds() {
        let ts = timespec { tv_sec: -1, tv_nsec: 0 };
        assert_eq!(ppoll(&mut [], Some(&ts), None), Err(Errno::EINVAL));
    }

    // ---- epoll ----

    fn epoll_create1_unknown_flags() {
        assert_eq!(epoll_create1(EpollCreateFlags::from_raw(1)).err(), Some(Errno::EINVAL));
    }

    fn epoll_ctl_add_twice() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        let fd = udp(V4);
        let ev = epoll_event::new(EPOLLIN, 1);
        epoll_ctl(&ep, EPOLL_CTL_ADD, &fd, Some(&ev)).unwrap();
        assert_eq!(epoll_ctl(&ep, EPOLL_CTL_ADD, &fd, Some(&ev)), Err(Errno::EEXIST));
    }

    fn epoll_ctl_mod_unregistered() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        let ev = epoll_event::new(EPOLLIN, 1);
        assert_eq!(epoll_ctl(&ep, EPOLL_CTL_MOD, &udp(V4), Some(&ev)), Err(Errno::ENOENT));
    }

    fn epoll_ctl_del_unregistered() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        assert_eq!(epoll_ctl(&ep, EPOLL_CTL_DEL, &udp(V4), None), Err(Errno::ENOENT));
    }

    fn epoll_ctl_add_itself() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        let ev = epoll_event::new(EPOLLIN, 1);
        assert_eq!(epoll_ctl(&ep, EPOLL_CTL_ADD, &ep, Some(&ev)), Err(Errno::EINVAL));
    }

    fn epoll_ctl_add_regular_file() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        let file = std::fs::File::open("/etc/hosts").unwrap();
        let ev = epoll_event::new(EPOLLIN, 1);
        assert_eq!(epoll_ctl(&ep, EPOLL_CTL_ADD, &file, Some(&ev)), Err(Errno::EPERM));
    }

    fn epoll_ctl_add_without_event() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        assert_eq!(epoll_ctl(&ep, EPOLL_CTL_ADD, &udp(V4), None), Err(Errno::EFAULT));
    }

    fn epoll_ctl_unknown_op() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        let ev = epoll_event::new(EPOLLIN, 1);
        assert_eq!(epoll_ctl(&ep, EpollOp::from_raw(99), &udp(V4), Some(&ev)), Err(Errno::EINVAL));
    }

    fn epoll_ctl_mod_exclusive() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        let fd = udp(V4);
        epoll_ctl(&ep, EPOLL_CTL_ADD, &fd, Some(&epoll_event::new(EPOLLIN, 1))).unwrap();
        let ev = epoll_event::new(EPOLLIN | EPOLLEXCLUSIVE, 1);
        assert_eq!(epoll_ctl(&ep, EPOLL_CTL_MOD, &fd, Some(&ev)), Err(Errno::EINVAL));
    }

    fn epoll_ctl_on_a_socket() {
        let fd = udp(V4);
        let ev = epoll_event::new(EPOLLIN, 1);
        assert_eq!(epoll_ctl(&fd, EPOLL_CTL_ADD, &udp(V4), Some(&ev)), Err(Errno::EINVAL));
    }

    fn epoll_wait_no_room() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        assert_eq!(epoll_wait(&ep, &mut [], 0), Err(Errno::EINVAL));
    }

    fn epoll_wait_on_a_socket() {
        let mut events = [epoll_event::default(); 4];
        assert_eq!(epoll_wait(&udp(V4), &mut events, 0), Err(Errno::EINVAL));
    }

    fn epoll_pwait_no_room() {
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        assert_eq!(epoll_pwait(&ep, &mut [], 0, None), Err(Errno::EINVAL));
    }

    // ---- SockAddr ----

    fn sockaddr_unix_path_too_long() {
        let long = "x".repeat(108);
        assert_eq!(SockAddr::unix(&long).err(), Some(Errno::ENAMETOOLONG));
    }

    fn sockaddr_unix_path_empty() {
        assert_eq!(SockAddr::unix("").err(), Some(Errno::EINVAL));
    }

    fn sockaddr_unix_path_with_nul() {
        assert_eq!(SockAddr::unix("/tmp/a\0b").err(), Some(Errno::EINVAL));
    }

    fn sockaddr_abstract_name_too_long() {
        assert_eq!(SockAddr::abstract_name(&[b'x'; 108]).err(), Some(Errno::ENAMETOOLONG));
    }

    fn sockaddr_from_bytes_too_long() {
        assert_eq!(SockAddr::from_bytes(&[0u8; 129]).err(), Some(Errno::EINVAL));
    }

    fn sockaddr_from_bytes_empty() {
        let a = SockAddr::from_bytes(&[]).unwrap();
        assert_eq!((a.family(), a.len(), a.as_socket()), (AF_UNSPEC, 0, None));
        assert!(!format!("{a} {a:?}").is_empty());
    }

    fn sockaddr_truncated_inet6() {
        let a = forged(AF_INET6, 20);
        assert_eq!((a.family(), a.as_socket_ipv6(), a.as_sockaddr_in6().is_none()), (AF_INET6, None, true));
        assert!(!format!("{a} {a:?}").is_empty());
    }

    fn sockaddr_unix_path_control_bytes() {
        let mut bytes = vec![0u8; 2];
        bytes[..2].copy_from_slice(&(libc::AF_UNIX as sa_family_t).to_ne_bytes());
        bytes.extend_from_slice(b"\x1b[31m\xff\xfe\n");
        let a = SockAddr::from_bytes(&bytes).unwrap();
        let shown = format!("{a} {a:?}");
        assert!(!shown.contains('\x1b') && !shown.contains('\n'), "{shown:?}");
    }

    fn sockaddr_wrong_family_readers() {
        let a = SockAddr::from(V6);
        assert!(a.as_sockaddr_in().is_none() && a.as_sockaddr_un().is_none());
        assert!(a.as_unix_path().is_none() && a.as_abstract_name().is_none());
        assert!(SockAddr::unnamed().as_socket().is_none());
    }

    // ---- inet_pton, inet_ntop, inet_aton ----

    fn inet_pton_garbage() {
        let mut a: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET, "not an address", &mut a), Ok(false));
    }

    fn inet_pton_octet_over_255() {
        let mut a: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET, "256.1.1.1", &mut a), Ok(false));
    }

    fn inet_pton_short_form() {
        let mut a: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET, "127.1", &mut a), Ok(false));
    }

    fn inet_pton_trailing_text() {
        let mut a: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET, "127.0.0.1 x", &mut a), Ok(false));
    }

    fn inet_pton_empty() {
        let mut a: in6_addr = zeroed();
        assert_eq!(inet_pton(AF_INET6, "", &mut a), Ok(false));
    }

    fn inet_pton_v6_garbage() {
        let mut a: in6_addr = zeroed();
        assert_eq!(inet_pton(AF_INET6, ":::", &mut a), Ok(false));
    }

    fn inet_pton_v6_zone() {
        let mut a: in6_addr = zeroed();
        assert_eq!(inet_pton(AF_INET6, "fe80::1%lo", &mut a), Ok(false));
    }

    fn inet_pton_nul_inside() {
        let mut a: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET, "127.0.0.1\0junk", &mut a), Ok(false));
    }

    fn inet_pton_very_long() {
        let long = "1".repeat(4096);
        let mut a: in6_addr = zeroed();
        assert_eq!(inet_pton(AF_INET6, long.as_str(), &mut a), Ok(false));
    }

    fn inet_pton_family_mismatch() {
        let mut a: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET6, "::1", &mut a), Err(Errno::EAFNOSUPPORT));
    }

    fn inet_pton_af_unix() {
        let mut a: in6_addr = zeroed();
        assert_eq!(inet_pton(AF_UNIX, "::1", &mut a), Err(Errno::EAFNOSUPPORT));
    }

    fn inet_ntop_buffer_too_small() {
        let a = in_addr { s_addr: u32::from(Ipv4Addr::new(255, 255, 255, 255)).to_be() };
        let mut buf = [0u8; INET_ADDRSTRLEN - 1];
        assert_eq!(inet_ntop(AF_INET, &a, &mut buf), Err(Errno::ENOSPC));
    }

    fn inet_ntop_v6_buffer_too_small() {
        let mut a: in6_addr = zeroed();
        a.s6_addr = [0xab; 16];
        let mut buf = [0u8; 8];
        assert_eq!(inet_ntop(AF_INET6, &a, &mut buf), Err(Errno::ENOSPC));
    }

    fn inet_ntop_empty_buffer() {
        let a: in_addr = zeroed();
        assert_eq!(inet_ntop(AF_INET, &a, &mut []), Err(Errno::ENOSPC));
    }

    fn inet_ntop_family_mismatch() {
        let a: in_addr = zeroed();
        let mut buf = [0u8; INET6_ADDRSTRLEN];
        assert_eq!(inet_ntop(AF_INET6, &a, &mut buf), Err(Errno::EAFNOSUPPORT));
    }

    fn inet_aton_garbage() {
        let mut a: in_addr = zeroed();
        assert!(!inet_aton("one.two", &mut a));
    }

    fn inet_aton_too_many_parts() {
        let mut a: in_addr = zeroed();
        assert!(!inet_aton("1.2.3.4.5", &mut a));
    }

    fn inet_aton_part_too_big() {
        let mut a: in_addr = zeroed();
        assert!(!inet_aton("1.16777216", &mut a));
    }

    fn inet_aton_nul_inside() {
        let mut a: in_addr = zeroed();
        assert!(!inet_aton("127.0.0.1\0", &mut a));
    }

    // ---- getaddrinfo, getnameinfo, gai_strerror ----

    fn getaddrinfo_numerichost_with_a_name() {
        let e = gai_err(getaddrinfo(Some("localhost"), None, Some(&numeric())));
        assert_eq!(e, GaiError::new(EAI_NONAME));
    }

    fn getaddrinfo_no_node_no_service() {
        let e = gai_err(getaddrinfo(None, None, Some(&numeric())));
        assert_eq!(e, GaiError::new(EAI_NONAME));
    }

    fn getaddrinfo_unknown_flags() {
        let mut hints = numeric();
        hints.ai_flags = AI_NUMERICHOST | AiFlags::from_raw(0x1_0000);
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), None, Some(&hints)));
        assert_eq!(e, GaiError::new(EAI_BADFLAGS));
    }

    fn getaddrinfo_canonname_without_node() {
        let mut hints = numeric();
        hints.ai_flags = AI_CANONNAME | AI_NUMERICSERV;
        let e = gai_err(getaddrinfo(None, Some("80"), Some(&hints)));
        assert_eq!(e, GaiError::new(EAI_BADFLAGS));
    }

    fn getaddrinfo_unix_family() {
        let mut hints = numeric();
        hints.ai_family = AF_UNIX;
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), None, Some(&hints)));
        assert_eq!(e, GaiError::new(EAI_FAMILY));
    }

    fn getaddrinfo_unknown_socktype() {
        let mut hints = numeric();
        hints.ai_socktype = SockType::from_raw(99);
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints)));
        assert_eq!(e, GaiError::new(EAI_SOCKTYPE));
    }

    fn getaddrinfo_socktype_protocol_mismatch() {
        let mut hints = numeric();
        hints.ai_socktype = SOCK_DGRAM;
        hints.ai_protocol = IPPROTO_TCP;
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints)));
        assert_eq!(e, GaiError::new(EAI_SOCKTYPE));
    }

    fn getaddrinfo_numericserv_with_a_name() {
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("http"), Some(&numeric())));
        assert_eq!(e, GaiError::new(EAI_NONAME));
    }

    fn getaddrinfo_unknown_service() {
        let mut hints = numeric();
        hints.ai_flags = AI_NUMERICHOST;
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("no-such-service"), Some(&hints)));
        assert_eq!(e, GaiError::new(EAI_SERVICE));
    }

    fn getaddrinfo_service_for_raw_socket() {
        let mut hints = numeric();
        hints.ai_socktype = SOCK_RAW;
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints)));
        assert_eq!(e, GaiError::new(EAI_SERVICE));
    }

    fn getaddrinfo_nul_in_node() {
        let e = gai_err(getaddrinfo(Some("127.0.0.1\0evil"), None, Some(&numeric())));
        assert_eq!(e, GaiError::system(Errno::EINVAL));
        assert_eq!(e.errno(), Some(Errno::EINVAL));
    }

    fn getaddrinfo_nul_in_service() {
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("80\0"), Some(&numeric())));
        assert_eq!(e, GaiError::system(Errno::EINVAL));
    }

    fn getaddrinfo_long_numeric_node() {
        let long = "1".repeat(1000);
        let e = gai_err(getaddrinfo(Some(long.as_str()), None, Some(&numeric())));
        assert_eq!(e, GaiError::new(EAI_NONAME));
    }

    fn getaddrinfo_v6_literal_for_inet() {
        let mut hints = numeric();
        hints.ai_family = AF_INET;
        let e = gai_err(getaddrinfo(Some("::1"), None, Some(&hints)));
        assert_eq!(e.code(), EaiCode::from_raw(EAI_ADDRFAMILY));
        assert!(!e.to_string().is_empty());
    }

    fn getaddrinfo_port_out_of_range() {
        // glibc keeps the low 16 bits of a numeric service: 70000 is port 4464, as a
        // C program gets it.
        let list = getaddrinfo(Some("127.0.0.1"), Some("70000"), Some(&numeric())).unwrap();
        for ai in &list {
            assert_eq!(ai.ai_addr().as_socket().map(|a| a.port()), Some(4464));
        }
    }

    fn getaddrinfo_negative_port() {
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("-1"), Some(&numeric())));
        assert_eq!(e, GaiError::new(EAI_SERVICE));
    }

    fn getaddrinfo_hex_port() {
        let e = gai_err(getaddrinfo(Some("127.0.0.1"), Some("0x50"), Some(&numeric())));
        assert_eq!(e, GaiError::new(EAI_NONAME));
    }

    fn getnameinfo_abstract_unix_address() {
        // glibc answers AF_UNIX: "localhost" (NI_NUMERICHOST) and the path as the
        // service; an abstract name starts with its NUL, so the service is empty.
        let addr = SockAddr::abstract_name(b"x").unwrap();
        let (host, serv) = getnameinfo(&addr, NI_NUMERICHOST | NI_NUMERICSERV).unwrap();
        assert_eq!((&*host, &*serv), ("localhost", ""));
    }

    fn getnameinfo_short_address() {
        let addr = forged(AF_INET, 8);
        assert_eq!(getnameinfo(&addr, NI_NUMERICHOST | NI_NUMERICSERV).err(), Some(GaiError::new(EAI_FAMILY)));
    }

    fn getnameinfo_empty_address() {
        let addr = SockAddr::from_bytes(&[]).unwrap();
        assert_eq!(getnameinfo(&addr, NI_NUMERICHOST).err(), Some(GaiError::new(EAI_FAMILY)));
    }

    fn getnameinfo_unknown_flags() {
        let addr = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 80)));
        let flags = NI_NUMERICHOST | NiFlags::from_raw(0x4000);
        assert_eq!(getnameinfo(&addr, flags).err(), Some(GaiError::new(EAI_BADFLAGS)));
    }

    fn gai_strerror_unknown_code() {
        assert_eq!(gai_strerror(EaiCode::from_raw(12345)), "Unknown error");
        assert!(!GaiError::new(EaiCode::from_raw(12345)).to_string().is_empty());
    }

    // ---- getservbyname, getservbyport, getprotobyname, getprotobynumber ----

    fn getservbyname_unknown() {
        assert!(getservbyname("no-such-service", "tcp").unwrap().is_none());
    }

    fn getservbyname_unknown_protocol() {
        assert!(getservbyname("http", "no-such-proto").unwrap().is_none());
    }

    fn getservbyname_nul_in_name() {
        assert_eq!(getservbyname("http\0", "tcp").err(), Some(Errno::EINVAL));
    }

    fn getservbyname_nul_in_protocol() {
        assert_eq!(getservbyname("http", "tcp\0x").err(), Some(Errno::EINVAL));
    }

    fn getservbyname_very_long() {
        let long = "s".repeat(1000);
        assert!(getservbyname(long.as_str(), None).unwrap().is_none());
    }

    fn getservbyport_unknown_protocol() {
        assert!(getservbyport(htons(80), "no-such-proto").unwrap().is_none());
    }

    fn getservbyport_nul_in_protocol() {
        assert_eq!(getservbyport(htons(80), "t\0cp").err(), Some(Errno::EINVAL));
    }

    fn getprotobyname_unknown() {
        assert!(getprotobyname("no-such-proto").unwrap().is_none());
    }

    fn getprotobyname_nul() {
        assert_eq!(getprotobyname("tcp\0").err(), Some(Errno::EINVAL));
    }

    fn getprotobynumber_negative() {
        assert!(getprotobynumber(-1).unwrap().is_none());
    }

    fn getprotobynumber_unassigned() {
        assert!(getprotobynumber(c_int::MAX).unwrap().is_none());
    }

    // ---- gethostbyname, gethostbyaddr, hstrerror ----

    fn gethostbyname_nul() {
        assert_eq!(gethostbyname("localhost\0evil").err(), Some(HError::internal(Errno::EINVAL)));
    }

    fn gethostbyname_long_nul() {
        let mut long = "h".repeat(600);
        long.push('\0');
        assert_eq!(gethostbyname(long.as_str()).err(), Some(HError::internal(Errno::EINVAL)));
    }

    fn hstrerror_unknown_code() {
        assert_eq!(hstrerror(HError::from_raw(12345)), "Unknown resolver error");
        assert_eq!(HError::from_raw(12345).name(), None);
    }

    // ---- if_nametoindex, if_indextoname ----

    fn if_nametoindex_unknown() {
        assert_eq!(if_nametoindex("nosuch0"), Err(Errno::ENODEV));
    }

    fn if_nametoindex_empty() {
        assert_eq!(if_nametoindex(""), Err(Errno::ENODEV));
    }

    fn if_nametoindex_too_long() {
        assert_eq!(if_nametoindex("abcdefghijklmnop"), Err(Errno::ENODEV));
    }

    fn if_nametoindex_nul() {
        assert_eq!(if_nametoindex("lo\0"), Err(Errno::EINVAL));
    }

    fn if_indextoname_zero() {
        assert_eq!(if_indextoname(0).err(), Some(Errno::ENXIO));
    }

    fn if_indextoname_unknown() {
        assert_eq!(if_indextoname(u32::MAX).err(), Some(Errno::ENXIO));
    }

    // ---- Errno, strerror ----

    fn strerror_unknown_errno() {
        assert_eq!(strerror(12345), "Unknown error 12345");
        assert!(!Errno::from_raw(12345).is_known());
    }

    fn errno_negative() {
        let e = Errno::from_raw(-7);
        assert!(!e.is_known());
        assert!(!format!("{e} {e:?} {}", e.name()).is_empty());
        assert_eq!(std::io::Error::from(e).raw_os_error(), Some(-7));
    }

    // ---- tcp_state_of ----

    fn tcp_state_of_unix_address() {
        let a = SockAddr::abstract_name(b"x").unwrap();
        assert_eq!(tcp_state_of(&a, &a), Err(Errno::EAFNOSUPPORT));
    }

    fn tcp_state_of_mixed_families() {
        assert_eq!(tcp_state_of(&V4, &V6), Err(Errno::EINVAL));
    }

    fn tcp_state_of_short_address() {
        assert_eq!(tcp_state_of(&forged(AF_INET, 8), &V4), Err(Errno::EINVAL));
    }

    fn tcp_state_of_no_such_connection() {
        let (_held, addr) = refusing(V6);
        assert_eq!(tcp_state_of(&addr, &addr), Ok(None));
    }

    fn tcp_info_from_parts_oversized_len() {
        // SAFETY: struct tcp_info is integers only; all zeroes is a valid value.
        let raw: sys::tcp_info = unsafe { std::mem::zeroed() };
        let info = TcpInfo::from_parts(raw, usize::MAX);
        assert_eq!(info.len(), std::mem::size_of::<sys::tcp_info>());
        assert_eq!(TcpInfo::from_parts(raw, 0).rtt(), None);
    }
}

/// docs/BAD_INPUT.md and this file name the same rows: each row here appears there
/// once, as `tests/bad_input.rs::name`, and each such name there is a row here; each
/// compile-time row `CT-n` there is a section of src/bad_input.rs.
#[test]
fn catalogue_lists_every_row() {
    let doc = include_str!("../docs/BAD_INPUT.md");
    const PREFIX: &str = "`tests/bad_input.rs::";
    for (name, _) in ROWS {
        let cited = format!("{PREFIX}{name}`");
        assert_eq!(
            doc.matches(&cited).count(),
            1,
            "{name} in docs/BAD_INPUT.md"
        );
    }
    for cited in doc.split(PREFIX).skip(1) {
        let name = cited.split('`').next().unwrap();
        assert!(ROWS.iter().any(|(n, _)| *n == name), "{name} is not a row");
    }
    let doc_tests = include_str!("../src/bad_input.rs");
    let mut compile_time = 0;
    for line in doc.lines().filter(|l| l.starts_with("| CT-")) {
        let id = line.split(' ').nth(1).unwrap();
        assert!(
            doc_tests.contains(&format!("//! # {id}: ")),
            "{id} has no section in src/bad_input.rs"
        );
        compile_time += 1;
    }
    assert_eq!(
        compile_time,
        doc_tests.matches("```compile_fail,E").count(),
        "every compile_fail doctest is a row"
    );
    let rows = doc.lines().filter(|l| l.contains(PREFIX)).count();
    assert!(rows + compile_time >= 100, "{rows} + {compile_time} rows");
}
