//! Socket options: `setsockopt` and `getsockopt`, the levels, and the options.
//!
//! Each option is a constant with its C name whose type, [`SockOpt<T, A>`], fixes the
//! value type `T` (`c_int`, [`linger`], [`timeval`], …, or `[u8]` for the options whose
//! value is a name) and the access `A` ([`ReadWrite`] or [`ReadOnly`]). Passing a
//! value of the wrong type, or setting a read-only option, does not compile:
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
//! The level is passed as in C, and any level compiles. Each of the crate's options
//! belongs to one level, though, and the safe calls pass it only there: at another
//! level the same number is another option (`TCP_NODELAY` is 1, and option 1 of
//! `SOL_SOCKET` is `SO_DEBUG`), which may not be plain data, so
//! `setsockopt(&fd, SOL_SOCKET, TCP_NODELAY, &1)`, which in C silently sets
//! `SO_DEBUG`, returns `ENOPROTOOPT` here without a call, and the trace says why:
//! `setsockopt(3, SOL_SOCKET, SO_DEBUG, ...) = -1 ENOPROTOOPT (Protocol not available)
//! (not called: TCP_NODELAY is not an option of SOL_SOCKET)`. `IPPROTO_TCP` and
//! `SOL_TCP` (and the like) are the same number, so either works. To reach an
//! option at another level, use [`setsockopt_raw`] and [`getsockopt_raw`], whose
//! trace lines name the option the kernel applies.
//!
//! # What makes an option safe to type
//!
//! Linux treats the value of some options as more than bytes: `TCP_ZEROCOPY_RECEIVE`
//! holds an address the kernel copies data to, `IP_MSFILTER` and `MCAST_MSFILTER` a
//! count by which the kernel sizes its write (past the `optlen` it was given), and
//! `SO_ATTACH_FILTER` a pointer the kernel reads through. Through a safe function such
//! an option would let safe code make the kernel write anywhere. So an option becomes
//! a constant here only if it is **plain data** at its level: the kernel reads at
//! most `optlen` bytes of the value and writes at most `optlen` bytes back, follows no
//! pointer and no count inside them (nor reads `optlen` as anything but a byte count),
//! and every bit pattern it writes is a valid `T`. Each constant below was checked
//! against the Linux sources for this, and its docs say so. The claim holds at the
//! option's own level only, which is why the safe calls refuse it at any other level.
//!
//! "At its level" means on every socket family, since the check compares numbers:
//! Bluetooth's SCO, ISO and mISDN sockets ignore the level and dispatch on the number
//! alone, `SOL_HCI` is 0 (as `IPPROTO_IP`) and `SOL_L2CAP` is 6 (as `IPPROTO_TCP`).
//! Each constant's number was also checked there: the largest write any of them
//! reaches is 4 bytes, never through a pointer, and every typed value is at least
//! 4 bytes. A new constant must keep that (a 1- or 2-byte value numbered 3, 7, 12,
//! 13, 14 or 16 would not).
//!
//! For an option this crate does not type, [`setsockopt_raw`] and [`getsockopt_raw`]
//! take bytes and are `unsafe`; [`SockOpt::new`] mints a typed option from a number
//! and is `unsafe` for the same reason: its type is a claim about what the kernel
//! does.
//!
//! ```compile_fail,E0133
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! let mut buf = [0u8; 4];
//! getsockopt_raw(&fd, SOL_SOCKET, 3, &mut buf)?; // needs `unsafe { }`
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0133
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! setsockopt_raw(&fd, SOL_SOCKET, 2, &1i32.to_ne_bytes())?; // needs `unsafe { }`
//! # Ok(()) }
//! ```
//!
//! The typed values' own plumbing cannot be called from outside either (it would take
//! any level and number):
//!
//! ```compile_fail,E0603
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! let token = sockapi::sockopt::sealed::Token(()); // private
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! use std::os::fd::AsFd;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! // No token can be made, so the hidden method cannot be called.
//! <core::ffi::c_int as OptValue>::set(Default::default(), fd.as_fd(), 1, 26, &0)?;
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0133
//! use sockapi::*;
//! // Minting a typed option is a claim about the kernel: it needs `unsafe { }`.
//! const MY_OPT: SockOpt<core::ffi::c_int, ReadWrite> = SockOpt::new(99, "MY_OPT");
//! ```

use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;
use std::os::fd::{AsFd, BorrowedFd, RawFd};

use crate::macros::{c_values, inject};
use crate::raw::{self, Pod};
use crate::socket::{fd_of, AddressFamily, Protocol, SockType};
use crate::sys::{self, c_int, socklen_t};
use crate::trace::{self, trace, traced, zero, Data, Ret};
use crate::{Errno, Result};

mod names;

/// `struct linger`: how `close` treats unsent data ([`SO_LINGER`]).
///
/// `l_onoff` non-zero turns lingering on; `l_linger` is then how many seconds `close`
/// waits for the data to go. `{ l_onoff: 1, l_linger: 0 }` makes `close` reset the
/// connection (RST) instead of the FIN handshake.
#[allow(non_camel_case_types)]
pub type linger = sys::linger;

/// `struct timeval`: seconds and microseconds, the value of [`SO_RCVTIMEO`] and
/// [`SO_SNDTIMEO`] (and later of `select`'s timeout). `tv_usec` must be below
/// 1,000,000, or the kernel answers `EDOM`.
#[allow(non_camel_case_types)]
pub type timeval = sys::timeval;

/// `struct ucred`: the process id, user id and group id of the peer of a Unix-domain
/// socket as they were when it connected ([`SO_PEERCRED`]).
#[cfg(have_linux_sockopts)]
#[allow(non_camel_case_types)]
pub type ucred = sys::ucred;

c_values! {
    /// The `level` of a socket option: `SOL_SOCKET`, or the protocol whose option it
    /// is (`IPPROTO_TCP`, `IPPROTO_IP`, `IPPROTO_IPV6`), as C passes it. A
    /// [`Protocol`] and a plain `c_int` (`SOL_PACKET`, any level) convert into a
    /// `Level`, so `IPPROTO_TCP` works here as in C.
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
    #[inline]
    fn from(protocol: Protocol) -> Level {
        Level::from_raw(protocol.as_raw())
    }
}

impl From<c_int> for Level {
    /// Any level as the integer C passes (`SOL_PACKET` is 263 on Linux).
    #[inline]
    fn from(raw: c_int) -> Level {
        Level::from_raw(raw)
    }
}

/// The option's value may be read and set.
#[derive(Debug)]
pub enum ReadWrite {}
/// The option's value may only be read (`SO_ERROR`, `SO_TYPE`, `SO_ACCEPTCONN`).
#[derive(Debug)]
pub enum ReadOnly {}
/// The option's value may only be set. No option of this crate has it yet; it is for
/// options minted with [`SockOpt::new`].
#[derive(Debug)]
pub enum WriteOnly {}

mod sealed {
    pub trait Access {}
    impl Access for super::ReadWrite {}
    impl Access for super::ReadOnly {}
    impl Access for super::WriteOnly {}

    pub trait Value {}

    /// The first argument of `OptValue`'s hidden methods. Nothing outside this crate
    /// can name or make one, so those methods (which take any level and number, and so
    /// would be a safe `setsockopt_raw`) cannot be called from outside.
    pub struct Token(pub(super) ());

