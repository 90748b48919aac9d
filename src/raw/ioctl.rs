//! `ioctl` for the socket requests whose argument is a pointer to one `int`.
//!
//! The request numbers are not taken from the caller: each wrapper takes a request
//! value of a type whose only values are the constants below (its field is private to
//! this file), so the `// SAFETY:` claims hold whoever calls.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::cvt;
use crate::sys::{self, c_int};
use crate::Result;

/// A request through which the kernel writes one `int` and nothing else.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct IntOut(sys::Ioctl);

/// A request through which the kernel reads one `int` and nothing else.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct IntIn(sys::Ioctl);

/// `FIONREAD` (Linux's `SIOCINQ` is the same number): bytes waiting to be read. On a
/// socket Linux's protocol handlers (TCP, UDP, Unix, raw, packet, …) answer it with
/// `put_user` of an `int`; on a regular file the VFS answers it so; on a tty or pipe it
/// is `TIOCINQ`, an `int` too.
pub(crate) const FIONREAD: IntOut = IntOut(sys::FIONREAD);

/// `SIOCOUTQ` (`TIOCOUTQ`'s number, Linux): bytes in the send queue, written as an `int` by the
/// socket protocols and, as `TIOCOUTQ`, by the tty layer.
#[cfg(have_linux_sockopts)]
pub(crate) const SIOCOUTQ: IntOut = IntOut(sys::SIOCOUTQ);

/// `FIONBIO`: set (non-zero) or clear (`0`) `O_NONBLOCK`. The VFS handles it for every
/// descriptor before any driver sees it, reading one `int` (`ioctl_fionbio`).
pub(crate) const FIONBIO: IntIn = IntIn(sys::FIONBIO);

/// `ioctl(fd, request, &value)` for a request that writes an `int`: the value.
#[inline]
pub(crate) fn ioctl_get_int(fd: BorrowedFd<'_>, request: IntOut) -> Result<c_int> {
    let mut value: c_int = 0;
    // SAFETY: `request` is one of the constants above (nothing else can make an
    // `IntOut`), for each of which every Linux handler of that number writes at most
    // one `int` through the pointer (a few drivers ignore the number and read through
    // it instead: `/dev/btrfs-control`, root only, reads 4096 bytes and writes none,
    // which reading cannot make unsound); `value` is a live, writable `int`, 0 until
    // written.
    cvt(unsafe { sys::ioctl(fd.as_raw_fd(), request.0, &mut value as *mut c_int) })?;
    Ok(value)
}

/// `ioctl(fd, request, &value)` for a request that reads an `int`.
#[inline]
pub(crate) fn ioctl_set_int(fd: BorrowedFd<'_>, request: IntIn, value: &c_int) -> Result<()> {
    // SAFETY: `request` is one of the constants above (nothing else can make an
    // `IntIn`), which the kernel handles by reading one `int` through the pointer and
    // nothing else; `value` is a live `int` (the kernel does not write it).
    cvt(unsafe { sys::ioctl(fd.as_raw_fd(), request.0, value as *const c_int) }).map(drop)
}
