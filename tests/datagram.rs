//! Datagrams and records on real sockets: `sendto` and `recvfrom` over UDP (IPv4 and
//! IPv6) and `AF_UNIX` datagram sockets, connected and unconnected; truncation with
//! and without `MSG_TRUNC`; `MSG_PEEK`; the ICMP refusal a connected UDP socket
//! reports; `SOCK_SEQPACKET` record boundaries; and the errors the kernel gives for
//! bad descriptors and bad addresses, which sockapi passes to it unchanged.

use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;

use sockapi::*;

mod common;
use common::{not_a_socket, set_timeouts, tcp_pair, udp_socket, TempDir, V4, V6};

/// The prefix of this binary's temp dirs and abstract names.
const BIN: &str = "datagram";

/// `offsetof(struct sockaddr_un, sun_path)`: the length of a family-only address.
const SUN_PATH_OFFSET: usize = std::mem::offset_of!(sys::sockaddr_un, sun_path);

/// The largest UDP payload over IPv4: 65,535 less the IPv4 and UDP headers.
const MAX_UDP_V4: usize = 65_507;

/// A UDP socket of `ip`'s family bound to `ip` (port 0), with `common::TIMEOUT` on
/// its blocking calls, and the address it got.
fn bound_udp(ip: SocketAddr) -> (Socket, SockAddr) {
    let fd = udp_socket(ip);
    bind(&fd, &ip).unwrap_or_else(|e| panic!("bind({ip}): {e}"));
    set_timeouts(&fd);
    let addr = getsockname(&fd).unwrap();
    (fd, addr)
}

/// Whether IPv6 loopback works here; if not, prints one line and the caller skips.
fn have_v6() -> bool {
    let fd = match socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0) {
        Ok(fd) => fd,
        Err(e) if e == Errno::EAFNOSUPPORT => {
            println!("skipped: no AF_INET6 here ({e})");
            return false;
        }
        Err(e) => panic!("socket(AF_INET6): {e}"),
    };
    match bind(&fd, &V6) {
        Ok(()) => true,
        Err(e) if e == Errno::EADDRNOTAVAIL => {
            println!("skipped: no ::1 here ({e})");
            false
        }
        Err(e) => panic!("bind([::1]:0): {e}"),
    }
}

/// An `AF_UNIX` datagram socket bound to `name` in `dir`, with timeouts, and its
/// address.
fn bound_unix(dir: &TempDir, name: &str, ty: SockType) -> (Socket, SockAddr) {
    let fd = socket(AF_UNIX, ty | SOCK_CLOEXEC, 0).unwrap();
    let addr = SockAddr::unix(dir.path(name)).unwrap();
    bind(&fd, &addr).unwrap();
    set_timeouts(&fd);
    assert_eq!(getsockname(&fd), Ok(addr));
    (fd, addr)
}

/// The bytes 0, 1, 2, … of a datagram `len` long, so that a cut shows where it fell.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| i as u8).collect()
}

/// Nothing more is queued on `fd`.
fn assert_queue_empty(fd: &Socket) {
    let mut buf = [0u8; 8];
    assert_eq!(
        recvfrom(fd, &mut buf, MSG_DONTWAIT).map(|(n, _)| n),
        Err(Errno::EAGAIN)
    );
}

// ---------------------------------------------------------------------------------
// Round trips

/// `a` and `b`, both bound, unconnected: each names the other with `sendto`, and
/// `recvfrom` names the sender.
fn check_unconnected_round_trip(a: &Socket, addr_a: &SockAddr, b: &Socket, addr_b: &SockAddr) {
    let mut buf = [0u8; 64];
    assert_eq!(sendto(a, b"hello", 0, addr_b), Ok(5));
    let (n, peer) = recvfrom(b, &mut buf, 0).unwrap();
    assert_eq!(&buf[..n], b"hello");
    assert_eq!(&peer, addr_a, "the sender's address: {peer}");

    // Answer to the address recvfrom gave, as every UDP server does.
    assert_eq!(sendto(b, b"world!", 0, &peer), Ok(6));
    let (n, peer) = recvfrom(a, &mut buf, 0).unwrap();
    assert_eq!((&buf[..n], &peer), (&b"world!"[..], addr_b));

    // An empty datagram is a datagram.
    assert_eq!(sendto(a, b"", 0, addr_b), Ok(0));
    assert_eq!(recvfrom(b, &mut buf, 0), Ok((0, *addr_a)));
    assert_queue_empty(a);
    assert_queue_empty(b);
}

