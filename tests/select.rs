//! `FdSet` and `select`/`pselect` on loopback: readiness (read, write, out-of-band
//! data), timeouts and the time left, and the two holes C leaves open — an fd of
//! `FD_SETSIZE` or more, an `nfds` above `FD_SETSIZE` — closed without a panic.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{tcp_pair, V4};

/// An fd numbered at least `at`, a duplicate of a socket, closed on drop: the way to
/// get a descriptor that no `fd_set` can hold. `F_DUPFD_CLOEXEC` takes the lowest free
/// number from `at` (a `dup2` that never closes a descriptor someone else opened).
fn high_fd(at: RawFd) -> OwnedFd {
    raise_nofile(at as u64 + 16);
    let s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    // SAFETY: `fcntl(F_DUPFD_CLOEXEC)` on an open descriptor; no memory is involved.
    let fd = unsafe { libc::fcntl(s.as_raw_fd(), libc::F_DUPFD_CLOEXEC, at) };
    assert!(fd >= at, "F_DUPFD_CLOEXEC({at}): {}", Errno::last());
    // SAFETY: `fd` was just returned open, and nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// Raises the soft `RLIMIT_NOFILE` to at least `n` (up to the hard limit).
fn raise_nofile(n: u64) {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `rl` is a writable `rlimit`.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) }, 0);
    if rl.rlim_cur < n {
        assert!(rl.rlim_max >= n, "the hard RLIMIT_NOFILE is below {n}");
        rl.rlim_cur = n;
        // SAFETY: `rl` is a readable `rlimit`.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &rl) }, 0);
    }
}

fn pair() -> (Socket, Socket) {
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap()
}

const ZERO: timeval = timeval {
    tv_sec: 0,
    tv_usec: 0,
};

/// A bound on waits that should end at once.
const LONG: timeval = timeval {
    tv_sec: 10,
    tv_usec: 0,
};

#[test]
fn an_empty_set_and_one_fd() {
    let (a, b) = pair();
    let mut set = FdSet::new();
    assert!(set.is_empty());
    assert_eq!(set.nfds(), 0);
    assert_eq!(set.len(), 0);
    assert_eq!(set, FdSet::default());
    set.insert(&b).unwrap();
    assert!(set.contains(&b));
    assert!(!set.contains(&a));
    assert!(FD_ISSET(b.as_raw_fd(), &set));
    assert_eq!(set.nfds(), b.as_raw_fd() + 1);
    assert_eq!(set.iter().collect::<Vec<_>>(), [b.as_raw_fd()]);
    assert_eq!(format!("{set:?}"), format!("{{{}}}", b.as_raw_fd()));
    let copy = set;
    assert!(set.remove(&b));
    assert!(!set.remove(&b));
    assert!(set.is_empty());
    assert!(copy.contains(&b), "a copy is its own set");
    let mut again = copy;
    FD_ZERO(&mut again);
    assert!(again.is_empty());
}

/// Our bits are where C's `FD_ISSET` looks, for every fd the set can hold.
#[test]
fn the_bits_are_where_c_looks() {
    for fd in 0..FD_SETSIZE {
        let mut set = FdSet::new();
        FD_SET(fd, &mut set).unwrap();
        // SAFETY: `fd` is in 0..FD_SETSIZE, and the set is a valid `fd_set`.
        assert!(unsafe { libc::FD_ISSET(fd, set.as_raw()) }, "fd {fd}");
        assert_eq!(set.nfds(), fd + 1);
        assert_eq!(set.len(), 1);
        assert_eq!(set.iter().next(), Some(fd));
        FD_CLR(fd, &mut set);
        assert!(set.is_empty(), "fd {fd}");
    }
    let mut all = FdSet::new();
    for fd in (0..FD_SETSIZE).rev() {
        FD_SET(fd, &mut all).unwrap();
    }
    assert_eq!(all.len(), FD_SETSIZE as usize);
    assert!(all.iter().eq(0..FD_SETSIZE));
    assert_eq!(all.nfds(), FD_SETSIZE);
}

/// Descriptors `FD_SETSIZE` and 1500 are open and valid, and no set can hold them:
/// `EINVAL`, the set unchanged, `FD_ISSET` false, `FD_CLR` a no-op.
#[test]
fn fds_at_and_past_fd_setsize_are_errors() {
    let at = high_fd(FD_SETSIZE);
    let past = high_fd(1500);
    let (_a, b) = pair();
    let mut set = FdSet::new();
    set.insert(&b).unwrap();
    let before = set;
    for fd in [&at, &past] {
        let n = fd.as_raw_fd();
        assert!(n >= FD_SETSIZE);
        assert_eq!(FD_SET(n, &mut set), Err(Errno::EINVAL), "fd {n}");
        assert_eq!(set.insert(fd), Err(Errno::EINVAL), "fd {n}");
        assert!(!FD_ISSET(n, &set));
        assert!(!set.contains(fd));
        FD_CLR(n, &mut set);
        assert!(!set.remove(fd));
        assert_eq!(set, before, "fd {n} changed the set");
    }
    for n in [-1, -2, RawFd::MIN, FD_SETSIZE, FD_SETSIZE + 1, RawFd::MAX] {
        assert_eq!(FD_SET(n, &mut set), Err(Errno::EINVAL), "fd {n}");
        assert!(!FD_ISSET(n, &set));
        FD_CLR(n, &mut set);
        assert_eq!(set, before, "fd {n} changed the set");
    }
    // An exact number for the record: F_DUPFD found FD_SETSIZE free.
    assert_eq!(at.as_raw_fd(), FD_SETSIZE);
    drop((at, past));
}

