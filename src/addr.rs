//! Socket addresses: [`SockAddr`], C's `sockaddr_storage` with its length.

use core::fmt;
use core::hash::{Hash, Hasher};
use core::mem;
use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::raw::{self, Storage};
use crate::socket::{AddressFamily, AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC};
use crate::sys::{self, socklen_t};
use crate::{Errno, Result};

/// `INADDR_ANY`: the IPv4 wildcard address `0.0.0.0`, in host byte order as in C.
pub const INADDR_ANY: sys::in_addr_t = sys::INADDR_ANY;
/// `INADDR_LOOPBACK`: `127.0.0.1`, in host byte order as in C.
pub const INADDR_LOOPBACK: sys::in_addr_t = sys::INADDR_LOOPBACK;

/// A socket address of any family: C's `struct sockaddr_storage` and its `socklen_t`.
///
/// What C passes as `(struct sockaddr *)&addr, sizeof addr`, this crate passes as one
/// `&SockAddr`. It holds an IPv4 or IPv6 address, a Unix-domain path, a Linux
/// abstract name, an unnamed Unix address, or whatever bytes the kernel returned for
/// another family.
///
/// Build one from std's addresses (`SockAddr::from(addr)`, or pass the std address
/// itself: every call that takes an address accepts anything that is
/// [`ToSockAddr`]), or with [`SockAddr::unix`], [`SockAddr::abstract_name`] and
/// [`SockAddr::unnamed`]. Read it back with [`as_socket`](SockAddr::as_socket),
/// [`as_unix_path`](SockAddr::as_unix_path) and friends, or `TryFrom` into std's types.
///
/// `Display` shows `127.0.0.1:80`, `[::1]:80`, the Unix path, `@"name"` for an
/// abstract name, and `(unnamed)`. `Debug` shows the family too, as the trace does:
/// `{AF_INET, 127.0.0.1:80}`, `{AF_UNIX, "/run/x.sock"}`. A Unix path or name is
/// chosen by whoever binds it, and servers print their peers, so neither form passes
/// control characters through: they, the Unicode characters that reorder or hide
/// text, and bytes that are not UTF-8 are written as `\xNN`, one per byte (a
/// character that is two bytes of UTF-8 shows both, so it never reads as the lone
/// byte), and `\` as `\\` (`\"` too in the quoted forms).
///
/// Only the bytes the length covers are kept and compared: `==` and `Hash` look at
/// exactly [`as_bytes`](SockAddr::as_bytes).
#[derive(Clone, Copy)]
pub struct SockAddr {
    storage: Storage,
}

const SUN_PATH_OFFSET: usize = mem::offset_of!(sys::sockaddr_un, sun_path);
const SUN_PATH_LEN: usize = mem::size_of::<sys::sockaddr_un>() - SUN_PATH_OFFSET;
const FAMILY_END: usize = mem::size_of::<sys::sa_family_t>();
/// `sockaddr_in6` without its last field, `sin6_scope_id` (RFC 2133).
const SOCKADDR_IN6_RFC2133_LEN: usize = mem::offset_of!(sys::sockaddr_in6, sin6_scope_id);

// `sun_path` is 108 bytes on Linux and 104 on the BSDs; it ends the struct on both.

impl SockAddr {
    /// An address from its C bytes (`sa_family` first, then the family's fields), as a
    /// test harness may forge it; the length of `bytes` is the `addrlen`. Any bytes are
    /// accepted, so the kernel, not this crate, judges a malformed address.
    ///
    /// # Errors
    ///
    /// `EINVAL` if `bytes` is longer than `sockaddr_storage` (128 bytes on Linux).
    pub fn from_bytes(bytes: &[u8]) -> Result<SockAddr> {
        match Storage::from_bytes(bytes) {
            Some(storage) => Ok(SockAddr { storage }),
            None => Err(Errno::EINVAL),
        }
    }

    /// The address a call returned.
    #[inline]
    pub(crate) fn from_storage(storage: Storage) -> SockAddr {
        SockAddr { storage }
    }

