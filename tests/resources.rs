//! Resources stay flat: 10,000 cycles of every public call, error paths included, once
//! with the trace off and once with it on, leave this process's open descriptors and
//! its heap exactly where they were after one warm-up cycle.
//!
//! A cycle is [`tour`] (every public call once on its usual path, the C library's
//! lookups in /etc/hosts, /etc/services and /etc/protocols included) and the error
//! paths of [`EVERY_CYCLE`] (an address in use, a refused connect, `EAGAIN` from an
//! empty non-blocking socket, `AI_NUMERICHOST` with a name, a short option length,
//! descriptors the kernel closes for a short control buffer, …); every
//! [`FULL_EVERY`]th cycle also runs all the rows of the bad-input catalogue
//! (tests/bad_input.rs, included here as a module: each row one bad input and its
//! exact error), so each row runs 100 times a pass. Three figures are compared after
//! the warm-up cycle (a full one) and after the last:
//!
//! - the open descriptors: the entries of `/proc/self/fd`;
//! - the Rust heap: a counting `#[global_allocator]`, live bytes and live allocations;
//! - the C heap: glibc's `mallinfo2().uordblks`, the bytes `malloc` has handed out and
//!   not had back, which also sees what the C library allocates for itself
//!   (`getaddrinfo`'s lists, NSS buffers). glibc's per-thread cache is turned off for
//!   this ([`NO_TCACHE`]), as it keeps freed chunks counted as in use.
//!
//! The warm-up cycle is where one-time growth goes, and why it is left out: glibc loads
//! its NSS modules and reads `/etc/nsswitch.conf` at the first lookup and keeps them,
//! std makes its stderr lock and thread record at first use, the descriptor table
//! grows once. None of that grows again, which the equality after 10,000 cycles shows.
//!
//! The trace writes each line with one `write` to descriptor 2 (`std::io::stderr`,
//! unbuffered; see src/trace.rs), so for both passes descriptor 2 is `/dev/null`, a
//! sink that keeps nothing (`dup2` here; the real stderr comes back for the report and
//! for a panic's message).
//!
//! Its own binary (`harness = false`): the counts are the whole process's, so nothing
//! may run beside the cycles; everything is one thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::c_int;
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::Instant;

use sockapi::*;

#[path = "bad_input.rs"]
mod bad_input;

const CYCLES: usize = 10_000;

/// `SO_LINGER` 0: a TCP socket closed with it resets its connection, so none of the
/// cycles' connections stays in `TIME_WAIT`.
const RESET: linger = linger {
    l_onoff: 1,
    l_linger: 0,
};

struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);
static LIVE_ALLOCS: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged;
// counting touches only atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
            LIVE_ALLOCS.fetch_add(1, Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
            LIVE_ALLOCS.fetch_add(1, Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as received.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size() as isize, Relaxed);
        LIVE_ALLOCS.fetch_sub(1, Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What is compared: open descriptors, Rust live bytes and allocations, C heap bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Usage {
    fds: usize,
    rust_bytes: isize,
    rust_allocs: isize,
    c_bytes: usize,
}

/// Entries of `/proc/self/fd`: the directory's own descriptor is among them, the same
/// each time. Its allocations are freed before it returns.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("read /proc/self/fd")
        .count()
}

fn usage() -> Usage {
    let fds = open_fds();
    // SAFETY: mallinfo2 takes nothing and returns a struct by value.
    let c_bytes = unsafe { libc::mallinfo2() }.uordblks;
    Usage {
        fds,
        rust_bytes: LIVE_BYTES.load(Relaxed),
        rust_allocs: LIVE_ALLOCS.load(Relaxed),
        c_bytes,
    }
}

/// Every public call once, on its usual path; with `full`, also the reading of
/// `/proc/net/tcp6` (see [`FULL_EVERY`]).
fn tour(full: bool) {
    let v4 = SocketAddr::from(([127, 0, 0, 1], 0));
    let v6: SocketAddr = "[::1]:0".parse().unwrap();

    // socket, bind, listen, connect, accept, accept4, names.
    let l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    setsockopt(&l, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
    bind(&l, &v4).unwrap();
    listen(&l, SOMAXCONN).unwrap();
    let at = getsockname(&l).unwrap();
    let c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    connect(&c, &at).unwrap();
    let (s, peer) = accept(&l).unwrap();
    assert_eq!(getpeername(&c).unwrap(), at);
    assert_eq!(getsockname(&c).unwrap(), peer);
    let c2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    connect(&c2, &at).unwrap();
    let (s2, _) = accept4(&l, SOCK_CLOEXEC | SOCK_NONBLOCK).unwrap();

    // Data: send, recv, sendall, Read/Write, ioctl, sockatmark, tcp_info, sock_diag.
    assert_eq!(send(&c, b"hello", 0), Ok(5));
    let mut buf = [0u8; 64];
    assert_eq!(recv(&s, &mut buf, 0), Ok(5));
    sendall(&c, b"world", MSG_NOSIGNAL).unwrap();
    assert_eq!(ioctl(&s, FIONREAD), Ok(5));
    assert_eq!(ioctl(&s, SIOCINQ), Ok(5));
    assert!(ioctl(&c, SIOCOUTQ).is_ok());
    assert_eq!(sockatmark(&s), Ok(false));
    assert_eq!((&s).read(&mut buf).unwrap(), 5);
    assert_eq!((&c2).write(b"x").unwrap(), 1);
    let mut one = [0u8; 1];
    let mut fds = [pollfd::new(&s2, POLLIN)];
    assert_eq!(poll(&mut fds, 10_000), Ok(1));
    assert_eq!((&s2).read(&mut one).unwrap(), 1);
    assert_eq!(tcp_info(&c).map(|i| i.state()), Ok(TCP_ESTABLISHED));
    // The connection tables, IPv6's: IPv4's holds every TIME_WAIT of the machine's
    // other processes, and its reading time would be theirs.
    let l6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&l6, &v6).unwrap();
    listen(&l6, SOMAXCONN).unwrap();
    let at6 = getsockname(&l6).unwrap();
    let c6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    connect(&c6, &at6).unwrap();
    let (s6, _) = accept(&l6).unwrap();
    let here6 = getsockname(&c6).unwrap();
    assert_eq!(tcp_state_of(&here6, &at6), Ok(Some(TCP_ESTABLISHED)));
    if full {
        assert_eq!(
            tcp_state_in(TcpTable::Proc, &here6, &at6),
            Ok(Some(TCP_ESTABLISHED))
        );
    }
    assert_eq!(
        tcp_state_in(TcpTable::SockDiag, &at6, &here6),
        Ok(Some(TCP_ESTABLISHED))
    );
    setsockopt(&s6, SOL_SOCKET, SO_LINGER, &RESET).unwrap();
    drop((s6, c6, l6));

    // Options: every value type, the raw forms.
    setsockopt(&c, IPPROTO_TCP, TCP_NODELAY, &1).unwrap();
    assert_eq!(getsockopt(&c, IPPROTO_TCP, TCP_NODELAY), Ok(1));
    setsockopt(&s2, SOL_SOCKET, SO_LINGER, &RESET).unwrap();
    assert_eq!(
        getsockopt(&s2, SOL_SOCKET, SO_LINGER).map(|l| l.l_onoff),
        Ok(1)
    );
    let tv = timeval {
        tv_sec: 5,
        tv_usec: 0,
    };
    setsockopt(&c, SOL_SOCKET, SO_RCVTIMEO, &tv).unwrap();
    assert_eq!(
        getsockopt(&c, SOL_SOCKET, SO_RCVTIMEO).map(|t| t.tv_sec),
        Ok(5)
    );
    assert_eq!(getsockopt(&c, SOL_SOCKET, SO_TYPE), Ok(SOCK_STREAM));
    assert_eq!(getsockopt(&c, SOL_SOCKET, SO_ERROR), Ok(0));
    setsockopt(&c, IPPROTO_TCP, TCP_CONGESTION, b"reno").unwrap();
    assert_eq!(
        getsockopt(&c, IPPROTO_TCP, TCP_CONGESTION).map(|n| n == *b"reno"),
        Ok(true)
    );
    let mut raw = [0u8; 4];
    // SAFETY: SO_RCVBUF's value is an int; the kernel writes at most 4 bytes.
    assert_eq!(
        unsafe { getsockopt_raw(&c, SOL_SOCKET, libc::SO_RCVBUF, &mut raw) },
        Ok(4)
    );
    // SAFETY: SO_KEEPALIVE's value is an int, read by value.
    unsafe { setsockopt_raw(&c, SOL_SOCKET, libc::SO_KEEPALIVE, &1i32.to_ne_bytes()) }.unwrap();
    let flags = fcntl(&c, F_GETFL).unwrap();
    fcntl(&c, F_SETFL(flags | O_NONBLOCK)).unwrap();
    fcntl(&c, F_SETFD(FD_CLOEXEC)).unwrap();
    assert_eq!(fcntl(&c, F_GETFD), Ok(FD_CLOEXEC));
    ioctl(&c, FIONBIO(&0)).unwrap();

    // select, pselect, FdSet, signal sets.
    let mut set = FdSet::new();
    FD_ZERO(&mut set);
    FD_SET(s.as_raw_fd(), &mut set).unwrap();
    set.insert(&s2).unwrap();
    assert!(FD_ISSET(s.as_raw_fd(), &set) && set.contains(&s2));
    assert_eq!(set.iter().count(), set.len());
    FD_CLR(s2.as_raw_fd(), &mut set);
    assert!(set.remove(&s) && set.is_empty());
    set.insert(&c).unwrap();
    let mut w = set;
    let mut tv = timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    assert_eq!(
        select(w.nfds(), None, Some(&mut w), None, Some(&mut tv)),
        Ok(1)
    );
    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).unwrap();
    sigaddset(&mut mask, libc::SIGUSR1).unwrap();
    assert_eq!(sigismember(&mask, libc::SIGUSR1), Ok(true));
    sigdelset(&mut mask, libc::SIGUSR1).unwrap();
    let mut full: sigset_t = zeroed();
    sigfillset(&mut full).unwrap();
    let ts = timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let mut w = set;
    assert_eq!(
        pselect(w.nfds(), None, Some(&mut w), None, Some(&ts), Some(&mask)),
        Ok(1)
    );
    let mut fds = [pollfd::new(&c, POLLOUT)];
    assert_eq!(ppoll(&mut fds, Some(&ts), Some(&mask)), Ok(1));
    assert!(fds[0].revents.contains(POLLOUT));

    // epoll.
    let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
    let mut ev = epoll_event::new(EPOLLOUT, 7);
    epoll_ctl(&ep, EPOLL_CTL_ADD, &c, Some(&ev)).unwrap();
    ev.set_events(EPOLLOUT | EPOLLIN);
    ev.set_data(8);
    epoll_ctl(&ep, EPOLL_CTL_MOD, &c, Some(&ev)).unwrap();
    let mut events = [epoll_event::default(); 4];
    assert_eq!(epoll_wait(&ep, &mut events, 0), Ok(1));
    assert_eq!(
        (events[0].data(), events[0].events().contains(EPOLLOUT)),
        (8, true)
    );
    assert_eq!(epoll_pwait(&ep, &mut events, 0, Some(&mask)), Ok(1));
    epoll_ctl(&ep, EPOLL_CTL_DEL, &c, None).unwrap();

    shutdown(&c, SHUT_WR).unwrap();
    assert_eq!(recv(&s, &mut buf, 0), Ok(0));
    // SO_LINGER 0: this end resets, so no TIME_WAIT piles up over the cycles.
    setsockopt(&c, SOL_SOCKET, SO_LINGER, &RESET).unwrap();
    close(c).unwrap();
    close(s).unwrap();
    drop((c2, s2));

    // UDP: sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg.
    let rx = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&rx, &v6).unwrap();
    let to = getsockname(&rx).unwrap();
    let tx = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(sendto(&tx, b"dgram", 0, &to), Ok(5));
    let (n, from) = recvfrom(&rx, &mut buf, 0).unwrap();
    assert_eq!((n, from.family()), (5, AF_INET6));
    let iov = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
    assert_eq!(
        sendmsg(&tx, &MsgHdr::new(Some(&to), &iov, Control::NONE), 0),
        Ok(4)
    );
    {
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut []);
        assert_eq!(recvmsg(&rx, &mut msg, 0), Ok(4));
        assert!(msg.name().is_some() && msg.controllen() == 0);
    }
    let iov = [IoSlice::new(b"m")];
    let mut msgs = [
        MMsgHdr::new(MsgHdr::new(Some(&to), &iov, Control::NONE)),
        MMsgHdr::new(MsgHdr::new(Some(&to), &iov, Control::NONE)),
    ];
    assert_eq!(sendmmsg(&tx, &mut msgs, 0), Ok(2));
    {
        let (mut d0, mut d1) = ([0u8; 4], [0u8; 4]);
        let mut iov0 = [IoSliceMut::new(&mut d0)];
        let mut iov1 = [IoSliceMut::new(&mut d1)];
        let mut h0 = MsgHdrMut::new(&mut iov0, &mut []);
        let mut h1 = MsgHdrMut::new(&mut iov1, &mut []);
        let mut entries = [MMsgHdrMut::new(&mut h0), MMsgHdrMut::new(&mut h1)];
        assert_eq!(recvmmsg(&rx, &mut entries, MSG_WAITFORONE, None), Ok(2));
        assert_eq!(entries[1].len(), 1);
    }

    // Unix: socketpair, SCM_RIGHTS received as owned descriptors, a path bind.
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let mut cbuf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
    let mut builder = CmsgBuilder::new(&mut cbuf);
    builder.rights(&[rx.as_fd()]).unwrap();
    let control = builder.finish();
    let iov = [IoSlice::new(b"f")];
    assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, control), 0), Ok(1));
    {
        let mut data = [0u8; 4];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut room = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut msg = MsgHdrMut::new(&mut iov, &mut room);
        assert_eq!(recvmsg(&b, &mut msg, MSG_CMSG_CLOEXEC), Ok(1));
        let mut got = 0;
        for m in msg.cmsgs() {
            if let ControlMessage::Rights(fds) = m {
                got += fds.count();
            }
        }
        assert_eq!(got, 1);
    }
    let path = std::env::temp_dir().join(format!("sockapi-resources-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let u = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    let ua = SockAddr::unix(&path).unwrap();
    bind(&u, &ua).unwrap();
    assert_eq!(
        getsockname(&u).unwrap().as_unix_path(),
        Some(path.as_path())
    );
    std::fs::remove_file(&path).unwrap();
    let an = SockAddr::abstract_name(b"sockapi-resources").unwrap();
    assert!(an.as_abstract_name().is_some() && SockAddr::unnamed().is_unnamed());

    // Addresses and conversions.
    let sa = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 80)));
    let sin = sa.as_sockaddr_in().unwrap();
    assert_eq!(SockAddr::from_bytes(sa.as_bytes()).unwrap(), sa);
    assert!(sa.as_socket_ipv4().is_some() && sa.as_socket_ipv6().is_none());
    assert!(!sa.as_ptr().is_null() && sa.len() == 16);
    assert!(to.as_sockaddr_in6().is_some() && ua.as_sockaddr_un().is_some());
    let mut text = [0u8; 128];
    {
        use std::fmt::Write as _;
        let mut s = Stack(&mut text, 0);
        write!(s, "{sa} {sa:?} {to} {ua:?}").unwrap();
    }
    assert_eq!(ntohs(htons(80)), 80);
    assert_eq!(ntohl(htonl(1)), 1);
    let mut in4: in_addr = zeroed();
    assert_eq!(inet_pton(AF_INET, "10.1.2.3", &mut in4), Ok(true));
    let mut in6: in6_addr = zeroed();
    assert_eq!(inet_pton(AF_INET6, "::1", &mut in6), Ok(true));
    let mut nbuf = [0u8; INET6_ADDRSTRLEN];
    assert_eq!(inet_ntop(AF_INET6, &in6, &mut nbuf), Ok("::1"));
    assert_eq!(
        inet_ntop(AF_INET, &sin.sin_addr, &mut nbuf),
        Ok("127.0.0.1")
    );
    assert!(inet_aton("127.1", &mut in4));
    assert_eq!(inet_ntoa(in4).as_str(), "127.0.0.1");

    // Names: getaddrinfo, getnameinfo, the netdb calls, interfaces.
    let mut hints = AddrInfoHints::default();
    hints.ai_socktype = SOCK_STREAM;
    let list = getaddrinfo(Some("localhost"), Some("80"), Some(&hints)).unwrap();
    for ai in &list {
        assert!(ai.ai_family() == AF_INET || ai.ai_family() == AF_INET6);
        let _ = (
            ai.ai_flags(),
            ai.ai_protocol(),
            ai.ai_canonname(),
            ai.ai_addr(),
        );
        assert_eq!(ai.ai_socktype(), SOCK_STREAM);
    }
    hints.ai_flags = AI_NUMERICHOST | AI_CANONNAME;
    let list = getaddrinfo(c"127.0.0.1", c"http", Some(&hints)).unwrap();
    assert!(list.first().ai_canonname().is_some() && list.iter().count() == 1);
    drop(list);
    let (host, serv) = getnameinfo(&sa, NI_NUMERICHOST | NI_NUMERICSERV).unwrap();
    assert_eq!((&*host, &*serv), ("127.0.0.1", "80"));
    assert_eq!(gai_strerror(EAI_NONAME), "Name or service not known");
    let se = getservbyname("http", "tcp").unwrap().unwrap();
    assert_eq!((se.port(), se.s_proto() == "tcp"), (80, true));
    let _ = (se.s_name(), se.s_aliases().count(), se.s_port());
    assert!(getservbyport(htons(53), None).unwrap().is_some());
    let pe = getprotobyname("udp").unwrap().unwrap();
    assert_eq!(pe.p_proto(), 17);
    let _ = (pe.p_name(), pe.p_aliases().count());
    assert!(getprotobynumber(6).unwrap().is_some());
    let he = gethostbyname("localhost").unwrap();
    assert_eq!(he.h_addr(), Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let _ = (
        he.h_name(),
        he.h_aliases().count(),
        he.h_addrtype(),
        he.h_length(),
    );
    assert!(he.h_addr_list().count() >= 1);
    let he = gethostbyaddr(Ipv4Addr::LOCALHOST).unwrap();
    assert_eq!(he.h_name(), "localhost");
    assert_eq!(hstrerror(HOST_NOT_FOUND), "Unknown host");
    let lo = if_nametoindex("lo").unwrap();
    assert_eq!(if_indextoname(lo).unwrap(), "lo");

    // Errors and the trace's knobs.
    assert_eq!(strerror(Errno::ECONNREFUSED), "Connection refused");
    let e = Errno::ECONNREFUSED;
    assert!(e.is_known() && e.name() == "ECONNREFUSED" && e.raw() == libc::ECONNREFUSED);
    let _ = Errno::last();
    perror("resources");
    let n = trace::strsize();
    trace::set_strsize(n);
    let _ = trace::enabled();
    drop((a, b, u, rx, tx, ep, l));
}

