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
//! - `msg_rights`: `msg` with an `SCM_RIGHTS` message passing one descriptor (a UDP
//!   socket, made once), built each time (sockapi: a `CmsgBuffer` and `CmsgBuilder`;
//!   C: `CMSG_FIRSTHDR`, `CMSG_LEN`, `CMSG_DATA` on an aligned buffer), and received
//!   into a control buffer of `CMSG_SPACE(sizeof(int))`; every descriptor that came
//!   is closed (sockapi: the first taken from `cmsgs()` as an `OwnedFd` and dropped,
//!   any other by the `MsgHdrMut`'s drop; C: cmsg(3)'s loop, `CMSG_FIRSTHDR` and
//!   `CMSG_NXTHDR` over every header, level and type checked, each descriptor of an
//!   `SCM_RIGHTS` one copied out of `CMSG_DATA` and closed).
//! - `mmsg` and `mmsg32`: a `sendmmsg` of 8 (32) 1-byte datagrams on one end of an
//!   `AF_UNIX` datagram socketpair and a `recvmmsg` of 8 (32) on the other, one iovec
//!   each, no control data; the arrays are made once, before the loop (C: `struct
//!   mmsghdr` arrays, the receive side's `msg_namelen` reset before each call, as
//!   code that reads the names must, since `MsgHdrMut` always offers name storage).
//! - `select64`, `select1000`: `select` as `select`, on a set of 64 (1,000) readable
//!   sockets: both ends of 32 (500) `AF_UNIX` stream socketpairs, a byte queued each
//!   way, fds 3 to 66 (1002), below `FD_SETSIZE`; then `FD_ISSET` of the highest.
//! - `poll1`, `poll64`, `poll1000`: `poll` of 1, 64 or 1,000 entries for `POLLIN` on
//!   the same readable sockets, zero timeout. All of them are ready: the kernel's work
//!   grows with their number, the program's does not.
//! - `sockopt_int`: `setsockopt(SOL_SOCKET, SO_RCVBUF)` of an int on a UDP socket,
//!   then `getsockopt` of it.
//! - `gai_numeric`, `gai_numeric6`: `getaddrinfo` of `"127.0.0.1"` (of the 39-byte
//!   `"0000:…:0001"`) and `"80"` with `AI_NUMERICHOST | AI_NUMERICSERV`, then the list
//!   freed (sockapi: dropped); hints filled before each call, as C fills them. The
//!   `&str` form (`Some("127.0.0.1")`); `gai_numeric_c` and `gai_numeric6_c` are the
//!   same with `&CStr`s (`c"127.0.0.1"`). The names come through `black_box`.
//! - `servbyname`, `servbyname_c`: `getservbyname("http", "tcp")` (`c"http"`,
//!   `c"tcp"`), the entry's port read; C: `getservbyname_r` into a 1024-byte stack
//!   buffer.
//! - `pton`, `pton6` (and `_c`): `inet_pton(AF_INET, "127.0.0.1")` into an `in_addr`
//!   (`AF_INET6` and the 39-byte text into an `in6_addr`).
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
//! and every loop is bounded by `iterations`. The optional 4th argument runs the
//! workload that many frames deeper on the stack (see `shifted`); the `select` and
//! `poll` workloads raise the soft `RLIMIT_NOFILE` first, on both sides alike.

use core::ffi::CStr;
use std::hint::black_box;
use std::process::ExitCode;

