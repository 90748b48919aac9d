//! Looking up the number: `getaddrinfo`, `getnameinfo`, `gai_strerror`, and
//! `GaiError`, which keeps the `EAI_*` code that std reduces to text.
//!
//! In the telephone-call picture of a TCP session, this is the directory: a host name
//! becomes the addresses to call, and a service name the port (the extension).

use core::ffi::CStr;
use core::fmt;
use core::ops::Deref;
use std::borrow::Cow;
use std::io;

use crate::addr::{SockAddr, ToSockAddr};
use crate::cstr::{
    c_opt_name, heap_c_string, name_buf, opt_bytes_of, NameOrNull, Unfit, STACK_NAME,
};
use crate::macros::{c_flags, c_values, inject};
use crate::raw::{self, AddrInfo, AddrInfoList, GaiFailure};
use crate::socket::{AddressFamily, Protocol, SockType};
use crate::sys::{self, c_int};
use crate::trace::{self, Data};
use crate::Errno;

c_flags! {
    /// The `ai_flags` of [`AddrInfoHints`] and of each entry.
    pub struct AiFlags(c_int);
    /// With a `None` node: addresses to `bind` a server to (the wildcard), not to
    /// `connect` to (loopback).
    const AI_PASSIVE = sys::AI_PASSIVE;
    /// Return the canonical name in the first entry's `ai_canonname`.
    const AI_CANONNAME = sys::AI_CANONNAME;
    /// The node must be a numeric address: no name lookup (no DNS) is made.
    const AI_NUMERICHOST = sys::AI_NUMERICHOST;
    /// The service must be a port number: `/etc/services` is not read.
    const AI_NUMERICSERV = sys::AI_NUMERICSERV;
    /// Only families this host has a (non-loopback) address of.
    const AI_ADDRCONFIG = sys::AI_ADDRCONFIG;
    /// With `AF_INET6` and no IPv6 address found: IPv4 addresses as IPv4-mapped IPv6.
    const AI_V4MAPPED = sys::AI_V4MAPPED;
    /// With `AI_V4MAPPED`: the IPv6 and the mapped IPv4 addresses.
    const AI_ALL = sys::AI_ALL;
}

c_flags! {
    /// The `flags` of [`getnameinfo`].
    pub struct NiFlags(c_int);
    /// The host as a numeric address, no lookup.
    const NI_NUMERICHOST = sys::NI_NUMERICHOST;
    /// The service as a port number, no lookup.
    const NI_NUMERICSERV = sys::NI_NUMERICSERV;
    /// Only the host part of a name in the local domain.
    const NI_NOFQDN = sys::NI_NOFQDN;
    /// Fail (`EAI_NONAME`) rather than return a numeric host when no name is found.
    const NI_NAMEREQD = sys::NI_NAMEREQD;
    /// The service is a datagram one (`udp` in `/etc/services`).
    const NI_DGRAM = sys::NI_DGRAM;
}

c_values! {
    /// An `EAI_*` code: why `getaddrinfo` or `getnameinfo` failed.
    pub struct EaiCode(c_int);
    /// The name or service is not known (or, with `AI_NUMERICHOST`, not numeric).
    const EAI_NONAME = sys::EAI_NONAME;
    /// A temporary failure of the name server: try again later.
    const EAI_AGAIN = sys::EAI_AGAIN;
    /// The service is not known for the socket type.
    const EAI_SERVICE = sys::EAI_SERVICE;
    /// The family is not supported.
    const EAI_FAMILY = sys::EAI_FAMILY;
    /// The socket type is not supported.
    const EAI_SOCKTYPE = sys::EAI_SOCKTYPE;
    /// Bad `ai_flags`.
    const EAI_BADFLAGS = sys::EAI_BADFLAGS;
    /// Out of memory.
    const EAI_MEMORY = sys::EAI_MEMORY;
    /// A permanent failure of the name server.
    const EAI_FAIL = sys::EAI_FAIL;
    /// A `getnameinfo` buffer was too small.
    const EAI_OVERFLOW = sys::EAI_OVERFLOW;
    /// A system error: the `errno` is in [`GaiError::errno`].
    const EAI_SYSTEM = sys::EAI_SYSTEM;
}

