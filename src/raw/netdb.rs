//! `<netdb.h>`: the reentrant service, protocol and host lookups. Each fills a C
//! struct whose pointers point into the caller's `buf` and returns it as the C
//! library left it; reading those pointers (bounds-checked, without `unsafe`) is the
//! façade's part, in `netdb.rs`.

use core::ffi::CStr;
use core::ptr;

use crate::sys::{self, c_char, c_int, socklen_t};
use crate::{Errno, Result};

/// What a host lookup that found nothing reports: the call's return value (an errno,
/// `0` when it returned none) and its `h_errno`.
#[derive(Clone, Copy)]
pub(crate) struct HostFailure {
    pub(crate) ret: c_int,
    pub(crate) h_errno: c_int,
}

fn no_servent() -> sys::servent {
    sys::servent {
        s_name: ptr::null_mut(),
        s_aliases: ptr::null_mut(),
        s_port: 0,
        s_proto: ptr::null_mut(),
    }
}

fn no_protoent() -> sys::protoent {
    sys::protoent {
        p_name: ptr::null_mut(),
        p_aliases: ptr::null_mut(),
        p_proto: 0,
    }
}

fn no_hostent() -> sys::hostent {
    sys::hostent {
        h_name: ptr::null_mut(),
        h_aliases: ptr::null_mut(),
        h_addrtype: 0,
        h_length: 0,
        h_addr_list: ptr::null_mut(),
    }
}

/// The `_r` calls' answer: `0` and a result (found), `0` and `NULL` (not found), or
/// the error number they return (`ERANGE`: `buf` is too small).
#[inline]
fn answer<T>(ret: c_int, found: bool, entry: T) -> Result<Option<T>> {
    match ret {
        0 => Ok(found.then_some(entry)),
        e => Err(Errno::from_raw(e)),
    }
}

/// `getservbyname_r(name, proto, &entry, buf, buflen, &result)`.
#[inline]
pub(crate) fn getservbyname_r(
    name: &CStr,
    proto: Option<&CStr>,
    buf: &mut [u8],
) -> Result<Option<sys::servent>> {
    let mut entry = no_servent();
    let mut result: *mut sys::servent = ptr::null_mut();
    // SAFETY: `name` is NUL-terminated and `proto` is too or NULL (any protocol, which
    // the call allows); `entry` and `result` are writable locals of the types the call
    // writes; `buf` is writable for `buf.len()` bytes, the length passed, and the call
    // writes within those only. Nothing is kept past the call but pointers, which the
    // caller reads only as addresses checked against `buf`.
    let ret = unsafe {
        sys::getservbyname_r(
            name.as_ptr(),
            proto.map_or(ptr::null(), CStr::as_ptr),
            &mut entry,
            buf.as_mut_ptr().cast::<c_char>(),
            buf.len(),
            &mut result,
        )
    };
    answer(ret, !result.is_null(), entry)
}

/// `getservbyport_r(port, proto, &entry, buf, buflen, &result)`, `port` in network
/// byte order.
#[inline]
pub(crate) fn getservbyport_r(
    port: c_int,
    proto: Option<&CStr>,
    buf: &mut [u8],
) -> Result<Option<sys::servent>> {
    let mut entry = no_servent();
    let mut result: *mut sys::servent = ptr::null_mut();
    // SAFETY: as in `getservbyname_r`: `proto` is NUL-terminated or NULL, the locals
    // are writable, and `buf` is writable for the `buf.len()` bytes passed.
    let ret = unsafe {
        sys::getservbyport_r(
            port,
            proto.map_or(ptr::null(), CStr::as_ptr),
            &mut entry,
            buf.as_mut_ptr().cast::<c_char>(),
            buf.len(),
            &mut result,
        )
    };
    answer(ret, !result.is_null(), entry)
}

