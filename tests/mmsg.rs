//! `sendmmsg`/`recvmmsg` (Linux) on real sockets: loopback UDP and `AF_UNIX`
//! datagram socketpairs. Every receive is bounded (`MSG_DONTWAIT`, `MSG_WAITFORONE`
//! or data already queued); no test relies on `recvmmsg`'s timeout to end a wait.
#![cfg(target_os = "linux")]

use std::io::{IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::os::fd::AsFd;

use sockapi::*;

mod common;

fn dgram_pair() -> (Socket, Socket) {
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair")
}

fn udp() -> (Socket, SockAddr) {
    let fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socket");
    bind(&fd, &SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind");
    let addr = getsockname(&fd).expect("getsockname");
    (fd, addr)
}

/// `N` datagrams, datagram `i` being `i + 1` bytes of the value `i`.
fn payloads<const N: usize>() -> [Vec<u8>; N] {
    core::array::from_fn(|i| vec![i as u8; i + 1])
}

/// Sends `data` in one `sendmmsg`, each to `to`; asserts every message went whole.
fn send_all(fd: &Socket, data: &[Vec<u8>], to: Option<&SockAddr>) {
    let iovs: Vec<[IoSlice<'_>; 1]> = data.iter().map(|d| [IoSlice::new(d)]).collect();
    let mut msgs: Vec<MMsgHdr<'_>> = iovs
        .iter()
        .map(|iov| MMsgHdr::new(MsgHdr::new(to, iov, Control::NONE)))
        .collect();
    assert_eq!(sendmmsg(fd, &mut msgs, 0), Ok(data.len()));
    for (m, d) in msgs.iter().zip(data) {
        assert_eq!(m.len(), d.len());
    }
}

/// `$n` receive entries over buffers of `$size` bytes and control buffers of
/// `$clen` bytes, all on the stack: binds `$entries` (and `$bufs`, the data).
macro_rules! entries {
    ($entries:ident, $bufs:ident, $n:expr, $size:expr, $clen:expr) => {
        let mut $bufs = [[0u8; $size]; $n];
        let mut controls = [[0u8; $clen]; $n];
        let mut iovs: [[IoSliceMut<'_>; 1]; $n] = {
            let mut it = $bufs.iter_mut();
            core::array::from_fn(|_| [IoSliceMut::new(it.next().unwrap())])
        };
        let mut hdrs: [MsgHdrMut<'_, '_>; $n] = {
            let mut it = iovs.iter_mut().zip(controls.iter_mut());
            core::array::from_fn(|_| {
                let (iov, control) = it.next().unwrap();
                MsgHdrMut::new(iov, control)
            })
        };
        #[allow(unused_mut)]
        let mut $entries: [MMsgHdrMut<'_, '_, '_>; $n] = {
            let mut it = hdrs.iter_mut();
            core::array::from_fn(|_| MMsgHdrMut::new(it.next().unwrap()))
        };
    };
}

/// The data of entry `i`, as `recvmmsg` reported it (through the trace-free accessors).
fn assert_got(entries: &[MMsgHdrMut<'_, '_, '_>], data: &[Vec<u8>]) {
    for (i, (e, d)) in entries.iter().zip(data).enumerate() {
        assert_eq!(e.len(), d.len(), "message {i}");
        assert!(!e.flags().contains(MSG_TRUNC), "message {i}");
    }
}

#[test]
fn sixty_four_over_a_unix_socketpair() {
    let (a, b) = dgram_pair();
    let data = payloads::<64>();
    send_all(&a, &data, None);
    entries!(entries, bufs, 64, 128, 0);
    assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None), Ok(64));
    assert_got(&entries, &data);
    for (i, buf) in bufs.iter().enumerate() {
        assert_eq!(&buf[..i + 1], &data[i][..], "contents of message {i}");
        assert!(buf[i + 1..].iter().all(|&b| b == 0));
    }
}

#[test]
fn sixty_four_over_udp_with_peer_names() {
    let (rx, rx_addr) = udp();
    let (tx1, tx1_addr) = udp();
    let (tx2, tx2_addr) = udp();
    let data = payloads::<64>();
    send_all(&tx1, &data[..32], Some(&rx_addr));
    send_all(&tx2, &data[32..], Some(&rx_addr));
    entries!(entries, bufs, 64, 128, 0);
    assert_eq!(recvmmsg(&rx, &mut entries, MSG_DONTWAIT, None), Ok(64));
    assert_got(&entries, &data);
    for (i, e) in entries.iter().enumerate() {
        let want = if i < 32 { tx1_addr } else { tx2_addr };
        assert_eq!(e.name(), Some(want), "peer of message {i}");
    }
    for (i, buf) in bufs.iter().enumerate() {
        assert_eq!(&buf[..i + 1], &data[i][..], "contents of message {i}");
    }
}

#[test]
fn partial_receive_leaves_the_rest_empty() {
    let (a, b) = dgram_pair();
    entries!(entries, bufs, 8, 16, 0);
    // Fill all eight first, so stale results would show.
    let data = payloads::<8>();
    send_all(&a, &data, None);
    assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None), Ok(8));
    // Three queued, eight offered: MSG_WAITFORONE returns with the three.
    send_all(&a, &data[..3], None);
    assert_eq!(recvmmsg(&b, &mut entries, MSG_WAITFORONE, None), Ok(3));
    assert_got(&entries[..3], &data[..3]);
    for e in &entries[3..] {
        assert_eq!(e.len(), 0);
        assert_eq!(e.name(), None);
        assert_eq!(e.flags(), MsgFlags::from_raw(0));
        assert_eq!(e.controllen(), 0);
    }
    // And MSG_DONTWAIT likewise.
    send_all(&a, &data[..2], None);
    assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None), Ok(2));
    assert_got(&entries[..2], &data[..2]);
    assert!(entries[2..].iter().all(|e| e.is_empty()));
}

