//! Every public call of the crate, error paths included, once with the trace off and
//! once with it on: the program that `tests/memcheck.rs` runs under valgrind's
//! memcheck, which must find no error (no uninitialised byte passed to the kernel or
//! branched on, no bad read or write, no bad free) and no byte definitely lost.
//!
//! Its own binary (`harness = false`), so valgrind sees only these calls, from one
//! thread. Run directly (as `cargo test` does) it checks every result as well, and in
//! an AddressSanitizer build it is the same calls under ASan.
//!
//! Loopback and `AF_UNIX` only; names only from `/etc/hosts`, `/etc/services` and
//! `/etc/protocols`, or numeric (no DNS traffic).

use std::ffi::c_int;
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;

use sockapi::*;

const V4: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
const V6: SocketAddr = SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 0));
const TIMEOUT: timeval = timeval {
    tv_sec: 10,
    tv_usec: 0,
};

fn timed(fd: Socket) -> Socket {
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &TIMEOUT).unwrap();
    setsockopt(&fd, SOL_SOCKET, SO_SNDTIMEO, &TIMEOUT).unwrap();
    fd
}

fn family(ip: SocketAddr) -> AddressFamily {
    if ip.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    }
}

/// A listening TCP socket on `ip`, port 0, and its address.
fn listener(ip: SocketAddr) -> (Socket, SockAddr) {
    let l = timed(socket(family(ip), SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap());
    setsockopt(&l, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
    bind(&l, &ip).unwrap();
    listen(&l, SOMAXCONN).unwrap();
    let addr = getsockname(&l).unwrap();
    (l, addr)
}

/// (client, accepted server end, the server end's peer address) over `ip`.
fn tcp_pair(ip: SocketAddr) -> (Socket, Socket, SockAddr) {
    let (l, addr) = listener(ip);
    let c = timed(socket(family(ip), SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap());
    connect(&c, &addr).unwrap();
    let (s, peer) = accept(&l).unwrap();
    assert_eq!(Some(peer), getsockname(&c).ok());
    (c, timed(s), peer)
}

fn unix_pair(ty: SockType) -> (Socket, Socket) {
    let (a, b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).unwrap();
    (timed(a), timed(b))
}

fn not_a_socket() -> std::fs::File {
    std::fs::File::open("/dev/null").unwrap()
}

/// socket, socketpair, bind, listen, accept, accept4, connect, shutdown, close,
/// getsockname, getpeername: each family, and their errors.
fn sockets() {
    for ip in [V4, V6] {
        let (c, s, peer) = tcp_pair(ip);
        assert_eq!(getpeername(&s).unwrap(), peer);
        assert_eq!(getpeername(&c).unwrap(), getsockname(&s).unwrap());
        shutdown(&c, SHUT_WR).unwrap();
        shutdown(&s, SHUT_RD).unwrap();
        shutdown(&s, SHUT_RDWR).unwrap();
        close(c).unwrap();
        drop(s);
        let (l, addr) = listener(ip);
        let c = socket(family(ip), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0).unwrap();
        match connect(&c, &addr) {
            Ok(()) | Err(Errno::EINPROGRESS) => {}
            Err(e) => panic!("nonblocking connect: {e}"),
        }
        let (a, _) = accept4(&l, SOCK_CLOEXEC | SOCK_NONBLOCK).unwrap();
        fcntl(&l, F_SETFL(O_NONBLOCK)).unwrap();
        assert_eq!(accept4(&l, SOCK_NONBLOCK).err(), Some(Errno::EAGAIN));
        drop((a, c, l));
    }
    // AF_UNIX: a path, an abstract name, unnamed.
    let dir = std::env::temp_dir().join(format!("sockapi-memcheck-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    let path = SockAddr::unix(dir.join("s")).unwrap();
    let abs =
        SockAddr::abstract_name(format!("sockapi-memcheck-{}", std::process::id()).as_bytes())
            .unwrap();
    for addr in [&path, &abs] {
        let l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&l, addr).unwrap();
        listen(&l, SOMAXCONN).unwrap();
        assert_eq!(&getsockname(&l).unwrap(), addr);
        let c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        connect(&c, addr).unwrap();
        let (s, from) = accept(&l).unwrap();
        assert!(from.is_unnamed());
        assert_eq!(&getpeername(&c).unwrap(), addr);
        assert!(getpeername(&s).unwrap().is_unnamed());
        drop((s, c, l));
    }
    let _ = std::fs::remove_dir_all(&dir);
    for ty in [SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET] {
        let (a, b) = unix_pair(ty);
        assert!(getsockname(&a).unwrap().is_unnamed());
        drop((a, b));
    }

    // Errors.
    let file = not_a_socket();
    assert_eq!(
        socket(AddressFamily::from_raw(12345), SOCK_STREAM, 0).err(),
        Some(Errno::EAFNOSUPPORT)
    );
    assert!(socket(AF_INET, SockType::from_raw(999), 0).is_err());
    assert!(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP).is_err());
    assert!(socketpair(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).is_err());
    assert_eq!(bind(&file, &V4), Err(Errno::ENOTSOCK));
    assert_eq!(listen(&file, 1), Err(Errno::ENOTSOCK));
    assert_eq!(accept(&file).err(), Some(Errno::ENOTSOCK));
    assert_eq!(accept4(&file, SOCK_CLOEXEC).err(), Some(Errno::ENOTSOCK));
    assert_eq!(connect(&file, &V4), Err(Errno::ENOTSOCK));
    assert_eq!(shutdown(&file, SHUT_RDWR), Err(Errno::ENOTSOCK));
    assert_eq!(getsockname(&file).err(), Some(Errno::ENOTSOCK));
    assert_eq!(getpeername(&file).err(), Some(Errno::ENOTSOCK));
    let fd = timed(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap());
    assert_eq!(getpeername(&fd).err(), Some(Errno::ENOTCONN));
    assert_eq!(shutdown(&fd, SHUT_RDWR), Err(Errno::ENOTCONN));
    assert_eq!(accept(&fd).err(), Some(Errno::EINVAL));
    assert_eq!(bind(&fd, &V6), Err(Errno::EAFNOSUPPORT));
    // A refused connect: a port bound, read back, then closed.
    let closed = {
        let t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&t, &V4).unwrap();
        getsockname(&t).unwrap()
    };
    assert_eq!(connect(&fd, &closed), Err(Errno::ECONNREFUSED));
    // Forged addresses: empty, one byte, an unknown family, a short AF_INET.
    let udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(
        bind(&udp, &SockAddr::from_bytes(&[]).unwrap()),
        Err(Errno::EINVAL)
    );
    forged_one_byte_address(&udp);
    let unknown = SockAddr::from_bytes(&[0x39, 0x30, 1, 2, 3, 4]).unwrap();
    assert!(bind(&udp, &unknown).is_err());
    let v4 = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 9)));
    assert_eq!(
        connect(&udp, &SockAddr::from_bytes(&v4.as_bytes()[..8]).unwrap()),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        SockAddr::unix("x".repeat(200)).err(),
        Some(Errno::ENAMETOOLONG)
    );
    assert!(SockAddr::from_bytes(&[0u8; 200]).is_err());
    drop((fd, udp, file));
    // close of a descriptor already closed underneath: EBADF, and no double close.
    let (a, b) = unix_pair(SOCK_STREAM);
    close(a).unwrap();
    close(OwnedFd::from(b)).unwrap();
}