const USAGE: &str = "usage: icount <workload> <sockapi|libc> <iterations> [stack shift]
workloads: pair udp udp_to accept accept_peer sendall rw ioctl sockopt_int msg msg_rights
  writev mmsg mmsg32 select select64 select1000 poll1 poll poll64 poll1000 epoll
  gai_numeric gai_numeric_c gai_numeric6 gai_numeric6_c servbyname servbyname_c
  pton pton_c pton6 pton6_c";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (workload, side, iterations, shift) = match args.as_slice() {
        [w, s, i] => (w, s, i, "0"),
        [w, s, i, shift] => (w, s, i, shift.as_str()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Ok(n) = iterations.parse::<u64>() else {
        eprintln!("icount: bad iteration count {iterations:?}\n{USAGE}");
        return ExitCode::from(2);
    };
    let Ok(shift) = shift.parse::<usize>() else {
        eprintln!("icount: bad stack shift {shift:?}\n{USAGE}");
        return ExitCode::from(2);
    };
    // The count comes from the command line anyway; black_box keeps either loop from
    // being shaped around a value the optimiser could see.
    let n = black_box(n);
    if workload.starts_with("select") || workload.starts_with("poll") {
        raise_nofile(FDS_NEEDED);
    }
    let mut code = ExitCode::SUCCESS;
    shifted(shift, &mut || code = run(workload, side, n));
    code
}

/// Runs `f` `depth` frames deeper on the stack (some 64 bytes each), so that the
/// workload's stack buffers lie elsewhere in their page. `run` takes the least count
/// over a few shifts for the workloads whose C library work depends on that (see
/// README.md): glibc's `strcmp` takes a longer path for a string in the last 128
/// bytes of a page.
#[inline(never)]
fn shifted(depth: usize, f: &mut dyn FnMut()) {
    let pad = [0u8; 496];
    black_box(&pad);
    if depth == 0 {
        f()
    } else {
        shifted(depth - 1, f)
    }
}

