//! The kernel's connection table: which state a TCP connection is in, found by its
//! two ends ([`tcp_state_of`], [`tcp_state_in`]). *Beyond the C API — not C calls.*
//!
//! A socket reports its own state (`TCP_INFO`'s `tcpi_state`), but on Linux a
//! connection that enters `TIME_WAIT` leaves its socket: the kernel moves it into a
//! small timewait record, and the descriptor, if still open, reports `TCP_CLOSE`.
//! The record lives only in the kernel's connection table, which two interfaces
//! show ([`TcpTable`]): `NETLINK_SOCK_DIAG`, which `ss` reads, and the text files
//! `/proc/net/tcp` and `/proc/net/tcp6`. `ss -tan` is the command-line twin of the
//! calls here.
//!
//! No syscall made here goes through this crate's traced calls: each lookup prints
//! one trace line of its own.

use core::fmt;
use core::mem::{offset_of, size_of};
use std::io::BufRead as _;
use std::os::fd::AsFd as _;

use crate::addr::{SockAddr, ToSockAddr};
use crate::raw;
use crate::socket::{AF_INET, AF_INET6};
use crate::sys::{self, c_int};
use crate::tcp::TcpState;
use crate::trace::{self, trace};
use crate::{Errno, Result};

/// Which of the kernel's connection tables a lookup reads.
///
/// Both show the same table: the listening sockets and every connection (a
/// connection in `TIME_WAIT` too), of the network namespace of the thread that asks.
/// `Display` names them as a person would: `sock_diag`, `/proc/net/tcp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpTable {
    /// `NETLINK_SOCK_DIAG` (`<linux/sock_diag.h>`, `<linux/inet_diag.h>`), the
    /// kernel's binary interface to its socket tables, which `ss` reads: a request
    /// for the one connection (and a second, filtered dump when the first finds
    /// nothing), in a netlink socket of its own.
    #[doc(alias = "NETLINK_SOCK_DIAG")]
    #[doc(alias = "inet_diag")]
    SockDiag,
    /// `/proc/net/tcp` (IPv4) or `/proc/net/tcp6` (IPv6), the text the kernel
    /// writes of the same table, one line per socket, as `netstat` reads it. The file
    /// read is the calling thread's (`/proc/thread-self/net/…`; `/proc/net/…` on
    /// kernels before 3.17, which lack `thread-self`), so the namespace is the same
    /// as sock_diag's.
    #[doc(alias = "/proc/net/tcp")]
    #[doc(alias = "/proc/net/tcp6")]
    Proc,
}

impl fmt::Display for TcpTable {
    /// `sock_diag` or `/proc/net/tcp` (which stands for `/proc/net/tcp6` too).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TcpTable::SockDiag => "sock_diag",
            TcpTable::Proc => "/proc/net/tcp",
        })
    }
}

/// `tcp_state_of(local, peer)`—The TCP state of the connection from `local` to
/// `peer`, as the kernel's connection table shows it. *Beyond the C API — not a C
/// call.*
///
/// There is no C call for this. Where `getsockopt(fd, IPPROTO_TCP, TCP_INFO, …)`
/// reports a socket's own state, this finds the connection by its two ends, as
/// `ss -tan` shows it, which is the one way to see `TIME_WAIT` on Linux: a
/// connection that enters it leaves its socket for a timewait record in the table,
/// and the descriptor, while still open, reports `TCP_CLOSE`. It makes several
/// syscalls, none of them traced on its own; with the trace on it prints one line:
///
/// ```text
/// tcp_state_of({AF_INET, 127.0.0.1:40000}, {AF_INET, 127.0.0.1:5000}) = TIME_WAIT (sock_diag)
/// tcp_state_of({AF_INET, 127.0.0.1:40001}, {AF_INET, 127.0.0.1:5000}) = none (sock_diag)
/// tcp_state_of({AF_INET6, [::1]:40002}, {AF_INET6, [::1]:5000}) = ESTABLISHED (/proc/net/tcp6; sock_diag: EPROTONOSUPPORT)
/// tcp_state_of({AF_UNIX, "/tmp/s"}, {AF_UNIX, "/tmp/s"}) = -1 EAFNOSUPPORT (Address family not supported by protocol)
/// ```
///
/// It asks [`TcpTable::SockDiag`] and reads [`TcpTable::Proc`] only when sock_diag
/// is unavailable, which is exactly when
///
/// - `socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)` fails with
///   `EAFNOSUPPORT` (no netlink), `EPROTONOSUPPORT` (no sock_diag), `EPERM` or
///   `EACCES` (a sandbox: seccomp, an LSM);
/// - sending the request fails with `EPERM` or `EACCES` (an LSM refuses netlink
///   requests) or `ECONNREFUSED` (no kernel end);
/// - the kernel refuses the request, with `EINVAL` or `EOPNOTSUPP` (it does not
///   know it), `EPERM` or `EACCES`, or, to the dump that confirms a miss, `ENOENT`
///   (the kernel has no sock_diag handler for the family or for TCP: no `inet_diag`
///   or `tcp_diag`).
///
/// The trace line then names the file that answered and what sock_diag said. Every
/// other failure is the `Err`, as [`tcp_state_in`] returns it, without a second
/// try. Which table answered shows only in the trace: a program that needs to
/// know asks each with [`tcp_state_in`].
///
/// The value is `Ok(Some(state))` for a connection in the table (a listener reads
/// [`TCP_LISTEN`](crate::TCP_LISTEN), see below), and `Ok(None)` when the table
/// has no such connection: it never existed, or it is over (after `TIME_WAIT`, or,
/// for the end that closed second, once its last ACK is in).
///
/// ```
/// use sockapi::*;
/// use std::net::SocketAddr;
/// # fn main() -> sockapi::Result<()> {
/// let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// bind(&fd, &SocketAddr::from(([127, 0, 0, 1], 0)))?;
/// listen(&fd, 5)?;
/// let addr = getsockname(&fd)?;
/// let nobody = SocketAddr::from(([0, 0, 0, 0], 0)); // a listener's peer in the table
/// assert_eq!(tcp_state_of(&addr, &nobody)?, Some(TCP_LISTEN));
/// close(fd)?;
/// assert_eq!(tcp_state_of(&addr, &nobody)?, None);
/// # Ok(()) }
/// ```
///
/// # Which connection
///
/// `local` and `peer` are the two ends as seen from the socket whose connection it
/// is: what its `getsockname` and `getpeername` return. The other end of the same
/// connection is the same pair swapped. Both must be IPv4 or both IPv6; the match
/// is exact, on the address family, both addresses and both ports:
///
/// - A listener is in the table with its bound address and, as its peer, the
///   unspecified address and port 0: ask for `(getsockname(&listener)?,
///   0.0.0.0:0)` (`[::]:0` for IPv6). A listener bound to `0.0.0.0:5000` is found
///   as `0.0.0.0:5000`, not as `127.0.0.1:5000`.
/// - Otherwise port 0 and the unspecified address are not wildcards: they match
///   only a table entry that holds them.
/// - An `AF_INET6` socket that talks IPv4 (a dual-stack socket and a v4-mapped
///   address such as `::ffff:127.0.0.1`) is in the IPv6 table, under the mapped
///   addresses its `getsockname` and `getpeername` return: asked with the plain IPv4
///   addresses, the answer is `None` (and an `AF_INET` socket's connection is not
///   found under the mapped ones).
/// - An IPv6 address's scope id (`sin6_scope_id`) is not compared: sock_diag's first
///   lookup passes it to the kernel as the interface, as a link-local connection
///   needs. Flow labels are not compared either.
///
/// A socket that is only bound (neither listening nor connected) is not in the
/// table (`ss -a` shows it as `UNCONN`; `/proc/net/tcp` does not list it), so it
/// reads `None`.
///
/// # Errors
///
/// - `EAFNOSUPPORT`, before any syscall: `local` or `peer` is not an IPv4 or IPv6
///   address.
/// - `EINVAL`, before any syscall: one is IPv4 and the other IPv6, or one is shorter
///   than its family's `sockaddr`.
/// - Those of the table read, as [`tcp_state_in`] lists them.
///
/// # References
///
/// - [Linux sock_diag(7)](https://man7.org/linux/man-pages/man7/sock_diag.7.html)
/// - [Linux ss(8)](https://man7.org/linux/man-pages/man8/ss.8.html)
/// - [Linux's /proc/net/tcp](https://docs.kernel.org/networking/proc_net_tcp.html)
#[doc(alias = "ss")]
#[doc(alias = "sock_diag")]
#[doc(alias = "TIME_WAIT")]
pub fn tcp_state_of<L: ToSockAddr + ?Sized, P: ToSockAddr + ?Sized>(
    local: &L,
    peer: &P,
) -> Result<Option<TcpState>> {
    let (local, peer) = (local.to_sock_addr(), peer.to_sock_addr());
    let (ret, source) = lookup(None, &local, &peer);
    trace!(trace_lookup(None, &local, &peer, ret, source));
    ret
}

