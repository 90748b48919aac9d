//! Data transfer: `send` and `recv` on connected sockets, `sendto` and `recvfrom`
//! with an address, and their flags.

use std::os::fd::{AsFd, RawFd};

use crate::addr::{SockAddr, ToSockAddr};
use crate::macros::c_flags;
use crate::raw::{self, Filled};
use crate::socket::fd_of;
use crate::sys::{self, c_int, socklen_t};
use crate::trace::{self, trace, traced, Data, Ret};
use crate::Result;

c_flags! {
    /// The `flags` of `send`, `recv` and their relatives: `MSG_PEEK | MSG_DONTWAIT`, or
    /// the plain `0` that C code writes.
    pub struct MsgFlags(c_int);
    /// Look at incoming data without taking it off the queue.
    const MSG_PEEK = sys::MSG_PEEK;
    /// This call only: do not block (`EAGAIN` instead), whatever `O_NONBLOCK` says.
    const MSG_DONTWAIT = sys::MSG_DONTWAIT;
    /// `recv` waits for the whole buffer (unless a signal, an error or EOF comes first).
    const MSG_WAITALL = sys::MSG_WAITALL;
    /// Out-of-band data.
    const MSG_OOB = sys::MSG_OOB;
    /// Bypass routing: send only to directly connected hosts.
    const MSG_DONTROUTE = sys::MSG_DONTROUTE;
    /// End of record (for `SOCK_SEQPACKET`).
    const MSG_EOR = sys::MSG_EOR;
    /// A datagram was longer than the buffer (reported by `recvmsg`; with `recv` on
    /// Linux, return the real length).
    const MSG_TRUNC = sys::MSG_TRUNC;
    /// Control data was cut short (reported by `recvmsg`).
    const MSG_CTRUNC = sys::MSG_CTRUNC;
    /// Do not raise `SIGPIPE` when the peer has gone; return `EPIPE` only. Not on
    /// Apple's systems, which use the `SO_NOSIGPIPE` option instead.
    #[cfg(have_msg_nosignal)]
    const MSG_NOSIGNAL = sys::MSG_NOSIGNAL;
    /// More data follows (Linux): the kernel holds a UDP datagram or TCP segment back
    /// until a send without the flag, as `TCP_CORK` or `UDP_CORK` do for one call.
    #[cfg(have_linux_msg_flags)]
    const MSG_MORE = sys::MSG_MORE;
    /// Receive from the socket's error queue (Linux), where `IP_RECVERR` puts the ICMP
    /// errors and timestamps that a plain receive never reports; read with `recvmsg`,
    /// which returns them as control messages.
    #[cfg(have_linux_msg_flags)]
    const MSG_ERRQUEUE = sys::MSG_ERRQUEUE;
    /// The neighbour on the path answered (Linux): tells the kernel's neighbour cache
    /// that the next hop is reachable, sparing an ARP or NDP probe; for datagram and
    /// raw sockets.
    #[cfg(have_linux_msg_flags)]
    const MSG_CONFIRM = sys::MSG_CONFIRM;
    /// Descriptors received through `SCM_RIGHTS` get `FD_CLOEXEC` in the same call
    /// (Linux; a `recvmsg` flag).
    #[cfg(have_linux_msg_flags)]
    const MSG_CMSG_CLOEXEC = sys::MSG_CMSG_CLOEXEC;
    /// `recvmmsg` returns once one datagram is in, without blocking for the rest (Linux).
    #[cfg(have_mmsg)]
    const MSG_WAITFORONE = sys::MSG_WAITFORONE;
}

/// `send(sockfd, buf, len, flags)`—Sends bytes on a connected socket.
///
/// ```c
/// ssize_t send(int sockfd, const void *buf, size_t len, int flags);
/// ```
///
/// Returns how many bytes the kernel took, which may be fewer than `buf.len()` on a
/// stream socket: send the rest yourself, as in C. No flag is added. The trace shows
/// the data as strace does: `send(4, "Hello Server", 12, 0) = 12`.
///
/// # `SIGPIPE`
///
/// Sending on a connection the peer has closed makes the kernel raise `SIGPIPE`,
/// which kills a C program. Rust's runtime sets `SIGPIPE` to be ignored before `main`,
/// so a Rust program instead gets `Err(Errno::EPIPE)` and lives on. `MSG_NOSIGNAL`
/// still matters where the signal is not ignored: in a program that restored the
/// default disposition (as some CLI tools do), in a Rust library loaded into a C
/// program, or with a handler installed; with it, the kernel raises no signal at all
/// and `EPIPE` is all that happens.
///
/// # Errors
///
/// `EAGAIN` (non-blocking or `MSG_DONTWAIT`, no room), `EPIPE` (the connection is shut
/// for writing; see above), `ECONNRESET`, `ENOTCONN`, `EDESTADDRREQ`, `EMSGSIZE`
/// (datagram too large), `EINTR` (not retried).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/send.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/send.2.html)
#[inline]
pub fn send(fd: &impl AsFd, buf: &[u8], flags: impl Into<MsgFlags>) -> Result<usize> {
    let flags = flags.into();
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = send_faulted(fd.as_fd(), buf, flags) {
            return ret;
        }
    }
    let ret = raw::send(fd.as_fd(), buf, flags.as_raw());
    traced(ret, |&n| n, |ret| trace_send(fd_of(fd), buf, flags, ret))
}

