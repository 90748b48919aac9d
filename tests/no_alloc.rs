//! No heap allocation on the data path: a counting global allocator measures each
//! call on its own, several times, from the very first sockapi call of the process
//! (which reads `SOCKAPI_TRACE` through libc's `getenv`).
//!
//! Its own binary (`harness = false`): the allocator counts the whole process, so
//! nothing else may run beside the measured calls; everything here is one thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use sockapi::*;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged;
// counting touches only an atomic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, SeqCst);
        // SAFETY: forwarded as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, SeqCst);
        // SAFETY: forwarded as received.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, SeqCst);
        // SAFETY: forwarded as received.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the allocations made while it ran.
fn measure<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.load(SeqCst);
    let result = black_box(f());
    let after = ALLOCATIONS.load(SeqCst);
    (result, after - before)
}

/// Per check: how often it was measured and the allocations seen in all.
struct Checks {
    entries: Vec<(&'static str, usize, usize)>,
}

impl Checks {
    /// Records one measured call. Called between measured regions, so its own
    /// allocations are not counted.
    fn record(&mut self, name: &'static str, allocations: usize) {
        match self.entries.iter_mut().find(|(n, _, _)| *n == name) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 += allocations;
            }
            None => self.entries.push((name, 1, allocations)),
        }
    }

    /// Measures `f`, records it under `name`, and returns its result.
    fn call<R>(&mut self, name: &'static str, f: impl FnOnce() -> R) -> R {
        let (result, allocations) = measure(f);
        self.record(name, allocations);
        result
    }
}

const ROUNDS: usize = 5;

/// One round of every call on the data path, each measured alone.
/// The name calls: the names become C strings on the stack. (The C library's own
/// `malloc` for the list is not Rust's allocator, and C pays it too.)
fn names(checks: &mut Checks) {
    let mut hints = AddrInfoHints::default();
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    let res = checks.call("getaddrinfo (numeric) and freeaddrinfo", || {
        getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints)).map(|list| list.first().ai_addr())
    });
    assert!(res.is_ok());
    let mut hints = AddrInfoHints::default();
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    let res = checks.call("getaddrinfo (localhost, http)", || {
        getaddrinfo(Some("localhost"), Some("http"), Some(&hints)).map(|list| list.iter().count())
    });
    assert!(res.is_ok());
    let res = checks.call("getaddrinfo (numeric, &CStr) and freeaddrinfo", || {
        getaddrinfo(c"127.0.0.1", c"80", Some(&hints)).map(|list| list.first().ai_addr())
    });
    assert!(res.is_ok());
    let res = checks.call("getaddrinfo (localhost, http, &CStr)", || {
        getaddrinfo(c"localhost", c"http", Some(&hints)).map(|list| list.iter().count())
    });
    assert!(res.is_ok());
    let res = checks.call("getaddrinfo (EAI_NONAME)", || {
        let mut h = AddrInfoHints::default();
        h.ai_flags = AI_NUMERICHOST;
        getaddrinfo(Some("localhost"), None, Some(&h)).map(|_| ())
    });
    assert!(res.is_err());
    let addr = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 80)));
    let res = checks.call("getnameinfo", || {
        getnameinfo(&addr, NI_NUMERICHOST | NI_NUMERICSERV).map(|(h, s)| h.len() + s.len())
    });
    assert_eq!(res, Ok(11));
}

