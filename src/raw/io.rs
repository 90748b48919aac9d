//! Data transfer: `send` and `recv`.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::cvt_len;
use crate::sys::{self, c_int};
use crate::Result;

#[inline]
pub(crate) fn send(fd: BorrowedFd<'_>, buf: &[u8], flags: c_int) -> Result<usize> {
    // SAFETY: `buf` is readable for `buf.len()` bytes.
    cvt_len(unsafe { sys::send(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len(), flags) })
}

/// `recv`: how many bytes the datagram or stream gave, which with `MSG_TRUNC` on a
/// datagram socket is the datagram's length and may exceed `buf.len()` (the kernel
/// still writes at most `buf.len()` bytes).
#[inline]
pub(crate) fn recv(fd: BorrowedFd<'_>, buf: &mut [u8], flags: c_int) -> Result<usize> {
    // SAFETY: `buf` is writable for `buf.len()` bytes.
    cvt_len(unsafe { sys::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), flags) })
}
