//! Every descriptor received with `SCM_RIGHTS` (and `SCM_PIDFD`) is closed exactly
//! once, however the program walks the control messages: all taken, some, none, on
//! two walks, on other threads, through `recvmmsg` entries reused across calls, with
//! a `MsgHdrMut` reused, a call failed, `MSG_PEEK`, `MSG_CTRUNC`. The walk records how
//! much of the control bytes holds no descriptor left (`done`, `src/raw/msg.rs`), and
//! the drop walks only the rest: this binary is the attack on that record.
//!
//! A descriptor taken and closed by the test has its number re-occupied at once by a
//! sentinel (`dup2` of `/dev/null`); whatever the library does afterwards (drop, next
//! `recvmsg`, next `recvmmsg`) must leave every sentinel open and still `/dev/null`,
//! and every descriptor the test holds open and still the file that was sent. The
//! process's descriptor count must come back to where it started (no leak). Then it
//! runs itself again under an `LD_PRELOAD` shim whose `recvmsg`/`recvmmsg` report 64
//! more control bytes than the kernel wrote (a count past the buffer).
//!
//! Its own binary (`harness = false`): the count of the whole process's descriptors
//! must not see the sockets of tests running beside it.

use std::io::IoSliceMut;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::panic::{self, AssertUnwindSafe};

use sockapi::sys::c_int;
use sockapi::*;

mod common;
use common::rights::{pair, send_fds};

fn no_leak(name: &str, round: impl FnMut(usize)) {
    common::rights::no_leak(name, ROUNDS, round);
}

const ROUNDS: usize = 60;
/// `SO_PASSPIDFD` (Linux 6.5; 76 in the generic `<asm/socket.h>` of x86 and arm).
const SO_PASSPIDFD: c_int = 76;

#[allow(clippy::unnecessary_cast)] // not u64 on every libc
fn ino(fd: RawFd) -> Option<(u64, u64)> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat writes a `stat` into the buffer; any fd number is fine.
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: fstat succeeded, so it wrote the whole `stat`.
    let st = unsafe { st.assume_init() };
    Some((st.st_dev as u64, st.st_ino as u64))
}

/// Descriptor bookkeeping of one round: sentinels at numbers the library must not
/// close again, descriptors held whose file must not change.
struct Ledger {
    null: OwnedFd,
    null_id: (u64, u64),
    sentinels: Vec<OwnedFd>,
    held: Vec<(OwnedFd, (u64, u64))>,
}

impl Ledger {
    fn new() -> Ledger {
        let null: OwnedFd = std::fs::File::open("/dev/null").expect("/dev/null").into();
        let null_id = ino(null.as_raw_fd()).expect("fstat /dev/null");
        Ledger {
            null,
            null_id,
            sentinels: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Closes a taken descriptor and puts a sentinel at its number at once.
    fn close_and_guard(&mut self, fd: OwnedFd) {
        let n = fd.as_raw_fd();
        drop(fd);
        // SAFETY: dup2 onto a number that is free now (just closed by us).
        let r = unsafe { libc::dup2(self.null.as_raw_fd(), n) };
        assert_eq!(r, n, "dup2 sentinel");
        // SAFETY: dup2 made `n` a descriptor that we own.
        self.sentinels.push(unsafe { OwnedFd::from_raw_fd(n) });
    }

    fn hold(&mut self, fd: OwnedFd, expect: (u64, u64)) {
        assert_eq!(
            ino(fd.as_raw_fd()),
            Some(expect),
            "taken fd is the sent file"
        );
        self.held.push((fd, expect));
    }

    /// Every sentinel still /dev/null, every held descriptor still its file.
    fn check(&self, when: &str) {
        for s in &self.sentinels {
            assert_eq!(
                ino(s.as_raw_fd()),
                Some(self.null_id),
                "{when}: sentinel at fd {} closed or replaced: a descriptor closed twice",
                s.as_raw_fd()
            );
        }
        for (h, id) in &self.held {
            assert_eq!(
                ino(h.as_raw_fd()),
                Some(*id),
                "{when}: held fd {} closed behind our back: owned twice",
                h.as_raw_fd()
            );
        }
    }
}

/// A datagram pair whose receiver has SO_PASSCRED and (if the kernel has it)
/// SO_PASSPIDFD on: each datagram with rights then carries three messages, two of
/// them owning descriptors.
fn rich_pair() -> (Socket, Socket, bool) {
    let (a, b) = pair(SOCK_DGRAM);
    setsockopt(&b, SOL_SOCKET, SO_PASSCRED, &1).expect("SO_PASSCRED");
    // SAFETY: SO_PASSPIDFD takes an int and nothing the kernel follows.
    let pidfd =
        unsafe { setsockopt_raw(&b, SOL_SOCKET, SO_PASSPIDFD, &1i32.to_ne_bytes()) }.is_ok();
    (a, b, pidfd)
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Creds,
    Rights,
    Pidfd,
    Other,
}

fn kind(c: &ControlMessage<'_>) -> Kind {
    match c {
        ControlMessage::Credentials(_) => Kind::Creds,
        ControlMessage::Rights(_) => Kind::Rights,
        ControlMessage::Pidfd(_) => Kind::Pidfd,
        _ => Kind::Other,
    }
}

/// A walk over a message's control messages, each handed to the callback.
type Walker<'w> = dyn FnMut(&mut dyn FnMut(ControlMessage<'_>)) + 'w;

