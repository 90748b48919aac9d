//! Wall clock against the peers: the same workloads through sockapi, raw `libc`,
//! `socket2`, `nix`, `rustix` and `std`, interleaved round by round in one run.
//!
//! ```sh
//! cargo bench --bench peers -- --quick                 # a smoke run, a few seconds
//! cargo bench --bench peers -- --rounds 31 --out docs/performance/peers.md
//! cargo bench --bench peers -- --only W1,W3            # some workloads only
//! ```
//!
//! Each round runs every workload once through every implementation, in an order that
//! rotates from round to round and is reversed every other round (so that no
//! implementation always runs first, nor always right after the same one); a batch is one implementation doing many calls of
//! one workload, timed with `Instant`. The first round warms up (page faults, caches,
//! branch predictors, the lazy binding of the C library's symbols) and is discarded.
//! The report gives, per workload and implementation, the median ns per operation
//! over rounds, its interquartile range, and the median over rounds of the ratio to
//! raw `libc` *in the same round*, with that ratio's interquartile range: on a shared
//! machine the absolute times drift with the load, the ratios much less. See
//! `docs/PERFORMANCE.md` for how the workloads are made and how to read the table.

use std::ffi::CStr;
use std::hint::black_box;
use std::io::{Read, Write};
use std::mem::{self, MaybeUninit};
use std::net::{SocketAddr, SocketAddrV4, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

use sockapi as sa;

#[path = "common/mod.rs"]
mod common;
use common::{pin, quantiles, raise_nofile, wait_drained, Fds};

/// The implementations, in the table's order. `libc` is the floor every ratio is
/// taken against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Imp {
    Sockapi,
    Libc,
    Socket2,
    Nix,
    Rustix,
    Std,
}

const IMPS: [Imp; 6] = [
    Imp::Sockapi,
    Imp::Libc,
    Imp::Socket2,
    Imp::Nix,
    Imp::Rustix,
    Imp::Std,
];

impl Imp {
    fn name(self) -> &'static str {
        match self {
            Imp::Sockapi => "sockapi",
            Imp::Libc => "libc",
            Imp::Socket2 => "socket2",
            Imp::Nix => "nix",
            Imp::Rustix => "rustix",
            Imp::Std => "std",
        }
    }

    /// Where the system call is made: the C library's wrapper, or the crate's own
    /// `syscall` instruction (rustix's `linux_raw` backend, its default on Linux).
    fn via(self) -> &'static str {
        match self {
            Imp::Rustix => "own syscalls",
            _ => "C library",
        }
    }
}

/// One implementation's batch: `ops` operations of the workload.
type Batch = Box<dyn FnMut(u64)>;

