//! `icount <workload> <impl> <iterations>`: sets up one workload, then runs only its
//! loop, `iterations` times, with sockapi (`sockapi`) or with the same raw libc calls
//! written as a C programmer writes them (`libc`). Run under
//! `valgrind --tool=callgrind`, twice (N and 2N iterations), the difference of the
//! two totals divided by N is the user-space instruction count of one iteration:
//! start-up, set-up and exit cancel out. `run` beside this file does that.
//!
//! Workloads (one iteration each):
//! - `pair`: a 1-byte `send` on one end of an `AF_UNIX` stream socketpair, a `recv`
//!   on the other.
//! - `udp`: the same on two connected UDP sockets on 127.0.0.1.
//! - `udp_to`: a 1-byte `sendto` from one UDP socket on 127.0.0.1 to its own address,
//!   then a `recvfrom` on it. The sender's address is not used (sockapi:
//!   `let (n, _peer) = recvfrom(…)`; C: a `sockaddr_storage` on the stack and its
//!   length, which the kernel still writes).
//! - `accept`: `socket`, `connect` to a listener on 127.0.0.1, `accept4`, then close
//!   both: the client with an explicit close, the accepted socket by drop (C: `close`).
//!   The peer address is not used, as in a C server that does not look at it (the
//!   kernel still writes it into the storage both sides pass).
//! - `accept_peer`: the same, and the peer address is used (`black_box(&peer)` on
//!   each side), as in a server that logs it.
//! - `msg`: a 1-byte `sendmsg` on one end of an `AF_UNIX` stream socketpair and a
//!   `recvmsg` on the other, one iovec each, no address, no control data (C: a
//!   `struct msghdr` zeroed and filled in, as C code writes it).
//! - `epoll`: a 1-byte `send` on one end of an `AF_UNIX` stream socketpair, an
//!   `epoll_wait` (room for 8 entries, timeout 0) that finds the other end ready
//!   (registered once, `EPOLLIN`, before the loop), and a `recv` there (C: a
//!   `struct epoll_event events[8]` on the stack).
//! - `mmsg`: a `sendmmsg` of 8 1-byte datagrams on one end of an `AF_UNIX` datagram
//!   socketpair and a `recvmmsg` of 8 on the other, one iovec each, no control data;
//!   the arrays are made once, before the loop (C: `struct mmsghdr` arrays, the
//!   receive side's `msg_namelen` reset before each call, as code that reads the
//!   names must, since `MsgHdrMut` always offers name storage).
//! - `sendall`: a `sendall` of 64 bytes (which one `send` takes whole) on one end of
//!   an `AF_UNIX` stream socketpair, and a `recv` of them on the other (C: Stevens'
//!   `writen` loop around `send`, `EINTR` retried, `<= 0` an error).
//! - `rw`: `Write::write` of 1 byte on one end of an `AF_UNIX` stream socketpair,
//!   `Read::read` on the other, on `&Socket` (C: `send` and `recv`, as `pair`).
//! - `writev`: `Write::write_vectored` of three buffers (1, 2 and 3 bytes) on one end of
//!   an `AF_UNIX` stream socketpair, `Read::read_vectored` into three on the other (C:
//!   `sendmsg` and `recvmsg` with the same `iovec`s, the receive with room for the
//!   sender's address, as `MsgHdrMut` always has).
//!
//! Both sides check every call the way their language does: C tests `< 0`, Rust
//! matches the `Result`; either way a failure panics (in a cold function, shared by
//! both sides in shape). Every set-up uses its own side's calls, so the `libc` variant
//! is a pure C twin.
//!
//! Loopback only, ports chosen by the kernel (port 0, read back with `getsockname`),
//! and every loop is bounded by `iterations`.

use std::hint::black_box;
use std::process::ExitCode;