/// `tcp_state_in(table, local, peer)`—The TCP state of the connection from `local`
/// to `peer`, as `table` shows it, and no other. *Beyond the C API — not a C call.*
///
/// [`tcp_state_of`] with the table forced: no fallback, so a test can check each
/// table on its own. The connection, the value and the trace line are as there;
/// the line names the table asked for: `tcp_state_in(SockDiag, {AF_INET,
/// 127.0.0.1:40000}, {AF_INET, 127.0.0.1:5000}) = TIME_WAIT (sock_diag)`.
///
/// [`TcpTable::SockDiag`] opens a netlink socket (`SOCK_CLOEXEC`, closed before
/// the call returns), sends one `SOCK_DIAG_BY_FAMILY` request for exactly this
/// connection (`NLM_F_REQUEST`, no dump) and reads the kernel's one answer into a
/// buffer on the stack (no heap allocation). Linux finds a connection in
/// `TIME_WAIT` this way too. When the kernel answers with nothing or with another
/// socket (for an unknown connection on a listening port it reports the listener), a
/// second request dumps the sockets with the same two ports (`NLM_F_DUMP`, filtered
/// by the kernel), which also finds a connection whose socket is bound to a device
/// (`SO_BINDTODEVICE`), and tells "no such connection" from "no sock_diag for TCP"
/// (`ENOENT` to a dump). Linux answers a netlink request before `send` returns, so
/// every `recv` is non-blocking (`MSG_DONTWAIT`): no lookup waits. A dump is read
/// for at most 4096 datagrams of 8 KiB.
///
/// [`TcpTable::Proc`] reads the calling thread's `/proc/net/tcp` or
/// `/proc/net/tcp6` with `std::fs` (a buffer on the heap; this is not a data-path
/// call) up to the line of the connection. A line that does not parse (the header,
/// or anything unexpected) is skipped. The file is read in pieces, and the kernel's
/// table may change between them: a connection that changes state or goes away
/// while it is read may be missed.
///
/// # Errors
///
/// - `EAFNOSUPPORT`, `EINVAL`: as [`tcp_state_of`], before any syscall.
/// - sock_diag: the `errno` of `socket`, `send` or `recv`, or of the kernel's answer
///   (`NLMSG_ERROR`, or the dump's `NLMSG_DONE`); `EBADMSG` for an answer that is not
///   whole netlink messages of the expected sizes (a length shorter than a header or
///   longer than the bytes received, a payload too short for its type, a datagram
///   larger than the buffer); `EIO` when the kernel's answer is not waiting where
///   Linux would have it, or a dump does not end within the datagrams allowed.
/// - /proc: the `errno` of `open` or `read` (`ENOENT`: no `/proc`, or no IPv6 in the
///   kernel), `EIO` for an error that has none.
///
/// # References
///
/// - [Linux sock_diag(7)](https://man7.org/linux/man-pages/man7/sock_diag.7.html)
/// - [Linux's /proc/net/tcp](https://docs.kernel.org/networking/proc_net_tcp.html)
pub fn tcp_state_in<L: ToSockAddr + ?Sized, P: ToSockAddr + ?Sized>(
    table: TcpTable,
    local: &L,
    peer: &P,
) -> Result<Option<TcpState>> {
    let (local, peer) = (local.to_sock_addr(), peer.to_sock_addr());
    let (ret, source) = lookup(Some(table), &local, &peer);
    trace!(trace_lookup(Some(table), &local, &peer, ret, source));
    ret
}

/// One end of a connection as the tables hold it: the address's bytes in network
/// order (an IPv4 address in the first 4, the rest zero) and the port in host order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct End {
    ip: [u8; 16],
    port: u16,
}

/// A connection as the tables key it: the family (of the socket), then its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ends {
    v6: bool,
    local: End,
    peer: End,
}

/// The connection `local`→`peer` names, and the interface for sock_diag's exact
/// lookup (an IPv6 scope id: the local one, else the peer's; 0 for IPv4).
fn ends_of(local: &SockAddr, peer: &SockAddr) -> Result<(Ends, u32)> {
    let inet = |a: &SockAddr| a.family() == AF_INET || a.family() == AF_INET6;
    if !inet(local) || !inet(peer) {
        return Err(Errno::EAFNOSUPPORT);
    }
    if local.family() != peer.family() {
        return Err(Errno::EINVAL);
    }
    if local.family() == AF_INET {
        let (Some(l), Some(p)) = (local.as_socket_ipv4(), peer.as_socket_ipv4()) else {
            return Err(Errno::EINVAL);
        };
        let end = |ip: [u8; 4], port| {
            let mut bytes = [0; 16];
            bytes[..4].copy_from_slice(&ip);
            End { ip: bytes, port }
        };
        let ends = Ends {
            v6: false,
            local: end(l.ip().octets(), l.port()),
            peer: end(p.ip().octets(), p.port()),
        };
        return Ok((ends, 0));
    }
    let (Some(l), Some(p)) = (local.as_socket_ipv6(), peer.as_socket_ipv6()) else {
        return Err(Errno::EINVAL);
    };
    let ends = Ends {
        v6: true,
        local: End {
            ip: l.ip().octets(),
            port: l.port(),
        },
        peer: End {
            ip: p.ip().octets(),
            port: p.port(),
        },
    };
    let interface = if l.scope_id() != 0 {
        l.scope_id()
    } else {
        p.scope_id()
    };
    Ok((ends, interface))
}

/// Where an answer came from, for the trace line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    SockDiag,
    /// `/proc/net/tcp` (`v6`: `tcp6`), with what made `tcp_state_of` fall back to it.
    Proc {
        v6: bool,
        after: Option<Errno>,
    },
}

/// The lookup behind both calls (`table` `None`: sock_diag, then /proc if it is
/// unavailable), and where its answer came from (`None` when it failed before any
/// table).
fn lookup(
    table: Option<TcpTable>,
    local: &SockAddr,
    peer: &SockAddr,
) -> (Result<Option<TcpState>>, Option<Source>) {
    lookup_with(table, local, peer, sock_diag)
}

/// [`lookup`] with the sock_diag lookup passed in, so that a test can make it
/// unavailable.
fn lookup_with(
    table: Option<TcpTable>,
    local: &SockAddr,
    peer: &SockAddr,
    sock_diag: impl Fn(&Ends, u32) -> core::result::Result<Option<TcpState>, Failure>,
) -> (Result<Option<TcpState>>, Option<Source>) {
    let (ends, interface) = match ends_of(local, peer) {
        Ok(found) => found,
        Err(e) => return (Err(e), None),
    };
    let proc = |after| {
        let source = Source::Proc { v6: ends.v6, after };
        (proc_table(&ends), Some(source))
    };
    match table {
        Some(TcpTable::Proc) => proc(None),
        Some(TcpTable::SockDiag) => (
            sock_diag(&ends, interface).map_err(Failure::errno),
            Some(Source::SockDiag),
        ),
        None => match sock_diag(&ends, interface) {
            Ok(state) => (Ok(state), Some(Source::SockDiag)),
            Err(Failure::Unavailable(e)) => proc(Some(e)),
            Err(Failure::Failed(e)) => (Err(e), Some(Source::SockDiag)),
        },
    }
}

