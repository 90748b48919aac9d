//! Control messages, three ways:
//!
//! - `Parse`: arbitrary bytes, at any alignment, through the crate's parser
//!   (`parse_control_bytes`, the walk and decoder that `MsgHdrMut::cmsgs` uses, minus
//!   the descriptors), against a walk written here from the kernel's rules (a header
//!   is 16 bytes, `cmsg_len` covers header and data, the next message starts at
//!   `CMSG_ALIGN(cmsg_len)`, a `cmsg_len` under 16 or past the end stops the walk)
//!   and the decoding of each known kind by hand.
//! - `Build`: arbitrary `CmsgBuilder` calls into a buffer of arbitrary length and
//!   alignment: each push fits (and parses back to exactly what was pushed) or is
//!   `ENOBUFS` and changes nothing.
//! - `Real`: an arbitrary payload with 0..=24 real descriptors in `SCM_RIGHTS` (and
//!   maybe credentials) through a real `socketpair` into a control buffer of
//!   arbitrary length and alignment, so the kernel cuts messages (`MSG_CTRUNC`) where
//!   the fuzzer chooses; some descriptors are taken as `OwnedFd`s, the rest left for
//!   the `MsgHdrMut` to close (on drop, or on a second `recvmsg` through it). Each
//!   taken descriptor is the file sent; the open-descriptor count after each input is
//!   what it was before.
#![no_main]

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sockapi::*;

const HDR: usize = 16;

fn align(n: usize) -> usize {
    (n + 7) & !7
}

#[derive(Arbitrary, Debug)]
enum Push {
    Rights(u8),
    Credentials(i32, u32, u32),
    IpTtl(i32),
    IpTos(i32),
    IpPktinfo(i32, u32, u32),
    Ipv6Pktinfo([u8; 16], u32),
}

#[derive(Arbitrary, Debug)]
enum Input {
    Parse {
        offset: u8,
        bytes: Vec<u8>,
    },
    Build {
        offset: u8,
        len: u16,
        pushes: Vec<Push>,
    },
    Real {
        kind: u8,
        payload: Vec<u8>,
        nfds: u8,
        send_creds: bool,
        pass_creds: bool,
        data_len: u16,
        ctrl_offset: u8,
        ctrl_len: u16,
        cloexec: bool,
        take: Vec<bool>,
        twice: bool,
    },
}

fn rd_i32(b: &[u8], at: usize) -> i32 {
    i32::from_ne_bytes(b[at..at + 4].try_into().unwrap())
}

fn rd_u32(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().unwrap())
}

/// `(data offset, level, type, data length)` of each message, by the kernel's rules.
fn reference_walk(bytes: &[u8]) -> Vec<(usize, i32, i32, usize)> {
    let mut out = Vec::new();
    let mut off = 0;
    while bytes.len() - off >= HDR {
        let len = u64::from_ne_bytes(bytes[off..off + 8].try_into().unwrap());
        if len < HDR as u64 || len > (bytes.len() - off) as u64 {
            break;
        }
        let len = len as usize;
        out.push((
            off + HDR,
            rd_i32(bytes, off + 8),
            rd_i32(bytes, off + 12),
            len - HDR,
        ));
        off = (off + align(len)).min(bytes.len());
    }
    out
}