#[test]
fn truncated_messages() {
    let (a, b) = dgram_pair();
    let data: Vec<Vec<u8>> = (0..4).map(|i| vec![b'x'; 10 + i]).collect();
    send_all(&a, &data, None);
    entries!(entries, bufs, 4, 4, 0);
    assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None), Ok(4));
    for e in &entries {
        assert_eq!(e.len(), 4);
        assert!(e.flags().contains(MSG_TRUNC));
    }
    // With MSG_TRUNC in the call's flags, each length is the datagram's own.
    send_all(&a, &data, None);
    assert_eq!(
        recvmmsg(&b, &mut entries, MSG_DONTWAIT | MSG_TRUNC, None),
        Ok(4)
    );
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.len(), 10 + i);
        assert!(e.flags().contains(MSG_TRUNC));
    }
}

#[test]
fn empty_slices() {
    let (a, b) = dgram_pair();
    // vlen 0: Linux sends and receives nothing and returns 0, even with a datagram
    // queued and no MSG_DONTWAIT.
    assert_eq!(sendmmsg(&a, &mut [], 0), Ok(0));
    send_all(&a, &payloads::<1>(), None);
    assert_eq!(recvmmsg(&b, &mut [], 0, None), Ok(0));
    entries!(entries, bufs, 1, 4, 0);
    assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None), Ok(1));
}

