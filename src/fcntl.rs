//! `fcntl` for the commands that matter on sockets: the file status flags
//! (`F_GETFL`/`F_SETFL`, for `O_NONBLOCK`) and the descriptor flags
//! (`F_GETFD`/`F_SETFD`, for `FD_CLOEXEC`).
//!
//! C's `fcntl` is variadic: `fcntl(fd, F_GETFL)` takes no argument and
//! `fcntl(fd, F_SETFL, flags)` takes one. Rust has no variadics, so the command carries
//! its argument: `F_GETFL` is a value, `F_SETFL(flags)` wraps one, and the command's
//! type fixes what the call returns.
//!
//! ```no_run
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! # let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! // int flags = fcntl(fd, F_GETFL, 0);
//! let flags = fcntl(&fd, F_GETFL)?;
//! // fcntl(fd, F_SETFL, flags | O_NONBLOCK);
//! fcntl(&fd, F_SETFL(flags | O_NONBLOCK))?;
//! # Ok(()) }
//! ```

use core::fmt;
use std::os::fd::{AsFd, BorrowedFd, RawFd};

use crate::macros::{c_flags, inject};
use crate::raw;
use crate::socket::fd_of;
use crate::sys::{self, c_int};
use crate::trace::{self, traced};
use crate::Result;

c_flags! {
    /// File status flags, as `F_GETFL` returns and `F_SETFL` takes them.
    pub struct OFlags(c_int);
    /// Calls on the descriptor return `EAGAIN` (or `EINPROGRESS` for `connect`)
    /// instead of blocking.
    const O_NONBLOCK = sys::O_NONBLOCK;
    /// Open for reading and writing (what a socket reports).
    const O_RDWR = sys::O_RDWR;
    /// Open for writing only.
    const O_WRONLY = sys::O_WRONLY;
    /// Writes append (meaningless for sockets, shown if set).
    const O_APPEND = sys::O_APPEND;
}

/// `O_RDONLY` (0): open for reading only. It has no bit, so it never shows in `Debug`.
pub const O_RDONLY: OFlags = OFlags::from_raw(sys::O_RDONLY);

c_flags! {
    /// File descriptor flags, as `F_GETFD` returns and `F_SETFD` takes them.
    pub struct FdFlags(c_int);
    /// Close the descriptor on `exec`.
    const FD_CLOEXEC = sys::FD_CLOEXEC;
}

/// `fcntl(fd, F_GETFL)`: read the file status flags ([`OFlags`]).
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct F_GETFL;

/// `fcntl(fd, F_SETFL, flags)`: set the file status flags. Of the flags this crate
/// names, `O_NONBLOCK` and `O_APPEND` can change (Linux also changes a few it does not
/// name, given as [`OFlags::from_raw`]); the access mode (`O_RDWR`, …) stays.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
pub struct F_SETFL(pub OFlags);

/// `F_SETFL, FLAGS`, as the call's arguments read in C and in the trace.
impl fmt::Debug for F_SETFL {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "F_SETFL, {:?}", self.0)
    }
}

/// `fcntl(fd, F_GETFD)`: read the descriptor flags ([`FdFlags`]).
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct F_GETFD;

/// `fcntl(fd, F_SETFD, flags)`: set the descriptor flags (`FD_CLOEXEC`).
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
pub struct F_SETFD(pub FdFlags);

/// `F_SETFD, FLAGS`, as the call's arguments read in C and in the trace.
impl fmt::Debug for F_SETFD {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "F_SETFD, {:?}", self.0)
    }
}

mod sealed {
    /// The first argument of `FcntlCmd::run`, which nothing outside this crate can
    /// make: commands run only through [`fcntl`](super::fcntl).
    pub struct Token(pub(super) ());

    pub trait Command {}
    impl Command for super::F_GETFL {}
    impl Command for super::F_SETFL {}
    impl Command for super::F_GETFD {}
    impl Command for super::F_SETFD {}
}

/// An `fcntl` command with its argument; its `Output` is what the call returns.
pub trait FcntlCmd: sealed::Command + Copy + fmt::Debug {
    /// What the call returns on success.
    type Output: Copy;
    #[doc(hidden)]
    fn run(self, token: sealed::Token, fd: BorrowedFd<'_>) -> Result<Self::Output>;
    /// The successful value as the trace shows it.
    #[doc(hidden)]
    fn fmt_output(output: &Self::Output, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl FcntlCmd for F_GETFL {
    type Output = OFlags;
    #[inline]
    fn run(self, _: sealed::Token, fd: BorrowedFd<'_>) -> Result<OFlags> {
        raw::fcntl_get(fd, sys::F_GETFL).map(OFlags::from_raw)
    }
    fn fmt_output(flags: &OFlags, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x} (flags {flags:?})", flags.as_raw())
    }
}

impl FcntlCmd for F_SETFL {
    type Output = ();
    #[inline]
    fn run(self, _: sealed::Token, fd: BorrowedFd<'_>) -> Result<()> {
        raw::fcntl_set(fd, sys::F_SETFL, self.0.as_raw())
    }
    fn fmt_output(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0")
    }
}

impl FcntlCmd for F_GETFD {
    type Output = FdFlags;
    #[inline]
    fn run(self, _: sealed::Token, fd: BorrowedFd<'_>) -> Result<FdFlags> {
        raw::fcntl_get(fd, sys::F_GETFD).map(FdFlags::from_raw)
    }
    fn fmt_output(flags: &FdFlags, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x} (flags {flags:?})", flags.as_raw())
    }
}

impl FcntlCmd for F_SETFD {
    type Output = ();
    #[inline]
    fn run(self, _: sealed::Token, fd: BorrowedFd<'_>) -> Result<()> {
        raw::fcntl_set(fd, sys::F_SETFD, self.0.as_raw())
    }
    fn fmt_output(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0")
    }
}

/// A command's result in the trace.
struct TraceRet<C: FcntlCmd>(Result<C::Output>);

impl<C: FcntlCmd> fmt::Display for TraceRet<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(output) => C::fmt_output(output, f),
            Err(e) => write!(f, "-1 {e}"),
        }
    }
}

/// `fcntl(fd, cmd, ...)`—Reads or sets a descriptor's flags.
///
/// ```c
/// int fcntl(int fd, int cmd, ... /* arg */);
/// ```
///
/// The command carries its argument (see the [module docs](mod@crate::fcntl)):
/// `fcntl(&fd, F_GETFL)` returns [`OFlags`], `fcntl(&fd, F_SETFL(flags | O_NONBLOCK))`
/// returns `()`, and likewise `F_GETFD` / `F_SETFD(FD_CLOEXEC)` with [`FdFlags`]. One
/// `fcntl` call each; setting `O_NONBLOCK` the C way takes the same two calls as in C.
///
/// # Errors
///
/// `EBADF` (not an open descriptor), `EINVAL`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
#[inline]
pub fn fcntl<C: FcntlCmd>(fd: &impl AsFd, cmd: C) -> Result<C::Output> {
    let ret = inject!(
        fcntl,
        Some(fd.as_fd()),
        cmd.run(sealed::Token(()), fd.as_fd())
    );
    traced(ret, |&out| out, |ret| trace_fcntl::<C>(fd_of(fd), cmd, ret))
}

#[cold]
#[inline(never)]
fn trace_fcntl<C: FcntlCmd>(fd: RawFd, cmd: C, ret: Result<C::Output>) {
    trace::emit(format_args!(
        "fcntl({fd}, {cmd:?}) = {}",
        TraceRet::<C>(ret)
    ));
}
