//! `sockapi-sys`: the raw C surface under [sockapi](https://docs.rs/sockapi).
//!
//! Everything here is the C library's own declaration, grouped by the header a C
//! programmer would include. What the [`libc`] crate declares is re-exported from it
//! unchanged; only what `libc` lacks is declared here: with `extern "C"`,
//! `<arpa/inet.h>`'s address conversions, which `libc` does not declare for Linux,
//! and the reentrant `<netdb.h>` calls and the `h_errno` codes, in [`netdb`]; as
//! `repr(C)` structs and constants, Linux's `<linux/sock_diag.h>` and
//! `<linux/inet_diag.h>` (the kernel's connection table, in `linux_sock_diag` and
//! `linux_inet_diag`). One struct `libc` has is declared here anyway: Linux's
//! `tcp_info`, whose `libc` declaration differs between C libraries and releases (see
//! [`netinet_tcp`]).
//!
//! Every item is also re-exported at the crate root, so `sockapi_sys::AF_INET` and
//! `sockapi_sys::sys_socket::AF_INET` name the same constant.
//!
//! The layout test (`tests/layout.rs`) compiles a C probe against the system headers
//! and checks every size, alignment, field offset and constant value here against
//! what the C compiler sees. It runs only in this crate's tests: users of the crate
//! never need a C compiler.
#![no_std]

/// `<sys/socket.h>`: socket calls, address families, socket types, levels, options
/// and message flags.
pub mod sys_socket {
    /// Everywhere but Apple's systems: `MSG_NOSIGNAL`.
    #[cfg(not(target_vendor = "apple"))]
    pub use libc::MSG_NOSIGNAL;
    /// Linux and Android: `recvmmsg`'s `MSG_WAITFORONE`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::MSG_WAITFORONE;
    pub use libc::SO_DEBUG;
    pub use libc::{
        accept, bind, connect, getpeername, getsockname, getsockopt, linger, listen, recv,
        recvfrom, sa_family_t, send, sendto, setsockopt, shutdown, sockaddr, sockaddr_storage,
        socket, socketpair, socklen_t, AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, MSG_CTRUNC,
        MSG_DONTROUTE, MSG_DONTWAIT, MSG_EOR, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, SHUT_RD,
        SHUT_RDWR, SHUT_WR, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM, SOL_SOCKET,
        SOMAXCONN, SO_ACCEPTCONN, SO_BROADCAST, SO_DONTROUTE, SO_ERROR, SO_KEEPALIVE, SO_LINGER,
        SO_OOBINLINE, SO_RCVBUF, SO_RCVLOWAT, SO_RCVTIMEO, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF,
        SO_SNDLOWAT, SO_SNDTIMEO, SO_TYPE,
    };
    /// Linux, Android, FreeBSD, NetBSD, OpenBSD, DragonFly, illumos, Solaris: `accept4` and the
    /// `SOCK_NONBLOCK`/`SOCK_CLOEXEC` type flags.
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly",
        target_os = "illumos",
        target_os = "solaris"
    ))]
    pub use libc::{accept4, SOCK_CLOEXEC, SOCK_NONBLOCK};
    /// Linux and Android: `sendmmsg`, `recvmmsg` and `struct mmsghdr`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{mmsghdr, recvmmsg, sendmmsg};
    /// Linux and Android: the socket-level options only they have, and `struct ucred`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{
        ucred, SO_ATTACH_FILTER, SO_BINDTODEVICE, SO_BUSY_POLL, SO_DETACH_FILTER, SO_DOMAIN,
        SO_INCOMING_CPU, SO_MARK, SO_NO_CHECK, SO_PASSCRED, SO_PEERCRED, SO_PRIORITY, SO_PROTOCOL,
        SO_TIMESTAMP,
    };
    /// Linux and Android: the message flags only they have.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{MSG_CMSG_CLOEXEC, MSG_CONFIRM, MSG_ERRQUEUE, MSG_MORE};
}

/// `<sys/socket.h>`, messages: `sendmsg`, `recvmsg`, `struct msghdr`, `struct cmsghdr`,
/// and the C macros `CMSG_ALIGN`, `CMSG_SPACE`, `CMSG_LEN` as safe `const fn`s (the
/// layout test checks them against the C macros).
pub mod sys_socket_msg {
    /// Linux and Android: `SCM_CREDENTIALS`, the ancillary form of `struct ucred`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::SCM_CREDENTIALS;
    pub use libc::{cmsghdr, iovec, msghdr, recvmsg, sendmsg, SCM_RIGHTS};

