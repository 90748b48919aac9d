//! The calls that make, name, connect and end sockets.

use std::os::fd::{AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};

use super::addr::{Storage, STORAGE_LEN};
use super::{cvt, owned};
use crate::sys::{self, c_int, socklen_t};
use crate::Result;

#[inline]
pub(crate) fn socket(domain: c_int, ty: c_int, protocol: c_int) -> Result<OwnedFd> {
    // SAFETY: integers only.
    let fd = cvt(unsafe { sys::socket(domain, ty, protocol) })?;
    Ok(owned(fd))
}

#[inline]
pub(crate) fn socketpair(domain: c_int, ty: c_int, protocol: c_int) -> Result<(OwnedFd, OwnedFd)> {
    let mut sv: [c_int; 2] = [-1, -1];
    // SAFETY: `sv` is a writable array of two ints, as the call requires.
    cvt(unsafe { sys::socketpair(domain, ty, protocol, sv.as_mut_ptr()) })?;
    Ok((owned(sv[0]), owned(sv[1])))
}

#[inline]
pub(crate) fn bind(fd: BorrowedFd<'_>, addr: &Storage) -> Result<()> {
    // SAFETY: `as_ptr` points to `len()` initialised bytes of the address.
    cvt(unsafe { sys::bind(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
}

#[inline]
pub(crate) fn listen(fd: BorrowedFd<'_>, backlog: c_int) -> Result<()> {
    // SAFETY: integers only.
    cvt(unsafe { sys::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

/// Runs `call(storage, &len)` for a call that lets the kernel write an address, with
/// `len` the whole storage; on success the storage's length becomes what the kernel
/// reported, cut to the storage (a truncated address reports its full length, but
/// the kernel wrote only what fits).
#[inline(always)]
fn fill(
    storage: &mut Storage,
    call: impl FnOnce(*mut sys::sockaddr, *mut socklen_t) -> c_int,
) -> Result<c_int> {
    let mut len = STORAGE_LEN;
    let ret = cvt(call(storage.as_mut_ptr(), &mut len))?;
    // The kernel wrote `min(len in, len out)` bytes: the first `len` (after the cut)
    // are initialised, which is `Storage`'s invariant.
    storage.len = len.min(STORAGE_LEN);
    Ok(ret)
}

#[inline]
pub(crate) fn accept(fd: BorrowedFd<'_>, peer: &mut Storage) -> Result<OwnedFd> {
    let new = fill(peer, |addr, len| {
        // SAFETY: `addr` is writable for `*len` bytes and `len` is a writable socklen_t.
        unsafe { sys::accept(fd.as_raw_fd(), addr, len) }
    })?;
    Ok(owned(new))
}

#[cfg(have_accept4)]
#[inline]
pub(crate) fn accept4(fd: BorrowedFd<'_>, peer: &mut Storage, flags: c_int) -> Result<OwnedFd> {
    let new = fill(peer, |addr, len| {
        // SAFETY: as in `accept`.
        unsafe { sys::accept4(fd.as_raw_fd(), addr, len, flags) }
    })?;
    Ok(owned(new))
}

#[inline]
pub(crate) fn connect(fd: BorrowedFd<'_>, addr: &Storage) -> Result<()> {
    // SAFETY: `as_ptr` points to `len()` initialised bytes of the address.
    cvt(unsafe { sys::connect(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
}

#[inline]
pub(crate) fn shutdown(fd: BorrowedFd<'_>, how: c_int) -> Result<()> {
    // SAFETY: integers only.
    cvt(unsafe { sys::shutdown(fd.as_raw_fd(), how) }).map(drop)
}

/// `close(2)` on a descriptor the caller gives up; it is released even on error.
#[inline]
pub(crate) fn close(fd: OwnedFd) -> Result<()> {
    let raw = fd.into_raw_fd();
    // SAFETY: `raw` came from an `OwnedFd` that gave up ownership, so this is the one
    // close of it.
    cvt(unsafe { sys::close(raw) }).map(drop)
}

/// `close(2)` for `Drop for Socket`, which owns `fd` and never uses it again: the C
/// return value, so that a caller that ignores it pays nothing to convert it.
///
/// # Safety
///
/// The caller owns `fd` and neither uses nor closes it after this call.
#[inline]
pub(crate) unsafe fn close_on_drop(fd: RawFd) -> c_int {
    // SAFETY: the caller owns `fd` and gives it up here.
    unsafe { sys::close(fd) }
}

#[inline]
pub(crate) fn getsockname(fd: BorrowedFd<'_>, addr: &mut Storage) -> Result<()> {
    fill(addr, |sa, len| {
        // SAFETY: `sa` is writable for `*len` bytes and `len` is a writable socklen_t.
        unsafe { sys::getsockname(fd.as_raw_fd(), sa, len) }
    })
    .map(drop)
}

#[inline]
pub(crate) fn getpeername(fd: BorrowedFd<'_>, addr: &mut Storage) -> Result<()> {
    fill(addr, |sa, len| {
        // SAFETY: as in `getsockname`.
        unsafe { sys::getpeername(fd.as_raw_fd(), sa, len) }
    })
    .map(drop)
}