#[test]
fn vlen_above_uio_maxiov_is_capped() {
    let (tx, _) = udp();
    let (rx, rx_addr) = udp();
    let data = vec![*b"x"; 1100];
    let iovs: Vec<[IoSlice<'_>; 1]> = data.iter().map(|d| [IoSlice::new(d)]).collect();
    let mut msgs: Vec<MMsgHdr<'_>> = iovs
        .iter()
        .map(|iov| MMsgHdr::new(MsgHdr::new(Some(&rx_addr), iov, Control::NONE)))
        .collect();
    // Linux caps vlen at UIO_MAXIOV (1024).
    assert_eq!(sendmmsg(&tx, &mut msgs, 0), Ok(1024));
    assert!(msgs[..1024].iter().all(|m| m.len() == 1));
    assert!(msgs[1024..].iter().all(|m| m.is_empty()));
    // The receiver took what its buffer held (UDP drops the rest); a vlen above the
    // cap is accepted and returns what is queued.
    let mut bufs = vec![[0u8; 4]; 1100];
    let mut iovs: Vec<[IoSliceMut<'_>; 1]> =
        bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
    let mut hdrs: Vec<MsgHdrMut<'_, '_>> = iovs
        .iter_mut()
        .map(|iov| MsgHdrMut::new(iov, &mut []))
        .collect();
    let mut entries: Vec<MMsgHdrMut<'_, '_, '_>> = hdrs.iter_mut().map(MMsgHdrMut::new).collect();
    let n = recvmmsg(&rx, &mut entries, MSG_DONTWAIT, None).expect("recvmmsg");
    assert!((1..=1024).contains(&n), "{n}");
    assert!(entries[..n].iter().all(|e| e.len() == 1));
}

#[test]
fn timeout_with_data_queued() {
    let (a, b) = dgram_pair();
    let data = payloads::<4>();
    send_all(&a, &data, None);
    entries!(entries, bufs, 4, 8, 0);
    let mut ts = timespec {
        tv_sec: 5,
        tv_nsec: 0,
    };
    // All four queued: the call returns at once. Linux writes the time left back;
    // it guarantees only that it is no more than what was given.
    assert_eq!(recvmmsg(&b, &mut entries, 0, Some(&mut ts)), Ok(4));
    assert_got(&entries, &data);
    assert!(ts.tv_sec >= 0 && ts.tv_sec <= 5, "{}", ts.tv_sec);
    assert!((0..1_000_000_000).contains(&ts.tv_nsec));
    assert!(ts.tv_sec < 5 || ts.tv_nsec == 0);
    // Fewer queued than entries: MSG_WAITFORONE bounds the wait, not the timeout.
    send_all(&a, &data[..2], None);
    let mut ts = timespec {
        tv_sec: 5,
        tv_nsec: 0,
    };
    assert_eq!(
        recvmmsg(&b, &mut entries, MSG_WAITFORONE, Some(&mut ts)),
        Ok(2)
    );
    // A bad timespec is the kernel's EINVAL.
    send_all(&a, &data[..1], None);
    let mut bad = timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000_000,
    };
    assert_eq!(
        recvmmsg(&b, &mut entries, MSG_DONTWAIT, Some(&mut bad)),
        Err(Errno::EINVAL)
    );
}

#[test]
fn errors() {
    // Not a socket.
    let file = std::fs::File::open("/dev/null").expect("/dev/null");
    let data = payloads::<1>();
    let iov = [IoSlice::new(&data[0])];
    let mut msgs = [MMsgHdr::new(MsgHdr::new(None, &iov, Control::NONE))];
    assert_eq!(sendmmsg(&file, &mut msgs, 0), Err(Errno::ENOTSOCK));
    entries!(entries, bufs, 2, 4, 0);
    assert_eq!(
        recvmmsg(&file, &mut entries, MSG_DONTWAIT, None),
        Err(Errno::ENOTSOCK)
    );
    // Nothing queued: EAGAIN, with MSG_DONTWAIT and on a non-blocking socket.
    let (_a, b) = dgram_pair();
    assert_eq!(
        recvmmsg(&b, &mut entries, MSG_DONTWAIT, None),
        Err(Errno::EAGAIN)
    );
    let (_c, d) =
        socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0).expect("socketpair");
    assert_eq!(recvmmsg(&d, &mut entries, 0, None), Err(Errno::EAGAIN));
    assert!(entries.iter().all(|e| e.is_empty() && e.name().is_none()));
    // Not connected, no address: the first message's error.
    let (tx, _) = udp();
    assert_eq!(sendmmsg(&tx, &mut msgs, 0), Err(Errno::EDESTADDRREQ));
}

