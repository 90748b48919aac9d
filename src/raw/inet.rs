//! `<arpa/inet.h>`: `inet_pton`, `inet_ntop`, `inet_aton`, and the binary address
//! types they write and read.

use core::ffi::CStr;
use core::mem;

use super::sockopt::Pod;
use crate::sys::{self, c_int, socklen_t};
use crate::Result;

// SAFETY: a `repr(C)` struct of one `[u8; 16]`.
unsafe impl Pod for sys::in6_addr {}

/// The binary forms of an Internet address: `struct in_addr` and `struct in6_addr`,
/// each tied to the one family whose conversions write and read it.
///
/// # Safety
///
/// `inet_pton(AF, …)` must write, and `inet_ntop(AF, …)` read, at most
/// `size_of::<Self>()` bytes: 4 for `AF_INET`, 16 for `AF_INET6` (POSIX fixes both).
pub unsafe trait InetBinary: Pod {
    /// The family whose binary form this is.
    const AF: c_int;
}

// SAFETY: `AF_INET`'s binary form is a `struct in_addr`, 4 bytes.
unsafe impl InetBinary for sys::in_addr {
    const AF: c_int = sys::AF_INET;
}

// SAFETY: `AF_INET6`'s binary form is a `struct in6_addr`, 16 bytes.
unsafe impl InetBinary for sys::in6_addr {
    const AF: c_int = sys::AF_INET6;
}

/// `inet_pton(T::AF, src, dst)`: `Ok(true)` for C's 1, `Ok(false)` for 0.
#[inline]
pub(crate) fn inet_pton<T: InetBinary>(src: &CStr, dst: &mut T) -> Result<bool> {
    // SAFETY: `src` is NUL-terminated; `dst` is writable for `size_of::<T>()` bytes,
    // all that `inet_pton` writes for `T::AF` (the `InetBinary` contract), and any
    // bytes it writes make a valid `T` (`Pod`).
    let ret = unsafe { sys::inet_pton(T::AF, src.as_ptr(), (dst as *mut T).cast()) };
    if ret > 0 {
        Ok(true)
    } else {
        not_converted(ret).map(|()| false)
    }
}

/// `inet_pton`'s 0 (not an address, `Ok`) or -1 (`Err`): apart, and unable to say
/// "converted", so that the address found costs the one test C's `<= 0` makes.
#[cold]
#[inline(never)]
fn not_converted(ret: c_int) -> Result<()> {
    if ret == 0 {
        Ok(())
    } else {
        Err(super::last_errno())
    }
}

/// `inet_ntop(T::AF, src, dst, dst.len())`: the text, NUL-terminated in `dst`.
#[inline]
pub(crate) fn inet_ntop<T: InetBinary>(src: &T, dst: &mut [u8]) -> Result<()> {
    // A size beyond `socklen_t` is cut: the C library then uses less of `dst`.
    let size = socklen_t::try_from(dst.len()).unwrap_or(socklen_t::MAX);
    // SAFETY: `src` is readable for `size_of::<T>()` bytes, all that `inet_ntop` reads
    // for `T::AF` (the `InetBinary` contract); `dst` is writable for `size <=
    // dst.len()` bytes, and `inet_ntop` writes at most `size` (failing with `ENOSPC`
    // when the text and its NUL do not fit; an empty `dst` gets no write at all).
    let ret = unsafe {
        sys::inet_ntop(
            T::AF,
            (src as *const T).cast(),
            dst.as_mut_ptr().cast(),
            size,
        )
    };
    if ret.is_null() {
        Err(super::last_errno())
    } else {
        Ok(())
    }
}

/// `inet_aton(cp, inp)`: whether `cp` was an address (C's nonzero).
#[inline]
pub(crate) fn inet_aton(cp: &CStr, inp: &mut sys::in_addr) -> bool {
    // SAFETY: `cp` is NUL-terminated; `inp` is a writable `struct in_addr`, all that
    // `inet_aton` writes.
    unsafe { sys::inet_aton(cp.as_ptr(), inp) != 0 }
}

const _: () = assert!(mem::size_of::<sys::in_addr>() == 4);
const _: () = assert!(mem::size_of::<sys::in6_addr>() == 16);
