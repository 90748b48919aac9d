//! *Beyond the C API*: [`sendall`], the loop C programs write around `send`, and
//! `std::io::Read`/`Write` for [`Socket`], each method one C call.

use core::fmt;
use std::io::{self, Read, Write};
#[cfg(have_linux_cmsg)]
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::AsFd;

use crate::io::{recv, send, MsgFlags};
use crate::socket::Socket;
use crate::{Errno, Result};

/// `sendall(sockfd, buf, flags)`—Sends all of `buf`, calling `send` until nothing is
/// left. *Beyond the C API: not a C call.*
///
/// The loop every C program writes around `send` by hand, as W. Richard Stevens'
/// `writen` (*UNIX Network Programming*) and the `sendall` of Beej's *Guide to Network
/// Programming* write it:
///
/// ```c
/// const char *ptr = buf;
/// size_t nleft = len;
/// while (nleft > 0) {
///     ssize_t n = send(sockfd, ptr, nleft, flags);
///     if (n <= 0) {
///         if (n < 0 && errno == EINTR)
///             continue;               /* interrupted before any byte: call send again */
///         return -1;                  /* error */
///     }
///     nleft -= n;
///     ptr += n;
/// }
/// ```
///
/// Each pass is one [`send`] of the bytes still left, with `flags` unchanged, so the
/// trace shows every call the loop makes (`send(3, "…"..., 65536, 0) = 43690`, then
/// `send(3, "…"..., 21846, 0) = 21846`), and nothing else: no summary line, no other
/// call. No heap allocation.
///
/// On success every byte was sent: `Ok(())` is never short. The cases, one by one:
///
/// - **A short count** (a signal arrived after the kernel took some bytes, or the
///   socket's buffer filled on a non-blocking socket): the loop sends the rest.
/// - **`EINTR`** (a signal arrived before the kernel took any byte, on a handler
///   installed without `SA_RESTART`): retried, as `writen` retries it, and no other
///   error is. (Beej's `sendall` does not retry it.)
/// - **Any other error**: the loop stops and returns it as a [`SendAllError`], whose
///   [`sent`](SendAllError::sent) says how many bytes went out before it. A
///   non-blocking socket (`O_NONBLOCK`, `SOCK_NONBLOCK` or `MSG_DONTWAIT`) whose buffer
///   fills returns `EAGAIN` with `sent()`, as does a blocking one whose `SO_SNDTIMEO`
///   ran out: wait for `POLLOUT` and call again with `&buf[e.sent()..]`, the bytes not
///   yet sent (see the example below).
/// - **An empty `buf`**: no call at all, `Ok(())`, as `writen` and Beej's loop (both
///   `while` loops on the bytes left) make none. On a datagram socket that means no
///   empty datagram is sent: call [`send`] for one.
/// - **`send` returns 0** for bytes left: it cannot happen on a stream socket on Linux
///   (the kernel blocks, or fails with `EAGAIN`), but where it did (another system, a
///   shim under `LD_PRELOAD`), calling again could spin forever. `writen` returns -1
///   then, as here: `Err` with [`Errno::EPIPE`] ("the connection takes no more") and
///   `sent()`; the trace's last line, `= 0`, shows what happened.
/// - **`send` returns more than it was given** (no kernel does; a broken shim
///   might): `Err` with [`Errno::EIO`] and the `sent()` before that call, rather
///   than a claim that every byte went out.
///
/// On a datagram socket each `send` is a whole datagram or an error (`EMSGSIZE` for
/// one too large), so `sendall` makes one call, never splitting a datagram.
///
/// The errors are [`send`]'s: `EPIPE` when the peer has gone (pass `MSG_NOSIGNAL`
/// where `SIGPIPE` is not ignored; see [`send`]), `ECONNRESET`, `EAGAIN` with `sent()`.
///
/// ```
/// use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// sendall(&a, b"Hello, world!\n", 0)?; // `?` makes the SendAllError an Errno
/// let mut buf = [0u8; 14];
/// assert_eq!(recv(&b, &mut buf, MSG_WAITALL)?, 14);
/// # Ok(()) }
/// ```
///
/// Resuming on a non-blocking socket, from where `EAGAIN` stopped it:
///
/// ```
/// use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// let data = vec![7u8; 1 << 20]; // more than the socket buffers hold
/// let reader = std::thread::spawn(move || {
///     let mut buf = [0u8; 65536];
///     let mut total = 0;
///     while total < 1 << 20 {
///         total += recv(&b, &mut buf, 0).expect("recv");
///     }
///     total
/// });
/// let mut rest = &data[..];
/// loop {
///     match sendall(&a, rest, MSG_DONTWAIT) {
///         Ok(()) => break,
///         Err(e) if e.errno() == Errno::EAGAIN => {
///             rest = &rest[e.sent()..];
///             poll(&mut [pollfd::new(&a, POLLOUT)], -1)?; // room again
///         }
///         Err(e) => return Err(e.into()),
///     }
/// }
/// assert_eq!(reader.join().unwrap(), 1 << 20);
/// # Ok(()) }
/// ```
///
/// # References
///
/// - W. Richard Stevens, *UNIX Network Programming*, vol. 1, §3.9, `writen`
/// - [Beej's Guide to Network Programming, §7.4, "Handling Partial `send()`s"](https://beej.us/guide/bgnet/html/#sendall)
/// - [POSIX `send`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/send.html)
#[doc(alias("writen", "send_all"))]
#[inline]
pub fn sendall(fd: &impl AsFd, buf: &[u8], flags: impl Into<MsgFlags>) -> Result<(), SendAllError> {
    let flags = flags.into();
    send_loop(buf, |rest| send(fd, rest, flags))
}

