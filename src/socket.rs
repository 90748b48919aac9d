//! `Socket`, the calls that make, name, connect and end sockets, and the constants
//! they take: `socket`, `socketpair`, `bind`, `listen`, `accept`, `accept4`,
//! `connect`, `shutdown`, `close`, `getsockname`, `getpeername`.

use core::fmt;
use core::mem::ManuallyDrop;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

use crate::addr::{SockAddr, ToSockAddr};
use crate::macros::{c_values, inject};
use crate::raw::{self, Filled};
use crate::sys::{self, c_int};
use crate::trace::{self, trace, traced, zero, Ret};
use crate::{Errno, Result};

c_values! {
    /// An address family, the `domain` argument of `socket` (`AF_INET`, …).
    ///
    /// Any C value is representable ([`AddressFamily::from_raw`]); `Debug` prints the
    /// C name.
    pub struct AddressFamily(c_int);
    /// Unspecified: any family (mostly for `getaddrinfo` hints).
    const AF_UNSPEC = sys::AF_UNSPEC;
    /// IPv4.
    const AF_INET = sys::AF_INET;
    /// IPv6.
    const AF_INET6 = sys::AF_INET6;
    /// Unix-domain (local) sockets; C's `AF_LOCAL` is the same value.
    const AF_UNIX = sys::AF_UNIX;
}

c_values! {
    /// A protocol number, the `protocol` argument of `socket` (`0` picks the family's
    /// default, as in C).
    ///
    /// Calls accept a plain integer here too, so `socket(AF_INET, SOCK_STREAM, 0)`
    /// reads as in C.
    pub struct Protocol(c_int);
    /// TCP.
    const IPPROTO_TCP = sys::IPPROTO_TCP;
    /// UDP.
    const IPPROTO_UDP = sys::IPPROTO_UDP;
    /// ICMP.
    const IPPROTO_ICMP = sys::IPPROTO_ICMP;
    /// ICMPv6.
    const IPPROTO_ICMPV6 = sys::IPPROTO_ICMPV6;
    /// Raw IP packets.
    const IPPROTO_RAW = sys::IPPROTO_RAW;
    /// IPv6, and the level of the IPv6 options.
    const IPPROTO_IPV6 = sys::IPPROTO_IPV6;
}

/// `IPPROTO_IP` (0): the protocol argument C code writes as `0`, and the level of the
/// IPv4 options. The trace prints it as `0` where it is a protocol.
pub const IPPROTO_IP: Protocol = Protocol::from_raw(sys::IPPROTO_IP);

impl From<c_int> for Protocol {
    /// The raw integer C code writes, such as `0`.
    fn from(raw: c_int) -> Protocol {
        Protocol::from_raw(raw)
    }
}

c_values! {
    /// How `shutdown` ends a connection.
    pub struct ShutdownHow(c_int);
    /// No more receiving.
    const SHUT_RD = sys::SHUT_RD;
    /// No more sending: the peer reads end-of-file.
    const SHUT_WR = sys::SHUT_WR;
    /// Neither.
    const SHUT_RDWR = sys::SHUT_RDWR;
}

/// `SOMAXCONN`: the largest `listen` backlog the system names (Linux caps any
/// larger value at `net.core.somaxconn`).
pub const SOMAXCONN: c_int = sys::SOMAXCONN;

/// A socket type, the `type` argument of `socket` (`SOCK_STREAM`, …), possibly OR-ed
/// with the flags `SOCK_NONBLOCK` and `SOCK_CLOEXEC` where the OS has them.
///
/// `Debug` prints it as C writes it: `SOCK_STREAM|SOCK_CLOEXEC`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct SockType(c_int);

/// Stream sockets: TCP, or ordered reliable byte streams on `AF_UNIX`.
pub const SOCK_STREAM: SockType = SockType(sys::SOCK_STREAM);
/// Datagram sockets: UDP, or datagrams on `AF_UNIX`.
pub const SOCK_DGRAM: SockType = SockType(sys::SOCK_DGRAM);
/// Raw sockets (need privileges).
pub const SOCK_RAW: SockType = SockType(sys::SOCK_RAW);
/// Sequenced, reliable, message-preserving sockets.
pub const SOCK_SEQPACKET: SockType = SockType(sys::SOCK_SEQPACKET);