    /// The membership and multicast-interface values: each sets itself with its own
    /// size, so that one option can take several C structs as C does.
    pub trait Group {
        fn set_group(
            &self,
            fd: std::os::fd::BorrowedFd<'_>,
            level: crate::sys::c_int,
            name: crate::sys::c_int,
        ) -> crate::Result<()>;
        fn group_len(&self) -> usize;
        fn fmt_group(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result;
    }
}

/// An access that allows [`getsockopt`]: [`ReadWrite`] and [`ReadOnly`].
pub trait Readable: sealed::Access {}
impl Readable for ReadWrite {}
impl Readable for ReadOnly {}

/// An access that allows [`setsockopt`]: [`ReadWrite`] and [`WriteOnly`].
pub trait Writable: sealed::Access {}
impl Writable for ReadWrite {}
impl Writable for WriteOnly {}

/// A type a typed option's value has: plain C data the kernel reads or writes whole
/// (`c_int`, [`linger`], [`timeval`], `ucred`, [`SockType`], [`AddressFamily`],
/// [`Protocol`]), or `[u8]` for an option whose value is a name, which
/// [`getsockopt`] returns as an [`OptName`].
///
/// Sealed: the kernel writes raw bytes into these types.
pub trait OptValue: sealed::Value {
    /// What [`getsockopt`] returns: the value itself, or an [`OptName`] for a name.
    type Out: Copy;
    /// The `optlen` that `get` passes.
    #[doc(hidden)]
    const GET_LEN: usize;
    #[doc(hidden)]
    fn set(
        token: sealed::Token,
        fd: BorrowedFd<'_>,
        level: c_int,
        name: c_int,
        value: &Self,
    ) -> Result<()>;
    #[doc(hidden)]
    fn get(
        token: sealed::Token,
        fd: BorrowedFd<'_>,
        level: c_int,
        name: c_int,
    ) -> Result<(Self::Out, socklen_t)>;
    /// The `optlen` that `set` passes.
    #[doc(hidden)]
    fn len(value: &Self) -> usize;
    /// The value as the trace shows it, strace-style (`[1]`, `{l_onoff=1, l_linger=0}`),
    /// for the option `name` at `level`.
    #[doc(hidden)]
    fn fmt_value(
        value: &Self,
        level: c_int,
        name: c_int,
        f: &mut fmt::Formatter<'_>,
    ) -> fmt::Result;
    /// The value `get` returned, as the trace shows it.
    #[doc(hidden)]
    fn fmt_out(
        out: &Self::Out,
        len: socklen_t,
        level: c_int,
        name: c_int,
        f: &mut fmt::Formatter<'_>,
    ) -> fmt::Result;
}

/// The plain C data of the typed options: read and written whole by the kernel.
trait PlainValue: Pod {
    fn fmt_plain(&self, level: c_int, name: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: PlainValue> sealed::Value for T {}

impl<T: PlainValue> OptValue for T {
    type Out = T;
    const GET_LEN: usize = core::mem::size_of::<T>();
    #[inline]
    fn set(
        _: sealed::Token,
        fd: BorrowedFd<'_>,
        level: c_int,
        name: c_int,
        value: &T,
    ) -> Result<()> {
        raw::setsockopt(fd, level, name, value)
    }
    #[inline]
    fn get(
        _: sealed::Token,
        fd: BorrowedFd<'_>,
        level: c_int,
        name: c_int,
    ) -> Result<(T, socklen_t)> {
        raw::getsockopt(fd, level, name)
    }
    #[inline]
    fn len(_: &T) -> usize {
        core::mem::size_of::<T>()
    }
    fn fmt_value(value: &T, level: c_int, name: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        value.fmt_plain(level, name, f)
    }
    fn fmt_out(
        out: &T,
        _: socklen_t,
        level: c_int,
        name: c_int,
        f: &mut fmt::Formatter<'_>,
    ) -> fmt::Result {
        out.fmt_plain(level, name, f)
    }
}

impl PlainValue for c_int {
    fn fmt_plain(&self, level: c_int, name: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self != 0 && level == sys::SOL_SOCKET && name == sys::SO_ERROR {
            // As strace: the pending error by its name.
            return write!(f, "[{}]", Errno::from_raw(*self).name());
        }
        write!(f, "[{self}]")
    }
}

impl PlainValue for linger {
    fn fmt_plain(&self, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{l_onoff={}, l_linger={}}}",
            self.l_onoff, self.l_linger
        )
    }
}

impl PlainValue for timeval {
    fn fmt_plain(&self, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{tv_sec={}, tv_usec={}}}", self.tv_sec, self.tv_usec)
    }
}

#[cfg(have_linux_sockopts)]
impl PlainValue for ucred {
    fn fmt_plain(&self, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{pid={}, uid={}, gid={}}}",
            self.pid, self.uid, self.gid
        )
    }
}

/// The typed constants whose C value is an `int` holding one of this crate's
/// constant types.
macro_rules! int_values {
    ($($t:ty),*) => {$(
        impl sealed::Value for $t {}

        impl OptValue for $t {
            type Out = $t;
            const GET_LEN: usize = core::mem::size_of::<c_int>();
            #[inline]
            fn set(_: sealed::Token, fd: BorrowedFd<'_>, level: c_int, name: c_int, value: &$t) -> Result<()> {
                raw::setsockopt(fd, level, name, &value.as_raw())
            }
            #[inline]
            fn get(_: sealed::Token, fd: BorrowedFd<'_>, level: c_int, name: c_int) -> Result<($t, socklen_t)> {
                raw::getsockopt::<c_int>(fd, level, name).map(|(v, len)| (<$t>::from_raw(v), len))
            }
            #[inline]
            fn len(_: &$t) -> usize {
                core::mem::size_of::<c_int>()
            }
            fn fmt_value(value: &$t, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "[{value:?}]")
            }
            fn fmt_out(out: &$t, _: socklen_t, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "[{out:?}]")
            }
        }
    )*};
}

int_values!(SockType, AddressFamily, Protocol);

/// The longest name an option of type `[u8]` holds, with its NUL: `IFNAMSIZ` and
/// `TCP_CA_NAME_MAX` are both 16 on Linux.
const NAME_MAX: usize = 16;

/// A name read by [`getsockopt`] for an option whose value is a name
/// ([`SO_BINDTODEVICE`], [`TCP_CONGESTION`]): the bytes up to the first NUL, on the
/// stack. It derefs to `&[u8]`; `Debug` shows it quoted, odd bytes escaped; `==` and
/// `Hash` look at the name only.
#[derive(Clone, Copy)]
pub struct OptName {
    buf: [u8; NAME_MAX],
    len: u8,
}

impl OptName {
    /// The name's bytes, without the NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len as usize]
    }
}

impl Deref for OptName {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for OptName {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for OptName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_bytes().escape_ascii().to_string())
    }
}