// ---------------------------------------------------------------------------------
// sock_diag
// ---------------------------------------------------------------------------------

/// Why a sock_diag lookup failed: because there is no usable sock_diag here (the
/// cases [`tcp_state_of`] lists), or for any other reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    Unavailable(Errno),
    Failed(Errno),
}

impl Failure {
    fn errno(self) -> Errno {
        match self {
            Failure::Unavailable(e) | Failure::Failed(e) => e,
        }
    }
}

/// The step of a sock_diag lookup that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// `socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)`.
    Socket,
    /// `send` of a request.
    Send,
    /// The kernel's answer: `NLMSG_ERROR`, or the `NLMSG_DONE` of a dump, with an
    /// errno. (The exact lookup's `ENOENT`, "no such socket", never comes here: it
    /// leads to the dump.)
    Answer,
}

/// Whether `e`, at `step`, means that sock_diag is unavailable (the decision
/// [`tcp_state_of`] documents), rather than that the lookup failed.
fn unavailable(step: Step, e: Errno) -> bool {
    let causes: &[Errno] = match step {
        Step::Socket => &[
            Errno::EAFNOSUPPORT,
            Errno::EPROTONOSUPPORT,
            Errno::EPERM,
            Errno::EACCES,
        ],
        Step::Send => &[Errno::EPERM, Errno::EACCES, Errno::ECONNREFUSED],
        Step::Answer => &[
            Errno::ENOENT,
            Errno::EINVAL,
            Errno::EOPNOTSUPP,
            Errno::EPERM,
            Errno::EACCES,
        ],
    };
    causes.contains(&e)
}

fn failure(step: Step, e: Errno) -> Failure {
    if unavailable(step, e) {
        Failure::Unavailable(e)
    } else {
        Failure::Failed(e)
    }
}

/// `sizeof(struct nlmsghdr)`.
const NLMSG_HDRLEN: usize = size_of::<sys::nlmsghdr>();
/// A request: the header, then `struct inet_diag_req_v2`.
const REQUEST_LEN: usize = NLMSG_HDRLEN + size_of::<sys::inet_diag_req_v2>();
/// Where the request's `id` starts.
const REQUEST_ID: usize = NLMSG_HDRLEN + offset_of!(sys::inet_diag_req_v2, id);
/// The receive buffer. The kernel sizes a dump's datagrams by the largest buffer
/// its reader has offered, at least `NLMSG_GOODSIZE` (at most 8 KiB): with 8 KiB
/// each fits. One that does not is `EBADMSG` (`MSG_TRUNC` tells).
const ANSWER_BUF: usize = 8192;
/// The most datagrams one answer may take: a dump filtered by both ports holds a
/// few sockets, one filtered by one port (a port 0 asked for) up to ~250 000.
const MAX_RECVS: usize = 4096;
/// `idiag_states`: every state but Linux's pseudo-state `TCP_BOUND_INACTIVE` (13,
/// Linux 6.8 and later), the sockets that are only bound, which `/proc/net/tcp`
/// does not list either. (`TCP_NEW_SYN_RECV`, 12, stays: a dump reaches the
/// connections still in their handshake only with it.) An exact lookup ignores it.
const STATES: u32 = !(1 << 13);
/// The exact lookup's `nlmsg_seq`, and the dump's.
const EXACT_SEQ: u32 = 1;
const DUMP_SEQ: u32 = 2;

// Every field the request writes lies inside it.
const _: () = assert!(
    REQUEST_ID + offset_of!(sys::inet_diag_sockid, idiag_cookie) + 8 <= REQUEST_LEN
        && NLMSG_HDRLEN + offset_of!(sys::inet_diag_req_v2, idiag_states) + 4 <= REQUEST_LEN
);

/// How a request asks: for exactly one socket, or for a dump of those with the
/// connection's two ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    Exact,
    Dump,
}

/// Looks the connection up with sock_diag: the exact lookup, then, if it did not
/// find it, the dump that confirms (see [`tcp_state_in`]).
fn sock_diag(ends: &Ends, interface: u32) -> core::result::Result<Option<TcpState>, Failure> {
    let fd = raw::socket(
        sys::AF_NETLINK,
        sys::SOCK_DGRAM | sys::SOCK_CLOEXEC,
        sys::NETLINK_SOCK_DIAG,
    )
    .map_err(|e| failure(Step::Socket, e))?;
    let mut buf = [0u8; ANSWER_BUF];
    for ask in [Ask::Exact, Ask::Dump] {
        let request = request(ends, interface, ask);
        raw::send(fd.as_fd(), &request, 0).map_err(|e| failure(Step::Send, e))?;
        if let Some(state) = answer(fd.as_fd(), &mut buf, ends, ask)? {
            return Ok(Some(state));
        }
    }
    Ok(None)
}

/// The request for `ends`, as the bytes the kernel reads (every field native-endian
/// but the ports and addresses, which are in network order).
fn request(ends: &Ends, interface: u32, ask: Ask) -> [u8; REQUEST_LEN] {
    fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
        buf[at..at + bytes.len()].copy_from_slice(bytes);
    }
    let (flags, seq, interface) = match ask {
        Ask::Exact => (sys::NLM_F_REQUEST, EXACT_SEQ, interface),
        Ask::Dump => (sys::NLM_F_REQUEST | sys::NLM_F_DUMP, DUMP_SEQ, 0),
    };
    let family = if ends.v6 { sys::AF_INET6 } else { sys::AF_INET };
    let mut b = [0u8; REQUEST_LEN];
    put(
        &mut b,
        offset_of!(sys::nlmsghdr, nlmsg_len),
        &(REQUEST_LEN as u32).to_ne_bytes(),
    );
    let ty = sys::SOCK_DIAG_BY_FAMILY as u16;
    put(
        &mut b,
        offset_of!(sys::nlmsghdr, nlmsg_type),
        &ty.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(sys::nlmsghdr, nlmsg_flags),
        &(flags as u16).to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(sys::nlmsghdr, nlmsg_seq),
        &seq.to_ne_bytes(),
    );
    let req = |field| NLMSG_HDRLEN + field;
    b[req(offset_of!(sys::inet_diag_req_v2, sdiag_family))] = family as u8;
    b[req(offset_of!(sys::inet_diag_req_v2, sdiag_protocol))] = sys::IPPROTO_TCP as u8;
    put(
        &mut b,
        req(offset_of!(sys::inet_diag_req_v2, idiag_states)),
        &STATES.to_ne_bytes(),
    );
    let id = |field| REQUEST_ID + field;
    put(
        &mut b,
        id(offset_of!(sys::inet_diag_sockid, idiag_sport)),
        &ends.local.port.to_be_bytes(),
    );
    put(
        &mut b,
        id(offset_of!(sys::inet_diag_sockid, idiag_dport)),
        &ends.peer.port.to_be_bytes(),
    );
    put(
        &mut b,
        id(offset_of!(sys::inet_diag_sockid, idiag_src)),
        &ends.local.ip,
    );
    put(
        &mut b,
        id(offset_of!(sys::inet_diag_sockid, idiag_dst)),
        &ends.peer.ip,
    );
    put(
        &mut b,
        id(offset_of!(sys::inet_diag_sockid, idiag_if)),
        &interface.to_ne_bytes(),
    );
    let cookie = id(offset_of!(sys::inet_diag_sockid, idiag_cookie));
    put(&mut b, cookie, &sys::INET_DIAG_NOCOOKIE.to_ne_bytes());
    put(&mut b, cookie + 4, &sys::INET_DIAG_NOCOOKIE.to_ne_bytes());
    b
}

