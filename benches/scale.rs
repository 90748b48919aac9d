//! Scale: how each cost grows with its work, sockapi and raw `libc` side by side in
//! one run, as CSV for `benches/plot.py`.
//!
//! ```sh
//! cargo bench --bench scale -- --out target/scale.csv            # about a minute
//! cargo bench --bench scale -- --quick --out target/scale.csv    # a smoke run
//! python3 benches/plot.py target/scale.csv docs/performance      # the SVG plots
//! ```
//!
//! Curves (`curve` column of the CSV, `x` its abscissa):
//!
//! - `select`: `select` over `x` descriptors (1 to 1,000), one readable, timeout 0;
//! - `poll`: `poll` over `x` descriptors (1 to 10,000), one readable, timeout 0;
//! - `epoll_wait`: `epoll_wait` on an instance with `x` registered descriptors (1 to
//!   10,000), one readable, room for 64 events, timeout 0;
//! - `recvmmsg`: `recvmmsg` of `x` queued 64-byte UDP datagrams (1 to 128) in one call,
//!   per datagram (the datagrams are queued by libc's `sendmmsg` outside the timing);
//! - `bulk`: TCP `send` calls of `x` KiB (1 KiB to 1 MiB) on one `TCP_NODELAY`
//!   connection to a thread draining with libc's `recv`, per call (the plot turns it
//!   into MiB/s); at least 32 MiB per batch.
//!
//! Every point is measured in rounds; each round runs every point once through each
//! implementation, their order swapped from round to round; the first round is a
//! warm-up and is discarded. Each row has the median over rounds of ns per operation,
//! its quartiles, and the median and quartiles of the per-round ratio to libc.
//! All threads run on one CPU (as `benches/peers.rs` does; `--no-pin` to leave them
//! free).

use std::hint::black_box;
use std::io::IoSliceMut;
use std::mem;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::time::{Duration, Instant};

use sockapi as sa;

#[path = "common/mod.rs"]
mod common;
use common::{pin, quantiles, wait_drained, Fds};

const SELECT_X: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000];
const POLL_X: &[usize] = &[
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000, 5000, 10000,
];
const MMSG_X: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 128];
const BULK_KIB: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/// A batch of `ops` operations; returns the ns per operation it measured.
type Batch = Box<dyn FnMut(u64) -> f64>;

struct Point {
    curve: &'static str,
    x: usize,
    /// `[sockapi, libc]`.
    batches: [Batch; 2],
    ops: u64,
    /// At least this many operations per batch (bulk: 32 MiB, so that a batch spans
    /// many fillings and drainings of the socket buffers, not a few).
    min_ops: u64,
    /// Run after each batch, untimed (bulk: until the drain thread has read all that
    /// was sent, so that its copying does not slow the next batch).
    settle: Option<Rc<dyn Fn()>>,
    ns: [Vec<f64>; 2],
}

const NAMES: [&str; 2] = ["sockapi", "libc"];

fn timed(ops: u64, mut f: impl FnMut()) -> f64 {
    let t0 = Instant::now();
    for _ in 0..ops {
        f();
    }
    t0.elapsed().as_nanos() as f64 / ops as f64
}

fn raise_nofile() {
    let lim = common::raise_nofile();
    let need = (*POLL_X.last().unwrap() + 64) as libc::rlim_t;
    assert!(
        lim >= need,
        "RLIMIT_NOFILE's hard limit is {lim}: the poll curve needs {need}"
    );
}

fn select_point(fds: &Rc<Fds>, n: usize) -> [Batch; 2] {
    let watched = &fds.ends[..n];
    let nfds = watched.iter().map(|f| f.as_raw_fd()).max().unwrap() + 1;
    assert!(nfds as usize <= libc::FD_SETSIZE);
    let mut master = sa::FdSet::new();
    // SAFETY: zeroes are an empty fd_set.
    let mut cmaster: libc::fd_set = unsafe { mem::zeroed() };
    for f in watched {
        master.insert(f).unwrap();
        // SAFETY: the fd is below FD_SETSIZE (checked above).
        unsafe { libc::FD_SET(f.as_raw_fd(), &mut cmaster) };
    }
    let (k1, k2) = (Rc::clone(fds), Rc::clone(fds));
    [
        Box::new(move |ops| {
            let _ = &k1;
            timed(ops, || {
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
            })
        }),
        Box::new(move |ops| {
            let _ = &k2;
            timed(ops, || {
                let mut set = cmaster;
                let mut tv = libc::timeval {
                    tv_sec: 0,
                    tv_usec: 0,
                };
                // SAFETY: `set` and `tv` are writable, nfds ≤ FD_SETSIZE.
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
            })
        }),
    ]
}

