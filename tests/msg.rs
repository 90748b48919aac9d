//! `sendmsg`/`recvmsg` on real sockets: scatter/gather, descriptors passed with
//! `SCM_RIGHTS`, credentials, `IP_PKTINFO`, truncation, the control builder, the
//! parser on any bytes, and the errors the kernel gives.

mod common;

use std::io::{IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use common::{is_cloexec, not_a_socket, set_timeouts};
use sockapi::sys::{self, c_int};
use sockapi::*;

fn pair(ty: SockType) -> (Socket, Socket) {
    let (a, b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).expect("socketpair");
    set_timeouts(&a);
    set_timeouts(&b);
    (a, b)
}

fn send_fds(fd: &Socket, fds: &[BorrowedFd<'_>], data: &[u8]) -> usize {
    let mut buf = [0u8; 2048];
    let mut b = CmsgBuilder::new(&mut buf);
    b.rights(fds).expect("rights");
    let control = b.finish();
    let iov = [IoSlice::new(data)];
    sendmsg(fd, &MsgHdr::new(None, &iov, control), 0).expect("sendmsg")
}

#[test]
fn scatter_gather_both_ways() {
    let (a, b) = pair(SOCK_SEQPACKET);
    let iov = [
        IoSlice::new(b"hel"),
        IoSlice::new(b""),
        IoSlice::new(b"lo, "),
        IoSlice::new(b"world"),
    ];
    assert_eq!(
        sendmsg(&a, &MsgHdr::new(None, &iov, Control::NONE), 0),
        Ok(12)
    );
    let (mut x, mut y, mut z) = ([0u8; 4], [0u8; 5], [0u8; 16]);
    let mut iov = [
        IoSliceMut::new(&mut x),
        IoSliceMut::new(&mut y),
        IoSliceMut::new(&mut z),
    ];
    let mut msg = MsgHdrMut::new(&mut iov, &mut []);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(12));
    assert_eq!(msg.flags(), MsgFlags::EMPTY);
    assert_eq!(msg.controllen(), 0);
    assert!(msg.cmsgs().next().is_none());
    drop(msg);
    assert_eq!(&x, b"hell");
    assert_eq!(&y, b"o, wo");
    assert_eq!(&z[..3], b"rld");
}

#[test]
fn udp_name_both_ways_and_msg_trunc() {
    let lo = SocketAddr::from(([127, 0, 0, 1], 0));
    let rx = common::udp_socket(lo);
    bind(&rx, &lo).unwrap();
    let to = getsockname(&rx).unwrap();
    let tx = common::udp_socket(lo);
    bind(&tx, &lo).unwrap();
    let from = getsockname(&tx).unwrap();
    let iov = [IoSlice::new(b"0123456789")];
    assert_eq!(
        sendmsg(&tx, &MsgHdr::new(Some(&to), &iov, Control::NONE), 0),
        Ok(10)
    );
    let mut small = [0u8; 4];
    let mut iov = [IoSliceMut::new(&mut small)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut []);
    assert_eq!(recvmsg(&rx, &mut msg, 0), Ok(4));
    assert!(msg.flags().contains(MSG_TRUNC), "{:?}", msg.flags());
    assert_eq!(msg.name(), Some(from));
    drop(msg);
    assert_eq!(&small, b"0123");
}

#[test]
fn one_fd_passes_and_works() {
    let (a, b) = pair(SOCK_STREAM);
    let (p, q) = pair(SOCK_STREAM);
    assert_eq!(send_fds(&a, &[p.as_fd()], b"x"), 1);
    drop(p);
    let mut data = [0u8; 8];
    let mut control = [0u8; CMSG_SPACE(4)];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    assert_eq!(msg.flags(), MsgFlags::EMPTY);
    // The kernel advances msg_controllen by CMSG_SPACE, padding included.
    assert_eq!(msg.controllen(), CMSG_SPACE(4));
    let mut got: Vec<OwnedFd> = Vec::new();
    for c in msg.cmsgs() {
        match c {
            ControlMessage::Rights(fds) => got.extend(fds),
            other => panic!("unexpected {other:?}"),
        }
    }
    // A second walk finds the slot taken.
    for c in msg.cmsgs() {
        if let ControlMessage::Rights(mut fds) = c {
            assert!(fds.next().is_none());
        }
    }
    assert_eq!(got.len(), 1);
    // The received descriptor is a working end of the pair.
    assert_eq!(send(&got[0], b"via fd", 0), Ok(6));
    let mut buf = [0u8; 16];
    assert_eq!(recv(&q, &mut buf, 0), Ok(6));
    assert_eq!(&buf[..6], b"via fd");
}

#[test]
fn many_fds_up_to_scm_max_fd() {
    const MAX: usize = 253;
    let (a, b) = pair(SOCK_STREAM);
    let (p, q) = pair(SOCK_STREAM);
    let fds = [p.as_fd(); MAX];
    let mut buf = [0u8; CMSG_SPACE(MAX * 4) + 8];
    let mut builder = CmsgBuilder::new(&mut buf);
    builder.rights(&fds).unwrap();
    let control = builder.finish();
    assert_eq!(control.len(), CMSG_SPACE(MAX * 4));
    let iov = [IoSlice::new(b"m")];
    assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, control), 0), Ok(1));
    // One more than the kernel's limit is its EINVAL.
    let fds = [p.as_fd(); MAX + 1];
    let mut buf = [0u8; CMSG_SPACE((MAX + 1) * 4) + 8];
    let mut builder = CmsgBuilder::new(&mut buf);
    builder.rights(&fds).unwrap();
    let control = builder.finish();
    assert_eq!(
        sendmsg(&a, &MsgHdr::new(None, &iov, control), 0),
        Err(Errno::EINVAL)
    );

    let mut data = [0u8; 4];
    let mut control = [0u8; CMSG_SPACE(MAX * 4)];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    let cloexec = MsgFlags::from_raw(libc::MSG_CMSG_CLOEXEC);
    assert_eq!(recvmsg(&b, &mut msg, cloexec), Ok(1));
    // Linux echoes MSG_CMSG_CLOEXEC in msg_flags.
    assert!(!msg.flags().contains(MSG_CTRUNC), "{:?}", msg.flags());
    let mut got = Vec::new();
    for c in msg.cmsgs() {
        if let ControlMessage::Rights(fds) = c {
            got.extend(fds);
        }
    }
    assert_eq!(got.len(), MAX);
    let mut numbers: Vec<c_int> = got.iter().map(|f| f.as_raw_fd()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), MAX, "distinct descriptors");
    assert!(
        got.iter().all(is_cloexec),
        "MSG_CMSG_CLOEXEC sets FD_CLOEXEC"
    );
    assert_eq!(send(&got[MAX - 1], b"z", 0), Ok(1));
    let mut one = [0u8; 1];
    assert_eq!(recv(&q, &mut one, 0), Ok(1));
}

