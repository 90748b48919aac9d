//! `FdSet` under arbitrary operations with arbitrary descriptor numbers, against a
//! model (a `BTreeSet` of `0..FD_SETSIZE`), then `select` and `pselect` (zero
//! timeout) on what results, with a few real sockets among the numbers: `EINVAL` for
//! an `nfds` out of range, `EBADF` exactly when a number below `nfds` is not open,
//! else each set's ready fds below `nfds` (cut, as Linux cuts it, to the size of
//! the descriptor table), its bits in words past `nfds` untouched,
//! the sockets known to be ready reported, and the count right.
#![no_main]

use std::collections::BTreeSet;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sockapi::*;

const SETSIZE: i32 = FD_SETSIZE;
const WORD: i32 = 64;

#[derive(Arbitrary, Debug)]
enum Fd {
    /// One of the real sockets.
    Real(u8),
    /// Near the ends of the range.
    Edge(i8),
    Any(i32),
}

#[derive(Arbitrary, Debug)]
enum Op {
    Set(Fd),
    Clr(Fd),
    IsSet(Fd),
    Insert(u8),
    Remove(u8),
    Zero,
    Copy,
}

#[derive(Arbitrary, Debug)]
enum Nfds {
    Exact,
    Plus(i8),
    Any(i32),
}

#[derive(Arbitrary, Debug)]
struct Input {
    ops: Vec<Op>,
    /// Which of the three sets (read, write, except) get the set; others `None`.
    which: [bool; 3],
    /// The write and except sets drop these bits of the read set (so they differ).
    masks: [u64; 2],
    nfds: Nfds,
    pselect: bool,
}

struct Sockets {
    /// `[readable, its peer, writable-only a, its peer b]`.
    fds: Vec<OwnedFd>,
}

fn sockets() -> &'static Sockets {
    static S: OnceLock<Sockets> = OnceLock::new();
    S.get_or_init(|| {
        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        // One byte queued on `b`, never read: `b` is always readable.
        send(&a, b"x", 0).unwrap();
        let (c, d) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        Sockets {
            fds: vec![b.into(), a.into(), c.into(), d.into()],
        }
    })
}

fn real(i: u8) -> &'static OwnedFd {
    let s = sockets();
    &s.fds[i as usize % s.fds.len()]
}

fn number(fd: &Fd) -> RawFd {
    match *fd {
        Fd::Real(i) => real(i).as_raw_fd(),
        Fd::Edge(d) => {
            if d >= 0 {
                SETSIZE - 1 - (d as i32 % 8) + (d as i32 / 8 % 3)
            } else {
                d as i32
            }
        }
        Fd::Any(n) => n,
    }
}

fn in_range(fd: RawFd) -> bool {
    (0..SETSIZE).contains(&fd)
}

fn is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD reads nothing through pointers.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

fn fd_table_size() -> i32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("FDSize:")).unwrap();
    line["FDSize:".len()..].trim().parse().unwrap()
}

fn check_model(set: &FdSet, model: &BTreeSet<RawFd>) {
    let listed: Vec<RawFd> = set.iter().collect();
    let want: Vec<RawFd> = model.iter().copied().collect();
    assert_eq!(listed, want);
    assert_eq!(set.len(), model.len());
    assert_eq!(set.is_empty(), model.is_empty());
    assert_eq!(set.nfds(), model.last().map_or(0, |&m| m + 1));
    assert_eq!(format!("{set:?}"), format!("{model:?}"));
    let mut rebuilt = FdSet::new();
    for &fd in model {
        FD_SET(fd, &mut rebuilt).unwrap();
    }
    assert!(rebuilt == *set);
    assert_eq!((&rebuilt).into_iter().count(), model.len());
}

fn masked(set: &FdSet, mask: u64) -> FdSet {
    let mut out = FdSet::new();
    for fd in set.iter() {
        if mask >> (fd % 64) & 1 == 1 {
            FD_SET(fd, &mut out).unwrap();
        }
    }
    out
}