    /// The C storage and length, for the calls that read an address.
    #[inline]
    pub(crate) fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The C bytes the length covers, family first: what the kernel reads or wrote.
    /// (Only these bytes are kept; the rest of the `sockaddr_storage` is never read.)
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.storage.as_bytes()
    }

    /// The pointer C calls take: `(const struct sockaddr *)&storage`. The first
    /// [`len`](SockAddr::len) bytes behind it are initialised; the rest of the
    /// `sockaddr_storage` may not be, so read no further than `len`.
    #[inline]
    pub fn as_ptr(&self) -> *const sys::sockaddr {
        self.storage.as_ptr()
    }

    /// The C length (`socklen_t addrlen`).
    #[allow(clippy::len_without_is_empty)]
    #[inline]
    pub fn len(&self) -> socklen_t {
        self.storage.len()
    }

    /// The address family (`ss_family`); `AF_UNSPEC` when the length does not even
    /// cover the family field.
    pub fn family(&self) -> AddressFamily {
        match self.as_bytes().get(..FAMILY_END) {
            Some(family) => {
                let mut raw = [0u8; FAMILY_END];
                raw.copy_from_slice(family);
                AddressFamily::from_raw(sys::sa_family_t::from_ne_bytes(raw) as sys::c_int)
            }
            None => AF_UNSPEC,
        }
    }

    /// A Unix-domain address for a filesystem path, as C fills `sun_path`.
    ///
    /// # Errors
    ///
    /// - `ENAMETOOLONG`: the path does not fit in `sun_path` with its terminating NUL
    ///   (107 bytes on Linux). It is never truncated.
    /// - `EINVAL`: the path is empty (in C that would bind an abstract name) or holds a
    ///   NUL byte.
    pub fn unix<P: AsRef<Path>>(path: P) -> Result<SockAddr> {
        let bytes = path.as_ref().as_os_str().as_bytes();
        if bytes.is_empty() || bytes.contains(&0) {
            return Err(Errno::EINVAL);
        }
        if bytes.len() >= SUN_PATH_LEN {
            return Err(Errno::ENAMETOOLONG);
        }
        Ok(Self::unix_from_bytes(
            bytes,
            SUN_PATH_OFFSET + bytes.len() + 1,
        ))
    }

    /// A Linux abstract-namespace address: `sun_path[0]` is NUL and `name` follows,
    /// with no terminator (C's `"\0name"` with `addrlen` covering exactly the name).
    ///
    /// # Errors
    ///
    /// `ENAMETOOLONG` if the name is longer than `sun_path` minus the leading NUL (107
    /// bytes). An empty name is allowed: it is the abstract address of zero length.
    #[cfg(have_abstract_unix)]
    pub fn abstract_name(name: &[u8]) -> Result<SockAddr> {
        if name.len() >= SUN_PATH_LEN {
            return Err(Errno::ENAMETOOLONG);
        }
        let mut with_nul = [0u8; SUN_PATH_LEN];
        with_nul[1..=name.len()].copy_from_slice(name);
        Ok(Self::unix_from_bytes(
            &with_nul[..=name.len()],
            SUN_PATH_OFFSET + 1 + name.len(),
        ))
    }

    /// The unnamed Unix-domain address: the family alone, as `getsockname` reports for
    /// an unbound socket or a `socketpair` end. Binding it asks Linux to autobind an
    /// abstract name.
    pub fn unnamed() -> SockAddr {
        Self::unix_from_bytes(&[], SUN_PATH_OFFSET)
    }

    fn unix_from_bytes(path: &[u8], len: usize) -> SockAddr {
        let mut sun: sys::sockaddr_un = raw::zeroed();
        sun.sun_family = sys::AF_UNIX as sys::sa_family_t;
        for (dst, &src) in sun.sun_path.iter_mut().zip(path) {
            *dst = src as sys::c_char;
        }
        #[cfg(have_sin_len)]
        {
            sun.sun_len = len as u8;
        }
        SockAddr {
            storage: Storage::from_struct(&sun, len),
        }
    }

    /// The IPv4 or IPv6 address, if it is one.
    pub fn as_socket(&self) -> Option<SocketAddr> {
        match self.family() {
            AF_INET => self.as_socket_ipv4().map(SocketAddr::V4),
            AF_INET6 => self.as_socket_ipv6().map(SocketAddr::V6),
            _ => None,
        }
    }

    /// The IPv4 address, if it is one.
    pub fn as_socket_ipv4(&self) -> Option<SocketAddrV4> {
        if self.family() != AF_INET || (self.len() as usize) < mem::size_of::<sys::sockaddr_in>() {
            return None;
        }
        let sin: sys::sockaddr_in = self.storage.read();
        let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
        Some(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)))
    }

    /// The IPv6 address, if it is one, with its flow label and scope id.
    ///
    /// The 24-byte form of RFC 2133, without `sin6_scope_id`, which Linux accepts, is
    /// read too, with scope id 0; so is a length of 25 to 27 bytes, which covers only
    /// part of `sin6_scope_id`: Linux reads the scope id only from a length of at
    /// least `sizeof(struct sockaddr_in6)` (28), and so does this.
    pub fn as_socket_ipv6(&self) -> Option<SocketAddrV6> {
        let sin6 = self.as_sockaddr_in6()?;
        Some(SocketAddrV6::new(
            Ipv6Addr::from(sin6.sin6_addr.s6_addr),
            u16::from_be(sin6.sin6_port),
            u32::from_be(sin6.sin6_flowinfo),
            sin6.sin6_scope_id,
        ))
    }

    /// The bytes of `sun_path` that the length covers, for a Unix-domain address.
    fn sun_path(&self) -> Option<&[u8]> {
        if self.family() != AF_UNIX {
            return None;
        }
        let bytes = self.as_bytes();
        let end = bytes.len().min(SUN_PATH_OFFSET + SUN_PATH_LEN);
        Some(bytes.get(SUN_PATH_OFFSET..end).unwrap_or(&[]))
    }

    /// The filesystem path of a Unix-domain address (up to its NUL).
    pub fn as_unix_path(&self) -> Option<&Path> {
        let path = self.sun_path()?;
        if path.first().is_none_or(|&b| b == 0) {
            return None;
        }
        let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
        Some(Path::new(std::ffi::OsStr::from_bytes(&path[..end])))
    }

    /// The name of a Linux abstract-namespace address (the bytes after the leading NUL).
    pub fn as_abstract_name(&self) -> Option<&[u8]> {
        match self.sun_path()? {
            [0, name @ ..] => Some(name),
            _ => None,
        }
    }

    /// Whether this is the unnamed Unix-domain address (family only).
    pub fn is_unnamed(&self) -> bool {
        self.sun_path().is_some_and(|path| path.is_empty())
    }
}

