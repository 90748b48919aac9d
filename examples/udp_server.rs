//! The classic UDP echo server: `udp_server [host] [port] [--batch N]` (default
//! `localhost 12345`, one datagram a call).
//!
//! It looks the host up with `getaddrinfo` (`AI_PASSIVE`; a name in `/etc/hosts`, or
//! an IPv4 or IPv6 literal), binds the first address that takes it, prints `listening on <addr>` first (port 0 picks a free port, and the
//! line shows which), then loops: each datagram that arrives goes back to its sender,
//! byte for byte, up to the 65,507 bytes a UDP datagram over IPv4 can carry (65,527
//! over IPv6). A failed receive or send is reported on stderr and the loop goes on:
//! one bad datagram or one unreachable sender does not stop the service. The C it
//! ports:
//!
//! ```c
//! getaddrinfo(host, port, &hints, &res);          /* then, for each address: */
//! int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
//! bind(fd, ai->ai_addr, ai->ai_addrlen);
//! for (;;) {
//!     struct sockaddr_storage peer;
//!     socklen_t len = sizeof peer;
//!     ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
//!     sendto(fd, buf, n, 0, (struct sockaddr *)&peer, len);
//! }
//! ```
//!
//! `udp_server --batch N [host] [port]` (Linux; N from 1 to 1024, the kernel's
//! `UIO_MAXIOV`; the option may come anywhere among the arguments) serves the same
//! echo N datagrams a call: `recvmmsg` with `MSG_WAITFORONE` waits for the first
//! datagram, then takes what else is queued, up to N, and one `sendmmsg` answers them
//! all, each to its own sender. The output is the same; a failed send is reported for
//! its sender and the rest of the batch still goes. The C it ports:
//!
//! ```c
//! static char bufs[N][65536];
//! struct sockaddr_storage peers[N];
//! struct iovec iovs[N];
//! struct mmsghdr msgs[N];
//! for (int i = 0; i < N; i++) {
//!     msgs[i].msg_hdr = (struct msghdr){ .msg_name = &peers[i], .msg_iov = &iovs[i],
//!                                        .msg_iovlen = 1 };
//! }
//! for (;;) {
//!     for (int i = 0; i < N; i++) {
//!         iovs[i] = (struct iovec){ bufs[i], sizeof bufs[i] };
//!         msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
//!     }
//!     int n = recvmmsg(fd, msgs, N, MSG_WAITFORONE, NULL);
//!     for (int i = 0; i < n; i++)
//!         iovs[i].iov_len = msgs[i].msg_len;       /* send back what came */
//!     for (int sent = 0; sent < n; ) {
//!         int k = sendmmsg(fd, msgs + sent, n - sent, 0);
//!         sent += k < 0 ? 1 : k;      /* msgs[sent] failed: report it, skip it */
//!     }
//! }
//! ```
//!
//! C reuses its arrays from batch to batch. In Rust the receive entries borrow the
//! buffers mutably, and the send entries borrow them to read, so each batch makes its
//! entries anew (six vectors of N small headers, beside the syscalls' cost; the
//! buffers, allocated once, are reused), and the sender's addresses and lengths are
//! read from the receive entries into arrays that outlive them, as `peers[i]` and
//! `msg_len` do in C. On loopback, `--batch 32` serves about 1.1 times the datagrams
//! per second of the plain loop: the kernel's work per datagram dominates (see
//! `docs/performance/batch.md`).

use std::process::ExitCode;

use sockapi::*;

mod common;

/// Room for the largest UDP datagram (65,535 bytes less the 8-byte UDP header, and
/// less the 20-byte IPv4 header: 65,507; IPv6's 40-byte header sits outside its
/// payload length, so 65,527 there). One buffer (N with `--batch N`), reused for
/// every datagram.
const BUF_LEN: usize = 65_536;

const PROG: &str = "udp_server";

const USAGE: &str = "usage: udp_server [host] [port] [--batch N]  \
    (N: datagrams per recvmmsg and sendmmsg, 1 to 1024; Linux)";

/// The most datagrams one `recvmmsg` or `sendmmsg` takes (Linux's `UIO_MAXIOV`).
const MAX_BATCH: usize = 1024;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let Ok(batch) = take_batch(&mut args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if args.len() > 2 {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    match run(host, port, batch) {
        Ok(code) | Err(code) => code,
    }
}

/// Takes `--batch N` out of `args`: `None` without it, `Err` for a value that is not
/// a number from 1 to [`MAX_BATCH`], a missing value, or a second `--batch`.
fn take_batch(args: &mut Vec<String>) -> Result<Option<usize>, ()> {
    let Some(at) = args.iter().position(|a| a == "--batch") else {
        return Ok(None);
    };
    let n = args
        .get(at + 1)
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| (1..=MAX_BATCH).contains(n))
        .ok_or(())?;
    args.drain(at..at + 2);
    if args.iter().any(|a| a == "--batch") {
        return Err(());
    }
    Ok(Some(n))
}