const SOCK_TYPES: [(SockType, &str); 4] = [
    (SOCK_STREAM, "SOCK_STREAM"),
    (SOCK_DGRAM, "SOCK_DGRAM"),
    (SOCK_RAW, "SOCK_RAW"),
    (SOCK_SEQPACKET, "SOCK_SEQPACKET"),
];

impl SockType {
    /// A `SockType` from the C integer, flags included.
    pub const fn from_raw(raw: c_int) -> SockType {
        SockType(raw)
    }

    /// The C integer, flags included.
    pub const fn as_raw(self) -> c_int {
        self.0
    }

    /// The type without the `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags.
    pub const fn base(self) -> SockType {
        SockType(self.0 & !SockFlag::ALL.as_raw())
    }

    /// The `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags OR-ed in.
    pub const fn flags(self) -> SockFlag {
        SockFlag::from_raw(self.0 & SockFlag::ALL.as_raw())
    }
}

impl fmt::Debug for SockType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.base();
        match SOCK_TYPES.iter().find(|(ty, _)| *ty == base) {
            Some((_, name)) => f.write_str(name)?,
            None => write!(f, "{}", base.0)?,
        }
        if !self.flags().is_empty() {
            write!(f, "|{:?}", self.flags())?;
        }
        Ok(())
    }
}

impl core::ops::BitOr<SockFlag> for SockType {
    type Output = SockType;
    /// `SOCK_STREAM | SOCK_CLOEXEC`, as in C.
    fn bitor(self, flags: SockFlag) -> SockType {
        SockType(self.0 | flags.as_raw())
    }
}

crate::macros::c_flags! {
    /// The flags `socket` and `socketpair` take OR-ed into the type, and `accept4`
    /// takes as its `flags`: `SOCK_NONBLOCK` and `SOCK_CLOEXEC`, where the OS has them
    /// (Linux, Android, the BSDs but Apple's, illumos).
    pub struct SockFlag(c_int);
    /// The new descriptor is non-blocking (`O_NONBLOCK`), set in the same call.
    #[cfg(have_accept4)]
    const SOCK_NONBLOCK = sys::SOCK_NONBLOCK;
    /// The new descriptor closes on `exec` (`FD_CLOEXEC`), set in the same call.
    #[cfg(have_accept4)]
    const SOCK_CLOEXEC = sys::SOCK_CLOEXEC;
}

impl core::ops::BitOr<SockType> for SockFlag {
    type Output = SockType;
    /// `SOCK_CLOEXEC | SOCK_STREAM`: C lets the flags come first too.
    fn bitor(self, ty: SockType) -> SockType {
        ty | self
    }
}

impl SockFlag {
    /// Every flag this target has.
    #[cfg(have_accept4)]
    const ALL: SockFlag = SockFlag::from_raw(sys::SOCK_NONBLOCK | sys::SOCK_CLOEXEC);
    #[cfg(not(have_accept4))]
    const ALL: SockFlag = SockFlag::EMPTY;
}

/// A socket: an owned file descriptor that closes when dropped.
///
/// Every call in this crate that creates a descriptor returns it inside a `Socket`,
/// so none can leak. Dropping it calls `close`, ignoring the error as [`OwnedFd`]
/// does; [`close`] reports the error instead. The calls borrow the socket
/// (`fd: &impl AsFd`), so `&Socket`, `&BorrowedFd`, `&OwnedFd` and `&` std's sockets
/// all work as the `fd` argument, and only [`close`] takes it by value.
///
/// A `Socket` converts to and from [`OwnedFd`], raw descriptors, and std's
/// `TcpStream`, `TcpListener`, `UdpSocket`, `UnixStream`, `UnixListener` and
/// `UnixDatagram` (no syscall; the descriptor moves). `Debug` shows the descriptor,
/// and `Display` the bare number, so C's `printf("fd %d\n", fd)` is
/// `println!("fd {fd}")`.
pub struct Socket {
    // `ManuallyDrop` because `Drop for Socket` closes the descriptor itself, so that
    // the trace sees the `close` and its result.
    fd: ManuallyDrop<OwnedFd>,
}