fn round(checks: &mut Checks, refusing: &SockAddr) {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let loopback_c = SockAddr::from(loopback);

    let listener = checks.call("socket", || {
        socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket")
    });
    let r = checks.call("setsockopt", || {
        setsockopt(&listener, SOL_SOCKET, SO_REUSEADDR, &1)
    });
    assert_eq!(r, Ok(()));
    let r = checks.call("bind", || bind(&listener, &loopback_c));
    assert_eq!(r, Ok(()));
    let r = checks.call("listen", || listen(&listener, SOMAXCONN));
    assert_eq!(r, Ok(()));
    let addr = checks
        .call("getsockname", || getsockname(&listener))
        .expect("getsockname");

    // A std address converts on the stack.
    let std_addr = addr.as_socket().expect("inet");
    let client = checks.call("socket", || {
        socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket")
    });
    // On loopback the handshake completes into the backlog: no accept needed first.
    let r = checks.call("connect", || connect(&client, &std_addr));
    assert_eq!(r, Ok(()));
    let (server, peer) = checks.call("accept", || accept(&listener)).expect("accept");
    assert_eq!(Ok(peer), getsockname(&client));

    let client2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    let r = checks.call("connect", || connect(&client2, &addr));
    assert_eq!(r, Ok(()));
    let (server2, _) = checks
        .call("accept4", || {
            accept4(&listener, SOCK_CLOEXEC | SOCK_NONBLOCK)
        })
        .expect("accept4");
    let r = checks.call("getpeername", || getpeername(&server2));
    assert_eq!(r, getsockname(&client2));

    let mut buf = [0u8; 64];
    let r = checks.call("send", || send(&client, b"Hello Server", 0));
    assert_eq!(r, Ok(12));
    let r = checks.call("recv", || recv(&server, &mut buf, MSG_PEEK));
    assert_eq!(r, Ok(12));
    let r = checks.call("recv", || recv(&server, &mut buf, 0));
    assert_eq!(r, Ok(12));
    assert_eq!(&buf[..12], b"Hello Server");
    let r = checks.call("recv (EAGAIN)", || recv(&server, &mut buf, MSG_DONTWAIT));
    assert_eq!(r, Err(Errno::EAGAIN));
    let r = checks.call("send", || send(&server, b"Hello Client", MSG_DONTWAIT));
    assert_eq!(r, Ok(12));
    let r = checks.call("recv", || recv(&client, &mut buf, 0));
    assert_eq!(r, Ok(12));

    // Datagrams: sendto to itself (a SockAddr as it is, and a std address converted on
    // the stack), recvfrom's address written in place.
    let udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socket");
    bind(&udp, &loopback_c).expect("bind");
    let udp_addr = getsockname(&udp).expect("getsockname");
    let udp_std = udp_addr.as_socket().expect("inet");
    let r = checks.call("sendto", || sendto(&udp, b"Hello Self", 0, &udp_addr));
    assert_eq!(r, Ok(10));
    let r = checks.call("sendto", || sendto(&udp, b"std", MSG_DONTWAIT, &udp_std));
    assert_eq!(r, Ok(3));
    let r = checks.call("recvfrom", || recvfrom(&udp, &mut buf, MSG_PEEK));
    assert_eq!(r, Ok((10, udp_addr)));
    let r = checks.call("recvfrom", || recvfrom(&udp, &mut buf, 0));
    assert_eq!(r, Ok((10, udp_addr)));
    let r = checks.call("recvfrom", || recvfrom(&udp, &mut buf[..1], MSG_TRUNC));
    assert_eq!(r, Ok((3, udp_addr)));
    let r = checks.call("recvfrom (EAGAIN)", || {
        recvfrom(&udp, &mut buf, MSG_DONTWAIT)
    });
    assert_eq!(r, Err(Errno::EAGAIN));
    let v6 = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 9));
    let r = checks.call("sendto (EAFNOSUPPORT)", || sendto(&udp, b"x", 0, &v6));
    assert_eq!(r, Err(Errno::EAFNOSUPPORT));
    let r = checks.call("recvfrom (TCP, no address)", || {
        send(&client, b"x", 0).expect("send");
        recvfrom(&server, &mut buf, 0)
    });
    assert_eq!(r.map(|(n, peer)| (n, peer.len())), Ok((1, 0)));
    checks.call("drop (close)", || drop(udp));

    let r = checks.call("setsockopt", || {
        setsockopt(&client, IPPROTO_TCP, TCP_NODELAY, &1)
    });
    assert_eq!(r, Ok(()));
    let lingering = linger {
        l_onoff: 1,
        l_linger: 0,
    };
    let r = checks.call("setsockopt", || {
        setsockopt(&server2, SOL_SOCKET, SO_LINGER, &lingering)
    });
    assert_eq!(r, Ok(()));
    let timeout = timeval {
        tv_sec: 5,
        tv_usec: 0,
    };
    let r = checks.call("setsockopt", || {
        setsockopt(&server, SOL_SOCKET, SO_RCVTIMEO, &timeout)
    });
    assert_eq!(r, Ok(()));
    let r = checks.call("getsockopt", || {
        getsockopt(&client, IPPROTO_TCP, TCP_NODELAY)
    });
    assert_eq!(r, Ok(1));
    let r = checks.call("getsockopt", || getsockopt(&client, SOL_SOCKET, SO_ERROR));
    assert_eq!(r, Ok(0));
    let r = checks.call("getsockopt", || getsockopt(&client, SOL_SOCKET, SO_TYPE));
    assert_eq!(r, Ok(SOCK_STREAM));
    let r = checks.call("getsockopt", || getsockopt(&server2, SOL_SOCKET, SO_LINGER));
    let got = r.expect("SO_LINGER");
    assert_eq!((got.l_onoff, got.l_linger), (1, 0));
    let r = checks.call("getsockopt", || {
        getsockopt(&server, SOL_SOCKET, SO_RCVTIMEO)
    });
    assert_eq!(r.map(|tv| tv.tv_sec), Ok(5));
    // TCP_INFO's struct is on the stack too.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let r = checks.call("tcp_info", || tcp_info(&client).map(|i| i.state()));
        assert_eq!(r, Ok(TCP_ESTABLISHED));
        let r = checks.call("tcp_info", || tcp_info(&listener).map(|i| i.state()));
        assert_eq!(r, Ok(TCP_LISTEN));
    }
    let mut raw_value = [0u8; 4];
    let r = checks.call("getsockopt_raw", || unsafe {
        getsockopt_raw(
            &listener,
            SOL_SOCKET,
            SO_ACCEPTCONN.as_raw(),
            &mut raw_value,
        )
    });
    assert_eq!(r, Ok(4));
    assert_eq!(i32::from_ne_bytes(raw_value), 1);
    let r = checks.call("setsockopt_raw", || unsafe {
        setsockopt_raw(
            &client,
            SOL_SOCKET,
            SO_KEEPALIVE.as_raw(),
            &1i32.to_ne_bytes(),
        )
    });
    assert_eq!(r, Ok(()));

    let r = checks.call("fcntl", || fcntl(&client, F_GETFL));
    let flags = r.expect("F_GETFL");
    let r = checks.call("fcntl", || fcntl(&client, F_SETFL(flags | O_NONBLOCK)));
    assert_eq!(r, Ok(()));

    let r = checks.call("shutdown", || shutdown(&client, SHUT_WR));
    assert_eq!(r, Ok(()));
    let r = checks.call("recv", || recv(&server, &mut buf, 0));
    assert_eq!(r, Ok(0), "end-of-file after SHUT_WR");
    let r = checks.call("shutdown", || shutdown(&server, SHUT_RDWR));
    assert_eq!(r, Ok(()));

    // Error paths: an `Errno` is a plain integer.
    let refused = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    let r = checks.call("connect (ECONNREFUSED)", || connect(&refused, refusing));
    assert_eq!(r, Err(Errno::ECONNREFUSED));
    let r = checks.call("bind (EADDRINUSE)", || bind(&refused, &addr));
    assert_eq!(r, Err(Errno::EADDRINUSE));
    let r = checks.call("shutdown (ENOTCONN)", || shutdown(&refused, SHUT_RD));
    assert_eq!(r, Err(Errno::ENOTCONN));
    let r = checks.call("socket (EAFNOSUPPORT)", || {
        socket(AddressFamily::from_raw(12345), SOCK_STREAM, 0)
    });
    assert_eq!(r.err(), Some(Errno::EAFNOSUPPORT));

    let (a, b) = checks
        .call("socketpair", || {
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)
        })
        .expect("socketpair");

    // sendmsg/recvmsg on stack buffers, a passed descriptor included.
    msg_round(checks, &a, &b, &client2);

    let r = checks.call("close", || close(client));
    assert_eq!(r, Ok(()));
    let r = checks.call("close", || close(a));
    assert_eq!(r, Ok(()));
    checks.call("drop (close)", || drop(server));
    checks.call("drop (close)", || drop(server2));
    checks.call("drop (close)", || drop(client2));
    checks.call("drop (close)", || drop(refused));
    checks.call("drop (close)", || drop(b));
    checks.call("drop (close)", || drop(listener));

    // sendmmsg/recvmmsg on stack arrays, a passed descriptor included (Linux).
    #[cfg(target_os = "linux")]
    mmsg_round(checks, &passable_fd());

    inet_round(checks);
}

