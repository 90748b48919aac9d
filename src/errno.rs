//! `errno` as a type: [`Errno`], with the C names; C's [`strerror`] and [`perror`].

use core::fmt;
use core::ops::Deref;
use std::io::{self, Write};

use crate::raw;
use crate::sys;

/// The C `errno` of a failed call, as a type.
///
/// Every call in this crate returns `Result<T, Errno>`: the value is read through the
/// [`errno`](https://docs.rs/errno) crate right after the failing C call, before
/// anything else can overwrite it. The constants keep the C names, prefix included
/// (`Errno::ECONNREFUSED`), so a C `if (errno == ECONNREFUSED)` becomes
/// `if e == Errno::ECONNREFUSED`.
///
/// `Display` and `Debug` both read `ECONNREFUSED (Connection refused)`: the C name,
/// then the C library's [`strerror`] text. So a `fn main() -> sockapi::Result<()>`
/// that fails says what failed, `Error: ECONNREFUSED (Connection refused)`, and
/// `{:?}` of a `Result` shows `Err(ECONNREFUSED (Connection refused))`. For C's text
/// alone, call [`strerror`]; for C's `perror("connect")`, call [`perror`]. `Errno`
/// converts into [`io::Error`] (with `?`) and back, and from a plain C `int`
/// (`Errno::from(111)`).
///
/// The type is open: any integer is a valid `Errno` ([`Errno::from_raw`]), and a value
/// the table does not name displays as `E? 4242 (Unknown error 4242)`. `0` is not an
/// error: it displays as `Success` (glibc's text for it, on every platform), while
/// [`name`](Errno::name) gives `"E?"` and [`is_known`](Errno::is_known) `false`, as
/// for any value without a C name.
///
/// Where two C names share a number (`EWOULDBLOCK` is `EAGAIN`, and on Linux
/// `ENOTSUP` is `EOPNOTSUPP` and `EDEADLOCK` is `EDEADLK`), both constants exist and
/// compare equal; [`name`](Errno::name) gives the first spelling.
#[doc(alias = "errno")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Errno(sys::c_int);

impl Errno {
    /// The `Errno` for a C `errno` value.
    pub const fn from_raw(raw: sys::c_int) -> Self {
        Errno(raw)
    }

    /// The C `errno` value.
    pub const fn raw(self) -> sys::c_int {
        self.0
    }

    /// The C thread's current `errno`. The calls of this crate read it themselves;
    /// this is for code that calls C directly.
    pub fn last() -> Self {
        Errno(errno::errno().0)
    }

    /// The C name, `"ECONNREFUSED"`; `"E?"` for a value this crate does not name,
    /// `0` included (it is no error and C has no name for it).
    pub fn name(self) -> &'static str {
        errno_name(self.0).unwrap_or("E?")
    }

    /// Whether the table names this value; `false` for `0`, which is no error.
    pub fn is_known(self) -> bool {
        errno_name(self.0).is_some()
    }
}

/// `ECONNREFUSED (Connection refused)`, `E? 4242 (Unknown error 4242)`, or `Success`
/// for `0`.
impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("Success");
        }
        let text = strerror(*self);
        match errno_name(self.0) {
            Some(name) => write!(f, "{name} ({text})"),
            None => write!(f, "E? {} ({text})", self.0),
        }
    }
}

/// The same as `Display`, so that `main` returning `Err(e)` explains the error.
impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Errno {}

/// The C `errno` value as an `Errno`, as [`Errno::from_raw`]: `strerror(111)` works.
impl From<sys::c_int> for Errno {
    fn from(raw: sys::c_int) -> Errno {
        Errno(raw)
    }
}

impl From<Errno> for io::Error {
    fn from(e: Errno) -> io::Error {
        io::Error::from_raw_os_error(e.0)
    }
}

/// The error an [`io::Error`] holds, if it came from the OS.
impl TryFrom<io::Error> for Errno {
    type Error = io::Error;
    fn try_from(e: io::Error) -> Result<Errno, io::Error> {
        match e.raw_os_error() {
            Some(raw) => Ok(Errno(raw)),
            None => Err(e),
        }
    }
}

