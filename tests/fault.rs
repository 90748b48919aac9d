//! Fault injection (feature `fault`), per-thread plans only (the process-wide plan and
//! `SOCKAPI_FAULTS` have their own binaries, `fault_process` and `fault_env`): every
//! kind of fault on every call family, that an injected failure makes no syscall,
//! counting and seeded probability, two threads with two plans, the guard, plan
//! errors and the grammar, and the built `fault_demo` example.
#![cfg(feature = "fault")]

use std::io::{IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::thread;

use sockapi::fault::{Fault, Plan, Rule};
use sockapi::*;

mod common;
use common::{listener, set_timeouts, tcp_pair, tcp_socket, V4};

fn pair() -> (Socket, Socket) {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
    set_timeouts(&a);
    set_timeouts(&b);
    (a, b)
}

fn dgram_pair() -> (Socket, Socket) {
    let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair");
    set_timeouts(&a);
    set_timeouts(&b);
    (a, b)
}

/// Starts a plan of one rule on this thread.
fn only(rule: Rule) -> fault::FaultGuard {
    Plan::new().rule(rule).start().expect("plan starts")
}

/// What is queued on `fd` now, without waiting.
fn queued(fd: &Socket) -> Vec<u8> {
    let mut buf = [0u8; 256];
    match recv(fd, &mut buf, MSG_DONTWAIT) {
        Ok(n) => buf[..n].to_vec(),
        Err(e) => {
            assert_eq!(e, Errno::EAGAIN);
            Vec::new()
        }
    }
}

#[test]
fn fail_makes_no_syscall_on_the_socket_calls() {
    let e = Errno::EACCES;
    {
        let _f = only(Rule::on("socket").fail(Errno::EMFILE));
        assert_eq!(
            socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).err(),
            Some(Errno::EMFILE)
        );
        assert!(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).is_err());
    }
    {
        let _f = only(Rule::on("socketpair").fail(Errno::ENFILE));
        assert_eq!(
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).err(),
            Some(Errno::ENFILE)
        );
    }
    // bind: the socket stays unbound.
    let fd = tcp_socket(V4);
    {
        let _f = only(Rule::on("bind").fail(Errno::EADDRINUSE));
        assert_eq!(bind(&fd, &V4), Err(Errno::EADDRINUSE));
    }
    assert_eq!(
        getsockname(&fd).expect("getsockname").to_string(),
        "0.0.0.0:0"
    );
    bind(&fd, &V4).expect("the real bind");
    // listen: not listening afterwards.
    {
        let _f = only(Rule::on("listen").fail(e));
        assert_eq!(listen(&fd, SOMAXCONN), Err(e));
    }
    assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_ACCEPTCONN), Ok(0));
    listen(&fd, SOMAXCONN).expect("the real listen");
    let addr = getsockname(&fd).expect("getsockname");
    // connect: the client is left unconnected.
    let client = tcp_socket(V4);
    {
        let _f = only(Rule::on("connect").fail(Errno::ECONNREFUSED));
        assert_eq!(connect(&client, &addr), Err(Errno::ECONNREFUSED));
    }
    assert_eq!(getpeername(&client).err(), Some(Errno::ENOTCONN));
    connect(&client, &addr).expect("the real connect");
    // accept: the pending connection is still queued afterwards.
    {
        let _f = only(Rule::on("accept").fail(Errno::EMFILE).fd(&fd));
        assert_eq!(accept(&fd).err(), Some(Errno::EMFILE));
    }
    let (server, _) = accept(&fd).expect("the real accept");
    for call in ["getsockname", "getpeername", "shutdown"] {
        let _f = only(Rule::on(call).fail(e));
        let got = match call {
            "getsockname" => getsockname(&server).map(drop),
            "getpeername" => getpeername(&server).map(drop),
            _ => shutdown(&server, SHUT_WR),
        };
        assert_eq!(got, Err(e), "{call}");
    }
    // The shutdown was not made: the server can still send.
    assert_eq!(send(&server, b"x", 0), Ok(1));
    let second = tcp_socket(V4);
    connect(&second, &addr).expect("connect");
    {
        let _f = only(Rule::on("accept4").eintr());
        assert_eq!(accept4(&fd, SOCK_CLOEXEC).err(), Some(Errno::EINTR));
        let (c, _) = accept4(&fd, SOCK_CLOEXEC).expect("the retry is real");
        drop(c);
    }
}