/// A `fmt::Write` into a stack buffer, so that formatting allocates nothing.
struct Stack<'a>(&'a mut [u8], usize);

impl std::fmt::Write for Stack<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = (self.1 + s.len()).min(self.0.len());
        self.0[self.1..end].copy_from_slice(&s.as_bytes()[..end - self.1]);
        self.1 = end;
        Ok(())
    }
}

/// The rows of the catalogue run in every cycle: the error paths of each call family
/// (the catalogue's rows named here, run from tests/bad_input.rs's bodies).
const EVERY_CYCLE: &[fn()] = {
    use bad_input::row::*;
    &[
        socket_unknown_family,
        bind_in_use_v4,
        connect_refused_v4,
        recv_nothing_queued_nonblocking,
        recvmsg_control_truncated_mid_rights,
        setsockopt_raw_short_int,
        select_nfds_over_fd_setsize,
        poll_closed_descriptor,
        inet_pton_garbage,
        getaddrinfo_numerichost_with_a_name,
        gethostbyname_nul,
    ]
};

/// Every this many cycles, a full cycle: all the catalogue's rows and the
/// `/proc/net/tcp6` read, which together cost some 15 ms (most of it the kernel
/// walking its whole connection table, TIME_WAITs of the machine's other processes
/// included, for the /proc read and for `tcp_state_of`'s dump of a connection that
/// is not there). So each row runs `CYCLES / FULL_EVERY` times a pass.
const FULL_EVERY: usize = 100;