#[test]
fn short_control_buffer_reports_ctrunc() {
    let (a, b) = pair(SOCK_STREAM);
    let (p, _q) = pair(SOCK_STREAM);
    send_fds(&a, &[p.as_fd(), p.as_fd(), p.as_fd()], b"t");
    let mut data = [0u8; 4];
    // Room for one descriptor of three (CMSG_SPACE(4) would hold two).
    let mut control = [0u8; CMSG_LEN(4)];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    assert!(msg.flags().contains(MSG_CTRUNC), "{:?}", msg.flags());
    let n: usize = msg
        .cmsgs()
        .map(|c| match c {
            ControlMessage::Rights(fds) => fds.count(),
            _ => 0,
        })
        .sum();
    assert_eq!(n, 1);
}

#[test]
fn no_control_buffer_at_all_reports_ctrunc() {
    let (a, b) = pair(SOCK_STREAM);
    let (p, _q) = pair(SOCK_STREAM);
    send_fds(&a, &[p.as_fd()], b"t");
    let mut data = [0u8; 4];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut []);
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    assert!(msg.flags().contains(MSG_CTRUNC));
    assert!(msg.cmsgs().next().is_none());
}

#[test]
fn fake_rights_in_the_caller_buffer_are_never_owned() {
    let (a, b) = pair(SOCK_DGRAM);
    // The caller's buffer holds a well-formed SCM_RIGHTS message naming fd 0.
    let mut control = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
    {
        let stdin = std::io::stdin();
        let mut builder = CmsgBuilder::new(&mut control);
        builder.rights(&[stdin.as_fd()]).unwrap();
        assert_eq!(builder.finish().len(), CMSG_SPACE(4));
    }
    let mut data = [0u8; 4];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    // Before any call, and after a failed one, nothing is parsed.
    assert!(msg.cmsgs().next().is_none());
    assert_eq!(recvmsg(&b, &mut msg, MSG_DONTWAIT), Err(Errno::EAGAIN));
    assert!(msg.cmsgs().next().is_none());
    // A datagram without control data: controllen 0, the fake is not read.
    assert_eq!(send(&a, b"d", 0), Ok(1));
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    assert_eq!(msg.controllen(), 0);
    assert!(msg.cmsgs().next().is_none());
    drop(msg);
    // fd 0 is still open.
    assert!(fcntl(&std::io::stdin(), F_GETFD).is_ok());
}

