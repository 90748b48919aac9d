//! `epoll_create1`, `epoll_ctl` and `epoll_wait` on loopback sockets: readiness (read,
//! write, out-of-band, the peer's shutdown), edge-triggered and one-shot
//! registrations, timeouts, the errors of misuse, the owned descriptor, and what
//! closing a registered socket does.
#![cfg(target_os = "linux")]

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{tcp_pair, V4};

/// A wait that should see its event at once still gives up, so a bug fails the test
/// instead of hanging it.
const WAIT_MS: i32 = 10_000;

fn epoll() -> Epoll {
    epoll_create1(EPOLL_CLOEXEC).expect("epoll_create1")
}

fn add(ep: &Epoll, fd: &impl AsFd, events: EpollFlags, data: u64) {
    let ev = epoll_event::new(events, data);
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, Some(&ev)).expect("EPOLL_CTL_ADD");
}

/// The entries of one `epoll_wait` with room for 8.
fn wait(ep: &Epoll, timeout: i32) -> Vec<epoll_event> {
    let mut events = [epoll_event::default(); 8];
    let n = epoll_wait(ep, &mut events, timeout).expect("epoll_wait");
    events[..n].to_vec()
}

/// A descriptor number that is never open in this process: at or above the soft
/// `RLIMIT_NOFILE`, where the kernel cannot put one.
fn never_open() -> RawFd {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    RawFd::try_from(lim.rlim_cur).unwrap_or(RawFd::MAX - 1)
}

/// Borrows [`never_open`]'s number: nothing owns it, nothing can open it, so the
/// calls just meet `EBADF`.
fn bad_fd() -> BorrowedFd<'static> {
    // SAFETY: the number can never be an open descriptor of this process, so the
    // borrow aliases no owner; the calls given it fail with EBADF.
    unsafe { BorrowedFd::borrow_raw(never_open()) }
}

#[test]
fn epoll_event_is_the_c_struct_and_round_trips() {
    #[cfg(target_arch = "x86_64")]
    assert_eq!(std::mem::size_of::<epoll_event>(), 12, "packed on x86-64");
    assert_eq!(
        std::mem::size_of::<epoll_event>(),
        std::mem::size_of::<sys::epoll_event>()
    );
    for data in [0, 3, u64::from(u32::MAX) + 1, u64::MAX] {
        let mut ev = epoll_event::new(EPOLLIN | EPOLLET, data);
        assert_eq!(ev.events(), EPOLLIN | EPOLLET);
        assert_eq!(ev.data(), data);
        ev.set_events(EPOLLOUT);
        ev.set_data(!data);
        assert_eq!((ev.events(), ev.data()), (EPOLLOUT, !data));
    }
    assert_eq!(
        format!("{:?}", epoll_event::new(EPOLLIN | EPOLLRDHUP | EPOLLET, 3)),
        "{events=EPOLLIN|EPOLLRDHUP|EPOLLET, data={u32=3, u64=3}}"
    );
    assert_eq!(
        format!(
            "{:?}",
            epoll_event::new(EpollFlags::from_raw(0x4000), 1 << 32 | 7)
        ),
        "{events=0x4000, data={u32=7, u64=4294967303}}"
    );
    assert_eq!(
        epoll_event::default(),
        epoll_event::new(EpollFlags::EMPTY, 0)
    );
}

#[test]
fn read_and_write_readiness() {
    let (client, server) = tcp_pair(V4);
    let ep = epoll();
    add(&ep, &server, EPOLLIN | EPOLLOUT, 42);
    // Nothing to read yet; room to write.
    let ready = wait(&ep, WAIT_MS);
    assert_eq!(ready, [epoll_event::new(EPOLLOUT, 42)]);
    assert_eq!(send(&client, b"hello", 0), Ok(5));
    // Writable all along, so wait for the data with EPOLLIN alone, then ask for both.
    let ev = epoll_event::new(EPOLLIN, 42);
    epoll_ctl(&ep, EPOLL_CTL_MOD, &server, Some(&ev)).unwrap();
    assert_eq!(wait(&ep, WAIT_MS), [epoll_event::new(EPOLLIN, 42)]);
    let ev = epoll_event::new(EPOLLIN | EPOLLOUT, 42);
    epoll_ctl(&ep, EPOLL_CTL_MOD, &server, Some(&ev)).unwrap();
    let ready = wait(&ep, 0);
    assert_eq!(ready, [epoll_event::new(EPOLLIN | EPOLLOUT, 42)]);
    let mut buf = [0u8; 8];
    assert_eq!(recv(&server, &mut buf, 0), Ok(5));
    // Read only: nothing left.
    let ev = epoll_event::new(EPOLLIN, 42);
    epoll_ctl(&ep, EPOLL_CTL_MOD, &server, Some(&ev)).unwrap();
    assert_eq!(wait(&ep, 0), []);
}