/// The decoding of one message, checked by hand.
fn check_decoded(msg: &ControlMessage<'_>, level: i32, ty: i32, data: &[u8]) {
    use libc::{IPPROTO_IP, IPPROTO_IPV6, SOL_SOCKET};
    let unknown = |m: &ControlMessage<'_>| match m {
        ControlMessage::Unknown {
            level: l,
            ty: t,
            data: d,
        } => {
            assert_eq!((*l, *t), (level, ty));
            assert_eq!(d.as_ptr(), data.as_ptr());
            assert_eq!(d.len(), data.len());
        }
        other => panic!(
            "{level}/{ty} with {} bytes decoded as {other:?}",
            data.len()
        ),
    };
    match (level, ty) {
        (SOL_SOCKET, libc::SCM_CREDENTIALS) if data.len() >= 12 => match msg {
            ControlMessage::Credentials(c) => {
                assert_eq!(
                    (c.pid, c.uid, c.gid),
                    (rd_i32(data, 0), rd_u32(data, 4), rd_u32(data, 8))
                )
            }
            other => panic!("credentials decoded as {other:?}"),
        },
        (IPPROTO_IP, libc::IP_PKTINFO) if data.len() >= 12 => match msg {
            ControlMessage::IpPktinfo(p) => {
                assert_eq!(p.ipi_ifindex, rd_i32(data, 0));
                assert_eq!(p.ipi_spec_dst.s_addr, rd_u32(data, 4));
                assert_eq!(p.ipi_addr.s_addr, rd_u32(data, 8));
            }
            other => panic!("pktinfo decoded as {other:?}"),
        },
        (IPPROTO_IPV6, libc::IPV6_PKTINFO) if data.len() >= 20 => match msg {
            ControlMessage::Ipv6Pktinfo(p) => {
                assert_eq!(&p.ipi6_addr.s6_addr[..], &data[..16]);
                assert_eq!(p.ipi6_ifindex, rd_u32(data, 16));
            }
            other => panic!("ipv6 pktinfo decoded as {other:?}"),
        },
        (IPPROTO_IP, libc::IP_TTL) if data.len() >= 4 => match msg {
            ControlMessage::IpTtl(t) => assert_eq!(*t, rd_i32(data, 0)),
            other => panic!("ttl decoded as {other:?}"),
        },
        (IPPROTO_IP, libc::IP_TOS) if !data.is_empty() => match msg {
            ControlMessage::IpTos(t) => assert_eq!(*t, data[0]),
            other => panic!("tos decoded as {other:?}"),
        },
        (IPPROTO_IPV6, libc::IPV6_HOPLIMIT) if data.len() >= 4 => match msg {
            ControlMessage::Ipv6HopLimit(h) => assert_eq!(*h, rd_i32(data, 0)),
            other => panic!("hoplimit decoded as {other:?}"),
        },
        (IPPROTO_IP, libc::IP_RECVERR) | (IPPROTO_IPV6, libc::IPV6_RECVERR) if data.len() >= 16 => {
            match msg {
                ControlMessage::RecvErr { err, offender } => {
                    assert_eq!(err.ee_errno, rd_u32(data, 0));
                    assert_eq!(err.ee_origin, data[4]);
                    assert_eq!(err.ee_type, data[5]);
                    assert_eq!(err.ee_code, data[6]);
                    assert_eq!(err.ee_info, rd_u32(data, 8));
                    assert_eq!(err.ee_data, rd_u32(data, 12));
                    let rest = &data[16..];
                    let family = (rest.len() >= 2).then(|| u16::from_ne_bytes([rest[0], rest[1]]));
                    let want = rest.len() <= 128 && family.is_some_and(|f| f != 0);
                    match offender {
                        Some(a) => {
                            assert!(want);
                            assert_eq!(a.as_bytes(), rest);
                        }
                        None => assert!(!want),
                    }
                }
                other => panic!("recverr decoded as {other:?}"),
            }
        }
        _ => unknown(msg),
    }
}

fn parse_and_check(bytes: &[u8]) -> usize {
    let want = reference_walk(bytes);
    let got: Vec<ControlMessage<'_>> = parse_control_bytes(bytes).collect();
    assert_eq!(got.len(), want.len(), "messages in {bytes:?}");
    for (msg, &(off, level, ty, len)) in got.iter().zip(&want) {
        let data = &bytes[off..off + len];
        check_decoded(msg, level, ty, data);
        // Debug of every kind works.
        let _ = format!("{msg:?}");
    }
    got.len()
}