#[test]
fn credentials_with_so_passcred() {
    let (a, b) = pair(SOCK_DGRAM);
    setsockopt(&b, SOL_SOCKET, SO_PASSCRED, &1).unwrap();
    assert_eq!(getsockopt(&b, SOL_SOCKET, SO_PASSCRED), Ok(1));
    let me = sys::ucred {
        pid: std::process::id() as _,
        // SAFETY: getuid and getgid cannot fail.
        uid: unsafe { libc::getuid() },
        gid: unsafe { libc::getgid() },
    };
    let mut buf = CmsgBuffer::<{ CMSG_SPACE(12) }>::new();
    let mut builder = CmsgBuilder::new(&mut buf);
    builder.credentials(me).unwrap();
    let control = builder.finish();
    let iov = [IoSlice::new(b"c")];
    assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, control), 0), Ok(1));
    // Without a credentials message the kernel fills in the sender's too.
    assert_eq!(send(&a, b"d", 0), Ok(1));
    for _ in 0..2 {
        let mut data = [0u8; 4];
        let mut control = [0u8; 64];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
        let creds: Vec<_> = msg
            .cmsgs()
            .filter_map(|c| match c {
                ControlMessage::Credentials(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(creds.len(), 1);
        assert_eq!(
            (creds[0].pid, creds[0].uid, creds[0].gid),
            (me.pid, me.uid, me.gid)
        );
    }
}

#[test]
fn ip_pktinfo_reports_loopback_destination() {
    let lo = SocketAddr::from(([127, 0, 0, 1], 0));
    let rx = common::udp_socket(lo);
    bind(&rx, &lo).unwrap();
    // SAFETY: IP_PKTINFO takes an int and nothing the kernel follows.
    unsafe { setsockopt_raw(&rx, SOL_IP, sys::IP_PKTINFO, &1i32.to_ne_bytes()) }.unwrap();
    // SAFETY: as above, IP_RECVTTL.
    unsafe { setsockopt_raw(&rx, SOL_IP, sys::IP_RECVTTL, &1i32.to_ne_bytes()) }.unwrap();
    let to = getsockname(&rx).unwrap();
    let tx = common::udp_socket(lo);
    let mut buf = CmsgBuffer::<64>::new();
    let mut builder = CmsgBuilder::new(&mut buf);
    builder.ip_ttl(7).unwrap();
    let control = builder.finish();
    let iov = [IoSlice::new(b"p")];
    assert_eq!(
        sendmsg(&tx, &MsgHdr::new(Some(&to), &iov, control), 0),
        Ok(1)
    );
    let mut data = [0u8; 4];
    let mut control = [0u8; 128];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&rx, &mut msg, 0), Ok(1));
    let (mut dst, mut ttl) = (None, None);
    for c in msg.cmsgs() {
        match c {
            ControlMessage::IpPktinfo(info) => dst = Some(info.ipi_addr.s_addr.to_ne_bytes()),
            ControlMessage::IpTtl(t) => ttl = Some(t),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(dst, Some([127, 0, 0, 1]));
    assert_eq!(ttl, Some(7));
}

#[test]
fn builder_too_small_is_enobufs_and_keeps_what_it_built() {
    let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
    let mut b = CmsgBuilder::new(&mut buf);
    b.ip_ttl(64).unwrap();
    assert_eq!(b.ip_tos(0x10).err(), Some(Errno::ENOBUFS));
    assert_eq!(b.len(), CMSG_SPACE(4));
    let control = b.finish();
    let parsed: Vec<_> = parse_control_bytes(control.as_bytes())
        .map(|c| format!("{c:?}"))
        .collect();
    assert_eq!(parsed, ["IpTtl(64)"]);
    let mut empty = [0u8; 0];
    assert_eq!(
        CmsgBuilder::new(&mut empty).ip_ttl(1).err(),
        Some(Errno::ENOBUFS)
    );
    let stdin = std::io::stdin();
    let mut small = [0u8; CMSG_SPACE(4) - 1];
    assert_eq!(
        CmsgBuilder::new(&mut small).rights(&[stdin.as_fd()]).err(),
        Some(Errno::ENOBUFS)
    );
}

#[test]
fn builder_aligns_a_misaligned_slice() {
    let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) + 8 }>::new();
    for skew in 0..8 {
        let slice = &mut buf[skew..];
        let start = slice.as_ptr() as usize;
        let len = slice.len();
        let mut b = CmsgBuilder::new(slice);
        let fits = len - (start.next_multiple_of(8) - start) >= CMSG_SPACE(4);
        assert_eq!(b.ip_ttl(3).is_ok(), fits, "skew {skew}");
        let control = b.finish();
        if fits {
            assert_eq!(control.as_bytes().as_ptr() as usize % 8, 0);
            assert_eq!(parse_control_bytes(control.as_bytes()).count(), 1);
        }
    }
    // And the kernel takes it: TTL on a UDP datagram.
    let lo = SocketAddr::from(([127, 0, 0, 1], 0));
    let rx = common::udp_socket(lo);
    bind(&rx, &lo).unwrap();
    let to = getsockname(&rx).unwrap();
    let tx = common::udp_socket(lo);
    let mut raw = [0u8; 64];
    let mut b = CmsgBuilder::new(&mut raw[3..]);
    b.ip_ttl(9).unwrap().ip_tos(0x10).unwrap();
    let control = b.finish();
    assert_eq!(control.len(), 2 * CMSG_SPACE(4));
    let iov = [IoSlice::new(b"a")];
    assert_eq!(
        sendmsg(&tx, &MsgHdr::new(Some(&to), &iov, control), 0),
        Ok(1)
    );
}