/// What a round does with the descriptors of a message, by the round number: the
/// descriptors taken (in order).
fn walk_pattern(i: usize, msg_cmsgs: &mut Walker<'_>) -> Vec<OwnedFd> {
    let mut taken: Vec<OwnedFd> = Vec::new();
    match i % 12 {
        // Everything taken.
        0 => msg_cmsgs(&mut |c| match c {
            ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) => taken.extend(fds),
            _ => {}
        }),
        // Rights all taken, pidfd left.
        1 => msg_cmsgs(&mut |c| {
            if let ControlMessage::Rights(fds) = c {
                taken.extend(fds)
            }
        }),
        // Pidfd taken, rights left.
        2 => msg_cmsgs(&mut |c| {
            if let ControlMessage::Pidfd(fds) = c {
                taken.extend(fds)
            }
        }),
        // Rights: all but the last taken.
        3 => msg_cmsgs(&mut |c| {
            if let ControlMessage::Rights(mut fds) = c {
                let n = fds.remaining();
                for _ in 0..n.saturating_sub(1) {
                    taken.extend(fds.next());
                }
            }
        }),
        // Two walks: the first takes one of each, the second the rest of each.
        4 => {
            msg_cmsgs(&mut |c| match c {
                ControlMessage::Rights(mut fds) | ControlMessage::Pidfd(mut fds) => {
                    taken.extend(fds.next())
                }
                _ => {}
            });
            msg_cmsgs(&mut |c| match c {
                ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) => taken.extend(fds),
                _ => {}
            });
        }
        // Looked at (remaining, Debug) only.
        5 => msg_cmsgs(&mut |c| match c {
            ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) => {
                let _ = format!("{fds:?} {}", fds.remaining());
            }
            _ => {}
        }),
        // ScmRights forgotten after one taken (`mem::forget`: it has no Drop, so
        // forgetting it is dropping it).
        6 => msg_cmsgs(&mut |c| match c {
            ControlMessage::Rights(mut fds) | ControlMessage::Pidfd(mut fds) => {
                taken.extend(fds.next());
                #[allow(clippy::forget_non_drop)]
                std::mem::forget(fds);
            }
            _ => {}
        }),
        // All taken, then a second walk taking again (must find none).
        7 => {
            msg_cmsgs(&mut |c| match c {
                ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) => taken.extend(fds),
                _ => {}
            });
            msg_cmsgs(&mut |c| match c {
                ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) => {
                    assert_eq!(fds.count(), 0, "a slot handed out twice")
                }
                _ => {}
            });
        }
        // Four fresh walks, walk k taking k + 1 more: later walks meet -1 slots
        // first and reach the last slot after them.
        8 => {
            for k in 0..4 {
                msg_cmsgs(&mut |c| {
                    if let ControlMessage::Rights(mut fds) = c {
                        for _ in 0..k {
                            taken.extend(fds.next());
                        }
                        taken.extend(fds.next());
                    }
                });
            }
        }
        // Each descriptor message taken on a thread of its own.
        9 | 10 => {
            let mut got: Vec<Vec<OwnedFd>> = Vec::new();
            msg_cmsgs(&mut |c| {
                if let ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) = c {
                    std::thread::scope(|s| {
                        let h = s.spawn(move || fds.collect::<Vec<_>>());
                        got.push(h.join().expect("thread"));
                    });
                }
            });
            taken.extend(got.into_iter().flatten());
        }
        // Never looked at.
        _ => {}
    }
    taken
}