// The three impls that must take the descriptor out of the `ManuallyDrop` or mint
// one from an integer. They are the only `unsafe` outside `raw`: `Drop` has to live on
// the type, and `raw` takes and returns C types only, so it cannot hold them.
#[allow(unsafe_code)]
mod owned {
    use super::*;

    impl Drop for Socket {
        /// Closes the descriptor, as `OwnedFd` does: an error from `close` is ignored.
        /// The trace shows the `close` line, since dropping is where C code calls it.
        #[inline]
        fn drop(&mut self) {
            let fd = self.fd.as_raw_fd();
            #[cfg(feature = "fault")]
            let injected =
                crate::fault::errno_for(crate::fault::Call::close, Some(self.fd.as_fd()));
            // SAFETY: this `Socket` owns `fd`; the `ManuallyDrop` keeps the inner
            // `OwnedFd` from closing it a second time, and nothing uses it after `drop`.
            let ret = unsafe { raw::close_on_drop(fd) };
            // An injected failure still closes (above), so nothing leaks.
            #[cfg(feature = "fault")]
            if let Some(e) = injected {
                trace!(trace_close_err(fd, e));
                return;
            }
            trace!(trace_close(fd, ret));
        }
    }

    impl From<Socket> for OwnedFd {
        #[inline]
        fn from(socket: Socket) -> OwnedFd {
            let mut socket = ManuallyDrop::new(socket);
            // SAFETY: `socket` is never dropped, so its descriptor moves out exactly once.
            unsafe { ManuallyDrop::take(&mut socket.fd) }
        }
    }

    impl FromRawFd for Socket {
        /// Takes ownership of `fd`, as [`OwnedFd::from_raw_fd`] does.
        ///
        /// # Safety
        ///
        /// `fd` must be an open descriptor that nothing else owns or will close.
        #[inline]
        unsafe fn from_raw_fd(fd: RawFd) -> Socket {
            // SAFETY: the caller upholds `OwnedFd::from_raw_fd`'s contract.
            Socket::from(unsafe { OwnedFd::from_raw_fd(fd) })
        }
    }
}

impl From<OwnedFd> for Socket {
    #[inline]
    fn from(fd: OwnedFd) -> Socket {
        Socket {
            fd: ManuallyDrop::new(fd),
        }
    }
}