/// Reads the kernel's answer to the request `ask` made, up to the socket of `ends`
/// (its state) or the answer's end (`None`).
fn answer(
    fd: std::os::fd::BorrowedFd<'_>,
    buf: &mut [u8; ANSWER_BUF],
    ends: &Ends,
    ask: Ask,
) -> core::result::Result<Option<TcpState>, Failure> {
    for _ in 0..MAX_RECVS {
        let n = match raw::recv(fd, buf, sys::MSG_DONTWAIT | sys::MSG_TRUNC) {
            Ok(n) => n,
            Err(e) if e == Errno::EAGAIN || e == Errno::EWOULDBLOCK => {
                return Err(Failure::Failed(Errno::EIO))
            }
            Err(e) => return Err(Failure::Failed(e)),
        };
        let Some(datagram) = buf.get(..n) else {
            return Err(Failure::Failed(Errno::EBADMSG));
        };
        match read_datagram(datagram, ends, ask) {
            Ok(Outcome::More) => {}
            Ok(Outcome::Found(state)) => return Ok(Some(state)),
            Ok(Outcome::Missing) => return Ok(None),
            Err(failure) => return Err(failure),
        }
    }
    Err(Failure::Failed(Errno::EIO))
}

/// What one datagram of an answer says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// The connection, in this state.
    Found(TcpState),
    /// The answer ended without it.
    Missing,
    /// The answer goes on in the next datagram.
    More,
}

/// Reads one datagram of the answer to `ask` (sequence number and all), looking for
/// `ends`.
fn read_datagram(datagram: &[u8], ends: &Ends, ask: Ask) -> core::result::Result<Outcome, Failure> {
    let seq = match ask {
        Ask::Exact => EXACT_SEQ,
        Ask::Dump => DUMP_SEQ,
    };
    for message in Messages::new(datagram) {
        let message = message.map_err(Failure::Failed)?;
        if message.seq != seq {
            continue;
        }
        match message.reply().map_err(Failure::Failed)? {
            Reply::Socket(socket) if socket.ends == *ends => {
                return Ok(Outcome::Found(TcpState::from_raw(socket.state)))
            }
            // The exact lookup's one answer is another socket: the listener on the
            // local port, when no connection matched.
            Reply::Socket(_) if ask == Ask::Exact => return Ok(Outcome::Missing),
            Reply::Socket(_) | Reply::Other => {}
            // An acknowledgement (not asked for) ends the answer too.
            Reply::Done(0) | Reply::Error(0) => return Ok(Outcome::Missing),
            Reply::Error(e) if ask == Ask::Exact && e == -sys::ENOENT => {
                return Ok(Outcome::Missing)
            }
            Reply::Done(e) | Reply::Error(e) => {
                return Err(match e.checked_neg() {
                    Some(errno) if errno > 0 => failure(Step::Answer, Errno::from_raw(errno)),
                    _ => Failure::Failed(Errno::EBADMSG),
                })
            }
        }
    }
    Ok(Outcome::More)
}

/// One netlink message: its header's fields and the payload its length covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Message<'a> {
    ty: u16,
    seq: u32,
    payload: &'a [u8],
}

/// The messages of a datagram, each length checked against the bytes there: an
/// `Err(EBADMSG)` (then nothing more) for a header cut short, a length shorter than
/// the header or longer than what is left. Each step consumes at least a header, so
/// it ends.
struct Messages<'a> {
    rest: &'a [u8],
}

impl<'a> Messages<'a> {
    fn new(datagram: &'a [u8]) -> Messages<'a> {
        Messages { rest: datagram }
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>>;

    fn next(&mut self) -> Option<Result<Message<'a>>> {
        if self.rest.is_empty() {
            return None;
        }
        let rest = self.rest;
        self.rest = &[];
        let header = |field| read_u32(rest, field);
        let (Some(len), Some(ty), Some(seq)) = (
            header(offset_of!(sys::nlmsghdr, nlmsg_len)),
            read_u16(rest, offset_of!(sys::nlmsghdr, nlmsg_type)),
            header(offset_of!(sys::nlmsghdr, nlmsg_seq)),
        ) else {
            return Some(Err(Errno::EBADMSG));
        };
        let len = len as usize;
        if len < NLMSG_HDRLEN || len > rest.len() {
            return Some(Err(Errno::EBADMSG));
        }
        let payload = &rest[NLMSG_HDRLEN..len];
        // NLMSG_ALIGN: the next message starts on a 4-byte boundary; the last may
        // lack its padding.
        let align = sys::NLMSG_ALIGNTO as usize;
        let next = len.div_ceil(align) * align;
        self.rest = rest.get(next..).unwrap_or(&[]);
        Some(Ok(Message { ty, seq, payload }))
    }
}

/// `bytes[at..at + N]`, if there.
fn read<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    read(bytes, at).map(u16::from_ne_bytes)
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    read(bytes, at).map(u32::from_ne_bytes)
}

/// A socket the kernel reported: its family's connection and its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Socket {
    ends: Ends,
    state: u8,
}

/// What a message says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    /// `SOCK_DIAG_BY_FAMILY`: an `AF_INET` or `AF_INET6` socket (one of another
    /// family is `Other`).
    Socket(Socket),
    /// `NLMSG_ERROR` and its `error` (0: an acknowledgement, else `-errno`).
    Error(c_int),
    /// `NLMSG_DONE` and the dump's result (0, or `-errno`; 0 when it has none).
    Done(c_int),
    /// Anything else (`NLMSG_NOOP`, …): skipped.
    Other,
}

impl Message<'_> {
    /// What the message says; `EBADMSG` for a payload too short for its type.
    fn reply(&self) -> Result<Reply> {
        let ty = c_int::from(self.ty);
        let error =
            || read(self.payload, offset_of!(sys::nlmsgerr, error)).map(c_int::from_ne_bytes);
        if ty == sys::NLMSG_ERROR {
            return error().map(Reply::Error).ok_or(Errno::EBADMSG);
        }
        if ty == sys::NLMSG_DONE {
            return Ok(Reply::Done(error().unwrap_or(0)));
        }
        if ty != sys::SOCK_DIAG_BY_FAMILY {
            return Ok(Reply::Other);
        }
        let p = self.payload;
        if p.len() < size_of::<sys::inet_diag_msg>() {
            return Err(Errno::EBADMSG);
        }
        let byte = |field| p.get(field).copied().ok_or(Errno::EBADMSG);
        let family = c_int::from(byte(offset_of!(sys::inet_diag_msg, idiag_family))?);
        if family != sys::AF_INET && family != sys::AF_INET6 {
            return Ok(Reply::Other);
        }
        let v6 = family == sys::AF_INET6;
        let state = byte(offset_of!(sys::inet_diag_msg, idiag_state))?;
        let id = offset_of!(sys::inet_diag_msg, id);
        let end = |ip_field, port_field| -> Result<End> {
            let mut ip = read::<16>(p, id + ip_field).ok_or(Errno::EBADMSG)?;
            if !v6 {
                // An IPv4 address is the first word; the kernel zeroes the others.
                ip[4..].fill(0);
            }
            let port = read(p, id + port_field).map(u16::from_be_bytes);
            Ok(End {
                ip,
                port: port.ok_or(Errno::EBADMSG)?,
            })
        };
        let local = end(
            offset_of!(sys::inet_diag_sockid, idiag_src),
            offset_of!(sys::inet_diag_sockid, idiag_sport),
        )?;
        let peer = end(
            offset_of!(sys::inet_diag_sockid, idiag_dst),
            offset_of!(sys::inet_diag_sockid, idiag_dport),
        )?;
        Ok(Reply::Socket(Socket {
            ends: Ends { v6, local, peer },
            state,
        }))
    }
}

// ---------------------------------------------------------------------------------
// /proc/net/tcp
// ---------------------------------------------------------------------------------