/// One datagram (credentials, rights, pidfd) into a `MsgHdrMut`, walked by pattern
/// `i`, the taken descriptors closed and guarded or held; then, by `i / 12`: the
/// drop, the `MsgHdrMut` reused, a failed call, or `MSG_PEEK` first.
fn recvmsg_rounds(control_len: usize) {
    let (a, b, _) = rich_pair();
    let (p, _q) = pair(SOCK_STREAM);
    let p_id = ino(p.as_raw_fd()).expect("fstat");
    no_leak("recvmsg", |i| {
        let mut led = Ledger::new();
        send_fds(&a, &[p.as_fd(); 4]);
        send_fds(&a, &[p.as_fd(); 4]);
        let mut data = [0u8; 4];
        let mut control = vec![0u8; control_len];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        let flags = if (i / 12) % 4 == 3 {
            MSG_PEEK
        } else {
            MsgFlags::from_raw(0)
        };
        assert_eq!(recvmsg(&b, &mut msg, flags), Ok(1));
        let kinds: Vec<Kind> = msg.cmsgs().map(|c| kind(&c)).collect();
        if i == 0 && control_len > 200 {
            println!(
                "       messages: {kinds:?}, controllen {}",
                msg.controllen()
            );
        }
        let taken = walk_pattern(i, &mut |f| msg.cmsgs().for_each(&mut *f));
        // Half of them held, the rest closed and guarded.
        for (k, fd) in taken.into_iter().enumerate() {
            if k % 2 == 0 {
                led.close_and_guard(fd);
            } else {
                let id = ino(fd.as_raw_fd()).expect("fstat taken");
                if id == p_id {
                    led.hold(fd, p_id);
                } else {
                    // A pidfd: it must stay what it is.
                    led.held.push((fd, id));
                }
            }
        }
        led.check("after walk");
        match (i / 12) % 4 {
            0 => drop(msg),
            1 | 3 => {
                assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
                led.check("after reuse");
                if i % 2 == 0 {
                    for c in msg.cmsgs() {
                        if let ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) = c {
                            for fd in fds {
                                led.close_and_guard(fd);
                            }
                        }
                    }
                }
                drop(msg);
            }
            _ => {
                assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
                assert_eq!(recvmsg(&b, &mut msg, MSG_DONTWAIT), Err(Errno::EAGAIN));
                assert_eq!(msg.controllen(), 0);
                led.check("after failed call");
                drop(msg);
            }
        }
        led.check("after drop");
        // Drain what is left (a pattern may have left the second datagram).
        let mut data = [0u8; 4];
        let mut control = [0u8; 256];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        let mut left = 2;
        while left > 0 && recvmsg(&b, &mut msg, MSG_DONTWAIT).is_ok() {
            left -= 1;
        }
        drop(msg);
        led.check("after drain");
    });
}