/// `bind`, `connect` and `sendto` with a forged 1-byte address whose byte says
/// `AF_INET`: the kernel copies that one byte (`addrlen` 1) and refuses it with
/// `EINVAL`. valgrind's own check of these calls reads `sa_family` and, for `AF_INET`,
/// `sin_port` and `sin_addr` whatever `addrlen` says, bytes past the address that
/// `SockAddr` leaves uninitialised and the kernel never reads: the one false positive
/// that `tests/memcheck.supp` suppresses, for the calls made in this function only
/// (hence `inline(never)`: the suppression names this frame).
#[inline(never)]
fn forged_one_byte_address(udp: &Socket) {
    let one = SockAddr::from_bytes(&[libc::AF_INET as u8]).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(bind(udp, &one), Err(Errno::EINVAL));
    assert_eq!(connect(udp, &one), Err(Errno::EINVAL));
    assert_eq!(sendto(udp, b"x", 0, &one), Err(Errno::EINVAL));
}

/// SockAddr's readers and conversions, and the C structs.
fn addresses() {
    let v4 = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 80)));
    let v6 = SockAddr::from(SocketAddr::from((Ipv6Addr::LOCALHOST, 443)));
    let un = SockAddr::unix("/tmp/x").unwrap();
    let abs = SockAddr::abstract_name(b"name\0with nul").unwrap();
    let unnamed = SockAddr::unnamed();
    let odd = [
        SockAddr::from_bytes(&[]).unwrap(),
        SockAddr::from_bytes(&[1]).unwrap(),
        SockAddr::from_bytes(&[1, 0]).unwrap(),
        SockAddr::from_bytes(&[2, 0, 1]).unwrap(),
        SockAddr::from_bytes(&[10, 0, 1, 2, 3]).unwrap(),
        SockAddr::from_bytes(&[1, 0, 0xff, 0xfe, b'/']).unwrap(),
        SockAddr::from_bytes(&[0xff; 128]).unwrap(),
    ];
    let mut text = String::new();
    for a in [&v4, &v6, &un, &abs, &unnamed]
        .into_iter()
        .chain(odd.iter())
    {
        use std::fmt::Write as _;
        write!(text, "{a} {a:?} {:?} {} ", a.family(), a.len()).unwrap();
        let _ = (a.as_bytes().len(), a.as_ptr(), a.is_unnamed());
        let _ = (a.as_socket(), a.as_socket_ipv4(), a.as_socket_ipv6());
        let _ = (a.as_unix_path(), a.as_abstract_name());
        let _ = (a.as_sockaddr_in().is_some(), a.as_sockaddr_in6().is_some());
        let _ = a.as_sockaddr_un().is_some();
        let _ = SocketAddr::try_from(*a);
        let _ = SocketAddrV4::try_from(*a);
        let _ = SocketAddrV6::try_from(*a);
        // getnameinfo on every one of them, odd ones included.
        let _ = getnameinfo(a, NI_NUMERICHOST | NI_NUMERICSERV);
    }
    assert!(!text.is_empty());
    assert_eq!(v4.as_socket(), Some(SocketAddr::from(([127, 0, 0, 1], 80))));
    assert_eq!(un.as_unix_path(), Some(std::path::Path::new("/tmp/x")));
    assert_eq!(abs.as_abstract_name(), Some(&b"name\0with nul"[..]));
    // The C structs are ToSockAddr, and come back.
    let sin = v4.as_sockaddr_in().unwrap();
    let sin6 = v6.as_sockaddr_in6().unwrap();
    let sun = un.as_sockaddr_un().unwrap();
    let fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    let mut local: sockaddr_in = zeroed();
    local.sin_family = AF_INET.into();
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(&fd, &local).unwrap();
    assert_eq!(sendto(&fd, b"c", 0, &sin), Ok(1));
    let fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(sendto(&fd6, b"c", 0, &sin6), Ok(1));
    let ufd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert!(sendto(&ufd, b"c", 0, &sun).is_err());
    let _ = (INADDR_ANY, zeroed::<sockaddr_un>(), zeroed::<in6_addr>());
    assert_eq!(ntohs(htons(0x1234)), 0x1234);
    assert_eq!(ntohl(htonl(0x1234_5678)), 0x1234_5678);
}