    /// `CMSG_ALIGN(len)`: `len` rounded up to the control messages' alignment
    /// (`size_t`'s on Linux and FreeBSD; 4 bytes on Apple's systems, whose header is 12
    /// bytes; NetBSD and OpenBSD follow their `ALIGNBYTES`, 15 on sparc64, and are not
    /// covered), saturating instead of wrapping. The layout test checks it against the
    /// C macro on the target it runs on.
    #[allow(non_snake_case)]
    pub const fn CMSG_ALIGN(len: usize) -> usize {
        let align = if cfg!(target_vendor = "apple") {
            4
        } else {
            core::mem::size_of::<usize>()
        };
        len.saturating_add(align - 1) & !(align - 1)
    }

    /// `CMSG_SPACE(len)`: the bytes a control message with `len` bytes of data takes in a
    /// control buffer, padding included.
    #[allow(non_snake_case)]
    pub const fn CMSG_SPACE(len: usize) -> usize {
        CMSG_ALIGN(len).saturating_add(CMSG_ALIGN(core::mem::size_of::<cmsghdr>()))
    }

    /// `CMSG_LEN(len)`: the `cmsg_len` of a control message with `len` bytes of data.
    #[allow(non_snake_case)]
    pub const fn CMSG_LEN(len: usize) -> usize {
        CMSG_ALIGN(core::mem::size_of::<cmsghdr>()).saturating_add(len)
    }
}

/// `<netinet/in.h>`: Internet addresses and the IP-level options.
pub mod netinet_in {
    pub use libc::{
        in6_addr, in_addr, in_addr_t, in_port_t, sockaddr_in, sockaddr_in6, INADDR_ANY,
        INADDR_LOOPBACK, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_RAW,
        IPPROTO_TCP, IPPROTO_UDP, IPV6_UNICAST_HOPS, IPV6_V6ONLY, IP_TOS, IP_TTL,
    };
    /// RFC 3493's names for Linux's `IPV6_ADD_MEMBERSHIP`/`IPV6_DROP_MEMBERSHIP`, which
    /// `libc` does not declare for Linux: glibc's `<netinet/in.h>` defines them so.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const IPV6_JOIN_GROUP: crate::c_int = libc::IPV6_ADD_MEMBERSHIP;
    /// See [`IPV6_JOIN_GROUP`].
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const IPV6_LEAVE_GROUP: crate::c_int = libc::IPV6_DROP_MEMBERSHIP;
    /// Linux and Android: the packet-information control messages and the options that
    /// turn them on.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{
        in6_pktinfo, in_pktinfo, sock_extended_err, IPV6_HOPLIMIT, IPV6_PKTINFO, IPV6_RECVHOPLIMIT,
        IPV6_RECVPKTINFO, IP_PKTINFO, IP_RECVTOS, IP_RECVTTL, SO_EE_ORIGIN_ICMP,
        SO_EE_ORIGIN_ICMP6, SO_EE_ORIGIN_LOCAL, SO_EE_ORIGIN_NONE,
    };
    /// Linux and Android: the IP-level options only they have.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{
        ip_mreq, ip_mreq_source, ip_mreqn, ipv6_mreq, IPV6_ADD_MEMBERSHIP, IPV6_DROP_MEMBERSHIP,
        IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP, IP_DROP_SOURCE_MEMBERSHIP,
        IP_MULTICAST_IF, IP_MULTICAST_LOOP, IP_MULTICAST_TTL,
    };
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{
        IPV6_RECVERR, IP_ADD_MEMBERSHIP, IP_ADD_SOURCE_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_FREEBIND,
        IP_MSFILTER, IP_MTU, IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_PMTUDISC_DONT, IP_PMTUDISC_PROBE,
        IP_PMTUDISC_WANT, IP_RECVERR, IP_TRANSPARENT, MCAST_MSFILTER,
    };
}

/// `<arpa/inet.h>`: Internet addresses between text and binary. The `libc` crate
/// declares none of these for Linux, so they are declared here as the header does.
pub mod arpa_inet {
    use crate::{c_char, c_int, c_void, in_addr, socklen_t};