struct Workload {
    name: String,
    /// What the std column calls, where it says so (`None`: nothing to say), and
    /// whether it is the same C call as the others (if not, it is left out of the
    /// comparison with sockapi).
    std_note: Option<(&'static str, bool)>,
    /// One batch per implementation, in `IMPS` order; `None` where it has no such call.
    batches: Vec<Option<Batch>>,
    /// Run after each batch, untimed: waits until what the batch set going is over
    /// (W5's drain thread still copying), so that it does not slow the next batch.
    settle: Option<Box<dyn FnMut()>>,
    ops: u64,
    /// ns per operation, `[imp][round]`.
    ns: Vec<Vec<f64>>,
}

struct Options {
    rounds: usize,
    /// The wall-clock time a libc batch is sized to.
    batch_time: Duration,
    only: Option<Vec<String>>,
    out: Option<String>,
    quick: bool,
    /// Run on this one CPU (`None`: leave the scheduler free).
    cpu: Option<usize>,
}

fn parse_args() -> Options {
    let mut o = Options {
        rounds: 21,
        batch_time: Duration::from_millis(20),
        only: None,
        out: None,
        quick: false,
        // SAFETY: no arguments; returns the CPU the thread runs on, or -1.
        cpu: usize::try_from(unsafe { libc::sched_getcpu() }).ok(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => {
                o.rounds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .expect("--rounds takes a positive number")
            }
            "--quick" => o.quick = true,
            "--only" => {
                o.only = Some(
                    args.next()
                        .expect("--only takes a list: W1,W3")
                        .split(',')
                        .map(|s| s.trim().to_uppercase())
                        .collect(),
                )
            }
            "--out" => o.out = Some(args.next().expect("--out takes a file name")),
            "--cpu" => {
                o.cpu = Some(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .expect("--cpu takes a CPU number"),
                )
            }
            "--no-pin" => o.cpu = None,
            "--batch-ms" => {
                o.batch_time = Duration::from_millis(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .filter(|&n| n > 0)
                        .expect("--batch-ms takes a positive number"),
                )
            }
            // `cargo bench` passes `--bench` to a harness-less bench.
            "--bench" => {}
            other => {
                eprintln!("peers: unknown argument {other:?}");
                eprintln!(
                    "usage: peers [--rounds N] [--quick] [--only W1,W3] [--out FILE] [--batch-ms MS] \
                     [--cpu N | --no-pin]"
                );
                std::process::exit(2);
            }
        }
    }
    if o.quick {
        o.rounds = o.rounds.min(3);
        o.batch_time = Duration::from_millis(2);
    }
    o
}

fn wanted(o: &Options, id: &str) -> bool {
    o.only
        .as_ref()
        .is_none_or(|list| list.iter().any(|w| w == id))
}

fn owned(fd: RawFd) -> OwnedFd {
    assert!(fd >= 0, "{}", std::io::Error::last_os_error());
    // SAFETY: a descriptor a call just returned, owned by no one else.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

fn sockaddr_in(a: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: a.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*a.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

fn v4(a: SocketAddr) -> SocketAddrV4 {
    match a {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(_) => unreachable!("loopback v4 only"),
    }
}

fn loopback_listener() -> (TcpListener, SocketAddrV4) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = v4(l.local_addr().expect("local_addr"));
    (l, a)
}

/// A connected loopback TCP pair, both ends `TCP_NODELAY`.
fn tcp_pair() -> (TcpStream, TcpStream) {
    let (l, a) = loopback_listener();
    let c = TcpStream::connect(a).expect("connect");
    let (s, _) = l.accept().expect("accept");
    c.set_nodelay(true).expect("nodelay");
    s.set_nodelay(true).expect("nodelay");
    (c, s)
}

fn uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: `MaybeUninit<u8>` has `u8`'s layout, and the callee only writes
    // initialized bytes into an already-initialized buffer.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

// ---------------------------------------------------------------------------------
// W1: socketpair, 1-byte send + recv.

fn w1(imp: Imp) -> Option<Batch> {
    let (a, b) = sa::socketpair(sa::AF_UNIX, sa::SOCK_STREAM | sa::SOCK_CLOEXEC, 0).ok()?;
    let (a, b): (OwnedFd, OwnedFd) = (a.into(), b.into());
    let out = [b'x'];
    let mut inb = [0u8; 1];
    Some(match imp {
        Imp::Sockapi => Box::new(move |n| {
            for _ in 0..n {
                assert_eq!(sa::send(&a, black_box(&out), 0), Ok(1));
                assert_eq!(sa::recv(&b, black_box(&mut inb), 0), Ok(1));
            }
        }),
        Imp::Libc => Box::new(move |n| {
            for _ in 0..n {
                // SAFETY: `out` is readable for 1 byte.
                let r = unsafe { libc::send(a.as_raw_fd(), black_box(&out).as_ptr().cast(), 1, 0) };
                assert_eq!(r, 1);
                // SAFETY: `inb` is writable for 1 byte.
                let r = unsafe {
                    libc::recv(b.as_raw_fd(), black_box(&mut inb).as_mut_ptr().cast(), 1, 0)
                };
                assert_eq!(r, 1);
            }
        }),
        Imp::Socket2 => {
            let (a, b) = (socket2::Socket::from(a), socket2::Socket::from(b));
            Box::new(move |n| {
                for _ in 0..n {
                    assert_eq!(a.send(black_box(&out)).ok(), Some(1));
                    assert_eq!(b.recv(uninit(black_box(&mut inb))).ok(), Some(1));
                }
            })
        }
        Imp::Nix => Box::new(move |n| {
            use nix::sys::socket::{recv, send, MsgFlags};
            for _ in 0..n {
                assert_eq!(
                    send(a.as_raw_fd(), black_box(&out), MsgFlags::empty()),
                    Ok(1)
                );
                assert_eq!(
                    recv(b.as_raw_fd(), black_box(&mut inb), MsgFlags::empty()),
                    Ok(1)
                );
            }
        }),
        Imp::Rustix => Box::new(move |n| {
            use rustix::net::{recv, send, RecvFlags, SendFlags};
            for _ in 0..n {
                assert_eq!(send(&a, black_box(&out), SendFlags::empty()).ok(), Some(1));
                let r = recv(&b, black_box(&mut inb[..]), RecvFlags::empty());
                assert_eq!(r.ok().map(|(n, _)| n), Some(1));
            }
        }),
        // std's Write and Read for a UnixStream are send(MSG_NOSIGNAL) and recv.
        Imp::Std => {
            let (a, b) = (UnixStream::from(a), UnixStream::from(b));
            Box::new(move |n| {
                for _ in 0..n {
                    assert_eq!((&a).write(black_box(&out)).ok(), Some(1));
                    assert_eq!((&b).read(black_box(&mut inb)).ok(), Some(1));
                }
            })
        }
    })
}

// ---------------------------------------------------------------------------------
// W2: UDP, 64-byte sendto + recvfrom to self.

fn w2(imp: Imp) -> Option<Batch> {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let me = v4(sock.local_addr().expect("local_addr"));
    let out = [7u8; 64];
    let mut inb = [0u8; 64];
    Some(match imp {
        Imp::Sockapi => {
            let fd = sa::Socket::from(sock);
            let to = sa::SockAddr::from(me);
            Box::new(move |n| {
                for _ in 0..n {
                    assert_eq!(sa::sendto(&fd, black_box(&out), 0, &to), Ok(64));
                    let (got, from) = sa::recvfrom(&fd, black_box(&mut inb), 0).expect("recvfrom");
                    assert_eq!(got, 64);
                    black_box(from);
                }
            })
        }
        Imp::Libc => {
            let to = sockaddr_in(me);
            Box::new(move |n| {
                let fd = sock.as_raw_fd();
                for _ in 0..n {
                    // SAFETY: `out` is readable for 64 bytes and `to` is a sockaddr_in of
                    // the length passed.
                    let r = unsafe {
                        libc::sendto(
                            fd,
                            black_box(&out).as_ptr().cast(),
                            64,
                            0,
                            (&to as *const libc::sockaddr_in).cast(),
                            mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                        )
                    };
                    assert_eq!(r, 64);
                    // SAFETY: zeroes are a valid sockaddr_storage.
                    let mut from: libc::sockaddr_storage = unsafe { mem::zeroed() };
                    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
                    // SAFETY: `inb` is writable for 64 bytes, `from` for `len` bytes.
                    let r = unsafe {
                        libc::recvfrom(
                            fd,
                            black_box(&mut inb).as_mut_ptr().cast(),
                            64,
                            0,
                            (&mut from as *mut libc::sockaddr_storage).cast(),
                            &mut len,
                        )
                    };
                    assert_eq!(r, 64);
                    black_box((from, len));
                }
            })
        }
        Imp::Socket2 => {
            let s = socket2::Socket::from(sock);
            let to = socket2::SockAddr::from(me);
            Box::new(move |n| {
                for _ in 0..n {
                    assert_eq!(s.send_to(black_box(&out), &to).ok(), Some(64));
                    let (got, from) = s.recv_from(uninit(black_box(&mut inb))).expect("recv_from");
                    assert_eq!(got, 64);
                    black_box(from);
                }
            })
        }
        Imp::Nix => {
            use nix::sys::socket::{recvfrom, sendto, MsgFlags, SockaddrIn};
            let to = SockaddrIn::from(me);
            Box::new(move |n| {
                let fd = sock.as_raw_fd();
                for _ in 0..n {
                    assert_eq!(sendto(fd, black_box(&out), &to, MsgFlags::empty()), Ok(64));
                    let (got, from) =
                        recvfrom::<SockaddrIn>(fd, black_box(&mut inb)).expect("recvfrom");
                    assert_eq!(got, 64);
                    black_box(from);
                }
            })
        }
        Imp::Rustix => Box::new(move |n| {
            use rustix::net::{recvfrom, sendto, RecvFlags, SendFlags};
            for _ in 0..n {
                assert_eq!(
                    sendto(&sock, black_box(&out), SendFlags::empty(), &me).ok(),
                    Some(64)
                );
                let (got, _, from) =
                    recvfrom(&sock, black_box(&mut inb[..]), RecvFlags::empty()).expect("recvfrom");
                assert_eq!(got, 64);
                black_box(from);
            }
        }),
        Imp::Std => Box::new(move |n| {
            for _ in 0..n {
                assert_eq!(sock.send_to(black_box(&out), me).ok(), Some(64));
                let (got, from) = sock.recv_from(black_box(&mut inb)).expect("recv_from");
                assert_eq!(got, 64);
                black_box(from);
            }
        }),
    })
}

// ---------------------------------------------------------------------------------
// W3: TCP 64-byte ping-pong. The peer is a thread of its own that echoes with plain
// libc (recv, then send back what came), the same for every implementation, so a
// round trip differs between implementations by the client's send and recv alone.

fn echo_thread(s: TcpStream) {
    std::thread::spawn(move || {
        let fd = s.as_raw_fd();
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: `buf` is writable for its length.
            let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n <= 0 {
                return;
            }
            let mut off = 0;
            while off < n as usize {
                // SAFETY: `buf[off..n]` is readable.
                let w = unsafe {
                    libc::send(
                        fd,
                        buf[off..].as_ptr().cast(),
                        n as usize - off,
                        libc::MSG_NOSIGNAL,
                    )
                };
                if w <= 0 {
                    return;
                }
                off += w as usize;
            }
        }
    });
}

/// One connection and one echo thread for all the implementations, so that they are
/// compared on the same connection.
fn echoed() -> Rc<TcpStream> {
    let (c, s) = tcp_pair();
    echo_thread(s);
    Rc::new(c)
}

fn w3(imp: Imp, c: &Rc<TcpStream>) -> Option<Batch> {
    let c = Rc::clone(c);
    let out = [3u8; 64];
    let mut inb = [0u8; 64];
    // Each implementation's recv, until the 64 bytes are back (loopback returns them
    // in one piece; the loop is for correctness).
    macro_rules! round_trip {
        ($n:expr, $send:expr, $recv:expr) => {
            for _ in 0..$n {
                assert_eq!($send, 64);
                let mut got = 0;
                while got < 64 {
                    let r = $recv(got);
                    assert!(r > 0, "echo closed");
                    got += r;
                }
            }
        };
    }
    Some(match imp {
        Imp::Sockapi => Box::new(move |n| {
            round_trip!(
                n,
                sa::send(&*c, black_box(&out), 0).unwrap(),
                |got: usize| { sa::recv(&*c, black_box(&mut inb[got..]), 0).unwrap() }
            )
        }),
        Imp::Libc => Box::new(move |n| {
            let fd = c.as_raw_fd();
            round_trip!(
                n,
                // SAFETY: `out` is readable for 64 bytes.
                unsafe { libc::send(fd, black_box(&out).as_ptr().cast(), 64, 0) } as usize,
                |got: usize| {
                    // SAFETY: `inb[got..]` is writable.
                    let r = unsafe {
                        libc::recv(
                            fd,
                            black_box(&mut inb[got..]).as_mut_ptr().cast(),
                            64 - got,
                            0,
                        )
                    };
                    r.max(0) as usize
                }
            )
        }),
        Imp::Socket2 => Box::new(move |n| {
            let c = socket2::SockRef::from(&*c);
            round_trip!(n, c.send(black_box(&out)).unwrap(), |got: usize| {
                c.recv(uninit(black_box(&mut inb[got..]))).unwrap()
            })
        }),
        Imp::Nix => Box::new(move |n| {
            use nix::sys::socket::{recv, send, MsgFlags};
            let fd = c.as_raw_fd();
            round_trip!(
                n,
                send(fd, black_box(&out), MsgFlags::empty()).unwrap(),
                |got: usize| recv(fd, black_box(&mut inb[got..]), MsgFlags::empty()).unwrap()
            )
        }),
        Imp::Rustix => Box::new(move |n| {
            use rustix::net::{recv, send, RecvFlags, SendFlags};
            round_trip!(
                n,
                send(&*c, black_box(&out), SendFlags::empty()).unwrap(),
                |got: usize| recv(&*c, black_box(&mut inb[got..]), RecvFlags::empty())
                    .unwrap()
                    .0
            )
        }),
        Imp::Std => Box::new(move |n| {
            round_trip!(n, (&*c).write(black_box(&out)).unwrap(), |got: usize| {
                (&*c).read(black_box(&mut inb[got..])).unwrap()
            })
        }),
    })
}

// ---------------------------------------------------------------------------------
// W4: connect + accept + close on loopback. The client sets SO_LINGER {1, 0} before it
// closes first: its close sends a RST and leaves no TIME_WAIT behind, so a long run
// cannot exhaust the ephemeral ports (tens of thousands of connections per run). Every
// implementation makes the same six calls: socket, connect, accept, setsockopt,
// close (client), close (server side).

fn w4(imp: Imp) -> Option<Batch> {
    let (l, addr) = loopback_listener();
    let zero = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    Some(match imp {
        Imp::Sockapi => {
            let l = sa::Socket::from(l);
            let to = sa::SockAddr::from(addr);
            Box::new(move |n| {
                for _ in 0..n {
                    let c = sa::socket(sa::AF_INET, sa::SOCK_STREAM, 0).unwrap();
                    sa::connect(&c, &to).unwrap();
                    let (s, peer) = sa::accept(&l).unwrap();
                    black_box(peer);
                    sa::setsockopt(&c, sa::SOL_SOCKET, sa::SO_LINGER, &zero).unwrap();
                    sa::close(c).unwrap();
                    sa::close(s).unwrap();
                }
            })
        }
        Imp::Libc => {
            let to = sockaddr_in(addr);
            Box::new(move |n| {
                let lfd = l.as_raw_fd();
                for _ in 0..n {
                    // SAFETY: plain integer arguments.
                    let c = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
                    assert!(c >= 0);
                    // SAFETY: `to` is a sockaddr_in of the length passed.
                    let r = unsafe {
                        libc::connect(
                            c,
                            (&to as *const libc::sockaddr_in).cast(),
                            mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                        )
                    };
                    assert_eq!(r, 0);
                    // SAFETY: zeroes are a valid sockaddr_storage.
                    let mut peer: libc::sockaddr_storage = unsafe { mem::zeroed() };
                    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
                    // SAFETY: `peer` is writable for `len` bytes.
                    let s = unsafe {
                        libc::accept(
                            lfd,
                            (&mut peer as *mut libc::sockaddr_storage).cast(),
                            &mut len,
                        )
                    };
                    assert!(s >= 0);
                    black_box((peer, len));
                    // SAFETY: `zero` is a linger of the length passed.
                    let r = unsafe {
                        libc::setsockopt(
                            c,
                            libc::SOL_SOCKET,
                            libc::SO_LINGER,
                            (&zero as *const libc::linger).cast(),
                            mem::size_of::<libc::linger>() as libc::socklen_t,
                        )
                    };
                    assert_eq!(r, 0);
                    // SAFETY: `c` and `s` are ours, closed once.
                    assert_eq!(unsafe { libc::close(c) }, 0);
                    // SAFETY: as above.
                    assert_eq!(unsafe { libc::close(s) }, 0);
                }
            })
        }
        Imp::Socket2 => {
            use socket2::{Domain, Socket, Type};
            let l = Socket::from(l);
            let to = socket2::SockAddr::from(addr);
            Box::new(move |n| {
                for _ in 0..n {
                    let c = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
                    c.connect(&to).unwrap();
                    let (s, peer) = l.accept().unwrap();
                    black_box(peer);
                    c.set_linger(Some(Duration::ZERO)).unwrap();
                    drop(c);
                    drop(s);
                }
            })
        }
        Imp::Nix => {
            use nix::sys::socket::{
                accept, connect, setsockopt, socket, sockopt, AddressFamily, SockFlag, SockType,
                SockaddrIn,
            };
            let to = SockaddrIn::from(addr);
            Box::new(move |n| {
                for _ in 0..n {
                    let c = socket(
                        AddressFamily::Inet,
                        SockType::Stream,
                        SockFlag::empty(),
                        None,
                    )
                    .unwrap();
                    connect(c.as_raw_fd(), &to).unwrap();
                    let s = owned(accept(l.as_raw_fd()).unwrap());
                    setsockopt(&c, sockopt::Linger, &zero).unwrap();
                    drop(c);
                    drop(s);
                }
            })
        }
        Imp::Rustix => Box::new(move |n| {
            use rustix::net::{acceptfrom, connect, socket, sockopt, AddressFamily, SocketType};
            for _ in 0..n {
                let c = socket(AddressFamily::INET, SocketType::STREAM, None).unwrap();
                connect(&c, &addr).unwrap();
                let (s, peer) = acceptfrom(&l).unwrap();
                black_box(peer);
                sockopt::set_socket_linger(&c, Some(Duration::ZERO)).unwrap();
                drop(c);
                drop(s);
            }
        }),
        // std's connect is socket + connect; SO_LINGER has no stable std setter, so it
        // is libc's setsockopt on the stream's fd.
        Imp::Std => Box::new(move |n| {
            for _ in 0..n {
                let c = TcpStream::connect(addr).unwrap();
                let (s, peer) = l.accept().unwrap();
                black_box(peer);
                // SAFETY: `zero` is a linger of the length passed.
                let r = unsafe {
                    libc::setsockopt(
                        c.as_raw_fd(),
                        libc::SOL_SOCKET,
                        libc::SO_LINGER,
                        (&zero as *const libc::linger).cast(),
                        mem::size_of::<libc::linger>() as libc::socklen_t,
                    )
                };
                assert_eq!(r, 0);
                drop(c);
                drop(s);
            }
        }),
    })
}

// ---------------------------------------------------------------------------------
// W5: bulk TCP, 64 KiB per send. The receiving end is a thread that drains with plain
// libc recv into a 1 MiB buffer, the same for every implementation; the measured side
// is the sender's send, one call per 64 KiB (a blocking TCP send returns when all of
// it is queued).

const BULK: usize = 64 * 1024;

fn drain_thread(s: TcpStream) {
    std::thread::spawn(move || {
        let fd = s.as_raw_fd();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            // SAFETY: `buf` is writable for its length.
            let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n <= 0 {
                return;
            }
        }
    });
}

