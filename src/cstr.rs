//! Names and text handed to the C library: a `&CStr` as it is, and a Rust string made
//! a NUL-terminated C string, on the stack when it is short, so that the usual call
//! allocates nothing.
//!
//! The name calls take their names through two sealed traits: [`NameArg`] (a name:
//! `&str`, `&String`, `&CStr`, `&CString`) and [`NameOrNull`] (a name, or C's `NULL`
//! as `None`).

use core::ffi::CStr;
use core::mem::MaybeUninit;
use std::ffi::CString;

use crate::raw;

/// Names shorter than this many bytes go to C from the stack (no host name is longer:
/// DNS names stop at 253); longer ones from the heap.
pub(crate) const STACK_NAME: usize = 256;

/// Why a name did not become a C string on the stack.
pub(crate) enum Unfit {
    /// A NUL inside it: no C string can hold it (C would stop there).
    Nul,
    /// `N` bytes or more (which no host or service name has): it goes on the heap.
    Long,
}

/// `bytes` and a NUL in `buf`, as the C string they make, when they are shorter than
/// `N`: checked and copied in one pass, a word at a time, into a buffer that is not
/// zeroed first ([`raw::copy_c_str`]), about one instruction a byte.
#[inline(always)]
fn copy_to<'b, const N: usize>(
    bytes: &[u8],
    buf: &'b mut [MaybeUninit<u8>; N],
) -> Result<&'b CStr, Unfit> {
    if bytes.len() >= N {
        return Err(Unfit::Long);
    }
    raw::copy_c_str(buf, bytes).ok_or(Unfit::Nul)
}

/// `name` as a C string: a `CStr` as it is, a Rust string copied to `buf`.
#[inline(always)]
pub(crate) fn c_name<'b, S: sealed::Name + ?Sized, const N: usize>(
    name: &'b S,
    buf: &'b mut [MaybeUninit<u8>; N],
) -> Result<&'b CStr, Unfit> {
    match sealed::Name::c_str(name) {
        Some(c) => Ok(c),
        None => copy_to(sealed::Name::bytes(name), buf),
    }
}

/// [`c_name`] for a name that may be absent: `Ok(None)` for C's `NULL`.
#[inline(always)]
pub(crate) fn c_opt_name<'b, const N: usize>(
    name: &'b impl NameOrNull,
    buf: &'b mut [MaybeUninit<u8>; N],
) -> Result<Option<&'b CStr>, Unfit> {
    match sealed::NameOrNull::name(name) {
        None => Ok(None),
        Some(name) => c_name(name, buf).map(Some),
    }
}

/// A name of `N` bytes or more as a C string on the heap; `None` if it holds a NUL.
#[cold]
#[inline(never)]
pub(crate) fn heap_c_string(bytes: &[u8]) -> Option<CString> {
    CString::new(bytes).ok()
}

/// A stack buffer for [`c_name`], not zeroed.
#[inline(always)]
pub(crate) fn name_buf<const N: usize>() -> [MaybeUninit<u8>; N] {
    [MaybeUninit::uninit(); N]
}

mod sealed {
    use core::ffi::CStr;

    /// A name: its bytes, and the C string it already is, if it is one.
    pub trait Name {
        /// The bytes, without a NUL.
        fn bytes(&self) -> &[u8];
        /// The name as it is, for a `CStr` or `CString`; `None` for a Rust string,
        /// which is copied first.
        fn c_str(&self) -> Option<&CStr>;
    }

    /// A name or `NULL`.
    pub trait NameOrNull {
        /// The name's type.
        type Name: Name + ?Sized;
        /// The name (`None` for `NULL`).
        fn name(&self) -> Option<&Self::Name>;
    }
}

/// A name as the name calls take it (`getaddrinfo`'s node and service,
/// `getservbyname`'s name and protocol, `getprotobyname`, `gethostbyname`,
/// `inet_pton`, `inet_aton`, `if_nametoindex`): a `&str` or `&String`, made a C
/// string on the stack (a NUL inside it is an error, never a shorter name), or a
/// `&CStr` or `&CString` (`c"localhost"`), given to C as it is, with no copy. The two
/// forms trace alike. Sealed.
///
/// ```
/// use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// let name = String::from("tcp");
/// assert_eq!(getprotobyname("tcp")?, getprotobyname(c"tcp")?);
/// assert_eq!(getprotobyname(&name)?, getprotobyname(c"tcp")?);
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a name: pass a `&str`, `&String`, `&CStr` or `&CString`",
    label = "not `str`, `String`, `CStr` or `CString` (by reference)"
)]
pub trait NameArg: sealed::Name {}

impl NameArg for str {}
impl NameArg for String {}
impl NameArg for CStr {}
impl NameArg for CString {}

impl sealed::Name for str {
    #[inline]
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
    #[inline]
    fn c_str(&self) -> Option<&CStr> {
        None
    }
}

impl sealed::Name for String {
    #[inline]
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
    #[inline]
    fn c_str(&self) -> Option<&CStr> {
        None
    }
}

impl sealed::Name for CStr {
    #[inline]
    fn bytes(&self) -> &[u8] {
        self.to_bytes()
    }
    #[inline]
    fn c_str(&self) -> Option<&CStr> {
        Some(self)
    }
}

