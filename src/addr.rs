//! Socket addresses: [`SockAddr`], C's `sockaddr_storage` with its length.

use core::fmt;
use core::hash::{Hash, Hasher};
use core::mem;
use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::raw;
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
/// abstract name (quoted, odd bytes escaped), and `(unnamed)`. `Debug` shows the family too, as the trace does:
/// `{AF_INET, 127.0.0.1:80}`.
#[derive(Clone, Copy)]
pub struct SockAddr {
    storage: sys::sockaddr_storage,
    len: socklen_t,
}

const STORAGE_LEN: socklen_t = mem::size_of::<sys::sockaddr_storage>() as socklen_t;
const SUN_PATH_OFFSET: usize = mem::offset_of!(sys::sockaddr_un, sun_path);
const SUN_PATH_LEN: usize = mem::size_of::<sys::sockaddr_un>() - SUN_PATH_OFFSET;
const FAMILY_END: usize = mem::size_of::<sys::sa_family_t>();

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
        if bytes.len() > STORAGE_LEN as usize {
            return Err(Errno::EINVAL);
        }
        let mut storage: sys::sockaddr_storage = raw::zeroed();
        raw::storage_bytes_mut(&mut storage)[..bytes.len()].copy_from_slice(bytes);
        Ok(SockAddr {
            storage,
            len: bytes.len() as socklen_t,
        })
    }

    /// An address the kernel wrote into zeroed `storage`, with the length it reported
    /// (cut to the storage's size, since a truncated address reports its full length).
    pub(crate) fn from_kernel(storage: sys::sockaddr_storage, len: socklen_t) -> SockAddr {
        SockAddr {
            storage,
            len: len.min(STORAGE_LEN),
        }
    }

    /// The C bytes the length covers, family first: what the kernel reads.
    pub fn as_bytes(&self) -> &[u8] {
        &raw::storage_bytes(&self.storage)[..self.len as usize]
    }

    /// The C storage.
    pub fn as_storage(&self) -> &sys::sockaddr_storage {
        &self.storage
    }

    /// The pointer C calls take: `(const struct sockaddr *)&storage`.
    pub fn as_ptr(&self) -> *const sys::sockaddr {
        (&self.storage as *const sys::sockaddr_storage).cast()
    }

    /// The C length (`socklen_t addrlen`).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> socklen_t {
        self.len
    }

    /// The address family (`ss_family`); `AF_UNSPEC` when the length does not even
    /// cover the family field.
    pub fn family(&self) -> AddressFamily {
        if (self.len as usize) < FAMILY_END {
            return AF_UNSPEC;
        }
        AddressFamily::from_raw(self.storage.ss_family as sys::c_int)
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
        let mut storage: sys::sockaddr_storage = raw::zeroed();
        let sun: &mut sys::sockaddr_un = raw::storage_as_mut(&mut storage);
        sun.sun_family = sys::AF_UNIX as sys::sa_family_t;
        for (dst, &src) in sun.sun_path.iter_mut().zip(path) {
            *dst = src as sys::c_char;
        }
        #[cfg(have_sin_len)]
        {
            sun.sun_len = len as u8;
        }
        SockAddr {
            storage,
            len: len as socklen_t,
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
        if self.family() != AF_INET || (self.len as usize) < mem::size_of::<sys::sockaddr_in>() {
            return None;
        }
        let sin: &sys::sockaddr_in = raw::storage_as(&self.storage);
        let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
        Some(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)))
    }

    /// The IPv6 address, if it is one, with its flow label and scope id.
    pub fn as_socket_ipv6(&self) -> Option<SocketAddrV6> {
        if self.family() != AF_INET6 || (self.len as usize) < mem::size_of::<sys::sockaddr_in6>() {
            return None;
        }
        let sin6: &sys::sockaddr_in6 = raw::storage_as(&self.storage);
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
        let sun: &sys::sockaddr_un = raw::storage_as(&self.storage);
        let used = (self.len as usize)
            .saturating_sub(SUN_PATH_OFFSET)
            .min(SUN_PATH_LEN);
        let path = &sun.sun_path[..used];
        Some(raw::c_chars_as_bytes(path))
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
        let mut storage: sys::sockaddr_storage = raw::zeroed();
        let sin: &mut sys::sockaddr_in = raw::storage_as_mut(&mut storage);
        sin.sin_family = sys::AF_INET as sys::sa_family_t;
        sin.sin_port = addr.port().to_be();
        sin.sin_addr.s_addr = u32::from_ne_bytes(addr.ip().octets());
        #[cfg(have_sin_len)]
        {
            sin.sin_len = mem::size_of::<sys::sockaddr_in>() as u8;
        }
        SockAddr {
            storage,
            len: mem::size_of::<sys::sockaddr_in>() as socklen_t,
        }
    }
}

impl From<SocketAddrV6> for SockAddr {
    fn from(addr: SocketAddrV6) -> SockAddr {
        let mut storage: sys::sockaddr_storage = raw::zeroed();
        let sin6: &mut sys::sockaddr_in6 = raw::storage_as_mut(&mut storage);
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
            storage,
            len: mem::size_of::<sys::sockaddr_in6>() as socklen_t,
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

/// Anything a call that takes an address accepts: a [`SockAddr`], or std's
/// `SocketAddr`, `SocketAddrV4` and `SocketAddrV6`, so `bind(&fd, &addr)` reads as in
/// C whichever the program holds. Converting builds the C struct on the stack; a
/// `SockAddr` is passed as it is.
pub trait ToSockAddr {
    /// The address as C storage.
    fn to_sock_addr(&self) -> Cow<'_, SockAddr>;
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

/// Writes bytes as a quoted string with C escapes for anything unprintable.
fn fmt_escaped(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    f.write_str("\"")?;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' | '\\' => write!(f, "\\{c}")?,
                c if c.is_control() => write!(f, "\\x{:02x}", c as u32)?,
                c => write!(f, "{c}")?,
            }
        }
        for b in chunk.invalid() {
            write!(f, "\\x{b:02x}")?;
        }
    }
    f.write_str("\"")
}

impl fmt::Display for SockAddr {
    /// `127.0.0.1:80`, `[::1]:80`, `/path`, `@"name"` or `(unnamed)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(addr) = self.as_socket() {
            return write!(f, "{addr}");
        }
        if let Some(path) = self.as_unix_path() {
            return write!(f, "{}", path.display());
        }
        if let Some(name) = self.as_abstract_name() {
            f.write_str("@")?;
            return fmt_escaped(f, name);
        }
        if self.is_unnamed() {
            return f.write_str("(unnamed)");
        }
        write!(f, "({:?}, {} bytes)", self.family(), self.len)
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
            fmt_escaped(f, path.as_os_str().as_bytes())?;
        } else if let Some(name) = self.as_abstract_name() {
            f.write_str(", @")?;
            fmt_escaped(f, name)?;
        } else if !self.is_unnamed() {
            write!(f, ", {} bytes", self.len)?;
        }
        f.write_str("}")
    }
}
