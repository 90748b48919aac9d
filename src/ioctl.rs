//! `ioctl` for the socket requests test harnesses use, typed: `FIONREAD` / `SIOCINQ`
//! (bytes waiting), `SIOCOUTQ` (bytes not yet sent or acknowledged), `FIONBIO`
//! (non-blocking on or off).
//!
//! C's `ioctl` is variadic and its third argument is a pointer whose meaning the
//! request number decides. Here, as with [`fcntl`](crate::fcntl()), the request
//! carries its argument and its type fixes what the call returns: a request that
//! reads is a value (`FIONREAD`), one that sets wraps its argument (`FIONBIO(&1)`),
//! so the C line keeps its shape:
//!
//! ```
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
//! send(&a, b"hello", 0)?;
//! // int n; ioctl(fd, FIONREAD, &n);
//! let n = ioctl(&b, FIONREAD)?;
//! assert_eq!(n, 5);
//! // int on = 1; ioctl(fd, FIONBIO, &on);
//! ioctl(&b, FIONBIO(&1))?;
//! # Ok(()) }
//! ```
//!
//! # Why there is no safe `ioctl` for other numbers
//!
//! The kernel treats `ioctl`'s argument as whatever the request number says: a
//! pointer to an `int`, to a struct with pointers inside, or a plain integer. A safe
//! function that took a caller's number and a caller's pointer would let safe code
//! make the kernel write anywhere. So the requests are a sealed set; each passes a
//! pointer to one `int` of its own, for a number that Linux answers by writing at most
//! one `int` on every kind of descriptor (sockets, ttys, pipes, regular files; a few
//! drivers ignore the number and read through the pointer, which cannot harm an
//! `int`; `FIONBIO` is read by the VFS for every descriptor before any driver sees
//! it). The plumbing cannot be called from outside:
//!
//! ```compile_fail,E0603
//! let token = sockapi::ioctl::sealed::Token(()); // private
//! ```

use core::fmt;
use std::os::fd::{AsFd, BorrowedFd, RawFd};

use crate::macros::inject;
use crate::raw::{self, IntIn, IntOut};
use crate::socket::fd_of;
use crate::sys::c_int;
use crate::trace::{self, traced};
use crate::Result;

/// `ioctl(fd, FIONREAD, &n)`: the bytes waiting to be read (on a stream socket, the
/// bytes queued; on a datagram socket, Linux's answer is the size of the next
/// datagram). Returns a `c_int`.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct FIONREAD;

/// `ioctl(fd, SIOCINQ, &n)`: Linux's socket name for [`FIONREAD`], the same number.
/// Returns a `c_int`. Linux.
#[cfg(have_linux_sockopts)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct SIOCINQ;

/// `ioctl(fd, SIOCOUTQ, &n)`: what waits in the send queue. On TCP, the bytes not yet
/// acknowledged (sent or not); on UDP, the bytes not yet sent; on a Unix socket, the
/// memory charged for what the peer has not read (buffer overhead included, so not a
/// byte count). Returns a `c_int`. Linux.
#[cfg(have_linux_sockopts)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct SIOCOUTQ;

/// `ioctl(fd, FIONBIO, &on)`: `O_NONBLOCK` on (non-zero) or off (`0`), in one call
/// (where `fcntl` takes `F_GETFL` then `F_SETFL`). Returns `()`.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
pub struct FIONBIO<'a>(pub &'a c_int);

/// `FIONBIO, [1]`, as the call's arguments read in the trace.
impl fmt::Debug for FIONBIO<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FIONBIO, [{}]", self.0)
    }
}

mod sealed {
    /// The first argument of `IoctlRequest::run`, which nothing outside this crate can
    /// make: requests run only through [`ioctl`](super::ioctl).
    pub struct Token(pub(super) ());

    pub trait Request {}
    impl Request for super::FIONREAD {}
    #[cfg(have_linux_sockopts)]
    impl Request for super::SIOCINQ {}
    #[cfg(have_linux_sockopts)]
    impl Request for super::SIOCOUTQ {}
    impl Request for super::FIONBIO<'_> {}
}