/// The address conversions on stack buffers, and a connect with C's `sockaddr_in`
/// built as C builds it.
fn inet_round(checks: &mut Checks) {
    let mut addr: sockaddr_in = checks.call("zeroed", zeroed);
    addr.sin_family = AF_INET.into();
    let r = checks.call("inet_pton (AF_INET)", || {
        inet_pton(AF_INET, "127.0.0.1", &mut addr.sin_addr)
    });
    assert_eq!(r, Ok(true));
    let r = checks.call("inet_pton (CStr)", || {
        inet_pton(AF_INET, c"127.0.0.1", &mut addr.sin_addr)
    });
    assert_eq!(r, Ok(true));
    let r = checks.call("inet_pton (not an address)", || {
        inet_pton(AF_INET, "256.0.0.1", &mut addr.sin_addr)
    });
    assert_eq!(r, Ok(false));
    let r = checks.call("inet_pton (EAFNOSUPPORT)", || {
        inet_pton(AF_INET6, "::1", &mut addr.sin_addr)
    });
    assert_eq!(r, Err(Errno::EAFNOSUPPORT));
    let mut a6: in6_addr = zeroed();
    let r = checks.call("inet_pton (AF_INET6, longest text)", || {
        inet_pton(
            AF_INET6,
            "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
            &mut a6,
        )
    });
    assert_eq!(r, Ok(true));
    let mut buf = [0u8; INET6_ADDRSTRLEN];
    let r = checks.call("inet_ntop (AF_INET6)", || {
        inet_ntop(AF_INET6, &a6, &mut buf).map(str::len)
    });
    assert_eq!(r, Ok(39));
    let r = checks.call("inet_ntop (ENOSPC)", || {
        inet_ntop(AF_INET, &addr.sin_addr, &mut buf[..3]).map(str::len)
    });
    assert_eq!(r, Err(Errno::ENOSPC));
    let ok = checks.call("inet_aton", || inet_aton("127.1", &mut addr.sin_addr));
    assert!(ok);
    let ok = checks.call("inet_aton (CStr)", || {
        inet_aton(c"127.1", &mut addr.sin_addr)
    });
    assert!(ok);
    let lo = checks.call("if_nametoindex", || if_nametoindex("lo"));
    assert!(lo.is_ok());
    let r = checks.call("if_nametoindex (CStr)", || if_nametoindex(c"lo"));
    assert_eq!(r, lo);
    let r = checks.call("inet_pton (AF_INET6, CStr)", || {
        inet_pton(AF_INET6, c"::1", &mut a6)
    });
    assert_eq!(r, Ok(true));
    let text = checks.call("inet_ntoa", || inet_ntoa(addr.sin_addr));
    assert_eq!(text.as_str(), "127.0.0.1");
    let len = checks.call("inet_ntoa's Display", || {
        use std::io::Write as _;
        let mut out = [0u8; 32];
        let mut cursor = &mut out[..];
        write!(cursor, "{text}").expect("fits");
        32 - cursor.len()
    });
    assert_eq!(len, 9);

    // C's connect to a listener, the port from getsockname.
    let listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    bind(&listener, &SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind");
    listen(&listener, 1).expect("listen");
    let port = getsockname(&listener)
        .expect("getsockname")
        .as_socket()
        .expect("inet")
        .port();
    addr.sin_port = htons(port);
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    let r = checks.call("connect (sockaddr_in)", || connect(&fd, &addr));
    assert_eq!(r, Ok(()));
    let back = checks.call("SockAddr::as_sockaddr_in", || {
        getpeername(&fd).expect("getpeername").as_sockaddr_in()
    });
    assert_eq!(back.map(|b| ntohs(b.sin_port)), Some(port));
}

/// A descriptor to pass: a fresh socket, made outside the measured calls.
#[cfg(target_os = "linux")]
fn passable_fd() -> Socket {
    socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socket")
}

/// `sendmmsg` of 8 datagrams (one with an `SCM_RIGHTS` message) and `recvmmsg` of
/// them into 8 entries on the stack, the walk over what came, and the drop that closes
/// the descriptor.
#[cfg(target_os = "linux")]
fn mmsg_round(checks: &mut Checks, passed: &Socket) {
    use std::io::{IoSlice, IoSliceMut};
    use std::os::fd::AsFd;
    let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair");
    let mut cbuf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
    let mut builder = CmsgBuilder::new(&mut cbuf);
    builder.rights(&[passed.as_fd()]).expect("rights");
    let control = builder.finish();
    let data = [*b"mmsg"; 8];
    let iovs: [[IoSlice<'_>; 1]; 8] = core::array::from_fn(|i| [IoSlice::new(&data[i])]);
    let mut msgs: [MMsgHdr<'_>; 8] = checks.call("MMsgHdr::new", || {
        core::array::from_fn(|i| {
            let c = if i == 0 { control } else { Control::NONE };
            MMsgHdr::new(MsgHdr::new(None, &iovs[i], c))
        })
    });
    let r = checks.call("sendmmsg", || sendmmsg(&a, &mut msgs, 0));
    assert_eq!(r, Ok(8));
    let mut bufs = [[0u8; 8]; 8];
    let mut controls = [[0u8; CMSG_SPACE(4)]; 8];
    let mut riovs: [[IoSliceMut<'_>; 1]; 8] = {
        let mut it = bufs.iter_mut();
        core::array::from_fn(|_| [IoSliceMut::new(it.next().unwrap())])
    };
    let mut hdrs: [MsgHdrMut<'_, '_>; 8] = {
        let mut it = riovs.iter_mut().zip(controls.iter_mut());
        core::array::from_fn(|_| {
            let (iov, c) = it.next().unwrap();
            MsgHdrMut::new(iov, c)
        })
    };
    let mut entries: [MMsgHdrMut<'_, '_, '_>; 8] = checks.call("MMsgHdrMut::new", || {
        let mut it = hdrs.iter_mut();
        core::array::from_fn(|_| MMsgHdrMut::new(it.next().unwrap()))
    });
    let r = checks.call("recvmmsg", || {
        recvmmsg(&b, &mut entries, MSG_DONTWAIT, None)
    });
    assert_eq!(r, Ok(8));
    let n = checks.call("recvmmsg's cmsgs", || {
        let n: usize = entries.iter_mut().map(|e| e.cmsgs().count()).sum();
        n
    });
    assert_eq!(n, 1);
    checks.call("recvmmsg's MsgHdrMut drop (closes the descriptor)", || {
        drop(hdrs)
    });
    let r = checks.call("recvmmsg (EAGAIN)", || {
        let mut hdr = MsgHdrMut::new(&mut [], &mut []);
        let mut one = [MMsgHdrMut::new(&mut hdr)];
        recvmmsg(&b, &mut one, MSG_DONTWAIT, None)
    });
    assert_eq!(r, Err(Errno::EAGAIN));
}

/// `sendmsg` with two buffers and an `SCM_RIGHTS` message built on the stack, then
/// `recvmsg`, the walk over what came, and the drop that closes the descriptor.
fn msg_round(checks: &mut Checks, a: &Socket, b: &Socket, passed: &Socket) {
    use std::io::{IoSlice, IoSliceMut};
    use std::os::fd::AsFd;
    let mut cbuf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
    let control = checks.call("CmsgBuilder", || {
        let mut builder = CmsgBuilder::new(&mut cbuf);
        builder.rights(&[passed.as_fd()]).expect("rights");
        builder.finish()
    });
    let iov = [IoSlice::new(b"ab"), IoSlice::new(b"c")];
    let msg = MsgHdr::new(None, &iov, control);
    let r = checks.call("sendmsg", || sendmsg(a, &msg, 0));
    assert_eq!(r, Ok(3));
    let mut data = [0u8; 8];
    let mut control = [0u8; CMSG_SPACE(4)];
    let mut riov = [IoSliceMut::new(&mut data)];
    let mut rmsg = MsgHdrMut::new(&mut riov, &mut control);
    let r = checks.call("recvmsg", || recvmsg(b, &mut rmsg, 0));
    assert_eq!(r, Ok(3));
    let n = checks.call("recvmsg's cmsgs and drop", || {
        let n = rmsg.cmsgs().count();
        drop(rmsg);
        n
    });
    assert_eq!(n, 1);
}

/// Points fd 2 at /dev/null until dropped, then puts the old stderr back.
#[cfg(feature = "trace")]
struct StderrToDevNull(std::os::fd::OwnedFd);

#[cfg(feature = "trace")]
impl StderrToDevNull {
    fn new() -> StderrToDevNull {
        use std::os::fd::{AsRawFd, FromRawFd};
        let null = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .expect("/dev/null");
        // SAFETY: `dup` and `dup2` take integers; the saved descriptor is new and owned
        // here, and fd 2 stays open throughout (dup2 replaces it atomically).
        unsafe {
            let saved = libc::dup(2);
            assert!(saved >= 0, "dup(2)");
            assert!(libc::dup2(null.as_raw_fd(), 2) == 2, "dup2");
            StderrToDevNull(std::os::fd::OwnedFd::from_raw_fd(saved))
        }
    }
}

#[cfg(feature = "trace")]
impl Drop for StderrToDevNull {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: integers only; `self.0` is open until after the call.
        unsafe { libc::dup2(self.0.as_raw_fd(), 2) };
    }
}

/// One round of the netdb entry calls, each measured alone (the answer checked
/// outside the measured region).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn netdb_round(checks: &mut Checks) {
    use std::net::{IpAddr, Ipv4Addr};
    let se = checks
        .call("getservbyname", || getservbyname("http", "tcp"))
        .expect("getservbyname")
        .expect("http/tcp in /etc/services (install netbase)");
    assert_eq!(se.port(), 80);
    let se = checks
        .call("getservbyport", || getservbyport(80u16.to_be(), "tcp"))
        .expect("getservbyport")
        .expect("80/tcp");
    assert_eq!(se.s_name(), "http");
    let r = checks.call("getservbyname (not found)", || {
        getservbyname("sockapi-none", None)
    });
    assert_eq!(r, Ok(None));
    let pe = checks
        .call("getprotobyname", || getprotobyname("tcp"))
        .expect("getprotobyname")
        .expect("tcp");
    assert_eq!(pe.p_proto(), 6);
    let pe = checks
        .call("getprotobynumber", || getprotobynumber(17))
        .expect("getprotobynumber")
        .expect("17");
    assert_eq!(pe.p_name(), "udp");
    let he = checks
        .call("gethostbyname", || gethostbyname("localhost"))
        .expect("gethostbyname");
    assert_eq!(he.h_addr(), Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let he = checks
        .call("gethostbyaddr", || gethostbyaddr(Ipv4Addr::LOCALHOST))
        .expect("gethostbyaddr");
    assert!(!he.h_name().is_empty());
    let r = checks.call("gethostbyname (HOST_NOT_FOUND)", || {
        gethostbyname("256.1.1.1").map(|_| ())
    });
    assert_eq!(r, Err(HOST_NOT_FOUND));
    let r = checks.call("getservbyname (EINVAL)", || getservbyname("a\0b", "tcp"));
    assert_eq!(r, Err(Errno::EINVAL));
    // The `&CStr` forms, passed to C as they are.
    let se = checks
        .call("getservbyname (CStr)", || getservbyname(c"http", c"tcp"))
        .expect("getservbyname")
        .expect("http/tcp");
    assert_eq!(se.port(), 80);
    let se = checks
        .call("getservbyport (CStr)", || {
            getservbyport(80u16.to_be(), c"tcp")
        })
        .expect("getservbyport")
        .expect("80/tcp");
    assert_eq!(se.s_name(), "http");
    let pe = checks
        .call("getprotobyname (CStr)", || getprotobyname(c"tcp"))
        .expect("getprotobyname")
        .expect("tcp");
    assert_eq!(pe.p_proto(), 6);
    let he = checks
        .call("gethostbyname (CStr)", || gethostbyname(c"localhost"))
        .expect("gethostbyname");
    assert_eq!(he.h_addr(), Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
}

/// `FdSet`'s operations, `select` and `pselect` (ready, timed out, `EINVAL` for an
/// `nfds` past the set), with the trace off and, where compiled in, on.
fn select_round(checks: &mut Checks) {
    use std::os::fd::AsRawFd;
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
    send(&a, b"x", 0).expect("send");
    let mut master = checks.call("FdSet::new, insert, FD_SET", || {
        let mut set = FdSet::new();
        set.insert(&a).expect("insert");
        FD_SET(b.as_raw_fd(), &mut set).expect("FD_SET");
        assert_eq!(FD_SET(FD_SETSIZE, &mut set), Err(Errno::EINVAL));
        set
    });
    let n = checks.call("FdSet::nfds, contains, FD_ISSET, iter", || {
        assert!(master.contains(&a) && FD_ISSET(b.as_raw_fd(), &master));
        master.iter().count() + master.nfds() as usize
    });
    assert!(n > 2);
    select_calls(
        checks,
        master,
        &b,
        ["select", "select (timeout)", "select (EINVAL)", "pselect"],
    );
    #[cfg(feature = "trace")]
    {
        let quiet = StderrToDevNull::new();
        trace::enable();
        select_calls(
            checks,
            master,
            &b,
            [
                "select (trace on)",
                "select (trace on, timeout)",
                "select (trace on, EINVAL)",
                "pselect (trace on)",
            ],
        );
        trace::disable();
        drop(quiet);
    }
    checks.call("FdSet::remove, FD_CLR, FD_ZERO", || {
        master.remove(&a);
        FD_CLR(b.as_raw_fd(), &mut master);
        FD_ZERO(&mut master);
    });
}

/// `select` ready and timed out, `select(2048, …)`, and `pselect` ready, under the
/// One round of the epoll calls, each measured alone: the wait fills the caller's
/// slice, and with the trace on its line (the entries included) is formatted on the
/// stack.
#[cfg(target_os = "linux")]
fn epoll_round(checks: &mut Checks) {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
    let ep = checks.call("epoll_create1", || {
        epoll_create1(EPOLL_CLOEXEC).expect("epoll")
    });
    let ev = epoll_event::new(EPOLLIN, 7);
    let r = checks.call("epoll_ctl", || epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)));
    assert_eq!(r, Ok(()));
    let r = checks.call("epoll_ctl (EEXIST)", || {
        epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev))
    });
    assert_eq!(r, Err(Errno::EEXIST));
    let mut events = [epoll_event::default(); 64];
    let r = checks.call("epoll_wait (timeout 0, none ready)", || {
        epoll_wait(&ep, &mut events, 0)
    });
    assert_eq!(r, Ok(0));
    assert_eq!(send(&a, b"x", 0), Ok(1));
    let r = checks.call("epoll_wait (one ready)", || {
        epoll_wait(&ep, &mut events, 1000)
    });
    assert_eq!(r, Ok(1));
    assert_eq!(events[0], ev);
    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).expect("sigemptyset");
    let r = checks.call("epoll_pwait", || {
        epoll_pwait(&ep, &mut events, 0, Some(&mask))
    });
    assert_eq!(r, Ok(1));
    #[cfg(feature = "trace")]
    {
        let quiet = StderrToDevNull::new();
        trace::enable();
        let r = checks.call("epoll_ctl (trace on)", || {
            epoll_ctl(&ep, EPOLL_CTL_MOD, &b, Some(&ev))
        });
        assert_eq!(r, Ok(()));
        let r = checks.call("epoll_wait (trace on)", || {
            epoll_wait(&ep, &mut events, 1000)
        });
        assert_eq!(r, Ok(1));
        let r = checks.call("epoll_pwait (trace on)", || {
            epoll_pwait(&ep, &mut events, 0, Some(&mask))
        });
        assert_eq!(r, Ok(1));
        let r = checks.call("epoll_wait (trace on, EINVAL)", || {
            epoll_wait(&ep, &mut [], 0)
        });
        assert_eq!(r, Err(Errno::EINVAL));
        trace::disable();
        drop(quiet);
    }
    checks.call("close of an Epoll (drop)", || drop(ep));
}