/// Why a lookup failed: the `EAI_*` code, and for `EAI_SYSTEM` the `errno` that came
/// with it.
///
/// `Display` is the C library's `gai_strerror` text (`Name or service not known`),
/// followed for `EAI_SYSTEM` by the `errno`; `Debug` is the code's name and the text
/// (`EAI_NONAME (Name or service not known)`), as the trace prints it. It compares
/// equal to its code (`err == EAI_NONAME`), and converts into [`io::Error`] (an
/// `EAI_SYSTEM` becomes its `errno`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct GaiError {
    code: EaiCode,
    errno: Errno,
}

impl GaiError {
    /// The error for a code (`errno` 0: use [`GaiError::system`] for `EAI_SYSTEM`).
    pub const fn new(code: EaiCode) -> GaiError {
        GaiError {
            code,
            errno: Errno::from_raw(0),
        }
    }

    /// `EAI_SYSTEM` with its `errno`.
    pub const fn system(errno: Errno) -> GaiError {
        GaiError {
            code: EAI_SYSTEM,
            errno,
        }
    }

    /// From what the C call returned: the code, and `errno` right after it.
    fn from_failure((code, errno): GaiFailure) -> GaiError {
        let code = EaiCode::from_raw(code);
        if code == EAI_SYSTEM {
            GaiError::system(errno)
        } else {
            GaiError::new(code)
        }
    }

    /// The `EAI_*` code.
    pub const fn code(self) -> EaiCode {
        self.code
    }

    /// The `errno` of an `EAI_SYSTEM` error; `None` for every other code.
    pub fn errno(self) -> Option<Errno> {
        (self.code == EAI_SYSTEM).then_some(self.errno)
    }
}

impl PartialEq<EaiCode> for GaiError {
    fn eq(&self, code: &EaiCode) -> bool {
        self.code == *code
    }
}

impl fmt::Display for GaiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(gai_strerror(self.code))?;
        if self.code == EAI_SYSTEM {
            write!(f, ": {}", self.errno)?;
        }
        Ok(())
    }
}

impl fmt::Debug for GaiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({self})", self.code)
    }
}

impl std::error::Error for GaiError {}

impl From<GaiError> for io::Error {
    /// `EAI_SYSTEM` becomes its `errno`; `EAI_MEMORY` is `OutOfMemory`; the others are
    /// `Other` errors carrying the `GaiError` (`get_ref` and `downcast` give it back).
    fn from(e: GaiError) -> io::Error {
        match e.errno() {
            Some(errno) => io::Error::from(errno),
            None if e.code == EAI_MEMORY => io::Error::new(io::ErrorKind::OutOfMemory, e),
            None => io::Error::other(e),
        }
    }
}

/// `gai_strerror(errcode)`—The text for an `EAI_*` code.
///
/// ```c
/// const char *gai_strerror(int errcode);
/// ```
///
/// The C library's own string (translated to the locale if the program set one up);
/// a text that is not UTF-8 is replaced by `Unknown error`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/gai_strerror.html)
pub fn gai_strerror(errcode: EaiCode) -> &'static str {
    raw::gai_strerror(errcode.as_raw())
        .to_str()
        .unwrap_or("Unknown error")
}

/// The hints of [`getaddrinfo`]: C's `struct addrinfo` with only the four fields C
/// code sets. `Default` is C's `memset(&hints, 0, sizeof hints)`: any family, any
/// type, any protocol, no flags.
///
/// ```c
/// struct addrinfo hints;
/// memset(&hints, 0, sizeof hints);
/// hints.ai_family = AF_UNSPEC;
/// hints.ai_socktype = SOCK_STREAM;
/// ```
///
/// ```
/// use sockapi::*;
/// let mut hints = AddrInfoHints::default();
/// hints.ai_family = AF_UNSPEC;
/// hints.ai_socktype = SOCK_STREAM;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AddrInfoHints {
    /// `AI_PASSIVE`, `AI_CANONNAME`, `AI_NUMERICHOST`, … OR-ed.
    pub ai_flags: AiFlags,
    /// `AF_INET`, `AF_INET6`, or `AF_UNSPEC` for either.
    pub ai_family: AddressFamily,
    /// `SOCK_STREAM`, `SOCK_DGRAM`, or 0 for any.
    pub ai_socktype: SockType,
    /// A protocol, or 0 for any.
    pub ai_protocol: Protocol,
}