/// The loop of [`sendall`] over any `send`, so that the tests can hand it one that
/// returns what the kernel does not (0).
#[inline(always)]
fn send_loop(buf: &[u8], mut send: impl FnMut(&[u8]) -> Result<usize>) -> Result<(), SendAllError> {
    let mut sent = 0;
    let mut last = 0;
    // `sent < buf.len()` keeps the slice below in bounds (`sent` cannot overflow: each
    // count is at most `isize::MAX`, as is `buf.len()`).
    while sent < buf.len() {
        match send(&buf[sent..]) {
            Ok(0) => return Err(SendAllError::new(Errno::EPIPE, sent, buf.len())),
            Ok(n) => {
                sent += n;
                last = n;
            }
            Err(Errno::EINTR) => {}
            Err(errno) => return Err(SendAllError::new(errno, sent, buf.len())),
        }
    }
    // A count above what was passed (which no kernel returns) ended the loop: `EIO`,
    // with the bytes before that call, not a claim that all went out. Tested once,
    // here, rather than on every pass.
    if sent > buf.len() {
        return Err(SendAllError::new(Errno::EIO, sent - last, buf.len()));
    }
    Ok(())
}

/// Why [`sendall`] stopped: the [`Errno`] of the `send` that failed, and how many
/// bytes went out before it.
///
/// `Display` and `Debug` both read `EAGAIN (Resource temporarily unavailable) after
/// 4096 of 65536 bytes`: the errno, then the bytes sent of the buffer's length.
///
/// It converts into an [`Errno`] (so `?` works in a `fn main() -> sockapi::Result<()>`;
/// the counts are dropped) and into an [`io::Error`] of the errno's kind that carries
/// it whole (`get_ref()` and `downcast_ref::<SendAllError>()` give it back).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SendAllError {
    errno: Errno,
    sent: usize,
    total: usize,
}

impl SendAllError {
    #[cold]
    fn new(errno: Errno, sent: usize, total: usize) -> SendAllError {
        SendAllError { errno, sent, total }
    }

    /// The bytes of the buffer that went out before the error: resume with
    /// `&buf[e.sent()..]`.
    #[inline]
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// The error of the `send` that failed (`EPIPE` too for a `send` that took none
    /// of the bytes left without an error; see [`sendall`]).
    #[inline]
    pub fn errno(&self) -> Errno {
        self.errno
    }

    /// The length of the buffer [`sendall`] was given.
    #[inline]
    pub fn total(&self) -> usize {
        self.total
    }
}

/// `EAGAIN (Resource temporarily unavailable) after 4096 of 65536 bytes`.
impl fmt::Display for SendAllError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} after {} of {} bytes",
            self.errno, self.sent, self.total
        )
    }
}

/// The same as `Display`, as for [`Errno`], so that `main` returning `Err(e)` says
/// what failed and how far it got.
impl fmt::Debug for SendAllError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The source is the [`Errno`].
impl std::error::Error for SendAllError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.errno)
    }
}

/// The errno alone; [`sent`](SendAllError::sent) is dropped.
impl From<SendAllError> for Errno {
    #[inline]
    fn from(e: SendAllError) -> Errno {
        e.errno
    }
}

