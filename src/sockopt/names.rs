//! The C names of socket options by level and number, as strace decodes them, for
//! the trace: the option the kernel applies at the level passed, whatever constant
//! the program named.

use core::fmt;

use crate::sys::{self, c_int};

/// `(level, option, name)`: the options of this crate, and on Linux the others a C
/// program commonly sets, so that the trace names them as strace does.
const TABLE: &[(c_int, c_int, &str)] = &[
    (sys::SOL_SOCKET, sys::SO_REUSEADDR, "SO_REUSEADDR"),
    (sys::SOL_SOCKET, sys::SO_TYPE, "SO_TYPE"),
    (sys::SOL_SOCKET, sys::SO_ERROR, "SO_ERROR"),
    (sys::SOL_SOCKET, sys::SO_DONTROUTE, "SO_DONTROUTE"),
    (sys::SOL_SOCKET, sys::SO_BROADCAST, "SO_BROADCAST"),
    (sys::SOL_SOCKET, sys::SO_SNDBUF, "SO_SNDBUF"),
    (sys::SOL_SOCKET, sys::SO_RCVBUF, "SO_RCVBUF"),
    (sys::SOL_SOCKET, sys::SO_KEEPALIVE, "SO_KEEPALIVE"),
    (sys::SOL_SOCKET, sys::SO_OOBINLINE, "SO_OOBINLINE"),
    (sys::SOL_SOCKET, sys::SO_LINGER, "SO_LINGER"),
    (sys::SOL_SOCKET, sys::SO_REUSEPORT, "SO_REUSEPORT"),
    (sys::SOL_SOCKET, sys::SO_RCVLOWAT, "SO_RCVLOWAT"),
    (sys::SOL_SOCKET, sys::SO_SNDLOWAT, "SO_SNDLOWAT"),
    (sys::SOL_SOCKET, sys::SO_RCVTIMEO, "SO_RCVTIMEO"),
    (sys::SOL_SOCKET, sys::SO_SNDTIMEO, "SO_SNDTIMEO"),
    (sys::SOL_SOCKET, sys::SO_ACCEPTCONN, "SO_ACCEPTCONN"),
    (sys::SOL_SOCKET, sys::SO_DEBUG, "SO_DEBUG"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_NO_CHECK, "SO_NO_CHECK"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_PRIORITY, "SO_PRIORITY"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_PASSCRED, "SO_PASSCRED"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_PEERCRED, "SO_PEERCRED"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_BINDTODEVICE, "SO_BINDTODEVICE"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_ATTACH_FILTER, "SO_ATTACH_FILTER"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_DETACH_FILTER, "SO_DETACH_FILTER"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_TIMESTAMP, "SO_TIMESTAMP"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_MARK, "SO_MARK"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_PROTOCOL, "SO_PROTOCOL"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_DOMAIN, "SO_DOMAIN"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_BUSY_POLL, "SO_BUSY_POLL"),
    #[cfg(have_linux_sockopts)]
    (sys::SOL_SOCKET, sys::SO_INCOMING_CPU, "SO_INCOMING_CPU"),
    (sys::IPPROTO_TCP, sys::TCP_NODELAY, "TCP_NODELAY"),
    (sys::IPPROTO_TCP, sys::TCP_MAXSEG, "TCP_MAXSEG"),
    (sys::IPPROTO_TCP, sys::TCP_KEEPINTVL, "TCP_KEEPINTVL"),
    (sys::IPPROTO_TCP, sys::TCP_KEEPCNT, "TCP_KEEPCNT"),
    #[cfg(have_tcp_keepidle)]
    (sys::IPPROTO_TCP, sys::TCP_KEEPIDLE, "TCP_KEEPIDLE"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_CORK, "TCP_CORK"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_SYNCNT, "TCP_SYNCNT"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_INFO, "TCP_INFO"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_QUICKACK, "TCP_QUICKACK"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_CONGESTION, "TCP_CONGESTION"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_TCP, sys::TCP_FASTOPEN, "TCP_FASTOPEN"),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_TCP,
        sys::TCP_NOTSENT_LOWAT,
        "TCP_NOTSENT_LOWAT",
    ),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_TCP,
        sys::TCP_ZEROCOPY_RECEIVE,
        "TCP_ZEROCOPY_RECEIVE",
    ),
    (sys::IPPROTO_IP, sys::IP_TOS, "IP_TOS"),
    (sys::IPPROTO_IP, sys::IP_TTL, "IP_TTL"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_MTU_DISCOVER, "IP_MTU_DISCOVER"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_RECVERR, "IP_RECVERR"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_MTU, "IP_MTU"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_FREEBIND, "IP_FREEBIND"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_TRANSPARENT, "IP_TRANSPARENT"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_ADD_MEMBERSHIP, "IP_ADD_MEMBERSHIP"),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_IP,
        sys::IP_DROP_MEMBERSHIP,
        "IP_DROP_MEMBERSHIP",
    ),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_IP,
        sys::IP_ADD_SOURCE_MEMBERSHIP,
        "IP_ADD_SOURCE_MEMBERSHIP",
    ),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_MSFILTER, "IP_MSFILTER"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::MCAST_MSFILTER, "MCAST_MSFILTER"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_MULTICAST_IF, "IP_MULTICAST_IF"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_MULTICAST_TTL, "IP_MULTICAST_TTL"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP"),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_IP,
        sys::IP_DROP_SOURCE_MEMBERSHIP,
        "IP_DROP_SOURCE_MEMBERSHIP",
    ),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_PKTINFO, "IP_PKTINFO"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_RECVTTL, "IP_RECVTTL"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IP, sys::IP_RECVTOS, "IP_RECVTOS"),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_IPV6,
        sys::IPV6_MULTICAST_IF,
        "IPV6_MULTICAST_IF",
    ),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_IPV6,
        sys::IPV6_MULTICAST_HOPS,
        "IPV6_MULTICAST_HOPS",
    ),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_IPV6,
        sys::IPV6_MULTICAST_LOOP,
        "IPV6_MULTICAST_LOOP",
    ),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IPV6, sys::IPV6_JOIN_GROUP, "IPV6_JOIN_GROUP"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IPV6, sys::IPV6_LEAVE_GROUP, "IPV6_LEAVE_GROUP"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IPV6, sys::IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO"),
    #[cfg(have_linux_sockopts)]
    (
        sys::IPPROTO_IPV6,
        sys::IPV6_RECVHOPLIMIT,
        "IPV6_RECVHOPLIMIT",
    ),
    (
        sys::IPPROTO_IPV6,
        sys::IPV6_UNICAST_HOPS,
        "IPV6_UNICAST_HOPS",
    ),
    (sys::IPPROTO_IPV6, sys::IPV6_V6ONLY, "IPV6_V6ONLY"),
    #[cfg(have_linux_sockopts)]
    (sys::IPPROTO_IPV6, sys::IPV6_RECVERR, "IPV6_RECVERR"),
];

/// The C name of option `name` at `level`, if this crate knows the pair.
pub(crate) fn option_name(level: c_int, name: c_int) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|&&(l, n, _)| l == level && n == name)
        .map(|&(_, _, c_name)| c_name)
}

/// An option in a trace line: its C name at the level, or its number.
pub(crate) struct Opt(pub(crate) c_int, pub(crate) c_int);

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match option_name(self.0, self.1) {
            Some(name) => f.write_str(name),
            None => write!(f, "{}", self.1),
        }
    }
}