impl Default for AddrInfoHints {
    fn default() -> AddrInfoHints {
        AddrInfoHints {
            ai_flags: AiFlags::EMPTY,
            ai_family: AddressFamily::from_raw(0),
            ai_socktype: SockType::from_raw(0),
            ai_protocol: Protocol::from_raw(0),
        }
    }
}

impl AddrInfoHints {
    /// The C struct: these fields, every other zero or null, as POSIX requires.
    fn to_c(self) -> sys::addrinfo {
        raw::hints(
            self.ai_flags.as_raw(),
            self.ai_family.as_raw(),
            self.ai_socktype.as_raw(),
            self.ai_protocol.as_raw(),
        )
    }
}

/// `getaddrinfo(node, service, hints, &res)`—The addresses to reach (or serve) a
/// host and service.
///
/// ```c
/// int getaddrinfo(const char *node, const char *service,
///                 const struct addrinfo *hints, struct addrinfo **res);
/// ```
///
/// Returns the C library's list, which [`AddrInfoList`] frees with `freeaddrinfo`
/// when dropped. `for ai in &res` walks it in the library's order (the order to try
/// addresses in), and each entry goes straight to `socket` and `connect` (or `bind`),
/// as in C:
///
/// ```
/// use sockapi::*;
/// # fn main() -> std::io::Result<()> {
/// # let server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// # bind(&server, &"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap())?;
/// # listen(&server, SOMAXCONN)?;
/// # let port = getsockname(&server)?.as_socket().unwrap().port().to_string();
/// let mut hints = AddrInfoHints::default();
/// hints.ai_family = AF_INET;
/// hints.ai_socktype = SOCK_STREAM;
/// let res = getaddrinfo(Some("localhost"), Some(port.as_str()), Some(&hints))?;
/// let mut connected = None;
/// for ai in &res {
///     let fd = socket(ai.ai_family(), ai.ai_socktype() | SOCK_CLOEXEC, ai.ai_protocol())?;
///     if connect(&fd, &ai).is_ok() {
///         connected = Some(fd);
///         break;
///     }
/// }
/// assert!(connected.is_some());
/// # Ok(()) }
/// ```
///
/// `node` and `service` are each a [`NameOrNull`]: `None` for C's `NULL` (with
/// `AI_PASSIVE` and no node, the wildcard address a server binds to), a Rust string
/// (`Some("localhost")`, `"localhost"`, `&string`), copied to the stack with its NUL
/// (the heap beyond 255 bytes; about one instruction a byte), or a C string
/// (`c"localhost"`, a `&CStr` or `&CString`), given to C as it is, with no copy:
/// `getaddrinfo(c"127.0.0.1", c"80", Some(&hints))` costs what C's call does. Both
/// forms trace alike. A `String` goes as `&string` or `Some(string.as_str())`, not
/// `Some(&string)` (see [`NameOrNull`]).
///
/// **A numeric service is not checked as a port.** glibc takes the number modulo
/// 65536 (`"99999"` gives port 34463) and musl likewise; and a service that is not a
/// number nor a known name is `EAI_SERVICE` (or, for a socket type it does not know,
/// `EAI_SOCKTYPE`). Validate a port yourself first (`port.parse::<u16>()`) when it
/// comes from a user.
///
/// Name lookups may query DNS (per `/etc/nsswitch.conf`); `AI_NUMERICHOST` makes
/// none.
///
/// # Errors
///
/// A [`GaiError`]: `EAI_NONAME` (unknown name, or not numeric with
/// `AI_NUMERICHOST`; also both `node` and `service` `None`), `EAI_SERVICE`,
/// `EAI_FAMILY`, `EAI_SOCKTYPE`, `EAI_BADFLAGS`, `EAI_AGAIN` (no answer from the
/// name server, or no network), `EAI_FAIL`, `EAI_MEMORY`, `EAI_SYSTEM` with its
/// `errno`. A Rust string with a NUL byte inside (which no C string can hold) is
/// `EAI_SYSTEM` with `EINVAL`, without a call (a `&CStr` has none).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getaddrinfo.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html)
pub fn getaddrinfo(
    node: impl NameOrNull,
    service: impl NameOrNull,
    hints: Option<&AddrInfoHints>,
) -> Result<AddrInfoList, GaiError> {
    let c_hints = hints.map(|h| h.to_c());
    let mut node_buf = name_buf::<STACK_NAME>();
    let mut service_buf = name_buf::<STACK_NAME>();
    let ret = match (
        c_opt_name(&node, &mut node_buf),
        c_opt_name(&service, &mut service_buf),
    ) {
        (Ok(node), Ok(service)) => inject!(
            getaddrinfo,
            None,
            crate::fault::gai_of,
            raw::getaddrinfo(node, service, c_hints.as_ref()).map_err(GaiError::from_failure)
        ),
        (Err(Unfit::Nul), _) | (_, Err(Unfit::Nul)) => {
            if trace::maybe_on() {
                trace_getaddrinfo_nul(opt_bytes_of(&node), opt_bytes_of(&service));
            }
            return Err(GaiError::system(Errno::EINVAL));
        }
        _ => inject!(
            getaddrinfo,
            None,
            crate::fault::gai_of,
            getaddrinfo_heap(
                opt_bytes_of(&node),
                opt_bytes_of(&service),
                c_hints.as_ref(),
            )
        ),
    };
    // The trace takes the parts by value and the C hints, already in memory; success
    // and failure each have their own check, so that nothing is stored for the trace
    // and the caller's `match` is settled on each path.
    match ret {
        Ok(list) => {
            if trace::maybe_on() {
                let (node, service) = (opt_bytes_of(&node), opt_bytes_of(&service));
                trace_getaddrinfo(node, service, c_hints.as_ref(), Ok(list.first()));
            }
            Ok(list)
        }
        Err(e) => {
            if trace::maybe_on() {
                let (node, service) = (opt_bytes_of(&node), opt_bytes_of(&service));
                trace_getaddrinfo(node, service, c_hints.as_ref(), Err(e));
            }
            Err(e)
        }
    }
}