/// send, recv, sendto, recvfrom (flags, truncation, errors), sendall, Read/Write.
fn data() {
    let (c, s, _) = tcp_pair(V4);
    assert_eq!(send(&c, b"hello", 0), Ok(5));
    let mut buf = [0u8; 64];
    assert_eq!(recv(&s, &mut buf[..2], MSG_PEEK), Ok(2));
    assert_eq!(recv(&s, &mut buf[..5], MSG_WAITALL), Ok(5));
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(recv(&s, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
    // Nothing queued: an empty buffer would wait for data, as in C.
    assert!(recv(&s, &mut [], MSG_DONTWAIT).is_err());
    assert_eq!(send(&c, b"", 0), Ok(0));
    let big = vec![7u8; 300_000];
    let reader = std::thread::spawn(move || {
        let mut got = 0usize;
        let mut buf = vec![0u8; 65536];
        for _ in 0..100_000 {
            let want = buf.len().min(300_000 - got);
            let n = recv(&s, &mut buf[..want], 0).unwrap();
            assert!(n > 0 && buf[..n].iter().all(|&b| b == 7));
            got += n;
            if got == 300_000 {
                break;
            }
        }
        assert_eq!(got, 300_000);
        // Read and Write of &Socket and Socket.
        let mut word = [0u8; 4];
        (&s).read_exact(&mut word).unwrap();
        assert_eq!(&word, b"rw!!");
        let mut s = s;
        s.write_all(b"back").unwrap();
        s.flush().unwrap();
        s
    });
    sendall(&c, &big, MSG_NOSIGNAL).unwrap();
    (&c).write_all(b"rw!!").unwrap();
    let s = reader.join().unwrap();
    let mut c = c;
    let mut word = [0u8; 4];
    c.read_exact(&mut word).unwrap();
    assert_eq!(&word, b"back");
    // The peer gone: EPIPE, from send and from sendall (with its counts).
    drop(s);
    let mut failed = None;
    for _ in 0..1000 {
        match sendall(&c, &big, MSG_NOSIGNAL) {
            Ok(()) => {}
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let e = failed.expect("sendall to a closed peer fails");
    assert!(matches!(e.errno(), Errno::EPIPE | Errno::ECONNRESET), "{e}");
    let _ = (e.sent(), e.total(), format!("{e} {e:?}"));
    assert!(matches!(
        send(&c, b"x", MSG_NOSIGNAL),
        Err(Errno::EPIPE | Errno::ECONNRESET)
    ));
    let file = not_a_socket();
    assert_eq!(send(&file, b"x", 0), Err(Errno::ENOTSOCK));
    assert_eq!(recv(&file, &mut buf, 0), Err(Errno::ENOTSOCK));
    assert_eq!(recvfrom(&file, &mut buf, 0).err(), Some(Errno::ENOTSOCK));
    assert_eq!(sendto(&file, b"x", 0, &V4), Err(Errno::ENOTSOCK));
    assert!(sendall(&file, b"x", 0).is_err());

    // Datagrams over each family: the sender's address comes back; truncation.
    for ip in [V4, V6] {
        let rx = timed(socket(family(ip), SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap());
        bind(&rx, &ip).unwrap();
        let to = getsockname(&rx).unwrap();
        let tx = socket(family(ip), SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&tx, &ip).unwrap();
        assert_eq!(sendto(&tx, b"0123456789", 0, &to), Ok(10));
        let mut small = [0u8; 4];
        let (n, from) = recvfrom(&rx, &mut small, MSG_TRUNC).unwrap();
        assert_eq!(n, 10);
        assert_eq!(from, getsockname(&tx).unwrap());
        assert_eq!(
            recvfrom(&rx, &mut small, MSG_DONTWAIT).err(),
            Some(Errno::EAGAIN)
        );
        connect(&tx, &to).unwrap();
        assert_eq!(send(&tx, b"conn", 0), Ok(4));
        assert_eq!(recv(&rx, &mut small, 0), Ok(4));
        assert!(sendto(&tx, &vec![0u8; 70_000], 0, &to).is_err());
    }
    let (a, b) = unix_pair(SOCK_DGRAM);
    assert_eq!(send(&a, b"unix", 0), Ok(4));
    let (n, from) = recvfrom(&b, &mut buf, 0).unwrap();
    // A socketpair's peer has no name: the kernel reports a length of 0.
    assert_eq!((n, from.len()), (4, 0), "{from:?}");
}

/// sendmsg/recvmsg: iovecs, names, SCM_RIGHTS (taken, left, truncated),
/// credentials, IP_PKTINFO/TTL/TOS, raw control bytes; sendmmsg/recvmmsg.
fn messages() {
    let (a, b) = unix_pair(SOCK_SEQPACKET);
    let iov = [IoSlice::new(b"hel"), IoSlice::new(b""), IoSlice::new(b"lo")];
    assert_eq!(
        sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0),
        Ok(5)
    );
    let (mut x, mut y) = ([0u8; 2], [0u8; 8]);
    let mut iov = [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut []);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(5));
    assert_eq!((msg.flags(), msg.controllen()), (MsgFlags::EMPTY, 0));
    assert!(msg.name().is_none() || msg.name().is_some_and(|n| n.is_unnamed()));
    drop(msg);

    // SCM_RIGHTS: three descriptors sent; one taken, the rest closed with the msg.
    let (p, q) = unix_pair(SOCK_STREAM);
    let file = not_a_socket();
    let mut cbuf = [0u8; 256];
    let mut builder = CmsgBuilder::new(&mut cbuf);
    builder
        .rights(&[p.as_fd(), q.as_fd(), file.as_fd()])
        .unwrap();
    let cred = ucred {
        // SAFETY: getpid, getuid and getgid take nothing and cannot fail.
        pid: unsafe { libc::getpid() },
        uid: unsafe { libc::getuid() },
        gid: unsafe { libc::getgid() },
    };
    builder.credentials(cred).unwrap();
    let _ = (builder.len(), builder.is_empty());
    let control = builder.finish();
    let _ = (control.as_bytes().len(), control.len(), control.is_empty());
    let iov = [IoSlice::new(b"fds")];
    assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, control), 0), Ok(3));
    setsockopt(&b, SOL_SOCKET, SO_PASSCRED, &1).unwrap();
    assert_eq!(
        sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0),
        Ok(3)
    );
    let mut data = [0u8; 8];
    let mut control = CmsgBuffer::<{ CMSG_SPACE(12) + CMSG_SPACE(12) }>::new();
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&b, &mut msg, MSG_CMSG_CLOEXEC), Ok(3));
    let mut taken: Vec<OwnedFd> = Vec::new();
    let mut text = String::new();
    for c in msg.cmsgs() {
        text.push_str(&format!("{c:?}"));
        match c {
            ControlMessage::Rights(mut fds) => {
                let _ = (format!("{fds:?}"), fds.remaining());
                taken.extend(fds.next());
            }
            ControlMessage::Credentials(got) => assert_eq!(got.pid, cred.pid),
            _ => {}
        }
    }
    drop(msg);
    assert_eq!(taken.len(), 1);
    assert!(!text.is_empty());
    // The next message: credentials alone (SO_PASSCRED), no descriptor.
    let mut data = [0u8; 8];
    let mut control = [0u8; 64];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(3));
    assert!(msg
        .cmsgs()
        .any(|c| matches!(c, ControlMessage::Credentials(_))));
    drop(msg);
    setsockopt(&b, SOL_SOCKET, SO_PASSCRED, &0).unwrap();
    // Rights into a control buffer too small: MSG_CTRUNC, nothing leaked.
    let mut cbuf = [0u8; 64];
    let mut builder = CmsgBuilder::new(&mut cbuf);
    builder
        .rights(&[p.as_fd(), q.as_fd(), file.as_fd()])
        .unwrap();
    let control = builder.finish();
    assert_eq!(
        sendmsg(&a, &MsgHdr::new(None, &[IoSlice::new(b"t")], control), 0),
        Ok(1)
    );
    let mut data = [0u8; 4];
    let mut control = [0u8; CMSG_SPACE(4)];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    assert!(msg.flags().contains(MSG_CTRUNC));
    drop(msg);
    // The builder's own errors: no room.
    let mut tiny = [0u8; 8];
    let mut builder = CmsgBuilder::new(&mut tiny);
    assert_eq!(builder.rights(&[p.as_fd()]).err(), Some(Errno::ENOBUFS));
    assert_eq!(builder.ip_ttl(1).err(), Some(Errno::ENOBUFS));
    // Raw control bytes (unsafe) and the parser over arbitrary bytes.
    let mut raw = [0u8; CMSG_SPACE(4)];
    {
        let mut builder = CmsgBuilder::new(&mut raw);
        builder.rights(&[p.as_fd()]).unwrap();
    }
    let iov = [IoSlice::new(b"r")];
    // SAFETY: the bytes are one SCM_RIGHTS message naming a descriptor this process
    // holds open for the call.
    let hdr = unsafe { MsgHdr::with_raw_control(None, &iov, &raw) };
    let _ = hdr.name();
    assert_eq!(sendmsg(&a, &hdr, 0), Ok(1));
    let mut data = [0u8; 4];
    let mut control = [0u8; CMSG_SPACE(4)];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    drop(msg); // the received descriptor closes here, untaken
    for junk in [
        &[0u8; 0][..],
        &[0xff; 7],
        &[0xff; 64],
        &raw,
        &[16, 0, 0, 0, 0, 0, 0, 0],
    ] {
        let _ = parse_control_bytes(junk).count();
    }
    let file2 = not_a_socket();
    assert_eq!(
        sendmsg(
            &file2,
            &MsgHdr::new(None, &[IoSlice::new(b"x")], Control::NONE),
            0
        ),
        Err(Errno::ENOTSOCK)
    );
    let mut data = [0u8; 4];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut []);
    assert_eq!(recvmsg(&file2, &mut msg, 0), Err(Errno::ENOTSOCK));
    drop(msg);

    // UDP: a name both ways, IP_PKTINFO, IP_RECVTTL, IP_RECVTOS; the builder's
    // IP options on the way out.
    let rx = timed(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap());
    bind(&rx, &V4).unwrap();
    let to = getsockname(&rx).unwrap();
    for opt in [IP_PKTINFO, IP_RECVTTL, IP_RECVTOS] {
        setsockopt(&rx, IPPROTO_IP, opt, &1).unwrap();
    }
    let tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&tx, &V4).unwrap();
    let mut cbuf = [0u8; 128];
    let mut builder = CmsgBuilder::new(&mut cbuf);
    let mut info: libc::in_pktinfo = zeroed_pktinfo();
    info.ipi_spec_dst.s_addr = htonl(INADDR_LOOPBACK);
    builder
        .ip_pktinfo(info)
        .unwrap()
        .ip_ttl(9)
        .unwrap()
        .ip_tos(0x10)
        .unwrap();
    let control = builder.finish();
    let iov = [IoSlice::new(b"udp")];
    assert_eq!(
        sendmsg(&tx, &MsgHdr::new(Some(&to), &iov, control), 0),
        Ok(3)
    );
    let mut data = [0u8; 8];
    let mut control = [0u8; 256];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&rx, &mut msg, 0), Ok(3));
    assert_eq!(msg.name(), getsockname(&tx).ok());
    let kinds: Vec<String> = msg.cmsgs().map(|c| format!("{c:?}")).collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    drop(msg);
    // IPv6 packet info and hop limit.
    let rx6 = timed(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap());
    bind(&rx6, &V6).unwrap();
    let to6 = getsockname(&rx6).unwrap();
    setsockopt(&rx6, IPPROTO_IPV6, IPV6_RECVPKTINFO, &1).unwrap();
    setsockopt(&rx6, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &1).unwrap();
    let tx6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    let mut cbuf = [0u8; 128];
    let mut builder = CmsgBuilder::new(&mut cbuf);
    // SAFETY: in6_pktinfo is plain integers; all zeros is a valid value.
    let info6: libc::in6_pktinfo = unsafe { std::mem::zeroed() };
    builder.ipv6_pktinfo(info6).unwrap();
    let control = builder.finish();
    assert_eq!(
        sendmsg(
            &tx6,
            &MsgHdr::new(Some(&to6), &[IoSlice::new(b"v6")], control),
            0
        ),
        Ok(2)
    );
    let mut data = [0u8; 8];
    let mut control = [0u8; 256];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&rx6, &mut msg, 0), Ok(2));
    assert!(msg.cmsgs().count() >= 2);
    drop(msg);
    // The error queue: IP_RECVERR on a connected UDP socket to a closed port.
    let closed = {
        let t = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&t, &V4).unwrap();
        getsockname(&t).unwrap()
    };
    let e = timed(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap());
    setsockopt(&e, IPPROTO_IP, IP_RECVERR, &1).unwrap();
    connect(&e, &closed).unwrap();
    assert_eq!(send(&e, b"?", 0), Ok(1));
    let mut pfd = [pollfd::new(&e, POLLERR)];
    assert_eq!(poll(&mut pfd, 10_000), Ok(1));
    let mut data = [0u8; 8];
    let mut control = [0u8; 256];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert!(recvmsg(&e, &mut msg, MSG_ERRQUEUE).is_ok());
    let errs: Vec<String> = msg.cmsgs().map(|c| format!("{c:?}")).collect();
    assert_eq!(errs.len(), 1, "{errs:?}");
    drop(msg);

    // sendmmsg / recvmmsg, with a timeout and with rights in one entry.
    let (a, b) = unix_pair(SOCK_DGRAM);
    let parts: Vec<[IoSlice<'_>; 1]> = (0..4u8)
        .map(|i| [IoSlice::new(if i % 2 == 0 { b"even" } else { b"odd" })])
        .collect();
    let mut out: Vec<MMsgHdr<'_>> = parts
        .iter()
        .map(|iov| MMsgHdr::new(MsgHdr::new(None, iov, Control::NONE)))
        .collect();
    assert_eq!(sendmmsg(&a, &mut out, 0), Ok(4));
    assert_eq!(out[1].len(), 3);
    let _ = (out[0].is_empty(), out[0].msg().name());
    let mut bufs = [[0u8; 8]; 6];
    let mut controls = [[0u8; CMSG_SPACE(4)]; 6];
    let mut iovs: Vec<[IoSliceMut<'_>; 1]> =
        bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
    let mut hdrs: Vec<MsgHdrMut<'_, '_>> = iovs
        .iter_mut()
        .zip(controls.iter_mut())
        .map(|(iov, c)| MsgHdrMut::new(iov, c))
        .collect();
    let mut entries: Vec<MMsgHdrMut<'_, '_, '_>> = hdrs.iter_mut().map(MMsgHdrMut::new).collect();
    let mut ts = timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000,
    };
    assert_eq!(
        recvmmsg(&b, &mut entries, MSG_WAITFORONE, Some(&mut ts)),
        Ok(4)
    );
    for e in &mut entries[..4] {
        let _ = (e.len(), e.is_empty(), e.name(), e.flags(), e.controllen());
        assert_eq!(e.cmsgs().count(), 0);
    }
    assert_eq!(
        recvmmsg(&b, &mut entries, MSG_DONTWAIT, None),
        Err(Errno::EAGAIN)
    );
    drop(entries);
    drop(hdrs);
    let file3 = not_a_socket();
    assert_eq!(sendmmsg(&file3, &mut out, 0), Err(Errno::ENOTSOCK));
    drop((p, q, file, file2, taken));
}