fuzz_target!(|input: Input| {
    let mut set = FdSet::new();
    let mut model = BTreeSet::new();
    let mut copy = set;
    for op in input.ops.iter().take(256) {
        match op {
            Op::Set(fd) => {
                let fd = number(fd);
                let ret = FD_SET(fd, &mut set);
                if in_range(fd) {
                    assert_eq!(ret, Ok(()));
                    model.insert(fd);
                } else {
                    assert_eq!(ret, Err(Errno::EINVAL));
                }
            }
            Op::Clr(fd) => {
                let fd = number(fd);
                FD_CLR(fd, &mut set);
                model.remove(&fd);
            }
            Op::IsSet(fd) => {
                let fd = number(fd);
                assert_eq!(FD_ISSET(fd, &set), model.contains(&fd));
            }
            Op::Insert(i) => {
                let s = real(*i);
                set.insert(s).unwrap();
                model.insert(s.as_raw_fd());
                assert!(set.contains(s));
            }
            Op::Remove(i) => {
                let s = real(*i);
                assert_eq!(set.remove(s), model.remove(&s.as_raw_fd()));
                assert!(!set.contains(s));
            }
            Op::Zero => {
                FD_ZERO(&mut set);
                model.clear();
            }
            Op::Copy => copy = set,
        }
        check_model(&set, &model);
    }
    // A copy is a value: later changes to `set` did not reach it.
    let _ = copy.len();

    let nfds = match input.nfds {
        Nfds::Exact => set.nfds(),
        Nfds::Plus(d) => set.nfds().saturating_add(d as i32),
        Nfds::Any(n) => n,
    };
    let before = [
        set,
        masked(&set, input.masks[0]),
        masked(&set, input.masks[1]),
    ];
    let mut after = before;
    let [r, w, e] = &mut after;
    let (r, w, e): (Option<&mut FdSet>, Option<&mut FdSet>, Option<&mut FdSet>) = (
        input.which[0].then_some(r),
        input.which[1].then_some(w),
        input.which[2].then_some(e),
    );
    let ret = if input.pselect {
        let ts = timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        pselect(nfds, r, w, e, Some(&ts), None)
    } else {
        let mut tv = timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        let ret = select(nfds, r, w, e, Some(&mut tv));
        assert_eq!((tv.tv_sec, tv.tv_usec), (0, 0));
        ret
    };

    // A signal during the call (libFuzzer's `-timeout` alarm, SIGALRM) is C's
    // `EINTR`, with the sets unspecified: nothing more to check.
    if ret == Err(Errno::EINTR) && (0..=SETSIZE).contains(&nfds) {
        return;
    }
    if !(0..=SETSIZE).contains(&nfds) {
        assert_eq!(ret, Err(Errno::EINVAL));
        assert!(after.iter().zip(&before).all(|(a, b)| a == b));
        return;
    }
    // Linux cuts `nfds` to the size of the process's descriptor table (`FDSize` in
    // /proc/self/status, a multiple of 64): numbers past it are neither checked
    // (no EBADF) nor read or written.
    let nfds = nfds.min(fd_table_size());
    let passed: Vec<usize> = (0..3).filter(|&i| input.which[i]).collect();
    let closed_below = passed
        .iter()
        .flat_map(|&i| before[i].iter())
        .any(|fd| fd < nfds && !is_open(fd));
    if closed_below {
        assert_eq!(ret, Err(Errno::EBADF), "nfds {nfds}");
        return;
    }
    let n = ret.unwrap_or_else(|e| panic!("select failed: {e:?} (nfds {nfds})"));
    let reached = (nfds + WORD - 1) / WORD * WORD;
    let mut total = 0;
    for &i in &passed {
        for fd in 0..SETSIZE {
            let was = FD_ISSET(fd, &before[i]);
            let is = FD_ISSET(fd, &after[i]);
            if fd < nfds {
                assert!(!is || was, "set {i}: {fd} ready but not asked for");
            } else if fd < reached {
                assert!(
                    !is,
                    "set {i}: {fd} at or past nfds {nfds} left in a rewritten word"
                );
            } else {
                assert_eq!(is, was, "set {i}: {fd} past the words nfds reaches changed");
            }
            if is && fd < nfds {
                total += 1;
            }
        }
    }
    assert_eq!(n, total);
    // What is known of the real sockets: fds[0] readable, all writable, none
    // exceptional.
    let s = sockets();
    for (k, fd) in s.fds.iter().enumerate() {
        let num = fd.as_raw_fd();
        if num >= nfds {
            continue;
        }
        if input.which[0] && k == 0 && FD_ISSET(num, &before[0]) {
            assert!(FD_ISSET(num, &after[0]), "readable socket not reported");
        }
        if input.which[1] && FD_ISSET(num, &before[1]) {
            assert!(FD_ISSET(num, &after[1]), "writable socket not reported");
        }
        if input.which[2] {
            assert!(!FD_ISSET(num, &after[2]), "socket exceptional");
        }
    }
});