/// names given.
fn select_calls(checks: &mut Checks, master: FdSet, b: &Socket, names: [&'static str; 4]) {
    let [ready, timeout, einval, pready] = names;
    let mut r = master;
    let mut tv = timeval {
        tv_sec: 1,
        tv_usec: 0,
    };
    let got = checks.call(ready, || {
        select(master.nfds(), Some(&mut r), None, None, Some(&mut tv))
    });
    assert_eq!(got, Ok(1));
    let mut w = FdSet::new();
    let mut tv = timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    let mut r = master;
    r.remove(b);
    let got = checks.call(timeout, || {
        select(
            master.nfds(),
            Some(&mut r),
            Some(&mut w),
            None,
            Some(&mut tv),
        )
    });
    assert_eq!(got, Ok(0));
    let got = checks.call(einval, || select(2048, Some(&mut r), None, None, None));
    assert_eq!(got, Err(Errno::EINVAL));
    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).expect("sigemptyset");
    sigaddset(&mut mask, libc::SIGUSR1).expect("sigaddset");
    let ts = timespec {
        tv_sec: 1,
        tv_nsec: 0,
    };
    let mut r = master;
    let got = checks.call(pready, || {
        pselect(
            master.nfds(),
            Some(&mut r),
            None,
            None,
            Some(&ts),
            Some(&mask),
        )
    });
    assert_eq!(got, Ok(1));
}