fn zeroed_pktinfo() -> libc::in_pktinfo {
    // SAFETY: in_pktinfo is plain integers; all zeros is a valid value.
    unsafe { std::mem::zeroed() }
}

/// Every typed option: set (where writable) and get, and their errors.
fn options() {
    let t = timed(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap());
    let t6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    let u6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    macro_rules! rw_int {
        ($fd:expr, $level:expr, [$($opt:ident = $v:expr),* $(,)?]) => {$(
            let before = getsockopt(&$fd, $level, $opt);
            let set = setsockopt(&$fd, $level, $opt, &$v);
            let after = getsockopt(&$fd, $level, $opt);
            let _ = format!("{:?} {before:?} {set:?} {after:?}", $opt);
        )*};
    }
    rw_int!(
        t,
        SOL_SOCKET,
        [
            SO_REUSEADDR = 1,
            SO_REUSEPORT = 1,
            SO_KEEPALIVE = 1,
            SO_RCVBUF = 65536,
            SO_SNDBUF = 65536,
            SO_BROADCAST = 1,
            SO_OOBINLINE = 1,
            SO_DONTROUTE = 0,
            SO_RCVLOWAT = 1,
            SO_PRIORITY = 1,
            SO_MARK = 0,
            SO_PASSCRED = 0,
            SO_BUSY_POLL = 0,
            SO_INCOMING_CPU = 0,
        ]
    );
    rw_int!(
        t,
        IPPROTO_TCP,
        [
            TCP_NODELAY = 1,
            TCP_MAXSEG = 1000,
            TCP_KEEPCNT = 3,
            TCP_KEEPINTVL = 5,
            TCP_KEEPIDLE = 7,
            TCP_USER_TIMEOUT = 1000,
            TCP_QUICKACK = 1,
            TCP_CORK = 0,
            TCP_DEFER_ACCEPT = 1,
            TCP_FASTOPEN = 1,
            TCP_SYNCNT = 3,
            TCP_NOTSENT_LOWAT = 4096,
        ]
    );
    rw_int!(
        t,
        IPPROTO_IP,
        [
            IP_TTL = 32,
            IP_TOS = 0x10,
            IP_FREEBIND = 1,
            IP_TRANSPARENT = 0,
            IP_RECVERR = 1,
            IP_MTU_DISCOVER = IP_PMTUDISC_DO,
            IP_PKTINFO = 1,
            IP_RECVTTL = 1,
            IP_RECVTOS = 1,
            IP_MULTICAST_TTL = 2,
            IP_MULTICAST_LOOP = 1,
        ]
    );
    let _ = (IP_PMTUDISC_DONT, IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT);
    rw_int!(
        t6,
        IPPROTO_IPV6,
        [
            IPV6_V6ONLY = 1,
            IPV6_UNICAST_HOPS = 9,
            IPV6_RECVERR = 1,
            IPV6_MULTICAST_HOPS = 2,
            IPV6_MULTICAST_LOOP = 1,
            IPV6_RECVPKTINFO = 1,
            IPV6_RECVHOPLIMIT = 1,
        ]
    );
    // Each int option at the wrong level, and ints out of range.
    assert_eq!(
        setsockopt(&t, IPPROTO_TCP, SO_REUSEADDR, &1),
        Err(Errno::ENOPROTOOPT)
    );
    assert_eq!(
        getsockopt(&t, SOL_SOCKET, TCP_NODELAY),
        Err(Errno::ENOPROTOOPT)
    );
    assert_eq!(setsockopt(&t, IPPROTO_IP, IP_TTL, &-2), Err(Errno::EINVAL));
    assert!(getsockopt(&t, IPPROTO_IPV6, IPV6_V6ONLY).is_err());
    // Read-only options.
    let _ = (
        getsockopt(&t, SOL_SOCKET, SO_ERROR),
        getsockopt(&t, SOL_SOCKET, SO_TYPE),
        getsockopt(&t, SOL_SOCKET, SO_ACCEPTCONN),
        getsockopt(&t, SOL_SOCKET, SO_SNDLOWAT),
        getsockopt(&t, SOL_SOCKET, SO_DOMAIN),
        getsockopt(&t, SOL_SOCKET, SO_PROTOCOL),
        getsockopt(&t, IPPROTO_IP, IP_MTU),
    );
    assert_eq!(getsockopt(&t, SOL_SOCKET, SO_TYPE), Ok(SOCK_STREAM));
    let (a, _b) = unix_pair(SOCK_STREAM);
    let cred = getsockopt(&a, SOL_SOCKET, SO_PEERCRED).unwrap();
    // SAFETY: getpid takes nothing and cannot fail.
    assert_eq!(cred.pid, unsafe { libc::getpid() });
    // Struct options.
    let lg = linger {
        l_onoff: 1,
        l_linger: 3,
    };
    setsockopt(&t, SOL_SOCKET, SO_LINGER, &lg).unwrap();
    assert_eq!(
        getsockopt(&t, SOL_SOCKET, SO_LINGER).map(|l| l.l_linger),
        Ok(3)
    );
    for opt in [SO_RCVTIMEO, SO_SNDTIMEO] {
        setsockopt(&t, SOL_SOCKET, opt, &TIMEOUT).unwrap();
        assert_eq!(getsockopt(&t, SOL_SOCKET, opt).map(|v| v.tv_sec), Ok(10));
    }
    let bad = timeval {
        tv_sec: 0,
        tv_usec: 2_000_000,
    };
    assert_eq!(
        setsockopt(&t, SOL_SOCKET, SO_RCVTIMEO, &bad),
        Err(Errno::EDOM)
    );
    // Name options: a device, a congestion control; too long, unknown.
    let _ = setsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE, b"lo");
    let _ = getsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE).map(|n| n.as_bytes().len());
    let _ = setsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE, b"");
    assert!(setsockopt(&u, SOL_SOCKET, SO_BINDTODEVICE, &[b'x'; 40][..]).is_err());
    setsockopt(&t, IPPROTO_TCP, TCP_CONGESTION, b"reno").unwrap();
    let cc = getsockopt(&t, IPPROTO_TCP, TCP_CONGESTION).unwrap();
    assert_eq!(&cc.as_bytes()[..4], b"reno");
    assert!(setsockopt(&t, IPPROTO_TCP, TCP_CONGESTION, b"no-such-cc").is_err());
    // Multicast: the interface by address, groups joined and left, by each struct.
    let lo = in_addr {
        s_addr: htonl(INADDR_LOOPBACK),
    };
    let group = in_addr {
        s_addr: u32::from(Ipv4Addr::new(239, 1, 2, 3)).to_be(),
    };
    let _ = setsockopt(&u, IPPROTO_IP, IP_MULTICAST_IF, &lo);
    let _ = getsockopt(&u, IPPROTO_IP, IP_MULTICAST_IF);
    let mreq = ip_mreq {
        imr_multiaddr: group,
        imr_interface: lo,
    };
    let _ = setsockopt(&u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq);
    let _ = setsockopt(&u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq);
    let _ = setsockopt(&u, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq);
    let mreqn = ip_mreqn {
        imr_multiaddr: group,
        imr_address: lo,
        imr_ifindex: 0,
    };
    let _ = setsockopt(&u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreqn);
    let _ = setsockopt(&u, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreqn);
    let src = ip_mreq_source {
        imr_multiaddr: group,
        imr_interface: lo,
        imr_sourceaddr: lo,
    };
    let _ = setsockopt(&u, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &src);
    let _ = setsockopt(&u, IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, &src);
    let lo_index = if_nametoindex("lo").unwrap();
    let _ = setsockopt(&u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, &(lo_index as c_int));
    let _ = getsockopt(&u6, IPPROTO_IPV6, IPV6_MULTICAST_IF);
    let mreq6 = ipv6_mreq {
        ipv6mr_multiaddr: in6_addr {
            s6_addr: "ff02::1:2".parse::<Ipv6Addr>().unwrap().octets(),
        },
        ipv6mr_interface: lo_index,
    };
    let _ = setsockopt(&u6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq6);
    let _ = setsockopt(&u6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &mreq6);
    // The raw forms: an int, a buffer too small, too large, a non-socket.
    // SAFETY (each raw call): SO_RCVBUF and SO_KEEPALIVE are plain ints, written and
    // read only within the lengths given.
    unsafe {
        setsockopt_raw(&t, SOL_SOCKET, libc::SO_KEEPALIVE, &1i32.to_ne_bytes()).unwrap();
        let mut four = [0u8; 4];
        assert_eq!(
            getsockopt_raw(&t, SOL_SOCKET, libc::SO_RCVBUF, &mut four),
            Ok(4)
        );
        let mut one = [0u8; 1];
        let _ = getsockopt_raw(&t, SOL_SOCKET, libc::SO_RCVBUF, &mut one);
        let mut big = [0u8; 64];
        assert_eq!(
            getsockopt_raw(&t, SOL_SOCKET, libc::SO_RCVBUF, &mut big),
            Ok(4)
        );
        assert!(setsockopt_raw(&t, SOL_SOCKET, libc::SO_KEEPALIVE, &[1]).is_err());
        assert_eq!(
            getsockopt_raw(&t, SOL_SOCKET, 9999, &mut four),
            Err(Errno::ENOPROTOOPT)
        );
        let file = not_a_socket();
        assert_eq!(
            getsockopt_raw(&file, SOL_SOCKET, libc::SO_RCVBUF, &mut four),
            Err(Errno::ENOTSOCK)
        );
        assert_eq!(
            setsockopt_raw(&file, SOL_SOCKET, libc::SO_RCVBUF, &four),
            Err(Errno::ENOTSOCK)
        );
    }
    let file = not_a_socket();
    assert_eq!(
        getsockopt(&file, SOL_SOCKET, SO_TYPE).err(),
        Some(Errno::ENOTSOCK)
    );
    assert_eq!(
        setsockopt(&file, SOL_SOCKET, SO_REUSEADDR, &1),
        Err(Errno::ENOTSOCK)
    );
    let _ = (
        SO_REUSEADDR.name(),
        SO_REUSEADDR.as_raw(),
        SO_REUSEADDR.level(),
    );
    let _ = (
        format!("{SO_LINGER:?} {:?}", Level::from(IPPROTO_TCP)),
        SOL_IP,
        SOL_IPV6,
    );
    let _ = (SOL_TCP, SOL_UDP);
}