/// An error of the errno's kind (`WouldBlock` for `EAGAIN`, `BrokenPipe` for
/// `EPIPE`, …) holding the `SendAllError`, so that `sent()` survives: `raw_os_error()`
/// is `None`; `e.get_ref().and_then(|e| e.downcast_ref::<SendAllError>())` gives it
/// back. (This allocates, as `io::Error::new` does; only on this error path.)
impl From<SendAllError> for io::Error {
    fn from(e: SendAllError) -> io::Error {
        io::Error::new(io::Error::from(e.errno).kind(), e)
    }
}

/// The most buffers a `sendmsg` or `recvmsg` takes (Linux's `UIO_MAXIOV`, glibc's
/// `IOV_MAX`); with more the kernel fails with `EMSGSIZE`.
#[cfg(have_linux_cmsg)]
const IOV_MAX: usize = libc::UIO_MAXIOV as usize;

/// Reads with `recv(fd, buf, len, 0)`: one call per `read`, so a `BufReader`,
/// `read_exact`, `read_to_end`, `read_line` or `std::io::copy` over a socket makes the
/// `recv` calls C would, each in the trace.
///
/// Errors are the [`Errno`] as an [`io::Error`]: `EINTR` is
/// [`ErrorKind::Interrupted`](io::ErrorKind::Interrupted), which std's `read_exact`
/// and `read_to_end` retry, as std's own sockets do; `EAGAIN` (non-blocking, or an
/// `SO_RCVTIMEO` timeout) is `WouldBlock`. `Ok(0)` is the peer's end-of-file on a
/// stream socket.
///
/// `read_vectored` is `recvmsg` with the caller's buffers as the `iovec`s (Linux), no
/// control buffer, flags 0; with more than `IOV_MAX` (1024) buffers it passes the
/// first 1024, as std does for its sockets' `readv`, where the kernel would refuse
/// them all with `EMSGSIZE`. Elsewhere it is std's default, one `recv` into the first
/// non-empty buffer.
///
/// ```
/// use sockapi::*;
/// use std::io::{BufRead, BufReader};
/// # fn main() -> std::io::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// sendall(&a, b"HELO example.org\r\nQUIT\r\n", 0)?;
/// shutdown(&a, SHUT_WR)?;
/// let lines: Vec<String> = BufReader::new(&b).lines().collect::<Result<_, _>>()?;
/// assert_eq!(lines, ["HELO example.org", "QUIT"]); // `lines` drops the "\r\n"
/// # Ok(()) }
/// ```
impl Read for &Socket {
    /// `recv(fd, buf, buf.len(), 0)`.
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(recv(*self, buf, 0)?)
    }

    /// `recvmsg(fd, &msg, 0)`, `msg_iov` the buffers (at most the first 1024),
    /// `msg_control` NULL.
    #[cfg(have_linux_cmsg)]
    #[inline]
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        let n = bufs.len().min(IOV_MAX);
        let mut msg = crate::MsgHdrMut::from_parts(&mut bufs[..n], &mut []);
        Ok(crate::recvmsg(*self, &mut msg, 0)?)
    }
}

/// As for `&Socket`: `recv(fd, buf, len, 0)`; `read_vectored` is `recvmsg` (Linux).
impl Read for Socket {
    /// `recv(fd, buf, buf.len(), 0)`.
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }

    /// `recvmsg(fd, &msg, 0)`, as for `&Socket`.
    #[cfg(have_linux_cmsg)]
    #[inline]
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        (&*self).read_vectored(bufs)
    }
}