/// Room for one [`strerror`] text and its NUL. glibc's longest message is under 60
/// bytes, and `Unknown error -2147483648` is 25 (`tests/errno_text.rs` checks that
/// every text is whole).
const STRERROR_LEN: usize = 128;

/// `strerror(errnum)`—The C library's message for an error number.
///
/// ```c
/// #include <string.h>
/// char *strerror(int errnum);
/// ```
///
/// Takes an [`Errno`] or the plain C `int` (`strerror(111)`) and returns the text
/// alone, `Connection refused`, exactly as the C library gives it (glibc: `Success`
/// for 0, `Unknown error 4242` for a value it does not know). `Display` of an `Errno`
/// puts the C name in front: `ECONNREFUSED (Connection refused)`.
///
/// Where C returns a pointer to a buffer that the next call may overwrite, this
/// returns the text in a [`StrError`] of its own (an inline buffer: no heap
/// allocation), read with the thread-safe XSI `strerror_r`, so it is safe to call
/// from any thread and to keep.
///
/// ```
/// use sockapi::{strerror, sys, Errno};
///
/// assert_eq!(strerror(Errno::ECONNREFUSED), "Connection refused");
/// assert_eq!(strerror(sys::ECONNREFUSED), "Connection refused"); // a C `int`
/// println!("connect: {}", strerror(Errno::last()));
/// ```
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/strerror.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/strerror.3.html)
#[doc(alias = "strerror_r")]
pub fn strerror(errnum: impl Into<Errno>) -> StrError {
    let mut c_buf = [0u8; STRERROR_LEN];
    // The text is in `c_buf`, or is a fixed fallback when the C library gave none.
    let text = raw::strerror(errnum.into().raw(), &mut c_buf).as_bytes();
    let mut buf = [0u8; STRERROR_LEN];
    let len = text.len().min(STRERROR_LEN);
    buf[..len].copy_from_slice(&text[..len]);
    StrError { buf, len }
}

/// The text [`strerror`] returns, `Connection refused`, in an inline buffer.
///
/// Reads as a `&str` (`Deref`, [`as_str`](StrError::as_str), `AsRef<str>`), compares
/// with one (`strerror(e) == "Connection refused"`), `Display`s as the text and
/// `Debug`s as the quoted text. It is `Copy`, like the [`Errno`] it comes from.
#[derive(Clone, Copy)]
pub struct StrError {
    /// UTF-8 text in `buf[..len]` (whole: glibc's texts are far shorter than `buf`).
    buf: [u8; STRERROR_LEN],
    len: usize,
}

