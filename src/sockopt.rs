//! Socket options: `setsockopt` and `getsockopt`, the levels, and the options.
//!
//! Each option is a constant with its C name whose type, [`SockOpt<T, A>`], fixes the
//! value type `T` (`c_int`, [`linger`], [`timeval`], …) and the access `A`
//! ([`ReadWrite`] or [`ReadOnly`]). Passing a value of the wrong type, or setting a
//! read-only option, does not compile:
//!
//! ```
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! // The right forms compile: read SO_TYPE, set SO_LINGER with a `linger`.
//! assert_eq!(getsockopt(&fd, SOL_SOCKET, SO_TYPE)?, SOCK_STREAM);
//! setsockopt(&fd, SOL_SOCKET, SO_LINGER, &linger { l_onoff: 1, l_linger: 0 })?;
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! // SO_TYPE is read-only.
//! setsockopt(&fd, SOL_SOCKET, SO_TYPE, &SOCK_STREAM)?;
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! // SO_LINGER takes a `linger`, not an int.
//! setsockopt(&fd, SOL_SOCKET, SO_LINGER, &1)?;
//! # Ok(()) }
//! ```
//!
//! The level is passed as in C and not checked against the option: the kernel decides,
//! as it does for C. For an option this crate does not type, use [`setsockopt_raw`]
//! and [`getsockopt_raw`] with the level and the option number.

use core::fmt;
use core::marker::PhantomData;
use std::os::fd::AsFd;

use crate::macros::c_values;
use crate::raw::{self, Pod};
use crate::socket::{fd_of, Protocol, SockType};
use crate::sys::{self, c_int};
use crate::trace::{trace_line, Ret};
use crate::Result;

pub use crate::sys::{linger, timeval};

c_values! {
    /// The `level` of a socket option: `SOL_SOCKET`, or the protocol whose option it
    /// is (`IPPROTO_TCP`, `IPPROTO_IP`, `IPPROTO_IPV6`), as C passes it. A
    /// [`Protocol`] converts into a `Level`, so `IPPROTO_TCP` works here as in C.
    pub struct Level(c_int);
    /// Options of the socket itself (`SO_*`).
    const SOL_SOCKET = sys::SOL_SOCKET;
    /// IPv4 options (`IP_*`).
    const SOL_IP = sys::IPPROTO_IP;
    /// TCP options (`TCP_*`).
    const SOL_TCP = sys::IPPROTO_TCP;
    /// UDP options.
    const SOL_UDP = sys::IPPROTO_UDP;
    /// IPv6 options (`IPV6_*`).
    const SOL_IPV6 = sys::IPPROTO_IPV6;
}

impl From<Protocol> for Level {
    /// `IPPROTO_TCP` as a level, as C code passes it.
    fn from(protocol: Protocol) -> Level {
        Level::from_raw(protocol.as_raw())
    }
}

/// The option's value may be read and set.
#[derive(Debug)]
pub enum ReadWrite {}
/// The option's value may only be read (`SO_ERROR`, `SO_TYPE`, `SO_ACCEPTCONN`).
#[derive(Debug)]
pub enum ReadOnly {}
/// The option's value may only be set (such as the multicast membership options).
#[derive(Debug)]
pub enum WriteOnly {}

mod sealed {
    pub trait Access {}
    impl Access for super::ReadWrite {}
    impl Access for super::ReadOnly {}
    impl Access for super::WriteOnly {}
}

/// An access that allows [`getsockopt`]: [`ReadWrite`] and [`ReadOnly`].
pub trait Readable: sealed::Access {}
impl Readable for ReadWrite {}
impl Readable for ReadOnly {}

/// An access that allows [`setsockopt`]: [`ReadWrite`] and [`WriteOnly`].
pub trait Writable: sealed::Access {}
impl Writable for ReadWrite {}
impl Writable for WriteOnly {}

/// A type a typed option's value has: plain C data the kernel reads or writes whole.
///
/// Implemented for `c_int`, [`linger`], [`timeval`] and [`SockType`]; sealed, since
/// the kernel writes raw bytes into it.
pub trait OptValue: Pod {
    /// The value as the trace shows it, strace-style (`[1]`, `{l_onoff=1, l_linger=0}`).
    #[doc(hidden)]
    fn fmt_trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl OptValue for c_int {
    fn fmt_trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{self}]")
    }
}