#[test]
fn fail_makes_no_syscall_on_the_data_calls() {
    let (a, b) = pair();
    let e = Errno::ECONNRESET;
    {
        let _f = only(Rule::on("send").fail(e));
        assert_eq!(send(&a, b"lost", 0), Err(e));
    }
    assert_eq!(queued(&b), b"", "the failed send sent nothing");
    send(&a, b"data", 0).expect("send");
    let mut buf = [0u8; 16];
    {
        let _f = only(Rule::on("recv").fail(e));
        assert_eq!(recv(&b, &mut buf, 0), Err(e));
    }
    assert_eq!(queued(&b), b"data", "the failed recv took nothing");
    send(&a, b"more", 0).expect("send");
    {
        let _f = Plan::new()
            .rule(Rule::on("recvfrom").fail(e))
            .rule(Rule::on("sendto").fail(Errno::EPIPE))
            .rule(Rule::on("sendmsg").fail(Errno::ENOBUFS))
            .rule(Rule::on("recvmsg").fail(Errno::EAGAIN))
            .start()
            .expect("plan");
        assert_eq!(recvfrom(&b, &mut buf, 0).err(), Some(e));
        let to = SockAddr::unix("/nonexistent").expect("path");
        assert_eq!(sendto(&a, b"no", 0, &to), Err(Errno::EPIPE));
        let iov = [IoSlice::new(b"no")];
        assert_eq!(
            sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0),
            Err(Errno::ENOBUFS)
        );
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut []);
        assert_eq!(recvmsg(&b, &mut msg, 0), Err(Errno::EAGAIN));
    }
    assert_eq!(queued(&b), b"more");
}

#[test]
fn fail_and_eintr_on_the_batch_and_wait_calls() {
    let (a, b) = dgram_pair();
    let e = Errno::ENOMEM;
    {
        let _f = Plan::new()
            .rule(Rule::on("sendmmsg").fail(e))
            .rule(Rule::on("recvmmsg").eintr())
            .start()
            .expect("plan");
        let iov = [IoSlice::new(b"one")];
        let mut msgs = [MMsgHdr::new(MsgHdr::new(None, &iov, Control::NONE))];
        assert_eq!(sendmmsg(&a, &mut msgs, 0), Err(e));
        assert_eq!(queued(&b), b"", "nothing was sent");
        assert_eq!(sendmmsg(&a, &mut msgs, 0), Err(e), "fail is every time");
        drop(_f);
        assert_eq!(sendmmsg(&a, &mut msgs, 0), Ok(1));
    }
    {
        let _f = only(Rule::on("recvmmsg").eintr());
        let mut data = [0u8; 8];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut hdr = MsgHdrMut::new(&mut iov, &mut []);
        let mut msgs = [MMsgHdrMut::new(&mut hdr)];
        assert_eq!(
            recvmmsg(&b, &mut msgs, MSG_DONTWAIT, None),
            Err(Errno::EINTR)
        );
        assert_eq!(
            recvmmsg(&b, &mut msgs, MSG_DONTWAIT, None),
            Ok(1),
            "the retry"
        );
        assert_eq!(msgs[0].len(), 3);
    }
    // Waiting: each fails with no wait at all (an infinite timeout would hang).
    let mut fds = [pollfd::new(&b, POLLIN)];
    let mut set = FdSet::new();
    set.insert(&b).expect("FD_SET");
    let ep = epoll_create1(EPOLL_CLOEXEC).expect("epoll_create1");
    let mut events = [epoll_event::default(); 4];
    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).expect("sigemptyset");
    for call in [
        "select",
        "pselect",
        "poll",
        "ppoll",
        "epoll_wait",
        "epoll_pwait",
    ] {
        let _f = only(Rule::on(call).eintr());
        let got = match call {
            "select" => select(set.nfds(), Some(&mut set), None, None, None),
            "pselect" => pselect(set.nfds(), Some(&mut set), None, None, None, None),
            "poll" => poll(&mut fds, -1),
            "ppoll" => ppoll(&mut fds, None, Some(&mask)),
            "epoll_wait" => epoll_wait(&ep, &mut events, -1),
            _ => epoll_pwait(&ep, &mut events, -1, Some(&mask)),
        };
        assert_eq!(got, Err(Errno::EINTR), "{call}");
    }
    {
        let _f = Plan::new()
            .rule(Rule::on("epoll_create1").fail(Errno::EMFILE))
            .rule(Rule::on("epoll_ctl").fail(Errno::ENOSPC).fd(&ep))
            .start()
            .expect("plan");
        assert_eq!(epoll_create1(EPOLL_CLOEXEC).err(), Some(Errno::EMFILE));
        let ev = epoll_event::new(EPOLLIN, 1);
        assert_eq!(
            epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)),
            Err(Errno::ENOSPC)
        );
    }
    // Not added, so the real wait sees nothing.
    assert_eq!(epoll_wait(&ep, &mut events, 0), Ok(0));
}