fn run(workload: &str, side: &str, n: u64) -> ExitCode {
    match (workload, side) {
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
        ("mmsg", "sockapi") => with_sockapi::mmsg::<8>(n),
        ("mmsg", "libc") => with_libc::mmsg::<8>(n),
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
        ("msg_rights", "sockapi") => with_sockapi::msg_rights(n),
        ("msg_rights", "libc") => with_libc::msg_rights(n),
        ("mmsg32", "sockapi") => with_sockapi::mmsg::<32>(n),
        ("mmsg32", "libc") => with_libc::mmsg::<32>(n),
        ("select64", "sockapi") => with_sockapi::select_n::<64>(n),
        ("select64", "libc") => with_libc::select_n::<64>(n),
        ("select1000", "sockapi") => with_sockapi::select_n::<1000>(n),
        ("select1000", "libc") => with_libc::select_n::<1000>(n),
        ("poll1", "sockapi") => with_sockapi::poll_n::<1>(n),
        ("poll1", "libc") => with_libc::poll_n::<1>(n),
        ("poll64", "sockapi") => with_sockapi::poll_n::<64>(n),
        ("poll64", "libc") => with_libc::poll_n::<64>(n),
        ("poll1000", "sockapi") => with_sockapi::poll_n::<1000>(n),
        ("poll1000", "libc") => with_libc::poll_n::<1000>(n),
        ("sockopt_int", "sockapi") => with_sockapi::sockopt_int(n),
        ("sockopt_int", "libc") => with_libc::sockopt_int(n),
        ("gai_numeric", "sockapi") => {
            with_sockapi::gai_numeric(n, Some(HOST4_STR), Some(SERVICE_STR))
        }
        ("gai_numeric6", "sockapi") => {
            with_sockapi::gai_numeric(n, Some(HOST6_STR), Some(SERVICE_STR))
        }
        ("gai_numeric_c", "sockapi") => with_sockapi::gai_numeric(n, HOST4, SERVICE),
        ("gai_numeric6_c", "sockapi") => with_sockapi::gai_numeric(n, HOST6, SERVICE),
        ("gai_numeric" | "gai_numeric_c", "libc") => with_libc::gai_numeric(n, HOST4, SERVICE),
        ("gai_numeric6" | "gai_numeric6_c", "libc") => with_libc::gai_numeric(n, HOST6, SERVICE),
        ("servbyname", "sockapi") => with_sockapi::servbyname(n, "http", "tcp"),
        ("servbyname_c", "sockapi") => with_sockapi::servbyname(n, c"http", c"tcp"),
        ("servbyname" | "servbyname_c", "libc") => with_libc::servbyname(n, c"http", c"tcp"),
        ("pton", "sockapi") => {
            with_sockapi::pton::<sockapi::in_addr, _>(n, sockapi::AF_INET, HOST4_STR)
        }
        ("pton6", "sockapi") => {
            with_sockapi::pton::<sockapi::in6_addr, _>(n, sockapi::AF_INET6, HOST6_STR)
        }
        ("pton_c", "sockapi") => {
            with_sockapi::pton::<sockapi::in_addr, _>(n, sockapi::AF_INET, HOST4)
        }
        ("pton6_c", "sockapi") => {
            with_sockapi::pton::<sockapi::in6_addr, _>(n, sockapi::AF_INET6, HOST6)
        }
        ("pton" | "pton_c", "libc") => with_libc::pton::<libc::in_addr>(n, libc::AF_INET, HOST4),
        ("pton6" | "pton6_c", "libc") => {
            with_libc::pton::<libc::in6_addr>(n, libc::AF_INET6, HOST6)
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// The names of the name workloads: a short and a long numeric host (9 and 39 bytes,
/// for the `&str` forms' cost per byte), a port, as C strings and as `&str`.
const HOST4: &CStr = c"127.0.0.1";
const HOST6: &CStr = c"0000:0000:0000:0000:0000:0000:0000:0001";
const SERVICE: &CStr = c"80";
const HOST4_STR: &str = "127.0.0.1";
const HOST6_STR: &str = "0000:0000:0000:0000:0000:0000:0000:0001";
const SERVICE_STR: &str = "80";

/// The descriptors the largest fd workloads open (1,000 watched, 3 standard, a few
/// more of the C library's and valgrind's), with room to spare.
const FDS_NEEDED: u64 = 2100;

/// Set-up of the `select` and `poll` workloads, the same for both sides: the soft
/// `RLIMIT_NOFILE` raised to `want` (or the hard limit, if lower), as a C program
/// that watches 1,000 descriptors does. Under valgrind the hard limit is the soft
/// limit valgrind was started with (it keeps the rest for itself): `run` raises
/// its own soft limit first.
fn raise_nofile(want: u64) {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `rl` is a writable rlimit.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } != 0 {
        panic!("getrlimit: {}", std::io::Error::last_os_error());
    }
    if rl.rlim_cur < want {
        rl.rlim_cur = want.min(rl.rlim_max);
        // SAFETY: `rl` is a readable rlimit.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &rl) } != 0 {
            panic!("setrlimit: {}", std::io::Error::last_os_error());
        }
    }
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

    /// `sendmmsg` of `BATCH` datagrams and `recvmmsg` of `BATCH` (8 in `mmsg`, 32 in
    /// `mmsg32`).
    pub fn mmsg<const BATCH: usize>(n: u64) {
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

    /// `n` readable sockets (each with a byte queued), and what keeps them open: both
    /// ends of `n / 2` `AF_UNIX` stream socketpairs, a byte sent each way, so that
    /// 1,000 of them are fds 3 to 1002, below `FD_SETSIZE` (and one end of one more
    /// pair when `n` is odd).
    fn ready_sockets(n: usize) -> Vec<sockapi::Socket> {
        let mut ready = Vec::with_capacity(n + 1);
        while ready.len() < n {
            let (a, b) = ok(
                "socketpair",
                socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
            );
            ok("send", send(&a, b"x", 0));
            ok("send", send(&b, b"x", 0));
            ready.push(a);
            ready.push(b);
        }
        ready
    }

    /// `select` on a copy of a set of `N` readable sockets, zero timeout, then
    /// `FD_ISSET` of the highest (as `select`, with `N` fds).
    pub fn select_n<const N: usize>(n: u64) {
        use sockapi::{timeval, FdSet};
        let ready = ready_sockets(N);
        let mut master = FdSet::new();
        for fd in &ready[..N] {
            ok("FD_SET", master.insert(fd));
        }
        // The highest descriptor, as C keeps `fdmax` in a local.
        let top = std::os::fd::AsFd::as_fd(&ready[N - 1]);
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
            if !readfds.contains(&top) {
                fail("FD_ISSET", Errno::EINVAL);
            }
        }
    }

    /// `poll` of `N` entries, each a readable socket (`POLLIN`), zero timeout.
    pub fn poll_n<const N: usize>(n: u64) {
        use sockapi::{poll, pollfd, POLLIN};
        let ready = ready_sockets(N);
        let mut fds: Vec<pollfd> = ready[..N]
            .iter()
            .map(|fd| pollfd::new(fd, POLLIN))
            .collect();
        for _ in 0..n {
            match poll(&mut fds, 0) {
                Ok(_) => {}
                Err(e) => fail("poll", e),
            }
        }
        black_box(&fds);
    }

    /// `sendmsg` of 1 byte with an `SCM_RIGHTS` message passing one descriptor, then
    /// `recvmsg` with room for it, the descriptor taken and dropped (closed).
    pub fn msg_rights(n: u64) {
        use sockapi::{CmsgBuffer, CmsgBuilder, ControlMessage, CMSG_SPACE};
        use std::io::{IoSlice, IoSliceMut};
        use std::os::fd::AsFd;
        let (a, b) = ok(
            "socketpair",
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
        );
        let passed = ok("socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        let mut buf = [0u8; 1];
        for _ in 0..n {
            let mut cbuf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
            let mut builder = CmsgBuilder::new(&mut cbuf);
            if let Err(e) = builder.rights(&[passed.as_fd()]) {
                fail("CmsgBuilder::rights", e);
            }
            let control = builder.finish();
            let iov = [IoSlice::new(&buf)];
            match sendmsg(&a, &MsgHdr::new(None, &iov, control), 0) {
                Ok(_) => {}
                Err(e) => fail("sendmsg", e),
            }
            let mut cbuf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
            let mut iov = [IoSliceMut::new(&mut buf)];
            let mut msg = MsgHdrMut::new(&mut iov, &mut cbuf);
            match recvmsg(&b, &mut msg, 0) {
                Ok(_) => {}
                Err(e) => fail("recvmsg", e),
            }
            match msg.cmsgs().next() {
                Some(ControlMessage::Rights(mut fds)) => match fds.next() {
                    Some(fd) => drop(fd),
                    None => fail("SCM_RIGHTS", Errno::EBADF),
                },
                _ => fail("CMSG_FIRSTHDR", Errno::EINVAL),
            }
        }
    }

    /// `setsockopt(SOL_SOCKET, SO_RCVBUF)` of an int, then `getsockopt` of it.
    pub fn sockopt_int(n: u64) {
        use sockapi::{getsockopt, setsockopt, SOL_SOCKET, SO_RCVBUF};
        let fd = ok("socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        let size = black_box(65536);
        for _ in 0..n {
            match setsockopt(&fd, SOL_SOCKET, SO_RCVBUF, &size) {
                Ok(()) => {}
                Err(e) => fail("setsockopt", e),
            }
            match getsockopt(&fd, SOL_SOCKET, SO_RCVBUF) {
                Ok(got) => {
                    black_box(got);
                }
                Err(e) => fail("getsockopt", e),
            }
        }
    }

    /// The hints of the `gai_*` workloads, as C fills them before each call (field by
    /// field after the `memset`).
    #[allow(clippy::field_reassign_with_default)]
    fn numeric_hints() -> sockapi::AddrInfoHints {
        use sockapi::{AddrInfoHints, AF_UNSPEC, AI_NUMERICHOST, AI_NUMERICSERV};
        let mut hints = AddrInfoHints::default();
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
        hints
    }

    /// `getaddrinfo(host, service)` of a numeric host and port, then the list
    /// dropped (`freeaddrinfo`): `Some("127.0.0.1")` (a `&str`, copied to the stack)
    /// or `c"127.0.0.1"` (passed as it is).
    pub fn gai_numeric(n: u64, host: impl sockapi::NameOrNull, service: impl sockapi::NameOrNull) {
        let (host, service) = black_box((host, service));
        for _ in 0..n {
            let hints = numeric_hints();
            match sockapi::getaddrinfo(host, service, Some(&hints)) {
                Ok(list) => drop(black_box(list)),
                Err(e) => panic!("getaddrinfo: {e}"),
            }
        }
    }

    /// `getservbyname(name, proto)`, found, its port read.
    pub fn servbyname<S: sockapi::NameArg + ?Sized>(n: u64, name: &S, proto: &S) {
        let (name, proto) = black_box((name, proto));
        for _ in 0..n {
            match sockapi::getservbyname(name, proto) {
                Ok(Some(se)) => {
                    black_box(se.port());
                }
                Ok(None) => fail("getservbyname", Errno::ENOENT),
                Err(e) => fail("getservbyname", e),
            }
        }
    }

    /// `inet_pton(af, text, &addr)` into an `in_addr` (`AF_INET`) or `in6_addr`.
    pub fn pton<A: sockapi::InetAddr + sockapi::Zeroable, S: sockapi::AddrText + ?Sized>(
        n: u64,
        af: sockapi::AddressFamily,
        text: &S,
    ) {
        let text = black_box(text);
        let mut addr: A = sockapi::zeroed();
        for _ in 0..n {
            match sockapi::inet_pton(af, text, &mut addr) {
                Ok(true) => {}
                Ok(false) => fail("inet_pton", Errno::EINVAL),
                Err(e) => fail("inet_pton", e),
            }
            black_box(&addr);
        }
    }
}

/// The C twin: the same calls on raw descriptors, as C writes them.
mod with_libc {
    use core::ffi::CStr;
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

    /// `sendmmsg` of `BATCH` datagrams and `recvmmsg` of `BATCH` (8 in `mmsg`, 32 in
    /// `mmsg32`).
    pub fn mmsg<const BATCH: usize>(n: u64) {
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

    /// What libc does not declare for Linux: `<arpa/inet.h>`'s `inet_pton` and
    /// `<netdb.h>`'s `getservbyname_r`.
    mod ffi {
        use libc::{c_char, c_int, c_void, servent, size_t};
        extern "C" {
            pub fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int;
            pub fn getservbyname_r(
                name: *const c_char,
                proto: *const c_char,
                result_buf: *mut servent,
                buf: *mut c_char,
                buflen: size_t,
                result: *mut *mut servent,
            ) -> c_int;
        }
    }

    /// `n` readable descriptors: both ends of `n / 2` `AF_UNIX` stream socketpairs, a
    /// byte sent each way (as `ready_sockets` on the sockapi side). All of them, to
    /// close.
    fn ready_fds(n: usize) -> Vec<c_int> {
        let mut ready = Vec::with_capacity(n + 1);
        while ready.len() < n {
            let mut sv: [c_int; 2] = [-1, -1];
            let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
            // SAFETY: `sv` is a writable array of two ints.
            if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
                fail("socketpair");
            }
            for (from, _) in [(sv[0], sv[1]), (sv[1], sv[0])] {
                // SAFETY: the byte is readable.
                if unsafe { libc::send(from, b"x".as_ptr().cast(), 1, 0) } < 0 {
                    fail("send");
                }
            }
            ready.extend_from_slice(&sv);
        }
        ready
    }

    fn close_all(fds: &[c_int]) {
        for &fd in fds {
            // SAFETY: the descriptors are ours and closed once.
            unsafe { libc::close(fd) };
        }
    }

    /// `fd_set r = master; struct timeval tv = {0, 0}; select(fdmax + 1, &r, NULL,
    /// NULL, &tv); FD_ISSET(fdmax, &r)` with `N` readable descriptors in `master`.
    pub fn select_n<const N: usize>(n: u64) {
        let ready = ready_fds(N);
        // SAFETY: all-zero bytes are the empty fd_set.
        let mut master: libc::fd_set = unsafe { mem::zeroed() };
        let mut fdmax = -1;
        for &fd in &ready[..N] {
            // SAFETY: every fd is below FD_SETSIZE (3 to 1002 for 1,000).
            unsafe { libc::FD_SET(fd, &mut master) };
            fdmax = fdmax.max(fd);
        }
        for _ in 0..n {
            let mut readfds = master;
            let mut tv = libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            };
            // SAFETY: `fdmax + 1` is within the set; the set and `tv` are writable.
            let ret = unsafe {
                libc::select(
                    fdmax + 1,
                    &mut readfds,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    &mut tv,
                )
            };
            if ret < 0 {
                fail("select");
            }
            // SAFETY: `fdmax` is below FD_SETSIZE.
            if !unsafe { libc::FD_ISSET(fdmax, &readfds) } {
                fail("FD_ISSET");
            }
        }
        close_all(&ready);
    }

    /// `poll(fds, N, 0)` of `N` readable descriptors, each for `POLLIN`.
    pub fn poll_n<const N: usize>(n: u64) {
        let ready = ready_fds(N);
        let mut fds: Vec<libc::pollfd> = ready[..N]
            .iter()
            .map(|&fd| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        for _ in 0..n {
            // SAFETY: `fds` is a writable array of `fds.len()` pollfds.
            if unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 0) } < 0 {
                fail("poll");
            }
        }
        black_box(&fds);
        close_all(&ready);
    }

    /// A control buffer for one descriptor, aligned as `struct cmsghdr`: C's
    /// `union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; }`.
    #[repr(C)]
    union FdControl {
        buf: [u8; 24],
        _align: libc::cmsghdr,
    }

    // SAFETY (the `CMSG_SPACE` below): a pure computation on its argument; `libc`
    // declares it `unsafe` only because C's macro is a function there.
    const _: () = assert!(
        mem::size_of::<FdControl>() == 24
            && 24 == unsafe { libc::CMSG_SPACE(mem::size_of::<c_int>() as u32) } as usize
    );

    /// `sendmsg` of 1 byte with `SCM_RIGHTS` for one descriptor (CMSG_FIRSTHDR,
    /// CMSG_DATA), `recvmsg` with room for it, then the first header read and the
    /// descriptor closed.
    pub fn msg_rights(n: u64) {
        let mut sv: [c_int; 2] = [-1, -1];
        let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
        // SAFETY: `sv` is a writable array of two ints.
        if unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, sv.as_mut_ptr()) } < 0 {
            fail("socketpair");
        }
        // SAFETY: integers only.
        let passed =
            unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        if passed < 0 {
            fail("socket");
        }
        let mut buf = [0u8; 1];
        for _ in 0..n {
            let mut iov = libc::iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: buf.len(),
            };
            let mut control = MaybeUninit::<FdControl>::uninit();
            // SAFETY: all-zero bytes are a valid msghdr (integers and null pointers).
            let mut out: libc::msghdr = unsafe { mem::zeroed() };
            out.msg_iov = &mut iov;
            out.msg_iovlen = 1;
            out.msg_control = control.as_mut_ptr().cast();
            out.msg_controllen = mem::size_of::<FdControl>();
            // SAFETY: `msg_control` is an aligned, writable buffer of CMSG_SPACE(4)
            // bytes, so CMSG_FIRSTHDR is a header within it, with room for an int.
            unsafe {
                let cmsg = libc::CMSG_FIRSTHDR(&out);
                (*cmsg).cmsg_level = libc::SOL_SOCKET;
                (*cmsg).cmsg_type = libc::SCM_RIGHTS;
                (*cmsg).cmsg_len = libc::CMSG_LEN(mem::size_of::<c_int>() as u32) as usize;
                let data = libc::CMSG_DATA(cmsg);
                core::ptr::copy_nonoverlapping(
                    (&passed as *const c_int).cast::<u8>(),
                    data,
                    mem::size_of::<c_int>(),
                );
            }
            // SAFETY: `out` names one iovec over `buf` and the control bytes written
            // above.
            if unsafe { libc::sendmsg(sv[0], &out, 0) } < 0 {
                fail("sendmsg");
            }
            let mut name = MaybeUninit::<sockaddr_storage>::uninit();
            let mut control = MaybeUninit::<FdControl>::uninit();
            // SAFETY: as above.
            let mut msg: libc::msghdr = unsafe { mem::zeroed() };
            msg.msg_name = name.as_mut_ptr().cast();
            msg.msg_namelen = mem::size_of::<sockaddr_storage>() as socklen_t;
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = mem::size_of::<FdControl>();
            // SAFETY: `msg` names one iovec over the writable `buf`, `name` writable
            // for `msg_namelen` bytes and the control buffer for `msg_controllen`.
            if unsafe { libc::recvmsg(sv[1], &mut msg, 0) } < 0 {
                fail("recvmsg");
            }
            // The walk of cmsg(3)'s example: every header, every descriptor of each
            // SCM_RIGHTS one, as C code must that leaks none whatever the peer sends
            // (two descriptors, a second message): the job sockapi's `MsgHdrMut` does.
            // SAFETY: CMSG_FIRSTHDR and CMSG_NXTHDR are null or headers the kernel
            // wrote within the control buffer (`msg_controllen` is what it wrote); an
            // SCM_RIGHTS one holds `(cmsg_len - CMSG_LEN(0)) / sizeof(int)` ints.
            unsafe {
                let mut got = 0;
                let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
                while !cmsg.is_null() {
                    if (*cmsg).cmsg_level == libc::SOL_SOCKET
                        && (*cmsg).cmsg_type == libc::SCM_RIGHTS
                    {
                        let data = libc::CMSG_DATA(cmsg);
                        let n = ((*cmsg).cmsg_len - libc::CMSG_LEN(0) as usize)
                            / mem::size_of::<c_int>();
                        for i in 0..n {
                            let mut fd: c_int = -1;
                            core::ptr::copy_nonoverlapping(
                                data.add(i * mem::size_of::<c_int>()),
                                (&mut fd as *mut c_int).cast::<u8>(),
                                mem::size_of::<c_int>(),
                            );
                            libc::close(fd);
                            got += 1;
                        }
                    }
                    cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
                }
                if got == 0 {
                    fail("SCM_RIGHTS");
                }
            }
        }
        // SAFETY: the descriptors are ours and closed once.
        unsafe {
            libc::close(passed);
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
    }

    /// `int v = 65536; setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);` then
    /// `int got; socklen_t len = sizeof got; getsockopt(fd, SOL_SOCKET, SO_RCVBUF,
    /// &got, &len);`.
    pub fn sockopt_int(n: u64) {
        // SAFETY: integers only.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            fail("socket");
        }
        let size: c_int = black_box(65536);
        for _ in 0..n {
            // SAFETY: `size` is a readable int.
            let ret = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_RCVBUF,
                    (&size as *const c_int).cast(),
                    mem::size_of::<c_int>() as socklen_t,
                )
            };
            if ret < 0 {
                fail("setsockopt");
            }
            let mut got = MaybeUninit::<c_int>::uninit();
            let mut len = mem::size_of::<c_int>() as socklen_t;
            // SAFETY: `got` is writable for `len` bytes, `len` is a writable socklen_t.
            let ret = unsafe {
                libc::getsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_RCVBUF,
                    got.as_mut_ptr().cast(),
                    &mut len,
                )
            };
            if ret < 0 {
                fail("getsockopt");
            }
            // SAFETY: the kernel wrote the int.
            black_box(unsafe { got.assume_init() });
        }
        // SAFETY: the descriptor is ours and closed once.
        unsafe { libc::close(fd) };
    }

    /// `struct addrinfo hints, *res; memset(&hints, 0, sizeof hints); hints.ai_family =
    /// AF_UNSPEC; hints.ai_socktype = SOCK_STREAM; hints.ai_flags = AI_NUMERICHOST |
    /// AI_NUMERICSERV; getaddrinfo(host, service, &hints, &res); … freeaddrinfo(res);`
    pub fn gai_numeric(n: u64, host: &CStr, service: &CStr) {
        let (host, service) = black_box((host.as_ptr(), service.as_ptr()));
        for _ in 0..n {
            // SAFETY: all-zero bytes are a valid addrinfo (integers and null pointers).
            let mut hints: libc::addrinfo = unsafe { mem::zeroed() };
            hints.ai_family = libc::AF_UNSPEC;
            hints.ai_socktype = libc::SOCK_STREAM;
            hints.ai_flags = libc::AI_NUMERICHOST | libc::AI_NUMERICSERV;
            let mut res: *mut libc::addrinfo = core::ptr::null_mut();
            // SAFETY: `host` and `service` are C strings; `hints` a readable addrinfo;
            // `res` receives the list.
            let rc = unsafe { libc::getaddrinfo(host, service, &hints, &mut res) };
            if rc != 0 {
                fail("getaddrinfo");
            }
            black_box(res);
            // SAFETY: `res` is the list getaddrinfo returned, freed once.
            unsafe { libc::freeaddrinfo(res) };
        }
    }

    /// `struct servent se, *result; char buf[1024]; getservbyname_r(name, proto, &se,
    /// buf, sizeof buf, &result);`, found, then `ntohs(result->s_port)`.
    pub fn servbyname(n: u64, name: &CStr, proto: &CStr) {
        let (name, proto) = black_box((name.as_ptr(), proto.as_ptr()));
        for _ in 0..n {
            let mut se = MaybeUninit::<libc::servent>::uninit();
            let mut buf = MaybeUninit::<[libc::c_char; 1024]>::uninit();
            let mut result: *mut libc::servent = core::ptr::null_mut();
            // SAFETY: `name` and `proto` are C strings; `se` and `buf` (1024 bytes)
            // are writable, `result` receives the entry or NULL.
            let rc = unsafe {
                ffi::getservbyname_r(
                    name,
                    proto,
                    se.as_mut_ptr(),
                    buf.as_mut_ptr().cast(),
                    1024,
                    &mut result,
                )
            };
            if rc != 0 || result.is_null() {
                fail("getservbyname_r");
            }
            // SAFETY: `result` points at `se`, which the call filled.
            black_box(u16::from_be(unsafe { (*result).s_port } as u16));
        }
    }

    /// `struct in_addr a; inet_pton(AF_INET, text, &a) <= 0` (or `in6_addr`).
    pub fn pton<A>(n: u64, af: c_int, text: &CStr) {
        let text = black_box(text.as_ptr());
        let mut addr = MaybeUninit::<A>::uninit();
        for _ in 0..n {
            // SAFETY: `text` is a C string; `addr` is writable for the family's
            // address (`A` is in_addr for AF_INET, in6_addr for AF_INET6).
            if unsafe { ffi::inet_pton(af, text, addr.as_mut_ptr().cast()) } <= 0 {
                fail("inet_pton");
            }
            black_box(&addr);
        }
    }
}
