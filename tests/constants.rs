//! Every constant sockapi exports has the value of the C constant of the same name
//! (as `sockapi-sys` re-exports it; its layout test checks those against the system
//! headers with a C compiler), and prints that name in `Debug` and in the trace.

use sockapi::sys;
use sockapi::*;

/// One row: the C name, sockapi's value, the C value, and what `Debug` prints.
type Row = (&'static str, i64, i64, String);

macro_rules! rows {
    ($($name:ident),* $(,)?) => {
        vec![$((
            stringify!($name),
            $name.as_raw() as i64,
            sys::$name as i64,
            format!("{:?}", $name),
        )),*]
    };
}

fn check(rows: Vec<Row>) {
    let mut wrong = Vec::new();
    for (name, ours, c, debug) in &rows {
        if ours != c {
            wrong.push(format!("{name}: sockapi {ours}, C {c}"));
        }
        if debug != name {
            wrong.push(format!("{name}: Debug prints {debug:?}"));
        }
    }
    assert!(wrong.is_empty(), "mismatches:\n{}", wrong.join("\n"));
}

#[test]
fn families_types_protocols_and_how() {
    check(rows![AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX]);
    check(rows![SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET]);
    check(rows![
        IPPROTO_TCP,
        IPPROTO_UDP,
        IPPROTO_ICMP,
        IPPROTO_ICMPV6,
        IPPROTO_RAW,
        IPPROTO_IPV6
    ]);
    check(rows![SHUT_RD, SHUT_WR, SHUT_RDWR]);
    assert_eq!(IPPROTO_IP.as_raw(), sys::IPPROTO_IP);
    assert_eq!(SOMAXCONN, sys::SOMAXCONN);
    assert_eq!(INADDR_ANY, sys::INADDR_ANY);
    assert_eq!(INADDR_LOOPBACK, sys::INADDR_LOOPBACK);
}

#[cfg(target_os = "linux")]
#[test]
fn sock_flags() {
    check(rows![SOCK_NONBLOCK, SOCK_CLOEXEC]);
    assert_eq!(
        format!("{:?}", SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC),
        "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC"
    );
    assert_eq!((SOCK_DGRAM | SOCK_CLOEXEC).base(), SOCK_DGRAM);
    assert_eq!((SOCK_DGRAM | SOCK_CLOEXEC).flags(), SOCK_CLOEXEC);
}

#[test]
fn message_and_file_flags() {
    check(rows![
        MSG_PEEK,
        MSG_DONTWAIT,
        MSG_WAITALL,
        MSG_OOB,
        MSG_DONTROUTE,
        MSG_EOR,
        MSG_TRUNC,
        MSG_CTRUNC
    ]);
    #[cfg(target_os = "linux")]
    check(rows![MSG_NOSIGNAL]);
    #[cfg(target_os = "linux")]
    check(rows![MSG_MORE, MSG_ERRQUEUE, MSG_CONFIRM, MSG_CMSG_CLOEXEC]);
    #[cfg(target_os = "linux")]
    check(rows![MSG_WAITFORONE]);
    check(rows![O_NONBLOCK, O_RDWR, O_WRONLY, O_APPEND, FD_CLOEXEC]);
    assert_eq!(O_RDONLY.as_raw(), sys::O_RDONLY);
    assert_eq!(
        format!("{:?}", MSG_PEEK | MSG_DONTWAIT),
        "MSG_PEEK|MSG_DONTWAIT"
    );
    assert_eq!(format!("{:?}", MsgFlags::from(0)), "0");
    // Unknown bits stay visible, in hex, after the names (0x40000000 is
    // MSG_CMSG_CLOEXEC on Linux; 0x01000000 has no name).
    let odd = MsgFlags::from_raw(sys::MSG_PEEK | 0x0100_0000);
    assert_eq!(format!("{odd:?}"), "MSG_PEEK|0x1000000");
    #[cfg(target_os = "linux")]
    assert_eq!(
        format!("{:?}", MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_MORE),
        "MSG_DONTWAIT|MSG_MORE|MSG_CMSG_CLOEXEC"
    );
}

#[test]
fn levels() {
    let levels = [
        ("SOL_SOCKET", SOL_SOCKET, sys::SOL_SOCKET),
        ("SOL_IP", SOL_IP, sys::IPPROTO_IP),
        ("SOL_TCP", SOL_TCP, sys::IPPROTO_TCP),
        ("SOL_UDP", SOL_UDP, sys::IPPROTO_UDP),
        ("SOL_IPV6", SOL_IPV6, sys::IPPROTO_IPV6),
    ];
    for (name, level, c) in levels {
        assert_eq!(level.as_raw(), c, "{name}");
        assert_eq!(format!("{level:?}"), name);
    }
    // C passes the protocol as the level: IPPROTO_TCP is SOL_TCP.
    assert_eq!(Level::from(IPPROTO_TCP), SOL_TCP);
}

macro_rules! options {
    ($($name:ident),* $(,)?) => {
        vec![$((
            stringify!($name),
            $name.as_raw(),
            sys::$name,
            $name.name(),
            format!("{:?}", $name),
            $name.level(),
        )),*]
    };
}

/// The level an option's C name says it belongs to: `SO_` at `SOL_SOCKET`, `TCP_` at
/// `SOL_TCP`, `IP_` at `SOL_IP`, `IPV6_` at `SOL_IPV6` (the one level at which the
/// typed calls pass it).
fn level_by_name(name: &str) -> Level {
    if name.starts_with("SO_") {
        SOL_SOCKET
    } else if name.starts_with("TCP_") {
        SOL_TCP
    } else if name.starts_with("IPV6_") {
        SOL_IPV6
    } else if name.starts_with("IP_") {
        SOL_IP
    } else {
        panic!("{name}: no level by its name")
    }
}

#[test]
fn socket_options() {
    #[allow(unused_mut)]
    let mut all = options![
        SO_REUSEADDR,
        SO_REUSEPORT,
        SO_KEEPALIVE,
        SO_LINGER,
        SO_RCVBUF,
        SO_SNDBUF,
        SO_RCVTIMEO,
        SO_SNDTIMEO,
        SO_ERROR,
        SO_TYPE,
        SO_ACCEPTCONN,
        SO_BROADCAST,
        SO_OOBINLINE,
        SO_DONTROUTE,
        SO_RCVLOWAT,
        TCP_NODELAY,
        TCP_MAXSEG,
        TCP_KEEPCNT,
        TCP_KEEPINTVL,
        IP_TTL,
        IP_TOS,
        IPV6_V6ONLY,
        IPV6_UNICAST_HOPS,
    ];
    #[cfg(target_os = "linux")]
    all.extend(options![
        TCP_KEEPIDLE,
        SO_SNDLOWAT,
        SO_DOMAIN,
        SO_PROTOCOL,
        SO_PRIORITY,
        SO_MARK,
        SO_PASSCRED,
        SO_PEERCRED,
        SO_BUSY_POLL,
        SO_INCOMING_CPU,
        SO_BINDTODEVICE,
        TCP_USER_TIMEOUT,
        TCP_QUICKACK,
        TCP_CORK,
        TCP_DEFER_ACCEPT,
        TCP_FASTOPEN,
        TCP_SYNCNT,
        TCP_NOTSENT_LOWAT,
        TCP_CONGESTION,
        IP_FREEBIND,
        IP_TRANSPARENT,
        IP_RECVERR,
        IP_MTU_DISCOVER,
        IP_MTU,
        IPV6_RECVERR,
        IP_MULTICAST_TTL,
        IP_MULTICAST_LOOP,
        IP_MULTICAST_IF,
        IP_ADD_MEMBERSHIP,
        IP_DROP_MEMBERSHIP,
        IP_ADD_SOURCE_MEMBERSHIP,
        IP_DROP_SOURCE_MEMBERSHIP,
        IP_PKTINFO,
        IP_RECVTTL,
        IP_RECVTOS,
        IPV6_MULTICAST_HOPS,
        IPV6_MULTICAST_LOOP,
        IPV6_MULTICAST_IF,
        IPV6_JOIN_GROUP,
        IPV6_LEAVE_GROUP,
        IPV6_RECVPKTINFO,
        IPV6_RECVHOPLIMIT,
    ]);
    for (name, ours, c, c_name, debug, level) in all {
        assert_eq!(ours, c, "{name}");
        assert_eq!(c_name, name);
        assert_eq!(debug, name);
        assert_eq!(level, Some(level_by_name(name)), "{name}");
    }
}

#[test]
fn errno_names_match_values() {
    let sample = [
        (Errno::EPERM, sys::EPERM, "EPERM"),
        (Errno::EINTR, sys::EINTR, "EINTR"),
        (Errno::EAGAIN, sys::EAGAIN, "EAGAIN"),
        (Errno::EWOULDBLOCK, sys::EWOULDBLOCK, "EAGAIN"),
        (Errno::EINPROGRESS, sys::EINPROGRESS, "EINPROGRESS"),
        (Errno::ECONNREFUSED, sys::ECONNREFUSED, "ECONNREFUSED"),
        (Errno::EADDRINUSE, sys::EADDRINUSE, "EADDRINUSE"),
        (Errno::ENOTCONN, sys::ENOTCONN, "ENOTCONN"),
        (Errno::ENOTSOCK, sys::ENOTSOCK, "ENOTSOCK"),
        (Errno::EXDEV, sys::EXDEV, "EXDEV"),
    ];
    for (errno, c, name) in sample {
        assert_eq!(errno.raw(), c);
        assert_eq!(errno.name(), name);
    }
    // Every value from 1 to 133 that Linux defines has a name, and the name's own
    // constant has that value (checked through the Display round trip).
    #[cfg(target_os = "linux")]
    for raw in 1..=133 {
        let e = Errno::from_raw(raw);
        if raw == 41 || raw == 58 {
            // Linux leaves 41 and 58 unused.
            assert!(!e.is_known(), "{raw}");
            continue;
        }
        assert!(e.is_known(), "errno {raw} has no name");
        assert!(e.to_string().starts_with(e.name()), "{e}");
    }
}