#[test]
fn fail_on_the_option_and_control_calls() {
    let (a, _b) = pair();
    let e = Errno::ENOPROTOOPT;
    let _f = Plan::new()
        .rule(Rule::on("setsockopt").fail(e).times(2))
        .rule(Rule::on("getsockopt").fail(e).times(2))
        .rule(Rule::on("fcntl").fail(Errno::EBADF))
        .rule(Rule::on("ioctl").fail(Errno::ENOTTY))
        .rule(Rule::on("sockatmark").fail(Errno::EINVAL))
        .start()
        .expect("plan");
    assert_eq!(setsockopt(&a, SOL_SOCKET, SO_SNDBUF, &8192), Err(e));
    // SAFETY: SO_KEEPALIVE takes an int; the kernel follows nothing in it.
    let raw = unsafe { setsockopt_raw(&a, SOL_SOCKET, 9, &1i32.to_ne_bytes()) };
    assert_eq!(raw, Err(e));
    assert_eq!(getsockopt(&a, SOL_SOCKET, SO_TYPE).err(), Some(e));
    let mut out = [0u8; 4];
    // SAFETY: as above.
    assert_eq!(
        unsafe { getsockopt_raw(&a, SOL_SOCKET, 9, &mut out) },
        Err(e)
    );
    // Both spent: real calls now, and the option was never set.
    assert_eq!(getsockopt(&a, SOL_SOCKET, SO_KEEPALIVE), Ok(0));
    assert_eq!(fcntl(&a, F_GETFL).err(), Some(Errno::EBADF));
    assert_eq!(ioctl(&a, FIONREAD).err(), Some(Errno::ENOTTY));
    assert_eq!(sockatmark(&a).err(), Some(Errno::EINVAL));
}