/// `getprotobyname_r(name, &entry, buf, buflen, &result)`.
#[inline]
pub(crate) fn getprotobyname_r(name: &CStr, buf: &mut [u8]) -> Result<Option<sys::protoent>> {
    let mut entry = no_protoent();
    let mut result: *mut sys::protoent = ptr::null_mut();
    // SAFETY: `name` is NUL-terminated; `entry` and `result` are writable locals of
    // the types the call writes; `buf` is writable for the `buf.len()` bytes passed.
    let ret = unsafe {
        sys::getprotobyname_r(
            name.as_ptr(),
            &mut entry,
            buf.as_mut_ptr().cast::<c_char>(),
            buf.len(),
            &mut result,
        )
    };
    answer(ret, !result.is_null(), entry)
}

/// `getprotobynumber_r(proto, &entry, buf, buflen, &result)`.
#[inline]
pub(crate) fn getprotobynumber_r(proto: c_int, buf: &mut [u8]) -> Result<Option<sys::protoent>> {
    let mut entry = no_protoent();
    let mut result: *mut sys::protoent = ptr::null_mut();
    // SAFETY: integers in; `entry` and `result` are writable locals of the types the
    // call writes; `buf` is writable for the `buf.len()` bytes passed.
    let ret = unsafe {
        sys::getprotobynumber_r(
            proto,
            &mut entry,
            buf.as_mut_ptr().cast::<c_char>(),
            buf.len(),
            &mut result,
        )
    };
    answer(ret, !result.is_null(), entry)
}

/// `gethostbyname_r(name, &entry, buf, buflen, &result, &h_errno)`.
#[inline]
pub(crate) fn gethostbyname_r(
    name: &CStr,
    buf: &mut [u8],
) -> core::result::Result<sys::hostent, HostFailure> {
    let mut entry = no_hostent();
    let mut result: *mut sys::hostent = ptr::null_mut();
    let mut h_errno: c_int = 0;
    // SAFETY: `name` is NUL-terminated; `entry`, `result` and `h_errno` are writable
    // locals of the types the call writes; `buf` is writable for the `buf.len()`
    // bytes passed, and the call writes within those only.
    let ret = unsafe {
        sys::gethostbyname_r(
            name.as_ptr(),
            &mut entry,
            buf.as_mut_ptr().cast::<c_char>(),
            buf.len(),
            &mut result,
            &mut h_errno,
        )
    };
    if ret == 0 && !result.is_null() {
        Ok(entry)
    } else {
        Err(HostFailure { ret, h_errno })
    }
}

/// `gethostbyaddr_r(addr, len, type, &entry, buf, buflen, &result, &h_errno)`, the
/// address's bytes in network order (4 for `AF_INET`, 16 for `AF_INET6`).
#[inline]
pub(crate) fn gethostbyaddr_r(
    addr: &[u8],
    family: c_int,
    buf: &mut [u8],
) -> core::result::Result<sys::hostent, HostFailure> {
    let Ok(len) = socklen_t::try_from(addr.len()) else {
        return Err(HostFailure {
            ret: sys::EINVAL,
            h_errno: sys::NETDB_INTERNAL,
        });
    };
    let mut entry = no_hostent();
    let mut result: *mut sys::hostent = ptr::null_mut();
    let mut h_errno: c_int = 0;
    // SAFETY: `addr` is readable for `len` bytes, the length passed (the call reads
    // no more than `len`, and fails for a length its `type` does not take); the
    // locals are writable and of the types the call writes; `buf` is writable for the
    // `buf.len()` bytes passed.
    let ret = unsafe {
        sys::gethostbyaddr_r(
            addr.as_ptr().cast(),
            len,
            family,
            &mut entry,
            buf.as_mut_ptr().cast::<c_char>(),
            buf.len(),
            &mut result,
            &mut h_errno,
        )
    };
    if ret == 0 && !result.is_null() {
        Ok(entry)
    } else {
        Err(HostFailure { ret, h_errno })
    }
}

/// `hstrerror(err)`: the C library's text for an `h_errno` value.
pub(crate) fn hstrerror(err: c_int) -> &'static CStr {
    // SAFETY: `hstrerror` takes any int.
    let text = unsafe { sys::hstrerror(err) };
    if text.is_null() {
        return c"Unknown resolver error";
    }
    // SAFETY: a non-null result is a NUL-terminated string in static storage (glibc and
    // musl: a table of literals, or a fixed "unknown" text), which no later call
    // changes.
    unsafe { CStr::from_ptr(text) }
}