/// An `ioctl` request with its argument; its `Output` is what the call returns.
/// Sealed: see the [module docs](mod@crate::ioctl).
pub trait IoctlRequest: sealed::Request + Copy {
    /// What the call returns on success.
    type Output: Copy;
    #[doc(hidden)]
    fn run(self, token: sealed::Token, fd: BorrowedFd<'_>) -> Result<Self::Output>;
    /// The request and its argument as the trace shows them (`FIONREAD, [5]`);
    /// `None` for a failed call.
    #[doc(hidden)]
    fn fmt_call(self, out: Option<&Self::Output>, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// The readers: one `int` written by the kernel.
macro_rules! int_readers {
    ($($(#[cfg($cfg:meta)])? $name:ident => $req:expr;)*) => {$(
        $(#[cfg($cfg)])?
        impl IoctlRequest for $name {
            type Output = c_int;
            #[inline]
            fn run(self, _: sealed::Token, fd: BorrowedFd<'_>) -> Result<c_int> {
                raw::ioctl_get_int(fd, $req)
            }
            fn fmt_call(self, out: Option<&c_int>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match out {
                    Some(n) => write!(f, "{}, [{n}]", stringify!($name)),
                    None => write!(f, "{}, ...", stringify!($name)),
                }
            }
        }
    )*};
}

int_readers! {
    FIONREAD => READ_REQUEST;
    #[cfg(have_linux_sockopts)]
    SIOCINQ => READ_REQUEST;
    #[cfg(have_linux_sockopts)]
    SIOCOUTQ => OUTQ_REQUEST;
}

const READ_REQUEST: IntOut = crate::raw::FIONREAD;
#[cfg(have_linux_sockopts)]
const OUTQ_REQUEST: IntOut = crate::raw::SIOCOUTQ;
const NBIO_REQUEST: IntIn = crate::raw::FIONBIO;

impl IoctlRequest for FIONBIO<'_> {
    type Output = ();
    #[inline]
    fn run(self, _: sealed::Token, fd: BorrowedFd<'_>) -> Result<()> {
        raw::ioctl_set_int(fd, NBIO_REQUEST, self.0)
    }
    fn fmt_call(self, _: Option<&()>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// `ioctl(fd, request, ...)`—A device-specific request: here, the socket requests
/// `FIONREAD`, `SIOCINQ`, `SIOCOUTQ` and `FIONBIO`.
///
/// ```c
/// #include <sys/ioctl.h>
/// int ioctl(int fd, unsigned long request, ...);
/// ```
///
/// `ioctl(&fd, FIONREAD)` returns the `int` C finds in its third argument;
/// `ioctl(&fd, FIONBIO(&1))` returns `()`. One `ioctl` call each. See the
/// [module docs](mod@crate::ioctl) for why only these requests are safe.
///
/// # Errors
///
/// `EBADF`, `ENOTTY` (the descriptor does not know the request), `EINVAL` (`SIOCINQ`
/// on a listening TCP socket).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/ioctl.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/ioctl.2.html),
///   [tcp(7)](https://man7.org/linux/man-pages/man7/tcp.7.html) (`SIOCINQ`,
///   `SIOCOUTQ`), [ioctl_tty(2)](https://man7.org/linux/man-pages/man2/ioctl_tty.2.html)
///   (`FIONREAD`, `FIONBIO`)
#[doc(alias = "SIOCINQ")]
#[doc(alias = "SIOCOUTQ")]
#[doc(alias = "FIONREAD")]
#[doc(alias = "FIONBIO")]
#[inline]
pub fn ioctl<R: IoctlRequest>(fd: &impl AsFd, request: R) -> Result<R::Output> {
    let ret = inject!(
        ioctl,
        Some(fd.as_fd()),
        request.run(sealed::Token(()), fd.as_fd())
    );
    traced(ret, |&out| out, |ret| trace_ioctl(fd_of(fd), request, ret))
}

#[cold]
#[inline(never)]
fn trace_ioctl<R: IoctlRequest>(fd: RawFd, request: R, ret: Result<R::Output>) {
    struct Call<R: IoctlRequest>(R, Option<R::Output>);
    impl<R: IoctlRequest> fmt::Display for Call<R> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt_call(self.1.as_ref(), f)
        }
    }
    match ret {
        Ok(out) => trace::emit(format_args!(
            "ioctl({fd}, {}) = 0",
            Call(request, Some(out))
        )),
        Err(e) => trace::emit(format_args!(
            "ioctl({fd}, {}) = -1 {e}",
            Call(request, None)
        )),
    }
}