    /// `INET_ADDRSTRLEN`: room for the longest IPv4 address text and its NUL
    /// (`"255.255.255.255"`, 15 + 1).
    pub const INET_ADDRSTRLEN: c_int = 16;
    /// `INET6_ADDRSTRLEN`: room for the longest IPv6 address text and its NUL
    /// (`"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"`, 45 + 1).
    pub const INET6_ADDRSTRLEN: c_int = 46;

    extern "C" {
        /// `int inet_pton(int af, const char *restrict src, void *restrict dst);`
        pub fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int;
        /// `const char *inet_ntop(int af, const void *restrict src, char *restrict dst,
        /// socklen_t size);`
        pub fn inet_ntop(
            af: c_int,
            src: *const c_void,
            dst: *mut c_char,
            size: socklen_t,
        ) -> *const c_char;
        /// `int inet_aton(const char *cp, struct in_addr *inp);`
        pub fn inet_aton(cp: *const c_char, inp: *mut in_addr) -> c_int;
        /// `char *inet_ntoa(struct in_addr in);` Its result points into a static buffer
        /// (per thread in glibc, per process in musl and the BSDs).
        pub fn inet_ntoa(inp: in_addr) -> *mut c_char;
    }
}

/// `<netinet/tcp.h>`: TCP-level options, and on Linux the TCP states and `struct
/// tcp_info` (the kernel's, from `<linux/tcp.h>`).
pub mod netinet_tcp {
    /// Linux, Android and FreeBSD: idle time before keepalive probes (Apple calls it
    /// `TCP_KEEPALIVE`).
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    pub use libc::TCP_KEEPIDLE;
    /// Linux and Android: the TCP options only they have.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{
        TCP_CONGESTION, TCP_CORK, TCP_DEFER_ACCEPT, TCP_FASTOPEN, TCP_INFO, TCP_NOTSENT_LOWAT,
        TCP_QUICKACK, TCP_SYNCNT, TCP_USER_TIMEOUT, TCP_ZEROCOPY_RECEIVE,
    };
    pub use libc::{TCP_KEEPCNT, TCP_KEEPINTVL, TCP_MAXSEG, TCP_NODELAY};

    /// Linux and Android: the TCP states, the values of `struct tcp_info`'s `tcpi_state`
    /// (glibc's `<netinet/tcp.h>` enum; the kernel's `include/net/tcp_states.h`).
    /// `libc` does not declare them.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    mod linux_states {
        /// The connection is open: data flows both ways.
        pub const TCP_ESTABLISHED: u8 = 1;
        /// `connect` sent a SYN and waits for the SYN-ACK.
        pub const TCP_SYN_SENT: u8 = 2;
        /// A SYN came in and the SYN-ACK went out; waiting for the final ACK.
        pub const TCP_SYN_RECV: u8 = 3;
        /// This end sent its FIN; waiting for its ACK.
        pub const TCP_FIN_WAIT1: u8 = 4;
        /// This end's FIN was acknowledged; waiting for the peer's FIN.
        pub const TCP_FIN_WAIT2: u8 = 5;
        /// Both FINs done; waiting out twice the maximum segment lifetime.
        pub const TCP_TIME_WAIT: u8 = 6;
        /// No connection.
        pub const TCP_CLOSE: u8 = 7;
        /// The peer sent its FIN; this end may still send.
        pub const TCP_CLOSE_WAIT: u8 = 8;
        /// This end sent its FIN after the peer's; waiting for its ACK.
        pub const TCP_LAST_ACK: u8 = 9;
        /// A listening socket.
        pub const TCP_LISTEN: u8 = 10;
        /// Both ends sent FINs at once; waiting for the ACK of this end's.
        pub const TCP_CLOSING: u8 = 11;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use linux_states::*;

    /// Linux and Android: `struct tcp_info`, what `getsockopt(fd, IPPROTO_TCP,
    /// TCP_INFO, &info, &len)` fills, declared here rather than taken from `libc`.
    ///
    /// The layout is the kernel's (`<linux/tcp.h>`), the same under every C library:
    /// the kernel copies its own struct, cut to the `len` passed. `libc` declares the
    /// struct differently for each C library (for glibc with the kernel's fields, for
    /// musl with another name for byte 7), not at all for Android, and has added
    /// fields between 0.2 releases; one declaration of the kernel's ABI avoids all
    /// three. The kernel only ever adds fields at the end (an older kernel fills a
    /// shorter prefix and says so in `len`); this declaration goes up to
    /// `tcpi_snd_wnd`, 232 bytes, and the layout test checks every field's offset
    /// and size, and where the last one ends, against the system's `<linux/tcp.h>`.
    ///
    /// Two bytes hold C bitfields, named as `libc` names them:
    /// `tcpi_snd_rcv_wscale` is `tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4`, and
    /// `tcpi_delivery_fastopen_bitfields` is `tcpi_delivery_rate_app_limited : 1,
    /// tcpi_fastopen_client_fail : 2`, each in the bit order of the C ABI (on
    /// little-endian targets the first field in the low bits).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    mod linux_tcp_info {
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub struct tcp_info {
            pub tcpi_state: u8,
            pub tcpi_ca_state: u8,
            pub tcpi_retransmits: u8,
            pub tcpi_probes: u8,
            pub tcpi_backoff: u8,
            pub tcpi_options: u8,
            pub tcpi_snd_rcv_wscale: u8,
            pub tcpi_delivery_fastopen_bitfields: u8,

            pub tcpi_rto: u32,
            pub tcpi_ato: u32,
            pub tcpi_snd_mss: u32,
            pub tcpi_rcv_mss: u32,

            pub tcpi_unacked: u32,
            pub tcpi_sacked: u32,
            pub tcpi_lost: u32,
            pub tcpi_retrans: u32,
            pub tcpi_fackets: u32,

            pub tcpi_last_data_sent: u32,
            pub tcpi_last_ack_sent: u32,
            pub tcpi_last_data_recv: u32,
            pub tcpi_last_ack_recv: u32,

            pub tcpi_pmtu: u32,
            pub tcpi_rcv_ssthresh: u32,
            pub tcpi_rtt: u32,
            pub tcpi_rttvar: u32,
            pub tcpi_snd_ssthresh: u32,
            pub tcpi_snd_cwnd: u32,
            pub tcpi_advmss: u32,
            pub tcpi_reordering: u32,

            pub tcpi_rcv_rtt: u32,
            pub tcpi_rcv_space: u32,

            pub tcpi_total_retrans: u32,

            pub tcpi_pacing_rate: u64,
            pub tcpi_max_pacing_rate: u64,
            pub tcpi_bytes_acked: u64,
            pub tcpi_bytes_received: u64,
            pub tcpi_segs_out: u32,
            pub tcpi_segs_in: u32,

            pub tcpi_notsent_bytes: u32,
            pub tcpi_min_rtt: u32,
            pub tcpi_data_segs_in: u32,
            pub tcpi_data_segs_out: u32,

            pub tcpi_delivery_rate: u64,

            pub tcpi_busy_time: u64,
            pub tcpi_rwnd_limited: u64,
            pub tcpi_sndbuf_limited: u64,

            pub tcpi_delivered: u32,
            pub tcpi_delivered_ce: u32,

            pub tcpi_bytes_sent: u64,
            pub tcpi_bytes_retrans: u64,
            pub tcpi_dsack_dups: u32,
            pub tcpi_reord_seen: u32,

            pub tcpi_rcv_ooopack: u32,

            pub tcpi_snd_wnd: u32,
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use linux_tcp_info::tcp_info;
}