impl PartialEq for SockAddr {
    /// Equal when the lengths and every byte they cover are equal.
    fn eq(&self, other: &SockAddr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SockAddr {}

impl Hash for SockAddr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl From<SocketAddrV4> for SockAddr {
    fn from(addr: SocketAddrV4) -> SockAddr {
        let mut sin: sys::sockaddr_in = raw::zeroed();
        sin.sin_family = sys::AF_INET as sys::sa_family_t;
        sin.sin_port = addr.port().to_be();
        sin.sin_addr.s_addr = u32::from_ne_bytes(addr.ip().octets());
        #[cfg(have_sin_len)]
        {
            sin.sin_len = mem::size_of::<sys::sockaddr_in>() as u8;
        }
        SockAddr {
            storage: Storage::from_struct(&sin, mem::size_of::<sys::sockaddr_in>()),
        }
    }
}

impl From<SocketAddrV6> for SockAddr {
    fn from(addr: SocketAddrV6) -> SockAddr {
        let mut sin6: sys::sockaddr_in6 = raw::zeroed();
        sin6.sin6_family = sys::AF_INET6 as sys::sa_family_t;
        sin6.sin6_port = addr.port().to_be();
        sin6.sin6_flowinfo = addr.flowinfo().to_be();
        sin6.sin6_addr.s6_addr = addr.ip().octets();
        sin6.sin6_scope_id = addr.scope_id();
        #[cfg(have_sin_len)]
        {
            sin6.sin6_len = mem::size_of::<sys::sockaddr_in6>() as u8;
        }
        SockAddr {
            storage: Storage::from_struct(&sin6, mem::size_of::<sys::sockaddr_in6>()),
        }
    }
}

impl From<SocketAddr> for SockAddr {
    fn from(addr: SocketAddr) -> SockAddr {
        match addr {
            SocketAddr::V4(v4) => v4.into(),
            SocketAddr::V6(v6) => v6.into(),
        }
    }
}

/// The IPv4 or IPv6 address; `EAFNOSUPPORT` for any other family.
impl TryFrom<SockAddr> for SocketAddr {
    type Error = Errno;
    fn try_from(addr: SockAddr) -> Result<SocketAddr> {
        addr.as_socket().ok_or(Errno::EAFNOSUPPORT)
    }
}

/// The IPv4 address; `EAFNOSUPPORT` for any other family.
impl TryFrom<SockAddr> for SocketAddrV4 {
    type Error = Errno;
    fn try_from(addr: SockAddr) -> Result<SocketAddrV4> {
        addr.as_socket_ipv4().ok_or(Errno::EAFNOSUPPORT)
    }
}

/// The IPv6 address; `EAFNOSUPPORT` for any other family.
impl TryFrom<SockAddr> for SocketAddrV6 {
    type Error = Errno;
    fn try_from(addr: SockAddr) -> Result<SocketAddrV6> {
        addr.as_socket_ipv6().ok_or(Errno::EAFNOSUPPORT)
    }
}

/// C's `struct sockaddr_in`, all 16 bytes, as C passes `sizeof addr`: the fields as
/// the program set them (a family left 0 is the kernel's to refuse).
impl From<sys::sockaddr_in> for SockAddr {
    fn from(sin: sys::sockaddr_in) -> SockAddr {
        SockAddr {
            storage: Storage::from_struct(&sin, mem::size_of::<sys::sockaddr_in>()),
        }
    }
}

/// C's `struct sockaddr_in6`, all 28 bytes, as C passes `sizeof addr`.
impl From<sys::sockaddr_in6> for SockAddr {
    fn from(sin6: sys::sockaddr_in6) -> SockAddr {
        SockAddr {
            storage: Storage::from_struct(&sin6, mem::size_of::<sys::sockaddr_in6>()),
        }
    }
}

/// C's `struct sockaddr_un`. The length is C's `sizeof addr` (110 on Linux), except
/// for a path (`sun_path` starts with a character other than NUL and has a NUL), where
/// it is `offsetof(struct sockaddr_un, sun_path) + strlen(sun_path) + 1`, C's other
/// spelling: the kernel reads a path only up to its NUL, so both name the same file,
/// and the shorter is what [`SockAddr::unix`] builds and `getsockname` reports, so
/// the addresses compare equal. An abstract name (`sun_path[0]` NUL) keeps `sizeof
/// addr`, as in C, and so names all 107 bytes after the NUL; for a shorter one use
/// [`SockAddr::abstract_name`].
impl From<sys::sockaddr_un> for SockAddr {
    fn from(sun: sys::sockaddr_un) -> SockAddr {
        let path = &sun.sun_path;
        let len = match path.iter().position(|&c| c == 0) {
            Some(nul) if nul > 0 => SUN_PATH_OFFSET + nul + 1,
            _ => mem::size_of::<sys::sockaddr_un>(),
        };
        SockAddr {
            storage: Storage::from_struct(&sun, len),
        }
    }
}

impl SockAddr {
    /// The address as C's `struct sockaddr_in`, if it is an IPv4 one (`AF_INET`, 16
    /// bytes).
    pub fn as_sockaddr_in(&self) -> Option<sys::sockaddr_in> {
        if self.family() != AF_INET || (self.len() as usize) < mem::size_of::<sys::sockaddr_in>() {
            return None;
        }
        Some(self.storage.read())
    }

    /// The address as C's `struct sockaddr_in6`, if it is an IPv6 one (`AF_INET6`; the
    /// 24-byte form of RFC 2133, and any length short of the 28 bytes that end
    /// `sin6_scope_id`, reads with `sin6_scope_id` 0, as Linux reads it).
    pub fn as_sockaddr_in6(&self) -> Option<sys::sockaddr_in6> {
        if self.family() != AF_INET6 || (self.len() as usize) < SOCKADDR_IN6_RFC2133_LEN {
            return None;
        }
        let mut sin6: sys::sockaddr_in6 = self.storage.read();
        if (self.len() as usize) < mem::size_of::<sys::sockaddr_in6>() {
            // Not the bytes that a partial length covers: the kernel ignores them.
            sin6.sin6_scope_id = 0;
        }
        Some(sin6)
    }

    /// The address as C's `struct sockaddr_un`, if it is a Unix-domain one: the bytes
    /// the length covers, then zeros. The struct does not keep the length, so an
    /// abstract name's end (and the unnamed address) shows only in
    /// [`len`](SockAddr::len).
    pub fn as_sockaddr_un(&self) -> Option<sys::sockaddr_un> {
        if self.family() != AF_UNIX {
            return None;
        }
        Some(self.storage.read())
    }
}

/// `addr.sin_family = AF_INET.into();`—C's `addr.sin_family = AF_INET;`. The value is
/// cut to `sa_family_t` as C's assignment cuts the `int`; every family a kernel
/// defines fits.
impl From<AddressFamily> for sys::sa_family_t {
    fn from(family: AddressFamily) -> sys::sa_family_t {
        family.as_raw() as sys::sa_family_t
    }
}

/// `AddressFamily::from(addr.sin_family)`: a family field read back.
impl From<sys::sa_family_t> for AddressFamily {
    fn from(family: sys::sa_family_t) -> AddressFamily {
        AddressFamily::from_raw(family.into())
    }
}

/// std's Unix-domain address: a path, an abstract name (Linux) or unnamed.
impl TryFrom<&std::os::unix::net::SocketAddr> for SockAddr {
    type Error = Errno;
    fn try_from(addr: &std::os::unix::net::SocketAddr) -> Result<SockAddr> {
        if let Some(path) = addr.as_pathname() {
            return SockAddr::unix(path);
        }
        #[cfg(have_abstract_unix)]
        {
            use std::os::linux::net::SocketAddrExt;
            if let Some(name) = addr.as_abstract_name() {
                return SockAddr::abstract_name(name);
            }
        }
        Ok(SockAddr::unnamed())
    }
}

/// A path or (on Linux) an abstract name; `EAFNOSUPPORT` for another family and
/// `EINVAL` for the unnamed address, which std cannot build.
impl TryFrom<&SockAddr> for std::os::unix::net::SocketAddr {
    type Error = Errno;
    fn try_from(addr: &SockAddr) -> Result<std::os::unix::net::SocketAddr> {
        if addr.family() != AF_UNIX {
            return Err(Errno::EAFNOSUPPORT);
        }
        if let Some(path) = addr.as_unix_path() {
            return std::os::unix::net::SocketAddr::from_pathname(path).map_err(|_| Errno::EINVAL);
        }
        #[cfg(have_abstract_unix)]
        if let Some(name) = addr.as_abstract_name() {
            use std::os::linux::net::SocketAddrExt;
            return std::os::unix::net::SocketAddr::from_abstract_name(name)
                .map_err(|_| Errno::EINVAL);
        }
        Err(Errno::EINVAL)
    }
}

/// Anything a call that takes an address accepts: a [`SockAddr`], std's
/// `SocketAddr`, `SocketAddrV4` and `SocketAddrV6`, or C's `sockaddr_in`,
/// `sockaddr_in6` and `sockaddr_un` as the program filled them, so
/// `bind(&fd, &addr)` reads as in C whichever the program holds. Converting builds
/// the C struct on the stack; a `SockAddr` is passed as it is.
pub trait ToSockAddr {
    /// The address as C storage.
    fn to_sock_addr(&self) -> Cow<'_, SockAddr>;
}

impl<T: ToSockAddr + ?Sized> ToSockAddr for &T {
    /// Through a reference, so that `connect(&fd, &ai)` works for the `&AddrInfo` that
    /// `for ai in &res` yields.
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        (**self).to_sock_addr()
    }
}

impl ToSockAddr for SockAddr {
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Borrowed(self)
    }
}

