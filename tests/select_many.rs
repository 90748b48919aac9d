//! 1,000 registered descriptors, one of them ready: `select` finds exactly that one.
//!
//! Its own binary (`harness = false`): the fd numbers must stay below `FD_SETSIZE`,
//! which only a process that opens nothing else at the same time can promise.

use std::os::fd::AsRawFd;

use sockapi::*;

/// How many descriptors are registered: 500 socket pairs.
const FDS: usize = 1000;

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

fn main() {
    raise_nofile(FDS as u64 + 64);
    let pairs: Vec<(Socket, Socket)> = (0..FDS / 2)
        .map(|_| socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair"))
        .collect();
    let mut master = FdSet::new();
    for (a, b) in &pairs {
        master.insert(a).expect("fd below FD_SETSIZE");
        master.insert(b).expect("fd below FD_SETSIZE");
    }
    assert_eq!(master.len(), FDS);
    let nfds = master.nfds();
    assert!(nfds <= FD_SETSIZE);

    // Nothing ready.
    let mut r = master;
    let mut tv = timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    assert_eq!(select(nfds, Some(&mut r), None, None, Some(&mut tv)), Ok(0));
    assert!(r.is_empty());

    // One ready at a time, the first, one in the middle and the last registered.
    let mut checked = 0;
    for i in [0, 1, 250, 317, FDS / 2 - 1] {
        for (from, to) in [(&pairs[i].0, &pairs[i].1), (&pairs[i].1, &pairs[i].0)] {
            assert_eq!(send(from, b"x", 0), Ok(1));
            let mut r = master;
            let mut tv = timeval {
                tv_sec: 10,
                tv_usec: 0,
            };
            assert_eq!(select(nfds, Some(&mut r), None, None, Some(&mut tv)), Ok(1));
            assert_eq!(r.iter().collect::<Vec<_>>(), [to.as_raw_fd()]);
            let mut byte = [0u8; 1];
            assert_eq!(recv(to, &mut byte, 0), Ok(1));
            checked += 1;
        }
    }
    println!(
        "ok     {FDS} registered fds (nfds {nfds}), one ready: found exactly it ({checked} times)"
    );

    // Every one writable: all 1,000 come back.
    let mut w = master;
    let mut tv = timeval {
        tv_sec: 10,
        tv_usec: 0,
    };
    assert_eq!(
        select(nfds, None, Some(&mut w), None, Some(&mut tv)),
        Ok(FDS)
    );
    assert_eq!(w, master);
    println!("ok     all {FDS} writable");
    println!("select_many: 2 passed, 0 failed");
}
