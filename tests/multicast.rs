//! Multicast, inside a network namespace each test makes for its own thread
//! (`unshare(CLONE_NEWNET)`), where `lo` (and, for IPv6, a veth pair made there) are
//! the only interfaces and no route leads off the machine: a group datagram cannot
//! leave. Without the privilege to make a
//! namespace a test says so in one line and passes, unless `CI` is set.
#![cfg(target_os = "linux")]

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use sockapi::*;

mod common;
use common::TIMEOUT;

const GROUP_V4: Ipv4Addr = Ipv4Addr::new(239, 255, 0, 1);
const GROUP_V6: Ipv6Addr = Ipv6Addr::new(0xff12, 0, 0, 0, 0, 0, 0, 0x1234);

fn in_addr_of(ip: Ipv4Addr) -> in_addr {
    in_addr {
        s_addr: u32::from_ne_bytes(ip.octets()),
    }
}

/// Sets `lo`'s flags to `IFF_UP | IFF_MULTICAST` (`up`) or clears `IFF_UP`, in the
/// calling thread's namespace.
fn set_lo(up: bool) {
    let fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    // SAFETY: `ifreq` is plain C data; all zeros is a valid value.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, &src) in req.ifr_name.iter_mut().zip(b"lo") {
        *dst = src as libc::c_char;
    }
    let flags = if up {
        libc::IFF_UP | libc::IFF_MULTICAST
    } else {
        libc::IFF_MULTICAST
    };
    req.ifr_ifru.ifru_flags = flags as libc::c_short;
    // SAFETY: SIOCSIFFLAGS reads one `ifreq`, which `req` is.
    let ret = unsafe {
        libc::ioctl(
            std::os::fd::AsRawFd::as_raw_fd(&fd),
            libc::SIOCSIFFLAGS,
            &req,
        )
    };
    assert_eq!(ret, 0, "SIOCSIFFLAGS lo: {}", Errno::last());
}

/// Runs `f` on a thread of its own in a new network namespace with `lo` up and
/// multicast-capable; `false` (the test passes without running) where namespaces
/// cannot be made and `CI` is unset.
fn in_netns(f: impl FnOnce() + Send + 'static) -> bool {
    common::in_new_netns(|| {
        set_lo(true);
        f();
    })
    .is_some()
}

/// A UDP socket with receive timeouts, bound to the wildcard address and port 0.
fn receiver_v4() -> (Socket, u16) {
    let fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &TIMEOUT).unwrap();
    bind(&fd, &SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)).unwrap();
    let port = getsockname(&fd).unwrap().as_socket().unwrap().port();
    (fd, port)
}

fn sender_v4() -> Socket {
    let fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    setsockopt(
        &fd,
        IPPROTO_IP,
        IP_MULTICAST_IF,
        &in_addr_of(Ipv4Addr::LOCALHOST),
    )
    .unwrap();
    setsockopt(&fd, IPPROTO_IP, IP_MULTICAST_LOOP, &1).unwrap();
    setsockopt(&fd, IPPROTO_IP, IP_MULTICAST_TTL, &1).unwrap();
    fd
}