#[test]
fn udp_v4_unconnected_round_trip() {
    let (a, addr_a) = bound_udp(V4);
    let (b, addr_b) = bound_udp(V4);
    check_unconnected_round_trip(&a, &addr_a, &b, &addr_b);
    // std's address works as the destination too, converted on the stack.
    let std_b = addr_b.as_socket().unwrap();
    assert_eq!(sendto(&a, b"std", 0, &std_b), Ok(3));
    let mut buf = [0u8; 8];
    assert_eq!(recvfrom(&b, &mut buf, 0), Ok((3, addr_a)));
    assert_eq!(&buf[..3], b"std");
}

#[test]
fn udp_v6_unconnected_round_trip() {
    if !have_v6() {
        return;
    }
    let (a, addr_a) = bound_udp(V6);
    let (b, addr_b) = bound_udp(V6);
    assert_eq!(addr_a.family(), AF_INET6);
    assert_eq!(
        addr_a.len() as usize,
        std::mem::size_of::<sys::sockaddr_in6>()
    );
    check_unconnected_round_trip(&a, &addr_a, &b, &addr_b);
}

#[test]
fn unix_dgram_unconnected_round_trip() {
    let dir = TempDir::new(BIN, "unix_dgram_unconnected_round_trip");
    let (a, addr_a) = bound_unix(&dir, "a", SOCK_DGRAM);
    let (b, addr_b) = bound_unix(&dir, "b", SOCK_DGRAM);
    check_unconnected_round_trip(&a, &addr_a, &b, &addr_b);
    let mut buf = [0u8; 8];
    assert_eq!(sendto(&a, b"path", 0, &addr_b), Ok(4));
    let (_, peer) = recvfrom(&b, &mut buf, 0).unwrap();
    assert_eq!(peer.as_unix_path(), Some(dir.path("a").as_path()));
}

/// An unbound `AF_UNIX` sender has no name, and Linux reports none: `addrlen` 0, not
/// even the family.
#[test]
fn unix_dgram_from_an_unbound_sender_has_no_address() {
    let dir = TempDir::new(BIN, "unix_dgram_from_an_unbound_sender");
    let (b, addr_b) = bound_unix(&dir, "b", SOCK_DGRAM);
    let anonymous = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(sendto(&anonymous, b"who?", 0, &addr_b), Ok(4));
    let mut buf = [0u8; 8];
    let (n, peer) = recvfrom(&b, &mut buf, 0).unwrap();
    assert_eq!(&buf[..n], b"who?");
    assert_eq!(peer.len(), 0, "{peer:?}");
    assert_eq!(peer.as_bytes(), b"");
    assert_eq!(peer.family(), AF_UNSPEC);
    assert_eq!(format!("{peer:?}"), "{AF_UNSPEC, 0 bytes}");
    // The sender is still unnamed: sending did not bind it.
    assert!(getsockname(&anonymous).unwrap().is_unnamed());
}