/// Reads the calling thread's `/proc/net/tcp` (or `tcp6`) up to the line of `ends`.
fn proc_table(ends: &Ends) -> Result<Option<TcpState>> {
    let (own, process) = if ends.v6 {
        ("/proc/thread-self/net/tcp6", "/proc/net/tcp6")
    } else {
        ("/proc/thread-self/net/tcp", "/proc/net/tcp")
    };
    let file = match std::fs::File::open(own) {
        Ok(file) => file,
        // Before Linux 3.17 there is no thread-self; a thread's own namespace then
        // shows nowhere, and the process's is the next best.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::File::open(process).map_err(errno_of)?
        }
        Err(e) => return Err(errno_of(e)),
    };
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(errno_of)? == 0 {
            return Ok(None);
        }
        if let Some(socket) = parse_proc_line(&line, ends.v6) {
            if socket.ends == *ends {
                return Ok(Some(TcpState::from_raw(socket.state)));
            }
        }
    }
}

fn errno_of(e: std::io::Error) -> Errno {
    e.raw_os_error().map(Errno::from_raw).unwrap_or(Errno::EIO)
}

/// One line of `/proc/net/tcp` (`v6`: `tcp6`), `sl local_address rem_address st …`:
/// `   0: 0100007F:1F90 00000000:0000 0A …`, or `None` for a line that is not one
/// (the header, or anything unexpected). Each address is 32-bit words in hex, each
/// word the kernel's `%08X` of network-order bytes read as a host integer (so
/// 127.0.0.1 is `0100007F` on a little-endian machine); the port and the state are
/// hex too.
fn parse_proc_line(line: &[u8], v6: bool) -> Option<Socket> {
    let line = core::str::from_utf8(line).ok()?;
    let mut fields = line.split_ascii_whitespace();
    let slot = fields.next()?.strip_suffix(':')?;
    if slot.is_empty() || !slot.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let local = parse_proc_end(fields.next()?, v6)?;
    let peer = parse_proc_end(fields.next()?, v6)?;
    let state = fields.next()?;
    if state.len() != 2 {
        return None;
    }
    Some(Socket {
        ends: Ends { v6, local, peer },
        state: hex(state)? as u8,
    })
}

/// `0100007F:1F90`: the address's words (1 or 4), a colon, the port.
fn parse_proc_end(field: &str, v6: bool) -> Option<End> {
    let (addr, port) = field.split_once(':')?;
    let words = if v6 { 4 } else { 1 };
    if addr.len() != 8 * words || port.len() != 4 {
        return None;
    }
    let mut ip = [0u8; 16];
    for (i, word) in ip.chunks_exact_mut(4).take(words).enumerate() {
        let text = addr.get(8 * i..8 * (i + 1))?;
        word.copy_from_slice(&hex(text)?.to_ne_bytes());
    }
    Some(End {
        ip,
        port: hex(port)? as u16,
    })
}

/// Hex digits only (`from_str_radix` would take a sign), at most 8.
fn hex(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

// ---------------------------------------------------------------------------------
// The trace
// ---------------------------------------------------------------------------------

/// The value as the trace shows it, and where it came from:
/// `TIME_WAIT (sock_diag)`, `none (/proc/net/tcp6)`,
/// `ESTABLISHED (/proc/net/tcp; sock_diag: EPROTONOSUPPORT)`, `-1 EAFNOSUPPORT (…)`.
struct Answer {
    ret: Result<Option<TcpState>>,
    source: Option<Source>,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ret {
            Ok(Some(state)) => write!(f, "{state}")?,
            Ok(None) => f.write_str("none")?,
            Err(e) => write!(f, "-1 {e}")?,
        }
        match self.source {
            None => Ok(()),
            Some(Source::SockDiag) => f.write_str(" (sock_diag)"),
            Some(Source::Proc { v6, after }) => {
                f.write_str(if v6 {
                    " (/proc/net/tcp6"
                } else {
                    " (/proc/net/tcp"
                })?;
                if let Some(e) = after {
                    write!(f, "; sock_diag: {}", e.name())?;
                }
                f.write_str(")")
            }
        }
    }
}