/// `<sys/epoll.h>` (Linux and Android): `epoll_create1`, `epoll_ctl`, `epoll_wait`,
/// `epoll_pwait` with `<signal.h>`'s `sigset_t` and `sigismember`, `struct epoll_event` (packed on x86-64 and x86, as the kernel and glibc declare it)
/// and the `EPOLL*` values. `libc` types the event bits as `c_int`; `epoll_event.events` is a
/// `u32`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod sys_epoll {
    pub use libc::{
        epoll_create1, epoll_ctl, epoll_event, epoll_pwait, epoll_wait, sigismember, sigset_t,
        EPOLLERR, EPOLLET, EPOLLEXCLUSIVE, EPOLLHUP, EPOLLIN, EPOLLMSG, EPOLLONESHOT, EPOLLOUT,
        EPOLLPRI, EPOLLRDBAND, EPOLLRDHUP, EPOLLRDNORM, EPOLLWAKEUP, EPOLLWRBAND, EPOLLWRNORM,
        EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD,
    };
}

/// `<linux/netlink.h>` (Linux and Android): the netlink socket family, the message
/// header every netlink message starts with, and the flags and message types that
/// the kernel's connection table lookup (`NETLINK_SOCK_DIAG`) uses. `libc` declares
/// the constants as `int`; `nlmsghdr`'s `nlmsg_type` and `nlmsg_flags` are `u16`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod linux_netlink {
    pub use libc::{
        nlmsgerr, nlmsghdr, AF_NETLINK, NETLINK_SOCK_DIAG, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP,
        NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST,
    };
    /// `NLMSG_ALIGNTO`: netlink messages start on 4-byte boundaries (`NLMSG_ALIGN`).
    pub const NLMSG_ALIGNTO: u32 = 4;
}