/// `recvmmsg` with entries reused across calls, walked by patterns, fewer messages
/// the second time, a failed call, then the `MsgHdrMut`s walked, used for `recvmsg`
/// and dropped; the entries made from `MsgHdrMut`s that already had a partly walked
/// `recvmsg`.
fn recvmmsg_rounds(control_len: usize) {
    let (a, b, _) = rich_pair();
    let (p, _q) = pair(SOCK_STREAM);
    no_leak("recvmmsg", |i| {
        let mut led = Ledger::new();
        let mut bufs = [[0u8; 4]; 4];
        let mut controls = vec![vec![0u8; control_len]; 4];
        let mut iovs: Vec<[IoSliceMut<'_>; 1]> =
            bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
        let mut hdrs: Vec<MsgHdrMut<'_, '_>> = iovs
            .iter_mut()
            .zip(controls.iter_mut())
            .map(|(iov, c)| MsgHdrMut::new(iov, c))
            .collect();
        // Entries 0 and 1 first get a recvmsg of their own, walked partly.
        for h in hdrs.iter_mut().take(2) {
            send_fds(&a, &[p.as_fd(); 3]);
            assert_eq!(recvmsg(&b, h, 0), Ok(1));
            let taken = walk_pattern(i + 1, &mut |f| h.cmsgs().for_each(&mut *f));
            taken.into_iter().for_each(|fd| led.close_and_guard(fd));
        }
        led.check("after recvmsg walks");
        {
            let mut entries: Vec<MMsgHdrMut<'_, '_, '_>> =
                hdrs.iter_mut().map(MMsgHdrMut::new).collect();
            // The entries start with the MsgHdrMuts' state: walk it again.
            let taken = walk_pattern(i + 3, &mut |f| entries[0].cmsgs().for_each(&mut *f));
            taken.into_iter().for_each(|fd| led.close_and_guard(fd));
            for round in 0..3 {
                let n = [4, 2, 0][(round + i) % 3];
                for _ in 0..n {
                    send_fds(&a, &[p.as_fd(); 2]);
                }
                let r = recvmmsg(&b, &mut entries, MSG_DONTWAIT, None);
                if n == 0 {
                    assert_eq!(r, Err(Errno::EAGAIN));
                    assert!(entries.iter().all(|e| e.controllen() == 0));
                } else {
                    assert_eq!(r, Ok(n));
                }
                led.check("after recvmmsg");
                for (k, e) in entries.iter_mut().enumerate() {
                    let taken = walk_pattern(i + k + round, &mut |f| e.cmsgs().for_each(&mut *f));
                    taken.into_iter().for_each(|fd| led.close_and_guard(fd));
                }
                led.check("after entry walks");
            }
        }
        // Entries gone: the MsgHdrMuts hold the last call's state; walk, reuse, drop.
        for (k, h) in hdrs.iter_mut().enumerate() {
            let taken = walk_pattern(i + 2 * k, &mut |f| h.cmsgs().for_each(&mut *f));
            taken.into_iter().for_each(|fd| led.close_and_guard(fd));
        }
        led.check("after MsgHdrMut walks");
        if i % 2 == 0 {
            send_fds(&a, &[p.as_fd(); 2]);
            assert_eq!(recvmsg(&b, &mut hdrs[3], 0), Ok(1));
            led.check("after recvmsg reuse");
        }
        // Dropped in reverse order a third of the time.
        if i % 3 == 0 {
            while let Some(h) = hdrs.pop() {
                drop(h);
            }
        } else {
            drop(hdrs);
        }
        led.check("after drop");
    });
}

/// The descriptor messages of one datagram (rights and, where the kernel has it, a
/// pidfd), each taken on its own thread at once, one left behind now and then.
fn threads_race() {
    let (a, b, pidfd_on) = rich_pair();
    if !pidfd_on {
        println!("       (no SO_PASSPIDFD here: one descriptor message only)");
    }
    let (p, _q) = pair(SOCK_STREAM);
    no_leak("threads", |i| {
        let mut led = Ledger::new();
        send_fds(&a, &[p.as_fd(); 8]);
        let mut data = [0u8; 4];
        let mut control = [0u8; 512];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
        let all: Vec<ControlMessage<'_>> = msg.cmsgs().collect();
        let taken: Vec<OwnedFd> = std::thread::scope(|s| {
            let hs: Vec<_> = all
                .into_iter()
                .filter_map(|c| match c {
                    ControlMessage::Rights(fds) | ControlMessage::Pidfd(fds) => Some(fds),
                    _ => None,
                })
                .enumerate()
                .map(|(k, mut fds)| {
                    s.spawn(move || {
                        let leave = usize::from(i % 4 == 1 && k == 0);
                        let n = fds.remaining() - leave.min(fds.remaining());
                        (0..n).filter_map(|_| fds.next()).collect::<Vec<_>>()
                    })
                })
                .collect();
            hs.into_iter()
                .flat_map(|h| h.join().expect("thread"))
                .collect()
        });
        taken.into_iter().for_each(|fd| led.close_and_guard(fd));
        led.check("after threads");
        drop(msg);
        led.check("after drop");
    });
}

/// A `recvmsg` and `recvmmsg` that report 64 control bytes more than the kernel
/// wrote: a count past the buffer, which the library must cut to the buffer.
const SHIM_C: &str = r#"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>
ssize_t recvmsg(int fd, struct msghdr *m, int flags) {
    static ssize_t (*real)(int, struct msghdr *, int);
    if (!real) real = dlsym(RTLD_NEXT, "recvmsg");
    ssize_t r = real(fd, m, flags);
    if (r >= 0 && m->msg_control && m->msg_controllen) m->msg_controllen += 64;
    return r;
}
int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags, struct timespec *t) {
    static int (*real)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
    if (!real) real = dlsym(RTLD_NEXT, "recvmmsg");
    int r = real(fd, v, n, flags, t);
    for (int i = 0; i < r; i++)
        if (v[i].msg_hdr.msg_control && v[i].msg_hdr.msg_controllen)
            v[i].msg_hdr.msg_controllen += 64;
    return r;
}
"#;

