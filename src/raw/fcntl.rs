//! `fcntl` for the commands that take no argument or an `int`.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::cvt;
use crate::sys::{self, c_int};
use crate::Result;

/// `fcntl(fd, cmd)` for the commands that take no argument (`F_GETFL`, `F_GETFD`).
#[inline]
pub(crate) fn fcntl_get(fd: BorrowedFd<'_>, cmd: c_int) -> Result<c_int> {
    // SAFETY: the caller passes only commands that take no third argument.
    cvt(unsafe { sys::fcntl(fd.as_raw_fd(), cmd) })
}

/// `fcntl(fd, cmd, arg)` for the commands that take an `int` (`F_SETFL`, `F_SETFD`).
#[inline]
pub(crate) fn fcntl_set(fd: BorrowedFd<'_>, cmd: c_int, arg: c_int) -> Result<()> {
    // SAFETY: the caller passes only commands whose third argument is an `int`.
    cvt(unsafe { sys::fcntl(fd.as_raw_fd(), cmd, arg) }).map(drop)
}