/// tcp_info, tcp_state_of, tcp_state_in (both tables), and their errors.
fn tcp() {
    let (c, s, _) = tcp_pair(V4);
    let info = tcp_info(&c).unwrap();
    assert_eq!(info.state(), TCP_ESTABLISHED);
    let _ = format!(
        "{info:?} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        info.len(),
        info.is_empty(),
        info.rtt(),
        info.rto(),
        info.snd_mss(),
        info.snd_cwnd(),
        info.delivery_rate(),
        info.min_rtt(),
        info.bytes_acked(),
        info.notsent_bytes()
    );
    let _ = (
        info.as_raw(),
        info.ca_state(),
        info.retransmits(),
        info.probes(),
    );
    let _ = (
        info.backoff(),
        info.options(),
        info.rcv_mss(),
        info.unacked(),
    );
    let _ = (info.lost(), info.retrans(), info.pmtu(), info.rttvar());
    let _ = (
        info.snd_ssthresh(),
        info.advmss(),
        info.reordering(),
        info.rcv_space(),
    );
    let _ = (
        info.total_retrans(),
        info.bytes_received(),
        info.segs_out(),
        info.segs_in(),
    );
    let short = TcpInfo::from_parts(*info.as_raw(), 8);
    assert_eq!(short.rtt(), None);
    let (local, peer) = (getsockname(&c).unwrap(), getpeername(&c).unwrap());
    assert_eq!(tcp_state_of(&local, &peer), Ok(Some(TCP_ESTABLISHED)));
    for table in [TcpTable::SockDiag, TcpTable::Proc] {
        assert_eq!(
            tcp_state_in(table, &local, &peer),
            Ok(Some(TCP_ESTABLISHED))
        );
    }
    assert_eq!(tcp_state_of(&local, &local).map(|s| s.is_some()), Ok(false));
    assert!(tcp_state_of(&SockAddr::unix("/x").unwrap(), &peer).is_err());
    let (c6, _s6, _) = tcp_pair(V6);
    let (l6, p6) = (getsockname(&c6).unwrap(), getpeername(&c6).unwrap());
    for table in [TcpTable::SockDiag, TcpTable::Proc] {
        assert_eq!(tcp_state_in(table, &l6, &p6), Ok(Some(TCP_ESTABLISHED)));
    }
    let u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert!(tcp_info(&u).is_err());
    assert_eq!(tcp_info(&not_a_socket()).err(), Some(Errno::ENOTSOCK));
    let _ = format!("{:?} {:?}", TCP_TIME_WAIT, TCP_LISTEN);
    drop((c, s));
}

