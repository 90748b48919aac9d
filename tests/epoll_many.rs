//! 1,000 registered descriptors with one ready: `epoll_wait` reports exactly that one,
//! with its data, whichever it is.
//!
//! Its own binary (`harness = false`): it holds a thousand descriptors at once, which
//! must not starve the other tests of theirs, and it raises its own soft
//! `RLIMIT_NOFILE` if needed.

#[cfg(target_os = "linux")]
mod linux {
    use sockapi::*;

    const FDS: usize = 1_000;

    /// Makes room for `FDS` descriptors and some to spare, hard limit permitting.
    fn raise_nofile() {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `lim` is a writable rlimit.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
        let want = (FDS as libc::rlim_t + 64).min(lim.rlim_max);
        if lim.rlim_cur < want {
            lim.rlim_cur = want;
            // SAFETY: `lim` is a valid rlimit, the soft limit within the hard one.
            assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
        }
    }

    fn one_ready_among_a_thousand() {
        // Both ends of 500 pairs: 1,000 registered descriptors, EPOLLIN only (each is
        // writable all the time), `data` the index of the end.
        let pairs: Vec<(Socket, Socket)> = (0..FDS / 2)
            .map(|_| socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair"))
            .collect();
        let ends: Vec<&Socket> = pairs.iter().flat_map(|(a, b)| [a, b]).collect();
        assert_eq!(ends.len(), FDS);
        let ep = epoll_create1(EPOLL_CLOEXEC).expect("epoll_create1");
        for (i, end) in ends.iter().enumerate() {
            let ev = epoll_event::new(EPOLLIN, i as u64);
            epoll_ctl(&ep, EPOLL_CTL_ADD, *end, Some(&ev)).expect("EPOLL_CTL_ADD");
        }
        let mut events = [epoll_event::default(); 64];
        assert_eq!(epoll_wait(&ep, &mut events, 0), Ok(0), "nothing ready yet");
        for ready in [0, 1, 499, 500, 998, FDS - 1] {
            // The peer of end `ready` is the other end of its pair.
            let peer = ends[ready ^ 1];
            assert_eq!(send(peer, b"x", 0), Ok(1));
            let n = epoll_wait(&ep, &mut events, 10_000).expect("epoll_wait");
            assert_eq!(n, 1, "exactly one ready: {:?}", &events[..n]);
            assert_eq!(events[0], epoll_event::new(EPOLLIN, ready as u64));
            let mut buf = [0u8; 2];
            assert_eq!(recv(ends[ready], &mut buf, 0), Ok(1));
            assert_eq!(epoll_wait(&ep, &mut events, 0), Ok(0), "drained");
        }
    }

    pub fn main() {
        raise_nofile();
        one_ready_among_a_thousand();
        println!("ok     one ready among {FDS} registered");
        println!("epoll_many: 1 passed, 0 failed");
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("epoll_many: epoll is Linux's; nothing to run");
}