#[test]
fn rights_per_message() {
    let (a, b) = dgram_pair();
    let passed: Vec<(Socket, Socket)> = (0..4)
        .map(|_| socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair"))
        .collect();
    let mut cbufs = [CmsgBuffer::<{ CMSG_SPACE(4) }>::new(); 4];
    let controls: Vec<Control<'_>> = cbufs
        .iter_mut()
        .zip(&passed)
        .map(|(buf, (p, _))| {
            let mut builder = CmsgBuilder::new(buf);
            builder.rights(&[p.as_fd()]).expect("rights");
            builder.finish()
        })
        .collect();
    let iov = [IoSlice::new(b"m")];
    let mut msgs: Vec<MMsgHdr<'_>> = controls
        .iter()
        .map(|&c| MMsgHdr::new(MsgHdr::new(None, &iov, c)))
        .collect();
    assert_eq!(sendmmsg(&a, &mut msgs, 0), Ok(4));
    entries!(entries, bufs, 6, 4, { CMSG_SPACE(4) });
    assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None), Ok(4));
    for (i, e) in entries.iter_mut().enumerate().take(4) {
        let mut got = 0;
        for cmsg in e.cmsgs() {
            if let ControlMessage::Rights(fds) = cmsg {
                for fd in fds {
                    got += 1;
                    // The descriptor works: it is the sending end of pair `i`.
                    assert_eq!(send(&fd, &[i as u8], 0), Ok(1));
                }
            }
        }
        assert_eq!(got, 1, "message {i}");
    }
    for e in &mut entries[4..] {
        assert_eq!(e.cmsgs().count(), 0);
    }
    for (i, (_, other)) in passed.iter().enumerate() {
        let mut byte = [0u8; 1];
        assert_eq!(recv(other, &mut byte, MSG_DONTWAIT), Ok(1));
        assert_eq!(byte[0], i as u8);
    }
}

#[test]
fn errno_512_displays() {
    // The kernel-internal ERESTARTSYS a signal can leave pending after recvmmsg.
    let e = Errno::from_raw(512);
    assert_eq!(e.to_string(), "E? 512 (Unknown error 512)");
    assert!(!e.is_known());
}

#[test]
fn entries_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<MMsgHdr<'_>>();
    send_sync::<MMsgHdrMut<'_, '_, '_>>();
}

#[test]
fn layout_is_struct_mmsghdr() {
    use core::mem::{align_of, size_of};
    assert_eq!(size_of::<MMsgHdr<'_>>(), size_of::<sys::mmsghdr>());
    assert_eq!(align_of::<MMsgHdr<'_>>(), align_of::<sys::mmsghdr>());
    assert_eq!(
        size_of::<MMsgHdrMut<'_, '_, '_>>(),
        size_of::<sys::mmsghdr>()
    );
    assert_eq!(
        align_of::<MMsgHdrMut<'_, '_, '_>>(),
        align_of::<sys::mmsghdr>()
    );
}

/// An entry shares its `MsgHdrMut`'s address storage: once lent, the `MsgHdrMut` no
/// longer claims an address whose bytes the entry's calls overwrite (a long name
/// received by `recvmsg`, then a short one by `recvmmsg`, would otherwise read as a
/// mix of the two).
#[test]
fn a_lent_msghdrmut_claims_no_stale_address() {
    let long = common::abstract_name("mmsg", &"L".repeat(30));
    let short = common::abstract_name("mmsg", "s");
    let target = common::abstract_name("mmsg", "target");
    let rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&rx, &target).unwrap();
    let from_long = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&from_long, &long).unwrap();
    let from_short = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&from_short, &short).unwrap();

    let mut buf = [0u8; 8];
    let mut iov = [IoSliceMut::new(&mut buf)];
    let mut m = MsgHdrMut::new(&mut iov, &mut []);
    assert_eq!(sendto(&from_long, b"1", 0, &target), Ok(1));
    assert_eq!(recvmsg(&rx, &mut m, MSG_DONTWAIT), Ok(1));
    assert_eq!(m.name(), Some(long));
    {
        let mut entries = [MMsgHdrMut::new(&mut m)];
        assert_eq!(sendto(&from_short, b"2", 0, &target), Ok(1));
        assert_eq!(recvmmsg(&rx, &mut entries, MSG_DONTWAIT, None), Ok(1));
        assert_eq!(entries[0].name(), Some(short));
    }
    assert_eq!(m.name(), None, "no mix of the long name and the short one");
    assert_eq!(m.flags(), MsgFlags::from_raw(0));
    // Its own next recvmsg reads as ever.
    assert_eq!(sendto(&from_long, b"3", 0, &target), Ok(1));
    assert_eq!(recvmsg(&rx, &mut m, MSG_DONTWAIT), Ok(1));
    assert_eq!(m.name(), Some(long));
}