#[test]
fn cmsg_macros_match_glibc_on_this_target() {
    if cfg!(all(target_os = "linux", target_pointer_width = "64")) {
        assert_eq!(CMSG_SPACE(4), 24);
        assert_eq!(CMSG_LEN(4), 20);
        assert_eq!(CMSG_SPACE(12), 32);
        assert_eq!(CMSG_LEN(0), 16);
    }
    const _: [u8; CMSG_SPACE(1)] = [0; CMSG_SPACE(1)];
    // Saturates instead of wrapping to a small size.
    assert_eq!(CMSG_SPACE(usize::MAX), usize::MAX);
    assert_eq!(CMSG_LEN(usize::MAX), usize::MAX);
}

/// A header: `cmsg_len` (size_t), level, type, as glibc lays it out on 64-bit.
fn header(len: usize, level: c_int, ty: c_int) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&len.to_ne_bytes());
    v.extend_from_slice(&level.to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v
}

#[test]
fn parser_crafted_cases() {
    if !cfg!(all(
        target_os = "linux",
        target_env = "gnu",
        target_pointer_width = "64"
    )) {
        return;
    }
    let count = |b: &[u8]| parse_control_bytes(b).count();
    assert_eq!(count(&[]), 0);
    assert_eq!(count(&[0; 15]), 0);
    assert_eq!(count(&header(0, 0, 0)), 0, "cmsg_len 0");
    assert_eq!(count(&header(15, 0, 0)), 0, "smaller than the header");
    assert_eq!(count(&header(16, 0, 0)), 1, "header only");
    assert_eq!(count(&header(17, 0, 0)), 0, "past the end");
    assert_eq!(count(&header(usize::MAX, 0, 0)), 0, "huge");
    let mut two = header(20, sys::IPPROTO_IP, sys::IP_TTL);
    two.extend_from_slice(&5i32.to_ne_bytes());
    two.extend_from_slice(&[0; 4]);
    two.extend(header(17, sys::IPPROTO_IP, sys::IP_TOS));
    two.push(0x22);
    let parsed: Vec<_> = parse_control_bytes(&two)
        .map(|c| format!("{c:?}"))
        .collect();
    assert_eq!(parsed, ["IpTtl(5)", "IpTos(34)"]);
    // A TTL message too short for its int is Unknown; SCM_RIGHTS bytes are never fds.
    let mut short = header(18, sys::IPPROTO_IP, sys::IP_TTL);
    short.extend_from_slice(&[1, 2]);
    assert!(matches!(
        parse_control_bytes(&short).next(),
        Some(ControlMessage::Unknown { data: [1, 2], .. })
    ));
    let mut rights = header(20, sys::SOL_SOCKET, sys::SCM_RIGHTS);
    rights.extend_from_slice(&0i32.to_ne_bytes());
    assert!(matches!(
        parse_control_bytes(&rights).next(),
        Some(ControlMessage::Unknown {
            ty: sys::SCM_RIGHTS,
            ..
        })
    ));
    // IP_RECVERR: too short for sock_extended_err is Unknown; an error without an
    // offender (family AF_UNSPEC, or no bytes) has none.
    let mut recverr = header(16 + 8, sys::IPPROTO_IP, sys::IP_RECVERR);
    recverr.extend_from_slice(&[0; 8]);
    assert!(matches!(
        parse_control_bytes(&recverr).next(),
        Some(ControlMessage::Unknown { .. })
    ));
    let mut recverr = header(16 + 16, sys::IPPROTO_IP, sys::IP_RECVERR);
    recverr.extend_from_slice(&111u32.to_ne_bytes());
    recverr.extend_from_slice(&[2, 3, 3, 0]);
    recverr.extend_from_slice(&[0; 8]);
    match parse_control_bytes(&recverr).next() {
        Some(ControlMessage::RecvErr { err, offender }) => {
            assert_eq!((err.ee_errno, err.ee_origin, err.ee_code), (111, 2, 3));
            assert_eq!(offender, None);
        }
        other => panic!("{other:?}"),
    }
    // The same bytes at every misalignment.
    let mut shifted = vec![0u8; two.len() + 8];
    for skew in 0..8 {
        shifted[skew..skew + two.len()].copy_from_slice(&two);
        assert_eq!(count(&shifted[skew..skew + two.len()]), 2, "skew {skew}");
    }
}

