//! `setsockopt` and `getsockopt`, typed (plain C data of a known size) and raw bytes.

use core::mem;
use std::os::fd::{AsRawFd, BorrowedFd};

use super::cvt;
use crate::sys::{self, c_int, socklen_t};
use crate::{Errno, Result};

/// Plain C data: all-zero bytes are a valid value, and so are whatever bytes the
/// kernel writes into it (no references, no enums, no padding that is read).
///
/// # Safety
///
/// Implement only for `#[repr(C)]` or `#[repr(transparent)]` integer aggregates. The
/// trait sits in a private module, so no type outside this crate can implement it.
pub unsafe trait Pod: Copy + 'static {}

// SAFETY: an integer.
unsafe impl Pod for c_int {}
// SAFETY: `repr(C)` aggregates of integers.
unsafe impl Pod for sys::linger {}
// SAFETY: as above.
unsafe impl Pod for sys::timeval {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::ucred {}
// SAFETY: as above.
unsafe impl Pod for sys::in_addr {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::ip_mreq {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::ip_mreqn {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::ip_mreq_source {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::ipv6_mreq {}
// SAFETY: as above.
unsafe impl Pod for sys::sockaddr_in {}
// SAFETY: as above.
unsafe impl Pod for sys::sockaddr_in6 {}
// SAFETY: as above (integers and `c_char`s).
unsafe impl Pod for sys::sockaddr_un {}
// SAFETY: a `repr(C)` aggregate of `u8`, `u32` and `u64` whose fields tile it with
// no padding (the layout test checks each offset against `<linux/tcp.h>`).
#[cfg(have_tcp_info)]
unsafe impl Pod for sys::tcp_info {}

/// A value of plain C data with every byte zero, as C's `memset(&x, 0, sizeof x)`.
#[inline]
pub(crate) fn zeroed<T: Pod>() -> T {
    // SAFETY: `Pod` promises all-zero bytes are a valid `T`.
    unsafe { mem::zeroed() }
}

/// `setsockopt(fd, level, name, &value, sizeof value)`.
///
/// Sound for any `level` and `name`: the kernel reads at most `size_of::<T>()` bytes
/// of `value`. That the kernel does not also follow pointers or counts inside those
/// bytes is the claim of the typed option constant that chose `T` (see `sockopt.rs`).
#[inline]
pub(crate) fn setsockopt<T: Pod>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &T,
) -> Result<()> {
    // SAFETY: `value` is readable for `size_of::<T>()` bytes; the option constant
    // that chose `T` vouches that the kernel reads nothing else through it.
    cvt(unsafe {
        sys::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            mem::size_of::<T>() as socklen_t,
        )
    })
    .map(drop)
}

/// `getsockopt(fd, level, name, &value, &len)`: the value and the length the kernel
/// reported.
#[inline]
pub(crate) fn getsockopt<T: Pod>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
) -> Result<(T, socklen_t)> {
    let mut value: T = zeroed();
    let mut len = mem::size_of::<T>() as socklen_t;
    // SAFETY: `value` is writable for `len` bytes, and any bytes the kernel writes
    // make a valid `T` (`Pod`); the option constant that chose `T` vouches that the
    // kernel writes nowhere else.
    cvt(unsafe {
        sys::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&mut value as *mut T).cast(),
            &mut len,
        )
    })?;
    Ok((value, len))
}

/// `setsockopt(fd, level, name, value, len)` with caller bytes.
///
/// # Safety
///
/// The kernel must read no memory through `value` but its `len` bytes: the caller
/// vouches that the option at `level`/`name` holds no pointer or count that the
/// kernel follows (as `SO_ATTACH_FILTER` does).
#[inline]
pub(crate) unsafe fn setsockopt_bytes(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &[u8],
) -> Result<()> {
    // The kernel takes `optlen` as a signed int: a longer value would be cut to a
    // different one, so it is refused before the call.
    let len = match c_int::try_from(value.len()) {
        Ok(len) => len as socklen_t,
        Err(_) => return Err(Errno::EINVAL),
    };
    // SAFETY: `value` is readable for `len` bytes; the caller vouches for the rest.
    cvt(unsafe { sys::setsockopt(fd.as_raw_fd(), level, name, value.as_ptr().cast(), len) })
        .map(drop)
}

/// `getsockopt(fd, level, name, value, &len)` into caller bytes: the length the
/// kernel reported, which may exceed `value.len()`.
///
/// # Safety
///
/// The kernel must write no memory but the first `len` bytes of `value`: the caller
/// vouches that the option at `level`/`name` holds no pointer or count that the
/// kernel follows (as `TCP_ZEROCOPY_RECEIVE` and `IP_MSFILTER` do).
#[inline]
pub(crate) unsafe fn getsockopt_bytes(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &mut [u8],
) -> Result<usize> {
    // The kernel takes `optlen` as a signed int; a longer buffer is offered only as
    // far as it can say.
    let mut len = value.len().min(c_int::MAX as usize) as socklen_t;
    // SAFETY: `value` is writable for `len <= value.len()` bytes; the caller vouches
    // that the kernel writes nothing else.
    cvt(unsafe {
        sys::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_mut_ptr().cast(),
            &mut len,
        )
    })?;
    Ok(len as usize)
}

/// `setsockopt` for an option whose value is a name (`SO_BINDTODEVICE`,
/// `TCP_CONGESTION`): the bytes of `name`, without a terminator.
///
/// Sound for those options, which the typed constants of type `[u8]` are: the kernel
/// copies at most `optlen` bytes of a name and follows nothing in them.
#[inline]
pub(crate) fn setsockopt_name(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &[u8],
) -> Result<()> {
    // SAFETY: the option's value is a name (see above): no pointer or count in it.
    unsafe { setsockopt_bytes(fd, level, name, value) }
}

/// `getsockopt` for an option whose value is a name, into `buf` (`IFNAMSIZ` and
/// `TCP_CA_NAME_MAX` are both 16 on Linux): the length the kernel reported.
#[inline]
pub(crate) fn getsockopt_name(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    buf: &mut [u8; 16],
) -> Result<usize> {
    // SAFETY: the option's value is a name: the kernel writes at most `optlen` bytes.
    unsafe { getsockopt_bytes(fd, level, name, buf) }
}
