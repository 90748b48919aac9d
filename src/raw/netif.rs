//! `<net/if.h>`: `if_nametoindex` and `if_indextoname`.

use core::ffi::CStr;

use crate::sys::{self, c_uint};
use crate::Result;

/// `IF_NAMESIZE`: an interface name's buffer, its NUL included (16 on Linux).
pub(crate) const IF_NAMESIZE: usize = sys::IF_NAMESIZE;

/// `if_nametoindex(name)`.
#[inline]
pub(crate) fn if_nametoindex(name: &CStr) -> Result<c_uint> {
    // SAFETY: `name` is a NUL-terminated string, borrowed for the call, which only
    // reads it.
    match unsafe { sys::if_nametoindex(name.as_ptr()) } {
        0 => Err(super::last_errno()),
        index => Ok(index),
    }
}

/// `if_indextoname(index, buf)`: the name, NUL-terminated in `buf`.
#[inline]
pub(crate) fn if_indextoname(index: c_uint, buf: &mut [u8; IF_NAMESIZE]) -> Result<()> {
    // SAFETY: `buf` is writable for `IF_NAMESIZE` bytes, the size the call requires;
    // it writes a NUL-terminated name within them or returns NULL.
    let ret = unsafe { sys::if_indextoname(index, buf.as_mut_ptr().cast()) };
    if ret.is_null() {
        Err(super::last_errno())
    } else {
        Ok(())
    }
}