/// [`getaddrinfo`] with a name of 256 bytes or more (which no host or service has),
/// made C strings on the heap. Neither holds a NUL (checked first).
#[cold]
#[inline(never)]
fn getaddrinfo_heap(
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&sys::addrinfo>,
) -> Result<AddrInfoList, GaiError> {
    let node = node.map(heap_c_string);
    let service = service.map(heap_c_string);
    match (node, service) {
        (Some(None), _) | (_, Some(None)) => Err(GaiError::system(Errno::EINVAL)),
        (node, service) => raw::getaddrinfo(
            node.as_ref().and_then(|c| c.as_deref()),
            service.as_ref().and_then(|c| c.as_deref()),
            hints,
        )
        .map_err(GaiError::from_failure),
    }
}

/// How many entries a trace line lists before `...`.
const ENTRIES_SHOWN: usize = 4;

/// `"name"` or `NULL`.
struct TraceStr<'a>(Option<&'a [u8]>);

impl fmt::Display for TraceStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => Data(s).fmt(f),
            None => f.write_str("NULL"),
        }
    }
}

/// `{ai_flags=..., ai_family=..., ai_socktype=..., ai_protocol=...}` or `NULL`.
struct TraceHints<'a>(Option<&'a sys::addrinfo>);

impl fmt::Display for TraceHints<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(h) => write!(
                f,
                "{{ai_flags={:?}, ai_family={:?}, ai_socktype={:?}, ai_protocol={}}}",
                AiFlags::from_raw(h.ai_flags),
                AddressFamily::from_raw(h.ai_family),
                SockType::from_raw(h.ai_socktype),
                crate::socket::TraceProtocol(Protocol::from_raw(h.ai_protocol))
            ),
            None => f.write_str("NULL"),
        }
    }
}

/// The entries' addresses from the first, `[{AF_INET, 127.0.0.1:80}, ...]`.
struct TraceList<'a>(&'a AddrInfo);

impl fmt::Display for TraceList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, ai) in self.0.and_after().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if i == ENTRIES_SHOWN {
                f.write_str("...")?;
                break;
            }
            write!(f, "{:?}", ai.ai_addr())?;
            if let Some(name) = ai.ai_canonname() {
                write!(f, " {}", Data(name.to_bytes()))?;
            }
        }
        f.write_str("]")
    }
}