impl ToSockAddr for SocketAddr {
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Owned(SockAddr::from(*self))
    }
}

impl ToSockAddr for SocketAddrV4 {
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Owned(SockAddr::from(*self))
    }
}

impl ToSockAddr for SocketAddrV6 {
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Owned(SockAddr::from(*self))
    }
}

/// C's `struct sockaddr_in`, as `bind(fd, (struct sockaddr *)&addr, sizeof addr)`
/// passes it.
impl ToSockAddr for sys::sockaddr_in {
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Owned(SockAddr::from(*self))
    }
}

/// C's `struct sockaddr_in6`, with `sizeof addr`.
impl ToSockAddr for sys::sockaddr_in6 {
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Owned(SockAddr::from(*self))
    }
}

/// C's `struct sockaddr_un`, with the length that `From<sockaddr_un> for SockAddr`
/// gives: `offsetof(sun_path) + strlen(sun_path) + 1` for a path, else `sizeof addr`.
impl ToSockAddr for sys::sockaddr_un {
    fn to_sock_addr(&self) -> Cow<'_, SockAddr> {
        Cow::Owned(SockAddr::from(*self))
    }
}

/// Whether `c` must not reach a terminal as it is: control characters, and the
/// Unicode characters that reorder, join or hide text (bidirectional controls,
/// zero-width characters, line and paragraph separators, the byte-order mark).
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}')
}