#[test]
fn parser_survives_pseudo_random_bytes() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut buf = [0u8; 256];
    for round in 0..20_000 {
        let len = (next() % 257) as usize;
        for b in buf.iter_mut() {
            *b = next() as u8;
        }
        // Bias some headers towards plausible lengths so the walk goes deep.
        if round % 2 == 0 && len >= 8 {
            let l = (next() % 64) as usize;
            buf[..8].copy_from_slice(&l.to_ne_bytes());
        }
        let skew = (next() % 8) as usize;
        let bytes = &buf[skew.min(len)..len];
        let mut seen = 0;
        for c in parse_control_bytes(bytes) {
            let _ = format!("{c:?}");
            seen += 1;
        }
        assert!(seen <= bytes.len() / 16 + 1);
    }
}

#[test]
fn errors_reach_the_kernel_unchanged() {
    let file = not_a_socket();
    let iov = [IoSlice::new(b"x")];
    assert_eq!(
        sendmsg(&file, &MsgHdr::new(None, &iov, Control::NONE), 0),
        Err(Errno::ENOTSOCK)
    );
    let mut data = [0u8; 1];
    let mut riov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut riov, &mut []);
    assert_eq!(recvmsg(&file, &mut msg, 0), Err(Errno::ENOTSOCK));
    drop(msg);

    let lo = SocketAddr::from(([127, 0, 0, 1], 0));
    let udp = common::udp_socket(lo);
    // Wrong family, full length: EAFNOSUPPORT; right family, short: EINVAL.
    let mut wrong = [0u8; 16];
    wrong[..2].copy_from_slice(&(sys::AF_UNIX as u16).to_ne_bytes());
    let wrong = SockAddr::from_bytes(&wrong).unwrap();
    assert_eq!(
        sendmsg(&udp, &MsgHdr::new(Some(&wrong), &iov, Control::NONE), 0),
        Err(Errno::EAFNOSUPPORT)
    );
    let mut short = [0u8; 8];
    short[..2].copy_from_slice(&(sys::AF_INET as u16).to_ne_bytes());
    let short = SockAddr::from_bytes(&short).unwrap();
    assert_eq!(
        sendmsg(&udp, &MsgHdr::new(Some(&short), &iov, Control::NONE), 0),
        Err(Errno::EINVAL)
    );
    // More iovecs than IOV_MAX (1024).
    let (a, b) = pair(SOCK_DGRAM);
    let many = [IoSlice::new(b"x"); 1025];
    assert_eq!(
        sendmsg(&a, &MsgHdr::new(None, &many, Control::NONE), 0),
        Err(Errno::EMSGSIZE)
    );
    let mut bufs = [[0u8; 1]; 1025];
    let mut riov: Vec<IoSliceMut<'_>> = bufs.iter_mut().map(|b| IoSliceMut::new(b)).collect();
    let mut msg = MsgHdrMut::new(&mut riov, &mut []);
    assert_eq!(recvmsg(&b, &mut msg, MSG_DONTWAIT), Err(Errno::EMSGSIZE));
}