impl PartialEq for OptName {
    fn eq(&self, other: &OptName) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for OptName {}

impl core::hash::Hash for OptName {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialEq<[u8]> for OptName {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for OptName {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.as_bytes() == other
    }
}

impl PartialEq<&[u8]> for OptName {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_bytes() == *other
    }
}

impl sealed::Value for [u8] {}

/// A name: set from its bytes (no NUL needed), read back up to the first NUL.
impl OptValue for [u8] {
    type Out = OptName;
    const GET_LEN: usize = NAME_MAX;
    #[inline]
    fn set(
        _: sealed::Token,
        fd: BorrowedFd<'_>,
        level: c_int,
        name: c_int,
        value: &[u8],
    ) -> Result<()> {
        raw::setsockopt_name(fd, level, name, value)
    }
    #[inline]
    fn get(
        _: sealed::Token,
        fd: BorrowedFd<'_>,
        level: c_int,
        name: c_int,
    ) -> Result<(OptName, socklen_t)> {
        let mut buf = [0u8; NAME_MAX];
        let len = raw::getsockopt_name(fd, level, name, &mut buf)?;
        let written = len.min(NAME_MAX);
        let end = buf[..written]
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(written);
        // `buf` stays whole for the trace, which shows what the kernel wrote.
        let mut out = OptName {
            buf,
            len: end as u8,
        };
        for b in &mut out.buf[written..] {
            *b = 0;
        }
        Ok((out, len as socklen_t))
    }
    #[inline]
    fn len(value: &[u8]) -> usize {
        value.len()
    }
    fn fmt_value(value: &[u8], _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Data(value))
    }
    fn fmt_out(
        out: &OptName,
        len: socklen_t,
        _: c_int,
        _: c_int,
        f: &mut fmt::Formatter<'_>,
    ) -> fmt::Result {
        write!(f, "{}", Data(&out.buf[..(len as usize).min(NAME_MAX)]))
    }
}

/// A typed socket option: its C number, its value type `T`, and its access `A`.
///
/// The constants (`SO_REUSEADDR`, `TCP_NODELAY`, …) are the values of this type; a
/// harness can build one for another option with [`SockOpt::new`], which is `unsafe`.
pub struct SockOpt<T: ?Sized, A> {
    /// The level the option belongs to, for the vetted constants; `None` for one
    /// minted with [`SockOpt::new`], whose caller vouched for every level.
    level: Option<c_int>,
    name: c_int,
    c_name: &'static str,
    _type: PhantomData<Marker<T, A>>,
}

/// The value type and access of a [`SockOpt`], as a type that is `Send`, `Sync` and
/// `Copy` whatever they are (the option holds neither).
type Marker<T, A> = (fn(&T), fn() -> A);

impl<T: ?Sized, A> SockOpt<T, A> {
    /// The constructor of the vetted constants below: each is plain data at `level`
    /// (see the module docs).
    const fn vetted(level: c_int, name: c_int, c_name: &'static str) -> Self {
        SockOpt {
            level: Some(level),
            name,
            c_name,
            _type: PhantomData,
        }
    }

    /// `ENOPROTOOPT` if the safe calls must refuse this option at `level`: a vetted
    /// option is plain data at its own level only, and at another the same number is
    /// another option, which may not be (the kernel reads `SO_GET_FILTER`'s `optlen`
    /// as a count of 8-byte instructions, for one). The compiler settles this when
    /// both are constants, as they are in C-shaped code.
    #[inline(always)]
    fn refuse_at(&self, level: Level) -> Option<crate::Errno> {
        match self.level {
            Some(own) if own != level.as_raw() => Some(crate::Errno::ENOPROTOOPT),
            _ => None,
        }
    }

    /// An option with C number `name`, shown as `c_name` by `Debug`, for a test
    /// harness that wants an option this crate does not name to be typed.
    ///
    /// # Safety
    ///
    /// The type `T` and access `A` are a claim that [`setsockopt`] and [`getsockopt`]
    /// then rely on: for every level it will be used at, the kernel reads at most the
    /// value's own size (`size_of::<T>()`, or for `dyn MulticastGroup`/`dyn
    /// MulticastIf` the size of the struct passed: 4, 8 or 12 bytes) and writes at
    /// most that many back, and
    /// follows no pointer or count inside them, on every socket family it may reach
    /// (some, such as Bluetooth's SCO, ignore the level). Options such as `TCP_ZEROCOPY_RECEIVE`
    /// (an address the kernel copies to), `IP_MSFILTER` / `MCAST_MSFILTER` (a count
    /// that sizes the kernel's write beyond `optlen`) and `SO_ATTACH_FILTER` (a pointer
    /// the kernel reads through) break it; so does any `T` the kernel can fill with a
    /// bit pattern `T` does not allow. The kernel still judges the call: a wrong
    /// number only fails with `ENOPROTOOPT` or `EINVAL`.
    ///
    /// Unlike the crate's constants, such an option is not tied to a level: the safe
    /// calls pass it at whatever level they are given, so the claim above must hold
    /// at each of them.
    #[allow(unsafe_code)]
    pub const unsafe fn new(name: c_int, c_name: &'static str) -> Self {
        SockOpt {
            level: None,
            name,
            c_name,
            _type: PhantomData,
        }
    }

    /// The level this option belongs to (`SOL_SOCKET`, `IPPROTO_TCP`, …), at which
    /// alone [`setsockopt`] and [`getsockopt`] pass it; `None` for one minted with
    /// [`SockOpt::new`].
    pub const fn level(&self) -> Option<Level> {
        match self.level {
            Some(level) => Some(Level::from_raw(level)),
            None => None,
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

impl<T: ?Sized, A> Clone for SockOpt<T, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized, A> Copy for SockOpt<T, A> {}

impl<T: ?Sized, A> fmt::Debug for SockOpt<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.c_name)
    }
}

