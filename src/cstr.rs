//! Names and text handed to the C library: a Rust string made a NUL-terminated C
//! string, on the stack when it is short, so that the usual call allocates nothing.

use core::ffi::CStr;

/// Names shorter than this many bytes go to C from the stack (no host name is longer:
/// DNS names stop at 253); longer ones from the heap.
pub(crate) const STACK_NAME: usize = 256;

/// `f` given `bytes` as a C string, from an `N`-byte stack buffer when they are
/// shorter than `N`, else from the heap; `f(None)` if they hold a NUL (no C string
/// can: C would stop there).
pub(crate) fn with_c_str<const N: usize, R>(bytes: &[u8], f: impl FnOnce(Option<&CStr>) -> R) -> R {
    if bytes.contains(&0) {
        return f(None);
    }
    if bytes.len() < N {
        let mut buf = [0u8; N];
        buf[..bytes.len()].copy_from_slice(bytes);
        f(CStr::from_bytes_until_nul(&buf).ok())
    } else {
        f(std::ffi::CString::new(bytes).ok().as_deref())
    }
}

/// [`with_c_str`] for a name that may be absent (C's `NULL`): the outer `None` is a
/// NUL inside the name, the inner one no name.
pub(crate) fn with_opt_c_str<R>(
    name: Option<&str>,
    f: impl FnOnce(Option<Option<&CStr>>) -> R,
) -> R {
    match name {
        None => f(Some(None)),
        Some(name) => with_c_str::<STACK_NAME, R>(name.as_bytes(), |c| f(c.map(Some))),
    }
}