impl OptValue for linger {
    fn fmt_trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{l_onoff={}, l_linger={}}}",
            self.l_onoff, self.l_linger
        )
    }
}

impl OptValue for timeval {
    fn fmt_trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{tv_sec={}, tv_usec={}}}", self.tv_sec, self.tv_usec)
    }
}

impl OptValue for SockType {
    fn fmt_trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{self:?}]")
    }
}

/// A typed socket option: its C number, its value type `T`, and its access `A`.
///
/// The constants (`SO_REUSEADDR`, `TCP_NODELAY`, …) are the values of this type; a
/// harness can build one for another option with [`SockOpt::new`].
pub struct SockOpt<T, A> {
    name: c_int,
    c_name: &'static str,
    _type: PhantomData<fn() -> (T, A)>,
}

impl<T, A> SockOpt<T, A> {
    /// An option with C number `name`, shown as `c_name` in the trace, for a test
    /// harness that wants an option this crate does not name to be typed. The value
    /// type and access are the caller's claim: the kernel still judges the call.
    pub const fn new(name: c_int, c_name: &'static str) -> Self {
        SockOpt {
            name,
            c_name,
            _type: PhantomData,
        }
    }

    /// The C option number.
    pub const fn as_raw(&self) -> c_int {
        self.name
    }

    /// The C name.
    pub const fn name(&self) -> &'static str {
        self.c_name
    }
}

impl<T, A> Clone for SockOpt<T, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, A> Copy for SockOpt<T, A> {}

impl<T, A> fmt::Debug for SockOpt<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.c_name)
    }
}