/// Declares option constants: `NAME: value type, access = C value;`. Each is plain
/// data (see the module docs), which its docs say.
macro_rules! options {
    ($( $(#[doc = $doc:literal])* $(#[cfg($cfg:meta)])? $name:ident: $t:ty, $a:ty = $level:ident, $value:expr; )*) => {$(
        $(#[doc = $doc])*
        #[doc = ""]
        #[doc = concat!(
            "Plain data (`", stringify!($t), "`) at `", stringify!($level), "`: there the kernel ",
            "reads and writes only the value's own bytes and follows nothing inside them, so the ",
            "safe calls take it. At any other level they refuse it with `ENOPROTOOPT`, without ",
            "a call, since there the same number is another option."
        )]
        $(#[cfg($cfg)])?
        pub const $name: SockOpt<$t, $a> = SockOpt::vetted(sys::$level, $value, stringify!($name));
    )*};
}

/// Formats with a closure, for the trace's option values.
struct FmtWith<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for FmtWith<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

options! {
    /// `SOL_SOCKET`: allow `bind` to an address still in `TIME_WAIT` (servers set it
    /// before `bind` so a restart does not fail with `EADDRINUSE`).
    SO_REUSEADDR: c_int, ReadWrite = SOL_SOCKET, sys::SO_REUSEADDR;
    /// `SOL_SOCKET`: let several sockets bind the same address and port (Linux
    /// balances connections among them).
    SO_REUSEPORT: c_int, ReadWrite = SOL_SOCKET, sys::SO_REUSEPORT;
    /// `SOL_SOCKET`: send keepalive probes on an idle connection.
    SO_KEEPALIVE: c_int, ReadWrite = SOL_SOCKET, sys::SO_KEEPALIVE;
    /// `SOL_SOCKET`: how `close` treats unsent data. `l_onoff = 1, l_linger = 0` makes
    /// `close` reset the connection (RST) instead of the FIN handshake.
    SO_LINGER: linger, ReadWrite = SOL_SOCKET, sys::SO_LINGER;
    /// `SOL_SOCKET`: receive buffer size. Linux doubles the value set (for its
    /// bookkeeping) and reports the doubled value.
    SO_RCVBUF: c_int, ReadWrite = SOL_SOCKET, sys::SO_RCVBUF;
    /// `SOL_SOCKET`: send buffer size. Linux doubles the value set and reports the
    /// doubled value.
    SO_SNDBUF: c_int, ReadWrite = SOL_SOCKET, sys::SO_SNDBUF;
    /// `SOL_SOCKET`: receive timeout; a blocking `recv` that waits longer fails with
    /// `EAGAIN`. Zero waits forever. Linux rounds up to its clock tick.
    SO_RCVTIMEO: timeval, ReadWrite = SOL_SOCKET, sys::SO_RCVTIMEO;
    /// `SOL_SOCKET`: send timeout, as `SO_RCVTIMEO` for sending.
    SO_SNDTIMEO: timeval, ReadWrite = SOL_SOCKET, sys::SO_SNDTIMEO;
    /// `SOL_SOCKET`: the pending error, cleared by reading it (`0` for none; see
    /// [`Errno::from_raw`](crate::Errno::from_raw)). After a non-blocking `connect`
    /// becomes writable, this says whether it succeeded. Read-only.
    SO_ERROR: c_int, ReadOnly = SOL_SOCKET, sys::SO_ERROR;
    /// `SOL_SOCKET`: the socket type (`SOCK_STREAM`, …). Read-only.
    SO_TYPE: SockType, ReadOnly = SOL_SOCKET, sys::SO_TYPE;
    /// `SOL_SOCKET`: the send low-water mark. Read-only on Linux, where it is always 1
    /// and setting it fails with `ENOPROTOOPT`.
    #[cfg(have_linux_sockopts)]
    SO_SNDLOWAT: c_int, ReadOnly = SOL_SOCKET, sys::SO_SNDLOWAT;
    /// `SOL_SOCKET`: the send low-water mark.
    #[cfg(not(have_linux_sockopts))]
    SO_SNDLOWAT: c_int, ReadWrite = SOL_SOCKET, sys::SO_SNDLOWAT;
    /// `SOL_SOCKET`: `1` if the socket is listening. Read-only.
    SO_ACCEPTCONN: c_int, ReadOnly = SOL_SOCKET, sys::SO_ACCEPTCONN;
    /// `SOL_SOCKET`: allow datagrams to broadcast addresses.
    SO_BROADCAST: c_int, ReadWrite = SOL_SOCKET, sys::SO_BROADCAST;
    /// `SOL_SOCKET`: receive out-of-band data inline.
    SO_OOBINLINE: c_int, ReadWrite = SOL_SOCKET, sys::SO_OOBINLINE;
    /// `SOL_SOCKET`: bypass routing, as `MSG_DONTROUTE` on every send.
    SO_DONTROUTE: c_int, ReadWrite = SOL_SOCKET, sys::SO_DONTROUTE;
    /// `SOL_SOCKET`: the least number of bytes `recv` waits for.
    SO_RCVLOWAT: c_int, ReadWrite = SOL_SOCKET, sys::SO_RCVLOWAT;
    /// `IPPROTO_TCP`: send small segments at once (turn Nagle's algorithm off).
    TCP_NODELAY: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_NODELAY;
    /// `IPPROTO_TCP`: the maximum segment size.
    TCP_MAXSEG: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_MAXSEG;
    /// `IPPROTO_TCP`: keepalive probes before the connection is dropped.
    TCP_KEEPCNT: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_KEEPCNT;
    /// `IPPROTO_TCP`: seconds between keepalive probes.
    TCP_KEEPINTVL: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_KEEPINTVL;
    /// `IPPROTO_IP`: the time-to-live of outgoing packets.
    IP_TTL: c_int, ReadWrite = IPPROTO_IP, sys::IP_TTL;
    /// `IPPROTO_IP`: the type-of-service byte of outgoing packets.
    IP_TOS: c_int, ReadWrite = IPPROTO_IP, sys::IP_TOS;
    /// `IPPROTO_IPV6`: `1` restricts an IPv6 socket to IPv6; `0` also takes IPv4 as
    /// mapped addresses (`::ffff:a.b.c.d`). Set before `bind`.
    IPV6_V6ONLY: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_V6ONLY;
    /// `IPPROTO_IPV6`: the hop limit of outgoing unicast packets.
    IPV6_UNICAST_HOPS: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_UNICAST_HOPS;
    /// `IPPROTO_TCP`: seconds of idle before the first keepalive probe (Linux, Android,
    /// FreeBSD).
    #[cfg(have_tcp_keepidle)]
    TCP_KEEPIDLE: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_KEEPIDLE;

    // Linux's own options, for test harnesses.

    /// `SOL_SOCKET`: the socket's address family (`AF_INET`, …). Read-only. Linux.
    #[cfg(have_linux_sockopts)]
    SO_DOMAIN: AddressFamily, ReadOnly = SOL_SOCKET, sys::SO_DOMAIN;
    /// `SOL_SOCKET`: the socket's protocol (`IPPROTO_TCP`, …). Read-only. Linux.
    #[cfg(have_linux_sockopts)]
    SO_PROTOCOL: Protocol, ReadOnly = SOL_SOCKET, sys::SO_PROTOCOL;
    /// `SOL_SOCKET`: the priority of the socket's packets (0 to 6 without
    /// `CAP_NET_ADMIN`). Linux.
    #[cfg(have_linux_sockopts)]
    SO_PRIORITY: c_int, ReadWrite = SOL_SOCKET, sys::SO_PRIORITY;
    /// `SOL_SOCKET`: the firewall mark of the socket's packets. Setting it needs
    /// `CAP_NET_ADMIN` (or, since Linux 5.17, `CAP_NET_RAW`); `EPERM` without. Linux.
    #[cfg(have_linux_sockopts)]
    SO_MARK: c_int, ReadWrite = SOL_SOCKET, sys::SO_MARK;
    /// `SOL_SOCKET`: attach the sender's credentials to each message received, as an
    /// `SCM_CREDENTIALS` control message (`recvmsg`), on a Unix-domain socket. Linux.
    #[cfg(have_linux_sockopts)]
    SO_PASSCRED: c_int, ReadWrite = SOL_SOCKET, sys::SO_PASSCRED;
    /// `SOL_SOCKET`: the credentials of a Unix-domain socket's peer, as they were at
    /// `connect` or `socketpair`. Read-only. Linux. On a socket with no such peer (TCP,
    /// an unconnected Unix socket) it does not fail: it reads pid 0 and uid and gid
    /// `u32::MAX` (C's `-1`).
    #[cfg(have_linux_sockopts)]
    SO_PEERCRED: ucred, ReadOnly = SOL_SOCKET, sys::SO_PEERCRED;
    /// `SOL_SOCKET`: microseconds to busy-poll for data on a blocking receive (older
    /// kernels want `CAP_NET_ADMIN` to raise it above `net.core.busy_read`). Linux.
    #[cfg(have_linux_sockopts)]
    SO_BUSY_POLL: c_int, ReadWrite = SOL_SOCKET, sys::SO_BUSY_POLL;
    /// `SOL_SOCKET`: the CPU the socket's packets are processed on (`-1` before any);
    /// setting it steers a `SO_REUSEPORT` group. Linux.
    #[cfg(have_linux_sockopts)]
    SO_INCOMING_CPU: c_int, ReadWrite = SOL_SOCKET, sys::SO_INCOMING_CPU;
    /// `SOL_SOCKET`: the device the socket is bound to, by name (`b"lo"`; empty
    /// unbinds). Since Linux 5.7 the first binding needs no privilege; changing or
    /// removing one needs `CAP_NET_RAW` (`EPERM`). An unknown name fails with
    /// `ENODEV`. Reads back as an [`OptName`], empty when unbound. Linux.
    #[cfg(have_linux_sockopts)]
    SO_BINDTODEVICE: [u8], ReadWrite = SOL_SOCKET, sys::SO_BINDTODEVICE;
    /// `IPPROTO_TCP`: milliseconds that sent data may stay unacknowledged before the
    /// connection is dropped with `ETIMEDOUT` (0: the system default). Linux.
    #[cfg(have_linux_sockopts)]
    TCP_USER_TIMEOUT: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_USER_TIMEOUT;
    /// `IPPROTO_TCP`: send ACKs at once instead of delaying them; the kernel may turn it
    /// off again by itself, so a read shows only the current mode. Linux.
    #[cfg(have_linux_sockopts)]
    TCP_QUICKACK: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_QUICKACK;
    /// `IPPROTO_TCP`: hold back partial segments until the option is cleared (or 200 ms
    /// pass). Linux.
    #[cfg(have_linux_sockopts)]
    TCP_CORK: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_CORK;
    /// `IPPROTO_TCP`: seconds a listener waits for data before it wakes `accept`. The
    /// kernel keeps it as a number of SYN-ACK retransmissions and reads back the
    /// seconds that number covers, rounded up: set 5, read 7. Linux.
    #[cfg(have_linux_sockopts)]
    TCP_DEFER_ACCEPT: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_DEFER_ACCEPT;
    /// `IPPROTO_TCP`: on a listener, the queue length of TCP Fast Open requests
    /// (0 turns it off). Linux.
    #[cfg(have_linux_sockopts)]
    TCP_FASTOPEN: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_FASTOPEN;
    /// `IPPROTO_TCP`: SYN retransmissions before `connect` gives up (1 to 127). Linux.
    #[cfg(have_linux_sockopts)]
    TCP_SYNCNT: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_SYNCNT;
    /// `IPPROTO_TCP`: bytes of unsent data above which the socket stops being
    /// writable for `poll`. Linux.
    #[cfg(have_linux_sockopts)]
    TCP_NOTSENT_LOWAT: c_int, ReadWrite = IPPROTO_TCP, sys::TCP_NOTSENT_LOWAT;
    /// `IPPROTO_TCP`: the congestion-control algorithm, by name (`b"reno"`,
    /// `b"cubic"`). The kernel returns it NUL-padded; it reads back as an [`OptName`]
    /// up to the first NUL. Linux.
    #[cfg(have_linux_sockopts)]
    TCP_CONGESTION: [u8], ReadWrite = IPPROTO_TCP, sys::TCP_CONGESTION;
    /// `IPPROTO_IP`: allow `bind` to an address that is not (yet) local. Linux.
    #[cfg(have_linux_sockopts)]
    IP_FREEBIND: c_int, ReadWrite = IPPROTO_IP, sys::IP_FREEBIND;
    /// `IPPROTO_IP`: allow a transparent proxy to bind and send from foreign
    /// addresses. Setting it needs `CAP_NET_ADMIN` or `CAP_NET_RAW`. Linux.
    #[cfg(have_linux_sockopts)]
    IP_TRANSPARENT: c_int, ReadWrite = IPPROTO_IP, sys::IP_TRANSPARENT;
    /// `IPPROTO_IP`: queue extended errors (ICMP) for `recvmsg(MSG_ERRQUEUE)`. Linux.
    #[cfg(have_linux_sockopts)]
    IP_RECVERR: c_int, ReadWrite = IPPROTO_IP, sys::IP_RECVERR;
    /// `IPPROTO_IP`: path-MTU discovery: [`IP_PMTUDISC_DONT`], [`IP_PMTUDISC_WANT`],
    /// [`IP_PMTUDISC_DO`], [`IP_PMTUDISC_PROBE`]. Linux.
    #[cfg(have_linux_sockopts)]
    IP_MTU_DISCOVER: c_int, ReadWrite = IPPROTO_IP, sys::IP_MTU_DISCOVER;
    /// `IPPROTO_IP`: the path MTU the kernel knows. Read-only, and only on a connected
    /// socket (`ENOTCONN` otherwise). Linux.
    #[cfg(have_linux_sockopts)]
    IP_MTU: c_int, ReadOnly = IPPROTO_IP, sys::IP_MTU;
    /// `IPPROTO_IPV6`: queue extended errors (ICMPv6) for `recvmsg(MSG_ERRQUEUE)`.
    /// Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_RECVERR: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_RECVERR;
}

// Multicast: the membership values. The kernel tells `ip_mreq` and `ip_mreqn` apart
// by `optlen`, so one option takes either: its value type is `dyn MulticastGroup`, and
// `&mreq` or `&mreqn` coerces to it, as C passes either with its own `sizeof`.

/// `struct in_addr`: an IPv4 address in network byte order (`s_addr`), the value of
/// [`IP_MULTICAST_IF`] as it reads back.
#[allow(non_camel_case_types)]
pub type in_addr = sys::in_addr;

/// `struct ip_mreq`: a group and the local address of the interface to join it on
/// (`INADDR_ANY` lets the kernel choose), for [`IP_ADD_MEMBERSHIP`].
#[cfg(have_linux_sockopts)]
#[allow(non_camel_case_types)]
pub type ip_mreq = sys::ip_mreq;

/// `struct ip_mreqn` (Linux): a group, a local address, and an interface index
/// ([`if_nametoindex`](crate::if_nametoindex)), which wins over the address.
#[cfg(have_linux_sockopts)]
#[allow(non_camel_case_types)]
pub type ip_mreqn = sys::ip_mreqn;

/// `struct ip_mreq_source`: a group, a local interface address and one source, for
/// [`IP_ADD_SOURCE_MEMBERSHIP`].
#[cfg(have_linux_sockopts)]
#[allow(non_camel_case_types)]
pub type ip_mreq_source = sys::ip_mreq_source;

/// `struct ipv6_mreq`: an IPv6 group and an interface index (0: the kernel chooses),
/// for [`IPV6_JOIN_GROUP`].
#[cfg(have_linux_sockopts)]
#[allow(non_camel_case_types)]
pub type ipv6_mreq = sys::ipv6_mreq;

/// The values [`IP_ADD_MEMBERSHIP`] and [`IP_DROP_MEMBERSHIP`] take: [`ip_mreq`] and
/// [`ip_mreqn`], each passed with its own size. Sealed.
#[cfg(have_linux_sockopts)]
pub trait MulticastGroup: sealed::Group {}

/// The values [`IP_MULTICAST_IF`] takes: [`in_addr`], [`ip_mreq`] and [`ip_mreqn`]
/// (the kernel reads the interface from whichever it is given). It reads back as an
/// [`in_addr`]. Sealed.
#[cfg(have_linux_sockopts)]
pub trait MulticastIf: sealed::Group {}

#[cfg(have_linux_sockopts)]
mod group {
    use super::*;

    fn fmt_in_addr(f: &mut fmt::Formatter<'_>, a: in_addr) -> fmt::Result {
        write!(f, "{}", std::net::Ipv4Addr::from(a.s_addr.to_ne_bytes()))
    }

    impl sealed::Group for in_addr {
        fn set_group(&self, fd: BorrowedFd<'_>, level: c_int, name: c_int) -> Result<()> {
            raw::setsockopt(fd, level, name, self)
        }
        fn group_len(&self) -> usize {
            core::mem::size_of::<in_addr>()
        }
        fn fmt_group(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("{s_addr=")?;
            fmt_in_addr(f, *self)?;
            f.write_str("}")
        }
    }

    impl sealed::Group for ip_mreq {
        fn set_group(&self, fd: BorrowedFd<'_>, level: c_int, name: c_int) -> Result<()> {
            raw::setsockopt(fd, level, name, self)
        }
        fn group_len(&self) -> usize {
            core::mem::size_of::<ip_mreq>()
        }
        fn fmt_group(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("{imr_multiaddr=")?;
            fmt_in_addr(f, self.imr_multiaddr)?;
            f.write_str(", imr_interface=")?;
            fmt_in_addr(f, self.imr_interface)?;
            f.write_str("}")
        }
    }

    impl sealed::Group for ip_mreqn {
        fn set_group(&self, fd: BorrowedFd<'_>, level: c_int, name: c_int) -> Result<()> {
            raw::setsockopt(fd, level, name, self)
        }
        fn group_len(&self) -> usize {
            core::mem::size_of::<ip_mreqn>()
        }
        fn fmt_group(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("{imr_multiaddr=")?;
            fmt_in_addr(f, self.imr_multiaddr)?;
            f.write_str(", imr_address=")?;
            fmt_in_addr(f, self.imr_address)?;
            write!(f, ", imr_ifindex={}}}", self.imr_ifindex)
        }
    }

    impl MulticastGroup for ip_mreq {}
    impl MulticastGroup for ip_mreqn {}
    impl MulticastIf for in_addr {}
    impl MulticastIf for ip_mreq {}
    impl MulticastIf for ip_mreqn {}

    impl sealed::Value for dyn MulticastGroup {}

    /// Set-only: the kernel has no read for membership (`ENOPROTOOPT`).
    impl OptValue for dyn MulticastGroup {
        type Out = ();
        const GET_LEN: usize = 0;
        #[inline]
        fn set(
            _: sealed::Token,
            fd: BorrowedFd<'_>,
            level: c_int,
            name: c_int,
            value: &Self,
        ) -> Result<()> {
            value.set_group(fd, level, name)
        }
        fn get(_: sealed::Token, _: BorrowedFd<'_>, _: c_int, _: c_int) -> Result<((), socklen_t)> {
            // Unreachable: the options of this type are `WriteOnly`.
            Err(crate::Errno::ENOPROTOOPT)
        }
        fn len(value: &Self) -> usize {
            value.group_len()
        }
        fn fmt_value(value: &Self, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            value.fmt_group(f)
        }
        fn fmt_out(
            _: &(),
            _: socklen_t,
            _: c_int,
            _: c_int,
            f: &mut fmt::Formatter<'_>,
        ) -> fmt::Result {
            f.write_str("...")
        }
    }

    impl sealed::Value for dyn MulticastIf {}

    impl OptValue for dyn MulticastIf {
        type Out = in_addr;
        const GET_LEN: usize = core::mem::size_of::<in_addr>();
        #[inline]
        fn set(
            _: sealed::Token,
            fd: BorrowedFd<'_>,
            level: c_int,
            name: c_int,
            value: &Self,
        ) -> Result<()> {
            value.set_group(fd, level, name)
        }
        #[inline]
        fn get(
            _: sealed::Token,
            fd: BorrowedFd<'_>,
            level: c_int,
            name: c_int,
        ) -> Result<(in_addr, socklen_t)> {
            raw::getsockopt(fd, level, name)
        }
        fn len(value: &Self) -> usize {
            value.group_len()
        }
        fn fmt_value(value: &Self, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            value.fmt_group(f)
        }
        fn fmt_out(
            out: &in_addr,
            _: socklen_t,
            _: c_int,
            _: c_int,
            f: &mut fmt::Formatter<'_>,
        ) -> fmt::Result {
            sealed::Group::fmt_group(out, f)
        }
    }

    impl PlainValue for ip_mreq_source {
        fn fmt_plain(&self, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("{imr_multiaddr=")?;
            fmt_in_addr(f, self.imr_multiaddr)?;
            f.write_str(", imr_interface=")?;
            fmt_in_addr(f, self.imr_interface)?;
            f.write_str(", imr_sourceaddr=")?;
            fmt_in_addr(f, self.imr_sourceaddr)?;
            f.write_str("}")
        }
    }

    impl PlainValue for ipv6_mreq {
        fn fmt_plain(&self, _: c_int, _: c_int, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "{{ipv6mr_multiaddr={}, ipv6mr_interface={}}}",
                std::net::Ipv6Addr::from(self.ipv6mr_multiaddr.s6_addr),
                self.ipv6mr_interface
            )
        }
    }
}