/// Connected UDP: `send`/`recv` as on a stream, `recvfrom` still names the peer,
/// `sendto` with an address still works, and datagrams from anyone else are dropped.
fn check_connected_udp(ip: SocketAddr) {
    let (a, addr_a) = bound_udp(ip);
    let (b, addr_b) = bound_udp(ip);
    connect(&a, &addr_b).unwrap();
    connect(&b, &addr_a).unwrap();
    let mut buf = [0u8; 64];

    assert_eq!(send(&a, b"one", 0), Ok(3));
    assert_eq!(recv(&b, &mut buf, 0), Ok(3));
    assert_eq!(&buf[..3], b"one");

    assert_eq!(send(&a, b"two", 0), Ok(3));
    assert_eq!(recvfrom(&b, &mut buf, 0), Ok((3, addr_a)));
    assert_eq!(&buf[..3], b"two");

    assert_eq!(sendto(&b, b"three", 0, &addr_a), Ok(5));
    assert_eq!(recv(&a, &mut buf, 0), Ok(5));
    assert_eq!(&buf[..5], b"three");

    // A stranger's datagram does not reach a socket connected elsewhere: the next one
    // `b` receives is its peer's, sent after it, and nothing else is queued.
    let (stranger, _) = bound_udp(ip);
    assert_eq!(sendto(&stranger, b"stranger", 0, &addr_b), Ok(8));
    assert_eq!(send(&a, b"four", 0), Ok(4));
    assert_eq!(recvfrom(&b, &mut buf, 0), Ok((4, addr_a)));
    assert_eq!(&buf[..4], b"four");
    assert_queue_empty(&b);
}

#[test]
fn udp_v4_connected() {
    check_connected_udp(V4);
}

#[test]
fn udp_v6_connected() {
    if have_v6() {
        check_connected_udp(V6);
    }
}

#[test]
fn unix_dgram_connected() {
    let dir = TempDir::new(BIN, "unix_dgram_connected");
    let (a, addr_a) = bound_unix(&dir, "a", SOCK_DGRAM);
    let (b, addr_b) = bound_unix(&dir, "b", SOCK_DGRAM);
    connect(&a, &addr_b).unwrap();
    assert_eq!(getpeername(&a), Ok(addr_b));
    let mut buf = [0u8; 16];
    assert_eq!(send(&a, b"connected", 0), Ok(9));
    assert_eq!(recvfrom(&b, &mut buf, 0), Ok((9, addr_a)));
    assert_eq!(&buf[..9], b"connected");

    // socketpair's ends are connected and unnamed: no address comes with a datagram.
    let (x, y) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    set_timeouts(&y);
    assert_eq!(send(&x, b"pair", 0), Ok(4));
    let (n, peer) = recvfrom(&y, &mut buf, 0).unwrap();
    assert_eq!((&buf[..n], peer.len()), (&b"pair"[..], 0));
}

/// A datagram of 65,507 bytes, the most UDP over IPv4 carries, arrives whole; one
/// byte more is `EMSGSIZE`, before anything is sent.
#[test]
fn udp_v4_largest_datagram_and_one_byte_more() {
    let (fd, addr) = bound_udp(V4);
    let big = pattern(MAX_UDP_V4 + 1);
    assert_eq!(sendto(&fd, &big[..MAX_UDP_V4], 0, &addr), Ok(MAX_UDP_V4));
    let mut buf = vec![0u8; 65_536];
    let (n, peer) = recvfrom(&fd, &mut buf, 0).unwrap();
    assert_eq!((n, &peer), (MAX_UDP_V4, &addr));
    assert!(
        buf[..n] == big[..MAX_UDP_V4],
        "the datagram arrived changed"
    );
    assert_eq!(sendto(&fd, &big, 0, &addr), Err(Errno::EMSGSIZE));
    assert_queue_empty(&fd);
}

// ---------------------------------------------------------------------------------
// Truncation and MSG_PEEK

/// `from` sends datagrams of 100 bytes to `to` (addressed `to_addr`); each receive
/// into 10 bytes takes one whole datagram and keeps its first 10 bytes. Without
/// `MSG_TRUNC` the count is 10, with it 100 (Linux), for `recv` and `recvfrom`
/// alike, and into an empty buffer too.
fn check_truncation(from: &Socket, from_addr: &SockAddr, to: &Socket, to_addr: &SockAddr) {
    let datagram = pattern(100);
    let mut buf = [0xffu8; 16];
    let cases: [(MsgFlags, usize, usize); 4] = [
        (MsgFlags::EMPTY, 10, 10),
        (MSG_TRUNC, 10, 100),
        (MsgFlags::EMPTY, 0, 0),
        (MSG_TRUNC, 0, 100),
    ];
    for (flags, room, expected) in cases {
        for with_addr in [false, true] {
            assert_eq!(sendto(from, &datagram, 0, to_addr), Ok(100));
            buf.fill(0xff);
            let what = format!("{flags:?} into {room} bytes, recvfrom: {with_addr}");
            let n = if with_addr {
                let (n, peer) = recvfrom(to, &mut buf[..room], flags).unwrap();
                assert_eq!(&peer, from_addr, "{what}");
                n
            } else {
                recv(to, &mut buf[..room], flags).unwrap()
            };
            assert_eq!(n, expected, "{what}");
            assert_eq!(&buf[..room], &datagram[..room], "{what}");
            assert!(buf[room..].iter().all(|&b| b == 0xff), "{what}: wrote past");
        }
    }
    // Every receive took its whole datagram: the rest of each was discarded.
    assert_eq!(sendto(from, b"next", 0, to_addr), Ok(4));
    assert_eq!(recvfrom(to, &mut buf, 0), Ok((4, *from_addr)));
    assert_eq!(&buf[..4], b"next");
}

