//! Process-wide fault plans (feature `fault`), in their own binary (`harness = false`)
//! since a process-wide plan reaches every thread: it reaches threads it did not
//! start, a thread's own plan takes precedence there, one runs at a time, its guard
//! ends it everywhere, and `close` and a dropped `Socket` under an injected failure
//! still close the descriptor. And what counts the whole process's descriptors: an
//! injected short or failed `recvmsg`/`recvmmsg` closes the last call's untaken
//! descriptors, as the real call does.

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::thread;

use sockapi::fault::{Plan, Rule};
use sockapi::*;

fn pair() -> (Socket, Socket) {
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair")
}

fn dgram_pair() -> (Socket, Socket) {
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair")
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("read /proc/self/fd")
        .count()
}

fn is_open(fd: i32) -> bool {
    Path::new(&format!("/proc/self/fd/{fd}")).exists()
}

fn reaches_other_threads() {
    let (a, _b) = pair();
    let guard = Plan::new()
        .rule(Rule::on("getsockname").fail(Errno::EIO))
        .process_wide()
        .start()
        .expect("plan");
    assert!(
        Plan::new()
            .rule(Rule::on("send").eintr())
            .process_wide()
            .start()
            .is_err(),
        "one process-wide plan at a time"
    );
    assert_eq!(getsockname(&a).err(), Some(Errno::EIO));
    let seen = thread::scope(|s| {
        let other = s.spawn(|| getsockname(&a).err());
        // A thread with its own plan follows that plan only.
        let own = s.spawn(|| {
            let _mine = Plan::new()
                .rule(Rule::on("getpeername").fail(Errno::ENOBUFS))
                .start()
                .expect("own plan");
            (getsockname(&a).err(), getpeername(&a).err())
        });
        (other.join().expect("thread"), own.join().expect("thread"))
    });
    assert_eq!(seen, (Some(Errno::EIO), (None, Some(Errno::ENOBUFS))));
    assert_eq!(guard.injected(), 2);
    drop(guard);
    let after = thread::scope(|s| s.spawn(|| getsockname(&a).is_ok()).join().expect("thread"));
    assert!(after, "the guard ended the plan for every thread");
    assert!(getsockname(&a).is_ok());
    println!("reaches_other_threads ... ok");
}

fn close_and_drop_still_close() {
    let _guard = Plan::new()
        .rule(Rule::on("close").fail(Errno::EIO).times(2))
        .process_wide()
        .start()
        .expect("plan");
    let (a, b) = pair();
    let (na, nb) = (a.as_raw_fd(), b.as_raw_fd());
    assert!(is_open(na) && is_open(nb));
    assert_eq!(close(a), Err(Errno::EIO));
    assert!(
        !is_open(na),
        "close closed the descriptor before reporting EIO"
    );
    drop(b);
    assert!(!is_open(nb), "drop closed the descriptor");
    // Another thread's drop meets the plan too, and its descriptor closes as well.
    let (c, d) = pair();
    let nc = c.as_raw_fd();
    thread::scope(|s| s.spawn(move || drop(c)).join().expect("thread"));
    assert!(!is_open(nc));
    assert_eq!(close(d), Ok(()), "the rule is spent");
    println!("close_and_drop_still_close ... ok");
}

/// A `short` `recvmmsg` of 1 leaves the other entries empty, as a real call that
/// returned 1 does: not the lengths, and not the descriptors, of the call before.
fn short_recvmmsg_empties_the_entries_past_its_count() {
    let (a, b) = dgram_pair();
    let (x, _y) = pair();
    // Three datagrams, the first two with a descriptor each.
    for (i, m) in [&b"a"[..], b"bb", b"ccc"].into_iter().enumerate() {
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
        let mut builder = CmsgBuilder::new(&mut buf);
        if i < 2 {
            builder
                .rights(&[std::os::fd::AsFd::as_fd(&x)])
                .expect("rights");
        }
        let control = builder.finish();
        let iov = [IoSlice::new(m)];
        assert_eq!(
            sendmsg(&a, &MsgHdr::new(None, &iov, control), 0),
            Ok(m.len())
        );
    }
    let mut d = [[0u8; 8]; 3];
    let mut c = [[0u8; CMSG_SPACE(4)]; 3];
    let [d0, d1, d2] = &mut d;
    let [c0, c1, c2] = &mut c;
    let (mut i0, mut i1, mut i2) = (
        [IoSliceMut::new(d0)],
        [IoSliceMut::new(d1)],
        [IoSliceMut::new(d2)],
    );
    let (mut h0, mut h1, mut h2) = (
        MsgHdrMut::new(&mut i0, c0),
        MsgHdrMut::new(&mut i1, c1),
        MsgHdrMut::new(&mut i2, c2),
    );
    let before = open_fds();
    {
        let mut msgs = [
            MMsgHdrMut::new(&mut h0),
            MMsgHdrMut::new(&mut h1),
            MMsgHdrMut::new(&mut h2),
        ];
        assert_eq!(recvmmsg(&b, &mut msgs, MSG_DONTWAIT, None), Ok(3));
        assert!(msgs[1].controllen() > 0, "entry 1 holds a descriptor");
        assert_eq!(open_fds(), before + 2);
        assert_eq!(send(&a, b"dddd", 0), Ok(4));
        let _plan = Plan::new()
            .rule(Rule::on("recvmmsg").short(1))
            .start()
            .expect("plan");
        assert_eq!(recvmmsg(&b, &mut msgs, MSG_DONTWAIT, None), Ok(1));
        assert_eq!((msgs[0].len(), msgs[1].len(), msgs[2].len()), (4, 0, 0));
        assert_eq!(msgs[1].controllen(), 0, "entry 1 is empty");
        assert!(msgs[1].cmsgs().next().is_none());
        assert_eq!(open_fds(), before, "the last call's descriptors are closed");
    }
}

/// An injected failure of `recvmsg` closes the last call's untaken descriptors, as the
/// real failed call does, and leaves no control bytes, address or flags.
fn injected_recvmsg_failure_leaves_what_a_real_one_does() {
    let (a, b) = dgram_pair();
    let (x, _y) = pair();
    let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
    let mut builder = CmsgBuilder::new(&mut buf);
    builder
        .rights(&[std::os::fd::AsFd::as_fd(&x)])
        .expect("rights");
    let control = builder.finish();
    let iov = [IoSlice::new(b"f")];
    assert_eq!(sendmsg(&a, &MsgHdr::new(None, &iov, control), 0), Ok(1));
    let mut data = [0u8; 4];
    let mut control = [0u8; 64];
    let mut iov = [IoSliceMut::new(&mut data)];
    let mut msg = MsgHdrMut::new(&mut iov, &mut control);
    let before = open_fds();
    assert_eq!(recvmsg(&b, &mut msg, 0), Ok(1));
    assert_eq!(open_fds(), before + 1);
    let _plan = Plan::new()
        .rule(Rule::on("recvmsg").fail(Errno::ECONNRESET))
        .start()
        .expect("plan");
    assert_eq!(recvmsg(&b, &mut msg, 0), Err(Errno::ECONNRESET));
    assert_eq!(msg.controllen(), 0);
    assert_eq!(msg.flags(), MsgFlags::from_raw(0));
    assert_eq!(open_fds(), before, "the untaken descriptor is closed");
}

fn main() {
    reaches_other_threads();
    close_and_drop_still_close();
    short_recvmmsg_empties_the_entries_past_its_count();
    injected_recvmsg_failure_leaves_what_a_real_one_does();
    println!("fault_process: 4 passed");
}