/// Declares option constants: `NAME: value type, access = C value;`.
macro_rules! options {
    ($( $(#[doc = $doc:literal])* $name:ident: $t:ty, $a:ty = $value:expr; )*) => {$(
        $(#[doc = $doc])*
        pub const $name: SockOpt<$t, $a> = SockOpt::new($value, stringify!($name));
    )*};
}

options! {
    /// `SOL_SOCKET`: allow `bind` to an address still in `TIME_WAIT` (servers set it
    /// before `bind` so a restart does not fail with `EADDRINUSE`).
    SO_REUSEADDR: c_int, ReadWrite = sys::SO_REUSEADDR;
    /// `SOL_SOCKET`: let several sockets bind the same address and port (Linux
    /// balances connections among them).
    SO_REUSEPORT: c_int, ReadWrite = sys::SO_REUSEPORT;
    /// `SOL_SOCKET`: send keepalive probes on an idle connection.
    SO_KEEPALIVE: c_int, ReadWrite = sys::SO_KEEPALIVE;
    /// `SOL_SOCKET`: how `close` treats unsent data. `l_onoff = 1, l_linger = 0` makes
    /// `close` reset the connection (RST) instead of the FIN handshake.
    SO_LINGER: linger, ReadWrite = sys::SO_LINGER;
    /// `SOL_SOCKET`: receive buffer size. Linux doubles the value set (for its
    /// bookkeeping) and reports the doubled value.
    SO_RCVBUF: c_int, ReadWrite = sys::SO_RCVBUF;
    /// `SOL_SOCKET`: send buffer size. Linux doubles the value set and reports the
    /// doubled value.
    SO_SNDBUF: c_int, ReadWrite = sys::SO_SNDBUF;
    /// `SOL_SOCKET`: receive timeout; a blocking `recv` that waits longer fails with
    /// `EAGAIN`. Zero waits forever. Linux rounds up to its clock tick.
    SO_RCVTIMEO: timeval, ReadWrite = sys::SO_RCVTIMEO;
    /// `SOL_SOCKET`: send timeout, as `SO_RCVTIMEO` for sending.
    SO_SNDTIMEO: timeval, ReadWrite = sys::SO_SNDTIMEO;
    /// `SOL_SOCKET`: the pending error, cleared by reading it (`0` for none; see
    /// [`Errno::from_raw`](crate::Errno::from_raw)). After a non-blocking `connect`
    /// becomes writable, this says whether it succeeded. Read-only.
    SO_ERROR: c_int, ReadOnly = sys::SO_ERROR;
    /// `SOL_SOCKET`: the socket type (`SOCK_STREAM`, …). Read-only.
    SO_TYPE: SockType, ReadOnly = sys::SO_TYPE;
    /// `SOL_SOCKET`: `1` if the socket is listening. Read-only.
    SO_ACCEPTCONN: c_int, ReadOnly = sys::SO_ACCEPTCONN;
    /// `SOL_SOCKET`: allow datagrams to broadcast addresses.
    SO_BROADCAST: c_int, ReadWrite = sys::SO_BROADCAST;
    /// `SOL_SOCKET`: receive out-of-band data inline.
    SO_OOBINLINE: c_int, ReadWrite = sys::SO_OOBINLINE;
    /// `SOL_SOCKET`: bypass routing, as `MSG_DONTROUTE` on every send.
    SO_DONTROUTE: c_int, ReadWrite = sys::SO_DONTROUTE;
    /// `SOL_SOCKET`: the least number of bytes `recv` waits for.
    SO_RCVLOWAT: c_int, ReadWrite = sys::SO_RCVLOWAT;
    /// `IPPROTO_TCP`: send small segments at once (turn Nagle's algorithm off).
    TCP_NODELAY: c_int, ReadWrite = sys::TCP_NODELAY;
    /// `IPPROTO_TCP`: the maximum segment size.
    TCP_MAXSEG: c_int, ReadWrite = sys::TCP_MAXSEG;
    /// `IPPROTO_TCP`: keepalive probes before the connection is dropped.
    TCP_KEEPCNT: c_int, ReadWrite = sys::TCP_KEEPCNT;
    /// `IPPROTO_TCP`: seconds between keepalive probes.
    TCP_KEEPINTVL: c_int, ReadWrite = sys::TCP_KEEPINTVL;
    /// `IPPROTO_IP`: the time-to-live of outgoing packets.
    IP_TTL: c_int, ReadWrite = sys::IP_TTL;
    /// `IPPROTO_IP`: the type-of-service byte of outgoing packets.
    IP_TOS: c_int, ReadWrite = sys::IP_TOS;
    /// `IPPROTO_IPV6`: `1` restricts an IPv6 socket to IPv6; `0` also takes IPv4 as
    /// mapped addresses (`::ffff:a.b.c.d`). Set before `bind`.
    IPV6_V6ONLY: c_int, ReadWrite = sys::IPV6_V6ONLY;
    /// `IPPROTO_IPV6`: the hop limit of outgoing unicast packets.
    IPV6_UNICAST_HOPS: c_int, ReadWrite = sys::IPV6_UNICAST_HOPS;
}

/// `IPPROTO_TCP`: seconds of idle before the first keepalive probe (Linux, Android,
/// FreeBSD).
#[cfg(have_tcp_keepidle)]
pub const TCP_KEEPIDLE: SockOpt<c_int, ReadWrite> = SockOpt::new(sys::TCP_KEEPIDLE, "TCP_KEEPIDLE");

/// `setsockopt(sockfd, level, optname, optval, optlen)`—Sets a socket option.
///
/// ```c
/// int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
/// ```
///
/// `value` has the option's type and its size is the `optlen`:
/// `setsockopt(&fd, SOL_SOCKET, SO_REUSEADDR, &1)`. Setting a read-only option or
/// passing the wrong type does not compile.
///
/// # Errors
///
/// `ENOPROTOOPT` (no such option at that level), `EINVAL` (bad value or length),
/// `ENOTSOCK`, `EBADF`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
/// - [socket(7)](https://man7.org/linux/man-pages/man7/socket.7.html),
///   [tcp(7)](https://man7.org/linux/man-pages/man7/tcp.7.html),
///   [ip(7)](https://man7.org/linux/man-pages/man7/ip.7.html),
///   [ipv6(7)](https://man7.org/linux/man-pages/man7/ipv6.7.html) for the options.
pub fn setsockopt<T: OptValue, A: Writable>(
    fd: impl AsFd,
    level: impl Into<Level>,
    option: SockOpt<T, A>,
    value: &T,
) -> Result<()> {
    let level = level.into();
    let ret = raw::setsockopt(fd.as_fd(), level.as_raw(), option.as_raw(), value);
    trace_line!(
        "setsockopt({}, {level:?}, {option:?}, {}, {}) = {}",
        fd_of(&fd),
        TraceValue(value),
        core::mem::size_of::<T>(),
        Ret(&ret)
    );
    ret
}

/// `getsockopt(sockfd, level, optname, optval, optlen)`—Reads a socket option.
///
/// ```c
/// int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
/// ```
///
/// Returns the value, typed by the option: `let ty = getsockopt(&fd, SOL_SOCKET,
/// SO_TYPE)?;` gives a [`SockType`]. Reading a set-only option does not compile.
///
/// # Errors
///
/// `ENOPROTOOPT` (no such option at that level), `ENOTSOCK`, `EBADF`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
pub fn getsockopt<T: OptValue, A: Readable>(
    fd: impl AsFd,
    level: impl Into<Level>,
    option: SockOpt<T, A>,
) -> Result<T> {
    let level = level.into();
    let ret = raw::getsockopt::<T>(fd.as_fd(), level.as_raw(), option.as_raw());
    match &ret {
        Ok((value, len)) => trace_line!(
            "getsockopt({}, {level:?}, {option:?}, {}, [{len}]) = 0",
            fd_of(&fd),
            TraceValue(value)
        ),
        Err(e) => trace_line!(
            "getsockopt({}, {level:?}, {option:?}, ..., [{}]) = -1 {e}",
            fd_of(&fd),
            core::mem::size_of::<T>()
        ),
    }
    ret.map(|(value, _len)| value)
}

/// `setsockopt(sockfd, level, optname, optval, optlen)` with the value as raw bytes,
/// for any option this crate does not type.
///
/// ```c
/// int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
/// ```
///
/// `optname` is the C number and `optval.len()` the `optlen`; the bytes go to the
/// kernel as they are (native byte order for integers).
///
/// # Errors
///
/// As [`setsockopt`]; `EINVAL` also for a length the option does not take, or one
/// longer than `socklen_t` can say.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
pub fn setsockopt_raw(
    fd: impl AsFd,
    level: impl Into<Level>,
    optname: c_int,
    optval: &[u8],
) -> Result<()> {
    let level = level.into();
    let ret = raw::setsockopt_bytes(fd.as_fd(), level.as_raw(), optname, optval);
    trace_line!(
        "setsockopt({}, {level:?}, {optname}, <{} bytes>, {}) = {}",
        fd_of(&fd),
        optval.len(),
        optval.len(),
        Ret(&ret)
    );
    ret
}

/// `getsockopt(sockfd, level, optname, optval, optlen)` into a raw byte buffer, for
/// any option this crate does not type.
///
/// ```c
/// int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
/// ```
///
/// `optval.len()` is the `optlen` passed in; the return value is the `optlen` the
/// kernel reported, cut to `optval.len()` (a few options report their full size even
/// when they wrote less), so `&optval[..n]` is always in bounds.
///
/// # Errors
///
/// As [`getsockopt`].
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
pub fn getsockopt_raw(
    fd: impl AsFd,
    level: impl Into<Level>,
    optname: c_int,
    optval: &mut [u8],
) -> Result<usize> {
    let level = level.into();
    let ret = raw::getsockopt_bytes(fd.as_fd(), level.as_raw(), optname, optval);
    match &ret {
        Ok(len) => trace_line!(
            "getsockopt({}, {level:?}, {optname}, <{len} bytes>, [{len}]) = 0",
            fd_of(&fd)
        ),
        Err(e) => trace_line!(
            "getsockopt({}, {level:?}, {optname}, ..., [{}]) = -1 {e}",
            fd_of(&fd),
            optval.len()
        ),
    }
    ret
}

/// An option value in the trace.
struct TraceValue<'a, T>(&'a T);

impl<T: OptValue> fmt::Display for TraceValue<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_trace(f)
    }
}