/// One connection and one drain thread for all the implementations.
fn drained() -> Rc<TcpStream> {
    let (c, s) = tcp_pair();
    drain_thread(s);
    Rc::new(c)
}

fn w5(imp: Imp, c: &Rc<TcpStream>) -> Option<Batch> {
    let c = Rc::clone(c);
    let out = vec![5u8; BULK];
    Some(match imp {
        Imp::Sockapi => Box::new(move |n| {
            for _ in 0..n {
                assert_eq!(sa::send(&*c, black_box(&out[..]), 0), Ok(BULK));
            }
        }),
        Imp::Libc => Box::new(move |n| {
            for _ in 0..n {
                // SAFETY: `out` is readable for BULK bytes.
                let r =
                    unsafe { libc::send(c.as_raw_fd(), black_box(&out).as_ptr().cast(), BULK, 0) };
                assert_eq!(r, BULK as isize);
            }
        }),
        Imp::Socket2 => Box::new(move |n| {
            let c = socket2::SockRef::from(&*c);
            for _ in 0..n {
                assert_eq!(c.send(black_box(&out[..])).ok(), Some(BULK));
            }
        }),
        Imp::Nix => Box::new(move |n| {
            use nix::sys::socket::{send, MsgFlags};
            for _ in 0..n {
                assert_eq!(
                    send(c.as_raw_fd(), black_box(&out[..]), MsgFlags::empty()),
                    Ok(BULK)
                );
            }
        }),
        Imp::Rustix => Box::new(move |n| {
            use rustix::net::{send, SendFlags};
            for _ in 0..n {
                assert_eq!(
                    send(&*c, black_box(&out[..]), SendFlags::empty()).ok(),
                    Some(BULK)
                );
            }
        }),
        Imp::Std => Box::new(move |n| {
            for _ in 0..n {
                assert_eq!((&*c).write(black_box(&out[..])).ok(), Some(BULK));
            }
        }),
    })
}

