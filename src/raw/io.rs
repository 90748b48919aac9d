//! Data transfer: `send`, `recv`, `sendto` and `recvfrom`.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::addr::{Filled, Storage};
use super::cvt_len;
use super::socket::fill_with;
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

#[inline]
pub(crate) fn sendto(
    fd: BorrowedFd<'_>,
    buf: &[u8],
    flags: c_int,
    addr: &Storage,
) -> Result<usize> {
    // SAFETY: `buf` is readable for `buf.len()` bytes; `addr.as_ptr()` points to
    // `addr.len()` initialised bytes (the storage's invariant). The kernel copies
    // both in and keeps neither pointer.
    cvt_len(unsafe {
        sys::sendto(
            fd.as_raw_fd(),
            buf.as_ptr().cast(),
            buf.len(),
            flags,
            addr.as_ptr(),
            addr.len(),
        )
    })
}

/// `recvfrom`: the count as [`recv`] returns it (with `MSG_TRUNC`, possibly more than
/// `buf.len()`), and the sender's address, which the kernel writes into a storage in
/// place as for `accept`. `after` sees the result, the buffer and that storage before
/// anything is moved or cut (see `fill`).
#[inline(always)]
pub(crate) fn recvfrom<R>(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    flags: c_int,
    after: impl FnOnce(Result<usize>, &[u8], Filled<'_>),
    done: impl FnOnce(usize, Storage) -> R,
) -> Result<R> {
    fill_with(
        buf,
        |buf, addr, len| {
            // SAFETY: `buf` is writable for `buf.len()` bytes, of which the kernel
            // writes at most that many; `addr` is writable for `*len` bytes and `len`
            // is a writable socklen_t (both from `fill_with`'s storage).
            cvt_len(unsafe {
                sys::recvfrom(
                    fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    flags,
                    addr,
                    len,
                )
            })
        },
        after,
        done,
    )
}
