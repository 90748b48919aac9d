//! Data transfer on connected sockets: `send` and `recv`, and their flags.

use std::os::fd::{AsFd, RawFd};

use crate::macros::c_flags;
use crate::raw;
use crate::socket::fd_of;
use crate::sys::{self, c_int};
use crate::trace::{self, traced, Data, Ret};
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
