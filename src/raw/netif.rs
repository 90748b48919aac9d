//! `<net/if.h>`: `if_nametoindex` and `if_indextoname`.

use crate::sys::{self, c_uint};
use crate::{Errno, Result};

/// `IF_NAMESIZE`: an interface name's buffer, its NUL included (16 on Linux).
pub(crate) const IF_NAMESIZE: usize = sys::IF_NAMESIZE;

/// `if_nametoindex(name)` for a name already NUL-terminated in `name`.
#[inline]
pub(crate) fn if_nametoindex(name: &[u8; IF_NAMESIZE]) -> Result<c_uint> {
    if !name.contains(&0) {
        return Err(Errno::EINVAL);
    }
    // SAFETY: `name` holds a NUL within its bytes (checked above), so the C library
    // reads a string that ends inside the array.
    match unsafe { sys::if_nametoindex(name.as_ptr().cast()) } {
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