#[cold]
#[inline(never)]
fn trace_lookup(
    table: Option<TcpTable>,
    local: &SockAddr,
    peer: &SockAddr,
    ret: Result<Option<TcpState>>,
    source: Option<Source>,
) {
    let answer = Answer { ret, source };
    match table {
        None => trace::emit(format_args!("tcp_state_of({local:?}, {peer:?}) = {answer}")),
        Some(table) => trace::emit(format_args!(
            "tcp_state_in({table:?}, {local:?}, {peer:?}) = {answer}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

    fn v4_end(ip: [u8; 4], port: u16) -> End {
        let mut bytes = [0; 16];
        bytes[..4].copy_from_slice(&ip);
        End { ip: bytes, port }
    }

    /// 127.0.0.1:40000 → 127.0.0.1:5000.
    fn v4_ends() -> Ends {
        Ends {
            v6: false,
            local: v4_end([127, 0, 0, 1], 40000),
            peer: v4_end([127, 0, 0, 1], 5000),
        }
    }

    /// [::1]:40000 → [::1]:5000.
    fn v6_ends() -> Ends {
        let one = Ipv6Addr::LOCALHOST.octets();
        Ends {
            v6: true,
            local: End {
                ip: one,
                port: 40000,
            },
            peer: End {
                ip: one,
                port: 5000,
            },
        }
    }

    /// A netlink message: the header (length = header + payload), the payload, and
    /// the padding to 4 bytes.
    fn message(ty: c_int, seq: u32, payload: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HDRLEN + payload.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&(ty as u16).to_ne_bytes());
        m.extend_from_slice(&0u16.to_ne_bytes());
        m.extend_from_slice(&seq.to_ne_bytes());
        m.extend_from_slice(&4242u32.to_ne_bytes());
        m.extend_from_slice(payload);
        while m.len() % 4 != 0 {
            m.push(0);
        }
        m
    }

    /// `struct nlmsgerr` with `error` (the request echoed after it is left out, as
    /// the kernel's `NLM_F_CAPPED` does).
    fn error(code: c_int) -> Vec<u8> {
        code.to_ne_bytes().to_vec()
    }

    /// `struct inet_diag_msg` for `ends` in `state`, then an attribute's worth of
    /// bytes, as the kernel appends them.
    fn diag(family: c_int, state: u8, ends: &Ends) -> Vec<u8> {
        let mut p = vec![0u8; size_of::<sys::inet_diag_msg>()];
        p[offset_of!(sys::inet_diag_msg, idiag_family)] = family as u8;
        p[offset_of!(sys::inet_diag_msg, idiag_state)] = state;
        let id = offset_of!(sys::inet_diag_msg, id);
        let at = |f| id + f;
        p[at(offset_of!(sys::inet_diag_sockid, idiag_sport))..][..2]
            .copy_from_slice(&ends.local.port.to_be_bytes());
        p[at(offset_of!(sys::inet_diag_sockid, idiag_dport))..][..2]
            .copy_from_slice(&ends.peer.port.to_be_bytes());
        p[at(offset_of!(sys::inet_diag_sockid, idiag_src))..][..16].copy_from_slice(&ends.local.ip);
        p[at(offset_of!(sys::inet_diag_sockid, idiag_dst))..][..16].copy_from_slice(&ends.peer.ip);
        p.extend_from_slice(&[5, 0, 8, 0, 0, 0, 0, 0]);
        p
    }

    fn socket_msg(seq: u32, state: u8, ends: &Ends) -> Vec<u8> {
        let family = if ends.v6 { sys::AF_INET6 } else { sys::AF_INET };
        message(sys::SOCK_DIAG_BY_FAMILY, seq, &diag(family, state, ends))
    }

    fn messages(bytes: &[u8]) -> Vec<Result<Message<'_>>> {
        Messages::new(bytes).collect()
    }

    // -- The netlink messages --------------------------------------------------------

    #[test]
    fn messages_split_at_their_aligned_lengths() {
        let mut datagram = message(sys::NLMSG_NOOP, 1, &[1, 2, 3]);
        assert_eq!(datagram.len(), 20, "padded to 4 bytes");
        datagram.extend(message(sys::NLMSG_DONE, 2, &error(0)));
        let all = messages(&datagram);
        assert_eq!(all.len(), 2);
        let first = all[0].unwrap();
        assert_eq!(
            (first.ty, first.seq, first.payload),
            (sys::NLMSG_NOOP as u16, 1, &[1, 2, 3][..])
        );
        let second = all[1].unwrap();
        assert_eq!((second.ty, second.seq), (sys::NLMSG_DONE as u16, 2));
        // The last message may lack its padding.
        let unpadded = &message(sys::NLMSG_NOOP, 1, &[9])[..NLMSG_HDRLEN + 1];
        let one = messages(unpadded);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].unwrap().payload, &[9]);
        assert!(messages(&[]).is_empty());
    }

    #[test]
    fn truncated_header_is_ebadmsg() {
        let m = message(sys::NLMSG_DONE, 1, &error(0));
        for cut in 1..NLMSG_HDRLEN {
            assert_eq!(messages(&m[..cut]), [Err(Errno::EBADMSG)], "cut at {cut}");
        }
    }

    #[test]
    fn length_shorter_than_the_header_is_ebadmsg() {
        for len in [0u32, 1, 4, 15] {
            let mut m = message(sys::NLMSG_DONE, 1, &error(0));
            m[..4].copy_from_slice(&len.to_ne_bytes());
            // Reported once, then nothing: a length of 0 does not loop.
            assert_eq!(messages(&m), [Err(Errno::EBADMSG)], "nlmsg_len {len}");
        }
    }

    #[test]
    fn length_past_the_bytes_received_is_ebadmsg() {
        let mut m = message(sys::NLMSG_DONE, 1, &error(0));
        let past = m.len() as u32 + 1;
        m[..4].copy_from_slice(&past.to_ne_bytes());
        assert_eq!(messages(&m), [Err(Errno::EBADMSG)]);
        m[..4].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(messages(&m), [Err(Errno::EBADMSG)]);
        // A good message, then a cut one: the first is read, then the error.
        let mut two = message(sys::NLMSG_NOOP, 1, &[]);
        two.extend(&message(sys::NLMSG_DONE, 1, &error(0))[..10]);
        let all = messages(&two);
        assert_eq!(all.len(), 2);
        assert!(all[0].is_ok());
        assert_eq!(all[1], Err(Errno::EBADMSG));
    }

    #[test]
    fn short_payloads_are_ebadmsg() {
        let ends = v4_ends();
        let full = socket_msg(EXACT_SEQ, 6, &ends);
        let payload_len = full.len() - NLMSG_HDRLEN;
        for keep in 0..size_of::<sys::inet_diag_msg>() {
            let cut = message(
                sys::SOCK_DIAG_BY_FAMILY,
                EXACT_SEQ,
                &full[NLMSG_HDRLEN..NLMSG_HDRLEN + keep],
            );
            assert_eq!(
                read_datagram(&cut, &ends, Ask::Exact),
                Err(Failure::Failed(Errno::EBADMSG)),
                "payload of {keep} of {payload_len} bytes"
            );
        }
        let err = message(sys::NLMSG_ERROR, EXACT_SEQ, &[0xfe, 0xff]);
        assert_eq!(
            read_datagram(&err, &ends, Ask::Exact),
            Err(Failure::Failed(Errno::EBADMSG))
        );
    }

    #[test]
    fn a_matching_socket_is_its_state() {
        for ends in [v4_ends(), v6_ends()] {
            for ask in [Ask::Exact, Ask::Dump] {
                let seq = if ask == Ask::Exact {
                    EXACT_SEQ
                } else {
                    DUMP_SEQ
                };
                let found = socket_msg(seq, 6, &ends);
                assert_eq!(
                    read_datagram(&found, &ends, ask),
                    Ok(Outcome::Found(TcpState::from_raw(6)))
                );
            }
        }
        // An IPv4 address is the first word: whatever the kernel left in the rest.
        let ends = v4_ends();
        let mut noisy = socket_msg(EXACT_SEQ, 1, &ends);
        let src = NLMSG_HDRLEN
            + offset_of!(sys::inet_diag_msg, id)
            + offset_of!(sys::inet_diag_sockid, idiag_src);
        noisy[src + 4] = 0xff;
        assert_eq!(
            read_datagram(&noisy, &ends, Ask::Exact),
            Ok(Outcome::Found(crate::tcp::TCP_ESTABLISHED))
        );
    }

    #[test]
    fn another_socket_ends_an_exact_answer_but_not_a_dump() {
        let ends = v4_ends();
        let listener = Ends {
            v6: false,
            local: ends.local,
            peer: v4_end([0; 4], 0),
        };
        let exact = socket_msg(EXACT_SEQ, 10, &listener);
        assert_eq!(
            read_datagram(&exact, &ends, Ask::Exact),
            Ok(Outcome::Missing)
        );
        let mut dump = socket_msg(DUMP_SEQ, 10, &listener);
        assert_eq!(read_datagram(&dump, &ends, Ask::Dump), Ok(Outcome::More));
        dump.extend(socket_msg(DUMP_SEQ, 8, &ends));
        assert_eq!(
            read_datagram(&dump, &ends, Ask::Dump),
            Ok(Outcome::Found(TcpState::from_raw(8)))
        );
        // The same ports and addresses in the other family are another socket.
        let other_family = message(
            sys::SOCK_DIAG_BY_FAMILY,
            DUMP_SEQ,
            &diag(sys::AF_INET6, 1, &Ends { v6: true, ..ends }),
        );
        assert_eq!(
            read_datagram(&other_family, &ends, Ask::Dump),
            Ok(Outcome::More)
        );
        // A family that is neither is skipped.
        let unix = message(
            sys::SOCK_DIAG_BY_FAMILY,
            DUMP_SEQ,
            &diag(sys::AF_UNIX, 1, &ends),
        );
        assert_eq!(read_datagram(&unix, &ends, Ask::Dump), Ok(Outcome::More));
    }

    #[test]
    fn other_sequence_numbers_and_types_are_skipped() {
        let ends = v4_ends();
        let mut datagram = socket_msg(99, 1, &ends);
        datagram.extend(message(sys::NLMSG_ERROR, 99, &error(-sys::EPERM)));
        datagram.extend(message(sys::NLMSG_NOOP, EXACT_SEQ, &[]));
        assert_eq!(
            read_datagram(&datagram, &ends, Ask::Exact),
            Ok(Outcome::More)
        );
        datagram.extend(socket_msg(EXACT_SEQ, 5, &ends));
        assert_eq!(
            read_datagram(&datagram, &ends, Ask::Exact),
            Ok(Outcome::Found(TcpState::from_raw(5)))
        );
    }

    #[test]
    fn nlmsg_error_is_its_errno() {
        let ends = v4_ends();
        let err = |code| message(sys::NLMSG_ERROR, EXACT_SEQ, &error(code));
        let dump_err = |code| message(sys::NLMSG_ERROR, DUMP_SEQ, &error(code));
        // The exact lookup's ENOENT is "no such socket": the dump decides.
        assert_eq!(
            read_datagram(&err(-sys::ENOENT), &ends, Ask::Exact),
            Ok(Outcome::Missing)
        );
        assert_eq!(
            read_datagram(&dump_err(-sys::ENOENT), &ends, Ask::Dump),
            Err(Failure::Unavailable(Errno::ENOENT))
        );
        assert_eq!(
            read_datagram(&err(-sys::EINVAL), &ends, Ask::Exact),
            Err(Failure::Unavailable(Errno::EINVAL))
        );
        assert_eq!(
            read_datagram(&err(-sys::ENOMEM), &ends, Ask::Exact),
            Err(Failure::Failed(Errno::ENOMEM))
        );
        // An acknowledgement ends the answer.
        assert_eq!(
            read_datagram(&err(0), &ends, Ask::Exact),
            Ok(Outcome::Missing)
        );
        // Not a negative errno: garbled.
        for code in [1, sys::EPERM, c_int::MIN] {
            assert_eq!(
                read_datagram(&err(code), &ends, Ask::Exact),
                Err(Failure::Failed(Errno::EBADMSG)),
                "error {code}"
            );
        }
    }

    #[test]
    fn nlmsg_done_ends_a_dump_with_its_result() {
        let ends = v4_ends();
        let done = |payload: &[u8]| message(sys::NLMSG_DONE, DUMP_SEQ, payload);
        assert_eq!(
            read_datagram(&done(&error(0)), &ends, Ask::Dump),
            Ok(Outcome::Missing)
        );
        assert_eq!(
            read_datagram(&done(&[]), &ends, Ask::Dump),
            Ok(Outcome::Missing)
        );
        assert_eq!(
            read_datagram(&done(&error(-sys::ENOENT)), &ends, Ask::Dump),
            Err(Failure::Unavailable(Errno::ENOENT))
        );
        assert_eq!(
            read_datagram(&done(&error(-sys::ENOBUFS)), &ends, Ask::Dump),
            Err(Failure::Failed(Errno::ENOBUFS))
        );
    }

    /// A little pseudo-random generator (xorshift), so the bytes are the same each run.
    struct Bytes(u64);

    impl Bytes {
        fn next(&mut self) -> u8 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 as u8
        }
    }

    #[test]
    fn garbled_datagrams_never_panic_or_loop() {
        let ends = v4_ends();
        let mut good = socket_msg(DUMP_SEQ, 10, &ends);
        good.extend(message(sys::NLMSG_DONE, DUMP_SEQ, &error(0)));
        // Every cut of a good datagram, and every byte of it changed.
        let mut cases: Vec<Vec<u8>> = (0..=good.len()).map(|n| good[..n].to_vec()).collect();
        for i in 0..good.len() {
            for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut changed = good.clone();
                changed[i] = value;
                cases.push(changed);
            }
        }
        // And noise, with and without plausible headers in front.
        let mut noise = Bytes(0x2545_f491_4f6c_dd1d);
        for len in 0..600 {
            let mut bytes: Vec<u8> = (0..len).map(|_| noise.next()).collect();
            if len >= NLMSG_HDRLEN && len % 2 == 0 {
                let claimed = (noise.next() as usize % (len + 8)) as u32;
                bytes[..4].copy_from_slice(&claimed.to_ne_bytes());
                let ty = [sys::NLMSG_ERROR, sys::NLMSG_DONE, sys::SOCK_DIAG_BY_FAMILY][len % 3];
                bytes[4..6].copy_from_slice(&(ty as u16).to_ne_bytes());
                bytes[8..12].copy_from_slice(&DUMP_SEQ.to_ne_bytes());
            }
            cases.push(bytes);
        }
        for bytes in &cases {
            // Each message takes at least a header's bytes, so there are no more of
            // them than that allows, plus the one error.
            assert!(Messages::new(bytes).count() <= bytes.len() / NLMSG_HDRLEN + 1);
            for ask in [Ask::Exact, Ask::Dump] {
                let _ = read_datagram(bytes, &ends, ask);
            }
        }
    }

    // -- The request ---------------------------------------------------------------

    #[test]
    fn request_is_the_kernels_layout() {
        let ends = v4_ends();
        let b = request(&ends, 7, Ask::Exact);
        assert_eq!(b.len(), 72);
        assert_eq!(read_u32(&b, 0), Some(72));
        assert_eq!(read_u16(&b, 4), Some(sys::SOCK_DIAG_BY_FAMILY as u16));
        assert_eq!(read_u16(&b, 6), Some(sys::NLM_F_REQUEST as u16));
        assert_eq!(read_u32(&b, 8), Some(EXACT_SEQ));
        assert_eq!(read_u32(&b, 12), Some(0), "nlmsg_pid: the kernel fills it");
        assert_eq!(
            &b[16..20],
            &[sys::AF_INET as u8, sys::IPPROTO_TCP as u8, 0, 0]
        );
        assert_eq!(read_u32(&b, 20), Some(!(1 << 13)));
        assert_eq!(&b[24..26], &40000u16.to_be_bytes());
        assert_eq!(&b[26..28], &5000u16.to_be_bytes());
        assert_eq!(&b[28..44], &ends.local.ip);
        assert_eq!(&b[44..60], &ends.peer.ip);
        assert_eq!(read_u32(&b, 60), Some(7));
        assert_eq!(&b[64..72], &[0xff; 8]);

        let d = request(&v6_ends(), 7, Ask::Dump);
        assert_eq!(
            read_u16(&d, 6),
            Some((sys::NLM_F_REQUEST | sys::NLM_F_DUMP) as u16)
        );
        assert_eq!(read_u32(&d, 8), Some(DUMP_SEQ));
        assert_eq!(d[16], sys::AF_INET6 as u8);
        assert_eq!(
            read_u32(&d, 60),
            Some(0),
            "a dump does not filter by interface"
        );
    }

    // -- /proc/net/tcp ---------------------------------------------------------------

    /// A line as the kernel writes it on this machine.
    fn proc_line(ends: &Ends, state: u8) -> String {
        let words = if ends.v6 { 4 } else { 1 };
        let addr = |ip: &[u8; 16]| {
            ip.chunks_exact(4)
                .take(words)
                .map(|w| format!("{:08X}", u32::from_ne_bytes(w.try_into().unwrap())))
                .collect::<String>()
        };
        format!(
            "   3: {}:{:04X} {}:{:04X} {state:02X} 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 20 4 30 10 -1\n",
            addr(&ends.local.ip),
            ends.local.port,
            addr(&ends.peer.ip),
            ends.peer.port
        )
    }

    #[test]
    fn proc_lines_parse() {
        for ends in [v4_ends(), v6_ends()] {
            let line = proc_line(&ends, 6);
            assert_eq!(
                parse_proc_line(line.as_bytes(), ends.v6),
                Some(Socket { ends, state: 6 }),
                "{line}"
            );
        }
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn proc_lines_as_linux_writes_them_on_little_endian() {
        let v4 = b"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 640 1 00000000f76bbaf3 100 0 0 10 0";
        let listener = Ends {
            v6: false,
            local: v4_end([127, 0, 0, 1], 8080),
            peer: v4_end([0; 4], 0),
        };
        assert_eq!(
            parse_proc_line(v4, false),
            Some(Socket {
                ends: listener,
                state: 10
            })
        );
        let v6 = b"   2: 0000000000000000FFFF00000100007F:9249 0000000000000000FFFF00000100007F:8B54 01 00000000:00000000 00:00000000 00000000     0        0 3294583 1 00000000bb8204b4 20 0 0 10 -1";
        let mapped = Ipv4Addr::LOCALHOST.to_ipv6_mapped().octets();
        let socket = parse_proc_line(v6, true).unwrap();
        assert_eq!(
            socket.ends.local,
            End {
                ip: mapped,
                port: 0x9249
            }
        );
        assert_eq!(
            socket.ends.peer,
            End {
                ip: mapped,
                port: 0x8B54
            }
        );
        assert_eq!(socket.state, 1);
    }

    #[test]
    fn malformed_proc_lines_are_skipped() {
        let good = proc_line(&v4_ends(), 1);
        let bad: &[&[u8]] = &[
            b"",
            b"\n",
            b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            b"   0:",
            b"   0: 0100007F:1F90",
            b"   0: 0100007F:1F90 00000000:0000",
            b"   0: 0100007F:1F90 00000000:0000 A",
            b"   0: 0100007F:1F90 00000000:0000 0AB",
            b"   0: 0100007F:1F90 00000000:0000 +A",
            b"   0: 0100007G:1F90 00000000:0000 0A",
            b"   0: +100007F:1F90 00000000:0000 0A",
            b"   0: 0100007F:+F90 00000000:0000 0A",
            b"   0: 100007F:1F90 00000000:0000 0A",
            b"   0: 0100007F:1F900 00000000:0000 0A",
            b"   0: 0100007F1F90 00000000:0000 0A",
            b"   0: 0100007F:1F90:1 00000000:0000 0A",
            b"   x: 0100007F:1F90 00000000:0000 0A",
            b"   0 0100007F:1F90 00000000:0000 0A",
            b"   : 0100007F:1F90 00000000:0000 0A",
            b"   0: 0100007F:1F90 0000\xff000:0000 0A",
            b"   0: \xc3\xa9100007F:1F90 00000000:0000 0A",
        ];
        for line in bad {
            assert_eq!(
                parse_proc_line(line, false),
                None,
                "{:?}",
                String::from_utf8_lossy(line)
            );
        }
        // A v4 line is not a v6 one, nor the other way round.
        assert_eq!(parse_proc_line(good.as_bytes(), true), None);
        assert_eq!(
            parse_proc_line(proc_line(&v6_ends(), 1).as_bytes(), false),
            None
        );
        // No cut of a good line panics; those that cut into its first four fields do
        // not parse.
        for n in 0..=good.len() {
            let parsed = parse_proc_line(&good.as_bytes()[..n], false);
            if n < good.find(" 01 ").unwrap() + 3 {
                assert_eq!(parsed, None, "{:?}", &good[..n]);
            }
        }
    }

    // -- Which connection ----------------------------------------------------------

    #[test]
    fn ends_are_read_from_the_addresses() {
        let l = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 40000));
        let p = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 5000));
        assert_eq!(ends_of(&l, &p), Ok((v4_ends(), 0)));
        let l6 = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 40000, 7, 0));
        let p6 = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 5000, 0, 3));
        assert_eq!(ends_of(&l6, &p6), Ok((v6_ends(), 3)), "the peer's scope id");
        let l6 = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 40000, 0, 2));
        assert_eq!(
            ends_of(&l6, &p6),
            Ok((v6_ends(), 2)),
            "the local scope id first"
        );
    }

    #[test]
    fn other_families_then_mixed_ones_are_refused() {
        let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1));
        let v6 = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 1, 0, 0));
        let unix = SockAddr::unix("/tmp/x").unwrap();
        let empty = SockAddr::from_bytes(&[]).unwrap();
        for (l, p) in [(&unix, &v4), (&v4, &unix), (&unix, &unix), (&empty, &v6)] {
            assert_eq!(ends_of(l, p), Err(Errno::EAFNOSUPPORT));
        }
        assert_eq!(ends_of(&v4, &v6), Err(Errno::EINVAL));
        assert_eq!(ends_of(&v6, &v4), Err(Errno::EINVAL));
        let short = SockAddr::from_bytes(&v4.as_bytes()[..8]).unwrap();
        assert_eq!(ends_of(&short, &v4), Err(Errno::EINVAL));
        let short6 = SockAddr::from_bytes(&v6.as_bytes()[..20]).unwrap();
        assert_eq!(ends_of(&v6, &short6), Err(Errno::EINVAL));
    }

    // -- When sock_diag is unavailable -------------------------------------------

    #[test]
    fn unavailable_is_decided_by_step_and_errno() {
        for e in [
            Errno::EAFNOSUPPORT,
            Errno::EPROTONOSUPPORT,
            Errno::EPERM,
            Errno::EACCES,
        ] {
            assert!(unavailable(Step::Socket, e), "socket: {e}");
        }
        for e in [
            Errno::EMFILE,
            Errno::ENFILE,
            Errno::ENOBUFS,
            Errno::ENOMEM,
            Errno::EINVAL,
        ] {
            assert!(!unavailable(Step::Socket, e), "socket: {e}");
        }
        for e in [Errno::EPERM, Errno::EACCES, Errno::ECONNREFUSED] {
            assert!(unavailable(Step::Send, e), "send: {e}");
        }
        for e in [Errno::ENOBUFS, Errno::EINTR, Errno::EAGAIN, Errno::ENOENT] {
            assert!(!unavailable(Step::Send, e), "send: {e}");
        }
        for e in [
            Errno::ENOENT,
            Errno::EINVAL,
            Errno::EOPNOTSUPP,
            Errno::EPERM,
            Errno::EACCES,
        ] {
            assert!(unavailable(Step::Answer, e), "answer: {e}");
        }
        for e in [Errno::ENOMEM, Errno::ENOBUFS, Errno::EBADMSG, Errno::ESTALE] {
            assert!(!unavailable(Step::Answer, e), "answer: {e}");
        }
        assert_eq!(
            failure(Step::Socket, Errno::EPERM),
            Failure::Unavailable(Errno::EPERM)
        );
        assert_eq!(
            failure(Step::Socket, Errno::EMFILE),
            Failure::Failed(Errno::EMFILE)
        );
        assert_eq!(Failure::Unavailable(Errno::EPERM).errno(), Errno::EPERM);
    }

    /// `tcp_state_of` reads /proc when sock_diag is unavailable, and only then: a
    /// real listener, with sock_diag made to fail each way.
    #[test]
    fn tcp_state_of_falls_back_only_when_sock_diag_is_unavailable() {
        use crate::socket::{bind, getsockname, listen, socket, SOCK_CLOEXEC, SOCK_STREAM};
        let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&fd, &SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)).unwrap();
        listen(&fd, 1).unwrap();
        let addr = getsockname(&fd).unwrap();
        let any = SockAddr::from(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
        let listening = Ok(Some(crate::tcp::TCP_LISTEN));
        let fail = |failure| move |_: &Ends, _: u32| Err(failure);

        let unavailable = Failure::Unavailable(Errno::EPROTONOSUPPORT);
        assert_eq!(
            lookup_with(None, &addr, &any, fail(unavailable)),
            (
                listening,
                Some(Source::Proc {
                    v6: false,
                    after: Some(Errno::EPROTONOSUPPORT)
                })
            )
        );
        // Forced to sock_diag, no fallback.
        assert_eq!(
            lookup_with(Some(TcpTable::SockDiag), &addr, &any, fail(unavailable)),
            (Err(Errno::EPROTONOSUPPORT), Some(Source::SockDiag))
        );
        // Any other failure is the error.
        let failed = Failure::Failed(Errno::EBADMSG);
        assert_eq!(
            lookup_with(None, &addr, &any, fail(failed)),
            (Err(Errno::EBADMSG), Some(Source::SockDiag))
        );
        // Forced to /proc, sock_diag is not asked at all.
        let never = |_: &Ends, _: u32| -> core::result::Result<Option<TcpState>, Failure> {
            panic!("sock_diag asked")
        };
        assert_eq!(
            lookup_with(Some(TcpTable::Proc), &addr, &any, never),
            (
                listening,
                Some(Source::Proc {
                    v6: false,
                    after: None
                })
            )
        );
        // Nor for addresses refused before any table.
        let unix = SockAddr::unnamed();
        assert_eq!(
            lookup_with(None, &unix, &any, never),
            (Err(Errno::EAFNOSUPPORT), None)
        );
        // And the real one answers too.
        assert_eq!(
            lookup(None, &addr, &any),
            (listening, Some(Source::SockDiag))
        );
    }

    // -- The trace line ------------------------------------------------------------

    #[test]
    fn answers_read_as_the_trace_shows_them() {
        let show = |ret, source| Answer { ret, source }.to_string();
        assert_eq!(
            show(Ok(Some(TcpState::from_raw(6))), Some(Source::SockDiag)),
            "TIME_WAIT (sock_diag)"
        );
        assert_eq!(
            show(
                Ok(None),
                Some(Source::Proc {
                    v6: false,
                    after: None
                })
            ),
            "none (/proc/net/tcp)"
        );
        assert_eq!(
            show(
                Ok(Some(TcpState::from_raw(1))),
                Some(Source::Proc {
                    v6: true,
                    after: Some(Errno::EPROTONOSUPPORT)
                })
            ),
            "ESTABLISHED (/proc/net/tcp6; sock_diag: EPROTONOSUPPORT)"
        );
        assert_eq!(
            show(Err(Errno::EBADMSG), Some(Source::SockDiag)),
            "-1 EBADMSG (Bad message) (sock_diag)"
        );
        assert_eq!(
            show(Err(Errno::EAFNOSUPPORT), None),
            "-1 EAFNOSUPPORT (Address family not supported by protocol)"
        );
        assert_eq!(
            show(Ok(Some(TcpState::from_raw(13))), Some(Source::SockDiag)),
            "13 (sock_diag)"
        );
    }
}