fn poll_point(fds: &Rc<Fds>, n: usize) -> [Batch; 2] {
    let watched = &fds.ends[..n];
    let mut p: Vec<sa::pollfd> = watched
        .iter()
        .map(|f| sa::pollfd::new(f, sa::POLLIN))
        .collect();
    let mut c: Vec<libc::pollfd> = watched
        .iter()
        .map(|f| libc::pollfd {
            fd: f.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let (k1, k2) = (Rc::clone(fds), Rc::clone(fds));
    [
        Box::new(move |ops| {
            let _ = &k1;
            timed(ops, || assert_eq!(sa::poll(black_box(&mut p), 0), Ok(1)))
        }),
        Box::new(move |ops| {
            let _ = &k2;
            timed(ops, || {
                let c = black_box(&mut c);
                // SAFETY: `c` is a writable array of `c.len()` pollfds.
                let r = unsafe { libc::poll(c.as_mut_ptr(), c.len() as libc::nfds_t, 0) };
                assert_eq!(r, 1);
            })
        }),
    ]
}

fn epoll_point(fds: &Rc<Fds>, n: usize) -> [Batch; 2] {
    let ep = sa::epoll_create1(sa::EPOLL_CLOEXEC).expect("epoll_create1");
    for (i, f) in fds.ends[..n].iter().enumerate() {
        let ev = sa::epoll_event::new(sa::EPOLLIN, i as u64);
        sa::epoll_ctl(&ep, sa::EPOLL_CTL_ADD, f, Some(&ev)).expect("EPOLL_CTL_ADD");
    }
    let ep = Rc::new(ep);
    let ep2 = Rc::clone(&ep);
    let (k1, k2) = (Rc::clone(fds), Rc::clone(fds));
    let mut ev = [sa::epoll_event::default(); 64];
    let mut cev = [libc::epoll_event { events: 0, u64: 0 }; 64];
    [
        Box::new(move |ops| {
            let _ = &k1;
            timed(ops, || {
                assert_eq!(sa::epoll_wait(&*ep, black_box(&mut ev), 0), Ok(1))
            })
        }),
        Box::new(move |ops| {
            let _ = &k2;
            timed(ops, || {
                let e = black_box(&mut cev);
                // SAFETY: `e` is writable for 64 events.
                let r = unsafe { libc::epoll_wait(ep2.as_raw_fd(), e.as_mut_ptr(), 64, 0) };
                assert_eq!(r, 1);
            })
        }),
    ]
}

/// A receiver and a sender connected to it; `queue(k)` puts `k` 64-byte datagrams in
/// the receiver's queue with one libc sendmmsg.
struct Udp {
    rx: UdpSocket,
    tx: UdpSocket,
}

impl Udp {
    fn new() -> Rc<Udp> {
        let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        tx.connect(rx.local_addr().unwrap()).expect("connect");
        Rc::new(Udp { rx, tx })
    }

    fn queue(&self, k: usize) {
        let data = [9u8; 64];
        let mut iov: Vec<libc::iovec> = (0..k)
            .map(|_| libc::iovec {
                iov_base: data.as_ptr() as *mut _,
                iov_len: data.len(),
            })
            .collect();
        let mut msgs: Vec<libc::mmsghdr> = iov
            .iter_mut()
            .map(|v| {
                // SAFETY: zeroes are a valid mmsghdr (no name, no control).
                let mut m: libc::mmsghdr = unsafe { mem::zeroed() };
                m.msg_hdr.msg_iov = v;
                m.msg_hdr.msg_iovlen = 1;
                m
            })
            .collect();
        // SAFETY: `msgs` holds `k` headers over live iovecs over `data`.
        let r = unsafe { libc::sendmmsg(self.tx.as_raw_fd(), msgs.as_mut_ptr(), k as u32, 0) };
        assert_eq!(r, k as i32);
    }
}

fn sockapi_recvmmsg(u: &Udp, k: usize, ops: u64) -> f64 {
    let mut bufs = vec![[0u8; 64]; k];
    let mut iovs: Vec<[IoSliceMut<'_>; 1]> =
        bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
    let mut msgs: Vec<sa::MsgHdrMut<'_, '_>> = iovs
        .iter_mut()
        .map(|v| sa::MsgHdrMut::new(v, &mut []))
        .collect();
    let mut entries: Vec<sa::MMsgHdrMut<'_, '_, '_>> =
        msgs.iter_mut().map(sa::MMsgHdrMut::new).collect();
    let mut ns = 0u128;
    for _ in 0..ops {
        u.queue(k);
        let t0 = Instant::now();
        let got = sa::recvmmsg(&u.rx, black_box(&mut entries), sa::MSG_DONTWAIT, None);
        ns += t0.elapsed().as_nanos();
        assert_eq!(got, Ok(k));
    }
    ns as f64 / (ops as f64 * k as f64)
}

fn libc_recvmmsg(u: &Udp, k: usize, ops: u64) -> f64 {
    let mut bufs = vec![[0u8; 64]; k];
    let mut iovs: Vec<libc::iovec> = bufs
        .iter_mut()
        .map(|b| libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: b.len(),
        })
        .collect();
    let mut names: Vec<libc::sockaddr_storage> =
        // SAFETY: zeroes are a valid sockaddr_storage.
        (0..k).map(|_| unsafe { mem::zeroed() }).collect();
    let mut ns = 0u128;
    for _ in 0..ops {
        u.queue(k);
        // As C refills them before each call: the name lengths are in-out.
        let mut msgs: Vec<libc::mmsghdr> = iovs
            .iter_mut()
            .zip(names.iter_mut())
            .map(|(v, n)| {
                // SAFETY: zeroes are a valid mmsghdr.
                let mut m: libc::mmsghdr = unsafe { mem::zeroed() };
                m.msg_hdr.msg_name = (n as *mut libc::sockaddr_storage).cast();
                m.msg_hdr.msg_namelen = mem::size_of::<libc::sockaddr_storage>() as u32;
                m.msg_hdr.msg_iov = v;
                m.msg_hdr.msg_iovlen = 1;
                m
            })
            .collect();
        let t0 = Instant::now();
        // SAFETY: `msgs` holds `k` headers over live buffers and name storage.
        let got = unsafe {
            libc::recvmmsg(
                u.rx.as_raw_fd(),
                black_box(&mut msgs).as_mut_ptr(),
                k as u32,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        ns += t0.elapsed().as_nanos();
        assert_eq!(got, k as i32);
    }
    ns as f64 / (ops as f64 * k as f64)
}

fn mmsg_point(u: &Rc<Udp>, k: usize) -> [Batch; 2] {
    let (u1, u2) = (Rc::clone(u), Rc::clone(u));
    [
        Box::new(move |ops| sockapi_recvmmsg(&u1, k, ops)),
        Box::new(move |ops| libc_recvmmsg(&u2, k, ops)),
    ]
}

/// A connected TCP pair whose receiving end a thread drains with libc recv.
/// `TCP_NODELAY`, as in `peers`' W5: a call size that is not a multiple of the
/// segment size would otherwise meet Nagle's wait for an ACK, a timer artefact rather
/// than the call's cost.
fn bulk_conn() -> TcpStream {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let c = TcpStream::connect(l.local_addr().unwrap()).expect("connect");
    let (s, _) = l.accept().expect("accept");
    c.set_nodelay(true).expect("nodelay");
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 20];
        loop {
            // SAFETY: `buf` is writable for its length.
            let n = unsafe { libc::recv(s.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n <= 0 {
                return;
            }
        }
    });
    c
}

fn bulk_point(conn: &Rc<TcpStream>, kib: usize) -> [Batch; 2] {
    let len = kib * 1024;
    let (a, b) = (Rc::clone(conn), Rc::clone(conn));
    let data = Rc::new(vec![1u8; len]);
    let d2 = Rc::clone(&data);
    [
        Box::new(move |ops| {
            timed(ops, || {
                assert_eq!(sa::send(&*a, black_box(&data[..]), 0), Ok(len));
            })
        }),
        Box::new(move |ops| {
            timed(ops, || {
                // SAFETY: `d2` is readable for `len` bytes.
                let r = unsafe {
                    libc::send(b.as_raw_fd(), black_box(&d2[..]).as_ptr().cast(), len, 0)
                };
                assert_eq!(r, len as isize);
            })
        }),
    ]
}

fn calibrate(p: &mut Point, target: Duration) {
    let mut ops = 1u64;
    loop {
        let t0 = Instant::now();
        (p.batches[1])(ops);
        let el = t0.elapsed();
        if let Some(settle) = &p.settle {
            settle();
        }
        if el >= target / 4 || ops >= 1 << 26 {
            let per = el.as_nanos().max(1) as f64 / ops as f64;
            p.ops = ((target.as_nanos() as f64 / per) as u64).max(p.min_ops);
            return;
        }
        ops *= 4;
    }
}

fn main() {
    let mut rounds = 11usize;
    let mut target = Duration::from_millis(8);
    let mut out: Option<String> = None;
    let mut only: Option<Vec<String>> = None;
    // SAFETY: no arguments; the CPU this thread runs on, or -1.
    let mut cpu = usize::try_from(unsafe { libc::sched_getcpu() }).ok();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .expect("--rounds takes a positive number")
            }
            "--quick" => {
                rounds = 3;
                target = Duration::from_millis(1);
            }
            "--out" => out = Some(args.next().expect("--out takes a file name")),
            "--only" => {
                only = Some(
                    args.next()
                        .expect("--only takes curves: select,poll,epoll_wait,recvmmsg,bulk")
                        .split(',')
                        .map(str::to_string)
                        .collect(),
                )
            }
            "--cpu" => cpu = Some(args.next().and_then(|v| v.parse().ok()).expect("--cpu N")),
            "--no-pin" => cpu = None,
            "--bench" => {}
            other => {
                eprintln!("scale: unknown argument {other:?}");
                eprintln!(
                    "usage: scale [--rounds N] [--quick] [--out FILE.csv] \
                     [--only select,poll,epoll_wait,recvmmsg,bulk] [--cpu N | --no-pin]"
                );
                std::process::exit(2);
            }
        }
    }
    let want = |c: &str| only.as_ref().is_none_or(|l| l.iter().any(|w| w == c));
    raise_nofile();
    if let Some(c) = cpu {
        pin(c);
    }
    let fds = Rc::new(Fds::new(*POLL_X.last().unwrap()));
    let mut points: Vec<Point> = Vec::new();
    let mut add =
        |curve: &'static str, x: usize, batches: [Batch; 2], settle: Option<Rc<dyn Fn()>>| {
            let min_ops = match curve {
                "bulk" => (32 << 10) / x as u64, // x KiB per call
                _ => 1,
            };
            points.push(Point {
                curve,
                x,
                batches,
                ops: 1,
                min_ops,
                settle,
                ns: [Vec::new(), Vec::new()],
            })
        };
    if want("select") {
        for &n in SELECT_X {
            add("select", n, select_point(&fds, n), None);
        }
    }
    if want("poll") {
        for &n in POLL_X {
            add("poll", n, poll_point(&fds, n), None);
        }
    }
    if want("epoll_wait") {
        for &n in POLL_X {
            add("epoll_wait", n, epoll_point(&fds, n), None);
        }
    }
    if want("recvmmsg") {
        let udp = Udp::new();
        for &k in MMSG_X {
            add("recvmmsg", k, mmsg_point(&udp, k), None);
        }
    }
    if want("bulk") {
        let conn = Rc::new(bulk_conn());
        let c = Rc::clone(&conn);
        let settle: Rc<dyn Fn()> = Rc::new(move || wait_drained(&c));
        for &kib in BULK_KIB {
            add(
                "bulk",
                kib,
                bulk_point(&conn, kib),
                Some(Rc::clone(&settle)),
            );
        }
    }
    for p in &mut points {
        calibrate(p, target);
    }
    let start = Instant::now();
    for round in 0..=rounds {
        // The round's first point comes right after the last one's (1 MiB sends that
        // leave the caches full of other data): one untimed batch of each settles it.
        if let Some(p) = points.first_mut() {
            for b in &mut p.batches {
                b(p.ops);
            }
        }
        for p in &mut points {
            for j in 0..2 {
                let k = (j + round) % 2;
                let ns = (p.batches[k])(p.ops);
                if round > 0 {
                    p.ns[k].push(ns);
                }
                if let Some(settle) = &p.settle {
                    settle();
                }
            }
        }
        eprint!("\rscale: round {round}/{rounds}");
    }
    eprintln!(" ({:.0} s)", start.elapsed().as_secs_f64());
    let mut csv =
        String::from("curve,x,impl,median_ns,q1_ns,q3_ns,ratio_median,ratio_q1,ratio_q3,rounds\n");
    for p in &points {
        for (k, name) in NAMES.iter().enumerate() {
            let (q1, m, q3) = quantiles(&p.ns[k]);
            let r: Vec<f64> = p.ns[k].iter().zip(&p.ns[1]).map(|(a, b)| a / b).collect();
            let (r1, rm, r3) = quantiles(&r);
            csv.push_str(&format!(
                "{},{},{name},{m:.1},{q1:.1},{q3:.1},{rm:.4},{r1:.4},{r3:.4},{rounds}\n",
                p.curve, p.x
            ));
        }
    }
    match out {
        Some(path) => std::fs::write(&path, &csv).expect("write --out"),
        None => print!("{csv}"),
    }
}