/// Runs this binary again under the shim (built with `cc`); whether it passed.
fn under_shim() -> bool {
    let dir = std::env::temp_dir().join(format!("fd_walks_shim_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let c = dir.join("shim.c");
    let so = dir.join("shim.so");
    std::fs::write(&c, SHIM_C).expect("write shim");
    let built = std::process::Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(&c)
        .arg("-ldl")
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !built {
        let _ = std::fs::remove_dir_all(&dir);
        println!("       (cc did not build the shim: install gcc to run this part)");
        return std::env::var_os("CI").is_none();
    }
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env("LD_PRELOAD", &so)
        .env("FD_WALKS_UNDER_SHIM", "1")
        .output()
        .expect("run under shim");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        println!("{}", String::from_utf8_lossy(&out.stderr));
    }
    out.status.success()
}

fn main() {
    trace::disable();
    let shimmed = std::env::var_os("FD_WALKS_UNDER_SHIM").is_some();
    let tag = if shimmed { "[shim] " } else { "" };
    // Exact-size control buffers make the shim's count pass the buffer.
    let exact = CMSG_SPACE(12) + CMSG_SPACE(4 * 4) + CMSG_SPACE(4);
    let exact_m = CMSG_SPACE(12) + CMSG_SPACE(2 * 4) + CMSG_SPACE(4);
    let scenarios: Vec<(String, Box<dyn Fn()>)> = vec![
        (
            format!("{tag}recvmsg, large buffer, every walk"),
            Box::new(|| recvmsg_rounds(512)),
        ),
        (
            format!("{tag}recvmsg, exact buffer"),
            Box::new(move || recvmsg_rounds(exact)),
        ),
        (
            format!("{tag}recvmsg, MSG_CTRUNC (credentials and one descriptor's room)"),
            Box::new(|| recvmsg_rounds(CMSG_SPACE(12) + CMSG_LEN(4))),
        ),
        (format!("{tag}threads take at once"), Box::new(threads_race)),
        (
            format!("{tag}recvmmsg, large buffers"),
            Box::new(|| recvmmsg_rounds(512)),
        ),
        (
            format!("{tag}recvmmsg, exact buffers"),
            Box::new(move || recvmmsg_rounds(exact_m)),
        ),
        (
            format!("{tag}recvmmsg, MSG_CTRUNC"),
            Box::new(|| recvmmsg_rounds(CMSG_SPACE(12) + CMSG_LEN(4))),
        ),
    ];
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
    // The shim is a second C library in front of the first: not under a sanitizer,
    // whose runtime must come first.
    let sanitized = cfg!(any(
        sockapi_sanitizer = "address",
        sockapi_sanitizer = "hwaddress",
        sockapi_sanitizer = "leak",
        sockapi_sanitizer = "memory",
        sockapi_sanitizer = "thread"
    ));
    if sanitized && !shimmed {
        println!("       (skipped under a sanitizer: the run under the LD_PRELOAD shim)");
    }
    if !shimmed && !sanitized {
        if under_shim() {
            passed += 1;
        } else {
            failed += 1;
            println!("FAILED the run under the shim");
        }
    }
    println!("fd_walks{tag}: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