/// `<linux/sock_diag.h>` (Linux and Android): the one request type of
/// `NETLINK_SOCK_DIAG`. `libc` does not declare it.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod linux_sock_diag {
    /// `SOCK_DIAG_BY_FAMILY`: the `nlmsg_type` of a request for sockets of one
    /// family (and of each socket the kernel reports back). An `int` in C, as
    /// `libc` types the other message types; `nlmsg_type` is a `u16`.
    pub const SOCK_DIAG_BY_FAMILY: crate::c_int = 20;
}

/// `<linux/inet_diag.h>` (Linux and Android): the request and reply of a lookup in
/// the kernel's TCP and UDP tables, as `ss` sends them. `libc` declares none of it.
///
/// Ports and addresses are in network byte order, as in `sockaddr_in`: an IPv4
/// address is `idiag_src[0]` (the other three words zero), an IPv6 one all four.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod linux_inet_diag {
    /// `struct inet_diag_sockid`: one socket's ends, the interface it is bound to,
    /// and the kernel's cookie for it.
    #[repr(C)]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct inet_diag_sockid {
        /// `__be16 idiag_sport`: the local port, network byte order.
        pub idiag_sport: u16,
        /// `__be16 idiag_dport`: the peer's port, network byte order.
        pub idiag_dport: u16,
        /// `__be32 idiag_src[4]`: the local address.
        pub idiag_src: [u32; 4],
        /// `__be32 idiag_dst[4]`: the peer's address.
        pub idiag_dst: [u32; 4],
        /// `__u32 idiag_if`: the interface index (0: any).
        pub idiag_if: u32,
        /// `__u32 idiag_cookie[2]`: the kernel's socket cookie, or
        /// [`INET_DIAG_NOCOOKIE`] twice for "any".
        pub idiag_cookie: [u32; 2],
    }

    /// `struct inet_diag_req_v2`: the payload of a `SOCK_DIAG_BY_FAMILY` request.
    #[repr(C)]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct inet_diag_req_v2 {
        /// `__u8 sdiag_family`: `AF_INET` or `AF_INET6`.
        pub sdiag_family: u8,
        /// `__u8 sdiag_protocol`: `IPPROTO_TCP`, `IPPROTO_UDP`, ….
        pub sdiag_protocol: u8,
        /// `__u8 idiag_ext`: the extensions asked for (a bit per `INET_DIAG_*`
        /// attribute, less one).
        pub idiag_ext: u8,
        /// `__u8 pad`.
        pub pad: u8,
        /// `__u32 idiag_states`: a bit per TCP state (`1 << TCP_LISTEN`, …) that a
        /// dump reports.
        pub idiag_states: u32,
        /// `struct inet_diag_sockid id`: the socket, for an exact lookup; the ports
        /// (when not 0) filter a dump.
        pub id: inet_diag_sockid,
    }

    /// `struct inet_diag_msg`: the payload of each socket the kernel reports, before
    /// its attributes.
    #[repr(C)]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct inet_diag_msg {
        /// `__u8 idiag_family`: the socket's family.
        pub idiag_family: u8,
        /// `__u8 idiag_state`: its TCP state (`TCP_TIME_WAIT`, …).
        pub idiag_state: u8,
        /// `__u8 idiag_timer`: which timer runs.
        pub idiag_timer: u8,
        /// `__u8 idiag_retrans`: retransmits.
        pub idiag_retrans: u8,
        /// `struct inet_diag_sockid id`: its ends.
        pub id: inet_diag_sockid,
        /// `__u32 idiag_expires`: milliseconds until the timer fires.
        pub idiag_expires: u32,
        /// `__u32 idiag_rqueue`: bytes queued to read (a listener: its backlog).
        pub idiag_rqueue: u32,
        /// `__u32 idiag_wqueue`: bytes queued to send.
        pub idiag_wqueue: u32,
        /// `__u32 idiag_uid`: its owner.
        pub idiag_uid: u32,
        /// `__u32 idiag_inode`: its inode (0 for a connection in `TIME_WAIT`, which
        /// has no socket any more).
        pub idiag_inode: u32,
    }

    /// `INET_DIAG_NOCOOKIE` (`~0U`): "any socket" in `idiag_cookie`.
    pub const INET_DIAG_NOCOOKIE: u32 = !0;
}