#[test]
fn ipv4_group_by_ip_mreq_and_ip_mreqn() {
    in_netns(|| {
        let lo = if_nametoindex("lo").unwrap();
        let (rx, port) = receiver_v4();
        let tx = sender_v4();
        assert_eq!(
            getsockopt(&tx, IPPROTO_IP, IP_MULTICAST_IF).map(|a| a.s_addr),
            Ok(in_addr_of(Ipv4Addr::LOCALHOST).s_addr)
        );
        assert_eq!(getsockopt(&tx, IPPROTO_IP, IP_MULTICAST_TTL), Ok(1));
        assert_eq!(getsockopt(&tx, IPPROTO_IP, IP_MULTICAST_LOOP), Ok(1));
        let to = SocketAddrV4::new(GROUP_V4, port);

        // Joined by address (ip_mreq): the group's datagram arrives.
        let mreq = ip_mreq {
            imr_multiaddr: in_addr_of(GROUP_V4),
            imr_interface: in_addr_of(Ipv4Addr::LOCALHOST),
        };
        setsockopt(&rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq).unwrap();
        // Joining twice is EADDRINUSE.
        assert_eq!(
            setsockopt(&rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq),
            Err(Errno::EADDRINUSE)
        );
        assert_eq!(sendto(&tx, b"by mreq", 0, &to), Ok(7));
        let mut buf = [0u8; 64];
        let (n, from) = recvfrom(&rx, &mut buf, 0).unwrap();
        assert_eq!(&buf[..n], b"by mreq");
        assert_eq!(
            from.as_socket_ipv4().map(|a| *a.ip()),
            Some(Ipv4Addr::LOCALHOST)
        );
        setsockopt(&rx, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq).unwrap();
        // Leaving a group not joined is EADDRNOTAVAIL.
        assert_eq!(
            setsockopt(&rx, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq),
            Err(Errno::EADDRNOTAVAIL)
        );

        // Joined by index (ip_mreqn), and the interface set by index too.
        let mreqn = ip_mreqn {
            imr_multiaddr: in_addr_of(GROUP_V4),
            imr_address: in_addr_of(Ipv4Addr::UNSPECIFIED),
            imr_ifindex: lo as _,
        };
        setsockopt(&rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreqn).unwrap();
        setsockopt(&tx, IPPROTO_IP, IP_MULTICAST_IF, &mreqn).unwrap();
        assert_eq!(sendto(&tx, b"by mreqn", 0, &to), Ok(8));
        let (n, _) = recvfrom(&rx, &mut buf, 0).unwrap();
        assert_eq!(&buf[..n], b"by mreqn");
        setsockopt(&rx, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreqn).unwrap();

        // Membership has no read in the kernel: the option is set-only, so
        // `getsockopt(&rx, IPPROTO_IP, IP_ADD_MEMBERSHIP)` does not compile; the raw
        // form shows the kernel's answer.
        let mut raw = [0u8; 8];
        assert_eq!(
            // SAFETY: a read of a membership option writes nothing (ENOPROTOOPT).
            unsafe { getsockopt_raw(&rx, IPPROTO_IP, IP_ADD_MEMBERSHIP.as_raw(), &mut raw) },
            Err(Errno::ENOPROTOOPT)
        );
    });
}

#[test]
fn ipv4_source_membership() {
    in_netns(|| {
        let (rx, port) = receiver_v4();
        let tx = sender_v4();
        let source = ip_mreq_source {
            imr_multiaddr: in_addr_of(GROUP_V4),
            imr_interface: in_addr_of(Ipv4Addr::LOCALHOST),
            imr_sourceaddr: in_addr_of(Ipv4Addr::LOCALHOST),
        };
        setsockopt(&rx, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &source).unwrap();
        assert_eq!(
            sendto(&tx, b"from lo", 0, &SocketAddrV4::new(GROUP_V4, port)),
            Ok(7)
        );
        let mut buf = [0u8; 16];
        assert_eq!(recv(&rx, &mut buf, 0), Ok(7));
        setsockopt(&rx, IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, &source).unwrap();
        // The last source gone, the group is left too; dropping it again finds no
        // filter for it, which Linux reports as EINVAL.
        assert_eq!(
            setsockopt(&rx, IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, &source),
            Err(Errno::EINVAL)
        );
    });
}

/// An interface that does not exist, by index or by address, is ENODEV.
#[test]
fn joining_on_no_such_interface_is_enodev() {
    in_netns(|| {
        let (rx, _) = receiver_v4();
        let mreqn = ip_mreqn {
            imr_multiaddr: in_addr_of(GROUP_V4),
            imr_address: in_addr_of(Ipv4Addr::UNSPECIFIED),
            imr_ifindex: 4242,
        };
        assert_eq!(
            setsockopt(&rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreqn),
            Err(Errno::ENODEV)
        );
        let mreq = ip_mreq {
            imr_multiaddr: in_addr_of(GROUP_V4),
            imr_interface: in_addr_of(Ipv4Addr::new(192, 0, 2, 1)),
        };
        assert_eq!(
            setsockopt(&rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq),
            Err(Errno::ENODEV)
        );
    });
}

