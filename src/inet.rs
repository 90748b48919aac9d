//! Internet addresses as C writes them: `<arpa/inet.h>`'s `inet_pton`, `inet_ntop`,
//! `inet_aton`, `inet_ntoa` and the byte-order helpers, and `<netinet/in.h>`'s
//! address structs, zeroed as C's `memset` zeroes them.
//!
//! The classic client setup ports line for line:
//!
//! ```no_run
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! # let (host, port) = ("127.0.0.1", 8080);
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;           // int fd = socket(AF_INET, SOCK_STREAM, 0);
//! let mut addr: sockaddr_in = zeroed();                // struct sockaddr_in addr; memset(&addr, 0, sizeof addr);
//! addr.sin_family = AF_INET.into();                    // addr.sin_family = AF_INET;
//! addr.sin_port = htons(port);                         // addr.sin_port = htons(port);
//! inet_pton(AF_INET, host, &mut addr.sin_addr)?;       // inet_pton(AF_INET, host, &addr.sin_addr);
//! connect(&fd, &addr)?;                                // connect(fd, (struct sockaddr *)&addr, sizeof addr);
//! # Ok(()) }
//! ```
//!
//! - `zeroed()` is the `memset`: a generic function, because a method such as
//!   `sockaddr_in::zeroed()` cannot be added to a type of the `libc` crate. It takes
//!   the [`Zeroable`] C structs only, so it cannot make a value that all-zero bytes
//!   do not represent.
//! - `AF_INET.into()`: the struct's field is C's `sa_family_t` (a `u16` on Linux, a
//!   `u8` on the BSDs) and [`AF_INET`](crate::AF_INET) is an
//!   [`AddressFamily`], so the line needs a conversion; `.into()`
//!   is the shortest one that reads as C's implicit one, and it is C's: the value is
//!   cut to `sa_family_t` as C's assignment cuts an `int` (every family a kernel
//!   defines fits). The other way, `AddressFamily::from(addr.sin_family)`.
//! - `inet_pton` returns C's three outcomes as `Result<bool>`; the `?` above passes
//!   the `-1` on as every other call does, and drops the `0` ("not an address") as the
//!   C line drops it. Test it as C tests it: `if !inet_pton(…)? { … }`.
//! - `connect(&fd, &addr)`: `sockaddr_in`, `sockaddr_in6` and `sockaddr_un` are
//!   [`ToSockAddr`](crate::ToSockAddr), passed with C's `sizeof addr` (see each
//!   impl for `sockaddr_un`'s length).
//!
//! The same for IPv6, with `sockaddr_in6`, `sin6_family = AF_INET6.into()`,
//! `sin6_port` and `inet_pton(AF_INET6, "::1", &mut addr.sin6_addr)`.
//!
//! # The family and the binary form
//!
//! C's `inet_pton` and `inet_ntop` take the binary address as `void *`, and its size
//! follows from the family: 4 bytes for `AF_INET`, 16 for `AF_INET6`. Here the binary
//! address is typed ([`InetAddr`]: [`in_addr`](crate::in_addr) or [`in6_addr`]),
//! anything else does not compile, and a family that does not match the type (`AF_INET6`
//! into an `in_addr`, which in C writes 16 bytes into 4) is `EAFNOSUPPORT` before any
//! call, as C answers for a family it does not know:
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! let mut dst = [0u8; 4];
//! let _ = inet_pton(AF_INET, "127.0.0.1", &mut dst); // not an `in_addr`: does not compile
//! ```
//!
//! ```
//! use sockapi::*;
//! let mut sin_addr: in_addr = zeroed();
//! assert_eq!(inet_pton(AF_INET6, "::1", &mut sin_addr), Err(Errno::EAFNOSUPPORT));
//! ```
//!
//! (The family stays an argument, as in C, so that lines port unchanged; the constants
//! `AF_INET` and `AF_INET6` share one type, so the check is made when the call runs.)
//!
//! # The text
//!
//! The text is any [`NameArg`], as for the other name calls: a `&str`
//! (or `String`), checked and copied to a C string in a buffer on the stack in one
//! pass (about one instruction a byte; the heap only for text of 64 bytes or more,
//! which is never an address), or a `&CStr` (`c"127.0.0.1"`) or `&CString`, passed
//! as it is, at the cost of C's call. A `&str` with a NUL byte inside is
//! not an address: `inet_pton` gives `Ok(false)` and `inet_aton` `false`, without a
//! call (C would read only up to the NUL and might accept what comes before it).
//!
//! # The trace
//!
//! `inet_pton`, `inet_ntop`, `inet_aton` and `inet_ntoa` are C library calls, not
//! syscalls, so strace does not show them; the trace does (one line each), since they
//! are where the text a program was given becomes the address it uses. The byte-order
//! helpers are macros or inline code in C and print nothing.