#[cold]
#[inline(never)]
fn trace_getaddrinfo(
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&sys::addrinfo>,
    ret: Result<&AddrInfo, GaiError>,
) {
    match ret {
        Ok(first) => trace::emit(format_args!(
            "getaddrinfo({}, {}, {}, {}) = 0",
            TraceStr(node),
            TraceStr(service),
            TraceHints(hints),
            TraceList(first)
        )),
        Err(e) => trace::emit(format_args!(
            "getaddrinfo({}, {}, {}, ...) = {e:?}",
            TraceStr(node),
            TraceStr(service),
            TraceHints(hints),
        )),
    }
}

#[cold]
#[inline(never)]
fn trace_getaddrinfo_nul(node: Option<&[u8]>, service: Option<&[u8]>) {
    trace::emit(format_args!(
        "getaddrinfo({}, {}, ...) = {:?} (not called: NUL inside a name)",
        TraceStr(node),
        TraceStr(service),
        GaiError::system(Errno::EINVAL)
    ));
}

impl AddrInfo {
    /// `ai_flags`.
    #[inline]
    pub fn ai_flags(&self) -> AiFlags {
        AiFlags::from_raw(self.raw().ai_flags)
    }

    /// `ai_family`: the family for `socket`.
    #[inline]
    pub fn ai_family(&self) -> AddressFamily {
        AddressFamily::from_raw(self.raw().ai_family)
    }

    /// `ai_socktype`: the type for `socket`.
    #[inline]
    pub fn ai_socktype(&self) -> SockType {
        SockType::from_raw(self.raw().ai_socktype)
    }

    /// `ai_protocol`: the protocol for `socket`.
    #[inline]
    pub fn ai_protocol(&self) -> Protocol {
        Protocol::from_raw(self.raw().ai_protocol)
    }

    /// `ai_addr` (with its `ai_addrlen`): the address for `connect` or `bind`. An entry
    /// with no address (which no C library returns) gives an empty one, that the kernel
    /// refuses.
    pub fn ai_addr(&self) -> SockAddr {
        match self.addr_storage() {
            Some(storage) => SockAddr::from_storage(storage),
            None => SockAddr::from_bytes(&[]).unwrap_or_else(|_| SockAddr::unnamed()),
        }
    }

    /// `ai_canonname`: with `AI_CANONNAME`, the canonical name, in the first entry.
    /// As bytes that may not be UTF-8 ([`CStr::to_str`] says).
    pub fn ai_canonname(&self) -> Option<&CStr> {
        self.canonname()
    }
}

impl fmt::Debug for AddrInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddrInfo")
            .field("ai_flags", &self.ai_flags())
            .field("ai_family", &self.ai_family())
            .field("ai_socktype", &self.ai_socktype())
            .field("ai_protocol", &self.ai_protocol())
            .field("ai_addr", &self.ai_addr())
            .field("ai_canonname", &self.ai_canonname())
            .finish()
    }
}

impl fmt::Debug for AddrInfoList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl ToSockAddr for AddrInfo {
    /// `ai_addr`, so that `connect(&fd, &ai)` reads as C's
    /// `connect(fd, ai->ai_addr, ai->ai_addrlen)`.
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Owned(self.ai_addr())
    }
}

/// A name [`getnameinfo`] wrote, inline: at most `N - 1` bytes (C's buffer of `N`
/// less its NUL), no heap.
///
/// It derefs to `&str`, and `{}` prints it. Names from DNS (ASCII, or IDN as
/// punycode) and from `/etc/services` are always UTF-8; one that is not (from a local
/// hosts file) derefs to its UTF-8 part before the first bad byte, and
/// [`as_bytes`](NameBuf::as_bytes) has it all; `{}` shows the bad bytes as `\xNN`.
#[derive(Clone, Copy)]
pub struct NameBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

/// `getnameinfo`'s host: `NI_MAXHOST` bytes (1025 on glibc).
pub type NiHost = NameBuf<{ sys::NI_MAXHOST as usize }>;
/// `getnameinfo`'s service: `NI_MAXSERV` bytes (32).
pub type NiServ = NameBuf<{ sys::NI_MAXSERV as usize }>;