#[test]
fn ipv6_group() {
    in_netns(|| {
        let lo = if_nametoindex("lo").unwrap();
        let rx = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        setsockopt(&rx, SOL_SOCKET, SO_RCVTIMEO, &TIMEOUT).unwrap();
        bind(&rx, &SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0)).unwrap();
        let tx = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        setsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_IF, &(lo as _)).unwrap();
        setsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &1).unwrap();
        setsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &1).unwrap();
        assert_eq!(
            getsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_IF),
            Ok(lo as _)
        );
        assert_eq!(getsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_HOPS), Ok(1));
        assert_eq!(getsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_LOOP), Ok(1));

        let mreq = ipv6_mreq {
            ipv6mr_multiaddr: libc::in6_addr {
                s6_addr: GROUP_V6.octets(),
            },
            ipv6mr_interface: lo,
        };
        setsockopt(&rx, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq).unwrap();
        setsockopt(&rx, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &mreq).unwrap();
        assert_eq!(
            setsockopt(&rx, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &mreq),
            Err(Errno::EADDRNOTAVAIL)
        );
    });
}

/// The receive-side switches round-trip (their control messages are `recvmsg`'s).
#[test]
fn receive_switches_round_trip() {
    let v4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    for option in [IP_PKTINFO, IP_RECVTTL, IP_RECVTOS] {
        assert_eq!(getsockopt(&v4, IPPROTO_IP, option), Ok(0), "{option:?}");
        setsockopt(&v4, IPPROTO_IP, option, &1).unwrap();
        assert_eq!(getsockopt(&v4, IPPROTO_IP, option), Ok(1), "{option:?}");
    }
    let v6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    for option in [IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT] {
        assert_eq!(getsockopt(&v6, IPPROTO_IPV6, option), Ok(0), "{option:?}");
        setsockopt(&v6, IPPROTO_IPV6, option, &1).unwrap();
        assert_eq!(getsockopt(&v6, IPPROTO_IPV6, option), Ok(1), "{option:?}");
    }
}

/// Runs `ip ARGS` in the calling thread's namespace; `false` if `ip` cannot run here
/// (see `common::tool_runs`).
fn ip(args: &[&str]) -> bool {
    if !common::tool_runs("ip", "-V", "install iproute2 (apt-get install iproute2)") {
        return false;
    }
    let status = std::process::Command::new("ip")
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "ip {}: {status}", args.join(" "));
    true
}

/// An IPv6 group datagram arrives. Linux loops IPv6 multicast back to the host only
/// for interfaces other than `lo`, so the namespace gets a veth pair of its own
/// (`d0`, with an address that needs no duplicate detection); nothing leaves the
/// namespace, whose only link is that pair.
#[test]
fn ipv6_group_datagram_arrives() {
    in_netns(|| {
        if !ip(&["link", "add", "d0", "type", "veth", "peer", "name", "d1"]) {
            return;
        }
        ip(&["link", "set", "d0", "up"]);
        ip(&["link", "set", "d1", "up"]);
        ip(&["-6", "addr", "add", "fd00::1/64", "dev", "d0", "nodad"]);
        let d0 = if_nametoindex("d0").unwrap();

        let rx = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        setsockopt(&rx, SOL_SOCKET, SO_RCVTIMEO, &TIMEOUT).unwrap();
        bind(&rx, &SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0)).unwrap();
        let port = getsockname(&rx).unwrap().as_socket().unwrap().port();
        let mreq = ipv6_mreq {
            ipv6mr_multiaddr: libc::in6_addr {
                s6_addr: GROUP_V6.octets(),
            },
            ipv6mr_interface: d0,
        };
        setsockopt(&rx, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq).unwrap();

        let tx = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        setsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_IF, &(d0 as _)).unwrap();
        setsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &1).unwrap();
        setsockopt(&tx, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &1).unwrap();
        let to = SocketAddrV6::new(GROUP_V6, port, 0, d0);
        assert_eq!(sendto(&tx, b"six", 0, &to), Ok(3));
        let mut buf = [0u8; 16];
        let (n, from) = recvfrom(&rx, &mut buf, 0).unwrap();
        assert_eq!(&buf[..n], b"six");
        assert_eq!(
            from.as_socket_ipv6().map(|a| *a.ip()),
            Some("fd00::1".parse().unwrap())
        );
        setsockopt(&rx, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &mreq).unwrap();
    });
}