use core::fmt;
use core::ops::Deref;
use std::ffi::OsStr;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::cstr::{bytes_of, with_name, NameArg};
use crate::raw::{self, InetBinary, Pod};
use crate::socket::AddressFamily;
use crate::sys;
use crate::trace::{self, traced, Data, Ret};
use crate::{Errno, Result};

/// `INET_ADDRSTRLEN`: the bytes of the longest IPv4 address text with its NUL (16),
/// for `char buf[INET_ADDRSTRLEN]` ↔ `let mut buf = [0u8; INET_ADDRSTRLEN];`.
pub const INET_ADDRSTRLEN: usize = sys::INET_ADDRSTRLEN as usize;
/// `INET6_ADDRSTRLEN`: the bytes of the longest IPv6 address text with its NUL (46).
pub const INET6_ADDRSTRLEN: usize = sys::INET6_ADDRSTRLEN as usize;

/// `struct in6_addr`: an IPv6 address, its 16 bytes in `s6_addr` (network order).
#[allow(non_camel_case_types)]
pub type in6_addr = sys::in6_addr;

/// `struct sockaddr_in`: an IPv4 socket address, `sin_family` ([`AF_INET`](crate::AF_INET)),
/// `sin_port` and `sin_addr` in network byte order, as C fills it. Start from
/// [`zeroed`]; pass it to `bind`, `connect` or `sendto` as it is ([`ToSockAddr`](crate::ToSockAddr)).
#[allow(non_camel_case_types)]
pub type sockaddr_in = sys::sockaddr_in;

/// `struct sockaddr_in6`: an IPv6 socket address, `sin6_family`
/// ([`AF_INET6`](crate::AF_INET6)), `sin6_port`, `sin6_flowinfo` (network order),
/// `sin6_addr` and `sin6_scope_id` (an interface index), as C fills it.
#[allow(non_camel_case_types)]
pub type sockaddr_in6 = sys::sockaddr_in6;

/// `struct sockaddr_un`: a Unix-domain socket address, `sun_family`
/// ([`AF_UNIX`](crate::AF_UNIX)) and the `sun_path` characters. Filling `sun_path`
/// by hand is C's `strcpy`, and as in C nothing checks its length;
/// [`SockAddr::unix`](crate::SockAddr::unix) does.
#[allow(non_camel_case_types)]
pub type sockaddr_un = sys::sockaddr_un;

/// `sa_family_t`: the type of the family fields (`sin_family`, `sin6_family`,
/// `sun_family`).
#[allow(non_camel_case_types)]
pub type sa_family_t = sys::sa_family_t;

/// `in_port_t`: the type of `sin_port` and `sin6_port`, in network byte order
/// ([`htons`]).
#[allow(non_camel_case_types)]
pub type in_port_t = sys::in_port_t;

/// The C structs that are valid with every byte zero, for [`zeroed`]: the address
/// structs and the option values. Sealed: only this crate implements it.
pub trait Zeroable: Pod {}

impl Zeroable for sys::in_addr {}
impl Zeroable for sys::in6_addr {}
impl Zeroable for sys::sockaddr_in {}
impl Zeroable for sys::sockaddr_in6 {}
impl Zeroable for sys::sockaddr_un {}
impl Zeroable for sys::linger {}
impl Zeroable for sys::timeval {}
#[cfg(have_linux_sockopts)]
impl Zeroable for sys::ip_mreq {}
#[cfg(have_linux_sockopts)]
impl Zeroable for sys::ip_mreqn {}
#[cfg(have_linux_sockopts)]
impl Zeroable for sys::ip_mreq_source {}
#[cfg(have_linux_sockopts)]
impl Zeroable for sys::ipv6_mreq {}

/// `memset(&x, 0, sizeof x)`—A C struct with every byte zero.
///
/// ```
/// use sockapi::*;
/// let mut addr: sockaddr_in = zeroed(); // struct sockaddr_in addr; memset(&addr, 0, sizeof addr);
/// addr.sin_family = AF_INET.into();     // addr.sin_family = AF_INET;
/// assert_eq!(addr.sin_port, 0);
/// ```
#[inline]
pub fn zeroed<T: Zeroable>() -> T {
    raw::zeroed()
}