#[test]
fn fail_on_the_name_calls() {
    let mut hints = AddrInfoHints::default();
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    {
        let _f = Plan::new()
            .rule(Rule::on("getaddrinfo").fail_gai(EAI_AGAIN).times(1))
            .rule(Rule::on("getaddrinfo").fail(Errno::ENOMEM).times(1))
            .rule(Rule::on("getnameinfo").fail_gai(EAI_FAIL))
            .rule(Rule::on("gethostbyname").fail_h(TRY_AGAIN))
            .rule(Rule::on("gethostbyaddr").fail(Errno::EIO))
            .rule(Rule::on("getservbyname").fail(Errno::ERANGE))
            .rule(Rule::on("getservbyport").fail(Errno::ERANGE))
            .rule(Rule::on("getprotobyname").fail(Errno::ENOENT))
            .rule(Rule::on("getprotobynumber").fail(Errno::ENOENT))
            .rule(Rule::on("if_nametoindex").fail(Errno::ENODEV))
            .rule(Rule::on("if_indextoname").fail(Errno::ENXIO))
            .start()
            .expect("plan");
        let first = getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints));
        assert_eq!(first.err(), Some(GaiError::new(EAI_AGAIN)));
        let second = getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints));
        let second = second.err().unwrap_or(GaiError::new(EAI_NONAME));
        assert_eq!(second.code(), EAI_SYSTEM);
        assert_eq!(second.errno(), Some(Errno::ENOMEM));
        assert!(getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints)).is_ok());
        let addr = SocketAddr::from(([127, 0, 0, 1], 80));
        assert_eq!(
            getnameinfo(&addr, NI_NUMERICHOST).err(),
            Some(GaiError::new(EAI_FAIL))
        );
        assert_eq!(gethostbyname("localhost").err(), Some(TRY_AGAIN));
        let h = gethostbyaddr(std::net::Ipv4Addr::LOCALHOST)
            .err()
            .unwrap_or(HOST_NOT_FOUND);
        assert_eq!(
            (h.raw(), h.errno()),
            (NETDB_INTERNAL.raw(), Some(Errno::EIO))
        );
        assert_eq!(getservbyname("http", "tcp").err(), Some(Errno::ERANGE));
        assert_eq!(getservbyport(htons(80), "tcp").err(), Some(Errno::ERANGE));
        assert_eq!(getprotobyname("tcp").err(), Some(Errno::ENOENT));
        assert_eq!(getprotobynumber(6).err(), Some(Errno::ENOENT));
        assert_eq!(if_nametoindex("lo").err(), Some(Errno::ENODEV));
        assert_eq!(if_indextoname(1).err(), Some(Errno::ENXIO));
    }
    assert!(getservbyname("http", "tcp").expect("real").is_some());
    assert!(if_nametoindex("lo").is_ok());
}

#[test]
fn short_writes_are_real_and_stream_only() {
    let (a, b) = pair();
    {
        let f = only(Rule::on("send").short(3).times(1));
        assert_eq!(send(&a, b"Hello", 0), Ok(3));
        assert_eq!(send(&a, b"lo", 0), Ok(2), "spent after once");
        assert_eq!(f.injected(), 1);
    }
    assert_eq!(queued(&b), b"Hello", "the 3 bytes reported really went");
    {
        let _f = only(Rule::on("sendmsg").short(4));
        let iov = [
            IoSlice::new(b"abc"),
            IoSlice::new(b"def"),
            IoSlice::new(b"g"),
        ];
        assert_eq!(
            sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0),
            Ok(4)
        );
    }
    assert_eq!(queued(&b), b"abcd");
    // TCP too (which ignores sendto's address).
    let (c, d) = tcp_pair(V4);
    {
        let _f = only(Rule::on("sendto").short(1));
        let to = getpeername(&c).expect("getpeername");
        assert_eq!(sendto(&c, b"xyz", 0, &to), Ok(1));
    }
    let mut one = [0u8; 1];
    assert_eq!(recv(&d, &mut one, 0), Ok(1));
    assert_eq!(&one, b"x");
    {
        let _f = only(Rule::on("send").short(2).fd(&c));
        assert_eq!(send(&c, b"tcp!", 0), Ok(2));
        assert_eq!(send(&d, b"full", 0), Ok(4), "another descriptor is not hit");
    }
    let mut buf = [0u8; 8];
    assert_eq!(recv(&d, &mut buf, 0), Ok(2));
    assert_eq!(&buf[..2], b"tc");
    // A datagram socket: the rule does not match (nor count).
    let (x, y) = dgram_pair();
    {
        let f = only(Rule::on("send").short(1));
        assert_eq!(send(&x, b"whole", 0), Ok(5));
        assert_eq!(f.injected(), 0);
    }
    assert_eq!(queued(&y), b"whole");
}

