//! No descriptor passed with `SCM_RIGHTS` leaks: not when the receiver ignores the
//! message, not when the control buffer is too small (`MSG_CTRUNC`), not when a
//! `MsgHdrMut` is reused, not when a `ScmRights` is dropped half taken.
//!
//! Its own binary (`harness = false`): the count of the whole process's descriptors
//! must not see the sockets of tests running beside it.

use std::io::IoSliceMut;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::panic::{self, AssertUnwindSafe};

use sockapi::sys::c_int;
use sockapi::*;

mod common;
use common::rights::{open_fds, pair, send_fds};

/// Each scenario's rounds, through `no_leak`.
fn no_leak(round: impl FnMut(usize)) {
    common::rights::no_leak("fd_passing", ROUNDS, round);
}

const ROUNDS: usize = 100;

/// Receives one message with a control buffer of `control_len` bytes and hands the
/// message to `then`.
fn receive(fd: &Socket, control_len: usize, then: impl FnOnce(&mut MsgHdrMut<'_, '_>)) {
    let mut data = [0u8; 4];
    let mut control = [0u8; 4096];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control[..control_len]);
    assert_eq!(recvmsg(fd, &mut msg, 0), Ok(1));
    then(&mut msg);
}

fn counter_sees_received_fds() {
    let (a, b) = pair(SOCK_DGRAM);
    let (p, _q) = pair(SOCK_STREAM);
    let before = open_fds();
    send_fds(&a, &[p.as_fd(), p.as_fd()]);
    let mut kept: Vec<OwnedFd> = Vec::new();
    receive(&b, 64, |msg| {
        for c in msg.cmsgs() {
            if let ControlMessage::Rights(fds) = c {
                kept.extend(fds);
            }
        }
    });
    assert_eq!(kept.len(), 2);
    assert_eq!(open_fds(), before + 2, "taken descriptors stay open");
    drop(kept);
    assert_eq!(open_fds(), before);
}

fn ignored_messages() {
    let (a, b) = pair(SOCK_DGRAM);
    let (p, _q) = pair(SOCK_STREAM);
    no_leak(|i| {
        let fds = [p.as_fd(); 253];
        send_fds(&a, &fds[..1 + i % 253]);
        receive(&b, CMSG_SPACE(253 * 4), |msg| {
            assert!(!msg.flags().contains(MSG_CTRUNC));
        });
    });
}

fn truncated_control() {
    let (a, b) = pair(SOCK_DGRAM);
    let (p, _q) = pair(SOCK_STREAM);
    no_leak(|i| {
        send_fds(&a, &[p.as_fd(); 10]);
        // From no room at all to room for some of the ten.
        let len = [0, 8, 16, CMSG_LEN(4), CMSG_SPACE(8), CMSG_LEN(36)][i % 6];
        receive(&b, len, |msg| {
            assert!(msg.flags().contains(MSG_CTRUNC), "len {len}");
            if i % 2 == 0 {
                // Take one, leave the rest to the drop.
                for c in msg.cmsgs() {
                    if let ControlMessage::Rights(mut fds) = c {
                        drop(fds.next());
                    }
                }
            }
        });
    });
}

fn reused_msghdr_and_half_taken() {
    let (a, b) = pair(SOCK_DGRAM);
    let (p, _q) = pair(SOCK_STREAM);
    no_leak(|_| {
        send_fds(&a, &[p.as_fd(); 3]);
        send_fds(&a, &[p.as_fd(); 3]);
        let mut data = [0u8; 4];
        let mut control = [0u8; 64];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
        if let Some(ControlMessage::Rights(mut fds)) = msg.cmsgs().next() {
            let one = fds.next().expect("one fd");
            assert!(one.as_raw_fd() >= 0);
        }
        // The next call closes the two left from the first.
        assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
        // A failed call leaves nothing behind either.
        assert_eq!(recvmsg(&b, &mut msg, MSG_DONTWAIT), Err(Errno::EAGAIN));
        assert_eq!(msg.controllen(), 0);
    });
}