impl AsFd for Socket {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Socket {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl IntoRawFd for Socket {
    #[inline]
    fn into_raw_fd(self) -> RawFd {
        OwnedFd::from(self).into_raw_fd()
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socket")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

/// The descriptor number, as C prints an `int fd`.
impl fmt::Display for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_raw_fd(), f)
    }
}

/// Both directions between `Socket` and std's socket types, through `OwnedFd`.
macro_rules! std_conversions {
    ($($std:ty),* $(,)?) => {$(
        impl From<$std> for Socket {
            #[inline]
            fn from(socket: $std) -> Socket {
                Socket::from(OwnedFd::from(socket))
            }
        }

        impl From<Socket> for $std {
            #[inline]
            fn from(socket: Socket) -> $std {
                <$std>::from(OwnedFd::from(socket))
            }
        }
    )*};
}

std_conversions!(
    std::net::TcpStream,
    std::net::TcpListener,
    std::net::UdpSocket,
    std::os::unix::net::UnixStream,
    std::os::unix::net::UnixListener,
    std::os::unix::net::UnixDatagram,
);

/// The descriptor number of any `AsFd`, for trace lines.
#[inline]
pub(crate) fn fd_of(fd: &impl AsFd) -> RawFd {
    fd.as_fd().as_raw_fd()
}

/// `socket(domain, type, protocol)`—Creates a socket.
///
/// ```c
/// int socket(int domain, int type, int protocol);
/// ```
///
/// `protocol` takes a [`Protocol`] or the plain integer C code writes (`0`). `ty` may
/// carry `SOCK_NONBLOCK | SOCK_CLOEXEC`; nothing is added silently, so without
/// `SOCK_CLOEXEC` the descriptor is inherited across `exec`, as in C.
///
/// # Errors
///
/// `EAFNOSUPPORT` (unknown family), `EPROTONOSUPPORT` / `EPROTOTYPE` (protocol does not
/// fit), `EINVAL` (unknown type or flags), `EMFILE` / `ENFILE` (out of descriptors),
/// `EACCES` (e.g. `SOCK_RAW` without privilege).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socket.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/socket.2.html)
// With the `fault` feature, forced inline: its out-of-line check alone made LLVM stop
// inlining it, which cost some 25 instructions a call with no plan running.
#[cfg_attr(not(feature = "fault"), inline)]
#[cfg_attr(feature = "fault", inline(always))]
pub fn socket(
    domain: AddressFamily,
    ty: SockType,
    protocol: impl Into<Protocol>,
) -> Result<Socket> {
    let protocol = protocol.into();
    let ret = inject!(
        socket,
        None,
        raw::socket(domain.as_raw(), ty.as_raw(), protocol.as_raw())
    );
    traced(
        ret.map(Socket::from),
        |fd| fd.as_raw_fd(),
        |ret| trace_socket(domain, ty, protocol, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_socket(domain: AddressFamily, ty: SockType, protocol: Protocol, ret: Result<RawFd>) {
    trace::emit(format_args!(
        "socket({domain:?}, {ty:?}, {}) = {}",
        TraceProtocol(protocol),
        Ret(ret)
    ));
}

/// `socketpair(domain, type, protocol, sv)`—Creates a pair of connected sockets.
///
/// ```c
/// int socketpair(int domain, int type, int protocol, int sv[2]);
/// ```
///
/// Returns the two ends instead of filling `sv`. Linux supports it for `AF_UNIX`
/// (and `AF_TIPC`), not for the Internet families.
///
/// # Errors
///
/// `EAFNOSUPPORT` / `EOPNOTSUPP` (family or type cannot make pairs), `EMFILE`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socketpair.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/socketpair.2.html)
#[inline]
pub fn socketpair(
    domain: AddressFamily,
    ty: SockType,
    protocol: impl Into<Protocol>,
) -> Result<(Socket, Socket)> {
    let protocol = protocol.into();
    let ret = inject!(
        socketpair,
        None,
        raw::socketpair(domain.as_raw(), ty.as_raw(), protocol.as_raw())
    );
    traced(
        ret.map(|(a, b)| (Socket::from(a), Socket::from(b))),
        |(a, b)| (a.as_raw_fd(), b.as_raw_fd()),
        |ret| trace_socketpair(domain, ty, protocol, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_socketpair(
    domain: AddressFamily,
    ty: SockType,
    protocol: Protocol,
    ret: Result<(RawFd, RawFd)>,
) {
    let protocol = TraceProtocol(protocol);
    match ret {
        Ok((a, b)) => trace::emit(format_args!(
            "socketpair({domain:?}, {ty:?}, {protocol}, [{a}, {b}]) = 0"
        )),
        Err(e) => trace::emit(format_args!(
            "socketpair({domain:?}, {ty:?}, {protocol}, [...]) = -1 {e}"
        )),
    }
}

/// `bind(sockfd, addr, addrlen)`—Gives a socket its local address.
///
/// ```c
/// int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
/// ```
///
/// `addr` is a [`SockAddr`] or std's `SocketAddr`/`SocketAddrV4`/`SocketAddrV6`
/// ([`ToSockAddr`]); its length goes with it. Port 0 asks the kernel for a free port;
/// [`getsockname`] reads it back.
///
/// # Errors
///
/// `EADDRINUSE` (the address is taken; `SO_REUSEADDR` relaxes this for `TIME_WAIT`),
/// `EADDRNOTAVAIL` (not a local address), `EACCES` (privileged port), `EINVAL`
/// (already bound, or a bad address length), `EAFNOSUPPORT` (family does not match the
/// socket), `ENOTSOCK`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/bind.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/bind.2.html)
#[inline]
pub fn bind<A: ToSockAddr + ?Sized>(fd: &impl AsFd, addr: &A) -> Result<()> {
    let addr = addr.to_sock_addr();
    let ret = inject!(
        bind,
        Some(fd.as_fd()),
        raw::bind(fd.as_fd(), addr.storage())
    );
    traced(
        ret,
        |_| (),
        |ret| trace_addr_call("bind", fd_of(fd), &addr, ret),
    )
}

/// `bind` and `connect`: `CALL(fd, {ADDR}, LEN) = RET`.
#[cold]
#[inline(never)]
fn trace_addr_call(call: &str, fd: RawFd, addr: &SockAddr, ret: Result<()>) {
    trace::emit(format_args!(
        "{call}({fd}, {addr:?}, {}) = {}",
        addr.len(),
        Ret(zero(ret))
    ));
}

/// `listen(sockfd, backlog)`—Marks a socket as passive, ready to `accept`.
///
/// ```c
/// int listen(int sockfd, int backlog);
/// ```
///
/// Servers that expect many clients at once pass [`SOMAXCONN`].
///
/// # Errors
///
/// `EADDRINUSE` (another socket listens on the same port), `EOPNOTSUPP` (the socket
/// type cannot listen, e.g. UDP), `ENOTSOCK`, `EBADF`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/listen.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/listen.2.html)
#[inline]
pub fn listen(fd: &impl AsFd, backlog: c_int) -> Result<()> {
    let ret = inject!(listen, Some(fd.as_fd()), raw::listen(fd.as_fd(), backlog));
    traced(ret, |_| (), |ret| trace_listen(fd_of(fd), backlog, ret))
}

#[cold]
#[inline(never)]
fn trace_listen(fd: RawFd, backlog: c_int, ret: Result<()>) {
    trace::emit(format_args!("listen({fd}, {backlog}) = {}", Ret(zero(ret))));
}

/// `accept(sockfd, addr, addrlen)`—Takes the next connection from a listening socket.
///
/// ```c
/// int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
/// ```
///
/// Returns the new connection as a [`Socket`] and the peer's address, which C returns
/// through `addr`/`addrlen`. It blocks unless the listening socket is non-blocking.
///
/// # Errors
///
/// `EAGAIN` (non-blocking, nothing pending), `EINVAL` (not listening), `EINTR` (a
/// signal arrived; not retried), `ECONNABORTED`, `EMFILE`, `ENOTSOCK`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/accept.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/accept.2.html)
#[inline(always)]
pub fn accept(fd: &impl AsFd) -> Result<(Socket, SockAddr)> {
    #[cfg(feature = "fault")]
    if let Some(e) = crate::fault::errno_for(crate::fault::Call::accept, Some(fd.as_fd())) {
        trace!(trace_accept_err("accept", fd_of(fd), None, e));
        return Err(e);
    }
    raw::accept(
        fd.as_fd(),
        |ret, peer| trace!(trace_accept("accept", fd_of(fd), None, ret, peer)),
        |new, peer| (Socket::from(new), SockAddr::from_storage(peer)),
    )
}

/// `accept4(sockfd, addr, addrlen, flags)`—`accept` that sets `SOCK_NONBLOCK` and
/// `SOCK_CLOEXEC` on the new socket in the same call.
///
/// ```c
/// int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
/// ```
///
/// `flags` takes `SOCK_NONBLOCK | SOCK_CLOEXEC` or the plain `0`. In POSIX since
/// Issue 8 (2024); on Linux, Android, FreeBSD, NetBSD, OpenBSD, DragonFly and illumos,
/// but not on Apple's systems.
///
/// # Errors
///
/// As [`accept`], and `EINVAL` for unknown flags.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/accept4.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/accept4.2.html)
#[cfg(have_accept4)]
#[inline(always)]
pub fn accept4(fd: &impl AsFd, flags: impl Into<SockFlag>) -> Result<(Socket, SockAddr)> {
    let flags = flags.into();
    #[cfg(feature = "fault")]
    if let Some(e) = crate::fault::errno_for(crate::fault::Call::accept4, Some(fd.as_fd())) {
        trace!(trace_accept_err("accept4", fd_of(fd), Some(flags), e));
        return Err(e);
    }
    raw::accept4(
        fd.as_fd(),
        flags.as_raw(),
        |ret, peer| trace!(trace_accept("accept4", fd_of(fd), Some(flags), ret, peer)),
        |new, peer| (Socket::from(new), SockAddr::from_storage(peer)),
    )
}

#[cold]
#[inline(never)]
fn trace_accept(
    call: &str,
    fd: RawFd,
    flags: Option<SockFlag>,
    ret: Result<c_int>,
    peer: Filled<'_>,
) {
    let flags = TraceFlags(flags);
    match ret {
        Ok(new) => {
            let peer = SockAddr::from_storage(peer.get());
            trace::emit(format_args!("{call}({fd}, {peer:?}{flags}) = {new}"))
        }
        Err(e) => trace_accept_err(call, fd, flags.0, e),
    }
}

#[cold]
#[inline(never)]
fn trace_accept_err(call: &str, fd: RawFd, flags: Option<SockFlag>, e: Errno) {
    let flags = TraceFlags(flags);
    trace::emit(format_args!("{call}({fd}, ...{flags}) = -1 {e}"));
}

/// `, FLAGS` after `accept4`'s arguments; nothing for `accept`.
struct TraceFlags(Option<SockFlag>);

impl fmt::Display for TraceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(flags) => write!(f, ", {flags:?}"),
            None => Ok(()),
        }
    }
}

/// A protocol as C code writes it: `0` for the default, the name otherwise.
pub(crate) struct TraceProtocol(pub(crate) Protocol);

impl fmt::Display for TraceProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_raw() {
            0 => f.write_str("0"),
            _ => write!(f, "{:?}", self.0),
        }
    }
}

/// `connect(sockfd, addr, addrlen)`—Connects a socket to a peer address.
///
/// ```c
/// int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
/// ```
///
/// On a non-blocking socket a TCP connect that cannot finish at once returns
/// `Err(Errno::EINPROGRESS)`, as in C; wait for writability, then read `SO_ERROR`.
/// On a datagram socket it sets the default peer.
///
/// # Errors
///
/// `ECONNREFUSED` (nothing listens there), `EINPROGRESS` / `EALREADY` (non-blocking,
/// still under way), `EISCONN`, `ETIMEDOUT`, `ENETUNREACH`, `EHOSTUNREACH`,
/// `EADDRNOTAVAIL` (no free local port), `EAFNOSUPPORT`, `EINTR` (not retried).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/connect.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/connect.2.html)
#[inline]
pub fn connect<A: ToSockAddr + ?Sized>(fd: &impl AsFd, addr: &A) -> Result<()> {
    let addr = addr.to_sock_addr();
    let ret = inject!(
        connect,
        Some(fd.as_fd()),
        raw::connect(fd.as_fd(), addr.storage())
    );
    traced(
        ret,
        |_| (),
        |ret| trace_addr_call("connect", fd_of(fd), &addr, ret),
    )
}

/// `shutdown(sockfd, how)`—Ends sending, receiving or both on a connection.
///
/// ```c
/// int shutdown(int sockfd, int how);
/// ```
///
/// `SHUT_WR` sends a FIN: the peer's `recv` returns 0 (end-of-file) while this side
/// can still receive. Unlike `close`, it acts on the connection, not the descriptor.
///
/// # Errors
///
/// `ENOTCONN` (not connected), `EINVAL` (bad `how`), `ENOTSOCK`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/shutdown.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/shutdown.2.html)
#[inline]
pub fn shutdown(fd: &impl AsFd, how: ShutdownHow) -> Result<()> {
    let ret = inject!(
        shutdown,
        Some(fd.as_fd()),
        raw::shutdown(fd.as_fd(), how.as_raw())
    );
    traced(ret, |_| (), |ret| trace_shutdown(fd_of(fd), how, ret))
}

#[cold]
#[inline(never)]
fn trace_shutdown(fd: RawFd, how: ShutdownHow, ret: Result<()>) {
    trace::emit(format_args!("shutdown({fd}, {how:?}) = {}", Ret(zero(ret))));
}

/// `close(fd)`—Closes a socket and reports the error, if any.
///
/// ```c
/// int close(int fd);
/// ```
///
/// Takes the socket by value, so it cannot be used (or closed) again. The descriptor
/// is released even when an error is returned, as on Linux in C; do not retry. To
/// close without looking at the error, drop the socket.
///
/// # Errors
///
/// `EINTR` (a signal arrived; the descriptor is closed all the same on Linux), `EIO`.
/// For a socket with `SO_LINGER` set, errors of the lingering send may show here.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/close.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/close.2.html)
// With the `fault` feature, forced inline: its out-of-line check alone made LLVM stop
// inlining it, which cost some 25 instructions a call with no plan running.
#[cfg_attr(not(feature = "fault"), inline)]
#[cfg_attr(feature = "fault", inline(always))]
pub fn close(fd: impl Into<OwnedFd>) -> Result<()> {
    let fd: OwnedFd = fd.into();
    let raw_fd = fd.as_raw_fd();
    #[cfg(feature = "fault")]
    if let Some(e) = crate::fault::errno_for(crate::fault::Call::close, Some(fd.as_fd())) {
        // Closed all the same, so that nothing leaks; then the injected errno.
        let _ = raw::close(fd);
        trace!(trace_close_err(raw_fd, e));
        return Err(e);
    }
    // As C tests it: one compare of the C value, and each outcome traced on its own
    // path (so nothing is kept across the trace check).
    match raw::cvt(raw::close(fd)) {
        Ok(_) => {
            trace!(trace_close_ok(raw_fd));
            Ok(())
        }
        Err(e) => {
            trace!(trace_close_err(raw_fd, e));
            Err(e)
        }
    }
}

#[cold]
#[inline(never)]
fn trace_close(fd: RawFd, ret: c_int) {
    // `errno` is still the one `close` set: nothing ran in between.
    let ret = raw::cvt(ret).map(drop);
    trace::emit(format_args!("close({fd}) = {}", Ret(zero(ret))));
}

#[cold]
#[inline(never)]
fn trace_close_ok(fd: RawFd) {
    trace::emit(format_args!("close({fd}) = 0"));
}

#[cold]
#[inline(never)]
fn trace_close_err(fd: RawFd, e: Errno) {
    trace::emit(format_args!("close({fd}) = -1 {e}"));
}

/// `getsockname(sockfd, addr, addrlen)`—The local address of a socket.
///
/// ```c
/// int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
/// ```
///
/// Returns the address instead of filling `addr`. After `bind` to port 0 this is how
/// to learn the port the kernel chose.
///
/// # Errors
///
/// `ENOTSOCK`, `EBADF`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockname.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getsockname.2.html)
#[inline]
pub fn getsockname(fd: &impl AsFd) -> Result<SockAddr> {
    #[cfg(feature = "fault")]
    if let Some(e) = crate::fault::errno_for(crate::fault::Call::getsockname, Some(fd.as_fd())) {
        trace!(trace_name_err("getsockname", fd_of(fd), e));
        return Err(e);
    }
    let ret = raw::getsockname(fd.as_fd(), |ret, addr| {
        trace!(trace_name("getsockname", fd_of(fd), ret, addr))
    });
    ret.map(SockAddr::from_storage)
}

/// `getpeername(sockfd, addr, addrlen)`—The address of the connected peer.
///
/// ```c
/// int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
/// ```
///
/// # Errors
///
/// `ENOTCONN` (not connected), `ENOTSOCK`, `EBADF`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpeername.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getpeername.2.html)
#[inline]
pub fn getpeername(fd: &impl AsFd) -> Result<SockAddr> {
    #[cfg(feature = "fault")]
    if let Some(e) = crate::fault::errno_for(crate::fault::Call::getpeername, Some(fd.as_fd())) {
        trace!(trace_name_err("getpeername", fd_of(fd), e));
        return Err(e);
    }
    let ret = raw::getpeername(fd.as_fd(), |ret, addr| {
        trace!(trace_name("getpeername", fd_of(fd), ret, addr))
    });
    ret.map(SockAddr::from_storage)
}

#[cold]
#[inline(never)]
fn trace_name(call: &str, fd: RawFd, ret: Result<c_int>, addr: Filled<'_>) {
    let addr = SockAddr::from_storage(addr.get());
    match ret {
        Ok(_) => trace::emit(format_args!("{call}({fd}, {addr:?}) = 0")),
        Err(e) => trace_name_err(call, fd, e),
    }
}

#[cold]
#[inline(never)]
fn trace_name_err(call: &str, fd: RawFd, e: Errno) {
    trace::emit(format_args!("{call}({fd}, ...) = -1 {e}"));
}