#[test]
fn short_reads_are_real_and_truncate_drops_a_datagram_tail() {
    let (a, b) = pair();
    send(&a, b"Hello, world", 0).expect("send");
    let mut buf = [0u8; 64];
    {
        let _f = Plan::new()
            .rule(Rule::on("recv").short(2).times(1))
            .rule(Rule::on("recvfrom").short(3).times(1))
            .rule(Rule::on("recvmsg").short(4).times(1))
            .start()
            .expect("plan");
        assert_eq!(recv(&b, &mut buf, 0), Ok(2));
        assert_eq!(&buf[..2], b"He");
        let (n, _) = recvfrom(&b, &mut buf, 0).expect("recvfrom");
        assert_eq!(&buf[..n], b"llo");
        let mut one = [0u8; 3];
        let mut two = [0u8; 8];
        {
            let mut iov = [IoSliceMut::new(&mut one), IoSliceMut::new(&mut two)];
            let mut msg = MsgHdrMut::new(&mut iov, &mut []);
            assert_eq!(recvmsg(&b, &mut msg, 0), Ok(4));
            assert_eq!(msg.flags(), MsgFlags::from_raw(0));
        }
        assert_eq!((&one[..], &two[..1]), (&b", w"[..], &b"o"[..]));
    }
    assert_eq!(queued(&b), b"rld", "nothing was lost");
    // A short rule does not touch a datagram; truncate does, as a small buffer would.
    let (x, y) = dgram_pair();
    for _ in 0..3 {
        send(&x, b"datagram", 0).expect("send");
    }
    {
        let f = Plan::new()
            .rule(Rule::on("recv").short(2))
            .rule(Rule::on("recv").truncate(4).times(1))
            .rule(Rule::on("recvmsg").truncate(1))
            .start()
            .expect("plan");
        assert_eq!(recv(&y, &mut buf, 0), Ok(4));
        assert_eq!(&buf[..4], b"data");
        assert_eq!(f.injected(), 1);
        let mut data = [0u8; 16];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut []);
        assert_eq!(recvmsg(&y, &mut msg, 0), Ok(1));
        assert!(msg.flags().contains(MSG_TRUNC), "{:?}", msg.flags());
    }
    assert_eq!(
        queued(&y),
        b"datagram",
        "each tail was dropped with its datagram"
    );
    // recvfrom's truncate, on UDP.
    let u = common::udp_socket(V4);
    bind(&u, &V4).expect("bind");
    let to = getsockname(&u).expect("getsockname");
    sendto(&u, b"udp datagram", 0, &to).expect("sendto");
    {
        let _f = only(Rule::on("recvfrom").truncate(3));
        let (n, from) = recvfrom(&u, &mut buf, 0).expect("recvfrom");
        assert_eq!((&buf[..n], from), (&b"udp"[..], to));
    }
}

#[test]
fn short_batches_pass_the_first_messages() {
    let (a, b) = dgram_pair();
    let (one, two, three) = (
        [IoSlice::new(b"1")],
        [IoSlice::new(b"22")],
        [IoSlice::new(b"333")],
    );
    let mut out = [
        MMsgHdr::new(MsgHdr::new(None, &one, Control::NONE)),
        MMsgHdr::new(MsgHdr::new(None, &two, Control::NONE)),
        MMsgHdr::new(MsgHdr::new(None, &three, Control::NONE)),
    ];
    {
        let _f = only(Rule::on("sendmmsg").short(1).times(1));
        assert_eq!(sendmmsg(&a, &mut out, 0), Ok(1));
        assert_eq!(sendmmsg(&a, &mut out[1..], 0), Ok(2));
    }
    let mut d = [[0u8; 8]; 3];
    let [d0, d1, d2] = &mut d;
    let (mut i0, mut i1, mut i2) = (
        [IoSliceMut::new(d0)],
        [IoSliceMut::new(d1)],
        [IoSliceMut::new(d2)],
    );
    let (mut h0, mut h1, mut h2) = (
        MsgHdrMut::new(&mut i0, &mut []),
        MsgHdrMut::new(&mut i1, &mut []),
        MsgHdrMut::new(&mut i2, &mut []),
    );
    let mut msgs = [
        MMsgHdrMut::new(&mut h0),
        MMsgHdrMut::new(&mut h1),
        MMsgHdrMut::new(&mut h2),
    ];
    {
        let _f = only(Rule::on("recvmmsg").short(2));
        assert_eq!(recvmmsg(&b, &mut msgs, MSG_DONTWAIT, None), Ok(2));
        assert_eq!((msgs[0].len(), msgs[1].len()), (1, 2));
    }
    assert_eq!(recvmmsg(&b, &mut msgs, MSG_DONTWAIT, None), Ok(1));
    assert_eq!(msgs[0].len(), 3);
}