options! {
    /// `IPPROTO_IP`: the time-to-live of outgoing multicast datagrams (default 1: the
    /// local network only). Linux.
    #[cfg(have_linux_sockopts)]
    IP_MULTICAST_TTL: c_int, ReadWrite = IPPROTO_IP, sys::IP_MULTICAST_TTL;
    /// `IPPROTO_IP`: whether this host's own sockets receive its multicast datagrams
    /// (default 1). Linux.
    #[cfg(have_linux_sockopts)]
    IP_MULTICAST_LOOP: c_int, ReadWrite = IPPROTO_IP, sys::IP_MULTICAST_LOOP;
    /// `IPPROTO_IP`: the interface multicast datagrams leave by, given as an
    /// [`in_addr`] (the interface's address), an [`ip_mreq`] or an [`ip_mreqn`] (by
    /// index); reads back as the [`in_addr`]. Linux.
    #[cfg(have_linux_sockopts)]
    IP_MULTICAST_IF: dyn MulticastIf, ReadWrite = IPPROTO_IP, sys::IP_MULTICAST_IF;
    /// `IPPROTO_IP`: join a group, with an [`ip_mreq`] or an [`ip_mreqn`]. Set-only:
    /// the kernel has no read for it. `ENODEV` when the interface is down or has no
    /// such address, `EADDRINUSE` when already joined. Linux.
    #[cfg(have_linux_sockopts)]
    IP_ADD_MEMBERSHIP: dyn MulticastGroup, WriteOnly = IPPROTO_IP, sys::IP_ADD_MEMBERSHIP;
    /// `IPPROTO_IP`: leave a group (`EADDRNOTAVAIL` if not joined). Set-only. Linux.
    #[cfg(have_linux_sockopts)]
    IP_DROP_MEMBERSHIP: dyn MulticastGroup, WriteOnly = IPPROTO_IP, sys::IP_DROP_MEMBERSHIP;
    /// `IPPROTO_IP`: join a group for one source only ([`ip_mreq_source`]).
    /// Set-only. Linux.
    #[cfg(have_linux_sockopts)]
    IP_ADD_SOURCE_MEMBERSHIP: ip_mreq_source, WriteOnly = IPPROTO_IP, sys::IP_ADD_SOURCE_MEMBERSHIP;
    /// `IPPROTO_IP`: stop receiving a group's datagrams from one source. Set-only.
    /// Linux.
    #[cfg(have_linux_sockopts)]
    IP_DROP_SOURCE_MEMBERSHIP: ip_mreq_source, WriteOnly = IPPROTO_IP, sys::IP_DROP_SOURCE_MEMBERSHIP;
    /// `IPPROTO_IP`: deliver each datagram's destination address and arrival
    /// interface as an `IP_PKTINFO` control message (`recvmsg`). Linux.
    #[cfg(have_linux_sockopts)]
    IP_PKTINFO: c_int, ReadWrite = IPPROTO_IP, sys::IP_PKTINFO;
    /// `IPPROTO_IP`: deliver each datagram's TTL as an `IP_TTL` control message. Linux.
    #[cfg(have_linux_sockopts)]
    IP_RECVTTL: c_int, ReadWrite = IPPROTO_IP, sys::IP_RECVTTL;
    /// `IPPROTO_IP`: deliver each datagram's TOS byte as an `IP_TOS` control message.
    /// Linux.
    #[cfg(have_linux_sockopts)]
    IP_RECVTOS: c_int, ReadWrite = IPPROTO_IP, sys::IP_RECVTOS;
    /// `IPPROTO_IPV6`: the hop limit of outgoing multicast datagrams (default 1). Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_MULTICAST_HOPS: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_MULTICAST_HOPS;
    /// `IPPROTO_IPV6`: whether this host's own sockets receive its multicast datagrams
    /// (default 1). Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_MULTICAST_LOOP: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_MULTICAST_LOOP;
    /// `IPPROTO_IPV6`: the interface index multicast datagrams leave by (0: the
    /// kernel chooses). Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_MULTICAST_IF: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_MULTICAST_IF;
    /// `IPPROTO_IPV6`: join a group ([`ipv6_mreq`]). Set-only. Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_JOIN_GROUP: ipv6_mreq, WriteOnly = IPPROTO_IPV6, sys::IPV6_JOIN_GROUP;
    /// `IPPROTO_IPV6`: leave a group ([`ipv6_mreq`]). Set-only. Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_LEAVE_GROUP: ipv6_mreq, WriteOnly = IPPROTO_IPV6, sys::IPV6_LEAVE_GROUP;
    /// `IPPROTO_IPV6`: deliver each datagram's destination and interface as an
    /// `IPV6_PKTINFO` control message. Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_RECVPKTINFO: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_RECVPKTINFO;
    /// `IPPROTO_IPV6`: deliver each datagram's hop limit as an `IPV6_HOPLIMIT` control
    /// message. Linux.
    #[cfg(have_linux_sockopts)]
    IPV6_RECVHOPLIMIT: c_int, ReadWrite = IPPROTO_IPV6, sys::IPV6_RECVHOPLIMIT;
}