// ---------------------------------------------------------------------------------
// W6: names. getaddrinfo of a numeric host and service, of "localhost" (from
// /etc/hosts), and getservbyname("http", "tcp"). nix, rustix and socket2 have no
// resolver; std's ToSocketAddrs is the nearest thing, marked as such.

#[derive(Clone, Copy)]
enum Name {
    Numeric,
    Localhost,
}

fn libc_gai(node: &CStr, service: &CStr, flags: libc::c_int) -> usize {
    // SAFETY: zeroes are a valid addrinfo for hints.
    let mut hints: libc::addrinfo = unsafe { mem::zeroed() };
    hints.ai_flags = flags;
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut res = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings, valid hints, and `res` writable.
    let r = unsafe { libc::getaddrinfo(node.as_ptr(), service.as_ptr(), &hints, &mut res) };
    assert_eq!(r, 0);
    let mut n = 0;
    let mut p = res;
    while !p.is_null() {
        n += 1;
        // SAFETY: `p` is an entry of the list getaddrinfo returned.
        p = unsafe { (*p).ai_next };
    }
    // SAFETY: the list getaddrinfo returned, freed once.
    unsafe { libc::freeaddrinfo(res) };
    n
}

fn w6(imp: Imp, name: Name) -> Option<Batch> {
    let (node, cnode, flags) = match name {
        Name::Numeric => (
            "127.0.0.1",
            c"127.0.0.1",
            libc::AI_NUMERICHOST | libc::AI_NUMERICSERV,
        ),
        Name::Localhost => ("localhost", c"localhost", libc::AI_NUMERICSERV),
    };
    match imp {
        Imp::Sockapi => {
            let mut hints = sa::AddrInfoHints::default();
            hints.ai_flags = sa::AiFlags::from_raw(flags);
            hints.ai_family = sa::AF_UNSPEC;
            hints.ai_socktype = sa::SOCK_STREAM;
            Some(Box::new(move |n| {
                for _ in 0..n {
                    let list = sa::getaddrinfo(Some(black_box(node)), Some("80"), Some(&hints))
                        .expect("getaddrinfo");
                    assert!(list.iter().count() > 0);
                }
            }))
        }
        Imp::Libc => Some(Box::new(move |n| {
            for _ in 0..n {
                assert!(libc_gai(black_box(cnode), c"80", flags) > 0);
            }
        })),
        // ("127.0.0.1", 80) is parsed in Rust, no getaddrinfo; ("localhost", 80) is
        // getaddrinfo("localhost", NULL, {SOCK_STREAM}) and the port set afterwards.
        Imp::Std => Some(Box::new(move |n| {
            for _ in 0..n {
                let it = (black_box(node), 80u16)
                    .to_socket_addrs()
                    .expect("to_socket_addrs");
                assert!(it.count() > 0);
            }
        })),
        _ => None,
    }
}