#[test]
fn readable_after_data_not_before() {
    let (a, b) = pair();
    let mut master = FdSet::new();
    master.insert(&b).unwrap();
    let mut readfds = master;
    let mut tv = ZERO;
    assert_eq!(
        select(master.nfds(), Some(&mut readfds), None, None, Some(&mut tv)),
        Ok(0)
    );
    assert!(readfds.is_empty(), "on return the set holds only ready fds");

    send(&a, b"x", 0).unwrap();
    let mut readfds = master;
    let mut tv = LONG;
    assert_eq!(
        select(master.nfds(), Some(&mut readfds), None, None, Some(&mut tv)),
        Ok(1)
    );
    assert_eq!(readfds, master);
}

#[test]
fn writable_and_readable_count_each() {
    let (a, b) = tcp_pair(V4);
    send(&b, b"x", 0).unwrap();
    let mut both = FdSet::new();
    both.insert(&a).unwrap();
    both.insert(&b).unwrap();
    let nfds = both.nfds();
    let (mut r, mut w) = (both, both);
    let mut tv = LONG;
    // a: readable and writable; b: writable.
    assert_eq!(
        select(nfds, Some(&mut r), Some(&mut w), None, Some(&mut tv)),
        Ok(3)
    );
    assert!(r.contains(&a) && !r.contains(&b));
    assert_eq!(w, both);
}

/// Out-of-band data makes the receiver "exceptional".
#[test]
fn oob_data_is_exceptional() {
    let (a, b) = tcp_pair(V4);
    let mut master = FdSet::new();
    master.insert(&b).unwrap();
    let mut e = master;
    let mut tv = ZERO;
    assert_eq!(
        select(master.nfds(), None, None, Some(&mut e), Some(&mut tv)),
        Ok(0)
    );

    assert_eq!(send(&a, b"!", MSG_OOB), Ok(1));
    let mut e = master;
    let mut tv = LONG;
    assert_eq!(
        select(master.nfds(), None, None, Some(&mut e), Some(&mut tv)),
        Ok(1)
    );
    assert!(e.contains(&b));
    let mut byte = [0u8; 1];
    assert_eq!(recv(&b, &mut byte, MSG_OOB), Ok(1));
    assert_eq!(&byte, b"!");
}

#[test]
fn a_zero_timeout_polls() {
    let (_a, b) = pair();
    let mut r = FdSet::new();
    r.insert(&b).unwrap();
    let start = Instant::now();
    let mut tv = ZERO;
    assert_eq!(
        select(r.nfds(), Some(&mut r), None, None, Some(&mut tv)),
        Ok(0)
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    // Nothing at all to wait on: the portable sleep, here for no time.
    assert_eq!(select(0, None, None, None, Some(&mut tv)), Ok(0));
}

/// A short timeout returns 0 after about its length, and Linux writes the time
/// left (none) back into it.
#[test]
fn a_short_timeout_returns_0_and_writes_the_time_left() {
    let (_a, b) = pair();
    let mut r = FdSet::new();
    r.insert(&b).unwrap();
    let mut tv = timeval {
        tv_sec: 0,
        tv_usec: 50_000,
    };
    let start = Instant::now();
    assert_eq!(
        select(r.nfds(), Some(&mut r), None, None, Some(&mut tv)),
        Ok(0)
    );
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(45), "returned after {took:?}");
    assert!(took < Duration::from_secs(5), "returned after {took:?}");
    assert_eq!(
        (tv.tv_sec, tv.tv_usec),
        (0, 0),
        "Linux writes the time left"
    );
}

/// Ready at once with 10 s to wait: the time left is written, below 10 s and close
/// to it.
#[test]
fn the_time_left_is_written_back() {
    let (a, b) = pair();
    send(&a, b"x", 0).unwrap();
    let mut r = FdSet::new();
    r.insert(&b).unwrap();
    let mut tv = LONG;
    assert_eq!(
        select(r.nfds(), Some(&mut r), None, None, Some(&mut tv)),
        Ok(1)
    );
    let left = Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000);
    assert!(left < Duration::from_secs(10), "left {left:?}: not written");
    assert!(left > Duration::from_secs(5), "left {left:?}");
}