/// Two messages in one control buffer (`SO_PASSCRED`: `SCM_CREDENTIALS` first, then
/// `SCM_RIGHTS`), walked every way a program may: every descriptor taken (the drop
/// then has nothing to walk), half taken, looked at first and taken on a second walk,
/// the rights reached past the credentials, the rights alone taken while the
/// credentials are never looked at, and not looked at all. Each round also checks
/// that a descriptor taken on any walk is a live one.
fn two_messages_every_walk() {
    let (a, b) = pair(SOCK_DGRAM);
    setsockopt(&b, SOL_SOCKET, SO_PASSCRED, &1).expect("SO_PASSCRED");
    let (p, _q) = pair(SOCK_STREAM);
    let live = |fd: &OwnedFd| fcntl(fd, F_GETFD).is_ok();
    no_leak(|i| {
        send_fds(&a, &[p.as_fd(); 3]);
        receive(&b, 256, |msg| {
            assert!(!msg.flags().contains(MSG_CTRUNC));
            let mut taken: Vec<OwnedFd> = Vec::new();
            match i % 6 {
                // Every message walked, every descriptor taken.
                0 => {
                    let kinds: Vec<bool> = msg
                        .cmsgs()
                        .map(|c| match c {
                            ControlMessage::Rights(fds) => {
                                taken.extend(fds);
                                true
                            }
                            _ => false,
                        })
                        .collect();
                    assert_eq!(kinds, [false, true], "credentials, then rights");
                    assert_eq!(taken.len(), 3);
                }
                // One of three taken: the drop closes the other two.
                1 => {
                    for c in msg.cmsgs() {
                        if let ControlMessage::Rights(mut fds) = c {
                            taken.extend(fds.next());
                        }
                    }
                    assert_eq!(taken.len(), 1);
                }
                // Looked at, then taken on a second walk.
                2 => {
                    let mut seen = 0;
                    for c in msg.cmsgs() {
                        if let ControlMessage::Rights(fds) = c {
                            seen += fds.remaining();
                        }
                    }
                    assert_eq!(seen, 3);
                    for c in msg.cmsgs() {
                        if let ControlMessage::Rights(fds) = c {
                            taken.extend(fds);
                        }
                    }
                    assert_eq!(taken.len(), 3, "a look takes nothing");
                }
                // The rights alone: the credentials passed over with `nth`.
                3 => {
                    if let Some(ControlMessage::Rights(fds)) = msg.cmsgs().nth(1) {
                        taken.extend(fds);
                    }
                    assert_eq!(taken.len(), 3);
                }
                // All taken, then a second walk finds none left.
                4 => {
                    for c in msg.cmsgs() {
                        if let ControlMessage::Rights(fds) = c {
                            taken.extend(fds);
                        }
                    }
                    let again: usize = msg
                        .cmsgs()
                        .map(|c| match c {
                            ControlMessage::Rights(fds) => fds.count(),
                            _ => 0,
                        })
                        .sum();
                    assert_eq!((taken.len(), again), (3, 0));
                }
                // Never looked at: the drop closes all three.
                _ => {}
            }
            assert!(taken.iter().all(live), "round {i}: a dead descriptor taken");
        });
    });
}

fn peeked_and_stream() {
    let (a, b) = pair(SOCK_STREAM);
    let (p, _q) = pair(SOCK_STREAM);
    no_leak(|_| {
        send_fds(&a, &[p.as_fd(); 2]);
        let mut data = [0u8; 4];
        let mut control = [0u8; 64];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        // MSG_PEEK installs copies too; they are owned like the rest.
        assert_eq!(recvmsg(&b, &mut msg, MSG_PEEK), Ok(1));
        assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    });
}