#[test]
fn eintr_comes_once_before_each_real_call() {
    let (a, b) = pair();
    let f = only(Rule::on("send").eintr());
    for _ in 0..3 {
        assert_eq!(send(&a, b"x", 0), Err(Errno::EINTR));
        assert_eq!(send(&a, b"y", 0), Ok(1));
    }
    assert_eq!(f.injected(), 3);
    drop(f);
    assert_eq!(queued(&b), b"yyy");
    // sendall retries it, and sends the rest after short counts.
    let _f = Plan::new()
        .rule(Rule::on("send").eintr().times(2))
        .rule(Rule::on("send").short(3))
        .start()
        .expect("plan");
    sendall(&a, b"0123456789", 0).expect("sendall");
    drop(_f);
    assert_eq!(queued(&b), b"0123456789");
}

#[test]
fn after_and_times_count_matching_calls() {
    let (a, _b) = pair();
    let pattern = |plan: Plan, calls: usize| -> Vec<bool> {
        let _f = plan.start().expect("plan");
        (0..calls).map(|_| getsockname(&a).is_err()).collect()
    };
    let p = pattern(
        Plan::new().rule(Rule::on("getsockname").fail(Errno::EIO).after(2).times(3)),
        8,
    );
    assert_eq!(p, [false, false, true, true, true, false, false, false]);
    // Another descriptor's calls do not count for a rule with a descriptor.
    let (c, _d) = pair();
    let _f = only(
        Rule::on("getsockname")
            .fail(Errno::EIO)
            .fd(&c)
            .after(1)
            .times(1),
    );
    assert!(getsockname(&a).is_ok());
    assert!(getsockname(&c).is_ok());
    assert!(getsockname(&a).is_ok());
    assert_eq!(getsockname(&c).err(), Some(Errno::EIO));
    assert!(getsockname(&c).is_ok());
}

#[test]
fn probability_is_reproducible_from_the_seed() {
    let (a, _b) = pair();
    let run = |seed: u64| -> Vec<bool> {
        let _f = Plan::new()
            .rule(Rule::on("getsockname").fail(Errno::EIO).probability(0.3))
            .seed(seed)
            .start()
            .expect("plan");
        (0..400).map(|_| getsockname(&a).is_err()).collect()
    };
    let first = run(7);
    assert_eq!(first, run(7), "the same seed, the same faults");
    assert_ne!(first, run(8), "another seed, other faults");
    let hits = first.iter().filter(|&&x| x).count();
    assert!((80..=160).contains(&hits), "{hits} of 400 at p = 0.3");
    // The extremes: never and always.
    let _f = only(Rule::on("getsockname").fail(Errno::EIO).probability(0.0));
    assert!((0..50).all(|_| getsockname(&a).is_ok()));
    drop(_f);
    // times counts only the draws that fired.
    let _f = Plan::new()
        .rule(
            Rule::on("getsockname")
                .fail(Errno::EIO)
                .probability(0.5)
                .times(5),
        )
        .seed(1)
        .start()
        .expect("plan");
    let hits = (0..200).filter(|_| getsockname(&a).is_err()).count();
    assert_eq!(hits, 5);
}