/// A pipe's read end and /dev/null: the files passed (never the sockets themselves,
/// whose passing over themselves the kernel's garbage collector would have to undo).
fn passed_files() -> &'static [OwnedFd; 2] {
    static F: OnceLock<[OwnedFd; 2]> = OnceLock::new();
    F.get_or_init(|| {
        let (r, w) = std::io::pipe().unwrap();
        std::mem::forget(w);
        let null = std::fs::File::open("/dev/null").unwrap();
        [r.into(), null.into()]
    })
}

fn ino(fd: RawFd) -> (u64, u64) {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a writable `stat`.
    assert_eq!(unsafe { libc::fstat(fd, &mut st) }, 0, "fd {fd} not open");
    (st.st_dev, st.st_ino)
}

fn cloexec_of(fd: RawFd) -> bool {
    // SAFETY: F_GETFD reads nothing through pointers.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    assert!(flags >= 0);
    flags & libc::FD_CLOEXEC != 0
}

fn count_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn me() -> sys::ucred {
    // SAFETY: these read nothing through pointers.
    unsafe {
        sys::ucred {
            pid: libc::getpid(),
            uid: libc::getuid(),
            gid: libc::getgid(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn real(
    kind: u8,
    payload: &[u8],
    nfds: u8,
    send_creds: bool,
    pass_creds: bool,
    data_len: u16,
    ctrl_offset: u8,
    ctrl_len: u16,
    cloexec: bool,
    take: &[bool],
    twice: bool,
) {
    let files = passed_files();
    let inodes = [ino(files[0].as_raw_fd()), ino(files[1].as_raw_fd())];
    let before = count_fds();
    {
        let ty = match kind % 3 {
            0 => SOCK_DGRAM,
            1 => SOCK_SEQPACKET,
            _ => SOCK_STREAM,
        };
        let stream = kind % 3 == 2;
        let (a, b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).unwrap();
        if pass_creds {
            setsockopt(&b, SOL_SOCKET, SO_PASSCRED, &1).unwrap();
        }
        let payload = &payload[..payload.len().min(1024)];
        // A stream carries control data only with at least one byte.
        let payload: &[u8] = if stream && payload.is_empty() {
            b"x"
        } else {
            payload
        };
        let k = nfds as usize % 25;
        let fds: Vec<_> = (0..k).map(|i| files[i % 2].as_fd()).collect();
        let sends = if twice { 2 } else { 1 };
        for _ in 0..sends {
            let mut buf = CmsgBuffer::<{ CMSG_SPACE(4 * 24) + CMSG_SPACE(12) }>::new();
            let mut builder = CmsgBuilder::new(&mut buf);
            if k > 0 {
                builder.rights(&fds).unwrap();
            }
            if send_creds {
                builder.credentials(me()).unwrap();
            }
            let control = builder.finish();
            let iov = [IoSlice::new(payload)];
            assert_eq!(
                sendmsg(&a, &MsgHdr::new(None, &iov, control), MSG_DONTWAIT),
                Ok(payload.len())
            );
        }

        let mut data = vec![0u8; data_len as usize % 2048];
        let mut ctrl_store = [0u64; 80];
        let ctrl_all: &mut [u8] = unsafe {
            // SAFETY: 640 writable bytes of `ctrl_store`, viewed as bytes.
            std::slice::from_raw_parts_mut(ctrl_store.as_mut_ptr().cast::<u8>(), 640)
        };
        let off = ctrl_offset as usize % 8;
        let cap = ctrl_len as usize % 600;
        let ctrl = &mut ctrl_all[off..off + cap];
        let data_cap = data.len();
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, ctrl);
        let flags = if cloexec {
            MSG_DONTWAIT | MSG_CMSG_CLOEXEC
        } else {
            MSG_DONTWAIT
        };
        let mut take = take.iter().copied().cycle().chain(std::iter::repeat(false));
        for round in 0..sends {
            let n = recvmsg(&b, &mut msg, flags).unwrap();
            let got = msg.flags();
            if stream {
                assert!(n <= (payload.len() * sends).min(data_cap));
                assert!(n > 0 || data_cap == 0);
            } else {
                assert_eq!(n, payload.len().min(data_cap));
                assert_eq!(got.contains(MSG_TRUNC), payload.len() > data_cap);
            }
            assert!(msg.controllen() <= cap);
            let creds_room = if pass_creds { CMSG_SPACE(12) } else { 0 };
            let need = creds_room + if k > 0 { CMSG_SPACE(4 * k) } else { 0 };
            let mut received = 0;
            let mut creds_seen = false;
            for cmsg in msg.cmsgs() {
                match cmsg {
                    ControlMessage::Rights(mut fds) => {
                        received += fds.remaining();
                        // The first round takes those the input says, in order,
                        // and leaves the rest (and all of the second round's) to
                        // the `MsgHdrMut`.
                        while round == 0 && take.next().unwrap_or(false) {
                            let Some(fd) = fds.next() else { break };
                            assert!(inodes.contains(&ino(fd.as_raw_fd())));
                            assert_eq!(cloexec_of(fd.as_raw_fd()), cloexec);
                            drop(fd);
                        }
                    }
                    ControlMessage::Credentials(c) => {
                        assert!(pass_creds);
                        let m = me();
                        assert_eq!((c.pid, c.uid, c.gid), (m.pid, m.uid, m.gid));
                        creds_seen = true;
                    }
                    ControlMessage::Unknown { level, ty, data } => {
                        // A cut message: the kernel wrote what fit.
                        assert!(got.contains(MSG_CTRUNC), "{level}/{ty} {data:?}");
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
            assert!(received <= k);
            if cap >= need {
                assert_eq!(received, k, "cap {cap} need {need}");
                assert_eq!(creds_seen, pass_creds);
                assert!(!got.contains(MSG_CTRUNC));
            }
            if received < k {
                assert!(got.contains(MSG_CTRUNC));
            }
            if stream {
                // A stream may deliver the second message with the first's bytes
                // (never merging their control data): stop after one round.
                break;
            }
        }
        // `msg` drops here with whatever was not taken; then the sockets.
    }
    assert_eq!(count_fds(), before, "descriptors leaked");
}

fuzz_target!(|input: Input| match input {
    Input::Parse { offset, bytes } => {
        let off = offset as usize % 8;
        let mut store = vec![0u64; (bytes.len() + off) / 8 + 1];
        let all: &mut [u8] = unsafe {
            // SAFETY: the bytes of `store`, all initialised and writable.
            std::slice::from_raw_parts_mut(store.as_mut_ptr().cast::<u8>(), store.len() * 8)
        };
        let buf = &mut all[off..off + bytes.len()];
        buf.copy_from_slice(&bytes);
        parse_and_check(buf);
    }
    Input::Build {
        offset,
        len,
        pushes,
    } => {
        let files = passed_files();
        let off = offset as usize % 8;
        let len = len as usize % 1024;
        let mut store = vec![0u64; (len + off) / 8 + 1];
        let all: &mut [u8] = unsafe {
            // SAFETY: the bytes of `store`, all initialised and writable.
            std::slice::from_raw_parts_mut(store.as_mut_ptr().cast::<u8>(), store.len() * 8)
        };
        let buf = &mut all[off..off + len];
        let base = buf.as_ptr() as usize;
        let room = len.saturating_sub(base.next_multiple_of(8) - base);
        let fds: Vec<_> = (0..64).map(|i| files[i % 2].as_fd()).collect();
        let mut builder = CmsgBuilder::new(buf);
        let mut pushed = Vec::new();
        for p in pushes.iter().take(16) {
            let before = builder.len();
            let (data_len, ret) = match p {
                Push::Rights(n) => {
                    let n = *n as usize % 65;
                    (4 * n, builder.rights(&fds[..n]).map(|_| ()))
                }
                Push::Credentials(pid, uid, gid) => {
                    let c = sys::ucred {
                        pid: *pid,
                        uid: *uid,
                        gid: *gid,
                    };
                    (12, builder.credentials(c).map(|_| ()))
                }
                Push::IpTtl(t) => (4, builder.ip_ttl(*t).map(|_| ())),
                Push::IpTos(t) => (4, builder.ip_tos(*t).map(|_| ())),
                Push::IpPktinfo(i, s, a) => {
                    let mut info: sys::in_pktinfo = unsafe { std::mem::zeroed() };
                    info.ipi_ifindex = *i;
                    info.ipi_spec_dst.s_addr = *s;
                    info.ipi_addr.s_addr = *a;
                    (12, builder.ip_pktinfo(info).map(|_| ()))
                }
                Push::Ipv6Pktinfo(addr, i) => {
                    let mut info: sys::in6_pktinfo = unsafe { std::mem::zeroed() };
                    info.ipi6_addr.s6_addr = *addr;
                    info.ipi6_ifindex = *i;
                    (20, builder.ipv6_pktinfo(info).map(|_| ()))
                }
            };
            let space = CMSG_SPACE(data_len);
            if before + space <= room {
                assert_eq!(ret, Ok(()));
                assert_eq!(builder.len(), before + space);
                pushed.push((p, data_len));
            } else {
                assert_eq!(ret, Err(Errno::ENOBUFS));
                assert_eq!(builder.len(), before);
            }
        }
        let control = builder.finish();
        let bytes = control.as_bytes();
        assert!(bytes.is_empty() || bytes.as_ptr() as usize % 8 == 0);
        let want = reference_walk(bytes);
        assert_eq!(want.len(), pushed.len());
        let got: Vec<_> = parse_control_bytes(bytes).collect();
        assert_eq!(got.len(), pushed.len());
        for ((msg, &(off, level, ty, len)), &(p, data_len)) in got.iter().zip(&want).zip(&pushed) {
            assert_eq!(len, data_len);
            let data = &bytes[off..off + len];
            check_decoded(msg, level, ty, data);
            match (p, msg) {
                (Push::Rights(_), ControlMessage::Unknown { level, ty, data }) => {
                    assert_eq!((*level, *ty), (libc::SOL_SOCKET, libc::SCM_RIGHTS));
                    for (i, slot) in data.chunks_exact(4).enumerate() {
                        assert_eq!(rd_i32(slot, 0), fds[i].as_raw_fd());
                    }
                }
                (Push::Credentials(pid, uid, gid), ControlMessage::Credentials(c)) => {
                    assert_eq!((c.pid, c.uid, c.gid), (*pid, *uid, *gid))
                }
                (Push::IpTtl(t), ControlMessage::IpTtl(got)) => assert_eq!(got, t),
                (Push::IpTos(t), ControlMessage::IpTos(got)) => assert_eq!(*got, *t as u8),
                (Push::IpPktinfo(i, s, a), ControlMessage::IpPktinfo(got)) => {
                    assert_eq!(
                        (
                            got.ipi_ifindex,
                            got.ipi_spec_dst.s_addr,
                            got.ipi_addr.s_addr
                        ),
                        (*i, *s, *a)
                    )
                }
                (Push::Ipv6Pktinfo(addr, i), ControlMessage::Ipv6Pktinfo(got)) => {
                    assert_eq!((got.ipi6_addr.s6_addr, got.ipi6_ifindex), (*addr, *i))
                }
                (p, m) => panic!("pushed {p:?}, parsed {m:?}"),
            }
        }
    }
    Input::Real {
        kind,
        payload,
        nfds,
        send_creds,
        pass_creds,
        data_len,
        ctrl_offset,
        ctrl_len,
        cloexec,
        take,
        twice,
    } => real(
        kind,
        &payload,
        nfds,
        send_creds,
        pass_creds,
        data_len,
        ctrl_offset,
        ctrl_len,
        cloexec,
        &take,
        twice,
    ),
});