fn cycle(i: usize) {
    let full = i % FULL_EVERY == 0;
    tour(full);
    for row in EVERY_CYCLE {
        row();
    }
    if full {
        for (_, row) in bad_input::ROWS {
            row();
        }
    }
}

/// Descriptor 2 made `/dev/null` for as long as this lives; the real stderr back on
/// drop (and in a panic's message: see `main`).
struct Quiet;

static SAVED_STDERR: AtomicIsize = AtomicIsize::new(-1);

impl Quiet {
    fn new() -> Quiet {
        // SAFETY: plain descriptor calls on descriptors this process owns; the C
        // string is NUL-terminated.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
            assert!(null >= 0);
            assert_eq!(libc::dup2(null, 2), 2);
            libc::close(null);
        }
        Quiet
    }
}

fn restore_stderr() {
    let saved = SAVED_STDERR.load(Relaxed) as c_int;
    // SAFETY: `saved` is the descriptor `main` dup'ed from the real stderr and keeps.
    unsafe { libc::dup2(saved, 2) };
}

impl Drop for Quiet {
    fn drop(&mut self) {
        restore_stderr();
    }
}

struct Pass {
    trace: bool,
    before: Usage,
    after: Usage,
    secs: f64,
}

fn pass(trace_on: bool) -> Pass {
    if trace_on {
        trace::enable();
    } else {
        trace::disable();
    }
    let quiet = Quiet::new();
    cycle(0);
    let before = usage();
    let start = Instant::now();
    for i in 1..=CYCLES {
        cycle(i);
    }
    let secs = start.elapsed().as_secs_f64();
    let after = usage();
    drop(quiet);
    trace::disable();
    Pass {
        trace: trace_on,
        before,
        after,
        secs,
    }
}