#[test]
fn two_threads_two_plans() {
    let barrier = Arc::new(Barrier::new(3));
    let spawn = |rule: Rule, expect: Result<usize>| {
        let barrier = Arc::clone(&barrier);
        thread::spawn(move || {
            let (a, b) = pair();
            let f = only(rule);
            barrier.wait(); // all plans running at once
            let got: Vec<_> = (0..20).map(|_| send(&a, b"ab", 0)).collect();
            barrier.wait();
            drop(f);
            assert!(got.iter().all(|r| *r == expect), "{got:?}");
            drop(b);
        })
    };
    let t1 = spawn(Rule::on("send").fail(Errno::EPIPE), Err(Errno::EPIPE));
    let t2 = spawn(Rule::on("send").short(1), Ok(1));
    let (a, b) = pair();
    barrier.wait();
    // This thread has no plan: its sends are whole while the other two run theirs.
    for _ in 0..20 {
        assert_eq!(send(&a, b"ab", 0), Ok(2));
    }
    barrier.wait();
    t1.join().expect("thread 1");
    t2.join().expect("thread 2");
    assert_eq!(queued(&b).len(), 40);
}

#[test]
fn the_guard_ends_the_plan() {
    let (a, _b) = pair();
    let f = only(Rule::on("getpeername").fail(Errno::EIO));
    assert!(getpeername(&a).is_err());
    assert!(
        Plan::new().rule(Rule::on("send").eintr()).start().is_err(),
        "one plan a thread"
    );
    f.end();
    assert!(getpeername(&a).is_ok());
    let f = only(Rule::on("getpeername").fail(Errno::EIO));
    assert!(getpeername(&a).is_err());
    drop(f);
    assert!(getpeername(&a).is_ok());
}

#[test]
fn plans_that_cannot_run_say_why() {
    let why = |plan: Plan| {
        plan.start()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        why(Plan::new().rule(Rule::on("sned").eintr())),
        "unknown call \"sned\""
    );
    assert_eq!(
        why(Plan::new().rule(Rule::on("send"))),
        "the rule for send has no fault"
    );
    assert_eq!(
        why(Plan::new().rule(Rule::on("connect").short(1))),
        "connect cannot meet short=1"
    );
    assert_eq!(
        why(Plan::new().rule(Rule::on("send").truncate(1))),
        "send cannot meet truncate=1"
    );
    assert_eq!(
        why(Plan::new().rule(Rule::on("send").fail_gai(EAI_AGAIN))),
        "send cannot meet fail=EAI_AGAIN"
    );
    assert_eq!(
        why(Plan::new().rule(Rule::on("getaddrinfo").eintr())),
        "getaddrinfo cannot meet eintr"
    );
    assert_eq!(
        why(Plan::new().rule(Rule::on("send").eintr().probability(1.5))),
        "probability 1.5 is not between 0 and 1"
    );
}