#[test]
fn out_of_band_data_is_epollpri() {
    let (client, server) = tcp_pair(V4);
    let ep = epoll();
    add(&ep, &server, EPOLLPRI, 1);
    assert_eq!(wait(&ep, 0), []);
    assert_eq!(send(&client, b"!", MSG_OOB), Ok(1));
    let ready = wait(&ep, WAIT_MS);
    assert_eq!(ready.len(), 1);
    assert!(ready[0].events().contains(EPOLLPRI), "{ready:?}");
    let mut buf = [0u8; 1];
    assert_eq!(recv(&server, &mut buf, MSG_OOB), Ok(1));
    assert_eq!(&buf, b"!");
}

#[test]
fn peer_shutdown_is_epollrdhup() {
    let (client, server) = tcp_pair(V4);
    let ep = epoll();
    add(&ep, &server, EPOLLIN | EPOLLRDHUP, 9);
    assert_eq!(wait(&ep, 0), []);
    shutdown(&client, SHUT_WR).unwrap();
    let ready = wait(&ep, WAIT_MS);
    assert_eq!(ready, [epoll_event::new(EPOLLIN | EPOLLRDHUP, 9)]);
    let mut buf = [0u8; 1];
    assert_eq!(recv(&server, &mut buf, 0), Ok(0), "end-of-file");
    // The peer can still read: our side is open.
    shutdown(&server, SHUT_WR).unwrap();
    let ready = wait(&ep, WAIT_MS);
    assert!(ready[0].events().contains(EPOLLHUP), "{ready:?}");
}

#[test]
fn edge_triggered_fires_once_per_new_data() {
    let (client, server) = tcp_pair(V4);
    let ep = epoll();
    add(&ep, &server, EPOLLIN | EPOLLET, 5);
    assert_eq!(send(&client, b"a", 0), Ok(1));
    assert_eq!(wait(&ep, WAIT_MS), [epoll_event::new(EPOLLIN, 5)]);
    // The byte is still unread, but nothing new came: no event.
    assert_eq!(wait(&ep, 0), []);
    assert_eq!(send(&client, b"b", 0), Ok(1));
    assert_eq!(wait(&ep, WAIT_MS), [epoll_event::new(EPOLLIN, 5)]);
    assert_eq!(wait(&ep, 0), []);
    let mut buf = [0u8; 4];
    assert_eq!(recv(&server, &mut buf, 0), Ok(2));
    assert_eq!(&buf[..2], b"ab");
}

#[test]
fn oneshot_fires_once_until_mod() {
    let (client, server) = tcp_pair(V4);
    let ep = epoll();
    add(&ep, &server, EPOLLIN | EPOLLONESHOT, 6);
    assert_eq!(send(&client, b"a", 0), Ok(1));
    assert_eq!(wait(&ep, WAIT_MS), [epoll_event::new(EPOLLIN, 6)]);
    assert_eq!(send(&client, b"b", 0), Ok(1));
    // Disabled: neither the data waiting nor the new data is reported.
    assert_eq!(wait(&ep, 0), []);
    // Re-armed (with new data, even), it fires again, once.
    let ev = epoll_event::new(EPOLLIN | EPOLLONESHOT, 7);
    epoll_ctl(&ep, EPOLL_CTL_MOD, &server, Some(&ev)).unwrap();
    assert_eq!(wait(&ep, WAIT_MS), [epoll_event::new(EPOLLIN, 7)]);
    assert_eq!(wait(&ep, 0), []);
}