/// `<sys/un.h>`: Unix-domain addresses.
pub mod sys_un {
    pub use libc::sockaddr_un;
}

/// `<fcntl.h>`: the file-status and descriptor flags that matter for sockets.
pub mod fcntl {
    pub use libc::{
        fcntl, FD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, O_APPEND, O_NONBLOCK, O_RDONLY,
        O_RDWR, O_WRONLY,
    };
}

/// `<poll.h>`: `poll`, `ppoll` (Linux and Android), `struct pollfd`, `nfds_t` and the
/// `POLL*` event bits.
pub mod poll {
    pub use libc::{
        nfds_t, poll, pollfd, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDBAND,
        POLLRDNORM, POLLWRBAND, POLLWRNORM,
    };
    /// Linux and Android: `ppoll` and `POLLRDHUP` (the peer shut down its writing side).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{ppoll, POLLRDHUP};
}

/// `<signal.h>`: the signal set that `pselect` and `ppoll` take, and the calls that fill
/// it.
pub mod signal {
    pub use libc::{sigaddset, sigdelset, sigemptyset, sigfillset, sigismember, sigset_t};
    pub use libc::{
        SIGABRT, SIGALRM, SIGBUS, SIGCHLD, SIGCONT, SIGFPE, SIGHUP, SIGILL, SIGINT, SIGKILL,
        SIGPIPE, SIGPROF, SIGQUIT, SIGSEGV, SIGSTOP, SIGSYS, SIGTERM, SIGTRAP, SIGTSTP, SIGTTIN,
        SIGTTOU, SIGURG, SIGUSR1, SIGUSR2, SIGVTALRM, SIGWINCH, SIGXCPU, SIGXFSZ,
    };
    /// Linux and Android: `SIGIO` and `SIGPWR`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{SIGIO, SIGPWR};
}

/// `<sys/ioctl.h>` and Linux's `<linux/sockios.h>`: the socket requests this crate
/// types, and `sockatmark` (`<sys/socket.h>`), which `libc` does not declare.
pub mod sys_ioctl {
    /// The type of `ioctl`'s request argument in this C library (`unsigned long` in
    /// glibc, `int` in musl).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::Ioctl;
    /// The type of `ioctl`'s request argument elsewhere (`unsigned long` on Apple's
    /// systems and the BSDs).
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub type Ioctl = libc::c_ulong;
    pub use libc::{ioctl, FIONBIO, FIONREAD};
    /// `SIOCINQ`: bytes waiting to be read; `<linux/sockios.h>` defines it as `FIONREAD`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const SIOCINQ: Ioctl = libc::FIONREAD;
    /// `SIOCOUTQ`: bytes not yet sent (UDP) or not yet acknowledged (TCP);
    /// `<linux/sockios.h>` defines it as `TIOCOUTQ`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const SIOCOUTQ: Ioctl = libc::TIOCOUTQ as Ioctl;
    /// `SIOCATMARK` (`<linux/sockios.h>`, 0x8905): whether the next byte is at the
    /// out-of-band mark, written as an `int`; what `sockatmark` asks.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const SIOCATMARK: Ioctl = 0x8905;

    extern "C" {
        /// `int sockatmark(int sockfd);` (POSIX): 1 at the out-of-band mark, 0 not, -1
        /// with `errno`.
        pub fn sockatmark(sockfd: crate::c_int) -> crate::c_int;
    }
}

