//! Network interfaces by name and index: `if_nametoindex` and `if_indextoname`, for
//! the index that `ip_mreqn`, `ipv6_mreq`, `IPV6_MULTICAST_IF` and `sin6_scope_id`
//! take.

use core::fmt;
use core::ops::Deref;

use crate::cstr::{bytes_of, with_name, NameArg};
use crate::macros::inject;
use crate::raw::{self, IF_NAMESIZE};
use crate::sys::c_uint;
use crate::trace::{self, traced, Data, Ret};
use crate::{Errno, Result};

/// `if_nametoindex(ifname)`—The index of the interface named `ifname`.
///
/// ```c
/// #include <net/if.h>
/// unsigned int if_nametoindex(const char *ifname);
/// ```
///
/// Returns the index (never 0); C's `0` for failure is the `Err` here. The name is a
/// [`NameArg`]: a `&CStr` (`c"lo"`) goes to the C library as it is; a `&str` or
/// `&String` NUL-terminated from a buffer on the stack.
///
/// # Errors
///
/// `ENODEV` (no such interface, and, without a call, a name of `IF_NAMESIZE` (16)
/// bytes or more, which no interface can have), `EINVAL` (a NUL byte inside a Rust
/// string name, without a call).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/if_nametoindex.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/if_nametoindex.3.html)
pub fn if_nametoindex<S: NameArg + ?Sized>(ifname: &S) -> Result<c_uint> {
    let bytes = bytes_of(ifname);
    let ret = if bytes.len() >= IF_NAMESIZE {
        // No interface has a name so long (musl would cut it, and could find another).
        if bytes.contains(&0) {
            Err(Errno::EINVAL)
        } else {
            Err(Errno::ENODEV)
        }
    } else {
        inject!(
            if_nametoindex,
            None,
            with_name::<IF_NAMESIZE, _, _>(ifname, |c| match c {
                Some(c) => raw::if_nametoindex(c),
                None => Err(Errno::EINVAL),
            })
        )
    };
    traced(ret, |&i| i, |ret| trace_nametoindex(bytes, ret))
}

#[cold]
#[inline(never)]
fn trace_nametoindex(name: &[u8], ret: Result<c_uint>) {
    trace::emit(format_args!(
        "if_nametoindex({}) = {}",
        Data(name),
        Ret(ret)
    ));
}

/// An interface name as [`if_indextoname`] returns it: the bytes before the NUL, on
/// the stack (at most `IF_NAMESIZE - 1`, 15 on Linux). It derefs to `&[u8]`;
/// `Display` shows it with bytes that are not printable ASCII escaped (`\xNN`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IfName {
    buf: [u8; IF_NAMESIZE],
    len: usize,
}

impl IfName {
    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The name as text, if it is UTF-8 (Linux names almost always are ASCII).
    pub fn to_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }
}

impl Deref for IfName {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq<str> for IfName {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for IfName {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Display for IfName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.as_bytes() {
            match b {
                b'\\' => f.write_str("\\\\")?,
                0x20..=0x7e => f.write_str(char::from(b).encode_utf8(&mut [0; 4]))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for IfName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// `if_indextoname(ifindex, ifname)`—The name of the interface with index `ifindex`.
///
/// ```c
/// #include <net/if.h>
/// char *if_indextoname(unsigned int ifindex, char *ifname);
/// ```
///
/// Returns the name in an [`IfName`] instead of filling the caller's
/// `IF_NAMESIZE`-byte buffer; C's `NULL` for failure is the `Err` here.
///
/// # Errors
///
/// `ENXIO` (no interface has that index; glibc's value), and what the C library's
/// lookup meets (`EMFILE` if it cannot open its helper socket).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/if_indextoname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/if_indextoname.3.html)
pub fn if_indextoname(ifindex: c_uint) -> Result<IfName> {
    let mut buf = [0u8; IF_NAMESIZE];
    let ret = inject!(if_indextoname, None, raw::if_indextoname(ifindex, &mut buf)).map(|()| {
        // The C library wrote a NUL-terminated name; keep it NUL-padded for `==`.
        let len = buf.iter().position(|&b| b == 0).unwrap_or(IF_NAMESIZE);
        for b in &mut buf[len..] {
            *b = 0;
        }
        IfName { buf, len }
    });
    traced(ret, |&name| name, |ret| trace_indextoname(ifindex, ret))
}

#[cold]
#[inline(never)]
fn trace_indextoname(index: c_uint, ret: Result<IfName>) {
    match ret {
        Ok(name) => trace::emit(format_args!(
            "if_indextoname({index}, {}) = {}",
            Data(name.as_bytes()),
            Data(name.as_bytes())
        )),
        Err(e) => trace::emit(format_args!("if_indextoname({index}, ...) = NULL {e}")),
    }
}