#[test]
fn zero_timeout_polls_and_a_short_one_returns_zero() {
    let (_client, server) = tcp_pair(V4);
    let ep = epoll();
    add(&ep, &server, EPOLLIN, 1);
    let start = Instant::now();
    assert_eq!(wait(&ep, 0), []);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );

    let start = Instant::now();
    assert_eq!(wait(&ep, 50), []);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(45),
        "returned early: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");

    // No descriptor registered at all: the same.
    let empty = epoll();
    let mut events = [epoll_event::default(); 1];
    assert_eq!(epoll_wait(&empty, &mut events, 0), Ok(0));
    assert_eq!(epoll_wait(&empty, &mut events, 10), Ok(0));
}

#[test]
fn data_comes_back_per_registration() {
    let pairs: Vec<(Socket, Socket)> = (0..4)
        .map(|_| socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap())
        .collect();
    let ep = epoll();
    let datas = [0, u64::from(u32::MAX), 1 << 40 | 3, u64::MAX];
    for ((_, b), data) in pairs.iter().zip(datas) {
        add(&ep, b, EPOLLIN, data);
    }
    for (a, _) in &pairs {
        assert_eq!(send(a, b"x", 0), Ok(1));
    }
    let mut events = [epoll_event::default(); 8];
    let n = epoll_wait(&ep, &mut events, WAIT_MS).unwrap();
    assert_eq!(n, 4);
    let mut got: Vec<u64> = events[..n].iter().map(|e| e.data()).collect();
    got.sort_unstable();
    let mut want = datas.to_vec();
    want.sort_unstable();
    assert_eq!(got, want);
    assert!(events[..n].iter().all(|e| e.events() == EPOLLIN));
    // The entries past `n` are untouched.
    assert!(events[n..].iter().all(|e| *e == epoll_event::default()));

    // A slice of one gets one at a time; the rest stay ready.
    let mut one = [epoll_event::default()];
    assert_eq!(epoll_wait(&ep, &mut one, 0), Ok(1));
}

#[test]
fn misuse_errors() {
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let ep = epoll();
    let ev = epoll_event::new(EPOLLIN, 1);

    // EBADF: a bad epoll descriptor, or a bad target.
    assert_eq!(
        epoll_ctl(&bad_fd(), EPOLL_CTL_ADD, &a, Some(&ev)),
        Err(Errno::EBADF)
    );
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &bad_fd(), Some(&ev)),
        Err(Errno::EBADF)
    );
    let mut events = [epoll_event::default(); 4];
    assert_eq!(epoll_wait(&bad_fd(), &mut events, 0), Err(Errno::EBADF));

    // EEXIST: added twice.
    epoll_ctl(&ep, EPOLL_CTL_ADD, &a, Some(&ev)).unwrap();
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &a, Some(&ev)),
        Err(Errno::EEXIST)
    );

    // ENOENT: MOD or DEL of one never added.
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_MOD, &b, Some(&ev)),
        Err(Errno::ENOENT)
    );
    assert_eq!(epoll_ctl(&ep, EPOLL_CTL_DEL, &b, None), Err(Errno::ENOENT));
    // DEL of one added works once.
    assert_eq!(epoll_ctl(&ep, EPOLL_CTL_DEL, &a, None), Ok(()));
    assert_eq!(epoll_ctl(&ep, EPOLL_CTL_DEL, &a, None), Err(Errno::ENOENT));

    // EINVAL: EPOLLEXCLUSIVE with EPOLLONESHOT, and with MOD.
    let exclusive_oneshot = epoll_event::new(EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1);
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&exclusive_oneshot)),
        Err(Errno::EINVAL)
    );
    let exclusive = epoll_event::new(EPOLLIN | EPOLLEXCLUSIVE, 1);
    epoll_ctl(&ep, EPOLL_CTL_ADD, &a, Some(&ev)).unwrap();
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_MOD, &a, Some(&exclusive)),
        Err(Errno::EINVAL)
    );
    // ... and with EPOLLRDHUP, a bit it does not allow either.
    let exclusive_rdhup = epoll_event::new(EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP, 1);
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&exclusive_rdhup)),
        Err(Errno::EINVAL)
    );
    // ADD with EPOLLEXCLUSIVE alone is fine; MOD of such a registration is not.
    assert_eq!(epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&exclusive)), Ok(()));
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_MOD, &b, Some(&ev)),
        Err(Errno::EINVAL)
    );

    // EINVAL: an unknown op; epfd not an epoll descriptor; epfd as its own target;
    // an epoll descriptor registered with EPOLLEXCLUSIVE; an empty event slice
    // (maxevents 0).
    let inner = epoll();
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &inner, Some(&exclusive)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        epoll_ctl(&ep, EpollOp::from_raw(5), &a, Some(&ev)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        epoll_ctl(&a, EPOLL_CTL_ADD, &b, Some(&ev)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &ep, Some(&ev)),
        Err(Errno::EINVAL)
    );
    assert_eq!(epoll_wait(&ep, &mut [], 0), Err(Errno::EINVAL));
    assert_eq!(epoll_wait(&a, &mut events, 0), Err(Errno::EINVAL));

    // EFAULT: no event (C's NULL) where ADD needs one.
    let (c, _d) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    assert_eq!(epoll_ctl(&ep, EPOLL_CTL_ADD, &c, None), Err(Errno::EFAULT));

    // EPERM: a regular file cannot be polled.
    let file = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();
    assert_eq!(
        epoll_ctl(&ep, EPOLL_CTL_ADD, &file, Some(&ev)),
        Err(Errno::EPERM)
    );
}