/// `<netdb.h>`, addresses: `getaddrinfo`, `getnameinfo` and their flags and error
/// codes.
pub mod netdb_addrinfo {
    pub use libc::{
        addrinfo, freeaddrinfo, gai_strerror, getaddrinfo, getnameinfo, AI_ADDRCONFIG, AI_ALL,
        AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_PASSIVE, AI_V4MAPPED, EAI_AGAIN,
        EAI_BADFLAGS, EAI_FAIL, EAI_FAMILY, EAI_MEMORY, EAI_NONAME, EAI_OVERFLOW, EAI_SERVICE,
        EAI_SOCKTYPE, EAI_SYSTEM, NI_DGRAM, NI_MAXHOST, NI_NAMEREQD, NI_NOFQDN, NI_NUMERICHOST,
        NI_NUMERICSERV,
    };
    /// `NI_MAXSERV`: the size of a service name's buffer for `getnameinfo` (32 on
    /// glibc and musl; `libc` does not declare it on Linux).
    pub const NI_MAXSERV: libc::socklen_t = 32;
}

/// `<net/if.h>`: interface names and indexes.
pub mod net_if {
    pub use libc::{if_indextoname, if_nametoindex, IF_NAMESIZE};
}

/// `<netdb.h>`: the service, protocol and host databases. `libc` declares the structs
/// (`servent`, `protoent`, `hostent`) and `hstrerror`; the reentrant `_r` calls and the
/// `h_errno` codes it lacks are declared here for glibc, with its signatures (musl
/// lacks the `getproto*_r` pair; Solaris and the BSDs differ; all are left out).
pub mod netdb {
    use crate::{c_char, c_int, c_void, size_t, socklen_t};
    pub use libc::{hostent, hstrerror, protoent, servent};

    /// `h_errno`: the host is unknown.
    pub const HOST_NOT_FOUND: c_int = 1;
    /// `h_errno`: a temporary failure (no answer from a name server); try again.
    pub const TRY_AGAIN: c_int = 2;
    /// `h_errno`: a failure that will not go away.
    pub const NO_RECOVERY: c_int = 3;
    /// `h_errno`: the name is valid but has no address.
    pub const NO_DATA: c_int = 4;
    /// `h_errno`: an internal error, whose cause is in `errno`.
    pub const NETDB_INTERNAL: c_int = -1;

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    extern "C" {
        /// `getservbyname_r(3)`: glibc and musl.
        pub fn getservbyname_r(
            name: *const c_char,
            proto: *const c_char,
            result_buf: *mut servent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut servent,
        ) -> c_int;
        /// `getservbyport_r(3)`: glibc and musl; `port` in network byte order.
        pub fn getservbyport_r(
            port: c_int,
            proto: *const c_char,
            result_buf: *mut servent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut servent,
        ) -> c_int;
        /// `getprotobyname_r(3)`: glibc (musl lacks it).
        pub fn getprotobyname_r(
            name: *const c_char,
            result_buf: *mut protoent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut protoent,
        ) -> c_int;
        /// `getprotobynumber_r(3)`: glibc (musl lacks it).
        pub fn getprotobynumber_r(
            proto: c_int,
            result_buf: *mut protoent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut protoent,
        ) -> c_int;
        /// `gethostbyname_r(3)`: glibc and musl; the failure's `h_errno` in `h_errnop`.
        pub fn gethostbyname_r(
            name: *const c_char,
            ret: *mut hostent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut hostent,
            h_errnop: *mut c_int,
        ) -> c_int;
        /// `gethostbyaddr_r(3)`: glibc and musl; the failure's `h_errno` in `h_errnop`.
        pub fn gethostbyaddr_r(
            addr: *const c_void,
            len: socklen_t,
            type_: c_int,
            ret: *mut hostent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut hostent,
            h_errnop: *mut c_int,
        ) -> c_int;
    }
}

/// `<unistd.h>`: `close`.
pub mod unistd {
    pub use libc::close;
}

/// `<string.h>`: `strerror_r` (the XSI form on glibc, through `libc`'s binding).
pub mod string {
    pub use libc::strerror_r;
}