#[test]
fn nfds_out_of_range_is_einval() {
    let (a, b) = pair();
    send(&a, b"x", 0).unwrap();
    let mut master = FdSet::new();
    master.insert(&b).unwrap();
    for nfds in [-1, RawFd::MIN, FD_SETSIZE + 1, 2048, RawFd::MAX] {
        let mut r = master;
        let mut tv = ZERO;
        assert_eq!(
            select(nfds, Some(&mut r), None, None, Some(&mut tv)),
            Err(Errno::EINVAL),
            "nfds {nfds}"
        );
        assert_eq!(r, master, "nfds {nfds}: the set is untouched");
        let ts = timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        assert_eq!(
            pselect(nfds, Some(&mut r), None, None, Some(&ts), None),
            Err(Errno::EINVAL),
            "nfds {nfds}"
        );
        assert_eq!(r, master);
    }
    // FD_SETSIZE itself is fine: the whole set, no further.
    let mut r = master;
    let mut tv = ZERO;
    assert_eq!(
        select(FD_SETSIZE, Some(&mut r), None, None, Some(&mut tv)),
        Ok(1)
    );
}

/// The probe that caught a popular safe wrapper: `select(2048, …)` on a set with
/// memory right after it. Here it is `EINVAL` before any call — the kernel would not
/// say `EINVAL` for 2048 (it cuts `nfds` to the table's size), so the error itself
/// shows no call was made — and not a byte after the set changes.
#[test]
fn nfds_2048_touches_nothing() {
    #[repr(C)]
    struct Guarded {
        set: FdSet,
        after: [u8; 256],
    }
    let (a, b) = pair();
    send(&a, b"x", 0).unwrap();
    let mut g = Guarded {
        set: FdSet::new(),
        after: [0xa5; 256],
    };
    g.set.insert(&b).unwrap();
    let before = g.set;
    let mut tv = ZERO;
    assert_eq!(
        select(2048, Some(&mut g.set), None, None, Some(&mut tv)),
        Err(Errno::EINVAL)
    );
    assert_eq!(g.set, before);
    assert!(
        g.after.iter().all(|&x| x == 0xa5),
        "memory after the set changed"
    );
    assert_eq!((tv.tv_sec, tv.tv_usec), (0, 0));
}

/// A number left in the set after its socket closed is C's `EBADF`. The number is
/// one no other test here opens (900: far above what this binary uses), and was
/// open a moment ago, so the kernel's table reaches it (Linux ignores the bits past
/// the end of its table, which never shrinks).
#[test]
fn a_closed_fd_in_the_set_is_ebadf() {
    let dup = high_fd(900);
    let n = dup.as_raw_fd();
    let mut r = FdSet::new();
    FD_SET(n, &mut r).unwrap();
    drop(dup);
    let mut tv = ZERO;
    assert_eq!(
        select(r.nfds(), Some(&mut r), None, None, Some(&mut tv)),
        Err(Errno::EBADF)
    );
}

#[test]
fn pselect_waits_as_select_does() {
    let (a, b) = pair();
    let mut master = FdSet::new();
    master.insert(&b).unwrap();
    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).unwrap();
    sigaddset(&mut mask, libc::SIGUSR2).unwrap();
    let short = timespec {
        tv_sec: 0,
        tv_nsec: 20_000_000,
    };
    let mut r = master;
    let start = Instant::now();
    assert_eq!(
        pselect(
            master.nfds(),
            Some(&mut r),
            None,
            None,
            Some(&short),
            Some(&mask)
        ),
        Ok(0)
    );
    assert!(start.elapsed() >= Duration::from_millis(15));
    assert!(r.is_empty());
    assert_eq!(
        (short.tv_sec, short.tv_nsec),
        (0, 20_000_000),
        "pselect's timeout is const"
    );

    send(&a, b"x", 0).unwrap();
    let mut r = master;
    let long = timespec {
        tv_sec: 10,
        tv_nsec: 0,
    };
    assert_eq!(
        pselect(master.nfds(), Some(&mut r), None, None, Some(&long), None),
        Ok(1)
    );
    assert_eq!(r, master);
    let bad = timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000_000,
    };
    assert_eq!(
        pselect(master.nfds(), Some(&mut r), None, None, Some(&bad), None),
        Err(Errno::EINVAL)
    );
}

#[test]
fn signal_set_helpers() {
    let mut mask: sigset_t = zeroed();
    sigemptyset(&mut mask).unwrap();
    assert_eq!(sigismember(&mask, libc::SIGUSR1), Ok(false));
    sigaddset(&mut mask, libc::SIGUSR1).unwrap();
    assert_eq!(sigismember(&mask, libc::SIGUSR1), Ok(true));
    sigdelset(&mut mask, libc::SIGUSR1).unwrap();
    assert_eq!(sigismember(&mask, libc::SIGUSR1), Ok(false));
    sigfillset(&mut mask).unwrap();
    assert_eq!(sigismember(&mask, libc::SIGTERM), Ok(true));
    for bad in [0, -1, 100_000, c_int_max()] {
        assert_eq!(
            sigaddset(&mut mask, bad),
            Err(Errno::EINVAL),
            "signal {bad}"
        );
        assert_eq!(sigismember(&mask, bad), Err(Errno::EINVAL), "signal {bad}");
    }
}

fn c_int_max() -> std::ffi::c_int {
    std::ffi::c_int::MAX
}