#[test]
fn udp_truncation_with_and_without_msg_trunc() {
    let (a, addr_a) = bound_udp(V4);
    let (b, addr_b) = bound_udp(V4);
    check_truncation(&a, &addr_a, &b, &addr_b);
}

#[test]
fn unix_dgram_truncation_with_and_without_msg_trunc() {
    let dir = TempDir::new(BIN, "unix_dgram_truncation");
    let (a, addr_a) = bound_unix(&dir, "a", SOCK_DGRAM);
    let (b, addr_b) = bound_unix(&dir, "b", SOCK_DGRAM);
    check_truncation(&a, &addr_a, &b, &addr_b);
}

#[test]
fn msg_peek_leaves_the_datagram_queued() {
    let (a, addr_a) = bound_udp(V4);
    let (b, addr_b) = bound_udp(V4);
    assert_eq!(sendto(&a, b"peek at me", 0, &addr_b), Ok(10));
    assert_eq!(sendto(&a, b"second", 0, &addr_b), Ok(6));
    let mut buf = [0u8; 32];
    for _ in 0..2 {
        assert_eq!(recvfrom(&b, &mut buf, MSG_PEEK), Ok((10, addr_a)));
        assert_eq!(&buf[..10], b"peek at me");
    }
    // A short peek with MSG_TRUNC tells the length without taking the datagram.
    assert_eq!(recv(&b, &mut buf[..2], MSG_PEEK | MSG_TRUNC), Ok(10));
    assert_eq!(recvfrom(&b, &mut buf, 0), Ok((10, addr_a)));
    assert_eq!(&buf[..10], b"peek at me");
    assert_eq!(recv(&b, &mut buf, MSG_PEEK), Ok(6));
    assert_eq!(recvfrom(&b, &mut buf, 0), Ok((6, addr_a)));
    assert_eq!(&buf[..6], b"second");
    assert_queue_empty(&b);
}

// ---------------------------------------------------------------------------------
// The ICMP refusal on connected UDP

/// A loopback UDP port nothing is bound to: bound to port 0, read back, closed.
fn closed_udp_port() -> SockAddr {
    let fd = udp_socket(V4);
    bind(&fd, &V4).unwrap();
    let addr = getsockname(&fd).unwrap();
    close(fd).unwrap();
    addr
}

/// The datagram is sent; the ICMP port-unreachable that answers it becomes the
/// socket's pending error, which the next receive reports (once) as ECONNREFUSED.
#[test]
fn connected_udp_refusal_is_econnrefused_on_a_later_call() {
    let target = closed_udp_port();
    let (fd, _) = bound_udp(V4);
    connect(&fd, &target).unwrap();
    assert_eq!(sendto(&fd, b"anyone?", 0, &target), Ok(7));
    let mut buf = [0u8; 16];
    // Blocking (with the timeout): the error wakes it.
    assert_eq!(
        recvfrom(&fd, &mut buf, 0).map(|(n, _)| n),
        Err(Errno::ECONNREFUSED)
    );
    // Reported once: the socket works on.
    assert_queue_empty(&fd);
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));
}

