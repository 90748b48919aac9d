//! 1,000 registered descriptors with one ready: `poll` reports exactly that one, for
//! each position in turn of a few, and nothing once it is read.
//!
//! Its own binary (`harness = false`): it holds 2,000 descriptors at once and checks
//! the count `poll` returns, which no other test's sockets may disturb.

use sockapi::*;

const PAIRS: usize = 1_000;

fn main() {
    let pairs: Vec<(Socket, Socket)> = (0..PAIRS)
        .map(|i| {
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)
                .unwrap_or_else(|e| panic!("socketpair {i}: {e} (RLIMIT_NOFILE too low?)"))
        })
        .collect();
    let mut fds: Vec<pollfd> = pairs.iter().map(|(_, b)| pollfd::new(b, POLLIN)).collect();
    assert_eq!(poll(&mut fds, 0), Ok(0), "nothing sent yet");

    let mut checked = 0;
    for ready in [0, 1, 499, 777, PAIRS - 1] {
        assert_eq!(send(&pairs[ready].0, b"x", 0), Ok(1));
        assert_eq!(poll(&mut fds, 10_000), Ok(1), "one of {PAIRS} is ready");
        let found: Vec<usize> = fds
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.revents.is_empty())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found, [ready]);
        assert_eq!(fds[ready].revents, POLLIN);
        let mut buf = [0u8; 1];
        assert_eq!(recv(&pairs[ready].1, &mut buf, 0), Ok(1));
        assert_eq!(poll(&mut fds, 0), Ok(0), "read again: none ready");
        checked += 1;
    }
    // The highest descriptor number is far above 1,000: no FD_SETSIZE here.
    let highest = fds.iter().map(|p| p.fd).max().unwrap();
    assert!(highest >= PAIRS as i32, "highest fd {highest}");
    println!("ok     poll over {PAIRS} descriptors (up to fd {highest}) finds exactly the ready one ({checked} positions)");
    more_entries_than_the_kernel_takes_is_einval();
    println!("poll_many: 2 passed, 0 failed");
}

/// `nfds` above `RLIMIT_NOFILE` is the kernel's `EINVAL` (the slice's length is passed
/// as it is; the entries are all skipped ones, so only the count matters).
fn more_entries_than_the_kernel_takes_is_einval() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit to fill.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur > 1 << 24 {
        println!(
            "skipped: RLIMIT_NOFILE {} is too large to exceed here",
            lim.rlim_cur
        );
        return;
    }
    let limit = lim.rlim_cur as usize;
    let mut fds = vec![pollfd::from_raw_fd(-1, POLLIN); limit + 1];
    assert_eq!(
        poll(&mut fds, 0),
        Err(Errno::EINVAL),
        "{} entries",
        limit + 1
    );
    assert_eq!(poll(&mut fds[..limit], 0), Ok(0), "{limit} entries");
    println!(
        "ok     {} entries (RLIMIT_NOFILE + 1): EINVAL; {limit}: polled",
        limit + 1
    );
}