#[test]
fn epoll_cloexec_is_set_only_when_asked() {
    let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
    assert!(fcntl(&ep, F_GETFD).unwrap().contains(FD_CLOEXEC));
    let ep = epoll_create1(0).unwrap();
    assert!(!fcntl(&ep, F_GETFD).unwrap().contains(FD_CLOEXEC));
    assert_eq!(
        epoll_create1(EpollCreateFlags::from_raw(1)).map(drop),
        Err(Errno::EINVAL)
    );
}

/// `fcntl(fd, F_GETFD)` through libc, for a number that may be closed.
fn fd_is_open(fd: RawFd) -> bool {
    // SAFETY: integers only.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

#[test]
fn the_epoll_descriptor_closes_on_drop() {
    // Moved to a high number of its own, so that no other test (these run in
    // parallel, taking the lowest free numbers) can reuse it once it closes.
    let ep = epoll();
    // SAFETY: integers only; the duplicate is new and owned below.
    let high = unsafe { libc::fcntl(ep.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 900) };
    assert!(high >= 900, "F_DUPFD_CLOEXEC: {}", Errno::last());
    drop(ep);
    // SAFETY: `high` was just returned by F_DUPFD_CLOEXEC; nothing else owns it.
    let ep = Epoll::from(unsafe { OwnedFd::from_raw_fd(high) });
    assert_eq!(ep.as_raw_fd(), high);
    assert_eq!(epoll_wait(&ep, &mut [epoll_event::default()], 0), Ok(0));
    assert!(fd_is_open(high));
    drop(ep);
    assert!(!fd_is_open(high), "the epoll descriptor is still open");
    assert_eq!(Errno::last(), Errno::EBADF);

    // `close` reports, and ends it too.
    let ep = epoll();
    assert_eq!(close(ep), Ok(()));
}

#[test]
fn closing_a_registered_socket_removes_it_unless_duplicated() {
    let ep = epoll();
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    add(&ep, &b, EPOLLIN, 1);
    assert_eq!(send(&a, b"x", 0), Ok(1));
    assert_eq!(wait(&ep, WAIT_MS), [epoll_event::new(EPOLLIN, 1)]);
    // The only descriptor of the file closes: the kernel drops the registration.
    drop(b);
    let after = wait(&ep, 0);
    assert_eq!(after, [], "a closed socket is still reported");

    // With a duplicate, the registration outlives the number it was made with.
    let (c, d) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let dup: OwnedFd = d.as_fd().try_clone_to_owned().expect("F_DUPFD_CLOEXEC");
    add(&ep, &d, EPOLLIN, 2);
    drop(d);
    assert_eq!(send(&c, b"y", 0), Ok(1));
    assert_eq!(wait(&ep, WAIT_MS), [epoll_event::new(EPOLLIN, 2)]);
    drop(dup);
    assert_eq!(wait(&ep, 0), []);
}