/// An unconnected socket is told of no refusal: the datagram is just lost.
#[test]
fn unconnected_udp_hears_no_refusal() {
    let target = closed_udp_port();
    let (fd, addr) = bound_udp(V4);
    assert_eq!(sendto(&fd, b"anyone?", 0, &target), Ok(7));
    // A datagram to itself, sent after: had the refusal been queued, it would come
    // first.
    assert_eq!(sendto(&fd, b"me", 0, &addr), Ok(2));
    let mut buf = [0u8; 16];
    assert_eq!(recvfrom(&fd, &mut buf, 0), Ok((2, addr)));
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ERROR), Ok(0));
}

// ---------------------------------------------------------------------------------
// SOCK_SEQPACKET

/// Records keep their boundaries: one per receive, however many are queued and
/// however large the buffer; a short buffer cuts the record and discards the rest
/// (with `MSG_TRUNC`, the count is the record's length). Linux accepts `MSG_EOR` on
/// send (every record ends at its `send` anyway).
#[test]
fn seqpacket_keeps_record_boundaries() {
    let (a, b) = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0).unwrap();
    set_timeouts(&a);
    set_timeouts(&b);
    assert_eq!(send(&a, b"first", 0), Ok(5));
    assert_eq!(send(&a, b"second", MSG_EOR), Ok(6));
    assert_eq!(send(&a, b"third record", 0), Ok(12));
    assert_eq!(send(&a, b"0123456789", MSG_EOR), Ok(10));
    assert_eq!(send(&a, b"last", 0), Ok(4));

    let mut buf = [0u8; 64];
    assert_eq!(recv(&b, &mut buf, 0), Ok(5));
    assert_eq!(&buf[..5], b"first");
    assert_eq!(recv(&b, &mut buf, 0), Ok(6));
    assert_eq!(&buf[..6], b"second");
    assert_eq!(recv(&b, &mut buf[..5], 0), Ok(5), "cut to the buffer");
    assert_eq!(&buf[..5], b"third");
    assert_eq!(
        recv(&b, &mut buf[..4], MSG_TRUNC),
        Ok(10),
        "the record's length"
    );
    assert_eq!(&buf[..4], b"0123");
    // socketpair's ends are unnamed: no address comes with a record.
    let (n, peer) = recvfrom(&b, &mut buf, 0).unwrap();
    assert_eq!((&buf[..n], peer.len()), (&b"last"[..], 0));

    drop(a);
    assert_eq!(
        recv(&b, &mut buf, 0),
        Ok(0),
        "end-of-file once the peer is gone"
    );
}

// ---------------------------------------------------------------------------------
// Streams

/// On a connected TCP socket Linux reports no sender address: length 0.
#[test]
fn recvfrom_on_tcp_reports_no_address() {
    let (client, server) = tcp_pair(V4);
    assert_eq!(send(&client, b"stream", 0), Ok(6));
    let mut buf = [0u8; 6];
    let (n, peer) = recvfrom(&server, &mut buf, MSG_WAITALL).unwrap();
    assert_eq!(&buf[..n], b"stream");
    assert_eq!(peer.len(), 0, "{peer:?}");
    assert_eq!(peer.as_socket(), None);
    assert_eq!(peer.to_string(), "(AF_UNSPEC, 0 bytes)");
}

// ---------------------------------------------------------------------------------
// Errors: the kernel's, for any descriptor and any address

/// A descriptor opened with `O_PATH`: open, but no call but a few may use it, so
/// every socket call on it is `EBADF` (without borrowing a number that is not open).
fn path_only_fd() -> std::fs::File {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH)
        .open("/dev/null")
        .unwrap()
}

#[test]
fn bad_descriptors() {
    let mut buf = [0u8; 8];
    let to = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 9)));
    let bad = path_only_fd();
    assert_eq!(sendto(&bad, b"x", 0, &to), Err(Errno::EBADF));
    assert_eq!(
        recvfrom(&bad, &mut buf, 0).map(|(n, _)| n),
        Err(Errno::EBADF)
    );
    let file = not_a_socket();
    assert_eq!(sendto(&file, b"x", 0, &to), Err(Errno::ENOTSOCK));
    assert_eq!(
        recvfrom(&file, &mut buf, 0).map(|(n, _)| n),
        Err(Errno::ENOTSOCK)
    );
}