/// select, pselect, FdSet and the FD_* forms, sigset_t calls, poll, ppoll,
/// sockatmark, epoll_*; their errors.
fn waiting() {
    let (a, b) = unix_pair(SOCK_STREAM);
    send(&a, b"r", 0).unwrap();
    let mut rd = FdSet::new();
    rd.insert(&b).unwrap();
    FD_SET(a.as_raw_fd(), &mut rd).unwrap();
    assert!(FD_ISSET(b.as_raw_fd(), &rd) && rd.contains(&a));
    let _ = (
        rd.len(),
        rd.is_empty(),
        rd.iter().count(),
        rd.as_raw(),
        format!("{rd:?}"),
    );
    let mut wr = rd;
    let mut tv = timeval {
        tv_sec: 1,
        tv_usec: 0,
    };
    let n = select(rd.nfds(), Some(&mut rd), Some(&mut wr), None, Some(&mut tv)).unwrap();
    assert!(n >= 2);
    assert!(rd.contains(&b) && !rd.contains(&a));
    assert_eq!(FD_SET(FD_SETSIZE as c_int, &mut rd), Err(Errno::EINVAL));
    assert_eq!(FD_SET(-1, &mut rd), Err(Errno::EINVAL));
    FD_CLR(-5, &mut rd);
    FD_CLR(100_000, &mut rd);
    assert!(!FD_ISSET(100_000, &rd));
    assert!(rd.remove(&b));
    rd.clear();
    FD_ZERO(&mut rd);
    assert_eq!(
        select(FD_SETSIZE as c_int + 1, Some(&mut rd), None, None, None),
        Err(Errno::EINVAL)
    );
    let mut neg = timeval {
        tv_sec: -1,
        tv_usec: 0,
    };
    assert_eq!(
        select(0, None, None, None, Some(&mut neg)),
        Err(Errno::EINVAL)
    );
    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).unwrap();
    sigaddset(&mut mask, libc::SIGUSR1).unwrap();
    assert_eq!(sigismember(&mask, libc::SIGUSR1), Ok(true));
    sigdelset(&mut mask, libc::SIGUSR1).unwrap();
    sigfillset(&mut mask).unwrap();
    assert_eq!(sigaddset(&mut mask, 0), Err(Errno::EINVAL));
    assert_eq!(sigdelset(&mut mask, 1000), Err(Errno::EINVAL));
    assert_eq!(sigismember(&mask, -1), Err(Errno::EINVAL));
    sigemptyset(&mut mask).unwrap();
    let mut rd = FdSet::new();
    rd.insert(&b).unwrap();
    let ts = timespec {
        tv_sec: 1,
        tv_nsec: 0,
    };
    assert_eq!(
        pselect(rd.nfds(), Some(&mut rd), None, None, Some(&ts), Some(&mask)),
        Ok(1)
    );
    let bad = timespec {
        tv_sec: 0,
        tv_nsec: 2_000_000_000,
    };
    assert_eq!(
        pselect(0, None, None, None, Some(&bad), None),
        Err(Errno::EINVAL)
    );

    let mut fds = [
        pollfd::new(&a, POLLIN | POLLOUT),
        pollfd::new(&b, POLLIN | POLLPRI),
    ];
    assert_eq!(poll(&mut fds, 1000), Ok(2));
    assert!(fds[1].revents.contains(POLLIN));
    let _ = format!("{:?}", fds[0]);
    let mut closed = [
        pollfd::from_raw_fd(-1, POLLIN),
        pollfd::from_raw_fd(100_000, POLLIN),
    ];
    assert_eq!(poll(&mut closed, 0), Ok(1));
    assert!(closed[1].revents.contains(POLLNVAL));
    assert_eq!(ppoll(&mut fds, Some(&ts), Some(&mask)), Ok(2));
    assert_eq!(ppoll(&mut [], Some(&bad), None), Err(Errno::EINVAL));
    let mut rdhup = [pollfd::new(&b, POLLRDHUP)];
    assert_eq!(poll(&mut rdhup, 0), Ok(0));
    let (c, s, _) = tcp_pair(V4);
    assert_eq!(sockatmark(&c), Ok(false));
    send(&s, b"!", MSG_OOB).unwrap();
    let mut one = [pollfd::new(&c, POLLPRI)];
    assert_eq!(poll(&mut one, 10_000), Ok(1));
    assert_eq!(sockatmark(&c), Ok(true));
    let mut oob = [0u8; 1];
    assert_eq!(recv(&c, &mut oob, MSG_OOB), Ok(1));
    assert_eq!(sockatmark(&not_a_socket()).err(), Some(Errno::ENOTTY));

    let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
    let mut ev = epoll_event::new(EPOLLIN | EPOLLRDHUP, b.as_raw_fd() as u64);
    ev.set_events(EPOLLIN);
    ev.set_data(7);
    let _ = (ev.events(), ev.data(), format!("{ev:?} {ep:?}"));
    epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)).unwrap();
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)),
        Err(Errno::EEXIST)
    );
    epoll_ctl(
        &ep,
        EPOLL_CTL_MOD,
        &b,
        Some(&epoll_event::new(EPOLLIN | EPOLLET, 8)),
    )
    .unwrap();
    let mut events = [epoll_event::default(); 4];
    assert_eq!(epoll_wait(&ep, &mut events, 1000), Ok(1));
    assert_eq!(events[0].data(), 8);
    assert_eq!(epoll_pwait(&ep, &mut events, 0, Some(&mask)), Ok(0));
    assert_eq!(epoll_wait(&ep, &mut [], 0), Err(Errno::EINVAL));
    epoll_ctl(&ep, EPOLL_CTL_DEL, &b, None).unwrap();
    assert_eq!(epoll_ctl(&ep, EPOLL_CTL_DEL, &b, None), Err(Errno::ENOENT));
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &ep, Some(&ev)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &not_a_socket(), Some(&ev)),
        Err(Errno::EPERM)
    );
    assert!(epoll_wait(&not_a_socket(), &mut events, 0).is_err());
    assert!(epoll_create1(EpollCreateFlags::from_raw(0x7fff_0000)).is_err());
    drop(ep);
}