/// `htons(hostshort)`—A 16-bit value from host to network byte order.
///
/// ```c
/// #include <arpa/inet.h>
/// uint16_t htons(uint16_t hostshort);
/// ```
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/htons.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/htons.3.html)
#[inline]
pub const fn htons(hostshort: u16) -> u16 {
    hostshort.to_be()
}

/// `ntohs(netshort)`—A 16-bit value from network to host byte order.
///
/// ```c
/// #include <arpa/inet.h>
/// uint16_t ntohs(uint16_t netshort);
/// ```
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/ntohs.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/ntohs.3.html)
#[inline]
pub const fn ntohs(netshort: u16) -> u16 {
    u16::from_be(netshort)
}

/// `htonl(hostlong)`—A 32-bit value from host to network byte order
/// (`addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);`).
///
/// ```c
/// #include <arpa/inet.h>
/// uint32_t htonl(uint32_t hostlong);
/// ```
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/htonl.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/htonl.3.html)
#[inline]
pub const fn htonl(hostlong: u32) -> u32 {
    hostlong.to_be()
}

/// `ntohl(netlong)`—A 32-bit value from network to host byte order.
///
/// ```c
/// #include <arpa/inet.h>
/// uint32_t ntohl(uint32_t netlong);
/// ```
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/ntohl.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/ntohl.3.html)
#[inline]
pub const fn ntohl(netlong: u32) -> u32 {
    u32::from_be(netlong)
}

mod sealed {
    use core::fmt;

    /// How the trace shows a binary address.
    pub trait Show {
        fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    }
}

/// The binary form of an Internet address, which `inet_pton` writes and `inet_ntop`
/// reads: [`in_addr`](crate::in_addr) for `AF_INET`, [`in6_addr`] for `AF_INET6`.
/// Sealed.
pub trait InetAddr: InetBinary + sealed::Show {}

impl InetAddr for sys::in_addr {}
impl InetAddr for sys::in6_addr {}

impl sealed::Show for sys::in_addr {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{s_addr={}}}",
            Ipv4Addr::from(self.s_addr.to_ne_bytes())
        )
    }
}

impl sealed::Show for sys::in6_addr {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{s6_addr={}}}", Ipv6Addr::from(self.s6_addr))
    }
}

/// Address text as the calls take it: any [`NameArg`] (`&str`, `&String`, `&CStr`,
/// `&CString`). A `&CStr` goes to C as it is; a Rust string is copied to the stack
/// with its NUL. Implemented for every `NameArg`, so `inet_pton` and `inet_aton` take
/// what the other name calls take.
pub trait AddrText: NameArg {}

impl<T: NameArg + ?Sized> AddrText for T {}

/// Text shorter than this goes to C from the stack; no address is nearly so long
/// (`INET6_ADDRSTRLEN` is 46 with the NUL).
const STACK_TEXT: usize = 64;

/// The family check that keeps a mismatched family from the C call.
#[inline]
fn check_family<A: InetAddr>(af: AddressFamily) -> Result<()> {
    if af.as_raw() == A::AF {
        Ok(())
    } else {
        Err(Errno::EAFNOSUPPORT)
    }
}

