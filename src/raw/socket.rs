//! The calls that make, name, connect and end sockets.

use core::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};

use super::addr::{Filled, Storage, STORAGE_LEN};
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

/// Runs `call(storage, &len)` for a call that lets the kernel write an address into
/// an uninitialised storage, with `len` the whole storage, as C does; on success the
/// address is the storage with the length the kernel reported, cut to the storage (a
/// truncated address reports its full length, but the kernel wrote only what fits).
///
/// `after` sees the result and the storage where the kernel wrote it, before the
/// storage is moved out and before the length is cut (it cuts it itself, through
/// [`Filled`]): the trace reads it there, so that neither the copy nor the cut is on
/// the call's path when the trace is off and the address is not used.
#[inline(always)]
fn fill<R>(
    call: impl FnOnce(*mut sys::sockaddr, *mut socklen_t) -> c_int,
    after: impl FnOnce(Result<c_int>, Filled<'_>),
    done: impl FnOnce(c_int, Storage) -> R,
) -> Result<R> {
    fill_with(
        &mut (),
        |(), addr, len| cvt(call(addr, len)),
        |ret, (), addr| after(ret, addr),
        done,
    )
}

/// [`fill`] for a call that also writes into a caller's buffer (`recvfrom`): `call`
/// gets `buf` to write into, then `after` sees it as the call left it, so that the
/// trace can show the bytes received without a second borrow of the buffer. `call`
/// converts C's result itself (`cvt` or `cvt_len`).
#[inline(always)]
pub(super) fn fill_with<B: ?Sized, T: Copy, R>(
    buf: &mut B,
    call: impl FnOnce(&mut B, *mut sys::sockaddr, *mut socklen_t) -> Result<T>,
    after: impl FnOnce(Result<T>, &B, Filled<'_>),
    done: impl FnOnce(T, Storage) -> R,
) -> Result<R> {
    // `len` is the storage's size while the kernel writes (C's `len = sizeof ss`), so
    // `Storage`'s invariant does not hold until the length is cut below; until then
    // the storage is seen only through `Filled`. (Built with a non-zero `len`, the
    // value is also not a constant that the compiler would write out as zeroes.)
    let mut storage = Storage {
        bytes: MaybeUninit::uninit(),
        len: STORAGE_LEN,
    };
    let ret = call(buf, storage.bytes.as_mut_ptr().cast(), &mut storage.len);
    match ret {
        Ok(ret) => {
            after(Ok(ret), buf, Filled(&storage));
            // The kernel wrote `min(len in, len out)` bytes and reported `len out`:
            // cut to the storage, the first `len` are initialised.
            storage.len = storage.len.min(STORAGE_LEN);
            Ok(done(ret, storage))
        }
        Err(e) => {
            storage.len = 0;
            after(Err(e), buf, Filled(&storage));
            Err(e)
        }
    }
}

#[inline(always)]
pub(crate) fn accept<R>(
    fd: BorrowedFd<'_>,
    after: impl FnOnce(Result<c_int>, Filled<'_>),
    done: impl FnOnce(OwnedFd, Storage) -> R,
) -> Result<R> {
    fill(
        |addr, len| {
            // SAFETY: `addr` is writable for `*len` bytes and `len` is a writable
            // socklen_t.
            unsafe { sys::accept(fd.as_raw_fd(), addr, len) }
        },
        after,
        |new, peer| done(owned(new), peer),
    )
}

#[cfg(have_accept4)]
#[inline(always)]
pub(crate) fn accept4<R>(
    fd: BorrowedFd<'_>,
    flags: c_int,
    after: impl FnOnce(Result<c_int>, Filled<'_>),
    done: impl FnOnce(OwnedFd, Storage) -> R,
) -> Result<R> {
    fill(
        |addr, len| {
            // SAFETY: as in `accept`.
            unsafe { sys::accept4(fd.as_raw_fd(), addr, len, flags) }
        },
        after,
        |new, peer| done(owned(new), peer),
    )
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
///
/// Returns C's value (`0` or `-1` with `errno` set), for the caller to convert with
/// [`cvt`](super::cvt) after tracing it: converting first would leave the result
/// for the compiler to test twice.
#[inline]
pub(crate) fn close(fd: OwnedFd) -> c_int {
    let raw = fd.into_raw_fd();
    // SAFETY: `raw` came from an `OwnedFd` that gave up ownership, so this is the one
    // close of it.
    unsafe { sys::close(raw) }
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

#[inline(always)]
pub(crate) fn getsockname(
    fd: BorrowedFd<'_>,
    after: impl FnOnce(Result<c_int>, Filled<'_>),
) -> Result<Storage> {
    fill(
        |sa, len| {
            // SAFETY: `sa` is writable for `*len` bytes and `len` is a writable
            // socklen_t.
            unsafe { sys::getsockname(fd.as_raw_fd(), sa, len) }
        },
        after,
        |_, addr| addr,
    )
}

#[inline(always)]
pub(crate) fn getpeername(
    fd: BorrowedFd<'_>,
    after: impl FnOnce(Result<c_int>, Filled<'_>),
) -> Result<Storage> {
    fill(
        |sa, len| {
            // SAFETY: as in `getsockname`.
            unsafe { sys::getpeername(fd.as_raw_fd(), sa, len) }
        },
        after,
        |_, addr| addr,
    )
}