/// Writes with `send(fd, buf, len, 0)`: one call per `write`, and `flush` makes none
/// (a socket has no user-space buffer; wrap it in a `BufWriter` for one). std's
/// `write_all` loops as [`sendall`] does (retrying `Interrupted`, failing with
/// `WriteZero` on a 0), with the same `send` calls in the trace.
///
/// Flags are 0, as in C's `send(fd, buf, len, 0)`: unlike std's `TcpStream`, which
/// passes `MSG_NOSIGNAL` on Linux, nothing is added, so where `SIGPIPE` is not ignored
/// a write to a peer that has gone raises it; Rust programs ignore it from the start,
/// and get `EPIPE` ([`ErrorKind::BrokenPipe`](io::ErrorKind::BrokenPipe)). For
/// `MSG_NOSIGNAL`, call [`send`] or [`sendall`] with it. Errors convert as for `Read`:
/// `EINTR` is `Interrupted`, `EAGAIN` is `WouldBlock`.
///
/// `write_vectored` is `sendmsg` with the caller's buffers as the `iovec`s (Linux), no
/// address, no control data, flags 0, one call; with more than `IOV_MAX` (1024)
/// buffers it sends the first 1024 (a short count, which a loop resumes from), as std
/// does for its sockets' `writev`, where the kernel would refuse them all with
/// `EMSGSIZE`. Elsewhere it is std's default, one `send` of the first non-empty buffer.
///
/// ```
/// use sockapi::*;
/// use std::io::{Read, Write};
/// # fn main() -> std::io::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// write!(&a, "{} {}\n", "GET", "/")?; // a send per piece: "GET", " ", "/", "\n"
/// drop(a);
/// let mut text = String::new();
/// (&b).read_to_string(&mut text)?;
/// assert_eq!(text, "GET /\n");
/// # Ok(()) }
/// ```
impl Write for &Socket {
    /// `send(fd, buf, buf.len(), 0)`.
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(send(*self, buf, 0)?)
    }

    /// `sendmsg(fd, &msg, 0)`, `msg_iov` the buffers (at most the first 1024),
    /// `msg_name` and `msg_control` NULL.
    #[cfg(have_linux_cmsg)]
    #[inline]
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let bufs = &bufs[..bufs.len().min(IOV_MAX)];
        let msg = crate::MsgHdr::new(None, bufs, crate::Control::NONE);
        Ok(crate::sendmsg(*self, &msg, 0)?)
    }

    /// Nothing to flush: no call.
    #[inline]
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// As for `&Socket`: `send(fd, buf, len, 0)`; `write_vectored` is `sendmsg` (Linux);
/// `flush` makes no call.
impl Write for Socket {
    /// `send(fd, buf, buf.len(), 0)`.
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    /// `sendmsg(fd, &msg, 0)`, as for `&Socket`.
    #[cfg(have_linux_cmsg)]
    #[inline]
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        (&*self).write_vectored(bufs)
    }

    /// Nothing to flush: no call.
    #[inline]
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `send` that returns the counts given, in turn, and records the length of
    /// each buffer it was passed.
    fn scripted<'s>(
        script: &'s [Result<usize>],
        lens: &'s mut Vec<usize>,
    ) -> impl FnMut(&[u8]) -> Result<usize> + 's {
        let mut next = script.iter();
        move |rest| {
            lens.push(rest.len());
            *next.next().expect("no more calls scripted")
        }
    }

    #[test]
    fn short_counts_send_the_rest() {
        let mut lens = Vec::new();
        let script = [Ok(3), Ok(4), Ok(3)];
        assert_eq!(send_loop(&[0; 10], scripted(&script, &mut lens)), Ok(()));
        assert_eq!(lens, [10, 7, 3]);
    }

    #[test]
    fn eintr_is_retried_and_nothing_else() {
        let mut lens = Vec::new();
        let script = [Ok(2), Err(Errno::EINTR), Err(Errno::EINTR), Ok(8)];
        assert_eq!(send_loop(&[0; 10], scripted(&script, &mut lens)), Ok(()));
        assert_eq!(lens, [10, 8, 8, 8]);

        let mut lens = Vec::new();
        let script = [Ok(6), Err(Errno::EAGAIN)];
        let e = send_loop(&[0; 10], scripted(&script, &mut lens)).unwrap_err();
        assert_eq!((e.errno(), e.sent(), e.total()), (Errno::EAGAIN, 6, 10));
        assert_eq!(lens, [10, 4]);
    }

    #[test]
    fn zero_for_bytes_left_is_epipe_not_a_spin() {
        let mut lens = Vec::new();
        let script = [Ok(5), Ok(0)];
        let e = send_loop(&[0; 10], scripted(&script, &mut lens)).unwrap_err();
        assert_eq!((e.errno(), e.sent(), e.total()), (Errno::EPIPE, 5, 10));
        assert_eq!(lens, [10, 5]);
    }

    #[test]
    fn empty_buffer_makes_no_call() {
        let mut lens = Vec::new();
        assert_eq!(send_loop(&[], scripted(&[], &mut lens)), Ok(()));
        assert!(lens.is_empty());
    }

    #[test]
    fn a_count_above_the_rest_is_eio_without_a_panic() {
        let mut lens = Vec::new();
        let script = [Ok(4), Ok(100)];
        assert_eq!(
            send_loop(&[0; 10], scripted(&script, &mut lens)),
            Err(SendAllError::new(Errno::EIO, 4, 10))
        );
        assert_eq!(lens, [10, 6]);
    }
}