/// `SO_PASSPIDFD` (Linux 6.5; 76 in the generic `<asm/socket.h>` of x86 and arm):
/// every datagram then carries an `SCM_PIDFD` message with a pidfd the kernel
/// installed, owned and closed like passed descriptors. Skipped on older kernels.
fn pidfds_never_looked_at() {
    const SO_PASSPIDFD: c_int = 76;
    if !cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
        return;
    }
    let (a, b) = pair(SOCK_DGRAM);
    // SAFETY: SO_PASSPIDFD takes an int and nothing the kernel follows.
    if unsafe { setsockopt_raw(&b, SOL_SOCKET, SO_PASSPIDFD, &1i32.to_ne_bytes()) }.is_err() {
        println!("       (no SO_PASSPIDFD here: skipped)");
        return;
    }
    let mut seen = 0;
    no_leak(|i| {
        assert_eq!(send(&a, b"p", 0), Ok(1));
        receive(&b, 64, |msg| {
            if i == 0 {
                for c in msg.cmsgs() {
                    if let ControlMessage::Pidfd(fds) = c {
                        seen += fds.remaining();
                    }
                }
            }
        });
    });
    assert_eq!(seen, 1, "one SCM_PIDFD per datagram");
}

/// `recvmmsg` (Linux): four messages of two descriptors each into six entries, twice
/// per round through the same entries without looking (the second call closes what
/// the first left), then the drop; one message's control buffer too small
/// (`MSG_CTRUNC`: one descriptor installed), one message's descriptors half taken.
#[cfg(target_os = "linux")]
fn recvmmsg_rights() {
    let (a, b) = pair(SOCK_DGRAM);
    let (x, y) = pair(SOCK_STREAM);
    no_leak(|_| {
        let mut bufs = [[0u8; 4]; 6];
        let mut controls = [[0u8; CMSG_SPACE(8)]; 6];
        let mut iovs: Vec<[IoSliceMut<'_>; 1]> =
            bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
        let mut hdrs: Vec<MsgHdrMut<'_, '_>> = iovs
            .iter_mut()
            .zip(controls.iter_mut())
            .enumerate()
            .map(|(i, (iov, c))| {
                let c: &mut [u8] = if i == 1 { &mut c[..CMSG_LEN(4)] } else { c };
                MsgHdrMut::new(iov, c)
            })
            .collect();
        let mut entries: Vec<MMsgHdrMut<'_, '_, '_>> =
            hdrs.iter_mut().map(MMsgHdrMut::new).collect();
        for _ in 0..2 {
            for _ in 0..4 {
                send_fds(&a, &[x.as_fd(), y.as_fd()]);
            }
            assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None), Ok(4));
            assert!(entries[1].flags().contains(MSG_CTRUNC));
            assert_eq!(entries[4].controllen(), 0);
        }
        match entries[2].cmsgs().next() {
            Some(ControlMessage::Rights(mut fds)) => {
                let fd: OwnedFd = fds.next().expect("a descriptor");
                assert!(fd.as_raw_fd() >= 0);
            }
            _ => panic!("no SCM_RIGHTS in message 2"),
        }
    });
}

fn main() {
    trace::disable();
    #[allow(unused_mut)]
    let mut scenarios: Vec<(&str, fn())> = vec![
        ("SCM_PIDFD never looked at", pidfds_never_looked_at),
        (
            "the count sees received descriptors",
            counter_sees_received_fds,
        ),
        ("messages never looked at", ignored_messages),
        ("control buffer too small (MSG_CTRUNC)", truncated_control),
        (
            "reused MsgHdrMut, half-taken ScmRights, failed call",
            reused_msghdr_and_half_taken,
        ),
        ("MSG_PEEK on a stream", peeked_and_stream),
        (
            "two messages (credentials, rights), every walk",
            two_messages_every_walk,
        ),
    ];
    #[cfg(target_os = "linux")]
    scenarios.push((
        "recvmmsg: per-message SCM_RIGHTS, reused, truncated, half taken",
        recvmmsg_rights,
    ));
    let mut passed = 0;
    let mut failed = 0;
    for (name, scenario) in scenarios {
        match panic::catch_unwind(AssertUnwindSafe(scenario)) {
            Ok(()) => {
                passed += 1;
                println!("ok     {name}");
            }
            Err(_) => {
                failed += 1;
                println!("FAILED {name}");
            }
        }
    }
    println!("fd_passing: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