/// `inet_pton(af, src, dst)`—Converts address text to its binary form.
///
/// ```c
/// #include <arpa/inet.h>
/// int inet_pton(int af, const char *restrict src, void *restrict dst);
/// ```
///
/// C's three outcomes: `Ok(true)` for 1 (`dst` now holds the address), `Ok(false)`
/// for 0 (`src` is not an address of the family; `dst` is left as the C library
/// leaves it, which glibc does not touch), and `Err` for -1. `Result<bool>` rather
/// than an enum of three: the `-1` is an `errno` like every other call's, so `?`
/// passes it on, and the `0` is the value a C program tests (`if (inet_pton(…) <= 0)`
/// ↔ `if !inet_pton(…)? {`).
///
/// `AF_INET` takes the dotted-decimal form only (`"127.0.0.1"`, four decimal numbers,
/// each 0 to 255); `AF_INET6` the forms of RFC 4291 (`"::1"`, `"::ffff:1.2.3.4"`),
/// without a zone (`%lo`). See [the module docs](crate::inet#the-text) for what
/// `src` may be.
///
/// # Errors
///
/// `EAFNOSUPPORT` when `af` is not the family of `dst`'s type (`AF_INET` for
/// [`in_addr`](crate::in_addr), `AF_INET6` for [`in6_addr`]), without a call.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/inet_pton.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_pton.3.html)
pub fn inet_pton<S, A>(af: AddressFamily, src: &S, dst: &mut A) -> Result<bool>
where
    S: AddrText + ?Sized,
    A: InetAddr,
{
    let ret = check_family::<A>(af).and_then(|()| {
        with_name::<STACK_TEXT, _, _>(src, |c| match c {
            Some(c) => raw::inet_pton(c, dst),
            None => Ok(false),
        })
    });
    // The address found, the usual outcome, with a check of its own, so that the
    // caller's test of it is settled on that path.
    if let Ok(true) = ret {
        trace::trace!(trace_pton(af, bytes_of(src), &*dst, ret));
        return Ok(true);
    }
    traced(
        ret,
        |&ok| ok,
        |ret| trace_pton(af, bytes_of(src), &*dst, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_pton<A: InetAddr>(af: AddressFamily, src: &[u8], dst: &A, ret: Result<bool>) {
    let dst = Shown(dst, ret == Ok(true));
    let ret = Ret(ret.map(u8::from));
    trace::emit(format_args!(
        "inet_pton({af:?}, {}, {dst}) = {ret}",
        Data(src)
    ));
}

/// A binary address in the trace, or `...` where the call wrote none.
struct Shown<'a, A>(&'a A, bool);

impl<A: InetAddr> fmt::Display for Shown<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1 {
            self.0.show(f)
        } else {
            f.write_str("...")
        }
    }
}

/// `inet_ntop(af, src, dst, size)`—Writes the text of a binary address.
///
/// ```c
/// #include <arpa/inet.h>
/// const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size);
/// ```
///
/// `dst` is the caller's buffer, and `size` its length, as C's
/// `inet_ntop(AF_INET, &addr.sin_addr, buf, sizeof buf)` ↔
/// `inet_ntop(AF_INET, &addr.sin_addr, &mut buf)`; [`INET_ADDRSTRLEN`] and
/// [`INET6_ADDRSTRLEN`] bytes always suffice. It returns the text, borrowed from
/// `dst` (where it is NUL-terminated, as C leaves it), instead of C's pointer to
/// `dst`; C's `NULL` is the `Err`.
///
/// ```
/// use sockapi::*;
/// let mut sin6_addr: in6_addr = zeroed();
/// assert_eq!(inet_pton(AF_INET6, "::1", &mut sin6_addr), Ok(true));
/// let mut buf = [0u8; INET6_ADDRSTRLEN];
/// assert_eq!(inet_ntop(AF_INET6, &sin6_addr, &mut buf), Ok("::1"));
/// ```
///
/// The source is an [`InetAddr`], never bare bytes or an integer:
///
/// ```compile_fail,E0277
/// use sockapi::*;
/// let s_addr: u32 = htonl(INADDR_LOOPBACK);
/// let mut buf = [0u8; INET_ADDRSTRLEN];
/// let _ = inet_ntop(AF_INET, &s_addr, &mut buf); // not an `in_addr`: does not compile
/// ```
///
/// # Errors
///
/// - `ENOSPC`: the text and its NUL do not fit in `dst`.
/// - `EAFNOSUPPORT`: `af` is not the family of `src`'s type, without a call (C would
///   read 16 bytes from an `in_addr`).
/// - `EILSEQ`: the C library wrote text that is not UTF-8 (no C library does).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/inet_ntop.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_ntop.3.html)
pub fn inet_ntop<'a, A: InetAddr>(
    af: AddressFamily,
    src: &A,
    dst: &'a mut [u8],
) -> Result<&'a str> {
    let size = dst.len();
    let ret = match check_family::<A>(af).and_then(|()| raw::inet_ntop(src, &mut *dst)) {
        Ok(()) => {
            let dst: &'a [u8] = dst;
            let len = dst.iter().position(|&b| b == 0).unwrap_or(dst.len());
            core::str::from_utf8(&dst[..len]).map_err(|_| Errno::EILSEQ)
        }
        Err(e) => Err(e),
    };
    traced(ret, |&text| text, |ret| trace_ntop(af, src, size, ret))
}

#[cold]
#[inline(never)]
fn trace_ntop<A: InetAddr>(af: AddressFamily, src: &A, size: usize, ret: Result<&str>) {
    let src = Shown(src, true);
    match ret {
        Ok(text) => trace::emit(format_args!(
            "inet_ntop({af:?}, {src}, {}, {size}) = {}",
            Data(text.as_bytes()),
            Data(text.as_bytes())
        )),
        Err(e) => trace::emit(format_args!(
            "inet_ntop({af:?}, {src}, ..., {size}) = NULL {e}"
        )),
    }
}