/// fcntl and ioctl, each command and request.
fn control() {
    let (a, b) = unix_pair(SOCK_STREAM);
    let fl = fcntl(&a, F_GETFL).unwrap();
    fcntl(&a, F_SETFL(fl | O_NONBLOCK)).unwrap();
    assert!(fcntl(&a, F_GETFL).unwrap().contains(O_NONBLOCK));
    fcntl(&a, F_SETFL(fl)).unwrap();
    fcntl(&a, F_SETFD(FD_CLOEXEC)).unwrap();
    assert!(fcntl(&a, F_GETFD).unwrap().contains(FD_CLOEXEC));
    let _ = format!("{:?} {:?}", O_APPEND | O_RDWR, (O_RDONLY, O_WRONLY));
    send(&a, b"12345", 0).unwrap();
    assert_eq!(ioctl(&b, FIONREAD), Ok(5));
    assert_eq!(ioctl(&b, SIOCINQ), Ok(5));
    assert!(ioctl(&a, SIOCOUTQ).is_ok());
    ioctl(&a, FIONBIO(&1)).unwrap();
    assert!(fcntl(&a, F_GETFL).unwrap().contains(O_NONBLOCK));
    ioctl(&a, FIONBIO(&0)).unwrap();
    let file = not_a_socket();
    assert!(ioctl(&file, SIOCINQ).is_err());
    assert!(fcntl(&file, F_GETFL).is_ok());
    let borrowed: BorrowedFd<'_> = a.as_fd();
    assert!(fcntl(&borrowed, F_GETFD).is_ok());
}