/// The trace lines, from a child run of this test with `SOCKAPI_TRACE=1` (the trace
/// writes to the process's stderr, past the harness's capture). The child prints the
/// lines it expects on stdout, descriptor numbers filled in.
#[cfg(feature = "trace")]
#[test]
fn trace_lines() {
    const CHILD: &str = "SOCKAPI_MSG_TRACE_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let (a, b) = pair(SOCK_DGRAM);
        let (p, _q) = pair(SOCK_STREAM);
        let (fa, fb) = (a.as_raw_fd(), b.as_raw_fd());
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        builder.rights(&[p.as_fd()]).unwrap();
        let control = builder.finish();
        let iov = [IoSlice::new(b"hel"), IoSlice::new(b"lo\n")];
        sendmsg(&a, &MsgHdr::new(None, &iov, control), 0).unwrap();
        println!(
            "EXPECT sendmsg({fa}, {{msg_name=NULL, msg_iov=[{{\"hel\", 3}}, {{\"lo\\n\", 3}}], msg_iovlen=2, msg_controllen=24, msg_flags=0}}, 0) = 6"
        );
        let (mut x, mut y) = ([0u8; 4], [0u8; 8]);
        let mut iov = [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)];
        let mut control = [0u8; CMSG_LEN(0)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        recvmsg(&b, &mut msg, 0).unwrap();
        println!(
            "EXPECT recvmsg({fb}, {{msg_name=NULL, msg_iov=[{{\"hell\", 4}}, {{\"o\\n\", 8}}], msg_iovlen=2, msg_controllen=0, msg_flags=MSG_CTRUNC}}, 0) = 6"
        );
        let _ = recvmsg(&b, &mut msg, MSG_DONTWAIT);
        println!(
            "EXPECT recvmsg({fb}, {{msg_iovlen=2, ...}}, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)"
        );
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "trace_lines", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("SOCKAPI_TRACE", "1")
        .env_remove("SOCKAPI_TRACE_STRSIZE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let expected: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once("EXPECT ").map(|(_, line)| line))
        .collect();
    assert_eq!(expected.len(), 3, "{stdout}");
    for line in expected {
        assert!(
            stderr.lines().any(|l| l == line),
            "missing {line:?} in\n{stderr}"
        );
    }
}

#[test]
fn ipv6_pktinfo_and_hoplimit_and_ip_tos() {
    let lo6 = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0));
    let Ok(rx) = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0) else {
        println!("no IPv6 sockets here: skipped");
        return;
    };
    if bind(&rx, &lo6).is_err() {
        println!("no ::1 here: skipped");
        return;
    }
    for opt in [sys::IPV6_RECVPKTINFO, sys::IPV6_RECVHOPLIMIT] {
        // SAFETY: both options take an int and nothing the kernel follows.
        unsafe { setsockopt_raw(&rx, SOL_IPV6, opt, &1i32.to_ne_bytes()) }.unwrap();
    }
    let to = getsockname(&rx).unwrap();
    let tx = common::udp_socket(lo6);
    let mut buf = CmsgBuffer::<64>::new();
    let mut builder = CmsgBuilder::new(&mut buf);
    let mut info: sys::in6_pktinfo = zeroed_in6_pktinfo();
    info.ipi6_addr.s6_addr = std::net::Ipv6Addr::LOCALHOST.octets();
    builder.ipv6_pktinfo(info).unwrap();
    let control = builder.finish();
    let iov = [IoSlice::new(b"6")];
    assert_eq!(
        sendmsg(&tx, &MsgHdr::new(Some(&to), &iov, control), 0),
        Ok(1)
    );
    let mut data = [0u8; 4];
    let mut control = [0u8; 128];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&rx, &mut msg, 0), Ok(1));
    assert_eq!(
        msg.name()
            .and_then(|a| a.as_socket())
            .map(|a| a.ip().is_loopback()),
        Some(true)
    );
    let (mut dst, mut hops) = (None, None);
    for c in msg.cmsgs() {
        match c {
            ControlMessage::Ipv6Pktinfo(info) => dst = Some(info.ipi6_addr.s6_addr),
            ControlMessage::Ipv6HopLimit(h) => hops = Some(h),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(dst, Some(std::net::Ipv6Addr::LOCALHOST.octets()));
    assert!(matches!(hops, Some(1..=255)), "{hops:?}");
    drop(msg);

    // IP_RECVTOS reports the TOS byte that IP_TOS put on a datagram.
    let lo = SocketAddr::from(([127, 0, 0, 1], 0));
    let rx = common::udp_socket(lo);
    bind(&rx, &lo).unwrap();
    // SAFETY: IP_RECVTOS takes an int and nothing the kernel follows.
    unsafe { setsockopt_raw(&rx, SOL_IP, sys::IP_RECVTOS, &1i32.to_ne_bytes()) }.unwrap();
    let to = getsockname(&rx).unwrap();
    let tx = common::udp_socket(lo);
    let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
    let mut builder = CmsgBuilder::new(&mut buf);
    builder.ip_tos(0x20).unwrap();
    let control = builder.finish();
    let iov = [IoSlice::new(b"t")];
    assert_eq!(
        sendmsg(&tx, &MsgHdr::new(Some(&to), &iov, control), 0),
        Ok(1)
    );
    let mut data = [0u8; 4];
    let mut control = [0u8; 64];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&rx, &mut msg, 0), Ok(1));
    let tos: Vec<u8> = msg
        .cmsgs()
        .filter_map(|c| match c {
            ControlMessage::IpTos(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(tos, [0x20]);
}

/// An all-zero `in6_pktinfo`, built from its fields.
fn zeroed_in6_pktinfo() -> sys::in6_pktinfo {
    sys::in6_pktinfo {
        ipi6_addr: sys::in6_addr { s6_addr: [0; 16] },
        ipi6_ifindex: 0,
    }
}

#[test]
fn ip_recverr_reports_port_unreachable_through_the_error_queue() {
    let lo = SocketAddr::from(([127, 0, 0, 1], 0));
    let fd = common::udp_socket(lo);
    // SAFETY: IP_RECVERR takes an int and nothing the kernel follows.
    unsafe { setsockopt_raw(&fd, SOL_IP, sys::IP_RECVERR, &1i32.to_ne_bytes()) }.unwrap();
    let closed = common::closed_port(lo);
    let iov = [IoSlice::new(b"anyone?")];
    assert_eq!(
        sendmsg(&fd, &MsgHdr::new(Some(&closed), &iov, Control::NONE), 0),
        Ok(7)
    );
    let mut data = [0u8; 16];
    let mut control = [0u8; 128];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    let errqueue = MsgFlags::from_raw(libc::MSG_ERRQUEUE);
    // The ICMP error of a loopback send is queued before sendmsg returns; poll bounds
    // the wait all the same.
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut pfd, 1, 5000) };
    assert_eq!(recvmsg(&fd, &mut msg, errqueue | MSG_DONTWAIT), Ok(7));
    assert_eq!(msg.name(), Some(closed));
    let errs: Vec<_> = msg
        .cmsgs()
        .filter_map(|c| match c {
            ControlMessage::RecvErr { err, offender } => Some((err, offender)),
            _ => None,
        })
        .collect();
    assert_eq!(errs.len(), 1);
    let (err, offender) = &errs[0];
    assert_eq!(err.ee_errno as c_int, Errno::ECONNREFUSED.raw());
    assert_eq!(err.ee_origin, sys::SO_EE_ORIGIN_ICMP);
    assert_eq!(
        (err.ee_type, err.ee_code),
        (3, 3),
        "destination/port unreachable"
    );
    let offender = offender.and_then(|a| a.as_socket()).expect("offender");
    assert_eq!(offender.ip(), std::net::IpAddr::from([127, 0, 0, 1]));
}

/// Linux accepts `MSG_EOR` on a `SOCK_SEQPACKET` send, and never sets it in the flags
/// `recvmsg` returns (every record ends at its send; POSIX would mark the end).
#[test]
fn seqpacket_msg_eor_is_accepted_on_send_and_never_set_on_receive() {
    let (a, b) = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(send(&a, b"record", MSG_EOR), Ok(6));
    let mut buf = [0u8; 16];
    let mut iov = [IoSliceMut::new(&mut buf)];
    let mut control = [];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    assert_eq!(recvmsg(&b, &mut msg, MSG_DONTWAIT), Ok(6));
    assert!(!msg.flags().contains(MSG_EOR), "{:?}", msg.flags());
    assert!(!msg.flags().contains(MSG_TRUNC), "{:?}", msg.flags());
    drop(msg);
    assert_eq!(&buf[..6], b"record");
}
