//! `strerror_r`: the C library's text for an `errno`.

use crate::sys::{self, c_int};

/// The C library's message for `errnum`, written into `buf` (XSI `strerror_r`).
pub(crate) fn strerror(errnum: c_int, buf: &mut [u8]) -> &str {
    // SAFETY: `buf` is writable for `buf.len()` bytes; the XSI form writes a
    // NUL-terminated message within them.
    let rc = unsafe { sys::strerror_r(errnum, buf.as_mut_ptr().cast(), buf.len()) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    match core::str::from_utf8(&buf[..end]) {
        Ok(text) if rc == 0 || end > 0 => text,
        _ => "Unknown error",
    }
}