impl StrError {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Always valid: `buf[..len]` was copied from a `&str`.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl Deref for StrError {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for StrError {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// The text, padded and cut as a `str` would be (`{:>30}`, `{:.5}`).
impl fmt::Display for StrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The text quoted and escaped as a `str`'s `Debug`: `"Connection refused"`.
impl fmt::Debug for StrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for StrError {
    fn eq(&self, other: &StrError) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for StrError {}

impl core::hash::Hash for StrError {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for StrError {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for StrError {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<StrError> for str {
    fn eq(&self, other: &StrError) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<StrError> for &str {
    fn eq(&self, other: &StrError) -> bool {
        *self == other.as_str()
    }
}

/// Room for a whole `perror` line with a prefix of ordinary length: 512 bytes, the
/// smallest `PIPE_BUF` POSIX allows, so the one write reaches a pipe in one piece on
/// every POSIX system.
const PERROR_LEN: usize = 512;

/// `perror(s)`—Prints `s: ` and the [`strerror`] text of the current `errno` to
/// stderr.
///
/// ```c
/// #include <stdio.h>
/// void perror(const char *s);
/// ```
///
/// Prints `s: Connection refused` and a newline, for the `errno` that the last failed
/// C call left in this thread ([`Errno::last`], read before anything else happens);
/// with an empty `s`, the text and the newline alone, as C does for `""` or `NULL`.
/// `s` is printed as given, control bytes included, as in C.
///
/// It is written in Rust over [`std::io::stderr`], not with C's `perror`, whose
/// stdio buffer would interleave badly with what Rust writes to stderr. The line is
/// formatted on the stack (no heap allocation) and written with one `write` while it
/// fits in 512 bytes, as it does for any `s` of up to 382 bytes. Past that, `s` is
/// written first and the rest of the line after it: nothing is cut, but it takes two
/// writes (with Rust's stderr lock held across both). Write errors are ignored, as C's
/// `perror` ignores them, and `errno` is left as it was.
///
/// ```no_run
/// use sockapi::*;
///
/// if socket(AF_INET, SOCK_STREAM, 0).is_err() {
///     perror("socket"); // socket: Too many open files
/// }
/// ```
///
/// This crate's calls return their [`Errno`]; printing it with `{}` says the same and
/// names it. `perror` is for porting C code line by line and after calling C
/// directly.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/perror.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/perror.3.html)
pub fn perror(s: &str) {
    // First: locking and writing stderr may change errno.
    let errnum = Errno::last();
    let text = strerror(errnum);
    let prefix = s.as_bytes();
    let separator: &[u8] = if prefix.is_empty() { b"" } else { b": " };
    let rest = [separator, text.as_bytes(), b"\n"];

    let mut line = [0u8; PERROR_LEN];
    let mut len = 0;
    let whole = prefix.len() + rest.iter().map(|part| part.len()).sum::<usize>() <= PERROR_LEN;
    let mut stderr = io::stderr().lock();
    if whole {
        line[..prefix.len()].copy_from_slice(prefix);
        len = prefix.len();
    } else {
        let _ = stderr.write_all(prefix);
    }
    for part in rest {
        line[len..len + part.len()].copy_from_slice(part);
        len += part.len();
    }
    let _ = stderr.write_all(&line[..len]);
    drop(stderr);
    errno::set_errno(errno::Errno(errnum.raw()));
}

/// One table: each name becomes an associated constant and a case of `errno_name`.
macro_rules! errno_table {
    (
        portable { $( $(#[doc = $doc:literal])* $name:ident, )* }
        linux_only { $( $(#[doc = $ldoc:literal])* $lname:ident, )* }
    ) => {
        impl Errno {
            $(
                $(#[doc = $doc])*
                pub const $name: Errno = Errno(sys::$name);
            )*
            $(
                $(#[doc = $ldoc])*
                #[doc = ""]
                #[doc = "Linux and Android only."]
                #[cfg(have_linux_errnos)]
                pub const $lname: Errno = Errno(sys::$lname);
            )*
        }

        /// The first C name with this value, aliases last.
        fn errno_name(raw: sys::c_int) -> Option<&'static str> {
            $(
                if raw == sys::$name {
                    return Some(stringify!($name));
                }
            )*
            $(
                #[cfg(have_linux_errnos)]
                if raw == sys::$lname {
                    return Some(stringify!($lname));
                }
            )*
            None
        }
    };
}

errno_table! {
    portable {
        /// Argument list too long (on Linux, 7).
        E2BIG,
        /// Permission denied (on Linux, 13).
        EACCES,
        /// Address already in use (on Linux, 98).
        EADDRINUSE,
        /// Cannot assign requested address (on Linux, 99).
        EADDRNOTAVAIL,
        /// Address family not supported by protocol (on Linux, 97).
        EAFNOSUPPORT,
        /// Resource temporarily unavailable (on Linux, 11).
        EAGAIN,
        /// Operation already in progress (on Linux, 114).
        EALREADY,
        /// Bad file descriptor (on Linux, 9).
        EBADF,
        /// Bad message (on Linux, 74).
        EBADMSG,
        /// Device or resource busy (on Linux, 16).
        EBUSY,
        /// Operation canceled (on Linux, 125).
        ECANCELED,
        /// No child processes (on Linux, 10).
        ECHILD,
        /// Software caused connection abort (on Linux, 103).
        ECONNABORTED,
        /// Connection refused (on Linux, 111).
        ECONNREFUSED,
        /// Connection reset by peer (on Linux, 104).
        ECONNRESET,
        /// Resource deadlock avoided (on Linux, 35).
        EDEADLK,
        /// Destination address required (on Linux, 89).
        EDESTADDRREQ,
        /// Numerical argument out of domain (on Linux, 33).
        EDOM,
        /// Disk quota exceeded (on Linux, 122).
        EDQUOT,
        /// File exists (on Linux, 17).
        EEXIST,
        /// Bad address (on Linux, 14).
        EFAULT,
        /// File too large (on Linux, 27).
        EFBIG,
        /// Host is down (on Linux, 112).
        EHOSTDOWN,
        /// No route to host (on Linux, 113).
        EHOSTUNREACH,
        /// Identifier removed (on Linux, 43).
        EIDRM,
        /// Invalid or incomplete multibyte or wide character (on Linux, 84).
        EILSEQ,
        /// Operation now in progress (on Linux, 115).
        EINPROGRESS,
        /// Interrupted system call (on Linux, 4).
        EINTR,
        /// Invalid argument (on Linux, 22).
        EINVAL,
        /// Input/output error (on Linux, 5).
        EIO,
        /// Transport endpoint is already connected (on Linux, 106).
        EISCONN,
        /// Is a directory (on Linux, 21).
        EISDIR,
        /// Too many levels of symbolic links (on Linux, 40).
        ELOOP,
        /// Too many open files (on Linux, 24).
        EMFILE,
        /// Too many links (on Linux, 31).
        EMLINK,
        /// Message too long (on Linux, 90).
        EMSGSIZE,
        /// Multihop attempted (on Linux, 72).
        EMULTIHOP,
        /// File name too long (on Linux, 36).
        ENAMETOOLONG,
        /// Network is down (on Linux, 100).
        ENETDOWN,
        /// Network dropped connection on reset (on Linux, 102).
        ENETRESET,
        /// Network is unreachable (on Linux, 101).
        ENETUNREACH,
        /// Too many open files in system (on Linux, 23).
        ENFILE,
        /// No buffer space available (on Linux, 105).
        ENOBUFS,
        /// No such device (on Linux, 19).
        ENODEV,
        /// No such file or directory (on Linux, 2).
        ENOENT,
        /// Exec format error (on Linux, 8).
        ENOEXEC,
        /// No locks available (on Linux, 37).
        ENOLCK,
        /// Link has been severed (on Linux, 67).
        ENOLINK,
        /// Cannot allocate memory (on Linux, 12).
        ENOMEM,
        /// No message of desired type (on Linux, 42).
        ENOMSG,
        /// Protocol not available (on Linux, 92).
        ENOPROTOOPT,
        /// No space left on device (on Linux, 28).
        ENOSPC,
        /// Function not implemented (on Linux, 38).
        ENOSYS,
        /// Block device required (on Linux, 15).
        ENOTBLK,
        /// Transport endpoint is not connected (on Linux, 107).
        ENOTCONN,
        /// Not a directory (on Linux, 20).
        ENOTDIR,
        /// Directory not empty (on Linux, 39).
        ENOTEMPTY,
        /// State not recoverable (on Linux, 131).
        ENOTRECOVERABLE,
        /// Socket operation on non-socket (on Linux, 88).
        ENOTSOCK,
        /// Inappropriate ioctl for device (on Linux, 25).
        ENOTTY,
        /// No such device or address (on Linux, 6).
        ENXIO,
        /// Operation not supported (on Linux, 95).
        EOPNOTSUPP,
        /// Value too large for defined data type (on Linux, 75).
        EOVERFLOW,
        /// Owner died (on Linux, 130).
        EOWNERDEAD,
        /// Operation not permitted (on Linux, 1).
        EPERM,
        /// Protocol family not supported (on Linux, 96).
        EPFNOSUPPORT,
        /// Broken pipe (on Linux, 32).
        EPIPE,
        /// Protocol error (on Linux, 71).
        EPROTO,
        /// Protocol not supported (on Linux, 93).
        EPROTONOSUPPORT,
        /// Protocol wrong type for socket (on Linux, 91).
        EPROTOTYPE,
        /// Numerical result out of range (on Linux, 34).
        ERANGE,
        /// Object is remote (on Linux, 66).
        EREMOTE,
        /// Read-only file system (on Linux, 30).
        EROFS,
        /// Cannot send after transport endpoint shutdown (on Linux, 108).
        ESHUTDOWN,
        /// Socket type not supported (on Linux, 94).
        ESOCKTNOSUPPORT,
        /// Illegal seek (on Linux, 29).
        ESPIPE,
        /// No such process (on Linux, 3).
        ESRCH,
        /// Stale file handle (on Linux, 116).
        ESTALE,
        /// Connection timed out (on Linux, 110).
        ETIMEDOUT,
        /// Too many references: cannot splice (on Linux, 109).
        ETOOMANYREFS,
        /// Text file busy (on Linux, 26).
        ETXTBSY,
        /// Too many users (on Linux, 87).
        EUSERS,
        /// Invalid cross-device link (on Linux, 18).
        EXDEV,
        /// Operation not supported (on Linux, 95).
        ENOTSUP,
        /// Resource temporarily unavailable (on Linux, 11).
        EWOULDBLOCK,
    }
    linux_only {
        /// Channel number out of range (on Linux, 44).
        ECHRNG,
        /// Level 2 not synchronized (on Linux, 45).
        EL2NSYNC,
        /// Level 3 halted (on Linux, 46).
        EL3HLT,
        /// Level 3 reset (on Linux, 47).
        EL3RST,
        /// Link number out of range (on Linux, 48).
        ELNRNG,
        /// Protocol driver not attached (on Linux, 49).
        EUNATCH,
        /// No CSI structure available (on Linux, 50).
        ENOCSI,
        /// Level 2 halted (on Linux, 51).
        EL2HLT,
        /// Invalid exchange (on Linux, 52).
        EBADE,
        /// Invalid request descriptor (on Linux, 53).
        EBADR,
        /// Exchange full (on Linux, 54).
        EXFULL,
        /// No anode (on Linux, 55).
        ENOANO,
        /// Invalid request code (on Linux, 56).
        EBADRQC,
        /// Invalid slot (on Linux, 57).
        EBADSLT,
        /// Bad font file format (on Linux, 59).
        EBFONT,
        /// Device not a stream (on Linux, 60).
        ENOSTR,
        /// No data available (on Linux, 61).
        ENODATA,
        /// Timer expired (on Linux, 62).
        ETIME,
        /// Out of streams resources (on Linux, 63).
        ENOSR,
        /// Machine is not on the network (on Linux, 64).
        ENONET,
        /// Package not installed (on Linux, 65).
        ENOPKG,
        /// Advertise error (on Linux, 68).
        EADV,
        /// Srmount error (on Linux, 69).
        ESRMNT,
        /// Communication error on send (on Linux, 70).
        ECOMM,
        /// RFS specific error (on Linux, 73).
        EDOTDOT,
        /// Name not unique on network (on Linux, 76).
        ENOTUNIQ,
        /// File descriptor in bad state (on Linux, 77).
        EBADFD,
        /// Remote address changed (on Linux, 78).
        EREMCHG,
        /// Can not access a needed shared library (on Linux, 79).
        ELIBACC,
        /// Accessing a corrupted shared library (on Linux, 80).
        ELIBBAD,
        /// .lib section in a.out corrupted (on Linux, 81).
        ELIBSCN,
        /// Attempting to link in too many shared libraries (on Linux, 82).
        ELIBMAX,
        /// Cannot exec a shared library directly (on Linux, 83).
        ELIBEXEC,
        /// Interrupted system call should be restarted (on Linux, 85).
        ERESTART,
        /// Streams pipe error (on Linux, 86).
        ESTRPIPE,
        /// Structure needs cleaning (on Linux, 117).
        EUCLEAN,
        /// Not a XENIX named type file (on Linux, 118).
        ENOTNAM,
        /// No XENIX semaphores available (on Linux, 119).
        ENAVAIL,
        /// Is a named type file (on Linux, 120).
        EISNAM,
        /// Remote I/O error (on Linux, 121).
        EREMOTEIO,
        /// No medium found (on Linux, 123).
        ENOMEDIUM,
        /// Wrong medium type (on Linux, 124).
        EMEDIUMTYPE,
        /// Required key not available (on Linux, 126).
        ENOKEY,
        /// Key has expired (on Linux, 127).
        EKEYEXPIRED,
        /// Key has been revoked (on Linux, 128).
        EKEYREVOKED,
        /// Key was rejected by service (on Linux, 129).
        EKEYREJECTED,
        /// Operation not possible due to RF-kill (on Linux, 132).
        ERFKILL,
        /// Memory page has hardware error (on Linux, 133).
        EHWPOISON,
        /// Resource deadlock avoided (on Linux, 35).
        EDEADLOCK,
    }
}