#[cold]
#[inline(never)]
fn trace_send(fd: RawFd, buf: &[u8], flags: MsgFlags, ret: Result<usize>) {
    trace::emit(format_args!(
        "send({fd}, {}, {}, {flags:?}) = {}",
        Data(buf),
        buf.len(),
        Ret(ret)
    ));
}

/// `recv(sockfd, buf, len, flags)`—Receives bytes from a socket.
///
/// ```c
/// ssize_t recv(int sockfd, void *buf, size_t len, int flags);
/// ```
///
/// Fills the front of `buf` (a plain `&mut [u8]`) and returns how many bytes it wrote.
/// `Ok(0)` on a stream socket means the peer shut down its side: end-of-file.
///
/// With `MSG_TRUNC` on a datagram socket (Linux), the value is the datagram's real
/// length, which can exceed `buf.len()` (only `buf.len()` bytes were written): take
/// `&buf[..n.min(buf.len())]`, since `&buf[..n]` would then panic.
///
/// The trace shows the bytes received as strace does: `recv(5, "Hello Server", 64, 0)
/// = 12`, and `...` for the buffer when the call failed.
///
/// # Errors
///
/// `EAGAIN` (non-blocking or `MSG_DONTWAIT` with nothing queued, or an
/// `SO_RCVTIMEO` timeout), `ECONNRESET`, `ENOTCONN`, `ECONNREFUSED` (a connected UDP
/// socket got an ICMP refusal), `EINTR` (not retried).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/recv.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/recv.2.html)
#[inline]
pub fn recv(fd: &impl AsFd, buf: &mut [u8], flags: impl Into<MsgFlags>) -> Result<usize> {
    let flags = flags.into();
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = recv_faulted(fd.as_fd(), buf, flags) {
            return ret;
        }
    }
    let ret = raw::recv(fd.as_fd(), buf, flags.as_raw());
    traced(ret, |&n| n, |ret| trace_recv(fd_of(fd), buf, flags, ret))
}

#[cold]
#[inline(never)]
fn trace_recv(fd: RawFd, buf: &[u8], flags: MsgFlags, ret: Result<usize>) {
    match ret {
        Ok(n) => trace::emit(format_args!(
            "recv({fd}, {}, {}, {flags:?}) = {n}",
            Data(&buf[..n.min(buf.len())]),
            buf.len()
        )),
        Err(e) => trace::emit(format_args!(
            "recv({fd}, ..., {}, {flags:?}) = -1 {e}",
            buf.len()
        )),
    }
}