fn w6_serv(imp: Imp) -> Option<Batch> {
    match imp {
        Imp::Sockapi => Some(Box::new(move |n| {
            for _ in 0..n {
                let s = sa::getservbyname(black_box("http"), "tcp")
                    .unwrap()
                    .expect("http");
                assert_eq!(s.port(), 80);
            }
        })),
        // What sockapi's call is made of: the reentrant call with a stack buffer.
        Imp::Libc => Some(Box::new(move |n| {
            for _ in 0..n {
                // SAFETY: zeroes are a valid servent to be filled.
                let mut ent: libc::servent = unsafe { mem::zeroed() };
                let mut buf = [0 as libc::c_char; 1024];
                let mut res = std::ptr::null_mut();
                // SAFETY: NUL-terminated names, `ent`, `buf` and `res` writable for the
                // sizes passed.
                let r = unsafe {
                    sa::sys::getservbyname_r(
                        black_box(c"http").as_ptr(),
                        c"tcp".as_ptr(),
                        &mut ent,
                        buf.as_mut_ptr(),
                        buf.len(),
                        &mut res,
                    )
                };
                assert_eq!(r, 0);
                assert!(!res.is_null());
                assert_eq!(u16::from_be(ent.s_port as u16), 80);
            }
        })),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// W7–W9: select, poll, epoll_wait over N descriptors, one of them readable, timeout 0.
// The descriptors are both ends of socketpairs made before anything else (so that all
// of them are below FD_SETSIZE); the readable one is the first, and stays readable
// (nothing reads it). Each call copies the prepared set first (select writes it), as C
// code keeps a master set and copies it; poll and epoll reuse their arrays.

const SIZES: [usize; 3] = [1, 64, 1000];

fn w7(imp: Imp, fds: &Rc<Fds>, n_fds: usize) -> Option<Batch> {
    let fds = Rc::clone(fds);
    let nfds = fds
        .watched(n_fds)
        .iter()
        .map(|f| f.as_raw_fd())
        .max()
        .unwrap()
        + 1;
    assert!(
        nfds as usize <= libc::FD_SETSIZE,
        "select's descriptors below FD_SETSIZE"
    );
    match imp {
        Imp::Sockapi => {
            let mut master = sa::FdSet::new();
            for f in fds.watched(n_fds) {
                master.insert(f).unwrap();
            }
            Some(Box::new(move |n| {
                for _ in 0..n {
                    let mut set = master;
                    let mut tv = sa::timeval {
                        tv_sec: 0,
                        tv_usec: 0,
                    };
                    assert_eq!(
                        sa::select(nfds, Some(&mut set), None, None, Some(&mut tv)),
                        Ok(1)
                    );
                    black_box(&set);
                }
                let _ = &fds;
            }))
        }
        Imp::Libc => {
            // SAFETY: zeroes are an empty fd_set.
            let mut master: libc::fd_set = unsafe { mem::zeroed() };
            for f in fds.watched(n_fds) {
                // SAFETY: the fd is below FD_SETSIZE (checked above).
                unsafe { libc::FD_SET(f.as_raw_fd(), &mut master) };
            }
            Some(Box::new(move |n| {
                for _ in 0..n {
                    let mut set = master;
                    let mut tv = libc::timeval {
                        tv_sec: 0,
                        tv_usec: 0,
                    };
                    // SAFETY: `set` and `tv` are valid and writable, nfds ≤ FD_SETSIZE.
                    let r = unsafe {
                        libc::select(
                            nfds,
                            &mut set,
                            std::ptr::null_mut(),
                            std::ptr::null_mut(),
                            &mut tv,
                        )
                    };
                    assert_eq!(r, 1);
                    black_box(&set);
                }
                let _ = &fds;
            }))
        }
        Imp::Nix => {
            use nix::sys::select::{select, FdSet};
            use nix::sys::time::{TimeVal, TimeValLike};
            // nix's FdSet borrows its descriptors: the batch owns an Rc of them, and
            // the set is rebuilt from borrowed fds of that Rc in the closure.
            Some(Box::new(move |n| {
                let mut master = FdSet::new();
                for f in fds.watched(n_fds) {
                    master.insert(f.as_fd());
                }
                for _ in 0..n {
                    let mut set = master;
                    let mut tv = TimeVal::zero();
                    assert_eq!(select(nfds, &mut set, None, None, &mut tv), Ok(1));
                    black_box(&set);
                }
            }))
        }
        Imp::Rustix => {
            use rustix::event::{
                fd_set_insert, fd_set_num_elements, select, FdSetElement, Timespec,
            };
            let len = fd_set_num_elements(fds.watched(n_fds).len(), nfds);
            let mut master = vec![FdSetElement::default(); len];
            for f in fds.watched(n_fds) {
                fd_set_insert(&mut master, f.as_raw_fd());
            }
            let mut set = master.clone();
            Some(Box::new(move |n| {
                let tv = Timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                };
                for _ in 0..n {
                    set.copy_from_slice(&master);
                    // SAFETY: every fd in the set is open (held by `fds`) and below nfds.
                    let r = unsafe { select(nfds, Some(&mut set), None, None, Some(&tv)) };
                    assert_eq!(r.ok(), Some(1));
                    black_box(&set);
                }
                let _ = &fds;
            }))
        }
        Imp::Socket2 | Imp::Std => None,
    }
}

fn w8(imp: Imp, fds: &Rc<Fds>, n_fds: usize) -> Option<Batch> {
    let fds = Rc::clone(fds);
    match imp {
        Imp::Sockapi => {
            let mut pfds: Vec<sa::pollfd> = fds
                .watched(n_fds)
                .iter()
                .map(|f| sa::pollfd::new(f, sa::POLLIN))
                .collect();
            Some(Box::new(move |n| {
                for _ in 0..n {
                    assert_eq!(sa::poll(black_box(&mut pfds), 0), Ok(1));
                }
                let _ = &fds;
            }))
        }
        Imp::Libc => {
            let mut pfds: Vec<libc::pollfd> = fds
                .watched(n_fds)
                .iter()
                .map(|f| libc::pollfd {
                    fd: f.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            Some(Box::new(move |n| {
                for _ in 0..n {
                    let p = black_box(&mut pfds);
                    // SAFETY: `p` is a writable array of `p.len()` pollfds.
                    let r = unsafe { libc::poll(p.as_mut_ptr(), p.len() as libc::nfds_t, 0) };
                    assert_eq!(r, 1);
                }
                let _ = &fds;
            }))
        }
        Imp::Nix => {
            use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
            Some(Box::new(move |n| {
                let mut pfds: Vec<PollFd<'_>> = fds
                    .watched(n_fds)
                    .iter()
                    .map(|f| PollFd::new(f.as_fd(), PollFlags::POLLIN))
                    .collect();
                for _ in 0..n {
                    assert_eq!(poll(black_box(&mut pfds), PollTimeout::ZERO), Ok(1));
                }
            }))
        }
        Imp::Rustix => {
            use rustix::event::{poll, PollFd, PollFlags, Timespec};
            Some(Box::new(move |n| {
                let mut pfds: Vec<PollFd<'_>> = fds
                    .watched(n_fds)
                    .iter()
                    .map(|f| PollFd::new(f, PollFlags::IN))
                    .collect();
                let zero = Timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                };
                for _ in 0..n {
                    assert_eq!(poll(black_box(&mut pfds), Some(&zero)).ok(), Some(1));
                }
            }))
        }
        Imp::Socket2 | Imp::Std => None,
    }
}

/// One epoll instance per size, shared by the implementations (level-triggered and
/// never drained, it is in the same state for each).
fn epoll_of(fds: &Fds, n_fds: usize) -> Rc<OwnedFd> {
    let ep = sa::epoll_create1(sa::EPOLL_CLOEXEC).expect("epoll_create1");
    for (i, f) in fds.watched(n_fds).iter().enumerate() {
        let ev = sa::epoll_event::new(sa::EPOLLIN, i as u64);
        sa::epoll_ctl(&ep, sa::EPOLL_CTL_ADD, f, Some(&ev)).expect("EPOLL_CTL_ADD");
    }
    Rc::new(OwnedFd::from(ep))
}

fn w9(imp: Imp, fds: &Rc<Fds>, ep: &Rc<OwnedFd>) -> Option<Batch> {
    let fds = Rc::clone(fds);
    let ep = Rc::clone(ep);
    match imp {
        Imp::Sockapi => {
            let mut events = [sa::epoll_event::default(); 64];
            Some(Box::new(move |n| {
                for _ in 0..n {
                    assert_eq!(sa::epoll_wait(&*ep, black_box(&mut events), 0), Ok(1));
                }
                let _ = &fds;
            }))
        }
        Imp::Libc => {
            let mut events = [libc::epoll_event { events: 0, u64: 0 }; 64];
            Some(Box::new(move |n| {
                for _ in 0..n {
                    let e = black_box(&mut events);
                    // SAFETY: `e` is writable for 64 events.
                    let r = unsafe { libc::epoll_wait(ep.as_raw_fd(), e.as_mut_ptr(), 64, 0) };
                    assert_eq!(r, 1);
                }
                let _ = &fds;
            }))
        }
        Imp::Nix => {
            use nix::sys::epoll::{Epoll, EpollEvent, EpollTimeout};
            // nix's Epoll owns its fd: a dup of the shared instance (same epoll).
            let dup = ep.try_clone().expect("dup");
            let epoll = Epoll(dup);
            let mut events = [EpollEvent::empty(); 64];
            Some(Box::new(move |n| {
                for _ in 0..n {
                    assert_eq!(
                        epoll.wait(black_box(&mut events), EpollTimeout::ZERO),
                        Ok(1)
                    );
                }
                let _ = &fds;
            }))
        }
        Imp::Rustix => {
            use rustix::buffer::spare_capacity;
            use rustix::event::{epoll, Timespec};
            let mut events: Vec<epoll::Event> = Vec::with_capacity(64);
            let zero = Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            Some(Box::new(move |n| {
                for _ in 0..n {
                    events.clear();
                    let got =
                        epoll::wait(&*ep, spare_capacity(black_box(&mut events)), Some(&zero));
                    assert_eq!(got.ok(), Some(1));
                }
                let _ = &fds;
            }))
        }
        Imp::Socket2 | Imp::Std => None,
    }
}

// ---------------------------------------------------------------------------------
// The run.

fn workload(
    name: &str,
    std_note: Option<(&'static str, bool)>,
    mut make: impl FnMut(Imp) -> Option<Batch>,
) -> Workload {
    Workload {
        name: name.to_string(),
        std_note,
        batches: IMPS.iter().map(|&i| make(i)).collect(),
        settle: None,
        ops: 1,
        ns: vec![Vec::new(); IMPS.len()],
    }
}

fn time_batch(b: &mut Batch, ops: u64) -> f64 {
    let t0 = Instant::now();
    b(ops);
    t0.elapsed().as_nanos() as f64 / ops as f64
}

/// The number of operations that makes libc's batch last about `target`.
fn calibrate(w: &mut Workload, target: Duration) {
    let libc = IMPS.iter().position(|&i| i == Imp::Libc).unwrap();
    let b = w.batches[libc].as_mut().expect("every workload has libc");
    let mut ops = 1u64;
    loop {
        let t0 = Instant::now();
        b(ops);
        let el = t0.elapsed();
        if let Some(settle) = w.settle.as_mut() {
            settle();
        }
        if el >= target / 4 || ops >= 1 << 30 {
            let per = el.as_nanos().max(1) as f64 / ops as f64;
            w.ops = ((target.as_nanos() as f64 / per) as u64).max(1);
            return;
        }
        ops *= 4;
    }
}

fn fmt_ns(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn report(ws: &[Workload], o: &Options, elapsed: Duration) -> String {
    let libc = IMPS.iter().position(|&i| i == Imp::Libc).unwrap();
    let sockapi = IMPS.iter().position(|&i| i == Imp::Sockapi).unwrap();
    let mut s = String::new();
    s.push_str(&format!(
        "{} rounds (after 1 warm-up round, discarded), batches of about {} ms of libc's time, \
         order rotated each round and reversed every other, {}; {:.0} s in all.\n\n",
        o.rounds,
        o.batch_time.as_millis(),
        match o.cpu {
            Some(c) => format!("all threads on CPU {c}"),
            None => "threads unpinned".to_string(),
        },
        elapsed.as_secs_f64()
    ));
    s.push_str(
        "| workload | implementation | syscall from | median ns/op | IQR ns/op | ratio to libc | ratio IQR |\n\
         |---|---|---|---:|---:|---:|---:|\n",
    );
    let mut verdicts = Vec::new();
    for w in ws {
        let mut ratios: Vec<Option<(f64, f64, f64)>> = vec![None; IMPS.len()];
        for (k, &imp) in IMPS.iter().enumerate() {
            let name = match (imp, w.std_note) {
                (Imp::Std, Some((note, _))) => format!("std ({note})"),
                _ => imp.name().to_string(),
            };
            if w.batches[k].is_none() {
                s.push_str(&format!("| {} | {name} | | n/a | | | |\n", w.name));
                continue;
            }
            let (q1, med, q3) = quantiles(&w.ns[k]);
            let r: Vec<f64> = w.ns[k]
                .iter()
                .zip(&w.ns[libc])
                .map(|(a, b)| a / b)
                .collect();
            let (r1, rm, r3) = quantiles(&r);
            ratios[k] = Some((r1, rm, r3));
            s.push_str(&format!(
                "| {} | {name} | {} | {} | {}–{} | {:.3} | {:.3}–{:.3} |\n",
                w.name,
                imp.via(),
                fmt_ns(med),
                fmt_ns(q1),
                fmt_ns(q3),
                rm,
                r1,
                r3
            ));
        }
        // The goal: libc's cost (1.0) inside sockapi's interquartile range of ratios,
        // and sockapi's median at or below the upper quartile of every peer that goes
        // through the C library (a tie within the noise is a tie).
        let (s1, sm, s3) = ratios[sockapi].unwrap();
        let within = s1 - 0.005 <= 1.0 && 1.0 <= s3 + 0.005;
        let mut above = Vec::new();
        for (k, &imp) in IMPS.iter().enumerate() {
            if matches!(imp, Imp::Sockapi | Imp::Libc | Imp::Rustix) {
                continue;
            }
            if imp == Imp::Std && matches!(w.std_note, Some((_, false))) {
                continue; // not the same C call
            }
            if let Some((_, _, p3)) = ratios[k] {
                if sm > p3 {
                    above.push(imp.name());
                }
            }
        }
        verdicts.push(format!(
            "- {}: sockapi {:.3} ({:.3}–{:.3}) — {}{}",
            w.name,
            sm,
            s1,
            s3,
            if within {
                "1.0 within its IQR"
            } else {
                "1.0 OUTSIDE its IQR"
            },
            if above.is_empty() {
                ", at or below every C-library peer".to_string()
            } else {
                format!(", above the upper quartile of {}", above.join(", "))
            }
        ));
    }
    s.push_str("\nsockapi against the goal (ratio to libc, median and IQR):\n\n");
    for v in verdicts {
        s.push_str(&v);
        s.push('\n');
    }
    s
}

fn main() {
    let o = parse_args();
    raise_nofile();
    if let Some(cpu) = o.cpu {
        pin(cpu);
    }
    // The select/poll/epoll descriptors first, so that they get the lowest numbers.
    let want_wait = ["W7", "W8", "W9"].iter().any(|w| wanted(&o, w));
    let fds = want_wait.then(|| Rc::new(Fds::new(*SIZES.iter().max().unwrap())));

    let mut ws: Vec<Workload> = Vec::new();
    if wanted(&o, "W1") {
        ws.push(workload(
            "W1 socketpair send+recv 1 B",
            Some(("Write/Read: send with MSG_NOSIGNAL, recv", true)),
            w1,
        ));
    }
    if wanted(&o, "W2") {
        ws.push(workload("W2 UDP sendto+recvfrom 64 B", None, w2));
    }
    if wanted(&o, "W3") {
        let c = echoed();
        ws.push(workload(
            "W3 TCP ping-pong 64 B",
            Some(("Write/Read: send with MSG_NOSIGNAL, recv", true)),
            |i| w3(i, &c),
        ));
    }
    if wanted(&o, "W4") {
        ws.push(workload("W4 TCP connect+accept+close", None, w4));
    }
    if wanted(&o, "W5") {
        let c = drained();
        let mut w = workload("W5 TCP bulk send 64 KiB", None, |i| w5(i, &c));
        w.settle = Some(Box::new(move || wait_drained(&c)));
        ws.push(w);
    }
    if wanted(&o, "W6") {
        ws.push(workload(
            "W6 getaddrinfo numeric",
            Some(("ToSocketAddrs: parsed in Rust, no getaddrinfo", false)),
            |i| w6(i, Name::Numeric),
        ));
        ws.push(workload(
            "W6 getaddrinfo localhost",
            Some(("ToSocketAddrs: getaddrinfo without a service", false)),
            |i| w6(i, Name::Localhost),
        ));
        ws.push(workload("W6 getservbyname http/tcp", None, w6_serv));
    }
    if let Some(fds) = &fds {
        for &n in &SIZES {
            if wanted(&o, "W7") {
                ws.push(workload(&format!("W7 select {n} fds"), None, |i| {
                    w7(i, fds, n)
                }));
            }
            if wanted(&o, "W8") {
                ws.push(workload(&format!("W8 poll {n} fds"), None, |i| {
                    w8(i, fds, n)
                }));
            }
            if wanted(&o, "W9") {
                let ep = epoll_of(fds, n);
                ws.push(workload(&format!("W9 epoll_wait {n} fds"), None, |i| {
                    w9(i, fds, &ep)
                }));
            }
        }
    }
    if ws.is_empty() {
        eprintln!("peers: no workload selected");
        std::process::exit(2);
    }

    for w in &mut ws {
        calibrate(w, o.batch_time);
    }
    let start = Instant::now();
    // Round 0 is the warm-up.
    for round in 0..=o.rounds {
        for w in &mut ws {
            for j in 0..IMPS.len() {
                let j = if round % 2 == 1 {
                    IMPS.len() - 1 - j
                } else {
                    j
                };
                let k = (j + round) % IMPS.len();
                let ops = w.ops;
                if let Some(b) = w.batches[k].as_mut() {
                    let ns = time_batch(b, ops);
                    if round > 0 {
                        w.ns[k].push(ns);
                    }
                    if let Some(settle) = w.settle.as_mut() {
                        settle();
                    }
                }
            }
        }
        if !o.quick {
            eprint!("\rpeers: round {round}/{}", o.rounds);
        }
    }
    if !o.quick {
        eprintln!();
    }
    let table = report(&ws, &o, start.elapsed());
    print!("{table}");
    if let Some(path) = &o.out {
        std::fs::write(path, &table).expect("write --out");
    }
}