/// Without `sendto`'s address, an unconnected datagram socket has nowhere to send:
/// UDP says `EDESTADDRREQ`, Linux's `AF_UNIX` says `ENOTCONN`.
#[test]
fn send_without_a_destination() {
    let fd = udp_socket(V4);
    assert_eq!(send(&fd, b"where?", 0), Err(Errno::EDESTADDRREQ));
    let unix = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(send(&unix, b"where?", 0), Err(Errno::ENOTCONN));
}

#[test]
fn recvfrom_with_nothing_queued_or_unconnected() {
    let (fd, _) = bound_udp(V4);
    let mut buf = [0u8; 8];
    assert_eq!(
        recvfrom(&fd, &mut buf, MSG_DONTWAIT).map(|(n, _)| n),
        Err(Errno::EAGAIN)
    );
    let tcp = common::tcp_socket(V4);
    assert_eq!(
        recvfrom(&tcp, &mut buf, 0).map(|(n, _)| n),
        Err(Errno::ENOTCONN)
    );
}

/// Addresses forged with `SockAddr::from_bytes` go to the kernel as they are: the
/// errno is the kernel's verdict, and where the kernel accepts one, it is sent.
#[test]
fn wrong_family_or_length_reaches_the_kernel() {
    let (fd, addr) = bound_udp(V4);
    let v4_bytes: [u8; std::mem::size_of::<sys::sockaddr_in>()] =
        addr.as_bytes().try_into().expect("a sockaddr_in");
    let v6 = SockAddr::from(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 9)));
    let forged = |bytes: &[u8]| SockAddr::from_bytes(bytes).unwrap();

    // The family of another socket kind, at its own length.
    assert_eq!(
        sendto(&fd, b"x", 0, &forged(v6.as_bytes())),
        Err(Errno::EAFNOSUPPORT)
    );
    // A sockaddr_in cut short, and no address at all.
    assert_eq!(
        sendto(&fd, b"x", 0, &forged(&v4_bytes[..8])),
        Err(Errno::EINVAL)
    );
    assert_eq!(sendto(&fd, b"x", 0, &forged(&[])), Err(Errno::EINVAL));
    // An unknown family of the right length.
    let mut unknown = v4_bytes;
    unknown[..2].copy_from_slice(&0x1234u16.to_ne_bytes());
    assert_eq!(
        sendto(&fd, b"x", 0, &forged(&unknown)),
        Err(Errno::EAFNOSUPPORT)
    );
    // Linux's UDP takes AF_UNSPEC as AF_INET (for BSD compatibility): this one is
    // sent, to the address the other bytes name.
    let mut unspec = v4_bytes;
    unspec[..2].copy_from_slice(&(sys::AF_UNSPEC as sys::sa_family_t).to_ne_bytes());
    assert_eq!(sendto(&fd, b"unspec", 0, &forged(&unspec)), Ok(6));
    let mut buf = [0u8; 8];
    assert_eq!(recvfrom(&fd, &mut buf, 0), Ok((6, addr)));
    assert_eq!(&buf[..6], b"unspec");
    // And the longest address a SockAddr holds: a sockaddr_in with zeros after it.
    let mut long = v4_bytes.to_vec();
    long.resize(std::mem::size_of::<sys::sockaddr_storage>(), 0);
    assert_eq!(sendto(&fd, b"long", 0, &forged(&long)), Ok(4));
    assert_eq!(recvfrom(&fd, &mut buf, 0), Ok((4, addr)));

    // AF_UNIX checks the family and the length itself: EINVAL for both.
    let unix = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(
        sendto(&unix, b"x", 0, &forged(&v4_bytes)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        sendto(&unix, b"x", 0, &forged(&v4_bytes[..SUN_PATH_OFFSET])),
        Err(Errno::EINVAL)
    );
    let dir = TempDir::new(BIN, "wrong_family_or_length");
    let missing = SockAddr::unix(dir.path("missing")).unwrap();
    assert_eq!(sendto(&unix, b"x", 0, &missing), Err(Errno::ENOENT));
}