/// What `main` needs in `GLIBC_TUNABLES` for the C-heap figure to be exact: glibc's
/// per-thread cache keeps freed chunks counted as in use (`uordblks`), so its filling
/// and emptying would move the figure without any leak. The binary re-executes itself
/// with it (the same binary, not a build).
const NO_TCACHE: &str = "glibc.malloc.tcache_count=0";

fn main() {
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if !tunables.split(':').any(|t| t == NO_TCACHE) {
        use std::os::unix::process::CommandExt;
        let tunables = if tunables.is_empty() {
            NO_TCACHE.to_owned()
        } else {
            format!("{tunables}:{NO_TCACHE}")
        };
        let exe = std::env::current_exe().expect("current_exe");
        let err = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("GLIBC_TUNABLES", tunables)
            .exec();
        panic!("re-executing with GLIBC_TUNABLES={NO_TCACHE}: {err}");
    }
    // SAFETY: dup of descriptor 2, kept open for the life of the process.
    let saved = unsafe { libc::fcntl(2, libc::F_DUPFD_CLOEXEC, 10) };
    assert!(saved >= 0, "dup stderr");
    SAVED_STDERR.store(saved as isize, Relaxed);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_stderr();
        default_hook(info);
    }));

    let calls = bad_input::ROWS.len();
    let every = EVERY_CYCLE.len();
    let passes = [pass(false), pass(true)];
    let mut flat = true;
    for p in &passes {
        let Pass {
            trace,
            before,
            after,
            secs,
        } = p;
        println!(
            "trace {}: {CYCLES} cycles (the tour and {every} rows each, all {calls} rows \
             every {FULL_EVERY}th) in {secs:.1} s; fds {} -> {}; Rust heap {} B in {} \
             allocations -> {} B in {}; C heap {} B -> {} B",
            if *trace { "on " } else { "off" },
            before.fds,
            after.fds,
            before.rust_bytes,
            before.rust_allocs,
            after.rust_bytes,
            after.rust_allocs,
            before.c_bytes,
            after.c_bytes,
        );
        flat &= before == after;
    }
    assert!(flat, "descriptors or heap grew over the cycles (see above)");
    println!("resources: flat");
}