/// [`IP_MTU_DISCOVER`]: never set the Don't-Fragment flag.
#[cfg(have_linux_sockopts)]
pub const IP_PMTUDISC_DONT: c_int = sys::IP_PMTUDISC_DONT;
/// [`IP_MTU_DISCOVER`]: use per-route hints (the default).
#[cfg(have_linux_sockopts)]
pub const IP_PMTUDISC_WANT: c_int = sys::IP_PMTUDISC_WANT;
/// [`IP_MTU_DISCOVER`]: always set Don't-Fragment; too large a send fails with
/// `EMSGSIZE`.
#[cfg(have_linux_sockopts)]
pub const IP_PMTUDISC_DO: c_int = sys::IP_PMTUDISC_DO;
/// [`IP_MTU_DISCOVER`]: set Don't-Fragment but ignore the path MTU.
#[cfg(have_linux_sockopts)]
pub const IP_PMTUDISC_PROBE: c_int = sys::IP_PMTUDISC_PROBE;

/// `setsockopt(sockfd, level, optname, optval, optlen)`—Sets a socket option.
///
/// ```c
/// int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
/// ```
///
/// `value` has the option's type and its size is the `optlen`:
/// `setsockopt(&fd, SOL_SOCKET, SO_REUSEADDR, &1)`; for an option whose value is a
/// name, the name's bytes are the value and their count the `optlen`:
/// `setsockopt(&fd, SOL_TCP, TCP_CONGESTION, b"reno")`. Setting a read-only option or
/// passing the wrong type does not compile.
///
/// # Errors
///
/// `ENOPROTOOPT` (no such option at that level), `EINVAL` (bad value or length),
/// `EPERM` (the option needs a capability), `ENOTSOCK`, `EBADF`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
/// - [socket(7)](https://man7.org/linux/man-pages/man7/socket.7.html),
///   [tcp(7)](https://man7.org/linux/man-pages/man7/tcp.7.html),
///   [ip(7)](https://man7.org/linux/man-pages/man7/ip.7.html),
///   [ipv6(7)](https://man7.org/linux/man-pages/man7/ipv6.7.html) for the options.
#[inline]
pub fn setsockopt<T: OptValue + ?Sized, A: Writable>(
    fd: &impl AsFd,
    level: impl Into<Level>,
    option: SockOpt<T, A>,
    value: &T,
) -> Result<()> {
    let level = level.into();
    if let Some(refused) = option.refuse_at(level) {
        trace!(trace_refused(
            "setsockopt",
            fd_of(fd),
            level,
            option.as_raw(),
            option.name()
        ));
        return Err(refused);
    }
    let ret = inject!(
        setsockopt,
        Some(fd.as_fd()),
        T::set(
            sealed::Token(()),
            fd.as_fd(),
            level.as_raw(),
            option.as_raw(),
            value,
        )
    );
    traced(
        ret,
        |_| (),
        |ret| trace_setsockopt(fd_of(fd), level, option.as_raw(), value, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_setsockopt<T: OptValue + ?Sized>(
    fd: RawFd,
    level: Level,
    name: c_int,
    value: &T,
    ret: Result<()>,
) {
    trace::emit(format_args!(
        "setsockopt({fd}, {level:?}, {}, {}, {}) = {}",
        names::Opt(level.as_raw(), name),
        FmtWith(|f| T::fmt_value(value, level.as_raw(), name, f)),
        T::len(value),
        Ret(zero(ret))
    ));
}

/// A typed call refused before it was made: the option at a level not its own.
#[cold]
#[inline(never)]
fn trace_refused(call: &str, fd: RawFd, level: Level, name: c_int, c_name: &str) {
    trace::emit(format_args!(
        "{call}({fd}, {level:?}, {}, ...) = -1 {} (not called: {c_name} is not an option of {level:?})",
        names::Opt(level.as_raw(), name),
        crate::Errno::ENOPROTOOPT
    ));
}

/// `getsockopt(sockfd, level, optname, optval, optlen)`—Reads a socket option.
///
/// ```c
/// int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
/// ```
///
/// Returns the value, typed by the option: `let ty = getsockopt(&fd, SOL_SOCKET,
/// SO_TYPE)?;` gives a [`SockType`], and an option whose value is a name gives an
/// [`OptName`]. Reading a set-only option does not compile.
///
/// # Errors
///
/// `ENOPROTOOPT` (no such option at that level), `ENOTCONN` (`IP_MTU` on an
/// unconnected socket), `ENOTSOCK`, `EBADF`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
#[inline]
pub fn getsockopt<T: OptValue + ?Sized, A: Readable>(
    fd: &impl AsFd,
    level: impl Into<Level>,
    option: SockOpt<T, A>,
) -> Result<T::Out> {
    let level = level.into();
    if let Some(refused) = option.refuse_at(level) {
        trace!(trace_refused(
            "getsockopt",
            fd_of(fd),
            level,
            option.as_raw(),
            option.name()
        ));
        return Err(refused);
    }
    let ret = inject!(
        getsockopt,
        Some(fd.as_fd()),
        T::get(
            sealed::Token(()),
            fd.as_fd(),
            level.as_raw(),
            option.as_raw(),
        )
    );
    traced(
        ret,
        |&out| out,
        |ret| trace_getsockopt::<T>(fd_of(fd), level, option.as_raw(), ret),
    )
    .map(|(value, _len)| value)
}

#[cold]
#[inline(never)]
fn trace_getsockopt<T: OptValue + ?Sized>(
    fd: RawFd,
    level: Level,
    name: c_int,
    ret: Result<(T::Out, socklen_t)>,
) {
    let opt = names::Opt(level.as_raw(), name);
    match ret {
        Ok((value, len)) => trace::emit(format_args!(
            "getsockopt({fd}, {level:?}, {opt}, {}, [{len}]) = 0",
            FmtWith(|f| T::fmt_out(&value, len, level.as_raw(), name, f)),
        )),
        Err(e) => trace::emit(format_args!(
            "getsockopt({fd}, {level:?}, {opt}, ..., [{}]) = -1 {e}",
            T::GET_LEN
        )),
    }
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
/// # Safety
///
/// The kernel must read nothing through `optval` but its own bytes. Some options'
/// values hold pointers or counts that the kernel follows: `SO_ATTACH_FILTER` and
/// `SO_ATTACH_REUSEPORT_CBPF` hold a `sock_fprog` whose `filter` pointer the kernel
/// reads `len` instructions through; `IP_MSFILTER` and `MCAST_MSFILTER` carry a
/// source count; `XDP_UMEM_REG` (at `SOL_XDP`) registers the memory its `addr` and
/// `len` describe, into which the kernel later writes packets; `PACKET_FANOUT_DATA`
/// holds a filter pointer. For such an option the caller must make those pointers and
/// counts describe memory the kernel may read (or later write), exactly as in C. For plain-data options
/// (integers, structs of integers, names) any bytes are sound, and the kernel judges
/// them.
///
/// # Errors
///
/// As [`setsockopt`]; `EINVAL` also for a length the option does not take, and,
/// without making the call, for a value longer than `c_int::MAX` bytes (the kernel
/// takes `optlen` as a signed `int`; cutting it would send a different value).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
#[allow(unsafe_code)]
#[inline]
pub unsafe fn setsockopt_raw(
    fd: &impl AsFd,
    level: impl Into<Level>,
    optname: c_int,
    optval: &[u8],
) -> Result<()> {
    let level = level.into();
    // SAFETY: the caller vouches that the kernel follows nothing in `optval` (this
    // function's own contract, passed on unchanged).
    let ret = inject!(setsockopt, Some(fd.as_fd()), unsafe {
        raw::setsockopt_bytes(fd.as_fd(), level.as_raw(), optname, optval)
    });
    traced(
        ret,
        |_| (),
        |ret| trace_setsockopt_raw(fd_of(fd), level, optname, optval, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_setsockopt_raw(fd: RawFd, level: Level, name: c_int, value: &[u8], ret: Result<()>) {
    // A value longer than the kernel's signed `optlen` was refused before the call.
    let not_made = if c_int::try_from(value.len()).is_err() {
        " (not called: optlen above INT_MAX)"
    } else {
        ""
    };
    trace::emit(format_args!(
        "setsockopt({fd}, {level:?}, {}, {}, {}) = {}{not_made}",
        names::Opt(level.as_raw(), name),
        Data(value),
        value.len(),
        Ret(zero(ret))
    ));
}

/// `getsockopt(sockfd, level, optname, optval, optlen)` into a raw byte buffer, for
/// any option this crate does not type.
///
/// ```c
/// int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
/// ```
///
/// `optval.len()` is the `optlen` passed in (at most `c_int::MAX`, as the kernel
/// takes it as a signed `int`); the return value is the `optlen` the kernel reported,
/// as C sees it. Some options report their full size even when the buffer was
/// shorter and they wrote only `optval.len()` bytes, so the value can exceed
/// `optval.len()`: take `&optval[..n.min(optval.len())]`; a larger `n` tells you the
/// value was cut. (AddressSanitizer's `getsockopt` interceptor takes the reported
/// `optlen` as the bytes written, so such a report for a buffer that ends its
/// allocation shows there as an overflow that did not happen: under ASan, pass a
/// slice of a buffer with room for the option's full size.)
///
/// # Safety
///
/// The kernel must write nothing but the first `optval.len()` bytes of `optval`. Some
/// options' values hold pointers or counts that the kernel follows:
/// `TCP_ZEROCOPY_RECEIVE` holds `copybuf_address`, to which the kernel copies queued
/// data; `IP_MSFILTER` and `MCAST_MSFILTER` hold a source count (`imsf_numsrc`,
/// `gf_numsrc`) by which the kernel sizes its write, beyond `optlen`. Others read
/// `optlen` itself as something other than bytes: `SO_GET_FILTER` (the number of
/// `SO_ATTACH_FILTER` at get time) takes it as a count of 8-byte filter instructions
/// and writes 8 bytes for each, so a 2-byte buffer gets 16 bytes written (and the
/// value returned is that count, not a length); AX.25's `SO_BINDTODEVICE` writes the
/// whole device name whatever `optlen` says; `MPTCP_FULL_INFO` and `RDS_GET_MR` hold
/// user addresses. For such an option the caller must make those pointers and counts
/// describe memory the kernel may write, exactly as in C. For plain-data options any
/// buffer is sound. (Some options also create a descriptor, such as `SO_PEERPIDFD`:
/// the number lands in the bytes, and the caller owns it, as in C.)
///
/// # Errors
///
/// As [`getsockopt`].
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
#[allow(unsafe_code)]
#[inline]
pub unsafe fn getsockopt_raw(
    fd: &impl AsFd,
    level: impl Into<Level>,
    optname: c_int,
    optval: &mut [u8],
) -> Result<usize> {
    let level = level.into();
    // SAFETY: the caller vouches that the kernel writes nothing beyond `optval` (this
    // function's own contract, passed on unchanged).
    let ret = inject!(getsockopt, Some(fd.as_fd()), unsafe {
        raw::getsockopt_bytes(fd.as_fd(), level.as_raw(), optname, optval)
    });
    traced(
        ret,
        |&n| n,
        |ret| trace_getsockopt_raw(fd_of(fd), level, optname, optval, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_getsockopt_raw(fd: RawFd, level: Level, name: c_int, value: &[u8], ret: Result<usize>) {
    let opt = names::Opt(level.as_raw(), name);
    match ret {
        Ok(len) => trace::emit(format_args!(
            "getsockopt({fd}, {level:?}, {opt}, {}, [{len}]) = 0",
            Data(&value[..len.min(value.len())])
        )),
        Err(e) => trace::emit(format_args!(
            "getsockopt({fd}, {level:?}, {opt}, ..., [{}]) = -1 {e}",
            value.len()
        )),
    }
}