impl<const N: usize> NameBuf<N> {
    /// The bytes before the NUL the C library wrote (all `N` if it wrote none).
    fn from_c(buf: [u8; N]) -> NameBuf<N> {
        let len = buf.iter().position(|&b| b == 0).unwrap_or(N);
        NameBuf { buf, len }
    }

    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The name, if it is all UTF-8.
    pub fn to_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }
}

impl<const N: usize> Deref for NameBuf<N> {
    type Target = str;
    fn deref(&self) -> &str {
        let bytes = self.as_bytes();
        match core::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
        }
    }
}

impl<const N: usize> PartialEq<str> for NameBuf<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> PartialEq<&str> for NameBuf<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> fmt::Display for NameBuf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.as_bytes().utf8_chunks() {
            f.write_str(chunk.valid())?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

impl<const N: usize> fmt::Debug for NameBuf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// `getnameinfo(addr, addrlen, host, hostlen, serv, servlen, flags)`—The host and
/// service names of an address.
///
/// ```c
/// int getnameinfo(const struct sockaddr *addr, socklen_t addrlen,
///                 char *host, socklen_t hostlen, char *serv, socklen_t servlen, int flags);
/// ```
///
/// Returns both names in inline buffers of C's sizes, `NI_MAXHOST` and `NI_MAXSERV`
/// ([`NiHost`], [`NiServ`]; no heap), which deref to `&str`. With `NI_NUMERICHOST`
/// and `NI_NUMERICSERV` no lookup is made; otherwise the host may be looked up in DNS
/// (per `/etc/nsswitch.conf`) and the service in `/etc/services`, each falling back
/// to the number unless `NI_NAMEREQD`.
///
/// ```
/// use sockapi::*;
/// use std::net::SocketAddr;
/// # fn main() -> Result<(), GaiError> {
/// let addr = SockAddr::from("127.0.0.1:80".parse::<SocketAddr>().unwrap());
/// let (host, serv) = getnameinfo(&addr, NI_NUMERICHOST | NI_NUMERICSERV)?;
/// assert_eq!((&*host, &*serv), ("127.0.0.1", "80"));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// `EAI_FAMILY` (a family the C library does not know; glibc answers `AF_UNIX` with
/// the node name as the host and the path as the service), `EAI_NONAME`
/// (no name and `NI_NAMEREQD`), `EAI_AGAIN`, `EAI_FAIL`, `EAI_OVERFLOW`, `EAI_MEMORY`,
/// `EAI_SYSTEM` with its `errno`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getnameinfo.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getnameinfo.3.html)
pub fn getnameinfo<A: ToSockAddr + ?Sized>(
    addr: &A,
    flags: impl Into<NiFlags>,
) -> Result<(NiHost, NiServ), GaiError> {
    let addr = addr.to_sock_addr();
    let flags = flags.into();
    let mut host = [0u8; sys::NI_MAXHOST as usize];
    let mut serv = [0u8; sys::NI_MAXSERV as usize];
    let ret = inject!(
        getnameinfo,
        None,
        crate::fault::gai_of,
        raw::getnameinfo(addr.storage(), &mut host, &mut serv, flags.as_raw())
            .map(|()| (NameBuf::from_c(host), NameBuf::from_c(serv)))
            .map_err(GaiError::from_failure)
    );
    if trace::maybe_on() {
        trace_getnameinfo(&addr, flags, &ret);
    }
    ret
}

#[cold]
#[inline(never)]
fn trace_getnameinfo(addr: &SockAddr, flags: NiFlags, ret: &Result<(NiHost, NiServ), GaiError>) {
    match ret {
        Ok((host, serv)) => trace::emit(format_args!(
            "getnameinfo({addr:?}, {}, {}, {}, {}, {}, {flags:?}) = 0",
            addr.len(),
            Data(host.as_bytes()),
            sys::NI_MAXHOST,
            Data(serv.as_bytes()),
            sys::NI_MAXSERV,
        )),
        Err(e) => trace::emit(format_args!(
            "getnameinfo({addr:?}, {}, ..., {}, ..., {}, {flags:?}) = {e:?}",
            addr.len(),
            sys::NI_MAXHOST,
            sys::NI_MAXSERV,
        )),
    }
}