/// The name calls: getaddrinfo (numeric, /etc/hosts, each error), getnameinfo,
/// gai_strerror, the netdb entries, inet_*, if_*, strerror/perror.
fn names() {
    let mut hints = AddrInfoHints::default();
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    for (node, serv) in [("127.0.0.1", "80"), ("::1", "443"), ("0:0::1", "0")] {
        let list = getaddrinfo(Some(node), Some(serv), Some(&hints)).unwrap();
        let first = list.first();
        let _ = (first.ai_flags(), first.ai_family(), first.ai_socktype());
        let _ = (first.ai_protocol(), first.ai_addr(), first.ai_canonname());
        let _ = format!("{first:?} {list:?}");
        for ai in &list {
            let fd = socket(
                ai.ai_family(),
                ai.ai_socktype() | SOCK_CLOEXEC,
                ai.ai_protocol(),
            )
            .unwrap();
            let _ = connect(&fd, &ai.ai_addr());
        }
        assert!(list.iter().count() >= 1);
    }
    let mut canon = AddrInfoHints::default();
    canon.ai_flags = AI_CANONNAME;
    canon.ai_family = AF_INET;
    let list = getaddrinfo(c"localhost", c"http", Some(&canon)).unwrap();
    assert!(list.first().ai_canonname().is_some());
    let list = getaddrinfo(
        None::<&str>,
        Some("8080"),
        Some(&{
            let mut h = AddrInfoHints::default();
            h.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
            h
        }),
    )
    .unwrap();
    drop(list);
    let errors = [
        getaddrinfo(Some("localhost"), None::<&str>, Some(&hints)).err(),
        getaddrinfo(None::<&str>, None::<&str>, None).err(),
        getaddrinfo(Some("127.0.0.1"), Some("http"), Some(&hints)).err(),
        getaddrinfo(Some("a\0b"), Some("80"), None).err(),
        getaddrinfo(
            Some("127.0.0.1"),
            Some("80"),
            Some(&{
                let mut h = hints;
                h.ai_family = AddressFamily::from_raw(12345);
                h
            }),
        )
        .err(),
        getaddrinfo(
            Some("127.0.0.1"),
            Some("80"),
            Some(&{
                let mut h = hints;
                h.ai_flags = AiFlags::from_raw(0x7fff_0000);
                h
            }),
        )
        .err(),
        getaddrinfo(
            Some("127.0.0.1"),
            Some("80"),
            Some(&{
                let mut h = hints;
                h.ai_socktype = SockType::from_raw(999);
                h
            }),
        )
        .err(),
        getaddrinfo(Some(&*"9".repeat(2000)), Some("80"), Some(&hints)).err(),
    ];
    for e in errors {
        let e = e.expect("each lookup above fails");
        let _ = format!(
            "{e} {e:?} {} {:?} {:?}",
            gai_strerror(e.code()),
            e.code(),
            e.errno()
        );
    }
    for code in [
        EAI_AGAIN,
        EAI_BADFLAGS,
        EAI_FAIL,
        EAI_FAMILY,
        EAI_MEMORY,
        EAI_NONAME,
    ] {
        let _ = gai_strerror(code);
    }
    for code in [EAI_OVERFLOW, EAI_SERVICE, EAI_SOCKTYPE, EAI_SYSTEM] {
        let _ = (gai_strerror(code), GaiError::new(code));
    }
    let _ = GaiError::system(Errno::ENOMEM).errno();
    let _ = (AI_ADDRCONFIG, AI_ALL, AI_V4MAPPED);
    for addr in [V4, V6, SocketAddr::from(([127, 0, 0, 1], 22))] {
        let (host, serv) = getnameinfo(&addr, NI_NUMERICHOST).unwrap();
        let _ = (host.len(), serv.len(), format!("{host} {serv} {host:?}"));
        let _ = getnameinfo(&addr, NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM);
        let _ = getnameinfo(&addr, NI_NUMERICSERV | NI_NOFQDN);
    }
    assert!(getnameinfo(&SockAddr::from_bytes(&[0x39, 0x30, 0, 0]).unwrap(), 0).is_err());
    let _ = getnameinfo(&V4, NI_NAMEREQD | NI_NUMERICSERV);

    let se = getservbyname("http", "tcp").unwrap().unwrap();
    assert_eq!(se.port(), 80);
    let _ = (
        se.s_name().to_str(),
        se.s_aliases().count(),
        se.s_port(),
        se.s_proto(),
    );
    let _ = format!("{se:?} {}", se.s_name().as_bytes().len());
    assert!(getservbyname("domain", None).unwrap().is_some());
    assert!(getservbyname("no-such-service-x", "tcp").unwrap().is_none());
    assert!(getservbyname("a\0b", "tcp").is_err());
    let (found, _) = getservbyname_sized("http", "tcp", 1).unwrap();
    assert!(found.is_some());
    assert!(getservbyport(htons(80), "tcp").unwrap().is_some());
    assert!(getservbyport(htons(1), "no-such-proto").unwrap().is_none());
    let pe = getprotobyname("tcp").unwrap().unwrap();
    let _ = (
        pe.p_name(),
        pe.p_aliases().count(),
        pe.p_proto(),
        format!("{pe:?}"),
    );
    assert!(getprotobyname("no-such-proto").unwrap().is_none());
    assert!(getprotobynumber(17).unwrap().is_some());
    assert!(getprotobynumber(-1).unwrap().is_none());
    let he = gethostbyname("localhost").unwrap();
    let _ = (
        he.h_name(),
        he.h_aliases().count(),
        he.h_addrtype(),
        he.h_length(),
    );
    let _ = (he.h_addr_list().count(), he.h_addr(), format!("{he:?}"));
    let he = gethostbyname("127.0.0.1").unwrap();
    assert_eq!(he.h_addr(), Some(Ipv4Addr::LOCALHOST.into()));
    assert!(gethostbyname("a\0b").is_err());
    let e = gethostbyname("").err();
    if let Some(e) = e {
        let _ = (
            e.raw(),
            e.errno(),
            e.name(),
            hstrerror(e),
            format!("{e} {e:?}"),
        );
    }
    let _ = gethostbyaddr(Ipv4Addr::LOCALHOST).map(|h| h.h_addr_list().count());
    let _ = gethostbyaddr(Ipv6Addr::LOCALHOST).map(|h| h.h_addr_list().count());
    for e in [
        HOST_NOT_FOUND,
        NO_DATA,
        NO_RECOVERY,
        TRY_AGAIN,
        NETDB_INTERNAL,
    ] {
        let _ = (hstrerror(e), HError::from_raw(e.raw()).name());
    }
    let _ = HError::internal(Errno::ENOMEM).errno();

    let mut a4: sockaddr_in = zeroed();
    assert_eq!(inet_pton(AF_INET, "127.0.0.1", &mut a4.sin_addr), Ok(true));
    assert_eq!(inet_pton(AF_INET, "300.1.1.1", &mut a4.sin_addr), Ok(false));
    assert_eq!(
        inet_pton(AF_INET, "1.2.3.4\0x", &mut a4.sin_addr),
        Ok(false)
    );
    assert_eq!(
        inet_pton(AF_INET6, "1.2.3.4", &mut a4.sin_addr),
        Err(Errno::EAFNOSUPPORT)
    );
    let mut a6 = zeroed::<in6_addr>();
    assert_eq!(inet_pton(AF_INET6, "::ffff:1.2.3.4", &mut a6), Ok(true));
    assert_eq!(inet_pton(AF_INET6, c"::1", &mut a6), Ok(true));
    let mut buf = [0u8; INET6_ADDRSTRLEN];
    assert_eq!(inet_ntop(AF_INET6, &a6, &mut buf), Ok("::1"));
    assert_eq!(inet_ntop(AF_INET, &a4.sin_addr, &mut buf), Ok("127.0.0.1"));
    let mut short = [0u8; 4];
    assert_eq!(
        inet_ntop(AF_INET, &a4.sin_addr, &mut short),
        Err(Errno::ENOSPC)
    );
    assert_eq!(
        inet_ntop(AF_INET6, &a4.sin_addr, &mut buf),
        Err(Errno::EAFNOSUPPORT)
    );
    let _ = INET_ADDRSTRLEN;
    assert!(inet_aton("127.1", &mut a4.sin_addr));
    assert!(!inet_aton("1.2.3.4.5", &mut a4.sin_addr));
    assert!(!inet_aton("a\0b", &mut a4.sin_addr));
    let text = inet_ntoa(a4.sin_addr);
    let _ = (text.as_str(), text.as_bytes(), format!("{text} {text:?}"));

    let lo = if_nametoindex("lo").unwrap();
    let name = if_indextoname(lo).unwrap();
    assert_eq!(name.to_str(), Some("lo"));
    let _ = (name.as_bytes(), format!("{name:?}"));
    assert_eq!(if_nametoindex("no-such-if0").err(), Some(Errno::ENODEV));
    assert!(if_nametoindex(&*"x".repeat(40)).is_err());
    assert!(if_nametoindex("a\0b").is_err());
    assert_eq!(if_indextoname(0).err(), Some(Errno::ENXIO));
    assert!(if_indextoname(u32::MAX).is_err());

    for e in [
        Errno::ECONNREFUSED,
        Errno::from_raw(0),
        Errno::from_raw(99_999),
    ] {
        let s = strerror(e);
        let _ = (
            s.as_str().len(),
            e.name(),
            e.is_known(),
            e.raw(),
            format!("{e} {e:?} {s}"),
        );
    }
    let _ = Errno::last();
    perror("memcheck_calls: perror");
    perror("");
    perror(&"p".repeat(600));
    let io: std::io::Error = Errno::EPIPE.into();
    let _ = Errno::try_from(io);
}

/// The trace's own switches.
fn trace_switches() {
    let was = trace::strsize();
    trace::set_strsize(0);
    trace::set_strsize(100_000);
    trace::set_strsize(was);
    let _ = trace::enabled();
}

/// Conversions between Socket and std's sockets.
fn conversions() {
    let (a, b) = UnixStream::pair().unwrap();
    let s = Socket::from(OwnedFd::from(a));
    let _ = (format!("{s} {s:?}"), s.as_raw_fd());
    send(&s, b"std", 0).unwrap();
    let mut buf = [0u8; 3];
    assert_eq!(recv(&b, &mut buf, 0), Ok(3));
    let back: OwnedFd = s.into();
    close(back).unwrap();
}

fn round() {
    sockets();
    addresses();
    data();
    messages();
    options();
    tcp();
    waiting();
    control();
    names();
    trace_switches();
    conversions();
}

/// What `--build-info` prints: the features this binary was built with, so that
/// `tests/memcheck.rs` runs the one built beside it, not one left by another build.
fn build_info() -> String {
    format!("memcheck_calls trace={}", cfg!(feature = "trace"))
}

fn main() {
    if std::env::args().any(|a| a == "--build-info") {
        println!("{}", build_info());
        return;
    }
    // SIGPIPE stays ignored (Rust's default): the EPIPE paths return, as tested.
    round();
    #[cfg(feature = "trace")]
    {
        trace::enable();
        round();
        trace::disable();
    }
    if cfg!(feature = "trace") {
        println!("memcheck_calls: every call made, trace off and on");
    } else {
        println!("memcheck_calls: every call made (the trace compiled out)");
    }
}