const USAGE: &str =
    "usage: icount <pair|udp|udp_to|accept|accept_peer|msg|mmsg|select|poll|ioctl|epoll|sendall|rw|writev> <sockapi|libc> <iterations>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, side, iterations] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let Ok(n) = iterations.parse::<u64>() else {
        eprintln!("icount: bad iteration count {iterations:?}\n{USAGE}");
        return ExitCode::from(2);
    };
    // The count comes from the command line anyway; black_box keeps either loop from
    // being shaped around a value the optimiser could see.
    let n = black_box(n);
    match (workload.as_str(), side.as_str()) {
        ("pair", "sockapi") => with_sockapi::pair(n),
        ("pair", "libc") => with_libc::pair(n),
        ("udp", "sockapi") => with_sockapi::udp(n),
        ("udp", "libc") => with_libc::udp(n),
        ("udp_to", "sockapi") => with_sockapi::udp_to(n),
        ("udp_to", "libc") => with_libc::udp_to(n),
        ("accept", "sockapi") => with_sockapi::accept::<false>(n),
        ("accept", "libc") => with_libc::accept::<false>(n),
        ("accept_peer", "sockapi") => with_sockapi::accept::<true>(n),
        ("accept_peer", "libc") => with_libc::accept::<true>(n),
        ("msg", "sockapi") => with_sockapi::msg(n),
        ("msg", "libc") => with_libc::msg(n),
        ("mmsg", "sockapi") => with_sockapi::mmsg(n),
        ("mmsg", "libc") => with_libc::mmsg(n),
        ("select", "sockapi") => with_sockapi::select(n),
        ("select", "libc") => with_libc::select(n),
        ("poll", "sockapi") => with_sockapi::poll(n),
        ("poll", "libc") => with_libc::poll(n),
        ("ioctl", "sockapi") => with_sockapi::ioctl(n),
        ("ioctl", "libc") => with_libc::ioctl(n),
        ("epoll", "sockapi") => with_sockapi::epoll(n),
        ("epoll", "libc") => with_libc::epoll(n),
        ("sendall", "sockapi") => with_sockapi::sendall(n),
        ("sendall", "libc") => with_libc::sendall(n),
        ("rw", "sockapi") => with_sockapi::rw(n),
        // C has no `Read`/`Write`: the twin is `send` + `recv`, `pair`'s loop.
        ("rw", "libc") => with_libc::pair(n),
        ("writev", "sockapi") => with_sockapi::writev(n),
        ("writev", "libc") => with_libc::writev(n),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// The program as a sockapi user writes it.
mod with_sockapi {
    use std::hint::black_box;
    use std::net::{Ipv4Addr, SocketAddrV4};

    use sockapi::{
        accept4, bind, close, connect, getsockname, listen, recv, recvfrom, recvmsg, send, sendmsg,
        sendto, socket, socketpair, Control, Errno, MsgHdr, MsgHdrMut, SockAddr, AF_INET, AF_UNIX,
        SOCK_CLOEXEC, SOCK_DGRAM, SOCK_STREAM, SOMAXCONN,
    };

    #[cold]
    #[inline(never)]
    fn fail(call: &str, e: Errno) -> ! {
        panic!("{call}: {e}");
    }

    /// Set-up only; the measured loops match each `Result` themselves.
    fn ok<T>(call: &str, ret: sockapi::Result<T>) -> T {
        match ret {
            Ok(value) => value,
            Err(e) => fail(call, e),
        }
    }

    fn loopback_any_port() -> SockAddr {
        SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
    }

    /// `select` on a set of one readable socket, zero timeout, then `FD_ISSET`.
    pub fn select(n: u64) {
        use sockapi::{timeval, FdSet};
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        ok("send", send(&a, b"x", 0));
        let mut master = FdSet::new();
        ok("FD_SET", master.insert(&b));
        let nfds = master.nfds();
        for _ in 0..n {
            let mut readfds = master;
            let mut tv = timeval {
                tv_sec: 0,
                tv_usec: 0,
            };
            match sockapi::select(nfds, Some(&mut readfds), None, None, Some(&mut tv)) {
                Ok(_) => {}
                Err(e) => fail("select", e),
            }
            if !readfds.contains(&b) {
                fail("FD_ISSET", Errno::EINVAL);
            }
        }
    }

    /// `poll` of two entries (one readable, one writable), zero timeout.
    pub fn poll(n: u64) {
        use sockapi::{poll, pollfd, POLLIN, POLLOUT};
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        ok("send", send(&a, b"x", 0));
        let mut fds = [pollfd::new(&b, POLLIN), pollfd::new(&a, POLLOUT)];
        for _ in 0..n {
            match poll(&mut fds, 0) {
                Ok(_) => {}
                Err(e) => fail("poll", e),
            }
        }
        black_box(&fds);
    }

    /// `ioctl(fd, FIONREAD, &n)` on a socket with one byte queued.
    pub fn ioctl(n: u64) {
        use sockapi::{ioctl, FIONREAD};
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        ok("send", send(&a, b"x", 0));
        for _ in 0..n {
            match ioctl(&b, FIONREAD) {
                Ok(queued) => {
                    black_box(queued);
                }
                Err(e) => fail("ioctl", e),
            }
        }
    }

    pub fn pair(n: u64) {
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        let mut buf = [0u8; 1];
        for _ in 0..n {
            match send(&a, &buf, 0) {
                Ok(_) => {}
                Err(e) => fail("send", e),
            }
            match recv(&b, &mut buf, 0) {
                Ok(_) => {}
                Err(e) => fail("recv", e),
            }
        }
    }

    pub fn msg(n: u64) {
        use std::io::{IoSlice, IoSliceMut};
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        let mut buf = [0u8; 1];
        for _ in 0..n {
            let iov = [IoSlice::new(&buf)];
            match sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0) {
                Ok(_) => {}
                Err(e) => fail("sendmsg", e),
            }
            let mut iov = [IoSliceMut::new(&mut buf)];
            match recvmsg(&b, &mut MsgHdrMut::new(&mut iov, &mut []), 0) {
                Ok(_) => {}
                Err(e) => fail("recvmsg", e),
            }
        }
    }

    pub fn udp(n: u64) {
        let any = loopback_any_port();
        let a = ok("socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        let b = ok("socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        ok("bind", bind(&a, &any));
        ok("bind", bind(&b, &any));
        let addr_a = ok("getsockname", getsockname(&a));
        let addr_b = ok("getsockname", getsockname(&b));
        ok("connect", connect(&a, &addr_b));
        ok("connect", connect(&b, &addr_a));
        let mut buf = [0u8; 1];
        for _ in 0..n {
            match send(&a, &buf, 0) {
                Ok(_) => {}
                Err(e) => fail("send", e),
            }
            match recv(&b, &mut buf, 0) {
                Ok(_) => {}
                Err(e) => fail("recv", e),
            }
        }
    }

    pub fn udp_to(n: u64) {
        let fd = ok("socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        ok("bind", bind(&fd, &loopback_any_port()));
        let addr = ok("getsockname", getsockname(&fd));
        let mut buf = [0u8; 1];
        for _ in 0..n {
            match sendto(&fd, &buf, 0, &addr) {
                Ok(_) => {}
                Err(e) => fail("sendto", e),
            }
            match recvfrom(&fd, &mut buf, 0) {
                Ok((_n, _peer)) => {}
                Err(e) => fail("recvfrom", e),
            }
        }
    }

    pub fn accept<const USE_PEER: bool>(n: u64) {
        let listener = ok("socket", socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        ok("bind", bind(&listener, &loopback_any_port()));
        ok("listen", listen(&listener, SOMAXCONN));
        let addr = ok("getsockname", getsockname(&listener));
        for _ in 0..n {
            let c = match socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) {
                Ok(c) => c,
                Err(e) => fail("socket", e),
            };
            match connect(&c, &addr) {
                Ok(_) => {}
                Err(e) => fail("connect", e),
            }
            let (s, peer) = match accept4(&listener, SOCK_CLOEXEC) {
                Ok(accepted) => accepted,
                Err(e) => fail("accept4", e),
            };
            if USE_PEER {
                black_box(&peer);
            }
            match close(c) {
                Ok(_) => {}
                Err(e) => fail("close", e),
            }
            drop(s);
        }
    }
    pub fn epoll(n: u64) {
        use sockapi::{
            epoll_create1, epoll_ctl, epoll_event, epoll_wait, EPOLLIN, EPOLL_CLOEXEC,
            EPOLL_CTL_ADD,
        };
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        let ep = ok("epoll_create1", epoll_create1(EPOLL_CLOEXEC));
        let ev = epoll_event::new(EPOLLIN, 1);
        ok("epoll_ctl", epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)));
        let mut events = [epoll_event::default(); 8];
        let mut buf = [0u8; 1];
        for _ in 0..n {
            match send(&a, &buf, 0) {
                Ok(_) => {}
                Err(e) => fail("send", e),
            }
            match epoll_wait(&ep, &mut events, 0) {
                Ok(n) => {
                    black_box(n);
                }
                Err(e) => fail("epoll_wait", e),
            }
            match recv(&b, &mut buf, 0) {
                Ok(_) => {}
                Err(e) => fail("recv", e),
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn fail_io(call: &str, e: std::io::Error) -> ! {
        panic!("{call}: {e}");
    }

    /// Bytes per `sendall` in the `sendall` workload: one `send` takes them whole.
    const SENDALL_LEN: usize = 64;

    pub fn sendall(n: u64) {
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        let out = [7u8; SENDALL_LEN];
        let mut buf = [0u8; SENDALL_LEN];
        for _ in 0..n {
            match sockapi::sendall(&a, &out, 0) {
                Ok(()) => {}
                Err(e) => fail("sendall", e.errno()),
            }
            match recv(&b, &mut buf, 0) {
                Ok(_) => {}
                Err(e) => fail("recv", e),
            }
        }
    }

    // As the C twin, which tests `< 0` only: the counts are not looked at.
    #[allow(clippy::unused_io_amount)]
    pub fn rw(n: u64) {
        use std::io::{Read, Write};
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        let mut buf = [0u8; 1];
        for _ in 0..n {
            match (&a).write(&buf) {
                Ok(_) => {}
                Err(e) => fail_io("write", e),
            }
            match (&b).read(&mut buf) {
                Ok(_) => {}
                Err(e) => fail_io("read", e),
            }
        }
    }

    // As the C twin, which tests `< 0` only: the counts are not looked at.
    #[allow(clippy::unused_io_amount)]
    pub fn writev(n: u64) {
        use std::io::{IoSlice, IoSliceMut, Read, Write};
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        let (mut x, mut y, mut z) = ([1u8; 1], [2u8; 2], [3u8; 3]);
        for _ in 0..n {
            let out = [IoSlice::new(&x), IoSlice::new(&y), IoSlice::new(&z)];
            match (&a).write_vectored(&out) {
                Ok(_) => {}
                Err(e) => fail_io("write_vectored", e),
            }
            let mut iov = [
                IoSliceMut::new(&mut x),
                IoSliceMut::new(&mut y),
                IoSliceMut::new(&mut z),
            ];
            match (&b).read_vectored(&mut iov) {
                Ok(_) => {}
                Err(e) => fail_io("read_vectored", e),
            }
        }
    }

    /// Datagrams per `sendmmsg`/`recvmmsg` in the `mmsg` workload.
    const BATCH: usize = 8;

    pub fn mmsg(n: u64) {
        use sockapi::{recvmmsg, sendmmsg, MMsgHdr, MMsgHdrMut, MsgHdr, MsgHdrMut, SOCK_DGRAM};
        use std::io::{IoSlice, IoSliceMut};
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0),
        );
        let out = [[7u8; 1]; BATCH];
        let out_iovs: [[IoSlice<'_>; 1]; BATCH] = core::array::from_fn(|i| [IoSlice::new(&out[i])]);
        let mut sent: [MMsgHdr<'_>; BATCH] =
            core::array::from_fn(|i| MMsgHdr::new(MsgHdr::new(None, &out_iovs[i], Control::NONE)));
        let mut bufs = [[0u8; 1]; BATCH];
        let mut iovs: [[IoSliceMut<'_>; 1]; BATCH] = {
            let mut it = bufs.iter_mut();
            core::array::from_fn(|_| [IoSliceMut::new(it.next().unwrap())])
        };
        let mut hdrs: [MsgHdrMut<'_, '_>; BATCH] = {
            let mut it = iovs.iter_mut();
            core::array::from_fn(|_| MsgHdrMut::new(it.next().unwrap(), &mut []))
        };
        let mut got: [MMsgHdrMut<'_, '_, '_>; BATCH] = {
            let mut it = hdrs.iter_mut();
            core::array::from_fn(|_| MMsgHdrMut::new(it.next().unwrap()))
        };
        for _ in 0..n {
            match sendmmsg(&a, &mut sent, 0) {
                Ok(_) => {}
                Err(e) => fail("sendmmsg", e),
            }
            match recvmmsg(&b, &mut got, 0, None) {
                Ok(_) => {}
                Err(e) => fail("recvmmsg", e),
            }
        }
    }
}

/// The C twin: the same calls on raw descriptors, as C writes them.
mod with_libc {
    use std::hint::black_box;
    use std::mem::{self, MaybeUninit};

    use libc::{c_int, sockaddr, sockaddr_in, sockaddr_storage, socklen_t};

    #[cold]
    #[inline(never)]
    fn fail(call: &str) -> ! {
        panic!("{call}: {}", std::io::Error::last_os_error());
    }

    const SIN_LEN: socklen_t = mem::size_of::<sockaddr_in>() as socklen_t;

    /// `struct sockaddr_in sin = {0}; sin.sin_family = AF_INET;
    /// sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);` (port 0).
    fn loopback_any_port() -> sockaddr_in {
        // SAFETY: all-zero bytes are a valid sockaddr_in (integers only).
        let mut sin: sockaddr_in = unsafe { mem::zeroed() };
        sin.sin_family = libc::AF_INET as libc::sa_family_t;
        sin.sin_addr.s_addr = libc::INADDR_LOOPBACK.to_be();
        sin
    }

    /// `socket` + `bind(127.0.0.1:0)` + `getsockname`: the descriptor and its address.
    fn bound_socket(ty: c_int) -> (c_int, sockaddr_in) {
        // SAFETY: integers only.
        let fd = unsafe { libc::socket(libc::AF_INET, ty | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            fail("socket");
        }
        let mut sin = loopback_any_port();
        // SAFETY: `sin` is a readable sockaddr_in of SIN_LEN bytes.
        if unsafe { libc::bind(fd, (&sin as *const sockaddr_in).cast(), SIN_LEN) } < 0 {
            fail("bind");
        }
        let mut len = SIN_LEN;
        // SAFETY: `sin` is writable for `len` bytes, `len` is a writable socklen_t.
        if unsafe { libc::getsockname(fd, (&mut sin as *mut sockaddr_in).cast(), &mut len) } < 0 {
            fail("getsockname");
        }
        (fd, sin)
    }

    /// `fd_set r = master; struct timeval tv = {0, 0}; select(b + 1, &r, NULL, NULL,
    /// &tv); FD_ISSET(b, &r)`.
    pub fn select(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        let byte = [b'x'];
        // SAFETY: `byte` is readable for 1 byte.
        if unsafe { libc::send(sv[0], byte.as_ptr().cast(), 1, 0) } < 0 {
            fail("send");
        }
        // SAFETY: all-zero bytes are the empty fd_set; `sv[1]` is below FD_SETSIZE.
        let mut master: libc::fd_set = unsafe { mem::zeroed() };
        unsafe { libc::FD_SET(sv[1], &mut master) };
        let nfds = sv[1] + 1;
        for _ in 0..n {
            let mut readfds = master;
            let mut tv = libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            };
            // SAFETY: `nfds` is within the set; the set and `tv` are writable.
            let ret = unsafe {
                libc::select(
                    nfds,
                    &mut readfds,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    &mut tv,
                )
            };
            if ret < 0 {
                fail("select");
            }
            // SAFETY: `sv[1]` is below FD_SETSIZE.
            if !unsafe { libc::FD_ISSET(sv[1], &readfds) } {
                fail("FD_ISSET");
            }
        }
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }

    /// The measured loop of `pair` and `udp`: `send(a, buf, 1, 0)`, `recv(b, buf, 1, 0)`.
    fn send_recv(a: c_int, b: c_int, n: u64) {
        let mut buf = [0u8; 1];
        for _ in 0..n {
            // SAFETY: `buf` is readable for `buf.len()` bytes.
            if unsafe { libc::send(a, buf.as_ptr().cast(), buf.len(), 0) } < 0 {
                fail("send");
            }
            // SAFETY: `buf` is writable for `buf.len()` bytes.
            if unsafe { libc::recv(b, buf.as_mut_ptr().cast(), buf.len(), 0) } < 0 {
                fail("recv");
            }
        }
    }

    /// `socketpair` and one byte sent: the two ends.
    fn pair_with_a_byte() -> (c_int, c_int) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        // SAFETY: the byte is readable.
        if unsafe { libc::send(sv[0], b"x".as_ptr().cast(), 1, 0) } < 0 {
            fail("send");
        }
        (sv[0], sv[1])
    }

    pub fn poll(n: u64) {
        let (a, b) = pair_with_a_byte();
        let mut fds = [
            libc::pollfd {
                fd: b,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: a,
                events: libc::POLLOUT,
                revents: 0,
            },
        ];
        for _ in 0..n {
            // SAFETY: `fds` is a writable array of two pollfds.
            if unsafe { libc::poll(fds.as_mut_ptr(), 2, 0) } < 0 {
                fail("poll");
            }
        }
        std::hint::black_box(&fds);
    }

    pub fn ioctl(n: u64) {
        let (_a, b) = pair_with_a_byte();
        for _ in 0..n {
            let mut queued: c_int = 0;
            // SAFETY: FIONREAD writes one int through the pointer.
            if unsafe { libc::ioctl(b, libc::FIONREAD, &mut queued) } < 0 {
                fail("ioctl");
            }
            std::hint::black_box(queued);
        }
    }

    pub fn pair(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        send_recv(sv[0], sv[1], n);
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }

    pub fn msg(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        let mut buf = [0u8; 1];
        for _ in 0..n {
            let mut iov = libc::iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: buf.len(),
            };
            // SAFETY: all-zero bytes are a valid msghdr (integers and null pointers).
            let mut out: libc::msghdr = unsafe { mem::zeroed() };
            out.msg_iov = &mut iov;
            out.msg_iovlen = 1;
            // SAFETY: `out` names one iovec over `buf`, readable for its length.
            if unsafe { libc::sendmsg(sv[0], &out, 0) } < 0 {
                fail("sendmsg");
            }
            // The receive offers room for the sender's address, as a program that
            // looks at `msg_name` does (and as `MsgHdrMut` always does).
            let mut name = MaybeUninit::<sockaddr_storage>::uninit();
            // SAFETY: as above.
            let mut msg: libc::msghdr = unsafe { mem::zeroed() };
            msg.msg_name = name.as_mut_ptr().cast();
            msg.msg_namelen = mem::size_of::<sockaddr_storage>() as socklen_t;
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            // SAFETY: `msg` names one iovec over the writable `buf`, and `name`,
            // writable for `msg_namelen` bytes.
            if unsafe { libc::recvmsg(sv[1], &mut msg, 0) } < 0 {
                fail("recvmsg");
            }
            black_box(&msg);
        }
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }

    pub fn udp(n: u64) {
        let (a, addr_a) = bound_socket(libc::SOCK_DGRAM);
        let (b, addr_b) = bound_socket(libc::SOCK_DGRAM);
        // SAFETY: the addresses are readable sockaddr_in of SIN_LEN bytes.
        unsafe {
            if libc::connect(a, (&addr_b as *const sockaddr_in).cast(), SIN_LEN) < 0 {
                fail("connect");
            }
            if libc::connect(b, (&addr_a as *const sockaddr_in).cast(), SIN_LEN) < 0 {
                fail("connect");
            }
        }
        send_recv(a, b, n);
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(a);
            libc::close(b);
        }
    }

    pub fn udp_to(n: u64) {
        let (fd, addr) = bound_socket(libc::SOCK_DGRAM);
        let addr_ptr: *const sockaddr = (&addr as *const sockaddr_in).cast();
        let mut buf = [0u8; 1];
        for _ in 0..n {
            // SAFETY: `buf` is readable for `buf.len()` bytes; `addr_ptr` points to a
            // readable sockaddr_in of SIN_LEN bytes.
            if unsafe { libc::sendto(fd, buf.as_ptr().cast(), buf.len(), 0, addr_ptr, SIN_LEN) } < 0
            {
                fail("sendto");
            }
            let mut peer = MaybeUninit::<sockaddr_storage>::uninit();
            let mut len = mem::size_of::<sockaddr_storage>() as socklen_t;
            // SAFETY: `buf` is writable for `buf.len()` bytes, `peer` for `len` bytes,
            // and `len` is a writable socklen_t.
            let got = unsafe {
                libc::recvfrom(
                    fd,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    0,
                    peer.as_mut_ptr().cast(),
                    &mut len,
                )
            };
            if got < 0 {
                fail("recvfrom");
            }
        }
        // SAFETY: the descriptor is ours and closed once.
        unsafe { libc::close(fd) };
    }

    pub fn accept<const USE_PEER: bool>(n: u64) {
        let (listener, addr) = bound_socket(libc::SOCK_STREAM);
        // SAFETY: integers only.
        if unsafe { libc::listen(listener, libc::SOMAXCONN) } < 0 {
            fail("listen");
        }
        let addr_ptr: *const sockaddr = (&addr as *const sockaddr_in).cast();
        for _ in 0..n {
            // SAFETY: integers only.
            let c =
                unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
            if c < 0 {
                fail("socket");
            }
            // SAFETY: `addr_ptr` points to a readable sockaddr_in of SIN_LEN bytes.
            if unsafe { libc::connect(c, addr_ptr, SIN_LEN) } < 0 {
                fail("connect");
            }
            let mut peer = MaybeUninit::<sockaddr_storage>::uninit();
            let mut len = mem::size_of::<sockaddr_storage>() as socklen_t;
            // SAFETY: `peer` is writable for `len` bytes, `len` is a writable socklen_t.
            let s = unsafe {
                libc::accept4(
                    listener,
                    peer.as_mut_ptr().cast(),
                    &mut len,
                    libc::SOCK_CLOEXEC,
                )
            };
            if s < 0 {
                fail("accept4");
            }
            if USE_PEER {
                black_box(&peer);
            }
            // SAFETY: `c` is ours and closed once.
            if unsafe { libc::close(c) } < 0 {
                fail("close");
            }
            // SAFETY: `s` is ours and closed once; as a drop, the result is not looked at.
            unsafe { libc::close(s) };
        }
        // SAFETY: as above.
        unsafe { libc::close(listener) };
    }

    pub fn epoll(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        // SAFETY: integers only.
        let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if ep < 0 {
            fail("epoll_create1");
        }
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: 1,
        };
        // SAFETY: `ev` is a readable epoll_event.
        if unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, sv[1], &mut ev) } < 0 {
            fail("epoll_ctl");
        }
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; 8];
        let mut buf = [0u8; 1];
        for _ in 0..n {
            // SAFETY: `buf` is readable for `buf.len()` bytes.
            if unsafe { libc::send(sv[0], buf.as_ptr().cast(), buf.len(), 0) } < 0 {
                fail("send");
            }
            // SAFETY: `events` is writable for 8 entries.
            let ready = unsafe { libc::epoll_wait(ep, events.as_mut_ptr(), 8, 0) };
            if ready < 0 {
                fail("epoll_wait");
            }
            black_box(ready);
            // SAFETY: `buf` is writable for `buf.len()` bytes.
            if unsafe { libc::recv(sv[1], buf.as_mut_ptr().cast(), buf.len(), 0) } < 0 {
                fail("recv");
            }
        }
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(ep);
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }

    /// Datagrams per `sendmmsg`/`recvmmsg` in the `mmsg` workload.
    const BATCH: usize = 8;

    pub fn mmsg(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_DGRAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        let mut out = [[7u8; 1]; BATCH];
        let mut out_iovs: [libc::iovec; BATCH] = core::array::from_fn(|i| libc::iovec {
            iov_base: out[i].as_mut_ptr().cast(),
            iov_len: 1,
        });
        // SAFETY: all-zero bytes are a valid mmsghdr (integers and null pointers).
        let mut sent: [libc::mmsghdr; BATCH] = unsafe { mem::zeroed() };
        for (m, iov) in sent.iter_mut().zip(out_iovs.iter_mut()) {
            m.msg_hdr.msg_iov = iov;
            m.msg_hdr.msg_iovlen = 1;
        }
        let mut bufs = [[0u8; 1]; BATCH];
        let mut iovs: [libc::iovec; BATCH] = core::array::from_fn(|i| libc::iovec {
            iov_base: bufs[i].as_mut_ptr().cast(),
            iov_len: 1,
        });
        let mut names = [MaybeUninit::<sockaddr_storage>::uninit(); BATCH];
        // SAFETY: as above.
        let mut got: [libc::mmsghdr; BATCH] = unsafe { mem::zeroed() };
        for ((m, iov), name) in got.iter_mut().zip(iovs.iter_mut()).zip(names.iter_mut()) {
            m.msg_hdr.msg_iov = iov;
            m.msg_hdr.msg_iovlen = 1;
            m.msg_hdr.msg_name = name.as_mut_ptr().cast();
        }
        for _ in 0..n {
            // SAFETY: `sent` is an array of BATCH mmsghdrs, each naming one iovec over
            // a readable byte.
            if unsafe { libc::sendmmsg(sv[0], sent.as_mut_ptr(), BATCH as _, 0) } < 0 {
                fail("sendmmsg");
            }
            for m in got.iter_mut() {
                m.msg_hdr.msg_namelen = mem::size_of::<sockaddr_storage>() as socklen_t;
            }
            // SAFETY: `got` is an array of BATCH mmsghdrs, each naming one iovec over
            // a writable byte and a name buffer writable for `msg_namelen` bytes.
            let r = unsafe {
                libc::recvmmsg(
                    sv[1],
                    got.as_mut_ptr(),
                    BATCH as _,
                    0,
                    core::ptr::null_mut(),
                )
            };
            if r < 0 {
                fail("recvmmsg");
            }
            black_box(&got);
        }
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }

    /// Bytes per `sendall` in the `sendall` workload.
    const SENDALL_LEN: usize = 64;

    /// Stevens' `writen` around `send`, then a `recv` of the bytes.
    pub fn sendall(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        let out = [7u8; SENDALL_LEN];
        let mut buf = [0u8; SENDALL_LEN];
        for _ in 0..n {
            let mut ptr = out.as_ptr();
            let mut nleft = out.len();
            while nleft > 0 {
                // SAFETY: `ptr` is readable for `nleft` bytes, the rest of `out`.
                let nwritten = unsafe { libc::send(sv[0], ptr.cast(), nleft, 0) };
                if nwritten <= 0 {
                    // SAFETY: `__errno_location` returns this thread's `errno`.
                    if nwritten < 0 && unsafe { *libc::__errno_location() } == libc::EINTR {
                        continue;
                    }
                    fail("send");
                }
                nleft -= nwritten as usize;
                // SAFETY: `nwritten <= nleft`: within `out`, or one past its end.
                ptr = unsafe { ptr.add(nwritten as usize) };
            }
            // SAFETY: `buf` is writable for `buf.len()` bytes.
            if unsafe { libc::recv(sv[1], buf.as_mut_ptr().cast(), buf.len(), 0) } < 0 {
                fail("recv");
            }
        }
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }

    /// `sendmsg` of three `iovec`s, `recvmsg` into three (with room for the name).
    pub fn writev(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        let (mut x, mut y, mut z) = ([1u8; 1], [2u8; 2], [3u8; 3]);
        for _ in 0..n {
            let mut iov = [
                libc::iovec {
                    iov_base: x.as_mut_ptr().cast(),
                    iov_len: x.len(),
                },
                libc::iovec {
                    iov_base: y.as_mut_ptr().cast(),
                    iov_len: y.len(),
                },
                libc::iovec {
                    iov_base: z.as_mut_ptr().cast(),
                    iov_len: z.len(),
                },
            ];
            // SAFETY: all-zero bytes are a valid msghdr (integers and null pointers).
            let mut out: libc::msghdr = unsafe { mem::zeroed() };
            out.msg_iov = iov.as_mut_ptr();
            out.msg_iovlen = iov.len();
            // SAFETY: `out` names three iovecs over readable buffers.
            if unsafe { libc::sendmsg(sv[0], &out, 0) } < 0 {
                fail("sendmsg");
            }
            let mut name = MaybeUninit::<sockaddr_storage>::uninit();
            // SAFETY: as above.
            let mut msg: libc::msghdr = unsafe { mem::zeroed() };
            msg.msg_name = name.as_mut_ptr().cast();
            msg.msg_namelen = mem::size_of::<sockaddr_storage>() as socklen_t;
            msg.msg_iov = iov.as_mut_ptr();
            msg.msg_iovlen = iov.len();
            // SAFETY: `msg` names three iovecs over writable buffers, and `name`,
            // writable for `msg_namelen` bytes.
            if unsafe { libc::recvmsg(sv[1], &mut msg, 0) } < 0 {
                fail("recvmsg");
            }
            black_box(&msg);
        }
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }
}