/// Writes a peer-chosen name: printable characters as they are, `\` as `\\` (and
/// `"` as `\"` when `quoted`), and every byte of a character that [`must_escape`] or
/// of bytes that are not UTF-8 as `\xNN`.
fn fmt_name(f: &mut fmt::Formatter<'_>, bytes: &[u8], quoted: bool) -> fmt::Result {
    if quoted {
        f.write_str("\"")?;
    }
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => f.write_str("\\\\")?,
                '"' if quoted => f.write_str("\\\"")?,
                c if must_escape(c) => {
                    for b in c.encode_utf8(&mut [0; 4]).bytes() {
                        write!(f, "\\x{b:02x}")?;
                    }
                }
                c => f.write_str(c.encode_utf8(&mut [0; 4]))?,
            }
        }
        for b in chunk.invalid() {
            write!(f, "\\x{b:02x}")?;
        }
    }
    if quoted {
        f.write_str("\"")?;
    }
    Ok(())
}

/// `1 byte`, `2 bytes`.
struct Bytes(socklen_t);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 byte"),
            n => write!(f, "{n} bytes"),
        }
    }
}

impl fmt::Display for SockAddr {
    /// `127.0.0.1:80`, `[::1]:80`, `/path`, `@"name"` or `(unnamed)`, names escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(addr) = self.as_socket() {
            return write!(f, "{addr}");
        }
        if let Some(path) = self.as_unix_path() {
            return fmt_name(f, path.as_os_str().as_bytes(), false);
        }
        if let Some(name) = self.as_abstract_name() {
            f.write_str("@")?;
            return fmt_name(f, name, true);
        }
        if self.is_unnamed() {
            return f.write_str("(unnamed)");
        }
        write!(f, "({:?}, {})", self.family(), Bytes(self.len()))
    }
}

impl fmt::Debug for SockAddr {
    /// `{AF_INET, 127.0.0.1:80}`, `{AF_UNIX, "/path"}`, `{AF_UNIX, @"name"}`,
    /// `{AF_UNIX}` for unnamed: the form the trace prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{:?}", self.family())?;
        if let Some(addr) = self.as_socket() {
            write!(f, ", {addr}")?;
        } else if let Some(path) = self.as_unix_path() {
            f.write_str(", ")?;
            fmt_name(f, path.as_os_str().as_bytes(), true)?;
        } else if let Some(name) = self.as_abstract_name() {
            f.write_str(", @")?;
            fmt_name(f, name, true)?;
        } else if !self.is_unnamed() {
            write!(f, ", {}", Bytes(self.len()))?;
        }
        f.write_str("}")
    }
}