impl sealed::Name for CString {
    #[inline]
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
    #[inline]
    fn c_str(&self) -> Option<&CStr> {
        Some(self)
    }
}

/// A name or C's `NULL`, as `getaddrinfo`'s node and service and `getservbyname`'s
/// and `getservbyport`'s protocol take it: `None` (`NULL`), `Some("name")` (an
/// `Option<&str>`), or a bare name of any [`NameArg`] form: `"name"`, `&string`,
/// `c"name"`. Sealed.
///
/// `Option<&str>` is the one `Option` it is implemented for, so that a bare `None`
/// needs no annotation (it can only be an `Option<&str>`). Hence two spellings that
/// a `&str` parameter took by coercion do not compile: `Some(&string)` (pass
/// `&string`, or `Some(string.as_str())`) and `Some(c"name")` (pass `c"name"`).
///
/// ```
/// use sockapi::*;
/// # fn main() -> Result<(), GaiError> {
/// let mut hints = AddrInfoHints::default();
/// hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
/// hints.ai_socktype = SOCK_STREAM;
/// let port = String::from("80");
/// let a = getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints))?;
/// let b = getaddrinfo(c"127.0.0.1", c"80", Some(&hints))?;
/// let c = getaddrinfo("127.0.0.1", &port, Some(&hints))?;
/// let d = getaddrinfo(None, Some(port.as_str()), Some(&hints))?;
/// assert_eq!(a.first().ai_addr(), b.first().ai_addr());
/// assert_eq!(a.first().ai_addr(), c.first().ai_addr());
/// assert_eq!(d.first().ai_addr().as_socket().map(|s| s.port()), Some(80));
/// # Ok(()) }
/// ```
///
/// The two spellings that do not compile, and what to write instead:
///
/// ```compile_fail,E0277
/// use sockapi::*;
/// let port = String::from("80");
/// let _ = getaddrinfo(None, Some(&port), None); // `Some(&String)`: write `&port`
/// ```
///
/// ```compile_fail,E0277
/// use sockapi::*;
/// let _ = getaddrinfo(Some(c"::1"), None, None); // `Some(&CStr)`: write `c"::1"`
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a name or `None`",
    label = "not `Option<&str>`, `&str`, `&String`, `&CStr` or `&CString`",
    note = "a `String` goes as `&s` or `Some(s.as_str())`; a `&CStr` without `Some`: `c\"80\"`"
)]
pub trait NameOrNull: sealed::NameOrNull + Copy {}

impl NameOrNull for Option<&str> {}
impl<T: NameArg + ?Sized> NameOrNull for &T {}

impl sealed::NameOrNull for Option<&str> {
    type Name = str;
    #[inline]
    fn name(&self) -> Option<&str> {
        *self
    }
}

impl<T: NameArg + ?Sized> sealed::NameOrNull for &T {
    type Name = T;
    #[inline]
    fn name(&self) -> Option<&T> {
        Some(*self)
    }
}

/// `name`'s bytes, for the trace.
#[inline]
pub(crate) fn bytes_of<S: NameArg + ?Sized>(name: &S) -> &[u8] {
    sealed::Name::bytes(name)
}

/// `name`'s bytes (`None` for `NULL`), for the trace.
#[inline]
pub(crate) fn opt_bytes_of(name: &impl NameOrNull) -> Option<&[u8]> {
    sealed::NameOrNull::name(name).map(sealed::Name::bytes)
}

/// `f` given `name` as a C string: a `CStr` as it is, a Rust string copied to an
/// `N`-byte stack buffer (the heap for a longer one); `f(None)` if it holds a NUL.
#[inline]
pub(crate) fn with_name<const N: usize, S: NameArg + ?Sized, R>(
    name: &S,
    f: impl FnOnce(Option<&CStr>) -> R,
) -> R {
    let mut buf = name_buf::<N>();
    let c = match c_name(name, &mut buf) {
        Ok(c) => Some(c),
        Err(Unfit::Nul) => None,
        Err(Unfit::Long) => return with_heap_name(sealed::Name::bytes(name), f),
    };
    f(c)
}

/// [`with_name`] for a long name, on the heap.
#[cold]
#[inline(never)]
fn with_heap_name<R>(bytes: &[u8], f: impl FnOnce(Option<&CStr>) -> R) -> R {
    f(heap_c_string(bytes).as_deref())
}

/// [`with_name`] for a name that may be absent (C's `NULL`): the outer `None` is a
/// NUL inside the name, the inner one no name.
#[inline]
pub(crate) fn with_opt_name<const N: usize, R>(
    name: &impl NameOrNull,
    f: impl FnOnce(Option<Option<&CStr>>) -> R,
) -> R {
    let mut buf = name_buf::<N>();
    let c = match c_opt_name(name, &mut buf) {
        Ok(c) => Some(c),
        Err(Unfit::Nul) => None,
        Err(Unfit::Long) => {
            let bytes = opt_bytes_of(name).unwrap_or_default();
            return with_heap_name(bytes, |c| f(c.map(Some)));
        }
    };
    f(c)
}