/// `sendto(sockfd, buf, len, flags, dest_addr, addrlen)`—Sends a datagram to an
/// address.
///
/// ```c
/// ssize_t sendto(int sockfd, const void *buf, size_t len, int flags,
///                const struct sockaddr *dest_addr, socklen_t addrlen);
/// ```
///
/// `addr` is a [`SockAddr`] or std's `SocketAddr`/`SocketAddrV4`/`SocketAddrV6`
/// ([`ToSockAddr`]), passed with its length, as [`connect`](crate::connect) takes it;
/// a `SockAddr` goes to the kernel as it is, so a datagram socket can be sent to from
/// a server's loop with no conversion. The address is not judged before the call: one
/// of the wrong family or length reaches the kernel, which answers as it does in C.
/// On a datagram socket each call is one datagram, all of `buf` or nothing (the count
/// returned is `buf.len()`); on a connected UDP socket Linux sends to `addr` all
/// the same. No flag is added. The trace shows the data and the address:
/// `sendto(3, "hello", 5, 0, {AF_INET, 127.0.0.1:5353}, 16) = 5`.
///
/// # Errors
///
/// `EMSGSIZE` (a datagram larger than the protocol allows: 65,507 bytes of UDP over
/// IPv4), `EAFNOSUPPORT` (an address of another family than the socket's), `EINVAL`
/// (an address length the family does not accept), `EISCONN` (an address on a
/// connected Unix-domain stream socket; TCP ignores it), `EACCES` (a broadcast
/// address without `SO_BROADCAST`), `ECONNREFUSED` (on a connected UDP socket, an
/// earlier datagram met an ICMP refusal), `EAGAIN` (non-blocking or `MSG_DONTWAIT`,
/// no room), `ENETUNREACH`, `EINTR` (not retried).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sendto.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/sendto.2.html)
#[inline]
pub fn sendto<A: ToSockAddr + ?Sized>(
    fd: &impl AsFd,
    buf: &[u8],
    flags: impl Into<MsgFlags>,
    addr: &A,
) -> Result<usize> {
    let flags = flags.into();
    let addr = addr.to_sock_addr();
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = sendto_faulted(fd.as_fd(), buf, &addr, flags) {
            return ret;
        }
    }
    let ret = raw::sendto(fd.as_fd(), buf, flags.as_raw(), addr.storage());
    traced(
        ret,
        |&n| n,
        |ret| trace_sendto(fd_of(fd), buf, flags, &addr, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_sendto(fd: RawFd, buf: &[u8], flags: MsgFlags, addr: &SockAddr, ret: Result<usize>) {
    trace::emit(format_args!(
        "sendto({fd}, {}, {}, {flags:?}, {addr:?}, {}) = {}",
        Data(buf),
        buf.len(),
        addr.len(),
        Ret(ret)
    ));
}

/// `recvfrom(sockfd, buf, len, flags, src_addr, addrlen)`—Receives a datagram and
/// the address it came from.
///
/// ```c
/// ssize_t recvfrom(int sockfd, void *restrict buf, size_t len, int flags,
///                  struct sockaddr *restrict src_addr,
///                  socklen_t *restrict addrlen);
/// ```
///
/// Fills the front of `buf` (a plain `&mut [u8]`) and returns how many bytes it wrote
/// with the sender's address, which C returns through `src_addr`/`addrlen`. The kernel
/// writes the address straight into the storage of the returned [`SockAddr`], as C's
/// `struct sockaddr_storage` on the stack; a program that does not look at it
/// (`let (n, _peer) = recvfrom(…)?`) pays for no copy of it.
///
/// A datagram longer than `buf` is cut: the rest is discarded, and the call returns
/// `buf.len()`. With `MSG_TRUNC` on a datagram socket (Linux), the value is the
/// datagram's real length, which can exceed `buf.len()` (only `buf.len()` bytes were
/// written): take `&buf[..n.min(buf.len())]`, since `&buf[..n]` would then panic.
///
/// The address is what the kernel reported, of any family. Where there is no sender
/// to name, Linux reports no address at all, and the `SockAddr` has length 0 (family
/// `AF_UNSPEC`, [`as_bytes`](SockAddr::as_bytes) empty): on a connected stream
/// socket (TCP), and from an unbound `AF_UNIX` sender (a `socketpair` end, or a
/// datagram socket that never called `bind`).
///
/// The trace shows the bytes received, the address and the length the kernel
/// reported: `recvfrom(3, "hello", 64, 0, {AF_INET, 127.0.0.1:40000}, [16]) = 5`, and
/// `...` for the buffer and the address, with the length passed in, when the call
/// failed: `recvfrom(3, ..., 64, 0, ..., [128]) = -1 EAGAIN (Resource temporarily
/// unavailable)`.
///
/// # Errors
///
/// `EAGAIN` (non-blocking or `MSG_DONTWAIT` with nothing queued, or an
/// `SO_RCVTIMEO` timeout), `ECONNREFUSED` (a connected UDP socket got an ICMP
/// refusal for an earlier datagram), `ENOTCONN` (a stream socket that is not
/// connected), `EINTR` (not retried).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/recvfrom.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/recvfrom.2.html)
#[inline(always)]
pub fn recvfrom(
    fd: &impl AsFd,
    buf: &mut [u8],
    flags: impl Into<MsgFlags>,
) -> Result<(usize, SockAddr)> {
    let flags = flags.into();
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = recvfrom_injected(fd.as_fd(), buf, flags) {
            return ret;
        }
    }
    raw::recvfrom(
        fd.as_fd(),
        buf,
        flags.as_raw(),
        // `raw::recvfrom` runs this on each outcome's own path, so the match is
        // settled there; each formatter takes plain values only, and no `Result` is
        // stored for the trace.
        |ret, buf, peer| match ret {
            Ok(n) => trace!(trace_recvfrom_ok(fd_of(fd), buf, buf.len(), flags, n, peer)),
            Err(e) => trace!(trace_recvfrom_err(fd_of(fd), buf.len(), flags, e)),
        },
        |n, peer| (n, SockAddr::from_storage(peer)),
    )
}

/// The `addrlen` C passes in: the whole `sockaddr_storage`.
const STORAGE_SIZE: socklen_t = core::mem::size_of::<sys::sockaddr_storage>() as socklen_t;

#[cold]
#[inline(never)]
fn trace_recvfrom_ok(
    fd: RawFd,
    buf: &[u8],
    buf_len: usize,
    flags: MsgFlags,
    n: usize,
    peer: Filled<'_>,
) {
    let len = peer.reported_len();
    let peer = SockAddr::from_storage(peer.get());
    trace::emit(format_args!(
        "recvfrom({fd}, {}, {buf_len}, {flags:?}, {peer:?}, [{len}]) = {n}",
        Data(&buf[..n.min(buf.len())]),
    ));
}

/// `recvfrom` under a running plan: `None` for the real call; else a failure with no
/// syscall, or the real call asking for fewer bytes (the trace shows the length the
/// caller passed).
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn recvfrom_injected(
    fd: std::os::fd::BorrowedFd<'_>,
    buf: &mut [u8],
    flags: MsgFlags,
) -> Option<Result<(usize, SockAddr)>> {
    let fault = crate::fault::check(crate::fault::Call::recvfrom, Some(fd))?;
    let full = buf.len();
    let n = match crate::fault::io_limit(fault, full) {
        Ok(n) => n,
        Err(e) => {
            trace!(trace_recvfrom_err(fd_of(&fd), full, flags, e));
            return Some(Err(e));
        }
    };
    let ret = raw::recvfrom(
        fd.as_fd(),
        &mut buf[..n],
        flags.as_raw(),
        |ret, buf, peer| match ret {
            Ok(n) => trace!(trace_recvfrom_ok(fd_of(&fd), buf, full, flags, n, peer)),
            Err(e) => trace!(trace_recvfrom_err(fd_of(&fd), full, flags, e)),
        },
        |n, peer| (n, SockAddr::from_storage(peer)),
    );
    Some(ret)
}

#[cold]
#[inline(never)]
fn trace_recvfrom_err(fd: RawFd, len: usize, flags: MsgFlags, e: crate::Errno) {
    trace::emit(format_args!(
        "recvfrom({fd}, ..., {len}, {flags:?}, ..., [{STORAGE_SIZE}]) = -1 {e}"
    ));
}

/// `send` under a running plan: the injected result, or `None` for the real call.
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn send_faulted(
    fd: std::os::fd::BorrowedFd<'_>,
    buf: &[u8],
    flags: MsgFlags,
) -> Option<Result<usize>> {
    let fault = crate::fault::check(crate::fault::Call::send, Some(fd))?;
    let ret = crate::fault::io_limit(fault, buf.len())
        .and_then(|n| raw::send(fd.as_fd(), &buf[..n], flags.as_raw()));
    Some(traced(
        ret,
        |&n| n,
        |ret| trace_send(fd_of(&fd), buf, flags, ret),
    ))
}

/// `recv` under a running plan: the injected result, or `None` for the real call.
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn recv_faulted(
    fd: std::os::fd::BorrowedFd<'_>,
    buf: &mut [u8],
    flags: MsgFlags,
) -> Option<Result<usize>> {
    let fault = crate::fault::check(crate::fault::Call::recv, Some(fd))?;
    let ret = crate::fault::io_limit(fault, buf.len())
        .and_then(|n| raw::recv(fd.as_fd(), &mut buf[..n], flags.as_raw()));
    Some(traced(
        ret,
        |&n| n,
        |ret| trace_recv(fd_of(&fd), buf, flags, ret),
    ))
}

/// `sendto` under a running plan: the injected result, or `None` for the real call.
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn sendto_faulted(
    fd: std::os::fd::BorrowedFd<'_>,
    buf: &[u8],
    addr: &SockAddr,
    flags: MsgFlags,
) -> Option<Result<usize>> {
    let fault = crate::fault::check(crate::fault::Call::sendto, Some(fd))?;
    let ret = crate::fault::io_limit(fault, buf.len())
        .and_then(|n| raw::sendto(fd.as_fd(), &buf[..n], flags.as_raw(), addr.storage()));
    Some(traced(
        ret,
        |&n| n,
        |ret| trace_sendto(fd_of(&fd), buf, flags, addr, ret),
    ))
}