#[test]
fn the_grammar() {
    let plan = Plan::parse(
        " send:short=3:times=2 ; recv:eintr:after=1:times=1;connect:fail=ECONNREFUSED:p=0.5;\
         getaddrinfo:fail=EAI_AGAIN; gethostbyname:fail=HOST_NOT_FOUND; close:fail=EIO:fd=7:always; seed=7",
    )
    .expect("parses");
    let text = format!("{plan:?}");
    for part in [
        "Short(3)",
        "Eintr",
        "ECONNREFUSED",
        "EAI_AGAIN",
        "FailH",
        "seed: 7",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    for (bad, why) in [
        ("sned:eintr", "unknown call \"sned\""),
        ("send", "the rule for send has no fault"),
        ("send:eintr:short=1", "the rule for send has two faults"),
        ("send:fail=EWHAT", "fail=EWHAT: no such error name"),
        ("send:short=x", "short=x: not a number"),
        ("send:eintr:times=-1", "times=-1: not a number"),
        ("send:eintr:bogus", "\"bogus\" in the rule for send"),
        ("send:eintr:p=half", "p=half: not a number between 0 and 1"),
        ("connect:short=2", "connect cannot meet short=2"),
        ("seed=abc", "seed=abc: not a number"),
        (
            "getaddrinfo:fail=EAI_SYSTEM",
            "fail=EAI_SYSTEM: name the errno instead (fail=ECONNREFUSED)",
        ),
    ] {
        assert_eq!(
            bad.parse::<Plan>().err().map(|e| e.to_string()).as_deref(),
            Some(why),
            "{bad}"
        );
    }
    // The parsed plan runs.
    let (a, b) = pair();
    let _f = Plan::parse("send:short=1:times=1")
        .expect("parses")
        .start()
        .expect("starts");
    assert_eq!(send(&a, b"ab", 0), Ok(1));
    assert_eq!(Fault::Short(1), Fault::Short(1));
    drop(b);
}

#[test]
fn fault_demo_shows_sendall_surviving_what_a_naive_send_does_not() {
    let demo = common::servers::example("fault_demo");
    let out = Command::new(&demo)
        .env("SOCKAPI_TRACE", "1")
        .env_remove("SOCKAPI_FAULTS")
        .output()
        .expect("fault_demo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("listening on 127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("naive send: echoed 16 of 43 bytes: \"The quick brown \""));
    assert!(stdout.contains(
        "sendall: echoed 43 of 43 bytes: \"The quick brown fox jumps over the lazy dog\""
    ));
    assert!(stdout.contains("result: the naive send lost the tail; sendall delivered every byte"));
    if cfg!(feature = "trace") {
        let marked: Vec<&str> = stderr.lines().filter(|l| l.contains("(injected")).collect();
        assert_eq!(marked.len(), 4, "{stderr}");
        assert!(
            marked[0].ends_with(", 43, 0) = 16 (injected: short)"),
            "{}",
            marked[0]
        );
        assert!(
            marked[1].ends_with(", 43, 0) = 16 (injected: short)"),
            "{}",
            marked[1]
        );
        assert!(
            marked[2].ends_with(
                "\"fox jumps over the lazy dog\", 27, 0) = -1 EINTR (Interrupted system call) (injected)"
            ),
            "{}",
            marked[2]
        );
        assert!(
            marked[3].ends_with("\"fox jumps over the lazy dog\", 27, 0) = 16 (injected: short)"),
            "{}",
            marked[3]
        );
        assert!(
            stderr.contains("\"he lazy dog\", 11, 0) = 11\n"),
            "{stderr}"
        );
        // The server thread had no plan: none of its lines is marked.
        assert!(!marked
            .iter()
            .any(|l| l.starts_with("recv(") || l.starts_with("accept(")));
    }
}

#[test]
fn no_plan_means_real_calls_with_the_feature_in() {
    let (a, b) = pair();
    assert_eq!(send(&a, b"plain", 0), Ok(5));
    assert_eq!(queued(&b), b"plain");
    let (l, addr) = listener(V4);
    let c = tcp_socket(V4);
    connect(&c, &addr).expect("connect");
    assert!(accept(&l).is_ok());
}

/// A trace line cut at its length (512 bytes) still ends with the fault's mark, in
/// the line's room: no overflow (which panicked in a debug build and looped for ever
/// in a release one), whatever the call's text. (With the trace compiled out there
/// are no lines.)
#[cfg(feature = "trace")]
#[test]
fn a_cut_trace_line_keeps_its_mark() {
    use std::sync::Mutex;
    static LINES: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    fn sink(line: &[u8]) {
        LINES.lock().expect("lines").push(line.to_vec());
    }
    let (a, b) = pair();
    let data = [0xffu8; 600];
    let bufs = [[0xeeu8; 32]; 16];
    let iov: Vec<IoSlice<'_>> = bufs.iter().map(|b| IoSlice::new(b)).collect();
    trace::enable();
    let _plan = Plan::new()
        .rule(Rule::on("send").short(1).always())
        .rule(Rule::on("sendmsg").short(1).always())
        .start()
        .expect("plan");
    trace::capture(sink, || {
        trace::set_strsize(4096);
        assert_eq!(send(&a, &data, 0), Ok(1));
        trace::set_strsize(trace::DEFAULT_STRSIZE);
        assert_eq!(
            sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0),
            Ok(1)
        );
    });
    trace::disable();
    drop(b);
    let lines = LINES.lock().expect("lines");
    assert_eq!(lines.len(), 2, "one line per call");
    for line in lines.iter() {
        let text = String::from_utf8_lossy(line);
        assert!(line.len() <= 512, "{} bytes: {text}", line.len());
        assert!(
            text.ends_with("... (injected: short)\n"),
            "cut, then marked: {text}"
        );
    }
}