fn main() {
    // The default state is under test: the trace compiled in, off at run time.
    if std::env::var_os("SOCKAPI_TRACE").is_some() {
        println!("note: SOCKAPI_TRACE was set; removed so the default state is measured");
        std::env::remove_var("SOCKAPI_TRACE");
    }

    let mut checks = Checks {
        entries: Vec::new(),
    };

    // The counter must see an allocation, or every zero below means nothing.
    let (boxed, allocations) = measure(|| Box::new(black_box(7u64)));
    drop(boxed);
    assert!(allocations >= 1, "the counting allocator missed a Box");
    println!("ok     the counter sees a Box ({allocations} allocation)");

    // The very first sockapi call of the process: it reads the environment.
    let first = checks.call("socket (first call: reads SOCKAPI_TRACE)", || {
        socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket")
    });
    assert!(
        !trace::enabled(),
        "SOCKAPI_TRACE is unset, yet the trace is on"
    );
    drop(first);

    // Bound, never listening: connecting is refused, and the port stays ours.
    let refusing_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    bind(&refusing_fd, &SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind");
    let refusing = getsockname(&refusing_fd).expect("getsockname");

    for _ in 0..ROUNDS {
        round(&mut checks, &refusing);
        names(&mut checks);
    }

    // The netdb entry calls: names become C strings on the stack, the `_r` call gets a
    // stack buffer, and the entry keeps its strings inline. (The C library's own
    // mallocs, for its NSS modules and `FILE`s, do not reach this Rust allocator:
    // what is counted is what sockapi allocates.)
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for _ in 0..ROUNDS {
        netdb_round(&mut checks);
    }

    for _ in 0..ROUNDS {
        select_round(&mut checks);
    }
    #[cfg(target_os = "linux")]
    for _ in 0..ROUNDS {
        epoll_round(&mut checks);
    }

    // With the trace on, the line is formatted on the stack (the errno text too).
    #[cfg(feature = "trace")]
    {
        // The lines go to /dev/null for the while: they are measured, not shown.
        let quiet = StderrToDevNull::new();
        trace::enable();
        let fd = checks.call("socket (trace on)", || {
            socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket")
        });
        let r = checks.call("connect (trace on, ECONNREFUSED)", || {
            connect(&fd, &refusing)
        });
        assert_eq!(r, Err(Errno::ECONNREFUSED));
        let r = checks.call("getsockopt (trace on)", || {
            getsockopt(&fd, SOL_SOCKET, SO_TYPE)
        });
        assert_eq!(r, Ok(SOCK_STREAM));
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let r = checks.call("tcp_info (trace on)", || tcp_info(&fd).map(|i| i.state()));
            assert_eq!(r, Ok(TCP_CLOSE));
        }
        let udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socket");
        bind(&udp, &SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind");
        let to = getsockname(&udp).expect("getsockname");
        let r = checks.call("sendto (trace on)", || sendto(&udp, b"traced", 0, &to));
        assert_eq!(r, Ok(6));
        let mut buf = [0u8; 16];
        let r = checks.call("recvfrom (trace on)", || recvfrom(&udp, &mut buf, 0));
        assert_eq!(r, Ok((6, to)));
        let r = checks.call("recvfrom (trace on, EAGAIN)", || {
            recvfrom(&udp, &mut buf, MSG_DONTWAIT)
        });
        assert_eq!(r, Err(Errno::EAGAIN));
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let r = checks.call("tcp_info (trace on, EOPNOTSUPP)", || {
                tcp_info(&udp).map(|i| i.state())
            });
            assert_eq!(r, Err(Errno::EOPNOTSUPP));
        }
        #[cfg(target_os = "linux")]
        {
            use std::io::{IoSlice, IoSliceMut};
            let iov = [IoSlice::new(b"traced")];
            let mut msgs = [
                MMsgHdr::new(MsgHdr::new(Some(&to), &iov, Control::NONE)),
                MMsgHdr::new(MsgHdr::new(Some(&to), &iov, Control::NONE)),
                MMsgHdr::new(MsgHdr::new(Some(&to), &iov, Control::NONE)),
            ];
            let r = checks.call("sendmmsg (trace on)", || sendmmsg(&udp, &mut msgs, 0));
            assert_eq!(r, Ok(3));
            let mut bufs = [[0u8; 8]; 3];
            let [b0, b1, b2] = &mut bufs;
            let mut iovs = [
                [IoSliceMut::new(b0)],
                [IoSliceMut::new(b1)],
                [IoSliceMut::new(b2)],
            ];
            let [i0, i1, i2] = &mut iovs;
            let mut hdrs = [
                MsgHdrMut::new(i0, &mut []),
                MsgHdrMut::new(i1, &mut []),
                MsgHdrMut::new(i2, &mut []),
            ];
            let [h0, h1, h2] = &mut hdrs;
            let mut entries = [
                MMsgHdrMut::new(h0),
                MMsgHdrMut::new(h1),
                MMsgHdrMut::new(h2),
            ];
            let mut ts = timespec {
                tv_sec: 1,
                tv_nsec: 0,
            };
            let r = checks.call("recvmmsg (trace on)", || {
                recvmmsg(&udp, &mut entries, MSG_WAITFORONE, Some(&mut ts))
            });
            assert_eq!(r, Ok(3));
            let r = checks.call("recvmmsg (trace on, EAGAIN)", || {
                recvmmsg(&udp, &mut entries, MSG_DONTWAIT, None)
            });
            assert_eq!(r, Err(Errno::EAGAIN));
        }
        let mut a: in_addr = zeroed();
        let r = checks.call("inet_pton (trace on)", || {
            inet_pton(AF_INET, "127.0.0.1", &mut a)
        });
        assert_eq!(r, Ok(true));
        let mut text = [0u8; INET_ADDRSTRLEN];
        let r = checks.call("inet_ntop (trace on)", || {
            inet_ntop(AF_INET, &a, &mut text).map(str::len)
        });
        assert_eq!(r, Ok(9));
        let ok = checks.call("inet_aton (trace on)", || inet_aton("127.1", &mut a));
        assert!(ok);
        let t = checks.call("inet_ntoa (trace on)", || inet_ntoa(a));
        assert_eq!(t.as_str(), "127.0.0.1");
        drop(udp);
        let r = checks.call("getaddrinfo (trace on)", || {
            getaddrinfo(Some("127.0.0.1"), Some("80"), None).map(|list| list.iter().count())
        });
        assert!(r.is_ok());
        let r = checks.call("getnameinfo (trace on)", || {
            getnameinfo(&to, NI_NUMERICHOST | NI_NUMERICSERV).map(|_| ())
        });
        assert_eq!(r, Ok(()));
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            let r = checks.call("getservbyname (trace on)", || {
                getservbyname("http", "tcp").map(|e| e.map(|e| e.port()))
            });
            assert_eq!(r, Ok(Some(80)));
            let r = checks.call("gethostbyname (trace on, HOST_NOT_FOUND)", || {
                gethostbyname("256.1.1.1").map(|_| ())
            });
            assert_eq!(r, Err(HOST_NOT_FOUND));
        }
        let r = checks.call("close (trace on)", || close(fd));
        assert_eq!(r, Ok(()));
        trace::disable();
        drop(quiet);
    }

    poll_checks(&mut checks);
    rw_checks(&mut checks);

    let mut passed = 0;
    let mut failed = 0;
    for (name, calls, allocations) in &checks.entries {
        if *allocations == 0 {
            passed += 1;
            println!("ok     {name} ({calls} calls, no allocation)");
        } else {
            failed += 1;
            println!("FAILED {name} ({calls} calls, {allocations} allocations)");
        }
    }
    println!("no_alloc: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

/// `poll`, `ppoll`, `ioctl` and `sockatmark`, trace off (several rounds) and on: the
/// caller's array is the C array, and the trace line is formatted on the stack.
fn poll_checks(checks: &mut Checks) {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
    let tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    assert_eq!(send(&a, b"x", 0), Ok(1));
    let mut fds = [
        pollfd::new(&b, POLLIN | POLLOUT),
        pollfd::from_raw_fd(-1, POLLIN),
        pollfd::new(&a, POLLIN),
    ];
    let mut once = |checks: &mut Checks, traced: bool| {
        let (p, pz, io, nb, mark) = if traced {
            (
                "poll (trace on)",
                "poll (trace on, timeout)",
                "ioctl FIONREAD (trace on)",
                "ioctl FIONBIO (trace on)",
                "sockatmark (trace on)",
            )
        } else {
            (
                "poll",
                "poll (timeout)",
                "ioctl FIONREAD",
                "ioctl FIONBIO",
                "sockatmark",
            )
        };
        let r = checks.call(p, || poll(&mut fds, 1000));
        assert_eq!(r, Ok(1));
        let r = checks.call(pz, || poll(&mut fds[2..], 0));
        assert_eq!(r, Ok(0));
        let r = checks.call(io, || ioctl(&b, FIONREAD));
        assert_eq!(r, Ok(1));
        let r = checks.call(nb, || ioctl(&b, FIONBIO(&0)));
        assert_eq!(r, Ok(()));
        let r = checks.call(mark, || sockatmark(&tcp));
        assert_eq!(r, Ok(false));
        #[cfg(target_os = "linux")]
        {
            let ts = timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            let mut mask: sigset_t = zeroed();
            sigemptyset(&mut mask).unwrap();
            let name = if traced { "ppoll (trace on)" } else { "ppoll" };
            let r = checks.call(name, || ppoll(&mut fds, Some(&ts), Some(&mask)));
            assert_eq!(r, Ok(1));
            let name = if traced {
                "ioctl SIOCOUTQ (trace on)"
            } else {
                "ioctl SIOCOUTQ"
            };
            let r = checks.call(name, || ioctl(&a, SIOCOUTQ));
            assert!(r.is_ok());
        }
    };
    for _ in 0..ROUNDS {
        once(checks, false);
    }
    #[cfg(feature = "trace")]
    {
        let quiet = StderrToDevNull::new();
        trace::enable();
        once(checks, true);
        trace::disable();
        drop(quiet);
    }
}

/// `sendall` (one `send`; and `EAGAIN` with the count, on a full socket) and the
/// `Read`/`Write` methods, trace off (several rounds) and on: the loop and the
/// methods work on the caller's buffers, the error is a plain value, and an
/// `Errno` becomes an `io::Error` without allocating (an OS error is a number in it).
fn rw_checks(checks: &mut Checks) {
    use std::io::{IoSlice, IoSliceMut, Read, Write};
    let (a, b) =
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).expect("socketpair");
    // More than the socket buffers hold, allocated before any measuring.
    let big = vec![7u8; 4 << 20];
    let mut sink = vec![0u8; 1 << 20];
    let mut once = |checks: &mut Checks, traced: bool| {
        let name = |off: &'static str, on: &'static str| if traced { on } else { off };
        let mut buf = [0u8; 64];
        let r = checks.call(name("sendall", "sendall (trace on)"), || {
            sendall(&a, b"Hello Server", 0)
        });
        assert_eq!(r, Ok(()));
        let r = checks.call(name("Read::read", "Read::read (trace on)"), || {
            (&b).read(&mut buf).map_err(|e| e.raw_os_error())
        });
        assert_eq!(r, Ok(12));
        let r = checks.call(
            name(
                "Read::read (WouldBlock)",
                "Read::read (trace on, WouldBlock)",
            ),
            || (&b).read(&mut buf).map_err(|e| e.raw_os_error()),
        );
        assert_eq!(r, Err(Some(Errno::EAGAIN.raw())));
        let r = checks.call(name("Write::write", "Write::write (trace on)"), || {
            (&a).write(b"x").map_err(|e| e.raw_os_error())
        });
        assert_eq!(r, Ok(1));
        let r = checks.call(name("Write::flush", "Write::flush (trace on)"), || {
            (&a).flush().map_err(|e| e.raw_os_error())
        });
        assert_eq!(r, Ok(()));
        let r = checks.call(
            name("Write::write_vectored", "Write::write_vectored (trace on)"),
            || {
                let iov = [IoSlice::new(b"ab"), IoSlice::new(b"c")];
                (&a).write_vectored(&iov).map_err(|e| e.raw_os_error())
            },
        );
        assert_eq!(r, Ok(3));
        let r = checks.call(
            name("Read::read_vectored", "Read::read_vectored (trace on)"),
            || {
                let (head, tail) = buf.split_at_mut(2);
                let mut iov = [IoSliceMut::new(head), IoSliceMut::new(tail)];
                (&b).read_vectored(&mut iov).map_err(|e| e.raw_os_error())
            },
        );
        assert_eq!(r, Ok(4));
        let r = checks.call(
            name("sendall (EAGAIN)", "sendall (trace on, EAGAIN)"),
            || sendall(&a, &big, 0),
        );
        let e = r.expect_err("a full socket");
        assert_eq!(e.errno(), Errno::EAGAIN);
        assert!(e.sent() > 0);
        let mut drained = 0;
        while drained < e.sent() {
            drained += recv(&b, &mut sink, 0).expect("drain");
        }
        assert_eq!(drained, e.sent());
    };
    for _ in 0..ROUNDS {
        once(checks, false);
    }
    #[cfg(feature = "trace")]
    {
        let quiet = StderrToDevNull::new();
        trace::enable();
        once(checks, true);
        trace::disable();
        drop(quiet);
    }
}