/// `<sys/select.h>`: `select`, `pselect`, `fd_set` and `FD_SETSIZE`. `libc`'s
/// `FD_SET`-family functions are not re-exported: sockapi's own check the fd's range
/// (the C macros write past the set for an fd of `FD_SETSIZE` or more).
pub mod sys_select {
    pub use libc::{fd_set, pselect, select, FD_SETSIZE};
}

/// `<sys/time.h>`: `timeval`, the type of `SO_RCVTIMEO` and `SO_SNDTIMEO`; and
/// `<time.h>`'s `timespec`, `recvmmsg`'s timeout.
pub mod sys_time {
    pub use libc::{suseconds_t, time_t, timespec, timeval};
}

/// `<stdlib.h>`: `getenv`, read once for `SOCKAPI_TRACE` without allocating.
pub mod stdlib {
    pub use libc::getenv;
}

/// `<errno.h>`: the error numbers. The POSIX and BSD-socket set is on every Unix.
pub mod errno {
    pub use libc::{
        E2BIG, EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EALREADY, EBADF, EBADMSG,
        EBUSY, ECANCELED, ECHILD, ECONNABORTED, ECONNREFUSED, ECONNRESET, EDEADLK, EDESTADDRREQ,
        EDOM, EDQUOT, EEXIST, EFAULT, EFBIG, EHOSTDOWN, EHOSTUNREACH, EIDRM, EILSEQ, EINPROGRESS,
        EINTR, EINVAL, EIO, EISCONN, EISDIR, ELOOP, EMFILE, EMLINK, EMSGSIZE, EMULTIHOP,
        ENAMETOOLONG, ENETDOWN, ENETRESET, ENETUNREACH, ENFILE, ENOBUFS, ENODEV, ENOENT, ENOEXEC,
        ENOLCK, ENOLINK, ENOMEM, ENOMSG, ENOPROTOOPT, ENOSPC, ENOSYS, ENOTBLK, ENOTCONN, ENOTDIR,
        ENOTEMPTY, ENOTRECOVERABLE, ENOTSOCK, ENOTSUP, ENOTTY, ENXIO, EOPNOTSUPP, EOVERFLOW,
        EOWNERDEAD, EPERM, EPFNOSUPPORT, EPIPE, EPROTO, EPROTONOSUPPORT, EPROTOTYPE, ERANGE,
        EREMOTE, EROFS, ESHUTDOWN, ESOCKTNOSUPPORT, ESPIPE, ESRCH, ESTALE, ETIMEDOUT, ETOOMANYREFS,
        ETXTBSY, EUSERS, EWOULDBLOCK, EXDEV,
    };
    /// The numbers only Linux (and Android) define.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub use libc::{
        EADV, EBADE, EBADFD, EBADR, EBADRQC, EBADSLT, EBFONT, ECHRNG, ECOMM, EDEADLOCK, EDOTDOT,
        EHWPOISON, EISNAM, EKEYEXPIRED, EKEYREJECTED, EKEYREVOKED, EL2HLT, EL2NSYNC, EL3HLT,
        EL3RST, ELIBACC, ELIBBAD, ELIBEXEC, ELIBMAX, ELIBSCN, ELNRNG, EMEDIUMTYPE, ENAVAIL, ENOANO,
        ENOCSI, ENODATA, ENOKEY, ENOMEDIUM, ENONET, ENOPKG, ENOSR, ENOSTR, ENOTNAM, ENOTUNIQ,
        EREMCHG, EREMOTEIO, ERESTART, ERFKILL, ESRMNT, ESTRPIPE, ETIME, EUCLEAN, EUNATCH, EXFULL,
    };
}

pub use arpa_inet::*;
pub use errno::*;
pub use fcntl::*;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use linux_inet_diag::*;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use linux_netlink::*;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use linux_sock_diag::*;
pub use net_if::*;
pub use netdb::*;
pub use netdb_addrinfo::*;
pub use netinet_in::*;
pub use netinet_tcp::*;
pub use poll::*;
pub use signal::*;
pub use stdlib::*;
pub use string::*;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use sys_epoll::*;
pub use sys_ioctl::*;
pub use sys_select::*;
pub use sys_socket::*;
pub use sys_socket_msg::*;
pub use sys_time::*;
pub use sys_un::*;
pub use unistd::*;

/// Re-exported so that users of this crate name the C integer types from one place.
pub use libc::{c_char, c_int, c_short, c_uint, c_ulong, c_void, size_t, ssize_t};