/// `inet_aton(cp, inp)`—Converts IPv4 address text to an `in_addr`, in the old,
/// lenient forms too.
///
/// ```c
/// #include <arpa/inet.h>
/// int inet_aton(const char *cp, struct in_addr *inp);
/// ```
///
/// Returns whether `cp` was an address (C's nonzero; C sets no `errno`). Unlike
/// [`inet_pton`] it takes one to four numbers, each decimal, octal (`0177`) or hex
/// (`0x7f`), the last filling the bytes left (`"127.1"` is 127.0.0.1), and glibc
/// stops at the first whitespace (`"127.0.0.1 x"` is an address). New code uses
/// `inet_pton`. A `&str` with a NUL inside is `false`, without a call.
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_aton.3.html) (not in POSIX)
pub fn inet_aton<S: AddrText + ?Sized>(cp: &S, inp: &mut sys::in_addr) -> bool {
    let ok = with_name::<STACK_TEXT, _, _>(cp, |c| match c {
        Some(c) => raw::inet_aton(c, inp),
        None => false,
    });
    trace::trace!(trace_aton(bytes_of(cp), &*inp, ok));
    ok
}

#[cold]
#[inline(never)]
fn trace_aton(cp: &[u8], inp: &sys::in_addr, ok: bool) {
    trace::emit(format_args!(
        "inet_aton({}, {}) = {}",
        Data(cp),
        Shown(inp, ok),
        u8::from(ok)
    ));
}

/// `inet_ntoa(in)`—The dotted-decimal text of an IPv4 address.
///
/// ```c
/// #include <arpa/inet.h>
/// char *inet_ntoa(struct in_addr in);
/// ```
///
/// Returns the text in an [`InetAddrStr`] on the caller's stack, which derefs to
/// `&str` and prints with `{}`, where C returns a pointer into a static buffer that
/// the next call overwrites (one per process in musl and the BSDs, so two threads
/// race on it). Reading that buffer safely is not possible everywhere, so the text
/// comes from the C library's `inet_ntop(AF_INET, …)` into the returned buffer: the
/// same text, one C call, no static. (An `LD_PRELOAD` shim therefore sees
/// `inet_ntop`; the trace shows `inet_ntoa`, the call the program made.)
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_ntoa.3.html) (POSIX marks it
///   obsolescent in favour of [`inet_ntop`])
pub fn inet_ntoa(in_: sys::in_addr) -> InetAddrStr {
    let mut text = InetAddrStr {
        buf: [0; INET6_ADDRSTRLEN],
        len: 0,
    };
    if raw::inet_ntop(&in_, &mut text.buf[..INET_ADDRSTRLEN]).is_ok() {
        // A C library that wrote no NUL, or text that is not UTF-8, leaves it empty.
        let len = text.buf.iter().position(|&b| b == 0).unwrap_or(0);
        if core::str::from_utf8(&text.buf[..len]).is_ok() {
            text.len = len as u8;
        }
    }
    trace::trace!(trace_ntoa(&in_, &text));
    text
}

#[cold]
#[inline(never)]
fn trace_ntoa(in_: &sys::in_addr, text: &InetAddrStr) {
    trace::emit(format_args!(
        "inet_ntoa({}) = {}",
        Shown(in_, true),
        Data(text.as_bytes())
    ));
}

/// The text of an Internet address, inline (at most [`INET6_ADDRSTRLEN`] bytes, no
/// heap), as [`inet_ntoa`] returns it. It derefs to `&str`; `Display` prints the text
/// and `Debug` prints it quoted.
#[derive(Clone, Copy)]
pub struct InetAddrStr {
    buf: [u8; INET6_ADDRSTRLEN],
    len: u8,
}

impl InetAddrStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Only UTF-8 is ever stored (checked where `len` is set).
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The text's bytes, without a NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }
}

impl Deref for InetAddrStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for InetAddrStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<OsStr> for InetAddrStr {
    fn as_ref(&self) -> &OsStr {
        OsStr::new(self.as_str())
    }
}

impl PartialEq for InetAddrStr {
    fn eq(&self, other: &InetAddrStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for InetAddrStr {}

impl core::hash::Hash for InetAddrStr {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for InetAddrStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for InetAddrStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for InetAddrStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for InetAddrStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