fn run(host: &str, port: &str, batch: Option<usize>) -> Result<ExitCode, ExitCode> {
    common::check_port(PROG, port)?;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    if batch.is_some() {
        eprintln!("{PROG}: --batch needs recvmmsg and sendmmsg, which this OS lacks");
        return Err(ExitCode::from(2));
    }
    let res = common::lookup(PROG, host, port, SOCK_DGRAM, true)?;
    let (fd, _addr) = common::first_that_works(PROG, &res, |fd, addr| {
        bind(fd, addr).map_err(|e| ("bind", e))
    })?;
    drop(res);
    let served = match batch {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        Some(n) => batch::serve(fd, n),
        _ => serve(fd),
    };
    match served {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err((call, e)) => {
            eprintln!("{PROG}: {call}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// The failing call's name with its `Errno`.
type Failure = (&'static str, Errno);

fn serve(fd: Socket) -> Result<(), Failure> {
    let local = getsockname(&fd).map_err(|e| ("getsockname", e))?;
    println!("listening on {local}");

    let mut buf = [0u8; BUF_LEN];
    loop {
        let (n, peer) = match recvfrom(&fd, &mut buf, 0) {
            Ok(got) => got,
            // A signal came: wait again.
            Err(Errno::EINTR) => continue,
            // The socket is unusable: nothing more will arrive.
            Err(e @ (Errno::EBADF | Errno::ENOTSOCK | Errno::EINVAL)) => {
                return Err(("recvfrom", e))
            }
            Err(e) => {
                eprintln!("udp_server: recvfrom: {e}");
                continue;
            }
        };
        // One datagram in, the same datagram out; a failure concerns that sender only.
        if let Err(e) = sendto(&fd, &buf[..n], 0, &peer) {
            eprintln!("udp_server: {peer}: sendto: {e}");
        }
    }
}

/// `--batch N`: the same echo, `recvmmsg` and `sendmmsg` N datagrams at a time.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod batch {
    use std::io::{IoSlice, IoSliceMut};

    use sockapi::*;

    use super::{Failure, BUF_LEN};

    /// The kernel's `ERESTARTSYS`, which `recvmmsg` can report on the call after a
    /// signal interrupted its wait (see its documentation): a signal, as `EINTR`.
    const ERESTARTSYS: Errno = Errno::from_raw(512);

    pub fn serve(fd: Socket, n: usize) -> Result<(), Failure> {
        let local = getsockname(&fd).map_err(|e| ("getsockname", e))?;
        println!("listening on {local}");

        // N buffers of BUF_LEN bytes, one per datagram, in one allocation (the pages
        // of the zeroed allocation are only mapped once a datagram is written there).
        let mut bufs = vec![0u8; n * BUF_LEN];
        let mut lens = vec![0usize; n];
        let mut peers: Vec<Option<SockAddr>> = vec![None; n];
        loop {
            let got = match receive(&fd, &mut bufs, &mut lens, &mut peers) {
                Ok(got) => got,
                // A signal came: wait again.
                Err(Errno::EINTR | ERESTARTSYS) => continue,
                // The socket is unusable: nothing more will arrive.
                Err(e @ (Errno::EBADF | Errno::ENOTSOCK | Errno::EINVAL)) => {
                    return Err(("recvmmsg", e))
                }
                Err(e) => {
                    eprintln!("udp_server: recvmmsg: {e}");
                    continue;
                }
            };
            answer(&fd, &bufs, &lens[..got], &peers[..got]);
        }
    }

    /// One `recvmmsg` into `bufs` (`MSG_WAITFORONE`: at least one datagram, then what
    /// is queued): each datagram's length and sender into `lens` and `peers`, which
    /// outlive the entries; returns how many came.
    fn receive(
        fd: &Socket,
        bufs: &mut [u8],
        lens: &mut [usize],
        peers: &mut [Option<SockAddr>],
    ) -> Result<usize, Errno> {
        let mut iovs: Vec<[IoSliceMut<'_>; 1]> = bufs
            .chunks_mut(BUF_LEN)
            .map(|buf| [IoSliceMut::new(buf)])
            .collect();
        let mut hdrs: Vec<MsgHdrMut<'_, '_>> = iovs
            .iter_mut()
            .map(|iov| MsgHdrMut::new(iov, &mut []))
            .collect();
        let mut entries: Vec<MMsgHdrMut<'_, '_, '_>> =
            hdrs.iter_mut().map(MMsgHdrMut::new).collect();
        let got = recvmmsg(fd, &mut entries, MSG_WAITFORONE, None)?;
        for ((entry, len), peer) in entries[..got].iter().zip(lens).zip(peers) {
            *len = entry.len();
            *peer = entry.name();
        }
        Ok(got)
    }

    /// Sends datagram `i` (the first `lens[i]` bytes of buffer `i`) back to
    /// `peers[i]`, in as few `sendmmsg` calls as go: one, unless a datagram fails,
    /// which is reported for its sender and skipped, and the rest go on.
    fn answer(fd: &Socket, bufs: &[u8], lens: &[usize], peers: &[Option<SockAddr>]) {
        let iovs: Vec<[IoSlice<'_>; 1]> = bufs
            .chunks(BUF_LEN)
            .zip(lens)
            .map(|(buf, &len)| [IoSlice::new(&buf[..len])])
            .collect();
        let mut msgs: Vec<MMsgHdr<'_>> = iovs
            .iter()
            .zip(peers)
            .map(|(iov, peer)| MMsgHdr::new(MsgHdr::new(peer.as_ref(), iov, Control::NONE)))
            .collect();
        let mut sent = 0;
        while sent < msgs.len() {
            match sendmmsg(fd, &mut msgs[sent..], 0) {
                // Only an empty array sends nothing; `msgs[sent..]` is not one.
                Ok(0) => break,
                Ok(k) => sent += k,
                // The first datagram left failed, and concerns that sender only.
                Err(e) => {
                    match peers[sent] {
                        Some(peer) => eprintln!("udp_server: {peer}: sendmmsg: {e}"),
                        None => eprintln!("udp_server: sendmmsg: {e}"),
                    }
                    sent += 1;
                }
            }
        }
    }
}
